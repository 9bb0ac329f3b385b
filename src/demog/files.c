/* The demography input files: strict CSV rows to life tables, person-years, counts, rates and parameters. */
#include "demog/files.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "register/record.h"

#define NUM_MAX 64 /* bytes of a number, with its NUL */

/* What a column holds, and so how its field is parsed. */
enum kind {
	K_SEX,      /* M, F or T */
	K_SEX_MF,   /* M or F */
	K_AGE,      /* 0..DM_AGE_MAX */
	K_WIDTH,    /* 1..DM_AGE_MAX, or empty for the open group */
	K_STEP,     /* 1..DM_STEPS_MAX */
	K_COUNT,    /* a number, not negative */
	K_SIGNED,   /* a number */
	K_OPTIONAL, /* a number, not negative, or empty (NAN) */
	K_TEXT,
};

struct col {
	const char *name;
	enum kind kind;
};

/* One record, parsed; numbers and texts in the order of their columns. */
struct row {
	long line;
	int sex, age, width, step;
	double v[3];
	struct csv_field text[2];
};

/* Takes a parsed row into the reader's state, or says why not (and which column). */
typedef enum ds_why (*take_fn)(void *ctx, const struct row *r, const char **field);

static bool is(struct csv_field f, const char *s)
{
	return f.n == strlen(s) && memcmp(f.p, s, f.n) == 0;
}

/* A decimal: digits, sign, point and exponent only, then strtod must take it all. */
static enum ds_why parse_number(struct csv_field f, double *out)
{
	char s[NUM_MAX];
	if (f.n == 0)
		return W_REQUIRED;
	if (f.n >= sizeof s)
		return W_NOT_A_NUMBER;
	for (size_t i = 0; i < f.n; i++)
		if (!strchr("0123456789.+-eE", f.p[i]) || f.p[i] == '\0')
			return W_NOT_A_NUMBER;
	memcpy(s, f.p, f.n);
	s[f.n] = '\0';
	char *end;
	*out = strtod(s, &end);
	return end == s + f.n && isfinite(*out) ? W_NONE : W_NOT_A_NUMBER;
}

static enum ds_why parse_field(const struct col *c, struct csv_field f, struct row *r,
			       size_t *nv, size_t *nt)
{
	switch (c->kind) {
	case K_SEX:
	case K_SEX_MF:
		r->sex = dm_sex_parse(f.p, f.n);
		return r->sex < 0 || (c->kind == K_SEX_MF && r->sex == DM_BOTH) ? W_BAD_CODE : W_NONE;
	case K_AGE:
		return reg_parse_small(f.p, f.n, 0, DM_AGE_MAX, &r->age);
	case K_WIDTH:
		r->width = 0;
		return f.n ? reg_parse_small(f.p, f.n, 1, DM_AGE_MAX, &r->width) : W_NONE;
	case K_STEP:
		return reg_parse_small(f.p, f.n, 1, DM_STEPS_MAX, &r->step);
	case K_TEXT:
		r->text[(*nt)++] = f;
		return W_NONE;
	default:
		break;
	}
	double v = NAN;
	enum ds_why w = c->kind == K_OPTIONAL && f.n == 0 ? W_NONE : parse_number(f, &v);
	if (w == W_NONE && c->kind != K_SIGNED && v < 0)
		w = W_NEGATIVE;
	r->v[(*nv)++] = v;
	return w;
}

static enum ds_rc take_record(const struct csv *c, const struct col *cols, size_t ncols,
			      take_fn take, void *ctx, struct ds_problem *pb)
{
	struct row r = {.line = c->rec_line};
	size_t nv = 0, nt = 0;
	const char *field = NULL;
	enum ds_why w = W_NONE;
	for (size_t i = 0; i < ncols && w == W_NONE; i++) {
		field = cols[i].name;
		w = parse_field(&cols[i], csv_col(c, i), &r, &nv, &nt);
	}
	if (w == W_NONE)
		w = take(ctx, &r, &field);
	if (w == W_NONE)
		return DS_OK;
	ds_problem_set(pb, c->name, r.line, field, w);
	return DS_EINPUT;
}

/* Reads every record of a file with these columns into take(), stopping at the first refusal. */
static enum ds_rc read_rows(const char *data, size_t size, const char *name,
			    const struct col *cols, size_t ncols, take_fn take, void *ctx,
			    struct ds_problem *pb)
{
	const char *names[CSV_MAX_FIELDS];
	for (size_t i = 0; i < ncols; i++)
		names[i] = cols[i].name;
	struct csv c;
	enum ds_rc rc = csv_open_mem(&c, data, size, name);
	if (rc == DS_OK)
		rc = csv_header(&c, names, ncols, pb);
	int r;
	while (rc == DS_OK && (r = csv_next(&c, pb)) != 0)
		rc = r < 0 ? DS_EINPUT : take_record(&c, cols, ncols, take, ctx, pb);
	csv_close(&c);
	return rc;
}

