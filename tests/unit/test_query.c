/* test_query.c: unit tests for query.c (paging, sorting, filters -> Odoo domain and order). */
#undef NDEBUG
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "query.h"
#include "res_fixture.h"
#include "util.h"

#define LIST_MAX 50

static void
parse_qs(const char *qs, struct params *p)
{
	cr_assert_eq(params_parse(qs, strlen(qs), MAX_PARAMS, p), QS_OK, "query string %s", qs);
}

static void
assert_domain(json_object *got, const char *want, const char *qs)
{
	json_object *w = json_tokener_parse(want);

	cr_assert_not_null(w, "bad JSON in test: %s", want);
	cr_assert(json_object_equal(got, w), "%s: domain %s, want %s", qs,
	          json_object_to_json_string_ext(got, JSON_C_TO_STRING_PLAIN), want);
	json_object_put(w);
}

/* A successful parse: mode, offset, limit, page, order, domain. */
struct ok_case {
	char res[12];
	char qs[120];
	long list_max;
	enum page_mode mode;
	int64_t offset, limit, page;
	char order[64];     /* "" = do not check */
	char domain[300];   /* JSON */
};

#define P(qs_, mode_, off_, lim_, page_) { "products", qs_, LIST_MAX, mode_, off_, lim_, page_, "", "[]" }
#define S(res_, qs_, order_) { res_, qs_, LIST_MAX, PAGE_NONE, 0, LIST_MAX, 0, order_, "" }
#define F(res_, qs_, domain_) { res_, qs_, LIST_MAX, PAGE_NONE, 0, LIST_MAX, 0, "", domain_ }

