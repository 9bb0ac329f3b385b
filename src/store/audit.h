/*
 * The audit contract: who read, searched, exported or recorded what, and
 * with what outcome; never the data themselves.
 *
 * The audit log is append-only: the database refuses to change or delete an
 * entry (triggers), so an entry, once committed, stays as written.  Entries
 * are numbered in the order they were added.
 */
#ifndef DS_STORE_AUDIT_H
#define DS_STORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "register/record.h"
#include "store/store.h"

struct store_audit {
	int64_t seq;
	int64_t at;
	char login[64];
	int role;
	char unit[REG_UNIT_CODE_MAX + 1];
	char action[32];      /* read, search, export, record, ... */
	char object[16];      /* person, household, event, report, user */
	char object_id[40];
	char outcome[16];     /* ok, denied, not_found, refused */
	/* Where the object was when it was read or changed: a person's or
	 * household's area, a report's unit, an account's unit; "" when
	 * unknown.  A breach investigation asks for every access to a unit. */
	char area[REG_UNIT_CODE_MAX + 1];
};

/* A search of the log in time order (for a breach investigation or a
 * data subject's file): entries with at in [from, to), by login when
 * given, about one object when object and object_id are given.  Paged by
 * the last entry seen: start with after_at = after_seq = 0, then give the
 * last entry's at and seq. */
struct store_audit_query {
	const char *login;
	const char *object, *object_id;
	int64_t from, to;
	int64_t after_at, after_seq;
};

/* Appends a (its seq is given by the store). */
enum ds_rc store_audit_add(struct store *st, const struct store_audit *a);
/* Entries about an object (or all when object_id is NULL), newest first;
 * fn returns DS_OK to go on. */
enum ds_rc store_audit_list(struct store *st, const char *object, const char *object_id,
			    size_t offset, size_t limit,
			    enum ds_rc (*fn)(const struct store_audit *, void *), void *arg);
/* At most limit entries of q after (after_at, after_seq), in (at, seq) order. */
enum ds_rc store_audit_search(struct store *st, const struct store_audit_query *q, size_t limit,
			      enum ds_rc (*fn)(const struct store_audit *, void *), void *arg);

#endif
