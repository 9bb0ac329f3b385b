/*
 * Stocks: the persons, married women and households present on a date,
 * counted from the presence spells of the wanted areas into the columns'
 * cubes (struct eng_stock).
 */
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "engine/engine_int.h"

/*
 * A household's state from one walk of its changes: its type on type_day
 * (the latest type dated up to it; 1 unless 2), and its poverty for year as
 * the register knew it on pov_day (the latest status given for that year or
 * an earlier one, dated up to pov_day; the baseline status before any; 0
 * unless 1 or 2).
 */
static void household_state(const struct engine *e, int32_t hh, int32_t type_day, int year,
			    int32_t pov_day, int *type, int *pov)
{
	int t = e->h_type0[hh], p = e->h_pov0[hh];
	int32_t tbest = INT32_MIN, by = INT32_MIN, bd = INT32_MIN;
	for (int32_t k = e->h_chg[hh]; k >= 0; k = e->hchg.next[k]) {
		unsigned v = e->hchg.val[k];
		int32_t d = e->hchg.date[k], y = e->hchg.year[k];
		if ((v & 0xF0) == 0x10) {
			if (d <= type_day && d >= tbest) {
				tbest = d;
				t = v & 0x0F;
			}
		} else if ((v & 0xF0) == 0x20 && y <= year && d <= pov_day &&
			   (y > by || (y == by && d >= bd))) {
			by = y;
			bd = d;
			p = v & 0x0F;
		}
	}
	*type = t == 2 ? 2 : 1;
	*pov = p <= 2 ? p : 0;
}

/* The summary word of hh from its changes (struct engine, h_sum). */
void eng_household_sum(struct engine *e, int32_t hh)
{
	uint32_t s = 1u << 31;
	for (int32_t k = e->h_chg[hh]; k >= 0; k = e->hchg.next[k])
		if ((e->hchg.val[k] & 0xF0) == 0x10)
			s = 0;
	int type, pov;
	for (int i = 0; i < ENG_SUM_YEARS && s; i++) {
		/* With no changes, every year's state is the first year's. */
		if (i == 0 || e->h_chg[hh] >= 0)
			household_state(e, hh, INT32_MAX, e->sum_y0 + i, INT32_MAX, &type, &pov);
		s |= (uint32_t)pov << (2 * i) | (uint32_t)(type == 2) << 30;
	}
	e->h_sum[hh] = s;
}

/* Poverty of a household for a year: the latest status given for that year
 * or an earlier one; the baseline status before any. */
int eng_household_poverty(const struct engine *e, int32_t hh, int year)
{
	int type, pov;
	if (hh > 0 && hh <= e->maxh && eng_household_quick(e, hh, year, &type, &pov))
		return pov;
	return eng_household_poverty_on(e, hh, year, INT32_MAX);
}

int eng_household_poverty_on(const struct engine *e, int32_t hh, int year, int32_t day)
{
	int type, pov;
	household_state(e, hh, day, year, day, &type, &pov);
	return pov;
}

/* Cells of a stock cube as flat arrays: pop by (sex, age, marital), fp by
 * (age - 15, method); the zero adds of everyone who is not a married woman
 * of 15-49 go to the first fp cell. */
#define POP_CELL(sex, age100, mar) (((sex) * ENG_AGES + (age100)) * 5 + (mar) - 1)

/* Household hh present: its bit, and its word's bit in the summary unless
 * the query is dense (eng_stock_ctx). */
static inline __attribute__((always_inline)) void mark_household(uint8_t *restrict seen,
								  uint64_t *restrict sum, uint32_t hh,
								  bool dense)
{
	seen[hh >> 3] |= (uint8_t)(1u << (hh & 7));
	if (!dense)
		sum[hh >> 12] |= 1ull << ((hh >> 6) & 63);
}

