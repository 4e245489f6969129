/* crud.c: list/get/create/update/delete handlers over any resource of the table. */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "bulk.h"
#include "cache.h"
#include "crud.h"
#include "odoo_answer.h"
#include "query.h"
#include "util.h"
#include "value.h"

/* Allow of a read-only resource, for the collection and for one record alike. */
#define ALLOW_READ_ONLY "GET, HEAD, OPTIONS"

/* ------------------------------------------------------------ Odoo calls */

static enum odoo_err
call(struct ctx *c, const char *model, const char *method, json_object *args, json_object *kwargs,
     bool idempotent, json_object **out, struct odoo_error *err)
{
	return auth_call(c, model, method, args, kwargs, idempotent, out, err);
}

/* The schema cache of the request's scope: the user's own in AUTH_MODE=user (fields_get follows the user's groups). */
static struct schema_cache *
schemas_of(struct ctx *c)
{
	if (c->cfg->auth_mode != AUTH_USER)
		return c->w->schemas;
	if (c->w->user_schemas == NULL)
		c->w->user_schemas = schema_scopes_new(SCHEMA_SCOPES_DEFAULT);
	return schema_scopes_get(c->w->user_schemas, c->user.uid);
}

/* The schema cache's way to Odoo: fields_get is a read, kept in the response cache (CACHE_TTL_LOOKUPS). */
static enum odoo_err
schema_fetch(void *ud, const char *model, const char *method, json_object *args, json_object *kwargs,
             json_object **out, struct odoo_error *err)
{
	return cache_schema_fetch(ud, model, method, args, kwargs, out, err);
}

/* Whether a list read answered a list (*out an array, or the records converted in f); else ODOO_E_BAD_RESPONSE. */
static enum odoo_err
list_answered(enum odoo_err e, const char *model, const char *method, const struct odoo_fast *f,
              json_object **out, struct odoo_error *err)
{
	if (e == ODOO_OK && (f == NULL || !f->done) && !json_object_is_type(*out, json_type_array)) {
		json_object_put(*out);
		*out = NULL;
		err->code = e = ODOO_E_BAD_RESPONSE;
		err->fault_code = 0;
		snprintf(err->message, sizeof(err->message), "%s.%s did not answer a list", model, method);
	}
	return e;
}

/*
 * A read whose answer must be a list (search_read, read).  Consumes args and
 * kwargs; on ODOO_OK *out is a JSON array.  With f (its schema and the rest
 * set by the caller), the backend may convert the records in one pass: then
 * f->done, *out is NULL and the API's records are f->json.
 */
static enum odoo_err
call_list(struct ctx *c, const char *model, const char *method, json_object *args, json_object *kwargs,
          struct odoo_fast *f, json_object **out, struct odoo_error *err)
{
	enum odoo_err e;

	if (f != NULL) {
		buf_free(&f->json);   /* an earlier call through f may have left it set up */
		e = auth_call_fast(c, model, method, args, kwargs, f, out, err);
	} else {
		e = call(c, model, method, args, kwargs, true, out, err);
	}
	json_object_put(args);
	json_object_put(kwargs);
	return list_answered(e, model, method, f, out, err);
}

static json_object *
field_names(const struct rschema *s, const char *extra)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < s->n; i++)
		if (s->f[i].odoo != NULL)   /* a field gone from this Odoo is not asked for */
			json_object_array_add(a, json_object_new_string(s->f[i].odoo));
	if (extra != NULL)
		json_object_array_add(a, json_object_new_string(extra));
	return a;
}

/*
 * The web_search_read specification of s's fields: {} for each, except a
 * many2one, which {} would read as a bare id: it asks for the display_name
 * that search_read gives ({"id", "display_name"}).  With ls, the one2many
 * lines_field nests ls's fields: the lines come in the same answer.
 */
static json_object *
field_spec(const struct rschema *s, const char *lines_field, const struct rschema *ls)
{
	json_object *spec = json_object_new_object();

	for (size_t i = 0; i < s->n; i++) {
		json_object *f;

		if (s->f[i].odoo == NULL)
			continue;
		f = json_object_new_object();
		if (s->f[i].type == FT_MANY2ONE) {
			json_object *names = json_object_new_object();

			json_object_object_add(names, "display_name", json_object_new_object());
			json_object_object_add(f, "fields", names);
		}
		json_object_object_add(spec, s->f[i].odoo, f);
	}
	if (lines_field != NULL && ls != NULL) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "fields", field_spec(ls, NULL, NULL));
		json_object_object_add(spec, lines_field, f);
	}
	return spec;
}

/*
 * The specification of s's own fields (no lines), a new reference to one
 * made once per schema: list pages ask for it on every request, and
 * building and freeing it cost more than a tenth of the CPU of a page.
 * The schema is const to its users; its memo is not part of what they
 * read, hence the cast.  Nothing changes a specification once made (the
 * Odoo backends only serialize kwargs).
 */
static json_object *
own_field_spec(const struct rschema *s)
{
	struct rschema *memo = (struct rschema *)s;

	if (memo->spec == NULL)
		memo->spec = field_spec(s, NULL, NULL);
	return json_object_get(memo->spec);
}

/* [[id]]: the positional args of write/unlink/actions on one record (plus vals when given). */
static json_object *
id_args(int64_t id, json_object *vals)
{
	json_object *a = json_array1(json_array1(json_object_new_int64(id)));

	if (vals != NULL)
		json_object_array_add(a, json_object_get(vals));
	return a;
}

/* ------------------------------------------------------- web_search_read */

