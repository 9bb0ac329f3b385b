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
	uint8_t *seen = calloc(eng_seen_bytes(e), 1);
	struct eng_stock *cube = calloc(1, sizeof *cube);
	if (!seen || !cube) {
		rc = DS_ENOMEM;
		goto out;
	}
	int y, mo, d;
	day_to_ymd(day, &y, &mo, &d);
	struct eng_stock_ctx c = {e, day, y, eng_date_key(day), seen, cube, false};
	for (uint32_t k = u.m->off[u.id]; k < u.m->off[u.id + 1]; k++) {
		size_t a = (size_t)u.m->areas[k];
		eng_stock_areas(&c, 1, u.area_col, a, a + 1);
	}
	for (int s = 0; s < 2; s++)
		for (int x = 0; x < ENG_AGES; x++)
			for (int m = 0; m < 5; m++)
				out->n[s][x] += cube->pop[s][x][m];
out:
	free(seen);
	free(cube);
	free(u.area_col);
	return rc;
}

/* ---- exposure ---- */

/*
 * The period's calendar years, with the day each birthday falls on in each
 * of them, so that cutting a spell at birthdays is arithmetic: a person
 * born on (by, m, d) is Y - by - 1 in year Y until bday[Y][m][d], and
 * Y - by from it (29 February is 1 March in a common year, as day_age has
 * it).  A spell is cut at the years' bounds and at each year's birthday.
 */
#define PERIOD_YEARS_MAX 8
struct period {
	int32_t from, end;   /* [from, end): the period's days */
	int y0, ny;          /* its calendar years y0 .. y0 + ny - 1 */
	int32_t jan1[PERIOD_YEARS_MAX + 1];
	int32_t bday[PERIOD_YEARS_MAX][13][32];
};

static bool period_init(struct period *p, int32_t from, int32_t to)
{
	int m, d, y1;
	day_to_ymd(from, &p->y0, &m, &d);
	day_to_ymd(to, &y1, &m, &d);
	p->ny = y1 - p->y0 + 1;
	if (p->ny > PERIOD_YEARS_MAX)
		return false;
	p->from = from;
	p->end = to + 1;
	for (int i = 0; i <= p->ny; i++)
		p->jan1[i] = day_from_ymd(p->y0 + i, 1, 1);
	for (int i = 0; i < p->ny; i++)
		for (m = 1; m <= 12; m++)
			for (d = 1; d <= 31; d++) {
				int dim = day_days_in_month(p->y0 + i, m);
				p->bday[i][m][d] = d <= dim ? day_from_ymd(p->y0 + i, m, d)
							    : day_from_ymd(p->y0 + i, m, dim) + 1;
			}
	return true;
}

static void add_days(struct eng_dm_exposure *out, int s, int age, int32_t days)
{
	if (days > 0 && age >= 0)
		out->days[s][age < ENG_AGES - 1 ? age : ENG_AGES - 1] += days;
}

/* The days [lo, hi) of one person of sex s born on the date of key `born`
 * (eng_date_key), by their age on each day. */
static void expose(const struct period *p, struct eng_dm_exposure *out, int s, int32_t born,
		   int32_t lo, int32_t hi)
{
	int by = born >> 9, bm = born >> 5 & 15, bd = born & 31;
	int32_t birth = day_from_ymd(by, bm, bd);
	if (lo < birth)
		lo = birth;
	if (lo >= hi)
		return;
	for (int i = 0; i < p->ny; i++) {
		int32_t a = lo > p->jan1[i] ? lo : p->jan1[i];
		int32_t b = hi < p->jan1[i + 1] ? hi : p->jan1[i + 1];
		if (a >= b)
			continue;
		int32_t turn = p->bday[i][bm][bd];
		int age = p->y0 + i - by;
		add_days(out, s, age - 1, (b < turn ? b : turn) - a);
		add_days(out, s, age, b - (a > turn ? a : turn));
	}
}

/* Spell k of s, cut to the period. */
static void expose_spell(const struct period *p, struct eng_dm_exposure *out,
			 const struct eng_spells *s, size_t k)
{
	int32_t lo = s->from[k] > p->from ? s->from[k] : p->from;
	int32_t hi = s->to[k] < p->end ? s->to[k] : p->end;
	int sex = eng_info_sex(s->info[k]) - 1;
	if (lo < hi && sex >= 0 && sex <= 1)
		expose(p, out, sex, s->born[k], lo, hi);
}

