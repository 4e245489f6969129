/*
 * odoo.h: the Odoo interface.
 *
 * NAME
 *	odoo_new, odoo_free, odoo_version, odoo_authenticate, odoo_call,
 *	odoo_service_uid, odoo_protocol, odoo_get_stats - talk to an Odoo server
 *
 * DESCRIPTION
 *	One client per process or thread (not thread-safe).  It speaks one of
 *	two protocols, chosen by ODOO_PROTOCOL (struct odoo_config.protocol):
 *	XML-RPC (/xmlrpc/2, every Odoo up to 21) or JSON-2 (/json/2/<model>/
 *	<method>, Odoo 19 and later, API keys only).  "auto" asks the server's
 *	version once, on the first call, and uses JSON-2 on 19 or later when
 *	the service account has an API key (ODOO_API_KEY, or ODOO_PASSWORD
 *	holding one), XML-RPC otherwise.  Nothing above this header knows
 *	which protocol runs: the backends (xmlrpc.c, json2.c) sit behind it.
 *
 *	Calls name a model, a method, positional args (a JSON array) and
 *	keyword args (a JSON object or NULL), as Odoo's execute_kw does; JSON-2
 *	binds positional args to the method's parameter names (json2.c).
 *
 * ERRORS
 *	Every failure is one enum odoo_err; odoo_answer.c turns it into the
 *	API's answer.  Messages of ODOO_E_USER, ODOO_E_MISSING and
 *	ODOO_E_ACCESS are Odoo's own, for people; the others are for the log.
 *	No traceback ever leaves this interface except to the debug log.
 *
 * RETRIES (one place: odoo.c)
 *	An idempotent call that found Odoo unreachable (refused, reset, or
 *	dropped before any byte of an answer) is made once more; a timeout is
 *	never retried, nor is a write.  The service account's refused
 *	credential triggers one new login and one retry; a user's refused
 *	credential is ODOO_E_CREDENTIAL at once.
 */
#ifndef OB_ODOO_H
#define OB_ODOO_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "util.h"

enum odoo_protocol {
	ODOO_PROTO_AUTO = 0,
	ODOO_PROTO_XMLRPC,
	ODOO_PROTO_JSON2,
};

/* What the client needs from the configuration (strings are copied). */
struct odoo_config {
	const char *url;          /* ODOO_URL, e.g. http://localhost:8069 (may end in '/' or hold a path) */
	const char *db;
	const char *username;     /* service account */
	const char *password;     /* never logged; may be an API key */
	const char *api_key;      /* ODOO_API_KEY, or NULL: the service account's key for JSON-2 */
	enum odoo_protocol protocol;
	bool        fast_path;    /* ODOO_FAST_PATH: list answers converted in one pass where a backend can */
	long        timeout_ms;   /* connect + whole call */
	size_t      max_response; /* cap on one response body, bytes */
};

/*
 * One classification of every failure, used by all handlers
 * (DESIGN.md section 4 and the status table of section 3).
 */
enum odoo_err {
	ODOO_OK = 0,
	ODOO_E_UNREACHABLE,   /* connection refused / DNS / reset: 503 */
	ODOO_E_TIMEOUT,       /* ODOO_TIMEOUT_MS elapsed: 504 */
	ODOO_E_BAD_RESPONSE,  /* not the protocol's answer, an unexpected status, too large: 502 */
	ODOO_E_LOGIN,         /* the service account cannot log in (or ODOO_DB names no database): 503 */
	ODOO_E_ACCESS,        /* AccessError: 403 */
	ODOO_E_USER,          /* UserError / ValidationError / bad arguments: 422 with Odoo's message */
	ODOO_E_MISSING,       /* MissingError: 404 */
	ODOO_E_SERVER,        /* anything else Odoo raised (a traceback): 502 */
	/*
	 * The arguments cannot be sent in this protocol (XML-RPC: text XML
	 * cannot carry, a number out of range, nesting too deep, a call too
	 * large; JSON-2: positional arguments of a method it cannot name):
	 * nothing was sent.  The caller's data is at fault, not Odoo: 400.
	 */
	ODOO_E_REQUEST,
	/*
	 * A user's own credential was refused on a call made as that user: the
	 * password or API key changed, or the user was archived.  401: the
	 * token no longer works.  Never retried.
	 */
	ODOO_E_CREDENTIAL,
	/*
	 * A user logged in with a password where this Odoo accepts only API
	 * keys (JSON-2 only, XML-RPC gone): 401 with a message that says so.
	 */
	ODOO_E_KEY_REQUIRED,
};

