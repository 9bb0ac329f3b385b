/* The ledger: the one path every event takes into the store (see ledger.h). */
#include "ledger/ledger.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/day.h"

enum ds_rc ledger_reload_units(struct ledger *lg)
{
	struct reg_units t = {0};
	enum ds_rc rc = store_units_tree(lg->st, &t);
	if (rc)
		return rc;
	reg_units_free(&lg->units);
	lg->units = t;
	return DS_OK;
}

enum ds_rc ledger_open(struct ledger *lg, struct store *st)
{
	memset(lg, 0, sizeof *lg);
	lg->st = st;
	return ledger_reload_units(lg);
}

void ledger_close(struct ledger *lg)
{
	reg_units_free(&lg->units);
}

/* ---- helpers ---- */

static enum ds_rc refuse(struct ledger_result *res, const char *field, enum ds_why why)
{
	res->outcome = LEDGER_REFUSED;
	ds_problem_set(&res->problem, NULL, 0, field, why);
	return DS_OK;
}

/* True when the event that brought p into the register was cancelled. */
static bool entry_voided(struct ledger *lg, const struct store_person *p)
{
	if (!p->entry_seq)
		return false;
	struct store_event e;
	return store_event_by_seq(lg->st, p->entry_seq, &e) == DS_OK && e.voided_by;
}

static void state_init(struct ledger *lg, const struct store_person *p, struct reg_state *s)
{
	reg_state_init(s, p->rid, &p->rec, p->hh, p->entry);
	if (p->exit == p->entry && entry_voided(lg, p)) {
		s->exit = p->entry;
		s->exit_kind = EXIT_VOIDED;
	}
}

void ledger_state_from(struct ledger *lg, const struct store_person *p, const struct reg_fact *facts,
		       size_t n, int32_t day, struct reg_state *s)
{
	state_init(lg, p, s);
	reg_state_at(s, facts, n, day);
}

enum ds_rc ledger_state_at(struct ledger *lg, const struct store_person *p, int32_t day,
			   struct reg_state *s)
{
	struct reg_fact *facts = NULL;
	size_t n = 0;
	enum ds_rc rc = store_person_facts(lg->st, p->rid, true, &facts, &n);
	if (rc)
		return rc;
	state_init(lg, p, s);
	reg_state_at(s, facts, n, day);
	free(facts);
	return DS_OK;
}

/*
 * Replays the subject's whole timeline with `extra` added (when not NULL)
 * and the fact of seq `skip` cancelled (when not 0).  The verdict is the
 * first refusal; *at_extra tells whether it was the added fact itself.
 */
static struct reg_verdict verify(struct ledger *lg, const struct store_person *p,
				 const struct reg_fact *facts, size_t n,
				 const struct reg_fact *extra, int64_t skip, bool *at_extra)
{
	struct reg_verdict ok = {W_NONE, NULL, DS_SEV_ERROR};
	struct reg_fact *all = malloc((n + 1) * sizeof *all);
	if (!all)
		return (struct reg_verdict){W_BREAKS_LATER, "date", DS_SEV_ERROR};
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		all[m] = facts[i];
		if (all[m].seq == skip)
			all[m].voided = 1;
		m++;
	}
	if (extra)
		all[m++] = *extra;
	reg_facts_sort(all, m);
	struct reg_state s;
	state_init(lg, p, &s);
	size_t bad = 0;
	struct reg_verdict v = reg_replay(&s, all, m, &bad);
	*at_extra = v.why && extra && all[bad].seq == extra->seq;
	free(all);
	return v.why ? v : ok;
}

/* The latest uncancelled correction of a text field, by (date, seq). */
static const struct reg_fact *last_correction(const struct reg_fact *facts, size_t n,
					      enum reg_field field)
{
	const struct reg_fact *best = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct reg_fact *f = &facts[i];
		if (f->voided || f->type != EV_INFO_CHANGE || reg_info_field(f->a) != (int)field)
			continue;
		if (!best || f->date > best->date || (f->date == best->date && f->seq > best->seq))
			best = f;
	}
	return best;
}

