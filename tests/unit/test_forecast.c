/*
 * Projections from the register's counts (demog/brass.c, demog/forecast.c):
 * the Brass relational model against its own formula, fits that recover
 * the parameters the deaths were made with, the e0 solve, the derivation
 * of every rate with its fallbacks (numbers worked out by hand in the
 * comments), the scenario paths, and the projection's first step against
 * the cohort-component formulas written out here.
 */
#include <math.h>
#include <stdlib.h>

#include "base/asset.h"
#include "demog/brass.h"
#include "demog/forecast.h"
#include "test.h"

static struct dm_fc_national nat;

static bool national(void)
{
	size_t ml, fl;
	const char *m = (const char *)asset_get("data/vn-mortality-2020-2025.csv", &ml);
	const char *f = (const char *)asset_get("data/vn-fertility-2020.csv", &fl);
	CHECK(m && f);
	enum ds_rc rc = m && f ? dm_fc_national_parse(m, ml, f, fl, &nat) : DS_EIO;
	CHECK_EQ(rc, DS_OK);
	return rc == DS_OK;
}

TEST(forecast_national_schedule_read)
{
	if (!national())
		return;
	/* data/vn-mortality-2020-2025.csv: 0 0.01794899 0.01234492; 1-4
	 * 0.00147249 0.00114509; 100+ its last row; each single age of a group
	 * takes the group's rate. */
	CHECK(nat.mx[0][0] == 0.01794899 && nat.mx[1][0] == 0.01234492);
	for (int x = 1; x <= 4; x++)
		CHECK(nat.mx[0][x] == 0.00147249 && nat.mx[1][x] == 0.00114509);
	CHECK(nat.mx[0][5] == 0.00120174 && nat.mx[0][9] == 0.00120174);
	CHECK(nat.mx[0][85] == 0.18839364 && nat.mx[0][89] == 0.18839364);
	/* vn-fertility-2020.csv: 25-29 0.12241893; TFR = 5 x the nine rates. */
	CHECK(nat.asfr5[3] == 0.12241893);
	double tfr = 5 * (0.00031245914 + 0.034983747 + 0.11572722 + 0.12241893 + 0.076621624 +
			  0.035115141 + 0.0054676338 + 0.00072778738 + 7.525231e-05);
	double sum = 0;
	for (int g = 0; g < DM_FC_ASFR_GROUPS; g++)
		sum += 5 * nat.asfr5[g];
	CHECK_NEAR(sum, tfr, 1e-12);
	/* Plausible national life expectancies (WPP 2024 puts Viet Nam's at
	 * about 70 for men and 79 for women). */
	CHECK(nat.std[0].ex[0] > 68 && nat.std[0].ex[0] < 73);
	CHECK(nat.std[1].ex[0] > 77 && nat.std[1].ex[0] < 82);
	CHECK_EQ(dm_fc_national_parse("age_from,mx_male\n0,1\n", 20, "x", 1, &nat), DS_EINPUT);
	national();
}

TEST(brass_model_is_its_formula)
{
	if (!national())
		return;
	CHECK_NEAR(dm_logit(0.5), 0, 1e-15);
	CHECK_NEAR(dm_logit(1 / (1 + exp(2.0))), 1, 1e-12);
	const struct dm_lt *std = &nat.std[0];
	double mx[DM_FC_AGES];
	/* alpha 0, beta 1 is the standard itself. */
	dm_brass_mx(std, 0, 1, mx);
	for (int x = 0; x < DM_FC_AGES; x++)
		CHECK_NEAR(mx[x] / std->mx[x], 1, 1e-9);
	/* Another alpha and beta: the table of the model's rates has
	 * l(x) = 1 / (1 + exp(2 (alpha + beta Ys(x)))) at every age. */
	const double a = 0.3, b = 1.2;
	dm_brass_mx(std, a, b, mx);
	struct dm_lt t;
	CHECK_EQ(dm_lt_single(&t, DM_MALE, mx, DM_FC_AGES), W_NONE);
	for (int x = 1; x < DM_FC_AGES; x++) {
		double ls = std->lx[x] / std->lx[0];
		double want = 1 / (1 + exp(2 * (a + b * 0.5 * log((1 - ls) / ls))));
		CHECK_NEAR(t.lx[x] / t.lx[0], want, 1e-9);
	}
	/* alpha above 0: more mortality, a lower e0. */
	CHECK(t.ex[0] < std->ex[0]);
}

