/*
 * The monthly cycle: working days across Tết and other holidays (expected
 * days counted by hand on the calendar and the holiday table), deadlines,
 * which form a unit reports for a period, and who may submit and decide.
 */
#include <stdlib.h>

#include "base/day.h"
#include "register/rules.h"
#include "store/accounts.h"
#include "test.h"
#include "workflow/cycle.h"
#include "workflow/workdays.h"

#define D(y, m, d) day_from_ymd(y, m, d)

static int32_t deadline_of(const char *form, const char *period)
{
	struct rpt_period p;
	if (!rpt_period_parse(period, &p))
		return DAY_NONE;
	return wf_deadline(form, &p);
}

TEST(workdays_weekends_holidays_and_swaps)
{
	CHECK(wd_is_working(D(2025, 4, 25)));   /* Friday */
	CHECK(!wd_is_working(D(2025, 4, 27)));  /* Sunday */
	CHECK(wd_is_working(D(2025, 4, 26)));   /* a Saturday made a working day */
	CHECK(!wd_is_working(D(2025, 5, 2)));   /* the Friday swapped with it */
	CHECK(!wd_is_working(D(2025, 4, 7)));   /* Hùng Kings, 10/3 lunar */
	CHECK(!wd_is_working(D(2026, 4, 27)));  /* compensatory: Hùng Kings fell on Sunday 26 April */
	CHECK(wd_is_working(D(2026, 1, 10)));   /* Saturday made up for Friday 2 January */
	CHECK(!wd_is_working(D(2026, 1, 2)));
	CHECK(!wd_is_working(D(2023, 1, 2)));   /* 1 January 2023 was a Sunday */
	CHECK(!wd_is_working(D(2024, 9, 3)));   /* the day after National Day */
	for (int d = 27; d <= 31; d++)          /* Tết Ất Tỵ */
		CHECK(!wd_is_working(D(2025, 1, d)));
	for (int d = 16; d <= 20; d++)          /* Tết Bính Ngọ */
		CHECK(!wd_is_working(D(2026, 2, d)));
	CHECK(wd_is_working(D(2026, 2, 23)));
	/* National Day 2026 (notice 9441/TB-BNV): Monday 31 August off, made
	 * up on Saturday 22 August; 1 and 2 September are the holidays. */
	CHECK(!wd_is_working(D(2026, 8, 31)) && !wd_is_working(D(2026, 9, 1)) && !wd_is_working(D(2026, 9, 2)));
	CHECK(wd_is_working(D(2026, 8, 22)));
	/* July 2026, due Friday 7 August; on Monday 24 August: 10-14 and
	 * 17-21 August, Saturday 22 and Monday 24, 12 working days late. */
	CHECK_EQ(deadline_of("01-DSX", "2026-07"), D(2026, 8, 7));
	CHECK_EQ(wf_late_days(D(2026, 8, 7), D(2026, 8, 24)), 12);
	/* August 2026: 31 August, 1 and 2 September off, then 3, 4, 7, 8, 9. */
	CHECK_EQ(deadline_of("01-DSX", "2026-08"), D(2026, 9, 9));
	CHECK_STR(wd_holiday_name(D(2026, 2, 17)), "Tết Nguyên đán");
	CHECK(wd_holiday_name(D(2026, 2, 23)) == NULL);
	CHECK(wd_year_known(2023) && wd_year_known(2027) && !wd_year_known(2022));
	/* Outside the table only weekends count. */
	CHECK(wd_is_working(D(2030, 1, 1)));
	CHECK_EQ(wd_count(D(2025, 4, 25), D(2025, 4, 28)), 2); /* Saturday 26 and Monday 28 */
	CHECK_EQ(wd_count(D(2026, 2, 13), D(2026, 2, 23)), 1); /* Tết week: only Monday 23 */
	CHECK_EQ(wd_count(D(2026, 2, 23), D(2026, 2, 23)), 0);
}

