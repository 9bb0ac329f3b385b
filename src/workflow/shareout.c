/* Yearly targets as a workflow: the nearest target, the share-out to communes, and the status with progress and the path through the year. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "records/records.h"
#include "report/targets.h"
#include "workflow/shareout.h"

static enum ds_rc refuse(struct ds_problem *pb, const char *field, enum ds_why why, enum ds_rc rc)
{
	ds_problem_set(pb, "", 0, field, why);
	return rc;
}

double so_report_target(void *book, const char *unit, int year, const char *key)
{
	double v = rec_target(book, unit, year, key);
	const struct tg_indicator *ind = tg_indicator(key);
	return isnan(v) && ind && !ind->sums ? ind->national : v;
}

double so_target(struct rec_book *b, const struct reg_units *units, const char *unit, int year, const char *key,
		 int32_t day, char from[REG_UNIT_CODE_MAX + 1])
{
	const struct tg_indicator *ind = tg_indicator(key);
	char code[REG_UNIT_CODE_MAX + 1];
	snprintf(code, sizeof code, "%s", unit);
	/* A count belongs to its unit; a share or rate holds below it too. */
	for (int depth = 0; code[0] && depth < 8; depth++) {
		double t = rec_target(b, code, year, key);
		if (!isnan(t)) {
			snprintf(from, REG_UNIT_CODE_MAX + 1, "%s", code);
			return t;
		}
		if (ind && ind->sums)
			break;
		snprintf(code, sizeof code, "%s", reg_units_parent(units, code, day));
	}
	if (ind && !ind->sums && !isnan(ind->national)) {
		snprintf(from, REG_UNIT_CODE_MAX + 1, "1679");
		return ind->national;
	}
	from[0] = 0;
	return NAN;
}

/* ---- the communes and their bases ---- */

struct communes {
	char **codes;
	size_t n;
	char (*names)[REG_TEXT_BYTES];
	double (*base)[TG_BASES];
};

static void communes_free(struct communes *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->codes[i]);
	free(c->codes);
	free(c->names);
	free(c->base);
}

static void bases_from(const struct eng_stock *s, const struct eng_flow *f, double out[TG_BASES])
{
	memset(out, 0, TG_BASES * sizeof *out);
	for (int x = 0; x < 2; x++)
		for (int a = 0; a < ENG_AGES; a++)
			for (int m = 0; m < 5; m++) {
				out[TG_BASE_POPULATION] += s->pop[x][a][m];
				if (a >= ENG_ELDER_AGE0)
					out[TG_BASE_ELDERLY] += s->pop[x][a][m];
			}
	for (int a = 0; a < ENG_FP_AGES; a++)
		for (int m = 0; m < 10; m++)
			out[TG_BASE_WOMEN] += s->fp[a][m];
	const int32_t *b = &f->birth[0][0][0][0];
	for (size_t i = 0; i < sizeof f->birth / sizeof *b; i++)
		out[TG_BASE_BIRTHS] += b[i];
}

/* The communes under unit on 1 January of year, with their names and bases
 * (the stock on 31 December before, the births of the year before). */
static enum ds_rc communes_of(struct engine *e, const char *unit, int year, struct communes *c)
{
	memset(c, 0, sizeof *c);
	int32_t day0 = day_from_ymd(year, 1, 1);
	const struct eng_view *v = engine_read(e);
	enum ds_rc rc = reg_units_resolve(eng_units(v), unit, day0) ? engine_units_under(v, unit, LVL_COMMUNE, day0, &c->codes, &c->n)
								    : DS_ENOTFOUND;
	if (!rc && c->n) {
		c->names = calloc(c->n, sizeof *c->names);
		c->base = calloc(c->n, sizeof *c->base);
		rc = c->names && c->base ? DS_OK : DS_ENOMEM;
	}
	struct eng_query q = {.map_date = day0, .ncols = c->n, .units = (const char *const *)c->codes, .nstock = 1,
			      .stock_date = {day0 - 1}, .nflow = 1, .flow_from = {day_from_ymd(year - 1, 1, 1)},
			      .flow_to = {day0 - 1}};
	struct eng_result r = {0};
	if (!rc && c->n)
		rc = engine_query(v, &q, &r);
	for (size_t i = 0; !rc && i < c->n; i++) {
		const struct reg_unit *u = reg_units_resolve(eng_units(v), c->codes[i], day0);
		snprintf(c->names[i], sizeof c->names[i], "%s", u ? u->name : c->codes[i]);
		bases_from(&r.stock[0][i], &r.flow[0][i], c->base[i]);
	}
	if (c->n && !rc)
		eng_result_free(&r);
	engine_read_end(v);
	return rc;
}

