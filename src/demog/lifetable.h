/*
 * lifetable: period life tables, abridged (0,1,5,10,...,A+) or by single
 * year (0,1,...,A+), from death rates, by sex, as shared/spec/demography.md
 * ("Life table") defines them; no I/O.
 *
 * A table is one struct with fixed arrays (no allocation, nothing to free).
 * The caller fills age, width and mx of every group, and ax where it is
 * given (NAN where the default separation factor applies), then calls
 * dm_lt_compute(), which fills the rest: qx, lx, dx, Lx, Tx, ex and the
 * survival ratios Sx, and ax where it was NAN.
 *
 * Units: ages and widths in years; mx per person-year; ax in years; lx, dx,
 * Lx and Tx on the radix l0 = 100,000; ex in years.
 *
 * Invariants after a successful dm_lt_compute(): groups start at 0 and each
 * reaches the next; only the last is open (width 0, qx = 1); every value is
 * finite but the Sx of an abridged table's group 1-4 (below).  Where nobody reaches an age (a qx capped at 1 before it), ex and
 * the next Sx are 0, not NaN: a projection then carries no one past it.
 *
 * Sx is indexed by destination age, for projection:
 *  - single-year tables: row 0 holds Sb = L0 / l0, row x holds Lx / L(x-1),
 *    the open row T(A) / T(A-1);
 *  - abridged tables, for a five-year projection whose first group 0-4 is
 *    the table's groups 0 and 1-4: row 0 holds Sb = (L0 + L1) / (5 l0),
 *    row 1 holds NAN (1-4 is not a projection group), row 5 holds
 *    L5 / (L0 + L1), row x holds Lx / L(x-5), the open row T(A) / T(A-5).
 */
#ifndef DS_DEMOG_LIFETABLE_H
#define DS_DEMOG_LIFETABLE_H

#include <stddef.h>

#include "base/err.h"

#define DM_AGE_MAX 130 /* the highest first age of a group */
#define DM_GROUPS_MAX (DM_AGE_MAX + 1)
#define DM_RADIX 100000.0

enum dm_sex { DM_MALE = 0, DM_FEMALE = 1, DM_BOTH = 2 };
enum dm_layout { DM_SINGLE = 0, DM_ABRIDGED = 1 };

/* The columns, for naming the one at fault. */
enum dm_lt_col { DM_LT_AGE, DM_LT_WIDTH, DM_LT_MX, DM_LT_AX };

struct dm_lt {
	enum dm_sex sex;
	enum dm_layout layout; /* set by dm_lt_compute() */
	size_t n;              /* groups, the last one open */
	int age[DM_GROUPS_MAX];
	int width[DM_GROUPS_MAX]; /* 0 for the open group */
	double mx[DM_GROUPS_MAX];
	double ax[DM_GROUPS_MAX]; /* NAN in, default out */
	double qx[DM_GROUPS_MAX], lx[DM_GROUPS_MAX], dx[DM_GROUPS_MAX];
	double Lx[DM_GROUPS_MAX], Tx[DM_GROUPS_MAX], ex[DM_GROUPS_MAX];
	double Sx[DM_GROUPS_MAX];
};

/* "M", "F" or "T". */
const char *dm_sex_code(enum dm_sex s);
/* The sex of a one-letter code; -1 when it is none of M, F, T. */
int dm_sex_parse(const char *s, size_t n);

/*
 * Which layout the ages and widths of n groups follow: abridged or single
 * years, each group reaching the next, only the last open (width 0).
 * W_NONE, or W_AGE_MISSING / W_AGE_TILING with *bad the group at fault and
 * *col the column (age or width).
 */
enum ds_why dm_lt_layout(const int *age, const int *width, size_t n, enum dm_layout *out,
			 size_t *bad, enum dm_lt_col *col);

/*
 * Completes the table t (see above).  Refuses, with the group in *bad and
 * the column in *col: a layout that is neither (as dm_lt_layout); an mx or
 * ax that is negative or not finite (W_NEGATIVE, W_NOT_A_NUMBER); an ax
 * beyond its group's width (W_OUT_OF_RANGE); an open group whose mx is not
 * above zero when its ax is not given (W_OPEN_RATE).
 */
enum ds_why dm_lt_compute(struct dm_lt *t, size_t *bad, enum dm_lt_col *col);

/*
 * The default separation factors of the spec, exposed for tests: a0 and
 * 4a1 by the Coale-Demeny West rule in terms of m0 (PHG table 3.3; both
 * sexes the mean of the two), and the Greville rule for a closed five-year
 * group of rate m between neighbours lo and hi.
 */
double dm_cd_a0(enum dm_sex s, double m0);
double dm_cd_4a1(enum dm_sex s, double m0);
double dm_greville(double m, double lo, double hi);

#endif
