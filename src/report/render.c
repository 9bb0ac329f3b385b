/*
 * Report output: JSON for programs, CSV for spreadsheets, printable HTML
 * and .xlsx laid out as the printed form (national heading, unit and period
 * in the title, a signature block for the preparer and the approver).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "base/day.h"
#include "report/report.h"
#include "report/targets.h"

static bool is_vi(const char *lang)
{
	return !lang || strcmp(lang, "en") != 0;
}

void rpt_format_number(double v, int decimals, const char *lang, char *out, size_t outsz)
{
	if (isnan(v) || isinf(v)) {
		snprintf(out, outsz, "%s", "");
		return;
	}
	bool vi = is_vi(lang);
	char raw[64];
	snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
	char *dot = strchr(raw, '.');
	size_t intlen = dot ? (size_t)(dot - raw) : strlen(raw);
	size_t o = 0;
	if (v < 0 && strspn(raw, "0.") != strlen(raw) && o + 1 < outsz)
		out[o++] = '-';
	for (size_t i = 0; i < intlen && o + 2 < outsz; i++) {
		if (i && (intlen - i) % 3 == 0)
			out[o++] = vi ? '.' : ',';
		out[o++] = raw[i];
	}
	if (dot && o + 1 < outsz) {
		out[o++] = vi ? ',' : '.';
		for (const char *p = dot + 1; *p && o + 1 < outsz; p++)
			out[o++] = *p;
	}
	out[o] = '\0';
}

static const char *label(const struct rpt_row *r, const char *lang)
{
	return is_vi(lang) ? r->label_vi : r->label_en;
}

static const char *unit_of(const struct rpt_row *r, const char *lang)
{
	return is_vi(lang) ? r->unit_vi : r->unit_en;
}

static const char *title(const struct rpt_table *t, const char *lang)
{
	return is_vi(lang) ? t->form->title_vi : t->form->title_en;
}

/* The share of a target reached, in %; none for a ceiling (a level to stay
 * under is never "1,250% reached": its progress says whether it was kept). */
static double share(const struct rpt_row *row, double v, double target)
{
	const struct tg_indicator *ind = tg_indicator(row->target);
	if (ind && ind->direction == TG_CEILING)
		return NAN;
	return isnan(target) || target == 0 || isnan(v) ? NAN : v / target * 100.0;
}

/* The progress of a row's value against its target, as of the period's end or today. */
static const char *progress(const struct rpt_table *t, const struct rpt_row *row, double v, double target)
{
	const struct tg_indicator *ind = tg_indicator(row->target);
	int32_t day = t->period.to < day_today() ? t->period.to : day_today();
	/* A period's own count is not a year's: its path is the whole target only for a year. */
	bool accumulates = ind && ind->accumulates && t->period.kind == PERIOD_YEAR;
	double aim = ind && ind->accumulates && t->period.kind != PERIOD_YEAR ? NAN : target;
	return tg_progress_name(tg_progress_at(ind ? ind->direction : TG_REACH, accumulates, v, aim, day));
}

/* ---- JSON ---- */

