/* The HTTP server on libmicrohttpd: limits, the deadline reaper, security headers, parked requests. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/progress.h"
#include "http/http.h"

/* A connection, tracked for the request deadline. */
struct track {
	int fd;
	double since;    /* when the current request began (or the connection opened) */
	bool reading;    /* its request is not yet read whole */
	struct req *req; /* the request in progress, from its first line to its end */
	struct track *prev, *next;
};

struct http_server {
	struct MHD_Daemon *d;
	http_handler fn;
	void *app;
	struct http_limits lim;
	bool tls;
	char *cert, *key;
	pthread_mutex_t lock;
	struct track *conns;
	pthread_t reaper;
	bool stopping;
	pthread_cond_t stop_cv;
	struct http_stats stats;
	int inflight; /* requests from their headers until they are answered and done */
	bool closing; /* stopping: new requests are refused */
	char *late;   /* the reaper's 408 (late_answer) */
};

/* One request in progress. */
struct req {
	struct http_server *srv;
	struct http_request rq;
	struct buf body;
	size_t uri_len;
	bool headers_seen;
	bool handled;
	bool too_big;
	bool counted; /* counted in the server's `inflight` */
	bool chunked; /* the body came chunked: the connection ends after the answer */
	http_resume resume; /* set while parked */
	void *state;
	char *method, *path;
};

static void req_end(struct http_server *s, struct req *r, bool run_pending);

static const char *const security_headers[][2] = {
	{"Content-Security-Policy",
	 "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
	 "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "no-referrer"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
};

/* ---- connections and the reaper ---- */

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		struct track *t = calloc(1, sizeof *t);
		if (!t)
			return;
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		t->fd = ci ? ci->connect_fd : -1;
		t->since = progress_now();
		t->reading = true;
		pthread_mutex_lock(&s->lock);
		t->next = s->conns;
		if (s->conns)
			s->conns->prev = t;
		s->conns = t;
		s->stats.open_connections++;
		pthread_mutex_unlock(&s->lock);
		*socket_ctx = t;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		struct track *t = *socket_ctx;
		if (!t)
			return;
		/* A request whose end libmicrohttpd did not report (0.9.75 does
		 * not when it refuses one request twice, as a header too large
		 * for its pool can make it) is freed here.  Not a parked one: a
		 * connection is not ended while it is parked, but at shutdown,
		 * when the writer may still hold the request. */
		if (t->req && !t->req->resume)
			req_end(s, t->req, false);
		pthread_mutex_lock(&s->lock);
		if (t->prev)
			t->prev->next = t->next;
		else
			s->conns = t->next;
		if (t->next)
			t->next->prev = t->prev;
		s->stats.open_connections--;
		pthread_mutex_unlock(&s->lock);
		free(t);
		*socket_ctx = NULL;
	}
}

static struct track *track_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void set_reading(struct http_server *s, struct MHD_Connection *c, bool reading)
{
	struct track *t = track_of(c);
	if (!t)
		return;
	pthread_mutex_lock(&s->lock);
	t->reading = reading;
	t->since = progress_now();
	pthread_mutex_unlock(&s->lock);
}

/*
 * The 408 a request that is still arriving at its deadline gets, with the
 * security headers like every answer; made once, at start (NULL when there
 * was no memory for it: the connection is then only ended).
 * libmicrohttpd answers only a request it has read whole, so the reaper
 * writes this on the socket itself, where nothing else is being written
 * (the request is still being read).  Under TLS it cannot: the connection
 * is only ended there.
 */
