/* test_odoo.c: unit tests for odoo.c (captured Odoo 18 answers, XML-RPC writing, transport). */
#undef NDEBUG
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <xmlrpc-c/base.h>

#include "metrics.h"
#include "mock_odoo.h"
#include "odoo.h"
#include "xmlrpc.h"
#include "util.h"

/* ------------------------------------------------------------ fixtures */

static enum odoo_err
parse_fixture(const char *name, json_object **out, struct odoo_error *err)
{
	size_t len;
	char *xml = mock_capture(name, &len);
	enum odoo_err rc = xr_parse_response(xml, len, out, err);

	free(xml);
	return rc;
}

static enum odoo_err
parse_str(const char *xml, json_object **out, struct odoo_error *err)
{
	return xr_parse_response(xml, strlen(xml), out, err);
}

#define RESPONSE(v) "<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n<value>" \
	v "</value>\n</param>\n</params>\n\n</methodResponse>\n"

/* ------------------------------------------- every captured response */

/* Criterion runs each parameter in a fresh process image: strings inline. */
struct capture_case {
	char name[72];
	enum odoo_err code;
	int  fault_code;
	int  status;
	char prefix[96];   /* start of err.message for faults */
};

#define OK_(n) { n, ODOO_OK, 0, 200, "" }
static const struct capture_case capture_cases[] = {
	OK_("authenticate_ok"),
	{ "authenticate_unknown_db", ODOO_E_LOGIN, 1, 503, "psycopg2.OperationalError: connection to server at" },
	OK_("authenticate_unknown_login"),
	OK_("authenticate_wrong_password"),
	{ "call_private_method", ODOO_E_ACCESS, 4, 403, "Private methods (such as _search) cannot be called remotely." },
	{ "call_unknown_public_method", ODOO_E_SERVER, 1, 502, "AttributeError: The method 'no_such_method' does not exist" },
	{ "create_partner_no_name", ODOO_E_USER, 2, 422, "The operation cannot be completed: Contacts require a name" },
	{ "create_sale_order_missing_partner", ODOO_E_USER, 2, 422, "The operation cannot be completed:\n- Create/update: a mandatory" },
	OK_("create_sale_order_with_lines"),
	{ "execute_kw_unknown_model", ODOO_E_USER, 2, 422, "Object x.does.not.exist doesn't exist" },
	{ "execute_kw_wrong_password", ODOO_E_LOGIN, 3, 503, "Access Denied" },
	{ "execute_kw_wrong_uid", ODOO_E_MISSING, 2, 404, "Record does not exist or has been deleted.\n(Record: res.users(999,)" },
	{ "method_returning_none", ODOO_E_SERVER, 1, 502, "TypeError: cannot marshal None unless allow_none is enabled" },
	OK_("read_confirmed_sale_order"),
	OK_("read_created_sale_order"),
	OK_("read_created_sale_order_lines"),
	OK_("read_empty_ids"),
	OK_("read_mixed_existing_nonexistent_ids"),
	OK_("read_nonexistent_id"),
	{ "sale_order_action_confirm_already_confirmed", ODOO_E_USER, 2, 422, "Some orders are not in a state requiring confirmation." },
	OK_("sale_order_action_confirm_draft"),
	{ "search_count_kwarg", ODOO_E_SERVER, 1, 502, "TypeError: BaseModel.search() got an unexpected keyword argument 'count'" },
	OK_("search_count_with_limit"),
	{ "search_read_bad_domain_operator", ODOO_E_SERVER, 1, 502, "ValueError: Invalid leaf ('name', 'bogus_op', 'x')" },
	{ "search_read_bad_order_syntax", ODOO_E_USER, 2, 422, "Invalid \"order\" specified (name sideways; drop)." },
	{ "search_read_bad_order_unknown_field", ODOO_E_SERVER, 1, 502, "ValueError: Invalid field 'no_such_field' on model 'product.product'" },
	{ "search_read_count_kwarg", ODOO_E_SERVER, 1, 502, "TypeError: BaseModel._read_format() got an unexpected keyword" },
	OK_("search_read_load_empty"),
	OK_("search_read_offset_limit_order"),
	OK_("search_read_partner_customers_sample"),
	OK_("search_read_positional_args"),
	OK_("search_read_product_sample"),
	{ "search_read_unknown_field_in_domain", ODOO_E_SERVER, 1, 502, "ValueError: Invalid field product.product.no_such_field in leaf" },
	{ "search_read_unknown_field_in_fields", ODOO_E_SERVER, 1, 502, "ValueError: Invalid field 'no_such_field' on model" },
	{ "search_read_with_context_kwarg", ODOO_E_USER, 2, 422, "Invalid language code: es_ES" },
	{ "unlink_nonexistent_id", ODOO_E_MISSING, 2, 404, "Record does not exist or has been deleted." },
	{ "unlink_partner_referenced_by_sale_order", ODOO_E_USER, 2, 422, "The operation cannot be completed: another model requires" },
	OK_("version"),
	OK_("web_search_read_product"),
	OK_("web_search_read_product_relational_spec"),
	{ "write_invalid_selection_value", ODOO_E_SERVER, 1, 502, "ValueError: Wrong value for sale.order.state: 'bogus'" },
	{ "write_nonexistent_id", ODOO_E_MISSING, 2, 404, "Record does not exist or has been deleted." },
	/* The legacy /xmlrpc endpoint: string faultCodes, same classes. */
	{ "legacy__authenticate_unknown_db", ODOO_E_LOGIN, 1, 503, "psycopg2.OperationalError: connection to server at" },
	{ "legacy__call_private_method", ODOO_E_ACCESS, 4, 403, "Private methods (such as _search) cannot be called remotely." },
	{ "legacy__call_unknown_public_method", ODOO_E_SERVER, 1, 502, "AttributeError: The method 'no_such_method'" },
	{ "legacy__create_partner_no_name", ODOO_E_USER, 2, 422, "The operation cannot be completed: Contacts require a name" },
	{ "legacy__create_sale_order_missing_partner", ODOO_E_USER, 2, 422, "The operation cannot be completed:\n- Create/update" },
	{ "legacy__execute_kw_unknown_model", ODOO_E_USER, 2, 422, "Object x.does.not.exist doesn't exist" },
	{ "legacy__execute_kw_wrong_password", ODOO_E_LOGIN, 3, 503, "Access Denied" },
	{ "legacy__execute_kw_wrong_uid", ODOO_E_MISSING, 2, 404, "Record does not exist or has been deleted." },
	{ "legacy__method_returning_none", ODOO_E_SERVER, 1, 502, "TypeError: cannot marshal None" },
	{ "legacy__sale_order_action_confirm_already_confirmed", ODOO_E_USER, 2, 422, "Some orders are not in a state" },
	{ "legacy__search_count_kwarg", ODOO_E_SERVER, 1, 502, "TypeError: BaseModel.search() got an unexpected" },
	{ "legacy__search_read_bad_domain_operator", ODOO_E_SERVER, 1, 502, "ValueError: Invalid leaf ('name', 'bogus_op', 'x')" },
	{ "legacy__search_read_bad_order_syntax", ODOO_E_USER, 2, 422, "Invalid \"order\" specified" },
	{ "legacy__search_read_bad_order_unknown_field", ODOO_E_SERVER, 1, 502, "ValueError: Invalid field 'no_such_field'" },
	{ "legacy__search_read_count_kwarg", ODOO_E_SERVER, 1, 502, "TypeError: BaseModel._read_format() got" },
	{ "legacy__search_read_unknown_field_in_domain", ODOO_E_SERVER, 1, 502, "ValueError: Invalid field product.product.no_such_field" },
	{ "legacy__search_read_unknown_field_in_fields", ODOO_E_SERVER, 1, 502, "ValueError: Invalid field 'no_such_field' on model" },
	{ "legacy__search_read_with_context_kwarg", ODOO_E_USER, 2, 422, "Invalid language code: es_ES" },
	{ "legacy__unlink_nonexistent_id", ODOO_E_MISSING, 2, 404, "Record does not exist or has been deleted." },
	{ "legacy__unlink_partner_referenced_by_sale_order", ODOO_E_USER, 2, 422, "The operation cannot be completed: another model" },
	{ "legacy__write_invalid_selection_value", ODOO_E_SERVER, 1, 502, "ValueError: Wrong value for sale.order.state: 'bogus'" },
	{ "legacy__write_nonexistent_id", ODOO_E_MISSING, 2, 404, "Record does not exist or has been deleted." },
};

ParameterizedTestParameters(captures, classified)
{
	return cr_make_param_array(struct capture_case, (void *)capture_cases, ARRAY_SIZE(capture_cases));
}

ParameterizedTest(const struct capture_case *c, captures, classified)
{
	char file[128];
	json_object *out = NULL;
	struct odoo_error err;
	enum odoo_err rc;

	snprintf(file, sizeof file, "%s.response.xml", c->name);
	rc = parse_fixture(file, &out, &err);
	cr_assert_eq(rc, c->code, "%s: got %s (%s)", c->name, odoo_strerror(rc), err.message);
	cr_assert_eq(err.code, rc);
	cr_assert_eq(odoo_http_status(rc), c->status, "%s: status", c->name);
	cr_assert_eq(err.fault_code, c->fault_code, "%s: fault code %d", c->name, err.fault_code);
	if (rc == ODOO_OK) {
		/* Odoo 18 never sends <nil/>: every result is a value. */
		cr_assert_not_null(out, "%s: no result", c->name);
		json_object_put(out);
		return;
	}
	cr_assert_null(out);
	cr_assert(strncmp(err.message, c->prefix, strlen(c->prefix)) == 0,
	          "%s: message \"%s\" does not start with \"%s\"", c->name, err.message, c->prefix);
	cr_assert_null(strstr(err.message, "Traceback"), "%s: traceback in message", c->name);
	cr_assert_null(strstr(err.message, "File \"/opt/odoo"), "%s: traceback in message", c->name);
	if (rc == ODOO_E_SERVER)
		cr_assert_null(strchr(err.message, '\n'), "%s: more than the last line", c->name);
}

/* Every capture has a row above, so a new capture cannot go unchecked. */
Test(captures, all_in_table)
{
	char path[1024], *slash;
	DIR *d;
	struct dirent *e;
	int seen = 0;

	mock_capture_path(path, sizeof path, "x");
	slash = strrchr(path, '/');
	*slash = '\0';
	d = opendir(path);
	cr_assert_not_null(d, "cannot list %s", path);
	while ((e = readdir(d)) != NULL) {
		const char *suffix = ".response.xml";
		size_t n = strlen(e->d_name), k = strlen(suffix), i;
		bool found = false;

		if (n <= k || strcmp(e->d_name + n - k, suffix) != 0)
			continue;
		for (i = 0; i < ARRAY_SIZE(capture_cases); i++)
			if (strlen(capture_cases[i].name) == n - k &&
			    strncmp(capture_cases[i].name, e->d_name, n - k) == 0)
				found = true;
		cr_assert(found, "capture %s has no row in capture_cases", e->d_name);
		seen++;
	}
	closedir(d);
	cr_assert_eq(seen, (int)ARRAY_SIZE(capture_cases), "rows without a capture");
}

