/*
 * Unit maps: for each interval of dates on which the unit tree does not
 * change, the areas under every unit and the commune of every area, built
 * on first use and cached; and the units of a level under a unit.
 */
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "engine/engine_int.h"

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

enum ds_rc eng_bounds(struct engine *e)
{
	free(e->bounds);
	e->nbounds = 0;
	e->bounds = malloc((2 * e->units.n + 1) * sizeof *e->bounds);
	if (!e->bounds)
		return DS_ENOMEM;
	for (size_t i = 0; i < e->units.n; i++) {
		const struct reg_unit *u = &e->units.rows[i];
		if (u->valid_from != DAY_NONE)
			e->bounds[e->nbounds++] = u->valid_from;
		if (u->valid_to != DAY_MAX)
			e->bounds[e->nbounds++] = u->valid_to + 1;
	}
	qsort(e->bounds, e->nbounds, sizeof *e->bounds, cmp_i32);
	size_t m = 0;
	for (size_t i = 0; i < e->nbounds; i++)
		if (!m || e->bounds[m - 1] != e->bounds[i])
			e->bounds[m++] = e->bounds[i];
	e->nbounds = m;
	return DS_OK;
}

static void map_free(struct eng_unitmap *m)
{
	free(m->off);
	free(m->areas);
	free(m->area_commune);
	free(m);
}

void eng_maps_free(struct engine *e)
{
	while (e->maps) {
		struct eng_unitmap *n = e->maps->next;
		map_free(e->maps);
		e->maps = n;
	}
}

int64_t eng_unit_id(const struct engine *e, const char *code)
{
	int64_t id;
	return hmap_get(&e->units.by_code, code, strlen(code), &id) ? id : -1;
}

/* Calls fn for each unit id on the chain from an area up, under day. */
static void chain(const struct engine *e, size_t area, int32_t day,
		  void (*fn)(struct eng_unitmap *, int64_t id, size_t area), struct eng_unitmap *m)
{
	const char *code = e->area_code[area];
	for (int depth = 0; code[0] && depth < 8; depth++) {
		int64_t id = eng_unit_id(e, code);
		if (id < 0)
			return;
		fn(m, id, area);
		code = reg_units_parent(&e->units, code, day);
	}
}

static void count_one(struct eng_unitmap *m, int64_t id, size_t area)
{
	(void)area;
	m->off[id + 1]++;
}

static void place_one(struct eng_unitmap *m, int64_t id, size_t area)
{
	/* off[id] is used as the fill cursor and restored afterwards. */
	m->areas[m->off[id]++] = (int32_t)area;
}

static struct eng_unitmap *build_map(const struct engine *e, int32_t day, int32_t lo, int32_t hi)
{
	struct eng_unitmap *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->lo = lo;
	m->hi = hi;
	m->nids = e->units.n;
	m->off = calloc(m->nids + 2, sizeof *m->off);
	m->area_commune = malloc((e->nareas + 1) * sizeof *m->area_commune);
	if (!m->off || !m->area_commune) {
		map_free(m);
		return NULL;
	}
	for (size_t a = 0; a < e->nareas; a++)
		chain(e, a, day, count_one, m);
	for (size_t i = 0; i < m->nids; i++)
		m->off[i + 1] += m->off[i];
	m->areas = malloc((m->off[m->nids] + 1) * sizeof *m->areas);
	if (!m->areas) {
		map_free(m);
		return NULL;
	}
	for (size_t a = 0; a < e->nareas; a++)
		chain(e, a, day, place_one, m);
	for (size_t i = m->nids; i > 0; i--)
		m->off[i] = m->off[i - 1];
	m->off[0] = 0;
	/* The commune of each area under this map, for migration. */
	for (size_t a = 0; a < e->nareas; a++) {
		m->area_commune[a] = -1;
		const char *code = e->area_code[a];
		for (int depth = 0; code[0] && depth < 8; depth++) {
			int64_t id = eng_unit_id(e, code);
			if (id < 0)
				break;
			if (e->units.rows[id].level == LVL_COMMUNE) {
				m->area_commune[a] = (int32_t)id;
				break;
			}
			code = reg_units_parent(&e->units, code, day);
		}
	}
	return m;
}

/* The cached tree for day, built on first use. */
struct eng_unitmap *eng_map_for(struct engine *e, int32_t day)
{
	size_t k = 0;
	while (k < e->nbounds && e->bounds[k] <= day)
		k++;
	int32_t lo = k ? e->bounds[k - 1] : INT32_MIN, hi = k < e->nbounds ? e->bounds[k] - 1 : INT32_MAX;
	pthread_mutex_lock(&e->maps_lock);
	struct eng_unitmap *m = e->maps;
	while (m && !(m->lo == lo && m->hi == hi))
		m = m->next;
	if (!m && (m = build_map(e, day, lo, hi))) {
		m->next = e->maps;
		e->maps = m;
	}
	pthread_mutex_unlock(&e->maps_lock);
	return m;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum ds_rc engine_units_under(const struct eng_view *view, const char *unit, enum reg_level level,
			      int32_t day, char ***codes, size_t *n)
{
	const struct engine *e = eng_of(view);
	size_t cap = 16, cnt = 0;
	char **v = malloc(cap * sizeof *v);
	enum ds_rc rc = v ? DS_OK : DS_ENOMEM;
	for (size_t i = 0; i < e->units.n && !rc; i++) {
		const struct reg_unit *u = &e->units.rows[i];
		if (u->level != level || (i && strcmp(e->units.rows[i - 1].code, u->code) == 0))
			continue;
		if (!reg_units_at(&e->units, u->code, day) ||
		    (unit && !reg_units_within(&e->units, u->code, unit, day)))
			continue;
		if (cnt == cap) {
			char **nv = realloc(v, (cap *= 2) * sizeof *nv);
			if (!nv) {
				rc = DS_ENOMEM;
				break;
			}
			v = nv;
		}
		if (!(v[cnt] = strdup(u->code)))
			rc = DS_ENOMEM;
		else
			cnt++;
	}
	if (rc) {
		for (size_t i = 0; i < cnt; i++)
			free(v[i]);
		free(v);
		return rc;
	}
	qsort(v, cnt, sizeof *v, cmp_str);
	*codes = v;
	*n = cnt;
	return DS_OK;
}
