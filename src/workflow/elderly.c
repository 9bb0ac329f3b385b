/* The elderly-check programme: sessions, invitations, attendance as events, follow-up and coverage. */
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "records/records.h"
#include "store/register.h"
#include "workflow/elderly.h"
#include "workflow/shareout.h"
#include "report/targets.h"
#include "workflow/worklist.h"

#define EL_MAX_PERSONS 500 /* persons in one invitation or attendance */

static enum ds_rc refuse(struct el_result *res, const char *field, enum ds_why why, bool hidden)
{
	res->refused = true;
	res->hidden = hidden;
	ds_problem_set(&res->problem, "", 0, field, why);
	return DS_OK;
}

static bool covers(const struct el_scope *sc, const char *unit)
{
	return !sc || !sc->covers || sc->covers(sc->arg, unit);
}

/* ---- sessions from the book ---- */

struct el_sess {
	uint8_t id[16];
	char id_text[REG_UUID_TEXT];
	char unit[REG_UNIT_CODE_MAX + 1];
	int32_t date;
	char place[REG_TEXT_BYTES];
	int capacity;
	json_t *areas; /* owned */
};

static void sess_take(struct el_sess *s, const struct rec_entry *e)
{
	memcpy(s->id, e->id, 16);
	reg_uuid_format(e->id, s->id_text);
	snprintf(s->unit, sizeof s->unit, "%s", e->unit);
	s->date = e->date;
	snprintf(s->place, sizeof s->place, "%s", json_string_value(json_object_get(e->body, "place")));
	s->capacity = (int)json_integer_value(json_object_get(e->body, "capacity"));
	s->areas = json_deep_copy(json_object_get(e->body, "areas"));
}

struct find_sess {
	const char *key;
	struct el_sess *s;
	bool found;
};

static bool find_one(const struct rec_entry *e, void *arg)
{
	struct find_sess *f = arg;
	if (e->cancel || strcmp(e->key, f->key) != 0)
		return true;
	sess_take(f->s, e);
	f->found = true;
	return false;
}

static bool sess_visible(const struct el_sess *s, const struct el_scope *sc)
{
	size_t i;
	json_t *a;
	json_array_foreach(s->areas, i, a)
		if (covers(sc, json_string_value(a)))
			return true;
	return false;
}

static bool sess_has_area(const struct el_sess *s, const char *area)
{
	size_t i;
	json_t *a;
	json_array_foreach(s->areas, i, a)
		if (strcmp(json_string_value(a), area) == 0)
			return true;
	return false;
}

/* The session named by id text, when it exists and is visible. */
static bool sess_get(struct rec_book *b, const char *id, const struct el_scope *sc, struct el_sess *s)
{
	uint8_t raw[16];
	char key[REG_UUID_TEXT];
	memset(s, 0, sizeof *s);
	if (!id || !reg_uuid_parse(id, strlen(id), raw))
		return false;
	reg_uuid_format(raw, key);
	struct find_sess f = {.key = key, .s = s};
	rec_book_each(b, "elderly_session", find_one, &f);
	if (f.found && sess_visible(s, sc))
		return true;
	json_decref(s->areas);
	s->areas = NULL;
	return false;
}

/* The invitations of a session: person id -> the area they were invited in. */
struct invites {
	const char *prefix; /* "<session>/" */
	size_t plen;
	json_t *by_person; /* {"E1": "2673400101"} */
};

static bool invite_one(const struct rec_entry *e, void *arg)
{
	struct invites *iv = arg;
	if (!e->cancel && strncmp(e->key, iv->prefix, iv->plen) == 0)
		json_object_set_new(iv->by_person, e->key + iv->plen, json_string(e->unit));
	return true;
}

static json_t *sess_invites(struct rec_book *b, const struct el_sess *s)
{
	char prefix[REG_UUID_TEXT + 1];
	snprintf(prefix, sizeof prefix, "%s/", s->id_text);
	struct invites iv = {.prefix = prefix, .plen = strlen(prefix), .by_person = json_object()};
	rec_book_each(b, "elderly_invite", invite_one, &iv);
	return iv.by_person;
}

/* ---- scheduling ---- */

