/*
 * The quality report of a unit and period: every check of the definitions
 * (record and flow checks from one view of the engine, late entries from
 * the store's recording times), every rule over the period's form, and the
 * outliers of the communes' monthly series of 01-DSX.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "base/progress.h"
#include "quality/quality.h"
#include "report/expr.h"
#include "records/book.h"
#include "store/register.h"
#include "workflow/timely.h"



#include "quality/quality_int.h"

struct finding *q_add(struct run *r, int check, int rule, enum q_severity sev)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct finding *f = realloc(r->f, cap * sizeof *f);
		if (!f)
			return NULL;
		r->f = f;
		r->cap = cap;
	}
	struct finding *f = &r->f[r->n];
	memset(f, 0, sizeof *f);
	f->check = check;
	f->rule = rule;
	f->sev = sev;
	f->date = DAY_NONE;
	f->vars = json_object();
	f->extra = json_object();
	if (!f->vars || !f->extra) {
		json_decref(f->vars);
		json_decref(f->extra);
		return NULL;
	}
	r->n++;
	return f;
}

void q_var_s(struct finding *f, const char *k, const char *v)
{
	json_object_set_new(f->vars, k, json_string(v ? v : ""));
}

void q_var_n(struct run *r, struct finding *f, const char *k, double v, int decimals)
{
	char s[48];
	rpt_format_number(v, decimals, r->lang, s, sizeof s);
	q_var_s(f, k, s);
}

static void var_date(struct finding *f, const char *k, int32_t day, bool en)
{
	int y, m, d;
	char s[16];
	day_to_ymd(day, &y, &m, &d);
	if (en)
		snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
	else
		snprintf(s, sizeof s, "%02d/%02d/%04d", d, m, y);
	q_var_s(f, k, s);
}

/* The commune an area lies in on the map date (the unit itself at or above it). */
static const struct reg_unit *commune_of(const struct reg_units *t, const char *code, int32_t day)
{
	const struct reg_unit *u = reg_units_resolve(t, code, day);
	for (int guard = 0; u && u->level > LVL_COMMUNE && guard < 8; guard++)
		u = reg_units_resolve(t, u->parent, day);
	return u;
}

static void set_unit(struct run *r, const struct eng_view *v, struct finding *f, const char *area)
{
	const struct reg_units *t = eng_units(v);
	const struct reg_unit *c = r->level >= LVL_COMMUNE ? NULL : commune_of(t, area, r->map);
	snprintf(f->unit, sizeof f->unit, "%s", c ? c->code : r->unit);
	snprintf(f->unit_name, sizeof f->unit_name, "%s", c ? c->name : r->unit_name);
	snprintf(f->area, sizeof f->area, "%s", area);
	q_var_s(f, "unit", f->unit_name);
	const struct reg_unit *a = reg_units_resolve(t, area, r->map);
	q_var_s(f, "area", a ? a->name : area);
}

/* ---- record checks ---- */

static enum ds_rc nid_one(int64_t rid, const char *nid, void *arg)
{
	struct { struct eng_nid *v; size_t n, cap; } *l = arg;
	if (!ds_grow(&l->v, sizeof *l->v, &l->cap, l->n, 1024))
		return DS_ENOMEM;
	l->v[l->n].person = rid;
	snprintf(l->v[l->n++].nid, sizeof l->v->nid, "%s", nid);
	return DS_OK;
}

/* The current national ids, read from the store before the engine's view. */
static enum ds_rc national_ids_read(struct run *r)
{
	struct { struct eng_nid *v; size_t n, cap; } l = {0};
	enum ds_rc rc = store_each_nid(r->st, nid_one, &l);
	if (rc) {
		free(l.v);
		return rc;
	}
	r->nids = l.v;
	r->nnids = l.n;
	return DS_OK;
}

/* The parts of the id that disagree, as the officer reads them. */
static void var_what(struct finding *f, int bad, bool en)
{
	static const char *const part[2][3] = {
		{"mã tỉnh nơi đăng ký khai sinh (3 chữ số đầu)", "giới tính và thế kỷ sinh (chữ số thứ 4)",
		 "năm sinh (chữ số thứ 5 và 6)"},
		{"the province code of the birth registration (digits 1-3)",
		 "the sex and century of birth (digit 4)", "the year of birth (digits 5 and 6)"}};
	char s[256] = "";
	size_t k = 0;
	for (int i = 0; i < 3; i++)
		if (bad & (1 << i)) {
			k += (size_t)snprintf(s + k, sizeof s - k, "%s%s", k ? "; " : "", part[en][i]);
		}
	q_var_s(f, "what", s);
}