static char *late_answer(void)
{
	static const char body[] =
		"{\"error\":{\"code\":\"deadline\",\"message\":\"the request took too long\",\"field\":null}}\n";
	struct buf b = {0};
	enum ds_rc rc = buf_puts(&b, "HTTP/1.1 408 Request Timeout\r\n"
				     "Content-Type: application/json; charset=utf-8\r\n"
				     "Connection: close\r\nCache-Control: no-store\r\n");
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0] && !rc; i++)
		rc = buf_printf(&b, "%s: %s\r\n", security_headers[i][0], security_headers[i][1]);
	if (!rc)
		rc = buf_printf(&b, "Content-Length: %zu\r\n\r\n%s", sizeof body - 1, body);
	if (rc) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/*
 * A connection whose request has been arriving for longer than the
 * deadline at `now` is answered 408 and shut down.  shutdown() leaves the
 * descriptor to libmicrohttpd, which sees the end of the stream and closes
 * it cleanly.  Called with s->lock held.
 */
static void reap(struct http_server *s, double now)
{
	for (struct track *t = s->conns; t; t = t->next) {
		if (t->reading && t->fd >= 0 && now - t->since > s->lim.deadline_s) {
			/* A client that is gone is told nothing: the send may fail. */
			if (!s->tls && s->late)
				(void)send(t->fd, s->late, strlen(s->late), MSG_NOSIGNAL | MSG_DONTWAIT);
			shutdown(t->fd, SHUT_RDWR);
			t->fd = -1;
			s->stats.deadline_closes++;
		}
	}
}

/* The reaper thread: reap once a second until the server stops. */
static void *reaper(void *arg)
{
	struct http_server *s = arg;
	pthread_mutex_lock(&s->lock);
	while (!s->stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&s->stop_cv, &s->lock, &ts);
		reap(s, progress_now());
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* ---- requests ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->srv = cls;
	r->uri_len = strlen(uri);
	r->rq.started = progress_now();
	struct track *t = track_of(c);
	if (t)
		t->req = r;
	return r;
}

/* The request is over: answered (or abandoned) and done with. */
static void done(struct http_server *s, struct req *r)
{
	if (r->counted) {
		r->counted = false;
		__atomic_sub_fetch(&s->inflight, 1, __ATOMIC_RELAXED);
	}
}

void http_add_header(struct http_response *rs, const char *name, const char *value)
{
	if (rs->nheaders >= HTTP_MAX_HEADERS)
		return;
	rs->headers[rs->nheaders][0] = strdup(name);
	rs->headers[rs->nheaders][1] = strdup(value);
	rs->nheaders++;
}

static void free_headers(struct http_response *rs)
{
	for (int i = 0; i < rs->nheaders; i++) {
		free(rs->headers[i][0]);
		free(rs->headers[i][1]);
	}
	rs->nheaders = 0;
}

void http_response_reset(struct http_response *rs)
{
	buf_reset(&rs->body);
	if (rs->file)
		unlink(rs->file); /* a temporary file that will not be sent now */
	free(rs->file);
	rs->file = NULL;
	rs->filename = NULL;
	free_headers(rs);
	rs->cacheable = false;
	rs->cache_control = NULL;
}

static void response_free(struct http_response *rs)
{
	buf_free(&rs->body);
	free(rs->file);
	free_headers(rs);
}

/*
 * The request is over: answered, abandoned or cut off.  A continuation
 * still pending runs first when run_pending says it may (see
 * on_completed).
 */
