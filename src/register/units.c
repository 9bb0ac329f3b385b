/* The versioned unit tree: rows by code, the tree of any date, ancestry and the province of a unit. */
#include "register/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int row_cmp(const void *pa, const void *pb)
{
	const struct reg_unit *a = pa, *b = pb;
	int c = strcmp(a->code, b->code);
	if (c)
		return c;
	return (a->valid_from > b->valid_from) - (a->valid_from < b->valid_from);
}

enum ds_rc reg_units_build(struct reg_units *t, struct reg_unit *rows, size_t n)
{
	memset(t, 0, sizeof *t);
	t->rows = rows;
	t->n = n;
	if (n)
		qsort(rows, n, sizeof *rows, row_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(rows[i].code, rows[i - 1].code) == 0)
			continue;
		enum ds_rc rc = hmap_put(&t->by_code, rows[i].code, strlen(rows[i].code), (int64_t)i,
					 NULL, NULL);
		if (rc)
			return rc;
	}
	return DS_OK;
}

void reg_units_free(struct reg_units *t)
{
	free(t->rows);
	hmap_free(&t->by_code);
	memset(t, 0, sizeof *t);
}

size_t reg_units_rows(const struct reg_units *t, const char *code, size_t *first)
{
	int64_t i;
	if (!hmap_get(&t->by_code, code, strlen(code), &i))
		return 0;
	size_t k = (size_t)i, n = 0;
	while (k + n < t->n && strcmp(t->rows[k + n].code, code) == 0)
		n++;
	*first = k;
	return n;
}

/* FNV-1a, 64 bits. */
static uint64_t mark_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t mark_i32(uint64_t h, int32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	return mark_bytes(h, b, sizeof b);
}

void reg_units_mark(const struct reg_units *t, char out[REG_UNITS_MARK_LEN + 1])
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < t->n; i++) {
		const struct reg_unit *u = &t->rows[i];
		h = mark_bytes(h, u->code, strlen(u->code) + 1);
		h = mark_bytes(h, u->name, strlen(u->name) + 1);
		h = mark_bytes(h, u->parent, strlen(u->parent) + 1);
		h = mark_i32(mark_i32(mark_i32(h, (int32_t)u->level), u->valid_from), u->valid_to);
	}
	snprintf(out, REG_UNITS_MARK_LEN + 1, "%016llx", (unsigned long long)h);
}

static int valid_on(const struct reg_unit *u, int32_t day)
{
	return (u->valid_from == DAY_NONE || u->valid_from <= day) &&
	       (u->valid_to == DAY_MAX || day <= u->valid_to);
}

const struct reg_unit *reg_units_at(const struct reg_units *t, const char *code, int32_t day)
{
	size_t first, n = reg_units_rows(t, code, &first);
	for (size_t i = 0; i < n; i++)
		if (valid_on(&t->rows[first + i], day))
			return &t->rows[first + i];
	return NULL;
}

const struct reg_unit *reg_units_resolve(const struct reg_units *t, const char *code, int32_t day)
{
	size_t first, n = reg_units_rows(t, code, &first);
	const struct reg_unit *last_before = NULL, *earliest = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct reg_unit *u = &t->rows[first + i];
		if (valid_on(u, day))
			return u;
		if (u->valid_to != DAY_MAX && u->valid_to < day)
			last_before = u; /* rows are in valid_from order */
		else if (!earliest)
			earliest = u;
	}
	/* Before the unit existed, use its first row: its data cannot be
	 * there yet, but its place in the tree is the best answer. */
	return last_before ? last_before : earliest;
}

const char *reg_units_parent(const struct reg_units *t, const char *code, int32_t day)
{
	const struct reg_unit *u = reg_units_resolve(t, code, day);
	return u ? u->parent : "";
}

int reg_units_within(const struct reg_units *t, const char *code, const char *top, int32_t day)
{
	for (int depth = 0; code[0] && depth < 16; depth++) {
		if (strcmp(code, top) == 0)
			return 1;
		code = reg_units_parent(t, code, day);
	}
	return 0;
}

const char *reg_units_above(const struct reg_units *t, const char *code, enum reg_level lvl,
			    int32_t day)
{
	for (int depth = 0; code && code[0] && depth < 16; depth++) {
		const struct reg_unit *u = reg_units_resolve(t, code, day);
		if (!u)
			return "";
		if (u->level == lvl)
			return u->code;
		code = u->parent;
	}
	return "";
}

int reg_units_province(const struct reg_units *t, const char *code)
{
	for (int depth = 0; code[0] && depth < 16; depth++) {
		size_t first, n = reg_units_rows(t, code, &first);
		if (!n)
			return 0;
		const struct reg_unit *u = &t->rows[first + n - 1];
		int prov = 0;
		if (u->level == LVL_PROVINCE)
			return reg_parse_small(u->code, strlen(u->code), 0, 999999, &prov) == W_NONE ? prov : 0;
		code = u->parent;
	}
	return 0;
}