static const struct ok_case ok_cases[] = {
	/* paging */
	P("", PAGE_NONE, 0, LIST_MAX, 0),
	P("page=2&limit=10", PAGE_ENVELOPE, 10, 10, 2),
	P("page=1", PAGE_ENVELOPE, 0, 10, 1),
	P("limit=5", PAGE_ENVELOPE, 0, 5, 1),
	P("page=3&limit=100", PAGE_ENVELOPE, 200, 100, 3),
	P("limit=1&page=7", PAGE_ENVELOPE, 6, 1, 7),
	P("_start=0&_end=10", PAGE_RANGE, 0, 10, 0),
	P("_start=20&_end=30", PAGE_RANGE, 20, 10, 0),
	P("_start=5&_end=5", PAGE_RANGE, 5, 0, 0),
	P("_start=0&_end=1000", PAGE_RANGE, 0, LIST_MAX, 0),
	P("_start=0", PAGE_RANGE, 0, LIST_MAX, 0),
	P("_end=20", PAGE_RANGE, 0, 20, 0),
	P("_start=2147483647&_end=2147483647", PAGE_RANGE, 2147483647, 0, 0),
	P("_=1712345678", PAGE_NONE, 0, LIST_MAX, 0),
	/* Refine's getMany names more records than list_max: it gets them all. */
	{ "products", "id=1&id=2&id=3", 2, PAGE_NONE, 0, 3, 0, "", "[[\"id\", \"in\", [1, 2, 3]]]" },
	{ "products", "_start=0&_end=10&id=1&id=2&id=3", 2, PAGE_RANGE, 0, 2, 0, "",
	  "[[\"id\", \"in\", [1, 2, 3]]]" },

	/* sorting */
	S("products", "", "name asc,id asc"),
	S("products", "_sort=list_price&_order=desc", "list_price desc,id asc"),
	S("products", "_sort=name,list_price&_order=asc,desc", "name asc,list_price desc,id asc"),
	S("products", "_sort=list_price", "list_price asc,id asc"),
	S("products", "_sort=list_price&_order=DESC", "list_price desc,id asc"),
	S("products", "_sort=id&_order=desc", "id desc"),
	S("products", "_sort=name,id&_order=asc,desc", "name asc,id desc"),
	S("products", "_sort=categ_id&_order=asc", "categ_id asc,id asc"),
	S("products", "sort=name,-list_price", "name asc,list_price desc,id asc"),
	S("products", "sort=-id", "id desc"),
	S("products", "sort=write_date", "write_date asc,id asc"),
	S("sales", "", "date_order desc,id asc"),
	S("sales", "_sort=partner_id&_order=desc", "partner_id desc,id asc"),
	S("customers", "", "name asc,id asc"),
	S("categories", "", "complete_name asc,id asc"),
	S("countries", "", "name asc,id asc"),

	/* filters: equality and repetition */
	F("products", "name=Desk", "[[\"name\", \"=\", \"Desk\"]]"),
	F("products", "name=Desk&name=Chair", "[[\"name\", \"in\", [\"Desk\", \"Chair\"]]]"),
	F("products", "name=Office%20Chair", "[[\"name\", \"=\", \"Office Chair\"]]"),
	F("products", "name=a&list_price_gte=5&name=b",
	  "[[\"name\", \"in\", [\"a\", \"b\"]], [\"list_price\", \">=\", 5.0]]"),
	F("products", "name=null", "[[\"name\", \"=\", false]]"),
	F("products", "barcode=", "[[\"barcode\", \"=\", false]]"),
	F("products", "barcode", "[[\"barcode\", \"=\", false]]"),
	F("products", "barcode_ne=null", "[[\"barcode\", \"!=\", false]]"),
	F("products", "categ_id=8&categ_id=null", "[[\"categ_id\", \"in\", [8, false]]]"),
	/* the other operators */
	F("products", "list_price_gte=10&list_price_lte=100",
	  "[[\"list_price\", \">=\", 10.0], [\"list_price\", \"<=\", 100.0]]"),
	F("products", "list_price_gt=10", "[[\"list_price\", \">\", 10.0]]"),
	F("products", "list_price_lt=1.5", "[[\"list_price\", \"<\", 1.5]]"),
	F("products", "list_price_gt=-2.5e1", "[[\"list_price\", \">\", -25.0]]"),
	F("products", "list_price_ne=0", "[[\"list_price\", \"!=\", 0.0]]"),
	F("products", "list_price_ne=1&list_price_ne=2", "[[\"list_price\", \"not in\", [1.0, 2.0]]]"),
	F("products", "name_ne=a&name_ne=b", "[[\"name\", \"not in\", [\"a\", \"b\"]]]"),
	F("products", "name_like=desk", "[[\"name\", \"ilike\", \"desk\"]]"),
	F("products", "name_like=a&name_like=b", "[[\"name\", \"ilike\", \"a\"], [\"name\", \"ilike\", \"b\"]]"),
	F("products", "name_like=null", "[[\"name\", \"ilike\", \"null\"]]"),
	F("products", "description_sale_like=wood", "[[\"description_sale\", \"ilike\", \"wood\"]]"),
	F("products", "categ_id_like=Office", "[[\"categ_id\", \"ilike\", \"Office\"]]"),
	F("products", "qty_available_gt=0", "[[\"qty_available\", \">\", 0.0]]"),
	/* typed values */
	F("products", "active=true", "[[\"active\", \"=\", true]]"),
	F("products", "active=false", "[[\"active\", \"=\", false]]"),
	F("products", "sale_ok=true&sale_ok=false", "[[\"sale_ok\", \"in\", [true, false]]]"),
	F("products", "categ_id=8", "[[\"categ_id\", \"=\", 8]]"),
	F("products", "categ_id=8&categ_id=9", "[[\"categ_id\", \"in\", [8, 9]]]"),
	F("products", "type=service", "[[\"type\", \"=\", \"service\"]]"),
	F("products", "id=5", "[[\"id\", \"=\", 5]]"),
	F("products", "id=1&id=2", "[[\"id\", \"in\", [1, 2]]]"),
	F("products", "id_ne=5", "[[\"id\", \"!=\", 5]]"),
	F("products", "id_gte=5", "[[\"id\", \">=\", 5]]"),
	F("products", "write_date_gte=2026-01-01", "[[\"write_date\", \">=\", \"2026-01-01 00:00:00\"]]"),
	F("products", "write_date_lt=2026-01-01T01:00:00%2B01:00", "[[\"write_date\", \"<\", \"2026-01-01 00:00:00\"]]"),
	F("products", "write_date=2026-11-26T20:28:20Z", "[[\"write_date\", \"=\", \"2026-11-26 20:28:20\"]]"),
	F("products", "write_date=null", "[[\"write_date\", \"=\", false]]"),
	F("sales", "validity_date=2026-12-01", "[[\"validity_date\", \"=\", \"2026-12-01\"]]"),
	F("sales", "validity_date_lte=2026-12-01", "[[\"validity_date\", \"<=\", \"2026-12-01\"]]"),
	F("sales", "state=draft&state=sent", "[[\"state\", \"in\", [\"draft\", \"sent\"]]]"),
	F("sales", "state_ne=cancel", "[[\"state\", \"!=\", \"cancel\"]]"),
	F("sales", "amount_total_gte=100", "[[\"amount_total\", \">=\", 100.0]]"),
	F("sales", "partner_id=10", "[[\"partner_id\", \"=\", 10]]"),
	F("sales", "partner_id_like=Deco", "[[\"partner_id\", \"ilike\", \"Deco\"]]"),
	F("sales", "date_order_gte=2026-10-01T00:00:00-02:00", "[[\"date_order\", \">=\", \"2026-10-01 02:00:00\"]]"),
	/* q */
	F("products", "q=desk", "[\"|\", \"|\", [\"name\", \"ilike\", \"desk\"], [\"default_code\", \"ilike\", \"desk\"],"
	  " [\"barcode\", \"ilike\", \"desk\"]]"),
	F("products", "q=", "[]"),
	F("countries", "q=es", "[\"|\", [\"name\", \"ilike\", \"es\"], [\"code\", \"ilike\", \"es\"]]"),
	F("categories", "q=office", "[[\"name\", \"ilike\", \"office\"]]"),
	F("sales", "q=S000", "[\"|\", \"|\", [\"name\", \"ilike\", \"S000\"], [\"partner_id\", \"ilike\", \"S000\"],"
	  " [\"client_order_ref\", \"ilike\", \"S000\"]]"),
	F("customers", "q=azure", "[[\"customer_rank\", \">\", 0], \"|\", \"|\", \"|\", [\"name\", \"ilike\", \"azure\"],"
	  " [\"email\", \"ilike\", \"azure\"], [\"phone\", \"ilike\", \"azure\"], [\"vat\", \"ilike\", \"azure\"]]"),
	/* base domains come first and always */
	F("customers", "", "[[\"customer_rank\", \">\", 0]]"),
	F("suppliers", "", "[[\"supplier_rank\", \">\", 0]]"),
	F("suppliers", "customer_rank_gt=0", "[[\"supplier_rank\", \">\", 0], [\"customer_rank\", \">\", 0]]"),
	{ "customers", "country_id=68&is_company=true&page=1&_sort=name", LIST_MAX, PAGE_ENVELOPE, 0, 10, 1,
	  "name asc,id asc",
	  "[[\"customer_rank\", \">\", 0], [\"country_id\", \"=\", 68], [\"is_company\", \"=\", true]]" },
	F("customers", "id=15&id=27", "[[\"customer_rank\", \">\", 0], [\"id\", \"in\", [15, 27]]]"),
};

