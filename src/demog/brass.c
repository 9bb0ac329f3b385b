/* Brass's relational logit model: rates from a standard moved by alpha and beta, fitting it to deaths, and solving it for a life expectancy. */
#include "demog/brass.h"

#include <math.h>
#include <stdbool.h>

double dm_logit(double l)
{
	return 0.5 * log((1 - l) / l);
}

enum ds_why dm_lt_single(struct dm_lt *t, enum dm_sex s, const double *mx, size_t n)
{
	t->sex = s;
	t->n = n;
	for (size_t i = 0; i < n; i++) {
		t->age[i] = (int)i;
		t->width[i] = i + 1 < n ? 1 : 0;
		t->mx[i] = mx[i];
		t->ax[i] = NAN;
	}
	size_t bad;
	enum dm_lt_col col;
	return dm_lt_compute(t, &bad, &col);
}

/* Survivorship l(x) on a radix of 1 at exact age x of the model. */
static double model_l(const struct dm_lt *std, size_t x, double alpha, double beta)
{
	if (x == 0)
		return 1;
	double ls = std->lx[x] / std->lx[0];
	if (ls <= 0)
		return 0;
	if (ls >= 1)
		return 1;
	double y = alpha + beta * dm_logit(ls);
	return 1 / (1 + exp(2 * y));
}

/* m from q at age 0, where a0 depends on m0 (Coale-Demeny, as dm_lt_compute). */
static double m0_of(enum dm_sex s, double q, double m_guess)
{
	double m = m_guess;
	for (int k = 0; k < 8; k++) {
		double a = dm_cd_a0(s, m);
		double den = 1 - (1 - a) * q;
		m = den > 0 ? q / den : 2;
	}
	return m;
}

void dm_brass_mx(const struct dm_lt *std, double alpha, double beta, double *mx)
{
	size_t n = std->n;
	double l = 1;
	for (size_t x = 0; x + 1 < n; x++) {
		double next = model_l(std, x + 1, alpha, beta);
		double q = l > 0 ? 1 - next / l : 1;
		if (q < 0)
			q = 0;
		if (x == 0)
			mx[0] = m0_of(std->sex, q, std->mx[0]);
		else
			mx[x] = q / (1 - 0.5 * q);
		l = next;
	}
	/* The open group keeps its standard's ratio to the age below. */
	double ratio = n >= 2 && std->mx[n - 2] > 0 ? std->mx[n - 1] / std->mx[n - 2] : 0;
	mx[n - 1] = ratio > 0 && mx[n - 2] > 0 ? mx[n - 2] * ratio : std->mx[n - 1];
}

/* ---- fitting ---- */

#define MU_FLOOR 1e-12

/* The objective sum(mu E - D ln mu), the negative Poisson log-likelihood less a constant. */
static double objective(const struct dm_lt *std, const double *D, const double *E, double a,
			double b, double *mu)
{
	dm_brass_mx(std, a, b, mu);
	double f = 0;
	for (size_t x = 0; x < std->n; x++) {
		double m = mu[x] > MU_FLOOR ? mu[x] : MU_FLOOR;
		f += m * E[x] - D[x] * log(m);
	}
	return f;
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int dm_brass_fit(const struct dm_lt *std, const double *D, const double *E, int nparams,
		 double *alpha, double *beta)
{
	size_t n = std->n;
	double dsum = 0, esum = 0;
	for (size_t x = 0; x < n; x++) {
		dsum += D[x];
		esum += E[x];
	}
	*alpha = 0;
	*beta = 1;
	if (!(dsum > 0) || !(esum > 0))
		return -1;
	double mu[DM_GROUPS_MAX], mh[2][DM_GROUPS_MAX];
	double a = 0, b = 1, f = objective(std, D, E, a, b, mu);
	const double h = 1e-6;
	int it;
	for (it = 1; it <= 100; it++) {
		/* Score and Fisher information, with d ln mu / d theta by forward differences. */
		objective(std, D, E, a + h, b, mh[0]);
		if (nparams == 2)
			objective(std, D, E, a, b + h, mh[1]);
		double U[2] = {0, 0}, I[2][2] = {{0, 0}, {0, 0}};
		for (size_t x = 0; x < n; x++) {
			double m = mu[x] > MU_FLOOR ? mu[x] : MU_FLOOR;
			double g[2] = {0, 0};
			for (int j = 0; j < nparams; j++) {
				double mj = mh[j][x] > MU_FLOOR ? mh[j][x] : MU_FLOOR;
				g[j] = (log(mj) - log(m)) / h;
			}
			for (int j = 0; j < nparams; j++) {
				U[j] += (D[x] - m * E[x]) * g[j];
				for (int k = 0; k < nparams; k++)
					I[j][k] += m * E[x] * g[j] * g[k];
			}
		}
		double da, db = 0;
		if (nparams == 2) {
			double det = I[0][0] * I[1][1] - I[0][1] * I[1][0];
			if (!(fabs(det) > 0))
				break;
			da = (I[1][1] * U[0] - I[0][1] * U[1]) / det;
			db = (I[0][0] * U[1] - I[1][0] * U[0]) / det;
		} else {
			if (!(I[0][0] > 0))
				break;
			da = U[0] / I[0][0];
		}
		/* Step halving: never accept a step that makes the fit worse. */
		double step = 1, na = a, nb = b, nf = f;
		bool better = false;
		for (int k = 0; k < 40 && !better; k++, step /= 2) {
			na = clampd(a + step * da, -4, 4);
			nb = nparams == 2 ? clampd(b + step * db, 0.2, 3) : 1;
			nf = objective(std, D, E, na, nb, mh[0]);
			better = nf <= f;
		}
		if (!better)
			break;
		double moved = fabs(na - a) + fabs(nb - b);
		a = na;
		b = nb;
		f = objective(std, D, E, a, b, mu);
		if (moved < 1e-10)
			break;
	}
	*alpha = a;
	*beta = b;
	return it;
}

/* ---- solving for e0 ---- */

static double e0_at(const struct dm_lt *base, double a, double *mx, struct dm_lt *t)
{
	dm_brass_mx(base, a, 1, mx);
	if (dm_lt_single(t, base->sex, mx, base->n) != W_NONE)
		return NAN;
	return t->ex[0];
}

double dm_brass_e0(const struct dm_lt *base, double e0, double *mx, double *alpha)
{
	struct dm_lt t;
	double lo = -8, hi = 8; /* e0 falls as alpha rises */
	double e_lo = e0_at(base, lo, mx, &t), e_hi = e0_at(base, hi, mx, &t);
	if (!(e0 < e_lo)) {
		*alpha = lo;
		return e0_at(base, lo, mx, &t);
	}
	if (!(e0 > e_hi)) {
		*alpha = hi;
		return e0_at(base, hi, mx, &t);
	}
	for (int k = 0; k < 60; k++) {
		double mid = (lo + hi) / 2;
		if (e0_at(base, mid, mx, &t) > e0)
			lo = mid;
		else
			hi = mid;
	}
	*alpha = (lo + hi) / 2;
	return e0_at(base, *alpha, mx, &t);
}
