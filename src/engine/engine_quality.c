/*
 * The questions the quality checks ask the engine (quality/): persons
 * counted on a day above an age, births to mothers outside an age range,
 * persons present in two households at once, and the events of each area
 * in a period.  Each answers with record numbers and area indexes; names
 * come from the store, after the view has ended.
 */
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "engine/engine_int.h"

enum ds_rc eng_unit_cols(const struct engine *e, const char *unit, int32_t map_date,
			    int32_t **area_col)
{
	*area_col = NULL;
	int64_t id = eng_unit_id(e, unit);
	if (id < 0)
		return DS_ENOTFOUND;
	struct eng_unitmap *m = eng_map_for((struct engine *)(uintptr_t)e, map_date);
	int32_t *col = malloc((e->nareas + 1) * sizeof *col);
	if (!m || !col) {
		free(col);
		return DS_ENOMEM;
	}
	for (size_t a = 0; a <= e->nareas; a++)
		col[a] = -1;
	for (uint32_t k = m->off[id]; k < m->off[id + 1]; k++)
		col[m->areas[k]] = 0;
	*area_col = col;
	return DS_OK;
}

static bool push(struct eng_qitem **out, size_t *n, size_t *cap, struct eng_qitem it)
{
	if (!ds_grow(out, sizeof **out, cap, *n, 64))
		return false;
	(*out)[(*n)++] = it;
	return true;
}

/* A question's start: no answer yet, and the unit's areas (col, freed by
 * the caller); the engine, or NULL with *rc set when the unit is unknown. */
static const struct engine *q_start(const struct eng_view *v, const char *unit, int32_t map_date,
				    struct eng_qitem **out, size_t *n, int32_t **col, enum ds_rc *rc)
{
	const struct engine *e = eng_of(v);
	*out = NULL;
	*n = 0;
	*rc = eng_unit_cols(e, unit, map_date, col);
	return *rc ? NULL : e;
}

/* q_start, and a zeroed buffer of bytes for the question (NULL, with
 * rc DS_ENOMEM and nothing to free, when there is no memory for it). */
static const struct engine *q_start_buf(const struct eng_view *v, const char *unit, int32_t map_date,
					struct eng_qitem **out, size_t *n, int32_t **col,
					enum ds_rc *rc, size_t bytes, void **buf)
{
	const struct engine *e = q_start(v, unit, map_date, out, n, col, rc);
	if (e && !(*buf = calloc(1, bytes))) {
		free(*col);
		*rc = DS_ENOMEM;
		return NULL;
	}
	return e;
}

