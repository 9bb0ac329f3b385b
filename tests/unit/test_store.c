/*
 * Store conformance and the ledger, on every backend: SQLite in a temporary
 * file, PostgreSQL in the cluster DANSO_TEST_PG names (tests/run.sh starts a
 * private one; without it the PostgreSQL cases fail).  Each case starts
 * from an empty store loaded with tests/data/small.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/day.h"
#include "ledger/ledger.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "privacy/breach.h"
#include "store/sqlite_int.h"
#include "backend.h"
#include "test.h"

#define SMALL "tests/data/small/"

static void no_problem(const struct ds_problem *p, void *arg)
{
	(void)arg;
	char msg[512];
	ds_problem_format(p, "en", msg, sizeof msg);
	fprintf(stderr, "  unexpected problem: %s\n", msg);
}

/* Opens a fresh store on backend `pg` (false: SQLite) with the small
 * fixture; its target into target (tsz bytes). */
static struct store *fresh_at(bool pg, struct ledger *lg, char *target, size_t tsz)
{
	struct store *st = NULL;
	if (!test_backend_target(pg, target, tsz))
		return NULL;
	CHECK_EQ(store_open(target, true, &st), DS_OK);
	if (!st)
		return NULL;
	CHECK_EQ(ledger_open(lg, st), DS_OK);
	struct import_opts o = {.units = SMALL "units.csv",
				.households = SMALL "households.csv",
				.persons = SMALL "persons.csv",
				.as_of = day_from_ymd(2024, 1, 1),
				.on_problem = no_problem};
	struct import_stats stats;
	CHECK_EQ(ledger_import(lg, &o, &stats), DS_OK);
	CHECK_EQ(stats.added[STORE_PERSONS], 6);
	return st;
}

static struct store *fresh(bool pg, struct ledger *lg)
{
	char target[512];
	return fresh_at(pg, lg, target, sizeof target);
}

/* Records one event from JSON text in its own transaction. */
static struct ledger_result record(struct ledger *lg, const char *json)
{
	struct reg_event ev;
	struct ds_problem pb;
	struct ledger_result res;
	memset(&res, 0, sizeof res);
	if (reg_event_parse_text(json, strlen(json), &ev, &pb) != DS_OK) {
		res.outcome = LEDGER_REFUSED;
		res.problem = pb;
		return res;
	}
	CHECK_EQ(store_begin(lg->st), DS_OK);
	CHECK_EQ(ledger_record(lg, &ev, "test", &res), DS_OK);
	CHECK_EQ(store_commit(lg->st), DS_OK);
	return res;
}

#define ID(n) "\"id\":\"00000000-0000-4000-8000-0000000000" #n "\""

static int64_t count_events(struct store *st)
{
	return store_last_seq(st);
}

static void suite_idempotency(bool pg)
{
	struct ledger lg;
	struct store *st = fresh(pg, &lg);
	if (!st)
		return;
	const char *birth = "{" ID(01) ",\"type\":\"birth\",\"date\":\"2024-03-05\",\"mother\":\"P2\","
			    "\"child\":{\"person_id\":\"P7\",\"full_name\":\"Nguyễn Thị Hoa\",\"sex\":2},"
			    "\"order\":2,\"place\":1}";
	struct ledger_result r = record(&lg, birth);
	CHECK_EQ(r.outcome, LEDGER_RECORDED); /* the child it created is read back below */
	CHECK_EQ(count_events(st), 1);
	r = record(&lg, birth);
	CHECK_EQ(r.outcome, LEDGER_DUPLICATE);
	CHECK_EQ(count_events(st), 1);
	/* Same id, other content: refused, nothing stored. */
	r = record(&lg, "{" ID(01) ",\"type\":\"birth\",\"date\":\"2024-03-06\",\"mother\":\"P2\","
			"\"child\":{\"person_id\":\"P7\",\"full_name\":\"Nguyễn Thị Hoa\",\"sex\":2},"
			"\"order\":2,\"place\":1}");
	CHECK_EQ(r.outcome, LEDGER_REFUSED);
	CHECK_EQ(r.problem.why, W_EVENT_ID_REUSED);
	CHECK_EQ(count_events(st), 1);
	struct store_person child;
	CHECK_EQ(store_person_get(st, "P7", 0, &child), DS_OK);
	CHECK_EQ(child.rec.birth, day_from_ymd(2024, 3, 5));
	CHECK_STR(child.rec.ethnicity, "01"); /* from the mother */
	CHECK_EQ(child.rec.relation, 3);      /* mother is the spouse of the head */
	CHECK_STR(child.cur_household, "H1");
	CHECK_STR(child.rec.household, "H1");
	/* The rules' look-up: the same person (SQLite leaves out the entry
	 * household's id, which the rules do not read). */
	struct store_person subject;
	CHECK_EQ(store_subject_get(st, "P7", &subject), DS_OK);
	CHECK_EQ(subject.rid, child.rid);
	CHECK_STR(subject.rec.id, "P7");
	CHECK_STR(subject.rec.full_name, child.rec.full_name);
	CHECK_EQ(subject.rec.sex, child.rec.sex);
	CHECK_EQ(subject.rec.birth, child.rec.birth);
	CHECK_STR(subject.rec.ethnicity, child.rec.ethnicity);
	CHECK_EQ(subject.hh, child.hh);
	CHECK_EQ(subject.cur_hh, child.cur_hh);
	CHECK_EQ(subject.entry, child.entry);
	CHECK_EQ(subject.entry_seq, child.entry_seq);
	CHECK_EQ(subject.exit, child.exit);
	CHECK_EQ(subject.prov, child.prov);
	CHECK_STR(subject.cur_household, "H1");
	CHECK_STR(subject.cur_area, child.cur_area);
	CHECK_EQ(store_subject_get(st, "P99", &subject), DS_ENOTFOUND);
	ledger_close(&lg);
	store_close(st);
}

