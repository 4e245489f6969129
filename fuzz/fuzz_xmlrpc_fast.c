/* fuzz_xmlrpc_fast.c: libFuzzer differential driver, xf_records() (xmlrpc_fast.c) against today's path. */
/*
 * Build and run from the source tree, with B a configured build directory (for autoconfig.h), or `make fuzz`:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Itests/unit -I$B fuzz/fuzz_xmlrpc_fast.c src/xmlrpc_fast.c tests/unit/xf_oracle.c src/xmlrpc_read.c src/xmlrpc_fixup.c src/odoo_fault.c src/value.c src/util.c $(xmlrpc-c-config --cflags) -lxmlrpc -lxmlrpc_xmlparse -lxmlrpc_xmltok -lxmlrpc_util -ljson-c -lcurl -lpthread -o fuzz_xmlrpc_fast
 *   ./fuzz_xmlrpc_fast -max_total_time=30 fuzz/corpus/xmlrpc_fast
 * The seed corpus is the captured list answers (tests/fixtures/odoo-captures).  The first byte
 * chooses the shape: bit 0, web_search_read's envelope; bit 1, a sale read with its lines nested
 * (xf_sale_schema and xf_sale_lines, as crud.c's GET of a sale); bit 2, at most one record (crud.c's
 * reads of one record); the rest is the answer.  Aborts when the
 * fast path accepts what today's path refuses, or answers other bytes or another length; a
 * fallback needs no comparison (the caller then runs today's path), so the oracle runs only
 * on what the fast path answered.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xf_oracle.h"
#include "xmlrpc.h"
#include "xmlrpc_fast.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xr_raise_limit(64u * 1024 * 1024);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xf_spec spec = { .s = xf_mixed_schema() };
	struct buf fo, oo;
	int64_t fl = -1, ol = -2;
	size_t fc = 1, oc = 2;
	bool envelope, oracle;
	enum xf_rc rc;
	char *xml;

	if (size < 1)
		return 0;
	envelope = spec.envelope = data[0] & 1;
	if (data[0] & 2) {
		spec.s = xf_sale_schema();
		spec.lines = xf_sale_lines();
	}
	spec.max_records = data[0] & 4 ? 1 : 0;
	/* an exact copy, so that ASan sees any read past the answer */
	xml = malloc(size - 1 ? size - 1 : 1);
	memcpy(xml, data + 1, size - 1);
	buf_init(&fo, 64u * 1024 * 1024);
	buf_init(&oo, 64u * 1024 * 1024);
	rc = xf_convert(xml, size - 1, &spec, &fo, &fl, &fc);
	/* A fallback runs today's path, whatever it says: only an answer needs the oracle. */
	oracle = rc == XF_OK && xf_oracle_spec(xml, size - 1, &spec, &oo, &ol, &oc);
	if (rc == XF_OK && !oracle) {
		fprintf(stderr, "the fast path accepted what today's path refuses\n");
		abort();
	}
	if (rc == XF_OK && (fo.len != oo.len || memcmp(fo.data, oo.data, oo.len) != 0 || fc != oc || (envelope && fl != ol))) {
		fprintf(stderr, "outputs differ\nfast:   %s\noracle: %s\n", fo.data, oo.data);
		abort();
	}
	if (rc != XF_OK && fo.len != 0)
		abort();
	buf_free(&fo);
	buf_free(&oo);
	free(xml);
	return 0;
}
