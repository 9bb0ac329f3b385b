/*
 * The application: engine, writer thread with group commit, follower of
 * other servers' writes, per-thread store connections, start and graceful
 * stop.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "base/day.h"
#include "base/progress.h"

/* A request's writes waiting for the group commit. */
struct api_job {
	struct api_write *w;
	struct api_user user;
	void *conn; /* to wake */
	struct api_job *next;
};

/* ---- per-thread store connections ---- */

static struct store *thread_store(struct api_app *app)
{
	struct store *st = pthread_getspecific(app->tls_store);
	if (st)
		return st;
	if (store_open(app->cfg.db, false, &st) != DS_OK)
		return NULL;
	pthread_setspecific(app->tls_store, st);
	pthread_mutex_lock(&app->stores_lock);
	struct store **v = realloc(app->stores, (app->nstores + 1) * sizeof *v);
	if (v) {
		app->stores = v;
		app->stores[app->nstores++] = st;
	}
	pthread_mutex_unlock(&app->stores_lock);
	return st;
}

struct store *api_thread_store(struct api_app *app)
{
	return thread_store(app);
}

/* ---- audit queue ---- */

void api_audit(struct api_ctx *c, const char *action, const char *object, const char *object_id,
	       const char *outcome)
{
	struct api_app *app = c->app;
	struct store_audit a = {.at = (int64_t)time(NULL), .role = c->user.role};
	snprintf(a.login, sizeof a.login, "%s", c->authed ? c->user.login : "-");
	snprintf(a.unit, sizeof a.unit, "%s", c->user.unit);
	snprintf(a.action, sizeof a.action, "%s", action);
	snprintf(a.object, sizeof a.object, "%s", object);
	snprintf(a.object_id, sizeof a.object_id, "%s", object_id ? object_id : "");
	snprintf(a.outcome, sizeof a.outcome, "%s", outcome);
	pthread_mutex_lock(&app->wlock);
	if (app->naudit == app->audit_cap) {
		size_t cap = app->audit_cap ? app->audit_cap * 2 : 256;
		struct store_audit *v = realloc(app->audit, cap * sizeof *v);
		if (v) {
			app->audit = v;
			app->audit_cap = cap;
		}
	}
	if (app->naudit < app->audit_cap)
		app->audit[app->naudit++] = a;
	pthread_cond_signal(&app->wcv);
	pthread_mutex_unlock(&app->wlock);
}

/* ---- the writer ---- */

bool api_write_submit(struct api_ctx *c, struct api_write *w)
{
	struct api_app *app = c->app;
	struct api_job *j = calloc(1, sizeof *j);
	if (!j)
		return false;
	j->w = w;
	j->user = c->user;
	j->conn = c->rq->conn;
	pthread_mutex_lock(&app->wlock);
	if (app->stopping) {
		pthread_mutex_unlock(&app->wlock);
		free(j);
		return false;
	}
	if (app->jobs_tail)
		app->jobs_tail->next = j;
	else
		app->jobs = j;
	app->jobs_tail = j;
	pthread_cond_signal(&app->wcv);
	pthread_mutex_unlock(&app->wlock);
	http_park(c->rq, w);
	c->rs->status = 0;
	return true;
}

struct scope_arg {
	struct api_app *app;
	const struct api_user *user;
};

static bool user_scope(void *arg, const char *area)
{
	struct scope_arg *s = arg;
	return api_user_covers(s->app, s->user, area);
}

static void run_jobs(struct api_app *app, struct api_job *jobs, struct store_audit *audit,
		     size_t naudit)
{
	struct store *st = app->wstore;
	enum ds_rc rc = store_begin(st);
	for (struct api_job *j = jobs; j && !rc; j = j->next) {
		struct api_write *w = j->w;
		/* Everything an event names must be in the caller's scope. */
		struct scope_arg sa = {app, &j->user};
		app->ledger.scope = user_scope;
		app->ledger.scope_arg = &sa;
		for (size_t i = 0; i < w->n && !rc; i++) {
			w->scope[i] = 1;
			rc = ledger_record(&app->ledger, &w->events[i], j->user.login, &w->results[i]);
			if (!rc && w->results[i].outcome == LEDGER_RECORDED)
				app->events_recorded++;
			else if (!rc && w->results[i].outcome == LEDGER_REFUSED)
				app->events_refused++;
		}
	}
	app->ledger.scope = NULL;
	for (size_t i = 0; i < naudit && !rc; i++)
		rc = store_audit_add(st, &audit[i]);
	if (!rc)
		rc = store_commit(st);
	else
		store_rollback(st);
	if (rc) {
		fprintf(stderr, "writer: commit failed: %s\n", store_errmsg(st));
		ledger_reload_units(&app->ledger);
	}
	app->commits++;
	/* Acknowledged events are durable now; the engine follows the log. */
	if (!rc && engine_catch_up(app->engine, st))
		fprintf(stderr, "writer: the engine could not follow the log: %s\n",
			store_errmsg(st));
	for (struct api_job *j = jobs; j; j = j->next)
		j->w->rc = rc;
}

static void *writer(void *arg)
{
	struct api_app *app = arg;
	for (;;) {
		pthread_mutex_lock(&app->wlock);
		while (!app->jobs && !app->naudit && !app->stopping)
			pthread_cond_wait(&app->wcv, &app->wlock);
		struct api_job *jobs = app->jobs;
		app->jobs = app->jobs_tail = NULL;
		struct store_audit *audit = app->audit;
		size_t naudit = app->naudit;
		app->audit = NULL;
		app->naudit = app->audit_cap = 0;
		bool stop = app->stopping && !jobs && !naudit;
		pthread_mutex_unlock(&app->wlock);
		if (stop)
			break;
		run_jobs(app, jobs, audit, naudit);
		free(audit);
		while (jobs) {
			struct api_job *next = jobs->next;
			http_wake(jobs->conn);
			free(jobs);
			jobs = next;
		}
	}
	return NULL;
}

