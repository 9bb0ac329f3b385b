/* Reconciliation with the national population database's extract: the comparison (reconcile.h). */
#include "quality/reconcile.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/day.h"
#include "base/grow.h"
#include "base/hmap.h"
#include "base/text.h"
#include "register/units.h"
#include "store/register.h"

/* ---- the register's side ---- */

/* A person present in the unit today; its texts in the run's arena. */
struct reg {
	size_t id, name, key; /* offsets in the arena: the id, the name, the folded name */
	uint64_t hash;        /* of the match key (commune, folded name, sex, birth) */
	int32_t birth;
	int32_t next;    /* the next with the same match key, -1 */
	uint32_t commune; /* index in the run's communes */
	char nid[13];
	uint8_t sex, prec, res, used;
};

/* A commune: its code, and its counts once the comparison has reached it. */
struct commune {
	char code[REG_UNIT_CODE_MAX + 1];
	int32_t tally; /* index in the run's tallies, -1 before */
};

struct tally {
	struct rc_tally t;
	uint32_t commune;
};

/* A join: open addressing over register indexes. */
struct index {
	int32_t *slot; /* register index + 1, 0 empty */
	size_t mask;
};

struct rc_run {
	const char *unit;
	const struct rc_extract *ex;
	struct reg_units units;
	int32_t today;
	struct reg *p;
	size_t n, cap;
	char *arena;
	size_t alen, acap;
	struct commune *communes; /* every commune code met */
	size_t nc, ccap;
	struct hmap commune_ix;   /* a commune code -> its index in communes + 1 */
	struct hmap area_commune; /* an area -> its commune's index + 1, or 0 outside the unit */
	struct hmap code_in;      /* an extract's commune code -> its index + 1, or 0 outside the unit */
	struct index bynid, bykey; /* until the extract is matched */
	int32_t *pair;   /* extract row -> register index, -1 none, -2 not of the unit */
	uint8_t *fields; /* extract row -> RC_F_* of its pair */
	int32_t *rowc;   /* extract row of the unit -> its commune's index */
	struct rc_tally all;
	struct tally *tal; /* by commune, in the order the answer first reaches each */
	size_t nt, tcap;
};

static size_t arena_put(struct rc_run *x, const char *s, bool *ok)
{
	size_t n = strlen(s) + 1, at = x->alen;
	if (!ds_grow(&x->arena, 1, &x->acap, x->alen + n, 1 << 22)) {
		*ok = false;
		return 0;
	}
	memcpy(x->arena + at, s, n);
	x->alen += n;
	return at;
}

/* The index + 1 of a commune code, made when first met; -1 out of memory. */
static int64_t commune_ix(struct rc_run *x, const char *code)
{
	int64_t v;
	size_t n = strlen(code);
	if (hmap_get(&x->commune_ix, code, n, &v))
		return v;
	if (x->nc >= INT32_MAX || !ds_grow(&x->communes, sizeof *x->communes, &x->ccap, x->nc + 1, 64))
		return -1;
	struct commune *c = &x->communes[x->nc++];
	snprintf(c->code, sizeof c->code, "%s", code);
	c->tally = -1;
	v = (int64_t)x->nc;
	return hmap_put(&x->commune_ix, code, n, v, NULL, NULL) ? -1 : v;
}

/* The commune index + 1 of an area in the unit, 0 outside; -1 out of memory. */
static int64_t area_commune(struct rc_run *x, const char *area)
{
	int64_t v;
	if (hmap_get(&x->area_commune, area, strlen(area), &v))
		return v;
	v = 0;
	if (reg_units_within(&x->units, area, x->unit, x->today) &&
	    (v = commune_ix(x, reg_units_above(&x->units, area, LVL_COMMUNE, x->today))) < 0)
		return -1;
	return hmap_put(&x->area_commune, area, strlen(area), v, NULL, NULL) ? -1 : v;
}

