/*
 * reconcile: the register against an extract of the national population
 * database (spec/quality.md, Reconciliation).
 *
 * The extract is CSV, UTF-8, with the header
 *   national_id,full_name,sex,birth_date,commune_code,address,residence
 * (residence 1 permanent, 2 temporary; birth_date as in persons.csv).  It
 * is read whole and checked before anything is compared: a bad header, a
 * bad row or bytes that are not UTF-8 refuse the file with its line and
 * field (rc_extract_read), and nothing is compared.  It is never stored.
 *
 * rc_reconcile compares the extract's rows of a unit (their commune lies
 * in it) with the persons present today in the unit, one to one: by
 * national id first, then by folded name, sex and birth date within the
 * same commune (register persons in the order they were recorded).  A
 * pair agreeing on every field is `matched`; one differing in at least one
 * of full_name, sex, birth_date, commune_code, residence, national_id (a
 * register person without one, matched by name) is a `difference`; the
 * rest of each side is `only_register` or `only_extract`.  The address is
 * free text and not compared.  Register residence 1 (usual) is the
 * extract's 1 (permanent), 3 (temporary) its 2; 2 (absent) agrees with
 * neither.
 *
 * The answer: {"unit", "matched", "differences", "only_register",
 * "only_extract", "communes": [{"code", "matched", ...}], "items":
 * [{"kind", "person_id" | null, "national_id" | null, "fields": [...],
 * "commune", "name"? (the register's), "line"?, "extract"?: {field: the
 * extract's value}}]}: the
 * extract's values of a difference's fields and of a person only in the
 * extract, so that the event that fixes it can be proposed (an
 * info_change, an arrival) for an officer to confirm.
 */
#ifndef DS_QUALITY_RECONCILE_H
#define DS_QUALITY_RECONCILE_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "register/record.h"
#include "store/store.h"

#define RC_ROWS_MAX 20000000 /* rows of an extract at most */

struct rc_row {
	char nid[13];
	char name[REG_NAME_BYTES];
	uint8_t sex, prec, res;
	int32_t birth;
	char commune[REG_UNIT_CODE_MAX + 1];
	long line;
};

struct rc_extract {
	struct rc_row *rows;
	size_t n, cap;
};

/*
 * Reads and checks an extract from data[0..size) (name: how problems name
 * it).  DS_EINPUT with the first problem in pb (file, line, field,
 * reason) when the header or any row is bad; DS_ENOMEM.  The caller frees
 * x with rc_extract_free whatever the outcome.
 */
enum ds_rc rc_extract_read(const char *data, size_t size, const char *name, struct rc_extract *x,
			   struct ds_problem *pb);
void rc_extract_free(struct rc_extract *x);

/* The comparison for unit (DS_ENOTFOUND: no such unit today); *out new. */
enum ds_rc rc_reconcile(struct store *st, const struct rc_extract *x, const char *unit, json_t **out);

#endif
