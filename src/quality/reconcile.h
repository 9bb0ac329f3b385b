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
 *
 * For a province's extract (a million rows and more) the answer is not
 * built as one JSON tree: rc_compare pairs the rows and counts, and
 * rc_run_write streams the answer as it goes, byte for byte what
 * json_dumps(rc_run_json(...) + "extract_sha256", JSON_INDENT(1) |
 * JSON_PRESERVE_ORDER) would print.
 */
#ifndef DS_QUALITY_RECONCILE_H
#define DS_QUALITY_RECONCILE_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "register/record.h"
#include "store/store.h"

#define RC_ROWS_MAX 20000000 /* rows of an extract at most */

struct rc_row {
	char nid[13];
	uint8_t sex, prec, res;
	int32_t birth;
	char commune[REG_UNIT_CODE_MAX + 1];
	size_t name; /* the full name (NFC) at the extract's names + name */
	long line;
};

struct rc_extract {
	struct rc_row *rows;
	size_t n, cap;
	char *names; /* the rows' names, each ended by NUL */
	size_t names_len, names_cap;
};

static inline const char *rc_row_name(const struct rc_extract *x, const struct rc_row *r)
{
	return x->names + r->name;
}

/*
 * Reads and checks an extract from data[0..size) (name: how problems name
 * it).  DS_EINPUT with the first problem in pb (file, line, field,
 * reason) when the header or any row is bad; DS_ENOMEM.  The caller frees
 * x with rc_extract_free whatever the outcome.
 */
enum ds_rc rc_extract_read(const char *data, size_t size, const char *name, struct rc_extract *x,
			   struct ds_problem *pb);
void rc_extract_free(struct rc_extract *x);

/* Fields of a difference, in the order the answer lists them. */
enum {
	RC_F_NAME = 1 << 0,
	RC_F_SEX = 1 << 1,
	RC_F_BIRTH = 1 << 2,
	RC_F_COMMUNE = 1 << 3,
	RC_F_RESIDENCE = 1 << 4,
	RC_F_NID = 1 << 5,
};

struct rc_tally {
	long matched, differences, only_register, only_extract;
};

/* One item of the answer (what rc_run_each hands over; borrowed). */
struct rc_item {
	const char *kind;        /* "difference", "only_register", "only_extract" */
	const char *person_id;   /* the register's person, NULL for only_extract */
	const char *name;        /* the register's name, NULL for only_extract */
	const char *national_id; /* NULL when none */
	unsigned fields;         /* RC_F_* of a difference */
	const char *commune;
	long line;                /* the extract's line, 0 for only_register */
	const struct rc_row *row; /* the extract's row, NULL for only_register */
	const char *row_name;     /* its name */
};

/* A comparison done: the pairs and the counts. */
struct rc_run;

/*
 * The comparison for unit in two steps, so that the register can be read
 * while the extract is: rc_open reads the persons present today in the
 * unit (DS_ENOTFOUND: no such unit today; *out new, rc_run_free), and
 * rc_match pairs an extract's rows with them and counts (once a run; the
 * run reads x until it is freed).  rc_compare does both.
 */
enum ds_rc rc_open(struct store *st, const char *unit, struct rc_run **out);
enum ds_rc rc_match(struct rc_run *r, const struct rc_extract *x);
enum ds_rc rc_compare(struct store *st, const struct rc_extract *x, const char *unit, struct rc_run **out);
void rc_run_free(struct rc_run *r);
/* The whole unit's counts. */
const struct rc_tally *rc_run_total(const struct rc_run *r);
/* The items in the answer's order: the extract's rows (differences and
 * rows only in the extract), then the register's persons only in it. */
enum ds_rc rc_run_each(const struct rc_run *r, enum ds_rc (*fn)(const struct rc_item *, void *), void *arg);
/* The answer as a tree (NULL: out of memory). */
json_t *rc_run_json(const struct rc_run *r);
/* The answer with "extract_sha256": sha256 (when not NULL) written to f as
 * json_dumps would with JSON_INDENT(1) | JSON_PRESERVE_ORDER, and a
 * newline; DS_EIO when f fails. */
enum ds_rc rc_run_write(const struct rc_run *r, const char *sha256, FILE *f);
/* The items as CSV: kind,person_id,national_id,commune,fields. */
enum ds_rc rc_run_write_csv(const struct rc_run *r, FILE *f);

/* rc_compare and rc_run_json in one; *out new. */
enum ds_rc rc_reconcile(struct store *st, const struct rc_extract *x, const char *unit, json_t **out);

#endif
