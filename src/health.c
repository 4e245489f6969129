/* health.c: GET /health, for load balancers and monitoring. */
#include "autoconfig.h"

#include <string.h>

#include "health.h"
#include "odoo.h"

void
health_handler(struct ctx *c)
{
	struct odoo *o = ctx_odoo(c);
	struct odoo_error err;
	json_object *ver = NULL, *body, *odoo, *sv;
	long latency = 0;
	enum odoo_err rc;
	bool login_ok = false;

	memset(&err, 0, sizeof err);
	rc = odoo_version(o, &ver, &latency, &err);
	if (rc == ODOO_OK)
		login_ok = odoo_service_uid(o, &err) > 0;

	odoo = json_object_new_object();
	json_object_object_add(odoo, "reachable", json_object_new_boolean(rc == ODOO_OK));
	if (rc == ODOO_OK && json_object_object_get_ex(ver, "server_version", &sv) &&
	    json_object_is_type(sv, json_type_string))
		json_object_object_add(odoo, "version", json_object_get(sv));
	else
		json_object_object_add(odoo, "version", NULL);
	json_object_object_add(odoo, "latency_ms", json_object_new_int64(latency));
	if (rc == ODOO_OK)
		json_object_object_add(odoo, "login", json_object_new_boolean(login_ok));
	body = json_object_new_object();
	json_object_object_add(body, "status", json_object_new_string(rc == ODOO_OK && login_ok ? "ok" : "unavailable"));
	json_object_object_add(body, "odoo", odoo);
	json_object_put(ver);

	if (rc != ODOO_OK)
		log_warn("health: Odoo %s: %s", odoo_strerror(rc), err.message);
	else if (!login_ok)
		log_error("health: the service account cannot log in to Odoo (check ODOO_DB, ODOO_USERNAME, ODOO_PASSWORD)");
	response_json(c->res, rc == ODOO_OK && login_ok ? 200 : 503, body);
	response_add_header(c->res, "Cache-Control", "no-store");
}