/* True when the header names col: picks a file's variant before the strict check. */
static bool header_has(const char *data, size_t size, const char *col)
{
	struct csv c;
	struct ds_problem pb;
	bool found = false;
	if (csv_open_mem(&c, data, size, "") == DS_OK && csv_next(&c, &pb) > 0)
		for (size_t i = 0; i < c.nf; i++)
			found |= is(c.f[i], col);
	csv_close(&c);
	return found;
}

static enum ds_rc refuse(struct ds_problem *pb, const char *name, long line, const char *field,
			 enum ds_why w)
{
	ds_problem_set(pb, name, line, field, w);
	return DS_EINPUT;
}

/* ---- lifetable.csv ---- */

struct lt_ctx {
	bool counts, has_ax;
	long line[3][DM_GROUPS_MAX]; /* by sex and age; 0: no row */
	int width[3][DM_GROUPS_MAX];
	double mx[3][DM_GROUPS_MAX], ax[3][DM_GROUPS_MAX];
};

static enum ds_why lt_take(void *arg, const struct row *r, const char **field)
{
	struct lt_ctx *x = arg;
	*field = "age";
	if (x->line[r->sex][r->age])
		return W_DUP_ROW;
	double mx = r->v[0];
	if (x->counts) {
		*field = "exposure";
		if (!(r->v[1] > 0))
			return W_NOT_POSITIVE;
		mx = r->v[0] / r->v[1];
	}
	x->line[r->sex][r->age] = r->line;
	x->width[r->sex][r->age] = r->width;
	x->mx[r->sex][r->age] = mx;
	x->ax[r->sex][r->age] = x->has_ax ? r->v[x->counts ? 2 : 1] : NAN;
	return W_NONE;
}

static const char *lt_col_name(const struct lt_ctx *x, enum dm_lt_col c)
{
	static const char *const names[] = {"age", "width", "mx", "ax"};
	return c == DM_LT_MX && x->counts ? "deaths" : names[c];
}

/* Gathers one sex's rows by age into its table and computes it. */
static enum ds_rc lt_table(const struct lt_ctx *x, int s, const char *name, struct dm_lt_set *out,
			   struct ds_problem *pb)
{
	struct dm_lt *t = &out->t[s];
	t->sex = (enum dm_sex)s;
	t->n = 0;
	for (int a = 0; a <= DM_AGE_MAX; a++) {
		if (!x->line[s][a])
			continue;
		size_t i = t->n++;
		t->age[i] = a;
		t->width[i] = x->width[s][a];
		t->mx[i] = x->mx[s][a];
		t->ax[i] = x->ax[s][a];
		out->line[s][i] = x->line[s][a];
	}
	out->has[s] = t->n > 0;
	size_t bad;
	enum dm_lt_col col;
	enum ds_why w = t->n ? dm_lt_compute(t, &bad, &col) : W_NONE;
	return w ? refuse(pb, name, out->line[s][bad], lt_col_name(x, col), w) : DS_OK;
}

enum ds_rc dm_read_lifetable(const char *data, size_t size, const char *name,
			     struct dm_lt_set *out, struct ds_problem *pb)
{
	struct col cols[6] = {{"sex", K_SEX}, {"age", K_AGE}, {"width", K_WIDTH}};
	size_t ncols = 3;
	struct lt_ctx *x = calloc(1, sizeof *x);
	enum ds_rc rc = DS_ENOMEM;
	memset(out, 0, sizeof *out);
	if (!x)
		goto out;
	x->counts = header_has(data, size, "deaths");
	x->has_ax = header_has(data, size, "ax");
	if (x->counts) {
		cols[ncols++] = (struct col){"deaths", K_COUNT};
		cols[ncols++] = (struct col){"exposure", K_COUNT};
	} else {
		cols[ncols++] = (struct col){"mx", K_COUNT};
	}
	if (x->has_ax)
		cols[ncols++] = (struct col){"ax", K_OPTIONAL};
	rc = read_rows(data, size, name, cols, ncols, lt_take, x, pb);
	for (int s = 0; s < 3 && rc == DS_OK; s++)
		rc = lt_table(x, s, name, out, pb);
	if (rc == DS_OK && !out->has[0] && !out->has[1] && !out->has[2])
		rc = refuse(pb, name, 0, NULL, W_EMPTY_FILE);
out:
	free(x);
	return rc;
}

