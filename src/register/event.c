/* Events: strict parsing from JSON, one member table per type, and the canonical form written back. */
#include "register/event.h"

#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/text.h"

/* What a member of an event object holds. */
enum mkind {
	M_PERSON,
	M_HOUSEHOLD,
	M_SPOUSE,
	M_HEAD,
	M_TARGET,
	M_DUPLICATE,
	M_CHILD,
	M_NEWPERSON,
	M_NEWHH,
	M_ORDER,
	M_PLACE,
	M_METHOD,
	M_SOURCE,
	M_LIVING,
	M_WEEK,
	M_YEAR,
	M_POVERTY,
	M_HHTYPE,
	M_OUTCOME,
	M_CONSANG,
	M_PREMARITAL,
	M_FIELD,
	M_VALUE,
	M_NB_RESULTS,
	M_PN_RESULTS,
	M_TEXT,
};

struct member {
	const char *name;
	enum mkind kind;
	bool required;
};

#define TEXT_OPT(n) {n, M_TEXT, false}

static const struct member m_birth[] = {
	{"mother", M_PERSON, true},   {"child", M_CHILD, true},     {"order", M_ORDER, true},
	{"place", M_PLACE, true},     {"household", M_HOUSEHOLD, false}};
static const struct member m_newborn[] = {
	{"person", M_PERSON, true}, TEXT_OPT("facility"), {"results", M_NB_RESULTS, false}};
static const struct member m_person_only[] = {{"person", M_PERSON, true}};
static const struct member m_move_in[] = {{"household", M_HOUSEHOLD, false},
					  {"new_household", M_NEWHH, false},
					  {"person", M_NEWPERSON, true},
					  TEXT_OPT("origin")};
static const struct member m_move_out[] = {{"person", M_PERSON, true}, TEXT_OPT("destination")};
static const struct member m_transfer[] = {{"person", M_PERSON, true},
					   {"household", M_HOUSEHOLD, true}};
static const struct member m_marriage[] = {{"person", M_PERSON, true},
					   {"spouse", M_SPOUSE, false},
					   {"consanguineous", M_CONSANG, false},
					   {"premarital_check", M_PREMARITAL, false}};
static const struct member m_info[] = {
	{"person", M_PERSON, true}, {"field", M_FIELD, true}, {"value", M_VALUE, true}};
static const struct member m_fp_start[] = {{"person", M_PERSON, true},
					   {"method", M_METHOD, true},
					   {"source", M_SOURCE, false},
					   TEXT_OPT("facility"),
					   {"living_children", M_LIVING, false}};
static const struct member m_fp_stop[] = {{"person", M_PERSON, true}, {"method", M_METHOD, true}};
static const struct member m_pregnancy[] = {
	{"person", M_PERSON, true}, {"outcome", M_OUTCOME, true}, {"order", M_ORDER, false}};
static const struct member m_prenatal[] = {
	{"person", M_PERSON, true}, {"week", M_WEEK, true}, {"results", M_PN_RESULTS, false}};
static const struct member m_elderly[] = {{"person", M_PERSON, true}, TEXT_OPT("facility")};
static const struct member m_hh_change[] = {
	{"household", M_HOUSEHOLD, true}, {"poverty", M_POVERTY, false}, {"year", M_YEAR, false},
	{"household_type", M_HHTYPE, false}, TEXT_OPT("address"), {"head", M_HEAD, false}};
static const struct member m_void[] = {{"target", M_TARGET, true}, {"reason", M_TEXT, true}};
static const struct member m_merge[] = {
	{"person", M_PERSON, true}, {"duplicate", M_DUPLICATE, true}, TEXT_OPT("reason")};

struct typespec {
	const struct member *m;
	size_t n;
};

#define SPEC(arr) {arr, sizeof arr / sizeof arr[0]}

