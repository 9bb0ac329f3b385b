/*
 * The engine's projection inputs on the counting-rules fixture
 * (tests/data/rules, see its README): population, exact exposure, births,
 * deaths and moves for 2024, every expected number worked out by hand from
 * the fixture's files below.
 */
#include <stdlib.h>

#include "base/day.h"
#include "fixture.h"
#include "test.h"

#define RULES "tests/data/rules/"
#define M 0
#define F 1

static int32_t D(int y, int m, int d)
{
	return day_from_ymd(y, m, d);
}

static bool open_rules(struct test_register *r)
{
	return test_register_open(r, RULES, D(2024, 1, 1), "rules-demog.db");
}

/* Every cell of a [2][ENG_AGES] array is zero but those listed. */
struct cell {
	int sex, age;
	int64_t want;
};
static void expect_cells(const int64_t (*got)[ENG_AGES], const struct cell *cells, size_t n,
			 const char *what)
{
	int64_t want[2][ENG_AGES] = {{0}};
	for (size_t i = 0; i < n; i++)
		want[cells[i].sex][cells[i].age] = cells[i].want;
	for (int s = 0; s < 2; s++)
		for (int x = 0; x < ENG_AGES; x++)
			if (got[s][x] != want[s][x]) {
				fprintf(stderr, "  %s: sex %d age %d is %lld, expected %lld\n", what, s, x,
					(long long)got[s][x], (long long)want[s][x]);
				test_failures_in_current++;
			}
}

TEST(engine_dm_exposure_by_hand_commune_26734)
{
	struct test_register r;
	if (!open_rules(&r))
		return;
	/*
	 * Commune 26734 (area 2673400101: households H1, H2), 2024 (366 days),
	 * under the map of 2024-12-31.  Spells present in the area:
	 *   A1 M born 1990-05-01, all year: 33 from 01-01 to 04-30 = 31+29+31+30
	 *      = 121 days; 34 from 05-01 = 366-121 = 245.
	 *   A2 F born 1992-02-10, all year (A5's birth is voided): 31 for
	 *      01-01..02-09 = 31+9 = 40; 32 for the other 326.
	 *   A3 F born 2006-03-01, leaves for H4 on 2024-03-01 (the spell ends
	 *      that day): 01-01..02-29 = 31+29 = 60 days, all at 17 (her 18th
	 *      birthday is the day she leaves).
	 *   A4 M born 2004-06-15, all year: 19 for 01-01..06-14 =
	 *      31+29+31+30+31+14 = 166; 20 for 366-166 = 200.
	 *   B1 F born "1964" (counted as 1964-07-15), absent from 12-01: present
	 *      01-01..11-30 = 335 days; 59 for 01-01..07-14 = 31+29+31+30+31+30+14
	 *      = 196; 60 for 335-196 = 139.
	 *   B2 is an absent resident: no spell, no exposure.
	 */
	const struct eng_view *v = engine_read(r.e);
	struct eng_dm_exposure x;
	CHECK_EQ(engine_dm_exposure(v, "26734", D(2024, 12, 31), D(2024, 1, 1), D(2024, 12, 31), &x),
		 DS_OK);
	static const struct cell want[] = {
		{M, 33, 121}, {M, 34, 245}, {M, 19, 166}, {M, 20, 200}, {F, 31, 40},
		{F, 32, 326}, {F, 17, 60},  {F, 59, 196}, {F, 60, 139},
	};
	expect_cells((const int64_t(*)[ENG_AGES])x.days, want, sizeof want / sizeof want[0],
		     "exposure 26734");
	/* 121+245+166+200 man-days, 40+326+60+196+139 woman-days. */
	CHECK(eng_dm_years(732) > 2.0040 && eng_dm_years(732) < 2.0042);
	engine_read_end(v);
	test_register_close(&r);
}

