/* shmcache.h: the response cache's arena and the per-model generations, in one file shared by a host's processes. */
#ifndef OB_SHMCACHE_H
#define OB_SHMCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shmtab.h"
#include "util.h"

/*
 * NAME
 *	shmcache_open, shmcache_get, shmcache_put, shmcache_gens_get,
 *	shmcache_gen_bump, shmcache_stats, shmcache_close - the shm engine's
 *	cache storage (state.h, state_shm.c)
 *
 * DESCRIPTION
 *	One file (CACHE_FILE, by default /dev/shm/odoo-bridge-<euid>.cache)
 *	mapped MAP_SHARED by every process of the host, made and checked by
 *	shmtab.c as the throttle's is (0600, O_NOFOLLOW, owner and mode checked,
 *	a header with magic, version and size; OFD lock plus a thread mutex;
 *	one warning when the file cannot be used).  Its
 *	64-byte slots hold, in this order:
 *
 *	  control     one slot: the log's head and tail, counters;
 *	  generations SHMCACHE_GEN_SLOTS slots: (model, 64-bit generation);
 *	  index       32-byte entries (key hash, log position, expiry), about
 *	              one per 2 KiB of arena;
 *	  arena       the rest: a circular log of records (key, value, expiry).
 *
 *	The layout follows from the number of slots alone, so an existing file
 *	keeps its own size (CACHE_MAX_BYTES applies when the file is made;
 *	remove the file to resize it).
 *
 * EVICTION
 *	FIFO over the circular log: a put appends at the head, and when the
 *	head would overrun the tail the oldest records are dropped (counted as
 *	evictions when they were still live).  No allocator lives in shared
 *	memory, so nothing fragments and a put is O(1) plus what it evicts.
 *	LRU or second chance would need a write on every hit (more lock time
 *	and dirty pages for every reader); with values that live seconds
 *	(CACHE_TTL) and are rewritten as they expire, age is a good enough
 *	proxy for use.  The index has bounded probing (SHMCACHE_PROBES); a
 *	full probe run replaces its oldest entry (also an eviction).
 *
 * GENERATIONS
 *	One counter per model name (at most SHMCACHE_MODEL_MAX - 1 bytes), only
 *	ever increasing while the file exists; it goes away with the arena, so
 *	no entry can outlive the generation it was stored under.  When the
 *	table is full (or a name is too long) the model shares one overflow
 *	counter, which every model not in the table reports: a bump of any of
 *	them changes all of them (more misses, never a stale answer).
 *
 * PRIVATE FALLBACK
 *	Where shmtab falls back to private memory, the cache is off in that
 *	process (every call answers SHMCACHE_LOCKED, and state.h's callers
 *	skip the cache): a cache of its own would not see the other
 *	processes' writes, and would serve pages older than them.  The open
 *	is retried for about a second first (processes started together race
 *	to make the file).
 *
 * LOCKING
 *	The arena and the index are read and written under the file lock; a
 *	lock not had within 50 ms skips the cache for that call.  The
 *	generations are lock-free (atomic operations on the mapping), so that
 *	a bump is never lost to a busy lock.
 *
 * SAFETY
 *	Every position, length and magic read from the file is checked before
 *	use; a control block or record that does not add up empties the arena
 *	(logged once) instead of being followed.
 *
 * Thread safety: every function may be called from any thread.
 */

#define SHMCACHE_GEN_SLOTS 1024
#define SHMCACHE_MODEL_MAX 48
#define SHMCACHE_PROBES    8
#define SHMCACHE_MIN_BYTES ((size_t)1 << 20)           /* 1 MiB */
#define SHMCACHE_MAX_BYTES ((size_t)1 << 34)           /* 16 GiB: 2^28 slots */

struct shmcache;

/*
 * Opens (creating it with about max_bytes, clamped to the bounds above)
 * the cache file at path.  Never NULL: see shmtab_open; *err says whether
 * the shared file is in use (when it is not, every call below but
 * shmcache_gen_bump answers SHMCACHE_LOCKED).  Free with shmcache_close.
 */
struct shmcache *shmcache_open(const char *path, size_t max_bytes, enum shmtab_err *err);
void shmcache_close(struct shmcache *c);

/* Whether the shared file is in use (false: private memory). */
bool shmcache_is_shared(const struct shmcache *c);

enum shmcache_result {
	SHMCACHE_OK = 0,   /* found / stored */
	SHMCACHE_MISS,     /* absent, expired, evicted; or too large to store */
	SHMCACHE_LOCKED,   /* the lock could not be had in time: skip the cache */
};

/* Appends the value under key to out when present and now_us < its expiry. */
enum shmcache_result shmcache_get(struct shmcache *c, const void *key, size_t klen, int64_t now_us,
                                  struct buf *out);
/* Stores val under key until expires_us; a value over a quarter of the arena is not stored (MISS). */
enum shmcache_result shmcache_put(struct shmcache *c, const void *key, size_t klen, const void *val,
                                  size_t vlen, int64_t expires_us, int64_t now_us);

/* gens[i] = the generation of models[i] (0 if never bumped).  Lock-free. */
enum shmcache_result shmcache_gens_get(struct shmcache *c, const char *const *models, size_t n, uint64_t *gens);
enum shmcache_result shmcache_gen_bump(struct shmcache *c, const char *model);

struct shmcache_stats {
	uint64_t bytes;       /* log bytes between tail and head (live or not yet reclaimed) */
	uint64_t capacity;    /* arena bytes */
	uint64_t evictions;   /* live values dropped to make room, since the file was made */
};
void shmcache_stats(struct shmcache *c, struct shmcache_stats *out);

#endif
