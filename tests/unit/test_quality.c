/*
 * The quality report: the definitions refused with file and line, and every
 * check and rule on the quality fixture (tests/data/quality/README.md),
 * with the values worked out by hand there.
 */
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "fixture.h"
#include "quality/quality.h"
#include "test.h"

#define FIX "tests/data/quality/"

static int32_t D(int y, int m, int d)
{
	return day_from_ymd(y, m, d);
}

struct qfix {
	struct test_register r;
	struct rpt_defs forms;
	struct q_defs defs;
};

static bool qfix_open(struct qfix *f)
{
	char err[300];
	memset(f, 0, sizeof *f);
	if (!test_register_open(&f->r, FIX, D(2023, 12, 31), "quality.db"))
		return false;
	CHECK_EQ(f->r.refused, 0);
	CHECK_EQ(rpt_defs_load(&f->forms, err, sizeof err), DS_OK);
	enum ds_rc rc = q_defs_load(&f->defs, &f->forms, err, sizeof err);
	if (rc)
		fprintf(stderr, "  %s\n", err);
	CHECK_EQ(rc, DS_OK);
	return rc == DS_OK;
}

static void qfix_close(struct qfix *f)
{
	q_defs_free(&f->defs);
	rpt_defs_free(&f->forms);
	test_register_close(&f->r);
}

static json_t *run(struct qfix *f, const struct q_defs *d, const char *unit, const char *period,
		   const char *lang)
{
	struct q_request rq = {.unit = unit, .period = period, .lang = lang};
	json_t *out = NULL;
	struct ds_problem pb = {0};
	CHECK_EQ(q_run(f->r.e, f->r.st, d, &f->forms, &rq, &out, &pb), DS_OK);
	return out;
}

/* The findings of one check, in their order. */
static json_t *of_check(json_t *out, const char *id)
{
	json_t *a = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(out, "findings"), i, f)
		if (strcmp(json_string_value(json_object_get(f, "check")), id) == 0)
			json_array_append(a, f);
	return a;
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

TEST(quality_defs_shipped)
{
	struct rpt_defs forms;
	struct q_defs d;
	char err[300];
	CHECK_EQ(rpt_defs_load(&forms, err, sizeof err), DS_OK);
	CHECK_EQ(q_defs_load(&d, &forms, err, sizeof err), DS_OK);
	/* defs/quality/checks.json: 14 checks; rules.json: 15 rules over 01-DSX. */
	CHECK_EQ(d.nchecks, 14);
	CHECK_EQ(d.nrules, 15);
	CHECK_STR(d.checks[0].id, "age_over_110");
	CHECK_EQ(d.checks[0].fn, QF_AGE_OVER);
	CHECK_NEAR(d.checks[0].arg[0], 110, 0);
	CHECK_STR(d.rules[0].id, "births_newborns_screened");
	CHECK_STR(d.rules[0].form, "01-DSX");
	q_defs_free(&d);
	rpt_defs_free(&forms);
}

/* A file whose error is on a known line: the message names file and line. */
static void refused(const struct rpt_defs *forms, const char *text, const char *want)
{
	struct q_defs d = {0};
	char err[300] = "";
	CHECK_EQ(q_defs_parse(&d, forms, "defs/quality/x.json", text, strlen(text), err, sizeof err),
		 DS_EINPUT);
	if (strncmp(err, want, strlen(want)) != 0) {
		fprintf(stderr, "  got \"%s\"\n  want \"%s...\"\n", err, want);
		test_failures_in_current++;
	}
	CHECK_EQ(d.nchecks + d.nrules, 0);
	q_defs_free(&d);
}

#define TEXTS                                                                                  \
	"  \"title_vi\": \"t\", \"title_en\": \"t\", \"text_vi\": \"{name}\", \"text_en\": \"x\",\n" \
	"  \"do_vi\": \"d\", \"do_en\": \"d\"}"

