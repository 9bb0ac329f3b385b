/* Communication sessions and clubs: recording them, and their lists and quarterly summaries (JSON, CSV, XLSX) from the records book. */
#include "workflow/comm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/day.h"
#include "base/grow.h"
#include "store/records.h"

/* ---- recording ---- */

enum ds_rc wf_comm_record(struct store *st, const struct reg_units *u, struct rec *r, const char *by,
			  struct rec_result *res)
{
	struct store_record old;
	const char *club = r->body ? json_string_value(json_object_get(r->body, "club")) : NULL;
	if (strcmp(r->kind, "club_meeting") == 0 && club) {
		/* The club must stand in the meeting's commune: another commune's
		 * club is no club here. */
		enum ds_rc rc = store_record_latest(st, "club", r->unit, club, &old);
		if (rc && rc != DS_ENOTFOUND)
			return rc;
		bool closed = !rc && old.body && strstr(old.body, "\"cancel\":true");
		if (rc == DS_ENOTFOUND || closed) {
			memset(res, 0, sizeof *res);
			res->outcome = REC_REFUSED;
			ds_problem_set(&res->problem, NULL, 0, "body.club", W_NO_CLUB);
			return DS_OK;
		}
	} else if (strcmp(r->kind, "club") == 0 && !r->has_supersedes && !r->cancel) {
		enum ds_rc rc = store_record_latest(st, "club", r->unit, r->key, &old);
		if (rc == DS_OK) {
			r->has_supersedes = true;
			memcpy(r->supersedes, old.id, 16);
		} else if (rc != DS_ENOTFOUND) {
			return rc;
		}
	}
	return rec_record(st, u, r, by, res);
}

bool wf_club_active(int32_t day, int32_t since, int32_t last_meeting)
{
	int32_t ref = last_meeting != DAY_NONE && last_meeting > since ? last_meeting : since;
	return ref != DAY_NONE && ref <= day && ref > day_add_months(day, -3);
}

/* ---- units ---- */

/* The commune at or above code on day, into out; false when none (above the commune). */
static bool commune_of(const struct reg_units *u, const char *code, int32_t day, char out[REG_UNIT_CODE_MAX + 1])
{
	char cur[REG_UNIT_CODE_MAX + 1];
	snprintf(cur, sizeof cur, "%s", code);
	for (int depth = 0; cur[0] && depth < 8; depth++) {
		const struct reg_unit *r = reg_units_resolve(u, cur, day);
		if (!r || r->level < LVL_COMMUNE)
			return false;
		if (r->level == LVL_COMMUNE) {
			snprintf(out, REG_UNIT_CODE_MAX + 1, "%s", cur);
			return true;
		}
		snprintf(cur, sizeof cur, "%s", reg_units_parent(u, cur, day));
	}
	return false;
}

static const char *unit_name(const struct reg_units *u, const char *code, int32_t day)
{
	const struct reg_unit *r = reg_units_resolve(u, code, day);
	return r ? r->name : code;
}

static json_t *unit_json(const struct reg_units *u, const char *code, int32_t day)
{
	return json_pack("{s:s, s:s}", "code", code, "name", unit_name(u, code, day));
}

static json_t *date_json(int32_t day)
{
	char s[11];
	if (day == DAY_NONE)
		return json_null();
	day_format(day, s);
	return json_string(s);
}

static const char *label(const char *list, const char *code, const char *lang)
{
	const char *l = code ? reg_code_label(list, code, lang) : NULL;
	return l ? l : "";
}

/* ---- sessions ---- */

struct sess_scan {
	const struct reg_units *u;
	const char *unit, *lang;
	const struct rpt_period *p;
	json_t *out;
	void (*each)(struct sess_scan *s, const struct rec_entry *e, const char *commune);
	void *arg;
};

static json_int_t sum_sex(const json_t *part, const char *sex)
{
	json_int_t n = 0;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(part, sex), k, v)
		n += json_integer_value(v);
	return n;
}

