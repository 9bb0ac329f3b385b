/* The PostgreSQL backend's accounts (accounts.h): users, login sessions and API tokens. */
#include <stdlib.h>
#include <string.h>

#include "store/pg_int.h"

#define USER_COLS "id, login, name, role, unit, pw_hash, created_at, pw_changed_at, disabled "

static void read_user(PGresult *r, int i, struct store_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = pg_get_i64(r, i, 0);
	pg_get_str(r, i, 1, u->login, sizeof u->login);
	pg_get_str(r, i, 2, u->name, sizeof u->name);
	u->role = (int)pg_get_i64(r, i, 3);
	pg_get_str(r, i, 4, u->unit, sizeof u->unit);
	pg_get_str(r, i, 5, u->pw_hash, sizeof u->pw_hash);
	u->created_at = pg_get_i64(r, i, 6);
	u->pw_changed_at = pg_get_i64(r, i, 7);
	u->disabled = PQgetvalue(r, i, 8)[0] == 't';
}

static enum ds_rc pg_user_add(struct store *st, struct store_user *u)
{
	char role[24], c[24], pc[24];
	const char *p[8] = {u->login, u->name, I64(role, u->role), u->unit, u->pw_hash,
			    I64(c, u->created_at), I64(pc, u->pw_changed_at), u->disabled ? "t" : "f"};
	enum ds_rc rc;
	PGresult *r = pg_run(st,
			     "INSERT INTO app_user(login, name, role, unit, pw_hash, created_at, "
			     "pw_changed_at, disabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			     8, p, &rc);
	if (r) {
		u->id = pg_get_i64(r, 0, 0);
		PQclear(r);
	}
	return rc;
}

static enum ds_rc pg_user_get(struct store *st, const char *login, int64_t id, struct store_user *u)
{
	char buf[24];
	const char *p[1] = {login ? login : I64(buf, id)};
	enum ds_rc rc;
	PGresult *r = pg_run(st, login ? "SELECT " USER_COLS "FROM app_user WHERE login = $1"
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
	PG(st)->wrote_log = true; /* NOTIFY at commit: other servers re-read the account */
	char id[24], role[24], pc[24];
	const char *p[7] = {I64(id, u->id), u->name, I64(role, u->role), u->unit, u->pw_hash,
			    I64(pc, u->pw_changed_at), u->disabled ? "t" : "f"};
	enum ds_rc rc;
	PGresult *r = pg_run(st,
			     "UPDATE app_user SET name = $2, role = $3, unit = $4, pw_hash = $5, "
			     "pw_changed_at = $6, disabled = $7 WHERE id = $1",
			     7, p, &rc);
	if (r) {
		if (pg_affected(r) == 0)
			rc = DS_ENOTFOUND;
		PQclear(r);
	}
	return rc;
}

static enum ds_rc pg_each_user(struct store *st, enum ds_rc (*fn)(const struct store_user *, void *),
			       void *arg)
{
	enum ds_rc rc;
	PGresult *r = pg_run(st, "SELECT " USER_COLS "FROM app_user ORDER BY login", 0, NULL, &rc);
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

static enum ds_rc pg_session_add(struct store *st, const struct store_session *x)
{
	char h[70], u[24], c[24], l[24], e[24];
	pg_bytea(x->hash, 32, h);
	const char *p[7] = {h, I64(u, x->user_id), I64(c, x->created_at), I64(l, x->last_seen),
			    x->token ? "t" : "f", x->label, I64(e, x->expires_at)};
	return pg_run_done(st,
			   "INSERT INTO session(hash, user_id, created_at, last_seen, revoked, token, label, "
			   "expires_at) VALUES ($1::bytea, $2, $3, $4, false, $5, $6, $7)",
			   7, p);
}

#define SESSION_COLS "hash, user_id, created_at, last_seen, revoked, token, label, expires_at "

static void read_session(PGresult *r, int i, struct store_session *x)
{
	memset(x, 0, sizeof *x);
	pg_get_uuid_n(r, i, 0, x->hash, 32);
	x->user_id = pg_get_i64(r, i, 1);
	x->created_at = pg_get_i64(r, i, 2);
	x->last_seen = pg_get_i64(r, i, 3);
	x->revoked = PQgetvalue(r, i, 4)[0] == 't';
	x->token = PQgetvalue(r, i, 5)[0] == 't';
	pg_get_str(r, i, 6, x->label, sizeof x->label);
	x->expires_at = pg_get_i64(r, i, 7);
}

static enum ds_rc pg_session_get(struct store *st, const uint8_t hash[32], struct store_session *x)
{
	char h[70];
	pg_bytea(hash, 32, h);
	const char *p[1] = {h};
	enum ds_rc rc;
	PGresult *r = pg_run(st, "SELECT " SESSION_COLS "FROM session WHERE hash = $1::bytea", 1, p, &rc);
	if (!r)
		return rc;
	rc = PQntuples(r) ? DS_OK : DS_ENOTFOUND;
	if (!rc)
		read_session(r, 0, x);
	PQclear(r);
	return rc;
}

static enum ds_rc token_row(PGresult *r, int i, void *arg)
{
	struct pg_cb *c = arg;
	struct store_session x;
	read_session(r, i, &x);
	return ((enum ds_rc(*)(const struct store_session *, void *))c->fn)(&x, c->arg);
}

static enum ds_rc pg_each_token(struct store *st, int64_t user_id,
				enum ds_rc (*fn)(const struct store_session *, void *), void *arg)
{
	struct pg_cb c = {(void *)fn, arg};
	char u[24];
	const char *p[1] = {I64(u, user_id)};
	return pg_each(st,
		       "SELECT " SESSION_COLS "FROM session WHERE user_id = $1::bigint AND token "
		       "ORDER BY created_at DESC",
		       1, p, token_row, &c);
}

static enum ds_rc pg_limit_put(struct store *st, const struct store_limit *l)
{
	char f[24], a[24], u[24];
	const char *p[4] = {l->key, I64(f, l->failures), I64(a, l->last), I64(u, l->until)};
	if (!l->failures)
		return pg_run_done(st, "DELETE FROM login_limit WHERE key = $1", 1, p);
	return pg_run_done(st,
			   "INSERT INTO login_limit(key, failures, last, until) VALUES ($1, $2, $3, $4) "
			   "ON CONFLICT (key) DO UPDATE SET failures = $2, last = $3, until = $4",
			   4, p);
}

static enum ds_rc limit_row(PGresult *r, int i, void *arg)
{
	struct pg_cb *c = arg;
	struct store_limit l = {0};
	pg_get_str(r, i, 0, l.key, sizeof l.key);
	l.failures = (int)pg_get_i64(r, i, 1);
	l.last = pg_get_i64(r, i, 2);
	l.until = pg_get_i64(r, i, 3);
	return ((enum ds_rc(*)(const struct store_limit *, void *))c->fn)(&l, c->arg);
}

static enum ds_rc pg_each_limit(struct store *st, int64_t since,
				enum ds_rc (*fn)(const struct store_limit *, void *), void *arg)
{
	struct pg_cb c = {(void *)fn, arg};
	char s[24];
	const char *p[1] = {I64(s, since)};
	return pg_each(st, "SELECT key, failures, last, until FROM login_limit WHERE last >= $1::bigint", 1,
		       p, limit_row, &c);
}

static enum ds_rc pg_session_touch(struct store *st, const uint8_t hash[32], int64_t when)
{
	char h[70], w[24];
	pg_bytea(hash, 32, h);
	const char *p[2] = {h, I64(w, when)};
	return pg_run_done(st, "UPDATE session SET last_seen = $2 WHERE hash = $1::bytea", 2, p);
}

static enum ds_rc pg_session_revoke(struct store *st, const uint8_t *hash, int64_t user_id,
				    bool tokens_too)
{
	/* The other servers re-read their cached sessions at the commit's NOTIFY. */
	PG(st)->wrote_log = true;
	char h[70], u[24];
	if (hash) {
		pg_bytea(hash, 32, h);
		const char *p[1] = {h};
		return pg_run_done(st, "UPDATE session SET revoked = true WHERE hash = $1::bytea", 1, p);
	}
	const char *p[2] = {I64(u, user_id), tokens_too ? "t" : "f"};
	return pg_run_done(st,
			   "UPDATE session SET revoked = true WHERE user_id = $1 AND ($2::boolean OR NOT token)",
			   2, p);
}


const struct store_acct_ops pg_acct = {
	.user_add = pg_user_add,
	.user_get = pg_user_get,
	.user_update = pg_user_update,
	.each_user = pg_each_user,
	.session_add = pg_session_add,
	.session_get = pg_session_get,
	.session_touch = pg_session_touch,
	.session_revoke = pg_session_revoke,
	.each_token = pg_each_token,
	.limit_put = pg_limit_put,
	.each_limit = pg_each_limit,
};
