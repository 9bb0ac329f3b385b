/*
 * Projections from the register and their scenarios, for province and
 * national officers: a unit's projection (one scenario, or several side by
 * side) as JSON, CSV or XLSX; the scenarios saved for a unit; saving one
 * through the writer.  All three only for a unit in the caller's scope (a
 * province officer's province; anything for a national one): a
 * projection starts from the register's own counts by single age, where
 * a village's cells are persons, and a planner plans for their own units.
 * Out of scope reads exactly as a unit that does not exist.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "base/day.h"
#include "demog/fc_render.h"
#include "demog/fromreg.h"
#include "records/records.h"

static bool is_vi(const struct api_ctx *c)
{
	return strcmp(c->lang, "vi") == 0;
}

/* Answers a refused request: 404 for what does not exist, 422 for the rest. */
static void refuse(struct api_ctx *c, enum ds_rc rc, const struct ds_problem *pb)
{
	api_error(c, rc == DS_ENOTFOUND ? 404 : rc == DS_EUSAGE ? 400 : 422, ds_why_code(pb->why),
		  is_vi(c) ? ds_why_vi(pb->why) : ds_why_en(pb->why), pb->field);
}

/* JSON with the precision a reader can run the projection again from. */
static void answer_json(struct api_ctx *c, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	json_decref(body);
	if (!s) {
		api_error(c, 503, "memory", "out of memory", NULL);
		return;
	}
	c->rs->status = 200;
	c->rs->content_type = "application/json; charset=utf-8";
	buf_reset(&c->rs->body);
	buf_puts(&c->rs->body, s);
	free(s);
}

/* The unit is in the caller's scope; else answered as a unit that does not exist. */
static bool unit_in_scope(struct api_ctx *c, const char *unit)
{
	if (api_user_covers(c->app, &c->user, unit))
		return true;
	api_error(c, 404, ds_why_code(W_NO_UNIT), is_vi(c) ? ds_why_vi(W_NO_UNIT) : ds_why_en(W_NO_UNIT),
		  "unit");
	return false;
}

/* A date parameter; false (answered 400) when given and not a date. */
static bool date_param(struct api_ctx *c, const char *name, int32_t *out)
{
	char v[16];
	if (!api_query(c, name, v, sizeof v))
		return true;
	if (day_parse(v, strlen(v), out))
		return true;
	api_error(c, 400, "bad_date", is_vi(c) ? ds_why_vi(W_BAD_DATE) : ds_why_en(W_BAD_DATE), name);
	return false;
}

/* The request's parameters; false when one is missing or malformed (answered). */
static bool projection_request(struct api_ctx *c, struct dm_reg_request *rq, char *unit,
			       size_t unit_size, char *names, size_t names_size)
{
	char to[8];
	*rq = (struct dm_reg_request){.base = DAY_NONE, .map_date = DAY_NONE, .today = day_today(),
				      .two_threads = true};
	if (!api_query(c, "unit", unit, unit_size) || !unit[0]) {
		api_error(c, 400, "required", "give unit, base (YYYY-MM-DD) and to (a year)", "unit");
		return false;
	}
	rq->unit = unit;
	if (!unit_in_scope(c, unit))
		return false;
	if (!date_param(c, "base", &rq->base) || !date_param(c, "map_date", &rq->map_date))
		return false;
	if (rq->base == DAY_NONE) {
		api_error(c, 400, "required", "give base: the base date, YYYY-MM-DD", "base");
		return false;
	}
	if (!api_query(c, "to", to, sizeof to) ||
	    reg_parse_small(to, strlen(to), DAY_MIN_YEAR, DAY_MAX_YEAR, &rq->horizon)) {
		api_error(c, 400, "bad_number", "give to: the last year to project", "to");
		return false;
	}
	if (api_query(c, "scenario", names, names_size))
		for (char *save = NULL, *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (rq->nscenarios == DM_REG_SCENARIOS_MAX) {
				api_error(c, 400, "out_of_range", "at most 8 scenarios", "scenario");
				return false;
			}
			rq->scenario[rq->nscenarios++] = t;
		}
	return true;
}

