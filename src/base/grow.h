/*
 * grow: room in a growable array, for every module that keeps one.
 */
#ifndef DS_BASE_GROW_H
#define DS_BASE_GROW_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Grows the array *pp of *cap elements of `elem` bytes so that index `need`
 * fits: to `first` elements at least, then by half again each time (doubling
 * would leave a third of a large array unused).  New elements are zeroed.
 * On failure (out of memory, or a size that would overflow) returns false
 * and leaves the array and *cap as they were.  `pp` is the address of the
 * array's pointer, whatever its type.
 */
bool ds_grow(void *pp, size_t elem, size_t *cap, size_t need, size_t first);

/*
 * The same, the new elements left as they are: for an array written only
 * by appending, whose elements past its count are never read.  Zeroing
 * touches every new page at once; on a virtual machine, where a page's
 * first touch is dear, growing the engine's 1.1 million events by half
 * took 40 ms in one step, against a few microseconds a catch-up spread.
 */
bool ds_grow_raw(void *pp, size_t elem, size_t *cap, size_t need, size_t first);

#endif
