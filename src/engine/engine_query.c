/*
 * The query driver: a query's columns as a map from areas to columns, its
 * stocks and flows shared by two threads, and the result's cubes.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "engine/engine_int.h"

/*
 * A query is up to two stocks (passes over the spells) and two flows
 * (passes over the events).  Two threads share the work: the stocks are cut
 * into chunks of areas that both threads take in turn from a shared
 * counter, each counting into its own cubes (a household lies in one area,
 * so its once-per-stock count stays in one chunk), and the flows are whole
 * tasks taken first.  The second thread's cubes are added at the end,
 * half of the columns by each thread.
 * 64 chunks rather than 32: the threads end nearer together, about 1 ms
 * sooner at 10M in four runs of four (bench/ab/chunks-64.patch).
 */
#define STOCK_CHUNKS 64
/* Below this many spells in its areas a query runs on the calling thread
 * alone: a commune's month is done before a second thread would start. */
#define SIDE_SPELLS 100000

/*
 * Cubes kept from one query to the next, whichever thread frees them: a
 * province's columns take tens of megabytes (at 10M, 1,324 communes x 27 kB
 * of flows and 2 x 5.5 kB of stocks, twice for the second thread), which
 * the kernel would otherwise map and clear page by page for every query
 * (19,400 page faults a query).  A few blocks are kept, up to POOL_BYTES;
 * a block taken is cleared, as far as it is asked for, by the thread that
 * counts into it, the two threads beside each other.
 */
#define POOL_SLOTS 8
#define POOL_BYTES ((size_t)256 << 20)

union cube_block {
	size_t cap; /* bytes after the header */
	max_align_t align;
};

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static union cube_block *pool[POOL_SLOTS];
static size_t pool_held;

/* bytes of cubes, from the pool when a block is large enough (*dirty: as
 * a former query left them, for the thread that will count into them to
 * clear), else new and cleared. */
static void *cubes_take(size_t bytes, bool *dirty)
{
	union cube_block *b = NULL;
	int best = -1;
	pthread_mutex_lock(&pool_mu);
	for (int i = 0; i < POOL_SLOTS; i++)
		if (pool[i] && pool[i]->cap >= bytes && (best < 0 || pool[i]->cap < pool[best]->cap))
			best = i;
	if (best >= 0) {
		b = pool[best];
		pool[best] = NULL;
		pool_held -= b->cap;
	}
	pthread_mutex_unlock(&pool_mu);
	*dirty = b != NULL;
	if (b)
		return b + 1;
	if (!(b = calloc(1, sizeof *b + bytes)))
		return NULL;
	b->cap = bytes;
	return b + 1;
}

/* Cubes of cubes_take given back: kept when there is room, else freed. */
static void cubes_give(void *p)
{
	if (!p)
		return;
	union cube_block *b = (union cube_block *)p - 1;
	pthread_mutex_lock(&pool_mu);
	for (int i = 0; i < POOL_SLOTS && b && pool_held + b->cap <= POOL_BYTES; i++)
		if (!pool[i]) {
			pool[i] = b;
			pool_held += b->cap;
			b = NULL;
		}
	pthread_mutex_unlock(&pool_mu);
	free(b);
}

/*
 * Per calling thread, kept from one query to the next: the two household
 * bitmaps, which a stock pass leaves cleared, and for each of two flows
 * the distinct persons' bitmaps (eng_distinct_count), which it leaves
 * cleared.  A server answers from a few long-lived threads; a thread's
 * buffers are freed when it ends.
 */
struct reuse {
	uint8_t *seen[2];
	size_t seen_bytes;
	uint64_t *marks[2];
	size_t marks_words[2];
};

static pthread_key_t reuse_key;
static pthread_once_t reuse_once = PTHREAD_ONCE_INIT;

static void reuse_free(void *p)
{
	struct reuse *u = p;
	free(u->seen[0]);
	free(u->seen[1]);
	free(u->marks[0]);
	free(u->marks[1]);
	free(u);
}

static void reuse_make(void)
{
	if (pthread_key_create(&reuse_key, reuse_free))
		abort();
}

static struct reuse *reuse_get(void)
{
	pthread_once(&reuse_once, reuse_make);
	struct reuse *u = pthread_getspecific(reuse_key);
	if (!u && (u = calloc(1, sizeof *u)) && pthread_setspecific(reuse_key, u)) {
		free(u);
		u = NULL;
	}
	return u;
}

