/*
 * Queries: the unit tree of a map date, stocks on a date, flows over a
 * period, for a list of disjoint columns.
 */
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "engine/engine_int.h"

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

enum ds_rc eng_bounds(struct engine *e)
{
	free(e->bounds);
	e->nbounds = 0;
	e->bounds = malloc((2 * e->units.n + 1) * sizeof *e->bounds);
	if (!e->bounds)
		return DS_ENOMEM;
	for (size_t i = 0; i < e->units.n; i++) {
		const struct reg_unit *u = &e->units.rows[i];
		if (u->valid_from != DAY_NONE)
			e->bounds[e->nbounds++] = u->valid_from;
		if (u->valid_to != DAY_MAX)
			e->bounds[e->nbounds++] = u->valid_to + 1;
	}
	qsort(e->bounds, e->nbounds, sizeof *e->bounds, cmp_i32);
	size_t m = 0;
	for (size_t i = 0; i < e->nbounds; i++)
		if (!m || e->bounds[m - 1] != e->bounds[i])
			e->bounds[m++] = e->bounds[i];
	e->nbounds = m;
	return DS_OK;
}

static void map_free(struct eng_unitmap *m)
{
	free(m->off);
	free(m->areas);
	free(m->area_commune);
	free(m);
}

void eng_maps_free(struct engine *e)
{
	while (e->maps) {
		struct eng_unitmap *n = e->maps->next;
		map_free(e->maps);
		e->maps = n;
	}
}

int64_t eng_unit_id(const struct engine *e, const char *code)
{
	int64_t id;
	return hmap_get(&e->units.by_code, code, strlen(code), &id) ? id : -1;
}

/* Calls fn for each unit id on the chain from an area up, under day. */
static void chain(const struct engine *e, size_t area, int32_t day,
		  void (*fn)(struct eng_unitmap *, int64_t id, size_t area), struct eng_unitmap *m)
{
	const char *code = e->area_code[area];
	for (int depth = 0; code[0] && depth < 8; depth++) {
		int64_t id = eng_unit_id(e, code);
		if (id < 0)
			return;
		fn(m, id, area);
		code = reg_units_parent(&e->units, code, day);
	}
}

static void count_one(struct eng_unitmap *m, int64_t id, size_t area)
{
	(void)area;
	m->off[id + 1]++;
}

static void place_one(struct eng_unitmap *m, int64_t id, size_t area)
{
	/* off[id] is used as the fill cursor and restored afterwards. */
	m->areas[m->off[id]++] = (int32_t)area;
}

static struct eng_unitmap *build_map(const struct engine *e, int32_t day, int32_t lo, int32_t hi)
{
	struct eng_unitmap *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->lo = lo;
	m->hi = hi;
	m->nids = e->units.n;
	m->off = calloc(m->nids + 2, sizeof *m->off);
	m->area_commune = malloc((e->nareas + 1) * sizeof *m->area_commune);
	if (!m->off || !m->area_commune) {
		map_free(m);
		return NULL;
	}
	for (size_t a = 0; a < e->nareas; a++)
		chain(e, a, day, count_one, m);
	for (size_t i = 0; i < m->nids; i++)
		m->off[i + 1] += m->off[i];
	m->areas = malloc((m->off[m->nids] + 1) * sizeof *m->areas);
	if (!m->areas) {
		map_free(m);
		return NULL;
	}
	for (size_t a = 0; a < e->nareas; a++)
		chain(e, a, day, place_one, m);
	for (size_t i = m->nids; i > 0; i--)
		m->off[i] = m->off[i - 1];
	m->off[0] = 0;
	/* The commune of each area under this map, for migration. */
	for (size_t a = 0; a < e->nareas; a++) {
		m->area_commune[a] = -1;
		const char *code = e->area_code[a];
		for (int depth = 0; code[0] && depth < 8; depth++) {
			int64_t id = eng_unit_id(e, code);
			if (id < 0)
				break;
			if (e->units.rows[id].level == LVL_COMMUNE) {
				m->area_commune[a] = (int32_t)id;
				break;
			}
			code = reg_units_parent(&e->units, code, day);
		}
	}
	return m;
}

/* The cached tree for day, built on first use. */
struct eng_unitmap *eng_map_for(struct engine *e, int32_t day)
{
	size_t k = 0;
	while (k < e->nbounds && e->bounds[k] <= day)
		k++;
	int32_t lo = k ? e->bounds[k - 1] : INT32_MIN, hi = k < e->nbounds ? e->bounds[k] - 1 : INT32_MAX;
	pthread_mutex_lock(&e->maps_lock);
	struct eng_unitmap *m = e->maps;
	while (m && !(m->lo == lo && m->hi == hi))
		m = m->next;
	if (!m && (m = build_map(e, day, lo, hi))) {
		m->next = e->maps;
		e->maps = m;
	}
	pthread_mutex_unlock(&e->maps_lock);
	return m;
}

