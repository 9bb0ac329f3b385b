/* danso elderly: the elderly-check programme from the command line (sessions, invitations, attendance, follow-up, coverage), for an account checked as the API checks it. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/day.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "ledger/ledger.h"
#include "records/book.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/register.h"
#include "workflow/cycle.h"
#include "workflow/elderly.h"

struct el_opts {
	const char *action, *db, *by, *unit, *date, *place, *capacity, *areas, *session, *persons, *fmt, *lang;
	int year;
};

struct el_cli {
	struct el_opts o;
	struct store *st;
	struct ledger lg;
	bool lg_open;
	struct rec_book *book;
	struct engine *e;
	struct store_user user; /* --by, or login "" */
	struct el_scope sc;
};

/* Which roles may do each action (the API's permissions). */
static bool role_may(const char *action, int role)
{
	if (strcmp(action, "schedule") == 0)
		return role >= ROLE_COMMUNE && role <= ROLE_NATIONAL;
	if (strcmp(action, "invite") == 0 || strcmp(action, "attend") == 0)
		return role == ROLE_COLLABORATOR || role == ROLE_COMMUNE;
	return role >= ROLE_COLLABORATOR && role <= ROLE_NATIONAL;
}

static bool by_covers(void *arg, const char *unit)
{
	struct el_cli *c = arg;
	struct wf_actor who = {.role = c->user.role, .login = c->user.login, .unit = c->user.unit};
	return wf_in_scope(&c->lg.units, &who, unit, day_today());
}

static int print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	puts(s ? s : "{}");
	free(s);
	json_decref(o);
	return 0;
}

/* An audit entry per person shown or changed, as the account of --by (or
 * the system user), inside the caller's transaction.  areas, when given,
 * holds each person's area; else each object's member "area". */
static enum ds_rc audit_add(struct el_cli *c, const char *action, json_t *ids, json_t *areas)
{
	struct store_audit a = {.at = (int64_t)time(NULL), .role = c->user.login[0] ? c->user.role : ROLE_ADMIN};
	if (c->user.login[0])
		memcpy(a.login, c->user.login, sizeof a.login);
	else
		snprintf(a.login, sizeof a.login, "cli:%.50s", cli_default_by());
	snprintf(a.unit, sizeof a.unit, "%s", c->user.unit);
	snprintf(a.action, sizeof a.action, "%s", action);
	snprintf(a.object, sizeof a.object, "person");
	snprintf(a.outcome, sizeof a.outcome, "ok");
	enum ds_rc rc = DS_OK;
	size_t i;
	json_t *o;
	json_array_foreach(ids, i, o)
	{
		const char *id = json_is_string(o) ? json_string_value(o) : json_string_value(json_object_get(o, "person_id"));
		const char *area = areas ? json_string_value(json_array_get(areas, i)) : json_string_value(json_object_get(o, "area"));
		snprintf(a.object_id, sizeof a.object_id, "%s", id ? id : "");
		snprintf(a.area, sizeof a.area, "%s", area ? area : "");
		if (!rc)
			rc = store_audit_add(c->st, &a);
	}
	return rc;
}

/* The same in a transaction of its own, before anything is shown. */
static enum ds_rc audit_persons(struct el_cli *c, const char *action, json_t *ids, json_t *areas)
{
	enum ds_rc rc = store_begin(c->st);
	if (!rc)
		rc = audit_add(c, action, ids, areas);
	if (!rc)
		return store_commit(c->st);
	store_rollback(c->st);
	return rc;
}

/* A comma-separated option as a JSON array of strings. */
static json_t *split(const char *s)
{
	json_t *arr = json_array();
	while (s && *s) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		json_array_append_new(arr, json_stringn(s, n));
		s = comma ? comma + 1 : NULL;
	}
	return arr;
}

/* A write in one transaction: fn does it, the outcome is printed. */
typedef enum ds_rc (*el_write_fn)(struct el_cli *c, const char *by, struct el_result *res);

static int write_one(struct el_cli *c, el_write_fn fn, const char *what)
{
	struct el_result res;
	const char *by = c->user.login[0] ? c->user.login : cli_default_by();
	enum ds_rc rc = store_begin(c->st);
	if (!rc)
		rc = fn(c, by, &res);
	if (!rc && !res.refused)
		rc = store_commit(c->st);
	else
		store_rollback(c->st);
	if (rc) {
		ledger_reload_units(&c->lg);
		return cli_fail("elderly", rc, "%s", store_errmsg(c->st)[0] ? store_errmsg(c->st) : ds_rc_str(rc));
	}
	if (res.refused)
		return cli_refused("elderly", res.hidden ? DS_ENOTFOUND : DS_EINPUT, &res.problem, c->o.lang);
	json_t *o = json_pack("{s:s, s:I, s:I}", "status", what, "added", (json_int_t)res.added, "already",
			      (json_int_t)res.already);
	if (res.id[0])
		json_object_set_new(o, "id", json_string(res.id));
	return print_json(o);
}

