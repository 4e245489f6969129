/* resfile.c: the resources file (RESOURCES_FILE, resources/default.json) -> a resource table. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "query.h"
#include "resfile.h"
#include "util.h"

#define MAX_FILE   (4u << 20)   /* a resources file is a few kilobytes; this is a sanity bound */
#define MAX_NAME   63           /* query.c keeps field names in char[64] buffers */
#define MAX_DEPTH  8            /* of a key path: resources[i].actions[j].context... */
#define MAX_ODOO   8            /* Odoo names of one field */

/* ---------------------------------------------------------------- errors */

/*
 * Where an error is: a path of keys and array indexes from the top, e.g.
 * resources[3].fields[2].q.  json-c's tree keeps no positions, so the line
 * is found again in the text by following the path (locate(), below).
 */
struct pel {
	const char *key;   /* NULL: an array index */
	size_t      idx;
};

struct pctx {
	const char *text;
	size_t      len;
	const char *name;
	struct pel  path[MAX_DEPTH];
	size_t      depth;
	char       *err;
	size_t      errlen;
};

static void
push_key(struct pctx *p, const char *key)
{
	/* The walk below is never deeper than MAX_DEPTH; a deeper path would name its parent. */
	if (p->depth < MAX_DEPTH)
		p->path[p->depth] = (struct pel){ key, 0 };
	p->depth++;
}

static void
push_idx(struct pctx *p, size_t idx)
{
	if (p->depth < MAX_DEPTH)
		p->path[p->depth] = (struct pel){ NULL, idx };
	p->depth++;
}

static void
pop(struct pctx *p)
{
	p->depth--;
}

/*
 * json-c gives no positions for keys or values of a parsed tree (only the
 * offset where a syntax error stopped the tokener), so a second, small
 * scanner walks the text itself: the text has already parsed as strict
 * JSON, so it only needs to skip strings (with their escapes), nested
 * containers and scalars.  Following the path key by key, index by index,
 * it lands on the key (or array element) at fault, whose line is then
 * counted.  Keys are unique by then (dup_walk refuses repeats, which json-c
 * would silently let the last one win), so the first match is the one.
 */
static size_t
skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* i at an opening quote: the index after the closing one. */
static size_t
skip_string(const char *s, size_t len, size_t i)
{
	for (i++; i < len && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i < len ? i + 1 : len;
}

/* i at a value: the index after it. */
static size_t
skip_value(const char *s, size_t len, size_t i)
{
	size_t d = 0;

	if (i >= len)
		return len;
	if (s[i] == '"')
		return skip_string(s, len, i);
	if (s[i] != '{' && s[i] != '[') {
		while (i < len && strchr(",]} \t\r\n", s[i]) == NULL)
			i++;
		return i;
	}
	for (; i < len; i++) {
		if (s[i] == '"') {
			i = skip_string(s, len, i) - 1;
		} else if (s[i] == '{' || s[i] == '[') {
			d++;
		} else if ((s[i] == '}' || s[i] == ']') && --d == 0) {
			return i + 1;
		}
	}
	return len;
}

/* The key quoted at s[a..b), decoded ("\u0061" is "a", as json-c reads it).  Caller frees. */
static char *
decode_key(const char *s, size_t a, size_t b)
{
	json_object *o;
	char *raw, *key;

	if (b < a + 2)
		return xstrdup("");
	if (memchr(s + a, '\\', b - a) == NULL)
		return xstrndup(s + a + 1, b - a - 2);
	raw = xstrndup(s + a, b - a);
	o = json_tokener_parse(raw);
	key = xstrdup(json_object_is_type(o, json_type_string) ? json_object_get_string(o) : raw);
	json_object_put(o);
	free(raw);
	return key;
}

/* Whether the quoted string at s[a..b) (quotes included) is key. */
static bool
key_is(const char *s, size_t a, size_t b, const char *key)
{
	char *k = decode_key(s, a, b);
	bool same = strcmp(k, key) == 0;

	free(k);
	return same;
}

/* The offset of the key or element that path[0..depth) names (as near as the text allows). */
static size_t
locate(const struct pctx *p, size_t depth)
{
	const char *s = p->text;
	size_t len = p->len, pos = skip_ws(s, len, 0);

	for (size_t e = 0; e < depth && e < MAX_DEPTH; e++) {
		const struct pel *pe = &p->path[e];

		if (pe->key != NULL) {
			size_t obj = pos, ka, kb;

			if (pos >= len || s[pos] != '{')
				return pos;
			pos++;
			for (;;) {
				pos = skip_ws(s, len, pos);
				if (pos >= len || s[pos] != '"')
					return obj;
				ka = pos;
				kb = skip_string(s, len, pos);
				pos = skip_ws(s, len, kb);
				if (pos < len && s[pos] == ':')
					pos = skip_ws(s, len, pos + 1);
				if (key_is(s, ka, kb, pe->key)) {
					if (e + 1 == depth)
						return ka;
					break;
				}
				pos = skip_ws(s, len, skip_value(s, len, pos));
				if (pos >= len || s[pos] != ',')
					return obj;
				pos++;
			}
		} else {
			size_t arr = pos;

			if (pos >= len || s[pos] != '[')
				return pos;
			pos = skip_ws(s, len, pos + 1);
			for (size_t k = 0; k < pe->idx; k++) {
				pos = skip_ws(s, len, skip_value(s, len, pos));
				if (pos >= len || s[pos] != ',')
					return arr;
				pos = skip_ws(s, len, pos + 1);
			}
		}
	}
	return pos;
}

static unsigned
line_at(const char *s, size_t len, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off && i < len; i++)
		line += s[i] == '\n';
	return line;
}

