/*
 * Loading the engine and keeping it current.  The heart is walk(): one
 * person's entry record and timeline turned into presence spells, dated
 * changes of marital status and method, and the counted events with the
 * household the person belonged to on each event's day.
 */
#include "engine/engine_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "base/progress.h"
#include "store/register.h"

/* Gives back an array's unused tail.  A failed shrink keeps the larger
 * block, which still holds n elements. */
static void shrink(void *pp, size_t elem, size_t n)
{
	void **p = pp;
	void *q = *p ? realloc(*p, (n ? n : 1) * elem) : NULL;
	if (q)
		*p = q;
}

static void shrink_events(struct eng_events *v)
{
	shrink(&v->date, 4, v->n);
	shrink(&v->person, 4, v->n);
	shrink(&v->hh, 4, v->n);
	shrink(&v->a, 4, v->n);
	shrink(&v->type, 1, v->n);
	shrink(&v->seq, 8, v->n);
	shrink(&v->age, 1, v->n);
	v->cap = v->n;
}

/* After a load every array is exactly as long as its contents. */
static void trim(struct engine *e)
{
	size_t n = (size_t)e->maxp + 1;
	if (n < e->pcap) {
		shrink(&e->p_birth, sizeof *e->p_birth, n);
		shrink(&e->p_sex, 1, n);
		shrink(&e->p_marital0, 1, n);
		shrink(&e->p_fp0, 1, n);
		shrink(&e->p_chg, sizeof *e->p_chg, n);
		e->pcap = n;
	}
	n = (size_t)e->maxh + 1;
	if (n < e->hcap) {
		shrink(&e->h_area, sizeof *e->h_area, n);
		shrink(&e->h_type0, 1, n);
		shrink(&e->h_pov0, 1, n);
		shrink(&e->h_year0, sizeof *e->h_year0, n);
		shrink(&e->h_chg, sizeof *e->h_chg, n);
		e->hcap = n;
	}
	shrink(&e->chg.date, 4, e->chg.n);
	shrink(&e->chg.next, 4, e->chg.n);
	shrink(&e->chg.val, 1, e->chg.n);
	e->chg.cap = e->chg.n;
	shrink(&e->hchg.date, 4, e->hchg.n);
	shrink(&e->hchg.next, 4, e->hchg.n);
	shrink(&e->hchg.year, 4, e->hchg.n);
	shrink(&e->hchg.val, 1, e->hchg.n);
	e->hchg.cap = e->hchg.n;
	shrink_events(&e->ev);
}

/* ---- persons and households ---- */

static enum ds_rc person_slot(struct engine *e, int64_t rid)
{
	if (rid <= 0 || rid > INT32_MAX)
		return DS_EINPUT;
	if ((size_t)rid >= e->pcap) {
		size_t cap = e->pcap, need = (size_t)rid;
		size_t c1 = cap, c2 = cap, c3 = cap, c4 = cap, c5 = cap;
		if (!ds_grow(&e->p_birth, sizeof *e->p_birth, &c1, need, 1024) ||
		    !ds_grow(&e->p_sex, 1, &c2, need, 1024) ||
		    !ds_grow(&e->p_marital0, 1, &c3, need, 1024) ||
		    !ds_grow(&e->p_fp0, 1, &c4, need, 1024) ||
		    !ds_grow(&e->p_chg, sizeof *e->p_chg, &c5, need, 1024))
			return DS_ENOMEM;
		for (size_t i = cap; i < c5; i++)
			e->p_chg[i] = -1;
		e->pcap = c5;
	}
	if (rid > e->maxp)
		e->maxp = rid;
	return DS_OK;
}

static enum ds_rc household_slot(struct engine *e, int64_t rid)
{
	if (rid <= 0 || rid > INT32_MAX)
		return DS_EINPUT;
	if ((size_t)rid >= e->hcap) {
		size_t cap = e->hcap, need = (size_t)rid;
		size_t c1 = cap, c2 = cap, c3 = cap, c4 = cap, c5 = cap;
		if (!ds_grow(&e->h_area, sizeof *e->h_area, &c1, need, 1024) ||
		    !ds_grow(&e->h_type0, 1, &c2, need, 1024) ||
		    !ds_grow(&e->h_pov0, 1, &c3, need, 1024) ||
		    !ds_grow(&e->h_year0, sizeof *e->h_year0, &c4, need, 1024) ||
		    !ds_grow(&e->h_chg, sizeof *e->h_chg, &c5, need, 1024))
			return DS_ENOMEM;
		for (size_t i = cap; i < c5; i++) {
			e->h_chg[i] = -1;
			e->h_area[i] = -1;
		}
		e->hcap = c5;
	}
	if (rid > e->maxh)
		e->maxh = rid;
	return DS_OK;
}