static enum ds_rc check_schedule(const struct reg_units *units, const struct el_schedule_rq *rq,
				 const struct el_scope *sc, int32_t *day, struct el_result *res)
{
	int32_t today = day_today();
	if (!rq->unit || !rq->unit[0])
		return refuse(res, "unit", W_REQUIRED, false);
	const struct reg_unit *u = reg_units_at(units, rq->unit, today);
	if (!u || !covers(sc, rq->unit))
		return refuse(res, "unit", W_NO_UNIT, true);
	if (u->level != LVL_COMMUNE)
		return refuse(res, "unit", W_BAD_LEVEL, false);
	if (!rq->date || !rq->date[0])
		return refuse(res, "date", W_REQUIRED, false);
	if (!day_parse(rq->date, strlen(rq->date), day))
		return refuse(res, "date", W_BAD_DATE, false);
	if (*day < today)
		return refuse(res, "date", W_SESSION_PAST, false);
	if (!json_is_array(rq->areas))
		return refuse(res, "areas", rq->areas ? W_JSON_TYPE : W_REQUIRED, false);
	size_t i;
	json_t *a;
	json_array_foreach(rq->areas, i, a)
	{
		char field[DS_FIELD_MAX];
		snprintf(field, sizeof field, "areas[%zu]", i);
		const char *code = json_string_value(a);
		const struct reg_unit *au = code ? reg_units_at(units, code, *day) : NULL;
		if (!au || au->level != LVL_AREA || !reg_units_within(units, code, rq->unit, *day))
			return refuse(res, field, W_NOT_AREA, false);
	}
	return DS_OK;
}

enum ds_rc el_schedule(struct store *st, const struct reg_units *units, const struct el_schedule_rq *rq,
		       const struct el_scope *sc, const char *by, struct el_result *res)
{
	memset(res, 0, sizeof *res);
	int32_t day;
	enum ds_rc rc = check_schedule(units, rq, sc, &day, res);
	if (rc || res->refused)
		return rc;
	uint8_t raw[16];
	rec_new_id(raw);
	reg_uuid_format(raw, res->id);
	json_t *body = json_object();
	if (rq->place)
		json_object_set_new(body, "place", json_string(rq->place));
	if (rq->capacity)
		json_object_set(body, "capacity", rq->capacity);
	json_object_set(body, "areas", rq->areas);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", res->id, "kind", "elderly_session", "unit",
			      rq->unit, "date", rq->date, "body", body);
	struct rec r;
	struct ds_problem pb;
	if (!o)
		return DS_ENOMEM;
	if (rec_parse(o, &r, &pb)) {
		json_decref(o);
		rec_free(&r);
		const char *f = strncmp(pb.field, "body.", 5) == 0 ? pb.field + 5 : pb.field;
		return refuse(res, f, pb.why, false);
	}
	json_decref(o);
	struct rec_result rr;
	rc = rec_record(st, units, &r, by, &rr);
	rec_free(&r);
	if (!rc && rr.outcome == REC_REFUSED)
		return refuse(res, rr.problem.field, rr.problem.why, false);
	res->added = !rc && rr.outcome == REC_RECORDED;
	return rc;
}

/* ---- invitations and attendance: the persons of a request ---- */

/* Person i of the request, present in the register and in scope, or refused as absent. */
static bool request_person(struct store *st, json_t *persons, size_t i, const struct el_scope *sc,
			   struct store_person *p, char field[DS_FIELD_MAX], struct el_result *res)
{
	snprintf(field, DS_FIELD_MAX, "persons[%zu]", i);
	const char *id = json_string_value(json_array_get(persons, i));
	if (!id || store_person_get(st, id, 0, p) != DS_OK || !covers(sc, p->cur_area)) {
		refuse(res, field, W_NO_PERSON, true);
		return false;
	}
	return true;
}

static bool check_persons(json_t *persons, struct el_result *res)
{
	if (!json_is_array(persons) || json_array_size(persons) == 0) {
		refuse(res, "persons", persons && !json_is_array(persons) ? W_JSON_TYPE : W_REQUIRED, false);
		return false;
	}
	if (json_array_size(persons) > EL_MAX_PERSONS) {
		refuse(res, "persons", W_TOO_LONG, false);
		return false;
	}
	return true;
}

