/*
 * The route table, the request pipeline and the helpers every handler
 * uses.  The OpenAPI document is generated from the table, and the
 * authorisation tests enumerate it: a route without a permission cannot
 * exist.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "base/progress.h"
#include "base/text.h"

const struct api_route api_routes[] = {
	{"GET", "/health", h_health, PERM_PUBLIC, "Liveness and the event sequence", ""},
	{"GET", "/metrics", h_metrics, PERM_ADMIN, "Counters and latencies (Prometheus text)", ""},
	{"GET", "/api/v1/openapi.json", h_openapi, PERM_PUBLIC, "This API's OpenAPI document", ""},
	{"POST", "/api/v1/login", h_login, PERM_PUBLIC, "Log in: {login, password}; sets the session cookie", ""},
	{"POST", "/api/v1/logout", h_logout, PERM_USER, "Log out: ends the session", ""},
	{"GET", "/api/v1/me", h_me, PERM_USER, "The logged-in user and the CSRF token", ""},
	{"POST", "/api/v1/me/password", h_password, PERM_USER,
	 "Change one's password: {old, new}; ends every other session", ""},
	{"GET", "/api/v1/units", h_units, PERM_USER, "The unit tree on a date",
	 "date:YYYY-MM-DD (default today);root:unit code (default the user's unit)"},
	{"GET", "/api/v1/codes", h_codes, PERM_USER, "Code lists with Vietnamese and English labels", ""},
	{"GET", "/api/v1/forms", h_forms, PERM_USER, "Report forms and their rows", ""},
	{"GET", "/api/v1/persons", h_person_search, PERM_READ,
	 "Find persons by name (diacritics and case ignored) or national id",
	 "q:name;born:year;national_id:12 digits;page:1-based;size:page size (max 100)"},
	{"GET", "/api/v1/persons/{id}", h_person_get, PERM_READ, "A person as of today", ""},
	{"GET", "/api/v1/persons/{id}/history", h_person_history, PERM_READ,
	 "A person with the dated history of events", ""},
	{"GET", "/api/v1/persons/{id}/access", h_person_access, PERM_OFFICER,
	 "Who read or changed this person's data (data-subject requests)", "page:1-based"},
	{"GET", "/api/v1/persons/{id}/file", h_person_file, PERM_OFFICER,
	 "A data subject's file (Personal Data Protection Law): everything held on the person and every "
	 "access to it, as a JSON attachment", ""},
	{"POST", "/api/v1/persons/{id}/deletion", h_person_deletion, PERM_OFFICER,
	 "Record a request to delete a person's data, refused with its legal basis: {received, channel, note}", ""},
	{"GET", "/api/v1/households", h_household_list, PERM_READ,
	 "Households of an area, or by household number",
	 "area:area code (default the user's area);number:book number;page:1-based;size:page size"},
	{"GET", "/api/v1/households/{id}", h_household_get, PERM_READ,
	 "A household with its members and history", ""},
	{"GET", "/api/v1/events/{id}", h_event_get, PERM_READ, "One recorded event", ""},
	{"POST", "/api/v1/events", h_event_post, PERM_WRITE, "Record one event", ""},
	{"POST", "/api/v1/events/batch", h_event_batch, PERM_WRITE,
	 "Record a batch of events (offline sync): per-record results, idempotent by event id", ""},
	{"GET", "/api/v1/reports/{form}", h_report, PERM_USER, "A report form for a unit and period",
	 "unit:unit code;period:2024, 2024-Q1, 2024-H1 or 2024-03;map_date:YYYY-MM-DD;"
	 "format:json, csv, xlsx or html;lang:vi or en;columns:auto, single or communes"},
	{"GET", "/api/v1/check", h_check, PERM_USER, "The balancing check for a unit and period",
	 "unit:unit code;period:period;map_date:YYYY-MM-DD"},
	{"GET", "/api/v1/quality", h_quality, PERM_USER,
	 "The data quality report: checks, rules between rows and outliers, each a sentence with what to do",
	 "unit:unit code;period:2024, 2024-Q1, 2024-H1 or 2024-03;format:json, csv or xlsx;lang:vi or en"},
	{"GET", "/api/v1/duplicates", h_duplicates, PERM_READ,
	 "Candidate pairs of persons recorded twice in a unit of the caller's scope, highest score "
	 "first, with names; pairs decided not the same are left out; every person listed is audited",
	 "unit:unit code (default the user's unit);min_score:0 to 1 (default 0.72)"},
	{"GET", "/api/v1/duplicates/plan", h_duplicates_plan, PERM_READ,
	 "What merging duplicate into person would carry over (moved) and list for the officer (listed)",
	 "person:person id (who remains);duplicate:person id (recorded twice)"},
	{"GET", "/api/v1/duplicates/match", h_duplicates_match, PERM_WRITE,
	 "At entry: persons of the caller's scope who resemble one being recorded by a birth or an "
	 "arrival (score above the threshold in the same commune, or the same national id)",
	 "full_name:the name;sex:1 or 2;birth_date:YYYY-MM-DD, YYYY-MM or YYYY;national_id:12 digits;"
	 "household:the household entered (an arrival);mother:the mother (a birth)"},
	{"POST", "/api/v1/duplicates/decision", h_duplicates_decision, PERM_OFFICER,
	 "Decide on a pair: {person, duplicate, decision: same | not_same, note?, id?}; same records a "
	 "merge event (void it to undo), not_same a record that keeps the pair from being proposed again",
	 ""},
	{"POST", "/api/v1/reconcile", h_reconcile, PERM_OFFICER,
	 "The register against an extract of the national population database: {unit, lines (the "
	 "CSV's lines, header first)}; counts per commune and the items, each person audited; the "
	 "extract is not kept",
	 ""},
	{"GET", "/api/v1/worklists/{list}", h_worklist, PERM_READ,
	 "A programme's work list for a unit in the caller's scope on a day: elderly, prenatal, newborn, "
	 "premarital, poor-fp (with the supplies to plan) or third-births; every person listed is audited",
	 "unit:unit code (default the user's unit);date:YYYY-MM-DD (default today);"
	 "from:YYYY-MM-DD, premarital and third-births (default 1 January);months:1-12, poor-fp's plan (default 3);"
	 "format:json, csv or xlsx;lang:vi or en"},
	{"GET", "/api/v1/book", h_book, PERM_READ,
	 "The offline household book of one collaborator area in the caller's scope: households, the "
	 "present persons with the current facts the forms need (relation, marital status, method, last "
	 "pregnancy, last elderly check), code lists, and the event sequence it is current to; every "
	 "person is audited",
	 "area:area code (default the user's area)"},
	{"GET", "/api/v1/book/changes", h_book_changes, PERM_READ,
	 "What changed in an area's book since an event sequence: the households and persons to replace, "
	 "the persons gone from the area, and the new sequence; every person is audited",
	 "area:area code (default the user's area);since:the book's event sequence"},
	{"POST", "/api/v1/elderly/sessions", h_elderly_schedule, PERM_OFFICER,
	 "Schedule an elderly check session of a commune in one's scope: {unit, date (today or later), place, "
	 "capacity, areas: [area codes under the commune]}", ""},
	{"GET", "/api/v1/elderly/sessions", h_elderly_sessions, PERM_READ,
	 "The elderly check sessions of the communes under a unit in the caller's scope in a year, with the "
	 "persons invited and checked",
	 "unit:unit code (default the user's unit);year:YYYY (default this year)"},
	{"GET", "/api/v1/elderly/sessions/{id}", h_elderly_lists, PERM_READ,
	 "A session with its invitation lists by area (the caller's areas); every person listed is audited",
	 "format:json or csv;lang:vi or en"},
	{"POST", "/api/v1/elderly/sessions/{id}/invitations", h_elderly_invite, PERM_WRITE,
	 "Invite persons aged 60 or more of the session's areas to a session still to come: {persons: [ids]}; "
	 "all or none", ""},
	{"POST", "/api/v1/elderly/sessions/{id}/attendance", h_elderly_attend, PERM_WRITE,
	 "Record the attendance of invited persons at a session held: {persons: [ids]}; each becomes an "
	 "elderly_check event (idempotent); all or none", ""},
	{"GET", "/api/v1/elderly/followup", h_elderly_followup, PERM_READ,
	 "Persons invited to a session held this year and still without a check on a day; every person listed is "
	 "audited", "unit:unit code (default the user's unit);date:YYYY-MM-DD (default today)"},
	{"GET", "/api/v1/elderly/coverage", h_elderly_coverage, PERM_READ,
	 "Elderly check coverage by area and commune on a day against the ELC target, with the progress",
	 "unit:unit code (default the user's unit);date:YYYY-MM-DD (default today)"},
	{"GET", "/api/v1/workforce", h_workforce, PERM_OFFICER,
	 "The collaborators of a unit in one's scope on a day: their areas, trainings and events per month, areas "
	 "without a collaborator and since when, those silent for two months, turnover and training coverage",
	 "unit:unit code (default the user's unit);date:YYYY-MM-DD (default today)"},
	{"POST", "/api/v1/workforce/collaborators", h_workforce_collaborator, PERM_OFFICER,
	 "Record a collaborator of a commune (the same code again replaces it): {unit, code, name, sex, birth_year, "
	 "phone, login, active}", ""},
	{"POST", "/api/v1/workforce/assignments", h_workforce_assignment, PERM_OFFICER,
	 "Assign an area to a collaborator: {area, collaborator, from, to}; the same from again ends or changes it; "
	 "an area already covered on those dates is refused", ""},
	{"POST", "/api/v1/workforce/trainings", h_workforce_training, PERM_OFFICER,
	 "Record a collaborator's training: {unit, collaborator, course, date, hours}", ""},
	{"GET", "/api/v1/slip", h_slip, PERM_READ, "A collaborator area's changes for a month (P0/CTV)",
	 "area:area code;month:YYYY-MM"},
	{"GET", "/api/v1/dashboard", h_dashboard, PERM_USER,
	 "Headline figures, pyramid and monthly trends for a unit", "unit:unit code;year:YYYY"},
	{"POST", "/api/v1/targets", h_targets, PERM_PLANNER,
	 "Set yearly targets: [{unit, year, indicator, target}]", ""},
	{"GET", "/api/v1/targets", h_target_status, PERM_USER,
	 "A unit's targets of a year: per indicator the target (its own, a rate's nearest above, else Strategy "
	 "1679's), the value so far, progress by direction, the path month by month, the communes' targets",
	 "unit:unit code (default the user's unit);year:YYYY (default this year);date:YYYY-MM-DD (default today)"},
	{"POST", "/api/v1/targets/share", h_target_share, PERM_PLANNER,
	 "Share a unit's yearly target out to its communes: {unit, year, indicator, method: proportional|manual, "
	 "base, target, shares: [{unit, value}], dry_run}; refused (shares) when they do not add up", ""},
	{"GET", "/api/v1/projection", h_projection, PERM_PLANNER,
	 "A unit's projection from its own register by sex and single age to a horizon; "
	 "several scenarios are compared side by side",
	 "unit:unit code;base:base date YYYY-MM-DD;to:last year;map_date:YYYY-MM-DD (default the base date);"
	 "scenario:saved scenario names, comma-separated (default: constant rates);"
	 "format:json, csv or xlsx;lang:vi or en"},
	{"GET", "/api/v1/scenarios", h_scenarios, PERM_PLANNER, "The projection scenarios saved for a unit",
	 "unit:unit code"},
	{"POST", "/api/v1/scenarios", h_scenario_save, PERM_PLANNER,
	 "Save a projection scenario for a unit in one's scope: {unit, base, name, label, "
	 "tfr: {value, year}, srb: {value, year}, e0_gain, migration}", ""},
	{"GET", "/api/v1/comm/sessions", h_comm_sessions, PERM_READ,
	 "Communication sessions held in a unit in a period", "?unit=&period="},
	{"POST", "/api/v1/comm/sessions", h_comm_session_add, PERM_WRITE,
	 "Record a communication session: {unit, date, topic, format, participants: {male, female: {age group: n}}, held_by}", ""},
	{"GET", "/api/v1/comm/summary", h_comm_summary, PERM_OFFICER,
	 "Sessions by topic and format, participants and clubs per commune for a period", "?unit=&period=&format=json|csv|xlsx&lang="},
	{"GET", "/api/v1/clubs", h_clubs, PERM_READ, "The clubs of a unit's communes on a date, active or not",
	 "?unit=&date="},
	{"POST", "/api/v1/clubs", h_club_add, PERM_OFFICER,
	 "Set up or update a club of a commune: {unit, date, club, name, model, members}", ""},
	{"POST", "/api/v1/clubs/{club}/meetings", h_club_meeting_add, PERM_OFFICER,
	 "Record a club meeting: {unit, date, topic, attendance}", ""},
	{"GET", "/api/v1/review", h_review, PERM_OFFICER,
	 "The month's changes of a commune, area by area (areas without a change first), with names, "
	 "who recorded each, queries and reviews", "unit:commune code (default the user's unit);month:YYYY-MM"},
	{"POST", "/api/v1/review", h_review_mark, PERM_OFFICER, "Mark an area's month reviewed: {area, month}", ""},
	{"GET", "/api/v1/queries", h_queries, PERM_READ,
	 "Questions on events in the caller's scope (open ones unless all=1)", "all:1 for answered ones too"},
	{"POST", "/api/v1/queries", h_query_add, PERM_OFFICER,
	 "Ask the collaborator who recorded an event: {event, question}", ""},
	{"POST", "/api/v1/queries/{event}/answer", h_query_answer, PERM_WRITE,
	 "Answer a question on an event: {answer, void, correction} (the ids of a correction's void and new event)", ""},
	{"GET", "/api/v1/cycle/report", h_cycle_report, PERM_OFFICER,
	 "A report of the cycle: state, history, approved values beside today's, the events behind a difference",
	 "form:01-DSX, 02-DSX, 03-DSX or 01-DSH;unit:unit code;period:period"},
	{"POST", "/api/v1/cycle/submit", h_cycle_submit, PERM_OFFICER,
	 "Submit a report, frozen as it is: {form, unit, period}", ""},
	{"POST", "/api/v1/cycle/approve", h_cycle_approve, PERM_PLANNER,
	 "Approve a submitted report: {form, unit, period, submission}", ""},
	{"POST", "/api/v1/cycle/return", h_cycle_return, PERM_PLANNER,
	 "Return a submitted report with a comment: {form, unit, period, submission, comment}", ""},
	{"GET", "/api/v1/cycle/timeliness", h_cycle_timeliness, PERM_OFFICER,
	 "Timeliness and completeness of the units under a unit, per period, and the areas' review",
	 "unit:unit code;period:one period;from:first period;to:last period;form:form;format:json, csv or xlsx"},
	{"GET", "/api/v1/cycle/rollup", h_cycle_rollup, PERM_OFFICER,
	 "A report live from the register beside the sum of the approved reports under it",
	 "form:form;unit:unit code;period:period"},
	{"POST", "/api/v1/dhis2/export", h_dhis2_export, PERM_PLANNER,
	 "Approved reports as DHIS2 dataValueSets JSON or ADX XML: {form, unit, period, format, mapping}", ""},
	{"GET", "/api/v1/users", h_users, PERM_ADMIN, "Accounts", ""},
	{"POST", "/api/v1/users", h_user_add, PERM_ADMIN,
	 "Create an account: {login, name, role, unit}; answers its first password", ""},
	{"PATCH", "/api/v1/users/{login}", h_user_update, PERM_ADMIN,
	 "Change an account: {name, role, unit, disabled, reset_password}", ""},
	{"POST", "/api/v1/tokens", h_token_add, PERM_USER,
	 "Create an API token for oneself: {label, days (1-365, default 90)}; answers the token once", ""},
	{"GET", "/api/v1/tokens", h_tokens, PERM_USER,
	 "One's API tokens: id, label, created, last used, expires, revoked (never the secret)", ""},
	{"DELETE", "/api/v1/tokens/{id}", h_token_revoke, PERM_USER, "Revoke one of one's API tokens", ""},
	{"GET", "/api/v1/audit", h_audit, PERM_ADMIN, "The audit log, newest first",
	 "object:person, household...;id:object id;page:1-based"},
	{"GET", "/api/v1/audit/search", h_audit_search, PERM_ADMIN,
	 "A breach investigation: every access by an account or to a unit in a time range, in time order",
	 "from:YYYY-MM-DD or YYYY-MM-DDTHH:MM (Viet Nam's time unless Z or an offset);to:the same (a date "
	 "includes its day);login:an account;unit:a unit code;format:json or csv;after:the next cursor;"
	 "limit:1-10000 entries (JSON)"},
	{"POST", "/api/v1/admin/units/preview", h_units_preview, PERM_ADMIN,
	 "Check a crosswalk (the body: its CSV text) and show its impact: new units with their population "
	 "on the effective date, and the old and new place of every area that moves (nothing is applied)",
	 "name:the file's name, for the problems"},
	{"POST", "/api/v1/admin/units/apply", h_units_apply, PERM_ADMIN,
	 "Check and apply a crosswalk (the body: its CSV text) in one transaction; servers pick it up without a "
	 "restart",
	 "name:the file's name, for the problems;map:the preview's map (refused with 409 unit_changed when the "
	 "map is no longer that one)"},
	{"GET", "/api/v1/series", h_series, PERM_USER,
	 "One row of a monthly form, month by month, for a unit under one administrative map",
	 "form:default 01-DSX;row:the row's code;unit:a unit code;map_date:YYYY-MM-DD (default today's map, or "
	 "the last day of a unit that no longer exists);from:YYYY-MM (default 2023-01);to:YYYY-MM (default this "
	 "month)"},
	{"GET", "/", h_static, PERM_PUBLIC, "The web interface", ""},
	{"GET", "/static/{file}", h_static, PERM_PUBLIC, "The web interface's files", ""},
	{"GET", "/sw.js", h_static, PERM_PUBLIC, "The web interface's service worker (offline shell)", ""},
	{NULL, NULL, NULL, PERM_PUBLIC, NULL, NULL},
};

/* ---- matching ---- */