TEST(brass_fit_recovers_the_parameters)
{
	if (!national())
		return;
	for (int s = 0; s < 2; s++) {
		const struct dm_lt *std = &nat.std[s];
		double mx[DM_FC_AGES], D[DM_FC_AGES], E[DM_FC_AGES], a, b;
		/* Deaths exactly as a model with alpha 0.25, beta 0.9 expects them
		 * over 5,000 person-years at each age. */
		dm_brass_mx(std, 0.25, 0.9, mx);
		for (int x = 0; x < DM_FC_AGES; x++) {
			E[x] = 5000;
			D[x] = mx[x] * E[x];
		}
		CHECK(dm_brass_fit(std, D, E, 2, &a, &b) > 0);
		CHECK_NEAR(a, 0.25, 1e-5);
		CHECK_NEAR(b, 0.9, 1e-5);
		/* One parameter: deaths of alpha -0.4 (beta 1). */
		dm_brass_mx(std, -0.4, 1, mx);
		for (int x = 0; x < DM_FC_AGES; x++)
			D[x] = mx[x] * E[x];
		CHECK(dm_brass_fit(std, D, E, 1, &a, &b) > 0);
		CHECK_NEAR(a, -0.4, 1e-5);
		CHECK_NEAR(b, 1, 0);
		/* Nothing to fit. */
		for (int x = 0; x < DM_FC_AGES; x++)
			D[x] = 0;
		CHECK_EQ(dm_brass_fit(std, D, E, 1, &a, &b), -1);
		CHECK(a == 0 && b == 1);
	}
}

TEST(brass_e0_reaches_the_wanted_life_expectancy)
{
	if (!national())
		return;
	for (int s = 0; s < 2; s++) {
		const struct dm_lt *base = &nat.std[s];
		double mx[DM_FC_AGES], alpha;
		double want = base->ex[0] + 5;
		double got = dm_brass_e0(base, want, mx, &alpha);
		CHECK_NEAR(got, want, 1e-6);
		CHECK(alpha < 0);
		/* An independent table of the rates it gave has that e0. */
		struct dm_lt t;
		CHECK_EQ(dm_lt_single(&t, (enum dm_sex)s, mx, DM_FC_AGES), W_NONE);
		CHECK_NEAR(t.ex[0], want, 1e-6);
		/* Every age gains: q falls everywhere. */
		for (int x = 0; x + 1 < DM_FC_AGES; x++)
			CHECK(t.qx[x] <= base->qx[x] + 1e-12);
		/* Out of reach: held at the bound, never NaN. */
		got = dm_brass_e0(base, 1e9, mx, &alpha);
		CHECK(isfinite(got) && got < 1e9 && alpha == -8);
	}
}

/* ---- deriving the rates ---- */

static struct dm_fc_counts *counts_new(void)
{
	struct dm_fc_counts *c = calloc(1, sizeof *c);
	c->years = 3;
	return c;
}

TEST(forecast_empty_unit_borrows_everything_and_divides_by_nothing)
{
	if (!national())
		return;
	struct dm_fc_counts *c = counts_new();
	struct dm_fc_derived d;
	dm_fc_derive(c, &nat, &d);
	CHECK_EQ(d.fert_src, DM_SRC_NATIONAL);
	CHECK_EQ(d.srb_src, DM_SRC_NATIONAL);
	CHECK_EQ(d.mort_src[0], DM_SRC_NATIONAL);
	CHECK_EQ(d.mort_src[1], DM_SRC_NATIONAL);
	CHECK_NEAR(d.srb, 1.12, 0);
	CHECK(isnan(d.srb_register));
	CHECK_NEAR(d.e0[0], nat.std[0].ex[0], 1e-12);
	CHECK_NEAR(d.e0[1], nat.std[1].ex[0], 1e-12);
	struct dm_scenario sc;
	dm_scenario_default(&sc);
	struct dm_forecast f;
	const char *field;
	enum ds_why why;
	CHECK_EQ(dm_forecast_run(c, &nat, &sc, 2025, 2050, &f, &field, &why), DS_OK);
	CHECK_EQ(f.nyears, 26);
	for (size_t k = 0; k < f.nyears; k++) {
		struct dm_fc_ind ind;
		dm_fc_indicators(&f.y[k], &ind);
		CHECK(ind.total == 0 && isnan(ind.dependency) && isnan(ind.ageing) && isnan(ind.share60));
		CHECK(k == 0 || (f.y[k].births == 0 && f.y[k].deaths[0] == 0));
		CHECK(isfinite(f.y[k].tfr) && isfinite(f.y[k].e0[0]) && isfinite(f.y[k].e0[1]));
	}
	dm_forecast_free(&f);
	free(c);
}