/* Writes the path as resources[3].fields[2].q. */
static void
path_text(const struct pctx *p, char *out, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t e = 0; e < p->depth && e < MAX_DEPTH && used < n; e++) {
		int w;

		if (p->path[e].key != NULL)
			w = snprintf(out + used, n - used, "%s%s", e > 0 ? "." : "", p->path[e].key);
		else
			w = snprintf(out + used, n - used, "[%zu]", p->path[e].idx);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static bool
fail_at(struct pctx *p, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "name:LINE: path: reason", LINE that of off (SIZE_MAX: of what the path names); always false. */
static bool
vfail(struct pctx *p, size_t off, const char *fmt, va_list ap)
{
	char path[256], why[512];

	vsnprintf(why, sizeof(why), fmt, ap);
	path_text(p, path, sizeof(path));
	if (off == SIZE_MAX)
		off = locate(p, p->depth);
	snprintf(p->err, p->errlen, "%s:%u: %s%s%s", p->name, line_at(p->text, p->len, off), path,
	         path[0] != '\0' ? ": " : "", why);
	return false;
}

static bool
fail_at(struct pctx *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, off, fmt, ap);
	va_end(ap);
	return false;
}

static bool
fail(struct pctx *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool
fail(struct pctx *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, SIZE_MAX, fmt, ap);
	va_end(ap);
	return false;
}

/*
 * Refuses an object that names a key twice, anywhere in the file: json-c
 * keeps the last one silently, and a file where "read_only": true is
 * overridden further down is a mistake worth a message.  i is at a value;
 * on success *end is the index after it.
 */
static bool
dup_walk(struct pctx *p, size_t i, size_t *end)
{
	const char *s = p->text;
	size_t len = p->len;

	i = skip_ws(s, len, i);
	if (i < len && s[i] == '[') {
		size_t idx = 0;

		i = skip_ws(s, len, i + 1);
		while (i < len && s[i] != ']') {
			bool ok;

			push_idx(p, idx++);
			ok = dup_walk(p, i, &i);
			pop(p);
			if (!ok)
				return false;
			i = skip_ws(s, len, i);
			if (i < len && s[i] == ',')
				i = skip_ws(s, len, i + 1);
		}
		*end = i < len ? i + 1 : len;
		return true;
	}
	if (i < len && s[i] == '{') {
		char **keys = NULL;
		size_t nk = 0;
		bool ok = true;

		i = skip_ws(s, len, i + 1);
		while (ok && i < len && s[i] == '"') {
			size_t a = i, b = skip_string(s, len, i);
			char *key = decode_key(s, a, b);

			push_key(p, key);
			for (size_t k = 0; k < nk && ok; k++)
				if (strcmp(keys[k], key) == 0)
					ok = fail_at(p, a, "given twice in the same object");   /* the second one's line */
			keys = xrealloc(keys, (nk + 1) * sizeof(*keys));
			keys[nk++] = key;
			i = skip_ws(s, len, b);
			if (i < len && s[i] == ':')
				i++;
			if (ok)
				ok = dup_walk(p, i, &i);
			pop(p);
			i = skip_ws(s, len, i);
			if (i < len && s[i] == ',')
				i = skip_ws(s, len, i + 1);
		}
		for (size_t k = 0; k < nk; k++)
			free(keys[k]);
		free(keys);
		*end = i < len ? i + 1 : len;
		return ok;
	}
	*end = skip_value(s, len, i);
	return true;
}

/* ------------------------------------------------------------ small checks */

/* [a-z][a-z0-9_]*, at most MAX_NAME bytes (dots: also "." between such parts, for models). */
static bool
ident_ok(const char *s, bool dots)
{
	size_t n = 0;
	bool start = true;

	for (; *s; s++, n++) {
		if (dots && *s == '.' && !start) {
			start = true;
			continue;
		}
		if (!((*s >= 'a' && *s <= 'z') || (!start && ((*s >= '0' && *s <= '9') || *s == '_'))))
			return false;
		start = false;
	}
	return !start && n <= MAX_NAME;
}

/* A field name as Odoo spells them: also a leading underscore is not one (private), x_ is fine. */
static bool
field_ok(const char *s)
{
	return ident_ok(s, false);
}

static bool
check_keys(struct pctx *p, json_object *obj, const char *const *allowed)
{
	json_object_object_foreach(obj, k, v) {
		bool known = false;

		(void)v;
		for (size_t i = 0; allowed[i] != NULL && !known; i++)
			known = strcmp(allowed[i], k) == 0;
		if (!known) {
			char list[256] = "";

			for (size_t i = 0; allowed[i] != NULL; i++) {
				strncat(list, i > 0 ? ", " : "", sizeof(list) - strlen(list) - 1);
				strncat(list, allowed[i], sizeof(list) - strlen(list) - 1);
			}
			push_key(p, k);
			return fail(p, "unknown key (known: %s)", list);
		}
	}
	return true;
}

/* An optional boolean member; *out untouched when absent. */
static bool
get_bool(struct pctx *p, json_object *obj, const char *key, bool *out)
{
	json_object *v;
	bool ok = true;

	if (!json_object_object_get_ex(obj, key, &v))
		return true;
	push_key(p, key);
	if (!json_object_is_type(v, json_type_boolean))
		ok = fail(p, "must be true or false");
	else
		*out = json_object_get_boolean(v);
	pop(p);
	return ok;
}

/*
 * A string member: NULL *out when absent (an error if required).  check
 * (optional) says what is wrong with the text, NULL when fine.
 */
static bool
get_str(struct pctx *p, json_object *obj, const char *key, bool required, const char *(*check)(const char *),
        const char **out)
{
	json_object *v;
	const char *why;
	bool ok = true;

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v)) {
		if (required)
			return fail(p, "\"%s\" is required", key);
		return true;
	}
	push_key(p, key);
	if (!json_object_is_type(v, json_type_string))
		ok = fail(p, "must be a string");
	else if (check != NULL && (why = check(json_object_get_string(v))) != NULL)
		ok = fail(p, "%s", why);
	else
		*out = json_object_get_string(v);
	pop(p);
	return ok;
}

