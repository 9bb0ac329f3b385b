/*
 * The PostgreSQL backend's register (register.h): units, baselines,
 * households, persons, the event log and the queries over them, with the
 * bulk import's COPY buffers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/hmap.h"
#include "base/text.h"
#include "store/pg_int.h"

#define COPY_BATCH 20000
#define RID_BLOCK 10000

/* ---- bulk import: COPY in batches with reserved record numbers ---- */

static const char *const seq_name[3] = {"", "household_rid", "person_rid"};

static enum ds_rc next_rid(struct store *st, enum store_kind k, int64_t *rid)
{
	struct pg *q = PG(st);
	if (q->rid_next[k] && q->rid_next[k] <= q->rid_end[k]) {
		*rid = q->rid_next[k]++;
		return DS_OK;
	}
	/* Recording events after store_prefetch, a few at a time too. */
	int block = q->bulk[k] ? RID_BLOCK : q->defer && q->in_tx ? 64 : 1;
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT setval('%s', nextval('%s') + %d)", seq_name[k],
		 seq_name[k], block - 1);
	PGresult *r = PQexec(q->conn, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		enum ds_rc rc = pg_err(st, "reserve", r);
		PQclear(r);
		return rc;
	}
	int64_t last = pg_get_i64(r, 0, 0);
	PQclear(r);
	q->rid_next[k] = last - block + 1;
	q->rid_end[k] = last;
	*rid = q->rid_next[k]++;
	return DS_OK;
}

static void clear_copy(struct copybuf *c)
{
	buf_free(&c->rows);
	buf_free(&c->keys);
	buf_free(&c->nids);
	c->n = 0;
}

void pg_copy_clear(struct store *st)
{
	for (int k = 0; k < 3; k++)
		clear_copy(&PG(st)->copy[k]);
}

/* Appends a field in COPY text format (NULL when s is NULL). */
static void copy_field(struct buf *b, const char *s, bool last)
{
	if (!s) {
		buf_puts(b, "\\N");
	} else {
		for (const char *p = s; *p; p++) {
			if (*p == '\\' || *p == '\t' || *p == '\n' || *p == '\r') {
				buf_putc(b, '\\');
				buf_putc(b, *p == '\t' ? 't' : *p == '\n' ? 'n' : *p == '\r' ? 'r' : '\\');
			} else {
				buf_putc(b, *p);
			}
		}
	}
	buf_putc(b, last ? '\n' : '\t');
}

static enum ds_rc copy_in(struct store *st, const char *sql, const struct buf *b)
{
	if (!b->len)
		return DS_OK;
	PGconn *c = PG(st)->conn;
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		enum ds_rc rc = pg_err(st, sql, r);
		PQclear(r);
		return rc;
	}
	PQclear(r);
	if (PQputCopyData(c, b->data, (int)b->len) != 1 || PQputCopyEnd(c, NULL) != 1)
		return pg_err(st, "copy", NULL);
	enum ds_rc rc = DS_OK;
	while ((r = PQgetResult(c))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pg_err(st, sql, r);
		PQclear(r);
	}
	return rc;
}

/* A person row's columns, in the order of the values written. */
#define PERSON_INSERT_COLS                                                                \
	"prov, rid, id, hh, full_name, sex, birth, birth_prec, relation, ethnicity, "      \
	"education, marital, residence, insurance_no, national_id, fp_method, fp_since, " \
	"entry, entry_seq, baseline, cur_hh, exit_day, cur_name, cur_key, nid, given_key"

static enum ds_rc flush_kind(struct store *st, enum store_kind k)
{
	struct copybuf *c = &PG(st)->copy[k];
	enum ds_rc rc = DS_OK;
	if (k == STORE_HOUSEHOLDS) {
		rc = copy_in(st, "COPY household (prov, rid, id, area, number, address, type, poverty, "
				 "entry, entry_seq, baseline) FROM STDIN",
			     &c->rows);
		if (!rc)
			rc = copy_in(st, "COPY household_key (id, prov, rid) FROM STDIN", &c->keys);
	} else if (k == STORE_PERSONS) {
		rc = copy_in(st, "COPY person (" PERSON_INSERT_COLS ") FROM STDIN", &c->rows);
		if (!rc)
			rc = copy_in(st, "COPY person_key (id, prov, rid) FROM STDIN", &c->keys);
		if (!rc)
			rc = copy_in(st, "COPY person_nid (nid, rid) FROM STDIN", &c->nids);
	}
	clear_copy(c);
	return rc;
}

enum ds_rc pg_flush_all(struct store *st)
{
	enum ds_rc rc = flush_kind(st, STORE_HOUSEHOLDS);
	return rc ? rc : flush_kind(st, STORE_PERSONS);
}

/* Into empty tables, the search indexes are built once at the end. */
static const char pg_person_indexes[] =
	"CREATE INDEX IF NOT EXISTS person_key_ix ON person(cur_key text_pattern_ops);"
	"CREATE INDEX IF NOT EXISTS person_given_ix ON person(given_key, birth, cur_hh);";

static enum ds_rc pg_bulk_begin(struct store *st, enum store_kind kind, bool empty)
{
	PG(st)->bulk[kind] = true;
	if (kind == STORE_PERSONS && empty)
		return pg_exec(st, "DROP INDEX IF EXISTS person_key_ix; DROP INDEX IF EXISTS person_given_ix;");
	return DS_OK;
}

static enum ds_rc pg_bulk_end(struct store *st, enum store_kind kind, bool empty)
{
	PG(st)->bulk[kind] = false;
	enum ds_rc rc = flush_kind(st, kind);
	if (!rc && kind == STORE_PERSONS && empty)
		rc = pg_exec(st, pg_person_indexes);
	/* Fresh statistics, or the planner takes a table of a million rows for
	 * an empty one and scans it for every lookup until autovacuum comes. */
	if (!rc)
		rc = pg_exec(st, kind == STORE_PERSONS ? "ANALYZE person, person_key, person_nid"
				 : kind == STORE_HOUSEHOLDS ? "ANALYZE household, household_key"
							    : "ANALYZE unit");
	return rc;
}


static enum ds_rc pg_unit_add(struct store *st, const struct reg_unit *u)
{
	char lvl[24], f[24], t[24];
	const char *p[6] = {u->code, u->name, I64(lvl, u->level), u->parent,
			    pg_nullable_day(f, sizeof f, u->valid_from, DAY_NONE),
			    pg_nullable_day(t, sizeof t, u->valid_to, DAY_MAX)};
	return pg_run_done(st, "INSERT INTO unit(code, name, level, parent, valid_from, valid_to) "
			       "VALUES ($1, $2, $3, $4, $5, $6)",
			   6, p);
}

static enum ds_rc pg_unit_close(struct store *st, const struct reg_unit *u, int32_t valid_to)
{
	char f[24], t[24];
	const char *p[3] = {u->code, pg_nullable_day(f, sizeof f, u->valid_from, DAY_NONE),
			    pg_nullable_day(t, sizeof t, valid_to, DAY_MAX)};
	enum ds_rc rc;
	PGresult *r = pg_run(st, "UPDATE unit SET valid_to = $3 WHERE code = $1"
				 " AND valid_from IS NOT DISTINCT FROM $2::int AND valid_to IS NULL",
			     3, p, &rc);
	if (!rc && pg_affected(r) != 1)
		rc = DS_ENOTFOUND;
	PQclear(r);
	return rc;
}

static enum ds_rc pc_added(struct store *st, const struct store_person *p,
			   const struct store_household *h);

static enum ds_rc pg_household_add(struct store *st, struct store_household *h)
{
	struct pg *q = PG(st);
	enum ds_rc rc = pg_ensure_prov(st, h->prov);
	if (!rc)
		rc = next_rid(st, STORE_HOUSEHOLDS, &h->rid);
	if (rc)
		return rc;
	char prov[24], rid[24], type[24], pov[24], entry[24], eseq[24], base[24];
	I64(prov, h->prov);
	I64(rid, h->rid);
	I64(type, h->rec.type);
	I64(pov, h->rec.poverty);
	I64(entry, h->entry);
	I64(eseq, h->entry_seq);
	I64(base, h->baseline);
	const char *v[11] = {prov, rid, h->rec.id, h->rec.area, h->rec.number, h->rec.address,
			     type, pov, entry, eseq, base};
	if (q->bulk[STORE_HOUSEHOLDS]) {
		struct copybuf *c = &q->copy[STORE_HOUSEHOLDS];
		for (int i = 0; i < 11; i++)
			copy_field(&c->rows, v[i], i == 10);
		copy_field(&c->keys, h->rec.id, false);
		copy_field(&c->keys, prov, false);
		copy_field(&c->keys, rid, true);
		return ++c->n >= COPY_BATCH ? flush_kind(st, STORE_HOUSEHOLDS) : DS_OK;
	}
	if ((rc = pc_added(st, NULL, h)))
		return rc;
	const char *k[3] = {h->rec.id, prov, rid};
	rc = pg_run_later(st, "INSERT INTO household_key (id, prov, rid) VALUES ($1, $2, $3)", 3, k);
	if (!rc)
		rc = pg_run_later(st,
				 "INSERT INTO household (prov, rid, id, area, number, address, type, poverty, "
				 "entry, entry_seq, baseline) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
				 "$10, $11)",
				 11, v);
	return rc;
}

