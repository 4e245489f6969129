/* odoo_answer.h: a failed Odoo call as the client's HTTP answer, the same for every handler. */
#ifndef OB_ODOO_ANSWER_H
#define OB_ODOO_ANSWER_H

#include "app.h"
#include "odoo.h"

/*
 * Writes the answer for err into c->res and logs it (with what, e.g. the
 * Odoo method): 422 with Odoo's message (UserError, ValidationError), 403
 * with Odoo's message (AccessError), 404, 400 (nothing could be sent), 401
 * (the user's credential refused: the token is over), 503/504, and 502 for
 * the rest.  Tracebacks and odd answers go to the log only.
 */
void odoo_answer_error(struct ctx *c, const struct odoo_error *err, const char *what);

#endif
