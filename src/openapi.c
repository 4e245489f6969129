/* openapi.c: GET /openapi.json (the OpenAPI 3.1 document, built from the route and resource tables) and GET /docs. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "odoo_answer.h"
#include "openapi.h"
#include "query.h"
#include "sales.h"
#include "util.h"

/*
 * The OpenAPI Specification 3.1.0 (spec.openapis.org/oas/v3.1.0) is the
 * reference for every object built here; its Schema Objects are JSON Schema
 * 2020-12, so "nullable" is spelled type: [..., "null"].
 */

/* ------------------------------------------------------------ the table */

/* What an operation is: decides its request body and its answers. */
enum op_kind {
	OPK_HIDDEN,   /* served, deliberately not in the document (as FastAPI leaves out /docs) */
	OPK_TOKEN, OPK_LOGOUT, OPK_HEALTH, OPK_ME,
	OPK_LIST, OPK_CREATE, OPK_GET, OPK_UPDATE, OPK_DELETE, OPK_ACTION,
	OPK_BULK_UPDATE, OPK_BULK_DELETE, OPK_BULK_ACTION,   /* ?id=1&id=2 (bulk.c, sales.c) */
	OPK_BATCH,
	OPK_EVENTS,   /* GET /api/v1/events: a text/event-stream (events.c) */
};

#define OPF_SECURED  0x01u  /* needs a bearer token: security requirement and 401 */
#define OPF_ODOO     0x02u  /* calls Odoo: 403 (AccessError), 422 (UserError), 502, 503, 504 */
#define OPF_JSON     0x04u  /* reads a typed body: 415 for another media type */
#define OPF_RECORD   0x08u  /* one record: 404 when it is absent or outside the base domain */
#define OPF_LOGIN    0x10u  /* /token: 401 for a wrong login, 429 throttled */
#define OPF_STATE    0x20u  /* needs the shared revocation list: 503 when it cannot be used */
#define OPF_IDS      0x40u  /* takes ?id=1&id=2 (bulk.h): 404 naming the missing ones in errors.ids */
#define OPF_LIMITED  0x80u  /* bounded per user: 429 */

/*
 * Every route of app_routes (routes.c), with what the document says about
 * it.  A new route is one entry here; tests/unit/test_openapi.c fails for a
 * route of app_routes that has none.  ":res" patterns are documented once
 * per resource of the table, ":action" once per workflow action (sales.c);
 * so is OPK_BULK_ACTION's ":id", which is the action's name there
 * (POST /api/v1/sales/confirm?id=1&id=2).
 */
static const struct doc_route {
	const char  *pattern;
	const char  *method;
	enum op_kind kind;
	unsigned     flags;
	const char  *summary;
} doc_routes[] = {
	{ "/token", "POST", OPK_TOKEN, OPF_ODOO | OPF_JSON | OPF_LOGIN,
	  "Log in: a bearer token for an Odoo user (OAuth2 password flow)" },
	{ "/token", "DELETE", OPK_LOGOUT, OPF_SECURED | OPF_STATE, "Log out: revoke this token" },
	{ "/token/revoke", "POST", OPK_LOGOUT, OPF_SECURED | OPF_STATE, "Log out: revoke this token" },
	{ "/health", "GET", OPK_HEALTH, 0, "Whether Odoo answers and the service account logs in" },
	{ "/api/v1/me", "GET", OPK_ME, OPF_SECURED | OPF_ODOO, "The logged-in user" },
	{ "/api/v1/:res", "GET", OPK_LIST, OPF_SECURED | OPF_ODOO, "List" },
	{ "/api/v1/:res", "POST", OPK_CREATE, OPF_SECURED | OPF_ODOO | OPF_JSON,
	  "Create (one record, or an array of them)" },
	{ "/api/v1/:res", "PATCH", OPK_BULK_UPDATE, OPF_SECURED | OPF_ODOO | OPF_JSON | OPF_IDS,
	  "Bulk update: the given fields of every id" },
	{ "/api/v1/:res", "PUT", OPK_BULK_UPDATE, OPF_SECURED | OPF_ODOO | OPF_JSON | OPF_IDS,
	  "Bulk update (as PATCH)" },
	{ "/api/v1/:res", "DELETE", OPK_BULK_DELETE, OPF_SECURED | OPF_ODOO | OPF_IDS,
	  "Bulk delete (answers the records as they were)" },
	{ "/api/v1/:res/:id", "GET", OPK_GET, OPF_SECURED | OPF_ODOO | OPF_RECORD, "Read one" },
	{ "/api/v1/:res/:id", "PUT", OPK_UPDATE, OPF_SECURED | OPF_ODOO | OPF_JSON | OPF_RECORD,
	  "Update the given fields (as PATCH)" },
	{ "/api/v1/:res/:id", "PATCH", OPK_UPDATE, OPF_SECURED | OPF_ODOO | OPF_JSON | OPF_RECORD,
	  "Update the given fields" },
	{ "/api/v1/:res/:id", "DELETE", OPK_DELETE, OPF_SECURED | OPF_ODOO | OPF_RECORD,
	  "Delete (answers the record as it was)" },
	{ "/api/v1/:res/:id/:action", "POST", OPK_ACTION, OPF_SECURED | OPF_ODOO | OPF_RECORD,
	  "Workflow action" },
	{ "/api/v1/:res/:id", "POST", OPK_BULK_ACTION, OPF_SECURED | OPF_ODOO | OPF_IDS,
	  "Bulk workflow action" },
	/* Not OPF_ODOO: the entries' Odoo errors are inside its 200. */
	{ "/api/v1/batch", "POST", OPK_BATCH, OPF_SECURED | OPF_JSON | OPF_STATE,
	  "Several API requests in one round trip (not atomic)" },
	{ "/api/v1/events", "GET", OPK_EVENTS, OPF_SECURED | OPF_ODOO | OPF_STATE | OPF_LIMITED,
	  "Server-Sent Events: which records of the given resources change" },
	{ "/openapi.json", "GET", OPK_HIDDEN, 0, NULL },
	{ "/docs", "GET", OPK_HIDDEN, 0, NULL },
	/* Not public (METRICS_ALLOW, METRICS_TOKEN), and not JSON: left out as a Prometheus exporter's is. */
	{ "/metrics", "GET", OPK_HIDDEN, 0, NULL },
};

bool
openapi_covers(const char *pattern, const char *method)
{
	for (size_t i = 0; i < ARRAY_SIZE(doc_routes); i++)
		if (strcmp(doc_routes[i].pattern, pattern) == 0 && strcmp(doc_routes[i].method, method) == 0)
			return true;
	return false;
}

/* Error answers: when each status happens (DESIGN.md section 3, "Errors"). */
static const struct {
	int         status;
	const char *when;
} error_statuses[] = {
	{ 400, "Malformed query string or body, unknown or invalid parameter or field (`errors` names them), "
	       "bad pagination" },
	{ 401, "No token, or a token that is invalid, expired or revoked; a wrong login at /token" },
	{ 403, "Odoo refused the operation (access rights, record rules); at /token, a portal or public user, "
	       "or (AUTH_MODE=service) a user in none of LOGIN_GROUPS" },
	{ 404, "No such record, or outside the resource (e.g. a customer under /suppliers)" },
	{ 413, "Body over MAX_BODY" },
	{ 415, "Body that is not application/json (a form too at /token)" },
	{ 422, "Odoo rejected the data or the transition: its message passes through" },
	{ 429, "Too many failed logins from this address or for this login; at /api/v1/events, too many open "
	       "streams for this user (EVENTS_MAX_PER_USER): see Retry-After" },
	{ 502, "Odoo answered something unexpected" },
	{ 503, "Odoo unreachable, or the service account cannot log in; at logout, the revocation list is busy" },
	{ 504, "Odoo did not answer within ODOO_TIMEOUT_MS" },
};