/* The commune index + 1 of an extract row's commune code when it lies in the unit, 0 outside; -1 out of memory. */
static int64_t code_in(struct rc_run *x, const char *code)
{
	int64_t v;
	size_t n = strlen(code);
	if (hmap_get(&x->code_in, code, n, &v))
		return v;
	v = 0;
	if (reg_units_within(&x->units, code, x->unit, x->today) && (v = commune_ix(x, code)) < 0)
		return -1;
	return hmap_put(&x->code_in, code, n, v, NULL, NULL) ? -1 : v;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
	return h * 0xFF51AFD7ED558CCDull;
}

/* The match key's hash: commune code, folded name, sex, birth and its precision. */
static uint64_t key_hash(const char *commune, const char *key, int sex, int32_t birth, int prec)
{
	uint64_t h = hmap_hash(key, strlen(key));
	h = mix(h, hmap_hash(commune, strlen(commune)));
	return mix(h, ((uint64_t)(uint32_t)birth << 16) | ((uint64_t)sex << 8) | (uint64_t)prec);
}

static enum ds_rc load_reg(const struct store_person_now *sp, void *arg)
{
	struct rc_run *x = arg;
	if (!sp->area[0])
		return DS_OK;
	int64_t ci = area_commune(x, sp->area);
	if (ci <= 0)
		return ci < 0 ? DS_ENOMEM : DS_OK;
	char key[REG_NAME_BYTES];
	if (txt_fold(sp->name, strlen(sp->name), key, sizeof key))
		return DS_OK; /* a stored name is valid: cannot happen */
	if (x->n >= INT32_MAX || !ds_grow(&x->p, sizeof *x->p, &x->cap, x->n + 1, 1 << 16))
		return DS_ENOMEM;
	struct reg *r = &x->p[x->n];
	bool ok = true;
	r->id = arena_put(x, sp->id, &ok);
	r->name = arena_put(x, sp->name, &ok);
	r->key = arena_put(x, key, &ok);
	if (!ok)
		return DS_ENOMEM;
	snprintf(r->nid, sizeof r->nid, "%s", sp->nid);
	r->sex = sp->sex;
	r->birth = sp->birth;
	r->prec = sp->birth_prec;
	r->res = sp->residence;
	r->commune = (uint32_t)(ci - 1);
	r->hash = key_hash(x->communes[ci - 1].code, key, r->sex, r->birth, r->prec);
	r->next = -1;
	x->n++;
	return DS_OK;
}

/* ---- the joins: open addressing over register indexes ---- */

static enum ds_rc index_init(struct index *t, size_t n)
{
	size_t cap = 64;
	while (cap < 2 * n)
		cap <<= 1;
	t->mask = cap - 1;
	return (t->slot = calloc(cap, sizeof *t->slot)) ? DS_OK : DS_ENOMEM;
}

static uint64_t nid_hash(const char *nid)
{
	return hmap_hash(nid, strlen(nid));
}

/*
 * By national id: the last recorded holder of an id (as the map it
 * replaces answered).  By match key: the chain of persons with the key,
 * in the order they were recorded.
 */
static enum ds_rc index_register(struct rc_run *x, struct index *bynid, struct index *bykey)
{
	if (index_init(bynid, x->n) || index_init(bykey, x->n))
		return DS_ENOMEM;
	for (size_t i = x->n; i-- > 0;) {
		struct reg *r = &x->p[i];
		if (r->nid[0]) {
			size_t s = nid_hash(r->nid) & bynid->mask;
			for (; bynid->slot[s]; s = (s + 1) & bynid->mask)
				if (strcmp(x->p[bynid->slot[s] - 1].nid, r->nid) == 0)
					break;
			if (!bynid->slot[s])
				bynid->slot[s] = (int32_t)i + 1;
		}
		size_t s = r->hash & bykey->mask;
		for (; bykey->slot[s]; s = (s + 1) & bykey->mask) {
			const struct reg *h = &x->p[bykey->slot[s] - 1];
			if (h->hash == r->hash && h->commune == r->commune && h->sex == r->sex &&
			    h->birth == r->birth && h->prec == r->prec && strcmp(x->arena + h->key, x->arena + r->key) == 0)
				break;
		}
		if (bykey->slot[s])
			r->next = bykey->slot[s] - 1;
		bykey->slot[s] = (int32_t)i + 1;
	}
	return DS_OK;
}

