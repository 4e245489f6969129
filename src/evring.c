/* evring.c: the host's event ring, open-stream registry and poller lease (see evring.h). */
#include "autoconfig.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "evring.h"
#include "util.h"

#define TABLE_MAGIC   "OBEVENT1"
#define TABLE_VERSION 4u
#define LOCK_WAIT_MS  50

/* The poller's mark of one resource, kept for the next holder of the lease: one slot. */
struct mark {
	char     name[EVRING_RES_MAX];
	char     mark[EVRING_MARK_LEN];
	uint32_t n_ids;
	int64_t  saved_ms;
	uint64_t seq;
	uint32_t closed;
	uint32_t n_bridged;     /* ids[n_ids .. n_ids + n_bridged) */
	int64_t  ids[EVRING_MARK_IDS];
};

struct ctl {
	uint64_t last;          /* the last event id given; read lock-free */
	uint64_t lease_holder;  /* evring_poll_lease: (pid << 32) | thread number, 0 when free */
	int64_t  lease_until_ms;
	uint64_t host;          /* evring_host: this host's random name among the hosts sharing events */
	char     relay_pos[EVRING_POS_MAX];   /* evring_relay_pos: where the copy of other hosts' events is */
	uint8_t  reserved[EVRING_SLOT - 32 - EVRING_POS_MAX];
};

struct sslot {
	uint32_t pid;           /* 0: free */
	uint32_t reserved;
	int64_t  uid;
	int64_t  seen_ms;       /* last sign of life */
	int64_t  started_ms;
	uint64_t pad;
	char     watch[EVRING_WATCH_MAX];
};

_Static_assert(sizeof(struct ctl) == EVRING_SLOT, "control is one slot");
_Static_assert(sizeof(struct sslot) == EVRING_SLOT, "a stream is one slot");
_Static_assert(sizeof(struct ev) <= EVRING_SLOT, "an event fits a slot");
_Static_assert(sizeof(struct mark) == EVRING_SLOT, "a mark is one slot");

#define FIXED_SLOTS (1 + EVRING_STREAM_SLOTS + EVRING_MARKS)

static const struct shmtab_format format = {
	.what = "events",
	.magic = TABLE_MAGIC,
	.version = TABLE_VERSION,
	.param = EVRING_STREAM_SLOTS,
	.slot_size = EVRING_SLOT,
	.min_slots = FIXED_SLOTS + EVRING_MIN_EVENTS,
	.max_slots = FIXED_SLOTS + EVRING_MAX_EVENTS,
	.lock_wait_ms = LOCK_WAIT_MS,
	.fallback = "events reach this process's streams only",
	.unlocked = "delaying events",
};

struct evring {
	struct shmtab *tab;
	struct ctl    *ctl;
	struct sslot  *streams;
	struct mark   *marks;
	unsigned char *ring;
	uint32_t       size;      /* ring slots */
};

const char *
ev_action_name(enum ev_action a)
{
	switch (a) {
	case EV_CREATED: return "created";
	case EV_UPDATED: return "updated";
	case EV_DELETED: return "deleted";
	}
	return NULL;
}

struct evring *
evring_open(const char *path, uint32_t nevents, enum shmtab_err *err)
{
	struct evring *r = xcalloc(1, sizeof(*r));
	unsigned char *base;

	if (nevents < EVRING_MIN_EVENTS)
		nevents = EVRING_MIN_EVENTS;
	if (nevents > EVRING_MAX_EVENTS)
		nevents = EVRING_MAX_EVENTS;
	/* Processes started together race to make the file: retry about a second (as shmcache.c). */
	for (int attempt = 0;; attempt++) {
		enum shmtab_err e;

		r->tab = shmtab_open(&format, path, FIXED_SLOTS + nevents, &e);
		if (err != NULL)
			*err = e;
		if (e != SHMTAB_E_SYSTEM || attempt == 20)
			break;
		shmtab_close(r->tab);
	}
	base = shmtab_slots(r->tab);
	r->ctl = (struct ctl *)(void *)base;
	r->streams = (struct sslot *)(void *)(base + EVRING_SLOT);
	r->marks = (struct mark *)(void *)(base + EVRING_SLOT * (1 + EVRING_STREAM_SLOTS));
	r->ring = base + EVRING_SLOT * FIXED_SLOTS;
	/* An existing file keeps its own size. */
	r->size = shmtab_nslots(r->tab) - FIXED_SLOTS;
	return r;
}

