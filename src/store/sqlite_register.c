/*
 * The SQLite backend's register (register.h): units, baselines, households,
 * persons, the event log and the queries over them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/text.h"
#include "store/sqlite_int.h"

/* A person's columns, read by read_person, with the entry household's id
 * as given (h.id, or '' where it is not joined: store_subject_get). */
#define PERSON_COLS_WITH(entry_hh_id)                                                     \
	"p.rid, p.id, p.prov, p.hh, " entry_hh_id ", p.full_name, p.sex, p.birth, "       \
	"p.birth_prec, p.relation, p.ethnicity, p.education, p.marital, p.residence, "    \
	"p.insurance_no, p.national_id, p.fp_method, p.fp_since, p.entry, p.entry_seq, "  \
	"p.baseline, p.cur_hh, p.exit_day, p.cur_name, p.nid, ch.id, ch.area "
#define PERSON_COLS PERSON_COLS_WITH("h.id")
#define PERSON_FROM                                                                       \
	" FROM person p JOIN household h ON h.rid = p.hh "                                \
	"JOIN household ch ON ch.rid = p.cur_hh "
#define HH_COLS "rid, id, prov, area, number, address, type, poverty, entry, entry_seq, baseline "
#define EVENT_COLS                                                                        \
	"seq, uuid, type, date, person, hh, other, a, b, voided_by, recorded_at, recorded_by, body "

_Static_assert(EV_BIRTH == 1 && EV_MARRIAGE == 7 && EV_HOUSEHOLD_CHANGE == 16 && EV_VOID == 17 &&
		       EV_MERGE == 18 && EV_TYPE_COUNT == 19,
	       "event type numbers are written into the SQL below");

/* Statements cached by sq_stmt. */
static const char sql_unit_add[] =
	"INSERT INTO unit(code, name, level, parent, valid_from, valid_to) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
/* One household or person, or a bulk load's batch of them, from
 * sqlite_rows.c's table (household_column, person_column below); SQLite
 * gives the record numbers. */
static const char sql_hh_add[] =
	"INSERT INTO household(id, prov, area, number, address, type, poverty, entry, entry_seq,"
	" baseline) SELECT c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 FROM danso_rows";
static const char sql_person_add[] =
	"INSERT INTO person(id, prov, hh, full_name, sex, birth, birth_prec, relation, ethnicity,"
	" education, marital, residence, insurance_no, national_id, fp_method, fp_since, entry, entry_seq,"
	" baseline, cur_hh, cur_key, nid, given_key) SELECT c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10,"
	" c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22 FROM danso_rows";
static const char sql_baseline_add[] =
	"INSERT INTO baseline(as_of, imported_at) VALUES (?1, ?2)";
static const char sql_hh_by_id[] =
	"SELECT " HH_COLS "FROM household WHERE id = ?1";
static const char sql_hh_by_rid[] =
	"SELECT " HH_COLS "FROM household WHERE rid = ?1";
static const char sql_person_by_id[] =
	"SELECT " PERSON_COLS PERSON_FROM "WHERE p.id = ?1";
static const char sql_person_by_rid[] =
	"SELECT " PERSON_COLS PERSON_FROM "WHERE p.rid = ?1";
/* Without the entry household's id (store_subject_get). */
static const char sql_subject_by_id[] =
	"SELECT " PERSON_COLS_WITH("''") " FROM person p "
	"JOIN household ch ON ch.rid = p.cur_hh WHERE p.id = ?1";
static const char sql_nid_owner[] =
	"SELECT rid FROM person_by_nid WHERE nid = ?1";
static const char sql_event_by_id[] =
	"SELECT " EVENT_COLS "FROM event WHERE uuid = ?1";
static const char sql_event_by_seq[] =
	"SELECT " EVENT_COLS "FROM event WHERE seq = ?1";
static const char sql_event_add[] =
	"INSERT INTO event(uuid, prov, type, date, person, hh, other, a, b, "
	"recorded_at, recorded_by, body, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	"?10, ?11, ?12, ?13)";
static const char sql_event_void[] =
	"UPDATE event SET voided_by = ?2 WHERE seq = ?1 AND voided_by = 0";
static const char sql_person_current[] =
	"UPDATE person SET cur_hh = ?2, exit_day = ?3, cur_name = ?4, "
	"cur_key = ?5, nid = ?6, given_key = ?7 WHERE rid = ?1";
/* The index event(person, type) holds no passive event (schema_v11): every
 * query through it repeats STORE_NOT_PASSIVE, as SQLite uses a partial
 * index only so.  The passive ones up to the marks are in event_passive,
 * those after them in the connection's map (sqlite_passive.c).  The facts
 * are put in (date, seq) order in C (sq_person_facts): the handful of a
 * person's facts sorted by qsort, where "ORDER BY date, seq" opened
 * SQLite's sorter for every event recorded. */
static const char sql_person_facts[] =
	"SELECT " FACT_COLS "FROM event WHERE person = ?1 AND type NOT IN (16, 17) AND "
	STORE_NOT_PASSIVE " "
	"UNION ALL SELECT " FACT_COLS "FROM event WHERE seq IN "
	"(SELECT seq FROM event_passive WHERE person = ?1)";
/* Without the passive types (reg_passive: 2, 13, 14, 15): two ranges of
 * event(person, type), where "NOT IN" walked past every check and screening
 * the person ever had (11 times slower for a person with 260 checks), and
 * one seek a type cost twelve descents. */
static const char sql_person_state_facts[] =
	"SELECT " FACT_COLS "FROM event WHERE person = ?1 AND type BETWEEN 1 AND 12 AND type <> 2 "
	"AND " STORE_NOT_PASSIVE " "
	"UNION ALL SELECT " FACT_COLS "FROM event WHERE person = ?1 AND type = 18 AND " STORE_NOT_PASSIVE;

static const char sql_next_person[] =
	"SELECT coalesce(max(rid), 0) + 1 FROM person";
static const char sql_next_household[] =
	"SELECT coalesce(max(rid), 0) + 1 FROM household";
static const char sql_last_seq[] =
	"SELECT coalesce(max(seq), 0) FROM event";

static enum ds_rc sq_unit_add(struct store *st, const struct reg_unit *u)
{
	sqlite3_stmt *s = sq_stmt(st, sql_unit_add);
	if (!s)
		return DS_EDB;
	sq_bind_text(s, 1, u->code);
	sq_bind_text(s, 2, u->name);
	sqlite3_bind_int(s, 3, u->level);
	sq_bind_text(s, 4, u->parent);
	sq_bind_day(s, 5, u->valid_from, DAY_NONE);
	sq_bind_day(s, 6, u->valid_to, DAY_MAX);
	return sq_step_done(st, s, "unit");
}

