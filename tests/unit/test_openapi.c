/* test_openapi.c: the OpenAPI document's generator and the /docs page (openapi.c). */
#include "autoconfig.h"

#undef NDEBUG
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <openssl/evp.h>

#include "config.h"
#include "openapi.h"
#include "res_fixture.h"
#include "router.h"
#include "server.h"

static const struct rschema *
from_captures(void *ud, const struct resource *res)
{
	(void)ud;
	return fixture_schema(res->name);
}

static const struct rschema *
none(void *ud, const struct resource *res)
{
	int *calls = ud;

	(void)res;
	(*calls)++;
	return NULL;
}

static struct config cfg;

static void
load_config(void)
{
	char *envp[] = { "ODOO_PASSWORD=x", "JWT_SECRET=0123456789abcdef0123456789abcdef", NULL };
	struct config_error err;

	cr_assert(config_load(&cfg, NULL, envp, &err), "%s", err.msg);
}

static void
free_config(void)
{
	config_free(&cfg);
}

/* doc at a JSON pointer-ish path of object keys; NULL when absent. */
static json_object *
at(json_object *doc, const char *const *keys)
{
	json_object *o = doc;

	for (; *keys != NULL; keys++)
		if (!json_object_object_get_ex(o, *keys, &o))
			return NULL;
	return o;
}

#define AT(doc, ...) at((doc), (const char *const[]){ __VA_ARGS__, NULL })

static json_object *
build(const char *prefix)
{
	json_object *doc = openapi_build(&cfg, prefix, from_captures, NULL);

	cr_assert_not_null(doc);
	return doc;
}

static bool
array_has_string(json_object *a, const char *s)
{
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *v = json_object_array_get_idx(a, i);

		if (v != NULL && json_object_is_type(v, json_type_string) && strcmp(json_object_get_string(v), s) == 0)
			return true;
	}
	return false;
}

static bool
array_has_null(json_object *a)
{
	for (size_t i = 0; i < json_object_array_length(a); i++)
		if (json_object_array_get_idx(a, i) == NULL)
			return true;
	return false;
}

/* The list parameter called name of the GET on path, or NULL. */
static json_object *
list_param(json_object *doc, const char *path, const char *name)
{
	json_object *ps = AT(doc, "paths", path, "get", "parameters");

	cr_assert_not_null(ps, "no parameters on GET %s", path);
	for (size_t i = 0; i < json_object_array_length(ps); i++) {
		json_object *p = json_object_array_get_idx(ps, i);

		if (strcmp(json_object_get_string(json_object_object_get(p, "name")), name) == 0)
			return p;
	}
	return NULL;
}

TestSuite(openapi, .init = load_config, .fini = free_config);

Test(openapi, every_route_of_the_router_is_documented_or_deliberately_left_out)
{
	for (size_t i = 0; i < app_routes_count; i++)
		for (size_t k = 0; k < ROUTE_MAX_METHODS && app_routes[i].methods[k].method != NULL; k++)
			cr_expect(openapi_covers(app_routes[i].pattern, app_routes[i].methods[k].method),
			          "%s %s has no entry in openapi.c's doc_routes", app_routes[i].methods[k].method,
			          app_routes[i].pattern);
	cr_expect(!openapi_covers("/api/v1/:res", "HEAD"));
	cr_expect(!openapi_covers("/api/v1/nowhere", "GET"));
}