/* ---- stocks ---- */

#define AGE_DAYS 46000 /* 125 years */

/* ages[x] = completed years at day of someone born x days before it. */
static void age_table(int32_t day, uint8_t *ages)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	int32_t prev = day; /* T_0 */
	int k = 0;
	size_t x = 0;
	while (x < AGE_DAYS) {
		int yy = y - (k + 1);
		int dd = d <= day_days_in_month(yy, m) ? d : day_days_in_month(yy, m);
		int32_t next = day_from_ymd(yy, m, dd); /* latest birth with age >= k+1 */
		size_t until = (size_t)(day - next);
		while (x < until && x < AGE_DAYS)
			ages[x++] = (uint8_t)k;
		prev = next;
		k++;
	}
	(void)prev;
}

static int household_type_at(const struct engine *e, int32_t hh, int32_t day)
{
	int type = e->h_type0[hh];
	int32_t best = INT32_MIN;
	for (int32_t c = e->h_chg[hh]; c >= 0; c = e->hchg.next[c])
		if ((e->hchg.val[c] & 0xF0) == 0x10 && e->hchg.date[c] <= day && e->hchg.date[c] >= best) {
			best = e->hchg.date[c];
			type = e->hchg.val[c] & 0x0F;
		}
	return type >= 1 && type <= 2 ? type : 1;
}

/* Poverty of a household for a year: the latest status given for that year
 * or an earlier one; the baseline status before any. */
static int household_poverty(const struct engine *e, int32_t hh, int year)
{
	int pov = e->h_pov0[hh];
	int32_t by = INT32_MIN, bd = INT32_MIN;
	for (int32_t c = e->h_chg[hh]; c >= 0; c = e->hchg.next[c]) {
		if ((e->hchg.val[c] & 0xF0) != 0x20 || e->hchg.year[c] > year)
			continue;
		if (e->hchg.year[c] > by || (e->hchg.year[c] == by && e->hchg.date[c] >= bd)) {
			by = e->hchg.year[c];
			bd = e->hchg.date[c];
			pov = e->hchg.val[c] & 0x0F;
		}
	}
	return pov <= 2 ? pov : 0;
}

struct stock_ctx {
	const struct engine *e;
	int32_t day;
	int year;
	const uint8_t *ages;
	uint8_t *seen_hh;
	struct eng_stock *out;
};

static inline void count_spell(struct stock_ctx *c, const struct eng_spells *s, size_t k)
{
	const struct engine *e = c->e;
	int32_t x = c->day - s->birth[k];
	if (x < 0)
		return;
	int age = x < AGE_DAYS ? c->ages[x] : 125;
	unsigned info = s->info[k];
	int sex = eng_info_sex(info) - 1;
	int32_t head = s->chg[k];
	int mar0 = eng_info_marital(info), fp0 = eng_info_method(info);
	int mar = head < 0 ? mar0 : eng_value_at(e, head, CHG_MARITAL, mar0, c->day);
	if (sex < 0 || sex > 1 || mar < 1 || mar > 5)
		return;
	c->out->pop[sex][age < 100 ? age : 100][mar - 1]++;
	if (sex == 1 && mar == MAR_MARRIED && age >= ENG_FP_AGE0 && age < ENG_FP_AGE0 + ENG_FP_AGES) {
		int fp = head < 0 ? fp0 : eng_value_at(e, head, CHG_FP, fp0, c->day);
		c->out->fp[age - ENG_FP_AGE0][fp <= 9 ? fp : 0]++;
	}
	int32_t hh = s->hh[k];
	if (!(c->seen_hh[hh >> 3] & (1u << (hh & 7)))) {
		c->seen_hh[hh >> 3] |= (uint8_t)(1u << (hh & 7));
		int type = household_type_at(e, hh, c->day);
		c->out->hh[type - 1][household_poverty(e, hh, c->year)]++;
	}
}

void eng_add_cells(void *dst, const void *src, size_t bytes)
{
	int32_t *d = dst;
	const int32_t *s = src;
	for (size_t i = 0; i < bytes / sizeof(int32_t); i++)
		d[i] += s[i];
}

