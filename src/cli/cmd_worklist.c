/* danso worklist: a programme's work list for a unit and day (workflows.md), for an account checked as the API checks it. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/day.h"
#include "base/progress.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/register.h"
#include "workflow/cycle.h"
#include "workflow/worklist.h"

struct wl_opts {
	const char *db, *by, *fmt, *out, *lang;
	struct wl_request rq;
	int repeat;
};

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return a < b ? -1 : a > b;
}

/* Runs the list n more times; prints the median and worst times, in the engine and in all. */
static enum ds_rc time_list(struct engine *e, struct store *st, const struct wl_request *rq, int n)
{
	double *t = malloc(2 * (size_t)n * sizeof *t), *te = t ? t + n : NULL;
	enum ds_rc rc = t ? DS_OK : DS_ENOMEM;
	size_t count = 0;
	for (int i = 0; i < n && !rc; i++) {
		json_t *out = NULL;
		struct ds_problem pb = {0};
		double t0 = progress_now();
		rc = wl_run(e, st, rq, &out, &pb, &te[i]);
		t[i] = (progress_now() - t0) * 1e3;
		count = json_array_size(json_object_get(out, "items"));
		json_decref(out);
	}
	if (!rc) {
		qsort(t, (size_t)n, sizeof *t, cmp_double);
		qsort(te, (size_t)n, sizeof *te, cmp_double);
		fprintf(stderr,
			"worklist: load %.2f s; %s %s: %zu items; engine median %.2f ms, worst %.2f ms; "
			"with names median %.1f ms, worst %.1f ms over %d; %lld persons\n",
			engine_load_seconds(e), rq->list, rq->unit, count, te[n / 2], te[n - 1], t[n / 2],
			t[n - 1], n, (long long)engine_persons(e));
	}
	free(t);
	return rc;
}

/* The account of --by: active, allowed to read persons, and covering the unit. */
static int check_by(struct store *st, struct engine *e, const struct wl_opts *o, struct store_user *u)
{
	enum ds_rc rc = store_user_get(st, o->by, 0, u);
	if (rc == DS_ENOTFOUND || (!rc && u->disabled))
		return cli_fail("worklist", DS_EAUTH, "by: no active account %s", o->by);
	if (rc)
		return cli_fail("worklist", rc, "%s", store_errmsg(st));
	if (u->role < ROLE_COLLABORATOR || u->role > ROLE_NATIONAL)
		return cli_fail("worklist", DS_EDENIED, "by: this account may not read persons");
	int32_t day = day_today();
	if (o->rq.date && o->rq.date[0] && !day_parse(o->rq.date, strlen(o->rq.date), &day))
		return 0; /* wl_run names the date */
	const struct eng_view *v = engine_read(e);
	struct wf_actor who = {.role = u->role, .login = u->login, .unit = u->unit};
	bool in = wf_in_scope(eng_units(v), &who, o->rq.unit, day);
	engine_read_end(v);
	return in ? 0 : cli_fail("worklist", DS_ENOTFOUND, "unit: %s", ds_why_en(W_NO_UNIT));
}

/* Every person listed goes to the access log before anything is shown. */
static enum ds_rc audit_items(struct store *st, const struct store_user *u, const json_t *list)
{
	struct store_audit a = {.at = (int64_t)time(NULL), .role = u->login[0] ? u->role : ROLE_ADMIN};
	if (u->login[0])
		memcpy(a.login, u->login, sizeof a.login);
	else
		snprintf(a.login, sizeof a.login, "cli:%.50s", cli_default_by());
	snprintf(a.unit, sizeof a.unit, "%s", u->unit);
	snprintf(a.action, sizeof a.action, "worklist");
	snprintf(a.object, sizeof a.object, "person");
	snprintf(a.outcome, sizeof a.outcome, "ok");
	enum ds_rc rc = store_begin(st);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "items"), i, it)
	{
		snprintf(a.object_id, sizeof a.object_id, "%s", json_string_value(json_object_get(it, "person_id")));
		snprintf(a.area, sizeof a.area, "%s", json_string_value(json_object_get(it, "area")));
		if (!rc)
			rc = store_audit_add(st, &a);
	}
	if (!rc)
		return store_commit(st);
	store_rollback(st);
	return rc;
}

