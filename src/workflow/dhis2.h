/*
 * dhis2: export of approved reports to DHIS2 (shared/spec/exchange.md):
 * the mapping file, dataValueSets JSON and ADX XML.
 *
 * The mapping file is CSV in up to three sections, each opened by its
 * header line, separated by blank lines:
 *
 *   form,row,column,data_element,category_option_combo,attribute_option_combo
 *   01-DSX,5,male,BirthsUID01,MaleCocUID1,
 *
 *   unit_code,org_unit
 *   26740,OrgUnitUID1
 *
 *   form,data_set
 *   01-DSX,DataSetUID1
 *
 * column is total (or empty), male or female; male and female only for a
 * row split by sex.  Every form, row and unit must exist, and none may be
 * mapped twice: a bad line is refused with its line number and field.
 * Values are aggregates only, never personal data; a row without a mapping
 * is left out and listed, an empty value (a rate over zero) is left out,
 * never sent as 0.
 */
#ifndef DS_WORKFLOW_DHIS2_H
#define DS_WORKFLOW_DHIS2_H

#include <jansson.h>

#include "base/buf.h"
#include "register/units.h"
#include "report/report.h"

#define DHIS2_ID_MAX 63
#define DHIS2_MAX_LINES 20000

struct dhis2_value_map {
	char form[16], row[16];
	int column; /* 0 total, 1 male, 2 female */
	char element[DHIS2_ID_MAX + 1], coc[DHIS2_ID_MAX + 1], aoc[DHIS2_ID_MAX + 1];
};

struct dhis2_unit_map {
	char unit[REG_UNIT_CODE_MAX + 1];
	char org[DHIS2_ID_MAX + 1];
};

struct dhis2_set_map {
	char form[16];
	char set[DHIS2_ID_MAX + 1];
};

struct dhis2_map {
	struct dhis2_value_map *values;
	size_t nvalues;
	struct dhis2_unit_map *units;
	size_t nunits;
	struct dhis2_set_map *sets;
	size_t nsets;
};

/*
 * Parses a mapping file's text, checking forms and rows against defs and
 * units against the tree (either may be NULL to skip that check, as the
 * fuzz target does).  On refusal, DS_EINPUT with pb's line, field and
 * reason; m is freed with dhis2_map_free() whatever the outcome.
 */
enum ds_rc dhis2_map_parse(const char *text, size_t len, const char *name, const struct rpt_defs *defs,
			   const struct reg_units *units, struct dhis2_map *m, struct ds_problem *pb);
void dhis2_map_free(struct dhis2_map *m);

/* One unit's approved report, as the export reads it. */
struct dhis2_report {
	const char *unit;
	const json_t *values;    /* frozen values (workflow/cycle.h) */
	int64_t complete;        /* when it was approved (unix seconds) */
};

struct dhis2_out {
	json_t *json;            /* dataValueSets */
	struct buf adx;          /* ADX XML */
	json_t *unmapped_rows;   /* ["5c/total", ...] */
	json_t *unmapped_units;  /* units with no org unit */
	size_t values;           /* data values written */
};

/*
 * Writes the reports of form for period p in both formats.  exported is
 * the time written into ADX.
 */
enum ds_rc dhis2_export(const struct dhis2_map *m, const struct rpt_form *form, const struct rpt_period *p,
			const struct dhis2_report *reports, size_t n, int64_t exported,
			struct dhis2_out *out);
void dhis2_out_free(struct dhis2_out *out);

/* DHIS2 period code ("202403", "2024Q1", "2024S1", "2024") and ADX period
 * ("2024-03-01/P1M"). */
void dhis2_period(const struct rpt_period *p, char out[16]);
void dhis2_adx_period(const struct rpt_period *p, char out[24]);

#endif
