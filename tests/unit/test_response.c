/* test_response.c: unit tests for response.c: error envelopes in both languages, headers, CORS, CGI output. */
#undef NDEBUG
#include "autoconfig.h"
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "response.h"

struct err_case { int status; enum msg m; char es[80]; char en[64]; };

static const struct err_case err_cases[] = {
	{ 401, MSG_INVALID_TOKEN, "No se pudo validar el token", "Could not validate credentials" },
	{ 400, MSG_BAD_PAGINATION, "Parámetros de paginación inválidos", "Invalid pagination parameters" },
	{ 401, MSG_BAD_LOGIN, "Usuario o contraseña incorrectos", "Incorrect username or password" },
	{ 404, MSG_NOT_FOUND, "No encontrado", "Not found" },
	{ 405, MSG_METHOD_NOT_ALLOWED, "Método no permitido", "Method not allowed" },
	{ 413, MSG_BODY_TOO_LARGE, "El cuerpo de la petición es demasiado grande", "Request body too large" },
	{ 415, MSG_UNSUPPORTED_MEDIA, "Tipo de contenido no soportado", "Unsupported media type" },
	{ 503, MSG_ODOO_UNAVAILABLE, "Odoo no está disponible", "Odoo is unavailable" },
	{ 504, MSG_ODOO_TIMEOUT, "Odoo no respondió a tiempo", "Odoo did not answer in time" },
};

ParameterizedTestParameters(response, error_envelope)
{
	return cr_make_param_array(struct err_case, (void *)err_cases, sizeof err_cases / sizeof err_cases[0]);
}

ParameterizedTest(const struct err_case *c, response, error_envelope)
{
	int lang;

	for (lang = 0; lang < 2; lang++) {
		struct response res;
		json_object *v;
		const char *want = lang == LANG_EN ? c->en : c->es;

		response_init(&res);
		response_error(&res, (enum lang)lang, c->status, c->m, NULL);
		cr_assert_eq(res.status, c->status);
		cr_assert(json_object_object_get_ex(res.body, "detail", &v));
		cr_assert_str_eq(json_object_get_string(v), want);
		cr_assert(json_object_object_get_ex(res.body, "message", &v));
		cr_assert_str_eq(json_object_get_string(v), want);
		cr_assert(json_object_object_get_ex(res.body, "statusCode", &v));
		cr_assert_eq(json_object_get_int(v), c->status);
		cr_assert(!json_object_object_get_ex(res.body, "errors", NULL));
		response_free(&res);
	}
}

Test(response, every_message_has_both_languages)
{
	int m;
	for (m = 0; m < MSG__COUNT; m++) {
		cr_assert_not_null(msg_text((enum msg)m, LANG_ES), "message %d es", m);
		cr_assert_not_null(msg_text((enum msg)m, LANG_EN), "message %d en", m);
		cr_assert_str_neq(msg_text((enum msg)m, LANG_ES), msg_text((enum msg)m, LANG_EN), "message %d", m);
	}
}

Test(response, errors_field)
{
	struct response res;
	json_object *errors = json_object_new_object(), *arr = json_object_new_array(), *v;

	json_object_array_add(arr, json_object_new_string("campo requerido"));
	json_object_object_add(errors, "username", arr);
	response_init(&res);
	response_error(&res, LANG_ES, 400, MSG_VALIDATION, errors);
	cr_assert(json_object_object_get_ex(res.body, "errors", &v));
	cr_assert(json_object_object_get_ex(v, "username", &v));
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 0)), "campo requerido");
	response_free(&res);
}

Test(response, header_injection_refused)
{
	struct response res;
	response_init(&res);
	cr_assert(!response_add_header(&res, "X-Evil", "a\r\nSet-Cookie: x=1"));
	cr_assert(!response_add_header(&res, "X-Evil\n", "a"));
	cr_assert(!response_add_header(&res, "X:Evil", "a"));
	cr_assert(response_add_header(&res, "X-Total-Count", "43"));
	cr_assert_eq(res.n_headers, 1);
	cr_assert_str_eq(response_get_header(&res, "x-total-count"), "43");
	response_free(&res);
}

