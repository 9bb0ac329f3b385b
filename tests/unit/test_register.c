/* The domain: records, events, rules.  Every rule of domain.md has a case. */
#include <stdlib.h>

#include "base/day.h"
#include "register/codes.h"
#include "register/event.h"
#include "register/record.h"
#include "register/rules.h"
#include "register/units.h"
#include "test.h"

static int32_t D(int y, int m, int d)
{
	return day_from_ymd(y, m, d);
}

static enum ds_why set_p(struct reg_person *p, enum reg_pcol c, const char *v)
{
	return reg_person_set(p, c, v, strlen(v));
}

TEST(person_columns)
{
	struct reg_person p;
	reg_person_init(&p);
	CHECK_EQ(set_p(&p, PC_ID, "P-1.a_b"), W_NONE);
	CHECK_EQ(set_p(&p, PC_ID, "P 1"), W_BAD_ID);
	CHECK_EQ(set_p(&p, PC_ID, ""), W_REQUIRED);
	CHECK_EQ(set_p(&p, PC_NAME, "  Nguyễn   Văn  An "), W_NONE);
	CHECK_STR(p.full_name, "Nguyễn Văn An");
	CHECK_EQ(set_p(&p, PC_NAME, "An\x01"), W_CONTROL_CHAR);
	CHECK_EQ(set_p(&p, PC_NAME, "\xc3"), W_UTF8);
	CHECK_EQ(set_p(&p, PC_SEX, "3"), W_BAD_CODE);
	CHECK_EQ(set_p(&p, PC_BIRTH, "1950"), W_NONE);
	CHECK_EQ(p.birth, D(1950, 7, 15));
	CHECK_EQ(set_p(&p, PC_BIRTH, "1950-02"), W_NONE);
	CHECK_EQ(p.birth, D(1950, 2, 15));
	CHECK_EQ(set_p(&p, PC_BIRTH, "1950-02-30"), W_BAD_PARTIAL_DATE);
	CHECK_EQ(set_p(&p, PC_ETHNICITY, "55"), W_NONE);
	CHECK_EQ(set_p(&p, PC_ETHNICITY, "56"), W_BAD_CODE);
	CHECK_EQ(set_p(&p, PC_ETHNICITY, "1"), W_BAD_CODE);
	CHECK_EQ(set_p(&p, PC_RELATION, "9"), W_BAD_CODE);
	CHECK_EQ(set_p(&p, PC_EDUCATION, "6"), W_BAD_CODE);
	CHECK_EQ(set_p(&p, PC_MARITAL, "0"), W_BAD_CODE);
	CHECK_EQ(set_p(&p, PC_RESIDENCE, "4"), W_BAD_CODE);
	CHECK_EQ(set_p(&p, PC_NATIONAL_ID, "07908000000"), W_BAD_NATIONAL_ID);
	CHECK_EQ(set_p(&p, PC_NATIONAL_ID, "07908000000a"), W_BAD_NATIONAL_ID);
	CHECK_EQ(set_p(&p, PC_NATIONAL_ID, "079080000001"), W_NONE);
	CHECK_EQ(set_p(&p, PC_NATIONAL_ID, ""), W_NONE);
	CHECK_EQ(set_p(&p, PC_INSURANCE, "GD4797923456789"), W_NONE);
	CHECK_EQ(set_p(&p, PC_INSURANCE, "gd12"), W_BAD_INSURANCE_NO);
	CHECK_EQ(set_p(&p, PC_FP_SINCE, "2020-13"), W_BAD_MONTH);
	CHECK_EQ(set_p(&p, PC_FP_METHOD, "10"), W_BAD_CODE);
}

TEST(person_cross_rules)
{
	struct reg_person p;
	enum reg_pcol col;
	reg_person_init(&p);
	set_p(&p, PC_SEX, "1");
	set_p(&p, PC_BIRTH, "1990-01-01");
	CHECK_EQ(reg_person_check(&p, D(2024, 1, 1), &col), W_NONE);
	set_p(&p, PC_FP_METHOD, "1");
	CHECK_EQ(reg_person_check(&p, D(2024, 1, 1), &col), W_FP_MALE);
	CHECK_EQ(col, PC_FP_METHOD);
	set_p(&p, PC_FP_METHOD, "");
	set_p(&p, PC_FP_SINCE, "2020-01");
	CHECK_EQ(reg_person_check(&p, D(2024, 1, 1), &col), W_FP_SINCE_NO_METHOD);
	reg_person_init(&p);
	set_p(&p, PC_SEX, "2");
	set_p(&p, PC_BIRTH, "2024-02-01");
	CHECK_EQ(reg_person_check(&p, D(2024, 1, 1), &col), W_BORN_AFTER_BASELINE);
}

