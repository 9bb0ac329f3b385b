/*
 * gen_plant: realistic duplicates, planted when --plant-duplicates asks.
 *
 * A register gets a person twice when a collaborator records an arrival
 * without the departure, or a household book is copied by hand: the second
 * record differs the way hand copies differ.  Each planted duplicate copies
 * a present baseline person of a private household, then draws from a PRNG
 * stream of its own (so the baseline's stream, and with planting off every
 * byte of the output, stay as they were):
 *
 *   name   the same 20%, diacritics dropped 30%, a middle name missing 25%
 *          (diacritics dropped when there is none), one typo 25% (a letter
 *          deleted, doubled, swapped with the next or replaced);
 *   birth  exact 55%, another day of the same month 20% (one digit of the
 *          day changed, or its two digits swapped), day and month swapped
 *          10% (another day when they cannot be), the year only 15%;
 *   place  another private household of the same old commune 60%, of
 *          another commune 40%: an arrival recorded without its departure,
 *          copied from papers, so that a name variant there comes with the
 *          exact birth date.
 *
 * The birth year is kept: an officer who copies a record gets the year
 * right far more often than the day.  The copy has no national id and no
 * insurance number (ids are unique in the register), is a member of type
 * "other" (7), and has no events (GP_GHOST), like the exact duplicates.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/day.h"
#include "base/text.h"
#include "gen/gen_int.h"

/* Planted duplicates per 10,000 persons. */
#define PLANT_PER_10K 100

static uint8_t draw_name(struct grng *r)
{
	double x = grng_f(r);
	return x < 0.20 ? PL_NAME_SAME : x < 0.50 ? PL_NAME_ASCII : x < 0.75 ? PL_NAME_NOMID : PL_NAME_TYPO;
}

static uint8_t draw_date(struct grng *r)
{
	double x = grng_f(r);
	return x < 0.55 ? PL_DATE_EXACT : x < 0.75 ? PL_DATE_DAY : x < 0.85 ? PL_DATE_SWAP : PL_DATE_YEAR;
}

/* Another day of the same month, as a copying error makes it: one digit
 * changed (18 -> 13, 18 -> 28) or the two digits swapped (12 -> 21). */
static int32_t other_day(struct grng *r, int y, int m, int d)
{
	int last = day_days_in_month(y, m);
	for (int tries = 0; tries < 20; tries++) {
		int nd;
		double x = grng_f(r);
		if (x < 0.2 && d >= 10)
			nd = (d % 10) * 10 + d / 10;
		else if (x < 0.6)
			nd = (d / 10) * 10 + grng_range(r, 0, 9);
		else
			nd = grng_range(r, 0, 3) * 10 + d % 10;
		if (nd != d && nd >= 1 && nd <= last)
			return day_from_ymd(y, m, nd);
	}
	return day_from_ymd(y, m, d == 1 ? 2 : d - 1);
}

/* The copy's birth date; the year never changes. */
static void vary_birth(struct grng *r, struct gperson *c, struct gplant *pl)
{
	int y, m, d;
	day_to_ymd(c->birth, &y, &m, &d);
	if (c->prec != DAY_PREC_DAY)
		pl->date = PL_DATE_EXACT; /* a partial date is copied as it is */
	switch (pl->date) {
	case PL_DATE_DAY: c->birth = other_day(r, y, m, d); break;
	case PL_DATE_SWAP:
		if (d <= 12 && d != m)
			c->birth = day_from_ymd(y, d, m);
		else
			pl->date = PL_DATE_DAY, c->birth = other_day(r, y, m, d);
		break;
	case PL_DATE_YEAR:
		c->prec = DAY_PREC_YEAR;
		c->birth = day_from_ymd(y, 7, 15);
		break;
	default: break;
	}
}

/* A private household other than the person's: in the same old commune or not. */
static uint32_t pick_household(struct gen *g, uint32_t src, uint8_t place)
{
	struct gen_units *u = &g->units;
	uint32_t own = g->p[src].hh;
	uint32_t oc = u->vill[u->area[g->h[own].area].village].old;
	for (int tries = 0; tries < 200; tries++) {
		uint32_t to;
		if (place == PL_PLACE_COMMUNE) {
			const struct gen_commune *c = &u->old[oc];
			if (c->hh1 - c->hh0 < 2)
				return UINT32_MAX;
			to = c->hh0 + grng_below(&g->r, c->hh1 - c->hh0);
		} else {
			to = grng_below(&g->r, (uint32_t)g->nhbase);
			if (u->vill[u->area[g->h[to].area].village].old == oc)
				continue;
		}
		if (to != own && g->h[to].type == 1 && g->h[to].members)
			return to;
	}
	return UINT32_MAX;
}