/* --------------------------------------------- converted results */

/* An args array holding one empty list of ids. */
static json_object *
args0(void)
{
	static json_object *a;

	if (a == NULL)
		a = json_tokener_parse("[[]]");
	return a;
}

static json_object *
at(json_object *o, const char *key)
{
	json_object *v = NULL;

	cr_assert(json_object_object_get_ex(o, key, &v), "no key %s", key);
	return v;
}

Test(results, product_sample)
{
	json_object *out, *p, *categ;
	struct odoo_error err;

	cr_assert_eq(parse_fixture("search_read_product_sample.response.xml", &out, &err), ODOO_OK);
	cr_assert(json_object_is_type(out, json_type_array));
	cr_assert_eq(json_object_array_length(out), 3);
	p = json_object_array_get_idx(out, 0);
	cr_assert(json_object_is_type(at(p, "id"), json_type_int));
	cr_assert_eq(json_object_get_int64(at(p, "id")), 45);
	cr_assert_str_eq(json_object_get_string(at(p, "name")), "Customizable Desk");
	cr_assert(json_object_is_type(at(p, "list_price"), json_type_double));
	cr_assert(json_object_get_double(at(p, "list_price")) == 750.0);
	cr_assert_str_eq(json_object_to_json_string(at(p, "list_price")), "750.0");
	cr_assert(json_object_get_double(at(p, "qty_available")) == 65.0);
	cr_assert(json_object_get_double(at(json_object_array_get_idx(out, 1), "qty_available")) == 70.0);
	cr_assert(json_object_get_double(at(json_object_array_get_idx(out, 2), "list_price")) == 10.0);
	/* False stays a boolean at this layer: the resource layer knows the type. */
	cr_assert(json_object_is_type(at(p, "barcode"), json_type_boolean));
	cr_assert(!json_object_get_boolean(at(p, "barcode")));
	cr_assert(json_object_get_boolean(at(p, "sale_ok")));
	categ = at(p, "categ_id");
	cr_assert(json_object_is_type(categ, json_type_array), "many2one stays [id, name]");
	cr_assert_eq(json_object_array_length(categ), 2);
	cr_assert_eq(json_object_get_int64(json_object_array_get_idx(categ, 0)), 8);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(categ, 1)),
	                 "All / Saleable / Office Furniture");
	cr_assert_str_eq(json_object_get_string(at(p, "write_date")), "2026-11-26 20:28:20");
	cr_assert_str_eq(json_object_get_string(at(p, "type")), "consu");
	/* Member order is Odoo's. */
	cr_assert(strncmp(json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN),
	                  "{\"id\":45,\"name\":\"Customizable Desk\",\"default_code\":\"DESK0005\"", 60) == 0);
	json_object_put(out);
}

Test(results, version_and_scalars)
{
	json_object *out, *info;
	struct odoo_error err;

	cr_assert_eq(parse_fixture("version.response.xml", &out, &err), ODOO_OK);
	cr_assert_str_eq(json_object_get_string(at(out, "server_version")), "18.0");
	info = at(out, "server_version_info");
	cr_assert_eq(json_object_array_length(info), 6);
	cr_assert_eq(json_object_get_int64(json_object_array_get_idx(info, 0)), 18);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(info, 3)), "final");
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(info, 5)), "");
	json_object_put(out);

	cr_assert_eq(parse_fixture("authenticate_ok.response.xml", &out, &err), ODOO_OK);
	cr_assert(json_object_is_type(out, json_type_int) && json_object_get_int64(out) == 2);
	json_object_put(out);
	cr_assert_eq(parse_fixture("authenticate_wrong_password.response.xml", &out, &err), ODOO_OK);
	cr_assert(json_object_is_type(out, json_type_boolean) && !json_object_get_boolean(out));
	json_object_put(out);
	cr_assert_eq(parse_fixture("read_empty_ids.response.xml", &out, &err), ODOO_OK);
	cr_assert(json_object_is_type(out, json_type_array) && json_object_array_length(out) == 0);
	json_object_put(out);
}

Test(results, sale_order_and_web_search_read)
{
	json_object *out, *so, *lines, *rec;
	struct odoo_error err;

	cr_assert_eq(parse_fixture("read_created_sale_order.response.xml", &out, &err), ODOO_OK);
	so = json_object_array_get_idx(out, 0);
	cr_assert_str_eq(json_object_to_json_string(at(so, "amount_tax")), "14.93");
	cr_assert_str_eq(json_object_to_json_string(at(so, "amount_total")), "324.43");
	lines = at(so, "order_line");
	cr_assert_eq(json_object_array_length(lines), 2);
	cr_assert_eq(json_object_get_int64(json_object_array_get_idx(lines, 1)), 54);
	json_object_put(out);

	cr_assert_eq(parse_fixture("web_search_read_product_relational_spec.response.xml", &out, &err), ODOO_OK);
	cr_assert_eq(json_object_get_int64(at(out, "length")), 10);
	rec = json_object_array_get_idx(at(out, "records"), 0);
	cr_assert(json_object_is_type(at(rec, "categ_id"), json_type_object));
	cr_assert_eq(json_object_get_int64(at(at(rec, "categ_id"), "id")), 8);
	json_object_put(out);
}

/* The value README.txt names: Odoo's unrounded floats survive byte for byte. */
Test(results, doubles_exact)
{
	static const struct { const char *xml, *json; double v; } cases[] = {
		{ "14.930000000000007", "14.930000000000007", 14.930000000000007 },
		{ "0.1", "0.1", 0.1 },
		{ "750.0", "750.0", 750.0 },
		{ "1e-05", "1e-05", 1e-05 },
		{ "1e+16", "1e+16", 1e16 },
		{ "-0.0", "-0.0", -0.0 },
		{ "324.43", "324.43", 324.43 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char xml[256];
		json_object *out, *back;
		struct odoo_error err;

		snprintf(xml, sizeof xml, RESPONSE("<struct><member><name>price_tax</name>"
		         "<value><double>%s</double></value></member></struct>"), cases[i].xml);
		cr_assert_eq(parse_str(xml, &out, &err), ODOO_OK, "%s", cases[i].xml);
		cr_assert(json_object_get_double(at(out, "price_tax")) == cases[i].v);
		cr_assert_str_eq(json_object_to_json_string(at(out, "price_tax")), cases[i].json);
		/* and the JSON text reads back to the same double */
		back = json_tokener_parse(cases[i].json);
		cr_assert(json_object_get_double(back) == cases[i].v);
		cr_assert_eq(signbit(json_object_get_double(back)), signbit(cases[i].v));
		json_object_put(back);
		json_object_put(out);
	}
}

/* Many doubles, in arrays and structs: each gets its own value, in order. */
Test(results, doubles_in_order)
{
	struct buf b;
	json_object *out, *arr;
	struct odoo_error err;
	int i;

	buf_init(&b, 1 << 22);
	buf_puts(&b, "<?xml version=\"1.0\"?><methodResponse><params><param><value><array><data>");
	for (i = 0; i < 3000; i++) {
		char v[256];
		snprintf(v, sizeof v, "<value><struct><member><name>a</name><value><double>%d.25</double></value>"
		         "</member><member><name>b</name><value><double>-%d.5</double></value></member></struct></value>", i, i);
		buf_puts(&b, v);
	}
	buf_puts(&b, "</data></array></value></param></params></methodResponse>");
	cr_assert_eq(xr_parse_response(b.data, b.len, &out, &err), ODOO_OK, "%s", err.message);
	cr_assert_eq(json_object_array_length(out), 3000);
	for (i = 0; i < 3000; i++) {
		arr = json_object_array_get_idx(out, (size_t)i);
		cr_assert(json_object_get_double(at(arr, "a")) == i + 0.25, "a[%d]", i);
		cr_assert(json_object_get_double(at(arr, "b")) == -(i + 0.5), "b[%d]", i);
	}
	json_object_put(out);
	buf_free(&b);
}

Test(results, other_types)
{
	json_object *out;
	struct odoo_error err;

	cr_assert_eq(parse_str(RESPONSE("<nil/>"), &out, &err), ODOO_OK);
	cr_assert_null(out);
	cr_assert_eq(parse_str(RESPONSE("<i8>5000000000</i8>"), &out, &err), ODOO_OK);
	cr_assert_eq(json_object_get_int64(out), 5000000000LL);
	json_object_put(out);
	cr_assert_eq(parse_str(RESPONSE("<i4>-7</i4>"), &out, &err), ODOO_OK);
	cr_assert_eq(json_object_get_int64(out), -7);
	json_object_put(out);
	cr_assert_eq(parse_str(RESPONSE("untyped text"), &out, &err), ODOO_OK);
	cr_assert_str_eq(json_object_get_string(out), "untyped text");
	json_object_put(out);
	cr_assert_eq(parse_str(RESPONSE("<string>caf\xc3\xa9 &lt;b&gt; &amp; a\nb</string>"), &out, &err), ODOO_OK);
	cr_assert_str_eq(json_object_get_string(out), "caf\xc3\xa9 <b> & a\nb");
	json_object_put(out);
	cr_assert_eq(parse_str(RESPONSE("<base64>aGVsbG8=</base64>"), &out, &err), ODOO_OK);
	cr_assert_str_eq(json_object_get_string(out), "aGVsbG8=");
	json_object_put(out);
	cr_assert_eq(parse_str(RESPONSE("<base64>aGk=</base64>"), &out, &err), ODOO_OK);
	cr_assert_str_eq(json_object_get_string(out), "aGk=");
	json_object_put(out);
	cr_assert_eq(parse_str(RESPONSE("<base64>YWJj</base64>"), &out, &err), ODOO_OK);
	cr_assert_str_eq(json_object_get_string(out), "YWJj");
	json_object_put(out);
	cr_assert_eq(parse_str(RESPONSE("<dateTime.iso8601>20261126T20:28:20</dateTime.iso8601>"), &out, &err), ODOO_OK);
	cr_assert(json_object_is_type(out, json_type_string));
	cr_assert(strstr(json_object_get_string(out), "20:28:20") != NULL, "%s", json_object_get_string(out));
	json_object_put(out);
}

/* A member given twice: the last one, once (odoo.c adds struct members to json-c without looking for them). */
Test(results, repeated_member_once)
{
	json_object *out;
	struct odoo_error err;

	cr_assert_eq(parse_str(RESPONSE("<struct><member><name>a</name><value><int>1</int></value></member>"
	                                "<member><name>b</name><value><int>3</int></value></member>"
	                                "<member><name>a</name><value><int>2</int></value></member></struct>"),
	                       &out, &err), ODOO_OK, "%s", err.message);
	cr_assert_eq(json_object_object_length(out), 2);
	cr_assert_str_eq(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN), "{\"a\":2,\"b\":3}");
	json_object_put(out);
}

