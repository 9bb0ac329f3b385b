/*
 * Persons recorded twice (spec/quality.md, Duplicates):
 *
 *   GET  /api/v1/duplicates          the candidate pairs of a unit in the
 *                                    caller's scope, with names; pairs
 *                                    decided "not the same" left out;
 *   GET  /api/v1/duplicates/plan     what merging one into the other would
 *                                    carry over, and what it would list;
 *   POST /api/v1/duplicates/decision "not the same" (a pair_decision
 *                                    record) or "the same" (a merge event
 *                                    through the ledger, with the caller's
 *                                    scope).
 *
 * A person outside the caller's scope reads exactly as one that does not
 * exist (404); every person shown is audited before the answer.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/day.h"
#include "base/text.h"
#include "quality/decide.h"
#include "quality/dup.h"

struct scope_of {
	struct api_app *app;
	const struct api_user *user;
};

static bool area_ok(const char *area, void *arg)
{
	struct scope_of *s = arg;
	return api_user_covers(s->app, s->user, area);
}

struct pair_filter {
	struct scope_of scope;
	struct dup_decided decided;
};

static bool pair_decided(const char *a, const char *b, void *arg)
{
	return dup_decided_has(a, b, &((struct pair_filter *)arg)->decided);
}

static bool filter_area(const char *area, void *arg)
{
	return area_ok(area, &((struct pair_filter *)arg)->scope);
}

/* The name and area of one person of a pair, audited once a request (seen). */
static void name_pair(struct api_ctx *c, json_t *p, const char *side, json_t *seen)
{
	struct store_person sp;
	const char *id = json_string_value(json_object_get(p, side));
	char k[16];
	if (!id || store_person_get(c->st, id, 0, &sp) != DS_OK)
		return;
	snprintf(k, sizeof k, "%s_name", side);
	json_object_set_new(p, k, json_string(sp.cur_name));
	snprintf(k, sizeof k, "%s_area", side);
	json_object_set_new(p, k, json_string(sp.cur_area));
	if (!json_object_get(seen, id)) {
		json_object_set_new(seen, id, json_true());
		api_audit_in(c, "duplicates", "person", id, sp.cur_area, "ok");
	}
}

void h_duplicates(struct api_ctx *c)
{
	char unit[REG_UNIT_CODE_MAX + 1] = "", ms[16] = "";
	struct dup_request rq = {.min_score = DUP_MIN_SCORE};
	if (!api_query(c, "unit", unit, sizeof unit))
		snprintf(unit, sizeof unit, "%s", c->user.unit);
	if (api_query(c, "min_score", ms, sizeof ms)) {
		char *end;
		double v = strtod(ms, &end);
		if (end == ms || *end || !isfinite(v) || v < 0 || v > 1) {
			api_error(c, 400, "bad_value",
				  api_tr(c, "Điểm tối thiểu là một số từ 0 đến 1.", "min_score is a number from 0 to 1"),
				  "min_score");
			return;
		}
		rq.min_score = v;
	}
	if (!unit[0] || !api_in_scope(c, unit)) {
		api_not_found(c, "unit");
		return;
	}
	struct pair_filter f = {.scope = {c->app, &c->user}};
	enum ds_rc rc = dup_decided_load(c->app->book, &f.decided);
	rq.unit = unit;
	rq.area_ok = filter_area;
	rq.decided = pair_decided;
	rq.arg = &f;
	json_t *res = NULL;
	if (!rc)
		rc = dup_find(c->st, &rq, &res, NULL);
	dup_decided_free(&f.decided);
	if (rc == DS_ENOTFOUND) {
		api_not_found(c, "unit");
		return;
	}
	if (rc) {
		api_error(c, 503, "internal", "the candidates could not be computed", NULL);
		return;
	}
	json_t *p, *seen = json_object();
	size_t i;
	json_array_foreach(json_object_get(res, "pairs"), i, p)
	{
		name_pair(c, p, "a", seen);
		name_pair(c, p, "b", seen);
	}
	json_decref(seen);
	json_object_set_new(res, "unit", json_string(unit));
	json_object_set_new(res, "min_score", json_real(rq.min_score));
	api_json(c, 200, res);
}

