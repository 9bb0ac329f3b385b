/*
 * project: the cohort-component projection of shared/spec/demography.md
 * ("Cohort-component projection"): two sexes, births from women
 * (female-dominant), steps of n = 1 or 5 years over age groups of the same
 * width 0, n, ..., A (the last open), migration `even` or `end`; no I/O.
 *
 * The inputs are arrays the caller owns and keeps alive during the call
 * (the command `danso project --in DIR` fills them from files; a projection
 * from the register fills them from the engine).  Every per-step array
 * holds the steps one after the other: step k (0-based) of an array of G
 * values per step starts at index k * G.  Sexes are indexed DM_MALE (0) and
 * DM_FEMALE (1) of demog/lifetable.h.
 *
 * Units: counts are persons; rates per person-year (asfr: births per woman
 * per year); srb is male births per female birth; survival ratios are
 * proportions, indexed by destination age: S[0] is Sb (births to the first
 * group), S[g] takes group g-1 into group g, and S[G-1] is the open group's
 * T(A) / T(A-n), which survives groups A-n and A together into A.
 *
 * One step, per sex (the spec's steps 1-5, as read here):
 *  1. P* = P + M/2 (`even`) or P (`end`); a negative group becomes 0.
 *  2. P'(x) = P*(x-n) S(x); P'(A) = (P*(A-n) + P*(A)) S(A).  Under `even`
 *     the second half of M arrives now, before the births are counted
 *     (a negative group becomes 0): P' in step 3 is the population at the
 *     end of the step with the migrants who came during it.  This reading
 *     reproduces PHG (2001) box 6.2 (tests/unit/test_demog.c) and is that of
 *     the UN Population Division's ccmppWPP.
 *  3. B(x) = n f(x) (P*F(x) + P'F(x)) / 2; female births B / (1 + SRB).
 *  4. P'(0) = births of the sex x S[0], plus M(0)/2 (`even`); under `end`
 *     all of M is added now to every group (a negative group becomes 0).
 * Deaths of a step and sex are the population that entered it (P* and the
 * births) less the survivors (before the second half or all of M).
 */
#ifndef DS_DEMOG_PROJECT_H
#define DS_DEMOG_PROJECT_H

#include <stddef.h>

#include "base/err.h"
#include "demog/lifetable.h"

#define DM_STEPS_MAX 200

enum dm_migration { DM_MIG_EVEN = 0, DM_MIG_END = 1 };

struct dm_proj_in {
	int n;           /* step and group width in years: 1 or 5 */
	size_t groups;   /* G >= 2: ages 0, n, ..., (G-1)n, the last open; (G-1)n <= DM_AGE_MAX */
	size_t steps;    /* K, 1 to DM_STEPS_MAX */
	enum dm_migration migration;
	const double *pop[2];  /* [sex]: G counts at the start */
	const double *surv[2]; /* [sex]: K x G survival ratios */
	const double *asfr;    /* K x G rates by mother's age group; group 0 must be 0 */
	const double *srb;     /* K */
	const double *mig[2];  /* [sex]: K x G net migrants by age at the step's end, or NULL */
};

/* Owned by the caller after dm_project(); dm_proj_free() releases it. */
struct dm_proj_out {
	size_t groups, steps;
	double *pop;        /* K x 2 x G: at the end of step k, sex s, group g: [(k*2 + s)*G + g] */
	double *births;     /* K x G: births by mother's age group over step k */
	double *births_sex; /* K x 2: births of each sex over step k */
	double *deaths;     /* K x 2: deaths of each sex over step k */
};

/*
 * Projects in->steps steps.  DS_EINPUT when the inputs break the contract
 * above (a width other than 1 or 5, too few or too many groups or steps, a
 * value not finite, a negative count, ratio or rate, a rate in group 0, an
 * SRB not above 0), DS_ENOMEM; out is then empty.
 */
enum ds_rc dm_project(const struct dm_proj_in *in, struct dm_proj_out *out);
void dm_proj_free(struct dm_proj_out *out); /* accepts a zeroed or freed out */

/* The G counts of sex s at the end of step k (0-based). */
static inline const double *dm_proj_pop(const struct dm_proj_out *o, size_t k, int s)
{
	return o->pop + (k * 2 + (size_t)s) * o->groups;
}

/*
 * Survival ratios for a projection of width n and G groups from the
 * person-years of a table: m groups starting at age[i] (ascending from 0,
 * each reaching the next, the last open), L[i] their person-years and the
 * open group's L its T, on the radix l0.  A table's groups must nest in
 * the projection's (an abridged table's 0 and 1-4 make the group 0-4; a
 * single-year table serves a five-year projection) and its open group must
 * not start below A = (G-1)n.  Fills S[0..G-1] as the projection reads it;
 * W_NONE, or W_GROUPS_DO_NOT_FIT, W_NOT_A_NUMBER or W_NEGATIVE with *bad the
 * table group at fault.
 */
enum ds_why dm_ratios_from_L(const int *age, const double *L, size_t m, double l0, int n,
			     size_t groups, double *S, size_t *bad);

#endif
