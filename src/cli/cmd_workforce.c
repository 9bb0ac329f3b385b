/* danso workforce: collaborators, their areas and trainings, and the view of a unit (workflow/workforce.h), for an account checked as the API checks it. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "ledger/ledger.h"
#include "records/book.h"
#include "store/accounts.h"
#include "store/register.h"
#include "workflow/cycle.h"
#include "workflow/workforce.h"

struct wk_cli {
	const char *action, *db, *by, *unit, *date, *lang;
	json_t *body; /* the record's members from the options */
	struct store *st;
	struct reg_units units;
	struct rec_book *book;
	struct engine *e;
	struct store_user user;
};

/* An option's value into the body: numbers as numbers when they are. */
static void member(json_t *body, const char *name, const char *value, bool number)
{
	char *end;
	long v = number ? strtol(value, &end, 10) : 0;
	json_object_set_new(body, name, number && !*end && *value ? json_integer(v) : json_string(value));
}

static int parse(int argc, char **argv, struct wk_cli *c)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},	      {"by", required_argument, NULL, 'b'},
		{"unit", required_argument, NULL, 'u'},	      {"area", required_argument, NULL, 'a'},
		{"date", required_argument, NULL, 'D'},	      {"code", required_argument, NULL, 'c'},
		{"name", required_argument, NULL, 'n'},	      {"sex", required_argument, NULL, 's'},
		{"birth-year", required_argument, NULL, 'y'}, {"phone", required_argument, NULL, 'p'},
		{"login", required_argument, NULL, 'l'},      {"inactive", no_argument, NULL, 'i'},
		{"from", required_argument, NULL, 'f'},	      {"to", required_argument, NULL, 't'},
		{"course", required_argument, NULL, 'C'},     {"hours", required_argument, NULL, 'h'},
		{"lang", required_argument, NULL, 'L'},	      {0}};
	static const char *const actions[] = {"add", "assign", "train", "report", NULL};
	bool known = false;
	for (const char *const *a = actions; argc > 1 && *a && !known; a++)
		known = strcmp(*a, argv[1]) == 0;
	if (!known)
		return cli_fail("workforce", DS_EUSAGE, "give an action: add, assign, train or report");
	c->action = argv[1];
	bool training = strcmp(c->action, "train") == 0;
	optind = 2;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd': c->db = optarg; break;
		case 'b': c->by = optarg; break;
		case 'u': c->unit = optarg; break;
		case 'a': c->unit = optarg; break;
		case 'D':
			c->date = optarg;
			if (training)
				member(c->body, "date", optarg, false);
			break;
		case 'c': member(c->body, strcmp(c->action, "add") == 0 ? "code" : "collaborator", optarg, false); break;
		case 'n': member(c->body, "name", optarg, false); break;
		case 's': member(c->body, "sex", optarg, true); break;
		case 'y': member(c->body, "birth_year", optarg, true); break;
		case 'p': member(c->body, "phone", optarg, false); break;
		case 'l': member(c->body, "login", optarg, false); break;
		case 'i': json_object_set_new(c->body, "active", json_false()); break;
		case 'f': member(c->body, "from", optarg, false); break;
		case 't': member(c->body, "to", optarg, false); break;
		case 'C': member(c->body, "course", optarg, false); break;
		case 'h': member(c->body, "hours", optarg, true); break;
		case 'L': c->lang = strcmp(optarg, "vi") == 0 ? "vi" : "en"; break;
		default: cli_usage("workforce", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (optind != argc)
		return cli_fail("workforce", DS_EUSAGE, "unexpected %s", argv[optind]);
	if (!c->unit)
		return cli_fail("workforce", DS_EUSAGE, "give --unit (or --area for assign)");
	return 0;
}

static int open_all(struct wk_cli *c)
{
	int ex = cli_open_store("workforce", c->db, false, &c->st);
	if (ex)
		return ex;
	enum ds_rc rc = store_units_tree(c->st, &c->units);
	if (!rc && !(c->book = rec_book_new()))
		rc = DS_ENOMEM;
	if (!rc)
		rc = rec_book_catch_up(c->book, c->st);
	if (!rc)
		rc = engine_load(c->st, &c->e);
	if (rc)
		return cli_fail("workforce", rc, "%s", store_errmsg(c->st)[0] ? store_errmsg(c->st) : ds_rc_str(rc));
	if (!c->by)
		return 0;
	rc = store_user_get(c->st, c->by, 0, &c->user);
	if (rc == DS_ENOTFOUND || (!rc && c->user.disabled))
		return cli_fail("workforce", DS_EAUTH, "by: no active account %s", c->by);
	if (rc)
		return cli_fail("workforce", rc, "%s", store_errmsg(c->st));
	if (c->user.role < ROLE_COMMUNE || c->user.role > ROLE_NATIONAL)
		return cli_fail("workforce", DS_EDENIED, "by: only officers manage collaborators");
	struct wf_actor who = {.role = c->user.role, .login = c->user.login, .unit = c->user.unit};
	if (!wf_in_scope(&c->units, &who, c->unit, day_today())) {
		struct ds_problem pb;
		ds_problem_set(&pb, "", 0, "unit", W_NO_UNIT);
		return cli_refused("workforce", DS_ENOTFOUND, &pb, c->lang);
	}
	return 0;
}

static int print(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	puts(s ? s : "{}");
	free(s);
	json_decref(o);
	return 0;
}

static int write_record(struct wk_cli *c)
{
	const char *kind = strcmp(c->action, "add") == 0 ? "collaborator" : strcmp(c->action, "assign") == 0 ? "assignment" : "training";
	struct wk_result res;
	enum ds_rc rc = store_begin(c->st);
	if (!rc)
		rc = wk_record(c->st, c->book, &c->units, kind, c->unit, c->body, c->by ? c->by : cli_default_by(), &res);
	if (!rc && !res.refused)
		rc = store_commit(c->st);
	else
		store_rollback(c->st);
	if (rc)
		return cli_fail("workforce", rc, "%s", store_errmsg(c->st)[0] ? store_errmsg(c->st) : ds_rc_str(rc));
	if (res.refused)
		return cli_refused("workforce", res.hidden ? DS_ENOTFOUND : DS_EINPUT, &res.problem, c->lang);
	return print(json_pack("{s:s, s:s, s:s, s:s}", "status", "recorded", "kind", kind, "unit", c->unit, "key", res.key));
}

int cmd_workforce(int argc, char **argv)
{
	struct wk_cli c = {.db = CLI_DEFAULT_DB, .lang = "en", .body = json_object()};
	int ex = parse(argc, argv, &c);
	if (!ex)
		ex = open_all(&c);
	if (!ex && strcmp(c.action, "report") != 0) {
		ex = write_record(&c);
	} else if (!ex) {
		json_t *out = NULL;
		struct ds_problem pb = {0};
		enum ds_rc rc = wk_report(c.e, c.st, c.book, c.unit, c.date, &out, &pb);
		if (!rc)
			rc = cli_audit(c.st, "workforce", "unit", c.unit, c.unit);
		ex = rc && pb.field[0] ? cli_refused("workforce", rc, &pb, c.lang) : rc ? cli_fail("workforce", rc, "%s", ds_rc_str(rc)) : print(out);
		if (rc)
			json_decref(out);
	}
	json_decref(c.body);
	engine_free(c.e);
	rec_book_free(c.book);
	reg_units_free(&c.units);
	if (c.st)
		store_close(c.st);
	return ex;
}