/*
 * One person counted on a day, at age `age` (completed years), whose
 * population cell at age 0 is cell0 (POP_CELL(sex, 0, marital status));
 * wife: a married woman, whose method fp (0-9) counts.  Everything it
 * writes is a restrict pointer, so that the
 * counts cannot make the compiler read again what it already holds; the
 * married women's method is added with their condition as the count (into
 * a valid cell whatever the age), and a household is only marked in the
 * bitmap here: the marked households are counted once each by
 * eng_stock_households, in household order.  fa0 is the first age of the
 * married women's rows of fpc (ENG_FP_AGE0, or one less for `both`).
 */
static inline __attribute__((always_inline)) void
count_one(unsigned age, unsigned cell0, unsigned wife, unsigned fp, unsigned fa0, unsigned fa_rows,
	  uint32_t hh, int32_t *restrict pop, int32_t *restrict fpc, uint8_t *restrict seen,
	  uint64_t *restrict sum, bool dense)
{
	unsigned age100 = age < ENG_AGES - 1 ? age : ENG_AGES - 1;
	pop[cell0 + age100 * 5]++;
	unsigned fa = age - fa0;
	wife &= (unsigned)(fa < fa_rows);
	fpc[(fa * 10 + fp) & (0u - wife)] += wife;
	mark_household(seen, sum, hh, dense);
}

/*
 * For each value of a calm spell's info (its ten bits: sex, marital status,
 * method, married woman), what count_one makes of them: its population
 * cell at age 0 (POP_CELL(sex, 0, marital)) in the low 16 bits, its
 * method from bit 16, 1 << 20 for a married woman.  A calm spell's sex
 * and marital status are known (eng_fill_spell), so every value read
 * is one of these.  Made once (calm_cells_make).
 */
static uint32_t calm_cells[1 << 10];
static pthread_once_t calm_cells_once = PTHREAD_ONCE_INIT;

static void calm_cells_make(void)
{
	for (unsigned info = 0; info < 1u << 10; info++) {
		unsigned sex = (unsigned)eng_info_sex(info) - 1, mar = (unsigned)eng_info_marital(info);
		calm_cells[info] = (POP_CELL(sex, 0u, mar) & 0xFFFF) |
				   (unsigned)eng_info_method(info) << 16 | eng_info_wife(info) << 20;
	}
}

/* A calm spell (struct eng_spells) on a day: its final state, its cells
 * from calm_cells. */
static inline __attribute__((always_inline)) void
count_calm(int32_t born, int32_t dkey, unsigned info, unsigned fa0, unsigned fa_rows, uint32_t hh,
	   int32_t *restrict pop, int32_t *restrict fpc, uint8_t *restrict seen,
	   uint64_t *restrict sum, bool dense)
{
	uint32_t t = calm_cells[info & ((1u << 10) - 1)];
	count_one((unsigned)eng_key_age(born, dkey), t & 0xFFFF, t >> 20, t >> 16 & 15, fa0, fa_rows,
		  hh, pop, fpc, seen, sum, dense);
}

/* The state of person p on day, from the state at entry and the changes
 * dated up to it; the first later change, -1. */
static int32_t state_on(const struct engine *e, int32_t p, int32_t day, unsigned *mar, unsigned *fp)
{
	*mar = (unsigned)eng_marital0(e, p);
	*fp = (unsigned)eng_fp0(e, p);
	return eng_walk_state(e, e->p_chg[p], day, mar, fp, NULL);
}

/* Spell k of s in a walked state (mar, fp) on the day of date key dkey,
 * counted as count_one does (into pop and fpc, whose married women's rows
 * start at fa0); false when that state counts in no stock. */
static bool count_walked(const struct eng_stock_ctx *c, const struct eng_spells *s, size_t k,
			 int32_t dkey, unsigned mar, unsigned fp, unsigned fa0, unsigned fa_rows,
			 int32_t *pop, int32_t *fpc)
{
	unsigned sex = (unsigned)eng_info_sex(s->info[k]) - 1;
	if (sex > 1 || mar - 1 > 4)
		return false;
	count_one((unsigned)eng_key_age(s->born[k], dkey), POP_CELL(sex, 0u, mar),
		  (unsigned)(sex == 1 && mar == MAR_MARRIED), fp <= 9 ? fp : 0, fa0, fa_rows,
		  (uint32_t)s->hh[k], pop, fpc, c->seen_hh,
		  (uint64_t *)(void *)c->seen_hh + eng_seen_words(c->e), c->dense);
	return true;
}

