/*
 * The engine's internals, shared by its files and by nothing else: the
 * struct, the spells and events it keeps, and the helpers its files call
 * each other through.  Nothing outside src/engine/ includes this header.
 */
#ifndef DS_ENGINE_INT_H
#define DS_ENGINE_INT_H

#include <pthread.h>
#include <stddef.h>

#include "base/day.h"
#include "base/hmap.h"
#include "engine/engine.h"
#include "store/register.h"

/*
 * The person's facts a stock needs (birth, sex, marital status and method)
 * are copied into the spell, so a stock reads the spells of its areas in
 * order and never jumps to the person arrays.  A spell is calm from the
 * day it is present, its person born and all of its person's changes of
 * marital status, method and relation made (`calm`, INT32_MAX when its
 * final state counts in no stock): on a day from calm to `to` it counts
 * with the final state in `info`, without reading the changes.  On other
 * days the state is the person's at entry (p_marital0, p_fp0) changed by
 * the list p_chg.  Filled when spells are stored (eng_build_spells,
 * eng_add_spells) and when the person's changes change (eng_fill_spell),
 * once the person's walk is complete.
 */
struct eng_spells {
	int32_t *person, *from, *to, *hh;
	uint8_t *cause;
	int32_t *born; /* the birth date as eng_date_key */
	int32_t *calm;
	uint16_t *info; /* sex | final marital << 2 | final method (0-9) << 5 | married woman << 9 */
	size_t n, cap;
};

struct eng_unitmap; /* tree of one map-date interval, cached */

/*
 * The engine.  The locks and the broken flag come first: a reload moves
 * everything from `units` on from a freshly loaded engine into this one
 * (engine_reload), so that readers keep their pointer.
 */
struct engine {
	pthread_rwlock_t lock;
	pthread_mutex_t maps_lock;
	bool broken; /* found inconsistent with the log: no answers until reloaded */
	struct reg_units units;
	/* areas: dense index over area-level unit codes */
	size_t nareas;
	char (*area_code)[REG_UNIT_CODE_MAX + 1];
	struct hmap area_index; /* code -> area index */

	/* persons, by rid */
	size_t pcap;
	int64_t maxp;
	int32_t *p_birth;
	uint8_t *p_sex;  /* 0 = no such person */
	/* p_marital0: marital status at entry | relation to the head at entry
	 * << 4 (0 when not given); p_fp0: method at entry | ENG_AWAY when the
	 * person may have stretches away (eng_marital0 and the others read them) */
	uint8_t *p_marital0, *p_fp0;
	int32_t *p_chg; /* head of the change list, -1 */

	/* A person's stretches in a household while not a usual resident
	 * (residence 2 or 3): they count in no stock, but such a member may
	 * head the household (engine_q_no_head).  Sorted by person up to
	 * `sorted` (a load walks persons in order), later walks' after it;
	 * person 0 marks a stretch a later walk replaced. */
	struct {
		int32_t *person, *from, *to, *hh;
		size_t n, cap, sorted;
	} away;

	/* changes of marital status, method and relation: kind << 4 | value */
	struct {
		int32_t *date, *next;
		uint8_t *val;
		size_t n, cap;
	} chg;

	/* households, by rid */
	size_t hcap;
	int64_t maxh;
	int32_t *h_area;
	uint8_t *h_type0, *h_pov0;
	/* h_sum: the household's state in one word, kept with its changes
	 * (eng_household_sum): bit 31 set when its type never changes, bit 30
	 * when that type is 2, and two bits a year its poverty for the years
	 * sum_y0 .. sum_y0 + ENG_SUM_YEARS - 1 (as household_state gives it on
	 * a day after all of its changes).  A stock's households and a
	 * contraceptive start's poverty read it instead of walking the changes. */
	uint32_t *h_sum;
	int32_t sum_y0;
	int32_t *h_chg;   /* household changes: type, poverty for a year, head */
	struct {
		int32_t *date, *next, *year; /* year: of a poverty; the head's rid (HCHG_HEAD) */
		uint8_t *val; /* 0x10 | type, 0x20 | poverty, or HCHG_HEAD; newest first */
		size_t n, cap;
	} hchg;

	/* presence spells grouped by area: [area_off[a], area_off[a+1]) of base,
	 * then the area's added spells through add_head/add_next. */
	struct eng_spells base;
	size_t *area_off;
	struct eng_spells added;
	int32_t *add_head; /* by area */
	int32_t *add_next;