/* p, with its full name folded in key. */
static enum ds_rc person_add(struct store *st, struct store_person *p, const char *key)
{
	struct pg *q = PG(st);
	const struct reg_person *r = &p->rec;
	enum ds_rc rc = pg_ensure_prov(st, p->prov);
	if (!rc)
		rc = next_rid(st, STORE_PERSONS, &p->rid);
	if (rc)
		return rc;
	char prov[24], rid[24], hh[24], sex[24], birth[24], prec[24], rel[24], edu[24], mar[24], res[24],
		fpm[24], fps[24], entry[24], eseq[24], base[24];
	const char *v[26] = {I64(prov, p->prov), I64(rid, p->rid), r->id, I64(hh, p->hh), r->full_name,
			     I64(sex, r->sex), I64(birth, r->birth), I64(prec, r->birth_prec),
			     I64(rel, r->relation), r->ethnicity, I64(edu, r->education),
			     I64(mar, r->marital), I64(res, r->residence),
			     r->insurance_no[0] ? r->insurance_no : NULL,
			     r->national_id[0] ? r->national_id : NULL, I64(fpm, r->fp_method),
			     pg_nullable_day(fps, sizeof fps, r->fp_since, DAY_NONE), I64(entry, p->entry),
			     I64(eseq, p->entry_seq), I64(base, p->baseline), hh, NULL, NULL, key,
			     r->national_id[0] ? r->national_id : NULL, txt_last_word(key)};
	if (q->bulk[STORE_PERSONS]) {
		struct copybuf *c = &q->copy[STORE_PERSONS];
		for (int i = 0; i < 26; i++)
			copy_field(&c->rows, v[i], i == 25);
		copy_field(&c->keys, r->id, false);
		copy_field(&c->keys, prov, false);
		copy_field(&c->keys, rid, true);
		if (r->national_id[0]) {
			copy_field(&c->nids, r->national_id, false);
			copy_field(&c->nids, rid, true);
		}
		rc = ++c->n >= COPY_BATCH ? flush_kind(st, STORE_PERSONS) : DS_OK;
	} else {
		/* Deferred, the keys and rows of a batch's new persons go in two
		 * set-based statements, before the single writes; the national
		 * id's owner among those, in its order with the others. */
		const char *k[3] = {r->id, prov, rid};
		rc = pg_rows_add(st, 2,
				 "INSERT INTO person_key (id, prov, rid) SELECT * FROM "
				 "unnest($1::text[], $2::int[], $3::bigint[])",
				 3, "INSERT INTO person_key (id, prov, rid) VALUES ($1, $2, $3)", k);
		if (!rc && r->national_id[0]) {
			const char *n[2] = {r->national_id, rid};
			rc = pg_run_later(st, "INSERT INTO person_nid (nid, rid) VALUES ($1, $2)", 2, n);
		}
		if (!rc)
			rc = pg_rows_add(st, 3,
					 "INSERT INTO person (" PERSON_INSERT_COLS ") SELECT * FROM unnest("
					 "$1::int[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], "
					 "$6::int[], $7::int[], $8::int[], $9::int[], $10::text[], $11::int[], "
					 "$12::int[], $13::int[], $14::text[], $15::text[], $16::int[], "
					 "$17::int[], $18::int[], $19::bigint[], $20::bigint[], $21::bigint[], "
					 "$22::int[], $23::text[], $24::text[], $25::text[], $26::text[])",
					 26,
					 "INSERT INTO person (" PERSON_INSERT_COLS ") VALUES "
					 "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
					 "$17, $18, $19, $20, $21, $22, $23, $24, $25, $26)",
					 v);
	}
	if (!rc) {
		p->cur_hh = p->hh;
		p->exit = DAY_MAX;
		snprintf(p->cur_name, sizeof p->cur_name, "%s", r->full_name);
		snprintf(p->cur_nid, sizeof p->cur_nid, "%s", r->national_id);
		snprintf(p->cur_household, sizeof p->cur_household, "%s", r->household);
	}
	if (!rc)
		rc = pc_added(st, p, NULL);
	return rc;
}

static enum ds_rc pg_person_add(struct store *st, struct store_person *p)
{
	char key[REG_NAME_BYTES];
	store_fold_name(p->rec.full_name, key);
	return person_add(st, p, key);
}

static enum ds_rc pg_persons_add(struct store *st, struct store_new_person *v, size_t n, size_t *added)
{
	enum ds_rc rc = DS_OK;
	for (; *added < n && !(rc = person_add(st, &v[*added].p, v[*added].key)); ++*added)
		;
	return rc;
}

static enum ds_rc pg_baseline_add(struct store *st, struct store_baseline *b)
{
	char a[24], t[24];
	const char *p[2] = {I64(a, b->as_of), I64(t, b->imported_at)};
	enum ds_rc rc;
	PGresult *r = pg_run(st, "INSERT INTO baseline (as_of, imported_at) VALUES ($1, $2) RETURNING id",
			     2, p, &rc);
	if (r) {
		b->id = pg_get_i64(r, 0, 0);
		PQclear(r);
	}
	return rc;
}

/* ---- reading rows ---- */

#define HH_COLS "rid, id, prov, area, number, address, type, poverty, entry, entry_seq, baseline "
/* A person's row, with its first household's id (HID) and its present
 * household's id and area (CHID, CHAREA). */
#define PERSON_COLS_WITH(HID, CHID, CHAREA)                                               \
	"p.rid, p.id, p.prov, p.hh, " HID ", p.full_name, p.sex, p.birth, p.birth_prec, "  \
	"p.relation, p.ethnicity, p.education, p.marital, p.residence, p.insurance_no, "  \
	"p.national_id, p.fp_method, p.fp_since, p.entry, p.entry_seq, p.baseline, "     \
	"p.cur_hh, p.exit_day, p.cur_name, p.nid, " CHID ", " CHAREA " "
#define PERSON_COLS PERSON_COLS_WITH("h.id", "ch.id", "ch.area")
#define PERSON_FROM                                                                       \
	" FROM person p JOIN household h ON h.rid = p.hh "                                \
	"JOIN household ch ON ch.rid = p.cur_hh "
#define EVENT_COLS                                                                        \
	"seq, uuid, type, date, person, hh, other, a, b, voided_by, recorded_at, recorded_by, prov"

static void read_household(PGresult *r, int i, struct store_household *h)
{
	memset(h, 0, sizeof *h);
	h->rid = pg_get_i64(r, i, 0);
	pg_get_str(r, i, 1, h->rec.id, sizeof h->rec.id);
	h->prov = (int)pg_get_i64(r, i, 2);
	pg_get_str(r, i, 3, h->rec.area, sizeof h->rec.area);
	pg_get_str(r, i, 4, h->rec.number, sizeof h->rec.number);
	pg_get_str(r, i, 5, h->rec.address, sizeof h->rec.address);
	h->rec.type = (uint8_t)pg_get_i64(r, i, 6);
	h->rec.poverty = (uint8_t)pg_get_i64(r, i, 7);
	h->entry = (int32_t)pg_get_i64(r, i, 8);
	h->entry_seq = pg_get_i64(r, i, 9);
	h->baseline = pg_get_i64(r, i, 10);
}

static void read_person(PGresult *r, int i, struct store_person *p)
{
	struct reg_person *x = &p->rec;
	memset(p, 0, sizeof *p);
	p->rid = pg_get_i64(r, i, 0);
	pg_get_str(r, i, 1, x->id, sizeof x->id);
	p->prov = (int)pg_get_i64(r, i, 2);
	p->hh = pg_get_i64(r, i, 3);
	pg_get_str(r, i, 4, x->household, sizeof x->household);
	pg_get_str(r, i, 5, x->full_name, sizeof x->full_name);
	x->sex = (uint8_t)pg_get_i64(r, i, 6);
	x->birth = (int32_t)pg_get_i64(r, i, 7);
	x->birth_prec = (uint8_t)pg_get_i64(r, i, 8);
	x->relation = (uint8_t)pg_get_i64(r, i, 9);
	pg_get_str(r, i, 10, x->ethnicity, sizeof x->ethnicity);
	x->education = (uint8_t)pg_get_i64(r, i, 11);
	x->marital = (uint8_t)pg_get_i64(r, i, 12);
	x->residence = (uint8_t)pg_get_i64(r, i, 13);
	pg_get_str(r, i, 14, x->insurance_no, sizeof x->insurance_no);
	pg_get_str(r, i, 15, x->national_id, sizeof x->national_id);
	x->fp_method = (uint8_t)pg_get_i64(r, i, 16);
	x->fp_since = pg_get_day(r, i, 17, DAY_NONE);
	p->entry = (int32_t)pg_get_i64(r, i, 18);
	p->entry_seq = pg_get_i64(r, i, 19);
	p->baseline = pg_get_i64(r, i, 20);
	p->cur_hh = pg_get_i64(r, i, 21);
	p->exit = pg_get_day(r, i, 22, DAY_MAX);
	if (PQgetisnull(r, i, 23))
		snprintf(p->cur_name, sizeof p->cur_name, "%s", x->full_name);
	else
		pg_get_str(r, i, 23, p->cur_name, sizeof p->cur_name);
	pg_get_str(r, i, 24, p->cur_nid, sizeof p->cur_nid);
	pg_get_str(r, i, 25, p->cur_household, sizeof p->cur_household);
	pg_get_str(r, i, 26, p->cur_area, sizeof p->cur_area);
}