TEST(workdays_deadlines_across_tet)
{
	/* December 2024: 1 January off, then 2, 3, 6, 7, 8 January. */
	CHECK_EQ(deadline_of("01-DSX", "2024-12"), D(2025, 1, 8));
	/* January 2024: 1, 2, 5, 6, 7 February, the eve of Tết (8-14 off). */
	CHECK_EQ(deadline_of("01-DSX", "2024-01"), D(2024, 2, 7));
	/* Submitted on 15 February: 8 calendar days late, one working day. */
	CHECK_EQ(wf_late_days(D(2024, 2, 7), D(2024, 2, 15)), 1);
	/* January 2026: due Friday 6 February; on Monday 23 February, after
	 * the Tết week, 6 working days late (9-13 and 23 February). */
	CHECK_EQ(deadline_of("01-DSX", "2026-01"), D(2026, 2, 6));
	CHECK_EQ(wf_late_days(D(2026, 2, 6), D(2026, 2, 23)), 6);
	/* March 2025: 1-4 April, 7 April is Hùng Kings, so 8 April. */
	CHECK_EQ(deadline_of("01-DSX", "2025-03"), D(2025, 4, 8));
	/* April 2025: 30 April, 1 and 2 May off, weekend, then 5-9 May. */
	CHECK_EQ(deadline_of("01-DSX", "2025-04"), D(2025, 5, 9));
	/* The fourth quarter of 2025: 1 and 2 January 2026 off, 5-9 January;
	 * Saturday 10 January is a working day, so a report that day is one day late. */
	CHECK_EQ(deadline_of("02-DSX", "2025-Q4"), D(2026, 1, 9));
	CHECK_EQ(wf_late_days(D(2026, 1, 9), D(2026, 1, 10)), 1);
	CHECK_EQ(wf_late_days(D(2026, 1, 9), D(2026, 1, 9)), 0);
	CHECK_EQ(wf_late_days(D(2026, 1, 9), D(2026, 1, 11)), 1); /* a Sunday adds nothing */
	/* The year 2025: the same days as its last quarter. */
	CHECK_EQ(deadline_of("03-DSX", "2025"), D(2026, 1, 9));
	/* The district's quarter: 15 days. */
	CHECK_EQ(deadline_of("01-DSH", "2025-Q1"), D(2025, 4, 15));
}

static void tree(struct reg_units *t)
{
	static const struct reg_unit rows0[] = {
		{"01", "P2", LVL_PROVINCE, "", DAY_NONE, DAY_MAX},
		{"00004", "Other", LVL_COMMUNE, "01", DAY_NONE, DAY_MAX},
		{"00004001", "V", LVL_VILLAGE, "00004", DAY_NONE, DAY_MAX},
		{"0000400101", "A", LVL_AREA, "00004001", DAY_NONE, DAY_MAX},
		{"2673400101", "A", LVL_AREA, "26734001", DAY_NONE, DAY_MAX},
		{"26734", "Old", LVL_COMMUNE, "760", DAY_NONE, 20269},
		{"26734001", "V", LVL_VILLAGE, "26734", DAY_NONE, 20269},
		{"26734001", "V", LVL_VILLAGE, "26740", 20270, DAY_MAX},
		{"26740", "New", LVL_COMMUNE, "79", 20270, DAY_MAX},
		{"760", "D", LVL_DISTRICT, "79", DAY_NONE, 20269},
		{"79", "P", LVL_PROVINCE, "", DAY_NONE, DAY_MAX},
	};
	struct reg_unit *rows = malloc(sizeof rows0);
	memcpy(rows, rows0, sizeof rows0);
	CHECK_EQ(reg_units_build(t, rows, sizeof rows0 / sizeof rows0[0]), DS_OK);
}

TEST(cycle_forms_fit_levels_and_periods)
{
	struct rpt_period m, q, old_q, y;
	CHECK(rpt_period_parse("2026-03", &m) && rpt_period_parse("2026-Q1", &q) &&
	      rpt_period_parse("2025-Q2", &old_q) && rpt_period_parse("2025", &y));
	CHECK_EQ(wf_form_fits("01-DSX", &m, LVL_COMMUNE), W_NONE);
	CHECK_EQ(wf_form_fits("01-DSX", &q, LVL_COMMUNE), W_FORM_PERIOD);
	CHECK_EQ(wf_form_fits("02-DSX", &q, LVL_COMMUNE), W_NONE);
	CHECK_EQ(wf_form_fits("03-DSX", &y, LVL_COMMUNE), W_NONE);
	CHECK_EQ(wf_form_fits("01-DSX", &m, LVL_PROVINCE), W_FORM_LEVEL);
	CHECK_EQ(wf_form_fits("CHI-BAO", &m, LVL_COMMUNE), W_FORM_NOT_SUBMITTED);
	/* The district form only for quarters that ended before 1 July 2025. */
	CHECK_EQ(wf_form_fits("01-DSH", &old_q, LVL_DISTRICT), W_NONE);
	CHECK_EQ(wf_form_fits("01-DSH", &q, LVL_DISTRICT), W_FORM_LEVEL);
	CHECK_EQ(wf_form_fits("01-DSH", &m, LVL_DISTRICT), W_FORM_PERIOD);
}

