/*
 * test_json2.c: unit tests for the JSON-2 backend (json2.c) and odoo.c's
 * choice of it, against the Odoo 19 wire captures
 * (tests/fixtures/odoo-captures/odoo19/json2, README.txt there): every
 * captured answer is replayed byte for byte (status line, headers in wire
 * order, body) by the mock Odoo, and what the client wrote is checked
 * against the captured requests.
 */
#undef NDEBUG
#include "autoconfig.h"

#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_odoo.h"
#include "odoo.h"
#include "util.h"

/* The service account's API key, a user's API key, the service's password (all made up). */
#define KEY       "0123456789abcdef0123456789abcdef01234567"
#define USER_KEY  "fedcba9876543210fedcba9876543210fedcba98"
#define PASSWORD  "s3cret-pass"
#define DB        "odoo19"

/* ------------------------------------------------------------ captures */

/* Where json2/<file> is (mock_odoo.c finds the captures). */
static void
j2_path(char *out, size_t cap, const char *file)
{
	char rel[512];

	snprintf(rel, sizeof rel, "odoo19/json2/%s", file);
	mock_fixture_path(out, cap, rel);
}

/* json2/<name><suffix>, NUL-terminated; fails the test when missing. */
static char *
j2_file(const char *name, const char *suffix, size_t *len)
{
	char rel[512];

	snprintf(rel, sizeof rel, "odoo19/json2/%s%s", name, suffix);
	return mock_fixture(rel, len);
}

/* json2/<name><suffix> parsed; NULL when it is empty or not JSON. */
static json_object *
j2_json(const char *name, const char *suffix)
{
	char *text = j2_file(name, suffix, NULL);
	json_object *j = json_tokener_parse(text);

	free(text);
	return j;
}

static json_object *
meta(const char *name)
{
	json_object *m = j2_json(name, ".meta.json");

	cr_assert_not_null(m, "%s.meta.json is not JSON", name);
	return m;
}

static const char *
str_at(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
	       ? json_object_get_string(v) : NULL;
}

/*
 * The captured answer of name as raw HTTP: the status line and the headers
 * as the meta file has them, in wire order, then the body as saved.  The
 * saved body may be shorter than the Content-Length sent (README.txt,
 * SANITIZING): that header is given the saved body's length.
 */
static char *
raw_answer(const char *name, size_t *len)
{
	json_object *m = meta(name), *hs;
	size_t blen, i;
	char *body = j2_file(name, ".response.json", &blen), *out = NULL;
	FILE *f = open_memstream(&out, len);

	cr_assert_not_null(f);
	cr_assert_not_null(str_at(m, "response_status_line"), "%s: no status line", name);
	fprintf(f, "%s\r\n", str_at(m, "response_status_line"));
	cr_assert(json_object_object_get_ex(m, "response_headers", &hs) && json_object_is_type(hs, json_type_array));
	for (i = 0; i < json_object_array_length(hs); i++) {
		json_object *h = json_object_array_get_idx(hs, i);
		const char *k = json_object_get_string(json_object_array_get_idx(h, 0));
		const char *v = json_object_get_string(json_object_array_get_idx(h, 1));

		if (strcasecmp(k, "Content-Length") == 0)
			fprintf(f, "%s: %zu\r\n", k, blen);
		else
			fprintf(f, "%s: %s\r\n", k, v);
	}
	fprintf(f, "\r\n");
	fwrite(body, 1, blen, f);
	fclose(f);
	free(body);
	json_object_put(m);
	return out;
}

/* --------------------------------------------- a scripted Odoo 19 */

enum kind {
	K_CAPTURE,   /* json2/<arg>: the captured answer, as sent */
	K_JSON,      /* 200 application/json with arg as the body, headers as Odoo 19's */
	K_XML,       /* 200 text/xml with raw/<arg> (an XML-RPC capture) */
	K_RAW,       /* arg is the whole answer */
};

struct step {
	enum kind   kind;
	const char *arg;
};

/* What one request carried, as the mock read it. */
struct seen_req {
	char  line[320], verb[16], path[256], auth[192], db[128], ctype[128];
	bool  has_auth, has_length;
	char *body;
};

#define MAX_REQ 16

struct srv {
	struct mock_odoo *m;
	int port;
	const struct step *script;
	size_t nsteps;
	pthread_mutex_t lock;
	int n;                        /* requests seen */
	struct seen_req req[MAX_REQ];
};

static void
scripted(void *ud, const struct mock_request *rq, struct mock_answer *a)
{
	struct srv *s = ud;
	struct seen_req *r;
	size_t i = (size_t)rq->n - 1, n;
	char *text, length[32];

	pthread_mutex_lock(&s->lock);
	s->n = rq->n;
	if (i < MAX_REQ) {
		r = &s->req[i];
		n = strcspn(rq->head, "\r\n");
		snprintf(r->line, sizeof r->line, "%.*s", (int)n, rq->head);
		snprintf(r->verb, sizeof r->verb, "%.*s", (int)strcspn(rq->head, " "), rq->head);
		n = strcspn(rq->head + strlen(r->verb) + 1, " ");
		snprintf(r->path, sizeof r->path, "%.*s", (int)n, rq->head + strlen(r->verb) + 1);
		r->has_auth = mock_header(rq, "Authorization", r->auth, sizeof r->auth);
		mock_header(rq, "X-Odoo-Database", r->db, sizeof r->db);
		mock_header(rq, "Content-Type", r->ctype, sizeof r->ctype);
		r->has_length = mock_header(rq, "Content-Length", length, sizeof length);
		r->body = xstrndup(rq->body, rq->body_len);
	}
	pthread_mutex_unlock(&s->lock);
	if (i >= s->nsteps) {
		a->act = MOCK_DROP;   /* a request the script did not expect: the test counts them */
		return;
	}
	switch (s->script[i].kind) {
	case K_CAPTURE:
		a->act = MOCK_RAW;
		a->body = raw_answer(s->script[i].arg, &a->len);
		break;
	case K_JSON:
		text = xasprintf("HTTP/1.1 200 OK\r\nServer: Werkzeug/2.2.2 Python/3.11.2\r\n"
		                 "Content-Length: %zu\r\nContent-Type: application/json; charset=utf-8\r\n"
		                 "X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n%s",
		                 strlen(s->script[i].arg), s->script[i].arg);
		a->act = MOCK_RAW;
		a->body = text;
		a->len = strlen(text);
		break;
	case K_XML:
		mock_reply_capture(a, s->script[i].arg);
		break;
	case K_RAW:
		a->act = MOCK_RAW;
		a->body = xstrdup(s->script[i].arg);
		a->len = strlen(a->body);
		break;
	}
}

static void
srv_start(struct srv *s, const struct step *script, size_t n)
{
	memset(s, 0, sizeof *s);
	pthread_mutex_init(&s->lock, NULL);
	s->script = script;
	s->nsteps = n;
	s->m = mock_odoo_start(scripted, s, false);
	s->port = mock_odoo_port(s->m);
}

