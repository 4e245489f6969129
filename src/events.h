/* events.h: GET /api/v1/events (Server-Sent Events) and where its events come from. */
#ifndef OB_EVENTS_H
#define OB_EVENTS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "app.h"
#include "evring.h"
#include "util.h"

/*
 * GET /api/v1/events?resources=products,sales (DESIGN.md section 7,
 * "Real-time"; issue 17).  Answers text/event-stream, one event per
 * change:
 *
 *	event: products
 *	id: 42
 *	data: {"resource":"products","action":"updated","ids":[7],"at":"2026-12-05T23:19:41.123Z"}
 *
 * The events come from the host's ring (evring.h): writes through the
 * bridge, published by events_note_written on every process, and changes
 * made in Odoo itself, found by the poller (one stream of the host holds
 * its lease; it asks Odoo only about resources some stream follows).
 * Events carry ids only: the client reads the records with its own rights.
 *
 * Before streaming: 400 for a missing or unknown resource, 403 (AUTH_MODE
 * =user) naming the resources the user may not read (Odoo's
 * has_access("read") on the model, as the user), 429 past EVENTS_MAX_PER_USER streams of
 * the user on the host.  Last-Event-ID resumes after that id; a client
 * that fell out of the ring gets "event: reset" and must read everything
 * again.  A comment ": ping" every EVENTS_HEARTBEAT seconds keeps proxies
 * from closing a quiet stream; the stream ends cleanly after
 * EVENTS_MAX_AGE seconds, when the token expires or is revoked (checked
 * every second), when the client goes away or the process is told to stop.
 * As a CGI program (one process per request) the answer ends after the
 * first events or one heartbeat, whichever comes first: the client
 * reconnects with Last-Event-ID, as with a long poll.
 */
void events_handler(struct ctx *c);

/*
 * The odoo_on_written hook (ud: the struct state): publishes what a
 * create, write, unlink or workflow action accepted by Odoo touched, for
 * every resource on that model.  Calls on other models publish nothing.
 */
void events_note_written(void *ud, const char *model, const char *method, json_object *args, json_object *result);

/*
 * Appends e as a Server-Sent Event (its "event", "id" and "data" lines and
 * the blank line) to b.  False when b's cap was reached.
 */
bool events_format(struct buf *b, const struct ev *e);

/* Appends the "reset" event (id: last) to b. */
bool events_format_reset(struct buf *b, uint64_t last);

/* Splits "products,sales" into resource names: false (with *bad naming it, static) on an unknown one. */
bool events_parse_resources(const char *list, const char **names, size_t max, size_t *n, const char **bad);

/*
 * Appends to b, in Prometheus's text format, the host's open streams
 * (gauge odoo_bridge_event_streams) and the events published on the host
 * since its ring was made (counter odoo_bridge_events_total).  False when
 * b's cap was reached.
 */
struct state;
bool events_metrics(const struct config *cfg, struct state *st, struct buf *b);

/* Set by main.c when the process is told to stop: open streams end at once. */
extern volatile sig_atomic_t events_stopping;

#endif
