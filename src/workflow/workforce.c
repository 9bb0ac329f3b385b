/* The collaborator workforce: collaborators, assignments and trainings as records, and the view of a unit on a day. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "records/records.h"
#include "store/register.h"
#include "workflow/workforce.h"

static enum ds_rc refuse(struct wk_result *res, const char *field, enum ds_why why)
{
	res->refused = true;
	ds_problem_set(&res->problem, "", 0, field, why);
	return DS_OK;
}

/* The commune above a unit on day ("" when none). */
static void commune_of(const struct reg_units *units, const char *unit, int32_t day, char out[REG_UNIT_CODE_MAX + 1])
{
	snprintf(out, REG_UNIT_CODE_MAX + 1, "%s", unit);
	for (int depth = 0; out[0] && depth < 8; depth++) {
		const struct reg_unit *u = reg_units_resolve(units, out, day);
		if (!u || u->level == LVL_COMMUNE)
			return;
		snprintf(out, REG_UNIT_CODE_MAX + 1, "%s", reg_units_parent(units, out, day));
	}
}

static int32_t body_day(const json_t *body, const char *name, int32_t dflt)
{
	const char *s = json_string_value(json_object_get(body, name));
	int32_t d;
	return s && day_parse(s, strlen(s), &d) ? d : dflt;
}

/* Another assignment of the area overlapping [from, to]. */
struct overlap {
	const char *area, *key;
	int32_t from, to;
	bool found;
};

static bool overlap_one(const struct rec_entry *e, void *arg)
{
	struct overlap *o = arg;
	if (e->cancel || strcmp(e->unit, o->area) != 0 || strcmp(e->key, o->key) == 0)
		return true;
	int32_t from = body_day(e->body, "from", 0), to = body_day(e->body, "to", DAY_MAX);
	o->found = from <= o->to && o->from <= to;
	return !o->found;
}

static void take_id(const struct rec_entry *e, void *arg)
{
	memcpy(arg, e->id, 16);
}

/* The checks of a parsed record against the book; refused in res. */
static void check(struct rec_book *b, const struct reg_units *units, const struct rec *r, struct wk_result *res)
{
	const char *code = json_string_value(json_object_get(r->body, "collaborator"));
	if (strcmp(r->kind, "collaborator") == 0 || !code)
		return;
	char commune[REG_UNIT_CODE_MAX + 1];
	commune_of(units, r->unit, day_today(), commune);
	if (!rec_book_current(b, "collaborator", commune, code, NULL, NULL)) {
		refuse(res, "collaborator", W_NO_RECORD);
		return;
	}
	if (strcmp(r->kind, "assignment") == 0) {
		struct overlap o = {.area = r->unit, .key = r->key, .from = body_day(r->body, "from", 0),
				    .to = body_day(r->body, "to", DAY_MAX)};
		rec_book_each(b, "assignment", overlap_one, &o);
		if (o.found)
			refuse(res, "from", W_AREA_COVERED);
	}
}

enum ds_rc wk_record(struct store *st, struct rec_book *b, const struct reg_units *units, const char *kind,
		     const char *unit, json_t *body, const char *by, struct wk_result *res)
{
	memset(res, 0, sizeof *res);
	char id[REG_UUID_TEXT], date[11];
	uint8_t raw[16];
	rec_new_id(raw);
	reg_uuid_format(raw, id);
	day_format(day_today(), date);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:O}", "id", id, "kind", kind, "unit", unit ? unit : "", "date", date,
			      "body", body ? body : json_null());
	if (!o)
		return DS_ENOMEM;
	struct rec r;
	struct ds_problem pb;
	enum ds_rc rc = rec_parse(o, &r, &pb);
	json_decref(o);
	if (rc) {
		rec_free(&r);
		return refuse(res, strncmp(pb.field, "body.", 5) == 0 ? pb.field + 5 : pb.field, pb.why);
	}
	const struct reg_unit *u = reg_units_at(units, r.unit, day_today());
	if (!u) {
		rec_free(&r);
		res->hidden = true;
		return refuse(res, "unit", W_NO_UNIT);
	}
	check(b, units, &r, res);
	/* A later record of the same key replaces the current one. */
	r.has_supersedes = !res->refused && rec_book_current(b, kind, r.unit, r.key, take_id, r.supersedes);
	struct rec_result rr = {0};
	if (!res->refused)
		rc = rec_record(st, units, &r, by, &rr);
	if (!rc && !res->refused && rr.outcome == REC_REFUSED)
		refuse(res, strcmp(rr.problem.field, "unit") == 0 ? "unit" : rr.problem.field, rr.problem.why);
	snprintf(res->key, sizeof res->key, "%s", r.key);
	rec_free(&r);
	return rc;
}

