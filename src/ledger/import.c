/*
 * Baseline import from the CSV exchange files.  Every row is checked
 * (syntax, codes, references, uniqueness, dates) and the whole import is
 * one transaction: it applies completely or, at the first refused row,
 * goes on checking to report every problem and then changes nothing.  With
 * keep_good, good rows are applied and refused ones written to a rejects
 * file with their reasons.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/hmap.h"
#include "base/progress.h"
#include "ledger/ledger.h"

struct imp {
	struct ledger *lg;
	const struct import_opts *o;
	struct import_stats *stats;
	long errors;
	int64_t baseline;
	struct hmap households; /* id -> rid * 128 + province, of this import */
	struct hmap nids;       /* national ids of this import */
	struct hmap persons;    /* person ids of this import */
	bool db_had[3];         /* the store had rows of this kind before */
	struct buf line;
	/* The record number of this import's household of each ordinal (0:
	 * refused by the store); the map above holds ordinal * 128 + province. */
	int64_t *hh_rid;
	size_t hh_cap, nhh;
	const char *file; /* the file being read, for problems found by the writer */
	bool threads;     /* reading and writing run side by side: problems take mu */
	pthread_mutex_t mu;
};

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static void write_reject(struct imp *im, const struct ds_problem *p, const struct csv *c)
{
	FILE *f = im->o->rejects;
	if (!f)
		return;
	struct buf *b = &im->line;
	buf_reset(b);
	buf_csv_field(b, p->file);
	buf_printf(b, ",%ld,", p->line);
	buf_csv_field(b, p->field);
	buf_printf(b, ",%s,", ds_why_code(p->why));
	buf_csv_field(b, ds_why_en(p->why));
	buf_putc(b, ',');
	if (c) {
		/* The row as it was written, so that it can be fixed and imported again. */
		size_t n;
		const char *raw = csv_raw(c, &n);
		char *tmp = strndup(raw, n);
		if (tmp)
			buf_csv_field(b, tmp);
		free(tmp);
	}
	buf_putc(b, '\n');
	fwrite(b->data, 1, b->len, f);
}

/* A refused row: counted, reported, written to the rejects file. */
static void problem(struct imp *im, enum store_kind kind, const struct ds_problem *p,
		    const struct csv *c)
{
	if (im->threads)
		pthread_mutex_lock(&im->mu);
	im->errors++;
	im->stats->rejected[kind]++;
	if (im->o->on_problem)
		im->o->on_problem(p, im->o->arg);
	write_reject(im, p, c);
	if (im->threads)
		pthread_mutex_unlock(&im->mu);
}

static void row_problem(struct imp *im, enum store_kind kind, const struct csv *c,
			const char *field, enum ds_why why)
{
	struct ds_problem p;
	ds_problem_set(&p, c->name, c->rec_line, field, why);
	problem(im, kind, &p, c);
}

static enum ds_rc open_csv(struct imp *im, enum store_kind kind, const char *path,
			   const char *const *cols, size_t ncols, struct csv *c)
{
	struct ds_problem p;
	enum ds_rc rc = csv_open(c, path, basename_of(path), &p);
	if (rc == DS_OK && (rc = csv_header(c, cols, ncols, &p)))
		csv_close(c);
	if (rc) {
		im->errors++;
		if (im->o->on_problem)
			im->o->on_problem(&p, im->o->arg);
		write_reject(im, &p, NULL);
		im->stats->rejected[kind]++;
	}
	return rc;
}

/* Reads the next record; bad syntax is reported and skipped. */
static int next_row(struct imp *im, enum store_kind kind, struct csv *c)
{
	for (;;) {
		struct ds_problem p;
		int r = csv_next(c, &p);
		if (r >= 0) {
			if (r)
				im->stats->rows[kind]++;
			return r;
		}
		im->stats->rows[kind]++;
		problem(im, kind, &p, c);
	}
}

/* ---- units ---- */

struct urow {
	struct reg_unit u;
	long line;
	bool bad;
};

static int urow_level_cmp(const void *pa, const void *pb)
{
	const struct urow *a = pa, *b = pb;
	if (a->u.level != b->u.level)
		return (int)a->u.level - (int)b->u.level;
	return (a->line > b->line) - (a->line < b->line);
}

