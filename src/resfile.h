/* resfile.h: the resources file (RESOURCES_FILE, resources/default.json) -> a resource table. */
#ifndef OB_RESFILE_H
#define OB_RESFILE_H

#include <stddef.h>
#include <stdio.h>

#include "resource.h"

/* resources/default.json as shipped, embedded at build time (resources_default.c, generated). */
extern const char resfile_default[];
extern const size_t resfile_default_len;

/*
 * Parses and validates the text of a resources file (len bytes; name is
 * how messages call it).  Returns a new table (free with res_table_free,
 * or hand it to resource_install), or NULL with err holding one line:
 * "name:LINE: key.path: what is wrong", e.g.
 * "resources.json:14: resources[3].fields[2].q: must be true or false".
 */
struct res_table *resfile_parse(const char *text, size_t len, const char *name, char *err, size_t errlen);

/* resfile_parse of the file at path (at most 4 MiB); NULL with err when unreadable or bad. */
struct res_table *resfile_load(const char *path, char *err, size_t errlen);

/*
 * --check-config --ping: every model of t against this Odoo, one
 * fields_get per model through fetch (schema_cache's way to reach Odoo).
 * Writes a line to out for each finding: an error for a model Odoo does not
 * know (or a call that fails), a warning for a field none of whose names
 * this Odoo has (answered as null when the file gives its "type", else
 * dropped from the answers) or whose type the API does not handle.
 * Returns the number of errors; *warnings receives the number of warnings.
 */
size_t resfile_check_odoo(const struct res_table *t, schema_fetch_fn fetch, void *ud, FILE *out, size_t *warnings);

/* Frees a table and everything in it; accepts NULL. */
void res_table_free(struct res_table *t);

#endif
