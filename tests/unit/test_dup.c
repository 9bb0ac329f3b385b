/* Duplicate detection: Jaro-Winkler and the pair score, worked by hand. */
#include <string.h>

#include "base/day.h"
#include "base/text.h"
#include "quality/dup.h"
#include "test.h"

static double jw(const char *a, const char *b)
{
	return txt_jaro_winkler(a, strlen(a), b, strlen(b));
}

/* The published examples (Winkler 1990; Jaro 1989). */
TEST(dup_jaro_winkler)
{
	/* MARTHA/MARHTA: m 6, t 1, jaro (1 + 1 + 5/6) / 3 = 0.9444, prefix 3: 0.9611. */
	CHECK_NEAR(jw("martha", "marhta"), 0.961111, 1e-6);
	/* DWAYNE/DUANE: m 4, t 0, jaro (4/6 + 4/5 + 1) / 3 = 0.8222, prefix 1: 0.84. */
	CHECK_NEAR(jw("dwayne", "duane"), 0.84, 1e-6);
	/* DIXON/DICKSONX: m 4, t 0, jaro (4/5 + 4/8 + 1) / 3 = 0.7667, prefix 2: 0.8133. */
	CHECK_NEAR(jw("dixon", "dicksonx"), 0.813333, 1e-6);
	CHECK_NEAR(jw("an", "an"), 1.0, 1e-12);
	CHECK_NEAR(jw("", ""), 1.0, 1e-12);
	CHECK_NEAR(jw("abc", ""), 0.0, 1e-12);
	CHECK_NEAR(jw("abc", "xyz"), 0.0, 1e-12);
}

static void person(struct dup_person *p, const char *name, const char *birth, const char *area)
{
	struct reg_person r = {.sex = 1, .education = 3, .marital = 2};
	snprintf(r.full_name, sizeof r.full_name, "%s", name);
	memcpy(r.ethnicity, "01", 3);
	enum day_prec prec;
	CHECK(day_parse_partial(birth, strlen(birth), &r.birth, &prec));
	r.birth_prec = (uint8_t)prec;
	CHECK_EQ(dup_person_of(&r, p), DS_OK);
	p->area = area;
	p->commune = "C1";
	p->district = "D1";
}

TEST(dup_score_by_hand)
{
	struct dup_person a, b;
	/* The same person: name 1, birth exact 1, sex, same area 1, facts 3/3:
	 * 0.40 + 0.25 + 0.05 + 0.10 + 0.20 = 1. */
	person(&a, "Nguyễn Văn An", "1990-03-12", "A1");
	person(&b, "NGUYEN VAN AN", "1990-03-12", "A1");
	json_t *r = json_array();
	CHECK_NEAR(dup_score(&a, &b, r), 1.0, 1e-9);
	char *s = json_dumps(r, JSON_COMPACT);
	CHECK_STR(s, "[\"name_same\",\"birth_exact\",\"facts\",\"sex\",\"same_area\"]");
	free(s);
	json_decref(r);

	/* No middle name, the day's digits swapped, another commune:
	 * name JW(nguyen) 1 x JW(an) 1 x 0.95 = 0.95 -> 0.38; birth 0.7 -> 0.175;
	 * sex 0.05; place 0.2 -> 0.02; facts 0.2: 0.825. */
	person(&b, "Nguyễn An", "1990-03-21", "A9");
	b.commune = "C9";
	b.district = "D9";
	CHECK_NEAR(dup_score(&a, &b, NULL), 0.825, 1e-9);

	/* Same commune, day and month swapped, a typo in the given name:
	 * JW(an, ann): m 2, jaro (2/2 + 2/3 + 1) / 3 = 0.8889, prefix 2: 0.9111;
	 * name 0.9111 x 1 (same middle) -> 0.36444; birth 0.8 -> 0.2; sex 0.05;
	 * commune 0.7 -> 0.07; facts 0.2: 0.88444. */
	person(&b, "Nguyễn Văn Ann", "1990-12-03", "A2");
	CHECK_NEAR(dup_score(&a, &b, NULL), 0.4 * (0.888889 + 0.2 * 0.111111) + 0.2 + 0.05 + 0.07 + 0.2, 1e-5);
	CHECK_NEAR(dup_score(&a, &b, NULL), 0.884444, 1e-5);

	/* A different middle name is strong evidence: JW(van, thi) = 0 -> M 0, name 0;
	 * birth year only on one side 0.5 -> 0.125; sex 0.05; area 0.1; facts 0.2: 0.475. */
	person(&b, "Nguyễn Thị An", "1990", "A1");
	CHECK_NEAR(dup_score(&a, &b, NULL), 0.475, 1e-9);

	/* The same national id gives 1 whatever else differs. */
	person(&b, "Trần Bình", "1950-01-01", "A9");
	a.nid = b.nid = 42;
	CHECK_NEAR(dup_score(&a, &b, NULL), 1.0, 1e-9);
}
