/* test_resource.c: unit tests for resource.c (the table, fields_get parsing, the schema cache). */
#undef NDEBUG
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "res_fixture.h"
#include "resource.h"
#include "value.h"
#include "util.h"

Test(resource, table_matches_design)
{
	const struct resource *r;

	r = resource_find("suppliers");
	cr_assert_not_null(r);
	cr_assert_str_eq(r->model, "res.partner");
	cr_assert_not_null(strstr(r->base_domain, "supplier_rank"));
	cr_assert_str_eq(r->create_defaults, "{\"supplier_rank\":1}");
	r = resource_find("customers");
	cr_assert_str_eq(r->model, "res.partner");
	cr_assert_not_null(strstr(r->base_domain, "customer_rank"));
	cr_assert_str_eq(r->create_defaults, "{\"customer_rank\":1}");
	r = resource_find("products");
	cr_assert_str_eq(r->model, "product.product");
	cr_assert_null(r->base_domain);
	cr_assert(!r->read_only);
	r = resource_find("sales");
	cr_assert_str_eq(r->model, "sale.order");
	cr_assert_not_null(r->lines);
	cr_assert_str_eq(r->lines->key, "lines");
	cr_assert_str_eq(r->lines->field, "order_line");
	cr_assert_str_eq(r->lines->child->model, "sale.order.line");
	cr_assert(resource_find("categories")->read_only);
	cr_assert(resource_find("countries")->read_only);
	cr_assert_null(resource_find("sale_lines"), "lines are not routable");
	cr_assert_null(resource_find("Products"));
	cr_assert_null(resource_find(""));
	cr_assert_null(resource_find(NULL));
	cr_assert_not_null(resource_at(5));
	cr_assert_null(resource_at(6));
}

/* Every table field of every resource, as the captures of Odoo 18 (with stock) describe it. */
struct fcase {
	char res[16];
	char field[24];
	bool present;
	bool ro;
	bool q;
	bool sortable;
	bool searchable;
	enum ftype type;
};

static const struct fcase fcases[] = {
	{ "products", "id", true, true, false, true, true, FT_INTEGER },
	{ "products", "name", true, false, true, true, true, FT_CHAR },
	{ "products", "default_code", true, false, true, true, true, FT_CHAR },
	{ "products", "barcode", true, false, true, true, true, FT_CHAR },
	{ "products", "list_price", true, false, false, true, true, FT_FLOAT },
	{ "products", "categ_id", true, false, false, true, true, FT_MANY2ONE },
	{ "products", "type", true, false, false, true, true, FT_SELECTION },
	{ "products", "is_storable", true, false, false, true, true, FT_BOOLEAN },
	{ "products", "qty_available", true, true, false, false, true, FT_FLOAT },
	{ "products", "description_sale", true, false, false, true, true, FT_TEXT },
	{ "products", "write_date", true, true, false, true, true, FT_DATETIME },
	{ "products", "display_name", false, false, false, false, false, FT_CHAR },
	{ "suppliers", "supplier_rank", true, true, false, true, true, FT_INTEGER },
	{ "suppliers", "email", true, false, true, true, true, FT_CHAR },
	{ "suppliers", "comment", true, false, false, true, true, FT_HTML },
	{ "customers", "customer_rank", true, true, false, true, true, FT_INTEGER },
	{ "customers", "country_id", true, false, false, true, true, FT_MANY2ONE },
	{ "sales", "name", true, true, true, true, true, FT_CHAR },
	{ "sales", "partner_id", true, false, true, true, true, FT_MANY2ONE },
	{ "sales", "state", true, true, false, true, true, FT_SELECTION },
	{ "sales", "amount_total", true, true, false, true, true, FT_MONETARY },
	{ "sales", "validity_date", true, false, false, true, true, FT_DATE },
	{ "sales", "order_line", false, false, false, false, false, FT_ONE2MANY },
	{ "sale_lines", "tax_id", true, false, false, false, true, FT_MANY2MANY },
	{ "sale_lines", "price_tax", true, true, false, true, true, FT_FLOAT },
	{ "sale_lines", "order_id", false, false, false, false, false, FT_MANY2ONE },
	{ "categories", "complete_name", true, true, false, true, true, FT_CHAR },
	{ "countries", "code", true, false, true, true, true, FT_CHAR },
};

ParameterizedTestParameters(resource, fields_from_captures)
{
	return cr_make_param_array(struct fcase, (void *)fcases, ARRAY_SIZE(fcases));
}