/* Requests seen so far (the mock records a request before it answers it). */
static int
srv_count(struct srv *s)
{
	int n;

	pthread_mutex_lock(&s->lock);
	n = s->n;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* Stops the mock (joining its thread: what it recorded is the test's now). */
static void
srv_stop(struct srv *s)
{
	mock_odoo_stop(s->m, NULL);
	s->m = NULL;
}

static void
srv_free(struct srv *s)
{
	int i;

	for (i = 0; i < MAX_REQ; i++)
		free(s->req[i].body);
	pthread_mutex_destroy(&s->lock);
}

static struct odoo *
client(int port, enum odoo_protocol proto, const char *password, const char *api_key)
{
	char url[128];
	struct odoo_config cfg = {
		.url = url, .db = DB, .username = "admin", .password = password, .api_key = api_key,
		.protocol = proto, .timeout_ms = 5000, .max_response = 8u << 20,
	};
	struct odoo *o;

	snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
	o = odoo_new(&cfg);
	cr_assert_not_null(o);
	return o;
}

/* The service account's login over JSON-2: context_get's uid, then that uid's login. */
#define CONTEXT_GET  { K_CAPTURE, "empty_body_context_get" }
#define LOGIN_ADMIN  { K_JSON, "[{\"id\": 2, \"login\": \"admin\"}]" }

static json_object *
parse(const char *text)
{
	json_object *j = json_tokener_parse(text);

	cr_assert_not_null(j, "not JSON: %s", text);
	return j;
}

/* Whether the body a request carried is, as JSON, want. */
static void
assert_body(const struct seen_req *r, json_object *want, const char *what)
{
	json_object *got = json_tokener_parse(r->body);

	cr_assert_not_null(got, "%s: the body is not JSON: %s", what, r->body);
	cr_assert(json_object_is_type(got, json_type_object), "%s: the body is no object: %s", what, r->body);
	cr_assert(json_object_equal(got, want), "%s: sent %s, want %s", what, r->body,
	          json_object_to_json_string(want));
	json_object_put(got);
}

/* ------------------------------------------------- 1. the error table */

/*
 * The class of a captured error answer, from what the capture says (its
 * status and exception name), by the rules of odoo.h: 401 a refused
 * credential; 403 AccessError; 404 MissingError, a route werkzeug does not
 * know, or Odoo's HTML page for a database it does not serve; 422 Odoo's
 * exceptions for people, werkzeug's for the bridge's mistakes; 400/415
 * our request was wrong; 500 a server error.  A capture of another shape
 * fails the test: the table must then be thought about again.
 */
static enum odoo_err
expected_class(const char *capture, long status, const char *name, bool html, bool service)
{
	switch (status) {
	case 401:
		return service ? ODOO_E_LOGIN : ODOO_E_CREDENTIAL;
	case 403:
		return ODOO_E_ACCESS;
	case 404:
		if (name == NULL && html)
			return ODOO_E_LOGIN;
		if (name != NULL && strcmp(name, "odoo.exceptions.MissingError") == 0)
			return ODOO_E_MISSING;
		if (name != NULL && strcmp(name, "werkzeug.exceptions.NotFound") == 0)
			return ODOO_E_BAD_RESPONSE;
		break;
	case 422:
		if (name != NULL && strncmp(name, "odoo.exceptions.", 16) == 0)
			return ODOO_E_USER;
		if (name != NULL && strcmp(name, "werkzeug.exceptions.UnprocessableEntity") == 0)
			return ODOO_E_SERVER;
		break;
	case 400:
	case 415:
		return ODOO_E_BAD_RESPONSE;
	case 500:
		return ODOO_E_SERVER;
	}
	cr_assert_fail("%s: no rule for status %ld, name %s", capture, status, name ? name : "(none)");
	return ODOO_OK;
}

/* The status odoo.h's ERRORS table gives each class (DESIGN.md section 3). */
static int
expected_status(enum odoo_err e)
{
	switch (e) {
	case ODOO_E_LOGIN:        return 503;
	case ODOO_E_ACCESS:       return 403;
	case ODOO_E_MISSING:      return 404;
	case ODOO_E_USER:         return 422;
	case ODOO_E_SERVER:       return 502;
	case ODOO_E_BAD_RESPONSE: return 502;
	case ODOO_E_CREDENTIAL:   return 401;
	default:                  return -1;
	}
}

/* Odoo's message as a client sees it: without the white space around it. */
static void
trimmed(char *out, size_t cap, const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
		n--;
	snprintf(out, cap, "%.*s", (int)n, s);
}

/*
 * The call a capture made: model and method from its path (res.partner
 * search_read where the path has none), and its body as keyword args
 * ("ids" included: an empty args binds nothing), so that the client
 * writes the captured body again.
 */
static void
capture_call(const char *name, json_object *m, char *model, size_t mcap, char *method, size_t hcap,
             json_object **kwargs)
{
	const char *path = str_at(m, "path"), *p;
	json_object *body = j2_json(name, ".request.json");

	snprintf(model, mcap, "res.partner");
	snprintf(method, hcap, "search_read");
	if (path != NULL && strncmp(path, "/json/2/", 8) == 0 && (p = strchr(path + 8, '/')) != NULL) {
		snprintf(model, mcap, "%.*s", (int)(p - (path + 8)), path + 8);
		snprintf(method, hcap, "%s", p + 1);
	}
	if (body != NULL && !json_object_is_type(body, json_type_object)) {
		json_object_put(body);
		body = NULL;
	}
	*kwargs = body;
}

struct replay {
	enum odoo_err rc;
	struct odoo_error err;
	int requests;
	struct seen_req last;   /* the call's request (the last one), without its body */
};

/* One odoo_call replaying capture name: as the service account, or as a user with an API key. */
static void
replay_error(const char *name, json_object *m, bool service, bool twice, struct replay *r)
{
	const struct step svc1[] = { CONTEXT_GET, LOGIN_ADMIN, { K_CAPTURE, name } };
	const struct step svc2[] = { CONTEXT_GET, LOGIN_ADMIN, { K_CAPTURE, name },
	                             CONTEXT_GET, LOGIN_ADMIN, { K_CAPTURE, name } };
	const struct step usr[] = { { K_CAPTURE, name } };
	const struct odoo_cred as = { .uid = 5, .secret = USER_KEY, .api_key = true };
	char model[128], method[128];
	json_object *args = parse("[]"), *kwargs = NULL, *out = NULL;
	struct srv s;
	struct odoo *o;

	capture_call(name, m, model, sizeof model, method, sizeof method, &kwargs);
	if (!service)
		srv_start(&s, usr, ARRAY_SIZE(usr));
	else if (twice)
		srv_start(&s, svc2, ARRAY_SIZE(svc2));
	else
		srv_start(&s, svc1, ARRAY_SIZE(svc1));
	o = client(s.port, ODOO_PROTO_JSON2, PASSWORD, KEY);
	r->rc = odoo_call(o, service ? NULL : &as, model, method, args, kwargs, true, &out, &r->err);
	cr_assert_null(out, "%s: a result with an error", name);
	odoo_free(o);
	srv_stop(&s);
	r->requests = s.n;
	cr_assert_geq(s.n, 1, "%s: nothing sent", name);
	cr_assert_leq(s.n, MAX_REQ);
	r->last = s.req[s.n - 1];
	r->last.body = NULL;
	/* The client wrote the captured body again (where it was a JSON object). */
	if (kwargs != NULL)
		assert_body(&s.req[s.n - 1], kwargs, name);
	cr_assert_str_eq(s.req[s.n - 1].verb, "POST", "%s", name);
	cr_assert_str_eq(s.req[s.n - 1].path, str_at(m, "path") && strchr(str_at(m, "path") + 8, '/')
	                 ? str_at(m, "path") : "/json/2/res.partner/search_read", "%s: path", name);
	srv_free(&s);
	json_object_put(args);
	json_object_put(kwargs);
}

static void
check_error(const char *name, json_object *m, const struct replay *r, bool service)
{
	json_object *summary = NULL, *resp;
	const char *ename = NULL, *ctype = NULL, *emsg = NULL;
	long status;
	bool html;
	enum odoo_err want;
	size_t i;
	json_object *hs;

	status = json_object_get_int64(json_object_object_get(m, "response_status"));
	if (json_object_object_get_ex(m, "summary", &summary))
		ename = str_at(summary, "error_name");
	json_object_object_get_ex(m, "response_headers", &hs);
	for (i = 0; i < json_object_array_length(hs); i++) {
		json_object *h = json_object_array_get_idx(hs, i);

		if (strcasecmp(json_object_get_string(json_object_array_get_idx(h, 0)), "Content-Type") == 0)
			ctype = json_object_get_string(json_object_array_get_idx(h, 1));
	}
	html = ctype != NULL && strncmp(ctype, "text/html", 9) == 0;
	want = expected_class(name, status, ename, html, service);
	cr_assert_eq(r->rc, want, "%s (%s, %ld %s): got %s (%s), want %s", name, service ? "service" : "user",
	             status, ename ? ename : "html", odoo_strerror(r->rc), r->err.message, odoo_strerror(want));
	cr_assert_eq(r->err.code, r->rc, "%s", name);
	cr_assert_eq(odoo_http_status(r->rc), expected_status(want), "%s: status %d", name, odoo_http_status(r->rc));
	cr_assert_eq(r->err.fault_code, status, "%s: fault_code %d", name, r->err.fault_code);
	cr_assert_str_eq(r->err.name, ename ? ename : "", "%s: name", name);
	/* Odoo's message, for people, is passed on whole; the rest is for the log. */
	resp = j2_json(name, ".response.json");
	if (ename != NULL) {
		cr_assert_not_null(resp, "%s: a named error without a JSON body", name);
		emsg = str_at(resp, "message");
		cr_assert_not_null(emsg, "%s: no message", name);
		cr_assert_str_eq(emsg, str_at(summary, "error_message"), "%s: meta and body disagree", name);
	}
	if (want == ODOO_E_USER || want == ODOO_E_ACCESS || want == ODOO_E_MISSING) {
		char t[1024];

		trimmed(t, sizeof t, emsg);
		cr_assert_str_eq(r->err.message, t, "%s: message", name);
	} else if (ename != NULL) {
		/* "<name>: <last line>" for the log. */
		cr_assert(strncmp(r->err.message, ename, strlen(ename)) == 0, "%s: log message %s", name, r->err.message);
		cr_assert_null(strchr(r->err.message, '\n'), "%s: more than one line: %s", name, r->err.message);
	}
	cr_assert_null(strstr(r->err.message, "Traceback"), "%s: traceback in %s", name, r->err.message);
	cr_assert_null(strstr(r->err.message, "/opt/odoo"), "%s: source path in %s", name, r->err.message);
	cr_assert_null(strstr(r->err.message, KEY), "%s: the service key in the message", name);
	cr_assert_null(strstr(r->err.message, USER_KEY), "%s: the user's key in the message", name);
	cr_assert_null(strstr(r->err.message, PASSWORD), "%s: the password in the message", name);
	json_object_put(resp);
}

Test(errors, every_captured_error_classified)
{
	char dirpath[1024];
	DIR *d;
	struct dirent *e;
	int seen = 0, statuses[600] = { 0 };
	static const int must[] = { 400, 401, 403, 404, 415, 422, 500 };
	size_t i;

	j2_path(dirpath, sizeof dirpath, "");
	d = opendir(dirpath);
	cr_assert_not_null(d, "cannot list %s", dirpath);
	while ((e = readdir(d)) != NULL) {
		const char *suffix = ".meta.json";
		size_t n = strlen(e->d_name), k = strlen(suffix);
		char name[256];
		json_object *m;
		long status;
		struct replay r;

		if (n <= k || strcmp(e->d_name + n - k, suffix) != 0)
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(n - k), e->d_name);
		m = meta(name);
		status = json_object_get_int64(json_object_object_get(m, "response_status"));
		if (status == 200) {
			json_object_put(m);
			continue;
		}
		cr_assert(status > 0 && status < 600, "%s: status %ld", name, status);
		statuses[status]++;
		seen++;

		/* As a user with an API key: one request, a refused key is the user's. */
		replay_error(name, m, false, false, &r);
		check_error(name, m, &r, false);
		cr_assert_eq(r.requests, 1, "%s: user call made %d requests", name, r.requests);
		cr_assert_str_eq(r.last.auth, "bearer " USER_KEY, "%s: Authorization %s", name, r.last.auth);

		/* As the service account: log in, call; a 401 means one new login and one retry. */
		replay_error(name, m, true, status == 401, &r);
		check_error(name, m, &r, true);
		cr_assert_eq(r.requests, status == 401 ? 6 : 3, "%s: service call made %d requests", name, r.requests);
		cr_assert_str_eq(r.last.auth, "bearer " KEY, "%s: Authorization %s", name, r.last.auth);
		json_object_put(m);
	}
	closedir(d);
	cr_assert_geq(seen, 1, "no error capture in %s", dirpath);
	for (i = 0; i < ARRAY_SIZE(must); i++)
		cr_assert_gt(statuses[must[i]], 0, "no capture of status %d", must[i]);
}

/*
 * A refused service key, then a new login that works: the call is made
 * again and succeeds (odoo.c's one re-login), each time with the key.
 */
Test(errors, service_key_refused_once_then_accepted)
{
	static const struct step script[] = {
		CONTEXT_GET, LOGIN_ADMIN, { K_CAPTURE, "err_wrong_api_key" },
		CONTEXT_GET, LOGIN_ADMIN, { K_CAPTURE, "search_read_res_partner" },
	};
	struct srv s;
	struct odoo *o;
	struct odoo_error err;
	json_object *args = parse("[[]]"), *out = NULL;
	int i;

	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_JSON2, PASSWORD, KEY);
	cr_assert_eq(odoo_call(o, NULL, "res.partner", "search_read", args, NULL, false, &out, &err), ODOO_OK,
	             "%s", err.message);
	cr_assert(json_object_is_type(out, json_type_array));
	json_object_put(out);
	json_object_put(args);
	odoo_free(o);
	srv_stop(&s);
	cr_assert_eq(s.n, 6);
	for (i = 0; i < s.n; i++)
		cr_assert_str_eq(s.req[i].auth, "bearer " KEY, "request %d: %s", i + 1, s.req[i].auth);
	cr_assert_str_eq(s.req[3].path, "/json/2/res.users/context_get");
	srv_free(&s);
}

