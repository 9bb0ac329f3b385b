/*
 * workforce: the collaborators (workflows.md, "The workforce").
 *
 * A collaborator is a record of kind "collaborator" about their commune
 * (key: their code), the areas they cover are "assignment" records about
 * each area (from a day, until a day or open; key "<code>/<from>"; ending
 * one supersedes it with its "to"), their courses "training" records about
 * the commune.  A handover is one assignment ending and the next starting;
 * the area is without a collaborator between them.
 *
 * Checks against the stored state run in the caller's transaction: an
 * assignment names a collaborator of the area's commune, and may not
 * overlap another assignment of the area (W_AREA_COVERED, field "from");
 * a training names a collaborator of the commune and its course
 * (W_COURSE_REQUIRED, field "course").
 *
 * The view of a unit on a day (wk_report) is computed from the records and
 * the event log: areas without a collaborator and since when, each
 * collaborator's areas, trainings and events recorded per month (from who
 * recorded them, by the events' month), those silent for two months,
 * turnover in the year and training coverage.
 */
#ifndef DS_WORKFLOW_WORKFORCE_H
#define DS_WORKFLOW_WORKFORCE_H

#include <jansson.h>

#include "base/err.h"
#include "engine/engine.h"
#include "records/book.h"

struct store;

/* What a write did: refused (nothing written) with the field and reason, or the record's key. */
struct wk_result {
	bool refused, hidden;
	struct ds_problem problem;
	char key[REC_KEY_MAX + 1];
};

/* A record of kind "collaborator", "assignment" or "training" about unit with body (borrowed), as by. */
enum ds_rc wk_record(struct store *st, struct rec_book *b, const struct reg_units *units, const char *kind,
		     const char *unit, json_t *body, const char *by, struct wk_result *res);

/*
 * The workforce of a unit (a commune or above; an area's commune) on day
 * (today by default):
 * {"unit","date","collaborators":[{"code","name","commune","commune_name",
 *   "sex","birth_year","phone","login","active",
 *   "areas":[{"area","name","from","to"}],"trainings",
 *   "courses":[{"course","date","hours"}],"last_event","silent",
 *   "events":{"YYYY-MM":n}}],
 *  "areas_without":[{"area","name","since"}],"silent":[codes],
 *  "turnover":{"year","active_start","active_end","left","started","rate"},
 *  "training":{"active","trained","share"}}
 */
enum ds_rc wk_report(struct engine *e, struct store *st, struct rec_book *b, const char *unit, const char *date,
		     json_t **out, struct ds_problem *pb);

#endif
