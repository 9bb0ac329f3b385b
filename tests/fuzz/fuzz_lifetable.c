/*
 * libFuzzer target: lifetable.csv (demog/files.h, dm_read_lifetable), the
 * life table method behind it, and the rendering of what it accepts.
 *
 * The input is a whole file.  Its own header picks the variant (mx or
 * deaths and exposure, with or without ax); when that header is refused,
 * the input is read again behind each of the two usual headers, so that
 * mutations of the rows are not all stopped at the header.
 *
 * Invariants checked besides memory safety, for every table accepted:
 * 0 <= qx <= 1, the open group's qx = 1, lx never rises, every column
 * finite (but the Sx of an abridged table's group 1-4), ex and Sx not
 * negative; the CSV and JSON output never holds "nan" or "inf"; and the
 * person-years give survival ratios for a projection of any width whose
 * groups the table's nest in, without a NaN.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "demog/files.h"
#include "demog/render.h"

static void check_table(const struct dm_lt *t)
{
	for (size_t i = 0; i < t->n; i++) {
		bool skip_s = t->layout == DM_ABRIDGED && i == 1;
		double v[] = {t->mx[i], t->ax[i], t->qx[i], t->lx[i], t->dx[i],
			      t->Lx[i], t->Tx[i], t->ex[i], skip_s ? 0 : t->Sx[i]};
		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
			if (!isfinite(v[k]) || v[k] < 0)
				__builtin_trap();
		if (t->qx[i] > 1 || (i > 0 && t->lx[i] > t->lx[i - 1]))
			__builtin_trap();
	}
	if (t->qx[t->n - 1] != 1)
		__builtin_trap();
}

static void check_output(const struct dm_lt *const *t, size_t n, enum dm_format f)
{
	struct buf b = {0};
	if (dm_render_lifetables(t, n, f, &b) == DS_OK && b.data &&
	    (strstr(b.data, "nan") || strstr(b.data, "inf")))
		__builtin_trap();
	buf_free(&b);
}

static void check_ratios(const struct dm_lt_set *set)
{
	struct dm_L_set L;
	double S[2][DM_GROUPS_MAX];
	struct ds_problem pb;
	dm_L_from_lifetables(set, "lifetable.csv", &L);
	for (int n = 1; n <= 5; n += 4) {
		for (size_t groups = 2; groups < 30; groups += 7) {
			if (dm_L_ratios(&L, n, groups, S, &pb) != DS_OK)
				continue;
			for (int s = 0; s < 2; s++)
				for (size_t g = 0; g < groups; g++)
					if (!isfinite(S[s][g]) || S[s][g] < 0)
						__builtin_trap();
		}
	}
}

/* Reads a whole file; false when its header was refused. */
static bool one(const char *data, size_t size)
{
	struct dm_lt_set *set = malloc(sizeof *set);
	struct ds_problem pb = {0};
	enum ds_rc rc = dm_read_lifetable(data, size, "lifetable.csv", set, &pb);
	bool header_ok = !(rc == DS_EINPUT && pb.line <= 1 && pb.why == W_CSV_HEADER);
	if (rc == DS_OK) {
		const struct dm_lt *t[3];
		size_t n = 0;
		for (int s = 0; s < 3; s++)
			if (set->has[s])
				check_table(t[n++] = &set->t[s]);
		check_output(t, n, DM_CSV);
		check_output(t, n, DM_JSON);
		check_ratios(set);
	}
	char msg[512];
	ds_problem_format(&pb, "vi", msg, sizeof msg);
	free(set);
	return header_ok;
}

/* Reads the input behind head (which may be empty); false when the header was refused. */
static bool behind(const char *head, const uint8_t *data, size_t size)
{
	size_t h = strlen(head);
	/* Exactly these bytes, so that reading past them is caught. */
	char *buf = malloc(h + size ? h + size : 1);
	memcpy(buf, head, h);
	memcpy(buf + h, data, size);
	bool header_ok = one(buf, h + size);
	free(buf);
	return header_ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!behind("", data, size)) {
		behind("sex,age,width,mx,ax\n", data, size);
		behind("sex,age,width,deaths,exposure\n", data, size);
	}
	return 0;
}
