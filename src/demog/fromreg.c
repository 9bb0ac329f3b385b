/* A unit's projection from its own register: the request checked, the counts read from the engine in one view, saved scenarios from the book, the methods run. */
#include "demog/fromreg.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/asset.h"
#include "base/day.h"
#include "base/progress.h"

enum ds_rc dm_reg_national(struct dm_fc_national *out)
{
	size_t ml, fl;
	const char *m = (const char *)asset_get("data/vn-mortality-2020-2025.csv", &ml);
	const char *f = (const char *)asset_get("data/vn-fertility-2020.csv", &fl);
	if (!m || !f)
		return DS_EINTERNAL;
	return dm_fc_national_parse(m, ml, f, fl, out) ? DS_EINTERNAL : DS_OK;
}

void dm_reg_rate_years(int32_t base, int *from, int *to)
{
	int y, m, d;
	day_to_ymd(base, &y, &m, &d);
	*to = m == 12 && d == 31 ? y : y - 1;
	*from = *to - DM_REG_RATE_YEARS + 1;
}

/* Exposure on a second thread, while the first counts the rest: both read
 * the engine through the caller's view, which holds it still. */
struct exposure_job {
	const struct eng_view *v;
	const char *unit;
	int32_t map_date, from, to;
	struct eng_dm_exposure x;
	enum ds_rc rc;
};

static void *exposure_run(void *arg)
{
	struct exposure_job *j = arg;
	j->rc = engine_dm_exposure(j->v, j->unit, j->map_date, j->from, j->to, &j->x);
	return NULL;
}

static void copy_counts(const struct eng_dm_pop *pop, const struct eng_dm_exposure *x,
			const struct eng_dm_flows *fl, struct dm_fc_counts *c)
{
	for (int s = 0; s < 2; s++) {
		for (int a = 0; a < DM_FC_AGES; a++) {
			c->pop[s][a] = (double)pop->n[s][a];
			c->exposure[s][a] = eng_dm_years(x->days[s][a]);
			c->deaths[s][a] = (double)fl->deaths[s][a];
			c->in[s][a] = (double)fl->in[s][a];
			c->out[s][a] = (double)fl->out[s][a];
		}
		for (int a = 0; a < DM_FC_MOTHERS; a++)
			c->births[s][a] = (double)fl->births[s][a];
	}
}

enum ds_rc dm_reg_counts(const struct eng_view *v, const char *unit, int32_t map_date, int32_t base,
			 int from, int to, bool two_threads, const struct eng_dm_flows *flows,
			 struct dm_fc_counts *c)
{
	memset(c, 0, sizeof *c);
	c->years = to - from + 1;
	struct exposure_job *j = malloc(sizeof *j);
	struct eng_dm_pop *pop = malloc(sizeof *pop);
	struct eng_dm_flows *fl = malloc(sizeof *fl);
	enum ds_rc rc = j && pop && fl ? DS_OK : DS_ENOMEM;
	pthread_t th;
	bool threaded = false;
	if (!rc) {
		*j = (struct exposure_job){v, unit, map_date, day_from_ymd(from, 1, 1),
					   day_from_ymd(to, 12, 31), {{{0}}}, DS_OK};
		threaded = two_threads && pthread_create(&th, NULL, exposure_run, j) == 0;
		rc = engine_dm_population(v, unit, map_date, base, pop);
		if (!rc && flows)
			*fl = *flows;
		else if (!rc)
			rc = engine_dm_flows(v, unit, map_date, j->from, j->to, fl);
		if (threaded)
			pthread_join(th, NULL);
		else
			exposure_run(j);
		if (!rc)
			rc = j->rc;
	}
	if (!rc)
		copy_counts(pop, &j->x, fl, c);
	free(j);
	free(pop);
	free(fl);
	return rc;
}

/* ---- scenarios ---- */

static void path_from_json(const json_t *p, bool *set, double *value, int *year)
{
	*set = json_is_object(p);
	if (*set) {
		*value = json_number_value(json_object_get(p, "value"));
		*year = (int)json_integer_value(json_object_get(p, "year"));
	}
}

void dm_scenario_from_json(const json_t *body, struct dm_scenario *sc)
{
	dm_scenario_default(sc);
	const char *name = json_string_value(json_object_get(body, "name"));
	snprintf(sc->name, sizeof sc->name, "%s", name ? name : "");
	path_from_json(json_object_get(body, "tfr"), &sc->tfr_set, &sc->tfr, &sc->tfr_year);
	path_from_json(json_object_get(body, "srb"), &sc->srb_set, &sc->srb, &sc->srb_year);
	sc->e0_gain = json_number_value(json_object_get(body, "e0_gain"));
	sc->migration = !json_is_false(json_object_get(body, "migration"));
}

struct found {
	struct dm_scenario *sc;
	char *label;
};

/* Under the book's lock: copies what the request needs, keeps no pointer. */
static void take_scenario(const struct rec_entry *e, void *arg)
{
	struct found *f = arg;
	dm_scenario_from_json(e->body, f->sc);
	const char *label = json_string_value(json_object_get(e->body, "label"));
	snprintf(f->label, REG_TEXT_BYTES, "%s", label ? label : "");
}

