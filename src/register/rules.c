/* The register's rules: packing an event into a fact, checking it against a person's state, replaying a timeline. */
#include "register/rules.h"

#include <stdlib.h>
#include <string.h>

#include "base/day.h"

void reg_state_init(struct reg_state *s, int64_t rid, const struct reg_person *p, int64_t hh,
		    int32_t entry)
{
	*s = (struct reg_state){
		.rid = rid,
		.entry = entry,
		.exit = DAY_MAX,
		.sex = p->sex,
		.birth = p->birth,
		.marital = p->marital,
		.residence = p->residence,
		.education = p->education,
		.relation = p->relation,
		.fp_method = p->fp_method,
		.hh = hh,
	};
}

static int pack_results(const uint8_t *r, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v |= r[i] << (2 * i);
	return v;
}

void reg_fact_from_event(struct reg_fact *f, const struct reg_event *ev, int64_t person,
			 int64_t hh, int64_t other)
{
	*f = (struct reg_fact){.date = ev->date, .type = (uint8_t)ev->type, .person = person,
			       .hh = hh, .other = other};
	struct reg_person tmp;
	switch (ev->type) {
	case EV_BIRTH: f->a = reg_birth_a(ev->np.sex, ev->place, ev->order); break;
	case EV_NEWBORN_SCREENING: f->a = pack_results(ev->results, NEWBORN_CONDITIONS); break;
	case EV_MOVE_IN: f->a = ev->has_nh; break;
	case EV_MARRIAGE: f->a = reg_marriage_a(ev->consanguineous, ev->premarital_check); break;
	case EV_INFO_CHANGE:
		f->a = ev->field;
		switch (ev->field) {
		case FLD_BIRTH_DATE:
			reg_person_init(&tmp);
			reg_person_set(&tmp, PC_BIRTH, ev->value, strlen(ev->value));
			f->a = reg_info_a(ev->field, tmp.birth_prec);
			f->b = tmp.birth;
			break;
		case FLD_ETHNICITY:
		case FLD_EDUCATION:
		case FLD_RELATION:
		case FLD_RESIDENCE: {
			/* The parser checked the value: a code of digits. */
			int code = 0;
			reg_parse_small(ev->value, strlen(ev->value), 0, 999999, &code);
			f->b = code;
			break;
		}
		default: break;
		}
		break;
	case EV_FP_START:
		f->a = reg_fp_a(ev->method, ev->source > 0 ? ev->source : 0);
		f->b = ev->living_children;
		break;
	case EV_FP_STOP: f->a = ev->method; break;
	case EV_PREGNANCY:
		f->a = ev->outcome;
		f->b = ev->order;
		break;
	case EV_PRENATAL_SCREENING:
		f->a = ev->week;
		f->b = pack_results(ev->results, PRENATAL_CONDITIONS);
		break;
	case EV_HOUSEHOLD_CHANGE:
		f->a = reg_hc_a((ev->poverty >= 0 ? REG_HC_POVERTY : 0) | (ev->hh_type > 0 ? REG_HC_TYPE : 0) |
					(ev->text[0] ? REG_HC_ADDRESS : 0) | (ev->head[0] ? REG_HC_HEAD : 0),
				ev->poverty > 0 ? ev->poverty : 0, ev->hh_type > 0 ? ev->hh_type : 0);
		f->b = ev->year;
		break;
	default: break;
	}
}

static struct reg_verdict refuse(enum ds_why why, const char *field)
{
	return (struct reg_verdict){why, field, DS_SEV_ERROR};
}

static const struct reg_verdict accepted = {W_NONE, NULL, DS_SEV_ERROR};

/* The member that names the subject of a type. */
static const char *subject_member(int type)
{
	return type == EV_BIRTH ? "mother" : "person";
}

/* Rules for a woman giving birth or pregnant: female, aged 10-60. */
static struct reg_verdict check_mother(const struct reg_state *s, int32_t date, const char *who)
{
	if (s->sex != SEX_FEMALE)
		return refuse(s->sex == SEX_MALE && who[0] == 'm' ? W_MOTHER_MALE : W_NOT_FEMALE, who);
	int age = day_age(s->birth, date);
	if (age < 10)
		return refuse(W_MOTHER_TOO_YOUNG, who);
	if (age > 60)
		return refuse(W_MOTHER_TOO_OLD, who);
	return accepted;
}

