/* Persons, households and events: every access scoped, every read audited. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "base/day.h"
#include "base/text.h"
#include "ledger/view.h"

void api_not_found(struct api_ctx *c, const char *field)
{
	api_error(c, 404, "not_found",
		  strcmp(c->lang, "vi") == 0 ? "Không tìm thấy." : "No such record.", field);
}

bool api_scoped_person(struct api_ctx *c, const char *id, struct store_person *p)
{
	char checked[REG_ID_MAX + 1];
	if (reg_parse_id(id, strlen(id), checked) != W_NONE ||
	    store_person_get(c->st, checked, 0, p) != DS_OK)
		return false;
	return api_in_scope(c, p->cur_area);
}

static size_t page_arg(struct api_ctx *c, const char *name, size_t dflt, size_t max)
{
	char v[16];
	int n;
	if (!api_query(c, name, v, sizeof v) || reg_parse_small(v, strlen(v), 1, 1000000, &n))
		return dflt;
	return (size_t)n > max ? max : (size_t)n;
}

struct listing {
	struct api_ctx *c;
	json_t *items;
};

static enum ds_rc add_brief(const struct store_person *p, void *arg)
{
	struct listing *l = arg;
	json_array_append_new(l->items, view_person_brief(p, p->cur_household));
	api_audit_in(l->c, "search", "person", p->rec.id, p->cur_area, "ok");
	return DS_OK;
}

/*
 * How many a search finds in all, for "1–50 of 312": counted by the store
 * with the same conditions, no row read out (nor audited: nothing of them
 * is told but their number), up to COUNT_MAX.
 */
#define COUNT_MAX 10000

static json_t *page_json(json_t *items, size_t page, size_t size, size_t total)
{
	return json_pack("{s:o, s:I, s:I, s:I, s:b}", "items", items, "page", (json_int_t)page, "size",
			 (json_int_t)size, "total", (json_int_t)(total > COUNT_MAX ? COUNT_MAX : total),
			 "total_more", total > COUNT_MAX);
}

void h_person_search(struct api_ctx *c)
{
	char q[REG_NAME_BYTES], key[REG_NAME_BYTES], born[8], nid[16];
	size_t size = page_arg(c, "size", 20, c->app->cfg.max_page);
	size_t page = page_arg(c, "page", 1, 100000);
	struct listing l = {c, json_array()};
	size_t total = 0;
	if (api_query(c, "national_id", nid, sizeof nid)) {
		int64_t rid;
		struct store_person p;
		char checked[13];
		if (reg_parse_national_id(nid, strlen(nid), checked) != W_NONE || !checked[0]) {
			json_decref(l.items);
			api_error(c, 400, "bad_national_id", ds_why_vi(W_BAD_NATIONAL_ID), "national_id");
			return;
		}
		if (store_nid_owner(c->st, checked, &rid) == DS_OK &&
		    store_person_get(c->st, NULL, rid, &p) == DS_OK &&
		    api_scoped_person(c, p.rec.id, &p)) {
			add_brief(&p, &l);
			total = 1;
		}
	} else if (api_query(c, "q", q, sizeof q)) {
		if (txt_fold(q, strlen(q), key, sizeof key) || strlen(key) < 2) {
			json_decref(l.items);
			api_error(c, 400, "short_query",
				  strcmp(c->lang, "vi") == 0 ? "Hãy nhập ít nhất 2 ký tự."
							     : "Type at least 2 characters.",
				  "q");
			return;
		}
		int year = 0;
		if (api_query(c, "born", born, sizeof born) &&
		    reg_parse_small(born, strlen(born), DAY_MIN_YEAR, DAY_MAX_YEAR, &year)) {
			json_decref(l.items);
			api_error(c, 400, "bad_number", ds_why_en(W_BAD_NUMBER), "born");
			return;
		}
		char *areas = api_scope_areas(c);
		enum ds_rc rc = store_find(c->st, key, year, areas, (page - 1) * size, size,
					   add_brief, &l);
		if (!rc)
			rc = store_find_count(c->st, key, year, areas, COUNT_MAX + 1, &total);
		free(areas);
		if (rc) {
			json_decref(l.items);
			api_error(c, 503, "store", "the search failed", NULL);
			return;
		}
	} else {
		json_decref(l.items);
		api_error(c, 400, "required", "give q (a name) or national_id", "q");
		return;
	}
	/* Each person's household by its book number, as the collaborator's
	 * book has it (read after the search: at most a page of them). */
	size_t i;
	json_t *it;
	json_array_foreach(l.items, i, it)
	{
		struct store_household h;
		const char *hid = json_string_value(json_object_get(it, "household"));
		if (hid && hid[0] && store_household_get(c->st, hid, 0, &h) == DS_OK)
			json_object_set_new(it, "household_number", json_string(h.rec.number));
	}
	api_json(c, 200, page_json(l.items, page, size, total));
}

