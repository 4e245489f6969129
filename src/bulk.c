/* bulk.c: bulk writes: many records of one resource in one Odoo call (create, write, unlink). */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "bulk.h"
#include "odoo_answer.h"
#include "util.h"
#include "value.h"

enum bulk_err
bulk_parse_ids(const struct params *q, size_t max, int64_t **ids, size_t *n, const char **bad)
{
	int64_t *v = NULL, id;
	size_t k = 0;

	*ids = NULL;
	*n = 0;
	*bad = NULL;
	for (size_t i = 0; i < q->n; i++) {
		bool seen = false;

		if (strcmp(q->v[i].key, "id") != 0) {
			*bad = q->v[i].key;
			goto fail_other;
		}
		if (!parse_int64(q->v[i].value, 1, INT32_MAX, &id)) {
			*bad = q->v[i].value;
			free(v);
			return BULK_BAD_ID;
		}
		for (size_t j = 0; j < k && !seen; j++)
			seen = v[j] == id;
		if (seen)
			continue;
		if (k == max) {
			free(v);
			return BULK_TOO_MANY;
		}
		/* At most MAX_PARAMS pairs reach here (params_parse's bound). */
		v = xrealloc(v, (k + 1) * sizeof(*v));
		v[k++] = id;
	}
	if (k == 0)
		return BULK_NO_IDS;
	*ids = v;
	*n = k;
	return BULK_OK;
fail_other:
	free(v);
	return BULK_OTHER_PARAM;
}

json_object *
bulk_id_list(const int64_t *ids, size_t n)
{
	json_object *list = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(list, json_object_new_int64(ids[i]));
	return list;
}

void
bulk_log_each(const struct ctx *c, const char *what, const struct resource *res, const int64_t *ids, size_t n,
              const char *outcome)
{
	for (size_t i = 0; i < n; i++)
		crud_log_write(c, what, res, ids[i], outcome);
}

bool
bulk_ids(struct ctx *c, int64_t **ids, size_t *n)
{
	const char *bad;
	json_object *errors;

	switch (bulk_parse_ids(&c->req->query, (size_t)c->cfg->bulk_max, ids, n, &bad)) {
	case BULK_OK:
		return true;
	case BULK_NO_IDS:
		response_error(c->res, c->req->lang, 400, MSG_BULK_EMPTY, NULL);
		return false;
	case BULK_TOO_MANY:
		response_error(c->res, c->req->lang, 400, MSG_BULK_TOO_MANY, NULL);
		return false;
	case BULK_BAD_ID:
		errors = json_object_new_object();
		errors_add_verr(errors, "id", VE_BAD_ID, NULL, c->req->lang);
		response_error(c->res, c->req->lang, 400, MSG_BAD_PARAMETER, errors);
		return false;
	case BULK_OTHER_PARAM:
	default:
		errors = json_object_new_object();
		errors_add_verr(errors, bad != NULL ? bad : "", VE_UNKNOWN_FIELD, NULL, c->req->lang);
		response_error(c->res, c->req->lang, 400, MSG_BAD_PARAMETER, errors);
		return false;
	}
}

/* The base domain of t AND id in ids, archived records included, as search's args and kwargs. */
static void
ids_search(const struct target *t, const int64_t *ids, size_t n, json_object **args, json_object **kwargs)
{
	json_object *domain = json_object_new_array(), *cond = json_object_new_array();
	json_object *ctx = json_object_new_object();

	resource_base_domain(t->res, domain);
	json_object_array_add(cond, json_object_new_string("id"));
	json_object_array_add(cond, json_object_new_string("in"));
	json_object_array_add(cond, bulk_id_list(ids, n));
	json_object_array_add(domain, cond);
	*args = json_object_new_array();
	json_object_array_add(*args, domain);
	*kwargs = json_object_new_object();
	json_object_object_add(ctx, "active_test", json_object_new_boolean(0));
	json_object_object_add(*kwargs, "context", ctx);
}

/* Whether the JSON array of ids holds id. */
static bool
has_id(json_object *list, int64_t id)
{
	int64_t v;

	for (size_t i = 0; i < json_object_array_length(list); i++)
		if (json_to_id(json_object_array_get_idx(list, i), &v) && v == id)
			return true;
	return false;
}

