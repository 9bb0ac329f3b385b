/* The programmes' work lists as a document: the engine's members with names, areas and households from the store, CSV and XLSX. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/day.h"
#include "base/progress.h"
#include "register/codes.h"
#include "store/register.h"
#include "workflow/worklist.h"

const char *const wl_lists[] = {"elderly", "prenatal", "newborn", "premarital", "poor-fp", "third-births", NULL};

/*
 * The supplies to plan for the women of poor and near-poor households, per
 * user of a method: `units` every `woman_months` (kept as two integers so
 * that the quantity, rounded up, is exact).
 * - Pill: a cycle a month.  Condoms: ten a month (120 a year, the usual
 *   couple-year of protection).  Injection: one every three months.
 * - Implant and IUD: a woman using one needs a new one only when it is
 *   taken out or has run its course, so they are planned at the standard
 *   couple-years-of-protection factors (USAID's CYP table, used for
 *   procurement): a Copper-T 380A IUD gives 4.6 years of protection on
 *   average, the single-rod 3-year implant 2.5 years (early removals
 *   included).  In a steady population of users each device covers that
 *   many woman-years, so N users need N / 4.6 IUDs and N / 2.5 implants a
 *   year: one IUD per 55.2 woman-months (5 per 276), one implant per 30.
 *   This is an average over the users, not a due date per woman (the
 *   register does not say when each was inserted); for a few users it
 *   rounds up to one.
 * - A sterilisation needs nothing new: counted, not supplied.
 */
static const struct {
	int method;
	const char *vi, *en;
	int units, woman_months;
} supplies[] = {
	{4, "vỉ thuốc uống", "pill cycles", 1, 1},
	{5, "bao cao su", "condoms", 10, 1},
	{2, "liều thuốc tiêm", "injections", 1, 3},
	{3, "que cấy tránh thai", "implants", 1, 30},
	{1, "dụng cụ tử cung (vòng)", "IUDs", 5, 276},
};

static int list_of(const char *name)
{
	for (int i = 0; wl_lists[i]; i++)
		if (strcmp(wl_lists[i], name) == 0)
			return i;
	return -1;
}

static enum ds_rc refuse(struct ds_problem *pb, const char *field, enum ds_why why, enum ds_rc rc)
{
	ds_problem_set(pb, "", 0, field, why);
	return rc;
}

static bool parse_day(const char *s, int32_t *d)
{
	return s && day_parse(s, strlen(s), d);
}

static json_t *day_json(int32_t d)
{
	char s[11];
	day_format(d, s);
	return json_string(s);
}

/* What the store adds to an item: ids, names, the household's number. */
struct names {
	struct store *st;
	int64_t hh;
	char hh_id[REG_ID_MAX + 1], hh_number[16];
};

static json_t *person_json(struct store *st, int64_t rid, const char *id_key, const char *name_key)
{
	struct store_person p;
	if (rid <= 0 || store_person_get(st, NULL, rid, &p) != DS_OK)
		return NULL;
	return json_pack("{s:s, s:s}", id_key, p.rec.id, name_key, p.cur_name[0] ? p.cur_name : p.rec.full_name);
}

static void household(struct names *nm, int64_t hh, json_t *o)
{
	if (hh != nm->hh) {
		struct store_household h;
		nm->hh = hh;
		nm->hh_id[0] = nm->hh_number[0] = 0;
		if (hh > 0 && store_household_get(nm->st, NULL, hh, &h) == DS_OK) {
			snprintf(nm->hh_id, sizeof nm->hh_id, "%s", h.rec.id);
			snprintf(nm->hh_number, sizeof nm->hh_number, "%s", h.rec.number);
		}
	}
	json_object_set_new(o, "household", json_string(nm->hh_id));
	json_object_set_new(o, "household_number", json_string(nm->hh_number));
}

/* The other person of a marriage or birth event (the spouse, the child). */
static json_t *other_of(struct store *st, int64_t seq, const char *id_key, const char *name_key)
{
	struct store_event ev;
	if (store_event_by_seq(st, seq, &ev) != DS_OK)
		return NULL;
	return person_json(st, ev.fact.other, id_key, name_key);
}

