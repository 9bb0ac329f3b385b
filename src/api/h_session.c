/* Login, logout, the current user, password changes, API tokens. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "base/day.h"

static json_t *user_json(const struct api_user *u)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b}", "login", u->login, "name", u->name, "role",
			 api_role_name(u->role), "unit", u->unit, "must_change_password", u->must_change);
}

static void store_failed(struct api_ctx *c, const char *what)
{
	char msg[120];
	snprintf(msg, sizeof msg, "%s could not be saved; try again", what);
	api_error(c, 503, "store", msg, NULL);
}

static json_t *me_json(struct api_ctx *c);

static void login_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct api_new_session *n = arg;
	if (rc) {
		store_failed(c, "the session");
	} else {
		api_login_finish(c, n);
		api_audit(c, "login", "user", c->user.login, "ok");
		api_json(c, 200, me_json(c));
	}
	free(n);
}

void h_login(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	const char *login = json_string_value(json_object_get(b, "login"));
	const char *pw = json_string_value(json_object_get(b, "password"));
	if (!login || !pw || !login[0] || strlen(login) > 63 || strlen(pw) > 256) {
		api_error(c, 400, "required",
			  strcmp(c->lang, "vi") == 0 ? "Hãy nhập tên đăng nhập và mật khẩu."
						     : "Give a login and a password.",
			  !login || !login[0] ? "login" : "password");
		json_decref(b);
		return;
	}
	api_login(c, login, pw, login_done); /* a refusal is audited there */
	json_decref(b);
}

static void logout_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	if (rc) {
		store_failed(c, "the logout");
	} else {
		api_logout_finish(c, arg);
		api_audit(c, "logout", "user", c->user.login, "ok");
		api_json(c, 200, json_pack("{s:b}", "ok", 1));
	}
	free(arg);
}

void h_logout(struct api_ctx *c)
{
	api_write_block(c, api_revoke_run, logout_done, api_revoke_new(c->user.session, 0, false));
}

struct changes {
	const char *login;
	json_t *out;
};

static enum ds_rc add_change(const struct store_audit *a, void *arg)
{
	struct changes *ch = arg;
	if (strcmp(a->login, ch->login) == 0 || json_array_size(ch->out) >= 20)
		return DS_OK;
	char when[32];
	time_t t = (time_t)a->at;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_array_append_new(ch->out, json_pack("{s:s, s:s, s:s, s:s}", "at", when, "by", a->login,
						 "action", a->action, "outcome", a->outcome));
	return DS_OK;
}

/* What the interface needs of its user: the account, the session's CSRF
 * token, the server's date, the unit by name and what others did to the
 * account.  The login answers it too, so a phone on a slow link starts
 * without a second round trip (issue 15). */
static json_t *me_json(struct api_ctx *c)
{
	/* "today" is the server's date (forms refuse later dates by it). */
	char today[11];
	day_format(day_today(), today);
	json_t *o = json_pack("{s:o, s:s, s:s}", "user", user_json(&c->user), "csrf", c->user.csrf,
			      "today", today);
	const struct reg_unit *u = NULL;
	const struct eng_view *v = engine_read(c->app->engine);
	if (c->user.unit[0])
		u = reg_units_resolve(eng_units(v), c->user.unit, day_today());
	if (u)
		json_object_set_new(o, "unit", json_pack("{s:s, s:s, s:s}", "code", u->code, "name", u->name,
							 "level", reg_level_name(u->level)));
	engine_read_end(v);
	/* What others did to this account (an administrator's changes and
	 * resets, refused logins), newest first: nobody acts on an account
	 * unseen by its user. */
	struct changes ch = {c->user.login, json_array()};
	store_audit_list(c->st, "user", c->user.login, 0, 200, add_change, &ch);
	json_object_set_new(o, "account_changes", ch.out);
	return o;
}

void h_me(struct api_ctx *c)
{
	api_json(c, 200, me_json(c));
}

static void password_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct api_account *a = arg;
	if (rc) {
		store_failed(c, "the password");
	} else {
		/* Every session ends, this one too: log in with the new password. */
		api_account_cached(c->app, a);
		struct api_revoke *mine = api_revoke_new(c->user.session, 0, false);
		if (mine)
			api_logout_finish(c, mine);
		free(mine);
		api_json(c, 200, json_pack("{s:b}", "ok", 1));
	}
	free(a);
}