static enum ds_rc record_invite(struct store *st, const struct reg_units *units, const struct el_sess *s,
				const struct store_person *p, const char *by, struct el_result *res)
{
	char id[REG_UUID_TEXT], date[11];
	uint8_t raw[16];
	rec_new_id(raw);
	reg_uuid_format(raw, id);
	day_format(s->date, date);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "id", id, "kind", "elderly_invite", "unit",
			      p->cur_area, "date", date, "body", "session", s->id_text, "person", p->rec.id);
	struct rec r;
	struct ds_problem pb;
	if (!o)
		return DS_ENOMEM;
	enum ds_rc rc = rec_parse(o, &r, &pb);
	json_decref(o);
	struct rec_result rr = {0};
	if (!rc)
		rc = rec_record(st, units, &r, by, &rr);
	rec_free(&r);
	if (rc == DS_EINPUT)
		return refuse(res, "persons", pb.why, false);
	if (!rc && rr.outcome == REC_REFUSED)
		return refuse(res, "persons", rr.problem.why, false);
	return rc;
}

/* Checks every person of an invitation; *fresh gets the indexes to record. */
static void check_invites(struct store *st, const struct el_sess *s, json_t *persons, json_t *invited,
			  const struct el_scope *sc, bool *fresh, struct el_result *res)
{
	size_t i;
	json_t *x;
	json_array_foreach(persons, i, x)
	{
		struct store_person p;
		char field[DS_FIELD_MAX];
		if (!request_person(st, persons, i, sc, &p, field, res))
			return;
		if (p.exit != DAY_MAX) {
			refuse(res, field, W_NOT_PRESENT, false);
			return;
		}
		if (!sess_has_area(s, p.cur_area)) {
			refuse(res, field, W_OUTSIDE_SESSION, false);
			return;
		}
		if (day_age(p.rec.birth, s->date) < 60) {
			refuse(res, field, W_NOT_ELDERLY, false);
			return;
		}
		bool twice = false;
		for (size_t j = 0; j < i && !twice; j++)
			twice = json_equal(x, json_array_get(persons, j));
		fresh[i] = !twice && !json_object_get(invited, p.rec.id);
		res->added += fresh[i];
		res->already += !fresh[i];
	}
	if (json_object_size(invited) + res->added > (size_t)s->capacity)
		refuse(res, "persons", W_SESSION_FULL, false);
}

enum ds_rc el_invite(struct store *st, struct rec_book *b, const struct reg_units *units, const char *session,
		     json_t *persons, const struct el_scope *sc, const char *by, struct el_result *res)
{
	memset(res, 0, sizeof *res);
	struct el_sess s;
	if (!sess_get(b, session, sc, &s))
		return refuse(res, "session", W_NO_RECORD, true);
	enum ds_rc rc = DS_OK;
	json_t *invited = NULL;
	bool *fresh = NULL;
	if (s.date < day_today()) {
		refuse(res, "session", W_SESSION_PAST, false);
		goto out;
	}
	if (!check_persons(persons, res))
		goto out;
	invited = sess_invites(b, &s);
	fresh = calloc(json_array_size(persons), sizeof *fresh);
	if (!fresh || !invited) {
		rc = DS_ENOMEM;
		goto out;
	}
	check_invites(st, &s, persons, invited, sc, fresh, res);
	if (res->refused || !res->added)
		goto out;
	if ((rc = store_savepoint(st)))
		goto out;
	for (size_t i = 0; i < json_array_size(persons) && !rc && !res->refused; i++) {
		struct store_person p;
		if (fresh[i] && !(rc = store_person_get(st, json_string_value(json_array_get(persons, i)), 0, &p)))
			rc = record_invite(st, units, &s, &p, by, res);
	}
	rc = rc ? rc : res->refused ? store_rollback_to(st) : store_release(st);
out:
	free(fresh);
	json_decref(invited);
	json_decref(s.areas);
	return rc;
}

void el_check_id(const uint8_t session[16], const char *person, uint8_t out[16])
{
	crypto_generichash_state h;
	static const char tag[] = "danso elderly_check";
	crypto_generichash_init(&h, NULL, 0, 16);
	crypto_generichash_update(&h, (const unsigned char *)tag, sizeof tag);
	crypto_generichash_update(&h, session, 16);
	crypto_generichash_update(&h, (const unsigned char *)person, strlen(person));
	crypto_generichash_final(&h, out, 16);
	out[6] = (uint8_t)((out[6] & 0x0F) | 0x80); /* version 8: made from names, RFC 9562 */
	out[8] = (uint8_t)((out[8] & 0x3F) | 0x80);
}