static bool overlaps(const struct reg_unit *a, const struct reg_unit *b)
{
	int32_t af = a->valid_from == DAY_NONE ? INT32_MIN + 1 : a->valid_from;
	int32_t bf = b->valid_from == DAY_NONE ? INT32_MIN + 1 : b->valid_from;
	return af <= b->valid_to && bf <= a->valid_to;
}

/*
 * The file's rows by code: indexes into rows (sorted by level, then line)
 * ordered by code, then index, so that the rows of one code before row i
 * are found by a binary search instead of a pass over all the rows before
 * it (a unit file of the whole country has hundreds of thousands).
 */
struct ucodes {
	const struct urow *rows;
	size_t *idx, n;
};

static int ucode_cmp(const void *pa, const void *pb, void *arg)
{
	const struct urow *rows = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = strcmp(rows[a].u.code, rows[b].u.code);
	return c ? c : (a > b) - (a < b);
}

/* The rows of code before row `before`: idx[*lo .. return). */
static size_t ucodes_of(const struct ucodes *x, const char *code, size_t before, size_t *lo)
{
	size_t a = 0, b = x->n;
	while (a < b) {
		size_t m = (a + b) / 2;
		if (strcmp(x->rows[x->idx[m]].u.code, code) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (b < x->n && x->idx[b] < before && strcmp(x->rows[x->idx[b]].u.code, code) == 0)
		b++;
	return b;
}

/* True when a row of the parent covers the first day of the child's link
 * (a stored row, or a good row of the file before row i). */
static bool parent_covers(const struct reg_units *t, const struct ucodes *x, size_t i,
			  const struct reg_unit *child, enum reg_level *plevel)
{
	size_t first, k = reg_units_rows(t, child->parent, &first);
	for (size_t j = 0; j < k; j++) {
		const struct reg_unit *p = &t->rows[first + j];
		*plevel = p->level;
		if (overlaps(p, child))
			return true;
	}
	size_t lo, hi = ucodes_of(x, child->parent, i, &lo);
	for (size_t j = lo; j < hi; j++) {
		const struct urow *r = &x->rows[x->idx[j]];
		if (r->bad)
			continue;
		*plevel = r->u.level;
		if (overlaps(&r->u, child))
			return true;
	}
	return false;
}

static void unit_refuse(struct imp *im, struct csv *c, struct urow *r, const char *field,
			enum ds_why why)
{
	struct ds_problem p;
	ds_problem_set(&p, c->name, r->line, field, why);
	r->bad = true;
	problem(im, STORE_UNITS, &p, NULL);
}

/* Cross-row rules: no overlapping rows of one code, one level per code, a
 * parent of the level above that exists on the link's dates. */
static enum ds_rc check_units(struct imp *im, struct csv *c, struct urow *rows, size_t n)
{
	const struct reg_units *t = &im->lg->units;
	qsort(rows, n, sizeof *rows, urow_level_cmp);
	struct ucodes x = {rows, malloc((n + 1) * sizeof *x.idx), n};
	if (!x.idx)
		return DS_ENOMEM;
	for (size_t i = 0; i < n; i++)
		x.idx[i] = i;
	qsort_r(x.idx, n, sizeof *x.idx, ucode_cmp, rows);
	for (size_t i = 0; i < n; i++) {
		struct urow *r = &rows[i];
		if (r->bad)
			continue;
		size_t first, k = reg_units_rows(t, r->u.code, &first);
		for (size_t j = 0; j < k && !r->bad; j++) {
			const struct reg_unit *e = &t->rows[first + j];
			if (e->level != r->u.level)
				unit_refuse(im, c, r, "level", W_BAD_LEVEL);
			else if (overlaps(e, &r->u))
				unit_refuse(im, c, r, "valid_from", W_UNIT_OVERLAP);
		}
		size_t lo, hi = ucodes_of(&x, r->u.code, i, &lo);
		for (size_t j = lo; j < hi && !r->bad; j++) {
			const struct urow *e = &rows[x.idx[j]];
			if (e->bad)
				continue;
			if (e->u.level != r->u.level)
				unit_refuse(im, c, r, "level", W_BAD_LEVEL);
			else if (overlaps(&e->u, &r->u))
				unit_refuse(im, c, r, "valid_from", W_UNIT_OVERLAP);
		}
		if (r->bad || r->u.level == LVL_PROVINCE)
			continue;
		enum reg_level plevel = LVL_NONE;
		if (!parent_covers(t, &x, i, &r->u, &plevel))
			unit_refuse(im, c, r, "parent_code", plevel ? W_NO_PARENT : W_NO_UNIT);
		else if (!reg_level_parent_ok(r->u.level, plevel))
			unit_refuse(im, c, r, "parent_code", W_PARENT_LEVEL);
	}
	free(x.idx);
	return DS_OK;
}

static enum ds_rc import_units(struct imp *im)
{
	struct csv c;
	enum ds_rc rc = open_csv(im, STORE_UNITS, im->o->units, reg_unit_cols, UC_COUNT, &c);
	if (rc)
		return rc;
	struct urow *rows = NULL;
	size_t n = 0, cap = 0;
	int r;
	while ((r = next_row(im, STORE_UNITS, &c)) > 0) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			struct urow *nr = realloc(rows, cap * sizeof *nr);
			if (!nr) {
				rc = DS_ENOMEM;
				goto out;
			}
			rows = nr;
		}
		struct urow *u = &rows[n];
		reg_unit_init(&u->u);
		u->line = c.rec_line;
		u->bad = false;
		enum ds_why w = W_NONE;
		int col;
		for (col = 0; col < UC_COUNT && !w; col++) {
			struct csv_field f = csv_col(&c, (size_t)col);
			w = reg_unit_set(&u->u, (enum reg_ucol)col, f.p, f.n);
		}
		enum reg_ucol bad_col = (enum reg_ucol)(col - 1);
		if (!w)
			w = reg_unit_check(&u->u, &bad_col);
		if (w) {
			row_problem(im, STORE_UNITS, &c, reg_unit_cols[bad_col], w);
			continue;
		}
		n++;
	}
	rc = check_units(im, &c, rows, n);
	for (size_t i = 0; i < n && !rc; i++) {
		if (rows[i].bad)
			continue;
		if ((rc = store_unit_add(im->lg->st, &rows[i].u)) == DS_OK)
			im->stats->added[STORE_UNITS]++;
	}
	if (!rc)
		rc = ledger_reload_units(im->lg);
out:
	free(rows);
	csv_close(&c);
	return rc;
}

