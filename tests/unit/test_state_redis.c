/* test_state_redis.c: the Redis engine of state.h against a redis-server of the test's own, and the shm engine beside it. */
#include "autoconfig.h"
#undef NDEBUG
#include <criterion/criterion.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "redis_fixture.h"
#include "state.h"
#include "state_int.h"
#include "throttle_scenarios.h"
#include "util.h"

static char tdir[256];
static char throttle_path[320], revoke_path[320];

/* A configuration as config_load would leave it, for the engines' own use. */
static void
make_cfg(struct config *cfg, const char *url, const char *prefix)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->redis_url = (char *)url;
	cfg->redis_prefix = (char *)(prefix != NULL ? prefix : "odoo-bridge:");
	cfg->redis_timeout_ms = 200;
	cfg->login_window = 60;
	cfg->throttle_file = throttle_path;
	cfg->revoke_file = revoke_path;
}

static void *
open_redis(const char *prefix)
{
	struct config cfg;
	void *e;

	make_cfg(&cfg, redis_url, prefix);
	e = state_redis_open(&cfg);
	cr_assert_not_null(e);
	return e;
}

static void
setup(void)
{
	const char *tmp = getenv("TMPDIR");

	signal(SIGPIPE, SIG_IGN);   /* as main() does: a write to a killed Redis is an error, not a death */
	snprintf(tdir, sizeof(tdir), "%s/test_state_redis.XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : P_tmpdir);
	cr_assert_not_null(mkdtemp(tdir));
	snprintf(throttle_path, sizeof(throttle_path), "%s/throttle", tdir);
	snprintf(revoke_path, sizeof(revoke_path), "%s/revoked", tdir);
	redis_fixture_start(NULL);
}

static void
teardown(void)
{
	redis_fixture_teardown();
	unlink(throttle_path);
	unlink(revoke_path);
	rmdir(tdir);
}

TestSuite(state_redis, .init = setup, .fini = teardown);

/* ---- the throttle: the same rules as the shared table, step by step ---- */

/* Runs one step on an engine; for a CHECK, returns the Retry-After (0: allowed), else -1. */
static long
run_step(const struct state_engine *eng, void *h, const struct step *st)
{
	enum throttle_verdict v = THROTTLE_ALLOW;
	long retry = -1;

	switch (st->op) {
	case FAIL:
		cr_assert_eq(eng->throttle_fail(h, st->login, st->addr, st->now), STATE_OK, "%s: fail", eng->name);
		return -1;
	case OK:
		cr_assert_eq(eng->throttle_success(h, st->login, st->addr, st->now), STATE_OK, "%s: success", eng->name);
		return -1;
	case CHECK:
		cr_assert_eq(eng->throttle_check(h, st->login, st->addr, st->now, &THROTTLE_SMALL, &retry, &v), STATE_OK,
		             "%s: check", eng->name);
		cr_assert_eq(v == THROTTLE_BLOCK, retry > 0, "%s: verdict %d with Retry-After %ld", eng->name, v, retry);
		return retry;
	case END:
		break;
	}
	return -1;
}

Test(state_redis, throttle_rules_equal_the_shared_tables)
{
	for (size_t i = 0; i < throttle_nscenarios; i++) {
		const struct scenario *sc = &throttle_scenarios[i];
		struct config cfg;
		char prefix[64];
		void *shm, *red;

		/* A fresh table and a fresh prefix per scenario. */
		unlink(throttle_path);
		make_cfg(&cfg, redis_url, NULL);
		shm = state_shm_open(&cfg);
		snprintf(prefix, sizeof(prefix), "scenario%zu:", i);
		red = open_redis(prefix);
		for (size_t k = 0; k < ARRAY_SIZE(sc->steps) && sc->steps[k].op != END; k++) {
			const struct step *st = &sc->steps[k];
			long a = run_step(&state_shm_engine, shm, st), b = run_step(&state_redis_engine, red, st);

			if (st->op != CHECK)
				continue;
			cr_assert_eq(b, st->retry, "%s, step %zu (%s from %s at %lld): Redis says %ld, want %ld", sc->name, k,
			             st->login, st->addr != NULL ? st->addr : "(null)", (long long)st->now, b, st->retry);
			cr_assert_eq(a, b, "%s, step %zu: shm says %ld, Redis %ld", sc->name, k, a, b);
		}
		state_shm_engine.close(shm);
		state_redis_engine.close(red);
	}
}

Test(state_redis, throttle_counts_across_hosts)
{
	void *a = open_redis(NULL), *b = open_redis(NULL);
	enum throttle_verdict v;
	long retry;

	/* Two handles stand for two hosts: failures on one block on the other. */
	cr_assert_eq(state_redis_engine.throttle_fail(a, "admin", "192.0.2.1", 1000), STATE_OK);
	cr_assert_eq(state_redis_engine.throttle_fail(b, "admin", "192.0.2.1", 1001), STATE_OK);
	cr_assert_eq(state_redis_engine.throttle_check(b, "admin", "192.0.2.1", 1002, &THROTTLE_SMALL, &retry, &v), STATE_OK);
	cr_assert_eq(v, THROTTLE_ALLOW);
	cr_assert_eq(state_redis_engine.throttle_fail(a, "admin", "192.0.2.1", 1002), STATE_OK);
	cr_assert_eq(state_redis_engine.throttle_check(b, "ADMIN", "192.0.2.1", 1003, &THROTTLE_SMALL, &retry, &v), STATE_OK);
	cr_assert_eq(v, THROTTLE_BLOCK);
	cr_assert_eq(retry, 57);
	state_redis_engine.close(a);
	state_redis_engine.close(b);
}

Test(state_redis, throttle_keys_expire_and_hide_the_login)
{
	void *e = open_redis("ttl:");
	char out[256];

	cr_assert_eq(state_redis_engine.throttle_fail(e, "secret.login@example.org", "192.0.2.1", now_unix()), STATE_OK);
	cr_assert_eq(state_redis_engine.throttle_success(e, "other", "192.0.2.1", now_unix()), STATE_OK);
	redis_fixture_cmd(out, sizeof(out), "DBSIZE");
	cr_assert_str_eq(out, "(integer) 4");   /* pair, login, addr; and the good mark of "other" */
	/* Every key has a TTL: counters the window (60 s here), the mark 30 days. */
	redis_fixture_cmd(out, sizeof(out), "EVAL %s 0",
	                  "local n = 0 for _, k in ipairs(redis.call('KEYS', 'ttl:*')) do "
	                  "local t = redis.call('TTL', k) if t > 0 and t <= 30 * 86400 then n = n + 1 end end return n");
	cr_assert_str_eq(out, "(integer) 4");
	redis_fixture_cmd(out, sizeof(out), "EVAL %s 0",
	                  "local s = '' for _, k in ipairs(redis.call('KEYS', '*')) do s = s .. k .. ' ' end return s");
	cr_assert_null(strstr(out, "secret"), "a login in clear in a key: %s", out);
	cr_assert_null(strstr(out, "192.0.2"), "an address in clear in a key: %s", out);
	state_redis_engine.close(e);
}

/* ---- revoked tokens ---- */

Test(state_redis, revoked_token_until_its_exp_on_every_host)
{
	void *a = open_redis(NULL), *b = open_redis(NULL);
	int64_t now = now_unix();
	enum revoke_state rs = REVOKE_UNKNOWN;
	char out[128];

	cr_assert_eq(state_redis_engine.revoke_lookup(b, "0123456789abcdef0123456789abcdef", now, &rs), STATE_OK);
	cr_assert_eq(rs, REVOKE_ABSENT);
	cr_assert_eq(state_redis_engine.revoke_add(a, "0123456789abcdef0123456789abcdef", now + 600, now), STATE_OK);
	cr_assert_eq(state_redis_engine.revoke_lookup(b, "0123456789abcdef0123456789abcdef", now, &rs), STATE_OK);
	cr_assert_eq(rs, REVOKE_PRESENT);
	cr_assert_eq(state_redis_engine.revoke_lookup(b, "0123456789abcdef0123456789abcdee", now, &rs), STATE_OK);
	cr_assert_eq(rs, REVOKE_ABSENT);
	/* The key dies with the token. */
	redis_fixture_cmd(out, sizeof(out), "EVAL %s 0", "return redis.call('TTL', redis.call('KEYS', '*r:*')[1])");
	cr_assert(strcmp(out, "(integer) 600") == 0 || strcmp(out, "(integer) 599") == 0, "TTL: %s", out);
	/* A token already dead needs no entry. */
	cr_assert_eq(state_redis_engine.revoke_add(a, "deadbeef", now - 1, now), STATE_OK);
	cr_assert_eq(state_redis_engine.revoke_lookup(b, "deadbeef", now, &rs), STATE_OK);
	cr_assert_eq(rs, REVOKE_ABSENT);
	/* Ids revoke.h could not hold are absent, as there. */
	cr_assert_eq(state_redis_engine.revoke_lookup(b, "", now, &rs), STATE_OK);
	cr_assert_eq(rs, REVOKE_ABSENT);
	cr_assert_eq(state_redis_engine.revoke_lookup(b, NULL, now, &rs), STATE_OK);
	cr_assert_eq(rs, REVOKE_ABSENT);
	state_redis_engine.close(a);
	state_redis_engine.close(b);
}

/* ---- the cache and the generations ---- */

Test(state_redis, cache_values_are_opaque_bytes_with_a_ttl)
{
	void *e = open_redis(NULL);
	static const char key[] = "products\0uid=2\0page=1", val[] = "{\"a\":1}\0\r\n\xff binary";
	struct buf out;
	char ttl[64];

	buf_init(&out, 1 << 20);
	cr_assert_eq(state_redis_engine.cache_get(e, key, sizeof(key), &out), STATE_MISS);
	cr_assert_eq(out.len, 0);
	cr_assert_eq(state_redis_engine.cache_put(e, key, sizeof(key), val, sizeof(val), 5), STATE_OK);
	cr_assert_eq(state_redis_engine.cache_get(e, key, sizeof(key), &out), STATE_OK);
	cr_assert_eq(out.len, sizeof(val));
	cr_assert_eq(memcmp(out.data, val, sizeof(val)), 0);
	/* A key that differs after a NUL byte is another key. */
	buf_reset(&out);
	cr_assert_eq(state_redis_engine.cache_get(e, key, sizeof(key) - 1, &out), STATE_MISS);
	redis_fixture_cmd(ttl, sizeof(ttl), "EVAL %s 0", "return redis.call('TTL', redis.call('KEYS', 'odoo-bridge:c:*')[1])");
	cr_assert(strcmp(ttl, "(integer) 5") == 0 || strcmp(ttl, "(integer) 4") == 0, "TTL: %s", ttl);
	cr_assert_eq(state_redis_engine.cache_put(e, key, sizeof(key), val, sizeof(val), 0), STATE_MISS);
	buf_free(&out);
	state_redis_engine.close(e);
}

Test(state_redis, prefixes_keep_deployments_apart)
{
	void *a = open_redis("site-a:"), *b = open_redis("site-b:");
	struct buf out;

	buf_init(&out, 1024);
	cr_assert_eq(state_redis_engine.cache_put(a, "k", 1, "va", 2, 60), STATE_OK);
	cr_assert_eq(state_redis_engine.cache_get(b, "k", 1, &out), STATE_MISS);
	cr_assert_eq(state_redis_engine.cache_put(b, "k", 1, "vb", 2, 60), STATE_OK);
	cr_assert_eq(state_redis_engine.cache_get(a, "k", 1, &out), STATE_OK);
	cr_assert_eq(out.len, 2);
	cr_assert_eq(memcmp(out.data, "va", 2), 0);
	buf_free(&out);
	state_redis_engine.close(a);
	state_redis_engine.close(b);
}

Test(state_redis, generations_move_forward_on_every_host)
{
	void *a = open_redis(NULL), *b = open_redis(NULL);
	const char *models[] = { "product.template", "res.partner" };
	uint64_t g1[2], g2[2], g3[2];

	cr_assert_eq(state_redis_engine.gens_get(a, models, 2, g1), STATE_OK);
	cr_assert_eq(state_redis_engine.gens_get(b, models, 2, g2), STATE_OK);
	cr_assert_eq(g1[0], g2[0], "a generation never bumped reads the same on every host");
	cr_assert_eq(g1[1], g2[1]);
	cr_assert_eq(state_redis_engine.gen_bump(a, "product.template"), STATE_OK);
	cr_assert_eq(state_redis_engine.gens_get(b, models, 2, g3), STATE_OK);
	cr_assert_gt(g3[0], g2[0], "a bump on host A is seen on host B");
	cr_assert_eq(g3[1], g2[1], "other models keep theirs");
	cr_assert_eq(state_redis_engine.gens_get(b, models, 0, g3), STATE_OK);
	state_redis_engine.close(a);
	state_redis_engine.close(b);
}

Test(state_redis, an_evicted_generation_never_comes_back_smaller)
{
	void *e = open_redis(NULL);
	const char *m[] = { "sale.order" };
	uint64_t before, after, bumped;
	char out[64];

	cr_assert_eq(state_redis_engine.gens_get(e, m, 1, &before), STATE_OK);
	cr_assert_eq(state_redis_engine.gen_bump(e, "sale.order"), STATE_OK);
	cr_assert_eq(state_redis_engine.gens_get(e, m, 1, &bumped), STATE_OK);
	cr_assert_gt(bumped, before);
	/* What maxmemory's allkeys-lru may do to a key without TTL. */
	redis_fixture_cmd(out, sizeof(out), "DEL odoo-bridge:g:sale.order");
	cr_assert_str_eq(out, "(integer) 1");
	cr_assert_eq(state_redis_engine.gens_get(e, m, 1, &after), STATE_OK);
	cr_assert_gt(after, bumped, "re-created at %llu, was %llu", (unsigned long long)after, (unsigned long long)bumped);
	/* Also when the first thing after the eviction is a bump. */
	redis_fixture_cmd(out, sizeof(out), "DEL odoo-bridge:g:sale.order");
	cr_assert_eq(state_redis_engine.gen_bump(e, "sale.order"), STATE_OK);
	cr_assert_eq(state_redis_engine.gens_get(e, m, 1, &bumped), STATE_OK);
	cr_assert_gt(bumped, after);
	/* And generations never expire. */
	redis_fixture_cmd(out, sizeof(out), "TTL odoo-bridge:g:sale.order");
	cr_assert_str_eq(out, "(integer) -1");
	state_redis_engine.close(e);
}

/* ---- Redis down, and back ---- */

/* Counts the lines of path that contain what. */
static int
count_lines(const char *path, const char *what)
{
	char line[4096];
	FILE *f = fopen(path, "r");
	int n = 0;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, what) != NULL)
			n++;
	fclose(f);
	return n;
}

