/* The row expression language of the forms: parsing, the cube cells it names, evaluation. */
#include "report/expr.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- cubes ---- */

struct dim {
	const char *name;
	int lo;    /* value of the first cell */
	int count; /* cells */
};

struct cube {
	const char *name;
	bool stock;    /* stock (else flow) */
	size_t offset; /* of the array in struct eng_stock or eng_flow */
	int ndims;
	struct dim dims[5];
};

#define SEX {"sex", 1, 2}
#define AGE {"age", 0, ENG_AGES}

static const struct cube cubes[] = {
	[XC_POP] = {"pop", true, offsetof(struct eng_stock, pop), 3, {SEX, AGE, {"marital", 1, 5}}},
	[XC_FP] = {"fp", true, offsetof(struct eng_stock, fp), 2,
		   {{"age", ENG_FP_AGE0, ENG_FP_AGES}, {"method", 0, 10}}},
	[XC_HH] = {"hh", true, offsetof(struct eng_stock, hh), 2, {{"type", 1, 2}, {"poverty", 0, 3}}},
	[XC_BIRTH] = {"birth", false, offsetof(struct eng_flow, birth), 4,
		      {SEX, {"mother_age", ENG_MOTHER_AGE0, ENG_MOTHER_AGES}, {"order", 1, ENG_ORDERS},
		       {"place", 1, 4}}},
	[XC_DEATH] = {"death", false, offsetof(struct eng_flow, death), 2, {SEX, AGE}},
	[XC_IN] = {"in", false, offsetof(struct eng_flow, in), 2, {SEX, AGE}},
	[XC_OUT] = {"out", false, offsetof(struct eng_flow, out), 2, {SEX, AGE}},
	[XC_MARRIAGE] = {"marriage", false, offsetof(struct eng_flow, marriage), 5,
			 {SEX, AGE, {"consanguineous", 0, 2}, {"premarital", 0, 2}, {"couple", 0, 2}}},
	[XC_DIVORCE] = {"divorce", false, offsetof(struct eng_flow, divorce), 2, {SEX, AGE}},
	[XC_FP_START] = {"fp_start", false, offsetof(struct eng_flow, fp_start), 3,
			 {{"method", 0, 10}, {"source", 0, 4}, {"poverty", 0, 3}}},
	[XC_FP_STOP] = {"fp_stop", false, offsetof(struct eng_flow, fp_stop), 1, {{"method", 0, 10}}},
	[XC_PREGNANCY] = {"pregnancy", false, offsetof(struct eng_flow, pregnancy), 1, {{"outcome", 1, 4}}},
	[XC_PRENATAL] = {"prenatal", false, offsetof(struct eng_flow, prenatal), 1, {AGE}},
	[XC_NEWBORN] = {"newborn", false, offsetof(struct eng_flow, newborn), 1, {SEX}},
	[XC_ELDERLY] = {"elderly", false, offsetof(struct eng_flow, elderly), 2,
			{SEX, {"age", ENG_ELDER_AGE0, ENG_ELDER_AGES}}},
};

#define NCUBES (sizeof cubes / sizeof cubes[0])
_Static_assert(NCUBES == XC_COUNT, "a cube for each enum expr_cube");

/* ---- tree ---- */

enum op { OP_NUM, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_NEG, OP_CUBE, OP_ROW, OP_DAYS, OP_ANNUAL, OP_WHOLE_YEAR };

/* Cells of a cube read by a sum: count runs of len cells next to each
 * other, the first at offset start, each run stride cells after the one
 * before.  The births of every age and order at one place are one block
 * of 1,020 runs of one cell, 4 apart; all the births, one run of 4,080. */
struct cell_block {
	uint32_t start, len, stride, count;
};

