/* danso report, targets: statistical reports from the in-memory engine. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/csv.h"
#include "base/day.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "register/record.h"
#include "report/check.h"
#include "report/report.h"
#include "records/book.h"
#include "store/register.h"
#include "workflow/cycle.h"
#include "workflow/shareout.h"

static double book_target(void *arg, const char *unit, int year, const char *key)
{
	return so_report_target(arg, unit, year, key);
}

/* Writes bytes to path, or to stdout when path is NULL. */
static int write_out(const char *path, const char *data, size_t len)
{
	FILE *f = path ? fopen(path, "wb") : stdout;
	if (!f)
		return -1;
	size_t n = fwrite(data, 1, len, f);
	int bad = n != len;
	if (path)
		bad |= fclose(f) != 0;
	else
		bad |= fflush(f) != 0;
	return bad ? -1 : 0;
}

static int copy_file(const char *from, const char *to)
{
	struct cli_file f;
	if (cli_map_file(from, &f))
		return -1;
	int r = write_out(to, f.data, f.size);
	cli_unmap_file(&f);
	return r;
}

/* Renders t in fmt to out (a file, or stdout when NULL). */
int cli_render(const struct rpt_table *t, const char *fmt, const char *lang, const char *out)
{
	struct buf b = {0};
	int r = 0;
	if (strcmp(fmt, "json") == 0) {
		json_t *o = rpt_json(t, lang);
		char *s = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		json_decref(o);
		if (!s)
			return -1;
		buf_puts(&b, s);
		buf_putc(&b, '\n');
		free(s);
	} else if (strcmp(fmt, "csv") == 0) {
		r = rpt_csv(t, lang, &b) ? -1 : 0;
	} else if (strcmp(fmt, "html") == 0) {
		r = rpt_html(t, lang, &b) ? -1 : 0;
	} else if (strcmp(fmt, "xlsx") == 0) {
		if (out)
			return rpt_xlsx(t, lang, out) ? -1 : 0;
		char tmp[] = "/tmp/danso-report-XXXXXX";
		int fd = mkstemp(tmp);
		if (fd < 0)
			return -1;
		close(fd);
		r = rpt_xlsx(t, lang, tmp) || copy_file(tmp, NULL) ? -1 : 0;
		unlink(tmp);
		return r;
	} else {
		return -2;
	}
	if (!r)
		r = write_out(out, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* --repeat N: the engine's load time and the report's computing time
 * (median, worst and best of N), for the benchmarks. */
static enum ds_rc time_report(struct engine *e, const struct rpt_defs *defs,
			      const struct rpt_request *rq, int n)
{
	double *t = malloc((size_t)n * sizeof *t);
	if (!t)
		return DS_ENOMEM;
	enum ds_rc rc = DS_OK;
	for (int i = 0; i < n && !rc; i++) {
		struct rpt_table tab;
		struct ds_problem pb;
		rc = rpt_run(e, defs, rq, NULL, NULL, &tab, &pb);
		if (!rc) {
			t[i] = tab.seconds;
			rpt_table_free(&tab);
		}
	}
	if (!rc) {
		qsort(t, (size_t)n, sizeof *t, cmp_double);
		int64_t persons = engine_persons(e);
		fprintf(stderr,
			"report: load %.2f s; %s %s %s: median %.3f ms, worst %.3f ms, best %.3f ms over %d; "
			"engine %zu bytes for %lld persons (%.1f bytes a person)\n",
			engine_load_seconds(e), rq->form, rq->unit, rq->period, t[n / 2] * 1e3, t[n - 1] * 1e3, t[0] * 1e3, n,
			engine_bytes(e), (long long)persons,
			persons ? (double)engine_bytes(e) / (double)persons : 0.0);
	}
	free(t);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"form", required_argument, NULL, 'f'},
					     {"unit", required_argument, NULL, 'u'},
					     {"period", required_argument, NULL, 'p'},
					     {"map-date", required_argument, NULL, 'm'},
					     {"format", required_argument, NULL, 't'},
					     {"lang", required_argument, NULL, 'l'},
					     {"columns", required_argument, NULL, 'c'},
					     {"out", required_argument, NULL, 'o'},
					     {"repeat", required_argument, NULL, 'r'},
					     {0}};
	const char *db = CLI_DEFAULT_DB, *fmt = "json", *lang = "vi", *out = NULL, *map = NULL;
	int repeat = 0;
	struct rpt_request rq = {.map_date = DAY_NONE, .layout = LAYOUT_AUTO};
	int c;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f': rq.form = optarg; break;
		case 'u': rq.unit = optarg; break;
		case 'p': rq.period = optarg; break;
		case 'm': map = optarg; break;
		case 't': fmt = optarg; break;
		case 'l': lang = strcmp(optarg, "en") == 0 ? "en" : "vi"; break;
		case 'o': out = optarg; break;
		case 'r':
			if (reg_parse_small(optarg, strlen(optarg), 1, 100000, &repeat))
				return cli_fail("report", DS_EUSAGE, "--repeat takes 1 to 100000");
			break;
		case 'c':
			if (strcmp(optarg, "single") == 0)
				rq.layout = LAYOUT_SINGLE;
			else if (strcmp(optarg, "communes") == 0)
				rq.layout = LAYOUT_COMMUNES;
			else if (strcmp(optarg, "auto") != 0)
				return cli_fail("report", DS_EUSAGE, "--columns is auto, single or communes");
			break;
		default: cli_usage("report", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (!rq.form || !rq.unit || !rq.period || optind != argc)
		return cli_fail("report", DS_EUSAGE, "give --form, --unit and --period");
	if (map && !day_parse(map, strlen(map), &rq.map_date))
		return cli_fail("report", DS_EUSAGE, "--map-date must be YYYY-MM-DD");
	if (strcmp(fmt, "json") && strcmp(fmt, "csv") && strcmp(fmt, "xlsx") && strcmp(fmt, "html"))
		return cli_fail("report", DS_EUSAGE, "--format is json, csv, xlsx or html");
	struct rpt_defs defs;
	char err[300];
	if (rpt_defs_load(&defs, err, sizeof err))
		return cli_fail("report", DS_EINTERNAL, "report definitions: %s", err);
	struct store *st;
	int ex = cli_open_store("report", db, false, &st);
	if (ex) {
		rpt_defs_free(&defs);
		return ex;
	}
	struct engine *e = NULL;
	struct rec_book *book = rec_book_new();
	enum ds_rc rc = book ? rec_book_catch_up(book, st) : DS_ENOMEM;
	if (!rc)
		rc = engine_load(st, &e);
	struct rpt_table t;
	struct ds_problem pb = {0};
	if (!rc && repeat)
		rc = time_report(e, &defs, &rq, repeat);
	if (!rc)
		rc = rpt_run(e, &defs, &rq, book_target, book, &t, &pb);
	if (rc == DS_OK) {
		wf_mark_revision(book, &t);
		int r = cli_render(&t, fmt, lang, out);
		if (r)
			ex = cli_fail("report", DS_EIO, "cannot write %s", out ? out : "the output");
		rpt_table_free(&t);
	} else if (pb.field[0]) {
		ex = cli_fail("report", rc, "%s: %s", pb.field, ds_why_en(pb.why));
	} else {
		ex = cli_fail("report", rc, "%s",
			      store_errmsg(st)[0] ? store_errmsg(st) : ds_rc_str(rc));
	}
	engine_free(e);
	rec_book_free(book);
	store_close(st);
	rpt_defs_free(&defs);
	return ex;
}

/* One line of targets.csv, recorded; DS_EINPUT with pb's field and reason
 * when the line is refused. */
static enum ds_rc target_row(struct store *st, const struct reg_units *units, struct csv *in,
			     struct ds_problem *pb)
{
	struct csv_field u = csv_col(in, 0), y = csv_col(in, 1), k = csv_col(in, 2), v = csv_col(in, 3);
	char unit[16], key[16], val[32];
	int year;
	const char *field = NULL;
	if (u.n == 0 || u.n >= sizeof unit)
		field = "unit";
	else if (reg_parse_small(y.p, y.n, DAY_MIN_YEAR, DAY_MAX_YEAR, &year))
		field = "year";
	else if (k.n == 0 || k.n >= sizeof key)
		field = "indicator";
	else if (v.n == 0 || v.n >= sizeof val)
		field = "target";
	char *end = NULL;
	double value = 0;
	if (!field) {
		memcpy(val, v.p, v.n);
		val[v.n] = '\0';
		value = strtod(val, &end);
		/* Not "inf" or "nan" either: a target is a number in JSON. */
		if (*end || value < 0 || !isfinite(value))
			field = "target";
	}
	if (field) {
		ds_problem_set(pb, in->name, in->rec_line, field, W_BAD_NUMBER);
		return DS_EINPUT;
	}
	memcpy(unit, u.p, u.n);
	unit[u.n] = '\0';
	memcpy(key, k.p, k.n);
	key[k.n] = '\0';
	struct rec rec;
	struct rec_result res;
	enum ds_rc rc = rec_target_new(&rec, unit, year, key, value, pb);
	if (!rc)
		rc = rec_record(st, units, &rec, cli_default_by(), &res);
	rec_free(&rec);
	if (!rc && res.outcome == REC_REFUSED) {
		*pb = res.problem;
		rc = DS_EINPUT;
	}
	if (rc == DS_EINPUT) {
		/* The record's field names are the file's columns. */
		const char *col = strcmp(pb->field, "unit") == 0		 ? "unit"
				  : strncmp(pb->field, "body.indicator", 14) == 0 ? "indicator"
				  : strncmp(pb->field, "body.year", 9) == 0	 ? "year"
										 : "target";
		ds_problem_set(pb, in->name, in->rec_line, col, pb->why);
	}
	return rc;
}

/* targets.csv: unit,year,indicator,target */
int cmd_targets(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "share") == 0 || strcmp(argv[1], "status") == 0))
		return cmd_targets_flow(argc - 1, argv + 1);
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"file", required_argument, NULL, 'f'},
					     {0}};
	const char *db = CLI_DEFAULT_DB, *file = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db = optarg;
		else if (c == 'f')
			file = optarg;
		else {
			cli_usage("targets", stderr);
			return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (!file)
		return cli_fail("targets", DS_EUSAGE, "give --file targets.csv");
	static const char *const cols[] = {"unit", "year", "indicator", "target"};
	struct csv in;
	struct ds_problem pb;
	if (csv_open(&in, file, file, &pb) || csv_header(&in, cols, 4, &pb)) {
		cli_problem(&pb);
		csv_close(&in);
		return ds_rc_exit(DS_EINPUT);
	}
	struct store *st;
	int ex = cli_open_store("targets", db, false, &st);
	if (ex) {
		csv_close(&in);
		return ex;
	}
	struct reg_units units = {0};
	enum ds_rc rc = store_units_tree(st, &units);
	if (!rc)
		rc = store_begin(st);
	long n = 0, bad = 0;
	int r;
	while (!rc && (r = csv_next(&in, &pb)) != 0) {
		if (r < 0) {
			cli_problem(&pb);
			bad++;
			continue;
		}
		if ((rc = target_row(st, &units, &in, &pb)) == DS_EINPUT) {
			cli_problem(&pb);
			bad++;
			rc = DS_OK;
			continue;
		}
		n++;
	}
	reg_units_free(&units);
	if (!rc && bad)
		rc = DS_EINPUT;
	if (rc)
		store_rollback(st);
	else
		rc = store_commit(st);
	if (!rc)
		fprintf(stderr, "targets: %ld loaded\n", n);
	else if (rc == DS_EINPUT)
		fprintf(stderr, "targets: nothing loaded: fix the lines above\n");
	csv_close(&in);
	store_close(st);
	return ds_rc_exit(rc);
}

