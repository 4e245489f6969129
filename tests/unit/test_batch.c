/* test_batch.c: unit tests for the parsing and limits of batch.c and bulk.c (no Odoo, no routing). */
#undef NDEBUG
#include "autoconfig.h"
#include <criterion/criterion.h>
#include <string.h>

#include "batch.h"
#include "bulk.h"
#include "router.h"

/* batch.c routes entries through the application's table (routes.c, in the program): none here. */
const struct route app_routes[] = { { "/", false, { { NULL, NULL } }, NULL } };
const size_t app_routes_count = 0;

static json_object *
parse(const char *text)
{
	json_object *o = json_tokener_parse(text);

	cr_assert_not_null(o, "%s", text);
	return o;
}

/* ------------------------------------------------------------ batch_parse */

Test(batch_parse, well_formed_entries_in_order)
{
	json_object *doc = parse("{\"requests\": ["
	                         "{\"id\": \"a\", \"method\": \"GET\", \"path\": \"/api/v1/products/31\"},"
	                         "{\"id\": 2, \"method\": \"POST\", \"path\": \"/api/v1/products\", \"body\": {\"name\": \"x\"}},"
	                         "{\"id\": \"c\", \"method\": \"DELETE\", \"path\": \"/api/v1/products?id=1&id=2\", \"body\": null}]}");
	struct batch_entry *e;
	size_t n;

	cr_assert_eq(batch_parse(doc, 20, &e, &n), BATCH_OK);
	cr_assert_eq(n, 3);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(e[i].invalid, MSG__COUNT, "entry %zu", i);
	cr_assert_str_eq(json_object_get_string(e[0].id), "a");
	cr_assert_str_eq(e[0].method, "GET");
	cr_assert_str_eq(e[0].path, "/api/v1/products/31");
	cr_assert_null(e[0].body);
	cr_assert_eq(json_object_get_int(e[1].id), 2);
	cr_assert(json_object_is_type(e[1].body, json_type_object));
	cr_assert_null(e[2].body, "a null body is no body");
	free(e);
	json_object_put(doc);
}

Test(batch_parse, whole_body_errors)
{
	const char *bad[] = { "[]", "{}", "{\"requests\": {}}", "{\"requests\": [], \"atomic\": true}", "\"x\"",
	                      "{\"requests\": null}" };
	struct batch_entry *e;
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_object *doc = parse(bad[i]);

		cr_assert_eq(batch_parse(doc, 20, &e, &n), BATCH_BAD_BODY, "%s", bad[i]);
		cr_assert_null(e);
		json_object_put(doc);
	}
}

Test(batch_parse, at_most_max_entries)
{
	json_object *doc = parse("{\"requests\": [1, 2, 3]}");
	struct batch_entry *e;
	size_t n;

	cr_assert_eq(batch_parse(doc, 2, &e, &n), BATCH_TOO_MANY);
	cr_assert_eq(batch_parse(doc, 3, &e, &n), BATCH_OK);
	cr_assert_eq(n, 3);
	free(e);
	json_object_put(doc);
	doc = parse("{\"requests\": []}");
	cr_assert_eq(batch_parse(doc, 2, &e, &n), BATCH_OK);
	cr_assert_eq(n, 0);
	json_object_put(doc);
}

/* Each of these is one malformed entry; the others of the batch stay valid. */
static const char *const bad_entries[] = {
	"5",
	"{\"method\": \"GET\", \"path\": \"/api/v1/products\"}",                       /* no id */
	"{\"id\": \"\", \"method\": \"GET\", \"path\": \"/api/v1/products\"}",         /* empty id */
	"{\"id\": 1.5, \"method\": \"GET\", \"path\": \"/api/v1/products\"}",
	"{\"id\": \"a\", \"path\": \"/api/v1/products\"}",                             /* no method */
	"{\"id\": \"a\", \"method\": \"get\", \"path\": \"/api/v1/products\"}",
	"{\"id\": \"a\", \"method\": \"TRACE\", \"path\": \"/api/v1/products\"}",
	"{\"id\": \"a\", \"method\": \"OPTIONS\", \"path\": \"/api/v1/products\"}",
	"{\"id\": \"a\", \"method\": \"GET\"}",                                        /* no path */
	"{\"id\": \"a\", \"method\": \"GET\", \"path\": \"api/v1/products\"}",
	"{\"id\": \"a\", \"method\": \"GET\", \"path\": \"/api/v1/products\\r\\nX: y\"}",
	"{\"id\": \"a\", \"method\": \"GET\", \"path\": \"/api/v1/pro\\u0000ducts\"}",
	"{\"id\": \"a\", \"method\": \"GET\", \"path\": \"/api/v1/products#x\"}",
	"{\"id\": \"a\", \"method\": \"GET\", \"path\": \"/api/v1/products\", \"body\": {}}",
	"{\"id\": \"a\", \"method\": \"DELETE\", \"path\": \"/api/v1/products/1\", \"body\": []}",
	"{\"id\": \"a\", \"method\": \"GET\", \"path\": \"/api/v1/products\", \"headers\": {}}",
	"{\"id\": \"a\", \"method\": \"GET\", \"path\": 7}",
};

