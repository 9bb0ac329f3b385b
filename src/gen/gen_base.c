/*
 * The baseline register: households and persons as of the start date.
 *
 * The age-sex structure comes first and is exact: the persons are drawn
 * as quotas of the national structure (largest remainders), so that every
 * five-year group has its share.  Households are then assembled from
 * those persons, never the other way round:
 *
 *   1. marital status by age and sex; married women are paired with
 *      married men a few years older (some spouses live elsewhere);
 *   2. every couple, and every woman or man who was ever married, is a
 *      family unit; children (and many unmarried young adults) are given
 *      to mothers of a plausible age, one age per child;
 *   3. units become households; to reach about 3.8 persons a household,
 *      some young couples live with the husband's parents, some elderly
 *      with a child's family (three generations), some single adults with
 *      relatives; a few single adults share collective households; the
 *      remaining singles live alone;
 *   4. households are shuffled and dealt to the areas, persons numbered in
 *      household order, head first.
 *
 * A few persons are then recorded a second time (gen.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "gen/gen_int.h"

#define NONE UINT32_MAX
#define PERSONS_PER_HOUSEHOLD 3.8
#define MAX_KIDS 7

struct ind {
	uint8_t sex, age, marital, rel;
	uint8_t fam, attach; /* attach: 0, or 1 single / 2 orphan attached to unit */
	uint8_t pad[2];
	uint32_t unit;   /* the unit it belongs to (as spouse, child or attachee) */
	uint32_t spouse; /* ind */
	uint32_t next;   /* next child of the unit */
	uint32_t hh;
};

enum { U_ROOT = 0, U_MERGED_YOUNG = 1, U_MERGED_ELDER = 2 };

struct unit {
	uint32_t wife, husband; /* ind or NONE */
	uint32_t kids;          /* first child, linked through ind.next */
	uint64_t agemask;       /* ages of the children under 64 */
	uint32_t host;          /* unit it joined, when merged */
	uint32_t hh;
	uint8_t nkids, kfam, state;
	uint8_t has_young, has_elder, young_heads; /* young_heads: the young husband is head */
	uint8_t head_wife;                          /* the wife is head of a root unit */
};

enum { R_UNIT, R_SINGLE, R_COLLECTIVE };

struct root {
	uint8_t kind;
	uint32_t idx; /* unit, ind, or collective number */
};

struct base {
	struct ind *in;
	size_t n;
	struct unit *un;
	size_t nu, ucap;
	struct root *roots;
	size_t nroots, rcap;
	uint32_t *coll_start; /* collective c: members coll_members[coll_start[c]..[c+1]) */
	uint32_t *coll_members;
	size_t ncoll;
	uint32_t *pidx;       /* ind -> person index */
	uint8_t *hh_eth;
};

/* ---- helpers shared with the simulation ---- */

bool gen_person_room(struct gen *g)
{
	return ds_grow(&g->p, sizeof *g->p, &g->pcap, g->np, 1024);
}

bool gen_household_room(struct gen *g)
{
	return ds_grow(&g->h, sizeof *g->h, &g->hcap, g->nh, 1024);
}

void gen_hh_add(struct gen *g, uint32_t h, uint32_t i)
{
	g->p[i].hh = h;
	g->p[i].next = 0;
	uint32_t *link = &g->h[h].first;
	while (*link)
		link = &g->p[*link - 1].next;
	*link = i + 1;
	if (!(g->p[i].flags & GP_GHOST))
		g->h[h].members++;
}

void gen_hh_remove(struct gen *g, uint32_t h, uint32_t i)
{
	uint32_t *link = &g->h[h].first;
	while (*link && *link != i + 1)
		link = &g->p[*link - 1].next;
	if (*link) {
		*link = g->p[i].next;
		g->p[i].next = 0;
		if (!(g->p[i].flags & GP_GHOST) && g->h[h].members)
			g->h[h].members--;
	}
}

bool gen_nid_possible(int32_t birth)
{
	int y, m, d;
	day_to_ymd(birth, &y, &m, &d);
	return y >= 1900 && y <= 2099;
}

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/*
 * A keyed permutation of [0, half^2): a Feistel network on the two halves,
 * so that numbers handed out in sequence look random and never repeat.
 */
static uint64_t dec_perm(uint64_t x, uint64_t half, uint64_t key)
{
	uint64_t l = x / half, r = x % half;
	for (uint64_t round = 0; round < 4; round++) {
		uint64_t t = (l + mix64(r ^ key ^ (round << 56)) % half) % half;
		l = r;
		r = t;
	}
	return l * half + r;
}

void gen_put_nid(struct gen *g, struct gbuf *b, int province, int sex, int32_t birth)
{
	int y, m, d;
	day_to_ymd(birth, &y, &m, &d);
	int century = y >= 2000 ? 2 : 0;
	int digit = century + (sex == 2);
	size_t k = ((size_t)province * 4 + (size_t)digit) * 100 + (size_t)(y % 100);
	uint32_t seq = g->nid_next[k]++;
	gb_u0(b, (uint64_t)province, 3);
	gb_putc(b, (char)('0' + digit));
	gb_u0(b, (uint64_t)(y % 100), 2);
	gb_u0(b, dec_perm(seq % 1000000u, 1000, mix64(g->o->seed) ^ k), 6);
}

bool gen_plant_nid(struct gen *g, struct gbuf *b, uint32_t i)
{
	/* A hash of the seed and the person, not the PRNG, chooses: what is
	 * not planted stays as it is.  The spoilt id is numbered in the
	 * bucket of the sex or year it shows, so that it is still unique. */
	uint64_t h = mix64(mix64(g->o->seed ^ 0x6e6964ull) ^ i);
	if (h % 200 != 0 ||
	    !ds_grow(&g->badnid, sizeof *g->badnid, &g->badnidcap, g->nbadnid, 256))
		return false;
	const struct gperson *p = &g->p[i];
	unsigned kind = (unsigned)(h >> 32) & 1;
	int sex = p->sex;
	int32_t birth = p->birth;
	if (kind == 0) {
		sex = 3 - sex;
	} else {
		int y, m, d;
		day_to_ymd(birth, &y, &m, &d);
		/* Another year of the same century, as a slip of the pen makes it. */
		int yy = (y % 100 + 1 + (int)((h >> 40) % 9)) % 100;
		birth = day_from_ymd(y - y % 100 + yy, 1, 1);
	}
	gen_put_nid(g, b, g->province, sex, birth);
	g->badnid[g->nbadnid++] = i << 1 | kind;
	return true;
}

