/*
 * Reports, the balancing check, the dashboard, the month's slip, targets,
 * units, code lists and forms.  Reports are aggregates: any logged-in user
 * may ask for any unit.  What names persons (the check's items, the slip)
 * is limited to the caller's scope.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "base/asset.h"
#include "base/day.h"
#include "report/check.h"
#include "records/records.h"
#include "workflow/cycle.h"
#include "report/targets.h"
#include "workflow/shareout.h"

static double book_target(void *arg, const char *unit, int year, const char *key)
{
	return so_report_target(arg, unit, year, key);
}

static bool map_date_arg(struct api_ctx *c, int32_t *out)
{
	char v[16];
	*out = DAY_NONE;
	if (!api_query(c, "map_date", v, sizeof v))
		return true;
	if (!day_parse(v, strlen(v), out)) {
		api_error(c, 400, "bad_date", ds_why_en(W_BAD_DATE), "map_date");
		return false;
	}
	return true;
}

/* Counts under this are not shown outside the caller's scope. */
#define SMALL_CELL 5

/*
 * Small cells: a count of 1 to 4 in a column outside the caller's scope
 * (a village's single abortion, a commune's one death) could point at a
 * person.  Statistical offices leave such cells empty; so do we, in every
 * column and total the caller's scope does not cover.  Rates are shown:
 * their small counts are what is hidden.  Returns the cells hidden.
 */
static size_t suppress_small(struct api_ctx *c, struct rpt_table *t)
{
	size_t hidden = 0;
	for (size_t col = 0; col < t->ncols; col++) {
		const char *code = t->has_total && col == t->ncols - 1 ? t->unit : t->col_code[col];
		if (api_in_scope(c, code) || c->user.role == ROLE_NATIONAL)
			continue;
		for (size_t r = 0; r < t->form->nrows; r++) {
			if (t->form->rows[r].decimals != 0)
				continue;
			double *cells[3] = {&t->val[r * t->ncols + col], &t->male[r * t->ncols + col],
					    &t->female[r * t->ncols + col]};
			for (int k = 0; k < 3; k++)
				if (*cells[k] > 0 && *cells[k] < SMALL_CELL) {
					*cells[k] = NAN;
					hidden++;
				}
		}
	}
	return hidden;
}

/* A report's file is named by form, unit and period: "01-DSX_Phường Đa Kao_2025-Q4.xlsx". */
static void report_file_name(struct api_ctx *c, const struct rpt_table *t, const char *ext)
{
	char name[REG_TEXT_BYTES + 64];
	snprintf(name, sizeof name, "%s_%s_%s.%s", t->form->code, t->unit_name[0] ? t->unit_name : t->unit,
		 t->period.code, ext);
	api_attachment(c, name);
}

