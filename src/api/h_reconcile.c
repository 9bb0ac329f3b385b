/*
 * POST /api/v1/reconcile {"unit", "lines": ["<header>", "<row>", ...]}:
 * the
 * register against an extract of the national population database
 * (quality/reconcile.h), for a unit in the caller's scope (else 404, as a
 * unit that does not exist).  The extract is checked whole first (422
 * naming its line and field, nothing compared), compared, and not kept:
 * the run is audited with its SHA-256 (the first 32 hex digits), and every
 * register person the answer names is audited before it is sent.
 */
#include <sodium.h>
#include <string.h>

#include "api/api.h"
#include "base/buf.h"
#include "quality/reconcile.h"

/* The unit, and the extract's lines joined (a JSON string is capped: one a line). */
static const char *in_body(json_t *b, const char **unit, struct buf *text)
{
	const char *k;
	json_t *v;
	json_object_foreach(b, k, v)
	{
		if (strcmp(k, "unit") && strcmp(k, "lines"))
			return k;
	}
	*unit = json_string_value(json_object_get(b, "unit"));
	if (!*unit)
		return "unit";
	json_t *lines = json_object_get(b, "lines");
	if (!json_is_array(lines) || !json_array_size(lines))
		return "lines";
	size_t i;
	json_array_foreach(lines, i, v)
	{
		if (!json_is_string(v) || buf_append(text, json_string_value(v), json_string_length(v)) ||
		    buf_putc(text, '\n'))
			return "lines";
	}
	return NULL;
}

void h_reconcile(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	const char *unit = NULL;
	struct buf text = {0};
	struct rc_extract x = {0};
	struct ds_problem pb = {0};
	json_t *res = NULL;
	const char *bad = in_body(b, &unit, &text);
	if (bad) {
		api_error(c, 422, "bad_value",
			  api_tr(c, "Hãy gửi đơn vị (unit) và các dòng của tệp trích xuất (lines).",
				 "give unit and lines (the extract's lines, header first)"),
			  bad);
		goto out;
	}
	if (!api_in_scope(c, unit)) {
		api_not_found(c, "unit");
		goto out;
	}
	enum ds_rc rc = rc_extract_read(text.data ? text.data : "", text.len, "extract", &x, &pb);
	if (rc == DS_EINPUT) {
		/* The line and the column, and nothing compared. */
		char msg[300];
		bool vi = strcmp(c->lang, "vi") == 0;
		snprintf(msg, sizeof msg, vi ? "Tệp bị từ chối, chưa so sánh gì: dòng %ld, cột %s: %s."
					   : "The extract was refused, nothing was compared: line %ld, column %s: %s.",
			 pb.line, pb.field[0] ? pb.field : "?", vi ? ds_why_vi(pb.why) : ds_why_en(pb.why));
		api_error(c, 422, ds_why_code(pb.why), msg, pb.field);
		goto out;
	}
	if (!rc)
		rc = rc_reconcile(c->st, &x, unit, &res);
	if (rc == DS_ENOTFOUND) {
		api_not_found(c, "unit");
		goto out;
	}
	if (rc) {
		api_error(c, 503, "internal", "the extract could not be compared", NULL);
		goto out;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1], id[33];
	crypto_hash_sha256(h, (const unsigned char *)(text.data ? text.data : ""), text.len);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(id, sizeof id, "%.32s", hex);
	api_audit_in(c, "reconcile", "extract", id, unit, "ok");
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(res, "items"), i, it)
	{
		const char *pid = json_string_value(json_object_get(it, "person_id"));
		if (pid)
			api_audit_in(c, "reconcile", "person", pid, unit, "ok");
	}
	json_object_set_new(res, "extract_sha256", json_string(hex));
	api_json(c, 200, res);
	res = NULL;
out:
	json_decref(res);
	rc_extract_free(&x);
	buf_free(&text);
	json_decref(b);
}
