/*
 * libFuzzer target: the breach search's inputs and output (src/privacy/
 * breach.c): the time range typed by an administrator (from, to) and the
 * CSV rows made of audit entries whose fields came from clients (a login
 * typed at the login form, an object id from a URL).
 *
 * Checked on every input:
 *  - a time is accepted only in the documented grammar, checked here
 *    independently: YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS] followed by
 *    nothing, Z or +hh:mm/-hh:mm, every digit an ASCII digit;
 *  - a date as "to" is the same instant as the next day as "from" (a day
 *    ends where the next begins, in Viet Nam's time);
 *  - a CSV row has 11 fields when read back by RFC 4180 (quotes doubled,
 *    fields with a comma, quote or line break quoted), and each text field
 *    reads back as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "privacy/breach.h"
#include "store/accounts.h"
#include "store/audit.h"

/* breach.c's search is not driven here: stubs for what it calls. */
enum ds_rc store_audit_search(struct store *st, const struct store_audit_query *q, size_t limit,
			      enum ds_rc (*fn)(const struct store_audit *, void *), void *arg)
{
	(void)st, (void)q, (void)limit, (void)fn, (void)arg;
	__builtin_trap();
}

const char *store_role_name(int role)
{
	return role == 1 ? "commune" : "collaborator";
}

static bool dig(char c)
{
	return c >= '0' && c <= '9';
}

/* The grammar, independently of the parser (ranges are the parser's). */
static bool shaped(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < 10; i++)
		if (i >= n || (i == 4 || i == 7 ? s[i] != '-' : !dig(s[i])))
			return false;
	if (n == 10)
		return true;
	if (n < 16 || s[10] != 'T' || !dig(s[11]) || !dig(s[12]) || s[13] != ':' || !dig(s[14]) || !dig(s[15]))
		return false;
	const char *t = s + 16;
	if (t[0] == ':') {
		if (!dig(t[1]) || !dig(t[2]))
			return false;
		t += 3;
	}
	if (!t[0] || strcmp(t, "Z") == 0)
		return true;
	return (t[0] == '+' || t[0] == '-') && strlen(t) == 6 && dig(t[1]) && dig(t[2]) && t[3] == ':' && dig(t[4]) &&
	       dig(t[5]);
}

/* Reads one RFC 4180 record from p (up to its '\n'); returns the field count, fields in out. */
static size_t read_row(const char *p, size_t n, char out[][128], size_t max)
{
	size_t f = 0, k = 0, i = 0;
	bool quoted = false;
	out[0][0] = 0;
	for (; i < n; i++) {
		char c = p[i];
		if (quoted) {
			if (c == '"' && i + 1 < n && p[i + 1] == '"')
				i++;
			else if (c == '"') {
				quoted = false;
				continue;
			}
		} else if (c == '"') {
			quoted = true;
			continue;
		} else if (c == ',' || c == '\n') {
			out[f][k] = 0;
			if (c == '\n' || ++f == max)
				return f + (c == '\n');
			k = 0;
			continue;
		}
		if (k < 127)
			out[f][k++] = c;
	}
	return 0; /* no end of line: a broken row */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64];
	size_t n = size < sizeof s - 1 ? size : sizeof s - 1;
	memcpy(s, data, n);
	s[n] = 0;
	int64_t a, b;
	bool ok = breach_parse_time(s, false, &a);
	if (ok && !shaped(s))
		__builtin_trap();
	if (breach_parse_time(s, true, &b) != ok)
		__builtin_trap();
	if (ok && strlen(s) == 10 && b - a != 86400)
		__builtin_trap();
	if (ok && strlen(s) > 10 && a != b)
		__builtin_trap();

	/* The same bytes as the text fields of an audit entry. */
	struct store_audit e = {.seq = (int64_t)size, .at = ok ? a : 1767225600, .role = 1};
	char *fields[] = {e.login, e.unit, e.action, e.object, e.object_id, e.outcome, e.area};
	size_t caps[] = {sizeof e.login, sizeof e.unit, sizeof e.action, sizeof e.object, sizeof e.object_id,
			 sizeof e.outcome, sizeof e.area};
	for (size_t i = 0; i < 7; i++) {
		size_t m = n < caps[i] - 1 ? n : caps[i] - 1;
		memcpy(fields[i], s, m);
		fields[i][m] = 0;
	}
	struct buf out = {0};
	if (breach_csv_row(&out, &e))
		__builtin_trap();
	char got[12][128];
	if (read_row(out.data, out.len, got, 12) != 11)
		__builtin_trap();
	const char *want[] = {e.login, "commune", e.unit, e.action, e.object, e.object_id, e.area, e.outcome};
	for (size_t i = 0; i < 8; i++)
		if (strlen(want[i]) < 127 && strcmp(got[3 + i], want[i]) != 0)
			__builtin_trap();
	buf_free(&out);
	return 0;
}
