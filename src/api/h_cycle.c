/*
 * The monthly cycle over HTTP: the commune's review of the month, queries
 * to collaborators and their answers, submission, approval and return,
 * the state and history of a report with its revision, the province's
 * roll-up, timeliness, and the DHIS2 export.  The rules are the workflow
 * module's (workflow/cycle.h); every write goes through the one writer,
 * with the stored state checked again in its transaction.  Out of scope
 * answers 404, as for what does not exist; every action and every read of
 * a person is audited.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "base/day.h"
#include "records/records.h"
#include "store/records.h"
#include "workflow/cycle.h"
#include "workflow/dhis2.h"
#include "workflow/timely.h"

/* ---- helpers ---- */

/* Each entry of a history with "by_name" beside "by". */
static json_t *named_history(struct api_ctx *c, json_t *hist)
{
	size_t i;
	json_t *x;
	json_array_foreach(hist, i, x)
		api_add_by_name(c, x);
	return hist;
}

static void refuse(struct api_ctx *c, const char *field, enum ds_why w)
{
	struct ds_problem pb = {0};
	ds_problem_set(&pb, NULL, 0, field, w);
	enum ds_rc rc = wf_why_rc(w);
	if (rc == DS_ENOTFOUND)
		api_not_found(c, field);
	else
		api_problem(c, ds_rc_http(rc), &pb);
}

static struct wf_actor actor(struct api_ctx *c)
{
	return (struct wf_actor){c->user.role, c->user.login, c->user.unit};
}

/* A string member of the body, or NULL. */
static const char *str(json_t *b, const char *k)
{
	return json_string_value(json_object_get(b, k));
}

/* The form, unit and period of a request (query or body); answers 400 and false when missing. */
static bool fup(struct api_ctx *c, json_t *body, char form[16], char unit[16], struct rpt_period *p)
{
	char period[16] = "";
	form[0] = unit[0] = '\0';
	if (body) {
		snprintf(form, 16, "%s", str(body, "form") ? str(body, "form") : "");
		snprintf(unit, 16, "%s", str(body, "unit") ? str(body, "unit") : "");
		snprintf(period, sizeof period, "%s", str(body, "period") ? str(body, "period") : "");
	} else {
		api_query(c, "form", form, 16);
		api_query(c, "unit", unit, 16);
		api_query(c, "period", period, sizeof period);
	}
	if (!unit[0] || !rpt_period_parse(period, p)) {
		api_error(c, 400, "required",
			  api_tr(c, "hãy chọn đơn vị và kỳ báo cáo (2025, 2025-Q1 hoặc 2025-03)",
			     "give unit and period (2025, 2025-Q1 or 2025-03)"),
			  unit[0] ? "period" : "unit");
		return false;
	}
	if (!form[0] && wf_default_form(p->kind))
		snprintf(form, 16, "%s", wf_default_form(p->kind));
	return true;
}

/* True when the unit lies in the caller's scope on the period's map; else answers 404. */
static bool scoped_unit(struct api_ctx *c, const char *unit, int32_t map_day)
{
	const struct eng_view *v = engine_read(c->app->engine);
	struct wf_actor a = actor(c);
	bool in = reg_units_resolve(eng_units(v), unit, map_day) && wf_in_scope(eng_units(v), &a, unit, map_day);
	engine_read_end(v);
	if (!in)
		api_not_found(c, "unit");
	return in;
}

static void what_of(char out[64], const char *form, const char *unit, const char *period)
{
	snprintf(out, 64, "%s-%s-%s", form, unit, period);
}

/* ---- writes: a cycle record through the writer ---- */

struct cyc_write {
	struct rec r;
	bool cycle; /* a submission or decision: checked against the stored state */
	struct rec_result res;
	char what[64];
	char action[24];
	char object[16];
};

static enum ds_rc cyc_run(struct api_app *app, struct store *st, const struct api_user *user, void *arg)
{
	struct cyc_write *w = arg;
	return w->cycle ? wf_record(st, &app->ledger.units, &w->r, user->login, &w->res)
			: rec_record(st, &app->ledger.units, &w->r, user->login, &w->res);
}

