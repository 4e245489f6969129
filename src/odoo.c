/*
 * odoo.c: the Odoo interface (odoo.h): which backend a call takes,
 * logins, retries, counters and logs.  The backends (xmlrpc.c, json2.c)
 * each make one round trip per call and classify what came back.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "odoo_int.h"
#include "util.h"
#include "xmlrpc.h"

/* ------------------------------------------------------------ logging */

/* The service account's secrets and the secret of the call under way, out of log text. */
static void
redact(const struct odoo *o, char *s)
{
	http_redact(s, o->password);
	http_redact(s, o->api_key);
	http_redact(s, o->call_secret);
}

static void
log_result(struct odoo *o, const char *what, long long ms, struct odoo_error *err)
{
	size_t n;

	switch (err->code) {
	case ODOO_OK:
		http_body(o->http, &n);
		log_debug("odoo: %s: ok in %lld ms, %zu bytes", what, ms, n);
		break;
	case ODOO_E_USER:
	case ODOO_E_MISSING:
		log_info("odoo: %s: %s after %lld ms: %s", what, odoo_strerror(err->code), ms, err->message);
		break;
	case ODOO_E_REQUEST:
		log_info("odoo: %s: not sent: %s", what, err->message);
		break;
	case ODOO_E_ACCESS:
	case ODOO_E_LOGIN:
		redact(o, err->message);
		log_warn("odoo: %s: %s after %lld ms: %s", what, odoo_strerror(err->code), ms, err->message);
		break;
	default:
		redact(o, err->message);
		log_error("odoo: %s: %s after %lld ms: %s", what, odoo_strerror(err->code), ms, err->message);
		break;
	}
}

/* At debug level, the end of a traceback (its most useful part) goes to the log. */
static void
log_traceback(struct odoo *o, const char *what)
{
	char tail[1800];
	const char *fs, *body;
	size_t n;

	if (log_get_level() < LOG_DEBUG)
		return;
	body = http_body(o->http, &n);
	fs = n > 0 ? strstr(body, odoo_traceback_head) : NULL;
	if (fs == NULL)
		return;
	n = strlen(fs);
	if (n >= sizeof tail)
		fs += n - (sizeof tail - 1);
	odoo_copy_text(tail, sizeof tail, fs, strlen(fs));
	redact(o, tail);
	log_debug("odoo: %s: traceback: %s", what, tail);
}

/* ------------------------------------------------------------ one call */

enum op { OP_CALL, OP_AUTH, OP_VERSION };

struct call {
	enum op     op;
	const char *what;        /* for the log: "res.partner.search_read" */
	long        uid;
	const char *secret;
	const char *model, *method;
	json_object *args, *kwargs;
	struct odoo_fast *fast;  /* OP_CALL: a list answer the backend may convert (or NULL) */
	json_object **out;
	const char *login;       /* OP_AUTH */
	long       *auth_uid;    /* OP_AUTH */
	struct odoo_version *version;  /* OP_VERSION */
};

/*
 * One call through backend be, timed, counted and logged.  When
 * idempotent, a call that found Odoo unreachable is made once more.  A
 * timeout is not retried: it has already cost ODOO_TIMEOUT_MS, a second
 * try would double what the client waits for, and an overloaded Odoo
 * would get twice the work.
 */
static enum odoo_err
run(struct odoo *o, const struct odoo_backend *be, struct call *k, bool idempotent,
    struct odoo_error *err)
{
	enum odoo_err rc = ODOO_OK;
	int attempt;

