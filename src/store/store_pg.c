/*
 * The PostgreSQL backend (libpq), for installations beyond one machine.
 *
 * Same contract as SQLite.  What differs:
 *  - households, persons and events are partitioned by province (LIST
 *    partitions made on first use, and a DEFAULT one), so a national
 *    installation can also be distributed by province (Citus).  Global
 *    uniqueness of ids, national ids and event ids is kept in small key
 *    tables, since a partitioned table's unique keys must include the
 *    partition key;
 *  - record numbers come from sequences; bulk import reserves blocks of
 *    them and loads rows with COPY in batches;
 *  - writers serialise on one transaction-scoped advisory lock, so that
 *    sequence numbers commit in order and a reader that follows the log
 *    after its last sequence number misses nothing;
 *  - every commit that added events sends NOTIFY danso_events, which other
 *    servers LISTEN to;
 *  - the server must have fsync and synchronous_commit on, or we refuse
 *    to start: an acknowledged event must survive a crash.
 */
#include <libpq-fe.h>
#include <sys/select.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/day.h"
#include "base/text.h"
#include "store/store_int.h"

#define WRITE_LOCK_KEY 0x64616e736f /* "danso" */
#define COPY_BATCH 20000
#define RID_BLOCK 10000

struct copybuf {
	struct buf rows, keys, nids;
	size_t n;
};

struct pg {
	PGconn *conn;
	bool in_tx;
	bool wrote_events;
	int depth;
	uint8_t provs[128]; /* partitions known to exist */
	bool bulk[3];
	struct copybuf copy[3];
	int64_t rid_next[3], rid_end[3]; /* reserved record numbers */
	PGresult *held;                  /* result whose strings a caller borrows */
	bool listening;
	int nprepared;
	const char *prepared[96];
	char prepared_names[96][16];
};

static struct pg *PG(struct store *st)
{
	return st->impl;
}

static enum ds_rc pgerr(struct store *st, const char *what, PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	store_seterr(st, "postgresql: %s: %s", what,
		     r && PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r)
						       : PQerrorMessage(PG(st)->conn));
	/* 23505: unique violation */
	return state && strcmp(state, "23505") == 0 ? DS_ECONFLICT : DS_EDB;
}

static enum ds_rc exec(struct store *st, const char *sql)
{
	PGresult *r = PQexec(PG(st)->conn, sql);
	ExecStatusType s = PQresultStatus(r);
	char what[48];
	snprintf(what, sizeof what, "%.40s", sql);
	enum ds_rc rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? DS_OK : pgerr(st, what, r);
	PQclear(r);
	return rc;
}

/*
 * Statements are prepared once per connection, the first time they run:
 * planning a query over the partitioned tables costs more than running it.
 * They are found again by the address of their (literal) text.
 */
#define MAX_PREPARED 96

static const char *prepared_name(struct store *st, const char *sql, int n)
{
	struct pg *q = PG(st);
	for (int i = 0; i < q->nprepared; i++)
		if (q->prepared[i] == sql)
			return q->prepared_names[i];
	if (q->nprepared == MAX_PREPARED)
		return NULL;
	char *name = q->prepared_names[q->nprepared];
	snprintf(name, 16, "s%d", q->nprepared);
	PGresult *r = PQprepare(q->conn, name, sql, n, NULL);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok)
		return NULL;
	q->prepared[q->nprepared++] = sql;
	return name;
}

/* Runs a parameterised statement; returns the result (caller clears) or NULL. */
static PGresult *run_sql(struct store *st, const char *sql, int n, const char *const *params,
			 enum ds_rc *rc, bool prepare)
{
	const char *name = prepare ? prepared_name(st, sql, n) : NULL;
	PGresult *r = name ? PQexecPrepared(PG(st)->conn, name, n, params, NULL, NULL, 0)
			   : PQexecParams(PG(st)->conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		char what[48];
		snprintf(what, sizeof what, "%.40s", sql);
		*rc = pgerr(st, what, r);
		PQclear(r);
		return NULL;
	}
	*rc = DS_OK;
	return r;
}

static PGresult *run(struct store *st, const char *sql, int n, const char *const *params,
		     enum ds_rc *rc)
{
	return run_sql(st, sql, n, params, rc, true);
}

static enum ds_rc run_done(struct store *st, const char *sql, int n, const char *const *params)
{
	enum ds_rc rc;
	PGresult *r = run(st, sql, n, params, &rc);
	PQclear(r);
	return rc;
}

#define I64(buf, v) (snprintf(buf, sizeof buf, "%lld", (long long)(v)), buf)

static char *nullable_day(char *buf, size_t n, int32_t d, int32_t none)
{
	if (d == none)
		return NULL;
	snprintf(buf, n, "%d", d);
	return buf;
}

static int32_t get_day(PGresult *r, int row, int col, int32_t none)
{
	return PQgetisnull(r, row, col) ? none : (int32_t)atol(PQgetvalue(r, row, col));
}

static int64_t get_i64(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : atoll(PQgetvalue(r, row, col));
}