/* The elderly_check event of person at session s. */
static enum ds_rc check_event(const struct el_sess *s, const char *person, struct reg_event *ev)
{
	uint8_t raw[16];
	char id[REG_UUID_TEXT], date[11];
	el_check_id(s->id, person, raw);
	reg_uuid_format(raw, id);
	day_format(s->date, date);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "type", "elderly_check", "date", date,
			      "person", person, "facility", s->place);
	struct ds_problem pb;
	enum ds_rc rc = o ? reg_event_parse(o, ev, &pb) : DS_ENOMEM;
	json_decref(o);
	return rc;
}

static void check_attendance(struct store *st, const struct el_sess *s, json_t *persons, json_t *invited,
			     const struct el_scope *sc, struct el_result *res)
{
	for (size_t i = 0; i < json_array_size(persons); i++) {
		struct store_person p;
		char field[DS_FIELD_MAX];
		if (!request_person(st, persons, i, sc, &p, field, res))
			return;
		if (day_age(p.rec.birth, s->date) < 60) {
			refuse(res, field, W_NOT_ELDERLY, false);
			return;
		}
		if (!json_object_get(invited, p.rec.id)) {
			refuse(res, field, W_NOT_INVITED, false);
			return;
		}
	}
}

static enum ds_rc record_checks(struct ledger *lg, const struct el_sess *s, json_t *persons, const char *by,
				struct el_result *res)
{
	enum ds_rc rc = store_savepoint(lg->st);
	for (size_t i = 0; i < json_array_size(persons) && !rc && !res->refused; i++) {
		struct reg_event ev;
		struct ledger_result lr;
		const char *person = json_string_value(json_array_get(persons, i));
		if ((rc = check_event(s, person, &ev)))
			break;
		if ((rc = ledger_record(lg, &ev, by, &lr)))
			break;
		if (lr.outcome == LEDGER_REFUSED) {
			char field[DS_FIELD_MAX];
			snprintf(field, sizeof field, "persons[%zu]", i);
			bool absent = lr.problem.why == W_NO_PERSON || lr.problem.why == W_NO_HOUSEHOLD;
			refuse(res, field, lr.problem.why, absent);
		}
		res->added += lr.outcome == LEDGER_RECORDED;
		res->already += lr.outcome == LEDGER_DUPLICATE;
	}
	if (rc)
		return rc;
	if (res->refused) {
		res->added = res->already = 0;
		return store_rollback_to(lg->st);
	}
	return store_release(lg->st);
}

enum ds_rc el_attend(struct ledger *lg, struct rec_book *b, const char *session, json_t *persons,
		     const struct el_scope *sc, const char *by, struct el_result *res)
{
	memset(res, 0, sizeof *res);
	struct el_sess s;
	if (!sess_get(b, session, sc, &s))
		return refuse(res, "session", W_NO_RECORD, true);
	enum ds_rc rc = DS_OK;
	json_t *invited = NULL;
	if (s.date > day_today())
		refuse(res, "session", W_SESSION_NOT_HELD, false);
	else if (check_persons(persons, res)) {
		invited = sess_invites(b, &s);
		check_attendance(lg->st, &s, persons, invited, sc, res);
		if (!res->refused)
			rc = record_checks(lg, &s, persons, by, res);
	}
	json_decref(invited);
	json_decref(s.areas);
	return rc;
}

/* ---- reading ---- */

static json_t *day_json(int32_t d)
{
	char s[11];
	day_format(d, s);
	return json_string(s);
}

static const char *unit_name(const struct reg_units *units, const char *code, int32_t day)
{
	const struct reg_unit *u = reg_units_resolve(units, code, day);
	return u ? u->name : code;
}

/* Has the person's check of this session been recorded? */
static bool checked_at(struct store *st, const struct el_sess *s, const char *person)
{
	uint8_t id[16];
	struct store_event ev;
	el_check_id(s->id, person, id);
	return store_event_by_id(st, id, &ev) == DS_OK;
}

