/* danso project --db: a unit's projection from its own register (one scenario, several compared, or every commune); danso scenario: saving and listing scenarios. */
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/progress.h"
#include "cli/cli.h"
#include "demog/fc_render.h"
#include "demog/fromreg.h"
#include "records/book.h"
#include "register/record.h"
#include "store/register.h"
#include "store/store.h"

/* Prints a refusal ("field: reason", in the user's language) and returns the exit status. */
static int refused(const char *cmd, enum ds_rc rc, const struct ds_problem *pb)
{
	if (!pb->field[0])
		return cli_fail(cmd, rc, "%s", ds_rc_str(rc));
	fprintf(stderr, "danso %s: ", cmd);
	cli_problem(pb);
	return ds_rc_exit(rc);
}

static bool parse_year(const char *s, int *out)
{
	return reg_parse_small(s, strlen(s), DAY_MIN_YEAR, DAY_MAX_YEAR, out) == W_NONE;
}

/* ---- danso project --db ---- */

struct fc_opts {
	const char *db, *fmt, *out, *lang;
	struct dm_reg_request rq;
	char names[512];
	int repeat;
	bool communes;
};

static int usage(void)
{
	return cli_fail("project", DS_EUSAGE,
			"give --db DB --unit U --base YYYY-MM-DD --to YEAR [--map-date D] "
			"[--scenario NAME[,NAME...]] [--format json|csv|xlsx] [-o FILE] [--communes]");
}

/* "a,b,c" into the request's scenarios (in o->names). */
static bool split_scenarios(struct fc_opts *o, const char *s)
{
	if (strlen(s) >= sizeof o->names)
		return false;
	snprintf(o->names, sizeof o->names, "%s", s);
	o->rq.nscenarios = 0;
	for (char *save = NULL, *t = strtok_r(o->names, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (o->rq.nscenarios == DM_REG_SCENARIOS_MAX)
			return false;
		o->rq.scenario[o->rq.nscenarios++] = t;
	}
	return o->rq.nscenarios > 0;
}

static int parse_fc(int argc, char **argv, struct fc_opts *o)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},	    {"unit", required_argument, NULL, 'u'},
		{"base", required_argument, NULL, 'b'},	    {"to", required_argument, NULL, 't'},
		{"map-date", required_argument, NULL, 'm'}, {"scenario", required_argument, NULL, 's'},
		{"format", required_argument, NULL, 'f'},   {"out", required_argument, NULL, 'o'},
		{"lang", required_argument, NULL, 'l'},	    {"repeat", required_argument, NULL, 'r'},
		{"communes", no_argument, NULL, 'c'},	    {0}};
	memset(o, 0, sizeof *o);
	o->db = CLI_DEFAULT_DB;
	o->fmt = "json";
	o->lang = cli_lang();
	o->rq.base = o->rq.map_date = DAY_NONE;
	o->rq.today = day_today();
	o->rq.two_threads = true;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'u': o->rq.unit = optarg; break;
		case 'b': ok = day_parse(optarg, strlen(optarg), &o->rq.base); break;
		case 't': ok = parse_year(optarg, &o->rq.horizon); break;
		case 'm': ok = day_parse(optarg, strlen(optarg), &o->rq.map_date); break;
		case 's': ok = split_scenarios(o, optarg); break;
		case 'f': o->fmt = optarg; break;
		case 'o': o->out = optarg; break;
		case 'l': o->lang = strcmp(optarg, "vi") == 0 ? "vi" : "en"; break;
		case 'r': ok = reg_parse_small(optarg, strlen(optarg), 1, 10000, &o->repeat) == W_NONE; break;
		case 'c': o->communes = true; break;
		default: return usage();
		}
		if (!ok)
			return cli_fail("project", DS_EUSAGE, "--%s: not a valid value",
					c == 'b' ? "base" : c == 't' ? "to" : c == 'm' ? "map-date"
					: c == 's' ? "scenario (at most 8 names, comma-separated)" : "repeat");
	}
	if (!o->rq.unit || o->rq.base == DAY_NONE || !o->rq.horizon || optind != argc)
		return usage();
	if (strcmp(o->fmt, "json") && strcmp(o->fmt, "csv") && strcmp(o->fmt, "xlsx"))
		return cli_fail("project", DS_EUSAGE, "--format is json, csv or xlsx");
	if (strcmp(o->fmt, "xlsx") == 0 && !o->out)
		return cli_fail("project", DS_EUSAGE, "--format xlsx writes a file: give -o FILE.xlsx");
	return 0;
}

