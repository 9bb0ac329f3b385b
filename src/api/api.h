/*
 * api: the JSON API under /api/v1, the web UI's files, /health and /metrics.
 *
 * Every request goes through one pipeline (api_handle): route lookup in the
 * route table, authentication (session cookie or API token), the route's
 * permission, CSRF for state-changing requests with a cookie, then the
 * handler.  Every object access passes through api_in_scope(): an object
 * whose collaborator area is not inside the user's unit (under today's map)
 * is reported as not found, exactly as if it did not exist.
 *
 * Every durable write (events, workflow records, accounts, sessions,
 * audit) goes to one writer thread (writer.c) as a job.  The writer runs
 * every waiting job in one transaction (group commit: one fsync for many
 * requests), then brings the in-memory engine and the records book up to
 * the logs, then wakes the requests, which answer through the continuation
 * they parked with (api_write): the handler is not run again.  Audit
 * entries are queued by readers (audit.c) and written in the same
 * transactions.  The follower (follower.c) keeps the engine current with
 * other servers' writes.  app.c starts and stops all of it.
 */
#ifndef DS_API_H
#define DS_API_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>

#include "engine/engine.h"
#include "http/http.h"
#include "ledger/ledger.h"
#include "quality/quality.h"
#include "records/book.h"
#include "report/report.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/store.h"

/* The caller of a request, once authenticated. */
struct api_user {
	int64_t id;
	char login[64];
	char name[REG_NAME_BYTES];
	int role; /* enum store_role */
	char unit[REG_UNIT_CODE_MAX + 1];
	bool token;     /* an API token, not a browser session */
	bool must_change; /* the password was set by an administrator: change it first */
	char csrf[65];  /* the session's CSRF token */
	uint8_t session[32];
};

/* Who may call a route. */
enum api_perm {
	PERM_PUBLIC,   /* no login */
	PERM_USER,     /* any logged-in user */
	PERM_READ,     /* read personal data in scope: collaborators and officers */
	PERM_WRITE,    /* record events in scope: collaborators and commune officers */
	PERM_OFFICER,  /* commune, province and national officers (audit of a person, slips) */
	PERM_PLANNER,  /* province and national officers (targets) */
	PERM_ADMIN,    /* administrators */
	PERM_COUNT
};

struct api_ctx;
typedef void (*api_fn)(struct api_ctx *c);

struct api_route {
	const char *method;
	const char *path; /* "/api/v1/persons/{id}" */
	api_fn fn;
	enum api_perm perm;
	const char *summary;
	const char *params; /* query parameters, "name:description;..." for the OpenAPI document */
};

/* The route table (api/routes.c), ended by a NULL method. */
extern const struct api_route api_routes[];

struct api_config {
	const char *db;
	struct http_config http;
	size_t max_json_depth;
	size_t max_json_string;
	size_t max_batch;
	size_t max_page;
	unsigned session_idle_s, session_max_s;
	const char *trusted_proxies; /* comma-separated addresses, or NULL */
};

struct api_job;

struct api_app {
	struct api_config cfg;
	struct engine *engine;
	struct rec_book *book; /* workflow records, current */
	struct rpt_defs defs;
	struct q_defs qdefs; /* the quality checks and rules */
	struct http_server *http;
	/* the writer */
	pthread_t writer;
	pthread_mutex_t wlock;
	pthread_cond_t wcv;
	struct api_job *jobs, *jobs_tail;
	bool stopping;
	struct api_flusher *flusher; /* commits made durable beside the writer, or NULL */
	struct store *wstore;
	struct ledger ledger;
	/* audit entries waiting for the writer */
	struct store_audit *audit;
	size_t naudit, audit_cap;
	/* other servers' writes (PostgreSQL LISTEN, or polling) */
	pthread_t follower;
	int64_t follower_ok_ms;
	int64_t units_seq; /* the unit_change record the maps were last loaded after (follower.c) */
	uint64_t auth_epoch; /* bumped when another server committed: cached sessions re-read */ /* when the follower last found the engine current (monotonic ms) */
	/* sessions and throttling */
	pthread_mutex_t slock;
	struct hmap sessions; /* session hash -> index in sess */
	struct api_session *sess;
	size_t nsess, sess_cap;
	struct api_limit *limits; /* API_LIMIT_SLOTS, under slock (limits.c) */
	/* per-thread store connections */
	pthread_key_t tls_store;
	pthread_mutex_t stores_lock;
	struct store **stores;
	size_t nstores;
	/* metrics */
	pthread_mutex_t mlock;
	uint64_t by_status[6];  /* 1xx..5xx */
	uint64_t lat_bucket[12]; /* request latency histogram */
	uint64_t events_recorded, events_refused, commits;
	double started;
};

