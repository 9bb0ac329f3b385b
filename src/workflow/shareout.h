/*
 * shareout: yearly targets as a workflow (workflows.md, "Targets").
 *
 * A province (or the nation) sets its yearly target of an indicator and
 * shares it out to the communes under it: proportionally to a base
 * (population, married women 15-49, persons 60 and over, births of the
 * year before, counted from the register on 31 December of the year
 * before), or by hand.  A count's shares add up to the province's target
 * (sums); a share or rate's shares average to it, weighted by the base.  A
 * share-out that does not add up is refused (field "shares"), and nothing
 * is written.  The targets are the records of kind "target" that
 * `danso targets --file` loads too.
 *
 * The status of a unit's targets for a year: per indicator its target
 * (the unit's own; for a share or rate, else the nearest unit above's;
 * else Strategy 1679's 2030 target), the value so far (03-DSX for the year
 * to date), the progress by the indicator's direction, the path month by
 * month and, for counts of 01-DSX, the value at the end of each month gone;
 * and for a unit above the communes, each commune's target and value and
 * whether their targets add up.
 */
#ifndef DS_WORKFLOW_SHAREOUT_H
#define DS_WORKFLOW_SHAREOUT_H

#include <jansson.h>

#include "base/err.h"
#include "engine/engine.h"
#include "records/book.h"
#include "report/report.h"

struct store;

/* A unit's target for a year as the status shows it; from: the unit it
 * comes from, "1679" for the Strategy, "" when none (NaN). */
double so_target(struct rec_book *b, const struct reg_units *units, const char *unit, int year, const char *key,
		 int32_t day, char from[REG_UNIT_CODE_MAX + 1]);
/* A report's target (rpt_target_fn, arg the book): the unit's own, else
 * Strategy 1679's for a share or rate. */
double so_report_target(void *book, const char *unit, int year, const char *key);

struct so_request {
	const char *unit;      /* the province (or any unit above communes) */
	int year;
	const char *indicator;
	const char *method;    /* "proportional" or "manual" */
	const char *base;      /* proportional: population, women_15_49, elderly, births (default: the indicator's) */
	json_t *shares;        /* manual: [{"unit", "value"}] for every commune (borrowed) */
	json_t *total;         /* the unit's target, set with the share-out (borrowed); NULL: its current one */
};

/*
 * The share-out as a plan, written by nothing yet:
 * {"unit","year","indicator","method","base","target","sums",
 *  "communes":[{"unit","name","base","value"}],"total","adds_up":true}.
 * Refusals: DS_EUSAGE with pb's field (unit, year, indicator, method,
 * base, target, shares, shares[i].unit, shares[i].value) and reason;
 * DS_ENOTFOUND for a unit the tree does not know.
 */
enum ds_rc so_plan(struct engine *e, struct rec_book *b, const struct so_request *rq, json_t **plan,
		   struct ds_problem *pb);

/* Records a plan's targets (the unit's and each commune's) inside the
 * caller's transaction, as by; all or none (*refused and pb when a record
 * is refused). */
enum ds_rc so_record(struct store *st, const struct reg_units *units, const json_t *plan, const char *by,
		     bool *refused, struct ds_problem *pb);

/* The status of a unit's targets for a year on date (today by default, at
 * most 31 December); see above. */
enum ds_rc so_status(struct engine *e, struct rec_book *b, const struct rpt_defs *d, const char *unit, int year,
		     const char *date, const char *lang, json_t **out, struct ds_problem *pb);

#endif