/* A record of the period in the unit: its commune (the area's) on the period's map. */
static bool in_scan(const struct sess_scan *s, const struct rec_entry *e, char commune[REG_UNIT_CODE_MAX + 1])
{
	return e->body && e->date >= s->p->from && e->date <= s->p->to &&
	       reg_units_within(s->u, e->unit, s->unit, s->p->to) && commune_of(s->u, e->unit, s->p->to, commune);
}

static bool sess_one(const struct rec_entry *e, void *arg)
{
	struct sess_scan *s = arg;
	char commune[REG_UNIT_CODE_MAX + 1];
	if (in_scan(s, e, commune))
		s->each(s, e, commune);
	return true;
}

static void sess_list(struct sess_scan *s, const struct rec_entry *e, const char *commune)
{
	(void)commune;
	char id[REG_UUID_TEXT];
	reg_uuid_format(e->id, id);
	const json_t *part = json_object_get(e->body, "participants");
	const char *topic = json_string_value(json_object_get(e->body, "topic"));
	const char *format = json_string_value(json_object_get(e->body, "format"));
	json_int_t m = sum_sex(part, "male"), f = sum_sex(part, "female");
	const char *held = json_string_value(json_object_get(e->body, "held_by"));
	json_t *o = json_pack("{s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:O, s:I, s:I, s:I, s:s, s:s}", "id", id,
			      "date", date_json(e->date), "unit", unit_json(s->u, e->unit, s->p->to), "topic",
			      topic ? topic : "", "topic_label", label("comm_topic", topic, s->lang), "format",
			      format ? format : "", "format_label", label("comm_format", format, s->lang),
			      "participants", part, "male", m, "female", f, "total", m + f, "held_by",
			      held ? held : "", "recorded_by",
			      e->recorded_by);
	if (o)
		json_array_append_new(s->out, o);
}

static int by_date(const void *pa, const void *pb)
{
	const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	return strcmp(json_string_value(json_object_get(a, "date")), json_string_value(json_object_get(b, "date")));
}

