/* state.h: what the bridge's processes share, on one host (shared memory) or across hosts (Redis). */
#ifndef OB_STATE_H
#define OB_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "revoke.h"
#include "throttle.h"
#include "util.h"

/*
 * One interface for every piece of state that outlives a request and must
 * be seen by other processes: the login throttle, the revoked tokens, the
 * response cache and the per-model write generations that invalidate it
 * (DESIGN.md section 7, "Shared state").  Nothing above this file knows
 * which engine runs underneath, as nothing above odoo.h knows the protocol.
 *
 * Two engines (state_int.h: struct state_engine):
 *
 *   shm    the files mapped MAP_SHARED by the processes of one host
 *          (throttle.c, revoke.c, and the cache arena): the embedded
 *          default, always open;
 *   redis  when REDIS_URL is set (redis://, unix:), through hiredis: the
 *          same state for every host behind one load balancer.
 *
 * With Redis configured, the shm engine stays open underneath as the
 * host's own fallback.  Redis is connected lazily, on first use, with
 * short timeouts.  While it is down, no request fails because of it:
 *
 *   throttle   counts on the host's own table (both are always written,
 *              so a host keeps counting through an outage);
 *   revoke     a revocation is written to both; a lookup asks both, and
 *              with Redis down the host's own list answers (a token
 *              revoked on another host during the outage is accepted
 *              here until Redis is back or the token expires);
 *   cache      skipped: state_cache_get and state_gens_get say
 *              STATE_DOWN, puts are dropped; a generation bump made
 *              during the outage is lost to the other hosts, whose
 *              entries then live at most their TTL;
 *
 * a warning is logged at most once a minute, and a reconnection is tried
 * at most once a second, so that a dead Redis costs one connect timeout
 * per second per process, not one per request.
 *
 * Thread safety: every function may be called from any thread.
 */

struct config;
struct state;

/*
 * Opens the engines the configuration asks for.  Never returns NULL: a
 * throttle or revocation file that cannot be shared falls back to a private
 * table (one warning); a cache file that cannot be shared turns the cache
 * off in that process (STATE_DOWN), since a private cache would never see
 * the other processes' writes.
 */
struct state *state_open(const struct config *cfg);
void state_close(struct state *s);

/* "shm" or "redis": where shared state lives when everything is up. */
const char *state_engine_name(const struct state *s);

/*
 * For /health: NULL when REDIS_URL is not set, else "up" or "down".  Tries
 * to connect when not connected (subject to the once-a-second rule).
 */
const char *state_redis_status(struct state *s);

/* ---- login throttle: the rules of throttle.h, counted across hosts with Redis ---- */

enum throttle_verdict state_throttle_check(struct state *s, const char *login, const char *addr, int64_t now,
                                           const struct throttle_limits *lim, long *retry_after);
void state_throttle_fail(struct state *s, const char *login, const char *addr, int64_t now);
void state_throttle_success(struct state *s, const char *login, const char *addr, int64_t now);

/* ---- revoked tokens: the rules of revoke.h ---- */

bool state_revoke_add(struct state *s, const char *jti, int64_t exp, int64_t now);
enum revoke_state state_revoke_lookup(struct state *s, const char *jti, int64_t now);

/* ---- cache storage: opaque values under opaque keys, for at most ttl seconds ---- */

enum state_result {
	STATE_OK = 0,   /* found (get) or stored (put) */
	STATE_MISS,     /* not there, expired or evicted */
	STATE_DOWN,     /* the engine cannot be used now: skip the cache */
};

/* Appends the value stored under key to out (which the caller owns). */
enum state_result state_cache_get(struct state *s, const void *key, size_t klen, struct buf *out);

/* Stores value under key for ttl seconds (>= 1), evicting older values when memory is short. */
enum state_result state_cache_put(struct state *s, const void *key, size_t klen, const void *val, size_t vlen,
                                  long ttl);

/*
 * Generations: one counter per Odoo model, bumped by every write through
 * the bridge (on every process, and with Redis on every host), never
 * decreasing.  state_gens_get fills gens[i] for models[i]; STATE_DOWN when
 * they cannot be read (skip the cache).  Only equality counts: a model
 * never bumped is 0 in shared memory, and with Redis the time of its first
 * reading (state_redis.c: so that a generation evicted by Redis's
 * maxmemory comes back larger, never smaller).
 */
enum state_result state_gens_get(struct state *s, const char *const *models, size_t n, uint64_t *gens);
void state_gen_bump(struct state *s, const char *model);

/*
 * The host's event ring and open-stream registry (evring.h), for
 * GET /api/v1/events.  Always the shared-memory one: events reach every
 * process of the host at once; with Redis, the other hosts' writes are
 * copied into it (state_events_shared below).  Never NULL.
 */
struct evring *state_events(struct state *s);

/*
 * The writes of every host (REDIS_URL): each host appends the events of
 * the writes made through it (state_event_share, a Redis stream trimmed to
 * about max entries), and one process per host copies the other hosts'
 * into its own ring (state_events_shared reads the entries past pos, a
 * position string of at most STATE_EVPOS_MAX - 1 bytes; "" means from now
 * on).  Without Redis, or with Redis down, both do nothing and
 * state_events_shared returns false: each host then announces its own
 * writes only (and its poller finds every change in Odoo).
 */
#define STATE_EVPOS_MAX 48
typedef void (*state_event_fn)(void *ud, const void *data, size_t len);
void state_event_share(struct state *s, const void *data, size_t len, long max);
bool state_events_shared(struct state *s, char *pos, size_t max, state_event_fn fn, void *ud);

/* Figures for /health and /metrics. */
struct state_stats {
	uint64_t cache_bytes;      /* bytes in use in the cache (shm engine; 0 for Redis) */
	uint64_t cache_capacity;   /* CACHE_MAX_BYTES (shm engine) */
	uint64_t cache_evictions;  /* values evicted to make room, since the arena was made */
	uint64_t redis_errors;     /* Redis operations that failed in this process */
};
void state_stats(struct state *s, struct state_stats *out);

#endif