/* This thread's distinct persons' bitmaps (two for each of nflow flows),
 * cleared and grown to the engine's persons; false when out of memory. */
static bool marks_of(struct reuse *u, size_t words, int nflow)
{
	for (int i = 0; i < nflow; i++) {
		if (words <= u->marks_words[i])
			continue;
		free(u->marks[i]);
		u->marks_words[i] = 0;
		if (!(u->marks[i] = calloc(2 * words, sizeof *u->marks[i])))
			return false;
		u->marks_words[i] = words;
	}
	return true;
}

/* This thread's two cleared bitmaps, grown to the engine's households. */
static bool seen_of(struct reuse *u, size_t bytes)
{
	if (bytes <= u->seen_bytes)
		return true;
	for (int i = 0; i < 2; i++) {
		uint8_t *s = realloc(u->seen[i], bytes);
		if (!s)
			return false;
		memset(s + u->seen_bytes, 0, bytes - u->seen_bytes);
		u->seen[i] = s;
	}
	u->seen_bytes = bytes;
	return true;
}

struct worker;

struct work {
	const struct engine *e;
	const struct eng_query *q;
	const int32_t *area_col;
	const int32_t *area_commune;
	struct eng_flow *flow[2];
	bool flow_dirty[2];            /* ... to be cleared by the thread that counts it */
	uint64_t *marks[2];            /* for each flow (eng_flow_pass) */
	int nflow;                     /* flows to compute (a repeated one is copied) */
	size_t cut[STOCK_CHUNKS + 1];  /* area boundaries of the chunks, or */
	const int32_t *list;           /* on one thread: the query's areas */
	size_t nlist;
	int nstock;
	int year[2];                   /* of the stock dates */
	int next;                      /* next task: flows, then stock chunks */
	pthread_mutex_t mu;
	/* On two threads over the whole map (chunks): the households marked by
	 * both are counted in halves of the bitmaps once both threads are done
	 * with the spells, each half by one thread, so that the thread that
	 * took the flow, and marked few, takes its share of them; then each
	 * adds half of the second thread's cubes into the first's. */
	bool halves;
	pthread_barrier_t spells_done;
	struct worker *workers[2];
};

struct worker {
	struct work *w;
	struct eng_stock *stock[2]; /* this thread's cubes */
	bool dirty[2];              /* ... to be cleared by this thread first */
	uint8_t *seen[2];
	enum ds_rc rc;
};

static int take(struct work *w)
{
	pthread_mutex_lock(&w->mu);
	int t = w->next < w->nflow + (w->nstock ? STOCK_CHUNKS : 0) ? w->next++ : -1;
	pthread_mutex_unlock(&w->mu);
	return t;
}

static void *work_run(void *arg)
{
	struct worker *k = arg;
	struct work *w = k->w;
	const struct engine *e = w->e;
	struct eng_stock_ctx c[2];
	for (int i = 0; i < w->nstock; i++)
		if (k->dirty[i])
			memset(k->stock[i], 0, (w->q->ncols + 1) * sizeof *k->stock[i]);
	for (int i = 0; i < w->nstock; i++)
		c[i] = (struct eng_stock_ctx){e, w->q->stock_date[i], w->year[i],
					      eng_date_key(w->q->stock_date[i]), k->seen[i], k->stock[i],
					      !w->list};
	int t;
	while (!k->rc && (t = take(w)) >= 0) {
		if (t < w->nflow) {
			if (w->flow_dirty[t])
				memset(w->flow[t], 0, (w->q->ncols + 1) * sizeof *w->flow[t]);
			k->rc = eng_flow_pass(e, w->q->flow_from[t], w->q->flow_to[t], w->area_col,
					  w->area_commune, w->flow[t], w->q->ncols, w->marks[t]);
			continue;
		}
		int chunk = t - w->nflow;
		if (!w->list)
			eng_stock_areas(c, w->nstock, w->area_col, w->cut[chunk], w->cut[chunk + 1]);
		else if (chunk == 0)
			for (size_t i = 0; i < w->nlist; i++)
				eng_stock_areas(c, w->nstock, w->area_col, (size_t)w->list[i],
						(size_t)w->list[i] + 1);
	}
	if (w->halves) {
		/* The other thread's bitmaps are read (and cleared) here too:
		 * only once it has marked all it will. */
		pthread_barrier_wait(&w->spells_done);
		int me = w->workers[1] == k;
		bool ok = !w->workers[0]->rc && !w->workers[1]->rc;
		if (w->nstock && ok)
			eng_stock_households(c, w->nstock, w->area_col, w->workers[1 - me]->seen,
					     (size_t)me, 2);
		/* The second thread's cubes added into the first's, each thread
		 * half of the columns, once both have counted their households. */
		pthread_barrier_wait(&w->spells_done);
		size_t cols = w->q->ncols + 1, c0 = me ? cols / 2 : 0, c1 = me ? cols : cols / 2;
		for (int i = 0; i < w->nstock && ok; i++)
			eng_add_cells(&w->workers[0]->stock[i][c0], &w->workers[1]->stock[i][c0],
				      (c1 - c0) * sizeof *w->workers[0]->stock[i]);
		return NULL;
	}
	/* The households this thread marked lie in its chunks' areas only. */
	if (w->nstock && !k->rc)
		eng_stock_households(c, w->nstock, w->area_col, NULL, 0, 1);
	return NULL;
}

