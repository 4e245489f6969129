/* test_crud.c: the crud and sales handlers against a scripted Odoo on loopback (calls checked as JSON). */
#undef NDEBUG
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crud.h"
#include "odoo_answer.h"
#include "mock_odoo.h"
#include "odoo.h"
#include "xmlrpc.h"
#include "res_fixture.h"
#include "sales.h"
#include "util.h"

/* ------------------------------------------------ the scripted Odoo */

struct fault {
	int code;            /* 0: no fault */
	char text[256];
};

/*
 * Answers one execute_kw: returns the result (new reference) or fills f.
 * fields_get is answered from the captures before the responder is asked.
 */
typedef json_object *(*responder_fn)(const char *model, const char *method, json_object *args,
                                     json_object *kwargs, struct fault *f);

static responder_fn responder;
static json_object *calls;          /* [{"model", "method", "args", "kwargs"}], fields_get excluded */
static struct mock_odoo *mock;

/* The mode the next run() uses, and the password the token of its user carries. */
static enum auth_mode run_mode = AUTH_USER;
#define USER_SECRET "s3cret of admin's own"
/* A field the user's groups may not read (field-level groups), or NULL. */
static const char *hidden_field;

/* methodCall params -> JSON, by reading them as the result array of a methodResponse. */
static json_object *
call_params(const char *body, char *method, size_t mlen)
{
	const char *m = strstr(body, "<methodName>"), *p = strstr(body, "<params>"), *e = strstr(body, "</params>");
	struct buf b;
	json_object *out = NULL;
	struct odoo_error err;

	cr_assert(m && p && e);
	snprintf(method, mlen, "%.*s", (int)strcspn(m + 12, "<"), m + 12);
	buf_init(&b, 1 << 22);
	buf_puts(&b, "<?xml version=\"1.0\"?><methodResponse><params><param><value><array><data>");
	for (const char *s = p + 8; s < e;) {
		if (strncmp(s, "<param>", 7) == 0)
			s += 7;
		else if (strncmp(s, "</param>", 8) == 0)
			s += 8;
		else
			buf_append(&b, s++, 1);
	}
	buf_puts(&b, "</data></array></value></param></params></methodResponse>");
	cr_assert_eq(xr_parse_response(b.data, b.len, &out, &err), ODOO_OK, "cannot read the call");
	buf_free(&b);
	return out;
}

/* The XML-RPC answer for result, or a fault. */
static char *
answer_body(json_object *result, const struct fault *f)
{
	json_object *params;
	char *call, *resp;
	const char *open = "<methodCall><methodName>r</methodName>", *at;

	if (f->code != 0)
		return xasprintf("<?xml version=\"1.0\"?><methodResponse><fault><value><struct>"
		                 "<member><name>faultCode</name><value><int>%d</int></value></member>"
		                 "<member><name>faultString</name><value><string>%s</string></value></member>"
		                 "</struct></value></fault></methodResponse>", f->code, f->text);
	params = json_object_new_array();
	json_object_array_add(params, result);
	call = xr_serialize_call("r", params, NULL);
	json_object_put(params);
	cr_assert_not_null(call);
	at = strstr(call, open);
	cr_assert_not_null(at);
	*strstr(call, "</methodCall>") = '\0';
	resp = xasprintf("%.*s<methodResponse>%s</methodResponse>", (int)(at - call), call, at + strlen(open));
	free(call);
	return resp;
}

static json_object *
dispatch(json_object *params, const char *method, struct fault *f)
{
	const char *model, *meth;
	json_object *args, *kwargs, *rec;

	if (strcmp(method, "authenticate") == 0)
		return json_object_new_int(2);
	cr_assert_str_eq(method, "execute_kw");
	/* Whom the call runs as: the token's user (AUTH_MODE=user) or the service account. */
	cr_assert_eq(json_object_get_int64(json_object_array_get_idx(params, 1)), 2);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(params, 2)),
	                 run_mode == AUTH_USER ? USER_SECRET : "admin");
	model = json_object_get_string(json_object_array_get_idx(params, 3));
	meth = json_object_get_string(json_object_array_get_idx(params, 4));
	args = json_object_array_get_idx(params, 5);
	kwargs = json_object_array_length(params) > 6 ? json_object_array_get_idx(params, 6) : NULL;
	if (strcmp(meth, "fields_get") == 0) {
		json_object *fg = fixture_fields_get(model);
		/* Odoo leaves out of fields_get the fields whose groups the user lacks. */
		if (hidden_field != NULL)
			json_object_object_del(fg, hidden_field);
		return fg;
	}
	rec = json_object_new_object();
	json_object_object_add(rec, "model", json_object_new_string(model));
	json_object_object_add(rec, "method", json_object_new_string(meth));
	json_object_object_add(rec, "args", json_object_get(args));
	json_object_object_add(rec, "kwargs", kwargs ? json_object_get(kwargs) : json_object_new_object());
	json_object_array_add(calls, rec);
	return responder(model, meth, args, kwargs, f);
}

static void
scripted(void *ud, const struct mock_request *rq, struct mock_answer *a)
{
	char method[64];
	json_object *params, *result;
	struct fault f = { 0, "" };

	(void)ud;
	params = call_params(rq->body, method, sizeof(method));
	result = dispatch(params, method, &f);
	a->act = MOCK_REPLY;
	a->body = answer_body(result, &f);
	a->len = strlen(a->body);
	json_object_put(params);
}

static struct odoo *client;


static void
odoo_up(void)
{
	char url[64];
	struct odoo_config oc = { .url = url, .db = "odoo_pelotazo", .username = "admin", .password = "admin",
	                          .protocol = ODOO_PROTO_XMLRPC, .timeout_ms = 5000, .max_response = 1 << 22 };

	mock = mock_odoo_start(scripted, NULL, false);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", mock_odoo_port(mock));
	client = odoo_new(&oc);
	cr_assert_not_null(client);
	calls = json_object_new_array();
}

static void
odoo_down(void)
{
	mock_odoo_stop(mock, NULL);
	mock = NULL;
	odoo_free(client);
	json_object_put(calls);
}

TestSuite(crud, .init = odoo_up, .fini = odoo_down);

/* Forgets the calls recorded so far (between two requests of one test). */
static void
reset_calls(void)
{
	json_object_put(calls);
	calls = json_object_new_array();
}

/* --------------------------------------------------------- one request */

struct exchange {
	struct config   cfg;
	struct worker   w;
	struct request  req;
	struct response res;
	struct ctx      c;
	char           *env[8];
};

/* Runs handler on METHOD path?qs with body (content type ct); route params res, id, action. */
static void
run(struct exchange *x, handler_fn handler, const char *method, const char *qs, const char *ct,
    const char *body, const char *res, const char *id, const char *action)
{
	static struct schema_cache *schemas;
	static struct schema_scopes *user_schemas;
	size_t n = 0;

	memset(x, 0, sizeof(*x));
	x->cfg.list_max = 50;
	x->cfg.auth_mode = run_mode;
	if (schemas == NULL)
		schemas = schema_cache_new();
	if (user_schemas == NULL)
		user_schemas = schema_scopes_new(4);
	x->w.schemas = schemas;
	x->w.user_schemas = user_schemas;
	x->w.odoo = client;   /* ctx_odoo() (app.c) answers the worker's client */
	x->env[n++] = xasprintf("REQUEST_METHOD=%s", method);
	x->env[n++] = xasprintf("PATH_INFO=/api/v1/%s%s%s", res, id ? "/" : "", id ? id : "");
	x->env[n++] = xasprintf("QUERY_STRING=%s", qs);
	x->env[n++] = xstrdup("SCRIPT_NAME=/bridge");
	if (ct != NULL)
		x->env[n++] = xasprintf("CONTENT_TYPE=%s", ct);
	x->env[n] = NULL;
	cr_assert_eq(request_init(&x->req, x->env), REQ_OK);
	if (body != NULL) {
		buf_init(&x->req.body, 1 << 20);
		buf_puts(&x->req.body, body);
		x->req.body_read = true;
	}
	x->req.route_params[0] = res;
	x->req.route_params[1] = id;
	x->req.route_params[2] = action;
	response_init(&x->res);
	x->c.w = &x->w;
	x->c.cfg = &x->cfg;
	x->c.req = &x->req;
	x->c.res = &x->res;
	x->c.user.valid = true;
	snprintf(x->c.user.sub, sizeof(x->c.user.sub), "admin");
	x->c.user.uid = 2;
	x->c.user.has_secret = true;
	snprintf(x->c.user.secret, sizeof(x->c.user.secret), "%s", USER_SECRET);
	handler(&x->c);
}