	for (attempt = 1; attempt <= (idempotent ? 2 : 1); attempt++) {
		int64_t t0 = now_mono_us(), us;

		odoo_clear_err(err);
		if (attempt > 1)
			metrics_odoo_retry();
		log_debug("odoo: %s over %s (attempt %d)", k->what, be->name, attempt);
		o->call_secret = k->secret;
		switch (k->op) {
		case OP_CALL:
			rc = be->call(o, k->uid, k->secret, k->model, k->method, k->args, k->kwargs, k->fast,
			              k->out, err);
			break;
		case OP_AUTH:
			rc = be->authenticate(o, k->login, k->secret, k->auth_uid, err);
			break;
		case OP_VERSION:
			memset(k->version, 0, sizeof *k->version);
			rc = be->version(o, k->version, err);
			break;
		}
		us = now_mono_us() - t0;
		if (rc != ODOO_E_REQUEST) {
			o->stats.calls++;
			o->stats.connects += (unsigned long)http_new_connections(o->http);
			o->stats.total_us += us;
			if (us > o->stats.max_us)
				o->stats.max_us = us;
			if (rc != ODOO_OK)
				o->stats.failures++;
			/* The service calls have no model: they are Odoo's "common" service's. */
			metrics_odoo_call(k->op == OP_CALL ? k->model : "common",
			                  k->op == OP_CALL ? k->method : k->op == OP_AUTH ? "authenticate" : "version",
			                  rc, us);
			if (k->op == OP_CALL && k->fast != NULL && k->fast->done) {
				o->stats.fast++;
				log_debug("odoo: %s: converted in one pass (%zu bytes of JSON)", k->what, k->fast->json.len);
			}
		}
		log_result(o, k->what, (long long)(us / 1000), err);
		o->call_secret = NULL;
		if (rc == ODOO_E_SERVER)
			log_traceback(o, k->what);
		if (rc != ODOO_E_UNREACHABLE)
			break;
	}
	return rc;
}

/* ------------------------------------------------------------ protocol */

static const char *const protocol_names[] = {
	[ODOO_PROTO_AUTO] = "auto", [ODOO_PROTO_XMLRPC] = "xmlrpc", [ODOO_PROTO_JSON2] = "json2",
};

const char *
odoo_protocol(const struct odoo *o)
{
	return o->be != NULL ? o->be->name : protocol_names[o->wanted];
}

/*
 * Whether s has the shape of an Odoo API key: Odoo makes them with
 * secrets.token_hex(20), 40 hexadecimal digits (res_users.py).  Only
 * such a secret is tried over JSON-2 first at a login.
 */
static bool
looks_like_key(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return i == 40;
}

static enum odoo_err
ask_version(struct odoo *o, const struct odoo_backend *be, struct odoo_version *v, struct odoo_error *err)
{
	struct call k = { .op = OP_VERSION, .what = be == &odoo_json2 ? "json.version" : "common.version",
	                  .version = v };
	enum odoo_err rc = run(o, be, &k, true, err);

	if (rc == ODOO_OK && v->text[0] != '\0')
		metrics_odoo_info(NULL, v->text);
	return rc;
}

/*
 * The server's version: JSON's GET /json/version first (Odoo 19 and
 * later, and the only one left from 22), XML-RPC's common.version where
 * that route is missing (Odoo 18 and before).
 */
static enum odoo_err
server_version(struct odoo *o, struct odoo_version *v, struct odoo_error *err)
{
	enum odoo_err rc;

	if (o->wanted == ODOO_PROTO_XMLRPC)
		return ask_version(o, &odoo_xmlrpc, v, err);
	rc = ask_version(o, &odoo_json2, v, err);
	if (rc == ODOO_E_MISSING && o->wanted == ODOO_PROTO_AUTO)
		rc = ask_version(o, &odoo_xmlrpc, v, err);
	else if (rc == ODOO_E_MISSING)
		rc = odoo_set_err(err, ODOO_E_BAD_RESPONSE, "ODOO_PROTOCOL=json2, but this Odoo has no JSON-2");
	if (rc == ODOO_OK)
		o->server = *v;
	return rc;
}

/*
 * Decides the service account's backend, once: ODOO_PROTOCOL, or for
 * "auto" the server's version and whether the account has an API key
 * (ODOO_API_KEY, else ODOO_PASSWORD when JSON-2 accepts it as one).
 */