static bool match(const char *pattern, const char *path, char params[4][REG_ID_MAX * 2])
{
	int np = 0;
	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *close = strchr(pattern, '}');
			const char *end = strchr(path, '/');
			size_t n = end ? (size_t)(end - path) : strlen(path);
			if (!close || n == 0 || n >= REG_ID_MAX * 2 || np >= 4)
				return false;
			memcpy(params[np], path, n);
			params[np++][n] = '\0';
			pattern = close + 1;
			path += n;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	return *pattern == '\0' && *path == '\0';
}

/* ---- helpers ---- */

void api_answer_xlsx(struct api_ctx *c, enum ds_rc (*write)(const char *path, void *arg), void *arg,
		     const char *filename)
{
	char tmp[] = "/tmp/danso-xlsx-XXXXXX";
	int fd = mkstemp(tmp);
	if (fd >= 0)
		close(fd);
	if (fd < 0 || write(tmp, arg)) {
		if (fd >= 0)
			unlink(tmp);
		api_error(c, 503, "internal",
			  api_tr(c, "chưa tạo được tệp Excel; hãy thử lại", "the spreadsheet could not be written"), NULL);
		return;
	}
	c->rs->status = 200;
	c->rs->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	c->rs->file = strdup(tmp);
	api_attachment(c, filename);
}