/* ------------------------------------------ 2 and 3. calls and answers */

/*
 * One call as the service account (login first) against capture name;
 * *out the result.  The request the call wrote is checked: its path, its
 * headers, and its body against want_body (the captured request).
 */
static enum odoo_err
call_capture(const char *name, const char *model, const char *method, const char *args_json,
             const char *kwargs_json, json_object *want_body, json_object **out, struct odoo_error *err)
{
	const struct step script[] = { CONTEXT_GET, LOGIN_ADMIN, { K_CAPTURE, name } };
	json_object *args = parse(args_json), *kwargs = kwargs_json ? parse(kwargs_json) : NULL;
	char line[320];
	struct srv s;
	struct odoo *o;
	enum odoo_err rc;
	const struct seen_req *r;
	int i;

	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_JSON2, PASSWORD, KEY);
	rc = odoo_call(o, NULL, model, method, args, kwargs, true, out, err);
	odoo_free(o);
	srv_stop(&s);
	json_object_put(args);
	json_object_put(kwargs);
	cr_assert_eq(s.n, 3, "%s: %d requests", name, s.n);
	r = &s.req[2];
	snprintf(line, sizeof line, "POST /json/2/%s/%s HTTP/1.1", model, method);
	cr_assert_str_eq(r->line, line, "%s: request line", name);
	cr_assert(strncmp(r->ctype, "application/json", 16) == 0 &&
	          (r->ctype[16] == '\0' || r->ctype[16] == ';'), "%s: Content-Type %s", name, r->ctype);
	cr_assert_str_eq(r->db, DB, "%s: X-Odoo-Database", name);
	cr_assert(r->has_length, "%s: no Content-Length", name);
	for (i = 0; i < s.n; i++) {
		cr_assert_str_eq(s.req[i].auth, "bearer " KEY, "%s: request %d: Authorization %s", name, i + 1,
		                 s.req[i].auth);
		cr_assert_str_eq(s.req[i].db, DB);
	}
	if (want_body != NULL)
		assert_body(r, want_body, name);
	srv_free(&s);
	return rc;
}

