/* Period life tables from death rates: separation factors, qx to ex, and the survival ratios a projection uses. */
#include "demog/lifetable.h"

#include <math.h>
#include <stdbool.h>

static const char *const sex_codes[] = {"M", "F", "T"};

const char *dm_sex_code(enum dm_sex s)
{
	return (unsigned)s < 3 ? sex_codes[s] : "?";
}

int dm_sex_parse(const char *s, size_t n)
{
	for (int i = 0; i < 3; i++)
		if (n == 1 && s[0] == sex_codes[i][0])
			return i;
	return -1;
}

/* The width group i must have in a layout (the open group excepted). */
static int expected_width(enum dm_layout l, size_t i)
{
	if (l == DM_SINGLE || i == 0)
		return 1;
	return i == 1 ? 4 : 5;
}

static enum ds_why refuse(size_t i, enum dm_lt_col c, enum ds_why w, size_t *bad,
			  enum dm_lt_col *col)
{
	*bad = i;
	*col = c;
	return w;
}

enum ds_why dm_lt_layout(const int *age, const int *width, size_t n, enum dm_layout *out,
			 size_t *bad, enum dm_lt_col *col)
{
	if (n < 2 || age[0] != 0)
		return refuse(0, DM_LT_AGE, W_AGE_MISSING, bad, col);
	/* The second group decides: 1-4 makes an abridged table. */
	enum dm_layout l = n > 2 && width[1] == 4 ? DM_ABRIDGED : DM_SINGLE;
	for (size_t i = 0; i + 1 < n; i++) {
		if (width[i] != expected_width(l, i))
			return refuse(i, DM_LT_WIDTH, W_AGE_TILING, bad, col);
		if (age[i] + width[i] < age[i + 1])
			return refuse(i + 1, DM_LT_AGE, W_AGE_MISSING, bad, col);
		if (age[i] + width[i] > age[i + 1])
			return refuse(i, DM_LT_WIDTH, W_AGE_TILING, bad, col);
	}
	if (width[n - 1] != 0)
		return refuse(n - 1, DM_LT_WIDTH, W_AGE_TILING, bad, col);
	*out = l;
	return W_NONE;
}

/* PHG table 3.3 (Coale and Demeny West), in terms of m0. */
double dm_cd_a0(enum dm_sex s, double m0)
{
	double m = m0 >= 0.107 ? 0.330 : 0.045 + 2.684 * m0;
	double f = m0 >= 0.107 ? 0.350 : 0.053 + 2.800 * m0;
	return s == DM_MALE ? m : s == DM_FEMALE ? f : (m + f) / 2;
}

double dm_cd_4a1(enum dm_sex s, double m0)
{
	double m = m0 >= 0.107 ? 1.352 : 1.651 - 2.816 * m0;
	double f = m0 >= 0.107 ? 1.361 : 1.522 - 1.518 * m0;
	return s == DM_MALE ? m : s == DM_FEMALE ? f : (m + f) / 2;
}

double dm_greville(double m, double lo, double hi)
{
	if (!(lo > 0) || !(hi > 0))
		return 2.5; /* n/2: the slope k needs both neighbours */
	double k = log(hi / lo) / 10;
	return 2.5 - 25.0 / 12.0 * (m - k);
}

/*
 * The default ax of closed group i.  A rule's result is kept within the
 * group: a separation factor is a time inside it, and Greville's line can
 * leave [0, 5] only for rates far above 1 (a handful of people), where
 * the table means little anyway.
 */
static double default_ax(const struct dm_lt *t, size_t i)
{
	double a;
	if (i == 0)
		a = dm_cd_a0(t->sex, t->mx[0]);
	else if (t->layout == DM_SINGLE)
		a = 0.5;
	else if (i == 1)
		a = dm_cd_4a1(t->sex, t->mx[0]);
	else if (t->age[i] == 5)
		a = 2.5;
	else
		a = dm_greville(t->mx[i], t->mx[i - 1], t->mx[i + 1]);
	double w = t->width[i];
	return a < 0 ? 0 : a > w ? w : a;
}