static json_t *sess_json(struct store *st, struct rec_book *b, const struct reg_units *units,
			 const struct el_sess *s)
{
	json_t *areas = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(s->areas, i, a)
		json_array_append_new(areas, json_pack("{s:O, s:s}", "area", a, "name",
						       unit_name(units, json_string_value(a), s->date)));
	json_t *invited = sess_invites(b, s);
	size_t checked = 0;
	const char *person;
	json_t *v;
	json_object_foreach(invited, person, v)
		checked += checked_at(st, s, person);
	json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:i, s:o, s:I, s:I}", "id", s->id_text, "unit", s->unit,
			      "unit_name", unit_name(units, s->unit, s->date), "date", day_json(s->date), "place",
			      s->place, "capacity", s->capacity, "areas", areas, "invited",
			      (json_int_t)json_object_size(invited), "checked", (json_int_t)checked);
	json_decref(invited);
	return o;
}

struct sess_list {
	const char *unit;
	int year;
	const struct reg_units *units;
	const struct el_scope *sc;
	struct el_sess *v;
	size_t n, cap;
	bool nomem;
};

static bool list_one(const struct rec_entry *e, void *arg)
{
	struct sess_list *l = arg;
	int y, m, d;
	day_to_ymd(e->date, &y, &m, &d);
	if (e->cancel || y != l->year)
		return true;
	/* Under the unit: the commune is, or one of the areas invited (a
	 * collaborator asks for their area). */
	bool under = reg_units_within(l->units, e->unit, l->unit, e->date);
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(e->body, "areas"), i, a)
		under = under || reg_units_within(l->units, json_string_value(a), l->unit, e->date);
	if (!under)
		return true;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct el_sess *p = realloc(l->v, cap * sizeof *p);
		if (!p) {
			l->nomem = true;
			return false;
		}
		l->v = p;
		l->cap = cap;
	}
	sess_take(&l->v[l->n], e);
	if (sess_visible(&l->v[l->n], l->sc))
		l->n++;
	else
		json_decref(l->v[l->n].areas);
	return true;
}

static int by_date(const void *pa, const void *pb)
{
	const struct el_sess *a = pa, *b = pb;
	return a->date != b->date ? (a->date > b->date) - (a->date < b->date) : strcmp(a->id_text, b->id_text);
}

enum ds_rc el_sessions(struct rec_book *b, struct store *st, const struct reg_units *units, const char *unit,
		       int year, const struct el_scope *sc, json_t **out)
{
	struct sess_list l = {.unit = unit, .year = year, .units = units, .sc = sc};
	rec_book_each(b, "elderly_session", list_one, &l);
	if (l.n)
		qsort(l.v, l.n, sizeof *l.v, by_date);
	json_t *arr = json_array();
	for (size_t i = 0; i < l.n; i++) {
		json_array_append_new(arr, sess_json(st, b, units, &l.v[i]));
		json_decref(l.v[i].areas);
	}
	free(l.v);
	*out = json_pack("{s:s, s:i, s:o}", "unit", unit, "year", year, "sessions", arr);
	return l.nomem ? DS_ENOMEM : DS_OK;
}

static json_t *invitee_json(struct store *st, const struct el_sess *s, const char *id)
{
	struct store_person p;
	if (store_person_get(st, id, 0, &p) != DS_OK)
		return NULL;
	struct store_household h;
	const char *number = p.cur_hh > 0 && store_household_get(st, NULL, p.cur_hh, &h) == DS_OK ? h.rec.number : "";
	return json_pack("{s:s, s:s, s:i, s:o, s:i, s:s, s:s, s:b}", "person_id", p.rec.id, "name",
			 p.cur_name[0] ? p.cur_name : p.rec.full_name, "sex", p.rec.sex, "birth_date",
			 day_json(p.rec.birth), "age", day_age(p.rec.birth, s->date), "household", p.cur_household,
			 "household_number", number, "checked", checked_at(st, s, id));
}

enum ds_rc el_session_lists(struct rec_book *b, struct store *st, const struct reg_units *units,
			    const char *session, const struct el_scope *sc, json_t **out)
{
	struct el_sess s;
	*out = NULL;
	if (!sess_get(b, session, sc, &s))
		return DS_ENOTFOUND;
	json_t *invited = sess_invites(b, &s), *areas = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(s.areas, i, a)
	{
		const char *code = json_string_value(a);
		if (!covers(sc, code))
			continue;
		json_t *persons = json_array();
		const char *person;
		json_t *v;
		json_object_foreach(invited, person, v)
		{
			json_t *pj = strcmp(json_string_value(v), code) == 0 ? invitee_json(st, &s, person) : NULL;
			if (pj)
				json_array_append_new(persons, pj);
		}
		json_array_append_new(areas, json_pack("{s:s, s:s, s:o}", "area", code, "name",
						       unit_name(units, code, s.date), "persons", persons));
	}
	*out = json_pack("{s:o, s:o}", "session", sess_json(st, b, units, &s), "areas", areas);
	json_decref(invited);
	json_decref(s.areas);
	return *out ? DS_OK : DS_ENOMEM;
}

