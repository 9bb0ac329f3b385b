/*
 * err: the one error type of the program, and the "problem" that carries the
 * detail of a refused input to the user.
 *
 * Every fallible function returns an enum ds_rc.  The code says what kind of
 * failure it was (and so the CLI exit code and the HTTP status); the detail
 * for a person travels beside it in a struct ds_problem: which file, line and
 * field, and a reason code whose text exists in English (for logs and the
 * command line) and in Vietnamese (for the user interface).
 *
 * Reasons never contain the offending value: a value may be a name or a
 * national id, and problems end up in logs.
 */
#ifndef DS_BASE_ERR_H
#define DS_BASE_ERR_H

#include <stddef.h>

enum ds_rc {
	DS_OK = 0,
	DS_EUSAGE,    /* the caller asked for something malformed */
	DS_EINPUT,    /* input data refused by a rule */
	DS_ENOTFOUND, /* no such object (or not in the caller's scope) */
	DS_ECONFLICT, /* clashes with what is stored (same id, other content) */
	DS_EIO,       /* a file could not be read or written */
	DS_EDB,       /* the store failed */
	DS_ENOMEM,
	DS_EAUTH,   /* not logged in, bad credentials */
	DS_EDENIED, /* logged in but not allowed */
	DS_ELIMIT,  /* too big, too deep, too many */
	DS_EBUSY,   /* throttled or locked, try later */
	DS_EINTERNAL,
	DS_EOFFLINE, /* the database cannot be reached (now): try again */
	DS_RC_COUNT
};

/* English name of a code, for logs. */
const char *ds_rc_str(enum ds_rc rc);
/* Exit status of the command line for a code (0 for DS_OK). */
int ds_rc_exit(enum ds_rc rc);
/* HTTP status for a code (200 for DS_OK). */
int ds_rc_http(enum ds_rc rc);

/*
 * Reasons.  One table (err.c) gives each a stable machine name (used in the
 * API's error "code"), an English text and a Vietnamese text.
 */
