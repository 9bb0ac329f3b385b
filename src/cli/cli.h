/*
 * cli: the command line.  One table (cli.c) lists every command with its
 * summary and help text; `danso help` and `danso CMD --help` come from it.
 *
 * A command is int run(int argc, char **argv) with argv[0] the command name;
 * it returns an exit status from ds_rc_exit().  Exit statuses are a contract
 * (README, "Exit codes").
 */
#ifndef DS_CLI_H
#define DS_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/err.h"

struct cli_cmd {
	const char *name;
	const char *summary; /* one line */
	const char *help;    /* usage and options, printed by --help */
	int (*run)(int argc, char **argv);
};

int cli_main(int argc, char **argv);

/* Prints the command's help to f. */
void cli_usage(const char *cmd, FILE *f);

/* True when argv holds -h or --help (before a "--"). */
bool cli_wants_help(int argc, char **argv);

/*
 * Prints a problem on stderr in the user's language (DANSO_LANG=vi or
 * --lang vi; English by default, as in logs).
 */
void cli_problem(const struct ds_problem *p);
/* Prints "danso CMD: message" on stderr and returns the exit status of rc. */
int cli_fail(const char *cmd, enum ds_rc rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *cli_lang(void);
/* A refused input: {"error": {"code", "message", "field"}} on stdout, the
 * field and reason on stderr, in lang ("vi" or "en"); the exit status of rc. */
int cli_refused(const char *cmd, enum ds_rc rc, const struct ds_problem *pb, const char *in_lang);
void cli_set_lang(const char *lang);

/* Writes b to the file out, or to stdout when out is NULL; 0 or the exit status. */
struct buf;
int cli_write_out(const char *cmd, const struct buf *b, const char *out);

/* The default database when --db is not given. */
#define CLI_DEFAULT_DB "danso.db"

/* Exit status when --keep-good applied the good rows and refused others. */
#define CLI_EXIT_PARTIAL 14

/* Who a command records as having made a change: $USER, or "cli". */
const char *cli_default_by(void);

struct store;
/* Opens the store for a command; returns 0 or the exit status (message printed). */
int cli_open_store(const char *cmd, const char *db, bool create, struct store **st);

/* A whole file mapped read-only. */
struct cli_file {
	const char *data;
	size_t size;
	bool mapped;
};
int cli_map_file(const char *path, struct cli_file *f);
void cli_unmap_file(struct cli_file *f);

/*
 * An entry in the audit log for what a command reads or changes, as done
 * from the command line by the system user, committed before the command
 * shows or writes anything.
 */
struct store;
enum ds_rc cli_audit(struct store *st, const char *action, const char *object, const char *id,
		     const char *area);
/* The same for many, in one transaction: the strings of objs, or their
 * member `member` when they are objects; in area, or (NULL) in each
 * object's member "area". */
enum ds_rc cli_audit_ids(struct store *st, const char *action, const char *object, json_t *objs,
			 const char *member, const char *area);

/* Commands, in files by group under src/cli/. */
/* cmd_dup.c */
int cmd_duplicates(int argc, char **argv);
int cmd_decide(int argc, char **argv);
/* cmd_reconcile.c */
int cmd_reconcile(int argc, char **argv);
/* cmd_register.c: the register's writes */
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_events(int argc, char **argv);
/* cmd_show.c: reading persons and households */
int cmd_person(int argc, char **argv);
int cmd_subject_file(int argc, char **argv);
int cmd_audit_search(int argc, char **argv);
int cmd_household(int argc, char **argv);
int cmd_find(int argc, char **argv);
/* cmd_export.c */
int cmd_export(int argc, char **argv);
/* cmd_gen.c */
int cmd_gen(int argc, char **argv);
/* cmd_report.c: reports, targets, the balancing check */
int cmd_report(int argc, char **argv);
int cmd_targets(int argc, char **argv);
/* cmd_shareout.c: danso targets share|status */
int cmd_targets_flow(int argc, char **argv);
int cmd_check(int argc, char **argv);
/* cmd_units.c: changes of the administrative map, time series across them */
int cmd_units(int argc, char **argv);
int cmd_series(int argc, char **argv);
/* cmd_worklist.c: the programmes' work lists */
int cmd_worklist(int argc, char **argv);
/* cmd_elderly.c: the elderly-check programme */
int cmd_elderly(int argc, char **argv);
/* cmd_workforce.c: the collaborators */
int cmd_workforce(int argc, char **argv);
/* cmd_quality.c: the data quality report */
int cmd_quality(int argc, char **argv);
/* cmd_serve.c: the server and its accounts */
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
/* cmd_cycle.c: the monthly cycle */
int cmd_submit(int argc, char **argv);
int cmd_approve(int argc, char **argv);
int cmd_return(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_export_dhis2(int argc, char **argv);
/* cmd_demog.c: life tables and projections */
int cmd_lifetable(int argc, char **argv);
int cmd_project(int argc, char **argv);
/* cmd_forecast.c: projections from the register and their scenarios */
int cmd_project_db(int argc, char **argv);
int cmd_scenario(int argc, char **argv);
int cmd_comm(int argc, char **argv);

#endif
