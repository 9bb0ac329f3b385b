/*
 * Presence spells grouped by area, and the event arrays: building, adding,
 * removing, compacting.
 */
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "engine/engine_int.h"

void eng_fill_spell(const struct engine *e, struct eng_spells *s, size_t k)
{
	int32_t p = s->person[k];
	unsigned mar = (unsigned)eng_marital0(e, p), fp = (unsigned)eng_fp0(e, p);
	int32_t calm = s->from[k] > e->p_birth[p] ? s->from[k] : e->p_birth[p], last = calm;
	eng_walk_state(e, e->p_chg[p], INT32_MAX, &mar, &fp, &last);
	calm = last > calm ? last : calm;
	int sex = e->p_sex[p];
	if (sex < SEX_MALE || sex > SEX_FEMALE || mar < MAR_NEVER || mar > MAR_SEPARATED)
		calm = INT32_MAX; /* counted in no stock, whatever the day */
	s->born[k] = eng_date_key(e->p_birth[p]);
	s->calm[k] = calm;
	s->info[k] = eng_info(sex, (int)mar, (int)fp);
}

enum ds_rc eng_build_spells(struct engine *e, struct eng_spells *in)
{
	size_t na = e->nareas;
	size_t *off = calloc(na + 2, sizeof *off);
	struct eng_spells out = {0};
	if (!off)
		return DS_ENOMEM;
	size_t live = 0;
	for (size_t i = 0; i < in->n; i++) {
		int32_t a = eng_hh_area(e, in->hh[i]);
		if (a >= 0 && in->to[i] > in->from[i]) {
			off[a + 1]++;
			live++;
		}
	}
	for (size_t a = 0; a < na; a++)
		off[a + 1] += off[a];
	out.cap = out.n = live;
	out.person = malloc((live + 1) * 4);
	out.from = malloc((live + 1) * 4);
	out.to = malloc((live + 1) * 4);
	out.hh = malloc((live + 1) * 4);
	out.cause = malloc(live + 1);
	out.born = malloc((live + 1) * 4);
	out.calm = malloc((live + 1) * 4);
	out.info = malloc((live + 1) * 2);
	size_t *pos = malloc((na + 1) * sizeof *pos);
	if (!out.person || !out.from || !out.to || !out.hh || !out.cause || !out.born || !out.calm ||
	    !out.info || !pos) {
		free(off);
		free(pos);
		eng_spells_free(&out);
		return DS_ENOMEM;
	}
	memcpy(pos, off, (na + 1) * sizeof *pos);
	for (size_t i = 0; i < in->n; i++) {
		int32_t a = eng_hh_area(e, in->hh[i]);
		if (a < 0 || in->to[i] <= in->from[i])
			continue;
		size_t k = pos[a]++;
		out.person[k] = in->person[i];
		out.from[k] = in->from[i];
		out.to[k] = in->to[i];
		out.hh[k] = in->hh[i];
		out.cause[k] = in->cause[i];
		eng_fill_spell(e, &out, k);
	}
	free(pos);
	eng_spells_free(in);
	eng_spells_free(&e->base);
	e->base = out;
	free(e->area_off);
	e->area_off = off;
	/* Additions start empty. */
	eng_spells_free(&e->added);
	free(e->add_next);
	e->add_next = NULL;
	free(e->add_head);
	e->add_head = malloc((na + 1) * sizeof *e->add_head);
	if (!e->add_head)
		return DS_ENOMEM;
	for (size_t a = 0; a <= na; a++)
		e->add_head[a] = -1;
	return DS_OK;
}

