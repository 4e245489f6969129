/* query.c: list query parameters (Refine simple-rest and the original API) -> Odoo domain, order, paging. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "util.h"

#define ENVELOPE_MAX_LIMIT 100   /* the original API's `limit` bound */
#define ENVELOPE_DEF_LIMIT 10    /* its default */
#define MAX_SORT_KEYS      16    /* more sort keys than this is a 400 */

/* Parameters that steer the list and are never filters. */
static const char *const control_params[] = {
	"page", "limit", "_start", "_end", "_sort", "_order", "sort", "q",
	"_",  /* cache-buster (jQuery-style); @refinedev/simple-rest does not send it */
};

enum op { OP_EQ, OP_NE, OP_GTE, OP_LTE, OP_GT, OP_LT, OP_LIKE };

/* Suffix, Odoo operator, and the operator used when the key is repeated. */
static const struct {
	const char *suffix;
	const char *odoo;
	const char *odoo_many;   /* NULL: repeated keys are AND-ed leaves */
} ops[] = {
	[OP_EQ]   = { "",      "=",     "in" },
	[OP_NE]   = { "_ne",   "!=",    "not in" },
	[OP_GTE]  = { "_gte",  ">=",    NULL },
	[OP_LTE]  = { "_lte",  "<=",    NULL },
	[OP_GT]   = { "_gt",   ">",     NULL },
	[OP_LT]   = { "_lt",   "<",     NULL },
	[OP_LIKE] = { "_like", "ilike", NULL },
};

/* ----------------------------------------------------------------- errors */

