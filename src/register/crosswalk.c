/* Crosswalk files: reading them, and checking a change of the map whole before it is made. */
#include "register/crosswalk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/day.h"
#include "base/grow.h"
#include "base/hmap.h"

/* ---- problems ---- */

static enum ds_rc problem(struct xw_problems *pr, const char *file, long line, const char *field,
			  enum ds_why why)
{
	if (pr->n >= XW_MAX_PROBLEMS) {
		pr->more = true;
		return DS_OK;
	}
	if (!ds_grow(&pr->v, sizeof *pr->v, &pr->cap, pr->n, 16))
		return DS_ENOMEM;
	ds_problem_set(&pr->v[pr->n++], file, line, field, why);
	return DS_OK;
}

/* A problem about one unit named in a field: "areas[26734001]". */
static enum ds_rc problem_at(struct xw_problems *pr, const char *file, long line,
			     const char *field, const char *code, enum ds_why why)
{
	char f[DS_FIELD_MAX];
	snprintf(f, sizeof f, "%s[%s]", field, code);
	return problem(pr, file, line, f, why);
}

void xw_problems_free(struct xw_problems *pr)
{
	free(pr->v);
	memset(pr, 0, sizeof *pr);
}

/* ---- reading ---- */

enum { XC_OLD, XC_NEW, XC_NAME, XC_LEVEL, XC_PARENT, XC_EFFECTIVE, XC_AREAS, XC_COUNT };
static const char *const xw_cols[XC_COUNT] = {"old_code",   "new_code",  "new_name", "level",
					      "new_parent", "effective", "areas"};

void xw_free(struct xw *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->lines[i].areas);
	free(x->lines);
	memset(x, 0, sizeof *x);
}

/* A unit code, or "" when the field is empty. */
static enum ds_why code_field(struct csv_field f, xw_code out)
{
	struct reg_unit u;
	out[0] = '\0';
	if (f.n == 0)
		return W_NONE;
	enum ds_why w = reg_unit_set(&u, UC_PARENT, f.p, f.n);
	if (!w)
		memcpy(out, u.parent, sizeof u.parent);
	return w;
}

/* The areas column: codes separated by spaces or ';'. */
static enum ds_why areas_field(struct csv_field f, struct xw_line *l, const char **bad)
{
	size_t i = 0, cap = 0;
	while (i < f.n) {
		while (i < f.n && (f.p[i] == ' ' || f.p[i] == ';'))
			i++;
		size_t j = i;
		while (j < f.n && f.p[j] != ' ' && f.p[j] != ';')
			j++;
		if (j == i)
			break;
		if (!ds_grow(&l->areas, sizeof *l->areas, &cap, l->nareas, 8))
			return W_TOO_LONG;
		enum ds_why w = code_field((struct csv_field){f.p + i, j - i}, l->areas[l->nareas]);
		if (w) {
			*bad = "areas";
			return w;
		}
		l->nareas++;
		i = j;
	}
	return W_NONE;
}