static void
done(struct exchange *x)
{
	response_free(&x->res);
	request_free(&x->req);
	for (size_t i = 0; x->env[i] != NULL; i++)
		free(x->env[i]);
}

static json_object *
J(const char *text)
{
	json_object *j = json_tokener_parse(text);

	cr_assert_not_null(j, "bad JSON in test: %s", text);
	return j;
}

static void
assert_json(json_object *got, const char *want, const char *what)
{
	json_object *w = J(want);

	cr_assert(json_object_equal(got, w), "%s: got %s\nwant %s", what,
	          json_object_to_json_string_ext(got, JSON_C_TO_STRING_PLAIN), want);
	json_object_put(w);
}

/* The i-th recorded call: model and method checked, args/kwargs returned. */
static json_object *
call_at(size_t i, const char *model, const char *method)
{
	json_object *c, *v;

	cr_assert_lt(i, json_object_array_length(calls), "call %zu missing; calls: %s", i,
	             json_object_to_json_string(calls));
	c = json_object_array_get_idx(calls, i);
	json_object_object_get_ex(c, "model", &v);
	cr_assert_str_eq(json_object_get_string(v), model, "call %zu", i);
	json_object_object_get_ex(c, "method", &v);
	cr_assert_str_eq(json_object_get_string(v), method, "call %zu", i);
	return c;
}

/* Asserts that the calls recorded are exactly want: "model.method" names, space-separated, in order. */
static void
assert_calls(const char *want)
{
	struct buf b;

	buf_init(&b, 4096);
	for (size_t i = 0; i < json_object_array_length(calls); i++) {
		json_object *c = json_object_array_get_idx(calls, i), *model, *method;

		json_object_object_get_ex(c, "model", &model);
		json_object_object_get_ex(c, "method", &method);
		buf_puts(&b, i > 0 ? " " : "");
		buf_puts(&b, json_object_get_string(model));
		buf_puts(&b, ".");
		buf_puts(&b, json_object_get_string(method));
	}
	cr_assert_str_eq(b.data != NULL ? b.data : "", want, "calls: %s", json_object_to_json_string(calls));
	buf_free(&b);
}

/* The last recorded call of method (asserted to exist). */
static json_object *
last_call(const char *model, const char *method)
{
	for (size_t i = json_object_array_length(calls); i-- > 0;) {
		json_object *c = json_object_array_get_idx(calls, i), *v;

		json_object_object_get_ex(c, "method", &v);
		if (strcmp(json_object_get_string(v), method) == 0)
			return call_at(i, model, method);
	}
	cr_assert_fail("no call of %s in %s", method, json_object_to_json_string(calls));
	return NULL;
}

static json_object *
member(json_object *o, const char *k)
{
	json_object *v = NULL;

	json_object_object_get_ex(o, k, &v);
	return v;
}

static void
assert_error(struct exchange *x, int status, const char *message)
{
	cr_assert_eq(x->res.status, status, "status %d, body %s", x->res.status,
	             json_object_to_json_string(x->res.body));
	if (message != NULL)
		cr_assert_str_eq(json_object_get_string(member(x->res.body, "message")), message);
}

/* The records of a samples/ capture, filtered to ids (NULL: all).  New reference. */
static json_object *
sample(const char *file, const int *ids, size_t n)
{
	char rel[128];
	json_object *doc, *recs, *out = json_object_new_array();

	snprintf(rel, sizeof(rel), "samples/%s.json", file);
	doc = fixture_json(rel);
	recs = member(doc, "records");
	for (size_t i = 0; i < json_object_array_length(recs); i++) {
		json_object *r = json_object_array_get_idx(recs, i);
		bool keep = ids == NULL;

		for (size_t k = 0; k < n && !keep; k++)
			keep = json_object_get_int64(member(r, "id")) == ids[k];
		if (keep)
			json_object_array_add(out, json_object_get(r));
	}
	json_object_put(doc);
	return out;
}

/*
 * One record as Odoo 18's web_read shapes it (odoo/addons/web/models/models.py,
 * raw/web_search_read_product_relational_spec.*.xml), from the record as
 * read() gives it: the fields of spec; a many2one [id, "name"] becomes the
 * bare id, or {"id", "display_name"} when spec asks for display_name; an
 * x2many with "fields" in its spec becomes its records (sale lines from
 * samples/), each shaped by that spec; False stays False.  New reference.
 */
static json_object *
web_shape(json_object *rec, json_object *spec)
{
	json_object *out = json_object_new_object();

	json_object_object_add(out, "id", json_object_get(member(rec, "id")));
	json_object_object_foreach(spec, k, fspec) {
		json_object *v = member(rec, k), *sub = member(fspec, "fields");
		bool m2o = json_object_is_type(v, json_type_array) && json_object_array_length(v) == 2 &&
		           json_object_is_type(json_object_array_get_idx(v, 1), json_type_string);

		if (v == NULL || strcmp(k, "id") == 0)
			continue;
		if (m2o && member(sub, "display_name") != NULL) {
			json_object *ref = json_object_new_object();

			json_object_object_add(ref, "id", json_object_get(json_object_array_get_idx(v, 0)));
			json_object_object_add(ref, "display_name", json_object_get(json_object_array_get_idx(v, 1)));
			json_object_object_add(out, k, ref);
		} else if (m2o) {
			json_object_object_add(out, k, json_object_get(json_object_array_get_idx(v, 0)));
		} else if (json_object_is_type(v, json_type_array) && sub != NULL) {
			int want[16];
			size_t n = json_object_array_length(v);
			json_object *lines, *shaped = json_object_new_array();

			cr_assert_str_eq(k, "order_line", "only sale lines are nested here");
			cr_assert_leq(n, 16);
			for (size_t i = 0; i < n; i++)
				want[i] = (int)json_object_get_int64(json_object_array_get_idx(v, i));
			lines = sample("sale.order.line", want, n);
			for (size_t i = 0; i < json_object_array_length(lines); i++)
				json_object_array_add(shaped, web_shape(json_object_array_get_idx(lines, i), sub));
			json_object_put(lines);
			json_object_object_add(out, k, shaped);
		} else {
			json_object_object_add(out, k, json_object_get(v));
		}
	}
	return out;
}

/*
 * web_search_read's answer for the page recs (consumed) at offset, of
 * count matching records: {"length", "records"}, where length is counted
 * only when a limit is given and the page is full, and is 0 for an empty
 * page (Odoo 18's _format_web_search_read_results).
 */
static json_object *
web_answer(json_object *recs, json_object *kwargs, int64_t count)
{
	json_object *out = json_object_new_object(), *shaped = json_object_new_array();
	json_object *spec = member(kwargs, "specification");
	int64_t n = (int64_t)json_object_array_length(recs), limit = json_object_get_int64(member(kwargs, "limit"));
	int64_t length = n == 0 ? 0 : limit > 0 && n == limit ? count : json_object_get_int64(member(kwargs, "offset")) + n;

	cr_assert(json_object_is_type(spec, json_type_object), "web_search_read without a specification");
	for (int64_t i = 0; i < n; i++)
		json_object_array_add(shaped, web_shape(json_object_array_get_idx(recs, (size_t)i), spec));
	json_object_put(recs);
	json_object_object_add(out, "length", json_object_new_int64(length));
	json_object_object_add(out, "records", shaped);
	return out;
}

/* ------------------------------------------------------------- lists */

/* A catalogue of 43 products, the 3 samples over and over, paged as Odoo pages it. */
#define CATALOGUE 43

