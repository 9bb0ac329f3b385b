/*
 * The programmes' work lists (GET /api/v1/worklists/{list}): the persons to
 * visit in a unit on a day (workflow/worklist.h).  A list names persons, so
 * the unit must lie in the caller's scope: a collaborator asks for their
 * area, a commune officer for their commune or one of its areas.  A unit
 * outside reads exactly as one that does not exist (404 not_found).  Every
 * person listed is audited before the answer.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "workflow/worklist.h"

static enum ds_rc write_xlsx(const char *path, void *arg)
{
	json_t *l = arg;
	return wl_xlsx(l, json_string_value(json_object_get(l, "lang")), path);
}

static void answer_file(struct api_ctx *c, json_t *l, const char *fmt, const char *lang)
{
	/* "elderly_Phường Sài Gòn_2026-11-22.csv": the list, the unit and the day */
	char name[REG_TEXT_BYTES + 64];
	const char *uname = json_string_value(json_object_get(l, "unit_name"));
	api_file_name(name, sizeof name, json_string_value(json_object_get(l, "list")),
		      uname && uname[0] ? uname : json_string_value(json_object_get(l, "unit")),
		      json_string_value(json_object_get(l, "date")), fmt);
	if (strcmp(fmt, "csv") == 0) {
		c->rs->status = 200;
		c->rs->content_type = "text/csv; charset=utf-8";
		buf_puts(&c->rs->body, "\xEF\xBB\xBF"); /* Excel reads UTF-8 with a BOM */
		wl_csv(l, lang, &c->rs->body);
		api_attachment(c, name);
		return;
	}
	json_object_set_new(l, "lang", json_string(lang));
	api_answer_xlsx(c, write_xlsx, l, name);
}

static bool read_params(struct api_ctx *c, char *unit, size_t unitsz, char *date, char *from,
			char *fmt, char *lang, int *months)
{
	char m[8] = "";
	bool vi = strcmp(c->lang, "vi") == 0;
	if (!api_query(c, "unit", unit, unitsz))
		snprintf(unit, unitsz, "%s", c->user.unit);
	if (!unit[0]) {
		api_error(c, 400, "required", vi ? "Cần có đơn vị." : "give unit", "unit");
		return false;
	}
	api_query(c, "date", date, 16);
	api_query(c, "from", from, 16);
	api_query(c, "format", fmt, 8);
	if (!api_query(c, "lang", lang, 4))
		snprintf(lang, 4, "%s", c->lang);
	if (strcmp(fmt, "json") && strcmp(fmt, "csv") && strcmp(fmt, "xlsx")) {
		api_error(c, 400, "bad_code", vi ? "Định dạng là json, csv hoặc xlsx." : "format is json, csv or xlsx",
			  "format");
		return false;
	}
	if (api_query(c, "months", m, sizeof m)) {
		char *end;
		long v = strtol(m, &end, 10);
		*months = *end || v < 1 || v > 12 ? 99 : (int)v; /* wl_run names the field */
	}
	return true;
}

void api_keep_scoped_items(struct api_ctx *c, json_t *l)
{
	/* The unit is in scope today; under the map of an earlier day an area
	 * may have lain elsewhere: such a person is left out. */
	json_t *kept = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(l, "items"), i, it)
	{
		const char *area = json_string_value(json_object_get(it, "area"));
		if (!api_in_scope(c, area))
			continue;
		api_audit_in(c, "worklist", "person", json_string_value(json_object_get(it, "person_id")), area,
			     "ok");
		json_array_append(kept, it);
	}
	json_object_set_new(l, "count", json_integer((json_int_t)json_array_size(kept)));
	json_object_set_new(l, "items", kept);
}

void h_worklist(struct api_ctx *c)
{
	char unit[16] = "", date[16] = "", from[16] = "", fmt[8] = "json", lang[4] = "";
	int months = 0;
	if (!read_params(c, unit, sizeof unit, date, from, fmt, lang, &months))
		return;
	if (!api_in_scope(c, unit)) {
		api_not_found(c, "unit");
		return;
	}
	char counts[4] = "";
	/* counts=1: how many are on the list, by area, and nobody named (nothing to audit). */
	bool only = api_query(c, "counts", counts, sizeof counts) && strcmp(counts, "1") == 0 && !strcmp(fmt, "json");
	struct wl_request rq = {.list = c->params[0], .unit = unit, .date = date, .from = from,
				.months = months, .counts_only = only};
	json_t *l = NULL;
	struct ds_problem pb = {0};
	enum ds_rc rc = wl_run(c->app->engine, c->st, &rq, &l, &pb, NULL);
	if (rc == DS_ENOTFOUND) {
		api_not_found(c, "unit");
		return;
	}
	if (rc && pb.field[0]) {
		bool vi = strcmp(c->lang, "vi") == 0;
		api_error(c, strcmp(pb.field, "list") == 0 ? 404 : 400, ds_why_code(pb.why),
			  vi ? ds_why_vi(pb.why) : ds_why_en(pb.why), pb.field);
		return;
	}
	if (rc) {
		api_error(c, 503, "internal", "the work list could not be computed", NULL);
		return;
	}
	if (only) {
		api_json(c, 200, l);
		return;
	}
	api_keep_scoped_items(c, l);
	if (strcmp(fmt, "json") == 0) {
		api_json(c, 200, l);
		return;
	}
	answer_file(c, l, fmt, lang);
	json_decref(l);
}