/* ---- the view of a unit ---- */

struct wk_collab {
	char code[24], commune[REG_UNIT_CODE_MAX + 1];
	json_t *body;
	json_t *areas; /* [{area, name, from, to}] */
	json_t *courses; /* [{course, date, hours}], the trainings dated by the day */
	json_t *events; /* {"YYYY-MM": n} */
	json_t *commune_name;
	int32_t first, last_end, last_event;
	bool covers_day, covers_start, ended_in_year;
	int trainings;
};

struct wk_view {
	const struct reg_units *units;
	char **communes, **areas;
	size_t ncommunes, nareas;
	int32_t day, start;
	struct wk_collab *c;
	size_t n, cap;
	json_t *area_last_end; /* {"area": last "to" before day} */
	json_t *area_covered;  /* {"area": true} */
	bool nomem;
};

static bool in_list(char **list, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], code) == 0)
			return true;
	return false;
}

static struct wk_collab *collab_find(struct wk_view *v, const char *commune, const char *code)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->c[i].code, code) == 0 && strcmp(v->c[i].commune, commune) == 0)
			return &v->c[i];
	return NULL;
}

/* A unit's name on day, else its code. */
static json_t *unit_name(const struct reg_units *units, const char *code, int32_t day)
{
	const struct reg_unit *u = reg_units_resolve(units, code, day);
	return json_string(u ? u->name : code);
}

/* The body's member name, or null. */
static json_t *member_or_null(const json_t *body, const char *name)
{
	json_t *m = json_object_get(body, name);
	return m ? json_incref(m) : json_null();
}

static bool take_collab(const struct rec_entry *e, void *arg)
{
	struct wk_view *v = arg;
	if (e->cancel || !in_list(v->communes, v->ncommunes, e->unit))
		return true;
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 16;
		struct wk_collab *p = realloc(v->c, cap * sizeof *p);
		if (!p) {
			v->nomem = true;
			return false;
		}
		v->c = p;
		v->cap = cap;
	}
	struct wk_collab *c = &v->c[v->n++];
	memset(c, 0, sizeof *c);
	snprintf(c->code, sizeof c->code, "%s", e->key);
	snprintf(c->commune, sizeof c->commune, "%s", e->unit);
	c->body = json_deep_copy(e->body);
	c->areas = json_array();
	c->courses = json_array();
	c->events = json_object();
	c->commune_name = unit_name(v->units, e->unit, v->day);
	c->first = DAY_MAX;
	c->last_end = c->last_event = DAY_NONE;
	return true;
}

static bool take_assignment(const struct rec_entry *e, void *arg)
{
	struct wk_view *v = arg;
	if (e->cancel || !in_list(v->areas, v->nareas, e->unit))
		return true;
	int32_t from = body_day(e->body, "from", 0), to = body_day(e->body, "to", DAY_MAX);
	if (from <= v->day && v->day <= to)
		json_object_set_new(v->area_covered, e->unit, json_true());
	else if (to < v->day) {
		json_t *prev = json_object_get(v->area_last_end, e->unit);
		if (!prev || json_integer_value(prev) < to)
			json_object_set_new(v->area_last_end, e->unit, json_integer(to));
	}
	char commune[REG_UNIT_CODE_MAX + 1];
	commune_of(v->units, e->unit, v->day, commune);
	struct wk_collab *c = collab_find(v, commune, json_string_value(json_object_get(e->body, "collaborator")));
	if (!c || from > v->day)
		return true;
	json_t *a = json_pack("{s:s, s:o, s:O}", "area", e->unit, "name", unit_name(v->units, e->unit, v->day), "from",
			      json_object_get(e->body, "from"));
	json_object_set(a, "to", json_object_get(e->body, "to") ? json_object_get(e->body, "to") : json_null());
	json_array_append_new(c->areas, a);
	c->covers_day |= to >= v->day;
	c->covers_start |= from <= v->start && v->start <= to;
	if (from < c->first)
		c->first = from;
	if (to != DAY_MAX && to > c->last_end)
		c->last_end = to;
	return true;
}

