/* sales.c: the sale workflow actions (confirm, cancel, draft). */
#include "autoconfig.h"

#include <string.h>

#include <json-c/json.h>

#include "auth.h"
#include "crud.h"
#include "odoo_answer.h"
#include "sales.h"
#include "util.h"

/* One workflow transition (odoo-captures/WORKFLOW.txt). */
struct action {
	const char *model;     /* the model it applies to */
	const char *name;      /* URL segment */
	const char *method;    /* Odoo method, called on [[id]] */
	const char *kwargs;    /* JSON object text, or NULL */
	const char *state;     /* the state the record must be in afterwards */
};

static const struct action actions[] = {
	{ "sale.order", "confirm", "action_confirm", NULL, "sale" },
	/* Without the context Odoo 18 answers a wizard action for a confirmed
	 * order and cancels nothing. */
	{ "sale.order", "cancel", "action_cancel", "{\"context\": {\"disable_cancel_warning\": true}}", "cancel" },
	{ "sale.order", "draft", "action_draft", NULL, "draft" },
};

static const struct action *
find_action(const struct resource *res, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (name != NULL && strcmp(actions[i].model, res->model) == 0 && strcmp(actions[i].name, name) == 0)
			return &actions[i];
	return NULL;
}

/* Whether the API record's state is s. */
static bool
state_is(json_object *rec, const char *s)
{
	json_object *v;

	return json_object_object_get_ex(rec, "state", &v) && json_object_is_type(v, json_type_string) &&
	       strcmp(json_object_get_string(v), s) == 0;
}

const char *
sales_action_name(const struct resource *res, size_t i, const char **state)
{
	for (size_t k = 0; k < ARRAY_SIZE(actions); k++)
		if (strcmp(actions[k].model, res->model) == 0 && i-- == 0) {
			*state = actions[k].state;
			return actions[k].name;
		}
	return NULL;
}

void
sales_action(struct ctx *c)
{
	const struct action *a;
	struct target t;
	struct odoo_error err;
	json_object *rec = NULL, *args = NULL, *kwargs = NULL, *out = NULL;

	memset(&err, 0, sizeof(err));
	if (!crud_resolve(c, true, false, &t))
		return;
	if ((a = find_action(t.res, c->req->route_params[2])) == NULL) {
		response_error(c->res, c->req->lang, 404, MSG_NOT_FOUND, NULL);
		return;
	}
	/* The record must exist inside the base domain; its lines are read once, for the answer. */
	if (!crud_load_schema(c, &t, false) || !crud_find(c, &t, &rec, NULL))
		return;
	json_object_put(rec);
	rec = NULL;
	args = json_object_new_array();
	json_object_array_add(args, json_object_new_array());
	json_object_array_add(json_object_array_get_idx(args, 0), json_object_new_int64(t.id));
	if (a->kwargs != NULL)
		kwargs = json_tokener_parse(a->kwargs);
	if (auth_call(c, t.res->model, a->method, args, kwargs, false, &out, &err) != ODOO_OK) {
		crud_log_write(c, a->name, t.res, t.id, odoo_strerror(err.code));
		odoo_answer_error(c, &err, a->method);
		goto out;
	}
	/* A dict is a window action (a wizard asking the user): nothing happened. */
	if (json_object_is_type(out, json_type_object)) {
		crud_log_write(c, a->name, t.res, t.id, "Odoo answered a wizard, not a transition");
		response_error(c->res, c->req->lang, 422, MSG_ODOO_REJECTED, NULL);
		goto out;
	}
	if (!crud_load_schema(c, &t, true) || !crud_find(c, &t, &rec, NULL))
		goto out;
	if (!state_is(rec, a->state)) {
		crud_log_write(c, a->name, t.res, t.id, "Odoo accepted but the state did not change");
		response_error(c->res, c->req->lang, 422, MSG_ODOO_REJECTED, NULL);
		goto out;
	}
	crud_log_write(c, a->name, t.res, t.id, a->state);
	response_json(c->res, 200, json_object_get(rec));
out:
	json_object_put(out);
	json_object_put(kwargs);
	json_object_put(args);
	json_object_put(rec);
}