/* dm_fc_xlsx for api_answer_xlsx. */
struct fc_xlsx_arg {
	const struct dm_reg_result *r;
	const char *lang;
};

static enum ds_rc fc_xlsx_write(const char *path, void *arg)
{
	const struct fc_xlsx_arg *x = arg;
	return dm_fc_xlsx(x->r, x->lang, path);
}

static void answer_file(struct api_ctx *c, const struct dm_reg_result *r, const char *fmt,
			const char *lang)
{
	/* "du-bao-dan-so_Phường Sài Gòn_2025-12-31.xlsx": the unit and the base date */
	char name[REG_TEXT_BYTES + 64], base[11];
	day_format(r->base, base);
	api_file_name(name, sizeof name, "du-bao-dan-so", r->unit_name[0] ? r->unit_name : r->unit, base,
		      strcmp(fmt, "csv") == 0 ? "csv" : "xlsx");
	if (strcmp(fmt, "csv") == 0) {
		c->rs->status = 200;
		c->rs->content_type = "text/csv; charset=utf-8";
		buf_puts(&c->rs->body, "\xEF\xBB\xBF"); /* Excel reads UTF-8 with a BOM */
		dm_fc_csv(r, lang, &c->rs->body);
		api_attachment(c, name);
		return;
	}
	struct fc_xlsx_arg x = {r, lang};
	api_answer_xlsx(c, fc_xlsx_write, &x, name);
}

void h_projection(struct api_ctx *c)
{
	char unit[REG_UNIT_CODE_MAX + 2] = "", names[400] = "", fmt[8] = "json", lang[4] = "";
	struct dm_reg_request rq;
	if (!projection_request(c, &rq, unit, sizeof unit, names, sizeof names))
		return;
	api_query(c, "format", fmt, sizeof fmt);
	if (strcmp(fmt, "json") && strcmp(fmt, "csv") && strcmp(fmt, "xlsx")) {
		api_error(c, 400, "bad_code", "format is json, csv or xlsx", "format");
		return;
	}
	if (!api_query(c, "lang", lang, sizeof lang))
		snprintf(lang, sizeof lang, "%s", c->lang);
	struct dm_fc_national *nat = malloc(sizeof *nat);
	struct dm_reg_result *r = malloc(sizeof *r);
	struct ds_problem pb = {0};
	enum ds_rc rc = nat && r ? dm_reg_national(nat) : DS_ENOMEM;
	if (!rc)
		rc = dm_reg_run(c->app->engine, c->app->book, nat, &rq, r, &pb);
	if (rc && pb.field[0])
		refuse(c, rc, &pb);
	else if (rc)
		api_error(c, 503, "internal", "the projection could not be computed", NULL);
	else if (strcmp(fmt, "json") == 0)
		answer_json(c, r->n > 1 ? dm_fc_compare_json(r, lang) : dm_fc_json(r, 0, lang, true));
	else
		answer_file(c, r, fmt, lang);
	if (!rc)
		api_audit(c, "projection", "unit", r->unit, "ok");
	if (r)
		dm_reg_free(r);
	free(r);
	free(nat);
}

/* ---- scenarios ---- */

struct listing {
	const char *unit;
	json_t *out;
};

static bool list_one(const struct rec_entry *e, void *arg)
{
	struct listing *l = arg;
	if (strcmp(l->unit, e->unit) != 0)
		return true;
	char date[11];
	day_format(e->date, date);
	json_t *o = json_deep_copy(e->body);
	json_object_set_new(o, "unit", json_string(e->unit));
	json_object_set_new(o, "base", json_string(date));
	json_object_set_new(o, "recorded_by", json_string(e->recorded_by));
	json_array_append_new(l->out, o);
	return true;
}

void h_scenarios(struct api_ctx *c)
{
	char unit[REG_UNIT_CODE_MAX + 2];
	if (!api_query(c, "unit", unit, sizeof unit) || !unit[0]) {
		api_error(c, 400, "required", "give unit", "unit");
		return;
	}
	if (!unit_in_scope(c, unit))
		return;
	struct listing l = {unit, json_array()};
	rec_book_each(c->app->book, "scenario", list_one, &l);
	answer_json(c, json_pack("{s:s, s:o}", "unit", unit, "scenarios", l.out));
}

