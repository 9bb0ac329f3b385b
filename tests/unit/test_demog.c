/*
 * demog/: life tables and the cohort-component projection, against
 * published worked examples (within the rounding they print), hand-computed
 * fixtures (the arithmetic is in the comments) and the method's identities.
 *
 * Sources:
 *  - PHG: Preston, Heuveline and Guillot, Demography: Measuring and
 *    Modeling Population Processes (Blackwell, 2001).  We could not open
 *    the book here; its figures come from two independent transcriptions
 *    in R packages, checked against each other where they overlap:
 *      box 3.1 (p. 49, Austria, males, 1992; data United Nations 1994):
 *        deaths, population, nax, lx, ndx and nLx as printed, in
 *        ihmeuw-demographics/demCore data-raw/austria_1992_lt.R; the lx
 *        column also in jschoeley/pash R/example_data.R (prestons_lx);
 *      box 6.2 (Sweden, females, 1993-1998, with migration): population,
 *        nLx (the open group's is T85), ASFR, net migrants, SRB 1.05, the
 *        births by mother's age and the projected population, in the UN
 *        Population Division's markalava/ccmppWPP data-raw/sweden_1993.R.
 */
#include <math.h>
#include <stdlib.h>

#include "demog/files.h"
#include "demog/lifetable.h"
#include "demog/project.h"
#include "test.h"

/* ---- life tables ---- */

/* PHG box 3.1: Austria, males, 1992. */
static const double at_deaths[] = {419,  70,   36,   46,   249,  420,  403,  441,  508, 769,
				   1154, 1866, 2043, 3496, 4366, 4337, 5279, 6460, 6146};
static const double at_pop[] = {47925,  189127, 234793, 238790, 254996, 326831, 355086,
				324222, 269963, 261971, 238011, 261612, 181385, 187962,
				153832, 105169, 73694,  57512,  32248};
/* nax as printed (the open group's 5.247 is 1/m85: we let L85 = l85/m85). */
static const double at_ax[] = {0.068, 1.626, 2.5,   3.143, 2.724, 2.520, 2.481, 2.601, 2.701, 2.663,
			       2.698, 2.676, 2.645, 2.624, 2.619, 2.593, 2.518, 2.423, NAN};
static const double at_lx[] = {100000, 99133, 98986, 98910, 98815, 98334, 97704,
			       97151,  96492, 95588, 94195, 91937, 88711, 83845,
			       76377,  66225, 53803, 37441, 21134};
static const double at_dx[] = {867,  147,  76,    95,    481,   630,   553,   659,   904, 1393,
			       2258, 3225, 4867,  7467,  10152, 12422, 16362, 16307, 21134};
static const double at_Lx[] = {99192,  396183, 494741, 494375, 492980, 490106, 487127,
			       484175, 480384, 474686, 465777, 452188, 432096, 401480,
			       357713, 301224, 228404, 145182, 110889};

static void austria(struct dm_lt *t, bool given_ax)
{
	memset(t, 0, sizeof *t);
	t->sex = DM_MALE;
	t->n = 19;
	for (size_t i = 0; i < t->n; i++) {
		t->age[i] = i == 0 ? 0 : i == 1 ? 1 : 5 * (int)(i - 1);
		t->width[i] = i == 0 ? 1 : i == 1 ? 4 : i == 18 ? 0 : 5;
		t->mx[i] = at_deaths[i] / at_pop[i];
		t->ax[i] = given_ax ? at_ax[i] : NAN;
	}
}

static bool compute(struct dm_lt *t)
{
	size_t bad;
	enum dm_lt_col col;
	return dm_lt_compute(t, &bad, &col) == W_NONE;
}

TEST(demog_lt_phg_box_3_1_austria_males_1992)
{
	struct dm_lt t;
	austria(&t, true);
	CHECK(compute(&t));
	CHECK_EQ(t.layout, DM_ABRIDGED);
	/* The book prints lx, ndx and nLx as whole numbers: within 0.5. */
	for (size_t i = 0; i < t.n; i++) {
		CHECK_NEAR(t.lx[i], at_lx[i], 0.5);
		CHECK_NEAR(t.dx[i], at_dx[i], 0.5);
		CHECK_NEAR(t.Lx[i], at_Lx[i], 0.5);
	}
	/* e0 = T0 / l0, with T0 the sum of the printed nLx (7,288,902). */
	CHECK_NEAR(t.ex[0], 72.88902, 19 * 0.5 / 1e5);
	CHECK_NEAR(t.ax[18], 5.247, 0.0005); /* printed for the open group: 1/m85 */
	CHECK_NEAR(t.qx[18], 1, 0);
}

