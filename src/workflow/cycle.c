/* The monthly cycle: forms and deadlines, who may submit and decide, the state from the records, frozen values. */
#include "workflow/cycle.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/day.h"
#include "register/rules.h"
#include "report/expr.h"
#include "store/accounts.h"
#include "store/records.h"
#include "store/register.h"
#include "workflow/workdays.h"

/* ---- forms and deadlines ---- */

static int32_t reform_day(void)
{
	return day_from_ymd(WF_REFORM_Y, WF_REFORM_M, 1);
}

const char *wf_default_form(enum rpt_kind kind)
{
	return kind == PERIOD_MONTH ? "01-DSX" : kind == PERIOD_QUARTER ? "02-DSX" : kind == PERIOD_YEAR ? "03-DSX" : NULL;
}

static bool district_form(const char *form)
{
	return strcmp(form, "01-DSH") == 0;
}

enum ds_why wf_form_fits(const char *form, const struct rpt_period *p, enum reg_level level)
{
	if (district_form(form)) {
		if (p->kind != PERIOD_QUARTER)
			return W_FORM_PERIOD;
		return level == LVL_DISTRICT && p->to < reform_day() ? W_NONE : W_FORM_LEVEL;
	}
	const char *want = wf_default_form(p->kind);
	bool known = strcmp(form, "01-DSX") == 0 || strcmp(form, "02-DSX") == 0 || strcmp(form, "03-DSX") == 0;
	if (!known)
		return W_FORM_NOT_SUBMITTED;
	if (!want || strcmp(form, want) != 0)
		return W_FORM_PERIOD;
	return level == LVL_COMMUNE ? W_NONE : W_FORM_LEVEL;
}

int32_t wf_deadline(const char *form, const struct rpt_period *p)
{
	return district_form(form) ? p->to + 15 : wd_nth_after(p->to, 5);
}

int wf_late_days(int32_t deadline, int32_t day)
{
	return day <= deadline ? 0 : wd_count(deadline, day);
}

/* ---- who ---- */

bool wf_in_scope(const struct reg_units *u, const struct wf_actor *a, const char *unit, int32_t map_day)
{
	if (a->role == ROLE_NATIONAL)
		return true;
	if (a->role == ROLE_ADMIN || a->role == ROLE_NONE || !a->unit[0])
		return false;
	int32_t today = day_today();
	if (reg_units_within(u, unit, a->unit, today))
		return true;
	/* A unit of an older map (a commune merged away) is in scope when the
	 * areas that were under it are. */
	size_t areas = 0;
	for (size_t i = 0; i < u->n; i++) {
		const struct reg_unit *r = &u->rows[i];
		if (r->level != LVL_AREA || (i && strcmp(u->rows[i - 1].code, r->code) == 0) ||
		    !reg_units_within(u, r->code, unit, map_day))
			continue;
		if (!reg_units_within(u, r->code, a->unit, today))
			return false;
		areas++;
	}
	return areas > 0;
}

/* The unit on the period's map, or NULL. */
static const struct reg_unit *unit_on(const struct reg_units *u, const char *unit, const struct rpt_period *p)
{
	return reg_units_at(u, unit, p->to);
}

enum ds_why wf_may_submit(const struct reg_units *u, const struct wf_actor *a, const char *form,
			  const char *unit, const struct rpt_period *p, int32_t today, bool *hidden)
{
	*hidden = false;
	const struct reg_unit *ru = unit_on(u, unit, p);
	if (!ru || !wf_in_scope(u, a, unit, p->to)) {
		*hidden = true;
		return W_NO_UNIT;
	}
	enum ds_why w = wf_form_fits(form, p, ru->level);
	if (w)
		return w;
	/* A commune's officers submit its forms; a district's were province officers'. */
	int want = ru->level == LVL_DISTRICT ? ROLE_PROVINCE : ROLE_COMMUNE;
	if (a->role != want)
		return W_WRONG_LEVEL;
	return p->to < today ? W_NONE : W_PERIOD_NOT_ENDED;
}

