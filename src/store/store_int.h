/*
 * Inside the store: how a backend is put together.  Only store/ includes
 * this header.
 *
 * A backend is one table of functions per contract (store.h, register.h,
 * accounts.h, audit.h, records.h), gathered in a struct store_backend.  A
 * store_*() function that callers use calls the one entry of its table and
 * adds nothing, so that a contract's behaviour is the backend's and the
 * conformance tests see it whole; the few built on other calls (store_units,
 * the target bridges) are written once, beside the wrappers, and a rollback
 * also forgets what the target bridge has read.  Every entry of every table
 * is set, except the optional ones of the core (bulk_mode, wait_notify,
 * log_aside, sync_aside and sync, reachable) and the register's prefetch,
 * whose absence the wrappers answer.
 *
 * struct store is one connection: the backend, its private state (impl) and
 * the text of the last error.
 */
#ifndef DS_STORE_INT_H
#define DS_STORE_INT_H

#include "store/accounts.h"
#include "store/audit.h"
#include "store/records.h"
#include "store/register.h"
#include "store/store.h"

/* The events that are not of a passive type (reg_passive: 2, 13, 14, 15),
 * as an SQL condition: a household's history leaves the passive ones out
 * (store_events_about), and SQLite's index of events by household does
 * not hold them.  SQLite uses that partial index only where a query
 * repeats its condition as written, so both say STORE_NOT_PASSIVE.  Not
 * "type NOT IN (2, 13, 14, 15)": SQLite evaluates the index's condition
 * on every insert into event, and a list of more than two values is a
 * temporary B-tree made and dropped each time (schema 10). */
#define STORE_NOT_PASSIVE "type <> 2 AND type NOT BETWEEN 13 AND 15"
_Static_assert(EV_NEWBORN_SCREENING == 2 && EV_PREGNANCY == 13 && EV_PRENATAL_SCREENING == 14 &&
		       EV_ELDERLY_CHECK == 15,
	       "STORE_NOT_PASSIVE names the passive types by number");

/* store.h: the connection and what every contract shares. */
struct store_core_ops {
	const char *name;
	enum ds_rc (*open)(struct store *st, const char *target, bool create);
	void (*close)(struct store *st);
	enum ds_rc (*migrate)(struct store *st);
	enum ds_rc (*begin)(struct store *st);
	enum ds_rc (*begin_read)(struct store *st);
	enum ds_rc (*commit)(struct store *st);
	enum ds_rc (*rollback)(struct store *st);
	enum ds_rc (*savepoint)(struct store *st);
	enum ds_rc (*release)(struct store *st);
	enum ds_rc (*rollback_to)(struct store *st);
	enum ds_rc (*meta_get)(struct store *st, const char *key, char *out, size_t outsz);
	enum ds_rc (*meta_set)(struct store *st, const char *key, const char *value);
	enum ds_rc (*bulk_mode)(struct store *st, bool on);          /* may be NULL */
	enum ds_rc (*wait_notify)(struct store *st, int timeout_ms);
	enum ds_rc (*log_aside)(struct store *st); /* may be NULL */
	enum ds_rc (*sync_aside)(struct store *st); /* may be NULL, with sync */
	enum ds_rc (*sync)(struct store *st);
	bool (*reachable)(struct store *st, bool ping); /* NULL: always (an embedded file) */ /* may be NULL */
};

/* register.h */
struct store_reg_ops {
	enum ds_rc (*bulk_begin)(struct store *st, enum store_kind kind, bool empty);
	enum ds_rc (*bulk_end)(struct store *st, enum store_kind kind, bool empty);
	enum ds_rc (*unit_add)(struct store *st, const struct reg_unit *u);
	enum ds_rc (*unit_close)(struct store *st, const struct reg_unit *u, int32_t valid_to);
	enum ds_rc (*household_add)(struct store *st, struct store_household *h);
	enum ds_rc (*person_add)(struct store *st, struct store_person *p);
	enum ds_rc (*persons_add)(struct store *st, struct store_new_person *v, size_t n, size_t *added);
	enum ds_rc (*baseline_add)(struct store *st, struct store_baseline *b);
	enum ds_rc (*household_get)(struct store *st, const char *id, int64_t rid,
				    struct store_household *out);
	enum ds_rc (*person_get)(struct store *st, const char *id, int64_t rid,
				 struct store_person *out);
	/* NULL: person_get */
	enum ds_rc (*subject_get)(struct store *st, const char *id, struct store_person *out);
	enum ds_rc (*nid_owner)(struct store *st, const char *nid, int64_t *rid);
	enum ds_rc (*each_nid)(struct store *st, enum ds_rc (*fn)(int64_t rid, const char *nid, void *),
			       void *arg);
	enum ds_rc (*count)(struct store *st, enum store_kind kind, int64_t *n);
	enum ds_rc (*person_current)(struct store *st, const struct store_person *p);
	enum ds_rc (*event_by_id)(struct store *st, const uint8_t id[16], struct store_event *out);
	enum ds_rc (*event_by_seq)(struct store *st, int64_t seq, struct store_event *out);
	enum ds_rc (*next_seq)(struct store *st, int64_t *seq);
	enum ds_rc (*event_add)(struct store *st, struct store_event *ev, const char *body);
	enum ds_rc (*event_void)(struct store *st, int64_t target_seq, int64_t void_seq);
	enum ds_rc (*person_facts)(struct store *st, int64_t rid, bool state_only,
				   struct reg_fact **facts, size_t *n);
	int64_t (*last_seq)(struct store *st);
	enum ds_rc (*each_unit)(struct store *st, enum ds_rc (*fn)(const struct reg_unit *, void *),
				void *arg);
	enum ds_rc (*each_household)(struct store *st, bool baseline_only,
				     enum ds_rc (*fn)(const struct store_household *, void *), void *arg);
	enum ds_rc (*each_person)(struct store *st, bool baseline_only,
				  enum ds_rc (*fn)(const struct store_person *, void *), void *arg);
	enum ds_rc (*each_person_lite)(struct store *st,
				       enum ds_rc (*fn)(const struct store_person_lite *, void *),
				       void *arg);
	enum ds_rc (*each_household_lite)(struct store *st,
					  enum ds_rc (*fn)(const struct store_household_lite *, void *),
					  void *arg);
	enum ds_rc (*each_present)(struct store *st, enum ds_rc (*fn)(const struct store_person_now *, void *),
				   void *arg);
	enum ds_rc (*each_event)(struct store *st, int64_t after, bool want_body,
				 enum ds_rc (*fn)(const struct store_event *, void *), void *arg);
	enum ds_rc (*events_about)(struct store *st, int64_t person, int64_t hh,
				   enum ds_rc (*fn)(const struct store_event *, void *), void *arg);
	enum ds_rc (*baselines)(struct store *st, struct store_baseline *out, size_t max, size_t *n);
	enum ds_rc (*find)(struct store *st, const char *key, int year, const char *areas,
			   size_t offset, size_t limit,
			   enum ds_rc (*fn)(const struct store_person *, void *), void *arg);
	enum ds_rc (*households_in)(struct store *st, const char *areas, const char *number,
				    size_t offset, size_t limit,
				    enum ds_rc (*fn)(const struct store_household *, void *),
				    void *arg);
	enum ds_rc (*find_count)(struct store *st, const char *key, int year, const char *areas,
				 size_t max, size_t *n);
	enum ds_rc (*find_given)(struct store *st, const char *keys, int year, const char *areas,
				 size_t limit, enum ds_rc (*fn)(const struct store_person *, void *),
				 void *arg);
	enum ds_rc (*households_count)(struct store *st, const char *areas, const char *number,
				       size_t max, size_t *n);
	enum ds_rc (*members)(struct store *st, int64_t hh,
			      enum ds_rc (*fn)(const struct store_person *, void *), void *arg);
	enum ds_rc (*prefetch)(struct store *st, const struct store_hint *h); /* may be NULL */
};

