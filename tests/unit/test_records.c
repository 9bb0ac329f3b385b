/*
 * The record log's conformance (store/records.h), on every backend: seqs,
 * idempotency by id, lookups, iteration, rollback, the append-only table,
 * and the wake-up of other servers on PostgreSQL.
 */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "base/day.h"
#include "store/records.h"
#include "test.h"

/* An empty store on the backend; its target in target. */
static struct store *empty(bool pg, char *target, size_t n)
{
	struct store *st = NULL;
	if (!test_backend_target(pg, target, n))
		return NULL;
	CHECK_EQ(store_open(target, true, &st), DS_OK);
	return st;
}

static void sample_id(int i, uint8_t id[16])
{
	memset(id, 0xa0 + i, 16);
}

/* A record numbered i, with every field set from it. */
static void sample(int i, struct store_record *r, char *body, size_t n)
{
	memset(r, 0, sizeof *r);
	sample_id(i, r->id);
	snprintf(r->kind, sizeof r->kind, "%s", i % 2 ? "target" : "submission");
	snprintf(r->unit, sizeof r->unit, "267%02d", i);
	r->prov = 26;
	r->date = day_from_ymd(2026, 1, i);
	snprintf(r->key, sizeof r->key, "2026/k%d", i);
	r->recorded_at = 1700000000 + i;
	snprintf(r->recorded_by, sizeof r->recorded_by, "user%d", i);
	snprintf(body, n, "{\"n\":%d,\"text\":\"Nguyễn\"}", i);
}

/* Adds sample i in its own transaction; its seq, or -1. */
static int64_t add(struct store *st, int i)
{
	struct store_record r;
	char body[64];
	sample(i, &r, body, sizeof body);
	CHECK_EQ(store_begin(st), DS_OK);
	enum ds_rc rc = store_record_add(st, &r, body);
	CHECK_EQ(rc, DS_OK);
	CHECK_EQ(store_commit(st), DS_OK);
	return rc ? -1 : r.seq;
}

/* Checks that got is sample i as stored at seq. */
static void check_sample(const struct store_record *got, int i, int64_t seq)
{
	struct store_record want;
	char body[64];
	sample(i, &want, body, sizeof body);
	CHECK_EQ(got->seq, seq);
	CHECK(memcmp(got->id, want.id, 16) == 0);
	CHECK_STR(got->kind, want.kind);
	CHECK_STR(got->unit, want.unit);
	CHECK_EQ(got->prov, want.prov);
	CHECK_EQ(got->date, want.date);
	CHECK_STR(got->key, want.key);
	CHECK_EQ(got->recorded_at, want.recorded_at);
	CHECK_STR(got->recorded_by, want.recorded_by);
	CHECK_STR(got->body, body);
}

static void suite_records_add(bool pg)
{
	char target[512];
	struct store *st = empty(pg, target, sizeof target);
	if (!st)
		return;
	CHECK_EQ(store_record_last_seq(st), 0);
	CHECK_EQ(add(st, 1), 1);
	CHECK_EQ(add(st, 2), 2);
	CHECK_EQ(add(st, 3), 3);
	CHECK_EQ(store_record_last_seq(st), 3);
	struct store_record r;
	uint8_t id[16];
	sample_id(2, id);
	CHECK_EQ(store_record_by_id(st, id, &r), DS_OK);
	check_sample(&r, 2, 2);
	sample_id(9, id);
	CHECK_EQ(store_record_by_id(st, id, &r), DS_ENOTFOUND);
	store_close(st);
}

static void suite_records_repeated_id(bool pg)
{
	char target[512];
	struct store *st = empty(pg, target, sizeof target);
	if (!st)
		return;
	CHECK_EQ(add(st, 1), 1);
	/* The id of sample 1 with the content of sample 2: refused, nothing
	 * changes, and the transaction goes on to add another. */
	struct store_record r;
	char body[64];
	sample(2, &r, body, sizeof body);
	sample_id(1, r.id);
	CHECK_EQ(store_begin(st), DS_OK);
	CHECK_EQ(store_record_add(st, &r, body), DS_ECONFLICT);
	sample(3, &r, body, sizeof body);
	CHECK_EQ(store_record_add(st, &r, body), DS_OK);
	CHECK_EQ(r.seq, 2);
	CHECK_EQ(store_commit(st), DS_OK);
	struct store_record got;
	uint8_t id[16];
	sample_id(1, id);
	CHECK_EQ(store_record_by_id(st, id, &got), DS_OK);
	check_sample(&got, 1, 1);
	CHECK_EQ(store_record_last_seq(st), 2);
	store_close(st);
}

struct seen {
	int64_t seq[8];
	int n;
};

static enum ds_rc see(const struct store_record *r, void *arg)
{
	struct seen *s = arg;
	/* Sample i was added i-th in these cases: its seq is i. */
	check_sample(r, (int)r->seq, r->seq);
	if (s->n < 8)
		s->seq[s->n] = r->seq;
	s->n++;
	return DS_OK;
}

