/*
 * asset: files embedded into the binary at build time (scripts/embed.sh):
 * the web UI under "web/", report definitions under "defs/" and reference
 * data under "data/".  The binary never reads them from disk at run time.
 */
#ifndef DS_BASE_ASSET_H
#define DS_BASE_ASSET_H

#include <stddef.h>

/* The bytes of the embedded file at path (NUL-terminated), or NULL. */
const unsigned char *asset_get(const char *path, size_t *len);

/* Calls fn for every embedded file whose path starts with prefix. */
void asset_each(const char *prefix, void (*fn)(const char *path, const unsigned char *data,
					       size_t len, void *arg),
		void *arg);

#endif
