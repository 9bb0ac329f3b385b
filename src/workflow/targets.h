/*
 * targets: yearly targets as a workflow (workflows.md, "Targets").
 *
 * Every indicator that takes a target has a direction and a way of growing
 * through the year, kept as data (defs/targets/indicators.json):
 *   reach    a share to reach (MCPR, screening, elderly checks): higher is better;
 *   ceiling  a level to stay under (SRB, third births, child marriage): lower is better;
 *   count    a number to reach (persons checked, couples counselled).
 * An indicator "accumulates" when its value builds up from 1 January (a
 * year-to-date count or coverage); its path through the year is then the
 * target times the share of the year gone, month by month; otherwise the
 * target holds all year.
 *
 * Progress is never a percentage of a ceiling: "reached" (a reach or count
 * at or past its target; a ceiling kept through a whole year), "on_track"
 * (at or ahead of the path; a ceiling kept so far), "behind" (under the
 * path; a ceiling passed, or ahead of its path).
 */
#ifndef DS_WORKFLOW_TARGETS_H
#define DS_WORKFLOW_TARGETS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

enum tg_direction { TG_REACH, TG_CEILING, TG_COUNT };
enum tg_progress { TG_NO_TARGET, TG_REACHED, TG_ON_TRACK, TG_BEHIND };

const char *tg_direction_name(enum tg_direction d);
const char *tg_progress_name(enum tg_progress p);

/*
 * Progress of value against target on day, for an indicator of direction
 * d that accumulates or not.  NaN target: TG_NO_TARGET; NaN value: behind
 * for a reach or count, on track for a ceiling (nothing counted yet).
 */
enum tg_progress tg_progress_at(enum tg_direction d, bool accumulates, double value, double target, int32_t day);

/* The share of day's year gone by the end of day (1 January: 1/365). */
double tg_year_gone(int32_t day);

#endif