/* ---- survival.csv ---- */

struct L_ctx {
	long line[3][DM_GROUPS_MAX];
	double L[3][DM_GROUPS_MAX];
};

static enum ds_why L_take(void *arg, const struct row *r, const char **field)
{
	struct L_ctx *x = arg;
	*field = "age";
	if (x->line[r->sex][r->age])
		return W_DUP_ROW;
	*field = "Lx";
	if (!(r->v[0] > 0))
		return W_NOT_POSITIVE;
	x->line[r->sex][r->age] = r->line;
	x->L[r->sex][r->age] = r->v[0];
	return W_NONE;
}

/*
 * Ages alone (survival.csv has no widths): 0,1,5,10,..., 0,1,2,... or
 * 0,5,10,... without a gap.  W_NONE or the reason, with *bad the row at
 * fault.
 */
static enum ds_why ages_layout(const int *age, size_t n, size_t *bad)
{
	bool abridged = n > 2 && age[1] == 1 && age[2] == 5, five = n > 1 && age[1] == 5;
	*bad = 0;
	if (n < 2 || age[0] != 0)
		return W_AGE_MISSING;
	for (size_t i = 1; i < n; i++) {
		int want = age[i - 1] + (five ? 5 : !abridged || i == 1 ? 1 : i == 2 ? 4 : 5);
		*bad = i;
		if (age[i] != want)
			return age[i] > want ? W_AGE_MISSING : W_AGE_TILING;
	}
	return W_NONE;
}

enum ds_rc dm_read_survival(const char *data, size_t size, const char *name,
			    struct dm_L_set *out, struct ds_problem *pb)
{
	static const struct col cols[] = {{"sex", K_SEX}, {"age", K_AGE}, {"Lx", K_COUNT}};
	struct L_ctx *x = calloc(1, sizeof *x);
	enum ds_rc rc = DS_ENOMEM;
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", name);
	if (!x)
		goto out;
	rc = read_rows(data, size, name, cols, 3, L_take, x, pb);
	for (int s = 0; s < 3 && rc == DS_OK; s++) {
		for (int a = 0; a <= DM_AGE_MAX; a++) {
			if (!x->line[s][a])
				continue;
			size_t i = out->n[s]++;
			out->age[s][i] = a;
			out->L[s][i] = x->L[s][a];
			out->line[s][i] = x->line[s][a];
		}
		out->has[s] = out->n[s] > 0;
		size_t bad;
		enum ds_why w = out->has[s] ? ages_layout(out->age[s], out->n[s], &bad) : W_NONE;
		if (w)
			rc = refuse(pb, name, out->line[s][bad], "age", w);
	}
out:
	free(x);
	return rc;
}

void dm_L_from_lifetables(const struct dm_lt_set *lt, const char *name, struct dm_L_set *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", name);
	for (int s = 0; s < 3; s++) {
		const struct dm_lt *t = &lt->t[s];
		out->has[s] = lt->has[s];
		out->n[s] = lt->has[s] ? t->n : 0;
		for (size_t i = 0; i < out->n[s]; i++) {
			out->age[s][i] = t->age[i];
			out->L[s][i] = t->Lx[i]; /* the open group's L is its T */
			out->line[s][i] = lt->line[s][i];
		}
	}
}

enum ds_rc dm_L_ratios(const struct dm_L_set *set, int n, size_t groups,
		       double S[2][DM_GROUPS_MAX], struct ds_problem *pb)
{
	for (int s = 0; s < 2; s++) {
		if (!set->has[s])
			return refuse(pb, set->name, 0, "sex", W_SEX_MISSING);
		size_t bad;
		enum ds_why w = dm_ratios_from_L(set->age[s], set->L[s], set->n[s], DM_RADIX, n,
						 groups, S[s], &bad);
		if (w)
			return refuse(pb, set->name, set->line[s][bad],
				      w == W_GROUPS_DO_NOT_FIT ? "age" : "Lx", w);
	}
	return DS_OK;
}

/* ---- population.csv, migration.csv ---- */

struct counts_ctx {
	int n;
	size_t groups; /* 0 until known: the population sets it */
	long line[2][DM_GROUPS_MAX];
	struct dm_counts *out;
};

