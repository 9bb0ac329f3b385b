/*
 * decide: the officer's decision on a pair of persons the duplicate search
 * proposed (spec/quality.md, Duplicates).
 *
 * "Not the same person" is a record of kind pair_decision on the record
 * log (records/kinds.c), about the area of the first person, keyed by the
 * two ids: the pair is not proposed again (dup_decided_has, for
 * dup_request.decided), and cancelling the record proposes it again.
 * "The same person" is a merge event on the register (register/rules.h):
 * the duplicate disappears from every date and its facts that fit are the
 * other's; dup_plan says beforehand which carry over and which are listed
 * for the officer.  A merge is undone by voiding it.
 *
 * The command line (danso decide) and the API (POST
 * /api/v1/duplicates/decision) build their records and events here.
 */
#ifndef DS_QUALITY_DECIDE_H
#define DS_QUALITY_DECIDE_H

#include <jansson.h>
#include <stdbool.h>

#include "base/hmap.h"
#include "ledger/ledger.h"
#include "records/book.h"
#include "records/records.h"

/* The pairs decided "not the same", as keys "a/b" (smaller id first). */
struct dup_decided {
	struct hmap keys;
};
enum ds_rc dup_decided_load(struct rec_book *b, struct dup_decided *d);
void dup_decided_free(struct dup_decided *d);
/* True when the pair was decided "not the same" (arg: a struct dup_decided). */
bool dup_decided_has(const char *a, const char *b, void *arg);

/*
 * The record "a and b are not the same person", about area (a's), with a
 * fresh id when id is NULL; note may be NULL.  Checked as any record: on
 * refusal DS_EINPUT and pb; r is freed with rec_free() whatever the outcome.
 */
enum ds_rc dup_not_same_record(struct rec *r, const uint8_t *id, const char *a, const char *b,
			       const char *area, const char *note, struct ds_problem *pb);

/* The merge event of duplicate into remains, dated today (a fresh id when id is NULL). */
void dup_merge_event(struct reg_event *ev, const uint8_t *id, const char *remains,
		     const char *duplicate);

/*
 * What merging dup into rem carries over, as {"moved": [...], "listed":
 * [...]}, each {"id", "type", "date"} of one of the duplicate's events, in
 * date order (ledger_merge_plan).  New reference in *out.
 */
enum ds_rc dup_plan(struct ledger *lg, int64_t rem, int64_t dup, json_t **out);

#endif