void api_file_name(char *out, size_t n, const char *what, const char *unit_name, const char *period, const char *ext)
{
	snprintf(out, n, "%s_%s_%s.%s", what, unit_name, period, ext);
}

void api_attachment(struct api_ctx *c, const char *name)
{
	char ascii[256];
	if (txt_ascii(name, strlen(name), ascii, sizeof ascii) == DS_EINPUT)
		snprintf(ascii, sizeof ascii, "danso");
	struct buf b = {0};
	buf_printf(&b, "attachment; filename=\"%s\"; filename*=UTF-8''", ascii);
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)name; *p && b.len < 900; p++) {
		/* RFC 5987 attr-char stays as it is; everything else is %XX */
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("!#$&+-.^_`|~", *p))
			buf_printf(&b, "%c", *p);
		else
			buf_printf(&b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	http_add_header(c->rs, "Content-Disposition", b.data ? b.data : "attachment");
	buf_free(&b);
}

void api_json(struct api_ctx *c, int status, json_t *body)
{
	c->rs->status = status;
	c->rs->content_type = "application/json; charset=utf-8";
	char *s = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(body);
	buf_reset(&c->rs->body);
	buf_puts(&c->rs->body, s ? s : "null");
	free(s);
}

const char *api_tr(struct api_ctx *c, const char *vi, const char *en)
{
	return strcmp(c->lang, "en") == 0 ? en : vi;
}

