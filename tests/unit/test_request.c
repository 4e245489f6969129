/* test_request.c: unit tests for request.c (query strings, Accept-Language, CGI variables, body). */
#undef NDEBUG
#include "autoconfig.h"
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "request.h"

/*
 * Criterion runs each parameter in a fresh process image: parameters hold
 * their strings inline, not pointers.
 */
struct qs_case {
	char in[96];
	enum qs_err err;
	size_t n;
	char pairs[6][2][24];   /* expected key/value pairs, in order */
};

static const struct qs_case qs_cases[] = {
	{ "", QS_OK, 0, {{""}} },
	{ "a=1", QS_OK, 1, { { "a", "1" } } },
	{ "a=1&b=2", QS_OK, 2, { { "a", "1" }, { "b", "2" } } },
	{ "id=1&id=2&id=3", QS_OK, 3, { { "id", "1" }, { "id", "2" }, { "id", "3" } } },
	{ "q=hello+world", QS_OK, 1, { { "q", "hello world" } } },
	{ "q=a%2Bb", QS_OK, 1, { { "q", "a+b" } } },
	{ "_sort=name%2Cid&_order=asc%2Cdesc", QS_OK, 2, { { "_sort", "name,id" }, { "_order", "asc,desc" } } },
	{ "name_like=Desk", QS_OK, 1, { { "name_like", "Desk" } } },
	{ "a&b=", QS_OK, 2, { { "a", "" }, { "b", "" } } },
	{ "a=1&&b=2&", QS_OK, 2, { { "a", "1" }, { "b", "2" } } },
	{ "k%20ey=v%3Dx", QS_OK, 1, { { "k ey", "v=x" } } },
	{ "a=x=y", QS_OK, 1, { { "a", "x=y" } } },
	{ "q=%C3%B1and%C3%BA", QS_OK, 1, { { "q", "\xc3\xb1" "and\xc3\xba" } } },
	{ "q=%zz", QS_BAD_ESCAPE, 0, {{""}} },
	{ "q=%4", QS_BAD_ESCAPE, 0, {{""}} },
	{ "q=%", QS_BAD_ESCAPE, 0, {{""}} },
	{ "q=abc%", QS_BAD_ESCAPE, 0, {{""}} },
	{ "q=%00", QS_BAD_ESCAPE, 0, {{""}} },
	{ "%G1=1", QS_BAD_ESCAPE, 0, {{""}} },
	{ "q=%FF", QS_BAD_UTF8, 0, {{""}} },
	{ "q=%C0%AF", QS_BAD_UTF8, 0, {{""}} },
	{ "q=%ED%A0%80", QS_BAD_UTF8, 0, {{""}} },
	{ "q=%E2%82", QS_BAD_UTF8, 0, {{""}} },
};

ParameterizedTestParameters(request, params_parse)
{
	return cr_make_param_array(struct qs_case, (void *)qs_cases, sizeof qs_cases / sizeof qs_cases[0]);
}

ParameterizedTest(const struct qs_case *c, request, params_parse)
{
	struct params p = { NULL, 0 };
	enum qs_err e = params_parse(c->in, strlen(c->in), MAX_PARAMS, &p);
	size_t i;

	cr_assert_eq(e, c->err, "params_parse(\"%s\") = %d, want %d", c->in, e, c->err);
	if (e != QS_OK)
		return;
	cr_assert_eq(p.n, c->n, "params_parse(\"%s\"): %zu pairs, want %zu", c->in, p.n, c->n);
	for (i = 0; i < c->n; i++) {
		cr_assert_str_eq(p.v[i].key, c->pairs[i][0], "\"%s\" pair %zu key", c->in, i);
		cr_assert_str_eq(p.v[i].value, c->pairs[i][1], "\"%s\" pair %zu value", c->in, i);
	}
	params_free(&p);
}