static void person_view(struct api_ctx *c, bool history)
{
	struct store_person p;
	if (!api_scoped_person(c, c->params[0], &p)) {
		api_audit(c, "read", "person", c->params[0], "not_found");
		api_not_found(c, "id");
		return;
	}
	/* The view reads only the store; it needs no unit tree. */
	struct ledger lg = {.st = c->st};
	json_t *v = NULL;
	if (view_person(&lg, &p, history, &v)) {
		api_error(c, 503, "store", "the person could not be read", NULL);
		return;
	}
	api_audit_in(c, history ? "read_history" : "read", "person", p.rec.id, p.cur_area, "ok");
	api_json(c, 200, v);
}

void h_person_get(struct api_ctx *c)
{
	person_view(c, false);
}

void h_person_history(struct api_ctx *c)
{
	person_view(c, true);
}

static enum ds_rc add_access(const struct store_audit *a, void *arg)
{
	json_t *arr = arg;
	char when[32];
	time_t t = (time_t)a->at;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "at", when, "login",
					     a->login, "role", api_role_name(a->role), "unit", a->unit,
					     "action", a->action, "outcome", a->outcome));
	return DS_OK;
}

void h_person_access(struct api_ctx *c)
{
	struct store_person p;
	if (!api_scoped_person(c, c->params[0], &p)) {
		api_not_found(c, "id");
		return;
	}
	size_t page = page_arg(c, "page", 1, 100000);
	json_t *arr = json_array();
	if (store_audit_list(c->st, "person", p.rec.id, (page - 1) * 100, 100, add_access, arr)) {
		json_decref(arr);
		api_error(c, 503, "store", "the audit log could not be read", NULL);
		return;
	}
	api_audit_in(c, "read_access_log", "person", p.rec.id, p.cur_area, "ok");
	api_json(c, 200, json_pack("{s:s, s:o}", "person", p.rec.id, "access", arr));
}

struct hh_listing {
	struct api_ctx *c;
	json_t *items;
};

static enum ds_rc add_household(const struct store_household *h, void *arg)
{
	struct hh_listing *l = arg;
	json_array_append_new(l->items, json_pack("{s:s, s:s, s:s, s:s, s:i}", "id", h->rec.id, "area",
						  h->rec.area, "number", h->rec.number, "address",
						  h->rec.address, "type", h->rec.type));
	api_audit_in(l->c, "list", "household", h->rec.id, h->rec.area, "ok");
	return DS_OK;
}