static enum ds_rc sq_unit_close(struct store *st, const struct reg_unit *u, int32_t valid_to)
{
	sqlite3_stmt *s = sq_stmt(st, "UPDATE unit SET valid_to = ?3 WHERE code = ?1"
				      " AND valid_from IS ?2 AND valid_to IS NULL");
	if (!s)
		return DS_EDB;
	sq_bind_text(s, 1, u->code);
	sq_bind_day(s, 2, u->valid_from, DAY_NONE);
	sq_bind_day(s, 3, valid_to, DAY_MAX);
	enum ds_rc rc = sq_step_done(st, s, "unit");
	return !rc && sqlite3_changes(SQ(st)->db) != 1 ? DS_ENOTFOUND : rc;
}

/* A household's values, in sql_hh_add's order. */
static void household_column(const struct sq_rows *src, const void *row, int col, sqlite3_context *c)
{
	(void)src;
	const struct store_household *h = row;
	switch (col) {
	case 0: sqlite3_result_text(c, h->rec.id, -1, SQLITE_STATIC); break;
	case 1: sqlite3_result_int(c, h->prov); break;
	case 2: sqlite3_result_text(c, h->rec.area, -1, SQLITE_STATIC); break;
	case 3: sqlite3_result_text(c, h->rec.number, -1, SQLITE_STATIC); break;
	case 4: sqlite3_result_text(c, h->rec.address, -1, SQLITE_STATIC); break;
	case 5: sqlite3_result_int(c, h->rec.type); break;
	case 6: sqlite3_result_int(c, h->rec.poverty); break;
	case 7: sqlite3_result_int(c, h->entry); break;
	case 8: sqlite3_result_int64(c, h->entry_seq); break;
	case 9: sqlite3_result_int64(c, h->baseline); break;
	default: sqlite3_result_null(c);
	}
}

/* A new person's values, in sql_person_add's order (the texts measured by
 * store_new_person_prepare). */
static void person_column(const struct sq_rows *src, const void *row, int col, sqlite3_context *c)
{
	(void)src;
	const struct store_new_person *np = row;
	const struct store_person *p = &np->p;
	const struct reg_person *r = &p->rec;
	const struct store_lengths *l = &np->len;
	switch (col) {
	case 0: sqlite3_result_text(c, r->id, l->id, SQLITE_STATIC); break;
	case 1: sqlite3_result_int(c, p->prov); break;
	case 2: sqlite3_result_int64(c, p->hh); break;
	case 3: sqlite3_result_text(c, r->full_name, l->full_name, SQLITE_STATIC); break;
	case 4: sqlite3_result_int(c, r->sex); break;
	case 5: sqlite3_result_int(c, r->birth); break;
	case 6: sqlite3_result_int(c, r->birth_prec); break;
	case 7: sqlite3_result_int(c, r->relation); break;
	case 8: sqlite3_result_text(c, r->ethnicity, l->ethnicity, SQLITE_STATIC); break;
	case 9: sqlite3_result_int(c, r->education); break;
	case 10: sqlite3_result_int(c, r->marital); break;
	case 11: sqlite3_result_int(c, r->residence); break;
	case 12: sq_result_text_or_null(c, r->insurance_no, l->insurance_no); break;
	case 13: sq_result_text_or_null(c, r->national_id, l->national_id); break;
	case 14: sqlite3_result_int(c, r->fp_method); break;
	case 15:
		if (r->fp_since == DAY_NONE)
			sqlite3_result_null(c);
		else
			sqlite3_result_int(c, r->fp_since);
		break;
	case 16: sqlite3_result_int(c, p->entry); break;
	case 17: sqlite3_result_int64(c, p->entry_seq); break;
	case 18: sqlite3_result_int64(c, p->baseline); break;
	case 19: sqlite3_result_int64(c, p->hh); break;
	case 20: sqlite3_result_text(c, np->key, l->key, SQLITE_STATIC); break;
	case 21: sq_result_text_or_null(c, r->national_id, l->national_id); break;
	case 22: sqlite3_result_text(c, np->key + l->key - l->given, l->given, SQLITE_STATIC); break;
	default: sqlite3_result_null(c);
	}
}

static enum ds_rc bulk_household_add(struct store *st, struct store_household *h);

/* rc of the insert of one row, which must have added it (the rid read
 * after it would otherwise be an older row's). */
static enum ds_rc one_added(struct store *st, enum ds_rc rc, const char *what)
{
	if (!rc && sqlite3_changes(SQ(st)->db) != 1) {
		store_seterr(st, "sqlite: %s: no row added", what);
		rc = DS_EDB;
	}
	return rc;
}

static enum ds_rc sq_household_add(struct store *st, struct store_household *h)
{
	if (SQ(st)->bulk)
		return bulk_household_add(st, h);
	sqlite3_stmt *s = sq_stmt(st, sql_hh_add);
	if (!s)
		return DS_EDB;
	struct sq_rows src;
	sq_rows_of(&src, h, 1, sizeof *h, household_column);
	enum ds_rc rc = one_added(st, sq_rows_done(st, s, &src, "household"), "household");
	if (!rc)
		h->rid = sqlite3_last_insert_rowid(SQ(st)->db);
	return rc;
}

/* ---- households and persons loaded in bulk ----
 *
 * The rows of a load go to SQLite in batches (sqlite_rows.c), their record
 * numbers known here before SQLite gives them (one after the other from
 * the highest plus one, checked after each batch); nothing reads this
 * load's rows before
 * bulk_end (the loader finds its own ids in its maps, and asks the store
 * only about rows stored before).  The loader has checked every uniqueness
 * before, so a refusal here is no single row's: it fails the load.  The
 * same into a table that has rows (a district's baseline added to a
 * province's register): the search tables then take the sorted keys
 * between theirs. */
#define BULK_HOUSEHOLDS 256

struct sq_bulk {
	size_t n; /* households held */
	int64_t next_rid;
	struct store_household household[BULK_HOUSEHOLDS];
};

static void bulk_rows_free(struct sq *q)
{
	free(q->bulk);
	q->bulk = NULL;
}

void sq_bulk_free(struct sq *q)
{
	bulk_rows_free(q);
	sq_search_free(q);
}

/* Inserts the rows of src with the statement of one (which leaves the
 * record number to SQLite, the highest plus one: what the rows were given,
 * one after the other, so that the last must be `last`).  Giving SQLite the
 * number instead makes it seek the table's B-tree for it, a thousand
 * instructions a row; its own number goes to the end of the last page. */
