/* Text: UTF-8 checks, NFC (utf8proc) and the Vietnamese search key (case and diacritics folded, đ as d). */
#include "base/text.h"

#include <pthread.h>
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

/*
 * The fast path: Vietnamese names are almost always precomposed letters of
 * Latin-1, Latin Extended-A/B and Latin Extended Additional, with no
 * combining marks.  Such text is already NFC, and its search key is a table
 * lookup per character.  The table is built once from utf8proc itself, so
 * both paths agree; anything else goes through utf8proc.
 */
#define FAST_LIMIT 0x2000

static char fold_table[FAST_LIMIT]; /* ASCII base letter, or 0: use utf8proc */
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static bool fast_cp(int32_t cp)
{
	return (cp >= 0x20 && cp < 0x7F) || (cp >= 0xC0 && cp < 0x250) || (cp >= 0x1E00 && cp < 0x1F00);
}

static void build_fold_table(void)
{
	for (int32_t cp = 0x20; cp < FAST_LIMIT; cp++) {
		if (!fast_cp(cp))
			continue;
		utf8proc_uint8_t in[4], *mapped = NULL;
		utf8proc_ssize_t n = utf8proc_encode_char(cp, in);
		utf8proc_ssize_t m = utf8proc_map(in, n, &mapped,
						  UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
							  UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
		if (m == 1 && mapped[0] < 0x80)
			fold_table[cp] = (char)mapped[0];
		else if (cp == 0x111 || cp == 0x110)
			fold_table[cp] = 'd';
		free(mapped);
	}
}

/* Decodes valid UTF-8 (checked by the caller). */
static int32_t next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	int32_t cp;
	if (s[0] < 0x80) {
		cp = s[0];
		*p += 1;
	} else if (s[0] < 0xE0) {
		cp = (s[0] & 0x1F) << 6 | (s[1] & 0x3F);
		*p += 2;
	} else if (s[0] < 0xF0) {
		cp = (s[0] & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		*p += 3;
	} else {
		cp = (s[0] & 0x07) << 18 | (s[1] & 0x3F) << 12 | (s[2] & 0x3F) << 6 | (s[3] & 0x3F);
		*p += 4;
	}
	return cp;
}

/* 1 when done on the fast path, 0 when utf8proc must do it. */
static int fast(const char *s, size_t len, bool fold, char *out, size_t outsz, enum ds_rc *rc)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	if (fold)
		pthread_once(&fold_once, build_fold_table);
	size_t o = 0;
	bool pending_space = false;
	while (p < end) {
		const unsigned char *start = p;
		int32_t cp = next_cp(&p);
		if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
			pending_space = o > 0;
			continue;
		}
		if (!fast_cp(cp) || (fold && !fold_table[cp]))
			return 0;
		size_t n = fold ? 1 : (size_t)(p - start);
		if (o + pending_space + n + 1 > outsz) {
			*rc = DS_ELIMIT;
			return 1;
		}
		if (pending_space)
			out[o++] = ' ';
		pending_space = false;
		if (fold)
			out[o++] = fold_table[cp];
		else
			for (const unsigned char *q = start; q < p; q++)
				out[o++] = (char)*q;
	}
	if (outsz == 0) {
		*rc = DS_ELIMIT;
		return 1;
	}
	out[o] = '\0';
	*rc = DS_OK;
	return 1;
}

static enum ds_rc map(const char *s, size_t len, int options, bool fold, char *out,
		      size_t outsz)
{
	if (!txt_utf8_valid(s, len))
		return DS_EINPUT;
	enum ds_rc rc;
	if (fast(s, len, fold, out, outsz, &rc))
		return rc;
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
					  &mapped, (utf8proc_option_t)options);
	if (n < 0)
		return n == UTF8PROC_ERROR_NOMEM ? DS_ENOMEM : DS_EINPUT;
	rc = squeeze(mapped, (size_t)n, fold, out, outsz);
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

