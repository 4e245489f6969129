/* test_value.c: unit tests for value.c (Odoo <-> API values, dates, bodies). */
#undef NDEBUG
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "res_fixture.h"
#include "util.h"
#include "value.h"

/* Parses JSON test text; "null" gives NULL. */
static json_object *
J(const char *text)
{
	enum json_tokener_error e;
	json_object *j = json_tokener_parse_verbose(text, &e);

	cr_assert(e == json_tokener_success, "bad JSON in test: %s", text);
	return j;
}

static void
assert_json_eq(json_object *got, const char *want, const char *what)
{
	json_object *w = J(want);

	cr_assert(json_object_equal(got, w), "%s: got %s, want %s", what,
	          got ? json_object_to_json_string(got) : "null", want);
	json_object_put(w);
}

static const struct xfield *
field(const char *res, const char *name)
{
	const struct xfield *f = rschema_field(fixture_schema(res), name);

	cr_assert_not_null(f, "%s.%s", res, name);
	return f;
}

/* --------------------------------------------------------- date and time */

struct dt_case { char in[48]; bool ok; char want[20]; };

static const struct dt_case dt_cases[] = {
	{ "2026-11-26T20:28:20Z", true, "2026-11-26 20:28:20" },
	{ "2026-11-26T20:28:20.123Z", true, "2026-11-26 20:28:20" },
	{ "2026-11-26T20:28:20.999999999Z", true, "2026-11-26 20:28:20" },
	{ "2026-11-26t20:28:20z", true, "2026-11-26 20:28:20" },
	{ "2026-11-26 20:28:20Z", true, "2026-11-26 20:28:20" },
	{ "2026-11-26T21:28:20+01:00", true, "2026-11-26 20:28:20" },
	{ "2026-11-26T20:28:20-00:00", true, "2026-11-26 20:28:20" },
	{ "2026-11-26T00:30:00+02:00", true, "2026-11-25 22:30:00" },
	{ "2026-12-31T23:30:00-01:00", true, "2027-01-01 00:30:00" },
	{ "2024-02-28T23:00:00-02:00", true, "2024-02-29 01:00:00" },
	{ "2023-02-28T23:00:00-02:00", true, "2023-03-01 01:00:00" },
	{ "2024-03-01T00:00:00+00:30", true, "2024-02-29 23:30:00" },
	{ "2000-02-29T12:00:00Z", true, "2000-02-29 12:00:00" },
	{ "2026-01-01T05:45:00+05:45", true, "2026-01-01 00:00:00" },
	{ "2026-06-15T10:00:00-23:59", true, "2026-06-16 09:59:00" },
	{ "0001-01-01T00:00:00Z", true, "0001-01-01 00:00:00" },
	{ "9999-12-31T23:59:59Z", true, "9999-12-31 23:59:59" },
	{ "0001-01-01T00:00:00+00:01", false, "" },
	{ "9999-12-31T23:59:59-00:01", false, "" },
	{ "0000-01-01T00:00:00Z", false, "" },
	{ "1900-02-29T00:00:00Z", false, "" },
	{ "2026-11-26T20:28:20", false, "" },
	{ "2026-11-26", false, "" },
	{ "2026-13-01T00:00:00Z", false, "" },
	{ "2026-00-01T00:00:00Z", false, "" },
	{ "2026-02-29T00:00:00Z", false, "" },
	{ "2026-11-31T00:00:00Z", false, "" },
	{ "2026-11-00T00:00:00Z", false, "" },
	{ "2026-11-26T24:00:00Z", false, "" },
	{ "2026-11-26T23:60:00Z", false, "" },
	{ "2026-11-26T23:59:60Z", false, "" },
	{ "2026-11-26T20:28:20+24:00", false, "" },
	{ "2026-11-26T20:28:20+01:60", false, "" },
	{ "2026-11-26T20:28:20+0100", false, "" },
	{ "2026-11-26T20:28:20+01", false, "" },
	{ "2026-11-26T20:28:20+01:00:00", false, "" },
	{ "2026-11-26T20:28:20.Z", false, "" },
	{ "2026-11-26T20:28:20,5Z", false, "" },
	{ "2026-11-26T20:28:20Zjunk", false, "" },
	{ " 2026-11-26T20:28:20Z", false, "" },
	{ "2026-1-26T20:28:20Z", false, "" },
	{ "2026-11-26X20:28:20Z", false, "" },
	{ "2026/11/26T20:28:20Z", false, "" },
	{ "+2026-11-26T20:28:20Z", false, "" },
	{ "2026-11-26T2:28:20Z", false, "" },
	{ "", false, "" },
	{ "tomorrow at noon, please", false, "" },
};

ParameterizedTestParameters(value, datetime_to_odoo)
{
	return cr_make_param_array(struct dt_case, (void *)dt_cases, ARRAY_SIZE(dt_cases));
}

ParameterizedTest(const struct dt_case *c, value, datetime_to_odoo)
{
	char out[20] = "untouched";
	bool ok = datetime_to_odoo(c->in, out);

	cr_assert_eq(ok, c->ok, "datetime_to_odoo(\"%s\")", c->in);
	if (ok)
		cr_assert_str_eq(out, c->want, "datetime_to_odoo(\"%s\")", c->in);
}

