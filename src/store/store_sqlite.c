/*
 * The SQLite backend: one file, WAL journal, synchronous=FULL, so that an
 * acknowledged commit survives a crash or a power cut.  Prepared statements
 * are made once per connection and reset after each use.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/day.h"
#include "store/store_int.h"

enum stmt_id {
	S_META_GET,
	S_META_SET,
	S_UNIT_ADD,
	S_HH_ADD,
	S_PERSON_ADD,
	S_BASELINE_ADD,
	S_HH_BY_ID,
	S_HH_BY_RID,
	S_PERSON_BY_ID,
	S_PERSON_BY_RID,
	S_NID_OWNER,
	S_EVENT_BY_ID,
	S_EVENT_BY_SEQ,
	S_EVENT_ADD,
	S_EVENT_VOID,
	S_PERSON_CURRENT,
	S_PERSON_FACTS,
	S_PERSON_STATE_FACTS,
	S_LAST_SEQ,
	S_TARGET_SET,
	S_TARGET_GET,
	S_COUNT
};

#define PERSON_COLS                                                                       \
	"p.rid, p.id, p.prov, p.hh, h.id, p.full_name, p.sex, p.birth, p.birth_prec, "    \
	"p.relation, p.ethnicity, p.education, p.marital, p.residence, p.insurance_no, "  \
	"p.national_id, p.fp_method, p.fp_since, p.entry, p.entry_seq, p.baseline, "     \
	"p.cur_hh, p.exit_day, p.cur_name, p.nid, ch.id, ch.area "
#define PERSON_FROM                                                                       \
	" FROM person p JOIN household h ON h.rid = p.hh "                                \
	"JOIN household ch ON ch.rid = p.cur_hh "
#define HH_COLS "rid, id, prov, area, number, address, type, poverty, entry, entry_seq, baseline "
#define EVENT_COLS                                                                        \
	"seq, uuid, type, date, person, hh, other, a, b, voided_by, recorded_at, recorded_by, body "

_Static_assert(EV_BIRTH == 1 && EV_MARRIAGE == 7 && EV_HOUSEHOLD_CHANGE == 16 && EV_VOID == 17,
	       "event type numbers are written into the SQL below");

static const char *const stmt_sql[S_COUNT] = {
	[S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[S_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
		       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[S_UNIT_ADD] = "INSERT INTO unit(code, name, level, parent, valid_from, valid_to) "
		       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_HH_ADD] = "INSERT INTO household(id, prov, area, number, address, type, poverty, entry, "
		     "entry_seq, baseline) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[S_PERSON_ADD] =
		"INSERT INTO person(id, prov, hh, full_name, sex, birth, birth_prec, relation, "
		"ethnicity, education, marital, residence, insurance_no, national_id, fp_method, "
		"fp_since, entry, entry_seq, baseline, cur_hh, exit_day, cur_name, cur_key, nid, "
		"given_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
		"?16, ?17, ?18, ?19, ?20, NULL, NULL, ?21, ?22, ?23)",
	[S_BASELINE_ADD] = "INSERT INTO baseline(as_of, imported_at) VALUES (?1, ?2)",
	[S_HH_BY_ID] = "SELECT " HH_COLS "FROM household WHERE id = ?1",
	[S_HH_BY_RID] = "SELECT " HH_COLS "FROM household WHERE rid = ?1",
	[S_PERSON_BY_ID] = "SELECT " PERSON_COLS PERSON_FROM "WHERE p.id = ?1",
	[S_PERSON_BY_RID] = "SELECT " PERSON_COLS PERSON_FROM "WHERE p.rid = ?1",
	[S_NID_OWNER] = "SELECT rid FROM person WHERE nid = ?1",
	[S_EVENT_BY_ID] = "SELECT " EVENT_COLS "FROM event WHERE uuid = ?1",
	[S_EVENT_BY_SEQ] = "SELECT " EVENT_COLS "FROM event WHERE seq = ?1",
	[S_EVENT_ADD] = "INSERT INTO event(uuid, prov, type, date, person, hh, other, a, b, "
			"recorded_at, recorded_by, body, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
			"?10, ?11, ?12, ?13)",
	[S_EVENT_VOID] = "UPDATE event SET voided_by = ?2 WHERE seq = ?1 AND voided_by = 0",
	[S_PERSON_CURRENT] = "UPDATE person SET cur_hh = ?2, exit_day = ?3, cur_name = ?4, "
			     "cur_key = ?5, nid = ?6, given_key = ?7 WHERE rid = ?1",
	[S_PERSON_FACTS] = "SELECT " EVENT_COLS "FROM event WHERE person = ?1 AND type NOT IN (16, 17) "
			   "ORDER BY date, seq",
	/* Without the passive types (reg_passive): 2, 13, 14, 15. */
	[S_PERSON_STATE_FACTS] = "SELECT " EVENT_COLS "FROM event WHERE person = ?1 "
				 "AND type NOT IN (2, 13, 14, 15, 16, 17) ORDER BY date, seq",
	[S_LAST_SEQ] = "SELECT coalesce(max(seq), 0) FROM event",
	[S_TARGET_SET] = "INSERT INTO target(unit, year, key, value) VALUES (?1, ?2, ?3, ?4) "
			 "ON CONFLICT(unit, year, key) DO UPDATE SET value = excluded.value",
	[S_TARGET_GET] = "SELECT value FROM target WHERE unit = ?1 AND year = ?2 AND key = ?3",
};

struct sq {
	sqlite3 *db;
	sqlite3_stmt *stmt[S_COUNT];
	int depth;        /* savepoint depth */
	int64_t next_seq; /* within the open transaction, 0 when not known */
	char *body;       /* the last looked-up event's body, valid until the next lookup */
};

static struct sq *SQ(struct store *st)
{
	return st->impl;
}

static enum ds_rc dberr(struct store *st, const char *what)
{
	store_seterr(st, "sqlite: %s: %s", what, sqlite3_errmsg(SQ(st)->db));
	return DS_EDB;
}

static enum ds_rc exec(struct store *st, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(SQ(st)->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		store_seterr(st, "sqlite: %s", err ? err : "exec failed");
		sqlite3_free(err);
		return DS_EDB;
	}
	return DS_OK;
}

static sqlite3_stmt *stmt(struct store *st, enum stmt_id id)
{
	struct sq *q = SQ(st);
	if (!q->stmt[id] &&
	    sqlite3_prepare_v3(q->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &q->stmt[id],
			       NULL) != SQLITE_OK) {
		dberr(st, stmt_sql[id]);
		return NULL;
	}
	return q->stmt[id];
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v && v[0])
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static void copy_col(sqlite3_stmt *s, int i, char *out, size_t outsz)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(out, outsz, "%s", t ? (const char *)t : "");
}

