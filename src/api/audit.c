/*
 * The audit queue: readers queue who read or changed what (never the data
 * itself), and the writer stores the entries in its next transaction,
 * within a fraction of a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "api/api.h"
#include "base/grow.h"

void api_audit(struct api_ctx *c, const char *action, const char *object, const char *object_id,
	       const char *outcome)
{
	api_audit_user(c->app, c->authed ? &c->user : NULL, action, object, object_id, outcome);
}

static void entry(struct store_audit *a, const struct api_user *user, const char *action,
		  const char *object, const char *object_id, const char *outcome)
{
	*a = (struct store_audit){.at = (int64_t)time(NULL), .role = user ? user->role : ROLE_NONE};
	snprintf(a->login, sizeof a->login, "%s", user ? user->login : "-");
	snprintf(a->unit, sizeof a->unit, "%s", user ? user->unit : "");
	snprintf(a->action, sizeof a->action, "%s", action);
	snprintf(a->object, sizeof a->object, "%s", object);
	snprintf(a->object_id, sizeof a->object_id, "%s", object_id ? object_id : "");
	snprintf(a->outcome, sizeof a->outcome, "%s", outcome);
}

enum ds_rc api_audit_now(struct store *st, const struct api_user *user, const char *action,
			 const char *object, const char *object_id, const char *outcome)
{
	struct store_audit a;
	entry(&a, user, action, object, object_id, outcome);
	return store_audit_add(st, &a);
}

void api_audit_user(struct api_app *app, const struct api_user *user, const char *action,
		    const char *object, const char *object_id, const char *outcome)
{
	struct store_audit a;
	entry(&a, user, action, object, object_id, outcome);
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
