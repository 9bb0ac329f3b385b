/*
 * Outliers in the communes' monthly series of 01-DSX: the modified z-score
 * (Iglewicz and Hoaglin: 0.6745 (x - median) / MAD) and the commune's own
 * range, of each month of the period against the months before it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "quality/quality_int.h"
#include "report/expr.h"

/* ---- outliers ---- */

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return a < b ? -1 : a > b;
}

/* Median of n values (sorted in place). */
static double median(double *x, size_t n)
{
	qsort(x, n, sizeof *x, cmp_double);
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/*
 * The outlier form's rows for every commune and month, month 0 = first:
 * v[i][row * ncols + col].  Computed in one view, two months to an engine
 * query (its two stock dates and two flow periods), so that the spells are
 * read once for two month-ends.
 */
struct months {
	size_t n, ncols;
	int32_t *start; /* first day of each month */
	const struct rpt_form *form;
	char (*code)[REG_UNIT_CODE_MAX + 1];
	char (*name)[REG_TEXT_BYTES];
	double **v;
};

static double mval(const struct months *m, size_t i, size_t row, size_t col)
{
	return m->v[i][row * m->ncols + col];
}

static void months_free(struct months *m)
{
	for (size_t i = 0; m->v && i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	free(m->start);
	free(m->code);
	free(m->name);
}

/* The form's rows of months i and i + 1 (when wanted), in one engine query. */
static enum ds_rc months_pair(const struct eng_view *v, struct run *r, struct months *m,
			      const char *const *units, size_t i, bool two)
{
	struct eng_query q = {.map_date = r->map, .ncols = m->ncols, .units = units,
			      .nstock = two ? 2 : 1, .nflow = two ? 2 : 1};
	for (int k = 0; k < (two ? 2 : 1); k++) {
		q.stock_date[k] = q.flow_to[k] = day_month_end(m->start[i + (size_t)k]);
		q.flow_from[k] = m->start[i + (size_t)k];
	}
	struct eng_result res = {0};
	enum ds_rc rc = engine_query(v, &q, &res);
	double *rows = rc ? NULL : malloc((m->form->nrows + 1) * sizeof *rows);
	if (!rc && !rows)
		rc = DS_ENOMEM;
	for (int k = 0; k < (two ? 2 : 1) && !rc; k++) {
		size_t mi = i + (size_t)k;
		struct expr_env env = {.days = (double)(day_month_end(m->start[mi]) - m->start[mi] + 1)};
		env.rows = rows;
		for (size_t col = 0; col < m->ncols; col++) {
			env.stock[0] = &res.stock[k][col];
			env.flow[0] = &res.flow[k][col];
			for (size_t row = 0; row < m->form->nrows; row++) {
				rows[row] = expr_eval(m->form->rows[row].x, &env, 0);
				m->v[mi][row * m->ncols + col] = rows[row];
			}
		}
	}
	free(rows);
	eng_result_free(&res);
	return rc;
}

static enum ds_rc months_columns(const struct eng_view *v, struct run *r, struct months *m,
				 char ***codes)
{
	enum ds_rc rc = q_communes(r, v, codes, &m->ncols);
	if (rc)
		return rc;
	m->code = calloc(m->ncols + 1, sizeof *m->code);
	m->name = calloc(m->ncols + 1, sizeof *m->name);
	if (!m->code || !m->name)
		return DS_ENOMEM;
	for (size_t c = 0; c < m->ncols; c++) {
		const struct reg_unit *u = reg_units_resolve(eng_units(v), (*codes)[c], r->map);
		snprintf(m->code[c], sizeof m->code[c], "%s", (*codes)[c]);
		snprintf(m->name[c], sizeof m->name[c], "%s", u ? u->name : (*codes)[c]);
	}
	return DS_OK;
}

static enum ds_rc months_load(struct run *r, int32_t first, int32_t last, struct months *m)
{
	memset(m, 0, sizeof *m);
	m->form = rpt_form_find(r->forms, OUTLIER_FORM);
	for (int32_t d = first; d <= last; d = day_add_months(d, 1))
		m->n++;
	m->start = calloc(m->n + 1, sizeof *m->start);
	m->v = calloc(m->n + 1, sizeof *m->v);
	if (!m->start || !m->v)
		return DS_ENOMEM;
	size_t i = 0;
	for (int32_t d = first; d <= last; d = day_add_months(d, 1))
		m->start[i++] = d;
	const struct eng_view *v = engine_read(r->e);
	char **codes = NULL;
	enum ds_rc rc = months_columns(v, r, m, &codes);
	for (i = 0; i < m->n && !rc; i++)
		if (!(m->v[i] = malloc((m->form->nrows * m->ncols + 1) * sizeof **m->v)))
			rc = DS_ENOMEM;
	for (i = 0; i < m->n && !rc; i += 2)
		rc = months_pair(v, r, m, (const char *const *)codes, i, i + 1 < m->n);
	engine_read_end(v);
	q_free_codes(codes, m->ncols);
	return rc;
}

struct series_stat {
	double med, mad, min, max;
};

static void stats(const double *ref, size_t n, double *tmp, struct series_stat *s)
{
	memcpy(tmp, ref, n * sizeof *tmp);
	s->med = median(tmp, n);
	s->min = tmp[0];
	s->max = tmp[n - 1];
	for (size_t i = 0; i < n; i++)
		tmp[i] = fabs(ref[i] - s->med);
	s->mad = median(tmp, n);
}

/*
 * A month's value of a row in a column: a flow's count over the month; for
 * a stock, its change over the month (a stock that grows steadily would
 * leave its own range every month, a change that is unusual would not).
 */
static double month_value(const struct months *m, size_t i, size_t row, size_t col, bool stock)
{
	double v = mval(m, i, row, col);
	if (!stock)
		return v;
	return i == 0 ? NAN : v - mval(m, i - 1, row, col);
}

static bool row_is_stock(const struct rpt_row *rw)
{
	struct expr_needs nd = {0};
	expr_needs(rw->x, &nd);
	return nd.stock[0] || nd.stock[1];
}

static json_t *series_json(const struct months *m, size_t from, size_t to, size_t row, size_t col)
{
	bool stock = row_is_stock(&m->form->rows[row]);
	json_t *a = json_array();
	for (size_t i = from; i <= to; i++) {
		char month[8];
		day_format_month(m->start[i], month);
		double v = month_value(m, i, row, col, stock);
		json_array_append_new(a, json_pack("{s:s, s:o}", "month", month, "value",
						   isnan(v) ? json_null() : json_real(v)));
	}
	return a;
}

static enum ds_rc flag(struct run *r, int ci, const struct months *m, size_t i, size_t first,
		       size_t row, size_t col, double x, const struct series_stat *s, double z)
{
	const struct rpt_row *rw = &m->form->rows[row];
	struct finding *f = q_add(r, ci, -1, r->d->checks[ci].severity);
	if (!f)
		return DS_ENOMEM;
	snprintf(f->unit, sizeof f->unit, "%s", m->code[col]);
	snprintf(f->unit_name, sizeof f->unit_name, "%s", m->name[col]);
	char month[8], label[8];
	day_format_month(m->start[i], month);
	snprintf(label, sizeof label, "%.2s/%.4s", month + 5, month);
	q_var_s(f, "unit", f->unit_name);
	char rowname[REG_TEXT_BYTES + 64];
	bool stock = row_is_stock(rw);
	snprintf(rowname, sizeof rowname, "%s%s", r->en ? rw->label_en : rw->label_vi,
		 !stock ? "" : r->en ? " (change over the month)" : " (thay đổi trong tháng)");
	q_var_s(f, "row", rowname);
	q_var_s(f, "month", r->en ? month : label);
	q_var_n(r, f, "value", x, 0);
	q_var_n(r, f, "median", s->med, s->med == floor(s->med) ? 0 : 1);
	q_var_n(r, f, "min", s->min, 0);
	q_var_n(r, f, "max", s->max, 0);
	q_var_n(r, f, "z", z, 1);
	q_var_n(r, f, "months", (double)(i - first), 0);
	json_object_set_new(f->extra, "row", json_pack("{s:s, s:s, s:b}", "code", rw->code, "label",
						       r->en ? rw->label_en : rw->label_vi, "change", stock));
	json_object_set_new(f->extra, "month", json_string(month));
	json_object_set_new(f->extra, "value", json_real(x));
	json_object_set_new(f->extra, "median", json_real(s->med));
	json_object_set_new(f->extra, "mad", json_real(s->mad));
	json_object_set_new(f->extra, "z", isfinite(z) ? json_real(z) : json_null());
	json_object_set_new(f->extra, "min", json_real(s->min));
	json_object_set_new(f->extra, "max", json_real(s->max));
	json_object_set_new(f->extra, "series", series_json(m, first, i, row, col));
	return DS_OK;
}

/* The tested months are the period's; each is compared with the months
 * before it in its window (at least SERIES_MIN - 1 of them). */
enum ds_rc q_outliers(struct run *r)
{
	int zc = -1, rc_ = -1, window = 0;
	for (size_t i = 0; i < r->d->nchecks; i++) {
		const struct q_check *c = &r->d->checks[i];
		if (c->fn == QF_MODIFIED_Z && zc < 0)
			zc = (int)i;
		if (c->fn == QF_OUTSIDE_RANGE && rc_ < 0)
			rc_ = (int)i;
		int w = c->fn == QF_MODIFIED_Z ? (int)c->arg[1] : c->fn == QF_OUTSIDE_RANGE ? (int)c->arg[0] : 0;
		window = w > window ? w : window;
	}
	if (zc < 0 && rc_ < 0)
		return DS_OK;
	const struct rpt_form *of = rpt_form_find(r->forms, OUTLIER_FORM);
	if (!of || of->needs.stock[SEL_START] || of->needs.flow[SEL_YTD]) {
		/* Each month is computed with its own end and flows only. */
		json_array_append_new(r->notes, json_string(r->en ? "outliers: the form 01-DSX is missing or needs more than each month's own figures"
								  : "giá trị bất thường: thiếu biểu 01-DSX hoặc biểu cần số liệu ngoài tháng"));
		return DS_OK;
	}
	int32_t last = day_month_start(r->p.to);
	int32_t first_tested = day_month_start(r->p.from);
	int32_t first = day_add_months(first_tested, -(window - 1));
	/* The first whole month of the register. */
	int32_t reg0 = r->first_day == DAY_NONE ? last + 1 : day_month_start(r->first_day + 1);
	if (r->first_day != DAY_NONE && reg0 != r->first_day + 1)
		reg0 = day_add_months(reg0, 1);
	if (first < reg0)
		first = reg0;
	if (first > last || day_add_months(first, SERIES_MIN - 1) > last) {
		json_array_append_new(r->notes,
				      json_string(r->en ? "outliers: the register holds fewer than 12 whole months before the period's end"
							: "giá trị bất thường: sổ đăng ký chưa có đủ 12 tháng trọn vẹn đến cuối kỳ"));
		return DS_OK;
	}
	struct months m;
	enum ds_rc rc = months_load(r, first, last, &m);
	double *ref = rc ? NULL : malloc((m.n + 1) * sizeof *ref);
	double *tmp = rc ? NULL : malloc((m.n + 1) * sizeof *tmp);
	if (!rc && (!ref || !tmp))
		rc = DS_ENOMEM;
	const struct rpt_form *form = rc ? NULL : m.form;
	size_t ncols = m.ncols;
	for (size_t i = 0; form && i < m.n && !rc; i++) {
		if (m.start[i] < first_tested)
			continue;
		size_t lo = i + 1 > (size_t)window ? i + 1 - (size_t)window : 0;
		if (i - lo + 1 < SERIES_MIN)
			continue;
		for (size_t col = 0; col < ncols && !rc; col++)
			for (size_t row = 0; row < form->nrows && !rc; row++) {
				if (form->rows[row].decimals)
					continue;
				bool stock = row_is_stock(&form->rows[row]);
				size_t lo_r = stock && lo == 0 ? 1 : lo;
				double x = month_value(&m, i, row, col, stock);
				size_t nref = 0;
				for (size_t k = lo_r; k < i; k++)
					ref[nref++] = month_value(&m, k, row, col, stock);
				if (isnan(x) || nref + 1 < SERIES_MIN)
					continue;
				struct series_stat s;
				stats(ref, nref, tmp, &s);
				double z = s.mad > 0 ? 0.6745 * (x - s.med) / s.mad : NAN;
				if (zc >= 0 && s.mad > 0 && fabs(z) > r->d->checks[zc].arg[0])
					rc = flag(r, zc, &m, i, lo_r, row, col, x, &s, z);
				if (!rc && rc_ >= 0 && (x < s.min || x > s.max))
					rc = flag(r, rc_, &m, i, lo_r, row, col, x, &s, z);
			}
	}
	free(ref);
	free(tmp);
	months_free(&m);
	return rc;
}

