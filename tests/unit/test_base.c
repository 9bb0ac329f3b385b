#include <stdlib.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/day.h"
#include "base/grow.h"
#include "base/hmap.h"
#include "base/text.h"
#include "engine/engine_int.h"
#include "privacy/breach.h"
#include "test.h"

TEST(day_roundtrip)
{
	for (int32_t d = day_from_ymd(1880, 1, 1); d < day_from_ymd(2101, 1, 1); d += 7) {
		int y, m, dd;
		day_to_ymd(d, &y, &m, &dd);
		CHECK_EQ(day_from_ymd(y, m, dd), d);
	}
	CHECK_EQ(day_from_ymd(1970, 1, 1), 0);
	CHECK_EQ(day_from_ymd(2000, 3, 1) - day_from_ymd(2000, 2, 28), 2);
	CHECK_EQ(day_from_ymd(1900, 3, 1) - day_from_ymd(1900, 2, 28), 1);
}

/* The engine's date keys (a spell's birth): order kept, the day back, and
 * ages by subtraction equal to day_age, 29 February included. */
TEST(engine_date_key_age_is_day_age)
{
	int32_t b = day_from_ymd(2000, 2, 29);
	CHECK_EQ(eng_key_age(eng_date_key(b), eng_date_key(day_from_ymd(2025, 2, 28))), 24);
	CHECK_EQ(eng_key_age(eng_date_key(b), eng_date_key(day_from_ymd(2025, 3, 1))), 25);
	CHECK_EQ(eng_key_age(eng_date_key(b), eng_date_key(day_from_ymd(2028, 2, 28))), 27);
	CHECK_EQ(eng_key_age(eng_date_key(b), eng_date_key(day_from_ymd(2028, 2, 29))), 28);
	CHECK_EQ(eng_key_age(eng_date_key(day_from_ymd(1925, 12, 31)), eng_date_key(day_from_ymd(2025, 12, 31))), 100);
	size_t bad = 0, n = 0;
	for (int32_t at = day_from_ymd(2023, 1, 1); at < day_from_ymd(2029, 1, 1); at += 3)
		for (int32_t born = at - 46000; born <= at + 400; born += 11, n++) {
			int32_t kb = eng_date_key(born), ka = eng_date_key(at);
			bad += (kb > ka) != (born > at) || eng_key_day(kb) != born ||
			       (born <= at && eng_key_age(kb, ka) != day_age(born, at));
		}
	CHECK_EQ(bad, 0);
	CHECK(n > 3000000);
}

TEST(day_parse_strict)
{
	int32_t d;
	enum day_prec p;
	CHECK(day_parse("2024-02-29", 10, &d));
	CHECK(!day_parse("2023-02-29", 10, &d));
	CHECK(!day_parse("2024-2-03", 9, &d));
	CHECK(!day_parse("2024-13-01", 10, &d));
	CHECK(!day_parse("2024-01-0x", 10, &d));
	CHECK(!day_parse("1850-01-01", 10, &d));
	CHECK(!day_parse("2024", 4, &d));
	CHECK(day_parse_partial("1950", 4, &d, &p));
	CHECK_EQ(d, day_from_ymd(1950, 7, 15));
	CHECK_EQ(p, DAY_PREC_YEAR);
	CHECK(day_parse_partial("1950-03", 7, &d, &p));
	CHECK_EQ(d, day_from_ymd(1950, 3, 15));
	CHECK_EQ(p, DAY_PREC_MONTH);
	char out[11];
	day_format_partial(d, p, out);
	CHECK_STR(out, "1950-03");
	CHECK(!day_parse_partial("1950-3", 6, &d, &p));
	CHECK(day_parse_month("2024-03", 7, &d));
	CHECK_EQ(d, day_from_ymd(2024, 3, 1));
}

TEST(day_age_completed_years)
{
	int32_t b = day_from_ymd(2000, 2, 29);
	CHECK_EQ(day_age(b, day_from_ymd(2018, 2, 28)), 17);
	CHECK_EQ(day_age(b, day_from_ymd(2018, 3, 1)), 18);
	CHECK_EQ(day_age(day_from_ymd(2006, 5, 1), day_from_ymd(2024, 5, 1)), 18);
	CHECK_EQ(day_age(day_from_ymd(2006, 5, 1), day_from_ymd(2024, 4, 30)), 17);
	CHECK_EQ(day_age(day_from_ymd(2025, 1, 1), day_from_ymd(2024, 4, 30)), -1);
}

