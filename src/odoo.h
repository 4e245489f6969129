/* odoo.h: the Odoo client: XML-RPC built and parsed by xmlrpc-c, carried by libcurl. */
#ifndef OB_ODOO_H
#define OB_ODOO_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

/* What the client needs from the configuration (strings are copied). */
struct odoo_config {
	const char *url;          /* ODOO_URL, e.g. http://localhost:8069 */
	const char *db;
	const char *username;     /* service account */
	const char *password;     /* never logged */
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
	ODOO_E_BAD_RESPONSE,  /* non-200, not XML-RPC, too large: 502 */
	ODOO_E_LOGIN,         /* service account cannot log in (fault 3 after retry, or authenticate False): 503 */
	ODOO_E_ACCESS,        /* fault 4 AccessError: 403 */
	ODOO_E_USER,          /* fault 2 UserError / ValidationError: 422 with Odoo's message */
	ODOO_E_MISSING,       /* fault 2 MissingError: 404 */
	ODOO_E_SERVER,        /* fault 1 (traceback) or other fault: 502 */
	/*
	 * The arguments cannot be written as XML-RPC (see odoo_serialize_call:
	 * text XML cannot carry, a number out of range, nesting too deep, a
	 * call too large): nothing was sent.  The caller's data is at fault,
	 * not Odoo: 400.  The message is for the log.
	 */
	ODOO_E_REQUEST,
	/*
	 * A user's own credential was refused (AccessDenied, fault 3, on a call
	 * made as that user): the password or API key changed, or the user was
	 * archived.  401: the token no longer works.  Never retried.
	 */
	ODOO_E_CREDENTIAL,
};

struct odoo_error {
	enum odoo_err code;
	int  fault_code;      /* XML-RPC faultCode, 0 when not a fault */
	/*
	 * For ODOO_E_USER / ODOO_E_MISSING / ODOO_E_ACCESS: Odoo's message, safe
	 * to show to the client (first line(s) of the faultString, no traceback).
	 * For the others: a short description for the log only (e.g. the last
	 * line of a traceback), never sent to the client.
	 */
	char message[1024];
};

/* HTTP status for a classified error (ODOO_OK gives 200). */
int odoo_http_status(enum odoo_err e);
/* Short English name of the error class, for logs. */
const char *odoo_strerror(enum odoo_err e);

struct odoo;

/*
 * Creates a client (one per process or thread; not thread-safe).  Makes no
 * network call.  Returns NULL only when libcurl cannot be initialised.
 * Environment proxies (http_proxy...) are ignored.  The first client raises
 * xmlrpc-c's process-wide response size limit to fit max_response; all
 * clients of a process are expected to share one configuration.
 */
struct odoo *odoo_new(const struct odoo_config *cfg);
/* Frees the client; accepts NULL. */
void odoo_free(struct odoo *o);

/*
 * common.version().  *out receives the result struct as JSON (caller puts).
 * *latency_ms (when not NULL) receives the round-trip time.
 */
enum odoo_err odoo_version(struct odoo *o, json_object **out, long *latency_ms, struct odoo_error *err);

/*
 * common.authenticate(db, login, password, {}).  *uid is the user id, or 0
 * when Odoo answered False (wrong login or password: that is ODOO_OK).
 * A login or password XML cannot carry is ODOO_E_REQUEST, nothing sent.
 */
enum odoo_err odoo_authenticate(struct odoo *o, const char *login, const char *password,
                                long *uid, struct odoo_error *err);

/*
 * Whom a call runs as: a user's uid and password or API key (AUTH_MODE=
 * user), so that Odoo applies that user's access rights, record rules and
 * audit trail.  NULL in the calls below means the service account.
 */
struct odoo_cred {
	long        uid;      /* > 0 */
	const char *secret;   /* password or API key; never logged */
};