void
evring_close(struct evring *r)
{
	if (r == NULL)
		return;
	shmtab_close(r->tab);
	free(r);
}

uint32_t
evring_size(const struct evring *r)
{
	return r->size;
}

static struct ev *
slot_of(struct evring *r, uint64_t id)
{
	return (struct ev *)(void *)(r->ring + (size_t)(id % r->size) * EVRING_SLOT);
}

enum evring_result
evring_publish(struct evring *r, const char *resource, enum ev_action a, const int64_t *ids, size_t n,
               int64_t at_ms, uint64_t *last)
{
	size_t rlen = strlen(resource);

	if (n == 0)
		return EVRING_OK;
	if (rlen >= EVRING_RES_MAX || ev_action_name(a) == NULL)
		return EVRING_OK;   /* the table's names are short: nothing a client could follow */
	if (!shmtab_lock(r->tab))
		return EVRING_BUSY;
	for (size_t i = 0; i < n; i += EVRING_IDS_MAX) {
		uint64_t id = r->ctl->last + 1;
		struct ev *e = slot_of(r, id);
		size_t k = n - i < EVRING_IDS_MAX ? n - i : EVRING_IDS_MAX;

		memset(e, 0, sizeof(*e));
		e->id = id;
		e->at_ms = at_ms;
		e->action = (uint32_t)a;
		e->nids = (uint32_t)k;
		memcpy(e->resource, resource, rlen);
		memcpy(e->ids, ids + i, k * sizeof(*ids));
		/* Published last: a lock-free reader of last never sees an id before its event. */
		__atomic_store_n(&r->ctl->last, id, __ATOMIC_RELEASE);
	}
	if (last != NULL)
		*last = r->ctl->last;
	shmtab_unlock(r->tab);
	return EVRING_OK;
}

uint64_t
evring_last(struct evring *r)
{
	return __atomic_load_n(&r->ctl->last, __ATOMIC_ACQUIRE);
}

enum evring_result
evring_since(struct evring *r, uint64_t after, struct ev *out, size_t max, size_t *n)
{
	uint64_t last;
	enum evring_result rc = EVRING_OK;

	*n = 0;
	if (!shmtab_lock(r->tab))
		return EVRING_BUSY;
	last = r->ctl->last;
	if (after > last || (last > r->size && after < last - r->size)) {
		/* Past the last id: the ring was made again.  Older than the ring: overwritten. */
		rc = EVRING_RESET;
		goto out;
	}
	for (uint64_t id = after + 1; id <= last && *n < max; id++) {
		const struct ev *e = slot_of(r, id);

		if (e->id != id || e->nids > EVRING_IDS_MAX || memchr(e->resource, '\0', EVRING_RES_MAX) == NULL) {
			/* Not what was written there: a file that does not add up loses its readers' place. */
			rc = EVRING_RESET;
			*n = 0;
			goto out;
		}
		out[(*n)++] = *e;
	}
out:
	shmtab_unlock(r->tab);
	return rc;
}

/* ---- open streams ---- */