static void get_str(PGresult *r, int row, int col, char *out, size_t n)
{
	snprintf(out, n, "%s", PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

/* ---- schema ---- */

static const char schema_v1[] =
	"CREATE TABLE meta(key text PRIMARY KEY, value text NOT NULL);"
	"CREATE TABLE unit(rid bigserial PRIMARY KEY, code text NOT NULL, name text NOT NULL,"
	" level int NOT NULL, parent text NOT NULL, valid_from int, valid_to int);"
	"CREATE INDEX unit_code ON unit(code);"
	"CREATE TABLE baseline(id bigserial PRIMARY KEY, as_of int NOT NULL, imported_at bigint NOT NULL);"
	"CREATE SEQUENCE household_rid; CREATE SEQUENCE person_rid; CREATE SEQUENCE event_seq;"
	"CREATE TABLE household(prov int NOT NULL, rid bigint NOT NULL, id text NOT NULL,"
	" area text NOT NULL, number text NOT NULL, address text NOT NULL, type int NOT NULL,"
	" poverty int NOT NULL, entry int NOT NULL, entry_seq bigint NOT NULL,"
	" baseline bigint NOT NULL, PRIMARY KEY (prov, rid)) PARTITION BY LIST (prov);"
	"CREATE INDEX household_rid_ix ON household(rid);"
	"CREATE TABLE household_default PARTITION OF household DEFAULT;"
	"CREATE TABLE household_key(id text PRIMARY KEY, prov int NOT NULL, rid bigint NOT NULL UNIQUE);"
	"CREATE TABLE person(prov int NOT NULL, rid bigint NOT NULL, id text NOT NULL,"
	" hh bigint NOT NULL, full_name text NOT NULL, sex int NOT NULL, birth int NOT NULL,"
	" birth_prec int NOT NULL, relation int NOT NULL, ethnicity text NOT NULL,"
	" education int NOT NULL, marital int NOT NULL, residence int NOT NULL, insurance_no text,"
	" national_id text, fp_method int NOT NULL, fp_since int, entry int NOT NULL,"
	" entry_seq bigint NOT NULL, baseline bigint NOT NULL, cur_hh bigint NOT NULL,"
	" exit_day int, cur_name text, cur_key text NOT NULL, nid text, given_key text NOT NULL,"
	" PRIMARY KEY (prov, rid)) PARTITION BY LIST (prov);"
	"CREATE INDEX person_rid_ix ON person(rid);"
	"CREATE INDEX person_key_ix ON person(cur_key text_pattern_ops);"
	"CREATE INDEX person_given_ix ON person(given_key);"
	"CREATE INDEX person_hh_ix ON person(cur_hh);"
	"CREATE TABLE person_default PARTITION OF person DEFAULT;"
	"CREATE TABLE person_key(id text PRIMARY KEY, prov int NOT NULL, rid bigint NOT NULL UNIQUE);"
	"CREATE TABLE person_nid(nid text PRIMARY KEY, rid bigint NOT NULL);"
	"CREATE INDEX person_nid_rid_ix ON person_nid(rid);"
	"CREATE TABLE event(prov int NOT NULL, seq bigint NOT NULL, uuid bytea NOT NULL,"
	" type int NOT NULL, date int NOT NULL, person bigint NOT NULL, hh bigint NOT NULL,"
	" other bigint NOT NULL, a int NOT NULL, b int NOT NULL, voided_by bigint NOT NULL DEFAULT 0,"
	" recorded_at bigint NOT NULL, recorded_by text NOT NULL, body text NOT NULL,"
	" PRIMARY KEY (prov, seq)) PARTITION BY LIST (prov);"
	"CREATE INDEX event_seq_ix ON event(seq);"
	"CREATE INDEX event_person_ix ON event(person);"
	"CREATE INDEX event_hh_ix ON event(hh);"
	"CREATE INDEX event_other_ix ON event(other);"
	"CREATE TABLE event_default PARTITION OF event DEFAULT;"
	"CREATE TABLE event_key(uuid bytea PRIMARY KEY, prov int NOT NULL, seq bigint NOT NULL UNIQUE);"
	"CREATE TABLE target(unit text NOT NULL, year int NOT NULL, key text NOT NULL,"
	" value double precision NOT NULL, PRIMARY KEY (unit, year, key));"
	"CREATE INDEX household_area_ix ON household(area, number);"
	"CREATE TABLE app_user(id bigserial PRIMARY KEY, login text NOT NULL UNIQUE, name text NOT NULL,"
	" role int NOT NULL, unit text NOT NULL, pw_hash text NOT NULL, created_at bigint NOT NULL,"
	" pw_changed_at bigint NOT NULL, disabled boolean NOT NULL);"
	"CREATE TABLE session(hash bytea PRIMARY KEY, user_id bigint NOT NULL, created_at bigint NOT NULL,"
	" last_seen bigint NOT NULL, revoked boolean NOT NULL, token boolean NOT NULL, label text NOT NULL);"
	"CREATE INDEX session_user_ix ON session(user_id);"
	"CREATE TABLE audit(seq bigserial PRIMARY KEY, at bigint NOT NULL, login text NOT NULL,"
	" role int NOT NULL, unit text NOT NULL, action text NOT NULL, object text NOT NULL,"
	" object_id text NOT NULL, outcome text NOT NULL);"
	"CREATE INDEX audit_object ON audit(object, object_id);"
	"CREATE FUNCTION danso_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	" RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;"
	"CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit"
	" FOR EACH ROW EXECUTE FUNCTION danso_append_only();"
	"CREATE TRIGGER event_no_delete BEFORE DELETE ON event"
	" FOR EACH ROW EXECUTE FUNCTION danso_append_only();";

/* Makes the province's partitions of the large tables on first use. */
static enum ds_rc ensure_prov(struct store *st, int prov)
{
	struct pg *q = PG(st);
	if (prov <= 0 || prov >= 128)
		return DS_OK; /* the DEFAULT partition takes it */
	if (q->provs[prov])
		return DS_OK;
	char sql[600];
	snprintf(sql, sizeof sql,
		 "CREATE TABLE IF NOT EXISTS household_p%d PARTITION OF household FOR VALUES IN (%d);"
		 "CREATE TABLE IF NOT EXISTS person_p%d PARTITION OF person FOR VALUES IN (%d);"
		 "CREATE TABLE IF NOT EXISTS event_p%d PARTITION OF event FOR VALUES IN (%d);",
		 prov, prov, prov, prov, prov, prov);
	enum ds_rc rc = exec(st, sql);
	if (!rc)
		q->provs[prov] = 1;
	return rc;
}

static enum ds_rc check_durable(struct store *st)
{
	static const char *const settings[] = {"fsync", "synchronous_commit"};
	for (int i = 0; i < 2; i++) {
		char sql[64];
		snprintf(sql, sizeof sql, "SHOW %s", settings[i]);
		PGresult *r = PQexec(PG(st)->conn, sql);
		bool off = PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "off") == 0;
		PQclear(r);
		if (off) {
			store_seterr(st, "postgresql: %s is off: acknowledged events could be lost "
					 "in a crash; turn it on",
				     settings[i]);
			return DS_EDB;
		}
	}
	return DS_OK;
}

static enum ds_rc pg_open(struct store *st, const char *target, bool create)
{
	(void)create;
	struct pg *q = calloc(1, sizeof *q);
	if (!q)
		return DS_ENOMEM;
	st->impl = q;
	q->conn = PQconnectdb(target);
	if (PQstatus(q->conn) != CONNECTION_OK) {
		store_seterr(st, "postgresql: cannot connect: %s", PQerrorMessage(q->conn));
		return DS_EDB;
	}
	PQsetClientEncoding(q->conn, "UTF8");
	/* Short statements on indexes: compiling them (JIT) costs more than it saves. */
	enum ds_rc rc = exec(st, "SET client_min_messages = warning; SET jit = off");
	return rc ? rc : check_durable(st);
}

static void clear_copy(struct copybuf *c)
{
	buf_free(&c->rows);
	buf_free(&c->keys);
	buf_free(&c->nids);
	c->n = 0;
}

static void pg_close(struct store *st)
{
	struct pg *q = PG(st);
	if (!q)
		return;
	PQclear(q->held);
	for (int k = 0; k < 3; k++)
		clear_copy(&q->copy[k]);
	if (q->conn)
		PQfinish(q->conn);
	free(q);
	st->impl = NULL;
}

static enum ds_rc pg_migrate(struct store *st)
{
	enum ds_rc rc = exec(st, "BEGIN");
	if (rc)
		return rc;
	/* One migration at a time, across servers. */
	rc = exec(st, "SELECT pg_advisory_xact_lock(1)");
	PGresult *r = rc ? NULL : PQexec(PG(st)->conn, "SELECT to_regclass('meta') IS NOT NULL");
	bool exists = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	int version = 0;
	if (!rc && exists) {
		r = PQexec(PG(st)->conn, "SELECT value FROM meta WHERE key = 'schema_version'");
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			version = atoi(PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	if (!rc && version > STORE_SCHEMA_VERSION) {
		store_seterr(st, "postgresql: database schema %d is newer than this program (%d)",
			     version, STORE_SCHEMA_VERSION);
		rc = DS_EDB;
	}
	if (!rc && version < 1) {
		char sql[200];
		rc = exec(st, schema_v1);
		snprintf(sql, sizeof sql,
			 "INSERT INTO meta VALUES ('schema_version', '1'), ('created_at', '%lld')",
			 (long long)time(NULL));
		if (!rc)
			rc = exec(st, sql);
	}
	if (rc) {
		exec(st, "ROLLBACK");
		return rc;
	}
	return exec(st, "COMMIT");
}

/* ---- transactions ---- */

static enum ds_rc pg_begin(struct store *st)
{
	struct pg *q = PG(st);
	char sql[80];
	snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%lld)",
		 (long long)WRITE_LOCK_KEY);
	enum ds_rc rc = exec(st, sql);
	q->in_tx = rc == DS_OK;
	q->wrote_events = false;
	q->depth = 0;
	return rc;
}

static enum ds_rc flush_all(struct store *st);

static enum ds_rc pg_commit(struct store *st)
{
	struct pg *q = PG(st);
	enum ds_rc rc = flush_all(st);
	if (!rc && q->wrote_events)
		rc = exec(st, "NOTIFY danso_events");
	if (rc) {
		exec(st, "ROLLBACK");
		q->in_tx = false;
		return rc;
	}
	rc = exec(st, "COMMIT");
	q->in_tx = false;
	return rc;
}

static enum ds_rc pg_rollback(struct store *st)
{
	struct pg *q = PG(st);
	for (int k = 0; k < 3; k++)
		clear_copy(&q->copy[k]);
	q->in_tx = false;
	q->depth = 0;
	/* Partitions made in the rolled-back transaction are gone again. */
	memset(q->provs, 0, sizeof q->provs);
	return exec(st, "ROLLBACK");
}

static enum ds_rc pg_savepoint(struct store *st)
{
	return exec(st, "SAVEPOINT ev");
}

static enum ds_rc pg_release(struct store *st)
{
	return exec(st, "RELEASE SAVEPOINT ev");
}

static enum ds_rc pg_rollback_to(struct store *st)
{
	enum ds_rc rc = exec(st, "ROLLBACK TO SAVEPOINT ev");
	return rc ? rc : exec(st, "RELEASE SAVEPOINT ev");
}

static enum ds_rc pg_meta_get(struct store *st, const char *key, char *out, size_t outsz)
{
	const char *p[1] = {key};
	enum ds_rc rc;
	PGresult *r = run(st, "SELECT value FROM meta WHERE key = $1", 1, p, &rc);
	if (!r)
		return rc;
	rc = PQntuples(r) ? DS_OK : DS_ENOTFOUND;
	if (!rc)
		get_str(r, 0, 0, out, outsz);
	PQclear(r);
	return rc;
}

static enum ds_rc pg_meta_set(struct store *st, const char *key, const char *value)
{
	const char *p[2] = {key, value};
	return run_done(st, "INSERT INTO meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = "
			    "excluded.value",
			2, p);
}

/* ---- bulk import: COPY in batches with reserved record numbers ---- */

static const char *const seq_name[3] = {"", "household_rid", "person_rid"};

static enum ds_rc next_rid(struct store *st, enum store_kind k, int64_t *rid)
{
	struct pg *q = PG(st);
	if (q->rid_next[k] && q->rid_next[k] <= q->rid_end[k]) {
		*rid = q->rid_next[k]++;
		return DS_OK;
	}
	int block = q->bulk[k] ? RID_BLOCK : 1;
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT setval('%s', nextval('%s') + %d)", seq_name[k],
		 seq_name[k], block - 1);
	PGresult *r = PQexec(q->conn, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		enum ds_rc rc = pgerr(st, "reserve", r);
		PQclear(r);
		return rc;
	}
	int64_t last = get_i64(r, 0, 0);
	PQclear(r);
	q->rid_next[k] = last - block + 1;
	q->rid_end[k] = last;
	*rid = q->rid_next[k]++;
	return DS_OK;
}

