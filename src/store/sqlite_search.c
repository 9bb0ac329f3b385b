/*
 * The SQLite backend's search tables filled in bulk (schema_v7 in
 * sqlite.c): during a bulk load the trigger that adds a new person's
 * search rows is dropped, each added person's keys are noted here, and at
 * the end they are sorted in C, on two threads, and inserted into the three
 * tables in their primary key order: SQLite appends to the right edge of
 * each B-tree of an empty table, and walks the others' pages in order.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/grow.h"
#include "store/sqlite_int.h"

/* One search row: a text (at off in the arena), then up to two integers
 * and the rid; pre is the text's first 16 bytes, big-endian, so that most
 * comparisons need not read the arena (folded names share their first 8
 * bytes by the thousand: "nguyen v"). */
struct skey {
	uint64_t pre[2];
	uint32_t hh, rid; /* record numbers, under 2^32 (sq_search_note) */
	uint32_t off;
	int32_t birth;
};

struct skeys {
	struct skey *v;
	size_t n, cap;
};

struct sq_search {
	/* The arena of NUL-terminated texts, at most 4 GB (32-bit offsets):
	 * about a hundred million persons' names and ids in one load. */
	struct buf text;
	struct skeys key, given, nid;
	size_t half; /* the keys are sorted in two runs, [0, half) and [half, n) */
};

enum ds_rc sq_search_start(struct store *st)
{
	struct sq *q = SQ(st);
	sq_search_free(q);
	q->search = calloc(1, sizeof *q->search);
	if (!q->search)
		return DS_ENOMEM;
	q->search->text.cap = UINT32_MAX;
	return DS_OK;
}

void sq_search_free(struct sq *q)
{
	struct sq_search *s = q->search;
	if (!s)
		return;
	buf_free(&s->text);
	free(s->key.v);
	free(s->given.v);
	free(s->nid.v);
	free(s);
	q->search = NULL;
}

/* A search row of text t (len bytes, at off), with its first 16 bytes as
 * two big-endian numbers, zeros after the end. */
static struct skey skey_of(const char *t, size_t len, uint32_t off, int32_t birth, uint32_t hh,
			   uint32_t rid)
{
	unsigned char b[16] = {0};
	memcpy(b, t, len < 16 ? len : 16);
	uint64_t w[2];
	memcpy(w, b, 16);
	return (struct skey){.pre = {__builtin_bswap64(w[0]), __builtin_bswap64(w[1])},
			     .hh = hh,
			     .rid = rid,
			     .off = off,
			     .birth = birth};
}

/* The arena offset of a copy of t (len bytes), with its NUL. */
static enum ds_rc hold(struct sq_search *s, const char *t, size_t len, uint32_t *off)
{
	*off = (uint32_t)s->text.len;
	return buf_append(&s->text, t, len + 1);
}

static enum ds_rc push(struct skeys *k, struct skey e)
{
	if (!ds_grow(&k->v, sizeof *k->v, &k->cap, k->n, 4096))
		return DS_ENOMEM;
	k->v[k->n++] = e;
	return DS_OK;
}

enum ds_rc sq_search_note(struct sq *q, const char *key, const struct store_lengths *len, const char *nid,
			  int32_t birth, int64_t hh, int64_t rid)
{
	struct sq_search *s = q->search;
	if (hh < 0 || rid < 0 || hh > UINT32_MAX || rid > UINT32_MAX)
		return DS_ELIMIT; /* four billion rows: more than a bulk load holds */
	uint32_t off;
	size_t kl = len->key, gl = len->given;
	const char *given = key + kl - gl;
	enum ds_rc rc = hold(s, key, kl, &off);
	/* The given name is the key's last word: its tail in the arena. */
	uint32_t goff = off + (uint32_t)(kl - gl);
	if (!rc)
		rc = push(&s->key, skey_of(key, kl, off, 0, 0, (uint32_t)rid));
	if (!rc)
		rc = push(&s->given, skey_of(given, gl, goff, birth, (uint32_t)hh, (uint32_t)rid));
	if (!rc && len->national_id) {
		size_t nl = len->national_id;
		if (!(rc = hold(s, nid, nl, &off)))
			rc = push(&s->nid, skey_of(nid, nl, off, 0, 0, (uint32_t)rid));
	}
	return rc;
}

static inline int skey_cmp(const struct skey *a, const struct skey *b, const char *text)
{
	for (int w = 0; w < 2; w++)
		if (a->pre[w] != b->pre[w])
			return a->pre[w] < b->pre[w] ? -1 : 1;
	/* Equal first 16 bytes, the 16th a NUL: the same text, shorter than 16. */
	int c = (a->pre[1] & 0xff) == 0 ? 0 : strcmp(text + a->off, text + b->off);
	if (c)
		return c;
	if (a->birth != b->birth)
		return a->birth < b->birth ? -1 : 1;
	if (a->hh != b->hh)
		return a->hh < b->hh ? -1 : 1;
	return (a->rid > b->rid) - (a->rid < b->rid);
}

static inline void skey_swap(struct skey *a, struct skey *b)
{
	struct skey t = *a;
	*a = *b;
	*b = t;
}

/* Quicksort with the comparison inlined (qsort_r calls it through a
 * pointer and sorts rows over 32 bytes through an array of pointers):
 * median of three, insertion sort below 16 rows, the smaller side first. */