/* One request being handled. */
struct api_ctx {
	struct api_app *app;
	struct http_request *rq;
	struct http_response *rs;
	const struct api_route *route;
	struct api_user user;
	bool authed;
	char params[4][REG_ID_MAX * 2]; /* {…} path segments, in order */
	struct store *st;               /* this thread's connection */
	const char *lang;
	char client_ip[64];             /* api_client_ip's answer behind a trusted proxy */
	struct api_audits *audits;      /* this request's audit entries, NULL outside one */
};

/* Starts the application and its HTTP server; blocks until SIGTERM/SIGINT. */
int api_serve(const struct api_config *cfg);

/* The http_handler. */
void api_handle(void *app, struct http_request *rq, struct http_response *rs);

/* ---- helpers for handlers ---- */

/* Answers with a JSON body (takes the reference). */
void api_json(struct api_ctx *c, int status, json_t *body);
/*
 * Content-Disposition: attachment for a file name in UTF-8 ("01-DSX_Phường
 * Đa Kao_2025-Q4.xlsx"): filename= an ASCII spelling (marks stripped) for
 * old clients, filename*= the name itself, percent-encoded (RFC 6266).
 */
void api_attachment(struct api_ctx *c, const char *name);
/* A download's name: "what_unit name_period.ext" (reports' pattern), into out. */
void api_file_name(char *out, size_t n, const char *what, const char *unit_name, const char *period, const char *ext);
/* Answers 200 with the .xlsx that write(path, arg) makes in a private
 * temporary file (sent, then removed), or 503 when it cannot be written. */
void api_answer_xlsx(struct api_ctx *c, enum ds_rc (*write)(const char *path, void *arg), void *arg,
		     const char *filename);
/* Answers with {"error": {"code", "message", "field"}}. */
void api_error(struct api_ctx *c, int status, const char *code, const char *message,
	       const char *field);
/* Answers for a refused input (422) in the request's language. */
void api_problem(struct api_ctx *c, int status, const struct ds_problem *p);
/* The JSON body, checked against the caps; answers 400 and returns NULL when bad. */
json_t *api_body(struct api_ctx *c);
/* A query parameter, or NULL. */
const char *api_query(struct api_ctx *c, const char *name, char *out, size_t outsz);

/* True when the area lies in u's scope under today's map. */
bool api_user_covers(struct api_app *app, const struct api_user *u, const char *area);
/* This thread's store connection (opened on first use). */
struct store *api_thread_store(struct api_app *app);
/* True when the area code lies in the user's scope under today's map. */
bool api_in_scope(struct api_ctx *c, const char *area);
/* The person, when it exists and lies in the caller's scope (h_register.c). */
bool api_scoped_person(struct api_ctx *c, const char *id, struct store_person *p);
/* 404 not_found: what an object out of scope looks like too. */
void api_not_found(struct api_ctx *c, const char *field);
/* The text in the request's language: English when it asks for it, else Vietnamese. */
const char *api_tr(struct api_ctx *c, const char *vi, const char *en);
/* An account's display name as a new JSON string, or its login when it has
 * none or is unknown (h_admin.c). */
json_t *api_user_name(struct api_ctx *c, const char *login);
/* The name of the account login, or null when login is no account (a
 * change imported from a file with the command line names the system user). */
json_t *api_account_name(struct api_ctx *c, const char *login);
/* "by_name" set beside the "by" (a login) of a record's JSON; o may be NULL. */
void api_add_by_name(struct api_ctx *c, json_t *o);
/* The code lists with their Vietnamese and English labels (GET /api/v1/codes, the offline book). */
json_t *api_codes_json(void);
/* The areas of the user's scope as a JSON array text, or NULL for everything. */
char *api_scope_areas(struct api_ctx *c);
/*
 * An audit entry for this request: who read or changed what.  The answer is
 * held until the entries are committed (api_answer_audited, called by the
 * pipeline), so that no answered read can lose its entry in a crash.
 * Outside a request's handler (a continuation), the entry is queued for
 * the writer's next transaction.
 */
void api_audit(struct api_ctx *c, const char *action, const char *object, const char *object_id,
	       const char *outcome);
