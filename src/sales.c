/*
 * sales.c: the workflow actions of any resource (the resources file's
 * "actions": confirm, cancel and draft of sales in the default table).
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "auth.h"
#include "bulk.h"
#include "crud.h"
#include "odoo_answer.h"
#include "sales.h"
#include "util.h"
#include "value.h"

/* The action of res called name (the resources file's "actions"), or NULL. */
static const struct res_action *
find_action(const struct resource *res, const char *name)
{
	return resource_action(res, name);
}

/* Whether the API record's state is s. */
static bool
state_is(json_object *rec, const char *s)
{
	json_object *v;

	return json_object_object_get_ex(rec, "state", &v) && json_object_is_type(v, json_type_string) &&
	       strcmp(json_object_get_string(v), s) == 0;
}

/*
 * Runs a's Odoo method on ids[0..n) in one call; answers Odoo's refusal,
 * or 422 when Odoo answered a wizard (nothing happened), and returns false.
 */
static bool
run_action(struct ctx *c, const struct target *t, const struct res_action *a, const int64_t *ids, size_t n)
{
	struct odoo_error err;
	json_object *args = json_object_new_array(), *kwargs = NULL, *out = NULL;
	bool ok = false;

	memset(&err, 0, sizeof(err));
	json_object_array_add(args, bulk_id_list(ids, n));
	if (a->kwargs != NULL)
		kwargs = json_tokener_parse(a->kwargs);
	if (auth_call(c, t->res->model, a->method, args, kwargs, false, &out, &err) != ODOO_OK &&
	    !odoo_err_returned_none(&err)) {
		bulk_log_each(c, a->name, t->res, ids, n, odoo_strerror(err.code));
		odoo_answer_error(c, &err, a->method);
	} else if (json_object_is_type(out, json_type_object) && json_object_object_get_ex(out, "type", NULL)) {
		/*
		 * A dict with a type is a window action (a wizard asking the user):
		 * nothing happened.  Others ({} from purchase's button_draft, None
		 * that XML-RPC cannot carry, True) mean done; "to" then checks it.
		 */
		bulk_log_each(c, a->name, t->res, ids, n, "Odoo answered a wizard, not a transition");
		response_error(c->res, c->req->lang, 422, MSG_ODOO_REJECTED, NULL);
	} else {
		ok = true;
	}
	json_object_put(out);
	json_object_put(kwargs);
	json_object_put(args);
	return ok;
}

const char *
sales_action_name(const struct resource *res, size_t i, const char **state)
{
	if (i >= res->n_actions)
		return NULL;
	*state = res->actions[i].to;
	return res->actions[i].name;
}

/* Whether the API record's state is one of a's "from" (any state when it has none). */
static bool
state_allowed(const struct res_action *a, json_object *rec, const char **now)
{
	json_object *v;

	*now = NULL;
	if (a->from == NULL)
		return true;
	if (json_object_object_get_ex(rec, "state", &v) && json_object_is_type(v, json_type_string))
		*now = json_object_get_string(v);
	for (size_t i = 0; *now != NULL && a->from[i] != NULL; i++)
		if (strcmp(a->from[i], *now) == 0)
			return true;
	return false;
}

/* "confirm: allowed from draft, sent; the record is sale" (into a new string). */
static char *
state_reason(const struct res_action *a, const char *now, enum lang lang)
{
	struct buf b;
	char *s;

	buf_init(&b, 4096);
	buf_puts(&b, a->name);
	buf_puts(&b, lang == LANG_EN ? ": allowed from " : ": permitida desde ");
	for (size_t i = 0; a->from[i] != NULL; i++) {
		if (i > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, a->from[i]);
	}
	buf_puts(&b, lang == LANG_EN ? "; the record is " : "; el registro está en ");
	buf_puts(&b, now != NULL ? now : "?");
	s = xstrdup(b.data);
	buf_free(&b);
	return s;
}

/* The 409 of a record whose state a does not start from: errors.state says why. */
static void
answer_state_conflict(struct ctx *c, const struct resource *res, const struct res_action *a, int64_t id,
                      const char *now)
{
	json_object *errors = json_object_new_object();
	char *why = state_reason(a, now, c->req->lang);

	crud_log_write(c, a->name, res, id, "refused: not allowed from this state");
	errors_add(errors, "state", why);
	free(why);
	response_error(c->res, c->req->lang, 409, MSG_STATE_CONFLICT, errors);
}

