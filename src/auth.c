/* auth.c: POST /token, GET /api/v1/me, and the bearer-token check of the protected routes. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "auth.h"
#include "odoo.h"
#include "throttle.h"
#include "token.h"
#include "util.h"

/* The longest login a token can carry (struct identity's sub). */
#define MAX_LOGIN (sizeof(((struct identity *)0)->sub) - 1)
/* Odoo passwords and API keys are far shorter; a longer one is not sent to Odoo's hashing. */
#define MAX_PASSWORD 1024

/* Field-level reasons for "errors", Spanish then English (as response.c's catalogue). */
enum field_reason { FR_REQUIRED, FR_NOT_STRING, FR_TOO_LONG, FR_GRANT_TYPE };

static const char *const field_reasons[][2] = {
	[FR_REQUIRED]   = { "Campo obligatorio", "field required" },
	[FR_NOT_STRING] = { "Debe ser una cadena de texto", "must be a string" },
	[FR_TOO_LONG]   = { "Demasiado largo", "too long" },
	[FR_GRANT_TYPE] = { "Debe ser \"password\"", "must be \"password\"" },
};

/* What /token was given; strings are our own copies (the password is wiped). */
struct login_form {
	char *username;
	char *password;
	char *grant_type;
};

static void
form_free(struct login_form *f)
{
	if (f->password != NULL)
		explicit_bzero(f->password, strlen(f->password));
	free(f->username);
	free(f->password);
	free(f->grant_type);
	memset(f, 0, sizeof(*f));
}

/* Adds reason to errors[field], creating errors on first use. */
static void
add_field_error(json_object **errors, const char *field, enum field_reason r, enum lang lang)
{
	json_object *list;

	if (*errors == NULL)
		*errors = json_object_new_object();
	if (!json_object_object_get_ex(*errors, field, &list)) {
		list = json_object_new_array();
		json_object_object_add(*errors, field, list);
	}
	json_object_array_add(list, json_object_new_string(field_reasons[r][lang == LANG_EN ? 1 : 0]));
}

/* A required string field: present, a string, non-empty, at most max bytes. */
static void
check_required(json_object **errors, const char *field, const char *value, bool not_string,
               size_t max, enum lang lang)
{
	if (not_string)
		add_field_error(errors, field, FR_NOT_STRING, lang);
	else if (value == NULL || value[0] == '\0')
		add_field_error(errors, field, FR_REQUIRED, lang);
	else if (strlen(value) > max)
		add_field_error(errors, field, FR_TOO_LONG, lang);
}

/*
 * The error answer for a failed Odoo call: the client gets the catalogue
 * text for the status, the log gets Odoo's details (never sent: they may
 * hold a traceback).
 */
static void
answer_odoo_error(struct ctx *c, enum odoo_err rc, const struct odoo_error *err, const char *what)
{
	static const struct { int status; enum msg m; } by_status[] = {
		{ 502, MSG_ODOO_BAD_ANSWER }, { 503, MSG_ODOO_UNAVAILABLE }, { 504, MSG_ODOO_TIMEOUT },
		{ 403, MSG_FORBIDDEN }, { 404, MSG_RECORD_NOT_FOUND }, { 422, MSG_ODOO_REJECTED },
		{ 400, MSG_VALIDATION },   /* ODOO_E_REQUEST: a login XML cannot carry, never sent */
	};
	int status = odoo_http_status(rc);
	enum msg m = MSG_INTERNAL;

	for (size_t i = 0; i < ARRAY_SIZE(by_status); i++)
		if (by_status[i].status == status)
			m = by_status[i].m;
	if (m == MSG_INTERNAL)
		status = 500;
	log_error("%s: %s: %s", what, odoo_strerror(rc), err->message);
	response_error(c->res, c->req->lang, status, m, NULL);
}

