/*
 * What a change of the map needs of the engine: the persons counted in
 * each collaborator area on a day, so that a preview can say the
 * population of units that do not exist yet (the sum of their areas).
 */
#include <stdlib.h>

#include "engine/engine_int.h"

struct tally {
	int32_t key; /* eng_date_key of the day */
	int64_t *counts;
};

static bool count_one(const struct eng_spells *s, size_t k, int32_t area, void *arg)
{
	struct tally *t = arg;
	int sex = eng_info_sex(s->info[k]);
	/* As a stock counts (engine_stock.c): born by the day, of a known sex. */
	if (s->born[k] <= t->key && (sex == 1 || sex == 2))
		t->counts[area]++;
	return true;
}

enum ds_rc engine_area_population(const struct eng_view *v, int32_t day, int64_t **counts,
				  size_t *n)
{
	const struct engine *e = eng_of(v);
	int64_t *c = calloc(e->nareas + 1, sizeof *c);
	int32_t *all = calloc(e->nareas + 1, sizeof *all); /* every area in column 0 */
	if (!c || !all) {
		free(c);
		free(all);
		return DS_ENOMEM;
	}
	struct tally t = {.key = eng_date_key(day), .counts = c};
	eng_each_present(e, all, day, count_one, &t);
	free(all);
	*counts = c;
	*n = e->nareas;
	return DS_OK;
}
