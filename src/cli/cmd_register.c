/* danso init, import, events: writing into the register from files. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/day.h"
#include "base/progress.h"
#include "cli/cli.h"
#include "ledger/ledger.h"

/* Problems printed in detail before the rest are only counted. */
#define MAX_SHOWN 50

struct shown {
	long n;
};

static void print_problem(const struct ds_problem *p, void *arg)
{
	struct shown *s = arg;
	if (s->n++ < MAX_SHOWN)
		cli_problem(p);
	else if (s->n == MAX_SHOWN + 1)
		fprintf(stderr, "%s\n",
			strcmp(cli_lang(), "vi") == 0 ? "... (các lỗi tiếp theo chỉ được đếm)"
						      : "... (further problems are only counted)");
}

int cli_open_store(const char *cmd, const char *db, bool create, struct store **st)
{
	enum ds_rc rc = store_open(db, create, st);
	if (rc == DS_ENOTFOUND)
		return cli_fail(cmd, rc, "no database at %s (run `danso init --db %s` first)", db, db);
	if (rc)
		return cli_fail(cmd, rc, "cannot open the database %s", db);
	return 0;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'}, {0}};
	const char *db = CLI_DEFAULT_DB;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'd') {
			cli_usage("init", stderr);
			return ds_rc_exit(DS_EUSAGE);
		}
		db = optarg;
	}
	struct store *st;
	int ex = cli_open_store("init", db, true, &st);
	if (ex)
		return ex;
	printf("danso: register ready at %s (%s)\n", db, store_backend_name(st));
	store_close(st);
	return 0;
}

static FILE *open_rejects(const char *cmd, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		cli_fail(cmd, DS_EIO, "cannot write the rejects file %s", path);
	return f;
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"units", required_argument, NULL, 'u'},
					     {"households", required_argument, NULL, 'h'},
					     {"persons", required_argument, NULL, 'p'},
					     {"as-of", required_argument, NULL, 'a'},
					     {"keep-good", no_argument, NULL, 'k'},
					     {"rejects", required_argument, NULL, 'r'},
					     {"lang", required_argument, NULL, 'l'},
					     {"quiet", no_argument, NULL, 'q'},
					     {0}};
	const char *db = CLI_DEFAULT_DB, *as_of = NULL, *rejects = "rejects.csv";
	struct import_opts o = {.progress = true};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'u': o.units = optarg; break;
		case 'h': o.households = optarg; break;
		case 'p': o.persons = optarg; break;
		case 'a': as_of = optarg; break;
		case 'k': o.keep_good = true; break;
		case 'r': rejects = optarg; break;
		case 'l': cli_set_lang(optarg); break;
		case 'q': o.progress = false; break;
		default: cli_usage("import", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (optind < argc || (!o.units && !o.households && !o.persons))
		return cli_fail("import", DS_EUSAGE, "give --units, --households and/or --persons files");
	if ((o.households || o.persons) && !as_of)
		return cli_fail("import", DS_EUSAGE, "--as-of YYYY-MM-DD is required with households or persons");
	o.as_of = DAY_NONE;
	if (as_of && (!day_parse(as_of, strlen(as_of), &o.as_of) || o.as_of > day_today()))
		return cli_fail("import", DS_EUSAGE, "--as-of must be a date YYYY-MM-DD, not in the future");
	struct store *st;
	int ex = cli_open_store("import", db, true, &st);
	if (ex)
		return ex;
	struct ledger lg;
	struct import_stats stats;
	struct shown shown = {0};
	o.on_problem = print_problem;
	o.arg = &shown;
	enum ds_rc rc = ledger_open(&lg, st);
	if (!rc && o.keep_good && !(o.rejects = open_rejects("import", rejects)))
		rc = DS_EIO;
	if (!rc)
		rc = ledger_import(&lg, &o, &stats);
	if (o.rejects)
		fclose(o.rejects);
	static const char *const names[3] = {"units", "households", "persons"};
	for (int k = 0; k < 3; k++) {
		if (!stats.rows[k] && !stats.rejected[k])
			continue;
		char a[32], b[32];
		progress_group(stats.added[k], a, sizeof a);
		progress_group(stats.rejected[k], b, sizeof b);
		fprintf(stderr, "import: %s: %s added, %s refused\n", names[k], a, b);
	}
	long refused = stats.rejected[0] + stats.rejected[1] + stats.rejected[2];
	if (rc == DS_OK) {
		long added = stats.added[2];
		fprintf(stderr, "import: done in %.1f s (%.0f persons/s)%s\n", stats.seconds,
			stats.seconds > 0 ? added / stats.seconds : 0.0,
			refused ? "; refused rows are in the rejects file" : "");
	} else if (rc == DS_EINPUT) {
		fprintf(stderr, "import: nothing was imported: fix the rows above, or use --keep-good "
				"to import the good rows\n");
	} else if (store_errmsg(st)[0]) {
		fprintf(stderr, "import: %s\n", store_errmsg(st));
	}
	ledger_close(&lg);
	store_close(st);
	if (rc == DS_OK && refused)
		return CLI_EXIT_PARTIAL;
	return ds_rc_exit(rc);
}