/* ---- share-out ---- */

static bool number_of(json_t *v, double *out)
{
	*out = json_number_value(v);
	return json_is_number(v) && isfinite(*out) && *out >= 0;
}

/* Proportional shares of a count: whole numbers by the largest remainder when the target is whole. */
static void proportional(const struct communes *c, enum tg_base base, double total, bool sums, double *out)
{
	double sum = 0;
	for (size_t i = 0; i < c->n; i++)
		sum += c->base[i][base];
	if (!sums) {
		for (size_t i = 0; i < c->n; i++)
			out[i] = total;
		return;
	}
	bool whole = total == floor(total);
	double given = 0;
	for (size_t i = 0; i < c->n; i++) {
		double exact = total * c->base[i][base] / sum;
		out[i] = whole ? floor(exact) : round(exact * 100) / 100;
		given += out[i];
	}
	/* What rounding left, a unit (or a hundredth) at a time to the largest remainders. */
	double step = whole ? 1 : 0.01;
	for (double left = total - given; left > step / 2;) {
		size_t best = 0;
		double rem = -1;
		for (size_t i = 0; i < c->n; i++) {
			double r = total * c->base[i][base] / sum - out[i];
			if (r > rem)
				rem = r, best = i;
		}
		out[best] += step;
		left -= step;
	}
}

static ptrdiff_t commune_index(const struct communes *c, const char *code)
{
	for (size_t i = 0; code && i < c->n; i++)
		if (strcmp(c->codes[i], code) == 0)
			return (ptrdiff_t)i;
	return -1;
}

static enum ds_rc manual(const struct communes *c, json_t *shares, double *out, struct ds_problem *pb)
{
	if (!json_is_array(shares))
		return refuse(pb, "shares", shares ? W_JSON_TYPE : W_REQUIRED, DS_EUSAGE);
	for (size_t i = 0; i < c->n; i++)
		out[i] = NAN;
	size_t i;
	json_t *s;
	json_array_foreach(shares, i, s)
	{
		char field[DS_FIELD_MAX];
		snprintf(field, sizeof field, "shares[%zu].unit", i);
		ptrdiff_t k = commune_index(c, json_string_value(json_object_get(s, "unit")));
		if (k < 0)
			return refuse(pb, field, W_NO_UNIT, DS_EUSAGE);
		if (!isnan(out[k]))
			return refuse(pb, field, W_DUP_ROW, DS_EUSAGE);
		snprintf(field, sizeof field, "shares[%zu].value", i);
		if (!number_of(json_object_get(s, "value"), &out[k]))
			return refuse(pb, field, W_BAD_NUMBER, DS_EUSAGE);
	}
	for (size_t k = 0; k < c->n; k++)
		if (isnan(out[k]))
			return refuse(pb, "shares", W_SHARES_DO_NOT_ADD_UP, DS_EINPUT);
	return DS_OK;
}

/* The communes' sum, or for a share or rate their mean weighted by the base. */
static double combined(const struct communes *c, enum tg_base base, bool sums, const double *v)
{
	double num = 0, den = 0;
	for (size_t i = 0; i < c->n; i++) {
		num += sums ? v[i] : v[i] * c->base[i][base];
		den += c->base[i][base];
	}
	return sums ? num : den > 0 ? num / den : NAN;
}

static bool adds_up(double got, double want, bool sums)
{
	return fabs(got - want) <= (sums ? 1e-6 : 0.05);
}

static enum ds_rc check_plan(const struct so_request *rq, const struct tg_indicator **ind, enum tg_base *base,
			     bool *prop, struct ds_problem *pb)
{
	if (!rq->unit || !rq->unit[0])
		return refuse(pb, "unit", W_REQUIRED, DS_EUSAGE);
	if (rq->year < DAY_MIN_YEAR || rq->year > DAY_MAX_YEAR)
		return refuse(pb, "year", W_BAD_NUMBER, DS_EUSAGE);
	if (!(*ind = tg_indicator(rq->indicator)))
		return refuse(pb, "indicator", rq->indicator ? W_BAD_CODE : W_REQUIRED, DS_EUSAGE);
	*prop = rq->method && strcmp(rq->method, "proportional") == 0;
	if (!*prop && !(rq->method && strcmp(rq->method, "manual") == 0))
		return refuse(pb, "method", rq->method ? W_BAD_CODE : W_REQUIRED, DS_EUSAGE);
	*base = (*ind)->base;
	if (rq->base && rq->base[0] && !tg_base_parse(rq->base, base))
		return refuse(pb, "base", W_BAD_CODE, DS_EUSAGE);
	return DS_OK;
}