void gen_put_ins(struct gen *g, struct gbuf *b)
{
	uint64_t seq = g->ins_next++;
	gb_u0(b, (uint64_t)g->province, 2);
	gb_u0(b, dec_perm(seq % 100000000u, 10000, mix64(g->o->seed + 1)), 8);
}

void gen_put_person_name(struct gbuf *b, const struct gperson *p)
{
	gen_put_name(b, p->fam, p->sex, p->mid, p->mid2, p->giv);
}

/* ---- 1. the persons by age and sex ---- */

static enum ds_rc draw_persons(struct gen *g, struct base *b, size_t n)
{
	double total = 0;
	for (int s = 0; s < 2; s++)
		for (int k = 0; k < GEN_AGE_GROUPS; k++)
			total += g->ref.pop[s][k];
	/* Largest remainders: the counts add up to n exactly. */
	size_t cnt[2][GEN_AGE_GROUPS], given = 0;
	double rem[2][GEN_AGE_GROUPS];
	for (int s = 0; s < 2; s++)
		for (int k = 0; k < GEN_AGE_GROUPS; k++) {
			double e = (double)n * g->ref.pop[s][k] / total;
			cnt[s][k] = (size_t)e;
			rem[s][k] = e - (double)cnt[s][k];
			given += cnt[s][k];
		}
	while (given < n) {
		int bs = 0, bk = 0;
		for (int s = 0; s < 2; s++)
			for (int k = 0; k < GEN_AGE_GROUPS; k++)
				if (rem[s][k] > rem[bs][bk])
					bs = s, bk = k;
		cnt[bs][bk]++;
		rem[bs][bk] = -1;
		given++;
	}
	b->in = calloc(n, sizeof *b->in);
	if (!b->in)
		return DS_ENOMEM;
	b->n = n;
	static const double old_w[5] = {50, 25, 13, 7, 5};
	size_t i = 0;
	for (int s = 0; s < 2; s++)
		for (int k = 0; k < GEN_AGE_GROUPS; k++)
			for (size_t j = 0; j < cnt[s][k]; j++, i++) {
				struct ind *p = &b->in[i];
				p->sex = (uint8_t)(s + 1);
				p->age = (uint8_t)(k < 20 ? 5 * k + grng_range(&g->r, 0, 4)
						      : 100 + grng_pick(&g->r, old_w, 5));
				p->unit = p->spouse = p->next = p->hh = NONE;
			}
	return DS_OK;
}

/* ---- 2. marital status and couples ---- */

static double ever_married(int sex, int age)
{
	static const double w[] = {0.03, 0.12, 0.42, 0.76, 0.89, 0.93, 0.95, 0.96};
	static const double m[] = {0.0, 0.02, 0.18, 0.56, 0.83, 0.92, 0.95, 0.97};
	const double *t = sex == 2 ? w : m;
	if (age < (sex == 2 ? 16 : 18))
		return 0;
	int k = age < 18 ? 0 : age < 20 ? 1 : age < 25 ? 2 : age < 30 ? 3 : age < 35 ? 4 : age < 40 ? 5
		: age < 50 ? 6 : 7;
	return t[k];
}

static double widowed_share(int sex, int age)
{
	static const double w[] = {0.005, 0.01, 0.03, 0.08, 0.2, 0.42, 0.65, 0.8};
	static const double m[] = {0.002, 0.003, 0.008, 0.02, 0.05, 0.12, 0.25, 0.4};
	int k = age < 30 ? 0 : age < 40 ? 1 : age < 50 ? 2 : age < 60 ? 3 : age < 70 ? 4 : age < 80 ? 5
		: age < 90 ? 6 : 7;
	return (sex == 2 ? w : m)[k];
}

static uint8_t draw_marital(struct grng *r, int sex, int age)
{
	if (!grng_chance(r, ever_married(sex, age)))
		return 1;
	double x = grng_f(r), wd = widowed_share(sex, age);
	double dv = age >= 25 && age < 60 ? (sex == 2 ? 0.025 : 0.015) : 0.01;
	if (x < wd)
		return 3;
	if (x < wd + dv)
		return 4;
	if (x < wd + dv + 0.008)
		return 5;
	return 2;
}

/* Pools of persons by single year of age: segment [start[a], start[a] + cnt[a]). */
struct pool {
	uint32_t *v;
	uint32_t start[GEN_MAX_AGE + 2], cnt[GEN_MAX_AGE + 1];
};

static enum ds_rc pool_build(struct pool *pl, const struct base *b, bool (*want)(const struct ind *),
			     bool by_unit)
{
	memset(pl, 0, sizeof *pl);
	size_t total = 0;
	size_t n = by_unit ? b->nu : b->n;
	for (size_t i = 0; i < n; i++) {
		const struct ind *p = by_unit ? NULL : &b->in[i];
		if (by_unit) {
			uint32_t w = b->un[i].wife;
			if (w == NONE)
				continue;
			p = &b->in[w];
		} else if (!want(p)) {
			continue;
		}
		pl->cnt[p->age]++;
		total++;
	}
	pl->v = malloc((total + 1) * sizeof *pl->v);
	if (!pl->v)
		return DS_ENOMEM;
	uint32_t s = 0;
	for (int a = 0; a <= GEN_MAX_AGE; a++) {
		pl->start[a] = s;
		s += pl->cnt[a];
		pl->cnt[a] = 0;
	}
	pl->start[GEN_MAX_AGE + 1] = s;
	for (size_t i = 0; i < n; i++) {
		const struct ind *p;
		if (by_unit) {
			if (b->un[i].wife == NONE)
				continue;
			p = &b->in[b->un[i].wife];
		} else {
			p = &b->in[i];
			if (!want(p))
				continue;
		}
		pl->v[pl->start[p->age] + pl->cnt[p->age]++] = (uint32_t)i;
	}
	return DS_OK;
}

