/*
 * libFuzzer target: workflow records, the envelope and every kind's body
 * parser (targets, projection scenarios), and their canonical form.
 *
 * When rec_parse_text accepts the input, rec_text must give text that is
 * accepted again and gives the very same canonical text: that equality is
 * how a re-sent record is recognised (idempotency by id), so a canonical
 * form that drifts would make the same record "different" the second time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "records/records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec r, again;
	struct ds_problem pb;
	if (rec_parse_text((const char *)data, size, &r, &pb) == DS_OK) {
		char *t = rec_text(&r);
		if (t) {
			if (rec_parse_text(t, strlen(t), &again, &pb) != DS_OK)
				__builtin_trap();
			char *t2 = rec_text(&again);
			if (!t2 || strcmp(t, t2) != 0 || strcmp(r.key, again.key) != 0)
				__builtin_trap();
			free(t2);
			rec_free(&again);
			free(t);
		}
	}
	rec_free(&r);
	return 0;
}
