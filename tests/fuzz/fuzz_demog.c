/*
 * libFuzzer target: the other input files of `danso project --in DIR`
 * (demog/files.h): population.csv, migration.csv, survival.csv,
 * fertility.csv and params.csv, and a projection over what they accept.
 *
 * The first byte picks the file and the step width (bit 0: 1 or 5 years);
 * the rest is the file, read as it is and again behind the file's usual
 * header, so that mutations of the rows are not all stopped at the header.
 *
 * Invariants checked besides memory safety: an accepted population has at
 * least two groups, finite counts not below zero; an accepted fertility
 * schedule holds rates from 0 to 1, and zero outside ages 10-54; an
 * accepted SRB lies in 0.9-1.3; a projection of an accepted population
 * (or migration, survival, fertility, SRB, with defaults for the others)
 * runs and gives finite counts, births and deaths, no count below zero.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "demog/files.h"
#include "demog/project.h"

enum { F_POP, F_MIG, F_SURV, F_FERT, F_PARAMS, F_COUNT };
static const char *const names[F_COUNT] = {"population.csv", "migration.csv", "survival.csv",
					   "fertility.csv", "params.csv"};
static const char *const heads[F_COUNT] = {"sex,age,count\n", "sex,age,count\n", "sex,age,Lx\n",
					   "step,age,asfr\n", "name,value\n"};

#define G 8 /* groups of the defaults */

/* A projection over two steps with what was read, defaults for the rest. */
struct proj {
	int n;
	size_t groups;
	double pop[2][DM_GROUPS_MAX], mig[2][2 * DM_GROUPS_MAX], S[2][2 * DM_GROUPS_MAX];
	double asfr[2 * DM_GROUPS_MAX], srb[2];
	bool has_mig;
};

static void defaults(struct proj *p, int n)
{
	memset(p, 0, sizeof *p);
	p->n = n;
	p->groups = G;
	p->srb[0] = p->srb[1] = 1.1;
	for (int s = 0; s < 2; s++)
		for (size_t g = 0; g < 2 * DM_GROUPS_MAX; g++)
			p->S[s][g] = 0.95;
	for (int s = 0; s < 2; s++)
		for (size_t g = 0; g < G; g++)
			p->pop[s][g] = 100;
	for (size_t k = 0; k < 2; k++)
		p->asfr[k * G + 3] = 0.1;
}

static void run(const struct proj *p)
{
	size_t K = 2, n = K * p->groups * 2;
	struct dm_proj_in in = {.n = p->n, .groups = p->groups, .steps = K,
				.pop = {p->pop[0], p->pop[1]}, .surv = {p->S[0], p->S[1]},
				.asfr = p->asfr, .srb = p->srb,
				.mig = {p->has_mig ? p->mig[0] : NULL, p->has_mig ? p->mig[1] : NULL}};
	struct dm_proj_out out;
	if (dm_project(&in, &out) != DS_OK)
		__builtin_trap(); /* every input here keeps the contract */
	for (size_t i = 0; i < n; i++)
		if (!isfinite(out.pop[i]) || out.pop[i] < 0)
			__builtin_trap();
	for (size_t i = 0; i < K * 2; i++)
		if (!isfinite(out.deaths[i]) || !isfinite(out.births_sex[i]))
			__builtin_trap();
	dm_proj_free(&out);
}

/* Each reader takes its file into p (over the defaults); false when it refuses it. */
static bool counts(int file, const char *d, size_t size, struct proj *p, struct ds_problem *pb)
{
	struct dm_counts c;
	enum ds_rc rc = file == F_POP ? dm_read_population(d, size, names[file], p->n, &c, pb)
				      : dm_read_migration(d, size, names[file], p->n, G, &c, pb);
	if (rc != DS_OK)
		return false;
	if (file == F_POP && (c.groups < 2 || c.groups > DM_GROUPS_MAX))
		__builtin_trap();
	for (int s = 0; s < 2; s++) {
		for (size_t g = 0; g < c.groups; g++)
			if (!isfinite(c.v[s][g]) || (file == F_POP && c.v[s][g] < 0))
				__builtin_trap();
		if (file == F_MIG)
			for (size_t k = 0; k < 2; k++)
				memcpy(p->mig[s] + k * G, c.v[s], G * sizeof(double));
		else
			memcpy(p->pop[s], c.v[s], c.groups * sizeof(double));
	}
	p->has_mig = file == F_MIG;
	if (file == F_POP) {
		p->groups = c.groups;
		memset(p->asfr, 0, sizeof p->asfr); /* the defaults' rates may fall in group 0 */
	}
	return true;
}

static bool survival(const char *d, size_t size, struct proj *p, struct ds_problem *pb)
{
	struct dm_L_set *L = malloc(sizeof *L);
	double S[2][DM_GROUPS_MAX];
	bool ok = dm_read_survival(d, size, names[F_SURV], L, pb) == DS_OK &&
		  dm_L_ratios(L, p->n, G, S, pb) == DS_OK;
	for (int s = 0; s < 2 && ok; s++)
		for (size_t k = 0; k < 2; k++)
			memcpy(p->S[s] + k * G, S[s], G * sizeof(double));
	free(L);
	return ok;
}

static bool fertility(const char *d, size_t size, struct proj *p, struct ds_problem *pb)
{
	struct dm_fert f;
	if (dm_read_fertility(d, size, names[F_FERT], p->n, G, 2, &f, pb) != DS_OK)
		return false;
	for (size_t i = 0; i < 2 * G; i++) {
		int age = (int)(i % G) * p->n;
		double r = f.asfr[i];
		if (!(r >= 0 && r <= 1) || (r > 0 && (age < DM_FERT_LO || age + p->n - 1 > DM_FERT_HI)))
			__builtin_trap();
	}
	memcpy(p->asfr, f.asfr, 2 * G * sizeof(double));
	dm_fert_free(&f);
	return true;
}

static bool params(const char *d, size_t size, struct proj *p, struct ds_problem *pb)
{
	struct dm_params q;
	if (dm_read_params(d, size, names[F_PARAMS], &q, pb) != DS_OK)
		return false;
	if (!(q.srb >= DM_SRB_MIN && q.srb <= DM_SRB_MAX) || q.migration < -1 || q.migration > 1)
		__builtin_trap();
	p->srb[0] = p->srb[1] = q.srb;
	return true;
}

/* Reads the file behind head (which may be empty), then projects over what it accepted. */
static void one(int file, int n, const char *head, const uint8_t *data, size_t size)
{
	size_t h = strlen(head);
	/* Exactly these bytes, so that reading past them is caught. */
	char *d = malloc(h + size ? h + size : 1);
	struct proj *p = malloc(sizeof *p);
	struct ds_problem pb = {0};
	memcpy(d, head, h);
	memcpy(d + h, data, size);
	defaults(p, n);
	bool ok = file == F_POP || file == F_MIG ? counts(file, d, h + size, p, &pb)
		  : file == F_SURV		  ? survival(d, h + size, p, &pb)
		  : file == F_FERT		  ? fertility(d, h + size, p, &pb)
						  : params(d, h + size, p, &pb);
	if (ok)
		run(p);
	char msg[512];
	ds_problem_format(&pb, "vi", msg, sizeof msg);
	free(p);
	free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int file = (data[0] >> 1) % F_COUNT, n = data[0] & 1 ? 5 : 1;
	one(file, n, "", data + 1, size - 1);
	one(file, n, heads[file], data + 1, size - 1);
	return 0;
}