static const struct typespec specs[EV_TYPE_COUNT] = {
	[EV_BIRTH] = SPEC(m_birth),
	[EV_NEWBORN_SCREENING] = SPEC(m_newborn),
	[EV_DEATH] = SPEC(m_person_only),
	[EV_MOVE_IN] = SPEC(m_move_in),
	[EV_MOVE_OUT] = SPEC(m_move_out),
	[EV_TRANSFER] = SPEC(m_transfer),
	[EV_MARRIAGE] = SPEC(m_marriage),
	[EV_DIVORCE] = SPEC(m_person_only),
	[EV_WIDOWED] = SPEC(m_person_only),
	[EV_INFO_CHANGE] = SPEC(m_info),
	[EV_FP_START] = SPEC(m_fp_start),
	[EV_FP_STOP] = SPEC(m_fp_stop),
	[EV_PREGNANCY] = SPEC(m_pregnancy),
	[EV_PRENATAL_SCREENING] = SPEC(m_prenatal),
	[EV_ELDERLY_CHECK] = SPEC(m_elderly),
	[EV_HOUSEHOLD_CHANGE] = SPEC(m_hh_change),
	[EV_VOID] = SPEC(m_void),
	[EV_MERGE] = SPEC(m_merge),
};

const char *reg_event_text_member(enum reg_etype t)
{
	if (t <= EV_NONE || t >= EV_TYPE_COUNT)
		return NULL;
	for (size_t i = 0; i < specs[t].n; i++)
		if (specs[t].m[i].kind == M_TEXT)
			return specs[t].m[i].name;
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool reg_uuid_parse(const char *s, size_t n, uint8_t out[16])
{
	if (n != 36)
		return false;
	int k = 0;
	for (size_t i = 0; i < 36;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			i++;
			continue;
		}
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[k++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return true;
}

void reg_uuid_format(const uint8_t id[16], char out[REG_UUID_TEXT])
{
	static const char hex[] = "0123456789abcdef";
	int o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[id[i] >> 4];
		out[o++] = hex[id[i] & 15];
	}
	out[o] = '\0';
}

/* ---- parsing ---- */

static enum ds_rc refuse(struct ds_problem *pb, const char *field, enum ds_why why)
{
	snprintf(pb->field, sizeof pb->field, "%s", field ? field : "");
	pb->why = why;
	pb->severity = DS_SEV_ERROR;
	return DS_EINPUT;
}

/* The text of a string, or of an integer written in decimal. */
static bool scalar_text(json_t *v, char *buf, size_t bufsz, const char **s, size_t *n)
{
	if (json_is_string(v)) {
		*s = json_string_value(v);
		*n = json_string_length(v);
		return true;
	}
	if (json_is_integer(v)) {
		snprintf(buf, bufsz, "%lld", (long long)json_integer_value(v));
		*s = buf;
		*n = strlen(buf);
		return true;
	}
	return false;
}

static enum ds_why get_int(json_t *v, int lo, int hi, int *out)
{
	char buf[32];
	const char *s;
	size_t n;
	if (!scalar_text(v, buf, sizeof buf, &s, &n))
		return W_JSON_TYPE;
	return reg_parse_small(s, n, lo, hi, out);
}

static enum ds_why get_id(json_t *v, char out[REG_ID_MAX + 1])
{
	if (!json_is_string(v))
		return W_JSON_TYPE;
	return reg_parse_id(json_string_value(v), json_string_length(v), out);
}

/* Members allowed in a birth's child object. */
static const uint32_t child_allowed = 1u << PC_ID | 1u << PC_NAME | 1u << PC_SEX |
				      1u << PC_ETHNICITY | 1u << PC_RELATION |
				      1u << PC_INSURANCE | 1u << PC_NATIONAL_ID;
static const uint32_t child_required = 1u << PC_ID | 1u << PC_NAME | 1u << PC_SEX;
static const uint32_t newperson_required =
	1u << PC_ID | 1u << PC_NAME | 1u << PC_SEX | 1u << PC_BIRTH | 1u << PC_RELATION |
	1u << PC_ETHNICITY | 1u << PC_EDUCATION | 1u << PC_MARITAL | 1u << PC_RESIDENCE;

static enum ds_rc parse_person_obj(json_t *obj, const char *member, bool child,
				   struct reg_event *ev, struct ds_problem *pb)
{
	if (!json_is_object(obj))
		return refuse(pb, member, W_JSON_NOT_OBJECT);
	reg_person_init(&ev->np);
	ev->np_given = 0;
	uint32_t allowed = child ? child_allowed : ~(1u << PC_HOUSEHOLD) & ((1u << PC_COUNT) - 1);
	const char *key;
	json_t *v;
	char field[DS_FIELD_MAX];
	json_object_foreach(obj, key, v)
	{
		snprintf(field, sizeof field, "%s.%s", member, key);
		int col = -1;
		for (int c = 0; c < PC_COUNT; c++)
			if (strcmp(reg_person_cols[c], key) == 0)
				col = c;
		if (col < 0 || !(allowed & (1u << col)))
			return refuse(pb, field, W_JSON_UNKNOWN_MEMBER);
		if (json_is_null(v))
			continue;
		char buf[32];
		const char *s;
		size_t n;
		if (!scalar_text(v, buf, sizeof buf, &s, &n))
			return refuse(pb, field, W_JSON_TYPE);
		enum ds_why w = reg_person_set(&ev->np, (enum reg_pcol)col, s, n);
		if (w)
			return refuse(pb, field, w);
		if (n)
			ev->np_given |= 1u << col;
	}
	uint32_t required = child ? child_required : newperson_required;
	for (int c = 0; c < PC_COUNT; c++) {
		if ((required & (1u << c)) && !(ev->np_given & (1u << c))) {
			snprintf(field, sizeof field, "%s.%s", member, reg_person_cols[c]);
			return refuse(pb, field, W_REQUIRED);
		}
	}
	return DS_OK;
}

static enum ds_rc parse_household_obj(json_t *obj, struct reg_event *ev, struct ds_problem *pb)
{
	if (!json_is_object(obj))
		return refuse(pb, "new_household", W_JSON_NOT_OBJECT);
	reg_household_init(&ev->nh);
	uint32_t given = 0;
	const char *key;
	json_t *v;
	char field[DS_FIELD_MAX];
	json_object_foreach(obj, key, v)
	{
		snprintf(field, sizeof field, "new_household.%s", key);
		int col = -1;
		for (int c = 0; c < HC_COUNT; c++)
			if (strcmp(reg_household_cols[c], key) == 0)
				col = c;
		if (col < 0)
			return refuse(pb, field, W_JSON_UNKNOWN_MEMBER);
		if (json_is_null(v))
			continue;
		char buf[32];
		const char *s;
		size_t n;
		if (!scalar_text(v, buf, sizeof buf, &s, &n))
			return refuse(pb, field, W_JSON_TYPE);
		enum ds_why w = reg_household_set(&ev->nh, (enum reg_hcol)col, s, n);
		if (w)
			return refuse(pb, field, w);
		if (n)
			given |= 1u << col;
	}
	static const enum reg_hcol req[] = {HC_ID, HC_AREA, HC_NUMBER, HC_TYPE};
	for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
		if (!(given & (1u << req[i]))) {
			snprintf(field, sizeof field, "new_household.%s", reg_household_cols[req[i]]);
			return refuse(pb, field, W_REQUIRED);
		}
	}
	ev->has_nh = true;
	return DS_OK;
}