struct odoo_error {
	enum odoo_err code;
	int  fault_code;      /* XML-RPC faultCode, or the JSON-2 HTTP status; 0 otherwise */
	/*
	 * The Odoo exception's class when known ("odoo.exceptions.MissingError",
	 * "builtins.ValueError"), else empty.
	 */
	char name[64];
	/*
	 * For ODOO_E_USER / ODOO_E_MISSING / ODOO_E_ACCESS: Odoo's message, safe
	 * to show to the client (no traceback).  For the others: a short
	 * description for the log only, never sent to the client.
	 */
	char message[1024];
};

/* HTTP status for a classified error (ODOO_OK gives 200). */
int odoo_http_status(enum odoo_err e);
/* Short English name of the error class, for logs. */
const char *odoo_strerror(enum odoo_err e);

struct odoo;

/*
 * Creates a client.  Makes no network call.  Returns NULL only when
 * libcurl cannot be initialised.  Environment proxies (http_proxy...) are
 * ignored.
 */
struct odoo *odoo_new(const struct odoo_config *cfg);
/* Frees the client; accepts NULL. */
void odoo_free(struct odoo *o);

/* The server's version, as every protocol reports it. */
struct odoo_version {
	int  major;           /* 17, 18, 19...; 0 when the answer had none */
	int  minor;
	char text[64];        /* "18.0", "19.0+e-20251227" */
};

/*
 * Asks the server's version (XML-RPC common.version, or JSON GET
 * /json/version).  *latency_ms (when not NULL) receives the round trip.
 */
enum odoo_err odoo_version(struct odoo *o, struct odoo_version *v, long *latency_ms,
                           struct odoo_error *err);

/*
 * The protocol the service account's calls use: "xmlrpc" or "json2"
 * ("auto" resolves on the first call; before it this answers the
 * configured choice, "auto" included).
 */
const char *odoo_protocol(const struct odoo *o);

/*
 * Whom a call runs as: a user's uid and password or API key (AUTH_MODE=
 * user), so that Odoo applies that user's access rights, record rules and
 * audit trail.  NULL in the calls below means the service account.
 */
struct odoo_cred {
	long        uid;      /* > 0 */
	const char *secret;   /* password or API key; never logged */
	bool        api_key;  /* secret is an API key JSON-2 accepted (odoo_authenticate said so) */
};

/*
 * Checks login and secret.  *uid is the user id, or 0 when Odoo refused
 * them (that is ODOO_OK).  *api_key tells whether secret is an API key
 * usable over JSON-2 (then the user's calls go over JSON-2), false for a
 * password (XML-RPC).  Where the server speaks only JSON-2 and the secret
 * is no API key: ODOO_E_KEY_REQUIRED.  A login or secret the protocol
 * cannot carry is ODOO_E_REQUEST, nothing sent.
 */
enum odoo_err odoo_authenticate(struct odoo *o, const char *login, const char *secret,
                                long *uid, bool *api_key, struct odoo_error *err);

/*
 * model.method(*args, **kwargs) as `as`, or as the service account when
 * as is NULL (see RETRIES above).  args (a JSON array) and kwargs (object
 * or NULL) are not consumed.  On ODOO_OK *out receives the result as JSON
 * (caller puts; NULL for a method that returns None).
 */
enum odoo_err odoo_call(struct odoo *o, const struct odoo_cred *as,
                        const char *model, const char *method,
                        json_object *args, json_object *kwargs, bool idempotent,
                        json_object **out, struct odoo_error *err);

/*
 * A list call whose records the backend may turn straight into the API's
 * JSON text, in one pass and without a tree (XML-RPC: xmlrpc_fast.c; JSON-2
 * answers are JSON already and go the usual way).  The caller names the
 * exposed fields (schema) and whether the answer is web_search_read's
 * {length, records} (envelope).  When the backend did it, done is true,
 * json holds the array of API records (the bytes record_from_odoo and
 * json-c would give), length web_search_read's length, and *out is NULL;
 * otherwise *out is the answer as odoo_call gives it.  json is initialised
 * by odoo_call_fast; the caller frees it with buf_free.
 */
struct rschema;
struct odoo_fast {
	const struct rschema *schema;
	bool        envelope;
	/*
	 * Optional: a one2many whose records web_search_read nests in each
	 * record (lines_field, Odoo's name), converted with lines_schema and
	 * written last under lines_key, as crud.c adds a sale's lines; and the
	 * most records the answer may hold (0: any number).  Other answers are
	 * left to the tree (done false).
	 */
	const char *lines_field, *lines_key;
	const struct rschema *lines_schema;
	size_t      max_count;
	bool        done;
	struct buf  json;
	int64_t     length;
	size_t      count;    /* records in json */
};

