/*
 * Byte buffers and the formatting of numbers, dates, CSV fields and JSON
 * strings by hand: tens of millions of rows go through here, and printf
 * would be most of the generator's time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "gen/gen_int.h"

#define GF_FLUSH_AT (8u << 20)

bool gb_grow(struct gbuf *b, size_t extra)
{
	if (b->oom)
		return false;
	size_t need = b->len + extra;
	size_t n = b->cap ? b->cap : 4096;
	while (n < need)
		n *= 2;
	char *q = realloc(b->p, n);
	if (!q) {
		b->oom = true;
		return false;
	}
	b->p = q;
	b->cap = n;
	return true;
}

void gb_free(struct gbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void gb_puts(struct gbuf *b, const char *s)
{
	gb_put(b, s, strlen(s));
}

void gb_u(struct gbuf *b, uint64_t v)
{
	char t[24];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	char *d = gb_room(b, (size_t)n);
	if (!d)
		return;
	for (int i = 0; i < n; i++)
		d[i] = t[n - 1 - i];
	b->len += (size_t)n;
}

void gb_u0(struct gbuf *b, uint64_t v, int width)
{
	char *d = gb_room(b, (size_t)width);
	if (!d)
		return;
	for (int i = width - 1; i >= 0; i--) {
		d[i] = (char)('0' + v % 10);
		v /= 10;
	}
	b->len += (size_t)width;
}

void gb_date_prec(struct gbuf *b, int32_t day, int prec)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	gb_u0(b, (uint64_t)y, 4);
	if (prec == DAY_PREC_YEAR)
		return;
	gb_putc(b, '-');
	gb_u0(b, (uint64_t)m, 2);
	if (prec == DAY_PREC_MONTH)
		return;
	gb_putc(b, '-');
	gb_u0(b, (uint64_t)d, 2);
}

void gb_date(struct gbuf *b, int32_t day)
{
	gb_date_prec(b, day, DAY_PREC_DAY);
}

void gb_month(struct gbuf *b, int32_t day)
{
	gb_date_prec(b, day, DAY_PREC_MONTH);
}

void gb_csv(struct gbuf *b, const char *s)
{
	size_t n = strlen(s);
	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n)) {
		gb_put(b, s, n);
		return;
	}
	gb_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			gb_putc(b, '"');
		gb_putc(b, s[i]);
	}
	gb_putc(b, '"');
}

void gb_json(struct gbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	gb_putc(b, '"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			gb_putc(b, '\\');
			gb_putc(b, (char)*c);
		} else if (*c < 0x20) {
			gb_put(b, "\\u00", 4);
			gb_putc(b, hex[*c >> 4]);
			gb_putc(b, hex[*c & 15]);
		} else {
			gb_putc(b, (char)*c);
		}
	}
	gb_putc(b, '"');
}

void gb_pid(struct gbuf *b, int province, uint32_t i)
{
	gb_putc(b, 'P');
	gb_u0(b, (uint64_t)province, 2);
	gb_u0(b, (uint64_t)i + 1, 9);
}

void gb_hid(struct gbuf *b, int province, uint32_t h)
{
	gb_putc(b, 'H');
	gb_u0(b, (uint64_t)province, 2);
	gb_u0(b, (uint64_t)h + 1, 8);
}

enum ds_rc gf_open(struct gfile *f, const char *dir, const char *name)
{
	memset(f, 0, sizeof *f);
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = malloc(n);
	if (!path)
		return DS_ENOMEM;
	memcpy(path, dir, strlen(dir));
	path[strlen(dir)] = '/';
	memcpy(path + strlen(dir) + 1, name, strlen(name) + 1);
	f->f = fopen(path, "wb");
	free(path);
	if (!f->f)
		return DS_EIO;
	setvbuf(f->f, NULL, _IONBF, 0);
	return DS_OK;
}

static void gf_write(struct gfile *f)
{
	if (f->b.len && !f->ioerr && fwrite(f->b.p, 1, f->b.len, f->f) != f->b.len)
		f->ioerr = true;
	f->bytes += f->b.len;
	f->b.len = 0;
}

void gf_maybe_flush(struct gfile *f)
{
	if (f->b.len >= GF_FLUSH_AT)
		gf_write(f);
}

enum ds_rc gf_close(struct gfile *f)
{
	if (!f->f) {
		gb_free(&f->b);
		return DS_OK;
	}
	bool oom = f->b.oom;
	gf_write(f);
	if (fclose(f->f) != 0)
		f->ioerr = true;
	f->f = NULL;
	gb_free(&f->b);
	return oom ? DS_ENOMEM : f->ioerr ? DS_EIO : DS_OK;
}