static bool
pid_alive(uint32_t pid)
{
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static bool
slot_live(const struct sslot *s, int64_t now_ms, int64_t stale_ms)
{
	return s->pid != 0 && now_ms - s->seen_ms < stale_ms && pid_alive(s->pid);
}

enum evring_result
evring_stream_enter(struct evring *r, long uid, const char *watch, long max_per_user, int64_t now_ms,
                    int64_t stale_ms, int *slot)
{
	long mine = 0;
	int free_slot = -1;

	*slot = -1;
	if (!shmtab_lock(r->tab))
		return EVRING_BUSY;
	for (unsigned i = 0; i < EVRING_STREAM_SLOTS; i++) {
		struct sslot *s = &r->streams[i];

		if (!slot_live(s, now_ms, stale_ms)) {
			if (free_slot < 0)
				free_slot = (int)i;
			continue;
		}
		if (s->uid == uid)
			mine++;
	}
	if (mine >= max_per_user) {
		shmtab_unlock(r->tab);
		return EVRING_TOO_MANY;
	}
	if (free_slot < 0) {
		shmtab_unlock(r->tab);
		return EVRING_FULL;
	}
	{
		struct sslot *s = &r->streams[free_slot];
		size_t wl = strlen(watch);

		memset(s, 0, sizeof(*s));
		s->pid = (uint32_t)getpid();
		s->uid = uid;
		s->seen_ms = s->started_ms = now_ms;
		if (wl >= sizeof(s->watch))
			wl = sizeof(s->watch) - 1;
		memcpy(s->watch, watch, wl);
	}
	shmtab_unlock(r->tab);
	*slot = free_slot;
	return EVRING_OK;
}

void
evring_stream_touch(struct evring *r, int slot, int64_t now_ms)
{
	if (slot < 0 || (unsigned)slot >= EVRING_STREAM_SLOTS || !shmtab_lock(r->tab))
		return;
	if (r->streams[slot].pid == (uint32_t)getpid())
		r->streams[slot].seen_ms = now_ms;
	shmtab_unlock(r->tab);
}

void
evring_stream_leave(struct evring *r, int slot)
{
	if (slot < 0 || (unsigned)slot >= EVRING_STREAM_SLOTS)
		return;
	/*
	 * Not had in time, the slot stays until it goes stale: the user has a
	 * stream too many for a few heartbeats, rather than one never counted.
	 */
	if (!shmtab_lock(r->tab))
		return;
	if (r->streams[slot].pid == (uint32_t)getpid())
		memset(&r->streams[slot], 0, sizeof(r->streams[slot]));
	shmtab_unlock(r->tab);
}

size_t
evring_streams(struct evring *r, int64_t now_ms, int64_t stale_ms)
{
	size_t n = 0;

	if (!shmtab_lock(r->tab))
		return 0;
	for (unsigned i = 0; i < EVRING_STREAM_SLOTS; i++)
		if (slot_live(&r->streams[i], now_ms, stale_ms))
			n++;
	shmtab_unlock(r->tab);
	return n;
}

size_t
evring_watched(struct evring *r, int64_t now_ms, int64_t stale_ms, char *names, size_t namelen,
               const char **out, size_t max)
{
	size_t n = 0, used = 0;

	if (!shmtab_lock(r->tab))
		return 0;
	for (unsigned i = 0; i < EVRING_STREAM_SLOTS; i++) {
		const struct sslot *s = &r->streams[i];
		const char *p;

		if (!slot_live(s, now_ms, stale_ms) || memchr(s->watch, '\0', sizeof(s->watch)) == NULL)
			continue;
		for (p = s->watch; *p != '\0';) {
			size_t len = strcspn(p, ",");
			bool seen = false;

			for (size_t k = 0; k < n && !seen; k++)
				seen = strlen(out[k]) == len && memcmp(out[k], p, len) == 0;
			if (!seen && len > 0 && n < max && used + len + 1 <= namelen) {
				memcpy(names + used, p, len);
				names[used + len] = '\0';
				out[n++] = names + used;
				used += len + 1;
			}
			p += len;
			if (*p == ',')
				p++;
		}
	}
	shmtab_unlock(r->tab);
	return n;
}

/* ---- the poller's lease ---- */

static _Atomic uint32_t thread_count;
static _Thread_local uint32_t thread_no;

static uint64_t
holder_id(void)
{
	if (thread_no == 0)
		thread_no = atomic_fetch_add(&thread_count, 1) + 1;
	return ((uint64_t)(uint32_t)getpid() << 32) | thread_no;
}

bool
evring_poll_lease(struct evring *r, int64_t now_ms, int64_t lease_ms)
{
	uint64_t me = holder_id();
	bool mine = false;

	if (!shmtab_lock(r->tab))
		return false;
	if (r->ctl->lease_holder == me || r->ctl->lease_holder == 0 || r->ctl->lease_until_ms <= now_ms ||
	    !pid_alive((uint32_t)(r->ctl->lease_holder >> 32))) {
		r->ctl->lease_holder = me;
		r->ctl->lease_until_ms = now_ms + lease_ms;
		mine = true;
	}
	shmtab_unlock(r->tab);
	return mine;
}

void
evring_poll_release(struct evring *r)
{
	if (!shmtab_lock(r->tab))
		return;   /* it expires by itself */
	if (r->ctl->lease_holder == holder_id()) {
		r->ctl->lease_holder = 0;
		r->ctl->lease_until_ms = 0;
	}
	shmtab_unlock(r->tab);
}

void
evring_mark_save(struct evring *r, const char *name, const struct evring_mark *in, int64_t now_ms)
{
	struct mark *m = NULL;
	/* The bridge's ids first (kept whole when they fit), then as many seen ids as room is left. */
	size_t nb = in->n_bridged < EVRING_MARK_IDS ? in->n_bridged : EVRING_MARK_IDS;
	size_t n = in->n_ids < EVRING_MARK_IDS - nb ? in->n_ids : EVRING_MARK_IDS - nb;

	if (strlen(name) >= EVRING_RES_MAX || memchr(in->mark, '\0', EVRING_MARK_LEN) == NULL || !shmtab_lock(r->tab))
		return;
	for (unsigned i = 0; i < EVRING_MARKS && m == NULL; i++)
		if (strncmp(r->marks[i].name, name, EVRING_RES_MAX) == 0)
			m = &r->marks[i];
	if (m == NULL) {
		/* The oldest (a free one has saved_ms 0). */
		m = &r->marks[0];
		for (unsigned i = 1; i < EVRING_MARKS; i++)
			if (r->marks[i].saved_ms < m->saved_ms)
				m = &r->marks[i];
	}
	memset(m, 0, sizeof(*m));
	strcpy(m->name, name);
	memcpy(m->mark, in->mark, EVRING_MARK_LEN);
	m->saved_ms = now_ms;
	m->seq = in->seq;
	m->closed = in->closed;
	m->n_ids = (uint32_t)n;
	m->n_bridged = (uint32_t)nb;
	memcpy(m->ids, in->ids, n * sizeof(*m->ids));
	memcpy(m->ids + n, in->bridged, nb * sizeof(*m->ids));
	shmtab_unlock(r->tab);
}

bool
evring_mark_load(struct evring *r, const char *name, int64_t since_ms, struct evring_mark *out)
{
	bool found = false;

	if (!shmtab_lock(r->tab))
		return false;
	for (unsigned i = 0; i < EVRING_MARKS && !found; i++) {
		const struct mark *m = &r->marks[i];

		if (strncmp(m->name, name, EVRING_RES_MAX) == 0 && m->saved_ms >= since_ms &&
		    memchr(m->mark, '\0', EVRING_MARK_LEN) != NULL && m->n_ids <= EVRING_MARK_IDS &&
		    m->n_bridged <= EVRING_MARK_IDS - m->n_ids) {
			memcpy(out->mark, m->mark, EVRING_MARK_LEN);
			out->seq = m->seq;
			out->closed = m->closed != 0;
			out->n_ids = m->n_ids;
			memcpy(out->ids, m->ids, m->n_ids * sizeof(*m->ids));
			out->n_bridged = m->n_bridged;
			memcpy(out->bridged, m->ids + m->n_ids, m->n_bridged * sizeof(*m->ids));
			found = true;
		}
	}
	shmtab_unlock(r->tab);
	return found;
}

uint64_t
evring_host(struct evring *r)
{
	uint64_t h = __atomic_load_n(&r->ctl->host, __ATOMIC_ACQUIRE);

	if (h != 0 || !shmtab_lock(r->tab))
		return h;
	if (r->ctl->host == 0) {
		/* Made once per file: the salt-keyed hash of this process's pid and the time is random enough. */
		struct { pid_t pid; int64_t us; } seed = { getpid(), now_mono_us() };

		__atomic_store_n(&r->ctl->host, shmtab_hash(r->tab, &seed, sizeof seed), __ATOMIC_RELEASE);
	}
	h = r->ctl->host;
	shmtab_unlock(r->tab);
	return h;
}

bool
evring_relay_pos(struct evring *r, char *pos, bool set)
{
	if (!shmtab_lock(r->tab))
		return false;
	if (set) {
		size_t n = strnlen(pos, EVRING_POS_MAX - 1);

		memcpy(r->ctl->relay_pos, pos, n);
		r->ctl->relay_pos[n] = '\0';
	} else {
		memcpy(pos, r->ctl->relay_pos, EVRING_POS_MAX);
		pos[EVRING_POS_MAX - 1] = '\0';
	}
	shmtab_unlock(r->tab);
	return true;
}
