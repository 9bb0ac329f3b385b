/* danso reconcile: the register against an extract of the national population database (quality/reconcile.h). */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "quality/reconcile.h"

#define EXTRACT_MAX_BYTES ((size_t)4 << 30)

/* The whole file into *data (the caller frees it). */
static enum ds_rc slurp(const char *path, char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	*data = NULL;
	*size = 0;
	if (!f)
		return DS_EIO;
	struct buf b = {.cap = EXTRACT_MAX_BYTES};
	char chunk[1 << 16];
	size_t n;
	enum ds_rc rc = DS_OK;
	while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		rc = buf_append(&b, chunk, n);
	if (!rc && ferror(f))
		rc = DS_EIO;
	fclose(f);
	if (rc) {
		buf_free(&b);
		return rc;
	}
	*data = b.data ? b.data : calloc(1, 1);
	*size = b.len;
	return *data ? DS_OK : DS_ENOMEM;
}

static void csv_out(json_t *res, struct buf *b)
{
	buf_puts(b, "kind,person_id,national_id,commune,fields\n");
	json_t *it, *f;
	size_t i, k;
	json_array_foreach(json_object_get(res, "items"), i, it)
	{
		const char *pid = json_string_value(json_object_get(it, "person_id"));
		const char *nid = json_string_value(json_object_get(it, "national_id"));
		buf_printf(b, "%s,%s,%s,%s,", json_string_value(json_object_get(it, "kind")), pid ? pid : "",
			   nid ? nid : "", json_string_value(json_object_get(it, "commune")));
		json_array_foreach(json_object_get(it, "fields"), k, f)
			buf_printf(b, "%s%s", k ? " " : "", json_string_value(f));
		buf_putc(b, '\n');
	}
}

static int print(json_t *res, const char *fmt)
{
	struct buf b = {0};
	if (strcmp(fmt, "csv") == 0) {
		csv_out(res, &b);
	} else {
		char *s = json_dumps(res, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		buf_puts(&b, s ? s : "{}");
		buf_putc(&b, '\n');
		free(s);
	}
	int bad = fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0;
	buf_free(&b);
	return bad ? cli_fail("reconcile", DS_EIO, "cannot write the output") : 0;
}

int cmd_reconcile(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"extract", required_argument, NULL, 'x'},
					     {"unit", required_argument, NULL, 'u'},
					     {"format", required_argument, NULL, 'f'},
					     {0}};
	const char *db = CLI_DEFAULT_DB, *path = NULL, *unit = NULL, *fmt = "json";
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'x': path = optarg; break;
		case 'u': unit = optarg; break;
		case 'f': fmt = optarg; break;
		default: cli_usage("reconcile", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (!path || !unit || optind != argc)
		return cli_fail("reconcile", DS_EUSAGE, "give --extract FILE and --unit CODE");
	if (strcmp(fmt, "json") && strcmp(fmt, "csv"))
		return cli_fail("reconcile", DS_EUSAGE, "--format is json or csv");
	char *data = NULL;
	size_t size = 0;
	enum ds_rc rc = slurp(path, &data, &size);
	if (rc)
		return cli_fail("reconcile", rc, "cannot read %s", path);
	/* Checked whole before anything is compared; never stored. */
	struct rc_extract x;
	struct ds_problem pb = {0};
	rc = rc_extract_read(data, size, path, &x, &pb);
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(h, (const unsigned char *)data, size);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	free(data);
	if (rc) {
		rc_extract_free(&x);
		if (rc != DS_EINPUT)
			return cli_fail("reconcile", rc, "%s", ds_rc_str(rc));
		fprintf(stderr, "danso reconcile: ");
		cli_problem(&pb);
		fprintf(stderr, "danso reconcile: the extract was refused; nothing was compared\n");
		return ds_rc_exit(rc);
	}
	struct store *st = NULL;
	int ex = cli_open_store("reconcile", db, false, &st);
	if (ex) {
		rc_extract_free(&x);
		return ex;
	}
	json_t *res = NULL;
	rc = rc_reconcile(st, &x, unit, &res);
	/* Who compared which file (its SHA-256, the first 32 hex digits in the
	 * log's id), before anything is shown. */
	char id[33];
	snprintf(id, sizeof id, "%.32s", hex);
	if (!rc)
		rc = cli_audit(st, "reconcile", "extract", id, unit);
	if (rc == DS_ENOTFOUND)
		ex = cli_fail("reconcile", rc, "no unit %s", unit);
	else if (rc)
		ex = cli_fail("reconcile", rc, "%s", store_errmsg(st)[0] ? store_errmsg(st) : ds_rc_str(rc));
	if (!rc) {
		json_object_set_new(res, "extract_sha256", json_string(hex));
		ex = print(res, fmt);
		fprintf(stderr, "reconcile: %zu rows, %lld matched, %lld differences, %lld only in the register, "
				"%lld only in the extract\n",
			x.n, (long long)json_integer_value(json_object_get(res, "matched")),
			(long long)json_integer_value(json_object_get(res, "differences")),
			(long long)json_integer_value(json_object_get(res, "only_register")),
			(long long)json_integer_value(json_object_get(res, "only_extract")));
	}
	json_decref(res);
	rc_extract_free(&x);
	store_close(st);
	return ex;
}
