/* Persons and households as a reader sees them: current facts, members and the dated history. */
#include "ledger/view.h"

#include <stdlib.h>
#include <string.h>

#include "base/day.h"

static void set_date(json_t *o, const char *k, int32_t d)
{
	char buf[11];
	if (d == DAY_NONE || d == DAY_MAX) {
		json_object_set_new(o, k, json_null());
		return;
	}
	day_format(d, buf);
	json_object_set_new(o, k, json_string(buf));
}

static void set_code(json_t *o, const char *k, int v)
{
	char buf[8];
	snprintf(buf, sizeof buf, "%d", v);
	json_object_set_new(o, k, json_string(buf));
}

json_t *view_person_brief(const struct store_person *p, const char *household_id)
{
	char birth[11];
	day_format_partial(p->rec.birth, (enum day_prec)p->rec.birth_prec, birth);
	json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:s}", "id", p->rec.id, "full_name",
			      p->cur_name, "sex", p->rec.sex, "birth_date", birth, "household",
			      household_id ? household_id : "");
	json_object_set_new(o, "present", json_boolean(p->exit == DAY_MAX));
	return o;
}

struct hist {
	json_t *arr;
};

/* The current name of the person an event names by id under key, beside it as key_name. */
static void name_beside(struct store *st, json_t *row, json_t *ev, const char *key)
{
	const char *id = json_string_value(json_object_get(ev, key));
	struct store_person p;
	if (!id || !st || store_person_get(st, id, 0, &p) != DS_OK)
		return;
	char k[32];
	snprintf(k, sizeof k, "%s_name", key);
	json_object_set_new(row, k, json_string(p.cur_name[0] ? p.cur_name : p.rec.full_name));
}

/* Histories say who, by name (a person who has left the household too);
 * looked up once the events are read, not while the store iterates. */
static void name_rows(struct store *st, json_t *arr)
{
	size_t i;
	json_t *row;
	json_array_foreach(arr, i, row)
	{
		json_t *ev = json_object_get(row, "event");
		name_beside(st, row, ev, "person");
		name_beside(st, row, ev, "mother");
	}
}

static enum ds_rc add_event(const struct store_event *e, void *arg)
{
	struct hist *h = arg;
	json_t *ev = e->body ? json_loads(e->body, 0, NULL) : NULL;
	json_t *row = json_pack("{s:I, s:o, s:I, s:s}", "seq", (json_int_t)e->fact.seq, "event",
				ev ? ev : json_null(), "recorded_at", (json_int_t)e->recorded_at,
				"recorded_by", e->recorded_by);
	if (e->voided_by)
		json_object_set_new(row, "voided_by", json_integer(e->voided_by));
	json_array_append_new(h->arr, row);
	return DS_OK;
}

/* Every event about a person (subject, child, spouse), in seq order. */
static json_t *person_history(struct ledger *lg, int64_t rid)
{
	struct hist h = {json_array()};
	if (store_events_about(lg->st, rid, 0, add_event, &h) == DS_OK)
		name_rows(lg->st, h.arr);
	return h.arr;
}

static const char *status_of(const struct reg_state *s, int32_t today)
{
	if (s->exit_kind == EXIT_DEATH)
		return "died";
	if (s->exit_kind == EXIT_MOVE_OUT)
		return "moved_out";
	if (s->exit_kind == EXIT_VOIDED)
		return "cancelled";
	if (s->exit_kind == EXIT_MERGED)
		return "merged";
	return s->entry > today ? "not_yet" : "present";
}

/*
 * Applies the uncancelled corrections of fields that hold for every date
 * (name, birth date, ethnicity, ids), in the order they were recorded.
 */
static void apply_text_corrections(json_t *o, json_t *history)
{
	size_t i;
	json_t *row;
	json_array_foreach(history, i, row)
	{
		if (json_object_get(row, "voided_by"))
			continue;
		json_t *ev = json_object_get(row, "event");
		const char *type = json_string_value(json_object_get(ev, "type"));
		if (!type || strcmp(type, "info_change") != 0)
			continue;
		const char *field = json_string_value(json_object_get(ev, "field"));
		json_t *value = json_object_get(ev, "value");
		if (field && value && (strcmp(field, "full_name") == 0 || strcmp(field, "birth_date") == 0 ||
				       strcmp(field, "ethnicity") == 0 || strcmp(field, "insurance_no") == 0 ||
				       strcmp(field, "national_id") == 0))
			json_object_set(o, field, value);
	}
}

/* True when a field that holds for every date was corrected (its value is in the event). */
static bool has_text_correction(const struct reg_fact *facts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int f = reg_info_field(facts[i].a);
		if (!facts[i].voided && facts[i].type == EV_INFO_CHANGE &&
		    (f == FLD_BIRTH_DATE || f == FLD_ETHNICITY || f == FLD_INSURANCE_NO))
			return true;
	}
	return false;
}

