/*
 * Keeping the engine current: after a commit, the events after the last
 * one applied, each rebuilding only what it changes of the persons and
 * households it touches (a passive fact adds one counted event; a move or
 * a death re-walks the person's spells).
 */
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "base/progress.h"
#include "engine/engine_int.h"
#include "store/register.h"

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
 *   CHANGES: the dated changes of marital status, method and relation to
 *            the head (which spells point to);
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
		return reg_info_field(f->a) == FLD_RESIDENCE	? REFRESH_SPELLS
		       : reg_info_field(f->a) == FLD_RELATION ? REFRESH_CHANGES
							      : REFRESH_EVENT;
	default: return REFRESH_EVENT;
	}
}

/* Fills again every spell of rid from its changes (eng_fill_spell). */
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
				eng_fill_spell(e, &e->base, k);
		for (int32_t k = e->add_head[a]; k >= 0; k = e->add_next[k])
			if (e->added.person[k] == rid)
				eng_fill_spell(e, &e->added, k);
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

/* A person's facts as the engine has applied them so far (seq up to upto). */
static enum ds_rc read_facts(struct store *st, int64_t rid, int64_t upto, struct reg_fact **facts,
			     size_t *n)
{
	enum ds_rc rc = store_person_facts(st, rid, false, facts, n);
	if (rc)
		return rc;
	*n = facts_upto(*facts, *n, upto);
	/* A cancellation recorded later than upto is not applied yet either. */
	for (size_t i = 0; i < *n; i++)
		if ((*facts)[i].voided) {
			struct store_event t;
			if (store_event_by_seq(st, (*facts)[i].seq, &t) == DS_OK && t.voided_by > upto)
				(*facts)[i].voided = 0;
		}
	return DS_OK;
}

struct upto {
	struct store *st;
	int64_t upto;
};

static enum ds_rc dup_facts(void *arg, int64_t dup, struct reg_fact **facts, size_t *n)
{
	const struct upto *u = arg;
	return read_facts(u->st, dup, u->upto, facts, n);
}