ParameterizedTestParameters(query, ok)
{
	return cr_make_param_array(struct ok_case, (void *)ok_cases, ARRAY_SIZE(ok_cases));
}

ParameterizedTest(const struct ok_case *c, query, ok)
{
	struct params p;
	struct list_query q;
	struct query_error err;
	enum query_err e;

	parse_qs(c->qs, &p);
	e = query_parse(fixture_schema(c->res), &p, c->list_max, &q, &err);
	cr_assert_eq(e, Q_OK, "%s?%s: error %d on %s", c->res, c->qs, e, err.param);
	cr_assert_eq(q.mode, c->mode, "%s: mode", c->qs);
	cr_assert_eq(q.offset, c->offset, "%s: offset %lld", c->qs, (long long)q.offset);
	cr_assert_eq(q.limit, c->limit, "%s: limit %lld", c->qs, (long long)q.limit);
	cr_assert_eq(q.page, c->page, "%s: page", c->qs);
	if (c->order[0] != '\0')
		cr_assert_str_eq(q.order, c->order, "%s: order", c->qs);
	cr_assert_not_null(q.order);
	if (c->domain[0] != '\0')
		assert_domain(q.domain, c->domain, c->qs);
	list_query_free(&q);
	list_query_free(&q);
	params_free(&p);
}

/* Every 400: which error and which parameter it names. */
struct bad_case {
	char res[12];
	char qs[80];
	enum query_err e;
	char param[24];
	enum verr why;     /* Q_BAD_VALUE only */
};

