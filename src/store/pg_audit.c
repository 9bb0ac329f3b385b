/* The PostgreSQL backend's audit log (audit.h); the schema's trigger keeps it append-only. */
#include <string.h>

#include "store/pg_int.h"

#define AUDIT_COLS "seq, at, login, role, unit, action, object, object_id, outcome, area "

static enum ds_rc audit_rows(PGresult *r, enum ds_rc (*fn)(const struct store_audit *, void *),
			     void *arg);

static enum ds_rc pg_audit_add(struct store *st, const struct store_audit *a)
{
	char at[24], role[24];
	const char *p[9] = {I64(at, a->at), a->login, I64(role, a->role), a->unit,
			    a->action, a->object, a->object_id, a->outcome, a->area};
	return pg_run_done(st,
			   "INSERT INTO audit(at, login, role, unit, action, object, object_id, outcome, "
			   "area) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			   9, p);
}

static enum ds_rc pg_audit_list(struct store *st, const char *object, const char *object_id,
				size_t offset, size_t limit,
				enum ds_rc (*fn)(const struct store_audit *, void *), void *arg)
{
	char lim[24], off[24];
	const char *p[4] = {object_id ? object : NULL, object_id, I64(lim, (int64_t)limit),
			    I64(off, (int64_t)offset)};
	enum ds_rc rc;
	PGresult *r = pg_run(st,
			     "SELECT " AUDIT_COLS "FROM audit "
			     "WHERE ($1::text IS NULL OR (object = $1 AND object_id = $2)) "
			     "ORDER BY seq DESC LIMIT $3 OFFSET $4",
			     4, p, &rc);
	return r ? audit_rows(r, fn, arg) : rc;
}

/* The login's index (login, at, seq) when a login is given, the time
 * index (at, seq) otherwise: each page starts where the last one ended. */
static enum ds_rc pg_audit_search(struct store *st, const struct store_audit_query *q, size_t limit,
				  enum ds_rc (*fn)(const struct store_audit *, void *), void *arg)
{
#define SEARCH_REST "at >= $2 AND at < $3 AND (at, seq) > ($4, $5) " \
	"AND ($6::text IS NULL OR (object = $6 AND object_id = $7)) ORDER BY at, seq LIMIT $8"
	char from[24], to[24], at[24], seq[24], lim[24];
	bool one = q->object && q->object_id;
	const char *p[8] = {q->login, I64(from, q->from), I64(to, q->to), I64(at, q->after_at),
			    I64(seq, q->after_seq), one ? q->object : NULL, one ? q->object_id : NULL,
			    I64(lim, (int64_t)limit)};
	enum ds_rc rc;
	PGresult *r = pg_run(st,
			     q->login ? "SELECT " AUDIT_COLS "FROM audit WHERE login = $1 AND " SEARCH_REST
				      : "SELECT " AUDIT_COLS "FROM audit WHERE $1::text IS NULL AND " SEARCH_REST,
			     8, p, &rc);
	return r ? audit_rows(r, fn, arg) : rc;
}

/* Each row of r to fn; clears r. */
static enum ds_rc audit_rows(PGresult *r, enum ds_rc (*fn)(const struct store_audit *, void *),
			     void *arg)
{
	enum ds_rc rc = DS_OK;
	for (int i = 0; i < PQntuples(r) && !rc; i++) {
		struct store_audit a;
		memset(&a, 0, sizeof a);
		a.seq = pg_get_i64(r, i, 0);
		a.at = pg_get_i64(r, i, 1);
		pg_get_str(r, i, 2, a.login, sizeof a.login);
		a.role = (int)pg_get_i64(r, i, 3);
		pg_get_str(r, i, 4, a.unit, sizeof a.unit);
		pg_get_str(r, i, 5, a.action, sizeof a.action);
		pg_get_str(r, i, 6, a.object, sizeof a.object);
		pg_get_str(r, i, 7, a.object_id, sizeof a.object_id);
		pg_get_str(r, i, 8, a.outcome, sizeof a.outcome);
		pg_get_str(r, i, 9, a.area, sizeof a.area);
		rc = fn(&a, arg);
	}
	PQclear(r);
	return rc;
}

const struct store_audit_ops pg_audit = {
	.add = pg_audit_add,
	.list = pg_audit_list,
	.search = pg_audit_search,
};