/* ------------------------------------------------------------ json helpers */

static json_object *
jstr(const char *s)
{
	return json_object_new_string(s);
}

static void
set(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static void
set_str(json_object *o, const char *key, const char *v)
{
	set(o, key, jstr(v));
}

/* {"type": t} */
static json_object *
type1(const char *t)
{
	json_object *o = json_object_new_object();

	set_str(o, "type", t);
	return o;
}

/* {"type": [t, "null"]}: Odoo's False for an empty field is the API's null. */
static json_object *
type_or_null(const char *t)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_array_add(a, jstr(t));
	json_object_array_add(a, jstr("null"));
	set(o, "type", a);
	return o;
}

/* {"$ref": "#/components/<kind>/<name>"} */
static json_object *
ref(const char *kind, const char *name)
{
	json_object *o = json_object_new_object();
	char *r = xasprintf("#/components/%s/%s", kind, name);

	set_str(o, "$ref", r);
	free(r);
	return o;
}

/* {"oneOf": [a, b]}; consumes both. */
static json_object *
one_of(json_object *a, json_object *b)
{
	json_object *o = json_object_new_object(), *l = json_object_new_array();

	json_object_array_add(l, a);
	json_object_array_add(l, b);
	set(o, "oneOf", l);
	return o;
}

/* {"type": "array", "items": items}; consumes items. */
static json_object *
array_of(json_object *items)
{
	json_object *o = type1("array");

	set(o, "items", items);
	return o;
}

/* An object schema with no other keys than its properties. */
static json_object *
closed_object(json_object *props, json_object *required)
{
	json_object *o = type1("object");

	set(o, "properties", props);
	if (required != NULL)
		set(o, "required", required);
	set(o, "additionalProperties", json_object_new_boolean(0));
	return o;
}

static json_object *
str_list(const char *const *v, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, jstr(v[i]));
	return a;
}

/* {"content": {"application/json": {"schema": schema}}} added to o. */
static void
json_content(json_object *o, json_object *schema)
{
	json_object *content = json_object_new_object(), *mt = json_object_new_object();

	set(mt, "schema", schema);
	set(content, "application/json", mt);
	set(o, "content", content);
}

/* --------------------------------------------------------- field schemas */

static const char *
ftype_name(enum ftype t)
{
	static const char *const names[] = {
		[FT_BOOLEAN] = "boolean", [FT_INTEGER] = "integer", [FT_FLOAT] = "float",
		[FT_MONETARY] = "monetary", [FT_CHAR] = "char", [FT_TEXT] = "text", [FT_HTML] = "html",
		[FT_DATE] = "date", [FT_DATETIME] = "datetime", [FT_SELECTION] = "selection",
		[FT_MANY2ONE] = "many2one", [FT_ONE2MANY] = "one2many", [FT_MANY2MANY] = "many2many",
	};

	return (size_t)t < ARRAY_SIZE(names) ? names[t] : "unknown";
}

/* The selection's keys, plus null when with_null. */
static json_object *
selection_enum(const struct xfield *f, bool with_null)
{
	json_object *a = str_list((const char *const *)f->selection, f->n_selection);

	if (with_null)
		json_object_array_add(a, NULL);
	return a;
}

/* Odoo's own attributes of the field, as specification extensions (x-...). */
static void
odoo_extensions(json_object *o, const struct xfield *f)
{
	set_str(o, "x-odoo-type", ftype_name(f->type));
	if (f->relation != NULL)
		set_str(o, "x-odoo-relation", f->relation);
	if (f->required)
		set(o, "x-odoo-required", json_object_new_boolean(1));
}

/*
 * The schema of a value of a field that is not relational.  In answers and
 * bodies it is nullable, since Odoo's False for an empty field is the
 * API's null (value.c); datetime_note describes their RFC 3339 values.  As
 * a filter value (nullable false, datetime_note NULL) a datetime may also
 * be a bare date (query.c, filter_value).
 */
static json_object *
scalar_schema(const struct xfield *f, bool nullable, const char *datetime_note)
{
	json_object *(*type)(const char *) = nullable ? type_or_null : type1;
	json_object *o;

	switch (f->type) {
	case FT_BOOLEAN:
		return type("boolean");
	case FT_INTEGER:
		return type("integer");
	case FT_FLOAT:
	case FT_MONETARY:
		return type("number");
	case FT_DATE:
		o = type("string");
		set_str(o, "format", "date");
		return o;
	case FT_DATETIME:
		o = type("string");
		if (datetime_note != NULL)
			set_str(o, "format", "date-time");
		set_str(o, "description", datetime_note != NULL ? datetime_note
		                                                : "RFC 3339, or YYYY-MM-DD (midnight UTC)");
		return o;
	case FT_SELECTION:
		o = type("string");
		set(o, "enum", selection_enum(f, nullable));
		return o;
	case FT_HTML:
		o = type("string");
		set_str(o, "contentMediaType", "text/html");
		return o;
	default:   /* char, text */
		return type("string");
	}
}

/* The schema of f's value in an answer (value.c, value_from_odoo). */
static json_object *
field_out(const struct xfield *f)
{
	json_object *o;

	if (f->odoo == NULL) {
		o = type1("null");
		set_str(o, "description", "Not on this Odoo version: always null");
		set(o, "readOnly", json_object_new_boolean(1));
		return o;
	}
	if (f->type == FT_BOOLEAN) {
		o = type1("boolean");   /* booleans stay booleans */
	} else if (f->type == FT_INTEGER && strcmp(f->name, "id") == 0) {
		o = type1("integer");
	} else if (f->type == FT_MANY2ONE) {
		o = one_of(ref("schemas", "Many2one"), type1("null"));
	} else if (f->type == FT_ONE2MANY || f->type == FT_MANY2MANY) {
		o = array_of(type1("integer"));
		set_str(o, "description", "ids");
	} else {
		o = scalar_schema(f, true, "UTC, RFC 3339");
	}
	if (f->flags & RF_RO)
		set(o, "readOnly", json_object_new_boolean(1));
	odoo_extensions(o, f);
	return o;
}

/* A positive 32-bit id (Odoo's ids). */
static json_object *
id_schema(void)
{
	json_object *o = type1("integer");

	set(o, "minimum", json_object_new_int(1));
	set(o, "maximum", json_object_new_int(2147483647));
	return o;
}

/* The schema of f's value in a body (value.c, value_to_odoo); null clears the field. */
static json_object *
field_in(const struct xfield *f)
{
	json_object *o, *l, *idobj, *props;

	if (f->type == FT_MANY2ONE) {
		/* An id, or what the API answered ({"id", "name"}: the name is ignored). */
		props = json_object_new_object();
		set(props, "id", id_schema());
		idobj = type1("object");
		set(idobj, "properties", props);
		l = json_object_new_array();
		json_object_array_add(l, jstr("id"));
		set(idobj, "required", l);
		o = json_object_new_object();
		l = json_object_new_array();
		json_object_array_add(l, id_schema());
		json_object_array_add(l, idobj);
		json_object_array_add(l, type1("null"));
		set(o, "oneOf", l);
	} else if (f->type == FT_ONE2MANY || f->type == FT_MANY2MANY) {
		o = type_or_null("array");
		set(o, "items", id_schema());
		set_str(o, "description", "the full list of ids (replaces the current one)");
	} else {
		o = scalar_schema(f, true, "RFC 3339, any offset");
	}
	odoo_extensions(o, f);
	return o;
}

