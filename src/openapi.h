/* openapi.h: GET /openapi.json (the OpenAPI 3.1 document, built from the route and resource tables) and GET /docs. */
#ifndef OB_OPENAPI_H
#define OB_OPENAPI_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "app.h"
#include "resource.h"

/*
 * The exposed fields of res on this Odoo, for openapi_build (a resource of
 * the table, or the child of a resource's nested lines); NULL when they
 * cannot be had (the builder then gives up).
 */
typedef const struct rschema *(*openapi_schema_fn)(void *ud, const struct resource *res);

/*
 * Builds the OpenAPI 3.1 document: one path per route of the documentation
 * table (openapi.c), the ":res" routes once per resource of the table
 * (writes left out for read-only ones, workflow actions for the resources
 * that have some), each field typed by its schema from get (Odoo's
 * fields_get), the list parameters query_parse accepts, the error
 * envelope and the statuses each operation can answer, and the OAuth2
 * password flow at prefix + "/token".  prefix is where the API is mounted
 * (SCRIPT_NAME, "" at the root): the document's server URL.  cfg gives
 * LIST_MAX, JWT_TTL and AUTH_MODE for the descriptions.  Returns a new
 * reference, or NULL when get answered NULL.
 */
json_object *openapi_build(const struct config *cfg, const char *prefix, openapi_schema_fn get, void *ud);

/*
 * The /docs page for Swagger UI loaded from assets (swagger-ui-dist's
 * folder, no trailing slash) and reading the document at openapi_url:
 * FastAPI's get_swagger_ui_html, with the inline script's hash for the
 * Content-Security-Policy.  Both URLs are percent-encoded where a byte
 * could end an HTML attribute or a script string.  Returns a heap string
 * (caller frees) and, in csp (caller frees), the Content-Security-Policy
 * that allows the assets' origin, that script, and the page's own origin
 * for the API calls.
 */
char *openapi_docs_html(const char *assets, const char *openapi_url, char **csp);

/*
 * One entry of the documentation table: whether the route pattern and
 * method (as in app_routes) are documented (or deliberately left out of
 * the document, as /openapi.json and /docs themselves).  For the test
 * that every route is accounted for.
 */
bool openapi_covers(const char *pattern, const char *method);

/* The per-worker cache of the document (built once per mount prefix). */
struct openapi_cache;
/* Frees it; accepts NULL. */
void openapi_cache_free(struct openapi_cache *oc);

/*
 * GET /openapi.json: the document, built on first use from the service
 * account's fields_get (the worker's schema cache; in AUTH_MODE=user a
 * user whose groups hide a field gets records without it) and then kept
 * in w->openapi.  Needs no token, as FastAPI's.  Odoo's failure is
 * answered as any handler's (503, 504, 502); 404 with DOCS=off.
 */
void openapi_handler(struct ctx *c);

/*
 * GET /docs: Swagger UI's page (text/html) with its Content-Security-Policy;
 * no Odoo call.  404 with DOCS=off.
 */
void docs_handler(struct ctx *c);

#endif