/* The record checks: an item per person, household or area the engine names. */
static enum ds_rc person_items(struct run *r, const struct eng_view *v, int ci)
{
	const struct q_check *c = &r->d->checks[ci];
	struct eng_qitem *it = NULL;
	size_t n = 0;
	enum ds_rc rc;
	if (c->fn == QF_AGE_OVER)
		rc = engine_q_aged_over(v, r->unit, r->map, r->p.to, (int)c->arg[0], &it, &n);
	else if (c->fn == QF_MOTHER_AGE)
		rc = engine_q_mother_age(v, r->unit, r->map, r->p.from, r->p.to, (int)c->arg[0],
					 (int)c->arg[1], &it, &n);
	else if (c->fn == QF_NATIONAL_ID)
		rc = engine_q_national_ids(v, r->unit, r->map, r->p.to, r->nids, r->nnids, &it, &n);
	else if (c->fn == QF_NO_FP_STATUS) /* by area: age holds the count */
		rc = engine_q_no_fp_status(v, r->unit, r->map, r->p.to, (int)c->arg[0], (int)c->arg[1], &it,
					   &n);
	else if (c->fn == QF_EMPTY_HOUSEHOLD) /* person holds the household */
		rc = engine_q_empty_households(v, r->unit, r->map, r->p.to, &it, &n);
	else if (c->fn == QF_NO_HEAD) /* person holds the household */
		rc = engine_q_no_head(v, r->unit, r->map, r->p.to, &it, &n);
	else
		rc = engine_q_present_twice(v, r->unit, r->map, r->p.to, &it, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		struct finding *f = q_add(r, ci, -1, c->severity);
		if (!f) {
			rc = DS_ENOMEM;
			break;
		}
		set_unit(r, v, f, engine_area_code(v, it[i].area));
		bool household = c->fn == QF_EMPTY_HOUSEHOLD || c->fn == QF_NO_HEAD;
		*(household ? &f->household : &f->person) = it[i].person;
		f->seq = it[i].seq;
		f->date = it[i].date;
		var_date(f, "date", it[i].date, r->en);
		if (c->fn == QF_NATIONAL_ID)
			var_what(f, it[i].age, r->en);
		else if (!household)
			q_var_n(r, f, c->fn == QF_TWO_HOUSEHOLDS || c->fn == QF_NO_FP_STATUS ? "count" : "age",
				it[i].age, 0);
		if (c->fn == QF_NO_FP_STATUS)
			json_object_set_new(f->extra, "count", json_integer(it[i].age));
	}
	free(it);
	return rc;
}

/* ---- flow checks ---- */

/* The communes under the unit (the unit itself at commune level or below). */
enum ds_rc q_communes(struct run *r, const struct eng_view *v, char ***codes, size_t *n)
{
	if (r->level >= LVL_COMMUNE) {
		*codes = malloc(sizeof **codes);
		if (!*codes || !((*codes)[0] = strdup(r->unit))) {
			free(*codes);
			return DS_ENOMEM;
		}
		*n = 1;
		return DS_OK;
	}
	return engine_units_under(v, r->unit, LVL_COMMUNE, r->map, codes, n);
}

void q_free_codes(char **codes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(codes[i]);
	free(codes);
}

static enum ds_rc balance(struct run *r, const struct eng_view *v, int ci)
{
	char **codes = NULL;
	size_t n = 0;
	enum ds_rc rc = q_communes(r, v, &codes, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		struct eng_balance b;
		if ((rc = engine_balance(v, codes[i], r->p.from, r->p.to, r->map, &b)))
			break;
		int64_t diff = b.end - (b.start + b.births - b.deaths + b.in - b.out + b.other_in -
					b.other_out);
		eng_balance_free(&b);
		if (!diff)
			continue;
		struct finding *f = q_add(r, ci, -1, r->d->checks[ci].severity);
		if (!f) {
			rc = DS_ENOMEM;
			break;
		}
		const struct reg_unit *u = reg_units_resolve(eng_units(v), codes[i], r->map);
		snprintf(f->unit, sizeof f->unit, "%s", codes[i]);
		snprintf(f->unit_name, sizeof f->unit_name, "%s", u ? u->name : codes[i]);
		q_var_s(f, "unit", f->unit_name);
		q_var_n(r, f, "difference", (double)diff, 0);
		q_var_n(r, f, "start", (double)b.start, 0);
		q_var_n(r, f, "end", (double)b.end, 0);
		q_var_n(r, f, "births", (double)b.births, 0);
		q_var_n(r, f, "deaths", (double)b.deaths, 0);
		q_var_n(r, f, "in", (double)b.in, 0);
		q_var_n(r, f, "out", (double)b.out, 0);
		q_var_n(r, f, "other_in", (double)b.other_in, 0);
		q_var_n(r, f, "other_out", (double)b.other_out, 0);
		json_object_set_new(f->extra, "difference", json_integer((json_int_t)diff));
	}
	q_free_codes(codes, n);
	return rc;
}

