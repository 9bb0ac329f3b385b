/*
 * The book: every workflow record in memory, and which one is current for
 * each (kind, unit, key).  Loaded from the store at start and kept current
 * by catch-up after each commit (and by the follower for other servers'
 * writes), like the engine.  Readers ask through callbacks that run under
 * the book's read lock.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/hmap.h"
#include "records/book.h"

struct rec_book {
	pthread_rwlock_t lock;
	struct rec_entry *v; /* in seq order */
	size_t n, cap;
	struct hmap current; /* "kind\x1funit\x1fkey" -> index of the latest, cancels included */
	struct hmap by_id;   /* id -> index */
	int64_t last_seq;
};

struct rec_book *rec_book_new(void)
{
	struct rec_book *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	pthread_rwlock_init(&b->lock, NULL);
	return b;
}

void rec_book_free(struct rec_book *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		json_decref(b->v[i].body);
		free(b->v[i].key);
	}
	free(b->v);
	hmap_free(&b->current);
	hmap_free(&b->by_id);
	pthread_rwlock_destroy(&b->lock);
	free(b);
}

/* The map key of (kind, unit, key) into out; its length. */
static size_t slot_key(const char *kind, const char *unit, const char *key, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s\x1f%s\x1f%s", kind, unit, key);
	return n < 0 ? 0 : (size_t)n < outsz ? (size_t)n : outsz - 1;
}

/* Adds one stored record (under the write lock). */
static enum ds_rc add(struct rec_book *b, const struct store_record *sr)
{
	json_error_t err;
	json_t *obj = json_loads(sr->body, JSON_REJECT_DUPLICATES, &err);
	if (!obj) {
		fprintf(stderr, "records: record %lld is not JSON: %s\n", (long long)sr->seq, err.text);
		return DS_EDB;
	}
	if (!ds_grow(&b->v, sizeof *b->v, &b->cap, b->n, 256)) {
		json_decref(obj);
		return DS_ENOMEM;
	}
	const struct rec_kind *kind = rec_kind_find(sr->kind);
	struct rec_entry *e = &b->v[b->n];
	*e = (struct rec_entry){.seq = sr->seq, .kind = kind ? kind->name : "", .date = sr->date,
				.recorded_at = sr->recorded_at, .prev = -1};
	memcpy(e->id, sr->id, 16);
	snprintf(e->unit, sizeof e->unit, "%s", sr->unit);
	snprintf(e->recorded_by, sizeof e->recorded_by, "%s", sr->recorded_by);
	e->cancel = json_is_true(json_object_get(obj, "cancel"));
	e->body = json_incref(json_object_get(obj, "body"));
	json_decref(obj);
	if (!(e->key = strdup(sr->key))) {
		json_decref(e->body);
		return DS_ENOMEM;
	}
	char k[REC_KIND_MAX + REG_UNIT_CODE_MAX + REC_KEY_MAX + 4];
	size_t kn = slot_key(sr->kind, sr->unit, sr->key, k, sizeof k);
	int64_t prev;
	enum ds_rc rc = DS_OK;
	if (hmap_get(&b->current, k, kn, &prev)) {
		e->prev = prev;
		hmap_set(&b->current, k, kn, (int64_t)b->n);
	} else {
		rc = hmap_put(&b->current, k, kn, (int64_t)b->n, NULL, NULL);
	}
	if (!rc)
		rc = hmap_put(&b->by_id, sr->id, 16, (int64_t)b->n, NULL, NULL);
	if (rc) {
		free(e->key);
		json_decref(e->body);
		return rc;
	}
	b->n++;
	b->last_seq = sr->seq;
	return DS_OK;
}

static enum ds_rc add_cb(const struct store_record *sr, void *arg)
{
	return add(arg, sr);
}

enum ds_rc rec_book_catch_up(struct rec_book *b, struct store *st)
{
	pthread_rwlock_wrlock(&b->lock);
	enum ds_rc rc = store_each_record(st, b->last_seq, add_cb, b);
	pthread_rwlock_unlock(&b->lock);
	return rc;
}

int64_t rec_book_last_seq(struct rec_book *b)
{
	pthread_rwlock_rdlock(&b->lock);
	int64_t s = b->last_seq;
	pthread_rwlock_unlock(&b->lock);
	return s;
}

bool rec_book_current(struct rec_book *b, const char *kind, const char *unit, const char *key,
		      void (*fn)(const struct rec_entry *, void *), void *arg)
{
	char k[REC_KIND_MAX + REG_UNIT_CODE_MAX + REC_KEY_MAX + 4];
	size_t kn = slot_key(kind, unit, key, k, sizeof k);
	pthread_rwlock_rdlock(&b->lock);
	int64_t i;
	bool found = hmap_get(&b->current, k, kn, &i) && !b->v[i].cancel;
	if (found && fn)
		fn(&b->v[i], arg);
	pthread_rwlock_unlock(&b->lock);
	return found;
}

void rec_book_each(struct rec_book *b, const char *kind,
		   bool (*fn)(const struct rec_entry *, void *), void *arg)
{
	pthread_rwlock_rdlock(&b->lock);
	for (size_t i = 0; i < b->n; i++) {
		const struct rec_entry *e = &b->v[i];
		if (strcmp(e->kind, kind) != 0 || e->cancel)
			continue;
		/* Current: the latest of its slot. */
		char k[REC_KIND_MAX + REG_UNIT_CODE_MAX + REC_KEY_MAX + 4];
		int64_t latest;
		size_t kn = slot_key(e->kind, e->unit, e->key, k, sizeof k);
		if (hmap_get(&b->current, k, kn, &latest) && (size_t)latest == i && !fn(e, arg))
			break;
	}
	pthread_rwlock_unlock(&b->lock);
}

void rec_book_history(struct rec_book *b, const char *kind, const char *unit, const char *key,
		      bool (*fn)(const struct rec_entry *, void *), void *arg)
{
	char k[REC_KIND_MAX + REG_UNIT_CODE_MAX + REC_KEY_MAX + 4];
	size_t kn = slot_key(kind, unit, key, k, sizeof k);
	pthread_rwlock_rdlock(&b->lock);
	int64_t i;
	if (hmap_get(&b->current, k, kn, &i))
		for (; i >= 0 && fn(&b->v[i], arg); i = b->v[i].prev)
			;
	pthread_rwlock_unlock(&b->lock);
}

/* ---- targets ---- */

static void target_value(const struct rec_entry *e, void *arg)
{
	*(double *)arg = json_number_value(json_object_get(e->body, "value"));
}

double rec_target(struct rec_book *b, const char *unit, int year, const char *indicator)
{
	char key[REC_KEY_MAX + 1];
	snprintf(key, sizeof key, "%d/%s", year, indicator);
	double v = 0.0 / 0.0;
	rec_book_current(b, "target", unit, key, target_value, &v);
	return v;
}
