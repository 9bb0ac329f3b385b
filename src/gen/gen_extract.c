/*
 * gen_extract: an extract of the national population database, planted
 * with differences and missing persons, when --plant-extract asks
 * (spec/quality.md, Reconciliation).
 *
 * Written after persons.csv, from it (the national ids are made while it
 * is written) and from the generator's own knowledge of each person, with
 * a PRNG stream of its own, for the province's register as of the
 * baseline (--years 0: no event has changed anyone yet):
 *
 *   - every person recorded twice (a deliberate copy) is in the register
 *     only: the national database holds each citizen once;
 *   - 1.5% of the others are missing from the extract (gone without a
 *     move_out, or never registered nationally): only in the register;
 *   - a person without a national id in the register is in the extract
 *     with a new one: a difference in national_id (the register should
 *     record it), matched by name, sex and birth date;
 *   - of persons with a national id, 2% have another given name in the
 *     extract (an h added or dropped) and 2% another day of birth (the day
 *     next to it): differences in full_name, birth_date;
 *   - a person absent more than 6 months (residence 2) is a permanent
 *     resident in the extract: a difference in residence;
 *   - one person in 200 more is only in the extract: born 1905-1915, named
 *     Tạ Văn/Thị Ngoại, in a commune of the province (an arrival never
 *     recorded).
 *
 * truth/extract.csv lists every item as reconciliation must find it
 * (kind,person_id,national_id,fields); truth/extract.json the counts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/csv.h"
#include "base/day.h"
#include "gen/gen_int.h"

enum { PC_PID, PC_HH, PC_NAME_, PC_SEX_, PC_BIRTH_, PC_REL, PC_ETH, PC_EDU, PC_MAR, PC_RES, PC_INS, PC_NID,
       PC_FP, PC_FPS, PC_N };
static const char *const pcols[PC_N] = {"person_id", "household_id", "full_name", "sex", "birth_date",
					"relation", "ethnicity", "education", "marital", "residence",
					"insurance_no", "national_id", "fp_method", "fp_since"};

struct xout {
	struct gfile x, t;
	long matched, differences, only_register, only_extract;
};

static uint32_t index_of(struct csv_field f)
{
	uint64_t v = 0;
	for (size_t i = 3; i < f.n; i++)
		v = v * 10 + (uint64_t)(f.p[i] - '0');
	return v ? (uint32_t)(v - 1) : 0;
}

static void commune_code(struct gen *g, struct gbuf *b, uint32_t hh)
{
	const struct gen_units *u = &g->units;
	uint32_t old = u->vill[u->area[g->h[hh].area].village].old;
	gb_u0(b, u->new_[u->old[old].newc].code, 5);
}

static void truth(struct xout *o, const char *kind, struct csv_field pid, const char *nid, size_t nidn,
		  const char *fields)
{
	gb_puts(&o->t.b, kind);
	gb_putc(&o->t.b, ',');
	gb_put(&o->t.b, pid.p, pid.n);
	gb_putc(&o->t.b, ',');
	gb_put(&o->t.b, nid, nidn);
	gb_putc(&o->t.b, ',');
	gb_puts(&o->t.b, fields);
	gb_putc(&o->t.b, '\n');
}

/* The given name with an h added at its end, or dropped when it ends in one. */
static void other_name(struct gbuf *b, struct csv_field n)
{
	if (n.n > 1 && n.p[n.n - 1] == 'h') {
		gb_put(b, n.p, n.n - 1);
	} else {
		gb_put(b, n.p, n.n);
		gb_putc(b, 'h');
	}
}

/* One register person: their extract row (or none) and the truth. */
static void one(struct gen *g, struct grng *r, struct csv *c, struct xout *o)
{
	struct csv_field pid = csv_col(c, PC_PID), nid = csv_col(c, PC_NID), name = csv_col(c, PC_NAME_);
	struct csv_field birth = csv_col(c, PC_BIRTH_), sex = csv_col(c, PC_SEX_), res = csv_col(c, PC_RES);
	uint32_t i = index_of(pid), hh = index_of(csv_col(c, PC_HH));
	const struct gperson *p = &g->p[i];
	double x = grng_f(r);
	if ((p->flags & GP_GHOST) || x < 0.015) {
		truth(o, "only_register", pid, nid.p, nid.n, "");
		o->only_register++;
		return;
	}
	char fields[96] = "";
	struct gbuf *b = &o->x.b;
	struct gbuf xn = {0};
	bool named = nid.n && x < 0.035, dated = nid.n && !named && x < 0.055 && birth.n == 10;
	if (nid.n) {
		gb_put(&xn, nid.p, nid.n);
	} else {
		gen_put_nid(g, &xn, g->province, p->sex, p->birth);
	}
	gb_put(b, xn.p, xn.len);
	gb_putc(b, ',');
	if (named)
		other_name(b, name);
	else
		gb_put(b, name.p, name.n);
	gb_putc(b, ',');
	gb_put(b, sex.p, sex.n);
	gb_putc(b, ',');
	if (dated) {
		int y, m, d;
		day_to_ymd(p->birth, &y, &m, &d);
		char s[11];
		day_format(day_from_ymd(y, m, d < 28 ? d + 1 : d - 1), s);
		gb_puts(b, s);
	} else {
		gb_put(b, birth.p, birth.n);
	}
	gb_putc(b, ',');
	commune_code(g, b, hh);
	gb_puts(b, ",Số ");
	gb_u0(b, g->h[hh].number, 1);
	gb_putc(b, ',');
	gb_putc(b, res.n && res.p[0] == '3' ? '2' : '1');
	gb_putc(b, '\n');
	/* In the order reconciliation names them. */
	snprintf(fields, sizeof fields, "%s%s%s%s", named ? "full_name " : "", dated ? "birth_date " : "",
		 res.n && res.p[0] == '2' ? "residence " : "", nid.n ? "" : "national_id ");
	size_t fl = strlen(fields);
	if (fl)
		fields[fl - 1] = '\0';
	truth(o, fl ? "difference" : "matched", pid, xn.p, xn.len, fields);
	if (fl)
		o->differences++;
	else
		o->matched++;
	gb_free(&xn);
	gf_maybe_flush(&o->x);
	gf_maybe_flush(&o->t);
}