/* A question's end: on failure, no half answer. */
static enum ds_rc q_end(enum ds_rc rc, struct eng_qitem **out, size_t *n)
{
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

const char *engine_area_code(const struct eng_view *v, int32_t area)
{
	const struct engine *e = eng_of(v);
	return area >= 0 && (size_t)area < e->nareas ? e->area_code[area] : "";
}

/* Calls fn for every spell of the areas of col begun by day, and when open
 * only those still open on it; false when fn said false. */
static bool each_spell(const struct engine *e, const int32_t *col, int32_t day, bool open,
		       bool (*fn)(const struct eng_spells *s, size_t k, int32_t area, void *arg),
		       void *arg)
{
	for (size_t a = 0; a < e->nareas; a++) {
		if (col[a] < 0)
			continue;
		const struct eng_spells *s = &e->base;
		for (size_t k = e->area_off[a]; k < e->area_off[a + 1]; k++)
			if (s->from[k] <= day && (!open || day < s->to[k]) && !fn(s, k, (int32_t)a, arg))
				return false;
		for (int32_t k = e->add_head[a]; k >= 0; k = e->add_next[k])
			if (e->added.from[k] <= day && (!open || day < e->added.to[k]) &&
			    !fn(&e->added, (size_t)k, (int32_t)a, arg))
				return false;
	}
	return true;
}

bool eng_each_present(const struct engine *e, const int32_t *col, int32_t day,
		      bool (*fn)(const struct eng_spells *s, size_t k, int32_t area, void *arg),
		      void *arg)
{
	return each_spell(e, col, day, true, fn, arg);
}

struct aged {
	int32_t day, key; /* and its eng_date_key */
	int min_age;
	struct eng_qitem *out;
	size_t n, cap;
};

static bool aged_one(const struct eng_spells *s, size_t k, int32_t area, void *arg)
{
	struct aged *g = arg;
	if (s->born[k] > g->key)
		return true;
	int age = eng_key_age(s->born[k], g->key);
	if (age <= g->min_age)
		return true;
	return push(&g->out, &g->n, &g->cap,
		    (struct eng_qitem){.person = s->person[k], .date = g->day, .area = area, .age = age});
}

enum ds_rc engine_q_aged_over(const struct eng_view *v, const char *unit, int32_t map_date,
			      int32_t day, int min_age, struct eng_qitem **out, size_t *n)
{
	int32_t *col;
	enum ds_rc rc;
	const struct engine *e = q_start(v, unit, map_date, out, n, &col, &rc);
	if (!e)
		return rc;
	struct aged g = {.day = day, .key = eng_date_key(day), .min_age = min_age};
	if (!eng_each_present(e, col, day, aged_one, &g)) {
		free(g.out);
		g.out = NULL;
		g.n = 0;
		rc = DS_ENOMEM;
	}
	free(col);
	*out = g.out;
	*n = g.n;
	return rc;
}

enum ds_rc eng_each_event(const struct engine *e, const int32_t *col, int32_t from, int32_t to,
			     eng_event_fn fn, void *arg)
{
	struct eng_range *rg = NULL;
	size_t nr = 0;
	enum ds_rc rc = eng_event_ranges(e, from, to, col, &rg, &nr);
	for (size_t r = 0; !rc && r <= nr; r++) {
		const struct eng_events *ev = r < nr ? &e->ev : &e->late;
		size_t lo = r < nr ? rg[r].lo : 0, hi = r < nr ? rg[r].hi : e->late.n;
		for (size_t i = lo; i < hi && !rc; i++)
			if (ev->type[i] && ev->date[i] >= from && ev->date[i] <= to && !fn(e, ev, i, col, arg))
				rc = DS_ENOMEM;
	}
	free(rg);
	return rc;
}

/* What a question over events collects, and its parameters. */
struct collect {
	struct eng_qitem *out;
	size_t n, cap;
	int lo, hi;
	int64_t *count;
};

/* Runs one question over the period's events of unit's areas. */
static enum ds_rc ask_events(const struct eng_view *v, const char *unit, int32_t map_date,
			     int32_t from, int32_t to, eng_event_fn fn, struct collect *c)
{
	const struct engine *e = eng_of(v);
	int32_t *col;
	enum ds_rc rc = eng_unit_cols(e, unit, map_date, &col);
	if (rc)
		return rc;
	rc = eng_each_event(e, col, from, to, fn, c);
	free(col);
	if (rc) {
		free(c->out);
		c->out = NULL;
		c->n = 0;
	}
	return rc;
}

static bool mother_one(const struct engine *e, const struct eng_events *ev, size_t i,
		       const int32_t *col, void *arg)
{
	struct collect *c = arg;
	int32_t a = eng_hh_area(e, ev->hh[i]);
	if (ev->type[i] != EV_BIRTH || a < 0 || col[a] < 0 || (ev->age[i] >= c->lo && ev->age[i] <= c->hi))
		return true;
	return push(&c->out, &c->n, &c->cap,
		    (struct eng_qitem){.person = ev->person[i], .date = ev->date[i], .area = a,
				       .age = ev->age[i], .seq = ev->seq[i]});
}

enum ds_rc engine_q_mother_age(const struct eng_view *v, const char *unit, int32_t map_date,
			       int32_t from, int32_t to, int lo_age, int hi_age,
			       struct eng_qitem **out, size_t *n)
{
	struct collect c = {.lo = lo_age, .hi = hi_age};
	enum ds_rc rc = ask_events(v, unit, map_date, from, to, mother_one, &c);
	*out = c.out;
	*n = c.n;
	return rc;
}

struct twice {
	uint8_t *seen; /* a bit per person */
	struct eng_qitem *dup;
	size_t n, cap;
	int32_t day;
};

static bool twice_one(const struct eng_spells *s, size_t k, int32_t area, void *arg)
{
	struct twice *t = arg;
	int32_t p = s->person[k];
	if (!(t->seen[p >> 3] & (1u << (p & 7)))) {
		t->seen[p >> 3] |= (uint8_t)(1u << (p & 7));
		return true;
	}
	return push(&t->dup, &t->n, &t->cap, (struct eng_qitem){.person = p, .date = t->day, .area = area});
}

static int by_person(const void *pa, const void *pb)
{
	const struct eng_qitem *a = pa, *b = pb;
	return a->person < b->person ? -1 : a->person > b->person ? 1 : a->area - b->area;
}

/* A bit per person marks those seen; only the second and later spells of
 * a person are kept, so the pass costs a bit per person, not a copy of
 * every spell. */
enum ds_rc engine_q_present_twice(const struct eng_view *v, const char *unit, int32_t map_date,
				  int32_t day, struct eng_qitem **out, size_t *n)
{
	int32_t *col;
	enum ds_rc rc;
	const struct engine *e = q_start(v, unit, map_date, out, n, &col, &rc);
	if (!e)
		return rc;
	struct twice t = {.day = day, .seen = calloc((size_t)(e->maxp >> 3) + 2, 1)};
	if (!t.seen || !eng_each_present(e, col, day, twice_one, &t))
		rc = DS_ENOMEM;
	free(col);
	free(t.seen);
	if (!rc && t.n > 1)
		qsort(t.dup, t.n, sizeof *t.dup, by_person);
	/* Each person once, with the number of spells (the extra ones plus the first) in age. */
	size_t w = 0;
	for (size_t i = 0; !rc && i < t.n;) {
		size_t j = i + 1;
		while (j < t.n && t.dup[j].person == t.dup[i].person)
			j++;
		t.dup[w] = t.dup[i];
		t.dup[w++].age = (int)(j - i) + 1;
		i = j;
	}
	if (rc) {
		free(t.dup);
		return rc;
	}
	*out = t.dup;
	*n = w;
	return DS_OK;
}

struct where {
	int32_t *area; /* by person: the area counted in on the day, -1 */
};

static bool where_one(const struct eng_spells *s, size_t k, int32_t area, void *arg)
{
	((struct where *)arg)->area[s->person[k]] = area;
	return true;
}

/* The id against the engine's current sex and birth date (an info_change
 * of the birth date counts), for the persons present in the unit. */
enum ds_rc engine_q_national_ids(const struct eng_view *v, const char *unit, int32_t map_date,
				 int32_t day, const struct eng_nid *ids, size_t nids,
				 struct eng_qitem **out, size_t *n)
{
	int32_t *col;
	enum ds_rc rc;
	struct where w;
	const struct engine *e = q_start_buf(v, unit, map_date, out, n, &col, &rc,
					     ((size_t)eng_of(v)->maxp + 1) * sizeof *w.area, (void **)&w.area);
	if (!e)
		return rc;
	for (int64_t p = 0; p <= e->maxp; p++)
		w.area[p] = -1;
	eng_each_present(e, col, day, where_one, &w);
	free(col);
	size_t cap = 0;
	for (size_t i = 0; i < nids && !rc; i++) {
		int64_t p = ids[i].person;
		if (p < 0 || p > e->maxp || w.area[p] < 0)
			continue;
		int bad = reg_nid_disagrees(ids[i].nid, e->p_sex[p], e->p_birth[p]);
		if (bad && !push(out, n, &cap,
				 (struct eng_qitem){.person = (int32_t)p, .date = day, .area = w.area[p],
						    .age = bad}))
			rc = DS_ENOMEM;
	}
	free(w.area);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	} else if (*n > 1) {
		qsort(*out, *n, sizeof **out, by_person);
	}
	return rc;
}