TEST(household_columns)
{
	struct reg_household h;
	reg_household_init(&h);
	CHECK_EQ(reg_household_set(&h, HC_NUMBER, "123", 3), W_NONE);
	CHECK_EQ(reg_household_set(&h, HC_NUMBER, "123.1", 5), W_NONE);
	CHECK_EQ(reg_household_set(&h, HC_NUMBER, "12a", 3), W_BAD_HOUSEHOLD_NUMBER);
	CHECK_EQ(reg_household_set(&h, HC_NUMBER, ".1", 2), W_BAD_HOUSEHOLD_NUMBER);
	CHECK_EQ(reg_household_set(&h, HC_TYPE, "3", 1), W_BAD_CODE);
	CHECK_EQ(reg_household_set(&h, HC_POVERTY, "2", 1), W_NONE);
	CHECK_EQ(reg_household_set(&h, HC_AREA, "123", 3), W_NONE);
	CHECK_EQ(reg_household_set(&h, HC_AREA, "1234", 4), W_BAD_UNIT_CODE);
}

TEST(unit_rows)
{
	struct reg_unit u;
	enum reg_ucol col;
	reg_unit_init(&u);
	CHECK_EQ(reg_unit_set(&u, UC_CODE, "26734", 5), W_NONE);
	CHECK_EQ(reg_unit_set(&u, UC_LEVEL, "commune", 7), W_NONE);
	CHECK_EQ(reg_unit_set(&u, UC_PARENT, "79", 2), W_NONE);
	CHECK_EQ(reg_unit_set(&u, UC_FROM, "2025-07-01", 10), W_NONE);
	CHECK_EQ(reg_unit_set(&u, UC_TO, "2025-06-30", 10), W_NONE);
	CHECK_EQ(reg_unit_check(&u, &col), W_DATE_ORDER);
	CHECK_EQ(reg_unit_set(&u, UC_TO, "", 0), W_NONE);
	CHECK_EQ(reg_unit_check(&u, &col), W_NONE);
	CHECK_EQ(reg_unit_set(&u, UC_LEVEL, "village", 7), W_NONE);
	CHECK_EQ(reg_unit_check(&u, &col), W_BAD_UNIT_CODE);
	CHECK_EQ(reg_unit_set(&u, UC_LEVEL, "hamlet", 6), W_BAD_LEVEL);
	CHECK(reg_level_parent_ok(LVL_COMMUNE, LVL_DISTRICT));
	CHECK(reg_level_parent_ok(LVL_COMMUNE, LVL_PROVINCE));
	CHECK(!reg_level_parent_ok(LVL_AREA, LVL_COMMUNE));
}

static enum ds_why parse(const char *json, struct reg_event *ev, char *field)
{
	struct ds_problem pb;
	memset(&pb, 0, sizeof pb);
	if (reg_event_parse_text(json, strlen(json), ev, &pb) == DS_OK)
		return W_NONE;
	if (field)
		strcpy(field, pb.field);
	return pb.why;
}

#define UUID "\"id\":\"6F9619FF-8B86-4011-b42d-00c04fc964ff\""

