/*
 * The SQLite backend: one file, WAL journal, synchronous=FULL, so that an
 * acknowledged commit survives a crash or a power cut (the server's writer
 * commits on NORMAL and has the log flushed by another thread before it
 * answers: store_sync_aside).
 *
 * This file holds the connection (open, close, the schema and its
 * migrations, transactions, meta, bulk mode), the helpers the backend's
 * other files share (sqlite_int.h) and the backend's table; the contracts
 * are in sqlite_register.c, sqlite_accounts.c and sqlite_audit.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/sqlite_int.h"

/* What is left of the log file after it starts again (SQLite keeps it). */
#define SQ_LOG_LIMIT "PRAGMA journal_size_limit=67108864"

/* Statements cached by sq_stmt. */
static const char sql_meta_get[] =
	"SELECT value FROM meta WHERE key = ?1";
static const char sql_meta_set[] =
	"INSERT INTO meta(key, value) VALUES (?1, ?2) "
	"ON CONFLICT(key) DO UPDATE SET value = excluded.value";

enum ds_rc sq_err(struct store *st, const char *what)
{
	store_seterr(st, "sqlite: %s: %s", what, sqlite3_errmsg(SQ(st)->db));
	return DS_EDB;
}

enum ds_rc sq_exec(struct store *st, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(SQ(st)->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		store_seterr(st, "sqlite: %s", err ? err : "exec failed");
		sqlite3_free(err);
		return DS_EDB;
	}
	return DS_OK;
}

sqlite3_stmt *sq_stmt(struct store *st, const char *sql)
{
	struct sq *q = SQ(st);
	int i = 0;
	while (i < q->nstmt && q->stmt_sql[i] != sql)
		i++;
	if (i == SQ_MAX_STMT) {
		store_seterr(st, "sqlite: more than %d cached statements", SQ_MAX_STMT);
		return NULL;
	}
	if (i == q->nstmt)
		q->stmt_sql[q->nstmt++] = sql;
	if (!q->stmt[i] && sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &q->stmt[i],
					      NULL) != SQLITE_OK) {
		sq_err(st, sql);
		return NULL;
	}
	return q->stmt[i];
}

void sq_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

void sq_bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v && v[0])
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

void sq_col_text(sqlite3_stmt *s, int i, char *out, size_t outsz)
{
	/* Cut at outsz - 1 bytes as snprintf would, without its formatting
	 * (a person's row is eight texts, read for every event's subject). */
	if (!outsz)
		return;
	const unsigned char *t = sqlite3_column_text(s, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(s, i) : 0;
	if (n >= outsz)
		n = outsz - 1;
	if (n)
		memcpy(out, t, n);
	out[n] = '\0';
}

enum ds_rc sq_step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int r = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (r == SQLITE_CONSTRAINT) {
		store_seterr(st, "sqlite: %s: %s", what, sqlite3_errmsg(SQ(st)->db));
		return DS_ECONFLICT;
	}
	return r == SQLITE_DONE ? DS_OK : sq_err(st, what);
}

void sq_bind_day(sqlite3_stmt *s, int i, int32_t d, int32_t none)
{
	if (d == none)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int(s, i, d);
}

int32_t sq_col_day(sqlite3_stmt *s, int i, int32_t none)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? none : sqlite3_column_int(s, i);
}

enum ds_rc sq_lookup(struct store *st, sqlite3_stmt *s, void (*read)(sqlite3_stmt *, void *),
		     void *out)
{
	int r = sqlite3_step(s);
	enum ds_rc rc = DS_ENOTFOUND;
	if (r == SQLITE_ROW) {
		read(s, out);
		rc = DS_OK;
	} else if (r != SQLITE_DONE) {
		rc = sq_err(st, "lookup");
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

enum ds_rc sq_each(struct store *st, const char *sql, const int64_t *params, int nparams,
		   enum ds_rc (*row)(sqlite3_stmt *, void *), void *arg)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(SQ(st)->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sq_err(st, "iterate");
	for (int i = 0; i < nparams; i++)
		sqlite3_bind_int64(s, i + 1, params[i]);
	enum ds_rc rc = DS_OK;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = row(s, arg)) != DS_OK)
			break;
	if (rc == DS_OK && r != SQLITE_DONE)
		rc = sq_err(st, "iterate");
	sqlite3_finalize(s);
	return rc;
}

enum ds_rc sq_prepare(struct store *st, const char *sql, sqlite3_stmt **out)
{
	if (sqlite3_prepare_v2(SQ(st)->db, sql, -1, out, NULL) != SQLITE_OK)
		return sq_err(st, sql);
	return DS_OK;
}