/* Every operation of the engine, which must all say STATE_DOWN (or what the contract says for a dead token). */
static void
all_down(void *e)
{
	const char *m[] = { "res.partner" };
	uint64_t g;
	enum throttle_verdict v;
	enum revoke_state rs;
	long retry;
	struct buf out;

	buf_init(&out, 1024);
	cr_assert_eq(state_redis_engine.throttle_check(e, "admin", "192.0.2.1", 1000, &THROTTLE_SMALL, &retry, &v), STATE_DOWN);
	cr_assert_eq(state_redis_engine.throttle_fail(e, "admin", "192.0.2.1", 1000), STATE_DOWN);
	cr_assert_eq(state_redis_engine.throttle_success(e, "admin", "192.0.2.1", 1000), STATE_DOWN);
	cr_assert_eq(state_redis_engine.revoke_add(e, "abc", now_unix() + 60, now_unix()), STATE_DOWN);
	cr_assert_eq(state_redis_engine.revoke_lookup(e, "abc", now_unix(), &rs), STATE_DOWN);
	cr_assert_eq(state_redis_engine.cache_get(e, "k", 1, &out), STATE_DOWN);
	cr_assert_eq(state_redis_engine.cache_put(e, "k", 1, "v", 1, 60), STATE_DOWN);
	cr_assert_eq(state_redis_engine.gens_get(e, m, 1, &g), STATE_DOWN);
	cr_assert_eq(state_redis_engine.gen_bump(e, "res.partner"), STATE_DOWN);
	cr_assert_str_eq(state_redis_probe(e), "down");
	buf_free(&out);
}