static json_object *
catalogue_page(json_object *kwargs)
{
	json_object *all = sample("product.product", NULL, 0), *page = json_object_new_array();
	int64_t offset = json_object_get_int64(member(kwargs, "offset")), limit = json_object_get_int64(member(kwargs, "limit"));

	for (int64_t i = offset; i < offset + limit && i < CATALOGUE; i++)
		json_object_array_add(page, json_object_get(json_object_array_get_idx(all, (size_t)(i % 3))));
	json_object_put(all);
	return page;
}

static json_object *
products_full_page(const char *model, const char *method, json_object *args, json_object *kwargs, struct fault *f)
{
	if (strcmp(method, "web_search_read") == 0)
		return web_answer(catalogue_page(kwargs), kwargs, CATALOGUE);
	if (strcmp(method, "search_read") == 0)
		return catalogue_page(kwargs);
	if (strcmp(method, "search_count") == 0)
		return json_object_new_int(CATALOGUE);
	cr_assert_fail("unexpected %s", method);
	return NULL;
}

static json_object *
nothing_found(const char *model, const char *method, json_object *args, json_object *kwargs, struct fault *f)
{
	if (strcmp(method, "web_search_read") == 0)
		return web_answer(json_object_new_array(), kwargs, 0);
	cr_assert_fail("unexpected %s", method);
	return NULL;
}

Test(crud, list_range_full_page_counts)
{
	struct exchange x;
	json_object *c, *spec;

	responder = products_full_page;
	run(&x, crud_list, "GET", "_start=0&_end=2&_sort=list_price&_order=desc", NULL, NULL, "products", NULL, NULL);
	cr_assert_eq(x.res.status, 200, "%s", json_object_to_json_string(x.res.body));
	cr_assert(json_object_is_type(x.res.body, json_type_array));
	cr_assert_eq(json_object_array_length(x.res.body), 2);
	cr_assert_str_eq(response_get_header(&x.res, "X-Total-Count"), "43");
	/* One round trip: web_search_read counts a full page itself. */
	c = call_at(0, "product.product", "web_search_read");
	cr_assert_eq(json_object_array_length(calls), 1, "%s", json_object_to_json_string(calls));
	assert_json(member(c, "args"), "[[]]", "web_search_read args");
	cr_assert_eq(json_object_get_int64(member(member(c, "kwargs"), "offset")), 0);
	cr_assert_eq(json_object_get_int64(member(member(c, "kwargs"), "limit")), 2);
	cr_assert_str_eq(json_object_get_string(member(member(c, "kwargs"), "order")), "list_price desc,id asc");
	cr_assert_null(member(member(c, "kwargs"), "count_limit"), "the total is exact");
	spec = member(member(c, "kwargs"), "specification");
	cr_assert_eq(json_object_object_length(spec), 16);
	assert_json(member(spec, "categ_id"), "{\"fields\": {\"display_name\": {}}}", "many2one spec");
	assert_json(member(spec, "list_price"), "{}", "plain field spec");
	/* DESIGN.md section 6's product, as the API shows it. */
	assert_json(member(json_object_array_get_idx(x.res.body, 0), "categ_id"),
	            "{\"id\": 8, \"name\": \"All / Saleable / Office Furniture\"}", "categ_id");
	cr_assert(json_object_is_type(member(json_object_array_get_idx(x.res.body, 0), "barcode"), json_type_null));
	cr_assert_str_eq(json_object_get_string(member(json_object_array_get_idx(x.res.body, 0), "write_date")),
	                 "2026-11-26T20:28:20Z");
	done(&x);
}

Test(crud, list_envelope_short_page_needs_no_count)
{
	struct exchange x;

	responder = products_full_page;
	run(&x, crud_list, "GET", "page=5&limit=10", NULL, NULL, "products", NULL, NULL);
	cr_assert_eq(x.res.status, 200);
	cr_assert_eq(json_object_array_length(calls), 1, "one round trip: %s", json_object_to_json_string(calls));
	cr_assert_eq(json_object_get_int64(member(member(call_at(0, "product.product", "web_search_read"), "kwargs"),
	                                          "offset")), 40);
	cr_assert_eq(json_object_get_int64(member(x.res.body, "total")), 43);
	cr_assert_eq(json_object_get_int64(member(x.res.body, "page")), 5);
	cr_assert_eq(json_object_get_int64(member(x.res.body, "limit")), 10);
	cr_assert_eq(json_object_get_int64(member(x.res.body, "pages")), 5);
	cr_assert_eq(json_object_array_length(member(x.res.body, "items")), 3);
	cr_assert_str_eq(response_get_header(&x.res, "X-Total-Count"), "43");
	done(&x);
}

Test(crud, list_envelope_full_page_counts)
{
	struct exchange x;

	responder = products_full_page;
	run(&x, crud_list, "GET", "page=2&limit=2", NULL, NULL, "products", NULL, NULL);
	cr_assert_eq(x.res.status, 200);
	cr_assert_eq(json_object_get_int64(member(member(call_at(0, "product.product", "web_search_read"), "kwargs"),
	                                          "offset")), 2);
	cr_assert_eq(json_object_array_length(calls), 1, "%s", json_object_to_json_string(calls));
	cr_assert_eq(json_object_get_int64(member(x.res.body, "total")), 43);
	cr_assert_eq(json_object_get_int64(member(x.res.body, "pages")), 22);
	done(&x);
}

/* Odoo answers an empty page with length 0, counted or not: past the end the total is asked. */
Test(crud, list_empty_page_past_the_end_counts)
{
	struct exchange x;

	responder = products_full_page;
	run(&x, crud_list, "GET", "page=6&limit=10", NULL, NULL, "products", NULL, NULL);
	cr_assert_eq(x.res.status, 200);
	assert_calls("product.product.web_search_read product.product.search_count");
	assert_json(member(call_at(1, "product.product", "search_count"), "args"), "[[]]", "search_count args");
	cr_assert_eq(json_object_array_length(member(x.res.body, "items")), 0);
	cr_assert_eq(json_object_get_int64(member(x.res.body, "total")), 43);
	done(&x);
	/* An empty first page is an empty result: nothing to count. */
	reset_calls();
	responder = nothing_found;
	run(&x, crud_list, "GET", "_start=0&_end=10", NULL, NULL, "products", NULL, NULL);
	cr_assert_eq(x.res.status, 200);
	assert_calls("product.product.web_search_read");
	cr_assert_str_eq(response_get_header(&x.res, "X-Total-Count"), "0");
	done(&x);
}

Test(crud, list_empty_range_only_counts)
{
	struct exchange x;

	responder = products_full_page;
	run(&x, crud_list, "GET", "_start=5&_end=5", NULL, NULL, "products", NULL, NULL);
	cr_assert_eq(x.res.status, 200);
	cr_assert_eq(json_object_array_length(x.res.body), 0);
	call_at(0, "product.product", "search_count");
	cr_assert_eq(json_object_array_length(calls), 1);
	cr_assert_str_eq(response_get_header(&x.res, "X-Total-Count"), "43");
	done(&x);
}

Test(crud, list_customers_base_domain_and_filters)
{
	struct exchange x;

	responder = products_full_page;
	run(&x, crud_list, "GET", "q=azure&is_company=true", NULL, NULL, "customers", NULL, NULL);
	assert_json(member(call_at(0, "res.partner", "web_search_read"), "args"),
	            "[[[\"customer_rank\", \">\", 0], \"|\", \"|\", \"|\", [\"name\", \"ilike\", \"azure\"],"
	            " [\"email\", \"ilike\", \"azure\"], [\"phone\", \"ilike\", \"azure\"], [\"vat\", \"ilike\", \"azure\"],"
	            " [\"is_company\", \"=\", true]]]", "domain");
	done(&x);
}

Test(crud, list_bad_query_is_400_before_any_search)
{
	struct exchange x;

	responder = products_full_page;
	run(&x, crud_list, "GET", "_sort=qty_available", NULL, NULL, "products", NULL, NULL);
	assert_error(&x, 400, "Parámetro de consulta inválido");
	assert_json(member(x.res.body, "errors"), "{\"_sort\": [\"No se puede ordenar por el campo qty_available\"]}",
	            "errors");
	done(&x);
	run(&x, crud_list, "GET", "page=0", NULL, NULL, "products", NULL, NULL);
	assert_error(&x, 400, "Parámetros de paginación inválidos");
	cr_assert_eq(json_object_array_length(calls), 0);
	done(&x);
}