enum ds_rc so_plan(struct engine *e, struct rec_book *b, const struct so_request *rq, json_t **plan,
		   struct ds_problem *pb)
{
	*plan = NULL;
	const struct tg_indicator *ind;
	enum tg_base base;
	bool prop;
	enum ds_rc rc = check_plan(rq, &ind, &base, &prop, pb);
	if (rc)
		return rc;
	double total = rq->total ? json_number_value(rq->total) : rec_target(b, rq->unit, rq->year, ind->key);
	if (rq->total && !number_of(rq->total, &total))
		return refuse(pb, "target", W_BAD_NUMBER, DS_EUSAGE);
	if (isnan(total))
		return refuse(pb, "target", W_REQUIRED, DS_EUSAGE);
	struct communes c;
	if ((rc = communes_of(e, rq->unit, rq->year, &c))) {
		communes_free(&c);
		return rc == DS_ENOTFOUND ? refuse(pb, "unit", W_NO_UNIT, rc) : rc;
	}
	double *v = calloc(c.n + 1, sizeof *v);
	if (!v)
		rc = DS_ENOMEM;
	else if (!c.n)
		rc = refuse(pb, "unit", W_BAD_LEVEL, DS_EUSAGE);
	else if (prop) {
		double sum = 0;
		for (size_t i = 0; i < c.n; i++)
			sum += c.base[i][base];
		if (!(sum > 0))
			rc = refuse(pb, "base", W_NOT_POSITIVE, DS_EUSAGE);
	}
	if (!rc && prop)
		proportional(&c, base, total, ind->sums, v);
	else if (!rc)
		rc = manual(&c, rq->shares, v, pb);
	double got = rc ? NAN : combined(&c, base, ind->sums, v);
	if (!rc && !adds_up(got, total, ind->sums))
		rc = refuse(pb, "shares", W_SHARES_DO_NOT_ADD_UP, DS_EINPUT);
	if (!rc) {
		json_t *arr = json_array();
		for (size_t i = 0; i < c.n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:o}", "unit", c.codes[i], "name", c.names[i],
							     "base", rec_number(c.base[i][base]), "value", rec_number(v[i])));
		*plan = json_pack("{s:s, s:i, s:s, s:s, s:s, s:o, s:b, s:b, s:o, s:o, s:b}", "unit", rq->unit, "year",
				  rq->year, "indicator", ind->key, "method", prop ? "proportional" : "manual", "base",
				  tg_base_name(base), "target", rec_number(total), "sums", ind->sums, "set_target",
				  rq->total != NULL, "communes", arr, "total", rec_number(round(got * 100) / 100),
				  "adds_up", 1);
		rc = *plan ? DS_OK : DS_ENOMEM;
	}
	free(v);
	communes_free(&c);
	return rc;
}

/* One target record, recorded; false (and pb) when refused. */
static enum ds_rc record_one(struct store *st, const struct reg_units *units, const char *unit, int year,
			     const char *key, double value, const char *by, bool *refused, struct ds_problem *pb)
{
	struct rec r;
	enum ds_rc rc = rec_target_new(&r, unit, year, key, value, pb);
	struct rec_result res = {0};
	if (!rc)
		rc = rec_record(st, units, &r, by, &res);
	rec_free(&r);
	if (rc == DS_EINPUT || (!rc && res.outcome == REC_REFUSED)) {
		*refused = true;
		if (!rc)
			*pb = res.problem;
		return DS_OK;
	}
	return rc;
}

enum ds_rc so_record(struct store *st, const struct reg_units *units, const json_t *plan, const char *by,
		     bool *refused, struct ds_problem *pb)
{
	*refused = false;
	const char *key = json_string_value(json_object_get(plan, "indicator"));
	int year = (int)json_integer_value(json_object_get(plan, "year"));
	enum ds_rc rc = store_savepoint(st);
	if (!rc && json_is_true(json_object_get(plan, "set_target")))
		rc = record_one(st, units, json_string_value(json_object_get(plan, "unit")), year, key,
				json_number_value(json_object_get(plan, "target")), by, refused, pb);
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(plan, "communes"), i, c)
	{
		if (rc || *refused)
			break;
		rc = record_one(st, units, json_string_value(json_object_get(c, "unit")), year, key,
				json_number_value(json_object_get(c, "value")), by, refused, pb);
	}
	if (rc)
		return rc;
	return *refused ? store_rollback_to(st) : store_release(st);
}

