/* Duplicate persons: loading, blocking, scoring and the candidate pairs (dup.h). */
#include "quality/dup.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/day.h"
#include "base/grow.h"
#include "base/hmap.h"
#include "base/progress.h"
#include "base/text.h"
#include "register/codes.h"
#include "register/units.h"
#include "store/register.h"

/* ---- scoring ---- */

/* What the score reads of one person; strings borrowed. */
struct cmp {
	const char *key;
	size_t klen;
	const char *name; /* as written (NFC), NULL when unknown */
	size_t nlen;
	int32_t birth;
	int16_t y; /* birth's year, month and day */
	uint8_t m, d;
	uint8_t prec, sex;
	uint64_t nid, ins;
	int64_t mother;
	uint16_t eth;
	uint8_t edu, marital;
	uint32_t common; /* persons with the same family and given names, 0 unknown */
	double lnc;      /* 0.02 ln common, 0 when common <= 1 */
};

enum place { PL_AREA, PL_COMMUNE, PL_DISTRICT, PL_ELSE };

static void reason(json_t *r, const char *code)
{
	if (r)
		json_array_append_new(r, json_string(code));
}

/* A name's three parts: the family name (first word), the middle names (the
 * words between, "" when none) and the given name (last word). */
enum { FAM, MID, GIV };
struct parts {
	const char *w[3];
	size_t n[3];
};

static void split3(const char *s, size_t len, struct parts *p)
{
	const char *sp = memchr(s, ' ', len), *end = s + len, *last = end;
	while (last > s && last[-1] != ' ')
		last--;
	p->w[FAM] = s;
	p->n[FAM] = sp ? (size_t)(sp - s) : len;
	p->w[GIV] = last;
	p->n[GIV] = (size_t)(end - last);
	p->w[MID] = s + p->n[FAM];
	p->n[MID] = 0;
	if (last > s + p->n[FAM] + 1) {
		p->w[MID] = s + p->n[FAM] + 1;
		p->n[MID] = (size_t)(last - 1 - p->w[MID]);
	}
}