static enum odoo_err
choose_backend(struct odoo *o, struct odoo_error *err)
{
	struct odoo_version v;
	enum odoo_err rc;

	if (o->wanted == ODOO_PROTO_XMLRPC) {
		o->be = &odoo_xmlrpc;
		o->be_secret = o->password;
		return ODOO_OK;
	}
	if (o->wanted == ODOO_PROTO_JSON2) {
		o->be = &odoo_json2;
		o->be_secret = o->api_key ? o->api_key : o->password;
		return ODOO_OK;
	}
	/*
	 * auto without anything JSON-2 could take (no ODOO_API_KEY, and a
	 * password without a key's shape): XML-RPC whatever the version, so
	 * no question is asked.  Plain CGI, one process per request, pays no
	 * extra round trip for the default configuration.
	 */
	if (o->api_key == NULL && !looks_like_key(o->password)) {
		o->be = &odoo_xmlrpc;
		o->be_secret = o->password;
		return ODOO_OK;
	}
	/* /health asks the version first: one question per process is enough. */
	if (o->server.major > 0)
		v = o->server;
	else if ((rc = server_version(o, &v, err)) != ODOO_OK)
		return rc;
	if (v.major >= 19 && (o->api_key != NULL || o->xmlrpc_gone)) {
		o->be = &odoo_json2;
		o->be_secret = o->api_key ? o->api_key : o->password;
	} else if (v.major >= 19 && looks_like_key(o->password)) {
		/* Is ODOO_PASSWORD an API key?  JSON-2 says, in one call. */
		long uid = 0;
		struct call k = { .op = OP_AUTH, .what = "json2 key check", .login = o->username,
		                  .secret = o->password, .auth_uid = &uid };

		rc = run(o, &odoo_json2, &k, true, err);
		if (rc != ODOO_OK)
			return rc;
		o->be = uid > 0 ? &odoo_json2 : &odoo_xmlrpc;
		o->be_secret = o->password;
		if (uid > 0)
			o->uid = uid;
	} else {
		o->be = &odoo_xmlrpc;
		o->be_secret = o->password;
	}
	log_info("odoo: Odoo %s at %s: using %s%s", v.text[0] ? v.text : "(version unknown)", o->base,
	         o->be->name, v.major >= 19 && o->be == &odoo_xmlrpc
	         ? " (deprecated on this Odoo: set ODOO_API_KEY for JSON-2)" : "");
	return ODOO_OK;
}

/* The service account's backend, chosen once per client (and shown by /metrics' build_info). */
static enum odoo_err
resolve(struct odoo *o, struct odoo_error *err)
{
	enum odoo_err rc;

	if (o->be != NULL)
		return ODOO_OK;
	rc = choose_backend(o, err);
	if (rc == ODOO_OK)
		metrics_odoo_info(o->be->name, NULL);
	return rc;
}

/* ------------------------------------------------------------ public API */

struct odoo *
odoo_new(const struct odoo_config *cfg)
{
	struct odoo *o;
	size_t n;

	o = xcalloc(1, sizeof *o);
	o->http = http_new(cfg->timeout_ms, cfg->max_response);
	if (o->http == NULL) {
		free(o);
		return NULL;
	}
	/* ODOO_URL may end in '/' and may carry a path prefix. */
	n = strlen(cfg->url);
	while (n > 0 && cfg->url[n - 1] == '/')
		n--;
	o->base = xstrndup(cfg->url, n);
	o->db = xstrdup(cfg->db);
	o->username = xstrdup(cfg->username);
	o->password = xstrdup(cfg->password);
	o->api_key = cfg->api_key != NULL && cfg->api_key[0] != '\0' ? xstrdup(cfg->api_key) : NULL;
	o->wanted = cfg->protocol;
	o->fast_path = cfg->fast_path;
	xr_raise_limit(cfg->max_response > 0 ? cfg->max_response : 8u * 1024 * 1024);
	return o;
}

static void
free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void
odoo_free(struct odoo *o)
{
	if (o == NULL)
		return;
	http_free(o->http);
	free(o->base);
	free(o->db);
	free(o->username);
	free_secret(o->password);
	free_secret(o->api_key);
	free(o);
}

void
odoo_get_stats(const struct odoo *o, struct odoo_stats *st)
{
	if (o == NULL) {
		memset(st, 0, sizeof *st);
		return;
	}
	*st = o->stats;
}

enum odoo_err
odoo_version(struct odoo *o, struct odoo_version *v, long *latency_ms, struct odoo_error *err)
{
	int64_t t0 = now_mono_us();
	enum odoo_err rc;

	memset(v, 0, sizeof *v);
	rc = o->be != NULL ? ask_version(o, o->be, v, err) : server_version(o, v, err);
	if (latency_ms)
		*latency_ms = (long)((now_mono_us() - t0) / 1000);
	return rc;
}

