/*
 * store: the durable register, behind one contract for every backend.
 *
 * The truth is an append-only event log: every accepted event gets the next
 * sequence number and is never changed, except that a later `void` event
 * marks it cancelled (the void itself is the trace).  Beside the log the
 * store keeps the entry records (units; households and persons as they
 * entered: baseline rows, or the person of a birth or arrival) and a small
 * cache of current facts per person (household, name key for search,
 * national id, exit) that the ledger updates in the same transaction as the
 * event that changes them.  Everything the register ever said can be
 * recomputed from entry records plus the log.
 *
 * Backends implement struct store_ops; store.c dispatches and owns what is
 * common.  Only store/ includes sqlite3.h or libpq-fe.h.  The conformance
 * tests (tests/unit/test_store.c) run on every backend.
 *
 * Durability: a commit returns only when the data are on stable storage
 * (SQLite WAL with synchronous=FULL; PostgreSQL with fsync and
 * synchronous_commit on, checked at open).
 *
 * Threads: a struct store is one connection, used by one thread at a time.
 */
#ifndef DS_STORE_H
#define DS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "register/record.h"
#include "register/rules.h"

#define STORE_SCHEMA_VERSION 1

struct store_household {
	int64_t rid;
	struct reg_household rec; /* as entered */
	int prov;                 /* province code, for partitioning */
	int32_t entry;            /* baseline date or arrival date */
	int64_t entry_seq;        /* the move_in event, 0 for a baseline row */
	int64_t baseline;         /* baseline id, 0 when from an event */
};

struct store_person {
	int64_t rid;
	struct reg_person rec; /* as entered; rec.household is the entry household id */
	int64_t hh;            /* entry household rid */
	int prov;
	int32_t entry;
	int64_t entry_seq; /* the birth or move_in event, 0 for a baseline row */
	int64_t baseline;
	/* current facts, kept by the ledger */
	int64_t cur_hh;
	char cur_household[REG_ID_MAX + 1]; /* id of cur_hh */
	char cur_area[REG_UNIT_CODE_MAX + 1]; /* its collaborator area */
	int32_t exit; /* DAY_MAX while present */
	char cur_name[REG_NAME_BYTES];
	char cur_nid[13];
};

/* What the engine needs of a person's entry record, for fast loading. */
struct store_person_lite {
	int64_t rid, hh, entry_seq;
	int32_t birth, entry;
	uint8_t sex, marital, residence, fp_method;
	uint8_t entry_type; /* 0 baseline, EV_BIRTH or EV_MOVE_IN (filled by the engine) */
};

/* What the engine needs of a household. */
struct store_household_lite {
	int64_t rid;
	char area[REG_UNIT_CODE_MAX + 1];
	int32_t entry;
	uint8_t type, poverty;
};

/* One stored event: its fact, id, canonical text and who recorded it. */
struct store_event {
	struct reg_fact fact;
	uint8_t id[16];
	int64_t voided_by; /* seq of the void, 0 */
	int64_t recorded_at; /* unix seconds */
	char recorded_by[64];
	int prov; /* province of the subject */
	const char *body; /* canonical JSON, borrowed until the next call */
};

struct store_baseline {
	int64_t id;
	int32_t as_of;
	int64_t imported_at;
};

/* Accounts (api/ decides what roles may do; the store only keeps them). */
enum store_role {
	ROLE_NONE = 0,
	ROLE_COLLABORATOR,
	ROLE_COMMUNE,
	ROLE_PROVINCE,
	ROLE_NATIONAL,
	ROLE_ADMIN,
	ROLE_COUNT
};

struct store_user {
	int64_t id;
	char login[64];
	char name[REG_NAME_BYTES];
	int role;
	char unit[REG_UNIT_CODE_MAX + 1]; /* "" for national officers and administrators */
	char pw_hash[160];                 /* argon2id string */
	int64_t created_at, pw_changed_at;
	bool disabled;
};

/* A login session or an API token: only a hash of the secret is stored. */
struct store_session {
	uint8_t hash[32];
	int64_t user_id;
	int64_t created_at, last_seen;
	bool revoked;
	bool token; /* an API token for a machine client */
	char label[64];
};

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
};

/* Row kinds for bulk import. */
enum store_kind { STORE_UNITS, STORE_HOUSEHOLDS, STORE_PERSONS };

struct store;

struct store_ops {
	const char *name;
	enum ds_rc (*open)(struct store *st, const char *target, bool create);
	void (*close)(struct store *st);
	enum ds_rc (*migrate)(struct store *st);
	enum ds_rc (*begin)(struct store *st);
	enum ds_rc (*commit)(struct store *st);
	enum ds_rc (*rollback)(struct store *st);
	enum ds_rc (*savepoint)(struct store *st);
	enum ds_rc (*release)(struct store *st);
	enum ds_rc (*rollback_to)(struct store *st);

	enum ds_rc (*meta_get)(struct store *st, const char *key, char *out, size_t outsz);
	enum ds_rc (*meta_set)(struct store *st, const char *key, const char *value);

	/* bulk import */
	/* Before and after a large import into an empty database, outside any
	 * transaction (may be NULL, and may refuse when others use the file). */
	enum ds_rc (*bulk_mode)(struct store *st, bool on);
	enum ds_rc (*bulk_begin)(struct store *st, enum store_kind kind, bool empty);
	enum ds_rc (*bulk_end)(struct store *st, enum store_kind kind, bool empty);
	enum ds_rc (*unit_add)(struct store *st, const struct reg_unit *u);
	enum ds_rc (*household_add)(struct store *st, struct store_household *h);
	enum ds_rc (*person_add)(struct store *st, struct store_person *p);
	enum ds_rc (*baseline_add)(struct store *st, struct store_baseline *b);