static enum ds_rc parse_results(json_t *obj, const char *const *conds, size_t nconds,
				const char *ok, const char *bad, struct reg_event *ev,
				struct ds_problem *pb)
{
	if (!json_is_object(obj))
		return refuse(pb, "results", W_JSON_NOT_OBJECT);
	const char *key;
	json_t *v;
	char field[DS_FIELD_MAX];
	json_object_foreach(obj, key, v)
	{
		snprintf(field, sizeof field, "results.%s", key);
		size_t i = 0;
		while (i < nconds && strcmp(conds[i], key) != 0)
			i++;
		if (i == nconds)
			return refuse(pb, field, W_JSON_UNKNOWN_MEMBER);
		if (!json_is_string(v))
			return refuse(pb, field, W_JSON_TYPE);
		const char *s = json_string_value(v);
		if (strcmp(s, ok) == 0)
			ev->results[i] = 1;
		else if (strcmp(s, bad) == 0)
			ev->results[i] = 2;
		else
			return refuse(pb, field, W_BAD_CODE);
	}
	return DS_OK;
}

/* info_change: the value checked by the rules of its field. */
static enum ds_why parse_value(struct reg_event *ev, json_t *v)
{
	char buf[32];
	const char *s;
	size_t n;
	if (!scalar_text(v, buf, sizeof buf, &s, &n))
		return W_JSON_TYPE;
	struct reg_person tmp;
	reg_person_init(&tmp);
	enum ds_why w;
	switch (ev->field) {
	case FLD_FULL_NAME:
		return reg_parse_text(s, n, REG_NAME_CHARS, true, ev->value, sizeof ev->value);
	case FLD_BIRTH_DATE:
		w = reg_person_set(&tmp, PC_BIRTH, s, n);
		if (!w && tmp.birth > day_today())
			w = W_DATE_FUTURE;
		if (!w)
			reg_person_get(&tmp, PC_BIRTH, ev->value, sizeof ev->value);
		return w;
	case FLD_ETHNICITY: w = reg_person_set(&tmp, PC_ETHNICITY, s, n); break;
	case FLD_EDUCATION: w = reg_person_set(&tmp, PC_EDUCATION, s, n); break;
	case FLD_RELATION: w = reg_person_set(&tmp, PC_RELATION, s, n); break;
	case FLD_RESIDENCE: w = reg_person_set(&tmp, PC_RESIDENCE, s, n); break;
	case FLD_INSURANCE_NO: w = reg_person_set(&tmp, PC_INSURANCE, s, n); break;
	case FLD_NATIONAL_ID: w = reg_person_set(&tmp, PC_NATIONAL_ID, s, n); break;
	default: return W_BAD_CODE;
	}
	if (!w) {
		memcpy(ev->value, s, n);
		ev->value[n] = '\0';
	}
	return w;
}

