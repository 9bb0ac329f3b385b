/*
 * Changes of the administrative map (administrators: preview, then apply a
 * crosswalk) and time series of a report row across them (any user, as
 * reports are: small counts outside the caller's scope are left empty).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/day.h"
#include "reform/reform.h"

#define SERIES_SMALL_CELL 5       /* as the reports hide them (h_reports.c) */
#define PREVIEW_MAX_AREAS 2000    /* areas listed in a preview; all are counted */

/* ---- the crosswalk in a request ---- */

/*
 * The request's body is the crosswalk's CSV text itself (a JSON string
 * would be held to the API's 16 KB string cap; the body's cap is the
 * server's, 2 MB by default), and ?name= the file's name for the
 * problems.  Copies both, or answers.
 */
static bool crosswalk_body(struct api_ctx *c, char name[DS_FILE_MAX], char **text, size_t *len)
{
	char n[DS_FILE_MAX] = "";
	api_query(c, "name", n, sizeof n);
	snprintf(name, DS_FILE_MAX, "%s", n[0] && !strchr(n, '/') ? n : "crosswalk.csv");
	if (!c->rq->body || c->rq->body_len == 0) {
		api_error(c, 422, "required",
			  api_tr(c, "cần nội dung tệp đối chiếu (CSV) trong thân yêu cầu", "send the crosswalk's CSV text as the body"),
			  "crosswalk");
		return false;
	}
	*len = c->rq->body_len;
	if (!(*text = malloc(*len + 1))) {
		api_error(c, 503, "memory", "out of memory", NULL);
		return false;
	}
	memcpy(*text, c->rq->body, *len);
	(*text)[*len] = '\0';
	return true;
}

/* 422 with every problem: {"error": {code, message, field}, "problems": [{file, line, field, reason, message}]}. */
static void answer_problems(struct api_ctx *c, const struct xw_problems *pr)
{
	bool vi = strcmp(c->lang, "en") != 0;
	json_t *arr = json_array();
	for (size_t i = 0; i < pr->n; i++) {
		const struct ds_problem *p = &pr->v[i];
		char msg[400];
		ds_problem_format(p, vi ? "vi" : "en", msg, sizeof msg);
		json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:s, s:s}", "file", p->file, "line",
						     (json_int_t)p->line, "field", p->field, "reason",
						     ds_why_code(p->why), "message", msg));
	}
	api_json(c, 422, json_pack("{s:{s:s, s:s, s:s}, s:o, s:b}", "error", "code", "bad_crosswalk", "message",
				   api_tr(c, "tệp đối chiếu có lỗi: chưa áp dụng gì", "the crosswalk has problems: nothing was applied"),
				   "field", "crosswalk", "problems", arr, "more", pr->more));
}

/* Reads and checks a crosswalk against a tree. */
static enum ds_rc plan_text(const char *name, const char *text, size_t len,
			    const struct reg_units *t, struct xw *x, struct xw_plan *p,
			    struct xw_problems *pr)
{
	memset(p, 0, sizeof *p);
	enum ds_rc rc = xw_parse(text, len, name, x, pr);
	return rc ? rc : xw_plan_make(x, t, p, pr);
}

void h_units_preview(struct api_ctx *c)
{
	char name[DS_FILE_MAX], *text = NULL;
	size_t len;
	if (!crosswalk_body(c, name, &text, &len))
		return;
	struct xw x;
	struct xw_plan p;
	struct xw_problems pr = {0};
	const struct eng_view *v = engine_read(c->app->engine);
	enum ds_rc rc = plan_text(name, text, len, eng_units(v), &x, &p, &pr);
	json_t *pv = rc ? NULL : reform_preview(v, eng_units(v), &p, PREVIEW_MAX_AREAS);
	engine_read_end(v);
	if (rc == DS_EINPUT)
		answer_problems(c, &pr);
	else if (rc || !pv)
		api_error(c, 503, "memory", "out of memory", NULL);
	else
		api_json(c, 200, pv);
	xw_plan_free(&p);
	xw_free(&x);
	xw_problems_free(&pr);
	free(text);
}

/* The writer's job: planned again against the tree of this transaction. */
struct apply_job {
	char name[DS_FILE_MAX];
	char map[REG_UNITS_MARK_LEN + 2]; /* the previewed map's mark, "" when not given */
	char *text;
	size_t len;
	struct xw_problems pr;
	struct ds_problem pb;
	int64_t seq;
	size_t nclose, nopen;
	bool refused;
};

/*
 * The writer's job, in a savepoint of its own so that a refusal undoes
 * only this change, not the other requests of the writer's group.  The
 * file is planned again against the tree of this transaction: the map
 * may have changed since the preview.  When the request carries the
 * preview's mark of the map (?map=), a map that is no longer that one is
 * refused (409 unit_changed) rather than changed in a way nobody saw.
 */
