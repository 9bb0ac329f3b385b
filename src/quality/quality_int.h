/*
 * The quality report's internals, shared by run.c (checks, rules, the
 * answer) and outlier.c (the monthly series), and by nothing else.
 */
#ifndef DS_QUALITY_INT_H
#define DS_QUALITY_INT_H

#include "quality/quality.h"

#define OUTLIER_FORM "01-DSX"
#define SERIES_MIN 12 /* months, the tested one included */

/* One finding, before its texts are written. */
struct finding {
	int check, rule; /* index in the definitions, or -1 */
	enum q_severity sev;
	char unit[REG_UNIT_CODE_MAX + 1];
	char unit_name[REG_TEXT_BYTES];
	char area[REG_UNIT_CODE_MAX + 1];
	int64_t person; /* record number, 0 when none */
	int64_t household; /* record number, 0 when none */
	int64_t seq;    /* the event, 0 when none */
	int32_t date;   /* DAY_NONE when none */
	json_t *vars;   /* placeholder -> text */
	json_t *extra;  /* members added to the finding */
};

struct run {
	struct engine *e;
	struct store *st;
	const struct q_defs *d;
	const struct rpt_defs *forms;
	const char *lang;
	bool en;
	struct rpt_period p;
	int32_t map;
	int32_t first_day; /* the register's first baseline date, DAY_NONE */
	char unit[REG_UNIT_CODE_MAX + 1];
	char unit_name[REG_TEXT_BYTES];
	enum reg_level level;
	struct finding *f;
	size_t n, cap;
	json_t *notes;
	double secs[3]; /* checks, rules, outliers */
	struct rec_book *book; /* the request's, or one read for the run (own_book) */
	bool own_book;
	struct eng_nid *nids; /* the current national ids, when a check needs them */
	size_t nnids;
};

/* A new finding of a check (or rule), NULL when out of memory. */
struct finding *q_add(struct run *r, int check, int rule, enum q_severity sev);
/* Placeholder values: text, and a number in the report's language. */
void q_var_s(struct finding *f, const char *k, const char *v);
void q_var_n(struct run *r, struct finding *f, const char *k, double v, int decimals);
/* The communes under the run's unit (the unit itself at commune level or
 * below); freed with q_free_codes. */
enum ds_rc q_communes(struct run *r, const struct eng_view *v, char ***codes, size_t *n);
void q_free_codes(char **codes, size_t n);
/* The outlier checks over the communes' monthly series of 01-DSX (outlier.c). */
enum ds_rc q_outliers(struct run *r);

#endif