static const char *
check_route(const char *s)
{
	return ident_ok(s, false) ? NULL : "must be a lower-case name: a letter, then letters, digits or _ (at most 63)";
}

static const char *
check_model(const char *s)
{
	return ident_ok(s, true) ? NULL : "must be an Odoo model name such as sale.order (lower case, dots between parts)";
}

static const char *
check_field(const char *s)
{
	return field_ok(s) ? NULL : "must be a field name: a letter, then letters, digits or _ (at most 63)";
}

static const char *
check_nonempty(const char *s)
{
	return *s != '\0' ? NULL : "must not be empty";
}

/* ----------------------------------------------------------------- building */

/* What one resource object named before the table is tied together. */
struct pending {
	const char *lines_res;   /* lines[0].resource, or NULL */
};

static char *
json_text(json_object *o)
{
	return xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
}

/* A NULL-terminated copy of the strings of a JSON array already checked. */
static const char *const *
str_list(json_object *arr)
{
	size_t n = json_object_array_length(arr);
	char **l = xcalloc(n + 1, sizeof(*l));

	for (size_t i = 0; i < n; i++)
		l[i] = xstrdup(json_object_get_string(json_object_array_get_idx(arr, i)));
	return (const char *const *)l;
}

static void
free_list(const char *const *l)
{
	for (size_t i = 0; l != NULL && l[i] != NULL; i++)
		free((void *)l[i]);
	free((void *)l);
}

