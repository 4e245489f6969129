/* xf_oracle.c: today's path for list answers, the oracle of xmlrpc_fast.c. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "odoo.h"
#include "value.h"
#include "xf_oracle.h"
#include "xmlrpc.h"

/*
 * crud.c's crud_read on the lines of rec: the records nested in the
 * one2many, converted, or [] where it asks nothing; NULL where it would
 * read them (ids).
 */
static json_object *
oracle_lines(const struct xf_lines *l, json_object *rec)
{
	json_object *ids, *out;

	if (!json_object_object_get_ex(rec, l->field, &ids))
		ids = NULL;
	if (json_object_is_type(ids, json_type_array) && json_object_array_length(ids) > 0 &&
	    json_object_is_type(json_object_array_get_idx(ids, 0), json_type_object)) {
		/* lines_for_api */
		out = json_object_new_array();
		for (size_t i = 0; i < json_object_array_length(ids); i++)
			json_object_array_add(out, record_from_odoo(l->s, json_object_array_get_idx(ids, i)));
		return out;
	}
	if (!json_object_is_type(ids, json_type_array) || json_object_array_length(ids) == 0)
		return json_object_new_array();   /* read_lines: no call for no lines */
	return NULL;
}

bool
xf_oracle(const char *xml, size_t len, const struct rschema *s, bool envelope, struct buf *out, int64_t *length,
          size_t *count)
{
	struct xf_spec spec = { .s = s, .envelope = envelope };

	return xf_oracle_spec(xml, len, &spec, out, length, count);
}

bool
xf_oracle_spec(const char *xml, size_t len, const struct xf_spec *spec, struct buf *out, int64_t *length,
               size_t *count)
{
	const struct rschema *s = spec->s;
	bool envelope = spec->envelope;
	json_object *v = NULL, *recs = NULL, *r, *l, *arr;
	struct odoo_error err;
	const char *a, *b;
	bool ok = false;
	size_t n;

	if (xr_parse_response(xml, len, &v, &err) != ODOO_OK)
		return false;
	if (envelope) {
		/* crud.c's web_search */
		if (json_object_object_get_ex(v, "records", &r) && json_object_is_type(r, json_type_array) &&
		    json_object_object_get_ex(v, "length", &l) && json_object_is_type(l, json_type_int) &&
		    json_object_get_int64(l) >= 0) {
			recs = json_object_get(r);
			*length = json_object_get_int64(l);
		}
	} else if (json_object_is_type(v, json_type_array)) {
		/* crud.c's call_list */
		recs = json_object_get(v);
	}
	json_object_put(v);
	if (recs == NULL)
		return false;
	n = json_object_array_length(recs);
	if (spec->max_records != 0 && n > spec->max_records) {
		json_object_put(recs);
		return false;   /* not the answer asked for: the caller's concern */
	}
	if (count != NULL)
		*count = n;
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *rec = json_object_array_get_idx(recs, i), *api = record_from_odoo(s, rec), *lines;

		json_object_array_add(arr, api);
		if (spec->lines == NULL)
			continue;
		/* crud_read: the lines added last, under their key */
		if ((lines = oracle_lines(spec->lines, rec)) == NULL) {
			json_object_put(arr);
			json_object_put(recs);
			return false;   /* crud.c would read them: another call */
		}
		json_object_object_add(api, spec->lines->key, lines);
	}
	a = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (spec->lines == NULL) {
		records_from_odoo(s, recs);
		b = json_object_to_json_string_ext(recs, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		if (strcmp(a, b) != 0) {
			fprintf(stderr, "record_from_odoo and records_from_odoo disagree:\n%s\n%s\n", a, b);
			abort();
		}
	}
	ok = buf_puts(out, a);
	json_object_put(arr);
	json_object_put(recs);
	return ok;
}

#define F(n, o, t) { (char *)(n), (char *)(o), 0, (t), false, true, true, true, NULL, NULL, 0 }

static struct xfield mixed_fields[] = {
	F("id", "id", FT_INTEGER),
	F("gone_field", NULL, FT_CHAR),
	F("name", "name", FT_CHAR),
	F("write_date", "write_date", FT_DATETIME),
	F("display_name", "display_name", FT_CHAR),
	F("default_code", "default_code", FT_CHAR),
	F("barcode", "barcode", FT_CHAR),
	F("list_price", "list_price", FT_FLOAT),
	F("standard_price", "standard_price", FT_FLOAT),
	F("categ_id", "categ_id", FT_MANY2ONE),
	F("type", "type", FT_SELECTION),
	F("qty_available", "qty_available", FT_FLOAT),
	F("sale_ok", "sale_ok", FT_BOOLEAN),
	F("purchase_ok", "purchase_ok", FT_BOOLEAN),
	F("active", "active", FT_BOOLEAN),
	F("uom_id", "uom_id", FT_MANY2ONE),
	F("state", "state", FT_SELECTION),
	F("partner_id", "partner_id", FT_MANY2ONE),
	F("order_line", "order_line", FT_ONE2MANY),
	F("date_order", "date_order", FT_DATETIME),
	F("validity_date", "validity_date", FT_DATE),
	F("amount_total", "amount_total", FT_MONETARY),
	F("tax_ids", "tax_id", FT_MANY2MANY),
	F("product_id", "product_id", FT_MANY2ONE),
	F("product_uom_qty", "product_uom_qty", FT_FLOAT),
	F("description", "description", FT_HTML),
	F("note", "note", FT_TEXT),
	F("email", "email", FT_CHAR),
	F("customer_rank", "customer_rank", FT_INTEGER),
	F("country_id", "country_id", FT_MANY2ONE),
	F("is_company", "is_company", FT_BOOLEAN),
};

const struct rschema *
xf_mixed_schema(void)
{
	static struct rschema s = { .res = NULL, .f = mixed_fields, .n = ARRAY_SIZE(mixed_fields), .renamed = true };

	return &s;
}

/* A sale without its one2many, and its lines: xf_mixed_lines's shapes. */
static struct xfield sale_fields[] = {
	F("id", "id", FT_INTEGER),
	F("name", "name", FT_CHAR),
	F("partner_id", "partner_id", FT_MANY2ONE),
	F("gone_field", NULL, FT_CHAR),
	F("date_order", "date_order", FT_DATETIME),
	F("state", "state", FT_SELECTION),
	F("amount_total", "amount_total", FT_MONETARY),
	F("note", "note", FT_HTML),
};

static struct xfield line_fields[] = {
	F("id", "id", FT_INTEGER),
	F("product_id", "product_id", FT_MANY2ONE),
	F("name", "name", FT_TEXT),
	F("product_uom_qty", "product_uom_qty", FT_FLOAT),
	F("price_unit", "price_unit", FT_FLOAT),
	F("tax_ids", "tax_id", FT_MANY2MANY),
	F("gone_field", NULL, FT_CHAR),
};

const struct rschema *
xf_sale_schema(void)
{
	static struct rschema s = { .res = NULL, .f = sale_fields, .n = ARRAY_SIZE(sale_fields), .renamed = true };

	return &s;
}

const struct xf_lines *
xf_sale_lines(void)
{
	static struct rschema ls = { .res = NULL, .f = line_fields, .n = ARRAY_SIZE(line_fields), .renamed = true };
	static const struct xf_lines l = { "order_line", "lines", &ls };

	return &l;
}
