/*
 * The SQLite backend's record log (records.h).  The table and the triggers
 * that keep it append-only are in the schema (sqlite.c, version 2).
 */
#include <string.h>

#include "store/sqlite_int.h"

#define RECORD_COLS "seq, uuid, kind, unit, prov, date, key, recorded_at, recorded_by, body "

/* Statements cached by sq_stmt.  A stored id is left alone (DO NOTHING),
 * not an error, so that the open transaction goes on unharmed. */
static const char sql_record_add[] =
	"INSERT INTO record(uuid, kind, unit, prov, date, key, recorded_at, recorded_by, body) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(uuid) DO NOTHING";
static const char sql_record_by_id[] = "SELECT " RECORD_COLS "FROM record WHERE uuid = ?1";
static const char sql_record_last_seq[] = "SELECT coalesce(max(seq), 0) FROM record";
static const char sql_record_latest[] = "SELECT " RECORD_COLS "FROM record "
					"WHERE kind = ?1 AND unit = ?2 AND key = ?3 ORDER BY seq DESC LIMIT 1";

/* The row of a RECORD_COLS statement; out->body stays the statement's. */
static void read_record(sqlite3_stmt *s, struct store_record *out)
{
	memset(out, 0, sizeof *out);
	out->seq = sqlite3_column_int64(s, 0);
	if (sqlite3_column_bytes(s, 1) == 16)
		memcpy(out->id, sqlite3_column_blob(s, 1), 16);
	sq_col_text(s, 2, out->kind, sizeof out->kind);
	sq_col_text(s, 3, out->unit, sizeof out->unit);
	out->prov = sqlite3_column_int(s, 4);
	out->date = sqlite3_column_int(s, 5);
	sq_col_text(s, 6, out->key, sizeof out->key);
	out->recorded_at = sqlite3_column_int64(s, 7);
	sq_col_text(s, 8, out->recorded_by, sizeof out->recorded_by);
	out->body = (const char *)sqlite3_column_text(s, 9);
}

static enum ds_rc sq_record_add(struct store *st, struct store_record *r, const char *body)
{
	sqlite3 *db = SQ(st)->db;
	if (sqlite3_get_autocommit(db)) {
		store_seterr(st, "sqlite: store_record_add outside a transaction");
		return DS_EUSAGE;
	}
	sqlite3_stmt *s = sq_stmt(st, sql_record_add);
	if (!s)
		return DS_EDB;
	sqlite3_bind_blob(s, 1, r->id, 16, SQLITE_STATIC);
	sq_bind_text(s, 2, r->kind);
	sq_bind_text(s, 3, r->unit);
	sqlite3_bind_int(s, 4, r->prov);
	sqlite3_bind_int(s, 5, r->date);
	sq_bind_text(s, 6, r->key);
	sqlite3_bind_int64(s, 7, r->recorded_at);
	sq_bind_text(s, 8, r->recorded_by);
	sq_bind_text(s, 9, body);
	enum ds_rc rc = sq_step_done(st, s, "record");
	if (!rc && sqlite3_changes(db) == 0)
		rc = DS_ECONFLICT;
	if (!rc)
		r->seq = sqlite3_last_insert_rowid(db);
	return rc;
}

/* The one row of a bound RECORD_COLS statement, or DS_ENOTFOUND. */
static enum ds_rc record_lookup(struct store *st, sqlite3_stmt *s, struct store_record *out)
{
	int r = sqlite3_step(s);
	enum ds_rc rc = r == SQLITE_ROW ? DS_OK : r == SQLITE_DONE ? DS_ENOTFOUND : sq_err(st, "record");
	if (!rc) {
		read_record(s, out);
		/* Held apart, so that the statement is reset at once (see event_lookup). */
		rc = sq_hold_text(st, &out->body);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

static enum ds_rc sq_record_by_id(struct store *st, const uint8_t id[16], struct store_record *out)
{
	sqlite3_stmt *s = sq_stmt(st, sql_record_by_id);
	if (!s)
		return DS_EDB;
	sqlite3_bind_blob(s, 1, id, 16, SQLITE_STATIC);
	return record_lookup(st, s, out);
}

static enum ds_rc sq_record_latest(struct store *st, const char *kind, const char *unit,
				   const char *key, struct store_record *out)
{
	sqlite3_stmt *s = sq_stmt(st, sql_record_latest);
	if (!s)
		return DS_EDB;
	sq_bind_text(s, 1, kind);
	sq_bind_text(s, 2, unit);
	sq_bind_text(s, 3, key);
	return record_lookup(st, s, out);
}

static enum ds_rc record_row(sqlite3_stmt *s, void *arg)
{
	struct sq_cb *c = arg;
	struct store_record r;
	read_record(s, &r);
	return ((enum ds_rc(*)(const struct store_record *, void *))c->fn)(&r, c->arg);
}

static enum ds_rc sq_each_record(struct store *st, int64_t after,
				 enum ds_rc (*fn)(const struct store_record *, void *), void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	int64_t p[1] = {after};
	return sq_each(st, "SELECT " RECORD_COLS "FROM record WHERE seq > ?1 ORDER BY seq", p, 1,
		       record_row, &c);
}

static int64_t sq_record_last_seq(struct store *st)
{
	return sq_int(st, sql_record_last_seq);
}

const struct store_rec_ops sq_rec = {
	.add = sq_record_add,
	.by_id = sq_record_by_id,
	.latest = sq_record_latest,
	.each = sq_each_record,
	.last_seq = sq_record_last_seq,
};
