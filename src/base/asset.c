/* Files embedded in the binary at build time (the web interface, forms, reference data). */
#include "base/asset.h"

#include <string.h>

struct asset {
	const char *path;
	const unsigned char *data;
	size_t len;
};
extern const struct asset assets[];

const unsigned char *asset_get(const char *path, size_t *len)
{
	for (const struct asset *a = assets; a->path; a++) {
		if (strcmp(a->path, path) == 0) {
			if (len)
				*len = a->len;
			return a->data;
		}
	}
	return NULL;
}

void asset_each(const char *prefix, void (*fn)(const char *path, const unsigned char *data,
					       size_t len, void *arg),
		void *arg)
{
	size_t n = strlen(prefix);
	for (const struct asset *a = assets; a->path; a++)
		if (strncmp(a->path, prefix, n) == 0)
			fn(a->path, a->data, a->len, arg);
}