void h_report(struct api_ctx *c)
{
	char unit[16] = "", period[16] = "", fmt[8] = "json", lang[4] = "", cols[12] = "auto";
	struct rpt_request rq = {.form = c->params[0], .unit = unit, .period = period,
				 .layout = LAYOUT_AUTO};
	if (!api_query(c, "unit", unit, sizeof unit) || !api_query(c, "period", period, sizeof period)) {
		api_error(c, 400, "required", "give unit and period", unit[0] ? "period" : "unit");
		return;
	}
	api_query(c, "format", fmt, sizeof fmt);
	if (!api_query(c, "lang", lang, sizeof lang))
		snprintf(lang, sizeof lang, "%s", c->lang);
	api_query(c, "columns", cols, sizeof cols);
	rq.layout = strcmp(cols, "single") == 0 ? LAYOUT_SINGLE
		    : strcmp(cols, "communes") == 0 ? LAYOUT_COMMUNES : LAYOUT_AUTO;
	if (!map_date_arg(c, &rq.map_date))
		return;
	struct rpt_table t;
	struct ds_problem pb = {0};
	enum ds_rc rc = rpt_run(c->app->engine, &c->app->defs, &rq, book_target, c->app->book, &t, &pb);
	if (rc) {
		if (pb.field[0])
			api_error(c, rc == DS_ENOTFOUND ? 404 : 400, ds_why_code(pb.why),
				  strcmp(c->lang, "vi") == 0 ? ds_why_vi(pb.why) : ds_why_en(pb.why), pb.field);
		else
			api_error(c, 503, "internal", "the report could not be computed", NULL);
		return;
	}
	/* Below the commune, a report is for those whose scope covers it. */
	if (t.unit_level > LVL_COMMUNE && !api_in_scope(c, t.unit)) {
		rpt_table_free(&t);
		api_error(c, 404, "no_unit", strcmp(c->lang, "vi") == 0 ? ds_why_vi(W_NO_UNIT) : ds_why_en(W_NO_UNIT),
			  "unit");
		return;
	}
	size_t hidden = suppress_small(c, &t);
	if (hidden) {
		char n[24];
		snprintf(n, sizeof n, "%zu", hidden);
		http_add_header(c->rs, "X-Danso-Suppressed-Cells", n);
	}
	wf_mark_revision(c->app->book, &t);
	char name[80];
	snprintf(name, sizeof name, "%s-%s-%s", t.form->code, t.unit, t.period.code);
	api_audit_in(c, "report", "report", name, t.unit, "ok");
	if (strcmp(fmt, "json") == 0) {
		json_t *j = rpt_json(&t, lang);
		/* How many counts of 1-4 were left empty outside the caller's scope. */
		json_object_set_new(j, "suppressed_cells", json_integer((json_int_t)hidden));
		api_json(c, 200, j);
	} else if (strcmp(fmt, "csv") == 0) {
		c->rs->status = 200;
		c->rs->content_type = "text/csv; charset=utf-8";
		buf_puts(&c->rs->body, "\xEF\xBB\xBF"); /* Excel reads UTF-8 with a BOM */
		rpt_csv(&t, lang, &c->rs->body);
		report_file_name(c, &t, "csv");
	} else if (strcmp(fmt, "html") == 0) {
		c->rs->status = 200;
		c->rs->content_type = "text/html; charset=utf-8";
		rpt_html(&t, lang, &c->rs->body);
	} else if (strcmp(fmt, "xlsx") == 0) {
		char tmp[] = "/tmp/danso-xlsx-XXXXXX";
		int fd = mkstemp(tmp);
		if (fd >= 0)
			close(fd);
		if (fd < 0 || rpt_xlsx(&t, lang, tmp)) {
			api_error(c, 503, "internal", "the spreadsheet could not be written", NULL);
		} else {
			c->rs->status = 200;
			c->rs->content_type =
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
			c->rs->file = strdup(tmp);
			report_file_name(c, &t, "xlsx");
		}
	} else {
		api_error(c, 400, "bad_code", "format is json, csv, xlsx or html", "format");
	}
	rpt_table_free(&t);
}

/* Hides persons and events outside the caller's scope from the check's items. */
/*
 * The check's items name persons and what happened to them on which day:
 * only the items of persons in the caller's scope are listed (and they are
 * in the access log); of the others nothing is told but the totals.
 */
static void redact_items(struct api_ctx *c, json_t *out)
{
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(out, "units"), i, u)
	{
		json_t *kept = json_array();
		size_t k, hidden = 0;
		json_t *it;
		json_array_foreach(json_object_get(u, "items"), k, it)
		{
			const char *pid = json_string_value(json_object_get(it, "person"));
			struct store_person p;
			struct store_household h;
			bool in = pid && pid[0] && store_person_get(c->st, pid, 0, &p) == DS_OK &&
				  store_household_get(c->st, NULL, p.cur_hh, &h) == DS_OK &&
				  api_in_scope(c, h.rec.area);
			if (in) {
				api_audit_in(c, "check", "person", pid, h.rec.area, "ok");
				/* The name, so that the page can say who, in a sentence. */
				json_object_set_new(it, "name", json_string(p.cur_name[0] ? p.cur_name
										   : p.rec.full_name));
				json_object_set_new(it, "area", json_string(h.rec.area));
				json_array_append(kept, it);
			} else {
				hidden++;
			}
		}
		json_object_set_new(u, "items", kept);
		json_object_set_new(u, "items_hidden", json_integer((json_int_t)hidden));
	}
}

