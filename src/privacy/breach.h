/*
 * breach: the search of the audit log a breach investigation needs.  The
 * Personal Data Protection Law gives 72 hours to notify a breach: who
 * accessed what, by one account or in one unit, in a time range, in time
 * order, as a CSV file that can be handed on.
 *
 * The store pages the log by time (store_audit_search); the unit filter
 * runs here on each entry's area (where its object was when it was read),
 * asking the caller once per distinct area whether it lies in the unit.
 */
#ifndef DS_PRIVACY_BREACH_H
#define DS_PRIVACY_BREACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/hmap.h"
#include "store/audit.h"

struct breach_query {
	const char *login; /* one account's entries, or NULL */
	int64_t from, to;  /* seconds since 1970, [from, to) */
	/* Entries about objects in a unit: whether an area lies in it (asked
	 * once per area); NULL: every entry. */
	bool (*within)(void *arg, const char *area);
	void *arg;
};

/* Where a search goes on: the last entry read.  Zero to start. */
struct breach_cursor {
	int64_t at, seq;
	bool done; /* the range is read to its end */
};

/*
 * Gives fn the matching entries after cur in time order, until limit of
 * them or scan entries read (then cur says where to go on), or the end of
 * the range (cur->done).  *scanned (may be NULL) adds the entries read.
 */
enum ds_rc breach_search(struct store *st, const struct breach_query *q, struct breach_cursor *cur,
			 size_t limit, size_t scan,
			 enum ds_rc (*fn)(const struct store_audit *, void *), void *arg, size_t *scanned);

/*
 * A time of a range: "2026-03-02" (midnight in Viet Nam, UTC+7; as the end
 * of a range, the midnight after, so that a day includes itself) or
 * "2026-03-02T14:30", "...T14:30:05", with "Z" or "+07:00" (Viet Nam's time
 * when none).  False when s is none of these.
 */
bool breach_parse_time(const char *s, bool end, int64_t *out);

/* The CSV file: its header line, and one line per entry (UTC and Viet Nam time). */
enum ds_rc breach_csv_header(struct buf *b);
enum ds_rc breach_csv_row(struct buf *b, const struct store_audit *a);

#endif
