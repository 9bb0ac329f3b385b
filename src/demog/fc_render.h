/*
 * fc_render: a projection from the register (fromreg.h) as JSON, CSV and
 * XLSX, in Vietnamese or English.  Every output names its inputs: the
 * unit and the map, the base date, the years of rates, the scenario, the
 * source of every rate and a note for each one borrowed.
 *
 * JSON, one projection (dm_fc_json):
 *   {"unit", "unit_name", "level", "map_date",
 *    "inputs": {"base_date", "rates_years": {"from", "to"}, "horizon",
 *               "scenario": {"name", "label", "saved", "tfr": {"value",
 *               "year"} | null, "srb": ..., "e0_gain", "migration"},
 *               "population", "fertility": {"source", "births", "tfr",
 *               "asfr": [9 rates, 10-14 .. 50-54]}, "srb": {"source",
 *               "value", "register", "births"}, "mortality": {"male":
 *               {"source", "deaths", "exposure", "alpha", "beta", "e0",
 *               "borrowed_groups", "mx": [101 rates]}, "female": ...},
 *               "migration": {"source", "net_per_year", "used", "male":
 *               [net migrants a year by age 0..100], "female": ...},
 *               "notes": [text...]},
 *    "indicators": [{"year", "population", "male", "female", "births",
 *               "deaths", "tfr", "srb", "e0_male", "e0_female",
 *               "dependency_ratio", "ageing_index", "share_60_plus"}...],
 *    "groups": {"ages": ["0-4", ..., "95-99", "100+"], "male": [[per
 *               group] per year], "female": ...},
 *    "population": {"male": [[101 ages] per year], "female": ...}}
 *   (population by single age only when asked).  Scenarios compared
 *   (dm_fc_compare_json): the same inputs without "scenario", and
 *   "scenarios": [{"scenario", "indicators", "groups"}...].
 *   A value that does not exist (births of the base year, a ratio over
 *   zero) is null.  Persons have one decimal, indicators' rates two to
 *   four; the inputs' rates by age are whole, so that a reader can run
 *   the projection again from them.
 *
 * CSV (dm_fc_csv): sections with their own header, a blank line between:
 *   inputs (name,value), indicators (scenario,year,...), five-year
 *   groups (scenario,year,sex,age_group,count), single ages
 *   (scenario,year,sex,age,count), every projection of the result.
 *
 * XLSX (dm_fc_xlsx): one sheet per table: inputs, indicators, five-year
 * groups, single ages, and the base life tables by sex.
 */
#ifndef DS_DEMOG_FC_RENDER_H
#define DS_DEMOG_FC_RENDER_H

#include <jansson.h>
#include <stdbool.h>

#include "base/buf.h"
#include "demog/fromreg.h"

json_t *dm_fc_json(const struct dm_reg_result *r, size_t i, const char *lang, bool single_ages);
json_t *dm_fc_compare_json(const struct dm_reg_result *r, const char *lang);
enum ds_rc dm_fc_csv(const struct dm_reg_result *r, const char *lang, struct buf *b);
enum ds_rc dm_fc_xlsx(const struct dm_reg_result *r, const char *lang, const char *path);

/* The notes of projection i (what was borrowed, and why), one per line of out. */
void dm_fc_notes(const struct dm_reg_result *r, size_t i, const char *lang, struct buf *out);

#endif
