/*
 * Inputs of a projection from the register: for one unit under a map, the
 * persons counted on a day, exact exposure by sex and single year of age
 * over a period (presence spells cut at birthdays), and births, deaths and
 * moves across the unit's boundary (see engine.h).
 */
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "engine/engine_int.h"

/* The unit's areas in the tree of map_date, as a query's one column (0), and the map. */
struct unit_areas {
	int32_t *area_col;
	struct eng_unitmap *m;
	int64_t id;
};

static enum ds_rc unit_areas(struct engine *e, const char *unit, int32_t map_date,
			     struct unit_areas *u)
{
	memset(u, 0, sizeof *u);
	if ((u->id = eng_unit_id(e, unit)) < 0)
		return DS_ENOTFOUND;
	u->m = eng_map_for(e, map_date);
	u->area_col = malloc((e->nareas + 1) * sizeof *u->area_col);
	if (!u->m || !u->area_col) {
		free(u->area_col);
		u->area_col = NULL;
		return DS_ENOMEM;
	}
	for (size_t a = 0; a <= e->nareas; a++)
		u->area_col[a] = -1;
	for (uint32_t k = u->m->off[u->id]; k < u->m->off[u->id + 1]; k++)
		u->area_col[u->m->areas[k]] = 0;
	return DS_OK;
}

/* Every question starts the same: an empty answer and the unit's areas. */
static enum ds_rc begin(const struct eng_view *v, const char *unit, int32_t map_date, void *out,
			size_t size, struct unit_areas *u)
{
	memset(out, 0, size);
	return unit_areas(eng_of(v), unit, map_date, u);
}

enum ds_rc engine_dm_population(const struct eng_view *v, const char *unit, int32_t map_date,
				int32_t day, struct eng_dm_pop *out)
{
	struct engine *e = eng_of(v);
	struct unit_areas u;
	enum ds_rc rc = begin(v, unit, map_date, out, sizeof *out, &u);
	if (rc)
		return rc;
	/* The forms' own count (eng_stock_areas), so that the two cannot differ. */
	uint8_t *ages = malloc(ENG_AGE_DAYS);
	uint8_t *seen = calloc((size_t)(e->maxh >> 3) + 2, 1);
	struct eng_stock *cube = calloc(1, sizeof *cube);
	if (!ages || !seen || !cube) {
		rc = DS_ENOMEM;
		goto out;
	}
	eng_age_table(day, ages);
	int y, mo, d;
	day_to_ymd(day, &y, &mo, &d);
	struct eng_stock_ctx c = {e, day, y, ages, seen, NULL};
	for (uint32_t k = u.m->off[u.id]; k < u.m->off[u.id + 1]; k++) {
		size_t a = (size_t)u.m->areas[k];
		eng_stock_areas(&c, u.area_col, a, a + 1, cube);
	}
	for (int s = 0; s < 2; s++)
		for (int x = 0; x < ENG_AGES; x++)
			for (int m = 0; m < 5; m++)
				out->n[s][x] += cube->pop[s][x][m];
out:
	free(ages);
	free(seen);
	free(cube);
	free(u.area_col);
	return rc;
}

/* ---- exposure ---- */

int32_t eng_birthday(int32_t birth, int age)
{
	int y, m, d;
	day_to_ymd(birth, &y, &m, &d);
	y += age;
	/* 29 February in a common year: the birthday is 1 March (day_age). */
	if (m == 2 && d == 29 && day_days_in_month(y, 2) == 28)
		return day_from_ymd(y, 3, 1);
	return day_from_ymd(y, m, d);
}

/*
 * Adds the days [lo, hi) of one person of sex s born on `birth` to the
 * cells of their age on each day: a birthday moves the rest of the
 * stretch to the next age.
 */
static void expose(struct eng_dm_exposure *out, int s, int32_t birth, int32_t lo, int32_t hi)
{
	if (lo < birth)
		lo = birth;
	if (lo >= hi)
		return;
	int age = day_age(birth, lo);
	while (lo < hi) {
		if (age >= ENG_AGES - 1) {
			out->days[s][ENG_AGES - 1] += hi - lo;
			return;
		}
		int32_t next = eng_birthday(birth, age + 1);
		int32_t end = next < hi ? next : hi;
		out->days[s][age] += end - lo;
		lo = end;
		age++;
	}
}

/* The spells k of s, cut to [from, to + 1). */
static void expose_spell(struct eng_dm_exposure *out, const struct eng_spells *s, size_t k,
			 int32_t from, int32_t to)
{
	int32_t lo = s->from[k] > from ? s->from[k] : from;
	int32_t hi = s->to[k];
	if (hi > to)
		hi = to + 1; /* to < DAY_MAX: the period ends on a real day */
	int sex = eng_info_sex(s->info[k]) - 1;
	if (lo >= hi || sex < 0 || sex > 1)
		return;
	expose(out, sex, s->birth[k], lo, hi);
}

enum ds_rc engine_dm_exposure(const struct eng_view *v, const char *unit, int32_t map_date,
			      int32_t from, int32_t to, struct eng_dm_exposure *out)
{
	struct engine *e = eng_of(v);
	struct unit_areas u;
	if (from > to || to >= DAY_MAX) {
		memset(out, 0, sizeof *out);
		return DS_EUSAGE;
	}
	enum ds_rc rc = begin(v, unit, map_date, out, sizeof *out, &u);
	if (rc)
		return rc;
	for (uint32_t i = u.m->off[u.id]; i < u.m->off[u.id + 1]; i++) {
		int32_t a = u.m->areas[i];
		for (size_t k = e->area_off[a]; k < e->area_off[a + 1]; k++)
			expose_spell(out, &e->base, k, from, to);
		for (int32_t k = e->add_head[a]; k >= 0; k = e->add_next[k])
			expose_spell(out, &e->added, (size_t)k, from, to);
	}
	free(u.area_col);
	return DS_OK;
}

/* ---- births, deaths, moves ---- */

enum ds_rc engine_dm_flows(const struct eng_view *v, const char *unit, int32_t map_date,
			   int32_t from, int32_t to, struct eng_dm_flows *out)
{
	struct engine *e = eng_of(v);
	struct unit_areas u;
	enum ds_rc rc = begin(v, unit, map_date, out, sizeof *out, &u);
	if (rc)
		return rc;
	/* The forms' own pass over the events, with the unit as one column. */
	struct eng_flow *f = calloc(2, sizeof *f);
	if (!f) {
		free(u.area_col);
		return DS_ENOMEM;
	}
	rc = eng_flow_pass(e, from, to, u.area_col, u.m->area_commune, f, 1);
	for (int s = 0; s < 2 && !rc; s++) {
		for (int x = 0; x < ENG_MOTHER_AGES; x++)
			for (int o = 0; o < ENG_ORDERS; o++)
				for (int p = 0; p < 4; p++)
					out->births[s][x] += f->birth[s][x][o][p];
		for (int x = 0; x < ENG_AGES; x++) {
			out->deaths[s][x] = f->death[s][x];
			out->in[s][x] = f->in[s][x];
			out->out[s][x] = f->out[s][x];
		}
	}
	free(f);
	free(u.area_col);
	return rc;
}