/* Runs a statement that returns no row; resets it. */
static enum ds_rc step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int r = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (r == SQLITE_CONSTRAINT) {
		store_seterr(st, "sqlite: %s: %s", what, sqlite3_errmsg(SQ(st)->db));
		return DS_ECONFLICT;
	}
	return r == SQLITE_DONE ? DS_OK : dberr(st, what);
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
	"CREATE INDEX event_person ON event(person);"
	"CREATE INDEX event_hh ON event(hh);"
	"CREATE INDEX event_other ON event(other);"
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

/* The household id index, dropped and rebuilt around a bulk load into an empty table. */
static const char household_indexes[] = "CREATE UNIQUE INDEX IF NOT EXISTS household_id ON household(id);";

/* Secondary person indexes, dropped and rebuilt around a bulk load into an empty table.
 * The import checks uniqueness itself while loading; the unique indexes check again. */
static const char person_indexes[] =
	"CREATE UNIQUE INDEX IF NOT EXISTS person_id ON person(id);"
	"CREATE UNIQUE INDEX IF NOT EXISTS person_nid ON person(nid) WHERE nid IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS person_key ON person(cur_key);"
	"CREATE INDEX IF NOT EXISTS person_given ON person(given_key);"
	"CREATE INDEX IF NOT EXISTS person_hh ON person(cur_hh);";
/* Only the indexes in random order are worth dropping: ids and households
 * usually arrive sorted, so their indexes grow by appending. */
static const char person_indexes_drop[] = "DROP INDEX IF EXISTS person_nid;"
					  "DROP INDEX IF EXISTS person_key;"
					  "DROP INDEX IF EXISTS person_given;";

static enum ds_rc sq_open(struct store *st, const char *target, bool create)
{
	struct sq *q = calloc(1, sizeof *q);
	if (!q)
		return DS_ENOMEM;
	st->impl = q;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(target, &q->db, flags, NULL) != SQLITE_OK) {
		store_seterr(st, "sqlite: cannot open %s: %s", target,
			     q->db ? sqlite3_errmsg(q->db) : "out of memory");
		return create ? DS_EIO : DS_ENOTFOUND;
	}
	sqlite3_busy_timeout(q->db, 10000);
	/* WAL lets readers run beside the writer; FULL syncs the WAL at each
	 * commit, which is what makes an acknowledged event durable. */
	/* 8 KiB pages (for a new file): fewer, fuller B-tree pages for the large tables. */
	enum ds_rc rc = exec(st, "PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
				 "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-131072;"
				 "PRAGMA temp_store=MEMORY; PRAGMA journal_size_limit=67108864;");
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

static void sq_close(struct store *st)
{
	struct sq *q = SQ(st);
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(q->stmt[i]);
	if (q->db)
		sqlite3_close(q->db);
	free(q->body);
	free(q);
	st->impl = NULL;
}

