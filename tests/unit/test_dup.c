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

TEST(dup_edit_distance)
{
	/* Deleted, doubled, replaced, swapped: one each; in code points, marks count. */
	CHECK_EQ(txt_edit_distance("Nguyễn", strlen("Nguyễn"), "Ngyễn", strlen("Ngyễn")), 1);
	CHECK_EQ(txt_edit_distance("Hoài", strlen("Hoài"), "Hoàài", strlen("Hoàài")), 1);
	CHECK_EQ(txt_edit_distance("Kim", 3, "Kmi", 3), 1);
	CHECK_EQ(txt_edit_distance("Lý", strlen("Lý"), "LY", 2), 1);
	CHECK_EQ(txt_edit_distance("Trường", strlen("Trường"), "trung", 5), 2);
	CHECK_EQ(txt_edit_distance("", 0, "abc", 3), 3);
	CHECK_EQ(txt_edit_distance("ca", 2, "abc", 3), 3); /* OSA, not Damerau: no edit of a swapped pair */
	CHECK(txt_same_caseless("Lý", strlen("Lý"), "LÝ", strlen("LÝ")));
	CHECK(!txt_same_caseless("Lý", strlen("Lý"), "Ly", 2));
	CHECK(!txt_same_caseless("An", 2, "Anh", 3));
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

	/* Marks carry meaning when both names have them: Lý is not Ly.  Name
	 * 0.8 (DUP_MARKS) -> 0.32; birth 0.25, sex 0.05, area 0.1, facts 0.2: 0.92.
	 * Typed without marks, the same letters say nothing against: 1. */
	person(&a, "Nguyễn Thị Lý", "1990-03-12", "A1");
	person(&b, "Nguyễn Thị Ly", "1990-03-12", "A1");
	r = json_array();
	CHECK_NEAR(dup_score(&a, &b, r), 0.92, 1e-9);
	s = json_dumps(r, JSON_COMPACT);
	CHECK_STR(s, "[\"name_same\",\"name_marks_differ\",\"birth_exact\",\"facts\",\"sex\",\"same_area\"]");
	free(s);
	json_decref(r);
	person(&b, "Nguyen Thi Ly", "1990-03-12", "A1");
	CHECK_NEAR(dup_score(&a, &b, NULL), 1.0, 1e-9);

	/* One slip in a middle name: JW(kim, kmi): m 3, t 1, jaro (1 + 1 + 2/3) / 3
	 * = 0.8889, prefix 1: 0.9; one swap, so at least 0.9 (DUP_TYPO): name 0.9
	 * -> 0.36; + 0.6: 0.96. */
	person(&a, "Huỳnh Kim Hoa", "1973-04-10", "A1");
	person(&b, "Huỳnh Kmi Hoa", "1973-04-10", "A1");
	CHECK_NEAR(dup_score(&a, &b, NULL), 0.96, 1e-6);

	/* Two slips make another name: JW(truong, trung): m 5, t 0, jaro
	 * (5/6 + 1 + 1) / 3 = 0.94444, prefix 3: 0.96111; with the marks,
	 * Trường -> Trung is two edits: JW squared 0.923735 -> 0.369494; birth
	 * the year only 0.125; sex 0.05; another district 0.02; facts 0.2: 0.764494.
	 * Without marks on one side, one edit (truong -> trung): 0.96111 -> 0.779444. */
	person(&a, "Trần Nhật Trường", "2015-07-24", "A1");
	person(&b, "Trần Nhật Trung", "2015", "A9");
	b.commune = "C9";
	b.district = "D9";
	CHECK_NEAR(dup_score(&a, &b, NULL), 0.764494, 1e-5);
	person(&b, "Tran Nhat Trung", "2015", "A9");
	b.commune = "C9";
	b.district = "D9";
	CHECK_NEAR(dup_score(&a, &b, NULL), 0.779444, 1e-5);

	/* Two different ids are two persons: 0.3 off for national ids, 0.15 for
	 * insurance numbers, from an otherwise perfect 1. */
	person(&a, "Nguyễn Văn An", "1990-03-12", "A1");
	person(&b, "Nguyễn Văn An", "1990-03-12", "A1");
	a.nid = 42;
	b.nid = 43;
	CHECK_NEAR(dup_score(&a, &b, NULL), 0.7, 1e-9);
	a.nid = b.nid = 0;
	a.ins = 7;
	b.ins = 8;
	CHECK_NEAR(dup_score(&a, &b, NULL), 0.85, 1e-9);
	a.ins = b.ins = 0;

	/* The same national id gives 1 whatever else differs. */
	person(&b, "Trần Bình", "1950-01-01", "A9");
	a.nid = b.nid = 42;
	CHECK_NEAR(dup_score(&a, &b, NULL), 1.0, 1e-9);
}