static enum ds_rc no_events(struct run *r, const struct eng_view *v, int ci)
{
	int months = (int)r->d->checks[ci].arg[0];
	int32_t from = day_add_months(day_month_start(r->p.to), -(months - 1));
	if (r->first_day == DAY_NONE || from <= r->first_day) {
		char note[200];
		snprintf(note, sizeof note, "%s: %s", r->d->checks[ci].id,
			 r->en ? "the register is younger than the months this check looks at"
			       : "sổ đăng ký chưa đủ số tháng mà phép kiểm tra này cần");
		json_array_append_new(r->notes, json_string(note));
		return DS_OK;
	}
	int32_t *areas = NULL;
	int64_t *counts = NULL;
	size_t n = 0;
	enum ds_rc rc = engine_q_area_events(v, r->unit, r->map, from, r->p.to, &areas, &counts, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		if (counts[i])
			continue;
		struct finding *f = q_add(r, ci, -1, r->d->checks[ci].severity);
		if (!f) {
			rc = DS_ENOMEM;
			break;
		}
		set_unit(r, v, f, engine_area_code(v, areas[i]));
		q_var_n(r, f, "months", months, 0);
		var_date(f, "from", from, r->en);
	}
	free(areas);
	free(counts);
	return rc;
}

/* The events of the period in each area of the unit, gathered in the view
 * with the names the findings need, and read from the store after it
 * (their recording time and author). */
struct area_events {
	char area[REG_UNIT_CODE_MAX + 1], area_name[REG_TEXT_BYTES];
	char unit[REG_UNIT_CODE_MAX + 1], unit_name[REG_TEXT_BYTES];
	int64_t *seqs;
	size_t n;
};

static int by_area(const void *pa, const void *pb)
{
	const struct eng_qitem *a = pa, *b = pb;
	return a->area < b->area ? -1 : a->area > b->area ? 1 : (a->seq > b->seq) - (a->seq < b->seq);
}

/* The period's events grouped by area, with the areas' names (in the view). */
static enum ds_rc events_by_area(struct run *r, const struct eng_view *v, struct area_events **out,
				 size_t *nout)
{
	struct eng_qitem *it = NULL;
	size_t n = 0, na = 0;
	*out = NULL;
	*nout = 0;
	enum ds_rc rc = engine_q_events(v, r->unit, r->map, r->p.from, r->p.to, &it, &n);
	if (!rc && n > 1)
		qsort(it, n, sizeof *it, by_area);
	for (size_t i = 0; i < n; i++)
		na += i == 0 || it[i].area != it[i - 1].area;
	struct area_events *ae = rc ? NULL : calloc(na + 1, sizeof *ae);
	if (!rc && !ae)
		rc = DS_ENOMEM;
	const struct reg_units *tree = eng_units(v);
	for (size_t i = 0, k = 0; i < n && !rc; k++) {
		size_t j = i;
		while (j < n && it[j].area == it[i].area)
			j++;
		const char *code = engine_area_code(v, it[i].area);
		struct area_events *a = &ae[k];
		const struct reg_unit *u = reg_units_resolve(tree, code, r->map);
		const struct reg_unit *c = r->level >= LVL_COMMUNE ? NULL : commune_of(tree, code, r->map);
		snprintf(a->area, sizeof a->area, "%s", code);
		snprintf(a->area_name, sizeof a->area_name, "%s", u ? u->name : code);
		snprintf(a->unit, sizeof a->unit, "%s", c ? c->code : r->unit);
		snprintf(a->unit_name, sizeof a->unit_name, "%s", c ? c->name : r->unit_name);
		if (!(a->seqs = malloc((j - i) * sizeof *a->seqs))) {
			rc = DS_ENOMEM;
			break;
		}
		for (size_t m = i; m < j; m++)
			a->seqs[a->n++] = it[m].seq;
		*nout = k + 1;
		i = j;
	}
	free(it);
	*out = ae;
	return rc;
}

/* Vietnam's day of a unix time (UTC+7, no daylight saving). */
static int32_t vn_day(int64_t t)
{
	int64_t s = t + 7 * 3600;
	return day_from_ymd(1970, 1, 1) + (int32_t)((s - (s < 0 ? 86399 : 0)) / 86400);
}

