/* resource.c: the resource table (DESIGN.md section 3) and the fields_get schema cache. */
#include "autoconfig.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resfile.h"
#include "resource.h"
#include "util.h"

/* ------------------------------------------------------------------ table */

static struct res_table *current;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

/* The compiled-in default (resources/default.json, embedded at build time). */
static void
load_default(void)
{
	char err[512];
	struct res_table *t = resfile_parse(resfile_default, resfile_default_len, "resources/default.json",
	                                    err, sizeof(err));

	if (t == NULL) {
		/* The build's own file: the unit tests load it, so this means a broken build. */
		log_error("the compiled-in resource table does not load: %s", err);
		abort();
	}
	current = t;
}

const struct res_table *
resource_table(void)
{
	if (current == NULL)
		(void)pthread_once(&default_once, load_default);
	return current;
}

void
resource_install(struct res_table *t)
{
	struct res_table *old = current;

	current = t;
	res_table_free(old);
}

const struct resource *
resource_find(const char *name)
{
	const struct res_table *t = resource_table();

	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (t->r[i].routable && strcmp(t->r[i].name, name) == 0)
			return &t->r[i];
	return NULL;
}

const struct resource *
resource_at(size_t i)
{
	const struct res_table *t = resource_table();

	for (size_t k = 0; k < t->n; k++)
		if (t->r[k].routable && i-- == 0)
			return &t->r[k];
	return NULL;
}

const struct res_action *
resource_action(const struct resource *res, const char *name)
{
	if (res == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < res->n_actions; i++)
		if (strcmp(res->actions[i].name, name) == 0)
			return &res->actions[i];
	return NULL;
}

void
resource_base_domain(const struct resource *res, json_object *domain)
{
	json_object *base;

	if (res->base_domain == NULL)
		return;
	base = json_tokener_parse(res->base_domain);
	if (!json_object_is_type(base, json_type_array)) {
		log_error("%s: base_domain is not a JSON array", res->name);
		abort();
	}
	for (size_t i = 0; i < json_object_array_length(base); i++)
		json_object_array_add(domain, json_object_get(json_object_array_get_idx(base, i)));
	json_object_put(base);
}

/* ----------------------------------------------------------------- schema */

static const struct { const char *name; enum ftype type; } ftypes[] = {
	{ "boolean", FT_BOOLEAN },
	{ "integer", FT_INTEGER },
	{ "float", FT_FLOAT },
	{ "monetary", FT_MONETARY },
	{ "char", FT_CHAR },
	{ "text", FT_TEXT },
	{ "html", FT_HTML },
	{ "date", FT_DATE },
	{ "datetime", FT_DATETIME },
	{ "selection", FT_SELECTION },
	{ "many2one", FT_MANY2ONE },
	{ "one2many", FT_ONE2MANY },
	{ "many2many", FT_MANY2MANY },
};

bool
ftype_parse(const char *s, enum ftype *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(ftypes); i++) {
		if (strcmp(ftypes[i].name, s) == 0) {
			*out = ftypes[i].type;
			return true;
		}
	}
	return false;
}

const struct xfield *
rschema_field(const struct rschema *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->f[i].name, name) == 0)
			return &s->f[i];
	return NULL;
}

bool
xfield_writable(const struct xfield *f)
{
	return (f->flags & RF_RO) == 0;
}

/* An attribute of a fields_get entry as a boolean; absent or not boolean is def. */
static bool
attr_bool(json_object *attrs, const char *key, bool def)
{
	json_object *v;

	if (!json_object_object_get_ex(attrs, key, &v) || !json_object_is_type(v, json_type_boolean))
		return def;
	return json_object_get_boolean(v);
}

/* Copies the string keys of a selection [[key, label], ...]. */
static void
parse_selection(json_object *sel, struct xfield *f)
{
	size_t n;

	if (!json_object_is_type(sel, json_type_array))
		return;
	n = json_object_array_length(sel);
	f->selection = xcalloc(n, sizeof(*f->selection));
	for (size_t i = 0; i < n; i++) {
		json_object *pair = json_object_array_get_idx(sel, i);
		json_object *key;

		if (!json_object_is_type(pair, json_type_array) || json_object_array_length(pair) < 1)
			continue;
		key = json_object_array_get_idx(pair, 0);
		/* Integer-keyed selections exist in Odoo but not among the exposed fields. */
		if (!json_object_is_type(key, json_type_string))
			continue;
		f->selection[f->n_selection++] = xstrdup(json_object_get_string(key));
	}
}