static int32_t find_nid(const struct rc_run *x, const struct index *t, const char *nid)
{
	for (size_t s = nid_hash(nid) & t->mask; t->slot[s]; s = (s + 1) & t->mask)
		if (strcmp(x->p[t->slot[s] - 1].nid, nid) == 0)
			return t->slot[s] - 1;
	return -1;
}

/* The first of the chain of the key, -1. */
static int32_t find_key(const struct rc_run *x, const struct index *t, uint64_t hash, const char *commune,
			const char *key, int sex, int32_t birth, int prec)
{
	for (size_t s = hash & t->mask; t->slot[s]; s = (s + 1) & t->mask) {
		const struct reg *h = &x->p[t->slot[s] - 1];
		if (h->hash == hash && h->sex == sex && h->birth == birth && h->prec == prec &&
		    strcmp(x->communes[h->commune].code, commune) == 0 && strcmp(x->arena + h->key, key) == 0)
			return t->slot[s] - 1;
	}
	return -1;
}

/* ---- the comparison ---- */

/* Register residence as the extract codes it: 1 usual = 1 permanent, 3 temporary = 2; else 0. */
static int res_code(int reg)
{
	return reg == RES_USUAL ? 1 : reg == RES_TEMPORARY ? 2 : 0;
}

/* The fields of a pair that differ. */
static unsigned diff_fields(const struct rc_run *x, const struct reg *r, const struct rc_row *e)
{
	unsigned f = 0;
	const char *rn = x->arena + r->name, *en = rc_row_name(x->ex, e);
	if (strcmp(rn, en) && !txt_same_caseless(rn, strlen(rn), en, strlen(en)))
		f |= RC_F_NAME;
	if (r->sex != e->sex)
		f |= RC_F_SEX;
	if (r->birth != e->birth || r->prec != e->prec)
		f |= RC_F_BIRTH;
	if (strcmp(x->communes[r->commune].code, e->commune))
		f |= RC_F_COMMUNE;
	if (res_code(r->res) != e->res)
		f |= RC_F_RESIDENCE;
	if (strcmp(r->nid, e->nid))
		f |= RC_F_NID;
	return f;
}

/* The tally of a commune, made when the answer first reaches it. */
static struct rc_tally *tally(struct rc_run *x, uint32_t c)
{
	struct commune *k = &x->communes[c];
	if (k->tally < 0) {
		if (!ds_grow(&x->tal, sizeof *x->tal, &x->tcap, x->nt + 1, 64))
			return NULL;
		x->tal[x->nt].commune = c;
		k->tally = (int32_t)x->nt++;
	}
	return &x->tal[k->tally].t;
}

void rc_run_free(struct rc_run *x)
{
	if (!x)
		return;
	free(x->p);
	free(x->arena);
	free(x->communes);
	free(x->pair);
	free(x->fields);
	free(x->rowc);
	free(x->tal);
	free(x->bynid.slot);
	free(x->bykey.slot);
	hmap_free(&x->commune_ix);
	hmap_free(&x->area_commune);
	hmap_free(&x->code_in);
	reg_units_free(&x->units);
	free(x);
}

const struct rc_tally *rc_run_total(const struct rc_run *x)
{
	return &x->all;
}

enum ds_rc rc_open(struct store *st, const char *unit, struct rc_run **out)
{
	*out = NULL;
	struct rc_run *x = calloc(1, sizeof *x);
	if (!x)
		return DS_ENOMEM;
	x->unit = unit;
	x->today = day_today();
	enum ds_rc rc = store_units_tree(st, &x->units);
	if (!rc && !reg_units_at(&x->units, unit, x->today))
		rc = DS_ENOTFOUND;
	if (!rc && !(rc = store_each_present(st, load_reg, x)))
		rc = index_register(x, &x->bynid, &x->bykey);
	if (rc)
		rc_run_free(x);
	else
		*out = x;
	return rc;
}

