/*
 * libFuzzer target: crosswalk files (register/crosswalk.c) and the plans
 * they make against a small fixed map (a province, a district, three
 * communes, their villages and areas).
 *
 * Whatever the input: no crash, no leak, and when a plan is accepted its
 * tree is checked again here, independently of the planner: no code has
 * two rows on one day; on each effective date every unit but a province
 * has a parent that exists that day, of the level above; every stored row
 * the plan ends is ended on the day before its date and after its start;
 * and the map of the day before the first effective date is the stored
 * one (the same path for every unit).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "register/crosswalk.h"

static const char *const map_rows[][5] = {
	{"01", "Tỉnh", "province", "", ""},
	{"001", "Huyện", "district", "01", ""},
	{"00010", "Xã A", "commune", "001", ""},
	{"00013", "Xã B", "commune", "001", ""},
	{"00016", "Xã C", "commune", "01", "2020-01-01"},
	{"00010001", "Thôn A1", "village", "00010", ""},
	{"00010002", "Thôn A2", "village", "00010", ""},
	{"00013001", "Thôn B1", "village", "00013", ""},
	{"00016001", "Thôn C1", "village", "00016", "2020-01-01"},
	{"0001000101", "Địa bàn", "area", "00010001", ""},
	{"0001000201", "Địa bàn", "area", "00010002", ""},
	{"0001300101", "Địa bàn", "area", "00013001", ""},
	{"0001600101", "Địa bàn", "area", "00016001", "2020-01-01"},
};
#define NROWS (sizeof map_rows / sizeof map_rows[0])

static void make_map(struct reg_units *t)
{
	struct reg_unit *rows = calloc(NROWS, sizeof *rows);
	for (size_t i = 0; i < NROWS; i++) {
		reg_unit_init(&rows[i]);
		snprintf(rows[i].code, sizeof rows[i].code, "%s", map_rows[i][0]);
		snprintf(rows[i].name, sizeof rows[i].name, "%s", map_rows[i][1]);
		rows[i].level = reg_level_parse(map_rows[i][2], strlen(map_rows[i][2]));
		snprintf(rows[i].parent, sizeof rows[i].parent, "%s", map_rows[i][3]);
		if (map_rows[i][4][0])
			day_parse(map_rows[i][4], 10, &rows[i].valid_from);
	}
	reg_units_build(t, rows, NROWS);
}

static bool valid_on(const struct reg_unit *u, int32_t day)
{
	return (u->valid_from == DAY_NONE || u->valid_from <= day) &&
	       (u->valid_to == DAY_MAX || day <= u->valid_to);
}

static void check_plan(const struct reg_units *before, const struct xw_plan *p)
{
	const struct reg_units *t = &p->tree;
	for (size_t i = 0; i + 1 < t->n; i++)
		if (strcmp(t->rows[i].code, t->rows[i + 1].code) == 0 &&
		    (t->rows[i].valid_to == DAY_MAX || t->rows[i + 1].valid_from <= t->rows[i].valid_to))
			__builtin_trap();
	for (size_t d = 0; d < p->ndates; d++)
		for (size_t i = 0; i < t->n; i++) {
			const struct reg_unit *u = &t->rows[i];
			if (!valid_on(u, p->dates[d]) || u->level == LVL_PROVINCE)
				continue;
			const struct reg_unit *up = reg_units_at(t, u->parent, p->dates[d]);
			if (!up || !reg_level_parent_ok(u->level, up->level))
				__builtin_trap();
		}
	for (size_t i = 0; i < p->nclose; i++)
		if (p->close[i].valid_to != DAY_MAX ||
		    (p->close[i].valid_from != DAY_NONE && p->close_to[i] < p->close[i].valid_from))
			__builtin_trap();
	if (p->ndates) {
		int32_t day = p->dates[0] - 1;
		for (size_t i = 0; i < before->n; i++) {
			char a[128], b[128];
			xw_path(before, before->rows[i].code, day, a, sizeof a);
			xw_path(t, before->rows[i].code, day, b, sizeof b);
			if (strcmp(a, b) != 0)
				__builtin_trap();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct reg_units map;
	static bool made;
	if (!made) {
		make_map(&map);
		made = true;
	}
	struct xw x;
	struct xw_plan p;
	struct xw_problems pr = {0};
	if (xw_parse((const char *)data, size, "fuzz.csv", &x, &pr) == DS_OK &&
	    xw_plan_make(&x, &map, &p, &pr) == DS_OK) {
		check_plan(&map, &p);
		xw_plan_free(&p);
	}
	for (size_t i = 0; i < pr.n; i++)
		if (pr.v[i].why == W_NONE)
			__builtin_trap(); /* every refusal says why */
	xw_problems_free(&pr);
	xw_free(&x);
	return 0;
}