/* ------------------------------------- characters past U+FFFF (emoji) */

/* s with every occurrence of from replaced by to (which must occur).  Caller frees. */
static char *
edited(const char *s, const char *from, const char *to)
{
	struct buf b;
	const char *p = s, *q;
	int n = 0;

	buf_init(&b, 1 << 22);
	while ((q = strstr(p, from)) != NULL) {
		buf_append(&b, p, (size_t)(q - p));
		buf_puts(&b, to);
		p = q + strlen(from);
		n++;
	}
	buf_puts(&b, p);
	cr_assert_gt(n, 0, "\"%s\" is not in the capture", from);
	return b.data;
}

/* Sets key of o to the string want (the expected value of an edited field). */
static void
expect_string(json_object *o, const char *key, const char *want)
{
	json_object_object_add(o, key, json_object_new_string(want));
}

#define GRIN  "\xf0\x9f\x98\x80"   /* U+1F600 */
#define THUMB "\xf0\x9f\x91\x8d"   /* U+1F44D */
#define PUA_E000 "\xee\x80\x80"
#define PUA_E03D "\xee\x80\xbd"    /* with PUA_E600: what GRIN is swapped for */
#define PUA_E600 "\xee\x98\x80"
#define PUA_E800 "\xee\xa0\x80"

/*
 * Odoo's answer with emoji where people type them (Odoo's UI takes them),
 * as UTF-8 and as character references, next to text that looks like the
 * placeholders odoo.c swaps them for: everything reads back as sent, and
 * the records left alone read as in the untouched capture.
 */
Test(wide, captured_customers_with_emoji)
{
	size_t len;
	char *cap = mock_capture("search_read_partner_customers_sample.response.xml", &len), *a, *b, *c, *xml;
	json_object *out, *want;
	struct odoo_error err;

	a = edited(cap, "<string>Azure Interior</string>", "<string>Azure " GRIN " Interior " THUMB "</string>");
	b = edited(a, "<string>Fremont</string>",
	           "<string>" PUA_E03D PUA_E600 " " PUA_E800 PUA_E000 " " PUA_E600 " " PUA_E800 "</string>");
	c = edited(b, "<string>4557 De Silva St</string>", "<string>&#128512;&#x1F44D;&#57344;&#59392; &#233;</string>");
	xml = edited(c, "<name>zip</name>", "<name>zip" GRIN "</name>");
	cr_assert_eq(parse_str(xml, &out, &err), ODOO_OK, "%s", err.message);
	cr_assert_eq(parse_fixture("search_read_partner_customers_sample.response.xml", &want, &err), ODOO_OK);
	{
		json_object *r0 = json_object_array_get_idx(want, 0);
		size_t i;

		expect_string(r0, "name", "Azure " GRIN " Interior " THUMB);
		expect_string(r0, "city", PUA_E03D PUA_E600 " " PUA_E800 PUA_E000 " " PUA_E600 " " PUA_E800);
		expect_string(r0, "street", GRIN THUMB PUA_E000 PUA_E800 " \xc3\xa9");
		/* the member name changed in every record */
		for (i = 0; i < json_object_array_length(want); i++) {
			json_object *r = json_object_array_get_idx(want, i), *zip = NULL;
			cr_assert(json_object_object_get_ex(r, "zip", &zip));
			json_object_object_add(r, "zip" GRIN, json_object_get(zip));
			json_object_object_del(r, "zip");
		}
	}
	/* member order aside (json_object_equal ignores it), the same values */
	cr_assert(json_object_equal(out, want), "got %s\nwant %s",
	          json_object_to_json_string(out), json_object_to_json_string(want));
	cr_assert_str_eq(json_object_get_string(at(json_object_array_get_idx(out, 0), "name")),
	                 "Azure " GRIN " Interior " THUMB);
	json_object_put(out);
	json_object_put(want);
	free(xml);
	free(c);
	free(b);
	free(a);
	free(cap);
}

/* Both rewrites of an answer together: doubles read apart, emoji swapped. */
Test(wide, with_doubles)
{
	size_t len;
	char *cap = mock_capture("search_read_product_sample.response.xml", &len), *xml;
	json_object *out, *p;
	struct odoo_error err;

	xml = edited(cap, "<string>Customizable Desk</string>", "<string>Desk " GRIN "</string>");
	cr_assert_eq(parse_str(xml, &out, &err), ODOO_OK, "%s", err.message);
	p = json_object_array_get_idx(out, 0);
	cr_assert_str_eq(json_object_get_string(at(p, "name")), "Desk " GRIN);
	cr_assert_str_eq(json_object_to_json_string(at(p, "list_price")), "750.0");
	cr_assert(json_object_get_double(at(json_object_array_get_idx(out, 1), "qty_available")) == 70.0);
	cr_assert_str_eq(json_object_get_string(at(json_object_array_get_idx(out, 1), "name")), "Desk " GRIN);
	json_object_put(out);
	free(xml);
	free(cap);
}

/* Odoo's messages quote what people typed: a fault keeps its emoji, on both endpoints. */
Test(wide, in_faults)
{
	static const char *const files[] = { "create_partner_no_name.response.xml",
	                                     "legacy__create_partner_no_name.response.xml" };
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char *cap = mock_capture(files[i], &len), *xml;
		json_object *out = NULL;
		struct odoo_error err;

		xml = edited(cap, "require a name", "require a name " GRIN " " PUA_E03D PUA_E600);
		cr_assert_eq(parse_str(xml, &out, &err), ODOO_E_USER, "%s: %s", files[i], err.message);
		cr_assert_null(out);
		cr_assert_str_eq(err.message, "The operation cannot be completed: Contacts require a name "
		                 GRIN " " PUA_E03D PUA_E600, "%s", files[i]);
		free(xml);
		free(cap);
	}
}

/* What is not a character stays refused (xmlrpc-c's own verdict, not a placeholder's). */
Test(wide, bad_characters_stay_bad)
{
	static const char *const bad[] = {
		RESPONSE("<string>\xf0\x9f\x98</string>"),          /* truncated */
		RESPONSE("<string>\xf4\x90\x80\x80</string>"),      /* past U+10FFFF */
		RESPONSE("<string>\xed\xa0\xbd\xed\xb8\x80</string>"), /* a surrogate pair in UTF-8 */
		RESPONSE("<string>&#x110000;</string>"),
		RESPONSE("<string>&#xD83D;&#xDE00;</string>"),
		RESPONSE("<string>&#65535;</string>"),
		RESPONSE("<string>&#x;</string>"),
		RESPONSE("<string>&#128512</string>"),
		RESPONSE("<int>" GRIN "</int>"),
		RESPONSE("<double>1" GRIN "</double>"),
		RESPONSE("<dateTime.iso8601>20261126T20:28:20" GRIN "</dateTime.iso8601>"),
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		json_object *out = NULL;
		struct odoo_error err;

		cr_assert_eq(parse_str(bad[i], &out, &err), ODOO_E_BAD_RESPONSE, "case %zu: %s", i, err.message);
		cr_assert_null(out);
	}
}

/* Every character past U+FFFF, at both ends of the planes, by UTF-8 and by reference. */
Test(wide, every_plane_boundary)
{
	static const uint32_t cps[] = { 0x10000, 0x103ff, 0x10400, 0x1f600, 0x1ffff, 0xeffff, 0x10fffe, 0x10ffff,
	                                0xe000, 0xe3ff, 0xe400, 0xe7ff, 0xe800, 0xe801, 0xefff, 0xf8ff, 0xfffd };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cps); i++) {
		char u[5] = { 0 }, xml[256], ref[256];
		uint32_t c = cps[i];
		json_object *out = NULL;
		struct odoo_error err;

		if (c > 0xffff) {
			u[0] = (char)(0xf0 | (c >> 18));
			u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
			u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[3] = (char)(0x80 | (c & 0x3f));
		} else {
			u[0] = (char)(0xe0 | (c >> 12));
			u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[2] = (char)(0x80 | (c & 0x3f));
		}
		snprintf(xml, sizeof xml, RESPONSE("<string>a%sb</string>"), u);
		cr_assert_eq(parse_str(xml, &out, &err), ODOO_OK, "U+%04X: %s", c, err.message);
		cr_assert_eq(json_object_get_string_len(out), (int)strlen(u) + 2, "U+%04X", c);
		cr_assert(memcmp(json_object_get_string(out) + 1, u, strlen(u)) == 0, "U+%04X", c);
		json_object_put(out);
		snprintf(ref, sizeof ref, RESPONSE("<string>a&#x%X;b&#%u;</string>"), c, c);
		cr_assert_eq(parse_str(ref, &out, &err), ODOO_OK, "&#x%X;: %s", c, err.message);
		snprintf(xml, sizeof xml, "a%sb%s", u, u);
		cr_assert_str_eq(json_object_get_string(out), xml, "&#x%X;", c);
		json_object_put(out);
	}
}

/* Appends c as UTF-8 to b. */
static void
put_cp(struct buf *b, uint32_t c)
{
	char u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	buf_append(b, u, n);
}

/*
 * Strings mixing emoji with every private-use character the swap uses (and
 * its neighbours), each written raw or as a reference, in a string and in
 * a member name: each reads back exactly.
 */
Test(wide, random_mixtures_read_back)
{
	static const uint32_t alphabet[] = { 'a', '&', 0xe9, 0xe3ff, 0xe400, 0xe7ff, 0xe800, 0xe801,
	                                     0xf8ff, 0xfffd, 0x10000, 0x1f600, 0x1f44d, 0x10ffff };
	uint32_t seed = 12345;
	int k;

	for (k = 0; k < 3000; k++) {
		struct buf xml, want;
		json_object *out = NULL, *v;
		struct odoo_error err;
		int i, n;

		buf_init(&xml, 1 << 16);
		buf_init(&want, 1 << 16);
		seed = seed * 1103515245u + 12345u;
		n = 1 + (int)((seed >> 16) % 12);
		for (i = 0; i < n; i++) {
			uint32_t c;
			char ref[16];

			seed = seed * 1103515245u + 12345u;
			c = alphabet[(seed >> 16) % ARRAY_SIZE(alphabet)];
			put_cp(&want, c);
			if (c == '&') {
				buf_puts(&xml, "&amp;");
			} else if ((seed >> 8) & 1) {
				snprintf(ref, sizeof ref, (seed >> 9) & 1 ? "&#x%X;" : "&#%u;", c);
				buf_puts(&xml, ref);
			} else {
				put_cp(&xml, c);
			}
		}
		{
			struct buf doc;

			buf_init(&doc, 1 << 17);
			buf_puts(&doc, "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct><member><name>");
			buf_append(&doc, xml.data, xml.len);
			buf_puts(&doc, "</name><value><string>");
			buf_append(&doc, xml.data, xml.len);
			buf_puts(&doc, "</string></value></member></struct></value></param></params></methodResponse>");
			buf_append(&want, "", 1);
			cr_assert_eq(xr_parse_response(doc.data, doc.len, &out, &err), ODOO_OK, "case %d: %s", k, err.message);
			buf_free(&doc);
		}
		cr_assert(json_object_object_get_ex(out, want.data, &v), "case %d: member name %s", k,
		          json_object_to_json_string(out));
		cr_assert_str_eq(json_object_get_string(v), want.data, "case %d", k);
		json_object_put(out);
		buf_free(&xml);
		buf_free(&want);
	}
}