/* An event's (seq, area) in the areas of col, a transfer between two of them twice. */
static bool event_one(const struct engine *e, const struct eng_events *ev, size_t i,
		      const int32_t *col, void *arg)
{
	struct collect *c = arg;
	int32_t a = eng_hh_area(e, ev->hh[i]);
	int32_t from_area = ev->type[i] == EV_TRANSFER ? ev->a[i] : -1;
	struct eng_qitem it = {.person = ev->person[i], .date = ev->date[i], .seq = ev->seq[i]};
	if (a >= 0 && col[a] >= 0 && !push(&c->out, &c->n, &c->cap, (it.area = a, it)))
		return false;
	return !(from_area >= 0 && from_area != a && col[from_area] >= 0) ||
	       push(&c->out, &c->n, &c->cap, (it.area = from_area, it));
}

enum ds_rc engine_q_events(const struct eng_view *v, const char *unit, int32_t map_date,
			   int32_t from, int32_t to, struct eng_qitem **out, size_t *n)
{
	struct collect c = {0};
	enum ds_rc rc = ask_events(v, unit, map_date, from, to, event_one, &c);
	*out = c.out;
	*n = c.n;
	return rc;
}

static bool count_one(const struct engine *e, const struct eng_events *ev, size_t i,
		      const int32_t *col, void *arg)
{
	struct collect *c = arg;
	int32_t a = eng_hh_area(e, ev->hh[i]);
	int32_t from_area = ev->type[i] == EV_TRANSFER ? ev->a[i] : -1;
	if (a >= 0 && col[a] >= 0)
		c->count[a]++;
	if (from_area >= 0 && from_area != a && col[from_area] >= 0)
		c->count[from_area]++;
	return true;
}

