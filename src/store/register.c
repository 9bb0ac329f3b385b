/*
 * The register contract's calls (register.h): each goes to the backend's
 * register table; store_units and store_person_lite_of are built on them
 * once for every backend.
 */
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "register/units.h"
#include "store/store_int.h"

#define REG(st) ((st)->be->reg)

enum ds_rc store_bulk_begin(struct store *st, enum store_kind kind, bool empty)
{
	return REG(st)->bulk_begin(st, kind, empty);
}

enum ds_rc store_bulk_end(struct store *st, enum store_kind kind, bool empty)
{
	return REG(st)->bulk_end(st, kind, empty);
}

enum ds_rc store_prefetch(struct store *st, const struct store_hint *h)
{
	return REG(st)->prefetch ? REG(st)->prefetch(st, h) : DS_OK;
}

enum ds_rc store_unit_add(struct store *st, const struct reg_unit *u)
{
	return REG(st)->unit_add(st, u);
}

enum ds_rc store_unit_close(struct store *st, const struct reg_unit *u, int32_t valid_to)
{
	return REG(st)->unit_close(st, u, valid_to);
}

enum ds_rc store_household_add(struct store *st, struct store_household *h)
{
	return REG(st)->household_add(st, h);
}

enum ds_rc store_person_add(struct store *st, struct store_person *p)
{
	return REG(st)->person_add(st, p);
}

void store_fold_name(const char *name, char key[REG_NAME_BYTES])
{
	if (txt_fold(name, strlen(name), key, REG_NAME_BYTES))
		key[0] = '\0';
}

void store_new_person_prepare(struct store_new_person *np)
{
	const struct reg_person *r = &np->p.rec;
	store_fold_name(r->full_name, np->key);
	struct store_lengths *l = &np->len;
	l->id = (uint16_t)strlen(r->id);
	l->full_name = (uint16_t)strlen(r->full_name);
	l->ethnicity = (uint16_t)strlen(r->ethnicity);
	l->insurance_no = (uint16_t)strlen(r->insurance_no);
	l->national_id = (uint16_t)strlen(r->national_id);
	l->key = (uint16_t)strlen(np->key);
	l->given = (uint16_t)strlen(txt_last_word(np->key));
}

enum ds_rc store_persons_add(struct store *st, struct store_new_person *v, size_t n, size_t *added)
{
	*added = 0;
	return n ? REG(st)->persons_add(st, v, n, added) : DS_OK;
}

enum ds_rc store_baseline_add(struct store *st, struct store_baseline *b)
{
	return REG(st)->baseline_add(st, b);
}

enum ds_rc store_household_get(struct store *st, const char *id, int64_t rid,
			       struct store_household *out)
{
	return REG(st)->household_get(st, id, rid, out);
}

enum ds_rc store_person_get(struct store *st, const char *id, int64_t rid,
			    struct store_person *out)
{
	return REG(st)->person_get(st, id, rid, out);
}

enum ds_rc store_subject_get(struct store *st, const char *id, struct store_person *out)
{
	if (!REG(st)->subject_get)
		return REG(st)->person_get(st, id, 0, out);
	return REG(st)->subject_get(st, id, out);
}

enum ds_rc store_nid_owner(struct store *st, const char *nid, int64_t *rid)
{
	return REG(st)->nid_owner(st, nid, rid);
}

enum ds_rc store_each_nid(struct store *st, enum ds_rc (*fn)(int64_t rid, const char *nid, void *),
			  void *arg)
{
	return REG(st)->each_nid(st, fn, arg);
}

enum ds_rc store_count(struct store *st, enum store_kind kind, int64_t *n)
{
	return REG(st)->count(st, kind, n);
}

enum ds_rc store_person_current(struct store *st, const struct store_person *p)
{
	return REG(st)->person_current(st, p);
}

enum ds_rc store_event_by_id(struct store *st, const uint8_t id[16], struct store_event *out)
{
	return REG(st)->event_by_id(st, id, out);
}

enum ds_rc store_event_by_seq(struct store *st, int64_t seq, struct store_event *out)
{
	return REG(st)->event_by_seq(st, seq, out);
}

enum ds_rc store_next_seq(struct store *st, int64_t *seq)
{
	return REG(st)->next_seq(st, seq);
}

enum ds_rc store_event_add(struct store *st, struct store_event *ev, const char *body)
{
	return REG(st)->event_add(st, ev, body);
}

enum ds_rc store_event_void(struct store *st, int64_t target_seq, int64_t void_seq)
{
	return REG(st)->event_void(st, target_seq, void_seq);
}

enum ds_rc store_person_facts(struct store *st, int64_t rid, bool state_only,
			      struct reg_fact **facts, size_t *n)
{
	return REG(st)->person_facts(st, rid, state_only, facts, n);
}