static int write_text(const char *path, const char *s, size_t n)
{
	FILE *f = path ? fopen(path, "wb") : stdout;
	if (!f)
		return -1;
	int bad = fwrite(s, 1, n, f) != n;
	bad |= path ? fclose(f) != 0 : fflush(f) != 0;
	return bad ? -1 : 0;
}

static int emit(const struct fc_opts *o, const struct dm_reg_result *r)
{
	if (strcmp(o->fmt, "xlsx") == 0)
		return dm_fc_xlsx(r, o->lang, o->out) ? -1 : 0;
	struct buf b = {0};
	if (strcmp(o->fmt, "csv") == 0) {
		dm_fc_csv(r, o->lang, &b);
	} else {
		json_t *j = r->n > 1 ? dm_fc_compare_json(r, o->lang) : dm_fc_json(r, 0, o->lang, true);
		char *s = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
		json_decref(j);
		buf_puts(&b, s ? s : "");
		buf_putc(&b, '\n');
		free(s);
	}
	int ex = b.data ? write_text(o->out, b.data, b.len) : -1;
	buf_free(&b);
	return ex;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* --repeat N: the reading (derivation from the engine) and projecting times, median and worst. */
static enum ds_rc time_it(struct engine *e, struct rec_book *book, const struct dm_fc_national *nat,
			  const struct dm_reg_request *rq, int n)
{
	double *t = calloc(2 * (size_t)n, sizeof *t);
	if (!t)
		return DS_ENOMEM;
	enum ds_rc rc = DS_OK;
	for (int i = 0; i < n && !rc; i++) {
		struct dm_reg_result *r = malloc(sizeof *r);
		struct ds_problem pb;
		rc = r ? dm_reg_run(e, book, nat, rq, r, &pb) : DS_ENOMEM;
		if (r) {
			t[i] = r->read_seconds;
			t[n + i] = r->project_seconds;
			dm_reg_free(r);
		}
		free(r);
	}
	if (!rc) {
		qsort(t, (size_t)n, sizeof *t, cmp_double);
		qsort(t + n, (size_t)n, sizeof *t, cmp_double);
		fprintf(stderr,
			"project: load %.2f s; %s to %d: inputs from the engine median %.2f ms (worst "
			"%.2f), projection median %.3f ms (worst %.3f) over %d\n",
			engine_load_seconds(e), rq->unit, rq->horizon, t[n / 2] * 1e3, t[n - 1] * 1e3,
			t[n + n / 2] * 1e3, t[2 * n - 1] * 1e3, n);
	}
	free(t);
	return rc;
}

/* ---- every commune (--communes) ---- */

struct communes {
	struct engine *e;
	const struct dm_fc_national *nat;
	const struct dm_reg_request *rq;
	char **codes;
	struct eng_dm_flows *flows; /* every commune's, counted in one pass */
	size_t n, next;
	pthread_mutex_t mu;
	json_t **rows; /* one summary a commune */
	enum ds_rc rc;
};

static json_t *commune_row(const struct dm_reg_result *r)
{
	const struct dm_forecast *f = &r->f[0];
	struct dm_fc_ind a, b;
	dm_fc_indicators(&f->y[0], &a);
	dm_fc_indicators(&f->y[f->nyears - 1], &b);
	return json_pack("{s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:s, s:s, s:s, s:s}", "unit", r->unit,
			 "unit_name", r->unit_name, "population", a.total, "population_horizon", b.total,
			 "tfr", f->d.tfr, "e0_male", f->d.e0[0], "e0_female", f->d.e0[1], "fertility",
			 dm_fc_source_code(f->d.fert_src), "mortality_male",
			 dm_fc_source_code(f->d.mort_src[0]), "mortality_female",
			 dm_fc_source_code(f->d.mort_src[1]), "srb", dm_fc_source_code(f->d.srb_src));
}

/* Takes communes one at a time; the caller's view holds the engine still. */
static void *communes_run(void *arg)
{
	struct communes *w = arg;
	struct dm_reg_result *r = malloc(sizeof *r);
	for (;;) {
		pthread_mutex_lock(&w->mu);
		size_t i = w->rc || !r ? w->n : w->next++;
		pthread_mutex_unlock(&w->mu);
		if (i >= w->n)
			break;
		struct dm_reg_request one = *w->rq;
		one.unit = w->codes[i];
		one.two_threads = false; /* the communes share the two threads */
		one.flows = &w->flows[i];
		struct ds_problem pb;
		enum ds_rc rc = dm_reg_run(w->e, NULL, w->nat, &one, r, &pb);
		if (!rc)
			w->rows[i] = commune_row(r);
		dm_reg_free(r);
		if (rc) {
			pthread_mutex_lock(&w->mu);
			w->rc = rc;
			pthread_mutex_unlock(&w->mu);
		}
	}
	if (!r)
		w->rc = DS_ENOMEM;
	free(r);
	return NULL;
}

static int run_communes(const struct fc_opts *o, struct engine *e, const struct dm_fc_national *nat)
{
	struct communes w = {.e = e, .nat = nat, .rq = &o->rq};
	int32_t map = o->rq.map_date == DAY_NONE ? o->rq.base : o->rq.map_date;
	double t0 = progress_now();
	/* One view for the whole run: the threads read the engine through it. */
	const struct eng_view *v = engine_read(e);
	enum ds_rc rc = engine_units_under(v, o->rq.unit, LVL_COMMUNE, map, &w.codes, &w.n);
	if (!rc && (!(w.rows = calloc(w.n + 1, sizeof *w.rows)) ||
		    !(w.flows = calloc(w.n + 1, sizeof *w.flows))))
		rc = DS_ENOMEM;
	int from, to;
	dm_reg_rate_years(o->rq.base, &from, &to);
	if (!rc)
		rc = engine_dm_flows_many(v, (const char *const *)w.codes, w.n, map,
					  day_from_ymd(from, 1, 1), day_from_ymd(to, 12, 31), w.flows);
	if (!rc) {
		pthread_mutex_init(&w.mu, NULL);
		pthread_t th;
		bool two = pthread_create(&th, NULL, communes_run, &w) == 0;
		communes_run(&w);
		if (two)
			pthread_join(th, NULL);
		pthread_mutex_destroy(&w.mu);
		rc = w.rc;
	}
	engine_read_end(v);
	double secs = progress_now() - t0;
	json_t *all = json_array();
	for (size_t i = 0; i < w.n; i++) {
		if (w.rows && w.rows[i])
			json_array_append_new(all, w.rows[i]);
		free(w.codes[i]);
	}
	free(w.codes);
	free(w.rows);
	free(w.flows);
	int ex = 0;
	if (rc) {
		ex = cli_fail("project", rc, "%s", ds_rc_str(rc));
	} else {
		fprintf(stderr, "project: %zu communes of %s, each from its own register, to %d in %.2f s "
				"(2 threads)\n", json_array_size(all), o->rq.unit, o->rq.horizon, secs);
		char *s = json_dumps(all, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
		struct buf b = {0};
		buf_puts(&b, s ? s : "");
		buf_putc(&b, '\n');
		if (!s || !b.data || write_text(o->out, b.data, b.len))
			ex = cli_fail("project", DS_EIO, "cannot write the output");
		buf_free(&b);
		free(s);
	}
	json_decref(all);
	return ex;
}

int cmd_project_db(int argc, char **argv)
{
	struct fc_opts o;
	int ex = parse_fc(argc, argv, &o);
	if (ex)
		return ex;
	struct dm_fc_national *nat = malloc(sizeof *nat);
	if (!nat || dm_reg_national(nat)) {
		free(nat);
		return cli_fail("project", DS_EINTERNAL, "the national schedules cannot be read");
	}
	struct store *st = NULL;
	struct engine *e = NULL;
	struct rec_book *book = NULL;
	struct dm_reg_result *r = NULL;
	if ((ex = cli_open_store("project", o.db, false, &st)))
		goto out;
	enum ds_rc rc = (book = rec_book_new()) ? rec_book_catch_up(book, st) : DS_ENOMEM;
	if (!rc)
		rc = engine_load(st, &e);
	if (rc) {
		ex = cli_fail("project", rc, "%s", store_errmsg(st)[0] ? store_errmsg(st) : ds_rc_str(rc));
		goto out;
	}
	if (o.communes) {
		ex = run_communes(&o, e, nat);
		goto out;
	}
	if (o.repeat && (rc = time_it(e, book, nat, &o.rq, o.repeat)) == DS_ENOMEM) {
		ex = cli_fail("project", rc, "out of memory");
		goto out;
	}
	struct ds_problem pb;
	rc = (r = malloc(sizeof *r)) ? dm_reg_run(e, book, nat, &o.rq, r, &pb) : DS_ENOMEM;
	if (rc)
		ex = refused("project", rc, &pb);
	else if (emit(&o, r))
		ex = cli_fail("project", DS_EIO, "cannot write %s", o.out ? o.out : "the output");
out:
	if (r)
		dm_reg_free(r);
	free(r);
	free(nat);
	engine_free(e);
	rec_book_free(book);
	store_close(st);
	return ex;
}

/* ---- danso scenario ---- */

/* "1.6@2035": a path's value and year. */
static bool parse_path(const char *s, json_t **out)
{
	const char *at = strchr(s, '@');
	char num[32];
	int year;
	if (!at || (size_t)(at - s) >= sizeof num || !parse_year(at + 1, &year))
		return false;
	memcpy(num, s, (size_t)(at - s));
	num[at - s] = '\0';
	char *end;
	double v = strtod(num, &end);
	if (end == num || *end || !isfinite(v))
		return false;
	*out = json_pack("{s:f, s:i}", "value", v, "year", year);
	return *out != NULL;
}

static int scenario_usage(void)
{
	return cli_fail("scenario", DS_EUSAGE,
			"usage: danso scenario save --unit U --base YYYY-MM-DD --name N [--label TEXT] "
			"[--tfr V@YEAR] [--srb V@YEAR] [--e0-gain G] [--migration on|off]; "
			"danso scenario list [--unit U]");
}

/* The record the options describe, as its envelope; NULL when an option is malformed. */
static json_t *scenario_envelope(int argc, char **argv, const char **db, const char **unit)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},	 {"unit", required_argument, NULL, 'u'},
		{"base", required_argument, NULL, 'b'},	 {"name", required_argument, NULL, 'n'},
		{"label", required_argument, NULL, 'l'}, {"tfr", required_argument, NULL, 't'},
		{"srb", required_argument, NULL, 's'},	 {"e0-gain", required_argument, NULL, 'g'},
		{"migration", required_argument, NULL, 'm'}, {0}};
	json_t *body = json_object();
	const char *base = NULL;
	bool ok = body != NULL;
	int c;
	optind = 1;
	while (ok && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		json_t *p = NULL;
		char *end;
		switch (c) {
		case 'd': *db = optarg; break;
		case 'u': *unit = optarg; break;
		case 'b': base = optarg; break;
		case 'n': json_object_set_new(body, "name", json_string(optarg)); break;
		case 'l': json_object_set_new(body, "label", json_string(optarg)); break;
		case 't':
		case 's':
			ok = parse_path(optarg, &p);
			if (ok)
				json_object_set_new(body, c == 't' ? "tfr" : "srb", p);
			break;
		case 'g':
			json_object_set_new(body, "e0_gain", json_real(strtod(optarg, &end)));
			ok = end != optarg && !*end;
			break;
		case 'm':
			ok = strcmp(optarg, "on") == 0 || strcmp(optarg, "off") == 0;
			json_object_set_new(body, "migration", json_boolean(strcmp(optarg, "on") == 0));
			break;
		default: ok = false;
		}
	}
	if (!ok || !*unit || !base || optind != argc) {
		json_decref(body);
		return NULL;
	}
	char id[REG_UUID_TEXT];
	uint8_t raw[16];
	rec_new_id(raw);
	reg_uuid_format(raw, id);
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", id, "kind", "scenario", "unit", *unit,
			 "date", base, "body", body);
}