/* Appends a field in COPY text format (NULL when s is NULL). */
static void copy_field(struct buf *b, const char *s, bool last)
{
	if (!s) {
		buf_puts(b, "\\N");
	} else {
		for (const char *p = s; *p; p++) {
			if (*p == '\\' || *p == '\t' || *p == '\n' || *p == '\r') {
				buf_putc(b, '\\');
				buf_putc(b, *p == '\t' ? 't' : *p == '\n' ? 'n' : *p == '\r' ? 'r' : '\\');
			} else {
				buf_putc(b, *p);
			}
		}
	}
	buf_putc(b, last ? '\n' : '\t');
}

static enum ds_rc copy_in(struct store *st, const char *sql, const struct buf *b)
{
	if (!b->len)
		return DS_OK;
	PGconn *c = PG(st)->conn;
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		enum ds_rc rc = pgerr(st, sql, r);
		PQclear(r);
		return rc;
	}
	PQclear(r);
	if (PQputCopyData(c, b->data, (int)b->len) != 1 || PQputCopyEnd(c, NULL) != 1)
		return pgerr(st, "copy", NULL);
	enum ds_rc rc = DS_OK;
	while ((r = PQgetResult(c))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pgerr(st, sql, r);
		PQclear(r);
	}
	return rc;
}

static enum ds_rc flush_kind(struct store *st, enum store_kind k)
{
	struct copybuf *c = &PG(st)->copy[k];
	enum ds_rc rc = DS_OK;
	if (k == STORE_HOUSEHOLDS) {
		rc = copy_in(st, "COPY household (prov, rid, id, area, number, address, type, poverty, "
				 "entry, entry_seq, baseline) FROM STDIN",
			     &c->rows);
		if (!rc)
			rc = copy_in(st, "COPY household_key (id, prov, rid) FROM STDIN", &c->keys);
	} else if (k == STORE_PERSONS) {
		rc = copy_in(st, "COPY person (prov, rid, id, hh, full_name, sex, birth, birth_prec, "
				 "relation, ethnicity, education, marital, residence, insurance_no, "
				 "national_id, fp_method, fp_since, entry, entry_seq, baseline, cur_hh, "
				 "exit_day, cur_name, cur_key, nid, given_key) FROM STDIN",
			     &c->rows);
		if (!rc)
			rc = copy_in(st, "COPY person_key (id, prov, rid) FROM STDIN", &c->keys);
		if (!rc)
			rc = copy_in(st, "COPY person_nid (nid, rid) FROM STDIN", &c->nids);
	}
	clear_copy(c);
	return rc;
}

static enum ds_rc flush_all(struct store *st)
{
	enum ds_rc rc = flush_kind(st, STORE_HOUSEHOLDS);
	return rc ? rc : flush_kind(st, STORE_PERSONS);
}

/* Into empty tables, the search indexes are built once at the end. */
static const char pg_person_indexes[] =
	"CREATE INDEX IF NOT EXISTS person_key_ix ON person(cur_key text_pattern_ops);"
	"CREATE INDEX IF NOT EXISTS person_given_ix ON person(given_key);";

static enum ds_rc pg_bulk_begin(struct store *st, enum store_kind kind, bool empty)
{
	PG(st)->bulk[kind] = true;
	if (kind == STORE_PERSONS && empty)
		return exec(st, "DROP INDEX IF EXISTS person_key_ix; DROP INDEX IF EXISTS person_given_ix;");
	return DS_OK;
}

static enum ds_rc pg_bulk_end(struct store *st, enum store_kind kind, bool empty)
{
	PG(st)->bulk[kind] = false;
	enum ds_rc rc = flush_kind(st, kind);
	if (!rc && kind == STORE_PERSONS && empty)
		rc = exec(st, pg_person_indexes);
	/* Fresh statistics, or the planner takes a table of a million rows for
	 * an empty one and scans it for every lookup until autovacuum comes. */
	if (!rc)
		rc = exec(st, kind == STORE_PERSONS ? "ANALYZE person, person_key, person_nid"
				 : kind == STORE_HOUSEHOLDS ? "ANALYZE household, household_key"
							    : "ANALYZE unit");
	return rc;
}

static enum ds_rc pg_unit_add(struct store *st, const struct reg_unit *u)
{
	char lvl[24], f[24], t[24];
	const char *p[6] = {u->code, u->name, I64(lvl, u->level), u->parent,
			    nullable_day(f, sizeof f, u->valid_from, DAY_NONE),
			    nullable_day(t, sizeof t, u->valid_to, DAY_MAX)};
	return run_done(st, "INSERT INTO unit(code, name, level, parent, valid_from, valid_to) "
			    "VALUES ($1, $2, $3, $4, $5, $6)",
			6, p);
}

static enum ds_rc pg_household_add(struct store *st, struct store_household *h)
{
	struct pg *q = PG(st);
	enum ds_rc rc = ensure_prov(st, h->prov);
	if (!rc)
		rc = next_rid(st, STORE_HOUSEHOLDS, &h->rid);
	if (rc)
		return rc;
	char prov[24], rid[24], type[24], pov[24], entry[24], eseq[24], base[24];
	I64(prov, h->prov);
	I64(rid, h->rid);
	I64(type, h->rec.type);
	I64(pov, h->rec.poverty);
	I64(entry, h->entry);
	I64(eseq, h->entry_seq);
	I64(base, h->baseline);
	const char *v[11] = {prov, rid, h->rec.id, h->rec.area, h->rec.number, h->rec.address,
			     type, pov, entry, eseq, base};
	if (q->bulk[STORE_HOUSEHOLDS]) {
		struct copybuf *c = &q->copy[STORE_HOUSEHOLDS];
		for (int i = 0; i < 11; i++)
			copy_field(&c->rows, v[i], i == 10);
		copy_field(&c->keys, h->rec.id, false);
		copy_field(&c->keys, prov, false);
		copy_field(&c->keys, rid, true);
		return ++c->n >= COPY_BATCH ? flush_kind(st, STORE_HOUSEHOLDS) : DS_OK;
	}
	const char *k[3] = {h->rec.id, prov, rid};
	rc = run_done(st, "INSERT INTO household_key (id, prov, rid) VALUES ($1, $2, $3)", 3, k);
	if (!rc)
		rc = run_done(st,
			      "INSERT INTO household (prov, rid, id, area, number, address, type, poverty, "
			      "entry, entry_seq, baseline) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
			      "$10, $11)",
			      11, v);
	return rc;
}