static bool take_training(const struct rec_entry *e, void *arg)
{
	struct wk_view *v = arg;
	if (e->cancel)
		return true;
	struct wk_collab *c = collab_find(v, e->unit, json_string_value(json_object_get(e->body, "collaborator")));
	if (!c || body_day(e->body, "date", DAY_MAX) > v->day)
		return true;
	c->trainings++;
	json_t *hours = json_object_get(e->body, "hours");
	json_array_append_new(c->courses, json_pack("{s:O, s:O, s:O}", "course", json_object_get(e->body, "course"), "date",
						    json_object_get(e->body, "date"), "hours", hours ? hours : json_null()));
	return true;
}

/* Events recorded by each collaborator with a login, by the events' month. */
static enum ds_rc count_event(const struct store_event *ev, void *arg)
{
	struct wk_view *v = arg;
	if (!ev->recorded_by[0] || ev->fact.date > v->day)
		return DS_OK;
	for (size_t i = 0; i < v->n; i++) {
		const char *login = json_string_value(json_object_get(v->c[i].body, "login"));
		if (!login || strcmp(login, ev->recorded_by) != 0)
			continue;
		char month[11];
		day_format(ev->fact.date, month);
		month[7] = 0;
		json_t *n = json_object_get(v->c[i].events, month);
		json_object_set_new(v->c[i].events, month, json_integer(json_integer_value(n) + 1));
		if (ev->fact.date > v->c[i].last_event)
			v->c[i].last_event = ev->fact.date;
	}
	return DS_OK;
}

/* The same day two months before (the month's last day when it has fewer days). */
static int32_t two_months_before(int32_t day)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	m -= 2;
	if (m < 1)
		m += 12, y--;
	int32_t first = day_from_ymd(y, m, 1), next = m == 12 ? day_from_ymd(y + 1, 1, 1) : day_from_ymd(y, m + 1, 1);
	return d <= next - first ? first + d - 1 : next - 1;
}

static json_t *day_or_null(int32_t d)
{
	if (d == DAY_NONE || d == DAY_MAX)
		return json_null();
	char s[11];
	day_format(d, s);
	return json_string(s);
}

static json_t *collab_json(const struct wk_view *v, struct wk_collab *c, int32_t silent_from, bool *silent)
{
	const char *login = json_string_value(json_object_get(c->body, "login"));
	bool active = c->covers_day && !json_is_false(json_object_get(c->body, "active"));
	*silent = active && login && login[0] && (c->last_event == DAY_NONE || c->last_event <= silent_from);
	(void)v;
	json_t *o = json_pack("{s:s, s:O, s:s, s:O, s:o, s:b, s:O, s:i, s:O, s:o, s:b, s:O}", "code", c->code, "name",
			      json_object_get(c->body, "name"), "commune", c->commune, "commune_name", c->commune_name,
			      "login", login ? json_string(login) : json_null(), "active", active, "areas", c->areas,
			      "trainings", c->trainings, "courses", c->courses, "last_event", day_or_null(c->last_event),
			      "silent", *silent, "events", c->events);
	if (o) {
		json_object_set_new(o, "sex", member_or_null(c->body, "sex"));
		json_object_set_new(o, "birth_year", member_or_null(c->body, "birth_year"));
		json_object_set_new(o, "phone", member_or_null(c->body, "phone"));
	}
	return o;
}

static json_t *areas_without(const struct wk_view *v)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < v->nareas; i++) {
		if (json_object_get(v->area_covered, v->areas[i]))
			continue;
		json_t *end = json_object_get(v->area_last_end, v->areas[i]);
		const struct reg_unit *u = reg_units_resolve(v->units, v->areas[i], v->day);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o}", "area", v->areas[i], "name", u ? u->name : v->areas[i],
						     "since", end ? day_or_null((int32_t)json_integer_value(end) + 1) : json_null()));
	}
	return arr;
}

static json_t *summary(struct wk_view *v, json_t **list, json_t **silent_codes)
{
	int32_t silent_from = two_months_before(v->day);
	int start = 0, end = 0, left = 0, started = 0, trained = 0;
	*list = json_array();
	*silent_codes = json_array();
	for (size_t i = 0; i < v->n; i++) {
		struct wk_collab *c = &v->c[i];
		bool silent;
		json_t *o = collab_json(v, c, silent_from, &silent);
		bool active = json_is_true(json_object_get(o, "active"));
		json_array_append_new(*list, o);
		if (silent)
			json_array_append_new(*silent_codes, json_string(c->code));
		start += c->covers_start;
		end += active;
		trained += active && c->trainings > 0;
		started += c->first >= v->start && c->first <= v->day;
		left += !active && c->last_end >= v->start && c->last_end <= v->day;
	}
	double avg = (start + end) / 2.0;
	int y, m, d;
	day_to_ymd(v->day, &y, &m, &d);
	return json_pack("{s:{s:i, s:i, s:i, s:i, s:i, s:o}, s:{s:i, s:i, s:o}}", "turnover", "year", y, "active_start",
			 start, "active_end", end, "left", left, "started", started, "rate",
			 avg > 0 ? json_real(round(left / avg * 1000) / 10) : json_null(), "training", "active", end,
			 "trained", trained, "share", end ? json_real(round(trained * 1000.0 / end) / 10) : json_null());
}

