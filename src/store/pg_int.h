/*
 * Inside the PostgreSQL backend: the connection state and the helpers its
 * files share (pg.c defines them; pg_register.c, pg_accounts.c and
 * pg_audit.c implement one contract each).
 *
 * Parameters travel as text.  Statements are prepared once per connection
 * the first time they run (pg_run) and found again by the address of their
 * literal text: planning a query over the partitioned tables costs more
 * than running it.  Rows added in bulk mode wait in COPY buffers, which
 * every read and the commit flush first (pg_flush_all), so that nothing
 * reads around them.
 */
#ifndef DS_STORE_PG_INT_H
#define DS_STORE_PG_INT_H

#include <libpq-fe.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/hmap.h"
#include "store/store_int.h"

#define PG_MAX_PREPARED 96

/* Rows of one kind waiting for COPY, with their key-table rows. */
struct copybuf {
	struct buf rows, keys, nids;
	size_t n;
};

/* Rows for one set-based statement (an INSERT or UPDATE from unnest of
 * arrays), deferred like the writes above: each column's values as a
 * PostgreSQL array literal.  The inserts go before the single writes, the
 * updates after them (PG_ROWS_AFTER and on). */
#define PG_ROWS_COLS 26
#define PG_ROWS_KINDS 5
#define PG_ROWS_AFTER 4
struct pg_rows {
	const char *sql;
	int ncols;
	struct buf cols[PG_ROWS_COLS];
	size_t n;
};

struct pg {
	PGconn *conn;
	bool in_tx;
	bool wrote_log; /* this transaction added events or records: NOTIFY at commit */
	int depth;
	uint8_t provs[128]; /* partitions known to exist */
	bool bulk[3];
	struct copybuf copy[3];
	int64_t rid_next[3], rid_end[3]; /* reserved record numbers */
	PGresult *held;                  /* result whose strings a caller borrows */
	bool listening;
	/* A lost connection: reconnect at most once per backoff period; a
	 * transaction that was open is lost with it, and every statement
	 * fails until the caller ends it (tx_lost). */
	bool offline;
	bool tx_lost;
	double retry_at, backoff;
	/* Writes waiting to go with the next statement: only in a write
	 * transaction after store_prefetch, until it ends. */
	bool defer;
	struct pg_later *later;
	size_t nlater, later_cap;
	/* event_key, event, person_key and person rows; persons' current facts */
	struct pg_rows rows[PG_ROWS_KINDS];
	struct hmap rows_rids;              /* the rids in the person rows */
	struct pg_cache *cache;
	int nprepared;
	const char *prepared[PG_MAX_PREPARED];
	char prepared_names[PG_MAX_PREPARED][16];
};

#define PG(st) ((struct pg *)(st)->impl)

/* A write sent later, in one pipeline with the next statement (pg_run_later). */
struct pg_later {
	const char *sql;
	const char *name; /* prepared */
	int n;
	char **params; /* copies, NULL stays NULL */
};

/* What a batch of events will look up, read in one go (pg_register.c). */
struct pg_cache;

/* An integer parameter as text in buf (a char array), which it returns. */
#define I64(buf, v) (snprintf(buf, sizeof buf, "%lld", (long long)(v)), buf)

/* A caller's callback and its argument, passed through pg_each to a row reader. */
struct pg_cb {
	void *fn;
	void *arg;
};
typedef enum ds_rc (*pg_row_fn)(PGresult *r, int i, void *arg);

/* Sets the store's error from r (or the connection); DS_ECONFLICT for a
 * unique violation, DS_EOFFLINE when the connection is lost, else DS_EDB. */
enum ds_rc pg_err(struct store *st, const char *what, PGresult *r);
/* True when the connection is up or could be made again now (not more
 * often than the backoff allows unless force); otherwise the store's error
 * says so, and statements answer DS_EOFFLINE. */
bool pg_alive(struct store *st, bool force);
/* Runs SQL text without parameters (several statements allowed). */
enum ds_rc pg_exec(struct store *st, const char *sql);
/* Runs a parameterised statement, prepared when `prepare`; the result (the
 * caller clears it) or NULL with *rc set. */