/* A copy of one body value: NULL when absent, FR_NOT_STRING when present but not a string. */
static char *
json_field(json_object *body, const char *key, bool *not_string)
{
	json_object *v;

	if (!json_object_object_get_ex(body, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		*not_string = true;
		return NULL;
	}
	return xstrndup(json_object_get_string(v), (size_t)json_object_get_string_len(v));
}

/*
 * Reads the form or JSON body into f and validates it.  Returns false after
 * answering (415, 400 malformed, 400 with "errors").
 */
static bool
read_login_form(struct ctx *c, struct login_form *f)
{
	const struct buf *body = &c->req->body;
	const char *data = body->data != NULL ? body->data : "";
	enum lang lang = c->req->lang;
	json_object *errors = NULL;
	bool bad_type[3] = { false, false, false };

	memset(f, 0, sizeof(*f));
	if (request_content_type_is(c->req, "application/x-www-form-urlencoded")) {
		struct params p;
		const char *v;

		if (params_parse(data, body->len, MAX_PARAMS, &p) != QS_OK) {
			response_error(c->res, lang, 400, MSG_BAD_BODY, NULL);
			return false;
		}
		if ((v = params_get(&p, "username")) != NULL)
			f->username = xstrdup(v);
		if ((v = params_get(&p, "password")) != NULL)
			f->password = xstrdup(v);
		if ((v = params_get(&p, "grant_type")) != NULL)
			f->grant_type = xstrdup(v);
		params_free(&p);
	} else if (request_content_type_is(c->req, "application/json")) {
		json_tokener *tok = json_tokener_new_ex(16);
		json_object *obj;

		json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
		obj = body->len <= (size_t)INT32_MAX ? json_tokener_parse_ex(tok, data, (int)body->len) : NULL;
		if (obj == NULL || json_tokener_get_parse_end(tok) != body->len ||
		    !json_object_is_type(obj, json_type_object)) {
			json_object_put(obj);
			json_tokener_free(tok);
			response_error(c->res, lang, 400, MSG_BAD_BODY, NULL);
			return false;
		}
		json_tokener_free(tok);
		f->username = json_field(obj, "username", &bad_type[0]);
		f->password = json_field(obj, "password", &bad_type[1]);
		f->grant_type = json_field(obj, "grant_type", &bad_type[2]);
		json_object_put(obj);
	} else {
		response_error(c->res, lang, 415, MSG_UNSUPPORTED_MEDIA, NULL);
		return false;
	}
	/* The body held the password too: it is not needed any more. */
	if (body->data != NULL)
		explicit_bzero(body->data, body->len);

	check_required(&errors, "username", f->username, bad_type[0], MAX_LOGIN, lang);
	check_required(&errors, "password", f->password, bad_type[1], MAX_PASSWORD, lang);
	/* OAuth2PasswordRequestForm: grant_type is optional, and "password" when given. */
	if (bad_type[2] || (f->grant_type != NULL && strcmp(f->grant_type, "password") != 0))
		add_field_error(&errors, "grant_type", FR_GRANT_TYPE, lang);
	if (errors != NULL) {
		response_error(c->res, lang, 400, MSG_VALIDATION, errors);
		return false;
	}
	return true;
}

static void
add_header_long(struct response *res, const char *name, long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%ld", v);
	response_add_header(res, name, num);
}

void
auth_token(struct ctx *c)
{
	const struct config *cfg = c->cfg;
	struct throttle *th = c->w->app->throttle;
	const char *addr = c->req->remote_addr != NULL ? c->req->remote_addr : "";
	struct login_form f;
	struct odoo_error err;
	enum odoo_err rc;
	enum token_err te;
	int64_t now = now_unix();
	long uid = 0, retry = 0;
	char *token = NULL;
	json_object *body;

	if (!read_login_form(c, &f))
		goto out;
	/* The throttle comes first: a blocked login costs Odoo nothing. */
	if (th != NULL && throttle_check(th, f.username, addr, now, &(const struct throttle_limits){
	                                 .per_pair = cfg->login_max_failures,
	                                 .per_addr = cfg->login_max_failures_addr,
	                                 .per_login = cfg->login_max_failures_login,
	                                 .window = cfg->login_window }, &retry) == THROTTLE_BLOCK) {
		log_warn("login throttled: login=%s addr=%s retry_after=%ld", f.username, addr, retry);
		response_error(c->res, c->req->lang, 429, MSG_TOO_MANY_LOGINS, NULL);
		add_header_long(c->res, "Retry-After", retry);
		goto out;
	}
	memset(&err, 0, sizeof(err));
	rc = odoo_authenticate(ctx_odoo(c), f.username, f.password, &uid, &err);
	if (rc != ODOO_OK) {
		/* Odoo's trouble is not the user's failure: the throttle does not count it. */
		log_warn("login error: login=%s addr=%s", f.username, addr);
		answer_odoo_error(c, rc, &err, "common.authenticate");
		goto out;
	}
	if (uid <= 0) {
		if (th != NULL)
			throttle_fail(th, f.username, addr, now);
		log_info("login failed: login=%s addr=%s", f.username, addr);
		response_error(c->res, c->req->lang, 401, MSG_BAD_LOGIN, NULL);
		response_add_header(c->res, "WWW-Authenticate", "Bearer");
		goto out;
	}
	te = token_issue(cfg->jwt_secret, strlen(cfg->jwt_secret), cfg->jwt_issuer, cfg->jwt_ttl,
	                 f.username, uid, now, &token);
	if (te != TOKEN_OK) {
		log_error("login: cannot issue a token for login=%s uid=%ld: %s", f.username, uid, token_strerror(te));
		response_error(c->res, c->req->lang, 500, MSG_INTERNAL, NULL);
		goto out;
	}
	if (th != NULL)
		throttle_success(th, f.username, addr, now);
	log_info("login ok: login=%s uid=%ld addr=%s", f.username, uid, addr);
	body = json_object_new_object();
	json_object_object_add(body, "access_token", json_object_new_string(token));
	json_object_object_add(body, "token_type", json_object_new_string("bearer"));
	json_object_object_add(body, "expires_in", json_object_new_int64(cfg->jwt_ttl));
	response_json(c->res, 200, body);
	/* RFC 6749 5.1: a token response must not be cached. */
	response_add_header(c->res, "Cache-Control", "no-store");
	response_add_header(c->res, "Pragma", "no-cache");
out:
	free(token);
	form_free(&f);
}

/*
 * The token of an "Authorization: Bearer <token>" value (RFC 7235:
 * scheme case-insensitive, then one or more spaces), trailing spaces
 * trimmed, into out[outlen].  Returns false when the value does not carry
 * bearer credentials at all; a token longer than out is cut to a string
 * token_verify refuses as too long.
 */
static bool
bearer_token(const char *h, char *out, size_t outlen)
{
	size_t n;

	while (*h == ' ' || *h == '\t')
		h++;
	if (ascii_ncasecmp(h, "Bearer", 6) != 0 || h[6] != ' ')
		return false;
	h += 6;
	while (*h == ' ')
		h++;
	n = strlen(h);
	while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
		n--;
	if (n == 0)
		return false;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, h, n);
	out[n] = '\0';
	return true;
}

