/* Report forms: loading the definitions, periods, and computing a form for a unit, period and map date. */
#include "report/report.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/asset.h"
#include "base/day.h"
#include "base/progress.h"

/* ---- definitions ---- */

static char *dup_member(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return strdup(s ? s : "");
}

struct row_lookup {
	const struct rpt_form *f;
	size_t upto;
};

static int row_index(const char *code, void *arg)
{
	struct row_lookup *l = arg;
	for (size_t i = 0; i < l->upto; i++)
		if (strcmp(l->f->rows[i].code, code) == 0)
			return (int)i;
	return -1;
}

static uint32_t row_reads(int row, void *arg)
{
	const struct row_lookup *l = arg;
	return row >= 0 && (size_t)row < l->upto ? l->f->rows[row].reads : 0;
}

static void form_free(struct rpt_form *f)
{
	for (size_t i = 0; i < f->nrows; i++) {
		struct rpt_row *r = &f->rows[i];
		free(r->label_vi);
		free(r->label_en);
		free(r->unit_vi);
		free(r->unit_en);
		free(r->text);
		expr_free(r->x);
	}
	for (size_t i = 0; i < f->nsections; i++) {
		free(f->sections[i].title_vi);
		free(f->sections[i].title_en);
	}
	free(f->rows);
	free(f->sections);
	free(f->slot_sums);
	free(f->title_vi);
	free(f->title_en);
	free(f->period);
	memset(f, 0, sizeof *f);
}

static enum ds_rc parse_row(struct rpt_form *f, json_t *jr, size_t section, char *err, size_t errsz)
{
	struct rpt_row *r = &f->rows[f->nrows];
	memset(r, 0, sizeof *r);
	const char *code = json_string_value(json_object_get(jr, "code"));
	const char *value = json_string_value(json_object_get(jr, "value"));
	if (!code || !code[0] || strlen(code) >= sizeof r->code || !value) {
		snprintf(err, errsz, "%s: a row needs a code and a value", f->code);
		return DS_EINPUT;
	}
	struct row_lookup l = {f, f->nrows};
	if (row_index(code, &l) >= 0) {
		snprintf(err, errsz, "%s: row %s is defined twice", f->code, code);
		return DS_EINPUT;
	}
	snprintf(r->code, sizeof r->code, "%s", code);
	r->label_vi = dup_member(jr, "label_vi");
	r->label_en = dup_member(jr, "label_en");
	r->unit_vi = dup_member(jr, "unit_vi");
	r->unit_en = dup_member(jr, "unit_en");
	r->text = strdup(value);
	r->sex = json_is_true(json_object_get(jr, "sex"));
	const char *fmt = json_string_value(json_object_get(jr, "format"));
	r->decimals = fmt && (fmt[0] == '1' || fmt[0] == '2') ? fmt[0] - '0' : 0;
	const char *target = json_string_value(json_object_get(jr, "target"));
	snprintf(r->target, sizeof r->target, "%s", target ? target : "");
	r->indent = (int)json_integer_value(json_object_get(jr, "indent"));
	r->section = (int)section;
	f->nrows++;
	char msg[160];
	r->x = expr_parse(value, row_index, &l, msg, sizeof msg);
	if (!r->x) {
		snprintf(err, errsz, "%s: row %s: %s", f->code, code, msg);
		return DS_EINPUT;
	}
	if (r->sex && !expr_has_sex(r->x)) {
		snprintf(err, errsz, "%s: row %s: split by sex but counts nothing with a sex", f->code, code);
		return DS_EINPUT;
	}
	r->additive = r->sex && expr_sex_additive(r->x);
	expr_needs(r->x, &f->needs);
	r->reads = expr_reads(r->x, row_reads, &l);
	return DS_OK;
}