struct reg_verdict reg_check(const struct reg_fact *f, const struct reg_state *s)
{
	if (f->type == EV_HOUSEHOLD_CHANGE || f->type == EV_VOID)
		return accepted;
	/* A person who left or died can still turn out to be a copy. */
	if (f->type == EV_MERGE)
		return s->exit_kind == EXIT_MERGED ? refuse(W_ALREADY_MERGED, "duplicate") : accepted;
	if (s->exit_kind == EXIT_MERGED)
		return refuse(W_MERGED, subject_member(f->type));
	const char *who = subject_member(f->type);
	if (f->date < s->birth)
		return refuse(f->type == EV_DEATH ? W_DEATH_BEFORE_BIRTH : W_AGE_NEGATIVE, "date");
	if (f->date < s->entry)
		return refuse(W_BEFORE_ENTRY, "date");
	if (f->date >= s->exit || s->exit_kind != EXIT_NONE)
		return refuse(s->exit_kind == EXIT_DEATH && f->type == EV_DEATH ? W_ALREADY_DEAD
										 : W_AFTER_EXIT,
			      who);
	int age = day_age(s->birth, f->date);
	switch (f->type) {
	case EV_BIRTH:
		return check_mother(s, f->date, "mother");
	case EV_PREGNANCY:
	case EV_PRENATAL_SCREENING:
		return check_mother(s, f->date, "person");
	case EV_NEWBORN_SCREENING:
		return f->date - s->birth > 365 ? refuse(W_NOT_NEWBORN, "person") : accepted;
	case EV_TRANSFER:
		return f->hh == s->hh ? refuse(W_SAME_HOUSEHOLD, "household") : accepted;
	case EV_MARRIAGE:
		if (s->marital == MAR_MARRIED)
			return refuse(W_ALREADY_MARRIED, "person");
		if (age < 10)
			return refuse(W_TOO_YOUNG_TO_MARRY, "person");
		return f->other && f->other == s->rid ? refuse(W_SELF_SPOUSE, "spouse") : accepted;
	case EV_DIVORCE:
	case EV_WIDOWED:
		return s->marital == MAR_MARRIED || s->marital == MAR_SEPARATED
			       ? accepted
			       : refuse(W_NOT_MARRIED, "person");
	case EV_FP_START:
		if (s->sex != SEX_FEMALE)
			return refuse(W_NOT_FEMALE, "person");
		if (s->marital != MAR_MARRIED || age < 15 || age > 49)
			return (struct reg_verdict){W_FP_NOT_ELIGIBLE, "person", DS_SEV_WARNING};
		return accepted;
	case EV_FP_STOP:
		if (s->sex != SEX_FEMALE)
			return refuse(W_NOT_FEMALE, "person");
		if (!s->fp_method)
			return refuse(W_NOT_USING_FP, "method");
		return s->fp_method == reg_fp_method(f->a) ? accepted : refuse(W_FP_METHOD_MISMATCH, "method");
	case EV_ELDERLY_CHECK:
		return age < 60 ? refuse(W_NOT_ELDERLY, "person") : accepted;
	case EV_INFO_CHANGE:
		if (reg_info_field(f->a) == FLD_BIRTH_DATE && f->b > s->entry)
			return refuse(W_BORN_AFTER_BASELINE, "value");
		return accepted;
	default:
		return accepted;
	}
}

/* store_sqlite.c and store_pg.c filter passive facts by these numbers. */
_Static_assert(EV_NEWBORN_SCREENING == 2 && EV_PREGNANCY == 13 && EV_PRENATAL_SCREENING == 14 &&
		       EV_ELDERLY_CHECK == 15 && EV_HOUSEHOLD_CHANGE == 16 && EV_VOID == 17,
	       "event type numbers are stored");

bool reg_passive(int type)
{
	return type == EV_NEWBORN_SCREENING || type == EV_PREGNANCY || type == EV_PRENATAL_SCREENING ||
	       type == EV_ELDERLY_CHECK;
}

void reg_apply(struct reg_state *s, const struct reg_fact *f)
{
	switch (f->type) {
	case EV_DEATH:
		s->exit = f->date;
		s->exit_kind = EXIT_DEATH;
		break;
	case EV_MOVE_OUT:
		s->exit = f->date;
		s->exit_kind = EXIT_MOVE_OUT;
		break;
	case EV_TRANSFER: s->hh = f->hh; break;
	case EV_MERGE:
		s->exit = s->entry;
		s->exit_kind = EXIT_MERGED;
		break;
	case EV_MARRIAGE: s->marital = MAR_MARRIED; break;
	case EV_DIVORCE: s->marital = MAR_DIVORCED; break;
	case EV_WIDOWED: s->marital = MAR_WIDOWED; break;
	case EV_FP_START: s->fp_method = (uint8_t)reg_fp_method(f->a); break;
	case EV_FP_STOP: s->fp_method = 0; break;
	case EV_INFO_CHANGE:
		switch (reg_info_field(f->a)) {
		case FLD_EDUCATION: s->education = (uint8_t)f->b; break;
		case FLD_RELATION: s->relation = (uint8_t)f->b; break;
		case FLD_RESIDENCE: s->residence = (uint8_t)f->b; break;
		default: break;
		}
		break;
	default: break;
	}
}

