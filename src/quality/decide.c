/* Decisions on pairs of persons: "not the same" records, merge events, what a merge carries over (decide.h). */
#include "quality/decide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"

#define PAIR_KEY_MAX (2 * REG_ID_MAX + 2)

static size_t pair_key(const char *a, const char *b, char out[PAIR_KEY_MAX])
{
	bool lt = strcmp(a, b) < 0;
	int n = snprintf(out, PAIR_KEY_MAX, "%s/%s", lt ? a : b, lt ? b : a);
	return n < 0 ? 0 : (size_t)n < PAIR_KEY_MAX ? (size_t)n : PAIR_KEY_MAX - 1;
}

struct load {
	struct dup_decided *d;
	enum ds_rc rc;
};

static bool add_decided(const struct rec_entry *e, void *arg)
{
	struct load *l = arg;
	if (e->cancel || !e->key)
		return true;
	l->rc = hmap_put(&l->d->keys, e->key, strlen(e->key), 1, NULL, NULL);
	return l->rc == DS_OK;
}

enum ds_rc dup_decided_load(struct rec_book *b, struct dup_decided *d)
{
	memset(d, 0, sizeof *d);
	struct load l = {d, DS_OK};
	rec_book_each(b, "pair_decision", add_decided, &l);
	return l.rc;
}

void dup_decided_free(struct dup_decided *d)
{
	hmap_free(&d->keys);
}

bool dup_decided_has(const char *a, const char *b, void *arg)
{
	const struct dup_decided *d = arg;
	char k[PAIR_KEY_MAX];
	int64_t v;
	size_t n = pair_key(a, b, k);
	return hmap_get(&d->keys, k, n, &v);
}

enum ds_rc dup_not_same_record(struct rec *r, const uint8_t *id, const char *a, const char *b,
			       const char *area, const char *note, struct ds_problem *pb)
{
	char ids[REG_UUID_TEXT], date[11];
	uint8_t raw[16];
	if (id)
		memcpy(raw, id, 16);
	else
		rec_new_id(raw);
	reg_uuid_format(raw, ids);
	day_format(day_today(), date);
	json_t *body = json_pack("{s:s, s:s, s:s}", "a", a, "b", b, "decision", "not_same");
	if (body && note && note[0])
		json_object_set_new(body, "note", json_string(note));
	json_t *o = body ? json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", ids, "kind", "pair_decision", "unit",
				     area, "date", date, "body", body)
			 : NULL;
	memset(r, 0, sizeof *r);
	if (!o) {
		ds_problem_set(pb, NULL, 0, NULL, W_TOO_LONG);
		return DS_ENOMEM;
	}
	enum ds_rc rc = rec_parse(o, r, pb);
	json_decref(o);
	return rc;
}

void dup_merge_event(struct reg_event *ev, const uint8_t *id, const char *remains,
		     const char *duplicate)
{
	memset(ev, 0, sizeof *ev);
	if (id)
		memcpy(ev->id, id, 16);
	else
		rec_new_id(ev->id);
	ev->type = EV_MERGE;
	ev->date = day_today();
	snprintf(ev->person, sizeof ev->person, "%s", remains);
	snprintf(ev->duplicate, sizeof ev->duplicate, "%s", duplicate);
	ev->poverty = ev->hh_type = -1;
}

enum ds_rc dup_plan(struct ledger *lg, int64_t rem, int64_t dup, json_t **out)
{
	struct reg_fact *f = NULL;
	bool *fits = NULL;
	size_t n = 0;
	*out = NULL;
	enum ds_rc rc = ledger_merge_plan(lg, rem, dup, &f, &fits, &n);
	if (rc)
		return rc;
	json_t *moved = json_array(), *listed = json_array();
	for (size_t i = 0; i < n; i++) {
		struct store_event e;
		if (f[i].voided || f[i].type == EV_MERGE || store_event_by_seq(lg->st, f[i].seq, &e))
			continue;
		char id[REG_UUID_TEXT], date[11];
		reg_uuid_format(e.id, id);
		day_format(f[i].date, date);
		json_array_append_new(fits[i] ? moved : listed,
				      json_pack("{s:s, s:s, s:s}", "id", id, "type",
						reg_etype_name((enum reg_etype)f[i].type), "date", date));
	}
	free(f);
	free(fits);
	*out = json_pack("{s:o, s:o}", "moved", moved, "listed", listed);
	return *out ? DS_OK : DS_ENOMEM;
}