/* One record into l; W_NONE, or the reason and the column at fault. */
static enum ds_why read_line(const struct csv *c, bool has_areas, struct xw_line *l,
			     const char **bad)
{
	struct reg_unit u;
	reg_unit_init(&u);
	enum ds_why w;
	*bad = xw_cols[XC_OLD];
	if ((w = code_field(csv_col(c, XC_OLD), l->old_code)))
		return w;
	*bad = xw_cols[XC_NEW];
	if ((w = code_field(csv_col(c, XC_NEW), l->new_code)))
		return w;
	if (!l->old_code[0] && !l->new_code[0])
		return W_NO_CODES;
	struct csv_field f = csv_col(c, XC_NAME);
	*bad = xw_cols[XC_NAME];
	if (f.n && (w = reg_unit_set(&u, UC_NAME, f.p, f.n)))
		return w;
	memcpy(l->name, u.name, sizeof l->name);
	if (!f.n)
		l->name[0] = '\0';
	f = csv_col(c, XC_LEVEL);
	*bad = xw_cols[XC_LEVEL];
	if (f.n && (w = reg_unit_set(&u, UC_LEVEL, f.p, f.n)))
		return w;
	l->level = f.n ? u.level : LVL_NONE;
	*bad = xw_cols[XC_PARENT];
	if ((w = code_field(csv_col(c, XC_PARENT), l->parent)))
		return w;
	f = csv_col(c, XC_EFFECTIVE);
	*bad = xw_cols[XC_EFFECTIVE];
	if (!f.n)
		return W_REQUIRED;
	if ((w = reg_unit_set(&u, UC_FROM, f.p, f.n)))
		return w;
	l->effective = u.valid_from;
	if (has_areas && (w = areas_field(csv_col(c, XC_AREAS), l, bad)))
		return w;
	/* A new unit needs what makes it one. */
	bool fresh = l->new_code[0] && strcmp(l->new_code, l->old_code) != 0;
	if (fresh && !l->name[0]) {
		*bad = xw_cols[XC_NAME];
		return W_REQUIRED;
	}
	if (fresh && !l->level) {
		*bad = xw_cols[XC_LEVEL];
		return W_REQUIRED;
	}
	if (fresh && l->level != LVL_PROVINCE && !l->parent[0]) {
		*bad = xw_cols[XC_PARENT];
		return W_REQUIRED;
	}
	if (l->nareas && (!l->old_code[0] || !l->new_code[0])) {
		*bad = "areas";
		return W_NOT_CHILD;
	}
	return W_NONE;
}

/* The header: with the areas column, or without it. */
static enum ds_rc open_header(struct csv *c, const char *data, size_t size, const char *name,
			      bool *has_areas, struct ds_problem *pb)
{
	for (int with = 1; with >= 0; with--) {
		enum ds_rc rc = csv_open_mem(c, data, size, name);
		if (rc)
			return rc;
		if ((rc = csv_header(c, xw_cols, with ? XC_COUNT : XC_AREAS, pb)) == DS_OK) {
			*has_areas = with;
			return DS_OK;
		}
		csv_close(c);
		if (rc != DS_EINPUT || pb->why != W_CSV_HEADER)
			return rc;
	}
	return DS_EINPUT;
}

enum ds_rc xw_parse(const char *data, size_t size, const char *name, struct xw *x,
		    struct xw_problems *pr)
{
	memset(x, 0, sizeof *x);
	snprintf(x->file, sizeof x->file, "%s", name);
	struct csv c;
	struct ds_problem pb;
	bool has_areas = false;
	enum ds_rc rc = open_header(&c, data, size, name, &has_areas, &pb);
	if (rc) {
		if (rc == DS_EINPUT && problem(pr, pb.file, pb.line, pb.field, pb.why))
			return DS_ENOMEM;
		return rc;
	}
	size_t cap = 0;
	bool bad = false;
	int got;
	while ((got = csv_next(&c, &pb)) != 0 && !rc) {
		if (got < 0) {
			bad = true;
			rc = problem(pr, pb.file, pb.line, pb.field, pb.why);
			continue;
		}
		if (x->n >= XW_MAX_LINES) {
			bad = true;
			rc = problem(pr, name, c.rec_line, NULL, W_TOO_LONG);
			break;
		}
		if (!ds_grow(&x->lines, sizeof *x->lines, &cap, x->n, 64)) {
			rc = DS_ENOMEM;
			break;
		}
		struct xw_line *l = &x->lines[x->n++];
		memset(l, 0, sizeof *l);
		l->line = c.rec_line;
		const char *col = NULL;
		enum ds_why w = read_line(&c, has_areas, l, &col);
		if (w) {
			bad = true;
			rc = problem(pr, name, c.rec_line, col, w);
		}
	}
	if (!rc && !bad && x->n == 0) {
		bad = true;
		rc = problem(pr, name, 0, NULL, W_EMPTY_FILE);
	}
	csv_close(&c);
	return rc ? rc : bad ? DS_EINPUT : DS_OK;
}

