/*
 * cycle: the monthly reporting cycle (shared/spec/workflows.md): who may
 * submit a report and who decides on it, the state of a report from its
 * records, deadlines in working days, frozen values and revisions.
 *
 * A report of the cycle is (form, unit, period): a commune's 01-DSX for a
 * month, 02-DSX for a quarter, 03-DSX for a year, and for periods that end
 * before 1 July 2025 a district's 01-DSH for a quarter.  It lives as
 * workflow records (records/kinds.c) keyed "FORM/PERIOD" under the unit:
 *   - submission: the values as computed when submitted, the register
 *     position (last event sequence) they were computed at, who and when
 *     (the record's own envelope); a resubmission supersedes it;
 *   - decision: "approved" or "returned" (with a comment), naming the
 *     submission it decides on.
 * The state is derived: no submission: missing; a submission without a
 * decision on it: submitted; its decision: approved or returned; approved
 * but today's values differ from the approved ones: revised.
 *
 * Who: the unit's own officers submit (a commune officer whose scope holds
 * the commune's areas; for a district, a province officer, the districts
 * having been dissolved); the level above on the period's map decides (the
 * province; before 1 July 2025 the district, whose office passed to the
 * province): a province officer whose unit is that unit or lies above it,
 * never the person who submitted.  Out of scope answers as not found.
 *
 * The checks against the stored state run inside the writer's (or the
 * command's) transaction (wf_record_*), so that two officers deciding at
 * the same moment give one decision and one refusal.
 */
#ifndef DS_WORKFLOW_CYCLE_H
#define DS_WORKFLOW_CYCLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "records/book.h"
#include "records/records.h"
#include "register/units.h"
#include "report/report.h"

/* The day the districts were dissolved and the provinces merged. */
#define WF_REFORM_Y 2025
#define WF_REFORM_M 7

/* The form reported for a period of this kind by a commune ("01-DSX"...). */
const char *wf_default_form(enum rpt_kind kind);
/* Checks that form is a cycle form for a period p and a unit of level
 * (on the period's map); W_NONE or the reason. */
enum ds_why wf_form_fits(const char *form, const struct rpt_period *p, enum reg_level level);
/* The deadline of a report: the 5th working day after a commune's period,
 * 15 days after a district's quarter (01-DSH). */
int32_t wf_deadline(const char *form, const struct rpt_period *p);
/* Working days from the deadline to day; 0 when day is not after it. */
int wf_late_days(int32_t deadline, int32_t day);

/* The person acting. */
struct wf_actor {
	int role;          /* enum store_role */
	const char *login;
	const char *unit;  /* "" for national officers */
};

/* True when unit (a unit of the period's map) lies in the actor's scope:
 * under their unit today, or all its areas are. */
bool wf_in_scope(const struct reg_units *u, const struct wf_actor *a, const char *unit, int32_t map_day);
/*
 * May a submit form for unit and period p (today is today)?  W_NONE, or
 * the reason; *hidden when the answer must be "not found" (out of scope,
 * no such unit).
 */
enum ds_why wf_may_submit(const struct reg_units *u, const struct wf_actor *a, const char *form,
			  const char *unit, const struct rpt_period *p, int32_t today, bool *hidden);
/* May a approve or return it? The same answers. */
enum ds_why wf_may_decide(const struct reg_units *u, const struct wf_actor *a, const char *form,
			  const char *unit, const struct rpt_period *p, bool *hidden);

/* ---- the state, from the book ---- */

enum wf_state { WF_MISSING, WF_SUBMITTED, WF_RETURNED, WF_APPROVED, WF_REVISED };
const char *wf_state_name(enum wf_state s);

struct wf_status {
	enum wf_state state;
	int versions;             /* submissions so far */
	int returns;              /* decisions "returned" so far */
	bool revision;            /* the current submission revises an approved one */
	int32_t first_day;        /* the day of the first submission, DAY_NONE */
	uint8_t current[16];      /* the current submission (versions > 0) */
	char submitted_by[64];
	int64_t submitted_at;
	int64_t position;         /* of the current submission */
	json_t *values;           /* the current submission's values (owned) */
	bool has_approved;        /* a version was approved (the latest approved below) */
	uint8_t approved[16];
	json_t *approved_values;  /* owned */
	int64_t approved_position;
	char decided_by[64];      /* the latest decision */
	int64_t decided_at;
	char comment[2048];       /* of the latest decision */
};
/* The state of (form, unit, period) as the book has it (not yet revised:
 * that needs today's values, wf_values_differ).  Free with wf_status_free. */