static enum ds_rc apply_run(struct api_app *app, struct store *st, const struct api_user *user,
			    void *arg)
{
	struct apply_job *j = arg;
	struct xw x = {0};
	struct xw_plan p = {0};
	struct reg_units now = {0};
	(void)app;
	enum ds_rc rc = store_savepoint(st);
	bool saved = rc == DS_OK;
	if (!rc)
		rc = store_units_tree(st, &now);
	if (!rc && j->map[0]) {
		char mark[REG_UNITS_MARK_LEN + 1];
		reg_units_mark(&now, mark);
		if (strcmp(mark, j->map) != 0) {
			ds_problem_set(&j->pb, j->name, 0, "map", W_UNIT_CHANGED);
			rc = DS_ECONFLICT;
		}
	}
	if (!rc)
		rc = plan_text(j->name, j->text, j->len, &now, &x, &p, &j->pr);
	if (!rc)
		rc = reform_apply(st, &now, &x, &p, user->login, &j->pb, &j->seq);
	j->nclose = p.nclose;
	j->nopen = p.nopen;
	xw_plan_free(&p);
	xw_free(&x);
	reg_units_free(&now);
	if (rc == DS_EINPUT || rc == DS_ECONFLICT) {
		j->refused = true;
		return store_rollback_to(st);
	}
	if (rc) {
		if (saved)
			store_rollback_to(st);
		return rc;
	}
	return store_release(st);
}

static void apply_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct apply_job *j = arg;
	if (j->refused && j->pr.n) {
		answer_problems(c, &j->pr);
	} else if (j->refused) {
		api_problem(c, 409, &j->pb);
	} else if (rc) {
		api_error(c, 503, "store", api_tr(c, "chưa lưu được thay đổi; hãy thử lại", "the change could not be saved"),
			  NULL);
	} else {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)j->seq);
		api_audit_in(c, "units.apply", "unit_change", id, "", "ok");
		api_json(c, 200, json_pack("{s:b, s:I, s:I, s:I}", "applied", 1, "record", (json_int_t)j->seq,
					   "closed", (json_int_t)j->nclose, "opened", (json_int_t)j->nopen));
	}
	xw_problems_free(&j->pr);
	free(j->text);
	free(j);
}

void h_units_apply(struct api_ctx *c)
{
	struct apply_job *j = calloc(1, sizeof *j);
	if (!j) {
		api_error(c, 503, "memory", "out of memory", NULL);
		return;
	}
	if (!crosswalk_body(c, j->name, &j->text, &j->len)) {
		free(j);
		return;
	}
	api_query(c, "map", j->map, sizeof j->map);
	api_write_block(c, apply_run, apply_done, j);
}

/* ---- time series ---- */

static bool month_query(struct api_ctx *c, const char *name, int32_t *out)
{
	char v[16];
	if (!api_query(c, name, v, sizeof v))
		return true;
	if (day_parse_month(v, strlen(v), out))
		return true;
	api_error(c, 400, "bad_month", api_tr(c, "tháng có dạng YYYY-MM", "a month is YYYY-MM"), name);
	return false;
}

/* Counts of 1-4 outside the caller's scope are left empty, as in reports. */
static void suppress(struct api_ctx *c, struct rpt_series *s)
{
	if (s->form->rows[s->row].decimals != 0 || c->user.role == ROLE_NATIONAL ||
	    api_in_scope(c, s->unit))
		return;
	for (size_t i = 0; i < s->n; i++)
		if (s->value[i] > 0 && s->value[i] < SERIES_SMALL_CELL)
			s->value[i] = NAN;
}

/* Below the commune, a series is for those whose scope covers the unit. */
static bool unit_visible(struct api_ctx *c, const char *unit, int32_t map)
{
	const struct eng_view *v = engine_read(c->app->engine);
	const struct reg_unit *u = reg_units_resolve(eng_units(v), unit, map == DAY_NONE ? day_today() : map);
	bool known = u != NULL, low = u && u->level > LVL_COMMUNE;
	engine_read_end(v);
	return known && (!low || api_in_scope(c, unit));
}

void h_series(struct api_ctx *c)
{
	char form[16] = "01-DSX", row[16] = "", unit[16] = "", map[16] = "";
	int32_t map_date = DAY_NONE, from = day_from_ymd(2023, 1, 1), to = day_month_start(day_today());
	api_query(c, "form", form, sizeof form);
	if (!api_query(c, "row", row, sizeof row) || !api_query(c, "unit", unit, sizeof unit)) {
		api_error(c, 400, "required", api_tr(c, "cần dòng và đơn vị", "give row and unit"), row[0] ? "unit" : "row");
		return;
	}
	if (api_query(c, "map_date", map, sizeof map) && !day_parse(map, strlen(map), &map_date)) {
		api_error(c, 400, "bad_date", api_tr(c, "ngày có dạng YYYY-MM-DD", "a date is YYYY-MM-DD"), "map_date");
		return;
	}
	if (!month_query(c, "from", &from) || !month_query(c, "to", &to))
		return;
	if (!unit_visible(c, unit, map_date)) {
		api_error(c, 404, "no_unit", api_tr(c, ds_why_vi(W_NO_UNIT), ds_why_en(W_NO_UNIT)), "unit");
		return;
	}
	struct rpt_series s;
	struct ds_problem pb = {0};
	enum ds_rc rc = rpt_series_run(c->app->engine, &c->app->defs, form, row, unit, map_date, from, to, &s, &pb);
	if (rc && pb.field[0]) {
		api_error(c, rc == DS_ENOTFOUND ? 404 : 400, ds_why_code(pb.why),
			  api_tr(c, ds_why_vi(pb.why), ds_why_en(pb.why)), pb.field);
		return;
	}
	if (rc) {
		api_error(c, 503, "internal", "the series could not be computed", NULL);
		return;
	}
	suppress(c, &s);
	char name[64];
	snprintf(name, sizeof name, "%s-%s-%s", s.form->code, s.form->rows[s.row].code, s.unit);
	api_audit_in(c, "series", "report", name, s.unit, "ok");
	api_json(c, 200, rpt_series_json(&s, c->lang));
	rpt_series_free(&s);
}
