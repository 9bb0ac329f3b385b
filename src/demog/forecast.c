/* A unit's projection from its register's counts: rates derived with their fallbacks, the scenario's paths, one-year steps, indicators. */
#include "demog/forecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "demog/brass.h"
#include "demog/project.h"

static const char *const source_codes[] = {
	[DM_SRC_REGISTER] = "register", [DM_SRC_SCALED] = "national-scaled",
	[DM_SRC_BRASS2] = "brass-2",    [DM_SRC_BRASS1] = "brass-1",
	[DM_SRC_NATIONAL] = "national",
};

const char *dm_fc_source_code(enum dm_fc_source s)
{
	return (unsigned)s <= DM_SRC_NATIONAL ? source_codes[s] : "?";
}

void dm_scenario_default(struct dm_scenario *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "base");
	s->migration = true;
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : NAN;
}

/* ---- the national schedules ---- */

#define NUM_MAX 40

static bool number(struct csv_field f, double *out)
{
	char s[NUM_MAX];
	if (f.n == 0 || f.n >= sizeof s)
		return false;
	for (size_t i = 0; i < f.n; i++)
		if (!f.p[i] || !strchr("0123456789.+-eE", f.p[i]))
			return false;
	memcpy(s, f.p, f.n);
	s[f.n] = '\0';
	char *end;
	*out = strtod(s, &end);
	return end == s + f.n && isfinite(*out) && *out >= 0;
}

/* Abridged rates by sex into single ages: each group's rate for each of its ages. */
static enum ds_rc read_mortality(const char *text, size_t len, struct dm_fc_national *n)
{
	static const char *const cols[] = {"age_from", "mx_male", "mx_female"};
	struct csv c;
	struct ds_problem pb;
	enum ds_rc rc = csv_open_mem(&c, text, len, "national mortality");
	if (!rc)
		rc = csv_header(&c, cols, 3, &pb);
	int age[DM_FC_AGES + 1];
	double mx[2][DM_FC_AGES + 1];
	size_t g = 0;
	int r;
	bool open = false;
	while (!rc && (r = csv_next(&c, &pb)) != 0) {
		double a;
		struct csv_field af = csv_col(&c, 0);
		/* The last group is written "100+". */
		bool plus = af.n > 1 && af.p[af.n - 1] == '+';
		af.n -= plus;
		if (r < 0 || g >= DM_FC_AGES || open || !number(af, &a) ||
		    !number(csv_col(&c, 1), &mx[0][g]) || !number(csv_col(&c, 2), &mx[1][g]) ||
		    a != floor(a) || a > DM_FC_AGES - 1 || (g ? a <= age[g - 1] : a != 0))
			rc = DS_EINPUT;
		else
			age[g++] = (int)a;
		open = plus;
	}
	csv_close(&c);
	if (!rc && (g < 2 || age[g - 1] != DM_FC_AGES - 1))
		rc = DS_EINPUT;
	for (size_t i = 0; !rc && i < g; i++) {
		int hi = i + 1 < g ? age[i + 1] : DM_FC_AGES;
		for (int x = age[i]; x < hi; x++)
			for (int s = 0; s < 2; s++)
				n->mx[s][x] = mx[s][i];
	}
	return rc;
}

static enum ds_rc read_fertility(const char *text, size_t len, struct dm_fc_national *n)
{
	static const char *const cols[] = {"age", "asfr_per_woman"};
	struct csv c;
	struct ds_problem pb;
	enum ds_rc rc = csv_open_mem(&c, text, len, "national fertility");
	if (!rc)
		rc = csv_header(&c, cols, 2, &pb);
	size_t g = 0;
	int r;
	while (!rc && (r = csv_next(&c, &pb)) != 0) {
		char want[8];
		int lo = DM_FC_ASFR0 + 5 * (int)g;
		snprintf(want, sizeof want, "%d-%d", lo, lo + 4);
		struct csv_field a = csv_col(&c, 0);
		if (r < 0 || g >= DM_FC_ASFR_GROUPS || a.n != strlen(want) || memcmp(a.p, want, a.n) ||
		    !number(csv_col(&c, 1), &n->asfr5[g]))
			rc = DS_EINPUT;
		else
			g++;
	}
	csv_close(&c);
	return !rc && g != DM_FC_ASFR_GROUPS ? DS_EINPUT : rc;
}

