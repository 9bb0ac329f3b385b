/*
 * The records contract's calls (records.h), each to the backend's records
 * table, and the temporary target bridges built on them once for every
 * backend.
 */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/day.h"
#include "base/hmap.h"
#include "register/event.h"
#include "store/store_int.h"

enum ds_rc store_record_add(struct store *st, struct store_record *r, const char *body)
{
	return st->be->rec->add(st, r, body);
}

enum ds_rc store_record_by_id(struct store *st, const uint8_t id[16], struct store_record *out)
{
	return st->be->rec->by_id(st, id, out);
}

enum ds_rc store_each_record(struct store *st, int64_t after,
			     enum ds_rc (*fn)(const struct store_record *, void *), void *arg)
{
	return st->be->rec->each(st, after, fn, arg);
}

int64_t store_record_last_seq(struct store *st)
{
	return st->be->rec->last_seq(st);
}

/* ---- targets: the temporary bridge (records.h) ---- */

/* The province of a unit code: its first two digits; 0 for the country ("")
 * or a code that does not start with two digits. */
static int unit_prov(const char *unit)
{
	if (!isdigit((unsigned char)unit[0]) || !isdigit((unsigned char)unit[1]))
		return 0;
	return (unit[0] - '0') * 10 + (unit[1] - '0');
}

/* RFC 9562: the version in the high nibble of byte 6, the variant (binary
 * 10) in the two high bits of byte 8. */
static void set_uuid_version(uint8_t id[16], unsigned version)
{
	id[6] = (uint8_t)((id[6] & 0x0f) | version << 4);
	id[8] = (uint8_t)((id[8] & 0x3f) | 0x80);
}

/* A whole number that json_int_t holds (|v| < 2^63, so the cast is defined). */
static bool whole(double v)
{
	return v == floor(v) && fabs(v) < 9223372036854775808.0;
}

/* The canonical text of a target record, from its id, unit and date and the
 * target itself; the caller frees it.  NULL when out of memory. */
static char *target_body(const struct store_record *r, int year, const char *indicator,
			 double value)
{
	char id[REG_UUID_TEXT], date[11];
	reg_uuid_format(r->id, id);
	day_format(r->date, date);
	json_t *v = whole(value) ? json_integer((json_int_t)value) : json_real(value);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:I, s:o}}", "id", id, "kind", "target",
			      "unit", r->unit, "date", date, "body", "indicator", indicator, "year",
			      (json_int_t)year, "value", v);
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15)) : NULL;
	json_decref(o);
	return text;
}

/* Appends the target record with id, recorded by `by` at `at`. */
static enum ds_rc add_target(struct store *st, const uint8_t id[16], const char *unit, int year,
			     const char *key, double value, const char *by, int64_t at)
{
	struct store_record r = {.prov = unit_prov(unit), .date = day_from_ymd(year, 1, 1),
				 .recorded_at = at};
	memcpy(r.id, id, sizeof r.id);
	snprintf(r.kind, sizeof r.kind, "target");
	int nu = snprintf(r.unit, sizeof r.unit, "%s", unit);
	int nk = snprintf(r.key, sizeof r.key, "%d/%s", year, key);
	int nb = snprintf(r.recorded_by, sizeof r.recorded_by, "%s", by);
	if (nu < 0 || (size_t)nu >= sizeof r.unit || nk < 0 || (size_t)nk >= sizeof r.key || nb < 0 ||
	    (size_t)nb >= sizeof r.recorded_by)
		return DS_ELIMIT;
	if (!isfinite(value))
		return DS_EINPUT;
	char *body = target_body(&r, year, key, value);
	if (!body)
		return DS_ENOMEM;
	enum ds_rc rc = store_record_add(st, &r, body);
	free(body);
	return rc;
}

enum ds_rc store_target_put(struct store *st, const char *unit, int year, const char *key,
			    double value, const char *by)
{
	uint8_t id[16];
	if (sodium_init() < 0)
		return DS_EINTERNAL;
	randombytes_buf(id, sizeof id);
	set_uuid_version(id, 4);
	return add_target(st, id, unit, year, key, value, by, (int64_t)time(NULL));
}