/* The same for an object that lies in a unit: a person's or household's
 * area, a report's unit (a breach investigation asks by unit). */
void api_audit_in(struct api_ctx *c, const char *action, const char *object, const char *object_id,
		  const char *area, const char *outcome);
struct api_audits {
	struct store_audit *v;
	size_t n, cap;
};
/* Holds c's answer, commits its audit entries through the writer, and only
 * then answers (503 if they could not be written).  When the request was
 * parked by its handler, the entries go to the writer's queue instead. */
void api_answer_audited(struct api_ctx *c);
/* An audit entry written at once, in the writer's transaction (a job's run):
 * committed with what it is about, before the answer. */
enum ds_rc api_audit_now(struct store *st, const struct api_user *user, const char *action,
			 const char *object, const char *object_id, const char *outcome);
/* Queues an entry for the writer's next transaction. */
void api_audit_queue(struct api_app *app, const struct store_audit *e);
/* The same for a user outside a request (the writer's jobs); NULL: anonymous. */
void api_audit_user(struct api_app *app, const struct api_user *user, const char *action,
		    const char *object, const char *object_id, const char *outcome);

/* ---- the one writer (api/writer.c) ---- */

/*
 * A job's work, on the writer thread inside the group's transaction, for
 * the user who asked.  A refusal is the job's own outcome, kept in arg: run
 * returns DS_OK for it and changes nothing.  Any other code means the store
 * failed, and the whole group is rolled back.
 */
typedef enum ds_rc (*api_run_fn)(struct api_app *app, struct store *st,
				 const struct api_user *user, void *arg);
/* A parked request's continuation: answers, once the group is committed
 * (rc DS_OK) or rolled back (the store's code).  It owns arg and frees it. */
typedef void (*api_done_fn)(struct api_ctx *c, void *arg, enum ds_rc rc);

/*
 * Queues run for the writer and parks the request; done answers it after
 * the commit, with the engine and the records already current.  False when
 * the server is stopping: nothing was queued, and the caller still owns arg.
 */
bool api_write(struct api_ctx *c, api_run_fn run, api_done_fn done, void *arg);
/* api_write for an arg that is one allocated block: when arg is NULL (out
 * of memory) or the server is stopping, answers 503 and frees arg. */
void api_write_block(struct api_ctx *c, api_run_fn run, api_done_fn done, void *arg);
/* Queues run with nobody waiting for it (a session's last use); free_arg
 * (may be NULL) frees arg afterwards. */
void api_write_later(struct api_app *app, const struct api_user *user, api_run_fn run, void *arg,
		     void (*free_arg)(void *));
/* Starts and stops the writer thread; stopping runs what is queued first. */
void api_writer_start(struct api_app *app);
void api_writer_stop(struct api_app *app);
/* The http_resume of a request parked by api_write (routes.c). */
void api_resume(void *app, struct http_request *rq, void *state, struct http_response *rs);
/* Runs a parked job's continuation (writer.c, for api_resume). */
void api_job_finish(struct api_ctx *c, struct api_job *j);
const struct api_user *api_job_user(const struct api_job *j);
const char *api_job_lang(const struct api_job *j);

/* The audit entries waiting for the writer, taken all at once (audit.c). */
struct store_audit *api_audit_take(struct api_app *app, size_t *n);

/* The follower of other servers' writes (follower.c). */
void api_follower_start(struct api_app *app);
void api_follower_stop(struct api_app *app);
/*
 * When the book holds a newer unit_change record than the one the maps
 * were loaded after, reloads the engine's unit tree (it waits for the
 * reports in progress) and the ledger's: directly from the writer
 * (in_writer), else through a job of the writer, whose ledger it is.
 */
void api_units_pick_up(struct api_app *app, struct store *st, bool in_writer);

/* ---- limits on failures (api/limits.c) ---- */

#define API_LIMIT_SLOTS 16384
#define API_LIMIT_KEY 80
struct api_limit;
struct api_limit *api_limits_new(void); /* freed with free() */
/* Seconds key must still wait before its next try (0: now). */
int64_t api_limit_wait(struct api_app *app, const char *key, int64_t now);
/* A failure of key: past free_tries, the next try waits 2, 4, 8 ... 900 s.
 * Returns the failures counted (forgotten after an hour without one). */