static json_t *num(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static json_t *num_array(const struct rpt_table *t, const double *v, size_t row)
{
	json_t *a = json_array();
	for (size_t c = 0; c < t->ncols; c++)
		json_array_append_new(a, num(rpt_at(t, v, row, c)));
	return a;
}

static void iso_time(int64_t when, char *out, size_t outsz)
{
	time_t tt = (time_t)when;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *rpt_json(const struct rpt_table *t, const char *lang)
{
	char from[11], to[11], map[11], gen[32], plabel[64];
	day_format(t->period.from, from);
	day_format(t->period.to, to);
	day_format(t->map_date, map);
	iso_time(t->generated_at, gen, sizeof gen);
	rpt_period_label(&t->period, lang, plabel, sizeof plabel);
	static const char *const kinds[] = {"month", "quarter", "half", "year"};
	json_t *o = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s, s:i}, s:s, "
			      "s:s, s:b, s:s}",
			      "form", t->form->code, "title", title(t, lang), "unit", "code", t->unit,
			      "name", t->unit_name, "level", t->unit_level ? reg_level_name(t->unit_level) : "country", "period",
			      "code", t->period.code, "kind", kinds[t->period.kind], "label", plabel,
			      "from", from, "to", to, "days", (int)(t->period.to - t->period.from + 1),
			      "map_date", map, "generated_at", gen, "revision", t->revision, "lang",
			      is_vi(lang) ? "vi" : "en");
	json_t *cols = json_array();
	for (size_t c = 0; c < t->ncols; c++)
		json_array_append_new(cols, json_pack("{s:s, s:s, s:b}", "code", t->col_code[c], "name",
						      t->col_name[c], "total",
						      t->has_total && c == t->ncols - 1));
	json_object_set_new(o, "columns", cols);
	json_t *rows = json_array();
	for (size_t r = 0; r < t->form->nrows; r++) {
		const struct rpt_row *row = &t->form->rows[r];
		const struct rpt_section *s = &t->form->sections[row->section];
		json_t *jr = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:o}", "code", row->code, "label",
				       label(row, lang), "unit", unit_of(row, lang), "section",
				       is_vi(lang) ? s->title_vi : s->title_en, "indent", row->indent,
				       "decimals", row->decimals, "values", num_array(t, t->val, r));
		if (row->sex) {
			json_object_set_new(jr, "male", num_array(t, t->male, r));
			json_object_set_new(jr, "female", num_array(t, t->female, r));
		}
		if (t->form->targets && row->target[0]) {
			json_t *tg = num_array(t, t->target, r), *sh = json_array(), *pr = json_array();
			const struct tg_indicator *ind = tg_indicator(row->target);
			for (size_t c = 0; c < t->ncols; c++) {
				double v = rpt_at(t, t->val, r, c), aim = rpt_at(t, t->target, r, c);
				json_array_append_new(sh, num(share(row, v, aim)));
				json_array_append_new(pr, json_string(progress(t, row, v, aim)));
			}
			json_object_set_new(jr, "target", tg);
			json_object_set_new(jr, "share", sh);
			json_object_set_new(jr, "progress", pr);
			json_object_set_new(jr, "direction", json_string(tg_direction_name(ind ? ind->direction : TG_REACH)));
		}
		json_array_append_new(rows, jr);
	}
	json_object_set_new(o, "rows", rows);
	return o;
}

/* ---- CSV ---- */

static void csv_num(struct buf *b, double v, int decimals)
{
	if (!isnan(v) && !isinf(v))
		buf_printf(b, "%.*f", decimals, v);
}

enum ds_rc rpt_csv(const struct rpt_table *t, const char *lang, struct buf *b)
{
	bool vi = is_vi(lang);
	bool targets = t->form->targets;
	buf_puts(b, vi ? "ma,chi_tieu,don_vi_tinh" : "code,label,unit");
	for (size_t c = 0; c < t->ncols; c++) {
		buf_putc(b, ',');
		buf_csv_field(b, t->col_code[c]);
		if (t->ncols == 1)
			buf_puts(b, vi ? ",nam,nu" : ",male,female");
	}
	if (targets && t->ncols == 1)
		buf_puts(b, vi ? ",ke_hoach,ty_le_dat" : ",target,share");
	buf_putc(b, '\n');
	for (size_t r = 0; r < t->form->nrows; r++) {
		const struct rpt_row *row = &t->form->rows[r];
		buf_csv_field(b, row->code);
		buf_putc(b, ',');
		buf_csv_field(b, label(row, lang));
		buf_putc(b, ',');
		buf_csv_field(b, unit_of(row, lang));
		for (size_t c = 0; c < t->ncols; c++) {
			buf_putc(b, ',');
			csv_num(b, rpt_at(t, t->val, r, c), row->decimals);
			if (t->ncols == 1) {
				buf_putc(b, ',');
				csv_num(b, rpt_at(t, t->male, r, c), row->decimals);
				buf_putc(b, ',');
				csv_num(b, rpt_at(t, t->female, r, c), row->decimals);
			}
		}
		if (targets && t->ncols == 1) {
			buf_putc(b, ',');
			csv_num(b, rpt_at(t, t->target, r, 0), row->decimals);
			buf_putc(b, ',');
			csv_num(b, share(row, rpt_at(t, t->val, r, 0), rpt_at(t, t->target, r, 0)), 1);
		}
		enum ds_rc rc = buf_putc(b, '\n');
		if (rc)
			return rc;
	}
	return DS_OK;
}