static enum ds_rc bulk_insert(struct store *st, sqlite3_stmt *s, struct sq_rows *src, int64_t last,
			      const char *what)
{
	/* A refusal fails the load (DS_EDB), whatever its cause: no one row's. */
	enum ds_rc rc = sq_rows_insert(SQ(st), s, src) == SQLITE_DONE ? DS_OK : sq_err(st, what);
	if (!rc && sqlite3_last_insert_rowid(SQ(st)->db) != last) {
		store_seterr(st, "sqlite: %s: record numbers out of step (%lld, not %lld)", what,
			     (long long)sqlite3_last_insert_rowid(SQ(st)->db), (long long)last);
		rc = DS_EDB;
	}
	return rc;
}

/* Inserts the households held. */
static enum ds_rc bulk_flush(struct store *st)
{
	struct sq_bulk *b = SQ(st)->bulk;
	if (b->n == 0)
		return DS_OK;
	sqlite3_stmt *s = sq_stmt(st, sql_hh_add);
	if (!s)
		return DS_EDB;
	struct sq_rows src;
	sq_rows_of(&src, b->household, b->n, sizeof b->household[0], household_column);
	enum ds_rc rc = bulk_insert(st, s, &src, b->household[b->n - 1].rid, "household (bulk load)");
	b->n = 0;
	return rc;
}

static enum ds_rc bulk_household_add(struct store *st, struct store_household *h)
{
	struct sq_bulk *b = SQ(st)->bulk;
	h->rid = b->next_rid++;
	b->household[b->n++] = *h;
	return b->n < BULK_HOUSEHOLDS ? DS_OK : bulk_flush(st);
}

/* Persons in bulk, read by SQLite from v itself; their search keys noted
 * for bulk_end. */
static enum ds_rc bulk_persons_add(struct store *st, struct store_new_person *v, size_t n, size_t *added)
{
	struct sq_bulk *b = SQ(st)->bulk;
	if (*added >= n)
		return DS_OK;
	struct store_new_person *w = v + *added;
	size_t m = n - *added;
	sqlite3_stmt *s = sq_stmt(st, sql_person_add);
	if (!s)
		return DS_EDB;
	for (size_t i = 0; i < m; i++)
		w[i].p.rid = b->next_rid + (int64_t)i;
	struct sq_rows src;
	sq_rows_of(&src, w, m, sizeof *w, person_column);
	enum ds_rc rc = bulk_insert(st, s, &src, w[m - 1].p.rid, "person (bulk load)");
	if (rc)
		return rc;
	b->next_rid += (int64_t)m;
	*added = n;
	for (size_t i = 0; i < m; i++) {
		struct store_person *p = &w[i].p;
		rc = sq_search_note(SQ(st), w[i].key, &w[i].len, p->rec.national_id, p->rec.birth, p->hh,
				    p->rid);
		if (rc == DS_ELIMIT)
			store_seterr(st, "sqlite: person (bulk load): record numbers past 2^32");
		if (rc)
			return rc;
		p->cur_hh = p->hh;
		p->exit = DAY_MAX;
	}
	return DS_OK;
}

static enum ds_rc sq_bulk_begin(struct store *st, enum store_kind kind, bool empty)
{
	/* Persons' search tables are filled once at the end from keys sorted
	 * here, several times faster than row by row. */
	(void)empty;
	if (kind == STORE_UNITS)
		return DS_OK;
	struct sq *q = SQ(st);
	sq_bulk_free(q);
	enum ds_rc rc = DS_OK;
	if (kind == STORE_PERSONS && !(rc = sq_exec(st, "DROP TRIGGER IF EXISTS person_search_add")))
		rc = sq_search_start(st);
	if (!rc && !(q->bulk = malloc(sizeof *q->bulk)))
		rc = DS_ENOMEM;
	if (!rc) {
		q->bulk->n = 0;
		q->bulk->next_rid = sq_int(st, kind == STORE_PERSONS ? sql_next_person : sql_next_household);
		if (q->bulk->next_rid <= 0) /* the query failed (it gives at least 1) */
			rc = sq_err(st, "bulk load");
	}
	if (rc)
		sq_bulk_free(q);
	return rc;
}

static enum ds_rc sq_bulk_end(struct store *st, enum store_kind kind, bool empty)
{
	(void)empty;
	if (kind == STORE_UNITS || !SQ(st)->bulk)
		return DS_OK;
	enum ds_rc rc = bulk_flush(st);
	bulk_rows_free(SQ(st));
	if (kind == STORE_PERSONS && !rc)
		rc = sq_search_fill(st); /* which frees the keys */
	sq_search_free(SQ(st));
	return rc || kind != STORE_PERSONS ? rc : sq_exec(st, sq_search_add);
}

static enum ds_rc sq_person_add(struct store *st, struct store_person *p)
{
	if (SQ(st)->bulk) {
		struct store_new_person *one = malloc(sizeof *one);
		if (!one)
			return DS_ENOMEM;
		one->p = *p;
		store_new_person_prepare(one);
		size_t added = 0;
		enum ds_rc rc = bulk_persons_add(st, one, 1, &added);
		*p = one->p;
		free(one);
		return rc;
	}
	sqlite3_stmt *s = sq_stmt(st, sql_person_add);
	if (!s)
		return DS_EDB;
	struct store_new_person np = {.p = *p};
	store_new_person_prepare(&np);
	const struct reg_person *r = &p->rec;
	struct sq_rows src;
	sq_rows_of(&src, &np, 1, sizeof np, person_column);
	enum ds_rc rc = one_added(st, sq_rows_done(st, s, &src, "person"), "person");
	if (rc)
		return rc;
	p->rid = sqlite3_last_insert_rowid(SQ(st)->db);
	p->cur_hh = p->hh;
	p->exit = DAY_MAX;
	snprintf(p->cur_name, sizeof p->cur_name, "%s", r->full_name);
	snprintf(p->cur_nid, sizeof p->cur_nid, "%s", r->national_id);
	snprintf(p->cur_household, sizeof p->cur_household, "%s", r->household);
	return DS_OK;
}

static enum ds_rc sq_persons_add(struct store *st, struct store_new_person *v, size_t n, size_t *added)
{
	if (SQ(st)->bulk)
		return bulk_persons_add(st, v, n, added);
	enum ds_rc rc = DS_OK;
	for (; *added < n && !(rc = sq_person_add(st, &v[*added].p)); ++*added)
		;
	return rc;
}

static enum ds_rc sq_baseline_add(struct store *st, struct store_baseline *b)
{
	sqlite3_stmt *s = sq_stmt(st, sql_baseline_add);
	if (!s)
		return DS_EDB;
	sqlite3_bind_int(s, 1, b->as_of);
	sqlite3_bind_int64(s, 2, b->imported_at);
	enum ds_rc rc = sq_step_done(st, s, "baseline");
	if (!rc)
		b->id = sqlite3_last_insert_rowid(SQ(st)->db);
	return rc;
}

