/*
 * The PostgreSQL backend's record log (records.h).  The table and the
 * trigger that keeps it append-only are in the schema (pg.c, version 2).
 */
#include <string.h>

#include "store/pg_int.h"

#define RECORD_COLS "seq, uuid, kind, unit, prov, date, key, recorded_at, recorded_by, body "

/* The row of a RECORD_COLS query; out->body stays the result's. */
static void read_record(PGresult *r, int i, struct store_record *out)
{
	memset(out, 0, sizeof *out);
	out->seq = pg_get_i64(r, i, 0);
	pg_get_uuid(r, i, 1, out->id);
	pg_get_str(r, i, 2, out->kind, sizeof out->kind);
	pg_get_str(r, i, 3, out->unit, sizeof out->unit);
	out->prov = (int)pg_get_i64(r, i, 4);
	out->date = (int32_t)pg_get_i64(r, i, 5);
	pg_get_str(r, i, 6, out->key, sizeof out->key);
	out->recorded_at = pg_get_i64(r, i, 7);
	pg_get_str(r, i, 8, out->recorded_by, sizeof out->recorded_by);
	out->body = PQgetvalue(r, i, 9);
}

/*
 * The next seq is the highest plus one: writers hold the lock taken at
 * store_begin, so no other writer takes the same, and a rollback leaves no
 * gap.  A stored id is left alone (DO NOTHING) rather than refused with an
 * error, which would abort the whole transaction.
 */
static enum ds_rc pg_record_add(struct store *st, struct store_record *r, const char *body)
{
	struct pg *q = PG(st);
	if (!q->in_tx) {
		store_seterr(st, "postgresql: store_record_add outside a transaction");
		return DS_EUSAGE;
	}
	char uuid[36], prov[24], date[24], at[24];
	const char *p[9] = {pg_bytea(r->id, 16, uuid), r->kind, r->unit, I64(prov, r->prov),
			    I64(date, r->date), r->key, I64(at, r->recorded_at), r->recorded_by, body};
	enum ds_rc rc;
	PGresult *res = pg_run(st,
			       "INSERT INTO record (seq, uuid, kind, unit, prov, date, key, recorded_at, "
			       "recorded_by, body) SELECT coalesce(max(seq), 0) + 1, $1::bytea, $2::text, "
			       "$3::text, $4::int, $5::int, $6::text, $7::bigint, $8::text, $9::text "
			       "FROM record ON CONFLICT (uuid) DO NOTHING RETURNING seq",
			       9, p, &rc);
	if (!res)
		return rc;
	rc = PQntuples(res) ? DS_OK : DS_ECONFLICT;
	if (!rc) {
		r->seq = pg_get_i64(res, 0, 0);
		q->wrote_log = true;
	}
	PQclear(res);
	return rc;
}

/* The one row of a RECORD_COLS query, or DS_ENOTFOUND. */
static enum ds_rc record_lookup(struct store *st, const char *sql, int n, const char *const *p,
				struct store_record *out)
{
	struct pg *q = PG(st);
	enum ds_rc rc;
	PGresult *r = pg_run(st, sql, n, p, &rc);
	if (!r)
		return rc;
	if (!PQntuples(r)) {
		PQclear(r);
		return DS_ENOTFOUND;
	}
	/* The body is borrowed from the result until the next lookup. */
	PQclear(q->held);
	q->held = r;
	read_record(r, 0, out);
	return DS_OK;
}

static enum ds_rc pg_record_by_id(struct store *st, const uint8_t id[16], struct store_record *out)
{
	char uuid[36];
	const char *p[1] = {pg_bytea(id, 16, uuid)};
	return record_lookup(st, "SELECT " RECORD_COLS "FROM record WHERE uuid = $1::bytea", 1, p, out);
}

static enum ds_rc pg_record_latest(struct store *st, const char *kind, const char *unit,
				   const char *key, struct store_record *out)
{
	const char *p[3] = {kind, unit, key};
	return record_lookup(st,
			     "SELECT " RECORD_COLS "FROM record WHERE kind = $1::text AND unit = $2::text "
			     "AND key = $3::text ORDER BY seq DESC LIMIT 1",
			     3, p, out);
}

static enum ds_rc record_row(PGresult *r, int i, void *arg)
{
	struct pg_cb *c = arg;
	struct store_record rec;
	read_record(r, i, &rec);
	return ((enum ds_rc(*)(const struct store_record *, void *))c->fn)(&rec, c->arg);
}

static enum ds_rc pg_each_record(struct store *st, int64_t after,
				 enum ds_rc (*fn)(const struct store_record *, void *), void *arg)
{
	struct pg_cb c = {(void *)fn, arg};
	char buf[24];
	const char *p[1] = {I64(buf, after)};
	return pg_each(st, "SELECT " RECORD_COLS "FROM record WHERE seq > $1 ORDER BY seq", 1, p,
		       record_row, &c);
}

static int64_t pg_record_last_seq(struct store *st)
{
	return pg_one_i64(st, "SELECT coalesce(max(seq), 0) FROM record");
}

const struct store_rec_ops pg_rec = {
	.add = pg_record_add,
	.by_id = pg_record_by_id,
	.latest = pg_record_latest,
	.each = pg_each_record,
	.last_seq = pg_record_last_seq,
};
