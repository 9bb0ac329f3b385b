/*
 * units: the versioned administrative tree in memory.
 *
 * A unit code may have several rows, one per parent link (or name), each
 * with its validity dates.  The tree of any date is the set of rows valid
 * on that date.  Data sit at the leaves (collaborator areas), so a figure
 * for any unit under the map of any date is the sum over the leaves that
 * lie under it on that date.
 *
 * A unit that was closed before the map date (merged away) is followed
 * through its last parent link: its data belong where its parent went.
 * That is what makes 2024 births come out under 2026 communes when the
 * villages of a merged commune were re-linked, and keeps data of a closed
 * village visible under its old commune's successor otherwise.
 */
#ifndef DS_REG_UNITS_H
#define DS_REG_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/hmap.h"
#include "register/record.h"

struct reg_units {
	struct reg_unit *rows; /* sorted by code, then valid_from */
	size_t n;
	struct hmap by_code; /* code -> index of its first row */
};

/* Builds the index; takes ownership of rows (malloc'd). */
enum ds_rc reg_units_build(struct reg_units *t, struct reg_unit *rows, size_t n);
void reg_units_free(struct reg_units *t);

/* The row of code valid on day, or NULL. */
const struct reg_unit *reg_units_at(const struct reg_units *t, const char *code, int32_t day);
/* The row of code valid on day, or its last row that ended before day. */
const struct reg_unit *reg_units_resolve(const struct reg_units *t, const char *code, int32_t day);
/* Rows of a code: first index and count (count 0 when unknown). */
size_t reg_units_rows(const struct reg_units *t, const char *code, size_t *first);

/*
 * A mark of the whole map, as 16 hexadecimal digits into out: the same
 * rows give the same mark, a changed row (a name, a link, a date) another.
 * A preview of a change of the map gives it, so that the change can be
 * refused when the map is no longer the one that was previewed.
 */
#define REG_UNITS_MARK_LEN 16
void reg_units_mark(const struct reg_units *t, char out[REG_UNITS_MARK_LEN + 1]);

/* The parent code of code under the map of day ("" at the top or unknown). */
const char *reg_units_parent(const struct reg_units *t, const char *code, int32_t day);
/* True when code lies in the subtree of top (or is top) under the map of day. */
int reg_units_within(const struct reg_units *t, const char *code, const char *top, int32_t day);
/* The code of the unit of level lvl at or above code under the map of day ("" when none). */
const char *reg_units_above(const struct reg_units *t, const char *code, enum reg_level lvl,
			    int32_t day);
/* The province code above code (via each unit's latest link), 0 when none. */
int reg_units_province(const struct reg_units *t, const char *code);

#endif
