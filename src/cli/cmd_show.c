/* danso person, household, find: reading the register. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/text.h"
#include "cli/cli.h"
#include "ledger/view.h"

struct show_opts {
	const char *db;
	bool json;
	const char *arg;
};

static int parse_show(const char *cmd, int argc, char **argv, struct show_opts *o)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"json", no_argument, NULL, 'j'},
					     {"lang", required_argument, NULL, 'l'},
					     {0}};
	o->db = CLI_DEFAULT_DB;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'j': o->json = true; break;
		case 'l': cli_set_lang(optarg); break;
		default: cli_usage(cmd, stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (optind + 1 != argc)
		return cli_fail(cmd, DS_EUSAGE, "give one id");
	o->arg = argv[optind];
	return 0;
}

static void print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s)
		puts(s);
	free(s);
}

static const char *label(const char *list, json_t *v)
{
	char buf[16];
	const char *s = json_string_value(v);
	if (!s && json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
		s = buf;
	}
	const char *l = s ? reg_code_label(list, s, cli_lang()) : NULL;
	return l ? l : "";
}

/* Prints s padded with spaces to `width` characters (not bytes). */
static void pad(const char *s, int width)
{
	int n = (int)txt_chars(s, strlen(s));
	fputs(s, stdout);
	for (; n < width; n++)
		putchar(' ');
	putchar(' ');
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* One history line: date, type, and the event's own members. */
static void print_history(json_t *hist)
{
	size_t i;
	json_t *row;
	json_array_foreach(hist, i, row)
	{
		json_t *ev = json_object_get(row, "event");
		const char *type = str(ev, "type");
		printf("  %s  %-28s", str(ev, "date"),
		       reg_etype_label(reg_etype_parse(type, strlen(type)), cli_lang()));
		json_t *copy = json_deep_copy(ev);
		json_object_del(copy, "id");
		json_object_del(copy, "type");
		json_object_del(copy, "date");
		char *s = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
		printf(" %s%s\n", s ? s : "", json_object_get(row, "voided_by") ? "  [voided]" : "");
		free(s);
		json_decref(copy);
	}
}

static void print_person(json_t *o)
{
	bool vi = strcmp(cli_lang(), "vi") == 0;
	printf("%s  %s\n", str(o, "id"), str(o, "full_name"));
	printf("  %-14s %s\n", vi ? "giới tính" : "sex", label("sex", json_object_get(o, "sex")));
	printf("  %-14s %s\n", vi ? "ngày sinh" : "born", str(o, "birth_date"));
	printf("  %-14s %s (%s)\n", vi ? "hộ" : "household", str(o, "household"), str(o, "area"));
	printf("  %-14s %s\n", vi ? "quan hệ" : "relation", label("relation", json_object_get(o, "relation")));
	printf("  %-14s %s\n", vi ? "hôn nhân" : "marital", label("marital", json_object_get(o, "marital")));
	printf("  %-14s %s\n", vi ? "cư trú" : "residence", label("residence", json_object_get(o, "residence")));
	printf("  %-14s %s\n", vi ? "số định danh" : "national id", str(o, "national_id"));
	printf("  %-14s %s\n", vi ? "tình trạng" : "status", str(o, "status"));
	printf("%s\n", vi ? "lịch sử:" : "history:");
	print_history(json_object_get(o, "history"));
}

int cmd_person(int argc, char **argv)
{
	struct show_opts o = {0};
	int ex = parse_show("person", argc, argv, &o);
	if (ex)
		return ex;
	struct store *st;
	if ((ex = cli_open_store("person", o.db, false, &st)))
		return ex;
	struct ledger lg;
	struct store_person p;
	json_t *v = NULL;
	enum ds_rc rc = ledger_open(&lg, st);
	if (!rc)
		rc = store_person_get(st, o.arg, 0, &p);
	if (!rc)
		rc = view_person(&lg, &p, true, &v);
	if (!rc)
		rc = cli_audit(st, "read", "person", p.rec.id, p.cur_area);
	if (rc == DS_ENOTFOUND)
		ex = cli_fail("person", rc, "no person with id %s", o.arg);
	else if (rc)
		ex = cli_fail("person", rc, "%s", store_errmsg(st));
	else if (o.json)
		print_json(v);
	else
		print_person(v);
	json_decref(v);
	ledger_close(&lg);
	store_close(st);
	return ex;
}

int cmd_household(int argc, char **argv)
{
	struct show_opts o = {0};
	int ex = parse_show("household", argc, argv, &o);
	if (ex)
		return ex;
	struct store *st;
	if ((ex = cli_open_store("household", o.db, false, &st)))
		return ex;
	struct ledger lg;
	struct store_household h;
	json_t *v = NULL;
	enum ds_rc rc = ledger_open(&lg, st);
	if (!rc)
		rc = store_household_get(st, o.arg, 0, &h);
	if (!rc)
		rc = view_household(&lg, &h, true, &v);
	if (!rc)
		rc = cli_audit(st, "read", "household", h.rec.id, h.rec.area);
	if (!rc)
		rc = cli_audit_ids(st, "read", "person", json_object_get(v, "members"), "id", h.rec.area);
	if (rc == DS_ENOTFOUND) {
		ex = cli_fail("household", rc, "no household with id %s", o.arg);
	} else if (rc) {
		ex = cli_fail("household", rc, "%s", store_errmsg(st));
	} else if (o.json) {
		print_json(v);
	} else {
		bool vi = strcmp(cli_lang(), "vi") == 0;
		printf("%s  %s %s, %s\n", str(v, "id"), vi ? "hộ số" : "household no.", str(v, "number"),
		       str(v, "address"));
		printf("  %-12s %s\n", vi ? "địa bàn" : "area", str(v, "area"));
		printf("  %-12s %s\n", vi ? "loại hộ" : "type", label("household_type", json_object_get(v, "type")));
		printf("%s\n", vi ? "thành viên:" : "members:");
		size_t i;
		json_t *m;
		json_array_foreach(json_object_get(v, "members"), i, m)
		{
			printf("  ");
			pad(str(m, "id"), 14);
			pad(str(m, "full_name"), 30);
			printf("%s\n", str(m, "birth_date"));
		}
		printf("%s\n", vi ? "lịch sử:" : "history:");
		print_history(json_object_get(v, "history"));
	}
	json_decref(v);
	ledger_close(&lg);
	store_close(st);
	return ex;
}

struct found {
	struct store *st;
	json_t *arr;
	json_t *seen; /* [{id, area}] for the audit log */
};

static enum ds_rc add_found(const struct store_person *p, void *arg)
{
	struct found *f = arg;
	json_array_append_new(f->arr, view_person_brief(p, p->cur_household));
	json_array_append_new(f->seen, json_pack("{s:s, s:s}", "id", p->rec.id, "area", p->cur_area));
	return DS_OK;
}

int cmd_find(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"born", required_argument, NULL, 'b'},
					     {"limit", required_argument, NULL, 'n'},
					     {"json", no_argument, NULL, 'j'},
					     {0}};
	const char *db = CLI_DEFAULT_DB;
	int year = 0, limit = 50;
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'b':
			if (reg_parse_small(optarg, strlen(optarg), DAY_MIN_YEAR, DAY_MAX_YEAR, &year))
				return cli_fail("find", DS_EUSAGE, "--born takes a year YYYY");
			break;
		case 'n':
			if (reg_parse_small(optarg, strlen(optarg), 1, 1000, &limit))
				return cli_fail("find", DS_EUSAGE, "--limit takes a number from 1 to 1000");
			break;
		case 'j': json = true; break;
		default: cli_usage("find", stderr); return ds_rc_exit(DS_EUSAGE);
		}
	}
	if (optind >= argc)
		return cli_fail("find", DS_EUSAGE, "give a name");
	char name[REG_NAME_BYTES] = "", key[REG_NAME_BYTES];
	for (int i = optind; i < argc; i++) {
		size_t n = strlen(name);
		snprintf(name + n, sizeof name - n, "%s%s", n ? " " : "", argv[i]);
	}
	if (txt_fold(name, strlen(name), key, sizeof key) || !key[0])
		return cli_fail("find", DS_EUSAGE, "the name is not valid UTF-8 text");
	struct store *st;
	int ex = cli_open_store("find", db, false, &st);
	if (ex)
		return ex;
	struct found f = {st, json_array(), json_array()};
	enum ds_rc rc = store_find(st, key, year, NULL, 0, (size_t)limit, add_found, &f);
	if (!rc)
		rc = cli_audit_ids(st, "search", "person", f.seen, "id", NULL);
	if (rc) {
		ex = cli_fail("find", rc, "%s", store_errmsg(st));
	} else if (json) {
		print_json(f.arr);
	} else {
		size_t i;
		json_t *m;
		json_array_foreach(f.arr, i, m)
		{
			pad(str(m, "id"), 14);
			pad(str(m, "full_name"), 32);
			pad(str(m, "birth_date"), 10);
			printf("%s%s\n", str(m, "household"),
			       json_is_true(json_object_get(m, "present")) ? "" : "  (left)");
		}
		if (json_array_size(f.arr) == 0)
			fprintf(stderr, "find: no match\n");
	}
	if (!rc && json_array_size(f.arr) == 0 && !ex)
		ex = ds_rc_exit(DS_ENOTFOUND);
	json_decref(f.arr);
	json_decref(f.seen);
	store_close(st);
	return ex;
}