/* Component names: the resource's name, "<name>_write", "<name>_page". */
static char *
comp_name(const struct resource *res, const char *suffix)
{
	return xasprintf("%s%s", res->name, suffix);
}

/* The record schema of s (with its nested lines from ls, detail answers only). */
static json_object *
record_schema(const struct rschema *s, const struct rschema *ls)
{
	json_object *props = json_object_new_object(), *req = json_object_new_array(), *o, *lines;
	char *d;

	for (size_t i = 0; i < s->n; i++)
		set(props, s->f[i].name, field_out(&s->f[i]));
	if (ls != NULL) {
		char *child = comp_name(ls->res, "");

		lines = array_of(ref("schemas", child));
		free(child);
		set_str(lines, "description", "In the answers on one record only (not in lists)");
		set(props, s->res->lines->key, lines);
	}
	json_object_array_add(req, jstr("id"));
	o = closed_object(props, req);
	d = xasprintf("A record of %s (Odoo model %s).  The fields the caller's Odoo groups may not read are left out.",
	              s->res->name, s->res->model);
	set_str(o, "description", d);
	free(d);
	set_str(o, "x-odoo-model", s->res->model);
	return o;
}

/* The body schema of a create or update: writable fields only (the others are a 400). */
static json_object *
write_schema(const struct rschema *s, const struct rschema *ls, bool line)
{
	json_object *props = json_object_new_object(), *o;

	if (line) {
		json_object *id = id_schema();

		set_str(id, "description", "An existing line to update; without it the line is added");
		set(props, "id", id);
	}
	for (size_t i = 0; i < s->n; i++)
		if (xfield_writable(&s->f[i]) && s->f[i].odoo != NULL)
			set(props, s->f[i].name, field_in(&s->f[i]));
	if (ls != NULL) {
		char *child = comp_name(ls->res, "_write");
		json_object *lines = array_of(ref("schemas", child));

		free(child);
		set_str(lines, "description", "The full desired list of lines: an entry with id updates that line, "
		        "one without adds a line, a line left out is removed; all in one Odoo call");
		set(props, s->res->lines->key, lines);
	}
	o = closed_object(props, NULL);
	set_str(o, "description", line ? "A line as written: the lines' writable fields, and id to keep one"
	                               : "The fields to set: writable fields only, any subset (PATCH, PUT) "
	                                 "or what Odoo requires (POST)");
	return o;
}

/* {"items", "total", "page", "limit", "pages"}: the original API's page. */
static json_object *
page_schema(const struct resource *res)
{
	static const char *const keys[] = { "items", "total", "page", "limit", "pages" };
	json_object *props = json_object_new_object();
	char *name = comp_name(res, "");

	set(props, "items", array_of(ref("schemas", name)));
	free(name);
	for (size_t i = 1; i < ARRAY_SIZE(keys); i++)
		set(props, keys[i], type1("integer"));
	return closed_object(props, str_list(keys, ARRAY_SIZE(keys)));
}

/* ----------------------------------------------------------- parameters */

static json_object *
param(const char *name, const char *in, json_object *schema, const char *desc)
{
	json_object *p = json_object_new_object();

	set_str(p, "name", name);
	set_str(p, "in", in);
	if (strcmp(in, "path") == 0)
		set(p, "required", json_object_new_boolean(1));
	set(p, "schema", schema);
	if (desc != NULL)
		set_str(p, "description", desc);
	return p;
}

static json_object *
int_range(long long min, long long max, long long def)
{
	json_object *o = type1("integer");

	set(o, "minimum", json_object_new_int64(min));
	if (max > 0)
		set(o, "maximum", json_object_new_int64(max));
	if (def > 0)
		set(o, "default", json_object_new_int64(def));
	return o;
}

/* The schema of one filter value of f (query.c, filter_value). */
static json_object *
filter_schema(const struct xfield *f, bool like)
{
	if (like)
		return type1("string");
	if (f->type == FT_MANY2ONE || f->type == FT_ONE2MANY || f->type == FT_MANY2MANY)
		return id_schema();
	return scalar_schema(f, false, NULL);
}

/* The names of s's fields that pass keep, comma-separated. */
static char *
field_list(const struct rschema *s, bool (*keep)(const struct xfield *))
{
	struct buf b;
	char *out;

	buf_init(&b, 65536);
	for (size_t i = 0; i < s->n; i++) {
		if (!keep(&s->f[i]))
			continue;
		if (b.len > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, s->f[i].name);
	}
	out = xstrdup(b.data != NULL ? b.data : "");
	buf_free(&b);
	return out;
}

static bool
is_sortable(const struct xfield *f)
{
	return f->odoo != NULL && f->sortable;
}

static bool
is_q(const struct xfield *f)
{
	return f->odoo != NULL && f->searchable && (f->flags & RF_Q);
}

/* The list parameters of s (query.h, query_parse): paging, sorting, q and the filters. */
static json_object *
list_params(const struct config *cfg, const struct rschema *s)
{
	json_object *ps = json_object_new_array(), *o;
	char *d, *names;

	json_object_array_add(ps, param("page", "query", int_range(1, 2147483647, 0),
	    "The original API's paging: page number (with limit; the answer is {items, total, page, limit, pages})"));
	json_object_array_add(ps, param("limit", "query", int_range(1, 100, 10), "Records per page (with page)"));
	d = xasprintf("Refine's paging: first record, from 0 (with _end; the answer is an array and X-Total-Count). "
	              "Neither style: the first %ld records.", cfg->list_max);
	json_object_array_add(ps, param("_start", "query", int_range(0, 2147483647, 0), d));
	free(d);
	d = xasprintf("One past the last record; at most %ld records per answer (LIST_MAX)", cfg->list_max);
	json_object_array_add(ps, param("_end", "query", int_range(0, 2147483647, 0), d));
	free(d);
	names = field_list(s, is_sortable);
	d = xasprintf("Refine's sort: comma-separated fields among: %s (id is added as the last key)", names);
	json_object_array_add(ps, param("_sort", "query", type1("string"), d));
	free(d);
	o = type1("string");
	/* ECMA-262, as JSON Schema patterns are: no inline flags. */
	set_str(o, "pattern", "^([Aa][Ss][Cc]|[Dd][Ee][Ss][Cc])(,([Aa][Ss][Cc]|[Dd][Ee][Ss][Cc]))*$");
	json_object_array_add(ps, param("_order", "query", o, "asc or desc for each _sort field, comma-separated"));
	d = xasprintf("The original API's sort: a,-b (- for descending), fields among: %s; not with _sort", names);
	json_object_array_add(ps, param("sort", "query", type1("string"), d));
	free(d);
	free(names);
	names = field_list(s, is_q);
	if (names[0] != '\0') {
		d = xasprintf("Search: ilike over %s, OR-ed", names);
		json_object_array_add(ps, param("q", "query", type1("string"), d));
		free(d);
	}
	free(names);
	json_object_array_add(ps, param("_", "query", type1("string"), "Ignored (a cache-buster some clients add)"));

	for (size_t i = 0; i < s->n; i++) {
		const struct xfield *f = &s->f[i];

		if (f->odoo == NULL || !f->searchable)
			continue;
		for (size_t k = 0;; k++) {
			const char *odoo_op, *suffix;
			bool many;
			char *name;
			json_object *p, *schema;

			if ((suffix = query_op_suffix(k, &many, &odoo_op)) == NULL)
				break;
			if (!query_op_applies(k, f->type))
				continue;
			name = xasprintf("%s%s", f->name, suffix);
			schema = filter_schema(f, strcmp(odoo_op, "ilike") == 0);
			if (many) {
				schema = array_of(schema);
				d = xasprintf("%s %s value (Odoo %s; repeated: %s); null or empty: not set",
				              f->name, odoo_op, odoo_op, strcmp(odoo_op, "=") == 0 ? "in" : "not in");
			} else {
				d = xasprintf("%s %s value (Odoo %s)", f->name, odoo_op, odoo_op);
			}
			p = param(name, "query", schema, d);
			if (many) {
				set_str(p, "style", "form");
				set(p, "explode", json_object_new_boolean(1));
			}
			json_object_array_add(ps, p);
			free(name);
			free(d);
		}
	}
	return ps;
}