TEST(event_parse_and_canonical)
{
	struct reg_event a, b;
	CHECK_EQ(parse("{" UUID ",\"type\":\"birth\",\"date\":\"2024-03-05\",\"mother\":\"P1\","
		       "\"child\":{\"person_id\":\"P9\",\"full_name\":\"Nguyễn Thị An\",\"sex\":2,"
		       "\"ethnicity\":\"01\"},\"order\":2,\"place\":1}",
		       &a, NULL),
		 W_NONE);
	/* Same content, other key order and "2" for 2: the same canonical text. */
	CHECK_EQ(parse("{\"place\":\"1\",\"order\":2,\"child\":{\"sex\":\"2\",\"ethnicity\":\"01\","
		       "\"full_name\":\"Nguyễn  Thị An\",\"person_id\":\"P9\"},\"mother\":\"P1\","
		       "\"date\":\"2024-03-05\",\"type\":\"birth\"," UUID "}",
		       &b, NULL),
		 W_NONE);
	char *ta = reg_event_text(&a), *tb = reg_event_text(&b);
	CHECK_STR(ta, tb);
	CHECK(strstr(ta, "\"id\":\"6f9619ff-8b86-4011-b42d-00c04fc964ff\"") != NULL);
	free(ta);
	free(tb);
	/* Round trip through the canonical text. */
	ta = reg_event_text(&a);
	CHECK_EQ(parse(ta, &b, NULL), W_NONE);
	tb = reg_event_text(&b);
	CHECK_STR(ta, tb);
	free(ta);
	free(tb);
}

TEST(event_refusals)
{
	struct reg_event e;
	char f[64];
	CHECK_EQ(parse("[]", &e, f), W_JSON_NOT_OBJECT);
	CHECK_EQ(parse("{", &e, f), W_JSON_SYNTAX);
	CHECK_EQ(parse("{\"type\":\"death\"}", &e, f), W_REQUIRED);
	CHECK_STR(f, "id");
	CHECK_EQ(parse("{\"id\":\"x\",\"type\":\"death\"}", &e, f), W_BAD_UUID);
	CHECK_EQ(parse("{" UUID ",\"type\":\"dead\",\"date\":\"2024-01-01\"}", &e, f), W_BAD_CODE);
	CHECK_EQ(parse("{" UUID ",\"type\":\"death\",\"date\":\"2024-02-30\",\"person\":\"P1\"}", &e, f),
		 W_BAD_DATE);
	CHECK_EQ(parse("{" UUID ",\"type\":\"death\",\"date\":\"2099-01-01\",\"person\":\"P1\"}", &e, f),
		 W_DATE_FUTURE);
	CHECK_EQ(parse("{" UUID ",\"type\":\"death\",\"date\":\"2024-01-01\"}", &e, f), W_REQUIRED);
	CHECK_STR(f, "person");
	CHECK_EQ(parse("{" UUID ",\"type\":\"death\",\"date\":\"2024-01-01\",\"person\":\"P1\",\"x\":1}",
		       &e, f),
		 W_JSON_UNKNOWN_MEMBER);
	CHECK_STR(f, "x");
	CHECK_EQ(parse("{" UUID ",\"type\":\"death\",\"date\":\"2024-01-01\",\"person\":\"P1\","
		       "\"person\":\"P2\"}",
		       &e, f),
		 W_JSON_SYNTAX); /* duplicate keys */
	CHECK_EQ(parse("{" UUID ",\"type\":\"fp_start\",\"date\":\"2024-01-01\",\"person\":\"P1\","
		       "\"method\":10}",
		       &e, f),
		 W_BAD_NUMBER);
	CHECK_STR(f, "method");
	CHECK_EQ(parse("{" UUID ",\"type\":\"marriage\",\"date\":\"2024-01-01\",\"person\":\"P1\","
		       "\"spouse\":\"P1\"}",
		       &e, f),
		 W_SELF_SPOUSE);
	CHECK_EQ(parse("{" UUID ",\"type\":\"marriage\",\"date\":\"2024-01-01\",\"person\":\"P1\","
		       "\"consanguineous\":1}",
		       &e, f),
		 W_JSON_TYPE);
	CHECK_EQ(parse("{" UUID ",\"type\":\"info_change\",\"date\":\"2024-01-01\",\"person\":\"P1\","
		       "\"field\":\"national_id\",\"value\":\"123\"}",
		       &e, f),
		 W_BAD_NATIONAL_ID);
	CHECK_STR(f, "value");
	CHECK_EQ(parse("{" UUID ",\"type\":\"info_change\",\"date\":\"2024-01-01\",\"person\":\"P1\","
		       "\"field\":\"sex\",\"value\":\"1\"}",
		       &e, f),
		 W_BAD_CODE);
	CHECK_EQ(parse("{" UUID ",\"type\":\"household_change\",\"date\":\"2024-01-01\","
		       "\"household\":\"H1\",\"poverty\":2}",
		       &e, f),
		 W_REQUIRED);
	CHECK_STR(f, "year");
	CHECK_EQ(parse("{" UUID ",\"type\":\"household_change\",\"date\":\"2024-01-01\","
		       "\"household\":\"H1\"}",
		       &e, f),
		 W_NOTHING_TO_CHANGE);
	CHECK_EQ(parse("{" UUID ",\"type\":\"move_in\",\"date\":\"2024-01-01\",\"household\":\"H1\","
		       "\"person\":{\"person_id\":\"P9\"}}",
		       &e, f),
		 W_REQUIRED);
	CHECK_STR(f, "person.full_name");
	CHECK_EQ(parse("{" UUID ",\"type\":\"move_in\",\"date\":\"2024-01-01\",\"person\":{"
		       "\"person_id\":\"P9\",\"full_name\":\"A\",\"sex\":1,\"birth_date\":\"1990\","
		       "\"relation\":1,\"ethnicity\":\"01\",\"education\":1,\"marital\":1,\"residence\":1}}",
		       &e, f),
		 W_REQUIRED); /* neither household nor new_household */
	CHECK_EQ(parse("{" UUID ",\"type\":\"newborn_screening\",\"date\":\"2024-01-01\",\"person\":\"P1\","
		       "\"results\":{\"g6pd\":\"bad\"}}",
		       &e, f),
		 W_BAD_CODE);
	CHECK_STR(f, "results.g6pd");
	CHECK_EQ(parse("{" UUID ",\"type\":\"birth\",\"date\":\"2024-01-01\",\"mother\":\"P1\","
		       "\"child\":{\"person_id\":\"P9\",\"full_name\":\"A\",\"sex\":1,\"marital\":2},"
		       "\"order\":1,\"place\":1}",
		       &e, f),
		 W_JSON_UNKNOWN_MEMBER);
	CHECK_STR(f, "child.marital");
}