static char *
nested(int depth)
{
	struct buf b;
	int i;

	buf_init(&b, 1 << 20);
	buf_puts(&b, "<?xml version=\"1.0\"?><methodResponse><params><param>");
	for (i = 0; i < depth; i++)
		buf_puts(&b, "<value><array><data>");
	buf_puts(&b, "<value><int>1</int></value>");
	for (i = 0; i < depth; i++)
		buf_puts(&b, "</data></array></value>");
	buf_puts(&b, "</param></params></methodResponse>");
	return b.data;
}

Test(results, bad_answers)
{
	static const char *const bad[] = {
		"",
		"this is not XML-RPC",
		"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>",
		RESPONSE("<double>inf</double>"),
		RESPONSE("<int>3000000000</int>"),
		"<?xml version=\"1.0\"?><methodResponse><params></params></methodResponse>",
		"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><methodResponse><params>"
		"<param><value><string>&a;</string></value></param></params></methodResponse>",
		"<?xml version=\"1.0\"?><methodResponse><fault><value><int>1</int></value></fault></methodResponse>",
		"<?xml version=\"1.0\"?><methodResponse><fault><value><struct></struct></value></fault></methodResponse>",
		RESPONSE("<double>nan</double>"),
		RESPONSE("<double> 1.5</double>"),
		RESPONSE("<double></double>"),
		RESPONSE("<double/>"),
		RESPONSE("<double a=\"1\">1.5</double>"),
		"<?xml version=\"1.0\"?><methodResponse><params><param><value><double>1.5",
		RESPONSE("<string><![CDATA[<double>1</double>]]></string>"),
		RESPONSE("<!-- <double>1</double> --><int>1</int>"),
		/* xmlrpc-c 1.33 crashes on these unless they are refused first */
		RESPONSE("<i8>-</i8>"),
		RESPONSE("<i8>[5000000000</i8>"),
		RESPONSE("<i8>99999999999999999999</i8>"),
		RESPONSE("<ex:i8>1.5</ex:i8>"),
		RESPONSE("<i8 >1</i8>"),
		/* found by the fuzzer: xmlrpc-c left garbage in its output pointer */
		"<\xf4\xf4l$>\n<fault>\n<value>66666666666666666666666666666666666666666666666666666666666666666"
		"\xca\xc9\xc9\xc6" "66</value>\t</fault>e>\n",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		json_object *out = (json_object *)1;
		struct odoo_error err;

		cr_assert_eq(parse_str(bad[i], &out, &err), ODOO_E_BAD_RESPONSE, "case %zu: %s", i, err.message);
		cr_assert_null(out);
		cr_assert_neq(err.message[0], '\0');
	}
}

/* Answers cut anywhere inside what odoo.c looks at before xmlrpc-c: refused, read within their bytes. */
Test(results, cut_inside_markup)
{
	static const char *const tails[] = {
		"<", "<d", "<do", "<double", "<double>1", "<double>1.5</dou", "<i", "<i8", "<i8>5", "<e", "<ex:i8>",
		"<!", "<!-", "<!DOC", "&", "&#", "&#x1F600", "&#128512", "\xf0", "\xf0\x9f\x98", "\xee\x80",
	};
	const char *head = "<?xml version=\"1.0\"?><methodResponse><params><param><value><string>x</string>";

	for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
		size_t hl = strlen(head), tl = strlen(tails[i]);
		/* exactly the bytes, no NUL after them: ASan sees any read past the end */
		char *x = xmalloc(hl + tl);
		json_object *out = NULL;
		struct odoo_error err;

		memcpy(x, head, hl);
		memcpy(x + hl, tails[i], tl);
		cr_assert_eq(xr_parse_response(x, hl + tl, &out, &err), ODOO_E_BAD_RESPONSE, "tail %zu", i);
		cr_assert_null(out);
		free(x);
	}
}

Test(results, depth_bounded)
{
	json_object *out;
	struct odoo_error err;
	char *x;

	x = nested(ODOO_MAX_DEPTH - 1);
	cr_assert_eq(parse_str(x, &out, &err), ODOO_OK, "%s", err.message);
	json_object_put(out);
	free(x);
	x = nested(ODOO_MAX_DEPTH);
	cr_assert_eq(parse_str(x, &out, &err), ODOO_E_BAD_RESPONSE);
	free(x);
	x = nested(200);   /* past xmlrpc-c's own limit too */
	cr_assert_eq(parse_str(x, &out, &err), ODOO_E_BAD_RESPONSE);
	free(x);
}

/* ------------------------------------------------------ classification */

struct fault_case {
	int  fault_code;
	char fs[160];
	enum odoo_err code;
	char message[96];   /* exact */
};

static const struct fault_case fault_cases[] = {
	{ 1, "Traceback (most recent call last):\n  File \"x.py\", line 1\nValueError: boom\n\n  \n",
	  ODOO_E_SERVER, "ValueError: boom" },
	{ 2, "  Invalid language code: es_ES\n", ODOO_E_USER, "Invalid language code: es_ES" },
	{ 2, "Record does not exist or has been deleted.\n(Record: res.partner(7,), User: 2)",
	  ODOO_E_MISSING, "Record does not exist or has been deleted.\n(Record: res.partner(7,), User: 2)" },
	{ 2, "El registro no existe o ha sido eliminado.\n(Registro: res.partner(7,), Usuario: 2)",
	  ODOO_E_MISSING, "El registro no existe o ha sido eliminado.\n(Registro: res.partner(7,), Usuario: 2)" },
	{ 2, "Record does not exist or has been deleted, said someone", ODOO_E_USER,
	  "Record does not exist or has been deleted, said someone" },
	{ 2, "Bad value\n\nTraceback (most recent call last):\n  File \"x\"\nKeyError: 1", ODOO_E_USER, "Bad value" },
	{ 2, "", ODOO_E_USER, "Odoo refused the operation" },
	{ 2, "tab\tand\rCR\x01", ODOO_E_USER, "tab\tandCR" },
	{ 2, "bad \xff byte", ODOO_E_USER, "bad ? byte" },
	{ 3, "Access Denied", ODOO_E_LOGIN, "Access Denied" },
	{ 4, "You are not allowed to modify 'Contact' (res.partner) records.", ODOO_E_ACCESS,
	  "You are not allowed to modify 'Contact' (res.partner) records." },
	{ 0, "odd", ODOO_E_SERVER, "odd" },
	{ 42, "first\nlast", ODOO_E_SERVER, "last" },
	{ -1, "", ODOO_E_SERVER, "" },
};

ParameterizedTestParameters(classify, table)
{
	return cr_make_param_array(struct fault_case, (void *)fault_cases, ARRAY_SIZE(fault_cases));
}

ParameterizedTest(const struct fault_case *c, classify, table)
{
	struct odoo_error err;

	odoo_classify_fault(c->fault_code, c->fs, &err);
	cr_assert_eq(err.code, c->code, "code %d \"%s\": %s", c->fault_code, c->fs, odoo_strerror(err.code));
	cr_assert_eq(err.fault_code, c->fault_code);
	cr_assert_str_eq(err.message, c->message);
}

