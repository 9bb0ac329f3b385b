/*
 * The commune's review of the month (workflows.md, step 2): the month's
 * changes of every area of a commune with the persons' names and the
 * collaborator who recorded each, areas without any change first; marking
 * an area's month reviewed; a question on an event to its collaborator,
 * who sees it on their own list and answers it, or corrects the event (a
 * void and a new event, recorded through /events) and names them in the
 * answer.  Every person shown is audited; out of scope is 404.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "base/day.h"
#include "records/records.h"
#include "store/records.h"
#include "workflow/timely.h"

static void iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The query and answer of an event, from the book. */
struct qa {
	json_t *query, *answer;
	char by[64];
	int64_t at;
};

static void take_body(const struct rec_entry *e, void *arg)
{
	struct qa *q = arg;
	char at[32], id[REG_UUID_TEXT], date[11];
	iso_time(e->recorded_at, at);
	reg_uuid_format(e->id, id);
	day_format(e->date, date);
	json_t *o = json_deep_copy(e->body);
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "date", json_string(date));
	json_object_set_new(o, "by", json_string(e->recorded_by));
	json_object_set_new(o, "at", json_string(at));
	if (!q->query)
		q->query = o;
	else
		q->answer = o;
}

/* {"question", "by", "at", "answer": {...} | null, "open"} for an event, or NULL. */
static json_t *query_of(struct api_app *app, const char *area, const char *event)
{
	struct qa q = {0};
	rec_book_current(app->book, "query", area, event, take_body, &q);
	if (!q.query)
		return NULL;
	rec_book_current(app->book, "answer", area, event, take_body, &q);
	/* An answer to an earlier question of the same event does not close this one. */
	if (q.answer && strcmp(json_string_value(json_object_get(q.answer, "query")),
			       json_string_value(json_object_get(q.query, "id"))) != 0) {
		json_decref(q.answer);
		q.answer = NULL;
	}
	json_object_set_new(q.query, "answer", q.answer ? q.answer : json_null());
	json_object_set_new(q.query, "open", json_boolean(!q.answer));
	return q.query;
}

/* query_of with the names of who asked and who answered. */
static json_t *query_named(struct api_ctx *c, const char *area, const char *event)
{
	json_t *q = query_of(c->app, area, event);
	api_add_by_name(c, q);
	api_add_by_name(c, json_object_get(q, "answer"));
	return q;
}

/* What a change shows of an event besides its body: the type's label, the
 * subject's name (a birth's child beside the mother), audited. */
static void describe(struct api_ctx *c, json_t *row, const struct reg_fact *f, const char *action)
{
	json_object_set_new(row, "type_label", json_string(reg_etype_label(f->type, c->lang)));
	struct store_person p;
	if (f->person && store_person_get(c->st, NULL, f->person, &p) == DS_OK) {
		json_object_set_new(row, "name", json_string(p.cur_name));
		json_object_set_new(row, "person", json_string(p.rec.id));
		api_audit_in(c, action, "person", p.rec.id, p.cur_area, "ok");
	}
	if (f->type == EV_BIRTH && f->other && store_person_get(c->st, NULL, f->other, &p) == DS_OK) {
		json_object_set_new(row, "child_name", json_string(p.cur_name));
		api_audit_in(c, action, "person", p.rec.id, p.cur_area, "ok");
	}
}

/*
 * The queries of the commune's areas, gathered once from the book (never
 * asking the book again inside its own callback): per area the events
 * queried, and the corrections the answers name (correction id -> the
 * queried event), so that a corrected event shows its question and a
 * cancelled one is still listed.
 */
struct asked {
	struct api_ctx *c;
	json_t *by_area;     /* area -> [event id] */
	json_t *corrections; /* correction event id -> queried event id */
	json_t *collaborators; /* area -> [name] */
};

