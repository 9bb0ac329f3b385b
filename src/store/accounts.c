/* The accounts contract's calls (accounts.h): each goes to the backend's accounts table. */
#include "store/store_int.h"

#define ACCT(st) ((st)->be->acct)

const char *store_role_name(int role)
{
	static const char *const names[ROLE_COUNT] = {"", "collaborator", "commune", "province",
						      "national", "admin"};
	return role > 0 && role < ROLE_COUNT ? names[role] : "";
}

enum ds_rc store_user_add(struct store *st, struct store_user *u)
{
	return ACCT(st)->user_add(st, u);
}

enum ds_rc store_user_get(struct store *st, const char *login, int64_t id, struct store_user *u)
{
	return ACCT(st)->user_get(st, login, id, u);
}

enum ds_rc store_user_update(struct store *st, const struct store_user *u)
{
	return ACCT(st)->user_update(st, u);
}

enum ds_rc store_each_user(struct store *st, enum ds_rc (*fn)(const struct store_user *, void *),
			   void *arg)
{
	return ACCT(st)->each_user(st, fn, arg);
}

enum ds_rc store_session_add(struct store *st, const struct store_session *s)
{
	return ACCT(st)->session_add(st, s);
}

enum ds_rc store_session_get(struct store *st, const uint8_t hash[32], struct store_session *s)
{
	return ACCT(st)->session_get(st, hash, s);
}

enum ds_rc store_session_touch(struct store *st, const uint8_t hash[32], int64_t when)
{
	return ACCT(st)->session_touch(st, hash, when);
}

enum ds_rc store_session_revoke(struct store *st, const uint8_t *hash, int64_t user_id,
				bool tokens_too)
{
	return ACCT(st)->session_revoke(st, hash, user_id, tokens_too);
}

enum ds_rc store_each_token(struct store *st, int64_t user_id,
			    enum ds_rc (*fn)(const struct store_session *, void *), void *arg)
{
	return st->be->acct->each_token(st, user_id, fn, arg);
}

enum ds_rc store_limit_put(struct store *st, const struct store_limit *l)
{
	return st->be->acct->limit_put(st, l);
}

enum ds_rc store_each_limit(struct store *st, int64_t since,
			    enum ds_rc (*fn)(const struct store_limit *, void *), void *arg)
{
	return st->be->acct->each_limit(st, since, fn, arg);
}