int64_t sq_int(struct store *st, const char *sql)
{
	sqlite3_stmt *s = sq_stmt(st, sql);
	int64_t v = 0;
	if (s && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	if (s)
		sqlite3_reset(s);
	return v;
}

enum ds_rc sq_hold_text(struct store *st, const char **text)
{
	struct sq *q = SQ(st);
	free(q->body);
	q->body = *text ? strdup(*text) : NULL;
	if (*text && !q->body)
		return DS_ENOMEM;
	*text = q->body;
	return DS_OK;
}

/* ---- open, schema ---- */

static const char schema_v1[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE unit(rid INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL,"
	" level INTEGER NOT NULL, parent TEXT NOT NULL, valid_from INTEGER, valid_to INTEGER);"
	"CREATE INDEX unit_code ON unit(code);"
	"CREATE TABLE baseline(id INTEGER PRIMARY KEY, as_of INTEGER NOT NULL,"
	" imported_at INTEGER NOT NULL);"
	"CREATE TABLE household(rid INTEGER PRIMARY KEY, id TEXT NOT NULL,"
	" prov INTEGER NOT NULL, area TEXT NOT NULL, number TEXT NOT NULL, address TEXT NOT NULL,"
	" type INTEGER NOT NULL, poverty INTEGER NOT NULL, entry INTEGER NOT NULL,"
	" entry_seq INTEGER NOT NULL, baseline INTEGER NOT NULL);"
	"CREATE TABLE person(rid INTEGER PRIMARY KEY, id TEXT NOT NULL,"
	" prov INTEGER NOT NULL, hh INTEGER NOT NULL, full_name TEXT NOT NULL,"
	" sex INTEGER NOT NULL, birth INTEGER NOT NULL, birth_prec INTEGER NOT NULL,"
	" relation INTEGER NOT NULL, ethnicity TEXT NOT NULL, education INTEGER NOT NULL,"
	" marital INTEGER NOT NULL, residence INTEGER NOT NULL, insurance_no TEXT,"
	" national_id TEXT, fp_method INTEGER NOT NULL, fp_since INTEGER, entry INTEGER NOT NULL,"
	" entry_seq INTEGER NOT NULL, baseline INTEGER NOT NULL, cur_hh INTEGER NOT NULL,"
	" exit_day INTEGER, cur_name TEXT, cur_key TEXT NOT NULL, nid TEXT, given_key TEXT NOT NULL);"
	"CREATE TABLE event(seq INTEGER PRIMARY KEY, uuid BLOB NOT NULL UNIQUE,"
	" prov INTEGER NOT NULL, type INTEGER NOT NULL, date INTEGER NOT NULL,"
	" person INTEGER NOT NULL, hh INTEGER NOT NULL, other INTEGER NOT NULL,"
	" a INTEGER NOT NULL, b INTEGER NOT NULL, voided_by INTEGER NOT NULL DEFAULT 0,"
	" recorded_at INTEGER NOT NULL, recorded_by TEXT NOT NULL, body TEXT NOT NULL);"
	"CREATE INDEX event_person ON event(person, type) WHERE " STORE_NOT_PASSIVE ";"
	"CREATE INDEX event_hh ON event(hh) WHERE " STORE_NOT_PASSIVE ";"
	"CREATE INDEX event_other ON event(other) WHERE other <> 0;"
	"CREATE TABLE target(unit TEXT NOT NULL, year INTEGER NOT NULL, key TEXT NOT NULL,"
	" value REAL NOT NULL, PRIMARY KEY (unit, year, key));"
	"CREATE INDEX household_area ON household(area, number);"
	"CREATE TABLE user(id INTEGER PRIMARY KEY, login TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	" role INTEGER NOT NULL, unit TEXT NOT NULL, pw_hash TEXT NOT NULL,"
	" created_at INTEGER NOT NULL, pw_changed_at INTEGER NOT NULL, disabled INTEGER NOT NULL);"
	"CREATE TABLE session(hash BLOB PRIMARY KEY, user_id INTEGER NOT NULL,"
	" created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL, revoked INTEGER NOT NULL,"
	" token INTEGER NOT NULL, label TEXT NOT NULL);"
	"CREATE INDEX session_user ON session(user_id);"
	"CREATE TABLE audit(seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, login TEXT NOT NULL,"
	" role INTEGER NOT NULL, unit TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL,"
	" object_id TEXT NOT NULL, outcome TEXT NOT NULL);"
	"CREATE INDEX audit_object ON audit(object, object_id);"
	/* The audit log is append-only: the database itself refuses changes. */
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN"
	" SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN"
	" SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN"
	" SELECT RAISE(ABORT, 'the event log is append-only'); END;";

/* The record log (records.h): append-only like the event and audit logs.
 * An INTEGER PRIMARY KEY without AUTOINCREMENT takes the highest seq plus
 * one, so with no deletes the seq is gapless, also after a rollback. */
static const char schema_v2[] =
	"CREATE TABLE record(seq INTEGER PRIMARY KEY, uuid BLOB NOT NULL UNIQUE,"
	" kind TEXT NOT NULL, unit TEXT NOT NULL, prov INTEGER NOT NULL, date INTEGER NOT NULL,"
	" key TEXT NOT NULL, recorded_at INTEGER NOT NULL, recorded_by TEXT NOT NULL,"
	" body TEXT NOT NULL);"
	"CREATE INDEX record_key ON record(kind, unit, key);"
	"CREATE TRIGGER record_no_update BEFORE UPDATE ON record BEGIN"
	" SELECT RAISE(ABORT, 'the record log is append-only'); END;"
	"CREATE TRIGGER record_no_delete BEFORE DELETE ON record BEGIN"
	" SELECT RAISE(ABORT, 'the record log is append-only'); END;";

/* Version 3: API tokens expire (those made before get 90 days from the
 * migration), and login failures are kept across restarts. */
static const char schema_v3[] =
	"ALTER TABLE session ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;"
	"UPDATE session SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 90 * 86400"
	" WHERE token = 1;"
	"CREATE TABLE login_limit(key TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
	" last INTEGER NOT NULL, until INTEGER NOT NULL);";

/* Version 4: each audit entry says where its object was (a breach
 * investigation asks for every access to a unit), and the log is searched
 * by time and by login in time order.  Entries made before have area "". */
static const char schema_v4[] =
	"ALTER TABLE audit ADD COLUMN area TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX audit_at ON audit(at, seq);"
	"CREATE INDEX audit_login ON audit(login, at, seq);";

/* Version 5: the given-name index also orders by birth and holds the
 * current household, so that the check at entry's probes of a name and its
 * slips, born in one year, find the commune's persons among them without
 * reading any other person's row (store_find_given). */
static const char schema_v5[] = "DROP INDEX IF EXISTS person_given;"
				"CREATE INDEX person_given ON person(given_key, birth, cur_hh);";

/* Version 6: a person's events indexed with their type, so that the facts
 * that change state (a new event's checks) pass over the passive ones
 * (checks, screenings) in the index, without reading their rows: a person
 * with a hundred checks costs a hundred row reads less for each event. */
static const char schema_v6[] = "DROP INDEX IF EXISTS event_person;"
				"CREATE INDEX event_person ON event(person, type);";

/* Version 7: a person's folded name, given name and national id are found
 * through search tables instead of indexes on the person table.  A bulk
 * load fills them from keys sorted in C and put in order (sq_bulk_end),
 * where building three indexes took SQLite's sorter longer than loading
 * the rows, and inserting into them row by row longer still.  The
 * triggers keep them equal to the person table's columns on every other
 * write; the one for new rows is dropped during a bulk load
 * (sq_search_add). */
/* Version 8: the index of the events that name another person or
 * household (a birth's child, a spouse, the household a transfer leaves, a
 * merge's duplicate) holds only those.  Most events name none, and each of
 * their entries, all under 0, was one of an event's four index writes:
 * 160,000 checks inserted in groups of 1,600 took 3.41 s with it, 2.79-3.17 s
 * without (sqlite3, the 1M province). */
static const char schema_v8[] = "DROP INDEX IF EXISTS event_other;"
				"CREATE INDEX event_other ON event(other) WHERE other <> 0;";

/* A household's history holds its changes, not its members' screenings,
 * pregnancies and checks (reg_passive: half the events, and the index
 * entry each of them wrote).  Version 10 writes the index's condition
 * without a list (STORE_NOT_PASSIVE), the same index otherwise: version
 * 9's "NOT IN (2, 13, 14, 15)" made and dropped a temporary B-tree on
 * every event's insert.  So the step runs for either. */
static const char schema_v9[] = "DROP INDEX IF EXISTS event_hh;"
				"CREATE INDEX event_hh ON event(hh) WHERE " STORE_NOT_PASSIVE ";";

/* The passive events out of the index by person, into event_passive up to
 * the marks (sqlite_int.h, sqlite_passive.c).  64 slices of persons in
 * blocks of 1,024: (person >> 10) & 63.  For a new file too (after
 * schema_v1). */
static const char schema_v11[] =
	"CREATE TABLE IF NOT EXISTS event_passive(person INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" PRIMARY KEY (person, seq)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS passive_mark(slice INTEGER PRIMARY KEY, upto INTEGER NOT NULL);"
	"DELETE FROM event_passive; DELETE FROM passive_mark;"
	"INSERT INTO event_passive SELECT person, seq FROM event"
	" WHERE NOT (" STORE_NOT_PASSIVE ") ORDER BY person, seq;"
	"WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 63)"
	" INSERT INTO passive_mark SELECT i, (SELECT coalesce(max(seq), 0) FROM event) FROM s;"
	"DROP INDEX IF EXISTS event_person;"
	"CREATE INDEX event_person ON event(person, type) WHERE " STORE_NOT_PASSIVE ";";

static const char schema_v7[] =
	"DROP INDEX IF EXISTS person_nid; DROP INDEX IF EXISTS person_key;"
	"DROP INDEX IF EXISTS person_given;"
	"CREATE TABLE person_by_nid(nid TEXT PRIMARY KEY, rid INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE person_by_key(key TEXT NOT NULL, rid INTEGER NOT NULL,"
	" PRIMARY KEY (key, rid)) WITHOUT ROWID;"
	"CREATE TABLE person_by_given(given TEXT NOT NULL, birth INTEGER NOT NULL,"
	" hh INTEGER NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (given, birth, hh, rid)) WITHOUT ROWID;"
	"INSERT INTO person_by_nid SELECT nid, rid FROM person WHERE nid IS NOT NULL;"
	"INSERT INTO person_by_key SELECT cur_key, rid FROM person;"
	"INSERT INTO person_by_given SELECT given_key, birth, cur_hh, rid FROM person;"
	"CREATE TRIGGER person_key_change AFTER UPDATE OF cur_key ON person"
	" WHEN old.cur_key IS NOT new.cur_key BEGIN"
	" DELETE FROM person_by_key WHERE key = old.cur_key AND rid = old.rid;"
	" INSERT INTO person_by_key VALUES (new.cur_key, new.rid); END;"
	"CREATE TRIGGER person_given_change AFTER UPDATE OF given_key, birth, cur_hh ON person"
	" WHEN old.given_key IS NOT new.given_key OR old.birth IS NOT new.birth"
	" OR old.cur_hh IS NOT new.cur_hh BEGIN"
	" DELETE FROM person_by_given WHERE given = old.given_key AND birth = old.birth"
	" AND hh = old.cur_hh AND rid = old.rid;"
	" INSERT INTO person_by_given VALUES (new.given_key, new.birth, new.cur_hh, new.rid); END;"
	"CREATE TRIGGER person_nid_change AFTER UPDATE OF nid ON person"
	" WHEN old.nid IS NOT new.nid BEGIN"
	" DELETE FROM person_by_nid WHERE nid = old.nid AND rid = old.rid;"
	" INSERT INTO person_by_nid SELECT new.nid, new.rid WHERE new.nid IS NOT NULL; END;";

/* The search tables' rows of a new person (schema_v7). */
const char sq_search_add[] =
	"CREATE TRIGGER IF NOT EXISTS person_search_add AFTER INSERT ON person BEGIN"
	" INSERT INTO person_by_key VALUES (new.cur_key, new.rid);"
	" INSERT INTO person_by_given VALUES (new.given_key, new.birth, new.cur_hh, new.rid);"
	" INSERT INTO person_by_nid SELECT new.nid, new.rid WHERE new.nid IS NOT NULL; END;";

/* The household id index (ids usually arrive sorted: a bulk load appends to it). */
static const char household_indexes[] = "CREATE UNIQUE INDEX IF NOT EXISTS household_id ON household(id);";

/* The person indexes.  Ids and households usually arrive sorted, so a bulk
 * load grows these by appending; the keys in random order are in the
 * search tables (schema_v7). */
static const char person_indexes[] = "CREATE UNIQUE INDEX IF NOT EXISTS person_id ON person(id);"
				     "CREATE INDEX IF NOT EXISTS person_hh ON person(cur_hh);";

/* Before SQLite's first use: no count of its memory (on by default, a
 * lock taken around every one of its allocations; nothing reads it). */
static void sq_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static enum ds_rc sq_open(struct store *st, const char *target, bool create)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	pthread_once(&configured, sq_configure);
	struct sq *q = calloc(1, sizeof *q);
	if (!q)
		return DS_ENOMEM;
	q->data_version = -1;
	q->wal_fd = -1;
	st->impl = q;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(target, &q->db, flags, NULL) != SQLITE_OK) {
		store_seterr(st, "sqlite: cannot open %s: %s", target,
			     q->db ? sqlite3_errmsg(q->db) : "out of memory");
		return create ? DS_EIO : DS_ENOTFOUND;
	}
	sqlite3_busy_timeout(q->db, 10000);
	if (sq_rows_register(q) != SQLITE_OK) {
		store_seterr(st, "sqlite: %s: %s", target, sqlite3_errmsg(q->db));
		return DS_EDB;
	}
	/* WAL lets readers run beside the writer; FULL syncs the WAL at each
	 * commit, which is what makes an acknowledged event durable (unless
	 * store_sync_aside leaves that to store_sync). */
	/* 8 KiB pages (for a new file): fewer, fuller B-tree pages for the large tables. */
	enum ds_rc rc = sq_exec(st, "PRAGMA page_size=8192; PRAGMA journal_mode=WAL;"
				    "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
				    "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;"
				    SQ_LOG_LIMIT "; PRAGMA mmap_size=2147418112;");
	if (rc)
		return rc;
	sqlite3_stmt *s = NULL;
	sqlite3_prepare_v2(q->db, "PRAGMA journal_mode", -1, &s, NULL);
	if (!s || sqlite3_step(s) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(s, 0), "wal") != 0) {
		sqlite3_finalize(s);
		store_seterr(st, "sqlite: %s: cannot use write-ahead logging", target);
		return DS_EDB;
	}
	sqlite3_finalize(s);
	return DS_OK;
}

