/*
 * gen_int: what the generator's files share.
 *
 *   gen.c        options, folders, the order of the work, manifest.json
 *   gen_out.c    byte buffers and hand-made formatting (no printf per row)
 *   gen_ref.c    reference data, names, place names
 *   gen_units.c  the administrative tree and units.csv
 *   gen_base.c   the baseline households and persons, their CSV files
 *   gen_sim.c    the month-by-month simulation and events.ndjson
 *
 * Persons and households live in two arrays indexed from 0; the id of
 * person i is "P" + province + (i + 1) in 9 digits, of household h "H" +
 * province + (h + 1) in 8 digits.  Every person keeps the day of their
 * last event (`last`): a later event of the same person is never dated
 * before it, so each person's events are in file order and in date order
 * at once.  Events made while simulating a month are never dated before
 * that month's first day; the days before it are final and go to the file.
 */
#ifndef DS_GEN_INT_H
#define DS_GEN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "base/progress.h"
#include "gen/gen.h"

/* ---- randomness: xoshiro256** seeded through splitmix64 ---- */

struct grng {
	uint64_t s[4];
};

void grng_seed(struct grng *r, uint64_t seed);

static inline uint64_t grng_next(struct grng *r)
{
	uint64_t *s = r->s;
	uint64_t x = s[1] * 5;
	uint64_t res = ((x << 7) | (x >> 57)) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return res;
}

