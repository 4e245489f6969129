/* resource.h: the resource table (DESIGN.md section 3) and the fields_get schema cache. */
#ifndef OB_RESOURCE_H
#define OB_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "odoo.h"

/* Flags of a field in the table. */
#define RF_RO  0x1u   /* read-only through the API */
#define RF_Q   0x2u   /* searched by q= */

/* Field types of fields_get that the API converts. */
enum ftype {
	FT_BOOLEAN, FT_INTEGER, FT_FLOAT, FT_MONETARY, FT_CHAR, FT_TEXT, FT_HTML,
	FT_DATE, FT_DATETIME, FT_SELECTION, FT_MANY2ONE, FT_ONE2MANY, FT_MANY2MANY,
};

/* One exposed field as the table names it. */
struct res_field {
	const char *name;    /* the JSON key; also Odoo's field name unless odoo says otherwise */
	unsigned    flags;   /* RF_* */
	/*
	 * Odoo's names tried in order, NULL-terminated (the resources file's
	 * "odoo": names that changed between versions, tax_id is tax_ids on
	 * Odoo 19), or NULL for name alone.
	 */
	const char *const *odoo;
	/*
	 * Whether a field none of whose names this Odoo knows is answered as
	 * null of type vanished_type, read-only (the file's "type"), rather
	 * than dropped.
	 */
	bool        vanishes;
	enum ftype  vanished_type;
};

struct resource;

/*
 * A one2many that the API edits as a nested list of records (sale lines):
 * read into the detail under `key`, written as one2many commands on `field`.
 */
struct res_lines {
	const char            *key;     /* JSON key in the API, e.g. "lines" */
	const char            *field;   /* the one2many on the parent, e.g. "order_line" */
	const struct resource *child;   /* the line resource (its model and fields) */
};

/* A workflow action: POST /api/v1/<res>/<id>/<name> (actions.c). */
struct res_action {
	const char *name;     /* URL segment */
	const char *method;   /* Odoo method, called on [ids] */
	const char *kwargs;   /* JSON object text ({"context": {...}}), or NULL */
	const char *const *from;   /* NULL-terminated states the record may be in, or NULL: any */
	const char *to;       /* the state the record must be in afterwards, or NULL: not checked */
};

/*
 * One entry of the table.  The table comes from the resources file
 * (resfile.c: RESOURCES_FILE, or the compiled-in resources/default.json);
 * the handlers are generic over it.
 */
struct resource {
	const char *name;            /* URL segment, e.g. "customers" */
	const char *model;           /* Odoo model, e.g. "res.partner" */
	const char *base_domain;     /* JSON array AND-ed to every search, or NULL */
	const char *create_defaults; /* JSON object merged into every create, or NULL */
	const char *default_order;   /* "field [asc|desc],..." when the request sorts nothing, or NULL */
	bool        read_only;       /* only GET/HEAD */
	bool        routable;        /* false: reached only as the lines of another entry */
	const struct res_field *fields;  /* terminated by { NULL, 0 } */
	const struct res_lines *lines;   /* nested lines, or NULL */
	const struct res_action *actions;  /* n_actions of them */
	size_t      n_actions;
};

/* A whole table (resfile.c builds them; resource_install makes one current). */
struct res_table {
	struct resource *r;   /* every entry, routable or not, in file order */
	size_t           n;
};

/*
 * Makes t the table every lookup answers from, freeing the previous one
 * (at start-up, before any worker runs: lookups take no lock).  Without
 * a call the compiled-in default is used.
 */
void resource_install(struct res_table *t);

/* The current table (the compiled-in default on first use). */
const struct res_table *resource_table(void);

/* The routable resource called name, or NULL.  Lives as long as the table. */
const struct resource *resource_find(const char *name);

/* The i-th routable resource, or NULL past the end (for tests and listings). */
const struct resource *resource_at(size_t i);

/* The action of res called name, or NULL. */
const struct res_action *resource_action(const struct resource *res, const char *name);

/*
 * Appends the terms of res's base domain to the JSON array domain (nothing
 * when it has none).  The table is trusted: a base domain that is not a JSON
 * array aborts, since skipping it would widen every search to all records.
 */
