/*
 * The register contract: units, baselines, households, persons and the event
 * log.
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
 * The store checks uniqueness (ids, national ids, event ids: DS_ECONFLICT)
 * but no rule of the domain: that is the ledger's work, before it writes.
 * Lookups answer DS_ENOTFOUND when there is nothing.  Iterators call fn per
 * row, in the order said, and stop at the first code other than DS_OK,
 * which they return.
 */
#ifndef DS_STORE_REGISTER_H
#define DS_STORE_REGISTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "register/record.h"
#include "register/rules.h"
#include "register/units.h"
#include "store/store.h"

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
	uint8_t sex, marital, residence, fp_method, relation; /* relation to the head at entry */
	uint8_t entry_type; /* 0 baseline, EV_BIRTH or EV_MOVE_IN (filled by the engine) */
};

/* A person present today (no exit) as they are now, for a pass over the
 * whole register (reconciliation): the texts are borrowed until the next
 * row. */
struct store_person_now {
	int64_t rid;
	const char *id, *name, *key, *nid, *area; /* current name, its folded key, "" for no national id */
	int32_t birth;
	uint8_t sex, birth_prec, residence;
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

/* Row kinds for bulk import. */
enum store_kind { STORE_UNITS, STORE_HOUSEHOLDS, STORE_PERSONS };

/* ---- entry records ---- */

/* Around the rows of one kind of an import, inside its transaction; with
 * empty (the table had no row), indexes may be built once at the end.  In
 * between, the rows added may be held by the store until bulk_end: they
 * cannot be read, and a store may refuse a uniqueness only at bulk_end
 * (failing the load), so the caller checks uniqueness itself first. */
enum ds_rc store_bulk_begin(struct store *st, enum store_kind kind, bool empty);
enum ds_rc store_bulk_end(struct store *st, enum store_kind kind, bool empty);
enum ds_rc store_unit_add(struct store *st, const struct reg_unit *u);
/*
 * Ends the open row of u (its code and valid_from; valid_to open) on
 * valid_to: the one change a stored unit row may undergo, so that a map
 * change (a merge, split, rename, move or closure: register/crosswalk.h)
 * keeps every earlier version.  DS_ENOTFOUND when no such open row is
 * stored (another change ended it first).
 */
enum ds_rc store_unit_close(struct store *st, const struct reg_unit *u, int32_t valid_to);
/* Adds h and sets h->rid. */
enum ds_rc store_household_add(struct store *st, struct store_household *h);
/* Adds p, sets p->rid and its current facts to those it entered with. */
enum ds_rc store_person_add(struct store *st, struct store_person *p);
/* A person to add with others (store_persons_add): the row, its full name
 * folded as searches compare it, and the lengths of the texts the store
 * binds, which the caller makes beforehand (store_new_person_prepare), on
 * any thread: a bulk load prepares on its reading thread while the writing
 * one inserts, and measures nothing there. */
struct store_new_person {
	struct store_person p;
	char key[REG_NAME_BYTES];
	struct store_lengths {
		uint16_t id, full_name, ethnicity, insurance_no, national_id, key, given;
	} len; /* given: the key's last word, at its end */
};
/* key: name folded (txt_fold), "" when it cannot be. */
void store_fold_name(const char *name, char key[REG_NAME_BYTES]);
/* Folds np->p's name into np->key and measures np->len. */
void store_new_person_prepare(struct store_new_person *np);
/* Adds v[0..n) in order, as store_person_add each; in a bulk load the
 * store binds them from v, which it reads only during the call.  *added
 * counts those added before a refusal (DS_ECONFLICT: v[*added] takes a
 * stored id or national id) or an error. */
enum ds_rc store_persons_add(struct store *st, struct store_new_person *v, size_t n, size_t *added);
/* Adds b and sets b->id. */
enum ds_rc store_baseline_add(struct store *st, struct store_baseline *b);

/* By id when id is not NULL, else by record number. */
enum ds_rc store_household_get(struct store *st, const char *id, int64_t rid,
			       struct store_household *out);
enum ds_rc store_person_get(struct store *st, const char *id, int64_t rid,
			    struct store_person *out);
/* A person by id as the ledger's rules read them: all of store_person_get
 * but out->rec.household (the id of the household the person entered),
 * which they never read.  SQLite leaves it empty, at one look-up fewer (the
 * batches of the offline sync went 3-6% faster); PostgreSQL fills it. */
enum ds_rc store_subject_get(struct store *st, const char *id, struct store_person *out);
/* The person whose current national id is nid. */
enum ds_rc store_nid_owner(struct store *st, const char *nid, int64_t *rid);
/* Every person's current national id (those with one), in no set order. */
enum ds_rc store_each_nid(struct store *st, enum ds_rc (*fn)(int64_t rid, const char *nid, void *),
			  void *arg);
enum ds_rc store_count(struct store *st, enum store_kind kind, int64_t *n);
/* Refreshes a person's current facts (cur_hh, exit, cur_name, cur_nid). */
enum ds_rc store_person_current(struct store *st, const struct store_person *p);

/* ---- the log ---- */

enum ds_rc store_event_by_id(struct store *st, const uint8_t id[16], struct store_event *out);
enum ds_rc store_event_by_seq(struct store *st, int64_t seq, struct store_event *out);
/* The seq the next store_event_add will use (reserved for this transaction). */
enum ds_rc store_next_seq(struct store *st, int64_t *seq);
/* Appends ev with ev->fact.seq (from store_next_seq). */
enum ds_rc store_event_add(struct store *st, struct store_event *ev, const char *body);
/* Marks target_seq voided by void_seq; DS_ECONFLICT when it already is. */
enum ds_rc store_event_void(struct store *st, int64_t target_seq, int64_t void_seq);
/*
 * Subject facts of a person (voided ones flagged), in (date, seq) order;
 * with state_only, only those that change the person's state (not
 * reg_passive()).  The caller frees *facts.
 */
enum ds_rc store_person_facts(struct store *st, int64_t rid, bool state_only,
			      struct reg_fact **facts, size_t *n);
/* The highest seq in the log, 0 when empty or on error. */
int64_t store_last_seq(struct store *st);

/* What a batch of events will look up (store_prefetch). */
struct store_hint {
	const uint8_t (*event_ids)[16];
	size_t nevents;
	const char *const *persons; /* ids: subjects, spouses, heads, new persons */
	size_t npersons;
	const char *const *households;
	size_t nhouseholds;
	const char *const *nids;
	size_t nnids;
	size_t nseq; /* how many will take a seq (store_next_seq) */
};

/*
 * Inside a write transaction, before a batch of events is recorded: a
 * backend that pays a round trip for each statement (PostgreSQL) reads
 * what the hint names in one go, and from then until the transaction ends
 * sends its writes later, together with its next statement (a write that
 * fails then fails that statement, and the transaction, as it would have).
 * What the store answers does not change.  Nothing to do for SQLite.
 */
enum ds_rc store_prefetch(struct store *st, const struct store_hint *h);

/* ---- iteration ---- */

enum ds_rc store_each_unit(struct store *st, enum ds_rc (*fn)(const struct reg_unit *, void *),
			   void *arg);
/* In rid order; with baseline_only, only the rows of baselines. */
enum ds_rc store_each_household(struct store *st, bool baseline_only,
				enum ds_rc (*fn)(const struct store_household *, void *), void *arg);
enum ds_rc store_each_person(struct store *st, bool baseline_only,
			     enum ds_rc (*fn)(const struct store_person *, void *), void *arg);
/* Every person's and household's entry, lite, in rid order, for the engine. */
enum ds_rc store_each_person_lite(struct store *st,
				  enum ds_rc (*fn)(const struct store_person_lite *, void *), void *arg);
enum ds_rc store_each_household_lite(struct store *st,
				     enum ds_rc (*fn)(const struct store_household_lite *, void *),
				     void *arg);
/* Every person present today, as they are now, in rid order. */
enum ds_rc store_each_present(struct store *st, enum ds_rc (*fn)(const struct store_person_now *, void *),
			      void *arg);
/* Events with seq > after, in seq order.  With bodies when want_body. */
enum ds_rc store_each_event(struct store *st, int64_t after, bool want_body,
			    enum ds_rc (*fn)(const struct store_event *, void *), void *arg);
/* Events naming a person (as subject, child, spouse) or a household, by
 * seq.  A household's are its changes and its members' events that change
 * a state, not their screenings, pregnancies and checks (reg_passive),
 * which are in each person's own. */
enum ds_rc store_events_about(struct store *st, int64_t person, int64_t hh,
			      enum ds_rc (*fn)(const struct store_event *, void *), void *arg);
/* Up to max baselines, oldest first. */
enum ds_rc store_baselines(struct store *st, struct store_baseline *out, size_t max, size_t *n);
/*
 * Persons whose current name key starts with key, or whose given name
 * is key when key is one word (and born in year when > 0), living in
 * one of the areas of the JSON array `areas` (NULL: anywhere).
 */
enum ds_rc store_find(struct store *st, const char *key, int year, const char *areas,
		      size_t offset, size_t limit,
		      enum ds_rc (*fn)(const struct store_person *, void *), void *arg);
/* Households in the areas of the JSON array (NULL: anywhere), with
 * book number `number` when not NULL, in (area, number) order. */
enum ds_rc store_households_in(struct store *st, const char *areas, const char *number,
			       size_t offset, size_t limit,
			       enum ds_rc (*fn)(const struct store_household *, void *), void *arg);
/* Persons whose folded given name is one of the keys (a JSON array of
 * strings), born in year, in the areas of the JSON array, in rid order, at
 * most limit: each key through the given-name index. */
enum ds_rc store_find_given(struct store *st, const char *keys, int year, const char *areas,
			    size_t limit, enum ds_rc (*fn)(const struct store_person *, void *),
			    void *arg);
/* How many store_find and store_households_in would give in all, counted
 * up to max (a search that finds more says max): no rows are read out. */
enum ds_rc store_find_count(struct store *st, const char *key, int year, const char *areas,
			    size_t max, size_t *n);
enum ds_rc store_households_count(struct store *st, const char *areas, const char *number,
				  size_t max, size_t *n);
/* Persons whose current household is hh, in rid order. */
enum ds_rc store_members(struct store *st, int64_t hh,
			 enum ds_rc (*fn)(const struct store_person *, void *), void *arg);

/* Loads every unit row (small: tens of thousands). Caller frees *units. */
enum ds_rc store_units(struct store *st, struct reg_unit **units, size_t *n);
/* The stored units as a tree (register/units.h); freed with reg_units_free(). */
enum ds_rc store_units_tree(struct store *st, struct reg_units *out);
/* The lite form of a full person record. */
void store_person_lite_of(const struct store_person *p, struct store_person_lite *l);

#endif