/* ---- planning ---- */

void xw_plan_free(struct xw_plan *p)
{
	free(p->close);
	free(p->close_to);
	free(p->close_line);
	free(p->open);
	free(p->open_line);
	reg_units_free(&p->tree);
	free(p->dates);
	free(p->units);
	free(p->units_day);
	memset(p, 0, sizeof *p);
}

static bool valid_on(const struct reg_unit *u, int32_t day)
{
	return (u->valid_from == DAY_NONE || u->valid_from <= day) &&
	       (u->valid_to == DAY_MAX || day <= u->valid_to);
}

/* The units directly under each unit on one day: rows sorted by parent. */
struct kids {
	int32_t day;
	const struct reg_unit **v;
	size_t n;
};

static int by_parent(const void *pa, const void *pb)
{
	const struct reg_unit *a = *(const struct reg_unit *const *)pa,
			      *b = *(const struct reg_unit *const *)pb;
	int c = strcmp(a->parent, b->parent);
	return c ? c : strcmp(a->code, b->code);
}

static enum ds_rc kids_make(const struct reg_units *t, int32_t day, struct kids *k)
{
	k->day = day;
	k->n = 0;
	k->v = malloc((t->n + 1) * sizeof *k->v);
	if (!k->v)
		return DS_ENOMEM;
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].parent[0] && valid_on(&t->rows[i], day))
			k->v[k->n++] = &t->rows[i];
	qsort(k->v, k->n, sizeof *k->v, by_parent);
	return DS_OK;
}