/* Spell k of s, present on the context's day, in state (mar, fp) on it. */
static void count_state(struct eng_stock_ctx *c, struct eng_stock *o, const struct eng_spells *s,
			size_t k, unsigned mar, unsigned fp)
{
	if (s->born[k] <= c->key)
		count_walked(c, s, k, c->key, mar, fp, ENG_FP_AGE0, ENG_FP_AGES, &o->pop[0][0][0],
			     &o->fp[0][0]);
}

/* Spell k of s, present on the context's day but not calm on it: the
 * state walked from the person's changes.  Out of line. */
static __attribute__((noinline)) void count_restless(struct eng_stock_ctx *c, struct eng_stock *o,
						     const struct eng_spells *s, size_t k)
{
	unsigned mar, fp;
	if (s->born[k] <= c->key) {
		state_on(c->e, s->person[k], c->day, &mar, &fp);
		count_state(c, o, s, k, mar, fp);
	}
}

void eng_add_cells(void *dst, const void *src, size_t bytes)
{
	int32_t *d = dst;
	const int32_t *s = src;
	for (size_t i = 0; i < bytes / sizeof(int32_t); i++)
		d[i] += s[i];
}

/* The spells [k0, k1) of s present on the context's day into cube o. */
static inline __attribute__((always_inline)) void
stock_run_as(struct eng_stock_ctx *c, struct eng_stock *o, const struct eng_spells *s, size_t k0,
	     size_t k1, bool dense)
{
	const int32_t day = c->day, dkey = c->key;
	uint8_t *restrict seen = c->seen_hh;
	uint64_t *restrict sum = (uint64_t *)(void *)seen + eng_seen_words(c->e);
	int32_t *restrict pop = &o->pop[0][0][0], *restrict fpc = &o->fp[0][0];
	const int32_t *restrict from = s->from, *restrict to = s->to, *restrict born = s->born;
	const int32_t *restrict calm = s->calm, *restrict hh = s->hh;
	const uint16_t *restrict info = s->info;
	for (size_t k = k0; k < k1; k++) {
		if (day >= to[k])
			continue;
		if (__builtin_expect(calm[k] <= day, 1))
			count_calm(born[k], dkey, info[k], ENG_FP_AGE0, ENG_FP_AGES, (uint32_t)hh[k], pop,
				   fpc, seen, sum, dense);
		else if (from[k] <= day)
			count_restless(c, o, s, k);
	}
}

static void stock_run(struct eng_stock_ctx *c, struct eng_stock *o, const struct eng_spells *s,
		      size_t k0, size_t k1)
{
	if (c->dense)
		stock_run_as(c, o, s, k0, k1, true);
	else
		stock_run_as(c, o, s, k0, k1, false);
}

/*
 * Two stocks a year apart (an annual form's: the last day of the year
 * before and of the year).  A spell present on both days, with no changes
 * of marital status or method, counts in the same cell on both but one
 * year older on the later day: its date keys are 512 apart, so its age is
 * exactly one more (eng_date_key).  Such spells, most of a register, are
 * counted once into `both`, by their age on the earlier day, and both
 * days' cubes take `both` at the end of a column (pair_fold).  Its married
 * women's rows start at 14: those aged 14 on the earlier day are 15 on the
 * later one.
 */
struct pair {
	int lo, hi; /* which of the two contexts is the earlier day, which the later */
	int32_t col; /* the column whose spells `both` holds, -1 */
	int32_t pop[2][ENG_AGES][5];
	int32_t fp[ENG_FP_AGES + 1][10]; /* ages 14-49 on the earlier day (the zero adds
					    of everyone else go to the first cell) */
};