static void read_event(PGresult *r, int i, struct store_event *e, bool body)
{
	memset(e, 0, sizeof *e);
	struct reg_fact *f = &e->fact;
	f->seq = pg_get_i64(r, i, 0);
	pg_get_uuid(r, i, 1, e->id);
	f->type = (uint8_t)pg_get_i64(r, i, 2);
	f->date = (int32_t)pg_get_i64(r, i, 3);
	f->person = pg_get_i64(r, i, 4);
	f->hh = pg_get_i64(r, i, 5);
	f->other = pg_get_i64(r, i, 6);
	f->a = (int32_t)pg_get_i64(r, i, 7);
	f->b = (int32_t)pg_get_i64(r, i, 8);
	e->voided_by = pg_get_i64(r, i, 9);
	f->voided = e->voided_by != 0;
	e->recorded_at = pg_get_i64(r, i, 10);
	pg_get_str(r, i, 11, e->recorded_by, sizeof e->recorded_by);
	e->prov = (int)pg_get_i64(r, i, 12);
	e->body = body ? PQgetvalue(r, i, 13) : NULL;
}

/* ---- a batch's lookups, read in one go (store_prefetch) ----
 *
 * The answers are those the statements below would give now: the writer
 * holds the writers' lock for the whole transaction, and every write of
 * this connection updates or forgets what it changes (pg_person_add,
 * pg_household_add, pg_person_current, pg_event_add, pg_event_void).
 * In the maps, 0 means known absent and -1 not known (ask the database).
 */

struct pc_facts {
	struct reg_fact *v;
	size_t n, cap;
};

struct pg_cache {
	struct hmap events;                /* uuid: 1 known absent */
	struct hmap person_ids, person_rids; /* index + 1 into persons */
	struct store_person *persons;
	bool *stale;                       /* persons[i] changed since */
	struct pc_facts *facts;            /* persons[i]'s subject facts */
	size_t npersons, cap_persons;
	struct hmap hh_ids, hh_rids;       /* index + 1 into hhs */
	struct store_household *hhs;
	size_t nhhs, cap_hhs;
	struct hmap nids;                  /* owner's rid, as read or as written since */
	struct hmap held;                  /* rid: index + 1 into held_nid, for the
					    * persons whose national id was written */
	char (*held_nid)[sizeof ((struct store_person *)0)->cur_nid];
	size_t nheld;
	int64_t *seqs; /* reserved event seqs, ascending */
	size_t nseqs, seq_next;
};

void pg_cache_drop(struct store *st)
{
	struct pg_cache *c = PG(st)->cache;
	if (!c)
		return;
	hmap_free(&c->events);
	hmap_free(&c->person_ids);
	hmap_free(&c->person_rids);
	hmap_free(&c->hh_ids);
	hmap_free(&c->hh_rids);
	hmap_free(&c->nids);
	hmap_free(&c->held);
	free(c->held_nid);
	for (size_t i = 0; i < c->npersons; i++)
		free(c->facts[i].v);
	free(c->persons);
	free(c->stale);
	free(c->facts);
	free(c->hhs);
	free(c->seqs);
	free(c);
	PG(st)->cache = NULL;
}

/* A value of a cache map: -1 when the key is not there. */
static int64_t pc_get(const struct hmap *h, const void *key, size_t len)
{
	int64_t v;
	return hmap_get(h, key, len, &v) ? v : -1;
}

static void pc_forget(struct hmap *h, const void *key, size_t len)
{
	hmap_set(h, key, len, -1);
}

/* A national id written for rid (nid; "" for none): rid holds it now, and
 * no other id; the owner table was changed to say so. */
static enum ds_rc pc_nid_written(struct pg_cache *c, int64_t rid, const char *nid)
{
	/* Room first, so that the map never names a slot that is not there. */
	void *v = realloc(c->held_nid, (c->nheld + 1) * sizeof *c->held_nid);
	if (!v)
		return DS_ENOMEM;
	c->held_nid = v;
	bool had;
	int64_t k;
	if (hmap_put(&c->held, &rid, sizeof rid, (int64_t)c->nheld + 1, &had, &k))
		return DS_ENOMEM;
	if (!had)
		k = (int64_t)++c->nheld;
	snprintf(c->held_nid[k - 1], sizeof *c->held_nid, "%s", nid);
	if (nid[0] && (hmap_put(&c->nids, nid, strlen(nid), rid, NULL, NULL) ||
		       !hmap_set(&c->nids, nid, strlen(nid), rid)))
		return DS_ENOMEM;
	return DS_OK;
}

/* The cached owner of a national id: its rid, 0 when known to be nobody's,
 * -1 when not known.  An owner read before whose id was written since holds
 * it only if it was written back to it; otherwise nobody does, since giving
 * it to someone else would have been written too. */
static int64_t pc_nid_owner(const struct pg_cache *c, const char *nid)
{
	int64_t k = pc_get(&c->nids, nid, strlen(nid)), h;
	if (k > 0 && hmap_get(&c->held, &k, sizeof k, &h) && strcmp(c->held_nid[h - 1], nid))
		return 0;
	return k;
}

/* A PostgreSQL text array literal of the strings. */
static enum ds_rc text_array(struct buf *b, const char *const *v, size_t n)
{
	buf_reset(b);
	buf_putc(b, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		pg_array_add(b, v[i]);
	}
	buf_putc(b, '}');
	return buf_putc(b, '\0') ? DS_ENOMEM : DS_OK;
}

/* Each a scan of an index for an array that the server computes first
 * (an InitPlan): a join here would be planned as a scan of the whole table. */
/* Room for one more fact. */
static enum ds_rc facts_room(struct pc_facts *f)
{
	if (f->n < f->cap)
		return DS_OK;
	size_t cap = f->cap ? f->cap * 2 : 8;
	struct reg_fact *v = realloc(f->v, cap * sizeof *v);
	if (!v)
		return DS_ENOMEM;
	f->v = v;
	f->cap = cap;
	return DS_OK;
}

/* Appends a person row to the cache (its facts: none yet); its index or -1. */
static int64_t pc_add_person(struct pg_cache *c, const struct store_person *p)
{
	if (c->npersons == c->cap_persons) {
		size_t cap = c->cap_persons ? c->cap_persons * 2 : 256;
		struct store_person *v = realloc(c->persons, cap * sizeof *v);
		if (v)
			c->persons = v;
		bool *w = v ? realloc(c->stale, cap * sizeof *w) : NULL;
		if (w)
			c->stale = w;
		struct pc_facts *f = w ? realloc(c->facts, cap * sizeof *f) : NULL;
		if (!f)
			return -1;
		c->facts = f;
		c->cap_persons = cap;
	}
	size_t i = c->npersons;
	c->persons[i] = *p;
	c->stale[i] = false;
	c->facts[i] = (struct pc_facts){0};
	int64_t k = (int64_t)i + 1;
	bool had;
	if (hmap_put(&c->person_rids, &p->rid, sizeof p->rid, k, &had, NULL) ||
	    hmap_put(&c->person_ids, p->rec.id, strlen(p->rec.id), k, NULL, NULL))
		return -1;
	if (had)
		hmap_set(&c->person_rids, &p->rid, sizeof p->rid, k);
	hmap_set(&c->person_ids, p->rec.id, strlen(p->rec.id), k);
	c->npersons++;
	return (int64_t)i;
}

static enum ds_rc pc_add_household(struct pg_cache *c, const struct store_household *h)
{
	if (c->nhhs == c->cap_hhs) {
		size_t cap = c->cap_hhs ? c->cap_hhs * 2 : 256;
		struct store_household *v = realloc(c->hhs, cap * sizeof *v);
		if (!v)
			return DS_ENOMEM;
		c->hhs = v;
		c->cap_hhs = cap;
	}
	c->hhs[c->nhhs] = *h;
	int64_t k = (int64_t)++c->nhhs;
	if (hmap_put(&c->hh_ids, h->rec.id, strlen(h->rec.id), k, NULL, NULL) ||
	    hmap_put(&c->hh_rids, &h->rid, sizeof h->rid, k, NULL, NULL))
		return DS_ENOMEM;
	hmap_set(&c->hh_ids, h->rec.id, strlen(h->rec.id), k);
	return DS_OK;
}

static const char sql_pf_events[] =
	"SELECT encode(uuid, 'hex') FROM event_key WHERE uuid = "
	"ANY (ARRAY(SELECT decode(x, 'hex') FROM unnest($1::text[]) x))";
/* The persons without their households: those come in the second round
 * (sql_pf_homes), with the households the events name. */
static const char sql_pf_persons[] =
	"SELECT " PERSON_COLS_WITH("NULL", "NULL", "NULL") " FROM person p WHERE p.rid = "
	"ANY (ARRAY(SELECT rid FROM person_key WHERE id = ANY ($1::text[])))";