/* Copies s into dst (size n), cutting at a UTF-8 character boundary. */
static void
copy_utf8(char *dst, size_t n, const char *s)
{
	size_t len = strlen(s);

	if (len >= n) {
		len = n - 1;
		/* Back off continuation bytes so a multi-byte character is not split. */
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static enum query_err
fail(struct query_error *err, enum query_err code, const char *param, const char *field, enum verr why)
{
	err->code = code;
	copy_utf8(err->param, sizeof(err->param), param);
	copy_utf8(err->field, sizeof(err->field), field != NULL ? field : "");
	err->why = why;
	return code;
}

/* Reasons; %s is the field where the text names one. */
static const char *const reasons[Q__COUNT][2] = {
	[Q_OK]             = { "Correcto", "OK" },
	[Q_BAD_PAGINATION] = { "Debe cumplir page >= 1, 1 <= limit <= 100, 0 <= _start <= _end, sin mezclar ambos estilos",
	                       "Must satisfy page >= 1, 1 <= limit <= 100, 0 <= _start <= _end, without mixing both styles" },
	[Q_UNKNOWN_PARAM]  = { "Parámetro desconocido", "Unknown parameter" },
	[Q_UNKNOWN_FIELD]  = { "Campo desconocido: %s", "Unknown field: %s" },
	[Q_NOT_SEARCHABLE] = { "No se puede filtrar por el campo %s", "Field %s cannot be filtered on" },
	[Q_BAD_OPERATOR]   = { "Operador no válido para el campo %s", "Operator not valid for field %s" },
	[Q_BAD_VALUE]      = { "", "" },  /* the value's own reason (verr_text) */
	[Q_NOT_SORTABLE]   = { "No se puede ordenar por el campo %s", "Cannot sort by field %s" },
	[Q_BAD_SORT]       = { "Orden inválido: campos separados por comas, asc o desc, sin repetir",
	                       "Invalid sort: comma-separated fields, asc or desc, none repeated" },
	[Q_REPEATED]       = { "Parámetro repetido", "Parameter given more than once" },
};

json_object *
query_error_json(const struct query_error *err, enum lang lang)
{
	json_object *errors = json_object_new_object();
	const char *fmt;
	char *reason;

	if (err->code == Q_BAD_VALUE) {
		errors_add(errors, err->param, verr_text(err->why, lang));
		return errors;
	}
	fmt = reasons[(unsigned)err->code < Q__COUNT ? err->code : Q_OK][lang == LANG_EN ? 1 : 0];
	if (strstr(fmt, "%s") != NULL) {
		const char *at = strstr(fmt, "%s");

		reason = xasprintf("%.*s%s%s", (int)(at - fmt), fmt, err->field, at + 2);
	} else {
		reason = xstrdup(fmt);
	}
	errors_add(errors, err->param, reason);
	free(reason);
	return errors;
}

/* ------------------------------------------------------------- pagination */

/* The only value of key, or NULL when absent; false when it is repeated. */
static bool
single(const struct params *p, const char *key, const char **out)
{
	size_t n = params_count(p, key);

	*out = n == 1 ? params_get(p, key) : NULL;
	return n <= 1;
}

static enum query_err
parse_paging(const struct params *p, long list_max, struct list_query *q, struct query_error *err)
{
	static const char *const keys[] = { "page", "limit", "_start", "_end" };
	const char *v[4];
	int64_t a, b;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!single(p, keys[i], &v[i]))
			return fail(err, Q_BAD_PAGINATION, keys[i], NULL, VE_OK);
	if ((v[0] || v[1]) && (v[2] || v[3]))
		return fail(err, Q_BAD_PAGINATION, v[0] ? "page" : "limit", NULL, VE_OK);
	if (v[0] || v[1]) {
		a = 1;
		b = ENVELOPE_DEF_LIMIT;
		if (v[0] && !parse_int64(v[0], 1, INT32_MAX, &a))
			return fail(err, Q_BAD_PAGINATION, "page", NULL, VE_OK);
		if (v[1] && !parse_int64(v[1], 1, ENVELOPE_MAX_LIMIT, &b))
			return fail(err, Q_BAD_PAGINATION, "limit", NULL, VE_OK);
		/* One rule for every protocol: an offset Odoo takes as an int4 (XML-RPC's <int> too). */
		if ((a - 1) * b > INT32_MAX)
			return fail(err, Q_BAD_PAGINATION, "page", NULL, VE_OK);
		q->mode = PAGE_ENVELOPE;
		q->page = a;
		q->offset = (a - 1) * b;
		q->limit = b;
		return Q_OK;
	}
	if (v[2] || v[3]) {
		a = 0;
		if (v[2] && !parse_int64(v[2], 0, INT32_MAX, &a))
			return fail(err, Q_BAD_PAGINATION, "_start", NULL, VE_OK);
		b = a + list_max;
		if (v[3] && !parse_int64(v[3], a, INT32_MAX, &b))
			return fail(err, Q_BAD_PAGINATION, "_end", NULL, VE_OK);
		q->mode = PAGE_RANGE;
		q->offset = a;
		/* A page wider than the configured maximum is cut, not refused. */
		q->limit = b - a < list_max ? b - a : list_max;
		return Q_OK;
	}
	q->mode = PAGE_NONE;
	q->offset = 0;
	q->limit = list_max;
	return Q_OK;
}

/* ---------------------------------------------------------------- sorting */

struct sort_key {
	const struct xfield *f;
	bool desc;
};

/*
 * Appends the field called name (len bytes) to keys.  lenient (the table's
 * default order) skips fields this Odoo lacks or cannot sort by instead of
 * failing.
 */
static enum query_err
add_sort_key(const struct rschema *s, const char *name, size_t len, bool desc, bool lenient,
             struct sort_key *keys, size_t *n, const char *param, struct query_error *err)
{
	char field[64];
	const struct xfield *f;

	if (len == 0)
		return fail(err, Q_BAD_SORT, param, NULL, VE_OK);
	if (len >= sizeof(field)) {
		if (lenient)
			return Q_OK;
		return fail(err, Q_UNKNOWN_FIELD, param, name, VE_OK);
	}
	memcpy(field, name, len);
	field[len] = '\0';
	f = rschema_field(s, field);
	if (f == NULL || !f->sortable) {
		if (lenient)
			return Q_OK;
		return fail(err, f == NULL ? Q_UNKNOWN_FIELD : Q_NOT_SORTABLE, param, field, VE_OK);
	}
	for (size_t i = 0; i < *n; i++)
		if (keys[i].f == f)
			return lenient ? Q_OK : fail(err, Q_BAD_SORT, param, field, VE_OK);
	if (*n == MAX_SORT_KEYS)
		return fail(err, Q_BAD_SORT, param, NULL, VE_OK);
	keys[*n].f = f;
	keys[*n].desc = desc;
	(*n)++;
	return Q_OK;
}

/* One element of a comma-separated list. */
struct item {
	const char *s;
	size_t len;
};

/*
 * Splits list on ',' into items (at most max); returns the count, or max + 1
 * when there are more elements than that.  Empty elements are kept (and
 * refused by the callers).
 */
static size_t
split_commas(const char *list, struct item *items, size_t max)
{
	size_t n = 0;

	for (const char *it = list;; it++) {
		size_t len = strcspn(it, ",");

		if (n == max)
			return max + 1;
		items[n].s = it;
		items[n].len = len;
		n++;
		it += len;
		if (*it == '\0')
			return n;
	}
}

/* Whether s (len bytes) is asc/desc (any case); *desc says which. */
static bool
parse_direction(const char *s, size_t len, bool *desc)
{
	if (len == 3 && ascii_ncasecmp(s, "asc", 3) == 0)
		*desc = false;
	else if (len == 4 && ascii_ncasecmp(s, "desc", 4) == 0)
		*desc = true;
	else
		return false;
	return true;
}

/* _sort=a,b&_order=asc,desc (Refine sends both comma-joined in one value). */
static enum query_err
parse_refine_sort(const struct rschema *s, const char *sort, const char *order, struct sort_key *keys,
                  size_t *n, struct query_error *err)
{
	struct item items[MAX_SORT_KEYS];
	size_t ni = split_commas(sort, items, MAX_SORT_KEYS);
	enum query_err e;

	if (ni > MAX_SORT_KEYS)
		return fail(err, Q_BAD_SORT, "_sort", NULL, VE_OK);
	for (size_t i = 0; i < ni; i++)
		if ((e = add_sort_key(s, items[i].s, items[i].len, false, false, keys, n, "_sort", err)) != Q_OK)
			return e;
	if (order == NULL)
		return Q_OK;
	/* One direction per field, in the same order. */
	if (split_commas(order, items, MAX_SORT_KEYS) != *n)
		return fail(err, Q_BAD_SORT, "_order", NULL, VE_OK);
	for (size_t i = 0; i < *n; i++)
		if (!parse_direction(items[i].s, items[i].len, &keys[i].desc))
			return fail(err, Q_BAD_SORT, "_order", NULL, VE_OK);
	return Q_OK;
}

/* sort=a,-b (the original API). */
static enum query_err
parse_minus_sort(const struct rschema *s, const char *sort, struct sort_key *keys, size_t *n,
                 struct query_error *err)
{
	struct item items[MAX_SORT_KEYS];
	size_t ni = split_commas(sort, items, MAX_SORT_KEYS);
	enum query_err e;

	if (ni > MAX_SORT_KEYS)
		return fail(err, Q_BAD_SORT, "sort", NULL, VE_OK);
	for (size_t i = 0; i < ni; i++) {
		bool desc = items[i].len > 0 && items[i].s[0] == '-';

		e = add_sort_key(s, items[i].s + desc, items[i].len - desc, desc, false, keys, n, "sort", err);
		if (e != Q_OK)
			return e;
	}
	return Q_OK;
}

/* The table's default order, "field [asc|desc],...", trusted but filtered by what this Odoo has. */
static void
parse_default_order(const struct rschema *s, const char *def, struct sort_key *keys, size_t *n)
{
	struct item items[MAX_SORT_KEYS];
	size_t ni = split_commas(def, items, MAX_SORT_KEYS);
	struct query_error ignored;

	for (size_t i = 0; i < ni && i < MAX_SORT_KEYS; i++) {
		const char *sp = memchr(items[i].s, ' ', items[i].len);
		size_t flen = sp != NULL ? (size_t)(sp - items[i].s) : items[i].len;
		bool desc = false;

		if (sp != NULL)
			(void)parse_direction(sp + 1, items[i].len - flen - 1, &desc);
		(void)add_sort_key(s, items[i].s, flen, desc, true, keys, n, "", &ignored);
	}
}

static enum query_err
parse_sorting(const struct rschema *s, const struct params *p, struct list_query *q, struct query_error *err)
{
	struct sort_key keys[MAX_SORT_KEYS];
	const char *sort, *order, *minus;
	size_t n = 0;
	bool has_id = false;
	struct buf b;
	enum query_err e = Q_OK;

	if (!single(p, "_sort", &sort))
		return fail(err, Q_REPEATED, "_sort", NULL, VE_OK);
	if (!single(p, "_order", &order))
		return fail(err, Q_REPEATED, "_order", NULL, VE_OK);
	if (!single(p, "sort", &minus))
		return fail(err, Q_REPEATED, "sort", NULL, VE_OK);
	if (sort != NULL && minus != NULL)
		return fail(err, Q_BAD_SORT, "sort", NULL, VE_OK);
	if (order != NULL && sort == NULL)
		return fail(err, Q_BAD_SORT, "_order", NULL, VE_OK);
	if (sort != NULL)
		e = parse_refine_sort(s, sort, order, keys, &n, err);
	else if (minus != NULL)
		e = parse_minus_sort(s, minus, keys, &n, err);
	else if (s->res->default_order != NULL)
		parse_default_order(s, s->res->default_order, keys, &n);
	if (e != Q_OK)
		return e;
	buf_init(&b, 4096);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(&b, ",");
		buf_puts(&b, keys[i].f->odoo);   /* sortable: the field exists on this Odoo */
		buf_puts(&b, keys[i].desc ? " desc" : " asc");
		has_id = has_id || strcmp(keys[i].f->name, "id") == 0;
	}
	/* A unique tie-breaker, so that consecutive pages never overlap or skip. */
	if (!has_id)
		buf_puts(&b, n > 0 ? ",id asc" : "id asc");
	q->order = xstrdup(b.data);
	buf_free(&b);
	return Q_OK;
}

