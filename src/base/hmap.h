/*
 * hmap: a string-keyed hash map to 64-bit values, for id sets during import
 * (tens of millions of short keys) and other lookups.
 *
 * Open addressing with linear probing; keys are copied into an arena owned
 * by the map.  Keys are byte strings of at most HMAP_KEY_MAX bytes.  There
 * is no deletion: maps here live for one import or one engine.  The keys of
 * one map may take at most 4 GiB.
 */
#ifndef DS_BASE_HMAP_H
#define DS_BASE_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define HMAP_KEY_MAX 255

struct hmap_slot {
	uint32_t hash; /* 0 = empty */
	uint32_t off;  /* key bytes at arena + off, length-prefixed */
	int64_t val;
};

struct hmap {
	struct hmap_slot *slots;
	size_t cap; /* power of two */
	size_t count;
	char *arena;
	size_t arena_len, arena_cap;
};

uint64_t hmap_hash(const void *key, size_t len);
/* Mixes the bits of h (the finalizer of hmap_hash): for hashes built by parts. */
uint64_t hmap_mix(uint64_t h);

/* Finds key; stores its value in *val (may be NULL). */
bool hmap_get(const struct hmap *h, const void *key, size_t len, int64_t *val);

/*
 * Inserts key with val unless present.  *existing (may be NULL) is set to
 * true when the key was there already, and *val_out to the stored value.
 */
enum ds_rc hmap_put(struct hmap *h, const void *key, size_t len, int64_t val,
		    bool *existing, int64_t *val_out);

/* Replaces the value of a present key; false when absent. */
bool hmap_set(struct hmap *h, const void *key, size_t len, int64_t val);

enum ds_rc hmap_reserve(struct hmap *h, size_t n);
void hmap_free(struct hmap *h);

#endif