enum ds_rc rc_match(struct rc_run *x, const struct rc_extract *ex)
{
	struct index bynid = x->bynid, bykey = x->bykey;
	enum ds_rc rc = DS_OK;
	if (x->ex || !bynid.slot)
		return DS_EINPUT; /* one extract a run */
	x->ex = ex;
	if (!(x->pair = malloc((ex->n + 1) * sizeof *x->pair)) || !(x->fields = calloc(ex->n + 1, 1)) ||
	    !(x->rowc = malloc((ex->n + 1) * sizeof *x->rowc)))
		return DS_ENOMEM;
	/* The extract's rows of the unit: by national id, then by name. */
	for (size_t i = 0; i < ex->n; i++) {
		const struct rc_row *e = &ex->rows[i];
		x->pair[i] = -2; /* not of the unit */
		int64_t c = code_in(x, e->commune);
		if (c < 0) {
			rc = DS_ENOMEM;
			goto done;
		}
		if (!c)
			continue;
		x->rowc[i] = (int32_t)(c - 1);
		x->pair[i] = -1;
		int32_t j = find_nid(x, &bynid, e->nid);
		if (j >= 0 && !x->p[j].used) {
			x->p[j].used = 1;
			x->pair[i] = j;
		}
	}
	char key[REG_NAME_BYTES];
	for (size_t i = 0; i < ex->n; i++) {
		const struct rc_row *e = &ex->rows[i];
		const char *en = rc_row_name(ex, e);
		if (x->pair[i] != -1 || txt_fold(en, strlen(en), key, sizeof key))
			continue;
		uint64_t h = key_hash(e->commune, key, e->sex, e->birth, e->prec);
		for (int32_t j = find_key(x, &bykey, h, e->commune, key, e->sex, e->birth, e->prec); j >= 0;
		     j = x->p[j].next)
			if (!x->p[j].used) {
				x->p[j].used = 1;
				x->pair[i] = j;
				break;
			}
	}
	/* The counts, by commune in the order the answer first reaches each. */
	for (size_t i = 0; i < ex->n; i++) {
		if (x->pair[i] == -2)
			continue;
		struct rc_tally *t = tally(x, (uint32_t)x->rowc[i]);
		if (!t) {
			rc = DS_ENOMEM;
			goto done;
		}
		if (x->pair[i] < 0) {
			x->all.only_extract++;
			t->only_extract++;
			continue;
		}
		unsigned f = diff_fields(x, &x->p[x->pair[i]], &ex->rows[i]);
		x->fields[i] = (uint8_t)f;
		if (f) {
			x->all.differences++;
			t->differences++;
		} else {
			x->all.matched++;
			t->matched++;
		}
	}
	for (size_t j = 0; j < x->n; j++) {
		if (x->p[j].used)
			continue;
		struct rc_tally *t = tally(x, x->p[j].commune);
		if (!t) {
			rc = DS_ENOMEM;
			goto done;
		}
		x->all.only_register++;
		t->only_register++;
	}
done:
	/* The joins are done with. */
	free(x->bynid.slot);
	free(x->bykey.slot);
	x->bynid.slot = x->bykey.slot = NULL;
	return rc;
}

enum ds_rc rc_compare(struct store *st, const struct rc_extract *ex, const char *unit, struct rc_run **out)
{
	enum ds_rc rc = rc_open(st, unit, out);
	if (!rc && (rc = rc_match(*out, ex))) {
		rc_run_free(*out);
		*out = NULL;
	}
	return rc;
}