TEST(quality_defs_refused_with_file_and_line)
{
	struct rpt_defs forms;
	char err[300];
	CHECK_EQ(rpt_defs_load(&forms, err, sizeof err), DS_OK);
	/* An unknown function: line 4, where "test" is. */
	refused(&forms,
		"{\"checks\": [\n"
		" {\"id\": \"a\",\n"
		"  \"kind\": \"record\",\n"
		"  \"test\": \"age_above(110)\", \"severity\": \"error\",\n" TEXTS "]}\n",
		"defs/quality/x.json:4: test: unknown function age_above");
	/* The second check of the file (line 6) has the wrong number of arguments. */
	refused(&forms,
		"{\"checks\": [\n"
		" {\"id\": \"a\", \"kind\": \"record\", \"test\": \"age_over(110)\", \"severity\": \"error\",\n" TEXTS
		",\n"
		" {\"id\": \"b\", \"kind\": \"record\",\n"
		"  \"test\": \"age_over(1, 2)\", \"severity\": \"error\",\n" TEXTS "]}\n",
		"defs/quality/x.json:6: test: age_over takes 1 argument");
	/* An unknown row: line 3, where "right" is. */
	refused(&forms,
		"{\"form\": \"01-DSX\", \"rules\": [\n"
		" {\"id\": \"r\", \"left\": \"row(\\\"5\\\")\", \"op\": \">=\",\n"
		"  \"right\": \"row(\\\"99\\\")\", \"severity\": \"error\",\n" TEXTS "]}\n",
		"defs/quality/x.json:3: right: unknown or later row");
	/* A count instead of a row, an unknown form, a bad placeholder, JSON syntax. */
	refused(&forms,
		"{\"form\": \"01-DSX\", \"rules\": [\n"
		" {\"id\": \"r\", \"left\": \"birth()\", \"op\": \">=\", \"right\": \"1\", \"severity\": \"error\",\n" TEXTS
		"]}\n",
		"defs/quality/x.json:2: left: a rule compares rows of 01-DSX");
	refused(&forms, "{\"form\": \"09-XYZ\", \"rules\": [{\"id\": \"r\"}]}",
		"defs/quality/x.json:1: form: rules need the code of a known form");
	refused(&forms,
		"{\"checks\": [\n"
		" {\"id\": \"a\", \"kind\": \"flow\", \"test\": \"balance()\", \"severity\": \"error\",\n" TEXTS "]}\n",
		"defs/quality/x.json:3: text_vi: unknown placeholder {name}");
	refused(&forms, "{\"checks\": [\n {\"id\": \"a\",,}]}", "defs/quality/x.json:2: ");
	refused(&forms,
		"{\"checks\": [\n"
		" {\"id\": \"a\", \"kind\": \"flow\", \"test\": \"age_over(110)\", \"severity\": \"error\",\n" TEXTS "]}\n",
		"defs/quality/x.json:2: kind: age_over is a record check");
	rpt_defs_free(&forms);
}

TEST(quality_commune_month_by_hand)
{
	struct qfix f;
	if (!qfix_open(&f))
		return;
	json_t *out = run(&f, &f.defs, "26734", "2024-03", "vi");
	if (!out)
		goto done;
	/*
	 * 26734, March 2024 (README): T1 is 114 on 2024-03-31 (warning); 1
	 * birth against 2 newborns screened (warning); area 02 without events
	 * since 2024-01-01 (warning); 4 late events in area 01 by "test"
	 * (information); no outliers (fewer than 12 whole months since the
	 * baseline of 2023-12-31); the national ids of W1, P1 and P2 (3
	 * warnings); the report of March 2024 never submitted (a warning).
	 */
	json_t *c = json_object_get(out, "counts");
	CHECK_EQ(json_integer_value(json_object_get(c, "error")), 0);
	CHECK_EQ(json_integer_value(json_object_get(c, "warning")), 7);
	CHECK_EQ(json_integer_value(json_object_get(c, "information")), 1);
	json_t *a = of_check(out, "age_over_110");
	CHECK_EQ(json_array_size(a), 1);
	json_t *x = json_array_get(a, 0);
	CHECK_STR(str(x, "text"), "Cụ Bà Trăm Tuổi được ghi là 114 tuổi vào ngày 31/03/2024.");
	CHECK_STR(str(json_object_get(x, "person"), "id"), "T1");
	CHECK_STR(str(x, "area"), "2673400101");
	CHECK_STR(str(x, "severity"), "warning");
	json_decref(a);
	a = of_check(out, "births_newborns_screened");
	CHECK_EQ(json_array_size(a), 1);
	x = json_array_get(a, 0);
	CHECK_STR(str(x, "text"),
		  "Phường Bến Nghé: số trẻ sinh ra sống (1) ít hơn số trẻ sơ sinh được sàng lọc (2).");
	CHECK_NEAR(json_number_value(json_object_get(json_object_get(x, "left"), "value")), 1, 0);
	CHECK_NEAR(json_number_value(json_object_get(json_object_get(x, "right"), "value")), 2, 0);
	CHECK_STR(str(json_object_get(x, "right"), "expr"), "row(\"16\")");
	json_decref(a);
	a = of_check(out, "no_events");
	CHECK_EQ(json_array_size(a), 1);
	CHECK_STR(str(json_array_get(a, 0), "area"), "2673400102");
	CHECK_STR(str(json_array_get(a, 0), "text"),
		  "Địa bàn 02 (Phường Bến Nghé) không có sự kiện nào được ghi từ ngày 01/01/2024 (3 tháng).");
	json_decref(a);
	a = of_check(out, "late_entry");
	CHECK_EQ(json_array_size(a), 1);
	CHECK_EQ(json_integer_value(json_object_get(json_array_get(a, 0), "count")), 4);
	CHECK_STR(str(json_array_get(a, 0), "login"), "test");
	json_decref(a);
	CHECK_EQ(json_array_size(json_object_get(out, "notes")), 1);
	/* Ordered by severity: warnings first (checks before rules), then the note. */
	CHECK_STR(str(json_array_get(json_object_get(out, "findings"), 0), "check"), "age_over_110");
	CHECK_STR(str(json_array_get(json_object_get(out, "findings"), 7), "check"), "late_entry");
	json_decref(out);
done:
	qfix_close(&f);
}

