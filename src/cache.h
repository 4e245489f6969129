/*
 * cache.h: the response cache (DESIGN.md section 7, "Cache").
 *
 * NAME
 *	cache_list, cache_get, cache_note_write, cache_key_query,
 *	cache_counters - answers of GET /api/v1/:res[/:id] kept in shared state
 *
 * DESCRIPTION
 *	cache_list and cache_get are the route handlers of GET (and HEAD) on
 *	resource lists and single records: they wrap crud_list and crud_get.
 *	The router has authenticated the request before either runs, so a
 *	token that is expired, badly signed or revoked never reaches a cached
 *	answer.
 *
 *	KEY.  One entry per (site, scope, language, resource, id, normalized
 *	query, generations):
 *	  site     ODOO_URL, ODOO_DB, AUTH_MODE, ODOO_USERNAME, ODOO_PROTOCOL
 *	           and LIST_MAX, so that two bridges of one user sharing
 *	           CACHE_FILE never mix answers;
 *	  scope    the uid in AUTH_MODE=user (record rules differ per user),
 *	           "service" in AUTH_MODE=service (every call runs as it);
 *	  language the request's message language (Accept-Language);
 *	  query    the parameters sorted by name with a stable sort: the order
 *	           of different names never changes an answer (filters are
 *	           AND-ed), while repeated names (id=1&id=2) keep their order
 *	           and multiplicity;
 *	  generations the generation of every Odoo model the answer shows: the
 *	           resource's model, the comodels of its relational fields
 *	           (their display names), and for a record with lines (sales)
 *	           the line model and its comodels.  The list of models is
 *	           taken from the schema on a miss and kept under its own entry
 *	           (CACHE_TTL_LOOKUPS); until it is known nothing is stored.
 *
 *	VALUE.  The exact status (200), the headers the handler set
 *	(X-Total-Count, ...), an ETag (a strong one: a hash of the body) and
 *	the body's bytes.  Only 200 answers are stored.
 *
 *	INVALIDATION.  Every Odoo call that is not a known read (odoo.h:
 *	odoo_method_reads) bumps the generation of its model, after the call
 *	and whatever its outcome: cache_note_write is the odoo_write_fn that
 *	app.c installs on every worker's client.  The next read of any page
 *	that shows the model computes another key and misses: read-your-writes
 *	on every process, and with Redis on every host.  Changes made outside
 *	the bridge are seen after at most CACHE_TTL seconds (CACHE_TTL_LOOKUPS
 *	for the read-only resources, categories and countries).
 *
 *	HEADERS.  X-Cache: hit (from the cache), miss (from Odoo, now stored)
 *	or bypass (the client sent Cache-Control: no-cache: answered from Odoo,
 *	and the entry refreshed).  No X-Cache when the answer is not cacheable
 *	(an error, CACHE_TTL=0, an unknown resource, or the shared state
 *	unavailable: STATE_DOWN skips the cache, never fails the request).
 *	ETag on every cacheable answer; If-None-Match naming it gives 304
 *	with no body.
 *
 *	STALENESS.  A password changed in Odoo ends a user's tokens at the
 *	next request that reaches Odoo: for a cached page, within CACHE_TTL.
 *
 * Thread safety: every function may be called from any thread.
 */
#ifndef OB_CACHE_H
#define OB_CACHE_H

#include <stdint.h>

#include "app.h"
#include "odoo.h"
#include "request.h"
#include "util.h"

void cache_list(struct ctx *c);   /* GET /api/v1/:res */
void cache_get(struct ctx *c);    /* GET /api/v1/:res/:id */

/*
 * The schema cache's way to Odoo (resource.h: schema_fetch_fn; ud is the
 * struct ctx): fields_get answers are kept in the shared cache, per scope,
 * for CACHE_TTL_LOOKUPS seconds, so that a new process (every CGI request)
 * does not ask Odoo for them again.  A process keeps the schemas it built
 * for its life, as before (resource.h: schema_cache).
 */
enum odoo_err cache_schema_fetch(void *ud, const char *model, const char *method, json_object *args,
                                 json_object *kwargs, json_object **out, struct odoo_error *err);

/* An odoo_write_fn (odoo.h): bumps model's generation in the struct state *ud. */
void cache_note_write(void *ud, const char *model, const char *method);

/* Appends the normalized form of the query p to out (pure; for the key and its tests). */
void cache_key_query(const struct params *p, struct buf *out);

/*
 * This process's counters, for /metrics (the metrics work reads them
 * here).  Each counts answers of the cached routes.
 */
struct cache_counters {
	uint64_t hits;          /* X-Cache: hit (304 included) */
	uint64_t misses;        /* X-Cache: miss */
	uint64_t bypasses;      /* X-Cache: bypass (Cache-Control: no-cache) */
	uint64_t uncacheable;   /* no X-Cache: error answers, cache off or shared state down */
	uint64_t not_modified;  /* 304 answers (If-None-Match) */
};
void cache_counters(struct cache_counters *out);

#endif