void h_check(struct api_ctx *c)
{
	char unit[16], period[16];
	struct rpt_period p;
	int32_t map;
	if (!api_query(c, "unit", unit, sizeof unit) || !api_query(c, "period", period, sizeof period) ||
	    !rpt_period_parse(period, &p)) {
		api_error(c, 400, "required", "give unit and period (2024, 2024-Q1, 2024-H1, 2024-03)",
			  "period");
		return;
	}
	if (!map_date_arg(c, &map))
		return;
	if (map == DAY_NONE)
		map = p.to;
	json_t *out = NULL;
	bool ok;
	enum ds_rc rc = rpt_check(c->app->engine, c->st, unit, &p, map, &out, &ok);
	if (rc == DS_ENOTFOUND) {
		api_error(c, 404, "no_unit", ds_why_en(W_NO_UNIT), "unit");
		return;
	}
	if (rc) {
		api_error(c, 503, "internal", "the check could not be computed", NULL);
		return;
	}
	redact_items(c, out);
	api_json(c, 200, out);
}

/* ---- the month's slip (P0/CTV) ---- */

static int slip_section(int type)
{
	switch (type) {
	case EV_BIRTH: return 1;
	case EV_NEWBORN_SCREENING: return 2;
	case EV_DEATH: return 3;
	case EV_MOVE_IN: return 4;
	case EV_MOVE_OUT: return 5;
	case EV_TRANSFER: return 5;
	case EV_MARRIAGE:
	case EV_DIVORCE:
	case EV_WIDOWED:
	case EV_INFO_CHANGE: return 6;
	case EV_FP_START: return 7;
	case EV_FP_STOP: return 8;
	case EV_PREGNANCY: return 9;
	case EV_PRENATAL_SCREENING: return 10;
	case EV_ELDERLY_CHECK: return 11;
	default: return 12;
	}
}