/* Fills f from the table entry and Odoo's attributes; false when the API cannot handle it. */
static bool
parse_field(const struct res_field *rf, const char *odoo, json_object *attrs, struct xfield *f)
{
	json_object *v;

	memset(f, 0, sizeof(*f));
	if (!json_object_is_type(attrs, json_type_object))
		return false;
	if (!json_object_object_get_ex(attrs, "type", &v) || !json_object_is_type(v, json_type_string) ||
	    !ftype_parse(json_object_get_string(v), &f->type))
		return false;
	f->name = xstrdup(rf->name);
	f->odoo = xstrdup(odoo);
	f->flags = rf->flags;
	if (attr_bool(attrs, "readonly", false))
		f->flags |= RF_RO;
	f->required = attr_bool(attrs, "required", false);
	f->store = attr_bool(attrs, "store", true);
	/* Before Odoo 16 fields_get had no sortable/searchable: fall back to store. */
	f->sortable = attr_bool(attrs, "sortable", f->store);
	f->searchable = attr_bool(attrs, "searchable", f->store);
	if (json_object_object_get_ex(attrs, "relation", &v) && json_object_is_type(v, json_type_string))
		f->relation = xstrdup(json_object_get_string(v));
	if (f->type == FT_SELECTION && json_object_object_get_ex(attrs, "selection", &v))
		parse_selection(v, f);
	return true;
}

bool
schema_parse(const struct resource *res, json_object *fields_get, struct rschema *out)
{
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(fields_get, json_type_object))
		return false;
	while (res->fields[n].name != NULL)
		n++;
	out->res = res;
	out->f = xcalloc(n, sizeof(*out->f));
	for (size_t i = 0; i < n; i++) {
		const struct res_field *rf = &res->fields[i];
		const char *odoo = rf->name;
		json_object *attrs = NULL;

		/* The first of Odoo's names that this Odoo knows. */
		for (size_t k = 0; rf->odoo != NULL && rf->odoo[k] != NULL; k++)
			if (json_object_object_get_ex(fields_get, rf->odoo[k], &attrs)) {
				odoo = rf->odoo[k];
				break;
			}
		if ((attrs != NULL || json_object_object_get_ex(fields_get, odoo, &attrs)) &&
		    parse_field(rf, odoo, attrs, &out->f[out->n])) {
			out->renamed = out->renamed || strcmp(odoo, rf->name) != 0;
			out->n++;
			continue;
		}
		if (rf->vanishes) {
			struct xfield *f = &out->f[out->n++];

			/* Known to have gone from this version: null and read-only. */
			memset(f, 0, sizeof(*f));
			f->name = xstrdup(rf->name);
			f->flags = rf->flags | RF_RO;
			f->flags &= ~RF_Q;
			f->type = rf->vanished_type;
			out->renamed = true;
			log_info("%s: field %s.%s is gone from this Odoo; answered as null", res->name, res->model,
			         rf->name);
			continue;
		}
		log_info("%s: field %s.%s is missing on this Odoo (or of a type the API does not handle); not exposed",
		         res->name, res->model, rf->name);
	}
	return true;
}

static void
xfield_free(struct xfield *f)
{
	free(f->name);
	free(f->odoo);
	free(f->relation);
	for (size_t i = 0; i < f->n_selection; i++)
		free(f->selection[i]);
	free(f->selection);
}

void
rschema_free(struct rschema *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		xfield_free(&s->f[i]);
	free(s->f);
	memset(s, 0, sizeof(*s));
}

/* Appends name to the JSON array names unless already there. */
static void
add_name_once(json_object *names, const char *name)
{
	for (size_t i = 0; i < json_object_array_length(names); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(names, i)), name) == 0)
			return;
	json_object_array_add(names, json_object_new_string(name));
}

/* Adds the fields r exposes (and its lines' one2many) to names. */
static void
add_field_names(json_object *names, const struct resource *r)
{
	for (const struct res_field *rf = r->fields; rf->name != NULL; rf++) {
		add_name_once(names, rf->name);
		for (size_t k = 0; rf->odoo != NULL && rf->odoo[k] != NULL; k++)
			add_name_once(names, rf->odoo[k]);
	}
	if (r->lines != NULL)
		add_name_once(names, r->lines->field);
}

void
schema_fields_get_call(const struct resource *res, json_object **args, json_object **kwargs)
{
	static const char *const attributes[] = {
		"type", "string", "required", "readonly", "relation", "selection",
		"store", "sortable", "searchable",
	};
	const struct res_table *t = resource_table();
	json_object *names = json_object_new_array();
	json_object *attrs = json_object_new_array();

	/*
	 * Ask only for the fields some table entry of this model exposes: the
	 * full answer for res.partner is ~170 fields, and CGI mode pays for it
	 * on every request.  Odoo skips names it does not know.
	 */
	add_field_names(names, res);
	for (size_t i = 0; i < t->n; i++)   /* line entries (not routable) included */
		if (strcmp(t->r[i].model, res->model) == 0)
			add_field_names(names, &t->r[i]);
	for (size_t i = 0; i < ARRAY_SIZE(attributes); i++)
		json_object_array_add(attrs, json_object_new_string(attributes[i]));
	*args = json_object_new_array();
	*kwargs = json_object_new_object();
	json_object_object_add(*kwargs, "allfields", names);
	json_object_object_add(*kwargs, "attributes", attrs);
}