static void csv_row(struct buf *b, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		buf_csv_field(b, cells[i]);
	}
	buf_puts(b, "\r\n");
}

void el_lists_csv(const json_t *lists, const char *lang, struct buf *b)
{
	bool vi = strcmp(lang, "vi") == 0;
	static const char *const vi_h[] = {"Địa bàn", "Tên địa bàn", "Số hộ", "Họ tên", "Mã người", "Ngày sinh", "Tuổi", "Đã khám"};
	static const char *const en_h[] = {"Area", "Area name", "Household number", "Name", "Person id", "Birth date", "Age", "Checked"};
	csv_row(b, vi ? vi_h : en_h, 8);
	size_t i, j;
	json_t *a, *p;
	json_array_foreach(json_object_get(lists, "areas"), i, a)
		json_array_foreach(json_object_get(a, "persons"), j, p)
		{
			char age[8];
			snprintf(age, sizeof age, "%d", (int)json_integer_value(json_object_get(p, "age")));
			bool done = json_is_true(json_object_get(p, "checked"));
			const char *cells[] = {json_string_value(json_object_get(a, "area")),
					       json_string_value(json_object_get(a, "name")),
					       json_string_value(json_object_get(p, "household_number")),
					       json_string_value(json_object_get(p, "name")),
					       json_string_value(json_object_get(p, "person_id")),
					       json_string_value(json_object_get(p, "birth_date")), age,
					       done ? (vi ? "có" : "yes") : ""};
			csv_row(b, cells, 8);
		}
}

/* ---- follow-up ---- */

/* The sessions of a year held by day that invited each person: {"E1": [{id, date, place}]}. */
struct held {
	struct rec_book *b;
	int year;
	int32_t day;
	json_t *sessions; /* {"<id>": {id, date, place}} */
	json_t *by_person;
};

static bool held_session(const struct rec_entry *e, void *arg)
{
	struct held *h = arg;
	int y, m, d;
	day_to_ymd(e->date, &y, &m, &d);
	if (!e->cancel && y == h->year && e->date <= h->day) {
		char id[REG_UUID_TEXT];
		reg_uuid_format(e->id, id);
		json_object_set_new(h->sessions, id, json_pack("{s:s, s:o, s:O}", "id", id, "date", day_json(e->date),
							       "place", json_object_get(e->body, "place")));
	}
	return true;
}

static bool held_invite(const struct rec_entry *e, void *arg)
{
	struct held *h = arg;
	const char *slash = strchr(e->key, '/');
	if (e->cancel || !slash || slash - e->key != REG_UUID_TEXT - 1)
		return true;
	char id[REG_UUID_TEXT];
	memcpy(id, e->key, REG_UUID_TEXT - 1);
	id[REG_UUID_TEXT - 1] = 0;
	json_t *s = json_object_get(h->sessions, id);
	if (!s)
		return true;
	json_t *list = json_object_get(h->by_person, slash + 1);
	if (!list)
		json_object_set_new(h->by_person, slash + 1, list = json_array());
	json_array_append(list, s);
	return true;
}