static void view_free(struct wk_view *v)
{
	for (size_t i = 0; i < v->n; i++) {
		json_decref(v->c[i].body);
		json_decref(v->c[i].areas);
		json_decref(v->c[i].courses);
		json_decref(v->c[i].events);
		json_decref(v->c[i].commune_name);
	}
	free(v->c);
	for (size_t i = 0; i < v->ncommunes; i++)
		free(v->communes[i]);
	for (size_t i = 0; i < v->nareas; i++)
		free(v->areas[i]);
	free(v->communes);
	free(v->areas);
	json_decref(v->area_last_end);
	json_decref(v->area_covered);
}

/* The communes and areas under unit on day, from a view. */
static enum ds_rc units_of(struct engine *e, const char *unit, struct wk_view *v)
{
	const struct eng_view *ev = engine_read(e);
	const struct reg_unit *u = reg_units_resolve(eng_units(ev), unit, v->day);
	enum ds_rc rc = DS_ENOTFOUND;
	if (u && u->level == LVL_COMMUNE && (v->communes = malloc(sizeof *v->communes))) {
		v->communes[0] = strdup(unit);
		v->ncommunes = 1;
		rc = DS_OK;
	} else if (u && u->level < LVL_COMMUNE) {
		rc = engine_units_under(ev, unit, LVL_COMMUNE, v->day, &v->communes, &v->ncommunes);
	}
	if (!rc)
		rc = engine_units_under(ev, unit, LVL_AREA, v->day, &v->areas, &v->nareas);
	engine_read_end(ev);
	return rc;
}

enum ds_rc wk_report(struct engine *e, struct store *st, struct rec_book *b, const char *unit, const char *date,
		     json_t **out, struct ds_problem *pb)
{
	*out = NULL;
	struct wk_view v = {.day = day_today(), .area_last_end = json_object(), .area_covered = json_object()};
	if (!unit || !unit[0]) {
		ds_problem_set(pb, "", 0, "unit", W_REQUIRED);
		view_free(&v);
		return DS_EUSAGE;
	}
	if (date && date[0] && !day_parse(date, strlen(date), &v.day)) {
		ds_problem_set(pb, "", 0, "date", W_BAD_DATE);
		view_free(&v);
		return DS_EUSAGE;
	}
	int y, m, d;
	day_to_ymd(v.day, &y, &m, &d);
	v.start = day_from_ymd(y, 1, 1);
	enum ds_rc rc = units_of(e, unit, &v);
	if (rc == DS_ENOTFOUND)
		ds_problem_set(pb, "", 0, "unit", W_NO_UNIT);
	const struct eng_view *ev = rc ? NULL : engine_read(e);
	if (ev) {
		v.units = eng_units(ev);
		rec_book_each(b, "collaborator", take_collab, &v);
		rec_book_each(b, "assignment", take_assignment, &v);
		rec_book_each(b, "training", take_training, &v);
	}
	json_t *without = ev ? areas_without(&v) : NULL;
	if (ev)
		engine_read_end(ev);
	v.units = NULL;
	if (!rc && v.nomem)
		rc = DS_ENOMEM;
	if (!rc)
		rc = store_each_event(st, 0, false, count_event, &v);
	if (!rc) {
		json_t *list, *silent;
		json_t *sum = summary(&v, &list, &silent);
		char iso[11];
		day_format(v.day, iso);
		*out = json_pack("{s:s, s:s, s:o, s:O, s:o, s:O, s:O}", "unit", unit, "date", iso, "collaborators", list,
				 "areas_without", without, "silent", silent, "turnover", json_object_get(sum, "turnover"),
				 "training", json_object_get(sum, "training"));
		json_decref(sum);
		rc = *out ? DS_OK : DS_ENOMEM;
	}
	json_decref(without);
	view_free(&v);
	return rc;
}
