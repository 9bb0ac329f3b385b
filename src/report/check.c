#include "report/check.h"

#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "store/register.h"

static const char *const cause_names[] = {"open",     "baseline",  "birth",    "move_in",
					  "transfer", "residence", "death",    "move_out"};

static const char *kind_name(const struct eng_item *it)
{
	if (it->flow)
		return reg_etype_name((enum reg_etype)it->kind);
	return it->kind < sizeof cause_names / sizeof cause_names[0] ? cause_names[it->kind] : "?";
}

/* The event behind an item, found among the person's own events. */
static void item_event(struct store *st, const struct eng_item *it, char *id_out, char *event_out)
{
	struct store_person p;
	id_out[0] = event_out[0] = '\0';
	if (store_person_get(st, NULL, it->person, &p))
		return;
	snprintf(id_out, REG_ID_MAX + 1, "%s", p.rec.id);
	int64_t seq = 0;
	int want = it->flow ? it->kind
		   : it->kind == CAUSE_DEATH ? EV_DEATH
		   : it->kind == CAUSE_MOVE_OUT ? EV_MOVE_OUT
		   : it->kind == CAUSE_TRANSFER ? EV_TRANSFER
		   : it->kind == CAUSE_RESIDENCE ? EV_INFO_CHANGE : 0;
	if (!it->flow && (it->kind == CAUSE_BIRTH || it->kind == CAUSE_MOVE_IN))
		seq = p.entry_seq;
	if (want && !seq) {
		struct reg_fact *facts = NULL;
		size_t n = 0;
		if (store_person_facts(st, p.rid, false, &facts, &n) == DS_OK)
			for (size_t i = 0; i < n && !seq; i++)
				if (facts[i].date == it->date && facts[i].type == want && !facts[i].voided)
					seq = facts[i].seq;
		free(facts);
	}
	struct store_event ev;
	if (seq && store_event_by_seq(st, seq, &ev) == DS_OK)
		reg_uuid_format(ev.id, event_out);
}

static json_t *unit_json(struct engine *e, struct store *st, const char *code, const char *name,
			 const struct rpt_period *p, int32_t map, bool *ok, enum ds_rc *rc)
{
	struct eng_balance b;
	*rc = engine_balance(e, code, p->from, p->to, map, &b);
	if (*rc)
		return NULL;
	int64_t diff = b.end - (b.start + b.births - b.deaths + b.in - b.out + b.other_in - b.other_out);
	json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b}", "code",
			      code, "name", name, "start", (json_int_t)b.start, "births",
			      (json_int_t)b.births, "deaths", (json_int_t)b.deaths, "in",
			      (json_int_t)b.in, "out", (json_int_t)b.out, "other_in",
			      (json_int_t)b.other_in, "other_out", (json_int_t)b.other_out, "end",
			      (json_int_t)b.end, "difference", (json_int_t)diff, "ok", diff == 0);
	json_t *items = json_array();
	for (size_t i = 0; i < b.nitems; i++) {
		const struct eng_item *it = &b.items[i];
		char date[11], person[REG_ID_MAX + 1], event[REG_UUID_TEXT];
		day_format(it->date, date);
		item_event(st, it, person, event);
		json_array_append_new(items, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "kind",
						       kind_name(it), "as", it->flow ? "flow" : "stock",
						       "sign", it->sign, "date", date, "person", person,
						       "event", event));
	}
	json_object_set_new(o, "items", items);
	if (diff)
		*ok = false;
	eng_balance_free(&b);
	return o;
}

enum ds_rc rpt_check(struct engine *e, struct store *st, const char *unit,
		     const struct rpt_period *p, int32_t map_date, json_t **out, bool *ok)
{
	const struct reg_unit *u = reg_units_resolve(&e->units, unit, map_date);
	if (!u)
		return DS_ENOTFOUND;
	char **codes = NULL;
	size_t n = 0;
	enum ds_rc rc = DS_OK;
	if (u->level < LVL_COMMUNE && (rc = engine_units_under(e, unit, LVL_COMMUNE, map_date, &codes, &n)))
		return rc;
	char from[11], to[11], map[11];
	day_format(p->from, from);
	day_format(p->to, to);
	day_format(map_date, map);
	json_t *units = json_array();
	*ok = true;
	json_t *top = unit_json(e, st, unit, u->name, p, map_date, ok, &rc);
	if (top)
		json_array_append_new(units, top);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct reg_unit *c = reg_units_resolve(&e->units, codes[i], map_date);
		json_t *j = unit_json(e, st, codes[i], c ? c->name : codes[i], p, map_date, ok, &rc);
		if (j)
			json_array_append_new(units, j);
	}
	for (size_t i = 0; i < n; i++)
		free(codes[i]);
	free(codes);
	if (rc) {
		json_decref(units);
		return rc;
	}
	*out = json_pack("{s:s, s:{s:s, s:s, s:s}, s:s, s:b, s:o}", "unit", unit, "period", "code",
			 p->code, "from", from, "to", to, "map_date", map, "ok", *ok, "units", units);
	return DS_OK;
}
