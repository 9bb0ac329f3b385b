/* Accounts and the audit log (administrators), and the web UI's files. */
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "base/asset.h"
#include "base/day.h"

static enum ds_rc add_user(const struct store_user *u, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:s, s:b, s:I}", "login", u->login, "name",
					     u->name, "role", api_role_name(u->role), "unit", u->unit,
					     "disabled", u->disabled, "created_at",
					     (json_int_t)u->created_at));
	return DS_OK;
}

void h_users(struct api_ctx *c)
{
	json_t *arr = json_array();
	if (store_each_user(c->st, add_user, arr)) {
		json_decref(arr);
		api_error(c, 503, "store", "the accounts could not be read", NULL);
		return;
	}
	api_json(c, 200, arr);
}

/* Role and unit must fit: a collaborator has an area, an officer a commune
 * or province, national officers and administrators none. */
static const char *check_role_unit(struct api_ctx *c, int role, const char *unit)
{
	const struct eng_view *v = engine_read(c->app->engine);
	const char *bad = api_role_unit_fault(eng_units(v), role, unit);
	engine_read_end(v);
	return bad;
}

static void user_add_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct api_account *a = arg;
	if (rc)
		api_error(c, 503, "store", "the account could not be saved", NULL);
	else if (a->outcome == DS_ECONFLICT)
		api_error(c, 409, "duplicate_id", ds_why_en(W_DUP_ID), "login");
	else
		api_json(c, 201, json_pack("{s:s, s:s, s:b}", "login", a->u.login, "password", a->password,
					   "must_change_password", 1));
	free(a);
}

/* What an administrator may not do over the API: make or change a
 * national officer's or another administrator's account (the server's
 * operator does, with danso user).  Such an account can read the whole
 * country, and an administrator could otherwise give it to themself. */
static bool beyond_admin(int role)
{
	return role == ROLE_NATIONAL || role == ROLE_ADMIN;
}

static void admin_limit(struct api_ctx *c, const char *field)
{
	api_error(c, 403, "admin_limit",
		  strcmp(c->lang, "vi") == 0
			  ? "Tài khoản cán bộ trung ương và quản trị viên chỉ được tạo hoặc sửa trên máy chủ "
			    "(lệnh danso user)."
			  : "National officers' and administrators' accounts are made and changed on the "
			    "server (danso user).",
		  field);
}

void h_user_add(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	const char *login = json_string_value(json_object_get(b, "login"));
	const char *name = json_string_value(json_object_get(b, "name"));
	const char *role = json_string_value(json_object_get(b, "role"));
	const char *unit = json_string_value(json_object_get(b, "unit"));
	struct api_account *a = calloc(1, sizeof *a);
	if (!a) {
		json_decref(b);
		api_error(c, 503, "memory", "out of memory", NULL);
		return;
	}
	struct store_user *u = &a->u;
	const char *bad = NULL;
	if (!login || reg_parse_id(login, strlen(login), u->login) != W_NONE)
		bad = "login";
	else if (!name || reg_parse_text(name, strlen(name), REG_NAME_CHARS, true, u->name, sizeof u->name))
		bad = "name";
	else if (!(u->role = role ? api_role_parse(role) : 0))
		bad = "role";
	else {
		snprintf(u->unit, sizeof u->unit, "%s", unit ? unit : "");
		bad = check_role_unit(c, u->role, u->unit);
	}
	json_decref(b);
	if (bad) {
		api_error(c, 422, "bad_value", "login, name, role (collaborator, commune, province, "
					       "national, admin) and a unit of the role's level",
			  bad);
		free(a);
		return;
	}
	if (beyond_admin(u->role)) {
		admin_limit(c, "role");
		free(a);
		return;
	}
	a->add = true;
	a->actions[a->nactions++] = "create";
	api_random_password(a->password);
	u->created_at = (int64_t)time(NULL);
	u->pw_changed_at = STORE_PW_SET_BY_ADMIN; /* its user chooses one at the first login */
	if (api_hash_password(a->password, u->pw_hash)) {
		api_error(c, 503, "store", "the account could not be saved", NULL);
		free(a);
		return;
	}
	api_write_block(c, api_account_run, user_add_done, a);
}

