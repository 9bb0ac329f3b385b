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

static const struct rec_kind kinds[] = {
	{"target", 0, parse_target},
	{"scenario", 1u << LVL_PROVINCE | 1u << LVL_DISTRICT | 1u << LVL_COMMUNE, parse_scenario},
};

const struct rec_kind *rec_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}