static void list_members(int list, const struct eng_wl_item *it, int32_t day, struct store *st,
			 json_t *o)
{
	switch (list) {
	case ENG_WL_PRENATAL:
		json_object_set_new(o, "pregnancy_date", day_json(it->date));
		json_object_set_new(o, "weeks", json_integer(it->week));
		json_object_set_new(o, "due_week", json_integer(it->due_week));
		json_object_set_new(o, "due_date", day_json(it->due));
		json_object_set_new(o, "overdue", json_boolean(it->due < day));
		break;
	case ENG_WL_NEWBORN:
		json_object_set_new(o, "days", json_integer(day - it->birth));
		break;
	case ENG_WL_PREMARITAL: {
		json_object_set_new(o, "marriage_date", day_json(it->date));
		json_t *sp = other_of(st, it->seq, "spouse_id", "spouse_name");
		if (!sp)
			sp = json_pack("{s:n, s:n}", "spouse_id", "spouse_name");
		json_object_update(o, sp);
		json_decref(sp);
		break;
	}
	case ENG_WL_POOR_FP:
		json_object_set_new(o, "poverty", json_integer(it->poverty));
		json_object_set_new(o, "method", json_integer(it->method));
		break;
	case ENG_WL_THIRD_BIRTHS: {
		json_object_set_new(o, "birth_order", json_integer(it->order));
		json_object_set_new(o, "child_birth_date", day_json(it->date));
		json_t *ch = other_of(st, it->seq, "child_id", "child_name");
		if (!ch)
			ch = json_pack("{s:n, s:n}", "child_id", "child_name");
		json_object_update(o, ch);
		json_decref(ch);
		break;
	}
	default: break;
	}
}

/* Supply k for `women` users over `months`, rounded up. */
static int64_t supply_quantity(int64_t women, int months, size_t k)
{
	int64_t need = women * months * supplies[k].units;
	return (need + supplies[k].woman_months - 1) / supplies[k].woman_months;
}

/* The supplies to plan, from the women's methods. */
static json_t *supplies_json(const json_t *items, int months)
{
	int64_t by[10] = {0};
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		json_int_t m = json_integer_value(json_object_get(it, "method"));
		if (m >= 0 && m < 10)
			by[m]++;
	}
	json_t *methods = json_array(), *need = json_array();
	for (int m = 0; m < 10; m++)
		if (by[m])
			json_array_append_new(methods, json_pack("{s:i, s:I}", "method", m, "women", (json_int_t)by[m]));
	for (size_t k = 0; k < sizeof supplies / sizeof supplies[0]; k++)
		json_array_append_new(
			need, json_pack("{s:i, s:s, s:s, s:I, s:I}", "method", supplies[k].method, "supply_vi",
					supplies[k].vi, "supply_en", supplies[k].en, "women",
					(json_int_t)by[supplies[k].method], "quantity",
					(json_int_t)supply_quantity(by[supplies[k].method], months, k)));
	return json_pack("{s:i, s:o, s:o, s:I}", "months", months, "by_method", methods, "supplies", need,
			 "without_method", (json_int_t)by[0]);
}

/* The unit's and the areas' names, in the view. */
struct area_name {
	int32_t area;
	char code[REG_UNIT_CODE_MAX + 1], name[REG_TEXT_BYTES];
	int64_t count;
};

static enum ds_rc area_names(const struct eng_view *v, const struct eng_wl_item *items, size_t n,
			     int32_t day, struct area_name **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		if (*nout && (*out)[*nout - 1].area == items[i].area) {
			(*out)[*nout - 1].count++;
			continue;
		}
		if (*nout == cap) {
			cap = cap ? cap * 2 : 16;
			struct area_name *p = realloc(*out, cap * sizeof *p);
			if (!p)
				return DS_ENOMEM;
			*out = p;
		}
		struct area_name *a = &(*out)[(*nout)++];
		a->area = items[i].area;
		a->count = 1;
		snprintf(a->code, sizeof a->code, "%s", engine_area_code(v, items[i].area));
		const struct reg_unit *u = reg_units_resolve(eng_units(v), a->code, day);
		snprintf(a->name, sizeof a->name, "%s", u ? u->name : a->code);
	}
	return DS_OK;
}

