/*
 * The collaborator's offline book (GET /api/v1/book) and its changes since
 * an event sequence (GET /api/v1/book/changes): what the phone keeps to
 * record without a connection (spec sync.md).
 *
 * One collaborator area at a time, in the caller's scope: a collaborator's
 * own area by default, or an area of an officer's commune.  An area outside
 * the scope reads exactly as one that does not exist.  The book is compact:
 * rows as arrays under a list of field names, only the present persons and
 * only the facts a form needs; nothing else of a person (no national id,
 * insurance number or history).  Every person sent is audited before the
 * answer ("offline_book").
 *
 * The sequence answered is the log's when the reading began: a change
 * recorded meanwhile may already show, and comes again with the next
 * changes (the phone replaces rows, so twice is harmless).
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/day.h"
#include "base/grow.h"
#include "ledger/view.h"

/* More events than this since the phone's sequence: it fetches the whole book again. */
#define BOOK_MAX_CHANGES 20000

static const char *const household_fields[] = {"id", "number", "address", "type", "poverty", "head", NULL};
static const char *const person_fields[] = {"id",      "name", "sex", "birth",    "household", "relation",
					    "marital", "fp",   "pregnancy", "elderly_check", NULL};

static json_t *names(const char *const *v)
{
	json_t *a = json_array();
	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

/* The area asked for (or the user's own), when it is a collaborator area in
 * the caller's scope; else answers and returns false. */
static bool book_area(struct api_ctx *c, char area[REG_UNIT_CODE_MAX + 1], char *name, size_t namesz)
{
	char a[32];
	if (!api_query(c, "area", a, sizeof a))
		snprintf(a, sizeof a, "%s", c->user.unit);
	if (!a[0]) {
		api_error(c, 400, "required", api_tr(c, "Cần chọn địa bàn.", "give area"), "area");
		return false;
	}
	const struct eng_view *v = engine_read(c->app->engine);
	const struct reg_unit *u = reg_units_at(eng_units(v), a, day_today());
	bool ok = u && u->level == LVL_AREA && strlen(u->code) <= REG_UNIT_CODE_MAX;
	if (ok) {
		snprintf(area, REG_UNIT_CODE_MAX + 1, "%s", u->code);
		snprintf(name, namesz, "%s", u->name);
	}
	engine_read_end(v);
	if (!ok || !api_in_scope(c, area)) {
		api_not_found(c, "area");
		return false;
	}
	return true;
}

/* ---- rows ---- */

static json_t *date_or_null(int32_t d)
{
	char buf[11];
	if (d == DAY_NONE || d == DAY_MAX)
		return json_null();
	day_format(d, buf);
	return json_string(buf);
}

/* A person's row: the state as of today and the last pregnancy and elderly check. */
static enum ds_rc person_row(struct api_ctx *c, const struct store_person *p, json_t **out)
{
	struct reg_fact *facts = NULL;
	size_t n = 0;
	enum ds_rc rc = store_person_facts(c->st, p->rid, false, &facts, &n);
	if (rc)
		return rc;
	struct ledger lg = {.st = c->st};
	struct reg_state s;
	ledger_state_from(&lg, p, facts, n, DAY_MAX - 1, &s);
	const struct reg_fact *preg = NULL, *elder = NULL;
	for (size_t i = 0; i < n; i++) {
		if (facts[i].voided || facts[i].person != p->rid)
			continue;
		if (facts[i].type == EV_PREGNANCY && (!preg || facts[i].date >= preg->date))
			preg = &facts[i];
		if (facts[i].type == EV_ELDERLY_CHECK && (!elder || facts[i].date >= elder->date))
			elder = &facts[i];
	}
	char birth[11];
	day_format_partial(s.birth, (enum day_prec)p->rec.birth_prec, birth);
	json_t *pg = json_null();
	if (preg)
		pg = json_pack("[o, s]", date_or_null(preg->date),
			       reg_outcome_name((enum reg_outcome)reg_pregnancy_outcome(preg->a)));
	*out = json_pack("[s, s, i, s, s, i, i, i, o, o]", p->rec.id, p->cur_name, s.sex, birth,
			 p->cur_household, s.relation, s.marital, s.fp_method, pg,
			 date_or_null(elder ? elder->date : DAY_NONE));
	free(facts);
	return DS_OK;
}

/* A household's row, with its household_change events applied. */
static enum ds_rc household_row(struct api_ctx *c, const struct store_household *h, json_t **out)
{
	struct ledger lg = {.st = c->st};
	json_t *v = NULL;
	enum ds_rc rc = view_household(&lg, h, false, &v);
	if (rc)
		return rc;
	/* The poverty status of the latest year assessed, else the baseline's. */
	json_t *poverty = json_object_get(v, "poverty");
	const char *year, *best = NULL;
	json_t *x;
	json_object_foreach(json_object_get(v, "poverty_by_year"), year, x)
	{
		if (!best || strcmp(year, best) > 0) {
			best = year;
			poverty = x;
		}
	}
	json_t *head = json_object_get(v, "head");
	*out = json_pack("[O, O, O, O, O, O]", json_object_get(v, "id"), json_object_get(v, "number"),
			 json_object_get(v, "address"), json_object_get(v, "type"), poverty,
			 head ? head : json_null());
	json_decref(v);
	return DS_OK;
}

/* ---- the whole book ---- */

struct hh_list {
	struct store_household *v;
	size_t n, cap;
};

static enum ds_rc keep_household(const struct store_household *h, void *arg)
{
	struct hh_list *l = arg;
	if (!ds_grow(&l->v, sizeof *l->v, &l->cap, l->n, 64))
		return DS_ENOMEM;
	l->v[l->n++] = *h;
	return DS_OK;
}

struct book {
	struct api_ctx *c;
	const char *area;
	json_t *persons;
};

static enum ds_rc add_member(const struct store_person *p, void *arg)
{
	struct book *b = arg;
	if (p->exit != DAY_MAX)
		return DS_OK;
	json_t *row = NULL;
	enum ds_rc rc = person_row(b->c, p, &row);
	if (rc)
		return rc;
	json_array_append_new(b->persons, row);
	api_audit_in(b->c, "offline_book", "person", p->rec.id, b->area, "ok");
	return DS_OK;
}

static json_t *book_json(const char *area, const char *area_name, int64_t seq)
{
	char today[11];
	day_format(day_today(), today);
	return json_pack("{s:s, s:s, s:I, s:s, s:o, s:[], s:o, s:[]}", "area", area, "area_name", area_name,
			 "seq", (json_int_t)seq, "today", today, "household_fields", names(household_fields),
			 "households", "person_fields", names(person_fields), "persons");
}

void h_book(struct api_ctx *c)
{
	char area[REG_UNIT_CODE_MAX + 1], area_name[REG_TEXT_BYTES];
	if (!book_area(c, area, area_name, sizeof area_name))
		return;
	int64_t seq = store_last_seq(c->st);
	json_t *a = json_pack("[s]", area);
	char *areas = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	struct hh_list l = {0};
	enum ds_rc rc = areas ? store_households_in(c->st, areas, NULL, 0, (size_t)-1 / 2, keep_household, &l)
			      : DS_ENOMEM;
	free(areas);
	json_t *o = book_json(area, area_name, seq);
	struct book b = {c, area, json_object_get(o, "persons")};
	for (size_t i = 0; i < l.n && !rc; i++) {
		json_t *row = NULL;
		rc = household_row(c, &l.v[i], &row);
		if (!rc) {
			json_array_append_new(json_object_get(o, "households"), row);
			rc = store_members(c->st, l.v[i].rid, add_member, &b);
		}
	}
	free(l.v);
	if (rc) {
		json_decref(o);
		api_error(c, 503, "store", api_tr(c, "Chưa đọc được sổ hộ, hãy thử lại.", "the book could not be read"),
			  NULL);
		return;
	}
	json_object_set_new(o, "codes", api_codes_json());
	api_json(c, 200, o);
}

/* ---- changes since a sequence ---- */

struct rids {
	int64_t *v;
	size_t n, cap;
};

static enum ds_rc rid_add(struct rids *r, int64_t rid)
{
	if (rid <= 0)
		return DS_OK;
	if (!ds_grow(&r->v, sizeof *r->v, &r->cap, r->n, 64))
		return DS_ENOMEM;
	r->v[r->n++] = rid;
	return DS_OK;
}

static int rid_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Each rid once, in rid order. */
static void rid_unique(struct rids *r)
{
	if (!r->n)
		return;
	qsort(r->v, r->n, sizeof *r->v, rid_cmp);
	size_t k = 1;
	for (size_t i = 1; i < r->n; i++)
		if (r->v[i] != r->v[k - 1])
			r->v[k++] = r->v[i];
	r->n = k;
}

struct touched {
	struct rids persons, households, voided; /* voided: target seqs of voids */
	size_t events;
};

/* The persons and households an event names (a void: those of its target, later). */
static enum ds_rc note_event(const struct store_event *e, void *arg)
{
	struct touched *t = arg;
	if (++t->events > BOOK_MAX_CHANGES)
		return DS_ELIMIT;
	const struct reg_fact *f = &e->fact;
	if (f->type == EV_VOID)
		return rid_add(&t->voided, f->other);
	enum ds_rc rc = rid_add(&t->persons, f->person);
	if (!rc && (f->type == EV_BIRTH || f->type == EV_MARRIAGE))
		rc = rid_add(&t->persons, f->other);
	if (!rc)
		rc = rid_add(&t->households, f->hh);
	return rc;
}

/* True when the person ever lived in the area: the phone may hold them. */
static bool was_in_area(struct api_ctx *c, const struct store_person *p, const char *area)
{
	struct store_household h;
	if (strcmp(p->cur_area, area) == 0 ||
	    (store_household_get(c->st, NULL, p->hh, &h) == DS_OK && strcmp(h.rec.area, area) == 0))
		return true;
	struct reg_fact *facts = NULL;
	size_t n = 0;
	bool was = false;
	if (store_person_facts(c->st, p->rid, true, &facts, &n) == DS_OK)
		for (size_t i = 0; i < n && !was; i++)
			was = facts[i].type == EV_TRANSFER && facts[i].person == p->rid &&
			      store_household_get(c->st, NULL, facts[i].hh, &h) == DS_OK &&
			      strcmp(h.rec.area, area) == 0;
	free(facts);
	return was;
}

static const char *gone_reason(const struct store_person *p, const char *area)
{
	return strcmp(p->cur_area, area) != 0 ? "left_area" : "exited";
}

void h_book_changes(struct api_ctx *c)
{
	char area[REG_UNIT_CODE_MAX + 1], area_name[REG_TEXT_BYTES], v[24];
	if (!book_area(c, area, area_name, sizeof area_name))
		return;
	int64_t seq = store_last_seq(c->st);
	char *end = NULL;
	long long since = api_query(c, "since", v, sizeof v) ? strtoll(v, &end, 10) : -1;
	if (!end || *end || end == v || since < 0 || since > seq) {
		api_error(c, 400, "bad_number",
			  api_tr(c, "Số thứ tự sự kiện không hợp lệ: hãy tải lại cả sổ.",
				 "since: the book's event sequence, 0 to the log's last"),
			  "since");
		return;
	}
	struct touched t = {0};
	enum ds_rc rc = store_each_event(c->st, since, false, note_event, &t);
	for (size_t i = 0; i < t.voided.n && !rc; i++) {
		struct store_event e;
		if (store_event_by_seq(c->st, t.voided.v[i], &e) == DS_OK) {
			t.events--; /* counted again by note_event */
			rc = note_event(&e, &t);
		}
	}
	rid_unique(&t.persons);
	rid_unique(&t.households);
	json_t *o = NULL;
	if (rc == DS_ELIMIT) {
		/* Too far behind: the whole book is smaller than the changes. */
		o = json_pack("{s:s, s:I, s:b}", "area", area, "seq", (json_int_t)seq, "full", 1);
		rc = DS_OK;
		goto out;
	}
	o = book_json(area, area_name, seq);
	json_object_set_new(o, "since", json_integer(since));
	json_t *gone = json_array();
	json_object_set_new(o, "gone", gone);
	for (size_t i = 0; i < t.households.n && !rc; i++) {
		struct store_household h;
		json_t *row = NULL;
		if (store_household_get(c->st, NULL, t.households.v[i], &h) != DS_OK || strcmp(h.rec.area, area))
			continue;
		rc = household_row(c, &h, &row);
		if (!rc)
			json_array_append_new(json_object_get(o, "households"), row);
	}
	for (size_t i = 0; i < t.persons.n && !rc; i++) {
		struct store_person p;
		if (store_person_get(c->st, NULL, t.persons.v[i], &p) != DS_OK)
			continue;
		if (strcmp(p.cur_area, area) == 0 && p.exit == DAY_MAX) {
			json_t *row = NULL;
			rc = person_row(c, &p, &row);
			if (!rc) {
				json_array_append_new(json_object_get(o, "persons"), row);
				api_audit_in(c, "offline_book", "person", p.rec.id, area, "ok");
			}
		} else if (was_in_area(c, &p, area)) {
			json_array_append_new(gone, json_pack("[s, s]", p.rec.id, gone_reason(&p, area)));
		}
	}
out:
	free(t.persons.v);
	free(t.households.v);
	free(t.voided.v);
	if (rc) {
		json_decref(o);
		api_error(c, 503, "store", api_tr(c, "Chưa đọc được thay đổi, hãy thử lại.", "the changes could not be read"),
			  NULL);
		return;
	}
	api_json(c, 200, o);
}