static enum ds_rc set_household(struct engine *e, const struct store_household_lite *h)
{
	enum ds_rc rc = household_slot(e, h->rid);
	if (rc)
		return rc;
	int64_t a = -1;
	hmap_get(&e->area_index, h->area, strlen(h->area), &a);
	int y, m, d;
	day_to_ymd(h->entry, &y, &m, &d);
	e->h_area[h->rid] = (int32_t)a;
	e->h_type0[h->rid] = h->type;
	e->h_pov0[h->rid] = h->poverty;
	e->h_year0[h->rid] = y;
	return DS_OK;
}

static void set_person(struct engine *e, const struct store_person_lite *p)
{
	e->p_birth[p->rid] = p->birth;
	e->p_sex[p->rid] = p->sex;
	e->p_marital0[p->rid] = p->marital;
	e->p_fp0[p->rid] = p->fp_method;
	e->p_chg[p->rid] = -1;
}

/* ---- dated changes ---- */

static enum ds_rc add_change(struct engine *e, int64_t person, int32_t date, uint8_t val)
{
	size_t i = e->chg.n, c1 = e->chg.cap, c2 = e->chg.cap, c3 = e->chg.cap;
	if (!ds_grow(&e->chg.date, sizeof *e->chg.date, &c1, i, 1024) ||
	    !ds_grow(&e->chg.next, sizeof *e->chg.next, &c2, i, 1024) ||
	    !ds_grow(&e->chg.val, 1, &c3, i, 1024))
		return DS_ENOMEM;
	e->chg.cap = c3;
	e->chg.date[i] = date;
	e->chg.val[i] = val;
	e->chg.next[i] = -1;
	/* Appended at the end of the person's list, which stays in date order
	 * because walk() visits facts in date order. */
	int32_t *link = &e->p_chg[person];
	while (*link >= 0)
		link = &e->chg.next[*link];
	*link = (int32_t)i;
	e->chg.n++;
	return DS_OK;
}

static enum ds_rc add_hchange(struct engine *e, int64_t hh, int32_t date, int32_t year, uint8_t val)
{
	size_t i = e->hchg.n, c1 = e->hchg.cap, c2 = e->hchg.cap, c3 = e->hchg.cap,
	       c4 = e->hchg.cap;
	if (!ds_grow(&e->hchg.date, sizeof *e->hchg.date, &c1, i, 1024) ||
	    !ds_grow(&e->hchg.next, sizeof *e->hchg.next, &c2, i, 1024) ||
	    !ds_grow(&e->hchg.year, sizeof *e->hchg.year, &c3, i, 1024) ||
	    !ds_grow(&e->hchg.val, 1, &c4, i, 1024))
		return DS_ENOMEM;
	e->hchg.cap = c4;
	e->hchg.date[i] = date;
	e->hchg.year[i] = year;
	e->hchg.val[i] = val;
	e->hchg.next[i] = e->h_chg[hh];
	e->h_chg[hh] = (int32_t)i;
	e->hchg.n++;
	return DS_OK;
}

enum ds_rc eng_household_fact(struct engine *e, const struct reg_fact *f)
{
	if (f->hh <= 0 || f->hh > e->maxh)
		return DS_OK;
	enum ds_rc rc = DS_OK;
	if (reg_hc_mask(f->a) & REG_HC_TYPE)
		rc = add_hchange(e, f->hh, f->date, 0, (uint8_t)(0x10 | reg_hc_type(f->a)));
	if (!rc && (reg_hc_mask(f->a) & REG_HC_POVERTY))
		rc = add_hchange(e, f->hh, f->date, f->b, (uint8_t)(0x20 | reg_hc_poverty(f->a)));
	return rc;
}

/* ---- spells and events ---- */

enum ds_rc eng_spell_push(struct eng_spells *s, int32_t person, int32_t from, int32_t to,
			  int32_t hh, uint8_t cause)
{
	size_t i = s->n, c1 = s->cap, c2 = s->cap, c3 = s->cap, c4 = s->cap, c5 = s->cap;
	if (!ds_grow(&s->person, 4, &c1, i, 1024) || !ds_grow(&s->from, 4, &c2, i, 1024) ||
	    !ds_grow(&s->to, 4, &c3, i, 1024) || !ds_grow(&s->hh, 4, &c4, i, 1024) ||
	    !ds_grow(&s->cause, 1, &c5, i, 1024))
		return DS_ENOMEM;
	s->cap = c5;
	s->person[i] = person;
	s->from[i] = from;
	s->to[i] = to;
	s->hh[i] = hh;
	s->cause[i] = cause;
	s->n++;
	return DS_OK;
}

