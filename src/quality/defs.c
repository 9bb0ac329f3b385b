/* Quality definitions: the checks and rules of defs/quality/ (JSON files), parsed strictly and validated at load. */
#include <ctype.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/asset.h"
#include "quality/quality.h"
#include "report/expr.h"

/* The functions a check may name: kind, arguments and their ranges, and
 * the placeholders it fills in the texts. */
static const struct fn_def {
	const char *name, *kind;
	int nargs;
	double lo[2], hi[2];
	const char *vars;
} fns[QF_COUNT] = {
	[QF_AGE_OVER] = {"age_over", "record", 1, {0, 0}, {150, 0}, " name age date unit area "},
	[QF_MOTHER_AGE] = {"mother_age", "record", 2, {5, 30}, {30, 90}, " name age date unit area "},
	[QF_TWO_HOUSEHOLDS] = {"two_households", "record", 0, {0, 0}, {0, 0},
			       " name count date unit area "},
	[QF_NATIONAL_ID] = {"national_id", "record", 0, {0, 0}, {0, 0}, " name what date unit area "},
	[QF_NO_FP_STATUS] = {"no_fp_status", "record", 2, {10, 15}, {49, 60}, " count date unit area "},
	[QF_EMPTY_HOUSEHOLD] = {"empty_household", "record", 0, {0, 0}, {0, 0},
				" household number date unit area "},
	[QF_NO_HEAD] = {"no_head", "record", 0, {0, 0}, {0, 0}, " household number date unit area "},
	[QF_BALANCE] = {"balance", "flow", 0, {0, 0}, {0, 0},
			" unit difference start end births deaths in out other_in other_out "},
	[QF_NO_EVENTS] = {"no_events", "flow", 1, {1, 0}, {24, 0}, " area unit months from "},
	[QF_LATE_ENTRY] = {"late_entry", "timeliness", 1, {1, 0}, {365, 0},
			   " area unit login count days "},
	[QF_REPORT_MISSING] = {"report_missing", "timeliness", 0, {0, 0}, {0, 0},
			       " unit form period days deadline "},
	[QF_REPORT_LATE] = {"report_late", "timeliness", 0, {0, 0}, {0, 0},
			    " unit form period days deadline submitted "},
	[QF_MODIFIED_Z] = {"modified_z", "outlier", 2, {0.5, 12}, {20, 36},
			   " unit row month value median z months "},
	[QF_OUTSIDE_RANGE] = {"outside_range", "outlier", 1, {12, 0}, {36, 0},
			      " unit row month value min max months "},
};
static const char *const rule_vars = " unit left right left_label right_label ";

static const char *const sev_names[Q_NSEVERITY] = {"error", "warning", "information"};
const char *q_severity_name(enum q_severity s)
{
	return s < Q_NSEVERITY ? sev_names[s] : "?";
}

const char *q_fn_kind(int f)
{
	return f >= 0 && f < QF_COUNT ? fns[f].kind : "rule";
}

/* ---- where an error is: the line of a member of the n-th object with that id ---- */

static int line_of(const char *text, size_t len, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off && i < len; i++)
		line += text[i] == '\n';
	return line;
}

/* Offset of needle in text at or after from; len when absent. */
static size_t find_from(const char *text, size_t len, size_t from, const char *needle)
{
	size_t nl = strlen(needle);
	for (size_t i = from; nl && i + nl <= len; i++)
		if (memcmp(text + i, needle, nl) == 0)
			return i;
	return len;
}

/*
 * jansson keeps no positions of values, so an object's place is found in
 * the text: the next `"id"` member after the previous object's (ids are
 * unique in a file), and a member's place is its key after that.
 */
struct where {
	const char *path, *text;
	size_t len, obj; /* offset of the current object's id member */
};

static int where_line(const struct where *w, const char *member)
{
	size_t at = w->obj;
	if (member) {
		char key[64];
		snprintf(key, sizeof key, "\"%s\"", member);
		size_t m = find_from(w->text, w->len, w->obj, key);
		if (m < w->len)
			at = m;
	}
	return line_of(w->text, w->len, at);
}

