/*
 * Distinct persons: women screened in pregnancy, newborns screened and
 * persons of 60 and over checked are counted once per column, and once
 * over all columns together (a woman screened in two communes is one
 * woman screened in the province), at the age of their earliest event of
 * the period, whatever order the events are read in.
 */
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "engine/engine_int.h"

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
	int32_t *who; /* the persons with an entry, in the order first met */
	size_t nwho, capwho;
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
	if (d->n >= UINT32_MAX ||
	    (d->n >= d->cap && !ds_grow(&d->ent, sizeof *d->ent, &d->cap, d->n, 1024)))
		return -1;
	if (!d->head[p]) {
		if (d->nwho >= d->capwho && !ds_grow(&d->who, sizeof *d->who, &d->capwho, d->nwho, 1024))
			return -1;
		d->who[d->nwho++] = p;
	}
	d->ent[d->n] = (struct dense_entry){col, date, d->head[p], (uint8_t)age};
	d->head[p] = (uint32_t)++d->n;
	return 1;
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

/* One set per kind: pair sets for few events, the dense form for many. */
struct eng_distinct {
	const struct engine *e;
	bool is_dense[ENG_DISTINCT_KINDS];
	struct pairset cols[ENG_DISTINCT_KINDS]; /* (person, column) */
	struct pairset all[ENG_DISTINCT_KINDS];  /* (person, 0) */
	struct dense dense[ENG_DISTINCT_KINDS];
};

struct eng_distinct *eng_distinct_new(const struct engine *e, const size_t events[ENG_DISTINCT_KINDS])
{
	struct eng_distinct *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->e = e;
	int failed = 0;
	for (int k = 0; k < ENG_DISTINCT_KINDS; k++) {
		d->is_dense[k] = events[k] > (size_t)e->maxp / 16;
		if (d->is_dense[k]) {
			/* Room for every event of the kind: nothing grows while counting. */
			struct dense *x = &d->dense[k];
			x->head = calloc((size_t)e->maxp + 1, sizeof *x->head);
			failed |= !x->head || !ds_grow(&x->ent, sizeof *x->ent, &x->cap, events[k], 1024) ||
				  !ds_grow(&x->who, sizeof *x->who, &x->capwho, events[k], 1024);
		} else {
			failed |= pairset_reserve(&d->cols[k], events[k]);
			failed |= pairset_reserve(&d->all[k], events[k]);
		}
	}
	if (failed) {
		eng_distinct_free(d);
		return NULL;
	}
	return d;
}

void eng_distinct_free(struct eng_distinct *d)
{
	if (!d)
		return;
	for (int k = 0; k < ENG_DISTINCT_KINDS; k++) {
		pairset_free(&d->cols[k]);
		pairset_free(&d->all[k]);
		free(d->dense[k].head);
		free(d->dense[k].ent);
		free(d->dense[k].who);
	}
	free(d);
}

int eng_distinct_add(struct eng_distinct *d, int kind, int32_t person, int32_t col, int32_t date,
		     int age)
{
	if (d->is_dense[kind]) {
		if (person <= 0 || person > d->e->maxp)
			return 0;
		return dense_add(&d->dense[kind], person, col, date, age) < 0 ? -1 : 0;
	}
	if (pairset_add(&d->cols[kind], person, col, date, age) < 0 ||
	    pairset_add(&d->all[kind], person, 0, date, age) < 0)
		return -1;
	return 0;
}

/* Kind k's pairs into the cubes: per column, or all into one. */
static void count_pairs(const struct engine *e, int k, const struct pairset *s,
			struct eng_flow *cols, struct eng_flow *all)
{
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->slot[i])
			continue;
		uint64_t key = s->slot[i] - 1;
		int32_t p = (int32_t)(key >> 20);
		count_kind(all ? all : &cols[key & 0xFFFFF], k, e->p_sex[p] - 1, s->age[i]);
	}
}

/* The same from the dense form: per column, and each person's earliest in
 * all; only the persons met are visited, not every person of the engine. */
static void count_dense(const struct engine *e, int k, const struct dense *d,
			struct eng_flow *cols, struct eng_flow *all)
{
	for (size_t w = 0; w < d->nwho; w++) {
		int32_t p = d->who[w];
		const struct dense_entry *first = NULL;
		int sex = e->p_sex[p] - 1;
		for (uint32_t i = d->head[p]; i; i = d->ent[i - 1].next) {
			const struct dense_entry *x = &d->ent[i - 1];
			count_kind(&cols[x->col], k, sex, x->age);
			if (!first || x->date < first->date)
				first = x;
		}
		if (first)
			count_kind(all, k, sex, first->age);
	}
}

void eng_distinct_count(const struct eng_distinct *d, struct eng_flow *cols, struct eng_flow *all)
{
	for (int k = 0; k < ENG_DISTINCT_KINDS; k++) {
		if (d->is_dense[k]) {
			count_dense(d->e, k, &d->dense[k], cols, all);
		} else {
			count_pairs(d->e, k, &d->cols[k], cols, NULL);
			count_pairs(d->e, k, &d->all[k], cols, all);
		}
	}
}