/* The array sorted by its members' "date" (stable for equal dates: the record order). */
static json_t *sorted_by_date(json_t *arr)
{
	size_t n = json_array_size(arr);
	json_t **v = malloc((n ? n : 1) * sizeof *v);
	json_t *out = json_array();
	if (!v || !out) {
		free(v);
		json_decref(out);
		return arr;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(arr, i);
	/* insertion sort keeps the record order of one day */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && by_date(&v[j - 1], &v[j]) > 0; j--) {
			json_t *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(arr);
	return out;
}

json_t *wf_comm_sessions(struct rec_book *b, const struct reg_units *u, const char *unit,
			 const struct rpt_period *p, const char *lang)
{
	struct sess_scan s = {.u = u, .unit = unit, .lang = lang, .p = p, .out = json_array(), .each = sess_list};
	if (!s.out)
		return NULL;
	rec_book_each(b, "comm_session", sess_one, &s);
	char label_[64];
	rpt_period_label(p, lang, label_, sizeof label_);
	return json_pack("{s:o, s:{s:s, s:s}, s:o}", "unit", unit_json(u, unit, p->to), "period", "code", p->code,
			 "label", label_, "sessions", sorted_by_date(s.out));
}

/* ---- clubs ---- */

struct club {
	char commune[REG_UNIT_CODE_MAX + 1];
	char *code;
	json_t *body; /* the version standing on the day (borrowed from the book: copied) */
	int32_t since, last;
	int meetings, attendance; /* in the period (or the day's year for the listing) */
};

struct club_scan {
	const struct reg_units *u;
	struct rec_book *b;
	const char *unit;
	int32_t day, from;
	struct club *c;
	size_t n, cap;
};

struct version_at {
	int32_t day;
	json_t *body;
	int32_t first;
};

/* Newest first: the first version dated on or before the day, and the club's first date. */
static bool version_one(const struct rec_entry *e, void *arg)
{
	struct version_at *v = arg;
	if (!v->body && e->date <= v->day && !e->cancel && e->body)
		v->body = json_deep_copy(e->body);
	v->first = e->date;
	return true;
}

static bool club_one(const struct rec_entry *e, void *arg)
{
	struct club_scan *s = arg;
	char commune[REG_UNIT_CODE_MAX + 1];
	if (!reg_units_within(s->u, e->unit, s->unit, s->day) || !commune_of(s->u, e->unit, s->day, commune))
		return true;
	struct version_at v = {.day = s->day};
	rec_book_history(s->b, "club", e->unit, e->key, version_one, &v);
	if (!v.body)
		return true;
	if (!ds_grow(&s->c, sizeof *s->c, &s->cap, s->n, 16)) {
		json_decref(v.body);
		return false;
	}
	struct club *c = &s->c[s->n++];
	memset(c, 0, sizeof *c);
	snprintf(c->commune, sizeof c->commune, "%s", e->unit);
	c->code = strdup(e->key);
	c->body = v.body;
	c->since = v.first;
	c->last = DAY_NONE;
	return true;
}

static bool meeting_one(const struct rec_entry *e, void *arg)
{
	struct club_scan *s = arg;
	const char *code = json_string_value(json_object_get(e->body, "club"));
	if (!e->body || !code || e->date > s->day)
		return true;
	for (size_t i = 0; i < s->n; i++) {
		struct club *c = &s->c[i];
		if (strcmp(c->commune, e->unit) != 0 || !c->code || strcmp(c->code, code) != 0)
			continue;
		if (c->last == DAY_NONE || e->date > c->last)
			c->last = e->date;
		if (e->date >= s->from) {
			c->meetings++;
			c->attendance += (int)json_integer_value(json_object_get(e->body, "attendance"));
		}
		break;
	}
	return true;
}

static void clubs_free(struct club_scan *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->c[i].code);
		json_decref(s->c[i].body);
	}
	free(s->c);
}

/* The clubs standing on day under unit, their meetings up to day and those from `from`. */
static bool clubs_scan(struct club_scan *s)
{
	rec_book_each(s->b, "club", club_one, s);
	rec_book_each(s->b, "club_meeting", meeting_one, s);
	return true;
}

json_t *wf_comm_clubs(struct rec_book *b, const struct reg_units *u, const char *unit, int32_t day,
		      const char *lang)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	struct club_scan s = {.u = u, .b = b, .unit = unit, .day = day, .from = day_from_ymd(y, 1, 1)};
	clubs_scan(&s);
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < s.n; i++) {
		const struct club *c = &s.c[i];
		const char *model = json_string_value(json_object_get(c->body, "model"));
		json_array_append_new(
			arr, json_pack("{s:s, s:O, s:s, s:s, s:O, s:o, s:o, s:o, s:i, s:b}", "club", c->code, "name",
				       json_object_get(c->body, "name"), "model", model ? model : "", "model_label",
				       label("club_model", model, lang), "members", json_object_get(c->body, "members"),
				       "commune", unit_json(u, c->commune, day), "since", date_json(c->since),
				       "last_meeting", date_json(c->last), "meetings", c->meetings, "active",
				       wf_club_active(day, c->since, c->last)));
	}
	clubs_free(&s);
	return json_pack("{s:o, s:o, s:o}", "unit", unit_json(u, unit, day), "date", date_json(day), "clubs", arr);
}

/* ---- the summary ---- */

struct column {
	char code[REG_UNIT_CODE_MAX + 1];
	json_t *o;
};

struct summary {
	struct column *col; /* communes, then the total */
	size_t n;
};

static json_t *zeros(const char *list)
{
	const struct reg_codelist *l = reg_codes(list);
	json_t *o = json_object();
	for (size_t i = 0; l && o && i < l->n; i++)
		json_object_set_new(o, l->codes[i].value, json_integer(0));
	return o;
}

