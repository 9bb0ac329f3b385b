/*
 * The data quality report (GET /api/v1/quality): any logged-in user may
 * ask for any unit from the commune up, as for reports.  What names a
 * person is shown only when the person's area lies in the caller's scope,
 * and then audited; of the others only the counts are told.  Outside the
 * caller's scope a finding whose figures hold a count of 1 to 4 is left
 * out too, as reports leave such cells empty.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "quality/quality.h"

#define SMALL_CELL 5

static bool small(const json_t *v)
{
	double x = json_number_value(v);
	return json_is_number(v) && x > 0 && x < SMALL_CELL;
}

/* Whether a finding's own figures (its series too) hold a small count. */
static bool has_small(const json_t *f)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(f, "series"), i, m)
		if (small(json_object_get(m, "value")))
			return true;
	return small(json_object_get(json_object_get(f, "left"), "value")) ||
	       small(json_object_get(json_object_get(f, "right"), "value")) ||
	       small(json_object_get(f, "value")) || small(json_object_get(f, "count")) ||
	       small(json_object_get(f, "difference")) || small(json_object_get(f, "min")) ||
	       small(json_object_get(f, "max")) || small(json_object_get(f, "median"));
}

/* Keeps what the caller may see; returns how many findings were left out. */
static size_t redact(struct api_ctx *c, json_t *out)
{
	json_t *kept = json_array();
	size_t i, hidden = 0;
	json_t *f;
	bool national = c->user.role == ROLE_NATIONAL;
	json_array_foreach(json_object_get(out, "findings"), i, f)
	{
		const char *area = json_string_value(json_object_get(f, "area"));
		const char *unit = json_string_value(json_object_get(json_object_get(f, "unit"), "code"));
		const char *where = area && area[0] ? area : unit;
		const json_t *person = json_object_get(f, "person");
		bool in = where && api_in_scope(c, where);
		if (person) {
			if (!in) {
				hidden++;
				continue;
			}
			api_audit_in(c, "quality", "person",
				     json_string_value(json_object_get(person, "id")), area, "ok");
		} else if (!in && !national && has_small(f)) {
			hidden++;
			continue;
		}
		json_array_append(kept, f);
	}
	json_object_set_new(out, "findings", kept);
	json_object_set_new(out, "hidden", json_integer((json_int_t)hidden));
	return hidden;
}

static enum ds_rc write_xlsx(const char *path, void *arg)
{
	return q_xlsx(arg, path);
}

static void answer_file(struct api_ctx *c, json_t *out, const char *fmt)
{
	/* Named by unit and period, as the reports are: "chat-luong_Phường Đa Kao_2025-Q4.xlsx". */
	const json_t *u = json_object_get(out, "unit"), *p = json_object_get(out, "period");
	const char *uname = json_string_value(json_object_get(u, "name"));
	const char *pcode = json_string_value(json_object_get(p, "code"));
	char name[300];
	snprintf(name, sizeof name, "chat-luong_%s_%s.%s", uname ? uname : "", pcode ? pcode : "", fmt);
	if (strcmp(fmt, "csv") == 0) {
		c->rs->status = 200;
		c->rs->content_type = "text/csv; charset=utf-8";
		buf_puts(&c->rs->body, "\xEF\xBB\xBF"); /* Excel reads UTF-8 with a BOM */
		q_csv(out, &c->rs->body);
		api_attachment(c, name);
		return;
	}
	api_answer_xlsx(c, write_xlsx, out, name);
}

void h_quality(struct api_ctx *c)
{
	char unit[16] = "", period[16] = "", fmt[8] = "json", lang[4] = "";
	bool vi = strcmp(c->lang, "vi") == 0;
	if (!api_query(c, "unit", unit, sizeof unit) || !api_query(c, "period", period, sizeof period)) {
		api_error(c, 400, "required", vi ? "Cần có đơn vị và kỳ báo cáo." : "give unit and period",
			  unit[0] ? "period" : "unit");
		return;
	}
	api_query(c, "format", fmt, sizeof fmt);
	if (strcmp(fmt, "json") && strcmp(fmt, "csv") && strcmp(fmt, "xlsx")) {
		api_error(c, 400, "bad_code", vi ? "Định dạng là json, csv hoặc xlsx." : "format is json, csv or xlsx",
			  "format");
		return;
	}
	if (!api_query(c, "lang", lang, sizeof lang))
		snprintf(lang, sizeof lang, "%s", c->lang);
	struct q_request rq = {.unit = unit, .period = period, .lang = lang, .book = c->app->book};
	json_t *out = NULL;
	struct ds_problem pb = {0};
	enum ds_rc rc = q_run(c->app->engine, c->st, &c->app->qdefs, &c->app->defs, &rq, &out, &pb);
	if (rc && pb.field[0]) {
		api_error(c, rc == DS_ENOTFOUND ? 404 : 400, ds_why_code(pb.why),
			  vi ? ds_why_vi(pb.why) : ds_why_en(pb.why), pb.field);
		return;
	}
	if (rc) {
		api_error(c, 503, "internal", "the quality report could not be computed", NULL);
		return;
	}
	/* Below the commune, a unit is for those whose scope covers it. */
	const json_t *u = json_object_get(out, "unit");
	const char *code = json_string_value(json_object_get(u, "code"));
	enum reg_level level = reg_level_parse(json_string_value(json_object_get(u, "level")),
					       strlen(json_string_value(json_object_get(u, "level"))));
	if (level > LVL_COMMUNE && !api_in_scope(c, code)) {
		json_decref(out);
		api_error(c, 404, "no_unit", vi ? ds_why_vi(W_NO_UNIT) : ds_why_en(W_NO_UNIT), "unit");
		return;
	}
	redact(c, out);
	api_audit_in(c, "quality", "report", code, code, "ok");
	if (strcmp(fmt, "json") == 0) {
		api_json(c, 200, out);
		return;
	}
	answer_file(c, out, fmt);
	json_decref(out);
}
