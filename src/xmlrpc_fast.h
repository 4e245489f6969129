/*
 * xmlrpc_fast.h: Odoo's XML-RPC answers of search_read, read and
 * web_search_read turned into the API's JSON text of the records in one
 * pass, without xmlrpc-c, xmlrpc_value or json_object trees (issue 20).
 *
 * The result is byte for byte what today's path gives for the same answer
 * (xr_parse_response, then record_from_odoo for each record, then
 * json_object_to_json_string_ext(..., JSON_C_TO_STRING_PLAIN |
 * JSON_C_TO_STRING_NOSLASHESCAPE)); tests/unit/test_xmlrpc_fast.c and
 * fuzz/fuzz_xmlrpc_fast.c hold it to that.  Whatever it was not written
 * for, it leaves to that path (XF_FALLBACK): it never accepts an answer
 * xr_parse_response refuses, and never answers differently.
 */
#ifndef OB_XMLRPC_FAST_H
#define OB_XMLRPC_FAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resource.h"
#include "util.h"

enum xf_rc {
	XF_OK = 0,
	XF_FALLBACK,   /* not converted: out is as it was; run today's path */
};

/*
 * Converts the XML-RPC methodResponse xml[0..len) to the JSON array of
 * the API records of s, appended to out (within out->max).
 *
 * Without envelope the answer's value must be an array of record structs
 * (search_read, read); with envelope, web_search_read's struct holding
 * exactly the members "length" (an integer >= 0, stored in *length) and
 * "records" (that array).  *count (when not NULL) receives the number of
 * records (crud.c's list_page decides on search_count with it).
 *
 * Each record becomes record_from_odoo(s, rec): the fields of s in table
 * order, those the record has (read under xfield.odoo, written under
 * xfield.name), fields this Odoo lacks (odoo == NULL) as null, members
 * that are not fields of s left out; values by value_from_odoo.
 *
 * XF_FALLBACK, with out left as it was, for anything else: faults, other
 * shapes, base64, dateTime.iso8601, nil, structs other than the records
 * and many2one's {id, display_name}, a record naming a field twice, XML
 * it does not expect (attributes, declarations other than version 1.0,
 * empty-element tags, entities other than XML's five and character
 * references, text where xmlrpc-c would ignore it), anything xr_prepare
 * or xmlrpc-c refuses (not well-formed, invalid UTF-8, characters XML 1.0
 * forbids, a DTD, comment or CDATA section, malformed numbers), nesting
 * deeper than ODOO_MAX_DEPTH, and output past out->max.
 *
 * It reads nothing outside xml[0..len) (no terminator needed), allocates
 * only out's growth (and one scratch buffer in rare cases), and recurses
 * at most ODOO_MAX_DEPTH deep.  It does not apply xmlrpc-c's own size
 * limit: the caller's cap on answers (xr_raise_limit) keeps them within it.
 */
enum xf_rc xf_records(const char *xml, size_t len, const struct rschema *s, bool envelope,
                      struct buf *out, int64_t *length, size_t *count);

/*
 * A one2many whose records web_search_read nests in each record (a sale's
 * order_line, asked with a nested specification), written as crud.c's
 * crud_read adds them to the API record: last, under key, each record
 * converted with s as above; [] when the record has no such member or an
 * empty list.  A list of ids (search_read's answer: crud.c reads them),
 * or anything else, falls back.
 */
struct xf_lines {
	const char           *field;   /* Odoo's one2many, e.g. "order_line" */
	const char           *key;     /* the API's key, e.g. "lines" */
	const struct rschema *s;
};

/* What xf_convert is to make of an answer. */
struct xf_spec {
	const struct rschema  *s;          /* the records' schema */
	bool                   envelope;   /* web_search_read's {length, records} */
	const struct xf_lines *lines;      /* nested lines, or NULL */
	size_t                 max_records;   /* more records fall back (0: any number) */
};

/*
 * xf_records with nested lines and a cap on the records (crud.c's reads
 * of one record).  Falls back, as well, when the record's schema has a
 * field named as the lines' key or read from their one2many.
 */
enum xf_rc xf_convert(const char *xml, size_t len, const struct xf_spec *spec, struct buf *out,
                      int64_t *length, size_t *count);

#endif