void h_slip(struct api_ctx *c)
{
	char area[16], month[8];
	int32_t from;
	if (!api_query(c, "area", area, sizeof area) || !api_query(c, "month", month, sizeof month) ||
	    !day_parse_month(month, strlen(month), &from)) {
		api_error(c, 400, "required", "give area and month (YYYY-MM)", "month");
		return;
	}
	if (!api_in_scope(c, area)) {
		api_error(c, 404, "not_found", strcmp(c->lang, "vi") == 0 ? "Không tìm thấy." : "No such record.",
			  "area");
		return;
	}
	const char *areas[1] = {area};
	int64_t *seqs = NULL;
	size_t n = 0;
	const struct eng_view *v = engine_read(c->app->engine);
	const struct reg_unit *u = reg_units_resolve(eng_units(v), area, from);
	char area_name[REG_TEXT_BYTES];
	snprintf(area_name, sizeof area_name, "%s", u ? u->name : area);
	enum ds_rc rc = engine_events_in(v, areas, 1, from, day_month_end(from), &seqs, &n);
	engine_read_end(v);
	if (rc) {
		api_error(c, 503, "internal", "the slip could not be read", NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		struct store_event e;
		if (store_event_by_seq(c->st, seqs[i], &e) != DS_OK || e.voided_by)
			continue;
		json_t *ev = json_loads(e.body, 0, NULL);
		const char *pid = json_string_value(json_object_get(ev, "person"));
		if (!pid)
			pid = json_string_value(json_object_get(ev, "mother"));
		struct store_person p;
		json_t *row = json_pack("{s:i, s:I, s:o, s:s}", "section", slip_section(e.fact.type), "seq",
					(json_int_t)e.fact.seq, "event", ev ? ev : json_null(),
					"recorded_by", e.recorded_by);
		json_object_set_new(row, "recorded_by_name", api_account_name(c, e.recorded_by));
		if (pid && store_person_get(c->st, pid, 0, &p) == DS_OK) {
			json_object_set_new(row, "name", json_string(p.cur_name));
			api_audit_in(c, "slip", "person", pid, p.cur_area, "ok");
		}
		json_array_append_new(items, row);
	}
	free(seqs);
	api_json(c, 200, json_pack("{s:s, s:s, s:s, s:o}", "area", area, "area_name", area_name,
				   "month", month, "items", items));
}

/* ---- dashboard ---- */

static double cube_pop(const struct eng_stock *s, int sex, int a0, int a1)
{
	double n = 0;
	for (int x = sex ? sex - 1 : 0; x <= (sex ? sex - 1 : 1); x++)
		for (int a = a0; a <= a1 && a < ENG_AGES; a++)
			for (int m = 0; m < 5; m++)
				n += s->pop[x][a][m];
	return n;
}

static json_t *row_value(const struct rpt_table *t, const char *code)
{
	for (size_t r = 0; r < t->form->nrows; r++)
		if (strcmp(t->form->rows[r].code, code) == 0) {
			double v = rpt_at(t, t->val, r, t->ncols - 1);
			double tg = rpt_at(t, t->target, r, t->ncols - 1);
			json_t *o = json_pack("{s:o}", "value", isnan(v) ? json_null() : json_real(v));
			if (!isnan(tg)) {
				/* Progress by the indicator's direction: a ceiling is kept or passed, never "% reached". */
				const struct tg_indicator *ind = tg_indicator(t->form->rows[r].target);
				int32_t day = t->period.to < day_today() ? t->period.to : day_today();
				enum tg_direction dir = ind ? ind->direction : TG_REACH;
				json_object_set_new(o, "target", json_real(tg));
				json_object_set_new(o, "direction", json_string(tg_direction_name(dir)));
				json_object_set_new(o, "progress", json_string(tg_progress_name(
									   tg_progress_at(dir, ind && ind->accumulates, v, tg, day))));
			}
			return o;
		}
	return json_null();
}

void h_dashboard(struct api_ctx *c)
{
	char unit[16], ybuf[8];
	int year;
	int32_t today = day_today();
	int ty, tm, td;
	day_to_ymd(today, &ty, &tm, &td);
	if (!api_query(c, "unit", unit, sizeof unit))
		snprintf(unit, sizeof unit, "%s", c->user.unit);
	if (!api_query(c, "year", ybuf, sizeof ybuf) || reg_parse_small(ybuf, strlen(ybuf), 1900, 2200, &year))
		year = ty;
	int last_month = year < ty ? 12 : tm;
	char period[8];
	snprintf(period, sizeof period, "%04d", year);
	struct rpt_request rq = {.form = "CHI-BAO", .unit = unit, .period = period,
				 .map_date = DAY_NONE, .layout = LAYOUT_SINGLE};
	struct rpt_table t;
	struct ds_problem pb = {0};
	if (rpt_run(c->app->engine, &c->app->defs, &rq, book_target, c->app->book, &t, &pb)) {
		api_error(c, 404, "no_unit", ds_why_en(W_NO_UNIT), "unit");
		return;
	}
	json_t *head = json_object();
	static const char *const keys[] = {"2", "5", "SRB", "P3", "MCPR", "PNS", "NBS", "ELC", "6", "7", "8"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		json_object_set_new(head, keys[i], row_value(&t, keys[i]));
	/* Monthly flows and the pyramid at the latest month's end, in one engine
	 * pass each, all in one view. */
	const char *units[1] = {unit};
	const struct eng_view *v = engine_read(c->app->engine);
	json_t *months = json_array();
	struct eng_result res;
	for (int m = 1; m <= last_month; m++) {
		struct eng_query q = {.map_date = day_today(), .ncols = 1, .units = units, .nflow = 1};
		q.flow_from[0] = day_from_ymd(year, m, 1);
		q.flow_to[0] = day_month_end(q.flow_from[0]);
		if (engine_query(v, &q, &res))
			break;
		const struct eng_flow *f = res.flow[0];
		double births = 0, deaths = 0, in = 0, out = 0;
		for (size_t k = 0; k < sizeof f->birth / sizeof(int32_t); k++)
			births += ((const int32_t *)f->birth)[k];
		for (int s = 0; s < 2; s++)
			for (int a = 0; a < ENG_AGES; a++) {
				deaths += f->death[s][a];
				in += f->in[s][a];
				out += f->out[s][a];
			}
		json_array_append_new(months, json_pack("{s:i, s:f, s:f, s:f, s:f}", "month", m, "births",
							births, "deaths", deaths, "in", in, "out", out));
		eng_result_free(&res);
	}
	json_t *pyramid = json_array();
	struct eng_query q = {.map_date = day_today(), .ncols = 1, .units = units, .nstock = 1};
	q.stock_date[0] = year < ty ? day_from_ymd(year, 12, 31) : today;
	if (engine_query(v, &q, &res) == DS_OK) {
		for (int a = 0; a <= 100; a += 5) {
			char label[32];
			int hi = a == 100 ? 100 : a + 4;
			if (a == 100)
				snprintf(label, sizeof label, "100+");
			else
				snprintf(label, sizeof label, "%d-%d", a, hi);
			json_array_append_new(pyramid,
					      json_pack("{s:s, s:f, s:f}", "age", label, "male",
							cube_pop(res.stock[0], 1, a, hi), "female",
							cube_pop(res.stock[0], 2, a, hi)));
		}
		eng_result_free(&res);
	}
	/* Areas under the unit without any event this month: not updated. */
	json_t *quiet = json_array(), *quiet_named = json_array();
	char **areas = NULL;
	size_t na = 0;
	if (year == ty &&
	    engine_units_under(v, unit, LVL_AREA, today, &areas, &na) == DS_OK) {
		for (size_t i = 0; i < na; i++) {
			int64_t *seqs = NULL;
			size_t n = 0;
			const char *one[1] = {areas[i]};
			if (json_array_size(quiet) < 200 &&
			    engine_events_in(v, one, 1, day_month_start(today), today, &seqs, &n) ==
				    DS_OK &&
			    n == 0) {
				json_array_append_new(quiet, json_string(areas[i]));
				/* with its name and its village's, for a list that reads */
				const struct reg_unit *a = reg_units_resolve(eng_units(v), areas[i], today);
				const struct reg_unit *vil =
					a ? reg_units_resolve(eng_units(v), a->parent, today) : NULL;
				json_array_append_new(quiet_named,
						      json_pack("{s:s, s:s, s:s}", "code", areas[i], "name",
								a ? a->name : areas[i], "village",
								vil ? vil->name : ""));
			}
			free(seqs);
			free(areas[i]);
		}
		free(areas);
	}
	engine_read_end(v);
	api_json(c, 200,
		 json_pack("{s:s, s:s, s:i, s:o, s:o, s:o, s:o, s:o, s:i}", "unit", unit, "unit_name",
			   t.unit_name, "year", year, "headline", head, "months", months, "pyramid", pyramid,
			   "not_updated", quiet, "not_updated_units", quiet_named, "areas", (int)na));
	rpt_table_free(&t);
}

/* ---- targets ---- */

/* A request's targets, as records on their way to the writer. */
struct targets_write {
	size_t n;
	struct rec *recs;
	struct rec_result refused; /* the first refusal, if any */
	size_t refused_at;
};

static void targets_free(struct targets_write *t)
{
	for (size_t i = 0; i < t->n; i++)
		rec_free(&t->recs[i]);
	free(t->recs);
	free(t);
}

/* The writer's part: all of them or none (a savepoint of its own, so that
 * a refusal leaves the other requests of the group alone). */
static enum ds_rc record_targets(struct api_app *app, struct store *st, const struct api_user *user,
				 void *arg)
{
	struct targets_write *t = arg;
	enum ds_rc rc = store_savepoint(st);
	for (size_t i = 0; i < t->n && !rc; i++) {
		struct rec_result res;
		rc = rec_record(st, &app->ledger.units, &t->recs[i], user->login, &res);
		if (!rc && res.outcome == REC_REFUSED) {
			t->refused = res;
			t->refused_at = i;
			return store_rollback_to(st);
		}
	}
	return rc ? rc : store_release(st);
}

static void targets_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct targets_write *t = arg;
	if (rc)
		api_error(c, 503, "store", "the targets could not be saved", NULL);
	else if (t->refused.outcome == REC_REFUSED)
		api_error(c, 404, "not_found", "no such unit in your area", "unit");
	else
		api_json(c, 200, json_pack("{s:I}", "saved", (json_int_t)t->n));
	targets_free(t);
}

/* The rows as records, each checked and in the caller's scope; answers and
 * returns false at the first that is not. */
static bool targets_parse(struct api_ctx *c, json_t *rows, struct targets_write *t)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		const char *unit = json_string_value(json_object_get(r, "unit"));
		const char *key = json_string_value(json_object_get(r, "indicator"));
		json_int_t year = json_integer_value(json_object_get(r, "year"));
		json_t *v = json_object_get(r, "target");
		struct ds_problem pb;
		if (!unit || !key || year < 1900 || year > 2200 || !json_is_number(v) ||
		    rec_target_new(&t->recs[t->n++], unit, (int)year, key, json_number_value(v), &pb)) {
			char field[32];
			snprintf(field, sizeof field, "targets[%zu]", i);
			api_error(c, 422, "bad_target", "each target needs unit, year, indicator and a number",
				  field);
			return false;
		}
		if (!api_user_covers(c->app, &c->user, unit)) {
			api_error(c, 404, "not_found", "no such unit in your area", "unit");
			return false;
		}
	}
	return true;
}

