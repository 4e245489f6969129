/* test_router.c: unit tests for router.c over a table shaped like the application's. */
#undef NDEBUG
#include "autoconfig.h"
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "router.h"

static void h_token(struct ctx *c) { (void)c; }
static void h_health(struct ctx *c) { (void)c; }
static void h_me(struct ctx *c) { (void)c; }
static void h_list(struct ctx *c) { (void)c; }
static void h_create(struct ctx *c) { (void)c; }
static void h_get(struct ctx *c) { (void)c; }
static void h_update(struct ctx *c) { (void)c; }
static void h_delete(struct ctx *c) { (void)c; }
static void h_action(struct ctx *c) { (void)c; }

static const struct route table[] = {
	{ "/token", false, { { "POST", h_token } }, NULL },
	{ "/health", false, { { "GET", h_health } }, NULL },
	{ "/api/v1/me", true, { { "GET", h_me } }, NULL },
	{ "/api/v1/:res", true, { { "GET", h_list }, { "POST", h_create } }, NULL },
	{ "/api/v1/:res/:id", true, { { "GET", h_get }, { "PUT", h_update }, { "PATCH", h_update }, { "DELETE", h_delete } }, NULL },
	{ "/api/v1/:res/:id/:action", true, { { "POST", h_action } }, NULL },
};

enum hid { H_NONE, H_TOKEN, H_HEALTH, H_ME, H_LIST, H_CREATE, H_GET, H_UPDATE, H_DELETE, H_ACTION };

static enum hid
which(handler_fn fn)
{
	if (fn == h_token) return H_TOKEN;
	if (fn == h_health) return H_HEALTH;
	if (fn == h_me) return H_ME;
	if (fn == h_list) return H_LIST;
	if (fn == h_create) return H_CREATE;
	if (fn == h_get) return H_GET;
	if (fn == h_update) return H_UPDATE;
	if (fn == h_delete) return H_DELETE;
	if (fn == h_action) return H_ACTION;
	return H_NONE;
}

struct route_case {
	char method[8];
	char path[64];
	enum route_status status;
	enum hid handler;
	char p0[16], p1[16], p2[16];
	char allow[64];
};

static const struct route_case cases[] = {
	{ "POST", "/token", ROUTE_OK, H_TOKEN, "", "", "", "POST, OPTIONS" },
	{ "GET", "/token", ROUTE_METHOD_NOT_ALLOWED, H_NONE, "", "", "", "POST, OPTIONS" },
	{ "GET", "/health", ROUTE_OK, H_HEALTH, "", "", "", "GET, HEAD, OPTIONS" },
	{ "HEAD", "/health", ROUTE_OK, H_HEALTH, "", "", "", "GET, HEAD, OPTIONS" },
	{ "GET", "/health/", ROUTE_OK, H_HEALTH, "", "", "", "GET, HEAD, OPTIONS" },
	{ "GET", "/api/v1/me", ROUTE_OK, H_ME, "", "", "", "GET, HEAD, OPTIONS" },
	{ "POST", "/api/v1/me", ROUTE_METHOD_NOT_ALLOWED, H_NONE, "", "", "", "GET, HEAD, OPTIONS" },
	{ "GET", "/api/v1/products", ROUTE_OK, H_LIST, "products", "", "", "GET, POST, HEAD, OPTIONS" },
	{ "POST", "/api/v1/products", ROUTE_OK, H_CREATE, "products", "", "", "" },
	{ "DELETE", "/api/v1/products", ROUTE_METHOD_NOT_ALLOWED, H_NONE, "products", "", "", "GET, POST, HEAD, OPTIONS" },
	{ "GET", "/api/v1/products/45", ROUTE_OK, H_GET, "products", "45", "", "GET, PUT, PATCH, DELETE, HEAD, OPTIONS" },
	{ "PATCH", "/api/v1/products/45", ROUTE_OK, H_UPDATE, "products", "45", "", "" },
	{ "PUT", "/api/v1/products/45", ROUTE_OK, H_UPDATE, "products", "45", "", "" },
	{ "DELETE", "/api/v1/customers/7", ROUTE_OK, H_DELETE, "customers", "7", "", "" },
	{ "POST", "/api/v1/products/45", ROUTE_METHOD_NOT_ALLOWED, H_NONE, "products", "45", "", "GET, PUT, PATCH, DELETE, HEAD, OPTIONS" },
	{ "POST", "/api/v1/sales/1/confirm", ROUTE_OK, H_ACTION, "sales", "1", "confirm", "POST, OPTIONS" },
	{ "OPTIONS", "/api/v1/products", ROUTE_OPTIONS, H_NONE, "products", "", "", "GET, POST, HEAD, OPTIONS" },
	{ "GET", "/", ROUTE_NOT_FOUND, H_NONE, "", "", "", "" },
	{ "GET", "", ROUTE_NOT_FOUND, H_NONE, "", "", "", "" },
	{ "GET", "/api", ROUTE_NOT_FOUND, H_NONE, "", "", "", "" },
	{ "GET", "/api/v1", ROUTE_NOT_FOUND, H_NONE, "", "", "", "" },
	{ "GET", "/api/v2/products", ROUTE_NOT_FOUND, H_NONE, "", "", "", "" },
	{ "GET", "/apifoo", ROUTE_NOT_FOUND, H_NONE, "", "", "", "" },
	{ "GET", "/api/v1//products", ROUTE_NOT_FOUND, H_NONE, "", "", "", "" },
	{ "GET", "/api/v1/sales/1/confirm/x", ROUTE_NOT_FOUND, H_NONE, "", "", "", "" },
	{ "GET", "api/v1/products", ROUTE_NOT_FOUND, H_NONE, "", "", "", "" },
	{ "GET", "/tokens", ROUTE_NOT_FOUND, H_NONE, "", "", "", "" },
	{ "BREW", "/health", ROUTE_METHOD_NOT_ALLOWED, H_NONE, "", "", "", "GET, HEAD, OPTIONS" },
};

