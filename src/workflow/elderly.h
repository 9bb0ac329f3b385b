/*
 * elderly: the elderly-check programme (workflows.md, "Programmes").
 *
 * A commune schedules check sessions (place, date, capacity, the areas
 * invited), invites persons aged 60 and over of those areas, prints the
 * invitation lists by area, and records attendance in one action: each
 * person checked becomes an elderly_check event through the ledger, dated
 * on the session's day, with an id made from the session's and the
 * person's (sending the same attendance again changes nothing).  Those
 * invited to a session already held and still without a check in the year
 * make the follow-up list; coverage by area and commune is the share of
 * the persons aged 60 and over counted on a day who have a check in its
 * year up to that day, against the ELC target.
 *
 * Sessions and invitations are workflow records (records/kinds.c:
 * elderly_session about the commune, keyed by its id; elderly_invite about
 * the person's area, keyed "<session>/<person>").  The checks against the
 * stored state (el_schedule, el_invite, el_attend) run inside the caller's
 * transaction, the writer's or the command's: all of a request or nothing.
 *
 * Scope: every function takes a predicate on a unit code (NULL: the whole
 * country, the command line without --by).  A session is visible when one
 * of its areas is in scope; a person when their area is.  What is not
 * visible is answered as absent (res->hidden).
 */
#ifndef DS_WORKFLOW_ELDERLY_H
#define DS_WORKFLOW_ELDERLY_H

#include <jansson.h>
#include <stdbool.h>

#include "base/buf.h"
#include "base/err.h"
#include "engine/engine.h"
#include "ledger/ledger.h"
#include "records/book.h"

struct store;

typedef bool (*el_scope_fn)(void *arg, const char *unit);

struct el_scope {
	el_scope_fn covers; /* NULL: everything */
	void *arg;
};

/* What a write did, or why it was refused (nothing written then). */
struct el_result {
	bool refused;
	bool hidden;             /* refused as absent: out of scope or unknown */
	struct ds_problem problem;
	char id[REG_UUID_TEXT];  /* el_schedule: the new session */
	size_t added, already;   /* invitations or checks recorded now, and already there */
};

struct el_schedule_rq {
	const char *unit;  /* the commune */
	const char *date;  /* YYYY-MM-DD, today or later */
	const char *place;
	json_t *capacity;  /* a whole number 1-10000 (borrowed) */
	json_t *areas;     /* array of area codes under the commune (borrowed) */
};

/* Schedules a session, as `by`. */
enum ds_rc el_schedule(struct store *st, const struct reg_units *units, const struct el_schedule_rq *rq,
		       const struct el_scope *sc, const char *by, struct el_result *res);

/* Invites persons (an array of person ids, borrowed) to a session still to come. */
enum ds_rc el_invite(struct store *st, struct rec_book *b, const struct reg_units *units, const char *session,
		     json_t *persons, const struct el_scope *sc, const char *by, struct el_result *res);

/* Records the attendance of invited persons at a session held (dated today or before). */
enum ds_rc el_attend(struct ledger *lg, struct rec_book *b, const char *session, json_t *persons,
		     const struct el_scope *sc, const char *by, struct el_result *res);

/* The id of the elderly_check event of a person at a session. */
void el_check_id(const uint8_t session[16], const char *person, uint8_t out[16]);

/*
 * The sessions of the communes under unit (in scope) in a year, date
 * order: {"unit","year","sessions":[{"id","unit","unit_name","date",
 * "place","capacity","areas":[{"area","name"}],"invited","checked"}]}.
 */
enum ds_rc el_sessions(struct rec_book *b, struct store *st, const struct reg_units *units, const char *unit,
		       int year, const struct el_scope *sc, json_t **out);

/*
 * One session with its invitation lists by area (areas in scope only):
 * {"session":{...},"areas":[{"area","name","persons":[{"person_id","name",
 * "sex","birth_date","age","household","household_number","checked"}]}]}.
 * DS_ENOTFOUND when absent or out of scope.  The caller audits each person.
 */
enum ds_rc el_session_lists(struct rec_book *b, struct store *st, const struct reg_units *units,
			    const char *session, const struct el_scope *sc, json_t **out);
/* The invitation lists as CSV (Vietnamese or English headers). */
void el_lists_csv(const json_t *lists, const char *lang, struct buf *b);

/*
 * The follow-up list: the persons of the elderly work list of unit on
 * date (60 and over, no check in the year) who were invited to a session
 * of that year held by then, each with "sessions":[{"id","date","place"}].
 * The work list's document with "list":"elderly-followup".
 */
enum ds_rc el_followup(struct engine *e, struct store *st, struct rec_book *b, const char *unit,
		       const char *date, json_t **out, struct ds_problem *pb);

/*
 * Coverage on date: per area and per commune under unit (and the unit),
 * the persons aged 60 and over counted that day ("eligible"), those with a
 * check in the year up to that day ("checked"), the share, the ELC target
 * of the year (the unit's own, else the nearest unit above's; null when
 * none), and the progress against it (direction reach: "reached",
 * "on_track" when the share is at least the target's share of the year
 * gone, else "behind").
 */
enum ds_rc el_coverage(struct engine *e, struct rec_book *b, const char *unit, const char *date,
		       json_t **out, struct ds_problem *pb);

#endif
