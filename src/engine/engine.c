/*
 * The engine's core: its persons, households and dated changes, and
 * eng_walk(), the heart of loading and of keeping current: one person's
 * entry record and timeline turned into presence spells, dated changes of
 * marital status and method, and the counted events with the household the
 * person belonged to on each event's day.  Also views, sizes and teardown.
 * Loading is engine_load.c, keeping current engine_follow.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "base/progress.h"
#include "engine/engine_int.h"
#include "store/register.h"

/* ---- persons and households ---- */

enum ds_rc eng_person_slot(struct engine *e, int64_t rid)
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
		for (size_t i = cap; i < c5; i++) {
			e->p_chg[i] = -1;
			e->p_fp0[i] = 0;
		}
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
		    !ds_grow(&e->h_sum, sizeof *e->h_sum, &c4, need, 1024) ||
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

enum ds_rc eng_set_household(struct engine *e, const struct store_household_lite *h)
{
	enum ds_rc rc = household_slot(e, h->rid);
	if (rc)
		return rc;
	int64_t a = -1;
	hmap_get(&e->area_index, h->area, strlen(h->area), &a);
	if (e->h_area[h->rid] != (int32_t)a && h->rid <= e->ev_max_hh)
		e->ev_keys_moved = true;
	e->h_area[h->rid] = (int32_t)a;
	e->h_type0[h->rid] = h->type;
	e->h_pov0[h->rid] = h->poverty;
	eng_household_sum(e, (int32_t)h->rid);
	return DS_OK;
}

void eng_set_person(struct engine *e, const struct store_person_lite *p)
{
	e->p_birth[p->rid] = p->birth;
	e->p_sex[p->rid] = p->sex;
	e->p_marital0[p->rid] = (uint8_t)((p->marital & 0x0F) | (p->relation <= 15 ? p->relation : 0) << 4);
	/* The flag stays until the person's next walk takes their stretches away out. */
	e->p_fp0[p->rid] = (uint8_t)((p->fp_method & 0x0F) | (e->p_fp0[p->rid] & ENG_AWAY));
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
	eng_household_sum(e, (int32_t)hh);
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
	if (!rc && (reg_hc_mask(f->a) & REG_HC_HEAD) && f->person > 0 && f->person <= INT32_MAX)
		rc = add_hchange(e, f->hh, f->date, (int32_t)f->person, HCHG_HEAD);
	return rc;
}

/* A stretch of rid in household hh, from..to, while not a usual resident
 * (absent for long, or a temporary resident from elsewhere). */
static enum ds_rc add_away(struct engine *e, int32_t rid, int32_t from, int32_t to, int32_t hh)
{
	size_t i = e->away.n, c[4] = {e->away.cap, e->away.cap, e->away.cap, e->away.cap};
	if (!ds_grow(&e->away.person, 4, &c[0], i, 256) || !ds_grow(&e->away.from, 4, &c[1], i, 256) ||
	    !ds_grow(&e->away.to, 4, &c[2], i, 256) || !ds_grow(&e->away.hh, 4, &c[3], i, 256))
		return DS_ENOMEM;
	e->away.cap = c[3];
	e->away.person[i] = rid;
	e->away.from[i] = from;
	e->away.to[i] = to;
	e->away.hh[i] = hh;
	if (e->away.sorted == i && (i == 0 || e->away.person[i - 1] <= rid))
		e->away.sorted++;
	e->away.n++;
	e->p_fp0[rid] |= ENG_AWAY;
	return DS_OK;
}

struct away_row {
	int32_t person, from, to, hh;
};

static int away_cmp(const void *pa, const void *pb)
{
	const struct away_row *a = pa, *b = pb;
	if (a->person != b->person)
		return a->person < b->person ? -1 : 1;
	return (a->from > b->from) - (a->from < b->from);
}

/* The stretches still in force, all sorted by person again (when those
 * after the sorted part grow many); left as they are without memory. */
