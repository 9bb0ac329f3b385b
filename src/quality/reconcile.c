/* Reconciliation with the national population database's extract: the comparison (reconcile.h). */
#include "quality/reconcile.h"

#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "base/hmap.h"
#include "base/text.h"
#include "register/units.h"
#include "store/register.h"

/* ---- the comparison ---- */

struct reg {
	int64_t rid;
	char id[REG_ID_MAX + 1], nid[13];
	char name[REG_NAME_BYTES], key[REG_NAME_BYTES];
	uint8_t sex, prec, res, used;
	int32_t birth;
	char commune[REG_UNIT_CODE_MAX + 1];
	int32_t next; /* the next with the same match key, -1 */
};

struct cmpctx {
	const char *unit;
	struct reg_units units;
	int32_t today;
	struct reg *p;
	size_t n, cap;
	struct hmap area_commune; /* area -> commune index + 1, or 0 outside the unit */
	char (*communes)[REG_UNIT_CODE_MAX + 1];
	size_t nc, ccap;
};

/* The commune index + 1 of an area in the unit, 0 outside; -1 out of memory. */
static int64_t area_commune(struct cmpctx *x, const char *area)
{
	int64_t v;
	if (hmap_get(&x->area_commune, area, strlen(area), &v))
		return v;
	v = 0;
	if (reg_units_within(&x->units, area, x->unit, x->today)) {
		char c[REG_UNIT_CODE_MAX + 1];
		snprintf(c, sizeof c, "%s", reg_units_above(&x->units, area, LVL_COMMUNE, x->today));
		if (!ds_grow(&x->communes, sizeof *x->communes, &x->ccap, x->nc + 1, 64))
			return -1;
		memcpy(x->communes[x->nc++], c, sizeof c);
		v = (int64_t)x->nc;
	}
	return hmap_put(&x->area_commune, area, strlen(area), v, NULL, NULL) ? -1 : v;
}

static enum ds_rc load_reg(const struct store_person *sp, void *arg)
{
	struct cmpctx *x = arg;
	if (sp->exit != DAY_MAX || !sp->cur_area[0])
		return DS_OK;
	int64_t ci = area_commune(x, sp->cur_area);
	if (ci <= 0)
		return ci < 0 ? DS_ENOMEM : DS_OK;
	if (!ds_grow(&x->p, sizeof *x->p, &x->cap, x->n + 1, 4096))
		return DS_ENOMEM;
	struct reg *r = &x->p[x->n];
	memset(r, 0, sizeof *r);
	r->rid = sp->rid;
	snprintf(r->id, sizeof r->id, "%s", sp->rec.id);
	snprintf(r->nid, sizeof r->nid, "%s", sp->cur_nid);
	snprintf(r->name, sizeof r->name, "%s", sp->cur_name);
	if (txt_fold(r->name, strlen(r->name), r->key, sizeof r->key))
		return DS_OK; /* a stored name is valid: cannot happen */
	r->sex = sp->rec.sex;
	r->birth = sp->rec.birth;
	r->prec = sp->rec.birth_prec;
	r->res = sp->rec.residence;
	memcpy(r->commune, x->communes[ci - 1], sizeof r->commune);
	r->next = -1;
	x->n++;
	return DS_OK;
}

static size_t match_key(const char *commune, const char *key, int sex, int32_t birth, int prec,
			char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s|%s|%d|%d|%d", commune, key, sex, (int)birth, prec);
	return n < 0 ? 0 : (size_t)n < outsz ? (size_t)n : outsz - 1;
}

/* Register residence as the extract codes it: 1 usual = 1 permanent, 3 temporary = 2; else 0. */
static int res_code(int reg)
{
	return reg == RES_USUAL ? 1 : reg == RES_TEMPORARY ? 2 : 0;
}

struct tally {
	long matched, differences, only_register, only_extract;
};

static json_t *birth_json(int32_t birth, int prec)
{
	char b[11];
	day_format_partial(birth, (enum day_prec)prec, b);
	return json_string(b);
}