Test(response, cgi_serialisation)
{
	struct response res;
	size_t len;
	char *out;
	json_object *b = json_object_new_object();

	json_object_object_add(b, "a", json_object_new_string("x/y"));
	response_init(&res);
	response_json(&res, 201, b);
	response_add_header(&res, "Location", "/api/v1/products/7");
	out = response_serialize(&res, "rid1", false, &len);
	cr_assert_str_eq(out,
	    "Status: 201 Created\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: 12\r\n"
	    "X-Request-Id: rid1\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Location: /api/v1/products/7\r\n"
	    "\r\n"
	    "{\"a\":\"x/y\"}\n");
	cr_assert_eq(len, strlen(out));
	free(out);
	out = response_serialize(&res, "rid1", true, &len);
	cr_assert(strstr(out, "Content-Length: 12\r\n") != NULL, "HEAD keeps the length");
	cr_assert_eq(out[len - 1], '\n');
	cr_assert(strstr(out, "x/y") == NULL, "HEAD has no body");
	free(out);
	response_free(&res);
}

Test(response, text_body_goes_out_as_it_is)
{
	struct response res;
	size_t len;
	char *out;

	response_init(&res);
	response_json(&res, 200, json_object_new_object());
	response_text(&res, 200, "text/html; charset=utf-8", "<p>x</p>", 8);
	out = response_serialize(&res, "r", false, &len);
	cr_assert_str_eq(out,
	    "Status: 200 OK\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: 8\r\n"
	    "X-Request-Id: r\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "\r\n"
	    "<p>x</p>");
	free(out);
	out = response_serialize(&res, "r", true, &len);
	cr_assert(strstr(out, "Content-Length: 8\r\n") != NULL, "HEAD keeps the length");
	cr_assert(strstr(out, "<p>") == NULL, "HEAD has no body");
	free(out);
	/* An error after it replaces it. */
	response_error(&res, LANG_ES, 404, MSG_NOT_FOUND, NULL);
	out = response_serialize(&res, "r", false, &len);
	cr_assert(strstr(out, "Content-Type: application/json; charset=utf-8\r\n") != NULL);
	cr_assert(strstr(out, "<p>") == NULL);
	free(out);
	response_free(&res);
}

Test(response, no_content_has_no_body)
{
	struct response res;
	size_t len;
	char *out;

	response_init(&res);
	response_json(&res, 204, json_object_new_object());
	out = response_serialize(&res, "r", false, &len);
	cr_assert(strstr(out, "Status: 204 No Content\r\n") == out);
	cr_assert(strstr(out, "\r\nContent-Type:") == NULL);
	cr_assert(strstr(out, "\r\nContent-Length:") == NULL);
	free(out);
	response_free(&res);
}

static void
load(struct config *cfg, const char *origins)
{
	char var[256];
	char *env[] = { "ODOO_PASSWORD=x", "JWT_SECRET=0123456789abcdef0123456789abcdef", var, NULL };
	struct config_error err;
	snprintf(var, sizeof var, "CORS_ORIGINS=%s", origins);
	cr_assert(config_load(cfg, NULL, env, &err), "%s", err.msg);
}

Test(cors, allowed_origin_reflected_with_vary)
{
	struct config cfg;
	struct request req;
	struct response res;
	char *env[] = { "REQUEST_METHOD=GET", "PATH_INFO=/api/v1/products", "HTTP_ORIGIN=http://localhost:5173", NULL };

	load(&cfg, "http://localhost:5173,https://admin.example.com");
	request_init(&req, env);
	response_init(&res);
	cr_assert(cors_apply(&cfg, &req, &res));
	cr_assert_str_eq(response_get_header(&res, "Access-Control-Allow-Origin"), "http://localhost:5173");
	cr_assert_str_eq(response_get_header(&res, "Vary"), "Origin");
	cr_assert(strstr(response_get_header(&res, "Access-Control-Expose-Headers"), "X-Total-Count") != NULL);
	response_free(&res);
	request_free(&req);
	config_free(&cfg);
}

Test(cors, other_origin_gets_nothing)
{
	struct config cfg;
	struct request req;
	struct response res;
	char *env[] = { "REQUEST_METHOD=GET", "PATH_INFO=/x", "HTTP_ORIGIN=https://evil.example", NULL };
	char *env2[] = { "REQUEST_METHOD=GET", "PATH_INFO=/x", NULL };

	load(&cfg, "http://localhost:5173");
	request_init(&req, env);
	response_init(&res);
	cr_assert(!cors_apply(&cfg, &req, &res));
	cr_assert_eq(res.n_headers, 0);
	request_free(&req);
	request_init(&req, env2);
	cr_assert(!cors_apply(&cfg, &req, &res), "no Origin, no CORS");
	cr_assert_eq(res.n_headers, 0);
	response_free(&res);
	request_free(&req);
	config_free(&cfg);
}

