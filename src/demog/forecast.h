/*
 * forecast: a projection of one unit from its register's counts, by sex
 * and single year of age 0..99 and 100+, one-year steps to a horizon, under
 * a scenario; no I/O (shared/spec/demography.md, "Inputs from the
 * register"; the choices are argued in docs/ARCHITECTURE.md, "Demography").
 *
 * The counts (struct dm_fc_counts) are what the engine says of the unit:
 * the population on the base date, exact exposure, births, deaths and
 * moves over the rate years.  dm_fc_derive() turns them into rates, each
 * with the source it came from:
 *
 *  - fertility: ASFR by five-year group of the mother (10-14 .. 50-54;
 *    births to mothers over 54 count in 50-54, as the forms' B50 row),
 *    births over exposure of women, used for every single age of the
 *    group; TFR = 5 x their sum.  With fewer than DM_FC_BIRTHS_OWN births,
 *    the national schedule's shape scaled to the births the unit had
 *    (indirect standardisation: the unit's TFR is the nation's times
 *    observed over expected births); without any, the national schedule.
 *  - mortality, per sex, by the deaths D over the rate years:
 *      D >= DM_FC_DEATHS_OWN: the register's rates by abridged group
 *        (0, 1-4, 5-9, ..., 95-99, 100+), each used for every single age
 *        of its group; a group without deaths takes the two-parameter
 *        Brass rate below;
 *      DM_FC_DEATHS_BRASS2 <= D: Brass relational logit, alpha and beta
 *        fitted to the unit's deaths and exposure (demog/brass.h), over
 *        the national standard;
 *      1 <= D: alpha alone (beta = 1), weighted towards the national level
 *        by D / (D + DM_FC_SHRINK): a commune of a few thousand people gets
 *        a plausible table, not one made by a handful of deaths;
 *      D = 0, or under one person-year of exposure: the national schedule.
 *    The national standard is a single-year table made from the national
 *    abridged rates (each group's rate for each of its ages).
 *  - SRB: boys per girl born over the rate years, when there are at least
 *    DM_FC_BIRTHS_SRB births and the ratio lies in 0.9-1.3; else the
 *    national DM_FC_SRB_NATIONAL (Viet Nam 2015-2023, data/README.md).
 *  - net migration by sex and single age: (in - out) / years, by age at
 *    the move, for every step (as arriving during it, `even`).
 *
 * dm_forecast_run() projects with demog/project.h, one step a year; step k
 * (k = 1..K) ends in year base_year + k on the base date's day.  The
 * scenario changes the rates step by step: a TFR path moves the ASFR
 * schedule (its shape kept) in a straight line from the base TFR to the
 * target in the target year and holds it after; an SRB path likewise; a
 * gain in e0 per year makes step k's table the base table moved by the
 * Brass alpha (beta 1) that gives e0 + gain x k for each sex
 * (dm_brass_e0); migration off projects a closed population.
 *
 * No division by zero anywhere: an empty unit projects zeros, a unit with
 * no births, deaths or women borrows the national schedules, and every
 * ratio of an indicator over zero is NaN.
 */
#ifndef DS_DEMOG_FORECAST_H
#define DS_DEMOG_FORECAST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "demog/lifetable.h"

#define DM_FC_AGES 101    /* 0 .. 99 and 100+ */
#define DM_FC_MOTHER0 10  /* mothers' ages in the counts: 10 .. 60 */
#define DM_FC_MOTHERS 51
#define DM_FC_ASFR0 10    /* ASFR groups 10-14 .. 50-54 */
#define DM_FC_ASFR_GROUPS 9
#define DM_FC_STEPS_MAX 100 /* years after the base */
#define DM_FC_NAME_MAX 40

/* Thresholds over the rate years (three years of a unit's events). */
#define DM_FC_BIRTHS_OWN 500
#define DM_FC_BIRTHS_SRB 2000
#define DM_FC_DEATHS_OWN 2000
#define DM_FC_DEATHS_BRASS2 500
#define DM_FC_SHRINK 25.0
#define DM_FC_SRB_NATIONAL 1.12

/* What the register says of one unit. */
struct dm_fc_counts {
	double pop[2][DM_FC_AGES];          /* on the base date */
	double exposure[2][DM_FC_AGES];     /* person-years over the rate years */
	double births[2][DM_FC_MOTHERS];    /* child's sex, mother's age - DM_FC_MOTHER0 */
	double deaths[2][DM_FC_AGES];
	double in[2][DM_FC_AGES], out[2][DM_FC_AGES];
	int years;                          /* of the rate period, >= 1 */
};