/* ---- events ---- */

struct ev_run {
	struct ledger *lg;
	const char *name;
	const char *by;
	bool keep_good;
	FILE *rejects;
	struct shown shown;
	long lines, recorded, duplicates, refused, warnings;
};

static void reject_event(struct ev_run *r, long line, const struct ds_problem *p, const char *text,
			 size_t len)
{
	struct ds_problem q = *p;
	snprintf(q.file, sizeof q.file, "%s", r->name);
	q.line = line;
	print_problem(&q, &r->shown);
	if (q.severity == DS_SEV_WARNING)
		return;
	r->refused++;
	if (!r->rejects)
		return;
	json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "line", (json_int_t)line, "field", q.field,
			      "code", ds_why_code(q.why), "reason", ds_why_en(q.why));
	json_t *ev = json_loadb(text, len, 0, NULL);
	json_object_set_new(o, "event", ev ? ev : json_stringn(text, len));
	char *s = json_dumps(o, JSON_COMPACT);
	if (s)
		fprintf(r->rejects, "%s\n", s);
	free(s);
	json_decref(o);
}

/* One line of the file, parsed (ok) or refused (p). */
struct ev_line {
	long line;
	const char *text;
	size_t len;
	bool ok;
	struct reg_event ev;
	struct ds_problem p;
};

/* Records one parsed line. */
static enum ds_rc one_event(struct ev_run *r, const struct ev_line *l)
{
	if (!l->ok) {
		reject_event(r, l->line, &l->p, l->text, l->len);
		return DS_OK;
	}
	struct ledger_result res;
	enum ds_rc rc = ledger_record(r->lg, &l->ev, r->by, &res);
	if (rc)
		return rc;
	switch (res.outcome) {
	case LEDGER_RECORDED:
		r->recorded++;
		if (res.warned) {
			r->warnings++;
			reject_event(r, l->line, &res.warning, l->text, l->len);
		}
		break;
	case LEDGER_DUPLICATE: r->duplicates++; break;
	case LEDGER_REFUSED: reject_event(r, l->line, &res.problem, l->text, l->len); break;
	}
	return DS_OK;
}

/* Lines parsed ahead and recorded one by one: the store is told first what
 * they will look up (store_prefetch), which it may read in one go. */
#define EVENTS_AHEAD 2048

struct ev_batch {
	struct ev_line lines[EVENTS_AHEAD];
	uint8_t ids[EVENTS_AHEAD][16];
	const char *persons[4 * EVENTS_AHEAD], *households[2 * EVENTS_AHEAD], *nids[2 * EVENTS_AHEAD];
	size_t n;
};

static void hint_add(const char **v, size_t *n, const char *s)
{
	if (s[0])
		v[(*n)++] = s;
}

static enum ds_rc prefetch(struct store *st, struct ev_batch *b)
{
	struct store_hint h = {.event_ids = (const uint8_t(*)[16])b->ids, .persons = b->persons,
			       .households = b->households, .nids = b->nids};
	for (size_t i = 0; i < b->n; i++) {
		const struct reg_event *ev = &b->lines[i].ev;
		if (!b->lines[i].ok)
			continue;
		memcpy(b->ids[h.nevents++], ev->id, 16);
		h.nseq++;
		size_t np = h.npersons, nh = h.nhouseholds, nn = h.nnids;
		hint_add(b->persons, &np, ev->person);
		hint_add(b->persons, &np, ev->spouse);
		hint_add(b->persons, &np, ev->head);
		hint_add(b->persons, &np, ev->duplicate);
		if (ev->type == EV_BIRTH || ev->type == EV_MOVE_IN) {
			hint_add(b->persons, &np, ev->np.id);
			hint_add(b->nids, &nn, ev->np.national_id);
		}
		if (ev->type == EV_INFO_CHANGE && ev->field == FLD_NATIONAL_ID)
			hint_add(b->nids, &nn, ev->value);
		hint_add(b->households, &nh, ev->household);
		if (ev->has_nh)
			hint_add(b->households, &nh, ev->nh.id);
		h.npersons = np;
		h.nhouseholds = nh;
		h.nnids = nn;
	}
	return store_prefetch(st, &h);
}

/* Commits every this many events with --keep-good, and says so. */
#define EVENTS_BATCH 20000