static const char sql_pf_households[] =
	"SELECT " HH_COLS "FROM household WHERE rid = "
	"ANY (ARRAY(SELECT rid FROM household_key WHERE id = ANY ($1::text[])))";
static const char sql_pf_nids[] = "SELECT nid, rid FROM person_nid WHERE nid = ANY($1::text[])";
static const char sql_pf_seqs[] = "SELECT nextval('event_seq') FROM generate_series(1, $1::int)";
/* The second round, by the rids the first found: the persons' facts, and
 * the households they joined first and live in now. */
static const char sql_pf_facts[] =
	"SELECT " EVENT_COLS " FROM event WHERE person = ANY ($1::bigint[]) AND type NOT IN (16, 17) "
	"ORDER BY person, date, seq";
static const char sql_pf_homes[] = "SELECT " HH_COLS "FROM household WHERE rid = ANY ($1::bigint[])";

static int seq_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

static enum ds_rc pc_add_households(struct pg_cache *c, PGresult *r)
{
	enum ds_rc rc = DS_OK;
	for (int i = 0; i < PQntuples(r) && !rc; i++) {
		struct store_household hh;
		read_household(r, i, &hh);
		if (pc_get(&c->hh_rids, &hh.rid, sizeof hh.rid) <= 0)
			rc = pc_add_household(c, &hh);
	}
	return rc;
}

/* Fills the cache from the first round's five answers: events, persons,
 * households, national ids, seqs. */
static enum ds_rc pc_fill(struct pg_cache *c, const struct store_hint *h, PGresult **r)
{
	enum ds_rc rc = DS_OK;
	for (size_t i = 0; i < h->nevents && !rc; i++)
		rc = hmap_put(&c->events, h->event_ids[i], 16, 1, NULL, NULL);
	for (int i = 0; i < PQntuples(r[0]); i++) {
		const char *x = PQgetvalue(r[0], i, 0);
		uint8_t u[16];
		for (int j = 0; j < 16 && strlen(x) == 32; j++)
			u[j] = (uint8_t)(hex_digit(x[2 * j]) * 16 + hex_digit(x[2 * j + 1]));
		hmap_set(&c->events, u, 16, -1);
	}
	for (size_t i = 0; i < h->npersons && !rc; i++)
		rc = hmap_put(&c->person_ids, h->persons[i], strlen(h->persons[i]), 0, NULL, NULL);
	for (int i = 0; i < PQntuples(r[1]) && !rc; i++) {
		struct store_person p;
		read_person(r[1], i, &p);
		if (pc_add_person(c, &p) < 0)
			rc = DS_ENOMEM;
	}
	for (size_t i = 0; i < h->nhouseholds && !rc; i++)
		rc = hmap_put(&c->hh_ids, h->households[i], strlen(h->households[i]), 0, NULL, NULL);
	if (!rc)
		rc = pc_add_households(c, r[2]);
	for (size_t i = 0; i < h->nnids && !rc; i++)
		rc = hmap_put(&c->nids, h->nids[i], strlen(h->nids[i]), 0, NULL, NULL);
	for (int i = 0; i < PQntuples(r[3]); i++)
		hmap_set(&c->nids, PQgetvalue(r[3], i, 0), strlen(PQgetvalue(r[3], i, 0)),
			 pg_get_i64(r[3], i, 1));
	size_t n = (size_t)PQntuples(r[4]);
	int64_t *v = rc ? NULL : realloc(c->seqs, (c->nseqs + n + 1) * sizeof *v);
	if (!rc && !v)
		rc = DS_ENOMEM;
	if (!rc) {
		c->seqs = v;
		for (size_t i = 0; i < n; i++)
			c->seqs[c->nseqs++] = pg_get_i64(r[4], (int)i, 0);
		qsort(c->seqs + c->seq_next, c->nseqs - c->seq_next, sizeof *c->seqs, seq_cmp);
	}
	return rc;
}

/* The second round's arrays: the persons' rids, and the rids of their
 * households not cached yet. */
static enum ds_rc pc_rid_arrays(const struct pg_cache *c, struct buf *persons, struct buf *homes)
{
	buf_reset(persons);
	buf_reset(homes);
	buf_putc(persons, '{');
	buf_putc(homes, '{');
	for (size_t i = 0; i < c->npersons; i++) {
		const struct store_person *p = &c->persons[i];
		buf_printf(persons, "%s%lld", i ? "," : "", (long long)p->rid);
		int64_t hh[2] = {p->hh, p->cur_hh};
		for (int j = 0; j < 2; j++)
			if (pc_get(&c->hh_rids, &hh[j], sizeof hh[j]) <= 0)
				buf_printf(homes, "%s%lld", homes->len > 1 ? "," : "", (long long)hh[j]);
	}
	buf_putc(persons, '}');
	buf_putc(homes, '}');
	buf_putc(persons, '\0');
	return buf_putc(homes, '\0') ? DS_ENOMEM : DS_OK;
}

/* Fills the cache from the second round's answers (facts, households),
 * then the persons' household ids and areas.  A person whose household is
 * missing is left to the database, as the join there would have it. */
static enum ds_rc pc_fill_homes(struct pg_cache *c, PGresult *facts, PGresult *homes)
{
	for (int i = 0; i < PQntuples(facts); i++) {
		struct store_event e;
		read_event(facts, i, &e, false);
		int64_t k = pc_get(&c->person_rids, &e.fact.person, sizeof e.fact.person);
		if (k <= 0)
			continue;
		struct pc_facts *f = &c->facts[k - 1];
		if (facts_room(f))
			return DS_ENOMEM;
		f->v[f->n++] = e.fact;
	}
	enum ds_rc rc = pc_add_households(c, homes);
	for (size_t i = 0; i < c->npersons && !rc; i++) {
		struct store_person *p = &c->persons[i];
		int64_t h = pc_get(&c->hh_rids, &p->hh, sizeof p->hh),
			ch = pc_get(&c->hh_rids, &p->cur_hh, sizeof p->cur_hh);
		if (h <= 0 || ch <= 0) {
			pc_forget(&c->person_ids, p->rec.id, strlen(p->rec.id));
			pc_forget(&c->person_rids, &p->rid, sizeof p->rid);
			continue;
		}
		snprintf(p->rec.household, sizeof p->rec.household, "%s", c->hhs[h - 1].rec.id);
		snprintf(p->cur_household, sizeof p->cur_household, "%s", c->hhs[ch - 1].rec.id);
		snprintf(p->cur_area, sizeof p->cur_area, "%s", c->hhs[ch - 1].rec.area);
	}
	return rc;
}

static enum ds_rc pg_prefetch(struct store *st, const struct store_hint *h)
{
	struct pg *q = PG(st);
	if (!q->in_tx)
		return DS_OK;
	enum ds_rc rc = pg_flush_all(st);
	if (rc)
		return rc;
	struct pg_cache *old = q->cache, *c = calloc(1, sizeof *c);
	if (!c)
		return DS_ENOMEM;
	/* Seqs reserved and not used yet are used first. */
	if (old && old->seq_next < old->nseqs) {
		c->seqs = old->seqs;
		c->nseqs = old->nseqs;
		c->seq_next = old->seq_next;
		old->seqs = NULL;
	}
	pg_cache_drop(st);
	q->cache = c;
	size_t have = c->nseqs - c->seq_next, want = h->nseq > have ? h->nseq - have : 0;
	struct buf a[5] = {0};
	const char **hex = h->nevents ? calloc(h->nevents, sizeof *hex) : NULL;
	char *hexbuf = h->nevents ? malloc(h->nevents * 33) : NULL;
	if (h->nevents && (!hex || !hexbuf))
		rc = DS_ENOMEM;
	for (size_t i = 0; i < h->nevents && !rc; i++) {
		char *x = hexbuf + 33 * i;
		for (int j = 0; j < 16; j++)
			snprintf(x + 2 * j, 3, "%02x", h->event_ids[i][j]);
		hex[i] = x;
	}
	if (!rc)
		rc = text_array(&a[0], hex, h->nevents);
	if (!rc)
		rc = text_array(&a[1], h->persons, h->npersons);
	if (!rc)
		rc = text_array(&a[2], h->households, h->nhouseholds);
	if (!rc)
		rc = text_array(&a[3], h->nids, h->nnids);
	char nseq[24];
	I64(nseq, want);
	if (!rc) {
		const char *p0[1] = {a[0].data}, *p1[1] = {a[1].data}, *p2[1] = {a[2].data},
			   *p3[1] = {a[3].data}, *p4[1] = {nseq};
		const char *const sql[5] = {sql_pf_events, sql_pf_persons, sql_pf_households,
					    sql_pf_nids, sql_pf_seqs};
		const int n[5] = {1, 1, 1, 1, 1};
		const char *const *params[5] = {p0, p1, p2, p3, p4};
		PGresult *r[5];
		if (!(rc = pg_run_many(st, 5, sql, n, params, r))) {
			rc = pc_fill(c, h, r);
			for (int i = 0; i < 5; i++)
				PQclear(r[i]);
		}
	}
	if (!rc && c->npersons)
		rc = pc_rid_arrays(c, &a[0], &a[1]);
	if (!rc && c->npersons) {
		const char *p0[1] = {a[0].data}, *p1[1] = {a[1].data};
		const char *const sql[2] = {sql_pf_facts, sql_pf_homes};
		const int n[2] = {1, 1};
		const char *const *params[2] = {p0, p1};
		PGresult *r[2];
		if (!(rc = pg_run_many(st, 2, sql, n, params, r))) {
			rc = pc_fill_homes(c, r[0], r[1]);
			PQclear(r[0]);
			PQclear(r[1]);
		}
	}
	free(hex);
	free(hexbuf);
	for (int i = 0; i < 5; i++)
		buf_free(&a[i]);
	if (rc)
		pg_cache_drop(st);
	else
		q->defer = true;
	return rc;
}

