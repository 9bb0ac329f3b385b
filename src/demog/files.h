/*
 * files: the demography input files (shared/spec/demography.md, "Inputs
 * from files"), parsed from text the caller hands over; no file access.
 *
 * Every reader takes the whole file's bytes and the name that problems
 * show, reads it with the strict CSV reader (base/csv.h: header columns in
 * any order, each once, no others) and stops at the first refusal, which
 * it describes in *pb with the file, the line (0 when the refusal is about
 * the file as a whole) and the column.  Rows may come in any order.
 *
 * Numbers are decimals (an exponent is allowed: 1.2e-05), at most 63
 * bytes; ages and widths whole years from 0 to DM_AGE_MAX.  Sexes are M, F
 * and, in life tables only, T.  No reader allocates anything that outlives
 * it except dm_fert's rates (dm_fert_free).  A width n outside 1 to
 * DM_AGE_MAX, or groups or steps beyond their maxima, are the caller's
 * mistake: DS_EUSAGE, without a problem.
 */
#ifndef DS_DEMOG_FILES_H
#define DS_DEMOG_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "demog/lifetable.h"
#include "demog/project.h"

/*
 * `sex,age,width,mx[,ax]` or `sex,age,width,deaths,exposure[,ax]`: one
 * table per sex present, computed (dm_lt_compute).  width is empty for the
 * open group; an empty ax is the default.  With deaths, mx = deaths /
 * exposure, and exposure must be above zero.
 */
struct dm_lt_set {
	bool has[3]; /* by enum dm_sex */
	struct dm_lt t[3];
	long line[3][DM_GROUPS_MAX]; /* each group's line */
};
enum ds_rc dm_read_lifetable(const char *data, size_t size, const char *name,
			     struct dm_lt_set *out, struct ds_problem *pb);

/*
 * Person-years by sex and age, for survival ratios: survival.csv
 * (`sex,age,Lx`, radix 100,000, the open group's Lx its T; ages abridged,
 * single years or five-year groups 0,5,10,..., each Lx above zero), or a
 * life table's Lx.
 */
struct dm_L_set {
	char name[DS_FILE_MAX];
	bool has[3];
	size_t n[3];
	int age[3][DM_GROUPS_MAX];
	double L[3][DM_GROUPS_MAX];
	long line[3][DM_GROUPS_MAX];
};
enum ds_rc dm_read_survival(const char *data, size_t size, const char *name,
			    struct dm_L_set *out, struct ds_problem *pb);
void dm_L_from_lifetables(const struct dm_lt_set *lt, const char *name, struct dm_L_set *out);
/*
 * The survival ratios of both sexes for a projection of width n and G
 * groups (dm_ratios_from_L); refuses a set without M or F, or whose groups
 * do not fit, naming the line.
 */
enum ds_rc dm_L_ratios(const struct dm_L_set *set, int n, size_t groups,
		       double S[2][DM_GROUPS_MAX], struct ds_problem *pb);

/*
 * population.csv (`sex,age,count`, counts not negative) and migration.csv
 * (the same, counts of either sign): M and F, every group 0, n, ..., A of
 * the projection's width n.  The population's highest age is its open
 * group A and sets the groups; migration.csv must have the same.
 */
struct dm_counts {
	size_t groups;
	double v[2][DM_GROUPS_MAX]; /* [sex][group] */
};
enum ds_rc dm_read_population(const char *data, size_t size, const char *name, int n,
			      struct dm_counts *out, struct ds_problem *pb);
enum ds_rc dm_read_migration(const char *data, size_t size, const char *name, int n,
			     size_t groups, struct dm_counts *out, struct ds_problem *pb);

/*
 * fertility.csv: `age,asfr` or `step,age,asfr`.  Ages are groups of width n
 * within the population's; a rate above zero only where the whole group
 * lies in the childbearing ages DM_FERT_LO to DM_FERT_HI, and at most 1.
 * With steps (1 to DM_STEPS_MAX; step 1 required), a step's rates hold
 * until the next step listed; steps beyond `steps` are checked, not used.
 * Each step lists its ages without a gap; ages it does not list have rate 0.
 */
#define DM_FERT_LO 10
#define DM_FERT_HI 54
struct dm_fert {
	size_t groups, steps;
	double *asfr;       /* steps x groups, owned */
	size_t first, last; /* the groups listed in any step used, for output */
};
enum ds_rc dm_read_fertility(const char *data, size_t size, const char *name, int n,
			     size_t groups, size_t steps, struct dm_fert *out,
			     struct ds_problem *pb);
void dm_fert_free(struct dm_fert *f);

/*
 * params.csv: `name,value` with srb (required, DM_SRB_MIN to DM_SRB_MAX)
 * and migration (even or end, optional: -1 when absent).
 */
#define DM_SRB_MIN 0.9
#define DM_SRB_MAX 1.3
struct dm_params {
	double srb;
	int migration; /* enum dm_migration, or -1 */
};
enum ds_rc dm_read_params(const char *data, size_t size, const char *name,
			  struct dm_params *out, struct ds_problem *pb);

#endif