/* Takes a random member aged a out of the pool; NONE when empty. */
static uint32_t pool_take(struct pool *pl, struct grng *r, int a)
{
	if (a < 0 || a > GEN_MAX_AGE || !pl->cnt[a])
		return NONE;
	uint32_t k = grng_below(r, pl->cnt[a]);
	uint32_t *seg = pl->v + pl->start[a];
	uint32_t x = seg[k];
	seg[k] = seg[--pl->cnt[a]];
	return x;
}

/* A random member aged a, left in the pool (its slot k returned). */
static uint32_t pool_peek(struct pool *pl, struct grng *r, int a, uint32_t *k)
{
	if (a < 0 || a > GEN_MAX_AGE || !pl->cnt[a])
		return NONE;
	*k = grng_below(r, pl->cnt[a]);
	return pl->v[pl->start[a] + *k];
}

static void pool_drop(struct pool *pl, int a, uint32_t k)
{
	uint32_t *seg = pl->v + pl->start[a];
	seg[k] = seg[--pl->cnt[a]];
}

static bool is_married_man(const struct ind *p)
{
	return p->sex == 1 && p->marital == 2;
}

static bool unit_room(struct base *b)
{
	return ds_grow(&b->un, sizeof *b->un, &b->ucap, b->nu, 4096);
}

static uint32_t new_unit(struct base *b, uint32_t wife, uint32_t husband)
{
	struct unit *u = &b->un[b->nu];
	memset(u, 0, sizeof *u);
	u->wife = wife;
	u->husband = husband;
	u->kids = u->host = u->hh = NONE;
	if (wife != NONE)
		b->in[wife].unit = (uint32_t)b->nu;
	if (husband != NONE)
		b->in[husband].unit = (uint32_t)b->nu;
	return (uint32_t)b->nu++;
}

