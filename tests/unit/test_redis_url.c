/* test_redis_url.c: unit tests for redis_url.c (the forms of REDIS_URL, and what is refused). */
#include "autoconfig.h"
#undef NDEBUG
#include <criterion/criterion.h>
#include <string.h>

#include "redis_url.h"
#include "util.h"

struct good {
	const char *url;
	bool        is_unix;
	const char *host_or_path;
	int         port;
	const char *user, *password;
	long        db;
	const char *where;
};

static const struct good goods[] = {
	{ "redis://127.0.0.1", false, "127.0.0.1", 6379, NULL, NULL, 0, "127.0.0.1:6379" },
	{ "redis://cache.internal:6380/2", false, "cache.internal", 6380, NULL, NULL, 2, "cache.internal:6380" },
	{ "redis://:s3cret@10.0.0.5", false, "10.0.0.5", 6379, NULL, "s3cret", 0, "10.0.0.5:6379" },
	{ "redis://bridge:p%40ss%3Aw%2Fd@10.0.0.5:7000/1", false, "10.0.0.5", 7000, "bridge", "p@ss:w/d", 1, "10.0.0.5:7000" },
	{ "redis://bridge:p@ss@h", false, "h", 6379, "bridge", "p@ss", 0, "h:6379" },
	{ "redis://[::1]:6379/", false, "::1", 6379, NULL, NULL, 0, "[::1]:6379" },
	{ "unix:/run/redis/redis-server.sock", true, "/run/redis/redis-server.sock", 0, NULL, NULL, 0,
	  "unix:/run/redis/redis-server.sock" },
	{ "unix:///tmp/r.sock?db=5", true, "/tmp/r.sock", 0, NULL, NULL, 5, "unix:/tmp/r.sock" },
};

Test(redis_url, accepted_forms)
{
	for (size_t i = 0; i < ARRAY_SIZE(goods); i++) {
		const struct good *g = &goods[i];
		struct redis_url u;
		const char *why = NULL;
		char where[300];

		cr_assert(redis_url_parse(g->url, &u, &why), "%s: %s", g->url, why);
		cr_assert_eq(u.is_unix, g->is_unix, "%s", g->url);
		cr_assert_str_eq(g->is_unix ? u.path : u.host, g->host_or_path, "%s", g->url);
		if (!g->is_unix)
			cr_assert_eq(u.port, g->port, "%s", g->url);
		if (g->user == NULL)
			cr_assert_null(u.user, "%s", g->url);
		else
			cr_assert_str_eq(u.user, g->user, "%s", g->url);
		if (g->password == NULL)
			cr_assert_null(u.password, "%s", g->url);
		else
			cr_assert_str_eq(u.password, g->password, "%s", g->url);
		cr_assert_eq(u.db, g->db, "%s", g->url);
		redis_url_describe(&u, where, sizeof(where));
		cr_assert_str_eq(where, g->where, "%s", g->url);
		cr_assert_null(strstr(where, "s3cret"));
		redis_url_free(&u);
	}
}

static const char *const bads[] = {
	"rediss://cache.internal:6380",   /* TLS: not in Debian 12's hiredis */
	"http://127.0.0.1:6379",
	"redis://",
	"redis://:6379",
	"redis://h:0",
	"redis://h:65536",
	"redis://h:port",
	"redis://h/db",
	"redis://h/-1",
	"redis://h?x=1",
	"redis://user@h",                 /* no ':' before '@': ambiguous */
	"redis://:@h",                    /* empty password */
	"redis://:%zz@h",
	"redis://:%00@h",
	"redis://[::1",
	"redis://h\n",
	"unix:",
	"unix:relative.sock",
	"unix:/tmp/r.sock?database=1",
	"unix:/tmp/r.sock?db=x",
	"",
};

Test(redis_url, refused_forms_say_why_without_repeating_the_url)
{
	for (size_t i = 0; i < ARRAY_SIZE(bads); i++) {
		struct redis_url u;
		const char *why = NULL;

		cr_assert_not(redis_url_parse(bads[i], &u, &why), "accepted: %s", bads[i]);
		cr_assert_not_null(why);
		cr_assert_null(u.host);
		cr_assert_null(u.password);
	}
}

Test(redis_url, tls_is_refused_with_the_reason)
{
	struct redis_url u;
	const char *why = NULL;

	cr_assert_not(redis_url_parse("rediss://:pw@h", &u, &why));
	cr_assert_not_null(strstr(why, "TLS"), "%s", why);
	cr_assert_null(strstr(why, "pw"));
}

Test(redis_url, free_accepts_a_zeroed_struct)
{
	struct redis_url u;

	memset(&u, 0, sizeof(u));
	redis_url_free(&u);
	redis_url_free(NULL);
}
