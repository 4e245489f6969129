/* test_resfile.c: unit tests for resfile.c (the resources file) and the table it gives resource.c. */
#undef NDEBUG
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "query.h"
#include "resfile.h"
#include "resource.h"
#include "util.h"

/* ------------------------------------------------- the default is today's */

/*
 * The C table resource.c held before the resources file (issue 18), kept
 * here as the reference: the shipped default must give exactly this.
 */
struct old_field { const char *name; unsigned flags; };
struct old_res {
	const char *name, *model, *domain, *defaults, *order;
	bool ro;
	const struct old_field *fields;
	bool lines;
};

static const struct old_field product_fields[] = {
	{ "id", RF_RO }, { "name", RF_Q }, { "default_code", RF_Q }, { "barcode", RF_Q }, { "list_price", 0 },
	{ "standard_price", 0 }, { "categ_id", 0 }, { "type", 0 }, { "is_storable", 0 }, { "qty_available", RF_RO },
	{ "uom_id", 0 }, { "sale_ok", 0 }, { "purchase_ok", 0 }, { "active", 0 }, { "description_sale", 0 },
	{ "write_date", RF_RO }, { NULL, 0 },
};
static const struct old_field partner_fields[] = {
	{ "id", RF_RO }, { "name", RF_Q }, { "is_company", 0 }, { "email", RF_Q }, { "phone", RF_Q }, { "mobile", 0 },
	{ "vat", RF_Q }, { "street", 0 }, { "street2", 0 }, { "city", 0 }, { "zip", 0 }, { "state_id", 0 },
	{ "country_id", 0 }, { "website", 0 }, { "comment", 0 }, { "active", 0 }, { "supplier_rank", RF_RO },
	{ "customer_rank", RF_RO }, { "write_date", RF_RO }, { NULL, 0 },
};
static const struct old_field sale_fields[] = {
	{ "id", RF_RO }, { "name", RF_RO | RF_Q }, { "partner_id", RF_Q }, { "date_order", 0 }, { "validity_date", 0 },
	{ "state", RF_RO }, { "amount_untaxed", RF_RO }, { "amount_tax", RF_RO }, { "amount_total", RF_RO },
	{ "currency_id", RF_RO }, { "user_id", 0 }, { "note", 0 }, { "client_order_ref", RF_Q },
	{ "invoice_status", RF_RO }, { "write_date", RF_RO }, { NULL, 0 },
};
static const struct old_field sale_line_fields[] = {
	{ "id", RF_RO }, { "product_id", 0 }, { "name", 0 }, { "product_uom_qty", 0 }, { "price_unit", 0 },
	{ "discount", 0 }, { "tax_id", 0 }, { "price_subtotal", RF_RO }, { "price_tax", RF_RO },
	{ "price_total", RF_RO }, { NULL, 0 },
};
static const struct old_field category_fields[] = {
	{ "id", RF_RO }, { "name", RF_Q }, { "complete_name", 0 }, { "parent_id", 0 }, { NULL, 0 },
};
static const struct old_field country_fields[] = {
	{ "id", RF_RO }, { "name", RF_Q }, { "code", RF_Q }, { NULL, 0 },
};

static const struct old_res old_table[] = {
	{ "products", "product.product", NULL, NULL, "name asc", false, product_fields, false },
	{ "suppliers", "res.partner", "[[\"supplier_rank\",\">\",0]]", "{\"supplier_rank\":1}", "name asc", false,
	  partner_fields, false },
	{ "customers", "res.partner", "[[\"customer_rank\",\">\",0]]", "{\"customer_rank\":1}", "name asc", false,
	  partner_fields, false },
	{ "sales", "sale.order", NULL, NULL, "date_order desc", false, sale_fields, true },
	{ "categories", "product.category", NULL, NULL, "complete_name asc", true, category_fields, false },
	{ "countries", "res.country", NULL, NULL, "name asc", true, country_fields, false },
};