/* ---------------------------------------------------------------- filters */

static bool
is_control(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(control_params); i++)
		if (strcmp(control_params[i], key) == 0)
			return true;
	return false;
}

/* Resolves a filter key into field and operator: an exact field name first, then field + suffix. */
static const struct xfield *
resolve_key(const struct rschema *s, const char *key, enum op *op)
{
	const struct xfield *f = rschema_field(s, key);
	size_t klen = strlen(key);

	if (f != NULL) {
		*op = OP_EQ;
		return f;
	}
	for (size_t i = 1; i < ARRAY_SIZE(ops); i++) {
		size_t slen = strlen(ops[i].suffix);
		char name[64];

		if (klen <= slen || klen - slen >= sizeof(name) || strcmp(key + klen - slen, ops[i].suffix) != 0)
			continue;
		memcpy(name, key, klen - slen);
		name[klen - slen] = '\0';
		if ((f = rschema_field(s, name)) != NULL) {
			*op = (enum op)i;
			return f;
		}
	}
	return NULL;
}

static bool
op_applies(enum op op, enum ftype t)
{
	switch (op) {
	case OP_EQ:
	case OP_NE:
		return true;
	case OP_GTE:
	case OP_LTE:
	case OP_GT:
	case OP_LT:
		return t == FT_INTEGER || t == FT_FLOAT || t == FT_MONETARY || t == FT_DATE || t == FT_DATETIME;
	case OP_LIKE:
		return t == FT_CHAR || t == FT_TEXT || t == FT_HTML || t == FT_MANY2ONE;
	}
	return false;
}

