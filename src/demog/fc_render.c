/* A projection from the register written out: JSON, CSV and XLSX, each naming its inputs and what was borrowed. */
#include "demog/fc_render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/day.h"

static bool is_vi(const char *lang)
{
	return lang && strcmp(lang, "vi") == 0;
}

#define GROUPS 21 /* 0-4 .. 95-99, 100+ */

static void group_label(int g, char *out, size_t n)
{
	if (g == GROUPS - 1)
		snprintf(out, n, "100+");
	else
		snprintf(out, n, "%d-%d", 5 * g, 5 * g + 4);
}

static double group_sum(const struct dm_fc_year *y, int s, int g)
{
	return dm_fc_sum(y, s, 5 * g, g == GROUPS - 1 ? 100 : 5 * g + 4);
}

/* ---- notes ---- */

static const char *sex_word(int s, bool vi)
{
	return s ? (vi ? "nữ" : "women") : (vi ? "nam" : "men");
}

static void fertility_note(const struct dm_reg_result *r, bool vi, struct buf *out)
{
	const struct dm_fc_derived *d = &r->f[0].d;
	if (d->fert_src == DM_SRC_SCALED)
		buf_printf(out, vi ? "Mức sinh: chỉ có %.0f trẻ sinh ra trong %d-%d (dưới %d), quá ít để tính tỷ suất sinh theo tuổi riêng: dùng cơ cấu tuổi của lịch sinh cả nước (UN WPP 2024, năm 2020) điều chỉnh theo số sinh của đơn vị; TFR %.2f.\n"
				   : "Fertility: only %.0f births in %d-%d (fewer than %d), too few for the unit's own age-specific rates: the national schedule's age pattern (UN WPP 2024, 2020) scaled to the unit's births; TFR %.2f.\n",
			   d->births, r->rates_from, r->rates_to, DM_FC_BIRTHS_OWN, d->tfr);
	else if (d->fert_src == DM_SRC_NATIONAL)
		buf_printf(out, vi ? "Mức sinh: không có trẻ sinh ra nào (hoặc không có phụ nữ) trong %d-%d: dùng nguyên lịch sinh của cả nước (UN WPP 2024, năm 2020); TFR %.2f.\n"
				   : "Fertility: no births (or no women) in %d-%d: the national schedule (UN WPP 2024, 2020) as it is; TFR %.2f.\n",
			   r->rates_from, r->rates_to, d->tfr);
}

static void mortality_note(const struct dm_reg_result *r, int s, bool vi, struct buf *out)
{
	const struct dm_fc_derived *d = &r->f[0].d;
	const char *who = sex_word(s, vi);
	switch (d->mort_src[s]) {
	case DM_SRC_REGISTER:
		if (d->borrowed_groups[s])
			buf_printf(out, vi ? "Tử vong, %s: tỷ suất chết của đơn vị; %d nhóm tuổi không có ca chết nào lấy tỷ suất của mô hình Brass hiệu chỉnh theo đơn vị.\n"
					   : "Mortality, %s: the unit's own rates; %d age groups without any death take the rate of the Brass model fitted to the unit.\n",
				   who, d->borrowed_groups[s]);
		break;
	case DM_SRC_BRASS2:
		buf_printf(out, vi ? "Tử vong, %s: %.0f ca chết trong %d-%d (dưới %d), chưa đủ để lập bảng sống riêng: lịch tử vong của cả nước (UN WPP 2024, 2020-2025) điều chỉnh theo đơn vị bằng mô hình logit tương quan Brass (alpha %.3f, beta %.3f); e0 %.1f.\n"
				   : "Mortality, %s: %.0f deaths in %d-%d (fewer than %d), too few for the unit's own table: the national schedule (UN WPP 2024, 2020-2025) fitted to the unit by a Brass relational logit model (alpha %.3f, beta %.3f); e0 %.1f.\n",
			   who, d->deaths[s], r->rates_from, r->rates_to, DM_FC_DEATHS_OWN, d->alpha[s],
			   d->beta[s], d->e0[s]);
		break;
	case DM_SRC_BRASS1:
		buf_printf(out, vi ? "Tử vong, %s: chỉ %.0f ca chết trong %d-%d (dưới %d): lịch tử vong của cả nước (UN WPP 2024, 2020-2025) điều chỉnh theo mức của đơn vị bằng mô hình logit tương quan Brass (alpha %.3f, beta 1, đã kéo về mức cả nước); e0 %.1f.\n"
				   : "Mortality, %s: only %.0f deaths in %d-%d (fewer than %d): the national schedule (UN WPP 2024, 2020-2025) moved to the unit's level by a Brass relational logit model (alpha %.3f, beta 1, weighted towards the national level); e0 %.1f.\n",
			   who, d->deaths[s], r->rates_from, r->rates_to, DM_FC_DEATHS_BRASS2, d->alpha[s],
			   d->e0[s]);
		break;
	default:
		buf_printf(out, vi ? "Tử vong, %s: không có ca chết nào trong %d-%d: dùng nguyên lịch tử vong của cả nước (UN WPP 2024, 2020-2025); e0 %.1f.\n"
				   : "Mortality, %s: no deaths in %d-%d: the national schedule (UN WPP 2024, 2020-2025) as it is; e0 %.1f.\n",
			   who, r->rates_from, r->rates_to, d->e0[s]);
	}
}