static enum ds_rc parse_member(struct reg_event *ev, const struct member *m, json_t *v,
			       json_t **value_json, struct ds_problem *pb)
{
	enum ds_why w = W_NONE;
	switch (m->kind) {
	case M_PERSON: w = get_id(v, ev->person); break;
	case M_HOUSEHOLD: w = get_id(v, ev->household); break;
	case M_SPOUSE:
		if (json_is_null(v))
			ev->spouse[0] = '\0';
		else
			w = get_id(v, ev->spouse);
		break;
	case M_HEAD: w = get_id(v, ev->head); break;
	case M_DUPLICATE: w = get_id(v, ev->duplicate); break;
	case M_TARGET:
		if (!json_is_string(v))
			w = W_JSON_TYPE;
		else if (!reg_uuid_parse(json_string_value(v), json_string_length(v), ev->target))
			w = W_BAD_UUID;
		break;
	case M_CHILD: return parse_person_obj(v, m->name, true, ev, pb);
	case M_NEWPERSON: return parse_person_obj(v, m->name, false, ev, pb);
	case M_NEWHH: return parse_household_obj(v, ev, pb);
	case M_ORDER: w = get_int(v, 1, 30, &ev->order); break;
	case M_PLACE: w = get_int(v, 1, 4, &ev->place); break;
	case M_METHOD: w = get_int(v, 1, 9, &ev->method); break;
	case M_SOURCE: w = get_int(v, 1, 3, &ev->source); break;
	case M_LIVING: w = get_int(v, 0, 30, &ev->living_children); break;
	case M_WEEK: w = get_int(v, 1, 42, &ev->week); break;
	case M_YEAR: w = get_int(v, DAY_MIN_YEAR, DAY_MAX_YEAR, &ev->year); break;
	case M_POVERTY: w = get_int(v, 0, 2, &ev->poverty); break;
	case M_HHTYPE: w = get_int(v, 1, 2, &ev->hh_type); break;
	case M_OUTCOME:
		if (!json_is_string(v))
			w = W_JSON_TYPE;
		else if (!(ev->outcome = reg_outcome_parse(json_string_value(v),
							   json_string_length(v))))
			w = W_BAD_CODE;
		break;
	case M_CONSANG:
	case M_PREMARITAL:
		if (!json_is_boolean(v))
			w = W_JSON_TYPE;
		else if (m->kind == M_CONSANG)
			ev->consanguineous = json_is_true(v);
		else
			ev->premarital_check = json_is_true(v);
		break;
	case M_FIELD:
		if (!json_is_string(v))
			w = W_JSON_TYPE;
		else if (!(ev->field = reg_field_parse(json_string_value(v), json_string_length(v))))
			w = W_BAD_CODE;
		break;
	case M_VALUE: *value_json = v; break; /* checked once the field is known */
	case M_NB_RESULTS:
		return parse_results(v, reg_newborn_conditions, NEWBORN_CONDITIONS, "normal",
				     "abnormal", ev, pb);
	case M_PN_RESULTS:
		return parse_results(v, reg_prenatal_conditions, PRENATAL_CONDITIONS, "low", "high",
				     ev, pb);
	case M_TEXT:
		if (!json_is_string(v))
			w = W_JSON_TYPE;
		else
			w = reg_parse_text(json_string_value(v), json_string_length(v), REG_TEXT_CHARS,
					   m->required, ev->text, sizeof ev->text);
		break;
	}
	return w ? refuse(pb, m->name, w) : DS_OK;
}

