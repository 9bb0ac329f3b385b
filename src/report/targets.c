/* The indicators that take a target, their directions, the national defaults, progress and the path through the year. */
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/asset.h"
#include "base/day.h"
#include "report/targets.h"

#define TG_MAX 64

static struct tg_indicator table[TG_MAX];
static size_t ntable;
static char source_vi[400], source_en[400];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *const base_names[TG_BASES] = {"population", "women_15_49", "elderly", "births"};

bool tg_base_parse(const char *s, enum tg_base *b)
{
	for (int i = 0; s && i < TG_BASES; i++)
		if (strcmp(s, base_names[i]) == 0) {
			*b = (enum tg_base)i;
			return true;
		}
	return false;
}

const char *tg_base_name(enum tg_base b)
{
	return base_names[b];
}

static json_t *load_json(const char *path)
{
	size_t len;
	const unsigned char *data = asset_get(path, &len);
	return data ? json_loadb((const char *)data, len, 0, NULL) : NULL;
}

static void copy(char *dst, size_t n, json_t *v)
{
	snprintf(dst, n, "%s", json_is_string(v) ? json_string_value(v) : "");
}

static void load_national(void)
{
	json_t *d = load_json("defs/targets/strategy-1679.json");
	copy(source_vi, sizeof source_vi, json_object_get(d, "source_vi"));
	copy(source_en, sizeof source_en, json_object_get(d, "source_en"));
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(d, "targets"), i, t)
		for (size_t k = 0; k < ntable; k++)
			if (strcmp(table[k].key, json_string_value(json_object_get(t, "indicator"))) == 0) {
				table[k].national = json_number_value(json_object_get(t, "value"));
				copy(table[k].national_vi, sizeof table[k].national_vi, json_object_get(t, "text_vi"));
			}
	json_decref(d);
}

static void load(void)
{
	json_t *d = load_json("defs/targets/indicators.json");
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(d, "indicators"), i, x)
	{
		if (ntable == TG_MAX)
			break;
		struct tg_indicator *t = &table[ntable];
		const char *dir = json_string_value(json_object_get(x, "direction"));
		copy(t->key, sizeof t->key, json_object_get(x, "key"));
		copy(t->label_vi, sizeof t->label_vi, json_object_get(x, "label_vi"));
		copy(t->label_en, sizeof t->label_en, json_object_get(x, "label_en"));
		t->direction = dir && strcmp(dir, "ceiling") == 0 ? TG_CEILING : dir && strcmp(dir, "count") == 0 ? TG_COUNT : TG_REACH;
		t->accumulates = json_is_true(json_object_get(x, "accumulates"));
		t->sums = json_is_true(json_object_get(x, "sums"));
		if (!tg_base_parse(json_string_value(json_object_get(x, "base")), &t->base))
			t->base = TG_BASE_POPULATION;
		t->national = NAN;
		ntable++;
	}
	json_decref(d);
	load_national();
}

const struct tg_indicator *tg_indicators(size_t *n)
{
	pthread_once(&once, load);
	*n = ntable;
	return table;
}

const struct tg_indicator *tg_indicator(const char *key)
{
	size_t n;
	const struct tg_indicator *t = tg_indicators(&n);
	for (size_t i = 0; key && i < n; i++)
		if (strcmp(t[i].key, key) == 0)
			return &t[i];
	return NULL;
}

const char *tg_national_source(const char *lang)
{
	size_t n;
	tg_indicators(&n);
	return strcmp(lang, "en") == 0 ? source_en : source_vi;
}

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

void tg_path(const struct tg_indicator *ind, double target, int year, double out[12])
{
	for (int m = 1; m <= 12; m++) {
		int32_t end = (m == 12 ? day_from_ymd(year + 1, 1, 1) : day_from_ymd(year, m + 1, 1)) - 1;
		out[m - 1] = ind && ind->accumulates ? target * tg_year_gone(end) : target;
	}
}

enum tg_progress tg_progress_at(enum tg_direction d, bool accumulates, double value, double target, int32_t day)
{
	if (isnan(target))
		return TG_NO_TARGET;
	double gone = tg_year_gone(day), path = accumulates ? target * gone : target;
	if (d == TG_CEILING) {
		if (isnan(value))
			return TG_ON_TRACK;
		if (value > target || (accumulates && value > path + 1e-9))
			return TG_BEHIND;
		return gone >= 1.0 ? TG_REACHED : TG_ON_TRACK;
	}
	if (isnan(value))
		return TG_BEHIND;
	if (value >= target - 1e-9)
		return TG_REACHED;
	return value >= path - 1e-9 ? TG_ON_TRACK : TG_BEHIND;
}