/* The ?id=1&id=2 of the bulk requests (bulk.h, bulk_parse_ids): their only parameter. */
static json_object *
ids_param(const struct config *cfg)
{
	json_object *ps = json_object_new_array(), *schema = array_of(id_schema()), *p;
	char *d = xasprintf("The records' ids, repeated (id=1&id=2): at most %ld distinct ones (BULK_MAX; a repeated "
	                    "id counts once), 400 past it, and no other parameter", cfg->bulk_max);

	set(schema, "minItems", json_object_new_int(1));
	p = param("id", "query", schema, d);
	free(d);
	set(p, "required", json_object_new_boolean(1));
	set_str(p, "style", "form");
	set(p, "explode", json_object_new_boolean(1));
	json_object_array_add(ps, p);
	return ps;
}

/* ------------------------------------------------------------ responses */

static void
add_status(json_object *responses, int status, json_object *response)
{
	char code[8];

	snprintf(code, sizeof(code), "%d", status);
	set(responses, code, response);
}

static void
add_error(json_object *responses, int status)
{
	char name[8];

	snprintf(name, sizeof(name), "E%d", status);
	add_status(responses, status, ref("responses", name));
}

/* The error answers an operation can give (DESIGN.md section 3, and the handlers). */
static void
add_errors(json_object *responses, const struct doc_route *r)
{
	bool body = strcmp(r->method, "POST") == 0 || strcmp(r->method, "PUT") == 0 ||
	            strcmp(r->method, "PATCH") == 0;

	add_error(responses, 400);   /* any route: a malformed query string */
	if (r->flags & (OPF_SECURED | OPF_LOGIN))
		add_error(responses, 401);
	if (r->flags & (OPF_ODOO | OPF_LOGIN))
		add_error(responses, 403);
	if (r->flags & OPF_RECORD)
		add_error(responses, 404);
	if (r->flags & OPF_IDS)
		add_status(responses, 404, ref("responses", "E404Ids"));
	if (body)
		add_error(responses, 413);
	if (r->flags & OPF_JSON)
		add_error(responses, 415);
	if (r->flags & OPF_ODOO)
		add_error(responses, 422);
	if (r->flags & (OPF_LOGIN | OPF_LIMITED))
		add_error(responses, 429);
	if (r->flags & OPF_ODOO) {
		add_error(responses, 502);
		add_error(responses, 503);
		add_error(responses, 504);
	} else if (r->flags & OPF_STATE) {
		add_error(responses, 503);
	}
}

static json_object *
response(const char *desc, json_object *schema)
{
	json_object *o = json_object_new_object();

	set_str(o, "description", desc);
	if (schema != NULL)
		json_content(o, schema);
	return o;
}

/* A header of resp; required: every such answer has it (the contract checkers hold the bridge to it). */
static void
add_header(json_object *resp, const char *name, const char *desc, json_object *schema, bool required)
{
	json_object *headers, *h = json_object_new_object();

	if (!json_object_object_get_ex(resp, "headers", &headers)) {
		headers = json_object_new_object();
		set(resp, "headers", headers);
	}
	set_str(h, "description", desc);
	if (required)
		set(h, "required", json_object_new_boolean(1));
	set(h, "schema", schema);
	set(headers, name, h);
}

/* The response cache's headers on a GET's 200 (cache.c): present when the answer is cacheable. */
static void
cache_headers(json_object *resp)
{
	json_object *x = type1("string");

	set(x, "enum", str_list((const char *const[]){ "hit", "miss", "bypass" }, 3));
	add_header(resp, "ETag", "A strong validator of the body, for If-None-Match", type1("string"), false);
	add_header(resp, "X-Cache", "Whether the answer came from the response cache", x, false);
}

/* 304: If-None-Match named the answer's ETag; no body. */
static json_object *
not_modified(void)
{
	json_object *resp = response("Not modified: If-None-Match names the current ETag", NULL);

	add_header(resp, "ETag", "The validator, as on the 200", type1("string"), false);
	return resp;
}

/* ------------------------------------------------------------ operations */

/* The request body of r on resource res (NULL: none). */
static json_object *
request_body(const struct config *cfg, const struct doc_route *r, const struct resource *res)
{
	json_object *o = json_object_new_object(), *content, *mt, *many, *not, *l;
	char *name, *d;

	switch (r->kind) {
	case OPK_TOKEN:
		content = json_object_new_object();
		mt = json_object_new_object();
		set(mt, "schema", ref("schemas", "TokenRequest"));
		set(content, "application/x-www-form-urlencoded", mt);
		mt = json_object_new_object();
		set(mt, "schema", ref("schemas", "TokenRequest"));
		set(content, "application/json", mt);
		set(o, "content", content);
		break;
	case OPK_CREATE:
		/* bulk.c, bulk_create: an array is every record in one create, all or nothing. */
		name = comp_name(res, "_write");
		many = array_of(ref("schemas", name));
		set(many, "minItems", json_object_new_int(1));
		set(many, "maxItems", json_object_new_int64(cfg->bulk_max));
		d = xasprintf("Bulk create: every record in one Odoo create, all or nothing; at most %ld (BULK_MAX). "
		              "A refused field names its item: errors[\"2.list_price\"]", cfg->bulk_max);
		set_str(many, "description", d);
		free(d);
		json_content(o, one_of(ref("schemas", name), many));
		free(name);
		break;
	case OPK_UPDATE:
		name = comp_name(res, "_write");
		json_content(o, ref("schemas", name));
		free(name);
		break;
	case OPK_BULK_UPDATE:
		/* One body for every id; nested lines are refused (each record's lines differ). */
		name = comp_name(res, "_write");
		if (res->lines != NULL) {
			l = json_object_new_array();
			json_object_array_add(l, ref("schemas", name));
			many = json_object_new_object();
			set(many, "allOf", l);
			not = type1("object");
			l = json_object_new_object();
			set(l, res->lines->key, json_object_new_object());
			set(not, "properties", l);
			set(not, "required", str_list(&res->lines->key, 1));
			set(many, "not", not);
			d = xasprintf("As a single update's body, without %s (400 here)", res->lines->key);
			set_str(many, "description", d);
			free(d);
			json_content(o, many);
		} else {
			json_content(o, ref("schemas", name));
		}
		free(name);
		break;
	case OPK_BATCH:
		json_content(o, ref("schemas", "BatchRequest"));
		break;
	default:
		json_object_put(o);
		return NULL;
	}
	set(o, "required", json_object_new_boolean(1));
	return o;
}

/* The answers of r on res (NULL for routes without a resource). */
/*
 * A record read back after a write: the record, or {"id": id} when it left
 * the resource at once (base domain; crud.c and bulk_answer_records).
 */
static json_object *
read_back(const char *rec)
{
	json_object *props = json_object_new_object(), *any = json_object_new_array(), *o;

	set(props, "id", type1("integer"));
	json_object_array_add(any, ref("schemas", rec));
	json_object_array_add(any, closed_object(props, str_list((const char *const[]){ "id" }, 1)));
	o = json_object_new_object();
	set(o, "anyOf", any);
	return o;
}