enum ds_rc rc_run_each(const struct rc_run *x, enum ds_rc (*fn)(const struct rc_item *, void *), void *arg)
{
	enum ds_rc rc = DS_OK;
	for (size_t i = 0; i < x->ex->n && !rc; i++) {
		const struct rc_row *e = &x->ex->rows[i];
		if (x->pair[i] == -2 || (x->pair[i] >= 0 && !x->fields[i]))
			continue;
		struct rc_item it = {.national_id = e->nid[0] ? e->nid : NULL,
				     .line = e->line,
				     .row = e,
				     .row_name = rc_row_name(x->ex, e)};
		if (x->pair[i] < 0) {
			it.kind = "only_extract";
			it.commune = e->commune;
		} else {
			const struct reg *r = &x->p[x->pair[i]];
			it.kind = "difference";
			it.person_id = x->arena + r->id;
			it.name = x->arena + r->name;
			it.fields = x->fields[i];
			it.commune = x->communes[r->commune].code;
		}
		rc = fn(&it, arg);
	}
	for (size_t j = 0; j < x->n && !rc; j++) {
		const struct reg *r = &x->p[j];
		if (r->used)
			continue;
		struct rc_item it = {.kind = "only_register",
				     .person_id = x->arena + r->id,
				     .name = x->arena + r->name,
				     .national_id = r->nid[0] ? r->nid : NULL,
				     .commune = x->communes[r->commune].code};
		rc = fn(&it, arg);
	}
	return rc;
}

/* ---- the answer ---- */

static const struct {
	unsigned bit;
	const char *name;
} field_names[] = {{RC_F_NAME, "full_name"},    {RC_F_SEX, "sex"},
		   {RC_F_BIRTH, "birth_date"},  {RC_F_COMMUNE, "commune_code"},
		   {RC_F_RESIDENCE, "residence"}, {RC_F_NID, "national_id"}};
#define NFIELDS (sizeof field_names / sizeof field_names[0])

static json_t *birth_json(int32_t birth, int prec)
{
	char b[11];
	day_format_partial(birth, (enum day_prec)prec, b);
	return json_string(b);
}

/* The extract's value of one field of a row. */
static json_t *field_json(const struct rc_item *it, unsigned bit)
{
	const struct rc_row *e = it->row;
	switch (bit) {
	case RC_F_NAME: return json_string(it->row_name);
	case RC_F_SEX: return json_integer(e->sex);
	case RC_F_BIRTH: return birth_json(e->birth, e->prec);
	case RC_F_COMMUNE: return json_string(e->commune);
	case RC_F_RESIDENCE: return json_integer(e->res);
	default: return json_string(e->nid);
	}
}

/* What an only_extract item gives of the row. */
#define ROW_FIELDS (RC_F_NAME | RC_F_SEX | RC_F_BIRTH | RC_F_RESIDENCE)

static enum ds_rc item_json(const struct rc_item *it, void *arg)
{
	json_t *f = json_array(), *vals = it->row ? json_object() : NULL;
	unsigned want = it->person_id ? it->fields : it->row ? ROW_FIELDS : 0;
	for (size_t k = 0; k < NFIELDS; k++) {
		if (it->fields & field_names[k].bit)
			json_array_append_new(f, json_string(field_names[k].name));
		if (want & field_names[k].bit)
			json_object_set_new(vals, field_names[k].name, field_json(it, field_names[k].bit));
	}
	json_t *o = json_pack("{s:s, s:s?, s:s?, s:o, s:s}", "kind", it->kind, "person_id", it->person_id,
			      "national_id", it->national_id, "fields", f, "commune", it->commune);
	if (!o) {
		json_decref(vals);
		return DS_ENOMEM;
	}
	if (it->name)
		json_object_set_new(o, "name", json_string(it->name));
	if (it->line)
		json_object_set_new(o, "line", json_integer(it->line));
	if (vals)
		json_object_set_new(o, "extract", vals);
	return json_array_append_new(arg, o) ? DS_ENOMEM : DS_OK;
}

static json_t *tally_json(const char *code, const struct rc_tally *t)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:I}", "code", code, "matched", (json_int_t)t->matched,
			 "differences", (json_int_t)t->differences, "only_register", (json_int_t)t->only_register,
			 "only_extract", (json_int_t)t->only_extract);
}

json_t *rc_run_json(const struct rc_run *x)
{
	json_t *communes = json_array(), *items = json_array();
	for (size_t t = 0; t < x->nt; t++)
		json_array_append_new(communes, tally_json(x->communes[x->tal[t].commune].code, &x->tal[t].t));
	if (rc_run_each(x, item_json, items)) {
		json_decref(communes);
		json_decref(items);
		return NULL;
	}
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:o, s:o}", "unit", x->unit, "matched",
			 (json_int_t)x->all.matched, "differences", (json_int_t)x->all.differences,
			 "only_register", (json_int_t)x->all.only_register, "only_extract",
			 (json_int_t)x->all.only_extract, "communes", communes, "items", items);
}

