/*
 * The programmes' work lists (engine.h, "work lists"): who is due an
 * elderly check, a prenatal or newborn screening, who married without a
 * premarital check-up, the married women of poor households with their
 * method, and the third and higher births.  The candidates come from the
 * presence spells of the unit's areas on the day (or from its events, for
 * the lists of a period); the events that take a candidate off a list are
 * looked for in the unit's areas and in the areas the candidates were
 * transferred from, in the windows of the dates concerned only.
 */
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "engine/engine_int.h"

#define PRENATAL_DAYS (42 * 7) /* a pregnancy older than this is left to the quality checks */
#define NEWBORN_DAYS 30
#define FIRST_SCREEN_WEEKS 12
#define SECOND_SCREEN_WEEKS 21
#define SECOND_FROM_WEEK 18 /* a screening from this week on is the second one */

/* The candidates of a list: items sorted by person once gathered, and a bit per person. */
struct cands {
	const struct engine *e;
	struct eng_wl_item *v;
	size_t n, cap;
	uint8_t *bit;
	uint8_t *want; /* prenatal, for a large unit: the women with a pregnancy of the window */
	int32_t *slot; /* per person: 1 + the index of their item (0: none), for the events */
	int32_t day, key;     /* and its eng_date_key: an age is one subtraction */
	int year;             /* of day */
	enum eng_wl_list list;
	int32_t *wide; /* the unit's areas and those the candidates left */
	uint8_t *flag; /* per candidate: what the events said (list-specific) */
	/* prenatal: per candidate, the last pregnancy, its end and its screenings */
	int32_t *preg, *ended, *scr_day;
	uint8_t *scr_week, *done;
};

static bool has_bit(const uint8_t *b, int32_t p)
{
	return b[p >> 3] & (1u << (p & 7));
}

static void set_bit(uint8_t *b, int32_t p)
{
	b[p >> 3] |= (uint8_t)(1u << (p & 7));
}

static bool push(struct cands *c, struct eng_wl_item it)
{
	if (!ds_grow(&c->v, sizeof *c->v, &c->cap, c->n, 256))
		return false;
	c->v[c->n++] = it;
	set_bit(c->bit, it.person);
	return true;
}

/* A candidate born on the date of key `born`. */
static bool keep(struct cands *c, struct eng_wl_item it, int32_t born)
{
	it.birth = eng_key_day(born);
	return push(c, it);
}

/* A present spell's person, if the list wants them on the day. */
static bool spell_one(const struct eng_spells *s, size_t k, int32_t area, void *arg)
{
	struct cands *c = arg;
	const struct engine *e = c->e;
	int32_t born = s->born[k];
	if (born > c->key)
		return true;
	int age = eng_key_age(born, c->key);
	int sex = eng_info_sex(s->info[k]);
	struct eng_wl_item it = {.person = s->person[k], .hh = s->hh[k], .area = area,
				 .age = (int16_t)age, .sex = (uint8_t)sex};
	switch (c->list) {
	case ENG_WL_ELDERLY:
		return age < ENG_ELDER_AGE0 || keep(c, it, born);
	case ENG_WL_NEWBORN:
		return age > 0 || c->day - eng_key_day(born) >= NEWBORN_DAYS || keep(c, it, born);
	case ENG_WL_PRENATAL:
		return sex != 2 || age < ENG_MOTHER_AGE0 || age >= ENG_MOTHER_AGE0 + ENG_MOTHER_AGES ||
		       (c->want && !has_bit(c->want, it.person)) || keep(c, it, born);
	case ENG_WL_POOR_FP: {
		if (sex != 2 || age < ENG_FP_AGE0 || age >= ENG_FP_AGE0 + ENG_FP_AGES ||
		    eng_value_at(e, e->p_chg[it.person], CHG_MARITAL, eng_marital0(e, it.person), c->day) != 2)
			return true;
		int pov = eng_household_poverty_on(e, s->hh[k], c->year, c->day);
		if (pov != 1 && pov != 2)
			return true;
		it.poverty = (uint8_t)pov;
		it.method = (uint8_t)eng_value_at(e, e->p_chg[it.person], CHG_FP, eng_fp0(e, it.person), c->day);
		return keep(c, it, born);
	}
	default: return true;
	}
}