bool
auth_require(struct ctx *c)
{
	const char *h = request_header(c->req, "HTTP_AUTHORIZATION");
	const char *addr = c->req->remote_addr != NULL ? c->req->remote_addr : "";
	const struct config *cfg = c->cfg;
	char token[TOKEN_MAX_LEN + 2];
	enum token_err e;

	memset(&c->user, 0, sizeof(c->user));
	if (h == NULL || !bearer_token(h, token, sizeof(token))) {
		log_info("no bearer credentials: addr=%s", addr);
		response_error(c->res, c->req->lang, 401, MSG_NOT_AUTHENTICATED, NULL);
		response_add_header(c->res, "WWW-Authenticate", "Bearer");
		return false;
	}
	e = token_verify(token, cfg->jwt_secret, strlen(cfg->jwt_secret), cfg->jwt_issuer,
	                 cfg->jwt_leeway, now_unix(), &c->user);
	explicit_bzero(token, sizeof(token));
	if (e != TOKEN_OK) {
		log_info("token rejected: %s: addr=%s", token_strerror(e), addr);
		response_error(c->res, c->req->lang, 401, MSG_INVALID_TOKEN, NULL);
		response_add_header(c->res, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		return false;
	}
	return true;
}

/* A string member of rec as a JSON string, Odoo's False (or anything else) as null. */
static json_object *
string_or_null(json_object *rec, const char *key)
{
	json_object *v;

	if (json_object_object_get_ex(rec, key, &v) && json_object_is_type(v, json_type_string))
		return json_object_new_string_len(json_object_get_string(v), json_object_get_string_len(v));
	return NULL;
}

static void
answer_user_gone(struct ctx *c, const char *why)
{
	log_warn("token of login=%s uid=%ld: %s", c->user.sub, c->user.uid, why);
	response_error(c->res, c->req->lang, 401, MSG_INVALID_TOKEN, NULL);
	response_add_header(c->res, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
}

void
auth_me(struct ctx *c)
{
	json_object *args = json_object_new_array(), *ids = json_object_new_array();
	json_object *kwargs = json_object_new_object(), *fields = json_object_new_array();
	json_object *out = NULL, *rec, *body;
	struct odoo_error err;
	enum odoo_err rc;

	json_object_array_add(ids, json_object_new_int64(c->user.uid));
	json_object_array_add(args, ids);
	json_object_array_add(fields, json_object_new_string("login"));
	json_object_array_add(fields, json_object_new_string("name"));
	json_object_array_add(fields, json_object_new_string("email"));
	json_object_object_add(kwargs, "fields", fields);

	memset(&err, 0, sizeof(err));
	rc = odoo_execute_kw(ctx_odoo(c), "res.users", "read", args, kwargs, true, &out, &err);
	if (rc == ODOO_E_MISSING) {
		answer_user_gone(c, "user no longer exists");
		goto out;
	}
	if (rc != ODOO_OK) {
		answer_odoo_error(c, rc, &err, "res.users.read");
		goto out;
	}
	/* Odoo 18 answers read() of a deleted id with [] (odoo-captures read_nonexistent_id). */
	if (!json_object_is_type(out, json_type_array) || json_object_array_length(out) == 0) {
		answer_user_gone(c, "user no longer exists");
		goto out;
	}
	rec = json_object_array_get_idx(out, 0);
	if (!json_object_is_type(rec, json_type_object)) {
		log_error("res.users.read: a record that is not a struct");
		response_error(c->res, c->req->lang, 502, MSG_ODOO_BAD_ANSWER, NULL);
		goto out;
	}
	body = json_object_new_object();
	json_object_object_add(body, "uid", json_object_new_int64(c->user.uid));
	json_object_object_add(body, "login", string_or_null(rec, "login"));
	json_object_object_add(body, "name", string_or_null(rec, "name"));
	json_object_object_add(body, "email", string_or_null(rec, "email"));
	response_json(c->res, 200, body);
out:
	json_object_put(out);
	json_object_put(args);
	json_object_put(kwargs);
}