enum ds_rc rpt_form_parse(const char *text, size_t len, struct rpt_form *f, char *err, size_t errsz)
{
	memset(f, 0, sizeof *f);
	json_error_t je;
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		snprintf(err, errsz, "line %d: %s", je.line, je.text);
		return DS_EINPUT;
	}
	enum ds_rc rc = DS_OK;
	const char *code = json_string_value(json_object_get(o, "code"));
	json_t *sections = json_object_get(o, "sections");
	if (!code || strlen(code) >= sizeof f->code || !json_is_array(sections)) {
		snprintf(err, errsz, "a form needs a code and sections");
		rc = DS_EINPUT;
		goto out;
	}
	snprintf(f->code, sizeof f->code, "%s", code);
	f->title_vi = dup_member(o, "title_vi");
	f->title_en = dup_member(o, "title_en");
	f->period = dup_member(o, "period");
	f->targets = json_is_true(json_object_get(o, "targets"));
	size_t nrows = 0, i;
	json_t *s;
	json_array_foreach(sections, i, s)
		nrows += json_array_size(json_object_get(s, "rows"));
	f->sections = calloc(json_array_size(sections) + 1, sizeof *f->sections);
	f->rows = calloc(nrows + 1, sizeof *f->rows);
	if (!f->sections || !f->rows) {
		rc = DS_ENOMEM;
		goto out;
	}
	json_array_foreach(sections, i, s)
	{
		f->sections[i].title_vi = dup_member(s, "title_vi");
		f->sections[i].title_en = dup_member(s, "title_en");
		f->nsections++;
		size_t k;
		json_t *jr;
		json_array_foreach(json_object_get(s, "rows"), k, jr)
			if ((rc = parse_row(f, jr, i, err, errsz)))
				goto out;
	}
	/* The sums a column keeps, and which add up over columns (a total
	 * column is made of them: eval_total). */
	struct expr **xs = malloc((f->nrows + 1) * sizeof *xs);
	for (size_t r = 0; xs && r < f->nrows; r++)
		xs[r] = f->rows[r].x;
	if (xs)
		f->slots = expr_share(xs, f->nrows, &f->slot_sums);
	free(xs);
	if (!f->slot_sums) {
		snprintf(err, errsz, "%s: out of memory", f->code);
		rc = DS_ENOMEM;
	}
out:
	json_decref(o);
	if (rc)
		form_free(f);
	return rc;
}

struct loadctx {
	struct rpt_defs *d;
	enum ds_rc rc;
	char *err;
	size_t errsz;
};

static void load_one(const char *path, const unsigned char *data, size_t len, void *arg)
{
	struct loadctx *c = arg;
	if (c->rc || !strstr(path, ".json"))
		return;
	struct rpt_form *f = realloc(c->d->forms, (c->d->n + 1) * sizeof *f);
	if (!f) {
		c->rc = DS_ENOMEM;
		return;
	}
	c->d->forms = f;
	char msg[256];
	c->rc = rpt_form_parse((const char *)data, len, &f[c->d->n], msg, sizeof msg);
	if (c->rc)
		snprintf(c->err, c->errsz, "%s: %s", path, msg);
	else
		c->d->n++;
}

enum ds_rc rpt_defs_load(struct rpt_defs *d, char *err, size_t errsz)
{
	memset(d, 0, sizeof *d);
	struct loadctx c = {d, DS_OK, err, errsz};
	asset_each("defs/forms/", load_one, &c);
	if (c.rc)
		rpt_defs_free(d);
	return c.rc;
}

void rpt_defs_free(struct rpt_defs *d)
{
	for (size_t i = 0; i < d->n; i++)
		form_free(&d->forms[i]);
	free(d->forms);
	memset(d, 0, sizeof *d);
}

const struct rpt_form *rpt_form_find(const struct rpt_defs *d, const char *code)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->forms[i].code, code) == 0)
			return &d->forms[i];
	return NULL;
}

/* ---- periods ---- */

