/*
 * A register for a test: a SQLite database in the test's folder, loaded
 * from exchange files (units, households, persons as of a date, then every
 * line of events.ndjson through the ledger), and the engine over it.
 */
#ifndef DS_TEST_FIXTURE_H
#define DS_TEST_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "ledger/ledger.h"

struct test_register {
	struct store *st;
	struct ledger lg;
	struct engine *e;
	long refused; /* events the ledger refused */
};

/* dir holds units.csv, households.csv, persons.csv and events.ndjson (and
 * ends with '/'); db names the database file in the test's folder.  False
 * (and the case fails) when it cannot be loaded. */
bool test_register_open(struct test_register *r, const char *dir, int32_t as_of, const char *db);
void test_register_close(struct test_register *r);

#endif
