/* batch.h: POST /api/v1/batch: several API requests in one HTTP round trip. */
#ifndef OB_BATCH_H
#define OB_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "app.h"
#include "response.h"

/*
 * The body is {"requests": [{"id", "method", "path"[, "body"]}, ...]}, at
 * most BATCH_MAX entries.  Each entry is run in order, through the same
 * route table and handlers as the same request made alone, with the
 * caller's token (the batch's identity), and answered in
 * {"responses": [{"id", "status", "headers", "body"}, ...]}, 200 whatever
 * the entries' statuses.  Nothing is atomic across entries: an entry's
 * write stays done when a later one fails (bulk requests are atomic).
 *
 * Consecutive entries that GET single records of the same resource
 * (/api/v1/{res}/{id}, no query) are read in one Odoo call; each gets the
 * answer the GET alone would (200 with the record, 404 when absent).
 *
 * A malformed entry, a nested batch, or /token (or /token/revoke) inside a
 * batch is a 400 for that entry only.  Bound: an entry is started only
 * while the answers so far (serialised) are under BATCH_MAX_RESPONSE; the
 * ones after are 413 MSG_BATCH_FULL without being run.  So the whole
 * answer is at most BATCH_MAX_RESPONSE plus one entry's answer (itself
 * bounded by LIST_MAX records and ODOO_MAX_RESPONSE).
 */
void batch_handler(struct ctx *c);

/* One entry of a batch, validated; the strings point into the parsed body. */
struct batch_entry {
	json_object *id;        /* the client's id (string or integer), echoed back; NULL if none */
	const char  *method;    /* GET, POST, PUT, PATCH or DELETE */
	const char  *path;      /* the path, with its query string, starting with '/' */
	json_object *body;      /* the body of POST/PUT/PATCH, or NULL */
	enum msg     invalid;   /* MSG__COUNT when valid; else why the entry is a 400 */
};

enum batch_err {
	BATCH_OK = 0,
	BATCH_BAD_BODY,      /* not {"requests": [...]} (with nothing else) */
	BATCH_TOO_MANY,      /* more than max entries */
};

/*
 * Splits doc (the parsed body) into *n entries (*entries: free it; the
 * entries borrow from doc).  A malformed entry does not fail the batch:
 * its `invalid` says why.  Pure: makes no call and routes nothing.
 */
enum batch_err batch_parse(json_object *doc, size_t max, struct batch_entry **entries, size_t *n);

#endif
