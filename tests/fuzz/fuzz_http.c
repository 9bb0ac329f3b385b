/*
 * libFuzzer target: the HTTP request path, from the socket to the pipeline
 * and back, in one process.  The fuzzer's bytes go, as they are, down a
 * loopback connection to the real server (src/http/server.c on
 * libmicrohttpd: framing checks, limits, body collection, parking,
 * response writing, the deadline reaper), in front of the real request
 * pipeline (api_handle in src/api/routes.c: language, route lookup,
 * 404/405, permission, CSRF, /health, /metrics, the OpenAPI document), the
 * real held answer (src/api/audit.c: a read of personal data is answered
 * once its audit entry is through the writer), the real writer thread and
 * its parking and waking of requests (src/api/writer.c), and the real
 * client-address rule behind a trusted proxy and failure limits
 * (src/api/limits.c).  They are compiled into this file, so that the reaper
 * can be run on demand.  What is not here: the store and the engine (stubs
 * that succeed), authentication (a stand-in that reads the bearer token or
 * the session cookie: role = its first digit), and the handlers, which
 * echo: each checks what the server handed it, reads the route's path
 * parameters and every query parameter the route documents, parses a
 * body, and answers through the writer, as the real ones do.
 *
 * The first byte says how the client sends the rest: '|' line by line, in
 * separate writes, else at once.  It reads the answers until the server
 * closes the connection or waits for more; with '~' first, the reaper then
 * runs as if the deadline had passed (a request still arriving gets 408
 * and is shut down) and the client reads again.  Then it closes.
 *
 * Checked on every input:
 *  - within 5 s the server has answered all it will (it waits for more or
 *    has closed), and once the client has closed, its count of open
 *    connections and of requests in flight comes back to 0 (no parked
 *    request is forgotten);
 *  - what comes back is HTTP/1.x responses, and every JSON answer (the
 *    application's, or the reaper's 408) carries the security headers and
 *    Cache-Control;
 *  - a handler sees a body within the cap, its route's method and path,
 *    path parameters that are non-empty, without '/', and within their
 *    buffer, and query values that are cut to fit a small buffer as a
 *    prefix of the whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../src/http/server.c"
#include "../../src/api/routes.c"
#include "../../src/api/audit.c"
#include "../../src/api/limits.c"
#include "../../src/api/writer.c"
#include "api_handlers.h"

#define MAX_BODY 1024
#define FAIL(why) \
	do { \
		fprintf(stderr, "fuzz_http: %s\n", why); \
		__builtin_trap(); \
	} while (0)

/* ---- the store and the engine: absent, and always fine ---- */

static int store_dummy;
struct store *api_thread_store(struct api_app *app) { (void)app; return (struct store *)&store_dummy; }
bool store_reachable(struct store *st, bool ping) { (void)st; (void)ping; return true; }
bool store_outage(void) { return false; }
uint64_t store_reconnects(void) { return 0; }
int64_t store_last_seq(struct store *st) { (void)st; return 0; }
enum ds_rc store_begin(struct store *st) { (void)st; return DS_OK; }
enum ds_rc store_commit(struct store *st) { (void)st; return DS_OK; }
/* Commits flushed beside the writer, as on SQLite: the flusher's path. */
enum ds_rc store_sync_aside(struct store *st) { (void)st; return DS_OK; }
enum ds_rc store_sync(struct store *st) { (void)st; return DS_OK; }
enum ds_rc store_rollback(struct store *st) { (void)st; return DS_OK; }
const char *store_errmsg(const struct store *st) { (void)st; return ""; }
enum ds_rc store_audit_add(struct store *st, const struct store_audit *a) { (void)st; (void)a; return DS_OK; }
enum ds_rc store_limit_put(struct store *st, const struct store_limit *l) { (void)st; (void)l; return DS_OK; }
enum ds_rc store_each_limit(struct store *st, int64_t since, enum ds_rc (*fn)(const struct store_limit *, void *),
			    void *arg)
{
	(void)st; (void)since; (void)fn; (void)arg;
	return DS_OK;
}
size_t engine_bytes(struct engine *e) { (void)e; return 0; }
int64_t engine_persons(struct engine *e) { (void)e; return 0; }
int64_t engine_last_seq(struct engine *e) { (void)e; return 0; }
bool engine_broken(struct engine *e) { (void)e; return false; }
enum ds_rc engine_catch_up(struct engine *e, struct store *st) { (void)e; (void)st; return DS_OK; }
enum ds_rc rec_book_catch_up(struct rec_book *b, struct store *st) { (void)b; (void)st; return DS_OK; }
enum ds_rc ledger_reload_units(struct ledger *lg) { (void)lg; return DS_OK; }
void api_units_pick_up(struct api_app *app, struct store *st, bool in_writer) { (void)app; (void)st; (void)in_writer; }