/* The children of code: [*lo, return). */
static size_t kids_of(const struct kids *k, const char *code, size_t *lo)
{
	size_t a = 0, b = k->n;
	while (a < b) {
		size_t m = (a + b) / 2;
		if (strcmp(k->v[m]->parent, code) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (b < k->n && strcmp(k->v[b]->parent, code) == 0)
		b++;
	return b;
}

/* The working state of one planning. */
struct planner {
	const struct xw *x;
	const struct reg_units *t;
	struct xw_plan *p;
	struct xw_problems *pr;
	size_t *olds, nolds; /* indexes of lines with an old code, by (old code, line) */
	size_t *news, nnews; /* the same by new code */
	struct hmap opened, closed; /* code -> the line that opened or closed a row of it */
	size_t close_cap, open_cap;
	struct kids *kids; /* one per date */
	size_t nkids;
};

static enum ds_rc bad(struct planner *pl, const struct xw_line *l, const char *field,
		      enum ds_why why)
{
	return problem(pl->pr, pl->x->file, l->line, field, why);
}

/* The open row of code on the day before day (ending never), or NULL. */
static const struct reg_unit *open_row(const struct reg_units *t, const char *code, int32_t day)
{
	const struct reg_unit *u = reg_units_at(t, code, day - 1);
	return u && u->valid_to == DAY_MAX && (u->valid_from == DAY_NONE || u->valid_from < day) ? u
												     : NULL;
}

/*
 * Why code has no open row on the day before day: a row of it begins on
 * or after day (the change would overlap it: the unit was changed on a
 * later or the same date already), or it has ended.
 */
static enum ds_why not_open_why(const struct reg_units *t, const char *code, int32_t day)
{
	size_t first, n = reg_units_rows(t, code, &first);
	for (size_t i = first; i < first + n; i++)
		if (t->rows[i].valid_from != DAY_NONE && t->rows[i].valid_from >= day)
			return W_UNIT_OVERLAP;
	return W_NOT_OPEN;
}

static enum ds_rc add_close(struct planner *pl, const struct reg_unit *u, int32_t effective,
			    long line)
{
	struct xw_plan *p = pl->p;
	size_t c1 = pl->close_cap, c2 = pl->close_cap, c3 = pl->close_cap;
	if (!ds_grow(&p->close, sizeof *p->close, &c1, p->nclose, 64) ||
	    !ds_grow(&p->close_to, sizeof *p->close_to, &c2, p->nclose, 64) ||
	    !ds_grow(&p->close_line, sizeof *p->close_line, &c3, p->nclose, 64))
		return DS_ENOMEM;
	pl->close_cap = c3;
	p->close[p->nclose] = *u;
	p->close_to[p->nclose] = effective - 1;
	p->close_line[p->nclose++] = line;
	return DS_OK;
}

static enum ds_rc add_open(struct planner *pl, const struct reg_unit *u, long line)
{
	struct xw_plan *p = pl->p;
	size_t c1 = pl->open_cap, c2 = pl->open_cap;
	if (!ds_grow(&p->open, sizeof *p->open, &c1, p->nopen, 64) ||
	    !ds_grow(&p->open_line, sizeof *p->open_line, &c2, p->nopen, 64))
		return DS_ENOMEM;
	pl->open_cap = c2;
	p->open[p->nopen] = *u;
	p->open_line[p->nopen++] = line;
	return DS_OK;
}

/* A stored row goes on from effective under another parent and/or name. */
static enum ds_rc relink(struct planner *pl, const struct reg_unit *u, const char *name,
			 const char *parent, int32_t effective, long line)
{
	if (strcmp(u->name, name) == 0 && strcmp(u->parent, parent) == 0)
		return DS_OK;
	struct reg_unit n = *u;
	snprintf(n.name, sizeof n.name, "%s", name);
	snprintf(n.parent, sizeof n.parent, "%s", parent);
	n.valid_from = effective;
	n.valid_to = DAY_MAX;
	enum ds_rc rc = add_close(pl, u, effective, line);
	return rc ? rc : add_open(pl, &n, line);
}

static int by_old_code(const void *pa, const void *pb, void *arg)
{
	const struct xw *x = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = strcmp(x->lines[a].old_code, x->lines[b].old_code);
	return c ? c : (a > b) - (a < b);
}

static int by_new_code(const void *pa, const void *pb, void *arg)
{
	const struct xw *x = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = strcmp(x->lines[a].new_code, x->lines[b].new_code);
	return c ? c : (a > b) - (a < b);
}

static enum ds_rc index_lines(struct planner *pl)
{
	const struct xw *x = pl->x;
	pl->olds = malloc((x->n + 1) * sizeof *pl->olds);
	pl->news = malloc((x->n + 1) * sizeof *pl->news);
	if (!pl->olds || !pl->news)
		return DS_ENOMEM;
	for (size_t i = 0; i < x->n; i++) {
		if (x->lines[i].old_code[0])
			pl->olds[pl->nolds++] = i;
		if (x->lines[i].new_code[0])
			pl->news[pl->nnews++] = i;
	}
	qsort_r(pl->olds, pl->nolds, sizeof *pl->olds, by_old_code, (void *)x);
	qsort_r(pl->news, pl->nnews, sizeof *pl->news, by_new_code, (void *)x);
	return DS_OK;
}

/* The lines whose old (or new) code is code: idx[*lo .. return). */
static size_t lines_of(const struct planner *pl, bool old, const char *code, size_t *lo)
{
	const size_t *idx = old ? pl->olds : pl->news;
	size_t n = old ? pl->nolds : pl->nnews;
#define CODE_AT(k) (old ? pl->x->lines[idx[k]].old_code : pl->x->lines[idx[k]].new_code)
	size_t a = 0, b = n;
	while (a < b) {
		size_t m = (a + b) / 2;
		if (strcmp(CODE_AT(m), code) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (b < n && strcmp(CODE_AT(b), code) == 0)
		b++;
#undef CODE_AT
	return b;
}

static const struct xw_line *first_line(const struct planner *pl, bool old, const char *code)
{
	size_t lo, hi = code[0] ? lines_of(pl, old, code, &lo) : 0;
	return code[0] && hi > lo ? &pl->x->lines[(old ? pl->olds : pl->news)[lo]] : NULL;
}

/* The lines of one new code agree; the new unit is made, or goes on. */
static enum ds_rc plan_new(struct planner *pl, const struct xw_line *l)
{
	const struct xw_line *first = first_line(pl, false, l->new_code);
	if (first != l) {
		/* Later lines of a new code only agree with its first. */
		const char *field = strcmp(first->name, l->name) && l->name[0] ? "new_name"
				    : l->level && first->level != l->level ? "level"
				    : strcmp(first->parent, l->parent) && l->parent[0] ? "new_parent"
				    : first->effective != l->effective ? "effective" : NULL;
		return field ? bad(pl, l, field, W_LINES_DISAGREE) : DS_OK;
	}
	size_t at, nrows = reg_units_rows(pl->t, l->new_code, &at);
	/* Does the new code go on from one of its own old codes? */
	bool goes_on = false;
	size_t lo, hi = lines_of(pl, false, l->new_code, &lo);
	for (size_t i = lo; i < hi && !goes_on; i++)
		goes_on = strcmp(pl->x->lines[pl->news[i]].old_code, l->new_code) == 0;
	/* A unit that goes on keeps its level (below); a new one has a code of its level. */
	if (!goes_on && (int)strlen(l->new_code) != reg_unit_code_len(l->level))
		return bad(pl, l, "new_code", W_BAD_UNIT_CODE);
	if (nrows && !goes_on)
		return bad(pl, l, "new_code", W_CODE_TAKEN);
	if (!goes_on) {
		struct reg_unit n;
		reg_unit_init(&n);
		snprintf(n.code, sizeof n.code, "%s", l->new_code);
		snprintf(n.name, sizeof n.name, "%s", l->name);
		n.level = l->level;
		snprintf(n.parent, sizeof n.parent, "%s", l->parent);
		n.valid_from = l->effective;
		n.valid_to = DAY_MAX;
		return add_open(pl, &n, l->line);
	}
	const struct reg_unit *u = open_row(pl->t, l->new_code, l->effective);
	if (!u)
		return DS_OK; /* said on its old-code line */
	if (l->level && l->level != u->level)
		return bad(pl, l, "level", W_LEVEL_CHANGE);
	if (u->level == LVL_PROVINCE && l->parent[0])
		return bad(pl, l, "new_parent", W_PARENT_LEVEL);
	return relink(pl, u, l->name[0] ? l->name : u->name, l->parent[0] ? l->parent : u->parent,
		      l->effective, l->line);
}

static const struct kids *kids_on(struct planner *pl, int32_t day)
{
	for (size_t i = 0; i < pl->nkids; i++)
		if (pl->kids[i].day == day)
			return &pl->kids[i];
	return NULL;
}

/* Which line of old code `code` lists child c; NULL when none; *twice when several. */
static const struct xw_line *listed(const struct planner *pl, const char *code, const char *c,
				    bool *twice)
{
	const struct xw_line *found = NULL;
	*twice = false;
	size_t lo, hi = lines_of(pl, true, code, &lo);
	for (size_t i = lo; i < hi; i++) {
		const struct xw_line *l = &pl->x->lines[pl->olds[i]];
		for (size_t j = 0; j < l->nareas; j++)
			if (strcmp(l->areas[j], c) == 0) {
				if (found)
					*twice = true;
				found = l;
			}
	}
	return found;
}

/* The new codes of an old code: how many, whether it is one of them. */
static size_t new_codes(const struct planner *pl, const char *code, bool *goes_on,
			const struct xw_line **only)
{
	size_t n = 0;
	*goes_on = false;
	*only = NULL;
	size_t lo, hi = lines_of(pl, true, code, &lo);
	for (size_t i = lo; i < hi; i++) {
		const struct xw_line *l = &pl->x->lines[pl->olds[i]];
		if (!l->new_code[0])
			continue;
		if (strcmp(l->new_code, code) == 0)
			*goes_on = true;
		n++;
		*only = l;
	}
	return n;
}

/* Where each unit under an old one goes. */
static enum ds_rc plan_children(struct planner *pl, const struct xw_line *l, const struct reg_unit *u)
{
	bool goes_on;
	const struct xw_line *only;
	size_t nnew = new_codes(pl, l->old_code, &goes_on, &only);
	const struct kids *k = kids_on(pl, l->effective - 1);
	size_t lo, hi = kids_of(k, u->code, &lo);
	enum ds_rc rc = DS_OK;
	for (size_t i = lo; i < hi && !rc; i++) {
		const struct reg_unit *c = k->v[i];
		if (first_line(pl, true, c->code))
			continue; /* a line of its own says where it goes */
		bool twice;
		const struct xw_line *to = listed(pl, l->old_code, c->code, &twice);
		if (twice) {
			rc = problem_at(pl->pr, pl->x->file, l->line, "areas", c->code, W_CHILD_TWICE);
			continue;
		}
		if (!to && nnew == 1)
			to = only;
		if (!to && !goes_on) {
			rc = problem_at(pl->pr, pl->x->file, l->line, "areas", c->code, W_ORPHAN);
			continue;
		}
		if (!to || strcmp(to->new_code, l->old_code) == 0)
			continue; /* stays with the old unit, which goes on */
		const struct reg_unit *cr = open_row(pl->t, c->code, l->effective);
		if (!cr)
			rc = problem_at(pl->pr, pl->x->file, l->line, "areas", c->code,
					not_open_why(pl->t, c->code, l->effective));
		else
			rc = relink(pl, cr, cr->name, to->new_code, l->effective, to->line);
	}
	/* Each listed unit is under the old one. */
	for (size_t j = 0; j < l->nareas && !rc; j++) {
		bool under = false;
		for (size_t i = lo; i < hi && !under; i++)
			under = strcmp(k->v[i]->code, l->areas[j]) == 0;
		if (!under)
			rc = problem_at(pl->pr, pl->x->file, l->line, "areas", l->areas[j], W_NOT_CHILD);
	}
	return rc;
}

/* An old code: it exists, is open, and ends unless it goes on. */
static enum ds_rc plan_old(struct planner *pl, const struct xw_line *l)
{
	const struct xw_line *first = first_line(pl, true, l->old_code);
	if (first->effective != l->effective)
		return bad(pl, l, "effective", W_LINES_DISAGREE);
	size_t at;
	if (!reg_units_rows(pl->t, l->old_code, &at))
		return bad(pl, l, "old_code", W_NO_UNIT);
	const struct reg_unit *u = open_row(pl->t, l->old_code, l->effective);
	enum ds_why why = u ? W_NONE : not_open_why(pl->t, l->old_code, l->effective);
	if (why)
		return bad(pl, l, why == W_UNIT_OVERLAP ? "effective" : "old_code", why);
	bool goes_on;
	const struct xw_line *only;
	size_t nnew = new_codes(pl, l->old_code, &goes_on, &only);
	if (!l->new_code[0] && nnew)
		return bad(pl, l, "new_code", W_LINES_DISAGREE);
	bool ends = !goes_on;
	if (u->level == LVL_AREA && (ends || nnew > 1))
		return bad(pl, l, "old_code", W_AREA_HOLDS);
	if (first != l)
		return DS_OK; /* the unit's children are placed once */
	enum ds_rc rc = ends ? add_close(pl, u, l->effective, l->line) : DS_OK;
	return rc ? rc : plan_children(pl, l, u);
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static enum ds_rc collect_dates(struct planner *pl)
{
	struct xw_plan *p = pl->p;
	p->dates = malloc((pl->x->n + 1) * sizeof *p->dates);
	if (!p->dates)
		return DS_ENOMEM;
	for (size_t i = 0; i < pl->x->n; i++)
		p->dates[p->ndates++] = pl->x->lines[i].effective;
	qsort(p->dates, p->ndates, sizeof *p->dates, cmp_i32);
	size_t m = 0;
	for (size_t i = 0; i < p->ndates; i++)
		if (!m || p->dates[m - 1] != p->dates[i])
			p->dates[m++] = p->dates[i];
	p->ndates = m;
	pl->kids = calloc(m, sizeof *pl->kids);
	if (!pl->kids)
		return DS_ENOMEM;
	for (size_t i = 0; i < m; i++) {
		enum ds_rc rc = kids_make(pl->t, p->dates[i] - 1, &pl->kids[i]);
		if (rc)
			return rc;
		pl->nkids++;
	}
	return DS_OK;
}

static int cmp_code(const void *a, const void *b)
{
	return strcmp(a, b);
}

static enum ds_rc collect_units(struct planner *pl)
{
	struct xw_plan *p = pl->p;
	p->units = malloc((pl->x->n + 1) * sizeof *p->units);
	if (!p->units)
		return DS_ENOMEM;
	for (size_t i = 0; i < pl->x->n; i++)
		if (pl->x->lines[i].new_code[0])
			memcpy(p->units[p->nunits++], pl->x->lines[i].new_code, sizeof(xw_code));
	qsort(p->units, p->nunits, sizeof *p->units, cmp_code);
	size_t m = 0;
	for (size_t i = 0; i < p->nunits; i++)
		if (!m || strcmp(p->units[m - 1], p->units[i]))
			memcpy(p->units[m++], p->units[i], sizeof(xw_code));
	p->nunits = m;
	if (!(p->units_day = malloc((m + 1) * sizeof *p->units_day)))
		return DS_ENOMEM;
	for (size_t i = 0; i < m; i++)
		p->units_day[i] = first_line(pl, false, p->units[i])->effective;
	return DS_OK;
}

/* The rows as they will be: every stored row, the closed ones ended, the new ones added. */
static enum ds_rc build_tree(struct planner *pl)
{
	const struct reg_units *t = pl->t;
	struct xw_plan *p = pl->p;
	struct reg_unit *rows = malloc((t->n + p->nopen + 1) * sizeof *rows);
	if (!rows)
		return DS_ENOMEM;
	if (t->n)
		memcpy(rows, t->rows, t->n * sizeof *rows);
	for (size_t i = 0; i < p->nclose; i++) {
		size_t first, n = reg_units_rows(t, p->close[i].code, &first);
		for (size_t j = first; j < first + n; j++)
			if (rows[j].valid_from == p->close[i].valid_from && rows[j].valid_to == DAY_MAX)
				rows[j].valid_to = p->close_to[i];
	}
	if (p->nopen)
		memcpy(rows + t->n, p->open, p->nopen * sizeof *rows);
	return reg_units_build(&p->tree, rows, t->n + p->nopen);
}

/* Which line opened (or closed) a row of each code. */
static enum ds_rc index_rows(struct planner *pl)
{
	const struct xw_plan *p = pl->p;
	enum ds_rc rc = DS_OK;
	for (size_t i = 0; i < p->nopen && !rc; i++)
		rc = hmap_put(&pl->opened, p->open[i].code, strlen(p->open[i].code), p->open_line[i],
			      NULL, NULL);
	for (size_t i = 0; i < p->nclose && !rc; i++)
		rc = hmap_put(&pl->closed, p->close[i].code, strlen(p->close[i].code),
			      p->close_line[i], NULL, NULL);
	return rc;
}

/* The line that opened (or closed) a row of code, 0 when none. */
static long line_of(const struct planner *pl, const char *code, bool opened)
{
	int64_t line;
	return hmap_get(opened ? &pl->opened : &pl->closed, code, strlen(code), &line) ? (long)line : 0;
}

/* On each effective date every unit has its parent, of the level above;
 * no code has two rows on one day (a guard: planning never makes two,
 * since each open row is ended at most once, a new code has no rows and a
 * change dated on or before a row's start is refused by not_open_why). */
static enum ds_rc check_tree(struct planner *pl)
{
	struct xw_plan *p = pl->p;
	const struct reg_units *t = &p->tree;
	enum ds_rc rc = DS_OK;
	for (size_t d = 0; d < p->ndates && !rc; d++) {
		int32_t day = p->dates[d];
		for (size_t i = 0; i < t->n && !rc; i++) {
			const struct reg_unit *u = &t->rows[i];
			if (!u->parent[0] || !valid_on(u, day))
				continue;
			const struct reg_unit *up = reg_units_at(t, u->parent, day);
			long opened = line_of(pl, u->code, true);
			if (!up && opened)
				rc = problem(pl->pr, pl->x->file, opened, "new_parent", W_NO_PARENT);
			else if (!up)
				rc = problem_at(pl->pr, pl->x->file, line_of(pl, u->parent, false), "areas",
						u->code, W_ORPHAN);
			else if (!reg_level_parent_ok(u->level, up->level) && opened)
				rc = problem(pl->pr, pl->x->file, opened, "new_parent", W_PARENT_LEVEL);
		}
	}
	for (size_t i = 0; i + 1 < t->n && !rc; i++) {
		const struct reg_unit *a = &t->rows[i], *b = &t->rows[i + 1];
		if (strcmp(a->code, b->code) == 0 &&
		    (a->valid_to == DAY_MAX || (b->valid_from != DAY_NONE && b->valid_from <= a->valid_to) ||
		     b->valid_from == DAY_NONE))
			rc = problem(pl->pr, pl->x->file, line_of(pl, b->code, true), "effective",
				     W_UNIT_OVERLAP);
	}
	return rc;
}

enum ds_rc xw_plan_make(const struct xw *x, const struct reg_units *t, struct xw_plan *p,
			struct xw_problems *pr)
{
	memset(p, 0, sizeof *p);
	struct planner pl = {.x = x, .t = t, .p = p, .pr = pr};
	size_t before = pr->n;
	enum ds_rc rc = index_lines(&pl);
	if (!rc)
		rc = collect_dates(&pl);
	if (!rc)
		rc = collect_units(&pl);
	for (size_t i = 0; i < x->n && !rc; i++)
		if (x->lines[i].old_code[0])
			rc = plan_old(&pl, &x->lines[i]);
	for (size_t i = 0; i < x->n && !rc; i++)
		if (x->lines[i].new_code[0])
			rc = plan_new(&pl, &x->lines[i]);
	if (!rc && pr->n == before)
		rc = build_tree(&pl);
	if (!rc && pr->n == before)
		rc = index_rows(&pl);
	if (!rc && pr->n == before)
		rc = check_tree(&pl);
	for (size_t i = 0; i < pl.nkids; i++)
		free(pl.kids[i].v);
	free(pl.kids);
	free(pl.olds);
	free(pl.news);
	hmap_free(&pl.opened);
	hmap_free(&pl.closed);
	if (!rc && (pr->n > before || pr->more))
		rc = DS_EINPUT;
	if (rc)
		xw_plan_free(p);
	return rc;
}

void xw_path(const struct reg_units *t, const char *code, int32_t day, char *out, size_t outsz)
{
	const char *chain[16];
	int n = 0;
	for (; code[0] && n < 16; n++) {
		chain[n] = code;
		code = reg_units_parent(t, code, day);
	}
	size_t at = 0;
	out[0] = '\0';
	for (int i = n - 1; i >= 0 && at < outsz; i--) {
		int w = snprintf(out + at, outsz - at, "%s%s", at ? "/" : "", chain[i]);
		if (w < 0)
			break;
		at += (size_t)w;
	}
}
