/* danso submit, approve, return, status: the monthly cycle from the command line, for an account checked as the API checks it. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/day.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "records/book.h"
#include "report/report.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/register.h"
#include "workflow/cycle.h"
#include "workflow/dhis2.h"
#include "workflow/timely.h"

/* What every cycle command loads. */
struct cyc {
	const char *cmd;
	struct store *st;
	struct reg_units units;
	struct engine *e;
	struct rec_book *book;
	struct rpt_defs defs;
	struct store_user user; /* --by */
	bool json;
};

static void cyc_close(struct cyc *c)
{
	engine_free(c->e);
	rec_book_free(c->book);
	reg_units_free(&c->units);
	rpt_defs_free(&c->defs);
	if (c->st)
		store_close(c->st);
}

/* Opens the store and loads what the command needs; 0 or the exit status. */
static int cyc_open(struct cyc *c, const char *db, const char *by, bool engine)
{
	char err[300];
	if (rpt_defs_load(&c->defs, err, sizeof err))
		return cli_fail(c->cmd, DS_EINTERNAL, "report definitions: %s", err);
	int ex = cli_open_store(c->cmd, db, false, &c->st);
	if (ex)
		return ex;
	if (by) {
		enum ds_rc rc = store_user_get(c->st, by, 0, &c->user);
		if (rc == DS_ENOTFOUND || (!rc && c->user.disabled))
			return cli_fail(c->cmd, DS_EAUTH, "no active account %s", by);
		if (rc)
			return cli_fail(c->cmd, rc, "%s", store_errmsg(c->st));
	}
	enum ds_rc rc = store_units_tree(c->st, &c->units);
	if (!rc && !(c->book = rec_book_new()))
		rc = DS_ENOMEM;
	if (!rc)
		rc = rec_book_catch_up(c->book, c->st);
	if (!rc && engine)
		rc = engine_load(c->st, &c->e);
	if (rc)
		return cli_fail(c->cmd, rc, "%s", store_errmsg(c->st)[0] ? store_errmsg(c->st) : ds_rc_str(rc));
	return 0;
}

/* A refusal: the reason on stderr, and as {"error": ...} on stdout with --format json. */
static int refused(struct cyc *c, const char *field, enum ds_why w)
{
	enum ds_rc rc = wf_why_rc(w);
	if (c->json) {
		json_t *o = json_pack("{s:{s:s, s:s, s:s?}}", "error", "code", ds_why_code(w), "message",
				      strcmp(cli_lang(), "vi") == 0 ? ds_why_vi(w) : ds_why_en(w), "field", field);
		char *s = json_dumps(o, JSON_COMPACT);
		puts(s ? s : "{}");
		free(s);
		json_decref(o);
	}
	return cli_fail(c->cmd, rc, "%s%s%s", field ? field : "", field ? ": " : "",
			strcmp(cli_lang(), "vi") == 0 ? ds_why_vi(w) : ds_why_en(w));
}

static void print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	puts(s ? s : "{}");
	free(s);
	json_decref(o);
}

/* The audit entry of an action, in the action's transaction. */
static enum ds_rc audit(struct cyc *c, const char *action, const char *id, const char *outcome)
{
	struct store_audit a = {.at = (int64_t)time(NULL), .role = c->user.role};
	snprintf(a.login, sizeof a.login, "%s", c->user.login);
	snprintf(a.unit, sizeof a.unit, "%s", c->user.unit);
	snprintf(a.action, sizeof a.action, "%s", action);
	snprintf(a.object, sizeof a.object, "report");
	snprintf(a.object_id, sizeof a.object_id, "%s", id);
	snprintf(a.outcome, sizeof a.outcome, "%s", outcome);
	return store_audit_add(c->st, &a);
}

/* Records r (a submission or decision) with its audit entry in one transaction. */
static int record(struct cyc *c, struct rec *r, const char *action, const char *what)
{
	struct rec_result res;
	enum ds_rc rc = store_begin(c->st);
	if (!rc)
		rc = wf_record(c->st, &c->units, r, c->user.login, &res);
	if (!rc)
		rc = audit(c, action, what, res.outcome == REC_REFUSED ? "refused" : "ok");
	if (!rc)
		rc = store_commit(c->st);
	else
		store_rollback(c->st);
	if (rc)
		return cli_fail(c->cmd, rc, "%s", store_errmsg(c->st)[0] ? store_errmsg(c->st) : ds_rc_str(rc));
	if (res.outcome == REC_REFUSED)
		return refused(c, res.problem.field, res.problem.why);
	char id[REG_UUID_TEXT];
	reg_uuid_format(r->id, id);
	if (c->json)
		print_json(json_pack("{s:s, s:s, s:s, s:s, s:I}", "status", action, "id", id, "unit", r->unit,
				     "key", r->key, "seq", (json_int_t)res.seq));
	else
		printf("%s: %s %s (record %s)\n", c->cmd, r->unit, r->key, id);
	return 0;
}

