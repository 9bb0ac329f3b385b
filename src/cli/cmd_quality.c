/* danso quality: the data quality report of a unit and period (checks, rules, outliers). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/progress.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "quality/quality.h"
#include "report/report.h"
#include "store/register.h"

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return a < b ? -1 : a > b;
}

/* Runs the report n more times and prints the median and worst times. */
static enum ds_rc time_quality(struct engine *e, struct store *st, const struct q_defs *d,
			       const struct rpt_defs *forms, const struct q_request *rq, int n)
{
	double *t = malloc((size_t)n * sizeof *t);
	enum ds_rc rc = t ? DS_OK : DS_ENOMEM;
	for (int i = 0; i < n && !rc; i++) {
		json_t *out = NULL;
		struct ds_problem pb = {0};
		double t0 = progress_now();
		rc = q_run(e, st, d, forms, rq, &out, &pb);
		t[i] = progress_now() - t0;
		json_decref(out);
	}
	if (!rc) {
		qsort(t, (size_t)n, sizeof *t, cmp_double);
		fprintf(stderr, "quality: load %.2f s; %s %s: median %.1f ms, worst %.1f ms over %d; %lld persons\n",
			engine_load_seconds(e), rq->unit, rq->period, t[n / 2] * 1e3, t[n - 1] * 1e3, n,
			(long long)engine_persons(e));
	}
	free(t);
	return rc;
}

/* The persons the report names, audited before anything is shown. */
static enum ds_rc audit_persons(struct store *st, json_t *report)
{
	json_t *ids = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(report, "findings"), i, f)
	{
		const char *id = json_string_value(json_object_get(json_object_get(f, "person"), "id"));
		if (id)
			json_array_append_new(ids, json_pack("{s:s, s:O}", "id", id, "area",
							     json_object_get(f, "area")));
	}
	enum ds_rc rc = json_array_size(ids) ? cli_audit_ids(st, "quality", "person", ids, "id", NULL)
					     : DS_OK;
	json_decref(ids);
	return rc;
}

static int write_report(json_t *report, const char *fmt, const char *out)
{
	if (strcmp(fmt, "xlsx") == 0) {
		if (!out || !out[0] || strcmp(out, "-") == 0)
			return cli_fail("quality", DS_EUSAGE, "--format xlsx needs -o FILE");
		return q_xlsx(report, out) ? cli_fail("quality", DS_EIO, "cannot write %s", out) : 0;
	}
	struct buf b = {0};
	if (strcmp(fmt, "csv") == 0) {
		buf_puts(&b, "\xEF\xBB\xBF"); /* Excel reads UTF-8 with a BOM */
		q_csv(report, &b);
	} else {
		char *s = json_dumps(report, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		buf_puts(&b, s ? s : "{}");
		buf_putc(&b, '\n');
		free(s);
	}
	int ex = cli_write_out("quality", &b, out);
	buf_free(&b);
	return ex;
}

int cmd_quality(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"unit", required_argument, NULL, 'u'},
					     {"period", required_argument, NULL, 'p'},
					     {"format", required_argument, NULL, 'f'},
					     {"lang", required_argument, NULL, 'l'},
					     {"out", required_argument, NULL, 'o'},
					     {"repeat", required_argument, NULL, 'r'},
					     {0}};
	const char *db = CLI_DEFAULT_DB, *fmt = "json", *out = NULL;
	struct q_request rq = {.lang = "vi"};
	int repeat = 0, c;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'u': rq.unit = optarg; break;
		case 'p': rq.period = optarg; break;
		case 'f': fmt = optarg; break;
		case 'l': rq.lang = strcmp(optarg, "en") == 0 ? "en" : "vi"; break;
		case 'o': out = optarg; break;
		case 'r': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 10000)
				return cli_fail("quality", DS_EUSAGE, "--repeat takes 1 to 10000");
			repeat = (int)v;
			break;
		}
		default: cli_usage("quality", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (!rq.unit || !rq.period || optind != argc)
		return cli_fail("quality", DS_EUSAGE, "give --unit and --period (2024, 2024-Q1, 2024-H1, 2024-03)");
	if (strcmp(fmt, "json") && strcmp(fmt, "csv") && strcmp(fmt, "xlsx"))
		return cli_fail("quality", DS_EUSAGE, "--format is json, csv or xlsx");
	struct rpt_defs forms;
	struct q_defs defs;
	char err[300];
	if (rpt_defs_load(&forms, err, sizeof err))
		return cli_fail("quality", DS_EINTERNAL, "report definitions: %s", err);
	if (q_defs_load(&defs, &forms, err, sizeof err)) {
		rpt_defs_free(&forms);
		return cli_fail("quality", DS_EINTERNAL, "quality definitions: %s", err);
	}
	struct store *st = NULL;
	int ex = cli_open_store("quality", db, false, &st);
	struct engine *e = NULL;
	json_t *report = NULL;
	struct ds_problem pb = {0};
	enum ds_rc rc = ex ? DS_OK : engine_load(st, &e);
	if (!ex && !rc && repeat)
		rc = time_quality(e, st, &defs, &forms, &rq, repeat);
	if (!ex && !rc)
		rc = q_run(e, st, &defs, &forms, &rq, &report, &pb);
	if (!ex && !rc)
		rc = audit_persons(st, report);
	if (ex) {
		/* the store's message is printed */
	} else if (rc && pb.field[0]) {
		ex = cli_fail("quality", rc, "%s: %s", pb.field, ds_why_en(pb.why));
	} else if (rc) {
		ex = cli_fail("quality", rc, "%s", store_errmsg(st)[0] ? store_errmsg(st) : ds_rc_str(rc));
	} else {
		ex = write_report(report, fmt, out);
	}
	json_decref(report);
	engine_free(e);
	if (st)
		store_close(st);
	q_defs_free(&defs);
	rpt_defs_free(&forms);
	return ex;
}
