/*
 * The passive events by person after the marks (sqlite_int.h): a map each
 * connection keeps of the log's tail, so that recording a check, a
 * screening or a pregnancy writes no page of an index by person.
 *
 * Each connection keeps, for each of the SQ_PASSIVE_SLICES slices of
 * persons, the (person, seq) of the passive events after the slice's mark,
 * up to `upto`, the log's last seq it has read.  Brought up to date before
 * each use (sq_passive_sync): the marks read again when another connection
 * committed (PRAGMA data_version moved) or after a rollback, the entries
 * a moved mark covers dropped, the log read after `upto`.  A transaction
 * that recorded passive events moves into event_passive, before it
 * commits, the slice whose mark is the oldest and any other far behind
 * (sq_passive_commit), so that each of the table's pages takes many rows
 * at once and no commit of a steady flow moves them all.
 */
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "register/rules.h"
#include "store/sqlite_int.h"

struct tail_row {
	int64_t person, seq;
};

struct sq_passive {
	int64_t mark[SQ_PASSIVE_SLICES];
	int64_t upto;         /* the log read up to here */
	int64_t data_version; /* when the marks were read */
	bool valid;           /* false: the marks and the map read again */
	struct {
		struct tail_row *v;
		size_t n, cap;
	} tail[SQ_PASSIVE_SLICES];
};

static int slice_of(int64_t person)
{
	return (int)((person >> 10) & (SQ_PASSIVE_SLICES - 1));
}

static const char sql_marks[] = "SELECT slice, upto FROM passive_mark";
static const char sql_mark_set[] = "UPDATE passive_mark SET upto = ?2 WHERE slice = ?1";
static const char sql_tail[] = "SELECT seq, person FROM event WHERE seq > ?1 AND seq <= ?2 AND NOT ("
			       STORE_NOT_PASSIVE ")";
static const char sql_max_seq[] = "SELECT coalesce(max(seq), 0) FROM event";
static const char sql_version[] = "PRAGMA data_version";

void sq_passive_free(struct sq *q)
{
	struct sq_passive *p = q->passive;
	if (!p)
		return;
	for (int i = 0; i < SQ_PASSIVE_SLICES; i++)
		free(p->tail[i].v);
	free(p);
	q->passive = NULL;
}

/* Keeps the entries of slice i with seq in (above, upto]. */
static void keep_between(struct sq_passive *p, int i, int64_t above, int64_t upto)
{
	size_t m = 0;
	for (size_t k = 0; k < p->tail[i].n; k++)
		if (p->tail[i].v[k].seq > above && p->tail[i].v[k].seq <= upto)
			p->tail[i].v[m++] = p->tail[i].v[k];
	p->tail[i].n = m;
}

static enum ds_rc read_marks(struct store *st, struct sq_passive *p)
{
	sqlite3_stmt *s = sq_stmt(st, sql_marks);
	if (!s)
		return DS_EDB;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t i = sqlite3_column_int64(s, 0);
		if (i >= 0 && i < SQ_PASSIVE_SLICES)
			p->mark[i] = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return r == SQLITE_DONE ? DS_OK : sq_err(st, "passive marks");
}

/* The map brought up to the log as this connection sees it. */
enum ds_rc sq_passive_sync(struct store *st)
{
	struct sq *q = SQ(st);
	if (!q->passive && !(q->passive = calloc(1, sizeof *q->passive)))
		return DS_ENOMEM;
	struct sq_passive *p = q->passive;
	int64_t version = sq_int(st, sql_version);
	/* Nothing written since, by this connection or another. */
	if (p->valid && version == p->data_version && !q->passive_dirty)
		return DS_OK;
	if (!p->valid || version != p->data_version) {
		enum ds_rc rc = read_marks(st, p);
		if (rc)
			return rc;
		if (!p->valid) {
			p->upto = INT64_MAX;
			for (int i = 0; i < SQ_PASSIVE_SLICES; i++) {
				p->tail[i].n = 0;
				p->upto = p->mark[i] < p->upto ? p->mark[i] : p->upto;
			}
		} else {
			for (int i = 0; i < SQ_PASSIVE_SLICES; i++)
				keep_between(p, i, p->mark[i], INT64_MAX);
		}
		p->data_version = version;
		p->valid = true;
	}
	int64_t last = sq_int(st, sql_max_seq);
	if (last <= p->upto) {
		q->passive_dirty = false;
		return DS_OK;
	}
	sqlite3_stmt *s = sq_stmt(st, sql_tail);
	if (!s)
		return DS_EDB;
	sqlite3_bind_int64(s, 1, p->upto);
	sqlite3_bind_int64(s, 2, last);
	int r;
	enum ds_rc rc = DS_OK;
	while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
		struct tail_row row = {sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 0)};
		int i = slice_of(row.person);
		if (row.seq <= p->mark[i])
			continue;
		if (!ds_grow(&p->tail[i].v, sizeof *p->tail[i].v, &p->tail[i].cap, p->tail[i].n, 64))
			rc = DS_ENOMEM;
		else
			p->tail[i].v[p->tail[i].n++] = row;
	}
	sqlite3_reset(s);
	if (rc || r != SQLITE_DONE) {
		p->valid = false;
		return rc ? rc : sq_err(st, "passive events");
	}
	p->upto = last;
	q->passive_dirty = false;
	return DS_OK;
}