/* ---- the form's words ---- */

struct words {
	const char *nation, *motto, *unit, *form, *period, *map, *no, *code, *indicator, *unit_col,
		*total, *male, *female, *target, *share, *place_date, *preparer, *approver,
		*sign_preparer, *sign_approver, *generated;
};

static const struct words vi_words = {
	"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Đơn vị báo cáo",
	"Biểu", "Kỳ báo cáo", "Theo địa giới hành chính ngày", "STT", "Mã", "Chỉ tiêu",
	"Đơn vị tính", "Tổng số", "Nam", "Nữ", "Kế hoạch năm", "% đạt",
	"......., ngày ..... tháng ..... năm ......", "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ",
	"(Ký, ghi rõ họ tên)", "(Ký, ghi rõ họ tên, đóng dấu)", "Lập lúc"};
static const struct words en_words = {
	"SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness", "Reporting unit",
	"Form", "Period", "Administrative map of", "No.", "Code", "Indicator", "Unit", "Total",
	"Male", "Female", "Year's target", "% reached", "......., date ....................",
	"PREPARED BY", "APPROVED BY", "(signature, full name)", "(signature, full name, stamp)",
	"Made at"};

static const struct words *W(const char *lang)
{
	return is_vi(lang) ? &vi_words : &en_words;
}

static void date_dmy(int32_t d, char out[11])
{
	char iso[11];
	day_format(d, iso);
	memcpy(out, iso + 8, 2);
	out[2] = '/';
	memcpy(out + 3, iso + 5, 2);
	out[5] = '/';
	memcpy(out + 6, iso, 4);
	out[10] = '\0';
}

/* ---- HTML ---- */

static void html_num(struct buf *b, double v, int decimals, const char *lang)
{
	char s[64];
	rpt_format_number(v, decimals, lang, s, sizeof s);
	buf_puts(b, "<td class=\"n\">");
	buf_puts(b, s);
	buf_puts(b, "</td>");
}

