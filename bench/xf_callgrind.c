/*
 * xf_callgrind.c: instructions per conversion of one list page, the fast
 * path (xmlrpc_fast.c) against today's (xr_parse_response + records_from_odoo
 * + json-c), for callgrind (issue 20).  From a configured source tree:
 *   cc -O2 -g -I. -Isrc bench/xf_callgrind.c libbridge.a $(pkg-config --libs json-c) \
 *     $(xmlrpc-c-config --libs) -lcurl -lcrypto -lpthread -o xf_callgrind
 *   valgrind --tool=callgrind --toggle-collect=convert_fast ./xf_callgrind fast 10
 *   valgrind --tool=callgrind --toggle-collect=convert_today ./xf_callgrind today 10
 * The page: N products (default 10) of web_search_read, every field of the
 * products table as Odoo 18 writes it (many2one as {id, display_name}),
 * values from the captured samples, a double of 17 digits in every third
 * record (a third argument "short": none).  Also writes it to stdout with -p.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "resource.h"
#include "value.h"
#include "xmlrpc.h"
#include "xmlrpc_fast.h"

static void
member(struct buf *b, const char *name, const char *value)
{
	buf_puts(b, "<member>\n<name>");
	buf_puts(b, name);
	buf_puts(b, "</name>\n<value>");
	buf_puts(b, value);
	buf_puts(b, "</value>\n</member>\n");
}

/* Doubles of 17 digits (which fmt_double finds with strtod and printf) in every third record, unless short. */
static int short_doubles;

static void
page(struct buf *b, const struct rschema *s, int n)
{
	char v[512];

	buf_puts(b, "<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n");
	snprintf(v, sizeof v, "<int>%d</int>", 43);
	member(b, "length", v);
	buf_puts(b, "<member>\n<name>records</name>\n<value><array><data>\n");
	for (int r = 0; r < n; r++) {
		buf_puts(b, "<value><struct>\n");
		for (size_t i = 0; i < s->n; i++) {
			const struct xfield *f = &s->f[i];

			if (f->odoo == NULL)
				continue;
			switch (f->type) {
			case FT_BOOLEAN:   snprintf(v, sizeof v, "<boolean>%d</boolean>", (r + (int)i) % 2); break;
			case FT_INTEGER:   snprintf(v, sizeof v, "<int>%d</int>", 40 + r * 7 + (int)i); break;
			case FT_FLOAT:
			case FT_MONETARY:  snprintf(v, sizeof v, "<double>%s</double>", r % 3 || short_doubles ? "750.0" : "14.930000000000007"); break;
			case FT_DATE:      snprintf(v, sizeof v, "<string>2025-0%d-1%d</string>", 1 + r % 9, r % 10); break;
			case FT_DATETIME:  snprintf(v, sizeof v, "<string>2026-11-26 20:28:%02d</string>", r); break;
			case FT_MANY2ONE:
				snprintf(v, sizeof v, "<struct>\n<member>\n<name>id</name>\n<value><int>%d</int></value>\n</member>\n"
				         "<member>\n<name>display_name</name>\n<value><string>All / Saleable / Office Furniture"
				         "</string></value>\n</member>\n</struct>", 8 + r);
				break;
			case FT_ONE2MANY:
			case FT_MANY2MANY:
				snprintf(v, sizeof v, "<array><data>\n<value><int>%d</int></value>\n<value><int>%d</int></value>\n"
				         "</data></array>", 3 + r, 9 + r);
				break;
			case FT_SELECTION: snprintf(v, sizeof v, "<string>consu</string>"); break;
			case FT_HTML:      snprintf(v, sizeof v, "<string>&lt;p&gt;160x80cm, with large legs.&lt;/p&gt;</string>"); break;
			default:
				if (r % 4 == 3)
					snprintf(v, sizeof v, "<boolean>0</boolean>");
				else
					snprintf(v, sizeof v, "<string>Customizable Desk %d</string>", r);
				break;
			}
			member(b, f->odoo, v);
		}
		buf_puts(b, "</struct></value>\n");
	}
	buf_puts(b, "</data></array></value>\n</member>\n</struct></value>\n</param>\n</params>\n</methodResponse>\n");
}

/* Today's path: crud.c's web_search + records_from_odoo + response.c's serialisation. */
__attribute__((noinline)) size_t convert_today(const char *xml, size_t len, const struct rschema *s);
__attribute__((noinline)) size_t
convert_today(const char *xml, size_t len, const struct rschema *s)
{
	json_object *v = NULL, *recs;
	struct odoo_error err;
	size_t n;

	if (xr_parse_response(xml, len, &v, &err) != ODOO_OK || !json_object_object_get_ex(v, "records", &recs))
		abort();
	recs = json_object_get(recs);
	json_object_put(v);
	records_from_odoo(s, recs);
	n = strlen(json_object_to_json_string_ext(recs, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(recs);
	return n;
}

__attribute__((noinline)) size_t convert_fast(const char *xml, size_t len, const struct rschema *s);
__attribute__((noinline)) size_t
convert_fast(const char *xml, size_t len, const struct rschema *s)
{
	struct buf out;
	int64_t length;
	size_t n;

	buf_init(&out, 64u << 20);
	if (xf_records(xml, len, s, true, &out, &length, NULL) != XF_OK)
		abort();
	n = out.len;
	buf_free(&out);
	return n;
}

int
main(int argc, char **argv)
{
	const struct resource *res = resource_find("products");
	json_object *fg = json_object_from_file("tests/fixtures/odoo-captures/fields_get/product.product.json");
	struct rschema s;
	struct buf b;
	int n = argc > 2 ? atoi(argv[2]) : 10;

	short_doubles = argc > 3 && strcmp(argv[3], "short") == 0;

	if (argc < 2 || fg == NULL || !schema_parse(res, fg, &s)) {
		fprintf(stderr, "usage (from the source tree): xf_callgrind fast|today|-p [records]\n");
		return 2;
	}
	xr_raise_limit(64u << 20);
	buf_init(&b, 64u << 20);
	page(&b, &s, n);
	if (strcmp(argv[1], "-p") == 0) {
		fwrite(b.data, 1, b.len, stdout);
		return 0;
	}
	printf("%s: %zu bytes of XML -> %zu bytes of JSON\n", argv[1], b.len,
	       strcmp(argv[1], "fast") == 0 ? convert_fast(b.data, b.len, &s) : convert_today(b.data, b.len, &s));
	buf_free(&b);
	rschema_free(&s);
	json_object_put(fg);
	return 0;
}
