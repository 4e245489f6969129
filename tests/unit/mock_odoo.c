/* mock_odoo.c: an Odoo on loopback for the unit tests: HTTP as Odoo 18's werkzeug speaks it, answers scripted by each test. */
#undef NDEBUG
#include "autoconfig.h"

#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mock_odoo.h"
#include "util.h"

/* The largest request a test sends (a page of writes in test_crud). */
#define MAX_REQUEST (4u << 20)

struct mock_odoo {
	int              lfd, port, stop[2];
	pthread_t        th;
	mock_fn          fn;
	void            *ud;
	bool             keepalive;
	char            *req;          /* MAX_REQUEST + 1 bytes, the request being read */
	pthread_mutex_t  lock;         /* over seen */
	struct mock_seen seen;
};

/* ------------------------------------------------------------ captures */

void
mock_fixture_path(char *out, size_t cap, const char *rel)
{
	const char *top = getenv("top_srcdir");

	if (top && *top) {
		snprintf(out, cap, "%s/tests/fixtures/odoo-captures/%s", top, rel);
	} else {
		/* Run by hand: find the fixtures next to this source file. */
		const char *slash = strrchr(__FILE__, '/');
		int dirlen = slash ? (int)(slash - __FILE__) : 1;
		snprintf(out, cap, "%.*s/../fixtures/odoo-captures/%s",
		         dirlen, slash ? __FILE__ : ".", rel);
	}
}

void
mock_capture_path(char *out, size_t cap, const char *name)
{
	char rel[512];

	snprintf(rel, sizeof rel, "raw/%s", name);
	mock_fixture_path(out, cap, rel);
}

char *
mock_capture(const char *name, size_t *len)
{
	char rel[512];

	snprintf(rel, sizeof rel, "raw/%s", name);
	return mock_fixture(rel, len);
}

char *
mock_fixture(const char *rel, size_t *len)
{
	char path[1024];
	FILE *f;
	char *data;
	long n;

	mock_fixture_path(path, sizeof path, rel);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s: %s", path, strerror(errno));
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert_geq(n, 0);
	rewind(f);
	data = xmalloc((size_t)n + 1);
	cr_assert_eq(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return data;
}

void
mock_reply_capture(struct mock_answer *a, const char *name)
{
	a->act = MOCK_REPLY;
	a->body = mock_capture(name, &a->len);
}

void
mock_reply_text(struct mock_answer *a, const char *text)
{
	a->act = MOCK_REPLY;
	a->body = xstrdup(text);
	a->len = strlen(text);
}

/* -------------------------------------------------------------- HTTP */

static void
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Waits until fd can be read; false when the mock is being stopped. */
static bool
wait_readable(struct mock_odoo *m, int fd)
{
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { m->stop[0], POLLIN, 0 } };

	while (poll(p, 2, -1) < 0)
		cr_assert_eq(errno, EINTR, "poll: %s", strerror(errno));
	return p[1].revents == 0;
}

/*
 * Reads one request (head and Content-Length bytes of body) into m->req.
 * Returns its length with the head's in *head_len, or 0 when the client
 * went away or the mock is being stopped.
 */
static size_t
read_request(struct mock_odoo *m, int fd, size_t *head_len)
{
	char *req = m->req;
	size_t got = 0, need = 0;

	for (;;) {
		char *end;
		ssize_t r;

		if (!wait_readable(m, fd))
			return 0;
		r = read(fd, req + got, MAX_REQUEST - got);
		if (r <= 0)
			return 0;
		got += (size_t)r;
		req[got] = '\0';
		if (need == 0 && (end = strstr(req, "\r\n\r\n")) != NULL) {
			const char *cl = strcasestr(req, "\r\nContent-Length:");
			char num[32];
			size_t k;
			int64_t v = 0;

			const char *te = strcasestr(req, "\r\nTransfer-Encoding:");

			*head_len = (size_t)(end + 4 - req);
			cr_assert(te == NULL || te > end, "a chunked request:\n%s", req);
			/* No Content-Length: a request without a body (GET /json/version). */
			if (cl != NULL && cl < end) {
				cl += 17;
				k = strspn(cl, " ");
				snprintf(num, sizeof num, "%.*s", (int)strspn(cl + k, "0123456789"), cl + k);
				cr_assert(parse_int64(num, 0, MAX_REQUEST, &v), "Content-Length \"%s\"", num);
			}
			need = *head_len + (size_t)v;
		}
		if (need && got >= need)
			return got;
		cr_assert_lt(got, MAX_REQUEST, "request too big for the mock Odoo");
	}
}

/* The value of header name in the head (head_len bytes), trimmed, into out. */
static bool
header_value(const char *head, size_t head_len, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);
	const char *p = head, *end = head + head_len;

	out[0] = '\0';
	/* The first line is the request line; headers follow each CRLF. */
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		const char *v, *e;

		p++;
		if ((size_t)(end - p) <= n || strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		v = p + n + 1;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		e = v;
		while (e < end && *e != '\r' && *e != '\n')
			e++;
		while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		snprintf(out, cap, "%.*s", (int)(e - v), v);
		return true;
	}
	return false;
}

bool
mock_header(const struct mock_request *rq, const char *name, char *out, size_t cap)
{
	return header_value(rq->head, rq->head_len, name, out, cap);
}

/*
 * Counts the request in m->seen, puts its <methodName> in method and its
 * number in *n; returns whether it has a Host header.
 */
