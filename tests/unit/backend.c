/* New, empty databases for the store conformance tests (backend.h). */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "test.h"

/* The databases made by this run, dropped when it ends: a developer's
 * cluster would otherwise keep one per case of every run. */
static char made_admin[512];
static char (*made)[64];
static size_t nmade;

static void drop_made(void)
{
	PGconn *c = nmade ? PQconnectdb(made_admin) : NULL;
	for (size_t i = 0; c && PQstatus(c) == CONNECTION_OK && i < nmade; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", made[i]);
		PQclear(PQexec(c, sql));
	}
	PQfinish(c);
	free(made);
	made = NULL;
	nmade = 0;
}

static void remember(const char *admin, const char *name)
{
	char (*v)[64] = realloc(made, (nmade + 1) * sizeof *made);
	if (!v)
		return;
	if (!made)
		atexit(drop_made);
	made = v;
	snprintf(made_admin, sizeof made_admin, "%s", admin);
	snprintf(made[nmade++], sizeof *made, "%s", name);
}

/*
 * A new empty PostgreSQL database for one case.  DANSO_TEST_PG is a URL
 * template with %s where the database name goes.
 */
static bool pg_fresh_url(char *out, size_t outsz)
{
	static int n;
	const char *tmpl = getenv("DANSO_TEST_PG");
	if (!tmpl || !strstr(tmpl, "%s")) {
		/* A case that cannot run fails: passing would say PostgreSQL was
		 * tested when it was not. */
		fprintf(stderr, "  PostgreSQL expected: set DANSO_TEST_PG (tests/run.sh starts a "
				"private cluster)\n");
		CHECK(tmpl && strstr(tmpl, "%s"));
		return false;
	}
	char admin[512], name[64], sql[160];
	snprintf(name, sizeof name, "danso_unit_%d_%d", (int)getpid(), n++);
	const char *hole = strstr(tmpl, "%s");
	int pre = (int)(hole - tmpl);
	snprintf(admin, sizeof admin, "%.*s%s%s", pre, tmpl, "postgres", hole + 2);
	snprintf(out, outsz, "%.*s%s%s", pre, tmpl, name, hole + 2);
	PGconn *c = PQconnectdb(admin);
	bool ok = PQstatus(c) == CONNECTION_OK;
	if (ok) {
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
		PGresult *r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
	}
	if (ok)
		remember(admin, name);
	else
		fprintf(stderr, "  cannot create a test database: %s\n", PQerrorMessage(c));
	PQfinish(c);
	CHECK(ok);
	return ok;
}

bool test_backend_target(bool pg, char *out, size_t outsz)
{
	static int n;
	if (pg)
		return pg_fresh_url(out, outsz);
	snprintf(out, outsz, "%s/t%d.db", test_tmpdir(), n++);
	return true;
}