struct by_login {
	char login[64];
	int64_t n;
};

/* An event of the period, by sequence number, with its area. */
struct seq_area {
	int64_t seq;
	size_t area; /* index into the area_events */
};

static int by_seq(const void *pa, const void *pb)
{
	const struct seq_area *a = pa, *b = pb;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Who recorded each area's events late, and how many each. */
struct late_scan {
	const struct seq_area *ev;
	size_t n;
	int days;
	struct by_login **who; /* per area */
	size_t *nwho;
};

static enum ds_rc late_one(const struct store_event *ev, void *arg)
{
	struct late_scan *l = arg;
	if (ev->fact.seq > l->ev[l->n - 1].seq)
		return DS_ELIMIT; /* past the period's last event: stop */
	struct seq_area key = {ev->fact.seq, 0};
	const struct seq_area *hit = bsearch(&key, l->ev, l->n, sizeof key, by_seq);
	if (!hit || vn_day(ev->recorded_at) - ev->fact.date <= l->days)
		return DS_OK;
	/* A transfer between two areas is in both. */
	while (hit > l->ev && hit[-1].seq == key.seq)
		hit--;
	for (; hit < l->ev + l->n && hit->seq == key.seq; hit++) {
		struct by_login **who = &l->who[hit->area];
		size_t *nwho = &l->nwho[hit->area], w = 0;
		while (w < *nwho && strcmp((*who)[w].login, ev->recorded_by) != 0)
			w++;
		if (w == *nwho) {
			struct by_login *g = realloc(*who, (*nwho + 1) * sizeof *g);
			if (!g)
				return DS_ENOMEM;
			*who = g;
			snprintf(g[w].login, sizeof g[w].login, "%s", ev->recorded_by);
			g[w].n = 0;
			(*nwho)++;
		}
		(*who)[w].n++;
	}
	return DS_OK;
}

/*
 * The recording times are the store's: one ordered read of the log from
 * the period's first event to its last (events are mostly recorded in the
 * order they happen, so this is about the period's events), rather than
 * one read per event.
 */
static enum ds_rc late_scan(struct run *r, const struct area_events *ae, size_t nae, int days,
			    struct by_login **who, size_t *nwho)
{
	size_t n = 0;
	for (size_t i = 0; i < nae; i++)
		n += ae[i].n;
	if (!n)
		return DS_OK;
	struct seq_area *ev = malloc(n * sizeof *ev);
	if (!ev)
		return DS_ENOMEM;
	n = 0;
	for (size_t i = 0; i < nae; i++)
		for (size_t k = 0; k < ae[i].n; k++)
			ev[n++] = (struct seq_area){ae[i].seqs[k], i};
	qsort(ev, n, sizeof *ev, by_seq);
	struct late_scan l = {ev, n, days, who, nwho};
	enum ds_rc rc = store_each_event(r->st, ev[0].seq - 1, false, late_one, &l);
	free(ev);
	return rc == DS_ELIMIT ? DS_OK : rc;
}

static enum ds_rc late_entries(struct run *r, int ci, const struct area_events *ae, size_t nae)
{
	int days = (int)r->d->checks[ci].arg[0];
	struct by_login **who = calloc(nae + 1, sizeof *who);
	size_t *nwho = calloc(nae + 1, sizeof *nwho);
	enum ds_rc rc = who && nwho ? late_scan(r, ae, nae, days, who, nwho) : DS_ENOMEM;
	for (size_t i = 0; i < nae && !rc; i++) {
		for (size_t w = 0; w < nwho[i] && !rc; w++) {
			struct finding *f = q_add(r, ci, -1, r->d->checks[ci].severity);
			if (!f) {
				rc = DS_ENOMEM;
				break;
			}
			snprintf(f->unit, sizeof f->unit, "%s", ae[i].unit);
			snprintf(f->unit_name, sizeof f->unit_name, "%s", ae[i].unit_name);
			snprintf(f->area, sizeof f->area, "%s", ae[i].area);
			q_var_s(f, "unit", f->unit_name);
			q_var_s(f, "area", ae[i].area_name);
			q_var_s(f, "login", who[i][w].login);
			q_var_n(r, f, "count", (double)who[i][w].n, 0);
			q_var_n(r, f, "days", days, 0);
			json_object_set_new(f->extra, "login", json_string(who[i][w].login));
			json_object_set_new(f->extra, "count", json_integer((json_int_t)who[i][w].n));
		}
	}
	for (size_t i = 0; who && i < nae; i++)
		free(who[i]);
	free(who);
	free(nwho);
	return rc;
}

/* Every check that reads the engine, in one view; then, from the store,
 * late entries. */
static enum ds_rc checks(struct run *r)
{
	enum ds_rc rc = DS_OK;
	for (size_t i = 0; i < r->d->nchecks && !rc && !r->nids; i++)
		if (r->d->checks[i].fn == QF_NATIONAL_ID)
			rc = national_ids_read(r);
	if (rc)
		return rc;
	const struct eng_view *v = engine_read(r->e);
	struct area_events *ae = NULL;
	size_t nae = 0;
	bool late = false;
	for (size_t i = 0; i < r->d->nchecks && !rc; i++) {
		switch (r->d->checks[i].fn) {
		case QF_AGE_OVER:
		case QF_MOTHER_AGE:
		case QF_TWO_HOUSEHOLDS:
		case QF_NATIONAL_ID:
		case QF_NO_FP_STATUS:
		case QF_EMPTY_HOUSEHOLD:
		case QF_NO_HEAD: rc = person_items(r, v, (int)i); break;
		case QF_BALANCE: rc = balance(r, v, (int)i); break;
		case QF_NO_EVENTS: rc = no_events(r, v, (int)i); break;
		case QF_LATE_ENTRY:
			if (!late)
				rc = events_by_area(r, v, &ae, &nae);
			late = true;
			break;
		default: break;
		}
	}
	engine_read_end(v);
	for (size_t i = 0; late && i < r->d->nchecks && !rc; i++)
		if (r->d->checks[i].fn == QF_LATE_ENTRY)
			rc = late_entries(r, (int)i, ae, nae);
	for (size_t i = 0; i < nae; i++)
		free(ae[i].seqs);
	free(ae);
	return rc;
}

/* ---- the monthly reports' timeliness ---- */

/* The months of the period that end on or after the register's first day. */
static size_t months_of(const struct run *r, struct rpt_period *out, size_t max)
{
	size_t n = 0;
	int y, m, d;
	day_to_ymd(r->p.from, &y, &m, &d);
	for (int32_t day = r->p.from; day <= r->p.to && n < max; day = day_from_ymd(y, m, 1)) {
		char code[12];
		snprintf(code, sizeof code, "%04d-%02d", y, m);
		if (rpt_period_parse(code, &out[n]) && (r->first_day == DAY_NONE || out[n].to >= r->first_day))
			n++;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	return n;
}

static enum ds_rc report_one(struct run *r, int ci, const struct wf_row *w)
{
	struct finding *f = q_add(r, ci, -1, r->d->checks[ci].severity);
	if (!f)
		return DS_ENOMEM;
	char label[64];
	snprintf(f->unit, sizeof f->unit, "%s", w->unit);
	snprintf(f->unit_name, sizeof f->unit_name, "%s", w->name[0] ? w->name : w->unit);
	q_var_s(f, "unit", f->unit_name);
	q_var_s(f, "form", w->form);
	rpt_period_label(&w->period, r->lang, label, sizeof label);
	if (!r->en && label[0] >= 'A' && label[0] <= 'Z')
		label[0] = (char)(label[0] - 'A' + 'a'); /* "tháng 03/2024" inside a sentence */
	q_var_s(f, "period", label);
	q_var_n(r, f, "days", w->late_days, 0);
	var_date(f, "deadline", w->deadline, r->en);
	if (w->submitted != DAY_NONE)
		var_date(f, "submitted", w->submitted, r->en);
	f->date = w->deadline;
	json_object_set_new(f->extra, "report", json_pack("{s:s, s:s, s:s, s:i}", "form", w->form, "period",
							    w->period.code, "state", wf_state_name(w->state),
							    "late_days", w->late_days));
	return DS_OK;
}

/* Each reporting unit's report of each month of the period, as the cycle
 * has it today (workflow/timely): missing past its deadline, or submitted
 * late.  A report not yet due is neither. */
static enum ds_rc reports(struct run *r)
{
	int missing = -1, late = -1;
	for (size_t i = 0; i < r->d->nchecks; i++) {
		if (r->d->checks[i].fn == QF_REPORT_MISSING)
			missing = (int)i;
		if (r->d->checks[i].fn == QF_REPORT_LATE)
			late = (int)i;
	}
	if (missing < 0 && late < 0)
		return DS_OK;
	struct rpt_period months[12];
	size_t np = months_of(r, months, 12);
	if (!np)
		return DS_OK;
	enum ds_rc rc = DS_OK;
	if (!r->book) {
		if (!(r->book = rec_book_new()))
			return DS_ENOMEM;
		r->own_book = true;
		if ((rc = rec_book_catch_up(r->book, r->st)))
			return rc;
	}
	struct wf_row *rows = NULL;
	size_t n = 0;
	rc = wf_timeliness(r->e, r->forms, r->book, r->st, r->unit, NULL, months, np, day_today(), &rows, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		if (rows[i].late_days <= 0)
			continue;
		int ci = rows[i].state == WF_MISSING ? missing : late;
		if (ci >= 0)
			rc = report_one(r, ci, &rows[i]);
	}
	free(rows);
	return rc;
}

/* ---- rules ---- */

static bool holds(enum q_op op, double a, double b)
{
	switch (op) {
	case Q_GE: return a >= b;
	case Q_GT: return a > b;
	case Q_LE: return a <= b;
	case Q_LT: return a < b;
	case Q_EQ: return a == b;
	}
	return true;
}

static json_t *side_json(const char *text, double v)
{
	return json_pack("{s:s, s:o}", "expr", text, "value", isnan(v) ? json_null() : json_real(v));
}

/* The label of the first row a side names, for the texts. */
static void side_label(const struct run *r, const struct rpt_form *f, const char *text, char *out,
		       size_t outsz)
{
	snprintf(out, outsz, "%s", text);
	const char *q = strstr(text, "row(\"");
	if (!q)
		return;
	q += 5;
	const char *end = strchr(q, '"');
	for (size_t i = 0; end && i < f->nrows; i++)
		if (strlen(f->rows[i].code) == (size_t)(end - q) &&
		    strncmp(f->rows[i].code, q, (size_t)(end - q)) == 0)
			snprintf(out, outsz, "%s", r->en ? f->rows[i].label_en : f->rows[i].label_vi);
}

static enum ds_rc rules_of_form(struct run *r, const char *form)
{
	struct rpt_request rq = {.form = form, .unit = r->unit, .period = r->p.code,
				 .map_date = r->map, .layout = LAYOUT_AUTO};
	struct rpt_table t;
	struct ds_problem pb = {0};
	enum ds_rc rc = rpt_run(r->e, r->forms, &rq, NULL, NULL, &t, &pb);
	if (rc)
		return rc;
	double *rows = malloc((t.form->nrows + 1) * sizeof *rows);
	if (!rows)
		rc = DS_ENOMEM;
	struct expr_env env = {.days = (double)(t.period.to - t.period.from + 1)};
	env.rows = rows;
	for (size_t col = 0; col < t.ncols && !rc; col++) {
		for (size_t k = 0; k < t.form->nrows; k++)
			rows[k] = rpt_at(&t, t.val, k, col);
		for (size_t i = 0; i < r->d->nrules && !rc; i++) {
			const struct q_rule *ru = &r->d->rules[i];
			if (strcmp(ru->form, form) != 0)
				continue;
			double a = expr_eval(ru->left, &env, 0), b = expr_eval(ru->right, &env, 0);
			if (isnan(a) || isnan(b) || holds(ru->op, a, b))
				continue;
			struct finding *f = q_add(r, -1, (int)i, ru->severity);
			if (!f) {
				rc = DS_ENOMEM;
				break;
			}
			snprintf(f->unit, sizeof f->unit, "%s", t.col_code[col]);
			snprintf(f->unit_name, sizeof f->unit_name, "%s", t.col_name[col]);
			q_var_s(f, "unit", f->unit_name);
			q_var_n(r, f, "left", a, 0);
			q_var_n(r, f, "right", b, 0);
			char label[REG_TEXT_BYTES];
			side_label(r, t.form, ru->left_text, label, sizeof label);
			q_var_s(f, "left_label", label);
			side_label(r, t.form, ru->right_text, label, sizeof label);
			q_var_s(f, "right_label", label);
			json_object_set_new(f->extra, "left", side_json(ru->left_text, a));
			json_object_set_new(f->extra, "right", side_json(ru->right_text, b));
			json_object_set_new(f->extra, "total", json_boolean(t.has_total && col == t.ncols - 1));
		}
	}
	free(rows);
	rpt_table_free(&t);
	return rc;
}

static enum ds_rc rules(struct run *r)
{
	enum ds_rc rc = DS_OK;
	for (size_t i = 0; i < r->d->nrules && !rc; i++) {
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(r->d->rules[k].form, r->d->rules[i].form) == 0;
		if (!seen)
			rc = rules_of_form(r, r->d->rules[i].form);
	}
	return rc;
}

/* ---- the answer ---- */

/* s with every {placeholder} replaced by its value from vars. */
static char *fill(const char *s, const json_t *vars)
{
	struct buf b = {0};
	while (*s) {
		const char *o = strchr(s, '{'), *c = o ? strchr(o, '}') : NULL;
		if (!o || !c) {
			buf_puts(&b, s);
			break;
		}
		buf_append(&b, s, (size_t)(o - s));
		char name[40];
		snprintf(name, sizeof name, "%.*s", (int)(c - o - 1), o + 1);
		const char *v = json_string_value(json_object_get(vars, name));
		buf_puts(&b, v ? v : "");
		s = c + 1;
	}
	char *out = buf_take(&b);
	return out ? out : strdup("");
}

static const struct q_texts *texts_of(const struct run *r, const struct finding *f)
{
	return f->check >= 0 ? &r->d->checks[f->check].t : &r->d->rules[f->rule].t;
}

static const char *id_of(const struct run *r, const struct finding *f)
{
	return f->check >= 0 ? r->d->checks[f->check].id : r->d->rules[f->rule].id;
}

static const char *kind_of(const struct run *r, const struct finding *f)
{
	return f->check >= 0 ? q_fn_kind(r->d->checks[f->check].fn) : "rule";
}

/* Names and event ids from the store, once the views have ended. */
static void resolve(struct run *r, struct finding *f)
{
	if (f->person) {
		struct store_person p;
		if (store_person_get(r->st, NULL, f->person, &p) == DS_OK) {
			q_var_s(f, "name", p.cur_name[0] ? p.cur_name : p.rec.full_name);
			json_object_set_new(f->extra, "person", json_pack("{s:s, s:s}", "id", p.rec.id, "name",
									  p.cur_name[0] ? p.cur_name : p.rec.full_name));
		} else {
			q_var_s(f, "name", "?");
		}
	}
	struct store_household h;
	if (f->household) {
		if (store_household_get(r->st, NULL, f->household, &h) == DS_OK) {
			q_var_s(f, "household", h.rec.id);
			q_var_s(f, "number", h.rec.number);
			json_object_set_new(f->extra, "household", json_pack("{s:s, s:s}", "id", h.rec.id,
									     "number", h.rec.number));
		} else {
			q_var_s(f, "household", "?");
			q_var_s(f, "number", "?");
		}
	}
	struct store_event ev;
	if (f->seq && store_event_by_seq(r->st, f->seq, &ev) == DS_OK) {
		char id[REG_UUID_TEXT];
		reg_uuid_format(ev.id, id);
		json_object_set_new(f->extra, "event", json_string(id));
	}
}

static json_t *finding_json(const struct run *r, const struct finding *f)
{
	const struct q_texts *t = texts_of(r, f);
	int l = r->en;
	char *text = fill(t->text[l], f->vars), *todo = fill(t->todo[l], f->vars);
	json_t *o = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:s}", "check", id_of(r, f),
			      "kind", kind_of(r, f), "severity", q_severity_name(f->sev), "unit",
			      "code", f->unit, "name", f->unit_name, "area", f->area, "text", text, "do",
			      todo);
	free(text);
	free(todo);
	if (f->date != DAY_NONE) {
		char d[11];
		day_format(f->date, d);
		json_object_set_new(o, "date", json_string(d));
	}
	json_object_update(o, f->extra);
	return o;
}

