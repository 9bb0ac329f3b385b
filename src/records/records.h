/*
 * records: workflow records, the second log beside the register's events.
 *
 * Submissions, approvals, targets, schedules, assignments, trainings,
 * sessions, clubs, decisions on duplicates, projection scenarios: each is a
 * record with an id made where it was recorded (re-sending is harmless), a
 * kind, the unit it is about (for scope and for partitioning by province),
 * a date, who recorded it and when, and a JSON body that its kind's parser
 * checks and normalises.  A record is never edited: a later record of the
 * same kind, unit and key (the kind says what the key is: "2026/srb" for a
 * target) takes its place, or cancels it.
 *
 * The store keeps the records as opaque text (store/records.h), so a new
 * kind is a parser in kinds.c and nothing in either backend.  What is
 * current (the latest target of each indicator, the state of a
 * submission) is derived in memory by the book (book.c), loaded at start
 * and kept current by the same catch-up that feeds the engine.
 *
 * Envelope, as sent to the API or a command and as stored (canonical:
 * compact, keys sorted, whole numbers without a decimal point):
 *
 *   {"id": "<uuid>", "kind": "target", "unit": "79", "date": "2026-01-01",
 *    "body": {...}, "supersedes": "<uuid>", "cancel": true}
 *
 * supersedes (optional) names the record this one replaces: it must be the
 * current record of the same kind, unit and key when this one is written,
 * or the write is refused as stale (two officers editing the same thing).
 * cancel (optional, with supersedes) withdraws it; a cancel has no body.
 */
#ifndef DS_RECORDS_H
#define DS_RECORDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "register/codes.h"
#include "register/event.h"
#include "register/record.h"
#include "register/units.h"

#define REC_KIND_MAX 31
#define REC_KEY_MAX 127
#define REC_MAX_BYTES 65536 /* a record's canonical text */

/* One record, parsed and checked. */
struct rec {
	uint8_t id[16];
	char kind[REC_KIND_MAX + 1];
	char unit[REG_UNIT_CODE_MAX + 1];
	int32_t date;
	char key[REC_KEY_MAX + 1]; /* "" for a cancel until written (it takes the superseded one's) */
	bool has_supersedes;
	uint8_t supersedes[16];
	bool cancel;
	json_t *body; /* canonical, owned; NULL for a cancel */
};

/*
 * A kind: its name, the unit levels it may be about, and its parser, which
 * checks the body, builds its canonical form (a new object in *out) and
 * writes the key.  On refusal it returns the reason and sets *field to the
 * body member at fault.
 */
struct rec_kind {
	const char *name;
	unsigned levels; /* bit (1 << enum reg_level) per level allowed; 0: any, the country too */
	enum ds_why (*parse)(const json_t *body, const struct rec *r, json_t **out,
			     char key[REC_KEY_MAX + 1], const char **field);
};

const struct rec_kind *rec_kind_find(const char *name);

/*
 * Parses and checks a record object (the envelope and, by its kind, the
 * body).  On refusal returns DS_EINPUT and fills pb's field ("body.year")
 * and reason.  r is freed with rec_free() whatever the outcome.
 */
enum ds_rc rec_parse(const json_t *obj, struct rec *r, struct ds_problem *pb);
/* The same from text (one NDJSON line or an API body). */
enum ds_rc rec_parse_text(const char *s, size_t n, struct rec *r, struct ds_problem *pb);
void rec_free(struct rec *r);

/* The canonical text of the whole record; the caller frees it. */
char *rec_text(const struct rec *r);
/* A JSON value in canonical form: whole reals become integers. */
json_t *rec_number(double v);

/* A new id for a record or an event the server makes: time-ordered (UUID
 * version 7, RFC 9562: Unix milliseconds, then 74 random bits), so that the
 * id indexes grow at their end. */
void rec_new_id(uint8_t id[16]);

/* ---- recording (write.c) ---- */

enum rec_outcome {
	REC_RECORDED,
	REC_DUPLICATE, /* the same record was there already: nothing done */
	REC_REFUSED,
};

struct rec_result {
	enum rec_outcome outcome;
	int64_t seq;               /* recorded or already there */
	struct ds_problem problem; /* when refused */
};

struct store;
/*
 * Records r inside the caller's transaction, as `by`.  Sent again with
 * the same text: REC_DUPLICATE; the same id with other text, a unit that
 * does not exist or whose level the kind does not allow, or a supersedes
 * that is not the current record of the key: REC_REFUSED, nothing
 * written.  Another code only when the store failed.  units is the tree
 * the unit is looked up in (for its province too).
 */
enum ds_rc rec_record(struct store *st, const struct reg_units *units, struct rec *r,
		      const char *by, struct rec_result *res);

/* A new target record (a fresh id, dated 1 January of the year), checked
 * as any record; r is freed with rec_free() whatever the outcome. */
enum ds_rc rec_target_new(struct rec *r, const char *unit, int year, const char *indicator,
			  double value, struct ds_problem *pb);

#endif