/* ---- reading beside writing ----
 *
 * Rows of households and persons are read and checked on one thread while
 * the store writes the rows already checked on this one: batches of rows
 * pass through a small bounded ring.  Reading needs the store only to look
 * for ids stored before this import, so the two run side by side only when
 * the store had no rows of the kinds the checks look up; otherwise the
 * same two steps alternate on this thread.
 */

#define PIPE_ROWS 1024
#define PIPE_DEPTH 4

/* One kind's steps: read the next good row into row (*got false at the end
 * of the file), and write n rows read (lines: their lines in the file). */
struct pipe_kind {
	enum store_kind kind;
	size_t size; /* bytes of a row */
	enum ds_rc (*read)(struct imp *im, struct csv *c, struct progress *pr, void *row, bool *got);
	enum ds_rc (*write)(struct imp *im, void *rows, const long *lines, size_t n);
};

struct pipe {
	struct imp *im;
	const struct pipe_kind *k;
	struct csv *c;
	struct progress *pr;
	unsigned char *rows[PIPE_DEPTH];
	long *lines[PIPE_DEPTH];
	size_t n[PIPE_DEPTH];
	size_t filled, taken; /* batches handed over, batches written */
	bool done, stop;      /* the reader is at the end; the writer failed */
	enum ds_rc read_rc;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* Reads up to PIPE_ROWS good rows into rows (their lines into lines), *end
 * at the end of the file or an error. */
static enum ds_rc pipe_read(struct imp *im, const struct pipe_kind *k, struct csv *c,
			    struct progress *pr, unsigned char *rows, long *lines, size_t *n, bool *end)
{
	enum ds_rc rc = DS_OK;
	for (*n = 0; *n < PIPE_ROWS;) {
		bool got = false;
		rc = k->read(im, c, pr, rows + *n * k->size, &got);
		if (rc || !got) {
			*end = true;
			break;
		}
		lines[(*n)++] = c->rec_line;
	}
	return rc;
}

static void *pipe_reader(void *arg)
{
	struct pipe *pp = arg;
	for (bool end = false; !end;) {
		pthread_mutex_lock(&pp->mu);
		while (pp->filled - pp->taken == PIPE_DEPTH && !pp->stop)
			pthread_cond_wait(&pp->cv, &pp->mu);
		bool stop = pp->stop;
		pthread_mutex_unlock(&pp->mu);
		if (stop)
			break;
		size_t b = pp->filled % PIPE_DEPTH, n;
		enum ds_rc rc = pipe_read(pp->im, pp->k, pp->c, pp->pr, pp->rows[b], pp->lines[b], &n, &end);
		pthread_mutex_lock(&pp->mu);
		pp->n[b] = n;
		pp->filled++;
		if (end) {
			pp->done = true;
			pp->read_rc = rc;
		}
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
	}
	return NULL;
}

/* Writes the batches the reader hands over, until the end or an error. */
static enum ds_rc pipe_write(struct pipe *pp)
{
	enum ds_rc rc = DS_OK;
	for (;;) {
		pthread_mutex_lock(&pp->mu);
		while (pp->filled == pp->taken && !pp->done)
			pthread_cond_wait(&pp->cv, &pp->mu);
		bool empty = pp->filled == pp->taken;
		pthread_mutex_unlock(&pp->mu);
		if (empty)
			return rc;
		size_t b = pp->taken % PIPE_DEPTH;
		rc = pp->k->write(pp->im, pp->rows[b], pp->lines[b], pp->n[b]);
		pthread_mutex_lock(&pp->mu);
		pp->taken++;
		if (rc)
			pp->stop = true;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
		if (rc)
			return rc;
	}
}

/* Reads and writes every row of c, PIPE_ROWS at a time, on two threads
 * when two_threads. */
static enum ds_rc pipe_run(struct imp *im, const struct pipe_kind *k, struct csv *c,
			   struct progress *pr, bool two_threads)
{
	enum ds_rc rc = DS_OK;
	struct pipe pp = {.im = im, .k = k, .c = c, .pr = pr};
	for (int b = 0; b < (two_threads ? PIPE_DEPTH : 1); b++) {
		pp.rows[b] = malloc(PIPE_ROWS * k->size);
		pp.lines[b] = malloc(PIPE_ROWS * sizeof *pp.lines[b]);
		if (!pp.rows[b] || !pp.lines[b])
			rc = DS_ENOMEM;
	}
	pthread_t t;
	if (!rc && !two_threads) {
		for (bool end = false; !end && !rc;) {
			size_t n;
			rc = pipe_read(im, k, c, pr, pp.rows[0], pp.lines[0], &n, &end);
			if (!rc)
				rc = k->write(im, pp.rows[0], pp.lines[0], n);
		}
	} else if (!rc) {
		pthread_mutex_init(&pp.mu, NULL);
		pthread_cond_init(&pp.cv, NULL);
		im->threads = true;
		if (pthread_create(&t, NULL, pipe_reader, &pp) != 0) {
			rc = DS_ENOMEM;
		} else {
			rc = pipe_write(&pp);
			pthread_join(t, NULL);
			if (!rc)
				rc = pp.read_rc;
		}
		im->threads = false;
		pthread_cond_destroy(&pp.cv);
		pthread_mutex_destroy(&pp.mu);
	}
	for (int b = 0; b < PIPE_DEPTH; b++) {
		free(pp.rows[b]);
		free(pp.lines[b]);
	}
	return rc;
}

/* A row the store refused (a uniqueness it checks itself), by line. */
static void late_problem(struct imp *im, enum store_kind kind, const char *file, long line,
			 const char *field, enum ds_why why)
{
	struct ds_problem p;
	ds_problem_set(&p, file, line, field, why);
	problem(im, kind, &p, NULL);
}

/* ---- households ---- */

/* Reads the next household row that passes the checks.  Its id goes into
 * the import's map with its ordinal; the writer fills in the record number. */
static enum ds_rc household_read(struct imp *im, struct csv *c, struct progress *pr, void *row,
				 bool *got)
{
	struct store_household *h = row;
	struct store *st = im->lg->st;
	bool empty = !im->db_had[STORE_HOUSEHOLDS];
	while (next_row(im, STORE_HOUSEHOLDS, c) > 0) {
		progress_tick(pr, csv_offset(c), c->size, "bytes");
		*h = (struct store_household){.entry = im->o->as_of, .baseline = im->baseline};
		reg_household_init(&h->rec);
		enum ds_why w = W_NONE;
		int col;
		for (col = 0; col < HC_COUNT && !w; col++) {
			struct csv_field f = csv_col(c, (size_t)col);
			w = reg_household_set(&h->rec, (enum reg_hcol)col, f.p, f.n);
		}
		if (w) {
			row_problem(im, STORE_HOUSEHOLDS, c, reg_household_cols[col - 1], w);
			continue;
		}
		const struct reg_unit *area = reg_units_at(&im->lg->units, h->rec.area, im->o->as_of);
		size_t first;
		if (!area) {
			row_problem(im, STORE_HOUSEHOLDS, c, "area_code",
				    reg_units_rows(&im->lg->units, h->rec.area, &first) ? W_AREA_CLOSED
										 : W_NO_UNIT);
			continue;
		}
		if (area->level != LVL_AREA) {
			row_problem(im, STORE_HOUSEHOLDS, c, "area_code", W_NOT_AREA);
			continue;
		}
		size_t idlen = strlen(h->rec.id);
		struct store_household old;
		if (hmap_get(&im->households, h->rec.id, idlen, NULL) ||
		    (!empty && store_household_get(st, h->rec.id, 0, &old) == DS_OK)) {
			row_problem(im, STORE_HOUSEHOLDS, c, "household_id", W_DUP_ID);
			continue;
		}
		h->prov = reg_units_province(&im->lg->units, h->rec.area);
		/* The ordinal travels in rid until the writer replaces it. */
		h->rid = im->nhh++;
		enum ds_rc rc = hmap_put(&im->households, h->rec.id, idlen, h->rid * 128 + h->prov,
					 NULL, NULL);
		if (rc)
			return rc;
		*got = true;
		return DS_OK;
	}
	return DS_OK;
}

static enum ds_rc household_write(struct imp *im, struct store_household *h, long line)
{
	size_t k = (size_t)h->rid;
	if (k >= im->hh_cap) {
		size_t cap = im->hh_cap ? im->hh_cap * 2 : 4096;
		while (cap <= k)
			cap *= 2;
		int64_t *v = realloc(im->hh_rid, cap * sizeof *v);
		if (!v)
			return DS_ENOMEM;
		memset(v + im->hh_cap, 0, (cap - im->hh_cap) * sizeof *v);
		im->hh_rid = v;
		im->hh_cap = cap;
	}
	enum ds_rc rc = store_household_add(im->lg->st, h);
	if (rc == DS_ECONFLICT) {
		/* Left at record number 0: its persons find no household. */
		late_problem(im, STORE_HOUSEHOLDS, im->file, line, "household_id", W_DUP_ID);
		return DS_OK;
	}
	if (rc)
		return rc;
	im->hh_rid[k] = h->rid;
	im->stats->added[STORE_HOUSEHOLDS]++;
	return DS_OK;
}

static enum ds_rc households_write(struct imp *im, void *rows, const long *lines, size_t n)
{
	enum ds_rc rc = DS_OK;
	for (size_t i = 0; i < n && !rc; i++)
		rc = household_write(im, (struct store_household *)rows + i, lines[i]);
	return rc;
}

static const struct pipe_kind households_pipe = {STORE_HOUSEHOLDS, sizeof(struct store_household),
						 household_read, households_write};

static enum ds_rc import_households(struct imp *im)
{
	struct store *st = im->lg->st;
	struct csv c;
	enum ds_rc rc = open_csv(im, STORE_HOUSEHOLDS, im->o->households, reg_household_cols,
				 HC_COUNT, &c);
	if (rc)
		return rc;
	struct progress pr;
	progress_start(&pr, "import households.csv", im->o->progress);
	bool empty = !im->db_had[STORE_HOUSEHOLDS];
	im->file = c.name;
	if (!(rc = store_bulk_begin(st, STORE_HOUSEHOLDS, empty)))
		rc = pipe_run(im, &households_pipe, &c, &pr, empty);
	progress_end(&pr);
	if (!rc)
		rc = store_bulk_end(st, STORE_HOUSEHOLDS, empty);
	csv_close(&c);
	return rc;
}

/* ---- persons ---- */

/* The household of a person row: this import's, or one already stored. */
static enum ds_rc person_household(struct imp *im, const char *id, int64_t *rid, int *prov,
				   bool *found)
{
	int64_t v;
	*found = false;
	if (hmap_get(&im->households, id, strlen(id), &v) && (size_t)(v / 128) < im->hh_cap &&
	    im->hh_rid[v / 128]) {
		*rid = im->hh_rid[v / 128];
		*prov = (int)(v % 128);
		*found = true;
		return DS_OK;
	}
	if (!im->db_had[STORE_HOUSEHOLDS])
		return DS_OK;
	struct store_household h;
	enum ds_rc rc = store_household_get(im->lg->st, id, 0, &h);
	if (rc == DS_ENOTFOUND)
		return DS_OK;
	if (rc == DS_OK && h.entry <= im->o->as_of) {
		*rid = h.rid;
		*prov = h.prov;
		*found = true;
	}
	return rc;
}

/* Parses and checks one person row; W_NONE when it may be inserted. */
static enum ds_why person_row(struct imp *im, struct csv *c, struct store_person *p,
			      const char **field)
{
	reg_person_init(&p->rec);
	enum ds_why w = W_NONE;
	int col;
	for (col = 0; col < PC_COUNT && !w; col++) {
		struct csv_field f = csv_col(c, (size_t)col);
		w = reg_person_set(&p->rec, (enum reg_pcol)col, f.p, f.n);
	}
	if (w) {
		*field = reg_person_cols[col - 1];
		return w;
	}
	enum reg_pcol bad;
	if ((w = reg_person_check(&p->rec, im->o->as_of, &bad))) {
		*field = reg_person_cols[bad];
		return w;
	}
	*field = "person_id";
	bool seen = false;
	struct store_person old;
	if (hmap_put(&im->persons, p->rec.id, strlen(p->rec.id), 1, &seen, NULL))
		return W_TOO_LONG;
	if (seen || (im->db_had[STORE_PERSONS] &&
		     store_person_get(im->lg->st, p->rec.id, 0, &old) == DS_OK))
		return W_DUP_ID;
	*field = "national_id";
	const char *nid = p->rec.national_id;
	if (nid[0]) {
		bool existing = false;
		if (hmap_put(&im->nids, nid, strlen(nid), 1, &existing, NULL))
			return W_TOO_LONG;
		if (existing)
			return W_DUP_NATIONAL_ID;
		int64_t owner;
		if (im->db_had[STORE_PERSONS] &&
		    store_nid_owner(im->lg->st, nid, &owner) == DS_OK)
			return W_DUP_NATIONAL_ID;
	}
	return W_NONE;
}

/* Reads the next person row that passes every check. */
static enum ds_rc person_read(struct imp *im, struct csv *c, struct progress *pr, void *row,
			      bool *got)
{
	struct store_new_person *np = row;
	struct store_person *p = &np->p;
	while (next_row(im, STORE_PERSONS, c) > 0) {
		progress_tick(pr, csv_offset(c), c->size, "bytes");
		p->entry = im->o->as_of;
		p->entry_seq = 0;
		p->baseline = im->baseline;
		const char *field = NULL;
		enum ds_why w = person_row(im, c, p, &field);
		if (w) {
			row_problem(im, STORE_PERSONS, c, field, w);
			continue;
		}
		bool found;
		enum ds_rc rc = person_household(im, p->rec.household, &p->hh, &p->prov, &found);
		if (rc)
			return rc;
		if (!found) {
			row_problem(im, STORE_PERSONS, c, "household_id", W_NO_HOUSEHOLD);
			continue;
		}
		store_new_person_prepare(np);
		*got = true;
		return DS_OK;
	}
	return DS_OK;
}

static enum ds_rc persons_write(struct imp *im, void *rows, const long *lines, size_t n)
{
	struct store_new_person *v = rows;
	struct store *st = im->lg->st;
	for (size_t i = 0; i < n;) {
		size_t added;
		enum ds_rc rc = store_persons_add(st, v + i, n - i, &added);
		im->stats->added[STORE_PERSONS] += (long)added;
		i += added;
		if (rc != DS_ECONFLICT)
			return rc;
		/* The unique id (or, in a non-empty table, national id) index refused v[i]. */
		struct store_person other;
		bool dup_id = store_person_get(st, v[i].p.rec.id, 0, &other) == DS_OK;
		late_problem(im, STORE_PERSONS, im->file, lines[i], dup_id ? "person_id" : "national_id",
			     dup_id ? W_DUP_ID : W_DUP_NATIONAL_ID);
		i++;
	}
	return DS_OK;
}

static const struct pipe_kind persons_pipe = {STORE_PERSONS, sizeof(struct store_new_person),
					      person_read, persons_write};

static enum ds_rc import_persons(struct imp *im)
{
	struct store *st = im->lg->st;
	struct csv c;
	enum ds_rc rc = open_csv(im, STORE_PERSONS, im->o->persons, reg_person_cols, PC_COUNT, &c);
	if (rc)
		return rc;
	bool empty = !im->db_had[STORE_PERSONS];
	im->file = c.name;
	/* About 70 bytes a row: room for the file's ids without rehashing. */
	if ((rc = hmap_reserve(&im->persons, c.size / 70)) || (rc = hmap_reserve(&im->nids, c.size / 90)))
		goto out;
	if ((rc = store_bulk_begin(st, STORE_PERSONS, empty)))
		goto out;
	struct progress pr;
	progress_start(&pr, "import persons.csv", im->o->progress);
	rc = pipe_run(im, &persons_pipe, &c, &pr, empty && !im->db_had[STORE_HOUSEHOLDS]);
	progress_end(&pr);
	if (!rc)
		rc = store_bulk_end(st, STORE_PERSONS, empty);
out:
	csv_close(&c);
	return rc;
}

enum ds_rc ledger_import(struct ledger *lg, const struct import_opts *o, struct import_stats *stats)
{
	struct store *st = lg->st;
	struct imp im = {.lg = lg, .o = o, .stats = stats};
	pthread_mutex_init(&im.mu, NULL);
	memset(stats, 0, sizeof *stats);
	double t0 = progress_now();
	if (o->rejects)
		fputs("file,line,field,code,reason,row\n", o->rejects);
	enum ds_rc rc = DS_OK;
	for (int k = 0; k < 3 && !rc; k++) {
		int64_t n = 0;
		rc = store_count(st, (enum store_kind)k, &n);
		im.db_had[k] = n > 0;
	}
	bool bulk = !rc && o->persons && !im.db_had[STORE_PERSONS] &&
		    store_bulk_mode(st, true) == DS_OK;
	if (!rc)
		rc = store_begin(st);
	if (rc) {
		if (bulk)
			store_bulk_mode(st, false);
		pthread_mutex_destroy(&im.mu);
		return rc;
	}
	if (!rc && o->units)
		rc = import_units(&im);
	if (!rc && (o->households || o->persons)) {
		struct store_baseline b = {.as_of = o->as_of, .imported_at = (int64_t)time(NULL)};
		rc = store_baseline_add(st, &b);
		im.baseline = b.id;
	}
	if (!rc && o->households)
		rc = import_households(&im);
	if (!rc && o->persons)
		rc = import_persons(&im);
	if (!rc && im.errors && !o->keep_good)
		rc = DS_EINPUT;
	if (rc) {
		store_rollback(st);
		ledger_reload_units(lg);
		if (rc == DS_EINPUT)
			for (int k = 0; k < 3; k++)
				stats->added[k] = 0;
	} else {
		rc = store_commit(st);
	}
	if (bulk && store_bulk_mode(st, false) && !rc)
		rc = DS_EDB;
	hmap_free(&im.households);
	hmap_free(&im.nids);
	hmap_free(&im.persons);
	buf_free(&im.line);
	free(im.hh_rid);
	pthread_mutex_destroy(&im.mu);
	stats->seconds = progress_now() - t0;
	return rc;
}