enum ds_rc rpt_html(const struct rpt_table *t, const char *lang, struct buf *b)
{
	const struct words *w = W(lang);
	char plabel[64], map[11];
	rpt_period_label(&t->period, lang, plabel, sizeof plabel);
	date_dmy(t->map_date, map);
	bool single = t->ncols == 1, targets = t->form->targets && single;
	buf_printf(b, "<!doctype html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		      "<title>",
		   is_vi(lang) ? "vi" : "en");
	buf_html(b, t->form->code);
	buf_puts(b, " - ");
	buf_html(b, t->unit_name);
	buf_puts(b, "</title><style>"
		    "body{font-family:'Times New Roman',serif;margin:1.5cm;color:#000}"
		    ".head{display:flex;justify-content:space-between;gap:1em}"
		    ".head div{text-align:center}h1{font-size:1.2em;text-align:center;margin:1em 0 .3em}"
		    ".sub{text-align:center;margin:.2em}table{border-collapse:collapse;width:100%;"
		    "margin-top:1em}th,td{border:1px solid #000;padding:2px 5px;font-size:11pt}"
		    "th{background:#eee}td.n{text-align:right;white-space:nowrap}"
		    "tr.sec td{font-weight:bold;background:#f6f6f6}.sign{display:flex;"
		    "justify-content:space-around;margin-top:2em;text-align:center}"
		    ".sign p{margin:.2em}@media print{body{margin:0}th{background:none}}"
		    "@page{size:A4;margin:1.5cm}.wrap{overflow-x:auto}</style></head><body>");
	buf_puts(b, "<div class=\"head\"><div>");
	buf_printf(b, "%s: <b>", w->unit);
	buf_html(b, t->unit_name);
	buf_printf(b, "</b><br>%s: <b>", w->form);
	buf_html(b, t->form->code);
	buf_printf(b, "</b></div><div><b>%s</b><br><u>%s</u></div></div><h1>", w->nation, w->motto);
	buf_html(b, title(t, lang));
	buf_puts(b, "</h1><p class=\"sub\">");
	buf_printf(b, "%s: <b>", w->period);
	buf_html(b, plabel);
	buf_printf(b, "</b> &mdash; %s %s</p>", w->map, map);
	buf_printf(b, "<div class=\"wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th>", w->no,
		   w->indicator, w->unit_col);
	for (size_t c = 0; c < t->ncols; c++) {
		buf_puts(b, "<th>");
		buf_html(b, single ? w->total : t->has_total && c == t->ncols - 1 ? w->total : t->col_name[c]);
		buf_puts(b, "</th>");
		if (single)
			buf_printf(b, "<th>%s</th><th>%s</th>", w->male, w->female);
	}
	if (targets)
		buf_printf(b, "<th>%s</th><th>%s</th>", w->target, w->share);
	buf_puts(b, "</tr></thead><tbody>");
	int section = -1;
	size_t span = 3 + t->ncols * (single ? 3 : 1) + (targets ? 2 : 0);
	for (size_t r = 0; r < t->form->nrows; r++) {
		const struct rpt_row *row = &t->form->rows[r];
		if (row->section != section) {
			section = row->section;
			const struct rpt_section *s = &t->form->sections[section];
			buf_printf(b, "<tr class=\"sec\"><td colspan=\"%zu\">", span);
			buf_html(b, is_vi(lang) ? s->title_vi : s->title_en);
			buf_puts(b, "</td></tr>");
		}
		buf_puts(b, "<tr><td>");
		buf_html(b, row->code);
		buf_printf(b, "</td><td style=\"padding-left:%dem\">", 1 + row->indent);
		buf_html(b, label(row, lang));
		buf_puts(b, "</td><td>");
		buf_html(b, unit_of(row, lang));
		buf_puts(b, "</td>");
		for (size_t c = 0; c < t->ncols; c++) {
			html_num(b, rpt_at(t, t->val, r, c), row->decimals, lang);
			if (single) {
				html_num(b, rpt_at(t, t->male, r, c), row->decimals, lang);
				html_num(b, rpt_at(t, t->female, r, c), row->decimals, lang);
			}
		}
		if (targets) {
			html_num(b, rpt_at(t, t->target, r, 0), row->decimals, lang);
			html_num(b, share(row, rpt_at(t, t->val, r, 0), rpt_at(t, t->target, r, 0)), 1, lang);
		}
		buf_puts(b, "</tr>");
	}
	/* When it was made, as a reader in Viet Nam says it: 14:05, 02/12/2026 (UTC+7, no summer time). */
	time_t local = (time_t)t->generated_at + 7 * 3600;
	struct tm tm;
	gmtime_r(&local, &tm);
	char hm[8], dmy[16];
	strftime(hm, sizeof hm, "%H:%M", &tm);
	strftime(dmy, sizeof dmy, "%d/%m/%Y", &tm);
	buf_printf(b, "</tbody></table></div><p style=\"text-align:right\"><i>%s</i></p>"
		      "<div class=\"sign\"><div><p><b>%s</b></p><p><i>%s</i></p></div>"
		      "<div><p><b>%s</b></p><p><i>%s</i></p></div></div>"
		      "<p style=\"font-size:9pt;color:#555\">",
		   w->place_date, w->preparer, w->sign_preparer, w->approver, w->sign_approver);
	buf_printf(b, is_vi(lang) ? "%s %s ngày %s" : "%s %s on %s (Viet Nam time)", w->generated, hm, dmy);
	buf_puts(b, "</p></body></html>");
	return b->data ? DS_OK : DS_ENOMEM;
}

/* ---- XLSX ---- */

struct xl_fmt {
	lxw_format *bold_center, *title, *sub, *header, *text, *sec, *num[3], *italic_right,
		*center, *italic_center;
};