void h_password(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	const char *old = json_string_value(json_object_get(b, "old"));
	const char *pw = json_string_value(json_object_get(b, "new"));
	struct api_account *a = calloc(1, sizeof *a);
	bool vi = strcmp(c->lang, "vi") == 0;
	/* Wrong old passwords count as wrong logins: a stolen session cannot
	 * guess its way to the account. */
	char key[API_LIMIT_KEY];
	snprintf(key, sizeof key, "u:%s", c->user.login);
	int64_t now = (int64_t)time(NULL), wait = api_limit_wait(c->app, key, now);
	const char *weak = NULL;
	if (!a) {
		api_error(c, 503, "memory", "out of memory", NULL);
	} else if (wait) {
		char retry[24];
		snprintf(retry, sizeof retry, "%lld", (long long)wait);
		http_add_header(c->rs, "Retry-After", retry);
		api_error(c, 429, "throttled", vi ? "Nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút."
						   : "Too many wrong passwords. Try again in a few minutes.",
			  "old");
	} else if (!old || !pw || store_user_get(c->st, NULL, c->user.id, &a->u) ||
		   !api_check_password(a->u.pw_hash, old)) {
		api_limit_fail(c->app, key, 4, now);
		api_limits_keep(c->app, key);
		api_error(c, 403, "bad_credentials", vi ? "Mật khẩu cũ không đúng." : "The old password is wrong.",
			  "old");
	} else if ((weak = api_weak_password(pw, &a->u))) {
		bool len = strcmp(weak, "length") == 0, mine = strcmp(weak, "personal") == 0;
		api_error(c, 422, "weak_password",
			  len    ? (vi ? "Mật khẩu mới phải có từ 10 đến 200 ký tự."
				       : "The new password needs 10 to 200 characters.")
			  : mine ? (vi ? "Mật khẩu mới không được chứa tên đăng nhập hay tên của bạn."
				       : "The new password may not hold your login or your name.")
				 : (vi ? "Mật khẩu này quá dễ đoán (ai cũng dùng). Hãy chọn một câu dài hơn."
				       : "This password is too easy to guess. Choose a longer phrase."),
			  "new");
	} else if (api_check_password(a->u.pw_hash, pw)) {
		api_error(c, 422, "same_password",
			  vi ? "Mật khẩu mới phải khác mật khẩu cũ." : "The new password must differ from the old one.",
			  "new");
	} else if (api_hash_password(pw, a->u.pw_hash) == DS_OK) {
		a->u.pw_changed_at = (int64_t)time(NULL);
		a->actions[a->nactions++] = "password";
		a->revoke_tokens = true; /* a new password ends the API tokens too */
		api_write_block(c, api_account_run, password_done, a);
		a = NULL; /* the writer's, or freed */
	} else {
		api_error(c, 503, "internal", "the password could not be hashed", NULL);
	}
	free(a);
	json_decref(b);
}

static void token_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct api_new_session *n = arg;
	if (rc) {
		store_failed(c, "the token");
	} else {
		api_audit(c, "token", "user", c->user.login, "ok");
		api_json(c, 201, json_pack("{s:s, s:s}", "token", n->token, "label", n->ss.label));
	}
	free(n);
}

void h_token_add(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	const char *label = json_string_value(json_object_get(b, "label"));
	json_t *d = json_object_get(b, "days");
	json_int_t days = d ? json_integer_value(d) : 90;
	bool vi = strcmp(c->lang, "vi") == 0;
	if (!label || !label[0] || strlen(label) > 60)
		api_error(c, 400, "required",
			  vi ? "Hãy đặt tên gọi cho mã, không quá 60 ký tự." : "Give a label of at most 60 characters.",
			  "label");
	else if ((d && !json_is_integer(d)) || days < 1 || days > 365)
		api_error(c, 422, "bad_value",
			  vi ? "Số ngày hiệu lực từ 1 đến 365." : "Days valid: 1 to 365.", "days");
	else
		api_write_block(c, api_session_add_run, token_done,
				api_token_new(c->user.id, label, (int)days));
	json_decref(b);
}

static json_t *when(int64_t t)
{
	char s[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return t ? json_string(s) : json_null();
}

static enum ds_rc add_token(const struct store_session *s, void *arg)
{
	char id[17];
	api_token_id(s->hash, id);
	json_array_append_new(arg, json_pack("{s:s, s:s, s:o, s:o, s:o, s:b}", "id", id, "label", s->label,
					     "created_at", when(s->created_at), "last_used",
					     when(s->last_seen), "expires_at", when(s->expires_at),
					     "revoked", s->revoked));
	return DS_OK;
}

void h_tokens(struct api_ctx *c)
{
	json_t *arr = json_array();
	if (store_each_token(c->st, c->user.id, add_token, arr)) {
		json_decref(arr);
		api_error(c, 503, "store", "the tokens could not be read", NULL);
		return;
	}
	api_json(c, 200, json_pack("{s:o}", "tokens", arr));
}

struct find_token {
	const char *id;
	bool found;
	uint8_t hash[32];
};

static enum ds_rc match_token(const struct store_session *s, void *arg)
{
	struct find_token *f = arg;
	char id[17];
	api_token_id(s->hash, id);
	if (strcmp(id, f->id) == 0 && !s->revoked) {
		f->found = true;
		memcpy(f->hash, s->hash, 32);
	}
	return DS_OK;
}

static void token_revoked(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	if (rc) {
		store_failed(c, "the revocation");
	} else {
		api_revoke_cached(c->app, arg);
		api_audit(c, "revoke_token", "user", c->user.login, "ok");
		api_json(c, 200, json_pack("{s:b}", "ok", 1));
	}
	free(arg);
}

void h_token_revoke(struct api_ctx *c)
{
	struct find_token f = {.id = c->params[0]};
	if (store_each_token(c->st, c->user.id, match_token, &f)) {
		api_error(c, 503, "store", "the tokens could not be read", NULL);
		return;
	}
	if (!f.found) {
		api_error(c, 404, "not_found", strcmp(c->lang, "vi") == 0 ? "Không tìm thấy." : "No such token.",
			  "id");
		return;
	}
	api_write_block(c, api_revoke_run, token_revoked, api_revoke_new(f.hash, 0, false));
}
