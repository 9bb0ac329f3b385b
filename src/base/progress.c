/* Progress lines for long jobs on a terminal, and a monotonic clock. */
#include "base/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double progress_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(struct progress *p, const char *what, bool enabled)
{
	p->what = what;
	p->start = p->last = progress_now();
	p->enabled = enabled;
	p->printed = false;
	p->tty = isatty(STDERR_FILENO);
}

void progress_group(long long n, char *out, size_t outsz)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%lld", n < 0 ? -n : n);
	size_t o = 0;
	if (n < 0 && o + 1 < outsz)
		out[o++] = '-';
	for (int i = 0; i < len && o + 2 < outsz; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

void progress_tick(struct progress *p, size_t done, size_t total, const char *unit)
{
	if (!p->enabled)
		return;
	double now = progress_now();
	if (now - p->start < 2.0 || now - p->last < 1.0)
		return;
	p->last = now;
	char d[32];
	progress_group((long long)done, d, sizeof d);
	if (total)
		fprintf(stderr, "%s%s: %s %s (%d%%), %.0f s", p->tty ? "\r" : "", p->what, d, unit,
			(int)(100.0 * (double)done / (double)total), now - p->start);
	else
		fprintf(stderr, "%s%s: %s %s, %.0f s", p->tty ? "\r" : "", p->what, d, unit,
			now - p->start);
	fputs(p->tty ? "\033[K" : "\n", stderr);
	p->printed = true;
}

void progress_end(struct progress *p)
{
	if (p->printed && p->tty)
		fputc('\n', stderr);
	p->printed = false;
}