static void aside_stop(struct sq *q);

static void sq_close(struct store *st)
{
	struct sq *q = SQ(st);
	aside_stop(q);
	if (q->wal_fd >= 0)
		close(q->wal_fd);
	sq_bulk_free(q);
	sq_passive_free(q);
	for (int i = 0; i < q->nstmt; i++)
		sqlite3_finalize(q->stmt[i]);
	if (q->db)
		sqlite3_close(q->db);
	free(q->body);
	free(q);
	st->impl = NULL;
}

static enum ds_rc sq_meta_get(struct store *st, const char *key, char *out, size_t outsz)
{
	sqlite3_stmt *s = sq_stmt(st, sql_meta_get);
	if (!s)
		return DS_EDB;
	sq_bind_text(s, 1, key);
	enum ds_rc rc = DS_ENOTFOUND;
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		sq_col_text(s, 0, out, outsz);
		rc = DS_OK;
	} else if (r != SQLITE_DONE) {
		rc = sq_err(st, "meta");
	}
	sqlite3_reset(s);
	return rc;
}

static enum ds_rc sq_meta_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = sq_stmt(st, sql_meta_set);
	if (!s)
		return DS_EDB;
	sq_bind_text(s, 1, key);
	sq_bind_text(s, 2, value);
	return sq_step_done(st, s, "meta");
}