Test(crud, unknown_resource_and_bad_ids)
{
	struct exchange x;

	responder = products_full_page;
	run(&x, crud_list, "GET", "", NULL, NULL, "invoices", NULL, NULL);
	assert_error(&x, 404, NULL);
	done(&x);
	run(&x, crud_get, "GET", "", NULL, NULL, "sale_lines", "1", NULL);
	assert_error(&x, 404, NULL);
	done(&x);
	run(&x, crud_get, "GET", "", NULL, NULL, "products", "abc", NULL);
	assert_error(&x, 404, "Registro no encontrado");
	done(&x);
	run(&x, crud_get, "GET", "", NULL, NULL, "products", "0", NULL);
	assert_error(&x, 404, "Registro no encontrado");
	done(&x);
	run(&x, crud_delete, "DELETE", "", NULL, NULL, "products", "-3", NULL);
	assert_error(&x, 404, "Registro no encontrado");
	done(&x);
	run(&x, crud_get, "GET", "", NULL, NULL, "products", "2147483648", NULL);
	assert_error(&x, 404, "Registro no encontrado");
	done(&x);
	cr_assert_eq(json_object_array_length(calls), 0);
}

Test(crud, read_only_resource_refuses_writes)
{
	struct exchange x;

	responder = products_full_page;
	run(&x, crud_create, "POST", "", "application/json", "{\"name\": \"X\"}", "countries", NULL, NULL);
	assert_error(&x, 405, NULL);
	cr_assert_str_eq(response_get_header(&x.res, "Allow"), "GET, HEAD, OPTIONS");
	done(&x);
	run(&x, crud_delete, "DELETE", "", NULL, NULL, "categories", "1", NULL);
	assert_error(&x, 405, NULL);
	done(&x);
	run(&x, crud_update, "PATCH", "", "application/json", "{}", "countries", "1", NULL);
	assert_error(&x, 405, NULL);
	done(&x);
	cr_assert_eq(json_object_array_length(calls), 0);
}

/* ----------------------------------------------------------- records */

static int sale_state_after;  /* 0: keep the sample's */

/* The sample record named by the domain's last leaf ("id", "=", id), as search_read reads it. */
static json_object *
record_of(const char *model, json_object *args)
{
	json_object *leaf = json_object_array_get_idx(json_object_array_get_idx(args, 0),
	                                              json_object_array_length(json_object_array_get_idx(args, 0)) - 1);
	int id = (int)json_object_get_int64(json_object_array_get_idx(leaf, 2));
	const char *file = strcmp(model, "sale.order") == 0 ? "sale.order" :
	                   strcmp(model, "product.product") == 0 ? "product.product" : "res.partner.customers";
	json_object *out = sample(file, &id, 1);

	if (sale_state_after != 0 && json_object_array_length(out) == 1)
		json_object_object_add(json_object_array_get_idx(out, 0), "state",
		                       json_object_new_string(sale_state_after == 1 ? "sale" : "cancel"));
	return out;
}

static const char *partner_default;   /* default_get's partner_id, or NULL: none */

static json_object *
records(const char *model, const char *method, json_object *args, json_object *kwargs, struct fault *f)
{
	if (strcmp(method, "default_get") == 0) {
		/* A sale's date has a default; its customer only when partner_default says so. */
		json_object *d = json_object_new_object(), *names = json_object_array_get_idx(args, 0);

		for (size_t i = 0; i < json_object_array_length(names); i++) {
			const char *n = json_object_get_string(json_object_array_get_idx(names, i));

			if (strcmp(n, "date_order") == 0)
				json_object_object_add(d, n, json_object_new_string("2026-12-05 10:00:00"));
			else if (strcmp(n, "partner_id") == 0 && partner_default != NULL)
				json_object_object_add(d, n, json_object_new_int(atoi(partner_default)));
		}
		return d;
	}
	if (strcmp(method, "web_search_read") == 0)
		return web_answer(record_of(model, args), kwargs, 1);
	if (strcmp(method, "search_read") == 0)
		return record_of(model, args);
	if (strcmp(method, "read") == 0 && strcmp(model, "sale.order.line") == 0) {
		json_object *ids = json_object_array_get_idx(args, 0);
		int want[16];
		size_t n = json_object_array_length(ids);

		for (size_t i = 0; i < n && i < 16; i++)
			want[i] = (int)json_object_get_int64(json_object_array_get_idx(ids, i));
		return sample("sale.order.line", want, n);
	}
	if (strcmp(method, "create") == 0)
		return json_object_new_int(15);
	if (strcmp(method, "write") == 0 || strcmp(method, "unlink") == 0 || strncmp(method, "action_", 7) == 0)
		return json_object_new_boolean(1);
	cr_assert_fail("unexpected %s.%s", model, method);
	return NULL;
}

Test(crud, get_customer_within_base_domain)
{
	struct exchange x;
	json_object *c;

	responder = records;
	run(&x, crud_get, "GET", "", NULL, NULL, "customers", "15", NULL);
	cr_assert_eq(x.res.status, 200, "%s", json_object_to_json_string(x.res.body));
	cr_assert_str_eq(json_object_get_string(member(x.res.body, "name")), "Azure Interior");
	/* Without lines, search_read: one round trip as web_search_read, cheaper to read. */
	c = call_at(0, "res.partner", "search_read");
	cr_assert_eq(json_object_array_length(calls), 1);
	assert_json(member(c, "args"), "[[[\"customer_rank\", \">\", 0], [\"id\", \"=\", 15]]]", "domain");
	assert_json(member(member(c, "kwargs"), "context"), "{\"active_test\": false}", "context");
	cr_assert_eq(json_object_get_int64(member(member(c, "kwargs"), "limit")), 1);
	cr_assert_eq(json_object_array_length(member(member(c, "kwargs"), "fields")), 19);
	done(&x);
	/* Not there (or outside the base domain): Odoo answers no records. */
	run(&x, crud_get, "GET", "", NULL, NULL, "customers", "999", NULL);
	assert_error(&x, 404, "Registro no encontrado");
	done(&x);
}

Test(crud, get_sale_has_lines)
{
	struct exchange x;
	json_object *lines, *spec, *c;

	responder = records;
	run(&x, crud_get, "GET", "", NULL, NULL, "sales", "1", NULL);
	cr_assert_eq(x.res.status, 200, "%s", json_object_to_json_string(x.res.body));
	/* The order and its lines in one call: the lines nested in the specification. */
	c = call_at(0, "sale.order", "web_search_read");
	spec = member(member(c, "kwargs"), "specification");
	assert_json(member(c, "args"), "[[[\"id\", \"=\", 1]]]", "domain");
	assert_json(member(member(c, "kwargs"), "context"), "{\"active_test\": false}", "context");
	/* With a limit, a found record is a full page, which Odoo would count. */
	cr_assert_null(member(member(c, "kwargs"), "limit"));
	cr_assert_eq(json_object_array_length(calls), 1, "%s", json_object_to_json_string(calls));
	cr_assert_eq(json_object_object_length(spec), 16, "the sale's fields plus order_line");
	cr_assert_eq(json_object_object_length(member(member(spec, "order_line"), "fields")), 10);
	assert_json(member(member(member(spec, "order_line"), "fields"), "product_id"),
	            "{\"fields\": {\"display_name\": {}}}", "line product spec");
	assert_json(member(member(member(spec, "order_line"), "fields"), "tax_id"), "{}", "many2many: ids");
	lines = member(x.res.body, "lines");
	cr_assert_eq(json_object_array_length(lines), 3);
	assert_json(member(json_object_array_get_idx(lines, 0), "product_id"),
	            "{\"id\": 32, \"name\": \"[FURN_6667] Acoustic Bloc Screens (Wood)\"}", "line product");
	assert_json(member(json_object_array_get_idx(lines, 0), "tax_id"), "[]", "line taxes");
	cr_assert_null(member(x.res.body, "order_line"));
	cr_assert_str_eq(json_object_get_string(member(x.res.body, "date_order")), "2026-10-26T20:28:00Z");
	assert_json(member(x.res.body, "partner_id"), "{\"id\": 10, \"name\": \"Deco Addict\"}", "partner");
	done(&x);
}

