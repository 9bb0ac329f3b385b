/*
 * The follower: keeps the engine and the records book current with writes
 * made by other processes on the same database (other servers, the command
 * line).  On PostgreSQL it is woken by NOTIFY; on every backend it also
 * looks at the log's last sequence number each second.  It is also the
 * engine's keeper: every few minutes, when the engine has applied the
 * whole log, it compares what the engine holds with the store
 * (engine_verify), and when the engine is found inconsistent it loads the
 * register again (engine_reload) while the server answers 503.  A lost
 * database connection is made again by the store at the next statement,
 * so after an outage the follower simply catches up.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "base/progress.h"
#include "records/book.h"

#define VERIFY_EVERY_S 300

static bool stopping(struct api_app *app)
{
	pthread_mutex_lock(&app->wlock);
	bool stop = app->stopping;
	pthread_mutex_unlock(&app->wlock);
	return stop;
}

/* ---- changes of the map ---- */

static void seq_of(const struct rec_entry *e, void *arg)
{
	*(int64_t *)arg = e->seq;
}

static enum ds_rc reload_ledger_units(struct api_app *app, struct store *st,
				      const struct api_user *user, void *arg)
{
	(void)st;
	(void)user;
	(void)arg;
	enum ds_rc rc = ledger_reload_units(&app->ledger);
	if (rc)
		fprintf(stderr, "follower: the ledger's unit tree could not be reloaded: %s\n", ds_rc_str(rc));
	return DS_OK;
}

void api_units_pick_up(struct api_app *app, struct store *st, bool in_writer)
{
	int64_t latest = 0;
	rec_book_current(app->book, "unit_change", "", "map", seq_of, &latest);
	int64_t seen = __atomic_load_n(&app->units_seq, __ATOMIC_ACQUIRE);
	/* One thread reloads for a change: the one that moves units_seq. */
	if (latest <= seen || !__atomic_compare_exchange_n(&app->units_seq, &seen, latest, false,
							   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	double t0 = progress_now();
	if (engine_reload_units(app->engine, st) != DS_OK) {
		fprintf(stderr, "units: the new map could not be loaded: %s; trying again\n", store_errmsg(st));
		__atomic_store_n(&app->units_seq, seen, __ATOMIC_RELEASE);
		return;
	}
	if (in_writer)
		reload_ledger_units(app, st, NULL, NULL);
	else
		api_write_later(app, NULL, reload_ledger_units, NULL, NULL);
	fprintf(stderr, "units: the administrative map changed (record %lld): loaded in %.3f s\n",
		(long long)latest, progress_now() - t0);
}

/* One look at the logs: catch up, note when the engine was last current. */
static void follow_once(struct api_app *app, struct store *st)
{
	int64_t log_seq = store_last_seq(st);
	if (!store_reachable(st, false))
		return;
	if (log_seq > engine_last_seq(app->engine) && engine_catch_up(app->engine, st) != DS_OK &&
	    !engine_broken(app->engine))
		fprintf(stderr, "follower: %s\n", store_errmsg(st));
	if (store_record_last_seq(st) > rec_book_last_seq(app->book) &&
	    rec_book_catch_up(app->book, st) != DS_OK)
		fprintf(stderr, "follower: records: %s\n", store_errmsg(st));
	api_units_pick_up(app, st, false);
	if (engine_last_seq(app->engine) >= log_seq && !engine_broken(app->engine))
		__atomic_store_n(&app->follower_ok_ms, (int64_t)(progress_now() * 1e3), __ATOMIC_RELAXED);
}

static void *follower(void *arg)
{
	struct api_app *app = arg;
	struct store *st = NULL;
	if (store_open(app->cfg.db, false, &st) != DS_OK) {
		fprintf(stderr, "follower: cannot open the database: other servers' writes are not followed\n");
		return NULL;
	}
	double verified = progress_now();
	while (!stopping(app)) {
		enum ds_rc woken = store_wait_notify(st, 1000);
		if (woken == DS_OK)
			/* Another server committed: accounts may have changed too, so
			 * the cached sessions are checked again at their next use. */
			__atomic_add_fetch(&app->auth_epoch, 1, __ATOMIC_RELAXED);
		else if (woken != DS_ENOTFOUND)
			usleep(1000 * 1000);
		if (engine_broken(app->engine)) {
			if (engine_reload(app->engine, st) != DS_OK)
				fprintf(stderr, "follower: the engine could not be reloaded: %s\n",
					store_errmsg(st));
			continue;
		}
		follow_once(app, st);
		if (progress_now() - verified > VERIFY_EVERY_S) {
			if (engine_verify(app->engine, st) != DS_OK)
				fprintf(stderr, "follower: could not compare the engine with the store: %s\n",
					store_errmsg(st));
			verified = progress_now();
		}
	}
	store_close(st);
	return NULL;
}

void api_follower_start(struct api_app *app)
{
	__atomic_store_n(&app->follower_ok_ms, (int64_t)(progress_now() * 1e3), __ATOMIC_RELAXED);
	pthread_create(&app->follower, NULL, follower, app);
}

void api_follower_stop(struct api_app *app)
{
	/* It sees app->stopping within a second. */
	pthread_join(app->follower, NULL);
}
