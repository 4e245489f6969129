/* auth.c: POST /token, GET /api/v1/me, and the bearer-token check of the protected routes. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "auth.h"
#include "metrics.h"
#include "odoo.h"
#include "odoo_answer.h"
#include "lang.h"
#include "state.h"
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

bool
auth_app_init(struct app *app)
{
	const struct config *cfg = &app->cfg;
	const char *ikm = cfg->credential_key != NULL && cfg->credential_key[0] != '\0'
	                  ? cfg->credential_key : cfg->jwt_secret;

	app->cred_key_ready = ikm != NULL && cred_key_derive(ikm, strlen(ikm), &app->cred_key);
	if (!app->cred_key_ready)
		log_error("cannot derive the credential sealing key (OpenSSL HKDF failed)");
	return app->cred_key_ready;
}

/* Whom the request's Odoo calls run as: the token's user in AUTH_MODE=user (filled into *buf), else NULL, the service account. */
static const struct odoo_cred *
request_as(const struct ctx *c, struct odoo_cred *buf)
{
	if (c->cfg->auth_mode != AUTH_USER)
		return NULL;
	buf->uid = c->user.uid;
	buf->secret = c->user.secret;
	buf->api_key = c->user.secret_is_key;
	return buf;
}

/* The request's credential, or false (err set) when AUTH_MODE=user has none to call Odoo with. */
static bool
request_cred(struct ctx *c, const char *model, const char *method, struct odoo_cred *buf,
             const struct odoo_cred **as, json_object **out, struct odoo_error *err)
{
	*as = request_as(c, buf);
	if (*as != NULL && (!c->user.valid || !c->user.has_secret)) {
		/* auth_require lets no such request through: a bug, not a client's fault. */
		log_error("%s.%s: no user credential to call Odoo with", model, method);
		*out = NULL;
		err->code = ODOO_E_CREDENTIAL;
		err->fault_code = 0;
		snprintf(err->message, sizeof(err->message), "no user credential");
		return false;
	}
	return true;
}

/* ------------------------------------------------ the context lang (lang.h) */

/* How long a worker trusts its list of Odoo's installed languages. */
#define LANGS_TTL_US (300LL * 1000000)

void
auth_worker_langs_free(struct worker *w)
{
	for (size_t i = 0; i < w->n_langs; i++)
		free(w->langs[i]);
	free(w->langs);
	w->langs = NULL;
	w->n_langs = 0;
	w->langs_at = 0;
}

/*
 * Where the installed languages are shared between the host's processes
 * (state.h), with their key (per Odoo database) in key; NULL when they are
 * not: no shared state, or the cache off (CACHE_TTL=0), as for the other
 * lookups.
 */
static struct state *
langs_state(const struct ctx *c, char *key, size_t cap)
{
	struct state *st = c->w->app != NULL ? c->w->app->state : NULL;

	if (st == NULL || c->cfg->cache_ttl <= 0 || c->cfg->cache_ttl_lookups <= 0)
		return NULL;
	snprintf(key, cap, "odoo-langs\n%s\n%s", c->cfg->odoo_url != NULL ? c->cfg->odoo_url : "",
	         c->cfg->odoo_db != NULL ? c->cfg->odoo_db : "");
	return st;
}

/* The installed languages as another process of the host stored them (state.h); false when not there. */
static bool
shared_langs_get(struct ctx *c)
{
	struct worker *w = c->w;
	char key[1024];
	struct state *st = langs_state(c, key, sizeof(key));
	struct buf b;
	bool ok = false;

	if (st == NULL)
		return false;
	buf_init(&b, 4096);
	if (state_cache_get(st, key, strlen(key), &b) == STATE_OK) {
		size_t n = 1;

		for (size_t i = 0; i < b.len; i++)
			n += b.data[i] == ' ';
		w->langs = xcalloc(n + 1, sizeof(*w->langs));
		/* buf keeps its data NUL-terminated; an empty value (no language) has none. */
		for (char *save = NULL, *tok = b.len ? strtok_r(b.data, " ", &save) : NULL; tok != NULL;
		     tok = strtok_r(NULL, " ", &save))
			if (lang_code_valid(tok) && w->n_langs < n)
				w->langs[w->n_langs++] = xstrdup(tok);
		ok = true;
	}
	buf_free(&b);
	return ok;
}