static void
expect_json_eq(const char *got, const char *want, const char *what)
{
	json_object *g, *w;

	if (want == NULL) {
		cr_expect_null(got, "%s", what);
		return;
	}
	cr_assert_not_null(got, "%s", what);
	g = json_tokener_parse(got);
	w = json_tokener_parse(want);
	cr_expect(json_object_equal(g, w), "%s: %s, not %s", what, got, want);
	json_object_put(g);
	json_object_put(w);
}

static void
expect_fields(const struct resource *r, const struct old_field *want)
{
	size_t i;

	for (i = 0; want[i].name != NULL; i++) {
		cr_assert_not_null(r->fields[i].name, "%s: field %zu missing", r->name, i);
		cr_expect_str_eq(r->fields[i].name, want[i].name, "%s field %zu", r->name, i);
		cr_expect_eq(r->fields[i].flags, want[i].flags, "%s.%s flags", r->name, want[i].name);
	}
	cr_expect_null(r->fields[i].name, "%s: more fields than before", r->name);
}

/* An alias of the old table (model, API name -> Odoo names, vanished type). */
static void
expect_alias(const struct resource *r, const char *field, const char *const *odoo, enum ftype type)
{
	for (const struct res_field *f = r->fields; f->name != NULL; f++) {
		size_t k;

		if (strcmp(f->name, field) != 0) {
			cr_expect(f->odoo == NULL && !f->vanishes, "%s.%s has no alias", r->name, f->name);
			continue;
		}
		cr_assert_not_null(f->odoo, "%s.%s", r->name, field);
		for (k = 0; odoo[k] != NULL; k++)
			cr_expect_str_eq(f->odoo[k], odoo[k]);
		cr_expect_null(f->odoo[k]);
		cr_expect(f->vanishes);
		cr_expect_eq(f->vanished_type, type);
	}
}

Test(resfile, default_is_the_old_table)
{
	static const char *const tax[] = { "tax_id", "tax_ids", NULL };
	static const char *const mobile[] = { "mobile", NULL };
	const struct resource *r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(old_table); i++) {
		const struct old_res *o = &old_table[i];

		r = resource_at(i);
		cr_assert_not_null(r, "resource %zu", i);
		cr_expect_eq(resource_find(o->name), r);
		cr_expect_str_eq(r->name, o->name);
		cr_expect_str_eq(r->model, o->model);
		expect_json_eq(r->base_domain, o->domain, o->name);
		expect_json_eq(r->create_defaults, o->defaults, o->name);
		cr_expect_str_eq(r->default_order, o->order);
		cr_expect_eq(r->read_only, o->ro, "%s read_only", o->name);
		cr_expect(r->routable);
		expect_fields(r, o->fields);
		cr_expect_eq(r->lines != NULL, o->lines, "%s lines", o->name);
		if (strcmp(o->model, "res.partner") == 0)
			expect_alias(r, "mobile", mobile, FT_CHAR);
		else
			expect_alias(r, "", NULL, FT_CHAR);
	}
	cr_expect_null(resource_at(i));
	r = resource_find("sales");
	cr_assert_str_eq(r->lines->key, "lines");
	cr_assert_str_eq(r->lines->field, "order_line");
	cr_assert_str_eq(r->lines->child->name, "sale_lines");
	cr_assert_str_eq(r->lines->child->model, "sale.order.line");
	cr_assert(!r->lines->child->routable);
	cr_assert_null(resource_find("sale_lines"));
	expect_fields(r->lines->child, sale_line_fields);
	expect_alias(r->lines->child, "tax_id", tax, FT_MANY2MANY);
}