static void suite_refusals_change_nothing(bool pg)
{
	struct ledger lg;
	struct store *st = fresh(pg, &lg);
	if (!st)
		return;
	struct ledger_result r;
	r = record(&lg, "{" ID(02) ",\"type\":\"birth\",\"date\":\"2024-03-05\",\"mother\":\"P1\","
			"\"child\":{\"person_id\":\"P9\",\"full_name\":\"X\",\"sex\":2},\"order\":1,"
			"\"place\":1}");
	CHECK_EQ(r.problem.why, W_MOTHER_MALE);
	CHECK_STR(r.problem.field, "mother");
	struct store_person p;
	CHECK_EQ(store_person_get(st, "P9", 0, &p), DS_ENOTFOUND);
	r = record(&lg, "{" ID(03) ",\"type\":\"death\",\"date\":\"2024-03-05\",\"person\":\"P99\"}");
	CHECK_EQ(r.problem.why, W_NO_PERSON);
	r = record(&lg, "{" ID(04) ",\"type\":\"transfer\",\"date\":\"2024-03-05\",\"person\":\"P1\","
			"\"household\":\"H9\"}");
	CHECK_EQ(r.problem.why, W_NO_HOUSEHOLD);
	r = record(&lg, "{" ID(05) ",\"type\":\"info_change\",\"date\":\"2024-03-05\",\"person\":\"P5\","
			"\"field\":\"national_id\",\"value\":\"079080000001\"}");
	CHECK_EQ(r.problem.why, W_DUP_NATIONAL_ID);
	r = record(&lg, "{" ID(06) ",\"type\":\"marriage\",\"date\":\"2024-03-05\",\"person\":\"P5\","
			"\"spouse\":\"P1\"}");
	CHECK_EQ(r.problem.why, W_SAME_SEX_SPOUSE);
	r = record(&lg, "{" ID(07) ",\"type\":\"household_change\",\"date\":\"2024-03-05\","
			"\"household\":\"H1\",\"head\":\"P5\"}");
	CHECK_EQ(r.problem.why, W_HEAD_NOT_MEMBER);
	r = record(&lg, "{" ID(08) ",\"type\":\"move_in\",\"date\":\"2024-03-05\",\"new_household\":{"
			"\"household_id\":\"H9\",\"area_code\":\"26734001\",\"number\":\"9\",\"type\":1},"
			"\"person\":{\"person_id\":\"P9\",\"full_name\":\"A\",\"sex\":1,\"birth_date\":\"1990\","
			"\"relation\":1,\"ethnicity\":\"01\",\"education\":1,\"marital\":1,\"residence\":1}}");
	CHECK_EQ(r.problem.why, W_NOT_AREA);
	CHECK_STR(r.problem.field, "new_household.area_code");
	r = record(&lg, "{" ID(09) ",\"type\":\"elderly_check\",\"date\":\"2024-03-05\",\"person\":\"P1\"}");
	CHECK_EQ(r.problem.why, W_NOT_ELDERLY);
	CHECK_EQ(count_events(st), 0);
	int64_t n;
	CHECK_EQ(store_count(st, STORE_PERSONS, &n), DS_OK);
	CHECK_EQ(n, 6);
	CHECK_EQ(store_count(st, STORE_HOUSEHOLDS, &n), DS_OK);
	CHECK_EQ(n, 3);
	ledger_close(&lg);
	store_close(st);
}

