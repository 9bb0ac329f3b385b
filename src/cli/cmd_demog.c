/* danso lifetable, danso project --in: life tables and cohort-component projections from files. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "demog/files.h"
#include "demog/render.h"
#include "register/record.h"

/* Prints why the input was refused (or cannot be read) and returns the exit status. */
static int report(const char *cmd, enum ds_rc rc, const struct ds_problem *pb)
{
	if (pb->why == W_NONE)
		return cli_fail(cmd, rc, "%s", ds_rc_str(rc));
	cli_problem(pb);
	return ds_rc_exit(rc);
}

/* Writes everything at once, so that a refusal never leaves half an output. */
static int emit(const char *cmd, const struct buf *b)
{
	size_t len = b->len;
	if (fwrite(b->data ? b->data : "", 1, len, stdout) != len || fflush(stdout) != 0)
		return cli_fail(cmd, DS_EIO, "cannot write the output");
	return 0;
}

static bool parse_format(const char *s, enum dm_format *f)
{
	if (strcmp(s, "csv") == 0)
		*f = DM_CSV;
	else if (strcmp(s, "json") == 0)
		*f = DM_JSON;
	else
		return false;
	return true;
}

/* Maps path; DS_EIO with the file named when it cannot be read. */
static enum ds_rc map(const char *path, struct cli_file *f, struct ds_problem *pb)
{
	if (cli_map_file(path, f) == 0)
		return DS_OK;
	ds_problem_set(pb, path, 0, NULL, W_FILE_OPEN);
	return DS_EIO;
}

/* ---- danso lifetable ---- */

int cmd_lifetable(int argc, char **argv)
{
	static const struct option opts[] = {{"in", required_argument, NULL, 'i'},
					     {"format", required_argument, NULL, 'f'},
					     {0}};
	const char *in = NULL;
	enum dm_format fmt = DM_CSV;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'i')
			in = optarg;
		else if (c != 'f' || !parse_format(optarg, &fmt))
			return cli_fail("lifetable", DS_EUSAGE, "options: --in FILE.csv [--format csv|json]");
	}
	if (!in || optind != argc)
		return cli_fail("lifetable", DS_EUSAGE, "give --in FILE.csv");
	struct dm_lt_set *set = calloc(1, sizeof *set);
	struct cli_file file = {0};
	struct buf out = {0};
	struct ds_problem pb = {0};
	int ex = 0;
	enum ds_rc rc = set ? map(in, &file, &pb) : DS_ENOMEM;
	if (rc == DS_OK)
		rc = dm_read_lifetable(file.data, file.size, in, set, &pb);
	if (rc == DS_OK) {
		const struct dm_lt *t[3];
		size_t n = 0;
		for (int s = 0; s < 3; s++)
			if (set->has[s])
				t[n++] = &set->t[s];
		rc = dm_render_lifetables(t, n, fmt, &out);
	}
	ex = rc ? report("lifetable", rc, &pb) : emit("lifetable", &out);
	cli_unmap_file(&file);
	buf_free(&out);
	free(set);
	return ex;
}

/* ---- danso project --in DIR ---- */

/* Everything read from DIR. */
struct proj_files {
	int n;
	size_t steps;
	struct dm_counts pop, mig;
	bool has_mig;
	struct dm_lt_set lt;
	struct dm_L_set L;
	struct dm_fert fert;
	struct dm_params params;
	double S[2][DM_GROUPS_MAX];
};