void api_error(struct api_ctx *c, int status, const char *code, const char *message,
	       const char *field)
{
	/* Every 503 is a moment: the client may try again (a write with the
	 * same id is recognised). */
	if (status == 503)
		http_add_header(c->rs, "Retry-After", "5");
	api_json(c, status,
		 json_pack("{s:{s:s, s:s, s:o}}", "error", "code", code, "message", message, "field",
			   field && field[0] ? json_string(field) : json_null()));
}

void api_problem(struct api_ctx *c, int status, const struct ds_problem *p)
{
	api_error(c, status, ds_why_code(p->why),
		  strcmp(c->lang, "vi") == 0 ? ds_why_vi(p->why) : ds_why_en(p->why), p->field);
}

const char *api_query(struct api_ctx *c, const char *name, char *out, size_t outsz)
{
	return http_query(c->rq, name, out, outsz);
}

/* Depth and string length of a JSON value, checked against the caps. */
static bool within_caps(json_t *v, size_t depth, const struct api_config *cfg)
{
	if (depth > cfg->max_json_depth)
		return false;
	if (json_is_string(v))
		return json_string_length(v) <= cfg->max_json_string;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
		{
			if (strlen(k) > cfg->max_json_string || !within_caps(x, depth + 1, cfg))
				return false;
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			if (!within_caps(x, depth + 1, cfg))
				return false;
		}
	}
	return true;
}