/*
 * Replays capture name with the positional args and keyword args that
 * make its request body, checks the body the client wrote is the
 * captured one, and that the result is the captured answer.
 */
static void
replay_ok(const char *name, const char *model, const char *method, const char *args_json,
          const char *kwargs_json)
{
	json_object *req = j2_json(name, ".request.json"), *resp = j2_json(name, ".response.json"), *out = NULL;
	struct odoo_error err;

	cr_assert_not_null(req, "%s: no request body", name);
	cr_assert_eq(call_capture(name, model, method, args_json, kwargs_json, req, &out, &err), ODOO_OK,
	             "%s: %s", name, err.message);
	cr_assert_not_null(resp);
	cr_assert(json_object_equal(out, resp), "%s: got %s", name, json_object_to_json_string(out));
	json_object_put(out);
	json_object_put(req);
	json_object_put(resp);
}

/* The captured request body's member key, as JSON text (for the positional args). */
static char *
member(const char *name, const char *key)
{
	json_object *req = j2_json(name, ".request.json"), *v;
	char *text;

	cr_assert(json_object_object_get_ex(req, key, &v), "%s: no %s", name, key);
	text = xstrdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	json_object_put(req);
	return text;
}

/* search_read(domain, fields=, limit=, order=): one object {"domain", "fields", "limit", "order"}. */
Test(calls, search_read_binds_domain)
{
	char *domain = member("search_read_res_partner", "domain"), *fields = member("search_read_res_partner", "fields");
	char *args = xasprintf("[%s]", domain);
	char *kw = xasprintf("{\"fields\": %s, \"limit\": 3, \"order\": \"id\"}", fields);

	replay_ok("search_read_res_partner", "res.partner", "search_read", args, kw);
	free(domain);
	free(fields);
	free(args);
	free(kw);
}

/* All positional: domain, specification, offset, limit, order, count_limit. */
Test(calls, web_search_read_all_positional)
{
	static const char *const keys[] = { "domain", "specification", "offset", "limit", "order", "count_limit" };
	char args[2048] = "[";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		char *v = member("web_search_read_product_product", keys[i]);

		strcat(args, i ? ", " : "");
		cr_assert_lt(strlen(args) + strlen(v), sizeof args - 2);
		strcat(args, v);
		free(v);
	}
	strcat(args, "]");
	replay_ok("web_search_read_product_product", "product.product", "web_search_read", args, NULL);
}

/* read([ids], fields): ids are the records, then "fields". */
Test(calls, read_binds_ids_and_fields)
{
	char *ids = member("read_res_partner", "ids"), *fields = member("read_res_partner", "fields");
	char *args = xasprintf("[%s, %s]", ids, fields);

	replay_ok("read_res_partner", "res.partner", "read", args, NULL);
	free(ids);
	free(fields);
	free(args);
}

/* write([ids], vals) -> {"ids": [...], "vals": {...}}, answered true. */
Test(calls, write_binds_ids_and_vals)
{
	char *ids = member("write_partner", "ids"), *vals = member("write_partner", "vals");
	char *args = xasprintf("[%s, %s]", ids, vals);

	replay_ok("write_partner", "res.partner", "write", args, NULL);
	free(ids);
	free(vals);
	free(args);
}

/* unlink([ids]) on two records (a bulk delete) -> {"ids": [49, 50]}, answered true. */
Test(calls, unlink_binds_many_ids)
{
	char *ids = member("unlink_partner", "ids"), *args = xasprintf("[%s]", ids);
	json_object *v = json_tokener_parse(ids);

	cr_assert_eq(json_object_array_length(v), 2, "the capture deletes two records: %s", ids);
	replay_ok("unlink_partner", "res.partner", "unlink", args, NULL);
	json_object_put(v);
	free(ids);
	free(args);
}

/* A record method not in the table: action_confirm([ids]) -> {"ids": [...]}. */
Test(calls, action_confirm_binds_ids)
{
	char *ids = member("sale_order_action_confirm", "ids"), *args = xasprintf("[%s]", ids);

	replay_ok("sale_order_action_confirm", "sale.order", "action_confirm", args, NULL);
	free(ids);
	free(args);
}

