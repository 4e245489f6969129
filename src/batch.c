/* batch.c: POST /api/v1/batch: several API requests in one HTTP round trip. */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "batch.h"
#include "cache.h"
#include "crud.h"
#include "router.h"
#include "server.h"
#include "token.h"
#include "util.h"

#define BATCH_PATH_MAX 2048   /* bytes of an entry's path and query */
#define BATCH_ID_MAX   64     /* bytes of an entry's id string */

static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };

/* Whether the JSON string v has no NUL inside and at most max bytes. */
static bool
clean_string(json_object *v, size_t max)
{
	const char *s;
	size_t len;

	if (!json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	return len > 0 && len <= max && strlen(s) == len;
}

/* Fills e from one element of "requests"; e->invalid says what is wrong, MSG__COUNT if nothing. */
static void
parse_entry(json_object *o, struct batch_entry *e)
{
	json_object *id = NULL, *method = NULL, *path = NULL, *body = NULL;
	const char *p;

	bool unknown = false;

	memset(e, 0, sizeof(*e));
	e->invalid = MSG_BATCH_BAD_ENTRY;
	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, k, v) {
		if (strcmp(k, "id") == 0)
			id = v;
		else if (strcmp(k, "method") == 0)
			method = v;
		else if (strcmp(k, "path") == 0)
			path = v;
		else if (strcmp(k, "body") == 0)
			body = v;
		else
			unknown = true;   /* a typo the client should hear about */
	}
	/* The id is echoed back even when something else is wrong, so that the client can match the 400. */
	if (clean_string(id, BATCH_ID_MAX) || json_object_is_type(id, json_type_int))
		e->id = id;
	if (e->id == NULL || unknown)
		return;
	if (!clean_string(method, 8) || !clean_string(path, BATCH_PATH_MAX))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(methods); i++)
		if (strcmp(json_object_get_string(method), methods[i]) == 0)
			e->method = methods[i];
	p = json_object_get_string(path);
	if (e->method == NULL || p[0] != '/' || strpbrk(p, "\r\n#") != NULL)
		return;
	/* A body only where the method takes one (and a null body is none). */
	if (body != NULL && !json_object_is_type(body, json_type_null)) {
		if (strcmp(e->method, "GET") == 0 || strcmp(e->method, "DELETE") == 0)
			return;
		e->body = body;
	}
	e->path = p;
	e->invalid = MSG__COUNT;
}

enum batch_err
batch_parse(json_object *doc, size_t max, struct batch_entry **entries, size_t *n)
{
	json_object *list;
	size_t len;

	*entries = NULL;
	*n = 0;
	if (!json_object_is_type(doc, json_type_object) || json_object_object_length(doc) != 1 ||
	    !json_object_object_get_ex(doc, "requests", &list) || !json_object_is_type(list, json_type_array))
		return BATCH_BAD_BODY;
	len = json_object_array_length(list);
	if (len > max)
		return BATCH_TOO_MANY;
	if (len == 0)
		return BATCH_OK;
	*entries = xcalloc(len, sizeof(**entries));
	for (size_t i = 0; i < len; i++)
		parse_entry(json_object_array_get_idx(list, i), &(*entries)[i]);
	*n = len;
	return BATCH_OK;
}

/* ------------------------------------------------------------ sub-requests */

/*
 * The request of entry e as the handlers see one: the batch's CGI
 * variables (the same token, language, SCRIPT_NAME), e's method, path,
 * query and body.  False (r then only good for request_free) when the
 * query string is malformed.
 */