static void sort_range(struct skey *v, size_t n, const char *text)
{
	while (n > 16) {
		struct skey *a = v, *m = v + n / 2, *z = v + n - 1;
		if (skey_cmp(m, a, text) < 0)
			skey_swap(m, a);
		if (skey_cmp(z, m, text) < 0) {
			skey_swap(z, m);
			if (skey_cmp(m, a, text) < 0)
				skey_swap(m, a);
		}
		struct skey pivot = *m;
		size_t i = 0, j = n - 1;
		for (;;) {
			while (skey_cmp(&v[i], &pivot, text) < 0)
				i++;
			while (skey_cmp(&pivot, &v[j], text) < 0)
				j--;
			if (i >= j)
				break;
			skey_swap(&v[i], &v[j]);
			i++;
			j--;
		}
		/* [0, j] and [j + 1, n) */
		size_t left = j + 1;
		if (left < n - left) {
			sort_range(v, left, text);
			v += left;
			n -= left;
		} else {
			sort_range(v + left, n - left, text);
			n = left;
		}
	}
	for (size_t i = 1; i < n; i++) {
		struct skey x = v[i];
		size_t j = i;
		for (; j > 0 && skey_cmp(&x, &v[j - 1], text) < 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void sort_one(struct skeys *k, const char *text)
{
	sort_range(k->v, k->n, text);
}

/* The keys' second half, from `half` on. */
static void *sort_key_half(void *arg)
{
	struct sq_search *s = arg;
	sort_range(s->key.v + s->half, s->key.n - s->half, s->text.data);
	return NULL;
}

static void *sort_others(void *arg)
{
	struct sq_search *s = arg;
	sort_one(&s->given, s->text.data);
	sort_one(&s->nid, s->text.data);
	return NULL;
}

/* Two sorted runs of rows read as one, in order. */
struct runs {
	const struct skey *a, *b;
	size_t na, nb, i, j;
	const char *text;
	bool wide;    /* rows of (text, birth, hh, rid), not (text, rid) */
	size_t quota; /* rows this statement's step may still take */
};

/* The next row of r in order; asks for the text of the rows 32 ahead in
 * each run (the texts are in the order they came, the rows in key order). */
static const struct skey *runs_next(struct runs *r)
{
	bool from_a = r->j >= r->nb || (r->i < r->na && skey_cmp(&r->a[r->i], &r->b[r->j], r->text) < 0);
	const struct skey *e = from_a ? &r->a[r->i++] : &r->b[r->j++];
	size_t ahead = from_a ? r->i + 31 : r->j + 31;
	if (ahead < (from_a ? r->na : r->nb))
		__builtin_prefetch(r->text + (from_a ? r->a : r->b)[ahead].off);
	return e;
}

static const void *runs_row(struct sq_rows *r)
{
	struct runs *in = r->ctx;
	if (!in->quota || (in->i == in->na && in->j == in->nb))
		return NULL;
	in->quota--;
	return runs_next(in);
}

/* A row's values: (text, rid) or, wide, (text, birth, hh, rid). */
static void key_column(const struct sq_rows *r, const void *row, int col, sqlite3_context *c)
{
	const struct runs *in = r->ctx;
	const struct skey *e = row;
	if (col == 0)
		sqlite3_result_text(c, in->text + e->off, -1, SQLITE_STATIC);
	else if (in->wide && col == 1)
		sqlite3_result_int(c, e->birth);
	else if (in->wide && col == 2)
		sqlite3_result_int64(c, e->hh);
	else
		sqlite3_result_int64(c, e->rid);
}

/* Rows to one step of the append: SQLite keeps a statement journal of
 * the pages a step changes (in memory), which in a table that has rows
 * (a district's baseline added to a province) would otherwise grow to
 * the table's size. */
#define APPEND_STEP 4096

/* Appends one table's rows, sorted in one or two runs (k's [0, half) and
 * [half, n)), read by SQLite in order, APPEND_STEP to a step. */
static enum ds_rc append(struct store *st, const struct sq_search *s, const struct skeys *k, size_t half,
			 const char *table, bool wide)
{
	char sql[96];
	snprintf(sql, sizeof sql, "INSERT INTO %s SELECT c0, c1%s FROM danso_rows", table, wide ? ", c2, c3" : "");
	sqlite3_stmt *stmt = NULL;
	if (sq_prepare(st, sql, &stmt))
		return DS_EDB;
	struct runs in = {k->v, k->v + half, half, k->n - half, 0, 0, s->text.data, wide, 0};
	struct sq_rows src = {.next = runs_row, .column = key_column, .ctx = &in};
	enum ds_rc rc = DS_OK;
	while (!rc && (in.i < in.na || in.j < in.nb)) {
		in.quota = APPEND_STEP;
		rc = sq_rows_done(st, stmt, &src, table);
	}
	sqlite3_finalize(stmt);
	return rc;
}

enum ds_rc sq_search_fill(struct store *st)
{
	struct sq_search *s = SQ(st)->search;
	/* The keys sort in two halves, one on each thread, and go in merged,
	 * while the given names and national ids sort on the other thread. */
	s->half = s->key.n / 2;
	pthread_t t;
	bool two = pthread_create(&t, NULL, sort_key_half, s) == 0;
	sort_range(s->key.v, s->half, s->text.data);
	if (two)
		pthread_join(t, NULL);
	else
		sort_key_half(s);
	two = pthread_create(&t, NULL, sort_others, s) == 0;
	enum ds_rc rc = append(st, s, &s->key, s->half, "person_by_key", false);
	if (two)
		pthread_join(t, NULL);
	else
		sort_others(s);
	if (!rc)
		rc = append(st, s, &s->given, s->given.n, "person_by_given", true);
	if (!rc)
		rc = append(st, s, &s->nid, s->nid.n, "person_by_nid", false);
	sq_search_free(SQ(st));
	return rc;
}