/* The fields of a pair that differ, and the extract's values of them. */
static json_t *diff_fields(const struct reg *r, const struct rc_row *e, json_t *vals)
{
	json_t *f = json_array();
	if (!txt_same_caseless(r->name, strlen(r->name), e->name, strlen(e->name))) {
		json_array_append_new(f, json_string("full_name"));
		json_object_set_new(vals, "full_name", json_string(e->name));
	}
	if (r->sex != e->sex) {
		json_array_append_new(f, json_string("sex"));
		json_object_set_new(vals, "sex", json_integer(e->sex));
	}
	if (r->birth != e->birth || r->prec != e->prec) {
		json_array_append_new(f, json_string("birth_date"));
		json_object_set_new(vals, "birth_date", birth_json(e->birth, e->prec));
	}
	if (strcmp(r->commune, e->commune)) {
		json_array_append_new(f, json_string("commune_code"));
		json_object_set_new(vals, "commune_code", json_string(e->commune));
	}
	if (res_code(r->res) != e->res) {
		json_array_append_new(f, json_string("residence"));
		json_object_set_new(vals, "residence", json_integer(e->res));
	}
	if (strcmp(r->nid, e->nid)) {
		json_array_append_new(f, json_string("national_id"));
		json_object_set_new(vals, "national_id", json_string(e->nid));
	}
	return f;
}

static struct tally *commune_tally(json_t *by, struct tally *t, size_t nt, const char *code)
{
	json_t *v = json_object_get(by, code);
	if (v)
		return &t[json_integer_value(v)];
	size_t i = json_object_size(by);
	if (i >= nt)
		return NULL;
	json_object_set_new(by, code, json_integer((json_int_t)i));
	return &t[i];
}

static void add_item(json_t *items, const char *kind, const struct reg *r, const char *nid,
		     json_t *fields, const char *commune, long line, json_t *vals)
{
	const char *pid = r ? r->id : NULL;
	json_t *o = json_pack("{s:s, s:s?, s:s?, s:o, s:s}", "kind", kind, "person_id", pid, "national_id",
			      nid && nid[0] ? nid : NULL, "fields", fields ? fields : json_array(), "commune",
			      commune);
	if (r)
		json_object_set_new(o, "name", json_string(r->name));
	if (line)
		json_object_set_new(o, "line", json_integer(line));
	if (vals)
		json_object_set_new(o, "extract", vals);
	json_array_append_new(items, o);
}

static enum ds_rc index_register(struct cmpctx *x, struct hmap *bynid, struct hmap *bykey)
{
	char k[REG_NAME_BYTES + 64];
	enum ds_rc rc = DS_OK;
	/* Backwards, so that each chain runs in the order the persons were recorded. */
	for (size_t i = x->n; i-- > 0 && !rc;) {
		struct reg *r = &x->p[i];
		if (r->nid[0])
			rc = hmap_put(bynid, r->nid, strlen(r->nid), (int64_t)i, NULL, NULL);
		size_t kl = match_key(r->commune, r->key, r->sex, r->birth, r->prec, k, sizeof k);
		int64_t head;
		if (!rc && hmap_get(bykey, k, kl, &head))
			r->next = (int32_t)head;
		if (!rc)
			rc = hmap_put(bykey, k, kl, (int64_t)i, NULL, NULL) ? DS_ENOMEM : DS_OK;
		if (!rc)
			hmap_set(bykey, k, kl, (int64_t)i);
	}
	return rc;
}