static json_t *column_new(const struct reg_units *u, const char *code, int32_t day, bool total)
{
	return json_pack("{s:s, s:s, s:b, s:i, s:i, s:i, s:i, s:o, s:o, s:o, s:i, s:i, s:i, s:i}", "code", code, "name",
			 unit_name(u, code, day), "total", total, "sessions", 0, "male", 0, "female", 0,
			 "participants", 0, "by_age", zeros("age_group"), "by_topic", zeros("comm_topic"),
			 "by_format", zeros("comm_format"), "clubs", 0, "active_clubs", 0, "meetings", 0,
			 "attendance", 0);
}

static void add(json_t *o, const char *k, json_int_t n)
{
	json_object_set_new(o, k, json_integer(json_integer_value(json_object_get(o, k)) + n));
}

/* Adds n to key k (of member obj when not NULL) in the column of commune,
 * when it has one, and in the total (the last column). */
static void count(struct summary *s, const char *commune, const char *obj, const char *k, json_int_t n)
{
	if (!k)
		return;
	for (size_t i = 0; i + 1 < s->n; i++)
		if (strcmp(s->col[i].code, commune) == 0) {
			add(obj ? json_object_get(s->col[i].o, obj) : s->col[i].o, k, n);
			break;
		}
	json_t *t = s->col[s->n - 1].o;
	add(obj ? json_object_get(t, obj) : t, k, n);
}

static void sess_count(struct sess_scan *sc, const struct rec_entry *e, const char *commune)
{
	struct summary *s = sc->arg;
	const json_t *part = json_object_get(e->body, "participants");
	json_int_t m = sum_sex(part, "male"), f = sum_sex(part, "female");
	count(s, commune, NULL, "sessions", 1);
	count(s, commune, NULL, "male", m);
	count(s, commune, NULL, "female", f);
	count(s, commune, NULL, "participants", m + f);
	count(s, commune, "by_topic", json_string_value(json_object_get(e->body, "topic")), 1);
	count(s, commune, "by_format", json_string_value(json_object_get(e->body, "format")), 1);
	static const char *const sexes[] = {"male", "female"};
	for (int i = 0; i < 2; i++) {
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(part, sexes[i]), k, v)
			count(s, commune, "by_age", k, json_integer_value(v));
	}
}

/* The communes under unit on day, or the unit itself at or below the commune. */
static bool columns(struct summary *s, const struct reg_units *u, const char *unit, int32_t day)
{
	const struct reg_unit *top = reg_units_resolve(u, unit, day);
	size_t cap = 0;
	if (top && top->level < LVL_COMMUNE) {
		for (size_t i = 0; i < u->n; i++) {
			const struct reg_unit *r = &u->rows[i];
			if (r->level != LVL_COMMUNE || (i > 0 && strcmp(u->rows[i - 1].code, r->code) == 0) ||
			    !reg_units_at(u, r->code, day) || !reg_units_within(u, r->code, unit, day))
				continue;
			if (!ds_grow(&s->col, sizeof *s->col, &cap, s->n, 32))
				return false;
			snprintf(s->col[s->n].code, sizeof s->col->code, "%s", r->code);
			s->col[s->n].o = column_new(u, r->code, day, false);
			s->n++;
		}
	}
	if (!ds_grow(&s->col, sizeof *s->col, &cap, s->n, 32))
		return false;
	snprintf(s->col[s->n].code, sizeof s->col->code, "%s", unit);
	s->col[s->n].o = column_new(u, unit, day, true);
	s->n++;
	return true;
}

static json_t *code_list(const char *list, const char *lang)
{
	const struct reg_codelist *l = reg_codes(list);
	json_t *a = json_array();
	for (size_t i = 0; l && a && i < l->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "code", l->codes[i].value, "label",
						   strcmp(lang, "en") == 0 ? l->codes[i].en : l->codes[i].vi));
	return a;
}

