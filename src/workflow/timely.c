/* Timeliness and completeness of the cycle: per reporting unit and period, from the records and today's values; JSON, CSV and XLSX. */
#include "workflow/timely.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/day.h"
#include "base/grow.h"
#include "register/rules.h"
#include "store/register.h"
#include "workflow/workdays.h"

int32_t wf_review_deadline(int32_t month_end)
{
	return wd_nth_after(month_end, 3);
}

static void entry_date(const struct rec_entry *e, void *arg)
{
	*(int32_t *)arg = e->date;
}

/* The level of the units that report form: communes, or districts for 01-DSH. */
static enum reg_level form_level(const char *form)
{
	return strcmp(form, "01-DSH") == 0 ? LVL_DISTRICT : LVL_COMMUNE;
}

/* The unit of level lvl above (or at) code on day, into out; false when none. */
static bool ancestor(const struct reg_units *u, const char *code, enum reg_level lvl, int32_t day,
		     char out[REG_UNIT_CODE_MAX + 1])
{
	char cur[REG_UNIT_CODE_MAX + 1];
	snprintf(cur, sizeof cur, "%s", code);
	for (int depth = 0; cur[0] && depth < 8; depth++) {
		const struct reg_unit *r = reg_units_at(u, cur, day);
		if (!r)
			return false;
		if (r->level == lvl) {
			snprintf(out, REG_UNIT_CODE_MAX + 1, "%s", cur);
			return true;
		}
		snprintf(cur, sizeof cur, "%s", reg_units_parent(u, cur, day));
	}
	return false;
}

static int row_by_unit(const void *key, const void *elem)
{
	return strcmp(key, ((const struct wf_row *)elem)->unit);
}

/*
 * The areas' reviews of a month, counted on each row of rows (one period's,
 * sorted by unit, units of level lvl under unit).  The areas under unit
 * are listed once and each is counted on the row of its ancestor: asking
 * for each row's areas scanned the whole unit tree once a row (85% of a
 * province's year of timeliness, 100 communes and 8,931 units: 4.3 s).
 */
static void review_counts(const struct eng_view *v, struct rec_book *b, const char *unit, enum reg_level lvl,
			  struct wf_row *rows, size_t n)
{
	char **areas = NULL;
	size_t na = 0;
	if (!n || rows[0].period.kind != PERIOD_MONTH ||
	    engine_units_under(v, unit, LVL_AREA, rows[0].period.to, &areas, &na))
		return;
	int32_t due = wf_review_deadline(rows[0].period.to);
	for (size_t i = 0; i < na; i++) {
		char up[REG_UNIT_CODE_MAX + 1];
		struct wf_row *r = ancestor(eng_units(v), areas[i], lvl, rows[0].period.to, up)
					   ? bsearch(up, rows, n, sizeof *rows, row_by_unit)
					   : NULL;
		int32_t day = DAY_NONE;
		if (r) {
			r->areas++;
			if (rec_book_current(b, "review", areas[i], r->period.code, entry_date, &day)) {
				r->reviewed++;
				r->reviewed_late += day > due;
			}
		}
		free(areas[i]);
	}
	free(areas);
}

/* The reporting units under unit for the period: communes, or districts for 01-DSH. */
static enum ds_rc units_for(const struct eng_view *v, const char *unit, const char *form,
			    const struct rpt_period *p, char ***codes, size_t *n)
{
	const struct reg_unit *u = reg_units_at(eng_units(v), unit, p->to);
	if (u && u->level == form_level(form)) {
		*codes = malloc(sizeof **codes);
		if (!*codes || !((*codes)[0] = strdup(unit))) {
			free(*codes);
			return DS_ENOMEM;
		}
		*n = 1;
		return DS_OK;
	}
	return engine_units_under(v, unit, form_level(form), p->to, codes, n);
}

/* ---- revised: today's values of the approved reports ---- */

/* An event recorded after some approval that may have changed a report. */
struct cand {
	int64_t seq;
	struct reg_fact f; /* a void's: the cancelled event's */
	char area[REG_UNIT_CODE_MAX + 1], from[REG_UNIT_CODE_MAX + 1];
};

struct cands {
	struct store *st;
	int32_t last;      /* the last period's last day */
	struct cand *v;
	size_t n, cap;
	bool failed;
};

static bool any_day(const struct reg_fact *f)
{
	return f->type == EV_INFO_CHANGE && reg_info_field(f->a) == FLD_BIRTH_DATE;
}