static int by_order(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	if (a->sev != b->sev)
		return a->sev < b->sev ? -1 : 1;
	int ka = a->check >= 0 ? a->check : 1000 + a->rule, kb = b->check >= 0 ? b->check : 1000 + b->rule;
	if (ka != kb)
		return ka < kb ? -1 : 1;
	int c = strcmp(a->unit, b->unit);
	if (c)
		return c;
	c = strcmp(a->area, b->area);
	if (c)
		return c;
	return a->date < b->date ? -1 : a->date > b->date;
}

static json_t *answer(struct run *r, double seconds)
{
	for (size_t i = 0; i < r->n; i++)
		resolve(r, &r->f[i]);
	qsort(r->f, r->n, sizeof *r->f, by_order);
	json_t *checks = json_array(), *findings = json_array();
	int64_t count[Q_NSEVERITY] = {0};
	int l = r->en;
	for (size_t i = 0; i < r->d->nchecks + r->d->nrules; i++) {
		bool is_check = i < r->d->nchecks;
		const struct q_texts *t = is_check ? &r->d->checks[i].t : &r->d->rules[i - r->d->nchecks].t;
		int64_t n = 0;
		for (size_t k = 0; k < r->n; k++)
			n += is_check ? r->f[k].check == (int)i : r->f[k].rule == (int)(i - r->d->nchecks);
		json_array_append_new(
			checks,
			json_pack("{s:s, s:s, s:s, s:s, s:I}", "id",
				  is_check ? r->d->checks[i].id : r->d->rules[i - r->d->nchecks].id, "kind",
				  is_check ? q_fn_kind(r->d->checks[i].fn) : "rule", "severity",
				  q_severity_name(is_check ? r->d->checks[i].severity
							   : r->d->rules[i - r->d->nchecks].severity),
				  "title", t->title[l], "count", (json_int_t)n));
	}
	for (size_t i = 0; i < r->n; i++) {
		count[r->f[i].sev]++;
		json_array_append_new(findings, finding_json(r, &r->f[i]));
	}
	char from[11], to[11], map[11], label[48];
	day_format(r->p.from, from);
	day_format(r->p.to, to);
	day_format(r->map, map);
	rpt_period_label(&r->p, r->lang, label, sizeof label);
	return json_pack("{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s}, s:s, s:s, s:{s:I, s:I, s:I}, s:o, "
			 "s:o, s:O, s:f, s:{s:f, s:f, s:f}}",
			 "unit", "code", r->unit, "name", r->unit_name, "level", reg_level_name(r->level), "period", "code", r->p.code,
			 "label", label, "from", from, "to", to, "map_date", map, "lang", r->lang,
			 "counts", "error", (json_int_t)count[Q_ERROR], "warning",
			 (json_int_t)count[Q_WARNING], "information", (json_int_t)count[Q_INFO],
			 "checks", checks, "findings", findings, "notes", r->notes, "seconds",
			 seconds, "stage_seconds", "checks", r->secs[0], "rules", r->secs[1], "outliers",
			 r->secs[2]);
}

