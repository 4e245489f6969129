/* sales.h: the sale workflow actions (confirm, cancel, draft). */
#ifndef OB_SALES_H
#define OB_SALES_H

#include "app.h"
#include "resource.h"

/*
 * POST /api/v1/:res/:id/:action (route_params 0, 1, 2).  Runs the Odoo
 * method of the action on the record and answers 200 with it as read back
 * (lines included).  404 for a resource without workflow, an unknown action
 * or record; 422 with Odoo's reason when Odoo refuses, or when it accepts
 * but the order does not reach the action's state (e.g. draft on a
 * confirmed order, which Odoo 18 silently ignores).
 */
void sales_action(struct ctx *c);

/*
 * The i-th workflow action of res (e.g. "confirm" for sales), or NULL past
 * the last; *state is the state the record reaches.  For the documentation.
 */
const char *sales_action_name(const struct resource *res, size_t i, const char **state);

#endif