Test(crud, create_customer)
{
	struct exchange x;
	json_object *c;

	responder = records;
	run(&x, crud_create, "POST", "", "application/json; charset=utf-8",
	    "{\"name\": \"Probe\", \"email\": \"p@example.com\", \"country_id\": {\"id\": 68, \"name\": \"Spain\"}}",
	    "customers", NULL, NULL);
	cr_assert_eq(x.res.status, 201, "%s", json_object_to_json_string(x.res.body));
	cr_assert_str_eq(response_get_header(&x.res, "Location"), "/bridge/api/v1/customers/15");
	c = call_at(0, "res.partner", "create");
	assert_json(member(c, "args"), "[{\"name\": \"Probe\", \"email\": \"p@example.com\", \"country_id\": 68,"
	            " \"customer_rank\": 1}]", "create vals");
	call_at(1, "res.partner", "search_read");
	cr_assert_eq(json_object_get_int64(member(x.res.body, "id")), 15);
	done(&x);
}

Test(crud, create_refusals)
{
	struct exchange x;

	responder = records;
	run(&x, crud_create, "POST", "", "text/plain", "{\"name\": \"X\"}", "customers", NULL, NULL);
	assert_error(&x, 415, NULL);
	done(&x);
	run(&x, crud_create, "POST", "", NULL, "{\"name\": \"X\"}", "customers", NULL, NULL);
	assert_error(&x, 415, NULL);
	done(&x);
	run(&x, crud_create, "POST", "", "application/json", "{\"name\": ", "customers", NULL, NULL);
	assert_error(&x, 400, "Cuerpo JSON mal formado");
	done(&x);
	run(&x, crud_create, "POST", "", "application/json", "[1]", "customers", NULL, NULL);
	assert_error(&x, 400, NULL);
	done(&x);
	run(&x, crud_create, "POST", "", "application/json", NULL, "customers", NULL, NULL);
	assert_error(&x, 400, NULL);
	done(&x);
	run(&x, crud_create, "POST", "", "application/json", "{\"name\": 5, \"customer_rank\": 3, \"x\": 1}",
	    "customers", NULL, NULL);
	assert_error(&x, 400, "Datos inválidos");
	assert_json(member(x.res.body, "errors"), "{\"name\": [\"Debe ser un texto\"], \"customer_rank\":"
	            " [\"Campo de solo lectura\"], \"x\": [\"Campo desconocido\"]}", "errors");
	done(&x);
	cr_assert_eq(json_object_array_length(calls), 0, "nothing reached Odoo: %s", json_object_to_json_string(calls));
}

/* ------------------------------------------------ required fields */

/*
 * As records, with a create that Odoo refuses with its NOT NULL message,
 * word for word as captured (raw/create_sale_order_missing_partner).
 */
static json_object *
not_null(const char *model, const char *method, json_object *args, json_object *kwargs, struct fault *f)
{
	if (strcmp(method, "create") == 0) {
		f->code = 2;
		snprintf(f->text, sizeof(f->text), "The operation cannot be completed:\n"
		         "- Create/update: a mandatory field is not set.\n"
		         "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
		         "Model: Sales Order (sale.order)\nField: Customer (partner_id)\n");
		return NULL;
	}
	return records(model, method, args, kwargs, f);
}

/* A sale without its customer: 400 naming the field, before any create (issue 19). */
Test(crud, create_without_a_required_field_is_400_naming_it)
{
	struct exchange x;

	responder = not_null;
	partner_default = NULL;
	run(&x, crud_create, "POST", "", "application/json", "{\"client_order_ref\": \"no partner\"}", "sales", NULL, NULL);
	assert_error(&x, 400, "Datos inválidos");
	assert_json(member(x.res.body, "errors"), "{\"partner_id\": [\"Campo obligatorio\"]}", "errors");
	/* date_order has a default in Odoo: only the fields without one are missing. */
	assert_json(member(call_at(0, "sale.order", "default_get"), "args"), "[[\"partner_id\", \"date_order\"]]",
	            "default_get");
	assert_calls("sale.order.default_get");
	done(&x);
	run(&x, crud_create, "POST", "", "application/json", "{\"partner_id\": null}", "sales", NULL, NULL);
	assert_error(&x, 400, NULL);
	assert_json(member(x.res.body, "errors"), "{\"partner_id\": [\"Campo obligatorio\"]}", "errors");
	done(&x);
}

/* Every required field given: default_get is not asked. */
Test(crud, create_with_the_required_fields_asks_no_defaults)
{
	struct exchange x;

	responder = records;
	run(&x, crud_create, "POST", "", "application/json",
	    "{\"partner_id\": 10, \"date_order\": \"2026-12-05T10:00:00Z\"}", "sales", NULL, NULL);
	cr_assert_eq(x.res.status, 201, "%s", json_object_to_json_string(x.res.body));
	assert_calls("sale.order.create sale.order.web_search_read");
	done(&x);
}

/* Odoo's NOT NULL refusal names the field: 422 with errors.<field>, so that a form marks it. */
Test(crud, odoo_not_null_message_is_answered_on_the_field)
{
	struct exchange x;

	responder = not_null;
	partner_default = "3";   /* default_get lets it through; Odoo refuses at the INSERT */
	run(&x, crud_create, "POST", "", "application/json", "{\"client_order_ref\": \"x\"}", "sales", NULL, NULL);
	assert_error(&x, 422, "Datos inválidos");
	assert_json(member(x.res.body, "errors"), "{\"partner_id\": [\"Campo obligatorio\"]}", "errors");
	done(&x);
	partner_default = NULL;
}

/* On update, a required field set to null is refused before any write; leaving it out is fine. */
Test(crud, patch_required_field_to_null_is_400)
{
	struct exchange x;

	responder = records;
	run(&x, crud_update, "PATCH", "", "application/json", "{\"partner_id\": null}", "sales", "1", NULL);
	assert_error(&x, 400, NULL);
	assert_json(member(x.res.body, "errors"), "{\"partner_id\": [\"Campo obligatorio\"]}", "errors");
	assert_calls("sale.order.web_search_read");
	done(&x);
}

Test(crud, create_sale_with_lines_in_one_call)
{
	struct exchange x;

	responder = records;
	run(&x, crud_create, "POST", "", "application/json",
	    "{\"partner_id\": 10, \"lines\": [{\"product_id\": 32, \"product_uom_qty\": 2}]}", "sales", NULL, NULL);
	cr_assert_eq(x.res.status, 201, "%s", json_object_to_json_string(x.res.body));
	/* No date_order: Odoo is asked whether it has a default first (it has). */
	call_at(0, "sale.order", "default_get");
	assert_json(member(call_at(1, "sale.order", "create"), "args"),
	            "[{\"partner_id\": 10, \"order_line\": [[0, 0, {\"product_id\": 32, \"product_uom_qty\": 2}]]}]",
	            "create");
	cr_assert_str_eq(response_get_header(&x.res, "Location"), "/bridge/api/v1/sales/15");
	done(&x);
}

/* DESIGN.md section 6: the PATCH that keeps line 1 (new quantity), adds one, drops 2 and 3. */
Test(crud, patch_sale_lines_design_example)
{
	struct exchange x;

	responder = records;
	run(&x, crud_update, "PATCH", "", "application/json",
	    "{\"lines\": [{\"id\": 1, \"product_uom_qty\": 4}, {\"product_id\": 6, \"product_uom_qty\": 1}]}",
	    "sales", "1", NULL);
	cr_assert_eq(x.res.status, 200, "%s", json_object_to_json_string(x.res.body));
	assert_calls("sale.order.web_search_read sale.order.write sale.order.web_search_read");
	assert_json(member(call_at(1, "sale.order", "write"), "args"),
	            "[[1], {\"order_line\": [[1, 1, {\"product_uom_qty\": 4}], [0, 0, {\"product_id\": 6,"
	            " \"product_uom_qty\": 1}], [2, 2, 0], [2, 3, 0]]}]", "write");
	done(&x);
}