enum ds_rc rc_reconcile(struct store *st, const struct rc_extract *ex, const char *unit, json_t **out)
{
	struct rc_run *x;
	*out = NULL;
	enum ds_rc rc = rc_compare(st, ex, unit, &x);
	if (rc)
		return rc;
	if (!(*out = rc_run_json(x)))
		rc = DS_ENOMEM;
	rc_run_free(x);
	return rc;
}

/* ---- the answer streamed, as jansson would print the tree ---- */

struct out {
	FILE *f;
	struct buf b;
	bool first; /* no item written yet */
	enum ds_rc rc;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (buf_append(&o->b, s, n) && !o->rc)
		o->rc = DS_ENOMEM;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_long(struct out *o, long v)
{
	char d[24];
	int n = snprintf(d, sizeof d, "%ld", v);
	put(o, d, (size_t)n);
}

/* What has been put, out to the file when over bytes are waiting. */
static void flush(struct out *o, size_t over)
{
	if (o->b.len < over)
		return;
	if (!o->rc && o->b.len && fwrite(o->b.data, 1, o->b.len, o->f) != o->b.len)
		o->rc = DS_EIO;
	buf_reset(&o->b);
}

/* A JSON string as jansson writes it without flags: '"', '\\' and control characters escaped. */
static void put_str(struct out *o, const char *s)
{
	put(o, "\"", 1);
	const char *run = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(o, run, (size_t)(s - run));
		run = s + 1;
		char e[8];
		switch (c) {
		case '"': puts_(o, "\\\""); break;
		case '\\': puts_(o, "\\\\"); break;
		case '\b': puts_(o, "\\b"); break;
		case '\f': puts_(o, "\\f"); break;
		case '\n': puts_(o, "\\n"); break;
		case '\r': puts_(o, "\\r"); break;
		case '\t': puts_(o, "\\t"); break;
		default:
			snprintf(e, sizeof e, "\\u%04X", c);
			puts_(o, e);
			break;
		}
	}
	put(o, run, (size_t)(s - run));
	put(o, "\"", 1);
}

/* `"key": ` on a new line at an indent, after a comma unless first. */
static void put_key(struct out *o, int indent, bool first, const char *key)
{
	static const char sp[] = "        ";
	puts_(o, first ? "\n" : ",\n");
	put(o, sp, (size_t)indent);
	put_str(o, key);
	puts_(o, ": ");
}

static void put_num(struct out *o, int indent, const char *key, long v)
{
	put_key(o, indent, false, key);
	put_long(o, v);
}

static void put_field(struct out *o, const struct rc_item *it, unsigned bit)
{
	const struct rc_row *e = it->row;
	char d[11];
	switch (bit) {
	case RC_F_NAME: put_str(o, it->row_name); break;
	case RC_F_SEX: put_long(o, e->sex); break;
	case RC_F_BIRTH:
		day_format_partial(e->birth, (enum day_prec)e->prec, d);
		put_str(o, d);
		break;
	case RC_F_COMMUNE: put_str(o, e->commune); break;
	case RC_F_RESIDENCE: put_long(o, e->res); break;
	default: put_str(o, e->nid); break;
	}
}

