/* server.c: one request's life: parse, route, authenticate, handle, answer, log. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "metrics.h"
#include "odoo.h"
#include "openapi.h"
#include "resource.h"
#include "server.h"
#include "token.h"

void
worker_init(struct worker *w, const struct app *app)
{
	memset(w, 0, sizeof *w);
	w->app = app;
	w->schemas = schema_cache_new();
}

void
worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	odoo_free(w->odoo);
	schema_cache_free(w->schemas);
	schema_scopes_free(w->user_schemas);
	auth_memo_free(w->auth_memo);
	w->auth_memo = NULL;
	w->user_schemas = NULL;
	auth_worker_langs_free(w);
	openapi_cache_free(w->openapi);
	w->openapi = NULL;
	w->odoo = NULL;
	w->schemas = NULL;
}

static bool
method_has_body(const char *m)
{
	return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0;
}

static void
dispatch(struct ctx *c, const struct io_ops *io, struct route_match *m, enum req_err init_rc)
{
	struct request *req = c->req;
	struct response *res = c->res;
	enum req_err rc;

	router_match(app_routes, app_routes_count, req->method, req->path, req, m);
	if (m->status == ROUTE_OPTIONS) {
		cors_preflight(c->cfg, req, res, m->allow);
		return;
	}
	if (init_rc == REQ_BAD_QUERY) {
		response_error(res, req->lang, 400, MSG_BAD_QUERY, NULL);
		return;
	}
	if (init_rc == REQ_BAD_LENGTH) {
		response_error(res, req->lang, 400, MSG_BAD_BODY, NULL);
		return;
	}
	if (m->status == ROUTE_NOT_FOUND) {
		response_error(res, req->lang, 404, MSG_NOT_FOUND, NULL);
		return;
	}
	if (m->status == ROUTE_METHOD_NOT_ALLOWED) {
		response_error(res, req->lang, 405, MSG_METHOD_NOT_ALLOWED, NULL);
		response_add_header(res, "Allow", m->allow);
		return;
	}
	if (method_has_body(req->method)) {
		rc = request_read_body(req, io->read, io->in, c->cfg->max_body);
		if (rc == REQ_TOO_LARGE) {
			response_error(res, req->lang, 413, MSG_BODY_TOO_LARGE, NULL);
			return;
		}
		if (rc != REQ_OK) {
			response_error(res, req->lang, 400, MSG_BAD_BODY, NULL);
			return;
		}
	}
	if (m->route->auth && !auth_require(c))
		return;
	m->fn(c);
	if (res->status == 0) {
		log_error("handler for %s %s set no response", req->method, req->path);
		response_error(res, req->lang, 500, MSG_INTERNAL, NULL);
	}
}

int
server_handle(struct worker *w, char **envp, const struct io_ops *io)
{
	struct request req;
	struct response res;
	struct route_match m;
	struct ctx c;
	enum req_err init_rc;
	char *out;
	size_t len;
	int64_t us;
	int status;

	init_rc = request_init(&req, envp);
	log_set_request_id(req.request_id);
	response_init(&res);
	memset(&c, 0, sizeof c);
	c.w = w;
	c.cfg = &w->app->cfg;
	c.req = &req;
	c.res = &res;
	c.io = io;

	dispatch(&c, io, &m, init_rc);
	if (m.status != ROUTE_OPTIONS)
		cors_apply(c.cfg, &req, &res);

	status = res.status;
	if (!res.written) {
		out = response_serialize(&res, req.request_id, m.head, &len);
		if (io->write(io->out, out, len) != 0)
			log_info("client went away before the answer was written");
		free(out);
	}

	us = now_mono_us() - req.start_us;
	{
		char route[METRICS_LABEL_MAX];

		if (m.route != NULL)
			router_label(m.route, req.route_params, app_route_literal, route, sizeof route);
		metrics_http(m.route != NULL ? route : NULL, req.method, status, us);
	}
	/* The access line: never the query string nor the Authorization header. */
	log_info("%s %s %d %lld.%03lldms%s%s", req.method, req.path, status,
	    (long long)(us / 1000), (long long)(us % 1000),
	    c.user.valid ? " user=" : "", c.user.valid ? c.user.sub : "");
	log_set_request_id(NULL);
	/* The user's Odoo password, opened from the token, stays in no freed stack frame. */
	identity_wipe(&c.user);
	response_free(&res);
	request_free(&req);
	return status;
}