/* Shares the worker's list with the host's other processes for CACHE_TTL_LOOKUPS. */
static void
shared_langs_put(struct ctx *c)
{
	struct worker *w = c->w;
	char key[1024];
	struct state *st = langs_state(c, key, sizeof(key));
	struct buf b;

	if (st == NULL)
		return;
	buf_init(&b, 4096);
	for (size_t i = 0; i < w->n_langs; i++)
		if (!buf_puts(&b, i ? " " : "") || !buf_puts(&b, w->langs[i]))
			break;
	(void)state_cache_put(st, key, strlen(key), b.data != NULL ? b.data : "", b.len, c->cfg->cache_ttl_lookups);
	buf_free(&b);
}

/*
 * Odoo's installed languages (res.lang's active records, readable by every
 * user), asked as the request's user at most once per LANGS_TTL_US per
 * worker.  When Odoo cannot say, the worker passes no lang until it asks
 * again: the request goes on in Odoo's default language.
 */
static void
installed_langs(struct ctx *c, const struct odoo_cred *as)
{
	struct worker *w = c->w;
	struct odoo_error err;
	json_object *args, *kwargs, *out = NULL;
	int64_t now = now_mono_us();

	bool refused = w->langs_at < 0;

	if (w->langs_at > 0 && now - w->langs_at < LANGS_TTL_US)
		return;
	auth_worker_langs_free(w);
	w->langs_at = now;
	/* Another process of the host (CGI: every request is one) may have asked already; after a
	 * refusal the shared list is as stale as ours was, and Odoo's answer replaces it. */
	if (!refused && shared_langs_get(c))
		return;
	memset(&err, 0, sizeof(err));
	args = json_object_new_array();
	json_object_array_add(args, json_object_new_array());
	kwargs = json_object_new_object();
	json_object_object_add(kwargs, "fields", json_tokener_parse("[\"code\"]"));
	if (odoo_call(ctx_odoo(c), as, "res.lang", "search_read", args, kwargs, true, &out, &err) != ODOO_OK ||
	    !json_object_is_type(out, json_type_array)) {
		log_warn("odoo: cannot list the installed languages (%s); passing no context lang for %d s",
		         err.message[0] ? err.message : "not a list", (int)(LANGS_TTL_US / 1000000));
	} else {
		size_t n = json_object_array_length(out);

		w->langs = xcalloc(n + 1, sizeof(*w->langs));
		for (size_t i = 0; i < n; i++) {
			json_object *code;

			if (json_object_object_get_ex(json_object_array_get_idx(out, i), "code", &code) &&
			    json_object_is_type(code, json_type_string) && lang_code_valid(json_object_get_string(code)))
				w->langs[w->n_langs++] = xstrdup(json_object_get_string(code));
		}
		shared_langs_put(c);
	}
	json_object_put(out);
	json_object_put(args);
	json_object_put(kwargs);
}

/* The request's context lang (ODOO_LANG, lang.h), decided once per request; NULL for none. */
static const char *
request_lang(struct ctx *c, const struct odoo_cred *as)
{
	const char *mode = c->cfg->odoo_lang;

	if (c->lang_known)
		return c->odoo_lang;
	c->lang_known = true;
	c->odoo_lang = NULL;
	if (mode == NULL || strcmp(mode, "off") == 0)
		return NULL;
	if (strcmp(mode, "auto") != 0)
		return c->odoo_lang = mode;
	installed_langs(c, as);
	c->odoo_lang = lang_pick(c->req->lang, request_env(c->req, "HTTP_ACCEPT_LANGUAGE"),
	                         c->w->langs, c->w->n_langs);
	return c->odoo_lang;
}

/*
 * kwargs with context.lang set to lang (unless the caller set one): the
 * same object, or a new one in *owned when kwargs is NULL.
 */
