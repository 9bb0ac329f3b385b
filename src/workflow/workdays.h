/*
 * workdays: Viet Nam's working days, for report deadlines.
 *
 * A working day is Monday to Friday, except public holidays and the days
 * off the Government decides each year (compensatory days, swapped days),
 * plus the Saturdays made working days by a swap.  The table is data
 * (data/holidays-vn.csv, embedded; its sources in data/README.md), read
 * once on first use.  Outside the years it covers, only weekends count.
 *
 * Deadlines (docs/API.md, "The monthly cycle"): the commune forms are due
 * on the 5th working day after the period; the district form 01-DSH 15
 * calendar days after its quarter.  Lateness is counted in working days.
 */
#ifndef DS_WORKFLOW_WORKDAYS_H
#define DS_WORKFLOW_WORKDAYS_H

#include <stdbool.h>
#include <stdint.h>

/* True when day is a working day. */
bool wd_is_working(int32_t day);
/* The n-th working day after day (n >= 1). */
int32_t wd_nth_after(int32_t day, int n);
/* Working days in (after, upto]; 0 when upto <= after. */
int wd_count(int32_t after, int32_t upto);
/* True when the table covers the year. */
bool wd_year_known(int year);
/* The table's name for a day that is not a working day on a weekday
 * ("Tết Nguyên đán"), or NULL. */
const char *wd_holiday_name(int32_t day);

#endif
