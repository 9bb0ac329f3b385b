/* Internals shared by the engine's files; not part of its contract. */
#ifndef DS_ENGINE_INT_H
#define DS_ENGINE_INT_H

#include "engine/engine.h"
#include "store/register.h"

/* A dated change: kind in the high nibble, value in the low one. */
#define CHG_MARITAL 0x10
#define CHG_FP 0x20

enum ds_rc eng_spell_push(struct eng_spells *s, int32_t person, int32_t from, int32_t to,
			  int32_t hh, uint8_t cause);
void eng_spells_free(struct eng_spells *s);
enum ds_rc eng_event_push(struct eng_events *v, const struct reg_fact *f, int32_t hh, int32_t a,
			  int age);
enum ds_rc eng_copy_event(struct eng_events *dst, const struct eng_events *src, size_t i);
void eng_events_free(struct eng_events *v);

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