/* Persons only in the extract. */
static void strangers(struct gen *g, struct grng *r, struct xout *o)
{
	long n = g->o->persons / 200;
	for (long k = 0; k < n; k++) {
		int sex = 1 + (int)grng_below(r, 2);
		int32_t birth = day_from_ymd(grng_range(r, 1905, 1915), grng_range(r, 1, 12), grng_range(r, 1, 28));
		struct gbuf xn = {0};
		gen_put_nid(g, &xn, g->province, sex, birth);
		struct gbuf *b = &o->x.b;
		char s[11];
		day_format(birth, s);
		gb_put(b, xn.p, xn.len);
		gb_puts(b, sex == 1 ? ",Tạ Văn Ngoại,1," : ",Tạ Thị Ngoại,2,");
		gb_puts(b, s);
		gb_putc(b, ',');
		gb_u0(b, g->units.new_[grng_below(r, g->units.nnew)].code, 5);
		gb_puts(b, ",Số 1,1\n");
		truth(o, "only_extract", (struct csv_field){"", 0}, xn.p, xn.len, "");
		o->only_extract++;
		gb_free(&xn);
	}
}

enum ds_rc gen_extract_write(struct gen *g)
{
	char *dir = NULL, *persons = NULL;
	size_t n = strlen(g->o->out);
	struct xout o = {0};
	struct csv c;
	struct ds_problem pb;
	bool opened = false, xo = false, to = false;
	enum ds_rc rc = DS_ENOMEM;
	if (!(dir = malloc(n + sizeof "/truth")) || !(persons = malloc(n + sizeof "/persons.csv")))
		goto out;
	memcpy(dir, g->o->out, n);
	memcpy(dir + n, "/truth", sizeof "/truth");
	memcpy(persons, g->o->out, n);
	memcpy(persons + n, "/persons.csv", sizeof "/persons.csv");
	rc = mkdir(dir, 0777) != 0 && errno != EEXIST ? DS_EIO : DS_OK;
	if (!rc && !(rc = gf_open(&o.x, g->o->out, "extract.csv")))
		xo = true;
	if (!rc && !(rc = gf_open(&o.t, dir, "extract.csv")))
		to = true;
	if (!rc && !(rc = csv_open(&c, persons, "persons.csv", &pb)))
		opened = true;
	if (!rc)
		rc = csv_header(&c, pcols, PC_N, &pb);
	if (rc)
		goto out;
	gb_puts(&o.x.b, "national_id,full_name,sex,birth_date,commune_code,address,residence\n");
	gb_puts(&o.t.b, "kind,person_id,national_id,fields\n");
	struct grng r;
	grng_seed(&r, g->o->seed ^ 0xE87AC7ull);
	int got;
	while ((got = csv_next(&c, &pb)) > 0)
		one(g, &r, &c, &o);
	if (got < 0) {
		rc = DS_EINTERNAL;
		goto out;
	}
	strangers(g, &r, &o);
	struct gfile j;
	if (!(rc = gf_open(&j, dir, "extract.json"))) {
		char s[200];
		snprintf(s, sizeof s,
			 "{\"matched\":%ld,\"differences\":%ld,\"only_register\":%ld,\"only_extract\":%ld}\n",
			 o.matched, o.differences, o.only_register, o.only_extract);
		gb_puts(&j.b, s);
		rc = gf_close(&j);
	}
out:
	if (opened)
		csv_close(&c);
	if (xo) {
		enum ds_rc r2 = gf_close(&o.x);
		rc = rc ? rc : r2;
	}
	if (to) {
		enum ds_rc r2 = gf_close(&o.t);
		rc = rc ? rc : r2;
	}
	free(dir);
	free(persons);
	return rc;
}