/* ---- row readers ---- */

static void read_household(sqlite3_stmt *s, struct store_household *h)
{
	memset(h, 0, sizeof *h);
	h->rid = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, h->rec.id, sizeof h->rec.id);
	h->prov = sqlite3_column_int(s, 2);
	sq_col_text(s, 3, h->rec.area, sizeof h->rec.area);
	sq_col_text(s, 4, h->rec.number, sizeof h->rec.number);
	sq_col_text(s, 5, h->rec.address, sizeof h->rec.address);
	h->rec.type = (uint8_t)sqlite3_column_int(s, 6);
	h->rec.poverty = (uint8_t)sqlite3_column_int(s, 7);
	h->entry = sqlite3_column_int(s, 8);
	h->entry_seq = sqlite3_column_int64(s, 9);
	h->baseline = sqlite3_column_int64(s, 10);
}

static void read_person(sqlite3_stmt *s, struct store_person *p)
{
	struct reg_person *r = &p->rec;
	memset(p, 0, sizeof *p);
	p->rid = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, r->id, sizeof r->id);
	p->prov = sqlite3_column_int(s, 2);
	p->hh = sqlite3_column_int64(s, 3);
	sq_col_text(s, 4, r->household, sizeof r->household);
	sq_col_text(s, 5, r->full_name, sizeof r->full_name);
	r->sex = (uint8_t)sqlite3_column_int(s, 6);
	r->birth = sqlite3_column_int(s, 7);
	r->birth_prec = (uint8_t)sqlite3_column_int(s, 8);
	r->relation = (uint8_t)sqlite3_column_int(s, 9);
	sq_col_text(s, 10, r->ethnicity, sizeof r->ethnicity);
	r->education = (uint8_t)sqlite3_column_int(s, 11);
	r->marital = (uint8_t)sqlite3_column_int(s, 12);
	r->residence = (uint8_t)sqlite3_column_int(s, 13);
	sq_col_text(s, 14, r->insurance_no, sizeof r->insurance_no);
	sq_col_text(s, 15, r->national_id, sizeof r->national_id);
	r->fp_method = (uint8_t)sqlite3_column_int(s, 16);
	r->fp_since = sq_col_day(s, 17, DAY_NONE);
	p->entry = sqlite3_column_int(s, 18);
	p->entry_seq = sqlite3_column_int64(s, 19);
	p->baseline = sqlite3_column_int64(s, 20);
	p->cur_hh = sqlite3_column_int64(s, 21);
	p->exit = sq_col_day(s, 22, DAY_MAX);
	if (sqlite3_column_type(s, 23) == SQLITE_NULL)
		memcpy(p->cur_name, r->full_name, sizeof p->cur_name); /* both REG_NAME_BYTES */
	else
		sq_col_text(s, 23, p->cur_name, sizeof p->cur_name);
	sq_col_text(s, 24, p->cur_nid, sizeof p->cur_nid);
	sq_col_text(s, 25, p->cur_household, sizeof p->cur_household);
	sq_col_text(s, 26, p->cur_area, sizeof p->cur_area);
}

static void read_event(sqlite3_stmt *s, struct store_event *e)
{
	memset(e, 0, sizeof *e);
	struct reg_fact *f = &e->fact;
	f->seq = sqlite3_column_int64(s, 0);
	const void *uuid = sqlite3_column_blob(s, 1);
	if (uuid && sqlite3_column_bytes(s, 1) == 16)
		memcpy(e->id, uuid, 16);
	f->type = (uint8_t)sqlite3_column_int(s, 2);
	f->date = sqlite3_column_int(s, 3);
	f->person = sqlite3_column_int64(s, 4);
	f->hh = sqlite3_column_int64(s, 5);
	f->other = sqlite3_column_int64(s, 6);
	f->a = sqlite3_column_int(s, 7);
	f->b = sqlite3_column_int(s, 8);
	e->voided_by = sqlite3_column_int64(s, 9);
	f->voided = e->voided_by != 0;
	e->recorded_at = sqlite3_column_int64(s, 10);
	sq_col_text(s, 11, e->recorded_by, sizeof e->recorded_by);
	e->body = (const char *)sqlite3_column_text(s, 12);
}

static void read_household_v(sqlite3_stmt *s, void *out) { read_household(s, out); }
static void read_person_v(sqlite3_stmt *s, void *out) { read_person(s, out); }

static enum ds_rc sq_household_get(struct store *st, const char *id, int64_t rid,
				   struct store_household *out)
{
	sqlite3_stmt *s = sq_stmt(st, id ? sql_hh_by_id : sql_hh_by_rid);
	if (!s)
		return DS_EDB;
	if (id)
		sq_bind_text(s, 1, id);
	else
		sqlite3_bind_int64(s, 1, rid);
	return sq_lookup(st, s, read_household_v, out);
}

static enum ds_rc sq_person_get(struct store *st, const char *id, int64_t rid,
				struct store_person *out)
{
	sqlite3_stmt *s = sq_stmt(st, id ? sql_person_by_id : sql_person_by_rid);
	if (!s)
		return DS_EDB;
	if (id)
		sq_bind_text(s, 1, id);
	else
		sqlite3_bind_int64(s, 1, rid);
	return sq_lookup(st, s, read_person_v, out);
}

static enum ds_rc sq_subject_get(struct store *st, const char *id, struct store_person *out)
{
	sqlite3_stmt *s = sq_stmt(st, sql_subject_by_id);
	if (!s)
		return DS_EDB;
	sq_bind_text(s, 1, id);
	return sq_lookup(st, s, read_person_v, out);
}

static void read_rid(sqlite3_stmt *s, void *out)
{
	*(int64_t *)out = sqlite3_column_int64(s, 0);
}

static enum ds_rc sq_nid_owner(struct store *st, const char *nid, int64_t *rid)
{
	sqlite3_stmt *s = sq_stmt(st, sql_nid_owner);
	if (!s)
		return DS_EDB;
	sq_bind_text(s, 1, nid);
	return sq_lookup(st, s, read_rid, rid);
}

static enum ds_rc nid_row(sqlite3_stmt *s, void *arg)
{
	struct sq_cb *c = arg;
	char nid[13];
	sq_col_text(s, 1, nid, sizeof nid);
	return ((enum ds_rc(*)(int64_t, const char *, void *))c->fn)(sqlite3_column_int64(s, 0), nid,
								       c->arg);
}