static enum ds_rc schema_version(struct store *st, int *version)
{
	sqlite3_stmt *s = NULL;
	if (sq_prepare(st, "PRAGMA user_version", &s))
		return DS_EDB;
	*version = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	return DS_OK;
}

/* A new database: the version 1 schema and the time it was made. */
static enum ds_rc create_v1(struct store *st)
{
	enum ds_rc rc = sq_exec(st, schema_v1);
	if (!rc)
		rc = sq_exec(st, person_indexes);
	if (!rc)
		rc = sq_exec(st, household_indexes);
	if (rc)
		return rc;
	char when[32];
	snprintf(when, sizeof when, "%lld", (long long)time(NULL));
	return sq_meta_set(st, "created_at", when);
}

struct moving {
	struct store *st;
	struct reg_units units;
	int64_t at;
};

static enum ds_rc move_target(sqlite3_stmt *s, void *arg)
{
	struct moving *m = arg;
	return store_target_migrate(m->st, &m->units, (const char *)sqlite3_column_text(s, 0),
				    sqlite3_column_int(s, 1), (const char *)sqlite3_column_text(s, 2),
				    sqlite3_column_double(s, 3), m->at);
}

/* Version 2: the record log, and the targets move onto it (records.h). */
static enum ds_rc to_v2(struct store *st)
{
	struct moving m = {.st = st, .at = (int64_t)time(NULL)};
	enum ds_rc rc = sq_exec(st, schema_v2);
	if (!rc)
		rc = store_units_tree(st, &m.units);
	if (!rc)
		rc = sq_each(st, "SELECT unit, year, key, value FROM target ORDER BY unit, year, key",
			     NULL, 0, move_target, &m);
	reg_units_free(&m.units);
	return rc ? rc : sq_exec(st, "DROP TABLE target");
}