/* ---- authentication: a stand-in ---- */

/* The bearer token, or else the session cookie; its first digit is the
 * role.  Anything else is an unknown token, counted against the client's
 * address as the real one counts it. */
bool api_authenticate(struct api_ctx *c)
{
	const char *auth = http_header(c->rq, "Authorization");
	char cookie[80];
	const char *tok = auth && strncmp(auth, "Bearer ", 7) == 0
				  ? auth + 7
				  : http_cookie(c->rq, "danso_session", cookie, sizeof cookie);
	if (!tok || tok[0] <= '0' || tok[0] >= '0' + ROLE_COUNT) {
		char key[API_LIMIT_KEY];
		snprintf(key, sizeof key, "t:%s", api_client_ip(c));
		if (tok && api_limit_wait(c->app, key, (int64_t)time(NULL)) == 0)
			api_limit_fail(c->app, key, 20, (int64_t)time(NULL));
		return false;
	}
	c->authed = true;
	c->user.role = tok[0] - '0';
	c->user.token = tok != cookie;
	snprintf(c->user.login, sizeof c->user.login, "fuzz");
	snprintf(c->user.csrf, sizeof c->user.csrf, "fuzz-csrf");
	return true;
}

/* Administrators only administer; everyone else does the rest. */
bool api_role_allows(int role, enum api_perm perm)
{
	return perm == PERM_PUBLIC || (role > ROLE_NONE && (role == ROLE_ADMIN) == (perm == PERM_ADMIN));
}

/* ---- the handlers: echoes ---- */