static void shuffle(struct grng *r, uint32_t *v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		uint32_t j = grng_below(r, (uint32_t)i);
		uint32_t t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* Husbands are mostly a few years older than their wives. */
static int draw_age_gap(struct grng *r)
{
	static const double w[16] = {1, 2, 4, 7, 9, 11, 12, 11, 10, 8, 6, 5, 4, 3, 2, 2};
	return grng_pick(r, w, 16) - 3;
}

static enum ds_rc make_couples(struct gen *g, struct base *b)
{
	for (size_t i = 0; i < b->n; i++)
		b->in[i].marital = draw_marital(&g->r, b->in[i].sex, b->in[i].age);
	struct pool men;
	enum ds_rc rc = pool_build(&men, b, is_married_man, false);
	if (rc)
		return rc;
	size_t nw = 0;
	uint32_t *wives = malloc((b->n + 1) * sizeof *wives);
	if (!wives) {
		free(men.v);
		return DS_ENOMEM;
	}
	for (size_t i = 0; i < b->n; i++)
		if (b->in[i].sex == 2 && b->in[i].marital == 2)
			wives[nw++] = (uint32_t)i;
	shuffle(&g->r, wives, nw);
	for (size_t k = 0; k < nw && !rc; k++) {
		struct ind *w = &b->in[wives[k]];
		int want = w->age + draw_age_gap(&g->r);
		if (want < 18)
			want = 18;
		uint32_t h = NONE;
		for (int d = 0; d <= 5 && h == NONE; d++) {
			h = pool_take(&men, &g->r, want + d);
			if (h == NONE && d)
				h = pool_take(&men, &g->r, want - d);
		}
		if (!unit_room(b)) {
			rc = DS_ENOMEM;
			break;
		}
		if (h != NONE) {
			w->spouse = h;
			b->in[h].spouse = wives[k];
		}
		new_unit(b, wives[k], h);
	}
	free(wives);
	free(men.v);
	if (rc)
		return rc;
	/* Everyone else who was ever married heads a unit of their own. */
	for (size_t i = 0; i < b->n; i++) {
		struct ind *p = &b->in[i];
		if (p->marital == 1 || p->unit != NONE)
			continue;
		if (p->marital == 2 && p->sex == 1 && grng_chance(&g->r, 0.5))
			p->marital = p->age < 30 ? 1 : 4; /* fewer husbands whose wife lives elsewhere */
		if (p->marital == 1)
			continue;
		if (!unit_room(b))
			return DS_ENOMEM;
		if (p->sex == 2)
			new_unit(b, (uint32_t)i, NONE);
		else
			new_unit(b, NONE, (uint32_t)i);
	}
	return DS_OK;
}

/* ---- children to mothers ---- */

/* Chance that a never-married person of this age lives with a parent. */
static double stays_home(int age)
{
	return age < 18 ? 1.0 : age < 23 ? 0.85 : age < 30 ? 0.6 : age < 40 ? 0.35 : age < 50 ? 0.15 : 0;
}

/* A mother's age at a birth, from the fertility schedule. */
static int draw_mother_gap(struct gen *g)
{
	double w[35];
	for (int a = 15; a < 50; a++)
		w[a - 15] = g->ref.asfr[(a - 10) / 5];
	return 15 + grng_pick(&g->r, w, 35);
}

static bool try_mother(struct base *b, struct grng *r, struct pool *mothers, int a, uint32_t kid)
{
	uint32_t k;
	uint32_t u = pool_peek(mothers, r, a, &k);
	if (u == NONE)
		return false;
	struct unit *un = &b->un[u];
	int age = b->in[kid].age;
	bool twin = age < 64 && (un->agemask >> age & 1);
	if (twin && !grng_chance(r, 0.03))
		return false;
	b->in[kid].unit = u;
	b->in[kid].next = un->kids;
	un->kids = kid;
	if (age < 64)
		un->agemask |= 1ull << age;
	if (++un->nkids >= MAX_KIDS)
		pool_drop(mothers, a, k);
	return true;
}

static enum ds_rc assign_children(struct gen *g, struct base *b, uint32_t **orphans, size_t *norph)
{
	struct pool mothers;
	enum ds_rc rc = pool_build(&mothers, b, NULL, true);
	if (rc)
		return rc;
	uint32_t *kids = malloc((b->n + 1) * sizeof *kids);
	*orphans = malloc((b->n + 1) * sizeof **orphans);
	*norph = 0;
	if (!kids || !*orphans) {
		free(kids);
		free(mothers.v);
		return DS_ENOMEM;
	}
	size_t nk = 0;
	for (size_t i = 0; i < b->n; i++)
		if (b->in[i].marital == 1 && grng_chance(&g->r, stays_home(b->in[i].age)))
			kids[nk++] = (uint32_t)i;
	shuffle(&g->r, kids, nk);
	for (size_t k = 0; k < nk; k++) {
		uint32_t kid = kids[k];
		int want = b->in[kid].age + draw_mother_gap(g);
		bool done = false;
		for (int d = 0; d <= 4 && !done; d++) {
			done = try_mother(b, &g->r, &mothers, want + d, kid) ||
			       (d && try_mother(b, &g->r, &mothers, want - d, kid));
			if (!done && want + d - b->in[kid].age > 49)
				break;
		}
		/* Children without a mother live with grandparents or relatives;
		 * adults without one live on their own. */
		if (!done && b->in[kid].age < 18)
			(*orphans)[(*norph)++] = kid;
	}
	free(kids);
	free(mothers.v);
	return DS_OK;
}

/* ---- 3. households ---- */

static bool root_room(struct base *b)
{
	return ds_grow(&b->roots, sizeof *b->roots, &b->rcap, b->nroots, 4096);
}

static int unit_age(const struct base *b, const struct unit *u)
{
	int a = u->wife != NONE ? b->in[u->wife].age : 0;
	if (u->husband != NONE && b->in[u->husband].age > a)
		a = b->in[u->husband].age;
	return a;
}

/* Finds a root unit whose wife is aged in [lo, hi] and which `ok` accepts. */
static uint32_t find_host(struct base *b, struct grng *r, struct pool *hosts, int lo, int hi,
			  uint32_t self, int kind)
{
	if (lo < 15)
		lo = 15;
	if (hi > GEN_MAX_AGE)
		hi = GEN_MAX_AGE;
	for (int tries = 0; tries < 6 && lo <= hi; tries++) {
		int a = grng_range(r, lo, hi);
		uint32_t k;
		uint32_t h = pool_peek(hosts, r, a, &k);
		if (h == NONE || h == self)
			continue;
		struct unit *u = &b->un[h];
		if (u->state != U_ROOT || u->has_young || u->has_elder) {
			pool_drop(hosts, a, k);
			continue;
		}
		if (kind == U_MERGED_ELDER && unit_age(b, u) >= 60)
			continue;
		return h;
	}
	return NONE;
}

static bool single_alone(const struct ind *p)
{
	return p->marital == 1 && p->unit == NONE && p->age >= 15;
}

/* Collective households: groups of single adults. */
static enum ds_rc make_collectives(struct gen *g, struct base *b, size_t target)
{
	uint32_t *cand = malloc((b->n + 1) * sizeof *cand);
	b->coll_start = malloc((target + 2) * sizeof *b->coll_start);
	b->coll_members = malloc((b->n + 1) * sizeof *b->coll_members);
	if (!cand || !b->coll_start || !b->coll_members) {
		free(cand);
		return DS_ENOMEM;
	}
	size_t nc = 0, used = 0;
	for (size_t i = 0; i < b->n; i++)
		if (single_alone(&b->in[i]) && b->in[i].age >= 18 && b->in[i].age < 60)
			cand[nc++] = (uint32_t)i;
	shuffle(&g->r, cand, nc);
	b->ncoll = 0;
	b->coll_start[0] = 0;
	while (b->ncoll < target) {
		size_t size = (size_t)grng_range(&g->r, 4, 15);
		if (used + size > nc / 2)
			break;
		for (size_t k = 0; k < size; k++) {
			uint32_t i = cand[used++];
			b->in[i].attach = 3;
			b->coll_members[b->coll_start[b->ncoll] + k] = i;
		}
		b->ncoll++;
		b->coll_start[b->ncoll] = b->coll_start[b->ncoll - 1] + (uint32_t)size;
	}
	free(cand);
	return DS_OK;
}

static enum ds_rc make_households(struct gen *g, struct base *b, const uint32_t *orphans,
				  size_t norph)
{
	size_t target = (size_t)((double)b->n / PERSONS_PER_HOUSEHOLD + 0.5);
	if (target < 1)
		target = 1;
	enum ds_rc rc = make_collectives(g, b, (target + 100) / 200);
	if (rc)
		return rc;
	size_t singles = 0, elders = 0, young = 0;
	for (size_t i = 0; i < b->n; i++)
		singles += single_alone(&b->in[i]) && !b->in[i].attach;
	for (size_t u = 0; u < b->nu; u++) {
		struct unit *un = &b->un[u];
		int a = unit_age(b, un);
		if (un->nkids == 0 && a >= 60)
			elders++;
		else if (un->wife != NONE && un->husband != NONE && b->in[un->husband].age <= 34)
			young++;
	}
	size_t count = b->nu + singles + b->ncoll;
	double f = 0;
	if (count > target && singles + elders + young)
		f = fmin(0.9, 1.3 * (double)(count - target) / (double)(singles + elders + young));
	struct pool hosts;
	if ((rc = pool_build(&hosts, b, NULL, true)))
		return rc;
	/* Young couples with the husband's parents. */
	for (size_t u = 0; u < b->nu; u++) {
		struct unit *un = &b->un[u];
		if (un->wife == NONE || un->husband == NONE || b->in[un->husband].age > 34 ||
		    un->state != U_ROOT || un->has_young || un->has_elder || !grng_chance(&g->r, f))
			continue;
		int h = b->in[un->husband].age;
		uint32_t host = find_host(b, &g->r, &hosts, h + 19, h + 40, (uint32_t)u, U_MERGED_YOUNG);
		if (host == NONE)
			continue;
		un->state = U_MERGED_YOUNG;
		un->host = host;
		b->un[host].has_young = 1;
		b->un[host].young_heads = grng_chance(&g->r, 0.4) && unit_age(b, &b->un[host]) >= 60;
	}
	/* Elderly with a child's family. */
	for (size_t u = 0; u < b->nu; u++) {
		struct unit *un = &b->un[u];
		int a = unit_age(b, un);
		if (un->nkids || a < 60 || un->state != U_ROOT || un->has_young || un->has_elder ||
		    !grng_chance(&g->r, f))
			continue;
		uint32_t host = find_host(b, &g->r, &hosts, a - 40, a - 20, (uint32_t)u, U_MERGED_ELDER);
		if (host == NONE)
			continue;
		un->state = U_MERGED_ELDER;
		un->host = host;
		b->un[host].has_elder = 1;
	}
	/* Single adults with relatives; orphans with grandparents. */
	size_t nroot_units = 0;
	uint32_t *roots = malloc((b->nu + 1) * sizeof *roots);
	if (!roots) {
		free(hosts.v);
		return DS_ENOMEM;
	}
	for (size_t u = 0; u < b->nu; u++)
		if (b->un[u].state == U_ROOT)
			roots[nroot_units++] = (uint32_t)u;
	for (size_t i = 0; i < b->n && nroot_units; i++) {
		struct ind *p = &b->in[i];
		if (single_alone(p) && !p->attach && grng_chance(&g->r, f)) {
			p->unit = roots[grng_below(&g->r, (uint32_t)nroot_units)];
			p->attach = 1;
		}
	}
	for (size_t k = 0; k < norph && nroot_units; k++) {
		struct ind *p = &b->in[orphans[k]];
		int a = p->age;
		uint32_t host = find_host(b, &g->r, &hosts, a + 40, a + 70, NONE, U_MERGED_YOUNG);
		if (host == NONE)
			host = roots[grng_below(&g->r, (uint32_t)nroot_units)];
		p->unit = host;
		p->attach = 2;
	}
	free(hosts.v);
	/* The households, in random order. */
	for (size_t k = 0; k < nroot_units; k++) {
		if (!root_room(b)) {
			free(roots);
			return DS_ENOMEM;
		}
		b->roots[b->nroots++] = (struct root){R_UNIT, roots[k]};
	}
	free(roots);
	for (size_t i = 0; i < b->n; i++) {
		struct ind *p = &b->in[i];
		if (p->unit == NONE && !p->attach) {
			if (!root_room(b))
				return DS_ENOMEM;
			b->roots[b->nroots++] = (struct root){R_SINGLE, (uint32_t)i};
		}
	}
	for (size_t c = 0; c < b->ncoll; c++) {
		if (!root_room(b))
			return DS_ENOMEM;
		b->roots[b->nroots++] = (struct root){R_COLLECTIVE, (uint32_t)c};
	}
	for (size_t i = b->nroots; i > 1; i--) {
		size_t j = grng_below(&g->r, (uint32_t)i);
		struct root t = b->roots[i - 1];
		b->roots[i - 1] = b->roots[j];
		b->roots[j] = t;
	}
	return DS_OK;
}

/* ---- relations, households of each person, names ---- */

static void set_member(struct base *b, uint32_t i, uint32_t hh, uint8_t rel)
{
	b->in[i].hh = hh;
	b->in[i].rel = rel;
}

/* Relations in a unit: as its own household, or inside its host's. */
static void unit_relations(struct gen *g, struct base *b, uint32_t u)
{
	struct unit *un = &b->un[u];
	uint32_t hh;
	uint8_t rw, rh, rk;
	if (un->state == U_ROOT) {
		hh = un->hh;
		bool wife_head = un->husband == NONE || (un->wife != NONE && grng_chance(&g->r, 0.15));
		if (un->young_heads) {
			rw = rh = 5; /* the young husband heads it; his parents */
			rk = 7;
		} else {
			rw = wife_head ? 1 : 2;
			rh = wife_head ? 2 : 1;
			rk = 3;
		}
		un->head_wife = wife_head;
	} else if (un->state == U_MERGED_YOUNG) {
		const struct unit *host = &b->un[un->host];
		hh = host->hh;
		if (host->young_heads) {
			rh = 1;
			rw = 2;
			rk = 3;
		} else {
			rh = 3;
			rw = 4;
			rk = 6;
		}
	} else {
		hh = b->un[un->host].hh;
		rw = rh = 5;
		rk = 7;
	}
	if (un->wife != NONE)
		set_member(b, un->wife, hh, rw);
	if (un->husband != NONE)
		set_member(b, un->husband, hh, rh);
	for (uint32_t k = un->kids; k != NONE; k = b->in[k].next)
		set_member(b, k, hh, rk);
}

static void assign_households(struct gen *g, struct base *b)
{
	for (size_t r = 0; r < b->nroots; r++) {
		const struct root *rt = &b->roots[r];
		if (rt->kind == R_UNIT)
			b->un[rt->idx].hh = (uint32_t)r;
		else if (rt->kind == R_SINGLE)
			set_member(b, rt->idx, (uint32_t)r, 1);
		else
			for (uint32_t k = b->coll_start[rt->idx]; k < b->coll_start[rt->idx + 1]; k++)
				set_member(b, b->coll_members[k], (uint32_t)r,
					   k == b->coll_start[rt->idx] ? 1 : 8);
	}
	/* Roots first, so that merged units find their host's household. */
	for (size_t u = 0; u < b->nu; u++)
		if (b->un[u].state == U_ROOT)
			unit_relations(g, b, (uint32_t)u);
	for (size_t u = 0; u < b->nu; u++)
		if (b->un[u].state != U_ROOT)
			unit_relations(g, b, (uint32_t)u);
	for (size_t i = 0; i < b->n; i++) {
		struct ind *p = &b->in[i];
		if (p->attach == 1)
			set_member(b, (uint32_t)i, b->un[p->unit].hh, grng_chance(&g->r, 0.7) ? 7 : 8);
		else if (p->attach == 2) {
			const struct unit *h = &b->un[p->unit];
			int ha = unit_age(b, h);
			set_member(b, (uint32_t)i, h->hh, ha - p->age >= 36 ? 6 : 7);
		}
	}
}

static void family_names(struct gen *g, struct base *b)
{
	for (size_t u = 0; u < b->nu; u++) {
		struct unit *un = &b->un[u];
		uint32_t any = un->wife != NONE ? un->wife : un->husband;
		int eth = b->hh_eth[b->in[any].hh];
		if (un->wife != NONE)
			b->in[un->wife].fam = gen_draw_family(&g->r, eth, g->south);
		if (un->husband != NONE)
			b->in[un->husband].fam = gen_draw_family(&g->r, eth, g->south);
		un->kfam = un->husband != NONE ? b->in[un->husband].fam : gen_draw_family(&g->r, eth, g->south);
	}
	/* A son living with his parents has his father's name; a grandfather
	 * living with his son gives him his. */
	for (size_t u = 0; u < b->nu; u++) {
		struct unit *un = &b->un[u];
		if (un->state == U_MERGED_YOUNG) {
			b->in[un->husband].fam = b->un[un->host].kfam;
			un->kfam = b->in[un->husband].fam;
		}
	}
	for (size_t u = 0; u < b->nu; u++) {
		struct unit *un = &b->un[u];
		if (un->state == U_MERGED_ELDER && un->husband != NONE) {
			struct unit *host = &b->un[un->host];
			if (host->husband != NONE)
				b->in[un->husband].fam = b->in[host->husband].fam;
		}
		for (uint32_t k = un->kids; k != NONE; k = b->in[k].next)
			b->in[k].fam = un->kfam;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct ind *p = &b->in[i];
		int eth = b->hh_eth[p->hh];
		if (p->attach == 2 && p->rel == 6)
			p->fam = b->un[p->unit].kfam;
		else if (p->unit == NONE || p->attach)
			p->fam = gen_draw_family(&g->r, eth, g->south);
	}
}

/* ---- 4. persons and households in their final order ---- */

static int32_t birth_for_age(struct grng *r, int age, int32_t at)
{
	int32_t hi = day_add_months(at, -12 * age);
	int32_t lo = day_add_months(at, -12 * (age + 1)) + 1;
	return lo + grng_range(r, 0, hi - lo);
}

static const double fp_weights[10] = {0, 40, 5, 2, 15, 15, 5, 0.3, 0.5, 17};

static void fill_person(struct gen *g, struct gperson *p, const struct ind *in, uint8_t eth)
{
	memset(p, 0, sizeof *p);
	struct grng *r = &g->r;
	int age = in->age;
	p->sex = in->sex;
	p->birth = birth_for_age(r, age, g->start);
	p->prec = DAY_PREC_DAY;
	if (age >= 70) {
		double x = grng_f(r);
		int y, m, d;
		day_to_ymd(p->birth, &y, &m, &d);
		if (x < 0.3) {
			p->prec = DAY_PREC_YEAR;
			p->birth = day_from_ymd(y, 7, 15);
		} else if (x < 0.4) {
			p->prec = DAY_PREC_MONTH;
			p->birth = day_from_ymd(y, m, 15);
		}
	}
	p->last = g->start;
	p->block = 0;
	p->marital = in->marital;
	p->relation = in->rel;
	p->eth = eth;
	p->fam = in->fam;
	int y, m, d;
	day_to_ymd(p->birth, &y, &m, &d);
	p->mid = gen_draw_middle(r, p->sex, y);
	p->mid2 = gen_draw_middle2(r, p->sex, y);
	if (p->mid2 == p->mid)
		p->mid2 = 0;
	p->giv = gen_draw_given(r, p->sex);
	p->education = gen_draw_education(r, age);
	double x = grng_f(r);
	p->residence = x < 0.94 ? 1 : x < 0.97 ? 2 : 3;
	p->flags = GP_PRESENT | GP_BASE;
	if (age >= 14 && gen_nid_possible(p->birth) && grng_chance(r, 0.85))
		p->flags |= GP_NID;
	if (grng_chance(r, 0.7))
		p->flags |= GP_INS;
	if (p->sex == 2 && p->marital == 2 && age >= 15 && age <= 49 && grng_chance(r, 0.67))
		p->fp = (uint8_t)grng_pick(r, fp_weights, 10);
}

/* Members of each household in order: head, spouse, children, ... */
static int member_cmp(const struct ind *a, const struct ind *b)
{
	if (a->rel != b->rel)
		return a->rel < b->rel ? -1 : 1;
	return a->age > b->age ? -1 : a->age < b->age;
}

static enum ds_rc materialize(struct gen *g, struct base *b)
{
	size_t nhh = b->nroots;
	uint32_t *start = calloc(nhh + 1, sizeof *start);
	uint32_t *order = malloc((b->n + 1) * sizeof *order);
	b->pidx = malloc((b->n + 1) * sizeof *b->pidx);
	if (!start || !order || !b->pidx) {
		free(start);
		free(order);
		return DS_ENOMEM;
	}
	for (size_t i = 0; i < b->n; i++)
		start[b->in[i].hh + 1]++;
	for (size_t h = 0; h < nhh; h++)
		start[h + 1] += start[h];
	uint32_t *fill = calloc(nhh + 1, sizeof *fill);
	if (!fill) {
		free(start);
		free(order);
		return DS_ENOMEM;
	}
	for (size_t i = 0; i < b->n; i++) {
		uint32_t h = b->in[i].hh;
		order[start[h] + fill[h]++] = (uint32_t)i;
	}
	free(fill);
	g->h = calloc(nhh + 1, sizeof *g->h);
	g->p = calloc(b->n + 1, sizeof *g->p);
	if (!g->h || !g->p) {
		free(start);
		free(order);
		return DS_ENOMEM;
	}
	g->hcap = nhh + 1;
	g->pcap = b->n + 1;
	for (size_t h = 0; h < nhh; h++) {
		uint32_t *m = order + start[h];
		size_t n = start[h + 1] - start[h];
		for (size_t i = 1; i < n; i++) /* insertion sort: households are small */
			for (size_t j = i; j > 0 && member_cmp(&b->in[m[j]], &b->in[m[j - 1]]) < 0; j--) {
				uint32_t t = m[j];
				m[j] = m[j - 1];
				m[j - 1] = t;
			}
		struct ghh *hh = &g->h[g->nh++];
		memset(hh, 0, sizeof *hh);
		hh->entry = g->start;
		hh->type = b->roots[h].kind == R_COLLECTIVE ? 2 : 1;
		double x = grng_f(&g->r);
		hh->poverty = hh->type == 2 ? 0 : x < 0.03 ? 2 : x < 0.07 ? 1 : 0;
		for (size_t k = 0; k < n; k++) {
			uint32_t pi = (uint32_t)g->np++;
			b->pidx[m[k]] = pi;
			fill_person(g, &g->p[pi], &b->in[m[k]], b->hh_eth[h]);
			gen_hh_add(g, (uint32_t)h, pi);
			if (g->p[pi].relation == 1 && !hh->head)
				hh->head = pi + 1;
		}
		if (!hh->head && n) { /* cannot happen: every household has a head */
			hh->head = g->h[h].first;
			g->p[hh->head - 1].relation = 1;
		}
	}
	free(start);
	free(order);
	return DS_OK;
}

/* Spouses, children counts and the rest of what links persons. */
static void link_persons(struct gen *g, struct base *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct ind *in = &b->in[i];
		if (in->spouse != NONE)
			g->p[b->pidx[i]].spouse = b->pidx[in->spouse] + 1;
	}
	for (size_t u = 0; u < b->nu; u++) {
		const struct unit *un = &b->un[u];
		if (un->wife == NONE)
			continue;
		struct gperson *w = &g->p[b->pidx[un->wife]];
		int age = b->in[un->wife].age;
		int gone = 0;
		if (age >= 38) {
			static const double gw[3] = {50, 30, 20};
			gone = grng_pick(&g->r, gw, 3);
		}
		w->children = (uint8_t)(un->nkids + gone);
		/* A mother of a baby is not fecund again at once. */
		if (un->agemask & 1)
			w->block = g->start + grng_range(&g->r, 0, 400);
	}
}

