/*
 * The kinds of workflow records and their body parsers.  A parser checks
 * every member, refuses unknown ones, builds the canonical body and says
 * the record's key: which earlier record of the same kind and unit a new
 * one takes the place of.
 */
#include <math.h>
#include <string.h>

#include "base/day.h"
#include "records/records.h"

/* Every member of body is one of names (NULL-ended); else *field names the first that is not. */
static bool only_members(const json_t *body, const char *const *names, const char **field)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)body, k, v)
	{
		bool known = false;
		for (const char *const *n = names; *n && !known; n++)
			known = strcmp(*n, k) == 0;
		if (!known) {
			*field = k;
			return false;
		}
	}
	return true;
}

/* An indicator key as the forms name their targets ("SRB", "3a"): 1-15
 * letters, digits, '_' or '-'. */
static bool indicator_key(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 15 &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/*
 * target: a yearly target of one indicator for a unit.
 *   {"indicator": "SRB", "year": 2026, "value": 109}
 * Key "2026/SRB": a later target of the same indicator and year replaces it.
 */
static enum ds_why parse_target(const json_t *body, const struct rec *r, json_t **out,
				char key[REC_KEY_MAX + 1], const char **field)
{
	(void)r;
	static const char *const names[] = {"indicator", "year", "value", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	json_t *ind = json_object_get(body, "indicator"), *year = json_object_get(body, "year"),
	       *value = json_object_get(body, "value");
	*field = !ind ? "indicator" : !year ? "year" : !value ? "value" : NULL;
	if (*field)
		return W_REQUIRED;
	if (!json_is_string(ind) || !indicator_key(json_string_value(ind))) {
		*field = "indicator";
		return W_BAD_CODE;
	}
	if (!json_is_integer(year) || json_integer_value(year) < DAY_MIN_YEAR || json_integer_value(year) > DAY_MAX_YEAR) {
		*field = "year";
		return W_BAD_NUMBER;
	}
	double v = json_number_value(value);
	if (!json_is_number(value) || !isfinite(v) || v < 0) {
		*field = "value";
		return W_BAD_NUMBER;
	}
	snprintf(key, REC_KEY_MAX + 1, "%d/%s", (int)json_integer_value(year), json_string_value(ind));
	*out = json_pack("{s:s, s:I, s:o}", "indicator", json_string_value(ind), "year",
			 json_integer_value(year), "value", rec_number(v));
	return *out ? W_NONE : W_TOO_LONG;
}

/* ---- the monthly cycle ---- */

/* A form code as the definitions name them ("01-DSX"): 1-15 of A-Z, 0-9, '-'. */
static bool form_code(const json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;
	return n >= 1 && n <= 15 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

/* A period code "2025", "2025-Q1", "2025-H1" or "2025-03" (the report
 * module parses it; here only its shape, the records module being below). */
static bool period_code(const json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;
	if ((n != 4 && n != 7) || strspn(s, "0123456789") < 4)
		return false;
	if (n == 4)
		return true;
	if (s[4] != '-')
		return false;
	if (s[5] == 'Q')
		return s[6] >= '1' && s[6] <= '4';
	if (s[5] == 'H')
		return s[6] == '1' || s[6] == '2';
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	return s[5] >= '0' && s[5] <= '1' && s[6] >= '0' && s[6] <= '9' && m >= 1 && m <= 12;
}

/* A text member: present, a string with something besides spaces, at most max bytes. */
static enum ds_why text_member(const json_t *body, const char *name, size_t max, bool required,
			       const char **field)
{
	json_t *v = json_object_get(body, name);
	*field = name;
	if (!v)
		return required ? W_REQUIRED : W_NONE;
	if (!json_is_string(v))
		return W_JSON_TYPE;
	const char *s = json_string_value(v);
	if (json_string_length(v) > max)
		return W_TOO_LONG;
	if (strspn(s, " \t\r\n") == json_string_length(v))
		return required ? W_TEXT_REQUIRED : W_NONE;
	*field = NULL;
	return W_NONE;
}

static bool uuid_member(const json_t *body, const char *name)
{
	json_t *v = json_object_get(body, name);
	uint8_t id[16];
	return json_is_string(v) && reg_uuid_parse(json_string_value(v), json_string_length(v), id);
}

/* A value of a frozen report: a number, or null for "no value" (a rate over zero). */
static bool value_ok(const json_t *v)
{
	return !v || json_is_null(v) || (json_is_number(v) && isfinite(json_number_value(v)));
}

/* values: [{"row": "5", "value": 3, "male": 1, "female": 2}, ...], rebuilt canonically. */
static enum ds_why parse_values(const json_t *arr, json_t **out, const char **field)
{
	*field = "values";
	if (!json_is_array(arr))
		return W_JSON_TYPE;
	if (json_array_size(arr) > 400)
		return W_TOO_LONG;
	*out = json_array();
	size_t i;
	json_t *x;
	json_array_foreach((json_t *)arr, i, x)
	{
		static const char *const names[] = {"row", "value", "male", "female", NULL};
		const char *bad;
		json_t *row = json_object_get(x, "row");
		if (!json_is_object(x) || !only_members(x, names, &bad) || !json_is_string(row) ||
		    json_string_length(row) < 1 || json_string_length(row) > 15)
			return W_JSON_TYPE;
		json_t *v = json_object_get(x, "value"), *m = json_object_get(x, "male"),
		       *f = json_object_get(x, "female");
		if (!v || !value_ok(v) || !value_ok(m) || !value_ok(f))
			return W_BAD_NUMBER;
		json_t *o = json_pack("{s:s, s:o}", "row", json_string_value(row), "value",
				      json_is_null(v) ? json_null() : rec_number(json_number_value(v)));
		if (m)
			json_object_set_new(o, "male", json_is_null(m) ? json_null() : rec_number(json_number_value(m)));
		if (f)
			json_object_set_new(o, "female", json_is_null(f) ? json_null() : rec_number(json_number_value(f)));
		json_array_append_new(*out, o);
	}
	*field = NULL;
	return W_NONE;
}

/* The form and period every cycle record names; key "FORM/PERIOD". */
static enum ds_why form_period(const json_t *body, char key[REC_KEY_MAX + 1], const char **field)
{
	json_t *form = json_object_get(body, "form"), *period = json_object_get(body, "period");
	*field = !form ? "form" : !period ? "period" : NULL;
	if (*field)
		return W_REQUIRED;
	*field = !form_code(form) ? "form" : !period_code(period) ? "period" : NULL;
	if (*field)
		return W_BAD_CODE;
	snprintf(key, REC_KEY_MAX + 1, "%s/%s", json_string_value(form), json_string_value(period));
	return W_NONE;
}

/*
 * submission: a commune's (or before July 2025 a district's) report for a
 * period, frozen as it was submitted.
 *   {"form": "01-DSX", "period": "2025-03", "map_date": "2025-03-31",
 *    "position": 1234, "revision": false, "values": [{"row": "1", ...}]}
 * position is the register's last event sequence the values were computed
 * at.  Key "01-DSX/2025-03": a resubmission or a revision supersedes it.
 */
static enum ds_why parse_submission(const json_t *body, const struct rec *r, json_t **out,
				    char key[REC_KEY_MAX + 1], const char **field)
{
	(void)r;
	static const char *const names[] = {"form", "period", "map_date", "position", "revision", "values", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	enum ds_why w = form_period(body, key, field);
	if (w)
		return w;
	json_t *map = json_object_get(body, "map_date"), *pos = json_object_get(body, "position"),
	       *rev = json_object_get(body, "revision");
	int32_t day;
	*field = !map ? "map_date" : !pos ? "position" : !json_object_get(body, "values") ? "values" : NULL;
	if (*field)
		return W_REQUIRED;
	if (!json_is_string(map) || !day_parse(json_string_value(map), json_string_length(map), &day)) {
		*field = "map_date";
		return W_BAD_DATE;
	}
	if (!json_is_integer(pos) || json_integer_value(pos) < 0) {
		*field = "position";
		return W_BAD_NUMBER;
	}
	if (rev && !json_is_boolean(rev)) {
		*field = "revision";
		return W_JSON_TYPE;
	}
	json_t *values = NULL;
	if ((w = parse_values(json_object_get(body, "values"), &values, field))) {
		json_decref(values);
		return w;
	}
	*out = json_pack("{s:O, s:O, s:O, s:O, s:b, s:o}", "form", json_object_get(body, "form"),
			 "period", json_object_get(body, "period"), "map_date", map, "position", pos,
			 "revision", json_is_true(rev), "values", values);
	return *out ? W_NONE : W_TOO_LONG;
}

/*
 * decision: the level above approves a submission or returns it.
 *   {"form": "01-DSX", "period": "2025-03", "submission": "<uuid>",
 *    "decision": "approved" | "returned", "comment": "..."}
 * A return needs a comment.  Key "01-DSX/2025-03", as its submission's.
 */
static enum ds_why parse_decision(const json_t *body, const struct rec *r, json_t **out,
				  char key[REC_KEY_MAX + 1], const char **field)
{
	(void)r;
	static const char *const names[] = {"form", "period", "submission", "decision", "comment", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	enum ds_why w = form_period(body, key, field);
	if (w)
		return w;
	json_t *d = json_object_get(body, "decision");
	const char *ds = json_string_value(d);
	if (!uuid_member(body, "submission")) {
		*field = "submission";
		return json_object_get(body, "submission") ? W_BAD_UUID : W_REQUIRED;
	}
	if (!ds || (strcmp(ds, "approved") != 0 && strcmp(ds, "returned") != 0)) {
		*field = "decision";
		return d ? W_BAD_CODE : W_REQUIRED;
	}
	bool returned = strcmp(ds, "returned") == 0;
	if ((w = text_member(body, "comment", 2000, returned, field)))
		return w == W_REQUIRED || w == W_TEXT_REQUIRED ? W_COMMENT_REQUIRED : w;
	json_t *c = json_object_get(body, "comment");
	*out = json_pack("{s:O, s:O, s:O, s:s}", "form", json_object_get(body, "form"), "period",
			 json_object_get(body, "period"), "submission", json_object_get(body, "submission"),
			 "decision", ds);
	if (*out && c && json_string_length(c) && strspn(json_string_value(c), " \t\r\n") < json_string_length(c))
		json_object_set(*out, "comment", c);
	return *out ? W_NONE : W_TOO_LONG;
}

/* review: an area's month reviewed by the commune officer.  {"month": "2025-03"}; key the month. */
static enum ds_why parse_review(const json_t *body, const struct rec *r, json_t **out,
				char key[REC_KEY_MAX + 1], const char **field)
{
	(void)r;
	static const char *const names[] = {"month", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	json_t *m = json_object_get(body, "month");
	int32_t day;
	*field = "month";
	if (!m)
		return W_REQUIRED;
	if (!json_is_string(m) || !day_parse_month(json_string_value(m), json_string_length(m), &day))
		return W_BAD_MONTH;
	snprintf(key, REC_KEY_MAX + 1, "%s", json_string_value(m));
	*out = json_pack("{s:O}", "month", m);
	return *out ? W_NONE : W_TOO_LONG;
}

/*
 * query: a question on an event, to the collaborator who recorded it.
 *   {"event": "<uuid>", "question": "...", "to": "login"}
 * answer: the collaborator's answer, and the correction when there is one
 * (a void of the event and the event that replaces it).
 *   {"query": "<uuid>", "event": "<uuid>", "answer": "...",
 *    "void": "<uuid>", "correction": "<uuid>"}
 * Both are about the event's area, keyed by the event's id.
 */
static enum ds_why parse_query(const json_t *body, const struct rec *r, json_t **out,
			       char key[REC_KEY_MAX + 1], const char **field)
{
	(void)r;
	static const char *const names[] = {"event", "question", "to", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	if (!uuid_member(body, "event")) {
		*field = "event";
		return W_BAD_UUID;
	}
	enum ds_why w = text_member(body, "question", 2000, true, field);
	if (!w)
		w = text_member(body, "to", 63, false, field);
	if (w)
		return w;
	snprintf(key, REC_KEY_MAX + 1, "%s", json_string_value(json_object_get(body, "event")));
	*out = json_deep_copy(body);
	return *out ? W_NONE : W_TOO_LONG;
}

static enum ds_why parse_answer(const json_t *body, const struct rec *r, json_t **out,
				char key[REC_KEY_MAX + 1], const char **field)
{
	(void)r;
	static const char *const names[] = {"query", "event", "answer", "void", "correction", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	static const char *const ids[] = {"query", "event", "void", "correction"};
	for (size_t i = 0; i < 4; i++) {
		bool optional = i >= 2;
		if (optional && !json_object_get(body, ids[i]))
			continue;
		if (!uuid_member(body, ids[i])) {
			*field = ids[i];
			return W_BAD_UUID;
		}
	}
	enum ds_why w = text_member(body, "answer", 2000, true, field);
	if (w)
		return w;
	snprintf(key, REC_KEY_MAX + 1, "%s", json_string_value(json_object_get(body, "event")));
	*out = json_deep_copy(body);
	return *out ? W_NONE : W_TOO_LONG;
}

/*
 * subject_request: a data subject's request under the Personal Data
 * Protection Law (91/2025) and what was answered, about the person's area.
 *   {"person": "P1", "request": "deletion", "received": "2026-03-02",
 *    "channel": "in_person", "note": "...", "outcome": "refused",
 *    "basis": "register_kept_by_law"}
 * request: deletion or access; channel: in_person, letter, phone, email or
 * online; outcome: refused or answered.  Each request is its own: keyed by
 * the record's id, nothing takes its place.
 */
static bool one_of(const json_t *v, const char *const *names)
{
	for (; json_is_string(v) && *names; names++)
		if (strcmp(json_string_value(v), *names) == 0)
			return true;
	return false;
}

static enum ds_why parse_subject_request(const json_t *body, const struct rec *r, json_t **out,
					 char key[REC_KEY_MAX + 1], const char **field)
{
	static const char *const names[] = {"person",  "request", "received", "channel",
					    "note",    "outcome", "basis",    NULL};
	static const char *const requests[] = {"deletion", "access", NULL};
	static const char *const channels[] = {"in_person", "letter", "phone", "email", "online", NULL};
	static const char *const outcomes[] = {"refused", "answered", NULL};
	static const char *const bases[] = {"register_kept_by_law", "subject_file_given", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	json_t *v = json_object_get(body, "person");
	char id[REG_ID_MAX + 1];
	*field = "person";
	if (!v)
		return W_REQUIRED;
	if (!json_is_string(v) || reg_parse_id(json_string_value(v), json_string_length(v), id) != W_NONE)
		return W_BAD_ID;
	const struct {
		const char *name;
		const char *const *allowed;
	} coded[] = {{"request", requests}, {"channel", channels}, {"outcome", outcomes}, {"basis", bases}};
	for (size_t i = 0; i < sizeof coded / sizeof coded[0]; i++) {
		*field = coded[i].name;
		v = json_object_get(body, coded[i].name);
		if (!v)
			return W_REQUIRED;
		if (!one_of(v, coded[i].allowed))
			return W_BAD_CODE;
	}
	v = json_object_get(body, "received");
	int32_t day;
	*field = "received";
	if (!v)
		return W_REQUIRED;
	if (!json_is_string(v) || !day_parse(json_string_value(v), json_string_length(v), &day))
		return W_BAD_DATE;
	enum ds_why w = text_member(body, "note", 2000, false, field);
	if (w)
		return w;
	reg_uuid_format(r->id, key);
	*out = json_deep_copy(body);
	return *out ? W_NONE : W_TOO_LONG;
}

#define LEVEL(l) (1u << (l))

/* ---- scenario ---- */

/* A scenario's name, its key: 1-40 ASCII letters, digits, '_' or '-'. */
static bool scenario_name(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 40 &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/*
 * A path {"value": v, "year": y}: v within lo..hi (why when not), y not
 * before `first`, the year of the record's date (the base date it is made
 * for).  at names the member and its two: {"tfr", "tfr.value",
 * "tfr.year"}; on refusal *field is one of them.
 */
static enum ds_why scenario_path(const json_t *p, const char *const at[3], double lo, double hi,
				 enum ds_why range, int first, json_t **out, const char **field)
{
	static const char *const names[] = {"value", "year", NULL};
	const char *unknown;
	json_t *v = json_object_get(p, "value"), *y = json_object_get(p, "year");
	enum ds_why w = W_NONE;
	int which = 0;
	if (!json_is_object(p))
		w = W_JSON_NOT_OBJECT;
	else if (!only_members(p, names, &unknown))
		w = W_JSON_UNKNOWN_MEMBER;
	else if (!v || !y)
		which = !v ? 1 : 2, w = W_REQUIRED;
	else if (!json_is_number(v) || !isfinite(json_number_value(v)))
		which = 1, w = W_NOT_A_NUMBER;
	else if (!(json_number_value(v) >= lo && json_number_value(v) <= hi))
		which = 1, w = range;
	else if (!json_is_integer(y) || json_integer_value(y) > DAY_MAX_YEAR)
		which = 2, w = W_BAD_NUMBER;
	else if (json_integer_value(y) < first)
		which = 2, w = W_PATH_BEFORE_BASE;
	if (w) {
		*field = at[which];
		return w;
	}
	*out = json_pack("{s:o, s:I}", "value", rec_number(json_number_value(v)), "year",
			 json_integer_value(y));
	return *out ? W_NONE : W_TOO_LONG;
}

/*
 * scenario: a named set of paths for a unit's projection.
 *   {"name": "thap", "label": "Mức sinh thấp",
 *    "tfr": {"value": 1.6, "year": 2035}, "srb": {"value": 1.07, "year": 2030},
 *    "e0_gain": 0.2, "migration": false}
 * Every member but the name is optional (no path: the rate stays at the
 * base's; e0_gain 0; migration true).  TFR 0.5-10 children per woman,
 * SRB 0.9-1.3 male births per female birth, e0_gain -1 to 1 years a year;
 * a path's year may not come before the year of the record's date, the
 * base date the scenario is made for.  Key: the name.
 */
static enum ds_why parse_scenario(const json_t *body, const struct rec *r, json_t **out,
				  char key[REC_KEY_MAX + 1], const char **field)
{
	static const char *const names[] = {"name", "label", "tfr", "srb", "e0_gain", "migration", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	json_t *name = json_object_get(body, "name"), *label = json_object_get(body, "label");
	json_t *tfr = json_object_get(body, "tfr"), *srb = json_object_get(body, "srb");
	json_t *gain = json_object_get(body, "e0_gain"), *mig = json_object_get(body, "migration");
	*field = "name";
	if (!name)
		return W_REQUIRED;
	if (!json_is_string(name) || !scenario_name(json_string_value(name)))
		return W_BAD_CODE;
	char text[REG_TEXT_BYTES] = "";
	*field = "label";
	if (label && !json_is_string(label))
		return W_JSON_TYPE;
	enum ds_why w = label ? reg_parse_text(json_string_value(label), json_string_length(label),
					       REG_TEXT_CHARS, false, text, sizeof text)
			      : W_NONE;
	if (w)
		return w;
	*field = "e0_gain";
	if (gain && (!json_is_number(gain) || !isfinite(json_number_value(gain))))
		return W_NOT_A_NUMBER;
	if (gain && fabs(json_number_value(gain)) > 1)
		return W_OUT_OF_RANGE;
	*field = "migration";
	if (mig && !json_is_boolean(mig))
		return W_JSON_TYPE;
	int y, m, d;
	day_to_ymd(r->date, &y, &m, &d);
	json_t *t = NULL, *s = NULL;
	static const char *const tfr_at[3] = {"tfr", "tfr.value", "tfr.year"};
	static const char *const srb_at[3] = {"srb", "srb.value", "srb.year"};
	if (tfr && (w = scenario_path(tfr, tfr_at, 0.5, 10, W_OUT_OF_RANGE, y, &t, field)))
		return w;
	if (srb && (w = scenario_path(srb, srb_at, 0.9, 1.3, W_SRB_RANGE, y, &s, field))) {
		json_decref(t);
		return w;
	}
	*field = NULL;
	*out = json_pack("{s:s, s:o, s:b}", "name", json_string_value(name), "e0_gain",
			 rec_number(gain ? json_number_value(gain) : 0), "migration", !mig || json_is_true(mig));
	if (*out && text[0])
		json_object_set_new(*out, "label", json_string(text));
	if (*out && t)
		json_object_set_new(*out, "tfr", t);
	if (*out && s)
		json_object_set_new(*out, "srb", s);
	if (!*out) {
		json_decref(t);
		json_decref(s);
		return W_TOO_LONG;
	}
	snprintf(key, REC_KEY_MAX + 1, "%s", json_string_value(name));
	return W_NONE;
}

/* ---- communication and clubs (workflows.md) ---- */

/* A code of a list (register/codes.c), copied into out under name. */
static enum ds_why code_member(const json_t *body, const char *name, const char *list, json_t *out,
			       const char **field)
{
	json_t *v = json_object_get(body, name);
	*field = name;
	if (!v)
		return W_REQUIRED;
	if (!json_is_string(v) || !reg_code_label(list, json_string_value(v), "vi"))
		return W_BAD_CODE;
	*field = NULL;
	return json_object_set(out, name, v) ? W_TOO_LONG : W_NONE;
}

/* A whole number lo..hi, copied into out under name. */
static enum ds_why count_member(const json_t *body, const char *name, json_int_t lo, json_int_t hi,
				bool required, json_t *out, const char **field)
{
	json_t *v = json_object_get(body, name);
	*field = name;
	if (!v)
		return required ? W_REQUIRED : W_NONE;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return W_BAD_NUMBER;
	*field = NULL;
	return json_object_set(out, name, v) ? W_TOO_LONG : W_NONE;
}

/* A text member (trimmed of nothing: the text as typed), copied into out. */
static enum ds_why copy_text(const json_t *body, const char *name, size_t max, bool required,
			     json_t *out, const char **field)
{
	enum ds_why w = text_member(body, name, max, required, field);
	json_t *v = json_object_get(body, name);
	if (w || !v || !json_string_length(v))
		return w;
	return json_object_set(out, name, v) ? W_TOO_LONG : W_NONE;
}

/* A body's club code (its key within the commune: 1-20 of letters,
 * digits, '_' or '-') as the first member of a new canonical body *o. */
static enum ds_why club_start(const json_t *body, json_t **o, const char **field)
{
	json_t *c = json_object_get(body, "club");
	size_t n = json_is_string(c) ? json_string_length(c) : 0;
	*field = "club";
	if (!c)
		return W_REQUIRED;
	if (n < 1 || n > 20 ||
	    strspn(json_string_value(c), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return W_BAD_CODE;
	*o = json_pack("{s:O}", "club", c);
	return *o ? W_NONE : W_TOO_LONG;
}

/* The end of a body parser: on refusal the body is freed; else it is *out. */
static enum ds_why body_done(enum ds_why w, json_t *o, json_t **out)
{
	if (w)
		json_decref(o);
	else
		*out = o;
	return w;
}

/* participants: {"male": {"15-24": 3, ...}, "female": {...}}, age groups of
 * the list age_group, whole numbers 0-100000; at least one person.  A
 * refused member is named "participants.female.15-24". */
static enum ds_why parse_participants(const json_t *p, json_t **out, const char **field)
{
	static _Thread_local char where[64]; /* *field points here: one per thread */
	static const char *const sexes[] = {"male", "female", NULL};
	*field = "participants";
	if (!p)
		return W_NO_PARTICIPANTS;
	if (!json_is_object(p))
		return W_JSON_TYPE;
	if (!only_members(p, sexes, field)) {
		snprintf(where, sizeof where, "participants.%s", *field);
		*field = where;
		return W_JSON_UNKNOWN_MEMBER;
	}
	*out = json_object();
	json_int_t total = 0;
	for (int s = 0; sexes[s] && *out; s++) {
		json_t *g = json_object_get(p, sexes[s]), *n;
		const char *k;
		if (!g)
			continue;
		snprintf(where, sizeof where, "participants.%s", sexes[s]);
		*field = where;
		if (!json_is_object(g))
			return json_decref(*out), *out = NULL, W_JSON_TYPE;
		json_t *o = json_object();
		json_object_set_new(*out, sexes[s], o);
		json_object_foreach(g, k, n)
		{
			snprintf(where, sizeof where, "participants.%s.%.20s", sexes[s], k);
			enum ds_why w = !reg_code_label("age_group", k, "vi") ? W_BAD_CODE
					: !json_is_integer(n) || json_integer_value(n) < 0 ||
							  json_integer_value(n) > 100000
						? W_BAD_NUMBER
						: W_NONE;
			if (w)
				return json_decref(*out), *out = NULL, w;
			total += json_integer_value(n);
			json_object_set(o, k, n);
		}
	}
	*field = "participants";
	if (*out && total < 1) {
		json_decref(*out);
		*out = NULL;
		return W_NO_PARTICIPANTS;
	}
	*field = NULL;
	return *out ? W_NONE : W_TOO_LONG;
}

/*
 * comm_session: a communication session held in a commune or an area.
 *   {"topic": "fp", "format": "talk", "participants": {...}, "held_by": "..."}
 * Key: the record's own id (each session is its own).
 */
static enum ds_why parse_comm_session(const json_t *body, const struct rec *r, json_t **out,
				      char key[REC_KEY_MAX + 1], const char **field)
{
	static const char *const names[] = {"topic", "format", "participants", "held_by", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	json_t *o = json_object(), *p = NULL;
	enum ds_why w = !o ? W_TOO_LONG : code_member(body, "topic", "comm_topic", o, field);
	if (!w)
		w = code_member(body, "format", "comm_format", o, field);
	if (!w)
		w = parse_participants(json_object_get(body, "participants"), &p, field);
	if (!w)
		w = json_object_set_new(o, "participants", p) ? W_TOO_LONG : W_NONE;
	if (!w)
		w = copy_text(body, "held_by", 100, false, o, field);
	reg_uuid_format(r->id, key);
	return body_done(w, o, out);
}

/*
 * club: a club of a commune, its model and number of members.
 *   {"club": "ktc-01", "name": "...", "model": "no_child_marriage", "members": 25}
 * Key: the club's code; a later record of the same code updates it (the
 * envelope's date is the day from which it holds), a cancel closes it.
 */
static enum ds_why parse_club(const json_t *body, const struct rec *r, json_t **out,
			      char key[REC_KEY_MAX + 1], const char **field)
{
	(void)r;
	static const char *const names[] = {"club", "name", "model", "members", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	json_t *o = NULL;
	enum ds_why w = club_start(body, &o, field);
	if (w)
		return w;
	w = copy_text(body, "name", 100, true, o, field);
	if (!w)
		w = code_member(body, "model", "club_model", o, field);
	if (!w)
		w = count_member(body, "members", 0, 10000, true, o, field);
	snprintf(key, REC_KEY_MAX + 1, "%s", json_string_value(json_object_get(o, "club")));
	return body_done(w, o, out);
}

/*
 * club_meeting: a meeting of a club of the commune.
 *   {"club": "ktc-01", "topic": "child_marriage", "attendance": 18}
 * Key: the record's own id.  That the club exists in the commune is
 * checked where the record is written (wf_comm_club_exists).
 */
static enum ds_why parse_club_meeting(const json_t *body, const struct rec *r, json_t **out,
				      char key[REC_KEY_MAX + 1], const char **field)
{
	static const char *const names[] = {"club", "topic", "attendance", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	json_t *o = NULL;
	enum ds_why w = club_start(body, &o, field);
	if (w)
		return w;
	w = code_member(body, "topic", "comm_topic", o, field);
	if (!w)
		w = count_member(body, "attendance", 1, 10000, true, o, field);
	reg_uuid_format(r->id, key);
	return body_done(w, o, out);
}

/*
 * unit_change: a change of the administrative map was applied
 * (register/crosswalk.h); the unit rows it ended and began are in the
 * unit table, marked by nothing but their dates, so the record says when,
 * from what and how much.
 *   {"source": "crosswalk.csv", "effective": "2027-01-01", "lines": 12,
 *    "closed": 9, "opened": 11}
 * About the country (unit ""), dated its first effective day, key "map":
 * the current one is the latest change, which servers compare with the
 * one their map was loaded after (api/follower.c).
 */
static enum ds_why parse_unit_change(const json_t *body, const struct rec *r, json_t **out,
				     char key[REC_KEY_MAX + 1], const char **field)
{
	static const char *const names[] = {"source", "effective", "lines", "closed", "opened", NULL};
	if (r->unit[0]) {
		*field = "unit";
		return W_RECORD_LEVEL;
	}
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	enum ds_why w = text_member(body, "source", 200, true, field);
	if (w)
		return w;
	json_t *eff = json_object_get(body, "effective");
	int32_t day;
	if (!json_is_string(eff) || !day_parse(json_string_value(eff), json_string_length(eff), &day)) {
		*field = "effective";
		return W_BAD_DATE;
	}
	static const char *const counts[] = {"lines", "closed", "opened"};
	for (size_t i = 0; i < 3; i++) {
		json_t *v = json_object_get(body, counts[i]);
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			*field = counts[i];
			return W_BAD_NUMBER;
		}
	}
	snprintf(key, REC_KEY_MAX + 1, "map");
	*out = json_deep_copy(body);
	return *out ? W_NONE : W_TOO_LONG;
}

/* ---- the elderly-check programme ---- */

/* A unit code as the tree writes them: 1-15 digits. */
static bool unit_code(const json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;
	return n >= 1 && n <= REG_UNIT_CODE_MAX && strspn(s, "0123456789") == n;
}

/*
 * elderly_session: a check session a commune holds, on the record's date.
 *   {"place": "Trạm Y tế phường", "capacity": 60,
 *    "areas": ["2673400101", "2673400102"]}
 * About the commune; the areas invited are under it (the workflow checks
 * that against the tree), each once, 1-200 of them.  Capacity 1-10,000
 * persons.  Each session is its own: keyed by the record's id.
 */
static enum ds_why parse_elderly_session(const json_t *body, const struct rec *r, json_t **out,
					 char key[REC_KEY_MAX + 1], const char **field)
{
	static const char *const names[] = {"place", "capacity", "areas", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	json_t *place = json_object_get(body, "place"), *cap = json_object_get(body, "capacity"),
	       *areas = json_object_get(body, "areas");
	*field = !place ? "place" : !cap ? "capacity" : !areas ? "areas" : NULL;
	if (*field)
		return W_REQUIRED;
	char text[REG_TEXT_BYTES];
	*field = "place";
	if (!json_is_string(place))
		return W_JSON_TYPE;
	enum ds_why w = reg_parse_text(json_string_value(place), json_string_length(place), REG_TEXT_CHARS, true,
				       text, sizeof text);
	if (w)
		return w;
	*field = "capacity";
	if (!json_is_integer(cap) || json_integer_value(cap) < 1 || json_integer_value(cap) > 10000)
		return W_BAD_NUMBER;
	*field = "areas";
	if (!json_is_array(areas))
		return W_JSON_TYPE;
	if (json_array_size(areas) < 1)
		return W_REQUIRED;
	if (json_array_size(areas) > 200)
		return W_TOO_LONG;
	size_t i, j;
	json_t *a;
	json_array_foreach(areas, i, a)
	{
		if (!unit_code(a))
			return W_BAD_UNIT_CODE;
		for (j = 0; j < i; j++)
			if (json_equal(a, json_array_get(areas, j)))
				return W_DUP_ROW;
	}
	*field = NULL;
	reg_uuid_format(r->id, key);
	*out = json_pack("{s:s, s:O, s:O}", "place", text, "capacity", cap, "areas", areas);
	return *out ? W_NONE : W_TOO_LONG;
}

/*
 * elderly_invite: a person invited to a session, about the person's area.
 *   {"session": "<uuid>", "person": "E1"}
 * Key "<session>/<person>": inviting again is the same invitation.
 */
static enum ds_why parse_elderly_invite(const json_t *body, const struct rec *r, json_t **out,
					char key[REC_KEY_MAX + 1], const char **field)
{
	(void)r;
	static const char *const names[] = {"session", "person", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	json_t *p = json_object_get(body, "person");
	char id[REG_ID_MAX + 1];
	if (!uuid_member(body, "session")) {
		*field = "session";
		return json_object_get(body, "session") ? W_BAD_UUID : W_REQUIRED;
	}
	*field = "person";
	if (!p)
		return W_REQUIRED;
	if (!json_is_string(p) || reg_parse_id(json_string_value(p), json_string_length(p), id) != W_NONE)
		return W_BAD_ID;
	*field = NULL;
	uint8_t sid[16];
	char s[REG_UUID_TEXT];
	reg_uuid_parse(json_string_value(json_object_get(body, "session")), 36, sid);
	reg_uuid_format(sid, s);
	snprintf(key, REC_KEY_MAX + 1, "%s/%s", s, id);
	*out = json_pack("{s:s, s:s}", "session", s, "person", id);
	return *out ? W_NONE : W_TOO_LONG;
}

/* ---- the collaborator workforce ---- */

/* A collaborator's code, their key: 1-20 ASCII letters, digits, '_' or '-'. */
static bool collab_code(const json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;
	return n >= 1 && n <= 20 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static bool date_member(const json_t *body, const char *name, int32_t *day)
{
	json_t *v = json_object_get(body, name);
	return json_is_string(v) && day_parse(json_string_value(v), json_string_length(v), day);
}

/*
 * collaborator: a collaborator of a commune.
 *   {"code": "CTV01", "name": "Nguyễn Thị Lan", "sex": 2, "birth_year": 1985,
 *    "phone": "0901234567", "login": "lan", "active": true}
 * Key: the code; a later record of the code replaces it (active false: has left).
 */
static enum ds_why parse_collaborator(const json_t *body, const struct rec *r, json_t **out,
				      char key[REC_KEY_MAX + 1], const char **field)
{
	(void)r;
	static const char *const names[] = {"code", "name", "sex", "birth_year", "phone", "login", "active", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	json_t *code = json_object_get(body, "code"), *sex = json_object_get(body, "sex"),
	       *by = json_object_get(body, "birth_year"), *active = json_object_get(body, "active");
	*field = "code";
	if (!code)
		return W_REQUIRED;
	if (!collab_code(code))
		return W_BAD_CODE;
	enum ds_why w = text_member(body, "name", 200, true, field);
	if (!w)
		w = text_member(body, "phone", 20, false, field);
	if (!w)
		w = text_member(body, "login", 63, false, field);
	if (w)
		return w;
	*field = "sex";
	if (sex && (!json_is_integer(sex) || json_integer_value(sex) < 1 || json_integer_value(sex) > 2))
		return W_BAD_CODE;
	*field = "birth_year";
	if (by && (!json_is_integer(by) || json_integer_value(by) < 1900 || json_integer_value(by) > DAY_MAX_YEAR))
		return W_BAD_NUMBER;
	*field = "active";
	if (active && !json_is_boolean(active))
		return W_JSON_TYPE;
	*field = NULL;
	snprintf(key, REC_KEY_MAX + 1, "%s", json_string_value(code));
	*out = json_deep_copy(body);
	if (*out && !active)
		json_object_set_new(*out, "active", json_true());
	return *out ? W_NONE : W_TOO_LONG;
}

/*
 * assignment: a collaborator covering an area from a day, until a day
 * (inclusive) or open.  About the area.
 *   {"collaborator": "CTV01", "from": "2026-03-20", "to": "2026-12-31"}
 * Key "<collaborator>/<from>": ending an assignment supersedes it with a "to".
 */
static enum ds_why parse_assignment(const json_t *body, const struct rec *r, json_t **out,
				    char key[REC_KEY_MAX + 1], const char **field)
{
	(void)r;
	static const char *const names[] = {"collaborator", "from", "to", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	int32_t from, to;
	*field = "collaborator";
	if (!json_object_get(body, "collaborator"))
		return W_REQUIRED;
	if (!collab_code(json_object_get(body, "collaborator")))
		return W_BAD_CODE;
	*field = "from";
	if (!date_member(body, "from", &from))
		return json_object_get(body, "from") ? W_BAD_DATE : W_REQUIRED;
	*field = "to";
	if (json_object_get(body, "to") && !date_member(body, "to", &to))
		return W_BAD_DATE;
	if (json_object_get(body, "to") && to < from)
		return W_DATE_ORDER;
	*field = NULL;
	snprintf(key, REC_KEY_MAX + 1, "%s/%s", json_string_value(json_object_get(body, "collaborator")),
		 json_string_value(json_object_get(body, "from")));
	*out = json_deep_copy(body);
	return *out ? W_NONE : W_TOO_LONG;
}

/*
 * training: a course a collaborator followed.  About the commune.
 *   {"collaborator": "CTV01", "course": "Tập huấn CTV mới", "date": "2026-03-25", "hours": 8}
 * Each is its own: keyed by the record's id.
 */
static enum ds_why parse_training(const json_t *body, const struct rec *r, json_t **out,
				  char key[REC_KEY_MAX + 1], const char **field)
{
	static const char *const names[] = {"collaborator", "course", "date", "hours", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	int32_t day;
	json_t *hours = json_object_get(body, "hours");
	*field = "collaborator";
	if (!json_object_get(body, "collaborator"))
		return W_REQUIRED;
	if (!collab_code(json_object_get(body, "collaborator")))
		return W_BAD_CODE;
	enum ds_why w = text_member(body, "course", 200, true, field);
	if (w)
		return w == W_REQUIRED || w == W_TEXT_REQUIRED ? W_COURSE_REQUIRED : w;
	*field = "date";
	if (!date_member(body, "date", &day))
		return json_object_get(body, "date") ? W_BAD_DATE : W_REQUIRED;
	*field = "hours";
	if (hours && (!json_is_number(hours) || !(json_number_value(hours) > 0) || json_number_value(hours) > 1000))
		return W_BAD_NUMBER;
	*field = NULL;
	reg_uuid_format(r->id, key);
	*out = json_deep_copy(body);
	if (*out && hours)
		json_object_set_new(*out, "hours", rec_number(json_number_value(hours)));
	return *out ? W_NONE : W_TOO_LONG;
}

/*
 * pair_decision: two persons the duplicate search proposed, found not to
 * be the same person by an officer; the pair is not proposed again.
 *   {"a": "P1", "b": "P2", "decision": "not_same", "note": "..."}
 * About the area of a (the person recorded first), keyed "a/b" with the
 * smaller id first; a cancel withdraws it.  "The same person" is not a
 * record but a merge event on the register (ledger).
 */
static enum ds_why parse_pair_decision(const json_t *body, const struct rec *r, json_t **out,
				       char key[REC_KEY_MAX + 1], const char **field)
{
	(void)r;
	static const char *const names[] = {"a", "b", "decision", "note", NULL};
	static const char *const decisions[] = {"not_same", NULL};
	if (!only_members(body, names, field))
		return W_JSON_UNKNOWN_MEMBER;
	char id[2][REG_ID_MAX + 1];
	for (int i = 0; i < 2; i++) {
		const char *m = i ? "b" : "a";
		json_t *v = json_object_get(body, m);
		*field = m;
		if (!v)
			return W_REQUIRED;
		if (!json_is_string(v))
			return W_JSON_TYPE;
		enum ds_why w = reg_parse_id(json_string_value(v), json_string_length(v), id[i]);
		if (w)
			return w;
	}
	*field = "b";
	if (strcmp(id[0], id[1]) == 0)
		return W_MERGE_SELF;
	*field = "decision";
	if (!json_object_get(body, "decision"))
		return W_REQUIRED;
	if (!one_of(json_object_get(body, "decision"), decisions))
		return W_BAD_CODE;
	enum ds_why w = text_member(body, "note", 2000, false, field);
	if (w)
		return w;
	bool lt = strcmp(id[0], id[1]) < 0;
	snprintf(key, REC_KEY_MAX + 1, "%s/%s", lt ? id[0] : id[1], lt ? id[1] : id[0]);
	*out = json_pack("{s:s, s:s, s:s}", "a", id[0], "b", id[1], "decision", "not_same");
	json_t *note = json_object_get(body, "note");
	if (*out && note && json_string_length(note))
		json_object_set(*out, "note", note);
	*field = NULL;
	return *out ? W_NONE : W_TOO_LONG;
}

static const struct rec_kind kinds[] = {
	{"target", 0, parse_target},
	{"unit_change", 0, parse_unit_change},
	{"submission", LEVEL(LVL_DISTRICT) | LEVEL(LVL_COMMUNE), parse_submission},
	{"decision", LEVEL(LVL_DISTRICT) | LEVEL(LVL_COMMUNE), parse_decision},
	{"review", LEVEL(LVL_AREA), parse_review},
	{"query", LEVEL(LVL_AREA), parse_query},
	{"answer", LEVEL(LVL_AREA), parse_answer},
	{"subject_request", LEVEL(LVL_AREA), parse_subject_request},
	{"scenario", LEVEL(LVL_PROVINCE) | LEVEL(LVL_DISTRICT) | LEVEL(LVL_COMMUNE), parse_scenario},
	{"comm_session", LEVEL(LVL_COMMUNE) | LEVEL(LVL_AREA), parse_comm_session},
	{"club", LEVEL(LVL_COMMUNE), parse_club},
	{"club_meeting", LEVEL(LVL_COMMUNE), parse_club_meeting},
	{"elderly_session", LEVEL(LVL_COMMUNE), parse_elderly_session},
	{"elderly_invite", LEVEL(LVL_AREA), parse_elderly_invite},
	{"collaborator", LEVEL(LVL_COMMUNE), parse_collaborator},
	{"assignment", LEVEL(LVL_AREA), parse_assignment},
	{"training", LEVEL(LVL_COMMUNE), parse_training},
	{"pair_decision", LEVEL(LVL_AREA), parse_pair_decision},
};

const struct rec_kind *rec_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}