static int write_list(const json_t *list, const struct wl_opts *o)
{
	const char *out = o->out;
	if (strcmp(o->fmt, "xlsx") == 0) {
		if (!out || !out[0] || strcmp(out, "-") == 0)
			return cli_fail("worklist", DS_EUSAGE, "format: xlsx needs -o FILE");
		return wl_xlsx(list, o->lang, out) ? cli_fail("worklist", DS_EIO, "cannot write %s", out) : 0;
	}
	struct buf b = {0};
	if (strcmp(o->fmt, "csv") == 0) {
		buf_puts(&b, "\xEF\xBB\xBF"); /* Excel reads UTF-8 with a BOM */
		wl_csv(list, o->lang, &b);
	} else {
		char *s = json_dumps(list, JSON_COMPACT | JSON_PRESERVE_ORDER);
		buf_puts(&b, s ? s : "{}");
		buf_putc(&b, '\n');
		free(s);
	}
	int ex = cli_write_out("worklist", &b, out);
	buf_free(&b);
	return ex;
}

static int parse_opts(int argc, char **argv, struct wl_opts *o)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},	  {"list", required_argument, NULL, 'L'},
		{"unit", required_argument, NULL, 'u'},	  {"date", required_argument, NULL, 'D'},
		{"from", required_argument, NULL, 'F'},	  {"months", required_argument, NULL, 'm'},
		{"by", required_argument, NULL, 'b'},	  {"format", required_argument, NULL, 'f'},
		{"lang", required_argument, NULL, 'l'},	  {"out", required_argument, NULL, 'o'},
		{"repeat", required_argument, NULL, 'r'}, {0}};
	int c;
	char *end;
	long v;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'L': o->rq.list = optarg; break;
		case 'u': o->rq.unit = optarg; break;
		case 'D': o->rq.date = optarg; break;
		case 'F': o->rq.from = optarg; break;
		case 'b': o->by = optarg; break;
		case 'f': o->fmt = optarg; break;
		case 'l': o->lang = strcmp(optarg, "en") == 0 ? "en" : "vi"; break;
		case 'o': o->out = optarg; break;
		case 'm':
		case 'r':
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > (c == 'm' ? 12 : 10000))
				return cli_fail("worklist", DS_EUSAGE, "%s: out of range",
						c == 'm' ? "months" : "repeat");
			*(c == 'm' ? &o->rq.months : &o->repeat) = (int)v;
			break;
		default: cli_usage("worklist", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (!o->rq.list || !o->rq.unit || optind != argc)
		return cli_fail("worklist", DS_EUSAGE, "give --list and --unit");
	if (strcmp(o->fmt, "json") && strcmp(o->fmt, "csv") && strcmp(o->fmt, "xlsx"))
		return cli_fail("worklist", DS_EUSAGE, "format: json, csv or xlsx");
	return 0;
}

int cmd_worklist(int argc, char **argv)
{
	struct wl_opts o = {.db = CLI_DEFAULT_DB, .fmt = "json", .lang = "vi"};
	int ex = parse_opts(argc, argv, &o);
	if (ex)
		return ex;
	struct store *st = NULL;
	struct engine *e = NULL;
	struct store_user u = {0};
	json_t *list = NULL;
	struct ds_problem pb = {0};
	ex = cli_open_store("worklist", o.db, false, &st);
	enum ds_rc rc = ex ? DS_OK : engine_load(st, &e);
	if (!ex && !rc && o.by)
		ex = check_by(st, e, &o, &u);
	if (!ex && !rc && o.repeat)
		rc = time_list(e, st, &o.rq, o.repeat);
	if (!ex && !rc)
		rc = wl_run(e, st, &o.rq, &list, &pb, NULL);
	if (!ex && !rc)
		rc = audit_items(st, &u, list);
	if (ex) {
		/* the message is printed */
	} else if (rc && pb.field[0]) {
		ex = cli_fail("worklist", rc, "%s: %s", pb.field, ds_why_en(pb.why));
	} else if (rc) {
		ex = cli_fail("worklist", rc, "%s", store_errmsg(st)[0] ? store_errmsg(st) : ds_rc_str(rc));
	} else {
		ex = write_list(list, &o);
	}
	json_decref(list);
	engine_free(e);
	if (st)
		store_close(st);
	return ex;
}
