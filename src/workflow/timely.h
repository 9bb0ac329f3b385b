/*
 * timely: timeliness and completeness of the cycle, per unit and period:
 * submitted on time or late (by how many working days), missing, returned,
 * revised after approval; and the areas' monthly review, reviewed or not
 * and how late.  Computed from the records and, for "revised", from
 * today's values (one report per period), never kept.
 */
#ifndef DS_WORKFLOW_TIMELY_H
#define DS_WORKFLOW_TIMELY_H

#include <jansson.h>

#include "base/buf.h"
#include "engine/engine.h"
#include "records/book.h"
#include "report/report.h"
#include "workflow/cycle.h"

struct wf_row {
	char unit[REG_UNIT_CODE_MAX + 1];
	char name[REG_TEXT_BYTES];
	char form[16];
	struct rpt_period period;
	enum wf_state state;
	int late_days;      /* of the first submission, or of a missing report until today */
	int32_t deadline;
	int32_t submitted;  /* the first submission's day, DAY_NONE */
	int versions, returns;
	bool revision;      /* the current version is a revision */
	int64_t position;   /* the register position of the approved version */
	/* the areas' review of the month (month periods) */
	int areas, reviewed, reviewed_late;
};

/*
 * The rows of every reporting unit under unit (communes; districts for
 * 01-DSH) for each period, as of today.  form NULL: each period's commune
 * form.  The caller frees *rows.
 *
 * "Revised" needs today's values of the approved reports.  With a store,
 * they are computed only for the units that an event recorded after their
 * approval can have changed (wf_event_reads, wf_event_areas: the log is
 * read once from the earliest approved position); without one (st NULL),
 * for every approved report.  A change of the unit tree or of the forms
 * after an approval is not looked for by the first way.
 */
struct store;
enum ds_rc wf_timeliness(struct engine *e, const struct rpt_defs *d, struct rec_book *b, struct store *st,
			 const char *unit, const char *form, const struct rpt_period *periods,
			 size_t np, int32_t today, struct wf_row **rows, size_t *n);

/* {"units": [...], "summary": [{period, units, on_time, late, missing, ...}]} */
json_t *wf_timeliness_json(const struct wf_row *rows, size_t n);
void wf_timeliness_csv(const struct wf_row *rows, size_t n, const char *lang, struct buf *out);
enum ds_rc wf_timeliness_xlsx(const struct wf_row *rows, size_t n, const char *lang, const char *path);

/*
 * The reporting units under unit with an approved version of form for p:
 * their codes and approved values (json_incref'd, released with
 * wf_approved_free) and when they were approved; the others' codes in
 * *not_approved (a new array).
 */
struct wf_approved {
	char unit[REG_UNIT_CODE_MAX + 1];
	json_t *values;
	int64_t approved_at;
};
enum ds_rc wf_approved_reports(struct engine *e, struct rec_book *b, const char *unit, const char *form,
			       const struct rpt_period *p, struct wf_approved **out, size_t *n,
			       json_t **not_approved);
void wf_approved_free(struct wf_approved *a, size_t n);

/* The areas' review deadline for a month: the 3rd working day after it. */
int32_t wf_review_deadline(int32_t month_end);

#endif