/* The calling thread's worker (stock: the result's cubes, dirty when a
 * former query left them as they were; u: its reused bitmaps) or the side
 * thread's (its own cubes and bitmaps). */
static enum ds_rc worker_init(struct worker *k, struct work *w, struct eng_stock **stock,
			      const bool *dirty, struct reuse *u)
{
	k->w = w;
	k->rc = DS_OK;
	for (int i = 0; i < w->nstock; i++) {
		k->dirty[i] = stock && dirty[i];
		k->stock[i] = stock ? stock[i]
				    : cubes_take((w->q->ncols + 1) * sizeof *k->stock[i], &k->dirty[i]);
		k->seen[i] = u ? u->seen[i] : calloc(eng_seen_bytes(w->e), 1);
		if (!k->stock[i] || !k->seen[i])
			return DS_ENOMEM;
	}
	return DS_OK;
}

static void worker_free(struct worker *k, bool own)
{
	for (int i = 0; i < 2; i++)
		if (own) {
			cubes_give(k->stock[i]);
			free(k->seen[i]);
		}
}

/* Chunk boundaries with about equal numbers of spells. */
static void cut_areas(const struct engine *e, size_t *cut)
{
	size_t total = e->area_off[e->nareas] + e->added.n, a = 0, acc = 0;
	cut[0] = 0;
	for (int c = 1; c < STOCK_CHUNKS; c++) {
		size_t goal = total / STOCK_CHUNKS * (size_t)c;
		while (a < e->nareas && acc < goal) {
			acc += e->area_off[a + 1] - e->area_off[a];
			a++;
		}
		cut[c] = a;
	}
	cut[STOCK_CHUNKS] = e->nareas;
}

