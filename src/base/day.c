/* Day numbers: civil dates to and from days since 1970, partial dates, months, today (DANSO_TODAY in tests). */
#include "base/day.h"

#include <stdlib.h>
#include <time.h>

/* Howard Hinnant's days_from_civil, valid for the proleptic Gregorian calendar. */
int32_t day_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2u) / 5u + (unsigned)d - 1u;
	const unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

void day_to_ymd(int32_t day, int *y, int *m, int *d)
{
	int z = day + 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
	const unsigned doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
	const unsigned mp = (5u * doy + 2u) / 153u;
	*d = (int)(doy - (153u * mp + 2u) / 5u + 1u);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)yoe + era * 400 + (*m <= 2);
}

int day_days_in_month(int y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return len[m - 1];
}

bool day_valid_ymd(int y, int m, int d)
{
	return y >= DAY_MIN_YEAR && y <= DAY_MAX_YEAR && m >= 1 && m <= 12 && d >= 1 &&
	       d <= day_days_in_month(y, m);
}

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool day_parse_partial(const char *s, size_t len, int32_t *out, enum day_prec *prec)
{
	int y, m = 7, d = 15;
	enum day_prec p;
	if (len == 4) {
		p = DAY_PREC_YEAR;
	} else if (len == 7 && s[4] == '-') {
		p = DAY_PREC_MONTH;
	} else if (len == 10 && s[4] == '-' && s[7] == '-') {
		p = DAY_PREC_DAY;
	} else {
		return false;
	}
	if (!digits(s, 4, &y))
		return false;
	if (p != DAY_PREC_YEAR && !digits(s + 5, 2, &m))
		return false;
	if (p == DAY_PREC_DAY && !digits(s + 8, 2, &d))
		return false;
	if (!day_valid_ymd(y, m, d))
		return false;
	*out = day_from_ymd(y, m, d);
	if (prec)
		*prec = p;
	return true;
}

bool day_parse(const char *s, size_t len, int32_t *out)
{
	enum day_prec p;
	return len == 10 && day_parse_partial(s, len, out, &p) && p == DAY_PREC_DAY;
}

bool day_parse_month(const char *s, size_t len, int32_t *out)
{
	int y, m;
	if (len != 7 || s[4] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
	    !day_valid_ymd(y, m, 1))
		return false;
	*out = day_from_ymd(y, m, 1);
	return true;
}

void day_format(int32_t day, char out[11])
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	unsigned uy = (unsigned)y % 10000u;
	out[0] = (char)('0' + uy / 1000);
	out[1] = (char)('0' + uy / 100 % 10);
	out[2] = (char)('0' + uy / 10 % 10);
	out[3] = (char)('0' + uy % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

void day_format_partial(int32_t day, enum day_prec prec, char out[11])
{
	day_format(day, out);
	if (prec == DAY_PREC_MONTH)
		out[7] = '\0';
	else if (prec == DAY_PREC_YEAR)
		out[4] = '\0';
}

void day_format_month(int32_t day, char out[8])
{
	char full[11];
	day_format(day, full);
	for (int i = 0; i < 7; i++)
		out[i] = full[i];
	out[7] = '\0';
}

int day_age(int32_t birth, int32_t at)
{
	int by, bm, bd, y, m, d;
	day_to_ymd(birth, &by, &bm, &bd);
	day_to_ymd(at, &y, &m, &d);
	int age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}

int32_t day_today(void)
{
	const char *env = getenv("DANSO_TODAY");
	int32_t day;
	if (env && day_parse(env, 10, &day) && env[10] == '\0')
		return day;
	time_t now = time(NULL) + 7 * 3600;
	return (int32_t)(now / 86400);
}

int32_t day_month_start(int32_t day)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	return day_from_ymd(y, m, 1);
}

int32_t day_month_end(int32_t day)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	return day_from_ymd(y, m, day_days_in_month(y, m));
}

int32_t day_add_months(int32_t day, int months)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	int idx = y * 12 + (m - 1) + months;
	y = idx / 12;
	m = idx % 12 + 1;
	int dim = day_days_in_month(y, m);
	return day_from_ymd(y, m, d > dim ? dim : d);
}