static void cyc_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct cyc_write *w = arg;
	if (rc) {
		api_error(c, 503, "store", api_tr(c, "chưa ghi được; hãy thử lại", "it could not be saved; try again"), NULL);
	} else if (w->res.outcome == REC_REFUSED) {
		api_audit(c, w->action, w->object, w->what, "refused");
		refuse(c, w->res.problem.field, w->res.problem.why);
	} else {
		api_audit(c, w->action, w->object, w->what, "ok");
		char id[REG_UUID_TEXT];
		reg_uuid_format(w->r.id, id);
		api_json(c, w->res.outcome == REC_RECORDED ? 201 : 200,
			 json_pack("{s:s, s:s, s:s, s:s, s:I}", "status", w->action, "id", id, "unit", w->r.unit,
				   "key", w->r.key, "seq", (json_int_t)w->res.seq));
	}
	rec_free(&w->r);
	free(w);
}

/* Queues w (its record parsed) for the writer; frees it when it cannot. */
static void cyc_queue(struct api_ctx *c, struct cyc_write *w)
{
	if (!api_write(c, cyc_run, cyc_done, w)) {
		rec_free(&w->r);
		free(w);
		api_error(c, 503, "stopping", api_tr(c, "máy chủ đang dừng; hãy thử lại", "the server is stopping; try again"), NULL);
	}
}

static struct cyc_write *cyc_new(bool cycle, const char *action, const char *object, const char *what)
{
	struct cyc_write *w = calloc(1, sizeof *w);
	if (w) {
		w->cycle = cycle;
		snprintf(w->action, sizeof w->action, "%s", action);
		snprintf(w->object, sizeof w->object, "%s", object);
		snprintf(w->what, sizeof w->what, "%s", what);
	}
	return w;
}

/* ---- submission and decisions ---- */

void h_cycle_submit(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	char form[16], unit[16], what[64];
	struct rpt_period p;
	if (!fup(c, b, form, unit, &p)) {
		json_decref(b);
		return;
	}
	json_decref(b);
	what_of(what, form, unit, p.code);
	const struct eng_view *v = engine_read(c->app->engine);
	struct wf_actor a = actor(c);
	bool hidden;
	enum ds_why w = wf_may_submit(eng_units(v), &a, form, unit, &p, day_today(), &hidden);
	struct rpt_table t = {0};
	struct ds_problem pb = {0};
	int64_t position = engine_last_seq(c->app->engine);
	enum ds_rc rc = DS_OK;
	if (!w) {
		struct rpt_request rq = {.form = form, .unit = unit, .period = p.code, .map_date = DAY_NONE,
					 .layout = LAYOUT_SINGLE};
		rc = rpt_run(c->app->engine, &c->app->defs, &rq, NULL, NULL, &t, &pb);
	}
	engine_read_end(v);
	if (w) {
		api_audit(c, "submit", "report", what, hidden ? "not_found" : "refused");
		refuse(c, hidden ? "unit" : w == W_PERIOD_NOT_ENDED ? "period" : "form", w);
		return;
	}
	if (rc) {
		api_error(c, 503, "internal", api_tr(c, "chưa tính được báo cáo; hãy thử lại", "the report could not be computed"), NULL);
		return;
	}
	struct wf_status s;
	wf_status_get(c->app->book, form, unit, p.code, &s);
	bool nothing = s.state == WF_APPROVED && !wf_values_differ(s.approved_values, &t, 0);
	bool revision = s.has_approved;
	wf_status_free(&s);
	struct cyc_write *cw = nothing ? NULL : cyc_new(true, "submitted", "report", what);
	if (nothing) {
		api_audit(c, "submit", "report", what, "refused");
		refuse(c, "period", W_NOTHING_CHANGED);
	} else if (!cw || wf_submission_new(&cw->r, unit, &t, 0, position, revision, &pb)) {
		free(cw);
		api_error(c, 503, "memory", api_tr(c, "chưa gửi được báo cáo; hãy thử lại", "the submission could not be made"), NULL);
	} else {
		cyc_queue(c, cw);
	}
	rpt_table_free(&t);
}

