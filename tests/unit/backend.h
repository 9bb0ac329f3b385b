/*
 * A new, empty database on either store backend, for the conformance tests
 * that run on both: SQLite in the test's temporary folder, PostgreSQL in a
 * new database of the cluster that DANSO_TEST_PG names (a URL template with
 * %s where the database name goes; tests/run.sh starts a private cluster).
 */
#ifndef DS_TEST_BACKEND_H
#define DS_TEST_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the store target for a new database into out; false (and the case
 * fails) when there is none to be had, PostgreSQL without DANSO_TEST_PG
 * included. */
bool test_backend_target(bool pg, char *out, size_t outsz);

#endif
