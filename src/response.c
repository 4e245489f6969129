/* response.c: status, headers, JSON bodies, the error envelope (es/en) and CORS. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "response.h"

/* The catalogue: Spanish first (the original FastAPI service's language), then English. */
static const char *const messages[MSG__COUNT][2] = {
	[MSG_INVALID_TOKEN]      = { "No se pudo validar el token", "Could not validate credentials" },
	[MSG_NOT_AUTHENTICATED]  = { "No autenticado", "Not authenticated" },
	[MSG_BAD_LOGIN]          = { "Usuario o contraseña incorrectos", "Incorrect username or password" },
	[MSG_API_KEY_REQUIRED]   = { "Este Odoo solo acepta claves API: inicie sesión con una clave API de Odoo como contraseña",
	                             "This Odoo accepts API keys only: log in with an Odoo API key as the password" },
	[MSG_BAD_PAGINATION]     = { "Parámetros de paginación inválidos", "Invalid pagination parameters" },
	[MSG_BAD_QUERY]          = { "Cadena de consulta mal formada", "Malformed query string" },
	[MSG_BAD_PARAMETER]      = { "Parámetro de consulta inválido", "Invalid query parameter" },
	[MSG_BAD_BODY]           = { "Cuerpo JSON mal formado", "Malformed JSON body" },
	[MSG_VALIDATION]         = { "Datos inválidos", "Invalid data" },
	[MSG_FORBIDDEN]          = { "Odoo no permite esta operación", "Odoo does not allow this operation" },
	[MSG_LOGIN_NOT_INTERNAL] = { "Solo los usuarios internos de Odoo pueden usar esta API; "
	                             "los usuarios del portal y públicos no",
	                             "Only internal Odoo users may use this API; portal and public users may not" },
	[MSG_LOGIN_NO_GROUP]     = { "El usuario no pertenece a ninguno de los grupos de Odoo autorizados para esta API",
	                             "The user belongs to none of the Odoo groups allowed to use this API" },
	[MSG_REVOKE_UNAVAILABLE] = { "No se puede comprobar ni cerrar la sesión en este momento; inténtelo de nuevo",
	                             "Sessions cannot be checked or closed right now; try again" },
	[MSG_NOT_FOUND]          = { "No encontrado", "Not found" },
	[MSG_RECORD_NOT_FOUND]   = { "Registro no encontrado", "Record not found" },
	[MSG_METHOD_NOT_ALLOWED] = { "Método no permitido", "Method not allowed" },
	[MSG_BODY_TOO_LARGE]     = { "El cuerpo de la petición es demasiado grande", "Request body too large" },
	[MSG_UNSUPPORTED_MEDIA]  = { "Tipo de contenido no soportado", "Unsupported media type" },
	[MSG_ODOO_REJECTED]      = { "Odoo rechazó los datos", "Odoo rejected the data" },
	[MSG_TOO_MANY_LOGINS]    = { "Demasiados intentos fallidos de inicio de sesión; inténtelo más tarde",
	                             "Too many failed login attempts; try again later" },
	[MSG_INTERNAL]           = { "Error interno del servidor", "Internal server error" },
	[MSG_ODOO_BAD_ANSWER]    = { "Odoo devolvió una respuesta no válida", "Odoo returned an invalid response" },
	[MSG_ODOO_UNAVAILABLE]   = { "Odoo no está disponible", "Odoo is unavailable" },
	[MSG_ODOO_TIMEOUT]       = { "Odoo no respondió a tiempo", "Odoo did not answer in time" },
	[MSG_METRICS_DENIED]     = { "No tiene permiso para ver las métricas", "Not allowed to read the metrics" },
	[MSG_BULK_EMPTY]         = { "La petición no indica ningún registro", "The request names no record" },
	[MSG_BULK_TOO_MANY]      = { "Demasiados registros en una sola petición", "Too many records in one request" },
	[MSG_BULK_LINES]         = { "Las líneas no se pueden cambiar al actualizar varios registros a la vez",
	                             "Lines cannot be changed in an update of several records" },
	[MSG_BATCH_TOO_MANY]     = { "Demasiadas peticiones en un lote", "Too many requests in one batch" },
	[MSG_BATCH_BAD_ENTRY]    = { "Entrada de lote no válida", "Invalid batch entry" },
	[MSG_BATCH_NESTED]       = { "Un lote no puede contener otro lote", "A batch cannot contain another batch" },
	[MSG_BATCH_TOKEN]        = { "/token no se puede usar dentro de un lote", "/token cannot be used inside a batch" },
	[MSG_BATCH_FULL]         = { "La respuesta del lote alcanzó su tamaño máximo; esta petición no se ejecutó",
	                             "The batch answer reached its size limit; this request was not run" },
	[MSG_EVENTS_TOO_MANY]    = { "Demasiados flujos de eventos abiertos para este usuario",
	                             "Too many open event streams for this user" },
	[MSG_EVENTS_NO_STREAM]   = { "Un flujo de eventos no puede ir dentro de un lote",
	                             "An event stream cannot run inside a batch" },
	[MSG_EVENTS_BUSY]        = { "El registro de flujos está ocupado; inténtelo de nuevo",
	                             "The stream registry is busy; try again" },
};