/* 404 with errors.ids: one "Registro no encontrado: <id>" per id of ids[0..n) for which found is false. */
static void
answer_missing(struct ctx *c, const int64_t *ids, size_t n, json_object *present, bool by_key)
{
	json_object *errors = json_object_new_object();
	char key[24], *reason;

	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%" PRId64, ids[i]);
		if (by_key ? json_object_object_get_ex(present, key, NULL) : has_id(present, ids[i]))
			continue;
		reason = xasprintf("%s: %s", msg_text(MSG_RECORD_NOT_FOUND, c->req->lang), key);
		errors_add(errors, "ids", reason);
		free(reason);
	}
	response_error(c->res, c->req->lang, 404, MSG_RECORD_NOT_FOUND, errors);
}

bool
bulk_check_ids(struct ctx *c, const struct target *t, const int64_t *ids, size_t n)
{
	struct odoo_error err;
	json_object *args, *kwargs, *out = NULL;
	bool ok = false;

	memset(&err, 0, sizeof(err));
	ids_search(t, ids, n, &args, &kwargs);
	if (auth_call(c, t->res->model, "search", args, kwargs, true, &out, &err) != ODOO_OK) {
		odoo_answer_error(c, &err, t->res->name);
	} else if (!json_object_is_type(out, json_type_array)) {
		log_error("%s.search answered %s", t->res->model, json_object_to_json_string(out));
		response_error(c->res, c->req->lang, 502, MSG_ODOO_BAD_ANSWER, NULL);
	} else if (json_object_array_length(out) != n) {
		/* The ids are distinct (bulk_parse_ids): fewer found means some are missing. */
		answer_missing(c, ids, n, out, false);
	} else {
		ok = true;
	}
	json_object_put(out);
	json_object_put(args);
	json_object_put(kwargs);
	return ok;
}

bool
bulk_check_states(struct ctx *c, const struct target *t, const int64_t *ids, size_t n, const char *action,
                  const char *const *from)
{
	const struct xfield *sf = rschema_field(t->s, "state");
	struct odoo_error err;
	json_object *args, *kwargs, *out = NULL, *found = NULL, *errors = NULL, *fields;
	bool ok = false;

	if (sf == NULL || sf->odoo == NULL) {
		/* The resources file checked "state" is listed; this Odoo lacks it (--check-config --ping says so). */
		log_warn("%s: no state field on this Odoo: %s runs without its \"from\" check", t->res->name, action);
		return bulk_check_ids(c, t, ids, n);
	}
	memset(&err, 0, sizeof(err));
	ids_search(t, ids, n, &args, &kwargs);
	fields = json_object_new_array();
	json_object_array_add(fields, json_object_new_string(sf->odoo));
	json_object_object_add(kwargs, "fields", fields);
	/* search_read instead of search: the same one call, with the states. */
	if (auth_call(c, t->res->model, "search_read", args, kwargs, true, &out, &err) != ODOO_OK) {
		odoo_answer_error(c, &err, t->res->name);
		goto out;
	}
	if (!json_object_is_type(out, json_type_array)) {
		log_error("%s.search_read answered %s", t->res->model, json_object_to_json_string(out));
		response_error(c->res, c->req->lang, 502, MSG_ODOO_BAD_ANSWER, NULL);
		goto out;
	}
	found = json_object_new_array();
	errors = json_object_new_object();
	for (size_t i = 0; i < json_object_array_length(out); i++) {
		json_object *rec = json_object_array_get_idx(out, i), *id, *st;
		const char *now = NULL;
		bool allowed = false;
		int64_t v;

		if (!json_object_object_get_ex(rec, "id", &id) || !json_to_id(id, &v))
			continue;
		json_object_array_add(found, json_object_new_int64(v));
		if (json_object_object_get_ex(rec, sf->odoo, &st) && json_object_is_type(st, json_type_string))
			now = json_object_get_string(st);
		for (size_t k = 0; now != NULL && from[k] != NULL && !allowed; k++)
			allowed = strcmp(from[k], now) == 0;
		if (!allowed) {
			char *reason = xasprintf("%" PRId64 ": %s", v, now != NULL ? now : "?");

			crud_log_write(c, action, t->res, v, "refused: not allowed from this state");
			errors_add(errors, "ids", reason);
			free(reason);
		}
	}
	if (json_object_array_length(found) != n) {
		answer_missing(c, ids, n, found, false);
	} else if (json_object_object_length(errors) > 0) {
		response_error(c->res, c->req->lang, 409, MSG_STATE_CONFLICT, errors);
		errors = NULL;
	} else {
		ok = true;
	}
out:
	json_object_put(errors);
	json_object_put(found);
	json_object_put(out);
	json_object_put(args);
	json_object_put(kwargs);
	return ok;
}

