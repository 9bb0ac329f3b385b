/*
 * Projections from a generated province's own register, against the report
 * forms' figures for the same unit and year (report/, an independent
 * count): births and deaths agree exactly; exposure-based ASFR, TFR and
 * crude rates agree with the forms' mid-period ones within the difference
 * between exact exposure and the mean of two stocks; the projection starts
 * from exactly the forms' population by age and sex.
 */
#include <math.h>
#include <stdlib.h>

#include "base/day.h"
#include "demog/fromreg.h"
#include "fixture.h"
#include "gen/gen.h"
#include "report/report.h"
#include "test.h"

struct province {
	struct test_register reg;
	struct rpt_defs defs;
};

static bool province_open(struct province *p)
{
	char dir[300], msg[200];
	snprintf(dir, sizeof dir, "%s/gen/", test_tmpdir());
	struct gen_opts o;
	gen_opts_default(&o);
	o.out = dir;
	o.persons = 20000;
	o.seed = 11;
	struct gen_stats gs;
	CHECK_EQ(gen_run(&o, &gs, msg, sizeof msg), DS_OK);
	if (!test_register_open(&p->reg, dir, o.start, "gen.db"))
		return false;
	CHECK_EQ(p->reg.refused, 0);
	char err[200];
	CHECK_EQ(rpt_defs_load(&p->defs, err, sizeof err), DS_OK);
	return true;
}

static void province_close(struct province *p)
{
	rpt_defs_free(&p->defs);
	test_register_close(&p->reg);
}

/* Row code's total, male and female values in the report's last column. */
static void row(const struct rpt_table *t, const char *code, double v[3])
{
	v[0] = v[1] = v[2] = NAN;
	for (size_t i = 0; i < t->form->nrows; i++)
		if (strcmp(t->form->rows[i].code, code) == 0) {
			v[0] = rpt_at(t, t->val, i, t->ncols - 1);
			v[1] = rpt_at(t, t->male, i, t->ncols - 1);
			v[2] = rpt_at(t, t->female, i, t->ncols - 1);
		}
	if (isnan(v[0]))
		fprintf(stderr, "  no row %s\n", code);
}

/* "pop(age=LO..HI)" or "pop(age=LO)": true and the ages. */
static bool pop_ages(const char *text, int *lo, int *hi)
{
	static const char prefix[] = "pop(age=";
	if (strncmp(text, prefix, sizeof prefix - 1) != 0)
		return false;
	char *end;
	*lo = *hi = (int)strtol(text + sizeof prefix - 1, &end, 10);
	if (strncmp(end, "..", 2) == 0)
		*hi = (int)strtol(end + 2, &end, 10);
	return strcmp(end, ")") == 0;
}

static bool annual(struct province *p, const char *unit, const char *year, struct rpt_table *t)
{
	struct rpt_request rq = {"03-DSX", unit, year, DAY_NONE, LAYOUT_SINGLE};
	struct ds_problem pb;
	enum ds_rc rc = rpt_run(p->reg.e, &p->defs, &rq, NULL, NULL, t, &pb);
	CHECK_EQ(rc, DS_OK);
	return rc == DS_OK;
}

TEST(forecast_register_rates_agree_with_the_forms)
{
	struct province p;
	if (!province_open(&p))
		return;
	struct rpt_table t;
	if (!annual(&p, "79", "2024", &t)) {
		province_close(&p);
		return;
	}
	const struct eng_view *v = engine_read(p.reg.e);
	struct eng_dm_flows fl;
	struct eng_dm_exposure x;
	int32_t y0 = day_from_ymd(2024, 1, 1), y1 = day_from_ymd(2024, 12, 31);
	CHECK_EQ(engine_dm_flows(v, "79", y1, y0, y1, &fl), DS_OK);
	CHECK_EQ(engine_dm_exposure(v, "79", y1, y0, y1, &x), DS_OK);
	engine_read_end(v);
	/* Births and deaths: the same events, counted the same way. */
	double births[3] = {0}, deaths[3] = {0}, w[3];
	for (int s = 0; s < 2; s++) {
		for (int a = 0; a < ENG_MOTHER_AGES; a++)
			births[1 + s] += (double)fl.births[s][a];
		for (int a = 0; a < ENG_AGES; a++)
			deaths[1 + s] += (double)fl.deaths[s][a];
	}
	births[0] = births[1] + births[2];
	deaths[0] = deaths[1] + deaths[2];
	row(&t, "5", w);
	CHECK(births[0] == w[0] && births[1] == w[1] && births[2] == w[2]);
	row(&t, "6", w);
	CHECK(deaths[0] == w[0] && deaths[1] == w[1] && deaths[2] == w[2]);
	row(&t, "6a", w);
	CHECK(w[0] == (double)(fl.deaths[0][0] + fl.deaths[1][0]));
	CHECK(deaths[0] > 50 && births[0] > 150);
	/* ASFR and TFR: births over exact exposure of women, against the
	 * forms' births over the mean of the stocks at the year's start and
	 * end.  The two denominators differ by how the year's changes spread
	 * over it: on this province (seed 11, 2024) by at most 1.1% for an
	 * age group with 20 births or more, 0.2% for the TFR (1.956 against
	 * 1.959) and the crude death rate (6.915 against 6.928 per 1,000). */
	static const char *const asfr[] = {"ASFR15", "ASFR20", "ASFR25", "ASFR30", "ASFR35", "ASFR40",
					   "ASFR45"};
	double tfr = 0;
	for (int g = 0; g < 7; g++) {
		double b = 0, e = 0;
		for (int a = 15 + 5 * g; a < 20 + 5 * g; a++) {
			b += (double)(fl.births[0][a - ENG_MOTHER_AGE0] + fl.births[1][a - ENG_MOTHER_AGE0]);
			e += eng_dm_years(x.days[1][a]);
		}
		row(&t, asfr[g], w);
		double mine = b / e * 1000;
			if (b >= 20)
			CHECK_NEAR(mine / w[0], 1, 0.03);
		tfr += 5 * mine / 1000;
	}
	row(&t, "TFR", w);
	CHECK_NEAR(tfr / w[0], 1, 0.01);
	/* The crude death rate likewise, over all persons. */
	double py = 0;
	for (int s = 0; s < 2; s++)
		for (int a = 0; a < ENG_AGES; a++)
			py += eng_dm_years(x.days[s][a]);
	row(&t, "CDR", w);
	CHECK_NEAR(deaths[0] / py * 1000 / w[0], 1, 0.01);
	rpt_table_free(&t);
	province_close(&p);
}

