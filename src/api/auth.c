/*
 * Accounts and sessions: argon2id password hashes (libsodium), random
 * session tokens of which only a hash is stored, CSRF tokens bound to the
 * session, idle and absolute expiry, revocation, API tokens for machine
 * clients, and login throttling per account and per address.
 *
 * Sessions are cached in memory and re-read from the store at most every
 * few seconds, so a logout or password change on another server takes
 * effect within that time.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "base/day.h"
#include "base/asset.h"
#include "base/grow.h"
#include "base/text.h"

#define COOKIE "danso_session"
#define RECHECK_S 5
/* Wrong passwords tried before the delays start, per account and per
 * address (an office behind one address has many users). */
#define FREE_ACCOUNT 4
#define FREE_ADDRESS 19

struct api_session {
	uint8_t hash[32];
	int64_t user_id;
	int64_t created_at, last_seen, checked_at, expires_at;
	int64_t last_seen_stored; /* as the store had it at the last check */
	uint64_t epoch;           /* app->auth_epoch at the last check */
	bool revoked, token;
	struct api_user user;
};

/* Sessions cached at most; past it the cache starts again empty (every
 * session is read again once), so that no stream of tokens can grow it. */
#define SESSION_CACHE_MAX 50000
/* Unknown tokens an address may show before each next one waits. */
#define FREE_UNKNOWN_TOKENS 50


const char *api_role_name(int role)
{
	return store_role_name(role);
}

int api_role_parse(const char *s)
{
	for (int r = 1; r < ROLE_COUNT; r++)
		if (strcmp(store_role_name(r), s) == 0)
			return r;
	return ROLE_NONE;
}

bool api_role_allows(int role, enum api_perm perm)
{
	switch (perm) {
	case PERM_PUBLIC: return true;
	case PERM_USER: return role > ROLE_NONE;
	case PERM_READ: return role >= ROLE_COLLABORATOR && role <= ROLE_NATIONAL;
	case PERM_WRITE: return role == ROLE_COLLABORATOR || role == ROLE_COMMUNE;
	case PERM_OFFICER: return role >= ROLE_COMMUNE && role <= ROLE_NATIONAL;
	case PERM_PLANNER: return role == ROLE_PROVINCE || role == ROLE_NATIONAL;
	case PERM_ADMIN: return role == ROLE_ADMIN;
	default: return false;
	}
}

enum ds_rc api_hash_password(const char *pw, char out[160])
{
	if (sodium_init() < 0)
		return DS_EINTERNAL;
	if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return DS_ENOMEM;
	return DS_OK;
}