enum ds_rc engine_q_area_events(const struct eng_view *v, const char *unit, int32_t map_date,
				int32_t from, int32_t to, int32_t **areas, int64_t **counts,
				size_t *n)
{
	const struct engine *e = eng_of(v);
	*areas = NULL;
	*counts = NULL;
	*n = 0;
	int32_t *col;
	enum ds_rc rc = eng_unit_cols(e, unit, map_date, &col);
	if (rc)
		return rc;
	struct collect c = {.count = calloc(e->nareas + 1, sizeof *c.count)};
	rc = c.count ? eng_each_event(e, col, from, to, count_one, &c) : DS_ENOMEM;
	size_t m = 0;
	for (size_t a = 0; !rc && a < e->nareas; a++)
		m += col[a] >= 0;
	*areas = rc ? NULL : malloc((m + 1) * sizeof **areas);
	*counts = rc ? NULL : malloc((m + 1) * sizeof **counts);
	if (!rc && (!*areas || !*counts))
		rc = DS_ENOMEM;
	for (size_t a = 0; !rc && a < e->nareas; a++)
		if (col[a] >= 0) {
			(*areas)[*n] = (int32_t)a;
			(*counts)[(*n)++] = c.count[a];
		}
	free(c.count);
	free(col);
	if (rc) {
		free(*areas);
		free(*counts);
		*areas = NULL;
		*counts = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- contraception never recorded, households left empty ---- */

struct no_fp {
	const struct engine *e;
	int32_t day, key; /* and its eng_date_key */
	int lo, hi;
	int64_t *by_area;
};

/*
 * A married woman of lo..hi counted on the day whose contraception was
 * never recorded as a married woman: married by a marriage event (whoever
 * was married at entry had her method, or none, on the baseline sheet or
 * the arrival's record), with no fp_start or fp_stop since that marriage
 * and no method on the day.
 */
static bool no_fp_one(const struct eng_spells *s, size_t k, int32_t area, void *arg)
{
	struct no_fp *g = arg;
	const struct engine *e = g->e;
	int32_t p = s->person[k];
	if (eng_info_sex(s->info[k]) != SEX_FEMALE || s->born[k] > g->key)
		return true;
	int age = eng_key_age(s->born[k], g->key);
	if (age < g->lo || age > g->hi)
		return true;
	int32_t married = DAY_NONE; /* the day of the marriage in force, by event */
	bool recorded = false;
	int marital = eng_marital0(e, p), method = eng_fp0(e, p);
	for (int32_t c = e->p_chg[p]; c >= 0 && e->chg.date[c] <= g->day; c = e->chg.next[c]) {
		int v = e->chg.val[c] & 0x0F;
		if ((e->chg.val[c] & 0xF0) == CHG_MARITAL) {
			if (v == MAR_MARRIED && marital != MAR_MARRIED) {
				married = e->chg.date[c];
				recorded = false;
			}
			marital = v;
		} else if ((e->chg.val[c] & 0xF0) == CHG_FP) {
			method = v;
			recorded = true;
		}
	}
	if (marital == MAR_MARRIED && married != DAY_NONE && !recorded && !method)
		g->by_area[area]++;
	return true;
}

enum ds_rc engine_q_no_fp_status(const struct eng_view *v, const char *unit, int32_t map_date,
				 int32_t day, int lo_age, int hi_age, struct eng_qitem **out, size_t *n)
{
	int32_t *col;
	enum ds_rc rc;
	const struct engine *e = q_start(v, unit, map_date, out, n, &col, &rc);
	if (!e)
		return rc;
	struct no_fp g = {.e = e, .day = day, .key = eng_date_key(day), .lo = lo_age, .hi = hi_age,
			  .by_area = calloc(e->nareas + 1, sizeof(int64_t))};
	size_t cap = 0;
	if (!g.by_area)
		rc = DS_ENOMEM;
	else
		eng_each_present(e, col, day, no_fp_one, &g);
	for (size_t a = 0; !rc && a < e->nareas; a++)
		if (g.by_area[a] &&
		    !push(out, n, &cap,
			  (struct eng_qitem){.date = day, .area = (int32_t)a, .age = (int)g.by_area[a]}))
			rc = DS_ENOMEM;
	free(g.by_area);
	free(col);
	return q_end(rc, out, n);
}

struct last_end {
	int32_t *last;
	int64_t maxh;
	int32_t day;
};

/* A spell begun by the day: its household's latest end, DAY_MAX when open on it. */
static bool last_end_one(const struct eng_spells *s, size_t k, int32_t area, void *arg)
{
	(void)area;
	struct last_end *le = arg;
	int32_t h = s->hh[k];
	int32_t end = s->to[k] > le->day ? DAY_MAX : s->to[k];
	if (h > 0 && h <= le->maxh && end > le->last[h])
		le->last[h] = end;
	return true;
}

/* Each household of the unit's areas with a usual resident once, up to the
 * day, and none on the day; the day its last resident's spell ended. */
enum ds_rc engine_q_empty_households(const struct eng_view *v, const char *unit, int32_t map_date,
				     int32_t day, struct eng_qitem **out, size_t *n)
{
	int32_t *col;
	enum ds_rc rc;
	/* by household: the latest end of a spell begun by the day (last_end_one) */
	int32_t *last;
	const struct engine *e = q_start_buf(v, unit, map_date, out, n, &col, &rc,
					     ((size_t)eng_of(v)->maxh + 1) * sizeof *last, (void **)&last);
	if (!e)
		return rc;
	size_t cap = 0;
	for (int64_t h = 0; h <= e->maxh; h++)
		last[h] = DAY_NONE;
	struct last_end le = {.last = last, .maxh = e->maxh, .day = day};
	each_spell(e, col, day, false, last_end_one, &le);
	for (int64_t h = 1; h <= e->maxh && !rc; h++) {
		int32_t a = e->h_area[h];
		if (last[h] == DAY_NONE || last[h] == DAY_MAX || a < 0 || col[a] < 0)
			continue;
		if (!push(out, n, &cap, (struct eng_qitem){.person = (int32_t)h, .date = last[h], .area = a}))
			rc = DS_ENOMEM;
	}
	free(last);
	free(col);
	return q_end(rc, out, n);
}

/* ---- households with no head ---- */

struct headless {
	const struct engine *e;
	int32_t day;
	uint8_t *state; /* by household: 1 a usual resident on the day, 2 one who heads it */
};

/* The person a household change last named head of hh on or before day, 0. */
static int32_t named_head(const struct engine *e, int32_t hh, int32_t day)
{
	int32_t best = INT32_MIN, head = 0;
	/* newest first: of two named the same day, the later one stays */
	for (int32_t k = e->h_chg[hh]; k >= 0; k = e->hchg.next[k])
		if (e->hchg.val[k] == HCHG_HEAD && e->hchg.date[k] <= day && e->hchg.date[k] > best) {
			best = e->hchg.date[k];
			head = e->hchg.year[k];
		}
	return head;
}

/* Whether p, a member of h on the day, heads it. */
static bool heads(const struct engine *e, int32_t p, int32_t h, int32_t day)
{
	return eng_value_at(e, e->p_chg[p], CHG_REL, eng_rel0(e, p), day) == 1 || named_head(e, h, day) == p;
}

static bool headless_one(const struct eng_spells *s, size_t k, int32_t area, void *arg)
{
	(void)area;
	struct headless *g = arg;
	int32_t h = s->hh[k];
	if (h > 0 && h <= g->e->maxh && g->state[h] != 2)
		g->state[h] = heads(g->e, s->person[k], h, g->day) ? 2 : 1;
	return true;
}

/* A head may be a member who is not a usual resident (away for long, or a
 * temporary resident): such stretches are kept apart from the spells. */
static void heads_away(const struct engine *e, int32_t day, uint8_t *state)
{
	for (size_t k = 0; k < e->away.n; k++) {
		int32_t h = e->away.hh[k], p = e->away.person[k];
		if (p && e->away.from[k] <= day && e->away.to[k] > day && h > 0 && h <= e->maxh &&
		    state[h] == 1 && heads(e, p, h, day))
			state[h] = 2;
	}
}

/* Each household of the unit's areas with a usual resident on the day and
 * no member who heads it: no member (usual resident or not) is recorded as
 * the head (relation 1, at entry or by a later change) and none is the one
 * the latest household change named. */
enum ds_rc engine_q_no_head(const struct eng_view *v, const char *unit, int32_t map_date, int32_t day,
			    struct eng_qitem **out, size_t *n)
{
	int32_t *col;
	enum ds_rc rc;
	struct headless g = {.day = day};
	if (!(g.e = q_start_buf(v, unit, map_date, out, n, &col, &rc, (size_t)eng_of(v)->maxh + 1,
				(void **)&g.state)))
		return rc;
	const struct engine *e = g.e;
	size_t cap = 0;
	eng_each_present(e, col, day, headless_one, &g);
	heads_away(e, day, g.state);
	for (int64_t h = 1; h <= e->maxh && !rc; h++) {
		int32_t a = e->h_area[h];
		if (g.state[h] != 1 || a < 0 || col[a] < 0)
			continue;
		if (!push(out, n, &cap, (struct eng_qitem){.person = (int32_t)h, .date = day, .area = a}))
			rc = DS_ENOMEM;
	}
	free(g.state);
	free(col);
	return q_end(rc, out, n);
}