const char *
query_op_suffix(size_t i, bool *many, const char **odoo_op)
{
	if (i >= ARRAY_SIZE(ops))
		return NULL;
	*many = ops[i].odoo_many != NULL;
	*odoo_op = ops[i].odoo;
	return ops[i].suffix;
}

bool
query_op_applies(size_t i, enum ftype t)
{
	return i < ARRAY_SIZE(ops) && op_applies((enum op)i, t);
}

const char *
query_control_param(size_t i)
{
	return i < ARRAY_SIZE(control_params) ? control_params[i] : NULL;
}

/* A filter value (text from the query string) -> the Odoo value for f, or VE_*. */
static enum verr
filter_value(const struct xfield *f, enum op op, const char *v, json_object **out)
{
	int64_t n;
	double d;
	char dt[20];

	/* Searched, not stored: only what the API takes as no text at all is refused. */
	if (!text_acceptable(v))
		return VE_BAD_CHARS;
	if (op == OP_LIKE) {
		*out = json_object_new_string(v);
		return VE_OK;
	}
	if ((*v == '\0' || strcmp(v, "null") == 0) && f->type != FT_BOOLEAN) {
		/* "Not set": Odoo's False; only = and != mean anything with it. */
		if (op != OP_EQ && op != OP_NE)
			return f->type == FT_DATE ? VE_BAD_DATE : f->type == FT_DATETIME ? VE_BAD_DATETIME : VE_NOT_NUMBER;
		*out = json_object_new_boolean(0);
		return VE_OK;
	}
	switch (f->type) {
	case FT_BOOLEAN:
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
			return VE_NOT_BOOLEAN;
		*out = json_object_new_boolean(strcmp(v, "true") == 0);
		return VE_OK;
	case FT_INTEGER:
		if (!parse_int64(v, INT32_MIN, INT32_MAX, &n))
			return VE_NOT_INTEGER;
		*out = json_object_new_int64(n);
		return VE_OK;
	case FT_FLOAT:
	case FT_MONETARY:
		if (!parse_double(v, &d))
			return VE_NOT_NUMBER;
		*out = json_object_new_double(d);
		return VE_OK;
	case FT_CHAR:
	case FT_TEXT:
	case FT_HTML:
		*out = json_object_new_string(v);
		return VE_OK;
	case FT_SELECTION:
		for (size_t i = 0; i < f->n_selection; i++) {
			if (strcmp(f->selection[i], v) == 0) {
				*out = json_object_new_string(v);
				return VE_OK;
			}
		}
		return VE_BAD_SELECTION;
	case FT_DATE:
		if (!date_valid(v))
			return VE_BAD_DATE;
		*out = json_object_new_string(v);
		return VE_OK;
	case FT_DATETIME:
		/* A bare date in a datetime filter means midnight UTC (write_date_gte=2026-01-01). */
		if (date_valid(v)) {
			snprintf(dt, sizeof(dt), "%s 00:00:00", v);
		} else if (!datetime_to_odoo(v, dt)) {
			return VE_BAD_DATETIME;
		}
		*out = json_object_new_string(dt);
		return VE_OK;
	case FT_MANY2ONE:
	case FT_ONE2MANY:
	case FT_MANY2MANY:
		/* Odoo ids: positive and 32-bit. */
		if (!parse_int64(v, 1, INT32_MAX, &n))
			return VE_BAD_ID;
		*out = json_object_new_int64(n);
		return VE_OK;
	}
	return VE_UNKNOWN_FIELD;
}