void h_targets(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	json_t *rows = json_is_array(b) ? b : json_object_get(b, "targets");
	if (!json_is_array(rows) || json_array_size(rows) > 10000) {
		api_error(c, 400, "required", "give an array of {unit, year, indicator, target}", "targets");
		json_decref(b);
		return;
	}
	struct targets_write *t = calloc(1, sizeof *t);
	if (t && !(t->recs = calloc(json_array_size(rows) + 1, sizeof *t->recs))) {
		free(t);
		t = NULL;
	}
	if (!t)
		api_error(c, 503, "memory", "out of memory", NULL);
	else if (!targets_parse(c, rows, t))
		targets_free(t);
	else if (!api_write(c, record_targets, targets_done, t)) {
		targets_free(t);
		api_error(c, 503, "stopping", "the server is stopping; try again", NULL);
	}
	json_decref(b);
}

/* ---- units, codes, forms ---- */

static json_t *unit_tree(const struct reg_units *units, const char *code, int32_t day, int depth)
{
	const struct reg_unit *u = reg_units_resolve(units, code, day);
	if (!u)
		return NULL;
	json_t *o = json_pack("{s:s, s:s, s:s}", "code", u->code, "name", u->name, "level",
			      reg_level_name(u->level));
	if (depth <= 0 || u->level == LVL_AREA)
		return o;
	json_t *kids = json_array();
	for (size_t i = 0; i < units->n; i++) {
		const struct reg_unit *k = &units->rows[i];
		if (k->level != u->level + 1 && !(u->level == LVL_PROVINCE && k->level == LVL_COMMUNE))
			continue;
		if (i && strcmp(units->rows[i - 1].code, k->code) == 0)
			continue;
		const struct reg_unit *now = reg_units_at(units, k->code, day);
		if (!now || strcmp(now->parent, u->code) != 0)
			continue;
		json_t *child = unit_tree(units, k->code, day, depth - 1);
		if (child)
			json_array_append_new(kids, child);
	}
	json_object_set_new(o, "children", kids);
	return o;
}