/* The timeline of a person others were merged into, with their fitting facts. */
static enum ds_rc with_merged(struct engine *e, struct store *st, int64_t upto,
			      const struct store_person_lite *lite, struct reg_fact **facts, size_t *n)
{
	struct upto u = {st, upto};
	struct reg_fact *t = NULL;
	size_t nt = 0;
	enum ds_rc rc = eng_merge_timeline(e, lite, *facts, *n, dup_facts, &u, &t, &nt);
	if (rc)
		return rc;
	free(*facts);
	*facts = t;
	*n = nt;
	return DS_OK;
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
	if ((rc = read_facts(st, rid, upto, &facts, &n)))
		return rc;
	/* A duplicate counts nowhere; the person it was merged into counts
	 * its fitting facts, rebuilt whole (what fits may change). */
	bool entry_voided = reg_merged(facts, n);
	if (!entry_voided && eng_merge_is_rem(e, rid)) {
		kind = REFRESH_ALL;
		newf = NULL;
		if ((rc = with_merged(e, st, upto, &lite, &facts, &n))) {
			free(facts);
			return rc;
		}
	}
	if (p.entry_seq) {
		struct store_event ev;
		if (store_event_by_seq(st, p.entry_seq, &ev) == DS_OK) {
			entry_voided |= ev.voided_by != 0 && ev.voided_by <= upto;
			lite.entry_type = ev.fact.type;
		}
	}
	/* A person the engine has never seen has no events in it to take out
	 * (taking out scans every event). */
	bool unseen = rid > e->maxp;
	if ((rc = eng_person_slot(e, rid)))
		goto out;
	if (kind == REFRESH_EVENT && newf && !entry_voided) {
		/* Counted where the person lived that day; nothing else moves. */
		int64_t hh = household_before(&lite, facts, n, newf);
		if (eng_counted(newf->type))
			rc = eng_event_push(&e->late, newf,
					    (int32_t)(newf->type == EV_MOVE_IN || newf->type == EV_TRANSFER ? newf->hh : hh),
					    eng_event_attr(e, newf, hh), day_age(e->p_birth[rid], newf->date));
		goto out;
	}
	eng_set_person(e, &lite);
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
		rc = eng_set_household(e, &hl);
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
		if (target.type == EV_MERGE) {
			/* Both as they were: the duplicate counted again, the other
			 * without the duplicate's facts. */
			eng_merge_forget(e, target.person);
			if ((rc = refresh_person(e, st, target.other, REFRESH_ALL, NULL, f->seq)))
				return rc;
		}
		if (target.type == EV_BIRTH &&
		    (rc = refresh_person(e, st, target.other, REFRESH_ALL, NULL, f->seq)))
			return rc;
		if (target.person > 0)
			rc = refresh_person(e, st, target.person, REFRESH_ALL, NULL, f->seq);
		return rc;
	}
	case EV_MERGE:
		if ((rc = eng_merge_note(e, f->person, f->other)) ||
		    (rc = refresh_person(e, st, f->person, REFRESH_ALL, NULL, f->seq)))
			return rc;
		return refresh_person(e, st, f->other, REFRESH_ALL, NULL, f->seq);
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
	/* A fact about a person or household the log says exists by now and
	 * the engine does not hold: what it counts is wrong, and it cannot
	 * know how much. */
	if (f->person <= e->maxp && !e->p_sex[f->person] && f->type != EV_MOVE_IN) {
		eng_mark_broken(e, "an event names a person the engine does not hold",
				(long long)f->seq, (long long)f->person);
		return DS_EINTERNAL;
	}
	if (kind == REFRESH_EVENT && f->hh > 0 && (f->hh > e->maxh || !e->h_type0[f->hh])) {
		eng_mark_broken(e, "an event names a household the engine does not hold",
				(long long)f->seq, (long long)f->hh);
		return DS_EINTERNAL;
	}
	/* The ledger stored the household the person lived in that day. */
	if (kind == REFRESH_EVENT && f->hh > 0 && f->type != EV_BIRTH && f->person <= e->maxp) {
		if (!eng_counted(f->type))
			return DS_OK;
		return eng_event_push(&e->late, f, (int32_t)f->hh, eng_event_attr(e, f, f->hh),
				      day_age(e->p_birth[f->person], f->date));
	}
	if (f->type == EV_MOVE_IN || eng_merge_is_rem(e, f->person))
		kind = REFRESH_ALL; /* a new person, or one with a duplicate's facts */
	/* Dated before other facts: those may have been counted elsewhere. */
	else if (kind == REFRESH_SPELLS && !is_latest(st, f))
		kind = REFRESH_ALL;
	if (kind == REFRESH_ALL)
		return refresh_person(e, st, f->person, REFRESH_ALL, NULL, f->seq);
	return refresh_person(e, st, f->person, kind, f, f->seq);
}

enum ds_rc engine_catch_up(struct engine *e, struct store *st)
{
	/* A broken engine waits for its reload, which reads everything. */
	if (engine_broken(e))
		return DS_EINTERNAL;
	pthread_rwlock_wrlock(&e->lock);
	struct catchup c = {.e = e, .st = st, .facts = e->catch_facts.p,
			    .cap = e->catch_facts.cap / sizeof(struct reg_fact)};
	/* The new events and the persons they touch, in one snapshot (see
	 * engine_load). */
	enum ds_rc rc = store_begin_read(st);
	bool reading = rc == DS_OK;
	if (!rc)
		rc = store_each_event(st, e->last_seq, false, collect, &c);
	for (size_t i = 0; i < c.n && !rc; i++) {
		rc = apply_fact(e, st, &c.facts[i]);
		if (!rc)
			__atomic_store_n(&e->last_seq, c.facts[i].seq, __ATOMIC_RELEASE);
	}
	if (reading) {
		enum ds_rc end = rc ? store_rollback(st) : store_commit(st);
		rc = rc ? rc : end;
	}
	if (!rc)
		rc = eng_maybe_compact(e);
	e->catch_facts = (struct eng_scratch){c.facts, c.cap * sizeof *c.facts};
	eng_scratch_trim(&e->catch_facts);
	pthread_rwlock_unlock(&e->lock);
	return rc;
}