static enum ds_rc sq_migrate(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int version = 0;
	if (sqlite3_prepare_v2(SQ(st)->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return dberr(st, "user_version");
	if (sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (version > STORE_SCHEMA_VERSION) {
		store_seterr(st, "sqlite: database schema %d is newer than this program (%d)",
			     version, STORE_SCHEMA_VERSION);
		return DS_EDB;
	}
	if (version == STORE_SCHEMA_VERSION)
		return DS_OK;
	enum ds_rc rc = exec(st, "BEGIN IMMEDIATE");
	if (!rc && version < 1)
		rc = exec(st, schema_v1);
	if (!rc)
		rc = exec(st, person_indexes);
	if (!rc)
		rc = exec(st, household_indexes);
	if (!rc)
		rc = exec(st, "PRAGMA user_version = 1");
	if (!rc) {
		char when[32];
		snprintf(when, sizeof when, "%lld", (long long)time(NULL));
		sqlite3_stmt *m = stmt(st, S_META_SET);
		if (!m)
			rc = DS_EDB;
		else {
			bind_text(m, 1, "created_at");
			bind_text(m, 2, when);
			rc = step_done(st, m, "meta");
		}
	}
	if (rc) {
		exec(st, "ROLLBACK");
		return rc;
	}
	return exec(st, "COMMIT");
}

static enum ds_rc sq_begin(struct store *st)
{
	SQ(st)->next_seq = 0;
	return exec(st, "BEGIN IMMEDIATE");
}

static enum ds_rc sq_commit(struct store *st)
{
	SQ(st)->next_seq = 0;
	return exec(st, "COMMIT");
}

static enum ds_rc sq_rollback(struct store *st)
{
	SQ(st)->depth = 0;
	SQ(st)->next_seq = 0;
	return exec(st, "ROLLBACK");
}

static enum ds_rc sq_savepoint(struct store *st)
{
	return exec(st, "SAVEPOINT ev");
}

static enum ds_rc sq_release(struct store *st)
{
	return exec(st, "RELEASE ev");
}

static enum ds_rc sq_rollback_to(struct store *st)
{
	enum ds_rc rc = exec(st, "ROLLBACK TO ev");
	return rc ? rc : exec(st, "RELEASE ev");
}

static enum ds_rc sq_meta_get(struct store *st, const char *key, char *out, size_t outsz)
{
	sqlite3_stmt *s = stmt(st, S_META_GET);
	if (!s)
		return DS_EDB;
	bind_text(s, 1, key);
	enum ds_rc rc = DS_ENOTFOUND;
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		copy_col(s, 0, out, outsz);
		rc = DS_OK;
	} else if (r != SQLITE_DONE) {
		rc = dberr(st, "meta");
	}
	sqlite3_reset(s);
	return rc;
}

static enum ds_rc sq_meta_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = stmt(st, S_META_SET);
	if (!s)
		return DS_EDB;
	bind_text(s, 1, key);
	bind_text(s, 2, value);
	return step_done(st, s, "meta");
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
	for (int i = 0; i < S_COUNT; i++) {
		sqlite3_finalize(SQ(st)->stmt[i]);
		SQ(st)->stmt[i] = NULL;
	}
	/* Index builds sort in memory with a second thread. */
	return exec(st, on ? "PRAGMA journal_mode=DELETE; PRAGMA threads=2; PRAGMA cache_size=-1048576"
			   : "PRAGMA journal_mode=WAL; PRAGMA threads=0; PRAGMA cache_size=-131072");
}

static enum ds_rc sq_bulk_begin(struct store *st, enum store_kind kind, bool empty)
{
	/* Into an empty table, building the secondary indexes once at the end
	 * (a sort) is several times faster than updating them row by row. */
	if (kind == STORE_PERSONS && empty)
		return exec(st, person_indexes_drop);
	return DS_OK;
}

static enum ds_rc sq_bulk_end(struct store *st, enum store_kind kind, bool empty)
{
	if (kind == STORE_PERSONS && empty)
		return exec(st, person_indexes);
	return DS_OK;
}

static void bind_day(sqlite3_stmt *s, int i, int32_t d, int32_t none)
{
	if (d == none)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int(s, i, d);
}

static enum ds_rc sq_unit_add(struct store *st, const struct reg_unit *u)
{
	sqlite3_stmt *s = stmt(st, S_UNIT_ADD);
	if (!s)
		return DS_EDB;
	bind_text(s, 1, u->code);
	bind_text(s, 2, u->name);
	sqlite3_bind_int(s, 3, u->level);
	bind_text(s, 4, u->parent);
	bind_day(s, 5, u->valid_from, DAY_NONE);
	bind_day(s, 6, u->valid_to, DAY_MAX);
	return step_done(st, s, "unit");
}

static enum ds_rc sq_household_add(struct store *st, struct store_household *h)
{
	sqlite3_stmt *s = stmt(st, S_HH_ADD);
	if (!s)
		return DS_EDB;
	bind_text(s, 1, h->rec.id);
	sqlite3_bind_int(s, 2, h->prov);
	bind_text(s, 3, h->rec.area);
	bind_text(s, 4, h->rec.number);
	bind_text(s, 5, h->rec.address);
	sqlite3_bind_int(s, 6, h->rec.type);
	sqlite3_bind_int(s, 7, h->rec.poverty);
	sqlite3_bind_int(s, 8, h->entry);
	sqlite3_bind_int64(s, 9, h->entry_seq);
	sqlite3_bind_int64(s, 10, h->baseline);
	enum ds_rc rc = step_done(st, s, "household");
	if (!rc)
		h->rid = sqlite3_last_insert_rowid(SQ(st)->db);
	return rc;
}

/* The search key of a name; names are already NFC and bounded. */
#include "base/text.h"

static enum ds_rc sq_person_add(struct store *st, struct store_person *p)
{
	sqlite3_stmt *s = stmt(st, S_PERSON_ADD);
	if (!s)
		return DS_EDB;
	const struct reg_person *r = &p->rec;
	char key[REG_NAME_BYTES];
	if (txt_fold(r->full_name, strlen(r->full_name), key, sizeof key))
		key[0] = '\0';
	bind_text(s, 1, r->id);
	sqlite3_bind_int(s, 2, p->prov);
	sqlite3_bind_int64(s, 3, p->hh);
	bind_text(s, 4, r->full_name);
	sqlite3_bind_int(s, 5, r->sex);
	sqlite3_bind_int(s, 6, r->birth);
	sqlite3_bind_int(s, 7, r->birth_prec);
	sqlite3_bind_int(s, 8, r->relation);
	bind_text(s, 9, r->ethnicity);
	sqlite3_bind_int(s, 10, r->education);
	sqlite3_bind_int(s, 11, r->marital);
	sqlite3_bind_int(s, 12, r->residence);
	bind_text_or_null(s, 13, r->insurance_no);
	bind_text_or_null(s, 14, r->national_id);
	sqlite3_bind_int(s, 15, r->fp_method);
	bind_day(s, 16, r->fp_since, DAY_NONE);
	sqlite3_bind_int(s, 17, p->entry);
	sqlite3_bind_int64(s, 18, p->entry_seq);
	sqlite3_bind_int64(s, 19, p->baseline);
	sqlite3_bind_int64(s, 20, p->hh);
	bind_text(s, 21, key);
	bind_text_or_null(s, 22, r->national_id);
	bind_text(s, 23, txt_last_word(key));
	enum ds_rc rc = step_done(st, s, "person");
	if (!rc) {
		p->rid = sqlite3_last_insert_rowid(SQ(st)->db);
		p->cur_hh = p->hh;
		p->exit = DAY_MAX;
		snprintf(p->cur_name, sizeof p->cur_name, "%s", r->full_name);
		snprintf(p->cur_nid, sizeof p->cur_nid, "%s", r->national_id);
		snprintf(p->cur_household, sizeof p->cur_household, "%s", r->household);
	}
	return rc;
}

static enum ds_rc sq_baseline_add(struct store *st, struct store_baseline *b)
{
	sqlite3_stmt *s = stmt(st, S_BASELINE_ADD);
	if (!s)
		return DS_EDB;
	sqlite3_bind_int(s, 1, b->as_of);
	sqlite3_bind_int64(s, 2, b->imported_at);
	enum ds_rc rc = step_done(st, s, "baseline");
	if (!rc)
		b->id = sqlite3_last_insert_rowid(SQ(st)->db);
	return rc;
}

/* ---- row readers ---- */

static void read_household(sqlite3_stmt *s, struct store_household *h)
{
	memset(h, 0, sizeof *h);
	h->rid = sqlite3_column_int64(s, 0);
	copy_col(s, 1, h->rec.id, sizeof h->rec.id);
	h->prov = sqlite3_column_int(s, 2);
	copy_col(s, 3, h->rec.area, sizeof h->rec.area);
	copy_col(s, 4, h->rec.number, sizeof h->rec.number);
	copy_col(s, 5, h->rec.address, sizeof h->rec.address);
	h->rec.type = (uint8_t)sqlite3_column_int(s, 6);
	h->rec.poverty = (uint8_t)sqlite3_column_int(s, 7);
	h->entry = sqlite3_column_int(s, 8);
	h->entry_seq = sqlite3_column_int64(s, 9);
	h->baseline = sqlite3_column_int64(s, 10);
}

static int32_t col_day(sqlite3_stmt *s, int i, int32_t none)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? none : sqlite3_column_int(s, i);
}

static void read_person(sqlite3_stmt *s, struct store_person *p)
{
	struct reg_person *r = &p->rec;
	memset(p, 0, sizeof *p);
	p->rid = sqlite3_column_int64(s, 0);
	copy_col(s, 1, r->id, sizeof r->id);
	p->prov = sqlite3_column_int(s, 2);
	p->hh = sqlite3_column_int64(s, 3);
	copy_col(s, 4, r->household, sizeof r->household);
	copy_col(s, 5, r->full_name, sizeof r->full_name);
	r->sex = (uint8_t)sqlite3_column_int(s, 6);
	r->birth = sqlite3_column_int(s, 7);
	r->birth_prec = (uint8_t)sqlite3_column_int(s, 8);
	r->relation = (uint8_t)sqlite3_column_int(s, 9);
	copy_col(s, 10, r->ethnicity, sizeof r->ethnicity);
	r->education = (uint8_t)sqlite3_column_int(s, 11);
	r->marital = (uint8_t)sqlite3_column_int(s, 12);
	r->residence = (uint8_t)sqlite3_column_int(s, 13);
	copy_col(s, 14, r->insurance_no, sizeof r->insurance_no);
	copy_col(s, 15, r->national_id, sizeof r->national_id);
	r->fp_method = (uint8_t)sqlite3_column_int(s, 16);
	r->fp_since = col_day(s, 17, DAY_NONE);
	p->entry = sqlite3_column_int(s, 18);
	p->entry_seq = sqlite3_column_int64(s, 19);
	p->baseline = sqlite3_column_int64(s, 20);
	p->cur_hh = sqlite3_column_int64(s, 21);
	p->exit = col_day(s, 22, DAY_MAX);
	if (sqlite3_column_type(s, 23) == SQLITE_NULL)
		snprintf(p->cur_name, sizeof p->cur_name, "%s", r->full_name);
	else
		copy_col(s, 23, p->cur_name, sizeof p->cur_name);
	copy_col(s, 24, p->cur_nid, sizeof p->cur_nid);
	copy_col(s, 25, p->cur_household, sizeof p->cur_household);
	copy_col(s, 26, p->cur_area, sizeof p->cur_area);
}

