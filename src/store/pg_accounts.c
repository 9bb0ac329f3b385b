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
	char h[70], u[24], c[24], l[24];
	pg_bytea(x->hash, 32, h);
	const char *p[6] = {h, I64(u, x->user_id), I64(c, x->created_at), I64(l, x->last_seen),
			    x->token ? "t" : "f", x->label};
	return pg_run_done(st,
			   "INSERT INTO session(hash, user_id, created_at, last_seen, revoked, token, label) "
			   "VALUES ($1::bytea, $2, $3, $4, false, $5, $6)",
			   6, p);
}

static enum ds_rc pg_session_get(struct store *st, const uint8_t hash[32], struct store_session *x)
{
	char h[70];
	pg_bytea(hash, 32, h);
	const char *p[1] = {h};
	enum ds_rc rc;
	PGresult *r = pg_run(st,
			     "SELECT user_id, created_at, last_seen, revoked, token, label FROM session "
			     "WHERE hash = $1::bytea",
			     1, p, &rc);
	if (!r)
		return rc;
	rc = PQntuples(r) ? DS_OK : DS_ENOTFOUND;
	if (!rc) {
		memset(x, 0, sizeof *x);
		memcpy(x->hash, hash, 32);
		x->user_id = pg_get_i64(r, 0, 0);
		x->created_at = pg_get_i64(r, 0, 1);
		x->last_seen = pg_get_i64(r, 0, 2);
		x->revoked = PQgetvalue(r, 0, 3)[0] == 't';
		x->token = PQgetvalue(r, 0, 4)[0] == 't';
		pg_get_str(r, 0, 5, x->label, sizeof x->label);
	}
	PQclear(r);
	return rc;
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
};
