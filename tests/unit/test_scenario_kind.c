/*
 * Projection scenarios as workflow records (records/kinds.c, kind
 * "scenario"): the canonical body and key, every refusal with the member
 * named, and the unit levels a scenario may be about.
 */
#include <stdlib.h>

#include "fixture.h"
#include "records/book.h"
#include "records/records.h"
#include "store/store.h"
#include "test.h"

/* A scenario record for unit 79 dated 2025-12-31 with this body. */
static enum ds_rc parse_body(const char *body, struct rec *r, struct ds_problem *pb)
{
	char text[1024];
	snprintf(text, sizeof text,
		 "{\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b70\",\"kind\":\"scenario\",\"unit\":\"79\","
		 "\"date\":\"2025-12-31\",\"body\":%s}",
		 body);
	return rec_parse_text(text, strlen(text), r, pb);
}

TEST(scenario_record_canonical_and_key)
{
	struct rec r;
	struct ds_problem pb;
	CHECK_EQ(parse_body("{\"migration\":false,\"tfr\":{\"year\":2035,\"value\":1.60},"
			    "\"srb\":{\"value\":1.07,\"year\":2030},\"e0_gain\":0.2,"
			    "\"label\":\"  Mức sinh   thấp \",\"name\":\"thap-1\"}",
			    &r, &pb),
		 DS_OK);
	CHECK_STR(r.key, "thap-1");
	char *t = rec_text(&r);
	CHECK_STR(t, "{\"body\":{\"e0_gain\":0.2,\"label\":\"Mức sinh thấp\",\"migration\":false,"
		     "\"name\":\"thap-1\",\"srb\":{\"value\":1.07,\"year\":2030},"
		     "\"tfr\":{\"value\":1.6,\"year\":2035}},\"date\":\"2025-12-31\","
		     "\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b70\",\"kind\":\"scenario\",\"unit\":\"79\"}");
	free(t);
	rec_free(&r);
	/* Only a name: no paths, e0_gain 0, migration on. */
	CHECK_EQ(parse_body("{\"name\":\"base\"}", &r, &pb), DS_OK);
	t = rec_text(&r);
	CHECK(strstr(t, "\"body\":{\"e0_gain\":0,\"migration\":true,\"name\":\"base\"}") != NULL);
	free(t);
	rec_free(&r);
	/* A path may end in the base year itself. */
	CHECK_EQ(parse_body("{\"name\":\"x\",\"tfr\":{\"value\":2,\"year\":2025}}", &r, &pb), DS_OK);
	rec_free(&r);
}