int api_limit_fail(struct api_app *app, const char *key, int free_tries, int64_t now);
void api_limit_clear(struct api_app *app, const char *key);
bool api_limit_get(struct api_app *app, const char *key, int *failures, int64_t *last, int64_t *until);
void api_limit_set(struct api_app *app, const char *key, int failures, int64_t last, int64_t until);
/* Keeps key's state in the store (through the writer), so that a restart
 * does not forget it. */
void api_limits_keep(struct api_app *app, const char *key);
/* Loads the kept states at start. */
enum ds_rc api_limits_load(struct api_app *app, struct store *st);
/* The client's address: the connection's, or, from a trusted proxy, the
 * last address of X-Forwarded-For. */
const char *api_client_ip(struct api_ctx *c);

/* Sessions and passwords (api/auth.c). */
enum ds_rc api_hash_password(const char *pw, char out[160]);
bool api_check_password(const char *hash, const char *pw);
void api_random_password(char out[20]);
bool api_authenticate(struct api_ctx *c);

/* A new session or API token on its way to the store. */
struct api_new_session {
	struct store_session ss; /* holds only the secret's hash */
	char token[64];          /* the secret, answered once */
};
/*
 * Checks a login and password (throttled per account and per address).
 * Accepted: the new session goes to the writer, the request is parked and
 * done gets the struct api_new_session (and frees it).  Refused: answered
 * now (401, 429), and false.
 */
bool api_login(struct api_ctx *c, const char *login, const char *password, api_done_fn done);
/* In done, after the commit: sets the cookie; c is now the session's user. */
void api_login_finish(struct api_ctx *c, const struct api_new_session *n);
/* A new API token for a user (NULL when out of memory); the writer stores it
 * with api_session_add_run. */
struct api_new_session *api_token_new(int64_t user_id, const char *label, int days);
/* A token's public id: the first 8 bytes of its hash, in hex. */
void api_token_id(const uint8_t hash[32], char out[17]);
enum ds_rc api_session_add_run(struct api_app *app, struct store *st, const struct api_user *user,
			       void *arg);

/* Ending sessions: one (hash), or all of a user's (hash NULL; API tokens
 * too when tokens).  api_revoke_run is the writer's part; once committed,
 * api_revoke_cached ends them in this server's cache (others re-read
 * within seconds), and api_logout_finish also clears the cookie. */
struct api_revoke;
struct api_revoke *api_revoke_new(const uint8_t *hash, int64_t user_id, bool tokens);
enum ds_rc api_revoke_run(struct api_app *app, struct store *st, const struct api_user *user,
			  void *arg);
void api_revoke_cached(struct api_app *app, const struct api_revoke *r);
void api_logout_finish(struct api_ctx *c, const struct api_revoke *r);

/*
 * An account created or changed by the writer (api_account_run).  Adding
 * a login that exists is refused (outcome DS_ECONFLICT, nothing written).
 * A change ends the account's sessions, and its API tokens too when
 * revoke_tokens; after the commit, api_account_cached ends them here.
 */
struct api_account {
	struct store_user u;
	bool add;
	bool revoke_tokens;
	enum ds_rc outcome;
	char password[20]; /* a new random password to answer once, or "" */
	/* Audit entries on the account, written in the change's transaction
	 * (the user sees them: GET /api/v1/me's account_changes). */
	const char *actions[6];
	size_t nactions;
};
enum ds_rc api_account_run(struct api_app *app, struct store *st, const struct api_user *user,
			   void *arg);
void api_account_cached(struct api_app *app, const struct api_account *a);
const char *api_role_name(int role);
/* Why a new password is refused ("length", "common": on the list or one
 * run of counting or one repeated character, "personal": holds the login or
 * a word of the name), or NULL when it may be used.  Case, diacritics and
 * spaces do not count. */
const char *api_weak_password(const char *pw, const struct store_user *u);
/* Role and unit must fit: a collaborator has an area, a commune officer a
 * commune, a province officer a province (units of today's map); national
 * officers and administrators none.  The field at fault, or NULL. */
const char *api_role_unit_fault(const struct reg_units *units, int role, const char *unit);
int api_role_parse(const char *s);
bool api_role_allows(int role, enum api_perm perm);