enum ds_rc el_followup(struct engine *e, struct store *st, struct rec_book *b, const char *unit,
		       const char *date, json_t **out, struct ds_problem *pb)
{
	struct wl_request rq = {.list = "elderly", .unit = unit, .date = date};
	enum ds_rc rc = wl_run(e, st, &rq, out, pb, NULL);
	if (rc)
		return rc;
	int32_t day;
	const char *d = json_string_value(json_object_get(*out, "date"));
	day_parse(d, strlen(d), &day);
	int y, m, dd;
	day_to_ymd(day, &y, &m, &dd);
	struct held h = {.b = b, .year = y, .day = day, .sessions = json_object(), .by_person = json_object()};
	rec_book_each(b, "elderly_session", held_session, &h);
	rec_book_each(b, "elderly_invite", held_invite, &h);
	json_t *kept = json_array(), *counts = json_object();
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(*out, "items"), i, it)
	{
		json_t *s = json_object_get(h.by_person, json_string_value(json_object_get(it, "person_id")));
		if (!s)
			continue;
		json_object_set(it, "sessions", s);
		json_array_append(kept, it);
		const char *area = json_string_value(json_object_get(it, "area"));
		json_object_set_new(counts, area, json_integer(json_integer_value(json_object_get(counts, area)) + 1));
	}
	json_t *areas = json_array();
	json_array_foreach(json_object_get(*out, "areas"), i, it)
	{
		json_t *n = json_object_get(counts, json_string_value(json_object_get(it, "area")));
		if (n)
			json_array_append_new(areas, json_pack("{s:O, s:O, s:O}", "area", json_object_get(it, "area"),
							       "name", json_object_get(it, "name"), "count", n));
	}
	json_object_set_new(*out, "list", json_string("elderly-followup"));
	json_object_set_new(*out, "count", json_integer((json_int_t)json_array_size(kept)));
	json_object_set_new(*out, "areas", areas);
	json_object_set_new(*out, "items", kept);
	json_decref(counts);
	json_decref(h.sessions);
	json_decref(h.by_person);
	return DS_OK;
}

/* ---- coverage ---- */

struct cov_row {
	char code[REG_UNIT_CODE_MAX + 1];
	int64_t eligible, checked;
};

/* Per area index: eligible and due, counted from the engine's two questions. */
struct cov_areas {
	int32_t *area;
	int64_t *eligible, *due;
	size_t n, cap;
};

static ptrdiff_t cov_slot(struct cov_areas *c, int32_t area)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->area[i] == area)
			return (ptrdiff_t)i;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		int32_t *a = realloc(c->area, cap * sizeof *a);
		if (a)
			c->area = a;
		int64_t *el = a ? realloc(c->eligible, cap * sizeof *el) : NULL;
		if (el)
			c->eligible = el;
		int64_t *du = el ? realloc(c->due, cap * sizeof *du) : NULL;
		if (!du)
			return -1;
		c->due = du;
		c->cap = cap;
	}
	c->area[c->n] = area;
	c->eligible[c->n] = c->due[c->n] = 0;
	return (ptrdiff_t)c->n++;
}

static void cov_free(struct cov_areas *c)
{
	free(c->area);
	free(c->eligible);
	free(c->due);
}

static enum ds_rc cov_count(const struct eng_view *v, const char *unit, int32_t day, struct cov_areas *c)
{
	struct eng_qitem *aged = NULL;
	struct eng_wl_item *due = NULL;
	size_t na = 0, nd = 0;
	struct eng_wl_request q = {.list = ENG_WL_ELDERLY, .unit = unit, .map_date = day, .from = day, .day = day};
	enum ds_rc rc = engine_q_aged_over(v, unit, day, day, ENG_ELDER_AGE0 - 1, &aged, &na);
	if (!rc)
		rc = engine_worklist(v, &q, &due, &nd);
	for (size_t i = 0; i < na && !rc; i++) {
		ptrdiff_t k = cov_slot(c, aged[i].area);
		if (k < 0)
			rc = DS_ENOMEM;
		else
			c->eligible[k]++;
	}
	for (size_t i = 0; i < nd && !rc; i++) {
		ptrdiff_t k = cov_slot(c, due[i].area);
		if (k < 0)
			rc = DS_ENOMEM;
		else
			c->due[k]++;
	}
	free(aged);
	free(due);
	return rc;
}

static json_t *share_json(int64_t num, int64_t den)
{
	return den ? json_real(round((double)num / (double)den * 1000.0) / 10.0) : json_null();
}

static json_t *cov_json(struct rec_book *b, const struct reg_units *units, const char *code, int64_t eligible,
			int64_t checked, int32_t day)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	char from[REG_UNIT_CODE_MAX + 1];
	double target = so_target(b, units, code, y, "ELC", day, from);
	double share = eligible ? (double)checked / (double)eligible * 100.0 : NAN;
	enum tg_progress p = tg_progress_at(TG_REACH, true, share, target, day);
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:o, s:s}", "unit", code, "name",
			 unit_name(units, code, day), "eligible", (json_int_t)eligible, "checked", (json_int_t)checked,
			 "due", (json_int_t)(eligible - checked), "share", share_json(checked, eligible), "target",
			 isnan(target) ? json_null() : json_real(target), "target_from",
			 from[0] ? json_string(from) : json_null(), "progress", tg_progress_name(p));
}