void h_household_list(struct api_ctx *c)
{
	char area[16], number[16];
	size_t size = page_arg(c, "size", 50, c->app->cfg.max_page);
	size_t page = page_arg(c, "page", 1, 100000);
	const char *num = api_query(c, "number", number, sizeof number);
	char *areas = NULL;
	if (api_query(c, "area", area, sizeof area)) {
		if (!api_in_scope(c, area)) {
			api_not_found(c, "area");
			return;
		}
		json_t *a = json_pack("[s]", area);
		areas = json_dumps(a, JSON_COMPACT);
		json_decref(a);
	} else {
		areas = api_scope_areas(c);
	}
	struct hh_listing l = {c, json_array()};
	size_t total = 0;
	enum ds_rc rc = store_households_in(c->st, areas, num, (page - 1) * size, size,
					    add_household, &l);
	if (!rc)
		rc = store_households_count(c->st, areas, num, COUNT_MAX + 1, &total);
	free(areas);
	/* What the book's list shows of each (a page at most): the head's
	 * name, the members today and the poverty of this year, as the
	 * household's own page has them. */
	size_t i;
	json_t *it;
	struct ledger lg = {.st = c->st};
	json_array_foreach(l.items, i, it)
	{
		struct store_household h;
		json_t *v = NULL;
		if (rc || (rc = store_household_get(c->st, json_string_value(json_object_get(it, "id")), 0, &h)) ||
		    (rc = view_household(&lg, &h, false, &v)))
			break;
		json_object_set(it, "head_name", json_object_get(v, "head_name"));
		json_object_set(it, "member_count", json_object_get(v, "member_count"));
		json_object_set(it, "poverty", json_object_get(v, "poverty_now"));
		json_decref(v);
	}
	if (rc) {
		json_decref(l.items);
		api_error(c, 503, "store", "the households could not be read", NULL);
		return;
	}
	api_json(c, 200, page_json(l.items, page, size, total));
}

void h_household_get(struct api_ctx *c)
{
	struct store_household h;
	char checked[REG_ID_MAX + 1];
	if (reg_parse_id(c->params[0], strlen(c->params[0]), checked) != W_NONE ||
	    store_household_get(c->st, checked, 0, &h) != DS_OK || !api_in_scope(c, h.rec.area)) {
		api_not_found(c, "id");
		return;
	}
	struct ledger lg = {.st = c->st};
	json_t *v = NULL;
	if (view_household(&lg, &h, true, &v)) {
		api_error(c, 503, "store", "the household could not be read", NULL);
		return;
	}
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(v, "members"), i, m)
		api_audit_in(c, "read", "person", json_string_value(json_object_get(m, "id")), h.rec.area,
			     "ok");
	/* The area by its name on today's map, for a page that speaks in names. */
	const struct eng_view *ev = engine_read(c->app->engine);
	const struct reg_unit *au = reg_units_resolve(eng_units(ev), h.rec.area, day_today());
	json_object_set_new(v, "area_name", json_string(au ? au->name : h.rec.area));
	engine_read_end(ev);
	/* The history names persons who have left too: reads of them. */
	json_array_foreach(json_object_get(v, "history"), i, m)
		if (json_object_get(m, "person_name"))
			api_audit_in(c, "read_name", "person",
				     json_string_value(json_object_get(json_object_get(m, "event"), "person")),
				     h.rec.area, "ok");
	api_audit_in(c, "read", "household", h.rec.id, h.rec.area, "ok");
	api_json(c, 200, v);
}