ParameterizedTest(const struct fcase *c, resource, fields_from_captures)
{
	const struct rschema *s = fixture_schema(c->res);
	const struct xfield *f = rschema_field(s, c->field);

	if (!c->present) {
		cr_assert_null(f, "%s.%s must not be exposed", c->res, c->field);
		return;
	}
	cr_assert_not_null(f, "%s.%s must be exposed", c->res, c->field);
	cr_assert_eq(f->type, c->type, "%s.%s type", c->res, c->field);
	cr_assert_eq(!xfield_writable(f), c->ro, "%s.%s read-only", c->res, c->field);
	cr_assert_eq((f->flags & RF_Q) != 0, c->q, "%s.%s q", c->res, c->field);
	cr_assert_eq(f->sortable, c->sortable, "%s.%s sortable", c->res, c->field);
	cr_assert_eq(f->searchable, c->searchable, "%s.%s searchable", c->res, c->field);
}

Test(resource, exposed_counts_follow_table)
{
	/* The captured Odoo has stock: every table field exists. */
	cr_assert_eq(fixture_schema("products")->n, 16);
	cr_assert_eq(fixture_schema("suppliers")->n, 19);
	cr_assert_eq(fixture_schema("sales")->n, 15);
	cr_assert_eq(fixture_schema("sale_lines")->n, 10);
	cr_assert_eq(fixture_schema("categories")->n, 4);
	cr_assert_eq(fixture_schema("countries")->n, 3);
	/* Table order is kept. */
	cr_assert_str_eq(fixture_schema("products")->f[0].name, "id");
	cr_assert_str_eq(fixture_schema("products")->f[15].name, "write_date");
}

Test(resource, selection_and_relation)
{
	const struct xfield *f = rschema_field(fixture_schema("products"), "type");

	cr_assert_eq(f->n_selection, 3);
	cr_assert_str_eq(f->selection[0], "consu");
	cr_assert_str_eq(f->selection[1], "service");
	cr_assert_str_eq(f->selection[2], "combo");
	f = rschema_field(fixture_schema("sales"), "state");
	cr_assert_eq(f->n_selection, 4);
	cr_assert_str_eq(f->selection[3], "cancel");
	f = rschema_field(fixture_schema("products"), "categ_id");
	cr_assert_str_eq(f->relation, "product.category");
	cr_assert_null(rschema_field(fixture_schema("products"), "name")->relation);
}

/* An Odoo without stock (no qty_available) and older than 18 (no is_storable). */
Test(resource, missing_fields_drop_out)
{
	json_object *fg = fixture_fields_get("product.product");
	struct rschema s;

	json_object_object_del(fg, "qty_available");
	json_object_object_del(fg, "is_storable");
	cr_assert(schema_parse(resource_find("products"), fg, &s));
	cr_assert_eq(s.n, 14);
	cr_assert_null(rschema_field(&s, "qty_available"));
	cr_assert_null(rschema_field(&s, "is_storable"));
	cr_assert_not_null(rschema_field(&s, "uom_id"));
	rschema_free(&s);
	rschema_free(&s);
	json_object_put(fg);
}

Test(resource, unusable_entries_drop_out)
{
	json_object *fg = json_tokener_parse(
		"{\"id\": {\"type\": \"integer\", \"readonly\": true},"
		" \"name\": {\"type\": \"properties\"},"
		" \"code\": \"not an object\"}");
	struct rschema s;

	cr_assert(schema_parse(resource_find("countries"), fg, &s));
	cr_assert_eq(s.n, 1);
	cr_assert_str_eq(s.f[0].name, "id");
	/* Without sortable/searchable (Odoo < 16) they follow store, which defaults to true. */
	cr_assert(s.f[0].sortable && s.f[0].searchable);
	rschema_free(&s);
	json_object_put(fg);
}

Test(resource, not_an_object)
{
	json_object *fg = json_tokener_parse("[1, 2]");
	struct rschema s;

	cr_assert(!schema_parse(resource_find("countries"), fg, &s));
	cr_assert_eq(s.n, 0);
	cr_assert_null(s.f);
	json_object_put(fg);
}

/* ------------------------------------------------------------- the cache */

struct fake_odoo {
	int calls;
	bool fail;
	char last_model[64];
	json_object *last_kwargs;
};

static enum odoo_err
fake_fetch(void *ud, const char *model, const char *method, json_object *args, json_object *kwargs,
           json_object **out, struct odoo_error *err)
{
	struct fake_odoo *f = ud;

	f->calls++;
	cr_assert_str_eq(method, "fields_get");
	cr_assert(json_object_is_type(args, json_type_array));
	snprintf(f->last_model, sizeof(f->last_model), "%s", model);
	json_object_put(f->last_kwargs);
	f->last_kwargs = json_object_get(kwargs);
	if (f->fail) {
		memset(err, 0, sizeof(*err));
		err->code = ODOO_E_UNREACHABLE;
		return ODOO_E_UNREACHABLE;
	}
	*out = fixture_fields_get(model);
	return ODOO_OK;
}

