/* Targets as a workflow: directions, progress and the path through the year. */
#include <math.h>

#include "base/day.h"
#include "workflow/targets.h"

const char *tg_direction_name(enum tg_direction d)
{
	return d == TG_CEILING ? "ceiling" : d == TG_COUNT ? "count" : "reach";
}

const char *tg_progress_name(enum tg_progress p)
{
	static const char *const names[] = {"no_target", "reached", "on_track", "behind"};
	return names[p];
}

double tg_year_gone(int32_t day)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	int32_t first = day_from_ymd(y, 1, 1), next = day_from_ymd(y + 1, 1, 1);
	return (double)(day - first + 1) / (double)(next - first);
}

static bool year_over(int32_t day)
{
	return tg_year_gone(day) >= 1.0;
}

enum tg_progress tg_progress_at(enum tg_direction d, bool accumulates, double value, double target, int32_t day)
{
	if (isnan(target))
		return TG_NO_TARGET;
	double path = accumulates ? target * tg_year_gone(day) : target;
	if (d == TG_CEILING) {
		if (isnan(value))
			return TG_ON_TRACK;
		if (value > target || (accumulates && value > path + 1e-9))
			return TG_BEHIND;
		return year_over(day) ? TG_REACHED : TG_ON_TRACK;
	}
	if (isnan(value))
		return TG_BEHIND;
	if (value >= target - 1e-9)
		return TG_REACHED;
	return value >= path - 1e-9 ? TG_ON_TRACK : TG_BEHIND;
}