static void check_params(struct api_ctx *c, json_t *o)
{
	int np = 0;
	for (const char *p = c->route->path; (p = strchr(p, '{')); p++) {
		size_t len = strnlen(c->params[np], sizeof c->params[np]);
		if (len == 0 || len >= sizeof c->params[np] || strchr(c->params[np], '/'))
			FAIL("a path parameter is empty, too long or has a '/'");
		np++;
	}
	json_object_set_new(o, "params", json_integer(np));
	/* Every query parameter the route documents, as the handlers read them. */
	char spec[512];
	snprintf(spec, sizeof spec, "%s", c->route->params);
	int nq = 0;
	for (char *save = NULL, *tok = strtok_r(spec, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		char *colon = strchr(tok, ':');
		if (colon)
			*colon = '\0';
		char small[8], big[512];
		const char *s = api_query(c, tok, small, sizeof small);
		const char *b = api_query(c, tok, big, sizeof big);
		if (!s != !b)
			FAIL("a query parameter is there for one buffer and not the other");
		if (s && (s != small || b != big || strnlen(small, sizeof small) == sizeof small ||
			  strnlen(big, sizeof big) == sizeof big || strncmp(small, big, strlen(small)) != 0))
			FAIL("a query parameter is not a terminated prefix of itself");
		nq += s != NULL;
	}
	json_object_set_new(o, "query", json_integer(nq));
}

static void echo_answer(struct api_ctx *c, const char *name, size_t body_len)
{
	json_t *o = json_pack("{s:s, s:I}", "handler", name, "body", (json_int_t)body_len);
	check_params(c, o);
	api_json(c, 200, o);
	http_add_header(c->rs, "X-Echo", name);
	/* More headers than a response holds: the rest are dropped. */
	for (int i = 0; strstr(c->rq->path, "many") && i < HTTP_MAX_HEADERS + 2; i++)
		http_add_header(c->rs, "X-Many", "1");
	/* Exports answer with a file, which is sent and deleted. */
	if (strstr(c->rq->path, ".xlsx")) {
		char tmp[] = "/tmp/danso-fuzz-XXXXXX";
		int fd = mkstemp(tmp);
		if (fd < 0)
			return;
		ssize_t w = write(fd, c->rs->body.data, c->rs->body.len);
		close(fd);
		c->rs->file = strdup(tmp);
		c->rs->filename = "fuzz.xlsx";
		if (w < 0 || !c->rs->file)
			unlink(tmp);
	}
}

/* A parked write's continuation. */
struct echo_write {
	const char *name;
	size_t body_len;
};

static enum ds_rc echo_run(struct api_app *app, struct store *st, const struct api_user *user, void *arg)
{
	(void)app; (void)st; (void)user; (void)arg;
	return DS_OK;
}

static void echo_done(struct api_ctx *c, void *arg, enum ds_rc rc)
{
	struct echo_write *w = arg;
	if (rc)
		FAIL("the writer failed with stores that cannot fail");
	/* The continuation has no route: the path is what it was. */
	for (const struct api_route *r = api_routes; r->method && !c->route; r++)
		if (strcmp(r->method, c->rq->method) == 0 && match(r->path, c->rq->path, c->params))
			c->route = r;
	if (!c->route)
		FAIL("a parked request lost its route");
	echo_answer(c, w->name, w->body_len);
	free(w);
}

static void echo(struct api_ctx *c, const char *name)
{
	const struct http_request *rq = c->rq;
	char params[4][REG_ID_MAX * 2];
	if (!rq->body || rq->body_len > MAX_BODY)
		FAIL("a body past the cap reached a handler");
	if (strcmp(rq->method, c->route->method) != 0 || !match(c->route->path, rq->path, params))
		FAIL("a handler got another route's request");
	if (state_changing(rq->method)) {
		json_t *b = api_body(c);
		if (!b)
			return; /* answered 400 */
		json_decref(b);
		struct echo_write *w = calloc(1, sizeof *w);
		if (w)
			*w = (struct echo_write){name, rq->body_len};
		api_write_block(c, echo_run, echo_done, w);
		return;
	}
	/* A read of personal data: the answer waits for its audit entry. */
	api_audit(c, "read", "person", c->params[0][0] ? c->params[0] : name, "ok");
	echo_answer(c, name, rq->body_len);
}

#define ECHO(name) \
	void name(struct api_ctx *c) { echo(c, #name); }
API_HANDLERS(ECHO)

/* ---- the server ---- */

static struct api_app app;
static struct http_server *srv;
static uint16_t port;

static uint16_t free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) || getsockname(fd, (struct sockaddr *)&sa, &len))
		FAIL("no loopback port");
	close(fd);
	return ntohs(sa.sin_port);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	app.cfg.max_json_depth = 16;
	app.cfg.max_json_string = 200;
	app.cfg.max_batch = 10;
	app.cfg.max_page = 100;
	app.cfg.trusted_proxies = "127.0.0.1";
	app.cfg.http.limits = (struct http_limits){
		.max_body = MAX_BODY, .max_header = 3072, .max_url = 256, .deadline_s = 30, .idle_s = 1,
		.conn_total = 64, .conn_per_ip = 64, .threads = 2,
	};
	app.limits = api_limits_new();
	app.started = progress_now();
	pthread_mutex_init(&app.wlock, NULL);
	pthread_cond_init(&app.wcv, NULL);
	pthread_mutex_init(&app.slock, NULL);
	pthread_mutex_init(&app.mlock, NULL);
	app.wstore = api_thread_store(&app);
	api_writer_start(&app);
	/* The port is free when asked, and taken by the server an instant later. */
	char listen[32];
	enum http_start st = HTTP_CANNOT_LISTEN;
	for (int i = 0; i < 20 && st != HTTP_STARTED; i++) {
		port = free_port();
		snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
		app.cfg.http.listen = listen;
		st = http_start(&app.cfg.http, api_handle, &app, &srv);
	}
	if (st != HTTP_STARTED)
		FAIL("the server did not start");
	app.http = srv;
	return 0;
}