static void req_end(struct http_server *s, struct req *r, bool run_pending)
{
	if (r->resume && run_pending) {
		struct http_response rs = {.status = 200};
		http_resume fn = r->resume;
		r->resume = NULL;
		fn(s->app, &r->rq, r->state, &rs);
		http_response_reset(&rs);
		response_free(&rs);
	}
	done(s, r);
	buf_free(&r->body);
	free(r->method);
	free(r->path);
	free(r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode code)
{
	struct http_server *s = cls;
	struct req *r = *con_cls;
	struct track *t = track_of(c);
	if (t && t->req == r)
		t->req = NULL;
	/* A continuation still pending was woken, and the request then ended
	 * before it ran: the client went away while the request was parked,
	 * and libmicrohttpd read the end of its stream before it called the
	 * handler again.  The continuation runs into an answer nobody reads,
	 * so that what it holds (the writer's job, an answer held for its
	 * audit entry) is freed; what it waited for is committed.  Not at
	 * shutdown: a request still parked then may not have been woken. */
	if (r)
		req_end(s, r, code != MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN);
	*con_cls = NULL;
	set_reading(s, c, true); /* the next request on this connection, if any */
}

/* Bodies smaller than this are sent as they are: gzip's header and the
 * CPU cost outweigh what it saves. */
#define GZIP_MIN 1024

/* True when the client's Accept-Encoding takes gzip (and does not refuse it with q=0). */
static bool accepts_gzip(struct MHD_Connection *c)
{
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
	for (const char *p = ae; p && (p = strcasestr(p, "gzip")); p += 4) {
		if (p != ae && p[-1] != ' ' && p[-1] != ',')
			continue;
		const char *q = p + 4;
		while (*q == ' ')
			q++;
		if (*q == ',' || *q == '\0')
			return true;
		if (*q != ';')
			continue;
		q++;
		while (*q == ' ')
			q++;
		if (strncasecmp(q, "q=", 2) != 0)
			return true;
		return strtod(q + 2, NULL) > 0;
	}
	return false;
}

/* Text, JSON, scripts and SVG; not spreadsheets (already zipped) nor images. */
static bool compressible(const char *type)
{
	return !type || strncmp(type, "text/", 5) == 0 || strncmp(type, "application/json", 16) == 0 ||
	       strncmp(type, "application/javascript", 22) == 0 ||
	       strncmp(type, "application/manifest+json", 25) == 0 || strncmp(type, "image/svg", 9) == 0;
}

/* The body gzipped (RFC 1952), or NULL when it does not shrink or zlib fails. */
static char *gzip_body(const char *data, size_t len, size_t *out_len)
{
	z_stream z = {0};
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	size_t cap = deflateBound(&z, (uLong)len);
	char *out = malloc(cap);
	if (!out) {
		deflateEnd(&z);
		return NULL;
	}
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || *out_len >= len) {
		free(out);
		return NULL;
	}
	return out;
}

/* The answer; last: end the connection after it (nothing read after a
 * chunked body is trusted to be a request of its own). */
