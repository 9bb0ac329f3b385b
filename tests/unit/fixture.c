/* A test's register loaded from exchange files, with its engine (fixture.h). */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "test.h"

static enum ds_rc one_event(struct ledger *lg, const char *line, size_t n, bool *refused)
{
	struct reg_event ev;
	struct ds_problem pb;
	struct ledger_result res;
	*refused = false;
	if (reg_event_parse_text(line, n, &ev, &pb)) {
		*refused = true;
		return DS_OK;
	}
	enum ds_rc rc = ledger_record(lg, &ev, "test", &res);
	*refused = !rc && res.outcome == LEDGER_REFUSED;
	return rc;
}

static bool load_events(struct test_register *r, const char *path)
{
	FILE *in = fopen(path, "r");
	CHECK(in != NULL);
	if (!in)
		return false;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	enum ds_rc rc = store_begin(r->st);
	while (!rc && (n = getline(&line, &cap, in)) > 0) {
		bool refused;
		rc = one_event(&r->lg, line, (size_t)n, &refused);
		r->refused += refused;
	}
	free(line);
	fclose(in);
	CHECK_EQ(rc, DS_OK);
	CHECK_EQ(store_commit(r->st), DS_OK);
	return rc == DS_OK;
}

bool test_register_open(struct test_register *r, const char *dir, int32_t as_of, const char *db)
{
	char path[400], units[400], hh[400], persons[400], events[400];
	memset(r, 0, sizeof *r);
	snprintf(path, sizeof path, "%s/%s", test_tmpdir(), db);
	snprintf(units, sizeof units, "%sunits.csv", dir);
	snprintf(hh, sizeof hh, "%shouseholds.csv", dir);
	snprintf(persons, sizeof persons, "%spersons.csv", dir);
	snprintf(events, sizeof events, "%sevents.ndjson", dir);
	CHECK_EQ(store_open(path, true, &r->st), DS_OK);
	if (!r->st)
		return false;
	CHECK_EQ(ledger_open(&r->lg, r->st), DS_OK);
	struct import_opts o = {.units = units, .households = hh, .persons = persons, .as_of = as_of};
	struct import_stats stats;
	enum ds_rc rc = ledger_import(&r->lg, &o, &stats);
	CHECK_EQ(rc, DS_OK);
	if (rc || !load_events(r, events))
		return false;
	rc = engine_load(r->st, &r->e);
	CHECK_EQ(rc, DS_OK);
	return rc == DS_OK;
}

void test_register_close(struct test_register *r)
{
	engine_free(r->e);
	ledger_close(&r->lg);
	store_close(r->st);
	memset(r, 0, sizeof *r);
}
