/*
 * Distinct persons: women screened in pregnancy, newborns screened and
 * persons of 60 and over checked are counted once per column, and once
 * over all columns together (a woman screened in two communes is one
 * woman screened in the province), at the age of their earliest event of
 * the period, whatever order the events are read in.
 *
 * The events are written down as they are met, one after the other, each
 * into the bucket of its range of persons (2^21 keys of person and kind:
 * about 700,000 persons), then each bucket's events are put in order of
 * person and kind by a radix sort (stable, so that a person's events keep
 * the order they were met in), and counted in one pass over each person's
 * few events.  The memory is read and written in sequence: no set probed
 * at random over the whole register, nothing the size of the register
 * cleared for every query.  A bucket's share of the two bitmaps of
 * persons met (count_singles) is 256 kB each, within the core's own cache
 * where the whole register's (16 MB each for 43 million persons) missed
 * every cache on nearly every event.
 */
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "engine/engine_int.h"

/* One event: key = person * ENG_DISTINCT_KINDS + kind; the person's sex
 * (0, 1) in the padding. */
struct met {
	uint32_t key;
	int32_t date;
	int32_t col;
	uint8_t age, sex;
};

struct mets {
	struct met *v;
	size_t n, cap;
};

int eng_distinct_bucket_bits = 21;

struct eng_distinct {
	const struct engine *e;
	int shift;        /* a key's bucket: key >> shift */
	struct mets *b;   /* nb buckets */
	size_t nb;
};

/* The largest key of the register's persons. */
static uint32_t max_key(const struct engine *e)
{
	return (uint32_t)e->maxp * ENG_DISTINCT_KINDS + ENG_DISTINCT_KINDS - 1;
}

struct eng_distinct *eng_distinct_new(const struct engine *e)
{
	struct eng_distinct *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->e = e;
	d->shift = eng_distinct_bucket_bits;
	d->nb = ((size_t)max_key(e) >> d->shift) + 1;
	if (!(d->b = calloc(d->nb, sizeof *d->b))) {
		free(d);
		return NULL;
	}
	return d;
}

void eng_distinct_free(struct eng_distinct *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nb; i++)
		free(d->b[i].v);
	free(d->b);
	free(d);
}

int eng_distinct_add(struct eng_distinct *d, int kind, int32_t person, int sex, int32_t col,
		     int32_t date, int age)
{
	if (person <= 0 || person > d->e->maxp)
		return 0;
	uint32_t key = (uint32_t)person * ENG_DISTINCT_KINDS + (uint32_t)kind;
	struct mets *b = &d->b[key >> d->shift];
	if (b->n >= b->cap && !ds_grow(&b->v, sizeof *b->v, &b->cap, b->n, 256))
		return -1;
	b->v[b->n++] = (struct met){key, date, col, (uint8_t)age, (uint8_t)sex};
	return 0;
}

static void count_kind(struct eng_flow *o, int k, int sex, int age)
{
	if (k == ENG_PRENATAL)
		o->prenatal[age]++;
	else if (k == ENG_NEWBORN)
		o->newborn[sex]++;
	else
		o->elderly[sex][age - ENG_ELDER_AGE0]++;
}

/*
 * Sorts v[0..n), keys that differ only in the bits of low (a bucket's),
 * by key, stably, in passes of up to 13 bits (a table of RADIX_COUNTS
 * counts stays in the first caches); tmp has room for n.  Returns the
 * sorted array: v or tmp.
 */
#define RADIX_COUNTS 8192
static struct met *radix_sort(struct met *v, struct met *tmp, size_t n, uint32_t low,
			      size_t *count)
{
	int bits = 0;
	while (bits < 32 && (low >> bits))
		bits++;
	int passes = (bits + 12) / 13;
	if (!passes)
		return v;
	int digit = (bits + passes - 1) / passes;
	size_t nb = (size_t)1 << digit;
	for (int p = 0; p < passes; p++) {
		int shift = p * digit;
		uint32_t mask = (uint32_t)(nb - 1);
		memset(count, 0, nb * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[(v[i].key >> shift) & mask]++;
		size_t sum = 0;
		for (size_t b = 0; b < nb; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(v[i].key >> shift) & mask]++] = v[i];
		struct met *t = v;
		v = tmp;
		tmp = t;
	}
	return v;
}

