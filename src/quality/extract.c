/* The national population database's extract, read and checked strictly before anything is compared (reconcile.h). */
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/grow.h"
#include "quality/reconcile.h"

enum { X_NID, X_NAME, X_SEX, X_BIRTH, X_COMMUNE, X_ADDRESS, X_RES, X_COLS };
static const char *const xcols[X_COLS] = {"national_id", "full_name", "sex", "birth_date",
					  "commune_code", "address", "residence"};

void rc_extract_free(struct rc_extract *x)
{
	free(x->rows);
	free(x->names);
	memset(x, 0, sizeof *x);
}

static bool digits(const char *s, size_t n, size_t lo, size_t hi)
{
	if (n < lo || n > hi)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* One row into r and its name into p->full_name (each row sets every
 * field of p it reads, so p is made once); the column at fault and why,
 * or W_NONE. */
static enum ds_why parse_row(const struct csv *c, struct reg_person *p, struct rc_row *r, int *col)
{
	struct csv_field f;
	enum ds_why w;
	*col = X_NID;
	f = csv_col(c, X_NID);
	if (f.n == 0)
		return W_REQUIRED;
	if ((w = reg_person_set(p, PC_NATIONAL_ID, f.p, f.n)))
		return w;
	*col = X_NAME;
	f = csv_col(c, X_NAME);
	if ((w = reg_person_set(p, PC_NAME, f.p, f.n)))
		return w;
	*col = X_SEX;
	f = csv_col(c, X_SEX);
	if ((w = reg_person_set(p, PC_SEX, f.p, f.n)))
		return w;
	*col = X_BIRTH;
	f = csv_col(c, X_BIRTH);
	if ((w = reg_person_set(p, PC_BIRTH, f.p, f.n)))
		return w;
	*col = X_COMMUNE;
	f = csv_col(c, X_COMMUNE);
	if (!digits(f.p, f.n, 1, REG_UNIT_CODE_MAX))
		return f.n ? W_BAD_CODE : W_REQUIRED;
	memcpy(r->commune, f.p, f.n);
	r->commune[f.n] = '\0';
	*col = X_ADDRESS;
	f = csv_col(c, X_ADDRESS);
	if (f.n > REG_TEXT_BYTES - 1)
		return W_TOO_LONG;
	*col = X_RES;
	f = csv_col(c, X_RES);
	if (f.n != 1 || (f.p[0] != '1' && f.p[0] != '2'))
		return f.n ? W_BAD_CODE : W_REQUIRED;
	r->res = (uint8_t)(f.p[0] - '0');
	memcpy(r->nid, p->national_id, sizeof r->nid);
	r->sex = p->sex;
	r->birth = p->birth;
	r->prec = p->birth_prec;
	return W_NONE;
}

enum ds_rc rc_extract_read(const char *data, size_t size, const char *name, struct rc_extract *x,
			   struct ds_problem *pb)
{
	memset(x, 0, sizeof *x);
	struct csv c;
	enum ds_rc rc = csv_open_mem(&c, data, size, name);
	if (rc)
		return rc;
	struct reg_person *p = malloc(sizeof *p);
	if (!p) {
		csv_close(&c);
		return DS_ENOMEM;
	}
	reg_person_init(p);
	if ((rc = csv_header(&c, xcols, X_COLS, pb)))
		goto out;
	int got;
	while ((got = csv_next(&c, pb)) != 0) {
		if (got < 0) {
			rc = DS_EINPUT;
			break;
		}
		if (x->n >= RC_ROWS_MAX) {
			ds_problem_set(pb, name, c.rec_line, NULL, W_TOO_LONG);
			rc = DS_EINPUT;
			break;
		}
		if (!ds_grow(&x->rows, sizeof *x->rows, &x->cap, x->n + 1, 4096)) {
			rc = DS_ENOMEM;
			break;
		}
		struct rc_row *r = &x->rows[x->n];
		memset(r, 0, sizeof *r);
		int col;
		enum ds_why w = parse_row(&c, p, r, &col);
		if (w) {
			ds_problem_set(pb, name, c.rec_line, xcols[col], w);
			rc = DS_EINPUT;
			break;
		}
		size_t nl = strlen(p->full_name) + 1;
		if (!ds_grow(&x->names, 1, &x->names_cap, x->names_len + nl, 1 << 20)) {
			rc = DS_ENOMEM;
			break;
		}
		memcpy(x->names + x->names_len, p->full_name, nl);
		r->name = x->names_len;
		x->names_len += nl;
		r->line = c.rec_line;
		x->n++;
	}
out:
	free(p);
	csv_close(&c);
	return rc;
}