void h_event_get(struct api_ctx *c)
{
	uint8_t id[16];
	struct store_event e;
	if (!reg_uuid_parse(c->params[0], strlen(c->params[0]), id) ||
	    store_event_by_id(c->st, id, &e) != DS_OK) {
		api_not_found(c, "id");
		return;
	}
	/* In scope when the household it names, or its subject's, is. */
	struct store_household h;
	struct store_person p;
	bool in = false;
	if (e.fact.hh && store_household_get(c->st, NULL, e.fact.hh, &h) == DS_OK)
		in = api_in_scope(c, h.rec.area);
	if (!in && e.fact.person > 0 && store_person_get(c->st, NULL, e.fact.person, &p) == DS_OK &&
	    store_household_get(c->st, NULL, p.cur_hh, &h) == DS_OK)
		in = api_in_scope(c, h.rec.area);
	if (!in) {
		api_not_found(c, "id");
		return;
	}
	json_t *body = e.body ? json_loads(e.body, 0, NULL) : NULL;
	json_t *o = json_pack("{s:I, s:o, s:I, s:s}", "seq", (json_int_t)e.fact.seq, "event",
			      body ? body : json_null(), "recorded_at", (json_int_t)e.recorded_at,
			      "recorded_by", e.recorded_by);
	if (e.voided_by)
		json_object_set_new(o, "voided_by", json_integer(e.voided_by));
	api_audit_in(c, "read", "event", c->params[0], h.rec.area, "ok");
	/* An event carries a person's data (an arrival the whole record): it
	 * is a read of the persons it names, in their access log. */
	int64_t named[2] = {e.fact.person, e.fact.type == EV_BIRTH ? e.fact.other : 0};
	for (int k = 0; k < 2; k++)
		if (named[k] > 0 && store_person_get(c->st, NULL, named[k], &p) == DS_OK)
			api_audit_in(c, "read_event", "person", p.rec.id, p.cur_area, "ok");
	api_json(c, 200, o);
}

/* ---- writes ---- */

static json_t *problem_json(struct api_ctx *c, const struct ds_problem *p)
{
	return json_pack("{s:s, s:s, s:o}", "code", ds_why_code(p->why), "message",
			 strcmp(c->lang, "vi") == 0 ? ds_why_vi(p->why) : ds_why_en(p->why), "field",
			 p->field[0] ? json_string(p->field) : json_null());
}

static bool missing_record(enum ds_why w)
{
	return w == W_NO_PERSON || w == W_NO_HOUSEHOLD || w == W_NO_EVENT || w == W_NO_UNIT;
}

/*
 * A request's events on their way to the writer: parsed here, recorded by
 * the writer (record_events), answered by the continuation.
 */
struct ev_write {
	struct reg_event *events;
	char **texts; /* each event's canonical text, made where it was parsed */
	size_t n;
	struct ledger_result *results;
	/* batches: the position of each event in the request, and the answers
	 * already known (events that did not parse), one slot per position */
	size_t *index;
	json_t *slots;
};

struct exit_find {
	int64_t rid;
	struct store_event e;
	bool found;
	char by[64];
};

static enum ds_rc find_exit(const struct store_event *e, void *arg)
{
	struct exit_find *f = arg;
	if (!e->voided_by && e->fact.person == f->rid &&
	    (e->fact.type == EV_DEATH || e->fact.type == EV_MOVE_OUT)) {
		f->e = *e;
		f->e.body = NULL;
		snprintf(f->by, sizeof f->by, "%s", e->recorded_by);
		f->found = true;
	}
	return DS_OK;
}

/*
 * A refusal because the person's death or move out is already recorded
 * (by the commune officer, say, while the phone was offline): what was
 * recorded, by whom and when, so that the collaborator sees the conflict
 * and not only a refusal.  Nothing is decided by the last write.
 */
static void add_conflict(struct api_ctx *c, const struct reg_event *ev, json_t *o)
{
	struct store_person p;
	struct exit_find f = {0};
	if (!api_scoped_person(c, ev->person, &p))
		return;
	f.rid = p.rid;
	if (store_events_about(c->st, p.rid, 0, find_exit, &f) || !f.found)
		return;
	char id[REG_UUID_TEXT], day[11];
	reg_uuid_format(f.e.id, id);
	day_format(f.e.fact.date, day);
	json_t *k = json_pack("{s:s, s:s, s:s, s:s, s:I}", "event", id, "type",
			      reg_etype_name((enum reg_etype)f.e.fact.type), "date", day, "by", f.by,
			      "recorded_at", (json_int_t)f.e.recorded_at);
	api_add_by_name(c, k);
	json_object_set_new(o, "conflict", k);
}

