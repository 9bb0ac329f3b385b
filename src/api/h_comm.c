/*
 * Communication sessions and clubs (workflows.md; workflow/comm.h).  A
 * collaborator records the sessions held in their area and lists them; a
 * commune officer records the commune's sessions, its clubs and their
 * meetings; officers read lists and the quarterly summary (JSON, CSV,
 * XLSX) for the units of their scope.  A unit outside the caller's scope
 * reads exactly as one that does not exist.  Nothing here names a person
 * of the register: participants are counts.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/day.h"
#include "workflow/comm.h"

static bool is_vi(struct api_ctx *c)
{
	return strcmp(c->lang, "vi") == 0;
}

/* A refusal (422), naming the member as the request's body has it: the
 * record's "body.topic" is the request's "topic". */
static void refuse(struct api_ctx *c, const struct ds_problem *pb)
{
	const char *field = strncmp(pb->field, "body.", 5) == 0 ? pb->field + 5 : pb->field;
	api_error(c, 422, ds_why_code(pb->why), is_vi(c) ? ds_why_vi(pb->why) : ds_why_en(pb->why), field);
}

/* The unit parameter (the caller's own unit by default), in scope; else answered. */
static bool unit_param(struct api_ctx *c, char *unit, size_t n)
{
	if (!api_query(c, "unit", unit, n) || !unit[0])
		snprintf(unit, n, "%s", c->user.unit);
	if (!unit[0]) {
		api_error(c, 400, "required", api_tr(c, "Cần chọn đơn vị.", "give unit"), "unit");
		return false;
	}
	if (!api_in_scope(c, unit)) {
		api_not_found(c, "unit");
		return false;
	}
	return true;
}

/* The period parameter (required); else answered 400. */
static bool period_param(struct api_ctx *c, struct rpt_period *p)
{
	char s[16];
	if (!api_query(c, "period", s, sizeof s) || !rpt_period_parse(s, p)) {
		api_error(c, 400, ds_why_code(W_BAD_CODE),
			  api_tr(c, "Kỳ báo cáo là tháng (2026-03), quý (2026-Q1), nửa năm (2026-H1) hoặc năm (2026).",
				 "period is a month (2026-03), quarter (2026-Q1), half (2026-H1) or year (2026)"),
			  "period");
		return false;
	}
	return true;
}

static const char *lang_of(struct api_ctx *c, char *lang, size_t n)
{
	if (!api_query(c, "lang", lang, n) || (strcmp(lang, "en") && strcmp(lang, "vi")))
		snprintf(lang, n, "%s", c->lang);
	return lang;
}

void h_comm_sessions(struct api_ctx *c)
{
	char unit[REG_UNIT_CODE_MAX + 2], lang[4];
	struct rpt_period p;
	if (!unit_param(c, unit, sizeof unit) || !period_param(c, &p))
		return;
	const struct eng_view *v = engine_read(c->app->engine);
	json_t *o = wf_comm_sessions(c->app->book, eng_units(v), unit, &p, lang_of(c, lang, sizeof lang));
	engine_read_end(v);
	if (o)
		api_json(c, 200, o);
	else
		api_error(c, 503, "memory", "out of memory", NULL);
}

void h_clubs(struct api_ctx *c)
{
	char unit[REG_UNIT_CODE_MAX + 2], lang[4], d[16];
	int32_t day = day_today();
	if (!unit_param(c, unit, sizeof unit))
		return;
	if (api_query(c, "date", d, sizeof d) && !day_parse(d, strlen(d), &day)) {
		api_error(c, 400, ds_why_code(W_BAD_DATE), is_vi(c) ? ds_why_vi(W_BAD_DATE) : ds_why_en(W_BAD_DATE),
			  "date");
		return;
	}
	const struct eng_view *v = engine_read(c->app->engine);
	json_t *o = wf_comm_clubs(c->app->book, eng_units(v), unit, day, lang_of(c, lang, sizeof lang));
	engine_read_end(v);
	if (o)
		api_json(c, 200, o);
	else
		api_error(c, 503, "memory", "out of memory", NULL);
}

struct sum_file {
	json_t *s;
	const char *lang;
};

static enum ds_rc write_xlsx(const char *path, void *arg)
{
	struct sum_file *f = arg;
	return wf_comm_summary_xlsx(f->s, f->lang, path);
}