/* The value member of a stored info_change. */
static void correction_value(struct ledger *lg, int64_t seq, char *out, size_t outsz)
{
	struct store_event e;
	out[0] = '\0';
	if (store_event_by_seq(lg->st, seq, &e) != DS_OK || !e.body)
		return;
	json_t *o = json_loads(e.body, 0, NULL);
	const char *v = json_string_value(json_object_get(o, "value"));
	snprintf(out, outsz, "%s", v ? v : "");
	json_decref(o);
}

/*
 * Recomputes the current-facts cache of a person from their entry record
 * and timeline, and writes it when it changed.
 */
static enum ds_rc refresh(struct ledger *lg, int64_t rid, bool created)
{
	struct store_person p;
	enum ds_rc rc = store_person_get(lg->st, NULL, rid, &p);
	if (rc)
		return rc;
	struct reg_fact *facts = NULL;
	size_t n = 0;
	if ((rc = store_person_facts(lg->st, rid, true, &facts, &n)))
		return rc;
	struct reg_state s;
	state_init(lg, &p, &s);
	if (created && entry_voided(lg, &p)) {
		s.exit = p.entry;
		s.exit_kind = EXIT_VOIDED;
	}
	reg_state_at(&s, facts, n, DAY_MAX);
	struct store_person cur = p;
	cur.cur_hh = s.hh;
	cur.exit = s.exit;
	const struct reg_fact *f = last_correction(facts, n, FLD_FULL_NAME);
	if (f)
		correction_value(lg, f->seq, cur.cur_name, sizeof cur.cur_name);
	else
		snprintf(cur.cur_name, sizeof cur.cur_name, "%s", p.rec.full_name);
	f = last_correction(facts, n, FLD_NATIONAL_ID);
	if (f)
		correction_value(lg, f->seq, cur.cur_nid, sizeof cur.cur_nid);
	else
		snprintf(cur.cur_nid, sizeof cur.cur_nid, "%s", p.rec.national_id);
	free(facts);
	if (cur.cur_hh == p.cur_hh && cur.exit == p.exit && !strcmp(cur.cur_name, p.cur_name) &&
	    !strcmp(cur.cur_nid, p.cur_nid))
		return DS_OK;
	return store_person_current(lg->st, &cur);
}

/* A household that exists on day (it entered on or before). */
static bool in_scope(struct ledger *lg, const char *area)
{
	return !lg->scope || lg->scope(lg->scope_arg, area);
}

static enum ds_rc household_on(struct ledger *lg, const char *id, int32_t day,
			       struct store_household *h, bool *found)
{
	enum ds_rc rc = store_household_get(lg->st, id, 0, h);
	*found = rc == DS_OK && h->entry <= day && in_scope(lg, h->rec.area);
	return rc == DS_ENOTFOUND ? DS_OK : rc;
}

/* Whether a person (current area) or a household is in the writer's scope. */
static enum ds_rc person_in_scope(struct ledger *lg, int64_t rid, bool *in)
{
	struct store_person p;
	enum ds_rc rc = store_person_get(lg->st, NULL, rid, &p);
	*in = rc == DS_OK && in_scope(lg, p.cur_area);
	return rc == DS_ENOTFOUND ? DS_OK : rc;
}

static enum ds_rc household_in_scope(struct ledger *lg, int64_t rid, bool *in)
{
	struct store_household h;
	enum ds_rc rc = store_household_get(lg->st, NULL, rid, &h);
	*in = rc == DS_OK && in_scope(lg, h.rec.area);
	return rc == DS_ENOTFOUND ? DS_OK : rc;
}

