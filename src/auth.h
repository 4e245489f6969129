/* auth.h: POST /token, GET /api/v1/me, and the bearer-token check of the protected routes. */
#ifndef OB_AUTH_H
#define OB_AUTH_H

#include <stdbool.h>

#include <json-c/json.h>

#include "app.h"
#include "odoo.h"

/*
 * POST /token (DESIGN.md section 3, "Authentication").  Reads username,
 * password and an optional grant_type ("password") from a form or JSON
 * body, checks the login throttle (429 with Retry-After, without asking
 * Odoo), then Odoo's common.authenticate: 200 {"access_token",
 * "token_type": "bearer", "expires_in"} with Cache-Control: no-store, or
 * 401 with WWW-Authenticate: Bearer, or Odoo's failure (502/503/504).
 * Portal and public users get 403 (MSG_LOGIN_NOT_INTERNAL); in
 * AUTH_MODE=service so does a user in none of LOGIN_GROUPS.  In
 * AUTH_MODE=user the token carries the password, sealed (credential.h).
 * 400 names missing fields in "errors"; 415 for other content types.
 * Logs the login name, outcome and client address, never the password.
 */
void auth_token(struct ctx *c);

/*
 * GET /api/v1/me: the token's user read from Odoo's res.users as
 * {"uid", "login", "name", "email", "mode": "user"|"service", "groups":
 * [XML ids]} (Odoo's False as null; groups among the Sales, Contact
 * Creation and Settings groups and LOGIN_GROUPS); 401 when the user no
 * longer exists or Odoo refuses the token's credential.  Expects c->user filled by auth_require.
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

/*
 * The token of an "Authorization: Bearer <token>" value (RFC 7235:
 * scheme case-insensitive, then one or more spaces), trailing spaces
 * trimmed, into out[outlen].  Returns false when the value does not carry
 * bearer credentials at all; a token longer than out is cut to a string
 * token_verify refuses as too long.
 */
bool auth_bearer_token(const char *h, char *out, size_t outlen);

/*
 * DELETE /token and POST /token/revoke: logout.  The request's bearer
 * token (checked as auth_require does) goes on the host's revocation list
 * until its exp; every later use answers 401.  204 on success; 503 when the
 * list cannot record it (full, or busy), so that a logout never pretends.
 */
void auth_logout(struct ctx *c);

/*
 * Derives app->cred_key from CREDENTIAL_KEY or JWT_SECRET (credential.h).
 * Call once at start-up, after the configuration is loaded.  False (logged)
 * when OpenSSL fails: AUTH_MODE=user cannot then issue tokens.
 */
bool auth_app_init(struct app *app);

/*
 * One Odoo call for the request's user: as that user with the credential
 * from the token in AUTH_MODE=user, as the service account in
 * AUTH_MODE=service.  Arguments and result as odoo_call.
 */
/* Frees the worker's list of Odoo's installed languages (the context lang of auth_call, lang.h). */
void auth_worker_langs_free(struct worker *w);

enum odoo_err auth_call(struct ctx *c, const char *model, const char *method, json_object *args,
                        json_object *kwargs, bool idempotent, json_object **out, struct odoo_error *err);

/* The same for a list read whose records the backend may convert in one pass (odoo_call_fast). */
enum odoo_err auth_call_fast(struct ctx *c, const char *model, const char *method, json_object *args,
                             json_object *kwargs, struct odoo_fast *f, json_object **out,
                             struct odoo_error *err);

#endif