/* Polls until the engine answers again (a reconnection is tried at most once a second). */
static bool
comes_back(void *e)
{
	for (int i = 0; i < 100; i++) {   /* 10 s at most */
		if (strcmp(state_redis_probe(e), "up") == 0)
			return true;
		usleep(100000);
	}
	return false;
}

Test(state_redis, down_then_back_with_one_warning_a_minute)
{
	void *e = open_redis(NULL);
	char log[400];
	struct buf out;
	struct state_stats st;
	int fd, saved;

	buf_init(&out, 1024);
	cr_assert_str_eq(state_redis_probe(e), "up");
	cr_assert_eq(state_redis_engine.cache_put(e, "k", 1, "v", 1, 60), STATE_OK);
	snprintf(log, sizeof(log), "%s/stderr", tdir);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	saved = dup(2);
	cr_assert(fd >= 0 && saved >= 0);
	dup2(fd, 2);

	redis_fixture_kill();
	/* Through more than two retry periods: several reconnections tried, one warning logged. */
	for (int i = 0; i < 25; i++) {
		all_down(e);
		usleep(100000);
	}
	memset(&st, 0, sizeof(st));
	state_redis_engine.stats(e, &st);
	cr_assert_geq(st.redis_errors, 3, "failed connects are counted: %llu", (unsigned long long)st.redis_errors);

	redis_fixture_restart();
	cr_assert(comes_back(e), "the engine does not reconnect after Redis is back");
	/* A new Redis: the value is gone (no persistence), the scripts unknown to it (EVAL again). */
	cr_assert_eq(state_redis_engine.cache_get(e, "k", 1, &out), STATE_MISS);
	cr_assert_eq(state_redis_engine.throttle_fail(e, "admin", "192.0.2.1", 1000), STATE_OK);

	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	cr_assert_eq(count_lines(log, "[warn]"), 1, "warnings in 2.5 s of outage: see %s", log);
	cr_assert_eq(count_lines(log, "answers again"), 1);
	buf_free(&out);
	state_redis_engine.close(e);
}