static json_object *
with_lang(json_object *kwargs, const char *lang, json_object **owned)
{
	json_object *ctx;

	*owned = NULL;
	if (lang == NULL)
		return kwargs;
	if (kwargs == NULL)
		kwargs = *owned = json_object_new_object();
	if (!json_object_object_get_ex(kwargs, "context", &ctx) || !json_object_is_type(ctx, json_type_object)) {
		ctx = json_object_new_object();
		json_object_object_add(kwargs, "context", ctx);
	}
	if (!json_object_object_get_ex(ctx, "lang", NULL))
		json_object_object_add(ctx, "lang", json_object_new_string(lang));
	return kwargs;
}

/*
 * Odoo refusing the lang: it was uninstalled since the worker asked.  The
 * list is asked again on the next request; this call is made again
 * without one, so that the request is not refused for it.
 */
static bool
lang_refused(struct ctx *c, json_object *kwargs, const struct odoo_error *err)
{
	json_object *ctx;

	if (c->odoo_lang == NULL || err->code != ODOO_E_USER ||
	    strncmp(err->message, "Invalid language code", 21) != 0)
		return false;
	log_warn("odoo: Odoo refused the context lang %s (%s); asking for its languages again", c->odoo_lang,
	         err->message);
	/* The host's other processes (CGI: the next requests) stop passing it at once. */
	for (size_t i = 0; i < c->w->n_langs; i++)
		if (c->w->langs[i] == c->odoo_lang) {
			free(c->w->langs[i]);
			c->w->langs[i] = c->w->langs[--c->w->n_langs];
			break;
		}
	shared_langs_put(c);
	c->odoo_lang = NULL;
	auth_worker_langs_free(c->w);
	c->w->langs_at = -1;   /* this process asks Odoo itself next time */
	if (kwargs != NULL && json_object_object_get_ex(kwargs, "context", &ctx))
		json_object_object_del(ctx, "lang");
	return true;
}

enum odoo_err
auth_call(struct ctx *c, const char *model, const char *method, json_object *args, json_object *kwargs,
          bool idempotent, json_object **out, struct odoo_error *err)
{
	struct odoo_cred buf;
	const struct odoo_cred *as;
	json_object *owned;
	enum odoo_err e;

	if (!request_cred(c, model, method, &buf, &as, out, err))
		return err->code;
	kwargs = with_lang(kwargs, request_lang(c, as), &owned);
	e = odoo_call(ctx_odoo(c), as, model, method, args, kwargs, idempotent, out, err);
	/* A refused lang is refused before Odoo does anything: asking again is safe, even for a create. */
	if (e != ODOO_OK && lang_refused(c, kwargs, err))
		e = odoo_call(ctx_odoo(c), as, model, method, args, kwargs, idempotent, out, err);
	json_object_put(owned);
	return e;
}

enum odoo_err
auth_call_fast(struct ctx *c, const char *model, const char *method, json_object *args, json_object *kwargs,
               struct odoo_fast *f, json_object **out, struct odoo_error *err)
{
	struct odoo_cred buf;
	const struct odoo_cred *as;
	json_object *owned;
	enum odoo_err e;

	f->done = false;
	buf_init(&f->json, 0);
	if (!request_cred(c, model, method, &buf, &as, out, err))
		return err->code;
	kwargs = with_lang(kwargs, request_lang(c, as), &owned);
	e = odoo_call_fast(ctx_odoo(c), as, model, method, args, kwargs, f, out, err);
	if (e != ODOO_OK && lang_refused(c, kwargs, err))
		e = odoo_call_fast(ctx_odoo(c), as, model, method, args, kwargs, f, out, err);
	json_object_put(owned);
	return e;
}

/*
 * res.users.has_group(uid, xmlid) as `as` (NULL: the service account):
 * Odoo 17+'s public check of a user's effective groups, implied groups
 * included (res_users.py; a caller that is not internal may ask only about
 * itself).  *yes receives the answer.
 */
