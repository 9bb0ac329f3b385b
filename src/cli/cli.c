/* The command table (names, help, handlers) and what every command shares: options, store, output. */
#include "cli/cli.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "store/accounts.h"
#include "store/audit.h"

#define DB_OPT "  --db PATH        the database: a SQLite file (default danso.db)\n" \
	       "                   or a postgresql:// URL\n"

static const struct cli_cmd commands[] = {
	{"init", "create an empty register database",
	 "usage: danso init [--db PATH]\n\n"
	 "Creates the database and its tables (or upgrades an older one).\n\n" DB_OPT,
	 cmd_init},
	{"import", "load units, households and persons from CSV files",
	 "usage: danso import [--db PATH] [--units FILE] [--households FILE]\n"
	 "                    [--persons FILE] --as-of YYYY-MM-DD [--keep-good]\n"
	 "                    [--rejects FILE]\n\n"
	 "Loads a baseline register in the CSV formats of docs/API.md (exchange\n"
	 "formats).  The files are checked first; an import applies completely or\n"
	 "not at all.  With --keep-good the good rows are applied and the bad ones\n"
	 "are written to the --rejects file (default rejects.csv) with the reason.\n\n" DB_OPT
	 "  --as-of DATE     the date the household books were taken (required\n"
	 "                   with --households or --persons)\n"
	 "  --lang vi        messages in Vietnamese\n",
	 cmd_import},
	{"events", "record changes from an NDJSON file (one event per line)",
	 "usage: danso events [--db PATH] [--keep-good] [--rejects FILE] FILE.ndjson\n\n"
	 "Checks every event against the register on its date and records it.\n"
	 "An event id already recorded with the same content is skipped; with\n"
	 "different content it is refused.  Without --keep-good the file applies\n"
	 "completely or not at all; with it, good events are committed in batches\n"
	 "and refused ones written to the --rejects file (default rejects.ndjson)\n"
	 "as {\"line\":N,\"field\":...,\"reason\":...,\"event\":{...}}.\n\n" DB_OPT
	 "  --by NAME        who recorded the events (default: the system user)\n"
	 "  --lang vi        messages in Vietnamese\n",
	 cmd_events},
	{"person", "show a person and their dated history",
	 "usage: danso person [--db PATH] [--json] ID\n\n" DB_OPT
	 "  --json           machine-readable output\n",
	 cmd_person},
	{"subject-file", "a person's file: all held on them and every access to it (PDPL)",
	 "usage: danso subject-file [--db PATH] --person ID [--out FILE]\n\n"
	 "Writes, as JSON, everything the register holds on one person (the record\n"
	 "as of today, the dated events that name them, the household's address,\n"
	 "officers' questions and answers on those events, their requests) and every\n"
	 "access to it from the audit log, oldest first: the file a person may ask\n"
	 "for under the Personal Data Protection Law (91/2025/QH15).  Making it is\n"
	 "audited.  Standard output unless --out.\n\n" DB_OPT,
	 cmd_subject_file},
	{"audit-search", "every access by an account or to a unit in a time range, as CSV",
	 "usage: danso audit-search [--db PATH] --from T --to T [--login L] [--unit CODE]\n"
	 "                          [--out FILE.csv]\n\n"
	 "For a breach investigation (the law gives 72 hours to notify): the audit\n"
	 "log's entries in the range, in time order, by one account (--login; \"-\"\n"
	 "for refused anonymous tries) and/or about objects in a unit (--unit: a\n"
	 "person's or household's area when it was read, a report's unit).  T is\n"
	 "YYYY-MM-DD (midnight in Viet Nam; as --to, the end of that day) or\n"
	 "YYYY-MM-DDTHH:MM[:SS] with Z or +hh:mm (Viet Nam's time when none).\n"
	 "Columns: seq, at_utc, at_vietnam, login, role, unit, action, object,\n"
	 "object_id, area, outcome.  The search is audited.  Progress on stderr.\n\n" DB_OPT,
	 cmd_audit_search},
	{"household", "show a household, its members and its history",
	 "usage: danso household [--db PATH] [--json] ID\n\n" DB_OPT
	 "  --json           machine-readable output\n",
	 cmd_household},
	{"find", "find persons by name, ignoring diacritics and case",
	 "usage: danso find [--db PATH] [--born YYYY] [--limit N] [--json] NAME\n\n"
	 "\"nguyen van an\" finds \"Nguyễn Văn An\".  A name matches when it starts\n"
	 "with the words given, or when a single word given is the given name.\n\n" DB_OPT
	 "  --born YYYY      only persons born that year\n"
	 "  --limit N        at most N results (default 50, at most 1000)\n",
	 cmd_find},
	{"export", "write the register back out in the exchange formats",
	 "usage: danso export [--db PATH] --out DIR\n\n"
	 "Writes units.csv, households.csv, persons.csv and events.ndjson (and\n"
	 "manifest.json with the baseline date).  Importing them into an empty\n"
	 "database gives the same register.\n\n" DB_OPT,
	 cmd_export},
	{"report", "compute a report form for a unit and period",
	 "usage: danso report [--db PATH] --form CODE --unit CODE --period P\n"
	 "                    [--map-date YYYY-MM-DD] [--format json|csv|xlsx|html]\n"
	 "                    [--columns auto|single|communes] [--lang vi|en] [-o FILE]\n"
	 "                    [--repeat N]\n\n"
	 "Forms: 01-DSX (monthly), 02-DSX (quarterly), 03-DSX (annual), 01-DSH\n"
	 "(legacy district quarterly), CHI-BAO (indicators).  Periods: 2024,\n"
	 "2024-Q1, 2024-H1, 2024-03.  Units are counted under the administrative\n"
	 "map of --map-date (default: the period's last day).  A commune or lower\n"
	 "unit gets one column; a district, province or the country gets one\n"
	 "column per commune and a total.  Output goes to stdout without -o.\n"
	 "--repeat N computes it N more times and prints the load and computing\n"
	 "times and the engine's memory (for benchmarks).\n\n" DB_OPT,
	 cmd_report},
	{"series", "one row of a monthly form, month by month, under one map",
	 "usage: danso series [--db PATH] [--form 01-DSX] --row CODE --unit CODE\n"
	 "                    [--map-date YYYY-MM-DD] [--from YYYY-MM] [--to YYYY-MM]\n"
	 "                    [--format csv|json]\n\n"
	 "The row's value for every month from --from (default 2023-01) to --to\n"
	 "(default this month), all counted under the administrative map of\n"
	 "--map-date: by default today's map when the unit exists today, so a\n"
	 "new commune's series runs on across 1 July 2025 (its months before are\n"
	 "counted on the areas it now holds), and for a unit that no longer\n"
	 "exists the map of its last day (the old map).  Rows are those of\n"
	 "`danso report --form 01-DSX` (e.g. 1 for births).\n\n" DB_OPT,
	 cmd_series},
	{"units", "change the administrative map from a crosswalk file (merge, split, rename, ...)",
	 "usage: danso units apply --crosswalk FILE [--db PATH] [--preview [--json]]\n"
	 "                         [--by NAME] [--lang vi]\n\n"
	 "Reads old_code,new_code,new_name,level,new_parent,effective[,areas]\n"
	 "(docs/API.md, \"Changes of the administrative map\"): one line per\n"
	 "link from an old unit to a new one, effective from a date.\n"
	 "  create   empty old_code;           close   empty new_code;\n"
	 "  rename or move: new_code = old_code (empty name/parent keep them);\n"
	 "  merge    several old codes with one new code (the units under them\n"
	 "           move to it; one of the old codes may be the new one);\n"
	 "  split    one old code with several new codes: each line's areas\n"
	 "           column lists the units directly under the old unit that go\n"
	 "           to its new unit (codes separated by spaces or ';').\n"
	 "The whole file is checked before anything is written: no unit left\n"
	 "without a parent, no overlapping dates, no code given again (commune\n"
	 "codes are permanent, Decision 19/2025); each refusal names the file,\n"
	 "line, field and reason, and nothing is applied.  Then it is applied in\n"
	 "one transaction: open rows end on the day before, new rows begin on\n"
	 "the day; nothing is deleted, so every report can still be had under\n"
	 "the map of any date.  Running servers pick the change up within a\n"
	 "second or two, without a restart.\n"
	 "--preview applies nothing and shows the new units with their\n"
	 "population on the effective date, and the old and new place of every\n"
	 "area that moves (as JSON with --json).\n\n" DB_OPT
	 "  --by NAME        who made the change (default: the system user)\n",
	 cmd_units},
	{"check", "the balancing check: stock, flows and every other entry and exit",
	 "usage: danso check [--db PATH] --unit CODE --period P [--map-date YYYY-MM-DD]\n"
	 "                   [--all] [--json]\n\n"
	 "For the unit and every commune under it: end = start + births - deaths\n"
	 "+ in - out + other entries - other exits, with each other entry and exit\n"
	 "listed with its event.  Lists the units that do not balance (all units\n"
	 "with --all); exits with status 3 when one does not.\n\n" DB_OPT,
	 cmd_check},
	{"quality", "the data quality report: checks, rules between rows and outliers",
	 "usage: danso quality [--db PATH] --unit CODE --period P [--format json|csv|xlsx]\n"
	 "                     [--lang vi|en] [-o FILE] [--repeat N]\n\n"
	 "Runs every check and rule of defs/quality/ for the unit and its communes\n"
	 "over the period (2024, 2024-Q1, 2024-H1, 2024-03): persons over 110,\n"
	 "mothers outside 10-60, persons in two households, the balancing\n"
	 "equation, areas with no event for three months, events recorded late,\n"
	 "the rules between the rows of 01-DSX (births >= newborns screened, ...)\n"
	 "and the months of 01-DSX that are outliers in each commune's series\n"
	 "(modified z-score above 3.5, or outside the commune's own range).\n"
	 "Each finding is a sentence in --lang (Vietnamese by default) with what to\n"
	 "do.  The persons named are recorded in the access log.  --format xlsx\n"
	 "needs -o.  --repeat N times N more runs (for benchmarks).\n\n" DB_OPT,
	 cmd_quality},
	{"duplicates", "candidate pairs of persons recorded twice, highest score first",
	 "usage: danso duplicates [--db PATH] --unit CODE [--min-score S] [--format json|csv]\n\n"
	 "Finds the persons present today in the unit who may be one person recorded\n"
	 "twice: blocked on the national id, the insurance number, the folded family\n"
	 "and given names with the birth year (one typo allowed), and the full name\n"
	 "with the mother; scored from 0 to 1 on the names (Jaro-Winkler), the birth\n"
	 "date, the sex, the place and the mother.  Prints the pairs scoring at least\n"
	 "S (default 0.72): {\"pairs\":[{\"a\",\"b\",\"score\",\"reasons\"}]}, or CSV.\n"
	 "Pairs decided \"not the same\" are left out.  Both persons of each pair\n"
	 "are recorded in the access log.\n\n" DB_OPT,
	 cmd_duplicates},
	{"reconcile", "compare the register with an extract of the national population database",
	 "usage: danso reconcile [--db PATH] --extract FILE --unit CODE [--format json|csv]\n\n"
	 "FILE: CSV, UTF-8, header national_id,full_name,sex,birth_date,commune_code,\n"
	 "address,residence (residence 1 permanent, 2 temporary; birth_date as in\n"
	 "persons.csv).  A bad header, row or encoding refuses the file with its line\n"
	 "and field, and nothing is compared.  The extract's rows of the unit are\n"
	 "matched one to one with the persons present today in it: by national id,\n"
	 "then by folded name, sex and birth date in the same commune.  Prints\n"
	 "{\"matched\", \"differences\", \"only_register\", \"only_extract\",\n"
	 "\"communes\": [...], \"items\": [{\"kind\", \"person_id\", \"national_id\",\n"
	 "\"fields\"}]}.  The extract is not kept; the run is recorded in the access log\n"
	 "with the file's SHA-256.\n\n" DB_OPT,
	 cmd_reconcile},
	{"decide", "decide on a pair of persons: the same person (a merge) or not",
	 "usage: danso decide [--db PATH] --person P --duplicate D (--same | --not-same)\n"
	 "                    [--note TEXT]\n\n"
	 "--not-same records that P and D are two persons: the pair is not proposed\n"
	 "again by danso duplicates.  --same records a merge event: D is the person\n"
	 "recorded twice and disappears from every date; its events that fit P's\n"
	 "timeline (births, marriages, contraception, pregnancies, screenings,\n"
	 "checks) count as P's.  Prints {\"decision\", \"event_seq\" or \"record_seq\",\n"
	 "\"moved\": [...], \"listed\": [...]}: the listed events (moves, deaths,\n"
	 "changes of details, and what does not fit) are for the officer to record\n"
	 "on P if they are true.  A merge is undone by voiding its event (danso\n"
	 "events); refused: the same person, different sex, already merged.\n\n" DB_OPT,
	 cmd_decide},
	{"worklist", "a programme's work list: whom to visit, by area",
	 "usage: danso worklist [--db PATH] --list L --unit CODE [--date YYYY-MM-DD]\n"
	 "                      [--from YYYY-MM-DD] [--months N] [--by LOGIN]\n"
	 "                      [--format json|csv|xlsx] [--lang vi|en] [-o FILE] [--repeat N]\n\n"
	 "L is elderly (60 and over, no check this year), prenatal (pregnant, a\n"
	 "screening at about 12 or 21 weeks to do), newborn (born in the last 30\n"
	 "days, not screened), premarital (married from --from, 1 January by\n"
	 "default, without a check-up), poor-fp (married women 15-49 of poor and\n"
	 "near-poor households, with their method and the supplies to plan for\n"
	 "--months, 3 by default) or third-births (births of order 3 or more from\n"
	 "--from).  The unit's persons on --date (today by default), by area and\n"
	 "household, computed from the register in memory.  --by checks the\n"
	 "account's role and scope as the API does (out of scope: not found).\n"
	 "Every person listed is recorded in the access log.  --format xlsx needs\n"
	 "-o.  --repeat N times N more runs (for benchmarks).\n\n" DB_OPT,
	 cmd_worklist},
	{"elderly", "the elderly-check programme: sessions, invitations, attendance, follow-up, coverage",
	 "usage: danso elderly schedule --unit COMMUNE --date YYYY-MM-DD --place TEXT\n"
	 "                              --capacity N --areas AREA,AREA... [--by LOGIN]\n"
	 "       danso elderly invite --session ID --persons ID,ID... [--by LOGIN]\n"
	 "       danso elderly attend --session ID --persons ID,ID... [--by LOGIN]\n"
	 "       danso elderly sessions --unit CODE [--year YYYY] [--by LOGIN]\n"
	 "       danso elderly lists --session ID [--format json|csv] [--by LOGIN]\n"
	 "       danso elderly followup --unit CODE [--date YYYY-MM-DD] [--by LOGIN]\n"
	 "       danso elderly coverage --unit CODE [--date YYYY-MM-DD] [--by LOGIN]\n"
	 "       (each with [--db PATH] [--lang vi|en])\n\n"
	 "A commune schedules check sessions (today or later) for areas under it;\n"
	 "persons aged 60 or more on the session's day who live in those areas are\n"
	 "invited (not to a session already past, not beyond its capacity); the\n"
	 "attendance of invited persons at a session held (today or before) is\n"
	 "recorded in one action, each person an elderly_check event through the\n"
	 "ledger, dated on the session's day, with an id made from the session and\n"
	 "the person (sending it again changes nothing).  A refusal names the field\n"
	 "(persons[2]: ...) and nothing is written.  lists prints the invitation\n"
	 "lists by area; followup, those invited to a session held in the year and\n"
	 "still not checked on --date; coverage, per area and commune, the persons\n"
	 "aged 60 or more counted on --date, those checked in its year, the share\n"
	 "and the ELC target with the progress (reached, on_track, behind).  Every\n"
	 "answer is JSON.  --by checks the account's role and scope as the API does\n"
	 "(out of scope: not found).  Persons shown or changed are recorded in the\n"
	 "access log.\n\n" DB_OPT,
	 cmd_elderly},
	{"workforce", "collaborators: records, areas, trainings, and the workforce of a unit",
	 "usage: danso workforce add --unit COMMUNE --code C --name NAME [--sex 1|2] [--birth-year Y]\n"
	 "                           [--phone P] [--login L] [--inactive] [--by LOGIN]\n"
	 "       danso workforce assign --area AREA --code C --from YYYY-MM-DD [--to YYYY-MM-DD] [--by LOGIN]\n"
	 "       danso workforce train --unit COMMUNE --code C --course TEXT --date YYYY-MM-DD [--hours H] [--by LOGIN]\n"
	 "       danso workforce report --unit CODE [--date YYYY-MM-DD] [--by LOGIN]\n\n"
	 "add records a collaborator of a commune (again with the same code: the\n"
	 "record replaces the earlier; --inactive: has left).  assign gives them an\n"
	 "area from a day (to a day, or open; again with the same --from: ends or\n"
	 "changes that assignment); an area already covered on those dates is\n"
	 "refused (from: ...).  train records a course (refused without one).\n"
	 "report: areas without a collaborator on --date and since when, each\n"
	 "collaborator's areas, trainings and events recorded per month (by their\n"
	 "login), those silent for two months, turnover in the year and training\n"
	 "coverage.  JSON.  --by: an officer whose scope holds the unit.\n\n" DB_OPT,
	 cmd_workforce},
	{"targets", "yearly targets: load a CSV, share out to communes, progress",
	 "usage: danso targets [--db PATH] --file targets.csv\n"
	 "       danso targets share --unit U --year Y --indicator K --method proportional|manual\n"
	 "                     [--base population|women_15_49|elderly|births] [--target T]\n"
	 "                     [--shares COMMUNE=V,COMMUNE=V...] [--by LOGIN] [--dry-run]\n"
	 "       danso targets status --unit U --year Y [--date YYYY-MM-DD] [--lang vi|en]\n\n"
	 "--file: each line sets the target of one indicator (a row's target key,\n"
	 "e.g. 12 or MCPR) for a unit and year; quarterly and annual forms show it\n"
	 "beside the actual value with the share reached (none for a ceiling such\n"
	 "as SRB: its progress instead).\n"
	 "share: the unit's target of the year (--target sets it, else its current\n"
	 "one) shared out to every commune under it, proportionally to a base (the\n"
	 "indicator's by default, counted on 31 December before; births: of the year\n"
	 "before) or by hand with --shares.  A count's shares must add up to the\n"
	 "target, a rate's average to it weighted by the base, or nothing is\n"
	 "written (shares: ...).  --by: a province or national officer of the unit.\n"
	 "status: each indicator with a target (the unit's, for a rate the nearest\n"
	 "above's, else Strategy 1679's 2030 target), its value so far, its\n"
	 "progress (reached, on_track, behind) by its direction (reach, ceiling,\n"
	 "count), the path month by month, and the communes' targets and whether\n"
	 "they add up.  JSON.\n\n" DB_OPT,
	 cmd_targets},
	{"submit", "submit a unit's report of a period for approval (frozen as it is)",
	 "usage: danso submit [--db PATH] --form F --unit U --period P --by LOGIN\n"
	 "                    [--format json|text]\n\n"
	 "Freezes the report as it is now (its values and the register position)\n"
	 "as submitted by the account LOGIN, which must be an officer of the unit\n"
	 "(a commune officer for 01-DSX monthly, 02-DSX quarterly and 03-DSX\n"
	 "annual; 01-DSH for a district's quarter before 1 July 2025).  The period\n"
	 "must have ended.  A returned report can be submitted again; an approved\n"
	 "one again only when its values changed since (a revision).\n\n" DB_OPT,
	 cmd_submit},
	{"approve", "approve the submitted report of a unit and period",
	 "usage: danso approve [--db PATH] --form F --unit U --period P --by LOGIN\n"
	 "                     [--format json|text]\n\n"
	 "LOGIN must be an officer of the level above the unit on the period's map\n"
	 "(the province; before 1 July 2025 the district, whose office is now the\n"
	 "province's), not the person who submitted it.  An approved report is\n"
	 "locked: it is what the unit reported.\n\n" DB_OPT,
	 cmd_approve},
	{"return", "return the submitted report to its unit with a comment",
	 "usage: danso return [--db PATH] --form F --unit U --period P --by LOGIN\n"
	 "                    --comment TEXT [--format json|text]\n\n"
	 "As approve, but the report goes back to be corrected and submitted\n"
	 "again; the comment says what to correct.\n\n" DB_OPT,
	 cmd_return},
	{"status", "which units under a unit reported a period, on time or late",
	 "usage: danso status [--db PATH] --unit U --period P [--form F] [--format json|text]\n\n"
	 "One entry per commune under U (per district for 01-DSH): its state\n"
	 "(missing, submitted, returned, approved, revised: approved but its values\n"
	 "changed since) and late_days, the working days between the deadline (the\n"
	 "5th working day after the period; 15 days after the quarter for 01-DSH)\n"
	 "and the first submission, or today for a missing report (0 when on time).\n"
	 "JSON: {\"units\":[{\"unit\",\"form\",\"state\",\"late_days\",...}]}\n\n" DB_OPT,
	 cmd_status},
	{"export-dhis2", "write approved reports as DHIS2 dataValueSets JSON or ADX XML",
	 "usage: danso export-dhis2 [--db PATH] --form F --unit U --period P --mapping FILE\n"
	 "                          [--format json|adx] [-o FILE]\n\n"
	 "Writes the approved reports of the units under U (or U itself) for the\n"
	 "period, through the mapping file (CSV sections form,row,column,data_element,\n"
	 "category_option_combo,attribute_option_combo / unit_code,org_unit /\n"
	 "form,data_set; docs/API.md).  A row or unit without a mapping, or a unit\n"
	 "without an approved report, is left out and listed on stderr; an empty\n"
	 "value is left out, never sent as 0.  A mapping line naming an unknown\n"
	 "form, row or unit is refused with its line number.\n\n" DB_OPT,
	 cmd_export_dhis2},
	{"serve", "serve the JSON API and the web interface",
	 "usage: danso serve [--db PATH] [--listen ADDR:PORT] [--cert FILE --key FILE]\n"
	 "                   [--threads N] [--max-body BYTES] [--deadline SECONDS]\n"
	 "                   [--session-idle S] [--session-max S] [--per-ip N]\n"
	 "                   [--trusted-proxy ADDR[,ADDR]]\n\n"
	 "Listens on 127.0.0.1:8080 by default, with TLS when given a certificate\n"
	 "and key (PEM).  A database without any account gets an administrator\n"
	 "whose random password is printed once.  SIGTERM or Ctrl-C stops it after\n"
	 "the requests in flight; nothing acknowledged is lost.\n\n"
	 "Limits (defaults): request body 2 MiB, headers 32 KiB, URL 2048 bytes,\n"
	 "whole request 30 s, idle connection 15 s, 256 connections per address\n"
	 "and 4096 in all, JSON depth 16 and strings of 16 KiB, 1000 events a\n"
	 "batch, 100 results a page.  Sessions end after 30 min idle or 12 h.\n"
	 "Wrong passwords: after 4 for an account (19 from an address) each next\n"
	 "try waits 2, 4, 8 ... up to 900 s; kept across restarts.  Behind a\n"
	 "reverse proxy, name it with --trusted-proxy: the client's address is\n"
	 "then the last one of its X-Forwarded-For.\n\n" DB_OPT,
	 cmd_serve},
	{"user", "create an account, reset its password, disable or enable it",
	 "usage: danso user add [--db PATH] --login L --role R [--unit CODE] [--name N]\n"
	 "       danso user reset|disable|enable [--db PATH] --login L\n\n"
	 "Roles: collaborator (an area), commune, province, national, admin.  The\n"
	 "new random password is printed once (or written to --password-file); a\n"
	 "reset one must be changed at the next login.  Only here are national\n"
	 "officers' and administrators' accounts made or changed: the API's\n"
	 "administrators may only disable them.  Every change is in the audit\n"
	 "log and shown to the account's user.\n\n" DB_OPT,
	 cmd_user},
	{"lifetable", "life tables from death rates, or deaths and exposure, by sex",
	 "usage: danso lifetable --in FILE.csv [--format csv|json]\n\n"
	 "Reads sex,age,width,mx[,ax] or sex,age,width,deaths,exposure[,ax]: sex\n"
	 "M, F or T; ages 0,1,5,10,... (abridged) or 0,1,2,... (single years);\n"
	 "width empty for the last, open group; ax empty or absent for the default\n"
	 "(Coale-Demeny a0 and 4a1, 5a5 = 2.5, Greville above, 0.5 in single-year\n"
	 "tables).  Writes sex,age,width,mx,ax,qx,lx,dx,Lx,Tx,ex,Sx (radix 100,000)\n"
	 "to stdout as CSV (default) or a JSON array of rows.  A bad row is\n"
	 "refused with its file, line and column, and nothing is written.\n\n"
	 "example:\n"
	 "  danso lifetable --in austria-1992-males.csv --format json\n",
	 cmd_lifetable},
	{"project", "project the population by sex and age (cohort-component)",
	 "usage: danso project --in DIR --step 5|1 --steps K [--migration even|end]\n"
	 "                     [--format csv|json]\n\n"
	 "Reads from DIR: population.csv (sex,age,count), lifetable.csv (as\n"
	 "danso lifetable reads it) or survival.csv (sex,age,Lx: radix 100,000, the\n"
	 "open group's Lx its T), fertility.csv ([step,]age,asfr: rates per woman\n"
	 "per year, ages 10-54), params.csv (name,value: srb 0.9-1.3, migration\n"
	 "even|end) and, when there, migration.csv (sex,age,count: net migrants of\n"
	 "one step by age at its end).  Groups are --step years wide; --steps 1 to 200.\n"
	 "--migration wins over params.csv; the default is even.  Writes the\n"
	 "population at the end of every step (step,sex,age,count) and the births\n"
	 "by mother's age (step,mother_age,births): CSV in two sections, or JSON\n"
	 "{\"population\":[...],\"births\":[...]}.\n\n"
	 "example:\n"
	 "  danso project --in sweden-1993/ --step 5 --steps 2 --format json\n\n"
	 "usage: danso project --db DB --unit U --base DATE --to YEAR [--map-date D]\n"
	 "                     [--scenario NAME[,NAME...]] [--format json|csv|xlsx]\n"
	 "                     [-o FILE] [--lang vi|en] [--communes] [--repeat N]\n\n"
	 "Projects the unit from its own register, by sex and single year of age,\n"
	 "one year at a time to YEAR: the population counted on the base date under\n"
	 "the map of --map-date (default the base date), and fertility, mortality,\n"
	 "the sex ratio at birth and net migration from the three calendar years\n"
	 "that end on or before it.  A unit with too few births or deaths borrows\n"
	 "the national schedules (a Brass relational model for mortality) and the\n"
	 "output says so.  --scenario names saved scenarios (danso scenario); two\n"
	 "or more are compared side by side; without it rates stay constant.\n"
	 "JSON (default) and CSV go to stdout or -o; XLSX (one sheet per table)\n"
	 "needs -o.  --communes projects every commune under the unit, each from\n"
	 "its own register, and writes a summary of each.  --repeat N times the\n"
	 "reading and the projection (for benchmarks).\n\n"
	 "example:\n"
	 "  danso project --db p.db --unit 79 --base 2025-12-31 --to 2050\n",
	 cmd_project},
	{"scenario", "save or list projection scenarios (paths of TFR, SRB, e0, migration)",
	 "usage: danso scenario save [--db PATH] --unit U --base DATE --name NAME\n"
	 "                           [--label TEXT] [--tfr VALUE@YEAR] [--srb VALUE@YEAR]\n"
	 "                           [--e0-gain YEARS] [--migration on|off]\n"
	 "       danso scenario list [--db PATH] [--unit U]\n\n"
	 "A scenario is a workflow record of the unit (a province, district or\n"
	 "commune) made for a base date, named (letters, digits, _ and -): the TFR\n"
	 "reaching VALUE by YEAR (0.5-10), the sex ratio at birth reaching VALUE by\n"
	 "YEAR (0.9-1.3 male births per female birth), life expectancy gaining\n"
	 "YEARS a year (-1 to 1), migration on (default) or off.  A path's year may\n"
	 "not be before the base date's.  Saving a name again replaces it.\n\n" DB_OPT
	 "example:\n"
	 "  danso scenario save --unit 79 --base 2025-12-31 --name thap --tfr 1.6@2035\n",
	 cmd_scenario},
	{"comm", "communication sessions and clubs: record them, list them, the quarter's summary",
	 "usage: danso comm record [--db PATH] [--by LOGIN] FILE\n"
	 "       danso comm sessions [--db PATH] --unit U --period P\n"
	 "       danso comm clubs [--db PATH] --unit U [--date YYYY-MM-DD]\n"
	 "       danso comm summary [--db PATH] --unit U --period P [--format json|csv|xlsx]\n"
	 "                          [--lang vi|en] [-o FILE]\n\n"
	 "record reads FILE, one record a line, of the kinds comm_session (a\n"
	 "session held in a commune or area: topic, format, participants by sex and\n"
	 "age group, held_by), club (a club of a commune: club code, name, model,\n"
	 "members; the same code again updates it) and club_meeting (a meeting of a\n"
	 "club of the same commune: topic, attendance); every line is checked\n"
	 "first, and one refused line (named with its line and field) records\n"
	 "nothing.  --by checks each unit against the account's scope as the API\n"
	 "does.  The code lists are comm_topic, comm_format, age_group and\n"
	 "club_model (GET /api/v1/codes).  A club that has not met in the three\n"
	 "months to the date (nor been set up in them) is inactive.  summary: one\n"
	 "column per commune under U and the total.\n\n" DB_OPT
	 "example line:\n"
	 "  {\"id\":\"<uuid>\",\"kind\":\"club_meeting\",\"unit\":\"26740\",\"date\":\"2026-10-20\",\n"
	 "   \"body\":{\"club\":\"ktc-01\",\"topic\":\"child_marriage\",\"attendance\":18}}\n",
	 cmd_comm},
	{"gen", "generate a synthetic province (for demos, tests and benchmarks)",
	 "usage: danso gen --out DIR [--persons N] [--seed S] [--province CODE]\n"
	 "                 [--communes N] [--start YYYY-MM-DD] [--years Y]\n"
	 "                 [--plant-duplicates] [--plant-extract]\n"
	 "\n"
	 "--communes N makes N communes on the map from 1 July 2025 (2 to 15000, at\n"
	 "most one per 10 persons; two to four old communes before it make each)\n"
	 "instead of one per 30,000 persons: a province of many small communes, for\n"
	 "benchmarks of changes of the map.\n"
	 "--plant-duplicates records about one person in a hundred a second time with\n"
	 "a name, birth date or place variant, and lists every pair recorded twice in\n"
	 "DIR/truth/duplicates.csv (a,b,name,birth,place); it also writes about one\n"
	 "baseline national id in 200 with the sex digit or the birth year wrong, and\n"
	 "lists those persons in DIR/truth/national_ids.csv (person_id,part).\n"
	 "--plant-extract (with --years 0) writes DIR/extract.csv, an extract of the\n"
	 "national population database with planted differences, missing persons and\n"
	 "persons only in it, and what danso reconcile must find in\n"
	 "DIR/truth/extract.csv and .json.\n",
	 cmd_gen},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const char *lang = NULL;

const char *cli_lang(void)
{
	if (!lang) {
		const char *e = getenv("DANSO_LANG");
		lang = e && strcmp(e, "vi") == 0 ? "vi" : "en";
	}
	return lang;
}

void cli_set_lang(const char *l)
{
	lang = l && strcmp(l, "vi") == 0 ? "vi" : "en";
}

void cli_problem(const struct ds_problem *p)
{
	char msg[512];
	ds_problem_format(p, cli_lang(), msg, sizeof msg);
	fprintf(stderr, "%s\n", msg);
}

int cli_fail(const char *cmd, enum ds_rc rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "danso %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return ds_rc_exit(rc);
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

void cli_usage(const char *cmd, FILE *f)
{
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, cmd) == 0) {
			fputs(commands[i].help, f);
			return;
		}
	}
}