static void event_init(struct reg_event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->order = ev->place = ev->method = ev->source = ev->living_children = -1;
	ev->week = ev->year = ev->poverty = ev->hh_type = -1;
	reg_person_init(&ev->np);
	reg_household_init(&ev->nh);
}

/* Rules that involve several members of one event. */
static enum ds_rc check_combination(struct reg_event *ev, json_t *value, struct ds_problem *pb)
{
	switch (ev->type) {
	case EV_MOVE_IN:
		if (!ev->household[0] == !ev->has_nh)
			return refuse(pb, "household", ev->has_nh ? W_JSON_UNKNOWN_MEMBER : W_REQUIRED);
		if (ev->np.birth > ev->date)
			return refuse(pb, "person.birth_date", W_DATE_FUTURE);
		snprintf(ev->person, sizeof ev->person, "%s", ev->np.id);
		break;
	case EV_HOUSEHOLD_CHANGE:
		if ((ev->poverty >= 0) != (ev->year >= 0))
			return refuse(pb, ev->poverty >= 0 ? "year" : "poverty", W_REQUIRED);
		if (ev->poverty < 0 && ev->hh_type < 0 && !ev->text[0] && !ev->head[0])
			return refuse(pb, "household", W_NOTHING_TO_CHANGE);
		break;
	case EV_INFO_CHANGE: {
		enum ds_why w = parse_value(ev, value);
		if (w)
			return refuse(pb, "value", w);
		break;
	}
	case EV_MARRIAGE:
		if (ev->spouse[0] && strcmp(ev->spouse, ev->person) == 0)
			return refuse(pb, "spouse", W_SELF_SPOUSE);
		break;
	case EV_MERGE:
		if (strcmp(ev->duplicate, ev->person) == 0)
			return refuse(pb, "duplicate", W_MERGE_SELF);
		break;
	default: break;
	}
	return DS_OK;
}

