/* The PostgreSQL backend's audit log (audit.h); the schema's trigger keeps it append-only. */
#include <string.h>

#include "store/pg_int.h"

static enum ds_rc pg_audit_add(struct store *st, const struct store_audit *a)
{
	char at[24], role[24];
	const char *p[8] = {I64(at, a->at), a->login, I64(role, a->role), a->unit,
			    a->action, a->object, a->object_id, a->outcome};
	return pg_run_done(st,
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
	PGresult *r = pg_run(st,
			     "SELECT seq, at, login, role, unit, action, object, object_id, outcome FROM audit "
			     "WHERE ($1::text IS NULL OR (object = $1 AND object_id = $2)) "
			     "ORDER BY seq DESC LIMIT $3 OFFSET $4",
			     4, p, &rc);
	if (!r)
		return rc;
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
		rc = fn(&a, arg);
	}
	PQclear(r);
	return rc;
}


const struct store_audit_ops pg_audit = {
	.add = pg_audit_add,
	.list = pg_audit_list,
};
