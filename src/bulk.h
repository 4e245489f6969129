/* bulk.h: bulk writes: many records of one resource in one Odoo call (create, write, unlink). */
#ifndef OB_BULK_H
#define OB_BULK_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "app.h"
#include "crud.h"
#include "request.h"

/*
 * Every bulk request is one Odoo write call, so it is all or nothing: Odoo
 * runs each call in one transaction, and a failure in any record rolls
 * back every record of the call (DESIGN.md section 7, "Batching").  The
 * reads around it are the ones the single-record request makes: the
 * check that every id exists inside the base domain before, the records
 * read back after, each one Odoo call for all the records.
 */

enum bulk_err {
	BULK_OK = 0,
	BULK_NO_IDS,        /* no id= parameter */
	BULK_BAD_ID,        /* an id that is not a positive 32-bit integer */
	BULK_TOO_MANY,      /* more distinct ids than max */
	BULK_OTHER_PARAM,   /* a parameter other than id */
};

/*
 * The ids of ?id=1&id=2... in q, in the order given, each once (a
 * repeated id counts once).  On BULK_OK *ids (free it) holds *n >= 1 ids;
 * otherwise *bad names the offending parameter (its key, or the id text
 * for BULK_BAD_ID; NULL for BULK_NO_IDS and BULK_TOO_MANY), pointing into q.
 */
enum bulk_err bulk_parse_ids(const struct params *q, size_t max, int64_t **ids, size_t *n, const char **bad);

/* [ids[0], ..., ids[n-1]] as a new JSON array. */
json_object *bulk_id_list(const int64_t *ids, size_t n);

/* crud_log_write for each of ids[0..n): one log line per record, as the single-record requests write. */
void bulk_log_each(const struct ctx *c, const char *what, const struct resource *res, const int64_t *ids,
                   size_t n, const char *outcome);

/*
 * bulk_parse_ids on the request's query with BULK_MAX, answering 400 (with
 * errors naming the parameter) and returning false when it fails.
 */
bool bulk_ids(struct ctx *c, int64_t **ids, size_t *n);

/*
 * Whether every one of ids[0..n) exists inside t's base domain (archived
 * included), asked in one Odoo search.  Otherwise answers 404 with
 * errors.ids naming each missing id (or Odoo's failure) and returns false.
 */
bool bulk_check_ids(struct ctx *c, const struct target *t, const int64_t *ids, size_t n);

/*
 * bulk_check_ids for a workflow action with "from" (the states it starts
 * from, NULL-terminated): the same one Odoo call, a search_read of the
 * state, so that also every record must be in one of from.  Otherwise 404
 * as bulk_check_ids, or 409 with errors.ids naming "<id>: <state>" for each
 * record in another state (nothing runs); returns false.  t's schema must
 * be loaded.
 */
bool bulk_check_states(struct ctx *c, const struct target *t, const int64_t *ids, size_t n, const char *action,
                       const char *const *from);

/*
 * Answers status with the array of records ids[0..n) read back in one
 * Odoo read, in the order of ids.  A record no longer inside the base
 * domain is {"id": id} (as a single create answers it).
 */
void bulk_answer_records(struct ctx *c, const struct target *t, const int64_t *ids, size_t n, int status);

/*
 * POST /api/v1/:res with a JSON array (crud_create hands it over with t's
 * schemas loaded): every item validated as a single create's body, errors
 * keyed "<index>.<field>" (react-hook-form's names for a field array);
 * then one create with the list of vals; 201 with the created records in
 * order.  400 for an empty array or more than BULK_MAX items.
 */
void bulk_create(struct ctx *c, const struct target *t, json_object *items);

/*
 * PATCH (or PUT) /api/v1/:res?id=1&id=2: one body applied to every id in
 * one write; 200 with the records read back, in the order of the ids.
 * Nested lines are refused (each record's lines differ).  An id missing
 * or outside the base domain: 404 naming it in errors.ids, nothing written.
 */
void bulk_update(struct ctx *c);

/*
 * DELETE /api/v1/:res?id=1&id=2: one unlink of every id; 200 with the
 * records as they were, in the order of the ids.  Same 404 rule as
 * bulk_update.
 */
void bulk_delete(struct ctx *c);

#endif
