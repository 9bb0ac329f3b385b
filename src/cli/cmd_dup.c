/* danso duplicates: the candidate pairs of persons recorded twice (quality/dup.h). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "quality/decide.h"
#include "quality/dup.h"
#include "store/register.h"

/* Both persons of every pair, in the access log before anything is shown. */
static enum ds_rc audit_pairs(struct store *st, json_t *res)
{
	json_t *ids = json_array(), *p;
	size_t i;
	json_array_foreach(json_object_get(res, "pairs"), i, p)
	{
		json_array_append(ids, json_object_get(p, "a"));
		json_array_append(ids, json_object_get(p, "b"));
	}
	enum ds_rc rc = json_array_size(ids) ? cli_audit_ids(st, "duplicates", "person", ids, NULL, "")
					     : DS_OK;
	json_decref(ids);
	return rc;
}

/* a,b,score,reasons (the reasons separated by spaces). */
static void pairs_csv(json_t *res, struct buf *b)
{
	buf_puts(b, "a,b,score,reasons\n");
	json_t *p, *r;
	size_t i, k;
	json_array_foreach(json_object_get(res, "pairs"), i, p)
	{
		buf_printf(b, "%s,%s,%.3f,", json_string_value(json_object_get(p, "a")),
			   json_string_value(json_object_get(p, "b")),
			   json_real_value(json_object_get(p, "score")));
		json_array_foreach(json_object_get(p, "reasons"), k, r)
			buf_printf(b, "%s%s", k ? " " : "", json_string_value(r));
		buf_putc(b, '\n');
	}
}

static bool parse_score(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !isfinite(v) || v < 0 || v > 1)
		return false;
	*out = v;
	return true;
}

static int write_out(json_t *res, const char *fmt)
{
	struct buf b = {0};
	if (strcmp(fmt, "csv") == 0) {
		pairs_csv(res, &b);
	} else {
		char *s = json_dumps(res, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
		buf_puts(&b, s ? s : "{}");
		buf_putc(&b, '\n');
		free(s);
	}
	int bad = fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0;
	buf_free(&b);
	return bad ? cli_fail("duplicates", DS_EIO, "cannot write the output") : 0;
}

int cmd_duplicates(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"unit", required_argument, NULL, 'u'},
					     {"min-score", required_argument, NULL, 'm'},
					     {"format", required_argument, NULL, 'f'},
					     {0}};
	const char *db = CLI_DEFAULT_DB, *fmt = "json";
	struct dup_request rq = {.min_score = DUP_MIN_SCORE};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'u': rq.unit = optarg; break;
		case 'm':
			if (!parse_score(optarg, &rq.min_score))
				return cli_fail("duplicates", DS_EUSAGE, "--min-score is a number from 0 to 1, not '%s'", optarg);
			break;
		case 'f': fmt = optarg; break;
		default: cli_usage("duplicates", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (!rq.unit || optind != argc)
		return cli_fail("duplicates", DS_EUSAGE, "give --unit CODE");
	if (strcmp(fmt, "json") && strcmp(fmt, "csv"))
		return cli_fail("duplicates", DS_EUSAGE, "--format is json or csv");
	struct store *st = NULL;
	int ex = cli_open_store("duplicates", db, false, &st);
	if (ex)
		return ex;
	json_t *res = NULL;
	struct dup_stats s;
	struct dup_decided dd = {0};
	struct rec_book *book = rec_book_new();
	enum ds_rc rc = book ? rec_book_catch_up(book, st) : DS_ENOMEM;
	if (!rc)
		rc = dup_decided_load(book, &dd);
	rq.decided = dup_decided_has;
	rq.arg = &dd;
	if (!rc)
		rc = dup_find(st, &rq, &res, &s);
	dup_decided_free(&dd);
	rec_book_free(book);
	if (!rc)
		rc = audit_pairs(st, res);
	if (rc == DS_ENOTFOUND)
		ex = cli_fail("duplicates", rc, "no unit %s", rq.unit);
	else if (rc)
		ex = cli_fail("duplicates", rc, "%s", store_errmsg(st));
	else
		ex = write_out(res, fmt);
	if (!rc)
		fprintf(stderr, "duplicates: %ld persons, %ld keys, %lld pairs compared, %zu candidates, "
				"%ld blocks too large left out, %.2f s (%.2f s loading)\n",
			s.persons, s.keys, s.compared, json_array_size(json_object_get(res, "pairs")),
			s.blocks_left_out, s.seconds, s.load_seconds);
	json_decref(res);
	store_close(st);
	return ex;
}