TEST(forecast_register_rates_by_hand)
{
	if (!national())
		return;
	struct dm_fc_counts *c = counts_new();
	/* 2,000 woman-years at every age; births to mothers 20-24: 600 (300
	 * boys, 300 girls, at 22), 25-29: 500 (at 27, 260 boys), 30-34: 200
	 * at 31 (100 each), and 10 at 57 (5 each), which count in 50-54:
	 *   ASFR 20-24 = 600 / (5 x 2000) = 0.06, 25-29 = 0.05, 30-34 = 0.02,
	 *   50-54 = 10 / 10000 = 0.001; TFR = 5 x 0.131 = 0.655.
	 * SRB: 1310 births are under 2,000: national 1.12; the register's
	 * 665 / 645. */
	for (int x = 0; x < DM_FC_AGES; x++)
		c->exposure[1][x] = c->exposure[0][x] = 2000;
	c->births[0][22 - 10] = 300, c->births[1][22 - 10] = 300;
	c->births[0][27 - 10] = 260, c->births[1][27 - 10] = 240;
	c->births[0][31 - 10] = 100, c->births[1][31 - 10] = 100;
	c->births[0][57 - 10] = 5, c->births[1][57 - 10] = 5;
	/* Men: 30 deaths at every age over 2,000 person-years (0.015 a year)
	 * but age 0 with 100 (0.05): 3,100 deaths, every group with some: the
	 * register's rates, D / E by abridged group: 0: 100 / 2000 = 0.05;
	 * 1-4: 4 x 30 / 8000 = 0.015; 100+: 30 / 2000. */
	for (int x = 0; x < DM_FC_AGES; x++)
		c->deaths[0][x] = x == 0 ? 100 : 30;
	/* Net migration: in 9, out 3 at 25 (men): (9 - 3) / 3 = 2 a year. */
	c->in[0][25] = 9, c->out[0][25] = 3;
	struct dm_fc_derived d;
	dm_fc_derive(c, &nat, &d);
	CHECK_EQ(d.fert_src, DM_SRC_REGISTER);
	CHECK_NEAR(d.asfr5[2], 0.06, 1e-15);
	CHECK_NEAR(d.asfr5[3], 0.05, 1e-15);
	CHECK_NEAR(d.asfr5[4], 0.02, 1e-15);
	CHECK_NEAR(d.asfr5[8], 0.001, 1e-15);
	CHECK_NEAR(d.asfr5[0] + d.asfr5[1] + d.asfr5[5] + d.asfr5[6] + d.asfr5[7], 0, 0);
	CHECK_NEAR(d.tfr, 0.655, 1e-12);
	CHECK_NEAR(d.asfr[24], 0.06, 1e-15);
	CHECK_NEAR(d.asfr[25], 0.05, 1e-15);
	CHECK_NEAR(d.asfr[9] + d.asfr[55], 0, 0);
	CHECK_EQ(d.srb_src, DM_SRC_NATIONAL);
	CHECK_NEAR(d.srb_register, 665.0 / 645.0, 1e-12);
	CHECK_EQ(d.mort_src[0], DM_SRC_REGISTER);
	CHECK_NEAR(d.deaths[0], 100 + 30 * 100, 0);
	CHECK_EQ(d.borrowed_groups[0], 0);
	CHECK_NEAR(d.mx[0][0], 0.05, 1e-15);
	CHECK_NEAR(d.mx[0][3], 0.015, 1e-15);
	CHECK_NEAR(d.mx[0][100], 0.015, 1e-15);
	/* Women have no deaths at all: the national schedule. */
	CHECK_EQ(d.mort_src[1], DM_SRC_NATIONAL);
	CHECK_NEAR(d.mig[0][25], 2, 1e-15);
	CHECK_NEAR(d.net_migration, 2, 1e-15);
	free(c);
}