TEST(scenario_record_refusals_name_the_member)
{
	static const struct {
		const char *body, *field;
		enum ds_why why;
	} cases[] = {
		{"{}", "body.name", W_REQUIRED},
		{"{\"name\":\"a b\"}", "body.name", W_BAD_CODE},
		{"{\"name\":\"\"}", "body.name", W_BAD_CODE},
		{"{\"name\":\"x\",\"colour\":1}", "body.colour", W_JSON_UNKNOWN_MEMBER},
		{"{\"name\":\"x\",\"label\":3}", "body.label", W_JSON_TYPE},
		{"{\"name\":\"x\",\"tfr\":{\"value\":1.8,\"year\":2024}}", "body.tfr.year", W_PATH_BEFORE_BASE},
		{"{\"name\":\"x\",\"srb\":{\"value\":1.05,\"year\":2020}}", "body.srb.year", W_PATH_BEFORE_BASE},
		{"{\"name\":\"x\",\"srb\":{\"value\":1.4,\"year\":2030}}", "body.srb.value", W_SRB_RANGE},
		{"{\"name\":\"x\",\"srb\":{\"value\":0.89,\"year\":2030}}", "body.srb.value", W_SRB_RANGE},
		{"{\"name\":\"x\",\"tfr\":{\"value\":0.2,\"year\":2030}}", "body.tfr.value", W_OUT_OF_RANGE},
		{"{\"name\":\"x\",\"tfr\":{\"value\":\"2\",\"year\":2030}}", "body.tfr.value", W_NOT_A_NUMBER},
		{"{\"name\":\"x\",\"tfr\":{\"value\":2}}", "body.tfr.year", W_REQUIRED},
		{"{\"name\":\"x\",\"tfr\":{\"value\":2,\"year\":2030.5}}", "body.tfr.year", W_BAD_NUMBER},
		{"{\"name\":\"x\",\"tfr\":{\"value\":2,\"year\":2030,\"by\":1}}", "body.tfr", W_JSON_UNKNOWN_MEMBER},
		{"{\"name\":\"x\",\"tfr\":2}", "body.tfr", W_JSON_NOT_OBJECT},
		{"{\"name\":\"x\",\"e0_gain\":1.5}", "body.e0_gain", W_OUT_OF_RANGE},
		{"{\"name\":\"x\",\"e0_gain\":true}", "body.e0_gain", W_NOT_A_NUMBER},
		{"{\"name\":\"x\",\"migration\":\"no\"}", "body.migration", W_JSON_TYPE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rec r;
		struct ds_problem pb;
		CHECK_EQ(parse_body(cases[i].body, &r, &pb), DS_EINPUT);
		CHECK_STR(pb.field, cases[i].field);
		if (pb.why != cases[i].why)
			fprintf(stderr, "  case %zu: %s\n", i, cases[i].body);
		CHECK_EQ(pb.why, cases[i].why);
		rec_free(&r);
	}
}

/* A scenario for the unit recorded in st: the outcome. */
static enum rec_outcome record(struct test_register *reg, const char *unit, const char *id,
			       const char *name)
{
	char text[512];
	snprintf(text, sizeof text,
		 "{\"id\":\"%s\",\"kind\":\"scenario\",\"unit\":\"%s\",\"date\":\"2025-12-31\","
		 "\"body\":{\"name\":\"%s\",\"tfr\":{\"value\":1.5,\"year\":2040}}}",
		 id, unit, name);
	struct rec r;
	struct ds_problem pb;
	struct rec_result res = {0};
	CHECK_EQ(rec_parse_text(text, strlen(text), &r, &pb), DS_OK);
	CHECK_EQ(store_begin(reg->st), DS_OK);
	CHECK_EQ(rec_record(reg->st, &reg->lg.units, &r, "test", &res), DS_OK);
	CHECK_EQ(store_commit(reg->st), DS_OK);
	rec_free(&r);
	return res.outcome;
}

static void count_one(const struct rec_entry *e, void *arg)
{
	(void)e;
	++*(int *)arg;
}

TEST(scenario_record_levels_and_the_book)
{
	struct test_register reg;
	if (!test_register_open(&reg, "tests/data/rules/", day_from_ymd(2024, 1, 1), "sc.db"))
		return;
	/* Province, district and commune: yes; a village or an area: no. */
	CHECK_EQ(record(&reg, "79", "00000000-0000-4000-8000-00000000a001", "thap"), REC_RECORDED);
	CHECK_EQ(record(&reg, "760", "00000000-0000-4000-8000-00000000a002", "thap"), REC_RECORDED);
	CHECK_EQ(record(&reg, "26740", "00000000-0000-4000-8000-00000000a003", "cao"), REC_RECORDED);
	CHECK_EQ(record(&reg, "26734001", "00000000-0000-4000-8000-00000000a004", "thap"), REC_REFUSED);
	CHECK_EQ(record(&reg, "2673400101", "00000000-0000-4000-8000-00000000a005", "thap"), REC_REFUSED);
	CHECK_EQ(record(&reg, "12345", "00000000-0000-4000-8000-00000000a006", "thap"), REC_REFUSED);
	/* The book finds each by unit and name. */
	struct rec_book *b = rec_book_new();
	CHECK_EQ(rec_book_catch_up(b, reg.st), DS_OK);
	int n = 0;
	CHECK(rec_book_current(b, "scenario", "79", "thap", count_one, &n));
	CHECK(rec_book_current(b, "scenario", "760", "thap", count_one, &n));
	CHECK(!rec_book_current(b, "scenario", "79", "cao", count_one, &n));
	CHECK_EQ(n, 2);
	rec_book_free(b);
	test_register_close(&reg);
}