enum ds_rc reg_event_parse(json_t *obj, struct reg_event *ev, struct ds_problem *pb)
{
	event_init(ev);
	if (!json_is_object(obj))
		return refuse(pb, NULL, W_JSON_NOT_OBJECT);
	json_t *id = json_object_get(obj, "id"), *type = json_object_get(obj, "type"),
	       *date = json_object_get(obj, "date");
	if (!id)
		return refuse(pb, "id", W_REQUIRED);
	if (!json_is_string(id) || !reg_uuid_parse(json_string_value(id), json_string_length(id), ev->id))
		return refuse(pb, "id", W_BAD_UUID);
	if (!type)
		return refuse(pb, "type", W_REQUIRED);
	if (!json_is_string(type) ||
	    !(ev->type = reg_etype_parse(json_string_value(type), json_string_length(type))))
		return refuse(pb, "type", W_BAD_CODE);
	if (!date)
		return refuse(pb, "date", W_REQUIRED);
	if (!json_is_string(date))
		return refuse(pb, "date", W_JSON_TYPE);
	enum ds_why w = reg_parse_date(json_string_value(date), json_string_length(date), &ev->date);
	if (w)
		return refuse(pb, "date", w);

	const struct typespec *sp = &specs[ev->type];
	bool seen[8] = {0};
	json_t *value = NULL;
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		if (!strcmp(key, "id") || !strcmp(key, "type") || !strcmp(key, "date"))
			continue;
		size_t i = 0;
		while (i < sp->n && strcmp(sp->m[i].name, key) != 0)
			i++;
		if (i == sp->n)
			return refuse(pb, key, W_JSON_UNKNOWN_MEMBER);
		seen[i] = true;
		if (json_is_null(v) && !sp->m[i].required)
			continue;
		enum ds_rc rc = parse_member(ev, &sp->m[i], v, &value, pb);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < sp->n; i++)
		if (sp->m[i].required && !seen[i])
			return refuse(pb, sp->m[i].name, W_REQUIRED);
	return check_combination(ev, value, pb);
}

enum ds_rc reg_event_parse_text(const char *s, size_t n, struct reg_event *ev,
				struct ds_problem *pb)
{
	if (n > REG_EVENT_MAX_BYTES)
		return refuse(pb, NULL, W_TOO_LONG);
	json_error_t err;
	json_t *obj = json_loadb(s, n, JSON_REJECT_DUPLICATES, &err);
	if (!obj)
		return refuse(pb, NULL, W_JSON_SYNTAX);
	enum ds_rc rc = reg_event_parse(obj, ev, pb);
	json_decref(obj);
	return rc;
}

/* ---- canonical output ---- */

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v));
}

static void set_int(json_t *o, const char *k, int v)
{
	json_object_set_new(o, k, json_integer(v));
}

static json_t *person_obj(const struct reg_event *ev)
{
	json_t *o = json_object();
	char buf[REG_TEXT_BYTES];
	static const bool is_int[PC_COUNT] = {[PC_SEX] = 1, [PC_RELATION] = 1, [PC_EDUCATION] = 1,
					      [PC_MARITAL] = 1, [PC_RESIDENCE] = 1,
					      [PC_FP_METHOD] = 1};
	for (int c = 0; c < PC_COUNT; c++) {
		if (!(ev->np_given & (1u << c)) || c == PC_HOUSEHOLD)
			continue;
		reg_person_get(&ev->np, (enum reg_pcol)c, buf, sizeof buf);
		if (!buf[0])
			continue;
		if (is_int[c]) {
			int code = 0; /* an integer column's text is its digits */
			reg_parse_small(buf, strlen(buf), 0, 999999, &code);
			set_int(o, reg_person_cols[c], code);
		} else {
			set_str(o, reg_person_cols[c], buf);
		}
	}
	return o;
}

