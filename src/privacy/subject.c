/* A data subject's file (everything held on one person and every access to it) and the deletion refusal's basis. */
#include "privacy/subject.h"

#include <string.h>
#include <time.h>

#include "ledger/view.h"
#include "records/book.h"
#include "store/accounts.h"
#include "store/audit.h"

const char *subject_deletion_basis(const char *lang)
{
	if (lang && strcmp(lang, "en") == 0)
		return "The data cannot be deleted: this person's population data are collected and kept "
		       "as the law on population and statistics requires (initial recording and "
		       "statistical reporting of the population service, Circular 01/2022/TT-BYT). The "
		       "Personal Data Protection Law (No. 91/2025/QH15) gives no right to deletion where "
		       "a law requires the data to be kept. A wrong fact is corrected with an information "
		       "change event; the person may have a copy of their data and of every access to it.";
	return "Không thể xóa dữ liệu: thông tin dân số của người này được thu thập và lưu giữ theo "
	       "quy định của pháp luật về dân số và thống kê (chế độ ghi chép ban đầu và báo cáo thống "
	       "kê chuyên ngành dân số, Thông tư 01/2022/TT-BYT). Luật Bảo vệ dữ liệu cá nhân (Luật số "
	       "91/2025/QH15) không cho quyền xóa khi pháp luật quy định dữ liệu phải được lưu giữ. "
	       "Thông tin sai được sửa bằng sự kiện thay đổi thông tin; người yêu cầu được nhận bản sao "
	       "dữ liệu của mình và danh sách mọi lần dữ liệu được truy cập.";
}

static void iso_time(int64_t at, char out[32])
{
	time_t t = (time_t)at;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- the access log, oldest first ---- */

struct access {
	json_t *arr;
	size_t seen;
};

static enum ds_rc add_access(const struct store_audit *a, void *arg)
{
	struct access *l = arg;
	char when[32];
	iso_time(a->at, when);
	json_array_append_new(l->arr,
			      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "at", when, "login", a->login,
					"role", store_role_name(a->role), "unit", a->unit, "action",
					a->action, "outcome", a->outcome));
	l->seen++;
	return DS_OK;
}

static enum ds_rc access_log(struct store *st, const char *id, json_t **out)
{
	struct access l = {json_array(), 0};
	enum ds_rc rc = DS_OK;
	for (size_t off = 0; !rc; off += 1000) {
		size_t before = l.seen;
		rc = store_audit_list(st, "person", id, off, 1000, add_access, &l);
		if (l.seen - before < 1000)
			break;
	}
	if (rc) {
		json_decref(l.arr);
		return rc;
	}
	/* Read newest first: turned round, oldest first. */
	*out = json_array();
	for (size_t i = json_array_size(l.arr); i-- > 0;)
		json_array_append(*out, json_array_get(l.arr, i));
	json_decref(l.arr);
	return DS_OK;
}

/* ---- records about the person ---- */

struct about {
	const char *person;
	json_t *events; /* ids of the events of the file, as keys */
	json_t *queries, *requests;
};

static bool add_request(const struct rec_entry *e, void *arg)
{
	struct about *a = arg;
	const char *who = json_string_value(json_object_get(e->body, "person"));
	if (!e->cancel && who && strcmp(who, a->person) == 0) {
		json_t *r = json_deep_copy(e->body);
		char at[32];
		iso_time(e->recorded_at, at);
		json_object_set_new(r, "recorded_at", json_string(at));
		json_object_set_new(r, "recorded_by", json_string(e->recorded_by));
		json_array_append_new(a->requests, r);
	}
	return true;
}

static bool add_query(const struct rec_entry *e, void *arg)
{
	struct about *a = arg;
	const char *ev = json_string_value(json_object_get(e->body, "event"));
	if (!e->cancel && ev && json_object_get(a->events, ev)) {
		json_t *q = json_pack("{s:s, s:s, s:O}", "kind", e->kind, "event", ev, "text",
				      json_object_get(e->body, strcmp(e->kind, "query") == 0 ? "question"
											    : "answer"));
		char at[32];
		iso_time(e->recorded_at, at);
		json_object_set_new(q, "recorded_at", json_string(at));
		json_object_set_new(q, "recorded_by", json_string(e->recorded_by));
		json_array_append_new(a->queries, q);
	}
	return true;
}

enum ds_rc subject_file(struct store *st, struct rec_book *book, const struct store_person *p,
			const char *by, json_t **out)
{
	struct ledger lg = {.st = st};
	json_t *person = NULL, *access = NULL;
	enum ds_rc rc = view_person(&lg, p, true, &person);
	if (!rc)
		rc = access_log(st, p->rec.id, &access);
	if (rc) {
		json_decref(person);
		return rc;
	}
	struct about a = {p->rec.id, json_object(), json_array(), json_array()};
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(person, "history"), i, row)
	{
		const char *id = json_string_value(json_object_get(json_object_get(row, "event"), "id"));
		if (id)
			json_object_set_new(a.events, id, json_true());
	}
	if (book) {
		rec_book_each(book, "query", add_query, &a);
		rec_book_each(book, "answer", add_query, &a);
		rec_book_each(book, "subject_request", add_request, &a);
	}
	json_decref(a.events);
	/* The household's address, not its members: their data are theirs. */
	json_t *household = json_null();
	struct store_household h;
	if (p->cur_hh && store_household_get(st, NULL, p->cur_hh, &h) == DS_OK)
		household = json_pack("{s:s, s:s, s:s, s:s}", "id", h.rec.id, "number", h.rec.number,
				      "address", h.rec.address, "area", h.rec.area);
	char now[32];
	iso_time((int64_t)time(NULL), now);
	*out = json_pack("{s:s, s:i, s:s, s:s, s:{s:s, s:s}, s:o, s:o, s:o, s:o, s:o}", "file",
			 "danso-subject-file", "version", 1, "made_at", now, "made_by", by, "notice",
			 "vi",
			 "Toàn bộ dữ liệu hệ thống danso lưu về người này và mọi lần dữ liệu được truy cập, "
			 "theo Luật Bảo vệ dữ liệu cá nhân (Luật số 91/2025/QH15). Thông tin sai được sửa "
			 "bằng sự kiện thay đổi thông tin.",
			 "en",
			 "Everything the danso register holds on this person and every access to it, under "
			 "the Personal Data Protection Law (No. 91/2025/QH15). A wrong fact is corrected "
			 "with an information change event.",
			 "person", person, "household", household, "queries", a.queries, "requests",
			 a.requests, "access", access);
	return *out ? DS_OK : DS_ENOMEM;
}
