/*
 * danso export: the register written back in the exchange formats.
 *
 * units.csv holds every unit row; households.csv and persons.csv the
 * baseline rows as they were imported; events.ndjson every event in the
 * order it was recorded (voids included), in canonical form.  Persons and
 * households that came in by events are inside those events.  Importing
 * the files into an empty database (baseline first, then events) gives the
 * same register: the same records, the same events, the same reports.
 * When several baselines were imported, the second and later ones go to
 * baseline-N/ folders, listed in manifest.json.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/day.h"
#include "cli/cli.h"
#include "store/register.h"

#define MAX_BASELINES 64

struct out {
	FILE *f;
	struct buf line;
	int64_t baseline; /* rows of this baseline only */
	long rows;
};

static int open_out(struct out *o, const char *dir, const char *name)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return -1;
	o->f = fopen(path, "w");
	if (!o->f)
		return -1;
	setvbuf(o->f, NULL, _IOFBF, 1 << 20);
	return 0;
}

static enum ds_rc flush_line(struct out *o)
{
	o->rows++;
	size_t n = fwrite(o->line.data, 1, o->line.len, o->f);
	buf_reset(&o->line);
	return n == o->line.len || o->line.len == 0 ? DS_OK : DS_EIO;
}

/* Writes the header and the columns of one record via get(). */
static void put_header(struct out *o, const char *const *cols, int n)
{
	for (int i = 0; i < n; i++)
		fprintf(o->f, "%s%s", i ? "," : "", cols[i]);
	fputc('\n', o->f);
}

static enum ds_rc unit_row(const struct reg_unit *u, void *arg)
{
	struct out *o = arg;
	char v[REG_TEXT_BYTES];
	for (int c = 0; c < UC_COUNT; c++) {
		reg_unit_get(u, (enum reg_ucol)c, v, sizeof v);
		if (c)
			buf_putc(&o->line, ',');
		buf_csv_field(&o->line, v);
	}
	buf_putc(&o->line, '\n');
	return flush_line(o);
}

static enum ds_rc household_row(const struct store_household *h, void *arg)
{
	struct out *o = arg;
	if (h->baseline != o->baseline)
		return DS_OK;
	char v[REG_TEXT_BYTES];
	for (int c = 0; c < HC_COUNT; c++) {
		reg_household_get(&h->rec, (enum reg_hcol)c, v, sizeof v);
		if (c)
			buf_putc(&o->line, ',');
		buf_csv_field(&o->line, v);
	}
	buf_putc(&o->line, '\n');
	return flush_line(o);
}

static enum ds_rc person_row(const struct store_person *p, void *arg)
{
	struct out *o = arg;
	if (p->baseline != o->baseline)
		return DS_OK;
	char v[REG_TEXT_BYTES];
	for (int c = 0; c < PC_COUNT; c++) {
		reg_person_get(&p->rec, (enum reg_pcol)c, v, sizeof v);
		if (c)
			buf_putc(&o->line, ',');
		buf_csv_field(&o->line, v);
	}
	buf_putc(&o->line, '\n');
	return flush_line(o);
}

static enum ds_rc event_row(const struct store_event *e, void *arg)
{
	struct out *o = arg;
	buf_puts(&o->line, e->body ? e->body : "{}");
	buf_putc(&o->line, '\n');
	return flush_line(o);
}

static int close_out(struct out *o)
{
	buf_free(&o->line);
	int bad = o->f && (ferror(o->f) | fclose(o->f));
	o->f = NULL;
	return bad;
}

static enum ds_rc export_baseline(struct store *st, const char *dir, int64_t id, long *hh, long *pp)
{
	struct out o = {.baseline = id};
	enum ds_rc rc = DS_OK;
	if (open_out(&o, dir, "households.csv"))
		return DS_EIO;
	put_header(&o, reg_household_cols, HC_COUNT);
	rc = store_each_household(st, true, household_row, &o);
	*hh = o.rows;
	if (close_out(&o) && !rc)
		rc = DS_EIO;
	if (rc)
		return rc;
	o = (struct out){.baseline = id};
	if (open_out(&o, dir, "persons.csv"))
		return DS_EIO;
	put_header(&o, reg_person_cols, PC_COUNT);
	rc = store_each_person(st, true, person_row, &o);
	*pp = o.rows;
	if (close_out(&o) && !rc)
		rc = DS_EIO;
	return rc;
}

static enum ds_rc export_all(struct store *st, const char *dir, json_t *manifest)
{
	struct out o = {0};
	if (open_out(&o, dir, "units.csv"))
		return DS_EIO;
	put_header(&o, reg_unit_cols, UC_COUNT);
	enum ds_rc rc = store_each_unit(st, unit_row, &o);
	json_object_set_new(manifest, "units", json_integer(o.rows));
	if (close_out(&o) && !rc)
		rc = DS_EIO;
	struct store_baseline b[MAX_BASELINES];
	size_t nb = 0;
	if (!rc)
		rc = store_baselines(st, b, MAX_BASELINES, &nb);
	json_t *arr = json_array();
	json_object_set_new(manifest, "baselines", arr);
	for (size_t i = 0; i < nb && !rc; i++) {
		char sub[4096], as_of[11];
		int len = i == 0 ? snprintf(sub, sizeof sub, "%s", dir)
				 : snprintf(sub, sizeof sub, "%s/baseline-%zu", dir, i + 1);
		if (len >= (int)sizeof sub)
			return DS_EIO;
		if (i && mkdir(sub, 0755) && errno != EEXIST)
			return DS_EIO;
		long hh = 0, pp = 0;
		rc = export_baseline(st, sub, b[i].id, &hh, &pp);
		day_format(b[i].as_of, as_of);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:i}", "as_of", as_of, "folder",
						     i ? sub + strlen(dir) + 1 : ".", "households",
						     (int)hh, "persons", (int)pp));
		if (i == 0)
			json_object_set_new(manifest, "as_of", json_string(as_of));
	}
	if (rc)
		return rc;
	o = (struct out){0};
	if (open_out(&o, dir, "events.ndjson"))
		return DS_EIO;
	rc = store_each_event(st, 0, true, event_row, &o);
	json_object_set_new(manifest, "events", json_integer(o.rows));
	if (close_out(&o) && !rc)
		rc = DS_EIO;
	return rc;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"out", required_argument, NULL, 'o'},
					     {0}};
	const char *db = CLI_DEFAULT_DB, *dir = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'o': dir = optarg; break;
		default: cli_usage("export", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (!dir || optind != argc)
		return cli_fail("export", DS_EUSAGE, "give --out DIR");
	if (mkdir(dir, 0755) && errno != EEXIST)
		return cli_fail("export", DS_EIO, "cannot create %s", dir);
	struct store *st;
	int ex = cli_open_store("export", db, false, &st);
	if (ex)
		return ex;
	json_t *manifest = json_object();
	/* The whole register leaves the system: that is in the access log first. */
	enum ds_rc rc = cli_audit(st, "export", "register", dir, NULL);
	if (!rc)
		rc = store_begin(st); /* one consistent snapshot */
	if (!rc)
		rc = export_all(st, dir, manifest);
	store_rollback(st);
	if (!rc) {
		char path[4096];
		if (snprintf(path, sizeof path, "%s/manifest.json", dir) >= (int)sizeof path ||
		    json_dump_file(manifest, path, JSON_INDENT(2)))
			rc = DS_EIO;
	}
	json_decref(manifest);
	store_close(st);
	if (rc)
		return cli_fail("export", rc, "export to %s failed", dir);
	fprintf(stderr, "export: written to %s\n", dir);
	return 0;
}
