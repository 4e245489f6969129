/*
 * http.h: the HTTP transport both Odoo backends share (libcurl): one
 * reusable handle per client, so that connections are kept where the
 * server or a proxy in front of it allows (Odoo's own server closes every
 * one), timeouts, a cap on the answer's size, no environment proxies.
 */
#ifndef OB_HTTP_H
#define OB_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "odoo.h"

struct http;

/* Returns NULL only when libcurl cannot be initialised. */
struct http *http_new(long timeout_ms, size_t max_response);
void http_free(struct http *h);

/*
 * POSTs len bytes of body to url (GET when body is NULL), with the extra
 * headers (NULL-terminated "Name: value" lines, wiped from memory after
 * the request: they may hold a key).  On ODOO_OK the answer is complete,
 * whatever its status (*status).  Transport failures are classified:
 * ODOO_E_UNREACHABLE (nothing came back), ODOO_E_TIMEOUT, or
 * ODOO_E_BAD_RESPONSE (an answer cut short, over the cap, malformed).
 */
enum odoo_err http_request(struct http *h, const char *url, const char *const *headers,
                           const char *body, size_t len, long *status, struct odoo_error *err);

/* The last answer's body (NUL-terminated; "" when none) and its length. */
const char *http_body(const struct http *h, size_t *len);
/* Whether the last answer's Content-Type starts with type (e.g. "application/json"). */
bool http_is_type(const struct http *h, const char *type);
/* Connections opened by the last request (0 when one was reused). */
long http_new_connections(const struct http *h);

/* Overwrites each occurrence of secret (4 bytes or more) in the text s with '*'. */
void http_redact(char *s, const char *secret);

#endif