	/* counted events, sorted by (date, seq); later ones in `late` */
	struct eng_events {
		int32_t *date, *person, *hh, *a;
		uint8_t *type; /* 0 when voided */
		uint8_t *age;  /* the subject's age in completed years that day */
		int64_t *seq;
		size_t n, cap;
	} ev, late;
	/* The largest household rid an event of ev names, and whether a
	 * household's area changed since ev was put in order: its events may
	 * then be out of place, and a merge at the end of the same catch-up
	 * (eng_maybe_compact) checks them all and sorts them again if so,
	 * instead of placing the late events among them.  A merge that fails
	 * sets it too. */
	int64_t ev_max_hh;
	bool ev_keys_moved;
	/* Kept between catch-ups and merges, not freed and allocated again
	 * each time: on this kind of virtual machine a page touched for the
	 * first time costs about 10 us, and a merge's 5 MB of fresh pages
	 * had doubled or tripled its time (see eng_scratch). */
	struct eng_scratch {
		void *p;
		size_t cap;
	} merge_tmp, catch_facts;

	/* the transfers of ev, twice: by the area they leave and by the one
	 * they enter (when another), sorted by window, area and index, so that
	 * a query of a few areas reads only its own (eng_index_transfers) */
	struct {
		uint32_t *idx;
		int32_t *area;
		size_t n;
		int32_t w0;   /* the first window */
		size_t *woff; /* window w0 + i is [woff[i], woff[i + 1]) */
		size_t nw;
	} tr;

	/* Where each area's block starts in the windows of ev that hold at
	 * least BLK_DENSITY events an area (eng_index_events): window w0 + i
	 * has row row[i] (-1 for none), whose entry a (of nareas + 1) is its
	 * first event of area a or a later one, and the last the window's end.
	 * A query over many areas reads its blocks' bounds here instead of
	 * searching for them through the households' areas. */
	struct {
		uint32_t *off;
		int32_t *row;
		int32_t w0;
		size_t nw, nrows;
		size_t na; /* the areas it was made for (nareas then) */
	} blk;

	int64_t last_seq; /* of the store's log, applied so far */
	int32_t *bounds;  /* days on which the unit tree changes, sorted */
	size_t nbounds;
	struct eng_unitmap *maps;
	double load_seconds;
	/* the merges applied: duplicate and person who remains (engine_merge.c) */
	struct {
		int64_t *dup, *rem;
		size_t n, cap;
	} merges;
};
#define ENG_DATA_OFFSET offsetof(struct engine, units)

/* Frees what the engine holds from `units` on (not its locks, not itself). */
void eng_free_data(struct engine *e);
/* Says loudly that the engine does not agree with the log, and why, and
 * marks it broken until a reload. */
void eng_mark_broken(struct engine *e, const char *why, long long a, long long b);

/*
 * A view is the engine itself, seen through a pointer type that only the
 * query functions take: holding one means holding the read lock.
 */
static inline struct engine *eng_of(const struct eng_view *v)
{
	return (struct engine *)(uintptr_t)v;
}

/*
 * What a counted event keeps in its `a` (struct eng_events), read only
 * through these and the register's readers (register/rules.h):
 *   birth, fp_start, fp_stop, pregnancy, prenatal_screening (the week):
 *     the fact's own a;
 *   marriage: the fact's a, plus ENG_MAR_SPOUSE when the spouse is in the
 *     register too (the couple is then counted once, by the woman);
 *   transfer: the area of the household left (-1 when none).
 */
#define ENG_MAR_SPOUSE 4
static inline int32_t eng_marriage_a(int32_t fact_a, bool spouse_registered)
{
	return fact_a | (spouse_registered ? ENG_MAR_SPOUSE : 0);
}
static inline bool eng_marriage_spouse(int32_t a)
{
	return a & ENG_MAR_SPOUSE;
}

/* Why a spell starts and ends (enum eng_cause), in its one byte. */
static inline uint8_t eng_causes(int start, int end) { return (uint8_t)(start | end << 4); }
static inline int eng_cause_start(uint8_t c) { return c & 15; }
static inline int eng_cause_end(uint8_t c) { return c >> 4; }

