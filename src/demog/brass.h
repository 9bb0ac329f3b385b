/*
 * brass: Brass's relational logit model of mortality over single-year life
 * tables (ages 0, 1, ..., A-1 and the open group A+), and what a
 * projection from the register does with it; no I/O.
 *
 * The model (Brass 1971; PHG 2001, section 9.4; UN Manual X, chapter
 * 8): with Y(x) = 0.5 ln((1 - l(x)) / l(x)) the logit of survivorship
 * l(x) on a radix of 1, a table is a standard's logits moved by a level
 * alpha and a slope beta:
 *
 *     Y(x) = alpha + beta Ys(x),   x = 1 .. A.
 *
 * alpha below 0 is lower mortality than the standard's; beta below 1 is
 * relatively more mortality at young ages and less at old ones.  alpha 0,
 * beta 1 is the standard itself.
 *
 * From the model's l(x): q(x) = 1 - l(x+1)/l(x); single-year rates
 * m = q / (1 - (1 - a) q) with a = 0.5 above age 0 and the spec's
 * Coale-Demeny a0 at age 0 (found by iterating, since a0 depends on m0),
 * which are the inverse of dm_lt_compute's q: a table computed from the
 * model's rates has the model's l(x) exactly.  The open group's rate
 * keeps its ratio to the rate at A-1 in the standard.
 *
 * Fitting (dm_brass_fit) maximises the Poisson likelihood of deaths D(x)
 * over exposure E(x) at single ages (Fisher scoring, step halving), for
 * alpha alone (beta = 1) or for both.
 *
 * Mortality improvement (dm_brass_e0) moves a table's own logits by the
 * alpha (beta = 1, the table as its own standard) that gives a wanted e0,
 * found by bisection: every age gains in proportion on the logit scale.
 */
#ifndef DS_DEMOG_BRASS_H
#define DS_DEMOG_BRASS_H

#include <stddef.h>

#include "demog/lifetable.h"

/* 0.5 ln((1 - l) / l); l on a radix of 1. */
double dm_logit(double l);

/*
 * A single-year table of n groups (0, 1, ..., n-2 and the open n-1) from
 * the rates mx[0..n-1] of sex s, default separation factors; W_NONE or
 * dm_lt_compute's refusal.
 */
enum ds_why dm_lt_single(struct dm_lt *t, enum dm_sex s, const double *mx, size_t n);

/*
 * The model's rates at the n = std->n single ages of the standard table
 * std (single-year, from dm_lt_single or dm_lt_compute), into mx[0..n-1].
 */
void dm_brass_mx(const struct dm_lt *std, double alpha, double beta, double *mx);

/*
 * Fits alpha (and beta when nparams is 2; else beta = 1) to deaths and
 * exposure at the n single ages of std.  Bounds: alpha -4..4, beta
 * 0.2..3.  The iterations it took, or -1 when there is nothing to fit (no
 * deaths or no exposure), with alpha 0 and beta 1.
 */
int dm_brass_fit(const struct dm_lt *std, const double *deaths, const double *exposure, int nparams,
		 double *alpha, double *beta);

/*
 * Rates whose table has life expectancy e0 at birth: the table base's own
 * logits moved by the alpha found, into mx[0..base->n-1] and *alpha.
 * e0 beyond what alpha -8..8 reaches is held there; returns the table's
 * e0 (the wanted one, or the bound reached).
 */
double dm_brass_e0(const struct dm_lt *base, double e0, double *mx, double *alpha);

#endif