/* A non-empty array of distinct strings, each passing check. */
static bool
check_str_array(struct pctx *p, json_object *v, size_t max, const char *(*check)(const char *))
{
	size_t n;
	const char *why;

	if (!json_object_is_type(v, json_type_array) || (n = json_object_array_length(v)) == 0)
		return fail(p, "must be a non-empty list of strings");
	if (n > max)
		return fail(p, "at most %zu names", max);
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(v, i);
		bool ok = true;

		push_idx(p, i);
		if (!json_object_is_type(e, json_type_string))
			ok = fail(p, "must be a string");
		else if ((why = check(json_object_get_string(e))) != NULL)
			ok = fail(p, "%s", why);
		for (size_t k = 0; ok && k < i; k++)
			if (strcmp(json_object_get_string(json_object_array_get_idx(v, k)), json_object_get_string(e)) == 0)
				ok = fail(p, "repeated");
		pop(p);
		if (!ok)
			return false;
	}
	return true;
}

static bool
parse_field(struct pctx *p, json_object *v, struct res_field *f)
{
	static const char *const keys[] = { "name", "read_only", "q", "odoo", "type", NULL };
	json_object *o;
	const char *name, *type;
	bool ro = false, q = false;

	memset(f, 0, sizeof(*f));
	if (json_object_is_type(v, json_type_string)) {
		if ((name = check_field(json_object_get_string(v))) != NULL)
			return fail(p, "%s", name);
		f->name = xstrdup(json_object_get_string(v));
		return true;
	}
	if (!json_object_is_type(v, json_type_object))
		return fail(p, "must be a field name or an object {\"name\": ...}");
	if (!check_keys(p, v, keys) || !get_str(p, v, "name", true, check_field, &name) ||
	    !get_bool(p, v, "read_only", &ro) || !get_bool(p, v, "q", &q) ||
	    !get_str(p, v, "type", false, NULL, &type))
		return false;
	if (type != NULL && !ftype_parse(type, &f->vanished_type)) {
		push_key(p, "type");
		fail(p, "\"%s\" is not a field type the API handles (boolean, integer, float, monetary, char, text, "
		     "html, date, datetime, selection, many2one, one2many, many2many)", type);
		pop(p);
		return false;
	}
	if (json_object_object_get_ex(v, "odoo", &o)) {
		bool ok;

		push_key(p, "odoo");
		ok = check_str_array(p, o, MAX_ODOO, check_field);
		pop(p);
		if (!ok)
			return false;
		f->odoo = str_list(o);
	}
	f->name = xstrdup(name);
	f->flags = (ro ? RF_RO : 0) | (q ? RF_Q : 0);
	f->vanishes = type != NULL;
	return true;
}

