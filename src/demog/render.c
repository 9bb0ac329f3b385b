/* Life tables and projections as CSV or JSON text, with fixed decimals per column. */
#include "demog/render.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * A table writer: the same rows as CSV (a header, then lines) or as a JSON
 * array of objects.  Values come one by one, as text already formatted;
 * NULL is an empty field or null.
 */
struct tw {
	struct buf *b;
	enum dm_format f;
	const char *const *names;
	size_t ncols, col, rows;
	enum ds_rc rc;
};

static void put(struct tw *t, const char *s)
{
	if (t->rc == DS_OK)
		t->rc = buf_puts(t->b, s);
}

static void tw_start(struct tw *t)
{
	if (t->f == DM_JSON) {
		put(t, "[");
		return;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		put(t, i ? "," : "");
		put(t, t->names[i]);
	}
	put(t, "\n");
}

/* One value of the current row; quoted makes it a JSON string. */
static void tw_value(struct tw *t, const char *text, bool quoted)
{
	bool json = t->f == DM_JSON;
	if (t->col == 0 && json)
		put(t, t->rows ? ",\n{" : "\n{");
	if (t->col > 0)
		put(t, ",");
	if (json) {
		put(t, "\"");
		put(t, t->names[t->col]);
		put(t, "\":");
	}
	const char *q = json && quoted && text ? "\"" : "";
	put(t, q);
	put(t, text ? text : json ? "null" : "");
	put(t, q);
	if (++t->col == t->ncols) {
		put(t, json ? "}" : "\n");
		t->col = 0;
		t->rows++;
	}
}

static void tw_end(struct tw *t)
{
	if (t->f == DM_JSON)
		put(t, "\n]");
}

static void tw_int(struct tw *t, long v)
{
	char s[24];
	snprintf(s, sizeof s, "%ld", v);
	tw_value(t, s, false);
}

static void tw_num(struct tw *t, double v, int decimals)
{
	char s[64];
	if (isnan(v)) {
		tw_value(t, NULL, false);
		return;
	}
	/* No "-0.000" for a value that rounds to zero from below. */
	snprintf(s, sizeof s, "%.*f", decimals, fabs(v) < 0.5 * pow(10, -decimals) ? 0.0 : v);
	tw_value(t, s, false);
}

/* ---- life tables ---- */

static const char *const lt_names[] = {"sex", "age", "width", "mx", "ax", "qx",
				       "lx",  "dx",  "Lx",    "Tx", "ex", "Sx"};

struct lt_num {
	size_t offset; /* of the column's array in struct dm_lt */
	int decimals;
};

/* mx to Sx, in the order of lt_names. */
static const struct lt_num lt_nums[] = {
	{offsetof(struct dm_lt, mx), 10}, {offsetof(struct dm_lt, ax), 4},
	{offsetof(struct dm_lt, qx), 10}, {offsetof(struct dm_lt, lx), 3},
	{offsetof(struct dm_lt, dx), 3},  {offsetof(struct dm_lt, Lx), 3},
	{offsetof(struct dm_lt, Tx), 3},  {offsetof(struct dm_lt, ex), 4},
	{offsetof(struct dm_lt, Sx), 10},
};

static void lt_row(struct tw *w, const struct dm_lt *t, size_t i)
{
	tw_value(w, dm_sex_code(t->sex), true);
	tw_int(w, t->age[i]);
	if (t->width[i])
		tw_int(w, t->width[i]);
	else
		tw_value(w, NULL, false);
	for (size_t c = 0; c < sizeof lt_nums / sizeof lt_nums[0]; c++) {
		const double *col = (const double *)((const char *)t + lt_nums[c].offset);
		tw_num(w, col[i], lt_nums[c].decimals);
	}
}

enum ds_rc dm_render_lifetables(const struct dm_lt *const *t, size_t n, enum dm_format f,
				struct buf *b)
{
	struct tw w = {.b = b, .f = f, .names = lt_names, .ncols = 12};
	tw_start(&w);
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < t[k]->n; i++)
			lt_row(&w, t[k], i);
	tw_end(&w);
	put(&w, f == DM_JSON ? "\n" : "");
	return w.rc;
}

/* ---- projections ---- */

static const char *const pop_names[] = {"step", "sex", "age", "count"};
static const char *const birth_names[] = {"step", "mother_age", "births"};

static void population(struct tw *w, const struct dm_proj_out *o, int n)
{
	tw_start(w);
	for (size_t k = 0; k < o->steps; k++) {
		for (int s = 0; s < 2; s++) {
			const double *p = dm_proj_pop(o, k, s);
			for (size_t g = 0; g < o->groups; g++) {
				tw_int(w, (long)k + 1);
				tw_value(w, dm_sex_code((enum dm_sex)s), true);
				tw_int(w, (long)g * n);
				tw_num(w, p[g], 3);
			}
		}
	}
	tw_end(w);
}

static void births(struct tw *w, const struct dm_proj_out *o, int n, size_t first, size_t last)
{
	tw_start(w);
	for (size_t k = 0; k < o->steps; k++) {
		for (size_t g = first; g <= last && g < o->groups; g++) {
			tw_int(w, (long)k + 1);
			tw_int(w, (long)g * n);
			tw_num(w, o->births[k * o->groups + g], 3);
		}
	}
	tw_end(w);
}

enum ds_rc dm_render_projection(const struct dm_proj_out *o, int n, size_t first, size_t last,
				enum dm_format f, struct buf *b)
{
	struct tw pop = {.b = b, .f = f, .names = pop_names, .ncols = 4};
	struct tw bir = {.b = b, .f = f, .names = birth_names, .ncols = 3};
	bool json = f == DM_JSON;
	put(&pop, json ? "{\"population\":" : "");
	population(&pop, o, n);
	put(&pop, json ? ",\n\"births\":" : "\n");
	if (pop.rc)
		return pop.rc;
	births(&bir, o, n, first, last);
	put(&bir, json ? "}\n" : "");
	return bir.rc;
}