json_t *api_body(struct api_ctx *c)
{
	json_error_t err;
	json_t *v = json_loadb(c->rq->body, c->rq->body_len, JSON_REJECT_DUPLICATES, &err);
	if (!v) {
		char msg[240];
		snprintf(msg, sizeof msg, "%s (line %d, column %d)",
			 strcmp(c->lang, "vi") == 0 ? "JSON không hợp lệ" : "not valid JSON", err.line,
			 err.column);
		api_error(c, 400, strstr(err.text, "duplicate") ? "duplicate_key" : "json_syntax", msg,
			  NULL);
		return NULL;
	}
	if (!within_caps(v, 1, &c->app->cfg)) {
		json_decref(v);
		api_error(c, 400, "json_limits",
			  strcmp(c->lang, "vi") == 0 ? "JSON lồng quá sâu hoặc chuỗi quá dài"
						     : "JSON nested too deep or a string too long",
			  NULL);
		return NULL;
	}
	return v;
}

/* ---- metrics ---- */

static const double lat_bounds[12] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
				      0.1,   0.2,   0.5,   1,    2,    INFINITY};

static void count_request(struct api_app *app, int status, double seconds)
{
	pthread_mutex_lock(&app->mlock);
	int k = status / 100;
	if (k >= 1 && k <= 5)
		app->by_status[k]++;
	for (int i = 0; i < 12; i++)
		if (seconds <= lat_bounds[i]) {
			app->lat_bucket[i]++;
			break;
		}
	pthread_mutex_unlock(&app->mlock);
}