struct wl_args {
	int list;
	int32_t day, from;
	int months;
};

static enum ds_rc check_request(const struct wl_request *rq, struct wl_args *a, struct ds_problem *pb)
{
	if (!rq->list || !rq->list[0])
		return refuse(pb, "list", W_REQUIRED, DS_EUSAGE);
	if ((a->list = list_of(rq->list)) < 0)
		return refuse(pb, "list", W_BAD_CODE, DS_EUSAGE);
	if (!rq->unit || !rq->unit[0])
		return refuse(pb, "unit", W_REQUIRED, DS_EUSAGE);
	a->day = day_today();
	if (rq->date && rq->date[0] && !parse_day(rq->date, &a->day))
		return refuse(pb, "date", W_BAD_DATE, DS_EUSAGE);
	int y, m, d;
	day_to_ymd(a->day, &y, &m, &d);
	a->from = day_from_ymd(y, 1, 1);
	if (rq->from && rq->from[0] && !parse_day(rq->from, &a->from))
		return refuse(pb, "from", W_BAD_DATE, DS_EUSAGE);
	if (a->from > a->day)
		return refuse(pb, "from", W_DATE_ORDER, DS_EUSAGE);
	a->months = rq->months ? rq->months : 3;
	if (a->months < 1 || a->months > 12)
		return refuse(pb, "months", W_BAD_CODE, DS_EUSAGE);
	return DS_OK;
}

/* The engine's part, in one view: members, the unit's name, the areas' names. */
static enum ds_rc ask_engine(struct engine *e, const struct wl_request *rq, const struct wl_args *a,
			     struct eng_wl_item **items, size_t *n, struct area_name **areas,
			     size_t *nareas, char *unit_name, size_t unit_name_sz, double *engine_ms)
{
	double t0 = progress_now();
	const struct eng_view *v = engine_read(e);
	struct eng_wl_request q = {.list = (enum eng_wl_list)a->list, .unit = rq->unit, .map_date = a->day,
				   .from = a->from, .day = a->day};
	const struct reg_unit *u = reg_units_resolve(eng_units(v), rq->unit, a->day);
	enum ds_rc rc = u ? engine_worklist(v, &q, items, n) : DS_ENOTFOUND;
	if (!rc)
		rc = area_names(v, *items, *n, a->day, areas, nareas);
	if (u)
		snprintf(unit_name, unit_name_sz, "%s", u->name);
	engine_read_end(v);
	if (engine_ms)
		*engine_ms = (progress_now() - t0) * 1e3;
	return rc;
}

static json_t *items_json(int list, const struct eng_wl_item *items, size_t n,
			  const struct area_name *areas, size_t nareas, int32_t day, struct store *st)
{
	json_t *arr = json_array();
	struct names nm = {.st = st, .hh = -1};
	size_t ai = 0;
	for (size_t i = 0; i < n; i++) {
		const struct eng_wl_item *it = &items[i];
		while (ai + 1 < nareas && areas[ai].area != it->area)
			ai++;
		json_t *o = person_json(st, it->person, "person_id", "name");
		if (!o)
			continue; /* not in the store: the engine is ahead of this connection */
		json_object_set_new(o, "area", json_string(areas[ai].code));
		json_object_set_new(o, "area_name", json_string(areas[ai].name));
		household(&nm, it->hh, o);
		json_object_set_new(o, "sex", json_integer(it->sex));
		json_object_set_new(o, "birth_date", day_json(it->birth));
		json_object_set_new(o, "age", json_integer(it->age));
		list_members(list, it, day, st, o);
		json_array_append_new(arr, o);
	}
	return arr;
}