static enum ds_rc pg_person_add(struct store *st, struct store_person *p)
{
	struct pg *q = PG(st);
	const struct reg_person *r = &p->rec;
	enum ds_rc rc = ensure_prov(st, p->prov);
	if (!rc)
		rc = next_rid(st, STORE_PERSONS, &p->rid);
	if (rc)
		return rc;
	char key[REG_NAME_BYTES];
	if (txt_fold(r->full_name, strlen(r->full_name), key, sizeof key))
		key[0] = '\0';
	char prov[24], rid[24], hh[24], sex[24], birth[24], prec[24], rel[24], edu[24], mar[24], res[24],
		fpm[24], fps[24], entry[24], eseq[24], base[24];
	const char *v[26] = {I64(prov, p->prov), I64(rid, p->rid), r->id, I64(hh, p->hh), r->full_name,
			     I64(sex, r->sex), I64(birth, r->birth), I64(prec, r->birth_prec),
			     I64(rel, r->relation), r->ethnicity, I64(edu, r->education),
			     I64(mar, r->marital), I64(res, r->residence),
			     r->insurance_no[0] ? r->insurance_no : NULL,
			     r->national_id[0] ? r->national_id : NULL, I64(fpm, r->fp_method),
			     nullable_day(fps, sizeof fps, r->fp_since, DAY_NONE), I64(entry, p->entry),
			     I64(eseq, p->entry_seq), I64(base, p->baseline), hh, NULL, NULL, key,
			     r->national_id[0] ? r->national_id : NULL, txt_last_word(key)};
	if (q->bulk[STORE_PERSONS]) {
		struct copybuf *c = &q->copy[STORE_PERSONS];
		for (int i = 0; i < 26; i++)
			copy_field(&c->rows, v[i], i == 25);
		copy_field(&c->keys, r->id, false);
		copy_field(&c->keys, prov, false);
		copy_field(&c->keys, rid, true);
		if (r->national_id[0]) {
			copy_field(&c->nids, r->national_id, false);
			copy_field(&c->nids, rid, true);
		}
		rc = ++c->n >= COPY_BATCH ? flush_kind(st, STORE_PERSONS) : DS_OK;
	} else {
		const char *k[3] = {r->id, prov, rid};
		rc = run_done(st, "INSERT INTO person_key (id, prov, rid) VALUES ($1, $2, $3)", 3, k);
		if (!rc && r->national_id[0]) {
			const char *n[2] = {r->national_id, rid};
			rc = run_done(st, "INSERT INTO person_nid (nid, rid) VALUES ($1, $2)", 2, n);
		}
		if (!rc)
			rc = run_done(st,
				      "INSERT INTO person (prov, rid, id, hh, full_name, sex, birth, "
				      "birth_prec, relation, ethnicity, education, marital, residence, "
				      "insurance_no, national_id, fp_method, fp_since, entry, entry_seq, "
				      "baseline, cur_hh, exit_day, cur_name, cur_key, nid, given_key) VALUES "
				      "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
				      "$17, $18, $19, $20, $21, $22, $23, $24, $25, $26)",
				      26, v);
	}
	if (!rc) {
		p->cur_hh = p->hh;
		p->exit = DAY_MAX;
		snprintf(p->cur_name, sizeof p->cur_name, "%s", r->full_name);
		snprintf(p->cur_nid, sizeof p->cur_nid, "%s", r->national_id);
		snprintf(p->cur_household, sizeof p->cur_household, "%s", r->household);
	}
	return rc;
}

static enum ds_rc pg_baseline_add(struct store *st, struct store_baseline *b)
{
	char a[24], t[24];
	const char *p[2] = {I64(a, b->as_of), I64(t, b->imported_at)};
	enum ds_rc rc;
	PGresult *r = run(st, "INSERT INTO baseline (as_of, imported_at) VALUES ($1, $2) RETURNING id",
			  2, p, &rc);
	if (r) {
		b->id = get_i64(r, 0, 0);
		PQclear(r);
	}
	return rc;
}

/* ---- reading rows ---- */

#define HH_COLS "rid, id, prov, area, number, address, type, poverty, entry, entry_seq, baseline "
#define PERSON_COLS                                                                       \
	"p.rid, p.id, p.prov, p.hh, h.id, p.full_name, p.sex, p.birth, p.birth_prec, "    \
	"p.relation, p.ethnicity, p.education, p.marital, p.residence, p.insurance_no, "  \
	"p.national_id, p.fp_method, p.fp_since, p.entry, p.entry_seq, p.baseline, "     \
	"p.cur_hh, p.exit_day, p.cur_name, p.nid, ch.id, ch.area "
#define PERSON_FROM                                                                       \
	" FROM person p JOIN household h ON h.rid = p.hh "                                \
	"JOIN household ch ON ch.rid = p.cur_hh "
#define EVENT_COLS                                                                        \
	"seq, uuid, type, date, person, hh, other, a, b, voided_by, recorded_at, recorded_by, prov"

static void read_household(PGresult *r, int i, struct store_household *h)
{
	memset(h, 0, sizeof *h);
	h->rid = get_i64(r, i, 0);
	get_str(r, i, 1, h->rec.id, sizeof h->rec.id);
	h->prov = (int)get_i64(r, i, 2);
	get_str(r, i, 3, h->rec.area, sizeof h->rec.area);
	get_str(r, i, 4, h->rec.number, sizeof h->rec.number);
	get_str(r, i, 5, h->rec.address, sizeof h->rec.address);
	h->rec.type = (uint8_t)get_i64(r, i, 6);
	h->rec.poverty = (uint8_t)get_i64(r, i, 7);
	h->entry = (int32_t)get_i64(r, i, 8);
	h->entry_seq = get_i64(r, i, 9);
	h->baseline = get_i64(r, i, 10);
}

static void read_person(PGresult *r, int i, struct store_person *p)
{
	struct reg_person *x = &p->rec;
	memset(p, 0, sizeof *p);
	p->rid = get_i64(r, i, 0);
	get_str(r, i, 1, x->id, sizeof x->id);
	p->prov = (int)get_i64(r, i, 2);
	p->hh = get_i64(r, i, 3);
	get_str(r, i, 4, x->household, sizeof x->household);
	get_str(r, i, 5, x->full_name, sizeof x->full_name);
	x->sex = (uint8_t)get_i64(r, i, 6);
	x->birth = (int32_t)get_i64(r, i, 7);
	x->birth_prec = (uint8_t)get_i64(r, i, 8);
	x->relation = (uint8_t)get_i64(r, i, 9);
	get_str(r, i, 10, x->ethnicity, sizeof x->ethnicity);
	x->education = (uint8_t)get_i64(r, i, 11);
	x->marital = (uint8_t)get_i64(r, i, 12);
	x->residence = (uint8_t)get_i64(r, i, 13);
	get_str(r, i, 14, x->insurance_no, sizeof x->insurance_no);
	get_str(r, i, 15, x->national_id, sizeof x->national_id);
	x->fp_method = (uint8_t)get_i64(r, i, 16);
	x->fp_since = get_day(r, i, 17, DAY_NONE);
	p->entry = (int32_t)get_i64(r, i, 18);
	p->entry_seq = get_i64(r, i, 19);
	p->baseline = get_i64(r, i, 20);
	p->cur_hh = get_i64(r, i, 21);
	p->exit = get_day(r, i, 22, DAY_MAX);
	if (PQgetisnull(r, i, 23))
		snprintf(p->cur_name, sizeof p->cur_name, "%s", x->full_name);
	else
		get_str(r, i, 23, p->cur_name, sizeof p->cur_name);
	get_str(r, i, 24, p->cur_nid, sizeof p->cur_nid);
	get_str(r, i, 25, p->cur_household, sizeof p->cur_household);
	get_str(r, i, 26, p->cur_area, sizeof p->cur_area);
}

static void read_event(PGresult *r, int i, struct store_event *e, bool body)
{
	memset(e, 0, sizeof *e);
	struct reg_fact *f = &e->fact;
	f->seq = get_i64(r, i, 0);
	size_t n = 0;
	unsigned char *u = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 1), &n);
	if (u && n == 16)
		memcpy(e->id, u, 16);
	PQfreemem(u);
	f->type = (uint8_t)get_i64(r, i, 2);
	f->date = (int32_t)get_i64(r, i, 3);
	f->person = get_i64(r, i, 4);
	f->hh = get_i64(r, i, 5);
	f->other = get_i64(r, i, 6);
	f->a = (int32_t)get_i64(r, i, 7);
	f->b = (int32_t)get_i64(r, i, 8);
	e->voided_by = get_i64(r, i, 9);
	f->voided = e->voided_by != 0;
	e->recorded_at = get_i64(r, i, 10);
	get_str(r, i, 11, e->recorded_by, sizeof e->recorded_by);
	e->prov = (int)get_i64(r, i, 12);
	e->body = body ? PQgetvalue(r, i, 13) : NULL;
}

