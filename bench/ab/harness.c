
/*
 * bench/ab.sh: appended to src/engine/engine_query.c in a throw-away
 * checkout, whose engine_query it renames engine_query_as.  eng_ab
 * alternates 0 and 1 from one query to the next (a patch's code chooses
 * its way by it), and each way's times of the queries of more than 100
 * columns (AB_MIN_COLUMNS in the environment: the national report has
 * 35) are printed at exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int eng_ab;
enum ds_rc engine_query_as(const struct eng_view *v, const struct eng_query *q,
			   struct eng_result *r);
static double ab_ms[2][1000];
static int ab_n[2];

static int ab_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

__attribute__((destructor)) static void ab_print(void)
{
	for (int k = 0; k < 2; k++) {
		if (!ab_n[k])
			continue;
		qsort(ab_ms[k], (size_t)ab_n[k], sizeof ab_ms[k][0], ab_cmp);
		fprintf(stderr, "ab: way %d (%s): median %.2f ms, best %.2f, worst %.2f over %d queries\n",
			k, k ? "before" : "after", ab_ms[k][ab_n[k] / 2], ab_ms[k][0],
			ab_ms[k][ab_n[k] - 1], ab_n[k]);
	}
}

enum ds_rc engine_query(const struct eng_view *v, const struct eng_query *q, struct eng_result *r)
{
	static int calls;
	static size_t min_cols;
	if (!min_cols) {
		const char *m = getenv("AB_MIN_COLUMNS");
		min_cols = m && *m ? strtoul(m, NULL, 10) : 101;
	}
	struct timespec t0, t1;
	eng_ab = calls++ & 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	enum ds_rc rc = engine_query_as(v, q, r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (q->ncols >= min_cols && ab_n[eng_ab] < 1000)
		ab_ms[eng_ab][ab_n[eng_ab]++] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
						(double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	return rc;
}
