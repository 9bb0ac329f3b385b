/*
 * A workflow record's envelope: parsed strictly (unknown members, wrong
 * types and missing members are refused by name), its body handed to its
 * kind's parser, and written back in canonical form so that re-sending
 * the same record in another key order or with 2.0 for 2 is recognised.
 */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/day.h"
#include "records/records.h"

static enum ds_rc refuse(struct ds_problem *pb, const char *field, enum ds_why why)
{
	ds_problem_set(pb, NULL, 0, field, why);
	return DS_EINPUT;
}

static const char *const members[] = {"id", "kind", "unit", "date", "body", "supersedes", "cancel"};

static bool known_member(const char *k)
{
	for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
		if (strcmp(k, members[i]) == 0)
			return true;
	return false;
}

/* A required string member, or NULL (pb says why). */
static const char *string_member(const json_t *obj, const char *name, struct ds_problem *pb)
{
	json_t *v = json_object_get(obj, name);
	if (!v) {
		refuse(pb, name, W_REQUIRED);
		return NULL;
	}
	if (!json_is_string(v)) {
		refuse(pb, name, W_JSON_TYPE);
		return NULL;
	}
	return json_string_value(v);
}

static enum ds_rc parse_envelope(const json_t *obj, struct rec *r, struct ds_problem *pb)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)obj, k, v)
	{
		if (!known_member(k))
			return refuse(pb, strlen(k) < DS_FIELD_MAX ? k : NULL, W_JSON_UNKNOWN_MEMBER);
	}
	const char *s;
	if (!(s = string_member(obj, "id", pb)))
		return DS_EINPUT;
	if (!reg_uuid_parse(s, strlen(s), r->id))
		return refuse(pb, "id", W_BAD_UUID);
	if (!(s = string_member(obj, "kind", pb)))
		return DS_EINPUT;
	if (strlen(s) > REC_KIND_MAX || !rec_kind_find(s))
		return refuse(pb, "kind", W_BAD_CODE);
	snprintf(r->kind, sizeof r->kind, "%s", s);
	if (!(s = string_member(obj, "unit", pb)))
		return DS_EINPUT;
	if (strlen(s) > REG_UNIT_CODE_MAX || strspn(s, "0123456789") != strlen(s))
		return refuse(pb, "unit", W_BAD_UNIT_CODE);
	snprintf(r->unit, sizeof r->unit, "%s", s);
	if (!(s = string_member(obj, "date", pb)))
		return DS_EINPUT;
	if (!day_parse(s, strlen(s), &r->date))
		return refuse(pb, "date", W_BAD_DATE);
	if ((v = json_object_get(obj, "supersedes"))) {
		if (!json_is_string(v))
			return refuse(pb, "supersedes", W_JSON_TYPE);
		if (!reg_uuid_parse(json_string_value(v), json_string_length(v), r->supersedes))
			return refuse(pb, "supersedes", W_BAD_UUID);
		r->has_supersedes = true;
	}
	if ((v = json_object_get(obj, "cancel"))) {
		if (!json_is_boolean(v))
			return refuse(pb, "cancel", W_JSON_TYPE);
		r->cancel = json_is_true(v);
	}
	return DS_OK;
}

enum ds_rc rec_parse(const json_t *obj, struct rec *r, struct ds_problem *pb)
{
	memset(r, 0, sizeof *r);
	memset(pb, 0, sizeof *pb);
	if (!json_is_object(obj))
		return refuse(pb, NULL, W_JSON_NOT_OBJECT);
	enum ds_rc rc = parse_envelope(obj, r, pb);
	if (rc)
		return rc;
	const struct rec_kind *kind = rec_kind_find(r->kind);
	json_t *body = json_object_get(obj, "body");
	if (r->cancel) {
		/* A cancel withdraws what it names; it says nothing of its own. */
		if (!r->has_supersedes)
			return refuse(pb, "supersedes", W_REQUIRED);
		if (body && !(json_is_object(body) && json_object_size(body) == 0))
			return refuse(pb, "body", W_JSON_UNKNOWN_MEMBER);
		return DS_OK;
	}
	if (!body)
		return refuse(pb, "body", W_REQUIRED);
	if (!json_is_object(body))
		return refuse(pb, "body", W_JSON_NOT_OBJECT);
	const char *field = NULL;
	enum ds_why why = kind->parse(body, r, &r->body, r->key, &field);
	if (why) {
		char path[DS_FIELD_MAX];
		snprintf(path, sizeof path, "body%s%s", field ? "." : "", field ? field : "");
		json_decref(r->body);
		r->body = NULL;
		return refuse(pb, path, why);
	}
	return DS_OK;
}

enum ds_rc rec_parse_text(const char *s, size_t n, struct rec *r, struct ds_problem *pb)
{
	memset(r, 0, sizeof *r);
	memset(pb, 0, sizeof *pb);
	if (n > REC_MAX_BYTES)
		return refuse(pb, NULL, W_TOO_LONG);
	json_error_t err;
	json_t *obj = json_loadb(s, n, JSON_REJECT_DUPLICATES, &err);
	if (!obj)
		return refuse(pb, NULL, W_JSON_SYNTAX);
	enum ds_rc rc = rec_parse(obj, r, pb);
	json_decref(obj);
	return rc;
}

void rec_free(struct rec *r)
{
	json_decref(r->body);
	r->body = NULL;
}

char *rec_text(const struct rec *r)
{
	char id[REG_UUID_TEXT], date[11];
	reg_uuid_format(r->id, id);
	day_format(r->date, date);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "kind", r->kind, "unit", r->unit, "date",
			      date);
	if (!o)
		return NULL;
	if (r->body)
		json_object_set(o, "body", r->body);
	if (r->has_supersedes) {
		char sup[REG_UUID_TEXT];
		reg_uuid_format(r->supersedes, sup);
		json_object_set_new(o, "supersedes", json_string(sup));
	}
	if (r->cancel)
		json_object_set_new(o, "cancel", json_true());
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
	json_decref(o);
	return s;
}

/* A number as the canonical text holds it: rounded to the 15 significant
 * digits rec_text writes, so that the value kept is the value read back
 * (1091111111111111.5 is kept as 1091111111111110, an integer, not as a
 * real whose text would read back as that integer and differ). */
json_t *rec_number(double v)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%.15g", v);
	v = strtod(digits, NULL);
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

void rec_new_id(uint8_t id[16])
{
	if (sodium_init() < 0)
		abort();
	randombytes_buf(id, 16);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	for (int i = 5; i >= 0; i--, ms >>= 8)
		id[i] = (uint8_t)ms;
	id[6] = (uint8_t)((id[6] & 0x0F) | 0x70); /* version 7 */
	id[8] = (uint8_t)((id[8] & 0x3F) | 0x80); /* RFC 9562 variant */
}