Test(state_redis, connection_closed_while_idle_is_made_again_without_a_failure)
{
	void *e = open_redis(NULL);
	char out[64];
	struct state_stats st;

	cr_assert_str_eq(state_redis_probe(e), "up");
	/* Redis drops every client (its "timeout" setting, a proxy, a failover would). */
	redis_fixture_cmd(out, sizeof(out), "CLIENT KILL TYPE normal");
	cr_assert_eq(state_redis_engine.cache_put(e, "k", 1, "v", 1, 60), STATE_OK);
	memset(&st, 0, sizeof(st));
	state_redis_engine.stats(e, &st);
	cr_assert_eq(st.redis_errors, 0);
	state_redis_engine.close(e);
}

Test(state_redis, nothing_listening_is_down_at_once)
{
	struct config cfg;
	void *e;

	/* A socket path where nothing listens: refused, not a timeout. */
	make_cfg(&cfg, "unix:/nonexistent/odoo-bridge-test.sock", NULL);
	e = state_redis_open(&cfg);
	cr_assert_not_null(e);
	all_down(e);
	state_redis_engine.close(e);
}

Test(state_redis, error_answers_leave_the_connection_up)
{
	void *e = open_redis(NULL);
	char out[64];
	const char *m[] = { "res.partner" };
	uint64_t g;

	/* A key of another program under our prefix, of another type. */
	redis_fixture_cmd(out, sizeof(out), "HSET odoo-bridge:g:res.partner x 1");
	cr_assert_eq(state_redis_engine.gens_get(e, m, 1, &g), STATE_DOWN);
	cr_assert_str_eq(state_redis_probe(e), "up");
	state_redis_engine.close(e);
}