/* A scenario on its way to the writer. */
struct scenario_write {
	struct rec rec;
	struct rec_result res;
};

/* The writer's part: the current version of the name, if any, is the one this replaces. */
static enum ds_rc record_scenario(struct api_app *app, struct store *st, const struct api_user *user,
				  void *arg)
{
	struct scenario_write *w = arg;
	struct store_record old;
	enum ds_rc rc = store_record_latest(st, "scenario", w->rec.unit, w->rec.key, &old);
	if (rc == DS_OK) {
		w->rec.has_supersedes = true;
		memcpy(w->rec.supersedes, old.id, 16);
	} else if (rc != DS_ENOTFOUND) {
		return rc;
	}
	return rec_record(st, &app->ledger.units, &w->rec, user->login, &w->res);
}

static void scenario_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct scenario_write *w = arg;
	if (rc) {
		api_error(c, 503, "store", "the scenario could not be saved", NULL);
	} else if (w->res.outcome == REC_REFUSED) {
		refuse(c, DS_EINPUT, &w->res.problem);
	} else {
		char id[REG_UUID_TEXT];
		reg_uuid_format(w->rec.id, id);
		api_json(c, 201, json_pack("{s:s, s:s, s:s, s:I}", "status", "saved", "name", w->rec.key,
					   "id", id, "seq", (json_int_t)w->res.seq));
	}
	rec_free(&w->rec);
	free(w);
}

/*
 * The body {unit, base, name, label, tfr, srb, e0_gain, migration} as a
 * scenario record (the members other than unit and base are its body);
 * answers and returns false when it is refused.  A refused member is named
 * as the body has it ("srb.value").
 */
static bool scenario_parse(struct api_ctx *c, json_t *in, struct rec *r)
{
	const char *unit = json_string_value(json_object_get(in, "unit"));
	const char *base = json_string_value(json_object_get(in, "base"));
	if (!unit || !base) {
		api_error(c, 422, "required", is_vi(c) ? ds_why_vi(W_REQUIRED) : ds_why_en(W_REQUIRED),
			  !unit ? "unit" : "base");
		return false;
	}
	json_t *body = json_deep_copy(in);
	json_object_del(body, "unit");
	json_object_del(body, "base");
	char id[REG_UUID_TEXT];
	uint8_t raw[16];
	rec_new_id(raw);
	reg_uuid_format(raw, id);
	json_t *env = json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", id, "kind", "scenario", "unit", unit,
				"date", base, "body", body);
	struct ds_problem pb;
	enum ds_rc rc = env ? rec_parse(env, r, &pb) : DS_ENOMEM;
	json_decref(env);
	if (rc == DS_ENOMEM) {
		api_error(c, 503, "memory", "out of memory", NULL);
		return false;
	}
	if (rc) {
		if (strcmp(pb.field, "date") == 0)
			snprintf(pb.field, sizeof pb.field, "base");
		else if (strncmp(pb.field, "body.", 5) == 0)
			memmove(pb.field, pb.field + 5, strlen(pb.field + 5) + 1);
		refuse(c, DS_EINPUT, &pb);
		return false;
	}
	if (r->date > day_today()) {
		ds_problem_set(&pb, NULL, 0, "base", W_DATE_FUTURE);
		refuse(c, DS_EINPUT, &pb);
		return false;
	}
	return unit_in_scope(c, r->unit);
}

void h_scenario_save(struct api_ctx *c)
{
	json_t *b = api_body(c);
	if (!b)
		return;
	struct scenario_write *w = calloc(1, sizeof *w);
	if (!w)
		api_error(c, 503, "memory", "out of memory", NULL);
	else if (!json_is_object(b))
		api_error(c, 422, "json_not_object", ds_why_en(W_JSON_NOT_OBJECT), NULL);
	else if (scenario_parse(c, b, &w->rec)) {
		json_decref(b);
		if (api_write(c, record_scenario, scenario_done, w))
			return;
		api_error(c, 503, "stopping", "the server is stopping; try again", NULL);
		b = NULL;
	}
	if (w)
		rec_free(&w->rec);
	free(w);
	json_decref(b);
}