/* The active collaborators of each area in the caller's scope: area -> [name]. */
static enum ds_rc collaborator_of(const struct store_user *u, void *arg)
{
	struct asked *a = arg;
	if (u->role != ROLE_COLLABORATOR || u->disabled || !u->unit[0] || !api_in_scope(a->c, u->unit))
		return DS_OK;
	json_t *list = json_object_get(a->collaborators, u->unit);
	if (!list)
		json_object_set_new(a->collaborators, u->unit, list = json_array());
	json_array_append_new(list, json_string(u->name[0] ? u->name : u->login));
	return DS_OK;
}

static bool asked_query(const struct rec_entry *e, void *arg)
{
	struct asked *a = arg;
	if (!e->body || !api_in_scope(a->c, e->unit))
		return true;
	json_t *list = json_object_get(a->by_area, e->unit);
	if (!list)
		json_object_set_new(a->by_area, e->unit, list = json_array());
	json_array_append_new(list, json_string(e->key));
	return true;
}

static bool asked_answer(const struct rec_entry *e, void *arg)
{
	struct asked *a = arg;
	const char *corr = json_string_value(json_object_get(e->body, "correction"));
	if (corr && api_in_scope(a->c, e->unit))
		json_object_set_new(a->corrections, corr, json_string(e->key));
	return true;
}

/* One area's month: {"code", "name", "village", "reviewed", "changes": [...],
 * "cancelled": [...]}: the events of the month with their questions (a
 * corrected event's question on its correction), and the queried events
 * of the month since cancelled. */
static json_t *area_month(struct api_ctx *c, const struct eng_view *v, const char *area, int32_t from,
			  const char *month, const struct asked *asked)
{
	const struct reg_unit *u = reg_units_resolve(eng_units(v), area, from);
	const struct reg_unit *village = u ? reg_units_resolve(eng_units(v), u->parent, day_month_end(from)) : NULL;
	const char *one[1] = {area};
	int64_t *seqs = NULL;
	size_t n = 0;
	engine_events_in(v, one, 1, from, day_month_end(from), &seqs, &n);
	json_t *changes = json_array(), *shown = json_object();
	for (size_t i = 0; i < n; i++) {
		struct store_event e;
		if (store_event_by_seq(c->st, seqs[i], &e) != DS_OK)
			continue;
		json_t *ev = json_loads(e.body, 0, NULL);
		char at[32];
		iso_time(e.recorded_at, at);
		json_t *row = json_pack("{s:o, s:I, s:s, s:o, s:s, s:b}", "event", ev ? ev : json_null(), "seq",
					(json_int_t)e.fact.seq, "recorded_by", e.recorded_by, "recorded_by_name",
					api_user_name(c, e.recorded_by), "recorded_at", at, "voided", e.voided_by != 0);
		describe(c, row, &e.fact, "review");
		const char *id = json_string_value(json_object_get(ev, "id"));
		json_t *q = id ? query_named(c, area, id) : NULL;
		const char *orig = id ? json_string_value(json_object_get(asked->corrections, id)) : NULL;
		if (!q && orig && (q = query_named(c, area, orig)))
			json_object_set_new(row, "corrects", json_string(orig));
		if (id)
			json_object_set_new(shown, id, json_true());
		if (orig)
			json_object_set_new(shown, orig, json_true());
		json_object_set_new(row, "query", q ? q : json_null());
		json_array_append_new(changes, row);
	}
	free(seqs);
	/* Queried events of the month no longer counted: cancelled. */
	json_t *cancelled = json_array();
	size_t k;
	json_t *key;
	json_array_foreach(json_object_get(asked->by_area, area), k, key)
	{
		const char *id = json_string_value(key);
		uint8_t raw[16];
		struct store_event e;
		if (json_object_get(shown, id) || !reg_uuid_parse(id, strlen(id), raw) ||
		    store_event_by_id(c->st, raw, &e) != DS_OK || e.fact.date < from || e.fact.date > day_month_end(from))
			continue;
		json_t *row = json_pack("{s:o, s:s, s:o, s:b, s:o}", "event", json_loads(e.body, 0, NULL), "recorded_by",
					e.recorded_by, "recorded_by_name", api_user_name(c, e.recorded_by), "voided",
					e.voided_by != 0, "query", query_named(c, area, id));
		describe(c, row, &e.fact, "review");
		json_array_append_new(cancelled, row);
	}
	json_decref(shown);
	json_t *who = json_object_get(asked->collaborators, area);
	json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:i, s:o, s:o}", "code", area, "name", u ? u->name : area, "village",
			      village ? village->name : "", "changes", changes, "count", (int)json_array_size(changes),
			      "cancelled", cancelled, "collaborators", who ? json_incref(who) : json_array());
	struct qa r = {0};
	rec_book_current(c->app->book, "review", area, month, take_body, &r);
	api_add_by_name(c, r.query);
	json_object_set_new(o, "reviewed", r.query ? r.query : json_null());
	return o;
}