/* ---- the client ---- */

/*
 * The outcome of a connection under way on a non-blocking socket: 0, or
 * its errno (ETIMEDOUT after `until`).  Not a blocking connect():
 * libFuzzer's timer signal (every few seconds, without SA_RESTART) can
 * interrupt one that waits, as one did after 140,000 inputs.
 */
static int connected(int fd, double until)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	while (poll(&p, 1, 100) != 1)
		if (progress_now() > until)
			return ETIMEDOUT;
	int err = 0;
	socklen_t len = sizeof err;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return errno;
	return err;
}

/*
 * A connection to the server, blocking once made.  The client closes
 * first, so each input leaves a local port in TIME_WAIT for a minute: at
 * a few hundred inputs a second the ephemeral ports can run out, and
 * connect() then says EADDRNOTAVAIL until some are free again.  That is
 * waited for; any other failure is the server's.
 */
static int dial(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int one = 1;
	for (double until = progress_now() + 90;;) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0 || setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one))
			FAIL("no socket");
		int err = connect(fd, (struct sockaddr *)&sa, sizeof sa) ? errno : 0;
		if (err == EINPROGRESS || err == EINTR)
			err = connected(fd, until);
		if (!err && fcntl(fd, F_SETFL, 0) == 0)
			return fd;
		close(fd);
		if (err != EADDRNOTAVAIL || progress_now() > until) {
			fprintf(stderr, "fuzz_http: connect: %s\n", strerror(err));
			FAIL("cannot connect to the server");
		}
		usleep(20000);
	}
}

/* The server may close before everything is sent: that is its right. */
static void send_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/*
 * Whether the server waits for the client: every connection of it has
 * read all that was sent (nothing unread in its socket), sent all it
 * answered (nothing in its send queue) and waits for a request or the rest
 * of one (not handling one, not parked); what is sent but not yet
 * acknowledged does not count (the client's delayed acknowledgement would
 * cost 40 ms an input).  The client does not close its
 * side to say that it is done: libmicrohttpd may not see an end of stream
 * that comes with the request's last bytes until its idle timeout.
 */
static bool server_waits(void)
{
	bool waits = true;
	pthread_mutex_lock(&srv->lock);
	for (struct track *t = srv->conns; t && waits; t = t->next) {
		int unread = 0, unsent = 0;
		waits = t->reading && (t->fd < 0 || (ioctl(t->fd, FIONREAD, &unread) == 0 &&
						      ioctl(t->fd, SIOCOUTQNSD, &unsent) == 0 && !unread && !unsent));
	}
	pthread_mutex_unlock(&srv->lock);
	return waits;
}

/* Reads the answers until the server closes or waits for more (a few
 * looks in a row); keeps the first `cap` bytes.  False after 5 s. */
static bool read_answers(int fd, char *out, size_t cap, size_t *len)
{
	double until = progress_now() + 5;
	char chunk[16384];
	for (int quiet = 0; quiet < 3;) {
		if (progress_now() > until)
			return false;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 0) == 1) {
			ssize_t r = recv(fd, chunk, sizeof chunk, 0);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return true;
			size_t keep = *len + (size_t)r <= cap ? (size_t)r : cap - *len;
			memcpy(out + *len, chunk, keep);
			*len += keep;
			quiet = 0;
			continue;
		}
		quiet = server_waits() ? quiet + 1 : 0;
		usleep(100);
	}
	return true;
}