/* Brings the schema to STORE_SCHEMA_VERSION, one version after the other,
 * in one transaction. */
static enum ds_rc sq_migrate(struct store *st)
{
	int version;
	enum ds_rc rc = schema_version(st, &version);
	if (rc || version == STORE_SCHEMA_VERSION)
		return rc;
	if (version > STORE_SCHEMA_VERSION) {
		store_seterr(st, "sqlite: database schema %d is newer than this program (%d)",
			     version, STORE_SCHEMA_VERSION);
		return DS_EDB;
	}
	char set_version[40];
	snprintf(set_version, sizeof set_version, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	rc = sq_exec(st, "BEGIN IMMEDIATE");
	if (!rc && version < 1)
		rc = create_v1(st);
	if (!rc && version < 2)
		rc = to_v2(st);
	if (!rc && version < 3)
		rc = sq_exec(st, schema_v3);
	if (!rc && version < 4)
		rc = sq_exec(st, schema_v4);
	if (!rc && version < 5 && version >= 1)
		rc = sq_exec(st, schema_v5);
	if (!rc && version < 6 && version >= 1)
		rc = sq_exec(st, schema_v6);
	if (!rc && version < 7 && !(rc = sq_exec(st, schema_v7)))
		rc = sq_exec(st, sq_search_add);
	if (!rc && version < 8 && version >= 1)
		rc = sq_exec(st, schema_v8);
	if (!rc && version < 10 && version >= 1)
		rc = sq_exec(st, schema_v9);
	if (!rc && version < 11)
		rc = sq_exec(st, schema_v11);
	if (!rc)
		rc = sq_exec(st, set_version);
	if (rc) {
		sq_exec(st, "ROLLBACK");
		return rc;
	}
	return sq_exec(st, "COMMIT");
}

static enum ds_rc sq_begin(struct store *st)
{
	SQ(st)->next_seq = 0;
	return sq_exec(st, "BEGIN IMMEDIATE");
}

static enum ds_rc sq_begin_read(struct store *st)
{
	SQ(st)->next_seq = 0;
	return sq_exec(st, "BEGIN DEFERRED");
}

static enum ds_rc sq_commit(struct store *st)
{
	/* Rows held by a bulk load not ended would be lost: refuse. */
	if (SQ(st)->bulk) {
		store_seterr(st, "sqlite: commit inside a bulk load that was not ended");
		return DS_EDB;
	}
	SQ(st)->next_seq = 0;
	enum ds_rc rc = sq_passive_commit(st);
	if (!rc)
		rc = sq_exec(st, "COMMIT");
	if (rc) {
		/* Nothing of the transaction is kept (the caller reports it
		 * failed), and the map of passive events, which a move before
		 * the commit changed, is read again. */
		if (!sqlite3_get_autocommit(SQ(st)->db))
			sq_exec(st, "ROLLBACK");
		sq_passive_rollback(st, false);
	}
	return rc;
}

static enum ds_rc sq_rollback(struct store *st)
{
	sq_bulk_free(SQ(st));
	SQ(st)->depth = 0;
	SQ(st)->next_seq = 0;
	enum ds_rc rc = sq_exec(st, "ROLLBACK");
	sq_passive_rollback(st, false);
	return rc;
}

static enum ds_rc sq_savepoint(struct store *st)
{
	return sq_exec(st, "SAVEPOINT ev");
}

static enum ds_rc sq_release(struct store *st)
{
	return sq_exec(st, "RELEASE ev");
}

static enum ds_rc sq_rollback_to(struct store *st)
{
	enum ds_rc rc = sq_exec(st, "ROLLBACK TO ev");
	if (!rc)
		sq_passive_rollback(st, true);
	return rc ? rc : sq_exec(st, "RELEASE ev");
}

/* ---- bulk import ---- */

/*
 * A large import into an empty database: the rollback journal keeps only
 * the pages that existed before (few), where the write-ahead log would hold
 * every new page and then copy it again at the checkpoint.  Still one
 * atomic, durable transaction.  Needs the file to ourselves.
 */
static enum ds_rc sq_bulk_mode(struct store *st, bool on)
{
	/* The journal mode changes only with no other connection open; and
	 * a log flushed by another thread must stay the same file. */
	if (SQ(st)->wal_fd >= 0) {
		store_seterr(st, "sqlite: no bulk load on a connection whose commits are flushed aside");
		return DS_EUSAGE;
	}
	if (on)
		aside_stop(SQ(st));
	for (int i = 0; i < SQ(st)->nstmt; i++) {
		sqlite3_finalize(SQ(st)->stmt[i]);
		SQ(st)->stmt[i] = NULL;
	}
	/* The whole load stays in the cache until the commit writes it. */
	return sq_exec(st, on ? "PRAGMA journal_mode=DELETE; PRAGMA cache_size=-1048576"
			      : "PRAGMA journal_mode=WAL; PRAGMA cache_size=-131072");
}

/* Another connection's commit (another process, or this server's writer)
 * changes the file's data_version: looked at every 50 ms, as SQLite has no
 * notification between processes. */
static enum ds_rc sq_wait_notify(struct store *st, int timeout_ms)
{
	struct sq *q = SQ(st);
	for (int waited = 0;; waited += 50) {
		sqlite3_stmt *s = sq_stmt(st, "PRAGMA data_version");
		if (!s)
			return sq_err(st, "data_version");
		int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
		sqlite3_reset(s);
		if (v < 0)
			return sq_err(st, "data_version");
		bool changed = q->data_version >= 0 && v != q->data_version;
		q->data_version = v;
		if (changed)
			return DS_OK;
		if (waited >= timeout_ms)
			return DS_ENOTFOUND;
		struct timespec ts = {0, 50 * 1000000L};
		nanosleep(&ts, NULL);
	}
}

/* ---- the log copied into the file beside the writer ---- */

/*
 * By default SQLite copies the write-ahead log into the database file (a
 * checkpoint) on the connection that commits, after the commit, every
 * 1,000 pages: under a stream of batches, 7% of the server's writer's
 * time, while every request waits.  With the log put aside, a thread of
 * its own does it on its own connection, PASSIVE (it neither waits for
 * nor blocks the writer or the readers).  The log starts again from its
 * beginning when a write begins after a checkpoint that copied all of it.
 * Should the writer keep ahead of the thread until the log holds
 * SQ_ASIDE_MAX pages, the writer copies what is left itself after its
 * commit, as SQLite would (little: the thread has copied the rest), so the
 * log stays bounded.  A checkpoint is safe at any time: a crash in one
 * loses nothing.
 */
#define SQ_ASIDE_PAGES 1000 /* SQLite's own threshold */
/* Under a stream of writes the thread rarely copies all of the log (the
 * writer adds to it meanwhile), so the log mostly starts again after the
 * writer's own copy, two flushes while every request waits: at 8,000
 * pages that was 58 times in a 10 s stream of batches at 1M, at 32,000
 * pages (262 MB of 8 KB pages) 11 (docs/BENCHMARKS.md, "5 December
 * 2026, evening").  A file that large is not cut back to SQLite's 64 MB at each
 * new start (it would be cut and grown again each time). */
#define SQ_ASIDE_MAX (32 * SQ_ASIDE_PAGES)
#define SQ_ASIDE_LIMIT "PRAGMA journal_size_limit=301989888" /* 36,864 pages of 8 KB */

struct sq_aside {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cv;
	sqlite3 *db; /* the thread's connection */
	bool want, stop;
	int mark; /* the log's pages when the writer last asked (the writer's own) */
};

static int aside_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct sq_aside *a = arg;
	/* Asked again only after as many new pages: each checkpoint copies
	 * the pages written since the one before (a page written again and
	 * again, the end of an index, once in each). */
	if (pages < a->mark)
		a->mark = 0; /* the log started again */
	if (pages >= SQ_ASIDE_MAX) {
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	} else if (pages - a->mark >= SQ_ASIDE_PAGES) {
		a->mark = pages;
		pthread_mutex_lock(&a->lock);
		a->want = true;
		pthread_cond_signal(&a->cv);
		pthread_mutex_unlock(&a->lock);
	}
	return SQLITE_OK;
}