TEST(cycle_who_submits_and_who_decides)
{
	struct reg_units t;
	tree(&t);
	struct rpt_period now, before, future;
	CHECK(rpt_period_parse("2026-10", &now) && rpt_period_parse("2025-03", &before) &&
	      rpt_period_parse("2026-11", &future));
	int32_t today = day_today(); /* 2026-11-22 in the unit tests */
	struct wf_actor commune = {ROLE_COMMUNE, "xa", "26740"}, other = {ROLE_COMMUNE, "khac", "00004"},
			province = {ROLE_PROVINCE, "tinh", "79"}, national = {ROLE_NATIONAL, "tw", ""},
			far = {ROLE_PROVINCE, "hn", "01"};
	bool hidden;
	CHECK_EQ(wf_may_submit(&t, &commune, "01-DSX", "26740", &now, today, &hidden), W_NONE);
	CHECK(!hidden);
	/* The merged-away commune's March 2025: its areas are the officer's now. */
	CHECK_EQ(wf_may_submit(&t, &commune, "01-DSX", "26734", &before, today, &hidden), W_NONE);
	/* ... but the new commune did not exist then. */
	CHECK_EQ(wf_may_submit(&t, &commune, "01-DSX", "26740", &before, today, &hidden), W_NO_UNIT);
	CHECK(hidden);
	CHECK_EQ(wf_may_submit(&t, &commune, "01-DSX", "26740", &future, today, &hidden), W_PERIOD_NOT_ENDED);
	CHECK(!hidden);
	CHECK_EQ(wf_may_submit(&t, &other, "01-DSX", "26740", &now, today, &hidden), W_NO_UNIT);
	CHECK(hidden);
	CHECK_EQ(wf_may_submit(&t, &province, "01-DSX", "26740", &now, today, &hidden), W_WRONG_LEVEL);
	/* Deciding: the province, on the period's map; before July 2025 for the
	 * district, whose office is the province's now. */
	CHECK_EQ(wf_may_decide(&t, &province, "01-DSX", "26740", &now, &hidden), W_NONE);
	CHECK_EQ(wf_may_decide(&t, &province, "01-DSX", "26734", &before, &hidden), W_NONE);
	CHECK_EQ(wf_may_decide(&t, &commune, "01-DSX", "26740", &now, &hidden), W_WRONG_LEVEL);
	CHECK_EQ(wf_may_decide(&t, &national, "01-DSX", "26740", &now, &hidden), W_WRONG_LEVEL);
	CHECK(!hidden);
	CHECK_EQ(wf_may_decide(&t, &far, "01-DSX", "26740", &now, &hidden), W_NO_UNIT);
	CHECK(hidden);
	reg_units_free(&t);
}

/* The rows of form an event can change in period (wf_event_reads against
 * each row's reads), their codes joined by commas. */
static void rows_hit(const struct rpt_defs *d, const char *form, const struct reg_fact *f, const char *period,
		     char *out, size_t outsz)
{
	struct rpt_period p;
	const struct rpt_form *fm = rpt_form_find(d, form);
	out[0] = '\0';
	if (!fm || !rpt_period_parse(period, &p))
		return;
	uint32_t reads = wf_event_reads(f, &p);
	size_t n = 0;
	for (size_t r = 0; r < fm->nrows; r++)
		if (fm->rows[r].reads & reads)
			n += (size_t)snprintf(out + n, n < outsz ? outsz - n : 0, "%s%s", n ? "," : "", fm->rows[r].code);
}

static bool has_row(const char *list, const char *code)
{
	size_t n = strlen(code);
	for (const char *s = list; (s = strstr(s, code)); s += n)
		if ((s == list || s[-1] == ',') && (s[n] == ',' || !s[n]))
			return true;
	return false;
}