bool rpt_period_parse(const char *s, struct rpt_period *p)
{
	size_t n = strlen(s);
	int y = 0;
	memset(p, 0, sizeof *p);
	if (n < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		y = y * 10 + (s[i] - '0');
	}
	if (y < DAY_MIN_YEAR || y > DAY_MAX_YEAR)
		return false;
	int m1, m2;
	if (n == 4) {
		p->kind = PERIOD_YEAR;
		m1 = 1;
		m2 = 12;
	} else if (n == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q') && s[6] >= '1' && s[6] <= '4') {
		p->kind = PERIOD_QUARTER;
		p->index = s[6] - '0';
		m1 = 3 * p->index - 2;
		m2 = 3 * p->index;
	} else if (n == 7 && s[4] == '-' && (s[5] == 'H' || s[5] == 'h') && s[6] >= '1' && s[6] <= '2') {
		p->kind = PERIOD_HALF;
		p->index = s[6] - '0';
		m1 = 6 * p->index - 5;
		m2 = 6 * p->index;
	} else if (n == 7 && s[4] == '-' && s[5] >= '0' && s[5] <= '1' && s[6] >= '0' && s[6] <= '9') {
		p->kind = PERIOD_MONTH;
		p->index = (s[5] - '0') * 10 + (s[6] - '0');
		if (p->index < 1 || p->index > 12)
			return false;
		m1 = m2 = p->index;
	} else {
		return false;
	}
	p->year = y;
	p->from = day_from_ymd(y, m1, 1);
	p->to = day_from_ymd(y, m2, day_days_in_month(y, m2));
	snprintf(p->code, sizeof p->code, "%.7s", s);
	if (p->kind == PERIOD_QUARTER || p->kind == PERIOD_HALF)
		p->code[5] = (char)(p->kind == PERIOD_QUARTER ? 'Q' : 'H');
	return true;
}

void rpt_period_label(const struct rpt_period *p, const char *lang, char *out, size_t outsz)
{
	static const char *const roman[] = {"", "I", "II", "III", "IV"};
	static const char *const months[] = {"",        "January",  "February", "March",  "April",
					     "May",     "June",     "July",     "August", "September",
					     "October", "November", "December"};
	bool vi = !lang || strcmp(lang, "en") != 0;
	switch (p->kind) {
	case PERIOD_MONTH:
		if (vi)
			snprintf(out, outsz, "Tháng %02d/%d", p->index, p->year);
		else
			snprintf(out, outsz, "%s %d", months[p->index], p->year);
		break;
	case PERIOD_QUARTER:
		snprintf(out, outsz, vi ? "Quý %s/%d" : "Q%.0s%d", vi ? roman[p->index] : "", p->year);
		if (!vi)
			snprintf(out, outsz, "Q%d %d", p->index, p->year);
		break;
	case PERIOD_HALF:
		if (vi)
			snprintf(out, outsz, "6 tháng %s năm %d", p->index == 1 ? "đầu" : "cuối", p->year);
		else
			snprintf(out, outsz, "H%d %d", p->index, p->year);
		break;
	case PERIOD_YEAR: snprintf(out, outsz, vi ? "Năm %d" : "Year %d", p->year); break;
	}
}

/* ---- computing ---- */

void rpt_table_free(struct rpt_table *t)
{
	free(t->col_code);
	free(t->col_name);
	free(t->val);
	free(t->male);
	free(t->female);
	free(t->target);
	memset(t, 0, sizeof *t);
}

static enum ds_rc bad_request(struct ds_problem *pb, const char *field, enum ds_why why,
			      enum ds_rc rc)
{
	ds_problem_set(pb, NULL, 0, field, why);
	return rc;
}