TEST(forecast_small_unit_fallbacks_by_hand)
{
	if (!national())
		return;
	struct dm_fc_counts *c = counts_new();
	/*
	 * A commune of about 3,000: 15 person-years at every age and sex over
	 * three years (about 1,500 persons of each sex), 90 births (under 500:
	 * the national shape, scaled), 12 male deaths and 9 female ones.
	 * Expected births at the national rates: 5 x 15 x sum(asfr5) person-
	 * years... = 15 x TFR_nat; the unit's TFR = TFR_nat x 90 / (15 x
	 * TFR_nat) = 6.  (A wild TFR: the shape is the nation's, the level
	 * is the unit's own.)
	 */
	for (int x = 0; x < DM_FC_AGES; x++)
		c->exposure[0][x] = c->exposure[1][x] = 15;
	c->births[0][25 - 10] = 50, c->births[1][25 - 10] = 40;
	c->deaths[0][70] = 12, c->deaths[1][75] = 9;
	struct dm_fc_derived d;
	dm_fc_derive(c, &nat, &d);
	CHECK_EQ(d.fert_src, DM_SRC_SCALED);
	CHECK_NEAR(d.tfr, 6, 1e-9);
	for (int g = 0; g < DM_FC_ASFR_GROUPS; g++)
		CHECK_NEAR(d.asfr5[g] / nat.asfr5[g], 6 / (5 * (0.00031245914 + 0.034983747 + 0.11572722 +
							  0.12241893 + 0.076621624 + 0.035115141 +
							  0.0054676338 + 0.00072778738 + 7.525231e-05)),
		     1e-9);
	/* Too few births for the SRB: the national 1.12, the register's 1.25 noted. */
	CHECK_EQ(d.srb_src, DM_SRC_NATIONAL);
	CHECK_NEAR(d.srb_register, 1.25, 1e-12);
	/* Few deaths: Brass alpha, weighted by D / (D + 25). */
	for (int s = 0; s < 2; s++) {
		CHECK_EQ(d.mort_src[s], DM_SRC_BRASS1);
		double a, b, D = s ? 9 : 12;
		dm_brass_fit(&nat.std[s], c->deaths[s], c->exposure[s], 1, &a, &b);
		CHECK_NEAR(d.alpha[s], a * D / (D + 25), 1e-12);
		CHECK_NEAR(d.beta[s], 1, 0);
		/* A plausible table. */
		CHECK(d.e0[s] > 55 && d.e0[s] < 95);
	}
	free(c);
}

TEST(forecast_brass2_tier_and_borrowed_groups)
{
	if (!national())
		return;
	struct dm_fc_counts *c = counts_new();
	/* Male deaths made by alpha 0.2, beta 1.1 over 250 person-years an
	 * age (between 500 and 2,000 of them): Brass with both parameters. */
	double mx[DM_FC_AGES];
	dm_brass_mx(&nat.std[0], 0.2, 1.1, mx);
	double sum = 0;
	for (int x = 0; x < DM_FC_AGES; x++) {
		c->exposure[0][x] = 250;
		c->deaths[0][x] = mx[x] * 250;
		sum += c->deaths[0][x];
	}
	CHECK(sum >= DM_FC_DEATHS_BRASS2 && sum < DM_FC_DEATHS_OWN);
	struct dm_fc_derived d;
	dm_fc_derive(c, &nat, &d);
	CHECK_EQ(d.mort_src[0], DM_SRC_BRASS2);
	CHECK_NEAR(d.alpha[0], 0.2, 1e-5);
	CHECK_NEAR(d.beta[0], 1.1, 1e-5);
	/* Ten times the exposure and deaths, and none in 5-9: the register's
	 * rates, with the one group without deaths taken from the fit. */
	for (int x = 0; x < DM_FC_AGES; x++) {
		c->exposure[0][x] *= 10;
		c->deaths[0][x] = x >= 5 && x <= 9 ? 0 : c->deaths[0][x] * 10;
	}
	dm_fc_derive(c, &nat, &d);
	CHECK_EQ(d.mort_src[0], DM_SRC_REGISTER);
	CHECK_EQ(d.borrowed_groups[0], 1);
	double fitted[DM_FC_AGES];
	dm_brass_mx(&nat.std[0], d.alpha[0], d.beta[0], fitted);
	CHECK_NEAR(d.mx[0][7], fitted[7], 1e-15);
	/* 10-14: D / E of the group. */
	double D = 0;
	for (int x = 10; x <= 14; x++)
		D += c->deaths[0][x];
	CHECK_NEAR(d.mx[0][12], D / 12500, 1e-15);
	free(c);
}