/*
 * Whether this Odoo lacks web_search_read(domain, specification, offset,
 * limit, order), which answers records and their total in one round trip
 * and nests relations as asked.  Odoo 17 and later have it; Odoo 14-16
 * have one whose second parameter is `fields` (the "specification" kwarg
 * is a TypeError there), older ones none (AttributeError).  Once Odoo has
 * said so the process keeps to search_read (+ search_count): that does not
 * change while the process lives (an upgraded Odoo is met by new processes;
 * under CGI each request asks again, at the cost of one refused call).
 * Process-wide rather than per worker: all threads talk to the same Odoo.
 */
static atomic_bool web_search_missing;

/*
 * Remembers that web_search_read is not to be used (see web_search_missing);
 * true when err says so.  Any other failure would have been search_read's
 * too, and is answered as it is.
 */
static bool
web_search_fallback(const struct odoo_error *err)
{
	if (!odoo_err_unsupported(err, "web_search_read"))
		return false;
	if (!atomic_exchange(&web_search_missing, true))
		log_warn("odoo: this Odoo has no web_search_read with a specification (%s); "
		         "using search_read and search_count", err->message);
	return true;
}

/*
 * web_search_read(domain, specification = spec, **kwargs).  Consumes spec
 * and kwargs.  On ODOO_OK *recs is the array of records and *length Odoo's
 * total: with a limit and a full page it counted; otherwise offset plus
 * the records, and 0 for an empty page whatever the offset.
 */
static enum odoo_err
web_search(struct ctx *c, const struct target *t, json_object *domain, json_object *spec, json_object *kwargs,
           struct odoo_fast *f, json_object **recs, int64_t *length, struct odoo_error *err)
{
	json_object *args = json_array1(json_object_get(domain)), *out = NULL, *r, *l;
	enum odoo_err e;

	*recs = NULL;
	json_object_object_add(kwargs, "specification", spec);
	if (f != NULL) {
		f->schema = t->s;
		f->envelope = true;
		e = auth_call_fast(c, t->res->model, "web_search_read", args, kwargs, f, &out, err);
	} else {
		e = call(c, t->res->model, "web_search_read", args, kwargs, true, &out, err);
	}
	json_object_put(args);
	json_object_put(kwargs);
	if (e != ODOO_OK)
		return e;
	if (f != NULL && f->done) {   /* the records are the API's JSON text already */
		*length = f->length;
		return ODOO_OK;
	}
	if (json_object_object_get_ex(out, "records", &r) && json_object_is_type(r, json_type_array) &&
	    json_object_object_get_ex(out, "length", &l) && json_object_is_type(l, json_type_int) &&
	    json_object_get_int64(l) >= 0) {
		*recs = json_object_get(r);
		*length = json_object_get_int64(l);
	} else {
		err->code = e = ODOO_E_BAD_RESPONSE;
		err->fault_code = 0;
		snprintf(err->message, sizeof(err->message), "%s.web_search_read did not answer {length, records}",
		         t->res->model);
	}
	json_object_put(out);
	return e;
}


/* ---------------------------------------------------------------- shared */

bool
crud_resolve(struct ctx *c, bool need_id, bool writing, struct target *t)
{
	memset(t, 0, sizeof(*t));
	t->res = resource_find(c->req->route_params[0]);
	if (t->res == NULL) {
		response_error(c->res, c->req->lang, 404, MSG_NOT_FOUND, NULL);
		return false;
	}
	if (writing && t->res->read_only) {
		response_error(c->res, c->req->lang, 405, MSG_METHOD_NOT_ALLOWED, NULL);
		response_add_header(c->res, "Allow", ALLOW_READ_ONLY);
		return false;
	}
	if (need_id && (c->req->route_params[1] == NULL ||
	                !parse_int64(c->req->route_params[1], 1, INT32_MAX, &t->id))) {
		response_error(c->res, c->req->lang, 404, MSG_RECORD_NOT_FOUND, NULL);
		return false;
	}
	return true;
}

bool
crud_load_schema(struct ctx *c, struct target *t, bool lines)
{
	struct odoo_error err;

	lines = lines && t->res->lines != NULL;
	memset(&err, 0, sizeof(err));
	if (t->s == NULL)
		t->s = schema_cache_get(schemas_of(c), t->res, schema_fetch, c, &err);
	if (t->s != NULL && lines)
		t->ls = schema_cache_get(schemas_of(c), t->res->lines->child, schema_fetch, c, &err);
	if (t->s == NULL || (lines && t->ls == NULL)) {
		odoo_answer_error(c, &err, "fields_get");
		return false;
	}
	return true;
}

void
crud_log_write(const struct ctx *c, const char *what, const struct resource *res, int64_t id,
               const char *outcome)
{
	log_info("%s %s id=%" PRId64 " by %s: %s", what, res->name, id,
	         c->user.sub[0] != '\0' ? c->user.sub : "(unknown)", outcome);
}

/*
 * The lines of a record (ids as Odoo read them in `field`) read with ls's
 * fields; with f, converted in one pass where the backend can (call_list).
 */
static enum odoo_err
read_lines(struct ctx *c, const struct target *t, json_object *ids, struct odoo_fast *f, json_object **out,
           struct odoo_error *err)
{
	json_object *kwargs;

	if (!json_object_is_type(ids, json_type_array) || json_object_array_length(ids) == 0) {
		/* No call for no lines: read([]) would answer [] anyway. */
		*out = json_object_new_array();
		return ODOO_OK;
	}
	kwargs = json_object_new_object();
	json_object_object_add(kwargs, "fields", field_names(t->ls, NULL));
	if (f != NULL) {
		f->schema = t->ls;
		f->envelope = false;
		f->lines_field = NULL;
		f->max_count = 0;
	}
	return call_list(c, t->res->lines->child->model, "read", json_array1(json_object_get(ids)), kwargs, f, out, err);
}

