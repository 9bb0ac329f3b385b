/*
 * progress: a progress line on stderr for long jobs.  Nothing is printed
 * during the first two seconds, so short jobs stay quiet; then one line a
 * second (rewritten in place on a terminal).
 */
#ifndef DS_BASE_PROGRESS_H
#define DS_BASE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

struct progress {
	const char *what;
	double start;
	double last;
	bool enabled;
	bool printed;
	bool tty;
};

double progress_now(void);
void progress_start(struct progress *p, const char *what, bool enabled);
/* done and total in the same unit (total 0 when unknown); unit names it. */
void progress_tick(struct progress *p, size_t done, size_t total, const char *unit);
/* Ends the line if one was printed. */
void progress_end(struct progress *p);

/* Formats n with thousands separators ("1,234,567") into out. */
void progress_group(long long n, char *out, size_t outsz);

#endif
