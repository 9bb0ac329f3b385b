/* The SQLite backend's audit log (audit.h); the schema's triggers keep it append-only. */
#include <string.h>

#include "store/sqlite_int.h"

#define AUDIT_COLS "seq, at, login, role, unit, action, object, object_id, outcome, area "

static enum ds_rc audit_rows(struct store *st, sqlite3_stmt *s,
			     enum ds_rc (*fn)(const struct store_audit *, void *), void *arg);

static enum ds_rc sq_audit_add(struct store *st, const struct store_audit *a)
{
	sqlite3_stmt *s;
	enum ds_rc rc = sq_prepare(st,
				   "INSERT INTO audit(at, login, role, unit, action, object, object_id, "
				   "outcome, area) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
				   &s);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, a->at);
	sq_bind_text(s, 2, a->login);
	sqlite3_bind_int(s, 3, a->role);
	sq_bind_text(s, 4, a->unit);
	sq_bind_text(s, 5, a->action);
	sq_bind_text(s, 6, a->object);
	sq_bind_text(s, 7, a->object_id);
	sq_bind_text(s, 8, a->outcome);
	sq_bind_text(s, 9, a->area);
	rc = sqlite3_step(s) == SQLITE_DONE ? DS_OK : sq_err(st, "audit");
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc audit_row(sqlite3_stmt *s, void *arg)
{
	struct sq_cb *c = arg;
	struct store_audit a;
	memset(&a, 0, sizeof a);
	a.seq = sqlite3_column_int64(s, 0);
	a.at = sqlite3_column_int64(s, 1);
	sq_col_text(s, 2, a.login, sizeof a.login);
	a.role = sqlite3_column_int(s, 3);
	sq_col_text(s, 4, a.unit, sizeof a.unit);
	sq_col_text(s, 5, a.action, sizeof a.action);
	sq_col_text(s, 6, a.object, sizeof a.object);
	sq_col_text(s, 7, a.object_id, sizeof a.object_id);
	sq_col_text(s, 8, a.outcome, sizeof a.outcome);
	sq_col_text(s, 9, a.area, sizeof a.area);
	return ((enum ds_rc(*)(const struct store_audit *, void *))c->fn)(&a, c->arg);
}

static enum ds_rc sq_audit_list(struct store *st, const char *object, const char *object_id,
				size_t offset, size_t limit,
				enum ds_rc (*fn)(const struct store_audit *, void *), void *arg)
{
	sqlite3_stmt *s;
	enum ds_rc rc = sq_prepare(st,
				   "SELECT " AUDIT_COLS "FROM audit "
				   "WHERE (?1 IS NULL OR (object = ?1 AND object_id = ?2)) "
				   "ORDER BY seq DESC LIMIT ?3 OFFSET ?4",
				   &s);
	if (rc)
		return rc;
	sq_bind_text_or_null(s, 1, object_id ? object : NULL);
	sq_bind_text_or_null(s, 2, object_id);
	sqlite3_bind_int64(s, 3, (int64_t)limit);
	sqlite3_bind_int64(s, 4, (int64_t)offset);
	return audit_rows(st, s, fn, arg);
}

/* The login's index (login, at, seq) when a login is given, the time
 * index (at, seq) otherwise: each page starts where the last one ended. */
static enum ds_rc sq_audit_search(struct store *st, const struct store_audit_query *q, size_t limit,
				  enum ds_rc (*fn)(const struct store_audit *, void *), void *arg)
{
	sqlite3_stmt *s;
#define SEARCH_REST "at >= ?2 AND at < ?3 AND (at, seq) > (?4, ?5) " \
	"AND (?6 IS NULL OR (object = ?6 AND object_id = ?7)) ORDER BY at, seq LIMIT ?8"
	enum ds_rc rc = sq_prepare(st,
				   q->login ? "SELECT " AUDIT_COLS "FROM audit WHERE login = ?1 AND " SEARCH_REST
					    : "SELECT " AUDIT_COLS "FROM audit WHERE ?1 IS NULL AND " SEARCH_REST,
				   &s);
	if (rc)
		return rc;
	bool one = q->object && q->object_id;
	sq_bind_text_or_null(s, 1, q->login);
	sqlite3_bind_int64(s, 2, q->from);
	sqlite3_bind_int64(s, 3, q->to);
	sqlite3_bind_int64(s, 4, q->after_at);
	sqlite3_bind_int64(s, 5, q->after_seq);
	sq_bind_text_or_null(s, 6, one ? q->object : NULL);
	sq_bind_text_or_null(s, 7, one ? q->object_id : NULL);
	sqlite3_bind_int64(s, 8, (int64_t)limit);
	return audit_rows(st, s, fn, arg);
}

/* Steps s to its end, each row to fn; finalizes s. */
static enum ds_rc audit_rows(struct store *st, sqlite3_stmt *s,
			     enum ds_rc (*fn)(const struct store_audit *, void *), void *arg)
{
	enum ds_rc rc = DS_OK;
	struct sq_cb c = {(void *)fn, arg};
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = audit_row(s, &c)) != DS_OK)
			break;
	if (!rc && r != SQLITE_DONE)
		rc = sq_err(st, "audit");
	sqlite3_finalize(s);
	return rc;
}

const struct store_audit_ops sq_audit = {
	.add = sq_audit_add,
	.list = sq_audit_list,
	.search = sq_audit_search,
};