static void user_update_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct api_account *a = arg;
	if (rc) {
		api_error(c, 503, "store", "the account could not be saved", NULL);
	} else {
		api_account_cached(c->app, a);
		json_t *o = json_pack("{s:s}", "login", a->u.login);
		if (a->password[0])
			json_object_set_new(o, "password", json_string(a->password));
		api_json(c, 200, o);
	}
	free(a);
}

/* Applies the body's changes to u and names them in a->actions; the
 * member at fault, or NULL. */
static const char *user_changes(struct api_ctx *c, json_t *b, struct api_account *a)
{
	struct store_user *u = &a->u, was = a->u;
	json_t *v;
	if ((v = json_object_get(b, "name")) &&
	    (!json_is_string(v) || reg_parse_text(json_string_value(v), json_string_length(v),
						  REG_NAME_CHARS, true, u->name, sizeof u->name)))
		return "name";
	if ((v = json_object_get(b, "role")) &&
	    !(json_is_string(v) && (u->role = api_role_parse(json_string_value(v)))))
		return "role";
	if ((v = json_object_get(b, "unit"))) {
		if (!json_is_string(v) || json_string_length(v) > REG_UNIT_CODE_MAX)
			return "unit";
		snprintf(u->unit, sizeof u->unit, "%s", json_string_value(v));
	}
	const char *bad = check_role_unit(c, u->role, u->unit);
	if (bad)
		return bad;
	if ((v = json_object_get(b, "disabled")))
		u->disabled = json_is_true(v);
	if (json_is_true(json_object_get(b, "reset_password"))) {
		api_random_password(a->password);
		if (api_hash_password(a->password, u->pw_hash))
			return "reset_password";
		u->pw_changed_at = STORE_PW_SET_BY_ADMIN; /* its user chooses a new one first */
		a->actions[a->nactions++] = "reset_password";
	}
	if (strcmp(was.name, u->name) != 0)
		a->actions[a->nactions++] = "change_name";
	if (was.role != u->role)
		a->actions[a->nactions++] = "change_role";
	if (strcmp(was.unit, u->unit) != 0)
		a->actions[a->nactions++] = "change_unit";
	if (was.disabled != u->disabled)
		a->actions[a->nactions++] = u->disabled ? "disable" : "enable";
	return NULL;
}

/* Beyond an administrator: a national or administrator account changed in
 * any way but disabled (a compromised account is stopped at once), or an
 * account given such a role. */
static bool update_beyond_admin(const struct store_user *was, json_t *b)
{
	const char *role = json_string_value(json_object_get(b, "role"));
	if (role && beyond_admin(api_role_parse(role)))
		return true;
	if (!beyond_admin(was->role))
		return false;
	const char *k;
	json_t *v;
	json_object_foreach(b, k, v)
	{
		if (strcmp(k, "disabled") != 0 && !(strcmp(k, "role") == 0 && json_is_string(v) &&
						    api_role_parse(json_string_value(v)) == was->role))
			return true;
	}
	return !json_is_true(json_object_get(b, "disabled"));
}

void h_user_update(struct api_ctx *c)
{
	struct api_account *a = calloc(1, sizeof *a);
	if (!a) {
		api_error(c, 503, "memory", "out of memory", NULL);
		return;
	}
	if (store_user_get(c->st, c->params[0], 0, &a->u)) {
		free(a);
		api_error(c, 404, "not_found", "no such account", "login");
		return;
	}
	json_t *b = api_body(c);
	if (!b) {
		free(a);
		return;
	}
	if (update_beyond_admin(&a->u, b)) {
		json_decref(b);
		free(a);
		admin_limit(c, "role");
		return;
	}
	const char *bad = user_changes(c, b, a);
	json_decref(b);
	if (bad) {
		free(a);
		api_error(c, 422, "bad_value",
			  strcmp(c->lang, "vi") == 0 ? "Giá trị không hợp lệ." : "A field has a wrong value.", bad);
		return;
	}
	/* A new password, a new role or unit, or a disabled account: every
	 * session ends; a disabled account's or a reset password's API tokens
	 * too. */
	a->revoke_tokens = a->u.disabled || a->password[0];
	api_write_block(c, api_account_run, user_update_done, a);
}