enum ds_why wf_may_decide(const struct reg_units *u, const struct wf_actor *a, const char *form,
			  const char *unit, const struct rpt_period *p, bool *hidden)
{
	*hidden = false;
	const struct reg_unit *ru = unit_on(u, unit, p);
	if (!ru || !wf_in_scope(u, a, unit, p->to)) {
		*hidden = true;
		return W_NO_UNIT;
	}
	enum ds_why w = wf_form_fits(form, p, ru->level);
	if (w)
		return w;
	if (a->role != ROLE_PROVINCE)
		return W_WRONG_LEVEL;
	/* The level above on the period's map: the province, or a district
	 * whose office passed to the province above it. */
	const char *above = reg_units_parent(u, unit, p->to);
	if (!above[0])
		return W_WRONG_LEVEL;
	if (strcmp(above, a->unit) == 0)
		return W_NONE;
	const struct reg_unit *au = reg_units_resolve(u, above, p->to);
	return au && au->level == LVL_DISTRICT && reg_units_within(u, above, a->unit, p->to) ? W_NONE
												  : W_WRONG_LEVEL;
}

/* ---- the state from the book ---- */

const char *wf_state_name(enum wf_state s)
{
	static const char *const names[] = {"missing", "submitted", "returned", "approved", "revised"};
	return names[s];
}

static void key_of(const char *form, const char *period, char key[REC_KEY_MAX + 1])
{
	snprintf(key, REC_KEY_MAX + 1, "%s/%s", form, period);
}

/* The versions and decisions of a report, newest first, collected from the book. */
struct collect {
	const struct rec_entry *e;
	json_t *body;
	int64_t seq;
	uint8_t id[16];
	char by[64];
	int64_t at;
	int32_t date;
	bool decision;
};

struct collected {
	struct collect v[256];
	size_t n;
	bool decision;
};

static bool collect_one(const struct rec_entry *e, void *arg)
{
	struct collected *c = arg;
	if (c->n >= sizeof c->v / sizeof c->v[0])
		return false;
	struct collect *x = &c->v[c->n++];
	*x = (struct collect){.body = json_incref(e->body), .seq = e->seq, .at = e->recorded_at,
			      .date = e->date, .decision = c->decision};
	memcpy(x->id, e->id, 16);
	snprintf(x->by, sizeof x->by, "%s", e->recorded_by);
	return true;
}

/* Both kinds' versions, merged oldest first (by seq). */
static void collect_all(struct rec_book *b, const char *form, const char *unit, const char *period,
			struct collected *subs, struct collected *decs)
{
	char key[REC_KEY_MAX + 1];
	key_of(form, period, key);
	subs->n = decs->n = 0;
	subs->decision = false;
	decs->decision = true;
	rec_book_history(b, "submission", unit, key, collect_one, subs);
	rec_book_history(b, "decision", unit, key, collect_one, decs);
}

static void collected_free(struct collected *c)
{
	for (size_t i = 0; i < c->n; i++)
		json_decref(c->v[i].body);
}

static bool same_id(const json_t *uuid_text, const uint8_t id[16])
{
	uint8_t x[16];
	return json_is_string(uuid_text) &&
	       reg_uuid_parse(json_string_value(uuid_text), json_string_length(uuid_text), x) &&
	       memcmp(x, id, 16) == 0;
}

static bool is_approval(const struct collect *d)
{
	return strcmp(json_string_value(json_object_get(d->body, "decision")), "approved") == 0;
}

