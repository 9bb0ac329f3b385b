/*
 * quality: the data quality report of a unit and period (spec/quality.md,
 * issue 14 part A): checks, validation rules between rows, and outliers in
 * the communes' monthly series, all defined as data in defs/quality/.
 *
 * A check names a C function from a fixed table (age_over(110),
 * late_entry(30), modified_z(3.5, 36), ...) with its arguments, a
 * severity, a title, a sentence and what to do, in Vietnamese and English.
 * The sentences hold placeholders ({name}, {date}, {value}, ...) that the
 * function fills; a placeholder the function does not give, an unknown
 * function, a wrong number of arguments, an unknown form or row are all
 * refused at load with the file and the line.  A rule compares two
 * expressions over the rows of a report form (`row("5") >= row("16")`) and
 * is evaluated for the unit and each commune under it; each violation
 * carries both sides' values.
 *
 * The result is JSON (below), the single source for the CSV, the XLSX, the
 * API and the web page.  It names persons by id and name: the API removes
 * the findings about persons outside the caller's scope and keeps their
 * count (q_redact's caller decides; this module has no notion of users).
 *
 * Invariants: the engine is read in views (one for the checks, one per
 * report the rules and outliers need); the store is read only after the
 * views have ended, for names and recording times; nothing is written.
 */
#ifndef DS_QUALITY_H
#define DS_QUALITY_H

#include <jansson.h>
#include <stdbool.h>

#include "base/buf.h"
#include "base/err.h"
#include "engine/engine.h"
#include "report/report.h"
#include "store/store.h"

enum q_severity { Q_ERROR, Q_WARNING, Q_INFO, Q_NSEVERITY };
/* "error", "warning", "information"; a function's kind ("record", "flow", ...) */
const char *q_severity_name(enum q_severity s);
const char *q_fn_kind(int fn);

enum q_fn {
	QF_AGE_OVER,       /* record: counted persons over an age on the period's last day */
	QF_MOTHER_AGE,     /* record: births to mothers outside an age range */
	QF_TWO_HOUSEHOLDS, /* record: a person present in two households at once */
	QF_NATIONAL_ID,    /* record: a citizen id whose digits disagree with the person */
	QF_NO_FP_STATUS,   /* record: married women of an age range with nothing of contraception recorded, by area */
	QF_EMPTY_HOUSEHOLD, /* record: a household left with no usual resident */
	QF_NO_HEAD,         /* record: a household whose residents have no head */
	QF_BALANCE,        /* flow: the balancing equation does not hold */
	QF_NO_EVENTS,      /* flow: an area with no event for some months */
	QF_LATE_ENTRY,     /* timeliness: events recorded more than N days after their date */
	QF_REPORT_MISSING, /* timeliness: a commune's monthly report not submitted by its deadline */
	QF_REPORT_LATE,    /* timeliness: a commune's monthly report submitted after its deadline */
	QF_MODIFIED_Z,     /* outlier: modified z-score of a month above a threshold */
	QF_OUTSIDE_RANGE,  /* outlier: a month outside the commune's own range */
	QF_COUNT
};

/* The texts of a check or rule: [0] Vietnamese, [1] English. */
struct q_texts {
	char *title[2], *text[2], *todo[2];
};

struct q_check {
	char id[48];
	enum q_fn fn;
	double arg[2];
	enum q_severity severity;
	struct q_texts t;
	char file[64];
	int line;
};

enum q_op { Q_GE, Q_GT, Q_LE, Q_LT, Q_EQ };

struct q_rule {
	char id[48];
	char form[16];
	char *left_text, *right_text;
	struct expr *left, *right;
	enum q_op op;
	enum q_severity severity;
	struct q_texts t;
	char file[64];
	int line;
};

struct q_defs {
	struct q_check *checks;
	size_t nchecks;
	struct q_rule *rules;
	size_t nrules;
};

/* Loads the embedded defs/quality/ files; forms are the report definitions
 * rules refer to.  On a bad file, err names the file, line and reason. */
enum ds_rc q_defs_load(struct q_defs *d, const struct rpt_defs *forms, char *err, size_t errsz);
/* Adds the checks and rules of one file's text to d (tests, the fuzzer);
 * path names it in errors.  On error d keeps what it had before. */
enum ds_rc q_defs_parse(struct q_defs *d, const struct rpt_defs *forms, const char *path,
			const char *text, size_t len, char *err, size_t errsz);
void q_defs_free(struct q_defs *d);

struct rec_book;
struct q_request {
	const char *unit;
	const char *period; /* 2024, 2024-Q1, 2024-H1, 2024-03 */
	const char *lang;   /* "vi" or "en" */
	struct rec_book *book; /* the workflow records, current; NULL: read from the store */
};

/*
 * Runs every check and rule for the unit and period (the map of the
 * period's last day).  *out:
 *
 * {"unit": {"code", "name", "level"}, "period": {"code", "label", "from", "to"},
 *  "map_date", "lang", "counts": {"error", "warning", "information"},
 *  "checks": [{"id", "kind", "severity", "title", "do", "count"}],
 *  "findings": [{"check", "kind", "severity", "unit": {"code", "name"},
 *     "area", "text", "do", "date"?, "person"?: {"id", "name"},
 *     "event"?, "left"?, "right"? ({"expr", "value"}),
 *     "row"?: {"code", "label"}, "month"?, "value"?, "median"?, "mad"?,
 *     "z"?, "min"?, "max"?, "series"?: [{"month", "value"}]}],
 *  "notes": ["..."], "seconds", "stage_seconds": {"checks", "rules", "outliers"}}
 *
 * Findings are ordered by severity, then check, then unit.  DS_ENOTFOUND
 * for an unknown unit (pb->field "unit"), DS_EUSAGE for a bad period.
 */
enum ds_rc q_run(struct engine *e, struct store *st, const struct q_defs *d,
		 const struct rpt_defs *forms, const struct q_request *rq, json_t **out,
		 struct ds_problem *pb);

/* One row per finding: severity, check, unit code and name, area, person
 * id and name, date, text, what to do.  Header in the report's language. */
enum ds_rc q_csv(const json_t *report, struct buf *out);
enum ds_rc q_xlsx(const json_t *report, const char *path);

#endif