/* How many are on the list in each area: [{area, name, count}]. */
static json_t *areas_json(const struct area_name *areas, size_t nareas)
{
	json_t *by_area = json_array();
	for (size_t i = 0; i < nareas; i++)
		json_array_append_new(by_area, json_pack("{s:s, s:s, s:I}", "area", areas[i].code, "name",
							 areas[i].name, "count", (json_int_t)areas[i].count));
	return by_area;
}

enum ds_rc wl_run(struct engine *e, struct store *st, const struct wl_request *rq, json_t **out,
		  struct ds_problem *pb, double *engine_ms)
{
	*out = NULL;
	struct wl_args a;
	enum ds_rc rc = check_request(rq, &a, pb);
	if (rc)
		return rc;
	struct eng_wl_item *items = NULL;
	struct area_name *areas = NULL;
	size_t n = 0, nareas = 0;
	char unit_name[REG_TEXT_BYTES] = "";
	rc = ask_engine(e, rq, &a, &items, &n, &areas, &nareas, unit_name, sizeof unit_name, engine_ms);
	if (rc == DS_ENOTFOUND)
		refuse(pb, "unit", W_NO_UNIT, rc);
	if (!rc && rq->counts_only) {
		json_t *by_area = areas_json(areas, nareas);
		*out = json_pack("{s:s, s:s, s:s, s:o, s:I, s:o}", "list", wl_lists[a.list], "unit", rq->unit,
				 "unit_name", unit_name, "date", day_json(a.day), "count", (json_int_t)n, "areas",
				 by_area);
	} else if (!rc) {
		json_t *arr = items_json(a.list, items, n, areas, nareas, a.day, st);
		json_t *by_area = areas_json(areas, nareas);
		*out = json_pack("{s:s, s:s, s:s, s:o, s:o, s:I, s:o, s:o}", "list", wl_lists[a.list], "unit",
				 rq->unit, "unit_name", unit_name, "date", day_json(a.day), "from",
				 a.list == ENG_WL_PREMARITAL || a.list == ENG_WL_THIRD_BIRTHS ? day_json(a.from)
											: json_null(),
				 "count", (json_int_t)json_array_size(arr), "areas", by_area, "items", arr);
		if (a.list == ENG_WL_POOR_FP)
			json_object_set_new(*out, "plan", supplies_json(arr, a.months));
	}
	free(items);
	free(areas);
	return rc;
}

/* ---- CSV and XLSX ---- */

/* A column: the item's member, its headers, and the code list its value is labelled from. */
struct wl_col {
	const char *key, *vi, *en, *codes;
};

static const struct wl_col common_cols[] = {
	{"area", "Địa bàn", "Area", NULL},
	{"area_name", "Tên địa bàn", "Area name", NULL},
	{"household_number", "Số hộ", "Household number", NULL},
	{"name", "Họ tên", "Name", NULL},
	{"person_id", "Mã người", "Person id", NULL},
	{"sex", "Giới tính", "Sex", "sex"},
	{"birth_date", "Ngày sinh", "Birth date", NULL},
	{"age", "Tuổi", "Age", NULL},
};
static const struct wl_col prenatal_cols[] = {
	{"pregnancy_date", "Ngày ghi nhận mang thai", "Pregnancy recorded", NULL},
	{"weeks", "Số tuần", "Weeks", NULL},
	{"due_week", "Sàng lọc tuần", "Screening at week", NULL},
	{"due_date", "Hạn", "Due", NULL},
};
static const struct wl_col newborn_cols[] = {{"days", "Số ngày tuổi", "Days old", NULL}};
static const struct wl_col premarital_cols[] = {
	{"marriage_date", "Ngày kết hôn", "Marriage date", NULL},
	{"spouse_name", "Vợ/chồng", "Spouse", NULL},
};
static const struct wl_col poor_cols[] = {
	{"poverty", "Hộ nghèo/cận nghèo", "Poverty", "poverty"},
	{"method", "Biện pháp tránh thai", "Method", "fp_method"},
};
static const struct wl_col birth_cols[] = {
	{"child_birth_date", "Ngày sinh con", "Child born", NULL},
	{"birth_order", "Con thứ", "Birth order", NULL},
	{"child_name", "Tên con", "Child", NULL},
};

