/* Duplicate persons: loading, blocking, scoring and the candidate pairs (dup.h). */
#include "quality/dup.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
	uint8_t prec, sex;
	uint64_t nid, ins;
	int64_t mother;
	uint16_t eth;
	uint8_t edu, marital;
	uint32_t common; /* persons with the same family and given names, 0 unknown */
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

/* The family name (first word) and the given name (last word) of a key. */
static void words(const struct cmp *c, const char **fam, size_t *fl, const char **giv, size_t *gl)
{
	struct parts p;
	split3(c->key, c->klen, &p);
	*fam = p.w[FAM];
	*fl = p.n[FAM];
	*giv = p.w[GIV];
	*gl = p.n[GIV];
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

static double birth_part(const struct cmp *a, const struct cmp *b, json_t *r)
{
	int ya, ma, da, yb, mb, db;
	day_to_ymd(a->birth, &ya, &ma, &da);
	day_to_ymd(b->birth, &yb, &mb, &db);
	if (ya != yb)
		return 0;
	int prec = a->prec > b->prec ? a->prec : b->prec;
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

static double place_part(enum place pl, json_t *r)
{
	static const double w[] = {1.0, 0.7, 0.4, 0.2};
	static const char *const code[] = {"same_area", "same_commune", "same_district", NULL};
	if (code[pl])
		reason(r, code[pl]);
	return w[pl];
}

static double score(const struct cmp *a, const struct cmp *b, enum place pl, json_t *r)
{
	bool nid = a->nid && a->nid == b->nid;
	if (nid)
		reason(r, "national_id");
	if (a->ins && a->ins == b->ins)
		reason(r, "insurance");
	/* Two different ids are two persons, unless one was mistyped: a
	 * citizen id is issued once, an insurance number nearly so. */
	double s = 0;
	if (a->nid && b->nid && !nid) {
		reason(r, "national_id_differs");
		s -= DUP_NID_DIFFERS;
	}
	if (a->ins && b->ins && a->ins != b->ins) {
		reason(r, "insurance_differs");
		s -= DUP_INS_DIFFERS;
	}
	s += 0.40 * name_part(a, b, r) + 0.25 * birth_part(a, b, r);
	/* The other facts a copy carries over: ethnicity, education, marital status. */
	int facts = (a->eth == b->eth) + (a->edu == b->edu) + (a->marital == b->marital);
	if (facts == 3)
		reason(r, "facts");
	s += 0.2 * facts / 3.0;
	if (a->sex == b->sex) {
		reason(r, "sex");
		s += 0.05;
	}
	s += 0.1 * place_part(pl, r);
	if (a->mother && a->mother == b->mother) {
		reason(r, "mother");
		s += 0.05;
	}
	/* A name many share says less (value-specific weights, as Fellegi and
	 * Sunter's u-probabilities): 0.02 ln n, n the persons sharing the more
	 * common of the two family-and-given names. */
	uint32_t n = a->common > b->common ? a->common : b->common;
	if (n > 1) {
		s -= 0.02 * log((double)n);
		reason(r, "name_common");
	}
	if (nid || s > 1)
		s = 1;
	return s < 0 ? 0 : s;
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
	*c = (struct cmp){.key = p->key,
			  .klen = strlen(p->key),
			  .name = p->name[0] ? p->name : NULL,
			  .nlen = strlen(p->name),
			  CMP_FACTS(p)};
}

double dup_score(const struct dup_person *a, const struct dup_person *b, json_t *reasons)
{
	struct cmp ca, cb;
	cmp_of(a, &ca);
	cmp_of(b, &cb);
	return score(&ca, &cb,
		     place_of(a->area, a->commune, a->district, b->area, b->commune, b->district),
		     reasons);
}

/* ---- the persons of a unit, compact ---- */

struct area {
	char code[REG_UNIT_CODE_MAX + 1], commune[REG_UNIT_CODE_MAX + 1],
		district[REG_UNIT_CODE_MAX + 1];
};

struct dp {
	int64_t rid, mother;
	uint64_t nid, ins;
	uint32_t key, id, name; /* offsets in the arena */
	uint16_t klen, nlen, eth;
	uint8_t prec, sex, edu, marital;
	uint32_t common; /* persons of the unit with the same family and given name */
	int32_t birth;
	uint32_t area;
};

struct load {
	const struct dup_request *rq;
	struct reg_units units;
	int32_t today;
	struct hmap areas; /* code -> index + 1, or 0: not in the unit */
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

/* The unit of a level above code today, "" when none. */
static void above(const struct reg_units *t, const char *code, enum reg_level lvl, int32_t day,
		  char *out)
{
	snprintf(out, REG_UNIT_CODE_MAX + 1, "%s", reg_units_above(t, code, lvl, day));
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
		above(&l->units, code, LVL_COMMUNE, l->today, a->commune);
		above(&l->units, code, LVL_DISTRICT, l->today, a->district);
		v = (int64_t)l->narea;
	}
	return hmap_put(&l->areas, code, n, v, NULL, NULL) ? -1 : v;
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
	size_t nl = strlen(sp->cur_name);
	int64_t k = arena_add(l, key, strlen(key)), id = arena_add(l, sp->rec.id, strlen(sp->rec.id)),
		nm = arena_add(l, sp->cur_name, nl);
	if (k < 0 || id < 0 || nm < 0)
		return DS_ENOMEM;
	l->p[l->np++] = (struct dp){
		.rid = sp->rid,
		.nid = hash_id(sp->cur_nid),
		.ins = hash_id(sp->rec.insurance_no),
		.key = (uint32_t)k,
		.id = (uint32_t)id,
		.klen = (uint16_t)strlen(key),
		.name = (uint32_t)nm,
		.nlen = (uint16_t)nl,
		.prec = sp->rec.birth_prec,
		.sex = sp->rec.sex,
		.birth = sp->rec.birth,
		.eth = eth_code(sp->rec.ethnicity),
		.edu = sp->rec.education,
		.marital = sp->rec.marital,
		.area = (uint32_t)(a - 1),
	};
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
		c->mother = ev->fact.person;
	return DS_OK;
}

/* How many persons share each one's family and given name. */
static enum ds_rc count_names(struct load *l)
{
	struct hmap m = {0};
	enum ds_rc rc = hmap_reserve(&m, l->np);
	for (int round = 0; round < 2 && !rc; round++)
		for (size_t i = 0; i < l->np && !rc; i++) {
			struct dp *p = &l->p[i];
			struct cmp c = {.key = l->arena + p->key, .klen = p->klen};
			const char *fam, *giv;
			size_t fl, gl;
			words(&c, &fam, &fl, &giv, &gl);
			char k[2 * TXT_JW_MAX + 2];
			int n = snprintf(k, sizeof k, "%.*s|%.*s", (int)(fl < TXT_JW_MAX ? fl : TXT_JW_MAX),
					 fam, (int)(gl < TXT_JW_MAX ? gl : TXT_JW_MAX), giv);
			size_t kl = (size_t)n < sizeof k ? (size_t)n : sizeof k - 1;
			bool had;
			int64_t v;
			if (round == 0 && !(rc = hmap_put(&m, k, kl, 1, &had, &v)) && had)
				hmap_set(&m, k, kl, v + 1);
			if (round == 1 && hmap_get(&m, k, kl, &v))
				p->common = (uint32_t)v;
		}
	hmap_free(&m);
	return rc;
}

/* ---- blocking ---- */

struct entry {
	uint64_t key;
	uint32_t p;
};

struct hit {
	uint32_t a, b;
	double score;
};

struct block {
	struct load *l;
	struct entry *e;
	size_t ne, ecap;
	unsigned pass, passes;
	struct hit *hit;
	size_t nhit, hcap;
	struct dup_stats *stats;
	double min;
};

static enum ds_rc emit(struct block *b, uint64_t h, uint32_t p)
{
	h |= 1;
	if (h % b->passes != b->pass)
		return DS_OK;
	if (!ds_grow(&b->e, sizeof *b->e, &b->ecap, b->ne + 1, 1 << 16))
		return DS_ENOMEM;
	b->e[b->ne++] = (struct entry){h, p};
	return DS_OK;
}

/* hash("N" fam "|" giv "|" year), fam and giv given with one byte left out (skip) or none. */
static uint64_t name_key(const char *fam, size_t fl, size_t fskip, const char *giv, size_t gl,
			 size_t gskip, int year)
{
	char buf[2 * TXT_JW_MAX + 16];
	size_t n = 0;
	buf[n++] = 'N';
	for (size_t i = 0; i < fl && n < TXT_JW_MAX; i++)
		if (i != fskip)
			buf[n++] = fam[i];
	buf[n++] = '|';
	for (size_t i = 0; i < gl && n < 2 * TXT_JW_MAX; i++)
		if (i != gskip)
			buf[n++] = giv[i];
	n += (size_t)snprintf(buf + n, sizeof buf - n, "|%d", year);
	return hmap_hash(buf, n);
}

static enum ds_rc keys_of(struct block *b, uint32_t i)
{
	const struct dp *p = &b->l->p[i];
	struct cmp c = {.key = b->l->arena + p->key, .klen = p->klen};
	const char *fam, *giv;
	size_t fl, gl;
	words(&c, &fam, &fl, &giv, &gl);
	int y, m, d;
	day_to_ymd(p->birth, &y, &m, &d);
	enum ds_rc rc = DS_OK;
	if (p->nid)
		rc = emit(b, p->nid * 3, i);
	if (!rc && p->ins)
		rc = emit(b, p->ins * 5, i);
	if (!rc && p->mother) {
		char buf[REG_NAME_BYTES + 32];
		int n = snprintf(buf, sizeof buf, "M%s|%lld", c.key, (long long)p->mother);
		rc = emit(b, hmap_hash(buf, (size_t)n), i);
	}
	if (!rc)
		rc = emit(b, name_key(fam, fl, SIZE_MAX, giv, gl, SIZE_MAX, y), i);
	/* One letter deleted; a doubled letter gives the same key twice: once. */
	for (size_t k = 0; k < fl && !rc; k++)
		if (fl > 1 && (k == 0 || fam[k] != fam[k - 1]))
			rc = emit(b, name_key(fam, fl, k, giv, gl, SIZE_MAX, y), i);
	for (size_t k = 0; k < gl && !rc; k++)
		if (gl > 1 && (k == 0 || giv[k] != giv[k - 1]))
			rc = emit(b, name_key(fam, fl, SIZE_MAX, giv, gl, k, y), i);
	return rc;
}

static int cmp_entry(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->p < b->p ? -1 : a->p > b->p;
}

static void cmp_of_dp(const struct load *l, const struct dp *p, struct cmp *c)
{
	*c = (struct cmp){.key = l->arena + p->key,
			  .klen = p->klen,
			  .name = l->arena + p->name,
			  .nlen = p->nlen,
			  CMP_FACTS(p),
			  .common = p->common};
}

static enum place place_dp(const struct load *l, const struct dp *a, const struct dp *b)
{
	const struct area *x = &l->area[a->area], *y = &l->area[b->area];
	return place_of(x->code, x->commune, x->district, y->code, y->commune, y->district);
}

static enum ds_rc compare_block(struct block *b, size_t from, size_t to)
{
	struct load *l = b->l;
	for (size_t i = from; i < to; i++)
		for (size_t j = i + 1; j < to; j++) {
			uint32_t pi = b->e[i].p, pj = b->e[j].p;
			if (pi == pj)
				continue;
			struct cmp ci, cj;
			cmp_of_dp(l, &l->p[pi], &ci);
			cmp_of_dp(l, &l->p[pj], &cj);
			double s = score(&ci, &cj, place_dp(l, &l->p[pi], &l->p[pj]), NULL);
			b->stats->compared++;
			if (s + 1e-9 < b->min)
				continue;
			if (!ds_grow(&b->hit, sizeof *b->hit, &b->hcap, b->nhit + 1, 1024))
				return DS_ENOMEM;
			b->hit[b->nhit++] = (struct hit){pi < pj ? pi : pj, pi < pj ? pj : pi, s};
		}
	return DS_OK;
}

static enum ds_rc one_pass(struct block *b)
{
	b->ne = 0;
	enum ds_rc rc = DS_OK;
	for (uint32_t i = 0; i < b->l->np && !rc; i++)
		rc = keys_of(b, i);
	if (rc)
		return rc;
	b->stats->keys += (long)b->ne;
	if (b->ne)
		qsort(b->e, b->ne, sizeof *b->e, cmp_entry);
	for (size_t i = 0, j; i < b->ne && !rc; i = j) {
		for (j = i + 1; j < b->ne && b->e[j].key == b->e[i].key; j++)
			;
		if (j - i > DUP_BLOCK_MAX)
			b->stats->blocks_left_out++;
		else if (j - i > 1)
			rc = compare_block(b, i, j);
	}
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
		struct cmp ca, cb;
		cmp_of_dp(l, a, &ca);
		cmp_of_dp(l, b, &cb);
		double s = score(&ca, &cb, place_dp(l, a, b), reasons);
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
	struct block b = {.l = &l, .stats = stats, .min = rq->min_score};
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
	if ((rc = count_names(&l)))
		goto out;
	stats->persons = (long)l.np;
	/* About ten keys a person; a pass holds at most about 8 million. */
	b.passes = 1 + (unsigned)(l.np / 800000);
	for (b.pass = 0; b.pass < b.passes && !rc; b.pass++)
		rc = one_pass(&b);
	if (!rc && !(*out = answer(&l, b.hit, b.nhit)))
		rc = DS_ENOMEM;
out:
	free(b.e);
	free(b.hit);
	free(l.p);
	free(l.area);
	free(l.arena);
	hmap_free(&l.areas);
	reg_units_free(&l.units);
	stats->seconds = progress_now() - t0;
	return rc;
}