static void decide(struct api_ctx *c, bool approve)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	char form[16], unit[16], what[64];
	struct rpt_period p;
	if (!fup(c, b, form, unit, &p)) {
		json_decref(b);
		return;
	}
	what_of(what, form, unit, p.code);
	const char *comment = str(b, "comment"), *named = str(b, "submission");
	const struct eng_view *v = engine_read(c->app->engine);
	struct wf_actor a = actor(c);
	bool hidden;
	enum ds_why w = wf_may_decide(eng_units(v), &a, form, unit, &p, &hidden);
	engine_read_end(v);
	struct wf_status s;
	wf_status_get(c->app->book, form, unit, p.code, &s);
	uint8_t sub[16];
	memcpy(sub, s.current, 16);
	if (!w && !s.versions)
		w = W_NOT_SUBMITTED;
	/* The version the officer looked at, when named: a newer one is a conflict. */
	if (!w && named && !reg_uuid_parse(named, strlen(named), sub))
		w = W_BAD_UUID;
	if (!w && !approve && (!comment || strspn(comment, " \t\r\n") == strlen(comment)))
		w = W_COMMENT_REQUIRED;
	wf_status_free(&s);
	const char *action = approve ? "approved" : "returned";
	struct cyc_write *cw = w ? NULL : cyc_new(true, action, "report", what);
	struct ds_problem pb;
	if (w) {
		api_audit(c, approve ? "approve" : "return", "report", what, hidden ? "not_found" : "refused");
		refuse(c, hidden ? "unit" : w == W_COMMENT_REQUIRED ? "comment" : w == W_BAD_UUID ? "submission" : "form", w);
	} else if (!cw || wf_decision_new(&cw->r, unit, form, p.code, sub, approve, comment, &pb)) {
		if (cw && pb.why)
			api_problem(c, 422, &pb);
		else
			api_error(c, 503, "memory", "out of memory", NULL);
		free(cw);
	} else {
		cyc_queue(c, cw);
	}
	json_decref(b);
}

void h_cycle_approve(struct api_ctx *c)
{
	decide(c, true);
}

void h_cycle_return(struct api_ctx *c)
{
	decide(c, false);
}

/* ---- state, history, revision ---- */

static json_t *num(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static bool differ(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) != isnan(b);
	return fabs(a - b) > 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* The rows: approved beside today's, and whether they differ. */
static json_t *rows_json(const struct rpt_table *t, const json_t *approved, const char *lang, size_t *ndiff)
{
	json_t *rows = json_array();
	*ndiff = 0;
	for (size_t r = 0; r < t->form->nrows; r++) {
		const struct rpt_row *row = &t->form->rows[r];
		double now = rpt_at(t, t->val, r, 0), was = approved ? wf_value_of(approved, row->code, "value") : NAN;
		bool d = approved && differ(was, now);
		bool en = strcmp(lang, "en") == 0;
		json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:i, s:o, s:o, s:b}", "code", row->code, "label",
				      en ? row->label_en : row->label_vi, "unit", (en ? row->unit_en : row->unit_vi) ? (en ? row->unit_en : row->unit_vi) : "",
				      "decimals", row->decimals, "indent", row->indent, "today", num(now),
				      "approved", approved ? num(was) : json_null(), "differs", d);
		if (row->sex) {
			double m = rpt_at(t, t->male, r, 0), f = rpt_at(t, t->female, r, 0);
			double am = approved ? wf_value_of(approved, row->code, "male") : NAN;
			double af = approved ? wf_value_of(approved, row->code, "female") : NAN;
			json_object_set_new(o, "today_male", num(m));
			json_object_set_new(o, "today_female", num(f));
			json_object_set_new(o, "approved_male", approved ? num(am) : json_null());
			json_object_set_new(o, "approved_female", approved ? num(af) : json_null());
			if (approved && (differ(am, m) || differ(af, f)))
				json_object_set_new(o, "differs", json_true()), d = true;
		}
		*ndiff += d;
		json_array_append_new(rows, o);
	}
	return rows;
}

struct late_arg {
	struct api_ctx *c;
	const char *unit;
	struct rpt_period p;
	int32_t map;
	const struct rpt_table *t;
	json_t *rows; /* the rows, each given "events" */
	json_t *out;
	int64_t position; /* of the approved version */
};

