/* shmcache.c: the cache arena (a circular log with a hash index) and the generations table (see shmcache.h). */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "shmcache.h"

#define SLOT        64u
#define TABLE_MAGIC "OBCACHE1"
#define TABLE_VERSION 1u
#define LOCK_WAIT_MS 50
#define REC_MAGIC   0x52454331u   /* "REC1" */
#define PAD_MAGIC   0x50414431u   /* "PAD1": the rest of the arena up to its end is unused */
#define INDEX_RATIO 64u           /* one index slot (two entries) per 64 slots: an entry per 2 KiB */

struct ctl {
	uint64_t head;         /* log position of the next record (monotonic) */
	uint64_t tail;         /* log position of the oldest record kept */
	uint64_t evictions;
	uint64_t overflow_gen; /* the generation of every model not in the table */
	uint8_t  reserved[32];
};

struct gen {
	uint64_t hash;         /* 0: free */
	uint64_t gen;
	char     model[SHMCACHE_MODEL_MAX];
};

struct ient {
	uint64_t hash;         /* 0: free */
	uint64_t pos;          /* log position of the record */
	int64_t  expires_us;
	uint64_t len;          /* record length in the log */
};

struct rec {
	uint32_t magic;
	uint32_t klen;
	uint32_t vlen;
	uint32_t len;          /* whole record, aligned to 8 (for a pad: up to the arena's end) */
	uint64_t pos;          /* its own log position: a stale index entry cannot match */
	uint64_t hash;
	int64_t  expires_us;
};

_Static_assert(sizeof(struct ctl) == SLOT, "control is one slot");
_Static_assert(sizeof(struct gen) == SLOT, "a generation is one slot");
_Static_assert(sizeof(struct ient) * 2 == SLOT, "two index entries per slot");
_Static_assert(sizeof(struct rec) == 40, "record header");

#define MIN_SLOTS ((uint32_t)(SHMCACHE_MIN_BYTES / SLOT))
#define MAX_SLOTS ((uint32_t)(SHMCACHE_MAX_BYTES / SLOT))

static const struct shmtab_format format = {
	.what = "cache",
	.magic = TABLE_MAGIC,
	.version = TABLE_VERSION,
	.param = SHMCACHE_GEN_SLOTS,
	.slot_size = SLOT,
	.min_slots = MIN_SLOTS,
	.max_slots = MAX_SLOTS,
	.lock_wait_ms = LOCK_WAIT_MS,
	.fallback = "caching per process only",
	.unlocked = "skipping the cache",
};

struct shmcache {
	struct shmtab *tab;
	struct ctl    *ctl;
	struct gen    *gens;
	struct ient   *index;
	uint64_t       nindex;
	unsigned char *arena;
	uint64_t       alen;      /* arena bytes, a multiple of SLOT */
	bool           warned;    /* a corruption was logged by this process */
};

static uint64_t
align8(uint64_t n)
{
	return (n + 7) & ~(uint64_t)7;
}

struct shmcache *
shmcache_open(const char *path, size_t max_bytes, enum shmtab_err *err)
{
	struct shmcache *c = xcalloc(1, sizeof(*c));
	uint64_t nslots, islots;
	unsigned char *base;

	if (max_bytes < SHMCACHE_MIN_BYTES)
		max_bytes = SHMCACHE_MIN_BYTES;
	if (max_bytes > SHMCACHE_MAX_BYTES)
		max_bytes = SHMCACHE_MAX_BYTES;
	/*
	 * The processes a web server starts at once race to make the file; the
	 * one that sizes it holds the lock meanwhile, which on a busy host can
	 * outlast the 50 ms others wait.  Those try again (up to about a
	 * second): a process without the shared file cannot cache at all.
	 */
	for (int attempt = 0;; attempt++) {
		enum shmtab_err e;

		c->tab = shmtab_open(&format, path, (uint32_t)(max_bytes / SLOT), &e);
		if (err != NULL)
			*err = e;
		if (e != SHMTAB_E_SYSTEM || attempt == 20)
			break;
		shmtab_close(c->tab);
	}
	/* The layout follows from the count alone (an existing file keeps its own). */
	nslots = shmtab_nslots(c->tab);
	islots = (nslots - 1 - SHMCACHE_GEN_SLOTS) / INDEX_RATIO;
	base = shmtab_slots(c->tab);
	c->ctl = (struct ctl *)(void *)base;
	c->gens = (struct gen *)(void *)(base + SLOT);
	c->index = (struct ient *)(void *)(base + SLOT * (1 + SHMCACHE_GEN_SLOTS));
	c->nindex = islots * 2;
	c->arena = base + SLOT * (1 + SHMCACHE_GEN_SLOTS + islots);
	c->alen = (nslots - 1 - SHMCACHE_GEN_SLOTS - islots) * SLOT;
	return c;
}