/* Whether the two stocks of c are a year apart (c[hi] the later). */
static bool pair_of(const struct eng_stock_ctx *c, int n, struct pair *p)
{
	if (n != 2)
		return false;
	p->lo = c[0].day < c[1].day ? 0 : 1;
	p->hi = 1 - p->lo;
	p->col = -1;
	return c[p->hi].key - c[p->lo].key == 1 << 9;
}

/* Adds `both` into the cubes of its column on both days, and clears it. */
static void pair_fold(struct eng_stock_ctx *c, struct pair *p)
{
	if (p->col < 0)
		return;
	struct eng_stock *lo = &c[p->lo].out[p->col], *hi = &c[p->hi].out[p->col];
	for (int s = 0; s < 2; s++)
		for (int a = 0; a < ENG_AGES; a++)
			for (int m = 0; m < 5; m++) {
				lo->pop[s][a][m] += p->pop[s][a][m];
				hi->pop[s][a < ENG_AGES - 1 ? a + 1 : a][m] += p->pop[s][a][m];
			}
	for (int r = 0; r < ENG_FP_AGES; r++)
		for (int f = 0; f < 10; f++) {
			lo->fp[r][f] += p->fp[r + 1][f];
			hi->fp[r][f] += p->fp[r][f];
		}
	memset(p->pop, 0, sizeof p->pop);
	memset(p->fp, 0, sizeof p->fp);
	p->col = -1;
}

/*
 * A spell of pair_run not calm on both days.  Present on both with no
 * change of its own between them: counted once as the calm ones are, in
 * its state on the earlier day; with some, each day in its state, from one
 * walk of the changes.  Otherwise each day on its own.  Out of
 * line, so that the calm spells' loop keeps its values in registers.
 */
static __attribute__((noinline)) void pair_one(struct eng_stock_ctx *c, struct pair *p, int32_t col,
					       const struct eng_spells *s, size_t k)
{
	struct eng_stock_ctx *cl = &c[p->lo], *ch = &c[p->hi];
	const struct engine *e = cl->e;
	int32_t f = s->from[k], t = s->to[k];
	bool on_lo = f <= cl->day && cl->day < t, on_hi = f <= ch->day && ch->day < t;
	if (on_lo && on_hi && s->born[k] <= cl->key) {
		unsigned mar, fp;
		int32_t next = state_on(e, s->person[k], cl->day, &mar, &fp);
		if (next >= 0 && e->chg.date[next] <= ch->day) {
			/* Changed between the days: each day in its state, in one walk. */
			unsigned mar_hi = mar, fp_hi = fp;
			eng_walk_state(e, next, ch->day, &mar_hi, &fp_hi, NULL);
			count_state(cl, &cl->out[col], s, k, mar, fp);
			count_state(ch, &ch->out[col], s, k, mar_hi, fp_hi);
		} else if (count_walked(cl, s, k, cl->key, mar, fp, ENG_FP_AGE0 - 1, ENG_FP_AGES + 1,
					&p->pop[0][0][0], &p->fp[0][0])) {
			mark_household(ch->seen_hh,
				       (uint64_t *)(void *)ch->seen_hh + eng_seen_words(e),
				       (uint32_t)s->hh[k], ch->dense);
		}
		return;
	}
	if (on_lo)
		count_restless(cl, &cl->out[col], s, k);
	if (on_hi)
		count_restless(ch, &ch->out[col], s, k);
}

/*
 * The spells that are not calm on both days read their person's state at
 * entry and changes, at random over the register.  They are put aside
 * while the calm ones are counted, and counted in a batch: their
 * persons' state asked for when put aside (asks_person), the first change
 * of each asked for before the batch is counted, so that the memory
 * fetches overlap instead of waiting one after the other.
 */
#define PAIR_LATER 32

static inline void asks_person(const struct engine *e, int32_t person)
{
	__builtin_prefetch(&e->p_chg[person]);
	__builtin_prefetch(&e->p_marital0[person]);
	__builtin_prefetch(&e->p_fp0[person]);
}