/*
 * Whether every object a stored fact names is in the writer's scope: its
 * subject (a mother, a household's head), the household it names or the
 * subject lived in, the child of a birth, the spouse of a marriage, the
 * household a transfer left.
 */
static enum ds_rc fact_in_scope(struct ledger *lg, const struct reg_fact *f, bool *in)
{
	*in = true;
	if (!lg->scope)
		return DS_OK;
	enum ds_rc rc = DS_OK;
	if (f->person > 0)
		rc = person_in_scope(lg, f->person, in);
	if (!rc && *in && f->hh > 0)
		rc = household_in_scope(lg, f->hh, in);
	if (!rc && *in && f->other > 0 &&
	    (f->type == EV_BIRTH || f->type == EV_MARRIAGE || f->type == EV_MERGE))
		rc = person_in_scope(lg, f->other, in);
	if (!rc && *in && f->other > 0 && f->type == EV_TRANSFER)
		rc = household_in_scope(lg, f->other, in);
	return rc;
}

/* True when the national id is held by someone other than rid. */
static enum ds_rc nid_taken(struct ledger *lg, const char *nid, int64_t rid, bool *taken)
{
	*taken = false;
	if (!nid[0])
		return DS_OK;
	int64_t owner = 0;
	enum ds_rc rc = store_nid_owner(lg->st, nid, &owner);
	if (rc == DS_ENOTFOUND)
		return DS_OK;
	*taken = rc == DS_OK && owner != rid;
	return rc;
}

/* Looks up the subject; refuses with W_NO_PERSON naming member. */
static enum ds_rc get_subject(struct ledger *lg, const char *id, const char *member,
			      struct store_person *p, struct ledger_result *res, bool *found)
{
	enum ds_rc rc = store_subject_get(lg->st, id, p);
	*found = rc == DS_OK && in_scope(lg, p->cur_area);
	if (rc == DS_ENOTFOUND || (rc == DS_OK && !*found)) {
		refuse(res, member, W_NO_PERSON);
		return DS_OK;
	}
	return rc;
}

/*
 * Checks a fact against its subject: the state on its date, then the
 * timeline after it.  Fills res (refusal or warning).  *ok tells.
 */
static enum ds_rc judge(struct ledger *lg, const struct store_person *p, struct reg_fact *f,
			struct ledger_result *res, bool *ok, struct reg_state *before)
{
	struct reg_fact *facts = NULL;
	size_t n = 0;
	*ok = false;
	/* A passive fact changes nothing later facts depend on: the state on
	 * its day is all it needs, from the facts that change state. */
	bool passive = reg_passive(f->type);
	enum ds_rc rc = store_person_facts(lg->st, p->rid, passive, &facts, &n);
	if (rc)
		return rc;
	struct reg_state s;
	state_init(lg, p, &s);
	reg_state_at(&s, facts, n, f->date);
	if (before)
		*before = s;
	struct reg_verdict v = reg_check(f, &s);
	if (v.why && v.severity == DS_SEV_ERROR) {
		refuse(res, v.field, v.why);
	} else {
		if (v.why) {
			res->warned = true;
			ds_problem_set(&res->warning, NULL, 0, v.field, v.why);
			res->warning.severity = DS_SEV_WARNING;
		}
		bool at_extra = false;
		struct reg_verdict later = {0};
		if (!passive) {
			f->seq = INT64_MAX;
			later = verify(lg, p, facts, n, f, 0, &at_extra);
			f->seq = 0;
		}
		if (later.why)
			refuse(res, at_extra ? later.field : "date", at_extra ? later.why : W_BREAKS_LATER);
		else
			*ok = true;
	}
	free(facts);
	return DS_OK;
}

/* ---- per type ---- */

struct rec_ctx {
	struct ledger *lg;
	const struct reg_event *ev;
	struct ledger_result *res;
	struct reg_fact fact;
	int prov;
	int64_t seq;     /* reserved for this event */
	int64_t refresh[2]; /* persons whose cache to refresh after the insert */
	int64_t void_target;
	/* what the event creates: a person (birth, arrival), a household */
	struct store_person person;
	struct store_household household;
};