/* The lines as web_search_read nests them ({"id", "display_name"}) are compared by id: unchanged is no command. */
Test(crud, patch_sale_unchanged_line_is_not_rewritten)
{
	struct exchange x;

	responder = records;
	run(&x, crud_update, "PATCH", "", "application/json",
	    "{\"lines\": [{\"id\": 1, \"product_id\": {\"id\": 32}, \"product_uom_qty\": 3, \"tax_id\": []},"
	    " {\"id\": 2, \"product_id\": 5}, {\"id\": 3}]}",
	    "sales", "1", NULL);
	cr_assert_eq(x.res.status, 200, "%s", json_object_to_json_string(x.res.body));
	assert_json(member(call_at(1, "sale.order", "write"), "args"),
	            "[[1], {\"order_line\": [[1, 2, {\"product_id\": 5}]]}]", "write");
	done(&x);
}

Test(crud, patch_without_changes_does_not_write)
{
	struct exchange x;

	responder = records;
	run(&x, crud_update, "PUT", "", "application/json", "{}", "customers", "15", NULL);
	cr_assert_eq(x.res.status, 200);
	cr_assert_eq(json_object_array_length(calls), 2, "%s", json_object_to_json_string(calls));
	done(&x);
	run(&x, crud_update, "PATCH", "", "application/json", "{\"name\": \"x\"}", "customers", "999", NULL);
	assert_error(&x, 404, "Registro no encontrado");
	done(&x);
}

Test(crud, delete_answers_the_record_as_it_was)
{
	struct exchange x;

	responder = records;
	run(&x, crud_delete, "DELETE", "", NULL, NULL, "customers", "15", NULL);
	cr_assert_eq(x.res.status, 200);
	cr_assert_str_eq(json_object_get_string(member(x.res.body, "name")), "Azure Interior");
	assert_json(member(call_at(1, "res.partner", "unlink"), "args"), "[[15]]", "unlink");
	done(&x);
}

/* ------------------------------------- an Odoo without web_search_read */

static const char *web_fault;   /* the last line of its fault 1 */
static responder_fn older_base; /* what answers everything else */

/* web_search_read faults as web_fault says (a traceback, as raw/call_unknown_public_method shows). */
static json_object *
older_odoo(const char *model, const char *method, json_object *args, json_object *kwargs, struct fault *f)
{
	if (strcmp(method, "web_search_read") == 0) {
		f->code = 1;
		snprintf(f->text, sizeof(f->text), "Traceback (most recent call last):\n  File \"/opt/odoo/odoo/api.py\","
		         " line 500, in call_kw\n%s\n", web_fault);
		return NULL;
	}
	return older_base(model, method, args, kwargs, f);
}

/* Answers as an Odoo whose web_search_read faults with fault (last line), and otherwise as base. */
static void
older(responder_fn base, const char *fault)
{
	responder = older_odoo;
	older_base = base;
	web_fault = fault;
}

/* Odoo 13 and older: no such method.  search_read (+ search_count) from then on. */
Test(crud, without_web_search_read_lists_use_search_read)
{
	struct exchange x;

	older(products_full_page, "AttributeError: The method 'web_search_read' does not exist on the model 'product.product'");
	run(&x, crud_list, "GET", "page=1&limit=10", NULL, NULL, "products", NULL, NULL);
	cr_assert_eq(x.res.status, 200, "%s", json_object_to_json_string(x.res.body));
	assert_calls("product.product.web_search_read product.product.search_read product.product.search_count");
	cr_assert_eq(json_object_array_length(member(member(call_at(1, "product.product", "search_read"), "kwargs"),
	                                             "fields")), 16);
	cr_assert_eq(json_object_get_int64(member(x.res.body, "total")), 43);
	cr_assert_eq(json_object_array_length(member(x.res.body, "items")), 10);
	assert_json(member(json_object_array_get_idx(member(x.res.body, "items"), 0), "categ_id"),
	            "{\"id\": 8, \"name\": \"All / Saleable / Office Furniture\"}", "categ_id");
	done(&x);
	/* Remembered: the next page goes straight to search_read, and a short one needs no count. */
	reset_calls();
	run(&x, crud_list, "GET", "page=5&limit=10", NULL, NULL, "products", NULL, NULL);
	cr_assert_eq(x.res.status, 200);
	assert_calls("product.product.search_read");
	cr_assert_eq(json_object_get_int64(member(x.res.body, "total")), 43);
	done(&x);
}

/* Odoo 14-16: web_search_read(domain, fields, ...) has no "specification". */
Test(crud, without_specification_records_use_search_read)
{
	struct exchange x;

	older(records, "TypeError: Base.web_search_read() got an unexpected keyword argument 'specification'");
	run(&x, crud_get, "GET", "", NULL, NULL, "sales", "1", NULL);
	cr_assert_eq(x.res.status, 200, "%s", json_object_to_json_string(x.res.body));
	assert_calls("sale.order.web_search_read sale.order.search_read sale.order.line.read");
	cr_assert_eq(json_object_get_int64(member(member(call_at(1, "sale.order", "search_read"), "kwargs"), "limit")), 1);
	assert_json(member(call_at(2, "sale.order.line", "read"), "args"), "[[1, 2, 3]]", "line ids");
	assert_json(member(json_object_array_get_idx(member(x.res.body, "lines"), 0), "product_id"),
	            "{\"id\": 32, \"name\": \"[FURN_6667] Acoustic Bloc Screens (Wood)\"}", "line product");
	done(&x);
	/* Remembered: the next one goes straight to search_read. */
	reset_calls();
	run(&x, crud_get, "GET", "", NULL, NULL, "sales", "1", NULL);
	cr_assert_eq(x.res.status, 200);
	assert_calls("sale.order.search_read sale.order.line.read");
	done(&x);
}

/* Any other fault is the request's own (search_read would fail alike): answered, not retried, not remembered. */
Test(crud, other_faults_of_web_search_read_are_answered)
{
	struct exchange x;

	older(products_full_page, "ValueError: Invalid field 'web_search_read' on model 'product.product'");
	for (int i = 0; i < 2; i++) {
		run(&x, crud_list, "GET", "page=1&limit=10", NULL, NULL, "products", NULL, NULL);
		assert_error(&x, 502, NULL);
		assert_calls("product.product.web_search_read");
		done(&x);
		reset_calls();
	}
}

/* ------------------------------------------------------------ faults */

static struct fault next_fault;

static json_object *
faulty(const char *model, const char *method, json_object *args, json_object *kwargs, struct fault *f)
{
	if (strcmp(method, "web_search_read") == 0 || strcmp(method, "search_read") == 0 || strcmp(method, "read") == 0)
		return records(model, method, args, kwargs, f);
	*f = next_fault;
	return NULL;
}

Test(crud, odoo_refusals_map_to_statuses)
{
	struct exchange x;

	responder = faulty;
	next_fault = (struct fault){ 2, "The operation cannot be completed: another model requires the record being "
	                                "deleted. If possible, archive it instead.\n\nModel: Sales Order (sale.order), "
	                                "Constraint: sale_order_partner_id_fkey" };
	run(&x, crud_delete, "DELETE", "", NULL, NULL, "customers", "15", NULL);
	assert_error(&x, 422, NULL);
	cr_assert_not_null(strstr(json_object_get_string(member(x.res.body, "message")), "archive it instead"));
	done(&x);

	next_fault = (struct fault){ 1, "Traceback (most recent call last):\n  File \"/opt/odoo/odoo/x.py\"\n"
	                                "ValueError: Invalid field 'secret' on model 'res.partner'" };
	run(&x, crud_update, "PATCH", "", "application/json", "{\"name\": \"x\"}", "customers", "15", NULL);
	assert_error(&x, 502, NULL);
	cr_assert_null(strstr(json_object_to_json_string(x.res.body), "Traceback"));
	cr_assert_null(strstr(json_object_to_json_string(x.res.body), "secret"));
	done(&x);

	next_fault = (struct fault){ 4, "You are not allowed to modify 'Contact' (res.partner) records." };
	run(&x, crud_update, "PATCH", "", "application/json", "{\"name\": \"x\"}", "customers", "15", NULL);
	/* Odoo's AccessError text says what is missing: it reaches the client. */
	assert_error(&x, 403, "You are not allowed to modify 'Contact' (res.partner) records.");
	done(&x);

	/* The user's password changed in Odoo: the token is over, not the service. */
	next_fault = (struct fault){ 3, "Traceback (most recent call last):\n  File \"/opt/odoo/odoo/service/model.py\"\n"
	                                "odoo.exceptions.AccessDenied: Access Denied" };
	run(&x, crud_update, "PATCH", "", "application/json", "{\"name\": \"x\"}", "customers", "15", NULL);
	assert_error(&x, 401, "No se pudo validar el token");
	cr_assert_str_eq(response_get_header(&x.res, "WWW-Authenticate"), "Bearer error=\"invalid_token\"");
	done(&x);

	next_fault = (struct fault){ 2, "Record does not exist or has been deleted.\n(Record: res.partner(15,), User: 2)" };
	run(&x, crud_update, "PATCH", "", "application/json", "{\"name\": \"x\"}", "customers", "15", NULL);
	assert_error(&x, 404, NULL);
	done(&x);

	next_fault = (struct fault){ 2, "Some orders are not in a state requiring confirmation." };
	run(&x, sales_action, "POST", "", NULL, NULL, "sales", "4", "confirm");
	assert_error(&x, 422, "Some orders are not in a state requiring confirmation.");
	done(&x);
}