static void xl_formats(lxw_workbook *wb, struct xl_fmt *f)
{
	f->bold_center = workbook_add_format(wb);
	format_set_bold(f->bold_center);
	format_set_align(f->bold_center, LXW_ALIGN_CENTER);
	f->center = workbook_add_format(wb);
	format_set_align(f->center, LXW_ALIGN_CENTER);
	f->italic_center = workbook_add_format(wb);
	format_set_italic(f->italic_center);
	format_set_align(f->italic_center, LXW_ALIGN_CENTER);
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	format_set_align(f->title, LXW_ALIGN_CENTER);
	f->sub = workbook_add_format(wb);
	format_set_align(f->sub, LXW_ALIGN_CENTER);
	f->header = workbook_add_format(wb);
	format_set_bold(f->header);
	format_set_border(f->header, LXW_BORDER_THIN);
	format_set_align(f->header, LXW_ALIGN_CENTER);
	format_set_align(f->header, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(f->header);
	format_set_bg_color(f->header, 0xEEEEEE);
	f->text = workbook_add_format(wb);
	format_set_border(f->text, LXW_BORDER_THIN);
	format_set_text_wrap(f->text);
	f->sec = workbook_add_format(wb);
	format_set_border(f->sec, LXW_BORDER_THIN);
	format_set_bold(f->sec);
	static const char *const numfmt[3] = {"#,##0", "#,##0.0", "#,##0.00"};
	for (int i = 0; i < 3; i++) {
		f->num[i] = workbook_add_format(wb);
		format_set_border(f->num[i], LXW_BORDER_THIN);
		format_set_num_format(f->num[i], numfmt[i]);
	}
	f->italic_right = workbook_add_format(wb);
	format_set_italic(f->italic_right);
	format_set_align(f->italic_right, LXW_ALIGN_RIGHT);
}

static void xl_num(lxw_worksheet *ws, int row, int col, double v, lxw_format *fmt,
		   lxw_format *blank)
{
	if (isnan(v) || isinf(v))
		worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, blank);
	else
		worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, fmt);
}