enum ds_rc dm_fc_national_parse(const char *mort, size_t mort_len, const char *fert,
				size_t fert_len, struct dm_fc_national *out)
{
	memset(out, 0, sizeof *out);
	enum ds_rc rc = read_mortality(mort, mort_len, out);
	if (!rc)
		rc = read_fertility(fert, fert_len, out);
	for (int s = 0; s < 2 && !rc; s++)
		if (dm_lt_single(&out->std[s], (enum dm_sex)s, out->mx[s], DM_FC_AGES) != W_NONE)
			rc = DS_EINPUT;
	return rc;
}

/* ---- deriving the rates ---- */

static void derive_fertility(const struct dm_fc_counts *c, const struct dm_fc_national *n,
			     struct dm_fc_derived *d)
{
	double B[DM_FC_ASFR_GROUPS] = {0}, E[DM_FC_ASFR_GROUPS] = {0};
	d->births = 0;
	for (int s = 0; s < 2; s++)
		for (int x = 0; x < DM_FC_MOTHERS; x++) {
			int g = (x + DM_FC_MOTHER0 - DM_FC_ASFR0) / 5;
			B[g < DM_FC_ASFR_GROUPS ? g : DM_FC_ASFR_GROUPS - 1] += c->births[s][x];
			d->births += c->births[s][x];
		}
	for (int g = 0; g < DM_FC_ASFR_GROUPS; g++)
		for (int x = DM_FC_ASFR0 + 5 * g; x < DM_FC_ASFR0 + 5 * g + 5; x++)
			E[g] += c->exposure[1][x];
	double expected = 0;
	for (int g = 0; g < DM_FC_ASFR_GROUPS; g++)
		expected += n->asfr5[g] * E[g];
	if (d->births >= DM_FC_BIRTHS_OWN) {
		d->fert_src = DM_SRC_REGISTER;
		for (int g = 0; g < DM_FC_ASFR_GROUPS; g++)
			d->asfr5[g] = E[g] > 0 ? B[g] / E[g] : 0;
	} else {
		/* Indirect standardisation: the nation's shape, the unit's births. */
		double k = d->births > 0 && expected > 0 ? d->births / expected : 1;
		d->fert_src = d->births > 0 && expected > 0 ? DM_SRC_SCALED : DM_SRC_NATIONAL;
		for (int g = 0; g < DM_FC_ASFR_GROUPS; g++)
			d->asfr5[g] = k * n->asfr5[g];
	}
	d->tfr = 0;
	memset(d->asfr, 0, sizeof d->asfr);
	for (int g = 0; g < DM_FC_ASFR_GROUPS; g++) {
		d->tfr += 5 * d->asfr5[g];
		for (int x = DM_FC_ASFR0 + 5 * g; x < DM_FC_ASFR0 + 5 * g + 5; x++)
			d->asfr[x] = d->asfr5[g];
	}
}

static void derive_srb(const struct dm_fc_counts *c, struct dm_fc_derived *d)
{
	d->births_sex[0] = d->births_sex[1] = 0;
	for (int s = 0; s < 2; s++)
		for (int x = 0; x < DM_FC_MOTHERS; x++)
			d->births_sex[s] += c->births[s][x];
	d->srb_register = ratio(d->births_sex[0], d->births_sex[1]);
	double all = d->births_sex[0] + d->births_sex[1];
	if (all >= DM_FC_BIRTHS_SRB && d->srb_register >= 0.9 && d->srb_register <= 1.3) {
		d->srb_src = DM_SRC_REGISTER;
		d->srb = d->srb_register;
	} else {
		d->srb_src = DM_SRC_NATIONAL;
		d->srb = DM_FC_SRB_NATIONAL;
	}
}

/* The abridged groups of the register's own rates: 0, 1-4, 5-9, ..., 95-99, 100+. */
static int group_end(int lo)
{
	return lo == 0 ? 1 : lo == 1 ? 5 : lo == DM_FC_AGES - 1 ? DM_FC_AGES : lo + 5;
}

