/* The Personal Data Protection Law's routes: a person's file, a deletion request refused with its basis, the breach investigation's search of the audit log. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/day.h"
#include "privacy/breach.h"
#include "privacy/subject.h"
#include "records/records.h"

static bool vi(const struct api_ctx *c)
{
	return strcmp(c->lang, "vi") == 0;
}

void h_person_file(struct api_ctx *c)
{
	struct store_person p;
	if (!api_scoped_person(c, c->params[0], &p)) {
		api_not_found(c, "id");
		return;
	}
	json_t *f;
	if (subject_file(c->st, c->app->book, &p, c->user.login, &f)) {
		api_error(c, 503, "store", "the person's data could not be read; try again", NULL);
		return;
	}
	api_audit_in(c, "subject_file", "person", p.rec.id, p.cur_area, "ok");
	char disp[96];
	snprintf(disp, sizeof disp, "attachment; filename=\"danso-%s.json\"", p.rec.id);
	http_add_header(c->rs, "Content-Disposition", disp);
	api_json(c, 200, f);
}

/* ---- a deletion request ---- */

struct deletion {
	struct rec r;
	struct rec_result res;
	char person[REG_ID_MAX + 1];
	char area[REG_UNIT_CODE_MAX + 1];
};

static enum ds_rc deletion_run(struct api_app *app, struct store *st, const struct api_user *user,
			       void *arg)
{
	struct deletion *d = arg;
	enum ds_rc rc = rec_record(st, &app->ledger.units, &d->r, user->login, &d->res);
	if (!rc && d->res.outcome != REC_REFUSED)
		rc = api_audit_now(st, user, "deletion_request", "person", d->person, "refused");
	return rc;
}

static void deletion_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct deletion *d = arg;
	char id[REG_UUID_TEXT];
	reg_uuid_format(d->r.id, id);
	if (rc) {
		api_error(c, 503, "store", "the request could not be recorded; try again", NULL);
	} else if (d->res.outcome == REC_REFUSED) {
		api_problem(c, 422, &d->res.problem);
	} else {
		api_json(c, 201,
			 json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "record", id, "person", d->person,
				   "outcome", "refused", "basis", "register_kept_by_law", "legal_basis", "vi",
				   subject_deletion_basis("vi"), "en", subject_deletion_basis("en")));
	}
	rec_free(&d->r);
	free(d);
}

/* Checks the request's members; the one at fault, or NULL. */
static const char *deletion_fault(json_t *b, int32_t *received)
{
	static const char *const channels[] = {"in_person", "letter", "phone", "email", "online", NULL};
	const char *k;
	json_t *v;
	json_object_foreach(b, k, v)
	{
		if (strcmp(k, "received") && strcmp(k, "channel") && strcmp(k, "note"))
			return k;
	}
	v = json_object_get(b, "received");
	if (!json_is_string(v) || !day_parse(json_string_value(v), json_string_length(v), received) ||
	    *received > day_today())
		return "received";
	const char *ch = json_string_value(json_object_get(b, "channel"));
	bool known = false;
	for (size_t i = 0; ch && channels[i]; i++)
		known = known || strcmp(ch, channels[i]) == 0;
	if (!known)
		return "channel";
	v = json_object_get(b, "note");
	if (v && (!json_is_string(v) || json_string_length(v) > 2000))
		return "note";
	return NULL;
}

void h_person_deletion(struct api_ctx *c)
{
	struct store_person p;
	if (!api_scoped_person(c, c->params[0], &p)) {
		api_not_found(c, "id");
		return;
	}
	json_t *b = api_body(c);
	if (!b)
		return;
	int32_t received;
	const char *bad = deletion_fault(b, &received);
	if (bad) {
		api_error(c, 422, "bad_value",
			  vi(c) ? "Hãy nhập ngày nhận yêu cầu (không sau hôm nay), cách nhận (trực tiếp, thư, "
				  "điện thoại, thư điện tử, trực tuyến) và ghi chú không quá 2000 ký tự."
				: "Give the date the request was received (not after today), how it came "
				  "(in_person, letter, phone, email, online) and a note of at most 2000 characters.",
			  bad);
		json_decref(b);
		return;
	}
	json_t *body = json_pack("{s:s, s:s, s:O, s:O, s:s, s:s}", "person", p.rec.id, "request", "deletion",
				 "received", json_object_get(b, "received"), "channel",
				 json_object_get(b, "channel"), "outcome", "refused", "basis",
				 "register_kept_by_law");
	json_t *note = json_object_get(b, "note");
	if (body && json_string_length(note) && strspn(json_string_value(note), " \t\r\n") < json_string_length(note))
		json_object_set(body, "note", note);
	json_decref(b);
	struct deletion *d = calloc(1, sizeof *d);
	char id[REG_UUID_TEXT], date[11];
	uint8_t raw[16];
	rec_new_id(raw);
	reg_uuid_format(raw, id);
	day_format(day_today(), date);
	json_t *o = body ? json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", id, "kind", "subject_request", "unit",
				     p.cur_area, "date", date, "body", body)
			 : NULL;
	struct ds_problem pb;
	if (!o || !d) {
		api_error(c, 503, "memory", "out of memory", NULL);
		free(d);
	} else if (rec_parse(o, &d->r, &pb)) {
		api_problem(c, 422, &pb);
		rec_free(&d->r);
		free(d);
	} else {
		snprintf(d->person, sizeof d->person, "%s", p.rec.id);
		snprintf(d->area, sizeof d->area, "%s", p.cur_area);
		api_write_block(c, deletion_run, deletion_done, d);
	}
	json_decref(o);
}