static bool
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
		        (*p & 0xf8) == 0xf0 ? 4 : 0;
		cr_assert_neq(n, 0, "bad lead byte");
		for (int i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

Test(classify, long_message_cut_on_a_character)
{
	struct odoo_error err;
	char *fs = xmalloc(3001);
	size_t i, n;

	/* 1000 two-byte characters after one ASCII byte: every cut point is odd. */
	fs[0] = 'x';
	for (i = 0; i < 1000; i++)
		memcpy(fs + 1 + 2 * i, "\xc3\xa9", 2);
	fs[2001] = '\0';
	odoo_classify_fault(2, fs, &err);
	n = strlen(err.message);
	cr_assert_lt(n, sizeof err.message);
	cr_assert_gt(n, 900);
	cr_assert(valid_utf8(err.message));
	cr_assert_str_eq(err.message + n - 3, "...");
	free(fs);
}

Test(classify, status_table)
{
	static const struct { enum odoo_err e; int status; } t[] = {
		{ ODOO_OK, 200 }, { ODOO_E_UNREACHABLE, 503 }, { ODOO_E_TIMEOUT, 504 },
		{ ODOO_E_BAD_RESPONSE, 502 }, { ODOO_E_LOGIN, 503 }, { ODOO_E_ACCESS, 403 },
		{ ODOO_E_USER, 422 }, { ODOO_E_MISSING, 404 }, { ODOO_E_SERVER, 502 },
		{ ODOO_E_REQUEST, 400 },
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		cr_assert_eq(odoo_http_status(t[i].e), t[i].status, "%d", t[i].e);
		cr_assert_not_null(odoo_strerror(t[i].e));
		for (j = 0; j < i; j++)
			cr_assert_str_neq(odoo_strerror(t[i].e), odoo_strerror(t[j].e));
	}
	cr_assert_eq(odoo_http_status((enum odoo_err)99), 500);
	cr_assert_not_null(odoo_strerror((enum odoo_err)99));
}

Test(classify, legacy_warning_kinds)
{
	static const struct { const char *code; enum odoo_err e; const char *msg; } t[] = {
		{ "warning -- Warning\n\nSee the wizard", ODOO_E_USER, "See the wizard" },
		{ "warning -- ValidationError\n\nBad VAT", ODOO_E_USER, "Bad VAT" },
		{ "warning -- SomethingNew\n\nNew kind", ODOO_E_USER, "New kind" },
		{ "warning -- MissingError\n\nGone", ODOO_E_MISSING, "Gone" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		char xml[512];
		json_object *out;
		struct odoo_error err;

		snprintf(xml, sizeof xml, "<?xml version=\"1.0\"?>\n<methodResponse>\n<fault>\n<value><struct>\n"
		         "<member>\n<name>faultCode</name>\n<value><string>%s</string></value>\n</member>\n"
		         "<member>\n<name>faultString</name>\n<value><string></string></value>\n</member>\n"
		         "</struct></value>\n</fault>\n\n</methodResponse>\n", t[i].code);
		cr_assert_eq(parse_str(xml, &out, &err), t[i].e, "%s", t[i].code);
		cr_assert_str_eq(err.message, t[i].msg);
	}
}

/* ------------------------------------------------------- writing calls */

/* Structural equality of two xmlrpc-c values (ints of either width equal). */
static bool
xv_equal(xmlrpc_value *a, xmlrpc_value *b)
{
	xmlrpc_env env;
	xmlrpc_type ta = xmlrpc_value_type(a), tb = xmlrpc_value_type(b);
	bool eq = false;

	xmlrpc_env_init(&env);
	if ((ta == XMLRPC_TYPE_INT || ta == XMLRPC_TYPE_I8) &&
	    (tb == XMLRPC_TYPE_INT || tb == XMLRPC_TYPE_I8)) {
		xmlrpc_int64 x, y;
		int i;
		if (ta == XMLRPC_TYPE_INT) { xmlrpc_read_int(&env, a, &i); x = i; } else xmlrpc_read_i8(&env, a, &x);
		if (tb == XMLRPC_TYPE_INT) { xmlrpc_read_int(&env, b, &i); y = i; } else xmlrpc_read_i8(&env, b, &y);
		eq = x == y;
	} else if (ta != tb) {
		eq = false;
	} else if (ta == XMLRPC_TYPE_BOOL) {
		xmlrpc_bool x, y;
		xmlrpc_read_bool(&env, a, &x);
		xmlrpc_read_bool(&env, b, &y);
		eq = !x == !y;
	} else if (ta == XMLRPC_TYPE_DOUBLE) {
		double x, y;
		xmlrpc_read_double(&env, a, &x);
		xmlrpc_read_double(&env, b, &y);
		eq = memcmp(&x, &y, sizeof x) == 0;
	} else if (ta == XMLRPC_TYPE_STRING) {
		const char *x, *y;
		size_t nx, ny;
		xmlrpc_read_string_lp(&env, a, &nx, &x);
		xmlrpc_read_string_lp(&env, b, &ny, &y);
		eq = nx == ny && memcmp(x, y, nx) == 0;
		free((void *)x);
		free((void *)y);
	} else if (ta == XMLRPC_TYPE_ARRAY) {
		int i, n = xmlrpc_array_size(&env, a);
		eq = n == xmlrpc_array_size(&env, b);
		for (i = 0; eq && i < n; i++) {
			xmlrpc_value *x, *y;
			xmlrpc_array_read_item(&env, a, (unsigned)i, &x);
			xmlrpc_array_read_item(&env, b, (unsigned)i, &y);
			eq = xv_equal(x, y);
			xmlrpc_DECREF(x);
			xmlrpc_DECREF(y);
		}
	} else if (ta == XMLRPC_TYPE_STRUCT) {
		int i, n = xmlrpc_struct_size(&env, a);
		eq = n == xmlrpc_struct_size(&env, b);
		for (i = 0; eq && i < n; i++) {
			xmlrpc_value *k, *x, *y = NULL;
			const char *key;
			xmlrpc_struct_read_member(&env, a, (unsigned)i, &k, &x);
			xmlrpc_read_string(&env, k, &key);
			xmlrpc_struct_find_value(&env, b, key, &y);
			eq = y != NULL && xv_equal(x, y);
			free((void *)key);
			xmlrpc_DECREF(k);
			xmlrpc_DECREF(x);
			if (y)
				xmlrpc_DECREF(y);
		}
	}
	cr_assert(!env.fault_occurred, "%s", env.fault_string);
	xmlrpc_env_clean(&env);
	return eq;
}

/* Test-side conversion of a parsed call to JSON, independent of odoo.c. */
static json_object *
xv_to_json(xmlrpc_value *v)
{
	xmlrpc_env env;
	json_object *j = NULL;

	xmlrpc_env_init(&env);
	switch (xmlrpc_value_type(v)) {
	case XMLRPC_TYPE_INT: { int i; xmlrpc_read_int(&env, v, &i); j = json_object_new_int64(i); break; }
	case XMLRPC_TYPE_BOOL: { xmlrpc_bool b; xmlrpc_read_bool(&env, v, &b); j = json_object_new_boolean(b); break; }
	case XMLRPC_TYPE_DOUBLE: { double d; xmlrpc_read_double(&env, v, &d); j = json_object_new_double(d); break; }
	case XMLRPC_TYPE_STRING: {
		const char *s; size_t n;
		xmlrpc_read_string_lp(&env, v, &n, &s);
		j = json_object_new_string_len(s, (int)n);
		free((void *)s);
		break;
	}
	case XMLRPC_TYPE_ARRAY: {
		int i, n = xmlrpc_array_size(&env, v);
		j = json_object_new_array();
		for (i = 0; i < n; i++) {
			xmlrpc_value *x;
			xmlrpc_array_read_item(&env, v, (unsigned)i, &x);
			json_object_array_add(j, xv_to_json(x));
			xmlrpc_DECREF(x);
		}
		break;
	}
	case XMLRPC_TYPE_STRUCT: {
		int i, n = xmlrpc_struct_size(&env, v);
		j = json_object_new_object();
		for (i = 0; i < n; i++) {
			xmlrpc_value *k, *x;
			const char *key;
			xmlrpc_struct_read_member(&env, v, (unsigned)i, &k, &x);
			xmlrpc_read_string(&env, k, &key);
			json_object_object_add(j, key, xv_to_json(x));
			free((void *)key);
			xmlrpc_DECREF(k);
			xmlrpc_DECREF(x);
		}
		break;
	}
	default:
		cr_assert_fail("unexpected type %d in a captured request", xmlrpc_value_type(v));
	}
	cr_assert(!env.fault_occurred, "%s", env.fault_string);
	xmlrpc_env_clean(&env);
	return j;
}

static void
parse_call(const char *xml, size_t len, const char **method, xmlrpc_value **params)
{
	xmlrpc_env env;

	xmlrpc_env_init(&env);
	xmlrpc_parse_call(&env, xml, len, method, params);
	cr_assert(!env.fault_occurred, "xmlrpc-c cannot read the call: %s", env.fault_string);
	xmlrpc_env_clean(&env);
}

/* Every captured request, rebuilt from JSON, reads back as the same call. */
Test(serialize, captured_requests_round_trip)
{
	char path[1024], *slash;
	DIR *d;
	struct dirent *e;
	int done = 0;

	mock_capture_path(path, sizeof path, "x");
	slash = strrchr(path, '/');
	*slash = '\0';
	d = opendir(path);
	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name), len, mine_len;
		const char *m1, *m2;
		xmlrpc_value *p1, *p2;
		json_object *j;
		char *xml, *mine;

		if (n < 12 || strcmp(e->d_name + n - 12, ".request.xml") != 0)
			continue;
		xml = mock_capture(e->d_name, &len);
		parse_call(xml, len, &m1, &p1);
		j = xv_to_json(p1);
		mine = xr_serialize_call(m1, j, &mine_len);
		cr_assert_not_null(mine, "%s: not serialised", e->d_name);
		cr_assert_eq(strlen(mine), mine_len);
		parse_call(mine, mine_len, &m2, &p2);
		cr_assert_str_eq(m1, m2);
		cr_assert(xv_equal(p1, p2), "%s: params differ:\n%s", e->d_name, mine);
		free((void *)m1);
		free((void *)m2);
		xmlrpc_DECREF(p1);
		xmlrpc_DECREF(p2);
		json_object_put(j);
		free(mine);
		free(xml);
		done++;
	}
	closedir(d);
	cr_assert_gt(done, 40);
}

/* The create call of the captures, written from the JSON the sales module builds. */
Test(serialize, create_sale_order_like_capture)
{
	const char *json = "[\"odoo_pelotazo\", 2, \"admin\", \"sale.order\", \"create\", [{"
		"\"partner_id\": 12, \"client_order_ref\": \"reference capture\", \"order_line\": ["
		"[0, 0, {\"product_id\": 5, \"product_uom_qty\": 3}],"
		"[0, 0, {\"product_id\": 6, \"product_uom_qty\": 1, \"price_unit\": 99.5,"
		" \"name\": \"custom description line\", \"tax_id\": [[6, 0, [1]]]}]]}]]";
	json_object *j = json_tokener_parse(json);
	size_t len, mlen;
	char *cap = mock_capture("create_sale_order_with_lines.request.xml", &len);
	char *mine = xr_serialize_call("execute_kw", j, &mlen);
	const char *m1, *m2;
	xmlrpc_value *p1, *p2;

	cr_assert_not_null(j);
	cr_assert_not_null(mine);
	parse_call(cap, len, &m1, &p1);
	parse_call(mine, mlen, &m2, &p2);
	cr_assert_str_eq(m2, "execute_kw");
	cr_assert(xv_equal(p1, p2), "differs from the capture:\n%s", mine);
	cr_assert_not_null(strstr(mine, "<double>99.5</double>"));
	free((void *)m1);
	free((void *)m2);
	xmlrpc_DECREF(p1);
	xmlrpc_DECREF(p2);
	json_object_put(j);
	free(mine);
	free(cap);
}

static char *
ser_json(const char *json)
{
	json_object *j = json_tokener_parse(json);
	char *s;

	cr_assert_not_null(j, "bad test JSON %s", json);
	s = xr_serialize_call("m", j, NULL);
	json_object_put(j);
	return s;
}

Test(serialize, scalars)
{
	static const struct { const char *json, *xml; } t[] = {
		{ "[null]", "<param><value><boolean>0</boolean></value></param>" },
		{ "[true, false]", "<value><boolean>1</boolean></value></param><param><value><boolean>0</boolean>" },
		{ "[2147483647]", "<int>2147483647</int>" },
		{ "[-2147483648]", "<int>-2147483648</int>" },
		{ "[2147483648]", "<i8>2147483648</i8>" },
		{ "[-9223372036854775808]", "<i8>-9223372036854775808</i8>" },
		{ "[9223372036854775807]", "<i8>9223372036854775807</i8>" },
		{ "[14.930000000000007]", "<double>14.930000000000007</double>" },
		{ "[750.0]", "<double>750.0</double>" },
		{ "[0.1]", "<double>0.1</double>" },
		{ "[1e300]", "<double>1e+300</double>" },
		{ "[\"a<b>&c\\r\\n\\t\"]", "<string>a&lt;b&gt;&amp;c&#13;\n\t</string>" },
		{ "[\"caf\xc3\xa9 \xf0\x9f\x98\x80\"]", "<string>caf\xc3\xa9 \xf0\x9f\x98\x80</string>" },
		{ "[{\"a&b\": []}]", "<struct><member><name>a&amp;b</name><value><array><data></data></array></value></member></struct>" },
		{ "[]", "<methodName>m</methodName><params></params>" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		char *s = ser_json(t[i].json);
		cr_assert_not_null(s, "%s", t[i].json);
		cr_assert_not_null(strstr(s, t[i].xml), "%s gave %s", t[i].json, s);
		free(s);
	}
}

/*
 * Read back with strtod (as Python's float() does), not with xmlrpc-c,
 * whose <double> reader is not correctly rounded.
 */
Test(serialize, doubles_read_back_exactly)
{
	static const double v[] = { 14.930000000000007, 0.1, 1e300, 5e-324, -0.0, 750.0, 324.43,
	                            2.2250738585072014e-308, 1.7976931348623157e308, 123456789.123456789 };
	json_object *a = json_object_new_array();
	const char *p;
	size_t i;
	char *s;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		json_object_array_add(a, json_object_new_double(v[i]));
	s = xr_serialize_call("m", a, NULL);
	cr_assert_not_null(s);
	p = s;
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		char *end;
		double d;

		p = strstr(p, "<double>");
		cr_assert_not_null(p, "double %zu missing in %s", i, s);
		p += 8;
		d = strtod(p, &end);
		cr_assert(strncmp(end, "</double>", 9) == 0, "%s", p);
		cr_assert(memcmp(&d, &v[i], sizeof d) == 0, "%.17g came back as %.17g", v[i], d);
	}
	free(s);
	json_object_put(a);
}