void h_units(struct api_ctx *c)
{
	char date[16], root[16], lv[4];
	int32_t day = day_today();
	if (api_query(c, "date", date, sizeof date) && !day_parse(date, strlen(date), &day)) {
		api_error(c, 400, "bad_date", ds_why_en(W_BAD_DATE), "date");
		return;
	}
	int depth = 2;
	if (api_query(c, "levels", lv, sizeof lv))
		reg_parse_small(lv, strlen(lv), 0, 5, &depth);
	json_t *roots = json_array();
	const struct eng_view *v = engine_read(c->app->engine);
	const struct reg_units *units = eng_units(v);
	if (api_query(c, "root", root, sizeof root) || c->user.unit[0]) {
		if (!api_query(c, "root", root, sizeof root))
			snprintf(root, sizeof root, "%s", c->user.unit);
		json_t *t = unit_tree(units, root, day, depth);
		if (t)
			json_array_append_new(roots, t);
	} else {
		for (size_t i = 0; i < units->n; i++) {
			const struct reg_unit *u = &units->rows[i];
			if (u->level == LVL_PROVINCE && (i == 0 || strcmp(units->rows[i - 1].code, u->code)) &&
			    reg_units_at(units, u->code, day)) {
				json_t *t = unit_tree(units, u->code, day, depth);
				if (t)
					json_array_append_new(roots, t);
			}
		}
	}
	engine_read_end(v);
	char iso[11];
	day_format(day, iso);
	api_json(c, 200, json_pack("{s:s, s:o}", "date", iso, "units", roots));
}