/* ---- other servers' writes ---- */

static void *follower(void *arg)
{
	struct api_app *app = arg;
	struct store *st = NULL;
	if (store_open(app->cfg.db, false, &st) != DS_OK)
		return NULL;
	/* PostgreSQL: woken by NOTIFY; every backend: polled every second. */
	while (true) {
		pthread_mutex_lock(&app->wlock);
		bool stop = app->stopping;
		pthread_mutex_unlock(&app->wlock);
		if (stop)
			break;
		if (store_wait_notify(st, 1000) != DS_OK)
			usleep(1000 * 1000);
		if (store_last_seq(st) > engine_last_seq(app->engine) &&
		    engine_catch_up(app->engine, st) != DS_OK)
			fprintf(stderr, "follower: %s\n", store_errmsg(st));
	}
	store_close(st);
	return NULL;
}

/* ---- start and stop ---- */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static enum ds_rc count_user(const struct store_user *u, void *arg)
{
	(void)u;
	(*(int *)arg)++;
	return DS_OK;
}

/* A register without any account gets one administrator, whose random
 * password is printed once: there is no default password. */
static enum ds_rc first_admin(struct api_app *app)
{
	struct store *st = app->wstore;
	int n = 0;
	enum ds_rc rc = store_each_user(st, count_user, &n);
	if (rc || n)
		return rc;
	char pw[20];
	api_random_password(pw);
	struct store_user u;
	memset(&u, 0, sizeof u);
	snprintf(u.login, sizeof u.login, "admin");
	snprintf(u.name, sizeof u.name, "Quản trị hệ thống");
	u.role = ROLE_ADMIN;
	u.created_at = u.pw_changed_at = (int64_t)time(NULL);
	if ((rc = api_hash_password(pw, u.pw_hash)))
		return rc;
	if ((rc = store_begin(st)))
		return rc;
	rc = store_user_add(st, &u);
	rc = rc ? rc : store_commit(st);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	printf("serve: first administrator created: login admin, password %s\n"
	       "serve: change it after the first login\n",
	       pw);
	fflush(stdout);
	return DS_OK;
}

static void free_app(struct api_app *app)
{
	for (size_t i = 0; i < app->nstores; i++)
		store_close(app->stores[i]);
	free(app->stores);
	pthread_key_delete(app->tls_store);
	ledger_close(&app->ledger);
	store_close(app->wstore);
	engine_free(app->engine);
	rpt_defs_free(&app->defs);
	hmap_free(&app->sessions);
	free(app->sess);
	hmap_free(&app->throttle);
	free(app->thr);
	free(app->audit);
}

int api_serve(const struct api_config *cfg)
{
	struct api_app *app = calloc(1, sizeof *app);
	if (!app)
		return 1;
	app->cfg = *cfg;
	app->started = progress_now();
	pthread_mutex_init(&app->wlock, NULL);
	pthread_cond_init(&app->wcv, NULL);
	pthread_mutex_init(&app->slock, NULL);
	pthread_mutex_init(&app->mlock, NULL);
	pthread_mutex_init(&app->stores_lock, NULL);
	pthread_key_create(&app->tls_store, NULL);
	char err[300];
	int ex = 0;
	if (rpt_defs_load(&app->defs, err, sizeof err)) {
		fprintf(stderr, "serve: report definitions: %s\n", err);
		free(app);
		return 1;
	}
	if (store_open(cfg->db, false, &app->wstore) != DS_OK) {
		fprintf(stderr, "serve: cannot open the database %s\n", cfg->db);
		rpt_defs_free(&app->defs);
		free(app);
		return ds_rc_exit(DS_ENOTFOUND);
	}
	if (ledger_open(&app->ledger, app->wstore) || first_admin(app) ||
	    engine_load(app->wstore, &app->engine)) {
		fprintf(stderr, "serve: cannot load the register: %s\n", store_errmsg(app->wstore));
		free_app(app);
		free(app);
		return ds_rc_exit(DS_EDB);
	}
	fprintf(stderr, "serve: %lld persons loaded in %.1f s (%.0f MB in memory)\n",
		(long long)engine_persons(app->engine), engine_load_seconds(app->engine),
		(double)engine_bytes(app->engine) / 1e6);
	pthread_create(&app->writer, NULL, writer, app);
	pthread_create(&app->follower, NULL, follower, app);
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	enum http_start hs = http_start(&cfg->http, api_handle, app, &app->http);
	if (hs != HTTP_STARTED) {
		fprintf(stderr, "serve: cannot listen on %s%s\n", cfg->http.listen,
			hs == HTTP_BAD_TLS ? " (bad certificate or key)" : "");
		ex = ds_rc_exit(DS_EUSAGE);
	} else {
		printf("serve: listening on %s://%s/\n", cfg->http.cert_file ? "https" : "http",
		       cfg->http.listen);
		fflush(stdout);
		while (!got_signal)
			pause();
		fprintf(stderr, "serve: stopping: finishing the requests in flight\n");
		http_stop(app->http);
	}
	/* The writer drains what is queued before it stops. */
	pthread_mutex_lock(&app->wlock);
	app->stopping = true;
	pthread_cond_broadcast(&app->wcv);
	pthread_mutex_unlock(&app->wlock);
	pthread_join(app->writer, NULL);
	pthread_join(app->follower, NULL);
	free_app(app);
	pthread_mutex_destroy(&app->wlock);
	pthread_cond_destroy(&app->wcv);
	free(app);
	fprintf(stderr, "serve: stopped\n");
	return ex;
}