/* ---- threads: one connection each ---- */

struct worker_arg {
	void *e;
	int   id;
	int   ok;
};

static void *
worker(void *p)
{
	struct worker_arg *w = p;
	char jti[32];
	enum revoke_state rs;

	for (int i = 0; i < 50; i++) {
		snprintf(jti, sizeof(jti), "t%d-%d", w->id, i);
		if (state_redis_engine.revoke_add(w->e, jti, now_unix() + 600, now_unix()) == STATE_OK &&
		    state_redis_engine.revoke_lookup(w->e, jti, now_unix(), &rs) == STATE_OK && rs == REVOKE_PRESENT)
			w->ok++;
	}
	return NULL;
}

Test(state_redis, threads_each_have_a_connection)
{
	void *e = open_redis(NULL);
	pthread_t t[4];
	struct worker_arg w[4];
	char out[64], list[4096];
	int n = 0;

	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker_arg){ e, i, 0 };
		cr_assert_eq(pthread_create(&t[i], NULL, worker, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(w[i].ok, 50, "thread %d: %d of 50", i, w[i].ok);
	}
	redis_fixture_cmd(out, sizeof(out), "DBSIZE");
	cr_assert_str_eq(out, "(integer) 200");
	redis_fixture_cmd(list, sizeof(list), "CLIENT LIST");
	for (const char *p = list; (p = strstr(p, " cmd=")) != NULL; p++)
		n++;
	cr_assert_eq(n, 5, "4 threads' connections and the test's: %s", list);
	state_redis_engine.close(e);
}

