/* request.h: CGI/FastCGI request variables, query string and body parsing (bounded). */
#ifndef OB_REQUEST_H
#define OB_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* One decoded key=value pair of a query string or urlencoded form. */
struct param {
	char *key;
	char *value;
};

/* Pairs in the order they came; repeated keys are kept. */
struct params {
	struct param *v;
	size_t n;
};

#define MAX_PARAMS 256   /* more pairs than this is a 400 */

enum qs_err {
	QS_OK = 0,
	QS_BAD_ESCAPE,       /* '%' not followed by two hex digits, or %00 */
	QS_TOO_MANY,         /* more than max_params pairs */
	QS_BAD_UTF8,         /* decoded bytes are not valid UTF-8 */
};

/*
 * Parses application/x-www-form-urlencoded text (a query string or a form
 * body): '&'-separated pairs, '+' as space, percent-decoding.  Empty pairs
 * ("a=1&&b=2") are skipped; a key without '=' has the value "".
 * out is filled (free with params_free) only when QS_OK is returned.
 */
enum qs_err params_parse(const char *s, size_t len, size_t max_params, struct params *out);
/* First value of key, or NULL. */
const char *params_get(const struct params *p, const char *key);
/* Number of pairs with that key. */
size_t params_count(const struct params *p, const char *key);
void params_free(struct params *p);

enum lang { LANG_ES = 0, LANG_EN = 1 };

/*
 * Picks the language of error messages from an Accept-Language value
 * (RFC 9110 12.5.4): English when "en" (or en-*) has a higher quality than
 * "es"; Spanish otherwise, and for a missing or unparsable header.
 */
enum lang lang_from_accept_language(const char *header);

/* Route parameters captured by the router (":res", ":id", ":action"). */
#define MAX_ROUTE_PARAMS 4

/* A request as the handlers see it.  Everything here belongs to one loop turn. */
struct request {
	char      **envp;          /* CGI variables (RFC 3875), not owned */
	const char *method;        /* REQUEST_METHOD */
	char       *path;          /* the route path: PATH_INFO, or REQUEST_URI minus SCRIPT_NAME */
	struct params query;       /* parsed QUERY_STRING */
	char        request_id[65];
	enum lang   lang;
	const char *remote_addr;   /* REMOTE_ADDR or "" */
	const char *content_type;  /* CONTENT_TYPE or NULL */
	int64_t     content_length;/* CONTENT_LENGTH, -1 when absent */
	struct buf  body;          /* filled by request_read_body */
	bool        body_read;
	int64_t     start_us;
	const char *route_params[MAX_ROUTE_PARAMS]; /* point into path copies owned by the router match */
	char       *route_store;   /* storage for route_params */
};

/* Reads up to n bytes of the body; returns bytes read, 0 at end, -1 on error. */
typedef int (*body_reader_fn)(void *io, char *buf, int n);

/* Returns the CGI variable name (e.g. "HTTP_AUTHORIZATION") or NULL. */
const char *request_env(const struct request *r, const char *name);

/* Header lookup by CGI name, e.g. request_header(r, "HTTP_ORIGIN"). */
#define request_header(r, cginame) request_env((r), (cginame))

enum req_err {
	REQ_OK = 0,
	REQ_BAD_QUERY,        /* malformed query string: 400 */
	REQ_TOO_LARGE,        /* body over max_body: 413 */
	REQ_BAD_LENGTH,       /* CONTENT_LENGTH not a number: 400 */
	REQ_IO,               /* reading the body failed */
};

/*
 * Fills r from the CGI variables in envp (which must outlive r).  Parses the
 * query string; derives the route path; sets request_id (X-Request-Id when
 * the client sent a sane one: 1..64 chars of [A-Za-z0-9._-], else a fresh
 * random id) and lang.  On REQ_BAD_QUERY the request is still usable for
 * answering the error.
 */
enum req_err request_init(struct request *r, char **envp);

/*
 * Reads the body (CONTENT_LENGTH bytes) through reader, refusing past
 * max_body without reading the rest into memory.
 */
enum req_err request_read_body(struct request *r, body_reader_fn reader, void *io, size_t max_body);

/*
 * The first len bytes of s, a path as a URL carries it, percent-decoded
 * (as a web server decodes PATH_INFO).  A malformed escape gives a path
 * that matches no route ("/\x01invalid").  The caller frees the result.
 */
char *request_path_decode(const char *s, size_t len);

/* Frees everything request_init and request_read_body allocated. */
void request_free(struct request *r);

/* Whether the media type of CONTENT_TYPE is `type` (parameters ignored, case-insensitive). */
bool request_content_type_is(const struct request *r, const char *type);

#endif
