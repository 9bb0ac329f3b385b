/*
 * Loading the engine from the store: units, households, persons and every
 * event, each person's timeline walked once, then the spells grouped by
 * area and the events ordered for queries (engine_int.h).
 */
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "base/progress.h"
#include "engine/engine_int.h"
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
		shrink(&e->h_sum, sizeof *e->h_sum, n);
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
	shrink(&e->away.person, 4, e->away.n);
	shrink(&e->away.from, 4, e->away.n);
	shrink(&e->away.to, 4, e->away.n);
	shrink(&e->away.hh, 4, e->away.n);
	e->away.cap = e->away.n;
	e->hchg.cap = e->hchg.n;
	shrink_events(&e->ev);
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
	return eng_set_household(l->e, h);
}

static enum ds_rc load_person(const struct store_person_lite *p, void *arg)
{
	struct loader *l = arg;
	enum ds_rc rc = eng_person_slot(l->e, p->rid);
	if (rc)
		return rc;
	if (!ds_grow(&l->lite, sizeof *l->lite, &l->lite_cap, (size_t)p->rid, 1024))
		return DS_ENOMEM;
	l->lite[p->rid] = *p;
	eng_set_person(l->e, p);
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

/* The subject facts of one person in facts[0..m) sorted by person: [*lo, *hi). */
static void range_of(const struct reg_fact *facts, size_t m, int64_t rid, size_t *lo, size_t *hi)
{
	size_t a = 0, b = m;
	while (a < b) {
		size_t mid = (a + b) / 2;
		if (facts[mid].person < rid)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	while (a < m && facts[a].person == rid)
		a++;
	*hi = a;
}

struct sorted {
	const struct reg_fact *facts;
	size_t m;
};

static enum ds_rc sorted_facts(void *arg, int64_t dup, struct reg_fact **out, size_t *n)
{
	const struct sorted *s = arg;
	size_t lo, hi;
	range_of(s->facts, s->m, dup, &lo, &hi);
	*n = hi - lo;
	if (!(*out = malloc((*n + 1) * sizeof **out)))
		return DS_ENOMEM;
	if (*n)
		memcpy(*out, s->facts + lo, *n * sizeof **out);
	return DS_OK;
}

/* One person's walk at load: a duplicate counts nowhere; a person others
 * were merged into walks with their fitting facts. */
static enum ds_rc walk_loaded(struct engine *e, const struct store_person_lite *p, bool voided,
			      const struct sorted *all, size_t lo, size_t hi, struct eng_spells *spells)
{
	const struct reg_fact *own = all->facts + lo;
	size_t n = hi - lo;
	if (reg_merged(own, n))
		return eng_walk(e, p, true, own, n, spells, &e->ev);
	if (!eng_merge_is_rem(e, p->rid))
		return eng_walk(e, p, voided, own, n, spells, &e->ev);
	struct reg_fact *t = NULL;
	size_t nt = 0;
	enum ds_rc rc = eng_merge_timeline(e, p, own, n, sorted_facts, (void *)all, &t, &nt);
	if (!rc)
		rc = eng_walk(e, p, voided, t, nt, spells, &e->ev);
	free(t);
	return rc;
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
	int ty, tm, td;
	day_to_ymd(day_today(), &ty, &tm, &td);
	e->sum_y0 = ty - (ENG_SUM_YEARS - 5); /* ten years back, four ahead */
	double t0 = progress_now();
	struct loader l = {.e = e};
	progress_start(&l.pr, "load", true);
	/* Units, households, persons and events read in one snapshot: an
	 * arrival committed between two of the reads would otherwise keep its
	 * event and lose its person or household, for good (the log's seq says
	 * the engine is current). */
	enum ds_rc rc = store_begin_read(st);
	bool reading = rc == DS_OK;
	if (!rc)
		rc = build_units(e, st);
	if (!rc)
		rc = store_each_household_lite(st, load_household, &l);
	if (!rc)
		rc = store_each_person_lite(st, load_person, &l);
	if (!rc)
		rc = store_each_event(st, 0, false, load_fact, &l);
	if (reading) {
		enum ds_rc end = rc ? store_rollback(st) : store_commit(st);
		rc = rc ? rc : end;
	}
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
		if (m)
			qsort(l.facts, m, sizeof *l.facts, by_person_date);
		for (size_t k = 0; k < m && !rc; k++)
			if (l.facts[k].type == EV_MERGE && !l.facts[k].voided)
				rc = eng_merge_note(e, l.facts[k].person, l.facts[k].other);
		struct sorted all = {l.facts, m};
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
			rc = walk_loaded(e, &l.lite[r], voided_entry[r], &all, i, j, &spells);
			i = j;
		}
		free(voided_entry);
	}
	free(l.facts);
	free(l.lite);
	if (!rc)
		rc = eng_build_spells(e, &spells);
	if (!rc)
		rc = eng_sort_all_events(e);
	if (!rc)
		rc = eng_index_events(e);
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

/* ---- checking against the store, and loading again ---- */

static int64_t households_held(const struct engine *e)
{
	int64_t n = 0;
	for (int64_t h = 1; h <= e->maxh; h++)
		n += e->h_type0[h] != 0;
	return n;
}

static int64_t persons_held(const struct engine *e)
{
	int64_t n = 0;
	for (int64_t p = 1; p <= e->maxp; p++)
		n += e->p_sex[p] != 0;
	return n;
}

enum ds_rc engine_verify(struct engine *e, struct store *st)
{
	enum ds_rc rc = store_begin_read(st);
	if (rc)
		return rc;
	int64_t persons = 0, households = 0;
	int64_t log_seq = store_last_seq(st);
	pthread_rwlock_rdlock(&e->lock);
	/* Comparable only when the engine has applied exactly this snapshot's log. */
	if (!e->broken && log_seq == e->last_seq) {
		rc = store_count(st, STORE_PERSONS, &persons);
		if (!rc)
			rc = store_count(st, STORE_HOUSEHOLDS, &households);
		int64_t hp = persons_held(e), hh = households_held(e);
		if (!rc && hp != persons)
			eng_mark_broken(e, "persons held and stored differ", (long long)hp, (long long)persons);
		else if (!rc && hh != households)
			eng_mark_broken(e, "households held and stored differ", (long long)hh,
					(long long)households);
	}
	pthread_rwlock_unlock(&e->lock);
	enum ds_rc end = rc ? store_rollback(st) : store_commit(st);
	return rc ? rc : end;
}

enum ds_rc engine_reload(struct engine *e, struct store *st)
{
	struct engine *fresh = NULL;
	enum ds_rc rc = engine_load(st, &fresh);
	if (rc)
		return rc;
	struct engine old;
	pthread_rwlock_wrlock(&e->lock);
	memcpy((char *)&old + ENG_DATA_OFFSET, (char *)e + ENG_DATA_OFFSET, sizeof *e - ENG_DATA_OFFSET);
	memcpy((char *)e + ENG_DATA_OFFSET, (char *)fresh + ENG_DATA_OFFSET, sizeof *e - ENG_DATA_OFFSET);
	__atomic_store_n(&e->broken, false, __ATOMIC_RELEASE);
	double seconds = e->load_seconds;
	long long seq = (long long)e->last_seq;
	pthread_rwlock_unlock(&e->lock);
	eng_free_data(&old);
	/* fresh's arrays are e's now: only its shell goes. */
	memset((char *)fresh + ENG_DATA_OFFSET, 0, sizeof *fresh - ENG_DATA_OFFSET);
	engine_free(fresh);
	fprintf(stderr, "engine: reloaded in %.1f s, at event %lld\n", seconds, seq);
	return DS_OK;
}