static enum ds_rc run_events(struct ev_run *r, const char *data, size_t size)
{
	struct store *st = r->lg->st;
	struct progress pr;
	progress_start(&pr, "events", true);
	struct ev_batch *b = malloc(sizeof *b);
	enum ds_rc rc = b ? store_begin(st) : DS_ENOMEM;
	size_t pos = 0;
	long in_batch = 0;
	while (!rc && pos < size) {
		/* The next lines, parsed. */
		b->n = 0;
		while (pos < size && b->n < EVENTS_AHEAD) {
			const char *nl = memchr(data + pos, '\n', size - pos);
			size_t end = nl ? (size_t)(nl - data) : size;
			size_t len = end - pos;
			r->lines++;
			if (len && data[pos + len - 1] == '\r')
				len--;
			if (len) {
				struct ev_line *l = &b->lines[b->n++];
				l->line = r->lines;
				l->text = data + pos;
				l->len = len;
				memset(&l->p, 0, sizeof l->p);
				l->ok = reg_event_parse_text(l->text, len, &l->ev, &l->p) == DS_OK;
			}
			pos = end + 1;
		}
		rc = prefetch(st, b);
		for (size_t i = 0; i < b->n && !rc; i++) {
			rc = one_event(r, &b->lines[i]);
			if (!rc && r->keep_good && ++in_batch >= EVENTS_BATCH) {
				in_batch = 0;
				if (!(rc = store_commit(st))) {
					printf("committed through line %ld\n", b->lines[i].line);
					fflush(stdout);
					rc = store_begin(st);
				}
			}
		}
		progress_tick(&pr, pos > size ? size : pos, size, "bytes");
	}
	free(b);
	progress_end(&pr);
	if (!rc && r->refused && !r->keep_good)
		rc = DS_EINPUT;
	if (rc) {
		store_rollback(st);
		return rc;
	}
	rc = store_commit(st);
	if (!rc && r->keep_good) {
		printf("committed through line %ld\n", r->lines);
		fflush(stdout);
	}
	return rc;
}

const char *cli_default_by(void)
{
	const char *u = getenv("USER");
	return u && u[0] ? u : "cli";
}

int cmd_events(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"keep-good", no_argument, NULL, 'k'},
					     {"rejects", required_argument, NULL, 'r'},
					     {"by", required_argument, NULL, 'b'},
					     {"lang", required_argument, NULL, 'l'},
					     {0}};
	const char *db = CLI_DEFAULT_DB, *rejects = "rejects.ndjson";
	struct ev_run r = {.by = cli_default_by()};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'k': r.keep_good = true; break;
		case 'r': rejects = optarg; break;
		case 'b': r.by = optarg; break;
		case 'l': cli_set_lang(optarg); break;
		default: cli_usage("events", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (optind + 1 != argc)
		return cli_fail("events", DS_EUSAGE, "give one NDJSON file");
	const char *path = argv[optind];
	struct cli_file f;
	if (cli_map_file(path, &f))
		return cli_fail("events", DS_EIO, "cannot read %s", path);
	const char *slash = strrchr(path, '/');
	r.name = slash ? slash + 1 : path;
	struct store *st;
	int ex = cli_open_store("events", db, false, &st);
	if (ex) {
		cli_unmap_file(&f);
		return ex;
	}
	struct ledger lg;
	enum ds_rc rc = ledger_open(&lg, st);
	r.lg = &lg;
	if (!rc && r.keep_good && !(r.rejects = open_rejects("events", rejects)))
		rc = DS_EIO;
	double t0 = progress_now();
	if (!rc)
		rc = run_events(&r, f.data, f.size);
	double secs = progress_now() - t0;
	if (r.rejects)
		fclose(r.rejects);
	char a[32], b[32], d[32];
	progress_group(r.recorded, a, sizeof a);
	progress_group(r.duplicates, b, sizeof b);
	progress_group(r.refused, d, sizeof d);
	if (rc == DS_OK || rc == DS_EINPUT)
		fprintf(stderr, "events: %s recorded, %s already present, %s refused%s (%.1f s, %.0f events/s)\n",
			rc == DS_OK ? a : "0", b, d,
			rc == DS_EINPUT ? "; nothing was recorded: fix the lines above or use --keep-good"
					: "",
			secs, secs > 0 ? (double)(r.recorded + r.duplicates) / secs : 0.0);
	else if (store_errmsg(st)[0])
		fprintf(stderr, "events: %s\n", store_errmsg(st));
	ledger_close(&lg);
	store_close(st);
	cli_unmap_file(&f);
	if (rc == DS_OK && r.refused)
		return CLI_EXIT_PARTIAL;
	return ds_rc_exit(rc);
}