void dm_fc_notes(const struct dm_reg_result *r, size_t i, const char *lang, struct buf *out)
{
	bool vi = is_vi(lang);
	const struct dm_forecast *f = &r->f[i];
	const struct dm_fc_derived *d = &f->d;
	fertility_note(r, vi, out);
	for (int s = 0; s < 2; s++)
		mortality_note(r, s, vi, out);
	if (d->srb_src != DM_SRC_REGISTER) {
		char own[64];
		if (isnan(d->srb_register))
			snprintf(own, sizeof own, "%s", vi ? "không xác định (không có trẻ gái)" : "none (no girls)");
		else
			snprintf(own, sizeof own, "%.3f", d->srb_register);
		buf_printf(out, vi ? "Tỷ số giới tính khi sinh: %.0f trẻ sinh ra trong %d-%d (dưới %d, hoặc tỷ số ngoài 0,9-1,3): dùng mức của cả nước %.2f (2015-2023); tỷ số của đơn vị là %s.\n"
				   : "SRB: %.0f births in %d-%d (fewer than %d, or a ratio outside 0.9-1.3): Viet Nam's %.2f (2015-2023); the unit's own is %s.\n",
			   d->births, r->rates_from, r->rates_to, DM_FC_BIRTHS_SRB, d->srb, own);
	}
	if (!f->sc.migration)
		buf_puts(out, vi ? "Kịch bản không tính di cư: dân số đóng.\n"
				 : "The scenario leaves migration out: a closed population.\n");
	if (f->e0_held)
		buf_puts(out, vi ? "Mức tăng tuổi thọ của kịch bản vượt quá giới hạn của mô hình; tuổi thọ được giữ ở mức cao nhất đạt được.\n"
				 : "The scenario's gain in e0 goes beyond what the model reaches; e0 is held at the highest it reaches.\n");
}

/* ---- JSON ---- */

static json_t *num(double v, int decimals)
{
	if (!isfinite(v))
		return json_null();
	double k = pow(10, decimals);
	return json_real(round(v * k) / k);
}

static json_t *date_json(int32_t day)
{
	char s[11];
	day_format(day, s);
	return json_string(s);
}

static json_t *path_json(bool set, double value, int year)
{
	return set ? json_pack("{s:o, s:i}", "value", num(value, 4), "year", year) : json_null();
}

static json_t *scenario_json(const struct dm_reg_result *r, size_t i)
{
	const struct dm_scenario *sc = &r->f[i].sc;
	return json_pack("{s:s, s:s, s:b, s:o, s:o, s:o, s:b}", "name", sc->name, "label", r->label[i],
			 "saved", r->saved[i], "tfr", path_json(sc->tfr_set, sc->tfr, sc->tfr_year), "srb",
			 path_json(sc->srb_set, sc->srb, sc->srb_year), "e0_gain", num(sc->e0_gain, 4),
			 "migration", sc->migration);
}

/* A rate by single age 0..100, at full precision: with these a reader can
 * run the projection again (tests/cli/project_db.test.mjs does). */
static json_t *by_age(const double *v)
{
	json_t *a = json_array();
	for (int x = 0; x < DM_FC_AGES; x++)
		json_array_append_new(a, isfinite(v[x]) ? json_real(v[x]) : json_null());
	return a;
}

static json_t *mortality_json(const struct dm_fc_derived *d, int s)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:i, s:o}", "source",
			 dm_fc_source_code(d->mort_src[s]), "deaths", num(d->deaths[s], 0), "exposure",
			 num(d->exposure[s], 1), "alpha", num(d->alpha[s], 4), "beta", num(d->beta[s], 4),
			 "e0", num(d->e0[s], 2), "borrowed_groups", d->borrowed_groups[s], "mx",
			 by_age(d->mx[s]));
}

