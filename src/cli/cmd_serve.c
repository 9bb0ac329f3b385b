/* danso serve, danso user: the server and its accounts. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "base/day.h"
#include "cli/cli.h"

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"listen", required_argument, NULL, 'l'},
					     {"cert", required_argument, NULL, 'c'},
					     {"key", required_argument, NULL, 'k'},
					     {"threads", required_argument, NULL, 't'},
					     {"max-body", required_argument, NULL, 'b'},
					     {"deadline", required_argument, NULL, 'D'},
					     {"session-idle", required_argument, NULL, 'I'},
					     {"session-max", required_argument, NULL, 'M'},
					     {"per-ip", required_argument, NULL, 'P'},
					     {"trusted-proxy", required_argument, NULL, 'T'},
					     {0}};
	struct api_config cfg = {
		.db = CLI_DEFAULT_DB,
		.http = {.listen = "127.0.0.1:8080",
			 .limits = {.max_body = 2 << 20,
				    .max_header = 32 << 10,
				    .max_url = 2048,
				    .deadline_s = 30,
				    .idle_s = 15,
				    .conn_total = 4096,
				    .conn_per_ip = 256,
				    .threads = 8}},
		.max_json_depth = 16,
		.max_json_string = 16384,
		.max_batch = 1000,
		.max_page = 100,
		.session_idle_s = 1800,
		.session_max_s = 12 * 3600,
	};
	int c, n;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cfg.db = optarg; break;
		case 'l': cfg.http.listen = optarg; break;
		case 'c': cfg.http.cert_file = optarg; break;
		case 'k': cfg.http.key_file = optarg; break;
		case 't':
			if (reg_parse_small(optarg, strlen(optarg), 1, 256, &n))
				return cli_fail("serve", DS_EUSAGE, "--threads takes 1 to 256");
			cfg.http.limits.threads = (unsigned)n;
			break;
		case 'b':
			if (reg_parse_small(optarg, strlen(optarg), 1024, 64 << 20, &n))
				return cli_fail("serve", DS_EUSAGE, "--max-body takes 1024 to 67108864 bytes");
			cfg.http.limits.max_body = (size_t)n;
			break;
		case 'D':
			if (reg_parse_small(optarg, strlen(optarg), 1, 3600, &n))
				return cli_fail("serve", DS_EUSAGE, "--deadline takes 1 to 3600 seconds");
			cfg.http.limits.deadline_s = (unsigned)n;
			break;
		case 'I':
		case 'M':
			if (reg_parse_small(optarg, strlen(optarg), 1, 7 * 86400, &n))
				return cli_fail("serve", DS_EUSAGE, "session times take 1 to 604800 seconds");
			if (c == 'I')
				cfg.session_idle_s = (unsigned)n;
			else
				cfg.session_max_s = (unsigned)n;
			break;
		case 'P':
			if (reg_parse_small(optarg, strlen(optarg), 1, 100000, &n))
				return cli_fail("serve", DS_EUSAGE, "--per-ip takes 1 to 100000");
			cfg.http.limits.conn_per_ip = (unsigned)n;
			break;
		case 'T':
			if (strlen(optarg) > 1000 || strspn(optarg, "0123456789abcdefABCDEF.:,") != strlen(optarg))
				return cli_fail("serve", DS_EUSAGE,
						"--trusted-proxy takes IP addresses separated by commas");
			cfg.trusted_proxies = optarg;
			break;
		default: cli_usage("serve", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (optind != argc)
		return cli_fail("serve", DS_EUSAGE, "unexpected argument %s", argv[optind]);
	if (!cfg.http.cert_file != !cfg.http.key_file)
		return cli_fail("serve", DS_EUSAGE, "TLS needs both --cert and --key");
	return api_serve(&cfg);
}

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"login", required_argument, NULL, 'l'},
					     {"name", required_argument, NULL, 'n'},
					     {"role", required_argument, NULL, 'r'},
					     {"unit", required_argument, NULL, 'u'},
					     {"password-file", required_argument, NULL, 'p'},
					     {0}};
	const char *db = CLI_DEFAULT_DB, *login = NULL, *name = NULL, *role = NULL, *unit = "",
		   *pwfile = NULL;
	static const char *const verbs[] = {"add", "reset", "disable", "enable"};
	int verb = -1;
	for (int i = 0; argc >= 2 && i < 4; i++)
		if (strcmp(argv[1], verbs[i]) == 0)
			verb = i;
	if (verb < 0)
		return cli_fail("user", DS_EUSAGE, "give add, reset, disable or enable");
	bool add = verb == 0, reset = verb == 1;
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'l': login = optarg; break;
		case 'n': name = optarg; break;
		case 'r': role = optarg; break;
		case 'u': unit = optarg; break;
		case 'p': pwfile = optarg; break;
		default: cli_usage("user", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	struct store_user u = {0};
	if (!login || reg_parse_id(login, strlen(login), u.login))
		return cli_fail("user", DS_EUSAGE, "--login takes 1-32 letters, digits, '.', '-' or '_'");
	if (add && (!role || !(u.role = api_role_parse(role))))
		return cli_fail("user", DS_EUSAGE,
				"--role is collaborator, commune, province, national or admin");
	struct store *st;
	int ex = cli_open_store("user", db, false, &st);
	if (ex)
		return ex;
	char pw[20];
	api_random_password(pw);
	enum ds_rc rc = DS_OK;
	const char *bad = NULL;
	if (add) {
		/* The same rules as the API's: a role's unit is of its level. */
		struct reg_units units = {0};
		rc = store_units_tree(st, &units);
		bad = rc ? NULL : api_role_unit_fault(&units, u.role, unit);
		reg_units_free(&units);
		if (bad) {
			store_close(st);
			return cli_fail("user", DS_EUSAGE,
					"--unit must be a unit of today's map of the role's level (an area for "
					"a collaborator, a commune, a province; none for national or admin)");
		}
		snprintf(u.name, sizeof u.name, "%s", name ? name : login);
		snprintf(u.unit, sizeof u.unit, "%s", unit);
		u.created_at = u.pw_changed_at = (int64_t)time(NULL);
		if (!rc)
			rc = api_hash_password(pw, u.pw_hash);
		if (!rc && !(rc = store_begin(st))) {
			rc = store_user_add(st, &u);
			rc = rc ? rc : store_commit(st);
			if (rc)
				store_rollback(st);
			rc = rc ? rc : cli_audit(st, "create", "user", u.login, u.unit);
		}
	} else if (!(rc = store_user_get(st, u.login, 0, &u)) &&
		   !(rc = reset ? api_hash_password(pw, u.pw_hash) : DS_OK) && !(rc = store_begin(st))) {
		/* A reset's password is to be changed at the next login; a reset
		 * or a disabled account ends every session and API token. */
		if (reset)
			u.pw_changed_at = STORE_PW_SET_BY_ADMIN;
		else
			u.disabled = verb == 2;
		rc = store_user_update(st, &u);
		rc = rc || verb == 3 ? rc : store_session_revoke(st, NULL, u.id, true);
		rc = rc ? rc : store_commit(st);
		if (rc)
			store_rollback(st);
		rc = rc ? rc : cli_audit(st, reset ? "reset_password" : verbs[verb], "user", u.login, u.unit);
	}
	if (rc == DS_ECONFLICT)
		ex = cli_fail("user", rc, "the login %s is taken", u.login);
	else if (rc == DS_ENOTFOUND)
		ex = cli_fail("user", rc, "no account %s", u.login);
	else if (rc)
		ex = cli_fail("user", rc, "%s", store_errmsg(st));
	else if (!add && !reset)
		printf("%s %sd\n", u.login, verbs[verb]);
	else if (pwfile) {
		FILE *f = fopen(pwfile, "w");
		if (!f || fprintf(f, "%s\n", pw) < 0 || fclose(f))
			ex = cli_fail("user", DS_EIO, "cannot write %s", pwfile);
	} else {
		printf("%s %s: password %s%s\n", add ? "created" : "reset", u.login, pw,
		       add ? "" : " (to be changed at the next login)");
	}
	store_close(st);
	return ex;
}