/* ---- status ---- */

static json_t *num_or_null(double v)
{
	return isnan(v) || isinf(v) ? json_null() : rec_number(round(v * 100) / 100);
}

static json_t *share_of(const struct tg_indicator *ind, double v, double target)
{
	/* No percentage of a ceiling. */
	if (ind->direction == TG_CEILING || isnan(v) || isnan(target) || target == 0)
		return json_null();
	return json_real(round(v / target * 1000) / 10);
}

static ptrdiff_t row_of(const struct rpt_table *t, const char *key)
{
	for (size_t r = 0; r < t->form->nrows; r++)
		if (strcmp(t->form->rows[r].target, key) == 0)
			return (ptrdiff_t)r;
	return -1;
}

/* The count of a 01-DSX row at the end of each month of year to the date's month, cumulated. */
static json_t *actual_path(struct engine *e, const struct rpt_defs *d, const char *unit, int year, int last_month,
			   const char *key)
{
	json_t *arr = json_array();
	double sum = 0;
	for (int m = 1; m <= 12; m++) {
		if (m > last_month) {
			json_array_append_new(arr, json_null());
			continue;
		}
		char period[24];
		snprintf(period, sizeof period, "%04d-%02d", year, m);
		struct rpt_request rq = {.form = "01-DSX", .unit = unit, .period = period, .map_date = DAY_NONE,
					 .layout = LAYOUT_SINGLE};
		struct rpt_table t;
		struct ds_problem pb;
		ptrdiff_t r = -1;
		if (rpt_run(e, d, &rq, NULL, NULL, &t, &pb) == DS_OK) {
			r = row_of(&t, key);
			if (r >= 0 && !isnan(rpt_at(&t, t.val, (size_t)r, 0)))
				sum += rpt_at(&t, t.val, (size_t)r, 0);
			rpt_table_free(&t);
		}
		json_array_append_new(arr, r >= 0 ? rec_number(sum) : json_null());
	}
	return arr;
}

struct status_ctx {
	struct engine *e;
	struct rec_book *b;
	const struct rpt_defs *d;
	const char *unit, *lang;
	int year, month;
	int32_t day;
	const struct rpt_table *t;
	const struct communes *c;
};

static json_t *communes_json(const struct status_ctx *s, const struct tg_indicator *ind, size_t r,
			     double target, json_t **adds)
{
	json_t *arr = json_array();
	double *v = calloc(s->c->n + 1, sizeof *v);
	bool all = v != NULL;
	for (size_t i = 0; v && i < s->c->n; i++) {
		ptrdiff_t col = -1;
		for (size_t k = 0; k < s->t->ncols; k++)
			if (strcmp(s->t->col_code[k], s->c->codes[i]) == 0)
				col = (ptrdiff_t)k;
		double value = col >= 0 ? rpt_at(s->t, s->t->val, r, (size_t)col) : NAN;
		v[i] = rec_target(s->b, s->c->codes[i], s->year, ind->key);
		all = all && !isnan(v[i]);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:o, s:o, s:s}", "unit", s->c->codes[i], "name",
						     s->c->names[i], "target", num_or_null(v[i]), "value", num_or_null(value),
						     "share", share_of(ind, value, v[i]), "progress",
						     tg_progress_name(tg_progress_at(ind->direction, ind->accumulates, value,
										     v[i], s->day))));
	}
	double got = all && s->c->n ? combined(s->c, ind->base, ind->sums, v) : NAN;
	*adds = isnan(got) || isnan(target) ? json_null() : json_boolean(adds_up(got, target, ind->sums));
	free(v);
	return arr;
}