/* ---- areas, numbers, the deliberate duplicates ---- */

static void deal_to_areas(struct gen *g)
{
	struct gen_units *u = &g->units;
	double *w = malloc(u->narea * sizeof *w), total = 0;
	size_t h = 0;
	for (uint32_t a = 0; a < u->narea; a++)
		total += (w ? (w[a] = 0.7 + 0.6 * grng_f(&g->r)) : 1);
	double acc = 0;
	for (uint32_t a = 0; a < u->narea; a++) {
		acc += w ? w[a] : 1;
		size_t end = a + 1 == u->narea ? g->nh : (size_t)((double)g->nh * acc / total + 0.5);
		bool prev_cont = false;
		for (; h < end; h++) {
			struct ghh *hh = &g->h[h];
			hh->area = a;
			if (u->area[a].books && !prev_cont && grng_chance(&g->r, 0.005)) {
				hh->number = u->area[a].books;
				hh->cont = 1;
			} else {
				hh->number = ++u->area[a].books;
			}
			prev_cont = hh->cont;
		}
	}
	free(w);
	/* Baseline households of each commune, old and new. */
	for (uint32_t i = 0; i < u->nold; i++)
		u->old[i].hh0 = u->old[i].hh1 = 0;
	for (uint32_t j = 0; j < u->nnew; j++)
		u->new_[j].hh0 = UINT32_MAX, u->new_[j].hh1 = 0;
	for (size_t k = 0; k < g->nh; k++) {
		uint32_t oc = u->vill[u->area[g->h[k].area].village].old;
		struct gen_commune *o = &u->old[oc], *n = &u->new_[o->newc];
		if (o->hh1 == 0)
			o->hh0 = (uint32_t)k;
		o->hh1 = (uint32_t)k + 1;
		if (n->hh0 == UINT32_MAX)
			n->hh0 = (uint32_t)k;
		n->hh1 = (uint32_t)k + 1;
	}
	for (uint32_t j = 0; j < u->nnew; j++)
		if (u->new_[j].hh0 == UINT32_MAX)
			u->new_[j].hh0 = 0;
}