static bool
note_request(struct mock_odoo *m, size_t head_len, char *method, size_t mcap, int *n)
{
	const char *req = m->req, *sp = strchr(req, ' '), *mn;
	const char *ct = strcasestr(req, "\r\nContent-Type:"), *host = strcasestr(req, "\r\nHost:");
	struct mock_seen *s = &m->seen;
	bool has_host = host != NULL && host < req + head_len;

	mn = strstr(req + head_len, "<methodName>");
	method[0] = '\0';
	if (mn)
		snprintf(method, mcap, "%.*s", (int)strcspn(mn + 12, "<"), mn + 12);
	pthread_mutex_lock(&m->lock);
	s->requests++;
	if (!has_host)
		s->without_host++;
	if (sp)
		snprintf(s->path, sizeof s->path, "%.*s", (int)strcspn(sp + 1, " "), sp + 1);
	if (ct)
		snprintf(s->ctype, sizeof s->ctype, "%.*s", (int)strcspn(ct + 15, "\r"), ct + 15);
	snprintf(s->method, sizeof s->method, "%s", method);
	if (strcmp(method, "authenticate") == 0)
		s->authenticate++;
	else if (strcmp(method, "execute_kw") == 0)
		s->execute_kw++;
	else if (strcmp(method, "version") == 0)
		s->version++;
	*n = s->requests;
	pthread_mutex_unlock(&m->lock);
	return has_host;
}

/* Answers the request in m->req; returns whether the connection stays open. */
static bool
answer(struct mock_odoo *m, int fd, size_t len, size_t head_len)
{
	struct mock_answer a = { MOCK_DROP, NULL, 0 };
	struct mock_request rq;
	char head[256], method[64];
	bool open_ = false;

	/* As Odoo: no Host header is a 500 from werkzeug, whatever the script says. */
	if (!note_request(m, head_len, method, sizeof method, &rq.n)) {
		a.act = MOCK_RAW;
		a.body = mock_capture("http__no_host_header.response.txt", &a.len);
	} else {
		rq.body = m->req + head_len;
		rq.body_len = len - head_len;
		rq.method = method;
		rq.head = m->req;
		rq.head_len = head_len;
		m->fn(m->ud, &rq, &a);
	}
	switch (a.act) {
	case MOCK_HANG:
		/* until the client gives up (or the test ends): its timeout is what is tested */
		(void)wait_readable(m, fd);
		break;
	case MOCK_DROP:
		break;
	case MOCK_RAW:
		write_all(fd, a.body, a.len);
		break;
	case MOCK_REPLY:
	case MOCK_REPLY_NOLEN:
		/* The headers Odoo 18 sends (raw/http__unknown_service.response.txt). */
		if (a.act == MOCK_REPLY_NOLEN)
			snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nServer: Werkzeug/2.2.2 Python/3.11.2\r\n"
			         "Content-Type: text/xml; charset=utf-8\r\nConnection: close\r\n\r\n");
		else
			snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nServer: Werkzeug/2.2.2 Python/3.11.2\r\n"
			         "Content-Type: text/xml; charset=utf-8\r\nContent-Length: %zu\r\n%s\r\n",
			         a.len, m->keepalive ? "" : "Connection: close\r\n");
		write_all(fd, head, strlen(head));
		write_all(fd, a.body, a.len);
		open_ = m->keepalive && a.act == MOCK_REPLY;
		break;
	}
	free(a.body);
	return open_;
}

static void *
serve(void *arg)
{
	struct mock_odoo *m = arg;

	for (;;) {
		size_t head_len = 0, len;
		int fd;
		bool open_;

		if (!wait_readable(m, m->lfd))
			break;
		fd = accept(m->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		pthread_mutex_lock(&m->lock);
		m->seen.connections++;
		pthread_mutex_unlock(&m->lock);
		do {
			len = read_request(m, fd, &head_len);
			open_ = len > 0 && answer(m, fd, len, head_len);
		} while (open_);
		close(fd);
	}
	return NULL;
}

/* ------------------------------------------------------------- the API */

struct mock_odoo *
mock_odoo_start(mock_fn fn, void *ud, bool keepalive)
{
	struct mock_odoo *m = xcalloc(1, sizeof *m);
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	int one = 1;

	m->fn = fn;
	m->ud = ud;
	m->keepalive = keepalive;
	m->req = xmalloc(MAX_REQUEST + 1);
	pthread_mutex_init(&m->lock, NULL);
	m->lfd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(m->lfd, 0);
	setsockopt(m->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(m->lfd, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(listen(m->lfd, 8), 0);
	cr_assert_eq(getsockname(m->lfd, (struct sockaddr *)&a, &alen), 0);
	m->port = ntohs(a.sin_port);
	cr_assert_eq(pipe(m->stop), 0);
	cr_assert_eq(pthread_create(&m->th, NULL, serve, m), 0);
	return m;
}

int
mock_odoo_port(const struct mock_odoo *m)
{
	return m->port;
}

void
mock_odoo_seen(struct mock_odoo *m, struct mock_seen *seen)
{
	pthread_mutex_lock(&m->lock);
	*seen = m->seen;
	pthread_mutex_unlock(&m->lock);
}

void
mock_odoo_stop(struct mock_odoo *m, struct mock_seen *seen)
{
	if (m == NULL)
		return;
	write_all(m->stop[1], "x", 1);
	pthread_join(m->th, NULL);
	if (seen != NULL)
		*seen = m->seen;
	close(m->lfd);
	close(m->stop[0]);
	close(m->stop[1]);
	pthread_mutex_destroy(&m->lock);
	free(m->req);
	free(m);
}