static bool
has_field(const struct resource *r, size_t n, const char *name)
{
	for (size_t i = 0; i < n && r->fields[i].name != NULL; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return true;
	return false;
}

static bool
parse_fields(struct pctx *p, json_object *arr, struct resource *r)
{
	struct res_field *fields;
	size_t n;

	if (!json_object_is_type(arr, json_type_array) || (n = json_object_array_length(arr)) == 0)
		return fail(p, "must be a non-empty list of fields");
	fields = xcalloc(n + 1, sizeof(*fields));
	r->fields = fields;   /* freed with the table, even half-filled */
	for (size_t i = 0; i < n; i++) {
		bool ok;

		push_idx(p, i);
		ok = parse_field(p, json_object_array_get_idx(arr, i), &fields[i]);
		if (ok && has_field(r, i, fields[i].name))
			ok = fail(p, "field \"%s\" is listed twice", fields[i].name);
		pop(p);
		if (!ok)
			return false;
	}
	return true;
}

static bool
parse_lines(struct pctx *p, json_object *arr, struct resource *r, struct pending *pd)
{
	static const char *const keys[] = { "key", "field", "resource", NULL };
	struct res_lines *l;
	json_object *o;
	const char *key, *field, *res;
	bool ok;

	if (!json_object_is_type(arr, json_type_array))
		return fail(p, "must be a list of {\"key\", \"field\", \"resource\"}");
	if (json_object_array_length(arr) == 0)
		return true;
	if (json_object_array_length(arr) > 1) {
		push_idx(p, 1);
		fail(p, "one collection of lines per resource is supported");
		pop(p);
		return false;
	}
	o = json_object_array_get_idx(arr, 0);
	push_idx(p, 0);
	ok = json_object_is_type(o, json_type_object) ? true : fail(p, "must be an object");
	ok = ok && check_keys(p, o, keys) && get_str(p, o, "key", true, check_field, &key) &&
	     get_str(p, o, "field", true, check_field, &field) &&
	     get_str(p, o, "resource", true, check_route, &res);
	if (ok && has_field(r, SIZE_MAX, key)) {
		push_key(p, "key");
		ok = fail(p, "\"%s\" is already a field of this resource", key);
		pop(p);
	}
	pop(p);
	if (!ok)
		return false;
	l = xcalloc(1, sizeof(*l));
	l->key = xstrdup(key);
	l->field = xstrdup(field);
	r->lines = l;
	pd->lines_res = res;
	return true;
}

static bool
parse_action(struct pctx *p, json_object *o, struct resource *r, struct res_action *a)
{
	static const char *const keys[] = { "name", "method", "context", "from", "to", NULL };
	json_object *v;
	const char *name, *method, *to;

	if (!json_object_is_type(o, json_type_object))
		return fail(p, "must be an object {\"name\", \"method\", ...}");
	if (!check_keys(p, o, keys) || !get_str(p, o, "name", true, check_route, &name) ||
	    !get_str(p, o, "method", true, check_route, &method) || !get_str(p, o, "to", false, check_nonempty, &to))
		return false;
	for (size_t k = 0; r->actions + k < a; k++)
		if (strcmp(r->actions[k].name, name) == 0) {
			push_key(p, "name");
			fail(p, "action \"%s\" is listed twice", name);
			pop(p);
			return false;
		}
	if (json_object_object_get_ex(o, "context", &v)) {
		json_object *kw;

		if (!json_object_is_type(v, json_type_object)) {
			push_key(p, "context");
			fail(p, "must be an object (passed to the method as its context)");
			pop(p);
			return false;
		}
		kw = json_object_new_object();
		json_object_object_add(kw, "context", json_object_get(v));
		a->kwargs = json_text(kw);
		json_object_put(kw);
	}
	if (json_object_object_get_ex(o, "from", &v)) {
		bool ok;

		push_key(p, "from");
		ok = check_str_array(p, v, 64, check_nonempty);
		pop(p);
		if (!ok)
			return false;
		a->from = str_list(v);
	}
	/* from and to are checked on the record's state as the API answers it. */
	if ((a->from != NULL || to != NULL) && !has_field(r, SIZE_MAX, "state")) {
		push_key(p, a->from != NULL ? "from" : "to");
		fail(p, "needs a field called \"state\" among the resource's fields");
		pop(p);
		return false;
	}
	a->name = xstrdup(name);
	a->method = xstrdup(method);
	a->to = to != NULL ? xstrdup(to) : NULL;
	return true;
}

static bool
parse_actions(struct pctx *p, json_object *arr, struct resource *r)
{
	struct res_action *acts;
	size_t n;

	if (!json_object_is_type(arr, json_type_array))
		return fail(p, "must be a list of actions");
	n = json_object_array_length(arr);
	if (n > 0 && !r->routable)
		return fail(p, "a resource that is not routable has no route to run actions on");
	acts = xcalloc(n > 0 ? n : 1, sizeof(*acts));
	r->actions = acts;
	for (size_t i = 0; i < n; i++) {
		bool ok;

		push_idx(p, i);
		r->n_actions++;   /* freed with the table, even half-filled */
		ok = parse_action(p, json_object_array_get_idx(arr, i), r, &acts[i]);
		pop(p);
		if (!ok)
			return false;
	}
	return true;
}

/* Routes of their own under /api/v1 (routes.c), which a resource would shadow or be shadowed by. */
static const char *const reserved_names[] = { "me", "batch", "events", NULL };

static bool
parse_resource(struct pctx *p, json_object *o, struct res_table *t, size_t i, struct pending *pd)
{
	static const char *const keys[] = {
		"name", "model", "routable", "read_only", "domain", "create_defaults", "default_order",
		"fields", "lines", "actions", NULL,
	};
	struct resource *r = &t->r[i];
	json_object *v;
	const char *name, *model, *order;
	bool routable = true, ro = false;

	if (!json_object_is_type(o, json_type_object))
		return fail(p, "must be an object {\"name\", \"model\", \"fields\", ...}");
	if (!check_keys(p, o, keys) || !get_str(p, o, "name", true, check_route, &name))
		return false;
	for (size_t k = 0; reserved_names[k] != NULL; k++)
		if (strcmp(reserved_names[k], name) == 0) {
			push_key(p, "name");
			fail(p, "\"%s\" is taken by the route /api/v1/%s", name, name);
			pop(p);
			return false;
		}
	for (size_t k = 0; k < i; k++)
		if (strcmp(t->r[k].name, name) == 0) {
			push_key(p, "name");
			fail(p, "\"%s\" is already the name of resources[%zu]", name, k);
			pop(p);
			return false;
		}
	r->name = xstrdup(name);
	if (!get_str(p, o, "model", true, check_model, &model) || !get_bool(p, o, "routable", &routable) ||
	    !get_bool(p, o, "read_only", &ro))
		return false;
	r->model = xstrdup(model);
	r->routable = routable;
	r->read_only = ro;
	if (!json_object_object_get_ex(o, "fields", &v))
		return fail(p, "\"fields\" is required");
	push_key(p, "fields");
	if (!parse_fields(p, v, r))
		return false;
	/* Records are addressed by id: every answer carries it (Refine needs it too). */
	if (!has_field(r, SIZE_MAX, "id"))
		return fail(p, "must list \"id\"");
	pop(p);
	if (json_object_object_get_ex(o, "domain", &v)) {
		size_t at;
		const char *why = query_domain_check(v, &at);

		push_key(p, "domain");
		if (why != NULL) {
			if (json_object_is_type(v, json_type_array) && at < json_object_array_length(v))
				push_idx(p, at);
			return fail(p, "%s", why);
		}
		pop(p);
		r->base_domain = json_object_array_length(v) > 0 ? json_text(v) : NULL;
	}
	if (json_object_object_get_ex(o, "create_defaults", &v)) {
		push_key(p, "create_defaults");
		if (!json_object_is_type(v, json_type_object))
			return fail(p, "must be an object {field: value}");
		json_object_object_foreach(v, k, val) {
			push_key(p, k);
			if (!field_ok(k))
				return fail(p, "%s", check_field(k));
			if (val == NULL)
				return fail(p, "must not be null (Odoo's \"not set\" is false)");
			pop(p);
		}
		pop(p);
		r->create_defaults = json_object_object_length(v) > 0 ? json_text(v) : NULL;
	}
	if (!get_str(p, o, "default_order", false, NULL, &order))
		return false;
	if (order != NULL) {
		const char **names;
		size_t n = 0;
		char buf[160];
		const char *why;

		while (r->fields[n].name != NULL)
			n++;
		names = xcalloc(n, sizeof(*names));
		for (size_t k = 0; k < n; k++)
			names[k] = r->fields[k].name;
		why = query_order_check(order, names, n, buf, sizeof(buf));
		free(names);
		if (why != NULL) {
			push_key(p, "default_order");
			return fail(p, "%s", why);
		}
		r->default_order = xstrdup(order);
	}
	if (json_object_object_get_ex(o, "lines", &v)) {
		push_key(p, "lines");
		if (!parse_lines(p, v, r, pd))
			return false;
		pop(p);
	}
	if (json_object_object_get_ex(o, "actions", &v)) {
		push_key(p, "actions");
		if (!parse_actions(p, v, r))
			return false;
		pop(p);
	}
	return true;
}

/* Ties each lines collection to the entry it names; after every entry is parsed. */
static bool
link_lines(struct pctx *p, struct res_table *t, const struct pending *pd)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct resource *child = NULL;

		if (pd[i].lines_res == NULL)
			continue;
		for (size_t k = 0; k < t->n && child == NULL; k++)
			if (strcmp(t->r[k].name, pd[i].lines_res) == 0)
				child = &t->r[k];
		p->depth = 0;
		push_key(p, "resources");
		push_idx(p, i);
		push_key(p, "lines");
		push_idx(p, 0);
		push_key(p, "resource");
		if (child == NULL)
			return fail(p, "no resource is called \"%s\"", pd[i].lines_res);
		if (child == &t->r[i])
			return fail(p, "a resource cannot be its own lines");
		if (child->lines != NULL)
			return fail(p, "\"%s\" has lines of its own: lines of lines are not supported", child->name);
		((struct res_lines *)t->r[i].lines)->child = child;
	}
	return true;
}