static bool
sub_request(const struct ctx *parent, const struct batch_entry *e, struct request *r)
{
	const char *q = strchr(e->path, '?');
	size_t plen = q != NULL ? (size_t)(q - e->path) : strlen(e->path);
	const char *text;
	bool ok = true;

	memset(r, 0, sizeof(*r));
	r->envp = parent->req->envp;
	r->method = e->method;
	/* Decoded as the web server decodes PATH_INFO for the same request alone. */
	r->path = request_path_decode(e->path, plen);
	memcpy(r->request_id, parent->req->request_id, sizeof(r->request_id));
	r->lang = parent->req->lang;
	r->remote_addr = parent->req->remote_addr;
	r->content_length = -1;
	r->start_us = now_mono_us();
	buf_init(&r->body, parent->cfg->max_body);
	if (q != NULL && params_parse(q + 1, strlen(q + 1), MAX_PARAMS, &r->query) != QS_OK)
		ok = false;
	if (e->body != NULL) {
		text = json_object_to_json_string_ext(e->body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		buf_puts(&r->body, text);
		r->content_type = "application/json";
		r->content_length = (int64_t)r->body.len;
		r->body_read = true;
	}
	return ok;
}

/* A context for a sub-request: the batch's worker, configuration and identity. */
static void
sub_ctx(const struct ctx *parent, struct request *r, struct response *res, struct ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->w = parent->w;
	c->cfg = parent->cfg;
	c->req = r;
	c->res = res;
	c->user = parent->user;
}

static bool
is_token_route(const struct route *r)
{
	for (size_t j = 0; j < ROUTE_MAX_METHODS && r->methods[j].method; j++)
		if (r->methods[j].fn == auth_token || r->methods[j].fn == auth_logout)
			return true;
	return false;
}

/*
 * Runs entry e into res, as server.c's dispatch would run the request
 * alone (the body is read already, the token checked once for the batch).
 */
static void
run_entry(struct ctx *parent, const struct batch_entry *e, struct response *res)
{
	struct request r;
	struct route_match m;
	struct ctx c;
	bool query_ok;

	if (e->invalid != MSG__COUNT) {
		response_error(res, parent->req->lang, 400, e->invalid, NULL);
		return;
	}
	query_ok = sub_request(parent, e, &r);
	sub_ctx(parent, &r, res, &c);
	router_match(app_routes, app_routes_count, r.method, r.path, &r, &m);
	if (m.status != ROUTE_NOT_FOUND && is_token_route(m.route)) {
		response_error(res, r.lang, 400, MSG_BATCH_TOKEN, NULL);
	} else if (m.status == ROUTE_OK && m.fn == batch_handler) {
		response_error(res, r.lang, 400, MSG_BATCH_NESTED, NULL);
	} else if (!query_ok) {
		response_error(res, r.lang, 400, MSG_BAD_QUERY, NULL);
	} else if (m.status == ROUTE_NOT_FOUND) {
		response_error(res, r.lang, 404, MSG_NOT_FOUND, NULL);
	} else if (m.status == ROUTE_METHOD_NOT_ALLOWED) {
		response_error(res, r.lang, 405, MSG_METHOD_NOT_ALLOWED, NULL);
		response_add_header(res, "Allow", m.allow);
	} else {
		/* The batch's own route needs a token: every route the entry reaches has what it needs. */
		m.fn(&c);
		if (res->status == 0) {
			log_error("handler for %s %s set no response", r.method, r.path);
			response_error(res, r.lang, 500, MSG_INTERNAL, NULL);
		}
	}
	log_info("batch: %s %s %d", r.method, r.path, res->status);
	identity_wipe(&c.user);   /* the copy of the user's Odoo password */
	request_free(&r);
}

/* ------------------------------------------------------- merged single GETs */

/*
 * Whether e is a GET of one record (/api/v1/{res}/{id}, no query) of a
 * resource of the table; fills *res and *id.
 */
static bool
single_get(const struct batch_entry *e, const struct resource **res, int64_t *id)
{
	struct request r;
	struct route_match m;
	bool ok = false;

	if (e->invalid != MSG__COUNT || strcmp(e->method, "GET") != 0 || strchr(e->path, '?') != NULL)
		return false;
	memset(&r, 0, sizeof(r));
	r.path = request_path_decode(e->path, strlen(e->path));
	router_match(app_routes, app_routes_count, "GET", r.path, &r, &m);
	if (m.status == ROUTE_OK && (m.fn == crud_get || m.fn == cache_get) && (*res = resource_find(r.route_params[0])) != NULL &&
	    parse_int64(r.route_params[1], 1, INT32_MAX, id))
		ok = true;
	request_free(&r);
	return ok;
}

/*
 * Answers entries[0..n) (GETs of single records of one resource) from one
 * Odoo read, each as crud_get would (the route's cache_get is not asked:
 * one read of n records is what a batch of reads is for).  False, with nothing answered, when
 * the read fails: the caller then runs each alone (and each gets its own
 * error).
 */
static bool
run_merged(struct ctx *parent, const struct batch_entry *entries, size_t n, const struct resource *res,
           const int64_t *ids, struct response *out)
{
	struct request r;
	struct response scratch;
	struct ctx c;
	struct target t;
	struct odoo_error err;
	json_object *by_id = NULL, *rec;
	bool ok = false;
	char key[24];

	memset(&err, 0, sizeof(err));
	memset(&t, 0, sizeof(t));
	t.res = res;
	response_init(&scratch);
	(void)sub_request(parent, &entries[0], &r);
	sub_ctx(parent, &r, &scratch, &c);
	if (crud_load_schema(&c, &t, true) && crud_read_many(&c, &t, ids, n, &by_id, &err) == ODOO_OK) {
		for (size_t i = 0; i < n; i++) {
			snprintf(key, sizeof(key), "%" PRId64, ids[i]);
			if (json_object_object_get_ex(by_id, key, &rec))
				response_json(&out[i], 200, json_object_get(rec));
			else
				response_error(&out[i], r.lang, 404, MSG_RECORD_NOT_FOUND, NULL);
			log_info("batch: GET %s %d (merged read of %zu)", entries[i].path, out[i].status, n);
		}
		ok = true;
	}
	json_object_put(by_id);
	identity_wipe(&c.user);
	response_free(&scratch);
	request_free(&r);
	return ok;
}

/* ------------------------------------------------------------------ answer */

/* {"id", "status", "headers", "body"} of one entry; consumes nothing. */
static json_object *
entry_answer(const struct batch_entry *e, const struct response *res)
{
	json_object *o = json_object_new_object(), *h = json_object_new_object();

	json_object_object_add(o, "id", json_object_get(e->id));
	json_object_object_add(o, "status", json_object_new_int(res->status));
	for (size_t i = 0; i < res->n_headers; i++)
		json_object_object_add(h, res->headers[i].name, json_object_new_string(res->headers[i].value));
	json_object_object_add(o, "headers", h);
	json_object_object_add(o, "body", json_object_get(res->body));
	return o;
}

void
batch_handler(struct ctx *c)
{
	json_object *doc, *answers = NULL, *body;
	struct batch_entry *entries = NULL;
	struct response *res = NULL;
	const struct resource *gres, *r2;
	int64_t *ids = NULL, id;
	size_t n = 0, i, k, used = 0;

	if ((doc = crud_body(c, false)) == NULL)
		return;
	switch (batch_parse(doc, (size_t)c->cfg->batch_max, &entries, &n)) {
	case BATCH_OK:
		break;
	case BATCH_TOO_MANY:
		response_error(c->res, c->req->lang, 400, MSG_BATCH_TOO_MANY, NULL);
		goto out;
	case BATCH_BAD_BODY:
	default:
		response_error(c->res, c->req->lang, 400, MSG_BAD_BODY, NULL);
		goto out;
	}
	res = xcalloc(n > 0 ? n : 1, sizeof(*res));
	ids = xcalloc(n > 0 ? n : 1, sizeof(*ids));
	answers = json_object_new_array();
	for (i = 0; i < n; i += k) {
		json_object *a;

		k = 1;
		if (used >= c->cfg->batch_max_response) {
			response_error(&res[i], c->req->lang, 413, MSG_BATCH_FULL, NULL);
		} else if (single_get(&entries[i], &gres, &ids[i])) {
			while (i + k < n && single_get(&entries[i + k], &r2, &id) && r2 == gres)
				ids[i + k++] = id;
			if (k == 1 || !run_merged(c, &entries[i], k, gres, &ids[i], &res[i]))
				for (size_t j = i; j < i + k; j++)
					run_entry(c, &entries[j], &res[j]);
		} else {
			run_entry(c, &entries[i], &res[i]);
		}
		for (size_t j = i; j < i + k; j++) {
			a = entry_answer(&entries[j], &res[j]);
			used += strlen(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
			json_object_array_add(answers, a);
		}
	}
	body = json_object_new_object();
	json_object_object_add(body, "responses", answers);
	answers = NULL;
	response_json(c->res, 200, body);
out:
	for (i = 0; res != NULL && i < n; i++)
		response_free(&res[i]);
	free(res);
	free(ids);
	free(entries);
	json_object_put(answers);
	json_object_put(doc);
}