void
bulk_answer_records(struct ctx *c, const struct target *t, const int64_t *ids, size_t n, int status)
{
	struct odoo_error err;
	json_object *by_id = NULL, *list, *rec;
	char key[24];

	memset(&err, 0, sizeof(err));
	if (crud_read_many(c, t, ids, n, &by_id, &err) != ODOO_OK) {
		/* The write is done; only the read back failed.  Say so in the log. */
		odoo_answer_error(c, &err, "read back after bulk write");
		return;
	}
	list = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%" PRId64, ids[i]);
		if (json_object_object_get_ex(by_id, key, &rec)) {
			json_object_array_add(list, json_object_get(rec));
		} else {
			rec = json_object_new_object();
			json_object_object_add(rec, "id", json_object_new_int64(ids[i]));
			json_object_array_add(list, rec);
		}
	}
	json_object_put(by_id);
	response_json(c->res, status, list);
}

/* Copies each errors[k] of one item into all as errors["<index>.k"]. */
static void
errors_prefixed(json_object *all, size_t index, json_object *item_errors)
{
	char *key;

	json_object_object_foreach(item_errors, k, reasons) {
		key = xasprintf("%zu.%s", index, k);
		json_object_object_add(all, key, json_object_get(reasons));
		free(key);
	}
}

void
bulk_create(struct ctx *c, const struct target *t, json_object *items)
{
	size_t n = json_object_array_length(items);
	struct odoo_error err;
	json_object *errors = NULL, *vals_list = NULL, *args = NULL, *out = NULL;
	int64_t *ids = NULL;

	memset(&err, 0, sizeof(err));
	if (n == 0) {
		response_error(c->res, c->req->lang, 400, MSG_BULK_EMPTY, NULL);
		return;
	}
	if (n > (size_t)c->cfg->bulk_max) {
		response_error(c->res, c->req->lang, 400, MSG_BULK_TOO_MANY, NULL);
		return;
	}
	errors = json_object_new_object();
	/* An item that is not an object makes the body malformed, as a single create's would be. */
	for (size_t i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(items, i), json_type_object)) {
			char key[24];

			snprintf(key, sizeof(key), "%zu", i);
			errors_add_verr(errors, key, VE_NOT_OBJECT, NULL, c->req->lang);
		}
	if (json_object_object_length(errors) > 0) {
		response_error(c->res, c->req->lang, 400, MSG_BAD_BODY, errors);
		errors = NULL;
		goto out;
	}
	vals_list = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *item = json_object_array_get_idx(items, i), *item_errors, *vals;

		item_errors = json_object_new_object();
		vals = crud_vals(c, t, item, true, NULL, item_errors);
		errors_prefixed(errors, i, item_errors);
		json_object_put(item_errors);
		if (vals != NULL)
			json_object_array_add(vals_list, vals);
	}
	if (json_object_object_length(errors) == 0)
		crud_check_required(c, t, vals_list, true, true, errors);
	if (json_object_object_length(errors) > 0) {
		response_error(c->res, c->req->lang, 400, MSG_VALIDATION, errors);
		errors = NULL;
		goto out;
	}
	args = json_object_new_array();
	json_object_array_add(args, json_object_get(vals_list));
	/* Not idempotent: a create that timed out is reported, never repeated. */
	if (auth_call(c, t->res->model, "create", args, NULL, false, &out, &err) != ODOO_OK) {
		crud_log_write(c, "bulk create", t->res, 0, odoo_strerror(err.code));
		crud_answer_write_error(c, t, &err, "create");
		goto out;
	}
	/* create with a list answers the list of ids, in the order of the vals. */
	if (!json_object_is_type(out, json_type_array) || json_object_array_length(out) != n) {
		crud_log_write(c, "bulk create", t->res, 0, "Odoo answered no list of ids");
		log_error("create on %s answered %s", t->res->model, json_object_to_json_string(out));
		response_error(c->res, c->req->lang, 502, MSG_ODOO_BAD_ANSWER, NULL);
		goto out;
	}
	ids = xcalloc(n, sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		if (!json_to_id(json_object_array_get_idx(out, i), &ids[i])) {
			log_error("create on %s answered %s", t->res->model, json_object_to_json_string(out));
			response_error(c->res, c->req->lang, 502, MSG_ODOO_BAD_ANSWER, NULL);
			goto out;
		}
	bulk_log_each(c, "create", t->res, ids, n, "created (bulk)");
	bulk_answer_records(c, t, ids, n, 201);
out:
	free(ids);
	json_object_put(out);
	json_object_put(args);
	json_object_put(vals_list);
	json_object_put(errors);
}