uint32_t gen_add_copy(struct gen *g, uint32_t src, uint32_t to)
{
	uint32_t gi = (uint32_t)g->np++;
	struct gperson *gp = &g->p[gi];
	*gp = g->p[src];
	gp->flags = GP_PRESENT | GP_BASE | GP_GHOST;
	gp->relation = 7;
	gp->spouse = 0;
	gp->fp = 0;
	gp->children = 0;
	gp->residence = 1;
	gen_hh_add(g, to, gi);
	return gi;
}

static enum ds_rc make_duplicates(struct gen *g, size_t count)
{
	struct gen_units *u = &g->units;
	size_t nreal = g->np;
	for (size_t k = 0, tries = 0; k < count && tries < 20 * count + 100; tries++) {
		uint32_t src = grng_below(&g->r, (uint32_t)nreal);
		const struct gen_commune *oc = &u->old[u->vill[u->area[g->h[g->p[src].hh].area].village].old];
		if (oc->hh1 - oc->hh0 < 2)
			continue;
		uint32_t to = oc->hh0 + grng_below(&g->r, oc->hh1 - oc->hh0);
		if (to == g->p[src].hh || g->h[to].type != 1)
			continue;
		if (!gen_person_room(g))
			return DS_ENOMEM;
		uint32_t gi = gen_add_copy(g, src, to);
		g->dups[g->ndups][0] = src;
		g->dups[g->ndups][1] = gi;
		g->ndups++;
		k++;
	}
	return DS_OK;
}

