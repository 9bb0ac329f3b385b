/*
 * Targets as a workflow: the indicators' directions from their data file,
 * progress against a target worked out by hand (a ceiling is kept or
 * passed, never a percentage), the path through the year, Strategy 1679's
 * national targets, and the elderly-check records' bodies.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "records/records.h"
#include "report/targets.h"
#include "test.h"

TEST(targets_directions_come_from_the_data_file)
{
	const struct tg_indicator *srb = tg_indicator("SRB"), *p3 = tg_indicator("P3"), *elc = tg_indicator("ELC"),
				  *k12 = tg_indicator("12");
	CHECK(srb && p3 && elc && k12);
	CHECK_EQ(srb->direction, TG_CEILING);
	CHECK_EQ(p3->direction, TG_CEILING);
	CHECK_EQ(elc->direction, TG_REACH);
	CHECK(elc->accumulates && !elc->sums);
	CHECK_EQ(k12->direction, TG_COUNT);
	CHECK(k12->sums && k12->accumulates);
	CHECK(tg_indicator("NOPE") == NULL);
	/* Strategy 1679's 2030 targets */
	CHECK_NEAR(srb->national, 109, 1e-9);
	CHECK_NEAR(tg_indicator("TFR")->national, 2.1, 1e-9);
	CHECK_NEAR(tg_indicator("PMC")->national, 90, 1e-9);
	CHECK(isnan(k12->national));
	CHECK(strstr(tg_national_source("vi"), "1679/QĐ-TTg") != NULL);
}

TEST(targets_progress_by_direction)
{
	int32_t jul1 = day_from_ymd(2026, 7, 1), dec31 = day_from_ymd(2026, 12, 31);
	/* 1 July 2026 is day 182 of 365: an accumulating target of 100 has a path of 49.86. */
	CHECK_NEAR(tg_year_gone(jul1), 182.0 / 365.0, 1e-12);
	CHECK_EQ(tg_progress_at(TG_COUNT, true, 50, 100, jul1), TG_ON_TRACK);
	CHECK_EQ(tg_progress_at(TG_COUNT, true, 49, 100, jul1), TG_BEHIND);
	CHECK_EQ(tg_progress_at(TG_COUNT, true, 100, 100, jul1), TG_REACHED);
	/* A level to reach (MCPR) is reached or behind: no path. */
	CHECK_EQ(tg_progress_at(TG_REACH, false, 69.9, 70, jul1), TG_BEHIND);
	/* SRB 115 against a ceiling of 109: passed; 105: kept so far, kept at the year's end. */
	CHECK_EQ(tg_progress_at(TG_CEILING, false, 115, 109, jul1), TG_BEHIND);
	CHECK_EQ(tg_progress_at(TG_CEILING, false, 105, 109, jul1), TG_ON_TRACK);
	CHECK_EQ(tg_progress_at(TG_CEILING, false, 105, 109, dec31), TG_REACHED);
	/* 30 third births by 1 July against a ceiling of 50 for the year: ahead of its path (24.9). */
	CHECK_EQ(tg_progress_at(TG_CEILING, true, 30, 50, jul1), TG_BEHIND);
	CHECK_EQ(tg_progress_at(TG_CEILING, true, 20, 50, jul1), TG_ON_TRACK);
	CHECK_EQ(tg_progress_at(TG_REACH, false, 50, NAN, jul1), TG_NO_TARGET);
}

TEST(targets_path_through_the_year)
{
	double p[12];
	tg_path(tg_indicator("12"), 365, 2026, p);
	CHECK_NEAR(p[0], 31, 1e-9);  /* 365 x 31/365 */
	CHECK_NEAR(p[1], 59, 1e-9);  /* + 28 */
	CHECK_NEAR(p[5], 181, 1e-9); /* to 30 June */
	CHECK_NEAR(p[11], 365, 1e-9);
	tg_path(tg_indicator("SRB"), 109, 2026, p);
	CHECK_NEAR(p[0], 109, 1e-9);
	CHECK_NEAR(p[11], 109, 1e-9);
}

static enum ds_rc parse(const char *text, struct rec *r, struct ds_problem *pb)
{
	return rec_parse_text(text, strlen(text), r, pb);
}

TEST(elderly_records_are_checked_and_canonical)
{
	struct rec r;
	struct ds_problem pb;
	CHECK_EQ(parse("{\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c\",\"kind\":\"elderly_session\",\"unit\":\"26734\","
		       "\"date\":\"2026-06-15\",\"body\":{\"place\":\"Trạm Y tế\",\"capacity\":60,\"areas\":[\"2673400101\"]}}",
		       &r, &pb),
		 DS_OK);
	CHECK_STR(r.key, "6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c");
	rec_free(&r);
	static const struct {
		const char *body, *field;
	} bad[] = {
		{"{\"capacity\":60,\"areas\":[\"2673400101\"]}", "body.place"},
		{"{\"place\":\"X\",\"capacity\":0,\"areas\":[\"2673400101\"]}", "body.capacity"},
		{"{\"place\":\"X\",\"capacity\":5,\"areas\":[]}", "body.areas"},
		{"{\"place\":\"X\",\"capacity\":5,\"areas\":[\"1\",\"1\"]}", "body.areas"},
		{"{\"place\":\"X\",\"capacity\":5,\"areas\":[\"ab\"]}", "body.areas"},
		{"{\"place\":\"X\",\"capacity\":5,\"areas\":[\"1\"],\"when\":1}", "body.when"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[400];
		snprintf(text, sizeof text,
			 "{\"id\":\"6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c\",\"kind\":\"elderly_session\",\"unit\":\"26734\","
			 "\"date\":\"2026-06-15\",\"body\":%s}",
			 bad[i].body);
		CHECK_EQ(parse(text, &r, &pb), DS_EINPUT);
		CHECK_STR(pb.field, bad[i].field);
		rec_free(&r);
	}
	CHECK_EQ(parse("{\"id\":\"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\",\"kind\":\"elderly_invite\",\"unit\":\"2673400101\","
		       "\"date\":\"2026-06-15\",\"body\":{\"session\":\"6F1C2A9E-0D1B-4C5E-8A7B-2D3E4F5A6B7C\",\"person\":\"E1\"}}",
		       &r, &pb),
		 DS_OK);
	CHECK_STR(r.key, "6f1c2a9e-0d1b-4c5e-8a7b-2d3e4f5a6b7c/E1");
	rec_free(&r);
	CHECK_EQ(parse("{\"id\":\"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\",\"kind\":\"elderly_invite\",\"unit\":\"2673400101\","
		       "\"date\":\"2026-06-15\",\"body\":{\"session\":\"nope\",\"person\":\"E1\"}}",
		       &r, &pb),
		 DS_EINPUT);
	CHECK_STR(pb.field, "body.session");
	rec_free(&r);
}