static void read_event(sqlite3_stmt *s, struct store_event *e)
{
	memset(e, 0, sizeof *e);
	struct reg_fact *f = &e->fact;
	f->seq = sqlite3_column_int64(s, 0);
	const void *uuid = sqlite3_column_blob(s, 1);
	if (uuid && sqlite3_column_bytes(s, 1) == 16)
		memcpy(e->id, uuid, 16);
	f->type = (uint8_t)sqlite3_column_int(s, 2);
	f->date = sqlite3_column_int(s, 3);
	f->person = sqlite3_column_int64(s, 4);
	f->hh = sqlite3_column_int64(s, 5);
	f->other = sqlite3_column_int64(s, 6);
	f->a = sqlite3_column_int(s, 7);
	f->b = sqlite3_column_int(s, 8);
	e->voided_by = sqlite3_column_int64(s, 9);
	f->voided = e->voided_by != 0;
	e->recorded_at = sqlite3_column_int64(s, 10);
	copy_col(s, 11, e->recorded_by, sizeof e->recorded_by);
	e->body = (const char *)sqlite3_column_text(s, 12);
}

/* Runs a one-row lookup; DS_ENOTFOUND when it gives no row. */
static enum ds_rc lookup(struct store *st, sqlite3_stmt *s, void (*read)(sqlite3_stmt *, void *),
			 void *out)
{
	int r = sqlite3_step(s);
	enum ds_rc rc = DS_ENOTFOUND;
	if (r == SQLITE_ROW) {
		read(s, out);
		rc = DS_OK;
	} else if (r != SQLITE_DONE) {
		rc = dberr(st, "lookup");
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

static void read_household_v(sqlite3_stmt *s, void *out) { read_household(s, out); }
static void read_person_v(sqlite3_stmt *s, void *out) { read_person(s, out); }

static enum ds_rc sq_household_get(struct store *st, const char *id, int64_t rid,
				   struct store_household *out)
{
	sqlite3_stmt *s = stmt(st, id ? S_HH_BY_ID : S_HH_BY_RID);
	if (!s)
		return DS_EDB;
	if (id)
		bind_text(s, 1, id);
	else
		sqlite3_bind_int64(s, 1, rid);
	return lookup(st, s, read_household_v, out);
}

static enum ds_rc sq_person_get(struct store *st, const char *id, int64_t rid,
				struct store_person *out)
{
	sqlite3_stmt *s = stmt(st, id ? S_PERSON_BY_ID : S_PERSON_BY_RID);
	if (!s)
		return DS_EDB;
	if (id)
		bind_text(s, 1, id);
	else
		sqlite3_bind_int64(s, 1, rid);
	return lookup(st, s, read_person_v, out);
}

static void read_rid(sqlite3_stmt *s, void *out)
{
	*(int64_t *)out = sqlite3_column_int64(s, 0);
}

static enum ds_rc sq_nid_owner(struct store *st, const char *nid, int64_t *rid)
{
	sqlite3_stmt *s = stmt(st, S_NID_OWNER);
	if (!s)
		return DS_EDB;
	bind_text(s, 1, nid);
	return lookup(st, s, read_rid, rid);
}

static enum ds_rc sq_count(struct store *st, enum store_kind kind, int64_t *n)
{
	static const char *const sql[] = {"SELECT count(*) FROM unit",
					  "SELECT count(*) FROM household",
					  "SELECT count(*) FROM person"};
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(SQ(st)->db, sql[kind], -1, &s, NULL) != SQLITE_OK)
		return dberr(st, "count");
	enum ds_rc rc = sqlite3_step(s) == SQLITE_ROW ? DS_OK : dberr(st, "count");
	*n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc;
}

/* ---- the log ---- */

/* Event lookups keep the statement open so that body stays valid: the
 * next use of the statement resets it. */
static enum ds_rc event_lookup(struct store *st, sqlite3_stmt *s, struct store_event *out)
{
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		/* The body is copied so that the statement is reset at once: an
		 * open statement keeps a read snapshot, and the connection's next
		 * write would then fail with SQLITE_BUSY_SNAPSHOT. */
		read_event(s, out);
		struct sq *q = SQ(st);
		bool had = out->body != NULL;
		free(q->body);
		q->body = had ? strdup(out->body) : NULL;
		out->body = q->body;
		sqlite3_reset(s);
		return had && !q->body ? DS_ENOMEM : DS_OK;
	}
	sqlite3_reset(s);
	return r == SQLITE_DONE ? DS_ENOTFOUND : dberr(st, "event");
}

static enum ds_rc sq_event_by_id(struct store *st, const uint8_t id[16], struct store_event *out)
{
	sqlite3_stmt *s = stmt(st, S_EVENT_BY_ID);
	if (!s)
		return DS_EDB;
	sqlite3_reset(s);
	sqlite3_bind_blob(s, 1, id, 16, SQLITE_TRANSIENT);
	return event_lookup(st, s, out);
}

static enum ds_rc sq_event_by_seq(struct store *st, int64_t seq, struct store_event *out)
{
	sqlite3_stmt *s = stmt(st, S_EVENT_BY_SEQ);
	if (!s)
		return DS_EDB;
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, seq);
	return event_lookup(st, s, out);
}

static enum ds_rc sq_event_add(struct store *st, struct store_event *ev, const char *body)
{
	/* The lookups may hold a read cursor open; release them first. */
	sqlite3_reset(stmt(st, S_EVENT_BY_ID));
	sqlite3_reset(stmt(st, S_EVENT_BY_SEQ));
	sqlite3_stmt *s = stmt(st, S_EVENT_ADD);
	if (!s)
		return DS_EDB;
	const struct reg_fact *f = &ev->fact;
	sqlite3_bind_blob(s, 1, ev->id, 16, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, ev->prov);
	sqlite3_bind_int(s, 3, f->type);
	sqlite3_bind_int(s, 4, f->date);
	sqlite3_bind_int64(s, 5, f->person);
	sqlite3_bind_int64(s, 6, f->hh);
	sqlite3_bind_int64(s, 7, f->other);
	sqlite3_bind_int(s, 8, f->a);
	sqlite3_bind_int(s, 9, f->b);
	sqlite3_bind_int64(s, 10, ev->recorded_at);
	bind_text(s, 11, ev->recorded_by);
	bind_text(s, 12, body);
	sqlite3_bind_int64(s, 13, f->seq);
	enum ds_rc rc = step_done(st, s, "event");
	if (!rc)
		SQ(st)->next_seq = f->seq + 1;
	return rc;
}