static enum ds_rc pg_household_get(struct store *st, const char *id, int64_t rid,
				   struct store_household *out)
{
	char buf[24];
	const char *p[1] = {id ? id : I64(buf, rid)};
	enum ds_rc rc = flush_kind(st, STORE_HOUSEHOLDS);
	PGresult *r = rc ? NULL
		      : run(st,
			    id ? "SELECT " HH_COLS "FROM household WHERE id = $1 AND (prov, rid) = "
				 "(SELECT prov, rid FROM household_key WHERE id = $1)"
			       : "SELECT " HH_COLS "FROM household WHERE rid = $1",
			    1, p, &rc);
	if (!r)
		return rc;
	rc = PQntuples(r) ? DS_OK : DS_ENOTFOUND;
	if (!rc)
		read_household(r, 0, out);
	PQclear(r);
	return rc;
}

static enum ds_rc pg_person_get(struct store *st, const char *id, int64_t rid,
				struct store_person *out)
{
	char buf[24];
	const char *p[1] = {id ? id : I64(buf, rid)};
	enum ds_rc rc = flush_kind(st, STORE_PERSONS);
	PGresult *r = rc ? NULL
		      : run(st,
			    id ? "SELECT " PERSON_COLS PERSON_FROM "WHERE (p.prov, p.rid) = "
				 "(SELECT prov, rid FROM person_key WHERE id = $1)"
			       : "SELECT " PERSON_COLS PERSON_FROM "WHERE p.rid = $1",
			    1, p, &rc);
	if (!r)
		return rc;
	rc = PQntuples(r) ? DS_OK : DS_ENOTFOUND;
	if (!rc)
		read_person(r, 0, out);
	PQclear(r);
	return rc;
}

static enum ds_rc pg_nid_owner(struct store *st, const char *nid, int64_t *rid)
{
	const char *p[1] = {nid};
	enum ds_rc rc = flush_kind(st, STORE_PERSONS);
	PGresult *r = rc ? NULL : run(st, "SELECT rid FROM person_nid WHERE nid = $1", 1, p, &rc);
	if (!r)
		return rc;
	rc = PQntuples(r) ? DS_OK : DS_ENOTFOUND;
	if (!rc)
		*rid = get_i64(r, 0, 0);
	PQclear(r);
	return rc;
}

static enum ds_rc pg_count(struct store *st, enum store_kind kind, int64_t *n)
{
	static const char *const sql[] = {"SELECT count(*) FROM unit",
					  "SELECT count(*) FROM household_key",
					  "SELECT count(*) FROM person_key"};
	enum ds_rc rc = flush_kind(st, kind);
	PGresult *r = rc ? NULL : run(st, sql[kind], 0, NULL, &rc);
	if (!r)
		return rc;
	*n = get_i64(r, 0, 0);
	PQclear(r);
	return DS_OK;
}

/* ---- the log ---- */

static void hex_uuid(const uint8_t id[16], char out[40])
{
	static const char hex[] = "0123456789abcdef";
	out[0] = '\\';
	out[1] = 'x';
	for (int i = 0; i < 16; i++) {
		out[2 + 2 * i] = hex[id[i] >> 4];
		out[3 + 2 * i] = hex[id[i] & 15];
	}
	out[34] = '\0';
}

static enum ds_rc one_event(struct store *st, const char *sql, const char *param,
			    struct store_event *out)
{
	struct pg *q = PG(st);
	const char *p[1] = {param};
	enum ds_rc rc;
	PGresult *r = run(st, sql, 1, p, &rc);
	if (!r)
		return rc;
	if (!PQntuples(r)) {
		PQclear(r);
		return DS_ENOTFOUND;
	}
	/* The body is borrowed until the next event lookup. */
	PQclear(q->held);
	q->held = r;
	read_event(r, 0, out, true);
	return DS_OK;
}

static enum ds_rc pg_event_by_id(struct store *st, const uint8_t id[16], struct store_event *out)
{
	char hex[40];
	hex_uuid(id, hex);
	return one_event(st,
			 "SELECT " EVENT_COLS ", body FROM event WHERE (prov, seq) = "
			 "(SELECT prov, seq FROM event_key WHERE uuid = $1::bytea)",
			 hex, out);
}

static enum ds_rc pg_event_by_seq(struct store *st, int64_t seq, struct store_event *out)
{
	char buf[24];
	return one_event(st, "SELECT " EVENT_COLS ", body FROM event WHERE seq = $1", I64(buf, seq),
			 out);
}

static enum ds_rc pg_next_seq(struct store *st, int64_t *seq)
{
	PGresult *r = PQexec(PG(st)->conn, "SELECT nextval('event_seq')");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		enum ds_rc rc = pgerr(st, "next seq", r);
		PQclear(r);
		return rc;
	}
	*seq = get_i64(r, 0, 0);
	PQclear(r);
	return DS_OK;
}

static enum ds_rc pg_event_add(struct store *st, struct store_event *ev, const char *body)
{
	const struct reg_fact *f = &ev->fact;
	enum ds_rc rc = flush_all(st);
	if (!rc)
		rc = ensure_prov(st, ev->prov);
	if (rc)
		return rc;
	char prov[24], seq[24], uuid[40], type[24], date[24], person[24], hh[24], other[24], a[24],
		b[24], at[24];
	hex_uuid(ev->id, uuid);
	const char *v[13] = {I64(prov, ev->prov), I64(seq, f->seq), uuid, I64(type, f->type),
			     I64(date, f->date), I64(person, f->person), I64(hh, f->hh),
			     I64(other, f->other), I64(a, f->a), I64(b, f->b),
			     I64(at, ev->recorded_at), ev->recorded_by, body};
	const char *k[3] = {uuid, prov, seq};
	rc = run_done(st, "INSERT INTO event_key (uuid, prov, seq) VALUES ($1::bytea, $2, $3)", 3, k);
	if (!rc)
		rc = run_done(st,
			      "INSERT INTO event (prov, seq, uuid, type, date, person, hh, other, a, b, "
			      "recorded_at, recorded_by, body) VALUES ($1, $2, $3::bytea, $4, $5, $6, $7, "
			      "$8, $9, $10, $11, $12, $13)",
			      13, v);
	if (!rc)
		PG(st)->wrote_events = true;
	return rc;
}

static enum ds_rc pg_event_void(struct store *st, int64_t target_seq, int64_t void_seq)
{
	char t[24], v[24];
	const char *p[2] = {I64(t, target_seq), I64(v, void_seq)};
	enum ds_rc rc;
	PGresult *r = run(st, "UPDATE event SET voided_by = $2 WHERE seq = $1 AND voided_by = 0", 2, p,
			  &rc);
	if (r) {
		if (atoi(PQcmdTuples(r)) != 1)
			rc = DS_ECONFLICT;
		PQclear(r);
	}
	return rc;
}

static enum ds_rc pg_person_current(struct store *st, const struct store_person *p)
{
	char key[REG_NAME_BYTES], rid[24], hh[24], ex[24];
	if (txt_fold(p->cur_name, strlen(p->cur_name), key, sizeof key))
		key[0] = '\0';
	I64(rid, p->rid);
	const char *v[7] = {rid, I64(hh, p->cur_hh), nullable_day(ex, sizeof ex, p->exit, DAY_MAX),
			    strcmp(p->cur_name, p->rec.full_name) ? p->cur_name : NULL, key,
			    p->cur_nid[0] ? p->cur_nid : NULL, txt_last_word(key)};
	/* The national id's owner table follows the current id. */
	const char *d[1] = {rid};
	enum ds_rc rc = run_done(st, "DELETE FROM person_nid WHERE rid = $1", 1, d);
	if (!rc && p->cur_nid[0]) {
		const char *n[2] = {p->cur_nid, rid};
		rc = run_done(st, "INSERT INTO person_nid (nid, rid) VALUES ($1, $2)", 2, n);
	}
	if (!rc)
		rc = run_done(st,
			      "UPDATE person SET cur_hh = $2, exit_day = $3, cur_name = $4, cur_key = $5, "
			      "nid = $6, given_key = $7 WHERE rid = $1",
			      7, v);
	return rc;
}

