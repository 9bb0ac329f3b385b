/*
 * The follower: keeps the engine current with writes made by other
 * processes on the same database (other servers, the command line).  On
 * PostgreSQL it is woken by NOTIFY; on every backend it also looks at the
 * log's last sequence number each second.
 */
#include <stdio.h>
#include <unistd.h>

#include "api/api.h"

static bool stopping(struct api_app *app)
{
	pthread_mutex_lock(&app->wlock);
	bool stop = app->stopping;
	pthread_mutex_unlock(&app->wlock);
	return stop;
}

static void *follower(void *arg)
{
	struct api_app *app = arg;
	struct store *st = NULL;
	if (store_open(app->cfg.db, false, &st) != DS_OK) {
		fprintf(stderr, "follower: cannot open the database: other servers' writes are not followed\n");
		return NULL;
	}
	while (!stopping(app)) {
		if (store_wait_notify(st, 1000) != DS_OK)
			usleep(1000 * 1000);
		if (store_last_seq(st) > engine_last_seq(app->engine) &&
		    engine_catch_up(app->engine, st) != DS_OK)
			fprintf(stderr, "follower: %s\n", store_errmsg(st));
		if (store_record_last_seq(st) > rec_book_last_seq(app->book) &&
		    rec_book_catch_up(app->book, st) != DS_OK)
			fprintf(stderr, "follower: records: %s\n", store_errmsg(st));
	}
	store_close(st);
	return NULL;
}

void api_follower_start(struct api_app *app)
{
	pthread_create(&app->follower, NULL, follower, app);
}

void api_follower_stop(struct api_app *app)
{
	/* It sees app->stopping within a second. */
	pthread_join(app->follower, NULL);
}