static const struct bad_case bad_cases[] = {
	{ "products", "page=0", Q_BAD_PAGINATION, "page", VE_OK },
	{ "products", "page=-1", Q_BAD_PAGINATION, "page", VE_OK },
	{ "products", "page=abc", Q_BAD_PAGINATION, "page", VE_OK },
	{ "products", "page=1.5", Q_BAD_PAGINATION, "page", VE_OK },
	{ "products", "page=", Q_BAD_PAGINATION, "page", VE_OK },
	{ "products", "page=+1", Q_BAD_PAGINATION, "page", VE_OK },
	{ "products", "page=0x10", Q_BAD_PAGINATION, "page", VE_OK },
	{ "products", "page=1&page=2", Q_BAD_PAGINATION, "page", VE_OK },
	{ "products", "page=2147483647&limit=100", Q_BAD_PAGINATION, "page", VE_OK },
	{ "products", "page=99999999999999999999", Q_BAD_PAGINATION, "page", VE_OK },
	{ "products", "limit=0", Q_BAD_PAGINATION, "limit", VE_OK },
	{ "products", "limit=101", Q_BAD_PAGINATION, "limit", VE_OK },
	{ "products", "limit=-5", Q_BAD_PAGINATION, "limit", VE_OK },
	{ "products", "page=1&limit=ten", Q_BAD_PAGINATION, "limit", VE_OK },
	{ "products", "limit=5&limit=5", Q_BAD_PAGINATION, "limit", VE_OK },
	{ "products", "_start=10&_end=5", Q_BAD_PAGINATION, "_end", VE_OK },
	{ "products", "_start=-1&_end=5", Q_BAD_PAGINATION, "_start", VE_OK },
	{ "products", "_start=x&_end=10", Q_BAD_PAGINATION, "_start", VE_OK },
	{ "products", "_start=0&_end=1e3", Q_BAD_PAGINATION, "_end", VE_OK },
	{ "products", "_start=2147483648", Q_BAD_PAGINATION, "_start", VE_OK },
	{ "products", "_start=0&_end=2147483648", Q_BAD_PAGINATION, "_end", VE_OK },
	{ "products", "_start=&_end=10", Q_BAD_PAGINATION, "_start", VE_OK },
	{ "products", "_end=10&_end=20", Q_BAD_PAGINATION, "_end", VE_OK },
	{ "products", "_start=0&_end=10&page=1", Q_BAD_PAGINATION, "page", VE_OK },
	{ "products", "limit=10&_end=10", Q_BAD_PAGINATION, "limit", VE_OK },

	{ "products", "_sort=qty_available", Q_NOT_SORTABLE, "_sort", VE_OK },
	{ "products", "sort=-qty_available", Q_NOT_SORTABLE, "sort", VE_OK },
	{ "sales", "_sort=order_line", Q_UNKNOWN_FIELD, "_sort", VE_OK },
	{ "products", "_sort=bogus", Q_UNKNOWN_FIELD, "_sort", VE_OK },
	{ "products", "_sort=display_name", Q_UNKNOWN_FIELD, "_sort", VE_OK },
	{ "products", "_sort=name%20desc", Q_UNKNOWN_FIELD, "_sort", VE_OK },
	{ "products", "sort=--name", Q_UNKNOWN_FIELD, "sort", VE_OK },
	{ "products", "_sort=name&_order=up", Q_BAD_SORT, "_order", VE_OK },
	{ "products", "_sort=name,list_price&_order=asc", Q_BAD_SORT, "_order", VE_OK },
	{ "products", "_sort=name&_order=asc,desc", Q_BAD_SORT, "_order", VE_OK },
	{ "products", "_sort=name&_order=", Q_BAD_SORT, "_order", VE_OK },
	{ "products", "_order=asc", Q_BAD_SORT, "_order", VE_OK },
	{ "products", "_sort=name&sort=name", Q_BAD_SORT, "sort", VE_OK },
	{ "products", "_sort=", Q_BAD_SORT, "_sort", VE_OK },
	{ "products", "_sort=name,,id", Q_BAD_SORT, "_sort", VE_OK },
	{ "products", "_sort=name,", Q_BAD_SORT, "_sort", VE_OK },
	{ "products", "_sort=name,name", Q_BAD_SORT, "_sort", VE_OK },
	{ "products", "sort=-", Q_BAD_SORT, "sort", VE_OK },
	{ "products", "sort=name,-name", Q_BAD_SORT, "sort", VE_OK },
	{ "products", "_sort=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", Q_BAD_SORT, "_sort", VE_OK },
	{ "products", "_sort=name&_sort=id", Q_REPEATED, "_sort", VE_OK },
	{ "products", "_sort=name&_order=asc&_order=asc", Q_REPEATED, "_order", VE_OK },
	{ "products", "sort=name&sort=id", Q_REPEATED, "sort", VE_OK },

	{ "products", "bogus=1", Q_UNKNOWN_PARAM, "bogus", VE_OK },
	{ "products", "display_name=x", Q_UNKNOWN_PARAM, "display_name", VE_OK },
	{ "products", "name_bogus=x", Q_UNKNOWN_PARAM, "name_bogus", VE_OK },
	{ "products", "name_in=x", Q_UNKNOWN_PARAM, "name_in", VE_OK },
	{ "products", "_like=x", Q_UNKNOWN_PARAM, "_like", VE_OK },
	{ "products", "NAME=x", Q_UNKNOWN_PARAM, "NAME", VE_OK },
	{ "products", "%C3%B1ame=1", Q_UNKNOWN_PARAM, "\xc3\xb1" "ame", VE_OK },
	{ "sales", "lines=1", Q_UNKNOWN_PARAM, "lines", VE_OK },
	{ "sales", "order_line=1", Q_UNKNOWN_PARAM, "order_line", VE_OK },
	{ "customers", "name=a&bogus_gte=1", Q_UNKNOWN_PARAM, "bogus_gte", VE_OK },

	{ "products", "name_gte=a", Q_BAD_OPERATOR, "name_gte", VE_OK },
	{ "products", "active_like=x", Q_BAD_OPERATOR, "active_like", VE_OK },
	{ "products", "active_gt=true", Q_BAD_OPERATOR, "active_gt", VE_OK },
	{ "products", "categ_id_gt=3", Q_BAD_OPERATOR, "categ_id_gt", VE_OK },
	{ "products", "id_like=1", Q_BAD_OPERATOR, "id_like", VE_OK },
	{ "products", "type_like=con", Q_BAD_OPERATOR, "type_like", VE_OK },
	{ "products", "list_price_like=1", Q_BAD_OPERATOR, "list_price_like", VE_OK },

	{ "products", "active=yes", Q_BAD_VALUE, "active", VE_NOT_BOOLEAN },
	{ "products", "active=", Q_BAD_VALUE, "active", VE_NOT_BOOLEAN },
	{ "products", "active=null", Q_BAD_VALUE, "active", VE_NOT_BOOLEAN },
	{ "products", "active=TRUE", Q_BAD_VALUE, "active", VE_NOT_BOOLEAN },
	{ "products", "active=1", Q_BAD_VALUE, "active", VE_NOT_BOOLEAN },
	{ "products", "id=abc", Q_BAD_VALUE, "id", VE_NOT_INTEGER },
	{ "products", "id=1.0", Q_BAD_VALUE, "id", VE_NOT_INTEGER },
	{ "products", "id=1&id=x", Q_BAD_VALUE, "id", VE_NOT_INTEGER },
	{ "products", "id_gt=99999999999", Q_BAD_VALUE, "id_gt", VE_NOT_INTEGER },
	{ "products", "list_price=abc", Q_BAD_VALUE, "list_price", VE_NOT_NUMBER },
	{ "products", "list_price=1e999", Q_BAD_VALUE, "list_price", VE_NOT_NUMBER },
	{ "products", "list_price=nan", Q_BAD_VALUE, "list_price", VE_NOT_NUMBER },
	{ "products", "list_price=1,5", Q_BAD_VALUE, "list_price", VE_NOT_NUMBER },
	{ "products", "list_price_gte=null", Q_BAD_VALUE, "list_price_gte", VE_NOT_NUMBER },
	{ "products", "list_price_gte=", Q_BAD_VALUE, "list_price_gte", VE_NOT_NUMBER },
	{ "products", "categ_id=0", Q_BAD_VALUE, "categ_id", VE_BAD_ID },
	{ "products", "categ_id=abc", Q_BAD_VALUE, "categ_id", VE_BAD_ID },
	{ "products", "categ_id=-8", Q_BAD_VALUE, "categ_id", VE_BAD_ID },
	{ "products", "categ_id=2147483648", Q_BAD_VALUE, "categ_id", VE_BAD_ID },
	{ "products", "type=product", Q_BAD_VALUE, "type", VE_BAD_SELECTION },
	{ "products", "type=consu&type=Service", Q_BAD_VALUE, "type", VE_BAD_SELECTION },
	{ "products", "write_date_gte=yesterday", Q_BAD_VALUE, "write_date_gte", VE_BAD_DATETIME },
	{ "products", "write_date_gte=", Q_BAD_VALUE, "write_date_gte", VE_BAD_DATETIME },
	{ "products", "write_date=2026-11-26T20:28:20", Q_BAD_VALUE, "write_date", VE_BAD_DATETIME },
	{ "sales", "validity_date_gte=2026-13-01", Q_BAD_VALUE, "validity_date_gte", VE_BAD_DATE },
	{ "sales", "validity_date=2026-12-01T00:00:00Z", Q_BAD_VALUE, "validity_date", VE_BAD_DATE },
	{ "sales", "validity_date_lt=null", Q_BAD_VALUE, "validity_date_lt", VE_BAD_DATE },
	{ "sales", "state=bogus", Q_BAD_VALUE, "state", VE_BAD_SELECTION },
	{ "sales", "partner_id=Deco", Q_BAD_VALUE, "partner_id", VE_BAD_ID },
	/* Text XML cannot carry: odoo.c would refuse the whole call. */
	{ "products", "name_like=a%01", Q_BAD_VALUE, "name_like", VE_BAD_CHARS },
	{ "products", "name=%1b%5B0m", Q_BAD_VALUE, "name", VE_BAD_CHARS },
	{ "products", "name=a&name=%EF%BF%BE", Q_BAD_VALUE, "name", VE_BAD_CHARS },
	{ "sales", "partner_id_like=%07", Q_BAD_VALUE, "partner_id_like", VE_BAD_CHARS },
	{ "customers", "q=%08x", Q_BAD_VALUE, "q", VE_BAD_CHARS },
	{ "customers", "q=x%EF%BF%BF", Q_BAD_VALUE, "q", VE_BAD_CHARS },
};