static void overview(FILE *f)
{
	fputs("danso: the population register and statistics system\n\n"
	      "usage: danso COMMAND [OPTIONS]\n\ncommands:\n",
	      f);
	int width = 0;
	for (size_t i = 0; i < NCOMMANDS; i++)
		if ((int)strlen(commands[i].name) > width)
			width = (int)strlen(commands[i].name);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-*s %s\n", width, commands[i].name, commands[i].summary);
	fputs("\n`danso COMMAND --help` describes a command.\n"
	      "Messages are in English; DANSO_LANG=vi gives Vietnamese.\n",
	      f);
}

int cli_main(int argc, char **argv)
{
	if (argc < 2) {
		overview(stderr);
		return ds_rc_exit(DS_EUSAGE);
	}
	const char *name = argv[1];
	if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		if (argc > 2 && strcmp(name, "help") == 0)
			cli_usage(argv[2], stdout);
		else
			overview(stdout);
		return 0;
	}
	if (strcmp(name, "--version") == 0) {
		puts("danso 0.1");
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name) == 0) {
			if (cli_wants_help(argc - 1, argv + 1)) {
				fputs(commands[i].help, stdout);
				return 0;
			}
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "danso: unknown command '%s'\n\n", name);
	overview(stderr);
	return ds_rc_exit(DS_EUSAGE);
}