/* True when area lay in the unit on the map. */
static bool area_in_unit(struct late_arg *l, const char *area)
{
	if (!area[0])
		return false;
	const struct eng_view *v = engine_read(l->c->app->engine);
	bool in = reg_units_within(eng_units(v), area, l->unit, l->map);
	engine_read_end(v);
	return in;
}

/*
 * An event recorded after the approved position, in the unit, that can
 * change a row that differs (wf_event_reads): it is behind that row's
 * difference, and its id goes into the row's "events".
 */
static enum ds_rc late_one(const struct store_event *e, void *arg)
{
	struct late_arg *l = arg;
	if (json_array_size(l->out) >= 500)
		return DS_OK;
	/* An event cancelled after the approval, and the void of an event
	 * recorded after it, add up to nothing: neither is behind a difference. */
	if (e->voided_by || (e->fact.type == EV_VOID && e->fact.other > l->position))
		return DS_OK;
	struct reg_fact f;
	char area[REG_UNIT_CODE_MAX + 1], from[REG_UNIT_CODE_MAX + 1];
	if (!wf_event_areas(l->c->st, e, &f, area, from))
		return DS_OK;
	uint32_t reads = wf_event_reads(&f, &l->p);
	if (!reads)
		return DS_OK;
	/* The rows it is behind. */
	size_t hit[512], nh = 0;
	for (size_t r = 0; r < l->t->form->nrows && nh < sizeof hit / sizeof hit[0]; r++)
		if ((l->t->form->rows[r].reads & reads) &&
		    json_is_true(json_object_get(json_array_get(l->rows, r), "differs")))
			hit[nh++] = r;
	if (!nh)
		return DS_OK;
	if (!area_in_unit(l, area)) {
		if (!area_in_unit(l, from))
			return DS_OK;
		snprintf(area, sizeof area, "%s", from);
	}
	char id[REG_UUID_TEXT], date[11];
	reg_uuid_format(e->id, id);
	day_format(f.date, date);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:b}", "id", id, "type",
			      reg_etype_name(e->fact.type), "type_label", reg_etype_label(e->fact.type, l->c->lang),
			      "date", date, "seq", (json_int_t)e->fact.seq, "recorded_by", e->recorded_by,
			      "recorded_by_name", api_user_name(l->c, e->recorded_by), "in_period", f.date >= l->p.from);
	if (e->fact.type == EV_VOID) {
		json_object_set_new(o, "cancels", json_string(reg_etype_name(f.type)));
		json_object_set_new(o, "cancels_label", json_string(reg_etype_label(f.type, l->c->lang)));
	}
	struct store_person pr;
	if (api_in_scope(l->c, area)) {
		if (f.person && store_person_get(l->c->st, NULL, f.person, &pr) == DS_OK) {
			json_object_set_new(o, "name", json_string(pr.cur_name));
			api_audit_in(l->c, "revision", "person", pr.rec.id, pr.cur_area, "ok");
		}
		if (f.type == EV_BIRTH && f.other && store_person_get(l->c->st, NULL, f.other, &pr) == DS_OK) {
			json_object_set_new(o, "child_name", json_string(pr.cur_name));
			api_audit_in(l->c, "revision", "person", pr.rec.id, pr.cur_area, "ok");
		}
	}
	json_t *codes = json_array();
	for (size_t i = 0; i < nh; i++) {
		json_t *row = json_array_get(l->rows, hit[i]);
		json_array_append_new(json_object_get(row, "events"), json_string(id));
		json_array_append_new(codes, json_string(l->t->form->rows[hit[i]].code));
	}
	json_object_set_new(o, "rows", codes);
	json_array_append_new(l->out, o);
	return DS_OK;
}