/* AUTH_MODE=service: the calls carry the service account's uid and password (dispatch checks). */
Test(crud, service_mode_calls_as_the_service_account)
{
	struct exchange x;

	responder = records;
	run_mode = AUTH_SERVICE;
	run(&x, crud_get, "GET", "", NULL, NULL, "products", "45", NULL);
	cr_assert_eq(x.res.status, 200);
	done(&x);
	run_mode = AUTH_USER;
}

/*
 * Field-level groups: a field the user may not read is missing from that
 * user's fields_get, so the bridge neither asks Odoo for it (which Odoo
 * would refuse with an AccessError for the whole call) nor answers it.
 */
Test(crud, field_the_user_may_not_read_drops_out)
{
	struct exchange x;
	json_object *c, *fields;

	responder = records;
	hidden_field = "phone";
	run(&x, crud_get, "GET", "", NULL, NULL, "customers", "15", NULL);
	cr_assert_eq(x.res.status, 200, "%s", json_object_to_json_string(x.res.body));
	cr_assert(!json_object_object_get_ex(x.res.body, "phone", NULL), "%s", json_object_to_json_string(x.res.body));
	cr_assert(json_object_object_get_ex(x.res.body, "email", NULL));
	c = call_at(0, "res.partner", "search_read");
	fields = member(member(c, "kwargs"), "fields");
	cr_assert_eq(json_object_array_length(fields), 18, "one field fewer than the 19 exposed");
	for (size_t i = 0; i < json_object_array_length(fields); i++)
		cr_assert_str_neq(json_object_get_string(json_object_array_get_idx(fields, i)), "phone");
	done(&x);
	hidden_field = NULL;
}

/* What odoo.c refused to send (text XML cannot carry) is the client's data at fault. */
static void
unsendable(struct ctx *c)
{
	struct odoo_error err = { ODOO_E_REQUEST, 0, "", "The request holds text that is not valid UTF-8 or holds "
	                          "control characters." };

	odoo_answer_error(c, &err, "create");
}

Test(crud, unsendable_request_is_400_not_odoos_refusal)
{
	struct exchange x;

	run(&x, unsendable, "POST", "", "application/json", "{}", "customers", NULL, NULL);
	assert_error(&x, 400, "Datos inválidos");
	cr_assert_null(strstr(json_object_to_json_string(x.res.body), "control characters"));
	done(&x);
}

/* ---------------------------------------------------------- workflow */

Test(crud, sale_actions)
{
	struct exchange x;
	json_object *c;

	responder = records;
	sale_state_after = 1;
	run(&x, sales_action, "POST", "", NULL, NULL, "sales", "1", "confirm");
	cr_assert_eq(x.res.status, 200, "%s", json_object_to_json_string(x.res.body));
	/* The order is looked up (base domain, 404), acted on, read back with its lines once. */
	assert_calls("sale.order.search_read sale.order.action_confirm sale.order.web_search_read");
	assert_json(member(call_at(1, "sale.order", "action_confirm"), "args"), "[[1]]", "confirm args");
	c = call_at(2, "sale.order", "web_search_read");
	cr_assert_not_null(member(member(member(c, "kwargs"), "specification"), "order_line"));
	cr_assert_str_eq(json_object_get_string(member(x.res.body, "state")), "sale");
	cr_assert_eq(json_object_array_length(member(x.res.body, "lines")), 3);
	done(&x);

	sale_state_after = 2;
	run(&x, sales_action, "POST", "", NULL, NULL, "sales", "4", "cancel");
	cr_assert_eq(x.res.status, 200, "%s", json_object_to_json_string(x.res.body));
	c = last_call("sale.order", "action_cancel");
	assert_json(member(c, "kwargs"), "{\"context\": {\"disable_cancel_warning\": true}}", "cancel kwargs");
	done(&x);

	/* Odoo 18 accepts action_draft on a confirmed order and does nothing. */
	sale_state_after = 1;
	run(&x, sales_action, "POST", "", NULL, NULL, "sales", "4", "draft");
	assert_error(&x, 422, NULL);
	done(&x);

	run(&x, sales_action, "POST", "", NULL, NULL, "sales", "1", "explode");
	assert_error(&x, 404, NULL);
	done(&x);
	run(&x, sales_action, "POST", "", NULL, NULL, "products", "45", "confirm");
	assert_error(&x, 404, NULL);
	done(&x);
	run(&x, sales_action, "POST", "", NULL, NULL, "sales", "999", "confirm");
	assert_error(&x, 404, "Registro no encontrado");
	done(&x);
}

static json_object *
wizard(const char *model, const char *method, json_object *args, json_object *kwargs, struct fault *f)
{
	if (strcmp(method, "action_cancel") == 0)
		return J("{\"name\": \"Cancel Sales Order\", \"res_model\": \"sale.order.cancel\","
		         " \"type\": \"ir.actions.act_window\"}");
	return records(model, method, args, kwargs, f);
}

Test(crud, cancel_answered_with_a_wizard_is_422)
{
	struct exchange x;

	responder = wizard;
	run(&x, sales_action, "POST", "", NULL, NULL, "sales", "4", "cancel");
	assert_error(&x, 422, NULL);
	done(&x);
}

/* Odoo's XML-RPC cannot send a method's None: fault 1, though the method ran (odoo-captures/odoo19). */
static json_object *
returns_none(const char *model, const char *method, json_object *args, json_object *kwargs, struct fault *f)
{
	if (strcmp(method, "action_cancel") == 0) {
		f->code = 1;
		snprintf(f->text, sizeof(f->text), "Traceback (most recent call last):\n  File \"xmlrpc/client.py\", "
		         "line 540, in dump_nil\nTypeError: cannot marshal None unless allow_none is enabled\n");
		return NULL;
	}
	if (strcmp(method, "action_confirm") == 0)
		return J("{}");   /* purchase's button_draft answers {}: no wizard */
	return records(model, method, args, kwargs, f);
}

Test(crud, action_returning_none_or_an_empty_dict_is_done)
{
	struct exchange x;

	responder = returns_none;
	sale_state_after = 2;
	run(&x, sales_action, "POST", "", NULL, NULL, "sales", "4", "cancel");
	cr_assert_eq(x.res.status, 200, "%s", json_object_to_json_string(x.res.body));
	cr_assert_str_eq(json_object_get_string(member(x.res.body, "state")), "cancel");
	done(&x);
	/* Done only as far as the state says: still "to" decides. */
	sale_state_after = 1;
	run(&x, sales_action, "POST", "", NULL, NULL, "sales", "4", "cancel");
	assert_error(&x, 422, NULL);
	done(&x);
	run(&x, sales_action, "POST", "", NULL, NULL, "sales", "4", "confirm");
	cr_assert_eq(x.res.status, 200, "%s", json_object_to_json_string(x.res.body));
	done(&x);
}