static void own_rates(const struct dm_fc_counts *c, int s, const double *fitted,
		      struct dm_fc_derived *d)
{
	d->borrowed_groups[s] = 0;
	for (int lo = 0; lo < DM_FC_AGES; lo = group_end(lo)) {
		int hi = group_end(lo);
		double D = 0, E = 0;
		for (int x = lo; x < hi; x++) {
			D += c->deaths[s][x];
			E += c->exposure[s][x];
		}
		bool own = D > 0 && E >= 1;
		d->borrowed_groups[s] += !own;
		for (int x = lo; x < hi; x++)
			d->mx[s][x] = own ? D / E : fitted[x];
	}
}

static void derive_mortality(const struct dm_fc_counts *c, const struct dm_fc_national *n, int s,
			     struct dm_fc_derived *d)
{
	const struct dm_lt *std = &n->std[s];
	double D = 0, E = 0;
	for (int x = 0; x < DM_FC_AGES; x++) {
		D += c->deaths[s][x];
		E += c->exposure[s][x];
	}
	d->deaths[s] = D;
	d->exposure[s] = E;
	d->alpha[s] = 0;
	d->beta[s] = 1;
	d->borrowed_groups[s] = 0;
	if (!(D > 0) || E < 1) {
		d->mort_src[s] = DM_SRC_NATIONAL;
		memcpy(d->mx[s], n->mx[s], sizeof d->mx[s]);
	} else if (D < DM_FC_DEATHS_BRASS2) {
		d->mort_src[s] = DM_SRC_BRASS1;
		double a, b;
		dm_brass_fit(std, c->deaths[s], c->exposure[s], 1, &a, &b);
		d->alpha[s] = a * D / (D + DM_FC_SHRINK);
		dm_brass_mx(std, d->alpha[s], 1, d->mx[s]);
	} else {
		dm_brass_fit(std, c->deaths[s], c->exposure[s], 2, &d->alpha[s], &d->beta[s]);
		double fitted[DM_FC_AGES];
		dm_brass_mx(std, d->alpha[s], d->beta[s], fitted);
		if (D >= DM_FC_DEATHS_OWN) {
			d->mort_src[s] = DM_SRC_REGISTER;
			own_rates(c, s, fitted, d);
		} else {
			d->mort_src[s] = DM_SRC_BRASS2;
			memcpy(d->mx[s], fitted, sizeof fitted);
		}
	}
	/* The rates are finite and the open group's above zero by construction. */
	if (dm_lt_single(&d->table[s], (enum dm_sex)s, d->mx[s], DM_FC_AGES) != W_NONE) {
		d->mort_src[s] = DM_SRC_NATIONAL;
		memcpy(d->mx[s], n->mx[s], sizeof d->mx[s]);
		d->table[s] = *std;
	}
	d->e0[s] = d->table[s].ex[0];
}

void dm_fc_derive(const struct dm_fc_counts *c, const struct dm_fc_national *n,
		  struct dm_fc_derived *d)
{
	memset(d, 0, sizeof *d);
	d->years = c->years > 0 ? c->years : 1;
	derive_fertility(c, n, d);
	derive_srb(c, d);
	for (int s = 0; s < 2; s++)
		derive_mortality(c, n, s, d);
	d->net_migration = 0;
	for (int s = 0; s < 2; s++)
		for (int x = 0; x < DM_FC_AGES; x++) {
			d->mig[s][x] = (c->in[s][x] - c->out[s][x]) / d->years;
			d->net_migration += d->mig[s][x];
		}
}

/* ---- projecting ---- */

/* A path's value in the step ending k years after the base: a straight line to the target year, then held. */
static double path(double from, double to, int base_year, int year, int k)
{
	if (year <= base_year || k >= year - base_year)
		return to;
	return from + (to - from) * k / (year - base_year);
}

/* The per-step arrays dm_project takes, and their rates for the output. */
struct steps {
	size_t K;
	double *surv[2], *asfr, *srb, *mig[2];
	double *tfr, *e0[2];
};