enum ds_rc rc_reconcile(struct store *st, const struct rc_extract *ex, const char *unit, json_t **out)
{
	struct cmpctx x = {.unit = unit, .today = day_today()};
	struct hmap bynid = {0}, bykey = {0};
	int32_t *pair = NULL; /* extract row -> register index, -1 */
	struct tally *tal = NULL;
	*out = NULL;
	enum ds_rc rc = store_units_tree(st, &x.units);
	if (rc)
		return rc;
	if (!reg_units_at(&x.units, unit, x.today)) {
		rc = DS_ENOTFOUND;
		goto done;
	}
	if ((rc = store_each_person(st, false, load_reg, &x)) || (rc = index_register(&x, &bynid, &bykey)))
		goto done;
	if (!(pair = malloc((ex->n + 1) * sizeof *pair))) {
		rc = DS_ENOMEM;
		goto done;
	}
	/* The extract's rows of the unit: by national id, then by name. */
	char k[REG_NAME_BYTES + 64], key[REG_NAME_BYTES];
	for (size_t i = 0; i < ex->n; i++) {
		const struct rc_row *e = &ex->rows[i];
		int64_t j;
		pair[i] = -2; /* not of the unit */
		if (!reg_units_within(&x.units, e->commune, unit, x.today))
			continue;
		pair[i] = -1;
		if (hmap_get(&bynid, e->nid, strlen(e->nid), &j) && !x.p[j].used) {
			x.p[j].used = 1;
			pair[i] = (int32_t)j;
		}
	}
	for (size_t i = 0; i < ex->n; i++) {
		const struct rc_row *e = &ex->rows[i];
		int64_t j;
		if (pair[i] != -1 || txt_fold(e->name, strlen(e->name), key, sizeof key))
			continue;
		size_t kl = match_key(e->commune, key, e->sex, e->birth, e->prec, k, sizeof k);
		for (bool any = hmap_get(&bykey, k, kl, &j); any && j >= 0; j = x.p[j].next)
			if (!x.p[j].used) {
				x.p[j].used = 1;
				pair[i] = (int32_t)j;
				break;
			}
	}
	size_t nt = x.nc + ex->n + 1;
	if (!(tal = calloc(nt, sizeof *tal))) {
		rc = DS_ENOMEM;
		goto done;
	}
	json_t *items = json_array(), *by = json_object();
	struct tally all = {0};
	for (size_t i = 0; i < ex->n; i++) {
		const struct rc_row *e = &ex->rows[i];
		if (pair[i] == -2)
			continue;
		struct tally *t = commune_tally(by, tal, nt, e->commune);
		if (pair[i] < 0) {
			all.only_extract++;
			t->only_extract++;
			add_item(items, "only_extract", NULL, e->nid, NULL, e->commune, e->line,
				 json_pack("{s:s, s:i, s:o, s:i}", "full_name", e->name, "sex", e->sex,
					   "birth_date", birth_json(e->birth, e->prec), "residence", e->res));
			continue;
		}
		const struct reg *r = &x.p[pair[i]];
		json_t *vals = json_object(), *f = diff_fields(r, e, vals);
		if (!json_array_size(f)) {
			all.matched++;
			t->matched++;
			json_decref(f);
			json_decref(vals);
			continue;
		}
		all.differences++;
		t->differences++;
		add_item(items, "difference", r, e->nid, f, r->commune, e->line, vals);
	}
	for (size_t j = 0; j < x.n; j++) {
		const struct reg *r = &x.p[j];
		if (r->used)
			continue;
		struct tally *t = commune_tally(by, tal, nt, r->commune);
		all.only_register++;
		t->only_register++;
		add_item(items, "only_register", r, r->nid, NULL, r->commune, 0, NULL);
	}
	json_t *communes = json_array();
	const char *code;
	json_t *v;
	json_object_foreach(by, code, v)
	{
		const struct tally *t = &tal[json_integer_value(v)];
		json_array_append_new(communes, json_pack("{s:s, s:I, s:I, s:I, s:I}", "code", code, "matched",
							  (json_int_t)t->matched, "differences", (json_int_t)t->differences,
							  "only_register", (json_int_t)t->only_register,
							  "only_extract", (json_int_t)t->only_extract));
	}
	json_decref(by);
	*out = json_pack("{s:s, s:I, s:I, s:I, s:I, s:o, s:o}", "unit", unit, "matched", (json_int_t)all.matched,
			 "differences", (json_int_t)all.differences, "only_register",
			 (json_int_t)all.only_register, "only_extract", (json_int_t)all.only_extract,
			 "communes", communes, "items", items);
	if (!*out)
		rc = DS_ENOMEM;
done:
	free(tal);
	free(pair);
	free(x.p);
	free(x.communes);
	hmap_free(&bynid);
	hmap_free(&bykey);
	hmap_free(&x.area_commune);
	reg_units_free(&x.units);
	return rc;
}