/* ---- rules ---- */

static struct reg_state woman(int32_t birth, int marital)
{
	struct reg_person p;
	reg_person_init(&p);
	p.sex = SEX_FEMALE;
	p.birth = birth;
	p.marital = (uint8_t)marital;
	struct reg_state s;
	reg_state_init(&s, 1, &p, 10, D(2020, 1, 1));
	return s;
}

static struct reg_fact fact(int type, int32_t date)
{
	return (struct reg_fact){.type = (uint8_t)type, .date = date, .person = 1, .seq = 1};
}

TEST(rules_birth)
{
	struct reg_state s = woman(D(1990, 1, 1), MAR_MARRIED);
	struct reg_fact f = fact(EV_BIRTH, D(2024, 1, 1));
	CHECK_EQ(reg_check(&f, &s).why, W_NONE);
	s.sex = SEX_MALE;
	CHECK_EQ(reg_check(&f, &s).why, W_MOTHER_MALE);
	s = woman(D(2014, 1, 2), MAR_NEVER); /* 9 on 2024-01-01 */
	s.entry = D(2014, 1, 2);
	CHECK_EQ(reg_check(&f, &s).why, W_MOTHER_TOO_YOUNG);
	s = woman(D(2014, 1, 1), MAR_NEVER); /* exactly 10 */
	CHECK_EQ(reg_check(&f, &s).why, W_NONE);
	s = woman(D(1963, 1, 1), MAR_MARRIED); /* 61 */
	CHECK_EQ(reg_check(&f, &s).why, W_MOTHER_TOO_OLD);
	s = woman(D(1963, 1, 2), MAR_MARRIED); /* still 60 */
	CHECK_EQ(reg_check(&f, &s).why, W_NONE);
	s = woman(D(1990, 1, 1), MAR_MARRIED);
	f.date = D(2019, 12, 31); /* before entry */
	CHECK_EQ(reg_check(&f, &s).why, W_BEFORE_ENTRY);
}