/* The two persons of a plan or a decision, both in scope (else 404 naming the one missing). */
static bool two_persons(struct api_ctx *c, const char *person, const char *duplicate,
			struct store_person *p, struct store_person *d)
{
	if (!person || !api_scoped_person(c, person, p)) {
		api_not_found(c, "person");
		return false;
	}
	if (!duplicate || !api_scoped_person(c, duplicate, d)) {
		api_not_found(c, "duplicate");
		return false;
	}
	return true;
}

void h_duplicates_plan(struct api_ctx *c)
{
	char person[REG_ID_MAX + 1] = "", duplicate[REG_ID_MAX + 1] = "";
	struct store_person p, d;
	api_query(c, "person", person, sizeof person);
	api_query(c, "duplicate", duplicate, sizeof duplicate);
	if (!two_persons(c, person, duplicate, &p, &d))
		return;
	struct ledger lg = {.st = c->st};
	json_t *plan = NULL;
	if (dup_plan(&lg, p.rid, d.rid, &plan)) {
		api_error(c, 503, "internal", "the plan could not be computed", NULL);
		return;
	}
	api_audit_in(c, "merge_plan", "person", p.rec.id, p.cur_area, "ok");
	api_audit_in(c, "merge_plan", "person", d.rec.id, d.cur_area, "ok");
	json_object_set_new(plan, "person", json_string(p.rec.id));
	json_object_set_new(plan, "duplicate", json_string(d.rec.id));
	api_json(c, 200, plan);
}

/* ---- the decision ---- */

struct decision {
	bool same;
	struct reg_event ev;          /* same */
	struct ledger_result lres;
	struct rec r;                 /* not the same */
	struct rec_result rres;
	int64_t rem, dup;
	json_t *plan;
};

static bool ledger_scope(void *arg, const char *area)
{
	return area_ok(area, arg);
}

static enum ds_rc decision_run(struct api_app *app, struct store *st, const struct api_user *user,
			       void *arg)
{
	struct decision *d = arg;
	if (!d->same)
		return rec_record(st, &app->ledger.units, &d->r, user->login, &d->rres);
	/* Everything the merge names must lie in the caller's scope. */
	struct scope_of so = {app, user};
	app->ledger.scope = ledger_scope;
	app->ledger.scope_arg = &so;
	enum ds_rc rc = ledger_record(&app->ledger, &d->ev, user->login, &d->lres);
	if (!rc && d->lres.outcome == LEDGER_RECORDED)
		rc = dup_plan(&app->ledger, d->lres.fact.other, d->lres.fact.person, &d->plan);
	app->ledger.scope = NULL;
	return rc;
}

static void decision_free(struct decision *d)
{
	rec_free(&d->r);
	json_decref(d->plan);
	free(d);
}

static void decision_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct decision *d = arg;
	char id[REG_UUID_TEXT];
	if (rc) {
		api_error(c, 503, "store", api_tr(c, "Chưa ghi được quyết định; hãy gửi lại.",
						  "the decision could not be recorded; send it again"), NULL);
	} else if (d->same && d->lres.outcome == LEDGER_REFUSED) {
		if (d->lres.problem.why == W_NO_PERSON)
			api_not_found(c, d->lres.problem.field);
		else
			api_problem(c, 422, &d->lres.problem);
	} else if (!d->same && d->rres.outcome == REC_REFUSED) {
		api_problem(c, 422, &d->rres.problem);
	} else if (d->same) {
		reg_uuid_format(d->ev.id, id);
		json_t *o = json_pack("{s:s, s:s, s:I}", "decision", "same", "event", id, "seq",
				      (json_int_t)d->lres.fact.seq);
		if (d->plan)
			json_object_update(o, d->plan);
		api_json(c, d->lres.outcome == LEDGER_DUPLICATE ? 200 : 201, o);
	} else {
		reg_uuid_format(d->r.id, id);
		api_json(c, d->rres.outcome == REC_DUPLICATE ? 200 : 201,
			 json_pack("{s:s, s:s, s:I}", "decision", "not_same", "record", id, "seq",
				   (json_int_t)d->rres.seq));
	}
	decision_free(d);
}