enum ds_rc eng_event_push(struct eng_events *v, const struct reg_fact *f, int32_t hh, int32_t a,
			  int age)
{
	size_t i = v->n, c[7] = {v->cap, v->cap, v->cap, v->cap, v->cap, v->cap, v->cap};
	if (!ds_grow(&v->date, 4, &c[0], i, 1024) || !ds_grow(&v->person, 4, &c[1], i, 1024) ||
	    !ds_grow(&v->hh, 4, &c[2], i, 1024) || !ds_grow(&v->a, 4, &c[3], i, 1024) ||
	    !ds_grow(&v->type, 1, &c[4], i, 1024) || !ds_grow(&v->seq, 8, &c[5], i, 1024) ||
	    !ds_grow(&v->age, 1, &c[6], i, 1024))
		return DS_ENOMEM;
	v->cap = c[6];
	v->age[i] = (uint8_t)(age < 0 ? 0 : age > 255 ? 255 : age);
	v->date[i] = f->date;
	v->person[i] = (int32_t)f->person;
	v->hh[i] = hh;
	v->a[i] = a;
	v->type[i] = f->type;
	v->seq[i] = f->seq;
	v->n++;
	return DS_OK;
}

/* Types that reports count. */
static bool counted(int type)
{
	switch (type) {
	case EV_BIRTH:
	case EV_NEWBORN_SCREENING:
	case EV_DEATH:
	case EV_MOVE_IN:
	case EV_MOVE_OUT:
	case EV_TRANSFER:
	case EV_MARRIAGE:
	case EV_DIVORCE:
	case EV_FP_START:
	case EV_FP_STOP:
	case EV_PREGNANCY:
	case EV_PRENATAL_SCREENING:
	case EV_ELDERLY_CHECK:
	/* not counted in any cube, but listed on the month's slip */
	case EV_WIDOWED:
	case EV_INFO_CHANGE: return true;
	default: return false;
	}
}

/* The cube attributes an event keeps (see eng_flow). */
static int32_t event_attr(const struct engine *e, const struct reg_fact *f, int64_t hh_before)
{
	switch (f->type) {
	case EV_BIRTH: return f->a;
	case EV_MARRIAGE: return eng_marriage_a(f->a, f->other != 0);
	case EV_FP_START:
	case EV_FP_STOP:
	case EV_PREGNANCY: return f->a;
	case EV_TRANSFER:
		return eng_hh_area(e, hh_before);
	default: return 0;
	}
}

struct walk_out {
	struct eng_spells *spells;
	struct eng_events *events; /* NULL: do not emit events */
};

/*
 * One person's timeline: facts are this person's subject facts sorted by
 * (date, seq), voided ones flagged.
 */