Test(resfile, default_actions_are_the_old_ones)
{
	const struct resource *r = resource_find("sales");

	cr_assert_eq(r->n_actions, 3);
	cr_expect_str_eq(r->actions[0].name, "confirm");
	cr_expect_str_eq(r->actions[0].method, "action_confirm");
	cr_expect_null(r->actions[0].kwargs);
	cr_expect_str_eq(r->actions[0].to, "sale");
	cr_expect_str_eq(r->actions[1].name, "cancel");
	cr_expect_str_eq(r->actions[1].method, "action_cancel");
	expect_json_eq(r->actions[1].kwargs, "{\"context\": {\"disable_cancel_warning\": true}}", "cancel kwargs");
	cr_expect_str_eq(r->actions[1].to, "cancel");
	cr_expect_str_eq(r->actions[2].name, "draft");
	cr_expect_str_eq(r->actions[2].method, "action_draft");
	cr_expect_str_eq(r->actions[2].to, "draft");
	/* Today's answers: Odoo's own 422 reason, so no "from" in the default. */
	for (size_t i = 0; i < r->n_actions; i++)
		cr_expect_null(r->actions[i].from);
	cr_expect_eq(resource_action(r, "cancel"), &r->actions[1]);
	cr_expect_null(resource_action(r, "action_cancel"));
	for (size_t i = 0; (r = resource_at(i)) != NULL; i++)
		if (strcmp(r->name, "sales") != 0)
			cr_expect_eq(r->n_actions, 0, "%s", r->name);
}

/* The compiled-in default is the shipped file, byte for byte. */
Test(resfile, compiled_in_is_the_shipped_file)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	FILE *f;
	char *text = xmalloc(resfile_default_len + 2);
	size_t n;

	snprintf(path, sizeof(path), "%s/resources/default.json", top != NULL ? top : ".");
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	n = fread(text, 1, resfile_default_len + 1, f);
	fclose(f);
	cr_assert_eq(n, resfile_default_len);
	cr_assert(memcmp(text, resfile_default, n) == 0);
	cr_assert_eq(resfile_default[resfile_default_len], '\0');
	free(text);
}

/* -------------------------------------------------------------- the errors */

struct bad {
	char text[600];
	char want[200];   /* the message's start, after "t.json:" */
};

/* A resource with one change: "%s" is spliced into an otherwise good resource object. */
#define RES(extra) "{\"resources\": [\n{\"name\": \"orders\", \"model\": \"purchase.order\",\n" \
	"\"fields\": [\"id\", \"state\", {\"name\": \"name\", \"q\": true}]" extra "}\n]}\n"

