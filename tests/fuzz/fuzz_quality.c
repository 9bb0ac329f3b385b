/*
 * libFuzzer target: the quality definitions (defs/quality/), the checks'
 * functions and arguments, the texts' placeholders and the rules'
 * expressions over a form's rows.
 *
 * Whatever the input, q_defs_parse either refuses it with a message that
 * starts with the file's name and a line number, or accepts it; a refused
 * file leaves the definitions as they were (all or nothing), and what is
 * accepted frees cleanly.  The form the rules refer to is a small one made
 * here (report.c, which holds rpt_form_find, needs the engine).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quality/quality.h"

static struct rpt_row rows[] = {{.code = "5"}, {.code = "16"}, {.code = "9"}, {.code = "9a"}};
static struct rpt_form form = {.code = "01-DSX", .rows = rows, .nrows = 4};

const struct rpt_form *rpt_form_find(const struct rpt_defs *d, const char *code)
{
	(void)d;
	return strcmp(code, form.code) == 0 ? &form : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct q_defs d = {0};
	struct rpt_defs forms = {0};
	char err[300];
	const char *text = (const char *)data;
	if (q_defs_parse(&d, &forms, "fuzz.json", text, size, err, sizeof err) == DS_OK) {
		/* A second time the same ids are defined twice: refused, nothing added. */
		size_t nc = d.nchecks, nr = d.nrules;
		if ((nc || nr) &&
		    q_defs_parse(&d, &forms, "again.json", text, size, err, sizeof err) == DS_OK)
			__builtin_trap();
		if (d.nchecks != nc || d.nrules != nr)
			__builtin_trap();
	} else if (strncmp(err, "fuzz.json:", 10) != 0 || d.nchecks || d.nrules) {
		__builtin_trap();
	}
	q_defs_free(&d);
	return 0;
}