void h_comm_summary(struct api_ctx *c)
{
	char unit[REG_UNIT_CODE_MAX + 2], lang[4], fmt[8] = "json";
	struct rpt_period p;
	if (!unit_param(c, unit, sizeof unit) || !period_param(c, &p))
		return;
	api_query(c, "format", fmt, sizeof fmt);
	if (strcmp(fmt, "json") && strcmp(fmt, "csv") && strcmp(fmt, "xlsx")) {
		api_error(c, 400, "bad_code", api_tr(c, "Định dạng là json, csv hoặc xlsx.", "format is json, csv or xlsx"),
			  "format");
		return;
	}
	lang_of(c, lang, sizeof lang);
	const struct eng_view *v = engine_read(c->app->engine);
	json_t *s = wf_comm_summary(c->app->book, eng_units(v), unit, &p, lang);
	engine_read_end(v);
	if (!s) {
		api_error(c, 503, "memory", "out of memory", NULL);
		return;
	}
	char name[REG_TEXT_BYTES + 64];
	api_file_name(name, sizeof name, "truyen-thong", json_string_value(json_object_get(json_object_get(s, "unit"), "name")),
		      p.code, fmt);
	if (strcmp(fmt, "json") == 0) {
		api_json(c, 200, s);
		return;
	}
	if (strcmp(fmt, "csv") == 0) {
		c->rs->status = 200;
		c->rs->content_type = "text/csv; charset=utf-8";
		wf_comm_summary_csv(s, lang, &c->rs->body);
		api_attachment(c, name);
	} else {
		struct sum_file f = {s, lang};
		api_answer_xlsx(c, write_xlsx, &f, name);
	}
	json_decref(s);
}

/* ---- recording ---- */

struct comm_write {
	struct rec rec;
	struct rec_result res;
};

static enum ds_rc record_comm(struct api_app *app, struct store *st, const struct api_user *user, void *arg)
{
	struct comm_write *w = arg;
	return wf_comm_record(st, &app->ledger.units, &w->rec, user->login, &w->res);
}

static void comm_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct comm_write *w = arg;
	if (rc) {
		api_error(c, 503, "store", "the record could not be saved", NULL);
	} else if (w->res.outcome == REC_REFUSED) {
		refuse(c, &w->res.problem);
	} else {
		char id[REG_UUID_TEXT];
		reg_uuid_format(w->rec.id, id);
		api_json(c, w->res.outcome == REC_RECORDED ? 201 : 200,
			 json_pack("{s:s, s:s, s:s, s:I}", "status",
				   w->res.outcome == REC_RECORDED ? "recorded" : "already_present", "id", id, "key",
				   w->rec.key, "seq", (json_int_t)w->res.seq));
	}
	rec_free(&w->rec);
	free(w);
}

/*
 * The body {id?, unit, date, ...} as a record of kind (the other members
 * are its body; club, when given, is put into the body).  Refusals name
 * the member as the body has it.  The unit must lie in the caller's scope,
 * the date not be in the future.
 */
static bool comm_parse(struct api_ctx *c, json_t *in, const char *kind, const char *club, struct rec *r)
{
	const char *unit = json_string_value(json_object_get(in, "unit"));
	const char *date = json_string_value(json_object_get(in, "date"));
	const char *given = json_string_value(json_object_get(in, "id"));
	struct ds_problem pb = {0};
	if (!unit || !date) {
		ds_problem_set(&pb, NULL, 0, !unit ? "unit" : "date", W_REQUIRED);
		refuse(c, &pb);
		return false;
	}
	if (!api_in_scope(c, unit)) {
		api_not_found(c, "unit");
		return false;
	}
	json_t *body = json_deep_copy(in);
	json_object_del(body, "unit");
	json_object_del(body, "date");
	json_object_del(body, "id");
	if (club)
		json_object_set_new(body, "club", json_string(club));
	char id[REG_UUID_TEXT];
	if (given) {
		snprintf(id, sizeof id, "%s", given);
	} else {
		uint8_t raw[16];
		rec_new_id(raw);
		reg_uuid_format(raw, id);
	}
	json_t *env = json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", id, "kind", kind, "unit", unit, "date", date,
				"body", body);
	enum ds_rc rc = env ? rec_parse(env, r, &pb) : DS_ENOMEM;
	json_decref(env);
	if (rc == DS_ENOMEM) {
		api_error(c, 503, "memory", "out of memory", NULL);
		return false;
	}
	if (!rc && r->date > day_today()) {
		ds_problem_set(&pb, NULL, 0, "date", W_DATE_FUTURE);
		rc = DS_EINPUT;
	}
	if (rc) {
		refuse(c, &pb);
		return false;
	}
	return true;
}

static void comm_post(struct api_ctx *c, const char *kind, const char *club)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	struct comm_write *w = calloc(1, sizeof *w);
	if (!w) {
		api_error(c, 503, "memory", "out of memory", NULL);
	} else if (!json_is_object(b)) {
		api_error(c, 422, "json_not_object", ds_why_en(W_JSON_NOT_OBJECT), NULL);
	} else if (comm_parse(c, b, kind, club, &w->rec)) {
		json_decref(b);
		if (api_write(c, record_comm, comm_done, w))
			return;
		api_error(c, 503, "stopping", "the server is stopping; try again", NULL);
		b = NULL;
	}
	if (w)
		rec_free(&w->rec);
	free(w);
	json_decref(b);
}

void h_comm_session_add(struct api_ctx *c)
{
	comm_post(c, "comm_session", NULL);
}

void h_club_add(struct api_ctx *c)
{
	comm_post(c, "club", NULL);
}

void h_club_meeting_add(struct api_ctx *c)
{
	comm_post(c, "club_meeting", c->params[0]);
}