const char *
msg_text(enum msg m, enum lang lang)
{
	if ((unsigned)m >= MSG__COUNT)
		m = MSG_INTERNAL;
	return messages[m][lang == LANG_EN ? 1 : 0];
}

void
response_init(struct response *res)
{
	memset(res, 0, sizeof *res);
}

void
response_free(struct response *res)
{
	size_t i;

	if (res == NULL)
		return;
	for (i = 0; i < res->n_headers; i++) {
		free(res->headers[i].name);
		free(res->headers[i].value);
	}
	res->n_headers = 0;
	json_object_put(res->body);
	res->body = NULL;
	free(res->text);
	free(res->text_type);
	res->text = res->text_type = NULL;
}

static bool
header_safe(const char *s)
{
	for (; *s; s++)
		if (*s == '\r' || *s == '\n')
			return false;
	return true;
}

bool
response_add_header(struct response *res, const char *name, const char *value)
{
	if (!header_safe(name) || !header_safe(value) || *name == '\0' || strchr(name, ':')) {
		log_warn("refusing header %s with CR/LF or a bad name", header_safe(name) ? name : "(unsafe name)");
		return false;
	}
	if (res->n_headers == MAX_HEADERS) {
		log_error("too many response headers; dropping %s", name);
		return false;
	}
	res->headers[res->n_headers].name = xstrdup(name);
	res->headers[res->n_headers].value = xstrdup(value);
	res->n_headers++;
	return true;
}

const char *
response_get_header(const struct response *res, const char *name)
{
	size_t i;
	for (i = 0; i < res->n_headers; i++)
		if (ascii_casecmp(res->headers[i].name, name) == 0)
			return res->headers[i].value;
	return NULL;
}

void
response_json(struct response *res, int status, json_object *body)
{
	json_object_put(res->body);
	free(res->text);
	res->text = NULL;
	res->status = status;
	res->body = body;
}

void
response_text(struct response *res, int status, const char *content_type, const char *text, size_t len)
{
	json_object_put(res->body);
	res->body = NULL;
	free(res->text);
	free(res->text_type);
	res->text = xmalloc(len + 1);
	memcpy(res->text, text, len);
	res->text[len] = '\0';
	res->text_len = len;
	res->text_type = xstrdup(content_type);
	res->status = status;
}

json_object *
error_body(int status, const char *text, json_object *errors)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "detail", json_object_new_string(text));
	json_object_object_add(o, "message", json_object_new_string(text));
	json_object_object_add(o, "statusCode", json_object_new_int(status));
	if (errors != NULL)
		json_object_object_add(o, "errors", errors);
	return o;
}

void
response_error_text(struct response *res, int status, const char *text, json_object *errors)
{
	response_json(res, status, error_body(status, text, errors));
}

void
response_error(struct response *res, enum lang lang, int status, enum msg m, json_object *errors)
{
	response_error_text(res, status, msg_text(m, lang), errors);
}

