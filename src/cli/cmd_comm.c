/*
 * danso comm: communication sessions and clubs (workflows.md).
 *   danso comm record [--db DB] [--by LOGIN] FILE   records of kinds comm_session,
 *        club and club_meeting, one JSON envelope a line, all or none
 *   danso comm sessions --unit U --period P         the sessions held
 *   danso comm clubs --unit U [--date D]            the clubs, active or not
 *   danso comm summary --unit U --period P [--format json|csv|xlsx] [-o FILE]
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "cli/cli.h"
#include "records/book.h"
#include "store/accounts.h"
#include "store/register.h"
#include "workflow/comm.h"
#include "workflow/cycle.h"

#define USAGE                                                                                    \
	"usage: danso comm record [--db PATH] [--by LOGIN] FILE\n"                               \
	"       danso comm sessions|summary [--db PATH] --unit U --period P [--format json|csv|xlsx]\n" \
	"                                   [--lang vi|en] [-o FILE]\n"                          \
	"       danso comm clubs [--db PATH] --unit U [--date YYYY-MM-DD]"

struct comm_opts {
	const char *db, *by, *unit, *period, *date, *fmt, *out, *lang, *file;
};

static int usage(void)
{
	return cli_fail("comm", DS_EUSAGE, "%s", USAGE);
}

static bool parse_opts(int argc, char **argv, struct comm_opts *o)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},	  {"by", required_argument, NULL, 'b'},
		{"unit", required_argument, NULL, 'u'},	  {"period", required_argument, NULL, 'p'},
		{"date", required_argument, NULL, 't'},	  {"format", required_argument, NULL, 'f'},
		{"lang", required_argument, NULL, 'l'},	  {"out", required_argument, NULL, 'o'},
		{0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'b': o->by = optarg; break;
		case 'u': o->unit = optarg; break;
		case 'p': o->period = optarg; break;
		case 't': o->date = optarg; break;
		case 'f': o->fmt = optarg; break;
		case 'l': o->lang = optarg; break;
		case 'o': o->out = optarg; break;
		default: return false;
		}
	}
	if (optind < argc)
		o->file = argv[optind++];
	return optind == argc;
}

/* ---- record ---- */

struct batch {
	const char *file;
	struct rec *r;
	size_t n, cap;
};

static void batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		rec_free(&b->r[i]);
	free(b->r);
}

static const char *const comm_kinds[] = {"comm_session", "club", "club_meeting"};

/* Reads and checks every line; the first refusal is printed with its line and field. */
static enum ds_rc read_batch(struct batch *b, const struct cli_file *f, const struct reg_units *u,
			     const struct wf_actor *who)
{
	const char *p = f->data, *end = f->data + f->size;
	long line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		line++;
		const char *s = p;
		p = nl ? nl + 1 : end;
		if (len && s[len - 1] == '\r')
			len--;
		if (!len)
			continue;
		struct rec r;
		struct ds_problem pb = {0};
		if (!ds_grow(&b->r, sizeof *b->r, &b->cap, b->n, 64))
			return DS_ENOMEM;
		enum ds_rc rc = rec_parse_text(s, len, &r, &pb);
		bool ok_kind = false;
		for (size_t k = 0; !rc && k < 3; k++)
			ok_kind |= strcmp(r.kind, comm_kinds[k]) == 0;
		if (!rc && !ok_kind) {
			ds_problem_set(&pb, NULL, 0, "kind", W_BAD_CODE);
			rc = DS_EINPUT;
		}
		if (!rc && r.date > day_today()) {
			ds_problem_set(&pb, NULL, 0, "date", W_DATE_FUTURE);
			rc = DS_EINPUT;
		}
		if (!rc && who->login && !wf_in_scope(u, who, r.unit, day_today())) {
			ds_problem_set(&pb, NULL, 0, "unit", W_NO_UNIT);
			rc = DS_ENOTFOUND;
		}
		if (rc) {
			rec_free(&r);
			snprintf(pb.file, sizeof pb.file, "%s", b->file);
			pb.line = line;
			cli_problem(&pb);
			return rc;
		}
		b->r[b->n++] = r;
	}
	return DS_OK;
}