/* Rates and given separation factors: finite, not negative, ax within its group. */
static enum ds_why check_values(const struct dm_lt *t, size_t *bad, enum dm_lt_col *col)
{
	for (size_t i = 0; i < t->n; i++) {
		double m = t->mx[i], a = t->ax[i];
		bool open = i + 1 == t->n;
		if (!isfinite(m))
			return refuse(i, DM_LT_MX, W_NOT_A_NUMBER, bad, col);
		if (m < 0)
			return refuse(i, DM_LT_MX, W_NEGATIVE, bad, col);
		if (isinf(a))
			return refuse(i, DM_LT_AX, W_NOT_A_NUMBER, bad, col);
		if (!isnan(a) && a < 0)
			return refuse(i, DM_LT_AX, W_NEGATIVE, bad, col);
		if (!isnan(a) && !open && a > t->width[i])
			return refuse(i, DM_LT_AX, W_OUT_OF_RANGE, bad, col);
		if (!isnan(a) && open && a <= 0)
			return refuse(i, DM_LT_AX, W_NOT_POSITIVE, bad, col);
		if (isnan(a) && open && m <= 0)
			return refuse(i, DM_LT_MX, W_OPEN_RATE, bad, col);
	}
	return W_NONE;
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

/* Steps 1-4 of the spec: qx, lx, dx, Lx, Tx, ex. */
static void survivorship(struct dm_lt *t)
{
	size_t n = t->n, open = n - 1;
	double l = DM_RADIX;
	for (size_t i = 0; i < open; i++) {
		double w = t->width[i], m = t->mx[i], a = t->ax[i];
		double q = w * m / (1 + (w - a) * m);
		t->qx[i] = q > 1 ? 1 : q; /* tiny populations */
		t->lx[i] = l;
		t->dx[i] = l * t->qx[i];
		l -= t->dx[i];
		t->Lx[i] = w * l + a * t->dx[i];
	}
	t->qx[open] = 1;
	t->lx[open] = t->dx[open] = l;
	if (isnan(t->ax[open]))
		t->ax[open] = 1 / t->mx[open]; /* L = l/m, so the mean time lived is 1/m */
	t->Lx[open] = t->ax[open] * l;
	double T = 0;
	for (size_t i = n; i-- > 0;) {
		T += t->Lx[i];
		t->Tx[i] = T;
		t->ex[i] = ratio(T, t->lx[i]);
	}
}

/* Step 5, indexed by destination age (see the header for the abridged case). */
static void survival_ratios(struct dm_lt *t)
{
	size_t n = t->n, open = n - 1;
	const double *L = t->Lx, *T = t->Tx;
	if (t->layout == DM_SINGLE) {
		t->Sx[0] = L[0] / DM_RADIX;
		for (size_t i = 1; i < open; i++)
			t->Sx[i] = ratio(L[i], L[i - 1]);
		t->Sx[open] = ratio(T[open], T[open - 1]);
		return;
	}
	double L04 = L[0] + L[1];
	t->Sx[0] = L04 / (5 * DM_RADIX);
	t->Sx[1] = NAN;
	for (size_t i = 2; i < open; i++)
		t->Sx[i] = ratio(L[i], i == 2 ? L04 : L[i - 1]);
	/* T of the group before the open one: T0 when that group is 0-4. */
	t->Sx[open] = ratio(T[open], open == 2 ? T[0] : T[open - 1]);
}

enum ds_why dm_lt_compute(struct dm_lt *t, size_t *bad, enum dm_lt_col *col)
{
	if (t->n > DM_GROUPS_MAX)
		return refuse(DM_GROUPS_MAX - 1, DM_LT_AGE, W_OUT_OF_RANGE, bad, col);
	enum ds_why w = dm_lt_layout(t->age, t->width, t->n, &t->layout, bad, col);
	if (w == W_NONE)
		w = check_values(t, bad, col);
	if (w != W_NONE)
		return w;
	for (size_t i = 0; i + 1 < t->n; i++)
		if (isnan(t->ax[i]))
			t->ax[i] = default_ax(t, i);
	survivorship(t);
	survival_ratios(t);
	return W_NONE;
}