struct expr {
	enum op op;
	double num;
	struct expr *l, *r;
	/* cube calls */
	const struct cube *cube;
	int sel;
	int sex_dim; /* index of the sex dimension, -1 */
	/* The cells read, for everyone, men, women, as blocks of runs
	 * (struct cell_block): a sum reads them in order, with no list of
	 * offsets. */
	struct cell_block *blocks[3];
	size_t nblocks[3];
	int slot; /* of the form's sums kept per column (expr_share), -1 */
	int row;
};

void expr_free(struct expr *x)
{
	if (!x)
		return;
	expr_free(x->l);
	expr_free(x->r);
	for (int i = 0; i < 3; i++)
		free(x->blocks[i]);
	free(x);
}

/* ---- parser ---- */

struct parser {
	const char *s;
	size_t pos;
	char *err;
	size_t errsz;
	int (*row_index)(const char *, void *);
	void *arg;
	bool failed;
};

static void fail(struct parser *p, const char *what)
{
	if (!p->failed)
		snprintf(p->err, p->errsz, "%s at offset %zu", what, p->pos);
	p->failed = true;
}

static void skip_ws(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n')
		p->pos++;
}

static bool accept(struct parser *p, char c)
{
	skip_ws(p);
	if (p->s[p->pos] == c) {
		p->pos++;
		return true;
	}
	return false;
}

static size_t ident(struct parser *p, char *out, size_t outsz)
{
	skip_ws(p);
	size_t n = 0;
	while (n + 1 < outsz) {
		char c = p->s[p->pos];
		if (!((c >= 'a' && c <= 'z') || c == '_' || (n && c >= '0' && c <= '9')))
			break;
		out[n++] = c;
		p->pos++;
	}
	out[n] = '\0';
	return n;
}

static bool integer(struct parser *p, int *out)
{
	skip_ws(p);
	int v = 0, n = 0;
	while (p->s[p->pos] >= '0' && p->s[p->pos] <= '9' && n < 6) {
		v = v * 10 + (p->s[p->pos++] - '0');
		n++;
	}
	*out = v;
	return n > 0;
}

static struct expr *node(enum op op, struct expr *l, struct expr *r)
{
	struct expr *x = calloc(1, sizeof *x);
	if (!x) {
		expr_free(l);
		expr_free(r);
		return NULL;
	}
	x->op = op;
	x->l = l;
	x->r = r;
	x->sex_dim = -1;
	x->slot = -1;
	return x;
}

static struct expr *parse_expr(struct parser *p);

/* Cell flat appended to the runs (pairs: first cell, length) run[0..*n). */
static void add_cell(uint32_t *run, size_t *n, uint32_t flat)
{
	if (*n && run[2 * *n - 2] + run[2 * *n - 1] == flat) {
		run[2 * *n - 1]++;
		return;
	}
	run[2 * *n] = flat;
	run[2 * *n + 1] = 1;
	(*n)++;
}

/* The n runs of run folded into blocks of runs of one length, evenly
 * spaced (struct cell_block); how many blocks. */
static size_t fold_runs(const uint32_t *run, size_t n, struct cell_block *b)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t start = run[2 * i], len = run[2 * i + 1];
		struct cell_block *l = m ? &b[m - 1] : NULL;
		if (l && l->len == len && (l->count == 1 || start == l->start + l->count * l->stride)) {
			if (l->count == 1)
				l->stride = start - l->start;
			l->count++;
			continue;
		}
		b[m++] = (struct cell_block){start, len, len, 1};
	}
	return m;
}

