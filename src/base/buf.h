/*
 * buf: a growable byte buffer that is always NUL-terminated.
 *
 * A buffer starts zeroed ({0}) and may be used at once.  Appends that would
 * grow it past `cap` (when cap > 0) fail with DS_ELIMIT, so that every buffer
 * fed from outside has a named limit.  buf_free() accepts a zeroed buffer.
 */
#ifndef DS_BASE_BUF_H
#define DS_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "base/err.h"

struct buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t cap; /* 0 = no limit */
};

enum ds_rc buf_append(struct buf *b, const void *p, size_t n);
enum ds_rc buf_puts(struct buf *b, const char *s);
enum ds_rc buf_putc(struct buf *b, char c);
enum ds_rc buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum ds_rc buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Appends s as a CSV field (quoted when it holds a comma, quote or newline). */
enum ds_rc buf_csv_field(struct buf *b, const char *s);
/* Appends s with &<>"' escaped for HTML. */
enum ds_rc buf_html(struct buf *b, const char *s);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Hands the data over to the caller (who frees it) and empties the buffer. */
char *buf_take(struct buf *b);

#endif
