#include "base/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

bool txt_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	while (p < end) {
		unsigned c = *p;
		if (c < 0x80) {
			p++;
			continue;
		}
		int n;
		uint32_t cp;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (end - p <= n)
			return false;
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += n + 1;
	}
	return true;
}

bool txt_has_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F)
			return true;
	}
	return false;
}

size_t txt_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copies src into out collapsing white space; replaces U+0111 by 'd' if fold. */
static enum ds_rc squeeze(const unsigned char *src, size_t len, bool fold, char *out,
			  size_t outsz)
{
	size_t o = 0;
	bool pending_space = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = src[i];
		if (is_space(c)) {
			pending_space = o > 0;
			continue;
		}
		const char *piece = (const char *)&src[i];
		size_t plen = 1;
		if (fold && c == 0xC4 && i + 1 < len && src[i + 1] == 0x91) {
			piece = "d"; /* đ (U+0111) */
			i++;
		}
		if (o + pending_space + plen + 1 > outsz)
			return DS_ELIMIT;
		if (pending_space)
			out[o++] = ' ';
		pending_space = false;
		memcpy(out + o, piece, plen);
		o += plen;
	}
	if (outsz == 0)
		return DS_ELIMIT;
	out[o] = '\0';
	return DS_OK;
}

static bool ascii_only(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

static enum ds_rc map(const char *s, size_t len, int options, bool fold, char *out,
		      size_t outsz)
{
	if (!txt_utf8_valid(s, len))
		return DS_EINPUT;
	if (ascii_only(s, len)) {
		enum ds_rc rc = squeeze((const unsigned char *)s, len, false, out, outsz);
		if (rc == DS_OK && fold)
			for (char *p = out; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
		return rc;
	}
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
					  &mapped, (utf8proc_option_t)options);
	if (n < 0)
		return n == UTF8PROC_ERROR_NOMEM ? DS_ENOMEM : DS_EINPUT;
	enum ds_rc rc = squeeze(mapped, (size_t)n, fold, out, outsz);
	free(mapped);
	return rc;
}

enum ds_rc txt_nfc(const char *s, size_t len, char *out, size_t outsz)
{
	return map(s, len, UTF8PROC_STABLE | UTF8PROC_COMPOSE, false, out, outsz);
}

enum ds_rc txt_fold(const char *s, size_t len, char *out, size_t outsz)
{
	return map(s, len,
		   UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD,
		   true, out, outsz);
}
