/*
 * Time series: one row of a form month by month, for one unit under the
 * map of one date, so that a series runs on across a change of the map
 * (the months before it are counted on the same areas, which the map of
 * the date gathers under the unit).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "report/report.h"

#define SERIES_MAX_MONTHS 600

void rpt_series_free(struct rpt_series *s)
{
	free(s->value);
	memset(s, 0, sizeof *s);
}

static long row_of(const struct rpt_form *f, const char *code)
{
	for (size_t i = 0; i < f->nrows; i++)
		if (strcmp(f->rows[i].code, code) == 0)
			return (long)i;
	return -1;
}

/* The map a series of unit is read under when none is given: today's
 * when the unit exists today, else the last day it existed. */
static int32_t default_map(const struct reg_units *t, const char *unit, int32_t today)
{
	if (reg_units_at(t, unit, today))
		return today;
	const struct reg_unit *u = reg_units_resolve(t, unit, today);
	return u && u->valid_to != DAY_MAX && u->valid_to < today ? u->valid_to : today;
}

static enum ds_rc fail(struct ds_problem *pb, const char *field, enum ds_why why, enum ds_rc rc)
{
	ds_problem_set(pb, NULL, 0, field, why);
	return rc;
}

/* One month's value of the row, in the view the caller holds. */
static enum ds_rc one_month(struct engine *e, const struct rpt_defs *d, struct rpt_series *s,
			    int32_t month, double *out, struct ds_problem *pb)
{
	char period[8];
	day_format_month(month, period);
	struct rpt_request rq = {.form = s->form->code, .unit = s->unit, .period = period,
				 .map_date = s->map_date, .layout = LAYOUT_SINGLE};
	struct rpt_table t;
	enum ds_rc rc = rpt_run(e, d, &rq, NULL, NULL, &t, pb);
	if (rc)
		return rc;
	*out = rpt_at(&t, t.val, (size_t)s->row, t.ncols - 1);
	if (!s->unit_name[0])
		snprintf(s->unit_name, sizeof s->unit_name, "%s", t.unit_name);
	rpt_table_free(&t);
	return DS_OK;
}

enum ds_rc rpt_series_run(struct engine *e, const struct rpt_defs *d, const char *form,
			  const char *row, const char *unit, int32_t map_date, int32_t from,
			  int32_t to, struct rpt_series *s, struct ds_problem *pb)
{
	memset(s, 0, sizeof *s);
	if (!(s->form = rpt_form_find(d, form)))
		return fail(pb, "form", W_BAD_CODE, DS_ENOTFOUND);
	if (strcmp(s->form->period, "month") != 0)
		return fail(pb, "form", W_FORM_PERIOD, DS_EUSAGE);
	if ((s->row = row_of(s->form, row)) < 0)
		return fail(pb, "row", W_MAPPING_ROW, DS_ENOTFOUND);
	from = day_month_start(from);
	to = day_month_start(to);
	if (to < from)
		return fail(pb, "to", W_DATE_ORDER, DS_EUSAGE);
	size_t n = 0;
	for (int32_t m = from; m <= to && n <= SERIES_MAX_MONTHS; m = day_add_months(m, 1))
		n++;
	if (n > SERIES_MAX_MONTHS)
		return fail(pb, "from", W_OUT_OF_RANGE, DS_EUSAGE);
	snprintf(s->unit, sizeof s->unit, "%s", unit);
	s->from = from;
	if (!(s->value = malloc(n * sizeof *s->value)))
		return DS_ENOMEM;
	/* One view for every month: a change of the map waits for the series,
	 * which is therefore read under one tree. */
	const struct eng_view *v = engine_read(e);
	s->map_date = map_date != DAY_NONE ? map_date : default_map(eng_units(v), unit, day_today());
	enum ds_rc rc = DS_OK;
	int32_t m = from;
	for (size_t i = 0; i < n && !rc; i++, m = day_add_months(m, 1))
		rc = one_month(e, d, s, m, &s->value[i], pb);
	engine_read_end(v);
	if (rc) {
		rpt_series_free(s);
		return rc;
	}
	s->n = n;
	return DS_OK;
}

json_t *rpt_series_json(const struct rpt_series *s, const char *lang)
{
	json_t *points = json_array();
	int32_t m = s->from;
	for (size_t i = 0; points && i < s->n; i++, m = day_add_months(m, 1)) {
		char period[8];
		day_format_month(m, period);
		double v = s->value[i];
		json_t *jv = isnan(v) ? json_null()
			     : v == floor(v) && fabs(v) < 1e15 ? json_integer((json_int_t)v)
							      : json_real(v);
		json_array_append_new(points, json_pack("{s:s, s:o}", "period", period, "value", jv));
	}
	const struct rpt_row *r = &s->form->rows[s->row];
	char map[11];
	day_format(s->map_date, map);
	bool vi = !lang || strcmp(lang, "en") != 0;
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o}", "form", s->form->code, "row",
			 r->code, "label", vi ? r->label_vi : r->label_en, "unit", s->unit, "unit_name",
			 s->unit_name, "map_date", map, "decimals", r->decimals, "points", points);
}
