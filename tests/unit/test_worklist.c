/*
 * The work lists on the work-list fixture (tests/data/worklist/README.md),
 * each list's members worked out by hand there, with the edge cases: a
 * person turning 60 during the year, a pregnancy ended by a miscarriage, a
 * household that became near-poor mid-year, a check made before a move.
 */
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "fixture.h"
#include "test.h"
#include "workflow/worklist.h"

#define FIX "tests/data/worklist/"

static json_t *list(struct test_register *r, const char *name, const char *unit, const char *date)
{
	struct wl_request rq = {.list = name, .unit = unit, .date = date};
	json_t *out = NULL;
	struct ds_problem pb = {0};
	CHECK_EQ(wl_run(r->e, r->st, &rq, &out, &pb, NULL), DS_OK);
	return out;
}

/* The person ids of a list, joined by spaces. */
static void ids(json_t *l, char *out, size_t outsz)
{
	size_t i, n = 0;
	json_t *it;
	out[0] = 0;
	json_array_foreach(json_object_get(l, "items"), i, it)
		n += (size_t)snprintf(out + n, n < outsz ? outsz - n : 0, "%s%s", i ? " " : "",
				      json_string_value(json_object_get(it, "person_id")));
}

#define CHECK_IDS(r, name, unit, date, want)                                  \
	do {                                                                  \
		json_t *l_ = list(r, name, unit, date);                       \
		char got_[200];                                               \
		ids(l_, got_, sizeof got_);                                   \
		if (strcmp(got_, want))                                       \
			fprintf(stderr, "  %s %s %s: [%s], want [%s]\n", name, unit, date, got_, want); \
		CHECK(strcmp(got_, want) == 0);                               \
		json_decref(l_);                                              \
	} while (0)

static json_t *item(json_t *l, const char *id)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(l, "items"), i, it)
		if (strcmp(json_string_value(json_object_get(it, "person_id")), id) == 0)
			return it;
	return NULL;
}