static enum ds_rc pg_person_facts(struct store *st, int64_t rid, bool state_only,
				  struct reg_fact **facts, size_t *n)
{
	char buf[24];
	const char *p[1] = {I64(buf, rid)};
	enum ds_rc rc;
	/* Without the passive types (reg_passive): 2, 13, 14, 15. */
	PGresult *r = run(st,
			  state_only ? "SELECT " EVENT_COLS " FROM event WHERE person = $1 "
				       "AND type NOT IN (2, 13, 14, 15, 16, 17) ORDER BY date, seq"
				     : "SELECT " EVENT_COLS " FROM event WHERE person = $1 "
				       "AND type NOT IN (16, 17) ORDER BY date, seq",
			  1, p, &rc);
	if (!r)
		return rc;
	int rows = PQntuples(r);
	struct reg_fact *v = malloc(((size_t)rows + 1) * sizeof *v);
	if (!v) {
		PQclear(r);
		return DS_ENOMEM;
	}
	for (int i = 0; i < rows; i++) {
		struct store_event e;
		read_event(r, i, &e, false);
		v[i] = e.fact;
	}
	PQclear(r);
	*facts = v;
	*n = (size_t)rows;
	return DS_OK;
}

static int64_t pg_last_seq(struct store *st)
{
	PGresult *r = PQexec(PG(st)->conn, "SELECT coalesce(max(seq), 0) FROM event");
	int64_t v = PQresultStatus(r) == PGRES_TUPLES_OK ? get_i64(r, 0, 0) : 0;
	PQclear(r);
	return v;
}

/* ---- iteration: a server-side cursor, fetched in batches ---- */

typedef enum ds_rc (*row_fn)(PGresult *r, int i, void *arg);

static enum ds_rc each(struct store *st, const char *sql, int n, const char *const *params,
		       row_fn row, void *arg)
{
	struct pg *q = PG(st);
	bool own_tx = !q->in_tx;
	enum ds_rc rc = own_tx ? exec(st, "BEGIN") : DS_OK;
	if (!rc)
		rc = flush_all(st);
	char *decl = NULL;
	if (!rc && asprintf(&decl, "DECLARE danso_cur NO SCROLL CURSOR FOR %s", sql) < 0)
		rc = DS_ENOMEM;
	if (!rc) {
		/* Declared text changes with the query: not prepared. */
		PGresult *r = run_sql(st, decl, n, params, &rc, false);
		PQclear(r);
	}
	free(decl);
	while (!rc) {
		PGresult *r = PQexec(q->conn, "FETCH 20000 FROM danso_cur");
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			rc = pgerr(st, "fetch", r);
			PQclear(r);
			break;
		}
		int rows = PQntuples(r);
		for (int i = 0; i < rows && !rc; i++)
			rc = row(r, i, arg);
		PQclear(r);
		if (rows == 0)
			break;
	}
	if (rc == DS_OK)
		rc = exec(st, "CLOSE danso_cur");
	if (own_tx) {
		if (rc)
			exec(st, "ROLLBACK");
		else
			rc = exec(st, "COMMIT");
	} else if (rc) {
		exec(st, "CLOSE danso_cur");
	}
	return rc;
}

struct cb {
	void *fn;
	void *arg;
};

static enum ds_rc unit_row(PGresult *r, int i, void *arg)
{
	struct cb *c = arg;
	struct reg_unit u;
	reg_unit_init(&u);
	get_str(r, i, 0, u.code, sizeof u.code);
	get_str(r, i, 1, u.name, sizeof u.name);
	u.level = (enum reg_level)get_i64(r, i, 2);
	get_str(r, i, 3, u.parent, sizeof u.parent);
	u.valid_from = get_day(r, i, 4, DAY_NONE);
	u.valid_to = get_day(r, i, 5, DAY_MAX);
	return ((enum ds_rc(*)(const struct reg_unit *, void *))c->fn)(&u, c->arg);
}

static enum ds_rc pg_each_unit(struct store *st, enum ds_rc (*fn)(const struct reg_unit *, void *),
			       void *arg)
{
	struct cb c = {(void *)fn, arg};
	return each(st, "SELECT code, name, level, parent, valid_from, valid_to FROM unit ORDER BY rid",
		    0, NULL, unit_row, &c);
}

static enum ds_rc household_row(PGresult *r, int i, void *arg)
{
	struct cb *c = arg;
	struct store_household h;
	read_household(r, i, &h);
	return ((enum ds_rc(*)(const struct store_household *, void *))c->fn)(&h, c->arg);
}

static enum ds_rc pg_each_household(struct store *st, bool baseline_only,
				    enum ds_rc (*fn)(const struct store_household *, void *),
				    void *arg)
{
	struct cb c = {(void *)fn, arg};
	return each(st,
		    baseline_only ? "SELECT " HH_COLS "FROM household WHERE baseline <> 0 ORDER BY rid"
				  : "SELECT " HH_COLS "FROM household ORDER BY rid",
		    0, NULL, household_row, &c);
}

static enum ds_rc person_row(PGresult *r, int i, void *arg)
{
	struct cb *c = arg;
	struct store_person p;
	read_person(r, i, &p);
	return ((enum ds_rc(*)(const struct store_person *, void *))c->fn)(&p, c->arg);
}

static enum ds_rc pg_each_person(struct store *st, bool baseline_only,
				 enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	struct cb c = {(void *)fn, arg};
	return each(st,
		    baseline_only
			    ? "SELECT " PERSON_COLS PERSON_FROM "WHERE p.baseline <> 0 ORDER BY p.rid"
			    : "SELECT " PERSON_COLS PERSON_FROM "ORDER BY p.rid",
		    0, NULL, person_row, &c);
}

static enum ds_rc person_lite_row(PGresult *r, int i, void *arg)
{
	struct cb *c = arg;
	struct store_person_lite p = {
		.rid = get_i64(r, i, 0),
		.hh = get_i64(r, i, 1),
		.entry_seq = get_i64(r, i, 2),
		.birth = (int32_t)get_i64(r, i, 3),
		.entry = (int32_t)get_i64(r, i, 4),
		.sex = (uint8_t)get_i64(r, i, 5),
		.marital = (uint8_t)get_i64(r, i, 6),
		.residence = (uint8_t)get_i64(r, i, 7),
		.fp_method = (uint8_t)get_i64(r, i, 8),
	};
	return ((enum ds_rc(*)(const struct store_person_lite *, void *))c->fn)(&p, c->arg);
}

static enum ds_rc pg_each_person_lite(struct store *st,
				      enum ds_rc (*fn)(const struct store_person_lite *, void *),
				      void *arg)
{
	struct cb c = {(void *)fn, arg};
	return each(st,
		    "SELECT rid, hh, entry_seq, birth, entry, sex, marital, residence, fp_method "
		    "FROM person ORDER BY rid",
		    0, NULL, person_lite_row, &c);
}

static enum ds_rc household_lite_row(PGresult *r, int i, void *arg)
{
	struct cb *c = arg;
	struct store_household_lite h = {.rid = get_i64(r, i, 0),
					 .entry = (int32_t)get_i64(r, i, 2),
					 .type = (uint8_t)get_i64(r, i, 3),
					 .poverty = (uint8_t)get_i64(r, i, 4)};
	get_str(r, i, 1, h.area, sizeof h.area);
	return ((enum ds_rc(*)(const struct store_household_lite *, void *))c->fn)(&h, c->arg);
}

static enum ds_rc pg_each_household_lite(struct store *st,
					 enum ds_rc (*fn)(const struct store_household_lite *, void *),
					 void *arg)
{
	struct cb c = {(void *)fn, arg};
	return each(st, "SELECT rid, area, entry, type, poverty FROM household ORDER BY rid", 0, NULL,
		    household_lite_row, &c);
}

struct ev_cb {
	enum ds_rc (*fn)(const struct store_event *, void *);
	void *arg;
	bool body;
};

static enum ds_rc event_row(PGresult *r, int i, void *arg)
{
	struct ev_cb *c = arg;
	struct store_event e;
	read_event(r, i, &e, c->body);
	return c->fn(&e, c->arg);
}

static enum ds_rc pg_each_event(struct store *st, int64_t after, bool want_body,
				enum ds_rc (*fn)(const struct store_event *, void *), void *arg)
{
	struct ev_cb c = {fn, arg, want_body};
	char buf[24];
	const char *p[1] = {I64(buf, after)};
	return each(st,
		    want_body ? "SELECT " EVENT_COLS ", body FROM event WHERE seq > $1 ORDER BY seq"
			      : "SELECT " EVENT_COLS " FROM event WHERE seq > $1 ORDER BY seq",
		    1, p, event_row, &c);
}