enum ds_rc view_person(struct ledger *lg, const struct store_person *p, bool history, json_t **out)
{
	int32_t today = day_today();
	struct reg_fact *facts = NULL;
	size_t n = 0;
	enum ds_rc rc = store_person_facts(lg->st, p->rid, false, &facts, &n);
	if (rc)
		return rc;
	struct reg_state s;
	ledger_state_from(lg, p, facts, n, DAY_MAX - 1, &s);
	bool corrected = has_text_correction(facts, n);
	free(facts);
	char birth[11];
	day_format_partial(p->rec.birth, (enum day_prec)p->rec.birth_prec, birth);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(p->rec.id));
	json_object_set_new(o, "full_name", json_string(p->cur_name));
	json_object_set_new(o, "sex", json_integer(p->rec.sex));
	json_object_set_new(o, "birth_date", json_string(birth));
	json_object_set_new(o, "ethnicity", json_string(p->rec.ethnicity));
	set_code(o, "relation", s.relation);
	set_code(o, "education", s.education);
	set_code(o, "marital", s.marital);
	set_code(o, "residence", s.residence);
	json_object_set_new(o, "insurance_no", json_string(p->rec.insurance_no));
	json_object_set_new(o, "national_id", json_string(p->cur_nid));
	json_object_set_new(o, "fp_method", json_integer(s.fp_method));
	json_object_set_new(o, "household", json_string(p->cur_household));
	json_object_set_new(o, "area", json_string(p->cur_area));
	set_date(o, "entered", p->entry);
	json_object_set_new(o, "entry", json_string(p->baseline ? "baseline"
						    : p->entry_seq ? "event" : "unknown"));
	json_object_set_new(o, "status", json_string(status_of(&s, today)));
	set_date(o, "exit_date", s.exit);
	if (history || corrected) {
		json_t *hist = person_history(lg, p->rid);
		apply_text_corrections(o, hist);
		if (history)
			json_object_set_new(o, "history", hist);
		else
			json_decref(hist);
	}
	*out = o;
	return DS_OK;
}

struct members {
	struct ledger *lg;
	json_t *arr;
	const char *hh_id;
};

static enum ds_rc add_member(const struct store_person *p, void *arg)
{
	struct members *m = arg;
	if (p->exit != DAY_MAX)
		return DS_OK;
	json_array_append_new(m->arr, view_person_brief(p, m->hh_id));
	return DS_OK;
}

/* Each member's relation to the head today (an info_change of it counts),
 * read once the members are listed. */
static enum ds_rc member_relations(struct ledger *lg, json_t *members)
{
	size_t i;
	json_t *mb;
	json_array_foreach(members, i, mb)
	{
		struct store_person p;
		struct reg_state s;
		enum ds_rc rc = store_person_get(lg->st, json_string_value(json_object_get(mb, "id")), 0, &p);
		if (!rc)
			rc = ledger_state_at(lg, &p, DAY_MAX - 1, &s);
		if (rc)
			return rc;
		set_code(mb, "relation", s.relation);
	}
	return DS_OK;
}

/* The head (named by a household_change, else the member related as head),
 * the number of members, and the poverty of today's year (the latest year
 * recorded up to it, else the baseline's). */
static void household_summary(json_t *o)
{
	json_t *members = json_object_get(o, "members"), *mb;
	const char *head = json_string_value(json_object_get(o, "head"));
	size_t i;
	json_t *found = NULL;
	json_array_foreach(members, i, mb)
	{
		const char *id = json_string_value(json_object_get(mb, "id"));
		const char *rel = json_string_value(json_object_get(mb, "relation"));
		if ((head && id && strcmp(head, id) == 0) || (!head && !found && rel && strcmp(rel, "1") == 0))
			found = mb;
	}
	json_object_set_new(o, "head_name", found ? json_incref(json_object_get(found, "full_name")) : json_null());
	json_object_set_new(o, "member_count", json_integer((json_int_t)json_array_size(members)));
	int y, mo, d, best = -1;
	day_to_ymd(day_today(), &y, &mo, &d);
	json_t *pov = json_object_get(o, "poverty"), *v;
	const char *k;
	json_object_foreach(json_object_get(o, "poverty_by_year"), k, v)
	{
		char *end;
		long ky = strtol(k, &end, 10);
		if (!*end && ky <= y && ky > best) {
			best = (int)ky;
			pov = v;
		}
	}
	json_object_set(o, "poverty_now", pov);
}

/* The household's record with its household_change events applied. */
static void apply_household_changes(json_t *o, json_t *history)
{
	size_t i;
	json_t *row;
	json_t *poverty = json_object();
	json_array_foreach(history, i, row)
	{
		json_t *ev = json_object_get(row, "event");
		const char *type = json_string_value(json_object_get(ev, "type"));
		if (json_object_get(row, "voided_by") || !type || strcmp(type, "household_change") != 0)
			continue;
		json_t *v;
		if ((v = json_object_get(ev, "address")))
			json_object_set(o, "address", v);
		if ((v = json_object_get(ev, "household_type")))
			json_object_set(o, "type", v);
		if ((v = json_object_get(ev, "head")))
			json_object_set(o, "head", v);
		json_t *year = json_object_get(ev, "year");
		if ((v = json_object_get(ev, "poverty")) && year) {
			char y[16];
			snprintf(y, sizeof y, "%lld", (long long)json_integer_value(year));
			json_object_set(poverty, y, v);
		}
	}
	json_object_set_new(o, "poverty_by_year", poverty);
}

enum ds_rc view_household(struct ledger *lg, const struct store_household *h, bool history,
			  json_t **out)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "id", h->rec.id, "area", h->rec.area,
			      "number", h->rec.number, "address", h->rec.address, "type", h->rec.type,
			      "poverty", h->rec.poverty);
	set_date(o, "entered", h->entry);
	struct members m = {lg, json_array(), h->rec.id};
	enum ds_rc rc = store_members(lg->st, h->rid, add_member, &m);
	json_object_set_new(o, "members", m.arr);
	struct hist hi = {json_array()};
	if (!rc)
		rc = store_events_about(lg->st, 0, h->rid, add_event, &hi);
	if (!rc && history)
		name_rows(lg->st, hi.arr);
	apply_household_changes(o, hi.arr);
	if (!rc)
		rc = member_relations(lg, m.arr);
	household_summary(o);
	if (history)
		json_object_set_new(o, "history", hi.arr);
	else
		json_decref(hi.arr);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return DS_OK;
}
