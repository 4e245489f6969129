/* test_shmcache.c: unit tests for shmcache.c (values, TTL, eviction and bounds, generations across processes, file checks, corruption). */
#include "autoconfig.h"
#undef NDEBUG
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shmcache.h"
#include "shm_fixture.h"
#include "util.h"

#define SEC 1000000LL

static void
setup(void)
{
	shm_fixture_setup("test_shmcache", "cache");
}

TestSuite(shmcache, .init = setup, .fini = shm_fixture_teardown);

static struct shmcache *
open_ok(size_t bytes)
{
	enum shmtab_err err = SHMTAB_E_SYSTEM;
	struct shmcache *c = shmcache_open(shm_path, bytes, &err);

	cr_assert_not_null(c);
	cr_assert_eq(err, SHMTAB_OK);
	cr_assert(shmcache_is_shared(c));
	return c;
}

/* The value under key as a string, or NULL when absent ("" would be a stored empty value). */
static char *
get_str(struct shmcache *c, const char *key, int64_t now)
{
	struct buf b;
	char *s = NULL;

	buf_init(&b, 1u << 24);
	if (shmcache_get(c, key, strlen(key), now, &b) == SHMCACHE_OK)
		s = xstrndup(b.data != NULL ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

static enum shmcache_result
put_str(struct shmcache *c, const char *key, const char *val, int64_t exp, int64_t now)
{
	return shmcache_put(c, key, strlen(key), val, strlen(val), exp, now);
}

Test(shmcache, put_then_get_and_overwrite)
{
	struct shmcache *c = open_ok(SHMCACHE_MIN_BYTES);
	char *v;

	cr_assert_null(get_str(c, "k", 100));
	cr_assert_eq(put_str(c, "k", "one", 10 * SEC, 0), SHMCACHE_OK);
	cr_assert_eq(put_str(c, "k2", "two", 10 * SEC, 0), SHMCACHE_OK);
	v = get_str(c, "k", 1);
	cr_assert_str_eq(v, "one");
	free(v);
	cr_assert_eq(put_str(c, "k", "uno", 10 * SEC, 2), SHMCACHE_OK);
	v = get_str(c, "k", 3);
	cr_assert_str_eq(v, "uno");
	free(v);
	v = get_str(c, "k2", 3);
	cr_assert_str_eq(v, "two");
	free(v);
	shmcache_close(c);
}

Test(shmcache, keys_are_compared_whole)
{
	struct shmcache *c = open_ok(SHMCACHE_MIN_BYTES);

	cr_assert_eq(put_str(c, "abc", "x", 10 * SEC, 0), SHMCACHE_OK);
	cr_assert_null(get_str(c, "ab", 1));
	cr_assert_null(get_str(c, "abcd", 1));
	shmcache_close(c);
}

Test(shmcache, values_expire)
{
	struct shmcache *c = open_ok(SHMCACHE_MIN_BYTES);
	char *v;

	cr_assert_eq(put_str(c, "k", "v", 5 * SEC, 0), SHMCACHE_OK);
	v = get_str(c, "k", 5 * SEC - 1);
	cr_assert_str_eq(v, "v");
	free(v);
	cr_assert_null(get_str(c, "k", 5 * SEC));
	/* Already expired: not stored at all. */
	cr_assert_eq(put_str(c, "old", "v", 10, 10), SHMCACHE_MISS);
	shmcache_close(c);
}

Test(shmcache, memory_is_bounded_and_the_oldest_go_first)
{
	struct shmcache *c = open_ok(SHMCACHE_MIN_BYTES);
	struct shmcache_stats st;
	char key[32], *val = xmalloc(4001), *v;
	int n = 2000;   /* 8 MB of values into a 1 MiB file */

	memset(val, 'x', 4000);
	val[4000] = '\0';
	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof key, "key%d", i);
		val[0] = (char)('a' + i % 26);
		cr_assert_eq(put_str(c, key, val, 100 * SEC, i), SHMCACHE_OK);
		shmcache_stats(c, &st);
		cr_assert_leq(st.bytes, st.capacity);
	}
	cr_assert_lt(st.capacity, SHMCACHE_MIN_BYTES);
	cr_assert_gt(st.evictions, (uint64_t)(n - 300), "evictions %llu", (unsigned long long)st.evictions);
	/* FIFO: the first are gone, the last are there, intact. */
	cr_assert_null(get_str(c, "key0", n));
	snprintf(key, sizeof key, "key%d", n - 1);
	v = get_str(c, key, n);
	cr_assert_not_null(v);
	cr_assert_eq(strlen(v), 4000);
	cr_assert_eq(v[0], 'a' + (n - 1) % 26);
	free(v);
	/* A value over a quarter of the arena is refused rather than flushing everything. */
	free(val);
	val = xcalloc(1, SHMCACHE_MIN_BYTES / 2);
	cr_assert_eq(shmcache_put(c, "big", 3, val, SHMCACHE_MIN_BYTES / 2, 100 * SEC, n), SHMCACHE_MISS);
	free(val);
	shmcache_close(c);
}