TEST(quality_province_columns_and_english)
{
	struct qfix f;
	if (!qfix_open(&f))
		return;
	json_t *out = run(&f, &f.defs, "79", "2024-03", "en");
	if (!out)
		goto done;
	/* Both communes' quiet areas; the rule fails in 26734 and in the
	 * province's total column (the same 1 against 2). */
	json_t *a = of_check(out, "no_events");
	CHECK_EQ(json_array_size(a), 2);
	CHECK_STR(str(json_array_get(a, 0), "area"), "2673400102");
	CHECK_STR(str(json_object_get(json_array_get(a, 1), "unit"), "code"), "26737");
	json_decref(a);
	a = of_check(out, "births_newborns_screened");
	CHECK_EQ(json_array_size(a), 2);
	CHECK_STR(str(json_array_get(a, 0), "text"),
		  "Phường Bến Nghé: live births are fewer than newborns screened: 1 against 2.");
	CHECK(json_is_true(json_object_get(json_array_get(a, 1), "total")));
	json_decref(a);
	a = of_check(out, "age_over_110");
	CHECK_STR(str(json_array_get(a, 0), "text"), "Cụ Bà Trăm Tuổi is recorded as 114 years old on 2024-03-31.");
	CHECK_STR(str(json_object_get(json_array_get(a, 0), "unit"), "code"), "26734");
	json_decref(a);
	json_decref(out);
done:
	qfix_close(&f);
}

/* README: W1's digit 4 is a man's, P1's year is 81 for 1980, P2's
 * province is 000; Q1 (26737) wrong twice; M1, W2 and T1 agree. */
TEST(quality_national_ids_by_hand)
{
	struct qfix f;
	if (!qfix_open(&f))
		return;
	json_t *out = run(&f, &f.defs, "26734", "2024-03", "vi");
	if (!out)
		goto done;
	json_t *a = of_check(out, "national_id");
	CHECK_EQ(json_array_size(a), 3);
	const char *who[3] = {"W1", "P1", "P2"};
	const char *text[3] = {
		"Số định danh cá nhân của Trần Thị Hai không khớp với giới tính và thế kỷ sinh (chữ số thứ 4) của người này.",
		"Số định danh cá nhân của Mai Văn Sơn không khớp với năm sinh (chữ số thứ 5 và 6) của người này.",
		"Số định danh cá nhân của Đinh Thị Thủy không khớp với mã tỉnh nơi đăng ký khai sinh (3 chữ số đầu) của người này."};
	for (size_t i = 0; i < 3 && i < json_array_size(a); i++) {
		json_t *x = json_array_get(a, i);
		CHECK_STR(str(json_object_get(x, "person"), "id"), who[i]);
		CHECK_STR(str(x, "text"), text[i]);
		CHECK_STR(str(x, "severity"), "warning");
	}
	json_decref(a);
	json_decref(out);
	out = run(&f, &f.defs, "26737", "2024-03", "en");
	a = of_check(out, "national_id");
	CHECK_EQ(json_array_size(a), 1);
	CHECK_STR(str(json_array_get(a, 0), "text"),
		  "Trịnh Văn Hải's national id disagrees with the person's record in the province code of the birth "
		  "registration (digits 1-3); the sex and century of birth (digit 4).");
	json_decref(a);
	json_decref(out);
	out = run(&f, &f.defs, "79", "2024-03", "vi");
	a = of_check(out, "national_id");
	CHECK_EQ(json_array_size(a), 4);
	json_decref(a);
	json_decref(out);
done:
	qfix_close(&f);
}