void wf_status_get(struct rec_book *b, const char *form, const char *unit, const char *period,
		   struct wf_status *s);
void wf_status_free(struct wf_status *s);
/* Every version and decision, oldest first, as JSON for the history. */
json_t *wf_history(struct rec_book *b, const char *form, const char *unit, const char *period);

/* ---- values ---- */

/* The values of column col of t, as a submission freezes them. */
json_t *wf_values(const struct rpt_table *t, size_t col);
/* True when frozen values differ from column col of t (rates compared to
 * 1e-9, an empty value only equal to an empty one). */
bool wf_values_differ(const json_t *frozen, const struct rpt_table *t, size_t col);
/* The frozen value of a row ("value", "male" or "female"), NaN when none. */
double wf_value_of(const json_t *frozen, const char *row, const char *which);

/* Sets t->revision: an approved version of a column's report (the unit's,
 * or each commune's) has values that differ from today's. */
void wf_mark_revision(struct rec_book *b, struct rpt_table *t);

/* ---- the events behind a revision ---- */

/*
 * Which rows of a report for period p an event can change, as the
 * EXPR_READS bits (report/expr.h) of the cube calls it can move; a row
 * whose struct rpt_row.reads shares a bit with it is one the event may
 * make differ.  The rule, per type (for a void, pass the cancelled
 * event's fact: cancelling undoes the same counts):
 *   - a flow counts in its own cube when dated in the flow's window: the
 *     period (SEL_END) or 1 January to the period's end (@ytd): birth in
 *     birth, death in death, move_in in in, move_out in out, transfer in
 *     in and out, marriage in marriage, divorce in divorce, fp_start and
 *     fp_stop in theirs, pregnancy, prenatal_screening, newborn_screening
 *     and elderly_check in pregnancy, prenatal, newborn and elderly;
 *   - a stock is changed by an event dated up to the stock's day (the
 *     period's last day, or for @start the day before it): every entry and
 *     exit (birth, death, move_in, move_out, transfer) changes pop and hh,
 *     and, but for a birth, fp (married women by method); marriage,
 *     divorce and widowed change pop (marital status) and fp; fp_start and
 *     fp_stop change fp; a residence change pop, hh and fp; a household
 *     change hh, and the poverty that classifies fp_start in its year;
 *   - a birth date correction applies to every date (domain rule): it
 *     changes every cube with an age, whatever its own date.
 * Other changes (a name, an education, a household's address) change no
 * count.  The rule is per cube, not per cell: a late first birth is
 * "behind" row 5b (third births) only if that row differs anyway, for
 * another event.
 */
struct reg_fact;
uint32_t wf_event_reads(const struct reg_fact *f, const struct rpt_period *p);
/*
 * The fact an event counts as for the rule above (a void: the cancelled
 * event's) in *f, and the collaborator areas it is about: its household's
 * in area, and for a transfer the household's it left in from ("" when
 * none).  False when a void's target cannot be read.
 */
struct store;
struct store_event;
bool wf_event_areas(struct store *st, const struct store_event *e, struct reg_fact *f,
		    char area[REG_UNIT_CODE_MAX + 1], char from[REG_UNIT_CODE_MAX + 1]);

/* ---- recording, inside a transaction ---- */

/*
 * A new submission record (today's date) for unit with t's column col as
 * its values; r is freed with rec_free() whatever the outcome.
 */
enum ds_rc wf_submission_new(struct rec *r, const char *unit, const struct rpt_table *t, size_t col,
			     int64_t position, bool revision, struct ds_problem *pb);
/* A new decision record on submission sub; comment may be NULL. */
enum ds_rc wf_decision_new(struct rec *r, const char *unit, const char *form, const char *period,
			   const uint8_t sub[16], bool approve, const char *comment,
			   struct ds_problem *pb);
/*
 * Records a submission (r) or a decision (r) after checking the stored
 * state in the open transaction: a submission only when there is none or
 * the current one was decided on; a decision only on the current
 * submission, once, and not by its submitter.  It supersedes the current
 * record of its kind.  Refusals come back in res (REC_REFUSED, nothing
 * written); another code only when the store failed.
 */
struct store;
enum ds_rc wf_record(struct store *st, const struct reg_units *units, struct rec *r, const char *by,
		     struct rec_result *res);

/* The kind of failure a refusal of the cycle is (for the exit status and
 * the HTTP status): not found, forbidden, conflict or bad input. */
enum ds_rc wf_why_rc(enum ds_why w);

#endif