/* A spell's copy of its person's final facts (struct eng_spells.info). */
static inline uint16_t eng_info(int sex, int marital, int method)
{
	return (uint16_t)(sex | marital << 2 | (method <= 9 ? method : 0) << 5 |
			  (sex == SEX_FEMALE && marital == MAR_MARRIED) << 9);
}
static inline int eng_info_sex(unsigned info) { return info & 3; }
static inline int eng_info_marital(unsigned info) { return (info >> 2) & 7; }
static inline int eng_info_method(unsigned info) { return (info >> 5) & 15; }
static inline unsigned eng_info_wife(unsigned info) { return (info >> 9) & 1; }

/* A dated change: kind in the high nibble, value in the low one. */
#define CHG_MARITAL 0x10
#define CHG_FP 0x20
#define CHG_REL 0x30
#define ENG_AWAY 0x80 /* in p_fp0 */
static inline int eng_marital0(const struct engine *e, int64_t p) { return e->p_marital0[p] & 0x0F; }
static inline int eng_rel0(const struct engine *e, int64_t p) { return e->p_marital0[p] >> 4; }
static inline int eng_fp0(const struct engine *e, int64_t p) { return e->p_fp0[p] & 0x0F; }
/* A household change naming its head (hchg.year holds the head's rid). */
#define HCHG_HEAD 0x30

/* Fills spell k of s from its person (struct eng_spells): born, calm, info. */
void eng_fill_spell(const struct engine *e, struct eng_spells *s, size_t k);
enum ds_rc eng_spell_push(struct eng_spells *s, int32_t person, int32_t from, int32_t to,
			  int32_t hh, uint8_t cause);
void eng_spells_free(struct eng_spells *s);
enum ds_rc eng_event_push(struct eng_events *v, const struct reg_fact *f, int32_t hh, int32_t a,
			  int age);
enum ds_rc eng_copy_event(struct eng_events *dst, const struct eng_events *src, size_t i);
void eng_events_free(struct eng_events *v);
/* Late events that start a merge (eng_maybe_compact). */
#define ENG_LATE_MAX 65536

/* s holding at least n bytes (its contents not kept), or NULL. */
void *eng_scratch(struct eng_scratch *s, size_t n);
/* Frees what s holds when it is more than a merge at the threshold needs. */
void eng_scratch_trim(struct eng_scratch *s);

/*
 * The order of e->ev.  By window of 32 days (eng_window), then by the area
 * the event counts in (eng_event_area), then by date and sequence number.
 * Area -1 comes first in each window: transfers, which count in two areas,
 * and events outside any household.  A flow over a period reads the
 * windows that overlap it: whole, for a query over many areas, or for a
 * few areas only the -1 block and each area's block, found by binary
 * search, so that a commune's month costs about the same in a province of
 * ten million as in one of a million.  A voided event keeps its place:
 * voiding a transfer also clears its household, so its area stays -1
 * (eng_kill_event).
 */
#define ENG_WINDOW_DAYS 32
static inline int32_t eng_window(int32_t day)
{
	return day >= 0 ? day / ENG_WINDOW_DAYS : -((ENG_WINDOW_DAYS - 1 - day) / ENG_WINDOW_DAYS);
}
/* The area of household hh, -1 when it has none or is not known. */
static inline int32_t eng_hh_area(const struct engine *e, int64_t hh)
{
	return hh > 0 && hh <= e->maxh ? e->h_area[hh] : -1;
}
static inline int32_t eng_event_area(const struct engine *e, const struct eng_events *v, size_t i)
{
	return v->type[i] == EV_TRANSFER ? -1 : eng_hh_area(e, v->hh[i]);
}
static inline void eng_kill_event(struct eng_events *v, size_t i)
{
	if (v->type[i] == EV_TRANSFER)
		v->hh[i] = 0;
	v->type[i] = 0;
}
enum ds_rc eng_sort_events(const struct engine *e, struct eng_events *v);
/* e->ev sorted once loaded, and what a merge then relies on noted. */
enum ds_rc eng_sort_all_events(struct engine *e);
/* Adds the int32 cells of src into dst (cubes of one type, `bytes` long):
 * the side thread's stocks into the caller's. */
void eng_add_cells(void *dst, const void *src, size_t bytes);
/* The same when the first `sorted` events are in order already (the late
 * events merged in): they are checked, the others sorted and merged with
 * them in one pass, instead of sorting them all again. */