TEST(demog_lt_default_ax_reproduce_phg_box_3_1)
{
	/* The book's a0 = 0.068 and 4a1 = 1.626 are the Coale-Demeny male
	 * values at m0 = 419/47925 = 0.0087428; 5a5 = 2.5. */
	struct dm_lt t;
	austria(&t, false);
	CHECK(compute(&t));
	CHECK_NEAR(t.ax[0], 0.068, 0.0005);
	CHECK_NEAR(t.ax[1], 1.626, 0.0005);
	CHECK_NEAR(t.ax[2], 2.5, 0);
	/*
	 * Greville (hand-computed) for 20-24: m15 = 249/254996 = 0.00097648591,
	 * m20 = 420/326831 = 0.00128506782, m25 = 403/355086 = 0.00113493633;
	 * k = ln(m25/m15)/10 = ln(1.1622658)/10 = 0.01503715;
	 * a = 2.5 - 25/12 (m20 - k) = 2.5 + 2.0833333 x 0.01375208 = 2.52865.
	 */
	CHECK_NEAR(t.ax[5], 2.52865, 0.00001);
	/*
	 * 80-84, the last closed group, takes the open group's rate as its
	 * upper neighbour: m75 = 5279/73694 = 0.07163405, m80 = 6460/57512 =
	 * 0.11232438, m85+ = 6146/32248 = 0.19058546; k = ln(2.6605455)/10 =
	 * 0.09785301; a = 2.5 - 2.0833333 x (0.11232438 - 0.09785301) = 2.46985.
	 */
	CHECK_NEAR(t.ax[17], 2.46985, 0.00001);
	/* The book's own ax there (UN 1994) differ: 2.520 and 2.423.  The
	 * defaults move e0 by less than 0.01 year. */
	CHECK_NEAR(t.ex[0], 72.889, 0.01);
}

TEST(demog_lt_coale_demeny_thresholds_and_both_sexes)
{
	CHECK_NEAR(dm_cd_a0(DM_MALE, 0.02), 0.045 + 2.684 * 0.02, 1e-12);
	CHECK_NEAR(dm_cd_a0(DM_FEMALE, 0.02), 0.053 + 2.800 * 0.02, 1e-12);
	CHECK_NEAR(dm_cd_a0(DM_BOTH, 0.02), (0.045 + 2.684 * 0.02 + 0.053 + 2.800 * 0.02) / 2, 1e-12);
	CHECK_NEAR(dm_cd_4a1(DM_MALE, 0.02), 1.651 - 2.816 * 0.02, 1e-12);
	CHECK_NEAR(dm_cd_4a1(DM_FEMALE, 0.02), 1.522 - 1.518 * 0.02, 1e-12);
	CHECK_NEAR(dm_cd_a0(DM_MALE, 0.107), 0.330, 0);
	CHECK_NEAR(dm_cd_a0(DM_FEMALE, 0.2), 0.350, 0);
	CHECK_NEAR(dm_cd_4a1(DM_MALE, 0.107), 1.352, 0);
	CHECK_NEAR(dm_cd_4a1(DM_FEMALE, 0.5), 1.361, 0);
	CHECK_NEAR(dm_cd_a0(DM_BOTH, 0.3), 0.340, 1e-12);
	CHECK_NEAR(dm_cd_4a1(DM_BOTH, 0.3), 1.3565, 1e-12);
	/* Greville falls back to n/2 only when a neighbouring rate is zero. */
	CHECK_NEAR(dm_greville(0.01, 0, 0.02), 2.5, 0);
	CHECK_NEAR(dm_greville(0.01, 0.02, 0), 2.5, 0);
	CHECK(dm_greville(0.01, 0.005, 0.02) != 2.5);
}

/*
 * A single-year table computed by hand: F, ages 0, 1 and 2+, mx 0.1, 0.2
 * and 0.5, ax 0.5 given for 0 and 1.
 *   q0 = 0.1 / (1 + 0.5 x 0.1) = 2/21;  l1 = 100000 x 19/21 = 90476.190
 *   L0 = l1 + 0.5 d0 = 100000 x 20/21 = 95238.095
 *   q1 = 0.2 / 1.1 = 2/11;  l2 = l1 x 9/11 = 74025.974;  L1 = l1 x 10/11 = 82251.082
 *   L2 = l2 / 0.5 = 148051.948;  T1 = 230303.030;  T0 = 325541.126
 *   e0 = 3.2554113, e1 = T1/l1 = 28/11, e2 = 1/0.5 = 2
 *   Sb = L0/l0 = 20/21;  S1 = L1/L0 = 19/22;  S2 = T2/T1 = 9/14
 */
static void tiny(struct dm_lt *t)
{
	memset(t, 0, sizeof *t);
	*t = (struct dm_lt){.sex = DM_FEMALE, .n = 3, .age = {0, 1, 2}, .width = {1, 1, 0},
			    .mx = {0.1, 0.2, 0.5}, .ax = {0.5, 0.5, NAN}};
}

TEST(demog_lt_single_year_by_hand)
{
	struct dm_lt t;
	tiny(&t);
	CHECK(compute(&t));
	CHECK_EQ(t.layout, DM_SINGLE);
	CHECK_NEAR(t.qx[0], 2.0 / 21, 1e-12);
	CHECK_NEAR(t.lx[1], 1e5 * 19 / 21, 1e-7);
	CHECK_NEAR(t.Lx[0], 1e5 * 20 / 21, 1e-7);
	CHECK_NEAR(t.qx[1], 2.0 / 11, 1e-12);
	CHECK_NEAR(t.lx[2], 1e5 * 171 / 231, 1e-7);
	CHECK_NEAR(t.Lx[1], 1e5 * 190 / 231, 1e-7);
	CHECK_NEAR(t.Lx[2], 1e5 * 342 / 231, 1e-7);
	CHECK_NEAR(t.Tx[0], 1e5 * (20.0 / 21 + 190.0 / 231 + 342.0 / 231), 1e-7);
	CHECK_NEAR(t.ex[1], 28.0 / 11, 1e-12);
	CHECK_NEAR(t.ex[2], 2, 1e-12);
	CHECK_NEAR(t.ax[2], 2, 1e-12);
	CHECK_NEAR(t.Sx[0], 20.0 / 21, 1e-12);
	CHECK_NEAR(t.Sx[1], 19.0 / 22, 1e-12);
	CHECK_NEAR(t.Sx[2], 9.0 / 14, 1e-12);
	/* Defaults in a single-year table: a0 by Coale-Demeny, 0.5 above. */
	tiny(&t);
	t.ax[0] = t.ax[1] = NAN;
	CHECK(compute(&t));
	CHECK_NEAR(t.ax[0], 0.053 + 2.8 * 0.1, 1e-12);
	CHECK_NEAR(t.ax[1], 0.5, 0);
}

