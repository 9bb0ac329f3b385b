/* danso units apply, series: changing the administrative map, and a row's time series across it. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "reform/reform.h"
#include "report/report.h"
#include "store/register.h"

/* Problems printed in detail; the rest are counted. */
#define MAX_SHOWN 50

static void print_problems(const struct xw_problems *pr)
{
	for (size_t i = 0; i < pr->n && i < MAX_SHOWN; i++)
		cli_problem(&pr->v[i]);
	if (pr->n > MAX_SHOWN || pr->more)
		fprintf(stderr, "%s\n", strcmp(cli_lang(), "vi") == 0 ? "... (còn lỗi khác)"
								 : "... (and more problems)");
}

/* The preview as text: the new units, then the areas that move. */
static void print_preview(const json_t *pv)
{
	size_t i;
	json_t *u;
	printf("closed rows: %lld, new rows: %lld\n",
	       (long long)json_integer_value(json_object_get(pv, "closed")),
	       (long long)json_integer_value(json_object_get(pv, "opened")));
	printf("code,name,level,parent,effective,population\n");
	json_array_foreach(json_object_get(pv, "units"), i, u)
		printf("%s,\"%s\",%s,%s,%s,%lld\n", json_string_value(json_object_get(u, "code")),
		       json_string_value(json_object_get(u, "name")),
		       json_string_value(json_object_get(u, "level")),
		       json_string_value(json_object_get(u, "parent")),
		       json_string_value(json_object_get(u, "effective")),
		       (long long)json_integer_value(json_object_get(u, "population")));
	printf("\narea,old,new\n");
	json_array_foreach(json_object_get(pv, "areas"), i, u)
		printf("%s,%s,%s\n", json_string_value(json_object_get(u, "area")),
		       json_string_value(json_object_get(u, "old")),
		       json_string_value(json_object_get(u, "new")));
}

/* Loads the register and prints the plan's impact. */
static enum ds_rc preview(struct store *st, const struct reg_units *now, const struct xw_plan *p,
			  bool as_json)
{
	struct engine *e = NULL;
	enum ds_rc rc = engine_load(st, &e);
	if (rc)
		return rc;
	const struct eng_view *v = engine_read(e);
	json_t *pv = reform_preview(v, now, p, 0);
	engine_read_end(v);
	engine_free(e);
	if (!pv)
		return DS_ENOMEM;
	if (as_json) {
		json_dumpf(pv, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		print_preview(pv);
	}
	json_decref(pv);
	return DS_OK;
}

struct apply_opts {
	const char *db, *file, *by;
	bool preview, json;
};

/* Reads and checks the file against the stored map; 0 or an exit status. */
static int plan_file(struct store *st, const struct apply_opts *o, struct xw *x,
		     struct reg_units *now, struct xw_plan *p)
{
	struct cli_file f;
	memset(p, 0, sizeof *p);
	memset(x, 0, sizeof *x);
	if (cli_map_file(o->file, &f))
		return cli_fail("units", DS_EIO, "cannot read %s", o->file);
	struct xw_problems pr = {0};
	enum ds_rc rc = xw_parse(f.data, f.size, o->file, x, &pr);
	cli_unmap_file(&f);
	if (!rc)
		rc = store_units_tree(st, now);
	if (!rc)
		rc = xw_plan_make(x, now, p, &pr);
	print_problems(&pr);
	xw_problems_free(&pr);
	if (rc == DS_EINPUT)
		fprintf(stderr, "danso units: %s: nothing applied\n", o->file);
	else if (rc)
		cli_fail("units", rc, "%s", store_errmsg(st));
	return rc ? ds_rc_exit(rc) : 0;
}

/* Plans again inside the write transaction and writes; 0 or an exit status. */
static int apply(struct store *st, const struct apply_opts *o)
{
	struct xw x;
	struct reg_units now = {0};
	struct xw_plan p;
	enum ds_rc rc = store_begin(st);
	int ex = rc ? cli_fail("units", rc, "%s", store_errmsg(st)) : plan_file(st, o, &x, &now, &p);
	int64_t seq = 0;
	struct ds_problem pb = {0};
	if (!ex && (rc = reform_apply(st, &now, &x, &p, o->by, &pb, &seq))) {
		if (pb.why)
			cli_problem(&pb);
		ex = cli_fail("units", rc, "%s: nothing applied", o->file);
	}
	if (!ex && (rc = store_commit(st)))
		ex = cli_fail("units", rc, "%s", store_errmsg(st));
	if (ex)
		store_rollback(st);
	if (!ex) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)seq);
		cli_audit(st, "units.apply", "unit_change", id, "");
		printf("danso units: %s applied: %zu rows ended, %zu rows begun (record %lld)\n", o->file,
		       p.nclose, p.nopen, (long long)seq);
	}
	xw_plan_free(&p);
	reg_units_free(&now);
	xw_free(&x);
	return ex;
}