/* ---- the policy of state.c with Redis configured ---- */

Test(state_redis, the_policy_falls_back_to_the_hosts_tables)
{
	struct config cfg;
	struct state *s;
	long retry;
	int64_t now = now_unix();
	struct buf out;

	make_cfg(&cfg, redis_url, NULL);
	cfg.login_max_failures = 3;
	s = state_open(&cfg);
	cr_assert_str_eq(state_engine_name(s), "redis");
	cr_assert_str_eq(state_redis_status(s), "up");
	cr_assert(state_revoke_add(s, "abc", now + 600, now));
	state_throttle_fail(s, "admin", "192.0.2.1", now);
	state_throttle_fail(s, "admin", "192.0.2.1", now);
	state_throttle_fail(s, "admin", "192.0.2.1", now);
	redis_fixture_kill();
	/* Redis down: the host's own tables still know both. */
	cr_assert_eq(state_revoke_lookup(s, "abc", now), REVOKE_PRESENT);
	cr_assert_eq(state_throttle_check(s, "admin", "192.0.2.1", now, &THROTTLE_SMALL, &retry), THROTTLE_BLOCK);
	cr_assert_str_eq(state_redis_status(s), "down");
	buf_init(&out, 1024);
	cr_assert_eq(state_cache_get(s, "k", 1, &out), STATE_DOWN);
	buf_free(&out);
	state_close(s);
}

Test(state_redis, databases_are_apart)
{
	char url3[400];
	struct config cfg;
	void *d0 = open_redis(NULL), *d3;
	struct buf out;

	snprintf(url3, sizeof(url3), "%s?db=3", redis_url);
	make_cfg(&cfg, url3, NULL);
	d3 = state_redis_open(&cfg);
	buf_init(&out, 1024);
	cr_assert_eq(state_redis_engine.cache_put(d3, "k", 1, "v", 1, 60), STATE_OK);
	cr_assert_eq(state_redis_engine.cache_get(d0, "k", 1, &out), STATE_MISS);
	cr_assert_eq(state_redis_engine.cache_get(d3, "k", 1, &out), STATE_OK);
	buf_free(&out);
	state_redis_engine.close(d0);
	state_redis_engine.close(d3);
}

/* ---- a Redis with a password, over TCP on loopback ---- */

static void
setup_auth(void)
{
	static const char *const extra[] = { "--requirepass", "p@ss:word", NULL };

	signal(SIGPIPE, SIG_IGN);
	throttle_path[0] = revoke_path[0] = '\0';
	redis_fixture_start_tcp(extra);
}

TestSuite(state_redis_auth, .init = setup_auth, .fini = redis_fixture_teardown);

