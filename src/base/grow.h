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

#endif
