/* res_fixture.h: loading the Odoo 18 fields_get captures into schemas, for the resource-layer tests. */
#ifndef OB_RES_FIXTURE_H
#define OB_RES_FIXTURE_H

#include <json-c/json.h>

#include "resource.h"

/*
 * Reads tests/fixtures/odoo-captures/<rel> (found through $top_srcdir, which
 * make check exports, else relative to this source file).  Aborts the test
 * when the file is missing or not JSON.  Caller puts the result.
 */
json_object *fixture_json(const char *rel);

/* The fields_get capture of model, e.g. "res.partner".  Caller puts. */
json_object *fixture_fields_get(const char *model);

/*
 * The exposed set of the named resource ("sale_lines" for the lines of
 * sales) built from the captures.  Static storage, built once per process.
 */
const struct rschema *fixture_schema(const char *resource);

#endif