enum ds_why {
	W_NONE = 0,
	/* files and syntax */
	W_FILE_OPEN,
	W_FILE_READ,
	W_FILE_WRITE,
	W_CSV_QUOTE,
	W_CSV_AFTER_QUOTE,
	W_CSV_COLUMNS,
	W_CSV_LINE_TOO_LONG,
	W_CSV_HEADER,
	W_UTF8,
	W_CONTROL_CHAR,
	W_JSON_SYNTAX,
	W_JSON_NOT_OBJECT,
	W_JSON_UNKNOWN_MEMBER,
	W_JSON_TYPE,
	W_TOO_LONG,
	W_REQUIRED,
	W_EMPTY_FILE,
	/* values */
	W_BAD_CODE,
	W_BAD_DATE,
	W_BAD_PARTIAL_DATE,
	W_BAD_MONTH,
	W_BAD_NUMBER,
	W_BAD_ID,
	W_BAD_UUID,
	W_BAD_NATIONAL_ID,
	W_BAD_INSURANCE_NO,
	W_BAD_HOUSEHOLD_NUMBER,
	W_BAD_UNIT_CODE,
	W_BAD_LEVEL,
	W_DATE_FUTURE,
	W_DATE_TOO_OLD,
	W_DATE_ORDER,
	/* references and uniqueness */
	W_DUP_ID,
	W_DUP_NATIONAL_ID,
	W_NO_HOUSEHOLD,
	W_NO_PERSON,
	W_NO_UNIT,
	W_NO_PARENT,
	W_NOT_AREA,
	W_UNIT_OVERLAP,
	W_PARENT_LEVEL,
	W_NO_EVENT,
	W_EVENT_ID_REUSED,
	/* domain rules */
	W_BORN_AFTER_BASELINE,
	W_FP_MALE,
	W_FP_SINCE_NO_METHOD,
	W_FP_NOT_ELIGIBLE,
	W_NOT_PRESENT,
	W_BEFORE_ENTRY,
	W_ALREADY_DEAD,
	W_AFTER_EXIT,
	W_MOTHER_MALE,
	W_MOTHER_TOO_YOUNG,
	W_MOTHER_TOO_OLD,
	W_NOT_FEMALE,
	W_ALREADY_MARRIED,
	W_NOT_MARRIED,
	W_TOO_YOUNG_TO_MARRY,
	W_SELF_SPOUSE,
	W_SAME_SEX_SPOUSE,
	W_NOT_USING_FP,
	W_FP_METHOD_MISMATCH,
	W_NOT_ELDERLY,
	W_SAME_HOUSEHOLD,
	W_HEAD_NOT_MEMBER,
	W_NOTHING_TO_CHANGE,
	W_VOID_VOID,
	W_ALREADY_VOIDED,
	W_VOID_BREAKS,
	W_MERGE_SELF,
	W_MERGE_SEX,
	W_ALREADY_MERGED,
	W_MERGED,
	W_MERGE_CHAIN,
	W_BREAKS_LATER,
	W_NOT_NEWBORN,
	W_DEATH_BEFORE_BIRTH,
	W_CHILD_BEFORE_MOTHER,
	W_AREA_CLOSED,
	W_AGE_NEGATIVE,
	/* demography input files (demog/) */
	W_NOT_A_NUMBER,
	W_NEGATIVE,
	W_NOT_POSITIVE,
	W_OUT_OF_RANGE,
	W_DUP_ROW,
	W_AGE_MISSING,
	W_AGE_TILING,
	W_AGE_NOT_GROUP,
	W_GROUPS_DO_NOT_FIT,
	W_SEX_MISSING,
	W_OPEN_RATE,
	W_ASFR_AGE,
	W_SRB_RANGE,
	W_STEP_MISSING,
	W_MORTALITY_TWICE,
	/* workflow records */
	W_RECORD_ID_REUSED,
	W_NO_RECORD,
	W_RECORD_STALE,
	W_RECORD_LEVEL,
	/* projections from the register (demog/) */
	W_HORIZON_BEFORE_BASE,
	W_PATH_BEFORE_BASE,
	W_NO_SCENARIO,
	/* the monthly cycle (workflow/) */
	W_PERIOD_NOT_ENDED,
	W_FORM_NOT_SUBMITTED,
	W_FORM_LEVEL,
	W_FORM_PERIOD,
	W_WRONG_LEVEL,
	W_OWN_SUBMISSION,
	W_ALREADY_SUBMITTED,
	W_ALREADY_APPROVED,
	W_ALREADY_RETURNED,
	W_NOT_SUBMITTED,
	W_NEWER_VERSION,
	W_NOTHING_CHANGED,
	W_COMMENT_REQUIRED,
	W_TEXT_REQUIRED,
	W_NOT_APPROVED,
	W_MAPPING_FORM,
	W_MAPPING_ROW,
	W_MAPPING_COLUMN,
	W_MAPPING_UNIT,
	W_MAPPING_TWICE,
	W_QUERY_ANSWERED,
	W_THROTTLED,
	/* communication and clubs */
	W_NO_CLUB,
	W_NO_PARTICIPANTS,
	/* changes of the administrative map (register/crosswalk.h) */
	W_NOT_OPEN,
	W_CODE_TAKEN,
	W_ORPHAN,
	W_NOT_CHILD,
	W_CHILD_TWICE,
	W_LINES_DISAGREE,
	W_LEVEL_CHANGE,
	W_AREA_HOLDS,
	W_NO_CODES,
	W_UNIT_CHANGED,
	/* programmes and targets (workflow/) */
	W_SESSION_PAST,
	W_SESSION_NOT_HELD,
	W_OUTSIDE_SESSION,
	W_NOT_INVITED,
	W_SESSION_FULL,
	W_SHARES_DO_NOT_ADD_UP,
	W_AREA_COVERED,
	W_COURSE_REQUIRED,
	W_WHY_COUNT
};

const char *ds_why_code(enum ds_why w); /* "bad_date" */
const char *ds_why_en(enum ds_why w);
const char *ds_why_vi(enum ds_why w);

#define DS_FIELD_MAX 40
#define DS_FILE_MAX 200

enum ds_severity { DS_SEV_ERROR = 0, DS_SEV_WARNING = 1 };

/* Where and why one input was refused (or warned about). */
struct ds_problem {
	char file[DS_FILE_MAX]; /* file name, or "" for an API body */
	long line;              /* 1-based line, 0 when not from a file */
	char field[DS_FIELD_MAX];
	enum ds_why why;
	enum ds_severity severity;
};

/* Fill a problem; file and field may be NULL. */
void ds_problem_set(struct ds_problem *p, const char *file, long line,
		    const char *field, enum ds_why why);

/*
 * Format "file:line: field: reason" into out (always NUL-terminated).
 * lang is "en" or "vi".
 */
void ds_problem_format(const struct ds_problem *p, const char *lang, char *out,
		       size_t outsz);

#endif