static enum ds_rc set_columns(const struct eng_view *v, struct rpt_table *t, enum rpt_layout layout)
{
	char **codes = NULL;
	size_t n = 0;
	bool nation = t->unit_level == LVL_NONE; /* RPT_NATION: no unit of the tree */
	bool communes = nation || layout == LAYOUT_COMMUNES ||
			(layout == LAYOUT_AUTO && t->unit_level < LVL_COMMUNE);
	if (communes) {
		enum ds_rc rc = engine_units_under(v, nation ? NULL : t->unit,
						   nation ? LVL_PROVINCE : LVL_COMMUNE, t->map_date,
						   &codes, &n);
		if (rc)
			return rc;
	}
	t->has_total = communes;
	t->ncols = communes ? n + 1 : 1;
	t->col_code = calloc(t->ncols, sizeof *t->col_code);
	t->col_name = calloc(t->ncols, sizeof *t->col_name);
	enum ds_rc rc = t->col_code && t->col_name ? DS_OK : DS_ENOMEM;
	for (size_t i = 0; i < t->ncols && !rc; i++) {
		const char *code = communes && i < n ? codes[i] : t->unit;
		snprintf(t->col_code[i], sizeof t->col_code[i], "%s", code);
		const struct reg_unit *u = reg_units_resolve(eng_units(v), code, t->map_date);
		snprintf(t->col_name[i], sizeof t->col_name[i], "%s", u ? u->name : code);
	}
	for (size_t i = 0; i < n; i++)
		free(codes[i]);
	free(codes);
	return rc;
}

/* Evaluates every row for one column; fresh: nothing is known of its
 * sums yet (base's known is cleared). */
static void eval_column(struct rpt_table *t, size_t col, const struct expr_env *base, double *rows,
			bool fresh)
{
	const struct rpt_form *f = t->form;
	struct expr_env env = *base;
	env.rows = rows;
	if (fresh)
		memset(env.known, 0, 3 * f->slots);
	for (size_t r = 0; r < f->nrows; r++) {
		const struct rpt_row *row = &f->rows[r];
		double m = row->sex ? expr_eval(row->x, &env, 1) : NAN;
		double w = row->sex ? expr_eval(row->x, &env, 2) : NAN;
		double v = row->additive ? m + w : expr_eval(row->x, &env, 0);
		rows[r] = v;
		t->val[r * t->ncols + col] = v;
		t->male[r * t->ncols + col] = m;
		t->female[r * t->ncols + col] = w;
	}
}

/*
 * The columns [c0, c1) of t from the engine's result.  A province's
 * thousand columns are evaluated in two parts at once, on the calling
 * thread and one more.  Each part also adds up, over its columns, the sums
 * its columns kept (struct expr_env): a total column takes its sums from
 * these (every sum of cells over columns is the sum of the columns' sums)
 * instead of adding up every column's cubes (38 kB a column), but for the
 * distinct persons, which the engine counts over all columns itself.
 */
struct col_part {
	struct rpt_table *t;
	const struct eng_result *res;
	const struct expr_env *env;
	size_t c0, c1;
	double *rows;
	double *kept, *sums; /* 3 * slots each */
	uint8_t *known;
};

static void *eval_part(void *arg)
{
	struct col_part *p = arg;
	const struct eng_result *res = p->res;
	size_t n = p->t->has_total ? 3 * p->t->form->slots : 0; /* sums added up */
	struct expr_env env = *p->env;
	env.kept = p->kept;
	env.known = p->known;
	for (size_t col = p->c0; col < p->c1; col++) {
		for (int i = 0; i < 2; i++) {
			env.stock[i] = res->stock[i] ? &res->stock[i][col] : NULL;
			env.flow[i] = res->flow[i] ? &res->flow[i][col] : NULL;
		}
		eval_column(p->t, col, &env, p->rows, true);
		for (size_t k = 0; k < n; k++)
			if (p->known[k])
				p->sums[k] += p->kept[k];
	}
	return NULL;
}

/* Columns below which one thread evaluates them all. */
#define PART_COLUMNS 64