static enum ds_why counts_take(void *arg, const struct row *r, const char **field)
{
	struct counts_ctx *x = arg;
	size_t g = (size_t)(r->age / x->n);
	*field = "age";
	if (r->age % x->n)
		return W_AGE_NOT_GROUP;
	if (x->groups && g >= x->groups)
		return W_OUT_OF_RANGE;
	if (x->line[r->sex][g])
		return W_DUP_ROW;
	x->line[r->sex][g] = r->line;
	x->out->v[r->sex][g] = r->v[0];
	return W_NONE;
}

static bool any(const long *line, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (line[i])
			return true;
	return false;
}

/* The row nearest a missing group: the next one present, else the last before it. */
static long near_line(const long *line, size_t groups, size_t g)
{
	for (size_t i = g + 1; i < groups; i++)
		if (line[i])
			return line[i];
	while (g-- > 0)
		if (line[g])
			return line[g];
	return 0;
}

/* Every group of both sexes present; the groups set by the highest age when not known. */
static enum ds_rc counts_complete(struct counts_ctx *x, const char *name, struct ds_problem *pb)
{
	if (!x->groups)
		for (size_t g = 0; g < DM_GROUPS_MAX; g++)
			if (x->line[0][g] || x->line[1][g])
				x->groups = g + 1;
	for (int s = 0; s < 2; s++) {
		if (!any(x->line[s], DM_GROUPS_MAX))
			return refuse(pb, name, 0, "sex", W_SEX_MISSING);
		if (x->groups < 2)
			return refuse(pb, name, x->line[s][0], "age", W_AGE_MISSING);
		for (size_t g = 0; g < x->groups; g++)
			if (!x->line[s][g])
				return refuse(pb, name, near_line(x->line[s], x->groups, g), "age",
					      W_AGE_MISSING);
	}
	x->out->groups = x->groups;
	return DS_OK;
}

static enum ds_rc read_counts(const char *data, size_t size, const char *name, int n,
			      size_t groups, enum kind kind, struct dm_counts *out,
			      struct ds_problem *pb)
{
	const struct col cols[] = {{"sex", K_SEX_MF}, {"age", K_AGE}, {"count", kind}};
	memset(out, 0, sizeof *out);
	if (n < 1 || n > DM_AGE_MAX || groups > DM_GROUPS_MAX)
		return DS_EUSAGE;
	struct counts_ctx *x = calloc(1, sizeof *x);
	if (!x)
		return DS_ENOMEM;
	x->n = n;
	x->groups = groups;
	x->out = out;
	enum ds_rc rc = read_rows(data, size, name, cols, 3, counts_take, x, pb);
	if (rc == DS_OK)
		rc = counts_complete(x, name, pb);
	free(x);
	return rc;
}

enum ds_rc dm_read_population(const char *data, size_t size, const char *name, int n,
			      struct dm_counts *out, struct ds_problem *pb)
{
	return read_counts(data, size, name, n, 0, K_COUNT, out, pb);
}

enum ds_rc dm_read_migration(const char *data, size_t size, const char *name, int n,
			     size_t groups, struct dm_counts *out, struct ds_problem *pb)
{
	return read_counts(data, size, name, n, groups, K_SIGNED, out, pb);
}

/* ---- fertility.csv ---- */

struct fert_ctx {
	int n;
	size_t groups;
	bool steps;
	long *line;   /* (DM_STEPS_MAX + 1) x groups, by step and group */
	double *rate; /* the same */
};

static enum ds_why fert_take(void *arg, const struct row *r, const char **field)
{
	struct fert_ctx *x = arg;
	size_t g = (size_t)(r->age / x->n);
	size_t at = (size_t)(x->steps ? r->step : 1) * x->groups + g;
	double f = r->v[0];
	*field = "age";
	if (r->age % x->n)
		return W_AGE_NOT_GROUP;
	if (g >= x->groups)
		return W_OUT_OF_RANGE;
	if (x->line[at])
		return W_DUP_ROW;
	if (f > 0 && (r->age < DM_FERT_LO || r->age + x->n - 1 > DM_FERT_HI))
		return W_ASFR_AGE;
	*field = "asfr";
	if (f > 1)
		return W_OUT_OF_RANGE;
	x->line[at] = r->line;
	x->rate[at] = f;
	return W_NONE;
}

/* A step's ages without a gap (W_AGE_MISSING, *bad the line, if not); widens [*first, *last] to them. */
static enum ds_why fert_step_ages(const long *line, size_t groups, size_t *first, size_t *last,
				  long *bad)
{
	size_t lo = groups, hi = 0;
	for (size_t g = 0; g < groups; g++) {
		if (line[g] && lo == groups)
			lo = g;
		if (line[g])
			hi = g;
	}
	for (size_t g = lo; g < hi; g++) {
		if (!line[g]) {
			*bad = near_line(line, groups, g);
			return W_AGE_MISSING;
		}
	}
	if (lo < groups) {
		*first = *first < lo ? *first : lo;
		*last = *last > hi ? *last : hi;
	}
	return W_NONE;
}

