/*
 * Inside the SQLite backend: the connection state and the helpers its files
 * share (sqlite.c defines them; sqlite_register.c, sqlite_accounts.c and
 * sqlite_audit.c implement one contract each).
 *
 * Statements that run often are prepared once per connection by sq_stmt()
 * and found again by the address of their text, which must therefore be a
 * static array; they are reset after each use, so that no statement keeps a
 * read snapshot open between calls.  Rare ones are prepared and finalized
 * in place (sq_prepare, sq_each).
 */
#ifndef DS_STORE_SQLITE_INT_H
#define DS_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store/store_int.h"

#define SQ_MAX_STMT 48

struct sq {
	sqlite3 *db;
	const char *stmt_sql[SQ_MAX_STMT]; /* the text each cached statement was made from */
	sqlite3_stmt *stmt[SQ_MAX_STMT];
	int nstmt;
	int depth;        /* savepoint depth */
	int64_t next_seq; /* within the open transaction, 0 when not known */
	char *body;       /* the text sq_hold_text holds (an event's or a record's body) */
	int64_t data_version; /* PRAGMA data_version when last looked at, -1 before */
	struct sq_search *search; /* during a bulk load of persons, their search keys */
	struct sq_bulk *bulk;     /* and the rows not yet inserted */
	struct sq_aside *aside;   /* the thread that copies the log into the file, or NULL */
	int wal_fd; /* the log file, flushed by sq_sync (store_sync_aside), or -1 */
	struct sq_passive *passive; /* the passive events after the marks (sqlite_passive.c) */
	bool passive_added;         /* this transaction recorded a passive event */
	bool passive_dirty;         /* one since the map was last brought up to date */
	struct sq_rows *rows;       /* what danso_rows gives during sq_rows_insert */
};

/* A person's facts: only what the rules read (not the id, author or body). */
#define FACT_COLS "seq, type, date, person, hh, other, a, b, voided_by "

/*
 * The passive events (checks, screenings, pregnancies) by person, in two
 * levels, so that recording one writes no page of an index by person: the
 * table event_passive(person, seq) holds those up to the mark of the
 * person's slice (passive_mark), filled in order of person a slice at a
 * time; those after it are found through a map each connection keeps, from
 * a scan of the log after the last seq it saw.  sq_passive_commit moves
 * slices into the table before a commit that recorded passive events;
 * sq_passive_rollback forgets what a rollback undid.
 */
#define SQ_PASSIVE_SLICES 64
enum ds_rc sq_passive_commit(struct store *st);
void sq_passive_rollback(struct store *st, bool to_savepoint);
void sq_passive_free(struct sq *q);
/* Brings the connection's map of the passive events after the marks up
 * to the log it sees. */
enum ds_rc sq_passive_sync(struct store *st);
/* Appends to v the passive facts of person after the marks, from the map
 * as sq_passive_sync left it in the same snapshot. */
enum ds_rc sq_passive_facts(struct store *st, int64_t person, struct reg_fact **v, size_t *cnt,
			    size_t *cap);
/* Appends to v (*cnt of *cap) the facts a statement of FACT_COLS gives,
 * its parameters bound; resets it. */
enum ds_rc sq_facts_from(struct store *st, sqlite3_stmt *s, struct reg_fact **v, size_t *cnt,
			 size_t *cap);

#define SQ(st) ((struct sq *)(st)->impl)

/* A caller's callback and its argument, passed through sq_each to a row reader. */
struct sq_cb {
	void *fn;
	void *arg;
};

/* Sets the store's error from the connection's and returns DS_EDB. */
enum ds_rc sq_err(struct store *st, const char *what);
/* Runs SQL text without parameters (several statements allowed). */
enum ds_rc sq_exec(struct store *st, const char *sql);
/* The connection's prepared statement for sql (a static array), or NULL. */
sqlite3_stmt *sq_stmt(struct store *st, const char *sql);
/* Prepares a statement the caller finalizes. */
enum ds_rc sq_prepare(struct store *st, const char *sql, sqlite3_stmt **out);
/* Runs a cached statement that returns no row and resets it; DS_ECONFLICT
 * on a constraint. */
