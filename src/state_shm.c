/* state_shm.c: the shared-memory engine of state.h: the tables of one host's processes. */
#include "config.h"
#include "state_int.h"

#include <stdlib.h>

#include "revoke.h"
#include "throttle.h"
#include "util.h"

struct shm {
	struct throttle *throttle;
	struct revoke   *revoke;
};

void *
state_shm_open(const struct config *cfg)
{
	struct shm *m = xcalloc(1, sizeof(*m));

	/* Never NULL: on failure each logs once and falls back to a private table. */
	m->throttle = throttle_open(cfg->throttle_file, NULL);
	m->revoke = revoke_open(cfg->revoke_file, NULL);
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

/* BASE: the cache arena and the generations table come with the cache work (branch cache). */
static enum state_result
shm_cache_get(void *e, const void *key, size_t klen, struct buf *out)
{
	(void)e; (void)key; (void)klen; (void)out;
	return STATE_DOWN;
}

static enum state_result
shm_cache_put(void *e, const void *key, size_t klen, const void *val, size_t vlen, long ttl)
{
	(void)e; (void)key; (void)klen; (void)val; (void)vlen; (void)ttl;
	return STATE_DOWN;
}

static enum state_result
shm_gens_get(void *e, const char *const *models, size_t n, uint64_t *gens)
{
	(void)e; (void)models; (void)n; (void)gens;
	return STATE_DOWN;
}

static enum state_result
shm_gen_bump(void *e, const char *model)
{
	(void)e; (void)model;
	return STATE_DOWN;
}

static void
shm_stats(void *e, struct state_stats *out)
{
	(void)e; (void)out;
}

static void
shm_close(void *e)
{
	struct shm *m = e;

	if (m == NULL)
		return;
	throttle_close(m->throttle);
	revoke_close(m->revoke);
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