/* Each step's rates: those of the latest step listed up to it. */
static enum ds_rc fert_fill(const struct fert_ctx *x, const char *name, struct dm_fert *out,
			    struct ds_problem *pb)
{
	size_t G = x->groups;
	const double *cur = NULL;
	out->first = G;
	out->last = 0;
	for (size_t k = 1; k <= DM_STEPS_MAX; k++) {
		size_t ignored_first = G, ignored_last = 0;
		bool used = k <= out->steps;
		long bad = 0;
		enum ds_why w = fert_step_ages(x->line + k * G, G, used ? &out->first : &ignored_first,
					       used ? &out->last : &ignored_last, &bad);
		if (w)
			return refuse(pb, name, bad, "age", w);
		if (any(x->line + k * G, G))
			cur = x->rate + k * G;
		if (k == 1 && !cur)
			return refuse(pb, name, 0, x->steps ? "step" : NULL,
				      x->steps ? W_STEP_MISSING : W_EMPTY_FILE);
		if (used)
			memcpy(out->asfr + (k - 1) * G, cur, G * sizeof *cur);
	}
	return DS_OK;
}

void dm_fert_free(struct dm_fert *f)
{
	free(f->asfr);
	f->asfr = NULL;
}

enum ds_rc dm_read_fertility(const char *data, size_t size, const char *name, int n,
			     size_t groups, size_t steps, struct dm_fert *out,
			     struct ds_problem *pb)
{
	struct col cols[3] = {{"age", K_AGE}, {"asfr", K_COUNT}};
	struct fert_ctx x = {.n = n, .groups = groups, .steps = header_has(data, size, "step")};
	size_t cells = (DM_STEPS_MAX + 1) * groups;
	enum ds_rc rc = DS_ENOMEM;
	memset(out, 0, sizeof *out);
	if (n < 1 || n > DM_AGE_MAX || groups < 1 || groups > DM_GROUPS_MAX || steps < 1 ||
	    steps > DM_STEPS_MAX)
		return DS_EUSAGE;
	out->groups = groups;
	out->steps = steps;
	if (x.steps)
		cols[2] = (struct col){"step", K_STEP};
	x.line = calloc(cells, sizeof *x.line);
	x.rate = calloc(cells, sizeof *x.rate);
	out->asfr = calloc(steps * groups, sizeof *out->asfr);
	if (!x.line || !x.rate || !out->asfr)
		goto out;
	rc = read_rows(data, size, name, cols, x.steps ? 3 : 2, fert_take, &x, pb);
	if (rc == DS_OK)
		rc = fert_fill(&x, name, out, pb);
out:
	if (rc)
		dm_fert_free(out);
	free(x.line);
	free(x.rate);
	return rc;
}

/* ---- params.csv ---- */

struct params_ctx {
	bool srb, migration; /* seen */
	struct dm_params *out;
};

static enum ds_why params_take(void *arg, const struct row *r, const char **field)
{
	struct params_ctx *x = arg;
	struct csv_field name = r->text[0], value = r->text[1];
	bool srb = is(name, "srb"), mig = is(name, "migration");
	*field = "name";
	if (!srb && !mig)
		return W_BAD_CODE;
	if ((srb && x->srb) || (mig && x->migration))
		return W_DUP_ROW;
	*field = "value";
	if (mig) {
		x->migration = true;
		x->out->migration = is(value, "even") ? DM_MIG_EVEN : is(value, "end") ? DM_MIG_END : -1;
		return x->out->migration < 0 ? W_BAD_CODE : W_NONE;
	}
	x->srb = true;
	enum ds_why w = parse_number(value, &x->out->srb);
	if (w == W_NONE && !(x->out->srb >= DM_SRB_MIN && x->out->srb <= DM_SRB_MAX))
		w = W_SRB_RANGE;
	return w;
}

enum ds_rc dm_read_params(const char *data, size_t size, const char *name,
			  struct dm_params *out, struct ds_problem *pb)
{
	static const struct col cols[] = {{"name", K_TEXT}, {"value", K_TEXT}};
	struct params_ctx x = {.out = out};
	out->srb = NAN;
	out->migration = -1;
	enum ds_rc rc = read_rows(data, size, name, cols, 2, params_take, &x, pb);
	if (rc == DS_OK && !x.srb)
		rc = refuse(pb, name, 0, "srb", W_REQUIRED);
	return rc;
}