/* The cached answer of a person lookup: 1 found (in *out), 0 known
 * absent, -1 not known. */
static int pc_person(struct store *st, const char *id, int64_t rid, struct store_person *out)
{
	struct pg_cache *c = PG(st)->cache;
	if (!c)
		return -1;
	int64_t k = id ? pc_get(&c->person_ids, id, strlen(id))
		       : pc_get(&c->person_rids, &rid, sizeof rid);
	if (k == 0)
		return 0;
	if (k < 0 || c->stale[k - 1])
		return -1;
	*out = c->persons[k - 1];
	return 1;
}

/* The cached subject facts of rid (in a new array), or false. */
static bool pc_facts(struct store *st, int64_t rid, bool state_only, struct reg_fact **facts,
		     size_t *n, enum ds_rc *rc)
{
	struct pg_cache *c = PG(st)->cache;
	int64_t k = c ? pc_get(&c->person_rids, &rid, sizeof rid) : -1;
	if (k <= 0)
		return false;
	const struct pc_facts *f = &c->facts[k - 1];
	struct reg_fact *v = malloc((f->n + 1) * sizeof *v);
	*rc = v ? DS_OK : DS_ENOMEM;
	size_t m = 0;
	for (size_t i = 0; i < f->n && v; i++)
		if (!state_only || !reg_passive(f->v[i].type))
			v[m++] = f->v[i];
	*facts = v;
	*n = m;
	return true;
}

/* A person or household added: cached as the database now has it (a
 * person only when its household is cached), else forgotten. */
static enum ds_rc pc_added(struct store *st, const struct store_person *p,
			   const struct store_household *h)
{
	struct pg_cache *c = PG(st)->cache;
	if (!c)
		return DS_OK;
	if (h)
		return pc_add_household(c, h);
	pc_forget(&c->person_ids, p->rec.id, strlen(p->rec.id));
	if (p->rec.national_id[0] && pc_nid_written(c, p->rid, p->rec.national_id))
		return DS_ENOMEM;
	int64_t k = pc_get(&c->hh_rids, &p->hh, sizeof p->hh);
	if (k <= 0)
		return DS_OK;
	struct store_person row = *p;
	const struct store_household *home = &c->hhs[k - 1];
	snprintf(row.rec.household, sizeof row.rec.household, "%s", home->rec.id);
	snprintf(row.cur_household, sizeof row.cur_household, "%s", home->rec.id);
	snprintf(row.cur_area, sizeof row.cur_area, "%s", home->rec.area);
	return pc_add_person(c, &row) < 0 ? DS_ENOMEM : DS_OK;
}

/* An event added: its id is no longer absent, its subject has one more fact. */
static enum ds_rc pc_event_added(struct store *st, const struct store_event *ev)
{
	struct pg_cache *c = PG(st)->cache;
	if (!c)
		return DS_OK;
	pc_forget(&c->events, ev->id, 16);
	const struct reg_fact *f = &ev->fact;
	int64_t k = pc_get(&c->person_rids, &f->person, sizeof f->person);
	if (k <= 0 || f->type == EV_HOUSEHOLD_CHANGE || f->type == EV_VOID)
		return DS_OK;
	struct pc_facts *l = &c->facts[k - 1];
	if (facts_room(l))
		return DS_ENOMEM;
	size_t i = l->n;
	while (i > 0 && (l->v[i - 1].date > f->date ||
			 (l->v[i - 1].date == f->date && l->v[i - 1].seq > f->seq))) {
		l->v[i] = l->v[i - 1];
		i--;
	}
	l->v[i] = *f;
	l->v[i].voided = 0;
	l->n++;
	return DS_OK;
}

static enum ds_rc pg_household_get(struct store *st, const char *id, int64_t rid,
				   struct store_household *out)
{
	struct pg_cache *c = PG(st)->cache;
	int64_t k = !c ? -1 : id ? pc_get(&c->hh_ids, id, strlen(id)) : pc_get(&c->hh_rids, &rid, sizeof rid);
	if (k == 0)
		return DS_ENOTFOUND;
	if (k > 0) {
		*out = c->hhs[k - 1];
		return DS_OK;
	}
	char buf[24];
	const char *p[1] = {id ? id : I64(buf, rid)};
	enum ds_rc rc = flush_kind(st, STORE_HOUSEHOLDS);
	PGresult *r = rc ? NULL
		      : pg_run(st,
			       id ? "SELECT " HH_COLS "FROM household WHERE id = $1 AND (prov, rid) = "
				    "(SELECT prov, rid FROM household_key WHERE id = $1)"
				  : "SELECT " HH_COLS "FROM household WHERE rid = $1",
			       1, p, &rc);
	if (!r)
		return rc;
	rc = PQntuples(r) ? DS_OK : DS_ENOTFOUND;
	if (!rc)
		read_household(r, 0, out);
	PQclear(r);
	return rc;
}

static enum ds_rc pg_person_get(struct store *st, const char *id, int64_t rid,
				struct store_person *out)
{
	int known = pc_person(st, id, rid, out);
	if (known >= 0)
		return known ? DS_OK : DS_ENOTFOUND;
	char buf[24];
	const char *p[1] = {id ? id : I64(buf, rid)};
	enum ds_rc rc = flush_kind(st, STORE_PERSONS);
	PGresult *r = rc ? NULL
		      : pg_run(st,
			       id ? "SELECT " PERSON_COLS PERSON_FROM "WHERE (p.prov, p.rid) = "
				    "(SELECT prov, rid FROM person_key WHERE id = $1)"
				  : "SELECT " PERSON_COLS PERSON_FROM "WHERE p.rid = $1",
			       1, p, &rc);
	if (!r)
		return rc;
	rc = PQntuples(r) ? DS_OK : DS_ENOTFOUND;
	if (!rc)
		read_person(r, 0, out);
	PQclear(r);
	return rc;
}

static enum ds_rc pg_nid_owner(struct store *st, const char *nid, int64_t *rid)
{
	struct pg_cache *c = PG(st)->cache;
	int64_t k = c ? pc_nid_owner(c, nid) : -1;
	if (k == 0)
		return DS_ENOTFOUND;
	if (k > 0) {
		*rid = k;
		return DS_OK;
	}
	const char *p[1] = {nid};
	enum ds_rc rc = flush_kind(st, STORE_PERSONS);
	PGresult *r = rc ? NULL : pg_run(st, "SELECT rid FROM person_nid WHERE nid = $1", 1, p, &rc);
	if (!r)
		return rc;
	rc = PQntuples(r) ? DS_OK : DS_ENOTFOUND;
	if (!rc)
		*rid = pg_get_i64(r, 0, 0);
	PQclear(r);
	return rc;
}

static enum ds_rc nid_row(PGresult *r, int i, void *arg)
{
	struct pg_cb *c = arg;
	char nid[13];
	pg_get_str(r, i, 1, nid, sizeof nid);
	return ((enum ds_rc(*)(int64_t, const char *, void *))c->fn)(pg_get_i64(r, i, 0), nid, c->arg);
}

static enum ds_rc pg_each_nid(struct store *st, enum ds_rc (*fn)(int64_t, const char *, void *),
			      void *arg)
{
	struct pg_cb c = {(void *)fn, arg};
	enum ds_rc rc = flush_kind(st, STORE_PERSONS);
	return rc ? rc : pg_each(st, "SELECT rid, nid FROM person_nid", 0, NULL, nid_row, &c);
}

static enum ds_rc pg_count(struct store *st, enum store_kind kind, int64_t *n)
{
	static const char *const sql[] = {"SELECT count(*) FROM unit",
					  "SELECT count(*) FROM household_key",
					  "SELECT count(*) FROM person_key"};
	enum ds_rc rc = flush_kind(st, kind);
	PGresult *r = rc ? NULL : pg_run(st, sql[kind], 0, NULL, &rc);
	if (!r)
		return rc;
	*n = pg_get_i64(r, 0, 0);
	PQclear(r);
	return DS_OK;
}

/* ---- the log ---- */
static enum ds_rc one_event(struct store *st, const char *sql, const char *param,
			    struct store_event *out)
{
	struct pg *q = PG(st);
	const char *p[1] = {param};
	enum ds_rc rc;
	PGresult *r = pg_run(st, sql, 1, p, &rc);
	if (!r)
		return rc;
	if (!PQntuples(r)) {
		PQclear(r);
		return DS_ENOTFOUND;
	}
	/* The body is borrowed until the next event lookup. */
	PQclear(q->held);
	q->held = r;
	read_event(r, 0, out, true);
	return DS_OK;
}