static json_t *indicator_json(const struct status_ctx *s, const struct tg_indicator *ind, double target,
			      const char *from)
{
	ptrdiff_t r = row_of(s->t, ind->key);
	size_t total_col = s->t->ncols - 1;
	double value = r >= 0 ? rpt_at(s->t, s->t->val, (size_t)r, total_col) : NAN;
	bool any_commune = false;
	for (size_t i = 0; s->c && i < s->c->n && !any_commune; i++)
		any_commune = !isnan(rec_target(s->b, s->c->codes[i], s->year, ind->key));
	if (isnan(target) && !any_commune)
		return NULL;
	double path[12];
	tg_path(ind, target, s->year, path);
	json_t *p = json_array();
	for (int m = 0; m < 12; m++)
		json_array_append_new(p, num_or_null(path[m]));
	bool vi = strcmp(s->lang, "en") != 0;
	json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:o, s:o, s:o, s:o, s:s, s:o}", "key", ind->key, "label",
			      vi ? ind->label_vi : ind->label_en, "direction", tg_direction_name(ind->direction),
			      "accumulates", ind->accumulates, "sums", ind->sums, "base", tg_base_name(ind->base), "target",
			      num_or_null(target), "target_from", from[0] ? json_string(from) : json_null(), "value",
			      num_or_null(value), "share", share_of(ind, value, target), "progress",
			      tg_progress_name(tg_progress_at(ind->direction, ind->accumulates, value, target, s->day)),
			      "path", p);
	if (strcmp(from, "1679") == 0)
		json_object_set_new(o, "target_text", json_string(ind->national_vi));
	json_object_set_new(o, "actual", ind->sums && ind->accumulates && r >= 0
						 ? actual_path(s->e, s->d, s->unit, s->year, s->month, ind->key)
						 : json_null());
	if (s->c && s->c->n && r >= 0) {
		json_t *adds;
		json_object_set_new(o, "communes", communes_json(s, ind, (size_t)r, target, &adds));
		json_object_set_new(o, "adds_up", adds);
	}
	return o;
}

enum ds_rc so_status(struct engine *e, struct rec_book *b, const struct rpt_defs *d, const char *unit, int year,
		     const char *date, const char *lang, json_t **out, struct ds_problem *pb)
{
	*out = NULL;
	struct status_ctx s = {.e = e, .b = b, .d = d, .unit = unit, .lang = lang ? lang : "vi", .year = year};
	if (!unit || !unit[0])
		return refuse(pb, "unit", W_REQUIRED, DS_EUSAGE);
	if (year < DAY_MIN_YEAR || year > DAY_MAX_YEAR)
		return refuse(pb, "year", W_BAD_NUMBER, DS_EUSAGE);
	s.day = day_today();
	if (date && date[0] && !day_parse(date, strlen(date), &s.day))
		return refuse(pb, "date", W_BAD_DATE, DS_EUSAGE);
	int32_t last = day_from_ymd(year, 12, 31);
	if (s.day > last)
		s.day = last;
	int y, dd;
	day_to_ymd(s.day, &y, &s.month, &dd);
	if (y < year)
		s.month = 0;
	char period[24];
	snprintf(period, sizeof period, "%04d", year);
	struct rpt_request rq = {.form = "03-DSX", .unit = unit, .period = period, .map_date = DAY_NONE,
				 .layout = LAYOUT_AUTO};
	struct rpt_table t;
	enum ds_rc rc = rpt_run(e, d, &rq, so_report_target, b, &t, pb);
	if (rc)
		return rc;
	struct communes c;
	rc = t.unit_level < LVL_COMMUNE ? communes_of(e, unit, year, &c) : (memset(&c, 0, sizeof c), DS_OK);
	s.t = &t;
	s.c = rc ? NULL : &c;
	size_t n;
	const struct tg_indicator *inds = tg_indicators(&n);
	struct pre {
		double target;
		char from[REG_UNIT_CODE_MAX + 1];
	} *pre = calloc(n + 1, sizeof *pre);
	/* The targets are found in the unit tree of a view; the monthly counts
	 * (reports of their own, each with its view) after it. */
	const struct eng_view *v = engine_read(e);
	for (size_t i = 0; pre && i < n; i++)
		pre[i].target = so_target(b, eng_units(v), unit, year, inds[i].key, s.day, pre[i].from);
	engine_read_end(v);
	json_t *arr = json_array();
	for (size_t i = 0; pre && i < n; i++) {
		json_t *o = indicator_json(&s, &inds[i], pre[i].target, pre[i].from);
		if (o)
			json_array_append_new(arr, o);
	}
	free(pre);
	char iso[11];
	day_format(s.day, iso);
	*out = json_pack("{s:s, s:s, s:i, s:s, s:s, s:o}", "unit", unit, "unit_name", t.unit_name, "year", year, "date",
			 iso, "source_1679", tg_national_source(s.lang), "indicators", arr);
	if (!rc)
		communes_free(&c);
	rpt_table_free(&t);
	return *out ? DS_OK : DS_ENOMEM;
}