enum odoo_err
odoo_authenticate(struct odoo *o, const char *login, const char *secret,
                  long *uid, bool *api_key, struct odoo_error *err)
{
	struct call k = { .op = OP_AUTH, .what = "authenticate", .login = login, .secret = secret,
	                  .auth_uid = uid };
	enum odoo_err rc;

	*uid = 0;
	*api_key = false;
	rc = resolve(o, err);
	if (rc != ODOO_OK)
		return rc;
	if (o->be == &odoo_json2 && (looks_like_key(secret) || o->xmlrpc_gone)) {
		rc = run(o, &odoo_json2, &k, true, err);
		if (rc != ODOO_OK || *uid > 0) {
			*api_key = *uid > 0;
			return rc;
		}
	}
	/*
	 * Where XML-RPC is gone, a secret with a key's shape that JSON-2
	 * refused is a wrong key (a failed login, counted by the throttle);
	 * anything else is a password, which this Odoo cannot take at all.
	 */
	if (o->xmlrpc_gone)
		return looks_like_key(secret) ? ODOO_OK
		       : odoo_set_err(err, ODOO_E_KEY_REQUIRED, "this Odoo has no XML-RPC: a password cannot log in");
	rc = run(o, &odoo_xmlrpc, &k, true, err);
	if (o->xmlrpc_gone && rc == ODOO_E_BAD_RESPONSE) {
		if (looks_like_key(secret)) {
			odoo_clear_err(err);
			return ODOO_OK;
		}
		return odoo_set_err(err, ODOO_E_KEY_REQUIRED, "this Odoo has no XML-RPC: a password cannot log in");
	}
	return rc;
}

long
odoo_service_uid(struct odoo *o, struct odoo_error *err)
{
	long uid = 0;
	enum odoo_err rc;

	odoo_clear_err(err);
	if (o->uid > 0)
		return o->uid;
	rc = resolve(o, err);
	/* auto's key check (ODOO_PASSWORD tried over JSON-2) has just logged in: not twice (test_json2). */
	if (rc == ODOO_OK && o->uid > 0)
		return o->uid;
	if (rc == ODOO_OK) {
		struct call k = { .op = OP_AUTH, .what = "authenticate", .login = o->username,
		                  .secret = o->be_secret, .auth_uid = &uid };

		rc = run(o, o->be, &k, true, err);
	}
	if (rc != ODOO_OK) {
		log_error("odoo: the service account \"%s\" could not log in to database \"%s\": %s: %s",
		          o->username, o->db, odoo_strerror(err->code), err->message);
		/*
		 * A fault (not a transport error) on the service account's own login
		 * is a misconfiguration, e.g. ODOO_DB naming no database, which Odoo
		 * answers with a psycopg2 traceback (XML-RPC fault 1) or an HTML 404
		 * (JSON-2): 503, as for a wrong password (DESIGN.md section 3), not
		 * 502.  So are credentials or a database name XML cannot carry: they
		 * come from the configuration, not from the client.
		 */
		if (err->code == ODOO_E_SERVER || err->code == ODOO_E_USER ||
		    err->code == ODOO_E_ACCESS || err->code == ODOO_E_MISSING ||
		    err->code == ODOO_E_REQUEST)
			err->code = ODOO_E_LOGIN;
		return 0;
	}
	if (uid == 0) {
		odoo_set_err(err, ODOO_E_LOGIN, "Odoo refused the service account");
		log_error("odoo: Odoo refuses the service account \"%s\" on database \"%s\": "
		          "check ODOO_USERNAME and ODOO_PASSWORD%s", o->username, o->db,
		          o->be == &odoo_json2 ? " (or ODOO_API_KEY)" : "");
		return 0;
	}
	o->uid = uid;
	log_info("odoo: service account \"%s\" logged in as uid %ld over %s", o->username, uid, o->be->name);
	return uid;
}

static enum odoo_err call_kw(struct odoo *o, const struct odoo_cred *as, const char *model,
                             const char *method, json_object *args, json_object *kwargs, bool idempotent,
                             struct odoo_fast *f, json_object **out, struct odoo_error *err);

/* Whether err is Odoo refusing the credential a call was made with. */
static bool
refused(const struct odoo_error *err)
{
	return err->code == ODOO_E_LOGIN && (err->fault_code == 3 || err->fault_code == 401);
}

/*
 * Methods that change nothing.  A method missing here only costs a needless
 * invalidation; one listed wrongly would serve stale answers, so the list
 * stays short and exact.
 */
bool
odoo_method_reads(const char *method)
{
	static const char *const reads[] = {
		"search_read", "web_search_read", "read", "web_read", "search", "search_count",
		"fields_get", "name_search", "name_get", "read_group", "web_read_group",
		"check_access_rights", "check_access_rule", "has_access", "default_get",
		"context_get", "get_views", "load_views",
	};

	for (size_t i = 0; i < ARRAY_SIZE(reads); i++)
		if (strcmp(method, reads[i]) == 0)
			return true;
	return false;
}