enum ds_rc txt_ascii(const char *s, size_t len, char *out, size_t outsz)
{
	if (!txt_utf8_valid(s, len))
		return DS_EINPUT;
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &mapped,
					  UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK);
	if (n < 0)
		return n == UTF8PROC_ERROR_NOMEM ? DS_ENOMEM : DS_EINPUT;
	size_t o = 0;
	enum ds_rc rc = DS_OK;
	for (const unsigned char *p = mapped, *end = mapped + n; p < end;) {
		unsigned char c = *p;
		char a;
		size_t step = 1;
		if (c >= 0x80) {
			step = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			a = p[0] == 0xC4 && p[1] == 0x91 ? 'd' : p[0] == 0xC4 && p[1] == 0x90 ? 'D' : '_';
		} else {
			a = c < 0x20 || c == 0x7F || strchr("\"\\/%", c) ? '_' : (char)c;
		}
		if (o + 1 >= outsz) {
			rc = DS_ELIMIT;
			break;
		}
		out[o++] = a;
		p += step;
	}
	if (outsz)
		out[o < outsz ? o : outsz - 1] = '\0';
	free(mapped);
	return rc;
}

bool txt_same_caseless(const char *a, size_t la, const char *b, size_t lb)
{
	const unsigned char *p = (const unsigned char *)a, *pe = p + la;
	const unsigned char *q = (const unsigned char *)b, *qe = q + lb;
	while (p < pe && q < qe)
		if (utf8proc_tolower(next_cp(&p)) != utf8proc_tolower(next_cp(&q)))
			return false;
	return p == pe && q == qe;
}

/* The lower-case code points of s into cp (at most max); their count, max + 1 when more. */
static size_t lower_cps(const char *s, size_t len, int32_t *cp, size_t max)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	size_t n = 0;
	while (p < e) {
		if (n == max)
			return max + 1;
		cp[n++] = utf8proc_tolower(next_cp(&p));
	}
	return n;
}

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;
	return m < c ? m : c;
}

int txt_edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	int32_t x[TXT_EDIT_MAX], y[TXT_EDIT_MAX];
	size_t n = lower_cps(a, la, x, TXT_EDIT_MAX), m = lower_cps(b, lb, y, TXT_EDIT_MAX);
	if (n > TXT_EDIT_MAX || m > TXT_EDIT_MAX)
		return TXT_EDIT_MAX + 1;
	/* Three rows of the dynamic programme: i - 2, i - 1 and i. */
	int r[3][TXT_EDIT_MAX + 1];
	for (size_t j = 0; j <= m; j++)
		r[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		int *cur = r[i % 3], *prev = r[(i - 1) % 3], *pp = r[(i + 1) % 3];
		cur[0] = (int)i;
		for (size_t j = 1; j <= m; j++) {
			int cost = x[i - 1] != y[j - 1];
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
			    pp[j - 2] + 1 < cur[j])
				cur[j] = pp[j - 2] + 1;
		}
	}
	return r[n % 3][m];
}

const char *txt_last_word(const char *key)
{
	const char *sp = strrchr(key, ' ');
	return sp ? sp + 1 : key;
}

/*
 * Jaro-Winkler similarity of two byte strings (Winkler 1990): matches
 * within half the longer length less one, transpositions halved, and a
 * bonus of 0.1 a character for a common prefix of up to four when the
 * Jaro similarity is above 0.7.  Meant for folded keys (ASCII).
 */
double txt_jaro_winkler(const char *a, size_t la, const char *b, size_t lb)
{
	if (la == 0 && lb == 0)
		return 1.0;
	if (la == 0 || lb == 0)
		return 0.0;
	if (la > TXT_JW_MAX)
		la = TXT_JW_MAX;
	if (lb > TXT_JW_MAX)
		lb = TXT_JW_MAX;
	size_t win = (la > lb ? la : lb) / 2;
	win = win ? win - 1 : 0;
	bool ma[TXT_JW_MAX] = {0}, mb[TXT_JW_MAX] = {0};
	size_t m = 0;
	for (size_t i = 0; i < la; i++) {
		size_t lo = i > win ? i - win : 0, hi = i + win + 1 < lb ? i + win + 1 : lb;
		for (size_t j = lo; j < hi; j++)
			if (!mb[j] && a[i] == b[j]) {
				ma[i] = mb[j] = true;
				m++;
				break;
			}
	}
	if (m == 0)
		return 0.0;
	size_t t = 0;
	for (size_t i = 0, j = 0; i < la; i++) {
		if (!ma[i])
			continue;
		while (!mb[j])
			j++;
		t += a[i] != b[j++];
	}
	double md = (double)m;
	double jaro = (md / (double)la + md / (double)lb + (md - (double)t / 2) / md) / 3;
	if (jaro <= 0.7)
		return jaro;
	size_t l = 0;
	while (l < 4 && l < la && l < lb && a[l] == b[l])
		l++;
	return jaro + 0.1 * (double)l * (1 - jaro);
}
