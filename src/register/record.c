/* The columns of unit, household and person rows: one parser each, with bounded text and number parsers. */
#include "register/record.h"

#include <stdio.h>
#include <string.h>

#include "base/day.h"
#include "base/text.h"

const char *const reg_unit_cols[UC_COUNT] = {"code",        "name",       "level",
					     "parent_code", "valid_from", "valid_to"};
const char *const reg_household_cols[HC_COUNT] = {"household_id", "area_code", "number",
						  "address",      "type",      "poverty"};
const char *const reg_person_cols[PC_COUNT] = {
	"person_id", "household_id", "full_name",    "sex",         "birth_date",
	"relation",  "ethnicity",    "education",    "marital",     "residence",
	"insurance_no", "national_id", "fp_method", "fp_since"};

void reg_unit_init(struct reg_unit *u)
{
	memset(u, 0, sizeof *u);
	u->valid_from = DAY_NONE;
	u->valid_to = DAY_MAX;
}

void reg_household_init(struct reg_household *h)
{
	memset(h, 0, sizeof *h);
	h->type = 1;
}

void reg_person_init(struct reg_person *p)
{
	memset(p, 0, sizeof *p);
	p->birth = DAY_NONE;
	p->fp_since = DAY_NONE;
	p->marital = MAR_NEVER;
	p->residence = RES_USUAL;
}

static bool is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

enum ds_why reg_parse_id(const char *s, size_t n, char out[REG_ID_MAX + 1])
{
	if (n == 0)
		return W_REQUIRED;
	if (n > REG_ID_MAX)
		return W_BAD_ID;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return W_BAD_ID;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return W_NONE;
}

enum ds_why reg_parse_text(const char *s, size_t n, size_t max_chars, bool required,
			   char *out, size_t outsz)
{
	if (!txt_utf8_valid(s, n))
		return W_UTF8;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != ' ') || c == 0x7F)
			return W_CONTROL_CHAR;
	}
	if (txt_chars(s, n) > max_chars)
		return W_TOO_LONG;
	enum ds_rc rc = txt_nfc(s, n, out, outsz);
	if (rc == DS_ELIMIT)
		return W_TOO_LONG;
	if (rc)
		return W_UTF8;
	if (required && out[0] == '\0')
		return W_REQUIRED;
	return W_NONE;
}

enum ds_why reg_parse_small(const char *s, size_t n, int lo, int hi, int *out)
{
	if (n == 0)
		return W_REQUIRED;
	if (n > 6 || !is_digits(s, n))
		return W_BAD_NUMBER;
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	if (v < lo || v > hi)
		return W_BAD_NUMBER;
	*out = v;
	return W_NONE;
}

/* A one-digit code lo..hi. */
static enum ds_why parse_code(const char *s, size_t n, int lo, int hi, uint8_t *out)
{
	if (n == 0)
		return W_REQUIRED;
	if (n != 1 || s[0] < '0' + lo || s[0] > '0' + hi)
		return W_BAD_CODE;
	*out = (uint8_t)(s[0] - '0');
	return W_NONE;
}

enum ds_why reg_parse_national_id(const char *s, size_t n, char out[13])
{
	if (n == 0) {
		out[0] = '\0';
		return W_NONE;
	}
	if (n != 12 || !is_digits(s, n))
		return W_BAD_NATIONAL_ID;
	memcpy(out, s, 12);
	out[12] = '\0';
	return W_NONE;
}

int reg_nid_disagrees(const char *nid, int sex, int32_t birth)
{
	if (!nid || strlen(nid) != 12 || !is_digits(nid, 12) || birth == DAY_NONE)
		return 0;
	int y, m, d;
	day_to_ymd(birth, &y, &m, &d);
	if (y < 1900 || y > 2199)
		return 0;
	int prov = (nid[0] - '0') * 100 + (nid[1] - '0') * 10 + (nid[2] - '0');
	int digit = (y / 100 - 19) * 2 + (sex == 2);
	int yy = (nid[4] - '0') * 10 + (nid[5] - '0');
	return (prov < 1 || prov > 96 ? NID_PROVINCE : 0) |
	       (nid[3] - '0' != digit || (sex != 1 && sex != 2) ? NID_SEX_CENTURY : 0) |
	       (yy != y % 100 ? NID_YEAR : 0);
}

enum ds_why reg_parse_insurance(const char *s, size_t n, char out[16])
{
	if (n == 0) {
		out[0] = '\0';
		return W_NONE;
	}
	if (n < 10 || n > 15)
		return W_BAD_INSURANCE_NO;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return W_BAD_INSURANCE_NO;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return W_NONE;
}

enum ds_why reg_parse_date(const char *s, size_t n, int32_t *out)
{
	if (n == 0)
		return W_REQUIRED;
	if (!day_parse(s, n, out))
		return W_BAD_DATE;
	if (*out > day_today())
		return W_DATE_FUTURE;
	return W_NONE;
}

int reg_unit_code_len(enum reg_level l)
{
	static const int len[LVL_COUNT] = {0, 2, 3, 5, 8, 10};
	return l > LVL_NONE && l < LVL_COUNT ? len[l] : 0;
}