static void steps_free(struct steps *p)
{
	for (int s = 0; s < 2; s++) {
		free(p->surv[s]);
		free(p->mig[s]);
		free(p->e0[s]);
	}
	free(p->asfr);
	free(p->srb);
	free(p->tfr);
}

static enum ds_rc steps_alloc(struct steps *p, size_t K)
{
	memset(p, 0, sizeof *p);
	p->K = K;
	size_t G = DM_FC_AGES;
	p->asfr = calloc(K * G, sizeof *p->asfr);
	p->srb = calloc(K, sizeof *p->srb);
	p->tfr = calloc(K, sizeof *p->tfr);
	bool ok = p->asfr && p->srb && p->tfr;
	for (int s = 0; s < 2; s++) {
		p->surv[s] = calloc(K * G, sizeof *p->surv[s]);
		p->mig[s] = calloc(K * G, sizeof *p->mig[s]);
		p->e0[s] = calloc(K, sizeof *p->e0[s]);
		ok = ok && p->surv[s] && p->mig[s] && p->e0[s];
	}
	return ok ? DS_OK : DS_ENOMEM;
}

/* Step k's survival ratios of sex s: the base table's, or the one moved to the path's e0. */
static void step_mortality(struct dm_forecast *f, struct steps *p, size_t k, int s)
{
	const struct dm_fc_derived *d = &f->d;
	double *S = p->surv[s] + k * DM_FC_AGES;
	if (f->sc.e0_gain == 0) {
		memcpy(S, d->table[s].Sx, DM_FC_AGES * sizeof *S);
		p->e0[s][k] = d->e0[s];
		return;
	}
	double want = d->e0[s] + f->sc.e0_gain * (double)(k + 1), mx[DM_FC_AGES], alpha;
	double got = dm_brass_e0(&d->table[s], want, mx, &alpha);
	struct dm_lt t;
	if (isnan(got) || dm_lt_single(&t, (enum dm_sex)s, mx, DM_FC_AGES) != W_NONE) {
		t = d->table[s];
		got = d->e0[s];
	}
	if (fabs(got - want) > 1e-6)
		f->e0_held = true;
	memcpy(S, t.Sx, DM_FC_AGES * sizeof *S);
	p->e0[s][k] = t.ex[0];
}

static void fill_steps(struct dm_forecast *f, struct steps *p)
{
	const struct dm_fc_derived *d = &f->d;
	const struct dm_scenario *sc = &f->sc;
	size_t G = DM_FC_AGES;
	for (size_t k = 0; k < p->K; k++) {
		int kk = (int)k + 1;
		double tfr = sc->tfr_set ? path(d->tfr, sc->tfr, f->base_year, sc->tfr_year, kk) : d->tfr;
		/* The schedule's shape is kept; d->tfr is above zero (the national one at worst). */
		double scale = d->tfr > 0 ? tfr / d->tfr : 0;
		for (size_t x = 0; x < G; x++)
			p->asfr[k * G + x] = d->asfr[x] * scale;
		p->tfr[k] = d->tfr > 0 ? tfr : 0;
		p->srb[k] = sc->srb_set ? path(d->srb, sc->srb, f->base_year, sc->srb_year, kk) : d->srb;
		for (int s = 0; s < 2; s++) {
			step_mortality(f, p, k, s);
			for (size_t x = 0; x < G; x++)
				p->mig[s][k * G + x] = d->mig[s][x];
		}
	}
}

static enum ds_why check_request(const struct dm_scenario *sc, int base_year, int horizon,
				 const char **field)
{
	if (horizon <= base_year) {
		*field = "to";
		return W_HORIZON_BEFORE_BASE;
	}
	if (horizon - base_year > DM_FC_STEPS_MAX) {
		*field = "to";
		return W_OUT_OF_RANGE;
	}
	if (sc->tfr_set && sc->tfr_year < base_year) {
		*field = "scenario.tfr.year";
		return W_PATH_BEFORE_BASE;
	}
	if (sc->srb_set && sc->srb_year < base_year) {
		*field = "scenario.srb.year";
		return W_PATH_BEFORE_BASE;
	}
	return W_NONE;
}