static void suite_timeline(bool pg)
{
	struct ledger lg;
	struct store *st = fresh(pg, &lg);
	if (!st)
		return;
	struct ledger_result r;
	r = record(&lg, "{" ID(10) ",\"type\":\"death\",\"date\":\"2024-06-01\",\"person\":\"P4\"}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	/* An elderly check dated before the death, recorded after it: fine. */
	r = record(&lg, "{" ID(11) ",\"type\":\"elderly_check\",\"date\":\"2024-05-01\",\"person\":\"P4\"}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	/* ... but not after it. */
	r = record(&lg, "{" ID(12) ",\"type\":\"elderly_check\",\"date\":\"2024-07-01\",\"person\":\"P4\"}");
	CHECK_EQ(r.problem.why, W_AFTER_EXIT);
	/* A death dated before a recorded check would break it. */
	r = record(&lg, "{" ID(13) ",\"type\":\"marriage\",\"date\":\"2024-05-01\",\"person\":\"P5\"}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	r = record(&lg, "{" ID(14) ",\"type\":\"divorce\",\"date\":\"2024-08-01\",\"person\":\"P5\"}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	r = record(&lg, "{" ID(15) ",\"type\":\"death\",\"date\":\"2024-07-01\",\"person\":\"P5\"}");
	CHECK_EQ(r.problem.why, W_BREAKS_LATER);
	/* Cancelling the marriage would leave the divorce without a marriage. */
	r = record(&lg, "{" ID(16) ",\"type\":\"void\",\"date\":\"2024-09-01\","
			"\"target\":\"00000000-0000-4000-8000-000000000013\",\"reason\":\"sai\"}");
	CHECK_EQ(r.problem.why, W_VOID_BREAKS);
	r = record(&lg, "{" ID(17) ",\"type\":\"void\",\"date\":\"2024-09-01\","
			"\"target\":\"00000000-0000-4000-8000-000000000014\",\"reason\":\"sai\"}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	r = record(&lg, "{" ID(18) ",\"type\":\"void\",\"date\":\"2024-09-01\","
			"\"target\":\"00000000-0000-4000-8000-000000000014\",\"reason\":\"sai\"}");
	CHECK_EQ(r.problem.why, W_ALREADY_VOIDED);
	r = record(&lg, "{" ID(19) ",\"type\":\"void\",\"date\":\"2024-09-01\","
			"\"target\":\"00000000-0000-4000-8000-000000000017\",\"reason\":\"sai\"}");
	CHECK_EQ(r.problem.why, W_VOID_VOID);
	/* With the divorce cancelled, the marriage can go too. */
	r = record(&lg, "{" ID(20) ",\"type\":\"void\",\"date\":\"2024-09-01\","
			"\"target\":\"00000000-0000-4000-8000-000000000013\",\"reason\":\"sai\"}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	struct store_person p;
	CHECK_EQ(store_person_get(st, "P5", 0, &p), DS_OK);
	struct reg_state s;
	CHECK_EQ(ledger_state_at(&lg, &p, day_from_ymd(2024, 12, 1), &s), DS_OK);
	CHECK_EQ(s.marital, MAR_NEVER);
	ledger_close(&lg);
	store_close(st);
}

static enum ds_rc count_found(const struct store_person *p, void *arg)
{
	(void)p;
	(*(int *)arg)++;
	return DS_OK;
}

static void suite_current_cache(bool pg)
{
	struct ledger lg;
	struct store *st = fresh(pg, &lg);
	if (!st)
		return;
	struct ledger_result r;
	r = record(&lg, "{" ID(21) ",\"type\":\"transfer\",\"date\":\"2024-02-01\",\"person\":\"P3\","
			"\"household\":\"H2\"}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	r = record(&lg, "{" ID(22) ",\"type\":\"info_change\",\"date\":\"2024-02-01\",\"person\":\"P3\","
			"\"field\":\"full_name\",\"value\":\"Nguyễn Văn Cương\"}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	struct store_person p;
	CHECK_EQ(store_person_get(st, "P3", 0, &p), DS_OK);
	CHECK_STR(p.cur_household, "H2");
	CHECK_STR(p.cur_name, "Nguyễn Văn Cương");
	CHECK_STR(p.rec.full_name, "Nguyễn Văn Cường"); /* the entry record is kept */
	/* Search follows the corrected name: by its start, and by the given name alone. */
	int found = 0;
	CHECK_EQ(store_find(st, "nguyen van cuong", 0, NULL, 0, 10, count_found, &found), DS_OK);
	CHECK_EQ(found, 1);
	found = 0;
	CHECK_EQ(store_find(st, "cuong", 0, NULL, 0, 10, count_found, &found), DS_OK);
	CHECK_EQ(found, 1);
	found = 0;
	CHECK_EQ(store_find(st, "cuong", 0, "[\"2673700101\"]", 0, 10, count_found, &found), DS_OK);
	CHECK_EQ(found, 0); /* not in that area */
	found = 0;
	CHECK_EQ(store_find(st, "nguyen", 2010, NULL, 0, 10, count_found, &found), DS_OK);
	CHECK_EQ(found, 1); /* born 2010 */
	/* The counts agree, without reading the persons; a count stops at its max. */
	size_t n = 9;
	CHECK_EQ(store_find_count(st, "nguyen van cuong", 0, NULL, 100, &n), DS_OK);
	CHECK_EQ(n, 1);
	CHECK_EQ(store_find_count(st, "cuong", 0, "[\"2673700101\"]", 100, &n), DS_OK);
	CHECK_EQ(n, 0);
	CHECK_EQ(store_find_count(st, "nguyen", 2010, NULL, 100, &n), DS_OK);
	CHECK_EQ(n, 1);
	CHECK_EQ(store_find_count(st, "cuong", 0, NULL, 0, &n), DS_OK);
	CHECK_EQ(n, 0);
	/* Another name and national id: the old ones find nobody any more, the
	 * new ones the person, by the name's start, the given name and the id. */
	r = record(&lg, "{" ID(26) ",\"type\":\"info_change\",\"date\":\"2024-02-02\",\"person\":\"P1\","
			"\"field\":\"full_name\",\"value\":\"Phạm Minh Khôi\"}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	r = record(&lg, "{" ID(27) ",\"type\":\"info_change\",\"date\":\"2024-02-02\",\"person\":\"P1\","
			"\"field\":\"national_id\",\"value\":\"079080000009\"}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	CHECK_EQ(store_find_count(st, "nguyen van an", 0, NULL, 100, &n), DS_OK);
	CHECK_EQ(n, 0);
	CHECK_EQ(store_find_count(st, "pham minh", 0, NULL, 100, &n), DS_OK);
	CHECK_EQ(n, 1);
	CHECK_EQ(store_find_count(st, "khoi", 0, "[\"2673400101\"]", 100, &n), DS_OK);
	CHECK_EQ(n, 1);
	struct store_person p1;
	int64_t owner = 0;
	CHECK_EQ(store_person_get(st, "P1", 0, &p1), DS_OK);
	CHECK_EQ(store_nid_owner(st, "079080000001", &owner), DS_ENOTFOUND);
	CHECK_EQ(store_nid_owner(st, "079080000009", &owner), DS_OK);
	CHECK_EQ(owner, p1.rid);
	found = 0;
	CHECK_EQ(store_find_given(st, "[\"khoi\"]", 1980, "[\"2673400101\"]", 10, count_found, &found), DS_OK);
	CHECK_EQ(found, 1);
	found = 0;
	CHECK_EQ(store_find_given(st, "[\"an\"]", 1980, "[\"2673400101\"]", 10, count_found, &found), DS_OK);
	CHECK_EQ(found, 0);
	/* A birth cancelled: the child is no longer present. */
	r = record(&lg, "{" ID(23) ",\"type\":\"birth\",\"date\":\"2024-03-05\",\"mother\":\"P2\","
			"\"child\":{\"person_id\":\"P7\",\"full_name\":\"Hoa\",\"sex\":2},\"order\":2,"
			"\"place\":1}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	r = record(&lg, "{" ID(24) ",\"type\":\"void\",\"date\":\"2024-03-06\","
			"\"target\":\"00000000-0000-4000-8000-000000000023\",\"reason\":\"sai\"}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	CHECK_EQ(store_person_get(st, "P7", 0, &p), DS_OK);
	CHECK(p.exit != DAY_MAX);
	r = record(&lg, "{" ID(25) ",\"type\":\"newborn_screening\",\"date\":\"2024-03-07\","
			"\"person\":\"P7\"}");
	CHECK_EQ(r.outcome, LEDGER_REFUSED);
	ledger_close(&lg);
	store_close(st);
}

static void suite_import_refusals(bool pg)
{
	struct ledger lg;
	struct store *st = fresh(pg, &lg);
	if (!st)
		return;
	/* Importing the same households again: every row is a duplicate id,
	 * and the failed import leaves the store as it was. */
	struct import_opts o = {.households = SMALL "households.csv", .as_of = day_from_ymd(2024, 1, 1)};
	struct import_stats stats;
	CHECK_EQ(ledger_import(&lg, &o, &stats), DS_EINPUT);
	CHECK_EQ(stats.rejected[STORE_HOUSEHOLDS], 3);
	int64_t n;
	CHECK_EQ(store_count(st, STORE_HOUSEHOLDS, &n), DS_OK);
	CHECK_EQ(n, 3);
	ledger_close(&lg);
	store_close(st);
}

/* The passive facts of person id on st, counted: how many, and how many
 * dated day. */
static int passive_facts(struct store *st, const char *id, int32_t day, int *on_day)
{
	struct store_person p;
	*on_day = 0;
	if (store_person_get(st, id, 0, &p) != DS_OK)
		return -1;
	struct reg_fact *f = NULL;
	size_t n = 0;
	if (store_person_facts(st, p.rid, false, &f, &n) != DS_OK)
		return -1;
	int k = 0;
	for (size_t i = 0; i < n; i++)
		if (reg_passive(f[i].type) && f[i].person == p.rid) {
			k++;
			*on_day += f[i].date == day;
		}
	free(f);
	return k;
}

static enum ds_rc count_checks(const struct store_event *ev, void *arg)
{
	*(int *)arg += ev->fact.type == EV_ELDERLY_CHECK;
	return DS_OK;
}

/* Records n elderly checks of P4, each in its own transaction, ids from
 * first on, dated from month `month` of `year` on, a day apart. */
static void record_checks(struct ledger *lg, int n, int first, int year, int month)
{
	for (int i = 0; i < n; i++) {
		char j[160];
		snprintf(j, sizeof j,
			 "{\"id\":\"00000000-0000-4000-8000-%012d\",\"type\":\"elderly_check\","
			 "\"date\":\"%d-%02d-%02d\",\"person\":\"P4\"}",
			 first + i, year, month + i / 28, 1 + i % 28);
		CHECK_EQ(record(lg, j).outcome, LEDGER_RECORDED);
	}
}

/*
 * A person's checks, screenings and pregnancies are found wherever they
 * are kept (on SQLite: moved into event_passive a slice at a commit, or in
 * the log's tail through each connection's map), by this connection and
 * by another, by the rules, and not when rolled back.
 */
static void suite_passive_facts(bool pg)
{
	struct ledger lg;
	char target[512];
	struct store *st = fresh_at(pg, &lg, target, sizeof target);
	if (!st)
		return;
	int32_t d1 = day_from_ymd(2024, 3, 1), d2 = day_from_ymd(2024, 4, 1), d3 = day_from_ymd(2024, 5, 1);
	int on;
	/* The first commit moves the slice of the fixture's persons; the
	 * second moves another, so the second check stays in the tail. */
	struct ledger_result r;
	r = record(&lg, "{" ID(30) ",\"type\":\"elderly_check\",\"date\":\"2024-03-01\",\"person\":\"P4\"}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	r = record(&lg, "{" ID(31) ",\"type\":\"elderly_check\",\"date\":\"2024-04-01\",\"person\":\"P4\"}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	CHECK_EQ(passive_facts(st, "P4", d1, &on), 2);
	CHECK_EQ(on, 1);
	CHECK_EQ(passive_facts(st, "P4", d2, &on), 2);
	CHECK_EQ(on, 1);
	struct store *other = NULL;
	CHECK_EQ(store_open(target, false, &other), DS_OK);
	if (other) {
		CHECK_EQ(passive_facts(other, "P4", d2, &on), 2);
		CHECK_EQ(on, 1);
	}
	/* A check rolled back is not found, and the seq it had, given to
	 * another person's check, is that person's. */
	struct reg_event ev;
	struct ds_problem pb;
	const char *j3 = "{" ID(32) ",\"type\":\"elderly_check\",\"date\":\"2024-05-01\",\"person\":\"P4\"}";
	CHECK_EQ(reg_event_parse_text(j3, strlen(j3), &ev, &pb), DS_OK);
	CHECK_EQ(store_begin(st), DS_OK);
	CHECK_EQ(ledger_record(&lg, &ev, "test", &r), DS_OK);
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	CHECK_EQ(passive_facts(st, "P4", d3, &on), 3); /* its own write, before the commit */
	CHECK_EQ(store_rollback(st), DS_OK);
	CHECK_EQ(passive_facts(st, "P4", d3, &on), 2);
	CHECK_EQ(on, 0);
	r = record(&lg, "{" ID(33) ",\"type\":\"pregnancy\",\"date\":\"2024-05-01\",\"person\":\"P2\","
			"\"outcome\":\"pregnant\",\"order\":3}");
	CHECK_EQ(r.outcome, LEDGER_RECORDED);
	CHECK_EQ(passive_facts(st, "P2", d3, &on), 1);
	CHECK_EQ(on, 1);
	/* The same inside a savepoint. */
	CHECK_EQ(store_begin(st), DS_OK);
	CHECK_EQ(store_savepoint(st), DS_OK);
	CHECK_EQ(ledger_record(&lg, &ev, "test", &r), DS_OK);
	CHECK_EQ(passive_facts(st, "P4", d3, &on), 3);
	CHECK_EQ(store_rollback_to(st), DS_OK);
	CHECK_EQ(passive_facts(st, "P4", d3, &on), 2);
	CHECK_EQ(store_commit(st), DS_OK);
	CHECK_EQ(passive_facts(st, "P4", d3, &on), 2);
	CHECK_EQ(on, 0);
	/* A death dated before the check in the tail would break it. */
	r = record(&lg, "{" ID(34) ",\"type\":\"death\",\"date\":\"2024-03-15\",\"person\":\"P4\"}");
	CHECK_EQ(r.problem.why, W_BREAKS_LATER);
	/* The person's history lists both checks. */
	struct store_person p;
	CHECK_EQ(store_person_get(st, "P4", 0, &p), DS_OK);
	int checks = 0;
	CHECK_EQ(store_events_about(st, p.rid, 0, count_checks, &checks), DS_OK);
	CHECK_EQ(checks, 2);
	if (other) {
		checks = 0;
		CHECK_EQ(store_events_about(other, p.rid, 0, count_checks, &checks), DS_OK);
		CHECK_EQ(checks, 2);
	}
	/* After every slice has moved, all are in the table: found still. */
	record_checks(&lg, 70, 1000, 2024, 6);
	CHECK_EQ(passive_facts(st, "P4", d2, &on), 72);
	CHECK_EQ(on, 1);
	if (other) {
		CHECK_EQ(passive_facts(other, "P4", d1, &on), 72);
		CHECK_EQ(on, 1);
		store_close(other);
	}
	r = record(&lg, "{" ID(35) ",\"type\":\"death\",\"date\":\"2024-03-15\",\"person\":\"P4\"}");
	CHECK_EQ(r.problem.why, W_BREAKS_LATER);
	ledger_close(&lg);
	store_close(st);
}

static int refuse_commit(void *arg)
{
	(void)arg;
	return 1; /* the commit becomes a rollback */
}

/*
 * A commit that fails after its move of a slice (here refused by a hook,
 * as a full disk would) loses nothing: the map is read again, and the
 * check it held is found, and moved by a later commit.
 */
TEST(store_sqlite_passive_failed_commit)
{
	struct ledger lg;
	char target[512];
	struct store *st = fresh_at(false, &lg, target, sizeof target);
	if (!st)
		return;
	int32_t d2 = day_from_ymd(2024, 4, 1);
	int on;
	/* The first commit moves the fixture's slice; the second another, so
	 * the second check waits in the tail until the slice comes round. */
	CHECK_EQ(record(&lg, "{" ID(40) ",\"type\":\"elderly_check\",\"date\":\"2024-03-01\",\"person\":\"P4\"}").outcome,
		 LEDGER_RECORDED);
	CHECK_EQ(record(&lg, "{" ID(41) ",\"type\":\"elderly_check\",\"date\":\"2024-04-01\",\"person\":\"P4\"}").outcome,
		 LEDGER_RECORDED);
	record_checks(&lg, SQ_PASSIVE_SLICES - 2, 2000, 2024, 6);
	/* The next commit takes the fixture's slice again: it fails. */
	const char *j = "{" ID(42) ",\"type\":\"elderly_check\",\"date\":\"2024-12-01\",\"person\":\"P4\"}";
	struct reg_event ev;
	struct ds_problem pb;
	struct ledger_result r;
	CHECK_EQ(reg_event_parse_text(j, strlen(j), &ev, &pb), DS_OK);
	CHECK_EQ(store_begin(st), DS_OK);
	CHECK_EQ(ledger_record(&lg, &ev, "test", &r), DS_OK);
	sqlite3_commit_hook(SQ(st)->db, refuse_commit, NULL);
	CHECK(store_commit(st) != DS_OK);
	sqlite3_commit_hook(SQ(st)->db, NULL, NULL);
	CHECK_EQ(passive_facts(st, "P4", d2, &on), SQ_PASSIVE_SLICES);
	CHECK_EQ(on, 1);
	/* And after every slice has moved once more, found still, by this
	 * connection and by a new one. */
	record_checks(&lg, SQ_PASSIVE_SLICES + 2, 3000, 2025, 1);
	CHECK_EQ(passive_facts(st, "P4", d2, &on), 2 * SQ_PASSIVE_SLICES + 2);
	CHECK_EQ(on, 1);
	struct store *other = NULL;
	CHECK_EQ(store_open(target, false, &other), DS_OK);
	if (other) {
		CHECK_EQ(passive_facts(other, "P4", d2, &on), 2 * SQ_PASSIVE_SLICES + 2);
		CHECK_EQ(on, 1);
		store_close(other);
	}
	ledger_close(&lg);
	store_close(st);
}

#define BOTH(name)                          \
	TEST(store_sqlite_##name) { suite_##name(false); } \
	TEST(store_pg_##name) { suite_##name(true); }

BOTH(idempotency)
BOTH(refusals_change_nothing)
BOTH(timeline)
BOTH(current_cache)
BOTH(import_refusals)
BOTH(passive_facts)

/* The value of meta key in the SQLite file `path` opened alone (without
 * its log), or "" when it cannot be read yet. */
static void meta_in_file_alone(const char *path, const char *key, char *out, size_t outsz)
{
	char copy[600];
	snprintf(copy, sizeof copy, "%s.alone", path);
	out[0] = '\0';
	FILE *in = fopen(path, "rb"), *o = fopen(copy, "wb");
	char buf[65536];
	size_t n;
	while (in && o && (n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, o);
	if (in)
		fclose(in);
	if (o)
		fclose(o);
	struct store *st = NULL;
	if (store_open(copy, false, &st) == DS_OK && store_meta_get(st, key, out, outsz) != DS_OK)
		out[0] = '\0';
	if (st)
		store_close(st);
	remove(copy);
}

/* The server's writer puts its log aside: what it commits reaches the
 * database file itself while it still runs, copied by the store's thread
 * (SQLite's automatic checkpoint no longer runs on the writer). */
TEST(store_sqlite_log_aside)
{
	char target[512];
	struct store *st = NULL;
	if (!test_backend_target(false, target, sizeof target))
		return;
	CHECK_EQ(store_open(target, true, &st), DS_OK);
	if (!st)
		return;
	CHECK_EQ(store_log_aside(st), DS_OK);
	/* 100 commits of about 16 pages each: past the 1,000 pages of a checkpoint. */
	static char big[100001];
	memset(big, 'x', sizeof big - 1);
	char key[32];
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof key, "aside%d", i);
		big[0] = (char)('a' + i % 26);
		CHECK_EQ(store_begin(st), DS_OK);
		CHECK_EQ(store_meta_set(st, key, big), DS_OK);
		CHECK_EQ(store_commit(st), DS_OK);
	}
	/* A commit writes about 16 pages of log: the 31st ended near page
	 * 530, so the checkpoint that the log's 1,000th page asks for copies
	 * it (the last pages wait for the next 1,000, as with SQLite's own
	 * checkpoint).  A copy taken while the thread writes may be torn:
	 * looked at again until it reads whole. */
	static char got[100001];
	for (int tries = 0; tries < 200; tries++) {
		meta_in_file_alone(target, "aside30", got, sizeof got);
		if (strlen(got) == sizeof big - 1 && got[0] == 'a' + 30 % 26)
			break;
		struct timespec ts = {0, 50 * 1000000L};
		nanosleep(&ts, NULL);
	}
	CHECK_EQ(strlen(got), sizeof big - 1);
	CHECK_EQ(got[0], 'a' + 30 % 26);
	store_close(st);
	/* Closed, the file holds all of it, as ever. */
	meta_in_file_alone(target, "aside99", got, sizeof got);
	CHECK_EQ(got[0], 'a' + 99 % 26);
}

/* How many of this process's open files are `path` (Linux's /proc). */
static int open_as(const char *path)
{
	int n = 0;
	char link[64], to[PATH_MAX + 8];
	for (int fd = 0; fd < 1024; fd++) {
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t len = readlink(link, to, sizeof to - 1);
		if (len > 0) {
			to[len] = '\0';
			n += strcmp(to, path) == 0;
		}
	}
	return n;
}

/* The server's writer leaves the wait for the disk to another thread: its
 * commit is seen by other connections at once, store_sync then flushes
 * the log file itself (a descriptor of its own on the -wal file, closed
 * with the store), and nothing may replace the log meanwhile (a bulk
 * load).  A PostgreSQL commit waits for its own log: nothing to split. */
static void suite_sync_aside(bool pg)
{
	char target[512];
	struct store *st = NULL, *other = NULL;
	if (!test_backend_target(pg, target, sizeof target))
		return;
	CHECK_EQ(store_open(target, true, &st), DS_OK);
	if (!st)
		return;
	if (pg) {
		CHECK_EQ(store_sync_aside(st), DS_EUSAGE);
		store_close(st);
		return;
	}
	char wal[PATH_MAX + 8], real[PATH_MAX];
	snprintf(wal, sizeof wal, "%s-wal", realpath(target, real) ? real : target);
	int before = open_as(wal);
	CHECK_EQ(store_sync_aside(st), DS_OK);
	CHECK_EQ(open_as(wal), before + 1);
	CHECK_EQ(store_begin(st), DS_OK);
	CHECK_EQ(store_meta_set(st, "flushed", "aside"), DS_OK);
	CHECK_EQ(store_commit(st), DS_OK);
	char got[16] = "";
	CHECK_EQ(store_open(target, false, &other), DS_OK);
	if (other) {
		CHECK_EQ(store_meta_get(other, "flushed", got, sizeof got), DS_OK);
		store_close(other);
	}
	CHECK_STR(got, "aside");
	CHECK_EQ(store_sync(st), DS_OK);
	CHECK_EQ(store_bulk_mode(st, true), DS_EUSAGE);
	store_close(st);
	CHECK_EQ(open_as(wal), 0);
}
BOTH(sync_aside)

static enum ds_rc count_audit(const struct store_audit *a, void *arg)
{
	(void)a;
	(*(int *)arg)++;
	return DS_OK;
}

static void suite_accounts(bool pg)
{
	struct ledger lg;
	struct store *st = fresh(pg, &lg);
	if (!st)
		return;
	struct store_user u = {.role = ROLE_COMMUNE, .created_at = 1, .pw_changed_at = 1};
	strcpy(u.login, "can.bo");
	strcpy(u.name, "Cán bộ xã");
	strcpy(u.unit, "26734");
	strcpy(u.pw_hash, "$argon2id$v=19$m=65536,t=2,p=1$x$y");
	CHECK_EQ(store_user_add(st, &u), DS_OK);
	CHECK(u.id > 0);
	struct store_user dup = u;
	CHECK_EQ(store_user_add(st, &dup), DS_ECONFLICT);
	struct store_user got;
	CHECK_EQ(store_user_get(st, "can.bo", 0, &got), DS_OK);
	CHECK_STR(got.name, "Cán bộ xã");
	CHECK_EQ(got.role, ROLE_COMMUNE);
	got.disabled = true;
	CHECK_EQ(store_user_update(st, &got), DS_OK);
	CHECK_EQ(store_user_get(st, NULL, u.id, &got), DS_OK);
	CHECK(got.disabled);
	CHECK_EQ(store_user_get(st, "nobody", 0, &got), DS_ENOTFOUND);
	struct store_session s = {.user_id = u.id, .created_at = 10, .last_seen = 10};
	memset(s.hash, 7, 32);
	CHECK_EQ(store_session_add(st, &s), DS_OK);
	struct store_session t = s;
	memset(t.hash, 9, 32);
	t.token = true;
	strcpy(t.label, "reporting");
	CHECK_EQ(store_session_add(st, &t), DS_OK);
	struct store_session g;
	CHECK_EQ(store_session_get(st, s.hash, &g), DS_OK);
	CHECK(!g.revoked && !g.token);
	CHECK_EQ(store_session_touch(st, s.hash, 99), DS_OK);
	CHECK_EQ(store_session_get(st, s.hash, &g), DS_OK);
	CHECK_EQ(g.last_seen, 99);
	/* A password change ends the sessions but keeps the machine tokens. */
	CHECK_EQ(store_session_revoke(st, NULL, u.id, false), DS_OK);
	CHECK_EQ(store_session_get(st, s.hash, &g), DS_OK);
	CHECK(g.revoked);
	CHECK_EQ(store_session_get(st, t.hash, &g), DS_OK);
	CHECK(!g.revoked && g.token);
	struct store_audit a = {.at = 5, .role = ROLE_COMMUNE};
	strcpy(a.login, "can.bo");
	strcpy(a.action, "read");
	strcpy(a.object, "person");
	strcpy(a.object_id, "P1");
	strcpy(a.outcome, "ok");
	CHECK_EQ(store_audit_add(st, &a), DS_OK);
	strcpy(a.object_id, "P2");
	CHECK_EQ(store_audit_add(st, &a), DS_OK);
	int n = 0;
	CHECK_EQ(store_audit_list(st, "person", "P1", 0, 100, count_audit, &n), DS_OK);
	CHECK_EQ(n, 1);
	n = 0;
	CHECK_EQ(store_audit_list(st, "person", NULL, 0, 100, count_audit, &n), DS_OK);
	CHECK_EQ(n, 2);
	ledger_close(&lg);
	store_close(st);
}

BOTH(accounts)

static enum ds_rc keep_seq(const struct store_audit *a, void *arg)
{
	int64_t *v = arg;
	v[++v[0]] = a->seq;
	return DS_OK;
}

static bool area_in_26734(void *arg, const char *area)
{
	(void)arg;
	return strncmp(area, "26734", 5) == 0;
}

/* The breach search: entries in a time range, by login or by the unit of
 * their area, in (at, seq) order, paged by the last entry seen. */
static void suite_audit_search(bool pg)
{
	struct ledger lg;
	struct store *st = fresh(pg, &lg);
	if (!st)
		return;
	/* Ten entries: at 100, 100, 110, ..., the login alternating, the area
	 * alternating between communes 26734 and 26737; one at 95 added last
	 * (written later than it happened). */
	struct store_audit a = {.role = ROLE_COMMUNE};
	strcpy(a.action, "read");
	strcpy(a.object, "person");
	strcpy(a.outcome, "ok");
	for (int i = 0; i < 10; i++) {
		a.at = i == 0 ? 100 : 100 + 10 * (i - 1);
		snprintf(a.login, sizeof a.login, "%s", i % 2 ? "b" : "a");
		snprintf(a.area, sizeof a.area, "%s", i % 3 ? "2673400101" : "2673700101");
		snprintf(a.object_id, sizeof a.object_id, "P%d", i);
		CHECK_EQ(store_audit_add(st, &a), DS_OK);
	}
	a.at = 95;
	strcpy(a.login, "a");
	CHECK_EQ(store_audit_add(st, &a), DS_OK);
	/* seq 1..10 at 100,100,110,...,180; seq 11 at 95. */
	int64_t got[16] = {0};
	struct store_audit_query q = {.from = 95, .to = 120};
	CHECK_EQ(store_audit_search(st, &q, 10, keep_seq, got), DS_OK);
	/* at 95 (seq 11), 100 (1, 2), 110 (3); 120 is the end, not in. */
	CHECK_EQ(got[0], 4);
	CHECK_EQ(got[1], 11);
	CHECK_EQ(got[2], 1);
	CHECK_EQ(got[3], 2);
	CHECK_EQ(got[4], 3);
	/* Paged one at a time from the last seen. */
	q = (struct store_audit_query){.from = 95, .to = 120, .after_at = 100, .after_seq = 1};
	memset(got, 0, sizeof got);
	CHECK_EQ(store_audit_search(st, &q, 1, keep_seq, got), DS_OK);
	CHECK_EQ(got[0], 1);
	CHECK_EQ(got[1], 2);
	/* By login: b's entries are seq 2, 4, 6, 8, 10. */
	q = (struct store_audit_query){.login = "b", .from = 0, .to = 1000};
	memset(got, 0, sizeof got);
	CHECK_EQ(store_audit_search(st, &q, 100, keep_seq, got), DS_OK);
	CHECK_EQ(got[0], 5);
	CHECK_EQ(got[1], 2);
	CHECK_EQ(got[5], 10);
	/* The breach search over it: commune 26734's entries (i % 3 != 0:
	 * seq 2, 3, 5, 6, 8, 9), two at a time, then all at once. */
	struct breach_query bq = {.from = 0, .to = 1000, .within = area_in_26734};
	struct breach_cursor cur = {0};
	memset(got, 0, sizeof got);
	size_t scanned = 0;
	int calls = 0;
	while (!cur.done && calls++ < 10)
		CHECK_EQ(breach_search(st, &bq, &cur, 2, 100, keep_seq, got, &scanned), DS_OK);
	CHECK_EQ(got[0], 6);
	int64_t want[] = {2, 3, 5, 6, 8, 9};
	for (int i = 0; i < 6; i++)
		CHECK_EQ(got[i + 1], want[i]);
	CHECK_EQ(calls, 4); /* 2 + 2 + 2, then one that finds the end */
	ledger_close(&lg);
	store_close(st);
}

BOTH(audit_search)

static enum ds_rc keep_token(const struct store_session *s, void *arg)
{
	struct store_session *v = arg;
	for (int i = 0; i < 3; i++)
		if (!v[i].user_id) {
			v[i] = *s;
			break;
		}
	return DS_OK;
}

static enum ds_rc keep_limit(const struct store_limit *l, void *arg)
{
	*(struct store_limit *)arg = *l;
	return DS_OK;
}

/* API tokens carry their expiry and can be listed; login failures are kept. */
static void suite_tokens_and_limits(bool pg)
{
	struct ledger lg;
	struct store *st = fresh(pg, &lg);
	if (!st)
		return;
	struct store_user u = {.role = ROLE_COMMUNE, .created_at = 1, .pw_changed_at = 1};
	snprintf(u.login, sizeof u.login, "may");
	snprintf(u.name, sizeof u.name, "Máy báo cáo");
	snprintf(u.unit, sizeof u.unit, "26734");
	CHECK_EQ(store_user_add(st, &u), DS_OK);
	struct store_session a = {.user_id = u.id, .created_at = 10, .last_seen = 10, .token = true,
				  .expires_at = 1000};
	memset(a.hash, 1, 32);
	snprintf(a.label, sizeof a.label, "cũ");
	struct store_session b = a;
	memset(b.hash, 2, 32);
	b.created_at = 20;
	b.expires_at = 2000;
	snprintf(b.label, sizeof b.label, "mới");
	struct store_session browser = {.user_id = u.id, .created_at = 30, .last_seen = 30};
	memset(browser.hash, 3, 32);
	CHECK_EQ(store_session_add(st, &a), DS_OK);
	CHECK_EQ(store_session_add(st, &b), DS_OK);
	CHECK_EQ(store_session_add(st, &browser), DS_OK);
	struct store_session got[3] = {0};
	CHECK_EQ(store_each_token(st, u.id, keep_token, got), DS_OK);
	CHECK_STR(got[0].label, "mới"); /* newest first, browser sessions not listed */
	CHECK_EQ(got[0].expires_at, 2000);
	CHECK(memcmp(got[0].hash, b.hash, 32) == 0);
	CHECK_STR(got[1].label, "cũ");
	CHECK_EQ(got[2].user_id, 0);
	/* A password change or reset ends the tokens too when asked. */
	CHECK_EQ(store_session_revoke(st, NULL, u.id, true), DS_OK);
	CHECK_EQ(store_session_get(st, a.hash, &got[0]), DS_OK);
	CHECK(got[0].revoked);
	struct store_limit l = {.failures = 6, .last = 500, .until = 502};
	snprintf(l.key, sizeof l.key, "u:may");
	CHECK_EQ(store_limit_put(st, &l), DS_OK);
	l.failures = 7;
	l.until = 504;
	CHECK_EQ(store_limit_put(st, &l), DS_OK);
	struct store_limit back = {0};
	CHECK_EQ(store_each_limit(st, 400, keep_limit, &back), DS_OK);
	CHECK_STR(back.key, "u:may");
	CHECK_EQ(back.failures, 7);
	CHECK_EQ(back.until, 504);
	memset(&back, 0, sizeof back);
	CHECK_EQ(store_each_limit(st, 600, keep_limit, &back), DS_OK);
	CHECK_EQ(back.failures, 0); /* older than asked */
	l.failures = 0;
	CHECK_EQ(store_limit_put(st, &l), DS_OK);
	CHECK_EQ(store_each_limit(st, 0, keep_limit, &back), DS_OK);
	CHECK_EQ(back.failures, 0); /* forgotten */
	ledger_close(&lg);
	store_close(st);
}

BOTH(tokens_and_limits)
