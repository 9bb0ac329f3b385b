/*
 * http: the HTTP server, on GNU libmicrohttpd.
 *
 * It owns sockets, limits and the shape of a request; what a request means
 * is the application's (api/).  A request reaches the application once,
 * whole: method, path, query, headers, client address and a body that
 * already passed the size cap.  Limits (all named in struct http_limits):
 *
 *   - body size: a Content-Length over the cap is answered 413 before any
 *     of the body is read; a chunked body is cut off at the cap;
 *   - header size (the connection's memory), URL length (414);
 *   - a total deadline per request: libmicrohttpd only times out idle
 *     connections, so a reaper thread shuts down connections whose request
 *     has not been read whole within the deadline (slowloris), and a body
 *     still arriving after it is answered 408;
 *   - connections per client address and in total.
 *
 * Every response carries the security headers (CSP, nosniff,
 * frame-ancestors, no-referrer) and, unless the application says it may be
 * cached, Cache-Control: no-store.  A body of text, JSON or script of 1 KiB
 * or more is sent gzipped (zlib) when the client's Accept-Encoding takes
 * gzip, with Vary: Accept-Encoding.
 *
 * A handler may park a request (http_park) while work is done elsewhere
 * (a write waiting for the group commit) and the worker thread serves
 * others meanwhile; http_wake resumes it, and the continuation the handler
 * named answers it.  The handler does not run again.
 */
#ifndef DS_HTTP_H
#define DS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct http_limits {
	size_t max_body;        /* bytes */
	size_t max_header;      /* bytes of request line and headers */
	size_t max_url;         /* bytes */
	unsigned deadline_s;    /* whole request, first byte to last */
	unsigned idle_s;        /* keep-alive and read inactivity */
	unsigned conn_total;
	unsigned conn_per_ip;
	unsigned threads;
};

struct http_config {
	const char *listen; /* "127.0.0.1:8080" */
	const char *cert_file, *key_file; /* TLS when both are given */
	struct http_limits limits;
};

#define HTTP_MAX_HEADERS 8

struct http_request {
	const char *method;
	const char *path;   /* without the query: read parameters with http_query() */
	const char *body;
	size_t body_len;
	char ip[64];
	bool tls;
	double started;     /* monotonic seconds */
	void *conn;         /* the libmicrohttpd connection, for headers and http_wake */
};

struct http_response {
	int status;
	const char *content_type;
	struct buf body;
	char *file;        /* send this file instead of body (and delete it) */
	const char *filename; /* Content-Disposition attachment name */
	bool cacheable;    /* static files: may be cached */
	const char *cache_control; /* the Cache-Control header itself, when set (a static string) */
	int nheaders;
	char *headers[HTTP_MAX_HEADERS][2];
};

/* The application's entry: fill rs (or park rq and return). */
typedef void (*http_handler)(void *app, struct http_request *rq, struct http_response *rs);
/* A parked request's continuation: answers rs from the state it was parked with. */
typedef void (*http_resume)(void *app, struct http_request *rq, void *state,
			    struct http_response *rs);

struct http_server;

enum http_start { HTTP_STARTED, HTTP_BAD_ADDRESS, HTTP_CANNOT_LISTEN, HTTP_BAD_TLS };

enum http_start http_start(const struct http_config *cfg, http_handler fn, void *app,
			   struct http_server **out);
/* Stops accepting, lets requests in flight finish, frees. */
void http_stop(struct http_server *s);

/* A request header's value, or NULL. */
const char *http_header(const struct http_request *rq, const char *name);
/* A cookie's value, or NULL (copied into out). */
const char *http_cookie(const struct http_request *rq, const char *name, char *out, size_t outsz);
/* A query parameter, URL-decoded into out; NULL when absent. */
const char *http_query(const struct http_request *rq, const char *name, char *out, size_t outsz);

void http_add_header(struct http_response *rs, const char *name, const char *value);
/* Forgets what a response held so far (body, file, headers), to answer otherwise. */
void http_response_reset(struct http_response *rs);

/*
 * Parks the request: the handler returns without a response (status 0).
 * Once http_wake(rq->conn) is called, from any thread, resume runs with
 * state on a worker thread and answers.  The handler is not run again.
 * It runs even when the client has gone meanwhile (its answer is then
 * dropped), so that it frees the state.
 */
void http_park(struct http_request *rq, http_resume resume, void *state);
void http_wake(void *parked_conn);

/* Counters for /metrics. */
struct http_stats {
	uint64_t requests, refused_limits, deadline_closes, open_connections;
};
void http_stats(struct http_server *s, struct http_stats *out);

#endif