/* One record's result: {status, seq, error, warning, conflict}. */
static json_t *result_json(struct api_ctx *c, const struct ev_write *w, size_t i, int *http)
{
	char id[REG_UUID_TEXT];
	reg_uuid_format(w->events[i].id, id);
	const struct ledger_result *r = &w->results[i];
	json_t *o = json_pack("{s:s}", "id", id);
	if (r->outcome == LEDGER_REFUSED && missing_record(r->problem.why)) {
		/* Out of scope and absent look the same. */
		json_object_set_new(o, "status", json_string("not_found"));
		json_object_set_new(o, "error", json_pack("{s:s, s:s, s:n}", "code", "not_found",
							  "message",
							  strcmp(c->lang, "vi") == 0 ? "Không tìm thấy."
										     : "No such record.",
							  "field"));
		*http = 404;
	} else if (r->outcome == LEDGER_RECORDED) {
		json_object_set_new(o, "status", json_string("recorded"));
		json_object_set_new(o, "seq", json_integer(r->fact.seq));
		if (r->warned)
			json_object_set_new(o, "warning", problem_json(c, &r->warning));
		*http = 201;
	} else if (r->outcome == LEDGER_DUPLICATE) {
		json_object_set_new(o, "status", json_string("duplicate"));
		json_object_set_new(o, "seq", json_integer(r->fact.seq));
		*http = 200;
	} else {
		json_object_set_new(o, "status", json_string("refused"));
		json_object_set_new(o, "error", problem_json(c, &r->problem));
		if (r->problem.why == W_ALREADY_DEAD || r->problem.why == W_AFTER_EXIT)
			add_conflict(c, &w->events[i], o);
		*http = r->problem.why == W_EVENT_ID_REUSED ? 409 : 422;
	}
	return o;
}

static void write_free(struct ev_write *w)
{
	for (size_t i = 0; w->texts && i < w->n; i++)
		free(w->texts[i]);
	free(w->texts);
	free(w->events);
	free(w->results);
	free(w->index);
	json_decref(w->slots);
	free(w);
}

static struct ev_write *write_new(size_t n)
{
	struct ev_write *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->events = calloc(n + 1, sizeof *w->events);
	w->texts = calloc(n + 1, sizeof *w->texts);
	w->results = calloc(n + 1, sizeof *w->results);
	w->index = calloc(n + 1, sizeof *w->index);
	if (!w->events || !w->texts || !w->results || !w->index) {
		write_free(w);
		return NULL;
	}
	return w;
}

struct scope_arg {
	struct api_app *app;
	const struct api_user *user;
};

static bool user_scope(void *arg, const char *area)
{
	struct scope_arg *s = arg;
	return api_user_covers(s->app, s->user, area);
}

/*
 * A refusal because an id or a national id is already held, somewhere:
 * uniqueness cannot be kept without saying so, so what it tells is made
 * dear.  Each is audited, and past a few in an hour the user's writes wait
 * (api_limit), as wrong passwords do.
 */
#define FREE_PROBES 10

static bool is_probe(enum ds_why why)
{
	return why == W_DUP_ID || why == W_DUP_NATIONAL_ID || why == W_EVENT_ID_REUSED;
}

static void probe_key(const struct api_user *user, char key[API_LIMIT_KEY])
{
	snprintf(key, API_LIMIT_KEY, "p:%s", user->login);
}

static enum ds_rc note_probe(struct api_app *app, struct store *st, const struct api_user *user,
			     const struct reg_event *ev, const struct ds_problem *pb)
{
	if (!is_probe(pb->why))
		return DS_OK;
	char id[REG_UUID_TEXT], key[API_LIMIT_KEY];
	reg_uuid_format(ev->id, id);
	probe_key(user, key);
	api_limit_fail(app, key, FREE_PROBES, (int64_t)time(NULL));
	return api_audit_now(st, user, ds_why_code(pb->why), "event", id, "refused");
}

