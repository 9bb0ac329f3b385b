/* DHIS2 export: the mapping file parsed and checked, approved values written as dataValueSets JSON and as ADX XML. */
#include "workflow/dhis2.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/day.h"
#include "base/grow.h"

enum section { SEC_NONE, SEC_VALUES, SEC_UNITS, SEC_SETS };

static const char *const headers[] = {
	NULL, "form,row,column,data_element,category_option_combo,attribute_option_combo",
	"unit_code,org_unit", "form,data_set"};
static const size_t ncols[] = {0, 6, 2, 2};

struct mparse {
	const struct rpt_defs *defs;
	const struct reg_units *units;
	struct dhis2_map *m;
	struct ds_problem *pb;
	const char *name;
	long line;
	size_t vcap, ucap, scap;
};

static enum ds_rc bad(struct mparse *p, const char *field, enum ds_why why)
{
	ds_problem_set(p->pb, p->name, p->line, field, why);
	return DS_EINPUT;
}

/* Splits a line at commas into at most max fields (no quoting: identifiers only). */
static size_t split(char *s, char **f, size_t max)
{
	size_t n = 0;
	f[n++] = s;
	for (char *c = s; *c; c++)
		if (*c == ',') {
			*c = '\0';
			if (n == max)
				return max + 1;
			f[n++] = c + 1;
		}
	return n;
}

/* An identifier: 1-63 of letters, digits, '_', '-', '.' (DHIS2 UIDs and codes). */
static bool ident(const char *s, bool may_be_empty)
{
	size_t n = strlen(s);
	if (!n)
		return may_be_empty;
	return n <= DHIS2_ID_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.") == n;
}

static const struct rpt_row *row_of(const struct rpt_form *f, const char *code)
{
	for (size_t i = 0; i < f->nrows; i++)
		if (strcmp(f->rows[i].code, code) == 0)
			return &f->rows[i];
	return NULL;
}

static enum ds_rc value_line(struct mparse *p, char **f)
{
	struct dhis2_map *m = p->m;
	const struct rpt_form *form = NULL;
	if (strlen(f[0]) >= 16 || !ident(f[0], false) || (p->defs && !(form = rpt_form_find(p->defs, f[0]))))
		return bad(p, "form", W_MAPPING_FORM);
	const struct rpt_row *row = NULL;
	if (strlen(f[1]) >= 16 || !ident(f[1], false) || (form && !(row = row_of(form, f[1]))))
		return bad(p, "row", W_MAPPING_ROW);
	int col = !f[2][0] || strcmp(f[2], "total") == 0 ? 0 : strcmp(f[2], "male") == 0 ? 1
		  : strcmp(f[2], "female") == 0 ? 2 : -1;
	if (col < 0 || (col && row && !row->sex))
		return bad(p, "column", W_MAPPING_COLUMN);
	static const char *const idf[] = {"data_element", "category_option_combo", "attribute_option_combo"};
	for (int i = 0; i < 3; i++)
		if (!ident(f[3 + i], i > 0))
			return bad(p, idf[i], i == 0 && !f[3][0] ? W_REQUIRED : W_BAD_CODE);
	for (size_t i = 0; i < m->nvalues; i++)
		if (strcmp(m->values[i].form, f[0]) == 0 && strcmp(m->values[i].row, f[1]) == 0 &&
		    m->values[i].column == col)
			return bad(p, "row", W_MAPPING_TWICE);
	if (!ds_grow(&m->values, sizeof *m->values, &p->vcap, m->nvalues, 64))
		return DS_ENOMEM;
	struct dhis2_value_map *v = &m->values[m->nvalues++];
	memset(v, 0, sizeof *v);
	snprintf(v->form, sizeof v->form, "%s", f[0]);
	snprintf(v->row, sizeof v->row, "%s", f[1]);
	v->column = col;
	snprintf(v->element, sizeof v->element, "%s", f[3]);
	snprintf(v->coc, sizeof v->coc, "%s", f[4]);
	snprintf(v->aoc, sizeof v->aoc, "%s", f[5]);
	return DS_OK;
}

static enum ds_rc unit_line(struct mparse *p, char **f)
{
	struct dhis2_map *m = p->m;
	size_t first;
	if (!f[0][0] || strlen(f[0]) > REG_UNIT_CODE_MAX || strspn(f[0], "0123456789") != strlen(f[0]) ||
	    (p->units && !reg_units_rows(p->units, f[0], &first)))
		return bad(p, "unit_code", W_MAPPING_UNIT);
	if (!ident(f[1], false))
		return bad(p, "org_unit", f[1][0] ? W_BAD_CODE : W_REQUIRED);
	for (size_t i = 0; i < m->nunits; i++)
		if (strcmp(m->units[i].unit, f[0]) == 0)
			return bad(p, "unit_code", W_MAPPING_TWICE);
	if (!ds_grow(&m->units, sizeof *m->units, &p->ucap, m->nunits, 64))
		return DS_ENOMEM;
	struct dhis2_unit_map *u = &m->units[m->nunits++];
	snprintf(u->unit, sizeof u->unit, "%s", f[0]);
	snprintf(u->org, sizeof u->org, "%s", f[1]);
	return DS_OK;
}