static enum ds_rc cand_one(const struct store_event *e, void *arg)
{
	struct cands *c = arg;
	/* An event dated after every period changes none of them (but a birth
	 * date correction, which applies to every date). */
	if (e->fact.type != EV_VOID && e->fact.date > c->last && !any_day(&e->fact))
		return DS_OK;
	struct cand x = {.seq = e->fact.seq};
	if (!wf_event_areas(c->st, e, &x.f, x.area, x.from) || (x.f.date > c->last && !any_day(&x.f)))
		return DS_OK;
	if (!ds_grow(&c->v, sizeof *c->v, &c->cap, c->n, 256)) {
		c->failed = true;
		return DS_ENOMEM;
	}
	c->v[c->n++] = x;
	return DS_OK;
}

/* Marks each approved row of one period (rows, n: sorted by unit) that an
 * event of cs can have changed; how many. */
static size_t mark_affected(const struct eng_view *v, const struct rpt_form *fm, const struct cands *cs,
			    struct wf_row *rows, size_t n, bool *affected)
{
	uint32_t reads = 0;
	for (size_t r = 0; r < fm->nrows; r++)
		reads |= fm->rows[r].reads;
	enum reg_level lvl = form_level(fm->code);
	const struct rpt_period *p = &rows[0].period;
	size_t naff = 0;
	for (size_t i = 0; i < cs->n; i++) {
		const struct cand *c = &cs->v[i];
		if (!(wf_event_reads(&c->f, p) & reads))
			continue;
		const char *areas[2] = {c->area, c->from};
		for (int k = 0; k < 2; k++) {
			char unit[REG_UNIT_CODE_MAX + 1];
			if (!areas[k][0] || !ancestor(eng_units(v), areas[k], lvl, p->to, unit))
				continue;
			struct wf_row *r = bsearch(unit, rows, n, sizeof *rows, row_by_unit);
			if (r && r->state == WF_APPROVED && c->seq > r->position && !affected[r - rows]) {
				affected[r - rows] = true;
				naff++;
			}
		}
	}
	return naff;
}

static int by_unit(const void *a, const void *b)
{
	return strcmp(((const struct wf_row *)a)->unit, ((const struct wf_row *)b)->unit);
}

/*
 * Marks the approved rows of one period whose values today differ.  The
 * units that may have changed (all of them without candidates) are
 * computed: a few one by one, more in one report with a column each.
 */
static enum ds_rc mark_revised(struct engine *e, const struct rpt_defs *d, struct rec_book *b,
			       const struct cands *cs, const char *unit, struct wf_row *rows, size_t n)
{
	size_t napproved = 0;
	for (size_t i = 0; i < n; i++)
		napproved += rows[i].state == WF_APPROVED;
	const struct rpt_form *fm = rpt_form_find(d, rows[0].form);
	if (!napproved || !fm)
		return DS_OK;
	qsort(rows, n, sizeof *rows, by_unit);
	bool *affected = calloc(n, sizeof *affected);
	if (!affected)
		return DS_ENOMEM;
	size_t naff = napproved;
	if (cs) {
		const struct eng_view *v = engine_read(e);
		naff = mark_affected(v, fm, cs, rows, n, affected);
		engine_read_end(v);
	} else {
		for (size_t i = 0; i < n; i++)
			affected[i] = rows[i].state == WF_APPROVED;
	}
	bool district = strcmp(rows[0].form, "01-DSH") == 0, one_by_one = district || naff <= 8;
	struct rpt_request rq = {.form = rows[0].form, .unit = unit, .period = rows[0].period.code,
				 .map_date = DAY_NONE, .layout = LAYOUT_COMMUNES};
	struct rpt_table t;
	struct ds_problem pb;
	enum ds_rc rc = DS_OK;
	if (naff && !one_by_one)
		rc = rpt_run(e, d, &rq, NULL, NULL, &t, &pb);
	for (size_t i = 0; i < n && naff && !rc; i++) {
		if (!affected[i])
			continue;
		struct wf_status s;
		wf_status_get(b, rows[i].form, rows[i].unit, rows[i].period.code, &s);
		if (one_by_one) {
			struct rpt_request one = {.form = rows[i].form, .unit = rows[i].unit,
						  .period = rows[i].period.code, .map_date = DAY_NONE,
						  .layout = LAYOUT_SINGLE};
			if (!(rc = rpt_run(e, d, &one, NULL, NULL, &t, &pb))) {
				if (wf_values_differ(s.approved_values, &t, 0))
					rows[i].state = WF_REVISED;
				rpt_table_free(&t);
			}
		} else {
			for (size_t c = 0; c < t.ncols; c++)
				if (strcmp(t.col_code[c], rows[i].unit) == 0 && !(t.has_total && c == t.ncols - 1)) {
					if (wf_values_differ(s.approved_values, &t, c))
						rows[i].state = WF_REVISED;
					break;
				}
		}
		wf_status_free(&s);
	}
	if (naff && !one_by_one && !rc)
		rpt_table_free(&t);
	free(affected);
	return rc;
}

