/* The breach investigation's search of the audit log: by account or unit, in a time range, in time order, and its CSV. */
#include "privacy/breach.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/day.h"
#include "store/accounts.h"

#define VN_OFFSET (7 * 3600) /* Viet Nam's time: UTC+7, no daylight saving */

struct scan {
	const struct breach_query *q;
	struct hmap memo; /* area -> 1 in the unit, 0 not */
	enum ds_rc (*fn)(const struct store_audit *, void *);
	void *arg;
	size_t matched, read, limit, rows;
	bool full; /* limit reached: later rows are left for the next call */
	struct breach_cursor *cur;
	enum ds_rc failed;
};

static bool in_unit(struct scan *s, const char *area)
{
	if (!s->q->within)
		return true;
	if (!area[0])
		return false;
	int64_t known;
	size_t n = strlen(area);
	if (hmap_get(&s->memo, area, n, &known))
		return known;
	bool in = s->q->within(s->q->arg, area);
	if (hmap_put(&s->memo, area, n, in, NULL, NULL))
		s->failed = DS_ENOMEM;
	return in;
}

static enum ds_rc one(const struct store_audit *a, void *arg)
{
	struct scan *s = arg;
	s->rows++;
	if (s->matched >= s->limit) {
		s->full = true;
		return DS_OK;
	}
	s->read++;
	s->cur->at = a->at;
	s->cur->seq = a->seq;
	if (!in_unit(s, a->area))
		return s->failed;
	s->matched++;
	return s->fn(a, s->arg);
}

enum ds_rc breach_search(struct store *st, const struct breach_query *q, struct breach_cursor *cur,
			 size_t limit, size_t scan,
			 enum ds_rc (*fn)(const struct store_audit *, void *), void *arg, size_t *scanned)
{
	struct scan s = {.q = q, .fn = fn, .arg = arg, .limit = limit, .cur = cur};
	enum ds_rc rc = DS_OK;
	const size_t page = 2000;
	while (!rc && !cur->done && s.matched < limit && s.read < scan) {
		struct store_audit_query sq = {.login = q->login, .from = q->from, .to = q->to,
					       .after_at = cur->at, .after_seq = cur->seq};
		/* Without a unit, a page no longer than what is left to match. */
		size_t want = page;
		if (!q->within && limit - s.matched < want)
			want = limit - s.matched;
		s.rows = 0;
		rc = store_audit_search(st, &sq, want, one, &s);
		if (!rc && !s.full && s.rows < want)
			cur->done = true;
	}
	hmap_free(&s.memo);
	if (scanned)
		*scanned += s.read;
	return rc;
}

/* Two ASCII digits at p (no sign, no space: sscanf's %2d would take " 1"). */
static bool two_digits(const char *p, int *v)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return false;
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	return true;
}

bool breach_parse_time(const char *s, bool end, int64_t *out)
{
	size_t n = strlen(s);
	int32_t day;
	if (n == 10) {
		if (!day_parse(s, n, &day))
			return false;
		*out = ((int64_t)day + (end ? 1 : 0)) * 86400 - VN_OFFSET;
		return true;
	}
	int hh, mm, ss = 0;
	if (n < 16 || s[10] != 'T' || !day_parse(s, 10, &day) || !two_digits(s + 11, &hh) || s[13] != ':' ||
	    !two_digits(s + 14, &mm))
		return false;
	const char *t = s + 16;
	if (t[0] == ':') {
		if (!two_digits(t + 1, &ss))
			return false;
		t += 3;
	}
	if (hh > 23 || mm > 59 || ss > 59)
		return false;
	int64_t offset = VN_OFFSET;
	int oh, om;
	if (strcmp(t, "Z") == 0)
		offset = 0;
	else if ((t[0] == '+' || t[0] == '-') && strlen(t) == 6 && two_digits(t + 1, &oh) && t[3] == ':' &&
		 two_digits(t + 4, &om) && oh <= 14 && om <= 59)
		offset = (t[0] == '+' ? 1 : -1) * (int64_t)(oh * 3600 + om * 60);
	else if (t[0])
		return false;
	*out = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss - offset;
	return true;
}

enum ds_rc breach_csv_header(struct buf *b)
{
	return buf_puts(b, "seq,at_utc,at_vietnam,login,role,unit,action,object,object_id,area,outcome\n");
}

static void iso(int64_t at, int64_t offset, const char *zone, char out[40])
{
	time_t t = (time_t)(at + offset);
	struct tm tm;
	gmtime_r(&t, &tm);
	size_t n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 40 - n, "%s", zone);
}

enum ds_rc breach_csv_row(struct buf *b, const struct store_audit *a)
{
	char utc[40], vn[40];
	iso(a->at, 0, "Z", utc);
	iso(a->at, VN_OFFSET, "+07:00", vn);
	enum ds_rc rc = buf_printf(b, "%lld,%s,%s,", (long long)a->seq, utc, vn);
	const char *cells[] = {a->login,     store_role_name(a->role), a->unit, a->action, a->object,
			       a->object_id, a->area,                 a->outcome};
	for (size_t i = 0; i < sizeof cells / sizeof cells[0] && !rc; i++) {
		rc = buf_csv_field(b, cells[i]);
		if (!rc)
			rc = buf_putc(b, i + 1 < sizeof cells / sizeof cells[0] ? ',' : '\n');
	}
	return rc;
}