int cli_map_file(const char *path, struct cli_file *f)
{
	memset(f, 0, sizeof *f);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	f->size = (size_t)st.st_size;
	f->data = "";
	if (f->size) {
		void *m = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			close(fd);
			return -1;
		}
		madvise(m, f->size, MADV_SEQUENTIAL);
		f->data = m;
		f->mapped = true;
	}
	close(fd);
	return 0;
}

void cli_unmap_file(struct cli_file *f)
{
	if (f->mapped)
		munmap((void *)f->data, f->size);
	f->mapped = false;
}

enum ds_rc cli_audit_ids(struct store *st, const char *action, const char *object, json_t *objs,
			 const char *member, const char *area)
{
	struct store_audit a = {.at = (int64_t)time(NULL), .role = ROLE_ADMIN};
	snprintf(a.login, sizeof a.login, "cli:%s", cli_default_by());
	snprintf(a.action, sizeof a.action, "%s", action);
	snprintf(a.object, sizeof a.object, "%s", object);
	snprintf(a.outcome, sizeof a.outcome, "ok");
	enum ds_rc rc = store_begin(st);
	size_t i;
	json_t *o;
	json_array_foreach(objs, i, o)
	{
		const char *id = json_is_string(o) ? json_string_value(o)
						   : json_string_value(json_object_get(o, member));
		snprintf(a.object_id, sizeof a.object_id, "%s", id ? id : "");
		const char *in = area ? area : json_string_value(json_object_get(o, "area"));
		snprintf(a.area, sizeof a.area, "%s", in ? in : "");
		if (!rc)
			rc = store_audit_add(st, &a);
	}
	if (!rc)
		rc = store_commit(st);
	else
		store_rollback(st);
	return rc;
}