static json_t *household_obj(const struct reg_household *h)
{
	json_t *o = json_object();
	set_str(o, "household_id", h->id);
	set_str(o, "area_code", h->area);
	set_str(o, "number", h->number);
	if (h->address[0])
		set_str(o, "address", h->address);
	set_int(o, "type", h->type);
	set_int(o, "poverty", h->poverty);
	return o;
}

static json_t *results_obj(const uint8_t *res, const char *const *conds, size_t n,
			   const char *ok, const char *bad)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		if (res[i])
			set_str(o, conds[i], res[i] == 1 ? ok : bad);
	return o;
}

static void emit_member(json_t *o, const struct reg_event *ev, const struct member *m)
{
	char buf[REG_UUID_TEXT];
	switch (m->kind) {
	case M_PERSON: set_str(o, m->name, ev->person); break;
	case M_HOUSEHOLD:
		if (ev->household[0])
			set_str(o, m->name, ev->household);
		break;
	case M_SPOUSE: json_object_set_new(o, m->name, ev->spouse[0] ? json_string(ev->spouse) : json_null()); break;
	case M_HEAD:
		if (ev->head[0])
			set_str(o, m->name, ev->head);
		break;
	case M_DUPLICATE: set_str(o, m->name, ev->duplicate); break;
	case M_TARGET:
		reg_uuid_format(ev->target, buf);
		set_str(o, m->name, buf);
		break;
	case M_CHILD:
	case M_NEWPERSON: json_object_set_new(o, m->name, person_obj(ev)); break;
	case M_NEWHH:
		if (ev->has_nh)
			json_object_set_new(o, m->name, household_obj(&ev->nh));
		break;
#define INT_MEMBER(kind, f)                                                   \
	case kind:                                                            \
		if (ev->f >= 0)                                               \
			set_int(o, m->name, ev->f);                           \
		break;
		INT_MEMBER(M_ORDER, order)
		INT_MEMBER(M_PLACE, place)
		INT_MEMBER(M_METHOD, method)
		INT_MEMBER(M_SOURCE, source)
		INT_MEMBER(M_LIVING, living_children)
		INT_MEMBER(M_WEEK, week)
		INT_MEMBER(M_YEAR, year)
		INT_MEMBER(M_POVERTY, poverty)
		INT_MEMBER(M_HHTYPE, hh_type)
#undef INT_MEMBER
	case M_OUTCOME: set_str(o, m->name, reg_outcome_name(ev->outcome)); break;
	case M_CONSANG: json_object_set_new(o, m->name, json_boolean(ev->consanguineous)); break;
	case M_PREMARITAL: json_object_set_new(o, m->name, json_boolean(ev->premarital_check)); break;
	case M_FIELD: set_str(o, m->name, reg_field_name(ev->field)); break;
	case M_VALUE: set_str(o, m->name, ev->value); break;
	case M_NB_RESULTS:
		json_object_set_new(o, m->name, results_obj(ev->results, reg_newborn_conditions,
							    NEWBORN_CONDITIONS, "normal", "abnormal"));
		break;
	case M_PN_RESULTS:
		json_object_set_new(o, m->name, results_obj(ev->results, reg_prenatal_conditions,
							    PRENATAL_CONDITIONS, "low", "high"));
		break;
	case M_TEXT:
		if (ev->text[0] || m->required)
			set_str(o, m->name, ev->text);
		break;
	}
}

json_t *reg_event_json(const struct reg_event *ev)
{
	json_t *o = json_object();
	char buf[REG_UUID_TEXT];
	reg_uuid_format(ev->id, buf);
	set_str(o, "id", buf);
	set_str(o, "type", reg_etype_name(ev->type));
	char date[11];
	day_format(ev->date, date);
	set_str(o, "date", date);
	const struct typespec *sp = &specs[ev->type];
	for (size_t i = 0; i < sp->n; i++)
		emit_member(o, ev, &sp->m[i]);
	return o;
}

char *reg_event_text(const struct reg_event *ev)
{
	json_t *o = reg_event_json(ev);
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}
