/* danso subject-file and danso audit-search: a person's file and a breach investigation's search of the audit log, on the server. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/day.h"
#include "cli/cli.h"
#include "privacy/breach.h"
#include "privacy/subject.h"
#include "records/book.h"
#include "register/units.h"
#include "store/register.h"

/* Writes text to path ("-" or NULL: standard output); 0 or the exit status. */
static int write_out(const char *cmd, const char *path, const char *text, size_t n)
{
	if (!path || strcmp(path, "-") == 0)
		return fwrite(text, 1, n, stdout) == n ? 0 : cli_fail(cmd, DS_EIO, "cannot write the output");
	FILE *f = fopen(path, "w");
	if (!f || fwrite(text, 1, n, f) != n || fclose(f)) {
		if (f)
			fclose(f);
		return cli_fail(cmd, DS_EIO, "cannot write %s", path);
	}
	return 0;
}

int cmd_subject_file(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"person", required_argument, NULL, 'p'},
					     {"out", required_argument, NULL, 'o'},
					     {0}};
	const char *db = CLI_DEFAULT_DB, *person = NULL, *out = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'p': person = optarg; break;
		case 'o': out = optarg; break;
		default: cli_usage("subject-file", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (!person || optind < argc)
		return cli_fail("subject-file", DS_EUSAGE, "give --person ID (and nothing else)");
	struct store *st;
	int ex = cli_open_store("subject-file", db, false, &st);
	if (ex)
		return ex;
	struct store_person p;
	struct rec_book *book = rec_book_new();
	json_t *file = NULL;
	enum ds_rc rc = book ? store_person_get(st, person, 0, &p) : DS_ENOMEM;
	if (!rc)
		rc = rec_book_catch_up(book, st);
	if (!rc)
		rc = subject_file(st, book, &p, cli_default_by(), &file);
	/* In the audit log before anything is written. */
	if (!rc)
		rc = cli_audit(st, "subject_file", "person", p.rec.id, p.cur_area);
	char *text = rc ? NULL : json_dumps(file, JSON_INDENT(1));
	if (rc == DS_ENOTFOUND)
		ex = cli_fail("subject-file", rc, "no person with id %s", person);
	else if (rc || !text)
		ex = cli_fail("subject-file", rc ? rc : DS_ENOMEM, "%s", store_errmsg(st));
	else
		ex = write_out("subject-file", out, text, strlen(text));
	if (!ex && text && out && strcmp(out, "-") != 0)
		fprintf(stderr, "danso subject-file: %s written (%zu accesses)\n", out,
			json_array_size(json_object_get(file, "access")));
	free(text);
	json_decref(file);
	rec_book_free(book);
	store_close(st);
	return ex;
}

/* ---- audit-search ---- */

struct cli_within {
	const struct reg_units *units;
	const char *unit;
	int32_t today;
};

static bool area_within(void *arg, const char *area)
{
	struct cli_within *w = arg;
	return reg_units_within(w->units, area, w->unit, w->today);
}

struct lines {
	struct buf b;
	size_t n;
};

static enum ds_rc csv_row(const struct store_audit *a, void *arg)
{
	struct lines *l = arg;
	l->n++;
	return breach_csv_row(&l->b, a);
}

/* Appends b to f and empties b. */
static enum ds_rc flush(FILE *f, struct buf *b)
{
	enum ds_rc rc = fwrite(b->data, 1, b->len, f) == b->len ? DS_OK : DS_EIO;
	buf_reset(b);
	return rc;
}

int cmd_audit_search(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"from", required_argument, NULL, 'f'},
					     {"to", required_argument, NULL, 't'},
					     {"login", required_argument, NULL, 'l'},
					     {"unit", required_argument, NULL, 'u'},
					     {"out", required_argument, NULL, 'o'},
					     {0}};
	const char *db = CLI_DEFAULT_DB, *from = NULL, *to = NULL, *out = NULL, *unit = NULL;
	struct breach_query q = {0};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'l': q.login = optarg; break;
		case 'u': unit = optarg; break;
		case 'o': out = optarg; break;
		default: cli_usage("audit-search", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (!from || !breach_parse_time(from, false, &q.from))
		return cli_fail("audit-search", DS_EUSAGE,
				"--from takes YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+hh:mm]");
	if (!to || !breach_parse_time(to, true, &q.to) || q.to <= q.from)
		return cli_fail("audit-search", DS_EUSAGE,
				"--to takes YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+hh:mm], after --from");
	struct store *st;
	int ex = cli_open_store("audit-search", db, false, &st);
	if (ex)
		return ex;
	struct reg_units units = {0};
	struct cli_within w = {&units, unit, day_today()};
	enum ds_rc rc = DS_OK;
	if (unit) {
		rc = store_units_tree(st, &units);
		if (!rc && !reg_units_resolve(&units, unit, w.today)) {
			reg_units_free(&units);
			store_close(st);
			return cli_fail("audit-search", DS_EUSAGE, "no unit %s", unit);
		}
		q.within = area_within;
		q.arg = &w;
	}
	FILE *f = out && strcmp(out, "-") ? fopen(out, "w") : stdout;
	if (!f) {
		reg_units_free(&units);
		store_close(st);
		return cli_fail("audit-search", DS_EIO, "cannot write %s", out);
	}
	/* The search itself is in the log before any line is written. */
	if (!rc)
		rc = cli_audit(st, "audit_search", "audit", q.login ? q.login : unit ? unit : "", unit);
	struct lines l = {{0}, 0};
	struct breach_cursor cur = {0};
	size_t scanned = 0, next_note = 1000000;
	if (!rc)
		rc = breach_csv_header(&l.b);
	while (!rc && !cur.done) {
		rc = breach_search(st, &q, &cur, 10000, 100000, csv_row, &l, &scanned);
		if (!rc)
			rc = flush(f, &l.b);
		/* Progress on a long search, when the file is not the terminal's. */
		if (scanned >= next_note && f != stdout) {
			fprintf(stderr, "danso audit-search: %zu entries read, %zu found\n", scanned, l.n);
			next_note += 1000000;
		}
	}
	if (!rc && f != stdout && fclose(f))
		rc = DS_EIO;
	else if (f != stdout && rc)
		fclose(f);
	if (rc == DS_EIO)
		ex = cli_fail("audit-search", rc, "cannot write %s", out ? out : "the output");
	else if (rc)
		ex = cli_fail("audit-search", rc, "%s", store_errmsg(st));
	else if (out && strcmp(out, "-"))
		fprintf(stderr, "danso audit-search: %zu entries found (%zu read), written to %s\n", l.n,
			scanned, out);
	buf_free(&l.b);
	reg_units_free(&units);
	store_close(st);
	return ex;
}