/* search_count(domain, limit) answers a bare number. */
Test(calls, search_count_number)
{
	char *domain = member("search_count_with_limit", "domain"), *args = xasprintf("[%s, 5]", domain);

	replay_ok("search_count_with_limit", "product.product", "search_count", args, NULL);
	free(domain);
	free(args);
}

/* A method returning None: JSON null, ODOO_OK with *out NULL. */
Test(calls, null_result)
{
	json_object *req = j2_json("sale_order_action_lock", ".request.json"), *out = (json_object *)1;
	char *ids = member("sale_order_action_lock", "ids"), *args = xasprintf("[%s]", ids);
	struct odoo_error err;

	cr_assert_eq(call_capture("sale_order_action_lock", "sale.order", "action_lock", args, NULL, req, &out, &err),
	             ODOO_OK, "%s", err.message);
	cr_assert_null(out);
	json_object_put(req);
	free(ids);
	free(args);
}

/* The first id of a create capture's answer (Odoo answers [id]). */
static int64_t
created_id(const char *name)
{
	json_object *resp = j2_json(name, ".response.json");
	int64_t id;

	cr_assert(json_object_is_type(resp, json_type_array) && json_object_array_length(resp) == 1,
	          "%s: not [id]", name);
	id = json_object_get_int64(json_object_array_get_idx(resp, 0));
	json_object_put(resp);
	return id;
}

/*
 * create(vals) with one dict: JSON-2 answers [id] (always a list), the
 * interface answers the bare id, as XML-RPC does.
 */
Test(calls, create_single_dict_gives_bare_id)
{
	static const char *const caps[] = { "create_partner_single_dict", "create_partner" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		char *vals = member("create_partner_single_dict", "vals_list"), *args = xasprintf("[%s]", vals);
		json_object *want = parse("{}"), *out = NULL;
		struct odoo_error err;

		json_object_object_add(want, "vals_list", parse(vals));
		cr_assert_eq(call_capture(caps[i], "res.partner", "create", args, NULL, want, &out, &err), ODOO_OK,
		             "%s: %s", caps[i], err.message);
		cr_assert(json_object_is_type(out, json_type_int), "%s: got %s", caps[i], json_object_to_json_string(out));
		cr_assert_eq(json_object_get_int64(out), created_id(caps[i]), "%s", caps[i]);
		json_object_put(out);
		json_object_put(want);
		free(vals);
		free(args);
	}
}

/* create([vals]) with a list: the list of ids as Odoo answered it. */
Test(calls, create_list_gives_list)
{
	char *vals = member("create_partner", "vals_list"), *args = xasprintf("[%s]", vals);

	replay_ok("create_partner", "res.partner", "create", args, NULL);
	free(vals);
	free(args);
}

/* create with one dict answered by something else than [id]: not Odoo's answer. */
Test(calls, create_single_dict_answer_not_one_id)
{
	char *vals = member("create_partner_single_dict", "vals_list"), *args = xasprintf("[%s]", vals);
	json_object *out = NULL;
	struct odoo_error err;

	/* write_partner answers true */
	cr_assert_eq(call_capture("write_partner", "res.partner", "create", args, NULL, NULL, &out, &err),
	             ODOO_E_BAD_RESPONSE, "%s", err.message);
	cr_assert_null(out);
	free(vals);
	free(args);
}

/*
 * Positional args JSON-2 cannot name: ODOO_E_REQUEST, 400, and nothing
 * reaches Odoo for that call.
 */
Test(calls, unnamed_positional_arg_not_sent)
{
	static const struct step script[] = { CONTEXT_GET, LOGIN_ADMIN, { K_CAPTURE, "sale_order_action_confirm" } };
	static const struct {
		const char *model, *method, *args;
	} bad[] = {
		{ "sale.order", "action_confirm", "[[26], 5]" },           /* a record method of no other args */
		{ "res.partner", "write", "[[49], {\"name\": \"x\"}, {}]" },
		{ "res.partner", "search_read", "[[], [], 0, 3, \"id\", 9]" },
		{ "res.users", "context_get", "[1]" },
	};
	const struct odoo_cred as = { .uid = 5, .secret = USER_KEY, .api_key = true };
	struct srv s;
	struct odoo *o;
	struct odoo_error err;
	size_t i;

	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_JSON2, PASSWORD, KEY);
	cr_assert_eq(odoo_service_uid(o, &err), 2, "%s", err.message);
	cr_assert_eq(srv_count(&s), 2);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		json_object *args = parse(bad[i].args), *out = NULL;

		cr_assert_eq(odoo_call(o, NULL, bad[i].model, bad[i].method, args, NULL, true, &out, &err),
		             ODOO_E_REQUEST, "%s.%s: %s", bad[i].model, bad[i].method, odoo_strerror(err.code));
		cr_assert_eq(err.code, ODOO_E_REQUEST);
		cr_assert_eq(odoo_http_status(err.code), 400);
		cr_assert_null(out);
		cr_assert_eq(odoo_call(o, &as, bad[i].model, bad[i].method, args, NULL, true, &out, &err),
		             ODOO_E_REQUEST, "as a user: %s", odoo_strerror(err.code));
		json_object_put(args);
		cr_assert_eq(srv_count(&s), 2, "%s.%s was sent", bad[i].model, bad[i].method);
	}
	/* The client is still usable: the next call goes out. */
	{
		json_object *args = parse("[[26]]"), *out = NULL;

		cr_assert_eq(odoo_call(o, NULL, "sale.order", "action_confirm", args, NULL, true, &out, &err), ODOO_OK,
		             "%s", err.message);
		cr_assert(json_object_get_boolean(out));
		json_object_put(out);
		json_object_put(args);
	}
	odoo_free(o);
	srv_stop(&s);
	cr_assert_eq(s.n, 3);
	srv_free(&s);
}

/*
 * Whose key goes in Authorization: the service account's ODOO_API_KEY
 * (not its password) for its calls, the user's own secret for a user's;
 * X-Odoo-Database and the path prefix of ODOO_URL on every request.
 */