void
shmcache_close(struct shmcache *c)
{
	if (c == NULL)
		return;
	shmtab_close(c->tab);
	free(c);
}

bool
shmcache_is_shared(const struct shmcache *c)
{
	return shmtab_is_shared(c->tab);
}

/* ---- the arena (under the lock) ---- */

/* Empties the arena: every index entry goes, and the log restarts at the next wrap. */
static void
reset(struct shmcache *c, const char *why)
{
	if (!c->warned)
		log_warn("cache: %s; emptying the cache", why);
	c->warned = true;
	memset(c->index, 0, c->nindex * sizeof(*c->index));
	c->ctl->head = c->ctl->tail = 0;
}

static bool
ctl_sane(const struct shmcache *c)
{
	const struct ctl *k = c->ctl;

	return k->tail <= k->head && k->head - k->tail <= c->alen && k->head % 8 == 0 && k->tail % 8 == 0;
}

/* The record at log position pos, or NULL when what is there does not add up. */
static const struct rec *
rec_at(const struct shmcache *c, uint64_t pos)
{
	uint64_t phys = pos % c->alen;
	const struct rec *r;

	if (c->alen - phys < sizeof(*r))
		return NULL;
	r = (const struct rec *)(const void *)(c->arena + phys);
	if (r->pos != pos || r->len % 8 != 0 || r->len < sizeof(*r) || r->len > c->alen - phys)
		return NULL;
	if (r->magic == PAD_MAGIC)
		return r;
	if (r->magic != REC_MAGIC || sizeof(*r) + (uint64_t)r->klen + r->vlen > r->len)
		return NULL;
	return r;
}

/* The index entry that points at pos (the record's hash names its bucket), or NULL. */
static struct ient *
entry_of(struct shmcache *c, uint64_t hash, uint64_t pos)
{
	for (unsigned i = 0; i < SHMCACHE_PROBES; i++) {
		struct ient *e = &c->index[(hash + i) % c->nindex];

		if (e->hash == hash && e->pos == pos)
			return e;
	}
	return NULL;
}

/* Drops the oldest record.  False when the log was corrupt (and has been reset). */
static bool
drop_tail(struct shmcache *c, int64_t now_us)
{
	struct ctl *k = c->ctl;
	uint64_t phys = k->tail % c->alen;
	const struct rec *r;
	struct ient *e;

	if (c->alen - phys < sizeof(*r)) {
		/* Too little room before the end for even a pad record: implicitly padding. */
		k->tail += c->alen - phys;
		return true;
	}
	if ((r = rec_at(c, k->tail)) == NULL) {
		reset(c, "a record in the arena does not add up");
		return false;
	}
	if (r->magic == REC_MAGIC && (e = entry_of(c, r->hash, k->tail)) != NULL) {
		if (e->expires_us > now_us) {
			k->evictions++;
			metrics_cache(METRICS_CACHE_EVICTION);
		}
		memset(e, 0, sizeof(*e));
	}
	k->tail += r->len;
	return true;
}

/* Makes the log hold need more bytes at the head.  False when it was reset meanwhile. */
static bool
make_room(struct shmcache *c, uint64_t need, int64_t now_us)
{
	while (c->ctl->head + need - c->ctl->tail > c->alen)
		if (!drop_tail(c, now_us))
			return false;
	return true;
}

/* Where a new entry for hash goes: its own old entry, a free or dead one, else the oldest. */
static struct ient *
entry_for(struct shmcache *c, uint64_t hash, int64_t now_us)
{
	struct ient *oldest = NULL;

	for (unsigned i = 0; i < SHMCACHE_PROBES; i++) {
		struct ient *e = &c->index[(hash + i) % c->nindex];

		if (e->hash == hash || e->hash == 0 || e->pos < c->ctl->tail || e->expires_us <= now_us)
			return e;
		if (oldest == NULL || e->pos < oldest->pos)
			oldest = e;
	}
	c->ctl->evictions++;
	metrics_cache(METRICS_CACHE_EVICTION);
	return oldest;
}