void h_cycle_report(struct api_ctx *c)
{
	char form[16], unit[16];
	struct rpt_period p;
	if (!fup(c, NULL, form, unit, &p) || !scoped_unit(c, unit, p.to))
		return;
	struct rpt_request rq = {.form = form, .unit = unit, .period = p.code, .map_date = DAY_NONE,
				 .layout = LAYOUT_SINGLE};
	struct rpt_table t;
	struct ds_problem pb = {0};
	if (rpt_run(c->app->engine, &c->app->defs, &rq, NULL, NULL, &t, &pb)) {
		api_error(c, 404, "not_found", api_tr(c, "không có mẫu báo cáo hoặc đơn vị này", "no such form or unit"),
			  pb.field[0] ? pb.field : "form");
		return;
	}
	struct wf_status s;
	wf_status_get(c->app->book, form, unit, p.code, &s);
	size_t ndiff = 0;
	json_t *rows = rows_json(&t, s.has_approved ? s.approved_values : NULL, c->lang, &ndiff);
	enum wf_state state = s.state == WF_APPROVED && ndiff ? WF_REVISED : s.state;
	json_t *late = json_array();
	for (size_t r = 0; r < json_array_size(rows); r++)
		json_object_set_new(json_array_get(rows, r), "events", json_array());
	if (s.has_approved && ndiff) {
		struct late_arg l = {c, unit, p, t.map_date, &t, rows, late, s.approved_position};
		store_each_event(c->st, s.approved_position, false, late_one, &l);
	}
	int32_t deadline = wf_deadline(form, &p);
	char dl[11], first[11] = "";
	day_format(deadline, dl);
	if (s.first_day != DAY_NONE)
		day_format(s.first_day, first);
	char what[64], plabel[64];
	what_of(what, form, unit, p.code);
	rpt_period_label(&p, c->lang, plabel, sizeof plabel);
	api_audit(c, "report", "report", what, "ok");
	char pend[11];
	day_format(p.to, pend);
	json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:i, s:s, s:s?, s:i, s:s, s:o, s:o, s:o}", "form",
			   form, "unit", unit, "unit_name", t.unit_name, "period", p.code, "period_label",
			   plabel, "state", wf_state_name(state), "revision", s.revision, "versions",
			   s.versions, "deadline", dl, "submitted", first[0] ? first : NULL, "late_days",
			   wf_late_days(deadline, s.versions ? s.first_day : day_today()), "comment", s.comment,
			   "history", named_history(c, wf_history(c->app->book, form, unit, p.code)), "rows", rows,
			   "late_events", late);
	/* The period's last day: it can be submitted from the day after. */
	json_object_set_new(out, "period_end", json_string(pend));
	api_json(c, 200, out);
	wf_status_free(&s);
	rpt_table_free(&t);
}

/* ---- status and timeliness ---- */

/* Periods from..to of the kind of `from` (months, quarters or years). */
static size_t periods_between(const struct rpt_period *from, const struct rpt_period *to, struct rpt_period *out, size_t max)
{
	size_t n = 0;
	for (struct rpt_period p = *from; n < max && p.to <= to->to;) {
		out[n++] = p;
		char code[32];
		int32_t next = p.to + 1;
		int y, m, d;
		day_to_ymd(next, &y, &m, &d);
		if (p.kind == PERIOD_MONTH)
			snprintf(code, sizeof code, "%04d-%02d", y, m);
		else if (p.kind == PERIOD_QUARTER)
			snprintf(code, sizeof code, "%04d-Q%d", y, (m + 2) / 3);
		else if (p.kind == PERIOD_HALF)
			snprintf(code, sizeof code, "%04d-H%d", y, (m + 5) / 6);
		else
			snprintf(code, sizeof code, "%04d", y);
		if (!rpt_period_parse(code, &p))
			break;
	}
	return n;
}

/* The timeliness rows as a spreadsheet, for api_answer_xlsx. */
struct timely_xlsx {
	const struct wf_row *rows;
	size_t n;
	const char *lang;
};

static enum ds_rc timely_xlsx_write(const char *path, void *arg)
{
	const struct timely_xlsx *x = arg;
	return wf_timeliness_xlsx(x->rows, x->n, x->lang, path);
}