static json_t *inputs_json(const struct dm_reg_result *r, int with_scenario, const char *lang)
{
	const struct dm_forecast *f = &r->f[with_scenario >= 0 ? with_scenario : 0];
	const struct dm_fc_derived *d = &f->d;
	json_t *asfr = json_array();
	for (int g = 0; g < DM_FC_ASFR_GROUPS; g++)
		json_array_append_new(asfr, json_real(d->asfr5[g]));
	struct buf nb = {0};
	dm_fc_notes(r, with_scenario >= 0 ? (size_t)with_scenario : 0, lang, &nb);
	json_t *notes = json_array();
	for (char *p = nb.data, *nl; p && *p; p = nl + 1) {
		if (!(nl = strchr(p, '\n')))
			break;
		json_array_append_new(notes, json_stringn(p, (size_t)(nl - p)));
	}
	buf_free(&nb);
	struct dm_fc_ind ind;
	dm_fc_indicators(&f->y[0], &ind);
	json_t *o = json_pack(
		"{s:o, s:{s:i, s:i}, s:i, s:o, s:{s:s, s:o, s:o, s:o}, s:{s:s, s:o, s:o, s:o}, "
		"s:{s:o, s:o}, s:{s:s, s:o, s:b}, s:o}",
		"base_date", date_json(r->base), "rates_years", "from", r->rates_from, "to", r->rates_to,
		"horizon", f->y[f->nyears - 1].year, "population", num(ind.total, 0), "fertility", "source",
		dm_fc_source_code(d->fert_src), "births", num(d->births, 0), "tfr", num(d->tfr, 4), "asfr",
		asfr, "srb", "source", dm_fc_source_code(d->srb_src), "value", num(d->srb, 4), "register",
		num(d->srb_register, 4), "births", num(d->births, 0), "mortality", "male",
		mortality_json(d, 0), "female", mortality_json(d, 1), "migration", "source", "register",
		"net_per_year", num(d->net_migration, 1), "used", f->sc.migration, "notes", notes);
	json_t *mig = json_object_get(o, "migration");
	json_object_set_new(mig, "male", by_age(d->mig[0]));
	json_object_set_new(mig, "female", by_age(d->mig[1]));
	if (o && with_scenario >= 0)
		json_object_set_new(o, "scenario", scenario_json(r, (size_t)with_scenario));
	return o;
}

static json_t *indicators_json(const struct dm_forecast *f)
{
	json_t *a = json_array();
	for (size_t k = 0; k < f->nyears; k++) {
		const struct dm_fc_year *y = &f->y[k];
		struct dm_fc_ind ind;
		dm_fc_indicators(y, &ind);
		json_t *o = json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "year", y->year,
				      "population", num(ind.total, 1), "male", num(ind.male, 1), "female",
				      num(ind.female, 1), "births", num(y->births, 1), "deaths",
				      num(y->deaths[0] + y->deaths[1], 1), "tfr", num(y->tfr, 4), "srb",
				      num(y->srb, 4), "e0_male", num(y->e0[0], 2), "e0_female", num(y->e0[1], 2));
		json_object_set_new(o, "dependency_ratio", num(ind.dependency, 2));
		json_object_set_new(o, "ageing_index", num(ind.ageing, 2));
		json_object_set_new(o, "share_60_plus", num(ind.share60, 2));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *by_sex_json(const struct dm_forecast *f, bool groups)
{
	json_t *out = json_object();
	for (int s = 0; s < 2; s++) {
		json_t *years = json_array();
		for (size_t k = 0; k < f->nyears; k++) {
			json_t *row = json_array();
			for (int g = 0; g < (groups ? GROUPS : DM_FC_AGES); g++)
				json_array_append_new(row, num(groups ? group_sum(&f->y[k], s, g)
								      : f->y[k].pop[s][g], 1));
			json_array_append_new(years, row);
		}
		json_object_set_new(out, s ? "female" : "male", years);
	}
	if (groups) {
		json_t *ages = json_array();
		for (int g = 0; g < GROUPS; g++) {
			char l[12];
			group_label(g, l, sizeof l);
			json_array_append_new(ages, json_string(l));
		}
		json_object_set_new(out, "ages", ages);
	}
	return out;
}

static json_t *head_json(const struct dm_reg_result *r)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "unit", r->unit, "unit_name", r->unit_name, "level",
			 reg_level_name(r->level), "map_date", date_json(r->map_date));
}

