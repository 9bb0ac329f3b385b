/*
 * rules: what the register accepts, judged against a person's state on the
 * event's date.
 *
 * A stored event is kept for rules and statistics as a reg_fact: its type,
 * date, sequence number, the record numbers (rids) of the persons and
 * household it names, and two small integers whose meaning depends on the
 * type (the REG_A_* accessors below).  A person's state on a date is their
 * entry record (baseline row, birth or arrival) with their facts up to that
 * date applied in (date, seq) order.  reg_replay() walks a whole timeline
 * and checks every fact on the way, so that an event dated before others,
 * or the cancelling of one, is accepted only when every later event still
 * holds.
 *
 * Corrections of birth date apply to every date (domain rule): the replay
 * uses the last correction's birth date from the start.
 */
#ifndef DS_REG_RULES_H
#define DS_REG_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "register/codes.h"
#include "register/event.h"

struct reg_fact {
	int64_t seq;
	int32_t date;
	uint8_t type;   /* enum reg_etype */
	uint8_t voided; /* cancelled by a void event */
	int64_t person; /* subject (mother of a birth); head of a household_change */
	int64_t hh;     /* household named: child's, arrival, transfer target, changed;
			 * for other person events the subject's household that day */
	int64_t other;  /* child of a birth, spouse of a marriage, target seq of a void */
	int32_t a, b;   /* type-specific, see below */
};

/*
 * What a and b hold, by type, with one packer and one reader per field:
 * every module that reads a fact's a or b (rules, the ledger, the engine,
 * the views) goes through these, never through shifts of its own.
 *
 *   birth               a = child sex | place << 2 | order << 8
 *   marriage            a = consanguineous | premarital check << 1
 *   info_change         a = field | birth precision << 8; b = new value (code, or day)
 *   fp_start            a = method | source << 4; b = living children (-1 unknown)
 *   fp_stop             a = method
 *   pregnancy           a = outcome; b = order (-1 unknown)
 *   prenatal_screening  a = week; b = results
 *   newborn_screening   a = results, 2 bits per condition
 *   household_change    a = mask | poverty << 4 | type << 8; b = year; person = head
 *   move_in             a = 1 when it opened a new household
 *   merge               person = the duplicate (the subject), other = the person
 *                       who remains, hh = the duplicate's household that day
 */
static inline int32_t reg_birth_a(int sex, int place, int order)
{
	return sex | place << 2 | order << 8;
}
static inline int reg_birth_sex(int32_t a) { return a & 3; }
static inline int reg_birth_place(int32_t a) { return (a >> 2) & 7; }
static inline int reg_birth_order(int32_t a) { return (a >> 8) & 255; }

static inline int32_t reg_marriage_a(int consanguineous, int premarital_check)
{
	return consanguineous | premarital_check << 1;
}
static inline int reg_marriage_consang(int32_t a) { return a & 1; }
static inline int reg_marriage_premarital(int32_t a) { return (a >> 1) & 1; }

static inline int32_t reg_info_a(int field, int birth_prec) { return field | birth_prec << 8; }
static inline int reg_info_field(int32_t a) { return a & 255; }
static inline int reg_info_prec(int32_t a) { return (a >> 8) & 3; }

static inline int32_t reg_fp_a(int method, int source) { return method | source << 4; }
static inline int reg_fp_method(int32_t a) { return a & 15; }
static inline int reg_fp_source(int32_t a) { return (a >> 4) & 3; }

static inline int reg_pregnancy_outcome(int32_t a) { return a; }

#define REG_HC_POVERTY 1
#define REG_HC_TYPE 2
#define REG_HC_ADDRESS 4
#define REG_HC_HEAD 8
static inline int32_t reg_hc_a(int mask, int poverty, int type)
{
	return mask | poverty << 4 | type << 8;
}
static inline int reg_hc_mask(int32_t a) { return a & 15; }
static inline int reg_hc_poverty(int32_t a) { return (a >> 4) & 3; }
static inline int reg_hc_type(int32_t a) { return (a >> 8) & 3; }

/* EXIT_VOIDED: the event that brought the person in was cancelled.
 * EXIT_MERGED: the person was recorded twice and merged into another. */
