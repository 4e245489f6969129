/* test_cache.c: unit tests for cache.c's key normalization (the rest is in tests/e2e/test_cache.py). */
#include "autoconfig.h"
#undef NDEBUG
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "request.h"
#include "util.h"

/* The normalized form of a query string, as a heap string. */
static char *
norm(const char *qs)
{
	struct params p;
	struct buf b;
	char *s;

	cr_assert_eq(params_parse(qs, strlen(qs), MAX_PARAMS, &p), QS_OK);
	buf_init(&b, 1u << 20);
	cache_key_query(&p, &b);
	s = xstrndup(b.data != NULL ? b.data : "", b.len);
	buf_free(&b);
	params_free(&p);
	return s;
}

struct pair {
	const char *a, *b;
	bool same;
};

static const struct pair pairs[] = {
	{ "b=1&a=2", "a=2&b=1", true },
	{ "page=1&limit=10", "limit=10&page=1", true },
	{ "_sort=name&_order=asc&q=desk", "q=desk&_order=asc&_sort=name", true },
	{ "a=1", "a=1&", true },                       /* empty pairs are skipped by the parser */
	{ "name=a%20b", "name=a+b", true },            /* one decoded value */
	/* Repeated names keep their multiplicity and their order. */
	{ "id=1&id=2", "id=2&id=1", false },
	{ "id=1&id=2", "id=1", false },
	{ "id=1&id=1", "id=1", false },
	{ "id=1&x=0&id=2", "x=0&id=1&id=2", true },
	/* Nothing in one part can pass for another. */
	{ "a=1&b=2", "a=1%26b%3D2", false },
	{ "ab=", "a=b", false },
	{ "a=", "a", true },                           /* a key without '=' has the value "" */
	{ "", "a=", false },
	{ "_sort=name,id", "_sort=id,name", false },
};

Test(cache, query_normalization)
{
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		char *x = norm(pairs[i].a), *y = norm(pairs[i].b);

		if (pairs[i].same)
			cr_expect_str_eq(x, y, "\"%s\" and \"%s\" should be one entry", pairs[i].a, pairs[i].b);
		else
			cr_expect_str_neq(x, y, "\"%s\" and \"%s\" should be two entries", pairs[i].a, pairs[i].b);
		free(x);
		free(y);
	}
}

Test(cache, counters_start_at_zero)
{
	struct cache_counters k;

	memset(&k, 0xff, sizeof k);
	cache_counters(&k);
	cr_assert_eq(k.hits + k.misses + k.bypasses + k.uncacheable + k.not_modified, 0);
}
