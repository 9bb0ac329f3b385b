/*
 * Limits on failures: wrong passwords per account and per address, unknown
 * session tokens per address, refusals that probe what exists elsewhere per
 * user.  Each key has a count of failures and, past a free allowance, an
 * exponential delay before the next try: 2 s, 4 s, 8 s ... up to 15
 * minutes.  A real owner behind an attacker waits seconds, not a quarter of
 * an hour, and nobody is locked out for good.
 *
 * The table is fixed in size, so that no stream of made-up keys can grow
 * the server's memory: a key goes to one of a few slots of its hash, and
 * when they are all taken the stalest is reused.  Login keys are also kept
 * in the store (accounts.h), through the writer, so that a restart does
 * not reset them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "base/hmap.h"

#define LIMIT_WAYS 8
#define MAX_DELAY_S 900
#define FORGET_S 3600 /* failures older than this are forgotten */

struct api_limit {
	char key[API_LIMIT_KEY];
	int failures;
	int64_t last;  /* unix seconds of the last failure */
	int64_t until; /* no try before */
};

struct api_limit *api_limits_new(void)
{
	return calloc(API_LIMIT_SLOTS, sizeof(struct api_limit));
}

static struct api_limit *slot(struct api_app *app, const char *key, bool make, int64_t now)
{
	uint64_t h = hmap_hash(key, strlen(key));
	size_t base = (size_t)(h % (API_LIMIT_SLOTS / LIMIT_WAYS)) * LIMIT_WAYS;
	struct api_limit *stalest = NULL;
	for (size_t i = 0; i < LIMIT_WAYS; i++) {
		struct api_limit *l = &app->limits[base + i];
		if (strcmp(l->key, key) == 0)
			return l;
		if (!stalest || l->last < stalest->last)
			stalest = l;
	}
	if (!make)
		return NULL;
	/* A slot whose failures are old gives nothing away when reused; a
	 * recent one lost to a flood of keys errs on the user's side. */
	memset(stalest, 0, sizeof *stalest);
	snprintf(stalest->key, sizeof stalest->key, "%s", key);
	stalest->last = now;
	return stalest;
}

int64_t api_limit_wait(struct api_app *app, const char *key, int64_t now)
{
	pthread_mutex_lock(&app->slock);
	struct api_limit *l = slot(app, key, false, now);
	int64_t wait = l && l->until > now ? l->until - now : 0;
	pthread_mutex_unlock(&app->slock);
	return wait;
}

/* 2, 4, 8 ... 900 s: the first is 2 s, not 1, because times are whole
 * seconds and a 1 s wait could be over at the next tick. */
static int64_t delay(int over)
{
	int64_t d = 2;
	for (int i = 1; i < over && d < MAX_DELAY_S; i++)
		d *= 2;
	return d < MAX_DELAY_S ? d : MAX_DELAY_S;
}

int api_limit_fail(struct api_app *app, const char *key, int free_tries, int64_t now)
{
	pthread_mutex_lock(&app->slock);
	struct api_limit *l = slot(app, key, true, now);
	if (now - l->last > FORGET_S)
		l->failures = 0;
	l->failures++;
	l->last = now;
	if (l->failures > free_tries)
		l->until = now + delay(l->failures - free_tries);
	int n = l->failures;
	pthread_mutex_unlock(&app->slock);
	return n;
}

void api_limit_set(struct api_app *app, const char *key, int failures, int64_t last, int64_t until)
{
	pthread_mutex_lock(&app->slock);
	struct api_limit *l = slot(app, key, true, last);
	l->failures = failures;
	l->last = last;
	l->until = until;
	pthread_mutex_unlock(&app->slock);
}

void api_limit_clear(struct api_app *app, const char *key)
{
	pthread_mutex_lock(&app->slock);
	struct api_limit *l = slot(app, key, false, 0);
	if (l)
		memset(l, 0, sizeof *l);
	pthread_mutex_unlock(&app->slock);
}

bool api_limit_get(struct api_app *app, const char *key, int *failures, int64_t *last, int64_t *until)
{
	pthread_mutex_lock(&app->slock);
	struct api_limit *l = slot(app, key, false, 0);
	if (l) {
		*failures = l->failures;
		*last = l->last;
		*until = l->until;
	}
	pthread_mutex_unlock(&app->slock);
	return l != NULL;
}

/* ---- kept in the store ---- */

static enum ds_rc limit_put_run(struct api_app *app, struct store *st, const struct api_user *user,
				void *arg)
{
	(void)app;
	(void)user;
	return store_limit_put(st, arg);
}

void api_limits_keep(struct api_app *app, const char *key)
{
	struct store_limit *l = calloc(1, sizeof *l);
	if (!l)
		return;
	snprintf(l->key, sizeof l->key, "%s", key);
	api_limit_get(app, key, &l->failures, &l->last, &l->until);
	api_write_later(app, NULL, limit_put_run, l, free);
}

static enum ds_rc limit_loaded(const struct store_limit *l, void *arg)
{
	api_limit_set(arg, l->key, l->failures, l->last, l->until);
	return DS_OK;
}

enum ds_rc api_limits_load(struct api_app *app, struct store *st)
{
	return store_each_limit(st, (int64_t)time(NULL) - FORGET_S, limit_loaded, app);
}

/* ---- the client's address ---- */

/* Whether addr is one of the comma-separated addresses of list. */
static bool listed(const char *list, const char *addr)
{
	size_t n = strlen(addr);
	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, addr, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

const char *api_client_ip(struct api_ctx *c)
{
	const char *fwd = http_header(c->rq, "X-Forwarded-For");
	if (!fwd || !c->app->cfg.trusted_proxies || !listed(c->app->cfg.trusted_proxies, c->rq->ip))
		return c->rq->ip;
	/* The proxy appends the address it saw last: the only one it vouches for. */
	const char *last = strrchr(fwd, ',');
	last = last ? last + 1 : fwd;
	while (*last == ' ')
		last++;
	size_t n = strcspn(last, " ");
	if (n == 0 || n >= sizeof c->client_ip)
		return c->rq->ip;
	memcpy(c->client_ip, last, n);
	c->client_ip[n] = '\0';
	return c->client_ip;
}