/* Counts the spells of areas [a0, a1) present on the context's day. */
static void stock_areas(struct stock_ctx *c, const int32_t *area_col, size_t a0, size_t a1,
			struct eng_stock *out)
{
	const struct engine *e = c->e;
	for (size_t a = a0; a < a1; a++) {
		if (area_col[a] < 0)
			continue;
		c->out = &out[area_col[a]];
		const int32_t day = c->day;
		const struct eng_spells *s = &e->base;
		for (size_t k = e->area_off[a]; k < e->area_off[a + 1]; k++)
			if (s->from[k] <= day && day < s->to[k])
				count_spell(c, s, k);
		for (int32_t k = e->add_head[a]; k >= 0; k = e->add_next[k])
			if (e->added.from[k] <= day && day < e->added.to[k])
				count_spell(c, &e->added, (size_t)k);
	}
}

/* ---- flows ---- */

/*
 * A set of (person, column) pairs, for counting distinct persons, each with
 * the date and age of the person's earliest event in the column: a person
 * counts once, at the age of the first screening or check of the period,
 * whatever order the events are read in.
 */
struct pairset {
	uint64_t *slot;
	int32_t *date;
	uint8_t *age;
	size_t cap, n;
};

static size_t pair_home(uint64_t key, size_t cap)
{
	return (key * 0x9E3779B97F4A7C15ull) >> 20 & (cap - 1);
}

static int pairset_alloc(struct pairset *s, size_t cap)
{
	s->slot = calloc(cap, sizeof *s->slot);
	s->date = malloc(cap * sizeof *s->date);
	s->age = malloc(cap);
	s->cap = cap;
	s->n = 0;
	return s->slot && s->date && s->age ? 0 : -1;
}

static void pairset_free(struct pairset *s)
{
	free(s->slot);
	free(s->date);
	free(s->age);
}

static int pairset_add(struct pairset *s, int32_t person, int32_t col, int32_t date, int age)
{
	uint64_t key = ((uint64_t)(uint32_t)person << 20 | (uint32_t)col) + 1;
	if ((s->n + 1) * 2 > s->cap) {
		struct pairset ns;
		if (pairset_alloc(&ns, s->cap ? s->cap * 2 : 1024)) {
			pairset_free(&ns);
			return -1;
		}
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i])
				continue;
			size_t j = pair_home(s->slot[i], ns.cap);
			while (ns.slot[j])
				j = (j + 1) & (ns.cap - 1);
			ns.slot[j] = s->slot[i];
			ns.date[j] = s->date[i];
			ns.age[j] = s->age[i];
		}
		ns.n = s->n;
		pairset_free(s);
		*s = ns;
	}
	size_t j = pair_home(key, s->cap);
	while (s->slot[j]) {
		if (s->slot[j] == key) {
			if (date < s->date[j]) {
				s->date[j] = date;
				s->age[j] = (uint8_t)age;
			}
			return 0;
		}
		j = (j + 1) & (s->cap - 1);
	}
	s->slot[j] = key;
	s->date[j] = date;
	s->age[j] = (uint8_t)age;
	s->n++;
	return 1;
}

/*
 * The same, in dense form, for a kind with many events in the period (a
 * province's year of elderly checks): per person, a list of (column,
 * earliest date, its age), reached through an array indexed by person.
 * One array lookup per event and nothing to rehash; the pair sets would
 * be cleared and probed at random over a hundred megabytes at ten million
 * persons.
 */
struct dense_entry {
	int32_t col, date;
	uint32_t next; /* 1 + index of the person's next entry, 0: none */
	uint8_t age;
};
struct dense {
	uint32_t *head; /* person -> 1 + index of their first entry, 0: none */
	struct dense_entry *ent;
	size_t n, cap;
};

static int dense_add(struct dense *d, int32_t p, int32_t col, int32_t date, int age)
{
	for (uint32_t i = d->head[p]; i; i = d->ent[i - 1].next) {
		struct dense_entry *x = &d->ent[i - 1];
		if (x->col == col) {
			if (date < x->date) {
				x->date = date;
				x->age = (uint8_t)age;
			}
			return 0;
		}
	}
	if (d->n >= UINT32_MAX || !ds_grow(&d->ent, sizeof *d->ent, &d->cap, d->n, 1024))
		return -1;
	d->ent[d->n] = (struct dense_entry){col, date, d->head[p], (uint8_t)age};
	d->head[p] = (uint32_t)++d->n;
	return 1;
}

struct flow_ctx {
	const struct engine *e;
	const int32_t *area_col;
	const int32_t *area_commune;
	struct eng_flow *out;
	struct eng_flow *all;       /* distinct persons over every column together */
	bool is_dense[3];           /* prenatal, newborn, elderly: which form */
	struct pairset distinct[3];
	struct pairset distinct_all[3];
	struct dense dense[3];
	int failed;
};

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int eng_event_cols(const struct engine *e, const int32_t *area_col, const int32_t *area_commune,
		   int type, int32_t hh, int32_t a, int *col, int *col_from)
{
	*col = *col_from = -1;
	int32_t to = eng_hh_area(e, hh);
	if (type == EV_TRANSFER) {
		/* A move inside one commune is not migration. */
		if (a < 0 || to < 0 || area_commune[a] == area_commune[to])
			return 0;
		*col = area_col[to];
		*col_from = area_col[a];
		return 1;
	}
	*col = to >= 0 ? area_col[to] : -1;
	return 1;
}