void wf_status_get(struct rec_book *b, const char *form, const char *unit, const char *period,
		   struct wf_status *s)
{
	memset(s, 0, sizeof *s);
	s->first_day = DAY_NONE;
	struct collected *subs = calloc(2, sizeof *subs);
	if (!subs)
		return;
	struct collected *decs = subs + 1;
	collect_all(b, form, unit, period, subs, decs);
	s->versions = (int)subs->n;
	for (size_t i = 0; i < decs->n; i++)
		s->returns += !is_approval(&decs->v[i]);
	if (subs->n) {
		const struct collect *cur = &subs->v[0], *first = &subs->v[subs->n - 1];
		s->first_day = first->date;
		memcpy(s->current, cur->id, 16);
		snprintf(s->submitted_by, sizeof s->submitted_by, "%s", cur->by);
		s->submitted_at = cur->at;
		s->position = json_integer_value(json_object_get(cur->body, "position"));
		s->revision = json_is_true(json_object_get(cur->body, "revision"));
		s->values = json_incref(json_object_get(cur->body, "values"));
		s->state = WF_SUBMITTED;
		if (decs->n) {
			const struct collect *d = &decs->v[0];
			snprintf(s->decided_by, sizeof s->decided_by, "%s", d->by);
			s->decided_at = d->at;
			const char *cm = json_string_value(json_object_get(d->body, "comment"));
			snprintf(s->comment, sizeof s->comment, "%s", cm ? cm : "");
			if (same_id(json_object_get(d->body, "submission"), cur->id))
				s->state = is_approval(d) ? WF_APPROVED : WF_RETURNED;
		}
		/* The latest approved version, whatever came after it. */
		for (size_t i = 0; i < decs->n && !s->has_approved; i++) {
			if (!is_approval(&decs->v[i]))
				continue;
			for (size_t k = 0; k < subs->n; k++)
				if (same_id(json_object_get(decs->v[i].body, "submission"), subs->v[k].id)) {
					s->has_approved = true;
					memcpy(s->approved, subs->v[k].id, 16);
					s->approved_values = json_incref(json_object_get(subs->v[k].body, "values"));
					s->approved_position =
						json_integer_value(json_object_get(subs->v[k].body, "position"));
					break;
				}
		}
	}
	collected_free(subs);
	collected_free(decs);
	free(subs);
}

void wf_status_free(struct wf_status *s)
{
	json_decref(s->values);
	json_decref(s->approved_values);
	s->values = s->approved_values = NULL;
}

static void iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *wf_history(struct rec_book *b, const char *form, const char *unit, const char *period)
{
	struct collected *subs = calloc(2, sizeof *subs);
	if (!subs)
		return json_array();
	struct collected *decs = subs + 1;
	collect_all(b, form, unit, period, subs, decs);
	json_t *out = json_array();
	size_t i = subs->n, k = decs->n, version = 0;
	while (i || k) {
		/* oldest first: the larger index is the older in each list */
		bool take_sub = i && (!k || subs->v[i - 1].seq < decs->v[k - 1].seq);
		const struct collect *c = take_sub ? &subs->v[--i] : &decs->v[--k];
		char id[REG_UUID_TEXT], at[32], date[11];
		reg_uuid_format(c->id, id);
		iso_time(c->at, at);
		day_format(c->date, date);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "what",
				      take_sub ? "submitted" : json_string_value(json_object_get(c->body, "decision")),
				      "by", c->by, "at", at, "date", date);
		if (take_sub) {
			json_object_set_new(o, "version", json_integer((json_int_t)++version));
			json_object_set(o, "position", json_object_get(c->body, "position"));
			json_object_set(o, "revision", json_object_get(c->body, "revision"));
		} else {
			json_object_set(o, "submission", json_object_get(c->body, "submission"));
			if (json_object_get(c->body, "comment"))
				json_object_set(o, "comment", json_object_get(c->body, "comment"));
		}
		json_array_append_new(out, o);
	}
	collected_free(subs);
	collected_free(decs);
	free(subs);
	return out;
}

/* ---- values ---- */

static json_t *num_or_null(double v)
{
	return isnan(v) || isinf(v) ? json_null() : rec_number(v);
}

json_t *wf_values(const struct rpt_table *t, size_t col)
{
	json_t *a = json_array();
	for (size_t r = 0; r < t->form->nrows; r++) {
		const struct rpt_row *row = &t->form->rows[r];
		json_t *o = json_pack("{s:s, s:o}", "row", row->code, "value", num_or_null(rpt_at(t, t->val, r, col)));
		if (row->sex) {
			json_object_set_new(o, "male", num_or_null(rpt_at(t, t->male, r, col)));
			json_object_set_new(o, "female", num_or_null(rpt_at(t, t->female, r, col)));
		}
		json_array_append_new(a, o);
	}
	return a;
}

double wf_value_of(const json_t *frozen, const char *row, const char *which)
{
	size_t i;
	json_t *x;
	json_array_foreach((json_t *)frozen, i, x)
	{
		if (strcmp(json_string_value(json_object_get(x, "row")), row) == 0) {
			json_t *v = json_object_get(x, which);
			return json_is_number(v) ? json_number_value(v) : NAN;
		}
	}
	return NAN;
}

