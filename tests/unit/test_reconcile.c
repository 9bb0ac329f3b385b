/*
 * Reconciliation on the quality fixture (tests/data/quality/README.md):
 * the counts worked out by hand, and the answer streamed by rc_run_write
 * byte for byte the tree of rc_run_json as json_dumps prints it (a name
 * with a quote and a backslash, a commune whose every row matches, so no
 * item at all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "fixture.h"
#include "quality/reconcile.h"
#include "test.h"

#define FIX "tests/data/quality/"

static const char extract[] =
	"national_id,full_name,sex,birth_date,commune_code,address,residence\n"
	"079090000001,Nguyễn Văn Một,1,1990-05-01,26734,Số 1,1\n"         /* M1: matched */
	"079093000002,\"Trần Thị \"\"Hai\"\" \\\",2,1993-02-10,26734,Số 1,2\n" /* W1: name, residence */
	"079040000099,Phạm Văn Bốn,1,1940-01-20,26734,Số 3,1\n"           /* E1 by name: national_id */
	"079070123456,Tạ Văn Ngoại,1,1970-01-01,26734,Số 9,1\n"           /* only in the extract */
	"097370000005,Trịnh Văn Hải,1,1970-06-01,26737,Số 5,1\n";         /* Q1: matched, another commune */

/* The streamed answer and the tree's, for unit. */
static void both(struct test_register *r, const struct rc_extract *x, const char *unit, char **stream,
		 char **tree, struct rc_tally *t)
{
	struct rc_run *run = NULL;
	*stream = *tree = NULL;
	CHECK_EQ(rc_compare(r->st, x, unit, &run), DS_OK);
	if (!run)
		return;
	*t = *rc_run_total(run);
	size_t n;
	FILE *f = open_memstream(stream, &n);
	CHECK_EQ(rc_run_write(run, "ab12", f), DS_OK);
	fclose(f);
	json_t *j = rc_run_json(run);
	json_object_set_new(j, "extract_sha256", json_string("ab12"));
	char *s = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(j);
	*tree = malloc(strlen(s) + 2);
	sprintf(*tree, "%s\n", s);
	free(s);
	rc_run_free(run);
}

TEST(reconcile_by_hand_streamed_as_the_tree)
{
	struct test_register r;
	if (!test_register_open(&r, FIX, day_from_ymd(2023, 12, 31), "reconcile.db"))
		return;
	struct rc_extract x;
	struct ds_problem pb = {0};
	CHECK_EQ(rc_extract_read(extract, sizeof extract - 1, "x.csv", &x, &pb), DS_OK);
	CHECK_EQ(x.n, 5);
	CHECK_STR(rc_row_name(&x, &x.rows[1]), "Trần Thị \"Hai\" \\");
	char *stream, *tree;
	struct rc_tally t;
	both(&r, &x, "26734", &stream, &tree, &t);
	if (stream && tree) {
		CHECK_STR(stream, tree);
		json_t *j = json_loads(stream, 0, NULL);
		json_t *items = json_object_get(j, "items");
		CHECK_EQ(t.matched, 1);
		CHECK_EQ(t.differences, 2);
		CHECK_EQ(t.only_extract, 1);
		CHECK_EQ(json_array_size(items), t.differences + t.only_extract + t.only_register);
		json_t *w1 = json_array_get(items, 0);
		CHECK_STR(json_string_value(json_object_get(w1, "person_id")), "W1");
		CHECK_EQ(json_array_size(json_object_get(w1, "fields")), 2);
		CHECK_STR(json_string_value(json_object_get(json_object_get(w1, "extract"), "full_name")),
			  "Trần Thị \"Hai\" \\");
		json_t *e1 = json_array_get(items, 1);
		CHECK_STR(json_string_value(json_object_get(e1, "person_id")), "E1");
		CHECK_STR(json_string_value(json_array_get(json_object_get(e1, "fields"), 0)), "national_id");
		CHECK_STR(json_string_value(json_object_get(json_array_get(items, 2), "kind")), "only_extract");
		CHECK_STR(json_string_value(json_object_get(json_array_get(items, 3), "kind")), "only_register");
		json_decref(j);
	}
	free(stream);
	free(tree);
	/* Every row of the commune matched: no item, and the answer still the tree's. */
	both(&r, &x, "26737", &stream, &tree, &t);
	if (stream && tree) {
		CHECK_STR(stream, tree);
		CHECK(strstr(stream, "\"items\": []") != NULL);
		CHECK_EQ(t.matched, 1);
		CHECK_EQ(t.differences + t.only_extract + t.only_register, 0);
	}
	free(stream);
	free(tree);
	struct rc_run *run = NULL;
	CHECK_EQ(rc_compare(r.st, &x, "99999", &run), DS_ENOTFOUND);
	CHECK(run == NULL);
	rc_extract_free(&x);
	test_register_close(&r);
}