Test(request, params_limit_and_lookup)
{
	struct params p;
	cr_assert_eq(params_parse("a=1&b=2&c=3", 11, 2, &p), QS_TOO_MANY);
	cr_assert_eq(params_parse("a=1&b=2&a=3", 11, 3, &p), QS_OK);
	cr_assert_str_eq(params_get(&p, "a"), "1");
	cr_assert_eq(params_count(&p, "a"), 2);
	cr_assert_null(params_get(&p, "z"));
	params_free(&p);
	params_free(&p);
}

struct lang_case { char header[64]; enum lang want; };

static const struct lang_case lang_cases[] = {
	{ "", LANG_ES },
	{ "es", LANG_ES },
	{ "en", LANG_EN },
	{ "en-US", LANG_EN },
	{ "EN-gb", LANG_EN },
	{ "es-ES,es;q=0.9,en;q=0.8", LANG_ES },
	{ "en-US,en;q=0.9,es;q=0.8", LANG_EN },
	{ "es;q=0.5, en;q=0.7", LANG_EN },
	{ "en;q=0, es", LANG_ES },
	{ "fr, en;q=0.5", LANG_EN },
	{ "fr", LANG_ES },
	{ "english", LANG_ES },
	{ "en;q=abc", LANG_ES },
	{ "*", LANG_ES },
};

ParameterizedTestParameters(request, accept_language)
{
	return cr_make_param_array(struct lang_case, (void *)lang_cases, sizeof lang_cases / sizeof lang_cases[0]);
}

ParameterizedTest(const struct lang_case *c, request, accept_language)
{
	cr_assert_eq(lang_from_accept_language(c->header), c->want, "Accept-Language: %s", c->header);
}

Test(request, null_accept_language_is_spanish)
{
	cr_assert_eq(lang_from_accept_language(NULL), LANG_ES);
}

Test(request, init_from_cgi_variables)
{
	char *env[] = {
		"REQUEST_METHOD=GET", "PATH_INFO=/api/v1/products", "SCRIPT_NAME=/bridge",
		"QUERY_STRING=_start=0&_end=10&id=1&id=2", "HTTP_X_REQUEST_ID=abc-123_X.y",
		"HTTP_ACCEPT_LANGUAGE=en", "REMOTE_ADDR=127.0.0.1", NULL,
	};
	struct request r;

	cr_assert_eq(request_init(&r, env), REQ_OK);
	cr_assert_str_eq(r.method, "GET");
	cr_assert_str_eq(r.path, "/api/v1/products");
	cr_assert_str_eq(r.request_id, "abc-123_X.y");
	cr_assert_eq(r.lang, LANG_EN);
	cr_assert_eq(params_count(&r.query, "id"), 2);
	cr_assert_str_eq(r.remote_addr, "127.0.0.1");
	cr_assert_str_eq(request_env(&r, "SCRIPT_NAME"), "/bridge");
	request_free(&r);
}

Test(request, path_from_request_uri_without_path_info)
{
	char *env[] = { "REQUEST_METHOD=GET", "SCRIPT_NAME=/odoo", "REQUEST_URI=/odoo/api/v1/sales%2F1?x=1", NULL };
	char *env2[] = { "REQUEST_METHOD=GET", "SCRIPT_NAME=", "REQUEST_URI=/health?x=1", NULL };
	struct request r;

	cr_assert_eq(request_init(&r, env), REQ_OK);
	cr_assert_str_eq(r.path, "/api/v1/sales/1");
	request_free(&r);
	cr_assert_eq(request_init(&r, env2), REQ_OK);
	cr_assert_str_eq(r.path, "/health");
	request_free(&r);
}

Test(request, insane_request_id_replaced)
{
	char *env[] = { "REQUEST_METHOD=GET", "PATH_INFO=/health", "HTTP_X_REQUEST_ID=a b\r\nX-Evil: 1", NULL };
	char *env2[] = { "REQUEST_METHOD=GET", "PATH_INFO=/health",
		"HTTP_X_REQUEST_ID=0123456789012345678901234567890123456789012345678901234567890123456789", NULL };
	struct request r;

	cr_assert_eq(request_init(&r, env), REQ_OK);
	cr_assert_eq(strlen(r.request_id), 24);
	cr_assert_null(strchr(r.request_id, ' '));
	request_free(&r);
	cr_assert_eq(request_init(&r, env2), REQ_OK);
	cr_assert_eq(strlen(r.request_id), 24, "a 70-character id is not sane");
	request_free(&r);
}