/* Uniform in [0, 1). */
static inline double grng_f(struct grng *r)
{
	return (double)(grng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n) for n < 2^32. */
static inline uint32_t grng_below(struct grng *r, uint32_t n)
{
	return (uint32_t)(((grng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]; lo when hi < lo. */
static inline int grng_range(struct grng *r, int lo, int hi)
{
	return hi <= lo ? lo : lo + (int)grng_below(r, (uint32_t)(hi - lo + 1));
}

static inline bool grng_chance(struct grng *r, double p)
{
	return grng_f(r) < p;
}

/* An index drawn with weights w[0..n) (not all zero). */
int grng_pick(struct grng *r, const double *w, int n);

/* ---- output buffers (gen_out.c) ---- */

/* A growable byte buffer; on allocation failure `oom` is set and appends stop. */
struct gbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

bool gb_grow(struct gbuf *b, size_t extra);
void gb_free(struct gbuf *b);

static inline char *gb_room(struct gbuf *b, size_t n)
{
	if (b->len + n > b->cap && !gb_grow(b, n))
		return NULL;
	return b->p + b->len;
}

static inline void gb_put(struct gbuf *b, const char *s, size_t n)
{
	char *d = gb_room(b, n);
	if (d) {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
		b->len += n;
	}
}

static inline void gb_putc(struct gbuf *b, char c)
{
	char *d = gb_room(b, 1);
	if (d) {
		*d = c;
		b->len++;
	}
}

void gb_puts(struct gbuf *b, const char *s);
/* Decimal, no padding. */
void gb_u(struct gbuf *b, uint64_t v);
/* Decimal, zero-padded to width digits. */
void gb_u0(struct gbuf *b, uint64_t v, int width);
/* "YYYY-MM-DD". */
void gb_date(struct gbuf *b, int32_t day);
/* "YYYY-MM-DD", "YYYY-MM" or "YYYY" (enum day_prec). */
void gb_date_prec(struct gbuf *b, int32_t day, int prec);
/* "YYYY-MM". */
void gb_month(struct gbuf *b, int32_t day);
/* A CSV field, quoted (RFC 4180) when it holds a comma, quote or line break. */
void gb_csv(struct gbuf *b, const char *s);
/* A JSON string with its quotes. */
void gb_json(struct gbuf *b, const char *s);
/* "P7900000001" / "H7900000001". */
void gb_pid(struct gbuf *b, int province, uint32_t i);
void gb_hid(struct gbuf *b, int province, uint32_t h);

/* A file written through a large buffer. */
struct gfile {
	FILE *f;
	struct gbuf b;
	bool ioerr;
	long lines;
	uint64_t bytes;
};

enum ds_rc gf_open(struct gfile *f, const char *dir, const char *name);
/* Writes the buffer out when it holds more than a few megabytes. */
void gf_maybe_flush(struct gfile *f);
/* Writes everything and closes; the first error of the file's life. */
enum ds_rc gf_close(struct gfile *f);

/* ---- reference data, names, places (gen_ref.c) ---- */

#define GEN_AGE_GROUPS 21 /* 0-4 ... 95-99, 100+ */
#define GEN_MX_GROUPS 22  /* 0, 1-4, 5-9, ..., 100+ */
#define GEN_ASFR_GROUPS 9 /* 10-14 ... 50-54 */
#define GEN_MAX_AGE 104
#define GEN_MAX_PROVINCES 64

struct gen_ref {
	double pop[2][GEN_AGE_GROUPS]; /* thousands, [sex - 1] */
	double asfr[GEN_ASFR_GROUPS];
	double mx[2][GEN_MX_GROUPS];
	int nprov;
	int prov_code[GEN_MAX_PROVINCES];
	char prov_name[GEN_MAX_PROVINCES][64];
};

enum ds_rc gen_ref_load(struct gen_ref *r);
const char *gen_ref_province(const struct gen_ref *r, int code);

/* Mortality group of an age: 0, 1-4, 5-9, ..., 100+. */
static inline int gen_mx_group(int age)
{
	return age <= 0 ? 0 : age < 5 ? 1 : age >= 100 ? 21 : age / 5 + 1;
}

/* Names: indexes into the tables below. */
extern const char *const gen_family[];
extern const int gen_nfamily;
extern const char *const gen_middle[2][24];
extern const char *const gen_given[2][128];
extern const int gen_ngiven[2];

/* A family name for someone of ethnicity eth in a region (south: true). */
uint8_t gen_draw_family(struct grng *r, int eth, bool south);
/* A middle name (1-based index into gen_middle[sex-1]) for someone born in year. */
uint8_t gen_draw_middle(struct grng *r, int sex, int year);
/* A second middle name for women (0 = none). */
uint8_t gen_draw_middle2(struct grng *r, int sex, int year);
uint8_t gen_draw_given(struct grng *r, int sex);
/* Appends "Family Middle [Middle2] Given". */
void gen_put_name(struct gbuf *b, uint8_t fam, int sex, uint8_t mid, uint8_t mid2, uint8_t giv);

/* An ethnicity code (1-55) for a household in this province. */
uint8_t gen_draw_ethnicity(struct grng *r, int province);
bool gen_province_south(int province);

/* The k-th two-syllable place name (distinct for distinct k < 3000). */
void gen_place_name(uint32_t k, char *out, size_t outsz);

/* ---- the administrative tree (gen_units.c) ---- */

enum gen_ukind { UK_QUAN, UK_HUYEN, UK_THANHPHO, UK_THIXA, UK_PHUONG, UK_XA, UK_THITRAN };

struct gen_commune {
	uint32_t code;
	uint8_t kind;      /* enum gen_ukind */
	uint8_t numbered;  /* "Phường 5" */
	uint32_t name;     /* place name index, or the number */
	uint32_t parent;   /* district (old) or nothing (new) */
	uint32_t newc;     /* old commune: its new commune */
	uint32_t vill0, nvill;
	uint32_t hh0, hh1; /* baseline households, [hh0, hh1) */
};

struct gen_village {
	uint32_t old;     /* old commune */
	uint16_t number;  /* within the old commune */
	uint8_t nareas;
	uint32_t area0;
};

struct gen_area {
	uint32_t village;
	uint8_t number;   /* within the village */
	uint32_t books;   /* household numbers used */
};

struct gen_units {
	uint32_t ndist, nold, nnew, nvill, narea;
	struct gen_commune *dist, *old, *new_;
	struct gen_village *vill;
	struct gen_area *area;
	uint32_t name_next;
};

/* communes: the new communes (0: one per 30,000 persons). */
enum ds_rc gen_units_plan(struct gen_units *u, struct grng *r, long persons, long households,
			  long communes, int province, bool urban);
/* True for a centrally governed city ("TP ..."): districts are mostly quận. */
bool gen_units_urban(const char *province_name);
void gen_units_free(struct gen_units *u);
enum ds_rc gen_units_write(const struct gen_units *u, const struct gen_ref *ref, int province,
			   struct gfile *f, long *rows);
/* Appends the unit's name ("Phường Tân Phú", "Khu phố 3", ...). */
void gen_commune_name(struct gbuf *b, const struct gen_commune *c, bool lower_prefix);
void gen_village_name(struct gbuf *b, const struct gen_units *u, uint32_t v, int province);
/* Appends the 10-digit code of an area. */
void gen_area_code(struct gbuf *b, const struct gen_units *u, uint32_t a);

/* ---- persons and households ---- */

enum {
	GP_PRESENT = 1,  /* in the register now (not dead, not moved out) */
	GP_NID = 2,      /* has a national id */
	GP_INS = 4,      /* has an insurance number */
	GP_GHOST = 8,    /* a deliberate second record: no events */
	GP_PREG = 16,    /* pregnant now */
	GP_BASE = 32,    /* in the baseline */
};

/* A planted duplicate (gen_plant.c): person plant0 + k copies src with variants. */
enum { PL_NAME_SAME, PL_NAME_ASCII, PL_NAME_NOMID, PL_NAME_TYPO };
enum { PL_DATE_EXACT, PL_DATE_DAY, PL_DATE_SWAP, PL_DATE_YEAR };
enum { PL_PLACE_COMMUNE, PL_PLACE_OTHER };

struct gplant {
	uint32_t src;
	uint8_t name, date, place;
	uint8_t word, pos, op, ch; /* the typo: word, code point, operation, letter */
};

struct gperson {
	int32_t birth;   /* effective day (partial dates: July, the 15th) */
	int32_t last;    /* day of the person's last event (or entry) */
	int32_t block;   /* no conception before this day */
	uint32_t hh;
	uint32_t next;   /* next member of the household, index + 1; 0 ends */
	uint32_t spouse; /* index + 1 when the spouse is in the register */
	uint8_t fam, mid, mid2, giv;
	uint8_t sex, marital, fp, residence;
	uint8_t prec, relation, education, eth;
	uint8_t children, flags, checked, pad;
};

struct ghh {
	uint32_t area;
	uint32_t head;   /* index + 1 */
	uint32_t first;  /* first member, index + 1 */
	int32_t entry;
	uint32_t number; /* in the area's book */
	uint16_t members; /* present members, ghosts excluded */
	uint8_t type, poverty;
	uint8_t cont;    /* a continuation sheet: number "N.1" */
	uint8_t pad[3];
};

/* National id buckets: (province, sex/century digit, 2-digit year). */
#define GEN_NID_BUCKETS (100 * 4 * 100)

struct gen {
	const struct gen_opts *o;
	struct grng r;
	struct grng ids; /* event ids */
	struct gen_ref ref;
	struct gen_units units;
	int province;
	bool south;
	int32_t start, end;
	struct gperson *p;
	size_t np, pcap;
	size_t nbase;    /* persons of the baseline, ghosts included */
	struct ghh *h;
	size_t nh, hcap;
	size_t nhbase;
	uint32_t *nid_next; /* per bucket */
	uint64_t ins_next;
	uint32_t dups[1000][2];
	size_t ndups;
	struct gplant *plants; /* persons plant0 .. plant0 + nplants */
	size_t nplants;
	uint32_t plant0;
	/* baseline persons whose national id was planted wrong: index << 1 | kind
	 * (0: digit 4, the sex, 1: digits 5-6, the birth year) */
	uint32_t *badnid;
	size_t nbadnid, badnidcap;
	long births, deaths, events;
	struct progress pr;
	char *msg;
	size_t msgsz;
};

/* Grows the person / household arrays for one more; false on failure. */
bool gen_person_room(struct gen *g);
bool gen_household_room(struct gen *g);
/* Links person i as the last member of household h. */
void gen_hh_add(struct gen *g, uint32_t h, uint32_t i);
/* Unlinks person i from household h. */
void gen_hh_remove(struct gen *g, uint32_t h, uint32_t i);
/* Appends a new unique national id for someone born on day, of sex, from province. */
void gen_put_nid(struct gen *g, struct gbuf *b, int province, int sex, int32_t birth);
/* True when a national id can be made for someone born on day. */
bool gen_nid_possible(int32_t birth);
/* With planting, writes about one baseline national id in 200 spoilt as
 * copying spoils it (the sex digit or the birth year); false when person
 * i's id is not one of them (then nothing is written). */
bool gen_plant_nid(struct gen *g, struct gbuf *b, uint32_t i);
/* truth/national_ids.csv: person_id,part (sex or year) of each spoilt id. */
enum ds_rc gen_plant_nid_write(struct gen *g);
/* Appends a new unique insurance number. */
void gen_put_ins(struct gen *g, struct gbuf *b);
/* Appends the person's full name. */
void gen_put_person_name(struct gbuf *b, const struct gperson *p);

/* The baseline: builds households and persons, writes households.csv and persons.csv. */
enum ds_rc gen_base_build(struct gen *g);
enum ds_rc gen_base_write(struct gen *g, struct gfile *hf, struct gfile *pf);

/* A second record of person src, without ids or events (GP_GHOST), as a
 * member "other" of household to; the caller made room.  Its index. */
uint32_t gen_add_copy(struct gen *g, uint32_t src, uint32_t to);
/* Plants the realistic duplicates (o->plant) after the baseline is built. */
enum ds_rc gen_plant_build(struct gen *g);
/* The full name of person i: planted duplicates with their variant. */
void gen_put_row_name(struct gen *g, struct gbuf *b, uint32_t i);
/* truth/duplicates.csv: every pair recorded twice on purpose. */
enum ds_rc gen_plant_write(struct gen *g);
/* extract.csv and truth/extract.csv, .json (gen_extract.c). */
enum ds_rc gen_extract_write(struct gen *g);

/* The events, written to ef. */
enum ds_rc gen_sim_run(struct gen *g, struct gfile *ef);

/* Education level plausible for an age (drawn). */
uint8_t gen_draw_education(struct grng *r, int age);

#endif