enum ds_rc eng_walk(struct engine *e, const struct store_person_lite *p, bool entry_voided,
		    const struct reg_fact *facts, size_t n, struct eng_spells *spells,
		    struct eng_events *events)
{
	int32_t rid = (int32_t)p->rid;
	e->p_chg[rid] = -1;
	e->p_birth[rid] = p->birth;
	for (size_t i = 0; i < n; i++)
		if (!facts[i].voided && facts[i].type == EV_INFO_CHANGE &&
		    reg_info_field(facts[i].a) == FLD_BIRTH_DATE)
			e->p_birth[rid] = facts[i].b;
	if (entry_voided)
		return DS_OK;
	int32_t from = p->entry;
	int64_t hh = p->hh;
	int res = p->residence;
	bool open = true;
	uint8_t start = p->entry_type == EV_BIRTH ? CAUSE_BIRTH
			: p->entry_type == EV_MOVE_IN ? CAUSE_MOVE_IN : CAUSE_BASELINE;
#define SPELL(end_cause) eng_spell_push(spells, rid, from, f->date, (int32_t)hh, \
					eng_causes(start, end_cause))
	enum ds_rc rc = DS_OK;
	for (size_t i = 0; i < n && !rc && open; i++) {
		const struct reg_fact *f = &facts[i];
		if (f->voided)
			continue;
		if (events && counted(f->type)) {
			int64_t at = f->type == EV_MOVE_IN || f->type == EV_TRANSFER ? f->hh : hh;
			rc = eng_event_push(events, f, (int32_t)at, event_attr(e, f, hh),
					    day_age(e->p_birth[rid], f->date));
			if (rc)
				break;
		}
		switch (f->type) {
		case EV_TRANSFER:
			if (res == RES_USUAL && f->date > from)
				rc = SPELL(CAUSE_TRANSFER);
			from = f->date;
			hh = f->hh;
			start = CAUSE_TRANSFER;
			break;
		case EV_INFO_CHANGE:
			if (reg_info_field(f->a) == FLD_RESIDENCE && f->b != res) {
				if (res == RES_USUAL && f->date > from)
					rc = SPELL(CAUSE_RESIDENCE);
				from = f->date;
				res = f->b;
				start = CAUSE_RESIDENCE;
			}
			break;
		case EV_DEATH:
		case EV_MOVE_OUT:
			if (res == RES_USUAL && f->date > from)
				rc = SPELL(f->type == EV_DEATH ? CAUSE_DEATH : CAUSE_MOVE_OUT);
			open = false;
			break;
		case EV_MARRIAGE: rc = add_change(e, rid, f->date, CHG_MARITAL | MAR_MARRIED); break;
		case EV_DIVORCE: rc = add_change(e, rid, f->date, CHG_MARITAL | MAR_DIVORCED); break;
		case EV_WIDOWED: rc = add_change(e, rid, f->date, CHG_MARITAL | MAR_WIDOWED); break;
		case EV_FP_START: rc = add_change(e, rid, f->date, (uint8_t)(CHG_FP | reg_fp_method(f->a))); break;
		case EV_FP_STOP: rc = add_change(e, rid, f->date, CHG_FP | 0); break;
		default: break;
		}
	}
	if (!rc && open && res == RES_USUAL)
		rc = eng_spell_push(spells, rid, from, DAY_MAX, (int32_t)hh, start);
#undef SPELL
	return rc;
}

/* ---- loading ---- */

struct loader {
	struct engine *e;
	struct store_person_lite *lite; /* by rid, during load */
	size_t lite_cap;
	struct reg_fact *facts;
	size_t nfacts, cap;
	struct progress pr;
};

static enum ds_rc load_household(const struct store_household_lite *h, void *arg)
{
	struct loader *l = arg;
	return set_household(l->e, h);
}

static enum ds_rc load_person(const struct store_person_lite *p, void *arg)
{
	struct loader *l = arg;
	enum ds_rc rc = person_slot(l->e, p->rid);
	if (rc)
		return rc;
	if (!ds_grow(&l->lite, sizeof *l->lite, &l->lite_cap, (size_t)p->rid, 1024))
		return DS_ENOMEM;
	l->lite[p->rid] = *p;
	set_person(l->e, p);
	progress_tick(&l->pr, (size_t)p->rid, 0, "persons");
	return DS_OK;
}

static enum ds_rc load_fact(const struct store_event *ev, void *arg)
{
	struct loader *l = arg;
	if (!ds_grow(&l->facts, sizeof *l->facts, &l->cap, l->nfacts, 1024))
		return DS_ENOMEM;
	l->facts[l->nfacts++] = ev->fact;
	l->e->last_seq = ev->fact.seq;
	return DS_OK;
}