static enum ds_rc period_rows(struct engine *e, struct rec_book *b, const char *unit, const char *form,
			      const struct rpt_period *p, int32_t today, struct wf_row **rows, size_t *n,
			      size_t *cap)
{
	const char *f = form ? form : wf_default_form(p->kind);
	if (!f)
		return DS_EUSAGE;
	char **codes = NULL;
	size_t nc = 0, first = *n;
	const struct eng_view *v = engine_read(e);
	enum ds_rc rc = units_for(v, unit, f, p, &codes, &nc);
	for (size_t i = 0; i < nc && !rc; i++) {
		if (!ds_grow(rows, sizeof **rows, cap, *n, 64)) {
			rc = DS_ENOMEM;
			break;
		}
		struct wf_row *r = &(*rows)[(*n)++];
		memset(r, 0, sizeof *r);
		snprintf(r->unit, sizeof r->unit, "%s", codes[i]);
		const struct reg_unit *u = reg_units_resolve(eng_units(v), codes[i], p->to);
		snprintf(r->name, sizeof r->name, "%s", u ? u->name : codes[i]);
		snprintf(r->form, sizeof r->form, "%s", f);
		r->period = *p;
		r->deadline = wf_deadline(f, p);
		struct wf_status s;
		wf_status_get(b, f, codes[i], p->code, &s);
		r->state = s.state;
		r->versions = s.versions;
		r->returns = s.returns;
		r->revision = s.revision;
		r->position = s.approved_position;
		r->submitted = s.first_day;
		r->late_days = wf_late_days(r->deadline, s.versions ? s.first_day : today);
		wf_status_free(&s);
	}
	if (!rc)
		review_counts(v, b, unit, form_level(f), *rows + first, *n - first);
	engine_read_end(v);
	for (size_t i = 0; i < nc; i++)
		free(codes[i]);
	free(codes);
	return rc;
}

