/*
 * The collaborator workforce (workflow/workforce.h) under
 * /api/v1/workforce: collaborators, their areas and trainings recorded by
 * the officers whose scope holds the commune (or the area), through the
 * writer, refused whole with the field at fault; and the workforce of a
 * unit on a day.  Out of scope reads as absent (404 not_found).
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "workflow/workforce.h"

struct wk_write {
	json_t *body; /* the record's members (owned) */
	char unit[REG_UNIT_CODE_MAX + 1];
	const char *kind;
	struct wk_result res;
};

static enum ds_rc wk_run(struct api_app *app, struct store *st, const struct api_user *user, void *arg)
{
	struct wk_write *w = arg;
	return wk_record(st, app->book, &app->ledger.units, w->kind, w->unit, w->body, user->login, &w->res);
}

static void wk_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct wk_write *w = arg;
	if (rc) {
		api_error(c, 503, "store", api_tr(c, "chưa ghi được; hãy thử lại", "it could not be saved; try again"), NULL);
	} else if (w->res.refused) {
		api_audit_in(c, w->kind, w->kind, w->res.key, w->unit, "refused");
		if (w->res.hidden)
			api_not_found(c, w->res.problem.field);
		else
			api_problem(c, 422, &w->res.problem);
	} else {
		api_audit_in(c, w->kind, w->kind, w->res.key, w->unit, "ok");
		api_json(c, 201, json_pack("{s:s, s:s, s:s, s:s}", "status", "recorded", "kind", w->kind, "unit", w->unit,
					   "key", w->res.key));
	}
	json_decref(w->body);
	free(w);
}

/* A record of kind about the body's member `where` (taken out of the body). */
static void wk_queue(struct api_ctx *c, const char *kind, const char *where)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	const char *unit = json_string_value(json_object_get(b, where));
	if (!json_is_object(b) || !unit || !unit[0]) {
		api_error(c, 400, "required", api_tr(c, "Cần có đơn vị.", "give the unit"), where);
		json_decref(b);
		return;
	}
	if (!api_in_scope(c, unit)) {
		api_not_found(c, where);
		json_decref(b);
		return;
	}
	struct wk_write *w = calloc(1, sizeof *w);
	if (w) {
		snprintf(w->unit, sizeof w->unit, "%s", unit);
		json_object_del(b, where);
		w->body = b;
		w->kind = kind;
	}
	if (!w || !api_write(c, wk_run, wk_done, w)) {
		json_decref(b);
		free(w);
		api_error(c, 503, "stopping", api_tr(c, "máy chủ đang dừng; hãy thử lại", "the server is stopping; try again"), NULL);
	}
}

void h_workforce_collaborator(struct api_ctx *c)
{
	wk_queue(c, "collaborator", "unit");
}

void h_workforce_assignment(struct api_ctx *c)
{
	wk_queue(c, "assignment", "area");
}

void h_workforce_training(struct api_ctx *c)
{
	wk_queue(c, "training", "unit");
}

void h_workforce(struct api_ctx *c)
{
	char unit[16], date[16] = "";
	if (!api_query(c, "unit", unit, sizeof unit))
		snprintf(unit, sizeof unit, "%s", c->user.unit);
	if (!unit[0] || !api_in_scope(c, unit)) {
		api_not_found(c, "unit");
		return;
	}
	api_query(c, "date", date, sizeof date);
	json_t *out = NULL;
	struct ds_problem pb = {0};
	enum ds_rc rc = wk_report(c->app->engine, c->st, c->app->book, unit, date, &out, &pb);
	if (rc == DS_ENOTFOUND)
		api_not_found(c, "unit");
	else if (rc && pb.field[0])
		api_error(c, 400, ds_why_code(pb.why), api_tr(c, ds_why_vi(pb.why), ds_why_en(pb.why)), pb.field);
	else if (rc)
		api_error(c, 503, "internal", api_tr(c, "chưa tính được; hãy thử lại", "it could not be computed"), NULL);
	else {
		api_audit_in(c, "workforce", "unit", unit, unit, "ok");
		api_json(c, 200, out);
	}
}