Test(openapi, paths_per_resource_and_route)
{
	json_object *doc = build("");

	cr_expect_str_eq(json_object_get_string(AT(doc, "openapi")), "3.1.0");
	cr_expect_not_null(AT(doc, "paths", "/api/v1/products", "get"));
	cr_expect_not_null(AT(doc, "paths", "/api/v1/products", "post"));
	cr_expect_not_null(AT(doc, "paths", "/api/v1/products/{id}", "patch"));
	cr_expect_not_null(AT(doc, "paths", "/api/v1/products/{id}", "put"));
	cr_expect_not_null(AT(doc, "paths", "/api/v1/products/{id}", "delete"));
	cr_expect_not_null(AT(doc, "paths", "/api/v1/sales/{id}/confirm", "post"));
	cr_expect_not_null(AT(doc, "paths", "/api/v1/sales/{id}/cancel", "post"));
	cr_expect_not_null(AT(doc, "paths", "/api/v1/sales/{id}/draft", "post"));
	cr_expect_null(AT(doc, "paths", "/api/v1/products/{id}/confirm"), "only sales have workflow actions");
	/* Read-only lookups: GET only. */
	cr_expect_not_null(AT(doc, "paths", "/api/v1/categories", "get"));
	cr_expect_null(AT(doc, "paths", "/api/v1/categories", "post"));
	cr_expect_null(AT(doc, "paths", "/api/v1/countries/{id}", "delete"));
	cr_expect_not_null(AT(doc, "paths", "/token", "post"));
	cr_expect_not_null(AT(doc, "paths", "/token", "delete"));
	cr_expect_not_null(AT(doc, "paths", "/token/revoke", "post"));
	cr_expect_not_null(AT(doc, "paths", "/health", "get"));
	cr_expect_not_null(AT(doc, "paths", "/api/v1/me", "get"));
	cr_expect_null(AT(doc, "paths", "/docs"), "FastAPI leaves its docs out of the document too");
	cr_expect_null(AT(doc, "paths", "/openapi.json"));
	cr_expect_eq(json_object_array_length(AT(doc, "servers")), 1);
	cr_expect_str_eq(json_object_get_string(json_object_object_get(json_object_array_get_idx(AT(doc, "servers"), 0), "url")), "/");
	json_object_put(doc);
}