struct cyc_args {
	const char *db, *form, *unit, *period, *by, *comment;
	struct rpt_period p;
};

static int parse_args(struct cyc *c, int argc, char **argv, struct cyc_args *a, bool need_by)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"form", required_argument, NULL, 'f'},
					     {"unit", required_argument, NULL, 'u'},
					     {"period", required_argument, NULL, 'p'},
					     {"by", required_argument, NULL, 'b'},
					     {"comment", required_argument, NULL, 'c'},
					     {"format", required_argument, NULL, 't'},
					     {"lang", required_argument, NULL, 'l'},
					     {0}};
	memset(a, 0, sizeof *a);
	a->db = CLI_DEFAULT_DB;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd': a->db = optarg; break;
		case 'f': a->form = optarg; break;
		case 'u': a->unit = optarg; break;
		case 'p': a->period = optarg; break;
		case 'b': a->by = optarg; break;
		case 'c': a->comment = optarg; break;
		case 't':
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return cli_fail(c->cmd, DS_EUSAGE, "--format is json or text");
			c->json = strcmp(optarg, "json") == 0;
			break;
		case 'l': cli_set_lang(optarg); break;
		default: cli_usage(c->cmd, stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (optind != argc || !a->unit || !a->period || (need_by && (!a->by || !a->form)))
		return cli_fail(c->cmd, DS_EUSAGE, "give %s", need_by ? "--form, --unit, --period and --by" : "--unit and --period");
	if (!rpt_period_parse(a->period, &a->p))
		return cli_fail(c->cmd, DS_EUSAGE, "--period is 2025, 2025-Q1 or 2025-03");
	return 0;
}

static struct wf_actor actor_of(const struct cyc *c)
{
	return (struct wf_actor){c->user.role, c->user.login, c->user.unit};
}

int cmd_submit(int argc, char **argv)
{
	struct cyc c = {.cmd = "submit"};
	struct cyc_args a;
	int ex = parse_args(&c, argc, argv, &a, true);
	if (ex || (ex = cyc_open(&c, a.db, a.by, true))) {
		cyc_close(&c);
		return ex;
	}
	struct wf_actor who = actor_of(&c);
	bool hidden;
	enum ds_why w = wf_may_submit(&c.units, &who, a.form, a.unit, &a.p, day_today(), &hidden);
	if (w) {
		ex = refused(&c, hidden ? "unit" : w == W_PERIOD_NOT_ENDED ? "period" : w == W_WRONG_LEVEL ? "by" : "form", w);
		cyc_close(&c);
		return ex;
	}
	struct rpt_request rq = {.form = a.form, .unit = a.unit, .period = a.p.code, .map_date = DAY_NONE,
				 .layout = LAYOUT_SINGLE};
	struct rpt_table t;
	struct ds_problem pb = {0};
	const struct eng_view *v = engine_read(c.e);
	int64_t position = engine_last_seq(c.e);
	enum ds_rc rc = rpt_run(c.e, &c.defs, &rq, NULL, NULL, &t, &pb);
	engine_read_end(v);
	if (rc) {
		ex = cli_fail(c.cmd, rc, "the report could not be computed: %s", pb.field[0] ? ds_why_en(pb.why) : ds_rc_str(rc));
		cyc_close(&c);
		return ex;
	}
	struct wf_status s;
	wf_status_get(c.book, a.form, a.unit, a.p.code, &s);
	bool nothing = s.state == WF_APPROVED && !wf_values_differ(s.approved_values, &t, 0);
	bool revision = s.has_approved;
	wf_status_free(&s);
	struct rec r;
	if (nothing) {
		ex = refused(&c, "period", W_NOTHING_CHANGED);
	} else if ((rc = wf_submission_new(&r, a.unit, &t, 0, position, revision, &pb))) {
		ex = cli_fail(c.cmd, rc, "%s", ds_why_en(pb.why));
	} else {
		char what[64];
		snprintf(what, sizeof what, "%s-%s-%s", a.form, a.unit, a.p.code);
		ex = record(&c, &r, "submitted", what);
		rec_free(&r);
	}
	rpt_table_free(&t);
	cyc_close(&c);
	return ex;
}