json_t *wf_comm_summary(struct rec_book *b, const struct reg_units *u, const char *unit,
			const struct rpt_period *p, const char *lang)
{
	struct summary s = {0};
	if (!columns(&s, u, unit, p->to))
		goto fail;
	struct sess_scan sc = {.u = u, .unit = unit, .lang = lang, .p = p, .each = sess_count, .arg = &s};
	rec_book_each(b, "comm_session", sess_one, &sc);
	struct club_scan cs = {.u = u, .b = b, .unit = unit, .day = p->to, .from = p->from};
	clubs_scan(&cs);
	for (size_t i = 0; i < cs.n; i++) {
		const struct club *c = &cs.c[i];
		char commune[REG_UNIT_CODE_MAX + 1];
		if (!commune_of(u, c->commune, p->to, commune))
			continue;
		count(&s, commune, NULL, "clubs", 1);
		count(&s, commune, NULL, "active_clubs", wf_club_active(p->to, c->since, c->last));
		count(&s, commune, NULL, "meetings", c->meetings);
		count(&s, commune, NULL, "attendance", c->attendance);
	}
	clubs_free(&cs);
	json_t *cols = json_array();
	for (size_t i = 0; i < s.n; i++)
		json_array_append_new(cols, s.col[i].o);
	free(s.col);
	char lab[64], from[11], to[11];
	rpt_period_label(p, lang, lab, sizeof lab);
	day_format(p->from, from);
	day_format(p->to, to);
	return json_pack("{s:o, s:{s:s, s:s, s:s, s:s}, s:o, s:o, s:o, s:o}", "unit", unit_json(u, unit, p->to),
			 "period", "code", p->code, "label", lab, "from", from, "to", to, "columns", cols, "topics",
			 code_list("comm_topic", lang), "formats", code_list("comm_format", lang), "age_groups",
			 code_list("age_group", lang));
fail:
	for (size_t i = 0; i < s.n; i++)
		json_decref(s.col[i].o);
	free(s.col);
	return NULL;
}

/* ---- CSV and XLSX ---- */

/* The table of the summary: a header line and one line per column, as text cells. */
struct grid {
	size_t rows, cols;
	char **cell; /* rows x cols, owned */
	bool *number;
};

static const char *const fixed_en[] = {"Unit code", "Unit", "Sessions", "Participants", "Men", "Women",
				       "Clubs", "Active clubs", "Club meetings", "Attendance"};
static const char *const fixed_vi[] = {"Mã đơn vị", "Đơn vị", "Số buổi truyền thông", "Số người tham dự",
				       "Nam", "Nữ", "Số câu lạc bộ", "Câu lạc bộ hoạt động",
				       "Số buổi sinh hoạt câu lạc bộ", "Lượt người tham gia sinh hoạt"};
static const char *const fixed_keys[] = {NULL, NULL, "sessions", "participants", "male", "female",
					 "clubs", "active_clubs", "meetings", "attendance"};
#define NFIXED (sizeof fixed_keys / sizeof fixed_keys[0])

static void grid_free(struct grid *g)
{
	for (size_t i = 0; g->cell && i < g->rows * g->cols; i++)
		free(g->cell[i]);
	free(g->cell);
	free(g->number);
}