static bool
array_has(json_object *a, const char *s)
{
	for (size_t i = 0; i < json_object_array_length(a); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(a, i)), s) == 0)
			return true;
	return false;
}

Test(resource, cache_fetches_once_per_model)
{
	struct schema_cache *c = schema_cache_new();
	struct fake_odoo f = { 0 };
	struct odoo_error err;
	const struct rschema *sup, *cus, *again;

	sup = schema_cache_get(c, resource_find("suppliers"), fake_fetch, &f, &err);
	cr_assert_not_null(sup);
	cr_assert_eq(f.calls, 1);
	cr_assert_str_eq(f.last_model, "res.partner");
	cus = schema_cache_get(c, resource_find("customers"), fake_fetch, &f, &err);
	cr_assert_not_null(cus);
	cr_assert_eq(f.calls, 1, "customers must reuse res.partner's answer");
	cr_assert_neq(sup, cus);
	cr_assert_eq(cus->res, resource_find("customers"));
	again = schema_cache_get(c, resource_find("suppliers"), fake_fetch, &f, &err);
	cr_assert_eq(again, sup);
	cr_assert_not_null(schema_cache_get(c, resource_find("products"), fake_fetch, &f, &err));
	cr_assert_eq(f.calls, 2);
	cr_assert_not_null(schema_cache_get(c, resource_find("sales")->lines->child, fake_fetch, &f, &err));
	cr_assert_eq(f.calls, 3);
	cr_assert_str_eq(f.last_model, "sale.order.line");
	/* Earlier pointers survive the cache growing. */
	cr_assert_str_eq(sup->f[0].name, "id");
	json_object_put(f.last_kwargs);
	schema_cache_free(c);
	schema_cache_free(NULL);
}

Test(resource, cache_does_not_keep_failures)
{
	struct schema_cache *c = schema_cache_new();
	struct fake_odoo f = { .fail = true };
	struct odoo_error err;

	cr_assert_null(schema_cache_get(c, resource_find("countries"), fake_fetch, &f, &err));
	cr_assert_eq(err.code, ODOO_E_UNREACHABLE);
	f.fail = false;
	cr_assert_not_null(schema_cache_get(c, resource_find("countries"), fake_fetch, &f, &err));
	cr_assert_eq(f.calls, 2);
	json_object_put(f.last_kwargs);
	schema_cache_free(c);
}

static enum odoo_err
fetch_not_struct(void *ud, const char *model, const char *method, json_object *args, json_object *kwargs,
                 json_object **out, struct odoo_error *err)
{
	*out = json_object_new_boolean(0);
	return ODOO_OK;
}

Test(resource, cache_rejects_odd_answer)
{
	struct schema_cache *c = schema_cache_new();
	struct odoo_error err;

	cr_assert_null(schema_cache_get(c, resource_find("countries"), fetch_not_struct, NULL, &err));
	cr_assert_eq(err.code, ODOO_E_BAD_RESPONSE);
	schema_cache_free(c);
}

Test(resource, fields_get_call_asks_for_table_fields)
{
	json_object *args, *kwargs, *names, *attrs;
	size_t n;

	schema_fields_get_call(resource_find("suppliers"), &args, &kwargs);
	cr_assert_eq(json_object_array_length(args), 0);
	cr_assert(json_object_object_get_ex(kwargs, "allfields", &names));
	cr_assert(json_object_object_get_ex(kwargs, "attributes", &attrs));
	n = json_object_array_length(names);
	cr_assert_eq(n, 19, "partner fields once each, got %zu", n);
	cr_assert(array_has(names, "supplier_rank") && array_has(names, "customer_rank"));
	cr_assert(array_has(attrs, "sortable") && array_has(attrs, "searchable"));
	cr_assert(array_has(attrs, "selection") && array_has(attrs, "relation"));
	json_object_put(args);
	json_object_put(kwargs);

	schema_fields_get_call(resource_find("sales"), &args, &kwargs);
	cr_assert(json_object_object_get_ex(kwargs, "allfields", &names));
	cr_assert(array_has(names, "order_line"));
	cr_assert(!array_has(names, "product_uom_qty"));
	json_object_put(args);
	json_object_put(kwargs);

	schema_fields_get_call(resource_find("sales")->lines->child, &args, &kwargs);
	cr_assert(json_object_object_get_ex(kwargs, "allfields", &names));
	cr_assert(array_has(names, "product_uom_qty"));
	cr_assert(!array_has(names, "partner_id"));
	json_object_put(args);
	json_object_put(kwargs);
}