/* The rule itself, digit by digit, with the layout of the personal
 * identification number as Decree 137/2015/NĐ-CP and Circular
 * 59/2021/TT-BCA set it out (quality.md). */
TEST(national_id_digits_against_sex_and_birth)
{
	CHECK_EQ(reg_nid_disagrees("079090000001", 1, D(1990, 5, 1)), 0);
	CHECK_EQ(reg_nid_disagrees("079190000001", 2, D(1990, 5, 1)), 0);
	CHECK_EQ(reg_nid_disagrees("001205000001", 1, D(2005, 1, 1)), 0);
	CHECK_EQ(reg_nid_disagrees("001305000001", 2, D(2005, 1, 1)), 0);
	CHECK_EQ(reg_nid_disagrees("096399000001", 2, D(2099, 12, 31)), 0);
	CHECK_EQ(reg_nid_disagrees("079190000001", 1, D(1990, 5, 1)), NID_SEX_CENTURY);
	CHECK_EQ(reg_nid_disagrees("079290000001", 1, D(1990, 5, 1)), NID_SEX_CENTURY);
	CHECK_EQ(reg_nid_disagrees("079091000001", 1, D(1990, 5, 1)), NID_YEAR);
	CHECK_EQ(reg_nid_disagrees("097090000001", 1, D(1990, 5, 1)), NID_PROVINCE);
	CHECK_EQ(reg_nid_disagrees("000090000001", 1, D(1990, 5, 1)), NID_PROVINCE);
	CHECK_EQ(reg_nid_disagrees("100391000001", 1, D(1990, 5, 1)), NID_PROVINCE | NID_SEX_CENTURY | NID_YEAR);
	/* No rule to compare with: born before 1900, or not a 12-digit id. */
	CHECK_EQ(reg_nid_disagrees("079099000001", 2, D(1899, 1, 1)), 0);
	CHECK_EQ(reg_nid_disagrees("07909000000", 1, D(1990, 5, 1)), 0);
	CHECK_EQ(reg_nid_disagrees("", 1, D(1990, 5, 1)), 0);
}

TEST(quality_outliers_by_hand)
{
	struct qfix f;
	if (!qfix_open(&f))
		return;
	json_t *out = run(&f, &f.defs, "26734", "2025-01", "vi");
	if (!out)
		goto done;
	/* Row 17: 2024 = 1, 2, 1, 2, ..., 2; January 2025 = 9.  Median 1.5,
	 * MAD 0.5, z = 0.6745 * 7.5 / 0.5 = 10.1175; range 1..2.  No other
	 * row moves in January 2025. */
	json_t *z = of_check(out, "outlier_z"), *r = of_check(out, "outside_range");
	CHECK_EQ(json_array_size(z), 1);
	CHECK_EQ(json_array_size(r), 1);
	json_t *x = json_array_get(z, 0);
	CHECK_STR(str(json_object_get(x, "row"), "code"), "17");
	CHECK_NEAR(json_number_value(json_object_get(x, "value")), 9, 0);
	CHECK_NEAR(json_number_value(json_object_get(x, "median")), 1.5, 1e-12);
	CHECK_NEAR(json_number_value(json_object_get(x, "mad")), 0.5, 1e-12);
	CHECK_NEAR(json_number_value(json_object_get(x, "z")), 10.1175, 1e-9);
	CHECK_EQ(json_array_size(json_object_get(x, "series")), 13);
	CHECK_NEAR(json_number_value(json_object_get(json_array_get(json_object_get(x, "series"), 1), "value")), 2, 0);
	CHECK_STR(str(x, "text"),
		  "Phường Bến Nghé, tháng 01/2025: Số người từ 60 tuổi trở lên được khám sức khỏe là 9, "
		  "trong khi trung vị 12 tháng trước là 1,5 (điểm z hiệu chỉnh 10,1).");
	x = json_array_get(r, 0);
	CHECK_NEAR(json_number_value(json_object_get(x, "min")), 1, 0);
	CHECK_NEAR(json_number_value(json_object_get(x, "max")), 2, 0);
	json_decref(z);
	json_decref(r);
	json_decref(out);
done:
	qfix_close(&f);
}

