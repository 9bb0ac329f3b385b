/* The quality report as CSV (one row per finding) and as an .xlsx workbook (libxlsxwriter). */
#include <string.h>
#include <xlsxwriter.h>

#include "quality/quality.h"

/* The columns of both outputs: a member of the finding (or of its unit or
 * person), and the header in each language. */
static const struct column {
	const char *member, *sub, *vi, *en;
	double width;
} cols[] = {
	{"severity", NULL, "Mức độ", "Severity", 11},
	{"check", NULL, "Phép kiểm tra", "Check", 24},
	{"unit", "code", "Mã đơn vị", "Unit code", 10},
	{"unit", "name", "Đơn vị", "Unit", 22},
	{"area", NULL, "Địa bàn", "Area", 12},
	{"person", "id", "Mã người", "Person id", 14},
	{"person", "name", "Họ và tên", "Name", 24},
	{"date", NULL, "Ngày", "Date", 11},
	{"text", NULL, "Nội dung", "Finding", 70},
	{"do", NULL, "Cần làm", "What to do", 60},
};
#define NCOLS (sizeof cols / sizeof cols[0])

static const char *sev_vi(const char *s)
{
	return strcmp(s, "error") == 0 ? "Lỗi" : strcmp(s, "warning") == 0 ? "Cảnh báo" : "Thông tin";
}

static const char *cell(const json_t *f, const struct column *c, bool vi)
{
	const json_t *v = json_object_get(f, c->member);
	if (c->sub)
		v = json_object_get(v, c->sub);
	const char *s = json_string_value(v);
	if (s && vi && strcmp(c->member, "severity") == 0)
		return sev_vi(s);
	return s ? s : "";
}

static bool is_vi(const json_t *report)
{
	const char *l = json_string_value(json_object_get(report, "lang"));
	return !l || strcmp(l, "en") != 0;
}

enum ds_rc q_csv(const json_t *report, struct buf *out)
{
	bool vi = is_vi(report);
	for (size_t k = 0; k < NCOLS; k++) {
		if (k)
			buf_putc(out, ',');
		buf_csv_field(out, vi ? cols[k].vi : cols[k].en);
	}
	buf_puts(out, "\r\n");
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(report, "findings"), i, f)
	{
		for (size_t k = 0; k < NCOLS; k++) {
			if (k)
				buf_putc(out, ',');
			buf_csv_field(out, cell(f, &cols[k], vi));
		}
		if (buf_puts(out, "\r\n"))
			return DS_ENOMEM;
	}
	return DS_OK;
}

enum ds_rc q_xlsx(const json_t *report, const char *path)
{
	bool vi = is_vi(report);
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return DS_EIO;
	lxw_worksheet *ws = workbook_add_worksheet(wb, vi ? "Chat luong" : "Quality");
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_format *wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	const json_t *u = json_object_get(report, "unit"), *p = json_object_get(report, "period");
	char line[512];
	snprintf(line, sizeof line, "%s: %s (%s) — %s: %s", vi ? "Đơn vị" : "Unit",
		 json_string_value(json_object_get(u, "name")), json_string_value(json_object_get(u, "code")),
		 vi ? "Kỳ" : "Period", json_string_value(json_object_get(p, "label")));
	worksheet_write_string(ws, 0, 0, vi ? "Báo cáo chất lượng số liệu" : "Data quality report", bold);
	worksheet_write_string(ws, 1, 0, line, NULL);
	for (size_t k = 0; k < NCOLS; k++) {
		worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, cols[k].width, NULL);
		worksheet_write_string(ws, 3, (lxw_col_t)k, vi ? cols[k].vi : cols[k].en, bold);
	}
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(report, "findings"), i, f)
		for (size_t k = 0; k < NCOLS; k++)
			worksheet_write_string(ws, (lxw_row_t)(4 + i), (lxw_col_t)k, cell(f, &cols[k], vi),
					       k >= 8 ? wrap : NULL);
	worksheet_freeze_panes(ws, 4, 0);
	return workbook_close(wb) == LXW_NO_ERROR ? DS_OK : DS_EIO;
}