/* The national schedules the small units borrow from. */
struct dm_fc_national {
	double mx[2][DM_FC_AGES];           /* single ages, from the abridged rates */
	double asfr5[DM_FC_ASFR_GROUPS];
	struct dm_lt std[2];                /* single-year tables of mx: the Brass standard */
};

/*
 * Reads the national schedules from the texts of data/vn-mortality-2020-
 * 2025.csv (age_from,mx_male,mx_female: groups 0, 1, 5, ..., the last open)
 * and data/vn-fertility-2020.csv (age,asfr_per_woman: "10-14" ..
 * "50-54"); DS_EINPUT when they are not that.
 */
enum ds_rc dm_fc_national_parse(const char *mort, size_t mort_len, const char *fert,
				size_t fert_len, struct dm_fc_national *out);

/* A scenario: the paths that change the rates.  dm_scenario_default() is
 * the base: constant rates, migration on. */
struct dm_scenario {
	char name[DM_FC_NAME_MAX + 1];
	bool tfr_set;
	double tfr;
	int tfr_year;
	bool srb_set;
	double srb;
	int srb_year;
	double e0_gain; /* years of e0 per year, both sexes */
	bool migration;
};
void dm_scenario_default(struct dm_scenario *s);

enum dm_fc_source {
	DM_SRC_REGISTER,  /* the unit's own rates */
	DM_SRC_SCALED,    /* national fertility shape scaled to the unit's births */
	DM_SRC_BRASS2,    /* Brass alpha and beta fitted to the unit's deaths */
	DM_SRC_BRASS1,    /* Brass alpha fitted and weighted towards the nation */
	DM_SRC_NATIONAL,  /* the national schedule as it is */
};
const char *dm_fc_source_code(enum dm_fc_source s); /* "register", "brass-1", ... */

struct dm_fc_derived {
	enum dm_fc_source fert_src;
	double births;                      /* over the rate years */
	double asfr5[DM_FC_ASFR_GROUPS];
	double asfr[DM_FC_AGES];
	double tfr;
	enum dm_fc_source srb_src;
	double births_sex[2];
	double srb, srb_register;           /* the register's NaN without girls */
	enum dm_fc_source mort_src[2];
	double deaths[2], exposure[2];      /* over the rate years */
	double alpha[2], beta[2];           /* of the Brass model (0, 1 when none) */
	int borrowed_groups[2];             /* register rates: groups without deaths */
	double mx[2][DM_FC_AGES];
	struct dm_lt table[2];
	double e0[2];
	double mig[2][DM_FC_AGES];          /* net migrants a year */
	double net_migration;               /* a year, both sexes */
	int years;
};
void dm_fc_derive(const struct dm_fc_counts *c, const struct dm_fc_national *n,
		  struct dm_fc_derived *d);

/* One year of a projection: the base year, then the end of each step. */
struct dm_fc_year {
	int year;
	double pop[2][DM_FC_AGES];
	/* over the step that ends this year; NaN in the base year */
	double births, births_sex[2], deaths[2];
	/* the rates of that step (the base year: the derived ones) */
	double tfr, srb, e0[2];
};

struct dm_forecast {
	struct dm_fc_derived d;
	struct dm_scenario sc;
	int base_year;
	size_t nyears;        /* the base year and every step */
	struct dm_fc_year *y; /* owned */
	bool e0_held;         /* a wanted e0 was beyond reach and held */
};

/*
 * Derives and projects base_year + 1 .. horizon.  DS_EINPUT (with *field
 * "to" or "scenario.tfr.year" ...) for a horizon not after the base year or
 * more than DM_FC_STEPS_MAX after it, or a scenario path year before the
 * base year; DS_ENOMEM.  f is freed with dm_forecast_free() whatever the
 * outcome.
 */
enum ds_rc dm_forecast_run(const struct dm_fc_counts *c, const struct dm_fc_national *n,
			   const struct dm_scenario *sc, int base_year, int horizon,
			   struct dm_forecast *f, const char **field, enum ds_why *why);
void dm_forecast_free(struct dm_forecast *f);

/* Indicators of a year's population; a ratio over zero is NaN. */
struct dm_fc_ind {
	double total, male, female;
	double dependency; /* (0-14 + 65+) / 15-64, per cent */
	double ageing;     /* 60+ / 0-14, per cent, as the forms' AI row */
	double share60;    /* 60+ / total, per cent */
};
void dm_fc_indicators(const struct dm_fc_year *y, struct dm_fc_ind *out);

/* The sum of sex s over ages lo..hi (s 2: both). */
double dm_fc_sum(const struct dm_fc_year *y, int s, int lo, int hi);

#endif