static int comm_record(const struct comm_opts *o)
{
	if (!o->file)
		return usage();
	struct store *st;
	int ex = cli_open_store("comm", o->db, false, &st);
	if (ex)
		return ex;
	struct store_user user = {0};
	struct wf_actor who = {0};
	struct reg_units units = {0};
	struct cli_file f = {0};
	struct batch b = {.file = o->file};
	enum ds_rc rc = DS_OK;
	if (o->by) {
		rc = store_user_get(st, o->by, 0, &user);
		if (rc == DS_ENOTFOUND || (!rc && user.disabled)) {
			ex = cli_fail("comm", DS_EAUTH, "by: no active account %s", o->by);
			goto out;
		}
		who = (struct wf_actor){.role = user.role, .login = user.login, .unit = user.unit};
	}
	if (!rc)
		rc = store_units_tree(st, &units);
	if (rc) {
		ex = cli_fail("comm", rc, "%s", store_errmsg(st));
		goto out;
	}
	if ((ex = cli_map_file(o->file, &f)))
		goto out;
	rc = read_batch(&b, &f, &units, &who);
	if (rc) {
		ex = cli_fail("comm", rc, "%s: nothing recorded", o->file);
		goto out;
	}
	/* All or none: one transaction; the first refusal rolls every line back. */
	size_t recorded = 0, present = 0;
	rc = store_begin(st);
	for (size_t i = 0; i < b.n && !rc; i++) {
		struct rec_result res;
		rc = wf_comm_record(st, &units, &b.r[i], o->by ? user.login : cli_default_by(), &res);
		if (!rc && res.outcome == REC_REFUSED) {
			snprintf(res.problem.file, sizeof res.problem.file, "%s", o->file);
			res.problem.line = (long)(i + 1);
			cli_problem(&res.problem);
			rc = DS_EINPUT;
		}
		recorded += !rc && res.outcome == REC_RECORDED;
		present += !rc && res.outcome == REC_DUPLICATE;
	}
	rc = rc ? (store_rollback(st), rc) : store_commit(st);
	if (rc == DS_EINPUT)
		ex = cli_fail("comm", rc, "%s: nothing recorded", o->file);
	else if (rc)
		ex = cli_fail("comm", rc, "%s", store_errmsg(st)[0] ? store_errmsg(st) : ds_rc_str(rc));
	else
		fprintf(stderr, "comm: %zu recorded, %zu already present\n", recorded, present);
out:
	cli_unmap_file(&f);
	batch_free(&b);
	reg_units_free(&units);
	store_close(st);
	return ex;
}

/* ---- lists and the summary ---- */

static int print(const char *cmd, json_t *o, const char *out)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	struct buf b = {0};
	if (!s || buf_puts(&b, s) || buf_putc(&b, '\n')) {
		free(s);
		buf_free(&b);
		return cli_fail(cmd, DS_ENOMEM, "out of memory");
	}
	free(s);
	int ex = cli_write_out(cmd, &b, out);
	buf_free(&b);
	return ex;
}

static int comm_read(const char *sub, const struct comm_opts *o)
{
	struct rpt_period p;
	int32_t day = day_today();
	const char *fmt = o->fmt ? o->fmt : "json", *lang = o->lang && !strcmp(o->lang, "en") ? "en" : "vi";
	if (!o->unit || o->file)
		return usage();
	if (strcmp(sub, "clubs") != 0 && (!o->period || !rpt_period_parse(o->period, &p)))
		return cli_fail("comm", DS_EUSAGE, "period: %s (2026-03, 2026-Q1, 2026-H1 or 2026)",
				ds_why_en(W_BAD_CODE));
	if (o->date && !day_parse(o->date, strlen(o->date), &day))
		return cli_fail("comm", DS_EUSAGE, "date: %s", ds_why_en(W_BAD_DATE));
	bool file_fmt = strcmp(sub, "summary") == 0 && (!strcmp(fmt, "csv") || !strcmp(fmt, "xlsx"));
	if (strcmp(fmt, "json") && !file_fmt)
		return cli_fail("comm", DS_EUSAGE, "format: json (csv and xlsx for the summary)");
	if (!strcmp(fmt, "xlsx") && !o->out)
		return cli_fail("comm", DS_EUSAGE, "an .xlsx needs -o FILE");
	struct store *st;
	int ex = cli_open_store("comm", o->db, false, &st);
	if (ex)
		return ex;
	struct reg_units units = {0};
	struct rec_book *book = rec_book_new();
	enum ds_rc rc = book ? store_units_tree(st, &units) : DS_ENOMEM;
	if (!rc)
		rc = rec_book_catch_up(book, st);
	if (!rc && !reg_units_resolve(&units, o->unit, strcmp(sub, "clubs") ? p.to : day))
		rc = DS_ENOTFOUND;
	json_t *res = NULL;
	if (!rc) {
		res = !strcmp(sub, "sessions") ? wf_comm_sessions(book, &units, o->unit, &p, lang)
		      : !strcmp(sub, "clubs") ? wf_comm_clubs(book, &units, o->unit, day, lang)
					      : wf_comm_summary(book, &units, o->unit, &p, lang);
		rc = res ? DS_OK : DS_ENOMEM;
	}
	if (rc == DS_ENOTFOUND) {
		ex = cli_fail("comm", rc, "unit: %s", ds_why_en(W_NO_UNIT));
	} else if (rc) {
		ex = cli_fail("comm", rc, "%s", store_errmsg(st)[0] ? store_errmsg(st) : ds_rc_str(rc));
	} else if (!strcmp(fmt, "csv")) {
		struct buf b = {0};
		wf_comm_summary_csv(res, lang, &b);
		ex = cli_write_out("comm", &b, o->out);
		buf_free(&b);
		json_decref(res);
	} else if (!strcmp(fmt, "xlsx")) {
		rc = wf_comm_summary_xlsx(res, lang, o->out);
		ex = rc ? cli_fail("comm", rc, "cannot write %s", o->out) : 0;
		json_decref(res);
	} else {
		ex = print("comm", res, o->out);
	}
	rec_book_free(book);
	reg_units_free(&units);
	store_close(st);
	return ex;
}

int cmd_comm(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	const char *sub = argv[1];
	struct comm_opts o = {.db = CLI_DEFAULT_DB};
	if (!parse_opts(argc - 1, argv + 1, &o))
		return usage();
	if (!strcmp(sub, "record"))
		return comm_record(&o);
	if (!strcmp(sub, "sessions") || !strcmp(sub, "clubs") || !strcmp(sub, "summary"))
		return comm_read(sub, &o);
	return usage();
}
