/*
 * libFuzzer target: the server's request-body JSON parsing (api_body in
 * src/api/routes.c: jansson with duplicate keys refused, then the depth and
 * string-length caps) and the route matcher that splits a request path into
 * the route's parameters.
 *
 * routes.c is compiled into this file so that its static helpers (the caps
 * check, the matcher) are reachable; the handlers and the rest of the server
 * it refers to are stubs, never called here.
 *
 * Checked on every input:
 *  - a refused body gets status 400 and an answer that is JSON
 *    {"error": {"code", "message", "field"}} with code json_syntax,
 *    duplicate_key or json_limits;
 *  - an accepted body is within the caps (depth <= 16, strings and keys
 *    <= the string cap), measured again here independently, and has no duplicate
 *    keys (jansson without the flag sees as many members);
 *  - the matcher never writes past its parameter buffers (ASan) and the
 *    parameters it gives are non-empty, without '/', and shorter than the
 *    buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/api/routes.c"

/* ---- stubs for what routes.c refers to outside base/ and register/ ---- */

#define STUB(name) \
	void name(struct api_ctx *c) { (void)c; __builtin_trap(); }
STUB(h_units)
STUB(h_codes)
STUB(h_forms)
STUB(h_person_search)
STUB(h_person_get)
STUB(h_person_history)
STUB(h_person_access)
STUB(h_household_list)
STUB(h_household_get)
STUB(h_event_get)
STUB(h_event_post)
STUB(h_event_batch)
STUB(h_report)
STUB(h_check)
STUB(h_quality)
STUB(h_worklist)
STUB(h_slip)
STUB(h_dashboard)
STUB(h_targets)
STUB(h_users)
STUB(h_user_add)
STUB(h_user_update)
STUB(h_token_add)
STUB(h_tokens)
STUB(h_token_revoke)
STUB(h_audit)
STUB(h_audit_search)
STUB(h_person_file)
STUB(h_person_deletion)
STUB(h_projection)
STUB(h_scenarios)
STUB(h_scenario_save)
STUB(h_cycle_submit)
STUB(h_cycle_approve)
STUB(h_cycle_return)
STUB(h_cycle_report)
STUB(h_cycle_timeliness)
STUB(h_cycle_rollup)
STUB(h_dhis2_export)
STUB(h_review)
STUB(h_review_mark)
STUB(h_query_add)
STUB(h_queries)
STUB(h_query_answer)
STUB(h_static)
STUB(h_login)
STUB(h_logout)
STUB(h_me)
STUB(h_password)

bool api_authenticate(struct api_ctx *c) { (void)c; __builtin_trap(); }
bool api_role_allows(int role, enum api_perm perm) { (void)role; (void)perm; __builtin_trap(); }
struct store *api_thread_store(struct api_app *app) { (void)app; __builtin_trap(); }
const char *http_query(const struct http_request *rq, const char *name, char *out, size_t outsz)
{
	(void)rq; (void)name; (void)out; (void)outsz;
	return NULL;
}
const char *http_header(const struct http_request *rq, const char *name)
{
	(void)rq; (void)name;
	return NULL;
}
void http_stats(struct http_server *s, struct http_stats *out) { (void)s; (void)out; __builtin_trap(); }
size_t engine_bytes(struct engine *e) { (void)e; __builtin_trap(); }
int64_t engine_persons(struct engine *e) { (void)e; __builtin_trap(); }
int64_t engine_last_seq(struct engine *e) { (void)e; __builtin_trap(); }
const struct api_user *api_job_user(const struct api_job *j) { (void)j; __builtin_trap(); }
const char *api_job_lang(const struct api_job *j) { (void)j; __builtin_trap(); }
void api_job_finish(struct api_ctx *c, struct api_job *j) { (void)c; (void)j; __builtin_trap(); }
/* The pipeline asks whether the database answers: it does, here. */
bool store_reachable(struct store *st, bool ping) { (void)st; (void)ping; return true; }
bool store_outage(void) { return false; }
/* Nothing is audited here: the handlers are stubs. */
void api_answer_audited(struct api_ctx *c) { (void)c; }
int64_t store_last_seq(struct store *st) { (void)st; __builtin_trap(); }
uint64_t store_reconnects(void) { __builtin_trap(); }
bool engine_broken(struct engine *e) { (void)e; return false; }
void http_add_header(struct http_response *rs, const char *name, const char *value)
{
	(void)rs; (void)name; (void)value;
}
void http_response_reset(struct http_response *rs) { (void)rs; __builtin_trap(); }

