/*
 * codes: the code lists of the register (domain.md), each with its
 * Vietnamese and English label.  Every list is one table in codes.c, so a
 * list can be remapped without touching the rules that use it.
 */
#ifndef DS_REG_CODES_H
#define DS_REG_CODES_H

#include <stdbool.h>
#include <stddef.h>

enum reg_level {
	LVL_NONE = 0,
	LVL_PROVINCE,
	LVL_DISTRICT,
	LVL_COMMUNE,
	LVL_VILLAGE,
	LVL_AREA,
	LVL_COUNT
};

enum reg_etype {
	EV_NONE = 0,
	EV_BIRTH,
	EV_NEWBORN_SCREENING,
	EV_DEATH,
	EV_MOVE_IN,
	EV_MOVE_OUT,
	EV_TRANSFER,
	EV_MARRIAGE,
	EV_DIVORCE,
	EV_WIDOWED,
	EV_INFO_CHANGE,
	EV_FP_START,
	EV_FP_STOP,
	EV_PREGNANCY,
	EV_PRENATAL_SCREENING,
	EV_ELDERLY_CHECK,
	EV_HOUSEHOLD_CHANGE,
	EV_VOID,
	EV_MERGE, /* a person recorded twice: the duplicate merged into the person who remains */
	EV_TYPE_COUNT
};

enum reg_sex { SEX_MALE = 1, SEX_FEMALE = 2 };
enum reg_marital { MAR_NEVER = 1, MAR_MARRIED, MAR_WIDOWED, MAR_DIVORCED, MAR_SEPARATED };
enum reg_residence { RES_USUAL = 1, RES_ABSENT, RES_TEMPORARY };
enum reg_outcome { OUT_PREGNANT = 1, OUT_MISCARRIAGE, OUT_ABORTION, OUT_STILLBIRTH };

/* info_change fields, in exchange.md's order. */
enum reg_field {
	FLD_NONE = 0,
	FLD_FULL_NAME,
	FLD_BIRTH_DATE,
	FLD_ETHNICITY,
	FLD_EDUCATION,
	FLD_RELATION,
	FLD_RESIDENCE,
	FLD_INSURANCE_NO,
	FLD_NATIONAL_ID,
	FLD_COUNT
};

#define NEWBORN_CONDITIONS 5 /* hypothyroidism g6pd cah hearing heart */
#define PRENATAL_CONDITIONS 4 /* down edwards patau thalassaemia */

/* One code of a list: its value as written in files, and its labels. */
struct reg_code {
	const char *value;
	const char *vi;
	const char *en;
};

struct reg_codelist {
	const char *name; /* "relation", "fp_method", ... */
	const struct reg_code *codes;
	size_t n;
};

/* The lists, by name (NULL when unknown). */
const struct reg_codelist *reg_codes(const char *name);
/* All lists, NULL-terminated (for the API's code-list endpoint). */
const struct reg_codelist *const *reg_codes_all(void);
/* Label of value in a list, or NULL. */
const char *reg_code_label(const char *list, const char *value, const char *lang);

const char *reg_level_name(enum reg_level l);       /* "commune" */
enum reg_level reg_level_parse(const char *s, size_t n);
const char *reg_level_vi(enum reg_level l);         /* "xã" */

const char *reg_etype_name(enum reg_etype t);       /* "birth" */
enum reg_etype reg_etype_parse(const char *s, size_t n);
const char *reg_etype_label(enum reg_etype t, const char *lang);

const char *reg_field_name(enum reg_field f);
enum reg_field reg_field_parse(const char *s, size_t n);

const char *reg_outcome_name(enum reg_outcome o);
enum reg_outcome reg_outcome_parse(const char *s, size_t n);

extern const char *const reg_newborn_conditions[NEWBORN_CONDITIONS];
extern const char *const reg_prenatal_conditions[PRENATAL_CONDITIONS];

/* Methods 1-8 are modern, 9 traditional, 0 none. */
static inline bool reg_fp_modern(int m) { return m >= 1 && m <= 8; }

/* True for a known 2-digit ethnicity code "01".."55". */
bool reg_ethnicity_valid(const char *s, size_t n);

#endif