static void pair_later(struct eng_stock_ctx *c, struct pair *p, int32_t col,
		       const struct eng_spells *s, const size_t *later, int n)
{
	const struct engine *e = c[0].e;
	for (int i = 0; i < n; i++) {
		int32_t head = e->p_chg[s->person[later[i]]];
		if (head >= 0) {
			__builtin_prefetch(&e->chg.date[head]);
			__builtin_prefetch(&e->chg.next[head]);
			__builtin_prefetch(&e->chg.val[head]);
		}
	}
	for (int i = 0; i < n; i++)
		pair_one(c, p, col, s, later[i]);
}

/* The spells [k0, k1) of s into both days' cubes of column col. */
static inline __attribute__((always_inline)) void
pair_run_as(struct eng_stock_ctx *c, struct pair *p, int32_t col, const struct eng_spells *s,
	    size_t k0, size_t k1, bool dense)
{
	struct eng_stock_ctx *cl = &c[p->lo], *ch = &c[p->hi];
	const int32_t dlo = cl->day, dhi = ch->day, klo = cl->key;
	uint8_t *restrict seen_lo = cl->seen_hh, *restrict seen_hi = ch->seen_hh;
	uint64_t *restrict sum_lo = (uint64_t *)(void *)seen_lo + eng_seen_words(cl->e);
	uint64_t *restrict sum_hi = (uint64_t *)(void *)seen_hi + eng_seen_words(cl->e);
	int32_t *restrict pop = &p->pop[0][0][0], *restrict fpc = &p->fp[0][0];
	const int32_t *restrict to = s->to, *restrict born = s->born, *restrict calm = s->calm;
	const int32_t *restrict hh = s->hh;
	const uint16_t *restrict info = s->info;
	p->col = col;
	size_t later[PAIR_LATER];
	int nlater = 0;
	for (size_t k = k0; k < k1; k++) {
		if (__builtin_expect(calm[k] > dlo || to[k] <= dhi, 0)) {
			if (to[k] <= dlo || s->from[k] > dhi)
				continue; /* on neither day */
			/* Present on one of the days only and calm on it (ended or
			 * begun between them: a death, a birth, a move), as about two
			 * in five of these are: its final state, with no walk. */
			struct eng_stock_ctx *one = NULL;
			if (to[k] <= dhi)
				one = s->from[k] <= dlo && calm[k] <= dlo ? cl : NULL;
			else if (s->from[k] > dlo && calm[k] <= dhi)
				one = ch;
			if (one) {
				bool lo = one == cl;
				count_calm(born[k], one->key, info[k], ENG_FP_AGE0, ENG_FP_AGES,
					   (uint32_t)hh[k], &one->out[col].pop[0][0][0], &one->out[col].fp[0][0],
					   lo ? seen_lo : seen_hi, lo ? sum_lo : sum_hi, dense);
				continue;
			}
			later[nlater++] = k;
			asks_person(cl->e, s->person[k]);
			if (nlater == PAIR_LATER) {
				pair_later(c, p, col, s, later, nlater);
				nlater = 0;
			}
			continue;
		}
		uint32_t h = (uint32_t)hh[k];
		count_calm(born[k], klo, info[k], ENG_FP_AGE0 - 1, ENG_FP_AGES + 1, h, pop, fpc, seen_lo,
			   sum_lo, dense);
		mark_household(seen_hi, sum_hi, h, dense);
	}
	pair_later(c, p, col, s, later, nlater);
}

static void pair_run(struct eng_stock_ctx *c, struct pair *p, int32_t col,
		     const struct eng_spells *s, size_t k0, size_t k1)
{
	if (c->dense)
		pair_run_as(c, p, col, s, k0, k1, true);
	else
		pair_run_as(c, p, col, s, k0, k1, false);
}

/*
 * The spells of one area into the columns' cubes of each stock (n <= 2).
 * Both dates are answered from one read of the spells from memory: an
 * area's spells (some hundreds, a few kilobytes) are still in the first
 * caches when the second date reads them, and each date's loop stays tight
 * enough to keep everything in registers.
 */
