/*
 * record: units, households and persons as the exchange files describe
 * them, with one parser per column.
 *
 * Every column of units.csv, households.csv and persons.csv has a setter
 * that takes the text of a cell (a CSV field, or a JSON value turned into
 * text) and either stores the checked value or returns the reason it was
 * refused.  Cross-column rules (contraception for a man, a birth after the
 * baseline date) are in the *_check functions.  Nothing here reads a file
 * or a database: the same code checks a CSV import, an API body and an
 * event's new person.
 *
 * Text is stored as NFC with white space collapsed.  Identifiers are 1-32
 * ASCII letters, digits, '.', '-' or '_'.
 */
#ifndef DS_REG_RECORD_H
#define DS_REG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/day.h"
#include "base/err.h"
#include "register/codes.h"

#define REG_ID_MAX 32
#define REG_NAME_CHARS 100 /* code points */
#define REG_TEXT_CHARS 200 /* addresses, facilities, reasons */
#define REG_NAME_BYTES 401 /* 4 bytes a code point, plus NUL */
#define REG_TEXT_BYTES 801
#define REG_UNIT_CODE_MAX 10

struct reg_unit {
	char code[REG_UNIT_CODE_MAX + 1];
	char name[REG_TEXT_BYTES];
	enum reg_level level;
	char parent[REG_UNIT_CODE_MAX + 1]; /* "" for a province */
	int32_t valid_from;                  /* DAY_NONE: always */
	int32_t valid_to;                    /* DAY_MAX: still open */
};

struct reg_household {
	char id[REG_ID_MAX + 1];
	char area[REG_UNIT_CODE_MAX + 1];
	char number[16];
	char address[REG_TEXT_BYTES];
	uint8_t type;    /* 1 family, 2 collective */
	uint8_t poverty; /* 0, 1 near-poor, 2 poor (baseline year) */
};

struct reg_person {
	char id[REG_ID_MAX + 1];
	char household[REG_ID_MAX + 1];
	char full_name[REG_NAME_BYTES];
	uint8_t sex;
	int32_t birth;
	uint8_t birth_prec; /* enum day_prec */
	uint8_t relation;   /* 0 when not given (a birth may leave it out) */
	char ethnicity[3];
	uint8_t education;
	uint8_t marital;
	uint8_t residence;
	char insurance_no[16];
	char national_id[13];
	uint8_t fp_method; /* 0 none */
	int32_t fp_since;  /* first day of the month, DAY_NONE when none */
};

enum reg_ucol { UC_CODE, UC_NAME, UC_LEVEL, UC_PARENT, UC_FROM, UC_TO, UC_COUNT };
enum reg_hcol { HC_ID, HC_AREA, HC_NUMBER, HC_ADDRESS, HC_TYPE, HC_POVERTY, HC_COUNT };
enum reg_pcol {
	PC_ID,
	PC_HOUSEHOLD,
	PC_NAME,
	PC_SEX,
	PC_BIRTH,
	PC_RELATION,
	PC_ETHNICITY,
	PC_EDUCATION,
	PC_MARITAL,
	PC_RESIDENCE,
	PC_INSURANCE,
	PC_NATIONAL_ID,
	PC_FP_METHOD,
	PC_FP_SINCE,
	PC_COUNT
};

/* Column names, in the order of exchange.md. */
extern const char *const reg_unit_cols[UC_COUNT];
extern const char *const reg_household_cols[HC_COUNT];
extern const char *const reg_person_cols[PC_COUNT];

/* Start a record with its defaults (no dates, no method). */
void reg_unit_init(struct reg_unit *u);
void reg_household_init(struct reg_household *h);
void reg_person_init(struct reg_person *p);

/* Set one column from text; W_NONE when accepted. */
enum ds_why reg_unit_set(struct reg_unit *u, enum reg_ucol col, const char *s, size_t n);
enum ds_why reg_household_set(struct reg_household *h, enum reg_hcol col, const char *s,
			      size_t n);
enum ds_why reg_person_set(struct reg_person *p, enum reg_pcol col, const char *s, size_t n);

/*
 * Cross-column rules.  On refusal the column at fault is stored in *col.
 * as_of is the date the record describes (baseline date or event date).
 */
enum ds_why reg_unit_check(const struct reg_unit *u, enum reg_ucol *col);
enum ds_why reg_person_check(const struct reg_person *p, int32_t as_of, enum reg_pcol *col);

/* Writes column col of a record as text into out (capacity >= REG_TEXT_BYTES). */
void reg_unit_get(const struct reg_unit *u, enum reg_ucol col, char *out, size_t outsz);
void reg_household_get(const struct reg_household *h, enum reg_hcol col, char *out,
		       size_t outsz);
void reg_person_get(const struct reg_person *p, enum reg_pcol col, char *out, size_t outsz);

/* Value checkers shared with the event parser. */
enum ds_why reg_parse_id(const char *s, size_t n, char out[REG_ID_MAX + 1]);
enum ds_why reg_parse_text(const char *s, size_t n, size_t max_chars, bool required,
			   char *out, size_t outsz);
enum ds_why reg_parse_small(const char *s, size_t n, int lo, int hi, int *out);
enum ds_why reg_parse_national_id(const char *s, size_t n, char out[13]);
/*
 * Which parts of a 12-digit citizen id disagree with the person it is
 * recorded for (quality.md): NID_PROVINCE when digits 1-3 are no province
 * code (001-096), NID_SEX_CENTURY when digit 4 is not the one of the sex
 * and the century of birth (0 man, 1 woman born 1900-1999; 2, 3 for
 * 2000-2099; 4, 5 for 2100-2199), NID_YEAR when digits 5-6 are not the
 * last two of the birth year.  0 when all agree, or when the id is not 12
 * digits or the person was born before 1900 (no rule to compare with).
 */
enum { NID_PROVINCE = 1, NID_SEX_CENTURY = 2, NID_YEAR = 4 };
int reg_nid_disagrees(const char *nid, int sex, int32_t birth);
enum ds_why reg_parse_insurance(const char *s, size_t n, char out[16]);
/* Dates: not before 1880 and not after today. */
enum ds_why reg_parse_date(const char *s, size_t n, int32_t *out);

/* Expected digits of a unit code at a level. */
int reg_unit_code_len(enum reg_level l);
/* True when a unit of level `parent` may be the parent of one of level `child`. */
bool reg_level_parent_ok(enum reg_level child, enum reg_level parent);

#endif