enum ds_rc wf_timeliness(struct engine *e, const struct rpt_defs *d, struct rec_book *b, struct store *st,
			 const char *unit, const char *form, const struct rpt_period *periods,
			 size_t np, int32_t today, struct wf_row **rows, size_t *n)
{
	size_t cap = 0, *start = calloc(np + 1, sizeof *start);
	*rows = NULL;
	*n = 0;
	enum ds_rc rc = start ? DS_OK : DS_ENOMEM;
	for (size_t i = 0; i < np && !rc; i++) {
		start[i] = *n;
		rc = period_rows(e, b, unit, form, &periods[i], today, rows, n, &cap);
	}
	if (start)
		start[np] = *n;
	/* The events recorded since the earliest approval, read once. */
	struct cands cs = {.st = st, .last = DAY_NONE};
	int64_t from = -1;
	for (size_t i = 0; i < *n && !rc; i++)
		if ((*rows)[i].state == WF_APPROVED) {
			from = from < 0 || (*rows)[i].position < from ? (*rows)[i].position : from;
			cs.last = cs.last == DAY_NONE || (*rows)[i].period.to > cs.last ? (*rows)[i].period.to : cs.last;
		}
	if (!rc && st && from >= 0 && (rc = store_each_event(st, from, false, cand_one, &cs)) == DS_OK && cs.failed)
		rc = DS_ENOMEM;
	for (size_t i = 0; i < np && !rc; i++)
		if (start[i + 1] > start[i])
			rc = mark_revised(e, d, b, st ? &cs : NULL, unit, *rows + start[i], start[i + 1] - start[i]);
	free(cs.v);
	free(start);
	if (rc) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

enum ds_rc wf_approved_reports(struct engine *e, struct rec_book *b, const char *unit, const char *form,
			       const struct rpt_period *p, struct wf_approved **out, size_t *n,
			       json_t **not_approved)
{
	char **codes = NULL;
	size_t nc = 0;
	const struct eng_view *v = engine_read(e);
	enum ds_rc rc = units_for(v, unit, form, p, &codes, &nc);
	engine_read_end(v);
	*out = rc ? NULL : calloc(nc + 1, sizeof **out);
	*n = 0;
	*not_approved = json_array();
	if (!rc && !*out)
		rc = DS_ENOMEM;
	for (size_t i = 0; i < nc; i++) {
		struct wf_status s;
		if (!rc)
			wf_status_get(b, form, codes[i], p->code, &s);
		if (!rc && s.has_approved) {
			struct wf_approved *a = &(*out)[(*n)++];
			snprintf(a->unit, sizeof a->unit, "%s", codes[i]);
			a->values = json_incref(s.approved_values);
			/* the approval is the latest decision unless a revision came after */
			a->approved_at = s.state == WF_APPROVED || s.state == WF_REVISED ? s.decided_at : s.submitted_at;
		} else if (!rc) {
			json_array_append_new(*not_approved, json_string(codes[i]));
		}
		if (!rc)
			wf_status_free(&s);
		free(codes[i]);
	}
	free(codes);
	return rc;
}

void wf_approved_free(struct wf_approved *a, size_t n)
{
	for (size_t i = 0; i < n && a; i++)
		json_decref(a[i].values);
	free(a);
}

/* ---- output ---- */

static json_t *date_or_null(int32_t day)
{
	char iso[11];
	if (day == DAY_NONE)
		return json_null();
	day_format(day, iso);
	return json_string(iso);
}

static bool on_time(const struct wf_row *r)
{
	return r->state != WF_MISSING && r->late_days == 0;
}

json_t *wf_timeliness_json(const struct wf_row *rows, size_t n)
{
	json_t *units = json_array(), *summary = json_array();
	json_t *cur = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct wf_row *r = &rows[i];
		json_array_append_new(
			units, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:b, s:i, s:i, s:b, s:i, s:i, s:i}",
					 "unit", r->unit, "name", r->name, "form", r->form, "period",
					 r->period.code, "state", wf_state_name(r->state), "late_days", r->late_days,
					 "deadline", date_or_null(r->deadline), "submitted", date_or_null(r->submitted),
					 "on_time", on_time(r), "versions", r->versions, "returns", r->returns,
					 "revision", r->revision, "areas", r->areas, "areas_reviewed", r->reviewed,
					 "areas_reviewed_late", r->reviewed_late));
		if (!cur || strcmp(json_string_value(json_object_get(cur, "period")), r->period.code) != 0) {
			cur = json_pack("{s:s, s:s, s:o, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}",
					"period", r->period.code, "form", r->form, "deadline",
					date_or_null(r->deadline), "units", 0, "submitted", 0, "on_time", 0,
					"late", 0, "missing", 0, "returned", 0, "approved", 0, "revised", 0,
					"areas", 0, "areas_reviewed", 0);
			json_object_set_new(cur, "areas_reviewed_late", json_integer(0));
			json_array_append_new(summary, cur);
		}
		static const char *const counts[] = {"units", "submitted", "on_time", "late", "missing", "returned",
						     "approved", "revised"};
		bool yes[] = {true, r->state != WF_MISSING, on_time(r), r->state != WF_MISSING && r->late_days > 0,
			      r->state == WF_MISSING, r->state == WF_RETURNED, r->state == WF_APPROVED,
			      r->state == WF_REVISED};
		for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++)
			if (yes[k])
				json_object_set_new(cur, counts[k],
						    json_integer(json_integer_value(json_object_get(cur, counts[k])) + 1));
		json_object_set_new(cur, "areas", json_integer(json_integer_value(json_object_get(cur, "areas")) + r->areas));
		json_object_set_new(cur, "areas_reviewed",
				    json_integer(json_integer_value(json_object_get(cur, "areas_reviewed")) + r->reviewed));
		json_object_set_new(cur, "areas_reviewed_late",
				    json_integer(json_integer_value(json_object_get(cur, "areas_reviewed_late")) +
						 r->reviewed_late));
	}
	return json_pack("{s:o, s:o}", "units", units, "summary", summary);
}

static const char *state_label(enum wf_state s, bool vi)
{
	static const char *const v[] = {"Chưa gửi", "Đã gửi", "Bị trả lại", "Đã duyệt", "Có điều chỉnh sau duyệt"};
	static const char *const e[] = {"missing", "submitted", "returned", "approved", "revised after approval"};
	return vi ? v[s] : e[s];
}