TEST(forecast_register_starts_from_the_forms_population)
{
	struct province p;
	if (!province_open(&p))
		return;
	struct dm_fc_national *nat = malloc(sizeof *nat);
	struct dm_reg_result *r = malloc(sizeof *r);
	CHECK_EQ(dm_reg_national(nat), DS_OK);
	struct dm_reg_request rq = {.unit = "79", .base = day_from_ymd(2025, 12, 31),
				    .map_date = DAY_NONE, .horizon = 2035,
				    .today = day_from_ymd(2026, 11, 22)};
	struct ds_problem pb;
	CHECK_EQ(dm_reg_run(p.reg.e, NULL, nat, &rq, r, &pb), DS_OK);
	CHECK_EQ(r->rates_from, 2023);
	CHECK_EQ(r->rates_to, 2025);
	struct rpt_table t;
	if (annual(&p, "79", "2025", &t)) {
		/* The forms' population by five-year group and sex on 2025-12-31
		 * (03-DSX rows pop(age=0..4) ...), and the projection's base year. */
		size_t g = 0;
		for (size_t i = 0; i < t.form->nrows; i++) {
			int lo, hi;
			if (!pop_ages(t.form->rows[i].text, &lo, &hi))
				continue;
			for (int s = 0; s < 2; s++)
				CHECK(dm_fc_sum(&r->f[0].y[0], s, lo, hi) ==
				      rpt_at(&t, s ? t.female : t.male, i, t.ncols - 1));
			g++;
		}
		CHECK_EQ(g, 21 + 1); /* 0-4 .. 95-99, 100, and 60..100 of the elderly row */
		double w[3];
		row(&t, "2", w);
		struct dm_fc_ind ind;
		dm_fc_indicators(&r->f[0].y[0], &ind);
		CHECK(ind.total == w[0] && ind.male == w[1] && ind.female == w[2]);
		row(&t, "DR", w);
		CHECK_NEAR(ind.dependency, w[0], 1e-9);
		row(&t, "AI", w);
		CHECK_NEAR(ind.ageing, w[0], 1e-9);
		rpt_table_free(&t);
	}
	/* Rates of 2023-2025 as the forms count the events of each year. */
	double deaths = 0, births = 0;
	for (int y = 2023; y <= 2025; y++) {
		char year[16];
		snprintf(year, sizeof year, "%d", y);
		double w[3];
		if (!annual(&p, "79", year, &t))
			continue;
		row(&t, "6", w);
		deaths += w[0];
		row(&t, "5", w);
		births += w[0];
		rpt_table_free(&t);
	}
	CHECK(r->f[0].d.deaths[0] + r->f[0].d.deaths[1] == deaths);
	CHECK(r->f[0].d.births == births);
	/* The generator draws from the national schedules: the register's
	 * e0 and TFR come out near them. */
	CHECK(fabs(r->f[0].d.e0[0] - nat->std[0].ex[0]) < 3);
	CHECK(fabs(r->f[0].d.e0[1] - nat->std[1].ex[0]) < 3);
	CHECK(r->f[0].d.tfr > 1.5 && r->f[0].d.tfr < 2.6);
	dm_reg_free(r);
	free(r);
	free(nat);
	province_close(&p);
}