static void fill_years(struct dm_forecast *f, const struct dm_fc_counts *c, const struct steps *p,
		       const struct dm_proj_out *o)
{
	struct dm_fc_year *y0 = &f->y[0];
	y0->year = f->base_year;
	memcpy(y0->pop, c->pop, sizeof y0->pop);
	y0->births = y0->births_sex[0] = y0->births_sex[1] = y0->deaths[0] = y0->deaths[1] = NAN;
	y0->tfr = f->d.tfr;
	y0->srb = f->d.srb;
	y0->e0[0] = f->d.e0[0];
	y0->e0[1] = f->d.e0[1];
	for (size_t k = 0; k < p->K; k++) {
		struct dm_fc_year *y = &f->y[k + 1];
		y->year = f->base_year + (int)k + 1;
		for (int s = 0; s < 2; s++) {
			memcpy(y->pop[s], dm_proj_pop(o, k, s), sizeof y->pop[s]);
			y->births_sex[s] = o->births_sex[k * 2 + (size_t)s];
			y->deaths[s] = o->deaths[k * 2 + (size_t)s];
			y->e0[s] = p->e0[s][k];
		}
		y->births = y->births_sex[0] + y->births_sex[1];
		y->tfr = p->tfr[k];
		y->srb = p->srb[k];
	}
}

enum ds_rc dm_forecast_run(const struct dm_fc_counts *c, const struct dm_fc_national *n,
			   const struct dm_scenario *sc, int base_year, int horizon,
			   struct dm_forecast *f, const char **field, enum ds_why *why)
{
	memset(f, 0, sizeof *f);
	*field = NULL;
	if ((*why = check_request(sc, base_year, horizon, field)) != W_NONE)
		return DS_EINPUT;
	f->sc = *sc;
	f->base_year = base_year;
	dm_fc_derive(c, n, &f->d);
	size_t K = (size_t)(horizon - base_year);
	struct steps p;
	struct dm_proj_out o = {0};
	enum ds_rc rc = steps_alloc(&p, K);
	if (!rc && !(f->y = calloc(K + 1, sizeof *f->y)))
		rc = DS_ENOMEM;
	if (rc)
		goto out;
	f->nyears = K + 1;
	fill_steps(f, &p);
	struct dm_proj_in in = {
		.n = 1, .groups = DM_FC_AGES, .steps = K, .migration = DM_MIG_EVEN,
		.pop = {c->pop[0], c->pop[1]},
		.surv = {p.surv[0], p.surv[1]},
		.asfr = p.asfr, .srb = p.srb,
		.mig = {sc->migration ? p.mig[0] : NULL, sc->migration ? p.mig[1] : NULL},
	};
	rc = dm_project(&in, &o);
	if (!rc)
		fill_years(f, c, &p, &o);
out:
	dm_proj_free(&o);
	steps_free(&p);
	if (rc) {
		free(f->y);
		f->y = NULL;
		f->nyears = 0;
	}
	return rc;
}

void dm_forecast_free(struct dm_forecast *f)
{
	free(f->y);
	f->y = NULL;
	f->nyears = 0;
}

/* ---- indicators ---- */

double dm_fc_sum(const struct dm_fc_year *y, int s, int lo, int hi)
{
	double v = 0;
	for (int x = lo; x <= hi && x < DM_FC_AGES; x++)
		v += s == 2 ? y->pop[0][x] + y->pop[1][x] : y->pop[s][x];
	return v;
}

void dm_fc_indicators(const struct dm_fc_year *y, struct dm_fc_ind *out)
{
	out->male = dm_fc_sum(y, 0, 0, 100);
	out->female = dm_fc_sum(y, 1, 0, 100);
	out->total = out->male + out->female;
	double young = dm_fc_sum(y, 2, 0, 14), working = dm_fc_sum(y, 2, 15, 64);
	double old65 = dm_fc_sum(y, 2, 65, 100), old60 = dm_fc_sum(y, 2, 60, 100);
	out->dependency = ratio(young + old65, working) * 100;
	out->ageing = ratio(old60, young) * 100;
	out->share60 = ratio(old60, out->total) * 100;
}