static int by_count(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t nx = json_integer_value(json_object_get(x, "count")),
		   ny = json_integer_value(json_object_get(y, "count"));
	if ((nx == 0) != (ny == 0))
		return nx == 0 ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "code")), json_string_value(json_object_get(y, "code")));
}

void h_review(struct api_ctx *c)
{
	char unit[16] = "", month[8] = "";
	int32_t from;
	if (!api_query(c, "unit", unit, sizeof unit))
		snprintf(unit, sizeof unit, "%s", c->user.unit);
	if (!api_query(c, "month", month, sizeof month) || !day_parse_month(month, strlen(month), &from)) {
		api_error(c, 400, "required", api_tr(c, "hãy chọn tháng (YYYY-MM)", "give month (YYYY-MM)"), "month");
		return;
	}
	struct asked asked = {c, json_object(), json_object(), json_object()};
	rec_book_each(c->app->book, "query", asked_query, &asked);
	rec_book_each(c->app->book, "answer", asked_answer, &asked);
	store_each_user(c->st, collaborator_of, &asked);
	const struct eng_view *v = engine_read(c->app->engine);
	char **areas = NULL;
	size_t na = 0;
	const struct reg_unit *u = reg_units_resolve(eng_units(v), unit, day_month_end(from));
	if (!u || engine_units_under(v, unit, LVL_AREA, day_month_end(from), &areas, &na)) {
		engine_read_end(v);
		json_decref(asked.by_area);
		json_decref(asked.corrections);
		json_decref(asked.collaborators);
		api_not_found(c, "unit");
		return;
	}
	char name[REG_TEXT_BYTES];
	snprintf(name, sizeof name, "%s", u->name);
	json_t **rows = calloc(na + 1, sizeof *rows);
	size_t nr = 0;
	for (size_t i = 0; i < na; i++) {
		if (rows && api_user_covers(c->app, &c->user, areas[i]))
			rows[nr++] = area_month(c, v, areas[i], from, month, &asked);
		free(areas[i]);
	}
	free(areas);
	engine_read_end(v);
	json_decref(asked.by_area);
	json_decref(asked.corrections);
	json_decref(asked.collaborators);
	if (!nr) {
		free(rows);
		api_not_found(c, "unit");
		return;
	}
	qsort(rows, nr, sizeof *rows, by_count);
	json_t *arr = json_array();
	for (size_t i = 0; i < nr; i++)
		json_array_append_new(arr, rows[i]);
	free(rows);
	char due[11];
	day_format(wf_review_deadline(day_month_end(from)), due);
	api_json(c, 200, json_pack("{s:s, s:s, s:s, s:s, s:o}", "unit", unit, "unit_name", name, "month", month, "due", due,
				   "areas", arr));
}

/* ---- writes ---- */

struct rv_write {
	struct rec r;
	struct rec_result res;
	char action[16];
};

static enum ds_rc rv_run(struct api_app *app, struct store *st, const struct api_user *user, void *arg)
{
	struct rv_write *w = arg;
	return rec_record(st, &app->ledger.units, &w->r, user->login, &w->res);
}