/* DIR/name into path (one slash between, so that messages name the file as typed); false when it does not fit. */
static bool join(char path[DS_FILE_MAX], const char *dir, const char *name)
{
	size_t n = strlen(dir);
	const char *sep = n && dir[n - 1] == '/' ? "" : "/";
	int len = snprintf(path, DS_FILE_MAX, "%s%s%s", dir, sep, name);
	return len > 0 && len < DS_FILE_MAX;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The files of DIR, mapped before any is read. */
enum { F_POP, F_MORT, F_FERT, F_PARAMS, F_MIG, F_COUNT };
struct dir_files {
	char path[F_COUNT][DS_FILE_MAX];
	struct cli_file f[F_COUNT];
	bool survival; /* F_MORT is survival.csv, not lifetable.csv */
};

/* Mortality comes from lifetable.csv or survival.csv, exactly one of them. */
static enum ds_rc map_mortality(struct dir_files *d, const char *dir, struct ds_problem *pb)
{
	char lt[DS_FILE_MAX], sv[DS_FILE_MAX];
	join(lt, dir, "lifetable.csv");
	join(sv, dir, "survival.csv");
	if (exists(lt) && exists(sv)) {
		ds_problem_set(pb, dir, 0, NULL, W_MORTALITY_TWICE);
		return DS_EINPUT;
	}
	d->survival = exists(sv);
	memcpy(d->path[F_MORT], d->survival ? sv : lt, DS_FILE_MAX);
	enum ds_rc rc = map(d->path[F_MORT], &d->f[F_MORT], pb);
	if (rc && !d->survival && join(lt, dir, "lifetable.csv or survival.csv"))
		ds_problem_set(pb, lt, 0, NULL, W_FILE_OPEN);
	return rc;
}

static enum ds_rc map_dir(struct dir_files *d, const char *dir, struct ds_problem *pb)
{
	static const char *const names[F_COUNT] = {"population.csv", NULL, "fertility.csv",
						   "params.csv", "migration.csv"};
	enum ds_rc rc = DS_OK;
	for (int i = 0; i < F_COUNT && rc == DS_OK; i++) {
		if (i == F_MORT)
			rc = map_mortality(d, dir, pb);
		else if (join(d->path[i], dir, names[i]) && (i != F_MIG || exists(d->path[i])))
			rc = map(d->path[i], &d->f[i], pb);
	}
	return rc;
}

static void unmap_dir(struct dir_files *d)
{
	for (int i = 0; i < F_COUNT; i++)
		cli_unmap_file(&d->f[i]);
}

/* Reads the mapped files in the order each needs the one before (groups from the population). */
static enum ds_rc read_dir(struct proj_files *x, const struct dir_files *d, struct ds_problem *pb)
{
	const struct cli_file *f = d->f;
	enum ds_rc rc = dm_read_population(f[F_POP].data, f[F_POP].size, d->path[F_POP], x->n,
					   &x->pop, pb);
	if (rc == DS_OK && d->survival)
		rc = dm_read_survival(f[F_MORT].data, f[F_MORT].size, d->path[F_MORT], &x->L, pb);
	if (rc == DS_OK && !d->survival) {
		rc = dm_read_lifetable(f[F_MORT].data, f[F_MORT].size, d->path[F_MORT], &x->lt, pb);
		dm_L_from_lifetables(&x->lt, d->path[F_MORT], &x->L);
	}
	if (rc == DS_OK)
		rc = dm_read_fertility(f[F_FERT].data, f[F_FERT].size, d->path[F_FERT], x->n,
				       x->pop.groups, x->steps, &x->fert, pb);
	if (rc == DS_OK)
		rc = dm_read_params(f[F_PARAMS].data, f[F_PARAMS].size, d->path[F_PARAMS], &x->params, pb);
	x->has_mig = f[F_MIG].data != NULL;
	if (rc == DS_OK && x->has_mig)
		rc = dm_read_migration(f[F_MIG].data, f[F_MIG].size, d->path[F_MIG], x->n,
				       x->pop.groups, &x->mig, pb);
	if (rc == DS_OK)
		rc = dm_L_ratios(&x->L, x->n, x->pop.groups, x->S, pb);
	return rc;
}

/* The files' one set of rates, repeated for every step, into the projection's arrays. */
static enum ds_rc run(const struct proj_files *x, enum dm_migration mig, struct dm_proj_out *out)
{
	size_t G = x->pop.groups, K = x->steps;
	double *surv = calloc(2 * K * G, sizeof *surv);
	double *srb = calloc(K, sizeof *srb);
	double *moves = x->has_mig ? calloc(2 * K * G, sizeof *moves) : NULL;
	enum ds_rc rc = DS_ENOMEM;
	if (!surv || !srb || (x->has_mig && !moves))
		goto out;
	for (size_t k = 0; k < K; k++) {
		srb[k] = x->params.srb;
		for (int s = 0; s < 2; s++) {
			memcpy(surv + (s * K + k) * G, x->S[s], G * sizeof *surv);
			if (moves)
				memcpy(moves + (s * K + k) * G, x->mig.v[s], G * sizeof *moves);
		}
	}
	struct dm_proj_in in = {
		.n = x->n, .groups = G, .steps = K, .migration = mig,
		.pop = {x->pop.v[0], x->pop.v[1]},
		.surv = {surv, surv + K * G},
		.asfr = x->fert.asfr, .srb = srb,
		.mig = {moves, moves ? moves + K * G : NULL},
	};
	rc = dm_project(&in, out);
out:
	free(surv);
	free(srb);
	free(moves);
	return rc;
}

struct proj_opts {
	const char *dir;
	int n, steps, migration; /* migration: -1 when not given */
	enum dm_format fmt;
};

static int parse_project(int argc, char **argv, struct proj_opts *o)
{
	static const struct option opts[] = {{"in", required_argument, NULL, 'i'},
					     {"step", required_argument, NULL, 's'},
					     {"steps", required_argument, NULL, 'k'},
					     {"migration", required_argument, NULL, 'm'},
					     {"format", required_argument, NULL, 'f'},
					     {0}};
	int c;
	*o = (struct proj_opts){.migration = -1};
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case 'i': o->dir = optarg; break;
		case 's': ok = strcmp(optarg, "1") == 0 || strcmp(optarg, "5") == 0;
			  o->n = optarg[0] - '0'; break;
		case 'k': ok = reg_parse_small(optarg, strlen(optarg), 1, DM_STEPS_MAX, &o->steps) == W_NONE; break;
		case 'm': o->migration = strcmp(optarg, "even") == 0 ? DM_MIG_EVEN
					 : strcmp(optarg, "end") == 0 ? DM_MIG_END : -2;
			  ok = o->migration >= 0; break;
		case 'f': ok = parse_format(optarg, &o->fmt); break;
		default: ok = false; break;
		}
		if (!ok)
			return cli_fail("project", DS_EUSAGE,
					"options: --in DIR --step 5|1 --steps 1-%d [--migration even|end] "
					"[--format csv|json]", DM_STEPS_MAX);
	}
	if (!o->dir || !o->n || !o->steps || optind != argc)
		return cli_fail("project", DS_EUSAGE, "give --in DIR, --step 5|1 and --steps K");
	char probe[DS_FILE_MAX];
	if (!join(probe, o->dir, "lifetable.csv or survival.csv"))
		return cli_fail("project", DS_EUSAGE, "--in: the folder's name is too long");
	return 0;
}

