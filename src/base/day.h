/*
 * day: calendar dates as day numbers.
 *
 * A date is an int32_t counting days since 1970-01-01 (negative before), so
 * that comparisons, periods and ages are integer arithmetic.  DAY_NONE marks
 * "no date" and DAY_MAX an open end.  Parsers are strict: "2024-02-30",
 * "2024-2-3" and trailing text are refused.
 *
 * Birth dates may be partial (YYYY or YYYY-MM).  The domain rule fills a
 * missing month with July and a missing day with the 15th; the precision is
 * kept so that the original text can be written back unchanged.
 */
#ifndef DS_BASE_DAY_H
#define DS_BASE_DAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DAY_NONE INT32_MIN
#define DAY_MAX INT32_MAX
#define DAY_MIN_YEAR 1880
#define DAY_MAX_YEAR 2200

enum day_prec { DAY_PREC_DAY = 0, DAY_PREC_MONTH = 1, DAY_PREC_YEAR = 2 };

int32_t day_from_ymd(int y, int m, int d);
void day_to_ymd(int32_t day, int *y, int *m, int *d);
bool day_valid_ymd(int y, int m, int d);
int day_days_in_month(int y, int m);

/* Strict "YYYY-MM-DD" of exactly len bytes. */
bool day_parse(const char *s, size_t len, int32_t *out);
/* "YYYY-MM-DD", "YYYY-MM" or "YYYY": the effective day and its precision. */
bool day_parse_partial(const char *s, size_t len, int32_t *out, enum day_prec *prec);
/* "YYYY-MM": the first day of that month. */
bool day_parse_month(const char *s, size_t len, int32_t *out);

/* Writes "YYYY-MM-DD" (11 bytes with NUL). */
void day_format(int32_t day, char out[11]);
/* Writes the date at its precision: "YYYY-MM-DD", "YYYY-MM" or "YYYY". */
void day_format_partial(int32_t day, enum day_prec prec, char out[11]);
/* Writes "YYYY-MM" of the day's month. */
void day_format_month(int32_t day, char out[8]);

/* Completed years at `at` of someone born on `birth` (negative if not born). */
int day_age(int32_t birth, int32_t at);

/*
 * Today's date in Viet Nam (UTC+7, no daylight saving).  The environment
 * variable DANSO_TODAY=YYYY-MM-DD overrides it, so that tests about "a date
 * in the future" do not depend on the clock.
 */
int32_t day_today(void);

/* Days of the month / year containing `day`. */
int32_t day_month_start(int32_t day);
int32_t day_month_end(int32_t day);
int32_t day_add_months(int32_t day, int months);

#endif