TEST(demog_lt_abridged_survival_ratios_for_five_year_steps)
{
	struct dm_lt t;
	austria(&t, true);
	CHECK(compute(&t));
	CHECK_NEAR(t.Sx[0], (t.Lx[0] + t.Lx[1]) / 5e5, 1e-12);
	CHECK(isnan(t.Sx[1]));
	CHECK_NEAR(t.Sx[2], t.Lx[2] / (t.Lx[0] + t.Lx[1]), 1e-12);
	CHECK_NEAR(t.Sx[3], t.Lx[3] / t.Lx[2], 1e-12);
	CHECK_NEAR(t.Sx[18], t.Tx[18] / t.Tx[17], 1e-12);
	/* The same from the person-years, as a projection takes them. */
	double S[DM_GROUPS_MAX];
	size_t bad;
	CHECK_EQ(dm_ratios_from_L(t.age, t.Lx, t.n, DM_RADIX, 5, 18, S, &bad), W_NONE);
	CHECK_NEAR(S[0], t.Sx[0], 1e-12);
	for (size_t g = 1; g < 18; g++)
		CHECK_NEAR(S[g], t.Sx[g + 1], 1e-12);
	/* An abridged table cannot serve one-year steps: 1-4 straddles 2. */
	CHECK_EQ(dm_ratios_from_L(t.age, t.Lx, t.n, DM_RADIX, 1, 3, S, &bad), W_GROUPS_DO_NOT_FIT);
	CHECK_EQ(bad, 1);
	/* Nor a projection whose open group starts above the table's. */
	CHECK_EQ(dm_ratios_from_L(t.age, t.Lx, t.n, DM_RADIX, 5, 19, S, &bad), W_GROUPS_DO_NOT_FIT);
	CHECK_EQ(bad, 18);
}

TEST(demog_lt_q_capped_at_one)
{
	/* m = 3 with a = 0.5 gives q = 3 / (1 + 0.5 x 3) = 1.2: capped. */
	struct dm_lt t = {.sex = DM_MALE, .n = 4, .age = {0, 1, 2, 3}, .width = {1, 1, 1, 0},
			  .mx = {0.01, 3, 0.5, 0.5}, .ax = {NAN, 0.5, NAN, NAN}};
	CHECK(compute(&t));
	CHECK_NEAR(t.qx[1], 1, 0);
	CHECK_NEAR(t.lx[2], 0, 0);
	CHECK_NEAR(t.ex[2], 0, 0);
	CHECK_NEAR(t.ex[3], 0, 0);
	CHECK_NEAR(t.Sx[3], 0, 0);
	for (size_t i = 0; i < t.n; i++)
		CHECK(isfinite(t.ex[i]) && isfinite(t.Sx[i]) && isfinite(t.Lx[i]));
}

