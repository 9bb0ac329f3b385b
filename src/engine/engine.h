/*
 * engine: the register in memory, column by column, for statistics.
 *
 * Persons, households and events are dense arrays indexed by record number
 * (rid).  What changes over time is kept as dated spells:
 *
 *   - presence: a spell (person, household, from, to) for each stretch of
 *     time a person is a usual resident (residence 1) of one household; to
 *     is exclusive (the day of death, move out, transfer or residence
 *     change).  Spells are grouped by collaborator area, so a stock for a
 *     commune reads only that commune's spells;
 *   - marital status and contraceptive method: the value at entry plus a
 *     short dated list of changes per person;
 *   - household type and poverty: value at entry plus dated changes.
 *
 * Events that reports count (flows) are kept with the household the subject
 * belonged to on that day, ordered so that a flow over a period reads only
 * the period's windows (see engine_int.h).
 *
 * A query names a map date and a list of disjoint columns (unit codes); the
 * areas under each column are those under the unit in the tree of the map
 * date.  The engine fills, per column, fixed-dimension count cubes (struct
 * eng_stock, struct eng_flow).  Report definitions (report/) select cells
 * of these cubes by dimension, so rows and formulas are data.
 *
 * The engine is opaque: its arrays and its lock are its own.  Reading
 * happens in a view (engine_read .. engine_read_end): every question asked
 * in one view sees the same state, however long the report takes, because
 * the writer waits for the view to end before it applies what was
 * committed.  Writing is engine_catch_up(): after the store commits, the
 * engine reads the log after the last sequence number it applied and
 * rebuilds the persons and households those events touch.
 *
 * Memory: about 60 bytes per person (see docs/ARCHITECTURE.md).
 */
#ifndef DS_ENGINE_H
#define DS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "register/rules.h"
#include "register/units.h"

#define ENG_AGES 101         /* 0 .. 99, and 100+ */
#define ENG_FP_AGE0 15       /* married women 15-49 */
#define ENG_FP_AGES 35
#define ENG_MOTHER_AGE0 10   /* mothers 10-60 */
#define ENG_MOTHER_AGES 51
#define ENG_ORDERS 10        /* birth order 1 .. 9, and 10+ */
#define ENG_ELDER_AGE0 60
#define ENG_ELDER_AGES 41    /* 60 .. 99, 100+ */

/* Stocks on one date, for one column.  Index 0 of sex is male. */
struct eng_stock {
	int32_t pop[2][ENG_AGES][5];             /* sex, age, marital 1-5 */
	int32_t fp[ENG_FP_AGES][10];             /* married women by age and method 0-9 */
	int32_t hh[2][3];                        /* households by type 1-2 and poverty 0-2 */
};

/* Flows over one period, for one column. */
struct eng_flow {
	int32_t birth[2][ENG_MOTHER_AGES][ENG_ORDERS][4]; /* child sex, mother age, order, place */
	int32_t death[2][ENG_AGES];
	int32_t in[2][ENG_AGES];  /* in-migrants: move_in, transfer from another commune */
	int32_t out[2][ENG_AGES]; /* out-migrants */
	/* sex, age, consanguineous, premarital check, counts as the couple */
	int32_t marriage[2][ENG_AGES][2][2][2];
	int32_t divorce[2][ENG_AGES];
	int32_t fp_start[10][4][3]; /* method 0-9, source 0-3, household poverty 0-2 */
	int32_t fp_stop[10];
	int32_t pregnancy[4];       /* outcome */
	int32_t prenatal[ENG_AGES]; /* distinct women screened, by age at first screening */
	int32_t newborn[2];         /* distinct children screened, by sex */
	int32_t elderly[2][ENG_ELDER_AGES]; /* distinct persons 60+ checked */
};

/* Why a spell starts (low nibble) and ends (high nibble), for the balancing check. */
enum eng_cause {
	CAUSE_NONE = 0,   /* open end */
	CAUSE_BASELINE,   /* in the baseline register */
	CAUSE_BIRTH,
	CAUSE_MOVE_IN,
	CAUSE_TRANSFER,
	CAUSE_RESIDENCE,  /* became, or stopped being, a usual resident */
	CAUSE_DEATH,
	CAUSE_MOVE_OUT,
};

