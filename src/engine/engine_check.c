/*
 * The balancing check: a unit's stock at the end of a period equals its
 * stock at the start plus the period's births, minus deaths, plus in- and
 * minus out-migrants, plus other entries and minus other exits.  Stock
 * changes are read from the presence spells (each knows why it starts and
 * ends); flows are counted as the reports count them; each stock change is
 * matched with the flow that explains it, and what is left over is listed.
 */
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "engine/engine_int.h"

_Static_assert(EV_TYPE_COUNT <= ENG_BALANCE_KINDS && CAUSE_MOVE_OUT < ENG_BALANCE_KINDS,
	       "every item's kind has its count");

struct change {
	int32_t person, date, hh;
	uint8_t cause;
	bool entry;
	bool matched;
};

struct flow_item {
	int32_t person, date, hh;
	int64_t seq;
	uint8_t type;
	bool in; /* for migration: counts as in (else out) */
	bool matched;
};

struct bal {
	struct change *ch;
	size_t nch, capch;
	struct flow_item *fl;
	size_t nfl, capfl;
};

static enum ds_rc push_change(struct bal *b, struct change c)
{
	if (!ds_grow(&b->ch, sizeof *b->ch, &b->capch, b->nch, 1024))
		return DS_ENOMEM;
	b->ch[b->nch++] = c;
	return DS_OK;
}

static enum ds_rc push_flow(struct bal *b, struct flow_item f)
{
	if (!ds_grow(&b->fl, sizeof *b->fl, &b->capfl, b->nfl, 1024))
		return DS_ENOMEM;
	b->fl[b->nfl++] = f;
	return DS_OK;
}

static enum ds_rc scan_spell(struct bal *b, struct eng_balance *out, int32_t from, int32_t to,
			     int32_t p, int32_t s, int32_t t, int32_t hh, uint8_t cause)
{
	if (t <= s)
		return DS_OK;
	if (s <= from - 1 && from - 1 < t)
		out->start++;
	if (s <= to && to < t)
		out->end++;
	enum ds_rc rc = DS_OK;
	if (s >= from && s <= to)
		rc = push_change(b, (struct change){p, s, hh, (uint8_t)eng_cause_start(cause), true, false});
	if (!rc && t >= from && t <= to)
		rc = push_change(b, (struct change){p, t, hh, (uint8_t)eng_cause_end(cause), false, false});
	return rc;
}

static int change_cmp(const void *pa, const void *pb)
{
	const struct change *a = pa, *b = pb;
	if (a->person != b->person)
		return a->person < b->person ? -1 : 1;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return (int)a->entry - (int)b->entry;
}

/* An exit and an entry of one person on one day inside the unit cancel. */
static void cancel_internal(struct bal *b)
{
	if (b->nch)
		qsort(b->ch, b->nch, sizeof *b->ch, change_cmp);
	for (size_t i = 0; i + 1 < b->nch; i++) {
		struct change *x = &b->ch[i], *y = &b->ch[i + 1];
		if (!x->matched && !y->matched && x->person == y->person && x->date == y->date &&
		    !x->entry && y->entry) {
			x->matched = y->matched = true;
			i++;
		}
	}
}

static bool explains(const struct change *c, const struct flow_item *f)
{
	if (c->date != f->date || c->matched || f->matched)
		return false;
	switch (f->type) {
	case EV_BIRTH: return c->entry && c->cause == CAUSE_BIRTH && c->hh == f->hh;
	case EV_DEATH: return !c->entry && c->cause == CAUSE_DEATH && c->person == f->person;
	case EV_MOVE_IN: return c->entry && c->cause == CAUSE_MOVE_IN && c->person == f->person;
	case EV_MOVE_OUT: return !c->entry && c->cause == CAUSE_MOVE_OUT && c->person == f->person;
	case EV_TRANSFER:
		return c->entry == f->in && c->cause == CAUSE_TRANSFER && c->person == f->person;
	default: return false;
	}
}

/* Changes sorted by key; births are matched by (household, day), the rest
 * by (person, day). */