static int64_t sq_last_seq(struct store *st);

/* Writers hold the database lock for the whole transaction (BEGIN
 * IMMEDIATE), so the next rowid is ours until commit; it is read once per
 * transaction and counted on from there. */
static enum ds_rc sq_next_seq(struct store *st, int64_t *seq)
{
	struct sq *q = SQ(st);
	if (!q->next_seq)
		q->next_seq = sq_last_seq(st) + 1;
	*seq = q->next_seq;
	return *seq > 0 ? DS_OK : DS_EDB;
}

static enum ds_rc sq_event_void(struct store *st, int64_t target_seq, int64_t void_seq)
{
	sqlite3_stmt *s = stmt(st, S_EVENT_VOID);
	if (!s)
		return DS_EDB;
	sqlite3_bind_int64(s, 1, target_seq);
	sqlite3_bind_int64(s, 2, void_seq);
	enum ds_rc rc = step_done(st, s, "void");
	if (!rc && sqlite3_changes(SQ(st)->db) != 1)
		return DS_ECONFLICT;
	return rc;
}

static enum ds_rc sq_person_current(struct store *st, const struct store_person *p)
{
	sqlite3_stmt *s = stmt(st, S_PERSON_CURRENT);
	if (!s)
		return DS_EDB;
	char key[REG_NAME_BYTES];
	if (txt_fold(p->cur_name, strlen(p->cur_name), key, sizeof key))
		key[0] = '\0';
	sqlite3_bind_int64(s, 1, p->rid);
	sqlite3_bind_int64(s, 2, p->cur_hh);
	bind_day(s, 3, p->exit, DAY_MAX);
	if (strcmp(p->cur_name, p->rec.full_name) != 0)
		bind_text(s, 4, p->cur_name);
	else
		sqlite3_bind_null(s, 4);
	bind_text(s, 5, key);
	bind_text_or_null(s, 6, p->cur_nid);
	bind_text(s, 7, txt_last_word(key));
	return step_done(st, s, "person current");
}

static enum ds_rc sq_person_facts(struct store *st, int64_t rid, bool state_only,
				  struct reg_fact **facts, size_t *n)
{
	sqlite3_stmt *s = stmt(st, state_only ? S_PERSON_STATE_FACTS : S_PERSON_FACTS);
	if (!s)
		return DS_EDB;
	sqlite3_bind_int64(s, 1, rid);
	size_t cap = 0, cnt = 0;
	struct reg_fact *v = NULL;
	int r;
	struct store_event e;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			struct reg_fact *nv = realloc(v, cap * sizeof *nv);
			if (!nv) {
				free(v);
				sqlite3_reset(s);
				return DS_ENOMEM;
			}
			v = nv;
		}
		read_event(s, &e);
		v[cnt++] = e.fact;
	}
	sqlite3_reset(s);
	if (r != SQLITE_DONE) {
		free(v);
		return dberr(st, "facts");
	}
	*facts = v;
	*n = cnt;
	return DS_OK;
}

static int64_t sq_last_seq(struct store *st)
{
	sqlite3_stmt *s = stmt(st, S_LAST_SEQ);
	int64_t seq = 0;
	if (s && sqlite3_step(s) == SQLITE_ROW)
		seq = sqlite3_column_int64(s, 0);
	if (s)
		sqlite3_reset(s);
	return seq;
}

/* ---- iteration ---- */

/* Runs sql (with up to three integer parameters) and calls row() per row. */
static enum ds_rc each(struct store *st, const char *sql, const int64_t *params, int nparams,
		       enum ds_rc (*row)(sqlite3_stmt *, void *), void *arg)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(SQ(st)->db, sql, -1, &s, NULL) != SQLITE_OK)
		return dberr(st, "iterate");
	for (int i = 0; i < nparams; i++)
		sqlite3_bind_int64(s, i + 1, params[i]);
	enum ds_rc rc = DS_OK;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = row(s, arg)) != DS_OK)
			break;
	if (rc == DS_OK && r != SQLITE_DONE)
		rc = dberr(st, "iterate");
	sqlite3_finalize(s);
	return rc;
}

struct cb {
	void *fn;
	void *arg;
};

static enum ds_rc unit_row(sqlite3_stmt *s, void *arg)
{
	struct cb *c = arg;
	struct reg_unit u;
	reg_unit_init(&u);
	copy_col(s, 0, u.code, sizeof u.code);
	copy_col(s, 1, u.name, sizeof u.name);
	u.level = (enum reg_level)sqlite3_column_int(s, 2);
	copy_col(s, 3, u.parent, sizeof u.parent);
	u.valid_from = col_day(s, 4, DAY_NONE);
	u.valid_to = col_day(s, 5, DAY_MAX);
	return ((enum ds_rc(*)(const struct reg_unit *, void *))c->fn)(&u, c->arg);
}

static enum ds_rc sq_each_unit(struct store *st, enum ds_rc (*fn)(const struct reg_unit *, void *),
			       void *arg)
{
	struct cb c = {(void *)fn, arg};
	return each(st, "SELECT code, name, level, parent, valid_from, valid_to FROM unit ORDER BY rid",
		    NULL, 0, unit_row, &c);
}

static enum ds_rc household_row(sqlite3_stmt *s, void *arg)
{
	struct cb *c = arg;
	struct store_household h;
	read_household(s, &h);
	return ((enum ds_rc(*)(const struct store_household *, void *))c->fn)(&h, c->arg);
}

static enum ds_rc sq_each_household(struct store *st, bool baseline_only,
				    enum ds_rc (*fn)(const struct store_household *, void *),
				    void *arg)
{
	struct cb c = {(void *)fn, arg};
	return each(st,
		    baseline_only ? "SELECT " HH_COLS "FROM household WHERE baseline <> 0 ORDER BY rid"
				  : "SELECT " HH_COLS "FROM household ORDER BY rid",
		    NULL, 0, household_row, &c);
}

static enum ds_rc person_row(sqlite3_stmt *s, void *arg)
{
	struct cb *c = arg;
	struct store_person p;
	read_person(s, &p);
	return ((enum ds_rc(*)(const struct store_person *, void *))c->fn)(&p, c->arg);
}

static enum ds_rc sq_each_person(struct store *st, bool baseline_only,
				 enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	struct cb c = {(void *)fn, arg};
	return each(st,
		    baseline_only ? "SELECT " PERSON_COLS PERSON_FROM "WHERE p.baseline <> 0 ORDER BY p.rid"
				  : "SELECT " PERSON_COLS PERSON_FROM "ORDER BY p.rid",
		    NULL, 0, person_row, &c);
}

