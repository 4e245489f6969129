/* router.h: route table lookup on method + path. */
#ifndef OB_ROUTER_H
#define OB_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"

#define ROUTE_MAX_METHODS 6

struct route_method {
	const char *method;   /* "GET", "POST", ...; NULL ends the list */
	handler_fn  fn;
};

/*
 * A pattern is a path of literal segments and ":name" captures, e.g.
 * "/api/v1/:res/:id".  Captures are stored in order in
 * request.route_params.  The first pattern that matches the path decides
 * the route; its methods decide between the handler and 405.
 */
struct route {
	const char         *pattern;
	bool                auth;       /* a valid bearer token is required */
	struct route_method methods[ROUTE_MAX_METHODS];
	/*
	 * Optional: whether method applies to the path captured in params (e.g.
	 * no writes on a read-only resource).  A method it refuses is left out
	 * of Allow and answered 405.  NULL: every listed method applies.
	 */
	bool              (*method_ok)(const char *const *params, const char *method);
};

enum route_status { ROUTE_OK = 0, ROUTE_NOT_FOUND, ROUTE_METHOD_NOT_ALLOWED, ROUTE_OPTIONS };

struct route_match {
	enum route_status  status;
	const struct route *route;
	handler_fn          fn;
	bool                head;      /* HEAD served by the GET handler */
	char                allow[96]; /* the Allow header of the matched path */
};

/*
 * Matches method and path against table[0..n).  On a pattern match, fills
 * req->route_params (storage in req->route_store, freed by request_free) and
 * m->allow.  HEAD is accepted wherever GET is, and OPTIONS everywhere a
 * pattern matches (status ROUTE_OPTIONS: the caller answers it, CORS
 * preflight included).  A trailing slash is ignored.
 */
void router_match(const struct route *table, size_t n, const char *method, const char *path,
                  struct request *req, struct route_match *m);

/*
 * The matched route r as a bounded label (for metrics): its pattern with
 * each ":name" capture written "{name}", or the captured value itself
 * where literal(name, value) says the value is one of a bounded set (a
 * known resource).  "/api/v1/:res/:id" with res=products gives
 * "/api/v1/products/{id}".  Cut to outlen - 1 bytes.
 */
void router_label(const struct route *r, const char *const *params,
                  bool (*literal)(const char *name, const char *value), char *out, size_t outlen);

#endif
