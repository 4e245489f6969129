/* state_int.h: what a shared-state engine provides (for state.c and the engines only). */
#ifndef OB_STATE_INT_H
#define OB_STATE_INT_H

#include "state.h"

/*
 * An engine is a table of functions over its own handle, as the Odoo
 * backends are (odoo_int.h).  Each returns STATE_DOWN when it cannot do
 * the operation now (Redis unreachable, a shared lock not had in time) and
 * has then changed nothing it reports; state.c decides what that means.
 * The policy (which engine answers, what a failure costs) lives in state.c
 * alone.
 */
struct state_engine {
	const char *name;    /* "shm", "redis" */

	enum state_result (*throttle_check)(void *e, const char *login, const char *addr, int64_t now,
	                                    const struct throttle_limits *lim, long *retry_after,
	                                    enum throttle_verdict *verdict);
	enum state_result (*throttle_fail)(void *e, const char *login, const char *addr, int64_t now);
	enum state_result (*throttle_success)(void *e, const char *login, const char *addr, int64_t now);

	/* STATE_OK when recorded (or exp <= now). */
	enum state_result (*revoke_add)(void *e, const char *jti, int64_t exp, int64_t now);
	/* STATE_OK with *rs REVOKE_ABSENT or REVOKE_PRESENT. */
	enum state_result (*revoke_lookup)(void *e, const char *jti, int64_t now, enum revoke_state *rs);

	enum state_result (*cache_get)(void *e, const void *key, size_t klen, struct buf *out);
	enum state_result (*cache_put)(void *e, const void *key, size_t klen, const void *val, size_t vlen, long ttl);
	enum state_result (*gens_get)(void *e, const char *const *models, size_t n, uint64_t *gens);
	enum state_result (*gen_bump)(void *e, const char *model);

	/*
	 * Events shared by the hosts (events.c; NULL in an engine that keeps
	 * them on the host).  event_add appends data to the hosts' stream,
	 * trimmed to about max entries.  events_read calls fn for each entry
	 * after the position pos (a NUL-terminated string of at most
	 * STATE_EVPOS_MAX - 1 bytes, "" for "from now on": then it is only set
	 * to the last entry's), at most max of them, and moves pos past them.
	 */
	enum state_result (*event_add)(void *e, const void *data, size_t len, long max);
	enum state_result (*events_read)(void *e, char *pos, size_t max, state_event_fn fn, void *ud);

	void (*stats)(void *e, struct state_stats *out);   /* adds its figures to *out */
	void (*close)(void *e);
};

/* The shared-memory engine (state_shm.c): never NULL, falls back to private tables. */
extern const struct state_engine state_shm_engine;
void *state_shm_open(const struct config *cfg);

#ifdef HAVE_HIREDIS
/* The Redis engine (state_redis.c): connects lazily; NULL only when the URL cannot be parsed. */
extern const struct state_engine state_redis_engine;
void *state_redis_open(const struct config *cfg);
/* "up" or "down", connecting first when not connected (at most once a second). */
const char *state_redis_probe(void *e);
#endif

#endif
