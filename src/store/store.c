#include "store/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void store_seterr(struct store *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->errmsg, sizeof st->errmsg, fmt, ap);
	va_end(ap);
}

static bool is_pg_url(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

enum ds_rc store_open(const char *target, bool create, struct store **out)
{
	struct store *st = calloc(1, sizeof *st);
	if (!st)
		return DS_ENOMEM;
	st->ops = is_pg_url(target) ? &store_pg_ops : &store_sqlite_ops;
	enum ds_rc rc = st->ops->open(st, target, create);
	if (rc == DS_OK)
		rc = st->ops->migrate(st);
	if (rc != DS_OK) {
		fprintf(stderr, "store: %s\n", st->errmsg[0] ? st->errmsg : ds_rc_str(rc));
		store_close(st);
		return rc;
	}
	*out = st;
	return DS_OK;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->impl)
		st->ops->close(st);
	free(st);
}

struct units_acc {
	struct reg_unit *v;
	size_t n, cap;
};

static enum ds_rc add_unit(const struct reg_unit *u, void *arg)
{
	struct units_acc *a = arg;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 256;
		struct reg_unit *v = realloc(a->v, cap * sizeof *v);
		if (!v)
			return DS_ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = *u;
	return DS_OK;
}

enum ds_rc store_units(struct store *st, struct reg_unit **units, size_t *n)
{
	struct units_acc a = {0};
	enum ds_rc rc = st->ops->each_unit(st, add_unit, &a);
	if (rc) {
		free(a.v);
		return rc;
	}
	*units = a.v;
	*n = a.n;
	return DS_OK;
}

void store_person_lite_of(const struct store_person *p, struct store_person_lite *l)
{
	*l = (struct store_person_lite){.rid = p->rid,
					.hh = p->hh,
					.entry_seq = p->entry_seq,
					.birth = p->rec.birth,
					.entry = p->entry,
					.sex = p->rec.sex,
					.marital = p->rec.marital,
					.residence = p->rec.residence,
					.fp_method = p->rec.fp_method};
}