static void rv_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct rv_write *w = arg;
	char id[REG_UUID_TEXT];
	reg_uuid_format(w->r.id, id);
	if (rc) {
		api_error(c, 503, "store", api_tr(c, "chưa ghi được; hãy thử lại", "it could not be saved; try again"), NULL);
	} else if (w->res.outcome == REC_REFUSED) {
		api_audit(c, w->action, w->r.kind, w->r.key, "refused");
		api_problem(c, w->res.problem.why == W_RECORD_STALE ? 409 : 422, &w->res.problem);
	} else {
		api_audit(c, w->action, w->r.kind, w->r.key, "ok");
		api_json(c, w->res.outcome == REC_RECORDED ? 201 : 200,
			 json_pack("{s:s, s:s, s:s, s:I}", "status", "recorded", "id", id, "key", w->r.key, "seq",
				   (json_int_t)w->res.seq));
	}
	rec_free(&w->r);
	free(w);
}

/* A new record of kind about area with body (taken), to the writer. */
static void record(struct api_ctx *c, const char *kind, const char *area, json_t *body, const char *action,
		   const uint8_t *supersedes)
{
	char id[REG_UUID_TEXT], date[11];
	uint8_t raw[16];
	rec_new_id(raw);
	reg_uuid_format(raw, id);
	day_format(day_today(), date);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", id, "kind", kind, "unit", area, "date", date, "body", body);
	if (o && supersedes) {
		char sup[REG_UUID_TEXT];
		reg_uuid_format(supersedes, sup);
		json_object_set_new(o, "supersedes", json_string(sup));
	}
	struct rv_write *w = calloc(1, sizeof *w);
	struct ds_problem pb;
	if (!o || !w) {
		api_error(c, 503, "memory", api_tr(c, "máy chủ thiếu bộ nhớ; hãy thử lại", "out of memory"), NULL);
		free(w);
	} else if (rec_parse(o, &w->r, &pb)) {
		api_problem(c, 422, &pb);
		rec_free(&w->r);
		free(w);
	} else {
		snprintf(w->action, sizeof w->action, "%s", action);
		if (!api_write(c, rv_run, rv_done, w)) {
			rec_free(&w->r);
			free(w);
			api_error(c, 503, "stopping", api_tr(c, "máy chủ đang dừng; hãy thử lại", "the server is stopping; try again"), NULL);
		}
	}
	json_decref(o);
}

static void take_id(const struct rec_entry *e, void *arg)
{
	memcpy(arg, e->id, 16);
}

void h_review_mark(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	const char *area = json_string_value(json_object_get(b, "area"));
	const char *month = json_string_value(json_object_get(b, "month"));
	if (!area || !month) {
		api_error(c, 400, "required", api_tr(c, "hãy chọn địa bàn và tháng", "give area and month"), area ? "month" : "area");
	} else if (!api_in_scope(c, area)) {
		api_not_found(c, "area");
	} else {
		uint8_t cur[16];
		bool again = rec_book_current(c->app->book, "review", area, month, take_id, cur);
		record(c, "review", area, json_pack("{s:s}", "month", month), "reviewed", again ? cur : NULL);
	}
	json_decref(b);
}

/* The event named by id, its area; false (answered 404) when absent or out of scope. */
static bool event_area(struct api_ctx *c, const char *id, char area[REG_UNIT_CODE_MAX + 1], char by[64])
{
	uint8_t raw[16];
	struct store_event e;
	struct store_household h;
	struct store_person p;
	int64_t hh = 0;
	if (id && reg_uuid_parse(id, strlen(id), raw) && store_event_by_id(c->st, raw, &e) == DS_OK) {
		hh = e.fact.hh;
		if (!hh && e.fact.person && store_person_get(c->st, NULL, e.fact.person, &p) == DS_OK)
			hh = p.cur_hh;
		snprintf(by, 64, "%s", e.recorded_by);
	}
	if (!hh || store_household_get(c->st, NULL, hh, &h) != DS_OK || !api_in_scope(c, h.rec.area)) {
		api_not_found(c, "event");
		return false;
	}
	snprintf(area, REG_UNIT_CODE_MAX + 1, "%s", h.rec.area);
	return true;
}

