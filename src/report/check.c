/* The balancing check for a unit and its communes, as JSON, with the person and event behind each item. */
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

/* One unit's balance as JSON, with the person and event behind each item
 * (read from the store, after the engine's view has ended). */
static json_t *unit_json(struct store *st, const char *code, const char *name,
			 const struct eng_balance *b, bool *ok)
{
	int64_t diff = b->end - (b->start + b->births - b->deaths + b->in - b->out + b->other_in -
				 b->other_out);
	json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b}", "code",
			      code, "name", name, "start", (json_int_t)b->start, "births",
			      (json_int_t)b->births, "deaths", (json_int_t)b->deaths, "in",
			      (json_int_t)b->in, "out", (json_int_t)b->out, "other_in",
			      (json_int_t)b->other_in, "other_out", (json_int_t)b->other_out, "end",
			      (json_int_t)b->end, "difference", (json_int_t)diff, "ok", diff == 0);
	json_t *items = json_array();
	for (size_t i = 0; i < b->nitems; i++) {
		const struct eng_item *it = &b->items[i];
		char date[11], person[REG_ID_MAX + 1], event[REG_UUID_TEXT];
		day_format(it->date, date);
		item_event(st, it, person, event);
		json_array_append_new(items, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "kind",
						       kind_name(it), "as", it->flow ? "flow" : "stock",
						       "sign", it->sign, "date", date, "person", person,
						       "event", event));
	}
	json_object_set_new(o, "items", items);
	/* Every item counted by kind; past ENG_BALANCE_LISTED of a kind they
	 * are counted, not listed (a baseline's period holds every person). */
	json_t *kinds = json_array();
	for (int flow = 0; flow < 2; flow++)
		for (int k = 0; k < ENG_BALANCE_KINDS; k++)
			for (int pos = 1; pos >= 0; pos--) {
				int64_t n = b->count[flow][k][pos];
				struct eng_item it = {.kind = (uint8_t)k, .flow = flow};
				if (n)
					json_array_append_new(kinds, json_pack("{s:s, s:s, s:i, s:I}", "kind",
									       kind_name(&it), "as",
									       flow ? "flow" : "stock", "sign",
									       pos ? 1 : -1, "count", (json_int_t)n));
			}
	json_object_set_new(o, "kinds", kinds);
	json_object_set_new(o, "items_unlisted", json_integer((json_int_t)b->unlisted));
	if (diff)
		*ok = false;
	return o;
}

/* The units checked: the one asked for, then its communes. */
struct checked {
	size_t n;
	char (*code)[REG_UNIT_CODE_MAX + 1];
	char (*name)[REG_TEXT_BYTES];
	struct eng_balance *bal;
};

static void checked_free(struct checked *c)
{
	for (size_t i = 0; i < c->n; i++)
		eng_balance_free(&c->bal[i]);
	free(c->code);
	free(c->name);
	free(c->bal);
}

/* Every balance, in one view of the engine. */
static enum ds_rc balances(const struct eng_view *v, const char *unit, const struct rpt_period *p,
			   int32_t map_date, struct checked *c)
{
	const struct reg_unit *u = reg_units_resolve(eng_units(v), unit, map_date);
	if (!u)
		return DS_ENOTFOUND;
	char **codes = NULL;
	size_t n = 0;
	enum ds_rc rc = DS_OK;
	if (u->level < LVL_COMMUNE && (rc = engine_units_under(v, unit, LVL_COMMUNE, map_date, &codes, &n)))
		return rc;
	c->code = calloc(n + 1, sizeof *c->code);
	c->name = calloc(n + 1, sizeof *c->name);
	c->bal = calloc(n + 1, sizeof *c->bal);
	if (!c->code || !c->name || !c->bal)
		rc = DS_ENOMEM;
	for (size_t i = 0; i <= n && !rc; i++) {
		const char *code = i == 0 ? unit : codes[i - 1];
		const struct reg_unit *k = i == 0 ? u : reg_units_resolve(eng_units(v), code, map_date);
		snprintf(c->code[i], sizeof c->code[i], "%s", code);
		snprintf(c->name[i], sizeof c->name[i], "%s", k ? k->name : code);
		if (!(rc = engine_balance(v, code, p->from, p->to, map_date, &c->bal[i])))
			c->n++;
	}
	for (size_t i = 0; i < n; i++)
		free(codes[i]);
	free(codes);
	return rc;
}

enum ds_rc rpt_check(struct engine *e, struct store *st, const char *unit,
		     const struct rpt_period *p, int32_t map_date, json_t **out, bool *ok)
{
	struct checked c = {0};
	const struct eng_view *v = engine_read(e);
	enum ds_rc rc = balances(v, unit, p, map_date, &c);
	engine_read_end(v);
	if (rc) {
		checked_free(&c);
		return rc;
	}
	char from[11], to[11], map[11];
	day_format(p->from, from);
	day_format(p->to, to);
	day_format(map_date, map);
	json_t *units = json_array();
	*ok = true;
	for (size_t i = 0; i < c.n; i++)
		json_array_append_new(units, unit_json(st, c.code[i], c.name[i], &c.bal[i], ok));
	checked_free(&c);
	*out = json_pack("{s:s, s:{s:s, s:s, s:s}, s:s, s:b, s:o}", "unit", unit, "period", "code",
			 p->code, "from", from, "to", to, "map_date", map, "ok", *ok, "units", units);
	return DS_OK;
}
