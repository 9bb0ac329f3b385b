/*
 * The elderly-check programme (workflow/elderly.h) under /api/v1/elderly:
 * sessions scheduled by a commune's officers, invitations and attendance
 * recorded by the commune's officers and collaborators for the persons of
 * their scope, the invitation lists by area, the follow-up list and the
 * coverage against the target.  A session is visible when one of its
 * areas is in the caller's scope; a person when their area is; anything
 * else reads exactly as absent (404 not_found).  The checks run in the
 * writer, so a request is recorded whole or not at all; every person shown
 * or changed is audited.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/day.h"
#include "workflow/elderly.h"

struct el_scope_arg {
	struct api_app *app;
	const struct api_user *user;
};

static bool user_covers(void *arg, const char *unit)
{
	struct el_scope_arg *a = arg;
	return api_user_covers(a->app, a->user, unit);
}

/* The same inside a view (a thread may not take a second one): the view's tree. */
struct el_view_arg {
	const struct reg_units *units;
	const struct api_user *user;
};

static bool view_covers(void *arg, const char *unit)
{
	struct el_view_arg *a = arg;
	if (a->user->role == ROLE_NATIONAL)
		return true;
	if (a->user->role == ROLE_ADMIN || a->user->role == ROLE_NONE || !a->user->unit[0] || !unit || !unit[0])
		return false;
	return reg_units_within(a->units, unit, a->user->unit, day_today());
}

/* A write on its way to the writer. */
struct el_write {
	json_t *body;     /* the request's (owned) */
	char session[REG_ID_MAX * 2]; /* the path's {id} */
	int kind;         /* 0 schedule, 1 invite, 2 attend */
	struct el_result res;
};

static enum ds_rc el_run(struct api_app *app, struct store *st, const struct api_user *user, void *arg)
{
	struct el_write *w = arg;
	struct el_scope_arg sa = {app, user};
	struct el_scope sc = {user_covers, &sa};
	json_t *b = w->body;
	if (w->kind == 0) {
		struct el_schedule_rq rq = {.unit = json_string_value(json_object_get(b, "unit")),
					    .date = json_string_value(json_object_get(b, "date")),
					    .place = json_string_value(json_object_get(b, "place")),
					    .capacity = json_object_get(b, "capacity"),
					    .areas = json_object_get(b, "areas")};
		return el_schedule(st, &app->ledger.units, &rq, &sc, user->login, &w->res);
	}
	if (w->kind == 1)
		return el_invite(st, app->book, &app->ledger.units, w->session, json_object_get(b, "persons"), &sc,
				 user->login, &w->res);
	app->ledger.scope = user_covers;
	app->ledger.scope_arg = &sa;
	enum ds_rc rc = el_attend(&app->ledger, app->book, w->session, json_object_get(b, "persons"), &sc,
				  user->login, &w->res);
	app->ledger.scope = NULL;
	pthread_mutex_lock(&app->mlock);
	app->events_recorded += w->res.added;
	pthread_mutex_unlock(&app->mlock);
	return rc;
}

static const char *const el_actions[] = {"elderly_session", "elderly_invite", "elderly_check"};

static void el_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct el_write *w = arg;
	const char *action = el_actions[w->kind];
	if (rc) {
		api_error(c, 503, "store", api_tr(c, "chưa ghi được; hãy thử lại", "it could not be saved; try again"), NULL);
	} else if (w->res.refused && w->res.hidden) {
		api_audit(c, action, "session", w->session, "refused");
		api_not_found(c, w->res.problem.field);
	} else if (w->res.refused) {
		api_audit(c, action, "session", w->session, "refused");
		api_problem(c, 422, &w->res.problem);
	} else if (w->kind == 0) {
		api_audit(c, action, "session", w->res.id, "ok");
		api_json(c, 201, json_pack("{s:s, s:s}", "status", "scheduled", "id", w->res.id));
	} else {
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(w->body, "persons"), i, p)
		{
			struct store_person sp;
			if (api_scoped_person(c, json_string_value(p), &sp))
				api_audit_in(c, action, "person", sp.rec.id, sp.cur_area, "ok");
		}
		api_json(c, w->res.added ? 201 : 200,
			 json_pack("{s:s, s:s, s:I, s:I}", "status", w->kind == 1 ? "invited" : "checked", "session",
				   w->session, "added", (json_int_t)w->res.added, "already", (json_int_t)w->res.already));
	}
	json_decref(w->body);
	free(w);
}

static void el_queue(struct api_ctx *c, int kind)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	if (!json_is_object(b)) {
		json_decref(b);
		api_error(c, 400, "json_not_object", api_tr(c, "Cần một đối tượng JSON.", "give a JSON object"), NULL);
		return;
	}
	struct el_write *w = calloc(1, sizeof *w);
	if (w) {
		w->body = b;
		w->kind = kind;
		snprintf(w->session, sizeof w->session, "%s", kind ? c->params[0] : "");
	}
	if (!w) {
		json_decref(b);
		api_error(c, 503, "memory", "out of memory", NULL);
	} else if (!api_write(c, el_run, el_done, w)) {
		json_decref(b);
		free(w);
		api_error(c, 503, "stopping", api_tr(c, "máy chủ đang dừng; hãy thử lại", "the server is stopping; try again"), NULL);
	}
}