static enum ds_rc add_audit(const struct store_audit *a, void *arg)
{
	char when[32];
	time_t t = (time_t)a->at;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "seq",
					     (json_int_t)a->seq, "at", when, "login", a->login, "role",
					     api_role_name(a->role), "unit", a->unit, "action", a->action,
					     "object", a->object, "id", a->object_id, "outcome",
					     a->outcome));
	return DS_OK;
}

void h_audit(struct api_ctx *c)
{
	char object[16], id[40], pg[12];
	int page = 1;
	bool has_obj = api_query(c, "object", object, sizeof object) != NULL;
	bool has_id = api_query(c, "id", id, sizeof id) != NULL;
	if (api_query(c, "page", pg, sizeof pg))
		reg_parse_small(pg, strlen(pg), 1, 100000, &page);
	json_t *arr = json_array();
	if (store_audit_list(c->st, has_obj ? object : NULL, has_obj && has_id ? id : NULL,
			     (size_t)(page - 1) * 100, 100, add_audit, arr)) {
		json_decref(arr);
		api_error(c, 503, "store", "the audit log could not be read", NULL);
		return;
	}
	api_json(c, 200, json_pack("{s:o, s:i}", "entries", arr, "page", page));
}

static const char *content_type(const char *path)
{
	static const char *const types[][2] = {
		{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
		{".json", "application/json"},         {".png", "image/png"},
		{".webmanifest", "application/manifest+json"}};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

void h_static(struct api_ctx *c)
{
	char path[128];
	/* The service worker is served from the root so that its scope is the whole site. */
	const char *name = strcmp(c->rq->path, "/") == 0       ? "index.html"
			   : strcmp(c->rq->path, "/sw.js") == 0 ? "sw.js"
								: c->params[0];
	if (strstr(name, "..") || snprintf(path, sizeof path, "web/%s", name) >= (int)sizeof path) {
		api_error(c, 404, "not_found", "no such file", NULL);
		return;
	}
	size_t len;
	const unsigned char *data = asset_get(path, &len);
	if (!data) {
		api_error(c, 404, "not_found", "no such file", NULL);
		return;
	}
	/* The ETag is the content's hash: a client holding the same bytes gets
	 * 304 and no body.  The page and the service worker are checked on
	 * every load (no-cache), so that a new version shows at once; the
	 * other files are kept an hour, then checked the same way. */
	unsigned char hash[12];
	char hex[2 * sizeof hash + 1], etag[sizeof hex + 2];
	crypto_generichash(hash, sizeof hash, data, len, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	snprintf(etag, sizeof etag, "\"%s\"", hex);
	bool shell = strcmp(name, "index.html") == 0 || strcmp(name, "sw.js") == 0;
	c->rs->cache_control = shell ? "no-cache" : "public, max-age=3600";
	http_add_header(c->rs, "ETag", etag);
	const char *inm = http_header(c->rq, "If-None-Match");
	c->rs->content_type = content_type(path);
	if (inm && (strstr(inm, etag) || strcmp(inm, "*") == 0)) {
		c->rs->status = 304;
		return;
	}
	c->rs->status = 200;
	buf_append(&c->rs->body, data, len);
}

json_t *api_user_name(struct api_ctx *c, const char *login)
{
	struct store_user u;
	if (login && login[0] && store_user_get(c->st, login, 0, &u) == DS_OK && u.name[0])
		return json_string(u.name);
	return json_string(login ? login : "");
}

json_t *api_account_name(struct api_ctx *c, const char *login)
{
	struct store_user u;
	if (!login || !login[0] || store_user_get(c->st, login, 0, &u) != DS_OK)
		return json_null();
	return json_string(u.name[0] ? u.name : login);
}

void api_add_by_name(struct api_ctx *c, json_t *o)
{
	if (o)
		json_object_set_new(o, "by_name", api_user_name(c, json_string_value(json_object_get(o, "by"))));
}