Test(shmcache, expired_values_are_not_counted_as_evictions)
{
	struct shmcache *c = open_ok(SHMCACHE_MIN_BYTES);
	struct shmcache_stats st;
	char key[32], val[4000];

	memset(val, 'y', sizeof val - 1);
	val[sizeof val - 1] = '\0';
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		/* Each lives 1 us: dead long before the log wraps onto it. */
		cr_assert_eq(put_str(c, key, val, i * SEC + 1, i * SEC), SHMCACHE_OK);
	}
	shmcache_stats(c, &st);
	cr_assert_eq(st.evictions, 0);
	shmcache_close(c);
}

Test(shmcache, generations_start_at_zero_and_only_increase)
{
	struct shmcache *c = open_ok(SHMCACHE_MIN_BYTES);
	const char *models[] = { "product.product", "res.partner" };
	uint64_t g[2];

	cr_assert_eq(shmcache_gens_get(c, models, 2, g), SHMCACHE_OK);
	cr_assert_eq(g[0], 0);
	cr_assert_eq(g[1], 0);
	cr_assert_eq(shmcache_gen_bump(c, "product.product"), SHMCACHE_OK);
	cr_assert_eq(shmcache_gen_bump(c, "product.product"), SHMCACHE_OK);
	cr_assert_eq(shmcache_gens_get(c, models, 2, g), SHMCACHE_OK);
	cr_assert_eq(g[0], 2);
	cr_assert_eq(g[1], 0);
	shmcache_close(c);
}

Test(shmcache, a_full_generations_table_shares_an_overflow_counter)
{
	struct shmcache *c = open_ok(SHMCACHE_MIN_BYTES);
	char name[SHMCACHE_MODEL_MAX + 8];
	const char *m[2] = { "never.seen", name };
	uint64_t g[2], before;

	for (int i = 0; i < SHMCACHE_GEN_SLOTS; i++) {
		snprintf(name, sizeof name, "model.%d", i);
		cr_assert_eq(shmcache_gen_bump(c, name), SHMCACHE_OK);
	}
	cr_assert_eq(shmcache_gens_get(c, m, 1, g), SHMCACHE_OK);
	before = g[0];
	/* A model that does not fit (table full; or a name too long) still changes what others see of it. */
	cr_assert_eq(shmcache_gen_bump(c, "one.more"), SHMCACHE_OK);
	cr_assert_eq(shmcache_gens_get(c, m, 1, g), SHMCACHE_OK);
	cr_assert_gt(g[0], before);
	memset(name, 'n', SHMCACHE_MODEL_MAX + 2);
	name[SHMCACHE_MODEL_MAX + 2] = '\0';
	cr_assert_eq(shmcache_gens_get(c, m, 2, g), SHMCACHE_OK);
	before = g[1];
	cr_assert_eq(shmcache_gen_bump(c, name), SHMCACHE_OK);
	cr_assert_eq(shmcache_gens_get(c, m, 2, g), SHMCACHE_OK);
	cr_assert_gt(g[1], before);
	shmcache_close(c);
}