static const char *const head_vi[] = {"Kỳ", "Mã đơn vị", "Đơn vị", "Mẫu", "Tình trạng", "Hạn gửi",
				      "Ngày gửi", "Số ngày làm việc chậm", "Số lần gửi", "Số lần bị trả lại",
				      "Số địa bàn", "Địa bàn đã rà soát", "Rà soát chậm"};
static const char *const head_en[] = {"Period", "Unit code", "Unit", "Form", "State", "Deadline",
				      "Submitted", "Working days late", "Versions", "Returns",
				      "Areas", "Areas reviewed", "Reviewed late"};
#define NCOLS (sizeof head_vi / sizeof head_vi[0])

/* The cells of one row as text. */
static void cells(const struct wf_row *r, bool vi, char out[NCOLS][REG_TEXT_BYTES])
{
	snprintf(out[0], REG_TEXT_BYTES, "%s", r->period.code);
	snprintf(out[1], REG_TEXT_BYTES, "%s", r->unit);
	snprintf(out[2], REG_TEXT_BYTES, "%s", r->name);
	snprintf(out[3], REG_TEXT_BYTES, "%s", r->form);
	snprintf(out[4], REG_TEXT_BYTES, "%s", state_label(r->state, vi));
	char iso[11] = "";
	day_format(r->deadline, iso);
	snprintf(out[5], REG_TEXT_BYTES, "%s", iso);
	iso[0] = '\0';
	if (r->submitted != DAY_NONE)
		day_format(r->submitted, iso);
	snprintf(out[6], REG_TEXT_BYTES, "%s", iso);
	snprintf(out[7], REG_TEXT_BYTES, "%d", r->late_days);
	snprintf(out[8], REG_TEXT_BYTES, "%d", r->versions);
	snprintf(out[9], REG_TEXT_BYTES, "%d", r->returns);
	snprintf(out[10], REG_TEXT_BYTES, "%d", r->areas);
	snprintf(out[11], REG_TEXT_BYTES, "%d", r->reviewed);
	snprintf(out[12], REG_TEXT_BYTES, "%d", r->reviewed_late);
}

void wf_timeliness_csv(const struct wf_row *rows, size_t n, const char *lang, struct buf *out)
{
	bool vi = !lang || strcmp(lang, "en") != 0;
	for (size_t c = 0; c < NCOLS; c++) {
		if (c)
			buf_putc(out, ',');
		buf_csv_field(out, vi ? head_vi[c] : head_en[c]);
	}
	buf_puts(out, "\r\n");
	char cell[NCOLS][REG_TEXT_BYTES];
	for (size_t i = 0; i < n; i++) {
		cells(&rows[i], vi, cell);
		for (size_t c = 0; c < NCOLS; c++) {
			if (c)
				buf_putc(out, ',');
			buf_csv_field(out, cell[c]);
		}
		buf_puts(out, "\r\n");
	}
}

enum ds_rc wf_timeliness_xlsx(const struct wf_row *rows, size_t n, const char *lang, const char *path)
{
	bool vi = !lang || strcmp(lang, "en") != 0;
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return DS_EIO;
	lxw_worksheet *ws = workbook_add_worksheet(wb, vi ? "Tiến độ báo cáo" : "Timeliness");
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	worksheet_write_string(ws, 0, 0, vi ? "TÌNH HÌNH GỬI BÁO CÁO THỐNG KÊ DÂN SỐ" : "TIMELINESS OF POPULATION REPORTS", bold);
	for (size_t c = 0; c < NCOLS; c++)
		worksheet_write_string(ws, 2, (lxw_col_t)c, vi ? head_vi[c] : head_en[c], bold);
	char cell[NCOLS][REG_TEXT_BYTES];
	for (size_t i = 0; i < n; i++) {
		cells(&rows[i], vi, cell);
		for (size_t c = 0; c < NCOLS; c++) {
			lxw_row_t r = (lxw_row_t)(i + 3);
			if (c >= 7)
				worksheet_write_number(ws, r, (lxw_col_t)c, strtod(cell[c], NULL), NULL);
			else
				worksheet_write_string(ws, r, (lxw_col_t)c, cell[c], NULL);
		}
	}
	worksheet_set_column(ws, 0, 1, 10, NULL);
	worksheet_set_column(ws, 2, 2, 28, NULL);
	worksheet_set_column(ws, 3, 12, 14, NULL);
	return workbook_close(wb) == LXW_NO_ERROR ? DS_OK : DS_EIO;
}
