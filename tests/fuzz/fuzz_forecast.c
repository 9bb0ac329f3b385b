/*
 * libFuzzer target: a projection from a register's counts (demog/forecast.c
 * and brass.c) on counts the fuzzer makes, with a scenario it makes.  Any
 * counts at all (empty units, deaths without exposure, births to no women,
 * a handful of persons) must give finite, non-negative populations and
 * finite rates: never a division by zero, never NaN.
 *
 * Input: a byte a cell, read in turn into population, exposure, births,
 * deaths, in and out (both sexes, every age), then the scenario's bytes;
 * missing bytes are zero.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/asset.h"
#include "demog/forecast.h"

static struct dm_fc_national nat;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	size_t ml, fl;
	const char *m = (const char *)asset_get("data/vn-mortality-2020-2025.csv", &ml);
	const char *f = (const char *)asset_get("data/vn-fertility-2020.csv", &fl);
	if (!m || !f || dm_fc_national_parse(m, ml, f, fl, &nat) != DS_OK)
		abort();
	return 0;
}

struct reader {
	const uint8_t *p;
	size_t n;
};

static double next(struct reader *r, double scale)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++ * scale;
}

static void fill(struct reader *r, double (*v)[DM_FC_AGES], double scale)
{
	for (int s = 0; s < 2; s++)
		for (int x = 0; x < DM_FC_AGES; x++)
			v[s][x] = next(r, scale);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = {data, size};
	struct dm_fc_counts *c = calloc(1, sizeof *c);
	c->years = 3;
	fill(&r, c->pop, 10);
	fill(&r, c->exposure, 7.5);
	for (int s = 0; s < 2; s++)
		for (int x = 0; x < DM_FC_MOTHERS; x++)
			c->births[s][x] = next(&r, 1);
	fill(&r, c->deaths, 1);
	fill(&r, c->in, 1);
	fill(&r, c->out, 1);
	struct dm_scenario sc;
	dm_scenario_default(&sc);
	sc.tfr_set = next(&r, 1) > 127;
	sc.tfr = 0.5 + next(&r, 9.5 / 255);
	sc.tfr_year = 2025 + (int)next(&r, 1) % 5;
	sc.srb_set = next(&r, 1) > 127;
	sc.srb = 0.9 + next(&r, 0.4 / 255);
	sc.srb_year = 2025 + (int)next(&r, 1) % 5;
	sc.e0_gain = next(&r, 2.0 / 255) - 1;
	sc.migration = next(&r, 1) < 128;
	struct dm_forecast f;
	const char *field;
	enum ds_why why;
	if (dm_forecast_run(c, &nat, &sc, 2025, 2028, &f, &field, &why) == DS_OK) {
		for (size_t k = 0; k < f.nyears; k++) {
			const struct dm_fc_year *y = &f.y[k];
			for (int s = 0; s < 2; s++) {
				for (int x = 0; x < DM_FC_AGES; x++)
					if (!isfinite(y->pop[s][x]) || y->pop[s][x] < 0)
						__builtin_trap();
				if (!isfinite(y->e0[s]) || y->e0[s] <= 0)
					__builtin_trap();
			}
			if (!isfinite(y->tfr) || !isfinite(y->srb) || (k && !isfinite(y->births)))
				__builtin_trap();
		}
	}
	dm_forecast_free(&f);
	free(c);
	return 0;
}
