/* routes.c: the application's route table (DESIGN.md section 3). */
#include "autoconfig.h"

#include "auth.h"
#include "crud.h"
#include "health.h"
#include "sales.h"
#include "server.h"

/*
 * Order matters: the first pattern that matches a path decides its route,
 * so literal paths come before the ":res" captures they would also match.
 */
const struct route app_routes[] = {
	{ "/token", false, { { "POST", auth_token } } },
	{ "/health", false, { { "GET", health_handler } } },
	{ "/api/v1/me", true, { { "GET", auth_me } } },
	{ "/api/v1/:res", true, { { "GET", crud_list }, { "POST", crud_create } } },
	{ "/api/v1/:res/:id", true, {
		{ "GET", crud_get }, { "PUT", crud_update }, { "PATCH", crud_update },
		{ "DELETE", crud_delete } } },
	{ "/api/v1/:res/:id/:action", true, { { "POST", sales_action } } },
};

const size_t app_routes_count = sizeof app_routes / sizeof app_routes[0];
