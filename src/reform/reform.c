/* Previewing and applying a change of the administrative map. */
#include "reform/reform.h"

#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "records/records.h"
#include "store/register.h"

/* Index of code in the plan's sorted new units, or -1. */
static long unit_index(const struct xw_plan *p, const char *code)
{
	size_t a = 0, b = p->nunits;
	while (a < b) {
		size_t m = (a + b) / 2;
		int c = strcmp(p->units[m], code);
		if (!c)
			return (long)m;
		if (c < 0)
			a = m + 1;
		else
			b = m;
	}
	return -1;
}

/* Adds each area's persons to the new units above it on their first day. */
static enum ds_rc populations(const struct eng_view *v, const struct xw_plan *p, int64_t *pop)
{
	for (size_t d = 0; d < p->ndates; d++) {
		int32_t day = p->dates[d];
		int64_t *counts = NULL;
		size_t n = 0;
		enum ds_rc rc = engine_area_population(v, day, &counts, &n);
		if (rc)
			return rc;
		for (size_t a = 0; a < n; a++) {
			if (!counts[a])
				continue;
			const char *code = engine_area_code(v, (int32_t)a);
			for (int depth = 0; code[0] && depth < 16; depth++) {
				long u = unit_index(p, code);
				if (u >= 0 && p->units_day[u] == day)
					pop[u] += counts[a];
				code = reg_units_parent(&p->tree, code, day);
			}
		}
		free(counts);
	}
	return DS_OK;
}

static json_t *units_json(const struct eng_view *v, const struct xw_plan *p)
{
	int64_t *pop = calloc(p->nunits + 1, sizeof *pop);
	json_t *arr = json_array();
	if (!pop || !arr || populations(v, p, pop)) {
		free(pop);
		json_decref(arr);
		return NULL;
	}
	for (size_t i = 0; i < p->nunits; i++) {
		const struct reg_unit *u = reg_units_at(&p->tree, p->units[i], p->units_day[i]);
		char eff[11];
		day_format(p->units_day[i], eff);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "code", p->units[i],
						     "name", u ? u->name : "", "level",
						     u ? reg_level_name(u->level) : "", "parent",
						     u ? u->parent : "", "effective", eff, "population",
						     (json_int_t)pop[i]));
	}
	free(pop);
	return arr;
}

/* Every area whose path changes on one of the plan's dates. */
static json_t *areas_json(const struct reg_units *now, const struct xw_plan *p, size_t max,
			  size_t *moved)
{
	json_t *arr = json_array();
	*moved = 0;
	for (size_t i = 0; arr && i < p->tree.n; i++) {
		const struct reg_unit *u = &p->tree.rows[i];
		if (u->level != LVL_AREA || (i && strcmp(p->tree.rows[i - 1].code, u->code) == 0))
			continue;
		for (size_t d = 0; d < p->ndates; d++) {
			int32_t day = p->dates[d];
			char before[128], after[128];
			xw_path(now, u->code, day - 1, before, sizeof before);
			xw_path(&p->tree, u->code, day, after, sizeof after);
			if (strcmp(before, after) == 0)
				continue;
			if (!max || *moved < max) {
				const struct reg_unit *a = reg_units_resolve(&p->tree, u->code, day);
				json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "area", u->code,
								     "name", a ? a->name : "", "old", before,
								     "new", after));
			}
			++*moved;
			break;
		}
	}
	return arr;
}

json_t *reform_preview(const struct eng_view *v, const struct reg_units *now,
		       const struct xw_plan *p, size_t max_areas)
{
	json_t *dates = json_array();
	for (size_t i = 0; dates && i < p->ndates; i++) {
		char d[11];
		day_format(p->dates[i], d);
		json_array_append_new(dates, json_string(d));
	}
	size_t moved = 0;
	json_t *units = units_json(v, p), *areas = areas_json(now, p, max_areas, &moved);
	if (!dates || !units || !areas) {
		json_decref(dates);
		json_decref(units);
		json_decref(areas);
		return NULL;
	}
	char mark[REG_UNITS_MARK_LEN + 1];
	reg_units_mark(now, mark);
	return json_pack("{s:s, s:o, s:I, s:I, s:o, s:I, s:o}", "map", mark, "dates", dates, "closed",
			 (json_int_t)p->nclose, "opened", (json_int_t)p->nopen, "units", units,
			 "areas_moved", (json_int_t)moved, "areas", areas);
}

/* The unit_change record of a plan. */
static enum ds_rc change_record(const struct xw *x, const struct xw_plan *p, struct rec *r,
				struct ds_problem *pb)
{
	char id[REG_UUID_TEXT], eff[11];
	uint8_t raw[16];
	rec_new_id(raw);
	reg_uuid_format(raw, id);
	day_format(p->ndates ? p->dates[0] : day_today(), eff);
	const char *base = strrchr(x->file, '/');
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:I, s:I, s:I}}", "id", id, "kind",
			      "unit_change", "unit", "", "date", eff, "body", "source",
			      base ? base + 1 : x->file, "effective", eff, "lines", (json_int_t)x->n,
			      "closed", (json_int_t)p->nclose, "opened", (json_int_t)p->nopen);
	if (!o) {
		memset(r, 0, sizeof *r);
		ds_problem_set(pb, NULL, 0, "source", W_UTF8);
		return DS_EINPUT;
	}
	enum ds_rc rc = rec_parse(o, r, pb);
	json_decref(o);
	return rc;
}

enum ds_rc reform_apply(struct store *st, const struct reg_units *now, const struct xw *x,
			const struct xw_plan *p, const char *by, struct ds_problem *pb,
			int64_t *seq)
{
	enum ds_rc rc = DS_OK;
	for (size_t i = 0; i < p->nclose && !rc; i++) {
		rc = store_unit_close(st, &p->close[i], p->close_to[i]);
		if (rc == DS_ENOTFOUND) {
			ds_problem_set(pb, x->file, p->close_line[i], "old_code", W_UNIT_CHANGED);
			return DS_ECONFLICT;
		}
	}
	for (size_t i = 0; i < p->nopen && !rc; i++)
		rc = store_unit_add(st, &p->open[i]);
	if (rc)
		return rc;
	struct rec r;
	if ((rc = change_record(x, p, &r, pb)))
		return rc;
	struct rec_result res;
	rc = rec_record(st, now, &r, by, &res);
	rec_free(&r);
	if (!rc && res.outcome == REC_REFUSED) {
		*pb = res.problem;
		return DS_EINPUT;
	}
	*seq = res.seq;
	return rc;
}