static enum ds_rc person_lite_row(sqlite3_stmt *s, void *arg)
{
	struct cb *c = arg;
	struct store_person_lite p = {
		.rid = sqlite3_column_int64(s, 0),
		.hh = sqlite3_column_int64(s, 1),
		.entry_seq = sqlite3_column_int64(s, 2),
		.birth = sqlite3_column_int(s, 3),
		.entry = sqlite3_column_int(s, 4),
		.sex = (uint8_t)sqlite3_column_int(s, 5),
		.marital = (uint8_t)sqlite3_column_int(s, 6),
		.residence = (uint8_t)sqlite3_column_int(s, 7),
		.fp_method = (uint8_t)sqlite3_column_int(s, 8),
	};
	return ((enum ds_rc(*)(const struct store_person_lite *, void *))c->fn)(&p, c->arg);
}

static enum ds_rc sq_each_person_lite(struct store *st,
				      enum ds_rc (*fn)(const struct store_person_lite *, void *),
				      void *arg)
{
	struct cb c = {(void *)fn, arg};
	return each(st,
		    "SELECT rid, hh, entry_seq, birth, entry, sex, marital, residence, fp_method "
		    "FROM person ORDER BY rid",
		    NULL, 0, person_lite_row, &c);
}

static enum ds_rc household_lite_row(sqlite3_stmt *s, void *arg)
{
	struct cb *c = arg;
	struct store_household_lite h = {.rid = sqlite3_column_int64(s, 0),
					 .entry = sqlite3_column_int(s, 2),
					 .type = (uint8_t)sqlite3_column_int(s, 3),
					 .poverty = (uint8_t)sqlite3_column_int(s, 4)};
	copy_col(s, 1, h.area, sizeof h.area);
	return ((enum ds_rc(*)(const struct store_household_lite *, void *))c->fn)(&h, c->arg);
}

static enum ds_rc sq_each_household_lite(struct store *st,
					 enum ds_rc (*fn)(const struct store_household_lite *, void *),
					 void *arg)
{
	struct cb c = {(void *)fn, arg};
	return each(st, "SELECT rid, area, entry, type, poverty FROM household ORDER BY rid", NULL, 0,
		    household_lite_row, &c);
}

static enum ds_rc event_row(sqlite3_stmt *s, void *arg)
{
	struct cb *c = arg;
	struct store_event e;
	read_event(s, &e);
	return ((enum ds_rc(*)(const struct store_event *, void *))c->fn)(&e, c->arg);
}

static enum ds_rc sq_each_event(struct store *st, int64_t after, bool want_body,
				enum ds_rc (*fn)(const struct store_event *, void *), void *arg)
{
	struct cb c = {(void *)fn, arg};
	int64_t p[1] = {after};
	return each(st,
		    want_body ? "SELECT " EVENT_COLS "FROM event WHERE seq > ?1 ORDER BY seq"
			      : "SELECT seq, uuid, type, date, person, hh, other, a, b, voided_by, "
				"recorded_at, recorded_by, NULL FROM event WHERE seq > ?1 ORDER BY seq",
		    p, 1, event_row, &c);
}

static enum ds_rc sq_events_about(struct store *st, int64_t person, int64_t hh,
				  enum ds_rc (*fn)(const struct store_event *, void *), void *arg)
{
	struct cb c = {(void *)fn, arg};
	int64_t p[2] = {person, hh};
	return each(st,
		    "SELECT " EVENT_COLS "FROM event WHERE person = ?1 AND ?1 <> 0 "
		    "UNION SELECT " EVENT_COLS "FROM event WHERE other = ?1 AND ?1 <> 0 AND type IN (1, 7) "
		    "UNION SELECT " EVENT_COLS "FROM event WHERE hh = ?2 AND ?2 <> 0 "
		    "UNION SELECT " EVENT_COLS "FROM event WHERE other = ?2 AND ?2 <> 0 AND type = 6 "
		    "ORDER BY seq",
		    p, 2, event_row, &c);
}

static enum ds_rc sq_baselines(struct store *st, struct store_baseline *out, size_t max, size_t *n)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(SQ(st)->db, "SELECT id, as_of, imported_at FROM baseline ORDER BY id",
			       -1, &s, NULL) != SQLITE_OK)
		return dberr(st, "baselines");
	*n = 0;
	while (sqlite3_step(s) == SQLITE_ROW && *n < max) {
		out[*n].id = sqlite3_column_int64(s, 0);
		out[*n].as_of = sqlite3_column_int(s, 1);
		out[*n].imported_at = sqlite3_column_int64(s, 2);
		(*n)++;
	}
	sqlite3_finalize(s);
	return DS_OK;
}

static enum ds_rc sq_find(struct store *st, const char *key, int year, const char *areas,
			  size_t offset, size_t limit,
			  enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	/* Prefix match on the folded key (key <= cur_key < key || U+10FFFF), and
	 * for a single word also the given name: each through its own index. */
	char hi[REG_NAME_BYTES + 8];
	snprintf(hi, sizeof hi, "%s\xf4\x8f\xbf\xbf", key);
	bool one_word = strchr(key, ' ') == NULL;
	const char *sql =
		one_word
			? "SELECT " PERSON_COLS PERSON_FROM "WHERE p.rid IN (SELECT rid FROM person WHERE "
			  "cur_key >= ?1 AND cur_key < ?2 UNION SELECT rid FROM person WHERE given_key = ?1) "
			  "AND (?3 = 0 OR (p.birth >= ?7 AND p.birth <= ?8)) "
			  "AND (?10 IS NULL OR ch.area IN (SELECT value FROM json_each(?10))) "
			  "ORDER BY p.cur_key, p.rid LIMIT ?4 OFFSET ?9"
			: "SELECT " PERSON_COLS PERSON_FROM "WHERE p.cur_key >= ?1 AND p.cur_key < ?2 "
			  "AND (?3 = 0 OR (p.birth >= ?7 AND p.birth <= ?8)) "
			  "AND (?10 IS NULL OR ch.area IN (SELECT value FROM json_each(?10))) "
			  "ORDER BY p.cur_key, p.rid LIMIT ?4 OFFSET ?9";
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(SQ(st)->db, sql, -1, &s, NULL) != SQLITE_OK)
		return dberr(st, "find");
	bind_text(s, 1, key);
	bind_text(s, 2, hi);
	sqlite3_bind_int(s, 3, year);
	sqlite3_bind_int64(s, 4, (int64_t)limit);
	sqlite3_bind_int(s, 7, year ? day_from_ymd(year, 1, 1) : 0);
	sqlite3_bind_int(s, 8, year ? day_from_ymd(year, 12, 31) : 0);
	sqlite3_bind_int64(s, 9, (int64_t)offset);
	bind_text_or_null(s, 10, areas);
	struct cb c = {(void *)fn, arg};
	enum ds_rc rc = DS_OK;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = person_row(s, &c)) != DS_OK)
			break;
	if (!rc && r != SQLITE_DONE)
		rc = dberr(st, "find");
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_households_in(struct store *st, const char *areas, const char *number,
				   size_t offset, size_t limit,
				   enum ds_rc (*fn)(const struct store_household *, void *), void *arg)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(SQ(st)->db,
			       "SELECT " HH_COLS "FROM household WHERE (?1 IS NULL OR area IN "
			       "(SELECT value FROM json_each(?1))) AND (?2 IS NULL OR number = ?2) "
			       "ORDER BY area, CAST(number AS REAL), number LIMIT ?3 OFFSET ?4",
			       -1, &s, NULL) != SQLITE_OK)
		return dberr(st, "households");
	bind_text_or_null(s, 1, areas);
	bind_text_or_null(s, 2, number);
	sqlite3_bind_int64(s, 3, (int64_t)limit);
	sqlite3_bind_int64(s, 4, (int64_t)offset);
	struct cb c = {(void *)fn, arg};
	enum ds_rc rc = DS_OK;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = household_row(s, &c)) != DS_OK)
			break;
	if (!rc && r != SQLITE_DONE)
		rc = dberr(st, "households");
	sqlite3_finalize(s);
	return rc;
}