enum ds_rc eng_add_spells(struct engine *e, const struct eng_spells *fresh)
{
	for (size_t i = 0; i < fresh->n; i++) {
		int32_t a = eng_hh_area(e, fresh->hh[i]);
		if (a < 0 || fresh->to[i] <= fresh->from[i])
			continue;
		size_t k = e->added.n;
		size_t cap = e->added.cap;
		enum ds_rc rc = eng_spell_push(&e->added, fresh->person[i], fresh->from[i], fresh->to[i],
					       fresh->hh[i], fresh->cause[i]);
		if (rc)
			return rc;
		size_t ncap = cap, c1 = cap, c2 = cap, c3 = cap;
		if (!ds_grow(&e->add_next, 4, &ncap, k, 1024) ||
		    !ds_grow(&e->added.born, 4, &c1, k, 1024) ||
		    !ds_grow(&e->added.calm, 4, &c2, k, 1024) || !ds_grow(&e->added.info, 2, &c3, k, 1024))
			return DS_ENOMEM;
		eng_fill_spell(e, &e->added, k);
		e->add_next[k] = e->add_head[a];
		e->add_head[a] = (int32_t)k;
	}
	return DS_OK;
}

/* Empties (to = from) every spell of rid in area a. */
static void kill_in_area(struct engine *e, int32_t a, int32_t rid)
{
	if (a < 0 || (size_t)a >= e->nareas)
		return;
	for (size_t k = e->area_off[a]; k < e->area_off[a + 1]; k++)
		if (e->base.person[k] == rid)
			e->base.to[k] = e->base.from[k];
	for (int32_t k = e->add_head[a]; k >= 0; k = e->add_next[k])
		if (e->added.person[k] == rid)
			e->added.to[k] = e->added.from[k];
}

void eng_kill_spells(struct engine *e, int64_t rid, const struct store_person_lite *p,
		     const struct reg_fact *facts, size_t n)
{
	kill_in_area(e, eng_hh_area(e, p->hh), (int32_t)rid);
	for (size_t i = 0; i < n; i++)
		if (facts[i].type == EV_TRANSFER)
			kill_in_area(e, eng_hh_area(e, facts[i].hh), (int32_t)rid);
}

enum ds_rc eng_copy_event(struct eng_events *dst, const struct eng_events *src, size_t i)
{
	struct reg_fact f = {.date = src->date[i], .person = src->person[i], .type = src->type[i],
			     .seq = src->seq[i]};
	return eng_event_push(dst, &f, src->hh[i], src->a[i], src->age[i]);
}

static void kill_person_events(struct eng_events *v, int32_t rid)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->person[i] == rid)
			eng_kill_event(v, i);
}

void eng_kill_events(struct engine *e, int64_t rid)
{
	kill_person_events(&e->ev, (int32_t)rid);
	kill_person_events(&e->late, (int32_t)rid);
}

void eng_void_event(struct engine *e, int64_t seq, int32_t date)
{
	/* The window of the date, then a scan of it (voids are rare). */
	int32_t w = eng_window(date);
	size_t lo = eng_window_start(&e->ev, 0, e->ev.n, w);
	for (size_t i = lo; i < e->ev.n && eng_window(e->ev.date[i]) == w; i++)
		if (e->ev.seq[i] == seq && e->ev.date[i] == date)
			eng_kill_event(&e->ev, i);
	for (size_t i = 0; i < e->late.n; i++)
		if (e->late.seq[i] == seq)
			eng_kill_event(&e->late, i);
}

/* An event's place in ev's order (engine_int.h, eng_window), as one key. */
struct ev_key {
	int32_t window, area, date;
	int64_t seq;
};

static inline struct ev_key key_of(const struct engine *e, const struct eng_events *v, size_t i)
{
	return (struct ev_key){eng_window(v->date[i]), eng_event_area(e, v, i), v->date[i], v->seq[i]};
}

/* The order itself, the one place it is written: window, area, date, seq. */
static inline int key_cmp(const struct ev_key *a, const struct ev_key *b)
{
	if (a->window != b->window)
		return a->window < b->window ? -1 : 1;
	if (a->area != b->area)
		return a->area < b->area ? -1 : 1;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static inline bool key_less(const struct ev_key *a, const struct ev_key *b)
{
	return key_cmp(a, b) < 0;
}

struct sort_keys {
	const struct eng_events *v;
	const int32_t *window, *area;
};

static int ev_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sort_keys *k = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	struct ev_key ka = {k->window[a], k->area[a], k->v->date[a], k->v->seq[a]};
	struct ev_key kb = {k->window[b], k->area[b], k->v->date[b], k->v->seq[b]};
	return key_cmp(&ka, &kb);
}

