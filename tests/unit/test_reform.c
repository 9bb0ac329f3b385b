/*
 * Changes of the administrative map (register/crosswalk.c, reform/,
 * store_unit_close) on every backend, from tests/data/small: a province
 * (79) whose communes 26734 and 26737 were merged into 26740 on
 * 2025-07-01, one village each, one area each.  The change made here, on
 * 2027-01-01: 26740 renamed, a village 26740002 created under it, the
 * area 2673700101 moved into it.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "engine/engine.h"
#include "ledger/ledger.h"
#include "reform/reform.h"
#include "store/records.h"
#include "backend.h"
#include "test.h"

static const char change[] =
	"old_code,new_code,new_name,level,new_parent,effective\n"
	"26740,26740,Phường Sài Gòn Mới,,,2027-01-01\n"
	",26740002,Khu phố 3,village,26740,2027-01-01\n"
	"2673700101,2673700101,,,26740002,2027-01-01\n";

static struct store *fresh_units(bool pg)
{
	char target[512];
	struct store *st = NULL;
	if (!test_backend_target(pg, target, sizeof target))
		return NULL;
	CHECK_EQ(store_open(target, true, &st), DS_OK);
	struct ledger lg;
	CHECK_EQ(ledger_open(&lg, st), DS_OK);
	struct import_opts o = {.units = "tests/data/small/units.csv", .as_of = DAY_NONE};
	struct import_stats stats;
	CHECK_EQ(ledger_import(&lg, &o, &stats), DS_OK);
	ledger_close(&lg);
	return st;
}

/* Plans the change against the stored tree and, in a transaction, applies it. */
static enum ds_rc apply_text(struct store *st, const char *text, bool commit)
{
	struct xw x;
	struct xw_plan p;
	struct xw_problems pr = {0};
	struct reg_units now = {0};
	CHECK_EQ(store_units_tree(st, &now), DS_OK);
	enum ds_rc rc = xw_parse(text, strlen(text), "change.csv", &x, &pr);
	if (!rc)
		rc = xw_plan_make(&x, &now, &p, &pr);
	struct ds_problem pb = {0};
	int64_t seq = 0;
	if (!rc) {
		CHECK_EQ(store_begin(st), DS_OK);
		rc = reform_apply(st, &now, &x, &p, "test", &pb, &seq);
		if (!rc && commit)
			CHECK_EQ(store_commit(st), DS_OK);
		else
			CHECK_EQ(store_rollback(st), DS_OK);
		xw_plan_free(&p);
	}
	xw_problems_free(&pr);
	xw_free(&x);
	reg_units_free(&now);
	return rc;
}

static void suite_map_change(bool pg)
{
	struct store *st = fresh_units(pg);
	if (!st)
		return;
	int32_t before = day_from_ymd(2026, 12, 31), after = day_from_ymd(2027, 1, 1);
	/* Rolled back: nothing. */
	CHECK_EQ(apply_text(st, change, false), DS_OK);
	struct reg_units t = {0};
	CHECK_EQ(store_units_tree(st, &t), DS_OK);
	CHECK_EQ(t.n, 11);
	reg_units_free(&t);
	CHECK_EQ(store_record_last_seq(st), 0);
	/* Committed: the old rows end the day before, the new ones begin. */
	CHECK_EQ(apply_text(st, change, true), DS_OK);
	CHECK_EQ(store_units_tree(st, &t), DS_OK);
	CHECK_EQ(t.n, 14);
	CHECK_STR(reg_units_at(&t, "26740", before)->name, "Phường Sài Gòn");
	CHECK_STR(reg_units_at(&t, "26740", after)->name, "Phường Sài Gòn Mới");
	CHECK_STR(reg_units_parent(&t, "2673700101", before), "26737001");
	CHECK_STR(reg_units_parent(&t, "2673700101", after), "26740002");
	CHECK_STR(reg_units_parent(&t, "26740002", after), "26740");
	CHECK(reg_units_at(&t, "26740002", before) == NULL);
	/* The 2024 map is as it was. */
	CHECK_STR(reg_units_parent(&t, "26737001", day_from_ymd(2024, 6, 1)), "26737");
	reg_units_free(&t);
	struct store_record r;
	CHECK_EQ(store_record_latest(st, "unit_change", "", "map", &r), DS_OK);
	CHECK_EQ(r.date, after);
	CHECK(strstr(r.body, "\"closed\":2") != NULL);
	CHECK(strstr(r.body, "\"opened\":3") != NULL);
	/* A row that is no longer open cannot be ended again. */
	struct reg_unit u;
	reg_unit_init(&u);
	snprintf(u.code, sizeof u.code, "26740");
	u.valid_from = day_from_ymd(2025, 7, 1);
	CHECK_EQ(store_begin(st), DS_OK);
	CHECK_EQ(store_unit_close(st, &u, after), DS_ENOTFOUND);
	CHECK_EQ(store_rollback(st), DS_OK);
	/* The same change again: refused, the rows it would end are closed. */
	CHECK_EQ(apply_text(st, change, true), DS_EINPUT);
	store_close(st);
}

/*
 * The map changes between the plan (the preview) and the apply: another
 * change renames 26740 from 2026-10-01, ending the row the plan would end.
 * The stale plan is refused with the line that would have ended that row
 * (W_UNIT_CHANGED), and its transaction, rolled back, leaves the store as
 * the other change left it.  The map's mark tells the two maps apart.
 */