static int by_person_date(const void *pa, const void *pb)
{
	const struct reg_fact *a = pa, *b = pb;
	if (a->person != b->person)
		return a->person < b->person ? -1 : 1;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static bool subject_fact(const struct reg_fact *f)
{
	return f->type != EV_HOUSEHOLD_CHANGE && f->type != EV_VOID && f->person > 0;
}

/* Seq of every voided fact that brought a person in, as a flag on lite. */
static bool seq_voided(const struct reg_fact *facts, size_t n, int64_t seq)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (facts[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && facts[lo].seq == seq && facts[lo].voided;
}

static enum ds_rc build_units(struct engine *e, struct store *st)
{
	struct reg_unit *rows = NULL;
	size_t n = 0;
	enum ds_rc rc = store_units(st, &rows, &n);
	if (rc)
		return rc;
	eng_maps_free(e);
	reg_units_free(&e->units);
	if ((rc = reg_units_build(&e->units, rows, n)))
		return rc;
	/* Areas keep their index across reloads: new ones are appended. */
	for (size_t i = 0; i < e->units.n; i++) {
		const struct reg_unit *u = &e->units.rows[i];
		size_t len = strlen(u->code);
		if (u->level != LVL_AREA || hmap_get(&e->area_index, u->code, len, NULL))
			continue;
		size_t cap = e->nareas;
		if (!ds_grow(&e->area_code, sizeof *e->area_code, &cap, e->nareas, 1024))
			return DS_ENOMEM;
		memcpy(e->area_code[e->nareas], u->code, len + 1);
		if ((rc = hmap_put(&e->area_index, u->code, len, (int64_t)e->nareas, NULL, NULL)))
			return rc;
		e->nareas++;
	}
	return eng_bounds(e);
}

enum ds_rc engine_reload_units(struct engine *e, struct store *st)
{
	pthread_rwlock_wrlock(&e->lock);
	size_t before = e->nareas;
	enum ds_rc rc = build_units(e, st);
	if (!rc && e->nareas != before)
		rc = eng_compact(e);
	pthread_rwlock_unlock(&e->lock);
	return rc;
}

enum ds_rc engine_load(struct store *st, struct engine **out)
{
	struct engine *e = calloc(1, sizeof *e);
	*out = NULL;
	if (!e)
		return DS_ENOMEM;
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&e->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	pthread_mutex_init(&e->maps_lock, NULL);
	double t0 = progress_now();
	struct loader l = {.e = e};
	progress_start(&l.pr, "load", true);
	enum ds_rc rc = build_units(e, st);
	if (!rc)
		rc = store_each_household_lite(st, load_household, &l);
	if (!rc)
		rc = store_each_person_lite(st, load_person, &l);
	if (!rc)
		rc = store_each_event(st, 0, false, load_fact, &l);
	struct eng_spells spells = {0};
	if (!rc) {
		/* Facts arrive in seq order; household changes apply now. */
		for (size_t i = 0; i < l.nfacts && !rc; i++)
			if (l.facts[i].type == EV_HOUSEHOLD_CHANGE && !l.facts[i].voided) {
				rc = eng_household_fact(e, &l.facts[i]);
				if (!rc)
					rc = eng_event_push(&e->ev, &l.facts[i], (int32_t)l.facts[i].hh, 0, 0);
			}
		bool *voided_entry = NULL;
		if (!rc && !(voided_entry = calloc((size_t)e->maxp + 1, 1)))
			rc = DS_ENOMEM;
		for (size_t i = 0; !rc && i < l.nfacts; i++) {
			const struct reg_fact *f = &l.facts[i];
			int64_t who = f->type == EV_BIRTH ? f->other : f->type == EV_MOVE_IN ? f->person : 0;
			if (who > 0 && who <= e->maxp && l.lite[who].entry_seq == f->seq)
				l.lite[who].entry_type = f->type;
		}
		for (int64_t r = 1; !rc && r <= e->maxp; r++)
			if (e->p_sex[r] && l.lite[r].entry_seq)
				voided_entry[r] = seq_voided(l.facts, l.nfacts, l.lite[r].entry_seq);
		/* Group the subject facts by person, in date order. */
		size_t m = 0;
		for (size_t i = 0; i < l.nfacts; i++)
			if (subject_fact(&l.facts[i]))
				l.facts[m++] = l.facts[i];
		qsort(l.facts, m, sizeof *l.facts, by_person_date);
		size_t i = 0;
		for (int64_t r = 1; !rc && r <= e->maxp; r++) {
			if (!e->p_sex[r])
				continue;
			size_t j = i;
			while (i < m && l.facts[i].person < r)
				i++;
			j = i;
			while (j < m && l.facts[j].person == r)
				j++;
			rc = eng_walk(e, &l.lite[r], voided_entry[r], l.facts + i, j - i, &spells, &e->ev);
			i = j;
		}
		free(voided_entry);
	}
	free(l.facts);
	free(l.lite);
	if (!rc)
		rc = eng_build_spells(e, &spells);
	if (!rc)
		rc = eng_sort_events(e, &e->ev);
	if (!rc)
		trim(e);
	progress_end(&l.pr);
	e->load_seconds = progress_now() - t0;
	if (rc) {
		engine_free(e);
		return rc;
	}
	*out = e;
	return DS_OK;
}

/* ---- keeping current ---- */

struct catchup {
	struct engine *e;
	struct store *st;
	enum ds_rc rc;
	struct reg_fact *facts;
	size_t n, cap;
};

static enum ds_rc collect(const struct store_event *ev, void *arg)
{
	struct catchup *c = arg;
	if (!ds_grow(&c->facts, sizeof *c->facts, &c->cap, c->n, 1024))
		return DS_ENOMEM;
	c->facts[c->n++] = ev->fact;
	return DS_OK;
}

/*
 * What a new fact changes in the engine, and so how much of its subject
 * must be rebuilt:
 *   EVENT:   nothing but itself (screenings, checks, pregnancies, details);
 *   CHANGES: the dated marital and method changes (which spells point to);
 *   SPELLS:  where and whether the person is counted (moves, deaths,
 *            residence), and, when dated before other facts, the household
 *            those later facts were counted in;
 *   ALL:     everything, every event of the person included (a new birth
 *            date changes the age at each, a cancellation anything).
 */
enum refresh { REFRESH_EVENT, REFRESH_CHANGES, REFRESH_SPELLS, REFRESH_ALL };

static enum refresh refresh_kind(const struct reg_fact *f)
{
	switch (f->type) {
	case EV_TRANSFER:
	case EV_DEATH:
	case EV_MOVE_OUT:
	case EV_MOVE_IN: return REFRESH_SPELLS;
	case EV_MARRIAGE:
	case EV_DIVORCE:
	case EV_WIDOWED:
	case EV_FP_START:
	case EV_FP_STOP: return REFRESH_CHANGES;
	case EV_INFO_CHANGE:
		if (reg_info_field(f->a) == FLD_BIRTH_DATE)
			return REFRESH_ALL;
		return reg_info_field(f->a) == FLD_RESIDENCE ? REFRESH_SPELLS : REFRESH_EVENT;
	default: return REFRESH_EVENT;
	}
}

/* Sets the change-list head copied into every spell of rid. */
static void respell_changes(struct engine *e, int64_t rid, const struct store_person_lite *p,
			    const struct reg_fact *facts, size_t n)
{
	int32_t areas[64];
	size_t na = 0;
	areas[na++] = eng_hh_area(e, p->hh);
	for (size_t i = 0; i < n && na < 64; i++)
		if (facts[i].type == EV_TRANSFER && facts[i].hh > 0 && facts[i].hh <= e->maxh)
			areas[na++] = e->h_area[facts[i].hh];
	for (size_t j = 0; j < na; j++) {
		int32_t a = areas[j];
		if (a < 0 || (size_t)a >= e->nareas)
			continue;
		for (size_t k = e->area_off[a]; k < e->area_off[a + 1]; k++)
			if (e->base.person[k] == rid)
				e->base.chg[k] = e->p_chg[rid];
		for (int32_t k = e->add_head[a]; k >= 0; k = e->add_next[k])
			if (e->added.person[k] == rid)
				e->added.chg[k] = e->p_chg[rid];
	}
}

/* The household a person was in just before fact f (by date, then seq). */
static int64_t household_before(const struct store_person_lite *p, const struct reg_fact *facts,
				size_t n, const struct reg_fact *f)
{
	int64_t hh = p->hh;
	for (size_t i = 0; i < n; i++) {
		const struct reg_fact *x = &facts[i];
		if (x->voided || x->seq == f->seq)
			continue;
		if (x->date > f->date || (x->date == f->date && x->seq > f->seq))
			break;
		if (x->type == EV_TRANSFER)
			hh = x->hh;
	}
	return hh;
}

/* Keeps the facts the engine has applied so far (seq up to upto): later
 * ones are applied in their turn by engine_catch_up. */
static size_t facts_upto(struct reg_fact *facts, size_t n, int64_t upto)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (facts[i].seq <= upto)
			facts[m++] = facts[i];
	return m;
}

/* Re-reads a person from the store and rebuilds what the fact changed. */
static enum ds_rc refresh_person(struct engine *e, struct store *st, int64_t rid, enum refresh kind,
				 const struct reg_fact *newf, int64_t upto)
{
	struct store_person p;
	enum ds_rc rc = store_person_get(st, NULL, rid, &p);
	if (rc)
		return rc;
	struct store_person_lite lite;
	store_person_lite_of(&p, &lite);
	struct reg_fact *facts = NULL;
	size_t n = 0;
	if ((rc = store_person_facts(st, rid, false, &facts, &n)))
		return rc;
	n = facts_upto(facts, n, upto);
	/* A cancellation recorded later than upto is not applied yet either. */
	for (size_t i = 0; i < n; i++)
		if (facts[i].voided) {
			struct store_event t;
			if (store_event_by_seq(st, facts[i].seq, &t) == DS_OK && t.voided_by > upto)
				facts[i].voided = 0;
		}
	bool entry_voided = false;
	if (p.entry_seq) {
		struct store_event ev;
		if (store_event_by_seq(st, p.entry_seq, &ev) == DS_OK) {
			entry_voided = ev.voided_by != 0 && ev.voided_by <= upto;
			lite.entry_type = ev.fact.type;
		}
	}
	/* A person the engine has never seen has no events in it to take out
	 * (taking out scans every event). */
	bool unseen = rid > e->maxp;
	if ((rc = person_slot(e, rid)))
		goto out;
	if (kind == REFRESH_EVENT && newf && !entry_voided) {
		/* Counted where the person lived that day; nothing else moves. */
		int64_t hh = household_before(&lite, facts, n, newf);
		if (counted(newf->type))
			rc = eng_event_push(&e->late, newf,
					    (int32_t)(newf->type == EV_MOVE_IN || newf->type == EV_TRANSFER ? newf->hh : hh),
					    event_attr(e, newf, hh), day_age(e->p_birth[rid], newf->date));
		goto out;
	}
	set_person(e, &lite);
	if (kind >= REFRESH_SPELLS || !newf)
		eng_kill_spells(e, rid, &lite, facts, n);
	struct eng_spells fresh = {0};
	struct eng_events evs = {0};
	rc = eng_walk(e, &lite, entry_voided, facts, n, &fresh, &evs);
	if (!rc && (kind >= REFRESH_SPELLS || !newf))
		rc = eng_add_spells(e, &fresh);
	else if (!rc)
		respell_changes(e, rid, &lite, facts, n);
	if (!rc && (kind == REFRESH_ALL || !newf)) {
		if (!unseen)
			eng_kill_events(e, rid);
		for (size_t i = 0; i < evs.n && !rc; i++)
			rc = eng_copy_event(&e->late, &evs, i);
	} else if (!rc && newf) {
		for (size_t i = 0; i < evs.n && !rc; i++)
			if (evs.seq[i] == newf->seq)
				rc = eng_copy_event(&e->late, &evs, i);
	}
	eng_events_free(&evs);
	eng_spells_free(&fresh);
out:
	free(facts);
	return rc;
}

/* True when f is dated on or after every other uncancelled fact of its subject. */
static bool is_latest(struct store *st, const struct reg_fact *f)
{
	struct reg_fact *facts = NULL;
	size_t n = 0;
	if (store_person_facts(st, f->person, false, &facts, &n))
		return false;
	bool latest = true;
	for (size_t i = 0; i < n; i++)
		if (!facts[i].voided && facts[i].seq < f->seq && facts[i].date > f->date)
			latest = false;
	free(facts);
	return latest;
}

static enum ds_rc apply_fact(struct engine *e, struct store *st, const struct reg_fact *f)
{
	enum ds_rc rc = DS_OK;
	struct store_household h;
	if (f->type == EV_MOVE_IN && f->a &&
	    (rc = store_household_get(st, NULL, f->hh, &h)) == DS_OK) {
		struct store_household_lite hl = {.rid = h.rid, .entry = h.entry, .type = h.rec.type,
						  .poverty = h.rec.poverty};
		memcpy(hl.area, h.rec.area, sizeof hl.area);
		rc = set_household(e, &hl);
	}
	if (rc)
		return rc;
	switch (f->type) {
	case EV_HOUSEHOLD_CHANGE:
		rc = eng_household_fact(e, f);
		return rc ? rc : eng_event_push(&e->late, f, (int32_t)f->hh, 0, 0);
	case EV_VOID: {
		struct store_event t;
		if ((rc = store_event_by_seq(st, f->other, &t)))
			return rc;
		struct reg_fact target = t.fact;
		eng_void_event(e, target.seq, target.date);
		if (target.type == EV_HOUSEHOLD_CHANGE)
			return eng_rebuild_household(e, st, target.hh);
		if (target.type == EV_BIRTH &&
		    (rc = refresh_person(e, st, target.other, REFRESH_ALL, NULL, f->seq)))
			return rc;
		if (target.person > 0)
			rc = refresh_person(e, st, target.person, REFRESH_ALL, NULL, f->seq);
		return rc;
	}
	case EV_BIRTH:
		/* The child is new: everything about it is built. */
		if ((rc = refresh_person(e, st, f->other, REFRESH_ALL, NULL, f->seq)))
			return rc;
		break;
	default: break;
	}
	if (f->person <= 0)
		return DS_OK;
	enum refresh kind = refresh_kind(f);
	/* The ledger stored the household the person lived in that day. */
	if (kind == REFRESH_EVENT && f->hh > 0 && f->type != EV_BIRTH && f->person <= e->maxp) {
		if (!counted(f->type))
			return DS_OK;
		return eng_event_push(&e->late, f, (int32_t)f->hh, event_attr(e, f, f->hh),
				      day_age(e->p_birth[f->person], f->date));
	}
	if (f->type == EV_MOVE_IN)
		kind = REFRESH_ALL; /* a new person: nothing of theirs is known yet */
	/* Dated before other facts: those may have been counted elsewhere. */
	else if (kind == REFRESH_SPELLS && !is_latest(st, f))
		kind = REFRESH_ALL;
	if (kind == REFRESH_ALL)
		return refresh_person(e, st, f->person, REFRESH_ALL, NULL, f->seq);
	return refresh_person(e, st, f->person, kind, f, f->seq);
}

enum ds_rc engine_catch_up(struct engine *e, struct store *st)
{
	struct catchup c = {.e = e, .st = st};
	pthread_rwlock_wrlock(&e->lock);
	enum ds_rc rc = store_each_event(st, e->last_seq, false, collect, &c);
	for (size_t i = 0; i < c.n && !rc; i++) {
		rc = apply_fact(e, st, &c.facts[i]);
		if (!rc)
			__atomic_store_n(&e->last_seq, c.facts[i].seq, __ATOMIC_RELEASE);
	}
	if (!rc)
		rc = eng_maybe_compact(e);
	pthread_rwlock_unlock(&e->lock);
	free(c.facts);
	return rc;
}

/* ---- sizes and teardown ---- */

size_t engine_bytes(struct engine *e)
{
	pthread_rwlock_rdlock(&e->lock);
	size_t b = e->pcap * (4 + 1 + 1 + 1 + 4);
	b += e->chg.cap * (4 + 4 + 1);
	b += e->hcap * (4 + 1 + 1 + 4 + 4);
	b += e->hchg.cap * (4 + 4 + 4 + 1);
	b += (e->base.cap + e->added.cap) * 27 + e->added.cap * 4;
	b += (e->nareas + 1) * (sizeof(size_t) + 4);
	b += (e->ev.cap + e->late.cap) * (4 * 4 + 1 + 1 + 8);
	pthread_rwlock_unlock(&e->lock);
	return b;
}

int64_t engine_persons(struct engine *e)
{
	int64_t n = 0;
	pthread_rwlock_rdlock(&e->lock);
	for (int64_t r = 1; r <= e->maxp; r++)
		n += e->p_sex[r] != 0;
	pthread_rwlock_unlock(&e->lock);
	return n;
}

double engine_load_seconds(const struct engine *e)
{
	return e->load_seconds;
}

int64_t engine_last_seq(struct engine *e)
{
	return __atomic_load_n(&e->last_seq, __ATOMIC_ACQUIRE);
}

/*
 * The lock prefers the writer: a request waiting for its write to be
 * acknowledged waits for the catch-up, which must not wait behind a stream
 * of new reports.  With a writer-preferring lock a second read lock taken
 * by a thread that holds one would deadlock behind a waiting writer, so a
 * thread's nested views share its first one (views_held).
 */
static _Thread_local int views_held;

const struct eng_view *engine_read(struct engine *e)
{
	if (views_held++ == 0)
		pthread_rwlock_rdlock(&e->lock);
	return (const struct eng_view *)e;
}

void engine_read_end(const struct eng_view *v)
{
	if (v && --views_held == 0)
		pthread_rwlock_unlock(&eng_of(v)->lock);
}

const struct reg_units *eng_units(const struct eng_view *v)
{
	return &eng_of(v)->units;
}

void eng_events_free(struct eng_events *v)
{
	free(v->date);
	free(v->person);
	free(v->hh);
	free(v->a);
	free(v->type);
	free(v->seq);
	free(v->age);
	memset(v, 0, sizeof *v);
}

void eng_spells_free(struct eng_spells *s)
{
	free(s->person);
	free(s->from);
	free(s->to);
	free(s->hh);
	free(s->cause);
	free(s->birth);
	free(s->chg);
	free(s->info);
	memset(s, 0, sizeof *s);
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	eng_maps_free(e);
	reg_units_free(&e->units);
	free(e->area_code);
	hmap_free(&e->area_index);
	free(e->p_birth);
	free(e->p_sex);
	free(e->p_marital0);
	free(e->p_fp0);
	free(e->p_chg);
	free(e->chg.date);
	free(e->chg.next);
	free(e->chg.val);
	free(e->h_area);
	free(e->h_type0);
	free(e->h_pov0);
	free(e->h_year0);
	free(e->h_chg);
	free(e->hchg.date);
	free(e->hchg.next);
	free(e->hchg.year);
	free(e->hchg.val);
	eng_spells_free(&e->base);
	eng_spells_free(&e->added);
	free(e->area_off);
	free(e->add_head);
	free(e->add_next);
	eng_events_free(&e->ev);
	eng_events_free(&e->late);
	free(e->bounds);
	pthread_rwlock_destroy(&e->lock);
	pthread_mutex_destroy(&e->maps_lock);
	free(e);
}