/* accounts.h */
struct store_acct_ops {
	enum ds_rc (*user_add)(struct store *st, struct store_user *u);
	enum ds_rc (*user_get)(struct store *st, const char *login, int64_t id, struct store_user *u);
	enum ds_rc (*user_update)(struct store *st, const struct store_user *u);
	enum ds_rc (*each_user)(struct store *st, enum ds_rc (*fn)(const struct store_user *, void *),
				void *arg);
	enum ds_rc (*session_add)(struct store *st, const struct store_session *s);
	enum ds_rc (*session_get)(struct store *st, const uint8_t hash[32], struct store_session *s);
	enum ds_rc (*session_touch)(struct store *st, const uint8_t hash[32], int64_t when);
	enum ds_rc (*session_revoke)(struct store *st, const uint8_t *hash, int64_t user_id,
				     bool tokens_too);
	enum ds_rc (*each_token)(struct store *st, int64_t user_id,
				 enum ds_rc (*fn)(const struct store_session *, void *), void *arg);
	enum ds_rc (*limit_put)(struct store *st, const struct store_limit *l);
	enum ds_rc (*each_limit)(struct store *st, int64_t since,
				 enum ds_rc (*fn)(const struct store_limit *, void *), void *arg);
};

/* audit.h */
struct store_audit_ops {
	enum ds_rc (*add)(struct store *st, const struct store_audit *a);
	enum ds_rc (*list)(struct store *st, const char *object, const char *object_id,
			   size_t offset, size_t limit,
			   enum ds_rc (*fn)(const struct store_audit *, void *), void *arg);
	enum ds_rc (*search)(struct store *st, const struct store_audit_query *q, size_t limit,
			     enum ds_rc (*fn)(const struct store_audit *, void *), void *arg);
};

/* records.h */
struct store_rec_ops {
	enum ds_rc (*add)(struct store *st, struct store_record *r, const char *body);
	enum ds_rc (*by_id)(struct store *st, const uint8_t id[16], struct store_record *out);
	enum ds_rc (*latest)(struct store *st, const char *kind, const char *unit, const char *key,
			     struct store_record *out);
	enum ds_rc (*each)(struct store *st, int64_t after,
			   enum ds_rc (*fn)(const struct store_record *, void *), void *arg);
	int64_t (*last_seq)(struct store *st);
};

/* One backend: a table per contract. */
struct store_backend {
	const struct store_core_ops *core;
	const struct store_reg_ops *reg;
	const struct store_acct_ops *acct;
	const struct store_audit_ops *audit;
	const struct store_rec_ops *rec;
};

/* Some connection lost the database (on) or reached it again (off). */
void store_outage_set(bool on);

extern const struct store_backend store_sqlite;
extern const struct store_backend store_pg;

/*
 * Moves one row of the version 1 target table onto the record log, for the
 * migration to version 2 (records.c): a "target" record in the canonical
 * form of src/records/ (records.h there), in the unit's province in the
 * tree units (0 when not found: the country, or a unit not in the tree), recorded by
 * "migration" at `at`, whose id is the first 16 bytes of
 * crypto_generichash (32 bytes, no key) over
 * "danso target <unit>|<year>|<key>", as a version 8 UUID.  A value that is
 * not finite cannot be a record and is left out.
 */
enum ds_rc store_target_migrate(struct store *st, const struct reg_units *units, const char *unit,
				int year, const char *key, double value, int64_t at);


struct store {
	const struct store_backend *be;
	void *impl;                    /* the backend's connection state */
	char errmsg[256];              /* last backend error, English, for logs */
};

#endif