/*
 * A many2one that points at nothing is the body's fault, named: 422 with
 * errors.categ_id, not 404 "record not found" (the product exists).  Odoo
 * says it as MissingError on the related record, or as the foreign key's
 * ValidationError; only a MissingError on the target itself is a 404.
 */
Test(crud, wrong_related_id_is_422_naming_the_field)
{
	struct exchange x;
	json_object *errors;

	responder = faulty;
	next_fault = (struct fault){ 2, "Record does not exist or has been deleted.\n"
	                                "(Record: product.category(999999,), User: 2)" };
	run(&x, crud_update, "PATCH", "", "application/json", "{\"categ_id\": 999999}", "products", "45", NULL);
	assert_error(&x, 422, NULL);
	errors = member(x.res.body, "errors");
	cr_assert_not_null(errors, "%s", json_object_to_json_string(x.res.body));
	cr_assert(json_object_object_get_ex(errors, "categ_id", NULL), "%s", json_object_to_json_string(errors));
	done(&x);

	next_fault = (struct fault){ 2, "The operation cannot be completed: another model requires the record being "
	                                "deleted. If possible, archive it instead.\n\nModel: Product Variant "
	                                "(product.product), Constraint: product_product_categ_id_fkey" };
	run(&x, crud_update, "PATCH", "", "application/json", "{\"categ_id\": 999999}", "products", "45", NULL);
	assert_error(&x, 422, NULL);
	cr_assert(json_object_object_get_ex(member(x.res.body, "errors"), "categ_id", NULL),
	          "%s", json_object_to_json_string(x.res.body));
	done(&x);

	/* On a create there is no target: a MissingError can only be a related record's. */
	next_fault = (struct fault){ 2, "Record does not exist or has been deleted.\n"
	                                "(Record: res.partner(999999,), User: 2)" };
	run(&x, crud_create, "POST", "", "application/json", "{\"partner_id\": 999999}", "sales", NULL, NULL);
	assert_error(&x, 422, NULL);
	cr_assert(json_object_object_get_ex(member(x.res.body, "errors"), "partner_id", NULL),
	          "%s", json_object_to_json_string(x.res.body));
	done(&x);

	/* The target itself gone: still 404. */
	next_fault = (struct fault){ 2, "Record does not exist or has been deleted.\n"
	                                "(Record: product.product(45,), User: 2)" };
	run(&x, crud_update, "PATCH", "", "application/json", "{\"categ_id\": 8}", "products", "45", NULL);
	assert_error(&x, 404, NULL);
	done(&x);
}

/* The answer's body as the client gets it (json-c's text, raw parts included). */
static char *
body_text(const struct exchange *x)
{
	return xstrdup(json_object_to_json_string_ext(x->res.body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* One request both ways: handler on METHOD /api/v1/res[/id]?qs. */
struct fast_case {
	handler_fn  handler;
	const char *method, *res, *id, *qs;
};

/*
 * Runs each request with the fast path off (the suite's client) and on (a
 * second client), and requires the same status, body bytes and
 * X-Total-Count; returns how often the one-pass path ran.
 */
static unsigned long
compare_fast_cases(const struct fast_case *cases, size_t n)
{
	struct odoo_config oc = { .db = "odoo_pelotazo", .username = "admin", .password = "admin",
	                          .protocol = ODOO_PROTO_XMLRPC, .timeout_ms = 5000, .max_response = 1 << 22,
	                          .fast_path = true };
	struct odoo *slow = client, *fast;
	struct odoo_stats st;
	struct exchange x;
	char url[64], *body[2], total[2][24];
	int status[2];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", mock_odoo_port(mock));
	oc.url = url;
	fast = odoo_new(&oc);
	cr_assert_not_null(fast);
	for (size_t i = 0; i < n; i++) {
		const struct fast_case *fc = &cases[i];

		for (int k = 0; k < 2; k++) {
			const char *h;

			client = k == 0 ? slow : fast;
			run(&x, fc->handler, fc->method, fc->qs, NULL, NULL, fc->res, fc->id, NULL);
			status[k] = x.res.status;
			body[k] = body_text(&x);
			h = response_get_header(&x.res, "X-Total-Count");
			snprintf(total[k], sizeof(total[k]), "%s", h != NULL ? h : "(none)");
			done(&x);
		}
		cr_assert_eq(status[1], status[0], "%s %s/%s?%s", fc->method, fc->res, fc->id, fc->qs);
		cr_assert_str_eq(body[1], body[0], "%s %s/%s?%s", fc->method, fc->res, fc->id, fc->qs);
		cr_assert_str_eq(total[1], total[0], "X-Total-Count of %s?%s", fc->res, fc->qs);
		free(body[0]);
		free(body[1]);
	}
	client = slow;
	odoo_get_stats(slow, &st);
	cr_assert_eq(st.fast, 0, "ODOO_FAST_PATH=off ran it");
	odoo_get_stats(fast, &st);
	odoo_free(fast);
	return st.fast;
}

/* The list queries of products, both ways (compare_fast_cases). */
static unsigned long
compare_fast_paths(const char *const *queries, size_t n)
{
	struct fast_case cases[8];

	cr_assert(n <= 8);
	for (size_t i = 0; i < n; i++)
		cases[i] = (struct fast_case){ crud_list, "GET", "products", NULL, queries[i] };
	return compare_fast_cases(cases, n);
}

/*
 * ODOO_FAST_PATH: list pages converted in one pass from XML-RPC answer the
 * same bytes as through xmlrpc-c and json-c, and the one-pass path really
 * ran (the client's counter); off, it never runs.
 */
Test(crud, list_fast_path_answers_the_same_bytes)
{
	static const char *const queries[] = {
		"_start=0&_end=2&_sort=list_price&_order=desc", "page=1&limit=10", "",
	};
	unsigned long ran;

	responder = products_full_page;
	ran = compare_fast_paths(queries, sizeof(queries) / sizeof(queries[0]));
	cr_assert_eq(ran, 3, "the one-pass path ran %lu times", ran);
}

/* Without web_search_read (Odoo 13), search_read's answers go the one-pass way too, and agree with the tree's. */
Test(crud, fast_path_on_search_read_pages)
{
	static const char *const queries[] = { "page=1&limit=10", "page=5&limit=10", "_start=40&_end=50" };
	unsigned long ran;

	older(products_full_page, "AttributeError: The method 'web_search_read' does not exist on the model 'product.product'");
	ran = compare_fast_paths(queries, sizeof(queries) / sizeof(queries[0]));
	cr_assert_eq(ran, 3, "the one-pass path ran %lu times", ran);
}

/*
 * One record (GET, and the answer of DELETE) converted in one pass: a
 * product and a customer (search_read), a sale with its lines nested
 * (web_search_read), and a record that is not there; the same bytes as
 * the tree's, and the one-pass path ran for each answer it could take.
 */
Test(crud, get_fast_path_answers_the_same_bytes)
{
	static const struct fast_case cases[] = {
		{ crud_get, "GET", "products", "45", "" },
		{ crud_get, "GET", "customers", "15", "" },
		{ crud_get, "GET", "sales", "1", "" },
		{ crud_get, "GET", "sales", "4", "" },
		{ crud_get, "GET", "customers", "999", "" },
		{ crud_delete, "DELETE", "products", "45", "" },
	};
	unsigned long ran;

	responder = records;
	ran = compare_fast_cases(cases, ARRAY_SIZE(cases));
	cr_assert_eq(ran, ARRAY_SIZE(cases), "the one-pass path ran %lu times", ran);
}

/*
 * Without web_search_read, a sale is search_read and its lines read(): the
 * record goes through the tree (its lines are ids to read), the lines'
 * read() answer in one pass, placed in the record as raw text; the same
 * bytes as the tree's.
 */
Test(crud, get_fast_path_reads_lines_in_one_pass)
{
	static const struct fast_case cases[] = {
		{ crud_get, "GET", "sales", "1", "" },
		{ crud_get, "GET", "products", "45", "" },
	};
	unsigned long ran;

	older(records, "AttributeError: The method 'web_search_read' does not exist on the model 'sale.order'");
	ran = compare_fast_cases(cases, ARRAY_SIZE(cases));
	/* the sale's lines, and the product */
	cr_assert_eq(ran, 2, "the one-pass path ran %lu times", ran);
}