static enum odoo_err
has_group(struct ctx *c, const struct odoo_cred *as, long uid, const char *xmlid, bool *yes,
          struct odoo_error *err)
{
	json_object *args = json_object_new_array(), *ids = json_object_new_array(), *out = NULL;
	enum odoo_err rc;

	*yes = false;
	json_object_array_add(ids, json_object_new_int64(uid));
	json_object_array_add(args, ids);
	json_object_array_add(args, json_object_new_string(xmlid));
	rc = odoo_call(ctx_odoo(c), as, "res.users", "has_group", args, NULL, true, &out, err);
	if (rc == ODOO_OK) {
		if (json_object_is_type(out, json_type_boolean))
			*yes = json_object_get_boolean(out);
		else {
			rc = err->code = ODOO_E_BAD_RESPONSE;
			snprintf(err->message, sizeof(err->message), "has_group did not answer a boolean");
		}
	}
	json_object_put(out);
	json_object_put(args);
	return rc;
}

/* The group every internal user has; portal and public users (share = True) lack it. */
#define GROUP_INTERNAL "base.group_user"

/*
 * Whether the user who just logged in may use the API.  Both modes: only
 * internal users (Odoo computes share = not in base.group_user, so
 * has_group(base.group_user) is that flag, and a portal user may ask it
 * about itself).  AUTH_MODE=service also wants one of LOGIN_GROUPS, asked
 * through the service account, since the calls will carry its rights.
 * Returns ODOO_OK with *refusal 0 (admitted) or the message to answer 403
 * with; another code on failure.
 */
static enum odoo_err
admit(struct ctx *c, long uid, const char *password, bool api_key, enum msg *refusal,
      struct odoo_error *err)
{
	const struct config *cfg = c->cfg;
	struct odoo_cred self = { uid, password, api_key };
	const struct odoo_cred *as = cfg->auth_mode == AUTH_USER ? &self : NULL;
	enum odoo_err rc;
	bool yes = false;

	*refusal = (enum msg)0;
	rc = has_group(c, as, uid, GROUP_INTERNAL, &yes, err);
	if (rc != ODOO_OK)
		return rc;
	if (!yes) {
		*refusal = MSG_LOGIN_NOT_INTERNAL;
		return ODOO_OK;
	}
	if (cfg->auth_mode == AUTH_USER)
		return ODOO_OK;
	for (size_t i = 0; i < cfg->n_login_groups; i++) {
		rc = has_group(c, NULL, uid, cfg->login_groups[i], &yes, err);
		/*
		 * Odoo 17/18 answer False for an XML id naming no group; a server
		 * that raises for it instead (a fault, ODOO_E_SERVER) is not
		 * taken as a refusal of the whole login: try the next group.
		 */
		if (rc == ODOO_E_SERVER) {
			log_warn("LOGIN_GROUPS: Odoo cannot check %s (%s); is its module installed?",
			         cfg->login_groups[i], err->message);
			continue;
		}
		if (rc != ODOO_OK)
			return rc;
		if (yes)
			return ODOO_OK;
	}
	*refusal = MSG_LOGIN_NO_GROUP;
	return ODOO_OK;
}

