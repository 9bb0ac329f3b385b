/* danso duplicates: the candidate pairs of persons recorded twice (quality/dup.h). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
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
	enum ds_rc rc = dup_find(st, &rq, &res, &s);
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
				"%ld blocks too large left out, %.2f s\n",
			s.persons, s.keys, s.compared, json_array_size(json_object_get(res, "pairs")),
			s.blocks_left_out, s.seconds);
	json_decref(res);
	store_close(st);
	return ex;
}
