/*
 * libFuzzer target: the CSV reader and the persons.csv column parsers.
 *
 * The input is a whole persons.csv file.  It goes through csv_open_mem,
 * csv_header (the persons.csv columns) and csv_next to the end; every record
 * read goes through reg_person_set for every column and reg_person_check.
 * When the input's own header is refused, the input is read a second time
 * behind the expected header, so that mutations of the records are not
 * all stopped at the header.
 *
 * Invariant checked besides memory safety: a row the parsers accept writes
 * back (reg_person_get) to text that they accept again and write back the
 * same, which is what makes `danso export` and re-import stable.
 *
 * The same bytes also go through txt_ascii (a download's fallback file
 * name is made from a unit's name): what it accepts comes out as printable
 * ASCII without a quote, backslash, slash or percent sign.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/day.h"
#include "base/text.h"
#include "register/record.h"

static int32_t as_of;

static void roundtrip(const struct reg_person *p)
{
	struct reg_person q;
	reg_person_init(&q);
	char v[REG_TEXT_BYTES], w[REG_TEXT_BYTES];
	for (int col = 0; col < PC_COUNT; col++) {
		reg_person_get(p, (enum reg_pcol)col, v, sizeof v);
		if (strlen(v) >= sizeof v)
			__builtin_trap();
		if (reg_person_set(&q, (enum reg_pcol)col, v, strlen(v)) != W_NONE)
			__builtin_trap(); /* written back, then refused */
	}
	for (int col = 0; col < PC_COUNT; col++) {
		reg_person_get(p, (enum reg_pcol)col, v, sizeof v);
		reg_person_get(&q, (enum reg_pcol)col, w, sizeof w);
		if (strcmp(v, w) != 0)
			__builtin_trap(); /* not stable */
	}
}

static void records(struct csv *c)
{
	struct ds_problem pb;
	int r;
	while ((r = csv_next(c, &pb)) != 0) {
		if (r < 0)
			continue; /* bad syntax: reported, reader moved on */
		struct reg_person p;
		reg_person_init(&p);
		enum ds_why first = W_NONE;
		for (int col = 0; col < PC_COUNT; col++) {
			struct csv_field f = csv_col(c, (size_t)col);
			enum ds_why w = reg_person_set(&p, (enum reg_pcol)col, f.p, f.n);
			if (w != W_NONE && first == W_NONE)
				first = w;
		}
		enum reg_pcol bad = PC_ID;
		enum ds_why w = reg_person_check(&p, as_of, &bad);
		if (w == W_NONE && first == W_NONE)
			roundtrip(&p);
		/* Formatting the problem as the import does must not overflow. */
		char msg[512];
		ds_problem_set(&pb, c->name, c->rec_line, reg_person_cols[bad], w ? w : first);
		ds_problem_format(&pb, "vi", msg, sizeof msg);
	}
}

/* Reads a whole file; false when its header was refused. */
static bool one(const char *data, size_t size)
{
	struct csv c;
	struct ds_problem pb;
	if (csv_open_mem(&c, data, size, "persons.csv") != DS_OK)
		return true;
	bool ok = csv_header(&c, reg_person_cols, PC_COUNT, &pb) == DS_OK;
	if (ok)
		records(&c);
	csv_close(&c);
	return ok;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("DANSO_TODAY", "2026-11-22", 1);
	day_parse("2024-01-01", 10, &as_of);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly the input's bytes, so that reading past them is caught. */
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	bool header_ok = one(copy, size);
	char ascii[512];
	enum ds_rc arc = txt_ascii(copy, size, ascii, sizeof ascii);
	if (arc == DS_OK || arc == DS_ELIMIT)
		for (const char *a = ascii; *a; a++)
			if (*a < 0x20 || *a > 0x7E || strchr("\"\\/%", *a))
				__builtin_trap();
	free(copy);
	if (!header_ok) {
		size_t n = 0;
		char head[512];
		for (int i = 0; i < PC_COUNT; i++)
			n += (size_t)snprintf(head + n, sizeof head - n, "%s%s", i ? "," : "",
					      reg_person_cols[i]);
		head[n++] = '\n';
		char *buf = malloc(n + size);
		memcpy(buf, head, n);
		memcpy(buf + n, data, size);
		one(buf, n + size);
		free(buf);
	}
	return 0;
}
