/*
 * The one writer.  Every durable write of the server is a job queued here:
 * events, workflow records, accounts, sessions, and the audit entries the
 * readers queue.  The writer takes everything that waits, runs it in one
 * transaction (group commit: one fsync for many requests), brings the
 * engine up to the log, and then wakes the requests that wait, whose
 * continuations answer.  Nothing is acknowledged before its commit is on
 * the disk.
 *
 * Where the store can split a commit from its flush (SQLite), the flusher,
 * a thread of its own, waits for the disk while the writer runs the next
 * group: the writer hands it each committed group, and it wakes the
 * group's requests once a flush begun after that commit has returned.  One
 * flush serves every group that waits for it.  Until then the group's
 * writes are visible to readers (and to the next group's rules, and to
 * the reports) but not acknowledged; a crash of the machine in between
 * loses them, and their senders, never answered, send them again.  The
 * writer runs at most FLUSH_AHEAD commits ahead of the disk.  A flush that
 * fails stops the server unanswered (see flusher()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "store/audit.h"

struct api_job {
	api_run_fn run;
	api_done_fn done;         /* NULL: nobody waits */
	void (*free_arg)(void *); /* for a job nobody waits for */
	void *arg;
	enum ds_rc rc;
	struct api_user user;
	const char *lang;
	void *conn; /* the parked connection, to wake */
	struct api_job *next;
};

/* Appends j to the queue; false when the server is stopping. */
static bool enqueue(struct api_app *app, struct api_job *j)
{
	pthread_mutex_lock(&app->wlock);
	bool ok = !app->stopping;
	if (ok) {
		if (app->jobs_tail)
			app->jobs_tail->next = j;
		else
			app->jobs = j;
		app->jobs_tail = j;
		pthread_cond_signal(&app->wcv);
	}
	pthread_mutex_unlock(&app->wlock);
	return ok;
}

bool api_write(struct api_ctx *c, api_run_fn run, api_done_fn done, void *arg)
{
	struct api_job *j = calloc(1, sizeof *j);
	if (!j)
		return false;
	*j = (struct api_job){.run = run, .done = done, .arg = arg, .user = c->user,
			      .lang = c->lang, .conn = c->rq->conn};
	/* Parked before it is queued: the writer may wake it at once. */
	http_park(c->rq, api_resume, j);
	if (!enqueue(c->app, j)) {
		http_park(c->rq, NULL, NULL);
		free(j);
		return false;
	}
	c->rs->status = 0;
	return true;
}

void api_write_block(struct api_ctx *c, api_run_fn run, api_done_fn done, void *arg)
{
	if (!arg) {
		api_error(c, 503, "memory", "out of memory", NULL);
	} else if (!api_write(c, run, done, arg)) {
		free(arg);
		api_error(c, 503, "stopping", "the server is stopping; try again", NULL);
	}
}

void api_write_later(struct api_app *app, const struct api_user *user, api_run_fn run, void *arg,
		     void (*free_arg)(void *))
{
	struct api_job *j = calloc(1, sizeof *j);
	if (j) {
		*j = (struct api_job){.run = run, .arg = arg, .free_arg = free_arg};
		if (user)
			j->user = *user;
	}
	if (!j || !enqueue(app, j)) {
		/* Nobody waits for it: a lost last-seen time is harmless. */
		if (free_arg)
			free_arg(arg);
		free(j);
	}
}

void api_job_finish(struct api_ctx *c, struct api_job *j)
{
	j->done(c, j->arg, j->rc);
	free(j);
}

const struct api_user *api_job_user(const struct api_job *j)
{
	return &j->user;
}

const char *api_job_lang(const struct api_job *j)
{
	return j->lang;
}

struct api_flusher {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cv;
	pthread_cond_t room;         /* the writer waits on it when FLUSH_AHEAD groups wait */
	struct api_job *jobs, *tail; /* committed, waiting for the disk */
	int groups;                  /* commits not yet taken by a flush */
	bool stop;
};

/* Commits the writer may make ahead of the disk: if the disk stalls, the
 * writer stops too, as it did when it waited for each commit itself. */
#define FLUSH_AHEAD 4

/* Wakes the requests that wait, and frees the jobs nobody waits for. */
static void finish_group(struct api_job *jobs)
{
	while (jobs) {
		struct api_job *next = jobs->next;
		if (jobs->done) {
			http_wake(jobs->conn); /* api_resume frees it */
		} else {
			if (jobs->free_arg)
				jobs->free_arg(jobs->arg);
			free(jobs);
		}
		jobs = next;
	}
}

