/*
 * Rows handed to SQLite from C (sqlite_int.h: struct sq_rows): a virtual
 * table, danso_rows, that SQLite reads row after row while it runs
 * `INSERT INTO t SELECT c0, c1, ... FROM danso_rows`.  Each value is given
 * once, by a call of the source's column function, into the register the
 * insert reads; a statement of many rows' parameters instead binds each
 * value, copies it again when the row is made, and resets every binding
 * after the step (about a tenth more of SQLite's time in a bulk load,
 * measured on the 1M persons and their search rows).
 *
 * The table is eponymous (it needs no CREATE VIRTUAL TABLE) and direct-only
 * (no trigger or view may read it); it is empty unless sq_rows_insert has
 * given it a source for the step it runs.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

#define ROWS_COLS 26

struct rows_vtab {
	sqlite3_vtab base;
	struct sq *q;
};

struct rows_cursor {
	sqlite3_vtab_cursor base;
	struct sq_rows *src;
	const void *row;
	sqlite3_int64 n;
};

static int rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out,
			char **err)
{
	(void)argc;
	(void)argv;
	(void)err;
	char sql[16 + ROWS_COLS * 5] = "CREATE TABLE x(";
	size_t len = strlen(sql);
	for (int c = 0; c < ROWS_COLS; c++) {
		int w = snprintf(sql + len, sizeof sql - len, "%sc%d", c ? "," : "", c);
		len += (size_t)w;
	}
	snprintf(sql + len, sizeof sql - len, ")");
	int rc = sqlite3_declare_vtab(db, sql);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
	struct rows_vtab *v = sqlite3_malloc(sizeof *v);
	if (!v)
		return SQLITE_NOMEM;
	memset(v, 0, sizeof *v);
	v->q = aux;
	*out = &v->base;
	return SQLITE_OK;
}

static int rows_best_index(sqlite3_vtab *t, sqlite3_index_info *info)
{
	(void)t;
	info->estimatedCost = 1e6;
	info->estimatedRows = 1000;
	return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *t)
{
	sqlite3_free(t);
	return SQLITE_OK;
}

static int rows_open(sqlite3_vtab *t, sqlite3_vtab_cursor **out)
{
	(void)t;
	struct rows_cursor *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	*out = &c->base;
	return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static const void *rows_next_of(struct sq_rows *r)
{
	if (r->next)
		return r->next(r);
	if (!r->left)
		return NULL;
	const void *row = r->at;
	r->at += r->size;
	r->left--;
	return row;
}

static int rows_filter(sqlite3_vtab_cursor *cur, int idx, const char *idx_str, int argc, sqlite3_value **argv)
{
	(void)idx;
	(void)idx_str;
	(void)argc;
	(void)argv;
	struct rows_cursor *c = (struct rows_cursor *)cur;
	c->src = ((struct rows_vtab *)cur->pVtab)->q->rows;
	c->row = c->src ? rows_next_of(c->src) : NULL;
	c->n = 0;
	return SQLITE_OK;
}

static int rows_next(sqlite3_vtab_cursor *cur)
{
	struct rows_cursor *c = (struct rows_cursor *)cur;
	c->row = rows_next_of(c->src);
	c->n++;
	return SQLITE_OK;
}

static int rows_eof(sqlite3_vtab_cursor *cur)
{
	return ((struct rows_cursor *)cur)->row == NULL;
}

static int rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct rows_cursor *c = (struct rows_cursor *)cur;
	c->src->column(c->src, c->row, col, ctx);
	return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = ((struct rows_cursor *)cur)->n;
	return SQLITE_OK;
}

static const sqlite3_module rows_module = {
	.iVersion = 0,
	.xCreate = NULL, /* eponymous only */
	.xConnect = rows_connect,
	.xBestIndex = rows_best_index,
	.xDisconnect = rows_disconnect,
	.xOpen = rows_open,
	.xClose = rows_close,
	.xFilter = rows_filter,
	.xNext = rows_next,
	.xEof = rows_eof,
	.xColumn = rows_column,
	.xRowid = rows_rowid,
};

int sq_rows_register(struct sq *q)
{
	return sqlite3_create_module(q->db, "danso_rows", &rows_module, q);
}

int sq_rows_insert(struct sq *q, sqlite3_stmt *s, struct sq_rows *src)
{
	q->rows = src;
	int r = sqlite3_step(s);
	sqlite3_reset(s);
	q->rows = NULL;
	return r;
}

enum ds_rc sq_rows_done(struct store *st, sqlite3_stmt *s, struct sq_rows *src, const char *what)
{
	int r = sq_rows_insert(SQ(st), s, src);
	if (r == SQLITE_CONSTRAINT) {
		store_seterr(st, "sqlite: %s: %s", what, sqlite3_errmsg(SQ(st)->db));
		return DS_ECONFLICT;
	}
	return r == SQLITE_DONE ? DS_OK : sq_err(st, what);
}

void sq_rows_of(struct sq_rows *r, const void *v, size_t n, size_t size,
		void (*column)(const struct sq_rows *r, const void *row, int col, sqlite3_context *c))
{
	*r = (struct sq_rows){.column = column, .at = v, .left = n, .size = size};
}

void sq_result_text_or_null(sqlite3_context *c, const char *v, int n)
{
	if (n)
		sqlite3_result_text(c, v, n, SQLITE_STATIC);
	else
		sqlite3_result_null(c);
}
