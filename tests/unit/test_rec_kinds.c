/*
 * Workflow records: the envelope and the target kind, parsed strictly and
 * written back in one canonical form.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "records/records.h"
#include "test.h"

static enum ds_rc parse(const char *text, struct rec *r, struct ds_problem *pb)
{
	return rec_parse_text(text, strlen(text), r, pb);
}

TEST(records_canonical_text_ignores_key_order_and_number_spelling)
{
	struct rec a, b;
	struct ds_problem pb;
	CHECK_EQ(parse("{\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c\",\"kind\":\"target\","
		       "\"unit\":\"79\",\"date\":\"2026-01-01\","
		       "\"body\":{\"indicator\":\"SRB\",\"year\":2026,\"value\":109.0}}",
		       &a, &pb),
		 DS_OK);
	CHECK_EQ(parse("{\"body\":{\"value\":109,\"year\":2026,\"indicator\":\"SRB\"},"
		       "\"date\":\"2026-01-01\",\"unit\":\"79\",\"kind\":\"target\","
		       "\"id\":\"6F1C2A9E-0D1B-4C5E-8A7B-2D3E4F5A6B7C\"}",
		       &b, &pb),
		 DS_OK);
	char *ta = rec_text(&a), *tb = rec_text(&b);
	CHECK_STR(ta, "{\"body\":{\"indicator\":\"SRB\",\"value\":109,\"year\":2026},"
		      "\"date\":\"2026-01-01\",\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c\","
		      "\"kind\":\"target\",\"unit\":\"79\"}");
	CHECK_STR(ta, tb);
	CHECK_STR(a.key, "2026/SRB");
	free(ta);
	free(tb);
	rec_free(&a);
	rec_free(&b);
}

TEST(records_refusals_name_the_field)
{
	static const struct {
		const char *text, *field;
		enum ds_why why;
	} cases[] = {
		{"[]", "", W_JSON_NOT_OBJECT},
		{"{\"kind\":\"target\"}", "id", W_REQUIRED},
		{"{\"id\":\"x\",\"kind\":\"target\",\"unit\":\"79\",\"date\":\"2026-01-01\",\"body\":{}}", "id",
		 W_BAD_UUID},
		{"{\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c\",\"kind\":\"nope\",\"unit\":\"79\","
		 "\"date\":\"2026-01-01\",\"body\":{}}",
		 "kind", W_BAD_CODE},
		{"{\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c\",\"kind\":\"target\",\"unit\":\"79\","
		 "\"date\":\"2026-02-30\",\"body\":{}}",
		 "date", W_BAD_DATE},
		{"{\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c\",\"kind\":\"target\",\"unit\":\"79\","
		 "\"date\":\"2026-01-01\",\"extra\":1,\"body\":{}}",
		 "extra", W_JSON_UNKNOWN_MEMBER},
		{"{\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c\",\"kind\":\"target\",\"unit\":\"79\","
		 "\"date\":\"2026-01-01\",\"body\":{\"indicator\":\"SRB\",\"year\":2026}}",
		 "body.value", W_REQUIRED},
		{"{\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c\",\"kind\":\"target\",\"unit\":\"79\","
		 "\"date\":\"2026-01-01\",\"body\":{\"indicator\":\"SRB\",\"year\":2026,\"value\":-1}}",
		 "body.value", W_BAD_NUMBER},
		{"{\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c\",\"kind\":\"target\",\"unit\":\"79\","
		 "\"date\":\"2026-01-01\",\"body\":{\"indicator\":\"a/b\",\"year\":2026,\"value\":1}}",
		 "body.indicator", W_BAD_CODE},
		{"{\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c\",\"kind\":\"target\",\"unit\":\"79\","
		 "\"date\":\"2026-01-01\",\"cancel\":true}",
		 "supersedes", W_REQUIRED},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rec r;
		struct ds_problem pb;
		CHECK_EQ(parse(cases[i].text, &r, &pb), DS_EINPUT);
		CHECK_STR(pb.field, cases[i].field);
		CHECK_EQ(pb.why, cases[i].why);
		rec_free(&r);
	}
}

TEST(records_cancel_has_no_body)
{
	struct rec r;
	struct ds_problem pb;
	CHECK_EQ(parse("{\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7d\",\"kind\":\"target\",\"unit\":\"79\","
		       "\"date\":\"2026-03-01\",\"supersedes\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c\","
		       "\"cancel\":true}",
		       &r, &pb),
		 DS_OK);
	CHECK(r.cancel && r.has_supersedes && !r.body);
	char *t = rec_text(&r);
	CHECK_STR(t, "{\"cancel\":true,\"date\":\"2026-03-01\",\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7d\","
		     "\"kind\":\"target\",\"supersedes\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c\",\"unit\":\"79\"}");
	free(t);
	rec_free(&r);
	/* Ids are version 7: the milliseconds of their making first, so that
	 * those made later sort later. */
	uint8_t a[16], b[16];
	int64_t before = (int64_t)time(NULL) * 1000;
	rec_new_id(a);
	struct timespec pause = {0, 2000000};
	nanosleep(&pause, NULL);
	rec_new_id(b);
	CHECK(memcmp(a, b, 16) < 0);
	CHECK_EQ(a[6] >> 4, 7);
	CHECK_EQ(a[8] >> 6, 2);
	int64_t ms = 0;
	for (int i = 0; i < 6; i++)
		ms = ms << 8 | a[i];
	CHECK(ms >= before && ms < before + 60000);
}