static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		json_decref(r->f[i].vars);
		json_decref(r->f[i].extra);
	}
	free(r->f);
	free(r->nids);
	if (r->own_book)
		rec_book_free(r->book);
	json_decref(r->notes);
}

static enum ds_rc start(struct run *r, const struct q_request *rq, struct ds_problem *pb)
{
	if (!rpt_period_parse(rq->period, &r->p)) {
		pb->why = W_BAD_CODE;
		snprintf(pb->field, sizeof pb->field, "period");
		return DS_EUSAGE;
	}
	r->map = r->p.to;
	const struct eng_view *v = engine_read(r->e);
	const struct reg_unit *u = reg_units_resolve(eng_units(v), rq->unit, r->map);
	/* A unit made after the period (2025's communes asked for 2024): today's map. */
	if (!u || (!reg_units_at(eng_units(v), rq->unit, r->map) &&
		   reg_units_at(eng_units(v), rq->unit, day_today()))) {
		r->map = day_today();
		u = reg_units_resolve(eng_units(v), rq->unit, r->map);
	}
	if (u) {
		snprintf(r->unit, sizeof r->unit, "%s", u->code);
		snprintf(r->unit_name, sizeof r->unit_name, "%s", u->name);
		r->level = u->level;
	}
	engine_read_end(v);
	if (!u) {
		pb->why = W_NO_UNIT;
		snprintf(pb->field, sizeof pb->field, "unit");
		return DS_ENOTFOUND;
	}
	struct store_baseline b[16];
	size_t nb = 0;
	r->first_day = DAY_NONE;
	if (store_baselines(r->st, b, 16, &nb) == DS_OK)
		for (size_t i = 0; i < nb; i++)
			if (r->first_day == DAY_NONE || b[i].as_of < r->first_day)
				r->first_day = b[i].as_of;
	return DS_OK;
}

enum ds_rc q_run(struct engine *e, struct store *st, const struct q_defs *d,
		 const struct rpt_defs *forms, const struct q_request *rq, json_t **out,
		 struct ds_problem *pb)
{
	double t0 = progress_now();
	struct run r = {.e = e, .st = st, .d = d, .forms = forms, .book = rq->book};
	r.lang = rq->lang && strcmp(rq->lang, "en") == 0 ? "en" : "vi";
	r.en = r.lang[0] == 'e';
	r.notes = json_array();
	*out = NULL;
	enum ds_rc rc = r.notes ? start(&r, rq, pb) : DS_ENOMEM;
	double t1 = progress_now();
	if (!rc)
		rc = checks(&r);
	if (!rc)
		rc = reports(&r);
	double t2 = progress_now();
	if (!rc)
		rc = rules(&r);
	double t3 = progress_now();
	if (!rc)
		rc = q_outliers(&r);
	r.secs[0] = t2 - t1;
	r.secs[1] = t3 - t2;
	r.secs[2] = progress_now() - t3;
	if (!rc && !(*out = answer(&r, progress_now() - t0)))
		rc = DS_ENOMEM;
	run_free(&r);
	return rc;
}