TEST(text_fold_vietnamese)
{
	char out[128];
	CHECK_EQ(txt_fold("Nguyễn Văn Đức", strlen("Nguyễn Văn Đức"), out, sizeof out), DS_OK);
	CHECK_STR(out, "nguyen van duc");
	/* decomposed input: e + combining circumflex + combining tilde */


	const char *dec2 = "Nguye\xcc\x82\xcc\x83n   Th\xc6\xb0\xcc\x81";
	CHECK_EQ(txt_fold(dec2, strlen(dec2), out, sizeof out), DS_OK);
	CHECK_STR(out, "nguyen thu");
	CHECK_EQ(txt_nfc(dec2, strlen(dec2), out, sizeof out), DS_OK);
	CHECK_STR(out, "Nguyễn Thứ");
	CHECK_EQ(txt_fold("ĐẶNG thị ánh", strlen("ĐẶNG thị ánh"), out, sizeof out), DS_OK);
	CHECK_STR(out, "dang thi anh");
	CHECK_EQ(txt_fold("\xff", 1, out, sizeof out), DS_EINPUT);
	CHECK_EQ(txt_fold("abcdef", 6, out, 4), DS_ELIMIT);
}

TEST(text_ascii_file_names)
{
	char out[128];
	const char *s = "01-DSX_Phường Đa Kao_2025-Q4.xlsx";
	CHECK_EQ(txt_ascii(s, strlen(s), out, sizeof out), DS_OK);
	CHECK_STR(out, "01-DSX_Phuong Da Kao_2025-Q4.xlsx");
	/* decomposed marks, quotes, slashes, percent and CJK become safe */
	const char *d = "Nguye\xcc\x82\xcc\x83n \"a/b\\c%\xe6\x9d\xb1";
	CHECK_EQ(txt_ascii(d, strlen(d), out, sizeof out), DS_OK);
	CHECK_STR(out, "Nguyen _a_b_c__");
	CHECK_EQ(txt_ascii("\xff", 1, out, sizeof out), DS_EINPUT);
	CHECK_EQ(txt_ascii("abcdef", 6, out, 4), DS_ELIMIT);
	CHECK_STR(out, "abc");
}

TEST(text_utf8_validation)
{
	CHECK(txt_utf8_valid("Việt", strlen("Việt")));
	CHECK(!txt_utf8_valid("\xc0\x80", 2));       /* overlong NUL */
	CHECK(!txt_utf8_valid("\xed\xa0\x80", 3));   /* surrogate */
	CHECK(!txt_utf8_valid("\xe1\xbb", 2));       /* truncated */
	CHECK(txt_has_control("a\tb", 3));
	CHECK(!txt_has_control("a b", 3));
}

TEST(hmap_many)
{
	struct hmap h = {0};
	char key[32];
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(key, sizeof key, "P%07d", i);
		bool ex;
		CHECK_EQ(hmap_put(&h, key, (size_t)n, i, &ex, NULL), DS_OK);
		CHECK(!ex);
	}
	int64_t v;
	CHECK(hmap_get(&h, "P0012345", 8, &v));
	CHECK_EQ(v, 12345);
	CHECK(!hmap_get(&h, "P9999999", 8, &v));
	bool ex;
	CHECK_EQ(hmap_put(&h, "P0000007", 8, 99, &ex, &v), DS_OK);
	CHECK(ex);
	CHECK_EQ(v, 7);
	hmap_free(&h);
}

static int csv_all(const char *text, const char *const *cols, size_t ncols,
		   struct ds_problem *pb, int *records)
{
	struct csv c;
	csv_open_mem(&c, text, strlen(text), "t.csv");
	int errors = 0;
	*records = 0;
	if (csv_header(&c, cols, ncols, pb) != DS_OK) {
		csv_close(&c);
		return -1;
	}
	int r;
	struct ds_problem p;
	while ((r = csv_next(&c, &p)) != 0) {
		if (r < 0) {
			if (!errors)
				*pb = p;
			errors++;
		} else {
			(*records)++;
		}
	}
	csv_close(&c);
	return errors;
}