/* True when the arguments ask for a projection from the register (--db, --unit, --base). */
static bool from_register(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--db", 4) == 0 || strncmp(argv[i], "--unit", 6) == 0 ||
		    strncmp(argv[i], "--base", 6) == 0)
			return true;
	return false;
}

int cmd_project(int argc, char **argv)
{
	if (from_register(argc, argv))
		return cmd_project_db(argc, argv);
	struct proj_opts o;
	int ex = parse_project(argc, argv, &o);
	if (ex)
		return ex;
	struct proj_files *x = calloc(1, sizeof *x);
	struct dir_files *d = calloc(1, sizeof *d);
	struct dm_proj_out out = {0};
	struct buf text = {0};
	struct ds_problem pb = {0};
	enum ds_rc rc = DS_ENOMEM;
	if (!x || !d)
		goto out;
	x->n = o.n;
	x->steps = (size_t)o.steps;
	rc = map_dir(d, o.dir, &pb);
	if (rc == DS_OK)
		rc = read_dir(x, d, &pb);
	/* The command line wins over params.csv: it is what the person asked for now. */
	int mig = o.migration >= 0 ? o.migration : x->params.migration >= 0 ? x->params.migration : DM_MIG_EVEN;
	if (rc == DS_OK)
		rc = run(x, (enum dm_migration)mig, &out);
	if (rc == DS_OK)
		rc = dm_render_projection(&out, o.n, x->fert.first, x->fert.last, o.fmt, &text);
out:
	ex = rc ? report("project", rc, &pb) : emit("project", &text);
	buf_free(&text);
	dm_proj_free(&out);
	if (x)
		dm_fert_free(&x->fert);
	if (d)
		unmap_dir(d);
	free(x);
	free(d);
	return ex;
}