ParameterizedTestParameters(router, match)
{
	return cr_make_param_array(struct route_case, (void *)cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(const struct route_case *c, router, match)
{
	struct request req;
	struct route_match m;

	memset(&req, 0, sizeof req);
	router_match(table, sizeof table / sizeof table[0], c->method, c->path, &req, &m);
	cr_assert_eq(m.status, c->status, "%s %s: status %d, want %d", c->method, c->path, m.status, c->status);
	cr_assert_eq(which(m.fn), c->handler, "%s %s: handler", c->method, c->path);
	if (c->p0[0])
		cr_assert_str_eq(req.route_params[0], c->p0);
	if (c->p1[0])
		cr_assert_str_eq(req.route_params[1], c->p1);
	else if (c->status != ROUTE_NOT_FOUND)
		cr_assert_null(req.route_params[1]);
	if (c->p2[0])
		cr_assert_str_eq(req.route_params[2], c->p2);
	if (c->allow[0])
		cr_assert_str_eq(m.allow, c->allow, "%s %s: Allow", c->method, c->path);
	cr_assert_eq(m.head, strcmp(c->method, "HEAD") == 0 && c->status == ROUTE_OK);
	request_free(&req);
}

Test(router, auth_flag_follows_route)
{
	struct request req;
	struct route_match m;

	memset(&req, 0, sizeof req);
	router_match(table, sizeof table / sizeof table[0], "GET", "/api/v1/products", &req, &m);
	cr_assert(m.route->auth);
	router_match(table, sizeof table / sizeof table[0], "POST", "/token", &req, &m);
	cr_assert(!m.route->auth);
	request_free(&req);
}

/* A method filter, as the application uses for read-only resources. */
static bool
no_writes_on_lookups(const char *const *params, const char *method)
{
	return strcmp(params[0], "countries") != 0 || strcmp(method, "GET") == 0;
}

static const struct route filtered[] = {
	{ "/api/v1/:res", true, { { "GET", h_list }, { "POST", h_create } }, no_writes_on_lookups },
	{ "/api/v1/:res/:id", true, { { "GET", h_get }, { "PATCH", h_update }, { "DELETE", h_delete } },
	  no_writes_on_lookups },
};

Test(router, method_filter_narrows_allow_and_405)
{
	struct request req;
	struct route_match m;
	size_t n = sizeof filtered / sizeof filtered[0];

	memset(&req, 0, sizeof req);
	router_match(filtered, n, "POST", "/api/v1/countries", &req, &m);
	cr_assert_eq(m.status, ROUTE_METHOD_NOT_ALLOWED);
	cr_assert_str_eq(m.allow, "GET, HEAD, OPTIONS");
	router_match(filtered, n, "OPTIONS", "/api/v1/countries/233", &req, &m);
	cr_assert_eq(m.status, ROUTE_OPTIONS);
	cr_assert_str_eq(m.allow, "GET, HEAD, OPTIONS");
	router_match(filtered, n, "GET", "/api/v1/countries/233", &req, &m);
	cr_assert_eq(m.status, ROUTE_OK);
	cr_assert_eq(which(m.fn), H_GET);
	router_match(filtered, n, "DELETE", "/api/v1/products/1", &req, &m);
	cr_assert_eq(m.status, ROUTE_OK);
	cr_assert_str_eq(m.allow, "GET, PATCH, DELETE, HEAD, OPTIONS");
	request_free(&req);
}

static bool
known_resource(const char *name, const char *value)
{
	return strcmp(name, "res") == 0 && (strcmp(value, "products") == 0 || strcmp(value, "sales") == 0);
}

/* The label /metrics counts a request under: the template, with known resources only (never ids). */
Test(router, label_is_the_template_with_known_resources)
{
	static const struct { const char *method, *path, *label; } rows[] = {
		{ "POST", "/token", "/token" },
		{ "GET", "/health", "/health" },
		{ "GET", "/api/v1/me", "/api/v1/me" },
		{ "GET", "/api/v1/products", "/api/v1/products" },
		{ "GET", "/api/v1/products/42", "/api/v1/products/{id}" },
		{ "DELETE", "/api/v1/products/42/", "/api/v1/products/{id}" },
		{ "POST", "/api/v1/sales/7/confirm", "/api/v1/sales/{id}/{action}" },
		{ "GET", "/api/v1/no-such-thing", "/api/v1/{res}" },
		{ "GET", "/api/v1/x%22y/1", "/api/v1/{res}/{id}" },
	};

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct request req;
		struct route_match m;
		char label[64];

		memset(&req, 0, sizeof req);
		router_match(table, sizeof table / sizeof table[0], rows[i].method, rows[i].path, &req, &m);
		cr_assert_not_null(m.route, "%s matched nothing", rows[i].path);
		router_label(m.route, req.route_params, known_resource, label, sizeof label);
		cr_assert_str_eq(label, rows[i].label, "%s", rows[i].path);
		router_label(m.route, req.route_params, NULL, label, 12);
		cr_assert(strlen(label) <= 11, "cut to fit");
		request_free(&req);
	}
}