Test(cors, star)
{
	struct config cfg;
	struct request req;
	struct response res;
	char *env[] = { "REQUEST_METHOD=GET", "PATH_INFO=/x", "HTTP_ORIGIN=https://any.example", NULL };

	load(&cfg, "*");
	request_init(&req, env);
	response_init(&res);
	cr_assert(cors_apply(&cfg, &req, &res));
	cr_assert_str_eq(response_get_header(&res, "Access-Control-Allow-Origin"), "*");
	cr_assert_null(response_get_header(&res, "Vary"));
	cr_assert_null(response_get_header(&res, "Access-Control-Allow-Credentials"));
	response_free(&res);
	request_free(&req);
	config_free(&cfg);
}

Test(cors, preflight)
{
	struct config cfg;
	struct request req;
	struct response res;
	char *env[] = { "REQUEST_METHOD=OPTIONS", "PATH_INFO=/api/v1/products", "HTTP_ORIGIN=http://localhost:5173",
		"HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST", "HTTP_ACCESS_CONTROL_REQUEST_HEADERS=authorization,content-type", NULL };
	char *env_bad[] = { "REQUEST_METHOD=OPTIONS", "PATH_INFO=/api/v1/products", "HTTP_ORIGIN=https://evil.example",
		"HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST", NULL };

	load(&cfg, "http://localhost:5173");
	request_init(&req, env);
	response_init(&res);
	cors_preflight(&cfg, &req, &res, "GET, POST, HEAD, OPTIONS");
	cr_assert_eq(res.status, 204);
	cr_assert_str_eq(response_get_header(&res, "Access-Control-Allow-Origin"), "http://localhost:5173");
	cr_assert_str_eq(response_get_header(&res, "Access-Control-Allow-Methods"), "GET, POST, HEAD, OPTIONS");
	cr_assert(strstr(response_get_header(&res, "Access-Control-Allow-Headers"), "Authorization") != NULL);
	cr_assert_not_null(response_get_header(&res, "Access-Control-Max-Age"));
	response_free(&res);
	request_free(&req);

	request_init(&req, env_bad);
	response_init(&res);
	cors_preflight(&cfg, &req, &res, "GET, POST, HEAD, OPTIONS");
	cr_assert_eq(res.status, 204);
	cr_assert_null(response_get_header(&res, "Access-Control-Allow-Origin"));
	cr_assert_null(response_get_header(&res, "Access-Control-Allow-Methods"));
	response_free(&res);
	request_free(&req);
	config_free(&cfg);
}

/* A body that is not JSON (GET /metrics): its own type, its exact length, nothing added. */
Test(response, text_body)
{
	struct response res;
	char *out;
	size_t len;

	response_init(&res);
	response_json(&res, 200, json_object_new_object());
	response_text(&res, 200, "text/plain; version=0.0.4; charset=utf-8", "a 1\nb 2\n", 8);
	out = response_serialize(&res, "rid", false, &len);
	cr_assert_not_null(strstr(out, "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
	cr_assert_not_null(strstr(out, "Content-Length: 8\r\n"));
	cr_assert_null(strstr(out, "application/json"));
	cr_assert(len >= 12 && memcmp(out + len - 12, "\r\n\r\na 1\nb 2\n", 12) == 0, "%s", out);
	free(out);
	out = response_serialize(&res, "rid", true, &len);
	cr_assert(len >= 4 && memcmp(out + len - 4, "\r\n\r\n", 4) == 0, "HEAD: no body");
	free(out);
	/* A JSON error afterwards replaces the text. */
	response_error(&res, LANG_EN, 403, MSG_METRICS_DENIED, NULL);
	out = response_serialize(&res, "rid", false, &len);
	cr_assert_not_null(strstr(out, "application/json"));
	cr_assert_not_null(strstr(out, "Not allowed to read the metrics"));
	free(out);
	response_free(&res);
	response_free(&res);
}