bool reg_level_parent_ok(enum reg_level child, enum reg_level parent)
{
	switch (child) {
	case LVL_DISTRICT: return parent == LVL_PROVINCE;
	case LVL_COMMUNE: return parent == LVL_DISTRICT || parent == LVL_PROVINCE;
	case LVL_VILLAGE: return parent == LVL_COMMUNE;
	case LVL_AREA: return parent == LVL_VILLAGE;
	default: return false;
	}
}

static enum ds_why parse_unit_code(const char *s, size_t n, char out[REG_UNIT_CODE_MAX + 1])
{
	if (n == 0)
		return W_REQUIRED;
	if (n > REG_UNIT_CODE_MAX || !is_digits(s, n) || (n != 2 && n != 3 && n != 5 && n != 8 && n != 10))
		return W_BAD_UNIT_CODE;
	memcpy(out, s, n);
	out[n] = '\0';
	return W_NONE;
}

/* A unit's start or end date: empty means open. */
static enum ds_why parse_bound(const char *s, size_t n, int32_t open, int32_t *out)
{
	if (n == 0) {
		*out = open;
		return W_NONE;
	}
	return day_parse(s, n, out) ? W_NONE : W_BAD_DATE;
}

enum ds_why reg_unit_set(struct reg_unit *u, enum reg_ucol col, const char *s, size_t n)
{
	switch (col) {
	case UC_CODE: return parse_unit_code(s, n, u->code);
	case UC_NAME: return reg_parse_text(s, n, REG_TEXT_CHARS, true, u->name, sizeof u->name);
	case UC_LEVEL:
		u->level = reg_level_parse(s, n);
		return n == 0 ? W_REQUIRED : u->level ? W_NONE : W_BAD_LEVEL;
	case UC_PARENT:
		if (n == 0) {
			u->parent[0] = '\0';
			return W_NONE;
		}
		return parse_unit_code(s, n, u->parent);
	case UC_FROM: return parse_bound(s, n, DAY_NONE, &u->valid_from);
	case UC_TO: return parse_bound(s, n, DAY_MAX, &u->valid_to);
	default: return W_BAD_CODE;
	}
}

enum ds_why reg_unit_check(const struct reg_unit *u, enum reg_ucol *col)
{
	if ((int)strlen(u->code) != reg_unit_code_len(u->level)) {
		*col = UC_CODE;
		return W_BAD_UNIT_CODE;
	}
	if ((u->level == LVL_PROVINCE) != (u->parent[0] == '\0')) {
		*col = UC_PARENT;
		return u->level == LVL_PROVINCE ? W_PARENT_LEVEL : W_REQUIRED;
	}
	if (u->valid_from != DAY_NONE && u->valid_to != DAY_MAX && u->valid_to < u->valid_from) {
		*col = UC_TO;
		return W_DATE_ORDER;
	}
	return W_NONE;
}

static enum ds_why parse_hh_number(const char *s, size_t n, char out[16])
{
	if (n == 0)
		return W_REQUIRED;
	const char *dot = memchr(s, '.', n);
	size_t a = dot ? (size_t)(dot - s) : n;
	if (n > 15 || a == 0 || !is_digits(s, a) || (dot && !is_digits(dot + 1, n - a - 1)))
		return W_BAD_HOUSEHOLD_NUMBER;
	memcpy(out, s, n);
	out[n] = '\0';
	return W_NONE;
}

enum ds_why reg_household_set(struct reg_household *h, enum reg_hcol col, const char *s,
			      size_t n)
{
	switch (col) {
	case HC_ID: return reg_parse_id(s, n, h->id);
	case HC_AREA: return parse_unit_code(s, n, h->area);
	case HC_NUMBER: return parse_hh_number(s, n, h->number);
	case HC_ADDRESS:
		return reg_parse_text(s, n, REG_TEXT_CHARS, false, h->address, sizeof h->address);
	case HC_TYPE: return parse_code(s, n, 1, 2, &h->type);
	case HC_POVERTY: return parse_code(s, n, 0, 2, &h->poverty);
	default: return W_BAD_CODE;
	}
}