static bool
parse_top(struct pctx *p, json_object *top, struct res_table **out)
{
	static const char *const keys[] = { "resources", NULL };
	struct res_table *t;
	struct pending *pd;
	json_object *arr;
	size_t n;
	bool ok = true;

	if (!json_object_is_type(top, json_type_object))
		return fail(p, "the file must hold an object {\"resources\": [...]}");
	if (!check_keys(p, top, keys))
		return false;
	if (!json_object_object_get_ex(top, "resources", &arr))
		return fail(p, "\"resources\" is required");
	push_key(p, "resources");
	if (!json_object_is_type(arr, json_type_array) || (n = json_object_array_length(arr)) == 0)
		return fail(p, "must be a non-empty list of resources");
	t = xcalloc(1, sizeof(*t));
	t->r = xcalloc(n, sizeof(*t->r));
	pd = xcalloc(n, sizeof(*pd));
	for (size_t i = 0; i < n && ok; i++) {
		push_idx(p, i);
		ok = parse_resource(p, json_object_array_get_idx(arr, i), t, i, &pd[i]);
		t->n = i + 1;   /* what was (partly) built is freed with the table */
		pop(p);
	}
	ok = ok && link_lines(p, t, pd);
	free(pd);
	if (!ok) {
		res_table_free(t);
		return false;
	}
	*out = t;
	return true;
}