static enum shmcache_result
put_locked(struct shmcache *c, uint64_t hash, const void *key, size_t klen, const void *val, size_t vlen,
           int64_t expires_us, int64_t now_us)
{
	struct ctl *k = c->ctl;
	uint64_t need = align8(sizeof(struct rec) + (uint64_t)klen + vlen), phys, rest;
	struct rec *r;
	struct ient *e;

	if (!ctl_sane(c))
		reset(c, "the control block does not add up");
	phys = k->head % c->alen;
	rest = c->alen - phys;
	if (rest < need) {
		/* The record must be contiguous: pad to the end of the arena and wrap. */
		if (!make_room(c, rest, now_us))
			return SHMCACHE_MISS;
		if (rest >= sizeof(*r)) {
			r = (struct rec *)(void *)(c->arena + phys);
			memset(r, 0, sizeof(*r));
			r->magic = PAD_MAGIC;
			r->len = (uint32_t)rest;
			r->pos = k->head;
		}
		k->head += rest;
	}
	if (!make_room(c, need, now_us))
		return SHMCACHE_MISS;
	r = (struct rec *)(void *)(c->arena + k->head % c->alen);
	r->magic = REC_MAGIC;
	r->klen = (uint32_t)klen;
	r->vlen = (uint32_t)vlen;
	r->len = (uint32_t)need;
	r->pos = k->head;
	r->hash = hash;
	r->expires_us = expires_us;
	memcpy(r + 1, key, klen);
	memcpy((unsigned char *)(r + 1) + klen, val, vlen);
	e = entry_for(c, hash, now_us);
	e->hash = hash;
	e->pos = k->head;
	e->expires_us = expires_us;
	e->len = need;
	k->head += need;
	return SHMCACHE_OK;
}

enum shmcache_result
shmcache_put(struct shmcache *c, const void *key, size_t klen, const void *val, size_t vlen,
             int64_t expires_us, int64_t now_us)
{
	uint64_t hash;
	enum shmcache_result rc;

	/* A quarter of the arena at most, so that one value cannot flush everything. */
	if (!shmtab_is_shared(c->tab))
		return SHMCACHE_LOCKED;   /* a private cache would serve pages other processes have changed */
	if (sizeof(struct rec) + (uint64_t)klen + vlen > c->alen / 4 ||
	    sizeof(struct rec) + (uint64_t)klen + vlen > INT32_MAX || expires_us <= now_us)
		return SHMCACHE_MISS;
	if (!shmtab_lock(c->tab))
		return SHMCACHE_LOCKED;
	hash = shmtab_hash(c->tab, key, klen);
	rc = put_locked(c, hash, key, klen, val, vlen, expires_us, now_us);
	shmtab_unlock(c->tab);
	return rc;
}

static enum shmcache_result
get_locked(struct shmcache *c, uint64_t hash, const void *key, size_t klen, int64_t now_us, struct buf *out)
{
	const struct ctl *k = c->ctl;

	if (!ctl_sane(c)) {
		reset(c, "the control block does not add up");
		return SHMCACHE_MISS;
	}
	for (unsigned i = 0; i < SHMCACHE_PROBES; i++) {
		const struct ient *e = &c->index[(hash + i) % c->nindex];
		const struct rec *r;

		if (e->hash != hash || e->pos < k->tail || e->pos >= k->head)
			continue;
		if (e->expires_us <= now_us)
			return SHMCACHE_MISS;
		if ((r = rec_at(c, e->pos)) == NULL || r->magic != REC_MAGIC) {
			reset(c, "an index entry points at no record");
			return SHMCACHE_MISS;
		}
		if (r->klen != klen || memcmp(r + 1, key, klen) != 0)
			continue;   /* another key with the same hash */
		return buf_append(out, (const unsigned char *)(r + 1) + klen, r->vlen) ? SHMCACHE_OK : SHMCACHE_MISS;
	}
	return SHMCACHE_MISS;
}