TEST(rules_death_and_exit)
{
	struct reg_state s = woman(D(1990, 1, 1), MAR_MARRIED);
	struct reg_fact d = fact(EV_DEATH, D(2024, 1, 1));
	CHECK_EQ(reg_check(&d, &s).why, W_NONE);
	reg_apply(&s, &d);
	CHECK(!reg_present(&s, D(2024, 1, 1)));
	CHECK(reg_present(&s, D(2023, 12, 31)));
	CHECK_EQ(reg_check(&d, &s).why, W_ALREADY_DEAD);
	struct reg_fact b = fact(EV_BIRTH, D(2024, 2, 1));
	CHECK_EQ(reg_check(&b, &s).why, W_AFTER_EXIT);
	struct reg_state t = woman(D(1990, 1, 1), MAR_MARRIED);
	struct reg_fact early = fact(EV_DEATH, D(1989, 1, 1));
	CHECK_EQ(reg_check(&early, &t).why, W_DEATH_BEFORE_BIRTH);
	struct reg_fact out = fact(EV_MOVE_OUT, D(2024, 3, 1));
	reg_apply(&t, &out);
	CHECK_EQ(t.exit_kind, EXIT_MOVE_OUT);
	CHECK_EQ(reg_check(&d, &t).why, W_AFTER_EXIT);
}

TEST(rules_marriage_family)
{
	struct reg_state s = woman(D(2000, 6, 1), MAR_NEVER);
	struct reg_fact m = fact(EV_MARRIAGE, D(2024, 1, 1));
	struct reg_fact dv = fact(EV_DIVORCE, D(2024, 6, 1));
	struct reg_fact w = fact(EV_WIDOWED, D(2024, 6, 1));
	CHECK_EQ(reg_check(&dv, &s).why, W_NOT_MARRIED);
	CHECK_EQ(reg_check(&w, &s).why, W_NOT_MARRIED);
	CHECK_EQ(reg_check(&m, &s).why, W_NONE);
	reg_apply(&s, &m);
	CHECK_EQ(s.marital, MAR_MARRIED);
	CHECK_EQ(reg_check(&m, &s).why, W_ALREADY_MARRIED);
	CHECK_EQ(reg_check(&dv, &s).why, W_NONE);
	reg_apply(&s, &dv);
	CHECK_EQ(s.marital, MAR_DIVORCED);
	struct reg_state child = woman(D(2015, 1, 1), MAR_NEVER);
	CHECK_EQ(reg_check(&m, &child).why, W_TOO_YOUNG_TO_MARRY);
	m.other = 1; /* spouse is the person */
	CHECK_EQ(reg_check(&m, &s).why, W_SELF_SPOUSE);
}

TEST(rules_contraception)
{
	struct reg_state s = woman(D(1990, 1, 1), MAR_MARRIED);
	struct reg_fact start = fact(EV_FP_START, D(2024, 1, 1));
	start.a = 1; /* IUD */
	struct reg_fact stop = fact(EV_FP_STOP, D(2024, 6, 1));
	stop.a = 1;
	CHECK_EQ(reg_check(&stop, &s).why, W_NOT_USING_FP);
	struct reg_verdict v = reg_check(&start, &s);
	CHECK_EQ(v.why, W_NONE);
	reg_apply(&s, &start);
	CHECK_EQ(s.fp_method, 1);
	stop.a = 4;
	CHECK_EQ(reg_check(&stop, &s).why, W_FP_METHOD_MISMATCH);
	stop.a = 1;
	CHECK_EQ(reg_check(&stop, &s).why, W_NONE);
	/* Not married: accepted with a warning.  A man: refused. */
	struct reg_state single = woman(D(1990, 1, 1), MAR_NEVER);
	v = reg_check(&start, &single);
	CHECK_EQ(v.why, W_FP_NOT_ELIGIBLE);
	CHECK_EQ(v.severity, DS_SEV_WARNING);
	struct reg_state old = woman(D(1970, 1, 1), MAR_MARRIED);
	CHECK_EQ(reg_check(&start, &old).severity, DS_SEV_WARNING);
	single.sex = SEX_MALE;
	v = reg_check(&start, &single);
	CHECK_EQ(v.why, W_NOT_FEMALE);
	CHECK_EQ(v.severity, DS_SEV_ERROR);
}

