/* evring.h: the host's event ring and open-stream registry, in one file shared by a host's processes. */
#ifndef OB_EVRING_H
#define OB_EVRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shmtab.h"

/*
 * NAME
 *	evring_open, evring_publish, evring_last, evring_since,
 *	evring_stream_enter, evring_stream_touch, evring_stream_leave,
 *	evring_watched, evring_streams, evring_poll_lease, evring_close -
 *	what GET /api/v1/events shares between the processes of one host
 *	(events.c)
 *
 * DESCRIPTION
 *	One file (EVENTS_FILE, by default /dev/shm/odoo-bridge-<euid>.events)
 *	mapped MAP_SHARED, made and checked by shmtab.c as the cache's is.  Its
 *	512-byte slots hold, in this order:
 *
 *	  control   one slot: the last event id given, the poller's lease;
 *	  streams   EVRING_STREAM_SLOTS slots: one per open stream (process id,
 *	            user id, last sign of life, the resources it follows);
 *	  marks     EVRING_MARKS slots: the poller's place per resource;
 *	  ring      the rest: event n lives in ring slot n % size.
 *
 *	Event ids start at 1 and only grow while the file exists.  An event
 *	names one resource, one action and at most EVRING_IDS_MAX ids; a
 *	publication of more ids is cut into several events with consecutive
 *	ids.  A reader that asks for the events after id a gets them in order,
 *	or EVRING_RESET when some of them were overwritten already (it fell
 *	more than the ring's size behind) or when a is past the last id (the
 *	file was made again since, e.g. after a reboot): the client must then
 *	read everything again.
 *
 * STREAMS
 *	A stream's slot is live while its process exists and it showed a sign
 *	of life (evring_stream_touch) within the stale time the caller passes:
 *	a process killed in the middle of a stream cannot keep its user's
 *	count up for longer than that.  The per-user bound and the list of
 *	watched resources (the poller asks Odoo about those only) are read
 *	from the live slots.
 *
 * POLLER LEASE
 *	One process of the host polls Odoo for changes made outside the
 *	bridge: the one that holds the lease (a process id and an expiry in
 *	the control slot, taken under the file lock when free or expired).
 *
 * LOCKING
 *	Everything is read and written under the shmtab lock (50 ms at most;
 *	a lock not had is EVRING_BUSY), except evring_last, a lock-free read
 *	of the last id so that idle readers can poll it cheaply.
 *
 * PRIVATE FALLBACK
 *	When the file cannot be shared, the ring works in private memory: the
 *	events of this process only (one warning is logged by shmtab).
 *
 * Thread safety: every function may be called from any thread.
 */

#define EVRING_SLOT          512u
#define EVRING_RES_MAX       32          /* resource name, NUL included */
#define EVRING_IDS_MAX       56          /* ids in one event */
#define EVRING_STREAM_SLOTS  256u        /* open streams per host */
#define EVRING_WATCH_MAX     (EVRING_SLOT - 40)   /* "products,sales" of one stream */
#define EVRING_MARKS         32          /* poller marks kept for the next lease holder (resources) */
#define EVRING_MARK_IDS      54          /* ids at a mark kept with it */
#define EVRING_MARK_LEN      20          /* "YYYY-MM-DD HH:MM:SS" and its NUL */
#define EVRING_POS_MAX       48          /* a position in the hosts' shared stream (state.h) */
#define EVRING_MIN_EVENTS    64u
#define EVRING_MAX_EVENTS    (1u << 20)

enum ev_action { EV_CREATED = 1, EV_UPDATED, EV_DELETED };

/* "created", "updated", "deleted"; NULL for another value. */
const char *ev_action_name(enum ev_action a);

struct ev {
	uint64_t id;
	int64_t  at_ms;                      /* Unix milliseconds */
	uint32_t action;                     /* enum ev_action */
	uint32_t nids;
	char     resource[EVRING_RES_MAX];
	int64_t  ids[EVRING_IDS_MAX];
};

enum evring_result {
	EVRING_OK = 0,
	EVRING_RESET,      /* evring_since: events were lost (or the ring is newer than the id) */
	EVRING_BUSY,       /* the lock was not had in time */
	EVRING_TOO_MANY,   /* evring_stream_enter: the user's bound is reached */
	EVRING_FULL,       /* evring_stream_enter: every stream slot is live */
};

struct evring;

