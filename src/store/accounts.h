/*
 * The accounts contract: users, login sessions and API tokens.
 *
 * The store only keeps them: what a role may do is decided in api/.  A
 * password is kept as its argon2id string and a session or token as a hash
 * of its secret, never the secret itself.  Logins are unique
 * (DS_ECONFLICT); lookups answer DS_ENOTFOUND when there is nothing.  There
 * is no delete: a user is disabled, a session or token revoked.
 */
#ifndef DS_STORE_ACCOUNTS_H
#define DS_STORE_ACCOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "register/record.h"
#include "store/store.h"

enum store_role {
	ROLE_NONE = 0,
	ROLE_COLLABORATOR,
	ROLE_COMMUNE,
	ROLE_PROVINCE,
	ROLE_NATIONAL,
	ROLE_ADMIN,
	ROLE_COUNT
};

/* A role's name as the API and the audit log spell it ("collaborator"...), "" for none. */
const char *store_role_name(int role);

/* pw_changed_at of a password an administrator set (a new account's, a
 * reset's): its user must choose a new one before doing anything else. */
#define STORE_PW_SET_BY_ADMIN 0

struct store_user {
	int64_t id;
	char login[64];
	char name[REG_NAME_BYTES];
	int role;
	char unit[REG_UNIT_CODE_MAX + 1]; /* "" for national officers and administrators */
	char pw_hash[160];                 /* argon2id string */
	int64_t created_at, pw_changed_at; /* STORE_PW_SET_BY_ADMIN: not chosen by its user */
	bool disabled;
};

/* A login session or an API token: only a hash of the secret is stored. */
struct store_session {
	uint8_t hash[32];
	int64_t user_id;
	int64_t created_at, last_seen;
	bool revoked;
	bool token; /* an API token for a machine client */
	char label[64];
	int64_t expires_at; /* unix seconds; 0 for a browser session (the server's idle and
			       absolute limits end it) */
};

/* The failures of a login key (an account or an address), kept so that a
 * restart does not forget them. */
struct store_limit {
	char key[80];
	int failures;
	int64_t last, until; /* unix seconds */
};

/* Adds u and sets u->id. */
enum ds_rc store_user_add(struct store *st, struct store_user *u);
/* By login when login is not NULL, else by id. */
enum ds_rc store_user_get(struct store *st, const char *login, int64_t id, struct store_user *u);
/* Writes every field of u but its login and created_at over the user u->id. */
enum ds_rc store_user_update(struct store *st, const struct store_user *u);
/* In login order; fn returns DS_OK to go on. */
enum ds_rc store_each_user(struct store *st, enum ds_rc (*fn)(const struct store_user *, void *),
			   void *arg);

enum ds_rc store_session_add(struct store *st, const struct store_session *s);
enum ds_rc store_session_get(struct store *st, const uint8_t hash[32], struct store_session *s);
enum ds_rc store_session_touch(struct store *st, const uint8_t hash[32], int64_t when);
/* Revokes one session (hash), or every session of a user (hash NULL), and
 * with tokens_too also the user's API tokens. */
enum ds_rc store_session_revoke(struct store *st, const uint8_t *hash, int64_t user_id,
				bool tokens_too);
/* A user's API tokens, revoked ones too, newest first. */
enum ds_rc store_each_token(struct store *st, int64_t user_id,
			    enum ds_rc (*fn)(const struct store_session *, void *), void *arg);

/* Keeps a key's failures (failures 0 forgets the key). */
enum ds_rc store_limit_put(struct store *st, const struct store_limit *l);
/* Keys with a failure at or after since. */
enum ds_rc store_each_limit(struct store *st, int64_t since,
			    enum ds_rc (*fn)(const struct store_limit *, void *), void *arg);

#endif