static json_object *
leaf(const char *field, const char *op, json_object *value)
{
	json_object *l = json_object_new_array();

	json_object_array_add(l, json_object_new_string(field));
	json_object_array_add(l, json_object_new_string(op));
	json_object_array_add(l, value);
	return l;
}

/*
 * The leaf of parameter i (key resolved to f and op).  Repeated = and !=
 * keys become one in / not in leaf at the first occurrence; the later ones
 * are skipped (*skip).  *count receives how many values went in.
 */
static enum query_err
filter_leaf(const struct params *p, size_t i, const struct xfield *f, enum op op, json_object **out,
            size_t *count, struct query_error *err)
{
	const char *key = p->v[i].key;
	json_object *vals = NULL, *v;
	enum verr why;

	*count = 0;
	if (ops[op].odoo_many != NULL && params_count(p, key) > 1) {
		vals = json_object_new_array();
		for (size_t j = i; j < p->n; j++) {
			if (strcmp(p->v[j].key, key) != 0)
				continue;
			if ((why = filter_value(f, op, p->v[j].value, &v)) != VE_OK) {
				json_object_put(vals);
				return fail(err, Q_BAD_VALUE, key, f->name, why);
			}
			json_object_array_add(vals, v);
		}
		*count = json_object_array_length(vals);
		*out = leaf(f->odoo, ops[op].odoo_many, vals);
		return Q_OK;
	}
	if ((why = filter_value(f, op, p->v[i].value, &v)) != VE_OK)
		return fail(err, Q_BAD_VALUE, key, f->name, why);
	*count = 1;
	*out = leaf(f->odoo, ops[op].odoo, v);
	return Q_OK;
}

/* Whether an earlier parameter had this key (its leaf already holds this value). */
static bool
seen_before(const struct params *p, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(p->v[j].key, p->v[i].key) == 0)
			return true;
	return false;
}

/* q=text: ["|", "|", [a, ilike, text], [b, ilike, text], [c, ilike, text]] over the RF_Q fields. */
static enum query_err
add_q(const struct rschema *s, const char *text, json_object *domain, struct query_error *err)
{
	size_t n = 0;

	if (*text == '\0')
		return Q_OK;   /* an empty search box searches nothing */
	if (!text_acceptable(text))
		return fail(err, Q_BAD_VALUE, "q", NULL, VE_BAD_CHARS);
	for (size_t i = 0; i < s->n; i++)
		n += (s->f[i].flags & RF_Q) && s->f[i].searchable;
	if (n == 0)
		return fail(err, Q_UNKNOWN_PARAM, "q", NULL, VE_OK);
	for (size_t i = 1; i < n; i++)
		json_object_array_add(domain, json_object_new_string("|"));
	for (size_t i = 0; i < s->n; i++)
		if ((s->f[i].flags & RF_Q) && s->f[i].searchable)
			json_object_array_add(domain, leaf(s->f[i].odoo, "ilike", json_object_new_string(text)));
	return Q_OK;
}

