/*
 * fromreg: a projection of one unit from its own register, the one part
 * of demog/ that reads the engine (in a view) and the records book (for a
 * saved scenario); the methods it runs (forecast.c) stay free of both.
 *
 * The request names the unit, the base date, the horizon year, the map
 * date (default: the base date) and up to DM_REG_SCENARIOS_MAX scenarios
 * by name (none: the base, constant rates; "base" is a saved scenario of
 * that name when there is one, else the same).  dm_reg_run():
 *
 *  1. checks the request: the unit exists in the tree of the map date
 *     (else DS_ENOTFOUND, field "unit"; without a map date, a unit made
 *     after the base date is taken under today's map); the base date is not after today ("base"); the horizon is
 *     after the base date's year and at most DM_FC_STEPS_MAX after it
 *     ("to"); each scenario is saved for the unit ("scenario") and its
 *     paths do not start before the base year ("scenario.tfr.year");
 *  2. in one engine view: the population on the base date under the map,
 *     and exposure, births, deaths and moves over the rate years, the
 *     three calendar years that end on or before the base date (the base
 *     date's year itself when it is 31 December, the population then
 *     being that at the year's end);
 *  3. derives the rates once and projects each scenario (forecast.h).
 */
#ifndef DS_DEMOG_FROMREG_H
#define DS_DEMOG_FROMREG_H

#include <stdint.h>

#include "demog/forecast.h"
#include "engine/engine.h"
#include "records/book.h"

#define DM_REG_SCENARIOS_MAX 8
#define DM_REG_RATE_YEARS 3

/* The national schedules of the embedded reference data (data/). */
enum ds_rc dm_reg_national(struct dm_fc_national *out);

struct dm_reg_request {
	const char *unit;
	int32_t base;     /* the base date */
	int32_t map_date; /* DAY_NONE: the base date */
	int horizon;      /* the last year projected */
	const char *scenario[DM_REG_SCENARIOS_MAX];
	size_t nscenarios;
	int32_t today;    /* the base date may not be after it */
	bool two_threads; /* read the engine on two threads (one unit at a time) */
	/* the unit's births, deaths and moves over the rate years when already
	 * counted (engine_dm_flows_many, for many units at once), or NULL */
	const struct eng_dm_flows *flows;
};

struct dm_reg_result {
	char unit[REG_UNIT_CODE_MAX + 1];
	char unit_name[REG_TEXT_BYTES];
	enum reg_level level;
	int32_t base, map_date;
	int rates_from, rates_to; /* calendar years */
	struct dm_fc_counts counts;
	size_t n;                 /* projections, one a scenario */
	struct dm_forecast f[DM_REG_SCENARIOS_MAX];
	char label[DM_REG_SCENARIOS_MAX][REG_TEXT_BYTES]; /* the saved scenario's label, or "" */
	bool saved[DM_REG_SCENARIOS_MAX];
	double read_seconds, project_seconds;
};

/*
 * Runs the request (see above).  DS_EINPUT or DS_ENOTFOUND with pb naming
 * the field and the reason; DS_ENOMEM.  r is freed with dm_reg_free()
 * whatever the outcome.  book may be NULL (no saved scenarios).
 */
enum ds_rc dm_reg_run(struct engine *e, struct rec_book *book, const struct dm_fc_national *nat,
		      const struct dm_reg_request *rq, struct dm_reg_result *r, struct ds_problem *pb);
void dm_reg_free(struct dm_reg_result *r);

/* The rate years of a base date: the last full calendar year, and the first. */
void dm_reg_rate_years(int32_t base, int *from, int *to);

/*
 * The register's counts for one unit, read in a view the caller holds:
 * the population on `base`, the rest over the calendar years from..to
 * (flows: the births, deaths and moves already counted, or NULL); with
 * two_threads, exposure on a second thread.
 */
enum ds_rc dm_reg_counts(const struct eng_view *v, const char *unit, int32_t map_date, int32_t base,
			 int from, int to, bool two_threads, const struct eng_dm_flows *flows,
			 struct dm_fc_counts *c);

/* A scenario record's canonical body (records/kinds.c) as the method takes it. */
void dm_scenario_from_json(const json_t *body, struct dm_scenario *sc);

#endif