static int units_apply(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"crosswalk", required_argument, NULL, 'c'},
					     {"preview", no_argument, NULL, 'p'},
					     {"json", no_argument, NULL, 'j'},
					     {"by", required_argument, NULL, 'b'},
					     {"lang", required_argument, NULL, 'l'},
					     {0}};
	struct apply_opts o = {.db = CLI_DEFAULT_DB, .by = cli_default_by()};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.db = optarg; break;
		case 'c': o.file = optarg; break;
		case 'p': o.preview = true; break;
		case 'j': o.json = true; break;
		case 'b': o.by = optarg; break;
		case 'l': cli_set_lang(optarg); break;
		default: cli_usage("units", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (optind < argc || !o.file)
		return cli_fail("units", DS_EUSAGE, "give --crosswalk FILE");
	struct store *st;
	int ex = cli_open_store("units", o.db, false, &st);
	if (ex)
		return ex;
	if (o.preview) {
		struct xw x;
		struct reg_units now = {0};
		struct xw_plan p;
		ex = plan_file(st, &o, &x, &now, &p);
		enum ds_rc rc = ex ? DS_OK : preview(st, &now, &p, o.json);
		if (rc)
			ex = cli_fail("units", rc, "%s", store_errmsg(st));
		xw_plan_free(&p);
		reg_units_free(&now);
		xw_free(&x);
	} else {
		ex = apply(st, &o);
	}
	store_close(st);
	return ex;
}

int cmd_units(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "apply") != 0) {
		cli_usage("units", stderr);
		return ds_rc_exit(DS_EUSAGE);
	}
	return units_apply(argc - 1, argv + 1);
}

/* ---- series ---- */

struct series_opts {
	const char *db, *form, *row, *unit, *fmt;
	int32_t map, from, to;
};

static bool month_arg(const char *s, int32_t *out)
{
	return day_parse_month(s, strlen(s), out);
}

static int print_series(const struct rpt_series *s, const char *fmt)
{
	if (strcmp(fmt, "json") == 0) {
		json_t *o = rpt_series_json(s, cli_lang());
		int r = o ? json_dumpf(o, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : -1;
		putchar('\n');
		json_decref(o);
		return r ? cli_fail("series", DS_EIO, "cannot write the output") : 0;
	}
	printf("period,value\n");
	int32_t m = s->from;
	for (size_t i = 0; i < s->n; i++, m = day_add_months(m, 1)) {
		char period[8];
		day_format_month(m, period);
		if (isnan(s->value[i]))
			printf("%s,\n", period);
		else
			printf("%s,%.*f\n", period, s->form->rows[s->row].decimals, s->value[i]);
	}
	return 0;
}

static int run_series(const struct series_opts *o)
{
	struct rpt_defs defs;
	char err[300];
	if (rpt_defs_load(&defs, err, sizeof err))
		return cli_fail("series", DS_EINTERNAL, "report definitions: %s", err);
	struct store *st;
	int ex = cli_open_store("series", o->db, false, &st);
	if (ex) {
		rpt_defs_free(&defs);
		return ex;
	}
	struct engine *e = NULL;
	struct rpt_series s;
	struct ds_problem pb = {0};
	enum ds_rc rc = engine_load(st, &e);
	if (!rc)
		rc = rpt_series_run(e, &defs, o->form, o->row, o->unit, o->map, o->from, o->to, &s, &pb);
	if (!rc) {
		ex = print_series(&s, o->fmt);
		rpt_series_free(&s);
	} else if (pb.field[0]) {
		cli_problem(&pb);
		ex = ds_rc_exit(rc);
	} else {
		ex = cli_fail("series", rc, "%s", store_errmsg(st));
	}
	engine_free(e);
	store_close(st);
	rpt_defs_free(&defs);
	return ex;
}

int cmd_series(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"form", required_argument, NULL, 'f'},
					     {"row", required_argument, NULL, 'r'},
					     {"unit", required_argument, NULL, 'u'},
					     {"map-date", required_argument, NULL, 'm'},
					     {"from", required_argument, NULL, 'a'},
					     {"to", required_argument, NULL, 'b'},
					     {"format", required_argument, NULL, 't'},
					     {"lang", required_argument, NULL, 'l'},
					     {0}};
	struct series_opts o = {.db = CLI_DEFAULT_DB, .form = "01-DSX", .fmt = "csv",
				.map = DAY_NONE, .from = day_from_ymd(2023, 1, 1),
				.to = day_month_start(day_today())};
	int c;
	bool bad = false;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.db = optarg; break;
		case 'f': o.form = optarg; break;
		case 'r': o.row = optarg; break;
		case 'u': o.unit = optarg; break;
		case 'm': bad |= !day_parse(optarg, strlen(optarg), &o.map); break;
		case 'a': bad |= !month_arg(optarg, &o.from); break;
		case 'b': bad |= !month_arg(optarg, &o.to); break;
		case 't': o.fmt = optarg; break;
		case 'l': cli_set_lang(optarg); break;
		default: cli_usage("series", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (bad)
		return cli_fail("series", DS_EUSAGE, "--map-date is YYYY-MM-DD, --from and --to YYYY-MM");
	if (optind < argc || !o.row || !o.unit)
		return cli_fail("series", DS_EUSAGE, "give --row CODE and --unit CODE");
	if (strcmp(o.fmt, "csv") && strcmp(o.fmt, "json"))
		return cli_fail("series", DS_EUSAGE, "--format is csv or json");
	return run_series(&o);
}