static int decide(int argc, char **argv, const char *cmd, bool approve)
{
	struct cyc c = {.cmd = cmd};
	struct cyc_args a;
	int ex = parse_args(&c, argc, argv, &a, true);
	if (ex || (ex = cyc_open(&c, a.db, a.by, false))) {
		cyc_close(&c);
		return ex;
	}
	struct wf_actor who = actor_of(&c);
	bool hidden;
	enum ds_why w = wf_may_decide(&c.units, &who, a.form, a.unit, &a.p, &hidden);
	struct wf_status s;
	wf_status_get(c.book, a.form, a.unit, a.p.code, &s);
	if (!w && !s.versions)
		w = W_NOT_SUBMITTED;
	if (!w && !approve && (!a.comment || strspn(a.comment, " \t\r\n") == strlen(a.comment)))
		w = W_COMMENT_REQUIRED;
	struct rec r;
	struct ds_problem pb = {0};
	enum ds_rc rc;
	if (w) {
		ex = refused(&c, hidden ? "unit" : w == W_COMMENT_REQUIRED ? "comment" : w == W_WRONG_LEVEL ? "by" : "form", w);
	} else if ((rc = wf_decision_new(&r, a.unit, a.form, a.p.code, s.current, approve, approve ? a.comment : a.comment, &pb))) {
		ex = rc == DS_EINPUT ? refused(&c, pb.field, pb.why) : cli_fail(cmd, rc, "%s", ds_why_en(pb.why));
	} else {
		char what[64];
		snprintf(what, sizeof what, "%s-%s-%s", a.form, a.unit, a.p.code);
		ex = record(&c, &r, approve ? "approved" : "returned", what);
		rec_free(&r);
	}
	wf_status_free(&s);
	cyc_close(&c);
	return ex;
}

int cmd_approve(int argc, char **argv)
{
	return decide(argc, argv, "approve", true);
}

int cmd_return(int argc, char **argv)
{
	return decide(argc, argv, "return", false);
}

int cmd_status(int argc, char **argv)
{
	struct cyc c = {.cmd = "status"};
	struct cyc_args a;
	int ex = parse_args(&c, argc, argv, &a, false);
	if (ex || (ex = cyc_open(&c, a.db, NULL, true))) {
		cyc_close(&c);
		return ex;
	}
	if (!reg_units_rows(&c.units, a.unit, &(size_t){0})) {
		ex = refused(&c, "unit", W_NO_UNIT);
		cyc_close(&c);
		return ex;
	}
	struct wf_row *rows = NULL;
	size_t n = 0;
	enum ds_rc rc = wf_timeliness(c.e, &c.defs, c.book, c.st, a.unit, a.form, &a.p, 1, day_today(), &rows, &n);
	if (rc) {
		ex = rc == DS_EUSAGE ? refused(&c, "period", W_FORM_PERIOD) : cli_fail(c.cmd, rc, "%s", ds_rc_str(rc));
	} else if (c.json) {
		json_t *o = wf_timeliness_json(rows, n);
		json_object_del(o, "summary");
		print_json(o);
	} else {
		printf("%-10s %-28s %-7s %-10s %s\n", "unit", "name", "form", "state", "late (working days)");
		for (size_t i = 0; i < n; i++)
			printf("%-10s %-28s %-7s %-10s %d\n", rows[i].unit, rows[i].name, rows[i].form,
			       wf_state_name(rows[i].state), rows[i].late_days);
	}
	free(rows);
	cyc_close(&c);
	return ex;
}

/* Reads a whole file into a NUL-terminated buffer; NULL when it cannot. */
static char *slurp(const char *path, size_t *len)
{
	struct cli_file f;
	if (cli_map_file(path, &f))
		return NULL;
	char *s = malloc(f.size + 1);
	if (s) {
		memcpy(s, f.data, f.size);
		s[f.size] = '\0';
		*len = f.size;
	}
	cli_unmap_file(&f);
	return s;
}

