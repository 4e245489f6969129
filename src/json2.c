/*
 * json2.c: the JSON-2 backend (Odoo 19 and later): POST
 * /json/2/<model>/<method> with the keyword arguments as a JSON object,
 * "Authorization: bearer <API key>" and "X-Odoo-Database: <db>"; the
 * answer is the method's value as JSON, or Odoo's JSON error with the
 * exception's status (odoo_classify_status).  The wire format follows the
 * captures in tests/fixtures/odoo-captures/odoo19 (README.txt there).
 *
 * The answer is read by json-c's tokener straight into the json_object
 * tree the handlers use: no other library's tree in between.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odoo_int.h"
#include "util.h"

/*
 * JSON-2 takes keyword arguments only (the body is bound to the Python
 * signature), so the positional args of odoo_call are named here, from
 * Odoo 19's signatures (odoo/orm/models.py, addons).  Record methods take
 * the records as "ids", the first positional argument; @api.model methods
 * take none.  A method not listed is a record method with no other
 * positional argument (action_confirm and the like).
 */
struct signature {
	const char *method;
	bool        model;       /* @api.model: no ids */
	const char *params[6];   /* names of the positional args after ids */
};

static const struct signature signatures[] = {
	{ "search_read",     true,  { "domain", "fields", "offset", "limit", "order" } },
	{ "web_search_read", true,  { "domain", "specification", "offset", "limit", "order", "count_limit" } },
	{ "search_count",    true,  { "domain", "limit" } },
	{ "search",          true,  { "domain", "offset", "limit", "order" } },
	{ "name_search",     true,  { "name", "domain", "operator", "limit" } },
	{ "fields_get",      true,  { "allfields", "attributes" } },
	{ "create",          true,  { "vals_list" } },
	{ "context_get",     true,  { NULL } },
	/* Odoo 18+ orm/models.py: def default_get(self, fields: Sequence[str]) (fields_list before). */
	{ "default_get",     true,  { "fields" } },
	{ "read",            false, { "fields", "load" } },
	{ "write",           false, { "vals" } },
	{ "has_group",       false, { "group_ext_id" } },
	/* Odoo 18+ orm/models.py: def has_access(self, operation: str) -> bool. */
	{ "has_access",      false, { "operation" } },
	{ "has_groups",      false, { "group_spec" } },
	{ "web_read",        false, { "specification" } },
};

static const struct signature default_signature = { NULL, false, { NULL } };

static const struct signature *
find_signature(const char *method)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(signatures); i++)
		if (strcmp(signatures[i].method, method) == 0)
			return &signatures[i];
	return &default_signature;
}

/*
 * The request body: kwargs, plus args named by the method's signature.
 * NULL (err set, ODOO_E_REQUEST) when an argument has no name.
 */
static json_object *
bind_args(const char *model, const char *method, json_object *args, json_object *kwargs,
          struct odoo_error *err)
{
	const struct signature *sig = find_signature(method);
	json_object *body = odoo_must(json_object_new_object());
	size_t n = json_object_array_length(args), i = 0, p;

	if (!sig->model && n > 0) {
		json_object_object_add(body, "ids", json_object_get(json_object_array_get_idx(args, 0)));
		i = 1;
	}
	for (p = 0; i < n; i++, p++) {
		if (p >= ARRAY_SIZE(sig->params) || sig->params[p] == NULL) {
			json_object_put(body);
			odoo_set_err(err, ODOO_E_REQUEST, "%s.%s: argument %zu has no name JSON-2 knows",
			             model, method, i + 1);
			return NULL;
		}
		json_object_object_add(body, sig->params[p], json_object_get(json_object_array_get_idx(args, i)));
	}
	if (kwargs != NULL) {
		json_object_object_foreach(kwargs, k, v)
			json_object_object_add(body, k, json_object_get(v));
	}
	return body;
}

/*
 * Parses the answer's JSON, at most ODOO_MAX_DEPTH deep; NULL for one
 * that is not JSON.  A JSON null (a method returning None) gives *ok true
 * and NULL.
 */