void
auth_token(struct ctx *c)
{
	const struct config *cfg = c->cfg;
	struct state *st = c->w->app->state;
	const char *addr = c->req->remote_addr != NULL ? c->req->remote_addr : "";
	struct login_form f;
	struct odoo_error err;
	enum odoo_err rc;
	enum token_err te;
	int64_t now = now_unix();
	long uid = 0, retry = 0;
	bool api_key = false;
	char *token = NULL;
	json_object *body;
	enum msg refusal;
	struct token_seal seal = { NULL, NULL, false };

	if (!read_login_form(c, &f))
		goto out;
	/* The throttle comes first: a blocked login costs Odoo nothing. */
	if (st != NULL && state_throttle_check(st, f.username, addr, now, &(const struct throttle_limits){
	                                 .per_pair = cfg->login_max_failures,
	                                 .per_addr = cfg->login_max_failures_addr,
	                                 .per_login = cfg->login_max_failures_login,
	                                 .window = cfg->login_window }, &retry) == THROTTLE_BLOCK) {
		log_warn("login throttled: login=%s addr=%s retry_after=%ld", f.username, addr, retry);
		metrics_login(METRICS_LOGIN_THROTTLED);
		response_error(c->res, c->req->lang, 429, MSG_TOO_MANY_LOGINS, NULL);
		add_header_long(c->res, "Retry-After", retry);
		goto out;
	}
	memset(&err, 0, sizeof(err));
	rc = odoo_authenticate(ctx_odoo(c), f.username, f.password, &uid, &api_key, &err);
	if (rc != ODOO_OK) {
		/* Odoo's trouble is not the user's failure: the throttle does not count it. */
		log_warn("login error: login=%s addr=%s", f.username, addr);
		metrics_login(METRICS_LOGIN_ERROR);
		odoo_answer_error(c, &err, "common.authenticate");
		goto out;
	}
	if (uid <= 0) {
		if (st != NULL)
			state_throttle_fail(st, f.username, addr, now);
		log_info("login failed: login=%s addr=%s", f.username, addr);
		metrics_login(METRICS_LOGIN_FAILED);
		response_error(c->res, c->req->lang, 401, MSG_BAD_LOGIN, NULL);
		response_add_header(c->res, "WWW-Authenticate", "Bearer");
		goto out;
	}
	rc = admit(c, uid, f.password, api_key, &refusal, &err);
	if (rc != ODOO_OK) {
		metrics_login(METRICS_LOGIN_ERROR);
		odoo_answer_error(c, &err, "res.users.has_group");
		goto out;
	}
	/* The password was right: the address is a known one for this login, refused or not. */
	if (st != NULL)
		state_throttle_success(st, f.username, addr, now);
	if (refusal != 0) {
		log_warn("login refused: login=%s uid=%ld addr=%s: %s", f.username, uid, addr,
		         refusal == MSG_LOGIN_NOT_INTERNAL ? "not an internal user" : "in none of LOGIN_GROUPS");
		metrics_login(METRICS_LOGIN_REFUSED);
		response_error(c->res, c->req->lang, 403, refusal, NULL);
		goto out;
	}
	if (cfg->auth_mode == AUTH_USER) {
		if (!c->w->app->cred_key_ready) {
			log_error("login: no credential sealing key; cannot issue a user-mode token");
			response_error(c->res, c->req->lang, 500, MSG_INTERNAL, NULL);
			goto out;
		}
		seal.key = &c->w->app->cred_key;
		seal.secret = f.password;
		seal.api_key = api_key;
	}
	te = token_issue(cfg->jwt_secret, strlen(cfg->jwt_secret), cfg->jwt_issuer, cfg->jwt_ttl,
	                 f.username, uid, now, cfg->auth_mode == AUTH_USER ? &seal : NULL, &token);
	if (te != TOKEN_OK) {
		log_error("login: cannot issue a token for login=%s uid=%ld: %s", f.username, uid, token_strerror(te));
		response_error(c->res, c->req->lang, 500, MSG_INTERNAL, NULL);
		goto out;
	}
	log_info("login ok: login=%s uid=%ld addr=%s mode=%s", f.username, uid, addr,
	         cfg->auth_mode == AUTH_USER ? "user" : "service");
	metrics_login(METRICS_LOGIN_OK);
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

/* auth.h */
bool
auth_bearer_token(const char *h, char *out, size_t outlen)
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

/*
 * The last token this worker verified and what it carried.  The same
 * token again (a client's next request) skips the HMAC, libjwt's and
 * jansson's decoding and the opening of the sealed credential: about
 * 220,000 instructions, a third of a list page's (callgrind), for a check
 * that the token has not expired since.  iat and nbf, in the past when it
 * was verified, stay so; the revocation list is asked on every request.
 * The opened secret kept here is no new exposure: the process holds the
 * key that opens every token's.
 */
struct auth_memo {
	size_t          len;   /* 0: none */
	char            token[TOKEN_MAX_LEN + 2];
	struct identity user;
};

void
auth_memo_free(struct auth_memo *m)
{
	if (m == NULL)
		return;
	explicit_bzero(m, sizeof(*m));
	free(m);
}

/* token_verify, or what it said about the same token before when that has not expired since. */
static enum token_err
verify(struct ctx *c, const char *token)
{
	const struct config *cfg = c->cfg;
	struct auth_memo *m = c->w->auth_memo;
	size_t len = strlen(token);
	int64_t now = now_unix();
	enum token_err e;

	/* Constant time: the memo holds a valid token an attacker's bytes are compared with. */
	if (m != NULL && m->len != 0 && memeq_const_time(token, len, m->token, m->len) &&
	    now - cfg->jwt_leeway < m->user.exp) {
		c->user = m->user;
		return TOKEN_OK;
	}
	e = token_verify(token, cfg->jwt_secret, strlen(cfg->jwt_secret), cfg->jwt_issuer, cfg->jwt_leeway, now,
	                 c->w->app->cred_key_ready ? &c->w->app->cred_key : NULL, &c->user);
	if (e == TOKEN_OK && len < sizeof(m->token)) {
		if (m == NULL)
			m = c->w->auth_memo = xcalloc(1, sizeof(*m));
		identity_wipe(&m->user);
		memcpy(m->token, token, len + 1);
		m->len = len;
		m->user = c->user;
	}
	return e;
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
	if (h == NULL || !auth_bearer_token(h, token, sizeof(token))) {
		log_info("no bearer credentials: addr=%s", addr);
		response_error(c->res, c->req->lang, 401, MSG_NOT_AUTHENTICATED, NULL);
		response_add_header(c->res, "WWW-Authenticate", "Bearer");
		return false;
	}
	e = verify(c, token);
	explicit_bzero(token, sizeof(token));
	/* A token from AUTH_MODE=service (or round 1) carries no credential to act as the user with. */
	if (e == TOKEN_OK && cfg->auth_mode == AUTH_USER && !c->user.has_secret) {
		identity_wipe(&c->user);
		e = TOKEN_E_CREDENTIAL;
	}
	if (e == TOKEN_OK) {
		/* Logged out?  A list that cannot be read now is a 503, never a pass (revoke.h). */
		enum revoke_state rs = c->w->app->state != NULL
		                       ? state_revoke_lookup(c->w->app->state, c->user.jti, now_unix()) : REVOKE_ABSENT;
		if (rs == REVOKE_UNKNOWN) {
			identity_wipe(&c->user);
			log_warn("token check: the revocation list is busy; answering 503: addr=%s", addr);
			response_error(c->res, c->req->lang, 503, MSG_REVOKE_UNAVAILABLE, NULL);
			response_add_header(c->res, "Retry-After", "1");
			return false;
		}
		if (rs == REVOKE_PRESENT) {
			log_info("token rejected: revoked (logged out): login=%s addr=%s", c->user.sub, addr);
			identity_wipe(&c->user);
			e = TOKEN_E_REVOKED;
		}
	}
	if (e != TOKEN_OK) {
		if (e != TOKEN_E_REVOKED)
			log_info("token rejected: %s: addr=%s", token_strerror(e), addr);
		response_error(c->res, c->req->lang, 401, MSG_INVALID_TOKEN, NULL);
		response_add_header(c->res, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		return false;
	}
	return true;
}

void
auth_logout(struct ctx *c)
{
	struct state *st = c->w->app->state;

	if (!auth_require(c))
		return;
	if (st == NULL || !state_revoke_add(st, c->user.jti, c->user.exp, now_unix())) {
		log_error("logout: cannot record the revocation of login=%s's token", c->user.sub);
		response_error(c->res, c->req->lang, 503, MSG_REVOKE_UNAVAILABLE, NULL);
		response_add_header(c->res, "Retry-After", "1");
		return;
	}
	log_info("logout: login=%s uid=%ld: token revoked until it expires", c->user.sub, c->user.uid);
	metrics_token_revoked();
	/* RFC 7009 answers a revocation 200 with no body; 204 says the same plainly. */
	c->res->status = 204;
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

/*
 * The Odoo groups /me reports, for Refine's accessControlProvider: the ones
 * that decide what this API lets a user do in Odoo 17-19's standard
 * security (sale and product rights come with the Sales groups, partner
 * creation with Contact Creation), then LOGIN_GROUPS.
 */
static const char *const me_groups[] = {
	"sales_team.group_sale_salesman",           /* Sales / User: Own Documents Only */
	"sales_team.group_sale_salesman_all_leads", /* Sales / User: All Documents */
	"sales_team.group_sale_manager",            /* Sales / Administrator: products too */
	"base.group_partner_manager",               /* Extra Rights / Contact Creation */
	"base.group_system",                        /* Administration / Settings */
};

/* The i-th group /me asks about: me_groups, then LOGIN_GROUPS. */
static const char *
me_group_at(const struct config *cfg, size_t i)
{
	return i < ARRAY_SIZE(me_groups) ? me_groups[i] : cfg->login_groups[i - ARRAY_SIZE(me_groups)];
}

/* Adds to groups each of me_groups and LOGIN_GROUPS the token's user has (one has_group each, none twice). */
static enum odoo_err
user_groups(struct ctx *c, json_object *groups, struct odoo_error *err)
{
	struct odoo_cred buf;
	const struct odoo_cred *as = request_as(c, &buf);
	size_t n = ARRAY_SIZE(me_groups) + c->cfg->n_login_groups;
	enum odoo_err rc = ODOO_OK;

	for (size_t i = 0; i < n && rc == ODOO_OK; i++) {
		const char *g = me_group_at(c->cfg, i);
		bool yes = false, asked = false;

		for (size_t k = 0; k < i && !asked; k++)
			asked = strcmp(me_group_at(c->cfg, k), g) == 0;
		if (asked)
			continue;
		rc = has_group(c, as, c->user.uid, g, &yes, err);
		if (rc == ODOO_E_SERVER) {
			/* A server that raises for a group it does not know (see admit): not a member. */
			rc = ODOO_OK;
			continue;
		}
		if (rc == ODOO_OK && yes)
			json_object_array_add(groups, json_object_new_string(g));
	}
	return rc;
}

void
auth_me(struct ctx *c)
{
	json_object *args = json_object_new_array(), *ids = json_object_new_array();
	json_object *kwargs = json_object_new_object(), *fields = json_object_new_array();
	json_object *out = NULL, *rec, *body, *groups;
	struct odoo_error err;
	enum odoo_err rc;

	json_object_array_add(ids, json_object_new_int64(c->user.uid));
	json_object_array_add(args, ids);
	json_object_array_add(fields, json_object_new_string("login"));
	json_object_array_add(fields, json_object_new_string("name"));
	json_object_array_add(fields, json_object_new_string("email"));
	json_object_object_add(kwargs, "fields", fields);

	memset(&err, 0, sizeof(err));
	rc = auth_call(c, "res.users", "read", args, kwargs, true, &out, &err);
	if (rc == ODOO_E_MISSING) {
		answer_user_gone(c, "user no longer exists");
		goto out;
	}
	if (rc != ODOO_OK) {
		odoo_answer_error(c, &err, "res.users.read");
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
	groups = json_object_new_array();
	rc = user_groups(c, groups, &err);
	if (rc != ODOO_OK) {
		json_object_put(groups);
		odoo_answer_error(c, &err, "res.users.has_group");
		goto out;
	}
	body = json_object_new_object();
	json_object_object_add(body, "uid", json_object_new_int64(c->user.uid));
	json_object_object_add(body, "login", string_or_null(rec, "login"));
	json_object_object_add(body, "name", string_or_null(rec, "name"));
	json_object_object_add(body, "email", string_or_null(rec, "email"));
	json_object_object_add(body, "mode", json_object_new_string(c->cfg->auth_mode == AUTH_USER ? "user" : "service"));
	json_object_object_add(body, "groups", groups);
	response_json(c->res, 200, body);
out:
	json_object_put(out);
	json_object_put(args);
	json_object_put(kwargs);
}