static void *aside_run(void *arg)
{
	struct sq_aside *a = arg;
	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (!a->want && !a->stop)
			pthread_cond_wait(&a->cv, &a->lock);
		if (a->stop)
			break;
		a->want = false;
		pthread_mutex_unlock(&a->lock);
		sqlite3_wal_checkpoint_v2(a->db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&a->lock);
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

/* Frees what sq_log_aside made, once its thread (if any) has ended. */
static void aside_free(struct sq_aside *a)
{
	sqlite3_close(a->db);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

static void aside_stop(struct sq *q)
{
	struct sq_aside *a = q->aside;
	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	/* The writer's connection checkpoints again as SQLite does. */
	sqlite3_wal_hook(q->db, NULL, NULL);
	sqlite3_wal_autocheckpoint(q->db, SQ_ASIDE_PAGES);
	sqlite3_exec(q->db, SQ_LOG_LIMIT, NULL, NULL, NULL);
	aside_free(a);
	q->aside = NULL;
}

static enum ds_rc sq_log_aside(struct store *st)
{
	struct sq *q = SQ(st);
	if (q->aside)
		return DS_OK;
	struct sq_aside *a = calloc(1, sizeof *a);
	if (!a)
		return DS_ENOMEM;
	const char *file = sqlite3_db_filename(q->db, "main");
	/* Reading the schema opens the log on this connection: a checkpoint
	 * on a connection that has never read the file does nothing. */
	if (sqlite3_open_v2(file, &a->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
		    SQLITE_OK ||
	    sqlite3_exec(a->db, "PRAGMA synchronous=FULL; " SQ_ASIDE_LIMIT "; SELECT count(*) FROM sqlite_master;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		store_seterr(st, "sqlite: the checkpoint's connection: %s",
			     a->db ? sqlite3_errmsg(a->db) : "out of memory");
		sqlite3_close(a->db);
		free(a);
		return DS_EDB;
	}
	enum ds_rc rc = sq_exec(st, SQ_ASIDE_LIMIT);
	if (rc) {
		sqlite3_close(a->db);
		free(a);
		return rc;
	}
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cv, NULL);
	if (pthread_create(&a->thread, NULL, aside_run, a)) {
		aside_free(a);
		sq_exec(st, SQ_LOG_LIMIT);
		store_seterr(st, "sqlite: cannot start the checkpoint's thread");
		return DS_ENOMEM;
	}
	q->aside = a;
	/* Replaces SQLite's automatic checkpoint, itself a hook. */
	sqlite3_wal_hook(q->db, aside_hook, a);
	return DS_OK;
}

/* ---- commits flushed to the disk by another thread ---- */

/*
 * With synchronous=FULL each commit writes its frames to the log and then
 * waits for the disk (fdatasync), and the writer does nothing meanwhile.
 * With synchronous=NORMAL the commit returns once the frames are written
 * (in the kernel's cache): SQLite stays consistent after any crash and
 * only loses durability, which sq_sync gives back: fdatasync of the log
 * file, from another thread, makes every commit written before it durable
 * (the file's whole cache, header and frames).  The caller acknowledges
 * nothing before that.  A checkpoint on NORMAL syncs the log before
 * copying it, as on FULL.  The log file stays the same while the
 * connection is open in WAL mode: it is truncated, never replaced (a bulk
 * load, which would remove it, is refused).
 */
static enum ds_rc sq_sync_aside(struct store *st)
{
	struct sq *q = SQ(st);
	if (q->wal_fd >= 0)
		return DS_OK;
	/* The log exists once the connection has read the file in WAL mode.
	 * Its own descriptor may be closed at any time: SQLite holds no POSIX
	 * lock on the -wal file (closing one on the database or the -shm
	 * file would drop the process's locks there). */
	const char *wal = sqlite3_filename_wal(sqlite3_db_filename(q->db, "main"));
	enum ds_rc rc = sq_exec(st, "SELECT count(*) FROM sqlite_master");
	if (rc)
		return rc;
	if (!wal) {
		store_seterr(st, "sqlite: the database has no log file to flush");
		return DS_EUSAGE;
	}
	int fd = open(wal, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		store_seterr(st, "sqlite: cannot open the log %s to flush it: %s", wal,
			     strerror(errno));
		return DS_EIO;
	}
	if ((rc = sq_exec(st, "PRAGMA synchronous=NORMAL"))) {
		close(fd);
		return rc;
	}
	q->wal_fd = fd;
	return DS_OK;
}

/* Any one thread beside the writer may call it; it touches nothing else. */
static enum ds_rc sq_sync(struct store *st)
{
	return fdatasync(SQ(st)->wal_fd) ? DS_EIO : DS_OK;
}

static const struct store_core_ops sq_core = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.migrate = sq_migrate,
	.begin = sq_begin,
	.begin_read = sq_begin_read,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.savepoint = sq_savepoint,
	.release = sq_release,
	.rollback_to = sq_rollback_to,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
	.bulk_mode = sq_bulk_mode,
	.wait_notify = sq_wait_notify,
	.log_aside = sq_log_aside,
	.sync_aside = sq_sync_aside,
	.sync = sq_sync,
};

const struct store_backend store_sqlite = {
	.core = &sq_core,
	.reg = &sq_reg,
	.acct = &sq_acct,
	.audit = &sq_audit,
	.rec = &sq_rec,
};