Test(calls, headers_per_caller)
{
	static const struct step script[] = {
		CONTEXT_GET, LOGIN_ADMIN, { K_CAPTURE, "sale_order_action_confirm" },
		{ K_CAPTURE, "sale_order_action_confirm" },
	};
	const struct odoo_cred as = { .uid = 5, .secret = USER_KEY, .api_key = true };
	char url[128];
	struct odoo_config cfg = { .url = url, .db = "other_db", .username = "admin", .password = PASSWORD,
	                           .api_key = KEY, .protocol = ODOO_PROTO_JSON2, .timeout_ms = 5000,
	                           .max_response = 1 << 20 };
	struct srv s;
	struct odoo *o;
	struct odoo_error err;
	json_object *args = parse("[[26]]"), *out = NULL;
	int i;

	srv_start(&s, script, ARRAY_SIZE(script));
	snprintf(url, sizeof url, "http://127.0.0.1:%d/odoo/", s.port);
	o = odoo_new(&cfg);
	cr_assert_eq(odoo_call(o, NULL, "sale.order", "action_confirm", args, NULL, false, &out, &err), ODOO_OK,
	             "%s", err.message);
	json_object_put(out);
	cr_assert_eq(odoo_call(o, &as, "sale.order", "action_confirm", args, NULL, false, &out, &err), ODOO_OK,
	             "%s", err.message);
	json_object_put(out);
	json_object_put(args);
	odoo_free(o);
	srv_stop(&s);
	cr_assert_eq(s.n, 4);
	for (i = 0; i < 4; i++) {
		cr_assert_str_eq(s.req[i].verb, "POST");
		cr_assert_str_eq(s.req[i].db, "other_db", "request %d", i + 1);
		cr_assert(strncmp(s.req[i].path, "/odoo/json/2/", 13) == 0, "request %d: %s", i + 1, s.req[i].path);
	}
	cr_assert_str_eq(s.req[2].auth, "bearer " KEY);
	cr_assert_str_eq(s.req[3].auth, "bearer " USER_KEY);
	cr_assert_str_eq(s.req[3].path, "/odoo/json/2/sale.order/action_confirm");
	srv_free(&s);
}

/* ------------------------------------------------ 4. logins over JSON-2 */

/* odoo_authenticate(login, secret) against a script; *is_key and the requests it made. */
static enum odoo_err
auth_with(const struct step *script, size_t n, const char *login, const char *secret, long *uid,
          bool *is_key, struct odoo_error *err, struct srv *s)
{
	struct odoo *o;
	enum odoo_err rc;

	srv_start(s, script, n);
	o = client(s->port, ODOO_PROTO_JSON2, PASSWORD, KEY);
	*uid = -1;
	*is_key = true;
	rc = odoo_authenticate(o, login, secret, uid, is_key, err);
	odoo_free(o);
	srv_stop(s);
	return rc;
}

/* A key whose user (context_get's uid) has the login given: that uid, an API key. */
Test(login, key_of_that_login)
{
	static const struct step script[] = { CONTEXT_GET, LOGIN_ADMIN };
	struct srv s;
	struct odoo_error err;
	long uid;
	bool is_key;
	json_object *want;

	cr_assert_eq(auth_with(script, ARRAY_SIZE(script), "admin", USER_KEY, &uid, &is_key, &err, &s), ODOO_OK,
	             "%s", err.message);
	cr_assert_eq(uid, 2);
	cr_assert(is_key);
	cr_assert_eq(s.n, 2);
	cr_assert_str_eq(s.req[0].line, "POST /json/2/res.users/context_get HTTP/1.1");
	cr_assert_str_eq(s.req[1].line, "POST /json/2/res.users/read HTTP/1.1");
	/* The uid context_get answered is the one read. */
	want = parse("{\"ids\": [2], \"fields\": [\"login\"]}");
	assert_body(&s.req[1], want, "read of the login");
	json_object_put(want);
	cr_assert_str_eq(s.req[0].auth, "bearer " USER_KEY);
	cr_assert_str_eq(s.req[1].auth, "bearer " USER_KEY);
	srv_free(&s);
}

/* context_get's uid is the one taken, not a constant: uid 7 here. */
Test(login, uid_from_context_get)
{
	static const struct step script[] = {
		{ K_JSON, "{\"lang\": \"en_US\", \"tz\": \"Europe/Brussels\", \"uid\": 7}" },
		{ K_JSON, "[{\"id\": 7, \"login\": \"marc\"}]" },
	};
	struct srv s;
	struct odoo_error err;
	long uid;
	bool is_key;
	json_object *want = parse("{\"ids\": [7], \"fields\": [\"login\"]}");

	cr_assert_eq(auth_with(script, ARRAY_SIZE(script), "marc", USER_KEY, &uid, &is_key, &err, &s), ODOO_OK,
	             "%s", err.message);
	cr_assert_eq(uid, 7);
	cr_assert(is_key);
	assert_body(&s.req[1], want, "read of the login");
	json_object_put(want);
	srv_free(&s);
}

/*
 * A key of another login: refused (uid 0), not a login under someone
 * else's name.  A 40-hex secret may still be a password: XML-RPC is asked
 * too, and refuses it.
 */
Test(login, key_of_another_login)
{
	static const struct step script[] = {
		CONTEXT_GET, LOGIN_ADMIN, { K_XML, "authenticate_wrong_password.response.xml" },
	};
	struct srv s;
	struct odoo_error err;
	long uid;
	bool is_key;

	cr_assert_eq(auth_with(script, ARRAY_SIZE(script), "demo", USER_KEY, &uid, &is_key, &err, &s), ODOO_OK,
	             "%s", err.message);
	cr_assert_eq(uid, 0);
	cr_assert_not(is_key);
	cr_assert_eq(s.n, 3);
	cr_assert_str_eq(s.req[2].path, "/xmlrpc/2/common");
	srv_free(&s);
}

/* A key Odoo does not know (401 "Invalid apikey"): uid 0, ODOO_OK. */
Test(login, wrong_key)
{
	static const struct step script[] = {
		{ K_CAPTURE, "err_wrong_api_key" }, { K_XML, "authenticate_wrong_password.response.xml" },
	};
	struct srv s;
	struct odoo_error err;
	long uid;
	bool is_key;

	cr_assert_eq(auth_with(script, ARRAY_SIZE(script), "admin", USER_KEY, &uid, &is_key, &err, &s), ODOO_OK,
	             "%s: %s", odoo_strerror(err.code), err.message);
	cr_assert_eq(uid, 0);
	cr_assert_not(is_key);
	cr_assert_str_eq(s.req[0].path, "/json/2/res.users/context_get");
	cr_assert_str_eq(s.req[0].auth, "bearer " USER_KEY);
	cr_assert_leq(s.n, 2);
	srv_free(&s);
}

/* An Odoo 404 page for /xmlrpc/2: this Odoo has no XML-RPC (22 and later). */
#define NO_XMLRPC "HTTP/1.1 404 NOT FOUND\r\nServer: Werkzeug/2.2.2 Python/3.11.2\r\n" \
	"Content-Type: text/html; charset=utf-8\r\nContent-Length: 9\r\nConnection: close\r\n\r\nNot Found"

