/* response.h: status, headers, JSON bodies, error envelope, CORS. */
#ifndef OB_RESPONSE_H
#define OB_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "request.h"

struct config;

/* The client-facing messages, each in Spanish and English. */
enum msg {
	MSG_INVALID_TOKEN,       /* 401 No se pudo validar el token */
	MSG_NOT_AUTHENTICATED,   /* 401 no Authorization header */
	MSG_BAD_LOGIN,           /* 401 wrong username or password */
	MSG_API_KEY_REQUIRED,    /* 401 this Odoo takes API keys only (no XML-RPC left) */
	MSG_BAD_PAGINATION,      /* 400 Parámetros de paginación inválidos */
	MSG_BAD_QUERY,           /* 400 malformed query string */
	MSG_BAD_PARAMETER,       /* 400 an unknown or invalid query parameter */
	MSG_BAD_BODY,            /* 400 malformed JSON body */
	MSG_VALIDATION,          /* 400 body fields rejected (with "errors") */
	MSG_FORBIDDEN,           /* 403 Odoo refused (AccessError) */
	MSG_LOGIN_NOT_INTERNAL,  /* 403 at /token: a portal or public user */
	MSG_LOGIN_NO_GROUP,      /* 403 at /token: AUTH_MODE=service, in none of LOGIN_GROUPS */
	MSG_REVOKE_UNAVAILABLE,  /* 503 the revocation list cannot be read or written now */
	MSG_NOT_FOUND,           /* 404 unknown route */
	MSG_RECORD_NOT_FOUND,    /* 404 unknown record */
	MSG_METHOD_NOT_ALLOWED,  /* 405 */
	MSG_BODY_TOO_LARGE,      /* 413 */
	MSG_UNSUPPORTED_MEDIA,   /* 415 */
	MSG_ODOO_REJECTED,       /* 422 when Odoo gave no message */
	MSG_TOO_MANY_LOGINS,     /* 429 */
	MSG_INTERNAL,            /* 500 */
	MSG_ODOO_BAD_ANSWER,     /* 502 */
	MSG_ODOO_UNAVAILABLE,    /* 503 */
	MSG_ODOO_TIMEOUT,        /* 504 */
	MSG_METRICS_DENIED,      /* 403 at /metrics: not in METRICS_ALLOW, no METRICS_TOKEN */
	MSG_BULK_EMPTY,          /* 400 a bulk request naming no record (bulk.c) */
	MSG_BULK_TOO_MANY,       /* 400 more records than BULK_MAX in one bulk request */
	MSG_BULK_LINES,          /* reason: nested lines in an update of several records */
	MSG_BATCH_TOO_MANY,      /* 400 more entries than BATCH_MAX (batch.c) */
	MSG_BATCH_BAD_ENTRY,     /* 400 one malformed batch entry */
	MSG_BATCH_NESTED,        /* 400 a batch inside a batch */
	MSG_BATCH_TOKEN,         /* 400 /token inside a batch */
	MSG_BATCH_FULL,          /* 413 not run: the batch answer reached BATCH_MAX_RESPONSE */
	MSG_EVENTS_TOO_MANY,     /* 429 past EVENTS_MAX_PER_USER open streams (events.c) */
	MSG_EVENTS_NO_STREAM,    /* 400 /api/v1/events where no stream can be sent (inside a batch) */
	MSG_EVENTS_BUSY,         /* 503 the host's stream registry could not be had in time */
	MSG__COUNT
};

/* The text of m in lang (static storage). */
const char *msg_text(enum msg m, enum lang lang);

#define MAX_HEADERS 32

struct header {
	char *name;
	char *value;
};

/* A response being built.  Written once, at the end of the loop turn. */
struct response {
	int           status;     /* 0 until set */
	struct header headers[MAX_HEADERS];
	size_t        n_headers;
	json_object  *body;       /* owned; NULL for no body */
	char         *text;       /* owned: a body that is not JSON (response_text), or NULL */
	size_t        text_len;
	char         *text_type;  /* its Content-Type */
	bool          written;    /* sent by the handler itself (a stream): server.c writes nothing more */
};

void response_init(struct response *res);
/* Frees the headers and drops the body reference; accepts a zeroed struct. */
void response_free(struct response *res);

/*
 * Adds a header.  Refuses (returns false, logs) a name or value containing
 * CR, LF or NUL, or when MAX_HEADERS is reached.  Copies both strings.
 */
bool response_add_header(struct response *res, const char *name, const char *value);
/* Value of an already added header, or NULL. */
const char *response_get_header(const struct response *res, const char *name);

/* Sets the status and the JSON body; takes ownership of body (may be NULL). */
/*
 * A JSON value whose serialisation is text itself (len bytes, valid JSON
 * already: a backend's one-pass conversion), to place in an answer like
 * any json_object.  The text is copied.  New reference.
 */
json_object *json_raw(const char *text, size_t len);

void response_json(struct response *res, int status, json_object *body);

/*
 * Sets the status and a body that is not JSON (e.g. Prometheus's text
 * format): len bytes of text, copied, sent as they are with content_type
 * (a literal, not from outside).  Replaces a JSON body set before.
 */
void response_text(struct response *res, int status, const char *content_type, const char *text, size_t len);

/*
 * The error envelope {"detail", "message", "statusCode"[, "errors"]}.
 * response_error uses the catalogue text of m; response_error_text passes
 * text through (used for Odoo's own UserError messages).  errors, when not
 * NULL, is an object {"field": ["reason", ...]} and is consumed.
 */
void response_error(struct response *res, enum lang lang, int status, enum msg m, json_object *errors);
void response_error_text(struct response *res, int status, const char *text, json_object *errors);

/* Builds the envelope object (for tests and for callers that add fields). */
json_object *error_body(int status, const char *text, json_object *errors);

/*
 * CORS (Fetch standard): when Origin is allowed by CORS_ORIGINS, adds
 * Access-Control-Allow-Origin (the origin itself, with Vary: Origin, or "*"),
 * Access-Control-Expose-Headers: X-Total-Count, X-Request-Id.
 * Returns whether CORS applied.
 */
bool cors_apply(const struct config *cfg, const struct request *req, struct response *res);

/*
 * Answers an OPTIONS preflight: 204 with Allow-Methods / Allow-Headers /
 * Max-Age for an allowed origin; 204 without CORS headers otherwise (the
 * browser then refuses, as it should).  allow is the Allow value of the path.
 */
void cors_preflight(const struct config *cfg, const struct request *req, struct response *res, const char *allow);

/* Standard reason phrase for a status, e.g. "Not Found". */
const char *http_reason(int status);

/*
 * Serialises res as CGI output (RFC 3875 6.2): "Status: 200 OK", headers,
 * Content-Type, a blank line, and the body.  Returns a heap string of *len
 * bytes; the caller frees it.  head_only omits the body (HEAD requests).
 */
char *response_serialize(const struct response *res, const char *request_id, bool head_only, size_t *len);

#endif