ParameterizedTestParameters(query, bad)
{
	return cr_make_param_array(struct bad_case, (void *)bad_cases, ARRAY_SIZE(bad_cases));
}

ParameterizedTest(const struct bad_case *c, query, bad)
{
	struct params p;
	struct list_query q;
	struct query_error err;
	enum query_err e;

	parse_qs(c->qs, &p);
	e = query_parse(fixture_schema(c->res), &p, LIST_MAX, &q, &err);
	cr_assert_eq(e, c->e, "%s?%s: got %d (param %s), want %d", c->res, c->qs, e, err.param, c->e);
	cr_assert_eq(err.code, c->e);
	cr_assert_str_eq(err.param, c->param, "%s?%s", c->res, c->qs);
	if (c->e == Q_BAD_VALUE)
		cr_assert_eq(err.why, c->why, "%s?%s: why %d", c->res, c->qs, err.why);
	/* Nothing is left allocated on failure. */
	cr_assert_null(q.domain);
	cr_assert_null(q.order);
	params_free(&p);
}

/* -------------------------------------------------- a poorer Odoo's schema */

static void
poor_schema(struct rschema *s)
{
	json_object *fg = json_tokener_parse(
		"{\"id\": {\"type\": \"integer\", \"readonly\": true, \"sortable\": true, \"searchable\": true},"
		" \"name\": {\"type\": \"char\", \"sortable\": false, \"searchable\": false},"
		" \"list_price\": {\"type\": \"float\", \"sortable\": true, \"searchable\": true}}");

	cr_assert(schema_parse(resource_find("products"), fg, s));
	json_object_put(fg);
}

