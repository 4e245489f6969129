/* app.h: process-wide state, per-worker state and the per-request context. */
#ifndef OB_APP_H
#define OB_APP_H

#include "config.h"
#include "credential.h"
#include "request.h"
#include "response.h"

struct odoo;
struct schema_cache;
struct state;
struct schema_scopes;
struct openapi_cache;
struct io_ops;

/* Made once at start-up; read-only afterwards (shared by all threads). */
struct app {
	struct config   cfg;
	struct state    *state;       /* throttle, revoked tokens, cache: shared between processes (state.h) */
	struct cred_key  cred_key;    /* seals users' credentials in tokens (auth_app_init) */
	bool             cred_key_ready;
};

/* One per accepting thread: the Odoo connection and the caches it fills. */
struct worker {
	const struct app    *app;
	struct odoo         *odoo;    /* created lazily: CGI start-up stays cheap */
	struct schema_cache *schemas;     /* the service account's (AUTH_MODE=service) */
	struct schema_scopes *user_schemas; /* per user (AUTH_MODE=user), made on first use */
	char               **langs;   /* Odoo's installed language codes (lang.h), asked on first need */
	size_t               n_langs;
	int64_t              langs_at; /* when asked (now_mono_us); 0: not yet; -1: Odoo refused one */
	struct auth_memo    *auth_memo;   /* auth.c: the last token verified, made on first use */
	struct openapi_cache *openapi;    /* /openapi.json, built on first use (openapi.c) */
};

/* The identity a valid token carries. */
struct identity {
	bool    valid;
	char    sub[256];   /* the Odoo login */
	long    uid;        /* the Odoo user id */
	char    jti[64];
	int64_t exp;        /* expiry, Unix seconds (how long a revocation must last) */
	bool    has_secret; /* secret holds the user's Odoo password or API key */
	char    secret[1025]; /* opened from the cred claim (CRED_MAX_SECRET + 1); never logged */
	bool    secret_is_key; /* the secret is an API key that JSON-2 accepted (claim ckey) */
};

/* Everything one request needs; created at accept, freed at the end of the loop turn. */
struct ctx {
	struct worker   *w;
	const struct config *cfg;
	struct request  *req;
	struct response *res;
	struct identity  user;
	bool             lang_known;  /* odoo_lang is decided (auth.c) */
	const char      *odoo_lang;   /* the context lang of the request's Odoo calls, or NULL */
	const struct io_ops *io;      /* how the answer is written (server.h); NULL in a batch's sub-request */
};

/* Returns the worker's Odoo client, creating it on first use (app.c). */
struct odoo *ctx_odoo(struct ctx *c);
/* A client made from the configuration's ODOO_* settings; NULL only when libcurl cannot start. */
struct odoo *odoo_from_config(const struct config *cfg);

/* A route handler: fills c->res. */
typedef void (*handler_fn)(struct ctx *c);

#endif