/* ---- the breach investigation's search ---- */

struct within_unit {
	struct api_app *app;
	const char *unit;
};

static bool area_within(void *arg, const char *area)
{
	struct within_unit *w = arg;
	const struct eng_view *v = engine_read(w->app->engine);
	bool in = reg_units_within(eng_units(v), area, w->unit, day_today());
	engine_read_end(v);
	return in;
}

struct found {
	json_t *arr;
	struct buf *csv;
};

static enum ds_rc add_found(const struct store_audit *a, void *arg)
{
	struct found *f = arg;
	if (f->csv)
		return breach_csv_row(f->csv, a);
	char at[40];
	time_t t = (time_t)a->at;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_array_append_new(f->arr,
			      json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "seq",
					(json_int_t)a->seq, "at", at, "login", a->login, "role",
					api_role_name(a->role), "unit", a->unit, "action", a->action,
					"object", a->object, "id", a->object_id, "area", a->area,
					"outcome", a->outcome));
	return DS_OK;
}

#define CSV_MAX_ROWS 1000000 /* beyond: danso audit-search on the server */

void h_audit_search(struct api_ctx *c)
{
	char from_s[40], to_s[40], login[64], unit[REG_UNIT_CODE_MAX + 1], fmt[8], after[48], lim[12];
	struct breach_query q = {0};
	const char *bad = NULL;
	if (!api_query(c, "from", from_s, sizeof from_s) || !breach_parse_time(from_s, false, &q.from))
		bad = "from";
	else if (!api_query(c, "to", to_s, sizeof to_s) || !breach_parse_time(to_s, true, &q.to) ||
		 q.to <= q.from)
		bad = "to";
	if (bad) {
		api_error(c, 422, "bad_value",
			  vi(c) ? "Hãy nhập khoảng thời gian: từ ngày (YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM, giờ "
				  "Việt Nam) đến ngày, sau ngày bắt đầu."
				: "Give a time range: from and to as YYYY-MM-DD or YYYY-MM-DDTHH:MM (Viet Nam's "
				  "time unless Z or an offset is given), to after from.",
			  bad);
		return;
	}
	if (api_query(c, "login", login, sizeof login) && login[0])
		q.login = login;
	struct within_unit w = {c->app, unit};
	if (api_query(c, "unit", unit, sizeof unit) && unit[0]) {
		const struct eng_view *v = engine_read(c->app->engine);
		bool known = reg_units_resolve(eng_units(v), unit, day_today()) != NULL;
		engine_read_end(v);
		if (!known) {
			api_error(c, 422, "bad_value", vi(c) ? "Không có đơn vị này." : "No such unit.", "unit");
			return;
		}
		q.within = area_within;
		q.arg = &w;
	}
	bool csv = api_query(c, "format", fmt, sizeof fmt) && strcmp(fmt, "csv") == 0;
	struct breach_cursor cur = {0};
	long long at, seq;
	if (api_query(c, "after", after, sizeof after) && sscanf(after, "%lld.%lld", &at, &seq) == 2) {
		cur.at = at;
		cur.seq = seq;
	}
	int limit = 1000;
	if (api_query(c, "limit", lim, sizeof lim))
		reg_parse_small(lim, strlen(lim), 1, 10000, &limit);
	struct found f = {csv ? NULL : json_array(), csv ? &c->rs->body : NULL};
	if (csv) {
		buf_puts(f.csv, "\xEF\xBB\xBF");
		breach_csv_header(f.csv);
	}
	size_t scanned = 0;
	enum ds_rc rc = breach_search(c->st, &q, &cur, csv ? CSV_MAX_ROWS : (size_t)limit,
				      csv ? SIZE_MAX : 200000, add_found, &f, &scanned);
	api_audit(c, "audit_search", "audit", q.login ? q.login : q.within ? unit : "", "ok");
	if (rc) {
		json_decref(f.arr);
		buf_reset(&c->rs->body);
		api_error(c, 503, "store", "the audit log could not be read; try again", NULL);
		return;
	}
	char next[48] = "";
	if (!cur.done)
		snprintf(next, sizeof next, "%" PRId64 ".%" PRId64, cur.at, cur.seq);
	if (csv) {
		c->rs->status = 200;
		c->rs->content_type = "text/csv; charset=utf-8";
		http_add_header(c->rs, "Content-Disposition", "attachment; filename=\"danso-audit.csv\"");
		if (next[0]) /* more than a file's worth: the rest from the next cursor */
			http_add_header(c->rs, "X-Danso-Next", next);
		return;
	}
	api_json(c, 200, json_pack("{s:o, s:o, s:I}", "entries", f.arr, "next", next[0] ? json_string(next) : json_null(),
				   "scanned", (json_int_t)scanned));
}