enum ds_why reg_person_set(struct reg_person *p, enum reg_pcol col, const char *s, size_t n)
{
	enum day_prec prec;
	switch (col) {
	case PC_ID: return reg_parse_id(s, n, p->id);
	case PC_HOUSEHOLD: return reg_parse_id(s, n, p->household);
	case PC_NAME:
		return reg_parse_text(s, n, REG_NAME_CHARS, true, p->full_name, sizeof p->full_name);
	case PC_SEX: return parse_code(s, n, 1, 2, &p->sex);
	case PC_BIRTH:
		if (n == 0)
			return W_REQUIRED;
		if (!day_parse_partial(s, n, &p->birth, &prec))
			return W_BAD_PARTIAL_DATE;
		p->birth_prec = (uint8_t)prec;
		return W_NONE;
	case PC_RELATION: return parse_code(s, n, 1, 8, &p->relation);
	case PC_ETHNICITY:
		if (n == 0)
			return W_REQUIRED;
		if (!reg_ethnicity_valid(s, n))
			return W_BAD_CODE;
		memcpy(p->ethnicity, s, 2);
		p->ethnicity[2] = '\0';
		return W_NONE;
	case PC_EDUCATION: return parse_code(s, n, 0, 5, &p->education);
	case PC_MARITAL: return parse_code(s, n, 1, 5, &p->marital);
	case PC_RESIDENCE: return parse_code(s, n, 1, 3, &p->residence);
	case PC_INSURANCE: return reg_parse_insurance(s, n, p->insurance_no);
	case PC_NATIONAL_ID: return reg_parse_national_id(s, n, p->national_id);
	case PC_FP_METHOD:
		if (n == 0) {
			p->fp_method = 0;
			return W_NONE;
		}
		return parse_code(s, n, 0, 9, &p->fp_method);
	case PC_FP_SINCE:
		if (n == 0) {
			p->fp_since = DAY_NONE;
			return W_NONE;
		}
		return day_parse_month(s, n, &p->fp_since) ? W_NONE : W_BAD_MONTH;
	default: return W_BAD_CODE;
	}
}

enum ds_why reg_person_check(const struct reg_person *p, int32_t as_of, enum reg_pcol *col)
{
	if (p->birth > as_of) {
		*col = PC_BIRTH;
		return W_BORN_AFTER_BASELINE;
	}
	if (p->fp_method && p->sex != SEX_FEMALE) {
		*col = PC_FP_METHOD;
		return W_FP_MALE;
	}
	if (p->fp_since != DAY_NONE && !p->fp_method) {
		*col = PC_FP_SINCE;
		return W_FP_SINCE_NO_METHOD;
	}
	if (p->fp_since != DAY_NONE && p->fp_since > as_of) {
		*col = PC_FP_SINCE;
		return W_DATE_FUTURE;
	}
	return W_NONE;
}

static void put_int(char *out, size_t outsz, int v)
{
	snprintf(out, outsz, "%d", v);
}

static void put_str(char *out, size_t outsz, const char *s)
{
	snprintf(out, outsz, "%s", s);
}

static void put_bound(char *out, size_t outsz, int32_t d, int32_t open)
{
	if (d == open || outsz < 11)
		out[0] = '\0';
	else
		day_format(d, out);
}

void reg_unit_get(const struct reg_unit *u, enum reg_ucol col, char *out, size_t outsz)
{
	switch (col) {
	case UC_CODE: put_str(out, outsz, u->code); break;
	case UC_NAME: put_str(out, outsz, u->name); break;
	case UC_LEVEL: put_str(out, outsz, reg_level_name(u->level)); break;
	case UC_PARENT: put_str(out, outsz, u->parent); break;
	case UC_FROM: put_bound(out, outsz, u->valid_from, DAY_NONE); break;
	case UC_TO: put_bound(out, outsz, u->valid_to, DAY_MAX); break;
	default: out[0] = '\0';
	}
}

void reg_household_get(const struct reg_household *h, enum reg_hcol col, char *out,
		       size_t outsz)
{
	switch (col) {
	case HC_ID: put_str(out, outsz, h->id); break;
	case HC_AREA: put_str(out, outsz, h->area); break;
	case HC_NUMBER: put_str(out, outsz, h->number); break;
	case HC_ADDRESS: put_str(out, outsz, h->address); break;
	case HC_TYPE: put_int(out, outsz, h->type); break;
	case HC_POVERTY: put_int(out, outsz, h->poverty); break;
	default: out[0] = '\0';
	}
}

void reg_person_get(const struct reg_person *p, enum reg_pcol col, char *out, size_t outsz)
{
	switch (col) {
	case PC_ID: put_str(out, outsz, p->id); break;
	case PC_HOUSEHOLD: put_str(out, outsz, p->household); break;
	case PC_NAME: put_str(out, outsz, p->full_name); break;
	case PC_SEX: put_int(out, outsz, p->sex); break;
	case PC_BIRTH:
		if (outsz >= 11)
			day_format_partial(p->birth, (enum day_prec)p->birth_prec, out);
		break;
	case PC_RELATION: put_int(out, outsz, p->relation); break;
	case PC_ETHNICITY: put_str(out, outsz, p->ethnicity); break;
	case PC_EDUCATION: put_int(out, outsz, p->education); break;
	case PC_MARITAL: put_int(out, outsz, p->marital); break;
	case PC_RESIDENCE: put_int(out, outsz, p->residence); break;
	case PC_INSURANCE: put_str(out, outsz, p->insurance_no); break;
	case PC_NATIONAL_ID: put_str(out, outsz, p->national_id); break;
	case PC_FP_METHOD:
		if (p->fp_method)
			put_int(out, outsz, p->fp_method);
		else
			out[0] = '\0';
		break;
	case PC_FP_SINCE:
		if (p->fp_since != DAY_NONE && outsz >= 8)
			day_format_month(p->fp_since, out);
		else
			out[0] = '\0';
		break;
	default: out[0] = '\0';
	}
}