static enum query_err
parse_filters(const struct rschema *s, const struct params *p, struct list_query *q, size_t *id_values,
              struct query_error *err)
{
	enum query_err e;

	*id_values = 0;
	for (size_t i = 0; i < p->n; i++) {
		const char *key = p->v[i].key;
		const struct xfield *f;
		json_object *l;
		enum op op = OP_EQ;
		size_t count;

		if (strcmp(key, "q") == 0) {
			if ((e = add_q(s, p->v[i].value, q->domain, err)) != Q_OK)
				return e;
			continue;
		}
		if (is_control(key))
			continue;
		if ((f = resolve_key(s, key, &op)) == NULL)
			return fail(err, Q_UNKNOWN_PARAM, key, NULL, VE_OK);
		if (!f->searchable)
			return fail(err, Q_NOT_SEARCHABLE, key, f->name, VE_OK);
		if (!op_applies(op, f->type))
			return fail(err, Q_BAD_OPERATOR, key, f->name, VE_OK);
		if (ops[op].odoo_many != NULL && seen_before(p, i))
			continue;
		if ((e = filter_leaf(p, i, f, op, &l, &count, err)) != Q_OK)
			return e;
		json_object_array_add(q->domain, l);
		if (op == OP_EQ && strcmp(f->name, "id") == 0)
			*id_values = count;
	}
	return Q_OK;
}

/* ------------------------------------------------------------------- all */

enum query_err
query_parse(const struct rschema *s, const struct params *p, long list_max, struct list_query *out,
            struct query_error *err)
{
	enum query_err e;
	size_t id_values;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	if (list_max < 1)
		list_max = 1;
	if ((e = parse_paging(p, list_max, out, err)) != Q_OK)
		goto out;
	if ((e = parse_sorting(s, p, out, err)) != Q_OK)
		goto out;
	out->domain = json_object_new_array();
	resource_base_domain(s->res, out->domain);
	if ((e = parse_filters(s, p, out, &id_values, err)) != Q_OK)
		goto out;
	/* Refine's getMany (id=1&id=2...) must get every record it names, even past list_max. */
	if (out->mode == PAGE_NONE && (int64_t)id_values > out->limit)
		out->limit = (int64_t)id_values;
out:
	if (e != Q_OK)
		list_query_free(out);
	return e;
}

/* ---------------------------------------------------- the resources file */

/* Operators a fixed domain may use beyond those filters produce; the last four take a list. */
static const char *const domain_only_ops[] = {
	"like", "not like", "not ilike", "=like", "=ilike", "child_of", "parent_of",
};

/* A field name or dotted path: [a-z_][a-z0-9_]* joined by dots. */
static bool
domain_field_ok(const char *s)
{
	bool start = true;

	for (; *s; s++) {
		if (*s == '.' && !start) {
			start = true;
			continue;
		}
		if (!((*s >= 'a' && *s <= 'z') || *s == '_' || (!start && *s >= '0' && *s <= '9')))
			return false;
		start = false;
	}
	return !start;
}

static bool
is_scalar(json_object *v)
{
	/* Not null: XML-RPC cannot carry None; Odoo's "not set" is false. */
	return v != NULL && (json_object_is_type(v, json_type_string) || json_object_is_type(v, json_type_int) ||
	       json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_boolean));
}

/* Whether op is known, and whether it takes a list (*many). */
static bool
domain_op(const char *op, bool *many)
{
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		if (strcmp(ops[i].odoo, op) == 0) {
			*many = false;
			return true;
		}
		if (ops[i].odoo_many != NULL && strcmp(ops[i].odoo_many, op) == 0) {
			*many = true;
			return true;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(domain_only_ops); i++)
		if (strcmp(domain_only_ops[i], op) == 0) {
			*many = strcmp(op, "child_of") == 0 || strcmp(op, "parent_of") == 0;
			return true;
		}
	return false;
}