static bool grid_make(const json_t *s, const char *lang, struct grid *g)
{
	bool en = lang && strcmp(lang, "en") == 0;
	const json_t *topics = json_object_get(s, "topics"), *formats = json_object_get(s, "formats"),
		     *cols = json_object_get(s, "columns");
	size_t nt = json_array_size(topics), nf = json_array_size(formats);
	g->cols = NFIXED + nt + nf;
	g->rows = 1 + json_array_size(cols);
	g->cell = calloc(g->rows * g->cols, sizeof *g->cell);
	g->number = calloc(g->cols, sizeof *g->number);
	if (!g->cell || !g->number)
		return false;
	char tmp[256];
	for (size_t j = 0; j < g->cols; j++) {
		const char *h;
		if (j < NFIXED) {
			h = en ? fixed_en[j] : fixed_vi[j];
		} else {
			const json_t *l = j < NFIXED + nt ? json_array_get(topics, j - NFIXED)
							  : json_array_get(formats, j - NFIXED - nt);
			snprintf(tmp, sizeof tmp, "%s: %s", j < NFIXED + nt ? (en ? "Topic" : "Chủ đề") : (en ? "Format" : "Hình thức"),
				 json_string_value(json_object_get(l, "label")));
			h = tmp;
		}
		g->cell[j] = strdup(h);
		g->number[j] = j >= 2;
	}
	for (size_t i = 1; i < g->rows; i++) {
		const json_t *c = json_array_get(cols, i - 1);
		for (size_t j = 0; j < g->cols; j++) {
			if (j == 0 || j == 1) {
				snprintf(tmp, sizeof tmp, "%s", json_string_value(json_object_get(c, j ? "name" : "code")));
			} else if (j < NFIXED) {
				snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(json_object_get(c, fixed_keys[j])));
			} else {
				bool t = j < NFIXED + nt;
				const json_t *l = t ? json_array_get(topics, j - NFIXED) : json_array_get(formats, j - NFIXED - nt);
				const char *code = json_string_value(json_object_get(l, "code"));
				snprintf(tmp, sizeof tmp, "%lld",
					 (long long)json_integer_value(json_object_get(json_object_get(c, t ? "by_topic" : "by_format"), code)));
			}
			g->cell[i * g->cols + j] = strdup(tmp);
		}
	}
	for (size_t i = 0; i < g->rows * g->cols; i++)
		if (!g->cell[i])
			return false;
	return true;
}

void wf_comm_summary_csv(const json_t *s, const char *lang, struct buf *out)
{
	struct grid g = {0};
	if (grid_make(s, lang, &g)) {
		buf_puts(out, "\xEF\xBB\xBF");
		for (size_t i = 0; i < g.rows; i++) {
			for (size_t j = 0; j < g.cols; j++) {
				if (j)
					buf_putc(out, ',');
				buf_csv_field(out, g.cell[i * g.cols + j]);
			}
			buf_puts(out, "\r\n");
		}
	}
	grid_free(&g);
}

enum ds_rc wf_comm_summary_xlsx(const json_t *s, const char *lang, const char *path)
{
	struct grid g = {0};
	if (!grid_make(s, lang, &g)) {
		grid_free(&g);
		return DS_ENOMEM;
	}
	bool en = lang && strcmp(lang, "en") == 0;
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, en ? "Communication" : "Truyen thong") : NULL;
	if (!ws) {
		grid_free(&g);
		if (wb)
			workbook_close(wb);
		return DS_EIO;
	}
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_text_wrap(bold);
	char title[300];
	snprintf(title, sizeof title, "%s: %s, %s",
		 en ? "Communication and clubs" : "Truyền thông và câu lạc bộ",
		 json_string_value(json_object_get(json_object_get(s, "unit"), "name")),
		 json_string_value(json_object_get(json_object_get(s, "period"), "label")));
	worksheet_write_string(ws, 0, 0, title, bold);
	for (size_t i = 0; i < g.rows; i++)
		for (size_t j = 0; j < g.cols; j++) {
			const char *v = g.cell[i * g.cols + j];
			if (i && g.number[j])
				worksheet_write_number(ws, (lxw_row_t)(i + 2), (lxw_col_t)j, strtod(v, NULL), NULL);
			else
				worksheet_write_string(ws, (lxw_row_t)(i + 2), (lxw_col_t)j, v, i ? NULL : bold);
		}
	worksheet_set_column(ws, 1, 1, 28, NULL);
	worksheet_freeze_panes(ws, 3, 2);
	grid_free(&g);
	return workbook_close(wb) == LXW_NO_ERROR ? DS_OK : DS_EIO;
}