Test(resource, ftype_parse)
{
	enum ftype t;

	cr_assert(ftype_parse("many2one", &t) && t == FT_MANY2ONE);
	cr_assert(ftype_parse("monetary", &t) && t == FT_MONETARY);
	cr_assert(!ftype_parse("binary", &t));
	cr_assert(!ftype_parse("Many2one", &t));
}

/* ------------------------------------------------ names across versions */

/* Odoo 19 renamed sale.order.line's tax_id tax_ids: the API keeps tax_id and talks tax_ids to Odoo. */
Test(resource, renamed_field_keeps_its_api_name_on_odoo19)
{
	json_object *fg = fixture_json("odoo19/fields_get/sale.order.line.json");
	json_object *rec, *out, *vals = NULL, *errors = json_object_new_object(), *v;
	const struct xfield *f;
	struct rschema s;

	cr_assert(schema_parse(resource_find("sales")->lines->child, fg, &s));
	f = rschema_field(&s, "tax_id");
	cr_assert_not_null(f, "tax_id stays in the API");
	cr_assert_str_eq(f->odoo, "tax_ids");
	cr_assert_eq(f->type, FT_MANY2MANY);
	cr_assert(xfield_writable(f));
	cr_assert(s.renamed);
	/* Odoo's answer, read back under the API's name. */
	rec = json_tokener_parse("{\"id\": 7, \"tax_ids\": [1, 2], \"name\": \"Desk\"}");
	out = record_from_odoo(&s, rec);
	cr_assert(json_object_object_get_ex(out, "tax_id", &v));
	cr_assert_eq(json_object_array_length(v), 2);
	cr_assert(!json_object_object_get_ex(out, "tax_ids", NULL));
	json_object_put(out);
	/* In place too (a list page). */
	out = json_object_new_array();
	json_object_array_add(out, json_object_get(rec));
	records_from_odoo(&s, out);
	cr_assert(json_object_object_get_ex(json_object_array_get_idx(out, 0), "tax_id", NULL));
	json_object_put(out);
	json_object_put(rec);
	/* Written under Odoo's name. */
	rec = json_tokener_parse("{\"tax_id\": [1]}");
	cr_assert(body_to_vals(&s, rec, false, LANG_ES, &vals, errors));
	cr_assert(json_object_object_get_ex(vals, "tax_ids", NULL), "%s", json_object_to_json_string(vals));
	cr_assert(!json_object_object_get_ex(vals, "tax_id", NULL));
	json_object_put(vals);
	json_object_put(rec);
	json_object_put(errors);
	rschema_free(&s);
	json_object_put(fg);
}

/* On Odoo 18 the same field is tax_id for both. */
Test(resource, renamed_field_on_odoo18_is_itself)
{
	const struct xfield *f = rschema_field(fixture_schema("sale_lines"), "tax_id");

	cr_assert_not_null(f);
	cr_assert_str_eq(f->odoo, "tax_id");
	cr_assert(!fixture_schema("sale_lines")->renamed);
	cr_assert(!fixture_schema("customers")->renamed);
}

/* Odoo 19 has no partner mobile: the API answers it as null and refuses to write it. */
Test(resource, vanished_field_is_null_and_read_only)
{
	json_object *fg = fixture_json("odoo19/fields_get/res.partner.json");
	json_object *rec, *out, *vals = NULL, *errors = json_object_new_object(), *v = NULL, *names, *kw;
	const struct xfield *f;
	struct rschema s;

	cr_assert(!json_object_object_get_ex(fg, "mobile", NULL), "the capture has no mobile");
	cr_assert(schema_parse(resource_find("customers"), fg, &s));
	f = rschema_field(&s, "mobile");
	cr_assert_not_null(f, "mobile is not silently gone");
	cr_assert_null(f->odoo);
	cr_assert(!xfield_writable(f));
	cr_assert(!f->searchable && !f->sortable);
	rec = json_tokener_parse("{\"id\": 15, \"name\": \"Azure Interior\", \"phone\": \"+1 555\"}");
	out = record_from_odoo(&s, rec);
	cr_assert(json_object_object_get_ex(out, "mobile", &v));
	cr_assert_null(v);
	json_object_put(out);
	json_object_put(rec);
	rec = json_tokener_parse("{\"mobile\": \"+34 600\"}");
	cr_assert(!body_to_vals(&s, rec, false, LANG_ES, &vals, errors));
	cr_assert(json_object_object_get_ex(errors, "mobile", NULL), "%s", json_object_to_json_string(errors));
	json_object_put(rec);
	json_object_put(errors);
	rschema_free(&s);
	json_object_put(fg);
	/* fields_get is asked for every name the field may have. */
	schema_fields_get_call(resource_find("sales")->lines->child, &names, &kw);
	cr_assert_not_null(strstr(json_object_to_json_string(kw), "\"tax_ids\""));
	json_object_put(names);
	json_object_put(kw);
}