static int scenario_save(int argc, char **argv)
{
	const char *db = CLI_DEFAULT_DB, *unit = NULL;
	json_t *env = scenario_envelope(argc, argv, &db, &unit);
	if (!env)
		return scenario_usage();
	struct rec r;
	struct ds_problem pb;
	enum ds_rc rc = rec_parse(env, &r, &pb);
	json_decref(env);
	if (rc) {
		rec_free(&r);
		return refused("scenario", rc, &pb);
	}
	struct store *st;
	int ex = cli_open_store("scenario", db, false, &st);
	if (ex) {
		rec_free(&r);
		return ex;
	}
	/* The current version of the name, if any, is the one this replaces. */
	struct store_record old;
	if (store_record_latest(st, "scenario", r.unit, r.key, &old) == DS_OK) {
		r.has_supersedes = true;
		memcpy(r.supersedes, old.id, 16);
	}
	struct reg_units units = {0};
	struct rec_result res = {0};
	rc = store_units_tree(st, &units);
	if (!rc)
		rc = store_begin(st);
	if (!rc)
		rc = rec_record(st, &units, &r, cli_default_by(), &res);
	if (!rc && res.outcome == REC_REFUSED)
		rc = DS_EINPUT;
	rc = rc ? (store_rollback(st), rc) : store_commit(st);
	if (rc == DS_EINPUT)
		ex = refused("scenario", rc, &res.problem);
	else if (rc)
		ex = cli_fail("scenario", rc, "%s", store_errmsg(st)[0] ? store_errmsg(st) : ds_rc_str(rc));
	else
		fprintf(stderr, "scenario: %s saved for %s (record %lld)\n", r.key, r.unit,
			(long long)res.seq);
	reg_units_free(&units);
	rec_free(&r);
	store_close(st);
	return ex;
}

