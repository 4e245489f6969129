/* state.c: the shared-state policy: which engine answers, and what an engine that is down costs (state.h). */
#include "autoconfig.h"   /* HAVE_HIREDIS */

#include "config.h"
#include "evring.h"
#include "state_int.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct state {
	void                      *shm;     /* always open: the host's own tables */
	void                      *redis;   /* NULL unless REDIS_URL is set */
	const struct state_engine *redis_engine;
	struct evring             *events;  /* the host's event ring (events.c); never NULL */
};

struct state *
state_open(const struct config *cfg)
{
	struct state *s = xcalloc(1, sizeof(*s));

	s->shm = state_shm_open(cfg);
	s->events = evring_open(cfg->events_file, (uint32_t)cfg->events_ring, NULL);
#ifdef HAVE_HIREDIS
	if (cfg->redis_url != NULL && cfg->redis_url[0] != '\0') {
		s->redis = state_redis_open(cfg);
		if (s->redis != NULL)
			s->redis_engine = &state_redis_engine;
	}
#endif
	return s;
}

void
state_close(struct state *s)
{
	if (s == NULL)
		return;
	if (s->redis != NULL)
		s->redis_engine->close(s->redis);
	state_shm_engine.close(s->shm);
	evring_close(s->events);
	free(s);
}

const char *
state_engine_name(const struct state *s)
{
	return s->redis != NULL ? s->redis_engine->name : state_shm_engine.name;
}

const char *
state_redis_status(struct state *s)
{
#ifdef HAVE_HIREDIS
	if (s->redis != NULL)
		return state_redis_probe(s->redis);
#endif
	(void)s;
	return NULL;
}

/*
 * The throttle: both tables count every attempt, so that the host's own
 * keeps counting through a Redis outage; the verdict is Redis's (every
 * host's failures) when it answers, the host's otherwise.
 */
enum throttle_verdict
state_throttle_check(struct state *s, const char *login, const char *addr, int64_t now,
                     const struct throttle_limits *lim, long *retry_after)
{
	enum throttle_verdict v = THROTTLE_ALLOW;

	if (s->redis != NULL && s->redis_engine->throttle_check(s->redis, login, addr, now, lim, retry_after, &v) == STATE_OK)
		return v;
	(void)state_shm_engine.throttle_check(s->shm, login, addr, now, lim, retry_after, &v);
	return v;
}

void
state_throttle_fail(struct state *s, const char *login, const char *addr, int64_t now)
{
	(void)state_shm_engine.throttle_fail(s->shm, login, addr, now);
	if (s->redis != NULL)
		(void)s->redis_engine->throttle_fail(s->redis, login, addr, now);
}

void
state_throttle_success(struct state *s, const char *login, const char *addr, int64_t now)
{
	(void)state_shm_engine.throttle_success(s->shm, login, addr, now);
	if (s->redis != NULL)
		(void)s->redis_engine->throttle_success(s->redis, login, addr, now);
}

/*
 * Revocations go to both lists.  The host's list decides whether the
 * logout is done (revoke.h: it answers 503 rather than pretend); Redis
 * down only narrows the logout to this host, with a warning, since Redis
 * must never turn a request into a 5xx.
 */
bool
state_revoke_add(struct state *s, const char *jti, int64_t exp, int64_t now)
{
	if (state_shm_engine.revoke_add(s->shm, jti, exp, now) != STATE_OK)
		return false;
	if (s->redis != NULL && s->redis_engine->revoke_add(s->redis, jti, exp, now) != STATE_OK)
		log_warn("logout: Redis is down: the token is revoked on this host only until it expires");
	return true;
}

enum revoke_state
state_revoke_lookup(struct state *s, const char *jti, int64_t now)
{
	enum revoke_state rs = REVOKE_UNKNOWN, rr = REVOKE_ABSENT;

	(void)state_shm_engine.revoke_lookup(s->shm, jti, now, &rs);
	if (rs != REVOKE_ABSENT)
		return rs;
	if (s->redis != NULL && s->redis_engine->revoke_lookup(s->redis, jti, now, &rr) == STATE_OK)
		return rr;
	return REVOKE_ABSENT;
}

/* The cache and its generations live in one engine: Redis when configured, so that every host shares them. */
static const struct state_engine *
cache_engine(struct state *s, void **h)
{
	if (s->redis != NULL) {
		*h = s->redis;
		return s->redis_engine;
	}
	*h = s->shm;
	return &state_shm_engine;
}

enum state_result
state_cache_get(struct state *s, const void *key, size_t klen, struct buf *out)
{
	void *h;
	const struct state_engine *e = cache_engine(s, &h);

	return e->cache_get(h, key, klen, out);
}

enum state_result
state_cache_put(struct state *s, const void *key, size_t klen, const void *val, size_t vlen, long ttl)
{
	void *h;
	const struct state_engine *e = cache_engine(s, &h);

	return ttl >= 1 ? e->cache_put(h, key, klen, val, vlen, ttl) : STATE_MISS;
}

enum state_result
state_gens_get(struct state *s, const char *const *models, size_t n, uint64_t *gens)
{
	void *h;
	const struct state_engine *e = cache_engine(s, &h);

	return e->gens_get(h, models, n, gens);
}

/*
 * In the cache's engine.  A bump that Redis misses (down) is lost to the
 * other hosts, whose entries then live at most their TTL; this host skips
 * the cache until Redis answers again (state.h).
 */
void
state_gen_bump(struct state *s, const char *model)
{
	void *h;
	const struct state_engine *e = cache_engine(s, &h);

	(void)e->gen_bump(h, model);
}

void
state_stats(struct state *s, struct state_stats *out)
{
	memset(out, 0, sizeof(*out));
	state_shm_engine.stats(s->shm, out);
	if (s->redis != NULL)
		s->redis_engine->stats(s->redis, out);
}

struct evring *
state_events(struct state *s)
{
	return s->events;
}

void
state_event_share(struct state *s, const void *data, size_t len, long max)
{
	if (s->redis != NULL && s->redis_engine->event_add != NULL)
		(void)s->redis_engine->event_add(s->redis, data, len, max);
}

bool
state_events_shared(struct state *s, char *pos, size_t max, state_event_fn fn, void *ud)
{
	if (s->redis == NULL || s->redis_engine->events_read == NULL)
		return false;
	return s->redis_engine->events_read(s->redis, pos, max, fn, ud) == STATE_OK;
}