json_t *dm_fc_json(const struct dm_reg_result *r, size_t i, const char *lang, bool single_ages)
{
	const struct dm_forecast *f = &r->f[i];
	json_t *o = head_json(r);
	json_object_set_new(o, "inputs", inputs_json(r, (int)i, lang));
	json_object_set_new(o, "indicators", indicators_json(f));
	json_object_set_new(o, "groups", by_sex_json(f, true));
	if (single_ages)
		json_object_set_new(o, "population", by_sex_json(f, false));
	return o;
}

json_t *dm_fc_compare_json(const struct dm_reg_result *r, const char *lang)
{
	json_t *o = head_json(r);
	json_object_set_new(o, "inputs", inputs_json(r, -1, lang));
	json_t *all = json_array();
	for (size_t i = 0; i < r->n; i++) {
		struct buf nb = {0};
		dm_fc_notes(r, i, lang, &nb);
		json_array_append_new(all, json_pack("{s:o, s:o, s:o}", "scenario", scenario_json(r, i),
						     "indicators", indicators_json(&r->f[i]), "groups",
						     by_sex_json(&r->f[i], true)));
		buf_free(&nb);
	}
	json_object_set_new(o, "scenarios", all);
	return o;
}

/* ---- CSV ---- */

/* A year's indicators in the order of the CSV and XLSX columns after the year. */
#define NIND 12
static void year_values(const struct dm_fc_year *y, double v[NIND])
{
	struct dm_fc_ind ind;
	dm_fc_indicators(y, &ind);
	const double all[NIND] = {ind.total, ind.male, ind.female, y->births,
				  y->deaths[0] + y->deaths[1], y->tfr, y->srb, y->e0[0],
				  y->e0[1], ind.dependency, ind.ageing, ind.share60};
	memcpy(v, all, sizeof all);
}

static void csv_text(struct buf *b, const char *s)
{
	buf_csv_field(b, s);
}

static void csv_num(struct buf *b, double v, int decimals)
{
	if (isfinite(v))
		buf_printf(b, "%.*f", decimals, v);
}

static void csv_pair(struct buf *b, const char *name, const char *value)
{
	buf_puts(b, name);
	buf_putc(b, ',');
	csv_text(b, value);
	buf_putc(b, '\n');
}

static void csv_inputs(const struct dm_reg_result *r, const char *lang, struct buf *b)
{
	const struct dm_fc_derived *d = &r->f[0].d;
	char v[64], base[11], map[11];
	day_format(r->base, base);
	day_format(r->map_date, map);
	buf_puts(b, "name,value\n");
	csv_pair(b, "unit", r->unit);
	csv_pair(b, "unit_name", r->unit_name);
	csv_pair(b, "map_date", map);
	csv_pair(b, "base_date", base);
	snprintf(v, sizeof v, "%d-%d", r->rates_from, r->rates_to);
	csv_pair(b, "rates_years", v);
	for (size_t i = 0; i < r->n; i++)
		csv_pair(b, "scenario", r->f[i].sc.name);
	csv_pair(b, "fertility_source", dm_fc_source_code(d->fert_src));
	snprintf(v, sizeof v, "%.4f", d->tfr);
	csv_pair(b, "tfr", v);
	csv_pair(b, "srb_source", dm_fc_source_code(d->srb_src));
	snprintf(v, sizeof v, "%.4f", d->srb);
	csv_pair(b, "srb", v);
	for (int s = 0; s < 2; s++) {
		char name[32];
		snprintf(name, sizeof name, "mortality_source_%s", s ? "female" : "male");
		csv_pair(b, name, dm_fc_source_code(d->mort_src[s]));
		snprintf(name, sizeof name, "e0_%s", s ? "female" : "male");
		snprintf(v, sizeof v, "%.2f", d->e0[s]);
		csv_pair(b, name, v);
	}
	snprintf(v, sizeof v, "%.1f", d->net_migration);
	csv_pair(b, "net_migration_per_year", v);
	struct buf nb = {0};
	dm_fc_notes(r, 0, lang, &nb);
	for (char *p = nb.data, *nl; p && *p && (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		csv_pair(b, "note", p);
	}
	buf_free(&nb);
}

static void csv_indicators(const struct dm_reg_result *r, struct buf *b)
{
	buf_puts(b, "scenario,year,population,male,female,births,deaths,tfr,srb,e0_male,e0_female,"
		    "dependency_ratio,ageing_index,share_60_plus\n");
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->f[i].nyears; k++) {
			const struct dm_fc_year *y = &r->f[i].y[k];
			double v[NIND];
			year_values(y, v);
			static const int dec[] = {1, 1, 1, 1, 1, 4, 4, 2, 2, 2, 2, 2};
			csv_text(b, r->f[i].sc.name);
			buf_printf(b, ",%d", y->year);
			for (size_t c = 0; c < NIND; c++) {
				buf_putc(b, ',');
				csv_num(b, v[c], dec[c]);
			}
			buf_putc(b, '\n');
		}
}