/* ---- danso decide ---- */

struct decision {
	const char *person, *duplicate, *note;
	bool same;
};

/* "not the same": a pair_decision record about the area of the first person. */
static enum ds_rc not_same(struct store *st, const struct decision *d, struct ds_problem *pb,
			   int64_t *seq)
{
	struct store_person p;
	enum ds_rc rc = store_person_get(st, d->person, 0, &p);
	if (rc == DS_ENOTFOUND) {
		ds_problem_set(pb, NULL, 0, "person", W_NO_PERSON);
		return DS_EINPUT;
	}
	if (!rc && (rc = store_person_get(st, d->duplicate, 0, &(struct store_person){0})) == DS_ENOTFOUND) {
		ds_problem_set(pb, NULL, 0, "duplicate", W_NO_PERSON);
		return DS_EINPUT;
	}
	struct rec r;
	if (!rc)
		rc = dup_not_same_record(&r, NULL, d->person, d->duplicate, p.cur_area, d->note, pb);
	else
		memset(&r, 0, sizeof r);
	struct reg_units units = {0};
	struct rec_result res = {0};
	if (!rc)
		rc = store_units_tree(st, &units);
	if (!rc)
		rc = rec_record(st, &units, &r, cli_default_by(), &res);
	if (!rc && res.outcome == REC_REFUSED) {
		*pb = res.problem;
		rc = DS_EINPUT;
	}
	*seq = res.seq;
	reg_units_free(&units);
	rec_free(&r);
	return rc;
}

/* "the same": the merge event through the ledger, and what it carries over. */
static enum ds_rc same(struct store *st, const struct decision *d, struct ds_problem *pb,
		       int64_t *seq, json_t **plan)
{
	struct ledger lg;
	enum ds_rc rc = ledger_open(&lg, st);
	if (rc)
		return rc;
	struct reg_event ev;
	dup_merge_event(&ev, NULL, d->person, d->duplicate);
	snprintf(ev.text, sizeof ev.text, "%s", d->note ? d->note : "");
	struct ledger_result res;
	rc = ledger_record(&lg, &ev, cli_default_by(), &res);
	if (!rc && res.outcome == LEDGER_REFUSED) {
		*pb = res.problem;
		rc = DS_EINPUT;
	}
	if (!rc) {
		*seq = res.fact.seq;
		rc = dup_plan(&lg, res.fact.other, res.fact.person, plan);
	}
	ledger_close(&lg);
	return rc;
}

int cmd_decide(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"person", required_argument, NULL, 'p'},
					     {"duplicate", required_argument, NULL, 'u'},
					     {"same", no_argument, NULL, 's'},
					     {"not-same", no_argument, NULL, 'n'},
					     {"note", required_argument, NULL, 't'},
					     {0}};
	const char *db = CLI_DEFAULT_DB;
	struct decision d = {0};
	int c, said = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'p': d.person = optarg; break;
		case 'u': d.duplicate = optarg; break;
		case 's': d.same = true, said++; break;
		case 'n': d.same = false, said++; break;
		case 't': d.note = optarg; break;
		default: cli_usage("decide", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (!d.person || !d.duplicate || said != 1 || optind != argc)
		return cli_fail("decide", DS_EUSAGE, "give --person, --duplicate and one of --same, --not-same");
	struct store *st = NULL;
	int ex = cli_open_store("decide", db, false, &st);
	if (ex)
		return ex;
	struct ds_problem pb = {0};
	int64_t seq = 0;
	json_t *plan = NULL;
	enum ds_rc rc = store_begin(st);
	if (!rc)
		rc = d.same ? same(st, &d, &pb, &seq, &plan) : not_same(st, &d, &pb, &seq);
	rc = rc ? (store_rollback(st), rc) : store_commit(st);
	if (rc == DS_EINPUT) {
		fprintf(stderr, "danso decide: ");
		cli_problem(&pb);
		ex = ds_rc_exit(rc);
	} else if (rc) {
		ex = cli_fail("decide", rc, "%s", store_errmsg(st)[0] ? store_errmsg(st) : ds_rc_str(rc));
	} else {
		json_t *o = json_pack("{s:s, s:I}", "decision", d.same ? "same" : "not_same",
				      d.same ? "event_seq" : "record_seq", (json_int_t)seq);
		if (plan)
			json_object_update(o, plan);
		ex = write_out(o, "json");
		json_decref(o);
	}
	json_decref(plan);
	store_close(st);
	return ex;
}