void
odoo_on_write(struct odoo *o, odoo_write_fn fn, void *ud)
{
	o->on_write = fn;
	o->on_write_ud = ud;
}

void
odoo_on_written(struct odoo *o, odoo_written_fn fn, void *ud)
{
	o->on_written = fn;
	o->on_written_ud = ud;
}

/* The one place every call passes: a write, whatever became of it, is announced after it. */
static enum odoo_err
call_announced(struct odoo *o, const struct odoo_cred *as, const char *model, const char *method,
               json_object *args, json_object *kwargs, bool idempotent, struct odoo_fast *f,
               json_object **out, struct odoo_error *err)
{
	enum odoo_err rc = call_kw(o, as, model, method, args, kwargs, idempotent, f, out, err);

	if (o->on_write != NULL && !odoo_method_reads(method))
		o->on_write(o->on_write_ud, model, method);
	if (rc == ODOO_OK && o->on_written != NULL && !odoo_method_reads(method))
		o->on_written(o->on_written_ud, model, method, args, out != NULL ? *out : NULL);
	return rc;
}

enum odoo_err
odoo_call(struct odoo *o, const struct odoo_cred *as, const char *model, const char *method,
          json_object *args, json_object *kwargs, bool idempotent,
          json_object **out, struct odoo_error *err)
{
	return call_announced(o, as, model, method, args, kwargs, idempotent, NULL, out, err);
}

enum odoo_err
odoo_call_fast(struct odoo *o, const struct odoo_cred *as, const char *model, const char *method,
               json_object *args, json_object *kwargs, struct odoo_fast *f,
               json_object **out, struct odoo_error *err)
{
	f->done = false;
	f->length = 0;
	f->count = 0;
	buf_init(&f->json, 64u * 1024 * 1024);
	return call_announced(o, as, model, method, args, kwargs, true, f, out, err);
}

static enum odoo_err
call_kw(struct odoo *o, const struct odoo_cred *as, const char *model, const char *method,
        json_object *args, json_object *kwargs, bool idempotent, struct odoo_fast *f,
        json_object **out, struct odoo_error *err)
{
	char what[192];
	bool relogged = false;
	enum odoo_err rc;

	*out = NULL;
	snprintf(what, sizeof what, "%s.%s", model, method);
	if (!json_object_is_type(args, json_type_array) ||
	    (kwargs != NULL && !json_object_is_type(kwargs, json_type_object)) ||
	    (as != NULL && (as->uid <= 0 || as->secret == NULL))) {
		log_error("odoo: %s: args must be an array, kwargs an object or NULL, a user a uid and a secret", what);
		return odoo_set_err(err, ODOO_E_SERVER, "bad call arguments");
	}
	for (;;) {
		struct call k = { .op = OP_CALL, .what = what, .model = model, .method = method,
		                  .args = args, .kwargs = kwargs, .fast = f, .out = out };
		const struct odoo_backend *be;

		if (as != NULL) {
			rc = resolve(o, err);
			if (rc != ODOO_OK)
				return rc;
			/* A user's API key goes over JSON-2 where the service's calls do; a password over XML-RPC. */
			be = as->api_key && o->be == &odoo_json2 ? &odoo_json2 : &odoo_xmlrpc;
			k.uid = as->uid;
			k.secret = as->secret;
		} else {
			k.uid = odoo_service_uid(o, err);
			if (k.uid == 0)
				return err->code;
			be = o->be;
			k.secret = o->be_secret;
		}
		rc = run(o, be, &k, idempotent, err);
		if (!refused(err))
			return rc;
		if (as != NULL) {
			/* The user's password or API key changed, or the user is archived:
			 * not the service's trouble, and no new login can fix it here. */
			log_info("odoo: %s: Odoo refuses the credential of uid %ld", what, as->uid);
			err->code = ODOO_E_CREDENTIAL;
			return ODOO_E_CREDENTIAL;
		}
		/* AccessDenied: the password changed or the uid is stale.  Odoo
		 * refused before running anything, so even a write may be retried. */
		o->uid = 0;
		if (relogged) {
			log_error("odoo: %s: Odoo still refuses the service account \"%s\" after a new login",
			          what, o->username);
			return ODOO_E_LOGIN;
		}
		relogged = true;
		metrics_odoo_relogin();
		log_warn("odoo: %s: Odoo refused the service account; logging in again", what);
	}
}
