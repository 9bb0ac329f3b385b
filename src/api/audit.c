/*
 * The audit queue: readers queue who read or changed what (never the data
 * itself), and the writer stores the entries in its next transaction,
 * within a fraction of a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "base/buf.h"
#include "base/grow.h"

static void entry(struct store_audit *a, const struct api_user *user, const char *action,
		  const char *object, const char *object_id, const char *area, const char *outcome)
{
	*a = (struct store_audit){.at = (int64_t)time(NULL), .role = user ? user->role : ROLE_NONE};
	snprintf(a->login, sizeof a->login, "%s", user ? user->login : "-");
	snprintf(a->unit, sizeof a->unit, "%s", user ? user->unit : "");
	snprintf(a->action, sizeof a->action, "%s", action);
	snprintf(a->object, sizeof a->object, "%s", object);
	snprintf(a->object_id, sizeof a->object_id, "%s", object_id ? object_id : "");
	snprintf(a->outcome, sizeof a->outcome, "%s", outcome);
	snprintf(a->area, sizeof a->area, "%s", area ? area : "");
}

void api_audit(struct api_ctx *c, const char *action, const char *object, const char *object_id,
	       const char *outcome)
{
	api_audit_in(c, action, object, object_id, NULL, outcome);
}

void api_audit_in(struct api_ctx *c, const char *action, const char *object, const char *object_id,
		  const char *area, const char *outcome)
{
	struct api_audits *l = c->audits;
	if (!l) {
		struct store_audit a;
		entry(&a, c->authed ? &c->user : NULL, action, object, object_id, area, outcome);
		api_audit_queue(c->app, &a);
		return;
	}
	if (!ds_grow(&l->v, sizeof *l->v, &l->cap, l->n, 8)) {
		/* Out of memory: the answer goes nowhere without its entry. */
		http_response_reset(c->rs);
		api_error(c, 503, "memory", "out of memory", NULL);
		return;
	}
	entry(&l->v[l->n++], c->authed ? &c->user : NULL, action, object, object_id, area, outcome);
}

/* An answer waiting for its audit entries to be committed. */
struct held {
	struct http_response rs;
	struct api_audits audits;
};

static enum ds_rc write_audits(struct api_app *app, struct store *st, const struct api_user *user,
			       void *arg)
{
	(void)app;
	(void)user;
	struct held *h = arg;
	enum ds_rc rc = DS_OK;
	for (size_t i = 0; i < h->audits.n && !rc; i++)
		rc = store_audit_add(st, &h->audits.v[i]);
	return rc;
}

static void held_free(struct held *h)
{
	http_response_reset(&h->rs);
	buf_free(&h->rs.body);
	free(h->audits.v);
	free(h);
}

static void answer_held(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct held *h = arg;
	if (rc) {
		/* Without its entry in the access log, nothing is answered. */
		api_error(c, 503, "store", "the access could not be recorded; try again", NULL);
		held_free(h);
		return;
	}
	buf_free(&c->rs->body);
	*c->rs = h->rs;
	free(h->audits.v);
	free(h);
}

/* Whether an entry records a read or change of personal data. */
static bool personal(const struct store_audit *a)
{
	return strcmp(a->object, "person") == 0 || strcmp(a->object, "household") == 0 ||
	       strcmp(a->object, "event") == 0;
}

void api_answer_audited(struct api_ctx *c)
{
	struct api_audits *l = c->audits;
	c->audits = NULL;
	if (!l || !l->n)
		return;
	bool hold = false;
	for (size_t i = 0; i < l->n && !hold; i++)
		hold = personal(&l->v[i]);
	/* Entries about aggregates (a report, an account) need not hold the
	 * answer: they follow within a fraction of a second. */
	struct held *h = c->rs->status && hold ? calloc(1, sizeof *h) : NULL;
	if (!h) {
		/* Parked by its handler (a write): its entries follow it. */
		for (size_t i = 0; i < l->n; i++)
			api_audit_queue(c->app, &l->v[i]);
		free(l->v);
		*l = (struct api_audits){0};
		return;
	}
	h->rs = *c->rs;
	h->audits = *l;
	*l = (struct api_audits){0};
	*c->rs = (struct http_response){0};
	if (!api_write(c, write_audits, answer_held, h)) {
		*c->rs = h->rs;
		h->rs = (struct http_response){0};
		for (size_t i = 0; i < h->audits.n; i++)
			api_audit_queue(c->app, &h->audits.v[i]);
		free(h->audits.v);
		free(h);
	}
}


enum ds_rc api_audit_now(struct store *st, const struct api_user *user, const char *action,
			 const char *object, const char *object_id, const char *outcome)
{
	struct store_audit a;
	entry(&a, user, action, object, object_id, NULL, outcome);
	return store_audit_add(st, &a);
}

void api_audit_user(struct api_app *app, const struct api_user *user, const char *action,
		    const char *object, const char *object_id, const char *outcome)
{
	struct store_audit a;
	entry(&a, user, action, object, object_id, NULL, outcome);
	api_audit_queue(app, &a);
}

void api_audit_queue(struct api_app *app, const struct store_audit *e)
{
	struct store_audit a = *e;
	pthread_mutex_lock(&app->wlock);
	if (ds_grow(&app->audit, sizeof *app->audit, &app->audit_cap, app->naudit, 256))
		app->audit[app->naudit++] = a;
	else
		fprintf(stderr, "audit: out of memory: an entry was not kept\n");
	pthread_cond_signal(&app->wcv);
	pthread_mutex_unlock(&app->wlock);
}

struct store_audit *api_audit_take(struct api_app *app, size_t *n)
{
	pthread_mutex_lock(&app->wlock);
	struct store_audit *v = app->audit;
	*n = app->naudit;
	app->audit = NULL;
	app->naudit = app->audit_cap = 0;
	pthread_mutex_unlock(&app->wlock);
	return v;
}
