/*
 * The store's handle: opening a backend by the form of its target,
 * migrations at open, and the calls every contract shares (transactions,
 * meta, waiting for other servers, the last error).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

void store_seterr(struct store *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->errmsg, sizeof st->errmsg, fmt, ap);
	va_end(ap);
}

const char *store_errmsg(const struct store *st)
{
	return st->errmsg;
}

const char *store_backend_name(const struct store *st)
{
	return st->be->core->name;
}

static bool is_pg_url(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

enum ds_rc store_open(const char *target, bool create, struct store **out)
{
	struct store *st = calloc(1, sizeof *st);
	if (!st)
		return DS_ENOMEM;
	st->be = is_pg_url(target) ? &store_pg : &store_sqlite;
	enum ds_rc rc = st->be->core->open(st, target, create);
	if (rc == DS_OK)
		rc = st->be->core->migrate(st);
	if (rc != DS_OK) {
		fprintf(stderr, "store: %s\n", st->errmsg[0] ? st->errmsg : ds_rc_str(rc));
		store_close(st);
		return rc;
	}
	*out = st;
	return DS_OK;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->impl)
		st->be->core->close(st);
	free(st);
}

enum ds_rc store_begin(struct store *st)
{
	return st->be->core->begin(st);
}

static bool outage;

void store_outage_set(bool on)
{
	__atomic_store_n(&outage, on, __ATOMIC_RELAXED);
}

bool store_outage(void)
{
	return __atomic_load_n(&outage, __ATOMIC_RELAXED);
}

bool store_reachable(struct store *st, bool ping)
{
	return !st->be->core->reachable || st->be->core->reachable(st, ping);
}

enum ds_rc store_begin_read(struct store *st)
{
	return st->be->core->begin_read(st);
}

enum ds_rc store_commit(struct store *st)
{
	return st->be->core->commit(st);
}

enum ds_rc store_rollback(struct store *st)
{
	return st->be->core->rollback(st);
}

enum ds_rc store_savepoint(struct store *st)
{
	return st->be->core->savepoint(st);
}

enum ds_rc store_release(struct store *st)
{
	return st->be->core->release(st);
}

enum ds_rc store_rollback_to(struct store *st)
{
	return st->be->core->rollback_to(st);
}

enum ds_rc store_meta_get(struct store *st, const char *key, char *out, size_t outsz)
{
	return st->be->core->meta_get(st, key, out, outsz);
}

enum ds_rc store_meta_set(struct store *st, const char *key, const char *value)
{
	return st->be->core->meta_set(st, key, value);
}

enum ds_rc store_bulk_mode(struct store *st, bool on)
{
	return st->be->core->bulk_mode ? st->be->core->bulk_mode(st, on) : DS_EUSAGE;
}

enum ds_rc store_wait_notify(struct store *st, int timeout_ms)
{
	return st->be->core->wait_notify ? st->be->core->wait_notify(st, timeout_ms) : DS_EUSAGE;
}

enum ds_rc store_log_aside(struct store *st)
{
	return st->be->core->log_aside ? st->be->core->log_aside(st) : DS_EUSAGE;
}

enum ds_rc store_sync_aside(struct store *st)
{
	return st->be->core->sync_aside ? st->be->core->sync_aside(st) : DS_EUSAGE;
}

enum ds_rc store_sync(struct store *st)
{
	return st->be->core->sync ? st->be->core->sync(st) : DS_EUSAGE;
}
