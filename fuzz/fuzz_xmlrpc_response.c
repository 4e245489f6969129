/* fuzz_xmlrpc_response.c: libFuzzer driver for xr_parse_response(), the parser of Odoo's answers. */
/*
 * Build and run from the source tree, with B a configured build directory (for autoconfig.h):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -I$B fuzz/fuzz_xmlrpc_response.c src/xmlrpc_read.c src/xmlrpc_fixup.c src/odoo_fault.c src/util.c $(xmlrpc-c-config --cflags) -lxmlrpc -lxmlrpc_xmlparse -lxmlrpc_xmltok -lxmlrpc_util -ljson-c -lcurl -lpthread -o fuzz_xmlrpc_response
 *   ./fuzz_xmlrpc_response -max_total_time=30 fuzz/corpus/xmlrpc_response
 * The seed corpus is the captured Odoo 18 answers (tests/fixtures/odoo-captures/raw).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "odoo.h"
#include "xmlrpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether s is NUL-terminated well within cap and valid UTF-8. */
static int
message_ok(const char *s, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strnlen(s, cap);

	if (n >= cap)
		return 0;
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_object *out = NULL, *back;
	struct odoo_error err;
	enum odoo_err rc;

	rc = xr_parse_response((const char *)data, size, &out, &err);
	if (rc != err.code || !message_ok(err.message, sizeof err.message))
		abort();
	if (rc != ODOO_OK) {
		if (out != NULL)
			abort();
		return 0;
	}
	/* What the parser produced must serialise to JSON that reads back. */
	back = json_tokener_parse(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
	if (out != NULL && back == NULL)
		abort();
	json_object_put(back);
	json_object_put(out);
	return 0;
}