/*
 * With marks: a first pass marks each key met once, and again in the
 * second bitmap when met more than once; the persons met once are counted
 * as they are (their only event is their earliest), and only the others
 * are sorted, kept in the order they were met.  The bits are cleared as
 * they are read.  Returns how many of v are left to sort.
 */
static size_t count_singles(const struct engine *e, struct mets *b, uint64_t *marks,
			    struct eng_flow *cols, struct eng_flow *all)
{
	uint64_t *once = marks, *twice = marks + eng_distinct_words(e);
	struct met *v = b->v;
	for (size_t i = 0; i < b->n; i++) {
		uint32_t k = v[i].key;
		uint64_t bit = 1ull << (k & 63);
		twice[k >> 6] |= once[k >> 6] & bit;
		once[k >> 6] |= bit;
	}
	size_t m = 0;
	for (size_t i = 0; i < b->n; i++) {
		uint32_t k = v[i].key;
		uint64_t bit = 1ull << (k & 63);
		if (twice[k >> 6] & bit) {
			v[m++] = v[i];
			continue;
		}
		once[k >> 6] &= ~bit;
		int kind = (int)(k % ENG_DISTINCT_KINDS);
		count_kind(&cols[v[i].col], kind, v[i].sex, v[i].age);
		count_kind(all, kind, v[i].sex, v[i].age);
	}
	for (size_t i = 0; i < m; i++) {
		uint32_t k = v[i].key;
		once[k >> 6] &= ~(1ull << (k & 63));
		twice[k >> 6] &= ~(1ull << (k & 63));
	}
	return m;
}

/* The persons of one bucket's n events, v sorted by key. */
static void count_sorted(const struct met *v, size_t n, struct eng_flow *cols, struct eng_flow *all)
{
	/* A person's events of one kind: per column, its earliest; over all,
	 * the earliest of all.  A run is a handful of events at most. */
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && v[j].key == v[i].key)
			j++;
		int kind = (int)(v[i].key % ENG_DISTINCT_KINDS);
		int sex = v[i].sex;
		size_t first = i;
		for (size_t x = i; x < j; x++) {
			if (v[x].date < v[first].date)
				first = x;
			/* x counts in its column when no event of that column came
			 * earlier (or the same day and met before it). */
			size_t y;
			for (y = i; y < j; y++)
				if (y != x && v[y].col == v[x].col &&
				    (v[y].date < v[x].date || (v[y].date == v[x].date && y < x)))
					break;
			if (y == j)
				count_kind(&cols[v[x].col], kind, sex, v[x].age);
		}
		count_kind(all, kind, sex, v[first].age);
		i = j;
	}
}

int eng_distinct_count(struct eng_distinct *d, struct eng_flow *cols, struct eng_flow *all,
		       uint64_t *marks)
{
	size_t most = 0;
	for (size_t i = 0; i < d->nb; i++)
		if (d->b[i].n > most)
			most = d->b[i].n;
	if (!most)
		return 0;
	/* Everything allocated before anything is counted. */
	struct met *tmp = malloc(most * sizeof *tmp);
	size_t *count = malloc(RADIX_COUNTS * sizeof *count);
	if (!tmp || !count) {
		free(tmp);
		free(count);
		return -1;
	}
	/* The bits a bucket's keys differ in (all of the register's when it
	 * has one bucket). */
	uint32_t low = ((uint32_t)1 << d->shift) - 1;
	if (max_key(d->e) < low)
		low = max_key(d->e);
	for (size_t i = 0; i < d->nb; i++) {
		struct mets *b = &d->b[i];
		size_t n = marks ? count_singles(d->e, b, marks, cols, all) : b->n;
		count_sorted(radix_sort(b->v, tmp, n, low, count), n, cols, all);
	}
	free(tmp);
	free(count);
	return 0;
}