static int by_place(const void *pa, const void *pb)
{
	const struct eng_wl_item *a = pa, *b = pb;
	if (a->area != b->area)
		return a->area < b->area ? -1 : 1;
	if (a->hh != b->hh)
		return a->hh < b->hh ? -1 : 1;
	if (a->person != b->person)
		return a->person < b->person ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* The candidate of person p, or -1. */
static ptrdiff_t cand_of(const struct cands *c, int32_t p)
{
	return has_bit(c->bit, p) ? (ptrdiff_t)c->slot[p] - 1 : -1;
}

/* The areas a candidate left by a transfer dated from..to join col. */
static bool transfer_one(const struct engine *e, const struct eng_events *ev, size_t i,
			 const int32_t *col, void *arg)
{
	(void)col;
	const struct cands *c = arg;
	int32_t left = ev->a[i];
	if (ev->type[i] == EV_TRANSFER && left >= 0 && (size_t)left < e->nareas &&
	    has_bit(c->bit, ev->person[i]))
		c->wide[left] = 0;
	return true;
}

/* What one event of a candidate says about them. */
static bool cand_event(const struct engine *e, const struct eng_events *ev, size_t i,
		       const int32_t *col, void *arg)
{
	(void)e;
	(void)col;
	struct cands *c = arg;
	ptrdiff_t k = cand_of(c, ev->person[i]);
	if (k < 0)
		return true;
	int t = ev->type[i];
	int32_t d = ev->date[i];
	switch (c->list) {
	case ENG_WL_ELDERLY:
		c->flag[k] |= t == EV_ELDERLY_CHECK;
		break;
	case ENG_WL_NEWBORN:
		c->flag[k] |= t == EV_NEWBORN_SCREENING;
		break;
	case ENG_WL_PRENATAL:
		if (t == EV_PREGNANCY && reg_pregnancy_outcome(ev->a[i]) == OUT_PREGNANT) {
			if (d > c->preg[k])
				c->preg[k] = d;
		} else if (t == EV_PREGNANCY || t == EV_BIRTH) {
			if (d > c->ended[k])
				c->ended[k] = d;
		}
		break;
	default: break;
	}
	return true;
}

/* The screenings since each candidate's pregnancy (a second pass: the pregnancy must be known). */
static bool screen_event(const struct engine *e, const struct eng_events *ev, size_t i,
			 const int32_t *col, void *arg)
{
	(void)e;
	(void)col;
	struct cands *c = arg;
	ptrdiff_t k = cand_of(c, ev->person[i]);
	if (k < 0 || ev->type[i] != EV_PRENATAL_SCREENING || ev->date[i] < c->preg[k])
		return true;
	int w = ev->a[i];
	c->done[k] |= w >= SECOND_FROM_WEEK ? 2 : 1;
	if (ev->date[i] >= c->scr_day[k]) {
		c->scr_day[k] = ev->date[i];
		c->scr_week[k] = (uint8_t)w;
	}
	return true;
}

/* Calls fn for the candidates' events dated from..to, wherever they lived then. */
static enum ds_rc cand_events(struct cands *c, const int32_t *col, int32_t from, int32_t to,
			      eng_event_fn fn)
{
	const struct engine *e = c->e;
	c->wide = malloc((e->nareas + 1) * sizeof *c->wide);
	if (!c->wide)
		return DS_ENOMEM;
	memcpy(c->wide, col, (e->nareas + 1) * sizeof *c->wide);
	enum ds_rc rc = eng_each_event(e, col, from, to, transfer_one, c);
	if (!rc)
		rc = eng_each_event(e, c->wide, from, to, fn, c);
	free(c->wide);
	c->wide = NULL;
	return rc;
}

/* Weeks reached on day and the day the next screening falls due; false when none is due. */
static bool prenatal_due(struct cands *c, size_t k)
{
	struct eng_wl_item *it = &c->v[k];
	int32_t base = c->preg[k];
	int base_week = 0;
	if (c->done[k]) {
		base = c->scr_day[k];
		base_week = c->scr_week[k];
	}
	int weeks = base_week + (c->day - base) / 7;
	if (weeks > 42)
		return false;
	int due = !(c->done[k] & 1) && weeks < SECOND_FROM_WEEK ? FIRST_SCREEN_WEEKS
		  : !(c->done[k] & 2)				 ? SECOND_SCREEN_WEEKS
								 : 0;
	if (!due)
		return false;
	it->date = c->preg[k];
	it->week = (uint8_t)weeks;
	it->due_week = (uint8_t)due;
	it->due = base + (due - base_week) * 7;
	return true;
}

/* Keeps the candidates the events leave on the list. */
static void keep_due(struct cands *c)
{
	size_t w = 0;
	for (size_t k = 0; k < c->n; k++) {
		bool keep;
		if (c->list == ENG_WL_PRENATAL)
			keep = c->preg[k] > INT32_MIN && c->ended[k] < c->preg[k] && prenatal_due(c, k);
		else
			keep = !c->flag[k];
		if (keep)
			c->v[w++] = c->v[k];
	}
	c->n = w;
}

/* One half of the areas of a whole-unit list, on a thread of its own. */
struct half {
	struct cands c;
	int32_t *col;
	bool ok;
};

static void *half_run(void *arg)
{
	struct half *h = arg;
	h->ok = eng_each_present(h->c.e, h->col, h->c.day, spell_one, &h->c);
	return NULL;
}

/*
 * The present candidates: for a list of many areas (the supplies plan of
 * a province), the areas are cut in two halves of about as many spells,
 * scanned by this thread and a second one into candidates of their own,
 * then put together (the list is sorted by place at the end anyway).
 */
static bool present_cands(struct cands *c, const int32_t *col)
{
	const struct engine *e = c->e;
	size_t spells = 0, areas = 0;
	for (size_t a = 0; a < e->nareas; a++)
		if (col[a] >= 0) {
			spells += e->area_off[a + 1] - e->area_off[a];
			areas++;
		}
	struct half h = {.c = *c};
	if (areas < 16 || c->list != ENG_WL_POOR_FP ||
	    !(h.col = malloc((e->nareas + 1) * sizeof *h.col)) ||
	    !(h.c.bit = calloc((size_t)(e->maxp >> 3) + 2, 1))) {
		free(h.col);
		return eng_each_present(e, col, c->day, spell_one, c);
	}
	h.c.v = NULL;
	h.c.n = h.c.cap = 0;
	/* The second half: the areas after the one where half the spells are reached. */
	int32_t *mine = malloc((e->nareas + 1) * sizeof *mine);
	bool ok = mine != NULL;
	size_t seen = 0;
	for (size_t a = 0; ok && a <= e->nareas; a++) {
		bool in = a < e->nareas && col[a] >= 0;
		bool second = in && seen >= spells / 2;
		if (in)
			seen += e->area_off[a + 1] - e->area_off[a];
		mine[a] = in && !second ? col[a] : -1;
		h.col[a] = second ? col[a] : -1;
	}
	pthread_t th;
	bool threaded = ok && pthread_create(&th, NULL, half_run, &h) == 0;
	if (ok && !threaded)
		half_run(&h);
	ok = ok && eng_each_present(e, mine, c->day, spell_one, c);
	if (threaded)
		pthread_join(th, NULL);
	ok = ok && h.ok;
	for (size_t i = 0; ok && i < h.c.n; i++)
		ok = push(c, h.c.v[i]);
	free(h.c.v);
	free(h.c.bit);
	free(h.col);
	free(mine);
	return ok;
}

/* A woman whose pregnancy (still going) is recorded in the window, anywhere. */
static bool preg_mark(const struct engine *e, const struct eng_events *ev, size_t i,
		      const int32_t *col, void *arg)
{
	(void)col;
	struct cands *c = arg;
	int32_t p = ev->person[i];
	if (ev->type[i] == EV_PREGNANCY && reg_pregnancy_outcome(ev->a[i]) == OUT_PREGNANT && p >= 0 &&
	    p <= e->maxp)
		set_bit(c->want, p);
	return true;
}

/*
 * For the prenatal list of a large unit (an eighth of the areas or more),
 * only the women with such a pregnancy become candidates: found by one pass
 * over every area's events of the window (a woman's pregnancy may be
 * recorded where she lived before), instead of every woman of 15-49 sorted
 * and looked up for each event.  Only women without one are left out, and
 * the list keeps no woman without one: the same list.
 */
static enum ds_rc prenatal_filter(struct cands *c, const int32_t *col, const struct eng_wl_request *q)
{
	const struct engine *e = c->e;
	size_t areas = 0;
	for (size_t a = 0; a < e->nareas; a++)
		areas += col[a] >= 0;
	if (c->list != ENG_WL_PRENATAL || areas * 8 < e->nareas)
		return DS_OK;
	int32_t *all = calloc(e->nareas + 1, sizeof *all);
	c->want = calloc((size_t)(e->maxp >> 3) + 2, 1);
	enum ds_rc rc = all && c->want ? eng_each_event(e, all, q->day - PRENATAL_DAYS, q->day, preg_mark, c)
				       : DS_ENOMEM;
	free(all);
	return rc;
}

static enum ds_rc present_list(struct cands *c, const int32_t *col, const struct eng_wl_request *q)
{
	enum ds_rc rc = prenatal_filter(c, col, q);
	if (rc)
		return rc;
	if (!present_cands(c, col))
		return DS_ENOMEM;
	if (c->list == ENG_WL_POOR_FP || c->n == 0)
		return DS_OK;
	/* Each candidate found by its person in one step: a large unit's
	 * candidates (a million elderly at 10M) are neither sorted nor
	 * searched.  A large register's array is mapped fresh, so its
	 * untouched pages cost nothing; a small one's is cleared. */
	c->slot = calloc((size_t)c->e->maxp + 2, sizeof *c->slot);
	if (!c->slot)
		return DS_ENOMEM;
	for (size_t k = 0; k < c->n; k++)
		if (!c->slot[c->v[k].person])
			c->slot[c->v[k].person] = (int32_t)k + 1;
	c->flag = calloc(c->n, 1);
	if (!c->flag)
		return DS_ENOMEM;
	int y, m, d;
	day_to_ymd(q->day, &y, &m, &d);
	if (c->list == ENG_WL_ELDERLY) {
		rc = cand_events(c, col, day_from_ymd(y, 1, 1), q->day, cand_event);
	} else if (c->list == ENG_WL_NEWBORN) {
		rc = cand_events(c, col, q->day - NEWBORN_DAYS + 1, q->day, cand_event);
	} else {
		c->preg = malloc(c->n * sizeof *c->preg);
		c->ended = malloc(c->n * sizeof *c->ended);
		c->scr_day = malloc(c->n * sizeof *c->scr_day);
		c->scr_week = calloc(c->n, 1);
		c->done = calloc(c->n, 1);
		if (!c->preg || !c->ended || !c->scr_day || !c->scr_week || !c->done)
			return DS_ENOMEM;
		for (size_t k = 0; k < c->n; k++)
			c->preg[k] = c->ended[k] = c->scr_day[k] = INT32_MIN;
		rc = cand_events(c, col, q->day - PRENATAL_DAYS, q->day, cand_event);
		if (!rc)
			rc = cand_events(c, col, q->day - PRENATAL_DAYS, q->day, screen_event);
	}
	if (!rc)
		keep_due(c);
	return rc;
}

/* An event of the period that goes on a list by itself (a marriage, a birth). */
static bool period_one(const struct engine *e, const struct eng_events *ev, size_t i,
		       const int32_t *col, void *arg)
{
	struct cands *c = arg;
	int32_t area = eng_hh_area(e, ev->hh[i]);
	int t = ev->type[i];
	if (area < 0 || col[area] < 0)
		return true;
	int32_t p = ev->person[i];
	int sex = p > 0 && p <= e->maxp ? e->p_sex[p] : 0;
	struct eng_wl_item it = {.person = p, .hh = ev->hh[i], .area = area, .date = ev->date[i],
				 .seq = ev->seq[i], .age = ev->age[i], .sex = (uint8_t)sex,
				 .birth = sex ? e->p_birth[p] : 0};
	if (c->list == ENG_WL_PREMARITAL && t == EV_MARRIAGE) {
		int32_t a = ev->a[i];
		if (reg_marriage_premarital(a) || (eng_marriage_spouse(a) && sex != 2))
			return true;
		return push(c, it);
	}
	if (c->list == ENG_WL_THIRD_BIRTHS && t == EV_BIRTH && reg_birth_order(ev->a[i]) >= 3) {
		it.order = (uint8_t)reg_birth_order(ev->a[i]);
		return push(c, it);
	}
	return true;
}

static void cands_free(struct cands *c)
{
	free(c->bit);
	free(c->want);
	free(c->slot);
	free(c->flag);
	free(c->preg);
	free(c->ended);
	free(c->scr_day);
	free(c->scr_week);
	free(c->done);
}

enum ds_rc engine_worklist(const struct eng_view *v, const struct eng_wl_request *q,
			   struct eng_wl_item **out, size_t *n)
{
	const struct engine *e = eng_of(v);
	*out = NULL;
	*n = 0;
	if (q->list < 0 || q->list >= ENG_WL_COUNT || q->from > q->day)
		return DS_EUSAGE;
	int32_t *col;
	enum ds_rc rc = eng_unit_cols(e, q->unit, q->map_date, &col);
	if (rc)
		return rc;
	int y, m, d;
	day_to_ymd(q->day, &y, &m, &d);
	struct cands c = {.e = e, .day = q->day, .key = eng_date_key(q->day), .year = y,
			  .list = q->list, .bit = calloc((size_t)(e->maxp >> 3) + 2, 1)};
	if (!c.bit)
		rc = DS_ENOMEM;
	else if (q->list == ENG_WL_PREMARITAL || q->list == ENG_WL_THIRD_BIRTHS)
		rc = eng_each_event(e, col, q->from, q->day, period_one, &c);
	else
		rc = present_list(&c, col, q);
	free(col);
	cands_free(&c);
	if (rc) {
		free(c.v);
		return rc;
	}
	if (c.n > 1)
		qsort(c.v, c.n, sizeof *c.v, by_place);
	*out = c.v;
	*n = c.n;
	return DS_OK;
}