TEST(engine_dm_exposure_by_hand_commune_26737)
{
	struct test_register r;
	if (!open_rules(&r))
		return;
	/*
	 * Commune 26737 (area 2673700101: H3, H4), 2024:
	 *   C1 M born 1985-01-01, moves out 06-01: 01-01..05-31 =
	 *      31+29+31+30+31 = 152 days at 39 (his birthday is 01-01).
	 *   C2 F born 1988-08-08, all year: 35 for 01-01..08-07 =
	 *      31+29+31+30+31+30+31+7 = 220; 36 for 146.
	 *   C3 F born 2000-01-01: 366 days at 24.
	 *   C4 M born 2024-02-01 to C2: 02-01..12-31 = 366-31 = 335 at 0.
	 *   D1 M born 1999-09-09, moves from H4 to H3 on 03-15, inside the
	 *      area: two spells, 74 + 292 = 366 days; 24 for 01-01..09-08 =
	 *      31+29+31+30+31+30+31+31+8 = 252; 25 for 114.
	 *   D2 F born 1970-01-01: 366 at 54.
	 *   A3 F born 2006-03-01, in H4 from 03-01: 306 days, at 18 from her
	 *      birthday that day.
	 *   E1 M born "1980" (1980-07-15), moves in 06-02: 06-02..12-31 = 213
	 *      days; 43 for 06-02..07-14 = 29+14 = 43; 44 for 170.
	 */
	const struct eng_view *v = engine_read(r.e);
	struct eng_dm_exposure x;
	CHECK_EQ(engine_dm_exposure(v, "26737", D(2024, 12, 31), D(2024, 1, 1), D(2024, 12, 31), &x),
		 DS_OK);
	static const struct cell want[] = {
		{M, 39, 152}, {M, 0, 335},  {M, 24, 252}, {M, 25, 114}, {M, 43, 43},  {M, 44, 170},
		{F, 35, 220}, {F, 36, 146}, {F, 24, 366}, {F, 54, 366}, {F, 18, 306},
	};
	expect_cells((const int64_t(*)[ENG_AGES])x.days, want, sizeof want / sizeof want[0],
		     "exposure 26737");
	/* A period inside the year: March alone.  C1 31 at 39, C2 31 at 35,
	 * C3 31 at 24, C4 31 at 0, D1 31 at 24, D2 31 at 54, A3 31 at 18
	 * (from 03-01, her first day there). */
	CHECK_EQ(engine_dm_exposure(v, "26737", D(2024, 12, 31), D(2024, 3, 1), D(2024, 3, 31), &x),
		 DS_OK);
	static const struct cell march[] = {
		{M, 39, 31}, {M, 0, 31}, {M, 24, 31}, {F, 35, 31}, {F, 24, 31}, {F, 54, 31}, {F, 18, 31},
	};
	expect_cells((const int64_t(*)[ENG_AGES])x.days, march, sizeof march / sizeof march[0],
		     "exposure 26737 March");
	engine_read_end(v);
	test_register_close(&r);
}

TEST(engine_dm_exposure_follows_the_map)
{
	struct test_register r;
	if (!open_rules(&r))
		return;
	/* Under the 2026 map both areas are commune 26740: the two communes'
	 * exposure together; under the 2024 map 26740 has no areas. */
	const struct eng_view *v = engine_read(r.e);
	struct eng_dm_exposure a, b, both;
	int32_t y0 = D(2024, 1, 1), y1 = D(2024, 12, 31);
	CHECK_EQ(engine_dm_exposure(v, "26734", y1, y0, y1, &a), DS_OK);
	CHECK_EQ(engine_dm_exposure(v, "26737", y1, y0, y1, &b), DS_OK);
	CHECK_EQ(engine_dm_exposure(v, "26740", D(2026, 1, 1), y0, y1, &both), DS_OK);
	int64_t sum = 0;
	for (int s = 0; s < 2; s++)
		for (int x = 0; x < ENG_AGES; x++) {
			CHECK_EQ(both.days[s][x], a.days[s][x] + b.days[s][x]);
			sum += both.days[s][x];
		}
	/* 26734: 732 + 761; 26737: 152+335+366+43+170 M + 220+146+366+366+306 F. */
	CHECK_EQ(sum, 732 + 761 + 152 + 335 + 366 + 43 + 170 + 220 + 146 + 366 + 366 + 306);
	CHECK_EQ(engine_dm_exposure(v, "26740", y1, y0, y1, &both), DS_OK);
	for (int x = 0; x < ENG_AGES; x++)
		CHECK_EQ(both.days[0][x] + both.days[1][x], 0);
	CHECK_EQ(engine_dm_exposure(v, "99999", y1, y0, y1, &both), DS_ENOTFOUND);
	engine_read_end(v);
	test_register_close(&r);
}