TEST(demog_lt_refusals_name_the_group_and_column)
{
	static const struct {
		int age[4], width[4];
		double mx[4], ax[4];
		size_t n, bad;
		enum dm_lt_col col;
		enum ds_why why;
	} cases[] = {
		/* 1-4 then 5: fine; width 5 at age 1 does not tile */
		{{0, 1, 6, 10}, {1, 5, 4, 0}, {.1, .1, .1, .1}, {NAN, NAN, NAN, NAN}, 4, 1, DM_LT_WIDTH, W_AGE_TILING},
		/* a gap: 1-4 then 10 */
		{{0, 1, 10, 15}, {1, 4, 5, 0}, {.1, .1, .1, .1}, {NAN, NAN, NAN, NAN}, 4, 2, DM_LT_AGE, W_AGE_MISSING},
		/* no age 0 */
		{{1, 2, 3, 4}, {1, 1, 1, 0}, {.1, .1, .1, .1}, {NAN, NAN, NAN, NAN}, 4, 0, DM_LT_AGE, W_AGE_MISSING},
		/* an open group before the last */
		{{0, 1, 2, 3}, {1, 0, 1, 0}, {.1, .1, .1, .1}, {NAN, NAN, NAN, NAN}, 4, 1, DM_LT_WIDTH, W_AGE_TILING},
		/* the last group not open */
		{{0, 1, 2, 3}, {1, 1, 1, 1}, {.1, .1, .1, .1}, {NAN, NAN, NAN, NAN}, 4, 3, DM_LT_WIDTH, W_AGE_TILING},
		{{0, 1, 2, 3}, {1, 1, 1, 0}, {.1, -.1, .1, .1}, {NAN, NAN, NAN, NAN}, 4, 1, DM_LT_MX, W_NEGATIVE},
		{{0, 1, 2, 3}, {1, 1, 1, 0}, {.1, .1, .1, 0}, {NAN, NAN, NAN, NAN}, 4, 3, DM_LT_MX, W_OPEN_RATE},
		{{0, 1, 2, 3}, {1, 1, 1, 0}, {.1, .1, .1, .1}, {NAN, 1.5, NAN, NAN}, 4, 1, DM_LT_AX, W_OUT_OF_RANGE},
		{{0, 1, 2, 3}, {1, 1, 1, 0}, {.1, .1, INFINITY, .1}, {NAN, NAN, NAN, NAN}, 4, 2, DM_LT_MX, W_NOT_A_NUMBER},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct dm_lt t = {.sex = DM_BOTH, .n = cases[k].n};
		for (size_t i = 0; i < t.n; i++) {
			t.age[i] = cases[k].age[i];
			t.width[i] = cases[k].width[i];
			t.mx[i] = cases[k].mx[i];
			t.ax[i] = cases[k].ax[i];
		}
		size_t bad = 99;
		enum dm_lt_col col = DM_LT_AGE;
		enum ds_why w = dm_lt_compute(&t, &bad, &col);
		if (w != cases[k].why || bad != cases[k].bad || col != cases[k].col)
			fprintf(stderr, "  case %zu: why %d group %zu column %d\n", k, (int)w, bad, (int)col);
		CHECK_EQ(w, cases[k].why);
		CHECK_EQ(bad, cases[k].bad);
		CHECK_EQ(col, cases[k].col);
	}
	/* With its ax given, an open group with a zero rate is fine. */
	struct dm_lt t = {.n = 2, .age = {0, 1}, .width = {1, 0}, .mx = {0.1, 0}, .ax = {NAN, 4}};
	CHECK(compute(&t));
	CHECK_NEAR(t.Lx[1], 4 * t.lx[1], 1e-9);
}

/* ---- projection ---- */

/* PHG box 6.2: Sweden, females, 1993-1998, five-year groups to 85+. */
#define SW_G 18
static const double sw_pop[SW_G] = {293395, 248369, 240012, 261346, 285209, 314388,
				    281290, 286923, 304108, 324946, 247613, 211351,
				    215140, 221764, 223506, 183654, 141990, 112424};
static const double sw_L[SW_G] = {497487, 497138, 496901, 496531, 495902, 495168,
				  494213, 492760, 490447, 486613, 480665, 471786,
				  457852, 436153, 402775, 350358, 271512, 291707};
static const double sw_mig[SW_G] = {6840, 4150, 3365, 5270, 9240, 8230, 5470, 3155, 1770,
				    1115, 1075, 845,  645,  530,  465,  300,  250,  175};
static const double sw_end[SW_G] = {302392, 298682, 252007, 244150, 268267, 293515,
				    320624, 284767, 288031, 303166, 322062, 243989,
				    205841, 205516, 205270, 194771, 142565, 131966};
/* Births by mother's age 15-19 ... 45-49. */
static const double sw_births[7] = {15244, 126688, 229354, 170057, 63203, 10971, 472};

struct sweden {
	double S[SW_G], asfr[SW_G], srb, pop_m[SW_G];
	struct dm_proj_in in;
};

/* Both sexes get the book's female figures (the box has females only). */
static void sweden(struct sweden *w, enum dm_migration mig, bool migrants)
{
	static const double f[7] = {0.0120, 0.0908, 0.1499, 0.1125, 0.0441, 0.0074, 0.0003};
	int age[SW_G];
	size_t bad;
	memset(w, 0, sizeof *w);
	for (int g = 0; g < SW_G; g++)
		age[g] = 5 * g;
	CHECK_EQ(dm_ratios_from_L(age, sw_L, SW_G, DM_RADIX, 5, SW_G, w->S, &bad), W_NONE);
	for (int i = 0; i < 7; i++)
		w->asfr[3 + i] = f[i];
	w->srb = 1.05;
	w->in = (struct dm_proj_in){.n = 5, .groups = SW_G, .steps = 1, .migration = mig,
				    .pop = {sw_pop, sw_pop}, .surv = {w->S, w->S},
				    .asfr = w->asfr, .srb = &w->srb,
				    .mig = {migrants ? sw_mig : NULL, migrants ? sw_mig : NULL}};
}

TEST(demog_project_phg_box_6_2_sweden_females_with_migration)
{
	struct sweden w;
	struct dm_proj_out out;
	sweden(&w, DM_MIG_EVEN, true);
	/* Sb = 5L0 / (5 l0) and the open ratio T85 / T80, as the box has them. */
	CHECK_NEAR(w.S[0], 497487.0 / 500000, 1e-12);
	CHECK_NEAR(w.S[17], 291707.0 / (271512 + 291707), 1e-12);
	CHECK_EQ(dm_project(&w.in, &out), DS_OK);
	const double *f = dm_proj_pop(&out, 0, DM_FEMALE);
	/* The book prints whole persons: within 0.5. */
	for (int g = 0; g < SW_G; g++)
		CHECK_NEAR(f[g], sw_end[g], 0.5);
	for (int i = 0; i < 7; i++)
		CHECK_NEAR(out.births[3 + i], sw_births[i], 0.5);
	/* Female births B / (1 + SRB), male births the rest. */
	double B = 0;
	for (int g = 0; g < SW_G; g++)
		B += out.births[g];
	CHECK_NEAR(out.births_sex[DM_FEMALE], B / 2.05, 1e-6);
	CHECK_NEAR(out.births_sex[DM_MALE], B * 1.05 / 2.05, 1e-6);
	/* Males had the same start: only their first group differs. */
	const double *m = dm_proj_pop(&out, 0, DM_MALE);
	CHECK_NEAR(m[0], B * 1.05 / 2.05 * w.S[0] + 6840 / 2.0, 1e-6);
	for (int g = 1; g < SW_G; g++)
		CHECK_NEAR(m[g], f[g], 1e-9);
	dm_proj_free(&out);
}