Test(value, datetime_from_odoo)
{
	char out[21];

	cr_assert(datetime_from_odoo("2026-11-26 20:28:20", out));
	cr_assert_str_eq(out, "2026-11-26T20:28:20Z");
	cr_assert(!datetime_from_odoo("2026-11-26T20:28:20", out));
	cr_assert(!datetime_from_odoo("2026-11-26 20:28", out));
	cr_assert(!datetime_from_odoo("2026-11-26 20:28:20.5", out));
	cr_assert(!datetime_from_odoo("2026-02-30 20:28:20", out));
	cr_assert(!datetime_from_odoo(NULL, out));
}

Test(value, date_valid)
{
	cr_assert(date_valid("2026-11-26"));
	cr_assert(date_valid("2024-02-29"));
	cr_assert(date_valid("0001-01-01"));
	cr_assert(!date_valid("2026-02-29"));
	cr_assert(!date_valid("2026-04-31"));
	cr_assert(!date_valid("0000-01-01"));
	cr_assert(!date_valid("2026-11-26 "));
	cr_assert(!date_valid("2026-11-2"));
	cr_assert(!date_valid("26-11-2026"));
	cr_assert(!date_valid("2026-11-26T00:00:00Z"));
	cr_assert(!date_valid(""));
	cr_assert(!date_valid(NULL));
}

/* ------------------------------------------------------------- Odoo -> API */

struct from_case { char res[16]; char field[20]; char odoo[64]; char api[80]; };

static const struct from_case from_cases[] = {
	{ "products", "barcode", "false", "null" },
	{ "products", "name", "\"Customizable Desk\"", "\"Customizable Desk\"" },
	{ "products", "active", "false", "false" },
	{ "products", "active", "true", "true" },
	{ "products", "categ_id", "[8, \"All / Saleable / Office Furniture\"]",
	  "{\"id\": 8, \"name\": \"All / Saleable / Office Furniture\"}" },
	{ "products", "categ_id", "8", "{\"id\": 8, \"name\": null}" },
	{ "products", "categ_id", "{\"id\": 8, \"display_name\": \"All\"}", "{\"id\": 8, \"name\": \"All\"}" },
	{ "products", "categ_id", "false", "null" },
	{ "products", "write_date", "\"2026-11-26 20:28:20\"", "\"2026-11-26T20:28:20Z\"" },
	{ "products", "write_date", "false", "null" },
	{ "products", "list_price", "0.0", "0.0" },
	{ "products", "list_price", "750.0", "750.0" },
	{ "products", "type", "\"consu\"", "\"consu\"" },
	{ "products", "description_sale", "false", "null" },
	{ "customers", "customer_rank", "0", "0" },
	{ "customers", "comment", "\"<p>x</p>\"", "\"<p>x</p>\"" },
	{ "sales", "validity_date", "\"2026-12-01\"", "\"2026-12-01\"" },
	{ "sales", "validity_date", "false", "null" },
	{ "sales", "amount_tax", "14.930000000000007", "14.930000000000007" },
	{ "sales", "user_id", "[6, \"Marc Demo\"]", "{\"id\": 6, \"name\": \"Marc Demo\"}" },
	{ "sale_lines", "tax_id", "[]", "[]" },
	{ "sale_lines", "tax_id", "[1, 2]", "[1, 2]" },
};

ParameterizedTestParameters(value, from_odoo)
{
	return cr_make_param_array(struct from_case, (void *)from_cases, ARRAY_SIZE(from_cases));
}

ParameterizedTest(const struct from_case *c, value, from_odoo)
{
	json_object *in = J(c->odoo);
	json_object *out = value_from_odoo(field(c->res, c->field), in);

	assert_json_eq(out, c->api, c->field);
	json_object_put(out);
	json_object_put(in);
}

/* DESIGN.md section 6: the product 45 example, end to end through record_from_odoo. */
Test(value, record_from_odoo_design_example)
{
	json_object *rec = J("{\"id\": 45, \"name\": \"Customizable Desk\", \"default_code\": \"DESK0005\","
	                     " \"barcode\": false, \"list_price\": 750.0,"
	                     " \"categ_id\": [8, \"All / Saleable / Office Furniture\"], \"type\": \"consu\","
	                     " \"qty_available\": 65.0, \"uom_id\": [1, \"Units\"],"
	                     " \"write_date\": \"2026-11-26 20:28:20\", \"display_name\": \"x\"}");
	json_object *out = record_from_odoo(fixture_schema("products"), rec);

	assert_json_eq(out, "{\"id\": 45, \"name\": \"Customizable Desk\", \"default_code\": \"DESK0005\","
	               " \"barcode\": null, \"list_price\": 750.0,"
	               " \"categ_id\": {\"id\": 8, \"name\": \"All / Saleable / Office Furniture\"},"
	               " \"type\": \"consu\", \"qty_available\": 65.0, \"uom_id\": {\"id\": 1, \"name\": \"Units\"},"
	               " \"write_date\": \"2026-11-26T20:28:20Z\"}", "record");
	json_object_put(out);
	json_object_put(rec);
}

