/* evpoll.h: the poller that finds the changes made in Odoo itself (its UI, imports, other integrations). */
#ifndef OB_EVPOLL_H
#define OB_EVPOLL_H

#include <stdint.h>

#include "app.h"
#include "evring.h"

/*
 * Called by every open stream each EVENTS_POLL seconds.  Only the stream
 * that holds the host's lease (evring_poll_lease) does anything: for each
 * resource some live stream of the host follows (none: no Odoo call at
 * all), as the service account:
 *
 *   search_read(base domain + [write_date >= mark], [id, write_date,
 *   create_date]), oldest first, at most EVPOLL_BATCH records a pass:
 *   created when create_date is past the previous mark, updated otherwise;
 *
 *   search(base domain), at most EVPOLL_IDS_MAX + 1 ids: the ids that
 *   vanished since the last pass are deleted.  A resource with more
 *   records than EVPOLL_IDS_MAX gets no deletion events (logged once).
 *
 * The first pass over a resource only sets its mark (the newest
 * write_date in Odoo, so that the bridge's clock does not matter) and its
 * id set.  Changes the ring announced already (writes through the bridge)
 * are not announced again.  The marks are saved in the ring's file at
 * each pass: when the lease moves to another process (the holder's stream
 * ended: it gives the lease up), the new holder goes on from the saved
 * mark.  Its id set starts afresh: deletions made in Odoo between the last
 * pass of one holder and the first of the next are not announced.
 *
 * Odoo gives write_date to the second: records written in the last
 * seconds before a pass may be announced twice (at least once; see
 * CLOSED_AFTER in evpoll.c).
 */
#define EVPOLL_BATCH   1000
#define EVPOLL_IDS_MAX 20000

void evpoll_tick(struct ctx *c, struct evring *ring, int64_t now_ms, int64_t stale_ms);

/* A stream ends: gives the lease up when its thread holds it. */
void evpoll_stream_end(struct evring *ring);

#endif