/* ---- the checks ---- */

static struct api_app app;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* The server's depth cap; a string cap the fuzzer's 4 KiB inputs can
	 * pass (the server's is 16 KiB; the check is the same code). */
	app.cfg.max_json_depth = 16;
	app.cfg.max_json_string = 200;
	return 0;
}

static size_t depth_of(json_t *v)
{
	size_t d = 0;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
		{
			if (strlen(k) > app.cfg.max_json_string)
				__builtin_trap(); /* a key over the cap was accepted */
			size_t e = depth_of(x);
			if (e > d)
				d = e;
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			size_t e = depth_of(x);
			if (e > d)
				d = e;
		}
	} else if (json_is_string(v) && json_string_length(v) > app.cfg.max_json_string) {
		__builtin_trap(); /* a string over the cap was accepted */
	}
	return d + 1;
}

static size_t members(json_t *v)
{
	size_t n = 0;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		n += json_object_size(v);
		json_object_foreach(v, k, x) n += members(x);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) n += members(x);
	}
	return n;
}

static void fuzz_body(const uint8_t *data, size_t size)
{
	struct http_request rq;
	memset(&rq, 0, sizeof rq);
	rq.body = (const char *)data;
	rq.body_len = size;
	struct http_response rs;
	memset(&rs, 0, sizeof rs);
	struct api_ctx c = {.app = &app, .rq = &rq, .rs = &rs, .lang = (size & 1) ? "en" : "vi"};
	json_t *v = api_body(&c);
	if (v) {
		if (rs.status != 0)
			__builtin_trap(); /* accepted, yet answered */
		if (depth_of(v) > app.cfg.max_json_depth)
			__builtin_trap(); /* nested deeper than the cap */
		/* Without duplicate keys, a plain parse sees the same members. */
		json_t *again = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
		if (!again || members(again) != members(v))
			__builtin_trap();
		json_decref(again);
		json_decref(v);
	} else {
		if (rs.status != 400)
			__builtin_trap();
		json_t *ans = json_loadb(rs.body.data, rs.body.len, 0, NULL);
		json_t *e = ans ? json_object_get(ans, "error") : NULL;
		const char *code = json_string_value(json_object_get(e, "code"));
		if (!code || !json_string_value(json_object_get(e, "message")) ||
		    !json_object_get(e, "field") ||
		    (strcmp(code, "json_syntax") && strcmp(code, "duplicate_key") && strcmp(code, "json_limits")))
			__builtin_trap();
		json_decref(ans);
	}
	buf_free(&rs.body);
}

static void fuzz_path(const uint8_t *data, size_t size)
{
	char path[4096];
	size_t n = size < sizeof path - 1 ? size : sizeof path - 1;
	memcpy(path, data, n);
	path[n] = '\0';
	for (const struct api_route *r = api_routes; r->method; r++) {
		char params[4][REG_ID_MAX * 2];
		memset(params, 0, sizeof params);
		if (!match(r->path, path, params))
			continue;
		int np = 0;
		for (const char *p = r->path; (p = strchr(p, '{')); p++)
			np++;
		for (int i = 0; i < np; i++) {
			size_t len = strnlen(params[i], sizeof params[i]);
			if (len == 0 || len >= sizeof params[i] || strchr(params[i], '/'))
				__builtin_trap();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == '/')
		fuzz_path(data, size);
	else
		fuzz_body(data, size);
	return 0;
}