Test(query, default_order_skips_what_odoo_cannot_sort)
{
	struct rschema s;
	struct params p;
	struct list_query q;
	struct query_error err;

	poor_schema(&s);
	parse_qs("", &p);
	cr_assert_eq(query_parse(&s, &p, LIST_MAX, &q, &err), Q_OK);
	cr_assert_str_eq(q.order, "id asc");
	list_query_free(&q);
	params_free(&p);
	rschema_free(&s);
}

Test(query, not_searchable_field)
{
	struct rschema s;
	struct params p;
	struct list_query q;
	struct query_error err;

	poor_schema(&s);
	parse_qs("name=x", &p);
	cr_assert_eq(query_parse(&s, &p, LIST_MAX, &q, &err), Q_NOT_SEARCHABLE);
	cr_assert_str_eq(err.param, "name");
	cr_assert_str_eq(err.field, "name");
	params_free(&p);
	/* q has no searchable starred field left: it is an unknown parameter here. */
	parse_qs("q=x", &p);
	cr_assert_eq(query_parse(&s, &p, LIST_MAX, &q, &err), Q_UNKNOWN_PARAM);
	cr_assert_str_eq(err.param, "q");
	params_free(&p);
	parse_qs("_sort=name", &p);
	cr_assert_eq(query_parse(&s, &p, LIST_MAX, &q, &err), Q_NOT_SORTABLE);
	params_free(&p);
	/* A table field this Odoo lacks is unknown, not a traceback from Odoo. */
	parse_qs("barcode=x", &p);
	cr_assert_eq(query_parse(&s, &p, LIST_MAX, &q, &err), Q_UNKNOWN_PARAM);
	params_free(&p);
	rschema_free(&s);
}