TEST(quality_mother_age_function)
{
	struct qfix f;
	if (!qfix_open(&f))
		return;
	/* The shipped mother_age(10, 60) finds nothing (the ledger refuses such
	 * births); mother_age(30, 60) finds W2, 29 at K1's birth on 2024-02-15,
	 * and not W1, 31 at K2's. */
	static const char text[] =
		"{\"checks\": [{\"id\": \"m\", \"kind\": \"record\", \"test\": \"mother_age(30, 60)\","
		" \"severity\": \"error\", \"title_vi\": \"t\", \"title_en\": \"t\","
		" \"text_vi\": \"{name} sinh con ngày {date} khi {age} tuổi.\", \"text_en\": \"x\","
		" \"do_vi\": \"d\", \"do_en\": \"d\"}]}";
	struct q_defs d = {0};
	char err[300];
	CHECK_EQ(q_defs_parse(&d, &f.forms, "t.json", text, strlen(text), err, sizeof err), DS_OK);
	json_t *out = run(&f, &d, "26734", "2024-Q1", "vi");
	json_t *a = out ? of_check(out, "m") : NULL;
	CHECK_EQ(json_array_size(a), 1);
	CHECK_STR(str(json_array_get(a, 0), "text"), "Lê Thị Ba sinh con ngày 15/02/2024 khi 29 tuổi.");
	CHECK(str(json_array_get(a, 0), "event") != NULL);
	json_decref(a);
	json_decref(out);
	out = run(&f, &f.defs, "26734", "2024-Q1", "vi");
	a = out ? of_check(out, "mother_age") : NULL;
	CHECK_EQ(json_array_size(a), 0);
	/* Nor do the checks only a defect can fire. */
	json_decref(a);
	a = out ? of_check(out, "two_households") : NULL;
	CHECK_EQ(json_array_size(a), 0);
	json_decref(a);
	a = out ? of_check(out, "balance") : NULL;
	CHECK_EQ(json_array_size(a), 0);
	json_decref(a);
	json_decref(out);
	q_defs_free(&d);
	qfix_close(&f);
}

TEST(quality_unknown_unit_and_outputs)
{
	struct qfix f;
	if (!qfix_open(&f))
		return;
	struct q_request rq = {.unit = "99999", .period = "2024-03", .lang = "vi"};
	json_t *out = NULL;
	struct ds_problem pb = {0};
	CHECK_EQ(q_run(f.r.e, f.r.st, &f.defs, &f.forms, &rq, &out, &pb), DS_ENOTFOUND);
	CHECK_STR(pb.field, "unit");
	rq.unit = "26734";
	rq.period = "2024-13";
	CHECK_EQ(q_run(f.r.e, f.r.st, &f.defs, &f.forms, &rq, &out, &pb), DS_EUSAGE);
	out = run(&f, &f.defs, "26734", "2024-03", "en");
	struct buf b = {0};
	CHECK_EQ(q_csv(out, &b), DS_OK);
	/* A header and one line per finding (8). */
	size_t lines = 0;
	for (size_t i = 0; i < b.len; i++)
		lines += b.data[i] == '\n';
	CHECK_EQ(lines, 9);
	static const char head[] = "Severity,Check,Unit code,Unit,Area,Person id,Name,Date,Finding,What to do\r\n";
	CHECK(b.len > sizeof head && strncmp(b.data, head, sizeof head - 1) == 0);
	CHECK(strstr(b.data, "warning,age_over_110,26734,Phường Bến Nghé,2673400101,T1,Cụ Bà Trăm Tuổi,2024-03-31,") != NULL);
	buf_free(&b);
	char path[300];
	snprintf(path, sizeof path, "%s/q.xlsx", test_tmpdir());
	CHECK_EQ(q_xlsx(out, path), DS_OK);
	FILE *fp = fopen(path, "rb");
	char magic[2] = {0};
	CHECK(fp && fread(magic, 1, 2, fp) == 2 && magic[0] == 'P' && magic[1] == 'K');
	if (fp)
		fclose(fp);
	json_decref(out);
	qfix_close(&f);
}