enum ds_rc gen_base_build(struct gen *g)
{
	struct base b = {0};
	uint32_t *orphans = NULL;
	size_t norph = 0;
	long ndup = (g->o->persons + 1000) / 2000;
	if (ndup > 1000)
		ndup = 1000;
	size_t nreal = (size_t)(g->o->persons - ndup);
	enum ds_rc rc;
	progress_tick(&g->pr, 0, 0, "persons");
	if ((rc = draw_persons(g, &b, nreal)) || (rc = make_couples(g, &b)) ||
	    (rc = assign_children(g, &b, &orphans, &norph)) ||
	    (rc = make_households(g, &b, orphans, norph)))
		goto out;
	assign_households(g, &b);
	b.hh_eth = malloc(b.nroots + 1);
	if (!b.hh_eth) {
		rc = DS_ENOMEM;
		goto out;
	}
	for (size_t h = 0; h < b.nroots; h++)
		b.hh_eth[h] = gen_draw_ethnicity(&g->r, g->province);
	family_names(g, &b);
	size_t households = b.nroots;
	if ((rc = gen_units_plan(&g->units, &g->r, g->o->persons, (long)households,
				 g->o->communes, g->province, gen_units_urban(gen_ref_province(&g->ref, g->province)))))
		goto out;
	if ((rc = materialize(g, &b)))
		goto out;
	link_persons(g, &b);
	deal_to_areas(g);
	g->nhbase = g->nh;
	rc = make_duplicates(g, (size_t)ndup);
	if (!rc && g->o->plant)
		rc = gen_plant_build(g);
	g->nbase = g->np;
out:
	free(orphans);
	free(b.in);
	free(b.un);
	free(b.roots);
	free(b.coll_start);
	free(b.coll_members);
	free(b.pidx);
	free(b.hh_eth);
	return rc;
}