static enum ds_rc do_schedule(struct el_cli *c, const char *by, struct el_result *res)
{
	char *end = NULL;
	long cap = c->o.capacity ? strtol(c->o.capacity, &end, 10) : 0;
	json_t *capacity = c->o.capacity ? (*end ? json_string(c->o.capacity) : json_integer(cap)) : NULL;
	json_t *areas = c->o.areas ? split(c->o.areas) : NULL;
	struct el_schedule_rq rq = {.unit = c->o.unit, .date = c->o.date, .place = c->o.place, .capacity = capacity,
				    .areas = areas};
	enum ds_rc rc = el_schedule(c->st, &c->lg.units, &rq, &c->sc, by, res);
	json_decref(capacity);
	json_decref(areas);
	return rc;
}

static enum ds_rc do_persons(struct el_cli *c, const char *by, struct el_result *res, bool attend)
{
	json_t *persons = c->o.persons ? split(c->o.persons) : NULL;
	enum ds_rc rc = attend ? el_attend(&c->lg, c->book, c->o.session, persons, &c->sc, by, res)
			       : el_invite(c->st, c->book, &c->lg.units, c->o.session, persons, &c->sc, by, res);
	if (!rc && !res->refused)
		rc = audit_add(c, attend ? "elderly_check" : "elderly_invite", persons, NULL);
	json_decref(persons);
	return rc;
}

static enum ds_rc do_invite(struct el_cli *c, const char *by, struct el_result *res)
{
	return do_persons(c, by, res, false);
}

static enum ds_rc do_attend(struct el_cli *c, const char *by, struct el_result *res)
{
	return do_persons(c, by, res, true);
}

/* The persons of the invitation lists, for the audit. */
static json_t *list_persons(json_t *lists, json_t **areas)
{
	json_t *ids = json_array();
	*areas = json_array();
	size_t i, j;
	json_t *a, *p;
	json_array_foreach(json_object_get(lists, "areas"), i, a)
		json_array_foreach(json_object_get(a, "persons"), j, p)
		{
			json_array_append(ids, json_object_get(p, "person_id"));
			json_array_append(*areas, json_object_get(a, "area"));
		}
	return ids;
}

static int do_read(struct el_cli *c)
{
	const char *a = c->o.action;
	json_t *out = NULL;
	struct ds_problem pb = {0};
	enum ds_rc rc;
	if (strcmp(a, "lists") != 0 && c->sc.covers && !by_covers(c, c->o.unit)) {
		ds_problem_set(&pb, "", 0, "unit", W_NO_UNIT);
		return cli_refused("elderly", DS_ENOTFOUND, &pb, c->o.lang);
	}
	if (strcmp(a, "sessions") == 0) {
		int y, m, d;
		day_to_ymd(day_today(), &y, &m, &d);
		rc = el_sessions(c->book, c->st, &c->lg.units, c->o.unit ? c->o.unit : "", c->o.year ? c->o.year : y,
				 &c->sc, &out);
	} else if (strcmp(a, "lists") == 0) {
		rc = el_session_lists(c->book, c->st, &c->lg.units, c->o.session, &c->sc, &out);
		if (rc == DS_ENOTFOUND)
			ds_problem_set(&pb, "", 0, "session", W_NO_RECORD);
		json_t *areas = NULL, *ids = rc ? NULL : list_persons(out, &areas);
		if (!rc)
			rc = audit_persons(c, "elderly_list", ids, areas);
		json_decref(ids);
		json_decref(areas);
	} else if (strcmp(a, "followup") == 0) {
		rc = el_followup(c->e, c->st, c->book, c->o.unit, c->o.date, &out, &pb);
		if (!rc)
			rc = audit_persons(c, "worklist", json_object_get(out, "items"), NULL);
	} else {
		rc = el_coverage(c->e, c->book, c->o.unit, c->o.date, &out, &pb);
	}
	if (rc && pb.field[0])
		return cli_refused("elderly", rc, &pb, c->o.lang);
	if (rc)
		return cli_fail("elderly", rc, "%s", ds_rc_str(rc));
	if (strcmp(a, "lists") == 0 && strcmp(c->o.fmt, "csv") == 0) {
		struct buf b = {0};
		buf_puts(&b, "\xEF\xBB\xBF");
		el_lists_csv(out, c->o.lang, &b);
		int ex = cli_write_out("elderly", &b, NULL);
		buf_free(&b);
		json_decref(out);
		return ex;
	}
	return print_json(out);
}