/* 1 planted, 0 not this time, -1 out of memory.  copied[i]: person i has a copy already. */
static int plant_one(struct gen *g, struct grng *r, size_t nreal, uint8_t *copied)
{
	uint32_t src = grng_below(r, (uint32_t)nreal);
	const struct gperson *s = &g->p[src];
	/* The copy keeps the year but may change the day, or take 15 July for a
	 * year alone: a person born in the baseline's year could be copied as
	 * born after it, which the register refuses.  Not those. */
	int by, bm, bd, sy, sm, sd;
	day_to_ymd(s->birth, &by, &bm, &bd);
	day_to_ymd(g->o->start, &sy, &sm, &sd);
	if ((s->flags & (GP_PRESENT | GP_GHOST)) != GP_PRESENT || g->h[s->hh].type != 1 ||
	    copied[src] || by >= sy)
		return 0;
	struct gplant pl = {.src = src, .name = draw_name(r), .date = draw_date(r)};
	pl.place = grng_chance(r, 0.6) ? PL_PLACE_COMMUNE : PL_PLACE_OTHER;
	/* An arrival recorded without its departure is copied from papers:
	 * in another commune a name variant comes with the exact date. */
	if (pl.place == PL_PLACE_OTHER && pl.name != PL_NAME_SAME)
		pl.date = PL_DATE_EXACT;
	pl.word = (uint8_t)grng_below(r, 4);
	pl.pos = (uint8_t)grng_below(r, 16);
	pl.op = (uint8_t)grng_below(r, 4);
	pl.ch = (uint8_t)("aeiouynhtgcm"[grng_below(r, 12)]);
	if (pl.name == PL_NAME_NOMID && !s->mid)
		pl.name = PL_NAME_ASCII;
	struct grng keep = g->r;
	g->r = *r; /* pick_household draws from g->r: lend it the planting stream */
	uint32_t to = pick_household(g, src, pl.place);
	*r = g->r;
	g->r = keep;
	if (to == UINT32_MAX)
		return 0;
	if (!gen_person_room(g))
		return -1;
	uint32_t gi = gen_add_copy(g, src, to);
	vary_birth(r, &g->p[gi], &pl);
	g->plants[g->nplants++] = pl;
	copied[src] = 1;
	return 1;
}

enum ds_rc gen_plant_build(struct gen *g)
{
	size_t want = (size_t)(g->o->persons * PLANT_PER_10K / 10000);
	if (want < 5)
		want = 5;
	g->plants = calloc(want, sizeof *g->plants);
	if (!g->plants)
		return DS_ENOMEM;
	struct grng r;
	grng_seed(&r, g->o->seed ^ 0xD0B1E5EEDull);
	size_t nreal = g->np - g->ndups;
	/* One copy a person at most: two copies of one person are a third pair
	 * (the copies of each other) that the truth file would not list. */
	uint8_t *copied = calloc(nreal, 1);
	if (!copied)
		return DS_ENOMEM;
	for (size_t k = 0; k < g->ndups; k++)
		if (g->dups[k][0] < nreal)
			copied[g->dups[k][0]] = 1;
	g->plant0 = (uint32_t)g->np;
	enum ds_rc rc = DS_OK;
	for (size_t tries = 0; g->nplants < want && tries < 20 * want && !rc; tries++)
		if (plant_one(g, &r, nreal, copied) < 0)
			rc = DS_ENOMEM;
	free(copied);
	return rc;
}

/* ---- the variant names ---- */

/* Byte offsets of the code points of s (at most max), and their count. */
static size_t code_points(const char *s, size_t len, size_t *at, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n < max; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			at[n++] = i;
	return n;
}

/* One typo in word pl->word (modulo the words) of name[0..len) into b. */
static void put_typo(struct gbuf *b, const char *name, size_t len, const struct gplant *pl)
{
	size_t ws[8], we[8], nw = 0;
	for (size_t i = 0; i < len && nw < 8;) {
		ws[nw] = i;
		while (i < len && name[i] != ' ')
			i++;
		we[nw++] = i;
		while (i < len && name[i] == ' ')
			i++;
	}
	size_t w = pl->word % nw, at[64];
	size_t n = code_points(name + ws[w], we[w] - ws[w], at, 64);
	if (n < 2) {
		gb_put(b, name, len);
		return;
	}
	/* Never the first letter: it is the one people copy right. */
	size_t k = 1 + pl->pos % (n - 1), base = ws[w];
	size_t cs = base + at[k], ce = k + 1 < n ? base + at[k + 1] : we[w];
	gb_put(b, name, cs);
	switch (pl->op) {
	case 0: /* deleted */ break;
	case 1: /* doubled */
		gb_put(b, name + cs, ce - cs);
		gb_put(b, name + cs, ce - cs);
		break;
	case 2: /* swapped with the next letter (deleted when it is the last) */
		if (k + 1 < n) {
			size_t ne = k + 2 < n ? base + at[k + 2] : we[w];
			gb_put(b, name + ce, ne - ce);
			gb_put(b, name + cs, ce - cs);
			ce = ne;
		}
		break;
	default: /* replaced */
		gb_putc(b, (char)pl->ch == name[cs] ? 'r' : (char)pl->ch);
		break;
	}
	gb_put(b, name + ce, len - ce);
}