/* ----------------------------------------------------- the 400's `errors` */

static void
assert_errors(const char *res, const char *qs, enum lang lang, const char *want)
{
	struct params p;
	struct list_query q;
	struct query_error err;
	json_object *errors;

	parse_qs(qs, &p);
	cr_assert_neq(query_parse(fixture_schema(res), &p, LIST_MAX, &q, &err), Q_OK, "%s", qs);
	errors = query_error_json(&err, lang);
	assert_domain(errors, want, qs);
	json_object_put(errors);
	params_free(&p);
}

Test(query, error_json)
{
	assert_errors("products", "_sort=qty_available", LANG_ES,
	              "{\"_sort\": [\"No se puede ordenar por el campo qty_available\"]}");
	assert_errors("products", "_sort=qty_available", LANG_EN,
	              "{\"_sort\": [\"Cannot sort by field qty_available\"]}");
	assert_errors("products", "bogus=1", LANG_ES, "{\"bogus\": [\"Parámetro desconocido\"]}");
	assert_errors("products", "bogus=1", LANG_EN, "{\"bogus\": [\"Unknown parameter\"]}");
	assert_errors("products", "_sort=nope", LANG_EN, "{\"_sort\": [\"Unknown field: nope\"]}");
	assert_errors("products", "name_gt=a", LANG_EN, "{\"name_gt\": [\"Operator not valid for field name\"]}");
	assert_errors("products", "active=yes", LANG_EN, "{\"active\": [\"Must be true or false\"]}");
	assert_errors("products", "list_price=x", LANG_ES, "{\"list_price\": [\"Debe ser un número\"]}");
	assert_errors("products", "page=0", LANG_EN,
	              "{\"page\": [\"Must satisfy page >= 1, 1 <= limit <= 100, 0 <= _start <= _end,"
	              " without mixing both styles\"]}");
}

Test(query, long_parameter_names_are_cut_cleanly)
{
	char qs[1300];
	struct params p;
	struct list_query q;
	struct query_error err;
	size_t n;

	/* 200 two-byte characters: the copy must stop on a character boundary. */
	strcpy(qs, "x");
	for (int i = 0; i < 200; i++)
		strcat(qs, "%C3%B1");
	strcat(qs, "=1");
	parse_qs(qs, &p);
	cr_assert_eq(query_parse(fixture_schema("products"), &p, LIST_MAX, &q, &err), Q_UNKNOWN_PARAM);
	n = strlen(err.param);
	cr_assert_lt(n, sizeof(err.param));
	cr_assert_eq(n % 2, 1, "x plus whole two-byte characters, got %zu bytes", n);
	cr_assert_eq((unsigned char)err.param[n - 1], 0xb1);
	params_free(&p);
}

Test(query, list_max_floor)
{
	struct params p;
	struct list_query q;
	struct query_error err;

	parse_qs("", &p);
	cr_assert_eq(query_parse(fixture_schema("products"), &p, 0, &q, &err), Q_OK);
	cr_assert_eq(q.limit, 1);
	list_query_free(&q);
	params_free(&p);
}
