/* res_fixture.c: loading the Odoo 18 fields_get captures into schemas, for the resource-layer tests. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "res_fixture.h"
#include "util.h"

json_object *
fixture_json(const char *rel)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	json_object *j;

	if (top != NULL && *top != '\0') {
		snprintf(path, sizeof(path), "%s/tests/fixtures/odoo-captures/%s", top, rel);
	} else {
		/* __FILE__ is .../tests/unit/res_fixture.c */
		const char *f = __FILE__;
		const char *cut = strstr(f, "tests/unit/res_fixture.c");
		int dirlen = cut != NULL ? (int)(cut - f) : 0;

		snprintf(path, sizeof(path), "%.*stests/fixtures/odoo-captures/%s", dirlen, f, rel);
	}
	j = json_object_from_file(path);
	cr_assert_not_null(j, "cannot read fixture %s: %s", path, json_util_get_last_err());
	return j;
}

json_object *
fixture_fields_get(const char *model)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "fields_get/%s.json", model);
	return fixture_json(rel);
}

const struct rschema *
fixture_schema(const char *resource)
{
	static struct rschema cache[8];
	static const struct resource *keys[8];
	const struct resource *r;
	json_object *fg;
	size_t i;

	if (strcmp(resource, "sale_lines") == 0)
		r = resource_find("sales")->lines->child;
	else
		r = resource_find(resource);
	cr_assert_not_null(r, "no resource %s", resource);
	for (i = 0; i < ARRAY_SIZE(keys) && keys[i] != NULL; i++)
		if (keys[i] == r)
			return &cache[i];
	cr_assert(i < ARRAY_SIZE(keys));
	fg = fixture_fields_get(r->model);
	cr_assert(schema_parse(r, fg, &cache[i]));
	json_object_put(fg);
	keys[i] = r;
	return &cache[i];
}
