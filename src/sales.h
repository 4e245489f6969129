/* sales.h: the workflow actions of the resource table (the resources file's "actions"). */
#ifndef OB_SALES_H
#define OB_SALES_H

#include <stdbool.h>

#include "app.h"
#include "resource.h"

/*
 * POST /api/v1/:res/:id/:action (route_params 0, 1, 2).  Runs the Odoo
 * method of the action on the record and answers 200 with it as read back
 * (lines included).  404 for a resource without workflow, an unknown action
 * or record; 409 (errors.state) when the action has "from" and the record
 * is in another state, checked on the read that finds the record (no extra
 * Odoo call); 422 with Odoo's reason when Odoo refuses, or when it accepts
 * but the record does not reach the action's "to" state (e.g. draft on a
 * confirmed order, which Odoo 18 silently ignores).
 */
void sales_action(struct ctx *c);

/*
 * POST /api/v1/:res/:action?id=1&id=2 (route_params 0, 1): the action on
 * every id in one Odoo call (action_confirm on many orders).  Every id
 * must exist inside the base domain first (else 404 naming them in
 * errors.ids, and nothing runs); at most BULK_MAX ids.  Answers 200 with
 * the orders read back (one read), in the order of the ids; 409 (nothing
 * runs) when the action has "from" and some record is in another state
 * (bulk_check_states: the same one search); 422 with errors.ids naming the
 * orders that did not reach the action's "to" state.
 */
void sales_bulk_action(struct ctx *c);

/* Whether name is a workflow action of resource res (for the route table's method check). */
bool sales_is_action(const char *res, const char *name);

/*
 * The i-th workflow action of res (e.g. "confirm" for sales), or NULL past
 * the last; *state is the state the record reaches.  For the documentation.
 */
const char *sales_action_name(const struct resource *res, size_t i, const char **state);

#endif
