/*
 * gen: a synthetic province, deterministic by seed, in the exchange formats.
 *
 * gen_run() writes into a folder the four exchange files (units.csv,
 * households.csv, persons.csv, events.ndjson, exactly as shared/spec/
 * exchange.md defines them) and manifest.json:
 *
 *   - units: the province, its districts and old communes (closed on
 *     2025-06-30), the merged new communes (open from 2025-07-01), villages
 *     linked to the old commune and re-linked to the new one, and the
 *     collaborator areas under them;
 *   - a baseline register as of the start date whose age-sex structure is
 *     Viet Nam's (shared/data), in households of plausible composition;
 *   - events from the start date to the end date (never after today),
 *     simulated month by month on every person's state, so that each one
 *     passes the register's rules when the files are imported in order:
 *     births by the fertility schedule, deaths by the mortality schedule,
 *     marriages, divorces, migration, contraception, pregnancies,
 *     screenings, elderly checks, household changes, a few entries made
 *     twice and voided.
 *
 * Invariants: the same options give byte-identical files (one PRNG stream
 * from the seed, no clock, no rand()); every id and national id is unique
 * in the whole output; events.ndjson is sorted by date and, within a day,
 * in the order the simulation made them, which is an order the register
 * accepts.  A few persons are deliberately recorded twice (in another
 * household of the same commune, without ids); manifest.json lists them.
 *
 * With `plant`, about one person in a hundred more is recorded a second
 * time the way real registers get duplicates (gen_plant.c): the name with
 * its diacritics dropped, a middle name missing or one typo; the birth date
 * exact, another day of the month, day and month swapped or the year only;
 * in another household of the same commune or of another commune.  These
 * come from a PRNG stream of their own, after the baseline is drawn; every
 * pair, the exact ones included, is written to truth/duplicates.csv so that
 * tests can measure the recall of duplicate detection.  Planting also
 * writes about one baseline national id in 200 spoilt (the sex digit or
 * the birth year, still unique), listed in truth/national_ids.csv.
 * Without `plant` the files are byte for byte those of earlier versions.
 */
#ifndef DS_GEN_H
#define DS_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define GEN_PERSONS_MIN 100L
#define GEN_PERSONS_MAX 20000000L
#define GEN_YEARS_MAX 30
#define GEN_START_MIN_YEAR 1990
/* --communes: communes of the map from 2025-07-01, at most one per 10 persons */
#define GEN_COMMUNES_MIN 2L
#define GEN_COMMUNES_MAX 15000L
#define GEN_PERSONS_PER_COMMUNE_MIN 10L

struct gen_opts {
	const char *out;  /* folder to write (created when missing) */
	long persons;     /* rows of persons.csv, GEN_PERSONS_MIN..GEN_PERSONS_MAX */
	uint64_t seed;
	int province;     /* a code of shared/data/provinces-2025.csv */
	long communes;    /* communes from 2025-07-01; 0: one per 30,000 persons */
	int32_t start;    /* baseline date (the as-of date), not after today */
	int years;        /* of events, 0..GEN_YEARS_MAX */
	bool progress;    /* progress lines on stderr */
	bool plant;       /* plant realistic duplicates, listed in truth/duplicates.csv */
	bool extract;     /* write extract.csv, the national database's, with truth/extract.* */
};

struct gen_stats {
	long units;      /* rows of units.csv */
	long households; /* rows of households.csv */
	long persons;    /* rows of persons.csv */
	long events;     /* lines of events.ndjson */
	long duplicates; /* persons recorded twice on purpose */
	long planted;    /* of them, with name, date or place variants (--plant-duplicates) */
	long births, deaths;
	int32_t end;     /* last day events may have */
	double seconds;
};

/* The defaults of `danso gen`: 10,000 persons, seed 1, province 79, 2023-01-01, 3 years. */
void gen_opts_default(struct gen_opts *o);

/* True when code is one of the 34 provinces. */
bool gen_province_valid(int code);

/*
 * Generates the province into o->out.  On failure msg (may be NULL) says
 * what went wrong in a sentence for the user.  DS_EUSAGE for bad options,
 * DS_EIO when a file cannot be written, DS_ENOMEM.
 */
enum ds_rc gen_run(const struct gen_opts *o, struct gen_stats *stats, char *msg, size_t msgsz);

#endif