static json_object *
responses(const struct doc_route *r, const struct resource *res, const char *action_state)
{
	json_object *rs = json_object_new_object(), *resp;
	char *rec = res != NULL ? comp_name(res, "") : NULL, *page, *d;

	switch (r->kind) {
	case OPK_TOKEN:
		add_status(rs, 200, response("The token", ref("schemas", "Token")));
		break;
	case OPK_LOGOUT:
		add_status(rs, 204, response("Revoked until it expires", NULL));
		break;
	case OPK_HEALTH:
		add_status(rs, 200, response("Odoo answers and the service account logs in", ref("schemas", "Health")));
		add_status(rs, 503, response("Odoo unreachable, or the service account cannot log in",
		                             ref("schemas", "Health")));
		break;
	case OPK_ME:
		add_status(rs, 200, response("The token's user, as Odoo has it", ref("schemas", "Me")));
		break;
	case OPK_LIST:
		page = comp_name(res, "_page");
		resp = response("An array (no paging, or _start/_end, or id=...), or a page (page/limit)",
		                one_of(array_of(ref("schemas", rec)), ref("schemas", page)));
		free(page);
		add_header(resp, "X-Total-Count", "Records matching the filters, all pages", type1("integer"), true);
		cache_headers(resp);
		add_status(rs, 200, resp);
		add_status(rs, 304, not_modified());
		break;
	case OPK_CREATE:
		resp = response("Created: the record as Odoo read it back; for an array, the records in its order",
		                one_of(read_back(rec), array_of(read_back(rec))));
		add_header(resp, "Location", "The record's URL (a single create only)", type1("string"), false);
		add_status(rs, 201, resp);
		break;
	case OPK_GET:
	case OPK_UPDATE:
		resp = response(r->kind == OPK_GET ? "The record" : "The record as Odoo read it back", ref("schemas", rec));
		if (r->kind == OPK_GET) {
			cache_headers(resp);
			add_status(rs, 304, not_modified());
		}
		add_status(rs, 200, resp);
		break;
	case OPK_DELETE:
		add_status(rs, 200, response("Deleted: the record as it was", ref("schemas", rec)));
		break;
	case OPK_ACTION:
		d = xasprintf("Done: the record, now in state %s", action_state != NULL ? action_state : "?");
		add_status(rs, 200, response(d, ref("schemas", rec)));
		free(d);
		break;
	case OPK_BULK_UPDATE:
		add_status(rs, 200, response("The records as Odoo read them back, in the order of the ids",
		                             array_of(read_back(rec))));
		break;
	case OPK_BULK_DELETE:
		add_status(rs, 200, response("Deleted: the records as they were, in the order of the ids",
		                             array_of(ref("schemas", rec))));
		break;
	case OPK_BULK_ACTION:
		d = xasprintf("Done: the records, in the order of the ids, now in state %s; an order Odoo left in "
		              "another state is a 422 naming it in errors.ids", action_state != NULL ? action_state : "?");
		add_status(rs, 200, response(d, array_of(ref("schemas", rec))));
		free(d);
		break;
	case OPK_BATCH:
		add_status(rs, 200, response("Every entry's answer, in order, whatever their statuses",
		                             ref("schemas", "BatchResponse")));
		break;
	case OPK_EVENTS:
		resp = json_object_new_object();
		set_str(resp, "description", "A stream of Server-Sent Events, until EVENTS_MAX_AGE or the token ends: "
		        "\"event: <resource>\", \"id: <n>\", \"data: {resource, action (created, updated, deleted), ids, "
		        "at}\"; \"event: reset\" when the events after Last-Event-ID are lost (read everything again); "
		        "a \": ping\" comment every EVENTS_HEARTBEAT seconds");
		{
			json_object *content = json_object_new_object(), *mt = json_object_new_object();

			set(mt, "schema", type1("string"));
			set(content, "text/event-stream", mt);
			set(resp, "content", content);
		}
		add_status(rs, 200, resp);
		break;
	case OPK_HIDDEN:
		break;
	}
	free(rec);
	add_errors(rs, r);
	return rs;
}

/*
 * "/api/v1/:res/:id/:action" -> "/api/v1/sales/{id}/confirm"; with
 * id_is_action (OPK_BULK_ACTION) "/api/v1/:res/:id" -> "/api/v1/sales/confirm".
 */
static char *
concrete_path(const char *pattern, const struct resource *res, const char *action, bool id_is_action)
{
	struct buf b;
	char *out;

	buf_init(&b, 4096);
	for (const char *p = pattern; *p;) {
		size_t n = strcspn(p + 1, "/") + 1;

		if (strncmp(p, "/:res", n) == 0 && res != NULL) {
			buf_puts(&b, "/");
			buf_puts(&b, res->name);
		} else if (strncmp(p, "/:id", n) == 0 && id_is_action && action != NULL) {
			buf_puts(&b, "/");
			buf_puts(&b, action);
		} else if (strncmp(p, "/:id", n) == 0) {
			buf_puts(&b, "/{id}");
		} else if (strncmp(p, "/:action", n) == 0 && action != NULL) {
			buf_puts(&b, "/");
			buf_puts(&b, action);
		} else {
			buf_append(&b, p, n);
		}
		p += n;
	}
	out = xstrdup(b.data);
	buf_free(&b);
	return out;
}

/* "get" + "/api/v1/products/{id}" -> "get_api_v1_products_id": unique, as the paths and methods are. */
static char *
operation_id(const char *method, const char *path)
{
	char *id = xasprintf("%s%s", method, path), *w = id;

	for (char *p = id; *p; p++) {
		char ch = *p;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			*w++ = ch;
		else if (w > id && w[-1] != '_')
			*w++ = '_';
	}
	while (w > id && w[-1] == '_')
		w--;
	*w = '\0';
	return id;
}

static void
add_operation(json_object *paths, const struct config *cfg, const struct doc_route *r,
              const struct resource *res, const struct rschema *s, const char *action, const char *state)
{
	json_object *item, *op = json_object_new_object(), *tags = json_object_new_array(), *params, *body;
	char *path = concrete_path(r->pattern, res, action, r->kind == OPK_BULK_ACTION), *id, *summary, method[8];
	size_t i;

	for (i = 0; r->method[i] && i < sizeof(method) - 1; i++)
		method[i] = (char)(r->method[i] - 'A' + 'a');
	method[i] = '\0';
	if (!json_object_object_get_ex(paths, path, &item)) {
		item = json_object_new_object();
		set(paths, path, item);
		if (strstr(path, "{id}") != NULL) {
			params = json_object_new_array();
			json_object_array_add(params, param("id", "path", id_schema(), "The record's id"));
			set(item, "parameters", params);
		}
	}
	json_object_array_add(tags, jstr(res != NULL ? res->name : r->kind == OPK_HEALTH ? "operations" : r->kind == OPK_EVENTS ? "events" : "auth"));
	set(op, "tags", tags);
	if (res != NULL && action != NULL)
		summary = xasprintf("%s: %s (%s)", r->summary, action, res->name);
	else if (res != NULL)
		summary = xasprintf("%s %s (Odoo %s)", r->summary, res->name, res->model);
	else
		summary = xstrdup(r->summary);
	set_str(op, "summary", summary);
	free(summary);
	id = operation_id(method, path);
	set_str(op, "operationId", id);
	free(id);
	if (r->kind == OPK_LIST)
		set(op, "parameters", list_params(cfg, s));
	if (r->flags & OPF_IDS)
		set(op, "parameters", ids_param(cfg));
	if (r->kind == OPK_EVENTS) {
		json_object *ps = json_object_new_array(), *p;

		p = param("resources", "query", type1("string"),
		          "The resources to follow, comma-separated (e.g. products,sales); an unknown one is a 400. "
		          "AUTH_MODE=user: one the user may not read is a 403 naming it in errors.resources");
		set(p, "required", json_object_new_boolean(1));
		json_object_array_add(ps, p);
		json_object_array_add(ps, param("Last-Event-ID", "header", type1("string"),
		                                "The id of the last event received: the stream resumes after it"));
		set(op, "parameters", ps);
	}
	if ((body = request_body(cfg, r, res)) != NULL)
		set(op, "requestBody", body);
	set(op, "responses", responses(r, res, state));
	if (r->flags & OPF_SECURED) {
		json_object *sec = json_object_new_array(), *req = json_object_new_object();

		set(req, "OAuth2PasswordBearer", json_object_new_array());
		json_object_array_add(sec, req);
		set(op, "security", sec);
	}
	set(item, method, op);
	free(path);
}