static enum ds_rc set_line(struct mparse *p, char **f)
{
	struct dhis2_map *m = p->m;
	if (strlen(f[0]) >= 16 || !ident(f[0], false) || (p->defs && !rpt_form_find(p->defs, f[0])))
		return bad(p, "form", W_MAPPING_FORM);
	if (!ident(f[1], false))
		return bad(p, "data_set", f[1][0] ? W_BAD_CODE : W_REQUIRED);
	for (size_t i = 0; i < m->nsets; i++)
		if (strcmp(m->sets[i].form, f[0]) == 0)
			return bad(p, "form", W_MAPPING_TWICE);
	if (!ds_grow(&m->sets, sizeof *m->sets, &p->scap, m->nsets, 8))
		return DS_ENOMEM;
	snprintf(m->sets[m->nsets].form, sizeof m->sets[0].form, "%s", f[0]);
	snprintf(m->sets[m->nsets++].set, sizeof m->sets[0].set, "%s", f[1]);
	return DS_OK;
}

static enum ds_rc one_line(struct mparse *p, char *line, enum section *sec)
{
	if (!line[0]) {
		*sec = SEC_NONE;
		return DS_OK;
	}
	if (*sec == SEC_NONE) {
		for (int s = SEC_VALUES; s <= SEC_SETS; s++)
			if (strcmp(line, headers[s]) == 0) {
				*sec = (enum section)s;
				return DS_OK;
			}
		return bad(p, NULL, W_CSV_HEADER);
	}
	char *f[8];
	size_t n = split(line, f, 6);
	if (n != ncols[*sec])
		return bad(p, NULL, W_CSV_COLUMNS);
	return *sec == SEC_VALUES ? value_line(p, f) : *sec == SEC_UNITS ? unit_line(p, f) : set_line(p, f);
}

enum ds_rc dhis2_map_parse(const char *text, size_t len, const char *name, const struct rpt_defs *defs,
			   const struct reg_units *units, struct dhis2_map *m, struct ds_problem *pb)
{
	memset(m, 0, sizeof *m);
	memset(pb, 0, sizeof *pb);
	struct mparse p = {.defs = defs, .units = units, .m = m, .pb = pb, .name = name ? name : ""};
	enum section sec = SEC_NONE;
	size_t off = 0;
	enum ds_rc rc = DS_OK;
	/* A byte-order mark, as spreadsheets write. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		off = 3;
	while (off < len && !rc) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		p.line++;
		if (p.line > DHIS2_MAX_LINES || n > 1024) {
			rc = bad(&p, NULL, W_TOO_LONG);
			break;
		}
		char line[1032];
		memcpy(line, text + off, n);
		line[n] = '\0';
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (strlen(line) != (n && text[off + n - 1] == '\r' ? n - 1 : n) || strchr(line, '"'))
			rc = bad(&p, NULL, strchr(line, '"') ? W_CSV_QUOTE : W_CONTROL_CHAR);
		else
			rc = one_line(&p, line, &sec);
		off += n + 1;
	}
	if (!rc && !m->nvalues && !m->nunits)
		rc = bad(&p, NULL, W_EMPTY_FILE);
	return rc;
}

void dhis2_map_free(struct dhis2_map *m)
{
	free(m->values);
	free(m->units);
	free(m->sets);
	memset(m, 0, sizeof *m);
}

/* ---- periods ---- */

void dhis2_period(const struct rpt_period *p, char out[16])
{
	switch (p->kind) {
	case PERIOD_MONTH: snprintf(out, 16, "%04d%02d", p->year, p->index); break;
	case PERIOD_QUARTER: snprintf(out, 16, "%04dQ%d", p->year, p->index); break;
	case PERIOD_HALF: snprintf(out, 16, "%04dS%d", p->year, p->index); break;
	case PERIOD_YEAR: snprintf(out, 16, "%04d", p->year); break;
	}
}

void dhis2_adx_period(const struct rpt_period *p, char out[24])
{
	static const char *const dur[] = {"P1M", "P3M", "P6M", "P1Y"};
	char from[11];
	day_format(p->from, from);
	snprintf(out, 24, "%s/%s", from, dur[p->kind]);
}

/* ---- export ---- */

static void value_text(double v, char out[32])
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(out, 32, "%.0f", v);
	else
		snprintf(out, 32, "%.15g", v);
}

/* Appends s to b with the five XML entities escaped (attribute values). */
static void xml_attr(struct buf *b, const char *name, const char *s)
{
	buf_printf(b, " %s=\"", name);
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&apos;"); break;
		default: buf_putc(b, *s);
		}
	}
	buf_putc(b, '"');
}

static void iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *org_of(const struct dhis2_map *m, const char *unit)
{
	for (size_t i = 0; i < m->nunits; i++)
		if (strcmp(m->units[i].unit, unit) == 0)
			return m->units[i].org;
	return NULL;
}