/* danso check: the balancing check for a unit and the communes under it. */
int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"unit", required_argument, NULL, 'u'},
					     {"period", required_argument, NULL, 'p'},
					     {"map-date", required_argument, NULL, 'm'},
					     {"json", no_argument, NULL, 'j'},
					     {"all", no_argument, NULL, 'a'},
					     {0}};
	const char *db = CLI_DEFAULT_DB, *unit = NULL, *period = NULL, *map = NULL;
	bool json = false, all = false;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'u': unit = optarg; break;
		case 'p': period = optarg; break;
		case 'm': map = optarg; break;
		case 'j': json = true; break;
		case 'a': all = true; break;
		default: cli_usage("check", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	struct rpt_period p;
	int32_t map_date = DAY_NONE;
	if (!unit || !period || !rpt_period_parse(period, &p))
		return cli_fail("check", DS_EUSAGE, "give --unit and --period (2024, 2024-Q1, 2024-H1, 2024-03)");
	if (map && !day_parse(map, strlen(map), &map_date))
		return cli_fail("check", DS_EUSAGE, "--map-date must be YYYY-MM-DD");
	if (map_date == DAY_NONE)
		map_date = p.to;
	struct store *st;
	int ex = cli_open_store("check", db, false, &st);
	if (ex)
		return ex;
	struct engine *e = NULL;
	json_t *out = NULL;
	bool ok = false;
	enum ds_rc rc = engine_load(st, &e);
	if (!rc)
		rc = rpt_check(e, st, unit, &p, map_date, &out, &ok);
	if (rc == DS_ENOTFOUND) {
		ex = cli_fail("check", rc, "no unit %s", unit);
	} else if (rc) {
		ex = cli_fail("check", rc, "%s",
			      store_errmsg(st)[0] ? store_errmsg(st) : ds_rc_str(rc));
	} else if (json) {
		char *s = json_dumps(out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		puts(s ? s : "{}");
		free(s);
	} else {
		size_t i;
		json_t *u;
		printf("%-10s %9s %7s %7s %7s %7s %7s %7s %9s %5s\n", "unit", "start", "births", "deaths",
		       "in", "out", "+other", "-other", "end", "diff");
		json_array_foreach(json_object_get(out, "units"), i, u)
		{
			bool uok = json_is_true(json_object_get(u, "ok"));
			if (!all && uok && i > 0)
				continue;
			printf("%-10s %9lld %7lld %7lld %7lld %7lld %7lld %7lld %9lld %5lld%s\n",
			       json_string_value(json_object_get(u, "code")),
			       (long long)json_integer_value(json_object_get(u, "start")),
			       (long long)json_integer_value(json_object_get(u, "births")),
			       (long long)json_integer_value(json_object_get(u, "deaths")),
			       (long long)json_integer_value(json_object_get(u, "in")),
			       (long long)json_integer_value(json_object_get(u, "out")),
			       (long long)json_integer_value(json_object_get(u, "other_in")),
			       (long long)json_integer_value(json_object_get(u, "other_out")),
			       (long long)json_integer_value(json_object_get(u, "end")),
			       (long long)json_integer_value(json_object_get(u, "difference")),
			       uok ? "" : "  FAILS");
			if (!all && uok)
				continue;
			size_t k;
			json_t *it;
			json_array_foreach(json_object_get(u, "items"), k, it)
				printf("    %s %-9s %s %-10s %s %s\n",
				       json_integer_value(json_object_get(it, "sign")) > 0 ? "+" : "-",
				       json_string_value(json_object_get(it, "kind")),
				       json_string_value(json_object_get(it, "date")),
				       json_string_value(json_object_get(it, "as")),
				       json_string_value(json_object_get(it, "person")),
				       json_string_value(json_object_get(it, "event")));
			json_int_t more = json_integer_value(json_object_get(u, "items_unlisted"));
			if (more)
				printf("    ... and %lld more, not listed (at most %d of each kind)\n",
				       (long long)more, ENG_BALANCE_LISTED);
		}
		printf("%s\n", ok ? "check: every unit balances" : "check: some units do not balance");
	}
	json_decref(out);
	engine_free(e);
	store_close(st);
	if (!ex && !ok)
		ex = ds_rc_exit(DS_EINPUT);
	return ex;
}