/*
 * A small step computed by hand: groups 0, 5, 10, 15+; every S = 0.9;
 * ASFR 0.1 at 10-14; SRB 1; females 100, 80, 60, 40 with migrants 10, 0,
 * -20, 4; males 110, 90, 50, 30 without.
 * even:  F P* = 105, 80, 50, 42;  survivors 94.5, 72, (50 + 42) x 0.9 = 82.8
 *        plus M/2: 94.5, 62, 84.8;  B(10) = 5 x 0.1 x (50 + 62)/2 = 28
 *        F0 = 14 x 0.9 + 10/2 = 17.6;  M: 12.6, 99, 81, 72
 *        deaths F = (105 + 80 + 50 + 42 + 14) - (94.5 + 72 + 82.8 + 12.6) = 29.1
 *        deaths M = (280 + 14) - (99 + 81 + 72 + 12.6) = 29.4
 * end:   F survivors 90, 72, 90;  B(10) = 0.5 x (60 + 72)/2 = 33;  F0 = 16.5 x 0.9
 *        = 14.85; plus M: 24.85, 90, 52, 94
 */
struct small {
	double S[4], asfr[4], srb, pf[4], pm[4], mf[4];
	struct dm_proj_in in;
};

static void small(struct small *x, enum dm_migration mig)
{
	*x = (struct small){.S = {0.9, 0.9, 0.9, 0.9}, .asfr = {0, 0, 0.1, 0}, .srb = 1,
			    .pf = {100, 80, 60, 40}, .pm = {110, 90, 50, 30}, .mf = {10, 0, -20, 4}};
	x->in = (struct dm_proj_in){.n = 5, .groups = 4, .steps = 1, .migration = mig,
				    .pop = {x->pm, x->pf}, .surv = {x->S, x->S},
				    .asfr = x->asfr, .srb = &x->srb, .mig = {NULL, x->mf}};
}

TEST(demog_project_small_step_by_hand)
{
	static const double even_f[4] = {17.6, 94.5, 62, 84.8}, end_f[4] = {24.85, 90, 52, 94};
	static const double even_m[4] = {12.6, 99, 81, 72};
	struct small x;
	struct dm_proj_out out;
	small(&x, DM_MIG_EVEN);
	CHECK_EQ(dm_project(&x.in, &out), DS_OK);
	for (int g = 0; g < 4; g++) {
		CHECK_NEAR(dm_proj_pop(&out, 0, DM_FEMALE)[g], even_f[g], 1e-9);
		CHECK_NEAR(dm_proj_pop(&out, 0, DM_MALE)[g], even_m[g], 1e-9);
	}
	CHECK_NEAR(out.births[2], 28, 1e-9);
	CHECK_NEAR(out.deaths[DM_FEMALE], 29.1, 1e-9);
	CHECK_NEAR(out.deaths[DM_MALE], 29.4, 1e-9);
	dm_proj_free(&out);
	small(&x, DM_MIG_END);
	CHECK_EQ(dm_project(&x.in, &out), DS_OK);
	for (int g = 0; g < 4; g++)
		CHECK_NEAR(dm_proj_pop(&out, 0, DM_FEMALE)[g], end_f[g], 1e-9);
	CHECK_NEAR(out.births[2], 33, 1e-9);
	dm_proj_free(&out);
	/* Migrants that would make a group negative leave it at zero. */
	small(&x, DM_MIG_END);
	x.mf[2] = -1000;
	CHECK_EQ(dm_project(&x.in, &out), DS_OK);
	CHECK_NEAR(dm_proj_pop(&out, 0, DM_FEMALE)[2], 0, 0);
	dm_proj_free(&out);
}

