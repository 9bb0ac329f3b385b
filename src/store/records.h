/*
 * The records contract: an append-only log of workflow records (targets,
 * submissions, assignments, ...) beside the event log.
 *
 * The store keeps records and does not interpret them: a kind is a name,
 * its body canonical JSON text made and checked by the records module
 * (src/records/), so that a new kind needs no new store function.  What the
 * store guarantees:
 *  - append-only: a stored record is never changed or deleted (the
 *    database itself refuses: triggers); a later record of the same kind,
 *    unit and key supersedes or cancels it, which is for the records module
 *    to read;
 *  - idempotent by id: a second record with a stored id is refused
 *    (DS_ECONFLICT) and changes nothing, not even the open transaction;
 *  - ordered and gapless: store_record_add gives the next seq from 1, one
 *    writer at a time; a rolled-back record gives its seq back, so that a
 *    reader that follows the log after its last seq misses nothing;
 *  - a commit that added records wakes the other servers waiting in
 *    store_wait_notify, as one that added events does (PostgreSQL; on
 *    SQLite they poll).
 */
#ifndef DS_STORE_RECORDS_H
#define DS_STORE_RECORDS_H

#include <stdint.h>

#include "register/record.h"
#include "store/store.h"

/* One workflow record as stored.  The store does not interpret kinds. */
struct store_record {
	int64_t seq;                      /* assigned by store_record_add, from 1, gapless per database */
	uint8_t id[16];                   /* the idempotency key (a UUID) */
	char kind[32];                    /* "target", "submission", ... */
	char unit[REG_UNIT_CODE_MAX + 1]; /* the unit it is about ("" for the whole country) */
	int prov;                         /* province code, for partitioning; 0 for the country */
	int32_t date;                     /* day number (base/day.h) the record is about */
	char key[128];                    /* the kind's key within the unit: a later record of the
	                                     same kind, unit and key supersedes or cancels it */
	int64_t recorded_at;              /* unix seconds */
	char recorded_by[64];             /* login */
	const char *body;                 /* canonical JSON text of the whole record; borrowed
	                                     until the next call on this store (in
	                                     store_each_record: while fn runs) */
};

/*
 * Appends r with body (r->body is not read) and sets r->seq.  DS_ECONFLICT
 * when the id is already stored.  Only inside a transaction (store_begin):
 * DS_EUSAGE otherwise, since the seq is the writer's only until its commit.
 */
enum ds_rc store_record_add(struct store *st, struct store_record *r, const char *body);
/* DS_ENOTFOUND when absent. */
enum ds_rc store_record_by_id(struct store *st, const uint8_t id[16], struct store_record *out);
/* The latest record of (kind, unit, key): what a new one of that key would
 * supersede.  DS_ENOTFOUND when none.  Sees the open transaction's own. */
enum ds_rc store_record_latest(struct store *st, const char *kind, const char *unit,
				const char *key, struct store_record *out);
/* Records with seq > after, in seq order; fn returns DS_OK to go on. */
enum ds_rc store_each_record(struct store *st, int64_t after,
			     enum ds_rc (*fn)(const struct store_record *, void *), void *arg);
/* The highest seq stored, 0 when none (or on error). */
int64_t store_record_last_seq(struct store *st);

#endif