void h_query_add(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	const char *ev = json_string_value(json_object_get(b, "event"));
	const char *question = json_string_value(json_object_get(b, "question"));
	char area[REG_UNIT_CODE_MAX + 1], by[64] = "";
	if (event_area(c, ev, area, by)) {
		char key[REC_KEY_MAX + 1];
		uint8_t cur[16], raw[16];
		reg_uuid_parse(ev, strlen(ev), raw);
		reg_uuid_format(raw, key);
		bool again = rec_book_current(c->app->book, "query", area, key, take_id, cur);
		json_t *body = json_pack("{s:s, s:s}", "event", key, "to", by);
		if (question)
			json_object_set_new(body, "question", json_string(question));
		record(c, "query", area, body, "query", again ? cur : NULL);
	}
	json_decref(b);
}

/* The queries in the caller's scope, collected before the book is asked again. */
static bool list_one(const struct rec_entry *e, void *arg)
{
	struct asked *a = arg;
	if (!api_in_scope(a->c, e->unit))
		return true;
	json_array_append_new(a->by_area, json_pack("{s:s, s:s}", "area", e->unit, "event", e->key));
	return json_array_size(a->by_area) < 5000;
}

void h_queries(struct api_ctx *c)
{
	char all[4] = "";
	api_query(c, "all", all, sizeof all);
	struct asked a = {c, json_array(), NULL, NULL};
	rec_book_each(c->app->book, "query", list_one, &a);
	json_t *out = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(a.by_area, i, x)
	{
		const char *area = json_string_value(json_object_get(x, "area"));
		const char *key = json_string_value(json_object_get(x, "event"));
		json_t *q = query_named(c, area, key);
		if (!q)
			continue;
		if (all[0] != '1' && !json_is_true(json_object_get(q, "open"))) {
			json_decref(q);
			continue;
		}
		json_object_set_new(q, "area", json_string(area));
		const struct eng_view *v = engine_read(c->app->engine);
		const struct reg_unit *u = reg_units_resolve(eng_units(v), area, day_today());
		json_object_set_new(q, "area_name", json_string(u ? u->name : area));
		engine_read_end(v);
		uint8_t raw[16];
		struct store_event ev;
		if (reg_uuid_parse(key, strlen(key), raw) && store_event_by_id(c->st, raw, &ev) == DS_OK) {
			json_object_set_new(q, "event_body", json_loads(ev.body, 0, NULL));
			json_object_set_new(q, "voided", json_boolean(ev.voided_by != 0));
			describe(c, q, &ev.fact, "query");
		}
		json_array_append_new(out, q);
		if (json_array_size(out) >= 500)
			break;
	}
	json_decref(a.by_area);
	api_json(c, 200, json_pack("{s:o}", "queries", out));
}

void h_query_answer(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	const char *ev = c->params[0];
	char area[REG_UNIT_CODE_MAX + 1], by[64];
	if (event_area(c, ev, area, by)) {
		uint8_t raw[16];
		char key[REC_KEY_MAX + 1];
		reg_uuid_parse(ev, strlen(ev), raw);
		reg_uuid_format(raw, key);
		json_t *q = query_of(c->app, area, key);
		if (!q) {
			api_not_found(c, "event");
		} else if (!json_is_true(json_object_get(q, "open"))) {
			struct ds_problem pb = {0};
			ds_problem_set(&pb, NULL, 0, "event", W_QUERY_ANSWERED);
			api_problem(c, 409, &pb);
		} else {
			json_t *body = json_pack("{s:O, s:s}", "query", json_object_get(q, "id"), "event", key);
			static const char *const opt[] = {"answer", "void", "correction"};
			for (size_t i = 0; i < 3; i++)
				if (json_object_get(b, opt[i]))
					json_object_set(body, opt[i], json_object_get(b, opt[i]));
			uint8_t cur[16];
			bool again = rec_book_current(c->app->book, "answer", area, key, take_id, cur);
			record(c, "answer", area, body, "answer", again ? cur : NULL);
		}
		json_decref(q);
	}
	json_decref(b);
}