TEST(demog_project_even_and_end_differ_as_the_formulas_say)
{
	/*
	 * With P(x) large enough that no group is clamped:
	 *   even - end at x (n <= x < A) = S(x) M(x-n)/2 - M(x)/2
	 *   even - end in births B(x)    = n f(x) (M(x) + S(x) M(x-n)/2) / 2
	 */
	struct sweden a, b;
	struct dm_proj_out even, end;
	sweden(&a, DM_MIG_EVEN, true);
	sweden(&b, DM_MIG_END, true);
	CHECK_EQ(dm_project(&a.in, &even), DS_OK);
	CHECK_EQ(dm_project(&b.in, &end), DS_OK);
	const double *pe = dm_proj_pop(&even, 0, DM_MALE), *pn = dm_proj_pop(&end, 0, DM_MALE);
	for (int x = 1; x < SW_G - 1; x++)
		CHECK_NEAR(pe[x] - pn[x], a.S[x] * sw_mig[x - 1] / 2 - sw_mig[x] / 2, 1e-6);
	for (int x = 1; x < SW_G - 1; x++)
		CHECK_NEAR(even.births[x] - end.births[x],
			   5 * a.asfr[x] * (sw_mig[x] + a.S[x] * sw_mig[x - 1] / 2) / 2, 1e-6);
	/* Without migrants the two are the same. */
	dm_proj_free(&even);
	dm_proj_free(&end);
	sweden(&a, DM_MIG_EVEN, false);
	sweden(&b, DM_MIG_END, false);
	CHECK_EQ(dm_project(&a.in, &even), DS_OK);
	CHECK_EQ(dm_project(&b.in, &end), DS_OK);
	for (size_t i = 0; i < 2 * SW_G; i++)
		CHECK_NEAR(even.pop[i], end.pop[i], 0);
	dm_proj_free(&even);
	dm_proj_free(&end);
}

TEST(demog_project_closed_population_without_deaths_or_births_ages_without_loss)
{
	/* S = 1, f = 0, no migrants: each cohort moves up one group a step,
	 * the open group gathers them, and nobody is lost. */
	enum { G = 10, K = 3 };
	double S[K * G], f[K * G] = {0}, srb[K] = {1.05, 1.05, 1.05}, pm[G], pf[G];
	for (int i = 0; i < K * G; i++)
		S[i] = 1;
	double total = 0;
	for (int g = 0; g < G; g++) {
		pm[g] = 1000 + 37 * g;
		pf[g] = 990 + 41 * g;
		total += pm[g] + pf[g];
	}
	struct dm_proj_in in = {.n = 5, .groups = G, .steps = K, .pop = {pm, pf},
				.surv = {S, S}, .asfr = f, .srb = srb};
	struct dm_proj_out out;
	CHECK_EQ(dm_project(&in, &out), DS_OK);
	const double *m = dm_proj_pop(&out, K - 1, DM_MALE), *w = dm_proj_pop(&out, K - 1, DM_FEMALE);
	double after = 0, open = 0;
	for (int g = 0; g < G; g++)
		after += m[g] + w[g];
	for (int g = G - 1 - K; g < G; g++)
		open += pm[g] + pf[g];
	CHECK_NEAR(after, total, 1e-9);
	for (int g = 0; g < K; g++)
		CHECK_NEAR(m[g] + w[g], 0, 0);
	for (int g = K; g < G - 1; g++) {
		CHECK_NEAR(m[g], pm[g - K], 0);
		CHECK_NEAR(w[g], pf[g - K], 0);
	}
	CHECK_NEAR(m[G - 1] + w[G - 1], open, 1e-9);
	for (int k = 0; k < K; k++)
		CHECK_NEAR(out.deaths[2 * k] + out.deaths[2 * k + 1], 0, 1e-9);
	dm_proj_free(&out);
}

TEST(demog_project_equals_the_leslie_matrix)
{
	/*
	 * Without migration the step is linear: P(t+n) = A P(t) with A the
	 * two-sex Leslie matrix, built here from the same S, f and SRB.  With
	 * T the survival part (T[g][g-1] = S(g), T[A][A] = S(A)), births are
	 * b.P_F with b = n/2 (f + f T) (a row vector), female births to group
	 * 0 of females with Sb_F / (1 + SRB), males with Sb_M SRB / (1 + SRB).
	 */
	enum { G = SW_G, N = 2 * SW_G, K = 4 };
	struct sweden w;
	sweden(&w, DM_MIG_EVEN, false);
	double SM[G], *A = calloc(N * N, sizeof *A);
	for (int g = 0; g < G; g++)
		SM[g] = w.S[g] * (1 - 0.01 * g / G); /* males die a little more */
	double b[G] = {0};
	for (int x = 0; x < G; x++) {
		double into = x + 1 < G ? w.S[x + 1] * w.asfr[x + 1] : 0; /* f(x+n) S(x+n) */
		if (x + 1 == G)
			into = w.S[G - 1] * w.asfr[G - 1];
		b[x] = 5 / 2.0 * (w.asfr[x] + into);
	}
	/* rows/columns 0..G-1 males, G..2G-1 females */
	for (int s = 0; s < 2; s++) {
		const double *S = s ? w.S : SM;
		int o = s * G;
		for (int g = 1; g < G; g++)
			A[(o + g) * N + o + g - 1] = S[g];
		A[(o + G - 1) * N + o + G - 1] = S[G - 1];
		double share = s ? 1 / (1 + w.srb) : w.srb / (1 + w.srb);
		for (int x = 0; x < G; x++)
			A[o * N + G + x] += b[x] * share * S[0];
	}
	double S2[K * G], Sm2[K * G], f2[K * G], srb[K];
	for (int k = 0; k < K; k++) {
		memcpy(S2 + k * G, w.S, sizeof w.S);
		memcpy(Sm2 + k * G, SM, sizeof SM);
		memcpy(f2 + k * G, w.asfr, sizeof w.asfr);
		srb[k] = w.srb;
	}
	w.in.steps = K;
	w.in.surv[DM_MALE] = Sm2;
	w.in.surv[DM_FEMALE] = S2;
	w.in.asfr = f2;
	w.in.srb = srb;
	struct dm_proj_out out;
	CHECK_EQ(dm_project(&w.in, &out), DS_OK);
	double P[N], Q[N];
	memcpy(P, sw_pop, sizeof sw_pop);
	memcpy(P + G, sw_pop, sizeof sw_pop);
	for (int k = 0; k < K; k++) {
		for (int i = 0; i < N; i++) {
			Q[i] = 0;
			for (int j = 0; j < N; j++)
				Q[i] += A[i * N + j] * P[j];
		}
		memcpy(P, Q, sizeof P);
		for (int g = 0; g < G; g++) {
			CHECK_NEAR(dm_proj_pop(&out, k, DM_MALE)[g], P[g], 1e-6);
			CHECK_NEAR(dm_proj_pop(&out, k, DM_FEMALE)[g], P[G + g], 1e-6);
		}
	}
	dm_proj_free(&out);
	free(A);
}