enum ds_rc cli_audit(struct store *st, const char *action, const char *object, const char *id,
		     const char *area)
{
	json_t *one = json_pack("[s]", id ? id : "");
	enum ds_rc rc = one ? cli_audit_ids(st, action, object, one, NULL, area ? area : "") : DS_ENOMEM;
	json_decref(one);
	return rc;
}

int cli_refused(const char *cmd, enum ds_rc rc, const struct ds_problem *pb, const char *in_lang)
{
	bool vi = strcmp(in_lang, "vi") == 0;
	json_t *o = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", ds_why_code(pb->why), "message",
			      vi ? ds_why_vi(pb->why) : ds_why_en(pb->why), "field", pb->field);
	char *s = json_dumps(o, JSON_COMPACT);
	puts(s ? s : "{}");
	free(s);
	json_decref(o);
	return cli_fail(cmd, rc, "%s: %s", pb->field, vi ? ds_why_vi(pb->why) : ds_why_en(pb->why));
}

int cli_write_out(const char *cmd, const struct buf *b, const char *out)
{
	FILE *fp = out ? fopen(out, "wb") : stdout;
	int bad = !fp || fwrite(b->data, 1, b->len, fp) != b->len;
	if (fp && out)
		bad |= fclose(fp) != 0;
	else if (fp)
		bad |= fflush(fp) != 0;
	return bad ? cli_fail(cmd, DS_EIO, "cannot write %s", out ? out : "the output") : 0;
}