/* A password where XML-RPC is gone: only an API key can log in. */
Test(login, password_without_xmlrpc)
{
	static const struct step script[] = { { K_RAW, NO_XMLRPC }, { K_CAPTURE, "err_wrong_api_key" } };
	struct srv s;
	struct odoo *o;
	struct odoo_error err;
	long uid = -1;
	bool is_key = true;

	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_JSON2, PASSWORD, KEY);
	cr_assert_eq(odoo_authenticate(o, "admin", "plain password", &uid, &is_key, &err), ODOO_E_KEY_REQUIRED,
	             "%s: %s", odoo_strerror(err.code), err.message);
	cr_assert_eq(uid, 0);
	cr_assert_not(is_key);
	cr_assert_eq(odoo_http_status(ODOO_E_KEY_REQUIRED), 401);
	cr_assert_eq(srv_count(&s), 1);
	/* Now that XML-RPC is known gone, the password is tried over JSON-2 alone. */
	cr_assert_eq(odoo_authenticate(o, "admin", "plain password", &uid, &is_key, &err), ODOO_E_KEY_REQUIRED,
	             "%s: %s", odoo_strerror(err.code), err.message);
	cr_assert_eq(uid, 0);
	odoo_free(o);
	srv_stop(&s);
	cr_assert_eq(s.n, 2);
	cr_assert_str_eq(s.req[0].path, "/xmlrpc/2/common");
	cr_assert_str_eq(s.req[1].path, "/json/2/res.users/context_get");
	srv_free(&s);
}

/*
 * Where XML-RPC is gone, a wrong API key (a key's shape, refused by JSON-2)
 * is a failed login, uid 0, not "use an API key": the user did.
 */
Test(login, wrong_key_without_xmlrpc_is_a_failed_login)
{
	static const struct step script[] = {
		{ K_CAPTURE, "err_wrong_api_key" }, { K_RAW, NO_XMLRPC }, { K_CAPTURE, "err_wrong_api_key" },
	};
	struct srv s;
	struct odoo *o;
	struct odoo_error err;
	long uid = -1;
	bool is_key = true;

	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_JSON2, PASSWORD, KEY);
	cr_assert_eq(odoo_authenticate(o, "admin", USER_KEY, &uid, &is_key, &err), ODOO_OK,
	             "%s: %s", odoo_strerror(err.code), err.message);
	cr_assert_eq(uid, 0);
	cr_assert_not(is_key);
	/* XML-RPC now known gone: JSON-2 alone, still a failed login. */
	cr_assert_eq(odoo_authenticate(o, "admin", USER_KEY, &uid, &is_key, &err), ODOO_OK,
	             "%s: %s", odoo_strerror(err.code), err.message);
	cr_assert_eq(uid, 0);
	odoo_free(o);
	srv_stop(&s);
	cr_assert_eq(s.n, 3);
	srv_free(&s);
}

/* ------------------------------------------- 5. version and protocol */

Test(version, json_version)
{
	static const struct step script[] = { { K_CAPTURE, "json_version" } };
	struct srv s;
	struct odoo *o;
	struct odoo_error err;
	struct odoo_version v;
	long lat = -1;

	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_JSON2, PASSWORD, KEY);
	cr_assert_eq(odoo_version(o, &v, &lat, &err), ODOO_OK, "%s", err.message);
	cr_assert_eq(v.major, 19);
	cr_assert_eq(v.minor, 0);
	cr_assert_str_eq(v.text, "19.0+e-20251227");
	cr_assert_geq(lat, 0);
	odoo_free(o);
	srv_stop(&s);
	cr_assert_eq(s.n, 1);
	cr_assert_str_eq(s.req[0].line, "GET /json/version HTTP/1.1");
	cr_assert_not(s.req[0].has_auth, "a key sent to /json/version: %s", s.req[0].auth);
	cr_assert_not(s.req[0].has_length);
	cr_assert_str_eq(s.req[0].body, "");
	srv_free(&s);
}

/* An Odoo 18 page for a route it does not have. */
#define NO_JSON_VERSION "HTTP/1.1 404 NOT FOUND\r\nServer: Werkzeug/2.2.2 Python/3.11.2\r\n" \
	"Content-Type: text/html; charset=utf-8\r\nContent-Length: 9\r\nConnection: close\r\n\r\nNot Found"

/* auto: no /json/version (Odoo 18): XML-RPC's version, then XML-RPC. */
Test(version, auto_on_odoo18_is_xmlrpc)
{
	static const struct step script[] = {
		{ K_RAW, NO_JSON_VERSION }, { K_XML, "version.response.xml" },
		{ K_XML, "authenticate_ok.response.xml" },
	};
	struct srv s;
	struct odoo *o;
	struct odoo_error err;
	struct odoo_version v;

	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_AUTO, PASSWORD, KEY);
	cr_assert_str_eq(odoo_protocol(o), "auto");
	cr_assert_eq(odoo_version(o, &v, NULL, &err), ODOO_OK, "%s", err.message);
	cr_assert_eq(v.major, 18);
	cr_assert_str_eq(v.text, "18.0");
	cr_assert_eq(odoo_service_uid(o, &err), 2, "%s", err.message);
	cr_assert_str_eq(odoo_protocol(o), "xmlrpc");
	odoo_free(o);
	srv_stop(&s);
	cr_assert_eq(s.n, 3, "the version asked again?");
	cr_assert_str_eq(s.req[0].line, "GET /json/version HTTP/1.1");
	cr_assert_str_eq(s.req[1].path, "/xmlrpc/2/common");
	cr_assert_str_eq(s.req[2].path, "/xmlrpc/2/common");
	cr_assert_not(s.req[2].has_auth);
	srv_free(&s);
}

/* auto: Odoo 19 and an API key: JSON-2, with the key. */
Test(version, auto_on_odoo19_with_key_is_json2)
{
	static const struct step script[] = { { K_CAPTURE, "json_version" }, CONTEXT_GET, LOGIN_ADMIN };
	struct srv s;
	struct odoo *o;
	struct odoo_error err;

	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_AUTO, PASSWORD, KEY);
	cr_assert_str_eq(odoo_protocol(o), "auto");
	cr_assert_eq(odoo_service_uid(o, &err), 2, "%s", err.message);
	cr_assert_str_eq(odoo_protocol(o), "json2");
	odoo_free(o);
	srv_stop(&s);
	cr_assert_eq(s.n, 3);
	cr_assert_str_eq(s.req[1].path, "/json/2/res.users/context_get");
	cr_assert_str_eq(s.req[1].auth, "bearer " KEY);
	srv_free(&s);
}

/* auto: Odoo 19, no ODOO_API_KEY, ODOO_PASSWORD a key JSON-2 accepts: JSON-2, logged in by that check. */
Test(version, auto_password_that_is_a_key)
{
	static const struct step script[] = { { K_CAPTURE, "json_version" }, CONTEXT_GET, LOGIN_ADMIN };
	struct srv s;
	struct odoo *o;
	struct odoo_error err;

	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_AUTO, USER_KEY, NULL);
	cr_assert_eq(odoo_service_uid(o, &err), 2, "%s", err.message);
	cr_assert_str_eq(odoo_protocol(o), "json2");
	odoo_free(o);
	srv_stop(&s);
	cr_assert_eq(s.n, 3, "logged in twice?");
	cr_assert_str_eq(s.req[1].auth, "bearer " USER_KEY);
	srv_free(&s);
}

