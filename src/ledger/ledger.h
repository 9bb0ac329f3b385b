/*
 * ledger: recording into the register, the one path every write takes
 * (command line, API, offline sync, import).
 *
 * ledger_record() takes a parsed event and, inside the caller's
 * transaction: recognises a re-sent event by its id (same canonical content:
 * nothing to do; other content: refused), resolves the persons and
 * households it names, checks it against the subject's state on its date
 * and against every later event of that subject, stores it in the log, adds
 * any person or household it creates, and refreshes the current-facts cache
 * of the persons it changes.  It never commits: the caller decides whether a
 * batch is all-or-nothing or keeps the good events.
 *
 * ledger_import() loads a baseline register from the CSV exchange files.
 */
#ifndef DS_LEDGER_H
#define DS_LEDGER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "register/event.h"
#include "register/rules.h"
#include "register/units.h"
#include "store/register.h"

struct ledger {
	struct store *st;
	struct reg_units units;
	/* When set, every person and household an event names must lie in an
	 * area this accepts; others are refused as not found (W_NO_PERSON,
	 * W_NO_HOUSEHOLD, W_NO_EVENT, W_NO_UNIT), exactly like absent ones. */
	bool (*scope)(void *arg, const char *area);
	void *scope_arg;
};

enum ds_rc ledger_open(struct ledger *lg, struct store *st);
void ledger_close(struct ledger *lg);
/* Reloads the unit tree after units were imported. */
enum ds_rc ledger_reload_units(struct ledger *lg);

enum ledger_outcome {
	LEDGER_RECORDED,
	LEDGER_DUPLICATE, /* same id, same content: already there, nothing done */
	LEDGER_REFUSED,
};

struct ledger_result {
	enum ledger_outcome outcome;
	struct reg_fact fact; /* as stored, with its seq */
	struct ds_problem problem; /* when refused */
	bool warned;
	struct ds_problem warning;
};

/*
 * Records one event.  Returns DS_OK for recorded and duplicate events and
 * for refusals (res->outcome says which; refusals leave the store
 * unchanged); another code only when the store failed.
 */
enum ds_rc ledger_record(struct ledger *lg, const struct reg_event *ev, const char *by,
			 struct ledger_result *res);
/* The same with the event's canonical text (reg_event_text) made
 * beforehand, on any thread: the server's writer then does not. */
enum ds_rc ledger_record_text(struct ledger *lg, const struct reg_event *ev, const char *body,
			      const char *by, struct ledger_result *res);

/* ---- baseline import ---- */

struct import_opts {
	const char *units;      /* file paths, NULL when not given */
	const char *households;
	const char *persons;
	int32_t as_of;
	bool keep_good;     /* apply good rows, write bad ones to rejects */
	FILE *rejects;      /* CSV: file,line,field,code,reason,row */
	bool progress;      /* progress lines on stderr */
	/* Called for each problem (errors and warnings). */
	void (*on_problem)(const struct ds_problem *p, void *arg);
	void *arg;
};

struct import_stats {
	long rows[3];     /* read, by enum store_kind */
	long added[3];
	long rejected[3];
	double seconds;
};

/* Imports; DS_EINPUT when rows were refused and nothing was applied. */
enum ds_rc ledger_import(struct ledger *lg, const struct import_opts *o, struct import_stats *stats);

/*
 * What merging dup_rid into rem_rid carries over (rules.h,
 * reg_merge_timeline): the duplicate's facts (*dup_facts, sorted) and
 * whether each fits the timeline of the person who remains (*fits).  The
 * caller frees both.  Nothing is written.
 */
enum ds_rc ledger_merge_plan(struct ledger *lg, int64_t rem_rid, int64_t dup_rid,
			     struct reg_fact **dup_facts, bool **fits, size_t *ndup);

/* The state of a person on a day, from facts already read (person_facts). */
void ledger_state_from(struct ledger *lg, const struct store_person *p, const struct reg_fact *facts,
		       size_t n, int32_t day, struct reg_state *s);

/* The state of a person on a day (end of that day). */
enum ds_rc ledger_state_at(struct ledger *lg, const struct store_person *p, int32_t day,
			   struct reg_state *s);

#endif