enum ds_rc eng_sort_events_after(const struct engine *e, struct eng_events *v, size_t sorted);
/* Builds e->tr and e->blk for the events of e->ev as they are now sorted. */
enum ds_rc eng_index_events(struct engine *e);
/* The same when the events of the windows before `first` kept their
 * places since the last build (merge_events): what indexes them is kept.
 * When placed is not NULL, the others kept their order too, and the
 * events placed among them have these windows and areas, in order: the
 * areas' blocks are moved by them instead of found again. */
struct eng_placed {
	const int32_t *window, *area;
	size_t n;
};
enum ds_rc eng_index_events_from(struct engine *e, int32_t first, const struct eng_placed *placed);
/* First index in [lo, hi) of sorted events whose window is at least w. */
size_t eng_window_start(const struct eng_events *v, size_t lo, size_t hi, int32_t w);

/* A stretch [lo, hi) of e->ev. */
struct eng_range {
	size_t lo, hi;
};
/*
 * The stretches of e->ev that hold every event dated from `from` to `to`
 * that counts in one of the areas where area_col[area] >= 0 (or in any
 * area, when area_col is NULL), and every transfer: whole windows when the
 * areas are many, else each area's block.  They also hold other events,
 * outside the dates or the areas: the caller checks each event.
 */
enum ds_rc eng_event_ranges(const struct engine *e, int32_t from, int32_t to,
			    const int32_t *area_col, struct eng_range **out, size_t *n);

/* Types that reports count (or the slip lists), and what such an event
 * keeps in its a (see eng_marriage_a above). */
bool eng_counted(int type);
int32_t eng_event_attr(const struct engine *e, const struct reg_fact *f, int64_t hh_before);

/* Room for record rid in the person or household arrays; the entry facts. */
enum ds_rc eng_person_slot(struct engine *e, int64_t rid);
void eng_set_person(struct engine *e, const struct store_person_lite *p);
enum ds_rc eng_set_household(struct engine *e, const struct store_household_lite *h);

enum ds_rc eng_walk(struct engine *e, const struct store_person_lite *p, bool entry_voided,
		    const struct reg_fact *facts, size_t n, struct eng_spells *spells,
		    struct eng_events *events);

/* Spells: the CSR from a list (takes its arrays), additions, removal. */
enum ds_rc eng_build_spells(struct engine *e, struct eng_spells *spells);
enum ds_rc eng_add_spells(struct engine *e, const struct eng_spells *fresh);
void eng_kill_spells(struct engine *e, int64_t rid, const struct store_person_lite *p,
		     const struct reg_fact *facts, size_t n);
void eng_kill_events(struct engine *e, int64_t rid);
void eng_void_event(struct engine *e, int64_t seq, int32_t date);
/* A household_change fact: its type and poverty changes. */
enum ds_rc eng_household_fact(struct engine *e, const struct reg_fact *f);
enum ds_rc eng_rebuild_household(struct engine *e, struct store *st, int64_t hh);
enum ds_rc eng_compact(struct engine *e);
enum ds_rc eng_maybe_compact(struct engine *e);

/* Merges (engine_merge.c). */
enum ds_rc eng_merge_note(struct engine *e, int64_t dup, int64_t rem);
void eng_merge_forget(struct engine *e, int64_t dup);
bool eng_merge_is_rem(const struct engine *e, int64_t rid);
/* The facts of a duplicate, sorted, voided ones flagged (malloc'd, the caller frees). */
typedef enum ds_rc (*eng_facts_fn)(void *arg, int64_t dup, struct reg_fact **facts, size_t *n);
/* p's timeline own[0..n) with the fitting facts of everyone merged into p
 * (*out malloc'd, the caller frees). */
enum ds_rc eng_merge_timeline(const struct engine *e, const struct store_person_lite *p,
			      const struct reg_fact *own, size_t n, eng_facts_fn get, void *arg,
			      struct reg_fact **out, size_t *nout);

/* Unit maps per interval of dates on which the tree does not change. */
struct eng_unitmap {
	int32_t lo, hi; /* the days this tree holds for */
	size_t nids;    /* unit ids are first-row indexes in e->units */
	uint32_t *off;  /* id -> [off[id], off[id+1]) in areas */
	int32_t *areas;
	int32_t *area_commune; /* area -> unit id of its commune, -1 */
	struct eng_unitmap *next;
};
struct eng_unitmap *eng_map_for(struct engine *e, int32_t day);
int64_t eng_unit_id(const struct engine *e, const char *code);
/*
 * The column an event counts in (*col) and, for a migrating transfer, the
 * column it leaves (*col_from); 0 when it counts nowhere (a move inside one
 * commune).
 */