static void csv_ages(const struct dm_reg_result *r, bool groups, struct buf *b)
{
	buf_puts(b, groups ? "scenario,year,sex,age_group,count\n" : "scenario,year,sex,age,count\n");
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->f[i].nyears; k++)
			for (int s = 0; s < 2; s++)
				for (int g = 0; g < (groups ? GROUPS : DM_FC_AGES); g++) {
					const struct dm_fc_year *y = &r->f[i].y[k];
					char l[12];
					if (groups)
						group_label(g, l, sizeof l);
					else
						snprintf(l, sizeof l, "%d", g);
					csv_text(b, r->f[i].sc.name);
					buf_printf(b, ",%d,%s,%s,", y->year, s ? "F" : "M", l);
					csv_num(b, groups ? group_sum(y, s, g) : y->pop[s][g], 1);
					buf_putc(b, '\n');
				}
}

enum ds_rc dm_fc_csv(const struct dm_reg_result *r, const char *lang, struct buf *b)
{
	csv_inputs(r, lang, b);
	buf_putc(b, '\n');
	csv_indicators(r, b);
	buf_putc(b, '\n');
	csv_ages(r, true, b);
	buf_putc(b, '\n');
	csv_ages(r, false, b);
	return b->data ? DS_OK : DS_ENOMEM;
}

/* ---- XLSX ---- */

struct xl {
	lxw_workbook *wb;
	lxw_format *head, *n1, *n4;
	bool vi;
};

static lxw_worksheet *sheet(struct xl *x, const char *vi, const char *en, const char *const *cols,
			    size_t ncols)
{
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, x->vi ? vi : en);
	for (size_t c = 0; c < ncols; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c], x->head);
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_set_column(ws, 0, (lxw_col_t)(ncols ? ncols - 1 : 0), 14, NULL);
	return ws;
}

static void xl_num(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *f)
{
	if (isfinite(v))
		worksheet_write_number(ws, r, c, v, f);
}

static void xl_inputs(struct xl *x, const struct dm_reg_result *r, const char *lang)
{
	static const char *const cols_vi[] = {"Tên", "Giá trị"}, *const cols_en[] = {"Name", "Value"};
	lxw_worksheet *ws = sheet(x, "Đầu vào", "Inputs", x->vi ? cols_vi : cols_en, 2);
	worksheet_set_column(ws, 1, 1, 120, NULL);
	struct buf b = {0};
	csv_inputs(r, lang, &b);
	lxw_row_t row = 1;
	/* The CSV section's name,value lines, one row each (values have no comma but notes, quoted). */
	for (char *p = b.data ? strchr(b.data, '\n') + 1 : NULL, *nl; p && *p && (nl = strchr(p, '\n'));
	     p = nl + 1, row++) {
		*nl = '\0';
		char *comma = strchr(p, ',');
		if (!comma)
			continue;
		*comma = '\0';
		char *v = comma + 1;
		size_t n = strlen(v);
		if (n >= 2 && v[0] == '"') { /* a quoted note: undo the doubling */
			v[n - 1] = '\0';
			v++;
			for (char *q = v; (q = strstr(q, "\"\"")); q++)
				memmove(q, q + 1, strlen(q));
		}
		worksheet_write_string(ws, row, 0, p, NULL);
		worksheet_write_string(ws, row, 1, v, NULL);
	}
	buf_free(&b);
}