static enum ds_rc pg_event_by_id(struct store *st, const uint8_t id[16], struct store_event *out)
{
	if (PG(st)->cache && pc_get(&PG(st)->cache->events, id, 16) == 1)
		return DS_ENOTFOUND;
	char hex[40];
	pg_bytea(id, 16, hex);
	return one_event(st,
			 "SELECT " EVENT_COLS ", body FROM event WHERE (prov, seq) = "
			 "(SELECT prov, seq FROM event_key WHERE uuid = $1::bytea)",
			 hex, out);
}

static enum ds_rc pg_event_by_seq(struct store *st, int64_t seq, struct store_event *out)
{
	char buf[24];
	return one_event(st, "SELECT " EVENT_COLS ", body FROM event WHERE seq = $1", I64(buf, seq),
			 out);
}

static enum ds_rc pg_next_seq(struct store *st, int64_t *seq)
{
	struct pg_cache *c = PG(st)->cache;
	if (c && c->seq_next < c->nseqs) {
		*seq = c->seqs[c->seq_next++];
		return DS_OK;
	}
	PGresult *r = PQexec(PG(st)->conn, "SELECT nextval('event_seq')");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		enum ds_rc rc = pg_err(st, "next seq", r);
		PQclear(r);
		return rc;
	}
	*seq = pg_get_i64(r, 0, 0);
	PQclear(r);
	return DS_OK;
}

static enum ds_rc pg_event_add(struct store *st, struct store_event *ev, const char *body)
{
	const struct reg_fact *f = &ev->fact;
	enum ds_rc rc = pg_flush_all(st);
	if (!rc)
		rc = pg_ensure_prov(st, ev->prov);
	if (rc)
		return rc;
	char prov[24], seq[24], uuid[40], type[24], date[24], person[24], hh[24], other[24], a[24],
		b[24], at[24];
	pg_bytea(ev->id, 16, uuid);
	const char *v[13] = {I64(prov, ev->prov), I64(seq, f->seq), uuid, I64(type, f->type),
			     I64(date, f->date), I64(person, f->person), I64(hh, f->hh),
			     I64(other, f->other), I64(a, f->a), I64(b, f->b),
			     I64(at, ev->recorded_at), ev->recorded_by, body};
	/* Deferred, the rows of a batch go in two set-based statements. */
	char hex[40];
	snprintf(hex, sizeof hex, "%s", uuid + 2);
	const char *k[3] = {uuid, prov, seq}, *kx[3] = {hex, prov, seq};
	rc = pg_rows_add(st, 0,
			 "INSERT INTO event_key (uuid, prov, seq) SELECT decode(u, 'hex'), p, s FROM "
			 "unnest($1::text[], $2::int[], $3::bigint[]) AS x(u, p, s)",
			 3, "INSERT INTO event_key (uuid, prov, seq) VALUES ($1::bytea, $2, $3)",
			 PG(st)->defer && PG(st)->in_tx ? kx : k);
	const char *vx[13];
	memcpy(vx, v, sizeof vx);
	vx[2] = hex;
	if (!rc)
		rc = pg_rows_add(st, 1,
				 "INSERT INTO event (prov, seq, uuid, type, date, person, hh, other, a, b, "
				 "recorded_at, recorded_by, body) SELECT p, s, decode(u, 'hex'), t, d, pe, h, "
				 "o, a, b, ra, rb, bo FROM unnest($1::int[], $2::bigint[], $3::text[], "
				 "$4::int[], $5::int[], $6::bigint[], $7::bigint[], $8::bigint[], $9::int[], "
				 "$10::int[], $11::bigint[], $12::text[], $13::text[]) "
				 "AS x(p, s, u, t, d, pe, h, o, a, b, ra, rb, bo)",
				 13,
				 "INSERT INTO event (prov, seq, uuid, type, date, person, hh, other, a, b, "
				 "recorded_at, recorded_by, body) VALUES ($1, $2, $3::bytea, $4, $5, $6, $7, "
				 "$8, $9, $10, $11, $12, $13)",
				 PG(st)->defer && PG(st)->in_tx ? vx : v);
	if (!rc)
		rc = pc_event_added(st, ev);
	if (!rc)
		PG(st)->wrote_log = true;
	return rc;
}

static enum ds_rc pg_event_void(struct store *st, int64_t target_seq, int64_t void_seq)
{
	char t[24], v[24];
	const char *p[2] = {I64(t, target_seq), I64(v, void_seq)};
	enum ds_rc rc;
	PGresult *r = pg_run(st, "UPDATE event SET voided_by = $2 WHERE seq = $1 AND voided_by = 0", 2, p,
			     &rc);
	if (r) {
		if (pg_affected(r) != 1)
			rc = DS_ECONFLICT;
		PQclear(r);
	}
	struct pg_cache *c = PG(st)->cache;
	for (size_t i = 0; c && !rc && i < c->npersons; i++)
		for (size_t j = 0; j < c->facts[i].n; j++)
			if (c->facts[i].v[j].seq == target_seq)
				c->facts[i].v[j].voided = 1;
	return rc;
}

static enum ds_rc pg_person_current(struct store *st, const struct store_person *p)
{
	char key[REG_NAME_BYTES], rid[24], hh[24], ex[24];
	store_fold_name(p->cur_name, key);
	I64(rid, p->rid);
	const char *v[7] = {rid, I64(hh, p->cur_hh), pg_nullable_day(ex, sizeof ex, p->exit, DAY_MAX),
			    strcmp(p->cur_name, p->rec.full_name) ? p->cur_name : NULL, key,
			    p->cur_nid[0] ? p->cur_nid : NULL, txt_last_word(key)};
	struct pg_cache *c = PG(st)->cache;
	int64_t k = c ? pc_get(&c->person_rids, &p->rid, sizeof p->rid) : -1;
	/* The cached row tells whether the national id changes; it takes the
	 * new facts when the household's row is known too. */
	bool same_nid = k > 0 && !c->stale[k - 1] && !strcmp(c->persons[k - 1].cur_nid, p->cur_nid);
	if (c && !same_nid && pc_nid_written(c, p->rid, p->cur_nid))
		return DS_ENOMEM;
	if (k > 0 && !c->stale[k - 1]) {
		struct store_person *row = &c->persons[k - 1];
		int64_t h = row->cur_hh == p->cur_hh ? 0 : pc_get(&c->hh_rids, &p->cur_hh, sizeof p->cur_hh);
		if (h < 0) {
			c->stale[k - 1] = true;
		} else {
			if (h > 0) {
				snprintf(row->cur_household, sizeof row->cur_household, "%s", c->hhs[h - 1].rec.id);
				snprintf(row->cur_area, sizeof row->cur_area, "%s", c->hhs[h - 1].rec.area);
			}
			row->cur_hh = p->cur_hh;
			row->exit = p->exit;
			snprintf(row->cur_name, sizeof row->cur_name, "%s", p->cur_name);
			snprintf(row->cur_nid, sizeof row->cur_nid, "%s", p->cur_nid);
		}
	}
	/* The national id's owner table follows the current id. */
	const char *d[1] = {rid};
	enum ds_rc rc = same_nid ? DS_OK : pg_run_later(st, "DELETE FROM person_nid WHERE rid = $1", 1, d);
	if (!rc && !same_nid && p->cur_nid[0]) {
		const char *n[2] = {p->cur_nid, rid};
		rc = pg_run_later(st, "INSERT INTO person_nid (nid, rid) VALUES ($1, $2)", 2, n);
	}
	if (!rc)
		rc = pg_rows_update(st, 4, p->rid,
				    "UPDATE person p SET cur_hh = u.h, exit_day = u.x, cur_name = u.n, "
				    "cur_key = u.k, nid = u.d, given_key = u.g FROM unnest($1::bigint[], "
				    "$2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[]) "
				    "AS u(rid, h, x, n, k, d, g) WHERE p.rid = u.rid",
				    7,
				    "UPDATE person SET cur_hh = $2, exit_day = $3, cur_name = $4, cur_key = $5, "
				    "nid = $6, given_key = $7 WHERE rid = $1",
				    v);
	return rc;
}

static enum ds_rc pg_person_facts(struct store *st, int64_t rid, bool state_only,
				  struct reg_fact **facts, size_t *n)
{
	char buf[24];
	const char *p[1] = {I64(buf, rid)};
	enum ds_rc rc;
	if (pc_facts(st, rid, state_only, facts, n, &rc))
		return rc;
	/* Without the passive types (reg_passive: 2, 13, 14, 15), named one by
	 * one: seeks in event(person, type), not a walk past every check. */
	PGresult *r = pg_run(st,
			     state_only ? "SELECT " EVENT_COLS " FROM event WHERE person = $1 "
					  "AND type IN (1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 18) ORDER BY date, seq"
					: "SELECT " EVENT_COLS " FROM event WHERE person = $1 "
					  "AND type NOT IN (16, 17) ORDER BY date, seq",
			     1, p, &rc);
	if (!r)
		return rc;
	int rows = PQntuples(r);
	struct reg_fact *v = malloc(((size_t)rows + 1) * sizeof *v);
	if (!v) {
		PQclear(r);
		return DS_ENOMEM;
	}
	for (int i = 0; i < rows; i++) {
		struct store_event e;
		read_event(r, i, &e, false);
		v[i] = e.fact;
	}
	PQclear(r);
	*facts = v;
	*n = (size_t)rows;
	return DS_OK;
}

