/*
 * book: the workflow records in memory, and which is current.
 *
 * Every record the store holds, in sequence order, with, for each (kind,
 * unit, key), the latest one: the current target of an indicator, the
 * state of a submission.  A cancel is the latest of its key and leaves
 * nothing current.  The book follows the store's record log like the
 * engine follows the event log: rec_book_catch_up() after each commit,
 * and from the follower for other servers' writes.
 *
 * Threads: readers ask through callbacks that run under the book's read
 * lock; a callback must not keep pointers it is given, nor call the book.
 */
#ifndef DS_RECORDS_BOOK_H
#define DS_RECORDS_BOOK_H

#include "records/records.h"
#include "store/records.h"

struct rec_entry {
	int64_t seq;
	uint8_t id[16];
	const char *kind; /* the kind's name (static), "" for a kind this program does not know */
	char unit[REG_UNIT_CODE_MAX + 1];
	int32_t date;
	char *key;
	int64_t recorded_at;
	char recorded_by[64];
	bool cancel;
	json_t *body;  /* canonical; NULL for a cancel */
	int64_t prev;  /* the version before, in the book, or -1 */
};

struct rec_book *rec_book_new(void);
void rec_book_free(struct rec_book *b);
/* Adds the store's records after the last one the book holds. */
enum ds_rc rec_book_catch_up(struct rec_book *b, struct store *st);
int64_t rec_book_last_seq(struct rec_book *b);

/* The current record of (kind, unit, key), if any: fn (may be NULL) sees it. */
bool rec_book_current(struct rec_book *b, const char *kind, const char *unit, const char *key,
		      void (*fn)(const struct rec_entry *, void *), void *arg);
/* Every current record of a kind, in sequence order, until fn returns false. */
void rec_book_each(struct rec_book *b, const char *kind,
		   bool (*fn)(const struct rec_entry *, void *), void *arg);
/* Every version of (kind, unit, key), newest first, until fn returns false. */
void rec_book_history(struct rec_book *b, const char *kind, const char *unit, const char *key,
		      bool (*fn)(const struct rec_entry *, void *), void *arg);

/* The current target of an indicator for a unit and year, NaN when none. */
double rec_target(struct rec_book *b, const char *unit, int year, const char *indicator);

#endif