struct engine;
struct store;

/*
 * Loads everything from the store, in one read snapshot.  *out is freed
 * with engine_free().
 */
enum ds_rc engine_load(struct store *st, struct engine **out);
void engine_free(struct engine *e);

/* Bytes held by the engine's arrays (for /metrics and the benchmarks). */
size_t engine_bytes(struct engine *e);
int64_t engine_persons(struct engine *e);
/* Seconds the load took. */
double engine_load_seconds(const struct engine *e);
/* The last sequence number of the store's event log applied. */
int64_t engine_last_seq(struct engine *e);

/* ---- reading ---- */

/*
 * A read section.  Between engine_read() and engine_read_end() the engine
 * does not change: a report asks its questions (units, stocks, flows,
 * checks) in one view and they agree with each other.  Views may be held
 * by many threads at once; the writer waits until they end, so a view is
 * for one report, not for a session.  A thread may not take a second view
 * while it holds one.
 */
struct eng_view;
const struct eng_view *engine_read(struct engine *e);
void engine_read_end(const struct eng_view *v);

/* The unit tree (every version of every unit), valid until the view ends. */
const struct reg_units *eng_units(const struct eng_view *v);

struct eng_query {
	int32_t map_date;
	size_t ncols;
	const char *const *units; /* unit code per column */
	int nstock;               /* 0-2 stock dates */
	int32_t stock_date[2];
	int nflow;                /* 0-2 flow periods */
	int32_t flow_from[2], flow_to[2];
};

struct eng_result {
	size_t ncols;
	struct eng_stock *stock[2]; /* [i][col] */
	/* [i][col]; flow[i][ncols] holds, in its distinct-person cells
	 * (prenatal, newborn, elderly), the counts over all columns together */
	struct eng_flow *flow[2];
	int unknown_col;            /* first column whose unit is unknown, or -1 */
};

/* Computes; the result is freed with eng_result_free().  Two flows over the
 * same days are one: flow[1] is then flow[0], read-only like the rest. */
enum ds_rc engine_query(const struct eng_view *v, const struct eng_query *q, struct eng_result *r);
void eng_result_free(struct eng_result *r);

/*
 * The codes of the units of `level` that exist on day and lie under `unit`
 * in the tree of day (in the whole country when unit is NULL), sorted.  The
 * caller frees each code and the array.
 */
enum ds_rc engine_units_under(const struct eng_view *v, const char *unit, enum reg_level level,
			      int32_t day, char ***codes, size_t *n);

/*
 * The seqs of the events dated in [from, to] that happened in one of the
 * areas (a household there on the day; a move from or to one), in date
 * order.  For the collaborator's monthly slip.  The caller frees *seqs.
 */
enum ds_rc engine_events_in(const struct eng_view *v, const char *const *areas, size_t nareas,
			    int32_t from, int32_t to, int64_t **seqs, size_t *n);

/* ---- the balancing check ---- */

/*
 * One item the flows do not explain: a stock entry or exit that is not a
 * counted birth, death or migration of the unit (sign +1 for other entries,
 * -1 for other exits), or a counted flow that did not move the stock.
 */
struct eng_item {
	int32_t person;  /* the person (for a birth flow: the mother) */
	int32_t date;
	uint8_t kind;    /* enum eng_cause for stock items; EV_* type for flow items */
	bool flow;       /* a flow with no matching stock change */
	int8_t sign;
};

/* Items of one kind (its cause or event type, as stock or flow, and
 * sign) listed a unit at most.  Every item is counted (other_in,
 * other_out, count): a period holding the baseline's day has one item for
 * every person of the register (an entry of kind "baseline"), which listed
 * in full took 22 GB for a province of 10M. */
#define ENG_BALANCE_LISTED 500
#define ENG_BALANCE_KINDS 32 /* > every enum eng_cause and event type */