int64_t store_last_seq(struct store *st)
{
	return REG(st)->last_seq(st);
}

enum ds_rc store_each_unit(struct store *st, enum ds_rc (*fn)(const struct reg_unit *, void *),
			   void *arg)
{
	return REG(st)->each_unit(st, fn, arg);
}

enum ds_rc store_each_household(struct store *st, bool baseline_only,
				enum ds_rc (*fn)(const struct store_household *, void *), void *arg)
{
	return REG(st)->each_household(st, baseline_only, fn, arg);
}

enum ds_rc store_each_person(struct store *st, bool baseline_only,
			     enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	return REG(st)->each_person(st, baseline_only, fn, arg);
}

enum ds_rc store_each_person_lite(struct store *st,
				  enum ds_rc (*fn)(const struct store_person_lite *, void *), void *arg)
{
	return REG(st)->each_person_lite(st, fn, arg);
}

enum ds_rc store_each_present(struct store *st, enum ds_rc (*fn)(const struct store_person_now *, void *),
			      void *arg)
{
	return REG(st)->each_present(st, fn, arg);
}

enum ds_rc store_each_household_lite(struct store *st,
				     enum ds_rc (*fn)(const struct store_household_lite *, void *),
				     void *arg)
{
	return REG(st)->each_household_lite(st, fn, arg);
}

enum ds_rc store_each_event(struct store *st, int64_t after, bool want_body,
			    enum ds_rc (*fn)(const struct store_event *, void *), void *arg)
{
	return REG(st)->each_event(st, after, want_body, fn, arg);
}

enum ds_rc store_events_about(struct store *st, int64_t person, int64_t hh,
			      enum ds_rc (*fn)(const struct store_event *, void *), void *arg)
{
	return REG(st)->events_about(st, person, hh, fn, arg);
}

enum ds_rc store_baselines(struct store *st, struct store_baseline *out, size_t max, size_t *n)
{
	return REG(st)->baselines(st, out, max, n);
}

enum ds_rc store_find(struct store *st, const char *key, int year, const char *areas,
		      size_t offset, size_t limit,
		      enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	return REG(st)->find(st, key, year, areas, offset, limit, fn, arg);
}

enum ds_rc store_find_given(struct store *st, const char *keys, int year, const char *areas,
			    size_t limit, enum ds_rc (*fn)(const struct store_person *, void *),
			    void *arg)
{
	return REG(st)->find_given(st, keys, year, areas, limit, fn, arg);
}

enum ds_rc store_households_in(struct store *st, const char *areas, const char *number,
			       size_t offset, size_t limit,
			       enum ds_rc (*fn)(const struct store_household *, void *), void *arg)
{
	return REG(st)->households_in(st, areas, number, offset, limit, fn, arg);
}

enum ds_rc store_find_count(struct store *st, const char *key, int year, const char *areas,
			    size_t max, size_t *n)
{
	return REG(st)->find_count(st, key, year, areas, max, n);
}

enum ds_rc store_households_count(struct store *st, const char *areas, const char *number,
				  size_t max, size_t *n)
{
	return REG(st)->households_count(st, areas, number, max, n);
}

enum ds_rc store_members(struct store *st, int64_t hh,
			 enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	return REG(st)->members(st, hh, fn, arg);
}

struct units_acc {
	struct reg_unit *v;
	size_t n, cap;
};

static enum ds_rc add_unit(const struct reg_unit *u, void *arg)
{
	struct units_acc *a = arg;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 256;
		struct reg_unit *v = realloc(a->v, cap * sizeof *v);
		if (!v)
			return DS_ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = *u;
	return DS_OK;
}

enum ds_rc store_units(struct store *st, struct reg_unit **units, size_t *n)
{
	struct units_acc a = {0};
	enum ds_rc rc = store_each_unit(st, add_unit, &a);
	if (rc) {
		free(a.v);
		return rc;
	}
	*units = a.v;
	*n = a.n;
	return DS_OK;
}

enum ds_rc store_units_tree(struct store *st, struct reg_units *out)
{
	struct reg_unit *rows = NULL;
	size_t n = 0;
	enum ds_rc rc = store_units(st, &rows, &n);
	return rc ? rc : reg_units_build(out, rows, n);
}

void store_person_lite_of(const struct store_person *p, struct store_person_lite *l)
{
	*l = (struct store_person_lite){.rid = p->rid,
					.hh = p->hh,
					.entry_seq = p->entry_seq,
					.birth = p->rec.birth,
					.entry = p->entry,
					.sex = p->rec.sex,
					.marital = p->rec.marital,
					.residence = p->rec.residence,
					.fp_method = p->rec.fp_method,
					.relation = p->rec.relation};
}