	/* lookups: DS_ENOTFOUND when absent */
	enum ds_rc (*household_get)(struct store *st, const char *id, int64_t rid,
				    struct store_household *out);
	enum ds_rc (*person_get)(struct store *st, const char *id, int64_t rid,
				 struct store_person *out);
	enum ds_rc (*nid_owner)(struct store *st, const char *nid, int64_t *rid);
	enum ds_rc (*count)(struct store *st, enum store_kind kind, int64_t *n);

	/* the log */
	enum ds_rc (*event_by_id)(struct store *st, const uint8_t id[16], struct store_event *out);
	enum ds_rc (*event_by_seq)(struct store *st, int64_t seq, struct store_event *out);
	/* The seq the next event_add will use (reserved for this transaction). */
	enum ds_rc (*next_seq)(struct store *st, int64_t *seq);
	/* Appends ev with ev->fact.seq (from next_seq). */
	enum ds_rc (*event_add)(struct store *st, struct store_event *ev, const char *body);
	enum ds_rc (*event_void)(struct store *st, int64_t target_seq, int64_t void_seq);
	enum ds_rc (*person_current)(struct store *st, const struct store_person *p);
	/* Subject facts of a person (voided ones flagged), in (date, seq) order;
	 * with state_only, only those that change the person's state (not
	 * reg_passive()). */
	enum ds_rc (*person_facts)(struct store *st, int64_t rid, bool state_only,
				   struct reg_fact **facts, size_t *n);
	int64_t (*last_seq)(struct store *st);

	/* iteration; fn returns DS_OK to go on */
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
	/* Events with seq > after, in seq order.  With bodies when want_body. */
	enum ds_rc (*each_event)(struct store *st, int64_t after, bool want_body,
				 enum ds_rc (*fn)(const struct store_event *, void *), void *arg);
	/* Events naming a person (as subject, child, spouse) or a household, by seq. */
	enum ds_rc (*events_about)(struct store *st, int64_t person, int64_t hh,
				   enum ds_rc (*fn)(const struct store_event *, void *), void *arg);
	enum ds_rc (*baselines)(struct store *st, struct store_baseline *out, size_t max, size_t *n);
	/*
	 * Persons whose current name key starts with key, or whose given name
	 * is key when key is one word (and born in year when > 0), living in
	 * one of the areas of the JSON array `areas` (NULL: anywhere).
	 */
	enum ds_rc (*find)(struct store *st, const char *key, int year, const char *areas,
			   size_t offset, size_t limit,
			   enum ds_rc (*fn)(const struct store_person *, void *), void *arg);
	/* Households in the areas of the JSON array (NULL: anywhere), with
	 * book number `number` when not NULL, in (area, number) order. */
	enum ds_rc (*households_in)(struct store *st, const char *areas, const char *number,
				    size_t offset, size_t limit,
				    enum ds_rc (*fn)(const struct store_household *, void *),
				    void *arg);
	/* Yearly targets per unit and indicator key (reports.md). */
	enum ds_rc (*target_set)(struct store *st, const char *unit, int year, const char *key,
				 double value);
	enum ds_rc (*target_get)(struct store *st, const char *unit, int year, const char *key,
				 double *value);
	/* accounts, sessions, API tokens */
	enum ds_rc (*user_add)(struct store *st, struct store_user *u);
	enum ds_rc (*user_get)(struct store *st, const char *login, int64_t id, struct store_user *u);
	enum ds_rc (*user_update)(struct store *st, const struct store_user *u);
	enum ds_rc (*each_user)(struct store *st, enum ds_rc (*fn)(const struct store_user *, void *),
				void *arg);
	enum ds_rc (*session_add)(struct store *st, const struct store_session *s);
	enum ds_rc (*session_get)(struct store *st, const uint8_t hash[32], struct store_session *s);
	enum ds_rc (*session_touch)(struct store *st, const uint8_t hash[32], int64_t when);
	/* Revokes one session (hash), or every session of a user (hash NULL). */
	enum ds_rc (*session_revoke)(struct store *st, const uint8_t *hash, int64_t user_id,
				     bool tokens_too);
	/* the audit log: append-only */
	enum ds_rc (*audit_add)(struct store *st, const struct store_audit *a);
	/* Entries about an object (or all when object_id is NULL), newest first. */
	enum ds_rc (*audit_list)(struct store *st, const char *object, const char *object_id,
				 size_t offset, size_t limit,
				 enum ds_rc (*fn)(const struct store_audit *, void *), void *arg);
	/* Waits up to timeout_ms for another server's commit (NULL: not supported). */
	enum ds_rc (*wait_notify)(struct store *st, int timeout_ms);
	/* Persons whose current household is hh, in rid order. */
	enum ds_rc (*members)(struct store *st, int64_t hh,
			      enum ds_rc (*fn)(const struct store_person *, void *), void *arg);
};

struct store {
	const struct store_ops *ops;
	void *impl;
	char errmsg[256]; /* last backend error, English, for logs */
};

/* Backends. */
extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/*
 * Opens the store named by target: a postgresql:// or postgres:// URL
 * selects PostgreSQL, anything else is a SQLite file path.  With create,
 * a missing SQLite file is created.  Runs migrations.  *out is freed with
 * store_close().
 */
enum ds_rc store_open(const char *target, bool create, struct store **out);
void store_close(struct store *st);

/* Sets st->errmsg from a format, for backends. */
void store_seterr(struct store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The lite form of a full person record. */
void store_person_lite_of(const struct store_person *p, struct store_person_lite *l);

/* Loads every unit row (small: tens of thousands). Caller frees *units. */
enum ds_rc store_units(struct store *st, struct reg_unit **units, size_t *n);

#endif
