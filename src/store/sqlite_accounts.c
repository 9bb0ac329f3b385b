/* The SQLite backend's accounts (accounts.h): users, login sessions and API tokens. */
#include <string.h>

#include "store/sqlite_int.h"

#define USER_COLS "id, login, name, role, unit, pw_hash, created_at, pw_changed_at, disabled "

static void read_user(sqlite3_stmt *s, struct store_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, u->login, sizeof u->login);
	sq_col_text(s, 2, u->name, sizeof u->name);
	u->role = sqlite3_column_int(s, 3);
	sq_col_text(s, 4, u->unit, sizeof u->unit);
	sq_col_text(s, 5, u->pw_hash, sizeof u->pw_hash);
	u->created_at = sqlite3_column_int64(s, 6);
	u->pw_changed_at = sqlite3_column_int64(s, 7);
	u->disabled = sqlite3_column_int(s, 8) != 0;
}

static enum ds_rc sq_user_add(struct store *st, struct store_user *u)
{
	sqlite3_stmt *s;
	enum ds_rc rc = sq_prepare(st,
				   "INSERT INTO user(login, name, role, unit, pw_hash, created_at, "
				   "pw_changed_at, disabled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
				   &s);
	if (rc)
		return rc;
	sq_bind_text(s, 1, u->login);
	sq_bind_text(s, 2, u->name);
	sqlite3_bind_int(s, 3, u->role);
	sq_bind_text(s, 4, u->unit);
	sq_bind_text(s, 5, u->pw_hash);
	sqlite3_bind_int64(s, 6, u->created_at);
	sqlite3_bind_int64(s, 7, u->pw_changed_at);
	sqlite3_bind_int(s, 8, u->disabled);
	int r = sqlite3_step(s);
	rc = r == SQLITE_DONE ? DS_OK : r == SQLITE_CONSTRAINT ? DS_ECONFLICT : sq_err(st, "user");
	if (!rc)
		u->id = sqlite3_last_insert_rowid(SQ(st)->db);
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_user_get(struct store *st, const char *login, int64_t id, struct store_user *u)
{
	sqlite3_stmt *s;
	enum ds_rc rc = sq_prepare(st, login ? "SELECT " USER_COLS "FROM user WHERE login = ?1"
					     : "SELECT " USER_COLS "FROM user WHERE id = ?1",
				   &s);
	if (rc)
		return rc;
	if (login)
		sq_bind_text(s, 1, login);
	else
		sqlite3_bind_int64(s, 1, id);
	int r = sqlite3_step(s);
	rc = r == SQLITE_ROW ? DS_OK : r == SQLITE_DONE ? DS_ENOTFOUND : sq_err(st, "user");
	if (!rc)
		read_user(s, u);
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_user_update(struct store *st, const struct store_user *u)
{
	sqlite3_stmt *s;
	enum ds_rc rc = sq_prepare(st,
				   "UPDATE user SET name = ?2, role = ?3, unit = ?4, pw_hash = ?5, "
				   "pw_changed_at = ?6, disabled = ?7 WHERE id = ?1",
				   &s);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, u->id);
	sq_bind_text(s, 2, u->name);
	sqlite3_bind_int(s, 3, u->role);
	sq_bind_text(s, 4, u->unit);
	sq_bind_text(s, 5, u->pw_hash);
	sqlite3_bind_int64(s, 6, u->pw_changed_at);
	sqlite3_bind_int(s, 7, u->disabled);
	rc = sqlite3_step(s) == SQLITE_DONE ? DS_OK : sq_err(st, "user");
	if (!rc && sqlite3_changes(SQ(st)->db) == 0)
		rc = DS_ENOTFOUND;
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc user_row(sqlite3_stmt *s, void *arg)
{
	struct sq_cb *c = arg;
	struct store_user u;
	read_user(s, &u);
	return ((enum ds_rc(*)(const struct store_user *, void *))c->fn)(&u, c->arg);
}

static enum ds_rc sq_each_user(struct store *st, enum ds_rc (*fn)(const struct store_user *, void *),
			       void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	return sq_each(st, "SELECT " USER_COLS "FROM user ORDER BY login", NULL, 0, user_row, &c);
}

static enum ds_rc sq_session_add(struct store *st, const struct store_session *x)
{
	sqlite3_stmt *s;
	enum ds_rc rc = sq_prepare(st,
				   "INSERT INTO session(hash, user_id, created_at, last_seen, revoked, token, "
				   "label, expires_at) VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7)",
				   &s);
	if (rc)
		return rc;
	sqlite3_bind_blob(s, 1, x->hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, x->user_id);
	sqlite3_bind_int64(s, 3, x->created_at);
	sqlite3_bind_int64(s, 4, x->last_seen);
	sqlite3_bind_int(s, 5, x->token);
	sq_bind_text(s, 6, x->label);
	sqlite3_bind_int64(s, 7, x->expires_at);
	rc = sqlite3_step(s) == SQLITE_DONE ? DS_OK : sq_err(st, "session");
	sqlite3_finalize(s);
	return rc;
}

#define SESSION_COLS "hash, user_id, created_at, last_seen, revoked, token, label, expires_at "

static void read_session(sqlite3_stmt *s, struct store_session *x)
{
	memset(x, 0, sizeof *x);
	if (sqlite3_column_bytes(s, 0) == 32)
		memcpy(x->hash, sqlite3_column_blob(s, 0), 32);
	x->user_id = sqlite3_column_int64(s, 1);
	x->created_at = sqlite3_column_int64(s, 2);
	x->last_seen = sqlite3_column_int64(s, 3);
	x->revoked = sqlite3_column_int(s, 4) != 0;
	x->token = sqlite3_column_int(s, 5) != 0;
	sq_col_text(s, 6, x->label, sizeof x->label);
	x->expires_at = sqlite3_column_int64(s, 7);
}

static enum ds_rc sq_session_get(struct store *st, const uint8_t hash[32], struct store_session *x)
{
	sqlite3_stmt *s;
	enum ds_rc rc = sq_prepare(st, "SELECT " SESSION_COLS "FROM session WHERE hash = ?1", &s);
	if (rc)
		return rc;
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
	int r = sqlite3_step(s);
	rc = r == SQLITE_ROW ? DS_OK : r == SQLITE_DONE ? DS_ENOTFOUND : sq_err(st, "session");
	if (!rc)
		read_session(s, x);
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc token_row(sqlite3_stmt *s, void *arg)
{
	struct sq_cb *c = arg;
	struct store_session x;
	read_session(s, &x);
	return ((enum ds_rc(*)(const struct store_session *, void *))c->fn)(&x, c->arg);
}

static enum ds_rc sq_each_token(struct store *st, int64_t user_id,
				enum ds_rc (*fn)(const struct store_session *, void *), void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	int64_t p[1] = {user_id};
	return sq_each(st,
		       "SELECT " SESSION_COLS "FROM session WHERE user_id = ?1 AND token = 1 "
		       "ORDER BY created_at DESC",
		       p, 1, token_row, &c);
}

static enum ds_rc sq_limit_put(struct store *st, const struct store_limit *l)
{
	sqlite3_stmt *s;
	enum ds_rc rc = sq_prepare(st,
				   l->failures ? "INSERT INTO login_limit(key, failures, last, until) "
						 "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(key) DO UPDATE SET "
						 "failures = ?2, last = ?3, until = ?4"
					       : "DELETE FROM login_limit WHERE key = ?1",
				   &s);
	if (rc)
		return rc;
	sq_bind_text(s, 1, l->key);
	if (l->failures) {
		sqlite3_bind_int(s, 2, l->failures);
		sqlite3_bind_int64(s, 3, l->last);
		sqlite3_bind_int64(s, 4, l->until);
	}
	rc = sqlite3_step(s) == SQLITE_DONE ? DS_OK : sq_err(st, "login limit");
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc limit_row(sqlite3_stmt *s, void *arg)
{
	struct sq_cb *c = arg;
	struct store_limit l = {0};
	sq_col_text(s, 0, l.key, sizeof l.key);
	l.failures = sqlite3_column_int(s, 1);
	l.last = sqlite3_column_int64(s, 2);
	l.until = sqlite3_column_int64(s, 3);
	return ((enum ds_rc(*)(const struct store_limit *, void *))c->fn)(&l, c->arg);
}

static enum ds_rc sq_each_limit(struct store *st, int64_t since,
				enum ds_rc (*fn)(const struct store_limit *, void *), void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	int64_t p[1] = {since};
	return sq_each(st, "SELECT key, failures, last, until FROM login_limit WHERE last >= ?1", p, 1,
		       limit_row, &c);
}

static enum ds_rc sq_session_touch(struct store *st, const uint8_t hash[32], int64_t when)
{
	sqlite3_stmt *s;
	enum ds_rc rc = sq_prepare(st, "UPDATE session SET last_seen = ?2 WHERE hash = ?1", &s);
	if (rc)
		return rc;
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, when);
	rc = sqlite3_step(s) == SQLITE_DONE ? DS_OK : sq_err(st, "session");
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_session_revoke(struct store *st, const uint8_t *hash, int64_t user_id,
				    bool tokens_too)
{
	sqlite3_stmt *s;
	enum ds_rc rc = sq_prepare(st,
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
	rc = sqlite3_step(s) == SQLITE_DONE ? DS_OK : sq_err(st, "session");
	sqlite3_finalize(s);
	return rc;
}

const struct store_acct_ops sq_acct = {
	.user_add = sq_user_add,
	.user_get = sq_user_get,
	.user_update = sq_user_update,
	.each_user = sq_each_user,
	.session_add = sq_session_add,
	.session_get = sq_session_get,
	.session_touch = sq_session_touch,
	.session_revoke = sq_session_revoke,
	.each_token = sq_each_token,
	.limit_put = sq_limit_put,
	.each_limit = sq_each_limit,
};