static void fill_new_person(struct store_person *np, const struct reg_person *rec, int64_t hh,
			    int prov, int32_t entry, int64_t seq)
{
	memset(np, 0, sizeof *np);
	np->rec = *rec;
	np->hh = hh;
	np->prov = prov;
	np->entry = entry;
	np->entry_seq = seq;
}

/* The relation of a newborn to the head, from the mother's. */
static uint8_t child_relation(uint8_t mother_relation)
{
	switch (mother_relation) {
	case 1:
	case 2: return 3;
	case 3:
	case 4: return 6;
	default: return 7;
	}
}

static enum ds_rc record_birth(struct rec_ctx *c)
{
	struct ledger *lg = c->lg;
	const struct reg_event *ev = c->ev;
	struct store_person mother, tmp;
	bool found;
	enum ds_rc rc = get_subject(lg, ev->person, "mother", &mother, c->res, &found);
	if (rc || !found)
		return rc;
	struct store_household h;
	if (ev->household[0]) {
		if ((rc = household_on(lg, ev->household, ev->date, &h, &found)))
			return rc;
		if (!found)
			return refuse(c->res, "household", W_NO_HOUSEHOLD);
	}
	rc = store_person_get(lg->st, ev->np.id, 0, &tmp);
	if (rc == DS_OK)
		return refuse(c->res, "child.person_id", W_DUP_ID);
	if (rc != DS_ENOTFOUND)
		return rc;
	bool taken;
	if ((rc = nid_taken(lg, ev->np.national_id, 0, &taken)))
		return rc;
	if (taken)
		return refuse(c->res, "child.national_id", W_DUP_NATIONAL_ID);
	reg_fact_from_event(&c->fact, ev, mother.rid, 0, 0);
	bool ok;
	if ((rc = judge(lg, &mother, &c->fact, c->res, &ok, NULL)) || !ok)
		return rc;
	struct reg_state ms;
	if ((rc = ledger_state_at(lg, &mother, ev->date, &ms)))
		return rc;
	int64_t hh = ms.hh;
	int prov = mother.prov;
	if (ev->household[0]) {
		hh = h.rid;
		prov = h.prov;
	}
	struct reg_person child = ev->np;
	child.birth = ev->date;
	child.birth_prec = DAY_PREC_DAY;
	if (!child.ethnicity[0])
		memcpy(child.ethnicity, mother.rec.ethnicity, sizeof child.ethnicity);
	if (!child.relation)
		child.relation = hh == ms.hh ? child_relation(ms.relation) : 7;
	struct store_person *np = &c->person;
	fill_new_person(np, &child, hh, prov, ev->date, c->seq);
	if ((rc = store_person_add(lg->st, np)))
		return rc;
	c->fact.hh = hh;
	c->fact.other = np->rid;
	c->prov = mother.prov;
	return DS_OK;
}

static enum ds_rc new_household(struct rec_ctx *c, struct store_household *h)
{
	struct ledger *lg = c->lg;
	const struct reg_event *ev = c->ev;
	const struct reg_unit *area = reg_units_at(&lg->units, ev->nh.area, ev->date);
	size_t first;
	if (!in_scope(lg, ev->nh.area))
		return refuse(c->res, "new_household.area_code", W_NO_UNIT);
	if (!area)
		return refuse(c->res, "new_household.area_code",
			      reg_units_rows(&lg->units, ev->nh.area, &first) ? W_AREA_CLOSED : W_NO_UNIT);
	if (area->level != LVL_AREA)
		return refuse(c->res, "new_household.area_code", W_NOT_AREA);
	enum ds_rc rc = store_household_get(lg->st, ev->nh.id, 0, h);
	if (rc == DS_OK)
		return refuse(c->res, "new_household.household_id", W_DUP_ID);
	if (rc != DS_ENOTFOUND)
		return rc;
	memset(h, 0, sizeof *h);
	h->rec = ev->nh;
	h->prov = reg_units_province(&lg->units, ev->nh.area);
	h->entry = ev->date;
	h->entry_seq = c->seq;
	return DS_OK;
}

