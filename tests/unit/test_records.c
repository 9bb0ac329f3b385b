/*
 * The record log's conformance (store/records.h), on every backend: seqs,
 * idempotency by id, lookups, iteration, rollback, the append-only table,
 * and the wake-up of other servers on PostgreSQL.
 */
#include <libpq-fe.h>
#include <math.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "base/day.h"
#include "register/event.h"
#include "ledger/ledger.h"
#include "records/book.h"
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

/* Runs sql on the database behind the store's back; false with the
 * database's message in err when it refuses. */
static bool raw_sql(bool pg, const char *target, const char *sql, char *err, size_t n)
{
	bool ok;
	if (pg) {
		PGconn *c = PQconnectdb(target);
		PGresult *r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
		snprintf(err, n, "%s", ok ? "" : PQresultErrorMessage(r));
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *db = NULL;
		char *msg = NULL;
		ok = sqlite3_open_v2(target, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
		     sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK;
		snprintf(err, n, "%s", ok ? "" : msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		sqlite3_close(db);
	}
	return ok;
}

/* True when the database refuses sql as append-only. */
static bool refused_as_append_only(bool pg, const char *target, const char *sql)
{
	char err[512];
	bool ok = raw_sql(pg, target, sql, err, sizeof err);
	if (ok || !strstr(err, "append-only"))
		fprintf(stderr, "  %s: %s\n", sql, ok ? "accepted" : err);
	return !ok && strstr(err, "append-only") != NULL;
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

/* ---- targets on the record log ---- */

/*
 * The schema of version 1 as the program before the record log made it:
 * a new database of this program turned back (what versions 2 to 4 added
 * dropped, the target table of version 1 made again), with targets, one
 * of them infinite (the command line once let "inf" through), which JSON
 * cannot hold: the migration leaves it out.  The commune 26734 lies in
 * province 79, which is the province its record is filed under (a commune
 * code does not begin with its province's).
 */
static const char *const v1_targets[2] = {
	"DROP TABLE record; DROP TABLE login_limit; ALTER TABLE session DROP COLUMN expires_at;"
	"DROP INDEX audit_at; DROP INDEX audit_login; ALTER TABLE audit DROP COLUMN area;"
	"CREATE TABLE target(unit TEXT NOT NULL, year INTEGER NOT NULL, key TEXT NOT NULL,"
	" value REAL NOT NULL, PRIMARY KEY (unit, year, key));"
	"INSERT INTO target VALUES ('26734', 2026, 'srb', 112.5), ('26734', 2026, '5', 10),"
	" ('79', 2025, 'cpr', 0.675), ('', 2026, 'tfr', 2.1), ('79', 2026, 'inf', 9e999);"
	"INSERT INTO unit(code, name, level, parent) VALUES ('79', 'TP HCM', 1, ''),"
	" ('26734', 'Phường 1', 3, '79');"
	/* Version 7's search tables were indexes on the person table. */
	"DROP TRIGGER person_search_add; DROP TRIGGER person_key_change;"
	" DROP TRIGGER person_given_change; DROP TRIGGER person_nid_change;"
	" DROP TABLE person_by_key; DROP TABLE person_by_given; DROP TABLE person_by_nid;"
	"CREATE UNIQUE INDEX person_nid ON person(nid) WHERE nid IS NOT NULL;"
	"CREATE INDEX person_key ON person(cur_key); CREATE INDEX person_given ON person(given_key);"
	"INSERT INTO household VALUES (1, 'H1', 79, '26734', '1', 'Số 1', 1, 0, 19000, 0, 0);"
	"INSERT INTO person VALUES (1, 'P1', 79, 1, 'Nguyễn Thị Lan', 2, 10000, 0, 1, '01', 3, 2, 1,"
	" NULL, '079190000001', 0, NULL, 19000, 0, 0, 1, NULL, NULL, 'nguyen thi lan', '079190000001',"
	" 'lan');"
	"PRAGMA user_version = 1;",
	"DROP TABLE record; DROP TABLE login_limit; ALTER TABLE session DROP COLUMN expires_at;"
	"DROP INDEX audit_at; DROP INDEX audit_login; ALTER TABLE audit DROP COLUMN area;"
	"CREATE TABLE target(unit text NOT NULL, year int NOT NULL, key text NOT NULL,"
	" value double precision NOT NULL, PRIMARY KEY (unit, year, key));"
	"INSERT INTO target VALUES ('26734', 2026, 'srb', 112.5), ('26734', 2026, '5', 10),"
	" ('79', 2025, 'cpr', 0.675), ('', 2026, 'tfr', 2.1), ('79', 2026, 'inf', 'Infinity');"
	"INSERT INTO unit(code, name, level, parent) VALUES ('79', 'TP HCM', 1, ''),"
	" ('26734', 'Phường 1', 3, '79');"
	"UPDATE meta SET value = '1' WHERE key = 'schema_version';",
};

/* The id the migration gives a target row (records.h, store_int.h). */
static void migrated_id(const char *unit, int year, const char *key, char out[REG_UUID_TEXT])
{
	char text[128];
	uint8_t hash[crypto_generichash_BYTES], id[16];
	snprintf(text, sizeof text, "danso target %s|%d|%s", unit, year, key);
	crypto_generichash(hash, sizeof hash, (const unsigned char *)text, strlen(text), NULL, 0);
	memcpy(id, hash, 16);
	id[6] = (uint8_t)((id[6] & 0x0f) | 0x80);
	id[8] = (uint8_t)((id[8] & 0x3f) | 0x80);
	reg_uuid_format(id, out);
}

struct migrated {
	const char *unit, *indicator, *key, *value;
	int year, prov;
};

/* In the order the migration adds them: by unit, year and key. */
static const struct migrated want_migrated[4] = {
	{"", "tfr", "2026/tfr", "2.1", 2026, 0},
	{"26734", "5", "2026/5", "10", 2026, 79},
	{"26734", "srb", "2026/srb", "112.5", 2026, 79},
	{"79", "cpr", "2025/cpr", "0.675", 2025, 79},
};

struct migration_check {
	int n;
	int64_t from, to; /* when the migration ran */
};

static enum ds_rc check_migrated(const struct store_record *r, void *arg)
{
	struct migration_check *c = arg;
	if (c->n >= 4)
		return DS_ELIMIT;
	const struct migrated *w = &want_migrated[c->n++];
	char id[REG_UUID_TEXT], got_id[REG_UUID_TEXT], body[300], date[11];
	migrated_id(w->unit, w->year, w->indicator, id);
	reg_uuid_format(r->id, got_id);
	snprintf(date, sizeof date, "%d-01-01", w->year);
	snprintf(body, sizeof body,
		 "{\"body\":{\"indicator\":\"%s\",\"value\":%s,\"year\":%d},\"date\":\"%s\","
		 "\"id\":\"%s\",\"kind\":\"target\",\"unit\":\"%s\"}",
		 w->indicator, w->value, w->year, date, id, w->unit);
	CHECK_EQ(r->seq, c->n);
	CHECK_STR(got_id, id);
	CHECK_STR(r->kind, "target");
	CHECK_STR(r->unit, w->unit);
	CHECK_EQ(r->prov, w->prov);
	CHECK_EQ(r->date, day_from_ymd(w->year, 1, 1));
	CHECK_STR(r->key, w->key);
	CHECK(r->recorded_at >= c->from && r->recorded_at <= c->to);
	CHECK_STR(r->recorded_by, "migration");
	CHECK_STR(r->body, body);
	return DS_OK;
}

static void suite_records_migration(bool pg)
{
	char target[512], err[512];
	struct store *st = empty(pg, target, sizeof target);
	if (!st)
		return;
	store_close(st);
	bool ok = raw_sql(pg, target, v1_targets[pg], err, sizeof err);
	if (!ok)
		fprintf(stderr, "  cannot make a version 1 database: %s\n", err);
	CHECK(ok);
	struct migration_check c = {.from = (int64_t)time(NULL)};
	CHECK_EQ(store_open(target, false, &st), DS_OK);
	c.to = (int64_t)time(NULL);
	if (!st)
		return;
	CHECK_EQ(store_each_record(st, 0, check_migrated, &c), DS_OK);
	CHECK_EQ(c.n, 4);
	/* The records module reads them as any target. */
	struct rec_book *b = rec_book_new();
	CHECK_EQ(rec_book_catch_up(b, st), DS_OK);
	CHECK(rec_target(b, "26734", 2026, "srb") == 112.5);
	CHECK(rec_target(b, "", 2026, "tfr") == 2.1);
	CHECK(isnan(rec_target(b, "79", 2026, "inf")));
	rec_book_free(b);
	if (!pg) {
		/* A person stored before the search tables is found through them. */
		int64_t rid = 0;
		size_t n = 0;
		CHECK_EQ(store_nid_owner(st, "079190000001", &rid), DS_OK);
		CHECK_EQ(rid, 1);
		CHECK_EQ(store_find_count(st, "nguyen thi", 0, NULL, 10, &n), DS_OK);
		CHECK_EQ(n, 1);
		CHECK_EQ(store_find_count(st, "lan", 0, NULL, 10, &n), DS_OK);
		CHECK_EQ(n, 1);
	}
	store_close(st);
	/* The target table is gone, and the version is 2: opening again finds
	 * nothing to migrate (moving the targets again would fail). */
	CHECK(!raw_sql(pg, target, "SELECT count(*) FROM target", err, sizeof err));
	CHECK_EQ(store_open(target, false, &st), DS_OK);
	if (st)
		CHECK_EQ(store_record_last_seq(st), 4);
	store_close(st);
}

/* A store with the units of tests/data/small (province 79, communes 26734
 * and 26737 and their villages and areas), for recording records. */
static struct store *with_units(bool pg, char *target, size_t targetsz, struct reg_units *units)
{
	struct store *st = empty(pg, target, targetsz);
	if (!st)
		return NULL;
	struct ledger lg;
	struct import_opts o = {.units = "tests/data/small/units.csv", .as_of = day_from_ymd(2024, 1, 1)};
	struct import_stats stats;
	CHECK_EQ(ledger_open(&lg, st), DS_OK);
	CHECK_EQ(ledger_import(&lg, &o, &stats), DS_OK);
	ledger_close(&lg);
	CHECK_EQ(store_units_tree(st, units), DS_OK);
	return st;
}

/* Records text as `by`, in its own transaction; the outcome. */
static enum rec_outcome record(struct store *st, const struct reg_units *units, const char *text,
			       struct rec_result *res)
{
	struct rec r;
	struct ds_problem pb;
	if (rec_parse_text(text, strlen(text), &r, &pb) != DS_OK) {
		fprintf(stderr, "  record refused by its parser: %s\n", pb.field);
		rec_free(&r);
		return REC_REFUSED;
	}
	CHECK_EQ(store_begin(st), DS_OK);
	CHECK_EQ(rec_record(st, units, &r, "planner", res), DS_OK);
	CHECK_EQ(store_commit(st), DS_OK);
	rec_free(&r);
	return res->outcome;
}

#define T1 "6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b71"
#define T2 "6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b72"
#define T3 "6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b73"
#define TARGET(id, unit, value, extra)                                                      \
	"{\"id\":\"" id "\",\"kind\":\"target\",\"unit\":\"" unit "\",\"date\":\"2026-01-01\"," \
	"\"body\":{\"indicator\":\"SRB\",\"year\":2026,\"value\":" value "}" extra "}"

static bool count_versions(const struct rec_entry *e, void *arg)
{
	(void)e;
	(*(int *)arg)++;
	return true;
}

/* The records module over the log: idempotency, refusals that change
 * nothing, superseding and cancelling, and the book that follows. */
static void suite_records_write(bool pg)
{
	char target[512];
	struct reg_units units = {0};
	struct store *st = with_units(pg, target, sizeof target, &units);
	if (!st)
		return;
	struct rec_book *b = rec_book_new();
	struct rec_result res;
	CHECK_EQ(record(st, &units, TARGET(T1, "26734", "110", ""), &res), REC_RECORDED);
	CHECK_EQ(res.seq, 1);
	/* Sent again, in another spelling: the same record. */
	CHECK_EQ(record(st, &units,
			"{\"unit\":\"26734\",\"kind\":\"target\",\"id\":\"" T1 "\",\"date\":\"2026-01-01\","
			"\"body\":{\"value\":110.0,\"year\":2026,\"indicator\":\"SRB\"}}",
			&res),
		 REC_DUPLICATE);
	CHECK_EQ(res.seq, 1);
	/* The same id with other content, a unit that does not exist: refused. */
	CHECK_EQ(record(st, &units, TARGET(T1, "26734", "111", ""), &res), REC_REFUSED);
	CHECK_EQ(res.problem.why, W_RECORD_ID_REUSED);
	CHECK_EQ(record(st, &units, TARGET(T2, "99999", "111", ""), &res), REC_REFUSED);
	CHECK_STR(res.problem.field, "unit");
	CHECK_EQ(res.problem.why, W_NO_UNIT);
	CHECK_EQ(store_record_last_seq(st), 1);
	CHECK_EQ(rec_book_catch_up(b, st), DS_OK);
	CHECK(rec_target(b, "26734", 2026, "SRB") == 110);
	/* A later one of the same key replaces it; naming a record that is no
	 * longer current is refused as stale. */
	CHECK_EQ(record(st, &units, TARGET(T2, "26734", "109", ",\"supersedes\":\"" T1 "\""), &res),
		 REC_RECORDED);
	CHECK_EQ(record(st, &units, TARGET(T3, "26734", "108", ",\"supersedes\":\"" T1 "\""), &res),
		 REC_REFUSED);
	CHECK_EQ(res.problem.why, W_RECORD_STALE);
	CHECK_EQ(rec_book_catch_up(b, st), DS_OK);
	CHECK(rec_target(b, "26734", 2026, "SRB") == 109);
	/* A cancel leaves nothing current, and every version stays. */
	CHECK_EQ(record(st, &units,
			"{\"id\":\"" T3 "\",\"kind\":\"target\",\"unit\":\"26734\",\"date\":\"2026-03-01\","
			"\"supersedes\":\"" T2 "\",\"cancel\":true}",
			&res),
		 REC_RECORDED);
	CHECK_EQ(rec_book_catch_up(b, st), DS_OK);
	CHECK(isnan(rec_target(b, "26734", 2026, "SRB")));
	int versions = 0;
	rec_book_history(b, "target", "26734", "2026/SRB", count_versions, &versions);
	CHECK_EQ(versions, 3);
	/* Filed under the province of the commune in the unit tree. */
	struct store_record sr;
	uint8_t id[16];
	reg_uuid_parse(T1, strlen(T1), id);
	CHECK_EQ(store_record_by_id(st, id, &sr), DS_OK);
	CHECK_EQ(sr.prov, 79);
	CHECK_STR(sr.recorded_by, "planner");
	rec_book_free(b);
	reg_units_free(&units);
	store_close(st);
}

/* A book follows what another connection commits. */
static void suite_records_book_follows(bool pg)
{
	char target[512];
	struct reg_units units = {0};
	struct store *st = with_units(pg, target, sizeof target, &units), *other = NULL;
	if (!st)
		return;
	struct rec_book *b = rec_book_new();
	CHECK_EQ(rec_book_catch_up(b, st), DS_OK);
	CHECK(isnan(rec_target(b, "79", 2026, "SRB")));
	CHECK_EQ(store_open(target, false, &other), DS_OK);
	struct rec_result res;
	if (other)
		CHECK_EQ(record(other, &units, TARGET(T1, "79", "0.3", ""), &res), REC_RECORDED);
	CHECK_EQ(rec_book_catch_up(b, st), DS_OK);
	CHECK(rec_target(b, "79", 2026, "SRB") == 0.3);
	CHECK_EQ(rec_book_last_seq(b), 1);
	store_close(other);
	rec_book_free(b);
	reg_units_free(&units);
	store_close(st);
}

BOTH(records_migration)
BOTH(records_write)
BOTH(records_book_follows)