static bool has_header(const char *head, size_t n, const char *line)
{
	size_t k = strlen(line);
	for (size_t i = 0; i + k <= n; i++)
		if ((i == 0 || head[i - 1] == '\n') && strncasecmp(head + i, line, k) == 0)
			return true;
	return false;
}

/*
 * The responses.  Their bodies cannot be skipped by their length (the
 * answer to a HEAD has none; libmicrohttpd 0.9.75 sends the head of its own
 * answer to a malformed Content-Length twice), but no body here holds
 * "HTTP/1." (the echoes, errors and documents are the server's own text),
 * so every status line found starts a response.
 */
static void check_answers(const char *p, size_t n)
{
	static const char *const must[] = {
		"Content-Security-Policy: ", "X-Content-Type-Options: nosniff", "X-Frame-Options: DENY",
		"Referrer-Policy: no-referrer", "Cross-Origin-Opener-Policy: ", "Permissions-Policy: ",
		"Cache-Control: ",
	};
	if (n && (n < 12 || (memcmp(p, "HTTP/1.1 ", 9) != 0 && memcmp(p, "HTTP/1.0 ", 9) != 0))) {
		fprintf(stderr, "fuzz_http: answered:\n%.*s\n", (int)(n < 600 ? n : 600), p);
		FAIL("the answer is not an HTTP/1.x response");
	}
	for (const char *at = p; (at = memmem(at, n - (size_t)(at - p), "HTTP/1.", 7)); at += 7) {
		const char *end = memmem(at, n - (size_t)(at - p), "\r\n\r\n", 4);
		if (!end)
			return;
		size_t hlen = (size_t)(end - at) + 4;
		if (!has_header(at, hlen, "Content-Type: application/json"))
			continue;
		for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
			if (!has_header(at, hlen, must[i])) {
				fprintf(stderr, "fuzz_http: no \"%s\" in:\n%.*s\n", must[i], (int)hlen, at);
				FAIL("a JSON answer without the security headers");
			}
	}
}

/*
 * Every connection ended and every request done: nothing is left behind.
 * libmicrohttpd may miss a client's end of stream that comes right after
 * its last bytes (see server_waits) and then ends the connection at its
 * idle timeout (1 s here), so a connection may live that long; longer is a
 * leak (a parked request never woken is never timed out).
 */
static void wait_idle(void)
{
	double until = progress_now() + srv->lim.idle_s + 3;
	for (;;) {
		struct http_stats st;
		http_stats(srv, &st);
		if (st.open_connections == 0 && __atomic_load_n(&srv->inflight, __ATOMIC_RELAXED) == 0)
			return;
		if (progress_now() > until)
			FAIL("a connection or a request outlived its client");
		usleep(50);
	}
}

static char answer[1 << 16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	char mode = (char)data[0];
	data++;
	size--;
	int fd = dial();
	if (mode == '|') {
		for (size_t i = 0; i < size;) {
			const uint8_t *nl = memchr(data + i, '\n', size - i);
			size_t n = nl ? (size_t)(nl - (data + i)) + 1 : size - i;
			send_all(fd, data + i, n);
			sched_yield();
			i += n;
		}
	} else {
		send_all(fd, data, size);
	}
	size_t len = 0;
	if (!read_answers(fd, answer, sizeof answer, &len))
		FAIL("the server neither answered nor waited for more within 5 s");
	if (mode == '~') {
		/* The deadline passes: a request still arriving is answered 408. */
		pthread_mutex_lock(&srv->lock);
		reap(srv, progress_now() + srv->lim.deadline_s + 1);
		pthread_mutex_unlock(&srv->lock);
		if (!read_answers(fd, answer, sizeof answer, &len))
			FAIL("the server neither answered nor waited for more within 5 s");
	}
	close(fd);
	check_answers(answer, len);
	wait_idle();
	return 0;
}
