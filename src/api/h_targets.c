/*
 * Yearly targets as a workflow (workflow/shareout.h): GET /api/v1/targets,
 * the status of a unit's targets for a year (aggregates: any user, any
 * unit, as reports), and POST /api/v1/targets/share, a province or
 * national officer's share-out of a unit's target to its communes, written
 * whole through the writer or refused with the field at fault.  A unit
 * outside the officer's scope is not found.  (POST /api/v1/targets, the
 * rows of a file, is in h_reports.c.)
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/day.h"
#include "workflow/shareout.h"

static int year_of(struct api_ctx *c, bool *ok)
{
	char y[8];
	int year, m, d;
	day_to_ymd(day_today(), &year, &m, &d);
	*ok = true;
	if (api_query(c, "year", y, sizeof y)) {
		char *end;
		long v = strtol(y, &end, 10);
		*ok = !*end && v >= 1900 && v <= 2200;
		year = (int)v;
	}
	return year;
}

static void refused(struct api_ctx *c, enum ds_rc rc, const struct ds_problem *pb)
{
	if (rc == DS_ENOTFOUND)
		api_not_found(c, "unit");
	else if (pb->field[0])
		api_problem(c, 422, pb);
	else
		api_error(c, 503, "internal", api_tr(c, "chưa tính được; hãy thử lại", "it could not be computed"), NULL);
}

void h_target_status(struct api_ctx *c)
{
	char unit[16], date[16] = "";
	bool ok;
	if (!api_query(c, "unit", unit, sizeof unit))
		snprintf(unit, sizeof unit, "%s", c->user.unit);
	int year = year_of(c, &ok);
	if (!ok) {
		api_error(c, 400, "bad_number", api_tr(c, ds_why_vi(W_BAD_NUMBER), ds_why_en(W_BAD_NUMBER)), "year");
		return;
	}
	api_query(c, "date", date, sizeof date);
	json_t *out = NULL;
	struct ds_problem pb = {0};
	enum ds_rc rc = so_status(c->app->engine, c->app->book, &c->app->defs, unit, year, date, c->lang, &out, &pb);
	if (rc) {
		refused(c, rc, &pb);
		return;
	}
	api_json(c, 200, out);
}

struct share_write {
	json_t *plan;
	bool refused;
	struct ds_problem pb;
};

static enum ds_rc share_run(struct api_app *app, struct store *st, const struct api_user *user, void *arg)
{
	struct share_write *w = arg;
	return so_record(st, &app->ledger.units, w->plan, user->login, &w->refused, &w->pb);
}

static void share_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct share_write *w = arg;
	const char *unit = json_string_value(json_object_get(w->plan, "unit"));
	if (rc) {
		api_error(c, 503, "store", api_tr(c, "chưa ghi được; hãy thử lại", "it could not be saved; try again"), NULL);
		json_decref(w->plan);
	} else if (w->refused) {
		api_audit(c, "target_share", "target", unit, "refused");
		api_problem(c, 422, &w->pb);
		json_decref(w->plan);
	} else {
		api_audit(c, "target_share", "target", unit, "ok");
		json_object_set_new(w->plan, "status", json_string("shared"));
		api_json(c, 201, w->plan);
	}
	free(w);
}

void h_target_share(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	const char *unit = json_string_value(json_object_get(b, "unit"));
	json_t *year = json_object_get(b, "year");
	struct so_request rq = {.unit = unit, .year = json_is_integer(year) ? (int)json_integer_value(year) : 0,
				.indicator = json_string_value(json_object_get(b, "indicator")),
				.method = json_string_value(json_object_get(b, "method")),
				.base = json_string_value(json_object_get(b, "base")),
				.shares = json_object_get(b, "shares"), .total = json_object_get(b, "target")};
	json_t *plan = NULL;
	struct ds_problem pb = {0};
	enum ds_rc rc = DS_OK;
	if (unit && !api_in_scope(c, unit))
		api_not_found(c, "unit");
	else if ((rc = so_plan(c->app->engine, c->app->book, &rq, &plan, &pb)))
		refused(c, rc, &pb);
	else if (json_is_true(json_object_get(b, "dry_run"))) {
		json_object_set_new(plan, "status", json_string("planned"));
		api_json(c, 200, plan);
	} else {
		struct share_write *w = calloc(1, sizeof *w);
		if (w)
			w->plan = plan;
		if (!w || !api_write(c, share_run, share_done, w)) {
			json_decref(plan);
			free(w);
			api_error(c, 503, "stopping", api_tr(c, "máy chủ đang dừng; hãy thử lại", "the server is stopping; try again"), NULL);
		}
	}
	json_decref(b);
}