void h_metrics(struct api_ctx *c)
{
	struct api_app *app = c->app;
	struct buf *b = &c->rs->body;
	struct http_stats hs;
	http_stats(app->http, &hs);
	pthread_mutex_lock(&app->mlock);
	buf_puts(b, "# TYPE danso_http_responses_total counter\n");
	for (int k = 1; k <= 5; k++)
		buf_printf(b, "danso_http_responses_total{class=\"%dxx\"} %llu\n", k,
			   (unsigned long long)app->by_status[k]);
	buf_puts(b, "# TYPE danso_http_request_seconds histogram\n");
	uint64_t cum = 0;
	for (int i = 0; i < 12; i++) {
		cum += app->lat_bucket[i];
		if (isinf(lat_bounds[i]))
			buf_printf(b, "danso_http_request_seconds_bucket{le=\"+Inf\"} %llu\n",
				   (unsigned long long)cum);
		else
			buf_printf(b, "danso_http_request_seconds_bucket{le=\"%g\"} %llu\n", lat_bounds[i],
				   (unsigned long long)cum);
	}
	buf_printf(b, "danso_http_request_seconds_count %llu\n", (unsigned long long)cum);
	buf_printf(b, "danso_events_recorded_total %llu\ndanso_events_refused_total %llu\n"
		      "danso_commits_total %llu\n",
		   (unsigned long long)app->events_recorded, (unsigned long long)app->events_refused,
		   (unsigned long long)app->commits);
	pthread_mutex_unlock(&app->mlock);
	buf_printf(b, "danso_http_refused_by_limits_total %llu\ndanso_http_deadline_closes_total %llu\n"
		      "danso_http_open_connections %llu\n",
		   (unsigned long long)hs.refused_limits, (unsigned long long)hs.deadline_closes,
		   (unsigned long long)hs.open_connections);
	buf_printf(b, "danso_store_reconnects_total %llu\n", (unsigned long long)store_reconnects());
	buf_printf(b, "danso_engine_bytes %zu\ndanso_engine_persons %lld\ndanso_event_sequence %lld\n"
		      "danso_uptime_seconds %.0f\n",
		   engine_bytes(app->engine), (long long)engine_persons(app->engine),
		   (long long)engine_last_seq(app->engine), progress_now() - app->started);
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, rss = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	buf_printf(b, "danso_resident_bytes %ld\n", rss * 4096);
	c->rs->status = 200;
	c->rs->content_type = "text/plain; version=0.0.4";
}

/*
 * What a load balancer and an operator need: 200 "ok" when this server can
 * answer from a current register, 503 "degraded" when the database cannot
 * be reached or the engine is not following the log (a wrong number is
 * worse than no number).  The engine's sequence beside the log's, and how
 * long ago the follower last found them equal.
 */
