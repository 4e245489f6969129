/* routes.c: the application's route table (DESIGN.md section 3). */
#include "autoconfig.h"

#include <string.h>

#include "auth.h"
#include "batch.h"
#include "bulk.h"
#include "cache.h"
#include "crud.h"
#include "events.h"
#include "health.h"
#include "metrics.h"
#include "openapi.h"
#include "resource.h"
#include "sales.h"
#include "server.h"

/* A read-only resource (categories, countries) takes GET only. */
static bool
resource_method_ok(const char *const *params, const char *method)
{
	const struct resource *r = resource_find(params[0]);

	/* An unknown resource keeps every method: its handler answers 404. */
	return r == NULL || !r->read_only || strcmp(method, "GET") == 0;
}

bool
app_route_literal(const char *name, const char *value)
{
	return strcmp(name, "res") == 0 && resource_find(value) != NULL;
}

/*
 * On one record's path, POST is a bulk workflow action (POST
 * /api/v1/sales/confirm?id=1&id=2): it applies only where the second
 * segment names an action of the resource, so /api/v1/products/31 keeps
 * its 405 and its Allow.
 */
static bool
record_method_ok(const char *const *params, const char *method)
{
	if (strcmp(method, "POST") == 0)
		return sales_is_action(params[0], params[1]);
	/* /api/v1/sales/confirm is the bulk action's path, POST only (openapi.c lists it so): 405, not a record's 404. */
	if (sales_is_action(params[0], params[1]))
		return false;
	return resource_method_ok(params, method);
}

/*
 * Order matters: the first pattern that matches a path decides its route,
 * so literal paths come before the ":res" captures they would also match.
 */
const struct route app_routes[] = {
	{ "/token", false, { { "POST", auth_token }, { "DELETE", auth_logout } }, NULL },
	/* auth_logout checks the token itself: /token's POST needs none. */
	{ "/token/revoke", false, { { "POST", auth_logout } }, NULL },
	{ "/health", false, { { "GET", health_handler } }, NULL },
	/* Not public: metrics_handler admits METRICS_ALLOW and METRICS_TOKEN only. */
	{ "/metrics", false, { { "GET", metrics_handler } }, NULL },
	/* The API's documentation, public as FastAPI's (DOCS=off answers 404). */
	{ "/openapi.json", false, { { "GET", openapi_handler } }, NULL },
	{ "/docs", false, { { "GET", docs_handler } }, NULL },
	{ "/api/v1/me", true, { { "GET", auth_me } }, NULL },
	{ "/api/v1/batch", true, { { "POST", batch_handler } }, NULL },
	/* Server-Sent Events: the answer is a stream (events.c). */
	{ "/api/v1/events", true, { { "GET", events_handler } }, NULL },
	/* PATCH, PUT and DELETE of the collection take ?id=1&id=2 (bulk.c); POST takes an array too.
	 * GETs go through the response cache (cache.c). */
	{ "/api/v1/:res", true, { { "GET", cache_list }, { "POST", crud_create }, { "PATCH", bulk_update },
		{ "PUT", bulk_update }, { "DELETE", bulk_delete } }, resource_method_ok },
	{ "/api/v1/:res/:id", true, {
		{ "GET", cache_get }, { "PUT", crud_update }, { "PATCH", crud_update },
		{ "DELETE", crud_delete }, { "POST", sales_bulk_action } }, record_method_ok },
	{ "/api/v1/:res/:id/:action", true, { { "POST", sales_action } }, NULL },
};

const size_t app_routes_count = sizeof app_routes / sizeof app_routes[0];
