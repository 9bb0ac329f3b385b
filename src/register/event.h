/*
 * event: the changes of the monthly slip, as exchange.md defines them.
 *
 * An event arrives as a JSON object.  reg_event_parse() checks it strictly:
 * known type, required members present, every member known and of the
 * right type and range, text valid UTF-8 and stored NFC.  reg_event_json()
 * writes the canonical form back: sorted keys, normalised values, optional
 * members left out when empty.  Two submissions with the same id are the
 * same event exactly when their canonical forms are equal, which is what
 * makes re-sending harmless (idempotency) without being fooled by key order
 * or by 2 versus "2".
 *
 * Checking an event against the register (is the mother alive, is the
 * woman married) is rules.h's job; this module knows only the event.
 */
#ifndef DS_REG_EVENT_H
#define DS_REG_EVENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "register/codes.h"
#include "register/record.h"

#define REG_UUID_TEXT 37

struct reg_event {
	uint8_t id[16];
	enum reg_etype type;
	int32_t date;
	/* The subject: the mother of a birth, the person of most types, the
	 * arriving person of a move_in (np.id). */
	char person[REG_ID_MAX + 1];
	/* birth (optional target household), move_in, transfer, household_change */
	char household[REG_ID_MAX + 1];
	char spouse[REG_ID_MAX + 1]; /* marriage, "" when not in the register */
	char head[REG_ID_MAX + 1];   /* household_change */
	char duplicate[REG_ID_MAX + 1]; /* merge: the person recorded twice (person: who remains) */
	uint8_t target[16];          /* void */
	struct reg_person np;        /* birth child, move_in person */
	uint32_t np_given;           /* bit (1 << enum reg_pcol) per member given */
	struct reg_household nh;     /* move_in new_household */
	bool has_nh;
	int order, place, method, source, living_children, week, year;
	int poverty, hh_type; /* -1 when absent */
	enum reg_outcome outcome;
	bool consanguineous, premarital_check;
	enum reg_field field;
	char value[REG_NAME_BYTES]; /* info_change, normalised text */
	uint8_t results[NEWBORN_CONDITIONS]; /* 0 absent, 1 normal/low, 2 abnormal/high */
	/* facility, origin, destination, address or reason, by type */
	char text[REG_TEXT_BYTES];
};

/*
 * Parses one event object.  On refusal returns DS_EINPUT and fills pb's
 * field and reason (file and line are the caller's).
 */
enum ds_rc reg_event_parse(json_t *obj, struct reg_event *ev, struct ds_problem *pb);

/* Parses text (one NDJSON line or an API body) into an event. */
enum ds_rc reg_event_parse_text(const char *s, size_t n, struct reg_event *ev,
				struct ds_problem *pb);

/* The canonical JSON object of an event (new reference, caller decrefs). */
json_t *reg_event_json(const struct reg_event *ev);
/* The canonical text (compact, sorted keys); the caller frees it. */
char *reg_event_text(const struct reg_event *ev);

/* Name of the member that holds the text field for a type ("facility"...). */
const char *reg_event_text_member(enum reg_etype t);

bool reg_uuid_parse(const char *s, size_t n, uint8_t out[16]);
void reg_uuid_format(const uint8_t id[16], char out[REG_UUID_TEXT]);

/* JSON nesting and size caps for event input. */
#define REG_EVENT_MAX_BYTES 16384

#endif