TEST(engine_dm_population_and_flows_by_hand)
{
	struct test_register r;
	if (!open_rules(&r))
		return;
	const struct eng_view *v = engine_read(r.e);
	int32_t y0 = D(2024, 1, 1), y1 = D(2024, 12, 31);
	/* On 2024-01-01 in 26734: A1 33, A4 19 (men); A2 31, A3 17, B1 59. */
	struct eng_dm_pop p;
	CHECK_EQ(engine_dm_population(v, "26734", y1, y0, &p), DS_OK);
	static const struct cell start[] = {{M, 33, 1}, {M, 19, 1}, {F, 31, 1}, {F, 17, 1}, {F, 59, 1}};
	expect_cells((const int64_t(*)[ENG_AGES])p.n, start, 5, "population 2024-01-01");
	/* On 2024-12-31: A1 34, A4 20, A2 32 (A3 left, B1 absent). */
	CHECK_EQ(engine_dm_population(v, "26734", y1, y1, &p), DS_OK);
	static const struct cell end[] = {{M, 34, 1}, {M, 20, 1}, {F, 32, 1}};
	expect_cells((const int64_t(*)[ENG_AGES])p.n, end, 3, "population 2024-12-31");

	/* 26734: B2 (M, born 1950-01-01) dies 2024-04-01 at 74, absent but
	 * counted; A3 leaves for 26737 on her 18th birthday; A5's birth is
	 * voided. */
	struct eng_dm_flows fl;
	CHECK_EQ(engine_dm_flows(v, "26734", y1, y0, y1, &fl), DS_OK);
	static const struct cell deaths[] = {{M, 74, 1}};
	expect_cells((const int64_t(*)[ENG_AGES])fl.deaths, deaths, 1, "deaths 26734");
	static const struct cell out[] = {{F, 18, 1}};
	expect_cells((const int64_t(*)[ENG_AGES])fl.out, out, 1, "out 26734");
	expect_cells((const int64_t(*)[ENG_AGES])fl.in, NULL, 0, "in 26734");
	for (int s = 0; s < 2; s++)
		for (int x = 0; x < ENG_MOTHER_AGES; x++)
			CHECK_EQ(fl.births[s][x], 0);

	/* 26737: C4, a boy, born to C2 (born 1988-08-08) on 2024-02-01, at 35;
	 * in: A3 (F 18), E1 (M, born 1980-07-15, on 06-02 at 43); out: C1 (M 39);
	 * D1's move inside the commune is no migration. */
	CHECK_EQ(engine_dm_flows(v, "26737", y1, y0, y1, &fl), DS_OK);
	CHECK_EQ(fl.births[M][35 - ENG_MOTHER_AGE0], 1);
	int64_t births = 0;
	for (int s = 0; s < 2; s++)
		for (int x = 0; x < ENG_MOTHER_AGES; x++)
			births += fl.births[s][x];
	CHECK_EQ(births, 1);
	static const struct cell in7[] = {{F, 18, 1}, {M, 43, 1}};
	expect_cells((const int64_t(*)[ENG_AGES])fl.in, in7, 2, "in 26737");
	static const struct cell out7[] = {{M, 39, 1}};
	expect_cells((const int64_t(*)[ENG_AGES])fl.out, out7, 1, "out 26737");
	expect_cells((const int64_t(*)[ENG_AGES])fl.deaths, NULL, 0, "deaths 26737");

	/* District 760 (both communes): A3's move crosses no boundary of the
	 * district; it counts in and out, and its net is zero. */
	CHECK_EQ(engine_dm_flows(v, "760", y1, y0, y1, &fl), DS_OK);
	CHECK_EQ(fl.in[F][18] - fl.out[F][18], 0);
	CHECK_EQ(fl.in[M][43], 1);
	CHECK_EQ(fl.out[M][39], 1);
	/* Under the 2026 map the two are one commune: A3's move is no migration. */
	CHECK_EQ(engine_dm_flows(v, "26740", D(2026, 1, 1), y0, y1, &fl), DS_OK);
	CHECK_EQ(fl.in[F][18], 0);
	CHECK_EQ(fl.out[F][18], 0);
	CHECK_EQ(engine_dm_flows(v, "nope", y1, y0, y1, &fl), DS_ENOTFOUND);
	/* Both communes in one pass: each as counted alone; A3 leaves one for
	 * the other. */
	const char *const both[] = {"26734", "26737"};
	struct eng_dm_flows many[2], one;
	CHECK_EQ(engine_dm_flows_many(v, both, 2, y1, y0, y1, many), DS_OK);
	for (int u = 0; u < 2; u++) {
		CHECK_EQ(engine_dm_flows(v, both[u], y1, y0, y1, &one), DS_OK);
		CHECK(memcmp(&one, &many[u], sizeof one) == 0);
	}
	CHECK_EQ(many[0].out[F][18], 1);
	CHECK_EQ(many[1].in[F][18], 1);
	const char *const bad[] = {"26734", "nope"};
	CHECK_EQ(engine_dm_flows_many(v, bad, 2, y1, y0, y1, many), DS_ENOTFOUND);
	engine_read_end(v);
	test_register_close(&r);
}