enum ds_rc engine_dm_exposure(const struct eng_view *v, const char *unit, int32_t map_date,
			      int32_t from, int32_t to, struct eng_dm_exposure *out)
{
	struct engine *e = eng_of(v);
	struct unit_areas u;
	struct period *p = malloc(sizeof *p);
	if (!p || from > to || to >= DAY_MAX || !period_init(p, from, to)) {
		memset(out, 0, sizeof *out);
		free(p);
		return p ? DS_EUSAGE : DS_ENOMEM;
	}
	enum ds_rc rc = begin(v, unit, map_date, out, sizeof *out, &u);
	for (uint32_t i = rc ? 0 : u.m->off[u.id]; !rc && i < u.m->off[u.id + 1]; i++) {
		int32_t a = u.m->areas[i];
		for (size_t k = e->area_off[a]; k < e->area_off[a + 1]; k++)
			expose_spell(p, out, &e->base, k);
		for (int32_t k = e->add_head[a]; k >= 0; k = e->add_next[k])
			expose_spell(p, out, &e->added, (size_t)k);
	}
	free(p);
	free(u.area_col);
	return rc;
}

/* ---- births, deaths, moves ---- */

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * One event, counted as the forms count births, deaths and moves
 * (engine_flow.c's count_event, for these five types only: a projection
 * has no use for the distinct-person sets and household poverty that cost
 * the forms' pass most of its time), into out[column].
 */
static void count(const struct engine *e, const int32_t *area_col, const int32_t *area_commune,
		  int type, int32_t p, int32_t hh, int32_t a, int age, struct eng_dm_flows *out)
{
	if (type != EV_BIRTH && type != EV_DEATH && type != EV_MOVE_IN && type != EV_MOVE_OUT &&
	    type != EV_TRANSFER)
		return;
	int col, col_from;
	int sex = e->p_sex[p] - 1;
	if (!eng_event_cols(e, area_col, area_commune, type, hh, a, &col, &col_from) || sex < 0 ||
	    sex > 1)
		return;
	age = clampi(age, 0, ENG_AGES - 1);
	if (type == EV_TRANSFER) {
		if (col >= 0)
			out[col].in[sex][age]++;
		if (col_from >= 0)
			out[col_from].out[sex][age]++;
		return;
	}
	if (col < 0)
		return;
	struct eng_dm_flows *o = &out[col];
	if (type == EV_BIRTH) {
		int csex = reg_birth_sex(a) - 1, place = reg_birth_place(a) - 1;
		int mage = clampi(age, ENG_MOTHER_AGE0, ENG_MOTHER_AGE0 + ENG_MOTHER_AGES - 1);
		if (csex >= 0 && csex <= 1 && place >= 0 && place <= 3)
			o->births[csex][mage - ENG_MOTHER_AGE0]++;
	} else if (type == EV_DEATH) {
		o->deaths[sex][age]++;
	} else {
		(type == EV_MOVE_IN ? o->in : o->out)[sex][age]++;
	}
}

enum ds_rc engine_dm_flows_many(const struct eng_view *v, const char *const *units, size_t n,
				int32_t map_date, int32_t from, int32_t to, struct eng_dm_flows *out)
{
	struct engine *e = eng_of(v);
	memset(out, 0, n * sizeof *out);
	struct eng_unitmap *m = eng_map_for(e, map_date);
	int32_t *area_col = malloc((e->nareas + 1) * sizeof *area_col);
	enum ds_rc rc = m && area_col ? DS_OK : DS_ENOMEM;
	for (size_t a = 0; !rc && a <= e->nareas; a++)
		area_col[a] = -1;
	for (size_t i = 0; !rc && i < n; i++) {
		int64_t id = eng_unit_id(e, units[i]);
		if (id < 0)
			rc = DS_ENOTFOUND;
		for (uint32_t k = rc ? 0 : m->off[id]; !rc && k < m->off[id + 1]; k++)
			area_col[m->areas[k]] = (int32_t)i;
	}
	/* The period's windows, or only the units' areas' blocks in them. */
	struct eng_range *rg = NULL;
	size_t nr = 0;
	if (!rc)
		rc = eng_event_ranges(e, from, to, area_col, &rg, &nr);
	const struct eng_events *ev = &e->ev;
	for (size_t r = 0; !rc && r < nr; r++)
		for (size_t i = rg[r].lo; i < rg[r].hi; i++)
			if (ev->type[i] && ev->date[i] >= from && ev->date[i] <= to)
				count(e, area_col, m->area_commune, ev->type[i], ev->person[i], ev->hh[i],
				      ev->a[i], ev->age[i], out);
	const struct eng_events *l = &e->late;
	for (size_t i = 0; !rc && i < l->n; i++)
		if (l->type[i] && l->date[i] >= from && l->date[i] <= to)
			count(e, area_col, m->area_commune, l->type[i], l->person[i], l->hh[i], l->a[i],
			      l->age[i], out);
	free(rg);
	free(area_col);
	if (rc)
		memset(out, 0, n * sizeof *out);
	return rc;
}

enum ds_rc engine_dm_flows(const struct eng_view *v, const char *unit, int32_t map_date,
			   int32_t from, int32_t to, struct eng_dm_flows *out)
{
	return engine_dm_flows_many(v, &unit, 1, map_date, from, to, out);
}