/* Permutes one column of n elements of size sz by idx, through tmp (n * sz bytes). */
static void permute(void *col, size_t sz, const size_t *idx, size_t n, char *tmp)
{
	if (!n)
		return; /* an empty log's columns may be NULL */
	for (size_t i = 0; i < n; i++)
		memcpy(tmp + i * sz, (char *)col + idx[i] * sz, sz);
	memcpy(col, tmp, n * sz);
}

/*
 * The order of v's events in idx: the first `sorted` are in order already
 * (checked), so only the others are sorted and then merged with them, in
 * one pass; all of them sorted when the first are not (their keys changed),
 * or when there is no room for the others apart.
 */
static void order_events(size_t *idx, size_t n, size_t sorted, const struct sort_keys *k)
{
	bool in_order = sorted > 0 && sorted <= n;
	for (size_t i = 1; in_order && i < sorted; i++) {
		size_t a = i - 1, b = i;
		in_order = ev_cmp(&a, &b, (void *)k) < 0;
	}
	size_t m = n - sorted;
	size_t *rest = in_order ? malloc((m + 1) * sizeof *rest) : NULL;
	if (!rest) {
		for (size_t i = 0; i < n; i++)
			idx[i] = i;
		if (n)
			qsort_r(idx, n, sizeof *idx, ev_cmp, (void *)k);
		return;
	}
	for (size_t j = 0; j < m; j++)
		rest[j] = sorted + j;
	if (m)
		qsort_r(rest, m, sizeof *rest, ev_cmp, (void *)k);
	size_t i = 0, j = 0, o = 0;
	while (i < sorted && j < m) {
		size_t a = i;
		idx[o++] = ev_cmp(&a, &rest[j], (void *)k) < 0 ? i++ : rest[j++];
	}
	while (i < sorted)
		idx[o++] = i++;
	while (j < m)
		idx[o++] = rest[j++];
	free(rest);
}

enum ds_rc eng_sort_events(const struct engine *e, struct eng_events *v)
{
	return eng_sort_events_after(e, v, 0);
}

enum ds_rc eng_sort_events_after(const struct engine *e, struct eng_events *v, size_t sorted)
{
	size_t *idx = malloc((v->n + 1) * sizeof *idx);
	int32_t *window = malloc((v->n + 1) * sizeof *window);
	int32_t *area = malloc((v->n + 1) * sizeof *area);
	char *tmp = malloc((v->n + 1) * sizeof *v->seq); /* the widest column */
	enum ds_rc rc = idx && window && area && tmp ? DS_OK : DS_ENOMEM;
	if (!rc) {
		for (size_t i = 0; i < v->n; i++) {
			window[i] = eng_window(v->date[i]);
			area[i] = eng_event_area(e, v, i);
		}
		struct sort_keys k = {v, window, area};
		order_events(idx, v->n, sorted, &k);
	}
	free(window);
	free(area);
	if (!rc) {
		permute(v->date, 4, idx, v->n, tmp);
		permute(v->person, 4, idx, v->n, tmp);
		permute(v->hh, 4, idx, v->n, tmp);
		permute(v->a, 4, idx, v->n, tmp);
		permute(v->type, 1, idx, v->n, tmp);
		permute(v->seq, 8, idx, v->n, tmp);
		permute(v->age, 1, idx, v->n, tmp);
	}
	free(tmp);
	free(idx);
	return rc;
}

struct keyed {
	struct ev_key k;
	size_t i;
};

/* Sorts a[0..n) by key (a merge sort through tmp, as many). */
static void sort_keyed(struct keyed *a, size_t n, struct keyed *tmp)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	sort_keyed(a, h, tmp);
	sort_keyed(a + h, n - h, tmp);
	size_t i = 0, j = h, o = 0;
	while (i < h && j < n)
		tmp[o++] = key_less(&a[j].k, &a[i].k) ? a[j++] : a[i++];
	while (i < h)
		tmp[o++] = a[i++];
	memcpy(a, tmp, o * sizeof *a); /* what is left of the second half is in place */
}