/* Reads the national ids' search table alone. */
static enum ds_rc sq_each_nid(struct store *st, enum ds_rc (*fn)(int64_t, const char *, void *),
			      void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	return sq_each(st, "SELECT rid, nid FROM person_by_nid", NULL, 0, nid_row, &c);
}

static enum ds_rc sq_count(struct store *st, enum store_kind kind, int64_t *n)
{
	static const char *const sql[] = {"SELECT count(*) FROM unit",
					  "SELECT count(*) FROM household",
					  "SELECT count(*) FROM person"};
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(SQ(st)->db, sql[kind], -1, &s, NULL) != SQLITE_OK)
		return sq_err(st, "count");
	enum ds_rc rc = sqlite3_step(s) == SQLITE_ROW ? DS_OK : sq_err(st, "count");
	*n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc;
}

/* ---- the log ---- */

/*
 * An event lookup copies the body into the connection's buffer
 * (sq_hold_text), where the caller borrows it until the next lookup, and
 * resets the statement at once: an open statement keeps a read snapshot, and the connection's next
 * write would then fail with SQLITE_BUSY_SNAPSHOT.
 */
static enum ds_rc event_lookup(struct store *st, sqlite3_stmt *s, struct store_event *out)
{
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		read_event(s, out);
		enum ds_rc rc = sq_hold_text(st, &out->body);
		sqlite3_reset(s);
		return rc;
	}
	sqlite3_reset(s);
	return r == SQLITE_DONE ? DS_ENOTFOUND : sq_err(st, "event");
}

static enum ds_rc sq_event_by_id(struct store *st, const uint8_t id[16], struct store_event *out)
{
	sqlite3_stmt *s = sq_stmt(st, sql_event_by_id);
	if (!s)
		return DS_EDB;
	sqlite3_reset(s);
	sqlite3_bind_blob(s, 1, id, 16, SQLITE_TRANSIENT);
	return event_lookup(st, s, out);
}

static enum ds_rc sq_event_by_seq(struct store *st, int64_t seq, struct store_event *out)
{
	sqlite3_stmt *s = sq_stmt(st, sql_event_by_seq);
	if (!s)
		return DS_EDB;
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, seq);
	return event_lookup(st, s, out);
}

static enum ds_rc sq_event_add(struct store *st, struct store_event *ev, const char *body)
{
	sqlite3_stmt *s = sq_stmt(st, sql_event_add);
	if (!s)
		return DS_EDB;
	const struct reg_fact *f = &ev->fact;
	sqlite3_bind_blob(s, 1, ev->id, 16, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, ev->prov);
	sqlite3_bind_int(s, 3, f->type);
	sqlite3_bind_int(s, 4, f->date);
	sqlite3_bind_int64(s, 5, f->person);
	sqlite3_bind_int64(s, 6, f->hh);
	sqlite3_bind_int64(s, 7, f->other);
	sqlite3_bind_int(s, 8, f->a);
	sqlite3_bind_int(s, 9, f->b);
	sqlite3_bind_int64(s, 10, ev->recorded_at);
	sq_bind_text(s, 11, ev->recorded_by);
	sq_bind_text(s, 12, body);
	sqlite3_bind_int64(s, 13, f->seq);
	enum ds_rc rc = sq_step_done(st, s, "event");
	if (!rc)
		SQ(st)->next_seq = f->seq + 1;
	if (!rc && reg_passive(f->type))
		SQ(st)->passive_added = SQ(st)->passive_dirty = true;
	return rc;
}

static int64_t sq_last_seq(struct store *st);

/* Writers hold the database lock for the whole transaction (BEGIN
 * IMMEDIATE), so the next rowid is ours until commit; it is read once per
 * transaction and counted on from there. */
static enum ds_rc sq_next_seq(struct store *st, int64_t *seq)
{
	struct sq *q = SQ(st);
	if (!q->next_seq)
		q->next_seq = sq_last_seq(st) + 1;
	*seq = q->next_seq;
	return *seq > 0 ? DS_OK : DS_EDB;
}

static enum ds_rc sq_event_void(struct store *st, int64_t target_seq, int64_t void_seq)
{
	sqlite3_stmt *s = sq_stmt(st, sql_event_void);
	if (!s)
		return DS_EDB;
	sqlite3_bind_int64(s, 1, target_seq);
	sqlite3_bind_int64(s, 2, void_seq);
	enum ds_rc rc = sq_step_done(st, s, "void");
	if (!rc && sqlite3_changes(SQ(st)->db) != 1)
		return DS_ECONFLICT;
	return rc;
}

static enum ds_rc sq_person_current(struct store *st, const struct store_person *p)
{
	sqlite3_stmt *s = sq_stmt(st, sql_person_current);
	if (!s)
		return DS_EDB;
	char key[REG_NAME_BYTES];
	store_fold_name(p->cur_name, key);
	sqlite3_bind_int64(s, 1, p->rid);
	sqlite3_bind_int64(s, 2, p->cur_hh);
	sq_bind_day(s, 3, p->exit, DAY_MAX);
	if (strcmp(p->cur_name, p->rec.full_name) != 0)
		sq_bind_text(s, 4, p->cur_name);
	else
		sqlite3_bind_null(s, 4);
	sq_bind_text(s, 5, key);
	sq_bind_text_or_null(s, 6, p->cur_nid);
	sq_bind_text(s, 7, txt_last_word(key));
	return sq_step_done(st, s, "person current");
}

enum ds_rc sq_facts_from(struct store *st, sqlite3_stmt *s, struct reg_fact **v, size_t *cnt,
			 size_t *cap)
{
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		if (*cnt == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			struct reg_fact *nv = realloc(*v, nc * sizeof *nv);
			if (!nv) {
				sqlite3_reset(s);
				return DS_ENOMEM;
			}
			*v = nv;
			*cap = nc;
		}
		/* FACT_COLS */
		(*v)[(*cnt)++] = (struct reg_fact){.seq = sqlite3_column_int64(s, 0),
						   .type = (uint8_t)sqlite3_column_int(s, 1),
						   .date = sqlite3_column_int(s, 2),
						   .person = sqlite3_column_int64(s, 3),
						   .hh = sqlite3_column_int64(s, 4),
						   .other = sqlite3_column_int64(s, 5),
						   .a = sqlite3_column_int(s, 6),
						   .b = sqlite3_column_int(s, 7),
						   .voided = sqlite3_column_int64(s, 8) != 0};
	}
	sqlite3_reset(s);
	return r == SQLITE_DONE ? DS_OK : sq_err(st, "facts");
}

