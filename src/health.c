/* health.c: GET /health, for load balancers and monitoring. */
#include "autoconfig.h"

#include <string.h>

#include "health.h"
#include "odoo.h"
#include "state.h"

void
health_handler(struct ctx *c)
{
	struct odoo *o = ctx_odoo(c);
	struct odoo_error err;
	struct odoo_version ver;
	json_object *body, *odoo;
	long latency = 0;
	enum odoo_err rc;
	bool login_ok = false;
	const char *redis;

	memset(&err, 0, sizeof err);
	rc = odoo_version(o, &ver, &latency, &err);
	if (rc == ODOO_OK)
		login_ok = odoo_service_uid(o, &err) > 0;

	odoo = json_object_new_object();
	json_object_object_add(odoo, "reachable", json_object_new_boolean(rc == ODOO_OK));
	json_object_object_add(odoo, "version",
	                       rc == ODOO_OK && ver.text[0] ? json_object_new_string(ver.text) : NULL);
	/* The protocol the bridge speaks to this Odoo: xmlrpc or json2 (auto until decided). */
	json_object_object_add(odoo, "protocol", json_object_new_string(odoo_protocol(o)));
	json_object_object_add(odoo, "latency_ms", json_object_new_int64(latency));
	if (rc == ODOO_OK)
		json_object_object_add(odoo, "login", json_object_new_boolean(login_ok));
	body = json_object_new_object();
	json_object_object_add(body, "status", json_object_new_string(rc == ODOO_OK && login_ok ? "ok" : "unavailable"));
	json_object_object_add(body, "odoo", odoo);
	/* With REDIS_URL: whether the state shared by the hosts is reachable; down costs no request (state.h). */
	if ((redis = state_redis_status(c->w->app->state)) != NULL)
		json_object_object_add(body, "redis", json_object_new_string(redis));

	if (rc != ODOO_OK)
		log_warn("health: Odoo %s: %s", odoo_strerror(rc), err.message);
	else if (!login_ok)
		log_error("health: the service account cannot log in to Odoo (check ODOO_DB, ODOO_USERNAME, ODOO_PASSWORD)");
	response_json(c->res, rc == ODOO_OK && login_ok ? 200 : 503, body);
	response_add_header(c->res, "Cache-Control", "no-store");
}