/*
 * One-year and five-year steps must agree where both are exact: on a
 * stationary population.  Take a single-year life table per sex, start
 * from its person-years (P(x) = Lx, the open group its T; males scaled by
 * SRB) and a constant ASFR c at 15-49 chosen so that female births are
 * l0 = 100,000 a year (c = l0 (1 + SRB) / sum of L(15..49)).  Then every
 * one-year step returns P, and so does every five-year step on the same
 * table grouped by five (5Lx = the sum of the single years, Sb = 5L0 /
 * (5 l0), births 5 l0 a step): five one-year steps, summed by five-year
 * group, equal one five-year step.  Off stationarity they need not agree
 * (a five-year step assumes births and survival even within the group).
 */
static void gompertz_table(struct dm_lt *t, enum dm_sex sex, double level)
{
	memset(t, 0, sizeof *t);
	t->sex = sex;
	t->n = 86;
	for (size_t i = 0; i < t->n; i++) {
		t->age[i] = (int)i;
		t->width[i] = i + 1 < t->n ? 1 : 0;
		t->mx[i] = i == 0 ? 0.02 * level : level * 0.0002 * exp(0.09 * (double)i);
		t->ax[i] = NAN;
	}
	CHECK(compute(t));
}

TEST(demog_project_one_year_steps_equal_five_year_steps_when_stationary)
{
	enum { G1 = 86, G5 = 18 };
	struct dm_lt lt[2];
	gompertz_table(&lt[DM_MALE], DM_MALE, 1.2);
	gompertz_table(&lt[DM_FEMALE], DM_FEMALE, 1.0);
	double srb = 1.1, L1549 = 0;
	for (int x = 15; x < 50; x++)
		L1549 += lt[DM_FEMALE].Lx[x];
	double c = DM_RADIX * (1 + srb) / L1549;
	/* one-year: 5 steps */
	double S1[2][5 * G1], f1[5 * G1] = {0}, p1[2][G1], srb1[5] = {srb, srb, srb, srb, srb};
	double S5[2][G5], f5[G5] = {0}, p5[2][G5] = {{0}};
	size_t bad;
	for (int s = 0; s < 2; s++) {
		CHECK_EQ(dm_ratios_from_L(lt[s].age, lt[s].Lx, G1, DM_RADIX, 1, G1, S1[s], &bad), W_NONE);
		CHECK_EQ(dm_ratios_from_L(lt[s].age, lt[s].Lx, G1, DM_RADIX, 5, G5, S5[s], &bad), W_NONE);
		for (int k = 1; k < 5; k++)
			memcpy(S1[s] + k * G1, S1[s], G1 * sizeof(double));
		for (int x = 0; x < G1; x++) {
			p1[s][x] = lt[s].Lx[x] * (s == DM_MALE ? srb : 1);
			p5[s][x < 85 ? x / 5 : G5 - 1] += p1[s][x];
		}
	}
	for (int k = 0; k < 5; k++)
		for (int x = 15; x < 50; x++)
			f1[k * G1 + x] = c;
	for (int g = 3; g < 10; g++)
		f5[g] = c;
	struct dm_proj_in one = {.n = 1, .groups = G1, .steps = 5, .pop = {p1[0], p1[1]},
				 .surv = {S1[0], S1[1]}, .asfr = f1, .srb = srb1};
	struct dm_proj_in five = {.n = 5, .groups = G5, .steps = 1, .pop = {p5[0], p5[1]},
				  .surv = {S5[0], S5[1]}, .asfr = f5, .srb = &srb};
	struct dm_proj_out o1, o5;
	CHECK_EQ(dm_project(&one, &o1), DS_OK);
	CHECK_EQ(dm_project(&five, &o5), DS_OK);
	for (int s = 0; s < 2; s++) {
		double sum[G5] = {0};
		const double *end1 = dm_proj_pop(&o1, 4, s), *end5 = dm_proj_pop(&o5, 0, s);
		for (int x = 0; x < G1; x++)
			sum[x < 85 ? x / 5 : G5 - 1] += end1[x];
		for (int g = 0; g < G5; g++) {
			CHECK_NEAR(sum[g], end5[g], 1e-9 * p5[s][g]);
			CHECK_NEAR(end5[g], p5[s][g], 1e-9 * p5[s][g]); /* stationary */
		}
	}
	/* Births of five one-year steps = those of one five-year step. */
	double b1 = 0, b5 = 0;
	for (int k = 0; k < 5; k++)
		b1 += o1.births_sex[2 * k] + o1.births_sex[2 * k + 1];
	b5 = o5.births_sex[0] + o5.births_sex[1];
	CHECK_NEAR(b1, b5, 1e-9 * b5);
	CHECK_NEAR(b5, 5 * DM_RADIX * (1 + srb), 1e-6);
	dm_proj_free(&o1);
	dm_proj_free(&o5);
}

