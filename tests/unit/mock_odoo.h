/* mock_odoo.h: an Odoo on loopback for the unit tests: HTTP as Odoo 18's werkzeug speaks it, answers scripted by each test. */
#ifndef OB_MOCK_ODOO_H
#define OB_MOCK_ODOO_H

#include <stdbool.h>
#include <stddef.h>

/* What the mock does with one request. */
enum mock_act {
	MOCK_REPLY,        /* 200 with the body and Content-Length, "Connection: close" as Odoo */
	MOCK_REPLY_NOLEN,  /* 200 with the body, no Content-Length: closing ends it */
	MOCK_RAW,          /* the body is the whole HTTP answer (a raw/http__*.txt capture) */
	MOCK_HANG,         /* never answer: wait until the client goes away */
	MOCK_DROP,         /* close without a byte */
};

/* One request as the mock read it; valid during the callback only. */
struct mock_request {
	int         n;           /* 1 for the first request this mock read */
	const char *body;        /* the XML-RPC call, NUL-terminated */
	size_t      body_len;
	const char *method;      /* its <methodName>, "" when it has none */
	const char *head;        /* request line and headers, up to the blank line (not NUL-terminated) */
	size_t      head_len;
};

/* A test's answer to one request. */
struct mock_answer {
	enum mock_act act;
	char         *body;      /* malloc'd (the mock frees it); for MOCK_REPLY* and MOCK_RAW */
	size_t        len;
};

/*
 * The test's script: called on the mock's thread for every request that
 * reaches it (one without a Host header gets werkzeug's 500 instead, as
 * raw/http__no_host_header shows), in order, one at a time.  *a starts as
 * MOCK_DROP with no body.
 */
typedef void (*mock_fn)(void *ud, const struct mock_request *rq, struct mock_answer *a);

/* What the mock saw so far. */
struct mock_seen {
	int  connections;
	int  requests;
	int  without_host;
	int  authenticate, execute_kw, version;   /* requests by methodName */
	char path[256], ctype[128], method[64];   /* of the last request */
};

struct mock_odoo;

/*
 * Listens on 127.0.0.1 (a free port) and serves on a thread of its own
 * until mock_odoo_stop().  With keepalive, a MOCK_REPLY leaves the
 * connection open (as a proxy in front of Odoo may) instead of closing it
 * as Odoo does.  Fails the test when it cannot start.
 */
struct mock_odoo *mock_odoo_start(mock_fn fn, void *ud, bool keepalive);

/* The port it listens on. */
int mock_odoo_port(const struct mock_odoo *m);

/* Copies what it saw so far into *seen (safe while it serves). */
void mock_odoo_seen(struct mock_odoo *m, struct mock_seen *seen);

/*
 * Stops serving (a hanging answer ends too), joins the thread and frees
 * m; *seen (when not NULL) receives the final counts.  Accepts NULL.
 */
void mock_odoo_stop(struct mock_odoo *m, struct mock_seen *seen);

/*
 * Where a capture of tests/fixtures/odoo-captures/raw is (through
 * $top_srcdir, which make check exports, else next to this source file).
 */
void mock_capture_path(char *out, size_t cap, const char *name);

/* Reads a capture (NUL-terminated; *len its size).  Fails the test if missing.  Caller frees. */
char *mock_capture(const char *name, size_t *len);

/* The same for any file under tests/fixtures/odoo-captures (rel, e.g. "odoo19/json2/x.meta.json"); len may be NULL. */
void mock_fixture_path(char *out, size_t cap, const char *rel);
char *mock_fixture(const char *rel, size_t *len);

/*
 * Copies the value of the request's header name (case-insensitive, white
 * space around it trimmed) into out; false (out "") when it has none.
 */
bool mock_header(const struct mock_request *rq, const char *name, char *out, size_t cap);

/* Sets a to a MOCK_REPLY of the capture name. */
void mock_reply_capture(struct mock_answer *a, const char *name);

/* Sets a to a MOCK_REPLY of a copy of text. */
void mock_reply_text(struct mock_answer *a, const char *text);

#endif