/* A late event's key packed in 64 bits for sort_packed, from the low
 * bits: its index, its day in the window, its area + 1, its window from
 * the first. */
enum {
	PK_INDEX_BITS = 26,
	PK_DAY_SHIFT = PK_INDEX_BITS,
	PK_AREA_SHIFT = PK_DAY_SHIFT + 5, /* ENG_WINDOW_DAYS is 32 */
	PK_AREA_BITS = 21,
	PK_WINDOW_SHIFT = PK_AREA_SHIFT + PK_AREA_BITS,
	PK_WINDOW_BITS = 64 - PK_WINDOW_SHIFT,
	PK_DIGIT_BITS = 11, /* a pass of the radix sort */
	PK_DIGITS = 1 << PK_DIGIT_BITS
};

static uint64_t pk_pack(const struct ev_key *k, int32_t wmin, size_t index)
{
	return (uint64_t)(k->window - wmin) << PK_WINDOW_SHIFT | (uint64_t)(k->area + 1) << PK_AREA_SHIFT |
	       (uint64_t)(k->date - k->window * ENG_WINDOW_DAYS) << PK_DAY_SHIFT | index;
}

static size_t pk_index(uint64_t p)
{
	return (size_t)(p & (((uint64_t)1 << PK_INDEX_BITS) - 1));
}

/*
 * Sorts a[0..n) as sort_keyed does, through out, by a radix sort of the
 * packed keys, on the bits above the index.  The sort is stable, so it
 * needs the elements in the order of their seq (the catch-up appends
 * late events so, unless it re-walks a person); false, having done
 * nothing, when they are not or a key does not fit.  The merge sort of
 * 65,536 late events took 9-10 ms, this 3-5.
 */
static bool sort_packed(struct keyed *a, size_t n, struct keyed *out, uint64_t *p, uint64_t *q,
			size_t *count)
{
	int32_t wmin = INT32_MAX, wmax = INT32_MIN;
	for (size_t j = 0; j < n; j++) {
		if ((j && a[j].k.seq <= a[j - 1].k.seq) || a[j].k.area < -1 ||
		    a[j].k.area >= (1 << PK_AREA_BITS) - 1)
			return false;
		wmin = a[j].k.window < wmin ? a[j].k.window : wmin;
		wmax = a[j].k.window > wmax ? a[j].k.window : wmax;
	}
	if (n >= (size_t)1 << PK_INDEX_BITS || (n && (int64_t)wmax - wmin >= 1 << PK_WINDOW_BITS))
		return false;
	for (size_t j = 0; j < n; j++)
		p[j] = pk_pack(&a[j].k, wmin, j);
	for (int shift = PK_INDEX_BITS; shift < 64; shift += PK_DIGIT_BITS) {
		memset(count, 0, PK_DIGITS * sizeof *count);
		for (size_t j = 0; j < n; j++)
			count[p[j] >> shift & (PK_DIGITS - 1)]++;
		for (size_t d = 0, sum = 0; d < PK_DIGITS; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t j = 0; j < n; j++)
			q[count[p[j] >> shift & (PK_DIGITS - 1)]++] = p[j];
		uint64_t *t = p;
		p = q;
		q = t;
	}
	for (size_t j = 0; j < n; j++)
		out[j] = a[pk_index(p[j])];
	memcpy(a, out, n * sizeof *a);
	return true;
}

/* The first event of v in [lo, hi) whose key is not below k, searched in
 * steps that double from lo (the late events' places come in order). */