static int64_t pg_last_seq(struct store *st)
{
	return pg_one_i64(st, "SELECT coalesce(max(seq), 0) FROM event");
}

static enum ds_rc unit_row(PGresult *r, int i, void *arg)
{
	struct pg_cb *c = arg;
	struct reg_unit u;
	reg_unit_init(&u);
	pg_get_str(r, i, 0, u.code, sizeof u.code);
	pg_get_str(r, i, 1, u.name, sizeof u.name);
	u.level = (enum reg_level)pg_get_i64(r, i, 2);
	pg_get_str(r, i, 3, u.parent, sizeof u.parent);
	u.valid_from = pg_get_day(r, i, 4, DAY_NONE);
	u.valid_to = pg_get_day(r, i, 5, DAY_MAX);
	return ((enum ds_rc(*)(const struct reg_unit *, void *))c->fn)(&u, c->arg);
}

static enum ds_rc pg_each_unit(struct store *st, enum ds_rc (*fn)(const struct reg_unit *, void *),
			       void *arg)
{
	struct pg_cb c = {(void *)fn, arg};
	return pg_each(st, "SELECT code, name, level, parent, valid_from, valid_to FROM unit ORDER BY rid",
		       0, NULL, unit_row, &c);
}

static enum ds_rc household_row(PGresult *r, int i, void *arg)
{
	struct pg_cb *c = arg;
	struct store_household h;
	read_household(r, i, &h);
	return ((enum ds_rc(*)(const struct store_household *, void *))c->fn)(&h, c->arg);
}

static enum ds_rc pg_each_household(struct store *st, bool baseline_only,
				    enum ds_rc (*fn)(const struct store_household *, void *),
				    void *arg)
{
	struct pg_cb c = {(void *)fn, arg};
	return pg_each(st,
		       baseline_only ? "SELECT " HH_COLS "FROM household WHERE baseline <> 0 ORDER BY rid"
				     : "SELECT " HH_COLS "FROM household ORDER BY rid",
		       0, NULL, household_row, &c);
}

static enum ds_rc person_row(PGresult *r, int i, void *arg)
{
	struct pg_cb *c = arg;
	struct store_person p;
	read_person(r, i, &p);
	return ((enum ds_rc(*)(const struct store_person *, void *))c->fn)(&p, c->arg);
}

static enum ds_rc pg_each_person(struct store *st, bool baseline_only,
				 enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	struct pg_cb c = {(void *)fn, arg};
	return pg_each(st,
		       baseline_only
			       ? "SELECT " PERSON_COLS PERSON_FROM "WHERE p.baseline <> 0 ORDER BY p.rid"
			       : "SELECT " PERSON_COLS PERSON_FROM "ORDER BY p.rid",
		       0, NULL, person_row, &c);
}

static const char *get_str(PGresult *r, int i, int col)
{
	return PQgetisnull(r, i, col) ? "" : PQgetvalue(r, i, col);
}

static enum ds_rc present_row(PGresult *r, int i, void *arg)
{
	struct pg_cb *c = arg;
	struct store_person_now p = {.rid = pg_get_i64(r, i, 0),
				     .id = get_str(r, i, 1),
				     .name = get_str(r, i, 2),
				     .key = get_str(r, i, 3),
				     .nid = get_str(r, i, 4),
				     .area = get_str(r, i, 5),
				     .birth = (int32_t)pg_get_i64(r, i, 6),
				     .sex = (uint8_t)pg_get_i64(r, i, 7),
				     .birth_prec = (uint8_t)pg_get_i64(r, i, 8),
				     .residence = (uint8_t)pg_get_i64(r, i, 9)};
	return ((enum ds_rc(*)(const struct store_person_now *, void *))c->fn)(&p, c->arg);
}

static enum ds_rc pg_each_present(struct store *st, enum ds_rc (*fn)(const struct store_person_now *, void *),
				  void *arg)
{
	struct pg_cb c = {(void *)fn, arg};
	return pg_each(st,
		       "SELECT p.rid, p.id, COALESCE(p.cur_name, p.full_name), p.cur_key, p.nid, ch.area, p.birth, p.sex, "
		       "p.birth_prec, p.residence FROM person p JOIN household ch ON ch.rid = p.cur_hh "
		       "WHERE p.exit_day IS NULL ORDER BY p.rid",
		       0, NULL, present_row, &c);
}

static enum ds_rc person_lite_row(PGresult *r, int i, void *arg)
{
	struct pg_cb *c = arg;
	struct store_person_lite p = {
		.rid = pg_get_i64(r, i, 0),
		.hh = pg_get_i64(r, i, 1),
		.entry_seq = pg_get_i64(r, i, 2),
		.birth = (int32_t)pg_get_i64(r, i, 3),
		.entry = (int32_t)pg_get_i64(r, i, 4),
		.sex = (uint8_t)pg_get_i64(r, i, 5),
		.marital = (uint8_t)pg_get_i64(r, i, 6),
		.residence = (uint8_t)pg_get_i64(r, i, 7),
		.fp_method = (uint8_t)pg_get_i64(r, i, 8),
		.relation = (uint8_t)pg_get_i64(r, i, 9),
	};
	return ((enum ds_rc(*)(const struct store_person_lite *, void *))c->fn)(&p, c->arg);
}

static enum ds_rc pg_each_person_lite(struct store *st,
				      enum ds_rc (*fn)(const struct store_person_lite *, void *),
				      void *arg)
{
	struct pg_cb c = {(void *)fn, arg};
	return pg_each(st,
		       "SELECT rid, hh, entry_seq, birth, entry, sex, marital, residence, fp_method, relation "
		       "FROM person ORDER BY rid",
		       0, NULL, person_lite_row, &c);
}

static enum ds_rc household_lite_row(PGresult *r, int i, void *arg)
{
	struct pg_cb *c = arg;
	struct store_household_lite h = {.rid = pg_get_i64(r, i, 0),
					 .entry = (int32_t)pg_get_i64(r, i, 2),
					 .type = (uint8_t)pg_get_i64(r, i, 3),
					 .poverty = (uint8_t)pg_get_i64(r, i, 4)};
	pg_get_str(r, i, 1, h.area, sizeof h.area);
	return ((enum ds_rc(*)(const struct store_household_lite *, void *))c->fn)(&h, c->arg);
}

static enum ds_rc pg_each_household_lite(struct store *st,
					 enum ds_rc (*fn)(const struct store_household_lite *, void *),
					 void *arg)
{
	struct pg_cb c = {(void *)fn, arg};
	return pg_each(st, "SELECT rid, area, entry, type, poverty FROM household ORDER BY rid", 0, NULL,
		       household_lite_row, &c);
}

struct ev_cb {
	enum ds_rc (*fn)(const struct store_event *, void *);
	void *arg;
	bool body;
};

static enum ds_rc event_row(PGresult *r, int i, void *arg)
{
	struct ev_cb *c = arg;
	struct store_event e;
	read_event(r, i, &e, c->body);
	return c->fn(&e, c->arg);
}

static enum ds_rc pg_each_event(struct store *st, int64_t after, bool want_body,
				enum ds_rc (*fn)(const struct store_event *, void *), void *arg)
{
	struct ev_cb c = {fn, arg, want_body};
	char buf[24];
	const char *p[1] = {I64(buf, after)};
	return pg_each(st,
		       want_body ? "SELECT " EVENT_COLS ", body FROM event WHERE seq > $1 ORDER BY seq"
				 : "SELECT " EVENT_COLS " FROM event WHERE seq > $1 ORDER BY seq",
		       1, p, event_row, &c);
}

static enum ds_rc pg_events_about(struct store *st, int64_t person, int64_t hh,
				  enum ds_rc (*fn)(const struct store_event *, void *), void *arg)
{
	struct ev_cb c = {fn, arg, true};
	char a[24], b[24];
	const char *p[2] = {I64(a, person), I64(b, hh)};
	return pg_each(st,
		       "SELECT " EVENT_COLS ", body FROM event WHERE person = $1 AND $1 <> 0 "
		       "UNION SELECT " EVENT_COLS ", body FROM event WHERE other = $1 AND other <> 0 AND $1 <> 0 "
		       "AND type IN (1, 7, 18) "
		       "UNION SELECT " EVENT_COLS ", body FROM event WHERE hh = $2 AND $2 <> 0 "
		       "AND " STORE_NOT_PASSIVE " "
		       "UNION SELECT " EVENT_COLS ", body FROM event WHERE other = $2 AND other <> 0 AND $2 <> 0 "
		       "AND type = 6 "
		       "ORDER BY 1",
		       2, p, event_row, &c);
}

