/*
 * Stocks: the persons, married women and households present on a date,
 * counted from the presence spells of the wanted areas into the columns'
 * cubes (struct eng_stock).
 */
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "engine/engine_int.h"

/* ages[x] = completed years at day of someone born x days before it. */
void eng_age_table(int32_t day, uint8_t *ages)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	int32_t prev = day; /* T_0 */
	int k = 0;
	size_t x = 0;
	while (x < ENG_AGE_DAYS) {
		int yy = y - (k + 1);
		int dd = d <= day_days_in_month(yy, m) ? d : day_days_in_month(yy, m);
		int32_t next = day_from_ymd(yy, m, dd); /* latest birth with age >= k+1 */
		size_t until = (size_t)(day - next);
		while (x < until && x < ENG_AGE_DAYS)
			ages[x++] = (uint8_t)k;
		prev = next;
		k++;
	}
	(void)prev;
}

static int household_type_at(const struct engine *e, int32_t hh, int32_t day)
{
	int type = e->h_type0[hh];
	int32_t best = INT32_MIN;
	for (int32_t c = e->h_chg[hh]; c >= 0; c = e->hchg.next[c])
		if ((e->hchg.val[c] & 0xF0) == 0x10 && e->hchg.date[c] <= day && e->hchg.date[c] >= best) {
			best = e->hchg.date[c];
			type = e->hchg.val[c] & 0x0F;
		}
	return type >= 1 && type <= 2 ? type : 1;
}

/* Poverty of a household for a year: the latest status given for that year
 * or an earlier one; the baseline status before any. */
int eng_household_poverty(const struct engine *e, int32_t hh, int year)
{
	return eng_household_poverty_on(e, hh, year, INT32_MAX);
}

int eng_household_poverty_on(const struct engine *e, int32_t hh, int year, int32_t day)
{
	int pov = e->h_pov0[hh];
	int32_t by = INT32_MIN, bd = INT32_MIN;
	for (int32_t c = e->h_chg[hh]; c >= 0; c = e->hchg.next[c]) {
		if ((e->hchg.val[c] & 0xF0) != 0x20 || e->hchg.year[c] > year || e->hchg.date[c] > day)
			continue;
		if (e->hchg.year[c] > by || (e->hchg.year[c] == by && e->hchg.date[c] >= bd)) {
			by = e->hchg.year[c];
			bd = e->hchg.date[c];
			pov = e->hchg.val[c] & 0x0F;
		}
	}
	return pov <= 2 ? pov : 0;
}


static inline void count_spell(struct eng_stock_ctx *c, const struct eng_spells *s, size_t k)
{
	const struct engine *e = c->e;
	int32_t x = c->day - s->birth[k];
	if (x < 0)
		return;
	int age = x < ENG_AGE_DAYS ? c->ages[x] : 125;
	unsigned info = s->info[k];
	int sex = eng_info_sex(info) - 1;
	int32_t head = s->chg[k];
	int mar0 = eng_info_marital(info), fp0 = eng_info_method(info);
	int mar = head < 0 ? mar0 : eng_value_at(e, head, CHG_MARITAL, mar0, c->day);
	if (sex < 0 || sex > 1 || mar < 1 || mar > 5)
		return;
	c->out->pop[sex][age < 100 ? age : 100][mar - 1]++;
	if (sex == 1 && mar == MAR_MARRIED && age >= ENG_FP_AGE0 && age < ENG_FP_AGE0 + ENG_FP_AGES) {
		int fp = head < 0 ? fp0 : eng_value_at(e, head, CHG_FP, fp0, c->day);
		c->out->fp[age - ENG_FP_AGE0][fp <= 9 ? fp : 0]++;
	}
	int32_t hh = s->hh[k];
	if (!(c->seen_hh[hh >> 3] & (1u << (hh & 7)))) {
		c->seen_hh[hh >> 3] |= (uint8_t)(1u << (hh & 7));
		int type = household_type_at(e, hh, c->day);
		c->out->hh[type - 1][eng_household_poverty(e, hh, c->year)]++;
	}
}

void eng_add_cells(void *dst, const void *src, size_t bytes)
{
	int32_t *d = dst;
	const int32_t *s = src;
	for (size_t i = 0; i < bytes / sizeof(int32_t); i++)
		d[i] += s[i];
}

void eng_stock_areas(struct eng_stock_ctx *c, const int32_t *area_col, size_t a0, size_t a1,
			struct eng_stock *out)
{
	const struct engine *e = c->e;
	for (size_t a = a0; a < a1; a++) {
		if (area_col[a] < 0)
			continue;
		c->out = &out[area_col[a]];
		const int32_t day = c->day;
		const struct eng_spells *s = &e->base;
		for (size_t k = e->area_off[a]; k < e->area_off[a + 1]; k++)
			if (s->from[k] <= day && day < s->to[k])
				count_spell(c, s, k);
		for (int32_t k = e->add_head[a]; k >= 0; k = e->add_next[k])
			if (e->added.from[k] <= day && day < e->added.to[k])
				count_spell(c, &e->added, (size_t)k);
	}
}