static size_t gallop(const struct engine *e, const struct eng_events *v, size_t lo, size_t hi,
		     const struct ev_key *k)
{
	for (size_t step = 1; lo < hi; step *= 2) {
		size_t probe = lo + step - 1 < hi ? lo + step - 1 : hi - 1;
		struct ev_key pk = key_of(e, v, probe);
		if (!key_less(&pk, k)) {
			hi = probe;
			break;
		}
		lo = probe + 1;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct ev_key mk = key_of(e, v, mid);
		if (key_less(&mk, k))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* One column of n elements of size sz, whose last m (at sorted = n - m)
 * go in order `late` to the places pos (ascending, each before the sorted
 * element it names): moved from the end down, each element once. */
static inline void spread(void *col, size_t sz, size_t n, size_t m, const struct keyed *late,
			  const size_t *pos, char *tmp)
{
	char *c = col;
	for (size_t j = 0; j < m; j++)
		memcpy(tmp + j * sz, c + late[j].i * sz, sz);
	size_t dst = n, i = n - m; /* one past the next to write, to read */
	for (size_t j = m; j-- > 0;) {
		size_t run = i - pos[j];
		dst -= run;
		i = pos[j];
		memmove(c + dst * sz, c + i * sz, run * sz);
		memcpy(c + --dst * sz, tmp + j * sz, sz);
	}
}

/*
 * Puts the events after `sorted` among the sorted ones from `from` on,
 * in order: each late event's place found by a search from the one
 * before's, and every column moved once, from the end.  Only the late
 * events' keys are computed, and a few of the sorted ones'; the merge
 * used to key, check and move every event from `from` on (at 1M, with
 * late events dated over a year, 40-55 ms of a merge's 50-65).
 */
static enum ds_rc place_late(struct engine *e, size_t from, size_t sorted, int32_t first)
{
	struct eng_events *v = &e->ev;
	size_t n = v->n, m = n - sorted;
	/* Every buffer in one block of e->merge_tmp, kept for the next merge. */
	size_t k = m + 1;
	size_t need = k * (2 * sizeof(struct keyed) + sizeof(size_t) + 3 * sizeof(uint64_t) +
			   2 * sizeof(int32_t)) +
		      PK_DIGITS * sizeof(size_t);
	char *blk = eng_scratch(&e->merge_tmp, need);
	enum ds_rc rc = blk ? DS_OK : DS_ENOMEM;
	if (!rc) {
		struct keyed *late = (struct keyed *)blk, *ktmp = late + k;
		size_t *pos = (size_t *)(ktmp + k), *count = pos + k;
		uint64_t *pk = (uint64_t *)(count + PK_DIGITS), *pk2 = pk + k;
		char *tmp = (char *)(pk2 + k); /* the widest column: seq */
		int32_t *pw = (int32_t *)(tmp + k * sizeof *v->seq), *pa = pw + k;
		for (size_t j = 0; j < m; j++)
			late[j] = (struct keyed){key_of(e, v, sorted + j), sorted + j};
		if (!sort_packed(late, m, ktmp, pk, pk2, count))
			sort_keyed(late, m, ktmp);
		for (size_t j = 0, lo = from; j < m; j++)
			lo = pos[j] = gallop(e, v, lo, sorted, &late[j].k);
		spread(v->date, 4, n, m, late, pos, tmp);
		spread(v->person, 4, n, m, late, pos, tmp);
		spread(v->hh, 4, n, m, late, pos, tmp);
		spread(v->a, 4, n, m, late, pos, tmp);
		spread(v->type, 1, n, m, late, pos, tmp);
		spread(v->seq, 8, n, m, late, pos, tmp);
		spread(v->age, 1, n, m, late, pos, tmp);
		for (size_t j = 0; j < m; j++) {
			pw[j] = late[j].k.window;
			pa[j] = late[j].k.area;
		}
		struct eng_placed placed = {pw, pa, m};
		rc = eng_index_events_from(e, first, &placed);
	}
	eng_scratch_trim(&e->merge_tmp);
	return rc;
}

/* The largest household an event of ev from i on names, into ev_max_hh. */
static void note_households(struct engine *e, size_t i)
{
	for (; i < e->ev.n; i++)
		if (e->ev.hh[i] > e->ev_max_hh)
			e->ev_max_hh = e->ev.hh[i];
}

enum ds_rc eng_sort_all_events(struct engine *e)
{
	e->ev_max_hh = 0;
	e->ev_keys_moved = false;
	note_households(e, 0);
	return eng_sort_events(e, &e->ev);
}

/*
 * Merges the late events into the sorted array.  The sorted events of the
 * windows before the first one a late event falls in keep their places:
 * every late event sorts after them (the window comes first in the order,
 * and an event's window, from its date, never changes), so only the
 * events from that window on move, and the late events are placed among
 * them (place_late).  Late events are mostly recent: at 10M, keys, order
 * and moves were two thirds of a merge's 0.46 s, for all 7.6 million
 * events each time.  Should a household's area have changed since ev was
 * put in order, every event is checked and, if out of order, sorted.
 */
static enum ds_rc merge_events(struct engine *e)
{
	size_t sorted = e->ev.n;
	int32_t first = INT32_MAX;
	for (size_t i = 0; i < e->late.n; i++) {
		if (!e->late.type[i])
			continue;
		enum ds_rc rc = eng_copy_event(&e->ev, &e->late, i);
		if (rc) {
			e->ev.n = sorted; /* the late events wait for the next merge */
			return rc;
		}
		int32_t w = eng_window(e->late.date[i]);
		first = w < first ? w : first;
	}
	/* Kept, as its memory is touched already, unless a long catch-up
	 * made it far larger than a merge's threshold. */
	if (e->late.cap > 4 * (size_t)ENG_LATE_MAX)
		eng_events_free(&e->late);
	e->late.n = 0;
	note_households(e, sorted);
	if (!e->ev_keys_moved) {
		size_t from = first == INT32_MAX ? sorted : eng_window_start(&e->ev, 0, sorted, first);
		enum ds_rc rc = place_late(e, from, sorted, first);
		if (rc)
			e->ev_keys_moved = true; /* the next merge checks and sorts them all */
		return rc;
	}
	/* A household's area changed: every event is checked, and sorted
	 * again if out of order. */
	enum ds_rc rc = eng_sort_events_after(e, &e->ev, sorted);
	if (!rc)
		rc = eng_index_events_from(e, INT32_MIN, NULL);
	if (!rc)
		e->ev_keys_moved = false;
	return rc;
}

enum ds_rc eng_compact(struct engine *e)
{
	struct eng_spells all = {0};
	for (size_t a = 0; a < e->nareas && e->area_off; a++) {
		size_t end = a + 1 <= e->nareas ? e->area_off[a + 1] : 0;
		for (size_t k = e->area_off[a]; k < end; k++)
			if (e->base.to[k] > e->base.from[k] &&
			    eng_spell_push(&all, e->base.person[k], e->base.from[k], e->base.to[k],
					   e->base.hh[k], e->base.cause[k]))
				return DS_ENOMEM;
	}
	for (size_t k = 0; k < e->added.n; k++)
		if (e->added.to[k] > e->added.from[k] &&
		    eng_spell_push(&all, e->added.person[k], e->added.from[k], e->added.to[k],
				   e->added.hh[k], e->added.cause[k]))
			return DS_ENOMEM;
	enum ds_rc rc = eng_build_spells(e, &all);
	return rc ? rc : merge_events(e);
}

enum ds_rc eng_maybe_compact(struct engine *e)
{
	if (e->added.n > e->base.n / 8 + 65536)
		return eng_compact(e);
	if (e->late.n > ENG_LATE_MAX || e->ev_keys_moved)
		return merge_events(e);
	return DS_OK;
}

struct hh_rebuild {
	struct engine *e;
	int64_t hh;
};

static enum ds_rc rebuild_one(const struct store_event *ev, void *arg)
{
	struct hh_rebuild *r = arg;
	const struct reg_fact *f = &ev->fact;
	if (f->type != EV_HOUSEHOLD_CHANGE || f->voided || f->hh != r->hh)
		return DS_OK;
	return eng_household_fact(r->e, f);
}

enum ds_rc eng_rebuild_household(struct engine *e, struct store *st, int64_t hh)
{
	if (hh <= 0 || hh > e->maxh)
		return DS_OK;
	e->h_chg[hh] = -1;
	eng_household_sum(e, (int32_t)hh);
	struct hh_rebuild r = {e, hh};
	return store_events_about(st, 0, hh, rebuild_one, &r);
}