json_t *api_codes_json(void)
{
	json_t *o = json_object();
	for (const struct reg_codelist *const *l = reg_codes_all(); *l; l++) {
		json_t *arr = json_array();
		for (size_t i = 0; i < (*l)->n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "value", (*l)->codes[i].value,
							     "vi", (*l)->codes[i].vi, "en", (*l)->codes[i].en));
		json_object_set_new(o, (*l)->name, arr);
	}
	json_t *eth = json_array();
	size_t len;
	const unsigned char *csv = asset_get("data/ethnicity.csv", &len);
	if (csv) {
		const char *p = strchr((const char *)csv, '\n');
		while (p && *++p) {
			const char *nl = strchr(p, '\n');
			const char *comma = memchr(p, ',', nl ? (size_t)(nl - p) : strlen(p));
			if (!comma)
				break;
			json_array_append_new(eth, json_pack("{s:s%, s:s%}", "value", p, (size_t)(comma - p),
							     "vi", comma + 1,
							     nl ? (size_t)(nl - comma - 1) : strlen(comma + 1)));
			p = nl;
		}
	}
	json_object_set_new(o, "ethnicity", eth);
	return o;
}

void h_codes(struct api_ctx *c)
{
	api_json(c, 200, api_codes_json());
}

void h_forms(struct api_ctx *c)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < c->app->defs.n; i++) {
		const struct rpt_form *f = &c->app->defs.forms[i];
		json_t *rows = json_array();
		for (size_t r = 0; r < f->nrows; r++)
			json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:b}", "code", f->rows[r].code,
							      "label_vi", f->rows[r].label_vi, "label_en",
							      f->rows[r].label_en, "sex", f->rows[r].sex));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "code", f->code,
						     "title_vi", f->title_vi, "title_en", f->title_en,
						     "period", f->period, "targets", f->targets, "rows",
						     rows));
	}
	/* The forms change only with the program: the page asks again with the
	 * ETag and is answered 304 without the 38 KB. */
	char *text = json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
	uint64_t hash = 14695981039346656037ull; /* FNV-1a */
	for (const char *p = text ? text : ""; *p; p++)
		hash = (hash ^ (unsigned char)*p) * 1099511628211ull;
	free(text);
	char etag[24];
	snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)hash);
	http_add_header(c->rs, "ETag", etag);
	c->rs->cache_control = "private, no-cache";
	const char *asked = http_header(c->rq, "If-None-Match");
	if (asked && strstr(asked, etag)) {
		json_decref(arr);
		c->rs->status = 304;
		return;
	}
	api_json(c, 200, arr);
}