struct res_table *
resfile_parse(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
	struct pctx p = { text, len, name, { { NULL, 0 } }, 0, err, errlen };
	struct json_tokener *tok;
	struct res_table *t = NULL;
	json_object *top;
	size_t end, dummy;

	err[0] = '\0';
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, "%s:%u: a NUL byte in the file", name,
		         line_at(text, len, (size_t)((const char *)memchr(text, '\0', len) - text)));
		return NULL;
	}
	tok = json_tokener_new();
	if (tok == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	/* Strict JSON: no comments, no trailing commas, no single quotes. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT
#ifdef JSON_TOKENER_VALIDATE_UTF8
	                            | JSON_TOKENER_VALIDATE_UTF8
#endif
	);
	top = json_tokener_parse_ex(tok, text, (int)(len < INT32_MAX ? len : INT32_MAX));
	end = json_tokener_get_parse_end(tok);
	if (top == NULL) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		/* The one position json-c gives: where the tokener stopped. */
		snprintf(err, errlen, "%s:%u: not valid JSON: %s", name, line_at(text, len, end),
		         e == json_tokener_continue ? "the text ends inside a value" : json_tokener_error_desc(e));
		json_tokener_free(tok);
		return NULL;
	}
	/* Strict mode refuses text after the value too (no JSON_TOKENER_ALLOW_TRAILING_CHARS). */
	json_tokener_free(tok);
	if (dup_walk(&p, 0, &dummy) && parse_top(&p, top, &t))
		log_debug("%s: %zu resources", name, t->n);
	json_object_put(top);
	return t;
}

struct res_table *
resfile_load(const char *path, char *err, size_t errlen)
{
	struct stat st;
	struct res_table *t;
	char *text;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open resources file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)MAX_FILE) {
		snprintf(err, errlen, "resources file %s is not a regular file of at most %u bytes", path, MAX_FILE);
		close(fd);
		return NULL;
	}
	text = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, text + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(err, errlen, "cannot read resources file %s: %s", path, r < 0 ? strerror(errno) : "short read");
			close(fd);
			free(text);
			return NULL;
		}
		got += (size_t)r;
	}
	close(fd);
	text[got] = '\0';
	t = resfile_parse(text, got, path, err, errlen);
	free(text);
	return t;
}

/* ------------------------------------------------------ against a live Odoo */