static const char *
leaf_check(json_object *t)
{
	json_object *v;
	const char *op;
	bool many;

	if (!json_object_is_type(t, json_type_array) || json_object_array_length(t) != 3)
		return "must be \"&\", \"|\", \"!\" or [field, operator, value]";
	if (!json_object_is_type(json_object_array_get_idx(t, 0), json_type_string) ||
	    !domain_field_ok(json_object_get_string(json_object_array_get_idx(t, 0))))
		return "the field must be a field name (or a dotted path of them)";
	if (!json_object_is_type(json_object_array_get_idx(t, 1), json_type_string) ||
	    !domain_op(op = json_object_get_string(json_object_array_get_idx(t, 1)), &many))
		return "the operator must be one of =, !=, in, not in, >=, <=, >, <, ilike, like, not like, "
		       "not ilike, =like, =ilike, child_of, parent_of";
	v = json_object_array_get_idx(t, 2);
	if (!many)
		return is_scalar(v) ? NULL : "this operator takes one value (text, a number, true or false)";
	/* child_of and parent_of also take a single id. */
	if (strcmp(op, "in") != 0 && strcmp(op, "not in") != 0 && is_scalar(v))
		return NULL;
	if (!json_object_is_type(v, json_type_array))
		return "this operator takes a list of values";
	for (size_t i = 0; i < json_object_array_length(v); i++)
		if (!is_scalar(json_object_array_get_idx(v, i)))
			return "the list may hold only text, numbers and booleans";
	return NULL;
}

const char *
query_domain_check(json_object *domain, size_t *at)
{
	size_t n, operands = 0;
	const char *why;

	*at = 0;
	if (!json_object_is_type(domain, json_type_array))
		return "must be a list of terms";
	n = json_object_array_length(domain);
	/*
	 * Polish notation read backwards: a leaf is one operand, "!" takes one,
	 * "&" and "|" take two and give one.  What is left is AND-ed (Odoo's
	 * implicit "&").
	 */
	for (size_t i = n; i-- > 0;) {
		json_object *t = json_object_array_get_idx(domain, i);
		const char *s = json_object_is_type(t, json_type_string) ? json_object_get_string(t) : NULL;

		*at = i;
		if (s != NULL && (strcmp(s, "&") == 0 || strcmp(s, "|") == 0)) {
			if (operands < 2)
				return "this operator lacks operands";
			operands--;
		} else if (s != NULL && strcmp(s, "!") == 0) {
			if (operands < 1)
				return "this operator lacks an operand";
		} else if ((why = leaf_check(t)) != NULL) {
			return why;
		} else {
			operands++;
		}
	}
	*at = n;
	return NULL;
}

const char *
query_order_check(const char *order, const char *const *names, size_t n, char *buf, size_t len)
{
	struct item items[MAX_SORT_KEYS];
	size_t ni = split_commas(order, items, MAX_SORT_KEYS);

	if (ni > MAX_SORT_KEYS)
		return "more than 16 sort keys";
	for (size_t i = 0; i < ni; i++) {
		const char *sp = memchr(items[i].s, ' ', items[i].len);
		size_t flen = sp != NULL ? (size_t)(sp - items[i].s) : items[i].len;
		bool desc, known = false;

		if (flen == 0)
			return "must be \"field [asc|desc]\", comma-separated, with no empty item";
		if (sp != NULL && !parse_direction(sp + 1, items[i].len - flen - 1, &desc)) {
			snprintf(buf, len, "\"%.*s\": the direction must be asc or desc (one space after the field)",
			         (int)items[i].len, items[i].s);
			return buf;
		}
		for (size_t k = 0; k < n && !known; k++)
			known = strlen(names[k]) == flen && memcmp(names[k], items[i].s, flen) == 0;
		if (!known) {
			snprintf(buf, len, "\"%.*s\" is not a field of this resource", (int)flen, items[i].s);
			return buf;
		}
		for (size_t k = 0; k < i; k++) {
			const char *sp2 = memchr(items[k].s, ' ', items[k].len);
			size_t flen2 = sp2 != NULL ? (size_t)(sp2 - items[k].s) : items[k].len;

			if (flen2 == flen && memcmp(items[k].s, items[i].s, flen) == 0) {
				snprintf(buf, len, "\"%.*s\" is repeated", (int)flen, items[i].s);
				return buf;
			}
		}
	}
	return NULL;
}

void
list_query_free(struct list_query *q)
{
	if (q == NULL)
		return;
	free(q->order);
	json_object_put(q->domain);
	memset(q, 0, sizeof(*q));
}