static enum ds_rc stop_at_first(const struct store_record *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return DS_EBUSY;
}

static void suite_records_each(bool pg)
{
	char target[512];
	struct store *st = empty(pg, target, sizeof target);
	if (!st)
		return;
	for (int i = 1; i <= 4; i++)
		CHECK_EQ(add(st, i), i);
	struct seen s = {0};
	CHECK_EQ(store_each_record(st, 2, see, &s), DS_OK);
	CHECK_EQ(s.n, 2);
	CHECK_EQ(s.seq[0], 3);
	CHECK_EQ(s.seq[1], 4);
	s.n = 0;
	CHECK_EQ(store_each_record(st, 0, see, &s), DS_OK);
	CHECK_EQ(s.n, 4);
	s.n = 0;
	CHECK_EQ(store_each_record(st, 4, see, &s), DS_OK);
	CHECK_EQ(s.n, 0);
	int calls = 0;
	CHECK_EQ(store_each_record(st, 0, stop_at_first, &calls), DS_EBUSY);
	CHECK_EQ(calls, 1);
	store_close(st);
}

static void suite_records_rollback(bool pg)
{
	char target[512];
	struct store *st = empty(pg, target, sizeof target);
	if (!st)
		return;
	CHECK_EQ(add(st, 1), 1);
	struct store_record r;
	char body[64];
	sample(2, &r, body, sizeof body);
	CHECK_EQ(store_begin(st), DS_OK);
	CHECK_EQ(store_record_add(st, &r, body), DS_OK);
	CHECK_EQ(r.seq, 2);
	CHECK_EQ(store_rollback(st), DS_OK);
	CHECK_EQ(store_record_last_seq(st), 1);
	CHECK_EQ(store_record_by_id(st, r.id, &r), DS_ENOTFOUND);
	/* The seq was given back: the log stays gapless. */
	CHECK_EQ(add(st, 2), 2);
	/* Outside a transaction the seq would not be the writer's own. */
	sample(3, &r, body, sizeof body);
	CHECK_EQ(store_record_add(st, &r, body), DS_EUSAGE);
	CHECK_EQ(store_record_last_seq(st), 2);
	store_close(st);
}

/* Runs sql on the database behind the store's back; true when the database
 * refused it as append-only. */
static bool refused_as_append_only(bool pg, const char *target, const char *sql)
{
	char err[512] = "";
	if (pg) {
		PGconn *c = PQconnectdb(target);
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			snprintf(err, sizeof err, "%s", PQresultErrorMessage(r));
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *db = NULL;
		char *msg = NULL;
		if (sqlite3_open_v2(target, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
		    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
			snprintf(err, sizeof err, "%s", msg ? msg : "");
		sqlite3_free(msg);
		sqlite3_close(db);
	}
	if (!strstr(err, "append-only"))
		fprintf(stderr, "  %s: %s\n", sql, err[0] ? err : "accepted");
	return strstr(err, "append-only") != NULL;
}

static void suite_records_append_only(bool pg)
{
	char target[512];
	struct store *st = empty(pg, target, sizeof target);
	if (!st)
		return;
	CHECK_EQ(add(st, 1), 1);
	store_close(st);
	CHECK(refused_as_append_only(pg, target, "UPDATE record SET body = '{}'"));
	CHECK(refused_as_append_only(pg, target, "DELETE FROM record"));
	CHECK_EQ(store_open(target, false, &st), DS_OK);
	if (!st)
		return;
	struct store_record r;
	char body[64];
	sample(1, &r, body, sizeof body);
	CHECK_EQ(store_record_by_id(st, r.id, &r), DS_OK);
	check_sample(&r, 1, 1);
	store_close(st);
}

#define BOTH(name)                                                   \
	TEST(store_sqlite_##name) { suite_##name(false); }           \
	TEST(store_pg_##name) { suite_##name(true); }

BOTH(records_add)
BOTH(records_repeated_id)
BOTH(records_each)
BOTH(records_rollback)
BOTH(records_append_only)

/* A commit that added records wakes the servers that listen, as one that
 * added events does (PostgreSQL only: SQLite has no notifications). */
TEST(store_pg_records_notify)
{
	char target[512];
	struct store *st = empty(true, target, sizeof target);
	if (!st)
		return;
	PGconn *c = PQconnectdb(target);
	PGresult *r = PQexec(c, "LISTEN danso_events");
	CHECK_EQ(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	CHECK_EQ(add(st, 1), 1);
	/* The notification is sent at commit; give it a moment to arrive. */
	PGnotify *n = NULL;
	for (int i = 0; i < 50 && !n; i++) {
		PQconsumeInput(c);
		n = PQnotifies(c);
		if (!n)
			usleep(20 * 1000);
	}
	CHECK(n != NULL);
	PQfreemem(n);
	PQfinish(c);
	store_close(st);
}
