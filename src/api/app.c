/*
 * The application's start and graceful stop: the report definitions, the
 * store, the ledger, the engine, the first administrator, the writer and
 * the follower, the HTTP server; and the store connections of the request
 * threads, one each, opened on first use and closed at the stop.
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
	rec_book_free(app->book);
	q_defs_free(&app->qdefs);
	rpt_defs_free(&app->defs);
	hmap_free(&app->sessions);
	free(app->sess);
	free(app->limits);
	free(app->audit);
}

int api_serve(const struct api_config *cfg)
{
	struct api_app *app = calloc(1, sizeof *app);
	if (!app)
		return 1;
	app->cfg = *cfg;
	if (!(app->limits = api_limits_new())) {
		free(app);
		return 1;
	}
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
	if (q_defs_load(&app->qdefs, &app->defs, err, sizeof err)) {
		fprintf(stderr, "serve: quality definitions: %s\n", err);
		rpt_defs_free(&app->defs);
		free(app);
		return 1;
	}
	if (store_open(cfg->db, false, &app->wstore) != DS_OK) {
		fprintf(stderr, "serve: cannot open the database %s\n", cfg->db);
		q_defs_free(&app->qdefs);
		rpt_defs_free(&app->defs);
		free(app);
		return ds_rc_exit(DS_ENOTFOUND);
	}
	/* The writer's commits leave the log's copying into the file to a
	 * thread of the store's (SQLite's checkpoints). */
	enum ds_rc aside = store_log_aside(app->wstore);
	if (aside && aside != DS_EUSAGE)
		fprintf(stderr, "serve: %s; the writer copies its log itself\n",
			store_errmsg(app->wstore));
	if (ledger_open(&app->ledger, app->wstore) || first_admin(app) ||
	    engine_load(app->wstore, &app->engine) || !(app->book = rec_book_new()) ||
	    rec_book_catch_up(app->book, app->wstore) || api_limits_load(app, app->wstore)) {
		fprintf(stderr, "serve: cannot load the register: %s\n", store_errmsg(app->wstore));
		free_app(app);
		free(app);
		return ds_rc_exit(DS_EDB);
	}
	/* Loaded from one snapshot, it must agree with the store; if it does
	 * not, it says so and the follower loads it again. */
	engine_verify(app->engine, app->wstore);
	fprintf(stderr, "serve: %lld persons loaded in %.1f s (%.0f MB in memory)\n",
		(long long)engine_persons(app->engine), engine_load_seconds(app->engine),
		(double)engine_bytes(app->engine) / 1e6);
	api_writer_start(app);
	api_follower_start(app);
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
	/* The writer runs what is queued before it stops; the follower sees
	 * the stop within a second. */
	api_writer_stop(app);
	api_follower_stop(app);
	free_app(app);
	pthread_mutex_destroy(&app->wlock);
	pthread_cond_destroy(&app->wcv);
	free(app);
	fprintf(stderr, "serve: stopped\n");
	return ex;
}