TEST(cycle_events_behind_each_row)
{
	/* Worked out by hand from defs/forms/01-DSX.json: 1, 1a read hh();
	 * 2, 3, 4 pop(); 3a-3a.8 fp(); 5-5d birth(); 6, 6a death(); 9-10
	 * marriage(); 12-12a fp_start(); 14-14a.3 pregnancy(); 17 elderly(). */
#define FP_ROWS "3a,3a.1,3a.2,3a.3,3a.4,3a.5,3a.6,3a.7,3a.8"
#define START_ROWS "12,12.1,12.2,12.3,12.4,12.5,12.6,12.7,12.8,12.9,12a"
	static const struct {
		int type;
		int32_t date;
		int32_t a, b;
		const char *want;
	} cases[] = {
		{EV_BIRTH, 20473, 0, 0, "1,1a,2,3,4,5,5a,5b,5c,5d"},
		/* a death counts in death() and leaves the stocks, fp() too */
		{EV_DEATH, 20481, 0, 0, "1,1a,2,3," FP_ROWS ",4,6,6a"},
		/* dated before the month (recorded late): the stocks only */
		{EV_DEATH, 20442, 0, 0, "1,1a,2,3," FP_ROWS ",4"},
		/* after the month: nothing of January */
		{EV_DEATH, 20487, 0, 0, ""},
		{EV_ELDERLY_CHECK, 20465, 0, 0, "17"},
		{EV_FP_START, 20458, 0, 0, FP_ROWS "," START_ROWS},
		{EV_MARRIAGE, 20458, 0, 0, "2,3," FP_ROWS ",4,9,9a,9b,9c,10"},
		{EV_PREGNANCY, 20458, 0, 0, "14,14a.1,14a.2,14a.3"},
		/* a household's poverty for 2026 classifies its fp_start rows */
		{EV_HOUSEHOLD_CHANGE, 20458, 0, 2026, "1,1a," START_ROWS},
		/* a name changes no count */
		{EV_INFO_CHANGE, 20458, FLD_FULL_NAME, 0, ""},
	};
	CHECK_EQ(D(2026, 1, 20), 20473);
	CHECK_EQ(D(2026, 1, 28), 20481);
	CHECK_EQ(D(2025, 12, 20), 20442);
	CHECK_EQ(D(2026, 2, 3), 20487);
	CHECK_EQ(D(2026, 1, 12), 20465);
	CHECK_EQ(D(2026, 1, 5), 20458);
	struct rpt_defs d;
	char err[200], got[1024];
	CHECK_EQ(rpt_defs_load(&d, err, sizeof err), DS_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct reg_fact f = {.type = (uint8_t)cases[i].type, .date = cases[i].date, .a = cases[i].a,
				     .b = cases[i].b};
		rows_hit(&d, "01-DSX", &f, "2026-01", got, sizeof got);
		CHECK_STR(got, cases[i].want);
	}
	/* A birth date correction: any row with an age, whenever it is dated. */
	struct reg_fact born = {.type = EV_INFO_CHANGE, .date = D(2026, 3, 5), .a = reg_info_a(FLD_BIRTH_DATE, 0)};
	rows_hit(&d, "01-DSX", &born, "2026-01", got, sizeof got);
	CHECK(has_row(got, "4") && has_row(got, "6a") && has_row(got, "17") && has_row(got, "9a"));
	CHECK(!has_row(got, "1") && !has_row(got, "14") && !has_row(got, "16"));
	/* The second quarter's ELC reads elderly@ytd() and row("4"): a check in
	 * February is behind it, not behind row 17 (the quarter's checks); a
	 * death in May is behind it through row 4. */
	struct reg_fact check = {.type = EV_ELDERLY_CHECK, .date = D(2026, 2, 10)};
	rows_hit(&d, "02-DSX", &check, "2026-Q2", got, sizeof got);
	CHECK_STR(got, "ELC");
	struct reg_fact death = {.type = EV_DEATH, .date = D(2026, 5, 10)};
	rows_hit(&d, "02-DSX", &death, "2026-Q2", got, sizeof got);
	CHECK(has_row(got, "ELC") && has_row(got, "4") && has_row(got, "6") && has_row(got, "MCPR"));
	CHECK(!has_row(got, "17") && !has_row(got, "5"));
	rpt_defs_free(&d);
#undef FP_ROWS
#undef START_ROWS
}