/* ---- projecting ---- */

static void fill_population(struct dm_fc_counts *c)
{
	for (int s = 0; s < 2; s++)
		for (int x = 0; x < DM_FC_AGES; x++)
			c->pop[s][x] = x < 60 ? 1000 - 5 * x : 700 - 7 * (x - 60);
}

TEST(forecast_first_step_by_the_formulas)
{
	if (!national())
		return;
	struct dm_fc_counts *c = counts_new();
	fill_population(c);
	for (int x = 0; x < DM_FC_AGES; x++)
		c->exposure[0][x] = c->exposure[1][x] = 3 * c->pop[0][x];
	for (int x = 20; x < 35; x++)
		c->births[x % 2][x - 10] = 0.1 * c->exposure[1][x];
	c->in[1][30] = 30; /* 10 women a year arrive at 30 */
	struct dm_scenario sc;
	dm_scenario_default(&sc);
	struct dm_forecast f;
	const char *field;
	enum ds_why why;
	CHECK_EQ(dm_forecast_run(c, &nat, &sc, 2025, 2030, &f, &field, &why), DS_OK);
	const struct dm_fc_derived *d = &f.d;
	CHECK_EQ(f.y[0].year, 2025);
	CHECK_EQ(f.y[5].year, 2030);
	/* The base year is the register's population exactly. */
	for (int s = 0; s < 2; s++)
		for (int x = 0; x < DM_FC_AGES; x++)
			CHECK(f.y[0].pop[s][x] == c->pop[s][x]);
	/* Step 1, `even` migration (M = 10 at 30 for women, 0 elsewhere):
	 * P* = P + M/2; P'(x) = P*(x-1) S(x) + M(x)/2; open: (P*(99) + P*(100)) S(100). */
	for (int s = 0; s < 2; s++) {
		const double *S = d->table[s].Sx;
		double M[DM_FC_AGES] = {0};
		if (s == 1)
			M[30] = 10;
		double Ps[DM_FC_AGES];
		for (int x = 0; x < DM_FC_AGES; x++)
			Ps[x] = c->pop[s][x] + M[x] / 2;
		for (int x = 1; x < 100; x++)
			CHECK_NEAR(f.y[1].pop[s][x], Ps[x - 1] * S[x] + M[x] / 2, 1e-9);
		CHECK_NEAR(f.y[1].pop[s][100], (Ps[99] + Ps[100]) * S[100], 1e-9);
	}
	/* Births: sum of f(x) (P*F(x) + P'F(x)) / 2; first group B(sex) Sb. */
	double B = 0;
	for (int x = 10; x < 55; x++) {
		double start = c->pop[1][x] + (x == 30 ? 5 : 0);
		B += d->asfr[x] * (start + f.y[1].pop[1][x]) / 2;
	}
	CHECK_NEAR(f.y[1].births, B, 1e-9);
	double girls = B / (1 + d->srb);
	CHECK_NEAR(f.y[1].births_sex[1], girls, 1e-9);
	CHECK_NEAR(f.y[1].pop[1][0], girls * d->table[1].Sx[0], 1e-9);
	CHECK_NEAR(f.y[1].pop[0][0], (B - girls) * d->table[0].Sx[0], 1e-9);
	/* Deaths: the population that entered less the survivors. */
	for (int s = 0; s < 2; s++) {
		double entered = f.y[1].births_sex[s], survived = 0;
		for (int x = 0; x < DM_FC_AGES; x++) {
			entered += c->pop[s][x] + (s == 1 && x == 30 ? 5 : 0);
			survived += f.y[1].pop[s][x] - (s == 1 && x == 30 ? 5 : 0);
		}
		CHECK_NEAR(f.y[1].deaths[s], entered - survived, 1e-6);
	}
	/* Constant rates: every year's TFR, SRB and e0 are the derived ones. */
	for (size_t k = 0; k < f.nyears; k++) {
		CHECK_NEAR(f.y[k].tfr, d->tfr, 1e-12);
		CHECK_NEAR(f.y[k].srb, d->srb, 0);
		CHECK_NEAR(f.y[k].e0[1], d->e0[1], 1e-12);
	}
	dm_forecast_free(&f);
	free(c);
}