static void count_event(struct flow_ctx *c, int type, int32_t date, int32_t p, int32_t hh, int32_t a,
			int age)
{
	const struct engine *e = c->e;
	int col, col_from;
	if (!eng_event_cols(e, c->area_col, c->area_commune, type, hh, a, &col, &col_from))
		return;
	int sex = e->p_sex[p] - 1;
	if (sex < 0 || sex > 1)
		return;
	age = clampi(age, 0, 100);
	if (type == EV_TRANSFER) {
		if (col >= 0)
			c->out[col].in[sex][age]++;
		if (col_from >= 0)
			c->out[col_from].out[sex][age]++;
		return;
	}
	if (col < 0)
		return;
	struct eng_flow *o = &c->out[col];
	int r;
	switch (type) {
	case EV_BIRTH: {
		int mage = clampi(age, ENG_MOTHER_AGE0, ENG_MOTHER_AGE0 + ENG_MOTHER_AGES - 1);
		int csex = reg_birth_sex(a) - 1, place = reg_birth_place(a) - 1;
		int order = clampi(reg_birth_order(a), 1, ENG_ORDERS);
		if (csex >= 0 && csex <= 1 && place >= 0 && place <= 3)
			o->birth[csex][mage - ENG_MOTHER_AGE0][order - 1][place]++;
		break;
	}
	case EV_DEATH: o->death[sex][age]++; break;
	case EV_MOVE_IN: o->in[sex][age]++; break;
	case EV_MOVE_OUT: o->out[sex][age]++; break;
	case EV_MARRIAGE: {
		int couple = !eng_marriage_spouse(a) || sex == 1;
		o->marriage[sex][age][reg_marriage_consang(a)][reg_marriage_premarital(a)][couple]++;
		break;
	}
	case EV_DIVORCE: o->divorce[sex][age]++; break;
	case EV_FP_START: {
		int y, m, d;
		day_to_ymd(date, &y, &m, &d);
		o->fp_start[reg_fp_method(a)][reg_fp_source(a)][household_poverty(e, hh, y)]++;
		break;
	}
	case EV_FP_STOP: o->fp_stop[reg_fp_method(a)]++; break;
	case EV_PREGNANCY: {
		int outcome = reg_pregnancy_outcome(a);
		if (outcome >= 1 && outcome <= 4)
			o->pregnancy[outcome - 1]++;
		break;
	}
	/* Distinct persons: in each column, and (for a total) over all of
	 * them, where a woman screened in two communes counts once; counted
	 * from the sets at the end (count_distinct). */
	case EV_PRENATAL_SCREENING:
	case EV_NEWBORN_SCREENING:
	case EV_ELDERLY_CHECK:
		if (type == EV_ELDERLY_CHECK && age < ENG_ELDER_AGE0)
			break;
		r = type == EV_PRENATAL_SCREENING ? 0 : type == EV_NEWBORN_SCREENING ? 1 : 2;
		if (c->is_dense[r]) {
			if (p > 0 && p <= e->maxp)
				c->failed |= dense_add(&c->dense[r], p, col, date, age) < 0;
			break;
		}
		c->failed |= pairset_add(&c->distinct[r], p, col, date, age) < 0;
		c->failed |= pairset_add(&c->distinct_all[r], p, 0, date, age) < 0;
		break;
	default: break;
	}
}

/* ---- finding a period's events (see eng_event_ranges) ---- */

