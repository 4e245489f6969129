/* config.h: configuration from the environment and an optional KEY=VALUE file. */
#ifndef OB_CONFIG_H
#define OB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"
#include "odoo.h"
#include "util.h"

/*
 * Every setting of DESIGN.md section 2, plus the login throttle and list
 * limits.  Strings are owned by the struct (config_free releases them).
 */
/* AUTH_MODE: whose Odoo rights a data call runs with (DESIGN.md section 3). */
enum auth_mode {
	AUTH_USER = 0,   /* the logged-in user's own (the default) */
	AUTH_SERVICE,    /* the service account's, for admitted internal users */
};

struct config {
	char   *odoo_url;          /* ODOO_URL, http(s)://host[:port][/prefix] */
	char   *odoo_db;           /* ODOO_DB */
	char   *odoo_username;     /* ODOO_USERNAME */
	char   *odoo_password;     /* ODOO_PASSWORD (secret; may be an API key) */
	char   *odoo_lang;         /* ODOO_LANG: auto, off, or an Odoo language code (lang.h) */
	char   *odoo_api_key;      /* ODOO_API_KEY (secret, optional): the service account's key for JSON-2 */
	enum odoo_protocol odoo_protocol; /* ODOO_PROTOCOL: auto | xmlrpc | json2 */
	bool    odoo_fast_path;    /* ODOO_FAST_PATH: on | off (one-pass XML-RPC list answers) */
	long    odoo_timeout_ms;   /* ODOO_TIMEOUT_MS, 100..600000 */
	size_t  odoo_max_response; /* ODOO_MAX_RESPONSE, bytes of one answer from Odoo */
	char   *jwt_secret;        /* JWT_SECRET (secret, >= 32 bytes) */
	long    jwt_ttl;           /* JWT_TTL seconds, 60..604800 */
	char   *jwt_issuer;        /* JWT_ISSUER */
	long    jwt_leeway;        /* JWT_LEEWAY seconds for exp/nbf/iat, 0..300 */
	char  **cors_origins;      /* CORS_ORIGINS split on ',', NULL-terminated */
	size_t  n_cors_origins;
	bool    cors_any;          /* CORS_ORIGINS contains "*" */
	size_t  max_body;          /* MAX_BODY bytes */
	enum log_level log_level;  /* LOG_LEVEL */
	long    list_max;          /* LIST_MAX: records in a list without paging */
	long    bulk_max;          /* BULK_MAX: records in one bulk create/update/delete */
	long    batch_max;         /* BATCH_MAX: entries in one POST /api/v1/batch */
	size_t  batch_max_response; /* BATCH_MAX_RESPONSE: bytes of answers after which entries are not run */
	enum auth_mode auth_mode;  /* AUTH_MODE: user | service */
	char  **login_groups;      /* LOGIN_GROUPS: XML ids, NULL-terminated (service mode) */
	size_t  n_login_groups;
	char   *credential_key;    /* CREDENTIAL_KEY (secret, optional): seals credentials in tokens */
	long    login_max_failures;      /* LOGIN_MAX_FAILURES per (login, client address) in the window */
	long    login_max_failures_addr; /* LOGIN_MAX_FAILURES_ADDR per client address */
	long    login_max_failures_login; /* LOGIN_MAX_FAILURES_LOGIN per login, from all addresses */
	long    login_window;      /* LOGIN_WINDOW seconds */
	char   *throttle_file;     /* THROTTLE_FILE: shared counter table */
	char   *revoke_file;       /* REVOKE_FILE: shared list of revoked tokens */
	char   *metrics_file;      /* METRICS_FILE: the counters /metrics shows, shared by the processes */
	struct netlist metrics_allow; /* METRICS_ALLOW: client networks that may read /metrics */
	char   *metrics_token;     /* METRICS_TOKEN (secret, optional): a bearer token that may read /metrics */
	long    cache_ttl;         /* CACHE_TTL seconds a cached answer lives (0: no cache) */
	long    cache_ttl_lookups; /* CACHE_TTL_LOOKUPS seconds, for categories and countries */
	size_t  cache_max_bytes;   /* CACHE_MAX_BYTES of the shared cache file */
	char   *cache_file;        /* CACHE_FILE: the shared cache arena and generations */
	char   *redis_url;         /* REDIS_URL (may hold a password): "" keeps the state on this host */
	char   *redis_prefix;      /* REDIS_PREFIX: of every key, so that deployments can share a Redis */
	long    redis_timeout_ms;  /* REDIS_TIMEOUT_MS: connect and command timeout, 10..10000 */
	long    events_heartbeat;  /* EVENTS_HEARTBEAT seconds between ": ping" comments of a quiet stream */
	long    events_poll;       /* EVENTS_POLL seconds between polls of Odoo for outside changes (0: off) */
	long    events_max_per_user; /* EVENTS_MAX_PER_USER open streams per user on the host */
	long    events_max_age;    /* EVENTS_MAX_AGE seconds a stream lasts before it ends (token checked again) */
	long    events_ring;       /* EVENTS_RING events kept for Last-Event-ID */
	char   *events_file;       /* EVENTS_FILE: the shared event ring and open streams */
	bool    docs;              /* DOCS: on | off (GET /openapi.json and /docs) */
	char   *docs_assets_url;   /* DOCS_ASSETS_URL: where /docs loads swagger-ui-dist from */
	char   *config_file;       /* the file read, or NULL */
};

/* Error from loading or validating: one line, never containing a secret. */
struct config_error {
	char msg[512];
};

/*
 * Fills cfg from defaults, then the file (when file != NULL, or
 * ODOO_BRIDGE_CONFIG is set), then the environment (envp, NULL-terminated;
 * the environment wins), and validates every value.
 * Returns true on success; on failure cfg holds whatever was loaded (free it)
 * and err says what is wrong, naming the variable.
 */
bool config_load(struct config *cfg, const char *file, char **envp, struct config_error *err);

/* Frees the strings of cfg; accepts a zeroed struct. */
void config_free(struct config *cfg);

/* Whether origin is allowed by CORS_ORIGINS (exact match, or "*"). */
bool config_origin_allowed(const struct config *cfg, const char *origin);

#endif
