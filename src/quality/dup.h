/*
 * dup: persons recorded twice (spec/quality.md, Duplicates; issue 14 B).
 *
 * One pass over the store's persons (and one over its birth events, for
 * mothers) loads the persons present today in the areas the caller
 * accepts.  Candidate pairs come from blocking, never from comparing every
 * pair; each block key is hashed to 64 bits:
 *
 *   - the same national id; the same insurance number;
 *   - the same folded family name, given name and birth year (the exact
 *     key: a birth date copied wrong still meets);
 *   - the folded family and given names, the birth year, the sex and the
 *     birth month, and the same with one letter deleted from the family or
 *     the given name (the deletion neighbourhood: any one typo in either
 *     name leaves a shared key); a birth day that could be a month (1 to
 *     12) gives its keys under that month too (day and month swapped), a
 *     birth year alone under each month; middle names are left out, so a
 *     middle name missing still meets;
 *   - the same folded full name and the same mother.
 *
 * The keys of the persons born in a few years (or of a hash range of the
 * ids) make one task; up to DUP_THREADS_MAX threads share the tasks.  A
 * block larger than DUP_BLOCK_MAX is left out (it says nothing: thousands
 * of persons share it) and counted.  A pair is not compared in a deletion
 * block when it shares the exact key, nor in another month's than the
 * lowest both have; the score's parts other than the name are added first,
 * and the names are compared only when they could lift the pair to the
 * threshold.  The answer does not depend on the number of threads.
 *
 * A pair is scored from 0 to 1 (dup.c; worked by hand in tests/unit/test_dup.c):
 *
 *   score = 0.40 name + 0.25 birth + 0.20 facts + 0.05 sex + 0.10 place
 *           + 0.05 for the same mother - 0.02 ln n (n persons of the unit
 *           share the more common of the two family-and-given names)
 *           - 0.3 for two different national ids - 0.15 for two different
 *           insurance numbers, within 0..1; the same national id gives 1;
 *   name  = F x G x M, the family, given and middle names compared part by
 *           part: 1 for the same folded letters, DUP_MARKS when both names
 *           are written with marks and these differ (Lý and Ly are two
 *           names), Jaro-Winkler on the folded part but at least DUP_TYPO
 *           when one letter is deleted, doubled, replaced or swapped (in
 *           code points, with the marks when both have them), else JW
 *           squared; M = 0.95 when one side has no middle name, and for
 *           middle names two slips or more apart (JW(middle) - 0.6) / 0.4
 *           within 0..1;
 *   birth = 1 exact, 0.8 day and month swapped, 0.7 the day off by one
 *           digit or its digits swapped (12, 21), 0.4 another day of the
 *           month, 0.3 the same year; against a partial date 0.7 (the same
 *           month) or 0.5 (the year only); 0 for another year;
 *   facts = the share of ethnicity, education and marital status agreeing;
 *   place = 1 the same area, 0.7 the same commune, 0.4 the same district,
 *           0.2 else.
 *
 * Each pair says why in `reasons`, in this order: "national_id",
 * "insurance", "national_id_differs", "insurance_differs", "name_same" or
 * "name_similar", "name_marks_differ", "name_typo", one of
 * "birth_partial", "birth_exact", "birth_swapped", "birth_day_typo",
 * "birth_month", "birth_year", then "facts" (all three agree), "sex", one
 * of "same_area", "same_commune", "same_district", then "mother",
 * "name_common".
 *
 * The result is {"pairs":[{"a","b","score","reasons"}]}, highest score
 * first (then a, b): a is the person recorded first.  Nothing is written;
 * the caller audits the persons it shows.
 */
#ifndef DS_QUALITY_DUP_H
#define DS_QUALITY_DUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "register/record.h"
#include "store/store.h"

#define DUP_MIN_SCORE 0.72  /* the default threshold (docs/BENCHMARKS.md) */
#define DUP_BLOCK_MAX 4000  /* larger blocks are left out */
#define DUP_PAIRS_MAX 100000 /* pairs answered at most */
#define DUP_MARKS 0.8        /* a name part written with other marks */
#define DUP_TYPO 0.9         /* a name part one letter apart, at least */
#define DUP_NID_DIFFERS 0.3  /* taken off for two different national ids */
#define DUP_INS_DIFFERS 0.15 /* taken off for two different insurance numbers */
#define DUP_THREADS_MAX 8    /* threads sharing the blocks, at most (one a core) */

/* What a person is compared on (one is filled by dup_person_of). */
struct dup_person {
	int64_t rid;
	char key[REG_NAME_BYTES]; /* the folded full name */
	char name[REG_NAME_BYTES]; /* as written (NFC), "" when unknown */
	int32_t birth;
	uint8_t prec, sex;
	const char *area;     /* the collaborator area (borrowed) */
	const char *commune;  /* above it today, "" when none (borrowed) */
	const char *district;
	uint64_t nid, ins;    /* hashes, 0 when none */
	int64_t mother;       /* rid, 0 when unknown */
	uint16_t eth;         /* the two characters of the ethnicity code */
	uint8_t edu, marital;
};

struct dup_request {
	const char *unit;   /* persons present today in this unit */
	double min_score;
	/* Optional: false leaves out a person of an area (the caller's scope). */
	bool (*area_ok)(const char *area, void *arg);
	/* Optional: true leaves out a pair already decided "not the same". */
	bool (*decided)(const char *a, const char *b, void *arg);
	void *arg;
};

struct dup_stats {
	long persons, keys, blocks_left_out;
	long long compared;
	double seconds, load_seconds; /* in all; loading the persons */
};

/*
 * The candidate pairs of rq->unit into *out (the caller decrefs).
 * DS_ENOTFOUND for an unknown unit; DS_ENOMEM; the store's errors.
 */
enum ds_rc dup_find(struct store *st, const struct dup_request *rq, json_t **out,
		    struct dup_stats *stats);

/*
 * The score of two persons (0..1) and its reasons, appended to reasons
 * (a JSON array, may be NULL).  Pure: for the entry check and the tests.
 */
double dup_score(const struct dup_person *a, const struct dup_person *b, json_t *reasons);

/* Fills p's name key, birth, sex and id hashes from a record; places left NULL. */
enum ds_rc dup_person_of(const struct reg_person *r, struct dup_person *p);

#endif
