/*
 * odoo_int.h: what the Odoo interface (odoo.c) and its protocol backends
 * (xmlrpc.c, json2.c) share.  Nothing above odoo.h includes it.
 *
 * A backend is a table of functions, as curl's struct Curl_ssl is for its
 * TLS libraries: each makes exactly one HTTP round trip per call and
 * classifies what came back; odoo.c holds the policy (which backend,
 * retries, re-logins, counters, logging).
 */
#ifndef OB_ODOO_INT_H
#define OB_ODOO_INT_H

#include "http.h"
#include "odoo.h"

struct odoo;

struct odoo_backend {
	const char *name;   /* "xmlrpc", "json2" (logs, /health) */
	enum odoo_protocol protocol;
	/* The server's version; ODOO_E_MISSING when the protocol's route is not there. */
	enum odoo_err (*version)(struct odoo *o, struct odoo_version *v, struct odoo_error *err);
	/*
	 * Checks login and secret: *uid, or 0 when refused.  JSON-2 knows no
	 * login: the key names the user, and login must be that user's.
	 */
	enum odoo_err (*authenticate)(struct odoo *o, const char *login, const char *secret,
	                              long *uid, struct odoo_error *err);
	/*
	 * One call as uid/secret.  A refused credential is ODOO_E_LOGIN with
	 * err->fault_code 3 (XML-RPC AccessDenied) or 401 (JSON-2).
	 */
	enum odoo_err (*call)(struct odoo *o, long uid, const char *secret,
	                      const char *model, const char *method,
	                      json_object *args, json_object *kwargs, struct odoo_fast *f,
	                      json_object **out, struct odoo_error *err);
};

extern const struct odoo_backend odoo_xmlrpc;
extern const struct odoo_backend odoo_json2;

/* The client; backends read the settings and use the transport. */
struct odoo {
	char   *base;              /* ODOO_URL without its trailing '/' */
	char   *db;
	char   *username;
	char   *password;
	char   *api_key;           /* NULL when not configured */
	enum odoo_protocol wanted; /* ODOO_PROTOCOL */
	bool    fast_path;         /* ODOO_FAST_PATH */
	const struct odoo_backend *be;  /* the service account's; NULL until resolved (auto) */
	const char *be_secret;     /* the service account's secret for be: password or API key */
	bool    xmlrpc_gone;       /* /xmlrpc/2 answered 404: Odoo 22 or later */
	struct odoo_version server; /* the last version asked (major 0: not yet) */
	long    uid;               /* service account; 0 until logged in */
	const char *call_secret;   /* the secret of the call under way, for redaction */
	struct http *http;
	struct odoo_stats stats;
	odoo_write_fn on_write;    /* odoo_on_write: called after each non-read call */
	void   *on_write_ud;
	odoo_written_fn on_written; /* odoo_on_written: after each write Odoo accepted */
	void   *on_written_ud;
};

/* ---- odoo_fault.c: errors, shared by the interface and the backends ---- */

/* Sets err (name cleared); the message, which may quote Odoo, is kept valid UTF-8. */
enum odoo_err odoo_set_err(struct odoo_error *err, enum odoo_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void odoo_clear_err(struct odoo_error *err);
/* json-c returns NULL when out of memory; util.h's policy applies (abort). */
json_object *odoo_must(json_object *j);
/*
 * Copies n bytes of src into dst (cap bytes) for a message: invalid UTF-8
 * becomes '?', control characters but newline and tab are dropped, and
 * what does not fit is cut on a character boundary and ends in "...".
 */
void odoo_copy_text(char *dst, size_t cap, const char *src, size_t n);
/* Classifies an XML-RPC fault; missing forces MissingError (the legacy endpoint names it). */
void odoo_classify(int fault_code, const char *fault_string, bool missing, struct odoo_error *err);
/* The legacy /xmlrpc endpoint's string faultCodes. */
void odoo_classify_legacy(const char *code, const char *fault_string, struct odoo_error *err);
/* The head of a Python traceback. */
extern const char odoo_traceback_head[];

#endif