static enum MHD_Result respond(struct http_server *s, struct MHD_Connection *c, struct http_response *rs,
			       bool last)
{
	struct MHD_Response *resp = NULL;
	if (rs->file) {
		int fd = open(rs->file, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0)
			resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
		else if (fd >= 0)
			close(fd);
		unlink(rs->file);
		if (!resp) {
			rs->status = 500;
			rs->content_type = "application/json";
			buf_reset(&rs->body);
			buf_puts(&rs->body, "{\"error\":{\"code\":\"internal\",\"message\":\"cannot send the file\"}}");
		}
	}
	bool zip = compressible(rs->content_type);
	bool zipped = false;
	if (!resp) {
		size_t len = rs->body.len;
		size_t zlen = 0;
		char *data = NULL;
		if (zip && len >= GZIP_MIN && len <= UINT32_MAX && accepts_gzip(c) &&
		    (data = gzip_body(rs->body.data, len, &zlen))) {
			zipped = true;
			len = zlen;
		} else {
			data = buf_take(&rs->body);
		}
		resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
		if (!resp) {
			free(data);
			return MHD_NO;
		}
	}
	MHD_add_response_header(resp, "Content-Type",
				rs->content_type ? rs->content_type : "application/json; charset=utf-8");
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]);
	if (zipped)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (zip)
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	MHD_add_response_header(resp, "Cache-Control",
				rs->cache_control ? rs->cache_control
				: rs->cacheable	  ? "public, max-age=3600"
						  : "no-store");
	if (s->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (last)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	if (rs->filename) {
		char disp[300];
		snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", rs->filename);
		MHD_add_response_header(resp, "Content-Disposition", disp);
	}
	for (int i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(resp, rs->headers[i][0], rs->headers[i][1]);
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)rs->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static enum MHD_Result refuse(struct http_server *s, struct MHD_Connection *c, int status,
			      const char *code, const char *message)
{
	struct http_response rs = {.status = status};
	buf_printf(&rs.body, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\",\"field\":null}}", code,
		   message);
	__atomic_add_fetch(&s->stats.refused_limits, 1, __ATOMIC_RELAXED);
	enum MHD_Result ok = respond(s, c, &rs, true);
	response_free(&rs);
	return ok;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
				    const char *value)
{
	(void)kind;
	(void)value;
	int *n = cls;
	if (strcasecmp(key, "Content-Length") == 0)
		n[0]++;
	else if (strcasecmp(key, "Transfer-Encoding") == 0)
		n[1]++;
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	struct http_server *s = cls;
	struct req *r = *con_cls;
	if (!r)
		return MHD_NO;
	if (!r->headers_seen) {
		r->headers_seen = true;
		r->counted = true;
		__atomic_add_fetch(&s->inflight, 1, __ATOMIC_RELAXED);
		if (__atomic_load_n(&s->closing, __ATOMIC_RELAXED)) {
			r->handled = true;
			return refuse(s, c, 503, "shutting_down", "the server is stopping");
		}
		if (r->uri_len > s->lim.max_url)
			return refuse(s, c, 414, "uri_too_long", "the address is too long");
		/* Two lengths, or a length and a chunked body: where one request
		 * ends is ambiguous, which is how requests are smuggled past a
		 * proxy.  Refused. */
		int n[2] = {0, 0};
		MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, n);
		if (n[0] > 1 || (n[0] && n[1]) || n[1] > 1)
			return refuse(s, c, 400, "bad_framing", "the request's length is given twice");
		r->chunked = n[1] > 0;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > s->lim.max_body)
			return refuse(s, c, 413, "body_too_large", "the request body is too large");
		return MHD_YES;
	}
	if (*upload_size) {
		/* libmicrohttpd answers only once the upload is over: a body past
		 * the cap is dropped as it comes (the deadline reaper ends one
		 * that never stops) and answered 413 at its end. */
		if (r->too_big || r->body.len + *upload_size > s->lim.max_body) {
			r->too_big = true;
			buf_free(&r->body);
			*upload_size = 0;
			return MHD_YES;
		}
		buf_append(&r->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->too_big && !r->handled) {
		r->handled = true;
		return refuse(s, c, 413, "body_too_large", "the request body is too large");
	}
	if (!r->handled && progress_now() - r->rq.started > s->lim.deadline_s) {
		r->handled = true;
		return refuse(s, c, 408, "deadline", "the request took too long");
	}
	if (!r->handled) {
		/* The whole request is in: it is no longer subject to the deadline reaper. */
		set_reading(s, c, false);
		r->handled = true;
		r->method = strdup(method);
		r->path = strdup(url);
		r->rq.method = r->method;
		r->rq.path = r->path;
		r->rq.body = r->body.data ? r->body.data : "";
		r->rq.body_len = r->body.len;
		r->rq.conn = c;
		r->rq.tls = s->tls;
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->rq.ip,
					  sizeof r->rq.ip);
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
					  r->rq.ip, sizeof r->rq.ip);
		}
		__atomic_add_fetch(&s->stats.requests, 1, __ATOMIC_RELAXED);
	}
	struct http_response rs = {.status = 200};
	if (r->resume) {
		/* Woken: the continuation answers. */
		http_resume fn = r->resume;
		r->resume = NULL;
		fn(s->app, &r->rq, r->state, &rs);
	} else {
		s->fn(s->app, &r->rq, &rs);
		if (r->resume && !rs.status) {
			response_free(&rs);
			MHD_suspend_connection(c);
			return MHD_YES;
		}
	}
	enum MHD_Result ok = respond(s, c, &rs, r->chunked);
	response_free(&rs);
	return ok;
}

