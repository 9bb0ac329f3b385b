/*
 * gen_run: options, the output folder, the order of the work, manifest.json.
 *
 * The order is part of determinism: the baseline is built and written
 * (national ids and insurance numbers are numbered as persons.csv is
 * written), then the simulation runs, all from one PRNG stream; event ids
 * come from a second stream of the same seed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/day.h"
#include "gen/gen_int.h"

void gen_opts_default(struct gen_opts *o)
{
	memset(o, 0, sizeof *o);
	o->persons = 10000;
	o->seed = 1;
	o->province = 79;
	o->start = day_from_ymd(2023, 1, 1);
	o->years = 3;
}

static void say(char *msg, size_t msgsz, const char *what, const char *detail)
{
	if (msg && msgsz)
		snprintf(msg, msgsz, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
}

/* Creates dir and its missing parents. */
static bool make_dir(const char *dir)
{
	char *path = strdup(dir);
	if (!path)
		return false;
	bool ok = true;
	for (char *c = path + 1; ok; c++) {
		if (*c != '/' && *c != '\0')
			continue;
		char keep = *c;
		*c = '\0';
		struct stat st;
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			ok = false;
		else if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			ok = false;
		*c = keep;
		if (keep == '\0')
			break;
	}
	free(path);
	return ok;
}

static enum ds_rc check_opts(const struct gen_opts *o, const struct gen_ref *ref, char *msg,
			     size_t msgsz)
{
	char detail[64];
	if (!o->out || !o->out[0]) {
		say(msg, msgsz, "an output folder is required (--out DIR)", NULL);
		return DS_EUSAGE;
	}
	if (o->persons < GEN_PERSONS_MIN || o->persons > GEN_PERSONS_MAX) {
		snprintf(detail, sizeof detail, "%ld to %ld", GEN_PERSONS_MIN, GEN_PERSONS_MAX);
		say(msg, msgsz, "the number of persons must be", detail);
		return DS_EUSAGE;
	}
	if (o->communes && (o->communes < GEN_COMMUNES_MIN || o->communes > GEN_COMMUNES_MAX ||
			    o->communes > o->persons / GEN_PERSONS_PER_COMMUNE_MIN)) {
		snprintf(detail, sizeof detail, "%ld to %ld, and at most one per %ld persons",
			 GEN_COMMUNES_MIN, GEN_COMMUNES_MAX, GEN_PERSONS_PER_COMMUNE_MIN);
		say(msg, msgsz, "the number of communes must be", detail);
		return DS_EUSAGE;
	}
	if (!gen_ref_province(ref, o->province)) {
		say(msg, msgsz, "unknown province code (see shared/data/provinces-2025.csv)", NULL);
		return DS_EUSAGE;
	}
	if (o->years < 0 || o->years > GEN_YEARS_MAX) {
		snprintf(detail, sizeof detail, "0 to %d", GEN_YEARS_MAX);
		say(msg, msgsz, "the number of years must be", detail);
		return DS_EUSAGE;
	}
	int y, m, d;
	day_to_ymd(o->start, &y, &m, &d);
	if (y < GEN_START_MIN_YEAR || o->start > day_today()) {
		snprintf(detail, sizeof detail, "from %d to today", GEN_START_MIN_YEAR);
		say(msg, msgsz, "the start date must be", detail);
		return DS_EUSAGE;
	}
	return DS_OK;
}

static enum ds_rc write_manifest(struct gen *g, const struct gen_stats *st)
{
	struct gfile f;
	enum ds_rc rc = gf_open(&f, g->o->out, "manifest.json");
	if (rc)
		return rc;
	struct gbuf *b = &f.b;
	gb_puts(b, "{\"as_of\":\"");
	gb_date(b, g->start);
	gb_puts(b, "\",\"seed\":");
	gb_u(b, g->o->seed);
	gb_puts(b, ",\"province\":\"");
	gb_u0(b, (uint64_t)g->province, 2);
	gb_puts(b, "\",\"persons\":");
	gb_u(b, (uint64_t)st->persons);
	gb_puts(b, ",\"households\":");
	gb_u(b, (uint64_t)st->households);
	gb_puts(b, ",\"units\":");
	gb_u(b, (uint64_t)st->units);
	gb_puts(b, ",\"events\":");
	gb_u(b, (uint64_t)st->events);
	gb_puts(b, ",\"end\":\"");
	gb_date(b, g->end);
	gb_puts(b, "\",\"duplicates\":[");
	for (size_t k = 0; k < g->ndups; k++) {
		gb_puts(b, k ? ",[\"" : "[\"");
		gb_pid(b, g->province, g->dups[k][0]);
		gb_puts(b, "\",\"");
		gb_pid(b, g->province, g->dups[k][1]);
		gb_puts(b, "\"]");
	}
	gb_puts(b, "]}\n");
	return gf_close(&f);
}