/* ------------------------------------------------------------ components */

/* BatchRequest and BatchResponse (batch.h) into schemas. */
static void
batch_schemas(json_object *schemas, const struct config *cfg)
{
	static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };
	static const char *const entry_req[] = { "id", "method", "path" };
	static const char *const answer_req[] = { "id", "status", "headers", "body" };
	json_object *props, *o, *l;
	char *d;

	props = json_object_new_object();
	o = type1("string");
	set(o, "minLength", json_object_new_int(1));
	set(o, "maxLength", json_object_new_int(64));
	set(props, "id", one_of(o, type1("integer")));
	json_object_object_get_ex(props, "id", &o);
	set_str(o, "description", "The client's name for the entry, echoed back in its answer");
	o = type1("string");
	set(o, "enum", str_list(methods, ARRAY_SIZE(methods)));
	set(props, "method", o);
	o = type1("string");
	set_str(o, "pattern", "^/");
	set(o, "maxLength", json_object_new_int(2048));
	set_str(o, "description", "The path as after the API's mount point, with its query string: "
	        "/api/v1/products/31, /api/v1/products?id=1&id=2; not /token, not /api/v1/batch (400)");
	set(props, "path", o);
	o = json_object_new_object();
	set_str(o, "description", "The body, for POST, PUT and PATCH: the operation's own request body");
	set(props, "body", o);
	o = closed_object(props, str_list(entry_req, ARRAY_SIZE(entry_req)));
	set_str(o, "description", "One request; a malformed one is a 400 for that entry only");
	set(schemas, "BatchEntry", o);

	props = json_object_new_object();
	o = array_of(ref("schemas", "BatchEntry"));
	set(o, "maxItems", json_object_new_int64(cfg->batch_max));
	d = xasprintf("Run in order, each as alone with the caller's token, each its own Odoo transaction; "
	              "at most %ld (BATCH_MAX, 400 past it)", cfg->batch_max);
	set_str(o, "description", d);
	free(d);
	set(props, "requests", o);
	set(schemas, "BatchRequest", closed_object(props, str_list((const char *const[]){ "requests" }, 1)));

	props = json_object_new_object();
	/* oneOf rather than a union of types: ajv's strict mode admits only [t, "null"]. */
	l = json_object_new_array();
	json_object_array_add(l, type1("string"));
	json_object_array_add(l, type1("integer"));
	json_object_array_add(l, type1("null"));
	o = json_object_new_object();
	set(o, "oneOf", l);
	set_str(o, "description", "The entry's id; null when the entry had no usable one");
	set(props, "id", o);
	o = int_range(200, 599, 0);
	d = xasprintf("What the request alone answers; 400 for a malformed entry, a nested batch or /token; "
	              "413 for an entry not run because the answers before it reached %zu bytes (BATCH_MAX_RESPONSE)",
	              cfg->batch_max_response);
	set_str(o, "description", d);
	free(d);
	set(props, "status", o);
	o = type1("object");
	set(o, "additionalProperties", type1("string"));
	set_str(o, "description", "The entry's own headers (X-Total-Count, Location, Allow...)");
	set(props, "headers", o);
	o = json_object_new_object();
	set_str(o, "description", "The body the request alone answers (that operation's schema; the Error shape "
	        "for an error), null for none");
	set(props, "body", o);
	o = closed_object(props, str_list(answer_req, ARRAY_SIZE(answer_req)));
	set(schemas, "BatchAnswer", o);
	props = json_object_new_object();
	o = array_of(ref("schemas", "BatchAnswer"));
	set_str(o, "description", "One answer per entry, in the order of the requests");
	set(props, "responses", o);
	set(schemas, "BatchResponse", closed_object(props, str_list((const char *const[]){ "responses" }, 1)));
}

static json_object *
fixed_schemas(const struct config *cfg)
{
	json_object *schemas = json_object_new_object(), *props, *o, *odoo, *l;
	static const char *const err_req[] = { "detail", "message", "statusCode" };
	static const char *const m2o_req[] = { "id", "name" };
	static const char *const tok_req[] = { "access_token", "token_type", "expires_in" };
	static const char *const me_req[] = { "uid", "login", "name", "email", "mode", "groups" };
	static const char *const health_req[] = { "status", "odoo" };
	static const char *const odoo_req[] = { "reachable", "version", "protocol", "latency_ms" };
	static const char *const modes[] = { "user", "service" };
	static const char *const states[] = { "ok", "unavailable" };
	static const char *const login_req[] = { "username", "password" };

	props = json_object_new_object();
	set(props, "detail", type1("string"));
	set(props, "message", type1("string"));
	set(props, "statusCode", type1("integer"));
	o = type1("object");
	set(o, "additionalProperties", array_of(type1("string")));
	set_str(o, "description", "Field (or parameter) -> reasons, for the form's fields");
	set(props, "errors", o);
	o = closed_object(props, str_list(err_req, ARRAY_SIZE(err_req)));
	set_str(o, "description", "Every error: detail (FastAPI's shape), message and statusCode (Refine's HttpError); "
	        "Spanish by default, English when Accept-Language prefers en");
	set(schemas, "Error", o);

	/* bulk.c, answer_missing: the Error shape, with errors.ids naming every missing id. */
	props = json_object_new_object();
	l = json_object_new_object();
	set(l, "ids", array_of(type1("string")));
	o = type1("object");
	set(o, "properties", l);
	set(o, "required", str_list((const char *const[]){ "ids" }, 1));
	set(props, "errors", o);
	l = json_object_new_array();
	json_object_array_add(l, ref("schemas", "Error"));
	o = type1("object");
	set(o, "allOf", l);
	set(o, "properties", props);
	set(o, "required", str_list((const char *const[]){ "errors" }, 1));
	set_str(o, "description", "An Error whose errors.ids names each id missing or outside the resource");
	set(schemas, "ErrorIds", o);

	props = json_object_new_object();
	set(props, "id", type1("integer"));
	set(props, "name", type_or_null("string"));
	o = closed_object(props, str_list(m2o_req, ARRAY_SIZE(m2o_req)));
	set_str(o, "description", "A many2one: the related record's id and display name; written as the id "
	        "or {\"id\": id}");
	set(schemas, "Many2one", o);

	props = json_object_new_object();
	set(props, "username", type1("string"));
	o = type1("string");
	set_str(o, "format", "password");
	set_str(o, "description", "The Odoo password, or an Odoo API key");
	set(props, "password", o);
	o = type1("string");
	set(o, "enum", str_list((const char *const[]){ "password" }, 1));
	set(props, "grant_type", o);
	o = type1("object");
	set(o, "properties", props);
	set(o, "required", str_list(login_req, ARRAY_SIZE(login_req)));
	set_str(o, "description", "As FastAPI's OAuth2PasswordRequestForm; other keys are ignored");
	set(schemas, "TokenRequest", o);

	props = json_object_new_object();
	set(props, "access_token", type1("string"));
	o = type1("string");
	set(o, "enum", str_list((const char *const[]){ "bearer" }, 1));
	set(props, "token_type", o);
	set(props, "expires_in", type1("integer"));
	set(schemas, "Token", closed_object(props, str_list(tok_req, ARRAY_SIZE(tok_req))));

	props = json_object_new_object();
	set(props, "uid", type1("integer"));
	set(props, "login", type_or_null("string"));
	set(props, "name", type_or_null("string"));
	set(props, "email", type_or_null("string"));
	o = type1("string");
	set(o, "enum", str_list(modes, ARRAY_SIZE(modes)));
	set_str(o, "description", "AUTH_MODE: whose Odoo rights the calls carry");
	set(props, "mode", o);
	set(props, "groups", array_of(type1("string")));
	set(schemas, "Me", closed_object(props, str_list(me_req, ARRAY_SIZE(me_req))));

	props = json_object_new_object();
	set(props, "reachable", type1("boolean"));
	set(props, "version", type_or_null("string"));
	o = type1("string");
	set(o, "enum", str_list((const char *const[]){ "xmlrpc", "json2", "auto" }, 3));
	set(props, "protocol", o);
	set(props, "latency_ms", type1("integer"));
	set(props, "login", type1("boolean"));
	odoo = closed_object(props, str_list(odoo_req, ARRAY_SIZE(odoo_req)));
	props = json_object_new_object();
	o = type1("string");
	set(o, "enum", str_list(states, ARRAY_SIZE(states)));
	set(props, "status", o);
	set(props, "odoo", odoo);
	o = type1("string");
	set(o, "enum", str_list((const char *const[]){ "up", "down" }, 2));
	set_str(o, "description", "Only with REDIS_URL: whether the shared state's Redis answers");
	set(props, "redis", o);
	set(schemas, "Health", closed_object(props, str_list(health_req, ARRAY_SIZE(health_req))));
	batch_schemas(schemas, cfg);
	return schemas;
}