/*
 * object.execute_kw(db, uid, password, model, method, args, kwargs) as
 * `as`, or as the service account when as is NULL.
 * Service account: the uid is looked up once and kept; an AccessDenied
 * fault (code 3) triggers one re-login and one retry, then ODOO_E_LOGIN
 * (also for writes: Odoo refused them before running anything).
 * A user (as not NULL): AccessDenied is ODOO_E_CREDENTIAL at once.
 * When idempotent is true, ODOO_E_UNREACHABLE (refused, reset or dropped
 * before any byte of an answer) is retried once; a timeout is never
 * retried, and a write (idempotent false) is never sent twice.
 * args (a JSON array) and kwargs (object or NULL) are not consumed.
 * On ODOO_OK *out receives the result as JSON (caller puts; may be NULL
 * only if Odoo sent <nil/>, which Odoo 18 never does).  Arguments that
 * cannot be sent (see odoo_serialize_call) give ODOO_E_REQUEST, nothing sent.
 */
enum odoo_err odoo_execute_kw(struct odoo *o, const struct odoo_cred *as,
                              const char *model, const char *method,
                              json_object *args, json_object *kwargs, bool idempotent,
                              json_object **out, struct odoo_error *err);

/*
 * The service account's uid (logging in if needed); 0 on failure, with err
 * saying why: ODOO_E_LOGIN when Odoo answered False (logged as an error:
 * ODOO_USERNAME/ODOO_PASSWORD are wrong), or the transport/fault class.
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
};

/* Copies the client's counters into *st (zeros when o is NULL). */
void odoo_get_stats(const struct odoo *o, struct odoo_stats *st);

/* Deepest nesting of arrays/structs converted in either direction. */
#define ODOO_MAX_DEPTH 32

/* ---- pure functions, exposed for the unit tests and the fuzzers ---- */

/*
 * Serialises methodName + params (a JSON array) as an XML-RPC call, UTF-8,
 * NUL-terminated; *len (when not NULL) receives its length.  Caller frees.
 * JSON null becomes <boolean>0</boolean> (Odoo parses without allow_none),
 * integers <int> when they fit 32 bits and <i8> otherwise, doubles the
 * shortest text that reads back to the same value.  Returns NULL when a
 * value cannot be sent: text that is not valid UTF-8 or holds characters
 * XML 1.0 forbids, a non-finite number or an integer past INT64_MAX,
 * nesting deeper than ODOO_MAX_DEPTH, or params not an array.
 */
char *odoo_serialize_call(const char *method, json_object *params, size_t *len);

/*
 * Parses an XML-RPC response body.  On success *out is the JSON value
 * (caller puts; NULL for <nil/>): boolean, int (int/i4/i8), double (its
 * JSON text is the shortest that reads back exactly, e.g. 750.0,
 * 14.930000000000007), string (any character, those past U+FFFF such as
 * emoji included, as UTF-8 or as a character reference), array, object
 * (member names alike); dateTime.iso8601 and base64
 * become strings (base64 stays base64 text).  On a fault, err is classified
 * from faultCode/faultString as Odoo 18's /xmlrpc/2 endpoint emits them
 * (integer codes), or the legacy /xmlrpc endpoint (string codes), and the
 * code is returned.  Anything else (not XML-RPC; a DTD, comment or CDATA
 * section; nesting deeper than ODOO_MAX_DEPTH; a double that is not a
 * finite normal number; a malformed <i8>) is ODOO_E_BAD_RESPONSE.
 */
enum odoo_err odoo_parse_response(const char *xml, size_t len, json_object **out, struct odoo_error *err);

/*
 * Classifies a fault (code and string) into err (DESIGN.md section 4):
 * 1 -> ODOO_E_SERVER, message = the traceback's last line (log only);
 * 2 -> ODOO_E_USER with Odoo's message, or ODOO_E_MISSING for MissingError;
 * 3 -> ODOO_E_LOGIN (AccessDenied: the caller decides on a re-login);
 * 4 -> ODOO_E_ACCESS with Odoo's message; any other code -> ODOO_E_SERVER.
 * Messages are trimmed: no traceback, valid UTF-8, at most
 * sizeof err->message - 1 bytes, cut on a character boundary.
 */
void odoo_classify_fault(int fault_code, const char *fault_string, struct odoo_error *err);

#endif
