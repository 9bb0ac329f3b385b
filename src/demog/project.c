/* The cohort-component projection, step by step, and survival ratios from a table's person-years. */
#include "demog/project.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static double clamp0(double v)
{
	return v < 0 ? 0 : v;
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

static bool all_finite(const double *v, size_t n, double min)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]) || v[i] < min)
			return false;
	return true;
}

static bool inputs_ok(const struct dm_proj_in *in)
{
	size_t G = in->groups, K = in->steps;
	if ((in->n != 1 && in->n != 5) || G < 2 || (G - 1) * (size_t)in->n > DM_AGE_MAX ||
	    K < 1 || K > DM_STEPS_MAX || !in->asfr || !in->srb)
		return false;
	for (int s = 0; s < 2; s++) {
		if (!in->pop[s] || !in->surv[s] || !all_finite(in->pop[s], G, 0) ||
		    !all_finite(in->surv[s], K * G, 0))
			return false;
		if (in->mig[s] && !all_finite(in->mig[s], K * G, -INFINITY))
			return false;
	}
	if (!all_finite(in->asfr, K * G, 0) || !all_finite(in->srb, K, 0))
		return false;
	for (size_t k = 0; k < K; k++)
		if (in->asfr[k * G] != 0 || !(in->srb[k] > 0))
			return false;
	return true;
}

/* One sex's step on the way to the births (steps 1 and 2 of the header). */
struct sex_step {
	double start[DM_GROUPS_MAX]; /* P* */
	double *end;                 /* P', the output row */
	double entered, survived;
};

static void survive(const struct dm_proj_in *in, size_t k, int s, const double *P,
		    struct sex_step *x)
{
	size_t G = in->groups;
	const double *S = in->surv[s] + k * G;
	const double *M = in->mig[s] ? in->mig[s] + k * G : NULL;
	double half = M && in->migration == DM_MIG_EVEN ? 0.5 : 0;
	x->entered = x->survived = 0;
	for (size_t g = 0; g < G; g++) {
		x->start[g] = clamp0(P[g] + (half ? half * M[g] : 0));
		x->entered += x->start[g];
	}
	for (size_t g = 1; g + 1 < G; g++)
		x->end[g] = x->start[g - 1] * S[g];
	x->end[G - 1] = (x->start[G - 2] + x->start[G - 1]) * S[G - 1];
	for (size_t g = 1; g < G; g++) {
		x->survived += x->end[g];
		if (half)
			x->end[g] = clamp0(x->end[g] + half * M[g]);
	}
}

/* Step 3: births by mother's age into B; returns their sum. */
static double births(const struct dm_proj_in *in, size_t k, const struct sex_step *f, double *B)
{
	size_t G = in->groups;
	const double *rate = in->asfr + k * G;
	double total = 0;
	B[0] = 0;
	for (size_t g = 1; g < G; g++) {
		B[g] = in->n * rate[g] * (f->start[g] + f->end[g]) / 2;
		total += B[g];
	}
	return total;
}

/* Step 4 and the migrants left: the first group from the births, then M. */
static void first_group(const struct dm_proj_in *in, size_t k, int s, double born,
			struct sex_step *x)
{
	size_t G = in->groups;
	const double *M = in->mig[s] ? in->mig[s] + k * G : NULL;
	x->end[0] = born * in->surv[s][k * G];
	x->entered += born;
	x->survived += x->end[0];
	if (!M)
		return;
	if (in->migration == DM_MIG_EVEN) {
		x->end[0] = clamp0(x->end[0] + M[0] / 2);
		return;
	}
	for (size_t g = 0; g < G; g++)
		x->end[g] = clamp0(x->end[g] + M[g]);
}

static void one_step(const struct dm_proj_in *in, size_t k, struct dm_proj_out *out)
{
	size_t G = in->groups;
	struct sex_step x[2];
	for (int s = 0; s < 2; s++) {
		const double *P = k ? dm_proj_pop(out, k - 1, s) : in->pop[s];
		x[s].end = out->pop + (k * 2 + (size_t)s) * G;
		survive(in, k, s, P, &x[s]);
	}
	double total = births(in, k, &x[DM_FEMALE], out->births + k * G);
	double female = total / (1 + in->srb[k]);
	double born[2] = {[DM_MALE] = total - female, [DM_FEMALE] = female};
	for (int s = 0; s < 2; s++) {
		first_group(in, k, s, born[s], &x[s]);
		out->births_sex[k * 2 + (size_t)s] = born[s];
		out->deaths[k * 2 + (size_t)s] = x[s].entered - x[s].survived;
	}
}

void dm_proj_free(struct dm_proj_out *out)
{
	free(out->pop);
	free(out->births);
	free(out->births_sex);
	free(out->deaths);
	memset(out, 0, sizeof *out);
}

enum ds_rc dm_project(const struct dm_proj_in *in, struct dm_proj_out *out)
{
	memset(out, 0, sizeof *out);
	if (!inputs_ok(in))
		return DS_EINPUT;
	size_t G = in->groups, K = in->steps;
	out->groups = G;
	out->steps = K;
	out->pop = calloc(K * 2 * G, sizeof *out->pop);
	out->births = calloc(K * G, sizeof *out->births);
	out->births_sex = calloc(K * 2, sizeof *out->births_sex);
	out->deaths = calloc(K * 2, sizeof *out->deaths);
	if (!out->pop || !out->births || !out->births_sex || !out->deaths) {
		dm_proj_free(out);
		return DS_ENOMEM;
	}
	for (size_t k = 0; k < K; k++)
		one_step(in, k, out);
	return DS_OK;
}

/*
 * Sums the table's groups that make projection group [lo, lo + n) from
 * *i on; false when a table group straddles lo + n or the open group
 * starts inside it (*i is then the group at fault).
 */
static bool group_sum(const int *age, const double *L, size_t m, int lo, int n, size_t *i,
		      double *sum)
{
	*sum = 0;
	while (*i < m && age[*i] < lo + n) {
		if (*i + 1 == m)
			return false;
		*sum += L[(*i)++];
	}
	if (age[*i] != lo + n) {
		(*i)--;
		return false;
	}
	return true;
}

enum ds_why dm_ratios_from_L(const int *age, const double *L, size_t m, double l0, int n,
			     size_t groups, double *S, size_t *bad)
{
	for (size_t j = 0; j < m; j++) {
		*bad = j;
		if (!isfinite(L[j]))
			return W_NOT_A_NUMBER;
		if (L[j] < 0)
			return W_NEGATIVE;
	}
	size_t i = 0;
	double prev = 0, cur = 0;
	for (size_t g = 0; g + 1 < groups; g++) {
		if (!group_sum(age, L, m, (int)g * n, n, &i, &cur)) {
			*bad = i;
			return W_GROUPS_DO_NOT_FIT;
		}
		S[g] = g ? ratio(cur, prev) : cur / (n * l0);
		prev = cur;
	}
	double T = 0;
	for (size_t j = i; j < m; j++)
		T += L[j];
	S[groups - 1] = ratio(T, prev + T);
	return W_NONE;
}