static void stock_area(struct eng_stock_ctx *c, int n, struct pair *p, size_t a, int32_t col)
{
	const struct engine *e = c[0].e;
	size_t k0 = e->area_off[a], k1 = e->area_off[a + 1];
	if (p) {
		if (p->col != col)
			pair_fold(c, p);
		pair_run(c, p, col, &e->base, k0, k1);
		for (int32_t k = e->add_head[a]; k >= 0; k = e->add_next[k])
			pair_run(c, p, col, &e->added, (size_t)k, (size_t)k + 1);
		return;
	}
	for (int i = 0; i < n; i++)
		stock_run(&c[i], &c[i].out[col], &e->base, k0, k1);
	for (int32_t k = e->add_head[a]; k >= 0; k = e->add_next[k])
		for (int i = 0; i < n; i++)
			stock_run(&c[i], &c[i].out[col], &e->added, (size_t)k, (size_t)k + 1);
}

void eng_stock_areas(struct eng_stock_ctx *c, int n, const int32_t *area_col, size_t a0,
		     size_t a1)
{
	pthread_once(&calm_cells_once, calm_cells_make);
	struct pair pr;
	bool paired = pair_of(c, n, &pr);
	if (paired) {
		memset(pr.pop, 0, sizeof pr.pop);
		memset(pr.fp, 0, sizeof pr.fp);
	}
	for (size_t a = a0; a < a1; a++)
		if (area_col[a] >= 0)
			stock_area(c, n, paired ? &pr : NULL, a, area_col[a]);
	if (paired)
		pair_fold(c, &pr);
}

void eng_stock_households(struct eng_stock_ctx *c, int n, const int32_t *area_col,
			  uint8_t *const *other, size_t part, size_t parts)
{
	const struct engine *e = c->e;
	size_t words = eng_seen_words(e);
	uint64_t *bits[2] = {NULL, NULL}, *sum[2] = {NULL, NULL}, *more[2] = {NULL, NULL};
	for (int i = 0; i < n; i++) {
		bits[i] = (uint64_t *)(void *)c[i].seen_hh;
		sum[i] = bits[i] + words;
		more[i] = other ? (uint64_t *)(void *)other[i] : NULL;
	}
	/* A part is whole summary words (64 words of the bitmap each). */
	size_t sws = (words >> 6) + 1;
	size_t sw0 = other ? sws * part / parts : 0, sw1 = other ? sws * (part + 1) / parts : sws;
	/* The words marked for either date, found through the summaries: a
	 * household present on both is found, placed and read once; all left
	 * cleared. */
	for (size_t sw = sw0; sw < sw1; sw++) {
		uint64_t s = c->dense ? ~0ull : sum[0][sw] | (n > 1 ? sum[1][sw] : 0);
		for (; s; s &= s - 1) {
			size_t w = sw * 64 + (size_t)__builtin_ctzll(s);
			if (w >= words)
				break;
			uint64_t b0 = bits[0][w], b1 = n > 1 ? bits[1][w] : 0;
			if (other) {
				b0 |= more[0][w];
				more[0][w] = 0;
				if (n > 1) {
					b1 |= more[1][w];
					more[1][w] = 0;
				}
			}
			for (uint64_t b = b0 | b1; b; b &= b - 1) {
				unsigned bit = (unsigned)__builtin_ctzll(b);
				int32_t hh = (int32_t)(w * 64 + bit);
				int32_t a = eng_hh_area(e, hh);
				int32_t col = a >= 0 ? area_col[a] : -1;
				if (col < 0)
					continue;
				/* Most households' state is in their summary word;
				 * the others walk their changes. */
				for (int i = 0; i < n; i++) {
					if (!((i ? b1 : b0) >> bit & 1))
						continue;
					int type, pov;
					if (!eng_household_quick(e, hh, c[i].year, &type, &pov))
						household_state(e, hh, c[i].day, c[i].year, INT32_MAX, &type,
								&pov);
					c[i].out[col].hh[type - 1][pov]++;
				}
			}
			bits[0][w] = 0;
			if (n > 1)
				bits[1][w] = 0;
		}
		sum[0][sw] = 0;
		if (n > 1)
			sum[1][sw] = 0;
	}
}