/* The body: {"person", "duplicate", "decision": "same" | "not_same", "note"?, "id"?}. */
static const char *decision_fault(json_t *b, bool *same, uint8_t id[16], bool *has_id)
{
	const char *k;
	json_t *v;
	json_object_foreach(b, k, v)
	{
		if (strcmp(k, "person") && strcmp(k, "duplicate") && strcmp(k, "decision") &&
		    strcmp(k, "note") && strcmp(k, "id"))
			return k;
	}
	const char *dec = json_string_value(json_object_get(b, "decision"));
	if (!dec || (strcmp(dec, "same") && strcmp(dec, "not_same")))
		return "decision";
	*same = strcmp(dec, "same") == 0;
	v = json_object_get(b, "note");
	if (v && (!json_is_string(v) || json_string_length(v) > 2000))
		return "note";
	v = json_object_get(b, "id");
	*has_id = v != NULL;
	if (v && (!json_is_string(v) || !reg_uuid_parse(json_string_value(v), json_string_length(v), id)))
		return "id";
	return NULL;
}

void h_duplicates_decision(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	struct decision *d = calloc(1, sizeof *d);
	uint8_t id[16];
	bool has_id = false;
	const char *bad = d ? decision_fault(b, &d->same, id, &has_id) : NULL;
	struct store_person p, q;
	if (!d) {
		api_error(c, 503, "memory", "out of memory", NULL);
	} else if (bad) {
		api_error(c, 422, "bad_value",
			  api_tr(c, "Hãy gửi hai người (person, duplicate), quyết định same hoặc not_same, "
				    "ghi chú không quá 2000 ký tự.",
				 "Give the two persons (person, duplicate), the decision same or not_same, "
				 "and a note of at most 2000 characters."),
			  bad);
	} else if (two_persons(c, json_string_value(json_object_get(b, "person")),
			       json_string_value(json_object_get(b, "duplicate")), &p, &q)) {
		const char *note = json_string_value(json_object_get(b, "note"));
		struct ds_problem pb = {0};
		if (d->same) {
			dup_merge_event(&d->ev, has_id ? id : NULL, p.rec.id, q.rec.id);
			snprintf(d->ev.text, sizeof d->ev.text, "%s", note ? note : "");
			api_write_block(c, decision_run, decision_done, d);
			d = NULL;
		} else if (dup_not_same_record(&d->r, has_id ? id : NULL, p.rec.id, q.rec.id, p.cur_area, note,
					       &pb)) {
			api_problem(c, 422, &pb);
		} else {
			api_write_block(c, decision_run, decision_done, d);
			d = NULL;
		}
	}
	if (d)
		decision_free(d);
	json_decref(b);
}

/* ---- the check at entry ---- */

#define MATCH_SCAN 400 /* namesakes read at most */
#define MATCH_MAX 5    /* matches answered at most */