enum reg_exit { EXIT_NONE = 0, EXIT_DEATH, EXIT_MOVE_OUT, EXIT_VOIDED, EXIT_MERGED };

struct reg_state {
	int64_t rid;
	int32_t entry; /* first day in the register */
	int32_t exit;  /* day of death or move out, DAY_MAX while present */
	uint8_t exit_kind;
	uint8_t sex;
	int32_t birth;
	uint8_t marital, residence, education, relation, fp_method;
	int64_t hh;
};

/* The state of a person as recorded at entry. */
void reg_state_init(struct reg_state *s, int64_t rid, const struct reg_person *p, int64_t hh,
		    int32_t entry);

/*
 * Packs an event into a fact, given the rids the store resolved
 * (person: subject; hh: household named or the child's; other: child,
 * spouse or void target seq).
 */
void reg_fact_from_event(struct reg_fact *f, const struct reg_event *ev, int64_t person,
			 int64_t hh, int64_t other);

/* A refusal or a warning from a check. */
struct reg_verdict {
	enum ds_why why;        /* W_NONE when accepted */
	const char *field;      /* the event member at fault */
	enum ds_severity severity;
};

/*
 * Checks one fact against the subject's state just before it.  A warning
 * (severity DS_SEV_WARNING) does not refuse the event.
 */
struct reg_verdict reg_check(const struct reg_fact *f, const struct reg_state *s);

/*
 * True for the types that change nothing in a person's state and that no
 * rule of another fact looks at: screenings, pregnancies, elderly checks.
 * Recording one needs only the state on its day; it cannot break a later
 * fact.  (The stores filter on these type numbers.)
 */
bool reg_passive(int type);

/* Applies a fact to the subject's state. */
void reg_apply(struct reg_state *s, const struct reg_fact *f);

/* Sorts facts by (date, seq). */
void reg_facts_sort(struct reg_fact *facts, size_t n);

/*
 * Replays facts (sorted, of this subject; voided ones skipped) from the
 * entry state s, checking each.  Returns the first refusal and its index
 * in *bad; warnings are ignored here.  s holds the final state.
 */
struct reg_verdict reg_replay(struct reg_state *s, const struct reg_fact *facts, size_t n,
			      size_t *bad);

/* The state at the end of day `at` (facts dated after are not applied). */
void reg_state_at(struct reg_state *s, const struct reg_fact *facts, size_t n, int32_t at);

/*
 * Merges (EV_MERGE).  A merge holds for every date, as a corrected birth
 * date does: the register counted one person twice, and the corrected
 * history counts one.  The duplicate's state is merged from its entry
 * (exit = entry, EXIT_MERGED), so that nothing more can be recorded on it.
 * Its facts that fit the timeline of the person who remains are that
 * person's (reg_merge_timeline); those that do not are listed for the
 * officer.  Voiding the merge restores both.
 */

/* True when facts (one subject's) hold an uncancelled merge of that subject. */
bool reg_merged(const struct reg_fact *facts, size_t n);

/* True for the types a merge may re-attribute to the person who remains:
 * what happened to a person wherever they were recorded (births,
 * marriages, contraception, pregnancies, screenings, checks).  Moves,
 * deaths and changes of details describe the duplicate record itself and
 * are listed, never carried over. */
bool reg_merge_movable(int type);

/*
 * The timeline of the person who remains (state at entry rem0; rem, their
 * own facts sorted) with the duplicate's facts (dup, sorted) that fit it:
 * taken in date order, each movable uncancelled fact is kept when the
 * whole timeline with it still replays without refusal.  The person's own
 * facts always come first.  out (capacity nr + nd) receives the merged
 * timeline sorted, the kept facts with person = rem0->rid; fits[i] (may be
 * NULL) says whether dup[i] was kept.  Returns the count in out.
 */
size_t reg_merge_timeline(const struct reg_state *rem0, const struct reg_fact *rem, size_t nr,
			  const struct reg_fact *dup, size_t nd, struct reg_fact *out, bool *fits);

static inline bool reg_present(const struct reg_state *s, int32_t day)
{
	return s->entry <= day && day < s->exit;
}

#endif