static void suite_stale_plan(bool pg)
{
	struct store *st = fresh_units(pg);
	if (!st)
		return;
	struct reg_units now = {0}, t = {0};
	struct xw x;
	struct xw_plan p;
	struct xw_problems pr = {0};
	CHECK_EQ(store_units_tree(st, &now), DS_OK);
	CHECK_EQ(xw_parse(change, strlen(change), "change.csv", &x, &pr), DS_OK);
	CHECK_EQ(xw_plan_make(&x, &now, &p, &pr), DS_OK);
	CHECK_EQ(pr.n, 0);
	char before[REG_UNITS_MARK_LEN + 1], after[REG_UNITS_MARK_LEN + 1];
	reg_units_mark(&now, before);
	CHECK_EQ(apply_text(st, "old_code,new_code,new_name,level,new_parent,effective\n"
				"26740,26740,Phường Sài Gòn Khác,,,2026-10-01\n", true),
		 DS_OK);
	CHECK_EQ(store_units_tree(st, &t), DS_OK);
	reg_units_mark(&t, after);
	CHECK(strcmp(before, after) != 0);
	reg_units_free(&t);
	struct ds_problem pb = {0};
	int64_t seq = 0;
	CHECK_EQ(store_begin(st), DS_OK);
	CHECK_EQ(reform_apply(st, &now, &x, &p, "test", &pb, &seq), DS_ECONFLICT);
	CHECK_EQ(store_rollback(st), DS_OK);
	CHECK_STR(pb.file, "change.csv");
	CHECK_EQ(pb.line, 2);
	CHECK_STR(pb.field, "old_code");
	CHECK_EQ(pb.why, W_UNIT_CHANGED);
	/* Nothing of the stale plan: the other change's rows and record only. */
	CHECK_EQ(store_units_tree(st, &t), DS_OK);
	CHECK_EQ(t.n, 12);
	reg_units_mark(&t, before);
	CHECK_STR(before, after);
	CHECK(reg_units_at(&t, "26740002", day_from_ymd(2027, 2, 1)) == NULL);
	CHECK_STR(reg_units_at(&t, "26740", day_from_ymd(2027, 2, 1))->name, "Phường Sài Gòn Khác");
	CHECK_STR(reg_units_parent(&t, "2673700101", day_from_ymd(2027, 2, 1)), "26737001");
	reg_units_free(&t);
	CHECK_EQ(store_record_last_seq(st), 1);
	xw_plan_free(&p);
	xw_free(&x);
	reg_units_free(&now);
	store_close(st);
}

/* The engine takes a new map without a reload of the register: a report
 * under the new map counts the moved area in its new village. */
static void suite_engine_picks_up(bool pg)
{
	struct store *st = fresh_units(pg);
	if (!st)
		return;
	struct engine *e = NULL;
	CHECK_EQ(engine_load(st, &e), DS_OK);
	if (!e) {
		store_close(st);
		return;
	}
	CHECK_EQ(apply_text(st, change, true), DS_OK);
	const struct eng_view *v = engine_read(e);
	char **codes = NULL;
	size_t n = 0;
	CHECK_EQ(engine_units_under(v, "26740002", LVL_AREA, day_from_ymd(2027, 2, 1), &codes, &n), DS_OK);
	CHECK_EQ(n, 0); /* the engine still has the map it was loaded with */
	free(codes);
	engine_read_end(v);
	CHECK_EQ(engine_reload_units(e, st), DS_OK);
	v = engine_read(e);
	CHECK_EQ(engine_units_under(v, "26740002", LVL_AREA, day_from_ymd(2027, 2, 1), &codes, &n), DS_OK);
	CHECK_EQ(n, 1);
	if (n)
		CHECK_STR(codes[0], "2673700101");
	for (size_t i = 0; i < n; i++)
		free(codes[i]);
	free(codes);
	engine_read_end(v);
	engine_free(e);
	store_close(st);
}

struct reloader {
	struct engine *e;
	struct store *st;
	enum ds_rc rc;
};

static void *reload_units(void *arg)
{
	struct reloader *r = arg;
	r->rc = engine_reload_units(r->e, r->st);
	return NULL;
}

/* A report in progress keeps the map it started with: the reload waits
 * for its view to end (the engine's own lock), and the next view has the
 * new map. */
static void suite_reload_waits_for_views(bool pg)
{
	struct store *st = fresh_units(pg);
	if (!st)
		return;
	struct engine *e = NULL;
	CHECK_EQ(engine_load(st, &e), DS_OK);
	CHECK_EQ(apply_text(st, change, true), DS_OK);
	/* The reloader uses the store alone: this thread only reads the engine. */
	const struct eng_view *v = engine_read(e);
	size_t rows = eng_units(v)->n;
	struct reloader r = {.e = e, .st = st};
	pthread_t th;
	bool started;
	started = pthread_create(&th, NULL, reload_units, &r) == 0;
	CHECK(started);
	/* However long the reloader runs, this view's tree does not change. */
	for (int i = 0; i < 50; i++) {
		CHECK_EQ(eng_units(v)->n, rows);
		CHECK_STR(reg_units_at(eng_units(v), "26740", day_from_ymd(2027, 2, 1))->name, "Phường Sài Gòn");
		sched_yield();
	}
	engine_read_end(v);
	if (started)
		pthread_join(th, NULL);
	CHECK_EQ(r.rc, DS_OK);
	v = engine_read(e);
	CHECK_EQ(eng_units(v)->n, rows + 3);
	CHECK_STR(reg_units_at(eng_units(v), "26740", day_from_ymd(2027, 2, 1))->name, "Phường Sài Gòn Mới");
	engine_read_end(v);
	engine_free(e);
	store_close(st);
}

#define BOTH(name)                                                   \
	TEST(store_sqlite_##name) { suite_##name(false); }           \
	TEST(store_pg_##name) { suite_##name(true); }

BOTH(map_change)
BOTH(stale_plan)
BOTH(engine_picks_up)
BOTH(reload_waits_for_views)
