/*
 * targets: the indicators that take a yearly target, as data
 * (defs/targets/indicators.json), the national targets loaded by default
 * (defs/targets/strategy-1679.json), and progress against a target.
 *
 * Every indicator has a direction and a way of growing through the year:
 *   reach    a share or level to reach (MCPR, screening, elderly checks): higher is better;
 *   ceiling  a level to stay under (SRB, third births, child marriage): lower is better;
 *   count    a number to reach (new contraceptive users, persons checked).
 * An indicator "accumulates" when its value builds up from 1 January (a
 * year-to-date count or coverage): its path through the year is the
 * target times the share of the year gone, month by month; otherwise the
 * target holds all year.  A count "sums": a province's target is the sum
 * of its communes'; otherwise the communes' targets average to the
 * province's, weighted by the indicator's base.
 *
 * Progress is never a percentage of a ceiling: "reached" (a reach or count
 * at or past its target; a ceiling kept through a whole year), "on_track"
 * (at or ahead of the path; a ceiling kept so far), "behind" (under the
 * path; a ceiling passed, or ahead of its path).
 *
 * The tables are loaded once, on first use, and never change.
 */
#ifndef DS_REPORT_TARGETS_H
#define DS_REPORT_TARGETS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

enum tg_direction { TG_REACH, TG_CEILING, TG_COUNT };
enum tg_progress { TG_NO_TARGET, TG_REACHED, TG_ON_TRACK, TG_BEHIND };
enum tg_base { TG_BASE_POPULATION, TG_BASE_WOMEN, TG_BASE_ELDERLY, TG_BASE_BIRTHS, TG_BASES };

struct tg_indicator {
	char key[16];
	char label_vi[200], label_en[200];
	enum tg_direction direction;
	bool accumulates, sums;
	enum tg_base base;
	double national;      /* Strategy 1679's 2030 target, NaN when none */
	char national_vi[300]; /* its words */
};

/* The indicators, in the file's order; n gets their number (0 when the file is bad). */
const struct tg_indicator *tg_indicators(size_t *n);
/* The indicator of a target key, or NULL. */
const struct tg_indicator *tg_indicator(const char *key);
/* The source of the national targets, in the language asked. */
const char *tg_national_source(const char *lang);

const char *tg_direction_name(enum tg_direction d);
const char *tg_progress_name(enum tg_progress p);
const char *tg_base_name(enum tg_base b);
/* A base's name ("population", "women_15_49", "elderly", "births") to its value; false when unknown. */
bool tg_base_parse(const char *s, enum tg_base *b);

/*
 * Progress of value against target on day, for an indicator of direction
 * d that accumulates or not.  NaN target: TG_NO_TARGET; NaN value: behind
 * for a reach or count, on track for a ceiling (nothing counted yet).
 */
enum tg_progress tg_progress_at(enum tg_direction d, bool accumulates, double value, double target, int32_t day);

/* The share of day's year gone by the end of day (1 January: 1/365). */
double tg_year_gone(int32_t day);
/* The path through year y: the target expected at the end of each month. */
void tg_path(const struct tg_indicator *ind, double target, int year, double out[12]);

#endif