enum ds_rc rpt_xlsx(const struct rpt_table *t, const char *lang, const char *path)
{
	const struct words *w = W(lang);
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return DS_EIO;
	lxw_worksheet *ws = workbook_add_worksheet(wb, t->form->code);
	struct xl_fmt f;
	xl_formats(wb, &f);
	bool single = t->ncols == 1, targets = t->form->targets && single;
	int ncols = 3 + (int)t->ncols * (single ? 3 : 1) + (targets ? 2 : 0);
	int last = ncols - 1;
	char plabel[64], map[11], line[1024];
	rpt_period_label(&t->period, lang, plabel, sizeof plabel);
	date_dmy(t->map_date, map);
	worksheet_set_column(ws, 0, 0, 7, NULL);
	worksheet_set_column(ws, 1, 1, 52, NULL);
	worksheet_set_column(ws, 2, 2, 11, NULL);
	worksheet_set_column(ws, 3, (lxw_col_t)last, 12, NULL);
	snprintf(line, sizeof line, "%s: %s", w->unit, t->unit_name);
	worksheet_write_string(ws, 0, 0, line, NULL);
	snprintf(line, sizeof line, "%s: %s", w->form, t->form->code);
	worksheet_write_string(ws, 1, 0, line, NULL);
	int mid = last >= 5 ? 3 : 2;
	worksheet_merge_range(ws, 0, (lxw_col_t)mid, 0, (lxw_col_t)(last > mid ? last : mid + 1), w->nation, f.bold_center);
	worksheet_merge_range(ws, 1, (lxw_col_t)mid, 1, (lxw_col_t)(last > mid ? last : mid + 1), w->motto, f.center);
	worksheet_merge_range(ws, 3, 0, 3, (lxw_col_t)last, title(t, lang), f.title);
	snprintf(line, sizeof line, "%s: %s — %s %s", w->period, plabel, w->map, map);
	worksheet_merge_range(ws, 4, 0, 4, (lxw_col_t)last, line, f.sub);
	int r0 = 6;
	worksheet_write_string(ws, (lxw_row_t)r0, 0, w->code, f.header);
	worksheet_write_string(ws, (lxw_row_t)r0, 1, w->indicator, f.header);
	worksheet_write_string(ws, (lxw_row_t)r0, 2, w->unit_col, f.header);
	int col = 3;
	for (size_t c = 0; c < t->ncols; c++) {
		const char *h = single || (t->has_total && c == t->ncols - 1) ? w->total : t->col_name[c];
		worksheet_write_string(ws, (lxw_row_t)r0, (lxw_col_t)col++, h, f.header);
		if (single) {
			worksheet_write_string(ws, (lxw_row_t)r0, (lxw_col_t)col++, w->male, f.header);
			worksheet_write_string(ws, (lxw_row_t)r0, (lxw_col_t)col++, w->female, f.header);
		}
	}
	if (targets) {
		worksheet_write_string(ws, (lxw_row_t)r0, (lxw_col_t)col++, w->target, f.header);
		worksheet_write_string(ws, (lxw_row_t)r0, (lxw_col_t)col++, w->share, f.header);
	}
	worksheet_freeze_panes(ws, (lxw_row_t)(r0 + 1), 3);
	int r = r0 + 1, section = -1;
	for (size_t i = 0; i < t->form->nrows; i++) {
		const struct rpt_row *row = &t->form->rows[i];
		if (row->section != section) {
			section = row->section;
			const struct rpt_section *s = &t->form->sections[section];
			worksheet_merge_range(ws, (lxw_row_t)r, 0, (lxw_row_t)r, (lxw_col_t)last,
					      is_vi(lang) ? s->title_vi : s->title_en, f.sec);
			r++;
		}
		char lab[1024];
		if (snprintf(lab, sizeof lab, "%*s%s", 2 * row->indent, "", label(row, lang)) < 0)
			lab[0] = '\0';
		worksheet_write_string(ws, (lxw_row_t)r, 0, row->code, f.text);
		worksheet_write_string(ws, (lxw_row_t)r, 1, lab, f.text);
		worksheet_write_string(ws, (lxw_row_t)r, 2, unit_of(row, lang), f.text);
		lxw_format *nf = f.num[row->decimals];
		col = 3;
		for (size_t c = 0; c < t->ncols; c++) {
			xl_num(ws, r, col++, rpt_at(t, t->val, i, c), nf, f.text);
			if (single) {
				xl_num(ws, r, col++, rpt_at(t, t->male, i, c), nf, f.text);
				xl_num(ws, r, col++, rpt_at(t, t->female, i, c), nf, f.text);
			}
		}
		if (targets) {
			xl_num(ws, r, col++, rpt_at(t, t->target, i, 0), nf, f.text);
			xl_num(ws, r, col++, share(row, rpt_at(t, t->val, i, 0), rpt_at(t, t->target, i, 0)),
			       f.num[1], f.text);
		}
		r++;
	}
	r++;
	int half = last / 2;
	worksheet_merge_range(ws, (lxw_row_t)r, (lxw_col_t)(half + 1), (lxw_row_t)r, (lxw_col_t)(last > half + 1 ? last : half + 2), w->place_date, f.italic_center);
	r++;
	worksheet_merge_range(ws, (lxw_row_t)r, 0, (lxw_row_t)r, (lxw_col_t)half, w->preparer, f.bold_center);
	worksheet_merge_range(ws, (lxw_row_t)r, (lxw_col_t)(half + 1), (lxw_row_t)r, (lxw_col_t)(last > half + 1 ? last : half + 2), w->approver, f.bold_center);
	r++;
	worksheet_merge_range(ws, (lxw_row_t)r, 0, (lxw_row_t)r, (lxw_col_t)half, w->sign_preparer, f.italic_center);
	worksheet_merge_range(ws, (lxw_row_t)r, (lxw_col_t)(half + 1), (lxw_row_t)r, (lxw_col_t)(last > half + 1 ? last : half + 2), w->sign_approver, f.italic_center);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, (lxw_row_t)r0, (lxw_row_t)r0);
	lxw_error err = workbook_close(wb);
	return err == LXW_NO_ERROR ? DS_OK : DS_EIO;
}
