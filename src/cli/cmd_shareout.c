/* danso targets share, danso targets status: yearly targets as a workflow (shared out to the communes, progress and the path through the year). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "records/book.h"
#include "report/report.h"
#include "store/accounts.h"
#include "store/register.h"
#include "workflow/cycle.h"
#include "workflow/shareout.h"

struct so_opts {
	const char *db, *by, *unit, *indicator, *method, *base, *target, *shares, *date, *lang;
	int year;
	bool dry;
};

static int parse(int argc, char **argv, struct so_opts *o)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},	     {"by", required_argument, NULL, 'b'},
		{"unit", required_argument, NULL, 'u'},	     {"year", required_argument, NULL, 'y'},
		{"indicator", required_argument, NULL, 'i'}, {"method", required_argument, NULL, 'm'},
		{"base", required_argument, NULL, 'B'},	     {"target", required_argument, NULL, 't'},
		{"shares", required_argument, NULL, 's'},    {"date", required_argument, NULL, 'D'},
		{"lang", required_argument, NULL, 'l'},	     {"dry-run", no_argument, NULL, 'n'},
		{0}};
	int c;
	char *end;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'b': o->by = optarg; break;
		case 'u': o->unit = optarg; break;
		case 'i': o->indicator = optarg; break;
		case 'm': o->method = optarg; break;
		case 'B': o->base = optarg; break;
		case 't': o->target = optarg; break;
		case 's': o->shares = optarg; break;
		case 'D': o->date = optarg; break;
		case 'l': o->lang = strcmp(optarg, "en") == 0 ? "en" : "vi"; break;
		case 'n': o->dry = true; break;
		case 'y':
			o->year = (int)strtol(optarg, &end, 10);
			if (*end || o->year < DAY_MIN_YEAR || o->year > DAY_MAX_YEAR)
				return cli_fail("targets", DS_EUSAGE, "year: not a year");
			break;
		default: cli_usage("targets", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (optind != argc)
		return cli_fail("targets", DS_EUSAGE, "unexpected %s", argv[optind]);
	if (!o->unit || !o->year)
		return cli_fail("targets", DS_EUSAGE, "give --unit and --year");
	return 0;
}

/* --shares 26734=40,26737=60 as [{"unit","value"}]; a value that is not a number stays text (so_plan names it). */
static json_t *shares_json(const char *s)
{
	json_t *arr = json_array();
	while (s && *s) {
		const char *comma = strchr(s, ','), *eq = strchr(s, '=');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		if (!eq || eq > s + n)
			eq = s + n;
		char val[40] = "";
		snprintf(val, sizeof val, "%.*s", (int)(s + n - eq - (eq < s + n)), eq < s + n ? eq + 1 : "");
		char *end;
		double v = strtod(val, &end);
		json_array_append_new(arr, json_pack("{s:s%, s:o}", "unit", s, (size_t)(eq - s), "value",
						     val[0] && !*end ? json_real(v) : json_string(val)));
		s = comma ? comma + 1 : NULL;
	}
	return arr;
}

/* The account of --by: a province or national officer whose scope holds the unit. */
static int check_by(struct store *st, struct engine *e, const struct so_opts *o, struct store_user *u)
{
	enum ds_rc rc = store_user_get(st, o->by, 0, u);
	if (rc == DS_ENOTFOUND || (!rc && u->disabled))
		return cli_fail("targets", DS_EAUTH, "by: no active account %s", o->by);
	if (rc)
		return cli_fail("targets", rc, "%s", store_errmsg(st));
	if (u->role != ROLE_PROVINCE && u->role != ROLE_NATIONAL)
		return cli_fail("targets", DS_EDENIED, "by: only province and national officers set targets");
	const struct eng_view *v = engine_read(e);
	struct wf_actor who = {.role = u->role, .login = u->login, .unit = u->unit};
	bool in = wf_in_scope(eng_units(v), &who, o->unit, day_today());
	engine_read_end(v);
	struct ds_problem pb;
	ds_problem_set(&pb, "", 0, "unit", W_NO_UNIT);
	return in ? 0 : cli_refused("targets", DS_ENOTFOUND, &pb, o->lang);
}