/*
 * Opens (creating it with nevents ring slots, clamped to the bounds above)
 * the file at path.  Never NULL: see shmtab_open; *err (when not NULL) says
 * whether the shared file is in use.  Free with evring_close.
 */
struct evring *evring_open(const char *path, uint32_t nevents, enum shmtab_err *err);
void evring_close(struct evring *r);

/* Ring slots (the number of events a reader may fall behind). */
uint32_t evring_size(const struct evring *r);

/*
 * Publishes ids[0..n) of resource (at most EVRING_RES_MAX - 1 bytes), in
 * events of at most EVRING_IDS_MAX ids each.  n == 0 publishes nothing.
 * *last (when not NULL) is the id of the last event written.
 */
enum evring_result evring_publish(struct evring *r, const char *resource, enum ev_action a, const int64_t *ids,
                                  size_t n, int64_t at_ms, uint64_t *last);

/* The last id given (0: none yet).  Lock-free. */
uint64_t evring_last(struct evring *r);

/*
 * Copies the events with an id past after, oldest first, at most max of
 * them, into out; *n says how many.  EVRING_RESET (nothing copied) when
 * some were overwritten already or after is past the last id.
 */
enum evring_result evring_since(struct evring *r, uint64_t after, struct ev *out, size_t max, size_t *n);

/*
 * Registers a stream of user uid following watch (a comma-separated list
 * of resources, cut to EVRING_WATCH_MAX - 1 bytes).  Refuses past
 * max_per_user live streams of that user (EVRING_TOO_MANY) or when every
 * slot is live (EVRING_FULL).  *slot is the handle for touch and leave.
 * Slots not touched within stale_ms, or whose process is gone, are free.
 */
enum evring_result evring_stream_enter(struct evring *r, long uid, const char *watch, long max_per_user,
                                       int64_t now_ms, int64_t stale_ms, int *slot);
void evring_stream_touch(struct evring *r, int slot, int64_t now_ms);
void evring_stream_leave(struct evring *r, int slot);

/* The live streams of the host (all users). */
size_t evring_streams(struct evring *r, int64_t now_ms, int64_t stale_ms);

/*
 * The resources followed by at least one live stream, each once, written
 * into out[0..max) (pointers into names, a buffer of namelen bytes the
 * caller owns).  Returns how many.
 */
size_t evring_watched(struct evring *r, int64_t now_ms, int64_t stale_ms, char *names, size_t namelen,
                      const char **out, size_t max);

/*
 * Takes or renews the poller's lease for this process until now_ms +
 * lease_ms.  True when this process holds it (then it polls).
 */
bool evring_poll_lease(struct evring *r, int64_t now_ms, int64_t lease_ms);

/* Gives the lease up when this process (thread) holds it: its stream is ending. */
void evring_poll_release(struct evring *r);

/*
 * The poller's place in one resource: the mark (Odoo's write_date to go on
 * from), the ring id up to which it looked, and the ids it saw at the
 * mark's second and those of them written through the bridge (at most
 * EVRING_MARK_IDS in all, the bridge's first: the others are announced
 * again by the next holder, never lost).  Saved at each pass, so that the next
 * holder of the lease goes on where the last one stopped.
 * evring_mark_load fills *out with the place saved at or after since_ms;
 * false when there is none (the poller then starts from Odoo's newest
 * write_date).  EVRING_MARKS resources at most: the oldest is replaced.
 */
struct evring_mark {
	char     mark[EVRING_MARK_LEN];
	uint64_t seq;
	bool     closed;               /* the mark's second was over when its ids were read */
	size_t   n_ids;
	int64_t  ids[EVRING_MARK_IDS];
	size_t   n_bridged;            /* ids at the mark written through the bridge (announced then) */
	int64_t  bridged[EVRING_MARK_IDS];
};
void evring_mark_save(struct evring *r, const char *name, const struct evring_mark *m, int64_t now_ms);
bool evring_mark_load(struct evring *r, const char *name, int64_t since_ms, struct evring_mark *out);

/*
 * This host's name among the hosts that share events through Redis: a
 * random number, made once per file (never 0 when the file can be locked).
 */
uint64_t evring_host(struct evring *r);

/*
 * Where this host's copy of the other hosts' events is in their shared
 * stream (a string of at most EVRING_POS_MAX - 1 bytes, "" at first): read
 * into pos, or (set) written from pos.  False when the lock was not had.
 */
bool evring_relay_pos(struct evring *r, char *pos, bool set);

#endif