static enum ds_rc refuse(const struct where *w, const char *member, char *err, size_t errsz,
			 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static enum ds_rc refuse(const struct where *w, const char *member, char *err, size_t errsz,
			 const char *fmt, ...)
{
	char why[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	snprintf(err, errsz, "%s:%d: %s%s%s", w->path, where_line(w, member), member ? member : "",
		 member ? ": " : "", why);
	return DS_EINPUT;
}

/* ---- texts ---- */

static void texts_free(struct q_texts *t)
{
	for (int i = 0; i < 2; i++) {
		free(t->title[i]);
		free(t->text[i]);
		free(t->todo[i]);
	}
	memset(t, 0, sizeof *t);
}

/* Every {placeholder} of s must be among vars (" a b c "). */
static bool placeholders_ok(const char *s, const char *vars, char *bad, size_t badsz)
{
	for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
		const char *q = strchr(p, '}');
		size_t n = q ? (size_t)(q - p - 1) : 0;
		char name[40];
		if (!q || n == 0 || n + 3 > sizeof name) {
			snprintf(bad, badsz, "%.20s", p);
			return false;
		}
		snprintf(name, sizeof name, " %.*s ", (int)n, p + 1);
		if (!strstr(vars, name)) {
			snprintf(bad, badsz, "{%.*s}", (int)n, p + 1);
			return false;
		}
	}
	return true;
}

static const char *const text_keys[6] = {"title_vi", "title_en", "text_vi",
					 "text_en",  "do_vi",    "do_en"};

static enum ds_rc parse_texts(const struct where *w, json_t *o, const char *vars,
			      struct q_texts *t, char *err, size_t errsz)
{
	char **slots[6] = {&t->title[0], &t->title[1], &t->text[0],
			   &t->text[1],  &t->todo[0],  &t->todo[1]};
	for (int i = 0; i < 6; i++) {
		const char *s = json_string_value(json_object_get(o, text_keys[i]));
		if (!s || !s[0])
			return refuse(w, text_keys[i], err, errsz, "required, a non-empty text");
		char bad[48];
		if (!placeholders_ok(s, vars, bad, sizeof bad))
			return refuse(w, text_keys[i], err, errsz, "unknown placeholder %s", bad);
		if (!(*slots[i] = strdup(s)))
			return DS_ENOMEM;
	}
	return DS_OK;
}

static enum ds_rc parse_severity(const struct where *w, json_t *o, enum q_severity *out, char *err,
				 size_t errsz)
{
	const char *s = json_string_value(json_object_get(o, "severity"));
	for (int i = 0; s && i < Q_NSEVERITY; i++)
		if (strcmp(s, sev_names[i]) == 0) {
			*out = (enum q_severity)i;
			return DS_OK;
		}
	return refuse(w, "severity", err, errsz, "must be error, warning or information");
}

/* Only the members listed (space-separated) are allowed. */
static enum ds_rc members_ok(const struct where *w, json_t *o, const char *allowed, char *err,
			     size_t errsz)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		char key[72];
		snprintf(key, sizeof key, " %s ", k);
		if (strlen(k) > 60 || !strstr(allowed, key))
			return refuse(w, NULL, err, errsz, "unknown member \"%.40s\"", k);
	}
	return DS_OK;
}

/* ---- checks ---- */

