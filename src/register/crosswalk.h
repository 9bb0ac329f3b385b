/*
 * crosswalk: a change of the administrative map, read from a crosswalk
 * file and turned into dated unit rows (register/units.h), checked whole
 * before anything is written.
 *
 * The file (CSV, header required, RFC 4180):
 *
 *   old_code,new_code,new_name,level,new_parent,effective[,areas]
 *
 * One line links an old unit to a new one from `effective` (the first day
 * of the new map):
 *
 *   create  old_code empty: new_code is a new unit (name, level, parent);
 *   close   new_code empty: old_code ends on the day before;
 *   rename, move
 *           new_code = old_code: the unit goes on under its code with the
 *           new name and/or parent (an empty name, level or parent keeps it);
 *   merge   several lines with one new_code: the old units end (unless one
 *           of them is the new code itself, which goes on and absorbs the
 *           others), and every unit under them moves under the new unit;
 *   split   several lines with one old_code: the units under the old unit
 *           go where the `areas` column of each line says (codes of units
 *           directly under the old unit, separated by spaces or ';').  With
 *           one new code a line needs no list; when the old code is one of
 *           its own new codes, the units not listed stay with it.
 *
 * A unit named in a line as an old code of its own is moved by that line,
 * not by its parent's.  Lines of one new code agree on its name, level,
 * parent and date; lines of one old code on the date.
 *
 * Nothing is deleted: a changed unit's open row ends on the day before the
 * effective date (its only change, store_unit_close) and a new row starts
 * on it, so the map of every earlier date stays exactly as it was, and
 * every period can be reported under the map of any date.
 *
 * Refused, with the line and field: an unknown old code or one not open on
 * the day before; a new code that is or was another unit's (Decision
 * 19/2025 commune codes are permanent); a unit left under no parent (an
 * orphan); a parent that does not exist then or is of the wrong level; a
 * change of level under one code; an area closed, merged or split (areas
 * hold the households); lines of one unit that disagree; rows that would
 * overlap.  The whole file is refused when any line is.
 */
#ifndef DS_REG_CROSSWALK_H
#define DS_REG_CROSSWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "register/record.h"
#include "register/units.h"

#define XW_MAX_LINES 1000000
#define XW_MAX_PROBLEMS 1000

typedef char xw_code[REG_UNIT_CODE_MAX + 1];

struct xw_line {
	long line;
	xw_code old_code, new_code;
	char name[REG_TEXT_BYTES]; /* "" keeps the old unit's */
	enum reg_level level;      /* LVL_NONE keeps the old unit's */
	xw_code parent;            /* "" keeps the old unit's (or none, for a province) */
	int32_t effective;
	xw_code *areas; /* the units under the old one that go to the new one */
	size_t nareas;
};

struct xw {
	char file[DS_FILE_MAX];
	struct xw_line *lines;
	size_t n;
};

/* The problems found, in the order found, at most XW_MAX_PROBLEMS. */
struct xw_problems {
	struct ds_problem *v;
	size_t n, cap;
	bool more; /* some were left out */
};

/*
 * Reads a crosswalk from memory (name is what problems call it).  DS_EINPUT
 * with every bad line in pr; DS_ENOMEM.  x is freed with xw_free() whatever
 * the outcome.
 */
enum ds_rc xw_parse(const char *data, size_t size, const char *name, struct xw *x,
		    struct xw_problems *pr);
void xw_free(struct xw *x);
void xw_problems_free(struct xw_problems *pr);

/* What a crosswalk does to the stored rows, and the map it makes. */
struct xw_plan {
	struct reg_unit *close; /* stored rows as they are; close_to[i] their new end */
	int32_t *close_to;
	long *close_line;
	size_t nclose;
	struct reg_unit *open; /* new rows */
	long *open_line;
	size_t nopen;
	struct reg_units tree; /* every row, as it will be */
	int32_t *dates;        /* the distinct effective dates, sorted */
	size_t ndates;
	xw_code *units; /* the new units of the file (its new codes), sorted */
	int32_t *units_day; /* the day each begins (or changes) */
	size_t nunits;
};

/*
 * Checks x against the stored tree t and makes its plan.  DS_EINPUT with
 * every problem in pr (the plan is then empty); DS_ENOMEM.  p is freed
 * with xw_plan_free() whatever the outcome.
 */
enum ds_rc xw_plan_make(const struct xw *x, const struct reg_units *t, struct xw_plan *p,
			struct xw_problems *pr);
void xw_plan_free(struct xw_plan *p);

/* The codes from a unit up to its province under the map of day, "/"
 * between them, province first ("79/26740/26734001/2673400101"). */
void xw_path(const struct reg_units *t, const char *code, int32_t day, char *out, size_t outsz);

#endif