static void compact_away(struct engine *e)
{
	struct away_row *r = malloc((e->away.n + 1) * sizeof *r);
	if (!r)
		return;
	size_t m = 0;
	for (size_t i = 0; i < e->away.n; i++)
		if (e->away.person[i])
			r[m++] = (struct away_row){e->away.person[i], e->away.from[i], e->away.to[i],
						   e->away.hh[i]};
	qsort(r, m, sizeof *r, away_cmp);
	for (size_t i = 0; i < m; i++) {
		e->away.person[i] = r[i].person;
		e->away.from[i] = r[i].from;
		e->away.to[i] = r[i].to;
		e->away.hh[i] = r[i].hh;
	}
	e->away.n = e->away.sorted = m;
	free(r);
}

/* Takes out the stretches away of rid's earlier walk, found by binary
 * search in the sorted part and by a scan of the rest (kept short). */
static void forget_away(struct engine *e, int32_t rid)
{
	if (!(e->p_fp0[rid] & ENG_AWAY))
		return;
	e->p_fp0[rid] &= (uint8_t)~ENG_AWAY;
	size_t lo = eng_lower_i32(e->away.person, 0, e->away.sorted, rid);
	for (; lo < e->away.sorted && e->away.person[lo] == rid; lo++)
		e->away.person[lo] = 0;
	for (size_t i = e->away.sorted; i < e->away.n; i++)
		if (e->away.person[i] == rid)
			e->away.person[i] = 0;
	if (e->away.n - e->away.sorted > 4096 + e->away.sorted / 16)
		compact_away(e);
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
	/* Appended to only: nothing reads past v->n. */
	if (!ds_grow_raw(&v->date, 4, &c[0], i, 1024) || !ds_grow_raw(&v->person, 4, &c[1], i, 1024) ||
	    !ds_grow_raw(&v->hh, 4, &c[2], i, 1024) || !ds_grow_raw(&v->a, 4, &c[3], i, 1024) ||
	    !ds_grow_raw(&v->type, 1, &c[4], i, 1024) || !ds_grow_raw(&v->seq, 8, &c[5], i, 1024) ||
	    !ds_grow_raw(&v->age, 1, &c[6], i, 1024))
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
bool eng_counted(int type)
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
int32_t eng_event_attr(const struct engine *e, const struct reg_fact *f, int64_t hh_before)
{
	switch (f->type) {
	case EV_BIRTH: return f->a;
	case EV_MARRIAGE: return eng_marriage_a(f->a, f->other != 0);
	case EV_FP_START:
	case EV_FP_STOP:
	case EV_PREGNANCY:
	case EV_PRENATAL_SCREENING: return f->a;
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
	forget_away(e, rid);
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
/* A stretch in one household that ends on f's day: a presence spell while a
 * usual resident, else a stretch away (struct engine.away). */
#define SPAN(end_cause)                                                                    \
	(res == RES_USUAL ? eng_spell_push(spells, rid, from, f->date, (int32_t)hh,        \
					   eng_causes(start, end_cause))                   \
			  : add_away(e, rid, from, f->date, (int32_t)hh))
	enum ds_rc rc = DS_OK;
	for (size_t i = 0; i < n && !rc && open; i++) {
		const struct reg_fact *f = &facts[i];
		if (f->voided)
			continue;
		if (events && eng_counted(f->type)) {
			int64_t at = f->type == EV_MOVE_IN || f->type == EV_TRANSFER ? f->hh : hh;
			rc = eng_event_push(events, f, (int32_t)at, eng_event_attr(e, f, hh),
					    day_age(e->p_birth[rid], f->date));
			if (rc)
				break;
		}
		switch (f->type) {
		case EV_TRANSFER:
			if (f->date > from)
				rc = SPAN(CAUSE_TRANSFER);
			from = f->date;
			hh = f->hh;
			start = CAUSE_TRANSFER;
			break;
		case EV_INFO_CHANGE:
			if (reg_info_field(f->a) == FLD_RELATION && f->b > 0 && f->b <= 15)
				rc = add_change(e, rid, f->date, (uint8_t)(CHG_REL | f->b));
			else if (reg_info_field(f->a) == FLD_RESIDENCE && f->b != res) {
				if (f->date > from)
					rc = SPAN(CAUSE_RESIDENCE);
				from = f->date;
				res = f->b;
				start = CAUSE_RESIDENCE;
			}
			break;
		case EV_DEATH:
		case EV_MOVE_OUT:
			if (f->date > from)
				rc = SPAN(f->type == EV_DEATH ? CAUSE_DEATH : CAUSE_MOVE_OUT);
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
	else if (!rc && open)
		rc = add_away(e, rid, from, DAY_MAX, (int32_t)hh);
#undef SPAN
	return rc;
}

/* ---- sizes and teardown ---- */

size_t engine_bytes(struct engine *e)
{
	pthread_rwlock_rdlock(&e->lock);
	size_t b = e->pcap * (4 + 1 + 1 + 1 + 4);
	b += e->away.cap * 16 + e->tr.n * 8;
	b += e->chg.cap * (4 + 4 + 1);
	b += e->hcap * (4 + 1 + 1 + 4 + 4);
	b += e->hchg.cap * (4 + 4 + 4 + 1);
	b += (e->base.cap + e->added.cap) * 27 + e->added.cap * 4;
	b += (e->nareas + 1) * (sizeof(size_t) + 4);
	b += (e->ev.cap + e->late.cap) * (4 * 4 + 1 + 1 + 8);
	b += e->blk.nrows * (e->nareas + 1) * 4 + e->blk.nw * 4;
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

void *eng_scratch(struct eng_scratch *s, size_t n)
{
	if (n > s->cap) {
		free(s->p);
		s->cap = 0;
		if (!(s->p = malloc(n)))
			return NULL;
		s->cap = n;
	}
	return s->p;
}

/* More than a merge of ENG_LATE_MAX late events needs: a one-off (a long
 * catch-up), not kept. */
#define SCRATCH_KEEP ((size_t)ENG_LATE_MAX * 4 * 128)

void eng_scratch_trim(struct eng_scratch *s)
{
	if (s->cap > SCRATCH_KEEP) {
		free(s->p);
		*s = (struct eng_scratch){0};
	}
}

void eng_spells_free(struct eng_spells *s)
{
	free(s->person);
	free(s->from);
	free(s->to);
	free(s->hh);
	free(s->cause);
	free(s->born);
	free(s->calm);
	free(s->info);
	memset(s, 0, sizeof *s);
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	eng_free_data(e);
	pthread_rwlock_destroy(&e->lock);
	pthread_mutex_destroy(&e->maps_lock);
	free(e);
}

void eng_free_data(struct engine *e)
{
	eng_maps_free(e);
	reg_units_free(&e->units);
	free(e->area_code);
	hmap_free(&e->area_index);
	free(e->p_birth);
	free(e->p_sex);
	free(e->p_marital0);
	free(e->p_fp0);
	free(e->tr.idx);
	free(e->tr.area);
	free(e->tr.woff);
	free(e->blk.off);
	free(e->blk.row);
	free(e->away.person);
	free(e->away.from);
	free(e->away.to);
	free(e->away.hh);
	free(e->p_chg);
	free(e->chg.date);
	free(e->chg.next);
	free(e->chg.val);
	free(e->h_area);
	free(e->h_type0);
	free(e->h_pov0);
	free(e->h_sum);
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
	free(e->merge_tmp.p);
	free(e->catch_facts.p);
	free(e->bounds);
	free(e->merges.dup);
	free(e->merges.rem);
	memset((char *)e + ENG_DATA_OFFSET, 0, sizeof *e - ENG_DATA_OFFSET);
}

void eng_mark_broken(struct engine *e, const char *why, long long a, long long b)
{
	if (!__atomic_exchange_n(&e->broken, true, __ATOMIC_ACQ_REL))
		fprintf(stderr,
			"engine: INCONSISTENT WITH THE LOG: %s (%lld, %lld); no report is answered "
			"until it is reloaded\n",
			why, a, b);
}

bool engine_broken(struct engine *e)
{
	return __atomic_load_n(&e->broken, __ATOMIC_ACQUIRE);
}
