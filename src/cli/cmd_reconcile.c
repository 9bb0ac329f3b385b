/* danso reconcile: the register against an extract of the national population database (quality/reconcile.h). */
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "quality/reconcile.h"

#define EXTRACT_MAX_BYTES ((size_t)4 << 30)

/* The file's bytes: mapped when it is a regular file, else read (a pipe). */
struct bytes {
	const char *data;
	size_t size;
	bool mapped;
	struct buf read;
};

static void bytes_free(struct bytes *b)
{
	if (b->mapped)
		munmap((void *)b->data, b->size);
	buf_free(&b->read);
}

static enum ds_rc read_all(int fd, struct bytes *b)
{
	b->read.cap = EXTRACT_MAX_BYTES;
	char chunk[1 << 16];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n == 0)
			break;
		if (n < 0)
			return DS_EIO;
		enum ds_rc rc = buf_append(&b->read, chunk, (size_t)n);
		if (rc)
			return rc;
	}
	b->data = b->read.data ? b->read.data : "";
	b->size = b->read.len;
	return DS_OK;
}

static enum ds_rc file_bytes(const char *path, struct bytes *b)
{
	memset(b, 0, sizeof *b);
	b->data = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return DS_EIO;
	struct stat sb;
	enum ds_rc rc = DS_OK;
	if (fstat(fd, &sb))
		rc = DS_EIO;
	else if (!S_ISREG(sb.st_mode))
		rc = read_all(fd, b);
	else if ((uint64_t)sb.st_size > EXTRACT_MAX_BYTES)
		rc = DS_ELIMIT;
	else if (sb.st_size > 0) {
		void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			rc = DS_EIO;
		} else {
			madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
			b->data = m;
			b->size = (size_t)sb.st_size;
			b->mapped = true;
		}
	}
	close(fd);
	return rc;
}

/* rc_open in a thread of its own. */
struct opening {
	struct store *st;
	const char *unit;
	struct rc_run *run;
	enum ds_rc rc;
};

static void *open_run(void *arg)
{
	struct opening *o = arg;
	o->rc = rc_open(o->st, o->unit, &o->run);
	return NULL;
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
	struct bytes in;
	enum ds_rc rc = file_bytes(path, &in);
	if (rc) {
		bytes_free(&in);
		return cli_fail("reconcile", rc, "cannot read %s", path);
	}
	struct store *st = NULL;
	int ex = cli_open_store("reconcile", db, false, &st);
	if (ex) {
		bytes_free(&in);
		return ex;
	}
	/* The register is read (nothing compared yet) while the extract is. */
	struct opening op = {.st = st, .unit = unit};
	pthread_t th;
	bool threaded = pthread_create(&th, NULL, open_run, &op) == 0;
	/* Checked whole before anything is compared; never stored. */
	struct rc_extract x;
	struct ds_problem pb = {0};
	rc = rc_extract_read(in.data, in.size, path, &x, &pb);
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(h, (const unsigned char *)in.data, in.size);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	bytes_free(&in);
	if (threaded)
		pthread_join(th, NULL);
	else if (!rc)
		open_run(&op);
	struct rc_run *res = op.run;
	if (rc) {
		rc_run_free(res);
		rc_extract_free(&x);
		store_close(st);
		if (rc != DS_EINPUT)
			return cli_fail("reconcile", rc, "%s", ds_rc_str(rc));
		fprintf(stderr, "danso reconcile: ");
		cli_problem(&pb);
		fprintf(stderr, "danso reconcile: the extract was refused; nothing was compared\n");
		return ds_rc_exit(rc);
	}
	rc = op.rc;
	if (!rc)
		rc = rc_match(res, &x);
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
		/* Written as it is found, not built as one tree first. */
		rc = strcmp(fmt, "csv") == 0 ? rc_run_write_csv(res, stdout) : rc_run_write(res, hex, stdout);
		if (rc)
			ex = cli_fail("reconcile", rc, "cannot write the output");
		const struct rc_tally *t = rc_run_total(res);
		fprintf(stderr, "reconcile: %zu rows, %ld matched, %ld differences, %ld only in the register, "
				"%ld only in the extract\n",
			x.n, t->matched, t->differences, t->only_register, t->only_extract);
	}
	rc_run_free(res);
	rc_extract_free(&x);
	store_close(st);
	return ex;
}
