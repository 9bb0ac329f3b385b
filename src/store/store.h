/*
 * store: the durable register, behind small contracts split by concern, each
 * called through store_*() functions and implemented once per backend
 * (SQLite, PostgreSQL):
 *
 *   store.h     the handle and what every contract shares: opening, closing,
 *               transactions, schema facts (meta), waiting for another
 *               server's commit, the last backend error;
 *   register.h  units, baselines, households, persons and the event log;
 *   accounts.h  users, login sessions and API tokens;
 *   audit.h     the append-only audit log;
 *   records.h   the append-only log of workflow records.
 *
 * The struct store is opaque: callers hold a pointer and pass it back.  How
 * a backend is put together (one table of functions per concern) is in
 * store_int.h, which only store/ includes; only store/ includes sqlite3.h or
 * libpq-fe.h.  The conformance tests (tests/unit/test_store.c) run every
 * contract on every backend.
 *
 * Transactions: writes made between store_begin() and store_commit() are one
 * atomic unit, whatever contract they go through; store_rollback() undoes all
 * of them.  Writers are serialised: one transaction writes at a time.
 *
 * Durability: a commit returns only when the data are on stable storage
 * (SQLite WAL with synchronous=FULL; PostgreSQL with fsync and
 * synchronous_commit on, checked at open), except after store_sync_aside,
 * where store_sync does it.
 *
 * Threads: a struct store is one connection, used by one thread at a time.
 */
#ifndef DS_STORE_H
#define DS_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define STORE_SCHEMA_VERSION 11

struct store;

/*
 * Opens the store named by target: a postgresql:// or postgres:// URL
 * selects PostgreSQL, anything else is a SQLite file path.  With create,
 * a missing SQLite file is created.  Runs migrations.  *out is freed with
 * store_close().
 */
enum ds_rc store_open(const char *target, bool create, struct store **out);
/* Closes the connection and frees st; accepts NULL. */
void store_close(struct store *st);
/* The backend's name: "sqlite" or "postgresql". */
const char *store_backend_name(const struct store *st);

/* Transactions.  A savepoint nests one level inside a transaction: release
 * keeps what was written since, rollback_to undoes it. */
/*
 * Whether the database can be reached.  With ping, one round trip (and a
 * reconnection when the last one failed and the backoff allows); without,
 * what the last statement on this connection found, at no cost.  A lost
 * connection is made again by the next statement, at most every few
 * seconds (backing off from 0.1 to 5 s); until then statements fail with
 * DS_EOFFLINE, and so does every statement of a transaction that was open
 * when it was lost, until the caller rolls it back.
 */
bool store_reachable(struct store *st, bool ping);
/* True when a connection of this process lost the database and none has
 * reached it since: the other connections' own state may be stale. */
bool store_outage(void);
/* Reconnections made since the program started (all connections). */
uint64_t store_reconnects(void);

enum ds_rc store_begin(struct store *st);
/*
 * A read-only transaction: every read until store_commit() or
 * store_rollback() sees the database as it was at the first, whatever
 * other connections commit meanwhile (SQLite: a deferred transaction on
 * the write-ahead log; PostgreSQL: REPEATABLE READ).  For loading what
 * must agree with itself, as the engine does.  Writers are not blocked.
 */
enum ds_rc store_begin_read(struct store *st);
enum ds_rc store_commit(struct store *st);
enum ds_rc store_rollback(struct store *st);
enum ds_rc store_savepoint(struct store *st);
enum ds_rc store_release(struct store *st);
enum ds_rc store_rollback_to(struct store *st);

/* Schema facts by key (created_at, ...).  DS_ENOTFOUND when absent. */
enum ds_rc store_meta_get(struct store *st, const char *key, char *out, size_t outsz);
enum ds_rc store_meta_set(struct store *st, const char *key, const char *value);

/*
 * Before and after a large import into an empty database, outside any
 * transaction.  DS_EUSAGE when the backend has no such mode, and any
 * failure (it may refuse when others use the file) means: import without.
 */
enum ds_rc store_bulk_mode(struct store *st, bool on);

/*
 * Waits up to timeout_ms for another connection's commit (PostgreSQL's
 * NOTIFY; SQLite's data_version, looked at every 50 ms): DS_OK when one
 * came (events, records or accounts changed), DS_ENOTFOUND when the time
 * ran out, DS_EOFFLINE when the database cannot be reached, DS_EUSAGE at
 * once when the backend cannot be woken: the caller then polls.
 */
enum ds_rc store_wait_notify(struct store *st, int timeout_ms);

/*
 * For a connection that writes much and often (the server's writer): its
 * commits leave the copying of the log into the database file to a thread
 * of the store's own (SQLite's checkpoints), stopped by store_close.
 * DS_EUSAGE when the backend has nothing to put aside (PostgreSQL's server
 * does it); any failure means: the connection copies it itself, as before.
 */
enum ds_rc store_log_aside(struct store *st);

/*
 * For the same connection: its commits return once written, before the
 * disk has them, so that it can go on while another thread waits for the
 * disk.  After store_sync_aside, store_commit's transaction is visible to
 * readers but not durable until store_sync, which one other thread may
 * call beside the writer, returns DS_OK: every commit that returned before
 * store_sync began is then on the disk.  Nothing may be acknowledged
 * before.  DS_EUSAGE when the backend cannot split them (PostgreSQL: its
 * commit waits for its own log); any failure: commits wait for the disk.
 * store_sync: DS_EIO when the disk refused (errno says why).
 */
enum ds_rc store_sync_aside(struct store *st);
enum ds_rc store_sync(struct store *st);

/* The last backend error, in English, for logs ("" when none).  Borrowed
 * until the next call on st. */
const char *store_errmsg(const struct store *st);
/* Sets the last backend error from a format, for backends. */
void store_seterr(struct store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