static enum ds_rc pg_baselines(struct store *st, struct store_baseline *out, size_t max, size_t *n)
{
	enum ds_rc rc;
	PGresult *r = pg_run(st, "SELECT id, as_of, imported_at FROM baseline ORDER BY id", 0, NULL, &rc);
	if (!r)
		return rc;
	*n = 0;
	for (int i = 0; i < PQntuples(r) && *n < max; i++) {
		out[*n].id = pg_get_i64(r, i, 0);
		out[*n].as_of = (int32_t)pg_get_i64(r, i, 1);
		out[*n].imported_at = pg_get_i64(r, i, 2);
		(*n)++;
	}
	PQclear(r);
	return DS_OK;
}

/* A name search's WHERE (see pg_find), for the listing and the count. */
#define FIND_WHERE                                                                               \
	"WHERE ((p.cur_key ~>=~ $1 AND p.cur_key ~<~ $2) OR ($5::boolean AND "                      \
	"p.given_key = $1 AND $6 <> '')) AND ($3::int = 0 OR (p.birth >= $7::int AND "              \
	"p.birth <= $8::int)) AND ($10::json IS NULL OR ch.area IN "                                \
	"(SELECT json_array_elements_text($10::json))) "

/* The count(*) of a query's single row into *n. */
static enum ds_rc pg_count_of(struct store *st, const char *sql, int np, const char *const *p, size_t *n)
{
	enum ds_rc rc;
	PGresult *r = pg_run(st, sql, np, p, &rc);
	if (!r)
		return rc;
	*n = PQntuples(r) == 1 ? (size_t)pg_get_i64(r, 0, 0) : 0;
	PQclear(r);
	return DS_OK;
}

static enum ds_rc pg_find_count(struct store *st, const char *key, int year, const char *areas, size_t max,
				size_t *n)
{
	char hi[REG_NAME_BYTES + 8], word[REG_NAME_BYTES + 4], y[24], from[24], to[24], lim[24];
	snprintf(hi, sizeof hi, "%s\xf4\x8f\xbf\xbf", key);
	snprintf(word, sizeof word, "%% %s", key);
	bool one_word = strchr(key, ' ') == NULL;
	const char *p[10] = {key, hi, I64(y, year), I64(lim, (int64_t)max), one_word ? "t" : "f",
			     word, I64(from, year ? day_from_ymd(year, 1, 1) : 0),
			     I64(to, year ? day_from_ymd(year, 12, 31) : 0), "0", areas};
	return pg_count_of(st,
			   "SELECT count(*) FROM (SELECT 1 FROM person p JOIN household ch ON ch.rid = "
			   "p.cur_hh " FIND_WHERE "AND $9::bigint = 0 LIMIT $4) x",
			   10, p, n);
}

static enum ds_rc pg_households_count(struct store *st, const char *areas, const char *number, size_t max,
				      size_t *n)
{
	char lim[24];
	const char *p[3] = {areas, number, I64(lim, (int64_t)max)};
	enum ds_rc rc = pg_flush_all(st);
	return rc ? rc
		  : pg_count_of(st,
				"SELECT count(*) FROM (SELECT 1 FROM household WHERE ($1::json IS NULL OR "
				"area IN (SELECT json_array_elements_text($1::json))) AND ($2::text IS NULL "
				"OR number = $2) LIMIT $3) x",
				3, p, n);
}

/* Each person row of a search's result to fn, then the result cleared
 * (r NULL: the query failed with rc). */
static enum ds_rc find_rows(PGresult *r, enum ds_rc rc, enum ds_rc (*fn)(const struct store_person *, void *),
			    void *arg)
{
	if (!r)
		return rc;
	for (int i = 0; i < PQntuples(r) && !rc; i++) {
		struct store_person sp;
		read_person(r, i, &sp);
		rc = fn(&sp, arg);
	}
	PQclear(r);
	return rc;
}

static enum ds_rc pg_find(struct store *st, const char *key, int year, const char *areas,
			  size_t offset, size_t limit,
			  enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	char hi[REG_NAME_BYTES + 8], word[REG_NAME_BYTES + 4], y[24], from[24], to[24], lim[24], off[24];
	snprintf(hi, sizeof hi, "%s\xf4\x8f\xbf\xbf", key);
	snprintf(word, sizeof word, "%% %s", key);
	bool one_word = strchr(key, ' ') == NULL;
	const char *p[10] = {key, hi, I64(y, year), I64(lim, (int64_t)limit), one_word ? "t" : "f",
			     word, I64(from, year ? day_from_ymd(year, 1, 1) : 0),
			     I64(to, year ? day_from_ymd(year, 12, 31) : 0), I64(off, (int64_t)offset),
			     areas};
	enum ds_rc rc;
	/* The prefix range compares bytes (~>=~, ~<~), as the upper bound
	 * assumes whatever the database's collation; those operators are
	 * what the text_pattern_ops index serves, also in the generic plan of
	 * a prepared statement (with >= and < it was a scan of every person). */
	PGresult *r = pg_run(st,
			     "SELECT " PERSON_COLS PERSON_FROM FIND_WHERE
			     "ORDER BY p.cur_key COLLATE \"C\", p.rid LIMIT $4 OFFSET $9",
			     10, p, &rc);
	return find_rows(r, rc, fn, arg);
}

static enum ds_rc pg_find_given(struct store *st, const char *keys, int year, const char *areas,
				size_t limit, enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	char from[24], to[24], lim[24];
	const char *p[5] = {keys, I64(from, day_from_ymd(year, 1, 1)), I64(to, day_from_ymd(year, 12, 31)),
			    areas, I64(lim, (int64_t)limit)};
	enum ds_rc rc;
	PGresult *r = pg_run(st,
			     /* The commune's persons found through the given-name index
			      * and their households first; only theirs are read whole. */
			     "SELECT " PERSON_COLS PERSON_FROM
			     "WHERE p.rid IN (SELECT q.rid FROM person q JOIN household qh ON qh.rid = q.cur_hh "
			     "WHERE q.given_key IN (SELECT json_array_elements_text($1::json)) AND "
			     "q.birth >= $2::int AND q.birth <= $3::int AND qh.area IN "
			     "(SELECT json_array_elements_text($4::json))) ORDER BY p.rid LIMIT $5",
			     5, p, &rc);
	return find_rows(r, rc, fn, arg);
}

static enum ds_rc pg_households_in(struct store *st, const char *areas, const char *number,
				   size_t offset, size_t limit,
				   enum ds_rc (*fn)(const struct store_household *, void *), void *arg)
{
	char lim[24], off[24];
	const char *p[4] = {areas, number, I64(lim, (int64_t)limit), I64(off, (int64_t)offset)};
	enum ds_rc rc = pg_flush_all(st);
	PGresult *r = rc ? NULL
		      : pg_run(st,
			       "SELECT " HH_COLS "FROM household WHERE ($1::json IS NULL OR area IN "
			       "(SELECT json_array_elements_text($1::json))) AND ($2::text IS NULL OR "
			       "number = $2) ORDER BY area, (substring(number from '^[0-9]+'))::bigint, "
			       "number LIMIT $3 OFFSET $4",
			       4, p, &rc);
	if (!r)
		return rc;
	for (int i = 0; i < PQntuples(r) && !rc; i++) {
		struct store_household h;
		read_household(r, i, &h);
		rc = fn(&h, arg);
	}
	PQclear(r);
	return rc;
}

static enum ds_rc pg_members(struct store *st, int64_t hh,
			     enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	struct pg_cb c = {(void *)fn, arg};
	char buf[24];
	const char *p[1] = {I64(buf, hh)};
	return pg_each(st, "SELECT " PERSON_COLS PERSON_FROM "WHERE p.cur_hh = $1 ORDER BY p.rid", 1, p,
		       person_row, &c);
}

const struct store_reg_ops pg_reg = {
	.prefetch = pg_prefetch,
	.bulk_begin = pg_bulk_begin,
	.bulk_end = pg_bulk_end,
	.unit_add = pg_unit_add,
	.unit_close = pg_unit_close,
	.household_add = pg_household_add,
	.person_add = pg_person_add,
	.persons_add = pg_persons_add,
	.baseline_add = pg_baseline_add,
	.household_get = pg_household_get,
	.person_get = pg_person_get,
	.nid_owner = pg_nid_owner,
	.each_nid = pg_each_nid,
	.count = pg_count,
	.person_current = pg_person_current,
	.event_by_id = pg_event_by_id,
	.event_by_seq = pg_event_by_seq,
	.next_seq = pg_next_seq,
	.event_add = pg_event_add,
	.event_void = pg_event_void,
	.person_facts = pg_person_facts,
	.last_seq = pg_last_seq,
	.each_unit = pg_each_unit,
	.each_household = pg_each_household,
	.each_person = pg_each_person,
	.each_person_lite = pg_each_person_lite,
	.each_present = pg_each_present,
	.each_household_lite = pg_each_household_lite,
	.each_event = pg_each_event,
	.events_about = pg_events_about,
	.baselines = pg_baselines,
	.find = pg_find,
	.households_in = pg_households_in,
	.find_count = pg_find_count,
	.find_given = pg_find_given,
	.households_count = pg_households_count,
	.members = pg_members,
};
