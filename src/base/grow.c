/* One helper that grows every array by half again. */
#include "base/grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool grow(void *pp, size_t elem, size_t *cap, size_t need, size_t first, bool zero)
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
	if (zero)
		memset((char *)q + *cap * elem, 0, (n - *cap) * elem);
	*p = q;
	*cap = n;
	return true;
}

bool ds_grow(void *pp, size_t elem, size_t *cap, size_t need, size_t first)
{
	return grow(pp, elem, cap, need, first, true);
}

bool ds_grow_raw(void *pp, size_t elem, size_t *cap, size_t need, size_t first)
{
	return grow(pp, elem, cap, need, first, false);
}
