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

static const struct rec_kind kinds[] = {
	{"target", 0, parse_target},
};

const struct rec_kind *rec_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}