static enum ds_rc write_all(struct gen *g, struct gen_stats *st)
{
	struct gfile uf = {0}, hf = {0}, pf = {0}, ef = {0};
	enum ds_rc rc;
	const char *failed = "units.csv";
	if ((rc = gf_open(&uf, g->o->out, "units.csv")) ||
	    (rc = gen_units_write(&g->units, &g->ref, g->province, &uf, &st->units)) ||
	    (rc = gf_close(&uf)))
		goto out;
	failed = "persons.csv";
	if ((rc = gf_open(&hf, g->o->out, "households.csv")) ||
	    (rc = gf_open(&pf, g->o->out, "persons.csv")) || (rc = gen_base_write(g, &hf, &pf)))
		goto out;
	st->households = hf.lines;
	st->persons = pf.lines;
	if ((rc = gf_close(&hf)) || (rc = gf_close(&pf)))
		goto out;
	failed = "events.ndjson";
	if ((rc = gf_open(&ef, g->o->out, "events.ndjson")) || (rc = gen_sim_run(g, &ef)) ||
	    (rc = gf_close(&ef)))
		goto out;
	st->events = g->events;
	failed = "truth/duplicates.csv";
	if (g->o->plant && (rc = gen_plant_write(g)))
		goto out;
	failed = "truth/national_ids.csv";
	if (g->o->plant && (rc = gen_plant_nid_write(g)))
		goto out;
	failed = "extract.csv";
	if (g->o->extract && (rc = gen_extract_write(g)))
		goto out;
	failed = "manifest.json";
	rc = write_manifest(g, st);
out:
	gf_close(&uf);
	gf_close(&hf);
	gf_close(&pf);
	gf_close(&ef);
	if (rc == DS_EIO)
		say(g->msg, g->msgsz, "cannot write", failed);
	else if (rc == DS_ENOMEM)
		say(g->msg, g->msgsz, "out of memory", NULL);
	else if (rc)
		say(g->msg, g->msgsz, "internal error while making", failed);
	return rc;
}

enum ds_rc gen_run(const struct gen_opts *o, struct gen_stats *stats, char *msg, size_t msgsz)
{
	double t0 = progress_now();
	struct gen_stats st = {0};
	struct gen *g = calloc(1, sizeof *g);
	if (!g) {
		say(msg, msgsz, "out of memory", NULL);
		return DS_ENOMEM;
	}
	enum ds_rc rc = gen_ref_load(&g->ref);
	if (rc) {
		say(msg, msgsz, "the embedded reference data are missing or malformed", NULL);
		goto out;
	}
	if ((rc = check_opts(o, &g->ref, msg, msgsz)))
		goto out;
	if (!make_dir(o->out)) {
		say(msg, msgsz, "cannot create the folder", o->out);
		rc = DS_EIO;
		goto out;
	}
	g->o = o;
	g->msg = msg;
	g->msgsz = msgsz;
	g->province = o->province;
	g->south = gen_province_south(o->province);
	g->start = o->start;
	g->end = o->years ? day_add_months(o->start, 12 * o->years) - 1 : o->start - 1;
	if (g->end > day_today())
		g->end = day_today();
	grng_seed(&g->r, o->seed);
	grng_seed(&g->ids, o->seed ^ 0x5DEECE66D2025ull);
	g->nid_next = calloc(GEN_NID_BUCKETS, sizeof *g->nid_next);
	if (!g->nid_next) {
		rc = DS_ENOMEM;
		say(msg, msgsz, "out of memory", NULL);
		goto out;
	}
	progress_start(&g->pr, "gen", o->progress);
	if ((rc = gen_base_build(g))) {
		say(msg, msgsz, rc == DS_ENOMEM ? "out of memory" : "internal error in the baseline", NULL);
		goto out;
	}
	rc = write_all(g, &st);
	progress_end(&g->pr);
	st.duplicates = (long)(g->ndups + g->nplants);
	st.planted = (long)g->nplants;
	st.births = g->births;
	st.deaths = g->deaths;
	st.end = g->end;
out:
	st.seconds = progress_now() - t0;
	if (stats)
		*stats = st;
	if (g) {
		free(g->p);
		free(g->h);
		free(g->nid_next);
		free(g->plants);
		free(g->badnid);
		gen_units_free(&g->units);
		free(g);
	}
	return rc;
}