static json_object *
error_responses(void)
{
	json_object *rs = json_object_new_object();

	for (size_t i = 0; i < ARRAY_SIZE(error_statuses); i++) {
		int st = error_statuses[i].status;
		json_object *r = response(error_statuses[i].when, ref("schemas", "Error"));
		char name[8];

		if (st == 401)
			add_header(r, "WWW-Authenticate", "Bearer", type1("string"), true);
		if (st == 429)
			add_header(r, "Retry-After", "Seconds to wait", type1("integer"), true);
		snprintf(name, sizeof(name), "E%d", st);
		set(rs, name, r);
	}
	set(rs, "E404Ids", response("An id missing, or outside the resource (a customer under /suppliers): "
	                            "errors.ids names each, and nothing is written", ref("schemas", "ErrorIds")));
	return rs;
}

static json_object *
security_schemes(const char *prefix)
{
	json_object *ss = json_object_new_object(), *s = type1("oauth2"), *flows = json_object_new_object(),
	            *pw = json_object_new_object();
	char *url = xasprintf("%s/token", prefix);

	set_str(pw, "tokenUrl", url);
	free(url);
	set(pw, "scopes", json_object_new_object());
	set(flows, "password", pw);
	set(s, "flows", flows);
	set_str(s, "description", "POST /token with username and password (form or JSON) answers a JWT; "
	        "send it as Authorization: Bearer <token>.  DELETE /token revokes it.");
	set(ss, "OAuth2PasswordBearer", s);
	return ss;
}

/* --------------------------------------------------------------- build */

json_object *
openapi_build(const struct config *cfg, const char *prefix, openapi_schema_fn get, void *ud)
{
	json_object *doc = json_object_new_object(), *info, *paths = json_object_new_object(),
	            *components, *schemas = fixed_schemas(cfg), *servers, *server, *lic;
	const struct resource *res;
	char *desc;

	for (size_t i = 0; (res = resource_at(i)) != NULL; i++) {
		const struct rschema *s = get(ud, res), *ls = NULL;
		char *name;

		if (s == NULL)
			goto fail;
		if (res->lines != NULL) {
			if ((ls = get(ud, res->lines->child)) == NULL)
				goto fail;
			name = comp_name(ls->res, "");
			if (json_object_object_get(schemas, name) == NULL) {
				set(schemas, name, record_schema(ls, NULL));
				free(name);
				name = comp_name(ls->res, "_write");
				set(schemas, name, write_schema(ls, NULL, true));
			}
			free(name);
		}
		name = comp_name(res, "");
		set(schemas, name, record_schema(s, ls));
		free(name);
		name = comp_name(res, "_page");
		set(schemas, name, page_schema(res));
		free(name);
		if (!res->read_only) {
			name = comp_name(res, "_write");
			set(schemas, name, write_schema(s, ls, false));
			free(name);
		}
		for (size_t k = 0; k < ARRAY_SIZE(doc_routes); k++) {
			const struct doc_route *r = &doc_routes[k];
			const char *state = NULL, *action;

			if (r->kind == OPK_HIDDEN || strstr(r->pattern, ":res") == NULL)
				continue;
			if (res->read_only && strcmp(r->method, "GET") != 0)
				continue;
			if (strstr(r->pattern, ":action") == NULL && r->kind != OPK_BULK_ACTION) {
				add_operation(paths, cfg, r, res, s, NULL, NULL);
				continue;
			}
			for (size_t a = 0; (action = sales_action_name(res, a, &state)) != NULL; a++)
				add_operation(paths, cfg, r, res, s, action, state);
		}
	}
	for (size_t k = 0; k < ARRAY_SIZE(doc_routes); k++)
		if (doc_routes[k].kind != OPK_HIDDEN && strstr(doc_routes[k].pattern, ":res") == NULL)
			add_operation(paths, cfg, &doc_routes[k], NULL, NULL, NULL, NULL);

	set_str(doc, "openapi", "3.1.0");
	info = json_object_new_object();
	set_str(info, "title", "odoo-bridge");
	set_str(info, "version", PACKAGE_VERSION);
	desc = xasprintf(
	    "A REST/JSON API in front of Odoo, for Refine (simple-rest) and the original FastAPI service's clients.  "
	    "This document is generated by the running bridge from its resource table and this Odoo's fields_get "
	    "as the service account sees it.  Data calls run as %s.\n\n"
	    "Lists: `page`/`limit` answers {items, total, page, limit, pages}; `_start`/`_end` (Refine), `id=1&id=2` "
	    "(getMany) or no paging answer an array; every list answer has X-Total-Count.  Filters: `field=value` "
	    "(repeated: in), `field_ne`, `_gte`, `_lte`, `_gt`, `_lt` (numbers and dates), `_like` (text and "
	    "many2one: Odoo ilike), `q` (search); anything else is a 400 naming the parameter.\n\n"
	    "Every error has the Error shape.  A path not listed here answers 404, a method not listed 405 with "
	    "Allow; OPTIONS answers 204 (CORS preflight) and HEAD as GET without a body.  Tokens last %ld s.",
	    cfg->auth_mode == AUTH_USER ? "the logged-in Odoo user (AUTH_MODE=user)"
	                                : "the service account, for admitted users (AUTH_MODE=service)",
	    cfg->jwt_ttl);
	set_str(info, "description", desc);
	free(desc);
	lic = json_object_new_object();
	set_str(lic, "name", "MIT");
	set_str(lic, "identifier", "MIT");
	set(info, "license", lic);
	set(doc, "info", info);
	servers = json_object_new_array();
	server = json_object_new_object();
	set_str(server, "url", prefix[0] != '\0' ? prefix : "/");
	json_object_array_add(servers, server);
	set(doc, "servers", servers);
	set(doc, "paths", paths);
	components = json_object_new_object();
	set(components, "schemas", schemas);
	set(components, "responses", error_responses());
	set(components, "securitySchemes", security_schemes(prefix));
	set(doc, "components", components);
	return doc;
fail:
	json_object_put(doc);
	json_object_put(paths);
	json_object_put(schemas);
	return NULL;
}