struct eng_balance {
	int64_t start, births, deaths, in, out, other_in, other_out, end;
	struct eng_item *items; /* the listed ones */
	size_t nitems;
	int64_t unlisted;                           /* counted, past ENG_BALANCE_LISTED of their kind */
	int64_t count[2][ENG_BALANCE_KINDS][2];     /* items by [flow][kind][sign > 0] */
};

/*
 * For one unit and period: stock on the day before the period (start) and
 * on its last day (end), the flows as the reports count them, and every
 * other entry and exit, so that
 *   end = start + births - deaths + in - out + other_in - other_out.
 */
enum ds_rc engine_balance(const struct eng_view *v, const char *unit, int32_t from, int32_t to,
			  int32_t map_date, struct eng_balance *b);
void eng_balance_free(struct eng_balance *b);

/* ---- questions of the quality checks (engine_quality.c) ---- */

/*
 * A person or event a check names: the person's record number, the day,
 * the collaborator area (an index: engine_area_code), an age, and the
 * event's sequence number when there is one.
 */
struct eng_qitem {
	int32_t person;
	int32_t date;
	int32_t area;
	int age;
	int64_t seq;
};
/* The code of an area index, valid until the view ends ("" when none). */
const char *engine_area_code(const struct eng_view *v, int32_t area);
/* Persons counted in unit (map of map_date) on day whose age that day is over min_age. */
enum ds_rc engine_q_aged_over(const struct eng_view *v, const char *unit, int32_t map_date,
			      int32_t day, int min_age, struct eng_qitem **out, size_t *n);
/* Counted births dated from..to in unit whose mother's age that day is outside lo..hi
 * (person: the mother; seq: the birth). */
enum ds_rc engine_q_mother_age(const struct eng_view *v, const char *unit, int32_t map_date,
			       int32_t from, int32_t to, int lo, int hi, struct eng_qitem **out,
			       size_t *n);
/* Persons with more than one presence spell in unit's areas open on day, once each
 * (age: the number of spells).  Only a defect can make one. */
enum ds_rc engine_q_present_twice(const struct eng_view *v, const char *unit, int32_t map_date,
				  int32_t day, struct eng_qitem **out, size_t *n);
/* A person's current national id, as the store has it (store_each_nid). */
struct eng_nid {
	int64_t person;
	char nid[13];
};
/* Of the persons with a national id, those counted in unit on day whose id
 * disagrees with their sex or birth date (age: reg_nid_disagrees's bits). */
enum ds_rc engine_q_national_ids(const struct eng_view *v, const char *unit, int32_t map_date,
				 int32_t day, const struct eng_nid *ids, size_t nids,
				 struct eng_qitem **out, size_t *n);
/* By area of unit, the married women aged lo..hi counted on day whose
 * contraception was never recorded since a marriage event (no fp_start or
 * fp_stop since it, no method): an item per area, age holding the count. */
enum ds_rc engine_q_no_fp_status(const struct eng_view *v, const char *unit, int32_t map_date,
				 int32_t day, int lo_age, int hi_age, struct eng_qitem **out, size_t *n);
/* The households of unit's areas that had a usual resident up to day and
 * have none on it (person: the household's record number; date: the day
 * its last resident's spell ended), in household order. */
enum ds_rc engine_q_empty_households(const struct eng_view *v, const char *unit, int32_t map_date,
				     int32_t day, struct eng_qitem **out, size_t *n);
/* The households of unit's areas with a usual resident on day of whom none
 * heads it: none has relation 1 on the day (at entry or by an info_change)
 * and none is the head the latest household_change named (person: the
 * household's record number; date: day), in household order. */
enum ds_rc engine_q_no_head(const struct eng_view *v, const char *unit, int32_t map_date, int32_t day,
			    struct eng_qitem **out, size_t *n);
/* The counted events dated from..to in unit's areas: seq, date, subject and
 * area, a transfer between two of its areas once for each. */
enum ds_rc engine_q_events(const struct eng_view *v, const char *unit, int32_t map_date,
			   int32_t from, int32_t to, struct eng_qitem **out, size_t *n);
