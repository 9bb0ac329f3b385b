/*
 * expr: the little language of report rows.
 *
 * A row's value is an arithmetic expression over cube calls:
 *
 *   pop(sex=2, age=15..49, marital=2)      stock on the period's last day
 *   pop@start()                            stock on the day before it starts
 *   birth(order=3..10)                     flow over the period
 *   elderly@ytd(age=60..100)               flow from 1 January to the period's end
 *   row("5")                               an earlier row's value
 *   days, annual                           days in the period; 365 / days
 *
 * with + - * / and parentheses.  A filter is dim=value, dim=lo..hi, or
 * alternatives joined by |; every dimension of every cube is listed in
 * expr.c with its range.  Division by zero gives "no value" (NaN), which
 * propagates and is shown as empty, never as 0.
 *
 * Cube calls are compiled once into the flat offsets of the matching cells,
 * for the whole population and for each sex (rows split by sex).
 */
#ifndef DS_REPORT_EXPR_H
#define DS_REPORT_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "engine/engine.h"

enum expr_sel {
	SEL_END = 0,   /* stock at the period end; flow over the period */
	SEL_START = 1, /* stock on the day before the period */
	SEL_YTD = 1,   /* flow from 1 January of the period's year */
};

struct expr;

/* What an expression needs from the engine. */
struct expr_needs {
	bool stock[2]; /* SEL_END, SEL_START */
	bool flow[2];  /* SEL_END, SEL_YTD */
};

/*
 * Compiles text.  row_index(name, arg) maps a row code to the index of an
 * earlier row (-1 when unknown).  On error returns NULL with a message.
 */
struct expr *expr_parse(const char *text, int (*row_index)(const char *code, void *arg), void *arg,
			char *err, size_t errsz);
void expr_free(struct expr *x);
void expr_needs(const struct expr *x, struct expr_needs *n);
/* True when some cube call of x has a sex dimension (the row can be split). */
bool expr_has_sex(const struct expr *x);
/* Whether x, evaluated for both sexes together, is exactly its value for
 * men plus its value for women: sums and differences of counts that each
 * have a sex (whole numbers, so the sum is exact). */
bool expr_sex_additive(const struct expr *x);

/* Everything an evaluation reads, for one column. */
struct expr_env {
	const struct eng_stock *stock[2];
	const struct eng_flow *flow[2];
	const double *rows; /* values of the rows computed so far (totals) */
	double days;        /* days in the period */
	bool whole_year;    /* the period is one calendar year */
	/* The column's sums kept (expr_share), three for each slot (everyone,
	 * men, women), known[k] once kept[k] holds one; NULL: none kept. */
	double *kept;
	uint8_t *known;
};

/*
 * Gives the same slot to every cube call of the n expressions that reads
 * the same cells (birth() in four rows of the annual form), so that a
 * column sums them once (struct expr_env, kept); the number of slots, 0
 * when out of memory (then nothing is kept).  *summable (to free) says for
 * each slot whether its sum over several columns is the sum of the
 * columns' (so a total column adds the columns' sums instead of their
 * cubes): every cube but the distinct persons'.
 */
size_t expr_share(struct expr *const *xs, size_t n, uint8_t **summable);

/*
 * The cubes, in the order of struct eng_stock and struct eng_flow as the
 * language names them (pop, fp, hh; birth ... elderly), and what an
 * expression reads of them: bit EXPR_READS(cube, sel) for each cube call
 * with its selection (SEL_END, or SEL_START / SEL_YTD).  The monthly
 * cycle uses it to tell which rows an event can change.
 */
enum expr_cube {
	XC_POP, XC_FP, XC_HH, XC_BIRTH, XC_DEATH, XC_IN, XC_OUT, XC_MARRIAGE, XC_DIVORCE,
	XC_FP_START, XC_FP_STOP, XC_PREGNANCY, XC_PRENATAL, XC_NEWBORN, XC_ELDERLY, XC_COUNT
};
#define EXPR_READS(cube, sel) (UINT32_C(1) << ((unsigned)(cube) * 2u + (unsigned)(sel)))
/* Every selection of a cube. */
#define EXPR_READS_ANY(cube) (EXPR_READS(cube, 0) | EXPR_READS(cube, 1))
/* The name of a cube ("pop"), NULL past the last. */
const char *expr_cube_name(int cube);
/*
 * The bits of every cube call of x, and of the rows it names: row_reads
 * (may be NULL) answers the bits of an earlier row by its index.
 */
uint32_t expr_reads(const struct expr *x, uint32_t (*row_reads)(int row, void *arg), void *arg);

/* sex: 0 for everyone, 1 male, 2 female. */
double expr_eval(const struct expr *x, const struct expr_env *env, int sex);

#endif