static enum ds_rc sq_person_facts(struct store *st, int64_t rid, bool state_only,
				  struct reg_fact **facts, size_t *n)
{
	/* All of them in one snapshot: outside a transaction, a read of its
	 * own, so that another connection's move of a slice between the map
	 * and the table cannot hide an event or show it twice. */
	bool own = !state_only && sqlite3_get_autocommit(SQ(st)->db);
	if (own && sq_exec(st, "BEGIN DEFERRED"))
		return DS_EDB;
	enum ds_rc rc = state_only ? DS_OK : sq_passive_sync(st);
	sqlite3_stmt *s = rc ? NULL : sq_stmt(st, state_only ? sql_person_state_facts : sql_person_facts);
	if (!rc && !s)
		rc = DS_EDB;
	size_t cap = 0, cnt = 0;
	struct reg_fact *v = NULL;
	if (!rc) {
		sqlite3_bind_int64(s, 1, rid);
		rc = sq_facts_from(st, s, &v, &cnt, &cap);
	}
	/* The passive facts after the marks, from the connection's map. */
	if (!rc && !state_only)
		rc = sq_passive_facts(st, rid, &v, &cnt, &cap);
	if (own)
		sq_exec(st, "COMMIT");
	if (rc) {
		free(v);
		return rc;
	}
	if (cnt > 1)
		reg_facts_sort(v, cnt);
	*facts = v;
	*n = cnt;
	return DS_OK;
}

static int64_t sq_last_seq(struct store *st)
{
	return sq_int(st, sql_last_seq);
}

static enum ds_rc unit_row(sqlite3_stmt *s, void *arg)
{
	struct sq_cb *c = arg;
	struct reg_unit u;
	reg_unit_init(&u);
	sq_col_text(s, 0, u.code, sizeof u.code);
	sq_col_text(s, 1, u.name, sizeof u.name);
	u.level = (enum reg_level)sqlite3_column_int(s, 2);
	sq_col_text(s, 3, u.parent, sizeof u.parent);
	u.valid_from = sq_col_day(s, 4, DAY_NONE);
	u.valid_to = sq_col_day(s, 5, DAY_MAX);
	return ((enum ds_rc(*)(const struct reg_unit *, void *))c->fn)(&u, c->arg);
}

static enum ds_rc sq_each_unit(struct store *st, enum ds_rc (*fn)(const struct reg_unit *, void *),
			       void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	return sq_each(st, "SELECT code, name, level, parent, valid_from, valid_to FROM unit ORDER BY rid",
		       NULL, 0, unit_row, &c);
}

static enum ds_rc household_row(sqlite3_stmt *s, void *arg)
{
	struct sq_cb *c = arg;
	struct store_household h;
	read_household(s, &h);
	return ((enum ds_rc(*)(const struct store_household *, void *))c->fn)(&h, c->arg);
}

static enum ds_rc sq_each_household(struct store *st, bool baseline_only,
				    enum ds_rc (*fn)(const struct store_household *, void *),
				    void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	return sq_each(st,
		       baseline_only ? "SELECT " HH_COLS "FROM household WHERE baseline <> 0 ORDER BY rid"
				     : "SELECT " HH_COLS "FROM household ORDER BY rid",
		       NULL, 0, household_row, &c);
}

static enum ds_rc person_row(sqlite3_stmt *s, void *arg)
{
	struct sq_cb *c = arg;
	struct store_person p;
	read_person(s, &p);
	return ((enum ds_rc(*)(const struct store_person *, void *))c->fn)(&p, c->arg);
}

static enum ds_rc sq_each_person(struct store *st, bool baseline_only,
				 enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	return sq_each(st,
		       baseline_only
			       ? "SELECT " PERSON_COLS PERSON_FROM "WHERE p.baseline <> 0 ORDER BY p.rid"
			       : "SELECT " PERSON_COLS PERSON_FROM "ORDER BY p.rid",
		       NULL, 0, person_row, &c);
}

static enum ds_rc person_lite_row(sqlite3_stmt *s, void *arg)
{
	struct sq_cb *c = arg;
	struct store_person_lite p = {
		.rid = sqlite3_column_int64(s, 0),
		.hh = sqlite3_column_int64(s, 1),
		.entry_seq = sqlite3_column_int64(s, 2),
		.birth = sqlite3_column_int(s, 3),
		.entry = sqlite3_column_int(s, 4),
		.sex = (uint8_t)sqlite3_column_int(s, 5),
		.marital = (uint8_t)sqlite3_column_int(s, 6),
		.residence = (uint8_t)sqlite3_column_int(s, 7),
		.fp_method = (uint8_t)sqlite3_column_int(s, 8),
		.relation = (uint8_t)sqlite3_column_int(s, 9),
	};
	return ((enum ds_rc(*)(const struct store_person_lite *, void *))c->fn)(&p, c->arg);
}

static enum ds_rc sq_each_person_lite(struct store *st,
				      enum ds_rc (*fn)(const struct store_person_lite *, void *),
				      void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	return sq_each(st,
		       "SELECT rid, hh, entry_seq, birth, entry, sex, marital, residence, fp_method, relation "
		       "FROM person ORDER BY rid",
		       NULL, 0, person_lite_row, &c);
}

#define PRESENT_SQL                                                                        \
	"SELECT p.rid, p.id, COALESCE(p.cur_name, p.full_name), p.cur_key, p.nid, ch.area, p.birth, p.sex, " \
	"p.birth_prec, p.residence FROM person p JOIN household ch ON ch.rid = p.cur_hh " \
	"WHERE p.exit_day IS NULL ORDER BY p.rid"

static const char *col_str(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}

static enum ds_rc present_row(sqlite3_stmt *s, void *arg)
{
	struct sq_cb *c = arg;
	struct store_person_now p = {.rid = sqlite3_column_int64(s, 0),
				     .birth = sqlite3_column_int(s, 6),
				     .sex = (uint8_t)sqlite3_column_int(s, 7),
				     .birth_prec = (uint8_t)sqlite3_column_int(s, 8),
				     .residence = (uint8_t)sqlite3_column_int(s, 9)};
	p.id = col_str(s, 1);
	p.name = col_str(s, 2);
	p.key = col_str(s, 3);
	p.nid = col_str(s, 4);
	p.area = col_str(s, 5);
	return ((enum ds_rc(*)(const struct store_person_now *, void *))c->fn)(&p, c->arg);
}

static enum ds_rc sq_each_present(struct store *st, enum ds_rc (*fn)(const struct store_person_now *, void *),
				  void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	return sq_each(st, PRESENT_SQL, NULL, 0, present_row, &c);
}

