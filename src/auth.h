/* auth.h: POST /token, GET /api/v1/me, and the bearer-token check of the protected routes. */
#ifndef OB_AUTH_H
#define OB_AUTH_H

#include <stdbool.h>

#include "app.h"

/*
 * POST /token (DESIGN.md section 3, "Authentication").  Reads username,
 * password and an optional grant_type ("password") from a form or JSON
 * body, checks the login throttle (429 with Retry-After, without asking
 * Odoo), then Odoo's common.authenticate: 200 {"access_token",
 * "token_type": "bearer", "expires_in"} with Cache-Control: no-store, or
 * 401 with WWW-Authenticate: Bearer, or Odoo's failure (502/503/504).
 * 400 names missing fields in "errors"; 415 for other content types.
 * Logs the login name, outcome and client address, never the password.
 */
void auth_token(struct ctx *c);

/*
 * GET /api/v1/me: the token's user read from Odoo's res.users as
 * {"uid", "login", "name", "email"} (Odoo's False as null); 401 when the
 * user no longer exists.  Expects c->user filled by auth_require.
 */
void auth_me(struct ctx *c);

/*
 * Checks "Authorization: Bearer <token>" (scheme case-insensitive,
 * RFC 7235).  Returns true and fills c->user for a valid token; otherwise
 * writes the 401 into c->res (MSG_NOT_AUTHENTICATED without credentials,
 * MSG_INVALID_TOKEN with error="invalid_token" for a bad token), logs the
 * reason (never the token) and returns false.
 */
bool auth_require(struct ctx *c);

#endif
