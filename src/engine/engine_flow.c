/*
 * Flows: the events of a period that count in the wanted areas, found by
 * window and area (eng_event_ranges), counted into the columns' cubes
 * (struct eng_flow); and the events of some areas in a period, for the
 * collaborator's monthly slip.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "engine/engine_int.h"

struct flow_ctx {
	const struct engine *e;
	const int32_t *area_col;
	const int32_t *area_commune;
	struct eng_flow *out;
	struct eng_distinct *distinct; /* screened and checked persons */
	int failed;
	int year; /* of the days year_from .. year_to (year_of) */
	int32_t year_from, year_to;
};

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int eng_event_cols(const struct engine *e, const int32_t *area_col, const int32_t *area_commune,
		   int type, int32_t hh, int32_t a, int *col, int *col_from)
{
	*col = *col_from = -1;
	int32_t to = eng_hh_area(e, hh);
	if (type == EV_TRANSFER) {
		/* A move inside one commune is not migration. */
		if (a < 0 || to < 0 || area_commune[a] == area_commune[to])
			return 0;
		*col = area_col[to];
		*col_from = area_col[a];
		return 1;
	}
	*col = to >= 0 ? area_col[to] : -1;
	return 1;
}

/* The year of day, from the last one asked for when day is in that year
 * (the events of a flow come in date order, window after window). */
static int year_of(struct flow_ctx *c, int32_t day)
{
	if (day < c->year_from || day > c->year_to) {
		int m, d;
		day_to_ymd(day, &c->year, &m, &d);
		c->year_from = day_from_ymd(c->year, 1, 1);
		c->year_to = day_from_ymd(c->year, 12, 31);
	}
	return c->year;
}

/* An event that is not a transfer, of subject p, into column col (>= 0).
 * gather_count names each type counted here: a new one goes there too. */
static inline __attribute__((always_inline)) void count_in(struct flow_ctx *c, int32_t col, int type,
							   int32_t date, int32_t p, int32_t hh,
							   int32_t a, int age)
{
	const struct engine *e = c->e;
	int sex = e->p_sex[p] - 1;
	if (sex < 0 || sex > 1)
		return;
	age = clampi(age, 0, 100);
	struct eng_flow *o = &c->out[col];
	int r;
	switch (type) {
	case EV_BIRTH: {
		int mage = clampi(age, ENG_MOTHER_AGE0, ENG_MOTHER_AGE0 + ENG_MOTHER_AGES - 1);
		int csex = reg_birth_sex(a) - 1, place = reg_birth_place(a) - 1;
		int order = clampi(reg_birth_order(a), 1, ENG_ORDERS);
		if (csex >= 0 && csex <= 1 && place >= 0 && place <= 3)
			o->birth[csex][mage - ENG_MOTHER_AGE0][order - 1][place]++;
		break;
	}
	case EV_DEATH: o->death[sex][age]++; break;
	case EV_MOVE_IN: o->in[sex][age]++; break;
	case EV_MOVE_OUT: o->out[sex][age]++; break;
	case EV_MARRIAGE: {
		int couple = !eng_marriage_spouse(a) || sex == 1;
		o->marriage[sex][age][reg_marriage_consang(a)][reg_marriage_premarital(a)][couple]++;
		break;
	}
	case EV_DIVORCE: o->divorce[sex][age]++; break;
	case EV_FP_START:
		o->fp_start[reg_fp_method(a)][reg_fp_source(a)]
			   [eng_household_poverty(e, hh, year_of(c, date))]++;
		break;
	case EV_FP_STOP: o->fp_stop[reg_fp_method(a)]++; break;
	case EV_PREGNANCY: {
		int outcome = reg_pregnancy_outcome(a);
		if (outcome >= 1 && outcome <= 4)
			o->pregnancy[outcome - 1]++;
		break;
	}
	/* Distinct persons: in each column, and (for a total) over all of
	 * them, where a woman screened in two communes counts once; counted
	 * at the end (eng_distinct_count). */
	case EV_PRENATAL_SCREENING:
	case EV_NEWBORN_SCREENING:
	case EV_ELDERLY_CHECK:
		if (type == EV_ELDERLY_CHECK && age < ENG_ELDER_AGE0)
			break;
		r = type == EV_PRENATAL_SCREENING ? ENG_PRENATAL
		    : type == EV_NEWBORN_SCREENING ? ENG_NEWBORN : ENG_ELDERLY;
		c->failed |= eng_distinct_add(c->distinct, r, p, sex, col, date, age) < 0;
		break;
	default: break;
	}
}