PGresult *pg_run_sql(struct store *st, const char *sql, int n, const char *const *params,
		     enum ds_rc *rc, bool prepare);
/* pg_run_sql, prepared. */
PGresult *pg_run(struct store *st, const char *sql, int n, const char *const *params,
		 enum ds_rc *rc);
/* pg_run for a statement whose rows do not matter. */
enum ds_rc pg_run_done(struct store *st, const char *sql, int n, const char *const *params);
/*
 * pg_run_done, or, while writes are deferred (q->defer), kept to be sent
 * in one pipeline with the next statement: its error, if any, is then that
 * statement's (and the transaction fails, as it would have).
 */
enum ds_rc pg_run_later(struct store *st, const char *sql, int n, const char *const *params);
/*
 * Runs k prepared statements (with the deferred writes before them) in one
 * pipeline, one round trip; out[i] gets each result (the caller clears
 * them), all NULL on error.
 */
enum ds_rc pg_run_many(struct store *st, int k, const char *const *sql, const int *n,
		       const char *const *const *params, PGresult **out);
/* Appends one quoted element (NULL when v is NULL) to an array literal. */
enum ds_rc pg_array_add(struct buf *b, const char *v);
/* Adds a row (ncols values) to a set-based statement's rows, sent with the
 * deferred writes; pg_run_done of one row when writes are not deferred. */
enum ds_rc pg_rows_add(struct store *st, int which, const char *sql, int ncols,
		       const char *one_sql, const char *const *vals);
/* The same for rows that update the row of a rid: one already waiting for
 * it is sent first, since one statement would update it once, with either. */
enum ds_rc pg_rows_update(struct store *st, int which, int64_t rid, const char *sql, int ncols,
			  const char *one_sql, const char *const *vals);
/* Drops the deferred writes (a rollback) and the prefetched answers. */
void pg_later_clear(struct store *st);
void pg_cache_drop(struct store *st);
/* Runs sql through a server-side cursor, fetched in batches, and calls row()
 * per row; inside the open transaction or in one of its own. */
enum ds_rc pg_each(struct store *st, const char *sql, int n, const char *const *params,
		   pg_row_fn row, void *arg);

/* A day as a parameter: NULL for `none`, else its text in buf. */
char *pg_nullable_day(char *buf, size_t n, int32_t d, int32_t none);
int32_t pg_get_day(PGresult *r, int row, int col, int32_t none);
int64_t pg_get_i64(PGresult *r, int row, int col);
/* The rows a command changed. */
int64_t pg_affected(PGresult *r);
/* A text column into a buffer, "" for NULL. */
void pg_get_str(PGresult *r, int row, int col, char *out, size_t n);
/* A 16-byte bytea column (a uuid) into out; out is left alone otherwise. */
void pg_get_uuid(PGresult *r, int row, int col, uint8_t out[16]);
/* A bytea of len bytes (left as it was when it has another length). */
void pg_get_uuid_n(PGresult *r, int row, int col, uint8_t *out, size_t len);
/* The integer in the first column of the first row sql gives, 0 when none
 * or on error. */
int64_t pg_one_i64(struct store *st, const char *sql);
/* Bytes as a bytea parameter ("\x..."): out holds 2 * n + 3 bytes. */
char *pg_bytea(const uint8_t *b, size_t n, char *out);

/* Makes the province's partitions of the large tables on first use. */
enum ds_rc pg_ensure_prov(struct store *st, int prov);
/* Sends the rows waiting in the COPY buffers (pg_register.c). */
enum ds_rc pg_flush_all(struct store *st);
/* Drops the rows waiting in the COPY buffers, after a rollback or at close. */
void pg_copy_clear(struct store *st);

extern const struct store_reg_ops pg_reg;
extern const struct store_acct_ops pg_acct;
extern const struct store_audit_ops pg_audit;
extern const struct store_rec_ops pg_rec;

#endif