static enum ds_rc record_move_in(struct rec_ctx *c)
{
	struct ledger *lg = c->lg;
	const struct reg_event *ev = c->ev;
	enum ds_rc rc = DS_OK;
	bool taken, found;
	enum reg_pcol col;
	enum ds_why w = reg_person_check(&ev->np, ev->date, &col);
	if (w) {
		char field[DS_FIELD_MAX];
		snprintf(field, sizeof field, "person.%s", reg_person_cols[col]);
		return refuse(c->res, field, w);
	}
	/* Where first: a household outside the writer's scope is not found,
	 * before any uniqueness is looked at (that would tell what exists
	 * elsewhere). */
	struct store_household *h = &c->household;
	if (ev->has_nh) {
		if ((rc = new_household(c, h)) || c->res->outcome == LEDGER_REFUSED)
			return rc;
	} else {
		if ((rc = household_on(lg, ev->household, ev->date, h, &found)))
			return rc;
		if (!found)
			return refuse(c->res, "household", W_NO_HOUSEHOLD);
	}
	struct store_person tmp;
	rc = store_person_get(lg->st, ev->np.id, 0, &tmp);
	if (rc == DS_OK)
		return refuse(c->res, "person.person_id", W_DUP_ID);
	if (rc != DS_ENOTFOUND)
		return rc;
	if ((rc = nid_taken(lg, ev->np.national_id, 0, &taken)))
		return rc;
	if (taken)
		return refuse(c->res, "person.national_id", W_DUP_NATIONAL_ID);
	if (ev->has_nh && (rc = store_household_add(lg->st, h)))
		return rc;
	struct store_person *np = &c->person;
	fill_new_person(np, &ev->np, h->rid, h->prov, ev->date, c->seq);
	snprintf(np->rec.household, sizeof np->rec.household, "%s", h->rec.id);
	if ((rc = store_person_add(lg->st, np)))
		return rc;
	reg_fact_from_event(&c->fact, ev, np->rid, h->rid, 0);
	c->prov = h->prov;
	return DS_OK;
}

/* Checks of the other persons and households a person event names. */
static enum ds_rc check_references(struct rec_ctx *c, const struct store_person *p, int64_t *hh,
				   int64_t *other)
{
	struct ledger *lg = c->lg;
	const struct reg_event *ev = c->ev;
	enum ds_rc rc = DS_OK;
	bool found;
	if (ev->type == EV_TRANSFER) {
		struct store_household h;
		if ((rc = household_on(lg, ev->household, ev->date, &h, &found)))
			return rc;
		if (!found)
			return refuse(c->res, "household", W_NO_HOUSEHOLD);
		*hh = h.rid;
	} else if (ev->type == EV_MARRIAGE && ev->spouse[0]) {
		struct store_person sp;
		if ((rc = get_subject(lg, ev->spouse, "spouse", &sp, c->res, &found)) || !found)
			return rc;
		struct reg_state ss;
		if ((rc = ledger_state_at(lg, &sp, ev->date, &ss)))
			return rc;
		if (!reg_present(&ss, ev->date))
			return refuse(c->res, "spouse", W_NOT_PRESENT);
		if (ss.sex == p->rec.sex)
			return refuse(c->res, "spouse", W_SAME_SEX_SPOUSE);
		*other = sp.rid;
	} else if (ev->type == EV_INFO_CHANGE && ev->field == FLD_NATIONAL_ID) {
		bool taken;
		if ((rc = nid_taken(lg, ev->value, p->rid, &taken)))
			return rc;
		if (taken)
			return refuse(c->res, "value", W_DUP_NATIONAL_ID);
	}
	return rc;
}

