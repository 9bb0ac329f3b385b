/*
 * check: the balancing check of reports.md for a unit and every commune
 * under it, with the events behind every difference, as JSON (for the
 * command line, the API and the web page alike).
 */
#ifndef DS_REPORT_CHECK_H
#define DS_REPORT_CHECK_H

#include <jansson.h>

#include "engine/engine.h"
#include "report/report.h"
#include "store/store.h"

/*
 * {"unit", "period", "map_date", "ok": bool, "units": [{"code", "name",
 *  "start", "births", "deaths", "in", "out", "other_in", "other_out", "end",
 *  "difference", "ok", "items": [{"kind", "sign", "date", "person",
 *  "event"}]}]}
 * *ok tells whether every unit balances.
 */
enum ds_rc rpt_check(struct engine *e, struct store *st, const char *unit,
		     const struct rpt_period *p, int32_t map_date, json_t **out, bool *ok);

#endif
