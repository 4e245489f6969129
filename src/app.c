/* app.c: the per-worker Odoo client, made from the configuration on first use. */
#include "autoconfig.h"

#include <stdlib.h>

#include "app.h"
#include "cache.h"
#include "events.h"
#include "odoo.h"
#include "util.h"

struct odoo *
odoo_from_config(const struct config *cfg)
{
	struct odoo_config oc = {
		.url = cfg->odoo_url,
		.db = cfg->odoo_db,
		.username = cfg->odoo_username,
		.password = cfg->odoo_password,
		.api_key = cfg->odoo_api_key,
		.protocol = cfg->odoo_protocol,
		.fast_path = cfg->odoo_fast_path,
		.timeout_ms = cfg->odoo_timeout_ms,
		.max_response = cfg->odoo_max_response,
	};

	return odoo_new(&oc);
}

struct odoo *
ctx_odoo(struct ctx *c)
{
	if (c->w->odoo == NULL) {
		/* Created on first use: CGI start-up and token-only requests stay cheap. */
		c->w->odoo = odoo_from_config(&c->w->app->cfg);
		if (c->w->odoo == NULL) {
			log_error("cannot initialise the HTTP client (libcurl)");
			abort();
		}
		/* Every write through this client invalidates the cached answers that show its model. */
		if (c->w->app->state != NULL) {
			odoo_on_write(c->w->odoo, cache_note_write, c->w->app->state);
			/* ...and is announced to the event streams of the host (events.c). */
			odoo_on_written(c->w->odoo, events_note_written, c->w->app->state);
		}
	}
	return c->w->odoo;
}