/* Handlers, by file. */
void h_health(struct api_ctx *c);
void h_metrics(struct api_ctx *c);
void h_openapi(struct api_ctx *c);
void h_static(struct api_ctx *c);
void h_login(struct api_ctx *c);
void h_logout(struct api_ctx *c);
void h_me(struct api_ctx *c);
void h_password(struct api_ctx *c);
void h_units(struct api_ctx *c);
void h_codes(struct api_ctx *c);
void h_forms(struct api_ctx *c);
void h_person_search(struct api_ctx *c);
void h_person_get(struct api_ctx *c);
void h_person_history(struct api_ctx *c);
void h_person_access(struct api_ctx *c);
void h_household_list(struct api_ctx *c);
void h_household_get(struct api_ctx *c);
void h_event_get(struct api_ctx *c);
void h_event_post(struct api_ctx *c);
void h_event_batch(struct api_ctx *c);
void h_report(struct api_ctx *c);
/* h_reform.c: changes of the administrative map, time series across them */
void h_units_preview(struct api_ctx *c);
void h_units_apply(struct api_ctx *c);
void h_series(struct api_ctx *c);
void h_check(struct api_ctx *c);
/* h_quality.c */
void h_quality(struct api_ctx *c);
/* h_dup.c */
void h_duplicates(struct api_ctx *c);
void h_duplicates_plan(struct api_ctx *c);
void h_duplicates_decision(struct api_ctx *c);
void h_duplicates_match(struct api_ctx *c);
/* h_reconcile.c */
void h_reconcile(struct api_ctx *c);
void h_slip(struct api_ctx *c);
void h_worklist(struct api_ctx *c);
/* Keeps the items of a work list ({"items":[{"person_id","area"}]}) whose
 * area is in the caller's scope, each audited, and sets its count. */
void api_keep_scoped_items(struct api_ctx *c, json_t *l);
/* h_elderly.c: the elderly-check programme */
void h_elderly_schedule(struct api_ctx *c);
void h_elderly_sessions(struct api_ctx *c);
void h_elderly_lists(struct api_ctx *c);
void h_elderly_invite(struct api_ctx *c);
void h_elderly_attend(struct api_ctx *c);
void h_elderly_followup(struct api_ctx *c);
void h_elderly_coverage(struct api_ctx *c);
void h_dashboard(struct api_ctx *c);
void h_targets(struct api_ctx *c);
/* h_targets.c: targets as a workflow */
void h_target_status(struct api_ctx *c);
void h_target_share(struct api_ctx *c);
/* h_workforce.c: the collaborators */
void h_workforce(struct api_ctx *c);
void h_workforce_collaborator(struct api_ctx *c);
void h_workforce_assignment(struct api_ctx *c);
void h_workforce_training(struct api_ctx *c);
void h_users(struct api_ctx *c);
void h_user_add(struct api_ctx *c);
void h_user_update(struct api_ctx *c);
void h_token_add(struct api_ctx *c);
void h_tokens(struct api_ctx *c);
void h_token_revoke(struct api_ctx *c);
void h_audit(struct api_ctx *c);
void h_audit_search(struct api_ctx *c);
void h_person_file(struct api_ctx *c);
void h_person_deletion(struct api_ctx *c);
/* h_demog.c: projections from the register and their scenarios */
void h_projection(struct api_ctx *c);
void h_scenarios(struct api_ctx *c);
void h_scenario_save(struct api_ctx *c);
/* h_comm.c: communication sessions and clubs */
void h_comm_sessions(struct api_ctx *c);
void h_comm_session_add(struct api_ctx *c);
void h_comm_summary(struct api_ctx *c);
void h_clubs(struct api_ctx *c);
void h_club_add(struct api_ctx *c);
void h_club_meeting_add(struct api_ctx *c);
/* h_cycle.c: submission, decisions, state, roll-up, timeliness, DHIS2 */
void h_cycle_submit(struct api_ctx *c);
void h_cycle_approve(struct api_ctx *c);
void h_cycle_return(struct api_ctx *c);
void h_cycle_report(struct api_ctx *c);
void h_cycle_timeliness(struct api_ctx *c);
void h_cycle_rollup(struct api_ctx *c);
void h_dhis2_export(struct api_ctx *c);
/* h_review.c: the commune's review of the month, queries and answers */
void h_review(struct api_ctx *c);
void h_review_mark(struct api_ctx *c);
void h_query_add(struct api_ctx *c);
void h_queries(struct api_ctx *c);
void h_query_answer(struct api_ctx *c);
/* h_book.c: the collaborator's offline book and its changes */
void h_book(struct api_ctx *c);
void h_book_changes(struct api_ctx *c);

#endif