static const struct wl_col *own_cols(const char *list, size_t *n)
{
#define OWN(arr) (*n = sizeof arr / sizeof arr[0], arr)
	if (strcmp(list, "prenatal") == 0)
		return OWN(prenatal_cols);
	if (strcmp(list, "newborn") == 0)
		return OWN(newborn_cols);
	if (strcmp(list, "premarital") == 0)
		return OWN(premarital_cols);
	if (strcmp(list, "poor-fp") == 0)
		return OWN(poor_cols);
	if (strcmp(list, "third-births") == 0)
		return OWN(birth_cols);
#undef OWN
	*n = 0;
	return NULL;
}

/* Column k of a list (the common ones, then its own); NULL past the last. */
static const struct wl_col *col_at(const char *list, size_t k)
{
	size_t nc = sizeof common_cols / sizeof common_cols[0], no;
	const struct wl_col *own = own_cols(list, &no);
	return k < nc ? &common_cols[k] : k < nc + no ? &own[k - nc] : NULL;
}

/* A cell's text into out: the label of a coded value, else the value. */
static const char *cell(const json_t *it, const struct wl_col *c, bool vi, char *out, size_t outsz)
{
	const json_t *v = json_object_get(it, c->key);
	if (json_is_string(v))
		return json_string_value(v);
	if (!json_is_integer(v))
		return "";
	snprintf(out, outsz, "%lld", (long long)json_integer_value(v));
	const char *label = c->codes ? reg_code_label(c->codes, out, vi ? "vi" : "en") : NULL;
	return label ? label : out;
}

static void csv_field(struct buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

void wl_csv(const json_t *list, const char *lang, struct buf *b)
{
	bool vi = strcmp(lang, "vi") == 0;
	const char *name = json_string_value(json_object_get(list, "list"));
	const struct wl_col *c;
	for (size_t k = 0; (c = col_at(name, k)); k++) {
		if (k)
			buf_putc(b, ',');
		csv_field(b, vi ? c->vi : c->en);
	}
	buf_puts(b, "\r\n");
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "items"), i, it)
	{
		for (size_t k = 0; (c = col_at(name, k)); k++) {
			char tmp[32];
			if (k)
				buf_putc(b, ',');
			csv_field(b, cell(it, c, vi, tmp, sizeof tmp));
		}
		buf_puts(b, "\r\n");
	}
}

enum ds_rc wl_xlsx(const json_t *list, const char *lang, const char *path)
{
	bool vi = strcmp(lang, "vi") == 0;
	const char *name = json_string_value(json_object_get(list, "list"));
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return DS_EIO;
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	char line[512];
	snprintf(line, sizeof line, "%s — %s (%s) — %s", name,
		 json_string_value(json_object_get(list, "unit_name")),
		 json_string_value(json_object_get(list, "unit")),
		 json_string_value(json_object_get(list, "date")));
	worksheet_write_string(ws, 0, 0, line, bold);
	const struct wl_col *c;
	for (size_t k = 0; (c = col_at(name, k)); k++) {
		worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, k == 3 ? 28 : 14, NULL);
		worksheet_write_string(ws, 2, (lxw_col_t)k, vi ? c->vi : c->en, bold);
	}
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "items"), i, it)
		for (size_t k = 0; (c = col_at(name, k)); k++) {
			char tmp[32];
			worksheet_write_string(ws, (lxw_row_t)(3 + i), (lxw_col_t)k, cell(it, c, vi, tmp, sizeof tmp),
					       NULL);
		}
	worksheet_freeze_panes(ws, 3, 0);
	return workbook_close(wb) == LXW_NO_ERROR ? DS_OK : DS_EIO;
}