static enum ds_rc item_write(const struct rc_item *it, void *arg)
{
	struct out *o = arg;
	puts_(o, o->first ? "\n  {" : ",\n  {");
	o->first = false;
	put_key(o, 3, true, "kind");
	put_str(o, it->kind);
	put_key(o, 3, false, "person_id");
	if (it->person_id)
		put_str(o, it->person_id);
	else
		puts_(o, "null");
	put_key(o, 3, false, "national_id");
	if (it->national_id)
		put_str(o, it->national_id);
	else
		puts_(o, "null");
	put_key(o, 3, false, "fields");
	bool any = false;
	for (size_t k = 0; k < NFIELDS; k++) {
		if (!(it->fields & field_names[k].bit))
			continue;
		puts_(o, any ? ",\n    " : "[\n    ");
		put_str(o, field_names[k].name);
		any = true;
	}
	puts_(o, any ? "\n   ]" : "[]");
	put_key(o, 3, false, "commune");
	put_str(o, it->commune);
	if (it->name) {
		put_key(o, 3, false, "name");
		put_str(o, it->name);
	}
	if (it->line)
		put_num(o, 3, "line", it->line);
	if (it->row) {
		unsigned want = it->person_id ? it->fields : ROW_FIELDS;
		put_key(o, 3, false, "extract");
		any = false;
		for (size_t k = 0; k < NFIELDS; k++) {
			if (!(want & field_names[k].bit))
				continue;
			if (!any)
				puts_(o, "{");
			put_key(o, 4, !any, field_names[k].name);
			put_field(o, it, field_names[k].bit);
			any = true;
		}
		puts_(o, any ? "\n   }" : "{}");
	}
	puts_(o, "\n  }");
	flush(o, 1 << 16);
	return o->rc;
}

/* The end of a write: what is left out to the file, and flushed. */
static enum ds_rc finish(struct out *o, enum ds_rc rc)
{
	flush(o, 0);
	buf_free(&o->b);
	if (!o->rc && fflush(o->f))
		o->rc = DS_EIO;
	return rc ? rc : o->rc;
}

enum ds_rc rc_run_write(const struct rc_run *x, const char *sha256, FILE *f)
{
	struct out o = {.f = f, .first = true};
	puts_(&o, "{");
	put_key(&o, 1, true, "unit");
	put_str(&o, x->unit);
	put_num(&o, 1, "matched", x->all.matched);
	put_num(&o, 1, "differences", x->all.differences);
	put_num(&o, 1, "only_register", x->all.only_register);
	put_num(&o, 1, "only_extract", x->all.only_extract);
	put_key(&o, 1, false, "communes");
	puts_(&o, "[");
	for (size_t t = 0; t < x->nt; t++) {
		const struct rc_tally *k = &x->tal[t].t;
		puts_(&o, t ? ",\n  {" : "\n  {");
		put_key(&o, 3, true, "code");
		put_str(&o, x->communes[x->tal[t].commune].code);
		put_num(&o, 3, "matched", k->matched);
		put_num(&o, 3, "differences", k->differences);
		put_num(&o, 3, "only_register", k->only_register);
		put_num(&o, 3, "only_extract", k->only_extract);
		puts_(&o, "\n  }");
	}
	puts_(&o, x->nt ? "\n ]" : "]");
	put_key(&o, 1, false, "items");
	puts_(&o, "[");
	enum ds_rc rc = rc_run_each(x, item_write, &o);
	puts_(&o, o.first ? "]" : "\n ]");
	if (sha256) {
		put_key(&o, 1, false, "extract_sha256");
		put_str(&o, sha256);
	}
	puts_(&o, "\n}\n");
	return finish(&o, rc);
}

static enum ds_rc item_csv(const struct rc_item *it, void *arg)
{
	struct out *o = arg;
	puts_(o, it->kind);
	puts_(o, ",");
	puts_(o, it->person_id ? it->person_id : "");
	puts_(o, ",");
	puts_(o, it->national_id ? it->national_id : "");
	puts_(o, ",");
	puts_(o, it->commune);
	puts_(o, ",");
	bool any = false;
	for (size_t k = 0; k < NFIELDS; k++) {
		if (!(it->fields & field_names[k].bit))
			continue;
		if (any)
			puts_(o, " ");
		puts_(o, field_names[k].name);
		any = true;
	}
	puts_(o, "\n");
	flush(o, 1 << 16);
	return o->rc;
}

enum ds_rc rc_run_write_csv(const struct rc_run *x, FILE *f)
{
	struct out o = {.f = f};
	puts_(&o, "kind,person_id,national_id,commune,fields\n");
	return finish(&o, rc_run_each(x, item_csv, &o));
}