/* Cells of a cube selected by per-dimension value sets (bit i = value lo+i). */
static int compile_cells(struct expr *x, uint64_t sets[5][2])
{
	const struct cube *c = x->cube;
	size_t total = 1;
	for (int d = 0; d < c->ndims; d++)
		total *= (size_t)c->dims[d].count;
	uint32_t *run[3];
	size_t nrun[3] = {0, 0, 0};
	int failed = 0;
	for (int s = 0; s < 3; s++) {
		run[s] = malloc((2 * total + 2) * sizeof *run[s]);
		failed |= !run[s];
	}
	for (size_t flat = 0; flat < total && !failed; flat++) {
		size_t rest = flat;
		bool ok = true;
		int sexv = 0;
		for (int d = c->ndims - 1; d >= 0; d--) {
			int i = (int)(rest % (size_t)c->dims[d].count);
			rest /= (size_t)c->dims[d].count;
			if (!(sets[d][i >> 6] >> (i & 63) & 1))
				ok = false;
			if (d == x->sex_dim)
				sexv = i + 1;
		}
		if (!ok)
			continue;
		add_cell(run[0], &nrun[0], (uint32_t)flat);
		if (x->sex_dim >= 0)
			add_cell(run[sexv], &nrun[sexv], (uint32_t)flat);
	}
	for (int s = 0; s < 3 && !failed; s++) {
		if (!(x->blocks[s] = malloc((nrun[s] + 1) * sizeof *x->blocks[s])))
			failed = 1;
		else
			x->nblocks[s] = fold_runs(run[s], nrun[s], x->blocks[s]);
	}
	for (int s = 0; s < 3; s++)
		free(run[s]);
	return failed ? -1 : 0;
}

static void set_range(uint64_t set[2], int from, int to)
{
	for (int i = from; i <= to; i++)
		set[i >> 6] |= 1ull << (i & 63);
}

/* One filter: dim=a, dim=a..b, alternatives joined by |. */
static void parse_filter(struct parser *p, const struct cube *c, uint64_t sets[5][2], bool *given)
{
	char name[32];
	if (!ident(p, name, sizeof name)) {
		fail(p, "dimension name expected");
		return;
	}
	int d = 0;
	while (d < c->ndims && strcmp(c->dims[d].name, name) != 0)
		d++;
	if (d == c->ndims) {
		fail(p, "unknown dimension");
		return;
	}
	if (!accept(p, '=')) {
		fail(p, "'=' expected");
		return;
	}
	uint64_t set[2] = {0, 0};
	do {
		int a, b;
		if (!integer(p, &a)) {
			fail(p, "number expected");
			return;
		}
		b = a;
		skip_ws(p);
		if (p->s[p->pos] == '.' && p->s[p->pos + 1] == '.') {
			p->pos += 2;
			if (!integer(p, &b)) {
				fail(p, "number expected");
				return;
			}
		}
		const struct dim *dm = &c->dims[d];
		/* Values beyond the last cell fall into it (ages 100+, orders 10+). */
		int last = dm->lo + dm->count - 1;
		if (b > last && a <= last)
			b = last;
		if (a < dm->lo || b > last || a > b) {
			fail(p, "value out of the dimension's range");
			return;
		}
		set_range(set, a - dm->lo, b - dm->lo);
	} while (accept(p, '|'));
	if (given[d]) {
		sets[d][0] &= set[0];
		sets[d][1] &= set[1];
	} else {
		sets[d][0] = set[0];
		sets[d][1] = set[1];
		given[d] = true;
	}
}

static struct expr *parse_cube(struct parser *p, const struct cube *c)
{
	struct expr *x = node(OP_CUBE, NULL, NULL);
	if (!x)
		return NULL;
	x->cube = c;
	if (accept(p, '@')) {
		char sel[16];
		ident(p, sel, sizeof sel);
		if (c->stock && strcmp(sel, "start") == 0)
			x->sel = SEL_START;
		else if (!c->stock && strcmp(sel, "ytd") == 0)
			x->sel = SEL_YTD;
		else
			fail(p, c->stock ? "only @start applies to a stock" : "only @ytd applies to a flow");
	}
	uint64_t sets[5][2];
	bool given[5] = {0};
	for (int d = 0; d < c->ndims; d++) {
		sets[d][0] = sets[d][1] = 0;
		set_range(sets[d], 0, c->dims[d].count - 1);
		if (strcmp(c->dims[d].name, "sex") == 0)
			x->sex_dim = d;
	}
	if (!accept(p, '('))
		fail(p, "'(' expected");
	if (!accept(p, ')')) {
		do
			parse_filter(p, c, sets, given);
		while (!p->failed && accept(p, ','));
		if (!accept(p, ')'))
			fail(p, "')' expected");
	}
	if (!p->failed && compile_cells(x, sets))
		fail(p, "out of memory");
	return x;
}