static int by_hh(const void *pa, const void *pb, void *arg)
{
	const struct change *base = arg;
	const struct change *a = &base[*(const size_t *)pa], *b = &base[*(const size_t *)pb];
	if (a->hh != b->hh)
		return a->hh < b->hh ? -1 : 1;
	return (a->date > b->date) - (a->date < b->date);
}

static enum ds_rc match(struct bal *b)
{
	/* Non-births: the changes are sorted by (person, date) already. */
	for (size_t i = 0; i < b->nfl; i++) {
		struct flow_item *f = &b->fl[i];
		if (f->type == EV_BIRTH)
			continue;
		size_t lo = 0, hi = b->nch;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			const struct change *c = &b->ch[mid];
			if (c->person < f->person || (c->person == f->person && c->date < f->date))
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t j = lo; j < b->nch && b->ch[j].person == f->person && b->ch[j].date == f->date; j++)
			if (explains(&b->ch[j], f)) {
				f->matched = b->ch[j].matched = true;
				break;
			}
	}
	size_t *idx = malloc((b->nch + 1) * sizeof *idx), n = 0;
	if (!idx)
		return DS_ENOMEM;
	for (size_t j = 0; j < b->nch; j++)
		if (b->ch[j].entry && b->ch[j].cause == CAUSE_BIRTH)
			idx[n++] = j;
	qsort_r(idx, n, sizeof *idx, by_hh, b->ch);
	for (size_t i = 0; i < b->nfl; i++) {
		struct flow_item *f = &b->fl[i];
		if (f->type != EV_BIRTH)
			continue;
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			const struct change *c = &b->ch[idx[mid]];
			if (c->hh < f->hh || (c->hh == f->hh && c->date < f->date))
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < n && b->ch[idx[k]].hh == f->hh && b->ch[idx[k]].date == f->date; k++)
			if (explains(&b->ch[idx[k]], f)) {
				f->matched = b->ch[idx[k]].matched = true;
				break;
			}
	}
	free(idx);
	return DS_OK;
}

/* Counts an item, and lists it while its kind has fewer than
 * ENG_BALANCE_LISTED listed. */
static enum ds_rc add_item(struct eng_balance *out, size_t *cap, struct eng_item it)
{
	if (it.sign > 0)
		out->other_in++;
	else
		out->other_out++;
	int64_t *n = &out->count[it.flow][it.kind < ENG_BALANCE_KINDS ? it.kind : 0][it.sign > 0];
	if (++*n > ENG_BALANCE_LISTED) {
		out->unlisted++;
		return DS_OK;
	}
	if (!ds_grow(&out->items, sizeof *out->items, cap, out->nitems, 64))
		return DS_ENOMEM;
	out->items[out->nitems++] = it;
	return DS_OK;
}

