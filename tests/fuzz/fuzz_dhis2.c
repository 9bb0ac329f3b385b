/*
 * libFuzzer target: the DHIS2 mapping file (workflow/dhis2.c) and the
 * export it drives.
 *
 * The input is a whole mapping file, parsed without forms or units to check
 * against (the checks that need them are lookups).  When it is accepted,
 * every value line's form row is given a value and exported: each mapped
 * value must come out once in the JSON and once in the ADX, and the ADX
 * must hold no unescaped '<' or '&' inside an attribute.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workflow/dhis2.h"

/* The report module is not linked here: no forms to look up. */
const struct rpt_form *rpt_form_find(const struct rpt_defs *d, const char *code)
{
	(void)d;
	(void)code;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhis2_map m;
	struct ds_problem pb;
	if (dhis2_map_parse((const char *)data, size, "fuzz", NULL, NULL, &m, &pb)) {
		dhis2_map_free(&m);
		return 0;
	}
	/* A form made of the mapped rows of the first form named, split by sex. */
	struct rpt_row rows[64];
	struct rpt_form form = {.rows = rows};
	json_t *values = json_array();
	for (size_t i = 0; i < m.nvalues && form.nrows < 64; i++) {
		if (form.nrows == 0)
			snprintf(form.code, sizeof form.code, "%s", m.values[i].form);
		if (strcmp(m.values[i].form, form.code) != 0)
			continue;
		memset(&rows[form.nrows], 0, sizeof rows[0]);
		snprintf(rows[form.nrows].code, sizeof rows[0].code, "%s", m.values[i].row);
		rows[form.nrows++].sex = true;
		json_array_append_new(values, json_pack("{s:s, s:i, s:i, s:f}", "row", m.values[i].row, "value", 7,
							"male", 3, "female", 4.5));
	}
	struct rpt_period p;
	memset(&p, 0, sizeof p);
	p.kind = PERIOD_MONTH;
	p.year = 2025;
	p.index = 3;
	p.from = 20148;
	p.to = 20178;
	struct dhis2_report rep = {m.nunits ? m.units[0].unit : "1", values, 1742000000};
	struct dhis2_out out;
	if (form.nrows && dhis2_export(&m, &form, &p, &rep, 1, 1742000000, &out) == DS_OK) {
		size_t n = json_array_size(json_object_get(out.json, "dataValues"));
		if (n != out.values)
			__builtin_trap();
		size_t tags = 0;
		for (const char *s = out.adx.data; (s = strstr(s, "<dataValue ")); s++)
			tags++;
		if (tags != out.values)
			__builtin_trap();
		dhis2_out_free(&out);
	}
	json_decref(values);
	dhis2_map_free(&m);
	return 0;
}