static void *flusher(void *arg)
{
	struct api_app *app = arg;
	struct api_flusher *f = app->flusher;
	pthread_mutex_lock(&f->lock);
	for (;;) {
		while (!f->groups && !f->stop)
			pthread_cond_wait(&f->cv, &f->lock);
		if (!f->groups)
			break; /* stopping, and nothing waits */
		struct api_job *jobs = f->jobs;
		f->jobs = f->tail = NULL;
		f->groups = 0;
		pthread_cond_signal(&f->room);
		pthread_mutex_unlock(&f->lock);
		if (store_sync(app->wstore)) {
			/* Linux reports a failed write-back once and forgets the
			 * pages: a later flush would succeed over a hole in the
			 * log, and commits after it would be answered and then
			 * lost.  Stop without answering, as PostgreSQL does: a
			 * restart recovers what the disk holds, and the senders,
			 * never answered, send again. */
			fprintf(stderr,
				"flusher: the log could not be flushed to the disk (%s); committed "
				"writes are unanswered; stopping so that a restart recovers what "
				"the disk holds\n",
				strerror(errno));
			_exit(70);
		}
		finish_group(jobs);
		pthread_mutex_lock(&f->lock);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

/* The committed group to the flusher (audit entries alone too: they are
 * flushed as well), or answered at once when its commit waited for the
 * disk or failed. */
static void flush_group(struct api_app *app, struct api_job *jobs, enum ds_rc rc)
{
	struct api_flusher *f = app->flusher;
	if (!f || rc) {
		finish_group(jobs);
		return;
	}
	struct api_job *last = jobs;
	while (last && last->next)
		last = last->next;
	pthread_mutex_lock(&f->lock);
	while (f->groups >= FLUSH_AHEAD)
		pthread_cond_wait(&f->room, &f->lock);
	if (jobs) {
		if (f->tail)
			f->tail->next = jobs;
		else
			f->jobs = jobs;
		f->tail = last;
	}
	f->groups++;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->lock);
}

/* Runs the jobs and the audit entries in one transaction; every job gets the outcome. */
static enum ds_rc run_group(struct api_app *app, struct api_job *jobs, struct store_audit *audit,
			    size_t naudit)
{
	struct store *st = app->wstore;
	enum ds_rc rc = store_begin(st);
	for (struct api_job *j = jobs; j && !rc; j = j->next)
		rc = j->run(app, st, &j->user, j->arg);
	for (size_t i = 0; i < naudit && !rc; i++)
		rc = store_audit_add(st, &audit[i]);
	if (!rc)
		rc = store_commit(st);
	else
		store_rollback(st);
	if (rc) {
		fprintf(stderr, "writer: commit failed: %s\n", store_errmsg(st));
		/* What the ledger holds in memory may now be ahead of the store. */
		ledger_reload_units(&app->ledger);
	}
	pthread_mutex_lock(&app->mlock);
	app->commits++;
	pthread_mutex_unlock(&app->mlock);
	/* What is derived follows the logs (on SQLite before the writes are
	 * on the disk: the flusher answers them once they are). */
	if (!rc && engine_catch_up(app->engine, st) && !engine_broken(app->engine))
		fprintf(stderr, "writer: the engine could not follow the log: %s\n", store_errmsg(st));
	if (!rc && rec_book_catch_up(app->book, st))
		fprintf(stderr, "writer: the records could not follow the log: %s\n", store_errmsg(st));
	/* A change of the map made here is in the next report. */
	if (!rc)
		api_units_pick_up(app, st, true);
	for (struct api_job *j = jobs; j; j = j->next)
		j->rc = rc;
	return rc;
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
		bool stop = app->stopping && !jobs && !app->naudit;
		pthread_mutex_unlock(&app->wlock);
		if (stop)
			break;
		size_t naudit;
		struct store_audit *audit = api_audit_take(app, &naudit);
		enum ds_rc rc = run_group(app, jobs, audit, naudit);
		free(audit);
		flush_group(app, jobs, rc);
	}
	return NULL;
}

/* Frees the flusher, once its thread (if any) has ended. */
static void flusher_free(struct api_app *app)
{
	struct api_flusher *f = app->flusher;
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cv);
	pthread_cond_destroy(&f->room);
	free(f);
	app->flusher = NULL;
}

/* Stops the flusher once what it holds is answered. */
static void flusher_stop(struct api_app *app)
{
	struct api_flusher *f = app->flusher;
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	flusher_free(app);
}

void api_writer_start(struct api_app *app)
{
	struct api_flusher *f = calloc(1, sizeof *f);
	if (f) {
		pthread_mutex_init(&f->lock, NULL);
		pthread_cond_init(&f->cv, NULL);
		pthread_cond_init(&f->room, NULL);
		app->flusher = f;
		if (pthread_create(&f->thread, NULL, flusher, app))
			flusher_free(app);
	}
	/* Without the thread, each commit waits for the disk. */
	enum ds_rc rc = app->flusher ? store_sync_aside(app->wstore) : DS_ENOMEM;
	if (rc) {
		if (rc != DS_EUSAGE)
			fprintf(stderr, "serve: %s; each commit waits for the disk\n",
				rc == DS_ENOMEM ? "cannot start the flusher"
						: store_errmsg(app->wstore));
		flusher_stop(app);
	}
	pthread_create(&app->writer, NULL, writer, app);
}

void api_writer_stop(struct api_app *app)
{
	pthread_mutex_lock(&app->wlock);
	app->stopping = true;
	pthread_cond_broadcast(&app->wcv);
	pthread_mutex_unlock(&app->wlock);
	pthread_join(app->writer, NULL);
	flusher_stop(app);
}
