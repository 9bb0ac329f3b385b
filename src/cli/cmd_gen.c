/*
 * danso gen: a synthetic province in the exchange formats (src/gen/gen.h).
 *
 *   danso gen --out DIR [--persons N] [--seed S] [--province CODE] [--communes N]
 *             [--start YYYY-MM-DD] [--years Y] [--plant-duplicates] [--quiet]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/progress.h"
#include "cli/cli.h"
#include "gen/gen.h"

/* A whole decimal number in [lo, hi]. */
static bool parse_num(const char *s, unsigned long long lo, unsigned long long hi,
		      unsigned long long *out)
{
	if (!s[0] || strlen(s) > 20)
		return false;
	for (const char *c = s; *c; c++)
		if (*c < '0' || *c > '9')
			return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* "danso gen: what, not 'arg'" (arg may be NULL), then the usage. */
static int usage_error(const char *what, const char *arg)
{
	if (arg)
		fprintf(stderr, "danso gen: %s, not '%s'\n\n", what, arg);
	else
		fprintf(stderr, "danso gen: %s\n\n", what);
	cli_usage("gen", stderr);
	return ds_rc_exit(DS_EUSAGE);
}

int cmd_gen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'},      {"persons", required_argument, NULL, 'n'},
		{"seed", required_argument, NULL, 's'},     {"province", required_argument, NULL, 'p'},
		{"start", required_argument, NULL, 'S'},    {"years", required_argument, NULL, 'y'},
		{"quiet", no_argument, NULL, 'q'},          {"help", no_argument, NULL, 'h'},
		{"plant-duplicates", no_argument, NULL, 'D'},
		{"plant-extract", no_argument, NULL, 'X'},
		{"communes", required_argument, NULL, 'c'},
		{NULL, 0, NULL, 0}};
	struct gen_opts o;
	gen_opts_default(&o);
	o.progress = true;
	unsigned long long v;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:n:s:p:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o.out = optarg; break;
		case 'n':
			if (!parse_num(optarg, GEN_PERSONS_MIN, GEN_PERSONS_MAX, &v))
				return usage_error("--persons must be a whole number from 100 to 20000000",
						   optarg);
			o.persons = (long)v;
			break;
		case 's':
			if (!parse_num(optarg, 0, UINT64_MAX, &v))
				return usage_error("--seed must be a whole number", optarg);
			o.seed = v;
			break;
		case 'p':
			if (!parse_num(optarg, 1, 99, &v) || !gen_province_valid((int)v))
				return usage_error("--province must be one of the 34 province codes",
						   optarg);
			o.province = (int)v;
			break;
		case 'c':
			if (!parse_num(optarg, GEN_COMMUNES_MIN, GEN_COMMUNES_MAX, &v))
				return usage_error("--communes must be a whole number from 2 to 15000",
						   optarg);
			o.communes = (long)v;
			break;
		case 'S':
			if (!day_parse(optarg, strlen(optarg), &o.start))
				return usage_error("--start must be a date YYYY-MM-DD", optarg);
			break;
		case 'y':
			if (!parse_num(optarg, 0, GEN_YEARS_MAX, &v))
				return usage_error("--years must be a whole number from 0 to 30", optarg);
			o.years = (int)v;
			break;
		case 'q': o.progress = false; break;
		case 'D': o.plant = true; break;
		case 'X': o.extract = true; break;
		case 'h': cli_usage("gen", stdout); return 0;
		default:
			return usage_error("unknown option, or one without its value",
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind]);
	if (!o.out)
		return usage_error("--out DIR is required", NULL);
	if (o.extract && o.years != 0)
		return usage_error("--plant-extract needs --years 0 (the extract is of the baseline register)", NULL);
	char msg[512] = "";
	struct gen_stats st;
	enum ds_rc rc = gen_run(&o, &st, msg, sizeof msg);
	if (rc)
		return cli_fail("gen", rc, "%s", msg[0] ? msg : ds_rc_str(rc));
	char np[32], nh[32], ne[32], from[11], to[11];
	progress_group(st.persons, np, sizeof np);
	progress_group(st.households, nh, sizeof nh);
	progress_group(st.events, ne, sizeof ne);
	day_format(o.start, from);
	day_format(st.end, to);
	fprintf(stderr, "gen: %s persons in %s households as of %s, %s events to %s, in %s (%.1f s)\n",
		np, nh, from, ne, to, o.out, st.seconds);
	return 0;
}