void h_elderly_schedule(struct api_ctx *c)
{
	el_queue(c, 0);
}

void h_elderly_invite(struct api_ctx *c)
{
	el_queue(c, 1);
}

void h_elderly_attend(struct api_ctx *c)
{
	el_queue(c, 2);
}

/* ---- reads ---- */

/* The unit asked for (default the caller's), in scope; else answered and false. */
static bool scoped_unit(struct api_ctx *c, char *unit, size_t n)
{
	if (!api_query(c, "unit", unit, n))
		snprintf(unit, n, "%s", c->user.unit);
	if (!unit[0]) {
		api_error(c, 400, "required", api_tr(c, "Cần có đơn vị.", "give unit"), "unit");
		return false;
	}
	if (!api_in_scope(c, unit)) {
		api_not_found(c, "unit");
		return false;
	}
	return true;
}

static void answer_problem(struct api_ctx *c, enum ds_rc rc, const struct ds_problem *pb)
{
	if (rc == DS_ENOTFOUND)
		api_not_found(c, "unit");
	else if (pb->field[0])
		api_error(c, 400, ds_why_code(pb->why), api_tr(c, ds_why_vi(pb->why), ds_why_en(pb->why)), pb->field);
	else
		api_error(c, 503, "internal", api_tr(c, "chưa tính được; hãy thử lại", "it could not be computed"), NULL);
}

void h_elderly_sessions(struct api_ctx *c)
{
	char unit[16], year[8];
	if (!scoped_unit(c, unit, sizeof unit))
		return;
	int y, m, d;
	day_to_ymd(day_today(), &y, &m, &d);
	if (api_query(c, "year", year, sizeof year)) {
		char *end;
		long v = strtol(year, &end, 10);
		if (*end || v < 1900 || v > 2200) {
			api_error(c, 400, "bad_number", api_tr(c, ds_why_vi(W_BAD_NUMBER), ds_why_en(W_BAD_NUMBER)), "year");
			return;
		}
		y = (int)v;
	}
	json_t *out = NULL;
	const struct eng_view *v = engine_read(c->app->engine);
	struct el_view_arg va = {eng_units(v), &c->user};
	struct el_scope sc = {view_covers, &va};
	enum ds_rc rc = el_sessions(c->app->book, c->st, eng_units(v), unit, y, &sc, &out);
	engine_read_end(v);
	if (rc) {
		json_decref(out);
		api_error(c, 503, "internal", "the sessions could not be read", NULL);
		return;
	}
	api_json(c, 200, out);
}

void h_elderly_lists(struct api_ctx *c)
{
	char fmt[8] = "json", lang[4] = "";
	api_query(c, "format", fmt, sizeof fmt);
	if (!api_query(c, "lang", lang, sizeof lang))
		snprintf(lang, sizeof lang, "%s", c->lang);
	if (strcmp(fmt, "json") && strcmp(fmt, "csv")) {
		api_error(c, 400, "bad_code", api_tr(c, "Định dạng là json hoặc csv.", "format is json or csv"), "format");
		return;
	}
	json_t *out = NULL;
	const struct eng_view *v = engine_read(c->app->engine);
	struct el_view_arg va = {eng_units(v), &c->user};
	struct el_scope sc = {view_covers, &va};
	enum ds_rc rc = el_session_lists(c->app->book, c->st, eng_units(v), c->params[0], &sc, &out);
	engine_read_end(v);
	if (rc == DS_ENOTFOUND) {
		api_not_found(c, "session");
		return;
	}
	if (rc) {
		api_error(c, 503, "internal", "the lists could not be read", NULL);
		return;
	}
	size_t i, j;
	json_t *a, *p;
	json_array_foreach(json_object_get(out, "areas"), i, a)
		json_array_foreach(json_object_get(a, "persons"), j, p)
			api_audit_in(c, "elderly_list", "person", json_string_value(json_object_get(p, "person_id")),
				     json_string_value(json_object_get(a, "area")), "ok");
	if (strcmp(fmt, "json") == 0) {
		api_json(c, 200, out);
		return;
	}
	c->rs->status = 200;
	c->rs->content_type = "text/csv; charset=utf-8";
	buf_puts(&c->rs->body, "\xEF\xBB\xBF");
	el_lists_csv(out, lang, &c->rs->body);
	http_add_header(c->rs, "Content-Disposition", "attachment; filename=\"giay-moi-kham.csv\"");
	json_decref(out);
}

/* A unit's answer on a day: follow-up (true) or coverage. */
static void unit_day(struct api_ctx *c, bool followup)
{
	char unit[16], date[16] = "";
	if (!scoped_unit(c, unit, sizeof unit))
		return;
	api_query(c, "date", date, sizeof date);
	json_t *out = NULL;
	struct ds_problem pb = {0};
	enum ds_rc rc = followup ? el_followup(c->app->engine, c->st, c->app->book, unit, date, &out, &pb)
				 : el_coverage(c->app->engine, c->app->book, unit, date, &out, &pb);
	if (rc) {
		answer_problem(c, rc, &pb);
		return;
	}
	if (followup)
		api_keep_scoped_items(c, out);
	api_json(c, 200, out);
}

void h_elderly_followup(struct api_ctx *c)
{
	unit_day(c, true);
}

void h_elderly_coverage(struct api_ctx *c)
{
	unit_day(c, false);
}