/* In the order of the dates and the log, as the items are listed. */
static int flow_cmp(const void *pa, const void *pb)
{
	const struct flow_item *a = pa, *b = pb;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* The flows among events [lo, hi) of v. */
static enum ds_rc collect_flows(struct engine *e, const struct eng_events *v, size_t lo, size_t hi,
				int32_t from, int32_t to, const int32_t *area_col,
				const int32_t *area_commune, struct bal *b, struct eng_balance *out)
{
	enum ds_rc rc = DS_OK;
	for (size_t i = lo; i < hi && !rc; i++) {
		int type = v->type[i];
		if (!type || v->date[i] < from || v->date[i] > to)
			continue;
		if (type != EV_BIRTH && type != EV_DEATH && type != EV_MOVE_IN && type != EV_MOVE_OUT &&
		    type != EV_TRANSFER)
			continue;
		int col, col_from;
		if (!eng_event_cols(e, area_col, area_commune, type, v->hh[i], v->a[i], &col, &col_from))
			continue;
		struct flow_item f = {v->person[i], v->date[i], v->hh[i], v->seq[i], (uint8_t)type, false, false};
		if (type == EV_TRANSFER) {
			if (col == 0) {
				f.in = true;
				out->in++;
				rc = push_flow(b, f);
			}
			if (!rc && col_from == 0) {
				f.in = false;
				out->out++;
				rc = push_flow(b, f);
			}
			continue;
		}
		if (col != 0)
			continue;
		f.in = type == EV_MOVE_IN;
		out->births += type == EV_BIRTH;
		out->deaths += type == EV_DEATH;
		out->in += type == EV_MOVE_IN;
		out->out += type == EV_MOVE_OUT;
		rc = push_flow(b, f);
	}
	return rc;
}

enum ds_rc engine_balance(const struct eng_view *v, const char *unit, int32_t from, int32_t to,
			  int32_t map_date, struct eng_balance *out)
{
	struct engine *e = eng_of(v);
	memset(out, 0, sizeof *out);
	struct bal b = {0};
	enum ds_rc rc = DS_OK;
	int32_t *area_col = malloc((e->nareas + 1) * sizeof *area_col);
	struct eng_unitmap *m = eng_map_for(e, map_date);
	int64_t id = eng_unit_id(e, unit);
	if (!area_col || !m)
		rc = DS_ENOMEM;
	else if (id < 0)
		rc = DS_ENOTFOUND;
	if (!rc) {
		for (size_t a = 0; a < e->nareas; a++)
			area_col[a] = -1;
		for (uint32_t k = m->off[id]; k < m->off[id + 1]; k++)
			area_col[m->areas[k]] = 0;
	}
	for (size_t a = 0; !rc && a < e->nareas; a++) {
		if (area_col[a] != 0)
			continue;
		for (size_t k = e->area_off[a]; k < e->area_off[a + 1] && !rc; k++)
			rc = scan_spell(&b, out, from, to, e->base.person[k], e->base.from[k],
					e->base.to[k], e->base.hh[k], e->base.cause[k]);
		for (int32_t k = e->add_head[a]; k >= 0 && !rc; k = e->add_next[k])
			rc = scan_spell(&b, out, from, to, e->added.person[k], e->added.from[k],
					e->added.to[k], e->added.hh[k], e->added.cause[k]);
	}
	struct eng_range *rg = NULL;
	size_t nr = 0;
	if (!rc)
		rc = eng_event_ranges(e, from, to, area_col, &rg, &nr);
	for (size_t r = 0; r < nr && !rc; r++)
		rc = collect_flows(e, &e->ev, rg[r].lo, rg[r].hi, from, to, area_col, m->area_commune,
				   &b, out);
	free(rg);
	/* The ranges go window by window and area by area; the later events
	 * follow in the order they were recorded. */
	if (!rc && b.nfl > 1)
		qsort(b.fl, b.nfl, sizeof *b.fl, flow_cmp);
	if (!rc)
		rc = collect_flows(e, &e->late, 0, e->late.n, from, to, area_col, m->area_commune, &b,
				   out);
	if (!rc) {
		cancel_internal(&b);
		rc = match(&b);
	}
	size_t cap = 0;
	for (size_t j = 0; j < b.nch && !rc; j++) {
		const struct change *c = &b.ch[j];
		if (!c->matched)
			rc = add_item(out, &cap, (struct eng_item){c->person, c->date, c->cause, false,
							      c->entry ? 1 : -1});
	}
	for (size_t i = 0; i < b.nfl && !rc; i++) {
		const struct flow_item *f = &b.fl[i];
		if (f->matched)
			continue;
		/* A counted birth or in-migrant that did not enter the stock is an
		 * other exit; a counted death or out-migrant that did not leave it,
		 * an other entry. */
		bool adds = f->type == EV_BIRTH || f->type == EV_MOVE_IN || (f->type == EV_TRANSFER && f->in);
		rc = add_item(out, &cap, (struct eng_item){f->person, f->date, f->type, true,
						      adds ? -1 : 1});
	}
	free(b.ch);
	free(b.fl);
	free(area_col);
	if (rc)
		eng_balance_free(out);
	return rc;
}

void eng_balance_free(struct eng_balance *b)
{
	free(b->items);
	b->items = NULL;
	b->nitems = 0;
}
