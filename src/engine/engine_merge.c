/*
 * Merges in the engine: a duplicate person is counted nowhere (no spells,
 * no events), and the facts of theirs that fit are counted as the facts of
 * the person who remains (register/rules.h, reg_merge_timeline).  The
 * engine keeps the merges it has applied, as pairs, so that a later fact of
 * the person who remains rebuilds their timeline with the duplicate's.
 */
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "engine/engine_int.h"

enum ds_rc eng_merge_note(struct engine *e, int64_t dup, int64_t rem)
{
	size_t i = e->merges.n, c1 = e->merges.cap, c2 = e->merges.cap;
	if (!ds_grow(&e->merges.dup, sizeof *e->merges.dup, &c1, i, 16) ||
	    !ds_grow(&e->merges.rem, sizeof *e->merges.rem, &c2, i, 16))
		return DS_ENOMEM;
	e->merges.cap = c1 < c2 ? c1 : c2;
	e->merges.dup[i] = dup;
	e->merges.rem[i] = rem;
	e->merges.n++;
	return DS_OK;
}

void eng_merge_forget(struct engine *e, int64_t dup)
{
	for (size_t i = 0; i < e->merges.n; i++)
		if (e->merges.dup[i] == dup) {
			e->merges.dup[i] = e->merges.dup[e->merges.n - 1];
			e->merges.rem[i] = e->merges.rem[e->merges.n - 1];
			e->merges.n--;
			return;
		}
}

bool eng_merge_is_rem(const struct engine *e, int64_t rid)
{
	for (size_t i = 0; i < e->merges.n; i++)
		if (e->merges.rem[i] == rid)
			return true;
	return false;
}

/* The state a lite record gives (what the rules read of it). */
static void lite_state(const struct store_person_lite *p, struct reg_state *s)
{
	*s = (struct reg_state){.rid = p->rid,
				.entry = p->entry,
				.exit = DAY_MAX,
				.sex = p->sex,
				.birth = p->birth,
				.marital = p->marital,
				.residence = p->residence,
				.fp_method = p->fp_method,
				.hh = p->hh};
}

enum ds_rc eng_merge_timeline(const struct engine *e, const struct store_person_lite *p,
			      const struct reg_fact *own, size_t n, eng_facts_fn get, void *arg,
			      struct reg_fact **out, size_t *nout)
{
	struct reg_fact *cur = malloc((n + 1) * sizeof *cur);
	if (!cur)
		return DS_ENOMEM;
	if (n)
		memcpy(cur, own, n * sizeof *cur);
	size_t m = n;
	enum ds_rc rc = DS_OK;
	struct reg_state s;
	lite_state(p, &s);
	for (size_t i = 0; i < e->merges.n && !rc; i++) {
		if (e->merges.rem[i] != p->rid)
			continue;
		struct reg_fact *df = NULL, *next = NULL;
		size_t nd = 0;
		if ((rc = get(arg, e->merges.dup[i], &df, &nd)))
			break;
		if (!(next = malloc((m + nd + 1) * sizeof *next))) {
			free(df);
			rc = DS_ENOMEM;
			break;
		}
		m = reg_merge_timeline(&s, cur, m, df, nd, next, NULL);
		free(df);
		free(cur);
		cur = next;
	}
	if (rc) {
		free(cur);
		return rc;
	}
	*out = cur;
	*nout = m;
	return DS_OK;
}