ParameterizedTestParameters(resfile, errors)
{
	static struct bad cases[] = {
		/* JSON itself */
		{ "", "1: not valid JSON: the text ends inside a value" },
		{ "{\"resources\": [\n{\"name\": \"x\",\n}]}", "3: not valid JSON" },
		{ "{\"resources\": [] /* c */}", "1: not valid JSON" },
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\"id\"]}]}\n\n[]", "3: not valid JSON: unexpected character" },
		{ "{\"a\":\n\"\xff\"}", "2: not valid JSON" },
		/* top level */
		{ "[]", "1: the file must hold an object" },
		{ "{}", "1: \"resources\" is required" },
		{ "{\n\"resources\": {}}", "2: resources: must be a non-empty list" },
		{ "{\n\"resources\": []}", "2: resources: must be a non-empty list" },
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\"id\"]}],\n\"extra\": 1}",
		  "2: extra: unknown key (known: resources)" },
		{ "{\"resources\": [\n3]}", "2: resources[0]: must be an object" },
		/* duplicate keys, anywhere */
		{ "{\"resources\": [{\"name\": \"x\",\n \"name\": \"y\", \"model\": \"m\", \"fields\": [\"id\"]}]}",
		  "2: resources[0].name: given twice" },
		{ RES(",\n\"create_defaults\": {\"a\": 1,\n \"a\": 2}"), "5: resources[0].create_defaults.a: given twice" },
		{ RES(",\n\"create_defaults\": {\"ab\": 1,\n \"a\\u0062\": 2}"),
		  "5: resources[0].create_defaults.ab: given twice" },
		/* resource keys */
		{ RES(",\n\"rout\": false"), "4: resources[0].rout: unknown key (known: name, model," },
		{ "{\"resources\": [\n{\"model\": \"m\", \"fields\": [\"id\"]}]}", "2: resources[0]: \"name\" is required" },
		{ "{\"resources\": [\n{\"name\": \"Orders\", \"model\": \"m\", \"fields\": [\"id\"]}]}",
		  "2: resources[0].name: must be a lower-case name" },
		{ "{\"resources\": [\n{\"name\": 3, \"model\": \"m\", \"fields\": [\"id\"]}]}",
		  "2: resources[0].name: must be a string" },
		{ "{\"resources\": [\n{\"name\": \"batch\", \"model\": \"m\", \"fields\": [\"id\"]}]}",
		  "2: resources[0].name: \"batch\" is taken by the route /api/v1/batch" },
		{ "{\"resources\": [\n{\"name\": \"x\", \"fields\": [\"id\"]}]}", "2: resources[0]: \"model\" is required" },
		{ "{\"resources\": [\n{\"name\": \"x\", \"model\": \"sale..order\", \"fields\": [\"id\"]}]}",
		  "2: resources[0].model: must be an Odoo model name" },
		{ "{\"resources\": [\n{\"name\": \"x\", \"model\": \"m\"}]}", "2: resources[0]: \"fields\" is required" },
		{ "{\"resources\": [\n{\"name\": \"x\", \"model\": \"m\", \"fields\": []}]}",
		  "2: resources[0].fields: must be a non-empty list" },
		{ "{\"resources\": [\n{\"name\": \"x\", \"model\": \"m\",\n\"fields\": [\"name\"]}]}",
		  "3: resources[0].fields: must list \"id\"" },
		{ "{\"resources\": [\n{\"name\": \"x\", \"model\": \"m\", \"fields\": [\"id\"],\n\"routable\": 1}]}",
		  "3: resources[0].routable: must be true or false" },
		{ RES(",\n\"read_only\": \"yes\""), "4: resources[0].read_only: must be true or false" },
		/* duplicate routes */
		{ "{\"resources\": [\n{\"name\": \"x\", \"model\": \"m\", \"fields\": [\"id\"]},\n"
		  "{\"name\": \"x\", \"model\": \"n\", \"fields\": [\"id\"]}]}",
		  "3: resources[1].name: \"x\" is already the name of resources[0]" },
		/* fields */
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\n\"id\",\n{\"name\": \"a\",\n\"q\": 1}]}]}",
		  "4: resources[0].fields[1].q: must be true or false" },
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\n\"id\",\n\"id\"]}]}",
		  "3: resources[0].fields[1]: field \"id\" is listed twice" },
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\n\"Id\"]}]}",
		  "2: resources[0].fields[0]: must be a field name" },
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\n3]}]}",
		  "2: resources[0].fields[0]: must be a field name or an object" },
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\n{\"q\": true}]}]}",
		  "2: resources[0].fields[0]: \"name\" is required" },
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\n{\"name\": \"a\", \"ro\": true}]}]}",
		  "2: resources[0].fields[0].ro: unknown key (known: name, read_only, q, odoo, type)" },
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\n{\"name\": \"a\",\n\"type\": \"blob\"}]}]}",
		  "3: resources[0].fields[0].type: \"blob\" is not a field type" },
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\n{\"name\": \"a\",\n\"odoo\": []}]}]}",
		  "3: resources[0].fields[0].odoo: must be a non-empty list of strings" },
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\n{\"name\": \"a\", \"odoo\": [\n\"a\",\n\"a\"]}]}]}",
		  "4: resources[0].fields[0].odoo[1]: repeated" },
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\n{\"name\": \"a\", \"odoo\": [\"a\",\n 7]}]}]}",
		  "3: resources[0].fields[0].odoo[1]: must be a string" },
		/* domain: query.c's operators */
		{ RES(",\n\"domain\": {}"), "4: resources[0].domain: must be a list of terms" },
		{ RES(",\n\"domain\": [\n[\"state\", \"~\", 1]]"), "5: resources[0].domain[0]: the operator must be one of" },
		{ RES(",\n\"domain\": [\"&\",\n[\"state\", \"=\", \"draft\"]]"),
		  "4: resources[0].domain[0]: this operator lacks operands" },
		{ RES(",\n\"domain\": [[\"state\", \"=\", \"draft\"],\n[\"state\", \"in\", \"draft\"]]"),
		  "5: resources[0].domain[1]: this operator takes a list of values" },
		{ RES(",\n\"domain\": [\n[\"State\", \"=\", 1]]"), "5: resources[0].domain[0]: the field must be" },
		{ RES(",\n\"domain\": [\n[\"state\", \"=\", null]]"), "5: resources[0].domain[0]: this operator takes one value" },
		{ RES(",\n\"domain\": [\n[\"state\", \"=\"]]"), "5: resources[0].domain[0]: must be \"&\"" },
		{ RES(",\n\"domain\": [\"!\"]"), "4: resources[0].domain[0]: this operator lacks an operand" },
		/* create_defaults */
		{ RES(",\n\"create_defaults\": []"), "4: resources[0].create_defaults: must be an object" },
		{ RES(",\n\"create_defaults\": {\n\"A\": 1}"), "5: resources[0].create_defaults.A: must be a field name" },
		{ RES(",\n\"create_defaults\": {\n\"a\": null}"), "5: resources[0].create_defaults.a: must not be null" },
		/* default_order: as _sort */
		{ RES(",\n\"default_order\": \"date desc\""), "4: resources[0].default_order: \"date\" is not a field" },
		{ RES(",\n\"default_order\": \"name sideways\""), "4: resources[0].default_order: \"name sideways\": the direction" },
		{ RES(",\n\"default_order\": \"name,,id\""), "4: resources[0].default_order: must be \"field [asc|desc]\"" },
		{ RES(",\n\"default_order\": \"name asc,name desc\""), "4: resources[0].default_order: \"name\" is repeated" },
		{ RES(",\n\"default_order\": 3"), "4: resources[0].default_order: must be a string" },
		/* lines */
		{ RES(",\n\"lines\": [{\"key\": \"lines\", \"field\": \"order_line\",\n\"resource\": \"nope\"}]"),
		  "5: resources[0].lines[0].resource: no resource is called \"nope\"" },
		{ RES(",\n\"lines\": [{\"key\": \"lines\", \"field\": \"order_line\",\n\"resource\": \"orders\"}]"),
		  "5: resources[0].lines[0].resource: a resource cannot be its own lines" },
		{ RES(",\n\"lines\": [{\"key\": \"name\", \"field\": \"order_line\", \"resource\": \"orders\"}]"),
		  "4: resources[0].lines[0].key: \"name\" is already a field" },
		{ RES(",\n\"lines\": [{\"key\": \"l\", \"field\": \"order_line\", \"resource\": \"orders\"},\n{}]"),
		  "5: resources[0].lines[1]: one collection of lines per resource" },
		{ RES(",\n\"lines\": [\n{\"key\": \"l\", \"resource\": \"orders\"}]"),
		  "5: resources[0].lines[0]: \"field\" is required" },
		{ RES(",\n\"lines\": [\n{\"key\": \"l\", \"field\": \"f\", \"resource\": \"orders\", \"x\": 1}]"),
		  "5: resources[0].lines[0].x: unknown key" },
		{ RES(",\n\"lines\": {}"), "4: resources[0].lines: must be a list" },
		{ "{\"resources\": [\n{\"name\": \"a\", \"model\": \"m\", \"fields\": [\"id\"],\n"
		  "\"lines\": [{\"key\": \"l\", \"field\": \"f\", \"resource\": \"b\"}]},\n"
		  "{\"name\": \"b\", \"model\": \"m\", \"fields\": [\"id\"],\n"
		  "\"lines\": [{\"key\": \"l\", \"field\": \"f\",\n\"resource\": \"a\"}]}]}",
		  "3: resources[0].lines[0].resource: \"b\" has lines of its own" },
		/* actions */
		{ RES(",\n\"actions\": [\n{\"name\": \"confirm\"}]"), "5: resources[0].actions[0]: \"method\" is required" },
		{ RES(",\n\"actions\": [\n{\"name\": \"confirm\", \"method\": \"_private\"}]"),
		  "5: resources[0].actions[0].method: must be a lower-case name" },
		{ RES(",\n\"actions\": [{\"name\": \"c\", \"method\": \"m\"},\n{\"name\": \"c\", \"method\": \"n\"}]"),
		  "5: resources[0].actions[1].name: action \"c\" is listed twice" },
		{ RES(",\n\"actions\": [{\"name\": \"c\", \"method\": \"m\",\n\"context\": []}]"),
		  "5: resources[0].actions[0].context: must be an object" },
		{ RES(",\n\"actions\": [{\"name\": \"c\", \"method\": \"m\",\n\"from\": \"draft\"}]"),
		  "5: resources[0].actions[0].from: must be a non-empty list of strings" },
		{ RES(",\n\"actions\": [{\"name\": \"c\", \"method\": \"m\", \"from\": [\"a\",\n\"\"]}]"),
		  "5: resources[0].actions[0].from[1]: must not be empty" },
		{ RES(",\n\"actions\": [{\"name\": \"c\", \"method\": \"m\",\n\"to\": 3}]"),
		  "5: resources[0].actions[0].to: must be a string" },
		{ RES(",\n\"actions\": [{\"name\": \"c\", \"method\": \"m\",\n\"when\": 3}]"),
		  "5: resources[0].actions[0].when: unknown key (known: name, method, context, from, to)" },
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\"id\"], \"actions\": [\n"
		  "{\"name\": \"c\", \"method\": \"m\",\n\"to\": \"done\"}]}]}",
		  "3: resources[0].actions[0].to: needs a field called \"state\"" },
		{ "{\"resources\": [{\"name\": \"x\", \"model\": \"m\", \"fields\": [\"id\", \"state\"],\n"
		  "\"routable\": false, \"actions\": [{\"name\": \"c\", \"method\": \"m\"}]}]}",
		  "2: resources[0].actions: a resource that is not routable" },
		{ RES(",\n\"actions\": [\n7]"), "5: resources[0].actions[0]: must be an object" },
	};
	return cr_make_param_array(struct bad, cases, ARRAY_SIZE(cases));
}