size_t eng_window_start(const struct eng_events *v, size_t lo, size_t hi, int32_t w)
{
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (eng_window(v->date[mid]) < w)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First index in [lo, hi), inside one window, whose area is at least a. */
static size_t area_start(const struct engine *e, size_t lo, size_t hi, int32_t a)
{
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (eng_event_area(e, &e->ev, mid) < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int push_range(struct eng_range **v, size_t *n, size_t *cap, size_t lo, size_t hi)
{
	if (lo >= hi)
		return 0;
	if (*n && (*v)[*n - 1].hi == lo) {
		(*v)[*n - 1].hi = hi;
		return 0;
	}
	if (!ds_grow(v, sizeof **v, cap, *n, 64))
		return -1;
	(*v)[(*n)++] = (struct eng_range){lo, hi};
	return 0;
}

/* Below one area in this many, a query reads areas' blocks, not whole windows. */
#define FEW_AREAS 16

enum ds_rc eng_event_ranges(const struct engine *e, int32_t from, int32_t to,
			    const int32_t *area_col, struct eng_range **out, size_t *n)
{
	const struct eng_events *v = &e->ev;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (from > to)
		return DS_OK;
	size_t lo = eng_window_start(v, 0, v->n, eng_window(from));
	size_t end = eng_window_start(v, lo, v->n, eng_window(to) + 1);
	int32_t *areas = NULL;
	size_t na = 0;
	if (area_col) {
		for (size_t a = 0; a < e->nareas; a++)
			na += area_col[a] >= 0;
		if (na * FEW_AREAS < e->nareas && (areas = malloc((na + 1) * sizeof *areas))) {
			na = 0;
			for (size_t a = 0; a < e->nareas; a++)
				if (area_col[a] >= 0)
					areas[na++] = (int32_t)a;
		}
	}
	int failed = 0;
	if (!areas) {
		failed = push_range(out, n, &cap, lo, end);
	} else {
		/* Window by window: the block of area -1, then each area's. */
		while (lo < end && !failed) {
			size_t wend = eng_window_start(v, lo, end, eng_window(v->date[lo]) + 1);
			size_t pos = area_start(e, lo, wend, 0);
			failed = push_range(out, n, &cap, lo, pos);
			for (size_t k = 0; k < na && !failed && pos < wend; k++) {
				size_t s = area_start(e, pos, wend, areas[k]);
				pos = area_start(e, s, wend, areas[k] + 1);
				failed = push_range(out, n, &cap, s, pos);
			}
			lo = wend;
		}
	}
	free(areas);
	if (failed) {
		free(*out);
		*out = NULL;
		*n = 0;
		return DS_ENOMEM;
	}
	return DS_OK;
}

/* Room for n pairs without growing. */
static int pairset_reserve(struct pairset *s, size_t n)
{
	size_t cap = 1024;
	while (cap < n * 2)
		cap *= 2;
	return pairset_alloc(s, cap);
}

static void count_kind(struct eng_flow *o, int k, int sex, int age)
{
	if (k == 0)
		o->prenatal[age]++;
	else if (k == 1)
		o->newborn[sex]++;
	else
		o->elderly[sex][age - ENG_ELDER_AGE0]++;
}

/* Kind k's distinct persons into the cubes: per column, or all in one. */
static void count_distinct(struct flow_ctx *c, int k, const struct pairset *s, bool all)
{
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->slot[i])
			continue;
		uint64_t key = s->slot[i] - 1;
		int32_t p = (int32_t)(key >> 20);
		count_kind(all ? c->all : &c->out[key & 0xFFFFF], k, c->e->p_sex[p] - 1, s->age[i]);
	}
}

/* The same from the dense form: per column, and each person's earliest in all. */
static void count_dense(struct flow_ctx *c, int k, const struct dense *d)
{
	for (int64_t p = 1; p <= c->e->maxp; p++) {
		const struct dense_entry *first = NULL;
		int sex = c->e->p_sex[p] - 1;
		for (uint32_t i = d->head[p]; i; i = d->ent[i - 1].next) {
			const struct dense_entry *x = &d->ent[i - 1];
			count_kind(&c->out[x->col], k, sex, x->age);
			if (!first || x->date < first->date)
				first = x;
		}
		if (first)
			count_kind(c->all, k, sex, first->age);
	}
}

/* out has ncols + 1 cubes: the last gets the distinct-person counts over all columns. */
static enum ds_rc flow_pass(const struct engine *e, int32_t from, int32_t to, const int32_t *area_col,
			    const int32_t *area_commune, struct eng_flow *out, size_t ncols)
{
	struct flow_ctx c = {.e = e, .area_col = area_col, .area_commune = area_commune, .out = out,
			     .all = &out[ncols]};
	const struct eng_events *v = &e->ev;
	struct eng_range *rg;
	size_t nr;
	if (eng_event_ranges(e, from, to, area_col, &rg, &nr))
		return DS_ENOMEM;
	/* The distinct-person sets are sized from the screenings and checks
	 * the ranges hold, so that they never rehash. */
	size_t kinds[3] = {0, 0, 0};
	for (size_t r = 0; r < nr; r++)
		for (size_t i = rg[r].lo; i < rg[r].hi; i++) {
			uint8_t t = v->type[i];
			kinds[0] += t == EV_PRENATAL_SCREENING;
			kinds[1] += t == EV_NEWBORN_SCREENING;
			kinds[2] += t == EV_ELDERLY_CHECK;
		}
	for (int k = 0; k < 3; k++) {
		size_t many = kinds[k] + e->late.n;
		c.is_dense[k] = many > (size_t)e->maxp / 16;
		if (c.is_dense[k]) {
			c.dense[k].head = calloc((size_t)e->maxp + 1, sizeof *c.dense[k].head);
			c.failed |= !c.dense[k].head;
		} else {
			c.failed |= pairset_reserve(&c.distinct[k], many);
			c.failed |= pairset_reserve(&c.distinct_all[k], many);
		}
	}
	for (size_t r = 0; r < nr && !c.failed; r++)
		for (size_t i = rg[r].lo; i < rg[r].hi; i++)
			if (v->type[i] && v->date[i] >= from && v->date[i] <= to)
				count_event(&c, v->type[i], v->date[i], v->person[i], v->hh[i], v->a[i],
					    v->age[i]);
	free(rg);
	/* Later events come in recording order: the counts are sums, and
	 * distinct persons keep their earliest event whatever the order. */
	const struct eng_events *l = &e->late;
	for (size_t i = 0; i < l->n && !c.failed; i++)
		if (l->type[i] && l->date[i] >= from && l->date[i] <= to)
			count_event(&c, l->type[i], l->date[i], l->person[i], l->hh[i], l->a[i], l->age[i]);
	for (int k = 0; k < 3; k++) {
		if (!c.failed && c.is_dense[k]) {
			count_dense(&c, k, &c.dense[k]);
		} else if (!c.failed) {
			count_distinct(&c, k, &c.distinct[k], false);
			count_distinct(&c, k, &c.distinct_all[k], true);
		}
		pairset_free(&c.distinct[k]);
		pairset_free(&c.distinct_all[k]);
		free(c.dense[k].head);
		free(c.dense[k].ent);
	}
	return c.failed ? DS_ENOMEM : DS_OK;
}

/* ---- the query ---- */

/*
 * A query is up to two stocks (passes over the spells) and two flows
 * (passes over the events).  Two threads share the work: the stocks are cut
 * into chunks of areas that both threads take in turn from a shared
 * counter, each counting into its own cubes (a household lies in one area,
 * so its once-per-stock count stays in one chunk), and the flows are whole
 * tasks taken first.  The second thread's cubes are added at the end.
 */
#define STOCK_CHUNKS 32

struct work {
	const struct engine *e;
	const struct eng_query *q;
	const int32_t *area_col;
	const int32_t *area_commune;
	struct eng_flow *flow[2];
	int nflow;                     /* flows to compute (a repeated one is copied) */
	size_t cut[STOCK_CHUNKS + 1];  /* area boundaries of the chunks */
	int nstock;
	uint8_t *ages[2];              /* age tables of the stock dates, shared */
	int year[2];                   /* of the stock dates */
	int next;                      /* next task: flows, then stock chunks */
	pthread_mutex_t mu;
};

struct worker {
	struct work *w;
	struct eng_stock *stock[2]; /* this thread's cubes */
	uint8_t *seen[2];
	enum ds_rc rc;
};

static int take(struct work *w)
{
	pthread_mutex_lock(&w->mu);
	int t = w->next < w->nflow + w->nstock * STOCK_CHUNKS ? w->next++ : -1;
	pthread_mutex_unlock(&w->mu);
	return t;
}

static void *work_run(void *arg)
{
	struct worker *k = arg;
	struct work *w = k->w;
	const struct engine *e = w->e;
	int t;
	while (!k->rc && (t = take(w)) >= 0) {
		if (t < w->nflow) {
			k->rc = flow_pass(e, w->q->flow_from[t], w->q->flow_to[t], w->area_col,
					  w->area_commune, w->flow[t], w->q->ncols);
			continue;
		}
		t -= w->nflow;
		int i = t / STOCK_CHUNKS, chunk = t % STOCK_CHUNKS;
		struct stock_ctx c = {e, w->q->stock_date[i], w->year[i], w->ages[i], k->seen[i], NULL};
		stock_areas(&c, w->area_col, w->cut[chunk], w->cut[chunk + 1], k->stock[i]);
	}
	return NULL;
}

static enum ds_rc worker_init(struct worker *k, struct work *w, struct eng_stock **stock)
{
	k->w = w;
	k->rc = DS_OK;
	for (int i = 0; i < w->nstock; i++) {
		k->stock[i] = stock ? stock[i] : calloc(w->q->ncols + 1, sizeof *k->stock[i]);
		k->seen[i] = calloc((size_t)(w->e->maxh >> 3) + 2, 1);
		if (!k->stock[i] || !k->seen[i])
			return DS_ENOMEM;
	}
	return DS_OK;
}

static void worker_free(struct worker *k, bool own_stock)
{
	for (int i = 0; i < 2; i++) {
		if (own_stock)
			free(k->stock[i]);
		free(k->seen[i]);
	}
}

/* Chunk boundaries with about equal numbers of spells. */
static void cut_areas(const struct engine *e, size_t *cut)
{
	size_t total = e->area_off[e->nareas] + e->added.n, a = 0, acc = 0;
	cut[0] = 0;
	for (int c = 1; c < STOCK_CHUNKS; c++) {
		size_t goal = total / STOCK_CHUNKS * (size_t)c;
		while (a < e->nareas && acc < goal) {
			acc += e->area_off[a + 1] - e->area_off[a];
			a++;
		}
		cut[c] = a;
	}
	cut[STOCK_CHUNKS] = e->nareas;
}

enum ds_rc engine_query(const struct eng_view *v, const struct eng_query *q, struct eng_result *r)
{
	struct engine *e = eng_of(v);
	memset(r, 0, sizeof *r);
	r->ncols = q->ncols;
	r->unknown_col = -1;
	if (q->nstock > 2 || q->nflow > 2)
		return DS_EUSAGE;
	enum ds_rc rc = DS_OK;
	int32_t *area_col = malloc((e->nareas + 1) * sizeof *area_col);
	struct eng_unitmap *m = eng_map_for(e, q->map_date);
	if (!area_col || !m) {
		rc = DS_ENOMEM;
		goto out;
	}
	for (size_t a = 0; a < e->nareas; a++)
		area_col[a] = -1;
	for (size_t col = 0; col < q->ncols; col++) {
		int64_t id = eng_unit_id(e, q->units[col]);
		if (id < 0) {
			if (r->unknown_col < 0)
				r->unknown_col = (int)col;
			continue;
		}
		for (uint32_t k = m->off[id]; k < m->off[id + 1]; k++)
			area_col[m->areas[k]] = (int32_t)col;
	}
	for (int i = 0; i < q->nstock && !rc; i++)
		if (!(r->stock[i] = calloc(q->ncols + 1, sizeof *r->stock[i])))
			rc = DS_ENOMEM;
	for (int i = 0; i < q->nflow && !rc; i++)
		if (!(r->flow[i] = calloc(q->ncols + 1, sizeof *r->flow[i])))
			rc = DS_ENOMEM;
	if (rc)
		goto out;
	/* A second flow over the same days (the year to date of an annual
	 * report) is a copy of the first. */
	bool same_flow = q->nflow == 2 && q->flow_from[0] == q->flow_from[1] &&
			 q->flow_to[0] == q->flow_to[1];
	struct work w = {.e = e, .q = q, .area_col = area_col, .area_commune = m->area_commune,
			 .flow = {r->flow[0], r->flow[1]}, .nflow = q->nflow - same_flow,
			 .nstock = q->nstock};
	pthread_mutex_init(&w.mu, NULL);
	cut_areas(e, w.cut);
	for (int i = 0; i < q->nstock && !rc; i++) {
		if (!(w.ages[i] = malloc(AGE_DAYS))) {
			rc = DS_ENOMEM;
			break;
		}
		age_table(q->stock_date[i], w.ages[i]);
		int mo, d;
		day_to_ymd(q->stock_date[i], &w.year[i], &mo, &d);
	}
	struct worker mine = {0}, side = {0};
	if (!rc)
		rc = worker_init(&mine, &w, r->stock);
	/* A small query is not worth a thread. */
	bool want_side = !rc && (size_t)e->maxp > 50000 && w.nflow + w.nstock > 0;
	pthread_t th;
	bool threaded = want_side && worker_init(&side, &w, NULL) == DS_OK &&
			pthread_create(&th, NULL, work_run, &side) == 0;
	if (!rc) {
		work_run(&mine);
		rc = mine.rc;
	}
	if (threaded) {
		pthread_join(th, NULL);
		if (!rc)
			rc = side.rc;
		for (int i = 0; i < q->nstock && !rc; i++)
			eng_add_cells(r->stock[i], side.stock[i], (q->ncols + 1) * sizeof *r->stock[i]);
	}
	worker_free(&mine, false);
	worker_free(&side, true);
	free(w.ages[0]);
	free(w.ages[1]);
	pthread_mutex_destroy(&w.mu);
	if (!rc && same_flow)
		memcpy(r->flow[1], r->flow[0], (q->ncols + 1) * sizeof *r->flow[0]);
out:
	free(area_col);
	if (rc)
		eng_result_free(r);
	return rc;
}

void eng_result_free(struct eng_result *r)
{
	for (int i = 0; i < 2; i++) {
		free(r->stock[i]);
		free(r->flow[i]);
		r->stock[i] = NULL;
		r->flow[i] = NULL;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum ds_rc engine_units_under(const struct eng_view *view, const char *unit, enum reg_level level,
			      int32_t day, char ***codes, size_t *n)
{
	const struct engine *e = eng_of(view);
	size_t cap = 16, cnt = 0;
	char **v = malloc(cap * sizeof *v);
	enum ds_rc rc = v ? DS_OK : DS_ENOMEM;
	for (size_t i = 0; i < e->units.n && !rc; i++) {
		const struct reg_unit *u = &e->units.rows[i];
		if (u->level != level || (i && strcmp(e->units.rows[i - 1].code, u->code) == 0))
			continue;
		if (!reg_units_at(&e->units, u->code, day) ||
		    !reg_units_within(&e->units, u->code, unit, day))
			continue;
		if (cnt == cap) {
			char **nv = realloc(v, (cap *= 2) * sizeof *nv);
			if (!nv) {
				rc = DS_ENOMEM;
				break;
			}
			v = nv;
		}
		if (!(v[cnt] = strdup(u->code)))
			rc = DS_ENOMEM;
		else
			cnt++;
	}
	if (rc) {
		for (size_t i = 0; i < cnt; i++)
			free(v[i]);
		free(v);
		return rc;
	}
	qsort(v, cnt, sizeof *v, cmp_str);
	*codes = v;
	*n = cnt;
	return DS_OK;
}

/* The events among [lo, hi) of v dated from `from` to `to` in a wanted area. */
static void collect_in(const struct engine *e, const struct eng_events *v, size_t lo, size_t hi,
		       int32_t from, int32_t to, const int32_t *area_col, int64_t **seqs, size_t *n,
		       size_t *cap, int32_t **dates, int *failed)
{
	for (size_t i = lo; i < hi && !*failed; i++) {
		if (!v->type[i] || v->date[i] < from || v->date[i] > to)
			continue;
		int32_t a = eng_hh_area(e, v->hh[i]);
		int32_t from_area = v->type[i] == EV_TRANSFER ? v->a[i] : -1;
		if (!((a >= 0 && area_col[a] >= 0) || (from_area >= 0 && area_col[from_area] >= 0)))
			continue;
		size_t c1 = *cap, c2 = *cap;
		if (!ds_grow(seqs, sizeof **seqs, &c1, *n, 1024) ||
		    !ds_grow(dates, sizeof **dates, &c2, *n, 1024)) {
			*failed = 1;
			return;
		}
		*cap = c1;
		(*seqs)[*n] = v->seq[i];
		(*dates)[*n] = v->date[i];
		(*n)++;
	}
}

struct dated {
	int32_t date;
	int64_t seq;
};

static int dated_cmp(const void *pa, const void *pb)
{
	const struct dated *a = pa, *b = pb;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

enum ds_rc engine_events_in(const struct eng_view *v, const char *const *areas, size_t nareas,
			    int32_t from, int32_t to, int64_t **seqs, size_t *n)
{
	const struct engine *e = eng_of(v);
	*seqs = NULL;
	*n = 0;
	/* The wanted areas as one column, 0 (the others -1), as a query has them. */
	int32_t *area_col = malloc((e->nareas + 1) * sizeof *area_col);
	int32_t *dates = NULL;
	size_t cap = 0;
	int failed = !area_col;
	for (size_t a = 0; !failed && a <= e->nareas; a++)
		area_col[a] = -1;
	for (size_t i = 0; i < nareas && !failed; i++) {
		int64_t a;
		if (hmap_get(&e->area_index, areas[i], strlen(areas[i]), &a))
			area_col[a] = 0;
	}
	struct eng_range *rg = NULL;
	size_t nr = 0;
	if (!failed && eng_event_ranges(e, from, to, area_col, &rg, &nr))
		failed = 1;
	for (size_t r = 0; r < nr && !failed; r++)
		collect_in(e, &e->ev, rg[r].lo, rg[r].hi, from, to, area_col, seqs, n, &cap, &dates,
			   &failed);
	free(rg);
	if (!failed)
		collect_in(e, &e->late, 0, e->late.n, from, to, area_col, seqs, n, &cap, &dates, &failed);
	free(area_col);
	/* Late events are in recording order: put everything in date order. */
	struct dated *pairs = !failed ? malloc((*n + 1) * sizeof *pairs) : NULL;
	if (!failed && !pairs)
		failed = 1;
	for (size_t i = 0; i < *n && pairs; i++)
		pairs[i] = (struct dated){dates[i], (*seqs)[i]};
	if (pairs) {
		qsort(pairs, *n, sizeof *pairs, dated_cmp);
		for (size_t i = 0; i < *n; i++)
			(*seqs)[i] = pairs[i].seq;
	}
	free(pairs);
	free(dates);
	if (failed) {
		free(*seqs);
		*seqs = NULL;
		*n = 0;
		return DS_ENOMEM;
	}
	return DS_OK;
}