/* "name(1, 2.5)" into a function and its arguments. */
static bool parse_test(const char *s, enum q_fn *fn, double arg[2], int *nargs, char *name,
		       size_t namesz)
{
	size_t n = 0;
	while (s[n] == '_' || (s[n] >= 'a' && s[n] <= 'z'))
		n++;
	snprintf(name, namesz, "%.*s", (int)(n < 40 ? n : 40), s);
	*fn = QF_COUNT;
	for (int i = 0; i < QF_COUNT; i++)
		if (strlen(fns[i].name) == n && strncmp(fns[i].name, s, n) == 0)
			*fn = (enum q_fn)i;
	const char *p = s + n;
	*nargs = 0;
	if (*p++ != '(')
		return false;
	while (*p == ' ')
		p++;
	while (*p && *p != ')') {
		char *end;
		double v = strtod(p, &end);
		if (end == p || !isfinite(v) || *nargs == 2)
			return false;
		arg[(*nargs)++] = v;
		p = end;
		while (*p == ' ')
			p++;
		if (*p == ',') {
			p++;
			while (*p == ' ')
				p++;
			if (*p == ')')
				return false;
		} else if (*p != ')') {
			return false;
		}
	}
	return *p == ')' && p[1] == '\0';
}

static enum ds_rc parse_check(const struct where *w, json_t *o, struct q_check *c, char *err,
			      size_t errsz)
{
	enum ds_rc rc = members_ok(w, o,
				   " id kind test severity title_vi title_en text_vi text_en do_vi do_en ",
				   err, errsz);
	if (rc)
		return rc;
	const char *id = json_string_value(json_object_get(o, "id"));
	snprintf(c->id, sizeof c->id, "%s", id);
	snprintf(c->file, sizeof c->file, "%s", w->path);
	c->line = where_line(w, NULL);
	const char *test = json_string_value(json_object_get(o, "test"));
	const char *kind = json_string_value(json_object_get(o, "kind"));
	if (!test)
		return refuse(w, "test", err, errsz, "required: a function such as age_over(110)");
	char name[48];
	int nargs;
	bool syntax = parse_test(test, &c->fn, c->arg, &nargs, name, sizeof name);
	if (c->fn == QF_COUNT)
		return refuse(w, "test", err, errsz, "unknown function %s", name);
	const struct fn_def *f = &fns[c->fn];
	if (!syntax)
		return refuse(w, "test", err, errsz, "%s: expected %s(numbers separated by commas)",
			      f->name, f->name);
	if (nargs != f->nargs) {
		char want[40];
		snprintf(want, sizeof want, "%d argument%s", f->nargs, f->nargs == 1 ? "" : "s");
		return refuse(w, "test", err, errsz, "%s takes %s", f->name, want);
	}
	for (int i = 0; i < nargs; i++)
		if (c->arg[i] < f->lo[i] || c->arg[i] > f->hi[i]) {
			char range[64];
			snprintf(range, sizeof range, "argument %d must lie in %g..%g", i + 1, f->lo[i],
				 f->hi[i]);
			return refuse(w, "test", err, errsz, "%s: %s", f->name, range);
		}
	if (c->fn == QF_MOTHER_AGE && c->arg[0] >= c->arg[1])
		return refuse(w, "test", err, errsz, "mother_age: the lower age must be below the upper");
	if (!kind || strcmp(kind, f->kind) != 0)
		return refuse(w, "kind", err, errsz, "%s is a %s check", f->name, f->kind);
	if ((rc = parse_severity(w, o, &c->severity, err, errsz)))
		return rc;
	return parse_texts(w, o, f->vars, &c->t, err, errsz);
}

/* ---- rules ---- */

struct form_rows {
	const struct rpt_form *f;
};

static int any_row(const char *code, void *arg)
{
	const struct rpt_form *f = ((struct form_rows *)arg)->f;
	for (size_t i = 0; i < f->nrows; i++)
		if (strcmp(f->rows[i].code, code) == 0)
			return (int)i;
	return -1;
}

