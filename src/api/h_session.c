/* Login, logout, the current user, password changes, API tokens. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "base/day.h"

static json_t *user_json(const struct api_user *u)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "login", u->login, "name", u->name, "role",
			 api_role_name(u->role), "unit", u->unit);
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
	if (api_login(c, login, pw)) {
		api_audit(c, "login", "user", login, "ok");
		api_json(c, 200, json_pack("{s:o, s:s}", "user", user_json(&c->user), "csrf", c->user.csrf));
	} else {
		struct api_ctx anon = *c;
		anon.authed = false;
		api_audit(&anon, "login", "user", login, c->rs->status == 429 ? "throttled" : "denied");
	}
	json_decref(b);
}

void h_logout(struct api_ctx *c)
{
	api_logout(c);
	api_audit(c, "logout", "user", c->user.login, "ok");
	api_json(c, 200, json_pack("{s:b}", "ok", 1));
}

void h_me(struct api_ctx *c)
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
	api_json(c, 200, o);
}

void h_password(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	const char *old = json_string_value(json_object_get(b, "old"));
	const char *pw = json_string_value(json_object_get(b, "new"));
	struct store_user u;
	bool vi = strcmp(c->lang, "vi") == 0;
	if (!old || !pw || store_user_get(c->st, NULL, c->user.id, &u) ||
	    !api_check_password(u.pw_hash, old)) {
		api_error(c, 403, "bad_credentials", vi ? "Mật khẩu cũ không đúng." : "The old password is wrong.",
			  "old");
	} else if (strlen(pw) < 10 || strlen(pw) > 200) {
		api_error(c, 422, "weak_password",
			  vi ? "Mật khẩu mới phải có từ 10 ký tự." : "The new password needs at least 10 characters.",
			  "new");
	} else if (api_hash_password(pw, u.pw_hash) == DS_OK) {
		u.pw_changed_at = (int64_t)time(NULL);
		if (store_user_update(c->st, &u) == DS_OK) {
			/* Every session ends, this one too: log in with the new password. */
			api_revoke_user_sessions(c->app, c->st, u.id, false);
			api_logout(c);
			api_audit(c, "password", "user", u.login, "ok");
			api_json(c, 200, json_pack("{s:b}", "ok", 1));
		} else {
			api_error(c, 503, "store", "the password could not be saved", NULL);
		}
	} else {
		api_error(c, 503, "internal", "the password could not be hashed", NULL);
	}
	json_decref(b);
}

void h_token_add(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	const char *label = json_string_value(json_object_get(b, "label"));
	char token[64];
	if (!label || !label[0] || strlen(label) > 60) {
		api_error(c, 400, "required", "give a label of at most 60 characters", "label");
	} else if (api_new_token(c, c->user.id, label, token) == DS_OK) {
		api_audit(c, "token", "user", c->user.login, "ok");
		api_json(c, 201, json_pack("{s:s, s:s}", "token", token, "label", label));
	} else {
		api_error(c, 503, "store", "the token could not be saved", NULL);
	}
	json_decref(b);
}