static bool has_marks(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

static size_t spaces(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += s[i] == ' ';
	return n;
}

/*
 * How alike one part of two names is, and the counts of parts written with
 * other marks (*marks) and one letter apart (*typos):
 *
 *   - the same folded letters: 1, or DUP_MARKS when both names are written
 *     with marks and the marks differ (Lý and Ly, Lâm and Lam, Khánh and
 *     Khanh are different names; a name typed without any marks lost them
 *     all and says nothing);
 *   - one letter apart (deleted, doubled, replaced or two swapped; with
 *     the marks when both have them): the Jaro-Winkler similarity of the
 *     folded parts, at least DUP_TYPO.  Vietnamese names are short words,
 *     and JW(kim, kmi) = 0.82 says less than "one slip of the pen";
 *   - else JW squared: two slips in one short word make another name
 *     (Trường and Trung, Lương and Tường).
 */
static double part_sim(const struct parts *fa, const struct parts *oa, const struct parts *fb,
		       const struct parts *ob, int k, int *marks, int *typos)
{
	const char *a = fa->w[k], *b = fb->w[k];
	size_t la = fa->n[k], lb = fb->n[k];
	if (la == lb && memcmp(a, b, la) == 0) {
		if (oa && ob && !txt_same_caseless(oa->w[k], oa->n[k], ob->w[k], ob->n[k])) {
			(*marks)++;
			return DUP_MARKS;
		}
		return 1;
	}
	double jw = txt_jaro_winkler(a, la, b, lb);
	/* Folded letters are one byte each (đ is d): lengths two apart are two slips. */
	int d = la > lb + 1 || lb > la + 1 ? 2
		: oa && ob ? txt_edit_distance(oa->w[k], oa->n[k], ob->w[k], ob->n[k])
			   : txt_edit_distance(a, la, b, lb);
	if (d == 1) {
		(*typos)++;
		return jw > DUP_TYPO ? jw : DUP_TYPO;
	}
	return jw * jw;
}

/*
 * N = F x G x M, each part's similarity (part_sim): a different given name
 * is strong evidence of two persons, and so is a different middle name,
 * unlike a missing one.  M is 1 for no middle names on both sides, 0.95
 * when one side has none, part_sim when it is 1 or a typo, else
 * (JW(middle) - 0.6) / 0.4 within 0..1.
 */
static double name_part(const struct cmp *a, const struct cmp *b, json_t *r)
{
	/* Written alike, byte for byte: the most common pair in a block. */
	if (a->name && b->name && a->nlen == b->nlen && memcmp(a->name, b->name, a->nlen) == 0) {
		reason(r, "name_same");
		return 1.0;
	}
	struct parts fa, fb, oa, ob;
	split3(a->key, a->klen, &fa);
	split3(b->key, b->klen, &fb);
	/* The names as written, when both carry marks and fold word for word. */
	bool marked = a->name && b->name && has_marks(a->name, a->nlen) &&
		      has_marks(b->name, b->nlen) && spaces(a->name, a->nlen) == spaces(a->key, a->klen) &&
		      spaces(b->name, b->nlen) == spaces(b->key, b->klen);
	if (marked) {
		split3(a->name, a->nlen, &oa);
		split3(b->name, b->nlen, &ob);
	}
	const struct parts *pa = marked ? &oa : NULL, *pb = marked ? &ob : NULL;
	int marks = 0, typos = 0;
	double n = part_sim(&fa, pa, &fb, pb, FAM, &marks, &typos) *
		   part_sim(&fa, pa, &fb, pb, GIV, &marks, &typos);
	if ((fa.n[MID] == 0) != (fb.n[MID] == 0)) {
		n *= 0.95;
	} else if (fa.n[MID]) {
		int t0 = typos;
		double m = part_sim(&fa, pa, &fb, pb, MID, &marks, &typos);
		if (m < DUP_MARKS && typos == t0) {
			m = (txt_jaro_winkler(fa.w[MID], fa.n[MID], fb.w[MID], fb.n[MID]) - 0.6) / 0.4;
			m = m < 0 ? 0 : m > 1 ? 1 : m;
		}
		n *= m;
	}
	bool same = a->klen == b->klen && memcmp(a->key, b->key, a->klen) == 0;
	reason(r, same ? "name_same" : "name_similar");
	if (marks)
		reason(r, "name_marks_differ");
	if (typos)
		reason(r, "name_typo");
	return n;
}

/* True when two days of the month differ in one digit or by their digits swapped (12, 21). */
static bool day_typo(int a, int b)
{
	int a1 = a / 10, a0 = a % 10, b1 = b / 10, b0 = b % 10;
	return a1 == b1 || a0 == b0 || (a1 == b0 && a0 == b1);
}

/* The birth part of two dates given as year, month, day and precision. */
static double birth_of(int ya, int ma, int da, int pa, int yb, int mb, int db, int pb, json_t *r)
{
	if (ya != yb)
		return 0;
	int prec = pa > pb ? pa : pb;
	if (prec == DAY_PREC_YEAR || (prec == DAY_PREC_MONTH && ma == mb)) {
		reason(r, "birth_partial");
		return prec == DAY_PREC_YEAR ? 0.5 : 0.7;
	}
	if (prec == DAY_PREC_DAY && ma == mb && da == db) {
		reason(r, "birth_exact");
		return 1.0;
	}
	if (prec == DAY_PREC_DAY && ma == db && da == mb) {
		reason(r, "birth_swapped");
		return 0.8;
	}
	if (prec == DAY_PREC_DAY && ma == mb && day_typo(da, db)) {
		reason(r, "birth_day_typo");
		return 0.7;
	}
	if (prec == DAY_PREC_DAY && ma == mb) {
		reason(r, "birth_month");
		return 0.4;
	}
	reason(r, "birth_year");
	return 0.3;
}

static double birth_part(const struct cmp *a, const struct cmp *b, json_t *r)
{
	return birth_of(a->y, a->m, a->d, a->prec, b->y, b->m, b->d, b->prec, r);
}

/* The place part by enum place: the same area, commune, district, else. */
static const double place_weight[] = {1.0, 0.7, 0.4, 0.2};

static double place_part(enum place pl, json_t *r)
{
	static const char *const code[] = {"same_area", "same_commune", "same_district", NULL};
	if (code[pl])
		reason(r, code[pl]);
	return place_weight[pl];
}

/* The parts of a pair's score other than its reasons, and their sum in the
 * one order both score() and the blocks' filter (bound()) add them, so that
 * the weights are written once. */
struct tally {
	double s0;    /* the two ids' penalties, <= 0 */
	double name, birth, place;
	int facts;    /* of ethnicity, education and marital status, agreeing */
	bool sex, mother;
	bool common;  /* the more common of the two names is shared */
	double loss;  /* its common-name loss */
};

/* A name many share says less (value-specific weights, as Fellegi and
 * Sunter's u-probabilities): 0.02 ln n, n the persons sharing the more
 * common of the two family-and-given names. */
static void tally_common(struct tally *t, uint32_t ca, uint32_t cb, double la, double lb)
{
	t->common = (ca > cb ? ca : cb) > 1;
	t->loss = la > lb ? la : lb;
}

static double tally_sum(const struct tally *t)
{
	double s = t->s0;
	s += 0.40 * t->name + 0.25 * t->birth;
	s += 0.2 * t->facts / 3.0;
	if (t->sex)
		s += 0.05;
	s += 0.1 * t->place;
	if (t->mother)
		s += 0.05;
	if (t->common)
		s -= t->loss;
	return s;
}

/*
 * The score of a pair.  Without reasons (r NULL, the blocks' pairs) the
 * parts other than the name are added first: when even a name alike could
 * not lift the pair to min, the names are not compared and -1 is returned.
 * The sum is made in one order either way, so that a pair scores the same
 * bits in the blocks and in the answer.
 */
static double score(const struct cmp *a, const struct cmp *b, enum place pl, json_t *r, double min)
{
	bool nid = a->nid && a->nid == b->nid;
	if (nid)
		reason(r, "national_id");
	if (a->ins && a->ins == b->ins)
		reason(r, "insurance");
	/* Two different ids are two persons, unless one was mistyped: a
	 * citizen id is issued once, an insurance number nearly so. */
	struct tally t = {0};
	if (a->nid && b->nid && !nid) {
		reason(r, "national_id_differs");
		t.s0 -= DUP_NID_DIFFERS;
	}
	if (a->ins && b->ins && a->ins != b->ins) {
		reason(r, "insurance_differs");
		t.s0 -= DUP_INS_DIFFERS;
	}
	t.name = r ? name_part(a, b, r) : 1.0;
	t.birth = birth_part(a, b, r);
	/* The other facts a copy carries over: ethnicity, education, marital status. */
	t.facts = (a->eth == b->eth) + (a->edu == b->edu) + (a->marital == b->marital);
	if (t.facts == 3)
		reason(r, "facts");
	t.sex = a->sex == b->sex;
	if (t.sex)
		reason(r, "sex");
	t.place = place_part(pl, r);
	t.mother = a->mother && a->mother == b->mother;
	if (t.mother)
		reason(r, "mother");
	tally_common(&t, a->common, b->common, a->lnc, b->lnc);
	if (t.common)
		reason(r, "name_common");
	for (int round = r || nid ? 1 : 0; round < 2; round++) {
		double s = tally_sum(&t);
		if (nid || s > 1)
			s = 1;
		s = s < 0 ? 0 : s;
		if (round == 1)
			return s;
		/* Round 0: the name counted as alike, its most. */
		if (s + 1e-9 < min)
			return -1;
		t.name = name_part(a, b, NULL);
	}
	return -1; /* not reached */
}

/* 0.02 ln n, the part of the score a name shared by n persons loses. */
static double common_loss(uint32_t n)
{
	return n > 1 ? 0.02 * log((double)n) : 0;
}

static uint16_t eth_code(const char *e)
{
	return (uint16_t)((unsigned char)e[0] << 8 | (unsigned char)e[1]);
}

static uint64_t hash_id(const char *s)
{
	return s && s[0] ? hmap_hash(s, strlen(s)) | 1 : 0;
}

enum ds_rc dup_person_of(const struct reg_person *r, struct dup_person *p)
{
	memset(p, 0, sizeof *p);
	enum ds_rc rc = txt_fold(r->full_name, strlen(r->full_name), p->key, sizeof p->key);
	p->birth = r->birth;
	p->prec = r->birth_prec;
	p->sex = r->sex;
	p->nid = hash_id(r->national_id);
	p->ins = hash_id(r->insurance_no);
	p->eth = eth_code(r->ethnicity);
	p->edu = r->education;
	p->marital = r->marital;
	snprintf(p->name, sizeof p->name, "%s", r->full_name);
	return rc;
}

static enum place place_of(const char *aa, const char *ac, const char *ad, const char *ba,
			   const char *bc, const char *bd)
{
	if (aa && ba && strcmp(aa, ba) == 0)
		return PL_AREA;
	if (ac && bc && ac[0] && strcmp(ac, bc) == 0)
		return PL_COMMUNE;
	if (ad && bd && ad[0] && strcmp(ad, bd) == 0)
		return PL_DISTRICT;
	return PL_ELSE;
}

/* The fields that dup_person and the loaded persons (dp) both name alike. */
#define CMP_FACTS(p)                                                                     \
	.birth = (p)->birth, .prec = (p)->prec, .sex = (p)->sex, .nid = (p)->nid,          \
	.ins = (p)->ins, .mother = (p)->mother, .eth = (p)->eth, .edu = (p)->edu,            \
	.marital = (p)->marital

static void cmp_of(const struct dup_person *p, struct cmp *c)
{
	int y, m, d;
	day_to_ymd(p->birth, &y, &m, &d);
	*c = (struct cmp){.key = p->key,
			  .klen = strlen(p->key),
			  .name = p->name[0] ? p->name : NULL,
			  .nlen = strlen(p->name),
			  .y = (int16_t)y,
			  .m = (uint8_t)m,
			  .d = (uint8_t)d,
			  CMP_FACTS(p)};
}

double dup_score(const struct dup_person *a, const struct dup_person *b, json_t *reasons)
{
	struct cmp ca, cb;
	cmp_of(a, &ca);
	cmp_of(b, &cb);
	return score(&ca, &cb,
		     place_of(a->area, a->commune, a->district, b->area, b->commune, b->district),
		     reasons, -1);
}

/* ---- the persons of a unit, compact ---- */

/* An area of the unit: its code and the numbers of its commune and district
 * (-1 when none), so that places compare as integers. */
struct area {
	char code[REG_UNIT_CODE_MAX + 1];
	int32_t commune, district;
};

/* A loaded person: what the score reads (its strings in the arena, pointed
 * to once all are loaded) and its blocks. */
struct dp {
	struct cmp c;
	int64_t rid;
	uint64_t exact; /* the block key of the folded family and given names and the year */
	uint64_t mkey;  /* the block key of the folded full name and the mother, 0 none */
	uint32_t key, id, name; /* offsets in the arena */
	uint16_t months; /* the birth months of its deletion keys, a bit each */
	uint16_t fl, go, gl; /* the family name's length, the given name's offset and length in key */
	uint32_t area;
};

struct load {
	const struct dup_request *rq;
	struct reg_units units;
	int32_t today;
	struct hmap areas; /* code -> index + 1, or 0: not in the unit */
	struct hmap above; /* commune or district code -> its number */
	struct area *area;
	size_t narea, acap;
	struct dp *p;
	size_t np, pcap;
	char *arena;
	size_t alen, acap2;
};

static int64_t arena_add(struct load *l, const char *s, size_t n)
{
	if (!ds_grow(&l->arena, 1, &l->acap2, l->alen + n + 1, 1 << 20))
		return -1;
	memcpy(l->arena + l->alen, s, n);
	l->arena[l->alen + n] = '\0';
	l->alen += n + 1;
	return (int64_t)(l->alen - n - 1);
}

/* The number of the unit of a level above code today, -1 when none; -2 on failure. */
static int32_t above(struct load *l, const char *code, enum reg_level lvl)
{
	const char *u = reg_units_above(&l->units, code, lvl, l->today);
	if (!u || !u[0])
		return -1;
	int64_t v;
	size_t n = strlen(u);
	if (hmap_get(&l->above, u, n, &v))
		return (int32_t)v;
	v = (int64_t)l->above.count;
	return hmap_put(&l->above, u, n, v, NULL, NULL) ? -2 : (int32_t)v;
}

/* The index + 1 of an area in the unit and the caller's scope, 0 when not; -1 on failure. */
static int64_t area_index(struct load *l, const char *code)
{
	int64_t v;
	size_t n = strlen(code);
	if (hmap_get(&l->areas, code, n, &v))
		return v;
	v = 0;
	if (reg_units_within(&l->units, code, l->rq->unit, l->today) &&
	    (!l->rq->area_ok || l->rq->area_ok(code, l->rq->arg))) {
		if (!ds_grow(&l->area, sizeof *l->area, &l->acap, l->narea + 1, 256))
			return -1;
		struct area *a = &l->area[l->narea++];
		snprintf(a->code, sizeof a->code, "%s", code);
		a->commune = above(l, code, LVL_COMMUNE);
		a->district = above(l, code, LVL_DISTRICT);
		if (a->commune < -1 || a->district < -1)
			return -1;
		v = (int64_t)l->narea;
	}
	return hmap_put(&l->areas, code, n, v, NULL, NULL) ? -1 : v;
}

/* ---- block keys: 64 bits, the kind of block in the low two bits ---- */

enum kind { K_ID, K_EXACT, K_DELETE };

#define FNV0 0xcbf29ce484222325ull

static uint64_t fnv(uint64_t h, const char *s, size_t n, size_t skip)
{
	for (size_t i = 0; i < n; i++)
		if (i != skip) {
			h ^= (unsigned char)s[i];
			h *= 0x100000001b3ull;
		}
	return h;
}

static uint64_t mix(uint64_t h, uint64_t v, enum kind k)
{
	return (hmap_mix(h ^ v * 0x9e3779b97f4a7c15ull) & ~3ull) | k;
}

/* tag fam "|" giv, fam and giv given with one byte left out (skip) or none. */
static uint64_t name_hash(char tag, const char *key, const struct dp *p, size_t fskip, size_t gskip)
{
	uint64_t h = fnv(FNV0, &tag, 1, SIZE_MAX);
	h = fnv(h, key, p->fl, fskip);
	h = fnv(h, "|", 1, SIZE_MAX);
	return fnv(h, key + p->go, p->gl, gskip);
}

/* The months of a person's deletion keys: its birth month, and its day when
 * that could be a month (a day and month swapped); all twelve for a birth
 * year alone. */
static uint16_t months_of(uint8_t prec, int m, int d)
{
	if (prec == DAY_PREC_YEAR)
		return 0x1ffe;
	uint16_t b = (uint16_t)(1u << m);
	if (prec == DAY_PREC_DAY && d <= 12)
		b |= (uint16_t)(1u << d);
	return b;
}

static enum ds_rc load_person(const struct store_person *sp, void *arg)
{
	struct load *l = arg;
	if (sp->exit != DAY_MAX || !sp->cur_area[0])
		return DS_OK;
	int64_t a = area_index(l, sp->cur_area);
	if (a <= 0)
		return a < 0 ? DS_ENOMEM : DS_OK;
	char key[REG_NAME_BYTES];
	if (txt_fold(sp->cur_name, strlen(sp->cur_name), key, sizeof key))
		return DS_OK; /* a stored name is valid: cannot happen */
	if (!ds_grow(&l->p, sizeof *l->p, &l->pcap, l->np + 1, 4096))
		return DS_ENOMEM;
	size_t nl = strlen(sp->cur_name), kl = strlen(key);
	int64_t k = arena_add(l, key, kl), id = arena_add(l, sp->rec.id, strlen(sp->rec.id)),
		nm = arena_add(l, sp->cur_name, nl);
	if (k < 0 || id < 0 || nm < 0)
		return DS_ENOMEM;
	struct parts w;
	split3(key, kl, &w);
	int y, m, d;
	day_to_ymd(sp->rec.birth, &y, &m, &d);
	l->p[l->np++] = (struct dp){
		.c = {.klen = kl,
		      .nlen = nl,
		      .birth = sp->rec.birth,
		      .y = (int16_t)y,
		      .m = (uint8_t)m,
		      .d = (uint8_t)d,
		      .prec = sp->rec.birth_prec,
		      .sex = sp->rec.sex,
		      .nid = hash_id(sp->cur_nid),
		      .ins = hash_id(sp->rec.insurance_no),
		      .eth = eth_code(sp->rec.ethnicity),
		      .edu = sp->rec.education,
		      .marital = sp->rec.marital},
		.rid = sp->rid,
		.key = (uint32_t)k,
		.id = (uint32_t)id,
		.name = (uint32_t)nm,
		.months = months_of(sp->rec.birth_prec, m, d),
		.fl = (uint16_t)w.n[FAM],
		.go = (uint16_t)(w.w[GIV] - key),
		.gl = (uint16_t)w.n[GIV],
		.area = (uint32_t)(a - 1),
	};
	struct dp *p = &l->p[l->np - 1];
	p->exact = mix(name_hash('N', key, p, SIZE_MAX, SIZE_MAX), (uint64_t)(uint16_t)y, K_EXACT);
	return DS_OK;
}

static int cmp_rid(const void *pa, const void *pb)
{
	int64_t a = ((const struct dp *)pa)->rid, b = ((const struct dp *)pb)->rid;
	return a < b ? -1 : a > b;
}

static struct dp *by_rid(struct load *l, int64_t rid)
{
	struct dp k = {.rid = rid};
	return l->np ? bsearch(&k, l->p, l->np, sizeof *l->p, cmp_rid) : NULL;
}

static enum ds_rc load_mother(const struct store_event *ev, void *arg)
{
	struct load *l = arg;
	if (ev->fact.type != EV_BIRTH || ev->voided_by || ev->fact.voided)
		return DS_OK;
	struct dp *c = by_rid(l, ev->fact.other);
	if (c)
		c->c.mother = ev->fact.person;
	return DS_OK;
}

/* Once all are loaded: the strings, how many persons share each one's
 * family and given name (counted by a hash of the two), the mothers' keys. */
static enum ds_rc finish_load(struct load *l)
{
	struct hmap m = {0};
	enum ds_rc rc = hmap_reserve(&m, l->np);
	for (int round = 0; round < 2 && !rc; round++)
		for (size_t i = 0; i < l->np && !rc; i++) {
			struct dp *p = &l->p[i];
			const char *key = l->arena + p->key;
			uint64_t h = name_hash('C', key, p, SIZE_MAX, SIZE_MAX);
			bool had;
			int64_t v;
			if (round == 0 && !(rc = hmap_put(&m, &h, sizeof h, 1, &had, &v)) && had)
				hmap_set(&m, &h, sizeof h, v + 1);
			if (round == 0)
				continue;
			p->c.key = key;
			p->c.name = l->arena + p->name;
			if (hmap_get(&m, &h, sizeof h, &v)) {
				p->c.common = (uint32_t)v;
				p->c.lnc = common_loss(p->c.common);
			}
			if (p->c.mother)
				p->mkey = mix(fnv(fnv(FNV0, "M", 1, SIZE_MAX), key, p->c.klen, SIZE_MAX),
					      (uint64_t)p->c.mother, K_ID);
		}
	hmap_free(&m);
	return rc;
}

/* ---- blocking ---- */

/*
 * The work is cut in tasks that two or more threads share: the persons
 * born in a few years (their exact and deletion keys, which name the year),
 * and the ids (national id, insurance number, mother), a hash range of them
 * a task.  Each task's keys are sorted (by their top bits, then within) and
 * each block's pairs compared.  A pair is compared in one block only where
 * that is cheap to tell: not in a deletion block when the two share their
 * exact key, and in the deletion block of the lowest month both have.
 */
struct entry {
	uint64_t key;
	uint32_t p;
	uint8_t month; /* of a deletion key */
};

struct hit {
	uint32_t a, b;
	double score;
};

/*
 * What the filter before a pair's score reads of a person, copied into one
 * array per block: a block's persons lie scattered over the loaded persons
 * (3 GB at 10M), and a block of m persons has m(m-1)/2 pairs, nearly all
 * namesakes turned away without their names compared.  Reading the copies
 * costs a cache miss a person instead of a pair.
 */
struct slim {
	uint64_t exact, nid;
	double lnc;
	uint32_t p, area, mother; /* mother: its rid's low bits, 0 none */
	uint32_t common;
	int16_t y;
	uint16_t eth, months;
	uint8_t m, d, prec, sex, edu, marital;
};

struct task {
	size_t from, to; /* persons order[from..to) of some years, or */
	int ids;         /* 1 + the hash range of ids, 0 for years */
};

struct work {
	struct load *l;
	const uint32_t *order; /* persons by birth year */
	struct task *task;
	size_t ntask, nids;
	_Atomic size_t next;
	_Atomic int failed;
	double min;
};

/* One thread's buffers, hits and counts. */
struct worker {
	struct work *w;
	struct entry *e, *tmp;
	size_t ne, ecap, tcap;
	size_t *count;
	size_t ccap;
	struct hit *hit;
	size_t nhit, hcap;
	struct slim *slim;
	size_t scap;
	struct dup_stats stats;
	enum ds_rc rc;
};

static enum ds_rc emit(struct worker *k, uint64_t key, uint32_t p, uint8_t month)
{
	if (!ds_grow(&k->e, sizeof *k->e, &k->ecap, k->ne + 1, 1 << 16))
		return DS_ENOMEM;
	k->e[k->ne++] = (struct entry){key, p, month};
	return DS_OK;
}

static enum ds_rc emit_id(struct worker *k, uint64_t key, uint32_t p, size_t part)
{
	return (key >> 40) % k->w->nids == part ? emit(k, key, p, 0) : DS_OK;
}

/* A person's exact key and deletion keys: the family and given names and
 * the same with one letter deleted from either, with the year, the sex and
 * each month. */
static enum ds_rc name_keys(struct worker *k, uint32_t i)
{
	const struct dp *p = &k->w->l->p[i];
	const char *key = k->w->l->arena + p->key;
	const char *giv = key + p->go;
	enum ds_rc rc = emit(k, p->exact, i, 0);
	uint64_t ys = (uint64_t)(uint16_t)p->c.y << 16 | (uint64_t)p->c.sex << 8;
	/* n = fl + gl: nothing deleted, to meet the names one letter longer. */
	for (size_t n = 0; n <= (size_t)p->fl + p->gl && !rc; n++) {
		bool fam = n < p->fl, none = n == (size_t)p->fl + p->gl;
		size_t at = fam ? n : n - p->fl, len = fam ? p->fl : p->gl;
		const char *s = fam ? key : giv;
		/* A doubled letter gives the same key twice: once. */
		if (!none && (len < 2 || (at > 0 && s[at] == s[at - 1])))
			continue;
		uint64_t h = none ? name_hash('D', key, p, SIZE_MAX, SIZE_MAX)
				  : name_hash('D', key, p, fam ? at : SIZE_MAX, fam ? SIZE_MAX : at);
		for (int m = 1; m <= 12 && !rc; m++)
			if (p->months & (1u << m))
				rc = emit(k, mix(h, ys | (uint64_t)m, K_DELETE), i, (uint8_t)m);
	}
	return rc;
}

static enum ds_rc task_keys(struct worker *k, const struct task *t)
{
	struct load *l = k->w->l;
	enum ds_rc rc = DS_OK;
	k->ne = 0;
	if (!t->ids) {
		for (size_t n = t->from; n < t->to && !rc; n++)
			rc = name_keys(k, k->w->order[n]);
		return rc;
	}
	size_t part = (size_t)t->ids - 1;
	for (uint32_t i = 0; i < l->np && !rc; i++) {
		const struct dp *p = &l->p[i];
		if (p->c.nid)
			rc = emit_id(k, mix(p->c.nid, 3, K_ID), i, part);
		if (!rc && p->c.ins)
			rc = emit_id(k, mix(p->c.ins, 5, K_ID), i, part);
		if (!rc && p->mkey)
			rc = emit_id(k, p->mkey, i, part);
	}
	return rc;
}

/* Sorts k->e by key: by its top bits into k->tmp, then each bucket by insertion. */
static enum ds_rc sort_keys(struct worker *k)
{
	size_t n = k->ne;
	unsigned bits = 8;
	while (bits < 22 && ((size_t)1 << bits) < n / 4)
		bits++;
	size_t nb = (size_t)1 << bits;
	if (!ds_grow(&k->tmp, sizeof *k->tmp, &k->tcap, n, 1 << 16) ||
	    !ds_grow(&k->count, sizeof *k->count, &k->ccap, nb + 1, 1 << 10))
		return DS_ENOMEM;
	memset(k->count, 0, (nb + 1) * sizeof *k->count);
	for (size_t i = 0; i < n; i++)
		k->count[(k->e[i].key >> (64 - bits)) + 1]++;
	for (size_t b = 0; b < nb; b++)
		k->count[b + 1] += k->count[b];
	for (size_t i = 0; i < n; i++)
		k->tmp[k->count[k->e[i].key >> (64 - bits)]++] = k->e[i];
	/* count[b] is now the end of bucket b. */
	for (size_t b = 0, from = 0; b < nb; from = k->count[b++])
		for (size_t i = from + 1; i < k->count[b]; i++) {
			struct entry x = k->tmp[i];
			size_t j = i;
			for (; j > from && k->tmp[j - 1].key > x.key; j--)
				k->tmp[j] = k->tmp[j - 1];
			k->tmp[j] = x;
		}
	struct entry *sw = k->e;
	size_t c = k->ecap;
	k->e = k->tmp, k->ecap = k->tcap;
	k->tmp = sw, k->tcap = c;
	return DS_OK;
}

/* Where two areas of the unit lie, one against the other (by their indexes). */
static enum place place_at(const struct load *l, uint32_t a, uint32_t b)
{
	if (a == b)
		return PL_AREA;
	const struct area *x = &l->area[a], *y = &l->area[b];
	if (x->commune >= 0 && x->commune == y->commune)
		return PL_COMMUNE;
	if (x->district >= 0 && x->district == y->district)
		return PL_DISTRICT;
	return PL_ELSE;
}

static int lowest_bit(unsigned v)
{
	int n = 0;
	while (!(v & 1u))
		v >>= 1, n++;
	return n;
}

/*
 * The most a pair could score with its names alike: the score's first
 * round (score()) without what can only lower it (two different ids), so
 * never below it.  A national id shared gives 1.
 */
static double bound(const struct load *l, const struct slim *a, const struct slim *b)
{
	if (a->nid && a->nid == b->nid)
		return 1;
	struct tally t = {
		.name = 1.0,
		.birth = birth_of(a->y, a->m, a->d, a->prec, b->y, b->m, b->d, b->prec, NULL),
		.place = place_weight[place_at(l, a->area, b->area)],
		.facts = (a->eth == b->eth) + (a->edu == b->edu) + (a->marital == b->marital),
		.sex = a->sex == b->sex,
		.mother = a->mother && a->mother == b->mother,
	};
	tally_common(&t, a->common, b->common, a->lnc, b->lnc);
	return tally_sum(&t);
}

static void slim_of(const struct dp *p, uint32_t i, struct slim *s)
{
	*s = (struct slim){.exact = p->exact, .nid = p->c.nid, .lnc = p->c.lnc, .p = i,
			   .area = p->area, .mother = (uint32_t)p->c.mother, .common = p->c.common,
			   .y = p->c.y, .eth = p->c.eth, .months = p->months, .m = p->c.m, .d = p->c.d,
			   .prec = p->c.prec, .sex = p->c.sex, .edu = p->c.edu, .marital = p->c.marital};
}

static enum ds_rc compare_block(struct worker *k, size_t from, size_t to)
{
	struct load *l = k->w->l;
	enum kind kind = (enum kind)(k->e[from].key & 3);
	size_t m = to - from;
	if (!ds_grow(&k->slim, sizeof *k->slim, &k->scap, m, 1024))
		return DS_ENOMEM;
	for (size_t i = 0; i < m; i++)
		slim_of(&l->p[k->e[from + i].p], k->e[from + i].p, &k->slim[i]);
	/* Turned away below the threshold less a margin for the order of the sums. */
	double min = k->w->min - 1e-6;
	for (size_t i = 0; i < m; i++) {
		const struct slim *sa = &k->slim[i];
		uint32_t pi = sa->p;
		for (size_t j = i + 1; j < m; j++) {
			const struct slim *sb = &k->slim[j];
			uint32_t pj = sb->p;
			if (pi == pj)
				continue;
			/* Compared in the exact block, or in another month's. */
			if (kind == K_DELETE && (sa->exact == sb->exact ||
						 lowest_bit(sa->months & sb->months) != k->e[from + i].month))
				continue;
			if (bound(l, sa, sb) < min)
				continue;
			const struct dp *a = &l->p[pi], *b = &l->p[pj];
			double s = score(&a->c, &b->c, place_at(l, a->area, b->area), NULL, k->w->min);
			k->stats.compared++;
			if (s + 1e-9 < k->w->min)
				continue;
			if (!ds_grow(&k->hit, sizeof *k->hit, &k->hcap, k->nhit + 1, 1024))
				return DS_ENOMEM;
			k->hit[k->nhit++] = (struct hit){pi < pj ? pi : pj, pi < pj ? pj : pi, s};
		}
	}
	return DS_OK;
}

static enum ds_rc one_task(struct worker *k, const struct task *t)
{
	enum ds_rc rc = task_keys(k, t);
	if (!rc && k->ne)
		rc = sort_keys(k);
	if (rc)
		return rc;
	k->stats.keys += (long)k->ne;
	for (size_t i = 0, j; i < k->ne && !rc; i = j) {
		for (j = i + 1; j < k->ne && k->e[j].key == k->e[i].key; j++)
			;
		if (j - i > DUP_BLOCK_MAX)
			k->stats.blocks_left_out++;
		else if (j - i > 1)
			rc = compare_block(k, i, j);
	}
	return rc;
}

static void *run_worker(void *arg)
{
	struct worker *k = arg;
	struct work *w = k->w;
	while (!w->failed) {
		size_t t = w->next++;
		if (t >= w->ntask)
			break;
		if ((k->rc = one_task(k, &w->task[t])))
			w->failed = 1;
	}
	return NULL;
}

/* The persons by birth year into *order, and the tasks: years of about
 * cap persons each, then the ids in nids hash ranges. */
static enum ds_rc plan(struct load *l, struct work *w, uint32_t **order)
{
	int lo = INT16_MAX, hi = INT16_MIN;
	for (size_t i = 0; i < l->np; i++) {
		lo = l->p[i].c.y < lo ? l->p[i].c.y : lo;
		hi = l->p[i].c.y > hi ? l->p[i].c.y : hi;
	}
	size_t ny = l->np ? (size_t)(hi - lo + 1) : 0;
	size_t *at = calloc(ny + 1, sizeof *at);
	*order = malloc((l->np ? l->np : 1) * sizeof **order);
	w->nids = 1 + l->np / 2000000;
	w->task = calloc(ny + w->nids, sizeof *w->task);
	if (!at || !*order || !w->task) {
		free(at);
		return DS_ENOMEM;
	}
	for (size_t i = 0; i < l->np; i++)
		at[l->p[i].c.y - lo + 1]++;
	for (size_t y = 0; y < ny; y++)
		at[y + 1] += at[y];
	/* Tasks of about cap persons: enough of them for the threads to share. */
	size_t cap = l->np / 64 < 200000 ? l->np / 64 : 200000, from = 0;
	for (size_t y = 0; y < ny; y++)
		if (at[y + 1] - from > cap || y + 1 == ny) {
			w->task[w->ntask++] = (struct task){.from = from, .to = at[y + 1]};
			from = at[y + 1];
		}
	for (size_t i = 0; i < l->np; i++)
		(*order)[at[l->p[i].c.y - lo]++] = (uint32_t)i;
	free(at);
	for (size_t k = 0; k < w->nids; k++)
		w->task[w->ntask++] = (struct task){.ids = (int)k + 1};
	return DS_OK;
}

static int threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > DUP_THREADS_MAX ? DUP_THREADS_MAX : (int)n;
}

