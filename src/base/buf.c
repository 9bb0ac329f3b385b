/* Growable byte buffers with formatted appends. */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum ds_rc grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (b->cap && need > b->cap + 1)
		return DS_ELIMIT;
	if (need <= b->alloc)
		return DS_OK;
	size_t n = b->alloc ? b->alloc : 64;
	while (n < need)
		n *= 2;
	char *p = realloc(b->data, n);
	if (!p)
		return DS_ENOMEM;
	b->data = p;
	b->alloc = n;
	return DS_OK;
}

enum ds_rc buf_append(struct buf *b, const void *p, size_t n)
{
	enum ds_rc rc = grow(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return DS_OK;
}

enum ds_rc buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

enum ds_rc buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

enum ds_rc buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return DS_EINTERNAL;
	enum ds_rc rc = grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return DS_OK;
}

enum ds_rc buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum ds_rc rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

enum ds_rc buf_csv_field(struct buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n"))
		return buf_puts(b, s);
	enum ds_rc rc = buf_putc(b, '"');
	for (const char *p = s; !rc && *p; p++)
		rc = *p == '"' ? buf_append(b, "\"\"", 2) : buf_putc(b, *p);
	return rc ? rc : buf_putc(b, '"');
}

enum ds_rc buf_html(struct buf *b, const char *s)
{
	enum ds_rc rc = DS_OK;
	for (const char *p = s; !rc && *p; p++) {
		switch (*p) {
		case '&': rc = buf_puts(b, "&amp;"); break;
		case '<': rc = buf_puts(b, "&lt;"); break;
		case '>': rc = buf_puts(b, "&gt;"); break;
		case '"': rc = buf_puts(b, "&quot;"); break;
		case '\'': rc = buf_puts(b, "&#39;"); break;
		default: rc = buf_putc(b, *p);
		}
	}
	return rc;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

char *buf_take(struct buf *b)
{
	char *p = b->data;
	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->alloc = 0;
	return p;
}