static bool differ(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) != isnan(b);
	double scale = fmax(1.0, fmax(fabs(a), fabs(b)));
	return fabs(a - b) > 1e-9 * scale;
}

bool wf_values_differ(const json_t *frozen, const struct rpt_table *t, size_t col)
{
	for (size_t r = 0; r < t->form->nrows; r++) {
		const struct rpt_row *row = &t->form->rows[r];
		if (differ(wf_value_of(frozen, row->code, "value"), rpt_at(t, t->val, r, col)))
			return true;
		if (row->sex && (differ(wf_value_of(frozen, row->code, "male"), rpt_at(t, t->male, r, col)) ||
				 differ(wf_value_of(frozen, row->code, "female"), rpt_at(t, t->female, r, col))))
			return true;
	}
	return false;
}

void wf_mark_revision(struct rec_book *b, struct rpt_table *t)
{
	t->revision = false;
	size_t units = t->has_total ? t->ncols - 1 : t->ncols;
	for (size_t c = 0; c < units && !t->revision; c++) {
		struct wf_status s;
		wf_status_get(b, t->form->code, t->col_code[c], t->period.code, &s);
		t->revision = s.has_approved && wf_values_differ(s.approved_values, t, c);
		wf_status_free(&s);
	}
}

/* ---- the events behind a revision ---- */

/* The selections of a flow cube the day falls in. */
static uint32_t flow_reads(int cube, int32_t day, const struct rpt_period *p)
{
	int y, m, d;
	day_to_ymd(p->to, &y, &m, &d);
	uint32_t r = 0;
	if (day >= p->from && day <= p->to)
		r |= EXPR_READS(cube, SEL_END);
	if (day >= day_from_ymd(y, 1, 1) && day <= p->to)
		r |= EXPR_READS(cube, SEL_YTD);
	return r;
}

/* The selections of a stock cube an event of that day changes. */
static uint32_t stock_reads(int cube, int32_t day, const struct rpt_period *p)
{
	return (day <= p->to ? EXPR_READS(cube, SEL_END) : 0) | (day < p->from ? EXPR_READS(cube, SEL_START) : 0);
}

uint32_t wf_event_reads(const struct reg_fact *f, const struct rpt_period *p)
{
	int32_t day = f->date;
	uint32_t entry_exit = stock_reads(XC_POP, day, p) | stock_reads(XC_HH, day, p);
	uint32_t marital = stock_reads(XC_POP, day, p) | stock_reads(XC_FP, day, p);
	switch ((enum reg_etype)f->type) {
	case EV_BIRTH: return flow_reads(XC_BIRTH, day, p) | entry_exit;
	case EV_DEATH: return flow_reads(XC_DEATH, day, p) | entry_exit | marital;
	case EV_MOVE_IN: return flow_reads(XC_IN, day, p) | entry_exit | marital;
	case EV_MOVE_OUT: return flow_reads(XC_OUT, day, p) | entry_exit | marital;
	case EV_TRANSFER: return flow_reads(XC_IN, day, p) | flow_reads(XC_OUT, day, p) | entry_exit | marital;
	case EV_MARRIAGE: return flow_reads(XC_MARRIAGE, day, p) | marital;
	case EV_DIVORCE: return flow_reads(XC_DIVORCE, day, p) | marital;
	case EV_WIDOWED: return marital;
	case EV_FP_START: return flow_reads(XC_FP_START, day, p) | stock_reads(XC_FP, day, p);
	case EV_FP_STOP: return flow_reads(XC_FP_STOP, day, p) | stock_reads(XC_FP, day, p);
	case EV_PREGNANCY: return flow_reads(XC_PREGNANCY, day, p);
	case EV_PRENATAL_SCREENING: return flow_reads(XC_PRENATAL, day, p);
	case EV_NEWBORN_SCREENING: return flow_reads(XC_NEWBORN, day, p);
	case EV_ELDERLY_CHECK: return flow_reads(XC_ELDERLY, day, p);
	case EV_HOUSEHOLD_CHANGE: {
		int y, m, d;
		day_to_ymd(p->to, &y, &m, &d);
		/* a = mask | poverty << 4 | type << 8; b = the poverty's year */
		return stock_reads(XC_HH, day, p) | (f->b == y ? EXPR_READS_ANY(XC_FP_START) : 0);
	}
	case EV_INFO_CHANGE:
		if (reg_info_field(f->a) == FLD_BIRTH_DATE) {
			static const int aged[] = {XC_POP, XC_FP, XC_BIRTH, XC_DEATH, XC_IN, XC_OUT,
						   XC_MARRIAGE, XC_DIVORCE, XC_PRENATAL, XC_ELDERLY};
			uint32_t r = 0;
			for (size_t i = 0; i < sizeof aged / sizeof aged[0]; i++)
				r |= EXPR_READS_ANY(aged[i]);
			return r;
		}
		return reg_info_field(f->a) == FLD_RESIDENCE ? entry_exit | stock_reads(XC_FP, day, p) : 0;
	default: return 0;
	}
}

