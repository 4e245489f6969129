/*
 * xf_oracle.h: today's path for list answers, the oracle of xmlrpc_fast.c
 * (tests/unit/test_xmlrpc_fast.c and fuzz/fuzz_xmlrpc_fast.c), and a
 * schema with a field of every type for generated and fuzzed answers.
 */
#ifndef OB_XF_ORACLE_H
#define OB_XF_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resource.h"
#include "util.h"
#include "xmlrpc_fast.h"

/*
 * xr_parse_response, the checks of crud.c (an array; with envelope a
 * struct with an array "records" and an integer "length" >= 0), then
 * record_from_odoo for each record, serialised as response.c does:
 * appended to out, true.  False (out untouched) where today's path
 * answers an error.  Aborts if records_from_odoo (crud_list's in-place
 * variant) ever disagrees with record_from_odoo.
 */
bool xf_oracle(const char *xml, size_t len, const struct rschema *s, bool envelope, struct buf *out,
               int64_t *length, size_t *count);

/*
 * The same for xf_convert's spec: with lines, each record gets them as
 * crud.c's crud_read adds them (false where crud_read would read ids);
 * more than max_records records is false.
 */
bool xf_oracle_spec(const char *xml, size_t len, const struct xf_spec *spec, struct buf *out,
                    int64_t *length, size_t *count);

/*
 * Product and sale field names of the captures with every field type,
 * one field this Odoo lacks (gone_field) and one renamed (tax_ids, read
 * as tax_id), fields in an order Odoo's answers do not follow.
 */
const struct rschema *xf_mixed_schema(void);

/*
 * A sale's fields (its one2many order_line left out) and its lines nested
 * under order_line, written under "lines" (crud.c's GET of a sale), with a
 * field gone and one renamed on each: the fuzzer's shape with lines.
 */
const struct rschema *xf_sale_schema(void);
const struct xf_lines *xf_sale_lines(void);

#endif