static int parse_opts(int argc, char **argv, struct el_opts *o)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},	     {"by", required_argument, NULL, 'b'},
		{"unit", required_argument, NULL, 'u'},	     {"date", required_argument, NULL, 'D'},
		{"place", required_argument, NULL, 'p'},     {"capacity", required_argument, NULL, 'c'},
		{"areas", required_argument, NULL, 'a'},     {"session", required_argument, NULL, 's'},
		{"persons", required_argument, NULL, 'P'},   {"format", required_argument, NULL, 'f'},
		{"lang", required_argument, NULL, 'l'},	     {"year", required_argument, NULL, 'y'},
		{0}};
	if (argc < 2 || argv[1][0] == '-')
		return cli_fail("elderly", DS_EUSAGE, "give an action: schedule, invite, attend, sessions, lists, followup or coverage");
	o->action = argv[1];
	static const char *const actions[] = {"schedule", "invite", "attend", "sessions", "lists", "followup", "coverage", NULL};
	bool known = false;
	for (const char *const *a = actions; *a && !known; a++)
		known = strcmp(*a, o->action) == 0;
	if (!known)
		return cli_fail("elderly", DS_EUSAGE, "action: %s is not one of schedule, invite, attend, sessions, lists, followup, coverage", o->action);
	optind = 2;
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'b': o->by = optarg; break;
		case 'u': o->unit = optarg; break;
		case 'D': o->date = optarg; break;
		case 'p': o->place = optarg; break;
		case 'c': o->capacity = optarg; break;
		case 'a': o->areas = optarg; break;
		case 's': o->session = optarg; break;
		case 'P': o->persons = optarg; break;
		case 'f': o->fmt = optarg; break;
		case 'l': o->lang = strcmp(optarg, "vi") == 0 ? "vi" : "en"; break;
		case 'y':
			o->year = (int)strtol(optarg, &end, 10);
			if (*end || o->year < 1900 || o->year > 2200)
				return cli_fail("elderly", DS_EUSAGE, "year: not a year");
			break;
		default: cli_usage("elderly", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (optind != argc)
		return cli_fail("elderly", DS_EUSAGE, "unexpected %s", argv[optind]);
	if (strcmp(o->fmt, "json") && strcmp(o->fmt, "csv"))
		return cli_fail("elderly", DS_EUSAGE, "format: json or csv");
	bool need_session = strcmp(o->action, "invite") == 0 || strcmp(o->action, "attend") == 0 ||
			    strcmp(o->action, "lists") == 0;
	if (need_session && !o->session)
		return cli_fail("elderly", DS_EUSAGE, "session: give --session ID");
	if (!need_session && strcmp(o->action, "schedule") != 0 && !o->unit)
		return cli_fail("elderly", DS_EUSAGE, "unit: give --unit CODE");
	return 0;
}

/* Opens the store, the ledger, the book and (for reads of persons) the engine; checks --by. */
static int open_all(struct el_cli *c)
{
	int ex = cli_open_store("elderly", c->o.db, false, &c->st);
	if (ex)
		return ex;
	enum ds_rc rc = ledger_open(&c->lg, c->st);
	c->lg_open = !rc;
	if (!rc && !(c->book = rec_book_new()))
		rc = DS_ENOMEM;
	if (!rc)
		rc = rec_book_catch_up(c->book, c->st);
	if (!rc && (strcmp(c->o.action, "followup") == 0 || strcmp(c->o.action, "coverage") == 0))
		rc = engine_load(c->st, &c->e);
	if (rc)
		return cli_fail("elderly", rc, "%s", store_errmsg(c->st)[0] ? store_errmsg(c->st) : ds_rc_str(rc));
	if (!c->o.by)
		return 0;
	rc = store_user_get(c->st, c->o.by, 0, &c->user);
	if (rc == DS_ENOTFOUND || (!rc && c->user.disabled))
		return cli_fail("elderly", DS_EAUTH, "by: no active account %s", c->o.by);
	if (rc)
		return cli_fail("elderly", rc, "%s", store_errmsg(c->st));
	if (!role_may(c->o.action, c->user.role))
		return cli_fail("elderly", DS_EDENIED, "by: this account may not %s", c->o.action);
	c->sc = (struct el_scope){.covers = by_covers, .arg = c};
	c->lg.scope = by_covers;
	c->lg.scope_arg = c;
	return 0;
}

int cmd_elderly(int argc, char **argv)
{
	struct el_cli c = {.o = {.db = CLI_DEFAULT_DB, .fmt = "json", .lang = "en"}};
	if (getenv("DANSO_LANG") && strcmp(getenv("DANSO_LANG"), "vi") == 0)
		c.o.lang = "vi";
	int ex = parse_opts(argc, argv, &c.o);
	if (!ex)
		ex = open_all(&c);
	if (!ex) {
		const char *a = c.o.action;
		if (strcmp(a, "schedule") == 0)
			ex = write_one(&c, do_schedule, "scheduled");
		else if (strcmp(a, "invite") == 0)
			ex = write_one(&c, do_invite, "invited");
		else if (strcmp(a, "attend") == 0)
			ex = write_one(&c, do_attend, "checked");
		else
			ex = do_read(&c);
	}
	engine_free(c.e);
	rec_book_free(c.book);
	if (c.lg_open)
		ledger_close(&c.lg);
	if (c.st)
		store_close(c.st);
	return ex;
}