Test(batch_parse, malformed_entries_are_marked_not_fatal)
{
	for (size_t i = 0; i < sizeof(bad_entries) / sizeof(bad_entries[0]); i++) {
		char *text = xasprintf("{\"requests\": [%s, {\"id\": \"ok\", \"method\": \"GET\", \"path\": \"/health\"}]}",
		                       bad_entries[i]);
		json_object *doc = parse(text);
		struct batch_entry *e;
		size_t n;

		cr_assert_eq(batch_parse(doc, 20, &e, &n), BATCH_OK, "%s", bad_entries[i]);
		cr_assert_eq(n, 2);
		cr_assert_eq(e[0].invalid, MSG_BATCH_BAD_ENTRY, "%s", bad_entries[i]);
		cr_assert_eq(e[1].invalid, MSG__COUNT);
		free(e);
		json_object_put(doc);
		free(text);
	}
}

Test(batch_parse, the_id_is_kept_when_the_rest_is_wrong)
{
	json_object *doc = parse("{\"requests\": [{\"id\": \"x\", \"method\": \"BREW\", \"path\": \"/\"}]}");
	struct batch_entry *e;
	size_t n;

	cr_assert_eq(batch_parse(doc, 20, &e, &n), BATCH_OK);
	cr_assert_eq(e[0].invalid, MSG_BATCH_BAD_ENTRY);
	cr_assert_str_eq(json_object_get_string(e[0].id), "x");
	free(e);
	json_object_put(doc);
}

/* --------------------------------------------------------- bulk_parse_ids */

static struct params
query(const char *qs)
{
	struct params p;

	cr_assert_eq(params_parse(qs, strlen(qs), MAX_PARAMS, &p), QS_OK, "%s", qs);
	return p;
}

Test(bulk_parse_ids, ids_in_order_each_once)
{
	struct params q = query("id=7&id=3&id=7&id=2147483647");
	int64_t *ids;
	size_t n;
	const char *bad;

	cr_assert_eq(bulk_parse_ids(&q, 100, &ids, &n, &bad), BULK_OK);
	cr_assert_eq(n, 3);
	cr_assert_eq(ids[0], 7);
	cr_assert_eq(ids[1], 3);
	cr_assert_eq(ids[2], 2147483647);
	free(ids);
	params_free(&q);
}

struct ids_case {
	const char *qs;
	size_t max;
	enum bulk_err want;
	const char *bad;
};

Test(bulk_parse_ids, refusals)
{
	static const struct ids_case cases[] = {
		{ "", 100, BULK_NO_IDS, NULL },
		{ "id=abc", 100, BULK_BAD_ID, "abc" },
		{ "id=0", 100, BULK_BAD_ID, "0" },
		{ "id=-3", 100, BULK_BAD_ID, "-3" },
		{ "id=2147483648", 100, BULK_BAD_ID, "2147483648" },
		{ "id=1&id=", 100, BULK_BAD_ID, "" },
		{ "id=1&name=x", 100, BULK_OTHER_PARAM, "name" },
		{ "_start=0&id=1", 100, BULK_OTHER_PARAM, "_start" },
		{ "id=1&id=2&id=3", 2, BULK_TOO_MANY, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct params q = query(cases[i].qs);
		int64_t *ids = (int64_t *)&q;   /* must be reset to NULL */
		size_t n = 99;
		const char *bad;

		cr_assert_eq(bulk_parse_ids(&q, cases[i].max, &ids, &n, &bad), cases[i].want, "%s", cases[i].qs);
		cr_assert_null(ids);
		cr_assert_eq(n, 0);
		if (cases[i].bad == NULL)
			cr_assert_null(bad, "%s", cases[i].qs);
		else
			cr_assert_str_eq(bad, cases[i].bad, "%s", cases[i].qs);
		params_free(&q);
	}
}

Test(bulk_parse_ids, repeated_ids_do_not_count_toward_the_limit)
{
	struct params q = query("id=1&id=2&id=1&id=2&id=1");
	int64_t *ids;
	size_t n;
	const char *bad;

	cr_assert_eq(bulk_parse_ids(&q, 2, &ids, &n, &bad), BULK_OK);
	cr_assert_eq(n, 2);
	free(ids);
	params_free(&q);
}