/* The name without diacritics, each word capitalised: "Nguyen Van Duc". */
static void put_ascii(struct gbuf *b, const char *name, size_t len)
{
	char key[256];
	if (txt_fold(name, len, key, sizeof key)) {
		gb_put(b, name, len);
		return;
	}
	for (size_t i = 0; key[i]; i++) {
		char c = key[i];
		gb_putc(b, (i == 0 || key[i - 1] == ' ') && c >= 'a' && c <= 'z' ? (char)(c - 32) : c);
	}
}

void gen_put_row_name(struct gen *g, struct gbuf *b, uint32_t i)
{
	const struct gperson *p = &g->p[i];
	if (!g->nplants || i < g->plant0 || i >= g->plant0 + g->nplants) {
		gen_put_person_name(b, p);
		return;
	}
	const struct gplant *pl = &g->plants[i - g->plant0];
	struct gbuf t = {0};
	if (pl->name == PL_NAME_NOMID)
		gen_put_name(&t, p->fam, p->sex, 0, 0, p->giv);
	else
		gen_put_person_name(&t, p);
	if (t.oom) {
		b->oom = true;
	} else if (pl->name == PL_NAME_ASCII) {
		put_ascii(b, t.p, t.len);
	} else if (pl->name == PL_NAME_TYPO) {
		put_typo(b, t.p, t.len, pl);
	} else {
		gb_put(b, t.p, t.len);
	}
	gb_free(&t);
}

/* ---- truth/duplicates.csv ---- */

static const char *const name_kind[] = {"same", "no_diacritics", "no_middle_name", "typo"};
static const char *const date_kind[] = {"exact", "other_day", "day_month_swapped", "year_only"};
static const char *const place_kind[] = {"same_commune", "other_commune"};

static void truth_row(struct gen *g, struct gbuf *b, uint32_t a, uint32_t d, const char *name,
		      const char *date, const char *place)
{
	gb_pid(b, g->province, a);
	gb_putc(b, ',');
	gb_pid(b, g->province, d);
	gb_putc(b, ',');
	gb_puts(b, name);
	gb_putc(b, ',');
	gb_puts(b, date);
	gb_putc(b, ',');
	gb_puts(b, place);
	gb_putc(b, '\n');
}

/* Opens truth/name in the output folder, making the folder. */
static enum ds_rc truth_open(struct gen *g, const char *name, struct gfile *f)
{
	size_t n = strlen(g->o->out);
	char *dir = malloc(n + sizeof "/truth");
	if (!dir)
		return DS_ENOMEM;
	memcpy(dir, g->o->out, n);
	memcpy(dir + n, "/truth", sizeof "/truth");
	enum ds_rc rc = mkdir(dir, 0777) != 0 && errno != EEXIST ? DS_EIO : gf_open(f, dir, name);
	free(dir);
	return rc;
}

enum ds_rc gen_plant_write(struct gen *g)
{
	struct gfile f;
	enum ds_rc rc = truth_open(g, "duplicates.csv", &f);
	if (rc)
		return rc;
	gb_puts(&f.b, "a,b,name,birth,place\n");
	for (size_t k = 0; k < g->ndups; k++)
		truth_row(g, &f.b, g->dups[k][0], g->dups[k][1], "same", "exact", "same_commune");
	for (size_t k = 0; k < g->nplants; k++) {
		const struct gplant *pl = &g->plants[k];
		truth_row(g, &f.b, pl->src, g->plant0 + (uint32_t)k, name_kind[pl->name],
			  date_kind[pl->date], place_kind[pl->place]);
		gf_maybe_flush(&f);
	}
	return gf_close(&f);
}

/* ---- truth/national_ids.csv ---- */

enum ds_rc gen_plant_nid_write(struct gen *g)
{
	struct gfile f;
	enum ds_rc rc = truth_open(g, "national_ids.csv", &f);
	if (rc)
		return rc;
	gb_puts(&f.b, "person_id,part\n");
	for (size_t k = 0; k < g->nbadnid; k++) {
		gb_pid(&f.b, g->province, g->badnid[k] >> 1);
		gb_puts(&f.b, g->badnid[k] & 1 ? ",year\n" : ",sex\n");
		gf_maybe_flush(&f);
	}
	return gf_close(&f);
}