void h_health(struct api_ctx *c)
{
	struct api_app *app = c->app;
	bool db = c->st && store_reachable(c->st, true);
	int64_t engine_seq = engine_last_seq(app->engine);
	int64_t log_seq = db ? store_last_seq(c->st) : -1;
	bool broken = engine_broken(app->engine);
	double since = progress_now() - (double)__atomic_load_n(&app->follower_ok_ms, __ATOMIC_RELAXED) / 1e3;
	/* Behind by more than the follower's few seconds of polling: stuck. */
	bool behind = db && log_seq > engine_seq && since > 10;
	bool ok = db && !broken && !behind;
	json_t *o = json_pack("{s:s, s:I, s:s, s:b, s:f, s:I}", "status", ok ? "ok" : "degraded",
			      "event_sequence", (json_int_t)engine_seq, "database",
			      db ? "reachable" : "unreachable", "engine_consistent", !broken,
			      "follower_checked_seconds_ago", since, "reconnects",
			      (json_int_t)store_reconnects());
	if (db)
		json_object_set_new(o, "log_sequence", json_integer(log_seq));
	if (!ok)
		http_add_header(c->rs, "Retry-After", "5");
	api_json(c, ok ? 200 : 503, o);
}

/* ---- OpenAPI, from the table ---- */

static const char *const perm_names[PERM_COUNT] = {"public", "user", "read", "write",
						   "officer", "planner", "admin"};

void h_openapi(struct api_ctx *c)
{
	json_t *paths = json_object();
	for (const struct api_route *r = api_routes; r->method; r++) {
		if (strncmp(r->path, "/api/", 5) != 0 && strcmp(r->path, "/health") != 0 &&
		    strcmp(r->path, "/metrics") != 0)
			continue;
		json_t *item = json_object_get(paths, r->path);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, r->path, item);
		}
		json_t *params = json_array();
		for (const char *p = r->path; (p = strchr(p, '{')); p++) {
			const char *e = strchr(p, '}');
			json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1,
								 (size_t)(e - p - 1), "in", "path",
								 "required", 1, "schema", "type",
								 "string"));
		}
		char spec[512];
		snprintf(spec, sizeof spec, "%s", r->params);
		for (char *save = NULL, *tok = strtok_r(spec, ";", &save); tok;
		     tok = strtok_r(NULL, ";", &save)) {
			char *colon = strchr(tok, ':');
			if (!colon)
				continue;
			*colon = '\0';
			json_array_append_new(params, json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", tok,
								 "in", "query", "description", colon + 1,
								 "schema", "type", "string"));
		}
		char lower[8];
		size_t i;
		for (i = 0; r->method[i] && i < sizeof lower - 1; i++)
			lower[i] = (char)(r->method[i] | 0x20);
		lower[i] = '\0';
		json_t *op = json_pack("{s:s, s:o, s:s, s:{s:{s:s}}}", "summary", r->summary, "parameters",
				       params, "x-permission", perm_names[r->perm], "responses", "default",
				       "description", "JSON; errors are {error: {code, message, field}}");
		if (r->perm != PERM_PUBLIC)
			json_object_set_new(op, "security",
					    json_pack("[{s:[]}, {s:[]}]", "session", "token"));
		json_object_set_new(item, lower, op);
	}
	json_t *doc = json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:{s:{s:s, s:s, s:s}, s:{s:s, s:s}}}}", "openapi",
		"3.0.3", "info", "title", "danso API", "version", "1",
		"description", "Population register and statistics (Viet Nam). State-changing requests "
			       "made with the session cookie need the X-CSRF-Token header.",
		"paths", paths, "components", "securitySchemes", "session", "type", "apiKey", "in",
		"cookie", "name", "danso_session", "token", "type", "http", "scheme", "bearer");
	api_json(c, 200, doc);
}

/* ---- the pipeline ---- */

/* 503, whatever the handler had answered: the database cannot be reached. */
static void offline(struct api_ctx *c)
{
	http_response_reset(c->rs);
	api_error(c, 503, "store_unreachable",
		  strcmp(c->lang, "vi") == 0 ? "Không kết nối được cơ sở dữ liệu, vui lòng thử lại sau ít phút."
					     : "The database cannot be reached; try again in a moment.",
		  NULL);
}