TEST(demog_project_refuses_inputs_outside_its_contract)
{
	struct small x;
	struct dm_proj_out out;
	small(&x, DM_MIG_EVEN);
	x.in.n = 3;
	CHECK_EQ(dm_project(&x.in, &out), DS_EINPUT);
	small(&x, DM_MIG_EVEN);
	x.srb = 0;
	CHECK_EQ(dm_project(&x.in, &out), DS_EINPUT);
	small(&x, DM_MIG_EVEN);
	x.asfr[0] = 0.1;
	CHECK_EQ(dm_project(&x.in, &out), DS_EINPUT);
	small(&x, DM_MIG_EVEN);
	x.pf[1] = -1;
	CHECK_EQ(dm_project(&x.in, &out), DS_EINPUT);
	small(&x, DM_MIG_EVEN);
	x.S[2] = NAN;
	CHECK_EQ(dm_project(&x.in, &out), DS_EINPUT);
	small(&x, DM_MIG_EVEN);
	x.in.steps = DM_STEPS_MAX + 1;
	CHECK_EQ(dm_project(&x.in, &out), DS_EINPUT);
	CHECK(out.pop == NULL);
	dm_proj_free(&out);
}

/* ---- readers ---- */

TEST(demog_fertility_steps_hold_until_the_next_step_listed)
{
	static const char text[] = "step,age,asfr\n"
				   "3,20,0.2\n"
				   "1,15,0.05\n"
				   "1,20,0.1\n"
				   "3,25,0.3\n"
				   "9,30,0.01\n"; /* beyond the steps: checked, not used */
	struct dm_fert f;
	struct ds_problem pb = {0};
	CHECK_EQ(dm_read_fertility(text, sizeof text - 1, "fertility.csv", 5, 8, 4, &f, &pb), DS_OK);
	double want[4][8] = {{0, 0, 0, 0.05, 0.1}, {0, 0, 0, 0.05, 0.1},
			     {0, 0, 0, 0, 0.2, 0.3}, {0, 0, 0, 0, 0.2, 0.3}};
	for (int k = 0; k < 4; k++)
		for (int g = 0; g < 8; g++)
			CHECK_NEAR(f.asfr[k * 8 + g], want[k][g], 0);
	CHECK_EQ(f.first, 3);
	CHECK_EQ(f.last, 5);
	dm_fert_free(&f);
	static const char gap[] = "step,age,asfr\n1,15,0.1\n1,25,0.1\n";
	CHECK_EQ(dm_read_fertility(gap, sizeof gap - 1, "fertility.csv", 5, 8, 1, &f, &pb), DS_EINPUT);
	CHECK_EQ(pb.why, W_AGE_MISSING);
	CHECK_EQ(pb.line, 3);
	static const char no_first[] = "step,age,asfr\n2,15,0.1\n";
	CHECK_EQ(dm_read_fertility(no_first, sizeof no_first - 1, "fertility.csv", 5, 8, 2, &f, &pb),
		 DS_EINPUT);
	CHECK_EQ(pb.why, W_STEP_MISSING);
	CHECK_STR(pb.field, "step");
}

TEST(demog_survival_file_layouts)
{
	/* Five-year groups, abridged and single years are all person-years a projection can use. */
	static const char five[] = "sex,age,Lx\nF,0,450000\nF,5,405000\nF,10,3645000\n"
				   "M,10,3645000\nM,0,450000\nM,5,405000\n";
	struct dm_L_set set;
	struct ds_problem pb = {0};
	double S[2][DM_GROUPS_MAX];
	CHECK_EQ(dm_read_survival(five, sizeof five - 1, "survival.csv", &set, &pb), DS_OK);
	CHECK_EQ(dm_L_ratios(&set, 5, 3, S, &pb), DS_OK);
	CHECK_NEAR(S[DM_FEMALE][0], 0.9, 1e-12);
	CHECK_NEAR(S[DM_FEMALE][1], 0.9, 1e-12);
	CHECK_NEAR(S[DM_MALE][2], 3645000.0 / 4050000, 1e-12);
	static const char gap[] = "sex,age,Lx\nF,0,99000\nF,1,395000\nF,10,3000000\n";
	CHECK_EQ(dm_read_survival(gap, sizeof gap - 1, "survival.csv", &set, &pb), DS_EINPUT);
	CHECK_EQ(pb.why, W_AGE_MISSING);
	CHECK_EQ(pb.line, 4);
	static const char female_only[] = "sex,age,Lx\nF,0,450000\nF,5,3000000\n";
	CHECK_EQ(dm_read_survival(female_only, sizeof female_only - 1, "survival.csv", &set, &pb), DS_OK);
	CHECK_EQ(dm_L_ratios(&set, 5, 2, S, &pb), DS_EINPUT);
	CHECK_EQ(pb.why, W_SEX_MISSING);
}