enum ds_rc store_target_migrate(struct store *st, const char *unit, int year, const char *key,
				double value, int64_t at)
{
	/* JSON has no infinity: such a row (the command line once let "inf"
	 * through) cannot become a record, and must not keep the database from
	 * opening. */
	if (!isfinite(value))
		return DS_OK;
	/* The id is a hash of what the row was, so that every database that
	 * migrates the same row gives it the same id. */
	char text[300];
	int n = snprintf(text, sizeof text, "danso target %s|%d|%s", unit, year, key);
	if (n < 0 || (size_t)n >= sizeof text)
		return DS_ELIMIT;
	uint8_t hash[crypto_generichash_BYTES], id[16];
	crypto_generichash(hash, sizeof hash, (const unsigned char *)text, (size_t)n, NULL, 0);
	memcpy(id, hash, sizeof id);
	set_uuid_version(id, 8);
	return add_target(st, id, unit, year, key, value, "migration", at);
}

/*
 * What the bridge has read of the log, per connection: the latest value of
 * each unit and key (the bits of a double; NaN when the latest record has
 * none), and the seq it has read up to.  A report looks up a target per row
 * and column: reading the whole log each time would cost as much as the
 * log is long, where catching up costs one query.
 */
struct store_targets {
	struct hmap latest;
	int64_t last;
};

void store_targets_forget(struct store *st)
{
	if (st->targets)
		hmap_free(&st->targets->latest);
	free(st->targets);
	st->targets = NULL;
}

/* "unit\x1fkey", the memo's key of a unit and a record key. */
static size_t memo_key(const char *unit, const char *key, char out[HMAP_KEY_MAX + 1])
{
	int n = snprintf(out, HMAP_KEY_MAX + 1, "%s\x1f%s", unit, key);
	return n < 0 || n > HMAP_KEY_MAX ? 0 : (size_t)n;
}

static enum ds_rc remember_target(const struct store_record *r, void *arg)
{
	struct store_targets *t = arg;
	t->last = r->seq;
	char k[HMAP_KEY_MAX + 1];
	size_t n = memo_key(r->unit, r->key, k);
	if (strcmp(r->kind, "target") != 0 || n == 0)
		return DS_OK;
	json_t *o = json_loads(r->body, 0, NULL);
	json_t *v = json_object_get(json_object_get(o, "body"), "value");
	double value = json_is_number(v) ? json_number_value(v) : NAN;
	json_decref(o);
	int64_t bits;
	memcpy(&bits, &value, sizeof bits);
	bool existing;
	enum ds_rc rc = hmap_put(&t->latest, k, n, bits, &existing, NULL);
	if (!rc && existing)
		hmap_set(&t->latest, k, n, bits);
	return rc;
}

/* Reads the records added since the memo last looked. */
static enum ds_rc catch_up(struct store *st)
{
	int64_t last = store_record_last_seq(st);
	if (st->targets && last < st->targets->last)
		store_targets_forget(st);
	if (!st->targets && !(st->targets = calloc(1, sizeof *st->targets)))
		return DS_ENOMEM;
	enum ds_rc rc = DS_OK;
	if (last > st->targets->last)
		rc = store_each_record(st, st->targets->last, remember_target, st->targets);
	if (rc)
		store_targets_forget(st);
	return rc;
}

enum ds_rc store_target_find(struct store *st, const char *unit, int year, const char *key,
			     double *value)
{
	char rkey[128], k[HMAP_KEY_MAX + 1];
	int n = snprintf(rkey, sizeof rkey, "%d/%s", year, key);
	size_t len = n < 0 || (size_t)n >= sizeof rkey ? 0 : memo_key(unit, rkey, k);
	enum ds_rc rc = len ? catch_up(st) : DS_ENOTFOUND;
	int64_t bits;
	if (!rc && !hmap_get(&st->targets->latest, k, len, &bits))
		rc = DS_ENOTFOUND;
	double v = 0;
	if (!rc)
		memcpy(&v, &bits, sizeof v);
	if (!rc && isnan(v))
		rc = DS_ENOTFOUND;
	if (!rc)
		*value = v;
	return rc;
}