enum ds_rc sq_step_done(struct store *st, sqlite3_stmt *s, const char *what);
/* Runs a cached one-row lookup, read() fills out; DS_ENOTFOUND when no row. */
enum ds_rc sq_lookup(struct store *st, sqlite3_stmt *s, void (*read)(sqlite3_stmt *, void *),
		     void *out);
/* The integer a cached one-value statement gives, 0 when none or on error. */
int64_t sq_int(struct store *st, const char *sql);
/* Runs sql with nparams integer parameters and calls row() per row. */
enum ds_rc sq_each(struct store *st, const char *sql, const int64_t *params, int nparams,
		   enum ds_rc (*row)(sqlite3_stmt *, void *), void *arg);

/*
 * Copies *text (a column of a statement about to be reset) into the
 * connection's buffer and points *text at the copy, which the caller
 * borrows until the next call that holds a text.
 */
enum ds_rc sq_hold_text(struct store *st, const char **text);

/* Text bound without a copy: v must outlive the statement's next step. */
void sq_bind_text(sqlite3_stmt *s, int i, const char *v);
/* NULL for NULL or "". */
void sq_bind_text_or_null(sqlite3_stmt *s, int i, const char *v);
/* NULL for the day `none`. */
void sq_bind_day(sqlite3_stmt *s, int i, int32_t d, int32_t none);
/* A text column into a buffer, "" for NULL. */
void sq_col_text(sqlite3_stmt *s, int i, char *out, size_t outsz);
/* A day column, `none` for NULL. */
int32_t sq_col_day(sqlite3_stmt *s, int i, int32_t none);

/* The trigger that gives a new person's rows in the search tables, dropped
 * during a bulk load. */
extern const char sq_search_add[];

/* A bulk load's search keys (sqlite_search.c): started, noted for each
 * person added, then sorted and appended to the search tables by fill,
 * which frees them; free drops them unused (a rollback). */
enum ds_rc sq_search_start(struct store *st);
enum ds_rc sq_search_note(struct sq *q, const char *key, const struct store_lengths *len, const char *nid, int32_t birth,
			  int64_t hh, int64_t rid);
enum ds_rc sq_search_fill(struct store *st);
void sq_search_free(struct sq *q);
/* Drops a bulk load's rows and keys not yet written (a rollback). */
void sq_bulk_free(struct sq *q);
/*
 * Inserts of many rows from C (sqlite_rows.c): a statement `INSERT INTO t
 * SELECT c0, c1, ... FROM danso_rows` (up to c25) reads the rows of src,
 * one after the other, each value given by src->column (sqlite3_result_*,
 * texts SQLITE_STATIC: they must outlive the step).  The rows come from
 * src->next while it gives them (NULL at the end) or, when next is NULL,
 * from the array at (left rows of size bytes: sq_rows_of).
 * sq_rows_insert steps s once over them, resets it and returns
 * sqlite3_step's code.  The rows are read once, by one scan: a statement
 * must name danso_rows once (no join or compound reading it twice), and a
 * connection runs one such statement at a time.
 */
struct sq_rows {
	const void *(*next)(struct sq_rows *r);
	void (*column)(const struct sq_rows *r, const void *row, int col, sqlite3_context *c);
	const char *at;
	size_t left, size;
	void *ctx;
};
int sq_rows_register(struct sq *q);
int sq_rows_insert(struct sq *q, sqlite3_stmt *s, struct sq_rows *src);
/* The same as sq_step_done does for a bound statement: DS_ECONFLICT for a
 * refused constraint, with the store's error naming what. */
enum ds_rc sq_rows_done(struct store *st, sqlite3_stmt *s, struct sq_rows *src, const char *what);
void sq_rows_of(struct sq_rows *r, const void *v, size_t n, size_t size,
		void (*column)(const struct sq_rows *r, const void *row, int col, sqlite3_context *c));
/* A text of n bytes as the value, NULL when empty. */
void sq_result_text_or_null(sqlite3_context *c, const char *v, int n);

extern const struct store_reg_ops sq_reg;
extern const struct store_acct_ops sq_acct;
extern const struct store_audit_ops sq_audit;
extern const struct store_rec_ops sq_rec;

#endif