int cmd_export_dhis2(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"form", required_argument, NULL, 'f'},
					     {"unit", required_argument, NULL, 'u'},
					     {"period", required_argument, NULL, 'p'},
					     {"mapping", required_argument, NULL, 'm'},
					     {"format", required_argument, NULL, 't'},
					     {"out", required_argument, NULL, 'o'},
					     {0}};
	const char *db = CLI_DEFAULT_DB, *form = NULL, *unit = NULL, *period = NULL, *mapping = NULL,
		   *fmt = "json", *outp = NULL;
	int o;
	while ((o = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (o) {
		case 'd': db = optarg; break;
		case 'f': form = optarg; break;
		case 'u': unit = optarg; break;
		case 'p': period = optarg; break;
		case 'm': mapping = optarg; break;
		case 't': fmt = optarg; break;
		case 'o': outp = optarg; break;
		default: cli_usage("export-dhis2", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	struct rpt_period p;
	if (optind != argc || !form || !unit || !period || !mapping)
		return cli_fail("export-dhis2", DS_EUSAGE, "give --form, --unit, --period and --mapping");
	if (!rpt_period_parse(period, &p))
		return cli_fail("export-dhis2", DS_EUSAGE, "--period is 2025, 2025-Q1 or 2025-03");
	if (strcmp(fmt, "json") && strcmp(fmt, "adx"))
		return cli_fail("export-dhis2", DS_EUSAGE, "--format is json or adx");
	struct cyc c = {.cmd = "export-dhis2"};
	int ex = cyc_open(&c, db, NULL, true);
	size_t len = 0;
	char *text = ex ? NULL : slurp(mapping, &len);
	if (!ex && !text)
		ex = cli_fail(c.cmd, DS_EIO, "cannot read %s", mapping);
	const struct rpt_form *f = ex ? NULL : rpt_form_find(&c.defs, form);
	if (!ex && !f)
		ex = cli_fail(c.cmd, DS_EUSAGE, "no form %s", form);
	if (!ex && !reg_units_rows(&c.units, unit, &(size_t){0}))
		ex = cli_fail(c.cmd, DS_ENOTFOUND, "no unit %s", unit);
	struct dhis2_map m = {0};
	struct ds_problem pb;
	if (!ex && dhis2_map_parse(text, len, mapping, &c.defs, &c.units, &m, &pb)) {
		cli_problem(&pb);
		ex = ds_rc_exit(DS_EINPUT);
	}
	struct wf_approved *ap = NULL;
	size_t na = 0;
	json_t *not_approved = NULL;
	enum ds_rc rc = ex ? DS_OK : wf_approved_reports(c.e, c.book, unit, form, &p, &ap, &na, &not_approved);
	if (rc)
		ex = cli_fail(c.cmd, rc, "%s", ds_rc_str(rc));
	struct dhis2_report *reps = !ex ? calloc(na + 1, sizeof *reps) : NULL;
	struct dhis2_out out = {0};
	if (!ex && reps) {
		for (size_t i = 0; i < na; i++)
			reps[i] = (struct dhis2_report){ap[i].unit, ap[i].values, ap[i].approved_at};
		dhis2_export(&m, f, &p, reps, na, (int64_t)time(NULL), &out);
		if (strcmp(fmt, "json") == 0) {
			char *s = json_dumps(out.json, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
			buf_reset(&out.adx);
			buf_puts(&out.adx, s ? s : "{}");
			buf_putc(&out.adx, '\n');
			free(s);
		}
		FILE *w = outp ? fopen(outp, "wb") : stdout;
		if (!w || fwrite(out.adx.data, 1, out.adx.len, w) != out.adx.len)
			ex = cli_fail(c.cmd, DS_EIO, "cannot write %s", outp ? outp : "the output");
		if (w && outp)
			fclose(w);
		/* What was left out, so that nothing is guessed. */
		size_t i;
		json_t *x;
		json_array_foreach(out.unmapped_rows, i, x)
			fprintf(stderr, "export-dhis2: row %s has no mapping: left out\n", json_string_value(x));
		json_array_foreach(out.unmapped_units, i, x)
			fprintf(stderr, "export-dhis2: unit %s has no org unit: left out\n", json_string_value(x));
		json_array_foreach(not_approved, i, x)
			fprintf(stderr, "export-dhis2: unit %s has no approved report: left out\n", json_string_value(x));
		fprintf(stderr, "export-dhis2: %zu values of %zu approved reports\n", out.values, na - json_array_size(out.unmapped_units));
	} else if (!ex) {
		ex = cli_fail(c.cmd, DS_ENOMEM, "out of memory");
	}
	dhis2_out_free(&out);
	free(reps);
	wf_approved_free(ap, na);
	json_decref(not_approved);
	dhis2_map_free(&m);
	free(text);
	cyc_close(&c);
	return ex;
}