static const char *set_of(const struct dhis2_map *m, const char *form)
{
	for (size_t i = 0; i < m->nsets; i++)
		if (strcmp(m->sets[i].form, form) == 0)
			return m->sets[i].set;
	return NULL;
}

static const struct dhis2_value_map *mapping_of(const struct dhis2_map *m, const char *form,
						const char *row, int column)
{
	for (size_t i = 0; i < m->nvalues; i++)
		if (strcmp(m->values[i].form, form) == 0 && strcmp(m->values[i].row, row) == 0 &&
		    m->values[i].column == column)
			return &m->values[i];
	return NULL;
}

static double frozen(const json_t *values, const char *row, int column)
{
	static const char *const which[] = {"value", "male", "female"};
	size_t i;
	json_t *x;
	json_array_foreach((json_t *)values, i, x)
	{
		if (strcmp(json_string_value(json_object_get(x, "row")), row) == 0) {
			json_t *v = json_object_get(x, which[column]);
			return json_is_number(v) ? json_number_value(v) : NAN;
		}
	}
	return NAN;
}

enum ds_rc dhis2_export(const struct dhis2_map *m, const struct rpt_form *form, const struct rpt_period *p,
			const struct dhis2_report *reports, size_t n, int64_t exported,
			struct dhis2_out *out)
{
	memset(out, 0, sizeof *out);
	static const char *const colname[] = {"total", "male", "female"};
	char period[16], adxp[24], when[32];
	dhis2_period(p, period);
	dhis2_adx_period(p, adxp);
	iso_time(exported, when);
	const char *set = set_of(m, form->code);
	out->unmapped_rows = json_array();
	out->unmapped_units = json_array();
	for (size_t r = 0; r < form->nrows; r++)
		for (int c = 0; c < (form->rows[r].sex ? 3 : 1); c++)
			if (!mapping_of(m, form->code, form->rows[r].code, c)) {
				char k[40];
				snprintf(k, sizeof k, "%s/%s", form->rows[r].code, colname[c]);
				json_array_append_new(out->unmapped_rows, json_string(k));
			}
	json_t *dv = json_array();
	out->json = json_pack("{s:s, s:o}", "period", period, "dataValues", dv);
	if (set)
		json_object_set_new(out->json, "dataSet", json_string(set));
	buf_puts(&out->adx, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<adx xmlns=\"urn:ihe:qrph:adx:2015\"");
	xml_attr(&out->adx, "exported", when);
	buf_puts(&out->adx, ">\n");
	size_t mapped_units = 0;
	for (size_t i = 0; i < n; i++) {
		const char *org = org_of(m, reports[i].unit);
		if (!org) {
			json_array_append_new(out->unmapped_units, json_string(reports[i].unit));
			continue;
		}
		char done[32];
		iso_time(reports[i].complete, done);
		done[10] = '\0'; /* a date */
		if (++mapped_units == 1) {
			json_object_set_new(out->json, "orgUnit", json_string(org));
			json_object_set_new(out->json, "completeDate", json_string(done));
		} else {
			json_object_del(out->json, "orgUnit");
			json_object_del(out->json, "completeDate");
		}
		buf_puts(&out->adx, "  <group");
		xml_attr(&out->adx, "orgUnit", org);
		xml_attr(&out->adx, "period", adxp);
		if (set)
			xml_attr(&out->adx, "dataSet", set);
		xml_attr(&out->adx, "completeDate", done);
		buf_puts(&out->adx, ">\n");
		for (size_t k = 0; k < m->nvalues; k++) {
			const struct dhis2_value_map *vm = &m->values[k];
			if (strcmp(vm->form, form->code) != 0)
				continue;
			double v = frozen(reports[i].values, vm->row, vm->column);
			if (isnan(v))
				continue; /* an empty value is not 0 */
			char text[32];
			value_text(v, text);
			json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "dataElement", vm->element, "period", period,
					      "orgUnit", org, "value", text);
			if (vm->coc[0])
				json_object_set_new(o, "categoryOptionCombo", json_string(vm->coc));
			if (vm->aoc[0])
				json_object_set_new(o, "attributeOptionCombo", json_string(vm->aoc));
			json_array_append_new(dv, o);
			buf_puts(&out->adx, "    <dataValue");
			xml_attr(&out->adx, "dataElement", vm->element);
			if (vm->coc[0])
				xml_attr(&out->adx, "categoryOptionCombo", vm->coc);
			if (vm->aoc[0])
				xml_attr(&out->adx, "attributeOptionCombo", vm->aoc);
			xml_attr(&out->adx, "value", text);
			buf_puts(&out->adx, "/>\n");
			out->values++;
		}
		buf_puts(&out->adx, "  </group>\n");
	}
	buf_puts(&out->adx, "</adx>\n");
	return DS_OK;
}

void dhis2_out_free(struct dhis2_out *out)
{
	json_decref(out->json);
	json_decref(out->unmapped_rows);
	json_decref(out->unmapped_units);
	buf_free(&out->adx);
	memset(out, 0, sizeof *out);
}