TEST(rules_screening_elderly_transfer)
{
	struct reg_state s = woman(D(1964, 6, 1), MAR_MARRIED);
	struct reg_fact e = fact(EV_ELDERLY_CHECK, D(2024, 5, 31));
	CHECK_EQ(reg_check(&e, &s).why, W_NOT_ELDERLY); /* 59 */
	e.date = D(2024, 6, 1);
	CHECK_EQ(reg_check(&e, &s).why, W_NONE);
	struct reg_state baby = woman(D(2024, 1, 1), MAR_NEVER);
	baby.entry = D(2024, 1, 1);
	struct reg_fact nb = fact(EV_NEWBORN_SCREENING, D(2024, 1, 5));
	CHECK_EQ(reg_check(&nb, &baby).why, W_NONE);
	nb.date = D(2025, 1, 5);
	CHECK_EQ(reg_check(&nb, &baby).why, W_NOT_NEWBORN);
	struct reg_fact pn = fact(EV_PRENATAL_SCREENING, D(2024, 1, 5));
	baby.sex = SEX_MALE;
	CHECK_EQ(reg_check(&pn, &baby).why, W_NOT_FEMALE);
	struct reg_fact t = fact(EV_TRANSFER, D(2024, 2, 1));
	t.hh = 10;
	CHECK_EQ(reg_check(&t, &s).why, W_SAME_HOUSEHOLD);
	t.hh = 11;
	CHECK_EQ(reg_check(&t, &s).why, W_NONE);
	reg_apply(&s, &t);
	CHECK_EQ(s.hh, 11);
}

TEST(rules_replay_out_of_order_and_corrections)
{
	struct reg_state s = woman(D(1990, 1, 1), MAR_NEVER);
	struct reg_fact f[3] = {fact(EV_MARRIAGE, D(2024, 1, 1)), fact(EV_DIVORCE, D(2024, 6, 1)),
				fact(EV_MARRIAGE, D(2024, 3, 1))};
	f[0].seq = 1;
	f[1].seq = 2;
	f[2].seq = 3; /* recorded last, dated between: married twice without divorce */
	reg_facts_sort(f, 3);
	size_t bad = 99;
	struct reg_verdict v = reg_replay(&s, f, 3, &bad);
	CHECK_EQ(v.why, W_ALREADY_MARRIED);
	CHECK_EQ(f[bad].seq, 3);
	/* Cancelling the first marriage makes the same timeline valid. */
	s = woman(D(1990, 1, 1), MAR_NEVER);
	f[0].voided = 1;
	v = reg_replay(&s, f, 3, &bad);
	CHECK_EQ(v.why, W_NONE);
	/* A birth-date correction holds for every date, even earlier ones. */
	struct reg_state g = woman(D(1950, 1, 1), MAR_MARRIED);
	struct reg_fact c[2] = {fact(EV_ELDERLY_CHECK, D(2020, 6, 1)), fact(EV_INFO_CHANGE, D(2023, 1, 1))};
	c[1].a = FLD_BIRTH_DATE;
	c[1].b = D(1965, 1, 1);
	c[1].seq = 2;
	v = reg_replay(&g, c, 2, &bad);
	CHECK_EQ(v.why, W_NOT_ELDERLY);
}

TEST(units_map_of_a_date)
{
	static const struct reg_unit rows0[] = {
		{"79", "P", LVL_PROVINCE, "", DAY_NONE, DAY_MAX},
		{"760", "D", LVL_DISTRICT, "79", DAY_NONE, 20269},          /* to 2025-06-30 */
		{"26734", "Old", LVL_COMMUNE, "760", DAY_NONE, 20269},
		{"26740", "New", LVL_COMMUNE, "79", 20270, DAY_MAX},        /* from 2025-07-01 */
		{"26734001", "V", LVL_VILLAGE, "26734", DAY_NONE, 20269},
		{"26734001", "V", LVL_VILLAGE, "26740", 20270, DAY_MAX},
		{"2673400101", "A", LVL_AREA, "26734001", DAY_NONE, DAY_MAX},
	};
	CHECK_EQ(D(2025, 6, 30), 20269);
	struct reg_unit *rows = malloc(sizeof rows0);
	memcpy(rows, rows0, sizeof rows0);
	struct reg_units t;
	CHECK_EQ(reg_units_build(&t, rows, 7), DS_OK);
	CHECK(reg_units_within(&t, "2673400101", "26734", D(2024, 1, 1)));
	CHECK(!reg_units_within(&t, "2673400101", "26740", D(2024, 1, 1)));
	CHECK(reg_units_within(&t, "2673400101", "26740", D(2026, 1, 1)));
	CHECK(reg_units_within(&t, "2673400101", "760", D(2024, 1, 1)));
	/* Under the 2026 map the old commune is closed: followed through its last link. */
	CHECK(reg_units_within(&t, "26734", "79", D(2026, 1, 1)));
	CHECK_STR(reg_units_parent(&t, "26734001", D(2025, 7, 1)), "26740");
	CHECK_STR(reg_units_parent(&t, "26734001", D(2025, 6, 30)), "26734");
	CHECK_EQ(reg_units_province(&t, "2673400101"), 79);
	CHECK(reg_units_at(&t, "26740", D(2025, 1, 1)) == NULL);
	reg_units_free(&t);
}