enum shmcache_result
shmcache_get(struct shmcache *c, const void *key, size_t klen, int64_t now_us, struct buf *out)
{
	uint64_t hash;
	enum shmcache_result rc;

	if (!shmtab_is_shared(c->tab) || !shmtab_lock(c->tab))
		return SHMCACHE_LOCKED;
	hash = shmtab_hash(c->tab, key, klen);
	rc = get_locked(c, hash, key, klen, now_us, out);
	shmtab_unlock(c->tab);
	return rc;
}

/* ---- generations ---- */

/*
 * Lock-free, so that a bump is never lost to a lock that cannot be had in
 * time (a lost bump would let other processes serve a page older than a
 * write they were told about).  A slot is filled once, under the lock, its
 * hash published last (release); readers find it by its hash (acquire).
 * What a model reports is its slot's count plus the overflow counter, both
 * only increasing: a bump that finds no slot (table full, name too long,
 * or the lock not had to insert one) raises the overflow counter, which
 * changes every model's generation (more misses, never a stale answer).
 * A new slot starts at 0, so a model reports the same before and after it
 * gets one.
 */
static struct gen *
gen_find(struct shmcache *c, const char *model, size_t len, uint64_t h)
{
	for (unsigned i = 0; i < SHMCACHE_GEN_SLOTS; i++) {
		struct gen *g = &c->gens[(h + i) % SHMCACHE_GEN_SLOTS];
		uint64_t gh = __atomic_load_n(&g->hash, __ATOMIC_ACQUIRE);

		if (gh == 0)
			return NULL;
		if (gh == h && strncmp(g->model, model, SHMCACHE_MODEL_MAX) == 0 && g->model[len] == '\0')
			return g;
	}
	return NULL;
}

/* Under the lock: a free slot for model, or NULL when the table is full. */
static struct gen *
gen_insert(struct shmcache *c, const char *model, size_t len, uint64_t h)
{
	struct gen *g = gen_find(c, model, len, h);

	if (g != NULL)
		return g;
	for (unsigned i = 0; i < SHMCACHE_GEN_SLOTS; i++) {
		g = &c->gens[(h + i) % SHMCACHE_GEN_SLOTS];
		if (__atomic_load_n(&g->hash, __ATOMIC_ACQUIRE) != 0)
			continue;
		memset(g->model, 0, sizeof(g->model));
		memcpy(g->model, model, len);
		__atomic_store_n(&g->gen, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&g->hash, h, __ATOMIC_RELEASE);
		return g;
	}
	return NULL;
}

enum shmcache_result
shmcache_gens_get(struct shmcache *c, const char *const *models, size_t n, uint64_t *gens)
{
	if (!shmtab_is_shared(c->tab))
		return SHMCACHE_LOCKED;   /* a private table would not see the other processes' writes */
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(models[i]);
		const struct gen *g = len < SHMCACHE_MODEL_MAX ? gen_find(c, models[i], len, shmtab_hash(c->tab, models[i], len)) : NULL;

		/* The overflow counter is read after the slot: both only grow, so the sum never goes back. */
		gens[i] = (g != NULL ? __atomic_load_n(&g->gen, __ATOMIC_ACQUIRE) : 0) +
		          __atomic_load_n(&c->ctl->overflow_gen, __ATOMIC_ACQUIRE);
	}
	return SHMCACHE_OK;
}

enum shmcache_result
shmcache_gen_bump(struct shmcache *c, const char *model)
{
	size_t len = strlen(model);
	uint64_t h;
	struct gen *g = NULL;

	if (len < SHMCACHE_MODEL_MAX) {
		h = shmtab_hash(c->tab, model, len);
		g = gen_find(c, model, len, h);
		if (g == NULL && shmtab_lock(c->tab)) {
			g = gen_insert(c, model, len, h);
			shmtab_unlock(c->tab);
		}
	}
	if (g != NULL)
		__atomic_fetch_add(&g->gen, 1, __ATOMIC_ACQ_REL);
	else
		__atomic_fetch_add(&c->ctl->overflow_gen, 1, __ATOMIC_ACQ_REL);
	return SHMCACHE_OK;
}

void
shmcache_stats(struct shmcache *c, struct shmcache_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->capacity = c->alen;
	if (!shmtab_lock(c->tab))
		return;
	if (ctl_sane(c))
		out->bytes = c->ctl->head - c->ctl->tail;
	out->evictions = c->ctl->evictions;
	shmtab_unlock(c->tab);
}