static enum ds_rc household_lite_row(sqlite3_stmt *s, void *arg)
{
	struct sq_cb *c = arg;
	struct store_household_lite h = {.rid = sqlite3_column_int64(s, 0),
					 .entry = sqlite3_column_int(s, 2),
					 .type = (uint8_t)sqlite3_column_int(s, 3),
					 .poverty = (uint8_t)sqlite3_column_int(s, 4)};
	sq_col_text(s, 1, h.area, sizeof h.area);
	return ((enum ds_rc(*)(const struct store_household_lite *, void *))c->fn)(&h, c->arg);
}

static enum ds_rc sq_each_household_lite(struct store *st,
					 enum ds_rc (*fn)(const struct store_household_lite *, void *),
					 void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	return sq_each(st, "SELECT rid, area, entry, type, poverty FROM household ORDER BY rid", NULL, 0,
		       household_lite_row, &c);
}

static enum ds_rc event_row(sqlite3_stmt *s, void *arg)
{
	struct sq_cb *c = arg;
	struct store_event e;
	read_event(s, &e);
	return ((enum ds_rc(*)(const struct store_event *, void *))c->fn)(&e, c->arg);
}

static enum ds_rc sq_each_event(struct store *st, int64_t after, bool want_body,
				enum ds_rc (*fn)(const struct store_event *, void *), void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	int64_t p[1] = {after};
	return sq_each(st,
		       want_body ? "SELECT " EVENT_COLS "FROM event WHERE seq > ?1 ORDER BY seq"
				 : "SELECT seq, uuid, type, date, person, hh, other, a, b, voided_by, "
				   "recorded_at, recorded_by, NULL FROM event WHERE seq > ?1 ORDER BY seq",
		       p, 1, event_row, &c);
}

static enum ds_rc sq_events_about(struct store *st, int64_t person, int64_t hh,
				  enum ds_rc (*fn)(const struct store_event *, void *), void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	int64_t p[2] = {person, hh};
	return sq_each(st,
		       "SELECT " EVENT_COLS "FROM event WHERE person = ?1 AND ?1 <> 0 AND " STORE_NOT_PASSIVE " "
		       /* the person's passive events: up to the mark of its slice,
			* and after it, from the log's tail (sq_passive) */
		       "UNION SELECT " EVENT_COLS "FROM event WHERE ?1 <> 0 AND seq IN "
		       "(SELECT seq FROM event_passive WHERE person = ?1) "
		       "UNION SELECT " EVENT_COLS "FROM event WHERE ?1 <> 0 AND seq > "
		       "(SELECT upto FROM passive_mark WHERE slice = (?1 >> 10) & 63) AND person = ?1 "
		       "AND NOT (" STORE_NOT_PASSIVE ") "
		       "UNION SELECT " EVENT_COLS "FROM event WHERE other = ?1 AND other <> 0 AND ?1 <> 0 AND type IN (1, 7, 18) "
		       "UNION SELECT " EVENT_COLS "FROM event WHERE hh = ?2 AND ?2 <> 0 "
		       "AND " STORE_NOT_PASSIVE " "
		       "UNION SELECT " EVENT_COLS "FROM event WHERE other = ?2 AND other <> 0 AND ?2 <> 0 AND type = 6 "
		       "ORDER BY seq",
		       p, 2, event_row, &c);
}

static enum ds_rc sq_baselines(struct store *st, struct store_baseline *out, size_t max, size_t *n)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(SQ(st)->db, "SELECT id, as_of, imported_at FROM baseline ORDER BY id",
			       -1, &s, NULL) != SQLITE_OK)
		return sq_err(st, "baselines");
	*n = 0;
	while (sqlite3_step(s) == SQLITE_ROW && *n < max) {
		out[*n].id = sqlite3_column_int64(s, 0);
		out[*n].as_of = sqlite3_column_int(s, 1);
		out[*n].imported_at = sqlite3_column_int64(s, 2);
		(*n)++;
	}
	sqlite3_finalize(s);
	return DS_OK;
}

/* The persons a name search finds (see store_find): its WHERE, for the
 * listing and the count alike; ?1 key, ?2 its upper bound, ?3 year, ?7-?8
 * the year's days, ?10 the areas. */
#define FIND_ONE_WORD                                                                           \
	"WHERE p.rid IN (SELECT rid FROM person_by_key WHERE key >= ?1 AND key < ?2 UNION "       \
	"SELECT rid FROM person_by_given WHERE given = ?1) "                                     \
	"AND (?3 = 0 OR (p.birth >= ?7 AND p.birth <= ?8)) "                                     \
	"AND (?10 IS NULL OR ch.area IN (SELECT value FROM json_each(?10))) "
/* Several words: the key's search table read in order, so that a page
 * stops at its limit; k.key is p.cur_key (the triggers of schema_v7). */
#define FIND_WORDS_FROM " FROM person_by_key k CROSS JOIN person p ON p.rid = k.rid "
#define FIND_WORDS                                                                              \
	"WHERE k.key >= ?1 AND k.key < ?2 AND (?3 = 0 OR (p.birth >= ?7 AND p.birth <= ?8)) "   \
	"AND (?10 IS NULL OR ch.area IN (SELECT value FROM json_each(?10))) "

static sqlite3_stmt *find_stmt(struct store *st, const char *sql, const char *key, const char *hi, int year,
			       const char *areas, size_t limit, size_t offset)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(SQ(st)->db, sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	sq_bind_text(s, 1, key);
	sq_bind_text(s, 2, hi);
	sqlite3_bind_int(s, 3, year);
	sqlite3_bind_int64(s, 4, (int64_t)limit);
	sqlite3_bind_int(s, 7, year ? day_from_ymd(year, 1, 1) : 0);
	sqlite3_bind_int(s, 8, year ? day_from_ymd(year, 12, 31) : 0);
	sqlite3_bind_int64(s, 9, (int64_t)offset);
	sq_bind_text_or_null(s, 10, areas);
	return s;
}

/* One count(*) row of a prepared statement into *n. */
static enum ds_rc count_row(struct store *st, sqlite3_stmt *s, const char *what, size_t *n)
{
	if (!s)
		return sq_err(st, what);
	int r = sqlite3_step(s);
	enum ds_rc rc = r == SQLITE_ROW ? DS_OK : sq_err(st, what);
	if (!rc)
		*n = (size_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_find_count(struct store *st, const char *key, int year, const char *areas, size_t max,
				size_t *n)
{
	char hi[REG_NAME_BYTES + 8];
	snprintf(hi, sizeof hi, "%s\xf4\x8f\xbf\xbf", key);
	const char *sql = strchr(key, ' ') == NULL
				  ? "SELECT count(*) FROM (SELECT 1 FROM person p JOIN household ch ON ch.rid = "
				    "p.cur_hh " FIND_ONE_WORD "LIMIT ?4)"
				  : "SELECT count(*) FROM (SELECT 1" FIND_WORDS_FROM "JOIN household ch ON ch.rid = "
				    "p.cur_hh " FIND_WORDS "LIMIT ?4)";
	return count_row(st, find_stmt(st, sql, key, hi, year, areas, max, 0), "find", n);
}

static enum ds_rc sq_households_count(struct store *st, const char *areas, const char *number, size_t max,
				      size_t *n)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(SQ(st)->db,
			       "SELECT count(*) FROM (SELECT 1 FROM household WHERE (?1 IS NULL OR area IN "
			       "(SELECT value FROM json_each(?1))) AND (?2 IS NULL OR number = ?2) LIMIT ?3)",
			       -1, &s, NULL) == SQLITE_OK) {
		sq_bind_text_or_null(s, 1, areas);
		sq_bind_text_or_null(s, 2, number);
		sqlite3_bind_int64(s, 3, (int64_t)max);
	}
	return count_row(st, s, "households", n);
}