static int print(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	puts(s ? s : "{}");
	free(s);
	json_decref(o);
	return 0;
}

static int share(struct store *st, struct engine *e, struct rec_book *b, const struct so_opts *o)
{
	char *end;
	double tv = o->target ? strtod(o->target, &end) : 0;
	json_t *total = o->target ? (*end ? json_string(o->target) : json_real(tv)) : NULL;
	json_t *shares = o->shares ? shares_json(o->shares) : NULL, *plan = NULL;
	struct so_request rq = {.unit = o->unit, .year = o->year, .indicator = o->indicator, .method = o->method,
				.base = o->base, .shares = shares, .total = total};
	struct ds_problem pb = {0};
	enum ds_rc rc = so_plan(e, b, &rq, &plan, &pb);
	json_decref(shares);
	json_decref(total);
	if (rc)
		return pb.field[0] ? cli_refused("targets", rc, &pb, o->lang) : cli_fail("targets", rc, "%s", ds_rc_str(rc));
	bool refused = false;
	struct reg_units units = {0};
	if (!o->dry) {
		rc = store_units_tree(st, &units);
		if (!rc)
			rc = store_begin(st);
		if (!rc)
			rc = so_record(st, &units, plan, o->by ? o->by : cli_default_by(), &refused, &pb);
		if (!rc && !refused)
			rc = store_commit(st);
		else
			store_rollback(st);
		reg_units_free(&units);
	}
	if (rc || refused) {
		json_decref(plan);
		return refused ? cli_refused("targets", DS_EINPUT, &pb, o->lang) : cli_fail("targets", rc, "%s", store_errmsg(st));
	}
	json_object_set_new(plan, "status", json_string(o->dry ? "planned" : "shared"));
	return print(plan);
}

static int status(struct engine *e, struct rec_book *b, const struct so_opts *o)
{
	struct rpt_defs defs;
	char err[300];
	if (rpt_defs_load(&defs, err, sizeof err))
		return cli_fail("targets", DS_EINTERNAL, "report definitions: %s", err);
	json_t *out = NULL;
	struct ds_problem pb = {0};
	enum ds_rc rc = so_status(e, b, &defs, o->unit, o->year, o->date, o->lang, &out, &pb);
	rpt_defs_free(&defs);
	if (rc)
		return pb.field[0] ? cli_refused("targets", rc, &pb, o->lang) : cli_fail("targets", rc, "%s", ds_rc_str(rc));
	return print(out);
}

int cmd_targets_flow(int argc, char **argv)
{
	struct so_opts o = {.db = CLI_DEFAULT_DB, .lang = "en"};
	bool is_share = strcmp(argv[0], "share") == 0;
	int ex = parse(argc, argv, &o);
	struct store *st = NULL;
	struct engine *e = NULL;
	struct rec_book *b = NULL;
	struct store_user u;
	if (!ex)
		ex = cli_open_store("targets", o.db, false, &st);
	enum ds_rc rc = DS_OK;
	if (!ex && !(b = rec_book_new()))
		rc = DS_ENOMEM;
	if (!ex && !rc)
		rc = rec_book_catch_up(b, st);
	if (!ex && !rc)
		rc = engine_load(st, &e);
	if (!ex && rc)
		ex = cli_fail("targets", rc, "%s", store_errmsg(st)[0] ? store_errmsg(st) : ds_rc_str(rc));
	if (!ex && o.by)
		ex = check_by(st, e, &o, &u);
	if (!ex)
		ex = is_share ? share(st, e, b, &o) : status(e, b, &o);
	engine_free(e);
	rec_book_free(b);
	if (st)
		store_close(st);
	return ex;
}