/* The collection's target (resource, writable, schemas loaded) and its ids; false when it answered. */
static bool
bulk_target(struct ctx *c, struct target *t, int64_t **ids, size_t *n)
{
	*ids = NULL;
	return crud_resolve(c, false, true, t) && bulk_ids(c, ids, n) && crud_load_schema(c, t, true);
}

/* [ids] as the first positional argument of write/unlink, plus vals when given. */
static json_object *
ids_args(const int64_t *ids, size_t n, json_object *vals)
{
	json_object *a = json_object_new_array();

	json_object_array_add(a, bulk_id_list(ids, n));
	if (vals != NULL)
		json_object_array_add(a, json_object_get(vals));
	return a;
}

void
bulk_update(struct ctx *c)
{
	struct target t;
	struct odoo_error err;
	json_object *body = NULL, *vals = NULL, *args = NULL, *out = NULL, *errors;
	int64_t *ids = NULL;
	size_t n = 0;

	memset(&err, 0, sizeof(err));
	if (!bulk_target(c, &t, &ids, &n) || (body = crud_body(c, false)) == NULL)
		goto out;
	errors = json_object_new_object();
	if (t.res->lines != NULL && json_object_object_get_ex(body, t.res->lines->key, NULL))
		errors_add(errors, t.res->lines->key, msg_text(MSG_BULK_LINES, c->req->lang));
	else
		vals = crud_vals(c, &t, body, false, NULL, errors);
	if (vals != NULL) {
		/* A required field set to null (no Odoo call: on update defaults do not apply). */
		json_object *one = json_object_new_array();

		json_object_array_add(one, json_object_get(vals));
		crud_check_required(c, &t, one, false, false, errors);
		json_object_put(one);
		if (json_object_object_length(errors) > 0) {
			json_object_put(vals);
			vals = NULL;
		}
	}
	if (vals == NULL) {
		response_error(c->res, c->req->lang, 400, MSG_VALIDATION, errors);
		goto out;
	}
	json_object_put(errors);
	/* Every id inside the base domain, or nothing is written. */
	if (!bulk_check_ids(c, &t, ids, n))
		goto out;
	if (json_object_object_length(vals) > 0) {
		args = ids_args(ids, n, vals);
		if (auth_call(c, t.res->model, "write", args, NULL, false, &out, &err) != ODOO_OK) {
			bulk_log_each(c, "update", t.res, ids, n, odoo_strerror(err.code));
			crud_answer_write_error(c, &t, &err, "write");
			goto out;
		}
		bulk_log_each(c, "update", t.res, ids, n, "updated (bulk)");
	}
	bulk_answer_records(c, &t, ids, n, 200);
out:
	free(ids);
	json_object_put(out);
	json_object_put(args);
	json_object_put(vals);
	json_object_put(body);
}

void
bulk_delete(struct ctx *c)
{
	struct target t;
	struct odoo_error err;
	json_object *by_id = NULL, *list = NULL, *args = NULL, *out = NULL, *rec;
	int64_t *ids = NULL;
	size_t n = 0;
	char key[24];

	memset(&err, 0, sizeof(err));
	if (!bulk_target(c, &t, &ids, &n))
		goto out;
	/* Read first: the answer is the records as they were, and the base domain is enforced. */
	if (crud_read_many(c, &t, ids, n, &by_id, &err) != ODOO_OK) {
		odoo_answer_error(c, &err, t.res->name);
		goto out;
	}
	if ((size_t)json_object_object_length(by_id) != n) {
		answer_missing(c, ids, n, by_id, true);
		goto out;
	}
	list = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%" PRId64, ids[i]);
		json_object_object_get_ex(by_id, key, &rec);
		json_object_array_add(list, json_object_get(rec));
	}
	args = ids_args(ids, n, NULL);
	/* Odoo's refusal of any one record (a confirmed sale) is a 422, and none is deleted. */
	if (auth_call(c, t.res->model, "unlink", args, NULL, false, &out, &err) != ODOO_OK) {
		bulk_log_each(c, "delete", t.res, ids, n, odoo_strerror(err.code));
		odoo_answer_error(c, &err, "unlink");
		goto out;
	}
	bulk_log_each(c, "delete", t.res, ids, n, "deleted (bulk)");
	response_json(c->res, 200, json_object_get(list));
out:
	free(ids);
	json_object_put(out);
	json_object_put(args);
	json_object_put(list);
	json_object_put(by_id);
}