static bool state_changing(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

void api_handle(void *appv, struct http_request *rq, struct http_response *rs)
{
	struct api_app *app = appv;
	struct api_audits audits = {0};
	struct api_ctx c = {.app = app, .rq = rq, .rs = rs, .lang = "vi", .audits = &audits};
	bool needs_store = false;
	const char *accept = http_header(rq, "Accept-Language");
	char langq[8];
	if (http_query(rq, "lang", langq, sizeof langq))
		c.lang = strcmp(langq, "en") == 0 ? "en" : "vi";
	else if (accept && strncmp(accept, "en", 2) == 0)
		c.lang = "en";
	bool path_known = false;
	for (const struct api_route *r = api_routes; r->method; r++) {
		char params[4][REG_ID_MAX * 2];
		if (!match(r->path, rq->path, params))
			continue;
		path_known = true;
		if (strcmp(r->method, rq->method) != 0)
			continue;
		c.route = r;
		memcpy(c.params, params, sizeof params);
		break;
	}
	if (!c.route) {
		if (path_known)
			api_error(&c, 405, "method_not_allowed", "method not allowed", NULL);
		else
			api_error(&c, 404, "not_found", "no such resource", NULL);
		goto out;
	}
	/* The web interface's files and /health are served whatever the
	 * database's state (health reports it). */
	needs_store = c.route->fn != h_static && c.route->fn != h_health;
	c.st = api_thread_store(app);
	if (needs_store &&
	    (!c.st || ((!store_reachable(c.st, false) || store_outage()) && !store_reachable(c.st, true)))) {
		offline(&c);
		goto out;
	}
	/* Never an answer from a register known to be wrong (the follower is
	 * loading it again). */
	if (needs_store && engine_broken(app->engine)) {
		api_error(&c, 503, "reloading",
			  strcmp(c.lang, "vi") == 0 ? "Hệ thống đang nạp lại dữ liệu, vui lòng thử lại sau ít phút."
						    : "The register is being reloaded; try again in a moment.",
			  NULL);
		goto out;
	}
	if (c.route->perm != PERM_PUBLIC || strcmp(c.route->path, "/api/v1/login") == 0)
		api_authenticate(&c);
	if (c.route->perm != PERM_PUBLIC) {
		if (!c.authed) {
			api_error(&c, 401, "not_authenticated",
				  strcmp(c.lang, "vi") == 0 ? "Vui lòng đăng nhập." : "Please log in.", NULL);
			goto out;
		}
		/* A password an administrator set opens only the way to change it. */
		if (c.user.must_change && c.route->fn != h_me && c.route->fn != h_password &&
		    c.route->fn != h_logout) {
			api_error(&c, 403, "password_change_required",
				  strcmp(c.lang, "vi") == 0
					  ? "Mật khẩu do quản trị viên đặt: hãy đổi mật khẩu trước khi làm việc."
					  : "This password was set by an administrator: change it first.",
				  NULL);
			goto out;
		}
		if (!api_role_allows(c.user.role, c.route->perm)) {
			api_error(&c, 403, "forbidden",
				  strcmp(c.lang, "vi") == 0 ? "Tài khoản không có quyền này."
							    : "This account may not do this.",
				  NULL);
			goto out;
		}
		if (state_changing(rq->method) && !c.user.token) {
			const char *csrf = http_header(rq, "X-CSRF-Token");
			if (!csrf || strcmp(csrf, c.user.csrf) != 0) {
				api_error(&c, 403, "csrf",
					  strcmp(c.lang, "vi") == 0
						  ? "Phiên làm việc không hợp lệ, hãy tải lại trang."
						  : "Missing or wrong CSRF token: reload the page.",
					  NULL);
				goto out;
			}
		}
	}
	c.route->fn(&c);
out:
	/* The database went away while the request was handled: what the
	 * handler made of a failed read (not logged in, not found) is not
	 * the answer; "try again" is.  A parked write answers for itself. */
	if (rs->status && needs_store && c.st && !store_reachable(c.st, false))
		offline(&c);
	/* Answered only once its audit entries are committed. */
	api_answer_audited(&c);
	if (rs->status)
		count_request(app, rs->status, progress_now() - rq->started);
}

/*
 * A request parked by api_write, woken after its group was committed: its
 * continuation answers, as the user it was authenticated as.  Nothing of
 * the pipeline runs again (the request passed it before it was parked).
 */
void api_resume(void *appv, struct http_request *rq, void *state, struct http_response *rs)
{
	struct api_app *app = appv;
	struct api_job *j = state;
	struct api_ctx c = {.app = app, .rq = rq, .rs = rs, .user = *api_job_user(j), .authed = true,
			    .lang = api_job_lang(j), .st = api_thread_store(app)};
	api_job_finish(&c, j);
	if (rs->status)
		count_request(app, rs->status, progress_now() - rq->started);
}
