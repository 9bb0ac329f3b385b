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
	{"submission", LEVEL(LVL_DISTRICT) | LEVEL(LVL_COMMUNE), parse_submission},
	{"decision", LEVEL(LVL_DISTRICT) | LEVEL(LVL_COMMUNE), parse_decision},
	{"review", LEVEL(LVL_AREA), parse_review},
	{"query", LEVEL(LVL_AREA), parse_query},
	{"answer", LEVEL(LVL_AREA), parse_answer},
	{"subject_request", LEVEL(LVL_AREA), parse_subject_request},
	{"pair_decision", LEVEL(LVL_AREA), parse_pair_decision},
	{"scenario", LEVEL(LVL_PROVINCE) | LEVEL(LVL_DISTRICT) | LEVEL(LVL_COMMUNE), parse_scenario},
};

const struct rec_kind *rec_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}