ParameterizedTest(struct bad *c, resfile, errors)
{
	char err[1024], want[256];

	snprintf(want, sizeof(want), "t.json:%s", c->want);
	cr_assert_null(resfile_parse(c->text, strlen(c->text), "t.json", err, sizeof(err)), "accepted: %s", c->text);
	cr_expect(strncmp(err, want, strlen(want)) == 0, "got  %s\nwant %s...", err, want);
}

/* The good file the error cases start from, and a richer one, load. */
Test(resfile, good_files_load)
{
	static const char rich[] =
		"{\"resources\": [\n"
		" {\"name\": \"purchases\", \"model\": \"purchase.order\",\n"
		"  \"domain\": [\"|\", [\"state\", \"in\", [\"draft\", \"sent\"]], \"!\", [\"partner_id.name\", \"=like\", \"A%\"]],\n"
		"  \"create_defaults\": {\"origin\": \"api\", \"priority\": \"1\"},\n"
		"  \"default_order\": \"date_order DESC,id\",\n"
		"  \"fields\": [{\"name\": \"id\", \"read_only\": true}, {\"name\": \"name\", \"q\": true, \"read_only\": true},\n"
		"             \"state\", \"date_order\", {\"name\": \"x_ref\", \"odoo\": [\"x_ref\", \"x_reference\"]}],\n"
		"  \"lines\": [{\"key\": \"lines\", \"field\": \"order_line\", \"resource\": \"purchase_lines\"}],\n"
		"  \"actions\": [{\"name\": \"confirm\", \"method\": \"button_confirm\", \"from\": [\"draft\", \"sent\"],\n"
		"                \"to\": \"purchase\"},\n"
		"              {\"name\": \"cancel\", \"method\": \"button_cancel\", \"context\": {\"a\": [1, 2]}}]},\n"
		" {\"name\": \"purchase_lines\", \"model\": \"purchase.order.line\", \"routable\": false,\n"
		"  \"fields\": [\"id\", \"product_id\", {\"name\": \"taxes_id\", \"type\": \"many2many\"}]},\n"
		" {\"name\": \"moves\", \"model\": \"account.move\", \"read_only\": true, \"domain\": [],\n"
		"  \"create_defaults\": {}, \"fields\": [\"id\"], \"lines\": [], \"actions\": []}\n"
		"]}\n";
	char err[1024];
	struct res_table *t = resfile_parse(rich, strlen(rich), "rich.json", err, sizeof(err));

	cr_assert_not_null(t, "%s", err);
	cr_assert_eq(t->n, 3);
	cr_expect_str_eq(t->r[0].lines->child->name, "purchase_lines");
	cr_expect_eq(t->r[0].lines->child, &t->r[1]);
	cr_expect_str_eq(t->r[0].actions[0].from[1], "sent");
	cr_expect_null(t->r[0].actions[0].from[2]);
	cr_expect_null(t->r[0].actions[1].from);
	cr_expect_null(t->r[0].actions[1].to);
	expect_json_eq(t->r[0].actions[1].kwargs, "{\"context\": {\"a\": [1, 2]}}", "context");
	cr_expect_str_eq(t->r[0].fields[4].odoo[1], "x_reference");
	cr_expect(!t->r[0].fields[4].vanishes);
	cr_expect(t->r[1].fields[2].vanishes);
	cr_expect_eq(t->r[1].fields[2].vanished_type, FT_MANY2MANY);
	cr_expect_eq(t->r[0].fields[1].flags, RF_RO | RF_Q);
	cr_expect_null(t->r[2].base_domain, "an empty domain is none");
	cr_expect_null(t->r[2].create_defaults);
	cr_expect(t->r[2].read_only);
	res_table_free(t);
	t = resfile_parse(RES(""), strlen(RES("")), "t.json", err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	res_table_free(t);
}

/* ------------------------------------------------------ installing a table */

Test(resfile, install_swaps_the_whole_table)
{
	static const char one[] = "{\"resources\": [{\"name\": \"things\", \"model\": \"x.thing\", \"fields\": [\"id\"]}]}";
	char err[1024], path[] = "/tmp/test_resfile_XXXXXX";
	struct res_table *t;
	int fd;

	cr_assert_not_null(resource_find("sales"));
	t = resfile_parse(one, strlen(one), "one.json", err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	resource_install(t);
	cr_expect_null(resource_find("sales"));
	cr_expect_str_eq(resource_find("things")->model, "x.thing");
	cr_expect_null(resource_at(1));
	/* A bad file gives no table: what is installed stays. */
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "{\"resources\": 1}", 16), 16);
	close(fd);
	cr_expect_null(resfile_load(path, err, sizeof(err)));
	cr_expect(strncmp(err, path, strlen(path)) == 0 && strstr(err, ":1: resources: must be") != NULL, "%s", err);
	cr_expect_not_null(resource_find("things"));
	unlink(path);
	cr_expect_null(resfile_load(path, err, sizeof(err)));
	cr_expect(strstr(err, "cannot open resources file") != NULL, "%s", err);
	/* Back to the compiled-in default. */
	t = resfile_parse(resfile_default, resfile_default_len, "default", err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	resource_install(t);
	cr_expect_not_null(resource_find("sales"));
}

/* ------------------------------------------------ --check-config --ping */

/* A fake Odoo: purchase.order is unknown, res.partner lacks mobile and vat is a binary (unhandled). */
static enum odoo_err
fake_fetch(void *ud, const char *model, const char *method, json_object *args, json_object *kwargs,
           json_object **out, struct odoo_error *err)
{
	(*(int *)ud)++;
	cr_assert_str_eq(method, "fields_get");
	if (strcmp(model, "res.partner") != 0) {
		snprintf(err->message, sizeof(err->message), "Object %s doesn't exist", model);
		return ODOO_E_USER;
	}
	*out = json_tokener_parse("{\"id\": {\"type\": \"integer\"}, \"name\": {\"type\": \"char\"},"
	                          " \"vat\": {\"type\": \"binary\"}}");
	return ODOO_OK;
}

Test(resfile, check_odoo_names_what_is_missing)
{
	static const char file[] =
		"{\"resources\": [\n"
		" {\"name\": \"a\", \"model\": \"res.partner\", \"fields\": [\"id\", \"name\", \"vat\",\n"
		"   {\"name\": \"mobile\", \"type\": \"char\"}, \"gone\"]},\n"
		" {\"name\": \"b\", \"model\": \"res.partner\", \"fields\": [\"id\", \"name\"]},\n"
		" {\"name\": \"c\", \"model\": \"purchase.order\", \"fields\": [\"id\"]}]}";
	char err[1024], *text = NULL;
	size_t len = 0, warnings = 0, errors;
	struct res_table *t = resfile_parse(file, strlen(file), "t.json", err, sizeof(err));
	FILE *out = open_memstream(&text, &len);
	int n_calls = 0;

	cr_assert_not_null(t, "%s", err);
	errors = resfile_check_odoo(t, fake_fetch, &n_calls, out, &warnings);
	fclose(out);
	cr_expect_eq(n_calls, 2, "one fields_get per model");
	cr_expect_eq(errors, 1, "%s", text);
	cr_expect_eq(warnings, 3, "%s", text);
	cr_expect(strstr(text, "error: c: model purchase.order is not on this Odoo") != NULL, "%s", text);
	cr_expect(strstr(text, "warning: a.mobile: res.partner has no such field on this Odoo; answered as null") != NULL,
	          "%s", text);
	cr_expect(strstr(text, "warning: a.gone: res.partner has no such field on this Odoo; dropped") != NULL, "%s", text);
	cr_expect(strstr(text, "warning: a.vat: res.partner.vat is of a type the API does not handle") != NULL, "%s", text);
	free(text);
	res_table_free(t);
}

/* ------------------------------------------------------ query.c's checks */

Test(resfile, domain_check)
{
	static const struct { const char *domain; bool ok; size_t at; } cases[] = {
		{ "[]", true, 0 },
		{ "[[\"a\", \"=\", 1], [\"b.c\", \"ilike\", \"x\"]]", true, 2 },
		{ "[\"|\", [\"a\", \"in\", [1, 2]], [\"a\", \"not in\", []]]", true, 3 },
		{ "[\"!\", [\"a\", \"child_of\", 3]]", true, 2 },
		{ "[[\"a\", \">=\", 1.5], [\"b\", \"!=\", false]]", true, 2 },
		{ "[\"|\", [\"a\", \"=\", 1]]", false, 0 },
		{ "[\"&\", \"&\", [\"a\", \"=\", 1], [\"a\", \"=\", 1]]", false, 0 },
		{ "[[\"a\", \"=\", 1], 3]", false, 1 },
		{ "[[\"a\", \"in\", [[1]]]]", false, 0 },
		{ "[[\"a\", \"=\", {}]]", false, 0 },
		{ "[[\"a.\", \"=\", 1]]", false, 0 },
		{ "[[\"1a\", \"=\", 1]]", false, 0 },
		{ "[[\"a\", \"=\", 1, 2]]", false, 0 },
		{ "{}", false, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		json_object *d = json_tokener_parse(cases[i].domain);
		size_t at = 99;
		const char *why = query_domain_check(d, &at);

		cr_expect_eq(why == NULL, cases[i].ok, "%s: %s", cases[i].domain, why != NULL ? why : "ok");
		cr_expect_eq(at, cases[i].at, "%s: at %zu", cases[i].domain, at);
		json_object_put(d);
	}
}

Test(resfile, order_check)
{
	static const char *const names[] = { "id", "name", "date_order" };
	static const struct { const char *order; bool ok; } cases[] = {
		{ "name", true }, { "name asc", true }, { "date_order DESC,id", true }, { "name asc,id desc", true },
		{ "", false }, { "name,", false }, { ",name", false }, { "nam", false }, { "name  asc", false },
		{ "name asc extra", false }, { "name,name desc", false }, { "name ascending", false },
	};
	char buf[128];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *why = query_order_check(cases[i].order, names, ARRAY_SIZE(names), buf, sizeof(buf));

		cr_expect_eq(why == NULL, cases[i].ok, "\"%s\": %s", cases[i].order, why != NULL ? why : "ok");
	}
}