/* The seconds the user's writes wait for their probes; 0: none. */
static int64_t probe_wait(struct api_app *app, const struct api_user *user)
{
	char key[API_LIMIT_KEY];
	probe_key(user, key);
	return api_limit_wait(app, key, (int64_t)time(NULL));
}

static void answer_throttled(struct api_ctx *c, int64_t wait)
{
	char retry[24];
	snprintf(retry, sizeof retry, "%lld", (long long)(wait > 0 ? wait : 1));
	http_add_header(c->rs, "Retry-After", retry);
	api_error(c, 429, "throttled",
		  strcmp(c->lang, "vi") == 0 ? "Quá nhiều mã trùng. Vui lòng thử lại sau ít phút."
					     : "Too many ids already in use. Try again in a few minutes.",
		  NULL);
}

/* 429 when the user's probes wait; true when the write may go on. */
static bool probes_allowed(struct api_ctx *c)
{
	int64_t wait = probe_wait(c->app, &c->user);
	if (!wait)
		return true;
	answer_throttled(c, wait);
	return false;
}

/* The writer's part: every event through the ledger, everything it names
 * checked against the caller's scope. */
static enum ds_rc record_events(struct api_app *app, struct store *st, const struct api_user *user,
				void *arg)
{
	struct ev_write *w = arg; /* the ledger writes through st too: the writer's store */
	struct scope_arg sa = {app, user};
	app->ledger.scope = user_scope;
	app->ledger.scope_arg = &sa;
	enum ds_rc rc = DS_OK;
	uint64_t recorded = 0, refused = 0;
	for (size_t i = 0; i < w->n && !rc; i++) {
		/* Once the free probes are used up, the rest of a batch waits as
		 * a single event would: one request tells no more than the
		 * allowance (and one), whatever its size. */
		if (probe_wait(app, user)) {
			w->results[i].outcome = LEDGER_REFUSED;
			ds_problem_set(&w->results[i].problem, NULL, 0, NULL, W_THROTTLED);
			refused++;
			continue;
		}
		rc = ledger_record_text(&app->ledger, &w->events[i], w->texts[i], user->login,
					&w->results[i]);
		recorded += !rc && w->results[i].outcome == LEDGER_RECORDED;
		refused += !rc && w->results[i].outcome == LEDGER_REFUSED;
		if (!rc && w->results[i].outcome == LEDGER_REFUSED)
			rc = note_probe(app, st, user, &w->events[i], &w->results[i].problem);
	}
	app->ledger.scope = NULL;
	pthread_mutex_lock(&app->mlock);
	app->events_recorded += recorded;
	app->events_refused += refused;
	pthread_mutex_unlock(&app->mlock);
	return rc;
}

/* Queues w for the writer, or answers that the server is stopping. */
static void submit(struct api_ctx *c, struct ev_write *w, api_done_fn done)
{
	if (!api_write(c, record_events, done, w)) {
		write_free(w);
		api_error(c, 503, "stopping", "the server is stopping; send it again", NULL);
	}
}

static void event_answer(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct ev_write *w = arg;
	if (rc) {
		api_error(c, 503, "store", "the event could not be stored; send it again", NULL);
	} else {
		/* Another request of the user's used up the free probes while
		 * this one was waiting for the writer. */
		if (w->results[0].outcome == LEDGER_REFUSED && w->results[0].problem.why == W_THROTTLED) {
			answer_throttled(c, probe_wait(c->app, &c->user));
		} else {
			int status = 500;
			json_t *r = result_json(c, w, 0, &status);
			api_json(c, status, r);
		}
	}
	write_free(w);
}