Test(serialize, refuses_unsendable)
{
	static const char *const bad[] = {
		"[18446744073709551615]",      /* past INT64_MAX */
		"[\"a\\u0001b\"]",             /* control character: XML 1.0 forbids it */
		"[\"nul\\u0000inside\"]",
		"[\"\\uffff\"]",
		"[NaN]",
		"[Infinity]",
		"{\"not\": \"an array\"}",
		"[{\"k\\u0002\": 1}]",
	};
	size_t i;
	json_object *a;
	char *s, raw[] = "[\"x\"]";

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		json_object *j = json_tokener_parse(bad[i]);
		cr_assert_not_null(j, "test JSON %s", bad[i]);
		s = xr_serialize_call("m", j, NULL);
		cr_assert_null(s, "%s was serialised: %s", bad[i], s);
		json_object_put(j);
	}
	/* invalid UTF-8 (json-c does not check it) */
	a = json_object_new_array();
	json_object_array_add(a, json_object_new_string("bad \xc3\x28 utf8"));
	cr_assert_null(xr_serialize_call("m", a, NULL));
	json_object_put(a);
	a = json_object_new_array();
	json_object_array_add(a, json_object_new_string("overlong \xc0\xaf"));
	cr_assert_null(xr_serialize_call("m", a, NULL));
	json_object_put(a);
	a = json_object_new_array();
	json_object_array_add(a, json_object_new_string("surrogate \xed\xa0\x80"));
	cr_assert_null(xr_serialize_call("m", a, NULL));
	json_object_put(a);
	/* a control: the same shape with good text works */
	s = ser_json(raw);
	cr_assert_not_null(s);
	free(s);
}

Test(serialize, depth_bounded)
{
	json_object *root = json_object_new_array(), *cur = root;
	char *s;
	int i;

	/* params array + ODOO_MAX_DEPTH nested values is the limit. */
	for (i = 1; i <= ODOO_MAX_DEPTH; i++) {
		json_object *n = json_object_new_array();
		json_object_array_add(cur, n);
		cur = n;
	}
	s = xr_serialize_call("m", root, NULL);
	cr_assert_not_null(s, "depth %d refused", ODOO_MAX_DEPTH);
	free(s);
	json_object_array_add(cur, json_object_new_array());
	cr_assert_null(xr_serialize_call("m", root, NULL));
	json_object_put(root);
}

/* What Odoo's own parser (Python's xmlrpc.client) reads from our bytes. */
Test(serialize, python_reads_it)
{
	const char *py = getenv("PYTHON3");
	char tmpl[] = "/tmp/test_odoo_XXXXXX", cmd[512], got[512];
	const char *want = "(('caf\\xe9 a\\r\\nb<&>', 5000000000, -7, 14.930000000000007, 750.0, 1e-05, "
	                   "False, True, False, [], {'k': [1.5]}), 'execute_kw')";
	char *s;
	FILE *f, *p;
	int fd;
	size_t n;

	if (py == NULL || *py == '\0' || strcmp(py, "no") == 0)
		cr_skip_test("PYTHON3 not set (make check sets it)");
	s = ser_json("[\"caf\xc3\xa9 a\\r\\nb<&>\", 5000000000, -7, 14.930000000000007, 750.0, 1e-05,"
	             " null, true, false, [], {\"k\": [1.5]}]");
	cr_assert_not_null(s);
	/* the method name is fixed by ser_json: rewrite it for the check */
	{
		char *m = strstr(s, "<methodName>m</methodName>");
		cr_assert_not_null(m);
		fd = mkstemp(tmpl);
		cr_assert_geq(fd, 0);
		f = fdopen(fd, "w");
		fwrite(s, 1, (size_t)(m - s), f);
		fputs("<methodName>execute_kw</methodName>", f);
		fputs(m + strlen("<methodName>m</methodName>"), f);
		fclose(f);
	}
	snprintf(cmd, sizeof cmd, "'%s' -c 'import sys, xmlrpc.client as x; "
	         "print(ascii(x.loads(open(sys.argv[1], \"rb\").read())))' %s", py, tmpl);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(got, 1, sizeof got - 1, p);
	got[n] = '\0';
	pclose(p);
	unlink(tmpl);
	if (n > 0 && got[n - 1] == '\n')
		got[n - 1] = '\0';
	cr_assert_str_eq(got, want);
	free(s);
}

/* --------------------------------------------- a tiny Odoo on loopback */

enum act {
	A_REPLY,      /* 200 with a capture's body, Connection: close (as Odoo) */
	A_HANG,       /* read the request, never answer */
	A_DROP,       /* read the request, close without a byte */
	A_RAW,        /* send a captured raw HTTP answer (headers and all) */
	A_NOLEN,      /* 200 with the capture's body, no Content-Length */
	A_INLINE,     /* 200 with the body given inline (synthetic) */
};

/* Inline text, no pointer: scenarios are Criterion parameters too. */
struct step {
	enum act act;
	char     file[480];   /* capture name, or the body for A_INLINE */
};

/* A mock Odoo playing a script: request i gets step i (the last one from then on). */
struct server {
	struct mock_odoo *m;
	int port;
	const struct step *script;
	size_t nsteps;
	struct mock_seen seen;   /* what it saw, filled by server_stop() */
};

static void
scripted(void *ud, const struct mock_request *rq, struct mock_answer *a)
{
	const struct server *s = ud;
	const struct step *st = &s->script[(size_t)rq->n - 1 < s->nsteps ? (size_t)rq->n - 1 : s->nsteps - 1];

	switch (st->act) {
	case A_HANG:
		a->act = MOCK_HANG;
		break;
	case A_DROP:
		a->act = MOCK_DROP;
		break;
	case A_INLINE:
		mock_reply_text(a, st->file);
		break;
	case A_REPLY:
	case A_RAW:
	case A_NOLEN:
		mock_reply_capture(a, st->file);
		a->act = st->act == A_RAW ? MOCK_RAW : st->act == A_NOLEN ? MOCK_REPLY_NOLEN : MOCK_REPLY;
		break;
	}
}

static void
server_start_ka(struct server *s, const struct step *script, size_t n, bool keepalive)
{
	memset(s, 0, sizeof *s);
	s->script = script;
	s->nsteps = n;
	s->m = mock_odoo_start(scripted, s, keepalive);
	s->port = mock_odoo_port(s->m);
}

static void
server_start(struct server *s, const struct step *script, size_t n)
{
	server_start_ka(s, script, n, false);
}

static void
server_stop(struct server *s)
{
	mock_odoo_stop(s->m, &s->seen);
	s->m = NULL;
}

static struct odoo *
client(int port, const char *prefix, long timeout_ms, size_t max_response)
{
	char url[128];
	struct odoo_config cfg = {
		.url = url, .db = "odoo_pelotazo", .username = "admin", .password = "s3cret-pass",
		.protocol = ODOO_PROTO_XMLRPC, .timeout_ms = timeout_ms, .max_response = max_response,
	};
	struct odoo *o;

	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, prefix);
	o = odoo_new(&cfg);
	cr_assert_not_null(o);
	return o;
}

static enum odoo_err
search_read(struct odoo *o, bool idempotent, json_object **out, struct odoo_error *err)
{
	json_object *args = json_tokener_parse("[[]]");
	json_object *kw = json_tokener_parse("{\"fields\": [\"name\"], \"limit\": 3}");
	enum odoo_err rc = odoo_call(o, NULL, "product.product", idempotent ? "search_read" : "write",
	                                   args, kw, idempotent, out, err);
	json_object_put(args);
	json_object_put(kw);
	return rc;
}

Test(transport, timeout_is_honoured_and_not_retried)
{
	static const struct step script[] = { { A_HANG, "" } };
	struct server s;
	struct odoo *o;
	struct odoo_error err;
	struct odoo_version ver;
	int64_t t0, ms;
	long lat = -1;

	server_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, "", 300, 1 << 20);
	t0 = now_mono_us();
	cr_assert_eq(odoo_version(o, &ver, &lat, &err), ODOO_E_TIMEOUT, "%s", err.message);
	ms = (now_mono_us() - t0) / 1000;
	cr_assert_geq(ms, 250, "gave up after %lld ms", (long long)ms);
	cr_assert_lt(ms, 2000, "took %lld ms for a 300 ms timeout", (long long)ms);
	cr_assert_geq(lat, 250);
	cr_assert_eq(odoo_http_status(err.code), 504);
	odoo_free(o);
	server_stop(&s);
	cr_assert_eq(s.seen.requests, 1, "a timed-out read was sent %d times", s.seen.requests);
}

Test(transport, refused_is_unreachable)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;
	struct odoo *o;
	struct odoo_error err;
	struct odoo_version ver;
	struct odoo_stats st;

	/* A port that was free a moment ago and has nothing listening now. */
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	port = ntohs(a.sin_port);
	close(fd);
	o = client(port, "", 2000, 1 << 20);
	cr_assert_eq(odoo_version(o, &ver, NULL, &err), ODOO_E_UNREACHABLE, "%s", err.message);
	cr_assert_eq(odoo_http_status(err.code), 503);
	odoo_get_stats(o, &st);
	cr_assert_eq(st.calls, 2, "a read is tried twice, got %lu", st.calls);
	cr_assert_eq(st.failures, 2);
	odoo_free(o);
}

static void
expect_bad(const struct step *script, size_t n, size_t max_response, const char *msg)
{
	struct server s;
	struct odoo *o;
	struct odoo_error err;
	struct odoo_version ver;
	json_object *out = NULL;

	server_start(&s, script, n);
	o = client(s.port, "", 2000, max_response);
	cr_assert_eq(odoo_version(o, &ver, NULL, &err), ODOO_E_BAD_RESPONSE, "%s", err.message);
	cr_assert_null(out);
	cr_assert_not_null(strstr(err.message, msg), "message \"%s\"", err.message);
	cr_assert_eq(odoo_http_status(err.code), 502);
	odoo_free(o);
	server_stop(&s);
	cr_assert_eq(s.seen.requests, 1, "a bad answer is not retried");
}