void resource_base_domain(const struct resource *res, json_object *domain);

/* Maps fields_get's "type" string; false for a type the API does not handle. */
bool ftype_parse(const char *s, enum ftype *out);

/* An exposed field: the table's entry joined with Odoo's attributes. */
struct xfield {
	char       *name;          /* the API's name */
	/*
	 * Odoo's name for it on this server (the table's res_field.odoo names
	 * those that changed between versions: tax_id is tax_ids on Odoo 19),
	 * or NULL for a field this Odoo no longer has: answered as null, read-only.
	 */
	char       *odoo;
	unsigned    flags;         /* RF_*; RF_RO also when Odoo says readonly */
	enum ftype  type;
	bool        required;
	bool        store;
	bool        sortable;      /* Odoo can ORDER BY it */
	bool        searchable;    /* Odoo accepts it in a domain */
	char       *relation;      /* model of a relational field, or NULL */
	char      **selection;     /* keys of a selection field */
	size_t      n_selection;
};

/* The exposed fields of one resource on this Odoo, in table order. */
struct rschema {
	const struct resource *res;
	struct xfield *f;
	size_t n;
	bool renamed;   /* some field's Odoo name is not its API name, or it vanished */
};

/* The exposed field called name, or NULL. */
const struct xfield *rschema_field(const struct rschema *s, const char *name);

/* Whether a body may set the field. */
bool xfield_writable(const struct xfield *f);

/*
 * Builds the exposed set of res from a fields_get answer (a JSON object
 * {name: {type, string, required, readonly, relation, selection, store,
 * sortable, searchable}}).  Table fields that the answer lacks, or whose type
 * the API does not handle, drop out (logged once at info level).  Pure apart
 * from that log line.  Returns false, with *out zeroed, when the answer is not
 * an object; free a successful *out with rschema_free.
 */
bool schema_parse(const struct resource *res, json_object *fields_get, struct rschema *out);

/* Frees what schema_parse allocated; accepts a zeroed struct. */
void rschema_free(struct rschema *s);

/*
 * The positional args and kwargs of the fields_get call for res's model:
 * allfields = every field that any table entry of that model exposes,
 * attributes = the ones schema_parse reads.  Both are new references.
 */
void schema_fields_get_call(const struct resource *res, json_object **args, json_object **kwargs);

/* Performs one execute_kw (the cache's way to reach Odoo; crud.c passes odoo_execute_kw's). */
typedef enum odoo_err (*schema_fetch_fn)(void *ud, const char *model, const char *method,
                                         json_object *args, json_object *kwargs,
                                         json_object **out, struct odoo_error *err);

/* The per-worker cache of fields_get answers and of the exposed sets built from them. */
struct schema_cache;

/* A new, empty cache (never NULL: allocation failure aborts). */
struct schema_cache *schema_cache_new(void);
/* Frees the cache and every schema it handed out; accepts NULL. */
void schema_cache_free(struct schema_cache *c);

/*
 * The exposed set of res, calling fields_get through fetch the first time a
 * model is needed (once per model: suppliers and customers share
 * res.partner's answer).  The result belongs to the cache and lives as long
 * as it.  Returns NULL with err filled when Odoo fails; failures are not
 * cached, so the next request tries again.
 */
const struct rschema *schema_cache_get(struct schema_cache *c, const struct resource *res,
                                       schema_fetch_fn fetch, void *ud, struct odoo_error *err);

/*
 * One schema cache per Odoo user, for AUTH_MODE=user: fields_get leaves
 * out the fields a user's groups may not read, so one user's schema is not
 * another's.  At most max users are kept per worker; the least recently
 * used one is dropped for a new one (its schemas are freed: a schema from
 * schema_cache_get lives until the next schema_scopes_get of another uid).
 */
struct schema_scopes;

#define SCHEMA_SCOPES_DEFAULT 32

struct schema_scopes *schema_scopes_new(size_t max);
void schema_scopes_free(struct schema_scopes *sc);
/* The cache of uid, made empty on first use or after eviction (never NULL). */
struct schema_cache *schema_scopes_get(struct schema_scopes *sc, long uid);
/* How many users' caches are held. */
size_t schema_scopes_count(const struct schema_scopes *sc);

#endif
