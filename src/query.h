/* query.h: list query parameters (Refine simple-rest and the original API) -> Odoo domain, order, paging. */
#ifndef OB_QUERY_H
#define OB_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "request.h"
#include "resource.h"
#include "value.h"

/* How the list answer is shaped (DESIGN.md section 3, the list table). */
enum page_mode {
	PAGE_NONE,       /* no paging parameter: plain array, at most list_max records */
	PAGE_ENVELOPE,   /* page/limit: {"items", "total", "page", "limit", "pages"} */
	PAGE_RANGE,      /* _start/_end (Refine simple-rest): plain array */
};

/* A parsed list request.  Free with list_query_free. */
struct list_query {
	enum page_mode mode;
	int64_t      offset;   /* records to skip */
	int64_t      limit;    /* records to return; 0 only for _end == _start */
	int64_t      page;     /* PAGE_ENVELOPE: the page asked for (>= 1) */
	char        *order;    /* Odoo order, e.g. "list_price desc,id asc"; owned */
	json_object *domain;   /* Odoo domain (base domain AND filters); owned */
};

enum query_err {
	Q_OK = 0,
	Q_BAD_PAGINATION,   /* page/limit/_start/_end malformed, out of range, repeated or mixed */
	Q_UNKNOWN_PARAM,    /* neither a control parameter nor an exposed field (with operator suffix) */
	Q_UNKNOWN_FIELD,    /* _sort/sort names a field that is not exposed */
	Q_NOT_SEARCHABLE,   /* Odoo cannot filter on the field (searchable false) */
	Q_BAD_OPERATOR,     /* the operator does not apply to the field's type */
	Q_BAD_VALUE,        /* the value does not parse as the field's type (see why) */
	Q_NOT_SORTABLE,     /* Odoo cannot order by the field (sortable false) */
	Q_BAD_SORT,         /* _order not asc/desc, counts differ, empty or repeated field, _sort with sort */
	Q_REPEATED,         /* _sort, _order or sort given more than once */
	Q__COUNT
};

/* What was wrong, for the 400 answer. */
struct query_error {
	enum query_err code;
	char      param[128];   /* the query parameter at fault (truncated at a UTF-8 boundary) */
	char      field[64];    /* the field named in the reason, or "" */
	enum verr why;          /* Q_BAD_VALUE: the value's problem */
};

/*
 * Parses the list parameters p against the exposed fields s.
 *  - paging: page (>= 1) & limit (1..100, default 10); or _start (>= 0, default
 *    0) & _end (>= _start, default _start + list_max) with _end - _start
 *    capped at list_max; or neither: offset 0, limit list_max.
 *  - sorting: _sort=a,b&_order=asc,desc or sort=a,-b, sortable fields only;
 *    "id asc" is appended unless id is already there; without either, the
 *    resource's default order (then id).
 *  - filters: f=v (repeated: in), f_ne (repeated: not in), f_gte, f_lte,
 *    f_gt, f_lt, f_like (ilike), q=text (ilike over the RF_Q fields, OR-ed);
 *    values typed by the field: true/false, integers, numbers, YYYY-MM-DD,
 *    RFC 3339 (or a bare date, meaning 00:00:00 UTC) for datetimes, ids for
 *    relations, selection keys.  `null` or an empty value means "not set"
 *    (Odoo False) for = and != on non-boolean fields; _like takes the text as
 *    is.  `_` (a cache-buster some HTTP clients add) is ignored.
 * On Q_OK out is filled (free with list_query_free); otherwise out is zeroed
 * and err says which parameter is wrong.
 */
enum query_err query_parse(const struct rschema *s, const struct params *p, long list_max,
                           struct list_query *out, struct query_error *err);

/*
 * The filter operators query_parse accepts, for the API's documentation
 * (openapi.c): the i-th key suffix ("" for equality, "_ne", "_gte", ...),
 * or NULL past the last.  *many says whether a repeated key is one `in` /
 * `not in` filter (otherwise repeats are AND-ed); *odoo_op is Odoo's
 * operator.  query_op_applies says whether it is accepted on a field of type t.
 */
const char *query_op_suffix(size_t i, bool *many, const char **odoo_op);
bool query_op_applies(size_t i, enum ftype t);

/* The control (non-filter) parameter names query_parse knows, i-th or NULL past the last. */
const char *query_control_param(size_t i);

/*
 * Checks a base domain as the resources file writes it (resfile.c), with
 * query_parse's own operator table: a JSON array, in Polish notation, of
 * "&", "|", "!" and leaves [field, operator, value].  field is a name or a
 * dotted path of names ([a-z_][a-z0-9_]*); operator is one query filters
 * produce (=, !=, in, not in, >=, <=, >, <, ilike) or one of Odoo's few
 * others that a fixed domain may want (like, not like, not ilike, =like,
 * =ilike, child_of, parent_of); in/not in/child_of/parent_of take an array
 * of scalars, the others a scalar (false is "not set").  Returns NULL when
 * the domain is good, else the reason, with *at the index of the term at
 * fault (or the array's length when operators lack operands).
 */
const char *query_domain_check(json_object *domain, size_t *at);

/*
 * Checks a default order as the resources file writes it: "field
 * [asc|desc],..." with the rules of _sort/_order (no empty or repeated
 * field, at most 16 keys, asc or desc in any case); every field must be
 * one of names[0..n) (the resource's fields).  Returns NULL when good,
 * else the reason (static text or written into buf).
 */
const char *query_order_check(const char *order, const char *const *names, size_t n, char *buf, size_t len);

/* Frees what query_parse allocated; accepts a zeroed struct. */
void list_query_free(struct list_query *q);

/*
 * The `errors` object of the 400 answer: {"<param>": ["<reason in lang>"]}.
 * New reference.
 */
json_object *query_error_json(const struct query_error *err, enum lang lang);

#endif