Test(transport, http_500_is_bad_response)
{
	static const struct step script[] = { { A_RAW, "http__no_host_header.response.txt" } };
	expect_bad(script, 1, 1 << 20, "HTTP status 500");
}

Test(transport, http_405_is_bad_response)
{
	static const struct step script[] = { { A_RAW, "http__get_instead_of_post.response.txt" } };
	expect_bad(script, 1, 1 << 20, "HTTP status 405");
}

Test(transport, garbage_200_is_bad_response)
{
	/* A capture that is not XML-RPC: the request file, sent back as an answer. */
	static const struct step script[] = { { A_REPLY, "http__get_instead_of_post.request.txt" } };
	expect_bad(script, 1, 1 << 20, "not XML-RPC");
}

/* search_read_product_sample.response.xml is 4107 bytes. */
Test(transport, oversized_with_length)
{
	static const struct step script[] = { { A_REPLY, "search_read_product_sample.response.xml" } };
	expect_bad(script, 1, 4000, "larger than 4000 bytes");
}

Test(transport, oversized_without_length)
{
	static const struct step script[] = { { A_NOLEN, "search_read_product_sample.response.xml" } };
	expect_bad(script, 1, 4000, "larger than 4000 bytes");
}

Test(transport, same_size_fits_when_allowed)
{
	static const struct step script[] = { { A_NOLEN, "search_read_product_sample.response.xml" } };
	struct server s;
	struct odoo *o;
	struct odoo_error err;
	struct odoo_version ver;

	server_start(&s, script, 1);
	o = client(s.port, "", 2000, 4107);
	/* version() wants a struct: the array is a bad answer, but not for its size. */
	cr_assert_eq(odoo_version(o, &ver, NULL, &err), ODOO_E_BAD_RESPONSE);
	cr_assert_null(strstr(err.message, "larger"), "%s", err.message);
	odoo_free(o);
	server_stop(&s);
}

Test(transport, host_path_and_content_type)
{
	static const struct step script[] = {
		{ A_REPLY, "version.response.xml" },
		{ A_REPLY, "authenticate_ok.response.xml" },
		{ A_REPLY, "search_read_product_sample.response.xml" },
	};
	struct server s;
	struct odoo *o;
	struct odoo_error err;
	struct odoo_version ver;
	json_object *out = NULL;
	long lat = -1;

	server_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, "/odoo/", 2000, 1 << 20);
	cr_assert_eq(odoo_version(o, &ver, &lat, &err), ODOO_OK, "%s", err.message);
	cr_assert_str_eq(ver.text, "18.0");
	cr_assert_eq(ver.major, 18);
	cr_assert_geq(lat, 0);
	json_object_put(out);
	mock_odoo_seen(s.m, &s.seen);
	cr_assert_str_eq(s.seen.path, "/odoo/xmlrpc/2/common");
	cr_assert_eq(search_read(o, true, &out, &err), ODOO_OK, "%s", err.message);
	cr_assert_eq(json_object_array_length(out), 3);
	json_object_put(out);
	odoo_free(o);
	server_stop(&s);
	cr_assert_str_eq(s.seen.path, "/odoo/xmlrpc/2/object");
	cr_assert_str_eq(s.seen.ctype, " text/xml");
	cr_assert_eq(s.seen.without_host, 0);
	cr_assert_eq(s.seen.requests, 3);
	cr_assert_eq(s.seen.version, 1);
	cr_assert_eq(s.seen.authenticate, 1);
	cr_assert_eq(s.seen.execute_kw, 1);
}

Test(transport, uid_is_kept)
{
	static const struct step script[] = {
		{ A_REPLY, "authenticate_ok.response.xml" },
		{ A_REPLY, "search_read_product_sample.response.xml" },
	};
	struct server s;
	struct odoo *o;
	struct odoo_error err;
	json_object *out = NULL;
	int i;

	server_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, "", 2000, 1 << 20);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(search_read(o, true, &out, &err), ODOO_OK, "%s", err.message);
		json_object_put(out);
	}
	cr_assert_eq(odoo_service_uid(o, &err), 2);
	odoo_free(o);
	server_stop(&s);
	cr_assert_eq(s.seen.authenticate, 1);
	cr_assert_eq(s.seen.execute_kw, 3);
}

/*
 * One execute_kw against a scripted Odoo: what it returns, and how many
 * authenticate and execute_kw requests Odoo saw (re-login, retries).
 */
struct scenario {
	char          name[40];
	struct step   steps[5];
	size_t        nsteps;
	bool          idempotent;
	long          timeout_ms;
	enum odoo_err want;
	int           auth, exec;
};

#define AUTH_OK   { A_REPLY, "authenticate_ok.response.xml" }
#define DENIED    { A_REPLY, "execute_kw_wrong_password.response.xml" }
#define PRODUCTS  { A_REPLY, "search_read_product_sample.response.xml" }

static const struct scenario scenarios[] = {
	{ "access denied, new login, retried", { AUTH_OK, DENIED, AUTH_OK, PRODUCTS }, 4,
	  true, 2000, ODOO_OK, 2, 2 },
	/* AccessDenied is refused before anything runs: a write is retried too */
	{ "access denied twice", { AUTH_OK, DENIED, AUTH_OK, DENIED, PRODUCTS }, 5,
	  false, 2000, ODOO_E_LOGIN, 2, 2 },
	{ "service login refused", { { A_REPLY, "authenticate_wrong_password.response.xml" } }, 1,
	  true, 2000, ODOO_E_LOGIN, 1, 0 },
	{ "service login on a missing db", { { A_REPLY, "authenticate_unknown_db.response.xml" } }, 1,
	  true, 2000, ODOO_E_LOGIN, 1, 0 },  /* a misconfiguration: 503 */
	{ "write not repeated after a drop", { AUTH_OK, { A_DROP, "" }, PRODUCTS }, 3,
	  false, 2000, ODOO_E_UNREACHABLE, 1, 1 },
	{ "read repeated after a drop", { AUTH_OK, { A_DROP, "" }, PRODUCTS }, 3,
	  true, 2000, ODOO_OK, 1, 2 },
	{ "read repeated only once", { AUTH_OK, { A_DROP, "" }, { A_DROP, "" }, PRODUCTS }, 4,
	  true, 2000, ODOO_E_UNREACHABLE, 1, 2 },
	{ "write timed out, not repeated", { AUTH_OK, { A_HANG, "" }, PRODUCTS }, 3,
	  false, 300, ODOO_E_TIMEOUT, 1, 1 },
	{ "read timed out, not repeated", { AUTH_OK, { A_HANG, "" }, PRODUCTS }, 3,
	  true, 300, ODOO_E_TIMEOUT, 1, 1 },
	{ "HTTP 500, not repeated", { AUTH_OK, { A_RAW, "http__no_host_header.response.txt" }, PRODUCTS }, 3,
	  true, 2000, ODOO_E_BAD_RESPONSE, 1, 1 },
	{ "user error passes through", { AUTH_OK, { A_REPLY, "create_partner_no_name.response.xml" } }, 2,
	  false, 2000, ODOO_E_USER, 1, 1 },
};

ParameterizedTestParameters(transport, scenario)
{
	return cr_make_param_array(struct scenario, (void *)scenarios, ARRAY_SIZE(scenarios));
}

ParameterizedTest(const struct scenario *c, transport, scenario)
{
	struct server s;
	struct odoo *o;
	struct odoo_error err;
	json_object *out = NULL;
	enum odoo_err rc;

	server_start(&s, c->steps, c->nsteps);
	o = client(s.port, "", c->timeout_ms, 1 << 20);
	rc = search_read(o, c->idempotent, &out, &err);
	json_object_put(out);
	odoo_free(o);
	server_stop(&s);
	cr_assert_eq(rc, c->want, "%s: got %s (%s)", c->name, odoo_strerror(rc), err.message);
	cr_assert_eq(s.seen.authenticate, c->auth, "%s: %d authenticate calls", c->name, s.seen.authenticate);
	cr_assert_eq(s.seen.execute_kw, c->exec, "%s: %d execute_kw calls", c->name, s.seen.execute_kw);
}

/*
 * odoo.c counts every round trip for /metrics (metrics.h), in one place:
 * the re-login and the retry of the scenarios above show up as such, and
 * each round trip under its model, method and outcome.
 */
Test(transport, round_trips_retries_and_relogins_are_counted)
{
	static const struct step relogin[] = { AUTH_OK, DENIED, AUTH_OK, PRODUCTS };
	static const struct step drop[] = { AUTH_OK, { A_DROP, "" }, PRODUCTS };
	static const char *const want[] = {
		"odoo_bridge_odoo_calls_total{model=\"common\",method=\"authenticate\",outcome=\"ok\"} 3",
		"odoo_bridge_odoo_calls_total{model=\"product.product\",method=\"search_read\",outcome=\"login\"} 1",
		"odoo_bridge_odoo_calls_total{model=\"product.product\",method=\"search_read\",outcome=\"ok\"} 2",
		"odoo_bridge_odoo_calls_total{model=\"product.product\",method=\"search_read\",outcome=\"unreachable\"} 1",
		"odoo_bridge_odoo_retries_total 1",
		"odoo_bridge_odoo_relogins_total 1",
		"odoo_bridge_build_info{version=\"" PACKAGE_VERSION "\",odoo_protocol=\"xmlrpc\",odoo_version=\"unknown\"} 1",
	};
	char dir[] = "/tmp/test_odoo_metrics.XXXXXX", path[64];
	struct server s;
	struct odoo *o;
	struct odoo_error err;
	json_object *out = NULL;
	struct buf b;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/metrics", dir);
	metrics_open(path, NULL);
	for (int i = 0; i < 2; i++) {
		if (i == 0)
			server_start(&s, relogin, ARRAY_SIZE(relogin));
		else
			server_start(&s, drop, ARRAY_SIZE(drop));
		o = client(s.port, "", 2000, 1 << 20);
		cr_assert_eq(search_read(o, true, &out, &err), ODOO_OK, "%s", err.message);
		json_object_put(out);
		odoo_free(o);
		server_stop(&s);
	}
	buf_init(&b, 1 << 20);
	cr_assert(metrics_render(&b));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		cr_assert_not_null(strstr(b.data, want[i]), "missing: %s\n%s", want[i], b.data);
	buf_free(&b);
	metrics_close();
	unlink(path);
	rmdir(dir);
}

