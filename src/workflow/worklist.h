/*
 * worklist: the programmes' work lists (workflows.md, "Programmes") for a
 * unit and a day, as one JSON document that the command line, the API and
 * the page all show:
 *
 *   {"list":"elderly","unit":"26740","unit_name":"…","date":"2026-11-22",
 *    "from":"2026-01-01","count":N,"areas":[{"area","name","count"}],
 *    "items":[{"person_id","name","area","area_name","household",
 *              "household_number","sex","birth_date","age", …}]}
 *
 * with the list's own members (weeks and due dates of a pregnancy, the
 * spouse of a marriage, the method of a married woman, the child of a
 * birth) and, for poor-fp, the supplies to plan.  The members are computed
 * by the engine (engine_worklist) in one view; the names and ids are read
 * from the store after it.  Nothing is audited here: the caller audits
 * every person it shows (each item's person_id and area).
 */
#ifndef DS_WORKFLOW_WORKLIST_H
#define DS_WORKFLOW_WORKLIST_H

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "engine/engine.h"

struct store;

struct wl_request {
	const char *list;  /* elderly, prenatal, newborn, premarital, poor-fp, third-births */
	const char *unit;
	const char *date;  /* YYYY-MM-DD; NULL or "": today */
	const char *from;  /* premarital, third-births: YYYY-MM-DD; NULL: 1 January of date's year */
	int months;        /* poor-fp: the months the supplies are planned for (1-12; 0: 3) */
	bool counts_only;  /* only the counts, by area: no items, no names read */
};

/* The list names, in order, NULL-terminated. */
extern const char *const wl_lists[];

/*
 * Computes a list.  DS_EUSAGE or DS_ENOTFOUND with the field and reason
 * in *pb (list, unit, date, from, months); *out is the caller's.
 * engine_ms, when not NULL, gets the milliseconds spent in the engine.
 */
enum ds_rc wl_run(struct engine *e, struct store *st, const struct wl_request *rq, json_t **out,
		  struct ds_problem *pb, double *engine_ms);

/* The list as CSV rows (header first, Vietnamese or English headers), with no BOM. */
void wl_csv(const json_t *list, const char *lang, struct buf *b);
/* The list as an .xlsx file at path. */
enum ds_rc wl_xlsx(const json_t *list, const char *lang, const char *path);

#endif