int eng_event_cols(const struct engine *e, const int32_t *area_col, const int32_t *area_commune,
		   int type, int32_t hh, int32_t a, int *col, int *col_from);
enum ds_rc eng_bounds(struct engine *e);
void eng_maps_free(struct engine *e);

/* ---- stocks (engine_stock.c) ---- */

/* The first index in [lo, hi) of the sorted v whose value is at least key. */
static inline size_t eng_lower_i32(const int32_t *v, size_t lo, size_t hi, int32_t key)
{
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * A date as y << 9 | m << 5 | d: dates keep their order, and the completed
 * years on day b of someone born on day a are (key(b) - key(a)) >> 9 when a
 * <= b, exactly day_age (29 February is 1 March in a common year): the
 * month and day take 9 bits and count below 512.  A spell keeps its
 * person's birth so, and a stock finds an age by one subtraction, with no
 * table and no calendar arithmetic.
 */
static inline int32_t eng_date_key(int32_t day)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	return y * 512 + m * 32 + d;
}
static inline int32_t eng_key_day(int32_t key)
{
	return day_from_ymd(key >> 9, key >> 5 & 15, key & 31);
}
/* Completed years at the date of key `at` of someone born at key `born`
 * (born <= at). */
static inline int eng_key_age(int32_t born, int32_t at)
{
	return (at - born) >> 9;
}
/* Poverty of a household for a year: the latest status given for that
 * year or an earlier one; the baseline status before any. */
int eng_household_poverty(const struct engine *e, int32_t hh, int year);
#define ENG_SUM_YEARS 15
void eng_household_sum(struct engine *e, int32_t hh);
/* The household's type (1-2) and poverty for year (0-2) from its summary
 * word: false when it cannot say (a type that changes, a year outside). */
static inline bool eng_household_quick(const struct engine *e, int32_t hh, int year, int *type,
				       int *pov)
{
	uint32_t s = e->h_sum[hh];
	unsigned k = (unsigned)(year - e->sum_y0);
	if (!(s >> 31) || k >= ENG_SUM_YEARS)
		return false;
	*type = (int)(s >> 30 & 1) + 1;
	*pov = (int)(s >> (2 * k) & 3);
	return true;
}
/* The same as the register knew it on day: only the changes dated up to day. */
int eng_household_poverty_on(const struct engine *e, int32_t hh, int year, int32_t day);

struct eng_stock_ctx {
	const struct engine *e;
	int32_t day;
	int year;              /* of day, for poverty */
	int32_t key;           /* eng_date_key of day */
	uint8_t *seen_hh;      /* a bit per household, then a bit per word of
				  those (eng_seen_bytes, zeroed) */
	struct eng_stock *out; /* the columns' cubes */
	bool dense;            /* the query reads most areas: the households are
				  found by reading every word of the bitmap, and
				  the summary is not kept */
};
/* Words of the bitmap with a bit per household. */
static inline size_t eng_seen_words(const struct engine *e)
{
	return (size_t)(e->maxh >> 6) + 2;
}
/*
 * Bytes of the households' bitmap and, after it, its summary: a bit per
 * word of the bitmap that has a bit set, so that a pass over a commune's
 * households, scattered between the first and the last of the province's
 * (a household opened later takes a later number), reads only the words
 * it marked.
 */
static inline size_t eng_seen_bytes(const struct engine *e)
{
	return (eng_seen_words(e) + (eng_seen_words(e) >> 6) + 1) * 8;
}
/*
 * Counts the spells of areas [a0, a1) present on each context's day (n of
 * them, at most 2, read in one pass) into c[i].out[area_col[area]], and
 * marks their households in c[i].seen_hh.
 */
void eng_stock_areas(struct eng_stock_ctx *c, int n, const int32_t *area_col, size_t a0,
		     size_t a1);
/* Counts each household marked in c[i].seen_hh once, into its area's
 * column of c[i].out, for each of the n (<= 2) stocks in one walk, and
 * clears the bitmaps.  `other`: NULL, or (a dense query on two threads)
 * the other thread's bitmaps of the n days, whose marks are counted here
 * too; then only this thread's part of the words, part `part` of `parts`. */
void eng_stock_households(struct eng_stock_ctx *c, int n, const int32_t *area_col,
			  uint8_t *const *other, size_t part, size_t parts);

/* ---- questions over a unit's areas (engine_quality.c) ---- */