static enum ds_rc record_person_event(struct rec_ctx *c)
{
	struct ledger *lg = c->lg;
	const struct reg_event *ev = c->ev;
	struct store_person p;
	bool found, ok;
	enum ds_rc rc = get_subject(lg, ev->person, "person", &p, c->res, &found);
	if (rc || !found)
		return rc;
	int64_t hh = 0, other = 0;
	if ((rc = check_references(c, &p, &hh, &other)) || c->res->outcome == LEDGER_REFUSED)
		return rc;
	reg_fact_from_event(&c->fact, ev, p.rid, hh, other);
	struct reg_state before;
	if ((rc = judge(lg, &p, &c->fact, c->res, &ok, &before)) || !ok)
		return rc;
	/* Events that name no household keep the one the person lived in that
	 * day: the household's history lists them, and statistics count them
	 * there without replaying the person. */
	if (!hh)
		c->fact.hh = before.hh;
	/* A transfer also belongs to the household it leaves. */
	if (ev->type == EV_TRANSFER)
		c->fact.other = before.hh;
	c->prov = p.prov;
	c->refresh[0] = p.rid;
	return DS_OK;
}

static enum ds_rc record_household_change(struct rec_ctx *c)
{
	struct ledger *lg = c->lg;
	const struct reg_event *ev = c->ev;
	struct store_household h;
	enum ds_rc rc = store_household_get(lg->st, ev->household, 0, &h);
	/* Out of the writer's scope reads as not found, like everywhere else. */
	if (rc == DS_ENOTFOUND || (rc == DS_OK && !in_scope(lg, h.rec.area)))
		return refuse(c->res, "household", W_NO_HOUSEHOLD);
	if (rc)
		return rc;
	if (ev->date < h.entry)
		return refuse(c->res, "date", W_BEFORE_ENTRY);
	int64_t head = 0;
	if (ev->head[0]) {
		struct store_person p;
		bool found;
		if ((rc = get_subject(lg, ev->head, "head", &p, c->res, &found)) || !found)
			return rc;
		struct reg_state s;
		if ((rc = ledger_state_at(lg, &p, ev->date, &s)))
			return rc;
		if (!reg_present(&s, ev->date) || s.hh != h.rid)
			return refuse(c->res, "head", W_HEAD_NOT_MEMBER);
		head = p.rid;
	}
	reg_fact_from_event(&c->fact, ev, head, h.rid, 0);
	c->prov = h.prov;
	return DS_OK;
}

/* Cancelling an event must leave every later event of its subject valid. */
static enum ds_rc record_void(struct rec_ctx *c)
{
	struct ledger *lg = c->lg;
	const struct reg_event *ev = c->ev;
	struct store_event t;
	enum ds_rc rc = store_event_by_id(lg->st, ev->target, &t);
	if (rc == DS_ENOTFOUND)
		return refuse(c->res, "target", W_NO_EVENT);
	if (rc)
		return rc;
	struct reg_fact target = t.fact;
	bool in;
	if ((rc = fact_in_scope(lg, &target, &in)))
		return rc;
	if (!in)
		return refuse(c->res, "target", W_NO_EVENT);
	if (target.type == EV_VOID)
		return refuse(c->res, "target", W_VOID_VOID);
	if (t.voided_by)
		return refuse(c->res, "target", W_ALREADY_VOIDED);
	/* A person brought in by the target must have nothing else recorded. */
	int64_t created = target.type == EV_BIRTH ? target.other
			  : target.type == EV_MOVE_IN ? target.person : 0;
	struct reg_fact *facts = NULL;
	size_t n = 0;
	if (created) {
		if ((rc = store_person_facts(lg->st, created, false, &facts, &n)))
			return rc;
		size_t live = 0;
		for (size_t i = 0; i < n; i++)
			live += !facts[i].voided && facts[i].seq != target.seq;
		free(facts);
		facts = NULL;
		if (live)
			return refuse(c->res, "target", W_VOID_BREAKS);
	}
	int64_t subject = target.type == EV_HOUSEHOLD_CHANGE || target.type == EV_MOVE_IN ? 0 : target.person;
	if (subject) {
		struct store_person p;
		if ((rc = store_person_get(lg->st, NULL, subject, &p)))
			return rc;
		if ((rc = store_person_facts(lg->st, subject, false, &facts, &n)))
			return rc;
		bool at_extra;
		struct reg_verdict v = verify(lg, &p, facts, n, NULL, target.seq, &at_extra);
		free(facts);
		if (v.why)
			return refuse(c->res, "target", W_VOID_BREAKS);
		c->prov = p.prov;
	}
	reg_fact_from_event(&c->fact, ev, target.type == EV_HOUSEHOLD_CHANGE ? 0 : target.person,
			    target.hh, target.seq);
	c->refresh[0] = subject;
	c->refresh[1] = created;
	c->void_target = target.seq;
	return DS_OK;
}