static enum ds_rc pg_events_about(struct store *st, int64_t person, int64_t hh,
				  enum ds_rc (*fn)(const struct store_event *, void *), void *arg)
{
	struct ev_cb c = {fn, arg, true};
	char a[24], b[24];
	const char *p[2] = {I64(a, person), I64(b, hh)};
	return each(st,
		    "SELECT " EVENT_COLS ", body FROM event WHERE person = $1 AND $1 <> 0 "
		    "UNION SELECT " EVENT_COLS ", body FROM event WHERE other = $1 AND $1 <> 0 "
		    "AND type IN (1, 7) "
		    "UNION SELECT " EVENT_COLS ", body FROM event WHERE hh = $2 AND $2 <> 0 "
		    "UNION SELECT " EVENT_COLS ", body FROM event WHERE other = $2 AND $2 <> 0 "
		    "AND type = 6 "
		    "ORDER BY 1",
		    2, p, event_row, &c);
}

static enum ds_rc pg_baselines(struct store *st, struct store_baseline *out, size_t max, size_t *n)
{
	enum ds_rc rc;
	PGresult *r = run(st, "SELECT id, as_of, imported_at FROM baseline ORDER BY id", 0, NULL, &rc);
	if (!r)
		return rc;
	*n = 0;
	for (int i = 0; i < PQntuples(r) && *n < max; i++) {
		out[*n].id = get_i64(r, i, 0);
		out[*n].as_of = (int32_t)get_i64(r, i, 1);
		out[*n].imported_at = get_i64(r, i, 2);
		(*n)++;
	}
	PQclear(r);
	return DS_OK;
}

static enum ds_rc pg_find(struct store *st, const char *key, int year, const char *areas,
			  size_t offset, size_t limit,
			  enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	char hi[REG_NAME_BYTES + 8], word[REG_NAME_BYTES + 4], y[24], from[24], to[24], lim[24], off[24];
	snprintf(hi, sizeof hi, "%s\xf4\x8f\xbf\xbf", key);
	snprintf(word, sizeof word, "%% %s", key);
	bool one_word = strchr(key, ' ') == NULL;
	const char *p[10] = {key, hi, I64(y, year), I64(lim, (int64_t)limit), one_word ? "t" : "f",
			     word, I64(from, year ? day_from_ymd(year, 1, 1) : 0),
			     I64(to, year ? day_from_ymd(year, 12, 31) : 0), I64(off, (int64_t)offset),
			     areas};
	enum ds_rc rc;
	/* The prefix range compares bytes (~>=~, ~<~), as the upper bound
	 * assumes whatever the database's collation; those operators are
	 * what the text_pattern_ops index serves, also in the generic plan of
	 * a prepared statement (with >= and < it was a scan of every person). */
	PGresult *r = run(st,
			  "SELECT " PERSON_COLS PERSON_FROM
			  "WHERE ((p.cur_key ~>=~ $1 AND p.cur_key ~<~ $2) OR ($5::boolean AND "
			  "p.given_key = $1 AND $6 <> '')) AND ($3::int = 0 OR (p.birth >= $7::int AND "
			  "p.birth <= $8::int)) AND ($10::json IS NULL OR ch.area IN "
			  "(SELECT json_array_elements_text($10::json))) "
			  "ORDER BY p.cur_key COLLATE \"C\", p.rid LIMIT $4 OFFSET $9",
			  10, p, &rc);
	if (!r)
		return rc;
	for (int i = 0; i < PQntuples(r) && !rc; i++) {
		struct store_person sp;
		read_person(r, i, &sp);
		rc = fn(&sp, arg);
	}
	PQclear(r);
	return rc;
}

static enum ds_rc pg_households_in(struct store *st, const char *areas, const char *number,
				   size_t offset, size_t limit,
				   enum ds_rc (*fn)(const struct store_household *, void *), void *arg)
{
	char lim[24], off[24];
	const char *p[4] = {areas, number, I64(lim, (int64_t)limit), I64(off, (int64_t)offset)};
	enum ds_rc rc = flush_all(st);
	PGresult *r = rc ? NULL
		      : run(st,
			    "SELECT " HH_COLS "FROM household WHERE ($1::json IS NULL OR area IN "
			    "(SELECT json_array_elements_text($1::json))) AND ($2::text IS NULL OR "
			    "number = $2) ORDER BY area, (substring(number from '^[0-9]+'))::bigint, "
			    "number LIMIT $3 OFFSET $4",
			    4, p, &rc);
	if (!r)
		return rc;
	for (int i = 0; i < PQntuples(r) && !rc; i++) {
		struct store_household h;
		read_household(r, i, &h);
		rc = fn(&h, arg);
	}
	PQclear(r);
	return rc;
}

/* ---- accounts ---- */

#define USER_COLS "id, login, name, role, unit, pw_hash, created_at, pw_changed_at, disabled "

static void read_user(PGresult *r, int i, struct store_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = get_i64(r, i, 0);
	get_str(r, i, 1, u->login, sizeof u->login);
	get_str(r, i, 2, u->name, sizeof u->name);
	u->role = (int)get_i64(r, i, 3);
	get_str(r, i, 4, u->unit, sizeof u->unit);
	get_str(r, i, 5, u->pw_hash, sizeof u->pw_hash);
	u->created_at = get_i64(r, i, 6);
	u->pw_changed_at = get_i64(r, i, 7);
	u->disabled = PQgetvalue(r, i, 8)[0] == 't';
}

