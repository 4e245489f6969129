/* fuzz_query.c: libFuzzer driver for the list query parser and the body/lines converters of the resource layer. */
/*
 * Build and run from the source tree, with B a configured build directory (for autoconfig.h):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -I$B fuzz/fuzz_query.c src/query.c src/value.c \
 *     src/resource.c src/request.c src/util.c -ljson-c -o fuzz_query
 *   ./fuzz_query -max_total_time=60 fuzz/corpus/query
 * The schemas come from the Odoo 18 fields_get captures under
 * $ODOO_CAPTURES (default tests/fixtures/odoo-captures, i.e. run it from the
 * source tree).
 *
 * Input: the first byte picks the target.  Bit 7 clear: the rest is a query
 * string for resource (byte % 6), through params_parse and query_parse.  Bit 7
 * set: the rest is a request body for resource (byte % 6), through
 * json_parse_body, body_to_vals and, for sales, lines_to_commands against
 * sale 1's captured lines.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "request.h"
#include "resource.h"
#include "value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_RES 6
#define LIST_MAX 100

static struct rschema schemas[N_RES + 1];   /* the last: sale lines */
static json_object *sale1_lines;

static json_object *
capture(const char *rel)
{
	const char *dir = getenv("ODOO_CAPTURES");
	char path[1024];
	json_object *j;

	snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/fixtures/odoo-captures", rel);
	j = json_object_from_file(path);
	if (j == NULL) {
		fprintf(stderr, "fuzz_query: cannot read %s (set ODOO_CAPTURES)\n", path);
		abort();
	}
	return j;
}

static void
load(size_t i, const struct resource *r)
{
	char rel[256];
	json_object *fg;

	snprintf(rel, sizeof rel, "fields_get/%s.json", r->model);
	fg = capture(rel);
	if (!schema_parse(r, fg, &schemas[i]))
		abort();
	json_object_put(fg);
}

static void
init(void)
{
	json_object *doc, *recs;

	for (size_t i = 0; i < N_RES; i++)
		load(i, resource_at(i));
	load(N_RES, resource_find("sales")->lines->child);
	doc = capture("samples/sale.order.line.json");
	if (!json_object_object_get_ex(doc, "records", &recs))
		abort();
	sale1_lines = json_object_get(recs);
	json_object_put(doc);
}

/* Whether s is valid UTF-8 (what goes into a JSON answer must be). */
static int
utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
		          (*p & 0xf8) == 0xf0 ? 4 : 0;
		if (len == 0)
			return 0;
		for (int i = 1; i < len; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += len;
	}
	return 1;
}

/* A JSON value must serialise and read back. */
static void
must_round_trip(json_object *v)
{
	json_object *back = json_tokener_parse(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));

	if (v != NULL && back == NULL)
		abort();
	json_object_put(back);
}

static void
fuzz_query(const struct rschema *s, const char *qs, size_t len)
{
	struct params p;
	struct list_query q;
	struct query_error err;
	json_object *ej;

	if (params_parse(qs, len, MAX_PARAMS, &p) != QS_OK)
		return;
	if (query_parse(s, &p, LIST_MAX, &q, &err) == Q_OK) {
		if (q.order == NULL || !json_object_is_type(q.domain, json_type_array) || q.offset < 0 ||
		    q.offset > INT32_MAX || q.limit < 0 || (q.limit > LIST_MAX && q.limit > MAX_PARAMS) ||
		    (q.mode == PAGE_ENVELOPE && (q.limit < 1 || q.limit > 100 || q.page < 1)))
			abort();
		must_round_trip(q.domain);
		list_query_free(&q);
	} else {
		if (q.domain != NULL || q.order != NULL || !utf8_ok(err.param) || !utf8_ok(err.field))
			abort();
		ej = query_error_json(&err, LANG_ES);
		must_round_trip(ej);
		json_object_put(ej);
	}
	params_free(&p);
}

static void
fuzz_body(size_t i, const char *body, size_t len)
{
	const struct rschema *s = &schemas[i];
	json_object *v = json_parse_body(body, len), *errors, *vals = NULL, *lines, *cmds = NULL;
	bool ok;

	if (!json_object_is_type(v, json_type_object)) {
		json_object_put(v);
		return;
	}
	errors = json_object_new_object();
	ok = body_to_vals(s, v, (len & 1) != 0, LANG_EN, &vals, errors);
	if (ok != (vals != NULL) || ok != (json_object_object_length(errors) == 0))
		abort();
	if (s->res->lines != NULL && json_object_object_get_ex(v, "lines", &lines)) {
		ok = lines_to_commands(&schemas[N_RES], "lines", lines, sale1_lines, LANG_EN, &cmds, errors);
		if (ok != (cmds != NULL))
			abort();
		must_round_trip(cmds);
	}
	must_round_trip(vals);
	must_round_trip(errors);
	json_object_put(cmds);
	json_object_put(vals);
	json_object_put(errors);
	json_object_put(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;

	if (!ready) {
		log_set_level(LOG_ERROR);   /* schema_parse's info lines are noise here */
		init();
		ready = 1;
	}
	if (size < 1)
		return 0;
	if (data[0] & 0x80)
		fuzz_body(data[0] % N_RES, (const char *)data + 1, size - 1);
	else
		fuzz_query(&schemas[data[0] % N_RES], (const char *)data + 1, size - 1);
	return 0;
}