struct list {
	const char *unit;
	json_t *out;
};

static bool list_one(const struct rec_entry *e, void *arg)
{
	struct list *l = arg;
	if (!l->unit || strcmp(l->unit, e->unit) == 0) {
		char date[11];
		day_format(e->date, date);
		json_array_append_new(l->out, json_pack("{s:s, s:s, s:s, s:O}", "unit", e->unit, "name",
							e->key, "base_date", date, "body", e->body));
	}
	return true;
}

static int scenario_list(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"unit", required_argument, NULL, 'u'},
					     {0}};
	struct list l = {NULL, json_array()};
	const char *db = CLI_DEFAULT_DB;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db = optarg;
		else if (c == 'u')
			l.unit = optarg;
		else
			return scenario_usage();
	}
	struct store *st;
	int ex = cli_open_store("scenario", db, false, &st);
	if (ex)
		return ex;
	struct rec_book *book = rec_book_new();
	enum ds_rc rc = book ? rec_book_catch_up(book, st) : DS_ENOMEM;
	if (!rc)
		rec_book_each(book, "scenario", list_one, &l);
	char *s = rc ? NULL : json_dumps(l.out, JSON_INDENT(1) | JSON_REAL_PRECISION(12));
	if (s)
		printf("%s\n", s);
	else
		ex = cli_fail("scenario", rc ? rc : DS_ENOMEM, "cannot list the scenarios");
	free(s);
	json_decref(l.out);
	rec_book_free(book);
	store_close(st);
	return ex;
}

int cmd_scenario(int argc, char **argv)
{
	if (argc < 2)
		return scenario_usage();
	if (strcmp(argv[1], "save") == 0)
		return scenario_save(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return scenario_list(argc - 1, argv + 1);
	return scenario_usage();
}
