/* One helper that grows every array by half again. */
#include "base/grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((uintptr_t)2 << 20)
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25 /* Linux 6.1 */
#endif
bool ds_grow(void *pp, size_t elem, size_t *cap, size_t need, size_t first)
{
	if (need < *cap)
		return true;
	size_t n = *cap > first ? *cap : first;
	while (n <= need) {
		if (n > SIZE_MAX / 3)
			return false;
		n += n / 2 + 1;
	}
	if (elem && n > SIZE_MAX / elem)
		return false;
	void **p = pp;
	void *q = realloc(*p, n * elem);
	if (!q)
		return false;
	memset((char *)q + *cap * elem, 0, (n - *cap) * elem);
	*p = q;
	*cap = n;
	return true;
}


void ds_huge(void *p, size_t bytes)
{
	uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t hi = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
	if (!p || hi <= lo)
		return;
	/* Marked first, so that pages touched later come as huge ones; then
	 * the pages already there are collapsed (an older kernel refuses:
	 * they stay small). */
	if (madvise((void *)lo, hi - lo, MADV_HUGEPAGE) == 0)
		(void)madvise((void *)lo, hi - lo, MADV_COLLAPSE);
}