/* Every area under unit with the number of counted events dated from..to in it
 * (a transfer counts in both areas).  The caller frees both arrays. */
enum ds_rc engine_q_area_events(const struct eng_view *v, const char *unit, int32_t map_date,
				int32_t from, int32_t to, int32_t **areas, int64_t **counts,
				size_t *n);

/* ---- work lists (engine_worklist.c) ---- */

/*
 * The persons a programme acts on in a unit (its areas under the map of
 * map_date), on `day`, as workflows.md has them:
 *
 *   ELDERLY      persons counted on day, aged 60 or more that day, with no
 *                elderly_check dated from 1 January of day's year to day;
 *   PRENATAL     women counted on day whose last pregnancy event (in the
 *                42 weeks to day) says pregnant, with no outcome or birth
 *                since, and a screening still to do: at about 12 weeks (no
 *                screening of week 17 or less since, and under 18 weeks),
 *                else at about 21 (no screening of week 18 or more since);
 *                weeks count from the pregnancy event's date, or from the
 *                last screening's reported week;
 *   NEWBORN      children counted on day born in the 30 days to day, with no
 *                newborn_screening;
 *   PREMARITAL   marriages dated from..day in the unit's areas without a
 *                premarital check, a couple once (by the woman when both
 *                spouses are in the register);
 *   POOR_FP      married women 15-49 counted on day whose household is poor
 *                or near-poor for day's year, as the register knew it on day,
 *                with their method that day;
 *   THIRD_BIRTHS births of order 3 or more dated from..day in the unit's areas.
 *
 * A person's events are looked for in the unit's areas and in the areas of
 * the households they were transferred from, so that a check made before
 * a move counts.  Items come sorted by area, household, person; record
 * numbers only: names come from the store after the view.
 */
enum eng_wl_list {
	ENG_WL_ELDERLY,
	ENG_WL_PRENATAL,
	ENG_WL_NEWBORN,
	ENG_WL_PREMARITAL,
	ENG_WL_POOR_FP,
	ENG_WL_THIRD_BIRTHS,
	ENG_WL_COUNT
};
struct eng_wl_item {
	int32_t person; /* the elder, woman, child, spouse married or mother */
	int32_t hh;     /* household on day, or on the event's date */
	int32_t area;   /* area index (engine_area_code) */
	int32_t birth;  /* the person's birth day */
	int32_t date;   /* prenatal: the pregnancy's date; premarital, births: the event's */
	int32_t due;    /* prenatal: the day due_week is reached */
	int64_t seq;    /* premarital, births: the event */
	int16_t age;    /* on day; on the event's date for premarital and births */
	uint8_t sex;    /* 1 male, 2 female */
	uint8_t week, due_week; /* prenatal: weeks reached on day, 12 or 21 */
	uint8_t method;         /* poor-fp: 0-9 */
	uint8_t poverty;        /* poor-fp: 1 near-poor, 2 poor */
	uint8_t order;          /* births: the birth order */
};
struct eng_wl_request {
	enum eng_wl_list list;
	const char *unit;
	int32_t map_date, from, day; /* from: the period's first day (premarital, births) */
};
/* DS_ENOTFOUND for a unit the tree does not know; *out is freed by the caller. */
enum ds_rc engine_worklist(const struct eng_view *v, const struct eng_wl_request *q,
			   struct eng_wl_item **out, size_t *n);

/* ---- keeping current ---- */

/*
 * Brings the engine up to the store's log: every event after the last one
 * applied, with the persons and households it touches re-read from the
 * store.  The writer calls it after each commit; a server following
 * another's writes calls it when notified, or every second.  It waits for
 * the views in progress to end.
 */
enum ds_rc engine_catch_up(struct engine *e, struct store *st);

/*
 * Reloads the unit tree (after units were imported, or the map changed:
 * register/crosswalk.h).  It waits for the views in progress to end, as a
 * catch-up does, so a report sees one map from start to end; the next view
 * sees the new one.  Areas keep their indexes; new areas are appended.
 */
enum ds_rc engine_reload_units(struct engine *e, struct store *st);