/* Whether fields_get's answer fg has a field called name of a type the API handles; *type_ok says the latter. */
static bool
odoo_has(json_object *fg, const char *name, bool *type_ok)
{
	json_object *attrs, *type;
	enum ftype ft;

	*type_ok = false;
	if (!json_object_object_get_ex(fg, name, &attrs))
		return false;
	*type_ok = json_object_object_get_ex(attrs, "type", &type) && json_object_is_type(type, json_type_string) &&
	           ftype_parse(json_object_get_string(type), &ft);
	return true;
}

/* Checks the fields of r against its model's answer fg. */
static void
check_fields(const struct resource *r, json_object *fg, FILE *out, size_t *warnings)
{
	for (const struct res_field *f = r->fields; f->name != NULL; f++) {
		const char *found = NULL;
		bool type_ok = false;

		for (size_t k = 0; f->odoo != NULL && f->odoo[k] != NULL && found == NULL; k++)
			if (odoo_has(fg, f->odoo[k], &type_ok))
				found = f->odoo[k];
		if (found == NULL && odoo_has(fg, f->name, &type_ok))
			found = f->name;
		if (found != NULL && type_ok)
			continue;
		(*warnings)++;
		if (found != NULL)
			fprintf(out, "warning: %s.%s: %s.%s is of a type the API does not handle; not exposed\n", r->name,
			        f->name, r->model, found);
		else if (f->vanishes)
			fprintf(out, "warning: %s.%s: %s has no such field on this Odoo; answered as null\n", r->name,
			        f->name, r->model);
		else
			fprintf(out, "warning: %s.%s: %s has no such field on this Odoo; dropped from the answers\n",
			        r->name, f->name, r->model);
	}
	if (r->lines != NULL) {
		bool type_ok;

		if (!odoo_has(fg, r->lines->field, &type_ok)) {
			(*warnings)++;
			fprintf(out, "warning: %s.%s: %s has no field %s; the lines are not read\n", r->name, r->lines->key,
			        r->model, r->lines->field);
		}
	}
}

size_t
resfile_check_odoo(const struct res_table *t, schema_fetch_fn fetch, void *ud, FILE *out, size_t *warnings)
{
	size_t errors = 0;

	*warnings = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct resource *r = &t->r[i];
		json_object *args, *kwargs, *fg = NULL;
		struct odoo_error err;
		bool seen = false;

		/* One call per model: suppliers and customers share res.partner's. */
		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(t->r[k].model, r->model) == 0;
		if (seen)
			continue;
		memset(&err, 0, sizeof(err));
		schema_fields_get_call(r, &args, &kwargs);
		if (fetch(ud, r->model, "fields_get", args, kwargs, &fg, &err) != ODOO_OK ||
		    !json_object_is_type(fg, json_type_object)) {
			errors++;
			fprintf(out, "error: %s: model %s is not on this Odoo (or cannot be read): %s\n", r->name, r->model,
			        err.message[0] != '\0' ? err.message : "fields_get did not answer an object");
		} else {
			for (size_t k = i; k < t->n; k++)
				if (strcmp(t->r[k].model, r->model) == 0)
					check_fields(&t->r[k], fg, out, warnings);
		}
		json_object_put(fg);
		json_object_put(args);
		json_object_put(kwargs);
	}
	return errors;
}

static void
resource_free(struct resource *r)
{
	free((void *)r->name);
	free((void *)r->model);
	free((void *)r->base_domain);
	free((void *)r->create_defaults);
	free((void *)r->default_order);
	for (size_t i = 0; r->fields != NULL && r->fields[i].name != NULL; i++) {
		free((void *)r->fields[i].name);
		free_list(r->fields[i].odoo);
	}
	free((void *)r->fields);
	if (r->lines != NULL) {
		free((void *)r->lines->key);
		free((void *)r->lines->field);
		free((void *)r->lines);
	}
	for (size_t i = 0; i < r->n_actions; i++) {
		free((void *)r->actions[i].name);
		free((void *)r->actions[i].method);
		free((void *)r->actions[i].kwargs);
		free_list(r->actions[i].from);
		free((void *)r->actions[i].to);
	}
	free((void *)r->actions);
}

void
res_table_free(struct res_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++)
		resource_free(&t->r[i]);
	free(t->r);
	free(t);
}