/* The household a person left by the transfer f: the last one they moved
 * into before it (or entered), 0 when unknown. */
static int64_t origin_household(struct store *st, const struct reg_fact *f)
{
	struct store_person pr;
	struct reg_fact *facts = NULL;
	size_t n = 0;
	if (!f->person || store_person_get(st, NULL, f->person, &pr) != DS_OK ||
	    store_person_facts(st, f->person, true, &facts, &n) != DS_OK)
		return 0;
	int64_t hh = pr.hh;
	for (size_t i = 0; i < n && facts[i].seq != f->seq; i++)
		if (!facts[i].voided && (facts[i].type == EV_TRANSFER || facts[i].type == EV_MOVE_IN) && facts[i].hh)
			hh = facts[i].hh;
	free(facts);
	return hh;
}

static void area_of(struct store *st, int64_t hh, char area[REG_UNIT_CODE_MAX + 1])
{
	struct store_household h;
	area[0] = '\0';
	if (hh && store_household_get(st, NULL, hh, &h) == DS_OK)
		snprintf(area, REG_UNIT_CODE_MAX + 1, "%s", h.rec.area);
}

bool wf_event_areas(struct store *st, const struct store_event *e, struct reg_fact *f,
		    char area[REG_UNIT_CODE_MAX + 1], char from[REG_UNIT_CODE_MAX + 1])
{
	*f = e->fact;
	area[0] = from[0] = '\0';
	if (f->type == EV_VOID) {
		struct store_event t;
		if (store_event_by_seq(st, f->other, &t) != DS_OK)
			return false;
		*f = t.fact;
	}
	area_of(st, f->hh, area);
	if (f->type == EV_TRANSFER)
		area_of(st, origin_household(st, f), from);
	return true;
}

/* ---- records ---- */

/* The envelope of a new cycle record dated today, parsed as any record. */
static enum ds_rc new_record(struct rec *r, const char *kind, const char *unit, json_t *body,
			     struct ds_problem *pb)
{
	char id[REG_UUID_TEXT], date[11];
	uint8_t raw[16];
	rec_new_id(raw);
	reg_uuid_format(raw, id);
	day_format(day_today(), date);
	json_t *o = body ? json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", id, "kind", kind, "unit", unit,
				     "date", date, "body", body)
			 : NULL;
	if (!o) {
		memset(r, 0, sizeof *r);
		ds_problem_set(pb, NULL, 0, NULL, W_TOO_LONG);
		return DS_ENOMEM;
	}
	enum ds_rc rc = rec_parse(o, r, pb);
	json_decref(o);
	return rc;
}

enum ds_rc wf_submission_new(struct rec *r, const char *unit, const struct rpt_table *t, size_t col,
			     int64_t position, bool revision, struct ds_problem *pb)
{
	char map[11];
	day_format(t->map_date, map);
	json_t *body = json_pack("{s:s, s:s, s:s, s:I, s:b, s:o}", "form", t->form->code, "period",
				 t->period.code, "map_date", map, "position", (json_int_t)position,
				 "revision", revision, "values", wf_values(t, col));
	return new_record(r, "submission", unit, body, pb);
}