/* Whether an uncancelled merge names rid as the person who remains. */
struct merged_into {
	int64_t rid;
	bool any;
};

static enum ds_rc find_merged_into(const struct store_event *e, void *arg)
{
	struct merged_into *m = arg;
	if (e->fact.type == EV_MERGE && e->fact.other == m->rid && !e->voided_by)
		m->any = true;
	return DS_OK;
}

/*
 * A merge: both persons in the writer's scope (else not found), not the
 * same, of the same sex, neither merged already, and nobody merged into
 * the duplicate (a chain would hide that person's events twice over).
 * Its subject is the duplicate, whose every date it clears (rules.h).
 */
static enum ds_rc record_merge(struct rec_ctx *c)
{
	struct ledger *lg = c->lg;
	const struct reg_event *ev = c->ev;
	struct store_person rem, dup;
	bool found;
	enum ds_rc rc = get_subject(lg, ev->person, "person", &rem, c->res, &found);
	if (rc || !found)
		return rc;
	if ((rc = get_subject(lg, ev->duplicate, "duplicate", &dup, c->res, &found)) || !found)
		return rc;
	if (rem.rid == dup.rid)
		return refuse(c->res, "duplicate", W_MERGE_SELF);
	if (rem.rec.sex != dup.rec.sex)
		return refuse(c->res, "duplicate", W_MERGE_SEX);
	struct reg_state ds, rs;
	if ((rc = ledger_state_at(lg, &dup, DAY_MAX, &ds)) || (rc = ledger_state_at(lg, &rem, DAY_MAX, &rs)))
		return rc;
	if (ds.exit_kind == EXIT_MERGED)
		return refuse(c->res, "duplicate", W_ALREADY_MERGED);
	if (rs.exit_kind == EXIT_MERGED)
		return refuse(c->res, "person", W_ALREADY_MERGED);
	struct merged_into m = {.rid = dup.rid};
	if ((rc = store_events_about(lg->st, dup.rid, 0, find_merged_into, &m)))
		return rc;
	if (m.any)
		return refuse(c->res, "duplicate", W_MERGE_CHAIN);
	reg_fact_from_event(&c->fact, ev, dup.rid, ds.hh, rem.rid);
	c->prov = dup.prov;
	c->refresh[0] = dup.rid;
	return DS_OK;
}

