/*
 * Recording a workflow record: the one path every record takes into the
 * store, inside the caller's transaction (the server's writer, or a
 * command's own).  Idempotent by id; a superseding record must name the
 * current one of its key; the unit must exist and be of a level the kind
 * allows.  A refusal changes nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "records/records.h"
#include "store/records.h"

static enum ds_rc refuse(struct rec_result *res, const char *field, enum ds_why why)
{
	res->outcome = REC_REFUSED;
	ds_problem_set(&res->problem, NULL, 0, field, why);
	return DS_OK;
}

/* The unit exists and its level fits the kind ("" is the country). */
static enum ds_why unit_fits(const struct reg_units *units, const struct rec *r)
{
	const struct rec_kind *kind = rec_kind_find(r->kind);
	if (!r->unit[0])
		return !kind->levels || (kind->levels & 1u) ? W_NONE : W_RECORD_LEVEL;
	size_t first, n = reg_units_rows(units, r->unit, &first);
	if (!n)
		return W_NO_UNIT;
	unsigned level = units->rows[first + n - 1].level;
	return !kind->levels || (kind->levels & (1u << level)) ? W_NONE : W_RECORD_LEVEL;
}

/* A superseding record names the current one of its kind, unit and key;
 * a cancel takes that key. */
static enum ds_rc check_supersedes(struct store *st, struct rec *r, struct rec_result *res)
{
	struct store_record old;
	enum ds_rc rc = store_record_by_id(st, r->supersedes, &old);
	if (rc == DS_ENOTFOUND || (!rc && (strcmp(old.kind, r->kind) || strcmp(old.unit, r->unit))))
		return refuse(res, "supersedes", W_NO_RECORD);
	if (rc)
		return rc;
	if (r->cancel)
		snprintf(r->key, sizeof r->key, "%s", old.key);
	else if (strcmp(old.key, r->key) != 0)
		return refuse(res, "supersedes", W_NO_RECORD);
	struct store_record latest;
	if ((rc = store_record_latest(st, r->kind, r->unit, r->key, &latest)))
		return rc;
	if (memcmp(latest.id, r->supersedes, 16) != 0)
		return refuse(res, "supersedes", W_RECORD_STALE);
	return DS_OK;
}

enum ds_rc rec_record(struct store *st, const struct reg_units *units, struct rec *r,
		      const char *by, struct rec_result *res)
{
	memset(res, 0, sizeof *res);
	char *text = rec_text(r);
	if (!text)
		return DS_ENOMEM;
	struct store_record old;
	enum ds_rc rc = store_record_by_id(st, r->id, &old);
	if (rc == DS_OK) {
		/* Sent again: the same record is already there; another is refused. */
		if (strcmp(old.body, text) == 0) {
			res->outcome = REC_DUPLICATE;
			res->seq = old.seq;
		} else {
			refuse(res, "id", W_RECORD_ID_REUSED);
		}
		rc = DS_OK;
		goto out;
	}
	if (rc != DS_ENOTFOUND)
		goto out;
	rc = DS_OK;
	enum ds_why w = unit_fits(units, r);
	if (w) {
		refuse(res, "unit", w);
		goto out;
	}
	if (r->has_supersedes && ((rc = check_supersedes(st, r, res)) || res->outcome == REC_REFUSED))
		goto out;
	struct store_record sr = {.prov = r->unit[0] ? reg_units_province(units, r->unit) : 0,
				  .date = r->date, .recorded_at = (int64_t)time(NULL)};
	memcpy(sr.id, r->id, 16);
	snprintf(sr.kind, sizeof sr.kind, "%s", r->kind);
	snprintf(sr.unit, sizeof sr.unit, "%s", r->unit);
	snprintf(sr.key, sizeof sr.key, "%s", r->key);
	snprintf(sr.recorded_by, sizeof sr.recorded_by, "%s", by ? by : "");
	if ((rc = store_record_add(st, &sr, text)))
		goto out;
	res->outcome = REC_RECORDED;
	res->seq = sr.seq;
out:
	free(text);
	return rc;
}

enum ds_rc rec_target_new(struct rec *r, const char *unit, int year, const char *indicator,
			  double value, struct ds_problem *pb)
{
	char id[REG_UUID_TEXT], date[11];
	uint8_t raw[16];
	rec_new_id(raw);
	reg_uuid_format(raw, id);
	snprintf(date, sizeof date, "%04d-01-01", year);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:i, s:o}}", "id", id, "kind", "target",
			      "unit", unit, "date", date, "body", "indicator", indicator, "year", year,
			      "value", json_real(value));
	if (!o) {
		memset(r, 0, sizeof *r);
		ds_problem_set(pb, NULL, 0, NULL, W_BAD_NUMBER);
		return DS_EINPUT;
	}
	enum ds_rc rc = rec_parse(o, r, pb);
	json_decref(o);
	return rc;
}