/* Odoo line records -> API lines. */
static json_object *
lines_for_api(const struct rschema *ls, json_object *raw)
{
	json_object *out = json_object_new_array();

	for (size_t i = 0; i < json_object_array_length(raw); i++)
		json_object_array_add(out, record_from_odoo(ls, json_object_array_get_idx(raw, i)));
	return out;
}

/* The base domain of res AND id = ids[0] (one id) or id in ids (several), as a JSON array. */
static json_object *
record_domain(const struct resource *res, const int64_t *ids, size_t n)
{
	json_object *d = json_object_new_array(), *l = json_object_new_array();

	resource_base_domain(res, d);
	json_object_array_add(l, json_object_new_string("id"));
	if (n == 1) {
		json_object_array_add(l, json_object_new_string("="));
		json_object_array_add(l, json_object_new_int64(ids[0]));
	} else {
		json_object_array_add(l, json_object_new_string("in"));
		json_object_array_add(l, bulk_id_list(ids, n));
	}
	json_object_array_add(d, l);
	return d;
}

/* {"context": {"active_test": false}}: an archived record (active = false, which PATCH may set) is still that record. */
static json_object *
archived_too(void)
{
	json_object *kwargs = json_object_new_object(), *ctx = json_object_new_object();

	json_object_object_add(ctx, "active_test", json_object_new_boolean(0));
	json_object_object_add(kwargs, "context", ctx);
	return kwargs;
}

/*
 * The records ids[0..n) within the base domain, archived or not, as an
 * array of at most n Odoo records (in Odoo's order, not ids'), holding
 * the lines' one2many lf when not NULL.  With lines, web_search_read nests
 * them in the records: one round trip instead of two.  Without,
 * search_read: one round trip either way, and its many2one [id, name]
 * costs xmlrpc-c and json-c less to read than web_search_read's {"id",
 * "display_name"} (callgrind: -14% for a product).  No limit for
 * web_search_read: with one, a full page would make Odoo count it.  With
 * f, the backend may convert the answer in one pass (f->done: *out NULL,
 * the API's records in f->json).
 */
static enum odoo_err
read_records(struct ctx *c, const struct target *t, const int64_t *ids, size_t n, const char *lf,
             struct odoo_fast *f, json_object **out, struct odoo_error *err)
{
	json_object *domain = record_domain(t->res, ids, n), *kwargs;
	enum odoo_err e;
	int64_t length;

	if (lf != NULL && !atomic_load(&web_search_missing)) {
		e = web_search(c, t, domain, field_spec(t->s, lf, t->ls), archived_too(), f, out, &length, err);
		if (e == ODOO_OK || !web_search_fallback(err))
			goto out;
	}
	kwargs = archived_too();
	json_object_object_add(kwargs, "fields", field_names(t->s, lf));
	json_object_object_add(kwargs, "limit", json_object_new_int64((int64_t)n));
	if (f != NULL) {
		f->schema = t->s;
		f->envelope = false;
	}
	e = call_list(c, t->res->model, "search_read", json_array1(json_object_get(domain)), kwargs, f, out, err);
out:
	json_object_put(domain);
	return e;
}

/*
 * One Odoo record as read_records gave it -> *api, with its lines (read
 * here when Odoo gave their ids, not the lines; in one pass with f) under
 * the resource's lines key; *raw_lines (when not NULL) gets the lines as
 * Odoo read them.
 */
static enum odoo_err
record_for_api(struct ctx *c, const struct target *t, const char *lf, json_object *rec, struct odoo_fast *f,
               json_object **api, json_object **raw_lines, struct odoo_error *err)
{
	json_object *ids, *lines = NULL;
	enum odoo_err e;

	*api = NULL;
	if (lf != NULL) {
		if (!json_object_object_get_ex(rec, lf, &ids))
			ids = NULL;
		/* Nested by web_search_read: the lines themselves; else their ids. */
		if (json_object_is_type(ids, json_type_array) && json_object_array_length(ids) > 0 &&
		    json_object_is_type(json_object_array_get_idx(ids, 0), json_type_object)) {
			lines = json_object_get(ids);
		} else if ((e = read_lines(c, t, ids, f, &lines, err)) != ODOO_OK) {
			return e;
		}
	}
	*api = record_from_odoo(t->s, rec);
	if (lf != NULL && lines == NULL && f != NULL && f->done) {
		/* read() answered, converted in one pass */
		json_object_object_add(*api, t->res->lines->key, json_raw(f->json.data, f->json.len));
	} else if (lines != NULL) {
		json_object_object_add(*api, t->res->lines->key, lines_for_api(t->ls, lines));
		if (raw_lines != NULL)
			*raw_lines = lines;
		else
			json_object_put(lines);
	}
	return ODOO_OK;
}

/* The one2many field of the lines when their schema is loaded, else NULL. */
static const char *
lines_field(const struct target *t)
{
	return t->res->lines != NULL && t->ls != NULL ? t->res->lines->field : NULL;
}

enum odoo_err
crud_read(struct ctx *c, const struct target *t, bool text, json_object **api, json_object **raw_lines,
          struct odoo_error *err)
{
	const char *lf = lines_field(t);
	json_object *out = NULL;
	struct odoo_fast f, *fp = NULL;
	enum odoo_err e;

