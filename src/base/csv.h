/*
 * csv: a strict RFC 4180 reader for the exchange files.
 *
 * The file is mapped into memory and read in place; a field is a pointer and
 * a length into the map, or into a scratch buffer when it had doubled quotes.
 * Each record is checked before it is handed out: balanced quotes, nothing
 * after a closing quote, the header's number of columns, valid UTF-8, at most
 * CSV_MAX_RECORD bytes.  A bad record is reported with its line and column
 * name and the reader moves on to the next line, so an import can list every
 * bad row, not only the first.
 *
 * The first record is the header.  csv_header() maps the expected column
 * names to their positions; columns may come in any order, but every expected
 * one must be there once and no other may be.
 */
#ifndef DS_BASE_CSV_H
#define DS_BASE_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define CSV_MAX_FIELDS 32
#define CSV_MAX_RECORD 65536
#define CSV_NAME_MAX 40

struct csv_field {
	const char *p;
	size_t n;
};

struct csv {
	char name[DS_FILE_MAX]; /* shown in problems */
	const char *data;
	size_t size;
	size_t pos;
	bool mapped;
	long line; /* physical line of the next byte */
	long rec_line;
	size_t rec_start, rec_end; /* the last record's bytes as written, without its newline */
	size_t nf;
	struct csv_field f[CSV_MAX_FIELDS];
	char *scratch; /* unescaped quoted fields, CSV_MAX_RECORD bytes */
	size_t scratch_used;
	size_t ncols;
	char cols[CSV_MAX_FIELDS][CSV_NAME_MAX]; /* header names, by position */
	int col_of[CSV_MAX_FIELDS];              /* expected column -> position */
};

/* Maps the file at path; name is what problems call it. */
enum ds_rc csv_open(struct csv *c, const char *path, const char *name,
		    struct ds_problem *pb);
/* Reads from memory the caller keeps alive until csv_close(). */
enum ds_rc csv_open_mem(struct csv *c, const char *data, size_t size, const char *name);
void csv_close(struct csv *c);

/* The last record read (or refused) exactly as the file has it. */
const char *csv_raw(const struct csv *c, size_t *len);

/* Reads the header and checks it against the n expected names. */
enum ds_rc csv_header(struct csv *c, const char *const *expected, size_t n,
		      struct ds_problem *pb);

/*
 * Next record: 1 when one was read, 0 at the end, -1 when the record was bad
 * (pb says why; the reader has moved past it).
 */
int csv_next(struct csv *c, struct ds_problem *pb);

/* Field of expected column i (after csv_header). */
static inline struct csv_field csv_col(const struct csv *c, size_t i)
{
	return c->f[c->col_of[i]];
}

/* Bytes consumed so far, for progress lines. */
static inline size_t csv_offset(const struct csv *c) { return c->pos; }

#endif