/* ------------------------------------------------------------------ docs */

/*
 * s with every byte that could end an HTML attribute value or a script
 * string, or start a character reference, percent-encoded (RFC 3986 2.1):
 * what remains is unreserved characters and "/:@!$()*+,;=%".
 */
static char *
url_safe(const char *s)
{
	static const char keep[] = "-._~/:@!$()*+,;=%";
	struct buf b;
	char *out, hex[4];

	buf_init(&b, 16384);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr(keep, *p) != NULL) {
			buf_append(&b, p, 1);
		} else {
			snprintf(hex, sizeof(hex), "%%%02X", *p);
			buf_puts(&b, hex);
		}
	}
	out = xstrdup(b.data != NULL ? b.data : "");
	buf_free(&b);
	return out;
}

/* "https://cdn.example/x/y" -> "https://cdn.example" (RFC 6454: scheme, host and port). */
static char *
origin_of(const char *url)
{
	const char *h = strstr(url, "://");

	if (h == NULL)
		return xstrdup(url);
	h += 3;
	return xstrndup(url, (size_t)(h - url) + strcspn(h, "/"));
}

char *
openapi_docs_html(const char *assets, const char *openapi_url, char **csp)
{
	unsigned char md[EVP_MAX_MD_SIZE], b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
	unsigned int mdlen = 0;
	char *a = url_safe(assets), *u = url_safe(openapi_url), *origin, *script, *html;

	/*
	 * FastAPI's get_swagger_ui_html (fastapi/openapi/docs.py) with its
	 * default parameters, and validatorUrl null: Swagger UI would otherwise
	 * send the document's URL to validator.swagger.io for a badge.
	 */
	script = xasprintf(
	    "\nwindow.ui = SwaggerUIBundle({\n"
	    "    url: \"%s\",\n"
	    "    \"dom_id\": \"#swagger-ui\",\n"
	    "    \"layout\": \"BaseLayout\",\n"
	    "    \"deepLinking\": true,\n"
	    "    \"showExtensions\": true,\n"
	    "    \"showCommonExtensions\": true,\n"
	    "    \"validatorUrl\": null,\n"
	    "    presets: [\n"
	    "        SwaggerUIBundle.presets.apis,\n"
	    "        SwaggerUIBundle.SwaggerUIStandalonePreset\n"
	    "    ],\n"
	    "})\n", u);
	html = xasprintf(
	    "<!DOCTYPE html>\n"
	    "<html>\n"
	    "<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<link type=\"text/css\" rel=\"stylesheet\" href=\"%s/swagger-ui.css\">\n"
	    "<link rel=\"shortcut icon\" href=\"%s/favicon-32x32.png\">\n"
	    "<title>odoo-bridge - Swagger UI</title>\n"
	    "</head>\n"
	    "<body>\n"
	    "<div id=\"swagger-ui\">\n"
	    "</div>\n"
	    "<script src=\"%s/swagger-ui-bundle.js\"></script>\n"
	    "<script>%s</script>\n"
	    "</body>\n"
	    "</html>\n", a, a, a, script);
	/* CSP Level 3 hash-source: the inline script's SHA-256, base64. */
	if (EVP_Digest(script, strlen(script), md, &mdlen, EVP_sha256(), NULL) != 1) {
		log_error("OpenSSL: SHA-256 failed");
		abort();
	}
	EVP_EncodeBlock(b64, md, (int)mdlen);
	origin = origin_of(a);
	/* Swagger UI's CSS draws its icons from data: URIs; the API and the document are the page's own origin. */
	*csp = xasprintf("default-src 'none'; script-src %s 'sha256-%s'; style-src %s; img-src %s data:; "
	                 "font-src %s; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
	                 origin, b64, origin, origin, origin);
	free(origin);
	free(script);
	free(a);
	free(u);
	return html;
}

/* ------------------------------------------------------------- handlers */

struct openapi_cache {
	char        *prefix;   /* SCRIPT_NAME the document was built for */
	json_object *doc;
};

void
openapi_cache_free(struct openapi_cache *oc)
{
	if (oc == NULL)
		return;
	free(oc->prefix);
	json_object_put(oc->doc);
	free(oc);
}

/* The service account's way to Odoo for fields_get (a read). */
static enum odoo_err
service_fetch(void *ud, const char *model, const char *method, json_object *args, json_object *kwargs,
              json_object **out, struct odoo_error *err)
{
	return odoo_call(ctx_odoo(ud), NULL, model, method, args, kwargs, true, out, err);
}

struct lookup {
	struct ctx       *c;
	struct odoo_error err;
};

/*
 * The service account's schemas: the worker's schema cache, which the data
 * calls share in AUTH_MODE=service (in user mode they use per-user caches).
 */
static const struct rschema *
service_schema(void *ud, const struct resource *res)
{
	struct lookup *l = ud;

	return schema_cache_get(l->c->w->schemas, res, service_fetch, l->c, &l->err);
}

/* Where the API is mounted: SCRIPT_NAME (RFC 3875 4.1.13), "" at the root. */
static const char *
mount_prefix(const struct ctx *c)
{
	const char *p = request_env(c->req, "SCRIPT_NAME");

	return p != NULL ? p : "";
}

void
openapi_handler(struct ctx *c)
{
	const char *prefix = mount_prefix(c);
	struct lookup l;
	json_object *doc;

	if (!c->cfg->docs) {
		response_error(c->res, c->req->lang, 404, MSG_NOT_FOUND, NULL);
		return;
	}
	if (c->w->openapi == NULL || strcmp(c->w->openapi->prefix, prefix) != 0) {
		memset(&l, 0, sizeof(l));
		l.c = c;
		if ((doc = openapi_build(c->cfg, prefix, service_schema, &l)) == NULL) {
			odoo_answer_error(c, &l.err, "fields_get");
			return;
		}
		openapi_cache_free(c->w->openapi);
		c->w->openapi = xcalloc(1, sizeof(*c->w->openapi));
		c->w->openapi->prefix = xstrdup(prefix);
		c->w->openapi->doc = doc;
	}
	response_json(c->res, 200, json_object_get(c->w->openapi->doc));
}

void
docs_handler(struct ctx *c)
{
	char *url, *html, *csp = NULL;

	if (!c->cfg->docs) {
		response_error(c->res, c->req->lang, 404, MSG_NOT_FOUND, NULL);
		return;
	}
	url = xasprintf("%s/openapi.json", mount_prefix(c));
	html = openapi_docs_html(c->cfg->docs_assets_url, url, &csp);
	response_text(c->res, 200, "text/html; charset=utf-8", html, strlen(html));
	response_add_header(c->res, "Content-Security-Policy", csp);
	/* The CDN need not learn where the API lives. */
	response_add_header(c->res, "Referrer-Policy", "no-referrer");
	free(url);
	free(html);
	free(csp);
}