/* ---- accounts ---- */

#define USER_COLS "id, login, name, role, unit, pw_hash, created_at, pw_changed_at, disabled "

static void read_user(sqlite3_stmt *s, struct store_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(s, 0);
	copy_col(s, 1, u->login, sizeof u->login);
	copy_col(s, 2, u->name, sizeof u->name);
	u->role = sqlite3_column_int(s, 3);
	copy_col(s, 4, u->unit, sizeof u->unit);
	copy_col(s, 5, u->pw_hash, sizeof u->pw_hash);
	u->created_at = sqlite3_column_int64(s, 6);
	u->pw_changed_at = sqlite3_column_int64(s, 7);
	u->disabled = sqlite3_column_int(s, 8) != 0;
}

static enum ds_rc one_row(struct store *st, const char *sql, sqlite3_stmt **out)
{
	if (sqlite3_prepare_v2(SQ(st)->db, sql, -1, out, NULL) != SQLITE_OK)
		return dberr(st, sql);
	return DS_OK;
}

static enum ds_rc sq_user_add(struct store *st, struct store_user *u)
{
	sqlite3_stmt *s;
	enum ds_rc rc = one_row(st,
				"INSERT INTO user(login, name, role, unit, pw_hash, created_at, "
				"pw_changed_at, disabled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
				&s);
	if (rc)
		return rc;
	bind_text(s, 1, u->login);
	bind_text(s, 2, u->name);
	sqlite3_bind_int(s, 3, u->role);
	bind_text(s, 4, u->unit);
	bind_text(s, 5, u->pw_hash);
	sqlite3_bind_int64(s, 6, u->created_at);
	sqlite3_bind_int64(s, 7, u->pw_changed_at);
	sqlite3_bind_int(s, 8, u->disabled);
	int r = sqlite3_step(s);
	rc = r == SQLITE_DONE ? DS_OK : r == SQLITE_CONSTRAINT ? DS_ECONFLICT : dberr(st, "user");
	if (!rc)
		u->id = sqlite3_last_insert_rowid(SQ(st)->db);
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_user_get(struct store *st, const char *login, int64_t id, struct store_user *u)
{
	sqlite3_stmt *s;
	enum ds_rc rc = one_row(st, login ? "SELECT " USER_COLS "FROM user WHERE login = ?1"
					  : "SELECT " USER_COLS "FROM user WHERE id = ?1",
				&s);
	if (rc)
		return rc;
	if (login)
		bind_text(s, 1, login);
	else
		sqlite3_bind_int64(s, 1, id);
	int r = sqlite3_step(s);
	rc = r == SQLITE_ROW ? DS_OK : r == SQLITE_DONE ? DS_ENOTFOUND : dberr(st, "user");
	if (!rc)
		read_user(s, u);
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_user_update(struct store *st, const struct store_user *u)
{
	sqlite3_stmt *s;
	enum ds_rc rc = one_row(st,
				"UPDATE user SET name = ?2, role = ?3, unit = ?4, pw_hash = ?5, "
				"pw_changed_at = ?6, disabled = ?7 WHERE id = ?1",
				&s);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, u->id);
	bind_text(s, 2, u->name);
	sqlite3_bind_int(s, 3, u->role);
	bind_text(s, 4, u->unit);
	bind_text(s, 5, u->pw_hash);
	sqlite3_bind_int64(s, 6, u->pw_changed_at);
	sqlite3_bind_int(s, 7, u->disabled);
	rc = sqlite3_step(s) == SQLITE_DONE ? DS_OK : dberr(st, "user");
	if (!rc && sqlite3_changes(SQ(st)->db) == 0)
		rc = DS_ENOTFOUND;
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc user_row(sqlite3_stmt *s, void *arg)
{
	struct cb *c = arg;
	struct store_user u;
	read_user(s, &u);
	return ((enum ds_rc(*)(const struct store_user *, void *))c->fn)(&u, c->arg);
}

static enum ds_rc sq_each_user(struct store *st, enum ds_rc (*fn)(const struct store_user *, void *),
			       void *arg)
{
	struct cb c = {(void *)fn, arg};
	return each(st, "SELECT " USER_COLS "FROM user ORDER BY login", NULL, 0, user_row, &c);
}

static enum ds_rc sq_session_add(struct store *st, const struct store_session *x)
{
	sqlite3_stmt *s;
	enum ds_rc rc = one_row(st,
				"INSERT INTO session(hash, user_id, created_at, last_seen, revoked, token, "
				"label) VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6)",
				&s);
	if (rc)
		return rc;
	sqlite3_bind_blob(s, 1, x->hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, x->user_id);
	sqlite3_bind_int64(s, 3, x->created_at);
	sqlite3_bind_int64(s, 4, x->last_seen);
	sqlite3_bind_int(s, 5, x->token);
	bind_text(s, 6, x->label);
	rc = sqlite3_step(s) == SQLITE_DONE ? DS_OK : dberr(st, "session");
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_session_get(struct store *st, const uint8_t hash[32], struct store_session *x)
{
	sqlite3_stmt *s;
	enum ds_rc rc = one_row(st,
				"SELECT user_id, created_at, last_seen, revoked, token, label FROM session "
				"WHERE hash = ?1",
				&s);
	if (rc)
		return rc;
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
	int r = sqlite3_step(s);
	rc = r == SQLITE_ROW ? DS_OK : r == SQLITE_DONE ? DS_ENOTFOUND : dberr(st, "session");
	if (!rc) {
		memset(x, 0, sizeof *x);
		memcpy(x->hash, hash, 32);
		x->user_id = sqlite3_column_int64(s, 0);
		x->created_at = sqlite3_column_int64(s, 1);
		x->last_seen = sqlite3_column_int64(s, 2);
		x->revoked = sqlite3_column_int(s, 3) != 0;
		x->token = sqlite3_column_int(s, 4) != 0;
		copy_col(s, 5, x->label, sizeof x->label);
	}
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_session_touch(struct store *st, const uint8_t hash[32], int64_t when)
{
	sqlite3_stmt *s;
	enum ds_rc rc = one_row(st, "UPDATE session SET last_seen = ?2 WHERE hash = ?1", &s);
	if (rc)
		return rc;
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, when);
	rc = sqlite3_step(s) == SQLITE_DONE ? DS_OK : dberr(st, "session");
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_session_revoke(struct store *st, const uint8_t *hash, int64_t user_id,
				    bool tokens_too)
{
	sqlite3_stmt *s;
	enum ds_rc rc = one_row(st,
				hash ? "UPDATE session SET revoked = 1 WHERE hash = ?1"
				     : "UPDATE session SET revoked = 1 WHERE user_id = ?2 AND "
				       "(?3 OR token = 0)",
				&s);
	if (rc)
		return rc;
	if (hash)
		sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, user_id);
	sqlite3_bind_int(s, 3, tokens_too);
	rc = sqlite3_step(s) == SQLITE_DONE ? DS_OK : dberr(st, "session");
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_audit_add(struct store *st, const struct store_audit *a)
{
	sqlite3_stmt *s;
	enum ds_rc rc = one_row(st,
				"INSERT INTO audit(at, login, role, unit, action, object, object_id, "
				"outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
				&s);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, a->at);
	bind_text(s, 2, a->login);
	sqlite3_bind_int(s, 3, a->role);
	bind_text(s, 4, a->unit);
	bind_text(s, 5, a->action);
	bind_text(s, 6, a->object);
	bind_text(s, 7, a->object_id);
	bind_text(s, 8, a->outcome);
	rc = sqlite3_step(s) == SQLITE_DONE ? DS_OK : dberr(st, "audit");
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc audit_row(sqlite3_stmt *s, void *arg)
{
	struct cb *c = arg;
	struct store_audit a;
	memset(&a, 0, sizeof a);
	a.seq = sqlite3_column_int64(s, 0);
	a.at = sqlite3_column_int64(s, 1);
	copy_col(s, 2, a.login, sizeof a.login);
	a.role = sqlite3_column_int(s, 3);
	copy_col(s, 4, a.unit, sizeof a.unit);
	copy_col(s, 5, a.action, sizeof a.action);
	copy_col(s, 6, a.object, sizeof a.object);
	copy_col(s, 7, a.object_id, sizeof a.object_id);
	copy_col(s, 8, a.outcome, sizeof a.outcome);
	return ((enum ds_rc(*)(const struct store_audit *, void *))c->fn)(&a, c->arg);
}

static enum ds_rc sq_audit_list(struct store *st, const char *object, const char *object_id,
				size_t offset, size_t limit,
				enum ds_rc (*fn)(const struct store_audit *, void *), void *arg)
{
	sqlite3_stmt *s;
	enum ds_rc rc = one_row(st,
				"SELECT seq, at, login, role, unit, action, object, object_id, outcome "
				"FROM audit WHERE (?1 IS NULL OR (object = ?1 AND object_id = ?2)) "
				"ORDER BY seq DESC LIMIT ?3 OFFSET ?4",
				&s);
	if (rc)
		return rc;
	bind_text_or_null(s, 1, object_id ? object : NULL);
	bind_text_or_null(s, 2, object_id);
	sqlite3_bind_int64(s, 3, (int64_t)limit);
	sqlite3_bind_int64(s, 4, (int64_t)offset);
	struct cb c = {(void *)fn, arg};
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = audit_row(s, &c)) != DS_OK)
			break;
	if (!rc && r != SQLITE_DONE)
		rc = dberr(st, "audit");
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_members(struct store *st, int64_t hh,
			     enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	struct cb c = {(void *)fn, arg};
	int64_t p[1] = {hh};
	return each(st, "SELECT " PERSON_COLS PERSON_FROM "WHERE p.cur_hh = ?1 ORDER BY p.rid", p, 1,
		    person_row, &c);
}

static enum ds_rc sq_target_set(struct store *st, const char *unit, int year, const char *key,
				double value)
{
	sqlite3_stmt *s = stmt(st, S_TARGET_SET);
	if (!s)
		return DS_EDB;
	bind_text(s, 1, unit);
	sqlite3_bind_int(s, 2, year);
	bind_text(s, 3, key);
	sqlite3_bind_double(s, 4, value);
	return step_done(st, s, "target");
}

static void read_double(sqlite3_stmt *s, void *out)
{
	*(double *)out = sqlite3_column_double(s, 0);
}

static enum ds_rc sq_target_get(struct store *st, const char *unit, int year, const char *key,
				double *value)
{
	sqlite3_stmt *s = stmt(st, S_TARGET_GET);
	if (!s)
		return DS_EDB;
	bind_text(s, 1, unit);
	sqlite3_bind_int(s, 2, year);
	bind_text(s, 3, key);
	return lookup(st, s, read_double, value);
}

static const struct store_core_ops sq_core = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.migrate = sq_migrate,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.savepoint = sq_savepoint,
	.release = sq_release,
	.rollback_to = sq_rollback_to,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
	.bulk_mode = sq_bulk_mode,
};

static const struct store_reg_ops sq_reg = {
	.bulk_begin = sq_bulk_begin,
	.bulk_end = sq_bulk_end,
	.unit_add = sq_unit_add,
	.household_add = sq_household_add,
	.person_add = sq_person_add,
	.baseline_add = sq_baseline_add,
	.household_get = sq_household_get,
	.person_get = sq_person_get,
	.nid_owner = sq_nid_owner,
	.count = sq_count,
	.person_current = sq_person_current,
	.event_by_id = sq_event_by_id,
	.event_by_seq = sq_event_by_seq,
	.next_seq = sq_next_seq,
	.event_add = sq_event_add,
	.event_void = sq_event_void,
	.person_facts = sq_person_facts,
	.last_seq = sq_last_seq,
	.each_unit = sq_each_unit,
	.each_household = sq_each_household,
	.each_person = sq_each_person,
	.each_person_lite = sq_each_person_lite,
	.each_household_lite = sq_each_household_lite,
	.each_event = sq_each_event,
	.events_about = sq_events_about,
	.baselines = sq_baselines,
	.find = sq_find,
	.households_in = sq_households_in,
	.members = sq_members,
	.target_set = sq_target_set,
	.target_get = sq_target_get,
};

static const struct store_acct_ops sq_acct = {
	.user_add = sq_user_add,
	.user_get = sq_user_get,
	.user_update = sq_user_update,
	.each_user = sq_each_user,
	.session_add = sq_session_add,
	.session_get = sq_session_get,
	.session_touch = sq_session_touch,
	.session_revoke = sq_session_revoke,
};

static const struct store_audit_ops sq_audit = {
	.add = sq_audit_add,
	.list = sq_audit_list,
};

const struct store_backend store_sqlite = {
	.core = &sq_core,
	.reg = &sq_reg,
	.acct = &sq_acct,
	.audit = &sq_audit,
};
