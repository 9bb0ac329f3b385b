/*
 * libFuzzer target: the reader of the national population database's
 * extract (quality/extract.c), for danso reconcile.
 *
 * Invariants checked besides memory safety: an accepted extract's rows
 * hold what the reader promises (a 12-digit national id, a valid NFC name
 * that folds, sex 1 or 2, residence 1 or 2, a commune code of digits, the
 * line of each row after the header and increasing); a refused one names
 * its file, a line and a reason, and holds no row the caller could use.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "quality/reconcile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rc_extract x;
	struct ds_problem pb = {0};
	enum ds_rc rc = rc_extract_read((const char *)data, size, "extract.csv", &x, &pb);
	if (rc == DS_EINPUT && (strcmp(pb.file, "extract.csv") != 0 || pb.line < 0 || !pb.why))
		__builtin_trap();
	long last = 1;
	for (size_t i = 0; rc == DS_OK && i < x.n; i++) {
		const struct rc_row *r = &x.rows[i];
		const char *name = rc_row_name(&x, r);
		char key[REG_NAME_BYTES];
		if (strlen(r->nid) != 12 || strspn(r->nid, "0123456789") != 12)
			__builtin_trap();
		if (!name[0] || !txt_utf8_valid(name, strlen(name)) ||
		    txt_fold(name, strlen(name), key, sizeof key) != DS_OK)
			__builtin_trap();
		if ((r->sex != 1 && r->sex != 2) || (r->res != 1 && r->res != 2))
			__builtin_trap();
		if (!r->commune[0] || strspn(r->commune, "0123456789") != strlen(r->commune))
			__builtin_trap();
		if (r->line <= last)
			__builtin_trap();
		last = r->line;
	}
	rc_extract_free(&x);
	return 0;
}