static enum ds_rc parse_side(const struct where *w, const char *member, json_t *o,
			     const struct rpt_form *f, char **text, struct expr **x, char *err,
			     size_t errsz)
{
	const char *s = json_string_value(json_object_get(o, member));
	if (!s || !s[0])
		return refuse(w, member, err, errsz, "required: an expression over rows, row(\"5\")");
	char msg[160];
	struct form_rows fr = {f};
	if (!(*x = expr_parse(s, any_row, &fr, msg, sizeof msg)))
		return refuse(w, member, err, errsz, "%s", msg);
	struct expr_needs nd = {0};
	expr_needs(*x, &nd);
	if (nd.stock[0] || nd.stock[1] || nd.flow[0] || nd.flow[1])
		return refuse(w, member, err, errsz,
			      "a rule compares rows of %s: use row(\"code\"), not a count", f->code);
	return (*text = strdup(s)) ? DS_OK : DS_ENOMEM;
}

static enum ds_rc parse_rule(const struct where *w, json_t *o, const struct rpt_form *f,
			     struct q_rule *r, char *err, size_t errsz)
{
	enum ds_rc rc = members_ok(
		w, o, " id left op right severity title_vi title_en text_vi text_en do_vi do_en ", err,
		errsz);
	if (rc)
		return rc;
	snprintf(r->id, sizeof r->id, "%s", json_string_value(json_object_get(o, "id")));
	snprintf(r->form, sizeof r->form, "%s", f->code);
	snprintf(r->file, sizeof r->file, "%s", w->path);
	r->line = where_line(w, NULL);
	if ((rc = parse_side(w, "left", o, f, &r->left_text, &r->left, err, errsz)) ||
	    (rc = parse_side(w, "right", o, f, &r->right_text, &r->right, err, errsz)))
		return rc;
	static const char *const ops[] = {">=", ">", "<=", "<", "=="};
	const char *op = json_string_value(json_object_get(o, "op"));
	r->op = (enum q_op)-1;
	for (int i = 0; op && i < 5; i++)
		if (strcmp(op, ops[i]) == 0)
			r->op = (enum q_op)i;
	if ((int)r->op < 0)
		return refuse(w, "op", err, errsz, "must be >=, >, <=, < or ==");
	if ((rc = parse_severity(w, o, &r->severity, err, errsz)))
		return rc;
	return parse_texts(w, o, rule_vars, &r->t, err, errsz);
}

static void check_free(struct q_check *c)
{
	texts_free(&c->t);
}

static void rule_free(struct q_rule *r)
{
	texts_free(&r->t);
	free(r->left_text);
	free(r->right_text);
	expr_free(r->left);
	expr_free(r->right);
	memset(r, 0, sizeof *r);
}

void q_defs_free(struct q_defs *d)
{
	for (size_t i = 0; i < d->nchecks; i++)
		check_free(&d->checks[i]);
	for (size_t i = 0; i < d->nrules; i++)
		rule_free(&d->rules[i]);
	free(d->checks);
	free(d->rules);
	memset(d, 0, sizeof *d);
}