	*api = NULL;
	if (raw_lines != NULL)
		*raw_lines = NULL;
	memset(&f, 0, sizeof(f));
	if (text && raw_lines == NULL) {
		/* The record (and its nested lines) may come as the API's text straight from the answer. */
		fp = &f;
		f.max_count = 1;
		if (lf != NULL) {
			f.lines_field = lf;
			f.lines_key = t->res->lines->key;
			f.lines_schema = t->ls;
		}
	}
	/* A search, not read(): read() ignores the base domain (a customer id
	 * under /suppliers must be a 404) and silently drops missing ids. */
	if ((e = read_records(c, t, &t->id, 1, lf, fp, &out, err)) != ODOO_OK)
		goto out;
	if (f.done) {
		/* [] or [{...}]: the record is the text between the brackets */
		if (f.count == 1)
			*api = json_raw(f.json.data + 1, f.json.len - 2);
		goto out;
	}
	if (json_object_array_length(out) > 0)
		e = record_for_api(c, t, lf, json_object_array_get_idx(out, 0), fp, api, raw_lines, err);
out:
	json_object_put(out);
	buf_free(&f.json);
	return e;
}

enum odoo_err
crud_read_many(struct ctx *c, const struct target *t, const int64_t *ids, size_t n, json_object **by_id,
               struct odoo_error *err)
{
	const char *lf = lines_field(t);
	json_object *out = NULL, *api;
	enum odoo_err e;
	int64_t id;
	char key[24];

	*by_id = NULL;
	if ((e = read_records(c, t, ids, n, lf, NULL, &out, err)) != ODOO_OK)
		return e;
	*by_id = json_object_new_object();
	for (size_t i = 0; i < json_object_array_length(out); i++) {
		json_object *rec = json_object_array_get_idx(out, i), *v;

		if (!json_object_object_get_ex(rec, "id", &v) || !json_to_id(v, &id))
			continue;
		if ((e = record_for_api(c, t, lf, rec, NULL, &api, NULL, err)) != ODOO_OK) {
			json_object_put(*by_id);
			*by_id = NULL;
			break;
		}
		snprintf(key, sizeof(key), "%" PRId64, id);
		json_object_object_add(*by_id, key, api);
	}
	json_object_put(out);
	return e;
}