TEST(forecast_scenario_paths)
{
	if (!national())
		return;
	struct dm_fc_counts *c = counts_new();
	fill_population(c);
	c->in[0][20] = 300;
	struct dm_scenario sc;
	dm_scenario_default(&sc);
	snprintf(sc.name, sizeof sc.name, "thap");
	sc.tfr_set = true, sc.tfr = 1.5, sc.tfr_year = 2035;
	sc.srb_set = true, sc.srb = 1.05, sc.srb_year = 2029;
	sc.e0_gain = 0.25;
	sc.migration = false;
	struct dm_forecast f;
	const char *field;
	enum ds_why why;
	CHECK_EQ(dm_forecast_run(c, &nat, &sc, 2025, 2040, &f, &field, &why), DS_OK);
	const struct dm_fc_derived *d = &f.d;
	/* The national TFR (no births) in 2025, 1.5 from 2035: a straight line,
	 * so 2030 is halfway. */
	double t0 = d->tfr;
	CHECK_NEAR(f.y[5].tfr, t0 + (1.5 - t0) * 5 / 10, 1e-12);
	CHECK_NEAR(f.y[10].tfr, 1.5, 1e-12);
	CHECK_NEAR(f.y[15].tfr, 1.5, 1e-12);
	/* SRB 1.12 to 1.05 by 2029: 2027 is 1.12 - 0.07 x 2 / 4. */
	CHECK_NEAR(f.y[2].srb, 1.12 - 0.07 * 2 / 4, 1e-12);
	CHECK_NEAR(f.y[9].srb, 1.05, 1e-12);
	/* e0 gains a quarter of a year a year, for each sex. */
	for (int s = 0; s < 2; s++) {
		CHECK_NEAR(f.y[0].e0[s], d->e0[s], 0);
		CHECK_NEAR(f.y[4].e0[s], d->e0[s] + 1, 1e-6);
		CHECK_NEAR(f.y[15].e0[s], d->e0[s] + 3.75, 1e-6);
	}
	CHECK(!f.e0_held);
	/* Migration off: the 100 men a year do not arrive.  Men 21 in 2026 are
	 * the men of 20 in 2025 survived, and nothing more. */
	double S21 = f.y[1].pop[0][21] / c->pop[0][20];
	CHECK(S21 < 1 && S21 > 0.99);
	dm_forecast_free(&f);
	/* Refusals name the field. */
	CHECK_EQ(dm_forecast_run(c, &nat, &sc, 2025, 2025, &f, &field, &why), DS_EINPUT);
	CHECK_STR(field, "to");
	CHECK_EQ(why, W_HORIZON_BEFORE_BASE);
	CHECK_EQ(dm_forecast_run(c, &nat, &sc, 2025, 2126, &f, &field, &why), DS_EINPUT);
	CHECK_EQ(why, W_OUT_OF_RANGE);
	sc.tfr_year = 2024;
	CHECK_EQ(dm_forecast_run(c, &nat, &sc, 2025, 2030, &f, &field, &why), DS_EINPUT);
	CHECK_STR(field, "scenario.tfr.year");
	CHECK_EQ(why, W_PATH_BEFORE_BASE);
	sc.tfr_year = 2025;
	sc.srb_year = 2020;
	CHECK_EQ(dm_forecast_run(c, &nat, &sc, 2025, 2030, &f, &field, &why), DS_EINPUT);
	CHECK_STR(field, "scenario.srb.year");
	dm_forecast_free(&f);
	free(c);
}

TEST(forecast_indicators_by_hand)
{
	struct dm_fc_year y = {0};
	/* 100 children 0-14 (men at 5), 300 of 15-64 (women at 40), 20 men at
	 * 62 and 30 women at 70: total 450; dependency (100 + 30) / (300 + 20)
	 * = 40.625%; ageing index 60+ / 0-14 = 50 / 100 = 50%; 60+ share
	 * 50 / 450. */
	y.pop[0][5] = 100;
	y.pop[1][40] = 300;
	y.pop[0][62] = 20;
	y.pop[1][70] = 30;
	struct dm_fc_ind ind;
	dm_fc_indicators(&y, &ind);
	CHECK_NEAR(ind.total, 450, 0);
	CHECK_NEAR(ind.male, 120, 0);
	CHECK_NEAR(ind.dependency, 130.0 / 320.0 * 100, 1e-12);
	CHECK_NEAR(ind.ageing, 50, 1e-12);
	CHECK_NEAR(ind.share60, 50.0 / 450.0 * 100, 1e-12);
}