bool
cors_apply(const struct config *cfg, const struct request *req, struct response *res)
{
	const char *origin = request_header(req, "HTTP_ORIGIN");

	if (!config_origin_allowed(cfg, origin) || !header_safe(origin))
		return false;
	if (response_get_header(res, "Access-Control-Allow-Origin") != NULL)
		return true;
	/*
	 * "*" needs no Vary; a reflected origin does, or a cache could hand one
	 * origin's answer to another (Fetch standard, CORS protocol and HTTP caches).
	 * No Access-Control-Allow-Credentials: the API uses bearer tokens, not
	 * cookies, which is what makes "*" safe to allow.
	 */
	if (cfg->cors_any) {
		response_add_header(res, "Access-Control-Allow-Origin", "*");
	} else {
		response_add_header(res, "Access-Control-Allow-Origin", origin);
		response_add_header(res, "Vary", "Origin");
	}
	response_add_header(res, "Access-Control-Expose-Headers", "X-Total-Count, X-Request-Id, Location");
	return true;
}

void
cors_preflight(const struct config *cfg, const struct request *req, struct response *res, const char *allow)
{
	response_json(res, 204, NULL);
	response_add_header(res, "Allow", allow);
	if (request_header(req, "HTTP_ACCESS_CONTROL_REQUEST_METHOD") == NULL)
		return;   /* a plain OPTIONS, not a preflight */
	if (!cors_apply(cfg, req, res))
		return;   /* no CORS headers: the browser refuses, as it should */
	response_add_header(res, "Access-Control-Allow-Methods", allow);
	response_add_header(res, "Access-Control-Allow-Headers",
	    "Authorization, Content-Type, Accept, Accept-Language, X-Request-Id");
	response_add_header(res, "Access-Control-Max-Age", "600");
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default:  return "Unknown";
	}
}

char *
response_serialize(const struct response *res, const char *request_id, bool head_only, size_t *len)
{
	struct buf b;
	const char *body = NULL;
	size_t body_len = 0, i;
	int status = res->status ? res->status : 500;
	char line[128];

	buf_init(&b, SIZE_MAX / 2);
	if (res->text != NULL && status != 204 && status != 304) {
		body = res->text;
		body_len = res->text_len;
	} else if (res->body != NULL && status != 204 && status != 304) {
		body = json_object_to_json_string_ext(res->body,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		body_len = strlen(body);
	}
	/* RFC 3875 6.3.3: the Status header carries the code to the server. */
	snprintf(line, sizeof line, "Status: %d %s\r\n", status, http_reason(status));
	buf_puts(&b, line);
	if (body != NULL && res->text != NULL) {
		buf_puts(&b, "Content-Type: ");
		buf_puts(&b, res->text_type);
		snprintf(line, sizeof line, "\r\nContent-Length: %zu\r\n", body_len);
		buf_puts(&b, line);
	} else if (body != NULL) {
		buf_puts(&b, "Content-Type: application/json; charset=utf-8\r\n");
		snprintf(line, sizeof line, "Content-Length: %zu\r\n", body_len + 1);
		buf_puts(&b, line);
	}
	if (request_id && *request_id) {
		buf_puts(&b, "X-Request-Id: ");
		buf_puts(&b, request_id);
		buf_puts(&b, "\r\n");
	}
	buf_puts(&b, "X-Content-Type-Options: nosniff\r\n");
	for (i = 0; i < res->n_headers; i++) {
		buf_puts(&b, res->headers[i].name);
		buf_puts(&b, ": ");
		buf_puts(&b, res->headers[i].value);
		buf_puts(&b, "\r\n");
	}
	buf_puts(&b, "\r\n");
	if (body != NULL && !head_only) {
		buf_append(&b, body, body_len);
		if (res->text == NULL)
			buf_puts(&b, "\n");
	}
	*len = b.len;
	return b.data;
}

/* ------------------------------------------------------------ raw JSON */

struct raw_text {
	size_t len;
	char   data[];
};

static int
raw_serialize(json_object *jso, struct printbuf *pb, int level, int flags)
{
	const struct raw_text *r = json_object_get_userdata(jso);

	(void)level;
	(void)flags;
	return printbuf_memappend(pb, r->data, (int)r->len);
}

json_object *
json_raw(const char *text, size_t len)
{
	/* json-c lets an object serialise itself (json_object_set_serializer): an
	 * empty array stands in, and writes the text where it stands. */
	json_object *j = json_object_new_array();
	struct raw_text *r;

	if (j == NULL || len > INT32_MAX) {
		log_error("out of memory in json-c");
		abort();
	}
	r = xmalloc(sizeof(*r) + len);
	r->len = len;
	memcpy(r->data, text, len);
	json_object_set_serializer(j, raw_serialize, r, json_object_free_userdata);
	return j;
}