static int fact_cmp(const void *pa, const void *pb)
{
	const struct reg_fact *a = pa, *b = pb;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

void reg_facts_sort(struct reg_fact *facts, size_t n)
{
	qsort(facts, n, sizeof *facts, fact_cmp);
}

/* Birth-date corrections hold for every date: the last one wins; so does a merge. */
static void corrected_birth(struct reg_state *s, const struct reg_fact *facts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (facts[i].voided || facts[i].person != s->rid)
			continue;
		if (facts[i].type == EV_INFO_CHANGE && reg_info_field(facts[i].a) == FLD_BIRTH_DATE)
			s->birth = facts[i].b;
		if (facts[i].type == EV_MERGE)
			reg_apply(s, &facts[i]);
	}
}

/* True when the fact concerns s as subject (a birth concerns the mother). */
static bool is_subject(const struct reg_state *s, const struct reg_fact *f)
{
	return f->person == s->rid && f->type != EV_HOUSEHOLD_CHANGE && f->type != EV_VOID;
}

struct reg_verdict reg_replay(struct reg_state *s, const struct reg_fact *facts, size_t n,
			      size_t *bad)
{
	corrected_birth(s, facts, n);
	for (size_t i = 0; i < n; i++) {
		const struct reg_fact *f = &facts[i];
		if (f->voided || !is_subject(s, f))
			continue;
		if (f->type == EV_MERGE)
			continue; /* applied from the start (corrected_birth) */
		struct reg_verdict v = reg_check(f, s);
		if (v.why && v.severity == DS_SEV_ERROR) {
			*bad = i;
			return v;
		}
		reg_apply(s, f);
	}
	return accepted;
}

void reg_state_at(struct reg_state *s, const struct reg_fact *facts, size_t n, int32_t at)
{
	corrected_birth(s, facts, n);
	for (size_t i = 0; i < n && facts[i].date <= at; i++)
		if (!facts[i].voided && is_subject(s, &facts[i]))
			reg_apply(s, &facts[i]);
}

bool reg_merged(const struct reg_fact *facts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!facts[i].voided && facts[i].type == EV_MERGE && facts[i].person > 0 &&
		    facts[i].other != facts[i].person)
			return true;
	return false;
}

bool reg_merge_movable(int type)
{
	switch (type) {
	case EV_BIRTH:
	case EV_NEWBORN_SCREENING:
	case EV_MARRIAGE:
	case EV_DIVORCE:
	case EV_WIDOWED:
	case EV_FP_START:
	case EV_FP_STOP:
	case EV_PREGNANCY:
	case EV_PRENATAL_SCREENING:
	case EV_ELDERLY_CHECK: return true;
	default: return false;
	}
}

/* Whether the timeline facts[0..n) (sorted) replays from rem0 without refusal. */
static bool replays(const struct reg_state *rem0, const struct reg_fact *facts, size_t n)
{
	struct reg_state s = *rem0;
	size_t bad;
	return reg_replay(&s, facts, n, &bad).why == W_NONE;
}

size_t reg_merge_timeline(const struct reg_state *rem0, const struct reg_fact *rem, size_t nr,
			  const struct reg_fact *dup, size_t nd, struct reg_fact *out, bool *fits)
{
	size_t n = nr;
	if (nr)
		memcpy(out, rem, nr * sizeof *out);
	for (size_t i = 0; i < nd; i++) {
		bool keep = !dup[i].voided && reg_merge_movable(dup[i].type);
		if (keep) {
			out[n] = dup[i];
			out[n].person = rem0->rid;
			/* The trial goes in its place: insertion into the sorted prefix. */
			size_t k = n;
			while (k > 0 && (out[k - 1].date > out[n].date ||
					 (out[k - 1].date == out[n].date && out[k - 1].seq > out[n].seq)))
				k--;
			struct reg_fact t = out[n];
			memmove(out + k + 1, out + k, (n - k) * sizeof *out);
			out[k] = t;
			keep = replays(rem0, out, n + 1);
			if (keep)
				n++;
			else
				memmove(out + k, out + k + 1, (n - k) * sizeof *out);
		}
		if (fits)
			fits[i] = keep;
	}
	return n;
}