void h_cycle_timeliness(struct api_ctx *c)
{
	char unit[16] = "", form[16] = "", from[12] = "", to[12] = "", fmt[8] = "json", lang[4];
	api_query(c, "unit", unit, sizeof unit);
	api_query(c, "form", form, sizeof form);
	api_query(c, "format", fmt, sizeof fmt);
	if (!api_query(c, "from", from, sizeof from))
		api_query(c, "period", from, sizeof from);
	if (!api_query(c, "to", to, sizeof to))
		snprintf(to, sizeof to, "%s", from);
	snprintf(lang, sizeof lang, "%s", c->lang);
	struct rpt_period pf, pt;
	if (!unit[0] || !rpt_period_parse(from, &pf) || !rpt_period_parse(to, &pt) || pf.kind != pt.kind) {
		api_error(c, 400, "required",
			  api_tr(c, "hãy chọn đơn vị và kỳ báo cáo, hoặc từ kỳ và đến kỳ cùng loại (tháng, quý, năm)",
			     "give unit and period, or from and to of the same kind"),
			  "period");
		return;
	}
	if (!scoped_unit(c, unit, pt.to))
		return;
	struct rpt_period periods[60];
	size_t np = periods_between(&pf, &pt, periods, 60);
	struct wf_row *rows = NULL;
	size_t n = 0;
	enum ds_rc rc = wf_timeliness(c->app->engine, &c->app->defs, c->app->book, c->st, unit, form[0] ? form : NULL,
				      periods, np, day_today(), &rows, &n);
	if (rc) {
		refuse(c, "form", W_FORM_PERIOD);
		return;
	}
	api_audit(c, "timeliness", "report", unit, "ok");
	/* "nop-bao-cao_Phường Sài Gòn_2026-10.csv" (from_to for a range) */
	char name[REG_TEXT_BYTES + 64], span[32], uname[REG_TEXT_BYTES];
	const struct eng_view *v = engine_read(c->app->engine);
	const struct reg_unit *u = reg_units_resolve(eng_units(v), unit, pt.to);
	snprintf(uname, sizeof uname, "%s", u ? u->name : unit);
	engine_read_end(v);
	snprintf(span, sizeof span, strcmp(pf.code, pt.code) ? "%s_%s" : "%s", pf.code, pt.code);
	api_file_name(name, sizeof name, "nop-bao-cao", uname, span, strcmp(fmt, "xlsx") == 0 ? "xlsx" : "csv");
	if (strcmp(fmt, "csv") == 0) {
		c->rs->status = 200;
		c->rs->content_type = "text/csv; charset=utf-8";
		buf_puts(&c->rs->body, "\xEF\xBB\xBF");
		wf_timeliness_csv(rows, n, lang, &c->rs->body);
		api_attachment(c, name);
	} else if (strcmp(fmt, "xlsx") == 0) {
		struct timely_xlsx x = {rows, n, lang};
		api_answer_xlsx(c, timely_xlsx_write, &x, name);
	} else {
		api_json(c, 200, wf_timeliness_json(rows, n));
	}
	free(rows);
}

/* ---- roll-up ---- */

void h_cycle_rollup(struct api_ctx *c)
{
	char form[16], unit[16];
	struct rpt_period p;
	if (!fup(c, NULL, form, unit, &p) || !scoped_unit(c, unit, p.to))
		return;
	struct rpt_request rq = {.form = form, .unit = unit, .period = p.code, .map_date = DAY_NONE,
				 .layout = LAYOUT_AUTO};
	struct rpt_table t;
	struct ds_problem pb = {0};
	if (rpt_run(c->app->engine, &c->app->defs, &rq, NULL, NULL, &t, &pb)) {
		api_error(c, 404, "not_found", api_tr(c, "không có mẫu báo cáo hoặc đơn vị này", "no such form or unit"), "form");
		return;
	}
	struct wf_approved *ap = NULL;
	size_t na = 0;
	json_t *missing = NULL;
	wf_approved_reports(c->app->engine, c->app->book, unit, form, &p, &ap, &na, &missing);
	json_t *rows = json_array();
	size_t last = t.ncols - 1;
	for (size_t r = 0; r < t.form->nrows; r++) {
		const struct rpt_row *row = &t.form->rows[r];
		/* A count adds up over communes; a ratio (a row with / or *) does not. */
		bool additive = !strpbrk(row->text, "/*");
		double sum = 0;
		for (size_t i = 0; i < na; i++) {
			double v = wf_value_of(ap[i].values, row->code, "value");
			sum += isnan(v) ? 0 : v;
		}
		double live = rpt_at(&t, t.val, r, last);
		json_array_append_new(rows, json_pack("{s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:b}", "code", row->code, "label",
						      strcmp(c->lang, "en") == 0 ? row->label_en : row->label_vi,
						      "decimals", row->decimals, "indent", row->indent,
						      "live", num(live), "approved_sum", additive && na ? json_real(sum) : json_null(),
						      "difference", additive && na ? num(live - sum) : json_null(),
						      "additive", additive));
	}
	json_t *approved = json_array();
	for (size_t i = 0; i < na; i++)
		json_array_append_new(approved, json_string(ap[i].unit));
	api_audit(c, "rollup", "report", unit, "ok");
	api_json(c, 200, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "form", form, "unit", unit, "unit_name",
				   t.unit_name, "period", p.code, "approved_units", approved, "not_approved_units",
				   missing ? missing : json_array(), "rows", rows));
	wf_approved_free(ap, na);
	rpt_table_free(&t);
}