static struct expr *parse_factor(struct parser *p)
{
	skip_ws(p);
	char c = p->s[p->pos];
	if (accept(p, '('))
	{
		struct expr *x = parse_expr(p);
		if (!accept(p, ')'))
			fail(p, "')' expected");
		return x;
	}
	if (accept(p, '-'))
		return node(OP_NEG, parse_factor(p), NULL);
	if ((c >= '0' && c <= '9') || c == '.') {
		char *end;
		double v = strtod(p->s + p->pos, &end);
		p->pos = (size_t)(end - p->s);
		struct expr *x = node(OP_NUM, NULL, NULL);
		if (x)
			x->num = v;
		return x;
	}
	char name[32];
	if (!ident(p, name, sizeof name)) {
		fail(p, "value expected");
		return NULL;
	}
	if (strcmp(name, "days") == 0)
		return node(OP_DAYS, NULL, NULL);
	if (strcmp(name, "annual") == 0)
		return node(OP_ANNUAL, NULL, NULL);
	if (strcmp(name, "whole_year") == 0)
		return node(OP_WHOLE_YEAR, NULL, NULL);
	if (strcmp(name, "row") == 0) {
		char code[32];
		size_t n = 0;
		if (!accept(p, '(') || !accept(p, '"')) {
			fail(p, "row(\"code\") expected");
			return NULL;
		}
		while (p->s[p->pos] && p->s[p->pos] != '"' && n + 1 < sizeof code)
			code[n++] = p->s[p->pos++];
		code[n] = '\0';
		if (!accept(p, '"') || !accept(p, ')')) {
			fail(p, "row(\"code\") expected");
			return NULL;
		}
		struct expr *x = node(OP_ROW, NULL, NULL);
		if (x && (x->row = p->row_index ? p->row_index(code, p->arg) : -1) < 0)
			fail(p, "unknown or later row");
		return x;
	}
	for (size_t i = 0; i < NCUBES; i++)
		if (strcmp(cubes[i].name, name) == 0)
			return parse_cube(p, &cubes[i]);
	fail(p, "unknown name");
	return NULL;
}

static struct expr *parse_term(struct parser *p)
{
	struct expr *x = parse_factor(p);
	for (;;) {
		if (accept(p, '*'))
			x = node(OP_MUL, x, parse_factor(p));
		else if (accept(p, '/'))
			x = node(OP_DIV, x, parse_factor(p));
		else
			return x;
	}
}

static struct expr *parse_expr(struct parser *p)
{
	struct expr *x = parse_term(p);
	for (;;) {
		if (accept(p, '+'))
			x = node(OP_ADD, x, parse_term(p));
		else if (accept(p, '-'))
			x = node(OP_SUB, x, parse_term(p));
		else
			return x;
	}
}

static bool complete(const struct expr *x)
{
	if (!x)
		return false;
	switch (x->op) {
	case OP_ADD:
	case OP_SUB:
	case OP_MUL:
	case OP_DIV: return complete(x->l) && complete(x->r);
	case OP_NEG: return complete(x->l);
	default: return true;
	}
}

struct expr *expr_parse(const char *text, int (*row_index)(const char *, void *), void *arg,
			char *err, size_t errsz)
{
	struct parser p = {text, 0, err, errsz, row_index, arg, false};
	struct expr *x = parse_expr(&p);
	skip_ws(&p);
	if (!p.failed && p.s[p.pos])
		fail(&p, "unexpected text");
	if (!p.failed && !complete(x))
		fail(&p, "out of memory");
	if (p.failed) {
		expr_free(x);
		return NULL;
	}
	return x;
}