/* ------------------------------------------------------------------ cache */

struct model_entry {
	char        *model;
	json_object *fields_get;   /* Odoo's answer, owned */
};

struct res_entry {
	const struct resource *res;
	struct rschema        *schema; /* heap: pointers handed out stay valid as the array grows */
};

struct schema_cache {
	struct model_entry *models;
	size_t              n_models;
	struct res_entry   *res;
	size_t              n_res;
};

struct schema_cache *
schema_cache_new(void)
{
	return xcalloc(1, sizeof(struct schema_cache));
}

void
schema_cache_free(struct schema_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n_models; i++) {
		free(c->models[i].model);
		json_object_put(c->models[i].fields_get);
	}
	for (size_t i = 0; i < c->n_res; i++) {
		rschema_free(c->res[i].schema);
		free(c->res[i].schema);
	}
	free(c->models);
	free(c->res);
	free(c);
}

/* The cached fields_get answer of model, fetching it on first use; NULL on failure. */
static json_object *
model_fields(struct schema_cache *c, const struct resource *res, schema_fetch_fn fetch, void *ud,
             struct odoo_error *err)
{
	json_object *args = NULL, *kwargs = NULL, *out = NULL;
	enum odoo_err e;

	for (size_t i = 0; i < c->n_models; i++)
		if (strcmp(c->models[i].model, res->model) == 0)
			return c->models[i].fields_get;
	schema_fields_get_call(res, &args, &kwargs);
	e = fetch(ud, res->model, "fields_get", args, kwargs, &out, err);
	json_object_put(args);
	json_object_put(kwargs);
	if (e != ODOO_OK)
		return NULL;
	if (!json_object_is_type(out, json_type_object)) {
		json_object_put(out);
		err->code = ODOO_E_BAD_RESPONSE;
		err->fault_code = 0;
		snprintf(err->message, sizeof(err->message), "fields_get on %s did not answer a struct", res->model);
		return NULL;
	}
	c->models = xrealloc(c->models, (c->n_models + 1) * sizeof(*c->models));
	c->models[c->n_models].model = xstrdup(res->model);
	c->models[c->n_models].fields_get = out;
	c->n_models++;
	return out;
}

const struct rschema *
schema_cache_get(struct schema_cache *c, const struct resource *res, schema_fetch_fn fetch, void *ud,
                 struct odoo_error *err)
{
	json_object *fg;
	struct rschema *s;

	for (size_t i = 0; i < c->n_res; i++)
		if (c->res[i].res == res)
			return c->res[i].schema;
	fg = model_fields(c, res, fetch, ud, err);
	if (fg == NULL)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	/* model_fields checked that fg is an object, so this cannot fail. */
	(void)schema_parse(res, fg, s);
	c->res = xrealloc(c->res, (c->n_res + 1) * sizeof(*c->res));
	c->res[c->n_res].res = res;
	c->res[c->n_res].schema = s;
	c->n_res++;
	return s;
}

/* ------------------------------------------------------------ per-user caches */

struct scope {
	long                 uid;
	uint64_t             used;    /* the lookup counter when last used: LRU order */
	struct schema_cache *cache;
};

struct schema_scopes {
	struct scope *s;
	size_t        n, max;
	uint64_t      clock;
};

struct schema_scopes *
schema_scopes_new(size_t max)
{
	struct schema_scopes *sc = xcalloc(1, sizeof(*sc));

	sc->max = max > 0 ? max : 1;
	sc->s = xcalloc(sc->max, sizeof(*sc->s));
	return sc;
}

void
schema_scopes_free(struct schema_scopes *sc)
{
	if (sc == NULL)
		return;
	for (size_t i = 0; i < sc->n; i++)
		schema_cache_free(sc->s[i].cache);
	free(sc->s);
	free(sc);
}

struct schema_cache *
schema_scopes_get(struct schema_scopes *sc, long uid)
{
	struct scope *victim = NULL;

	sc->clock++;
	for (size_t i = 0; i < sc->n; i++)
		if (sc->s[i].uid == uid) {
			sc->s[i].used = sc->clock;
			return sc->s[i].cache;
		}
	if (sc->n < sc->max) {
		victim = &sc->s[sc->n++];
	} else {
		victim = &sc->s[0];
		for (size_t i = 1; i < sc->n; i++)
			if (sc->s[i].used < victim->used)
				victim = &sc->s[i];
		log_debug("schema cache: dropping the schemas of uid %ld for uid %ld", victim->uid, uid);
		schema_cache_free(victim->cache);
	}
	victim->uid = uid;
	victim->used = sc->clock;
	victim->cache = schema_cache_new();
	return victim->cache;
}

size_t
schema_scopes_count(const struct schema_scopes *sc)
{
	return sc->n;
}