static void
fresh_id(char out[65])
{
	char *env[] = { "REQUEST_METHOD=GET", "PATH_INFO=/health", NULL };
	struct request r;

	cr_assert_eq(request_init(&r, env), REQ_OK);
	cr_assert_eq(strlen(r.request_id), 24);
	memcpy(out, r.request_id, 25);
	request_free(&r);
}

static int
cmp_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * Ids made here (a per-process key and a counter, request.c) are distinct,
 * and a forked child draws a key of its own: without it, the child's next
 * id would be the parent's next one.
 */
Test(request, fresh_request_ids_are_distinct_also_after_fork)
{
	enum { N = 10000 };
	char (*ids)[25] = calloc(N, sizeof(*ids)), mine[65], theirs[65] = "";
	int fds[2], status;
	pid_t pid;

	cr_assert_not_null(ids);
	for (int i = 0; i < N; i++) {
		char id[65];
		fresh_id(id);
		memcpy(ids[i], id, 25);
	}
	qsort(ids, N, sizeof(*ids), cmp_ids);
	for (int i = 1; i < N; i++)
		cr_assert_str_neq(ids[i - 1], ids[i], "a request id came twice");
	free(ids);

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		char id[65];
		fresh_id(id);
		_exit(write(fds[1], id, 25) == 25 ? 0 : 1);
	}
	fresh_id(mine);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_eq(read(fds[0], theirs, 25), 25);
	close(fds[0]);
	close(fds[1]);
	cr_assert_str_neq(mine, theirs, "the child's id repeats the parent's");
}

Test(request, bad_query_and_length)
{
	char *env[] = { "REQUEST_METHOD=GET", "PATH_INFO=/x", "QUERY_STRING=a=%zz", NULL };
	char *env2[] = { "REQUEST_METHOD=POST", "PATH_INFO=/x", "CONTENT_LENGTH=12abc", NULL };
	struct request r;

	cr_assert_eq(request_init(&r, env), REQ_BAD_QUERY);
	request_free(&r);
	cr_assert_eq(request_init(&r, env2), REQ_BAD_LENGTH);
	request_free(&r);
}

struct mem_reader { const char *data; size_t len, pos, calls; };

static int
mem_read(void *io, char *buf, int n)
{
	struct mem_reader *m = io;
	size_t k = m->len - m->pos < (size_t)n ? m->len - m->pos : (size_t)n;
	m->calls++;
	memcpy(buf, m->data + m->pos, k);
	m->pos += k;
	return (int)k;
}

Test(request, body_read_and_limits)
{
	char *env[] = { "REQUEST_METHOD=POST", "PATH_INFO=/token", "CONTENT_LENGTH=7",
		"CONTENT_TYPE=application/x-www-form-urlencoded; charset=UTF-8", NULL };
	char *big[] = { "REQUEST_METHOD=POST", "PATH_INFO=/token", "CONTENT_LENGTH=2000", NULL };
	struct mem_reader m = { "a=1&b=2", 7, 0, 0 };
	struct request r;

	cr_assert_eq(request_init(&r, env), REQ_OK);
	cr_assert(request_content_type_is(&r, "application/x-www-form-urlencoded"));
	cr_assert(!request_content_type_is(&r, "application/json"));
	cr_assert_eq(request_read_body(&r, mem_read, &m, 1024), REQ_OK);
	cr_assert_eq(r.body.len, 7);
	cr_assert_str_eq(r.body.data, "a=1&b=2");
	request_free(&r);

	m.pos = 0;
	m.calls = 0;
	cr_assert_eq(request_init(&r, big), REQ_OK);
	cr_assert_eq(request_read_body(&r, mem_read, &m, 1024), REQ_TOO_LARGE);
	cr_assert_eq(m.calls, 0, "an announced length past MAX_BODY is refused without reading");
	request_free(&r);
}