/* The id of the object, unique among the checks and rules loaded so far. */
static enum ds_rc object_id(struct where *w, const struct q_defs *d, json_t *o, char *err,
			    size_t errsz)
{
	const char *id = json_string_value(json_object_get(o, "id"));
	bool ok = id && id[0] && strlen(id) < 48;
	for (const char *p = id; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
	if (ok) {
		char needle[64];
		snprintf(needle, sizeof needle, "\"%s\"", id);
		size_t at = find_from(w->text, w->len, w->obj + 1, needle);
		if (at < w->len)
			w->obj = at;
	}
	if (!ok)
		return refuse(w, NULL, err, errsz, "a check or rule needs an id of a-z, 0-9 and _");
	for (size_t i = 0; i < d->nchecks; i++)
		if (strcmp(d->checks[i].id, id) == 0)
			return refuse(w, "id", err, errsz, "%s is defined twice", id);
	for (size_t i = 0; i < d->nrules; i++)
		if (strcmp(d->rules[i].id, id) == 0)
			return refuse(w, "id", err, errsz, "%s is defined twice", id);
	return DS_OK;
}

static enum ds_rc parse_file(struct q_defs *d, const struct rpt_defs *forms, struct where *w,
			     json_t *root, char *err, size_t errsz)
{
	if (!json_is_object(root))
		return refuse(w, NULL, err, errsz, "the file must hold an object");
	enum ds_rc rc = members_ok(w, root, " about checks rules form ", err, errsz);
	if (rc)
		return rc;
	json_t *checks = json_object_get(root, "checks"), *rules = json_object_get(root, "rules");
	if ((checks && !json_is_array(checks)) || (rules && !json_is_array(rules)))
		return refuse(w, NULL, err, errsz, "checks and rules are arrays");
	const struct rpt_form *f = NULL;
	if (json_array_size(rules)) {
		const char *code = json_string_value(json_object_get(root, "form"));
		if (!code || !(f = rpt_form_find(forms, code)))
			return refuse(w, "form", err, errsz, "rules need the code of a known form");
	}
	size_t i;
	json_t *o;
	struct q_check *nc = realloc(d->checks, (d->nchecks + json_array_size(checks) + 1) * sizeof *nc);
	if (!nc)
		return DS_ENOMEM;
	d->checks = nc;
	json_array_foreach(checks, i, o)
	{
		if (!json_is_object(o))
			return refuse(w, NULL, err, errsz, "every check is an object");
		if ((rc = object_id(w, d, o, err, errsz)))
			return rc;
		struct q_check *c = &d->checks[d->nchecks];
		memset(c, 0, sizeof *c);
		if ((rc = parse_check(w, o, c, err, errsz))) {
			check_free(c);
			return rc;
		}
		d->nchecks++;
	}
	struct q_rule *nr = realloc(d->rules, (d->nrules + json_array_size(rules) + 1) * sizeof *nr);
	if (!nr)
		return DS_ENOMEM;
	d->rules = nr;
	json_array_foreach(rules, i, o)
	{
		if (!json_is_object(o))
			return refuse(w, NULL, err, errsz, "every rule is an object");
		if ((rc = object_id(w, d, o, err, errsz)))
			return rc;
		struct q_rule *r = &d->rules[d->nrules];
		memset(r, 0, sizeof *r);
		if ((rc = parse_rule(w, o, f, r, err, errsz))) {
			rule_free(r);
			return rc;
		}
		d->nrules++;
	}
	return DS_OK;
}

enum ds_rc q_defs_parse(struct q_defs *d, const struct rpt_defs *forms, const char *path,
			const char *text, size_t len, char *err, size_t errsz)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errsz, "%s:%d: %s", path, je.line, je.text);
		return DS_EINPUT;
	}
	struct where w = {path, text, len, 0};
	size_t nchecks = d->nchecks, nrules = d->nrules;
	enum ds_rc rc = parse_file(d, forms, &w, root, err, errsz);
	json_decref(root);
	if (rc) {
		/* All or nothing: what this file added goes. */
		for (size_t i = nchecks; i < d->nchecks; i++)
			check_free(&d->checks[i]);
		for (size_t i = nrules; i < d->nrules; i++)
			rule_free(&d->rules[i]);
		d->nchecks = nchecks;
		d->nrules = nrules;
	}
	return rc;
}

struct loadctx {
	struct q_defs *d;
	const struct rpt_defs *forms;
	enum ds_rc rc;
	char *err;
	size_t errsz;
};

static void load_one(const char *path, const unsigned char *data, size_t len, void *arg)
{
	struct loadctx *c = arg;
	size_t n = strlen(path);
	if (c->rc || n < 5 || strcmp(path + n - 5, ".json") != 0)
		return;
	c->rc = q_defs_parse(c->d, c->forms, path, (const char *)data, len, c->err, c->errsz);
}

enum ds_rc q_defs_load(struct q_defs *d, const struct rpt_defs *forms, char *err, size_t errsz)
{
	memset(d, 0, sizeof *d);
	struct loadctx c = {d, forms, DS_OK, err, errsz};
	asset_each("defs/quality/", load_one, &c);
	if (c.rc)
		q_defs_free(d);
	return c.rc;
}