bool
crud_find(struct ctx *c, const struct target *t, bool text, json_object **api, json_object **raw_lines)
{
	struct odoo_error err;

	memset(&err, 0, sizeof(err));
	if (crud_read(c, t, text, api, raw_lines, &err) != ODOO_OK) {
		odoo_answer_error(c, &err, t->res->name);
		return false;
	}
	if (*api == NULL) {
		if (raw_lines != NULL) {
			json_object_put(*raw_lines);
			*raw_lines = NULL;
		}
		response_error(c->res, c->req->lang, 404, MSG_RECORD_NOT_FOUND, NULL);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------- list */

/*
 * search_read of one page; *out is the array of records, or, when the
 * backend converted them (f->done), NULL with the API's text in f.
 */
static enum odoo_err
search_page(struct ctx *c, const struct target *t, const struct list_query *q, struct odoo_fast *f,
            json_object **out, struct odoo_error *err)
{
	json_object *kwargs = json_object_new_object();

	json_object_object_add(kwargs, "fields", field_names(t->s, NULL));
	json_object_object_add(kwargs, "offset", json_object_new_int64(q->offset));
	json_object_object_add(kwargs, "limit", json_object_new_int64(q->limit));
	json_object_object_add(kwargs, "order", json_object_new_string(q->order));
	f->schema = t->s;
	f->envelope = false;
	return call_list(c, t->res->model, "search_read", json_array1(json_object_get(q->domain)), kwargs, f, out, err);
}

static enum odoo_err
search_count(struct ctx *c, const struct target *t, json_object *domain, int64_t *total, struct odoo_error *err)
{
	json_object *args = json_array1(json_object_get(domain)), *out = NULL;
	enum odoo_err e;

	e = call(c, t->res->model, "search_count", args, NULL, true, &out, err);
	json_object_put(args);
	if (e == ODOO_OK) {
		if (json_object_is_type(out, json_type_int) && json_object_get_int64(out) >= 0) {
			*total = json_object_get_int64(out);
		} else {
			err->code = e = ODOO_E_BAD_RESPONSE;
			snprintf(err->message, sizeof(err->message), "search_count did not answer a number");
		}
	}
	json_object_put(out);
	return e;
}

/*
 * One page of records (*recs) and the total (*total).  Odoo reads limit 0
 * as "no limit": an empty range (_end == _start) only counts.  Where Odoo
 * has it, web_search_read: one round trip, with the total counted by Odoo
 * when the page is full, except for an empty page past offset 0, which it
 * answers with length 0 without counting.  Otherwise search_read, and
 * search_count only when the page does not tell the total: a page shorter
 * than the limit (and not empty past offset 0) ends the result, so
 * total = offset + its length.
 */
static enum odoo_err
list_page(struct ctx *c, const struct target *t, const struct list_query *q, struct odoo_fast *f,
          json_object **recs, int64_t *total, struct odoo_error *err)
{
	json_object *kwargs;
	enum odoo_err e;
	bool counted = false;
	int64_t n = 0;

	*recs = NULL;
	if (q->limit > 0) {
		e = ODOO_E_SERVER;
		if (!atomic_load(&web_search_missing)) {
			kwargs = json_object_new_object();
			json_object_object_add(kwargs, "offset", json_object_new_int64(q->offset));
			json_object_object_add(kwargs, "limit", json_object_new_int64(q->limit));
			json_object_object_add(kwargs, "order", json_object_new_string(q->order));
			e = web_search(c, t, q->domain, own_field_spec(t->s), kwargs, f, recs, total, err);
			if (e != ODOO_OK && !web_search_fallback(err))
				return e;
			counted = e == ODOO_OK;
			if (e == ODOO_OK && f->done) {
				n = (int64_t)f->count;   /* converted already */
				goto got_page;
			}
		}
		if (e != ODOO_OK && (e = search_page(c, t, q, f, recs, err)) != ODOO_OK)
			return e;
		n = f->done ? (int64_t)f->count : (int64_t)json_object_array_length(*recs);
	}
got_page:
	if (n == 0 && q->offset > 0)
		counted = false;
	if (counted)
		return ODOO_OK;
	if (q->limit == 0 || n == q->limit || (n == 0 && q->offset > 0))
		return search_count(c, t, q->domain, total, err);
	*total = q->offset + n;
	return ODOO_OK;
}

void
crud_list(struct ctx *c)
{
	struct target t;
	struct list_query q;
	struct query_error qerr;
	struct odoo_error err;
	json_object *recs = NULL, *items, *body;
	struct odoo_fast f;
	int64_t total = 0;
	enum query_err qe;
	char num[24];

	memset(&f, 0, sizeof(f));
	memset(&q, 0, sizeof(q));
	memset(&err, 0, sizeof(err));
	if (!crud_resolve(c, false, false, &t) || !crud_load_schema(c, &t, false))
		return;
	qe = query_parse(t.s, &c->req->query, c->cfg->list_max, &q, &qerr);
	if (qe != Q_OK) {
		response_error(c->res, c->req->lang, 400, qe == Q_BAD_PAGINATION ? MSG_BAD_PAGINATION : MSG_BAD_PARAMETER,
		               query_error_json(&qerr, c->req->lang));
		return;
	}
	if (list_page(c, &t, &q, &f, &recs, &total, &err) != ODOO_OK) {
		odoo_answer_error(c, &err, t.res->name);
		goto out;
	}
	if (f.done) {
		/* The backend wrote the API's records itself (one pass, no tree). */
		items = json_raw(f.json.data, f.json.len);
	} else {
		/* The page, converted where it lies: records_from_odoo keeps each object Odoo's answer made. */
		if (recs == NULL)
			recs = json_object_new_array();
		records_from_odoo(t.s, recs);
		items = json_object_get(recs);
	}
	if (q.mode == PAGE_ENVELOPE) {
		body = json_object_new_object();
		json_object_object_add(body, "items", items);
		json_object_object_add(body, "total", json_object_new_int64(total));
		json_object_object_add(body, "page", json_object_new_int64(q.page));
		json_object_object_add(body, "limit", json_object_new_int64(q.limit));
		json_object_object_add(body, "pages", json_object_new_int64((total + q.limit - 1) / q.limit));
	} else {
		body = items;
	}
	snprintf(num, sizeof(num), "%" PRId64, total);
	response_json(c->res, 200, body);
	response_add_header(c->res, "X-Total-Count", num);
out:
	json_object_put(recs);
	buf_free(&f.json);
	list_query_free(&q);
}

/* -------------------------------------------------------------------- get */

void
crud_get(struct ctx *c)
{
	struct target t;
	json_object *rec = NULL;

	if (crud_resolve(c, true, false, &t) && crud_load_schema(c, &t, true) && crud_find(c, &t, true, &rec, NULL))
		response_json(c->res, 200, rec);
}

/* ------------------------------------------------------------------ writes */

json_object *
crud_body(struct ctx *c, bool array_too)
{
	json_object *body;

	if (!request_content_type_is(c->req, "application/json")) {
		response_error(c->res, c->req->lang, 415, MSG_UNSUPPORTED_MEDIA, NULL);
		return NULL;
	}
	body = c->req->body_read ? json_parse_body(c->req->body.data, c->req->body.len) : NULL;
	if (!json_object_is_type(body, json_type_object) && !(array_too && json_object_is_type(body, json_type_array))) {
		json_object_put(body);
		response_error(c->res, c->req->lang, 400, MSG_BAD_BODY, NULL);
		return NULL;
	}
	return body;
}

json_object *
crud_vals(struct ctx *c, const struct target *t, json_object *body, bool create, json_object *current,
          json_object *errors)
{
	json_object *vals = NULL, *cmds = NULL, *lines;
	size_t before = (size_t)json_object_object_length(errors);
	bool ok = body_to_vals(t->s, body, create, c->req->lang, &vals, errors);

	if (t->res->lines != NULL && json_object_object_get_ex(body, t->res->lines->key, &lines)) {
		if (lines_to_commands(t->ls, t->res->lines->key, lines, current, c->req->lang, &cmds, errors) &&
		    ok && json_object_array_length(cmds) > 0)
			json_object_object_add(vals, t->res->lines->field, json_object_get(cmds));
		json_object_put(cmds);
	}
	if ((size_t)json_object_object_length(errors) > before) {
		json_object_put(vals);
		return NULL;
	}
	return vals;
}

/*
 * crud_vals, answering 400 with `errors` and returning NULL when anything
 * is refused.
 */
static json_object *
body_vals(struct ctx *c, const struct target *t, json_object *body, bool create, json_object *current)
{
	json_object *errors = json_object_new_object();
	json_object *vals = crud_vals(c, t, body, create, current, errors);

	if (vals == NULL) {
		response_error(c->res, c->req->lang, 400, MSG_VALIDATION, errors);
		return NULL;
	}
	json_object_put(errors);
	return vals;
}

/* Answers the record read back after a write (status 200 or 201). */
static void
answer_read_back(struct ctx *c, const struct target *t, int status)
{
	struct odoo_error err;
	json_object *rec = NULL;

	memset(&err, 0, sizeof(err));
	if (crud_read(c, t, true, &rec, NULL, &err) != ODOO_OK) {
		/* The write is done; only the read back failed.  Say so in the log. */
		odoo_answer_error(c, &err, "read back after write");
		return;
	}
	if (rec == NULL) {
		/* Written, but no longer inside the base domain. */
		if (status != 201) {
			response_error(c->res, c->req->lang, 404, MSG_RECORD_NOT_FOUND, NULL);
			return;
		}
		rec = json_object_new_object();
		json_object_object_add(rec, "id", json_object_new_int64(t->id));
	}
	response_json(c->res, status, rec);
}

/* ------------------------------------------------ a wrong related id */

/*
 * The field of s (Odoo name) that Odoo's refusal points at: MissingError
 * on a related record, "(Record: product.category(999999,), User: 2)", as
 * Odoo 18 and 19 raise it when a computed field reads the record first;
 * or the ValidationError of the foreign key, "Constraint:
 * product_product_categ_id_fkey", when PostgreSQL finds it first.
 * related_model is that record's model (NULL for a constraint).
 */
static const struct xfield *
culprit_in(const struct rschema *s, const char *related_model, const char *constraint)
{
	char prefix[160];
	size_t n;

	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < s->n; i++) {
		const struct xfield *f = &s->f[i];

		if (f->odoo == NULL || f->relation == NULL ||
		    (f->type != FT_MANY2ONE && f->type != FT_MANY2MANY))
			continue;
		if (related_model != NULL && strcmp(f->relation, related_model) == 0)
			return f;
		if (constraint != NULL) {
			snprintf(prefix, sizeof(prefix), "%s_", s->res->model);
			for (char *p = prefix; *p; p++)
				if (*p == '.')
					*p = '_';
			n = strlen(prefix);
			if (strncmp(constraint, prefix, n) == 0 && strncmp(constraint + n, f->odoo, strlen(f->odoo)) == 0 &&
			    strcmp(constraint + n + strlen(f->odoo), "_fkey") == 0)
				return f;
		}
	}
	return NULL;
}

/* The exposed field of s whose Odoo name is odoo, or NULL. */
static const struct xfield *
field_by_odoo_name(const struct rschema *s, const char *odoo)
{
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		if (s->f[i].odoo != NULL && strcmp(s->f[i].odoo, odoo) == 0)
			return &s->f[i];
	return NULL;
}

/* Answers 422 with errors.key = the reason of e (Odoo refused the write over that field). */
static void
answer_field_refused(struct ctx *c, const struct target *t, const char *key, enum verr e, const struct odoo_error *err)
{
	json_object *errors = json_object_new_object();

	log_info("%s on %s: Odoo: %s", t->id ? "write" : "create", t->res->model, err->message);
	errors_add_verr(errors, key, e, NULL, c->req->lang);
	response_error(c->res, c->req->lang, 422, MSG_VALIDATION, errors);
}

/*
 * Odoo's refusal of a NULL in a NOT NULL column names the field on its
 * last line, as Odoo 18 and 19 word it (odoo/sql_db.py's
 * _get_not_null_message, captured: create_sale_order_missing_partner):
 *
 *   Model: Sales Order (sale.order)
 *   Field: Customer (partner_id)
 *
 * The label before the parentheses is translated; the technical name is
 * not.  When that field is one the API exposes (on the record or on its
 * lines), answers 422 with errors.<field> = required and returns true, so
 * that a form marks the field; otherwise Odoo's message stands.
 */
static bool
answer_field_not_set(struct ctx *c, const struct target *t, const struct odoo_error *err)
{
	char model[128], name[128], key[192];
	const char *p = strstr(err->message, "\nModel: "), *q;
	const struct xfield *f;

	const char *open = NULL;

	if (err->code != ODOO_E_USER || p == NULL || (q = strstr(p, "\nField: ")) == NULL)
		return false;
	/* The last parenthesis of each line: a translated label may hold some too. */
	for (const char *r = p + 1; r < q; r++)
		if (*r == '(')
			open = r;
	if (open == NULL || sscanf(open, "(%127[a-z0-9_.])", model) != 1)
		return false;
	open = NULL;
	for (const char *r = q + 1; *r != '\0' && *r != '\n'; r++)
		if (*r == '(')
			open = r;
	if (open == NULL || sscanf(open, "(%127[a-z0-9_])", name) != 1)
		return false;
	/*
	 * The model named is the record's, one it inherits fields from (a
	 * product's name is product.template's: "Model: Product
	 * (product.template)"), or its lines'.
	 */
	if (t->res->lines != NULL && t->ls != NULL && strcmp(model, t->ls->res->model) == 0) {
		if ((f = field_by_odoo_name(t->ls, name)) == NULL)
			return false;
		snprintf(key, sizeof(key), "%s.%s", t->res->lines->key, f->name);
	} else if ((f = field_by_odoo_name(t->s, name)) != NULL) {
		snprintf(key, sizeof(key), "%s", f->name);
	} else {
		return false;
	}
	answer_field_refused(c, t, key, VE_REQUIRED, err);
	return true;
}

/*
 * Whether err is Odoo refusing a write because a many2one or a line points
 * at no record, rather than the target record missing: then answers 422
 * with errors naming the field and returns true.  Only a missing target
 * is a 404 (issue: PATCH /products/31 {"categ_id": 999999} is no 404).
 */
static bool
answer_related_missing(struct ctx *c, const struct target *t, const struct odoo_error *err)
{
	char model[128] = "", constraint[160] = "", key[192];
	const char *p;
	long long id = 0;
	const struct xfield *f;

	if (err->code == ODOO_E_MISSING && (p = strstr(err->message, "(Record: ")) != NULL) {
		if (sscanf(p, "(Record: %127[a-z0-9_.](%lld", model, &id) < 1)
			return false;
		/* The target itself: a real 404 (on update; a create has no target yet). */
		if (t->id != 0 && strcmp(model, t->res->model) == 0 && id == t->id)
			return false;
	} else if (err->code == ODOO_E_USER && (p = strstr(err->message, "Constraint: ")) != NULL) {
		if (sscanf(p, "Constraint: %159[a-z0-9_]", constraint) != 1 ||
		    strlen(constraint) < 6 || strcmp(constraint + strlen(constraint) - 5, "_fkey") != 0)
			return false;
	} else {
		return false;
	}
	f = culprit_in(t->s, model[0] ? model : NULL, constraint[0] ? constraint : NULL);
	if (f != NULL)
		snprintf(key, sizeof(key), "%s", f->name);
	else if (t->res->lines != NULL &&
	         (f = culprit_in(t->ls, model[0] ? model : NULL, constraint[0] ? constraint : NULL)) != NULL)
		snprintf(key, sizeof(key), "%s.%s", t->res->lines->key, f->name);
	else if (model[0] == '\0')
		return false;   /* a constraint of no field the API writes: Odoo's message stands */
	else
		snprintf(key, sizeof(key), "%s", t->res->lines != NULL ? t->res->lines->key : "id");
	answer_field_refused(c, t, key, VE_NO_RELATED, err);
	return true;
}


/* Whether v is no value: absent (NULL) or Odoo's False (what body_to_vals makes of null). */
static bool
no_value(json_object *v)
{
	return v == NULL || (json_object_is_type(v, json_type_boolean) && !json_object_get_boolean(v));
}

/*
 * Required fields (fields_get's "required") that the records of vals_list
 * (an array of vals) leave without a value, checked before Odoo is called
 * so that the answer names them: errors.<field> (errors["<i>.<field>"]
 * when indexed, for a bulk create), as any other invalid value, rather
 * than Odoo's NOT NULL message.  On create a field that Odoo fills by
 * default (a product's category, a sale's date) is not missing:
 * default_get, as the calling user, says which fields have one; it is
 * asked once, and only when some field is absent.  On update only a
 * required field set to null is missing.  Booleans never are (false is a
 * value).  The lines' fields are left to Odoo, which computes a line's
 * description and price from its product (fields_get says "required" but
 * not "computed"); its refusal is still answered on the field
 * (answer_field_not_set).
 */
void
crud_check_required(struct ctx *c, const struct target *t, json_object *vals_list, bool create, bool indexed,
                    json_object *errors)
{
	json_object *missing = json_object_new_object(), *names, *defaults = NULL, *v, *args;
	struct odoo_error err;
	size_t n = json_object_array_length(vals_list);
	char key[192];

	/* missing: Odoo name -> the indexes of the records that leave it empty */
	for (size_t r = 0; r < n; r++) {
		json_object *vals = json_object_array_get_idx(vals_list, r);

		for (size_t i = 0; i < t->s->n; i++) {
			const struct xfield *f = &t->s->f[i];
			bool present;

			if (!f->required || f->type == FT_BOOLEAN || f->odoo == NULL || !xfield_writable(f))
				continue;
			v = NULL;
			present = json_object_object_get_ex(vals, f->odoo, &v);
			if (!(create ? no_value(v) : (present && no_value(v))))
				continue;
			if (!json_object_object_get_ex(missing, f->odoo, &names)) {
				names = json_object_new_array();
				json_object_object_add(missing, f->odoo, names);
			}
			json_object_array_add(names, json_object_new_int64((int64_t)r));
		}
	}
	if (json_object_object_length(missing) == 0)
		goto out;
	if (create) {
		json_object *asked = json_object_new_array();

		json_object_object_foreach(missing, name, rows) {
			(void)rows;
			json_object_array_add(asked, json_object_new_string(name));
		}
		memset(&err, 0, sizeof(err));
		args = json_array1(asked);
		if (call(c, t->res->model, "default_get", args, NULL, true, &defaults, &err) != ODOO_OK ||
		    !json_object_is_type(defaults, json_type_object)) {
			/* Not worth refusing the write over: Odoo checks again, and its refusal is answered on the field. */
			log_warn("default_get on %s: %s; leaving the required fields to Odoo", t->res->model,
			         err.message[0] ? err.message : "not an object");
			json_object_put(args);
			goto out;
		}
		json_object_put(args);
	}
	json_object_object_foreach(missing, name, rows) {
		const struct xfield *f = field_by_odoo_name(t->s, name);

		if (defaults != NULL && json_object_object_get_ex(defaults, name, &v) && !no_value(v))
			continue;
		for (size_t i = 0; i < json_object_array_length(rows); i++) {
			if (indexed)
				snprintf(key, sizeof(key), "%" PRId64 ".%s",
				         json_object_get_int64(json_object_array_get_idx(rows, i)), f->name);
			else
				snprintf(key, sizeof(key), "%s", f->name);
			errors_add_verr(errors, key, VE_REQUIRED, NULL, c->req->lang);
		}
	}
out:
	json_object_put(defaults);
	json_object_put(missing);
}

/* crud_check_required for one record; answers 400 and returns false when one is missing. */
static bool
check_required(struct ctx *c, const struct target *t, json_object *vals, bool create)
{
	json_object *list = json_array1(json_object_get(vals)), *errors = json_object_new_object();
	bool ok;

	crud_check_required(c, t, list, create, false, errors);
	json_object_put(list);
	ok = json_object_object_length(errors) == 0;
	if (ok)
		json_object_put(errors);
	else
		response_error(c->res, c->req->lang, 400, MSG_VALIDATION, errors);
	return ok;
}

void
crud_answer_write_error(struct ctx *c, const struct target *t, const struct odoo_error *err, const char *method)
{
	/* Answered on the field Odoo names, where it names one the API exposes. */
	if (!answer_related_missing(c, t, err) && !answer_field_not_set(c, t, err))
		odoo_answer_error(c, err, method);
}

void
crud_create(struct ctx *c)
{
	struct target t;
	struct odoo_error err;
	json_object *body = NULL, *vals = NULL, *args = NULL, *out = NULL;
	const char *prefix;
	char *location;

	memset(&err, 0, sizeof(err));
	if (!crud_resolve(c, false, true, &t) || (body = crud_body(c, true)) == NULL)
		return;
	if (!crud_load_schema(c, &t, true))
		goto out;
	if (json_object_is_type(body, json_type_array)) {
		/* A JSON array: every record in one create (bulk.c). */
		bulk_create(c, &t, body);
		goto out;
	}
	if ((vals = body_vals(c, &t, body, true, NULL)) == NULL || !check_required(c, &t, vals, true))
		goto out;
	args = json_array1(json_object_get(vals));
	/* Not idempotent: a create that timed out is reported, never repeated. */
	if (call(c, t.res->model, "create", args, NULL, false, &out, &err) != ODOO_OK) {
		crud_log_write(c, "create", t.res, 0, odoo_strerror(err.code));
		crud_answer_write_error(c, &t, &err, "create");
		goto out;
	}
	if (!json_to_id(out, &t.id)) {
		crud_log_write(c, "create", t.res, 0, "Odoo answered no id");
		log_error("create on %s answered %s", t.res->model, json_object_to_json_string(out));
		response_error(c->res, c->req->lang, 502, MSG_ODOO_BAD_ANSWER, NULL);
		goto out;
	}
	crud_log_write(c, "create", t.res, t.id, "created");
	answer_read_back(c, &t, 201);
	if (c->res->status == 201) {
		prefix = request_env(c->req, "SCRIPT_NAME");
		location = xasprintf("%s/api/v1/%s/%" PRId64, prefix != NULL ? prefix : "", t.res->name, t.id);
		response_add_header(c->res, "Location", location);
		free(location);
	}
out:
	json_object_put(out);
	json_object_put(args);
	json_object_put(vals);
	json_object_put(body);
}

void
crud_update(struct ctx *c)
{
	struct target t;
	struct odoo_error err;
	json_object *body = NULL, *vals = NULL, *args = NULL, *out = NULL, *cur = NULL, *cur_lines = NULL;

	memset(&err, 0, sizeof(err));
	if (!crud_resolve(c, true, true, &t) || (body = crud_body(c, false)) == NULL)
		return;
	if (!crud_load_schema(c, &t, true))
		goto out;
	/* The record must exist inside the base domain; its lines are what the body's list replaces. */
	if (!crud_find(c, &t, false, &cur, &cur_lines))
		goto out;
	if ((vals = body_vals(c, &t, body, false, cur_lines)) == NULL || !check_required(c, &t, vals, false))
		goto out;
	if (json_object_object_length(vals) > 0) {
		/* The order and its lines in one write: a refusal leaves nothing half-done. */
		args = id_args(t.id, vals);
		if (call(c, t.res->model, "write", args, NULL, false, &out, &err) != ODOO_OK) {
			crud_log_write(c, "update", t.res, t.id, odoo_strerror(err.code));
			crud_answer_write_error(c, &t, &err, "write");
			goto out;
		}
		crud_log_write(c, "update", t.res, t.id, "updated");
	} else {
		crud_log_write(c, "update", t.res, t.id, "nothing to change");
	}
	answer_read_back(c, &t, 200);
out:
	json_object_put(out);
	json_object_put(args);
	json_object_put(cur_lines);
	json_object_put(cur);
	json_object_put(vals);
	json_object_put(body);
}

void
crud_delete(struct ctx *c)
{
	struct target t;
	struct odoo_error err;
	json_object *rec = NULL, *args = NULL, *out = NULL;

	memset(&err, 0, sizeof(err));
	/* Read first: the answer is the record as it was, and the base domain is enforced. */
	if (!crud_resolve(c, true, true, &t) || !crud_load_schema(c, &t, true) || !crud_find(c, &t, true, &rec, NULL))
		return;
	args = id_args(t.id, NULL);
	/* Odoo's refusal (a partner with orders, a confirmed sale) is a 422; nothing is archived instead. */
	if (call(c, t.res->model, "unlink", args, NULL, false, &out, &err) != ODOO_OK) {
		crud_log_write(c, "delete", t.res, t.id, odoo_strerror(err.code));
		odoo_answer_error(c, &err, "unlink");
		goto out;
	}
	crud_log_write(c, "delete", t.res, t.id, "deleted");
	response_json(c->res, 200, json_object_get(rec));
out:
	json_object_put(out);
	json_object_put(args);
	json_object_put(rec);
}