/* The part's buffers (3 * slots each, the sums cleared). */
static bool part_alloc(struct col_part *p, size_t nrows, size_t slots)
{
	size_t n = 3 * slots + 1;
	p->rows = malloc(nrows * sizeof *p->rows);
	p->kept = malloc(n * sizeof *p->kept);
	p->sums = calloc(n, sizeof *p->sums);
	p->known = malloc(n);
	return p->rows && p->kept && p->sums && p->known;
}

static void part_free(struct col_part *p)
{
	free(p->rows);
	free(p->kept);
	free(p->sums);
	free(p->known);
}

/* The columns of the engine's result into t; the sums over them all into
 * part[0].sums; false when out of memory. */
static bool eval_columns(struct rpt_table *t, const struct eng_result *res, size_t nq,
			 const struct expr_env *env, struct col_part *part)
{
	size_t nrows = t->form->nrows + 1, slots = t->form->slots;
	int n = nq >= PART_COLUMNS ? 2 : 1;
	bool ok = true;
	for (int i = 0; i < n; i++) {
		part[i] = (struct col_part){.t = t, .res = res, .env = env, .c0 = nq * (size_t)i / (size_t)n,
					    .c1 = nq * (size_t)(i + 1) / (size_t)n};
		ok &= part_alloc(&part[i], nrows, slots);
	}
	pthread_t side;
	bool two = ok && n == 2 && pthread_create(&side, NULL, eval_part, &part[1]) == 0;
	if (ok) {
		eval_part(&part[0]);
		if (two)
			pthread_join(side, NULL);
		else if (n == 2)
			eval_part(&part[1]);
	}
	for (size_t k = 0; ok && n == 2 && k < 3 * slots; k++)
		part[0].sums[k] += part[1].sums[k];
	if (n == 2)
		part_free(&part[1]);
	return ok;
}

/* The total column of t: every sum of cells that adds up over columns
 * from the columns' (part[0], after eval_columns), the distinct persons'
 * from the engine's count over all of them (its column nq). */
static void eval_total(struct rpt_table *t, const struct eng_result *res, size_t nq,
		       const struct expr_env *base, struct col_part *part, double *rows)
{
	const struct rpt_form *f = t->form;
	struct expr_env env = *base;
	for (int i = 0; i < 2; i++) {
		env.stock[i] = NULL; /* every stock's sums add up */
		env.flow[i] = res->flow[i] ? &res->flow[i][nq] : NULL;
	}
	/* A sum no column read is 0: the total's rows read the same sums. */
	for (size_t k = 0; k < 3 * f->slots; k++) {
		part->known[k] = f->slot_sums[k / 3];
		part->kept[k] = part->sums[k];
	}
	env.kept = part->kept;
	env.known = part->known;
	eval_column(t, t->ncols - 1, &env, rows, false);
}