enum ds_rc wf_decision_new(struct rec *r, const char *unit, const char *form, const char *period,
			   const uint8_t sub[16], bool approve, const char *comment,
			   struct ds_problem *pb)
{
	char id[REG_UUID_TEXT];
	reg_uuid_format(sub, id);
	json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "form", form, "period", period, "submission",
				 id, "decision", approve ? "approved" : "returned");
	if (body && comment)
		json_object_set_new(body, "comment", json_string(comment));
	return new_record(r, "decision", unit, body, pb);
}

static enum ds_rc refuse(struct rec_result *res, const char *field, enum ds_why why)
{
	memset(res, 0, sizeof *res);
	res->outcome = REC_REFUSED;
	ds_problem_set(&res->problem, NULL, 0, field, why);
	return DS_OK;
}

/* The latest record of a kind for the key, parsed: DS_ENOTFOUND when none. */
static enum ds_rc latest(struct store *st, const char *kind, const char *unit, const char *key,
			 uint8_t id[16], char by[64], json_t **body)
{
	struct store_record sr;
	enum ds_rc rc = store_record_latest(st, kind, unit, key, &sr);
	if (rc)
		return rc;
	memcpy(id, sr.id, 16);
	snprintf(by, 64, "%s", sr.recorded_by);
	json_t *o = json_loads(sr.body, 0, NULL);
	*body = json_incref(json_object_get(o, "body"));
	json_decref(o);
	/* The cycle never cancels; a record without a body is not one of its. */
	return *body ? DS_OK : DS_EDB;
}

enum ds_rc wf_record(struct store *st, const struct reg_units *units, struct rec *r, const char *by,
		     struct rec_result *res)
{
	uint8_t sub[16], dec[16];
	char sub_by[64], dec_by[64];
	json_t *sbody = NULL, *dbody = NULL;
	enum ds_rc rc = latest(st, "submission", r->unit, r->key, sub, sub_by, &sbody);
	bool has_sub = rc == DS_OK;
	if (rc == DS_ENOTFOUND)
		rc = DS_OK;
	enum ds_rc rc2 = rc ? rc : latest(st, "decision", r->unit, r->key, dec, dec_by, &dbody);
	bool has_dec = rc2 == DS_OK;
	if (!rc && rc2 != DS_ENOTFOUND)
		rc = rc2;
	if (rc)
		goto out;
	/* The current submission was decided on: approved or returned. */
	bool decided = has_sub && has_dec && same_id(json_object_get(dbody, "submission"), sub);
	if (strcmp(r->kind, "submission") == 0) {
		if (has_sub && !decided) {
			refuse(res, "period", W_ALREADY_SUBMITTED);
			goto out;
		}
		r->has_supersedes = has_sub;
		memcpy(r->supersedes, sub, 16);
	} else {
		const json_t *named = json_object_get(r->body, "submission");
		enum ds_why w = !has_sub ? W_NOT_SUBMITTED
				: !same_id(named, sub) ? W_NEWER_VERSION
				: decided ? (strcmp(json_string_value(json_object_get(dbody, "decision")), "approved") == 0
						     ? W_ALREADY_APPROVED
						     : W_ALREADY_RETURNED)
				: strcmp(sub_by, by) == 0 ? W_OWN_SUBMISSION
				: W_NONE;
		if (w) {
			refuse(res, w == W_OWN_SUBMISSION ? "by" : "submission", w);
			goto out;
		}
		r->has_supersedes = has_dec;
		memcpy(r->supersedes, dec, 16);
	}
	rc = rec_record(st, units, r, by, res);
out:
	json_decref(sbody);
	json_decref(dbody);
	return rc;
}

enum ds_rc wf_why_rc(enum ds_why w)
{
	switch (w) {
	case W_NO_UNIT:
	case W_NO_RECORD: return DS_ENOTFOUND;
	case W_WRONG_LEVEL:
	case W_OWN_SUBMISSION: return DS_EDENIED;
	case W_ALREADY_SUBMITTED:
	case W_ALREADY_APPROVED:
	case W_ALREADY_RETURNED:
	case W_NOT_SUBMITTED:
	case W_NEWER_VERSION:
	case W_NOTHING_CHANGED:
	case W_NOT_APPROVED:
	case W_RECORD_STALE:
	case W_QUERY_ANSWERED: return DS_ECONFLICT;
	default: return DS_EINPUT;
	}
}