bool api_check_password(const char *hash, const char *pw)
{
	return hash[0] && crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

void api_random_password(char out[20])
{
	/* 18 characters from an alphabet without look-alikes: about 100 bits. */
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	if (sodium_init() < 0)
		abort();
	for (int i = 0; i < 18; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[18] = '\0';
}

static void token_hash(const char *token, uint8_t hash[32])
{
	crypto_generichash(hash, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static void csrf_of(const char *token, char out[65])
{
	uint8_t h[32];
	static const unsigned char key[] = "danso csrf token, bound to a session";
	crypto_generichash(h, 32, (const unsigned char *)token, strlen(token), key, sizeof key - 1);
	sodium_bin2hex(out, 65, h, 32);
}

static void new_secret(const char *prefix, char out[64])
{
	uint8_t raw[32];
	randombytes_buf(raw, sizeof raw);
	size_t n = strlen(prefix);
	memcpy(out, prefix, n);
	sodium_bin2base64(out + n, 64 - n, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* ---- the session cache ---- */

static struct api_session *cache_find(struct api_app *app, const uint8_t hash[32])
{
	int64_t i;
	return hmap_get(&app->sessions, hash, 32, &i) ? &app->sess[i] : NULL;
}

static struct api_session *cache_put(struct api_app *app, const struct api_session *s)
{
	struct api_session *old = cache_find(app, s->hash);
	if (old) {
		*old = *s;
		return old;
	}
	if (app->nsess >= SESSION_CACHE_MAX) {
		hmap_free(&app->sessions);
		app->nsess = 0;
	}
	if (!ds_grow(&app->sess, sizeof *app->sess, &app->sess_cap, app->nsess, 64))
		return NULL;
	if (hmap_put(&app->sessions, s->hash, 32, (int64_t)app->nsess, NULL, NULL))
		return NULL;
	app->sess[app->nsess] = *s;
	return &app->sess[app->nsess++];
}

/* The account as a user of the API: DS_OK, DS_ENOTFOUND (gone or
 * disabled), or the store's failure. */
static enum ds_rc read_user(struct store *st, int64_t id, struct api_user *u)
{
	struct store_user su;
	enum ds_rc rc = store_user_get(st, NULL, id, &su);
	if (rc)
		return rc;
	if (su.disabled)
		return DS_ENOTFOUND;
	u->id = su.id;
	snprintf(u->login, sizeof u->login, "%s", su.login);
	snprintf(u->name, sizeof u->name, "%s", su.name);
	u->role = su.role;
	snprintf(u->unit, sizeof u->unit, "%s", su.unit);
	u->must_change = su.pw_changed_at == STORE_PW_SET_BY_ADMIN;
	return DS_OK;
}

static bool load_user(struct store *st, int64_t id, struct api_user *u)
{
	return read_user(st, id, u) == DS_OK;
}

/* ---- session writes, run by the writer ---- */

/* What a revocation ends: one session (has_hash), or a user's sessions
 * (and API tokens too when tokens). */
struct api_revoke {
	bool has_hash;
	uint8_t hash[32];
	int64_t user_id;
	bool tokens;
};

struct touch {
	uint8_t hash[32];
	int64_t when;
};

static enum ds_rc touch_run(struct api_app *app, struct store *st, const struct api_user *user,
			    void *arg)
{
	(void)app;
	(void)user;
	struct touch *t = arg;
	return store_session_touch(st, t->hash, t->when);
}

enum ds_rc api_revoke_run(struct api_app *app, struct store *st, const struct api_user *user,
			  void *arg)
{
	(void)app;
	(void)user;
	const struct api_revoke *r = arg;
	return store_session_revoke(st, r->has_hash ? r->hash : NULL, r->user_id, r->tokens);
}

struct api_revoke *api_revoke_new(const uint8_t *hash, int64_t user_id, bool tokens)
{
	struct api_revoke *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	if (hash) {
		r->has_hash = true;
		memcpy(r->hash, hash, 32);
	}
	r->user_id = user_id;
	r->tokens = tokens;
	return r;
}

void api_revoke_cached(struct api_app *app, const struct api_revoke *r)
{
	pthread_mutex_lock(&app->slock);
	if (r->has_hash) {
		struct api_session *s = cache_find(app, r->hash);
		if (s)
			s->revoked = true;
	} else {
		for (size_t i = 0; i < app->nsess; i++)
			if (app->sess[i].user_id == r->user_id && (r->tokens || !app->sess[i].token))
				app->sess[i].revoked = true;
	}
	pthread_mutex_unlock(&app->slock);
}

enum ds_rc api_session_add_run(struct api_app *app, struct store *st, const struct api_user *user,
			       void *arg)
{
	(void)app;
	(void)user;
	struct api_new_session *n = arg;
	return store_session_add(st, &n->ss);
}

enum ds_rc api_account_run(struct api_app *app, struct store *st, const struct api_user *user,
			   void *arg)
{
	(void)app;
	struct api_account *a = arg;
	struct store_user old;
	enum ds_rc rc;
	if (a->add) {
		rc = store_user_get(st, a->u.login, 0, &old);
		if (rc == DS_OK) {
			a->outcome = DS_ECONFLICT;
			return DS_OK;
		}
		rc = rc == DS_ENOTFOUND ? store_user_add(st, &a->u) : rc;
	} else {
		rc = store_user_update(st, &a->u);
		rc = rc ? rc : store_session_revoke(st, NULL, a->u.id, a->revoke_tokens);
	}
	for (size_t i = 0; i < a->nactions && !rc; i++)
		rc = api_audit_now(st, user, a->actions[i], "user", a->u.login, "ok");
	return rc;
}

void api_account_cached(struct api_app *app, const struct api_account *a)
{
	if (a->add || a->outcome)
		return;
	struct api_revoke r = {.user_id = a->u.id, .tokens = a->revoke_tokens};
	api_revoke_cached(app, &r);
}

/* Re-reads a session and its user from the store: DS_OK, DS_ENOTFOUND
 * (no such session, revoked, or its account gone or disabled), or the
 * store's failure, which says nothing about the session. */
static enum ds_rc refresh(struct api_ctx *c, struct api_session *s)
{
	struct store_session ss;
	enum ds_rc rc = store_session_get(c->st, s->hash, &ss);
	if (!rc && ss.revoked)
		rc = DS_ENOTFOUND;
	if (!rc)
		rc = read_user(c->st, ss.user_id, &s->user);
	if (rc)
		return rc;
	s->revoked = false;
	s->token = ss.token;
	s->expires_at = ss.expires_at;
	s->created_at = ss.created_at;
	s->user_id = ss.user_id;
	s->last_seen_stored = ss.last_seen;
	return DS_OK;
}

bool api_authenticate(struct api_ctx *c)
{
	struct api_app *app = c->app;
	char token[128];
	bool bearer = false;
	const char *auth = http_header(c->rq, "Authorization");
	if (auth && strncmp(auth, "Bearer ", 7) == 0 &&
	    (size_t)snprintf(token, sizeof token, "%s", auth + 7) < sizeof token) {
		bearer = true;
	} else if (!http_cookie(c->rq, COOKIE, token, sizeof token)) {
		return false;
	}
	uint8_t hash[32];
	token_hash(token, hash);
	int64_t now = (int64_t)time(NULL);
	uint64_t epoch = __atomic_load_n(&app->auth_epoch, __ATOMIC_RELAXED);
	pthread_mutex_lock(&app->slock);
	struct api_session *s = cache_find(app, hash);
	struct api_session copy;
	bool known = s != NULL;
	if (s)
		copy = *s;
	pthread_mutex_unlock(&app->slock);
	char tkey[API_LIMIT_KEY];
	snprintf(tkey, sizeof tkey, "t:%s", api_client_ip(c));
	if (!known) {
		/* An address that keeps showing unknown tokens waits before the
		 * store is asked again. */
		if (api_limit_wait(app, tkey, now))
			return false;
		memset(&copy, 0, sizeof copy);
		memcpy(copy.hash, hash, 32);
		copy.last_seen = now;
	}
	if (!known || now - copy.checked_at >= RECHECK_S || copy.epoch != epoch) {
		enum ds_rc rc = refresh(c, &copy);
		/* A store that cannot answer says nothing about the session: it
		 * is neither cached as revoked nor accepted (the request gets
		 * 503 from the pipeline). */
		if (rc && rc != DS_ENOTFOUND)
			return false;
		if (rc && !known) {
			/* Unknown: not cached (that would let anyone fill the cache). */
			api_limit_fail(app, tkey, FREE_UNKNOWN_TOKENS, now);
			return false;
		}
		copy.checked_at = now;
		copy.epoch = epoch;
		copy.revoked = rc != DS_OK;
		if (!rc && !known)
			copy.last_seen = copy.last_seen_stored;
	}
	bool valid = !copy.revoked && copy.token == bearer &&
		     (!copy.expires_at || now < copy.expires_at);
	if (valid && !copy.token) {
		valid = now - copy.last_seen <= app->cfg.session_idle_s &&
			now - copy.created_at <= app->cfg.session_max_s;
		struct api_revoke *r = valid ? NULL : api_revoke_new(hash, 0, false);
		if (r) /* expired: it may not come back */
			api_write_later(app, NULL, api_revoke_run, r, free);
	}
	if (valid) {
		/* last_seen is kept in memory and written back now and then. */
		struct touch *t = now - copy.last_seen >= 60 ? malloc(sizeof *t) : NULL;
		if (t) {
			memcpy(t->hash, hash, 32);
			t->when = now;
			api_write_later(app, NULL, touch_run, t, free);
		}
		copy.last_seen = now;
	}
	pthread_mutex_lock(&app->slock);
	cache_put(app, &copy);
	pthread_mutex_unlock(&app->slock);
	if (!valid)
		return false;
	c->user = copy.user;
	c->user.token = copy.token;
	memcpy(c->user.session, hash, 32);
	if (!copy.token)
		csrf_of(token, c->user.csrf);
	c->authed = true;
	return true;
}

/* ---- login and logout ---- */

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[160];

static void make_dummy(void)
{
	char pw[20];
	api_random_password(pw);
	if (api_hash_password(pw, dummy_hash))
		dummy_hash[0] = '\0';
}

static void set_cookie(struct api_ctx *c, const char *value, bool clear)
{
	char cookie[256];
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", COOKIE, value,
		 c->rq->tls ? "; Secure" : "", clear ? "; Max-Age=0" : "");
	http_add_header(c->rs, "Set-Cookie", cookie);
}

/*
 * A refused login in the audit log.  The login is written only when it is
 * an account's: what was typed in the field may be a password.
 */
static void login_refused(struct api_ctx *c, const char *login, bool account, const char *outcome)
{
	struct api_ctx anon = *c;
	anon.authed = false;
	api_audit(&anon, "login", "user", account ? login : "-", outcome);
}

bool api_login(struct api_ctx *c, const char *login, const char *password, api_done_fn done)
{
	struct api_app *app = c->app;
	int64_t now = (int64_t)time(NULL);
	char ukey[API_LIMIT_KEY], akey[API_LIMIT_KEY];
	snprintf(ukey, sizeof ukey, "u:%s", login);
	snprintf(akey, sizeof akey, "a:%s", api_client_ip(c));
	int64_t wait = api_limit_wait(app, ukey, now);
	int64_t wait2 = api_limit_wait(app, akey, now);
	if (wait2 > wait)
		wait = wait2;
	if (wait) {
		char retry[24];
		snprintf(retry, sizeof retry, "%lld", (long long)wait);
		http_add_header(c->rs, "Retry-After", retry);
		api_error(c, 429, "throttled",
			  strcmp(c->lang, "vi") == 0
				  ? "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút."
				  : "Too many failed logins. Try again in a few minutes.",
			  NULL);
		struct store_user who;
		login_refused(c, login, store_user_get(c->st, login, 0, &who) == DS_OK, "throttled");
		return false;
	}
	struct store_user u;
	enum ds_rc rc = store_user_get(c->st, login, 0, &u);
	if (rc && rc != DS_ENOTFOUND) {
		/* The database did not answer: nothing is known of the password,
		 * so nothing counts against the account or the address. */
		api_error(c, 503, "store", "the database cannot be reached; try again", NULL);
		return false;
	}
	/* The same work whether or not the account exists or is disabled. */
	if (rc)
		pthread_once(&dummy_once, make_dummy);
	bool ok = api_check_password(rc ? dummy_hash : u.pw_hash, password) && !rc && !u.disabled;
	if (!ok) {
		api_limit_fail(app, ukey, FREE_ACCOUNT, now);
		api_limit_fail(app, akey, FREE_ADDRESS, now);
		api_limits_keep(app, ukey);
		api_limits_keep(app, akey);
		api_error(c, 401, "bad_credentials",
			  strcmp(c->lang, "vi") == 0 ? "Tên đăng nhập hoặc mật khẩu không đúng."
						     : "Wrong login or password.",
			  NULL);
		login_refused(c, login, rc == DS_OK, "denied");
		return false;
	}
	api_limit_clear(app, ukey);
	api_limits_keep(app, ukey);
	struct api_new_session *n = calloc(1, sizeof *n);
	if (!n) {
		api_error(c, 503, "memory", "out of memory", NULL);
		return false;
	}
	new_secret("", n->token);
	n->ss = (struct store_session){.user_id = u.id, .created_at = now, .last_seen = now};
	token_hash(n->token, n->ss.hash);
	if (!api_write(c, api_session_add_run, done, n)) {
		free(n);
		api_error(c, 503, "stopping", "the server is stopping; try again", NULL);
		return false;
	}
	return true;
}

void api_login_finish(struct api_ctx *c, const struct api_new_session *n)
{
	set_cookie(c, n->token, false);
	c->authed = load_user(c->st, n->ss.user_id, &c->user);
	memcpy(c->user.session, n->ss.hash, 32);
	csrf_of(n->token, c->user.csrf);
}

void api_logout_finish(struct api_ctx *c, const struct api_revoke *r)
{
	api_revoke_cached(c->app, r);
	set_cookie(c, "", true);
}

struct api_new_session *api_token_new(int64_t user_id, const char *label, int days)
{
	struct api_new_session *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	new_secret("dso_", n->token);
	int64_t now = (int64_t)time(NULL);
	n->ss = (struct store_session){.user_id = user_id, .created_at = now, .last_seen = now,
				       .token = true, .expires_at = now + (int64_t)days * 86400};
	snprintf(n->ss.label, sizeof n->ss.label, "%s", label);
	token_hash(n->token, n->ss.hash);
	return n;
}

void api_token_id(const uint8_t hash[32], char out[17])
{
	sodium_bin2hex(out, 17, hash, 8);
}

const char *api_role_unit_fault(const struct reg_units *units, int role, const char *unit)
{
	if (role <= ROLE_NONE || role >= ROLE_COUNT)
		return "role";
	enum reg_level want = role == ROLE_COLLABORATOR ? LVL_AREA
			      : role == ROLE_COMMUNE    ? LVL_COMMUNE
			      : role == ROLE_PROVINCE   ? LVL_PROVINCE
							: LVL_NONE;
	if (want == LVL_NONE)
		return unit[0] ? "unit" : NULL;
	const struct reg_unit *u = reg_units_at(units, unit, day_today());
	return u && u->level == want ? NULL : "unit";
}

/* ---- password policy ---- */

/* True when folded pw is one character repeated, or one run of counting up
 * or down ("1234567890", "abcdefghij", "9876543210"). */
static bool trivial(const char *pw)
{
	size_t n = strlen(pw);
	bool same = true, up = true, down = true;
	for (size_t i = 1; i < n; i++) {
		same = same && pw[i] == pw[0];
		up = up && pw[i] == pw[i - 1] + 1;
		down = down && pw[i] == pw[i - 1] - 1;
	}
	return same || up || down;
}

/* True when folded pw is on the list of common passwords (data/). */
static bool common(const char *pw)
{
	size_t len;
	const char *list = (const char *)asset_get("data/common-passwords.csv", &len);
	size_t n = strlen(pw);
	for (const char *p = list, *end = list ? list + len : NULL; p && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char word[64];
		if (l < sizeof word && txt_fold(p, l, word, sizeof word) == DS_OK && strcmp(word, pw) == 0 &&
		    strlen(word) == n)
			return true;
		p = nl ? nl + 1 : end;
	}
	return false;
}

/* True when folded pw contains the login or a word of 3 letters or more of the name. */
static bool personal_word(const char *pw, const struct store_user *u)
{
	char folded[REG_NAME_BYTES];
	if (txt_fold(u->login, strlen(u->login), folded, sizeof folded) == DS_OK && strlen(folded) >= 3 &&
	    strstr(pw, folded))
		return true;
	if (txt_fold(u->name, strlen(u->name), folded, sizeof folded) != DS_OK)
		return false;
	for (char *save = NULL, *w = strtok_r(folded, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (strlen(w) >= 3 && strstr(pw, w))
			return true;
	return false;
}

const char *api_weak_password(const char *pw, const struct store_user *u)
{
	size_t n = strlen(pw);
	if (n < 10 || n > 200)
		return "length";
	char folded[256];
	if (txt_fold(pw, n, folded, sizeof folded) != DS_OK)
		return "text";
	/* Folded: without case, diacritics or spaces ("Mật Khẩu 123" is "matkhau123"). */
	char squeezed[256];
	size_t k = 0;
	for (const char *p = folded; *p && k + 1 < sizeof squeezed; p++)
		if (*p != ' ')
			squeezed[k++] = *p;
	squeezed[k] = '\0';
	if (trivial(squeezed) || common(squeezed))
		return "common";
	if (personal_word(squeezed, u))
		return "personal";
	return NULL;
}

/* ---- scope ---- */

bool api_user_covers(struct api_app *app, const struct api_user *u, const char *area)
{
	if (u->role == ROLE_NATIONAL)
		return true;
	if (u->role == ROLE_ADMIN || u->role == ROLE_NONE || !u->unit[0] || !area || !area[0])
		return false;
	const struct eng_view *v = engine_read(app->engine);
	bool in = reg_units_within(eng_units(v), area, u->unit, day_today());
	engine_read_end(v);
	return in;
}

bool api_in_scope(struct api_ctx *c, const char *area)
{
	return c->authed && api_user_covers(c->app, &c->user, area);
}

char *api_scope_areas(struct api_ctx *c)
{
	if (c->user.role == ROLE_NATIONAL)
		return NULL;
	const struct eng_view *v = engine_read(c->app->engine);
	char **codes = NULL;
	size_t n = 0;
	json_t *a = json_array();
	if (c->user.role != ROLE_ADMIN && c->user.unit[0] &&
	    engine_units_under(v, c->user.unit, LVL_AREA, day_today(), &codes, &n) == DS_OK) {
		for (size_t i = 0; i < n; i++) {
			json_array_append_new(a, json_string(codes[i]));
			free(codes[i]);
		}
		free(codes);
	}
	/* A collaborator's unit is an area itself. */
	const struct reg_unit *u =
		c->user.unit[0] ? reg_units_at(eng_units(v), c->user.unit, day_today()) : NULL;
	if (u && u->level == LVL_AREA)
		json_array_append_new(a, json_string(u->code));
	engine_read_end(v);
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}
