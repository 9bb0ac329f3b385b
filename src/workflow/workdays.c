/* Working days: weekends, and the holiday table of data/holidays-vn.csv read once from the embedded file. */
#include "workflow/workdays.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/asset.h"
#include "base/day.h"

#define WD_MAX 512 /* rows of the table: about 20 a year */

struct wd_row {
	int32_t day;
	bool working; /* a `work` row: a Saturday made a working day */
	char name[96];
};

static struct wd_row rows[WD_MAX];
static size_t nrows;
static int first_year = 9999, last_year = 0;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* One line "YYYY-MM-DD,kind,name"; false when it is not one. */
static bool parse_line(const char *p, size_t n, struct wd_row *r)
{
	if (n < 12 || p[10] != ',' || !day_parse(p, 10, &r->day))
		return false;
	const char *kind = p + 11, *comma = memchr(kind, ',', n - 11);
	if (!comma)
		return false;
	size_t kn = (size_t)(comma - kind);
	if (kn == 4 && memcmp(kind, "work", 4) == 0)
		r->working = true;
	else if (!((kn == 7 && memcmp(kind, "holiday", 7) == 0) || (kn == 3 && memcmp(kind, "off", 3) == 0)))
		return false;
	size_t nn = n - (size_t)(comma + 1 - p);
	snprintf(r->name, sizeof r->name, "%.*s", (int)nn, comma + 1);
	return true;
}

static void load(void)
{
	size_t len;
	const char *s = (const char *)asset_get("data/holidays-vn.csv", &len);
	const char *p = s ? memchr(s, '\n', len) : NULL; /* after the header */
	while (p && ++p < s + len && nrows < WD_MAX) {
		const char *nl = memchr(p, '\n', (size_t)(s + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(s + len - p);
		if (n && p[n - 1] == '\r')
			n--;
		struct wd_row r = {0};
		if (parse_line(p, n, &r)) {
			rows[nrows++] = r;
			int y, m, d;
			day_to_ymd(r.day, &y, &m, &d);
			first_year = y < first_year ? y : first_year;
			last_year = y > last_year ? y : last_year;
		} else if (n) {
			fprintf(stderr, "workdays: data/holidays-vn.csv: a line is not date,kind,name\n");
		}
		p = nl;
	}
}

static const struct wd_row *find(int32_t day)
{
	pthread_once(&once, load);
	size_t lo = 0, hi = nrows;
	while (lo < hi) { /* the file is in date order */
		size_t mid = (lo + hi) / 2;
		if (rows[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nrows && rows[lo].day == day ? &rows[lo] : NULL;
}

/* 0 Monday .. 6 Sunday (1970-01-01, day 0, was a Thursday). */
static int weekday(int32_t day)
{
	int w = (int)((day % 7 + 7) % 7);
	return (w + 3) % 7;
}

bool wd_is_working(int32_t day)
{
	const struct wd_row *r = find(day);
	if (r)
		return r->working;
	return weekday(day) < 5;
}

int32_t wd_nth_after(int32_t day, int n)
{
	while (n > 0)
		if (wd_is_working(++day))
			n--;
	return day;
}

int wd_count(int32_t after, int32_t upto)
{
	int n = 0;
	for (int32_t d = after + 1; d <= upto; d++)
		n += wd_is_working(d);
	return n;
}

bool wd_year_known(int year)
{
	pthread_once(&once, load);
	return year >= first_year && year <= last_year;
}

const char *wd_holiday_name(int32_t day)
{
	const struct wd_row *r = find(day);
	return r && !r->working ? r->name : NULL;
}