Test(transport, user_login_checked)
{
	static const struct step script[] = {
		{ A_REPLY, "authenticate_ok.response.xml" },
		{ A_REPLY, "authenticate_wrong_password.response.xml" },
		{ A_REPLY, "authenticate_unknown_db.response.xml" },
	};
	struct server s;
	struct odoo *o;
	struct odoo_error err;
	bool is_key = false;
	long uid = -1;

	server_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, "", 2000, 1 << 20);
	cr_assert_eq(odoo_authenticate(o, "admin", "admin", &uid, &is_key, &err), ODOO_OK);
	cr_assert_eq(uid, 2);
	cr_assert_eq(odoo_authenticate(o, "admin", "wrong", &uid, &is_key, &err), ODOO_OK);
	cr_assert_eq(uid, 0);
	cr_assert_eq(odoo_authenticate(o, "admin", "admin", &uid, &is_key, &err), ODOO_E_LOGIN);   /* no such database: Odoo unavailable, 503 */
	cr_assert_eq(uid, 0);
	odoo_free(o);
	server_stop(&s);
	cr_assert_eq(s.seen.authenticate, 3);
}

/*
 * What XML cannot carry is the caller's fault, not Odoo's refusal: 400,
 * and nothing reaches Odoo.  The client stays usable.
 */
Test(transport, unsendable_arguments_are_a_bad_request)
{
	static const struct step script[] = { AUTH_OK, PRODUCTS };
	struct server s;
	struct odoo *o;
	struct odoo_error err;
	bool is_key = false;
	json_object *out = NULL, *args = json_tokener_parse("[[[\"name\", \"=\", \"a\\u0001b\"]]]");
	long uid = -1;

	server_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, "", 2000, 1 << 20);
	cr_assert_eq(odoo_call(o, NULL, "product.product", "search_read", args, NULL, true, &out, &err),
	             ODOO_E_REQUEST, "%s", odoo_strerror(err.code));
	cr_assert_null(out);
	cr_assert_eq(err.code, ODOO_E_REQUEST);
	cr_assert_eq(odoo_http_status(err.code), 400);
	cr_assert_not_null(strstr(err.message, "control characters"), "%s", err.message);
	cr_assert_eq(odoo_authenticate(o, "ad\x1bmin", "admin", &uid, &is_key, &err), ODOO_E_REQUEST);
	cr_assert_eq(uid, 0);
	cr_assert_eq(search_read(o, true, &out, &err), ODOO_OK, "%s", err.message);
	json_object_put(out);
	json_object_put(args);
	odoo_free(o);
	server_stop(&s);
	cr_assert_eq(s.seen.authenticate, 1, "the service login only");
	cr_assert_eq(s.seen.execute_kw, 1, "the good call only");
}

/* The service account's own credentials come from the configuration: unsendable ones are a failed login (503). */
Test(transport, unsendable_service_credentials_are_a_login_failure)
{
	static const struct step script[] = { AUTH_OK, PRODUCTS };
	struct server s;
	struct odoo *o;
	struct odoo_error err;
	json_object *out = NULL;
	char url[64];
	struct odoo_config cfg = { .url = url, .db = "odoo_pelotazo", .username = "admin",
	                           .password = "pass\x01word", .protocol = ODOO_PROTO_XMLRPC, .timeout_ms = 2000, .max_response = 1 << 20 };

	server_start(&s, script, ARRAY_SIZE(script));
	snprintf(url, sizeof url, "http://127.0.0.1:%d", s.port);
	o = odoo_new(&cfg);
	cr_assert_not_null(o);
	cr_assert_eq(search_read(o, true, &out, &err), ODOO_E_LOGIN, "%s", odoo_strerror(err.code));
	cr_assert_eq(odoo_http_status(err.code), 503);
	odoo_free(o);
	server_stop(&s);
	cr_assert_eq(s.seen.requests, 0);
}

/* Replies with the body given as ud. */
static void
reply_with(void *ud, const struct mock_request *rq, struct mock_answer *a)
{
	(void)rq;
	mock_reply_text(a, ud);
}

/*
 * An answer as large as max_response, all characters odoo.c swaps before
 * xmlrpc-c reads them (which doubles their size): xmlrpc-c's own size
 * limit is raised to match, so it still reads, exactly.
 */
Test(transport, swapped_answer_at_the_size_limit)
{
	struct buf b, want;
	struct mock_odoo *m;
	struct odoo *o;
	struct odoo_error err;
	json_object *out = NULL;
	int i;

	buf_init(&b, 1 << 22);
	buf_init(&want, 1 << 22);
	buf_puts(&b, "<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n<value><struct>"
	         "<member><name>server_version</name><value><string>");
	for (i = 0; i < 100000; i++) {
		const char *c = i % 50 == 0 ? GRIN : PUA_E000;
		buf_puts(&b, c);
		buf_puts(&want, c);
	}
	buf_puts(&b, "</string></value></member></struct></value>\n</param>\n</params>\n</methodResponse>\n");
	buf_append(&want, "", 1);
	m = mock_odoo_start(reply_with, b.data, false);
	o = client(mock_odoo_port(m), "", 5000, b.len);
	/* A call as a user: no login first, the one answer is the call's. */
	cr_assert_eq(odoo_call(o, &(struct odoo_cred){ 2, "admin", false }, "res.partner", "read",
	                       args0(), NULL, true, &out, &err), ODOO_OK, "%s", err.message);
	cr_assert_str_eq(json_object_get_string(at(out, "server_version")), want.data);
	json_object_put(out);
	odoo_free(o);
	mock_odoo_stop(m, NULL);
	buf_free(&b);
	buf_free(&want);
}

Test(transport, faults_pass_through)
{
	static const struct step script[] = {
		{ A_REPLY, "authenticate_ok.response.xml" },
		{ A_REPLY, "create_partner_no_name.response.xml" },
		{ A_REPLY, "write_nonexistent_id.response.xml" },
		{ A_REPLY, "call_private_method.response.xml" },
		{ A_REPLY, "search_read_bad_domain_operator.response.xml" },
	};
	static const enum odoo_err want[] = { ODOO_E_USER, ODOO_E_MISSING, ODOO_E_ACCESS, ODOO_E_SERVER };
	struct server s;
	struct odoo *o;
	struct odoo_error err;
	json_object *out = NULL;
	struct odoo_stats st;
	size_t i;

	server_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, "", 2000, 1 << 20);
	for (i = 0; i < ARRAY_SIZE(want); i++)
		cr_assert_eq(search_read(o, false, &out, &err), want[i], "%zu: %s", i, odoo_strerror(err.code));
	odoo_get_stats(o, &st);
	odoo_free(o);
	server_stop(&s);
	cr_assert_eq(s.seen.execute_kw, 4, "faults are answers: never repeated");
	cr_assert_eq(st.calls, 5);
	cr_assert_eq(st.failures, 4);
	cr_assert_gt(st.total_us, 0);
	cr_assert_geq(st.total_us, st.max_us);
}

Test(transport, connection_reused_when_kept_alive)
{
	static const struct step script[] = { { A_REPLY, "version.response.xml" } };
	struct server s;
	struct odoo *o;
	struct odoo_error err;
	struct odoo_version ver;
	json_object *out = NULL;
	int i;

	server_start_ka(&s, script, 1, true);
	o = client(s.port, "", 2000, 1 << 20);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(odoo_version(o, &ver, NULL, &err), ODOO_OK, "%s", err.message);
		json_object_put(out);
	}
	odoo_free(o);
	server_stop(&s);
	cr_assert_eq(s.seen.requests, 3);
	cr_assert_eq(s.seen.connections, 1, "%d connections for 3 calls", s.seen.connections);
}

/* The password never reaches the log, even at debug level, even inside a traceback. */
Test(transport, password_not_logged)
{
	static const struct step script[] = {
		{ A_REPLY, "authenticate_ok.response.xml" },
		{ A_INLINE, "<?xml version=\"1.0\"?>\n<methodResponse>\n<fault>\n<value><struct>\n"
		  "<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n"
		  "<member>\n<name>faultString</name>\n<value><string>Traceback (most recent call last):\n"
		  "  File \"/opt/odoo/odoo/service/model.py\", line 61, in execute_kw\n"
		  "ValueError: Invalid leaf with s3cret-pass inside\n</string></value>\n</member>\n"
		  "</struct></value>\n</fault>\n\n</methodResponse>\n" },
		{ A_DROP, "" },
	};
	struct server s;
	struct odoo *o;
	struct odoo_error err;
	json_object *out = NULL;
	char tmpl[] = "/tmp/test_odoo_log_XXXXXX", logbuf[16384];
	int fd = mkstemp(tmpl), saved;
	ssize_t n;

	cr_assert_geq(fd, 0);
	saved = dup(2);
	dup2(fd, 2);
	log_set_level(LOG_DEBUG);
	server_start(&s, script, ARRAY_SIZE(script));
	o = client(s.port, "", 2000, 1 << 20);
	cr_assert_eq(search_read(o, true, &out, &err), ODOO_E_SERVER);
	cr_assert_eq(search_read(o, false, &out, &err), ODOO_E_UNREACHABLE);
	odoo_free(o);
	server_stop(&s);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, logbuf, sizeof logbuf - 1, 0);
	close(fd);
	unlink(tmpl);
	cr_assert_gt(n, 0);
	logbuf[n] = '\0';
	cr_assert_not_null(strstr(logbuf, "product.product.search_read"), "%s", logbuf);
	cr_assert_not_null(strstr(logbuf, "Invalid leaf"), "%s", logbuf);
	cr_assert_null(strstr(logbuf, "s3cret-pass"), "password in the log:\n%s", logbuf);
}

/* Whether Odoo lacks a method, as each protocol says it (crud.c falls back from web_search_read on it). */
Test(faults, method_unsupported_on_both_protocols)
{
	struct odoo_error err;

	odoo_classify_fault(1, "Traceback (most recent call last):\n  File \"x.py\"\n"
	                       "AttributeError: type object 'product.product' has no attribute 'web_search_read'", &err);
	cr_assert(odoo_err_unsupported(&err, "web_search_read"));
	odoo_classify_fault(1, "Traceback (most recent call last):\n"
	                       "TypeError: web_search_read() got an unexpected keyword argument 'specification'", &err);
	cr_assert(odoo_err_unsupported(&err, "web_search_read"));
	odoo_classify_fault(1, "Traceback (most recent call last):\n"
	                       "ValueError: Invalid field 'x' on model 'product.product'", &err);
	cr_assert_not(odoo_err_unsupported(&err, "web_search_read"));
	odoo_classify_status(404, "werkzeug.exceptions.NotFound",
	                     "The method 'product.product.web_search_read' does not exist", &err);
	cr_assert(odoo_err_unsupported(&err, "web_search_read"));
	odoo_classify_status(404, "werkzeug.exceptions.NotFound", "the model 'x.y' does not exist", &err);
	cr_assert_not(odoo_err_unsupported(&err, "web_search_read"));
	odoo_classify_status(422, "werkzeug.exceptions.UnprocessableEntity",
	                     "got an unexpected keyword argument 'specification'", &err);
	cr_assert(odoo_err_unsupported(&err, "web_search_read"));
	odoo_classify_status(422, "odoo.exceptions.UserError", "Invalid \"order\" specified", &err);
	cr_assert_not(odoo_err_unsupported(&err, "web_search_read"));
}