Test(shmcache, a_bump_in_another_process_is_seen_here)
{
	struct shmcache *c = open_ok(SHMCACHE_MIN_BYTES);
	const char *m[] = { "sale.order" };
	uint64_t g;
	char *v;
	pid_t pid;
	int status;

	cr_assert_eq(shmcache_gens_get(c, m, 1, &g), SHMCACHE_OK);
	cr_assert_eq(g, 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* The child uses the inherited handle (shmtab re-opens the file for its own lock) and a fresh one. */
		struct shmcache *c2 = shmcache_open(shm_path, SHMCACHE_MIN_BYTES, NULL);
		bool ok = shmcache_gen_bump(c, "sale.order") == SHMCACHE_OK &&
		          shmcache_gen_bump(c2, "sale.order") == SHMCACHE_OK &&
		          put_str(c2, "from-child", "hello", 100 * SEC, 0) == SHMCACHE_OK;
		shmcache_close(c2);
		_exit(ok ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_eq(shmcache_gens_get(c, m, 1, &g), SHMCACHE_OK);
	cr_assert_eq(g, 2);
	v = get_str(c, "from-child", 1);
	cr_assert_str_eq(v, "hello");
	free(v);
	shmcache_close(c);
}

Test(shmcache, an_existing_file_keeps_its_size_and_contents)
{
	struct shmcache *c = open_ok(2 * SHMCACHE_MIN_BYTES), *c2;
	struct shmcache_stats a, b;
	char *v;

	cr_assert_eq(put_str(c, "k", "kept", 100 * SEC, 0), SHMCACHE_OK);
	shmcache_stats(c, &a);
	c2 = open_ok(8 * SHMCACHE_MIN_BYTES);
	shmcache_stats(c2, &b);
	cr_assert_eq(a.capacity, b.capacity);
	v = get_str(c2, "k", 1);
	cr_assert_str_eq(v, "kept");
	free(v);
	shmcache_close(c2);
	shmcache_close(c);
}

/* A truncated cache file (its header says a cache) is replaced by a whole one; garbage is refused. */
Test(shmcache, a_truncated_file_is_replaced_and_a_garbage_file_refused)
{
	struct shmcache *c = open_ok(SHMCACHE_MIN_BYTES);
	enum shmtab_err err = SHMTAB_OK;
	struct stat st, st2;
	char junk[4096];
	int fd;

	shmcache_close(c);
	cr_assert_eq(stat(shm_path, &st), 0);
	cr_assert_eq(truncate(shm_path, st.st_size / 2), 0);
	c = shmcache_open(shm_path, SHMCACHE_MIN_BYTES, &err);
	cr_assert_eq(err, SHMTAB_OK);
	cr_assert(shmcache_is_shared(c));
	cr_assert_eq(stat(shm_path, &st2), 0);
	cr_assert_eq(st2.st_size, st.st_size, "the new file has the whole size");
	cr_assert_eq(put_str(c, "k", "v", 100 * SEC, 0), SHMCACHE_OK);
	shmcache_close(c);

	memset(junk, 0xa5, sizeof junk);
	fd = open(shm_path, O_WRONLY | O_TRUNC);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
	close(fd);
	c = shmcache_open(shm_path, SHMCACHE_MIN_BYTES, &err);
	cr_assert_eq(err, SHMTAB_E_FORMAT);
	cr_assert_not(shmcache_is_shared(c));
	/* No private cache: it would not see the other processes' writes. */
	cr_assert_eq(put_str(c, "k", "v", 100 * SEC, 0), SHMCACHE_LOCKED);
	cr_assert_null(get_str(c, "k", 1));
	shmcache_close(c);
}

Test(shmcache, a_corrupt_arena_is_emptied_not_followed)
{
	struct shmcache *c = open_ok(SHMCACHE_MIN_BYTES), *c2;
	struct stat st;
	unsigned char *junk;
	char key[32], val[3000];
	int fd;

	memset(val, 'z', sizeof val - 1);
	val[sizeof val - 1] = '\0';
	cr_assert_eq(put_str(c, "k", "v", 100 * SEC, 0), SHMCACHE_OK);
	shmcache_close(c);
	/* Garbage over everything after the header (control, generations, index, arena). */
	cr_assert_eq(stat(shm_path, &st), 0);
	junk = xmalloc((size_t)st.st_size - 64);
	for (size_t i = 0; i < (size_t)st.st_size - 64; i++)
		junk[i] = (unsigned char)(i * 2654435761u >> 13);
	fd = open(shm_path, O_WRONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(pwrite(fd, junk, (size_t)st.st_size - 64, 64), (ssize_t)st.st_size - 64);
	close(fd);
	free(junk);
	c2 = open_ok(SHMCACHE_MIN_BYTES);
	/* No crash, no garbage handed out; the cache works again after. */
	cr_assert_null(get_str(c2, "k", 1));
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		cr_assert_eq(put_str(c2, key, val, 100 * SEC, 1), SHMCACHE_OK);
		free(get_str(c2, "k", 1));
	}
	junk = (unsigned char *)get_str(c2, "k999", 1);
	cr_assert_not_null(junk);
	cr_assert_str_eq((char *)junk, val);
	free(junk);
	shmcache_close(c2);
}

Test(shmcache, a_hung_lock_holder_makes_the_cache_skip_but_loses_no_bump)
{
	struct shmcache *c = open_ok(SHMCACHE_MIN_BYTES);
	const char *m[] = { "x.y", "known.model" };
	uint64_t g[2], before[2];
	struct buf b;
	pid_t holder;

	buf_init(&b, 1024);
	cr_assert_eq(shmcache_gen_bump(c, "known.model"), SHMCACHE_OK);
	cr_assert_eq(shmcache_gens_get(c, m, 2, before), SHMCACHE_OK);
	holder = shm_fixture_hold_lock();
	cr_assert_eq(shmcache_get(c, "k", 1, 0, &b), SHMCACHE_LOCKED);
	cr_assert_eq(put_str(c, "k", "v", 100 * SEC, 0), SHMCACHE_LOCKED);
	/* Bumps need no lock: a known model's own count; a new one (no slot without the lock) the overflow. */
	cr_assert_eq(shmcache_gen_bump(c, "known.model"), SHMCACHE_OK);
	cr_assert_eq(shmcache_gens_get(c, m, 2, g), SHMCACHE_OK);
	cr_assert_eq(g[0], before[0]);
	cr_assert_eq(g[1], before[1] + 1);
	cr_assert_eq(shmcache_gen_bump(c, "x.y"), SHMCACHE_OK);
	cr_assert_eq(shmcache_gens_get(c, m, 2, g), SHMCACHE_OK);
	cr_assert_gt(g[0], before[0]);
	cr_assert_gt(g[1], before[1] + 1);
	shm_fixture_release(holder);
	cr_assert_eq(put_str(c, "k", "v", 100 * SEC, 0), SHMCACHE_OK);
	buf_free(&b);
	shmcache_close(c);
}