void expr_needs(const struct expr *x, struct expr_needs *n)
{
	if (!x)
		return;
	if (x->op == OP_CUBE) {
		if (x->cube->stock)
			n->stock[x->sel] = true;
		else
			n->flow[x->sel] = true;
	}
	expr_needs(x->l, n);
	expr_needs(x->r, n);
}

const char *expr_cube_name(int cube)
{
	return cube >= 0 && cube < (int)NCUBES ? cubes[cube].name : NULL;
}

uint32_t expr_reads(const struct expr *x, uint32_t (*row_reads)(int row, void *arg), void *arg)
{
	if (!x)
		return 0;
	uint32_t r = 0;
	if (x->op == OP_CUBE)
		r = EXPR_READS(x->cube - cubes, x->sel);
	else if (x->op == OP_ROW && row_reads)
		r = row_reads(x->row, arg);
	return r | expr_reads(x->l, row_reads, arg) | expr_reads(x->r, row_reads, arg);
}

bool expr_has_sex(const struct expr *x)
{
	if (!x)
		return false;
	if (x->op == OP_CUBE && x->sex_dim >= 0)
		return true;
	return expr_has_sex(x->l) || expr_has_sex(x->r);
}

bool expr_sex_additive(const struct expr *x)
{
	switch (x->op) {
	case OP_ADD:
	case OP_SUB: return expr_sex_additive(x->l) && expr_sex_additive(x->r);
	case OP_NEG: return expr_sex_additive(x->l);
	case OP_CUBE: return x->sex_dim >= 0;
	default: return false;
	}
}

/* Whether two cube calls read the same cells of the same cube. */
static bool same_cells(const struct expr *a, const struct expr *b)
{
	if (a->cube != b->cube || a->sel != b->sel || a->sex_dim != b->sex_dim)
		return false;
	for (int i = 0; i < 3; i++)
		if (a->nblocks[i] != b->nblocks[i] ||
		    (a->nblocks[i] && memcmp(a->blocks[i], b->blocks[i], a->nblocks[i] * sizeof *a->blocks[i])))
			return false;
	return true;
}

/* The cube calls of x, appended to v from n on (v NULL: only counted). */
static size_t cube_calls(struct expr *x, struct expr **v, size_t n)
{
	if (!x)
		return n;
	if (x->op == OP_CUBE) {
		if (v)
			v[n] = x;
		n++;
	}
	n = cube_calls(x->l, v, n);
	return cube_calls(x->r, v, n);
}

size_t expr_share(struct expr *const *xs, size_t n, uint8_t **summable)
{
	size_t m = 0, slots = 0;
	*summable = NULL;
	for (size_t i = 0; i < n; i++)
		m = cube_calls(xs[i], NULL, m);
	struct expr **v = malloc((m + 1) * sizeof *v);
	uint8_t *sum = malloc(m + 1);
	if (!v || !sum) {
		free(v);
		free(sum);
		return 0; /* no sums kept: every call sums its cells */
	}
	m = 0;
	for (size_t i = 0; i < n; i++)
		m = cube_calls(xs[i], v, m);
	for (size_t i = 0; i < m; i++) {
		v[i]->slot = -1;
		for (size_t j = 0; j < i && v[i]->slot < 0; j++)
			if (same_cells(v[i], v[j]))
				v[i]->slot = v[j]->slot;
		if (v[i]->slot < 0) {
			/* Distinct persons do not add up over columns. */
			ptrdiff_t c = v[i]->cube - cubes;
			sum[slots] = c != XC_PRENATAL && c != XC_NEWBORN && c != XC_ELDERLY;
			v[i]->slot = (int)slots++;
		}
	}
	free(v);
	*summable = sum;
	return slots;
}