/* The areas under unit in the tree of map_date, as a column (0) of area_col
 * (nareas + 1 entries, -1 elsewhere; the caller frees it). */
enum ds_rc eng_unit_cols(const struct engine *e, const char *unit, int32_t map_date,
			 int32_t **area_col);
/* Calls fn for every spell of the areas of col present on day; false when fn said false. */
bool eng_each_present(const struct engine *e, const int32_t *col, int32_t day,
		      bool (*fn)(const struct eng_spells *s, size_t k, int32_t area, void *arg),
		      void *arg);
/*
 * Calls fn for every counted event dated from..to that the period's
 * stretches of the log hold for the areas of col (and every late one);
 * fn checks the event's areas itself and says false when out of memory.
 */
typedef bool (*eng_event_fn)(const struct engine *e, const struct eng_events *ev, size_t i,
			     const int32_t *col, void *arg);
enum ds_rc eng_each_event(const struct engine *e, const int32_t *col, int32_t from, int32_t to,
			  eng_event_fn fn, void *arg);

/* ---- flows (engine_flow.c) ---- */

/* Counts the events dated from..to into out[col] for each column; out has
 * ncols + 1 cubes, the last gets the distinct persons over all columns.
 * marks: cleared bitmaps for the distinct persons (eng_distinct_count),
 * left cleared; NULL to go without. */
enum ds_rc eng_flow_pass(const struct engine *e, int32_t from, int32_t to, const int32_t *area_col,
			 const int32_t *area_commune, struct eng_flow *out, size_t ncols,
			 uint64_t *marks);

/* ---- distinct persons (engine_distinct.c) ---- */

enum { ENG_PRENATAL, ENG_NEWBORN, ENG_ELDERLY, ENG_DISTINCT_KINDS };
struct eng_distinct;
/* The keys (person * ENG_DISTINCT_KINDS + kind) of one bucket, as a power
 * of two: 21, about 700,000 persons a bucket.  From 1 to 31; a test sets
 * fewer to count a small register in many buckets. */
extern int eng_distinct_bucket_bits;
/* An empty collection (it grows as events are added); NULL when out of memory. */
struct eng_distinct *eng_distinct_new(const struct engine *e);
/* A person's event of kind in col, the person of sex (0, 1), as the
 * caller read it (not read again at random when counted); -1 when out of
 * memory. */
int eng_distinct_add(struct eng_distinct *d, int kind, int32_t person, int sex, int32_t col,
		     int32_t date, int age);
/* Words of each of the two bitmaps eng_distinct_count may be given. */
static inline size_t eng_distinct_words(const struct engine *e)
{
	return ((size_t)(e->maxp + 1) * ENG_DISTINCT_KINDS + 63) / 64;
}
/* Adds the distinct persons into cols[col] and, once each, into all; -1
 * when out of memory (nothing is added then).  marks: two cleared bitmaps
 * of eng_distinct_words, left cleared, with which a person met once is
 * counted without sorting; NULL to sort everyone. */
int eng_distinct_count(struct eng_distinct *d, struct eng_flow *cols, struct eng_flow *all,
		       uint64_t *marks);
void eng_distinct_free(struct eng_distinct *d);

/*
 * The marital status and method in *mar and *fp changed by a person's
 * changes from c on (a list in date order) dated up to day; *last, when
 * given, the date of the last one applied (left as it is when none).
 * Returns the first later change, -1.
 */
static inline int32_t eng_walk_state(const struct engine *e, int32_t c, int32_t day, unsigned *mar,
				     unsigned *fp, int32_t *last)
{
	for (; c >= 0 && e->chg.date[c] <= day; c = e->chg.next[c]) {
		unsigned v = e->chg.val[c];
		if ((v & 0xF0) == CHG_MARITAL)
			*mar = v & 0x0F;
		else if ((v & 0xF0) == CHG_FP)
			*fp = v & 0x0F;
		if (last)
			*last = e->chg.date[c];
	}
	return c;
}

/* Value at a date from a person's change list (kind CHG_*), or base. */
static inline int eng_value_at(const struct engine *e, int32_t head, uint8_t kind, int base,
			       int32_t day)
{
	int v = base;
	for (int32_t c = head; c >= 0; c = e->chg.next[c]) {
		if (e->chg.date[c] > day)
			break;
		if ((e->chg.val[c] & 0xF0) == kind)
			v = e->chg.val[c] & 0x0F;
	}
	return v;
}

#endif
