/*
 * The records contract's calls (records.h), each to the backend's records
 * table, and the migration of version 1's targets onto the log, once for
 * every backend.
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
#include "register/units.h"
#include "store/register.h"
#include "store/store_int.h"

enum ds_rc store_record_add(struct store *st, struct store_record *r, const char *body)
{
	return st->be->rec->add(st, r, body);
}

enum ds_rc store_record_by_id(struct store *st, const uint8_t id[16], struct store_record *out)
{
	return st->be->rec->by_id(st, id, out);
}

enum ds_rc store_record_latest(struct store *st, const char *kind, const char *unit,
				const char *key, struct store_record *out)
{
	return st->be->rec->latest(st, kind, unit, key, out);
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
static enum ds_rc add_target(struct store *st, const uint8_t id[16], const char *unit, int prov,
			     int year, const char *key, double value, const char *by, int64_t at)
{
	struct store_record r = {.prov = prov, .date = day_from_ymd(year, 1, 1),
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

enum ds_rc store_target_migrate(struct store *st, const struct reg_units *units, const char *unit,
				int year, const char *key, double value, int64_t at)
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
	return add_target(st, id, unit, reg_units_province(units, unit), year, key, value, "migration",
			  at);
}