static json_object *
parse_body(const char *data, size_t n, bool *ok)
{
	struct json_tokener *tok;
	json_object *v = NULL;

	*ok = false;
	if (n == 0 || n > INT32_MAX)
		return NULL;
	tok = json_tokener_new_ex(ODOO_MAX_DEPTH + 1);
	if (tok == NULL)
		odoo_must(NULL);
	v = json_tokener_parse_ex(tok, data, (int)n);
	if (json_tokener_get_error(tok) == json_tokener_continue) {
		/*
		 * A bare scalar (true from write, null from action_lock, 5 from
		 * search_count) is not finished at the end of the bytes: json-c
		 * waits for more until it is given the end of the text, a NUL.
		 * Without it every such answer was "not JSON" (test_json2).
		 */
		v = json_tokener_parse_ex(tok, "", 1);
		*ok = json_tokener_get_error(tok) == json_tokener_success;
	} else if (json_tokener_get_error(tok) == json_tokener_success &&
	           json_tokener_get_parse_end(tok) == n)
		*ok = true;
	else if (json_tokener_get_error(tok) == json_tokener_success) {
		/* trailing bytes: only white space is fine */
		size_t i = json_tokener_get_parse_end(tok);

		while (i < n && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t'))
			i++;
		*ok = i == n;
	}
	json_tokener_free(tok);
	if (!*ok) {
		json_object_put(v);
		v = NULL;
	}
	return v;
}

/* One request: POST (or GET when body is NULL) base + path. */
static enum odoo_err
round_trip(struct odoo *o, const char *path, const char *secret, const char *body,
           long *status, struct odoo_error *err)
{
	const char *hdr[4];
	char *auth = NULL, *db = NULL, *url;
	size_t h = 0;
	enum odoo_err rc;

	if (body != NULL) {
		hdr[h++] = "Content-Type: application/json; charset=utf-8";
		db = xasprintf("X-Odoo-Database: %s", o->db);
		hdr[h++] = db;
	}
	if (secret != NULL) {
		auth = xasprintf("Authorization: bearer %s", secret);
		hdr[h++] = auth;
	}
	hdr[h] = NULL;
	url = xasprintf("%s%s", o->base, path);
	rc = http_request(o->http, url, hdr, body, body ? strlen(body) : 0, status, err);
	free(url);
	free(db);
	if (auth != NULL) {
		explicit_bzero(auth, strlen(auth));
		free(auth);
	}
	return rc;
}

/* Classifies a non-200 answer from its status and, when JSON, Odoo's error body. */
static enum odoo_err
error_answer(struct odoo *o, long status, struct odoo_error *err)
{
	size_t n;
	const char *data = http_body(o->http, &n);
	json_object *e = NULL, *name = NULL, *msg = NULL;
	bool ok = false;

	if (http_is_type(o->http, "application/json"))
		e = parse_body(data, n, &ok);
	if (json_object_is_type(e, json_type_object) &&
	    json_object_object_get_ex(e, "name", &name) && json_object_is_type(name, json_type_string)) {
		json_object_object_get_ex(e, "message", &msg);
		odoo_classify_status(status, json_object_get_string(name),
		                     json_object_is_type(msg, json_type_string) ? json_object_get_string(msg) : "",
		                     err);
	} else {
		odoo_classify_status(status, NULL, NULL, err);
	}
	json_object_put(e);
	return err->code;
}

static enum odoo_err
j2_call(struct odoo *o, long uid, const char *secret, const char *model, const char *method,
        json_object *args, json_object *kwargs, struct odoo_fast *f, json_object **out,
        struct odoo_error *err)
{
	json_object *body;
	const char *text;
	char *path;
	long status = 0;
	enum odoo_err rc;
	bool single_create;

	(void)uid;   /* the key names the user */
	(void)f;     /* the answer is JSON already: json-c's tree is converted where it lies */
	*out = NULL;
	odoo_clear_err(err);
	body = bind_args(model, method, args, kwargs, err);
	if (body == NULL)
		return err->code;
	/* create(vals) with one dict answers its id over XML-RPC, [id] over JSON-2. */
	single_create = strcmp(method, "create") == 0 &&
	                json_object_is_type(json_object_array_get_idx(args, 0), json_type_object);
	text = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	path = xasprintf("/json/2/%s/%s", model, method);
	rc = round_trip(o, path, secret, text, &status, err);
	free(path);
	json_object_put(body);
	if (rc != ODOO_OK)
		return rc;
	if (status != 200)
		return error_answer(o, status, err);
	{
		size_t n;
		const char *data = http_body(o->http, &n);
		bool ok;

		*out = parse_body(data, n, &ok);
		if (!ok)
			return odoo_set_err(err, ODOO_E_BAD_RESPONSE, "%s.%s: the answer is not JSON", model, method);
	}
	if (single_create) {
		json_object *id = json_object_is_type(*out, json_type_array) && json_object_array_length(*out) == 1
		                  ? json_object_get(json_object_array_get_idx(*out, 0)) : NULL;

		json_object_put(*out);
		*out = id;
		if (id == NULL)
			return odoo_set_err(err, ODOO_E_BAD_RESPONSE, "%s.create did not answer one id", model);
	}
	return ODOO_OK;
}

static enum odoo_err
j2_version(struct odoo *o, struct odoo_version *v, struct odoo_error *err)
{
	long status = 0;
	enum odoo_err rc;
	json_object *res, *info, *text;
	size_t n;
	const char *data;
	bool ok;

	odoo_clear_err(err);
	rc = round_trip(o, "/json/version", NULL, NULL, &status, err);
	if (rc != ODOO_OK)
		return rc;
	if (status == 404)
		return odoo_set_err(err, ODOO_E_MISSING, "no /json/version: this Odoo has no JSON-2");
	if (status != 200)
		return odoo_set_err(err, ODOO_E_BAD_RESPONSE, "/json/version: HTTP status %ld", status);
	data = http_body(o->http, &n);
	res = parse_body(data, n, &ok);
	if (!json_object_is_type(res, json_type_object)) {
		json_object_put(res);
		return odoo_set_err(err, ODOO_E_BAD_RESPONSE, "/json/version did not answer an object");
	}
	if (json_object_object_get_ex(res, "version", &text) && json_object_is_type(text, json_type_string))
		snprintf(v->text, sizeof v->text, "%s", json_object_get_string(text));
	if (json_object_object_get_ex(res, "version_info", &info) && json_object_is_type(info, json_type_array)) {
		json_object *a = json_object_array_get_idx(info, 0), *b = json_object_array_get_idx(info, 1);

		v->major = json_object_is_type(a, json_type_int) ? (int)json_object_get_int64(a) : 0;
		v->minor = json_object_is_type(b, json_type_int) ? (int)json_object_get_int64(b) : 0;
	}
	json_object_put(res);
	return ODOO_OK;
}

/*
 * JSON-2 has no login: an API key names its user.  The key's user is
 * res.users.context_get()'s uid, and it must be the login given, so that
 * a key cannot log in under another name.
 */
static enum odoo_err
j2_authenticate(struct odoo *o, const char *login, const char *secret, long *uid, struct odoo_error *err)
{
	json_object *args = odoo_must(json_object_new_array()), *out = NULL, *u, *rargs, *kw, *rec, *l;
	enum odoo_err rc;
	long id = 0;

	*uid = 0;
	rc = j2_call(o, 0, secret, "res.users", "context_get", args, NULL, NULL, &out, err);
	json_object_put(args);
	if (rc == ODOO_E_LOGIN && err->fault_code == 401) {
		odoo_clear_err(err);
		return ODOO_OK;   /* not a key of this database */
	}
	if (rc != ODOO_OK)
		return rc;
	if (json_object_object_get_ex(out, "uid", &u) && json_object_is_type(u, json_type_int))
		id = (long)json_object_get_int64(u);
	json_object_put(out);
	if (id <= 0 || id > INT32_MAX)
		return odoo_set_err(err, ODOO_E_BAD_RESPONSE, "context_get() answered no uid");
	rargs = odoo_must(json_object_new_array());
	json_object_array_add(rargs, odoo_must(json_object_new_array()));
	json_object_array_add(json_object_array_get_idx(rargs, 0), odoo_must(json_object_new_int64(id)));
	kw = odoo_must(json_object_new_object());
	json_object_object_add(kw, "fields", odoo_must(json_object_new_array()));
	json_object_array_add(json_object_object_get(kw, "fields"), odoo_must(json_object_new_string("login")));
	rc = j2_call(o, id, secret, "res.users", "read", rargs, kw, NULL, &out, err);
	json_object_put(rargs);
	json_object_put(kw);
	if (rc != ODOO_OK)
		return rc;
	rec = json_object_array_get_idx(out, 0);
	if (json_object_object_get_ex(rec, "login", &l) && json_object_is_type(l, json_type_string) &&
	    strcmp(json_object_get_string(l), login) == 0)
		*uid = id;
	else
		log_info("odoo: an API key of uid %ld was given with another login", id);
	json_object_put(out);
	return ODOO_OK;
}

const struct odoo_backend odoo_json2 = {
	.name = "json2",
	.protocol = ODOO_PROTO_JSON2,
	.version = j2_version,
	.authenticate = j2_authenticate,
	.call = j2_call,
};