Test(openapi, field_types_come_from_fields_get)
{
	json_object *doc = build(""), *p = AT(doc, "components", "schemas", "products", "properties"), *t;

	cr_assert_not_null(p);
	t = AT(p, "list_price", "type");
	cr_expect(array_has_string(t, "number") && array_has_string(t, "null"));
	cr_expect_str_eq(json_object_get_string(AT(p, "sale_ok", "type")), "boolean");
	cr_expect_str_eq(json_object_get_string(AT(p, "id", "type")), "integer");
	cr_expect_str_eq(json_object_get_string(AT(p, "write_date", "format")), "date-time");
	cr_expect(json_object_get_boolean(AT(p, "write_date", "readOnly")));
	cr_expect(json_object_get_boolean(AT(p, "qty_available", "readOnly")));
	cr_expect_null(AT(p, "name", "readOnly"));
	/* A selection: Odoo's keys, and null for False. */
	cr_expect(array_has_string(AT(p, "type", "enum"), "consu"));
	cr_expect(array_has_string(AT(p, "type", "enum"), "service"));
	cr_expect(array_has_null(AT(p, "type", "enum")));
	/* A many2one: {id, name} or null. */
	cr_expect_str_eq(json_object_to_json_string_ext(AT(p, "categ_id", "oneOf"), JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	                 "[{\"$ref\":\"#/components/schemas/Many2one\"},{\"type\":\"null\"}]");
	cr_expect_str_eq(json_object_get_string(AT(p, "categ_id", "x-odoo-relation")), "product.category");
	cr_expect_not_null(AT(doc, "components", "schemas", "Many2one", "properties", "name"));
	/* Answers hold nothing else. */
	cr_expect(!json_object_get_boolean(AT(doc, "components", "schemas", "products", "additionalProperties")));
	/* Sales have their lines in the detail. */
	cr_expect_str_eq(json_object_get_string(AT(doc, "components", "schemas", "sales", "properties", "lines", "items", "$ref")),
	                 "#/components/schemas/sale_lines");
	cr_expect_not_null(AT(doc, "components", "schemas", "sale_lines", "properties", "price_subtotal"));
	json_object_put(doc);
}

Test(openapi, write_bodies_take_writable_fields_only)
{
	json_object *doc = build(""), *w = AT(doc, "components", "schemas", "products_write"), *one;

	cr_assert_not_null(w);
	cr_expect_not_null(AT(w, "properties", "name"));
	cr_expect_null(AT(w, "properties", "qty_available"), "read-only: a 400 in a body");
	cr_expect_null(AT(w, "properties", "write_date"));
	cr_expect_null(AT(w, "properties", "id"));
	cr_expect(!json_object_get_boolean(AT(w, "additionalProperties")));
	/* A many2one is written as an id, {"id": id} or null. */
	one = AT(w, "properties", "categ_id", "oneOf");
	cr_expect_eq(json_object_array_length(one), 3);
	cr_expect_null(AT(doc, "components", "schemas", "categories_write"), "read-only resource");
	cr_expect_not_null(AT(doc, "components", "schemas", "sale_lines_write", "properties", "id"));
	cr_expect_str_eq(json_object_get_string(AT(doc, "components", "schemas", "sales_write", "properties", "lines", "items", "$ref")),
	                 "#/components/schemas/sale_lines_write");
	cr_expect_str_eq(json_object_get_string(AT(doc, "paths", "/api/v1/products/{id}", "patch", "requestBody",
	                                           "content", "application/json", "schema", "$ref")),
	                 "#/components/schemas/products_write");
	json_object_put(doc);
}

Test(openapi, list_parameters_follow_query_c)
{
	json_object *doc = build(""), *p;

	cr_expect_not_null(list_param(doc, "/api/v1/products", "page"));
	cr_expect_eq(json_object_get_int(AT(list_param(doc, "/api/v1/products", "limit"), "schema", "maximum")), 100);
	cr_expect_not_null(list_param(doc, "/api/v1/products", "_start"));
	cr_expect_not_null(list_param(doc, "/api/v1/products", "_end"));
	cr_expect_not_null(list_param(doc, "/api/v1/products", "_sort"));
	cr_expect_not_null(list_param(doc, "/api/v1/products", "_order"));
	cr_expect_not_null(list_param(doc, "/api/v1/products", "sort"));
	cr_expect_not_null(list_param(doc, "/api/v1/products", "q"));
	/* Numbers and dates compare; text and many2one match with ilike; booleans only equal. */
	cr_expect_not_null(list_param(doc, "/api/v1/products", "list_price_gte"));
	cr_expect_not_null(list_param(doc, "/api/v1/products", "list_price_lt"));
	cr_expect_null(list_param(doc, "/api/v1/products", "list_price_like"));
	cr_expect_not_null(list_param(doc, "/api/v1/products", "name_like"));
	cr_expect_not_null(list_param(doc, "/api/v1/products", "categ_id_like"));
	cr_expect_null(list_param(doc, "/api/v1/products", "name_gte"));
	cr_expect_null(list_param(doc, "/api/v1/products", "sale_ok_gte"));
	cr_expect_not_null(list_param(doc, "/api/v1/products", "sale_ok_ne"));
	cr_expect_not_null(list_param(doc, "/api/v1/products", "write_date_gte"));
	/* Repeated equality is `in` (Refine's getMany: id=1&id=2). */
	p = list_param(doc, "/api/v1/products", "id");
	cr_assert_not_null(p);
	cr_expect_str_eq(json_object_get_string(AT(p, "schema", "type")), "array");
	cr_expect(json_object_get_boolean(AT(p, "explode")));
	cr_expect(array_has_string(AT(list_param(doc, "/api/v1/products", "type"), "schema", "items", "enum"), "consu"));
	/* qty_available is not stored: Odoo can neither sort nor (in the capture) search it. */
	cr_expect_null(strstr(json_object_get_string(AT(list_param(doc, "/api/v1/products", "_sort"), "description")),
	                      "qty_available"));
	/* Paging answers: an array or the page envelope, with X-Total-Count. */
	cr_expect_not_null(AT(doc, "paths", "/api/v1/products", "get", "responses", "200", "headers", "X-Total-Count"));
	cr_expect_not_null(AT(doc, "components", "schemas", "products_page", "properties", "pages"));
	json_object_put(doc);
}

Test(openapi, statuses_per_operation)
{
	json_object *doc = build(""), *r;

	r = AT(doc, "paths", "/api/v1/products", "get", "responses");
	cr_expect_not_null(AT(r, "200"));
	cr_expect_not_null(AT(r, "401"));
	cr_expect_not_null(AT(r, "400"));
	cr_expect_not_null(AT(r, "503"));
	cr_expect_null(AT(r, "404"));
	cr_expect_null(AT(r, "413"));
	r = AT(doc, "paths", "/api/v1/products/{id}", "patch", "responses");
	cr_expect_not_null(AT(r, "404"));
	cr_expect_not_null(AT(r, "413"));
	cr_expect_not_null(AT(r, "415"));
	cr_expect_not_null(AT(r, "422"));
	cr_expect_not_null(AT(doc, "paths", "/api/v1/products", "post", "responses", "201", "headers", "Location"));
	r = AT(doc, "paths", "/token", "post", "responses");
	cr_expect_not_null(AT(r, "429"));
	cr_expect_null(AT(doc, "paths", "/token", "post", "security"), "the login needs no token");
	cr_expect_not_null(AT(doc, "paths", "/token", "delete", "responses", "204"));
	cr_expect_not_null(AT(doc, "paths", "/api/v1/me", "get", "security"));
	cr_expect_not_null(AT(doc, "paths", "/health", "get", "responses", "503"));
	cr_expect_str_eq(json_object_get_string(AT(doc, "components", "responses", "E422", "content", "application/json",
	                                           "schema", "$ref")),
	                 "#/components/schemas/Error");
	cr_expect_not_null(AT(doc, "components", "responses", "E401", "headers", "WWW-Authenticate"));
	cr_expect_not_null(AT(doc, "components", "schemas", "Error", "properties", "errors"));
	json_object_put(doc);
}

/* The ?id= parameter of the bulk requests on path (method). */
static json_object *
ids_param_of(json_object *doc, const char *path, const char *method)
{
	json_object *ps = AT(doc, "paths", path, method, "parameters"), *p;

	cr_assert_not_null(ps, "no parameters on %s %s", method, path);
	cr_assert_eq(json_object_array_length(ps), 1, "%s %s takes id only", method, path);
	p = json_object_array_get_idx(ps, 0);
	cr_expect_str_eq(json_object_get_string(json_object_object_get(p, "name")), "id");
	cr_expect_str_eq(json_object_get_string(json_object_object_get(p, "in")), "query");
	cr_expect(json_object_get_boolean(json_object_object_get(p, "required")));
	cr_expect(json_object_get_boolean(json_object_object_get(p, "explode")));
	cr_expect_str_eq(json_object_get_string(AT(p, "schema", "type")), "array");
	cr_expect_str_eq(json_object_get_string(AT(p, "schema", "items", "type")), "integer");
	return p;
}

Test(openapi, bulk_writes_and_batch)
{
	json_object *doc = build(""), *r, *l;

	/* Create: one record or an array of them, answered alike. */
	l = AT(doc, "paths", "/api/v1/products", "post", "requestBody", "content", "application/json", "schema", "oneOf");
	cr_assert_not_null(l);
	cr_expect_eq(json_object_array_length(l), 2);
	cr_expect_str_eq(json_object_get_string(AT(json_object_array_get_idx(l, 0), "$ref")),
	                 "#/components/schemas/products_write");
	cr_expect_str_eq(json_object_get_string(AT(json_object_array_get_idx(l, 1), "items", "$ref")),
	                 "#/components/schemas/products_write");
	cr_expect_eq(json_object_get_int(AT(json_object_array_get_idx(l, 1), "maxItems")), cfg.bulk_max);
	cr_expect_not_null(AT(doc, "paths", "/api/v1/products", "post", "responses", "201", "content",
	                      "application/json", "schema", "oneOf"));
	cr_expect(!json_object_get_boolean(AT(doc, "paths", "/api/v1/products", "post", "responses", "201",
	                                      "headers", "Location", "required")), "a bulk create has no Location");
	cr_expect(json_object_get_boolean(AT(doc, "paths", "/api/v1/products", "get", "responses", "200",
	                                     "headers", "X-Total-Count", "required")));

	/* Update, delete and the actions take ?id=, answer arrays, and 404 with errors.ids. */
	static const char *const bulk[][2] = {
		{ "/api/v1/products", "patch" }, { "/api/v1/products", "put" }, { "/api/v1/products", "delete" },
		{ "/api/v1/sales/confirm", "post" }, { "/api/v1/sales/cancel", "post" }, { "/api/v1/sales/draft", "post" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bulk); i++) {
		ids_param_of(doc, bulk[i][0], bulk[i][1]);
		r = AT(doc, "paths", bulk[i][0], bulk[i][1], "responses");
		cr_expect_str_eq(json_object_get_string(AT(r, "200", "content", "application/json", "schema", "type")),
		                 "array", "%s %s", bulk[i][1], bulk[i][0]);
		cr_expect_str_eq(json_object_get_string(AT(r, "404", "$ref")), "#/components/responses/E404Ids");
		cr_expect_not_null(AT(r, "400"));
		cr_expect_not_null(AT(r, "422"));
	}
	cr_expect_null(AT(doc, "paths", "/api/v1/sales/confirm", "post", "requestBody"));
	cr_expect_null(AT(doc, "paths", "/api/v1/products/confirm"), "only sales have workflow actions");
	cr_expect_null(AT(doc, "paths", "/api/v1/categories", "delete"), "read-only lookups");
	/* A sale's lines are refused in a bulk update. */
	cr_expect_not_null(AT(doc, "paths", "/api/v1/sales", "patch", "requestBody", "content", "application/json",
	                      "schema", "not", "required"));
	l = AT(doc, "components", "schemas", "ErrorIds", "allOf");
	cr_assert_not_null(l);
	cr_expect_str_eq(json_object_get_string(AT(json_object_array_get_idx(l, 0), "$ref")), "#/components/schemas/Error");
	cr_expect_not_null(AT(doc, "components", "schemas", "ErrorIds", "properties", "errors", "properties", "ids"));

	/* Batch. */
	r = AT(doc, "paths", "/api/v1/batch", "post");
	cr_assert_not_null(r);
	cr_expect_not_null(AT(r, "security"));
	cr_expect_str_eq(json_object_get_string(AT(r, "requestBody", "content", "application/json", "schema", "$ref")),
	                 "#/components/schemas/BatchRequest");
	cr_expect_str_eq(json_object_get_string(AT(r, "responses", "200", "content", "application/json", "schema",
	                                           "$ref")), "#/components/schemas/BatchResponse");
	cr_expect_not_null(AT(r, "responses", "413"));
	cr_expect_not_null(AT(r, "responses", "415"));
	cr_expect_null(AT(r, "responses", "404"));
	cr_expect_null(AT(r, "responses", "502"), "the entries' Odoo errors are inside the 200");
	cr_expect_eq(json_object_get_int(AT(doc, "components", "schemas", "BatchRequest", "properties", "requests",
	                                    "maxItems")), cfg.batch_max);
	cr_expect_not_null(AT(doc, "components", "schemas", "BatchAnswer", "properties", "headers"));
	json_object_put(doc);
}

/* The route's methods for path, as the router answers them: "" when no route. */
static void
route_allow(const char *method, const char *path, enum route_status want, const char *allow)
{
	struct request r;
	struct route_match m;

	memset(&r, 0, sizeof(r));
	router_match(app_routes, app_routes_count, method, path, &r, &m);
	cr_expect_eq(m.status, want, "%s %s: %d", method, path, m.status);
	if (allow != NULL)
		cr_expect_str_eq(m.allow, allow, "%s %s", method, path);
	request_free(&r);
}

/*
 * The document lists /api/v1/sales/confirm with POST only: a concrete path
 * is matched before /api/v1/sales/{id} (OpenAPI 3.1.0, Paths Object), so
 * the router answers its other methods 405 too, not a record's 404.
 */
Test(openapi, the_router_agrees_on_the_bulk_action_paths)
{
	route_allow("POST", "/api/v1/sales/confirm", ROUTE_OK, "POST, OPTIONS");
	route_allow("GET", "/api/v1/sales/confirm", ROUTE_METHOD_NOT_ALLOWED, "POST, OPTIONS");
	route_allow("DELETE", "/api/v1/sales/cancel", ROUTE_METHOD_NOT_ALLOWED, "POST, OPTIONS");
	route_allow("GET", "/api/v1/sales/31", ROUTE_OK, "GET, PUT, PATCH, DELETE, HEAD, OPTIONS");
	route_allow("POST", "/api/v1/sales/31", ROUTE_METHOD_NOT_ALLOWED, NULL);
	route_allow("POST", "/api/v1/products/confirm", ROUTE_METHOD_NOT_ALLOWED, NULL);
}

Test(openapi, mounted_under_a_prefix)
{
	json_object *doc = build("/erp");

	cr_expect_str_eq(json_object_get_string(AT(doc, "components", "securitySchemes", "OAuth2PasswordBearer",
	                                           "flows", "password", "tokenUrl")), "/erp/token");
	cr_expect_str_eq(json_object_get_string(json_object_object_get(
	                     json_object_array_get_idx(AT(doc, "servers"), 0), "url")), "/erp");
	json_object_put(doc);
}

Test(openapi, no_schema_no_document)
{
	int calls = 0;

	cr_expect_null(openapi_build(&cfg, "", none, &calls));
	cr_expect_eq(calls, 1, "gives up at the first failure");
}

/* Partners as Odoo 19 has them (no mobile), the rest from the captures. */
static const struct rschema *
without_mobile(void *ud, const struct resource *res)
{
	return strcmp(res->model, "res.partner") == 0 ? ud : fixture_schema(res->name);
}

Test(openapi, a_field_gone_from_this_odoo_is_null)
{
	json_object *fg = fixture_fields_get("res.partner");
	struct rschema s;
	json_object *doc;

	json_object_object_del(fg, "mobile");
	cr_assert(schema_parse(resource_find("customers"), fg, &s));
	json_object_put(fg);
	cr_assert_null(rschema_field(&s, "mobile")->odoo);
	doc = openapi_build(&cfg, "", without_mobile, &s);
	cr_assert_not_null(doc);
	cr_expect_str_eq(json_object_get_string(AT(doc, "components", "schemas", "customers", "properties", "mobile", "type")),
	                 "null");
	cr_expect_null(AT(doc, "components", "schemas", "customers_write", "properties", "mobile"));
	cr_expect_null(list_param(doc, "/api/v1/customers", "mobile"), "not searchable where it is gone");
	cr_expect_not_null(list_param(doc, "/api/v1/customers", "email_like"));
	json_object_put(doc);
	rschema_free(&s);
}

Test(openapi, docs_page)
{
	char *csp = NULL;
	char *html = openapi_docs_html("http://127.0.0.1:8123/swagger-ui-dist", "/erp/openapi.json", &csp);
	const char *s, *e;
	unsigned char md[EVP_MAX_MD_SIZE], b64[128];
	unsigned int n = 0;
	char want[160];

	cr_expect_not_null(strstr(html, "<link type=\"text/css\" rel=\"stylesheet\" href=\"http://127.0.0.1:8123/swagger-ui-dist/swagger-ui.css\">"));
	cr_expect_not_null(strstr(html, "<script src=\"http://127.0.0.1:8123/swagger-ui-dist/swagger-ui-bundle.js\"></script>"));
	cr_expect_not_null(strstr(html, "url: \"/erp/openapi.json\""));
	cr_expect_not_null(strstr(csp, "script-src http://127.0.0.1:8123 'sha256-"));
	cr_expect_not_null(strstr(csp, "style-src http://127.0.0.1:8123;"));
	cr_expect_not_null(strstr(csp, "connect-src 'self'"));
	cr_expect_not_null(strstr(csp, "default-src 'none'"));
	/* The hash is the inline script's, byte for byte. */
	s = strstr(html, "<script>");
	cr_assert_not_null(s);
	s += strlen("<script>");
	e = strstr(s, "</script>");
	cr_assert_not_null(e);
	cr_assert(EVP_Digest(s, (size_t)(e - s), md, &n, EVP_sha256(), NULL) == 1);
	EVP_EncodeBlock(b64, md, (int)n);
	snprintf(want, sizeof(want), "'sha256-%s'", b64);
	cr_expect_not_null(strstr(csp, want), "%s not in %s", want, csp);
	free(html);
	free(csp);
}

Test(openapi, docs_page_escapes_urls)
{
	char *csp = NULL;
	char *html = openapi_docs_html("https://cdn.example/x'<y>", "/a\"</script><b>/openapi.json", &csp);

	cr_expect_null(strstr(html, "<b>"));
	cr_expect_null(strstr(html, "a\""));
	cr_expect_not_null(strstr(html, "/a%22%3C/script%3E%3Cb%3E/openapi.json"));
	cr_expect_not_null(strstr(html, "https://cdn.example/x%27%3Cy%3E/swagger-ui.css"));
	cr_expect_not_null(strstr(csp, "script-src https://cdn.example '"));
	free(html);
	free(csp);
}

Test(openapi, docs_settings_default_to_fastapi_s_cdn)
{
	cr_expect(cfg.docs);
	cr_expect_str_eq(cfg.docs_assets_url, "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5");
}