/* ---- DHIS2 ---- */

void h_dhis2_export(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	char form[16], unit[16], what[64];
	struct rpt_period p;
	const char *fmt = str(b, "format") ? str(b, "format") : "json", *mapping = str(b, "mapping");
	if (!fup(c, b, form, unit, &p) || !scoped_unit(c, unit, p.to)) {
		json_decref(b);
		return;
	}
	const struct rpt_form *f = rpt_form_find(&c->app->defs, form);
	if (!mapping || !f || (strcmp(fmt, "json") && strcmp(fmt, "adx"))) {
		api_error(c, 400, "required",
			  api_tr(c, "hãy cho mẫu, đơn vị, kỳ, định dạng (json hoặc adx) và tệp ánh xạ (nội dung CSV)",
			     "give form, unit, period, format (json or adx) and mapping (the CSV text)"),
			  !mapping ? "mapping" : !f ? "form" : "format");
		json_decref(b);
		return;
	}
	what_of(what, form, unit, p.code);
	struct dhis2_map m;
	struct ds_problem pb;
	const struct eng_view *v = engine_read(c->app->engine);
	enum ds_rc rc = dhis2_map_parse(mapping, strlen(mapping), "mapping", &c->app->defs, eng_units(v), &m, &pb);
	engine_read_end(v);
	if (rc) {
		char msg[300];
		ds_problem_format(&pb, c->lang, msg, sizeof msg);
		api_error(c, 422, ds_why_code(pb.why), msg, pb.field);
		dhis2_map_free(&m);
		json_decref(b);
		return;
	}
	struct wf_approved *ap = NULL;
	size_t na = 0;
	json_t *missing = NULL;
	wf_approved_reports(c->app->engine, c->app->book, unit, form, &p, &ap, &na, &missing);
	struct dhis2_report *reps = calloc(na + 1, sizeof *reps);
	struct dhis2_out out = {0};
	for (size_t i = 0; reps && i < na; i++)
		reps[i] = (struct dhis2_report){ap[i].unit, ap[i].values, ap[i].approved_at};
	if (reps)
		dhis2_export(&m, f, &p, reps, na, (int64_t)time(NULL), &out);
	api_audit(c, "export", "dhis2", what, "ok");
	if (!reps) {
		api_error(c, 503, "memory", "out of memory", NULL);
	} else if (strcmp(fmt, "adx") == 0) {
		c->rs->status = 200;
		c->rs->content_type = "application/adx+xml; charset=utf-8";
		buf_puts(&c->rs->body, out.adx.data ? out.adx.data : "");
	} else {
		api_json(c, 200, json_pack("{s:O, s:O, s:O, s:O}", "dataValueSet", out.json, "unmapped_rows",
					   out.unmapped_rows, "unmapped_units", out.unmapped_units, "not_approved",
					   missing));
	}
	dhis2_out_free(&out);
	free(reps);
	wf_approved_free(ap, na);
	json_decref(missing);
	dhis2_map_free(&m);
	json_decref(b);
}