/* All tasks on the threads; their hits into *hit (the caller frees). */
static enum ds_rc block_all(struct load *l, double min, struct dup_stats *stats,
			    struct hit **hit, size_t *nhit)
{
	struct work w = {.l = l, .min = min};
	uint32_t *order = NULL;
	struct worker k[DUP_THREADS_MAX] = {0};
	pthread_t th[DUP_THREADS_MAX];
	int nt = threads(), started = 0;
	enum ds_rc rc = plan(l, &w, &order);
	w.order = order;
	for (int i = 0; i < nt; i++)
		k[i].w = &w;
	for (int i = 1; i < nt && !rc; i++, started++)
		if (pthread_create(&th[i], NULL, run_worker, &k[i]))
			break; /* fewer threads: the others do the work */
	if (!rc)
		run_worker(&k[0]);
	for (int i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	size_t total = 0;
	for (int i = 0; i < nt; i++) {
		rc = rc ? rc : k[i].rc;
		total += k[i].nhit;
		stats->keys += k[i].stats.keys;
		stats->compared += k[i].stats.compared;
		stats->blocks_left_out += k[i].stats.blocks_left_out;
	}
	*hit = NULL;
	*nhit = 0;
	if (!rc && total && !(*hit = malloc(total * sizeof **hit)))
		rc = DS_ENOMEM;
	for (int i = 0; i < nt; i++) {
		if (!rc && k[i].nhit)
			memcpy(*hit + *nhit, k[i].hit, k[i].nhit * sizeof **hit);
		*nhit += rc ? 0 : k[i].nhit;
		free(k[i].e);
		free(k[i].tmp);
		free(k[i].slim);
		free(k[i].count);
		free(k[i].hit);
	}
	free(order);
	free(w.task);
	return rc;
}

/* ---- the answer ---- */

static int cmp_hit_pair(const void *pa, const void *pb)
{
	const struct hit *a = pa, *b = pb;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

static int cmp_hit_answer(const void *pa, const void *pb)
{
	const struct hit *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return cmp_hit_pair(pa, pb);
}

static json_t *answer(struct load *l, struct hit *hit, size_t n)
{
	if (n) /* hit is NULL when nothing scored high enough */
		qsort(hit, n, sizeof *hit, cmp_hit_pair);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (!u || hit[i].a != hit[u - 1].a || hit[i].b != hit[u - 1].b)
			hit[u++] = hit[i];
	if (u)
		qsort(hit, u, sizeof *hit, cmp_hit_answer);
	json_t *pairs = json_array();
	for (size_t i = 0; i < u && json_array_size(pairs) < DUP_PAIRS_MAX; i++) {
		const struct dp *a = &l->p[hit[i].a], *b = &l->p[hit[i].b];
		const char *ia = l->arena + a->id, *ib = l->arena + b->id;
		if (l->rq->decided && l->rq->decided(ia, ib, l->rq->arg))
			continue;
		json_t *reasons = json_array();
		double s = score(&a->c, &b->c, place_at(l, a->area, b->area), reasons, -1);
		json_array_append_new(pairs, json_pack("{s:s, s:s, s:f, s:o}", "a", ia, "b", ib, "score",
						       round(s * 1000) / 1000, "reasons", reasons));
	}
	return json_pack("{s:o}", "pairs", pairs);
}

enum ds_rc dup_find(struct store *st, const struct dup_request *rq, json_t **out,
		    struct dup_stats *stats)
{
	double t0 = progress_now();
	struct dup_stats dummy = {0};
	if (!stats)
		stats = &dummy;
	*stats = (struct dup_stats){0};
	*out = NULL;
	struct load l = {.rq = rq, .today = day_today()};
	struct hit *hit = NULL;
	size_t nhit = 0;
	enum ds_rc rc = store_units_tree(st, &l.units);
	if (rc)
		return rc;
	if (!reg_units_at(&l.units, rq->unit, l.today)) {
		rc = DS_ENOTFOUND;
		goto out;
	}
	if ((rc = store_each_person(st, false, load_person, &l)))
		goto out;
	if (l.np)
		qsort(l.p, l.np, sizeof *l.p, cmp_rid);
	if ((rc = store_each_event(st, 0, false, load_mother, &l)))
		goto out;
	if ((rc = finish_load(&l)))
		goto out;
	stats->persons = (long)l.np;
	stats->load_seconds = progress_now() - t0;
	if (!(rc = block_all(&l, rq->min_score, stats, &hit, &nhit)) &&
	    !(*out = answer(&l, hit, nhit)))
		rc = DS_ENOMEM;
out:
	free(hit);
	free(l.p);
	free(l.area);
	free(l.arena);
	hmap_free(&l.areas);
	hmap_free(&l.above);
	reg_units_free(&l.units);
	stats->seconds = progress_now() - t0;
	return rc;
}
