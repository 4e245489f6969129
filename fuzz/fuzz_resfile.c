/* fuzz_resfile.c: libFuzzer driver for the resources file parser (resfile.c). */
/*
 * Build and run from the source tree, with B a configured and built
 * directory (for autoconfig.h and the generated src/resources_default.c):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -I$B fuzz/fuzz_resfile.c src/resfile.c \
 *     src/resource.c src/query.c src/value.c src/request.c src/util.c $B/src/resources_default.c \
 *     -ljson-c -lpthread -o fuzz_resfile
 *   ./fuzz_resfile -max_total_time=60 fuzz/corpus/resfile
 *
 * Input: the text of a resources file.  Every input must either give a
 * table (which is then walked, installed and looked up, as the program
 * does) or one error line of the form "name:LINE: ...", with a line
 * number inside the text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resfile.h"
#include "resource.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned
lines_in(const uint8_t *data, size_t size)
{
	unsigned n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024];
	struct res_table *t = resfile_parse((const char *)data, size, "f.json", err, sizeof(err));
	unsigned line;

	if (t == NULL) {
		/* Every refusal names the file and a line of it. */
		if (sscanf(err, "f.json:%u: ", &line) != 1 || line < 1 || line > lines_in(data, size)) {
			fprintf(stderr, "bad error line: %s\n", err);
			abort();
		}
		return 0;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct resource *r = &t->r[i];
		size_t nf = 0;

		while (r->fields[nf].name != NULL)
			nf++;
		if (nf == 0 || (r->lines != NULL && r->lines->child == NULL))
			abort();
		for (size_t k = 0; k < r->n_actions; k++)
			if (resource_action(r, r->actions[k].name) != &r->actions[k])
				abort();
	}
	/* Installed as the program does; the next input replaces it (and frees this one). */
	resource_install(t);
	for (size_t i = 0; resource_at(i) != NULL; i++)
		if (resource_find(resource_at(i)->name) != resource_at(i))
			abort();
	return 0;
}