/* auto: Odoo 19, a 40-hex password JSON-2 refuses: XML-RPC with it. */
Test(version, auto_password_not_a_key)
{
	static const struct step script[] = {
		{ K_CAPTURE, "json_version" }, { K_CAPTURE, "err_wrong_api_key" },
		{ K_XML, "authenticate_ok.response.xml" },
	};
	struct srv s;
	struct odoo *o;
	struct odoo_error err;

	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_AUTO, USER_KEY, NULL);
	cr_assert_eq(odoo_service_uid(o, &err), 2, "%s", err.message);
	cr_assert_str_eq(odoo_protocol(o), "xmlrpc");
	odoo_free(o);
	srv_stop(&s);
	cr_assert_eq(s.n, 3);
	cr_assert_str_eq(s.req[2].path, "/xmlrpc/2/common");
	srv_free(&s);
}

/*
 * auto, a plain password and no key: XML-RPC (on Odoo 19 deprecated, still
 * working) without asking the version: nothing JSON-2 could take, and plain
 * CGI would pay that question on every request.
 */
Test(version, auto_plain_password_on_odoo19)
{
	static const struct step script[] = { { K_XML, "authenticate_ok.response.xml" } };
	struct srv s;
	struct odoo *o;
	struct odoo_error err;

	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_AUTO, PASSWORD, NULL);
	cr_assert_eq(odoo_service_uid(o, &err), 2, "%s", err.message);
	cr_assert_str_eq(odoo_protocol(o), "xmlrpc");
	odoo_free(o);
	srv_stop(&s);
	cr_assert_eq(s.n, 1, "one login, no version question");
	cr_assert_str_eq(s.req[0].path, "/xmlrpc/2/common");
	srv_free(&s);
}

/* ------------------------------------------ 6. the service account's uid */

Test(service, uid_from_context_get)
{
	static const struct step script[] = { CONTEXT_GET, LOGIN_ADMIN, { K_CAPTURE, "sale_order_action_confirm" } };
	json_object *ctx = j2_json("empty_body_context_get", ".response.json"), *want_uid, *args = parse("[[26]]"),
	            *out = NULL;
	struct srv s;
	struct odoo *o;
	struct odoo_error err;
	int i;

	cr_assert(json_object_object_get_ex(ctx, "uid", &want_uid));
	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_JSON2, PASSWORD, KEY);
	cr_assert_str_eq(odoo_protocol(o), "json2");
	cr_assert_eq(odoo_service_uid(o, &err), json_object_get_int64(want_uid), "%s", err.message);
	/* kept: no second login for a call, nor for asking again */
	cr_assert_eq(odoo_call(o, NULL, "sale.order", "action_confirm", args, NULL, false, &out, &err), ODOO_OK,
	             "%s", err.message);
	cr_assert_eq(odoo_service_uid(o, &err), json_object_get_int64(want_uid));
	json_object_put(out);
	json_object_put(args);
	json_object_put(ctx);
	odoo_free(o);
	srv_stop(&s);
	cr_assert_eq(s.n, 3);
	for (i = 0; i < 3; i++)
		cr_assert_str_eq(s.req[i].auth, "bearer " KEY);
	srv_free(&s);
}

/* The key's user is another login than ODOO_USERNAME: the service cannot log in (503). */
Test(service, key_of_another_user)
{
	static const struct step script[] = { CONTEXT_GET, { K_JSON, "[{\"id\": 2, \"login\": \"root\"}]" } };
	struct srv s;
	struct odoo *o;
	struct odoo_error err;

	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_JSON2, PASSWORD, KEY);
	cr_assert_eq(odoo_service_uid(o, &err), 0);
	cr_assert_eq(err.code, ODOO_E_LOGIN, "%s", odoo_strerror(err.code));
	odoo_free(o);
	srv_stop(&s);
	srv_free(&s);
}

/* ODOO_PROTOCOL=json2 against an Odoo without /json/version (18): a bad answer, not a missing record. */
Test(version, json2_forced_on_odoo18)
{
	static const struct step script[] = { { K_RAW, NO_JSON_VERSION } };
	struct srv s;
	struct odoo *o;
	struct odoo_error err;
	struct odoo_version v;

	srv_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, ODOO_PROTO_JSON2, PASSWORD, KEY);
	cr_assert_eq(odoo_version(o, &v, NULL, &err), ODOO_E_BAD_RESPONSE, "%s", odoo_strerror(err.code));
	cr_assert_eq(v.major, 0);
	odoo_free(o);
	srv_stop(&s);
	cr_assert_eq(s.n, 1, "XML-RPC asked although json2 was chosen");
	srv_free(&s);
}

/* Scalars are JSON; cut or doubled text is not (the end of the answer is the end of the value). */
Test(calls, answer_text_bounds)
{
	static const struct {
		const char *body;
		enum odoo_err want;
		const char *value;   /* JSON of the result when ODOO_OK; NULL for null */
	} cases[] = {
		{ "true", ODOO_OK, "true" }, { "false", ODOO_OK, "false" }, { "null", ODOO_OK, NULL },
		{ "50", ODOO_OK, "50" }, { "2001.0", ODOO_OK, "2001.0" }, { "5\n", ODOO_OK, "5" },
		{ "\"ok\"", ODOO_OK, "\"ok\"" },
		{ "tru", ODOO_E_BAD_RESPONSE, NULL }, { "[1, 2", ODOO_E_BAD_RESPONSE, NULL },
		{ "5 6", ODOO_E_BAD_RESPONSE, NULL }, { "{\"a\": 1", ODOO_E_BAD_RESPONSE, NULL },
		{ "nul", ODOO_E_BAD_RESPONSE, NULL },
	};
	const struct odoo_cred as = { .uid = 5, .secret = USER_KEY, .api_key = true };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct step script[] = { { K_JSON, cases[i].body } };
		json_object *args = parse("[[]]"), *out = NULL;
		struct srv s;
		struct odoo *o;
		struct odoo_error err;
		enum odoo_err rc;

		srv_start(&s, script, ARRAY_SIZE(script));
		o = client(s.port, ODOO_PROTO_JSON2, PASSWORD, KEY);
		rc = odoo_call(o, &as, "res.partner", "search_count", args, NULL, true, &out, &err);
		odoo_free(o);
		srv_stop(&s);
		srv_free(&s);
		json_object_put(args);
		cr_assert_eq(rc, cases[i].want, "%s: %s (%s)", cases[i].body, odoo_strerror(rc), err.message);
		if (cases[i].value == NULL) {
			cr_assert_null(out, "%s", cases[i].body);
		} else {
			json_object *want = parse(cases[i].value);

			cr_assert(json_object_equal(out, want), "%s: got %s", cases[i].body, json_object_to_json_string(out));
			json_object_put(want);
		}
		json_object_put(out);
	}
}
