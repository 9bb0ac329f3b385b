/*
 * reform: changing the administrative map of a running register.
 *
 * A crosswalk (register/crosswalk.h) is read and checked whole, its impact
 * shown (reform_preview), then applied in one transaction (reform_apply):
 * the unit rows it ends and begins, and a `unit_change` record on the
 * record log (records/kinds.c), which is how every server and follower
 * learns that the map changed (api/follower.c) and reloads its tree
 * without a restart (engine_reload_units, ledger_reload_units).
 *
 * Nothing is deleted: every earlier map stays as it was, so every report
 * of every past period can still be had under the map of any date.
 */
#ifndef DS_REFORM_H
#define DS_REFORM_H

#include <jansson.h>

#include "base/err.h"
#include "engine/engine.h"
#include "register/crosswalk.h"

struct store;

/*
 * The impact of a plan on the register the engine holds:
 *   {"map": "3f0c...", "dates": ["2027-01-01"], "closed": 9, "opened": 11,
 *    "units": [{"code", "name", "level", "parent", "effective", "population"}],
 *    "areas_moved": 40,
 *    "areas": [{"area", "name", "old", "new"}]}
 * units: the file's new units, with the persons counted in their areas on
 * the day they begin; areas: every area whose place changes, with its path
 * (xw_path) on the day before and on the day; at most max_areas of them
 * (0: all); map: the mark of now (reg_units_mark), the tree before the
 * change, which an apply may carry to be refused if the map is no longer
 * that one.  NULL when out of memory.
 */
json_t *reform_preview(const struct eng_view *v, const struct reg_units *now,
		       const struct xw_plan *p, size_t max_areas);

/*
 * Writes the plan inside the caller's transaction: ends the rows, adds the
 * new ones, records the unit_change record (source: the file's name; by:
 * the login).  A row to end that is no longer open (the map changed since
 * the plan was made): DS_ECONFLICT with pb saying W_UNIT_CHANGED; the
 * caller rolls back.  *seq: the record's seq.
 */
enum ds_rc reform_apply(struct store *st, const struct reg_units *now, const struct xw *x,
			const struct xw_plan *p, const char *by, struct ds_problem *pb,
			int64_t *seq);

#endif