/* The commune above an area today and the areas under it in the caller's scope (JSON text). */
static char *commune_areas(struct api_ctx *c, const char *area, char commune[REG_UNIT_CODE_MAX + 1])
{
	const struct eng_view *v = engine_read(c->app->engine);
	const struct reg_units *t = eng_units(v);
	snprintf(commune, REG_UNIT_CODE_MAX + 1, "%s", reg_units_above(t, area, LVL_COMMUNE, day_today()));
	char **codes = NULL;
	size_t n = 0;
	json_t *a = json_array();
	if (commune[0] && engine_units_under(v, commune, LVL_AREA, day_today(), &codes, &n) == DS_OK)
		for (size_t i = 0; i < n; i++) {
			if (api_user_covers(c->app, &c->user, codes[i]))
				json_array_append_new(a, json_string(codes[i]));
			free(codes[i]);
		}
	free(codes);
	engine_read_end(v);
	if (!json_array_size(a))
		json_array_append_new(a, json_string(area));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

struct match {
	struct api_ctx *c;
	struct dup_person want;
	json_t *found;
	int64_t skip; /* the national id's owner, already found */
};

static void add_match(struct match *m, const struct store_person *sp, double score, json_t *reasons)
{
	char birth[11];
	day_format_partial(sp->rec.birth, (enum day_prec)sp->rec.birth_prec, birth);
	json_array_append_new(m->found, json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:f, s:o}", "person_id", sp->rec.id,
						  "name", sp->cur_name, "birth_date", birth, "sex", sp->rec.sex,
						  "area", sp->cur_area, "household", sp->cur_household, "score",
						  round(score * 1000) / 1000, "reasons", reasons));
}

static enum ds_rc match_one(const struct store_person *sp, void *arg)
{
	struct match *m = arg;
	if (sp->exit != DAY_MAX || sp->rid == m->skip)
		return DS_OK;
	struct reg_person r = sp->rec;
	snprintf(r.full_name, sizeof r.full_name, "%s", sp->cur_name);
	snprintf(r.national_id, sizeof r.national_id, "%s", sp->cur_nid);
	struct dup_person p;
	if (dup_person_of(&r, &p))
		return DS_OK;
	p.area = sp->cur_area;
	p.commune = m->want.commune;
	p.district = "";
	json_t *reasons = json_array();
	double s = dup_score(&m->want, &p, reasons);
	if (s + 1e-9 >= DUP_MIN_SCORE)
		add_match(m, sp, s, reasons);
	else
		json_decref(reasons);
	return DS_OK;
}

/*
 * The folded given name and every word one slip from it (a letter deleted,
 * two neighbours swapped, one replaced or one added, a-z: about 300 for a
 * name of five letters), as a JSON array: each is one probe of the
 * given-name index, so a typo in the given name still finds the person.
 * A word with other bytes than a-z gets itself only.
 */
static char *given_variants(const char *w)
{
	size_t n = strlen(w);
	json_t *a = json_array();
	json_array_append_new(a, json_string(w));
	bool plain = n > 0 && n < 32;
	for (size_t i = 0; plain && i < n; i++)
		plain = w[i] >= 'a' && w[i] <= 'z';
	char v[40];
	for (size_t i = 0; plain && i <= n; i++) {
		if (i < n) { /* deleted */
			snprintf(v, sizeof v, "%.*s%s", (int)i, w, w + i + 1);
			if (v[0])
				json_array_append_new(a, json_string(v));
		}
		if (i + 1 < n && w[i] != w[i + 1]) { /* swapped */
			snprintf(v, sizeof v, "%s", w);
			v[i] = w[i + 1];
			v[i + 1] = w[i];
			json_array_append_new(a, json_string(v));
		}
		for (char ch = 'a'; ch <= 'z'; ch++) {
			if (i < n && ch != w[i]) { /* replaced */
				snprintf(v, sizeof v, "%s", w);
				v[i] = ch;
				json_array_append_new(a, json_string(v));
			}
			snprintf(v, sizeof v, "%.*s%c%s", (int)i, w, ch, w + i); /* added */
			json_array_append_new(a, json_string(v));
		}
	}
	char *out = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return out;
}

static int by_score(const void *pa, const void *pb)
{
	double a = json_real_value(json_object_get(*(json_t *const *)pa, "score"));
	double b = json_real_value(json_object_get(*(json_t *const *)pb, "score"));
	return (a < b) - (a > b);
}