/* Each person row of a search's statement to fn, then the statement finalized. */
static enum ds_rc find_rows(struct store *st, sqlite3_stmt *s,
			    enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	enum ds_rc rc = DS_OK;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = person_row(s, &c)) != DS_OK)
			break;
	if (!rc && r != SQLITE_DONE)
		rc = sq_err(st, "find");
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_find(struct store *st, const char *key, int year, const char *areas,
			  size_t offset, size_t limit,
			  enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	/* Prefix match on the folded key (key <= cur_key < key || U+10FFFF), and
	 * for a single word also the given name: each through its own index. */
	char hi[REG_NAME_BYTES + 8];
	snprintf(hi, sizeof hi, "%s\xf4\x8f\xbf\xbf", key);
	bool one_word = strchr(key, ' ') == NULL;
	const char *sql = one_word ? "SELECT " PERSON_COLS PERSON_FROM FIND_ONE_WORD
				     "ORDER BY p.cur_key, p.rid LIMIT ?4 OFFSET ?9"
				   : "SELECT " PERSON_COLS FIND_WORDS_FROM "JOIN household h ON h.rid = p.hh "
				     "JOIN household ch ON ch.rid = p.cur_hh " FIND_WORDS
				     "ORDER BY k.key, k.rid LIMIT ?4 OFFSET ?9";
	sqlite3_stmt *s = find_stmt(st, sql, key, hi, year, areas, limit, offset);
	if (!s)
		return sq_err(st, "find");
	return find_rows(st, s, fn, arg);
}

static enum ds_rc sq_find_given(struct store *st, const char *keys, int year, const char *areas,
				size_t limit, enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(SQ(st)->db,
			       /* The commune's persons found in the given names' search table and their
				* households first; only theirs are read whole. */
			       "SELECT " PERSON_COLS PERSON_FROM
			       "WHERE p.rid IN (SELECT q.rid FROM person_by_given q JOIN household qh ON qh.rid = q.hh "
			       "WHERE q.given IN (SELECT value FROM json_each(?1)) AND q.birth >= ?2 AND "
			       "q.birth <= ?3 AND qh.area IN (SELECT value FROM json_each(?4))) "
			       "ORDER BY p.rid LIMIT ?5",
			       -1, &s, NULL) != SQLITE_OK)
		return sq_err(st, "find");
	sq_bind_text(s, 1, keys);
	sqlite3_bind_int(s, 2, day_from_ymd(year, 1, 1));
	sqlite3_bind_int(s, 3, day_from_ymd(year, 12, 31));
	sq_bind_text(s, 4, areas);
	sqlite3_bind_int64(s, 5, (int64_t)limit);
	return find_rows(st, s, fn, arg);
}

static enum ds_rc sq_households_in(struct store *st, const char *areas, const char *number,
				   size_t offset, size_t limit,
				   enum ds_rc (*fn)(const struct store_household *, void *), void *arg)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(SQ(st)->db,
			       "SELECT " HH_COLS "FROM household WHERE (?1 IS NULL OR area IN "
			       "(SELECT value FROM json_each(?1))) AND (?2 IS NULL OR number = ?2) "
			       "ORDER BY area, CAST(number AS REAL), number LIMIT ?3 OFFSET ?4",
			       -1, &s, NULL) != SQLITE_OK)
		return sq_err(st, "households");
	sq_bind_text_or_null(s, 1, areas);
	sq_bind_text_or_null(s, 2, number);
	sqlite3_bind_int64(s, 3, (int64_t)limit);
	sqlite3_bind_int64(s, 4, (int64_t)offset);
	struct sq_cb c = {(void *)fn, arg};
	enum ds_rc rc = DS_OK;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = household_row(s, &c)) != DS_OK)
			break;
	if (!rc && r != SQLITE_DONE)
		rc = sq_err(st, "households");
	sqlite3_finalize(s);
	return rc;
}

static enum ds_rc sq_members(struct store *st, int64_t hh,
			     enum ds_rc (*fn)(const struct store_person *, void *), void *arg)
{
	struct sq_cb c = {(void *)fn, arg};
	int64_t p[1] = {hh};
	return sq_each(st, "SELECT " PERSON_COLS PERSON_FROM "WHERE p.cur_hh = ?1 ORDER BY p.rid", p, 1,
		       person_row, &c);
}

const struct store_reg_ops sq_reg = {
	.bulk_begin = sq_bulk_begin,
	.bulk_end = sq_bulk_end,
	.unit_add = sq_unit_add,
	.unit_close = sq_unit_close,
	.household_add = sq_household_add,
	.person_add = sq_person_add,
	.persons_add = sq_persons_add,
	.baseline_add = sq_baseline_add,
	.household_get = sq_household_get,
	.person_get = sq_person_get,
	.subject_get = sq_subject_get,
	.nid_owner = sq_nid_owner,
	.each_nid = sq_each_nid,
	.count = sq_count,
	.person_current = sq_person_current,
	.event_by_id = sq_event_by_id,
	.event_by_seq = sq_event_by_seq,
	.next_seq = sq_next_seq,
	.event_add = sq_event_add,
	.event_void = sq_event_void,
	.person_facts = sq_person_facts,
	.last_seq = sq_last_seq,
	.each_unit = sq_each_unit,
	.each_household = sq_each_household,
	.each_person = sq_each_person,
	.each_person_lite = sq_each_person_lite,
	.each_present = sq_each_present,
	.each_household_lite = sq_each_household_lite,
	.each_event = sq_each_event,
	.events_about = sq_events_about,
	.baselines = sq_baselines,
	.find = sq_find,
	.households_in = sq_households_in,
	.find_count = sq_find_count,
	.find_given = sq_find_given,
	.households_count = sq_households_count,
	.members = sq_members,
};
