/* value.h: Odoo values <-> API JSON by field type, both ways, and request bodies -> Odoo vals. */
#ifndef OB_VALUE_H
#define OB_VALUE_H

#include <stdbool.h>

#include <json-c/json.h>

#include "request.h"
#include "resource.h"

/* Why one field of a body (or a filter value) was refused. */
enum verr {
	VE_OK = 0,
	VE_UNKNOWN_FIELD,    /* not an exposed field */
	VE_READ_ONLY,        /* exposed but not writable */
	VE_NOT_BOOLEAN,
	VE_NOT_INTEGER,
	VE_NOT_NUMBER,
	VE_OUT_OF_RANGE,     /* a number a double cannot hold exactly (json-c saturates past 64 bits) */
	VE_NOT_STRING,       /* also a string holding NUL */
	VE_BAD_CHARS,        /* a character XML-RPC cannot carry (C0 control, U+FFFE/U+FFFF) */
	VE_BAD_DATE,
	VE_BAD_DATETIME,
	VE_BAD_SELECTION,
	VE_BAD_ID,           /* many2one: not an id, {"id": id} or null */
	VE_BAD_IDS,          /* x2many: not an array of ids */
	VE_NOT_LIST,         /* nested lines: not an array */
	VE_NOT_OBJECT,       /* a nested line: not an object */
	VE_LINE_UNKNOWN,     /* a line id that is not one of this record's lines */
	VE_LINE_DUPLICATE,   /* the same line id twice */
	VE_NO_RELATED,       /* a many2one or line points at a record that does not exist (Odoo said so) */
	VE_REQUIRED,         /* a required field without a value (and without a default in Odoo, on create) */
	VE__COUNT
};

/* The reason text of e in lang (static storage). */
const char *verr_text(enum verr e, enum lang lang);

/*
 * Appends reason to errors[key] (an object {"key": ["reason", ...]}, the
 * `errors` of the 400 envelope), creating the array on first use.
 */
void errors_add(json_object *errors, const char *key, const char *reason);

/*
 * Appends the reason of e; for VE_BAD_SELECTION with f given, the reason
 * lists the allowed keys.
 */
void errors_add_verr(json_object *errors, const char *key, enum verr e, const struct xfield *f,
                     enum lang lang);

/*
 * One Odoo value (as odoo.c gives it: XML-RPC struct -> object, False ->
 * false) -> the API's JSON for field f: False of a non-boolean -> NULL (JSON
 * null), many2one [id, "name"] -> {"id", "name"}, datetime "YYYY-MM-DD
 * HH:MM:SS" -> "YYYY-MM-DDTHH:MM:SSZ"; anything else unchanged.  Returns a
 * new reference, or NULL for null.
 */
json_object *value_from_odoo(const struct xfield *f, json_object *v);

/*
 * The API record of one Odoo record: the exposed fields of s present in rec,
 * in table order, each through value_from_odoo.  New reference.
 */
json_object *record_from_odoo(const struct rschema *s, json_object *rec);

/*
 * Turns recs, an array of Odoo records, into the API records of s, as
 * record_from_odoo would, mostly in place: a record whose members are
 * exposed fields in table order (as Odoo answers) has its values
 * converted where they change and keeps its object; any other is replaced
 * by record_from_odoo's.  recs is modified; no reference changes hands.
 */
void records_from_odoo(const struct rschema *s, json_object *recs);

/*
 * One API value -> the Odoo value to write for field f (null -> False, many2one
 * id / {"id": id} -> id, x2many [ids] -> [[6, 0, ids]], RFC 3339 -> UTC
 * "YYYY-MM-DD HH:MM:SS", selection keys checked, numbers and strings typed).
 * in may be NULL (JSON null).  On VE_OK *out is a new reference; otherwise
 * *out is untouched.  Does not look at writability.
 */
enum verr value_to_odoo(const struct xfield *f, json_object *in, json_object **out);

/*
 * A JSON object body -> Odoo vals for create or write: every key must be an
 * exposed, writable field of s (the nested lines key of the resource, if
 * any, is skipped: sales.c turns it into commands), converted by
 * value_to_odoo; on create the resource's create defaults are added.
 * Refusals go into errors (keyed by field, reasons in lang).  *vals (new
 * reference) is set only when the whole body is valid; returns that.
 */
bool body_to_vals(const struct rschema *s, json_object *body, bool create, enum lang lang,
                  json_object **vals, json_object *errors);

/*
 * RFC 3339 date-time with any offset (and optional fraction, truncated) ->
 * Odoo's UTC "YYYY-MM-DD HH:MM:SS" in out.  Validates every range (no leap
 * second: Odoo cannot store it); the UTC result must fall in years 1..9999.
 */
bool datetime_to_odoo(const char *s, char out[20]);

/* Odoo's "YYYY-MM-DD HH:MM:SS" (UTC) -> "YYYY-MM-DDTHH:MM:SSZ"; false if s is not that shape. */
bool datetime_from_odoo(const char *s, char out[21]);

/* Whether s is a valid calendar date "YYYY-MM-DD" (years 1..9999). */
bool date_valid(const char *s);

/*
 * Whether the API accepts the UTF-8 text s as a value: no C0 control but
 * tab, LF and CR, no U+FFFE/U+FFFF.  One rule whatever the protocol, so
 * that an answer never depends on it (value.c says why these).
 */
bool text_acceptable(const char *s);

/* A positive id that fits Odoo's 32-bit integer ids, from a JSON value; false otherwise. */
bool json_to_id(json_object *v, int64_t *id);

/*
 * Nested lines (the body's full desired list, e.g. a sale's "lines") ->
 * one2many commands, against the lines the record has now (current: the
 * Odoo records of those lines as read with ls's fields; NULL or [] on
 * create):
 *   an entry with "id"    -> [1, id, vals], only the keys whose value
 *                            differs from the current one; no command when
 *                            nothing changed (rewriting product_id would
 *                            make Odoo recompute the price and description);
 *   an entry without "id" -> [0, 0, vals];
 *   a current line left out -> [2, id, 0] (removed).
 * Entries are validated like bodies against ls (writable fields only).
 * Refusals go into errors under "<key>", "<key>.<i>" or "<key>.<i>.<field>"
 * (react-hook-form's names for nested fields).  *commands (new reference)
 * is set only when everything is valid; returns that.
 */
bool lines_to_commands(const struct rschema *ls, const char *key, json_object *lines, json_object *current,
                       enum lang lang, json_object **commands, json_object *errors);

/*
 * Parses a request body as one JSON value: strict (RFC 8259), valid UTF-8,
 * nesting depth at most 32, nothing but whitespace after it.  Returns a new
 * reference, or NULL when the body is not that.
 */
json_object *json_parse_body(const char *data, size_t len);

/* [x] as a new array (the positional args of an Odoo call); x is consumed. */
json_object *json_array1(json_object *x);

#endif