/*
 * The persons counted on day (as pop() counts them) in each area, by area
 * index (engine_area_code): *counts has *n entries, the caller frees it.
 */
enum ds_rc engine_area_population(const struct eng_view *v, int32_t day, int64_t **counts,
				  size_t *n);

/* ---- inputs of a projection (engine_demog.c) ---- */

/*
 * What a projection from the register needs to know of one unit under the
 * map of map_date (the areas under it in that map's tree), each filled
 * into a struct the caller provides.  Ages are completed years on the day
 * (day_age), 100 standing for 100 and over; sex index 0 is male.
 *
 * engine_dm_population: the persons counted on `day`, exactly as the
 * report forms count pop() (a usual resident present that day).
 *
 * engine_dm_exposure: exact exposure over the days from..to (both
 * included, at most 8 calendar years): for every day a person was counted
 * in the unit, one day in the cell of their sex and their age that day.
 * Each presence spell is cut at the period's bounds and at the person's
 * birthdays (someone born on 29 February turns a year older on 1 March in
 * other years, as day_age has it).  Person-years are days / 365.25
 * (eng_dm_years).
 *
 * engine_dm_flows: the events of from..to as the forms count them
 * (births by the mother's household, deaths, moves): births by the
 * child's sex and the mother's age (10 to 60, the ages the forms clamp
 * to), deaths by sex and age, and the moves that cross the unit's
 * boundary, in and out, by sex and age at the move.  A move between two
 * communes inside the unit counts once in and once out, so it leaves the
 * net unchanged, as the forms' totals have it.
 *
 * Each returns DS_ENOTFOUND for a unit the tree does not know, DS_ENOMEM,
 * or DS_OK.
 */
struct eng_dm_pop {
	int64_t n[2][ENG_AGES];
};
struct eng_dm_exposure {
	int64_t days[2][ENG_AGES];
};
struct eng_dm_flows {
	int64_t births[2][ENG_MOTHER_AGES]; /* child's sex, mother's age - ENG_MOTHER_AGE0 */
	int64_t deaths[2][ENG_AGES];
	int64_t in[2][ENG_AGES], out[2][ENG_AGES];
};
#define ENG_DAYS_PER_YEAR 365.25
static inline double eng_dm_years(int64_t days)
{
	return (double)days / ENG_DAYS_PER_YEAR;
}
enum ds_rc engine_dm_population(const struct eng_view *v, const char *unit, int32_t map_date,
				int32_t day, struct eng_dm_pop *out);
enum ds_rc engine_dm_exposure(const struct eng_view *v, const char *unit, int32_t map_date,
			      int32_t from, int32_t to, struct eng_dm_exposure *out);
enum ds_rc engine_dm_flows(const struct eng_view *v, const char *unit, int32_t map_date,
			   int32_t from, int32_t to, struct eng_dm_flows *out);
/*
 * engine_dm_flows for n disjoint units at once, into out[0..n-1]: one pass
 * over the period's events, where n calls would each read every move of
 * the province (moves between communes are filed under no area).  A move
 * between two of the units counts out of one and into the other.
 */
enum ds_rc engine_dm_flows_many(const struct eng_view *v, const char *const *units, size_t n,
				int32_t map_date, int32_t from, int32_t to, struct eng_dm_flows *out);
/*
 * Whether the engine was found not to agree with the log: an event naming a
 * person or household it does not hold, or counts that differ from the
 * store's at the same sequence number (engine_verify).  A broken engine
 * answers nothing until engine_reload() has run; the server says 503.
 */
bool engine_broken(struct engine *e);
/*
 * Compares the engine with the store, in one snapshot, when the engine has
 * applied the whole log: persons and households held against those
 * stored.  Marks it broken (and says so on stderr) when they differ.
 * DS_OK also when it could not compare yet (events still to apply).
 */
enum ds_rc engine_verify(struct engine *e, struct store *st);
/* Loads the register afresh (readers go on with the old state meanwhile)
 * and puts it in place in one step; clears broken. */
enum ds_rc engine_reload(struct engine *e, struct store *st);

#endif