enum ds_rc ledger_merge_plan(struct ledger *lg, int64_t rem_rid, int64_t dup_rid,
			     struct reg_fact **dup_facts, bool **fits, size_t *ndup)
{
	struct store_person rem;
	struct reg_fact *rf = NULL, *df = NULL, *out = NULL;
	size_t nr = 0, nd = 0;
	bool *fit = NULL;
	*dup_facts = NULL;
	*fits = NULL;
	*ndup = 0;
	enum ds_rc rc = store_person_get(lg->st, NULL, rem_rid, &rem);
	if (!rc)
		rc = store_person_facts(lg->st, rem_rid, false, &rf, &nr);
	if (!rc)
		rc = store_person_facts(lg->st, dup_rid, false, &df, &nd);
	if (!rc && (!(out = malloc((nr + nd + 1) * sizeof *out)) || !(fit = calloc(nd + 1, 1))))
		rc = DS_ENOMEM;
	if (!rc) {
		struct reg_state s;
		state_init(lg, &rem, &s);
		reg_merge_timeline(&s, rf, nr, df, nd, out, fit);
		*dup_facts = df;
		*fits = fit;
		*ndup = nd;
		df = NULL;
		fit = NULL;
	}
	free(fit);
	free(out);
	free(rf);
	free(df);
	return rc;
}

enum ds_rc ledger_record(struct ledger *lg, const struct reg_event *ev, const char *by,
			 struct ledger_result *res)
{
	char *body = reg_event_text(ev);
	if (!body)
		return DS_ENOMEM;
	enum ds_rc rc = ledger_record_text(lg, ev, body, by, res);
	free(body);
	return rc;
}

enum ds_rc ledger_record_text(struct ledger *lg, const struct reg_event *ev, const char *body,
			      const char *by, struct ledger_result *res)
{
	memset(res, 0, sizeof *res);
	struct store *st = lg->st;
	struct store_event old;
	enum ds_rc rc = store_event_by_id(st, ev->id, &old);
	if (rc == DS_OK) {
		/* An event of someone else's scope is not found, whatever was
		 * sent: neither its content nor its existence is told. */
		bool in;
		if ((rc = fact_in_scope(lg, &old.fact, &in)))
			goto out;
		if (!in)
			refuse(res, "id", W_NO_EVENT);
		else if (old.body && strcmp(old.body, body) == 0)
			res->outcome = LEDGER_DUPLICATE;
		else
			refuse(res, "id", W_EVENT_ID_REUSED);
		if (res->outcome == LEDGER_DUPLICATE)
			res->fact = old.fact;
		return DS_OK;
	}
	if (rc != DS_ENOTFOUND)
		goto out;
	struct rec_ctx c = {.lg = lg, .ev = ev, .res = res};
	if ((rc = store_next_seq(st, &c.seq)))
		goto out;
	switch (ev->type) {
	case EV_BIRTH: rc = record_birth(&c); break;
	case EV_MOVE_IN: rc = record_move_in(&c); break;
	case EV_HOUSEHOLD_CHANGE: rc = record_household_change(&c); break;
	case EV_VOID: rc = record_void(&c); break;
	case EV_MERGE: rc = record_merge(&c); break;
	default:
		rc = record_person_event(&c);
		/* Only these change what the current-facts cache holds. */
		if (ev->type != EV_TRANSFER && ev->type != EV_DEATH && ev->type != EV_MOVE_OUT &&
		    ev->type != EV_INFO_CHANGE)
			c.refresh[0] = 0;
		break;
	}
	if (rc || res->outcome == LEDGER_REFUSED)
		goto out;
	struct store_event se = {.fact = c.fact, .recorded_at = (int64_t)time(NULL), .prov = c.prov};
	se.fact.seq = c.seq;
	memcpy(se.id, ev->id, 16);
	snprintf(se.recorded_by, sizeof se.recorded_by, "%s", by ? by : "");
	if ((rc = store_event_add(st, &se, body)))
		goto out;
	if (c.void_target && (rc = store_event_void(st, c.void_target, c.seq)))
		goto out;
	for (int i = 0; i < 2 && !rc; i++)
		if (c.refresh[i])
			rc = refresh(lg, c.refresh[i], i == 1);
	res->fact = se.fact;
	res->outcome = LEDGER_RECORDED;
out:
	return rc;
}