/*
 * Birthdays on 29 February and 31 December, and a centenarian, over four
 * years with a leap year at the end: a register of three persons made here,
 * as of 2021-01-01, with one health check and no other event.
 */
static bool write_file(const char *dir, const char *name, const char *text)
{
	char path[400];
	snprintf(path, sizeof path, "%s%s", dir, name);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

TEST(engine_dm_exposure_leap_day_birthdays)
{
	char dir[300];
	snprintf(dir, sizeof dir, "%s/leap-", test_tmpdir());
	write_file(dir, "units.csv",
		   "code,name,level,parent_code,valid_from,valid_to\n79,P,province,,,\n"
		   "26734,X,commune,79,,\n26734001,T,village,26734,,\n2673400101,A,area,26734001,,\n");
	write_file(dir, "households.csv", "household_id,area_code,number,address,type,poverty\n"
					  "H1,2673400101,1,S,1,0\n");
	write_file(dir, "persons.csv",
		   "person_id,household_id,full_name,sex,birth_date,relation,ethnicity,education,"
		   "marital,residence,insurance_no,national_id,fp_method,fp_since\n"
		   "L1,H1,Lê Thị Nhuận,2,2000-02-29,3,01,3,1,1,,,,\n"
		   "L2,H1,Lê Văn Cuối,1,1999-12-31,1,01,3,1,1,,,,\n"
		   "L3,H1,Lê Văn Thọ,1,1920-06-01,8,01,1,3,1,,,,\n");
	/* One event that changes no one's presence: the engine under UBSan does
	 * not load a register whose event log is empty (qsort and memcpy of a
	 * NULL array in engine_load.c and engine_spells.c). */
	write_file(dir, "events.ndjson",
		   "{\"id\":\"00000000-0000-4000-8000-000000000301\",\"type\":\"elderly_check\","
		   "\"date\":\"2022-05-01\",\"person\":\"L3\",\"facility\":\"TYT\"}\n");
	struct test_register r;
	if (!test_register_open(&r, dir, D(2021, 1, 1), "leap.db"))
		return;
	/*
	 * 2021-01-01 .. 2024-12-31 (1,461 days):
	 *   L1 F born 2000-02-29, 20 on 2021-01-01, a year older on 1 March in
	 *      2021-2023 and on 29 February in 2024: 2021: 59 days (01-01..02-28)
	 *      at 20, 306 at 21; 2022: 59 at 21, 306 at 22; 2023: 59 at 22, 306
	 *      at 23; 2024: 59 at 23, 307 (02-29..12-31) at 24.  So 20: 59,
	 *      21: 365, 22: 365, 23: 365, 24: 307.
	 *   L2 M born 1999-12-31, 21 on 2021-01-01: 364 days at 21 and 12-31 at
	 *      22 in 2021, and so on; 2024 has 365 days before 12-31.  So 21:
	 *      364, 22: 365, 23: 365, 24: 366, 25: 1.
	 *   L3 M born 1920-06-01: 100 and over, all 1,461 days.
	 */
	const struct eng_view *v = engine_read(r.e);
	struct eng_dm_exposure x;
	CHECK_EQ(engine_dm_exposure(v, "26734", D(2024, 12, 31), D(2021, 1, 1), D(2024, 12, 31), &x),
		 DS_OK);
	static const struct cell want[] = {
		{F, 20, 59},  {F, 21, 365}, {F, 22, 365}, {F, 23, 365}, {F, 24, 307}, {M, 21, 364},
		{M, 22, 365}, {M, 23, 365}, {M, 24, 366}, {M, 25, 1},	{M, 100, 1461},
	};
	expect_cells((const int64_t(*)[ENG_AGES])x.days, want, sizeof want / sizeof want[0],
		     "exposure 2021-2024");
	/* A period inside a year: 2024-02-20 .. 2024-03-05 (15 days): L1 9 at
	 * 23 (02-20..02-28) and 6 at 24; L2 15 at 24; L3 15 at 100+. */
	CHECK_EQ(engine_dm_exposure(v, "26734", D(2024, 12, 31), D(2024, 2, 20), D(2024, 3, 5), &x),
		 DS_OK);
	static const struct cell feb[] = {{F, 23, 9}, {F, 24, 6}, {M, 24, 15}, {M, 100, 15}};
	expect_cells((const int64_t(*)[ENG_AGES])x.days, feb, 4, "exposure February 2024");
	/* Longer than 8 calendar years: the caller's mistake. */
	CHECK_EQ(engine_dm_exposure(v, "26734", D(2024, 12, 31), D(2015, 1, 1), D(2024, 12, 31), &x),
		 DS_EUSAGE);
	engine_read_end(v);
	test_register_close(&r);
}