static const char *s(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

TEST(worklist_members)
{
	struct test_register r;
	if (!test_register_open(&r, FIX, day_from_ymd(2025, 12, 31), "worklist.db"))
		return;
	CHECK_EQ(r.refused, 0);
	CHECK_IDS(&r, "elderly", "26734", "2026-06-30", "E1 E3 E5");
	CHECK_IDS(&r, "elderly", "26734", "2026-05-19", "E1 E5"); /* E3 turns 60 on 05-20 */
	CHECK_IDS(&r, "elderly", "2673400102", "2026-06-30", "E5");
	CHECK_IDS(&r, "elderly", "26737", "2026-06-30", "E8");
	CHECK_IDS(&r, "elderly", "26737", "2026-01-31", "E7 E8");
	CHECK_IDS(&r, "prenatal", "26734", "2026-06-30", "W1 W2");
	CHECK_IDS(&r, "prenatal", "26734", "2026-04-14", "W5 W2 W3"); /* W3 before her miscarriage */
	/* The province's list (its women found first by their pregnancies, in
	 * every area) is the commune's: no other commune has a pregnant woman. */
	CHECK_IDS(&r, "prenatal", "79", "2026-06-30", "W1 W2");
	CHECK_IDS(&r, "prenatal", "79", "2026-04-14", "W5 W2 W3");
	CHECK_IDS(&r, "newborn", "26734", "2026-06-30", "K2 K4");
	CHECK_IDS(&r, "newborn", "26734", "2026-07-01", "K2"); /* K4 is 30 days old */
	CHECK_IDS(&r, "premarital", "26734", "2026-06-30", "W9 M2");
	CHECK_IDS(&r, "premarital", "26737", "2026-06-30", "M4");
	CHECK_IDS(&r, "poor-fp", "26734", "2026-06-30", "W2 W6 W4 W8 W3 W7");
	CHECK_IDS(&r, "poor-fp", "26734", "2026-05-14", "W2 W6 W3 W7"); /* H3 not yet near-poor */
	CHECK_IDS(&r, "third-births", "26734", "2026-06-30", "W5 W7");
	CHECK_IDS(&r, "third-births", "79", "2026-04-30", "W5");

	json_t *l = list(&r, "prenatal", "26734", "2026-06-30");
	json_t *w1 = item(l, "W1"), *w2 = item(l, "W2");
	CHECK_EQ(json_integer_value(json_object_get(w1, "weeks")), 8);
	CHECK_EQ(json_integer_value(json_object_get(w1, "due_week")), 12);
	CHECK_STR(s(w1, "due_date"), "2026-07-24");
	CHECK_EQ(json_integer_value(json_object_get(w2, "weeks")), 29);
	CHECK_EQ(json_integer_value(json_object_get(w2, "due_week")), 21);
	CHECK_STR(s(w2, "due_date"), "2026-05-03");
	CHECK(json_is_true(json_object_get(w2, "overdue")));
	CHECK_STR(s(w1, "name"), "Phạm Thị Mới Mang Thai");
	CHECK_STR(s(w1, "area_name"), "Địa bàn 01");
	json_decref(l);

	l = list(&r, "premarital", "26734", "2026-06-30");
	CHECK_STR(s(item(l, "W9"), "spouse_name"), "Nguyễn Văn Chồng");
	CHECK(json_is_null(json_object_get(item(l, "M2"), "spouse_id")));
	json_decref(l);

	l = list(&r, "poor-fp", "26734", "2026-06-30");
	CHECK_EQ(json_integer_value(json_object_get(item(l, "W8"), "method")), 5);
	CHECK_EQ(json_integer_value(json_object_get(item(l, "W4"), "poverty")), 1);
	CHECK_EQ(json_integer_value(json_object_get(item(l, "W2"), "poverty")), 2);
	json_t *plan = json_object_get(l, "plan");
	CHECK_EQ(json_integer_value(json_object_get(plan, "without_method")), 2);
	json_t *sup = json_object_get(plan, "supplies");
	CHECK_EQ(json_integer_value(json_object_get(json_array_get(sup, 0), "quantity")), 3);  /* pill cycles */
	CHECK_EQ(json_integer_value(json_object_get(json_array_get(sup, 1), "quantity")), 30); /* condoms */
	CHECK_EQ(json_integer_value(json_object_get(json_array_get(sup, 2), "quantity")), 0);  /* injections */
	CHECK_EQ(json_integer_value(json_object_get(json_array_get(sup, 3), "quantity")), 1);  /* implants: 3/30 up */
	CHECK_EQ(json_integer_value(json_object_get(json_array_get(sup, 4), "quantity")), 1);  /* IUDs: 15/276 up */
	struct buf b = {0};
	wl_csv(l, "vi", &b);
	buf_putc(&b, 0);
	CHECK(strstr(b.data, "Biện pháp tránh thai") != NULL);
	CHECK(strstr(b.data, "Lý Thị Bao Cao Su") != NULL);
	CHECK(strstr(b.data, "Bao cao su") != NULL || strstr(b.data, "bao cao su") != NULL);
	buf_free(&b);
	json_decref(l);

	l = list(&r, "third-births", "26734", "2026-06-30");
	CHECK_STR(s(item(l, "W7"), "child_name"), "Lâm Văn Đã Sàng Lọc");
	CHECK_EQ(json_integer_value(json_object_get(item(l, "W7"), "birth_order")), 4);
	json_decref(l);
	test_register_close(&r);
}

TEST(worklist_refusals)
{
	struct test_register r;
	if (!test_register_open(&r, FIX, day_from_ymd(2025, 12, 31), "worklist2.db"))
		return;
	struct {
		struct wl_request rq;
		const char *field;
		enum ds_rc rc;
	} cases[] = {
		{{.list = "nope", .unit = "26734"}, "list", DS_EUSAGE},
		{{.list = "elderly", .unit = "99999"}, "unit", DS_ENOTFOUND},
		{{.list = "elderly", .unit = "26734", .date = "2026-13-01"}, "date", DS_EUSAGE},
		{{.list = "premarital", .unit = "26734", .date = "2026-03-01", .from = "2026-04-01"}, "from", DS_EUSAGE},
		{{.list = "poor-fp", .unit = "26734", .months = 13}, "months", DS_EUSAGE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *out = NULL;
		struct ds_problem pb = {0};
		CHECK_EQ(wl_run(r.e, r.st, &cases[i].rq, &out, &pb, NULL), cases[i].rc);
		CHECK_STR(pb.field, cases[i].field);
		CHECK(out == NULL);
	}
	test_register_close(&r);
}