/* Scenario i of the request, from the book or the base; false when not saved. */
static bool find_scenario(struct rec_book *book, const char *unit, const char *name,
			  struct dm_scenario *sc, char *label, bool *saved)
{
	dm_scenario_default(sc);
	label[0] = '\0';
	*saved = false;
	if (!name || !name[0])
		return true;
	struct found f = {sc, label};
	*saved = book && rec_book_current(book, "scenario", unit, name, take_scenario, &f);
	return *saved || strcmp(name, "base") == 0;
}

/* ---- the request ---- */

static enum ds_rc refuse(struct ds_problem *pb, enum ds_rc rc, const char *field, enum ds_why why)
{
	ds_problem_set(pb, NULL, 0, field, why);
	return rc;
}

static enum ds_rc check(const struct dm_reg_request *rq, const struct reg_units *units,
			struct dm_reg_result *r, struct ds_problem *pb)
{
	/* A unit created after the base date (a commune of the 2025 merger for
	 * a base in 2024) is taken under today's map, as reports do, unless a
	 * map date is given. */
	if (rq->map_date == DAY_NONE && !reg_units_at(units, rq->unit, r->map_date) &&
	    reg_units_at(units, rq->unit, rq->today))
		r->map_date = rq->today;
	/* The unit must be in the map's tree: a projection of a unit closed
	 * before the map date, or made after it, would be one of nobody. */
	const struct reg_unit *u = reg_units_at(units, rq->unit, r->map_date);
	if (!u)
		return refuse(pb, DS_ENOTFOUND, "unit", W_NO_UNIT);
	snprintf(r->unit, sizeof r->unit, "%s", u->code);
	snprintf(r->unit_name, sizeof r->unit_name, "%s", u->name);
	r->level = u->level;
	if (rq->base > rq->today)
		return refuse(pb, DS_EINPUT, "base", W_DATE_FUTURE);
	int y, m, d;
	day_to_ymd(rq->base, &y, &m, &d);
	if (rq->horizon <= y)
		return refuse(pb, DS_EINPUT, "to", W_HORIZON_BEFORE_BASE);
	if (rq->horizon - y > DM_FC_STEPS_MAX)
		return refuse(pb, DS_EINPUT, "to", W_OUT_OF_RANGE);
	if (rq->nscenarios > DM_REG_SCENARIOS_MAX)
		return refuse(pb, DS_EINPUT, "scenario", W_OUT_OF_RANGE);
	return DS_OK;
}

static enum ds_rc project_all(const struct dm_reg_request *rq, struct rec_book *book,
			      const struct dm_fc_national *nat, struct dm_reg_result *r,
			      struct ds_problem *pb)
{
	int y, m, d;
	day_to_ymd(r->base, &y, &m, &d);
	size_t n = rq->nscenarios ? rq->nscenarios : 1;
	for (size_t i = 0; i < n; i++) {
		struct dm_scenario sc;
		const char *name = rq->nscenarios ? rq->scenario[i] : NULL;
		if (!find_scenario(book, r->unit, name, &sc, r->label[i], &r->saved[i]))
			return refuse(pb, DS_ENOTFOUND, "scenario", W_NO_SCENARIO);
		const char *field;
		enum ds_why why;
		enum ds_rc rc = dm_forecast_run(&r->counts, nat, &sc, y, rq->horizon, &r->f[i], &field, &why);
		r->n = i + 1;
		if (rc == DS_EINPUT)
			return refuse(pb, rc, field, why);
		if (rc)
			return rc;
	}
	return DS_OK;
}

enum ds_rc dm_reg_run(struct engine *e, struct rec_book *book, const struct dm_fc_national *nat,
		      const struct dm_reg_request *rq, struct dm_reg_result *r, struct ds_problem *pb)
{
	memset(r, 0, sizeof *r);
	memset(pb, 0, sizeof *pb);
	r->base = rq->base;
	r->map_date = rq->map_date == DAY_NONE ? rq->base : rq->map_date;
	dm_reg_rate_years(rq->base, &r->rates_from, &r->rates_to);
	double t0 = progress_now();
	const struct eng_view *v = engine_read(e);
	enum ds_rc rc = check(rq, eng_units(v), r, pb);
	if (!rc)
		rc = dm_reg_counts(v, r->unit, r->map_date, r->base, r->rates_from, r->rates_to,
				   rq->two_threads, rq->flows, &r->counts);
	engine_read_end(v);
	if (rc == DS_ENOTFOUND && !pb->field[0])
		refuse(pb, rc, "unit", W_NO_UNIT);
	double t1 = progress_now();
	r->read_seconds = t1 - t0;
	if (!rc)
		rc = project_all(rq, book, nat, r, pb);
	r->project_seconds = progress_now() - t1;
	return rc;
}

void dm_reg_free(struct dm_reg_result *r)
{
	for (size_t i = 0; i < DM_REG_SCENARIOS_MAX; i++)
		dm_forecast_free(&r->f[i]);
	r->n = 0;
}
