/* crud.h: list/get/create/update/delete handlers over any resource of the table. */
#ifndef OB_CRUD_H
#define OB_CRUD_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "app.h"
#include "odoo.h"
#include "resource.h"

/*
 * The handlers (DESIGN.md section 3).  The router puts the resource name in
 * c->req->route_params[0] and the id in route_params[1]; bodies have been
 * read into c->req->body.  Each fills c->res: the answer, or the error
 * envelope (404 unknown resource or id, 405 with Allow on a read-only
 * resource, 415/400 on bodies, Odoo's failures mapped by odoo_http_status).
 */
void crud_list(struct ctx *c);    /* GET /api/v1/:res */
void crud_get(struct ctx *c);     /* GET /api/v1/:res/:id */
void crud_create(struct ctx *c);  /* POST /api/v1/:res */
void crud_update(struct ctx *c);  /* PATCH or PUT /api/v1/:res/:id */
void crud_delete(struct ctx *c);  /* DELETE /api/v1/:res/:id */

/* ---- shared with sales.c ---- */

/* What a request on one record of one resource works with. */
struct target {
	const struct resource *res;
	const struct rschema  *s;    /* exposed fields */
	const struct rschema  *ls;   /* exposed fields of its lines, or NULL */
	int64_t                id;   /* 0 for the collection */
};

/*
 * Resolves route_params[0] (and [1] when need_id) into t->res and t->id,
 * answering 404 for an unknown resource or an id that is not a positive
 * 32-bit integer, and 405 (with Allow) when writing to a read-only
 * resource.  Makes no Odoo call.  Returns false when it answered.
 */
bool crud_resolve(struct ctx *c, bool need_id, bool writing, struct target *t);

/*
 * Loads t->s (and, with lines, t->ls when the resource has nested lines)
 * through the worker's schema cache; answers Odoo's failure and returns
 * false.  A list never needs the lines' schema: in CGI mode each one is a
 * fields_get round trip.
 */
bool crud_load_schema(struct ctx *c, struct target *t, bool lines);


/*
 * Reads record t->id within the resource's base domain (archived records
 * included), converted for the API, with its lines when t->ls is loaded.
 * *api is NULL when the record does not exist or is outside the base
 * domain.  *raw_lines (when not NULL) receives the lines as Odoo read them
 * (for lines_to_commands).  Both new references.  With text (and no
 * raw_lines), *api may be the API's text of the record (json_raw, the
 * backend's one-pass conversion, ODOO_FAST_PATH): for an answer only, it
 * has no members to look at.
 */
enum odoo_err crud_read(struct ctx *c, const struct target *t, bool text, json_object **api,
                        json_object **raw_lines, struct odoo_error *err);

/*
 * crud_read, answering the failure itself: Odoo's error, or 404 when the
 * record is absent.  Returns true (with *api set) only when it was found.
 */
bool crud_find(struct ctx *c, const struct target *t, bool text, json_object **api, json_object **raw_lines);

/*
 * crud_read of the records ids[0..n) in one Odoo read (n >= 1): *by_id is
 * a new object {"<id>": API record} holding those found inside the base
 * domain (archived included), lines included when t->ls is loaded.  An id
 * absent from it does not exist there.  *by_id is NULL on failure.
 */
enum odoo_err crud_read_many(struct ctx *c, const struct target *t, const int64_t *ids, size_t n,
                             json_object **by_id, struct odoo_error *err);

/*
 * The request's JSON body: an object, or (array_too) an array.  Answers
 * 415 (not application/json) or 400 (anything else) and returns NULL.
 * New reference.
 */
json_object *crud_body(struct ctx *c, bool array_too);

/*
 * One body object -> Odoo vals for create or write, with the nested lines
 * as commands against current (the lines as Odoo has them, NULL on
 * create).  Refusals go into errors (keyed by field); returns NULL when
 * it added any.  New reference.
 */
json_object *crud_vals(struct ctx *c, const struct target *t, json_object *body, bool create,
                       json_object *current, json_object *errors);

/*
 * Answers a failed create/write: 422 naming the field when Odoo refused a
 * many2one (or a line's) pointing at no record, or a mandatory field not
 * set, that the API exposes; Odoo's error otherwise.
 */
/*
 * Adds to errors (errors["<i>.<field>"] when indexed) the required fields
 * that the records of vals_list (an array of Odoo vals) leave without a
 * value: on create, absent or null and without a default in Odoo (one
 * default_get, only when some field is absent); on update, set to null.
 */
void crud_check_required(struct ctx *c, const struct target *t, json_object *vals_list, bool create, bool indexed,
                         json_object *errors);

void crud_answer_write_error(struct ctx *c, const struct target *t, const struct odoo_error *err,
                             const char *method);

/* Logs a write: who asked (the token's sub), what, which id, and the outcome. */
void crud_log_write(const struct ctx *c, const char *what, const struct resource *res, int64_t id,
                    const char *outcome);

#endif