TEST(csv_quotes_and_errors)
{
	static const char *const cols[] = {"a", "b"};
	struct ds_problem pb;
	int n;
	CHECK_EQ(csv_all("a,b\r\n1,\"x,\"\"y\"\"\"\r\n\r\n2,\"multi\nline\"\n", cols, 2, &pb, &n), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(csv_all("\xEF\xBB\xBF" "b,a\n1,2\n", cols, 2, &pb, &n), 0);
	CHECK_EQ(csv_all("a,b\n1,2,3\n4,5\n", cols, 2, &pb, &n), 1);
	CHECK_EQ(pb.why, W_CSV_COLUMNS);
	CHECK_EQ(pb.line, 2);
	CHECK_EQ(n, 1);
	CHECK_EQ(csv_all("a,b\n1,\"open\n2,3\n", cols, 2, &pb, &n), 1);
	CHECK_EQ(pb.why, W_CSV_QUOTE);
	CHECK_EQ(pb.line, 2);
	CHECK_STR(pb.field, "b");
	CHECK_EQ(n, 1); /* the reader resumes on line 3 */
	CHECK_EQ(csv_all("a,b\n1,\"x\"y\n", cols, 2, &pb, &n), 1);
	CHECK_EQ(pb.why, W_CSV_AFTER_QUOTE);
	CHECK_EQ(csv_all("a,b\nx,\xc3\x28\n", cols, 2, &pb, &n), 1);
	CHECK_EQ(pb.why, W_UTF8);
	CHECK_STR(pb.field, "b");
	CHECK_EQ(csv_all("a,c\n", cols, 2, &pb, &n), -1);
	CHECK_EQ(pb.why, W_CSV_HEADER);
	CHECK_STR(pb.field, "c");
	CHECK_EQ(csv_all("", cols, 2, &pb, &n), -1);
	CHECK_EQ(pb.why, W_EMPTY_FILE);
}

TEST(buf_csv_escape)
{
	struct buf b = {0};
	buf_csv_field(&b, "plain");
	buf_putc(&b, ',');
	buf_csv_field(&b, "a \"q\", b");
	CHECK_STR(b.data, "plain,\"a \"\"q\"\", b\"");
	buf_free(&b);
	struct buf capped = {.cap = 4};
	CHECK_EQ(buf_puts(&capped, "12345"), DS_ELIMIT);
	buf_free(&capped);
}

TEST(grow_zeroes_and_refuses_overflow)
{
	int *a = NULL;
	size_t cap = 0;
	CHECK(ds_grow(&a, sizeof *a, &cap, 0, 8));
	CHECK_EQ(cap, 8);
	a[7] = 7;
	CHECK(ds_grow(&a, sizeof *a, &cap, 100, 8));
	CHECK(cap > 100);
	CHECK_EQ(a[7], 7);
	CHECK_EQ(a[8], 0);
	CHECK_EQ(a[cap - 1], 0);
	size_t had = cap;
	int *was = a;
	CHECK(!ds_grow(&a, sizeof *a, &cap, (size_t)-1 / 2, 8));
	CHECK(a == was && cap == had);
	CHECK(ds_grow(&a, sizeof *a, &cap, had - 1, 8) && cap == had);
	free(a);
}

#include <utf8proc.h>

/* The fast path of text.c must agree with utf8proc on every character it takes. */
TEST(text_fast_path_agrees_with_utf8proc)
{
	int bad = 0;
	for (int32_t cp = 0x20; cp < 0x2000; cp++) {
		if (!((cp < 0x7F) || (cp >= 0xC0 && cp < 0x250) || (cp >= 0x1E00 && cp < 0x1F00)))
			continue;
		utf8proc_uint8_t in[8];
		utf8proc_ssize_t n = utf8proc_encode_char(cp, in);
		in[n] = 0;
		char fast[32];
		utf8proc_uint8_t *nfc = utf8proc_NFC(in);
		if (txt_nfc((const char *)in, (size_t)n, fast, sizeof fast) == DS_OK && cp != ' ' &&
		    strcmp(fast, (const char *)nfc) != 0)
			bad++;
		free(nfc);
	}
	CHECK_EQ(bad, 0);
	char out[64];
	CHECK_EQ(txt_fold("ỲÝỴỶỸ ỳýỵỷỹ Đđ", strlen("ỲÝỴỶỸ ỳýỵỷỹ Đđ"), out, sizeof out), DS_OK);
	CHECK_STR(out, "yyyyy yyyyy dd");
	/* Outside the fast ranges utf8proc still does the work. */
	CHECK_EQ(txt_fold("ΑΒΓ", strlen("ΑΒΓ"), out, sizeof out), DS_OK);
	CHECK_STR(out, "αβγ");
}

/* Times of a breach search: dates are midnight in Viet Nam (UTC+7), an end
 * date includes its day; an explicit zone wins. */
TEST(breach_times)
{
	int64_t t;
	/* 2026-03-02 is day 20514: 20514 * 86400 = 1772409600 (00:00 UTC). */
	CHECK(breach_parse_time("2026-03-02", false, &t));
	CHECK_EQ(t, 1772409600 - 7 * 3600);
	CHECK(breach_parse_time("2026-03-02", true, &t));
	CHECK_EQ(t, 1772409600 + 86400 - 7 * 3600);
	CHECK(breach_parse_time("2026-03-02T14:30", false, &t));
	CHECK_EQ(t, 1772409600 + 14 * 3600 + 30 * 60 - 7 * 3600);
	CHECK(breach_parse_time("2026-03-02T14:30:05Z", false, &t));
	CHECK_EQ(t, 1772409600 + 14 * 3600 + 30 * 60 + 5);
	CHECK(breach_parse_time("2026-03-02T14:30-05:30", false, &t));
	CHECK_EQ(t, 1772409600 + 14 * 3600 + 30 * 60 + 5 * 3600 + 30 * 60);
	const char *bad[] = {"", "2026-3-2", "2026-02-30", "2026-03-02T", "2026-03-02T24:00",
			     "2026-03-02T14:60", "2026-03-02 14:30", "2026-03-02T14:30+7", "2026-03-02T14:30:05ZZ",
			     "2026-03-02T1:30", "yesterday", "2026-03-02T 1:30", "2026-03-02T+1:30",
			     "2026-03-02T14:-1", "2026-03-02T14:30: 5", "2026-03-02T14:30+ 7:00",
			     "2026-03-02T14:30+07:-0"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(!breach_parse_time(bad[i], false, &t));
}