static struct reg_fact mfact(int64_t seq, const char *date, int type, int64_t person, int32_t a)
{
	struct reg_fact f = {.seq = seq, .type = (uint8_t)type, .person = person, .a = a};
	CHECK(day_parse(date, strlen(date), &f.date));
	return f;
}

/*
 * A merge, worked by hand.  The person who remains (rid 1): a married
 * woman born 1990-01-01, in the register from 2020, who started an
 * implant (3) on 2024-01-01.  The duplicate's (rid 2) facts, in date order:
 *   2023-01-01 fp_stop of the pill: she used nothing then -> does not fit;
 *   2023-02-01 elderly check: she was 33 -> does not fit;
 *   2023-03-01 move_out: describes the duplicate record -> never carried over;
 *   2023-04-01 pregnancy: fits, and is hers (person 1);
 *   2023-05-01 a pregnancy that was voided -> not carried over.
 * The timeline: the pregnancy, then her own implant.
 */
TEST(reg_merge_timeline_by_hand)
{
	struct reg_person p;
	reg_person_init(&p);
	p.sex = SEX_FEMALE;
	p.marital = MAR_MARRIED;
	CHECK(day_parse("1990-01-01", 10, &p.birth));
	int32_t entry;
	CHECK(day_parse("2020-01-01", 10, &entry));
	struct reg_state s;
	reg_state_init(&s, 1, &p, 7, entry);
	struct reg_fact rem[] = {mfact(10, "2024-01-01", EV_FP_START, 1, reg_fp_a(3, 1))};
	struct reg_fact dup[] = {
		mfact(4, "2023-01-01", EV_FP_STOP, 2, 4), mfact(5, "2023-02-01", EV_ELDERLY_CHECK, 2, 0),
		mfact(6, "2023-03-01", EV_MOVE_OUT, 2, 0), mfact(7, "2023-04-01", EV_PREGNANCY, 2, 1),
		mfact(8, "2023-05-01", EV_PREGNANCY, 2, 1)};
	dup[4].voided = 1;
	struct reg_fact out[6];
	bool fits[5];
	size_t n = reg_merge_timeline(&s, rem, 1, dup, 5, out, fits);
	CHECK_EQ(n, 2);
	CHECK(!fits[0] && !fits[1] && !fits[2] && fits[3] && !fits[4]);
	CHECK_EQ(out[0].seq, 7);
	CHECK_EQ(out[0].person, 1);
	CHECK_EQ(out[1].seq, 10);

	/* The duplicate's own state: merged from its entry, whatever the date. */
	struct reg_fact m = mfact(20, "2026-11-22", EV_MERGE, 2, 0);
	m.other = 1;
	CHECK(reg_merged(&m, 1));
	struct reg_state d;
	reg_state_init(&d, 2, &p, 8, entry);
	reg_state_at(&d, &m, 1, entry + 10);
	CHECK_EQ(d.exit_kind, EXIT_MERGED);
	CHECK_EQ(d.exit, entry);
	struct reg_fact later = mfact(21, "2021-01-01", EV_PREGNANCY, 2, 1);
	CHECK_EQ(reg_check(&later, &d).why, W_MERGED);
	CHECK_EQ(reg_check(&m, &d).why, W_ALREADY_MERGED);
	m.voided = 1;
	CHECK(!reg_merged(&m, 1));
}