/* ---- households.csv and persons.csv ---- */

static void put_address(struct gen *g, struct gbuf *b, const struct ghh *h)
{
	double x = grng_f(&g->r);
	gb_puts(b, x < 0.9 ? "Số " : "Tổ ");
	gb_u(b, (uint64_t)grng_range(&g->r, 1, x < 0.9 ? 350 : 30));
	if (x >= 0.7 && x < 0.9) {
		gb_putc(b, '/');
		gb_u(b, (uint64_t)grng_range(&g->r, 1, 40));
	}
	gb_puts(b, ", ");
	gen_village_name(b, &g->units, g->units.area[h->area].village, g->province);
}

static void household_row(struct gen *g, struct gbuf *b, uint32_t h, struct gbuf *tmp)
{
	const struct ghh *hh = &g->h[h];
	gb_hid(b, g->province, h);
	gb_putc(b, ',');
	gen_area_code(b, &g->units, hh->area);
	gb_putc(b, ',');
	gb_u(b, hh->number);
	if (hh->cont)
		gb_puts(b, ".1");
	gb_putc(b, ',');
	tmp->len = 0;
	put_address(g, tmp, hh);
	gb_putc(tmp, '\0');
	if (!tmp->oom)
		gb_csv(b, tmp->p);
	gb_putc(b, ',');
	gb_u(b, hh->type);
	gb_putc(b, ',');
	gb_u(b, hh->poverty);
	gb_putc(b, '\n');
}

static void person_row(struct gen *g, struct gbuf *b, uint32_t i)
{
	const struct gperson *p = &g->p[i];
	gb_pid(b, g->province, i);
	gb_putc(b, ',');
	gb_hid(b, g->province, p->hh);
	gb_putc(b, ',');
	gen_put_row_name(g, b, i); /* names hold no comma or quote */
	gb_putc(b, ',');
	gb_u(b, p->sex);
	gb_putc(b, ',');
	gb_date_prec(b, p->birth, p->prec);
	gb_putc(b, ',');
	gb_u(b, p->relation);
	gb_putc(b, ',');
	gb_u0(b, p->eth, 2);
	gb_putc(b, ',');
	gb_u(b, p->education);
	gb_putc(b, ',');
	gb_u(b, p->marital);
	gb_putc(b, ',');
	gb_u(b, p->residence);
	gb_putc(b, ',');
	if (p->flags & GP_INS)
		gen_put_ins(g, b);
	gb_putc(b, ',');
	if (p->flags & GP_NID) {
		if (!g->o->plant || !gen_plant_nid(g, b, i))
			gen_put_nid(g, b, g->province, p->sex, p->birth);
	}
	gb_putc(b, ',');
	if (p->fp) {
		gb_u(b, p->fp);
		gb_putc(b, ',');
		/* Since a month in the last ten years, not before she was 15. */
		int32_t earliest = day_add_months(p->birth, 15 * 12);
		int back = grng_range(&g->r, 0, 120);
		int32_t since = day_add_months(g->start, -back);
		if (since < earliest)
			since = earliest > g->start ? g->start : earliest;
		gb_month(b, since);
	} else {
		gb_putc(b, ',');
	}
	gb_putc(b, '\n');
}

enum ds_rc gen_base_write(struct gen *g, struct gfile *hf, struct gfile *pf)
{
	struct gbuf tmp = {0};
	gb_puts(&hf->b, "household_id,area_code,number,address,type,poverty\n");
	gb_puts(&pf->b, "person_id,household_id,full_name,sex,birth_date,relation,ethnicity,"
			"education,marital,residence,insurance_no,national_id,fp_method,fp_since\n");
	for (uint32_t h = 0; h < g->nhbase; h++) {
		household_row(g, &hf->b, h, &tmp);
		hf->lines++;
		for (uint32_t m = g->h[h].first; m; m = g->p[m - 1].next) {
			person_row(g, &pf->b, m - 1);
			pf->lines++;
		}
		gf_maybe_flush(hf);
		gf_maybe_flush(pf);
		if ((h & 4095) == 0)
			progress_tick(&g->pr, (size_t)pf->lines, (size_t)g->nbase, "persons written");
	}
	bool oom = tmp.oom;
	gb_free(&tmp);
	return oom ? DS_ENOMEM : DS_OK;
}