/*
 * The sum of the len cells from c, four at a time.  The cells count
 * persons, households or events of one column, each once in a cube, so
 * every sum of a cube's cells is at most the register's persons or events,
 * below 2^31: added as unsigned 32-bit numbers (which wrap, so the order of
 * the adds changes nothing), the sum is exact.
 */
typedef uint32_t cells4 __attribute__((vector_size(16)));

static uint32_t run_sum(const int32_t *c, uint32_t len)
{
	cells4 a = {0, 0, 0, 0}, b = {0, 0, 0, 0};
	uint32_t i = 0;
	for (; i + 8 <= len; i += 8) {
		cells4 x, y;
		memcpy(&x, c + i, sizeof x);
		memcpy(&y, c + i + 4, sizeof y);
		a += x;
		b += y;
	}
	a += b;
	uint32_t s = a[0] + a[1] + a[2] + a[3];
	for (; i < len; i++)
		s += (uint32_t)c[i];
	return s;
}

/* The cells of block b of cells, as run_sum adds them. */
static uint32_t block_sum(const int32_t *cells, const struct cell_block *b)
{
	const int32_t *c = cells + b->start;
	uint32_t s = 0, t = 0, k = 0;
	if (b->len >= 8) {
		for (; k < b->count; k++, c += b->stride)
			s += run_sum(c, b->len);
		return s;
	}
	/* Short runs: two chains of adds. */
	for (; k + 2 <= b->count; k += 2, c += 2 * b->stride)
		for (uint32_t i = 0; i < b->len; i++) {
			s += (uint32_t)c[i];
			t += (uint32_t)c[b->stride + i];
		}
	for (; k < b->count; k++, c += b->stride)
		for (uint32_t i = 0; i < b->len; i++)
			s += (uint32_t)c[i];
	return s + t;
}

static double cube_sum(const struct expr *x, const struct expr_env *env, int sex)
{
	int which = x->sex_dim >= 0 ? sex : 0;
	size_t k = (size_t)x->slot * 3 + (size_t)which;
	if (env->kept && x->slot >= 0 && env->known[k])
		return env->kept[k];
	const char *base = x->cube->stock ? (const char *)env->stock[x->sel]
					  : (const char *)env->flow[x->sel];
	if (!base)
		return NAN;
	const int32_t *cells = (const int32_t *)(base + x->cube->offset);
	uint32_t sum = 0;
	for (size_t r = 0, n = x->nblocks[which]; r < n; r++)
		sum += block_sum(cells, &x->blocks[which][r]);
	double v = (double)sum;
	if (env->kept && x->slot >= 0) {
		env->kept[k] = v;
		env->known[k] = 1;
	}
	return v;
}

double expr_eval(const struct expr *x, const struct expr_env *env, int sex)
{
	double a, b;
	switch (x->op) {
	case OP_NUM: return x->num;
	case OP_ADD: return expr_eval(x->l, env, sex) + expr_eval(x->r, env, sex);
	case OP_SUB: return expr_eval(x->l, env, sex) - expr_eval(x->r, env, sex);
	case OP_MUL: return expr_eval(x->l, env, sex) * expr_eval(x->r, env, sex);
	case OP_DIV:
		a = expr_eval(x->l, env, sex);
		b = expr_eval(x->r, env, sex);
		return b == 0 || isnan(b) ? NAN : a / b;
	case OP_NEG: return -expr_eval(x->l, env, sex);
	case OP_CUBE: return cube_sum(x, env, sex);
	case OP_ROW: return env->rows ? env->rows[x->row] : NAN;
	case OP_DAYS: return env->days;
	/* A calendar year is not scaled (2024 has 366 days); a shorter period
	 * is brought to 365 days. */
	case OP_ANNUAL: return env->whole_year ? 1.0 : env->days > 0 ? 365.0 / env->days : NAN;
	case OP_WHOLE_YEAR: return env->whole_year ? 1.0 : 0.0;
	}
	return NAN;
}