Test(state_redis_auth, password_from_the_url)
{
	char url[400];
	struct config cfg;
	void *e;
	struct buf out;

	/* The fixture's URL plus the percent-encoded password. */
	snprintf(url, sizeof(url), "redis://:p%%40ss%%3Aword@%s", redis_url + strlen("redis://"));
	make_cfg(&cfg, url, NULL);
	e = state_redis_open(&cfg);
	buf_init(&out, 1024);
	cr_assert_str_eq(state_redis_probe(e), "up");
	cr_assert_eq(state_redis_engine.cache_put(e, "k", 1, "v", 1, 60), STATE_OK);
	cr_assert_eq(state_redis_engine.cache_get(e, "k", 1, &out), STATE_OK);
	buf_free(&out);
	state_redis_engine.close(e);
}

Test(state_redis_auth, wrong_or_missing_password_is_down)
{
	char url[400];
	struct config cfg;
	void *e;

	snprintf(url, sizeof(url), "redis://:wrong@%s", redis_url + strlen("redis://"));
	make_cfg(&cfg, url, NULL);
	e = state_redis_open(&cfg);
	cr_assert_str_eq(state_redis_probe(e), "down");
	state_redis_engine.close(e);
	make_cfg(&cfg, redis_url, NULL);
	e = state_redis_open(&cfg);
	cr_assert_str_eq(state_redis_probe(e), "down");   /* NOAUTH */
	state_redis_engine.close(e);
}

/* ---- events shared by the hosts ---- */

struct got_events {
	char   text[8][64];
	size_t n;
};

static void
collect(void *ud, const void *data, size_t len)
{
	struct got_events *g = ud;

	cr_assert_lt(g->n, 8);
	cr_assert_lt(len, sizeof(g->text[0]));
	memcpy(g->text[g->n], data, len);
	g->text[g->n][len] = '\0';
	g->n++;
}

Test(state_redis, events_reach_the_other_hosts_in_order_from_now_on)
{
	void *a = open_redis(NULL), *b = open_redis(NULL);
	char pos[STATE_EVPOS_MAX] = "", out[64];
	struct got_events g = { .n = 0 };

	cr_assert_eq(state_redis_engine.event_add(a, "old", 3, 100), STATE_OK);
	/* "": from now on: the position moves to the last entry, nothing is read. */
	cr_assert_eq(state_redis_engine.events_read(b, pos, 8, collect, &g), STATE_OK);
	cr_assert_eq(g.n, 0);
	cr_assert_neq(pos[0], '\0');
	cr_assert_eq(state_redis_engine.event_add(a, "one", 3, 100), STATE_OK);
	cr_assert_eq(state_redis_engine.event_add(a, "two\0bytes", 9, 100), STATE_OK);
	cr_assert_eq(state_redis_engine.events_read(b, pos, 8, collect, &g), STATE_OK);
	cr_assert_eq(g.n, 2);
	cr_assert_str_eq(g.text[0], "one");
	cr_assert_eq(memcmp(g.text[1], "two\0bytes", 9), 0);
	/* Read again from the moved position: nothing new. */
	cr_assert_eq(state_redis_engine.events_read(b, pos, 8, collect, &g), STATE_OK);
	cr_assert_eq(g.n, 2);
	/* At most max per read. */
	for (int i = 0; i < 5; i++)
		cr_assert_eq(state_redis_engine.event_add(a, "x", 1, 100), STATE_OK);
	cr_assert_eq(state_redis_engine.events_read(b, pos, 3, collect, &g), STATE_OK);
	cr_assert_eq(g.n, 5);
	/* The stream is trimmed to about max entries (MAXLEN ~). */
	for (int i = 0; i < 300; i++)
		cr_assert_eq(state_redis_engine.event_add(a, "y", 1, 100), STATE_OK);
	redis_fixture_cmd(out, sizeof(out), "XLEN odoo-bridge:e");
	cr_assert_lt(atol(strchr(out, ' ') != NULL ? strchr(out, ' ') + 1 : out), 300, "%s", out);
	/* Redis down: STATE_DOWN, the position kept. */
	redis_fixture_kill();
	{
		char before[STATE_EVPOS_MAX];

		strcpy(before, pos);
		cr_assert_eq(state_redis_engine.event_add(a, "z", 1, 100), STATE_DOWN);
		cr_assert_eq(state_redis_engine.events_read(b, pos, 8, collect, &g), STATE_DOWN);
		cr_assert_str_eq(pos, before);
	}
	state_redis_engine.close(a);
	state_redis_engine.close(b);
}