static void xl_indicators(struct xl *x, const struct dm_reg_result *r)
{
	static const char *const vi[] = {"Kịch bản", "Năm", "Dân số", "Nam", "Nữ", "Số sinh", "Số chết",
					 "TFR", "SRB", "e0 nam", "e0 nữ", "Tỷ số phụ thuộc (%)",
					 "Chỉ số già hóa (%)", "Tỷ lệ 60+ (%)"};
	static const char *const en[] = {"Scenario", "Year", "Population", "Male", "Female", "Births",
					 "Deaths", "TFR", "SRB", "e0 male", "e0 female",
					 "Dependency ratio (%)", "Ageing index (%)", "Share 60+ (%)"};
	lxw_worksheet *ws = sheet(x, "Chỉ tiêu", "Indicators", x->vi ? vi : en, 14);
	lxw_row_t row = 1;
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->f[i].nyears; k++, row++) {
			const struct dm_fc_year *y = &r->f[i].y[k];
			double v[NIND];
			year_values(y, v);
			worksheet_write_string(ws, row, 0, r->f[i].sc.name, NULL);
			worksheet_write_number(ws, row, 1, y->year, NULL);
			for (size_t c = 0; c < NIND; c++)
				xl_num(ws, row, (lxw_col_t)(c + 2), v[c], c >= 5 && c <= 6 ? x->n4 : x->n1);
		}
}

static void xl_ages(struct xl *x, const struct dm_reg_result *r, bool groups)
{
	static const char *const vi[] = {"Kịch bản", "Năm", "Giới tính", "Tuổi", "Số người"};
	static const char *const en[] = {"Scenario", "Year", "Sex", "Age", "Persons"};
	lxw_worksheet *ws = groups ? sheet(x, "Nhóm 5 tuổi", "Five-year groups", x->vi ? vi : en, 5)
				   : sheet(x, "Từng độ tuổi", "Single ages", x->vi ? vi : en, 5);
	lxw_row_t row = 1;
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->f[i].nyears; k++)
			for (int s = 0; s < 2; s++)
				for (int g = 0; g < (groups ? GROUPS : DM_FC_AGES); g++, row++) {
					const struct dm_fc_year *y = &r->f[i].y[k];
					char l[12];
					if (groups)
						group_label(g, l, sizeof l);
					else
						snprintf(l, sizeof l, g == 100 ? "100+" : "%d", g);
					worksheet_write_string(ws, row, 0, r->f[i].sc.name, NULL);
					worksheet_write_number(ws, row, 1, y->year, NULL);
					worksheet_write_string(ws, row, 2, s ? (x->vi ? "Nữ" : "F") : (x->vi ? "Nam" : "M"), NULL);
					worksheet_write_string(ws, row, 3, l, NULL);
					xl_num(ws, row, 4, groups ? group_sum(y, s, g) : y->pop[s][g], x->n1);
				}
}

static void xl_lifetables(struct xl *x, const struct dm_reg_result *r)
{
	static const char *const cols[] = {"sex", "age", "mx", "qx", "lx", "dx", "Lx", "Tx", "ex", "Sx"};
	lxw_worksheet *ws = sheet(x, "Bảng sống", "Life tables", cols, 10);
	lxw_row_t row = 1;
	for (int s = 0; s < 2; s++) {
		const struct dm_lt *t = &r->f[0].d.table[s];
		for (size_t g = 0; g < t->n; g++, row++) {
			const double v[] = {t->mx[g], t->qx[g], t->lx[g], t->dx[g], t->Lx[g], t->Tx[g],
					    t->ex[g], t->Sx[g]};
			worksheet_write_string(ws, row, 0, s ? "F" : "M", NULL);
			worksheet_write_number(ws, row, 1, t->age[g], NULL);
			for (size_t c = 0; c < 8; c++)
				xl_num(ws, row, (lxw_col_t)(c + 2), v[c], c == 0 || c == 1 || c == 7 ? x->n4 : x->n1);
		}
	}
}

enum ds_rc dm_fc_xlsx(const struct dm_reg_result *r, const char *lang, const char *path)
{
	struct xl x = {.wb = workbook_new(path), .vi = is_vi(lang)};
	if (!x.wb)
		return DS_EIO;
	x.head = workbook_add_format(x.wb);
	format_set_bold(x.head);
	format_set_bg_color(x.head, 0xEEEEEE);
	x.n1 = workbook_add_format(x.wb);
	format_set_num_format(x.n1, "#,##0.0");
	x.n4 = workbook_add_format(x.wb);
	format_set_num_format(x.n4, "0.000000");
	xl_inputs(&x, r, lang);
	xl_indicators(&x, r);
	xl_ages(&x, r, true);
	xl_ages(&x, r, false);
	xl_lifetables(&x, r);
	return workbook_close(x.wb) == LXW_NO_ERROR ? DS_OK : DS_EIO;
}