enum odoo_err odoo_call_fast(struct odoo *o, const struct odoo_cred *as,
                             const char *model, const char *method,
                             json_object *args, json_object *kwargs, struct odoo_fast *f,
                             json_object **out, struct odoo_error *err);

/*
 * Whether method only reads (search_read, read, fields_get...: a fixed list
 * in odoo.c).  Every other method is taken as a write: create, write,
 * unlink, action_confirm, and any method a caller may add.
 */
bool odoo_method_reads(const char *method);

/*
 * Called after every odoo_call / odoo_call_fast whose method is not a read
 * (odoo_method_reads), whatever its outcome (a timeout may have written;
 * a refused call costs a needless invalidation, never a stale read), with
 * the model the call was made on.  The response cache (cache.c) bumps the
 * model's generation here, so that every write path is covered in this one
 * place.  fn NULL removes the hook.  odoo.c knows nothing of the cache.
 */
typedef void (*odoo_write_fn)(void *ud, const char *model, const char *method);
void odoo_on_write(struct odoo *o, odoo_write_fn fn, void *ud);

/*
 * Called after every call that odoo_on_write announces and that Odoo
 * accepted (ODOO_OK), with its positional arguments and its result (both
 * borrowed, either may be NULL): the event stream (events.c) learns there
 * which records a create, write, unlink or workflow action touched.  fn
 * NULL removes the hook.
 */
typedef void (*odoo_written_fn)(void *ud, const char *model, const char *method, json_object *args,
                                json_object *result);
void odoo_on_written(struct odoo *o, odoo_written_fn fn, void *ud);

/*
 * The service account's uid (logging in if needed); 0 on failure, with err
 * saying why: ODOO_E_LOGIN when Odoo refused it (logged as an error:
 * ODOO_USERNAME/ODOO_PASSWORD/ODOO_API_KEY or ODOO_DB are wrong), or the
 * transport class.
 */
long odoo_service_uid(struct odoo *o, struct odoo_error *err);

/*
 * Counters of one client, for logs and benchmarks: every HTTP round trip
 * to Odoo counts (retries and re-logins included).
 */
struct odoo_stats {
	unsigned long calls;      /* round trips attempted */
	unsigned long failures;   /* of which did not end in ODOO_OK */
	long long     total_us;   /* wall time spent in them */
	long long     max_us;     /* slowest one */
	unsigned long connects;   /* new TCP connections opened (the rest were reused) */
	unsigned long fast;       /* list answers the backend converted in one pass (odoo_call_fast) */
};

/* Copies the client's counters into *st (zeros when o is NULL). */
void odoo_get_stats(const struct odoo *o, struct odoo_stats *st);

/*
 * Whether err is Odoo saying that method does not exist on this server, or
 * does not take the arguments it was given (an older Odoo): the caller may
 * fall back to another method.  Knows each protocol's way of saying it.
 */
bool odoo_err_unsupported(const struct odoo_error *err, const char *method);

/* Deepest nesting of arrays/objects converted in either direction. */
#define ODOO_MAX_DEPTH 32

/*
 * Classifies an XML-RPC fault (code and string) into err:
 * 1 -> ODOO_E_SERVER, message = the traceback's last line (log only);
 * 2 -> ODOO_E_USER with Odoo's message, or ODOO_E_MISSING for MissingError;
 * 3 -> ODOO_E_LOGIN (AccessDenied: odoo.c decides on a re-login);
 * 4 -> ODOO_E_ACCESS with Odoo's message; any other code -> ODOO_E_SERVER.
 * Messages are trimmed: no traceback, valid UTF-8, at most
 * sizeof err->message - 1 bytes, cut on a character boundary.
 */
void odoo_classify_fault(int fault_code, const char *fault_string, struct odoo_error *err);

/*
 * Classifies a JSON-2 error answer: its HTTP status and, when the body was
 * Odoo's JSON error, the exception's name and message (NULL otherwise).
 * 401 -> ODOO_E_LOGIN; 403 -> ODOO_E_ACCESS; 404 -> ODOO_E_MISSING for
 * odoo.exceptions.MissingError, ODOO_E_BAD_RESPONSE for a route, model or
 * method Odoo does not know (or a database it does not serve: ODOO_E_LOGIN);
 * 422 -> ODOO_E_USER; 400 and 415 -> ODOO_E_BAD_RESPONSE (our request was
 * wrong); 500 and the rest -> ODOO_E_SERVER.
 */
void odoo_classify_status(long status, const char *name, const char *message,
                          struct odoo_error *err);

#endif