enum ds_rc engine_query(const struct eng_view *v, const struct eng_query *q, struct eng_result *r)
{
	struct engine *e = eng_of(v);
	memset(r, 0, sizeof *r);
	r->ncols = q->ncols;
	r->unknown_col = -1;
	if (q->nstock > 2 || q->nflow > 2)
		return DS_EUSAGE;
	enum ds_rc rc = DS_OK;
	int32_t *list = NULL; /* the query's areas */
	int32_t *area_col = malloc((e->nareas + 1) * sizeof *area_col);
	struct eng_unitmap *m = eng_map_for(e, q->map_date);
	if (!area_col || !m) {
		rc = DS_ENOMEM;
		goto out;
	}
	for (size_t a = 0; a < e->nareas; a++)
		area_col[a] = -1;
	/* The query's areas (a unit's lie together in the map's list) and
	 * their spells, to tell a small query from a large one. */
	size_t spells = e->added.n, nlist = 0, lcap = 0;
	for (size_t col = 0; col < q->ncols; col++) {
		int64_t id = eng_unit_id(e, q->units[col]);
		if (id < 0) {
			if (r->unknown_col < 0)
				r->unknown_col = (int)col;
			continue;
		}
		for (uint32_t k = m->off[id]; k < m->off[id + 1]; k++) {
			int32_t a = m->areas[k];
			if (area_col[a] < 0) {
				if (!ds_grow(&list, sizeof *list, &lcap, nlist + 1, 256)) {
					rc = DS_ENOMEM;
					goto out;
				}
				list[nlist++] = a;
			}
			area_col[a] = (int32_t)col;
			spells += e->area_off[a + 1] - e->area_off[a];
		}
	}
	/* The result's cubes are cleared by the threads that count into them,
	 * beside each other, not here before they start. */
	bool stock_dirty[2] = {false, false}, flow_dirty[2] = {false, false};
	for (int i = 0; i < q->nstock && !rc; i++)
		if (!(r->stock[i] = cubes_take((q->ncols + 1) * sizeof *r->stock[i],
						  &stock_dirty[i])))
			rc = DS_ENOMEM;
	/* A second flow over the same days (the year to date of an annual
	 * report) is the first one: computed once, given twice. */
	bool same_flow = q->nflow == 2 && q->flow_from[0] == q->flow_from[1] &&
			 q->flow_to[0] == q->flow_to[1];
	for (int i = 0; i < q->nflow - same_flow && !rc; i++)
		if (!(r->flow[i] = cubes_take((q->ncols + 1) * sizeof *r->flow[i],
						 &flow_dirty[i])))
			rc = DS_ENOMEM;
	if (rc)
		goto out;
	struct work w = {.e = e, .q = q, .area_col = area_col, .area_commune = m->area_commune,
			 .flow = {r->flow[0], r->flow[1]},
			 .flow_dirty = {flow_dirty[0], flow_dirty[1]}, .nflow = q->nflow - same_flow,
			 .nstock = q->nstock};
	pthread_mutex_init(&w.mu, NULL);
	/* A small query is not worth a thread: its areas are read in a list. */
	bool want_side = spells >= SIDE_SPELLS && w.nflow + w.nstock > 0;
	if (want_side) {
		cut_areas(e, w.cut);
	} else {
		w.list = list;
		w.nlist = nlist;
	}
	struct reuse *u = reuse_get();
	if (!u || !seen_of(u, eng_seen_bytes(e)) || !marks_of(u, eng_distinct_words(e), w.nflow))
		rc = DS_ENOMEM;
	else
		for (int i = 0; i < 2; i++)
			w.marks[i] = u->marks[i];
	for (int i = 0; i < q->nstock && !rc; i++) {
		int mo, d;
		day_to_ymd(q->stock_date[i], &w.year[i], &mo, &d);
	}
	struct worker mine = {0}, side = {0};
	if (!rc)
		rc = worker_init(&mine, &w, r->stock, stock_dirty, u);
	pthread_t th;
	bool threaded = !rc && want_side && worker_init(&side, &w, NULL, NULL, NULL) == DS_OK;
	w.workers[0] = &mine;
	w.workers[1] = &side;
	w.halves = threaded && !w.list && pthread_barrier_init(&w.spells_done, NULL, 2) == 0;
	if (threaded && pthread_create(&th, NULL, work_run, &side) != 0) {
		threaded = false;
		if (w.halves)
			pthread_barrier_destroy(&w.spells_done);
		w.halves = false;
	}
	if (!rc) {
		work_run(&mine);
		rc = mine.rc;
	}
	if (threaded) {
		pthread_join(th, NULL);
		if (!rc)
			rc = side.rc;
		for (int i = 0; i < q->nstock && !rc && !w.halves; i++)
			eng_add_cells(r->stock[i], side.stock[i], (q->ncols + 1) * sizeof *r->stock[i]);
	}
	/* A pass cut short leaves marks behind: the bitmaps are reused cleared. */
	if (rc && u)
		for (int i = 0; i < 2; i++) {
			if (u->seen[i])
				memset(u->seen[i], 0, u->seen_bytes);
			if (u->marks[i])
				memset(u->marks[i], 0, 2 * u->marks_words[i] * sizeof *u->marks[i]);
		}
	worker_free(&mine, false);
	worker_free(&side, true);
	if (w.halves)
		pthread_barrier_destroy(&w.spells_done);
	pthread_mutex_destroy(&w.mu);
	if (same_flow)
		r->flow[1] = r->flow[0];
out:
	free(list);
	free(area_col);
	if (rc)
		eng_result_free(r);
	return rc;
}

void eng_result_free(struct eng_result *r)
{
	if (r->flow[1] == r->flow[0])
		r->flow[1] = NULL;
	for (int i = 0; i < 2; i++) {
		cubes_give(r->stock[i]);
		cubes_give(r->flow[i]);
		r->stock[i] = NULL;
		r->flow[i] = NULL;
	}
}