static enum ds_rc pg_user_add(struct store *st, struct store_user *u)
{
	char role[24], c[24], pc[24];
	const char *p[8] = {u->login, u->name, I64(role, u->role), u->unit, u->pw_hash,
			    I64(c, u->created_at), I64(pc, u->pw_changed_at), u->disabled ? "t" : "f"};
	enum ds_rc rc;
	PGresult *r = run(st,
			  "INSERT INTO app_user(login, name, role, unit, pw_hash, created_at, "
			  "pw_changed_at, disabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			  8, p, &rc);
	if (r) {
		u->id = get_i64(r, 0, 0);
		PQclear(r);
	}
	return rc;
}

static enum ds_rc pg_user_get(struct store *st, const char *login, int64_t id, struct store_user *u)
{
	char buf[24];
	const char *p[1] = {login ? login : I64(buf, id)};
	enum ds_rc rc;
	PGresult *r = run(st, login ? "SELECT " USER_COLS "FROM app_user WHERE login = $1"
				    : "SELECT " USER_COLS "FROM app_user WHERE id = $1",
			  1, p, &rc);
	if (!r)
		return rc;
	rc = PQntuples(r) ? DS_OK : DS_ENOTFOUND;
	if (!rc)
		read_user(r, 0, u);
	PQclear(r);
	return rc;
}

static enum ds_rc pg_user_update(struct store *st, const struct store_user *u)
{
	char id[24], role[24], pc[24];
	const char *p[7] = {I64(id, u->id), u->name, I64(role, u->role), u->unit, u->pw_hash,
			    I64(pc, u->pw_changed_at), u->disabled ? "t" : "f"};
	enum ds_rc rc;
	PGresult *r = run(st,
			  "UPDATE app_user SET name = $2, role = $3, unit = $4, pw_hash = $5, "
			  "pw_changed_at = $6, disabled = $7 WHERE id = $1",
			  7, p, &rc);
	if (r) {
		if (atoi(PQcmdTuples(r)) == 0)
			rc = DS_ENOTFOUND;
		PQclear(r);
	}
	return rc;
}

static enum ds_rc pg_each_user(struct store *st, enum ds_rc (*fn)(const struct store_user *, void *),
			       void *arg)
{
	enum ds_rc rc;
	PGresult *r = run(st, "SELECT " USER_COLS "FROM app_user ORDER BY login", 0, NULL, &rc);
	if (!r)
		return rc;
	for (int i = 0; i < PQntuples(r) && !rc; i++) {
		struct store_user u;
		read_user(r, i, &u);
		rc = fn(&u, arg);
	}
	PQclear(r);
	return rc;
}

static void hex32(const uint8_t h[32], char out[70])
{
	static const char hex[] = "0123456789abcdef";
	out[0] = '\\';
	out[1] = 'x';
	for (int i = 0; i < 32; i++) {
		out[2 + 2 * i] = hex[h[i] >> 4];
		out[3 + 2 * i] = hex[h[i] & 15];
	}
	out[66] = '\0';
}

static enum ds_rc pg_session_add(struct store *st, const struct store_session *x)
{
	char h[70], u[24], c[24], l[24];
	hex32(x->hash, h);
	const char *p[6] = {h, I64(u, x->user_id), I64(c, x->created_at), I64(l, x->last_seen),
			    x->token ? "t" : "f", x->label};
	return run_done(st,
			"INSERT INTO session(hash, user_id, created_at, last_seen, revoked, token, label) "
			"VALUES ($1::bytea, $2, $3, $4, false, $5, $6)",
			6, p);
}

static enum ds_rc pg_session_get(struct store *st, const uint8_t hash[32], struct store_session *x)
{
	char h[70];
	hex32(hash, h);
	const char *p[1] = {h};
	enum ds_rc rc;
	PGresult *r = run(st,
			  "SELECT user_id, created_at, last_seen, revoked, token, label FROM session "
			  "WHERE hash = $1::bytea",
			  1, p, &rc);
	if (!r)
		return rc;
	rc = PQntuples(r) ? DS_OK : DS_ENOTFOUND;
	if (!rc) {
		memset(x, 0, sizeof *x);
		memcpy(x->hash, hash, 32);
		x->user_id = get_i64(r, 0, 0);
		x->created_at = get_i64(r, 0, 1);
		x->last_seen = get_i64(r, 0, 2);
		x->revoked = PQgetvalue(r, 0, 3)[0] == 't';
		x->token = PQgetvalue(r, 0, 4)[0] == 't';
		get_str(r, 0, 5, x->label, sizeof x->label);
	}
	PQclear(r);
	return rc;
}

static enum ds_rc pg_session_touch(struct store *st, const uint8_t hash[32], int64_t when)
{
	char h[70], w[24];
	hex32(hash, h);
	const char *p[2] = {h, I64(w, when)};
	return run_done(st, "UPDATE session SET last_seen = $2 WHERE hash = $1::bytea", 2, p);
}

static enum ds_rc pg_session_revoke(struct store *st, const uint8_t *hash, int64_t user_id,
				    bool tokens_too)
{
	char h[70], u[24];
	if (hash) {
		hex32(hash, h);
		const char *p[1] = {h};
		return run_done(st, "UPDATE session SET revoked = true WHERE hash = $1::bytea", 1, p);
	}
	const char *p[2] = {I64(u, user_id), tokens_too ? "t" : "f"};
	return run_done(st,
			"UPDATE session SET revoked = true WHERE user_id = $1 AND ($2::boolean OR NOT token)",
			2, p);
}

static enum ds_rc pg_audit_add(struct store *st, const struct store_audit *a)
{
	char at[24], role[24];
	const char *p[8] = {I64(at, a->at), a->login, I64(role, a->role), a->unit,
			    a->action, a->object, a->object_id, a->outcome};
	return run_done(st,
			"INSERT INTO audit(at, login, role, unit, action, object, object_id, outcome) "
			"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			8, p);
}

static enum ds_rc pg_audit_list(struct store *st, const char *object, const char *object_id,
				size_t offset, size_t limit,
				enum ds_rc (*fn)(const struct store_audit *, void *), void *arg)
{
	char lim[24], off[24];
	const char *p[4] = {object_id ? object : NULL, object_id, I64(lim, (int64_t)limit),
			    I64(off, (int64_t)offset)};
	enum ds_rc rc;
	PGresult *r = run(st,
			  "SELECT seq, at, login, role, unit, action, object, object_id, outcome FROM audit "
			  "WHERE ($1::text IS NULL OR (object = $1 AND object_id = $2)) "
			  "ORDER BY seq DESC LIMIT $3 OFFSET $4",
			  4, p, &rc);
	if (!r)
		return rc;
	for (int i = 0; i < PQntuples(r) && !rc; i++) {
		struct store_audit a;
		memset(&a, 0, sizeof a);
		a.seq = get_i64(r, i, 0);
		a.at = get_i64(r, i, 1);
		get_str(r, i, 2, a.login, sizeof a.login);
		a.role = (int)get_i64(r, i, 3);
		get_str(r, i, 4, a.unit, sizeof a.unit);
		get_str(r, i, 5, a.action, sizeof a.action);
		get_str(r, i, 6, a.object, sizeof a.object);
		get_str(r, i, 7, a.object_id, sizeof a.object_id);
		get_str(r, i, 8, a.outcome, sizeof a.outcome);
		rc = fn(&a, arg);
	}
	PQclear(r);
	return rc;
}

/* Waits for NOTIFY danso_events from another server's commit. */
static enum ds_rc pg_wait_notify(struct store *st, int timeout_ms)
{
	struct pg *q = PG(st);
	if (!q->listening) {
		enum ds_rc rc = exec(st, "LISTEN danso_events");
		if (rc)
			return rc;
		q->listening = true;
	}
	int fd = PQsocket(q->conn);
	fd_set set;
	FD_ZERO(&set);
	FD_SET(fd, &set);
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	if (select(fd + 1, &set, NULL, NULL, &tv) < 0)
		return DS_OK;
	PQconsumeInput(q->conn);
	PGnotify *n;
	while ((n = PQnotifies(q->conn)))
		PQfreemem(n);
	return DS_OK;
}

static enum ds_rc pg_members(struct store *st, int64_t hh,
			     enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	struct cb c = {(void *)fn, arg};
	char buf[24];
	const char *p[1] = {I64(buf, hh)};
	return each(st, "SELECT " PERSON_COLS PERSON_FROM "WHERE p.cur_hh = $1 ORDER BY p.rid", 1, p,
		    person_row, &c);
}

static enum ds_rc pg_target_set(struct store *st, const char *unit, int year, const char *key,
				double value)
{
	char y[24], v[64];
	snprintf(v, sizeof v, "%.17g", value);
	const char *p[4] = {unit, I64(y, year), key, v};
	return run_done(st, "INSERT INTO target VALUES ($1, $2, $3, $4) ON CONFLICT (unit, year, key) "
			    "DO UPDATE SET value = excluded.value",
			4, p);
}

static enum ds_rc pg_target_get(struct store *st, const char *unit, int year, const char *key,
				double *value)
{
	char y[24];
	const char *p[3] = {unit, I64(y, year), key};
	enum ds_rc rc;
	PGresult *r = run(st, "SELECT value FROM target WHERE unit = $1 AND year = $2 AND key = $3", 3,
			  p, &rc);
	if (!r)
		return rc;
	rc = PQntuples(r) ? DS_OK : DS_ENOTFOUND;
	if (!rc)
		*value = strtod(PQgetvalue(r, 0, 0), NULL);
	PQclear(r);
	return rc;
}

static const struct store_core_ops pg_core = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.migrate = pg_migrate,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.savepoint = pg_savepoint,
	.release = pg_release,
	.rollback_to = pg_rollback_to,
	.meta_get = pg_meta_get,
	.meta_set = pg_meta_set,
	.wait_notify = pg_wait_notify,
};

static const struct store_reg_ops pg_reg = {
	.bulk_begin = pg_bulk_begin,
	.bulk_end = pg_bulk_end,
	.unit_add = pg_unit_add,
	.household_add = pg_household_add,
	.person_add = pg_person_add,
	.baseline_add = pg_baseline_add,
	.household_get = pg_household_get,
	.person_get = pg_person_get,
	.nid_owner = pg_nid_owner,
	.count = pg_count,
	.person_current = pg_person_current,
	.event_by_id = pg_event_by_id,
	.event_by_seq = pg_event_by_seq,
	.next_seq = pg_next_seq,
	.event_add = pg_event_add,
	.event_void = pg_event_void,
	.person_facts = pg_person_facts,
	.last_seq = pg_last_seq,
	.each_unit = pg_each_unit,
	.each_household = pg_each_household,
	.each_person = pg_each_person,
	.each_person_lite = pg_each_person_lite,
	.each_household_lite = pg_each_household_lite,
	.each_event = pg_each_event,
	.events_about = pg_events_about,
	.baselines = pg_baselines,
	.find = pg_find,
	.households_in = pg_households_in,
	.members = pg_members,
	.target_set = pg_target_set,
	.target_get = pg_target_get,
};

static const struct store_acct_ops pg_acct = {
	.user_add = pg_user_add,
	.user_get = pg_user_get,
	.user_update = pg_user_update,
	.each_user = pg_each_user,
	.session_add = pg_session_add,
	.session_get = pg_session_get,
	.session_touch = pg_session_touch,
	.session_revoke = pg_session_revoke,
};

static const struct store_audit_ops pg_audit = {
	.add = pg_audit_add,
	.list = pg_audit_list,
};

const struct store_backend store_pg = {
	.core = &pg_core,
	.reg = &pg_reg,
	.acct = &pg_acct,
	.audit = &pg_audit,
};