/* The columns and every value of t, in one view of the engine. */
static enum ds_rc compute(const struct eng_view *v, const struct rpt_request *rq,
			  struct rpt_table *t, struct ds_problem *pb)
{
	const struct reg_units *units_tree = eng_units(v);
	t->map_date = rq->map_date == DAY_NONE ? t->period.to : rq->map_date;
	/* A unit created after the period (a commune of the 2025 merger asked
	 * for 2024) is shown under today's map unless a map date is given. */
	if (rq->map_date == DAY_NONE && !reg_units_at(units_tree, rq->unit, t->map_date) &&
	    reg_units_at(units_tree, rq->unit, day_today()))
		t->map_date = day_today();
	const struct reg_unit *u = reg_units_resolve(units_tree, rq->unit, t->map_date);
	bool nation = strcmp(rq->unit, RPT_NATION) == 0;
	if (!u && !nation)
		return bad_request(pb, "unit", W_NO_UNIT, DS_ENOTFOUND);
	snprintf(t->unit, sizeof t->unit, "%s", rq->unit);
	snprintf(t->unit_name, sizeof t->unit_name, "%s", u ? u->name : RPT_NATION_NAME);
	t->unit_level = u ? u->level : LVL_NONE;
	enum ds_rc rc = set_columns(v, t, rq->layout);
	size_t cells = t->form->nrows * t->ncols;
	if (!rc) {
		t->val = malloc((cells + 1) * sizeof *t->val);
		t->male = malloc((cells + 1) * sizeof *t->male);
		t->female = malloc((cells + 1) * sizeof *t->female);
		t->target = malloc((cells + 1) * sizeof *t->target);
		if (!t->val || !t->male || !t->female || !t->target)
			rc = DS_ENOMEM;
	}
	/* One engine pass over the columns that are units (the total is summed). */
	size_t nq = t->has_total ? t->ncols - 1 : 1;
	const char **units = malloc((nq + 1) * sizeof *units);
	if (!units && !rc)
		rc = DS_ENOMEM;
	struct eng_result res = {0};
	if (!rc) {
		for (size_t i = 0; i < nq; i++)
			units[i] = t->col_code[i];
		const struct expr_needs *nd = &t->form->needs;
		struct eng_query q = {.map_date = t->map_date, .ncols = nq, .units = units};
		q.nstock = 2;
		q.stock_date[0] = t->period.to;
		q.stock_date[1] = t->period.from - 1;
		if (!nd->stock[1])
			q.nstock = nd->stock[0] ? 1 : 0;
		q.nflow = nd->flow[1] ? 2 : nd->flow[0] ? 1 : 0;
		q.flow_from[0] = t->period.from;
		q.flow_to[0] = q.flow_to[1] = t->period.to;
		q.flow_from[1] = day_from_ymd(t->period.year, 1, 1);
		rc = engine_query(v, &q, &res);
	}
	double *rows = !rc ? malloc((t->form->nrows + 1) * sizeof *rows) : NULL;
	if (!rc && !rows)
		rc = DS_ENOMEM;
	if (!rc) {
		int py = t->period.year;
		struct expr_env env = {.days = (double)(t->period.to - t->period.from + 1)};
		env.whole_year = t->period.from == day_from_ymd(py, 1, 1) && t->period.to == day_from_ymd(py, 12, 31);
		struct col_part part[2];
		if (!eval_columns(t, &res, nq, &env, part))
			rc = DS_ENOMEM;
		/* Distinct persons are counted once over all columns, not summed:
		 * a woman screened in two communes is one woman screened. */
		if (!rc && t->has_total)
			eval_total(t, &res, nq, &env, &part[0], rows);
		part_free(&part[0]);
	}
	free(rows);
	free(units);
	eng_result_free(&res);
	return rc;
}

enum ds_rc rpt_run(struct engine *e, const struct rpt_defs *d, const struct rpt_request *rq,
		   rpt_target_fn targets, void *targets_arg, struct rpt_table *t,
		   struct ds_problem *pb)
{
	memset(t, 0, sizeof *t);
	double t0 = progress_now();
	if (!(t->form = rpt_form_find(d, rq->form)))
		return bad_request(pb, "form", W_BAD_CODE, DS_ENOTFOUND);
	if (!rpt_period_parse(rq->period, &t->period))
		return bad_request(pb, "period", W_BAD_CODE, DS_EUSAGE);
	const struct eng_view *v = engine_read(e);
	enum ds_rc rc = compute(v, rq, t, pb);
	engine_read_end(v);
	/* Targets are read after the view: they are not the engine's. */
	if (!rc)
		for (size_t r = 0; r < t->form->nrows; r++)
			for (size_t col = 0; col < t->ncols; col++)
				t->target[r * t->ncols + col] =
					targets && t->form->targets && t->form->rows[r].target[0]
						? targets(targets_arg, t->col_code[col], t->period.year,
							  t->form->rows[r].target)
						: NAN;
	if (rc) {
		rpt_table_free(t);
		return rc;
	}
	t->generated_at = (int64_t)time(NULL);
	t->seconds = progress_now() - t0;
	return DS_OK;
}