void h_event_post(struct api_ctx *c)
{
	if (!probes_allowed(c))
		return;
	json_t *b = api_body(c);
	if (!b)
		return;
	struct ev_write *w = write_new(1);
	if (!w) {
		json_decref(b);
		api_error(c, 503, "memory", "out of memory", NULL);
		return;
	}
	struct ds_problem pb;
	memset(&pb, 0, sizeof pb);
	enum ds_rc rc = reg_event_parse(b, &w->events[0], &pb);
	json_decref(b);
	if (rc) {
		api_problem(c, 422, &pb);
		write_free(w);
		return;
	}
	w->n = 1;
	if (!(w->texts[0] = reg_event_text(&w->events[0]))) {
		write_free(w);
		api_error(c, 503, "memory", "out of memory", NULL);
		return;
	}
	submit(c, w, event_answer);
}

/* {"results": [one per event, in order], "recorded", "duplicates", "refused", "not_found"} */
static void batch_json(struct api_ctx *c, struct ev_write *w, enum ds_rc rc)
{
	for (size_t k = 0; k < w->n; k++) {
		int status;
		json_t *r = rc ? json_pack("{s:s}", "status", "failed") : result_json(c, w, k, &status);
		json_array_set_new(w->slots, w->index[k], r);
	}
	int counts[4] = {0};
	size_t i;
	json_t *r;
	json_array_foreach(w->slots, i, r)
	{
		json_object_set_new(r, "index", json_integer((json_int_t)i));
		const char *s = json_string_value(json_object_get(r, "status"));
		counts[strcmp(s, "recorded") == 0 ? 0 : strcmp(s, "duplicate") == 0 ? 1
						    : strcmp(s, "not_found") == 0 ? 3 : 2]++;
	}
	api_json(c, rc ? 503 : 200,
		 json_pack("{s:O, s:i, s:i, s:i, s:i}", "results", w->slots, "recorded", counts[0],
			   "duplicates", counts[1], "refused", counts[2], "not_found", counts[3]));
}

static void batch_answer(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	batch_json(c, arg, rc);
	write_free(arg);
}

void h_event_batch(struct api_ctx *c)
{
	if (!probes_allowed(c))
		return;
	json_t *b = api_body(c);
	if (!b)
		return;
	json_t *events = json_is_array(b) ? b : json_object_get(b, "events");
	size_t n = json_array_size(events);
	if (!json_is_array(events) || n == 0 || n > c->app->cfg.max_batch) {
		char msg[120];
		snprintf(msg, sizeof msg, "give \"events\": an array of 1 to %zu events",
			 c->app->cfg.max_batch);
		api_error(c, n > c->app->cfg.max_batch ? 413 : 400, n ? "batch_too_large" : "required", msg,
			  "events");
		json_decref(b);
		return;
	}
	struct ev_write *w = write_new(n);
	if (!w || !(w->slots = json_array())) {
		if (w)
			write_free(w);
		json_decref(b);
		api_error(c, 503, "memory", "out of memory", NULL);
		return;
	}
	/* Events that do not parse are answered now; the rest go to the writer. */
	for (size_t i = 0; i < n; i++) {
		struct ds_problem pb;
		memset(&pb, 0, sizeof pb);
		json_t *item = json_array_get(events, i);
		json_t *slot = json_null();
		if (reg_event_parse(item, &w->events[w->n], &pb)) {
			slot = json_pack("{s:s, s:o}", "status", "refused", "error", problem_json(c, &pb));
			const char *id = json_string_value(json_object_get(item, "id"));
			if (id)
				json_object_set_new(slot, "id", json_string(id));
		} else if (!(w->texts[w->n] = reg_event_text(&w->events[w->n]))) {
			json_decref(b);
			write_free(w);
			api_error(c, 503, "memory", "out of memory", NULL);
			return;
		} else {
			w->index[w->n++] = i;
		}
		json_array_append_new(w->slots, slot);
	}
	json_decref(b);
	if (w->n == 0) {
		batch_answer(c, w, DS_OK);
		return;
	}
	submit(c, w, batch_answer);
}
