/*
 * report: forms and indicators as data (defs/forms/ (JSON files), embedded), and
 * the computation of a form for a unit, a period and a map date.
 *
 * A report for a commune (or a village or area) has one column.  A report
 * for a district, a province or the country has one column per commune
 * under it in the tree of the map date, plus a total column, which is the
 * sum of the communes' counts with every rate recomputed from the sums
 * (reports.md: totals above the commune level are sums over communes).
 *
 * Values are doubles; NaN means "no value" (a rate over zero) and is shown
 * empty.  Renderers (render.c) write JSON, CSV, XLSX and printable HTML.
 */
#ifndef DS_REPORT_H
#define DS_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "engine/engine.h"
#include "report/expr.h"

struct rpt_row {
	char code[16];
	char *label_vi, *label_en, *unit_vi, *unit_en;
	char *text; /* the expression as written */
	struct expr *x;
	bool sex;
	bool additive; /* split by sex, and the total is men plus women (expr_sex_additive) */
	int decimals;
	char target[16];
	int indent;
	int section;
	uint32_t reads; /* the cube calls it reads, through row() too (EXPR_READS bits) */
};

struct rpt_section {
	char *title_vi, *title_en;
};

struct rpt_form {
	char code[16];
	char *title_vi, *title_en, *period;
	bool targets;
	struct rpt_section *sections;
	size_t nsections;
	struct rpt_row *rows;
	size_t nrows;
	struct expr_needs needs;
	size_t slots;       /* the sums a column keeps for its rows (expr_share) */
	uint8_t *slot_sums; /* of each slot: whether it adds up over columns */
};

struct rpt_defs {
	struct rpt_form *forms;
	size_t n;
};

/* Loads the embedded definitions; on a bad file, err names it and why. */
enum ds_rc rpt_defs_load(struct rpt_defs *d, char *err, size_t errsz);
/* Loads definitions from JSON text (tests, and checking a new file). */
enum ds_rc rpt_form_parse(const char *json, size_t len, struct rpt_form *f, char *err,
			  size_t errsz);
void rpt_defs_free(struct rpt_defs *d);
const struct rpt_form *rpt_form_find(const struct rpt_defs *d, const char *code);

enum rpt_kind { PERIOD_MONTH, PERIOD_QUARTER, PERIOD_HALF, PERIOD_YEAR };

struct rpt_period {
	char code[12]; /* "2024-03", "2024-Q1", "2024-H1", "2024" */
	enum rpt_kind kind;
	int year, index;
	int32_t from, to;
};

bool rpt_period_parse(const char *s, struct rpt_period *p);
/* "Tháng 03/2024", "Quý I/2024"...; "March 2024", "Q1 2024"... */
void rpt_period_label(const struct rpt_period *p, const char *lang, char *out, size_t outsz);

enum rpt_layout { LAYOUT_AUTO, LAYOUT_SINGLE, LAYOUT_COMMUNES };

/* The whole country as a report's unit: one column per province that
 * exists on the map date, and the national total. */
#define RPT_NATION "VN"
#define RPT_NATION_NAME "Toàn quốc"

struct rpt_request {
	const char *form;
	const char *unit;
	const char *period;
	int32_t map_date; /* DAY_NONE: the period's last day */
	enum rpt_layout layout;
};

/* Targets for a unit, year and key; NaN when none. */
typedef double (*rpt_target_fn)(void *arg, const char *unit, int year, const char *key);

struct rpt_table {
	const struct rpt_form *form;
	struct rpt_period period;
	int32_t map_date;
	char unit[REG_UNIT_CODE_MAX + 1];
	char unit_name[REG_TEXT_BYTES];
	enum reg_level unit_level;
	size_t ncols; /* with the total, when has_total */
	bool has_total;
	char (*col_code)[REG_UNIT_CODE_MAX + 1];
	char (*col_name)[REG_TEXT_BYTES];
	double *val; /* [row * ncols + col] */
	double *male, *female, *target;
	int64_t generated_at;
	bool revision;
	double seconds; /* computing time */
};

/* Computes a report.  pb names the faulty request field on DS_EUSAGE/ENOTFOUND. */
enum ds_rc rpt_run(struct engine *e, const struct rpt_defs *d, const struct rpt_request *rq,
		   rpt_target_fn targets, void *targets_arg, struct rpt_table *t,
		   struct ds_problem *pb);
void rpt_table_free(struct rpt_table *t);

static inline double rpt_at(const struct rpt_table *t, const double *v, size_t row, size_t col)
{
	return v[row * t->ncols + col];
}

/* ---- time series (series.c) ---- */

/* One row of a monthly form, month by month, for one unit under one map. */
struct rpt_series {
	const struct rpt_form *form;
	long row; /* index in form->rows */
	char unit[REG_UNIT_CODE_MAX + 1];
	char unit_name[REG_TEXT_BYTES];
	int32_t map_date;
	int32_t from; /* the first month's first day */
	double *value; /* [n], NaN for no value */
	size_t n;
};
/*
 * The row's value for each month from `from` to `to` (any day of each),
 * at most 600 months, all under the map of map_date (DAY_NONE: today's
 * when the unit exists today, else the map of its last day, so an old
 * unit's series is read under the old map).  One engine view holds for
 * the whole series.  pb names the request field at fault (form, row,
 * unit, from, to).  Freed with rpt_series_free().
 */
enum ds_rc rpt_series_run(struct engine *e, const struct rpt_defs *d, const char *form,
			  const char *row, const char *unit, int32_t map_date, int32_t from,
			  int32_t to, struct rpt_series *s, struct ds_problem *pb);
void rpt_series_free(struct rpt_series *s);
/* {"form", "row", "label", "unit", "unit_name", "map_date", "decimals",
 *  "points": [{"period": "2023-01", "value": 12}]} (value null for none) */
json_t *rpt_series_json(const struct rpt_series *s, const char *lang);

/* ---- output ---- */

json_t *rpt_json(const struct rpt_table *t, const char *lang);
enum ds_rc rpt_csv(const struct rpt_table *t, const char *lang, struct buf *out);
enum ds_rc rpt_html(const struct rpt_table *t, const char *lang, struct buf *out);
/* Writes an .xlsx file at path. */
enum ds_rc rpt_xlsx(const struct rpt_table *t, const char *lang, const char *path);

/* "1.234.567" (vi) or "1,234,567" (en) with the row's decimals; "" for NaN. */
void rpt_format_number(double v, int decimals, const char *lang, char *out, size_t outsz);

#endif