void http_park(struct http_request *rq, http_resume resume, void *state)
{
	struct req *r = (struct req *)((char *)rq - offsetof(struct req, rq));
	r->resume = resume;
	r->state = state;
}

void http_wake(void *conn)
{
	MHD_resume_connection(conn);
}

/* ---- request accessors ---- */

const char *http_header(const struct http_request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(const struct http_request *rq, const char *name, char *out, size_t outsz)
{
	const char *v = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
	if (!v || (size_t)snprintf(out, outsz, "%s", v) >= outsz)
		return NULL;
	return out;
}

const char *http_query(const struct http_request *rq, const char *name, char *out, size_t outsz)
{
	const char *v = MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
	if (!v)
		return NULL;
	snprintf(out, outsz, "%s", v);
	return out;
}

void http_stats(struct http_server *s, struct http_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->stats;
	pthread_mutex_unlock(&s->lock);
}

/* ---- start and stop ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = {.cap = 1 << 20};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (buf_append(&b, chunk, n)) {
			buf_free(&b);
			break;
		}
	fclose(f);
	return b.data;
}

static bool parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return false;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port <= 0 || port > 65535)
		return false;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa->sin_addr) == 1;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	/* libmicrohttpd's messages carry no personal data (addresses at most). */
	fputs("http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

enum http_start http_start(const struct http_config *cfg, http_handler fn, void *app,
			   struct http_server **out)
{
	struct sockaddr_in sa;
	if (!parse_listen(cfg->listen, &sa))
		return HTTP_BAD_ADDRESS;
	struct http_server *s = calloc(1, sizeof *s);
	if (!s)
		return HTTP_CANNOT_LISTEN;
	s->fn = fn;
	s->app = app;
	s->lim = cfg->limits;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->stop_cv, NULL);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (cfg->cert_file && cfg->key_file) {
		s->cert = slurp(cfg->cert_file);
		s->key = slurp(cfg->key_file);
		if (!s->cert || !s->key) {
			free(s->cert);
			free(s->key);
			free(s);
			return HTTP_BAD_TLS;
		}
		flags |= MHD_USE_TLS;
		s->tls = true;
	}
	struct MHD_OptionItem tls_opts[] = {
		{s->tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, s->key},
		{s->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->cert},
		{MHD_OPTION_END, 0, NULL},
	};
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_THREAD_POOL_SIZE, cfg->limits.threads,
				MHD_OPTION_CONNECTION_LIMIT, cfg->limits.conn_total,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->limits.conn_per_ip,
				MHD_OPTION_CONNECTION_TIMEOUT, cfg->limits.idle_s,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->limits.max_header,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
				MHD_OPTION_ARRAY, tls_opts,
				MHD_OPTION_END);
	if (!s->d) {
		bool tls = s->tls;
		free(s->cert);
		free(s->key);
		free(s);
		return tls ? HTTP_BAD_TLS : HTTP_CANNOT_LISTEN;
	}
	s->late = late_answer();
	pthread_create(&s->reaper, NULL, reaper, s);
	*out = s;
	return HTTP_STARTED;
}

void http_stop(struct http_server *s)
{
	if (!s)
		return;
	/* Stop accepting connections, refuse new requests on open ones, and
	 * let every request in flight finish: one whose body is still arriving
	 * gets until its deadline, a parked one is woken by the writer (which
	 * still runs).  libmicrohttpd may not stop with a request parked. */
	__atomic_store_n(&s->closing, true, __ATOMIC_RELAXED);
	MHD_socket fd = MHD_quiesce_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	double until = progress_now() + s->lim.deadline_s + 5;
	while (__atomic_load_n(&s->inflight, __ATOMIC_RELAXED) > 0 && progress_now() < until)
		usleep(20000);
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_signal(&s->stop_cv);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->reaper, NULL);
	MHD_stop_daemon(s->d);
	free(s->late);
	free(s->cert);
	free(s->key);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->stop_cv);
	free(s);
}