static void count_event(struct flow_ctx *c, int type, int32_t date, int32_t p, int32_t hh, int32_t a,
			int age)
{
	const struct engine *e = c->e;
	int col, col_from;
	if (!eng_event_cols(e, c->area_col, c->area_commune, type, hh, a, &col, &col_from))
		return;
	if (type != EV_TRANSFER) {
		if (col >= 0)
			count_in(c, col, type, date, p, hh, a, age);
		return;
	}
	int sex = e->p_sex[p] - 1;
	if (sex < 0 || sex > 1)
		return;
	age = clampi(age, 0, 100);
	if (col >= 0)
		c->out[col].in[sex][age]++;
	if (col_from >= 0)
		c->out[col_from].out[sex][age]++;
}

/* ---- finding a period's events (see eng_event_ranges) ---- */

size_t eng_window_start(const struct eng_events *v, size_t lo, size_t hi, int32_t w)
{
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (eng_window(v->date[mid]) < w)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First index in [lo, hi), inside one window, whose area is at least a:
 * galloping from lo (the next area's block is most often near), then a
 * binary search in the last step. */
static size_t area_start(const struct engine *e, size_t lo, size_t hi, int32_t a)
{
	if (lo >= hi || eng_event_area(e, &e->ev, lo) >= a)
		return lo;
	/* The area at base is below a; the answer is in (base, hi]. */
	for (size_t base = lo, step = 1;; step *= 2) {
		size_t probe = base + step;
		if (probe >= hi || eng_event_area(e, &e->ev, probe) >= a) {
			lo = base + 1;
			hi = probe < hi ? probe : hi;
			break;
		}
		base = probe;
	}
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (eng_event_area(e, &e->ev, mid) < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int push_range(struct eng_range **v, size_t *n, size_t *cap, size_t lo, size_t hi)
{
	if (lo >= hi)
		return 0;
	if (*n && (*v)[*n - 1].hi == lo) {
		(*v)[*n - 1].hi = hi;
		return 0;
	}
	if (!ds_grow(v, sizeof **v, cap, *n, 64))
		return -1;
	(*v)[(*n)++] = (struct eng_range){lo, hi};
	return 0;
}

struct tr_row {
	int32_t w, area;
	uint32_t idx;
};

/*
 * Puts rows made in the order of their events (so by window, then index)
 * in order of window, area and index: each window's rows counted by area
 * and placed, which keeps the index's order within an area.  A qsort of
 * the rows was most of a merge's index at 1M (6-8 ms of 8-10).
 */
static enum ds_rc sort_rows(struct tr_row *r, size_t m)
{
	size_t na = 0; /* one past the largest area */
	for (size_t i = 0; i < m; i++)
		na = (size_t)r[i].area >= na ? (size_t)r[i].area + 1 : na;
	size_t *count = malloc((na + 1) * sizeof *count);
	struct tr_row *tmp = malloc((m + 1) * sizeof *tmp);
	if (!count || !tmp) {
		free(count);
		free(tmp);
		return DS_ENOMEM;
	}
	for (size_t lo = 0, hi; lo < m; lo = hi) {
		memset(count, 0, (na + 1) * sizeof *count);
		for (hi = lo; hi < m && r[hi].w == r[lo].w; hi++)
			count[r[hi].area + 1]++;
		for (size_t a = 1; a <= na; a++)
			count[a] += count[a - 1];
		for (size_t i = lo; i < hi; i++)
			tmp[lo + count[r[i].area]++] = r[i];
		memcpy(r + lo, tmp + lo, (hi - lo) * sizeof *r);
	}
	free(count);
	free(tmp);
	return DS_OK;
}

/* Where the entries of windows before `first` end in e->tr (0 when
 * there is no index to keep from, or first is at or before its start). */
static size_t transfers_before(const struct engine *e, int32_t first)
{
	if (!e->tr.woff || first <= e->tr.w0)
		return 0;
	size_t k = (size_t)((int64_t)first - e->tr.w0);
	return e->tr.woff[k < e->tr.nw ? k : e->tr.nw];
}

/*
 * e->tr for e->ev as it is now sorted.  The entries of the windows before
 * `first` are kept (INT32_MIN: none): their events kept their places
 * (merge_events), so only the transfers from that window on are found and
 * sorted.
 */
static enum ds_rc index_transfers(struct engine *e, int32_t first)
{
	const struct eng_events *v = &e->ev;
	size_t keep = transfers_before(e, first);
	size_t from = keep ? eng_window_start(v, 0, v->n, first) : 0;
	size_t n = 0;
	for (size_t i = from; i < v->n; i++)
		n += v->type[i] == EV_TRANSFER;
	struct tr_row *r = malloc((2 * n + 1) * sizeof *r);
	uint32_t *idx = malloc((keep + 2 * n + 1) * sizeof *idx);
	int32_t *area = malloc((keep + 2 * n + 1) * sizeof *area);
	if (!r || !idx || !area || v->n > UINT32_MAX) {
		free(r);
		free(idx);
		free(area);
		return DS_ENOMEM;
	}
	size_t m = 0, *woff = NULL;
	for (size_t i = from; i < v->n; i++) {
		if (v->type[i] != EV_TRANSFER)
			continue;
		int32_t w = eng_window(v->date[i]), left = v->a[i], entered = eng_hh_area(e, v->hh[i]);
		if (left >= 0)
			r[m++] = (struct tr_row){w, left, (uint32_t)i};
		if (entered >= 0 && entered != left)
			r[m++] = (struct tr_row){w, entered, (uint32_t)i};
	}
	if (sort_rows(r, m)) {
		free(r);
		free(idx);
		free(area);
		return DS_ENOMEM;
	}
	int32_t w0 = keep ? e->tr.w0 : m ? r[0].w : 0;
	int32_t last = m ? r[m - 1].w : keep ? eng_window(v->date[e->tr.idx[keep - 1]]) : w0;
	size_t nw = keep + m ? (size_t)(last - w0) + 1 : 0;
	if (!(woff = calloc(nw + 1, sizeof *woff))) {
		free(r);
		free(idx);
		free(area);
		return DS_ENOMEM;
	}
	if (keep) {
		memcpy(idx, e->tr.idx, keep * sizeof *idx);
		memcpy(area, e->tr.area, keep * sizeof *area);
		/* The kept windows' bounds, up to the first (whose start is keep). */
		size_t k = (size_t)((int64_t)first - w0);
		for (size_t i = 0; i <= k && i <= nw && i <= e->tr.nw; i++)
			woff[i] = e->tr.woff[i];
	}
	for (size_t j = 0; j < m; j++) {
		idx[keep + j] = r[j].idx;
		area[keep + j] = r[j].area;
		woff[r[j].w - w0 + 1] = keep + j + 1;
	}
	for (size_t i = 1; i <= nw; i++) /* windows with no transfer */
		woff[i] = woff[i] > woff[i - 1] ? woff[i] : woff[i - 1];
	free(r);
	free(e->tr.idx);
	free(e->tr.area);
	free(e->tr.woff);
	e->tr.idx = idx;
	e->tr.area = area;
	e->tr.n = keep + m;
	e->tr.w0 = w0;
	e->tr.woff = woff;
	e->tr.nw = nw;
	return DS_OK;
}

/* Windows with fewer events an area than this have no row of blocks. */
#define BLK_DENSITY 2

/* The events placed before the first of window w and area a or later
 * (*t moves on from where the last call left it: w and a only grow). */
static size_t placed_before(const struct eng_placed *p, size_t *t, int32_t w, int32_t a)
{
	while (*t < p->n && (p->window[*t] < w || (p->window[*t] == w && p->area[*t] < a)))
		(*t)++;
	return *t;
}

/*
 * e->blk for e->ev as it is now sorted.  The rows of the windows before
 * `first` are kept (INT32_MIN: none) when the areas and the first window
 * are those they were made for: their events kept their places.  With
 * `placed` (the events a merge placed among the others, which kept their
 * order), a later window's row is the old one moved: each area's block
 * now starts after the placed events whose key is below it too.  At 10M
 * this replaces reading the area of every event from `first` on.
 */
static enum ds_rc index_blocks(struct engine *e, int32_t first, const struct eng_placed *placed)
{
	const struct eng_events *v = &e->ev;
	size_t na = e->nareas, nw = 0, nrows = 0;
	int32_t w0 = v->n ? eng_window(v->date[0]) : 0;
	if (v->n)
		nw = (size_t)(eng_window(v->date[v->n - 1]) - w0) + 1;
	size_t kw = 0; /* windows kept */
	if (e->blk.off && e->blk.na == na && e->blk.w0 == w0 && first > w0) {
		kw = (size_t)((int64_t)first - w0);
		kw = kw < e->blk.nw ? kw : e->blk.nw;
		kw = kw < nw ? kw : nw;
	}
	int32_t *row = malloc((nw + 1) * sizeof *row);
	size_t *start = malloc((nw + 1) * sizeof *start);
	if (!row || !start || v->n > UINT32_MAX) {
		free(row);
		free(start);
		return DS_ENOMEM;
	}
	for (size_t i = 0, lo = 0; i < nw; i++) {
		size_t hi = eng_window_start(v, lo, v->n, w0 + (int32_t)i + 1);
		start[i] = lo;
		if (i < kw)
			row[i] = e->blk.row[i];
		else
			row[i] = hi - lo >= BLK_DENSITY * (na + 1) ? (int32_t)nrows : -1;
		nrows += row[i] >= 0;
		lo = hi;
	}
	start[nw] = v->n;
	uint32_t *off = malloc((nrows * (na + 1) + 1) * sizeof *off);
	if (!off) {
		free(row);
		free(start);
		return DS_ENOMEM;
	}
	size_t kept_rows = 0;
	for (size_t i = 0; i < kw; i++)
		kept_rows += row[i] >= 0;
	if (kept_rows)
		memcpy(off, e->blk.off, kept_rows * (na + 1) * sizeof *off);
	bool moved = placed && kw && kw < nw; /* the old rows of kw on can be moved */
	size_t t = 0;
	for (size_t i = kw; i < nw; i++) {
		if (row[i] < 0)
			continue;
		uint32_t *o = &off[(size_t)row[i] * (na + 1)];
		int32_t w = w0 + (int32_t)i;
		if (moved && i < e->blk.nw && e->blk.row[i] >= 0) {
			const uint32_t *old = &e->blk.off[(size_t)e->blk.row[i] * (na + 1)];
			for (size_t a = 0; a < na; a++)
				o[a] = old[a] + (uint32_t)placed_before(placed, &t, w, (int32_t)a);
			o[na] = (uint32_t)start[i + 1];
			continue;
		}
		size_t j = start[i];
		for (size_t a = 0; a <= na; a++) {
			while (j < start[i + 1] && eng_event_area(e, v, j) < (int32_t)a)
				j++;
			o[a] = (uint32_t)(a < na ? j : start[i + 1]);
		}
	}
	free(start);
	free(e->blk.off);
	free(e->blk.row);
	e->blk.off = off;
	e->blk.row = row;
	e->blk.w0 = w0;
	e->blk.nw = nw;
	e->blk.nrows = nrows;
	e->blk.na = na;
	return DS_OK;
}

enum ds_rc eng_index_events(struct engine *e)
{
	return eng_index_events_from(e, INT32_MIN, NULL);
}

enum ds_rc eng_index_events_from(struct engine *e, int32_t first, const struct eng_placed *placed)
{
	enum ds_rc rc = index_transfers(e, first);
	return rc ? rc : index_blocks(e, first, placed);
}

/* The row of blocks of window w (e->blk), NULL when it has none. */
static const uint32_t *blocks_of(const struct engine *e, int32_t w)
{
	if (w < e->blk.w0 || (size_t)(w - e->blk.w0) >= e->blk.nw || e->blk.row[w - e->blk.w0] < 0)
		return NULL;
	return &e->blk.off[(size_t)e->blk.row[w - e->blk.w0] * (e->nareas + 1)];
}

/* The entries of e->tr of window w and area a: [*lo, return). */
static size_t tr_find(const struct engine *e, int32_t w, int32_t a, size_t *lo)
{
	*lo = 0;
	if (w < e->tr.w0 || (size_t)(w - e->tr.w0) >= e->tr.nw)
		return 0;
	size_t end = e->tr.woff[w - e->tr.w0 + 1];
	size_t h = *lo = eng_lower_i32(e->tr.area, e->tr.woff[w - e->tr.w0], end, a);
	while (h < end && e->tr.area[h] == a)
		h++;
	return h;
}

/* The transfers of window w that leave or enter the wanted areas, each
 * once: one entering from a wanted area is found where it leaves. */
static int push_transfers(const struct engine *e, int32_t w, const int32_t *areas, size_t na,
			  const int32_t *area_col, struct eng_range **out, size_t *n, size_t *cap)
{
	for (size_t k = 0; k < na; k++) {
		size_t j, end = tr_find(e, w, areas[k], &j);
		for (; j < end; j++) {
			uint32_t i = e->tr.idx[j];
			int32_t left = e->ev.a[i];
			if (left != areas[k] && left >= 0 && area_col[left] >= 0)
				continue;
			if (push_range(out, n, cap, i, (size_t)i + 1))
				return -1;
		}
	}
	return 0;
}

/* Below one area in this many, a query reads areas' blocks, not whole windows. */
#define FEW_AREAS 16

enum ds_rc eng_event_ranges(const struct engine *e, int32_t from, int32_t to,
			    const int32_t *area_col, struct eng_range **out, size_t *n)
{
	const struct eng_events *v = &e->ev;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (from > to)
		return DS_OK;
	size_t lo = eng_window_start(v, 0, v->n, eng_window(from));
	size_t end = eng_window_start(v, lo, v->n, eng_window(to) + 1);
	int32_t *areas = NULL;
	size_t na = 0;
	if (area_col) {
		for (size_t a = 0; a < e->nareas; a++)
			na += area_col[a] >= 0;
		if (na * FEW_AREAS < e->nareas && (areas = malloc((na + 1) * sizeof *areas))) {
			na = 0;
			for (size_t a = 0; a < e->nareas; a++)
				if (area_col[a] >= 0)
					areas[na++] = (int32_t)a;
		}
	}
	int failed = 0;
	if (!areas) {
		failed = push_range(out, n, &cap, lo, end);
	} else {
		/* Window by window: the transfers of the areas (the block of
		 * area -1 holds the province's, and its other events count in no
		 * area), then each area's block. */
		while (lo < end && !failed) {
			int32_t w = eng_window(v->date[lo]);
			size_t wend = eng_window_start(v, lo, end, w + 1);
			size_t pos = area_start(e, lo, wend, 0);
			failed = push_transfers(e, w, areas, na, area_col, out, n, &cap);
			for (size_t k = 0; k < na && !failed && pos < wend; k++) {
				size_t s = area_start(e, pos, wend, areas[k]);
				pos = area_start(e, s, wend, areas[k] + 1);
				failed = push_range(out, n, &cap, s, pos);
			}
			lo = wend;
		}
	}
	free(areas);
	if (failed) {
		free(*out);
		*out = NULL;
		*n = 0;
		return DS_ENOMEM;
	}
	return DS_OK;
}

/* How many events ahead the flow asks for a person's sex. */
#define FLOW_AHEAD 16

/* The events [i, hi) of v while their area is a, counted; the first index
 * past them.  The person's sex and the household's area are read at random
 * over the register: asked for some events ahead, they are there when
 * needed (a prefetch never faults). */
static size_t count_block(struct flow_ctx *c, const struct eng_events *v, size_t i, size_t hi,
			  int32_t a, bool whole, int32_t from, int32_t to)
{
	const struct engine *e = c->e;
	for (; i < hi && (whole || eng_event_area(e, v, i) == a); i++) {
		if (i + FLOW_AHEAD < hi) {
			__builtin_prefetch(&e->p_sex[v->person[i + FLOW_AHEAD]]);
			__builtin_prefetch(&e->h_area[v->hh[i + FLOW_AHEAD]]);
		}
		if (v->type[i] && v->date[i] >= from && v->date[i] <= to)
			count_event(c, v->type[i], v->date[i], v->person[i], v->hh[i], v->a[i], v->age[i]);
	}
	return i;
}

/*
 * A chunk's events are counted from a copy: its areas' blocks are copied
 * into a buffer, with the column each counts in, and each event's subject
 * asked for as it is copied (and a contraceptive start's household), so
 * that by the time the buffer is counted they are in the caches.  Asked
 * for ahead within each block instead, the blocks are too short for the
 * asking to help.
 *
 * The copy is counted a type at a time (gather_count): its events put in
 * order of type, each type's run counted in a loop of its own, where
 * count_in's choice by type is made once.  In the order of the log the
 * types come mixed, and the processor guessed wrong at that choice for
 * most events: the 10M province's flow for a year took 70 ms in their
 * order, 60 in order of type, 54 in a loop a type (5 December 2026).
 */
struct met_event {
	int32_t date, person, hh, a, col;
	uint8_t type, age;
};
#define GATHER 1024

struct gather {
	struct met_event ev[GATHER];
	int n;
};

/* The events of g whose indices are order[j0, j1), all of type T. */
#define COUNT_RUN(T)                                                                              \
	case T:                                                                                   \
		for (int j = j0; j < j1; j++) {                                                   \
			const struct met_event *m = &g->ev[order[j]];                             \
			count_in(c, m->col, T, m->date, m->person, m->hh, m->a, m->age);          \
		}                                                                                 \
		break;

static void gather_count(struct flow_ctx *c, struct gather *g)
{
	/* A counting sort of the indices by type: start[t] is where type t's
	 * run begins in order, start[t + 1] where it ends. */
	uint16_t start[EV_TYPE_COUNT + 1] = {0}, at[EV_TYPE_COUNT];
	uint16_t order[GATHER];
	for (int i = 0; i < g->n; i++)
		start[g->ev[i].type + 1]++;
	for (int t = 0; t < EV_TYPE_COUNT; t++) {
		start[t + 1] += start[t];
		at[t] = start[t];
	}
	for (int i = 0; i < g->n; i++)
		order[at[g->ev[i].type]++] = (uint16_t)i;
	for (int t = 0; t < EV_TYPE_COUNT; t++) {
		int j0 = start[t], j1 = start[t + 1];
		switch (t) {
			COUNT_RUN(EV_BIRTH)
			COUNT_RUN(EV_DEATH)
			COUNT_RUN(EV_MOVE_IN)
			COUNT_RUN(EV_MOVE_OUT)
			COUNT_RUN(EV_MARRIAGE)
			COUNT_RUN(EV_DIVORCE)
			COUNT_RUN(EV_FP_START)
			COUNT_RUN(EV_FP_STOP)
			COUNT_RUN(EV_PREGNANCY)
			COUNT_RUN(EV_PRENATAL_SCREENING)
			COUNT_RUN(EV_NEWBORN_SCREENING)
			COUNT_RUN(EV_ELDERLY_CHECK)
		default: break; /* the types count_in counts nowhere */
		}
	}
	g->n = 0;
}
#undef COUNT_RUN

/* The events [i, end) of v, one area's block of a window (no transfers),
 * dated from..to, into g for column col (counted when g is full). */
static void gather_block(struct flow_ctx *c, struct gather *g, const struct eng_events *v, size_t i,
			 size_t end, int32_t col, int32_t from, int32_t to)
{
	const struct engine *e = c->e;
	for (; i < end; i++) {
		if (!v->type[i] || v->date[i] < from || v->date[i] > to)
			continue;
		__builtin_prefetch(&e->p_sex[v->person[i]]);
		if (v->type[i] == EV_FP_START)
			__builtin_prefetch(&e->h_sum[v->hh[i]]);
		g->ev[g->n++] = (struct met_event){v->date[i], v->person[i], v->hh[i], v->a[i], col,
						   v->type[i], v->age[i]};
		if (g->n == GATHER)
			gather_count(c, g);
	}
}

/*
 * A column's cube asked for as its chunk of areas starts (chunk_end),
 * before the chunk's events are copied: each event adds one to a cell of
 * it, and a province's cubes (27 MB at 10M) are far from the caches by
 * then, so that the adds would each wait for memory in turn.  The distinct
 * persons' cells, counted at the end, are left.
 */
static void ask_cube(const struct eng_flow *o)
{
	for (size_t off = 0; off < offsetof(struct eng_flow, prenatal); off += 64)
		__builtin_prefetch((const char *)o + off, 1);
}

/* Columns whose cubes one chunk of areas counts into: about 330 kB, within
 * the processor's second-level cache. */
#define CHUNK_COLUMNS 12

/* The end of the chunk of areas from a0: the areas before the one that
 * would bring a column beyond CHUNK_COLUMNS.  Each new column's cube is
 * asked for. */
static size_t chunk_end(const struct flow_ctx *c, size_t a0)
{
	size_t a = a0;
	int cols = 0;
	int32_t last = -1;
	for (; a < c->e->nareas; a++) {
		int32_t col = c->area_col[a];
		if (col < 0 || col == last)
			continue;
		if (cols == CHUNK_COLUMNS)
			break;
		cols++;
		last = col;
		ask_cube(&c->out[col]);
	}
	return a;
}

/* Windows at most in one whole walk; a longer span is walked in parts. */
#define WALK_WINDOWS 16

/*
 * The windows of [lo, end) a chunk of areas at a time: the transfers'
 * blocks (area -1) first, then the areas of a dozen columns (chunk_end) in
 * every window before the next chunk's, so that the chunk's cubes (27 kB a
 * column) are counted into while they are in the caches.  Window after
 * window instead, the cubes of a province of a thousand communes (tens of
 * megabytes) would be read again from memory in each window; area by area
 * (as until 5 December 2026), each window's block of one area is a dozen
 * events, and the processor does not fetch ahead the 72 places (12
 * windows, 6 arrays) read by turns.  A chunk's blocks in one window lie
 * together: hundreds of events read in order.  The counts are sums and
 * distinct persons keep their earliest event, so the order changes nothing
 * in them.
 */
static void count_area_major(struct flow_ctx *c, size_t lo, size_t end, int32_t from, int32_t to)
{
	const struct engine *e = c->e;
	const struct eng_events *v = &e->ev;
	struct gather *g = malloc(sizeof *g);
	if (!g) {
		c->failed = 1;
		return;
	}
	g->n = 0;
	while (lo < end) {
		size_t pos[WALK_WINDOWS], wend[WALK_WINDOWS];
		const uint32_t *blk[WALK_WINDOWS];
		int nw = 0;
		for (; nw < WALK_WINDOWS && lo < end; nw++) {
			int32_t w = eng_window(v->date[lo]);
			wend[nw] = eng_window_start(v, lo, end, w + 1);
			/* The row holds for the whole window only. */
			blk[nw] = blocks_of(e, w);
			if (blk[nw] && ((lo > 0 && eng_window(v->date[lo - 1]) == w) ||
					blk[nw][e->nareas] != wend[nw]))
				blk[nw] = NULL;
			pos[nw] = blk[nw] ? count_block(c, v, lo, blk[nw][0], 0, true, from, to)
					  : count_block(c, v, lo, wend[nw], -1, false, from, to);
			lo = wend[nw];
		}
		/* The areas from the first with an event past the transfers'
		 * blocks, in any window, a chunk at a time. */
		size_t a0 = SIZE_MAX;
		for (int w = 0; w < nw; w++) {
			size_t x = pos[w] < wend[w] ? (size_t)eng_event_area(e, v, pos[w]) : SIZE_MAX;
			a0 = x < a0 ? x : a0;
		}
		while (a0 < e->nareas) {
			size_t a1 = chunk_end(c, a0);
			for (int w = 0; w < nw; w++) {
				size_t i = pos[w];
				for (size_t x = a0; x < a1 && i < wend[w]; x++) {
					size_t next = blk[w] ? blk[w][x + 1]
							     : area_start(e, i, wend[w], (int32_t)x + 1);
					if (c->area_col[x] >= 0 && next > i)
						gather_block(c, g, v, i, next, c->area_col[x], from, to);
					i = next;
				}
				pos[w] = i;
			}
			gather_count(c, g);
			a0 = a1;
		}
	}
	free(g);
}

enum ds_rc eng_flow_pass(const struct engine *e, int32_t from, int32_t to, const int32_t *area_col,
			    const int32_t *area_commune, struct eng_flow *out, size_t ncols,
			    uint64_t *marks)
{
	struct flow_ctx c = {.e = e, .area_col = area_col, .area_commune = area_commune, .out = out,
			     .year_from = 1, .year_to = 0};
	const struct eng_events *v = &e->ev;
	struct eng_range *rg;
	size_t nr;
	if (eng_event_ranges(e, from, to, area_col, &rg, &nr))
		return DS_ENOMEM;
	if (!(c.distinct = eng_distinct_new(e)))
		c.failed = 1;
	/* One range is whole windows (a query over many areas): walked area
	 * by area; a few areas' blocks as they come. */
	if (nr == 1 && !c.failed)
		count_area_major(&c, rg[0].lo, rg[0].hi, from, to);
	for (size_t r = 0; r < nr && nr > 1 && !c.failed; r++)
		count_block(&c, v, rg[r].lo, rg[r].hi, 0, true, from, to);
	free(rg);
	/* Later events come in recording order: the counts are sums, and
	 * distinct persons keep their earliest event whatever the order. */
	const struct eng_events *l = &e->late;
	for (size_t i = 0; i < l->n && !c.failed; i++)
		if (l->type[i] && l->date[i] >= from && l->date[i] <= to)
			count_event(&c, l->type[i], l->date[i], l->person[i], l->hh[i], l->a[i], l->age[i]);
	if (!c.failed && eng_distinct_count(c.distinct, out, &out[ncols], marks) < 0)
		c.failed = 1;
	eng_distinct_free(c.distinct);
	return c.failed ? DS_ENOMEM : DS_OK;
}

/* ---- the events of some areas (the monthly slip) ---- */

/* The events among [lo, hi) of v dated from `from` to `to` in a wanted area. */
static void collect_in(const struct engine *e, const struct eng_events *v, size_t lo, size_t hi,
		       int32_t from, int32_t to, const int32_t *area_col, int64_t **seqs, size_t *n,
		       size_t *cap, int32_t **dates, int *failed)
{
	for (size_t i = lo; i < hi && !*failed; i++) {
		if (!v->type[i] || v->date[i] < from || v->date[i] > to)
			continue;
		int32_t a = eng_hh_area(e, v->hh[i]);
		int32_t from_area = v->type[i] == EV_TRANSFER ? v->a[i] : -1;
		if (!((a >= 0 && area_col[a] >= 0) || (from_area >= 0 && area_col[from_area] >= 0)))
			continue;
		size_t c1 = *cap, c2 = *cap;
		if (!ds_grow(seqs, sizeof **seqs, &c1, *n, 1024) ||
		    !ds_grow(dates, sizeof **dates, &c2, *n, 1024)) {
			*failed = 1;
			return;
		}
		*cap = c1;
		(*seqs)[*n] = v->seq[i];
		(*dates)[*n] = v->date[i];
		(*n)++;
	}
}

struct dated {
	int32_t date;
	int64_t seq;
};

static int dated_cmp(const void *pa, const void *pb)
{
	const struct dated *a = pa, *b = pb;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

enum ds_rc engine_events_in(const struct eng_view *v, const char *const *areas, size_t nareas,
			    int32_t from, int32_t to, int64_t **seqs, size_t *n)
{
	const struct engine *e = eng_of(v);
	*seqs = NULL;
	*n = 0;
	/* The wanted areas as one column, 0 (the others -1), as a query has them. */
	int32_t *area_col = malloc((e->nareas + 1) * sizeof *area_col);
	int32_t *dates = NULL;
	size_t cap = 0;
	int failed = !area_col;
	for (size_t a = 0; !failed && a <= e->nareas; a++)
		area_col[a] = -1;
	for (size_t i = 0; i < nareas && !failed; i++) {
		int64_t a;
		if (hmap_get(&e->area_index, areas[i], strlen(areas[i]), &a))
			area_col[a] = 0;
	}
	struct eng_range *rg = NULL;
	size_t nr = 0;
	if (!failed && eng_event_ranges(e, from, to, area_col, &rg, &nr))
		failed = 1;
	for (size_t r = 0; r < nr && !failed; r++)
		collect_in(e, &e->ev, rg[r].lo, rg[r].hi, from, to, area_col, seqs, n, &cap, &dates,
			   &failed);
	free(rg);
	if (!failed)
		collect_in(e, &e->late, 0, e->late.n, from, to, area_col, seqs, n, &cap, &dates, &failed);
	free(area_col);
	/* Late events are in recording order: put everything in date order. */
	struct dated *pairs = !failed ? malloc((*n + 1) * sizeof *pairs) : NULL;
	if (!failed && !pairs)
		failed = 1;
	for (size_t i = 0; i < *n && pairs; i++)
		pairs[i] = (struct dated){dates[i], (*seqs)[i]};
	if (pairs) {
		qsort(pairs, *n, sizeof *pairs, dated_cmp);
		for (size_t i = 0; i < *n; i++)
			(*seqs)[i] = pairs[i].seq;
	}
	free(pairs);
	free(dates);
	if (failed) {
		free(*seqs);
		*seqs = NULL;
		*n = 0;
		return DS_ENOMEM;
	}
	return DS_OK;
}
