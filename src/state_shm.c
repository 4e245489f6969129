/* state_shm.c: the shared-memory engine of state.h: the tables of one host's processes. */
#include "config.h"
#include "state_int.h"

#include <stdlib.h>

#include "revoke.h"
#include "shmcache.h"
#include "throttle.h"
#include "util.h"

struct shm {
	struct throttle *throttle;
	struct revoke   *revoke;
	struct shmcache *cache;      /* the response cache's arena and the generations */
};

void *
state_shm_open(const struct config *cfg)
{
	struct shm *m = xcalloc(1, sizeof(*m));

	/* Never NULL: on failure each logs once and falls back to a private table. */
	m->throttle = throttle_open(cfg->throttle_file, NULL);
	m->revoke = revoke_open(cfg->revoke_file, NULL);
	m->cache = shmcache_open(cfg->cache_file, cfg->cache_max_bytes, NULL);
	return m;
}

static enum state_result
shm_throttle_check(void *e, const char *login, const char *addr, int64_t now, const struct throttle_limits *lim,
                   long *retry_after, enum throttle_verdict *verdict)
{
	struct shm *m = e;

	*verdict = throttle_check(m->throttle, login, addr, now, lim, retry_after);
	return STATE_OK;
}

static enum state_result
shm_throttle_fail(void *e, const char *login, const char *addr, int64_t now)
{
	struct shm *m = e;

	throttle_fail(m->throttle, login, addr, now);
	return STATE_OK;
}

static enum state_result
shm_throttle_success(void *e, const char *login, const char *addr, int64_t now)
{
	struct shm *m = e;

	throttle_success(m->throttle, login, addr, now);
	return STATE_OK;
}

static enum state_result
shm_revoke_add(void *e, const char *jti, int64_t exp, int64_t now)
{
	struct shm *m = e;

	return revoke_add(m->revoke, jti, exp, now) ? STATE_OK : STATE_DOWN;
}

static enum state_result
shm_revoke_lookup(void *e, const char *jti, int64_t now, enum revoke_state *rs)
{
	struct shm *m = e;

	*rs = revoke_lookup(m->revoke, jti, now);
	return *rs == REVOKE_UNKNOWN ? STATE_DOWN : STATE_OK;
}

/* A lock not had in time (shmtab waits 50 ms at most) is STATE_DOWN: the request skips the cache. */
static enum state_result
result(enum shmcache_result r)
{
	return r == SHMCACHE_OK ? STATE_OK : r == SHMCACHE_MISS ? STATE_MISS : STATE_DOWN;
}

static enum state_result
shm_cache_get(void *e, const void *key, size_t klen, struct buf *out)
{
	struct shm *m = e;

	return result(shmcache_get(m->cache, key, klen, now_mono_us(), out));
}

/* Expiry on the monotonic clock, which every process of the host shares (CLOCK_MONOTONIC is system-wide). */
static enum state_result
shm_cache_put(void *e, const void *key, size_t klen, const void *val, size_t vlen, long ttl)
{
	struct shm *m = e;
	int64_t now = now_mono_us();

	return result(shmcache_put(m->cache, key, klen, val, vlen, now + (int64_t)ttl * 1000000, now));
}

static enum state_result
shm_gens_get(void *e, const char *const *models, size_t n, uint64_t *gens)
{
	struct shm *m = e;

	return result(shmcache_gens_get(m->cache, models, n, gens));
}

static enum state_result
shm_gen_bump(void *e, const char *model)
{
	struct shm *m = e;

	return result(shmcache_gen_bump(m->cache, model));
}

static void
shm_stats(void *e, struct state_stats *out)
{
	struct shm *m = e;
	struct shmcache_stats st;

	shmcache_stats(m->cache, &st);
	out->cache_bytes += st.bytes;
	out->cache_capacity += st.capacity;
	out->cache_evictions += st.evictions;
}

static void
shm_close(void *e)
{
	struct shm *m = e;

	if (m == NULL)
		return;
	throttle_close(m->throttle);
	revoke_close(m->revoke);
	shmcache_close(m->cache);
	free(m);
}

const struct state_engine state_shm_engine = {
	.name = "shm",
	.throttle_check = shm_throttle_check,
	.throttle_fail = shm_throttle_fail,
	.throttle_success = shm_throttle_success,
	.revoke_add = shm_revoke_add,
	.revoke_lookup = shm_revoke_lookup,
	.cache_get = shm_cache_get,
	.cache_put = shm_cache_put,
	.gens_get = shm_gens_get,
	.gen_bump = shm_gen_bump,
	.stats = shm_stats,
	.close = shm_close,
};