void
sales_action(struct ctx *c)
{
	const struct res_action *a;
	struct target t;
	json_object *rec = NULL;
	const char *now;

	if (!crud_resolve(c, true, false, &t))
		return;
	if ((a = find_action(t.res, c->req->route_params[2])) == NULL) {
		response_error(c->res, c->req->lang, 404, MSG_NOT_FOUND, NULL);
		return;
	}
	/*
	 * The record must exist inside the base domain; its lines are read once,
	 * for the answer.  That read has its state too: "from" costs no call.
	 */
	if (!crud_load_schema(c, &t, false) || !crud_find(c, &t, a->from == NULL, &rec, NULL))
		return;
	/* With "from" the record is read as a tree (not the fast path's text), to see its state. */
	if (!state_allowed(a, rec, &now)) {
		answer_state_conflict(c, t.res, a, t.id, now);
		json_object_put(rec);
		return;
	}
	json_object_put(rec);
	rec = NULL;
	if (!run_action(c, &t, a, &t.id, 1))
		return;
	if (!crud_load_schema(c, &t, true) || !crud_find(c, &t, false, &rec, NULL))
		return;
	if (a->to != NULL && !state_is(rec, a->to)) {
		crud_log_write(c, a->name, t.res, t.id, "Odoo accepted but the state did not change");
		response_error(c->res, c->req->lang, 422, MSG_ODOO_REJECTED, NULL);
		json_object_put(rec);
		return;
	}
	crud_log_write(c, a->name, t.res, t.id, a->to != NULL ? a->to : "done");
	response_json(c->res, 200, rec);
}

bool
sales_is_action(const char *res, const char *name)
{
	const struct resource *r = resource_find(res);

	return r != NULL && find_action(r, name) != NULL;
}

void
sales_bulk_action(struct ctx *c)
{
	const struct res_action *a;
	struct target t;
	struct odoo_error err;
	json_object *by_id = NULL, *list = NULL, *rec, *errors = NULL;
	int64_t *ids = NULL;
	size_t n = 0;
	char key[24];

	memset(&err, 0, sizeof(err));
	if (!crud_resolve(c, false, false, &t))
		return;
	if ((a = find_action(t.res, c->req->route_params[1])) == NULL) {
		response_error(c->res, c->req->lang, 404, MSG_NOT_FOUND, NULL);
		return;
	}
	/*
	 * Every id inside the base domain, or no action is run; with "from",
	 * the same search reads their states (bulk_check_states), so every
	 * record must also be in a state the action starts from.
	 */
	if (!bulk_ids(c, &ids, &n) || !crud_load_schema(c, &t, true) ||
	    !(a->from != NULL ? bulk_check_states(c, &t, ids, n, a->name, a->from) : bulk_check_ids(c, &t, ids, n)) ||
	    !run_action(c, &t, a, ids, n))
		goto out;
	if (crud_read_many(c, &t, ids, n, &by_id, &err) != ODOO_OK) {
		odoo_answer_error(c, &err, "read back after a workflow action");
		goto out;
	}
	/* As for one record: an order that did not reach the state (Odoo ignored it) is a 422 naming it. */
	list = json_object_new_array();
	errors = json_object_new_object();
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%" PRId64, ids[i]);
		if (!json_object_object_get_ex(by_id, key, &rec) || (a->to != NULL && !state_is(rec, a->to))) {
			crud_log_write(c, a->name, t.res, ids[i], "Odoo accepted but the state did not change");
			errors_add(errors, "ids", key);
			continue;
		}
		crud_log_write(c, a->name, t.res, ids[i], a->to != NULL ? a->to : "done");
		json_object_array_add(list, json_object_get(rec));
	}
	if (json_object_object_length(errors) > 0) {
		response_error(c->res, c->req->lang, 422, MSG_ODOO_REJECTED, errors);
		errors = NULL;
		goto out;
	}
	response_json(c->res, 200, json_object_get(list));
out:
	free(ids);
	json_object_put(errors);
	json_object_put(list);
	json_object_put(by_id);
}