static const char sql_fact_by_seq[] = "SELECT " FACT_COLS "FROM event WHERE seq = ?1 AND person = ?2";

enum ds_rc sq_passive_facts(struct store *st, int64_t person, struct reg_fact **v, size_t *cnt,
			    size_t *cap)
{
	enum ds_rc rc = DS_OK;
	struct sq_passive *p = SQ(st)->passive;
	if (!p)
		return DS_OK;
	int i = slice_of(person);
	/* The map and the table are disjoint: the caller read both in one
	 * snapshot (sq_person_facts). */
	for (size_t k = 0; k < p->tail[i].n && !rc; k++) {
		if (p->tail[i].v[k].person != person)
			continue;
		sqlite3_stmt *s = sq_stmt(st, sql_fact_by_seq);
		if (!s)
			return DS_EDB;
		sqlite3_bind_int64(s, 1, p->tail[i].v[k].seq);
		sqlite3_bind_int64(s, 2, person);
		rc = sq_facts_from(st, s, v, cnt, cap);
	}
	return rc;
}

static int row_cmp(const void *a, const void *b)
{
	const struct tail_row *x = a, *y = b;
	if (x->person != y->person)
		return x->person < y->person ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Moves slice i's entries into event_passive and its mark to upto. */
static const char sql_move[] = "INSERT OR IGNORE INTO event_passive SELECT c0, c1 FROM danso_rows";

static void tail_column(const struct sq_rows *src, const void *row, int col, sqlite3_context *c)
{
	(void)src;
	const struct tail_row *t = row;
	sqlite3_result_int64(c, col == 0 ? t->person : t->seq);
}

static enum ds_rc move_slice(struct store *st, struct sq_passive *p, int i)
{
	struct tail_row *v = p->tail[i].v;
	size_t n = p->tail[i].n;
	if (n > 1)
		qsort(v, n, sizeof *v, row_cmp);
	sqlite3_stmt *ins = sq_stmt(st, sql_move);
	enum ds_rc rc = ins ? DS_OK : DS_EDB;
	if (!rc) {
		struct sq_rows src;
		sq_rows_of(&src, v, n, sizeof *v, tail_column);
		if (sq_rows_insert(SQ(st), ins, &src) != SQLITE_DONE)
			rc = sq_err(st, "passive events moved");
	}
	sqlite3_stmt *s = rc ? NULL : sq_stmt(st, sql_mark_set);
	if (!rc && !s)
		rc = DS_EDB;
	if (!rc) {
		sqlite3_bind_int(s, 1, i);
		sqlite3_bind_int64(s, 2, p->upto);
		rc = sq_step_done(st, s, "passive mark");
	}
	if (!rc) {
		p->mark[i] = p->upto;
		p->tail[i].n = 0;
	}
	return rc;
}

/* How far behind the log's end a slice's mark may stay after a commit:
 * older ones move too (a long transaction, a bulk load of events, moves
 * them all at its end), so that the map and the log's tail a person's
 * history reads are at most about this many events. */
#define TAIL_KEEP 65536

enum ds_rc sq_passive_commit(struct store *st)
{
	struct sq *q = SQ(st);
	if (!q->passive_added)
		return DS_OK;
	q->passive_added = false;
	enum ds_rc rc = sq_passive_sync(st);
	if (rc)
		return rc;
	struct sq_passive *p = q->passive;
	/* The slice whose mark is the oldest, then any other more than
	 * TAIL_KEEP behind: the same order in every process. */
	for (int moved = 0; moved < SQ_PASSIVE_SLICES && !rc; moved++) {
		int i = 0;
		for (int k = 1; k < SQ_PASSIVE_SLICES; k++)
			if (p->mark[k] < p->mark[i])
				i = k;
		if (p->mark[i] >= p->upto || (moved && p->mark[i] >= p->upto - TAIL_KEEP))
			break;
		rc = move_slice(st, p, i);
	}
	if (rc)
		p->valid = false; /* the caller rolls back */
	return rc;
}

void sq_passive_rollback(struct store *st, bool to_savepoint)
{
	struct sq *q = SQ(st);
	struct sq_passive *p = q->passive;
	if (!to_savepoint)
		q->passive_added = false;
	q->passive_dirty = true;
	if (!p)
		return;
	if (!to_savepoint) {
		/* A move may have been undone with the rest: all read again. */
		p->valid = false;
		return;
	}
	/* The events after the savepoint are gone; their seqs may be given
	 * again to others. */
	int64_t last = sq_int(st, sql_max_seq);
	if (last >= p->upto)
		return;
	for (int i = 0; i < SQ_PASSIVE_SLICES; i++)
		keep_between(p, i, INT64_MIN, last);
	p->upto = last;
}