/* Adds an area's counts to its commune's row (found or made). */
static void add_to_commune(struct cov_row **rows, size_t *n, const char *commune, int64_t el, int64_t ch)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*rows)[i].code, commune) == 0) {
			(*rows)[i].eligible += el;
			(*rows)[i].checked += ch;
			return;
		}
	struct cov_row *p = realloc(*rows, (*n + 1) * sizeof *p);
	if (!p)
		return;
	*rows = p;
	snprintf(p[*n].code, sizeof p[*n].code, "%s", commune);
	p[*n].eligible = el;
	p[*n].checked = ch;
	(*n)++;
}

/* The commune above an area on day ("" when none). */
static void commune_of(const struct reg_units *units, const char *area, int32_t day, char out[REG_UNIT_CODE_MAX + 1])
{
	snprintf(out, REG_UNIT_CODE_MAX + 1, "%s", area);
	for (int depth = 0; out[0] && depth < 8; depth++) {
		const struct reg_unit *u = reg_units_resolve(units, out, day);
		if (!u || u->level == LVL_COMMUNE)
			return;
		snprintf(out, REG_UNIT_CODE_MAX + 1, "%s", reg_units_parent(units, out, day));
	}
}

static int by_code(const void *pa, const void *pb)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)pa, "unit")),
		      json_string_value(json_object_get(*(json_t *const *)pb, "unit")));
}

static json_t *sorted(json_t *arr)
{
	size_t n = json_array_size(arr);
	json_t **v = malloc((n + 1) * sizeof *v), *out = json_array();
	for (size_t i = 0; v && i < n; i++)
		v[i] = json_array_get(arr, i);
	if (v && n)
		qsort(v, n, sizeof *v, by_code);
	for (size_t i = 0; v && i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(arr);
	return out;
}

enum ds_rc el_coverage(struct engine *e, struct rec_book *b, const char *unit, const char *date, json_t **out,
		       struct ds_problem *pb)
{
	*out = NULL;
	int32_t day = day_today();
	if (!unit || !unit[0]) {
		ds_problem_set(pb, "", 0, "unit", W_REQUIRED);
		return DS_EUSAGE;
	}
	if (date && date[0] && !day_parse(date, strlen(date), &day)) {
		ds_problem_set(pb, "", 0, "date", W_BAD_DATE);
		return DS_EUSAGE;
	}
	const struct eng_view *v = engine_read(e);
	const struct reg_units *units = eng_units(v);
	struct cov_areas c = {0};
	enum ds_rc rc = reg_units_resolve(units, unit, day) ? cov_count(v, unit, day, &c) : DS_ENOTFOUND;
	if (rc == DS_ENOTFOUND)
		ds_problem_set(pb, "", 0, "unit", W_NO_UNIT);
	json_t *areas = json_array(), *communes = json_array();
	struct cov_row *rows = NULL;
	size_t nrows = 0;
	int64_t all_el = 0, all_ch = 0;
	for (size_t i = 0; i < c.n && !rc; i++) {
		const char *code = engine_area_code(v, c.area[i]);
		int64_t checked = c.eligible[i] - c.due[i];
		json_array_append_new(areas, cov_json(b, units, code, c.eligible[i], checked, day));
		char commune[REG_UNIT_CODE_MAX + 1];
		commune_of(units, code, day, commune);
		add_to_commune(&rows, &nrows, commune, c.eligible[i], checked);
		all_el += c.eligible[i];
		all_ch += checked;
	}
	for (size_t i = 0; i < nrows; i++)
		json_array_append_new(communes, cov_json(b, units, rows[i].code, rows[i].eligible, rows[i].checked, day));
	json_t *total = rc ? NULL : cov_json(b, units, unit, all_el, all_ch, day);
	engine_read_end(v);
	free(rows);
	cov_free(&c);
	if (rc) {
		json_decref(areas);
		json_decref(communes);
		return rc;
	}
	*out = json_pack("{s:s, s:o, s:s, s:o, s:o, s:o}", "unit", unit, "date", day_json(day), "indicator", "ELC",
			 "total", total, "communes", sorted(communes), "areas", sorted(areas));
	return *out ? DS_OK : DS_ENOMEM;
}