/* Every record of the captured samples converts without surprises. */
Test(value, samples_convert)
{
	static const char *const files[][2] = {
		{ "samples/product.product.json", "products" },
		{ "samples/res.partner.customers.json", "customers" },
		{ "samples/res.partner.suppliers.json", "suppliers" },
		{ "samples/sale.order.json", "sales" },
		{ "samples/sale.order.line.json", "sale_lines" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		json_object *doc = fixture_json(files[i][0]), *recs;
		const struct rschema *s = fixture_schema(files[i][1]);

		cr_assert(json_object_object_get_ex(doc, "records", &recs));
		cr_assert_gt(json_object_array_length(recs), 0);
		for (size_t r = 0; r < json_object_array_length(recs); r++) {
			json_object *out = record_from_odoo(s, json_object_array_get_idx(recs, r));

			json_object_object_foreach(out, k, v) {
				const struct xfield *f = rschema_field(s, k);

				cr_assert_not_null(f);
				if (v == NULL)
					continue;
				/* No Odoo False leaks out for a non-boolean field. */
				cr_assert(f->type == FT_BOOLEAN || !json_object_is_type(v, json_type_boolean),
				          "%s.%s", files[i][1], k);
				if (f->type == FT_MANY2ONE)
					cr_assert(json_object_is_type(v, json_type_object), "%s.%s", files[i][1], k);
				if (f->type == FT_DATETIME)
					cr_assert_eq(json_object_get_string(v)[19], 'Z', "%s.%s", files[i][1], k);
			}
			json_object_put(out);
		}
		json_object_put(doc);
	}
}

/* The members of rec in table order (s's fields it has), as Odoo answers them.  New reference. */
static json_object *
in_table_order(const struct rschema *s, json_object *rec)
{
	json_object *out = json_object_new_object(), *v;

	for (size_t i = 0; i < s->n; i++)
		if (json_object_object_get_ex(rec, s->f[i].name, &v))
			json_object_object_add(out, s->f[i].name, json_object_get(v));
	return out;
}

/*
 * records_from_odoo gives what record_from_odoo gives, member order
 * included: in place for records in table order (the object is kept),
 * otherwise (members in another order, members not exposed, not an
 * object) by a new record.
 */
Test(value, records_from_odoo_as_record_from_odoo)
{
	static const char *const files[][2] = {
		{ "samples/product.product.json", "products" },
		{ "samples/res.partner.customers.json", "customers" },
		{ "samples/sale.order.json", "sales" },
		{ "samples/sale.order.line.json", "sale_lines" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		json_object *doc = fixture_json(files[i][0]), *recs, *page = json_object_new_array(), *want;
		const struct rschema *s = fixture_schema(files[i][1]);
		size_t n;

		cr_assert(json_object_object_get_ex(doc, "records", &recs));
		n = json_object_array_length(recs);
		for (size_t r = 0; r < n; r++) {
			json_object *rec = json_object_array_get_idx(recs, r);

			json_object_array_add(page, in_table_order(s, rec));   /* in place */
			json_object_array_add(page, json_object_get(rec));     /* as captured: sorted keys */
		}
		json_object_array_add(page, json_object_new_int(5));
		want = json_object_new_array();
		for (size_t r = 0; r < json_object_array_length(page); r++)
			json_object_array_add(want, record_from_odoo(s, json_object_array_get_idx(page, r)));
		{
			json_object *first = json_object_array_get_idx(page, 0);

			records_from_odoo(s, page);
			cr_assert_eq(json_object_array_get_idx(page, 0), first, "%s: converted in place", files[i][1]);
		}
		cr_assert_eq(json_object_array_length(page), 2 * n + 1);
		for (size_t r = 0; r < json_object_array_length(page); r++) {
			const char *got = json_object_to_json_string_ext(json_object_array_get_idx(page, r), JSON_C_TO_STRING_PLAIN);
			const char *exp = json_object_to_json_string_ext(json_object_array_get_idx(want, r), JSON_C_TO_STRING_PLAIN);

			/* Text, not json_object_equal: the members' order counts. */
			cr_assert_str_eq(got, exp, "%s record %zu", files[i][1], r);
		}
		json_object_put(want);
		json_object_put(page);
		json_object_put(doc);
	}
}

/* A record as web_search_read answers it (table order, many2one {"id", "display_name"}), converted in place. */
Test(value, records_from_odoo_design_example)
{
	json_object *page = J("[{\"id\": 45, \"name\": \"Customizable Desk\", \"default_code\": \"DESK0005\","
	                      " \"barcode\": false, \"list_price\": 750.0,"
	                      " \"categ_id\": {\"id\": 8, \"display_name\": \"All / Saleable / Office Furniture\"},"
	                      " \"type\": \"consu\", \"qty_available\": 65.0, \"uom_id\": {\"id\": 1, \"display_name\": \"Units\"},"
	                      " \"description_sale\": false, \"write_date\": \"2026-11-26 20:28:20\"}]");

	records_from_odoo(fixture_schema("products"), page);
	cr_assert_str_eq(json_object_to_json_string_ext(json_object_array_get_idx(page, 0), JSON_C_TO_STRING_PLAIN),
	                 "{\"id\":45,\"name\":\"Customizable Desk\",\"default_code\":\"DESK0005\",\"barcode\":null,"
	                 "\"list_price\":750.0,\"categ_id\":{\"id\":8,\"name\":\"All \\/ Saleable \\/ Office Furniture\"},"
	                 "\"type\":\"consu\",\"qty_available\":65.0,\"uom_id\":{\"id\":1,\"name\":\"Units\"},"
	                 "\"description_sale\":null,\"write_date\":\"2026-11-26T20:28:20Z\"}");
	json_object_put(page);
}

/* ------------------------------------------------------------- API -> Odoo */

struct to_case { char res[16]; char field[20]; char api[64]; enum verr e; char odoo[48]; };

static const struct to_case to_cases[] = {
	{ "products", "active", "true", VE_OK, "true" },
	{ "products", "active", "false", VE_OK, "false" },
	{ "products", "active", "null", VE_OK, "false" },
	{ "products", "active", "\"true\"", VE_NOT_BOOLEAN, "" },
	{ "products", "active", "1", VE_NOT_BOOLEAN, "" },
	{ "suppliers", "supplier_rank", "3", VE_OK, "3" },
	{ "suppliers", "supplier_rank", "3.0", VE_OK, "3" },
	{ "suppliers", "supplier_rank", "-2147483648", VE_OK, "-2147483648" },
	{ "suppliers", "supplier_rank", "3.5", VE_NOT_INTEGER, "" },
	{ "suppliers", "supplier_rank", "\"3\"", VE_NOT_INTEGER, "" },
	{ "suppliers", "supplier_rank", "2147483648", VE_NOT_INTEGER, "" },
	{ "suppliers", "supplier_rank", "1e10", VE_NOT_INTEGER, "" },
	{ "suppliers", "supplier_rank", "true", VE_NOT_INTEGER, "" },
	{ "suppliers", "supplier_rank", "null", VE_OK, "false" },
	{ "products", "list_price", "750", VE_OK, "750" },
	{ "products", "list_price", "750.5", VE_OK, "750.5" },
	{ "products", "list_price", "10000000000", VE_OK, "10000000000.0" },
	{ "products", "list_price", "9007199254740992", VE_OK, "9007199254740992.0" },
	{ "products", "list_price", "-9007199254740992", VE_OK, "-9007199254740992.0" },
	{ "products", "list_price", "9007199254740993", VE_OUT_OF_RANGE, "" },
	/* json-c saturates these to INT64_MAX / UINT64_MAX / INT64_MIN without an error. */
	{ "products", "list_price", "12345678901234567890", VE_OUT_OF_RANGE, "" },
	{ "products", "list_price", "18446744073709551615", VE_OUT_OF_RANGE, "" },
	{ "products", "list_price", "-99999999999999999999999", VE_OUT_OF_RANGE, "" },
	{ "products", "list_price", "1e300", VE_OK, "1e300" },
	{ "products", "list_price", "\"750\"", VE_NOT_NUMBER, "" },
	{ "products", "list_price", "[750]", VE_NOT_NUMBER, "" },
	{ "products", "list_price", "null", VE_OK, "false" },
	{ "sales", "amount_total", "12.5", VE_OK, "12.5" },
	{ "sales", "amount_total", "\"12.5\"", VE_NOT_NUMBER, "" },
	{ "products", "name", "\"Desk\"", VE_OK, "\"Desk\"" },
	{ "products", "name", "\"\"", VE_OK, "\"\"" },
	{ "products", "name", "\"Mesa de café\"", VE_OK, "\"Mesa de café\"" },
	{ "products", "name", "5", VE_NOT_STRING, "" },
	{ "products", "name", "\"a\\u0000b\"", VE_NOT_STRING, "" },
	/* XML 1.0 cannot carry C0 controls but tab, LF, CR, nor U+FFFE/U+FFFF. */
	{ "products", "name", "\"a\\u0001b\"", VE_BAD_CHARS, "" },
	{ "products", "name", "\"\\u001b[0m\"", VE_BAD_CHARS, "" },
	{ "products", "name", "\"\\ufffe\"", VE_BAD_CHARS, "" },
	{ "products", "name", "\"\xef\xbf\xbf\"", VE_BAD_CHARS, "" },
	{ "products", "description_sale", "\"a\\tb\\r\\nc\"", VE_OK, "\"a\\tb\\r\\nc\"" },
	/* Characters past U+FFFF (emoji), escaped or raw, travel (odoo.c reads them back). */
	{ "products", "name", "\"a \\ud83d\\ude00\"", VE_OK, "\"a \xf0\x9f\x98\x80\"" },
	{ "customers", "comment", "\"\xf0\x9f\x91\x8d\"", VE_OK, "\"\xf0\x9f\x91\x8d\"" },
	{ "customers", "name", "\"\xf4\x8f\xbf\xbf \xf0\x90\x80\x80\"", VE_OK, "\"\xf4\x8f\xbf\xbf \xf0\x90\x80\x80\"" },
	/* ...but not beside what XML cannot carry */
	{ "customers", "comment", "\"\xf0\x9f\x91\x8d\\u0002\"", VE_BAD_CHARS, "" },
	{ "products", "name", "\"\xef\xbf\xbd \xe2\x82\xac \xe4\xb8\xad\"", VE_OK,
	  "\"\xef\xbf\xbd \xe2\x82\xac \xe4\xb8\xad\"" },
	{ "products", "name", "{\"es\": \"x\"}", VE_NOT_STRING, "" },
	{ "products", "name", "null", VE_OK, "false" },
	{ "products", "description_sale", "\"line 1\\nline 2\"", VE_OK, "\"line 1\\nline 2\"" },
	{ "customers", "comment", "\"<p>x</p>\"", VE_OK, "\"<p>x</p>\"" },
	{ "products", "type", "\"service\"", VE_OK, "\"service\"" },
	{ "products", "type", "\"product\"", VE_BAD_SELECTION, "" },
	{ "products", "type", "\"Service\"", VE_BAD_SELECTION, "" },
	{ "products", "type", "1", VE_BAD_SELECTION, "" },
	{ "sales", "state", "\"cancel\"", VE_OK, "\"cancel\"" },
	{ "sales", "state", "\"bogus\"", VE_BAD_SELECTION, "" },
	{ "sales", "validity_date", "\"2026-12-01\"", VE_OK, "\"2026-12-01\"" },
	{ "sales", "validity_date", "\"2026-02-30\"", VE_BAD_DATE, "" },
	{ "sales", "validity_date", "\"2026-12-01T00:00:00Z\"", VE_BAD_DATE, "" },
	{ "sales", "validity_date", "20261201", VE_BAD_DATE, "" },
	{ "sales", "validity_date", "null", VE_OK, "false" },
	{ "sales", "date_order", "\"2026-11-26T21:28:20+01:00\"", VE_OK, "\"2026-11-26 20:28:20\"" },
	{ "sales", "date_order", "\"2026-11-26T20:28:20.000Z\"", VE_OK, "\"2026-11-26 20:28:20\"" },
	{ "sales", "date_order", "\"2026-11-26 20:28:20\"", VE_BAD_DATETIME, "" },
	{ "sales", "date_order", "1764188900", VE_BAD_DATETIME, "" },
	{ "products", "categ_id", "8", VE_OK, "8" },
	{ "products", "categ_id", "{\"id\": 8, \"name\": \"All\"}", VE_OK, "8" },
	{ "products", "categ_id", "{\"id\": 8}", VE_OK, "8" },
	{ "products", "categ_id", "null", VE_OK, "false" },
	{ "products", "categ_id", "{\"id\": null}", VE_OK, "false" },
	{ "products", "categ_id", "0", VE_BAD_ID, "" },
	{ "products", "categ_id", "-1", VE_BAD_ID, "" },
	{ "products", "categ_id", "\"8\"", VE_BAD_ID, "" },
	{ "products", "categ_id", "8.0", VE_BAD_ID, "" },
	{ "products", "categ_id", "2147483648", VE_BAD_ID, "" },
	{ "products", "categ_id", "{\"name\": \"All\"}", VE_BAD_ID, "" },
	{ "products", "categ_id", "{\"id\": \"8\"}", VE_BAD_ID, "" },
	{ "products", "categ_id", "[8, \"All\"]", VE_BAD_ID, "" },
	{ "products", "categ_id", "true", VE_BAD_ID, "" },
	{ "sale_lines", "tax_id", "[1, 2]", VE_OK, "[[6, 0, [1, 2]]]" },
	{ "sale_lines", "tax_id", "[]", VE_OK, "[[6, 0, []]]" },
	{ "sale_lines", "tax_id", "null", VE_OK, "[[6, 0, []]]" },
	{ "sale_lines", "tax_id", "[0]", VE_BAD_IDS, "" },
	{ "sale_lines", "tax_id", "[1, \"2\"]", VE_BAD_IDS, "" },
	{ "sale_lines", "tax_id", "[{\"id\": 1}]", VE_BAD_IDS, "" },
	{ "sale_lines", "tax_id", "1", VE_BAD_IDS, "" },
	{ "sale_lines", "tax_id", "{}", VE_BAD_IDS, "" },
};

ParameterizedTestParameters(value, to_odoo)
{
	return cr_make_param_array(struct to_case, (void *)to_cases, ARRAY_SIZE(to_cases));
}

ParameterizedTest(const struct to_case *c, value, to_odoo)
{
	json_object *in = J(c->api);
	json_object *out = NULL;
	enum verr e = value_to_odoo(field(c->res, c->field), in, &out);

	cr_assert_eq(e, c->e, "%s.%s <- %s: got %d (%s)", c->res, c->field, c->api, e, verr_text(e, LANG_EN));
	if (e == VE_OK) {
		assert_json_eq(out, c->odoo, c->api);
		/* Numbers keep their JSON type so the XML-RPC tag is right. */
		json_object *w = J(c->odoo);
		cr_assert_eq(json_object_get_type(out), json_object_get_type(w), "%s type", c->api);
		json_object_put(w);
	} else {
		cr_assert_null(out);
	}
	json_object_put(out);
	json_object_put(in);
}

Test(value, many2one_round_trip)
{
	const struct xfield *f = field("sales", "partner_id");
	json_object *odoo = J("[10, \"Deco Addict\"]");
	json_object *api = value_from_odoo(f, odoo), *back = NULL;

	cr_assert_eq(value_to_odoo(f, api, &back), VE_OK);
	assert_json_eq(back, "10", "round trip");
	json_object_put(back);
	json_object_put(api);
	json_object_put(odoo);
}

/* ------------------------------------------------------------------ bodies */

struct body_case {
	char res[16];
	bool create;
	enum lang lang;
	char body[160];
	bool ok;
	char want[200];   /* vals when ok, errors otherwise */
};

static const struct body_case body_cases[] = {
	{ "customers", true, LANG_ES, "{\"name\": \"Probe\", \"email\": \"a@b.c\"}", true,
	  "{\"name\": \"Probe\", \"email\": \"a@b.c\", \"customer_rank\": 1}" },
	{ "suppliers", true, LANG_ES, "{\"name\": \"Probe\", \"is_company\": true}", true,
	  "{\"name\": \"Probe\", \"is_company\": true, \"supplier_rank\": 1}" },
	{ "customers", false, LANG_ES, "{\"name\": \"Probe\"}", true, "{\"name\": \"Probe\"}" },
	{ "customers", false, LANG_ES, "{}", true, "{}" },
	{ "products", true, LANG_ES, "{}", true, "{}" },
	{ "customers", true, LANG_ES, "{\"customer_rank\": 5}", false,
	  "{\"customer_rank\": [\"Campo de solo lectura\"]}" },
	{ "customers", false, LANG_EN, "{\"bogus\": 1, \"name\": 5, \"city\": \"Madrid\"}", false,
	  "{\"bogus\": [\"Unknown field\"], \"name\": [\"Must be a string\"]}" },
	{ "products", false, LANG_EN, "{\"id\": 3}", false, "{\"id\": [\"Read-only field\"]}" },
	{ "products", false, LANG_EN, "{\"qty_available\": 3}", false, "{\"qty_available\": [\"Read-only field\"]}" },
	{ "products", false, LANG_EN, "{\"display_name\": \"x\"}", false, "{\"display_name\": [\"Unknown field\"]}" },
	{ "products", false, LANG_EN, "{\"type\": \"product\"}", false,
	  "{\"type\": [\"Value not allowed (allowed: consu, service, combo)\"]}" },
	{ "products", false, LANG_ES, "{\"type\": \"product\"}", false,
	  "{\"type\": [\"Valor no permitido (permitidos: consu, service, combo)\"]}" },
	{ "sales", true, LANG_ES, "{\"partner_id\": 10, \"lines\": [{\"product_id\": 32}]}", true,
	  "{\"partner_id\": 10}" },
	{ "sales", false, LANG_EN, "{\"state\": \"sale\"}", false, "{\"state\": [\"Read-only field\"]}" },
	{ "sales", false, LANG_EN, "{\"name\": \"S09999\"}", false, "{\"name\": [\"Read-only field\"]}" },
	{ "customers", false, LANG_EN, "{\"lines\": []}", false, "{\"lines\": [\"Unknown field\"]}" },
	{ "customers", false, LANG_EN, "{\"country_id\": {\"id\": 68, \"name\": \"Spain\"}, \"state_id\": null}", true,
	  "{\"country_id\": 68, \"state_id\": false}" },
};

ParameterizedTestParameters(value, body_to_vals)
{
	return cr_make_param_array(struct body_case, (void *)body_cases, ARRAY_SIZE(body_cases));
}

ParameterizedTest(const struct body_case *c, value, body_to_vals)
{
	json_object *body = J(c->body);
	json_object *errors = json_object_new_object();
	json_object *vals = NULL;
	bool ok = body_to_vals(fixture_schema(c->res), body, c->create, c->lang, &vals, errors);

	cr_assert_eq(ok, c->ok, "%s %s: errors %s", c->res, c->body, json_object_to_json_string(errors));
	if (ok) {
		assert_json_eq(vals, c->want, c->body);
		cr_assert_eq(json_object_object_length(errors), 0);
	} else {
		cr_assert_null(vals);
		assert_json_eq(errors, c->want, c->body);
	}
	json_object_put(vals);
	json_object_put(errors);
	json_object_put(body);
}

Test(value, verr_texts_complete)
{
	for (int e = 0; e < VE__COUNT; e++) {
		cr_assert_not_null(verr_text(e, LANG_ES), "%d", e);
		cr_assert_not_null(verr_text(e, LANG_EN), "%d", e);
		cr_assert_str_neq(verr_text(e, LANG_ES), "", "%d", e);
	}
	cr_assert_str_eq(verr_text(VE__COUNT, LANG_EN), "OK");
}

Test(value, errors_accumulate)
{
	json_object *errors = json_object_new_object();

	errors_add(errors, "name", "one");
	errors_add(errors, "name", "two");
	assert_json_eq(errors, "{\"name\": [\"one\", \"two\"]}", "errors");
	json_object_put(errors);
}

/* ------------------------------------------------------------ sale lines */

/*
 * Lines 1, 2 and 3 of sale 1 as Odoo read them (samples/sale.order.line.json),
 * or, nested, as web_search_read nests them with {"fields": {"display_name":
 * {}}} for the many2one product_id: {"id", "display_name"}.
 */
static json_object *
sale1_lines(bool nested)
{
	json_object *doc = fixture_json("samples/sale.order.line.json"), *recs, *out = json_object_new_array();

	cr_assert(json_object_object_get_ex(doc, "records", &recs));
	for (size_t i = 0; i < json_object_array_length(recs); i++) {
		json_object *rec = json_object_array_get_idx(recs, i), *order, *product, *ref;

		cr_assert(json_object_object_get_ex(rec, "order_id", &order));
		if (json_object_get_int64(json_object_array_get_idx(order, 0)) != 1)
			continue;
		if (nested) {
			cr_assert(json_object_object_get_ex(rec, "product_id", &product));
			ref = json_object_new_object();
			json_object_object_add(ref, "id", json_object_get(json_object_array_get_idx(product, 0)));
			json_object_object_add(ref, "display_name", json_object_get(json_object_array_get_idx(product, 1)));
			json_object_object_add(rec, "product_id", ref);
		}
		json_object_array_add(out, json_object_get(rec));
	}
	json_object_put(doc);
	cr_assert_eq(json_object_array_length(out), 3);
	return out;
}

struct lines_case {
	bool create;
	enum lang lang;
	char lines[160];
	bool ok;
	char want[200];   /* commands when ok, errors otherwise */
};

static const struct lines_case lines_cases[] = {
	/* DESIGN.md section 6, exactly. */
	{ false, LANG_ES, "[{\"id\": 1, \"product_uom_qty\": 4}, {\"product_id\": 6, \"product_uom_qty\": 1}]", true,
	  "[[1, 1, {\"product_uom_qty\": 4}], [0, 0, {\"product_id\": 6, \"product_uom_qty\": 1}], [2, 2, 0], [2, 3, 0]]" },
	{ true, LANG_ES, "[{\"product_id\": 32, \"product_uom_qty\": 2}]", true,
	  "[[0, 0, {\"product_id\": 32, \"product_uom_qty\": 2}]]" },
	{ true, LANG_ES, "[]", true, "[]" },
	{ true, LANG_ES, "[{\"product_id\": 6, \"price_unit\": 99.5, \"name\": \"custom\", \"tax_id\": [1]}]", true,
	  "[[0, 0, {\"product_id\": 6, \"price_unit\": 99.5, \"name\": \"custom\", \"tax_id\": [[6, 0, [1]]]}]]" },
	/* Unchanged values are not sent; 3 equals Odoo's 3.0. */
	{ false, LANG_ES, "[{\"id\": 1, \"product_uom_qty\": 3}, {\"id\": 2}, {\"id\": 3}]", true, "[]" },
	{ false, LANG_ES, "[{\"id\": 1, \"product_id\": {\"id\": 32, \"name\": \"x\"}, \"tax_id\": []}, {\"id\": 2}, {\"id\": 3}]",
	  true, "[]" },
	{ false, LANG_ES, "[{\"id\": 1, \"product_id\": 5, \"price_unit\": 295.0}, {\"id\": 2}, {\"id\": 3}]", true,
	  "[[1, 1, {\"product_id\": 5}]]" },
	{ false, LANG_ES, "[{\"id\": 2, \"name\": \"[FURN_8888] Office Lamp\", \"discount\": 10}, {\"id\": 1}, {\"id\": 3}]",
	  true, "[[1, 2, {\"discount\": 10}]]" },
	{ false, LANG_ES, "[{\"id\": 3, \"tax_id\": [1]}]", true, "[[1, 3, {\"tax_id\": [[6, 0, [1]]]}], [2, 1, 0], [2, 2, 0]]" },
	{ false, LANG_ES, "[]", true, "[[2, 1, 0], [2, 2, 0], [2, 3, 0]]" },
	{ false, LANG_ES, "[{\"product_id\": 6}, {\"id\": 3, \"discount\": 10}]", true,
	  "[[0, 0, {\"product_id\": 6}], [1, 3, {\"discount\": 10}], [2, 1, 0], [2, 2, 0]]" },
	{ false, LANG_ES, "[{\"id\": null, \"product_id\": 6}, {\"id\": 1}, {\"id\": 2}, {\"id\": 3}]", true,
	  "[[0, 0, {\"product_id\": 6}]]" },
	/* refusals */
	{ false, LANG_ES, "{\"id\": 1}", false, "{\"lines\": [\"Debe ser una lista\"]}" },
	{ false, LANG_EN, "null", false, "{\"lines\": [\"Must be a list\"]}" },
	{ false, LANG_EN, "[1]", false, "{\"lines.0\": [\"Must be an object\"]}" },
	{ true, LANG_EN, "[{\"id\": 1, \"product_uom_qty\": 2}]", false,
	  "{\"lines.0.id\": [\"The line does not belong to this record\"]}" },
	{ false, LANG_EN, "[{\"id\": 99}]", false, "{\"lines.0.id\": [\"The line does not belong to this record\"]}" },
	{ false, LANG_EN, "[{\"id\": 1}, {\"id\": 1}]", false, "{\"lines.1.id\": [\"Line given twice\"]}" },
	{ false, LANG_EN, "[{\"id\": \"1\"}]", false,
	  "{\"lines.0.id\": [\"Must be an id (positive integer), {\\\"id\\\": id} or null\"]}" },
	{ false, LANG_EN, "[{\"id\": 1, \"price_subtotal\": 885.0}]", false, "{\"lines.0.price_subtotal\": [\"Read-only field\"]}" },
	{ false, LANG_EN, "[{\"product_id\": 6, \"order_id\": 1}]", false, "{\"lines.0.order_id\": [\"Unknown field\"]}" },
	{ false, LANG_EN, "[{\"id\": 1}, {\"product_id\": 6, \"product_uom_qty\": \"4\", \"discount\": true}]", false,
	  "{\"lines.1.product_uom_qty\": [\"Must be a number\"], \"lines.1.discount\": [\"Must be a number\"]}" },
};

static void
check_lines(const struct lines_case *c, bool nested)
{
	json_object *lines = J(c->lines);
	json_object *current = c->create ? NULL : sale1_lines(nested);
	json_object *errors = json_object_new_object(), *cmds = NULL;
	bool ok = lines_to_commands(fixture_schema("sale_lines"), "lines", lines, current, c->lang, &cmds, errors);

	cr_assert_eq(ok, c->ok, "%s: errors %s", c->lines, json_object_to_json_string(errors));
	if (ok) {
		assert_json_eq(cmds, c->want, c->lines);
		cr_assert_eq(json_object_object_length(errors), 0);
	} else {
		cr_assert_null(cmds);
		assert_json_eq(errors, c->want, c->lines);
	}
	json_object_put(cmds);
	json_object_put(errors);
	json_object_put(current);
	json_object_put(lines);
}

ParameterizedTestParameters(value, lines_to_commands)
{
	return cr_make_param_array(struct lines_case, (void *)lines_cases, ARRAY_SIZE(lines_cases));
}

ParameterizedTest(const struct lines_case *c, value, lines_to_commands)
{
	check_lines(c, false);
}

/* Against lines read by web_search_read, where a many2one is {"id", "display_name"}. */
static const struct lines_case nested_lines_cases[] = {
	{ false, LANG_ES, "[{\"id\": 1, \"product_id\": {\"id\": 32, \"name\": \"x\"}, \"tax_id\": []}, {\"id\": 2}, {\"id\": 3}]",
	  true, "[]" },
	{ false, LANG_ES, "[{\"id\": 1, \"product_id\": 5, \"price_unit\": 295.0}, {\"id\": 2}, {\"id\": 3}]", true,
	  "[[1, 1, {\"product_id\": 5}]]" },
	{ false, LANG_ES, "[{\"id\": 1, \"product_id\": 32}, {\"id\": 2, \"product_id\": null}, {\"id\": 3}]", true,
	  "[[1, 2, {\"product_id\": false}]]" },
	{ false, LANG_ES, "[{\"id\": 1, \"product_uom_qty\": 4}, {\"product_id\": 6, \"product_uom_qty\": 1}]", true,
	  "[[1, 1, {\"product_uom_qty\": 4}], [0, 0, {\"product_id\": 6, \"product_uom_qty\": 1}], [2, 2, 0], [2, 3, 0]]" },
};

ParameterizedTestParameters(value, lines_to_commands_nested)
{
	return cr_make_param_array(struct lines_case, (void *)nested_lines_cases, ARRAY_SIZE(nested_lines_cases));
}

ParameterizedTest(const struct lines_case *c, value, lines_to_commands_nested)
{
	check_lines(c, true);
}

/* ------------------------------------------------------------ body parsing */

struct parse_case { char in[48]; bool ok; };

static const struct parse_case parse_cases[] = {
	{ "{\"a\": 1}", true },
	{ "  {\"a\": 1}\r\n\t ", true },
	{ "[1, 2]", true },
	{ "{\"a\": \"caf\xc3\xa9\"}", true },
	{ "", false },
	{ " ", false },
	{ "{", false },
	{ "{\"a\": 1", false },
	{ "{\"a\": 1}}", false },
	{ "{\"a\": 1} x", false },
	{ "{\"a\": 1}{\"b\": 2}", false },
	{ "{'a': 1}", false },
	{ "{\"a\": 1,}", false },
	{ "{a: 1}", false },
	{ "{\"a\": \"caf\xe9\"}", false },
	{ "{\"a\": NaN}", false },
	{ "null", false },
	{ "{\"a\": Infinity}", false },
	{ "{\"a\": -Infinity}", false },
	{ "{\"a\": \"tab\there\"}", false },
	{ "{\"a\": \"tab\\there\"}", true },
	{ "{\"a\": \"quote \\\" and 'single'\"}", true },
	{ "{\"a\": [true, false, null, -1.5e3]}", true },
	/* RFC 8259 numbers: a fraction and an exponent need digits. */
	{ "[0.5, -0, 1E2, 2e-3, 1.0e+2, 10]", true },
	{ "{\"a\": 1.}", false },
	{ "{\"a\": 1.e5}", false },
	{ "{\"a\": [1.]}", false },
	{ "{\"a\": 1e}", false },
	{ "{\"a\": 1e+}", false },
	{ "{\"a\": -.5}", false },
	{ "{\"a\": \"1. is fine in a string\"}", true },
};

ParameterizedTestParameters(value, json_parse_body)
{
	return cr_make_param_array(struct parse_case, (void *)parse_cases, ARRAY_SIZE(parse_cases));
}

ParameterizedTest(const struct parse_case *c, value, json_parse_body)
{
	json_object *v = json_parse_body(c->in, strlen(c->in));

	cr_assert_eq(v != NULL, c->ok, "json_parse_body(%s)", c->in);
	json_object_put(v);
}

Test(value, json_parse_body_limits)
{
	char deep[200];
	json_object *v;

	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	deep[80] = '\0';
	cr_assert_null(json_parse_body(deep, 80), "nesting deeper than 32 is refused");
	memset(deep, '[', 20);
	memset(deep + 20, ']', 20);
	v = json_parse_body(deep, 40);
	cr_assert_not_null(v);
	json_object_put(v);
	/* An embedded NUL is not whitespace after the value. */
	cr_assert_null(json_parse_body("{\"a\": 1}\0", 9));
}
