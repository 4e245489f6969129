/*
 * xmlrpc.h: XML-RPC, for the backend (xmlrpc.c) and the tests and
 * fuzzers: calls written (xmlrpc_write.c), answers read by xmlrpc-c
 * (xmlrpc_read.c) with the workarounds for xmlrpc-c 1.33 (xmlrpc_fixup.c).
 * Only xmlrpc_read.c and xmlrpc_fixup.c include xmlrpc-c.
 */
#ifndef OB_XMLRPC_H
#define OB_XMLRPC_H

#include <stddef.h>

#include <json-c/json.h>

#include "odoo.h"
#include "util.h"

/*
 * Writes methodName + params (a JSON array) as an XML-RPC call into b,
 * UTF-8.  Returns NULL, or why the call cannot be written (for a
 * message): text that is not valid UTF-8 or holds characters XML 1.0
 * forbids, a non-finite number or an integer past INT64_MAX, nesting
 * deeper than ODOO_MAX_DEPTH, a call past b's cap, or params not an array.
 * JSON null becomes <boolean>0</boolean> (Odoo parses without allow_none),
 * integers <int> when they fit 32 bits and <i8> otherwise, doubles the
 * shortest text that reads back to the same value.
 */
const char *xr_write_call(struct buf *b, const char *method, json_object *params);

/* xr_write_call into a new string (caller frees; *len its length), or NULL. */
char *xr_serialize_call(const char *method, json_object *params, size_t *len);

/*
 * Parses an XML-RPC response body.  On success *out is the JSON value
 * (caller puts; NULL for <nil/>): boolean, int (int/i4/i8), double (its
 * JSON text is the shortest that reads back exactly, e.g. 750.0,
 * 14.930000000000007), string (any character, those past U+FFFF such as
 * emoji included, as UTF-8 or as a character reference), array, object
 * (member names alike); dateTime.iso8601 and base64
 * become strings (base64 stays base64 text).  On a fault, err is classified
 * from faultCode/faultString as Odoo's /xmlrpc/2 endpoint emits them
 * (integer codes), or the legacy /xmlrpc endpoint (string codes), and the
 * code is returned.  Anything else (not XML-RPC; a DTD, comment or CDATA
 * section; nesting deeper than ODOO_MAX_DEPTH; a double that is not a
 * finite normal number; a malformed <i8>) is ODOO_E_BAD_RESPONSE.
 */
enum odoo_err xr_parse_response(const char *xml, size_t len, json_object **out, struct odoo_error *err);

/* ---- xmlrpc_fixup.c ---- */

/*
 * The most an answer of n bytes can grow to before xmlrpc-c reads it
 * (xr_prepare).  No rewrite makes what it replaces more than twice
 * as long: a placeholder is at most twice the bytes it replaces
 * (three-byte characters of the block; four-byte ones grow by half,
 * references shrink), and an element <double>TEXT</double>, 18 bytes at
 * least, gains at most the few more digits of its index.
 */
#define XR_GROWTH(n) (2 * (n) + 128)

/*
 * Rewrites an answer for xmlrpc-c (out, empty when nothing needed it),
 * doubles read apart into *d (*nd of them); NULL, or why it is refused.
 */
const char *xr_prepare(const char *xml, size_t len, struct buf *out, double **d, size_t *nd);
/* A text read out of xmlrpc-c with xr_prepare's placeholders undone (see xmlrpc_fixup.c). */
const char *xr_unswap(const char *s, size_t *n);
/* Raises xmlrpc-c's process-wide size limit to fit answers of max_response bytes. */
void xr_raise_limit(size_t max_response);

#endif