/* The person being entered, from the query: name, sex, birth, national id. */
static const char *entered(struct api_ctx *c, struct reg_person *r)
{
	char sex[4] = "", birth[16] = "";
	memset(r, 0, sizeof *r);
	if (!api_query(c, "full_name", r->full_name, sizeof r->full_name) || !r->full_name[0])
		return "full_name";
	api_query(c, "sex", sex, sizeof sex);
	if (strcmp(sex, "1") && strcmp(sex, "2"))
		return "sex";
	r->sex = (uint8_t)(sex[0] - '0');
	enum day_prec prec;
	if (!api_query(c, "birth_date", birth, sizeof birth) ||
	    !day_parse_partial(birth, strlen(birth), &r->birth, &prec))
		return "birth_date";
	r->birth_prec = (uint8_t)prec;
	api_query(c, "national_id", r->national_id, sizeof r->national_id);
	memcpy(r->ethnicity, "00", 3);
	return NULL;
}

void h_duplicates_match(struct api_ctx *c)
{
	struct reg_person r;
	const char *bad = entered(c, &r);
	char hh[REG_ID_MAX + 1] = "", mother[REG_ID_MAX + 1] = "", area[REG_UNIT_CODE_MAX + 1] = "";
	api_query(c, "household", hh, sizeof hh);
	api_query(c, "mother", mother, sizeof mother);
	if (bad) {
		api_error(c, 400, "bad_value",
			  api_tr(c, "Hãy gửi họ tên, giới tính (1 hoặc 2) và ngày sinh.",
				 "give full_name, sex (1 or 2) and birth_date"),
			  bad);
		return;
	}
	/* Where the person is being entered: the household, or the mother's. */
	struct store_household h;
	struct store_person mp;
	if (hh[0] && store_household_get(c->st, hh, 0, &h) == DS_OK && api_in_scope(c, h.rec.area))
		snprintf(area, sizeof area, "%s", h.rec.area);
	else if (!hh[0] && mother[0] && api_scoped_person(c, mother, &mp))
		snprintf(area, sizeof area, "%s", mp.cur_area);
	if (!area[0]) {
		api_not_found(c, hh[0] ? "household" : "mother");
		return;
	}
	char commune[REG_UNIT_CODE_MAX + 1];
	char *areas = commune_areas(c, area, commune);
	struct match m = {.c = c, .found = json_array()};
	if (dup_person_of(&r, &m.want) == DS_OK && areas) {
		m.want.area = area;
		m.want.commune = commune;
		m.want.district = "";
		/* The same national id anywhere in the caller's scope. */
		int64_t owner = 0;
		struct store_person op;
		if (r.national_id[0] && store_nid_owner(c->st, r.national_id, &owner) == DS_OK &&
		    store_person_get(c->st, NULL, owner, &op) == DS_OK && api_in_scope(c, op.cur_area) &&
		    op.exit == DAY_MAX) {
			add_match(&m, &op, 1.0, json_pack("[s]", "national_id"));
			m.skip = owner;
		}
		/* Namesakes of the commune born the same year: the same given name,
		 * or one slip from it. */
		char key[REG_NAME_BYTES];
		int y, mo, d;
		day_to_ymd(r.birth, &y, &mo, &d);
		char *keys = txt_fold(r.full_name, strlen(r.full_name), key, sizeof key) == DS_OK
				     ? given_variants(txt_last_word(key))
				     : NULL;
		if (keys)
			store_find_given(c->st, keys, y, areas, MATCH_SCAN, match_one, &m);
		free(keys);
	}
	free(areas);
	size_t n = json_array_size(m.found);
	json_t **v = calloc(n + 1, sizeof *v);
	json_t *out = json_array();
	for (size_t i = 0; v && i < n; i++)
		v[i] = json_array_get(m.found, i);
	if (v && n)
		qsort(v, n, sizeof *v, by_score);
	for (size_t i = 0; v && i < n && i < MATCH_MAX; i++) {
		json_array_append(out, v[i]);
		api_audit_in(c, "entry_match", "person", json_string_value(json_object_get(v[i], "person_id")),
			     json_string_value(json_object_get(v[i], "area")), "ok");
	}
	free(v);
	json_decref(m.found);
	api_json(c, 200, json_pack("{s:o}", "matches", out));
}
