/* An open-addressing hash map from byte strings to 64-bit values, without deletion. */
#include "base/hmap.h"

#include <stdlib.h>
#include <string.h>

uint64_t hmap_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0x9E3779B97F4A7C15ull ^ (len * 0xFF51AFD7ED558CCDull);
	while (len >= 8) {
		uint64_t k;
		memcpy(&k, p, 8);
		k *= 0x87C37B91114253D5ull;
		k = (k << 31) | (k >> 33);
		h ^= k * 0x4CF5AD432745937Full;
		h = ((h << 27) | (h >> 37)) * 5 + 0x52DCE729;
		p += 8;
		len -= 8;
	}
	uint64_t t = 0;
	for (size_t i = 0; i < len; i++)
		t |= (uint64_t)p[i] << (8 * i);
	return hmap_mix(h ^ t * 0x87C37B91114253D5ull);
}

uint64_t hmap_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53ull;
	h ^= h >> 33;
	return h;
}

static uint32_t slot_hash(const void *key, size_t len)
{
	uint32_t h = (uint32_t)(hmap_hash(key, len) >> 32);
	return h ? h : 1;
}

static bool key_eq(const struct hmap *h, const struct hmap_slot *s, const void *key, size_t len)
{
	const unsigned char *k = (const unsigned char *)h->arena + s->off;
	return k[0] == len && memcmp(k + 1, key, len) == 0;
}

bool hmap_get(const struct hmap *h, const void *key, size_t len, int64_t *val)
{
	if (!h->cap || len > HMAP_KEY_MAX)
		return false;
	uint32_t hash = slot_hash(key, len);
	for (size_t i = hash & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
		const struct hmap_slot *s = &h->slots[i];
		if (!s->hash)
			return false;
		if (s->hash == hash && key_eq(h, s, key, len)) {
			if (val)
				*val = s->val;
			return true;
		}
	}
}

static enum ds_rc rehash(struct hmap *h, size_t cap)
{
	struct hmap_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return DS_ENOMEM;
	for (size_t j = 0; j < h->cap; j++) {
		if (!h->slots[j].hash)
			continue;
		size_t i = h->slots[j].hash & (cap - 1);
		while (slots[i].hash)
			i = (i + 1) & (cap - 1);
		slots[i] = h->slots[j];
	}
	free(h->slots);
	h->slots = slots;
	h->cap = cap;
	return DS_OK;
}

enum ds_rc hmap_reserve(struct hmap *h, size_t n)
{
	size_t cap = 16;
	while (cap * 3 < n * 4 + 4)
		cap *= 2;
	return cap > h->cap ? rehash(h, cap) : DS_OK;
}

enum ds_rc hmap_put(struct hmap *h, const void *key, size_t len, int64_t val,
		    bool *existing, int64_t *val_out)
{
	if (len > HMAP_KEY_MAX)
		return DS_ELIMIT;
	if ((h->count + 1) * 4 > h->cap * 3) {
		enum ds_rc rc = rehash(h, h->cap ? h->cap * 2 : 16);
		if (rc)
			return rc;
	}
	uint32_t hash = slot_hash(key, len);
	size_t i = hash & (h->cap - 1);
	for (;; i = (i + 1) & (h->cap - 1)) {
		struct hmap_slot *s = &h->slots[i];
		if (!s->hash)
			break;
		if (s->hash == hash && key_eq(h, s, key, len)) {
			if (existing)
				*existing = true;
			if (val_out)
				*val_out = s->val;
			return DS_OK;
		}
	}
	if (h->arena_len + len + 1 > UINT32_MAX)
		return DS_ELIMIT;
	if (h->arena_len + len + 1 > h->arena_cap) {
		size_t n = h->arena_cap ? h->arena_cap * 2 : 4096;
		while (n < h->arena_len + len + 1)
			n *= 2;
		char *a = realloc(h->arena, n);
		if (!a)
			return DS_ENOMEM;
		h->arena = a;
		h->arena_cap = n;
	}
	h->arena[h->arena_len] = (char)(unsigned char)len;
	memcpy(h->arena + h->arena_len + 1, key, len);
	h->slots[i] = (struct hmap_slot){hash, (uint32_t)h->arena_len, val};
	h->arena_len += len + 1;
	h->count++;
	if (existing)
		*existing = false;
	if (val_out)
		*val_out = val;
	return DS_OK;
}

bool hmap_set(struct hmap *h, const void *key, size_t len, int64_t val)
{
	if (!h->cap || len > HMAP_KEY_MAX)
		return false;
	uint32_t hash = slot_hash(key, len);
	for (size_t i = hash & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
		struct hmap_slot *s = &h->slots[i];
		if (!s->hash)
			return false;
		if (s->hash == hash && key_eq(h, s, key, len)) {
			s->val = val;
			return true;
		}
	}
}

void hmap_free(struct hmap *h)
{
	free(h->slots);
	free(h->arena);
	memset(h, 0, sizeof *h);
}
