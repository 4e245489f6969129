/* events.c: GET /api/v1/events, the Server-Sent Events stream, and the publication of writes (events.h). */
#include "autoconfig.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "events.h"
#include "evpoll.h"
#include "odoo_answer.h"
#include "resource.h"
#include "server.h"
#include "state.h"

#define MAX_RESOURCES 16
#define TICK_MS       100   /* how often a stream looks at the ring: the latency of an event */
#define BATCH         64    /* events read from the ring at once */

volatile sig_atomic_t events_stopping;

static int64_t
now_unix_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- publication ---- */

static bool
ids_of(json_object *v, int64_t *ids, size_t max, size_t *n)
{
	if (v == NULL)
		return false;
	if (json_object_is_type(v, json_type_int)) {
		if (*n < max)
			ids[(*n)++] = json_object_get_int64(v);
		return true;
	}
	if (!json_object_is_type(v, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(v) && *n < max; i++) {
		json_object *x = json_object_array_get_idx(v, i);

		if (!json_object_is_type(x, json_type_int))
			return false;
		ids[(*n)++] = json_object_get_int64(x);
	}
	return true;
}

#define PUBLISH_MAX 10000   /* ids of one call (BULK_MAX is at most 10000) */
#define SHARED_MAX  100000  /* entries kept in the hosts' shared stream (Redis) */
#define RELAY_MS    200     /* how often a host copies the other hosts' events */

/*
 * A write through this host, for the other hosts (REDIS_URL): {"h": host,
 * "r": resource, "a": action, "ids": [...], "at": ms}.  Without Redis, or
 * with Redis down, nothing (the state layer warns, at most once a minute).
 */
static void
share(struct state *st, const char *resource, enum ev_action a, const int64_t *ids, size_t n, int64_t at)
{
	json_object *o = json_object_new_object(), *l = json_object_new_array();
	char host[24];
	const char *text;

	if (!state_events_across_hosts(st)) {
		json_object_put(o);
		json_object_put(l);
		return;
	}
	if (o == NULL || l == NULL)
		abort();
	snprintf(host, sizeof host, "%016llx", (unsigned long long)evring_host(state_events(st)));
	json_object_object_add(o, "h", json_object_new_string(host));
	json_object_object_add(o, "r", json_object_new_string(resource));
	json_object_object_add(o, "a", json_object_new_int((int)a));
	for (size_t i = 0; i < n; i++)
		json_object_array_add(l, json_object_new_int64(ids[i]));
	json_object_object_add(o, "ids", l);
	json_object_object_add(o, "at", json_object_new_int64(at));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	state_event_share(st, text, strlen(text), SHARED_MAX);
	json_object_put(o);
}

struct relay {
	struct evring *ring;
	char           host[24];
	size_t         copied;
};

/* One entry of the shared stream: another host's write goes into this host's ring. */
static void
relay_one(void *ud, const void *data, size_t len)
{
	struct relay *rl = ud;
	json_tokener *tok = json_tokener_new();
	json_object *o, *v, *l;
	int64_t *ids = xmalloc(PUBLISH_MAX * sizeof(*ids));
	size_t n = 0;

	if (tok == NULL)
		abort();
	o = json_tokener_parse_ex(tok, data, (int)len);
	json_tokener_free(tok);
	if (o == NULL || !json_object_is_type(o, json_type_object))
		goto out;
	if (!json_object_object_get_ex(o, "h", &v) || strcmp(json_object_get_string(v), rl->host) == 0)
		goto out;   /* this host's own: in the ring already */
	if (!json_object_object_get_ex(o, "ids", &l) || !ids_of(l, ids, PUBLISH_MAX, &n) || n == 0)
		goto out;
	{
		json_object *r, *a, *at;

		if (!json_object_object_get_ex(o, "r", &r) || !json_object_is_type(r, json_type_string) ||
		    resource_find(json_object_get_string(r)) == NULL || !json_object_object_get_ex(o, "a", &a) ||
		    ev_action_name((enum ev_action)json_object_get_int(a)) == NULL ||
		    !json_object_object_get_ex(o, "at", &at))
			goto out;
		if (evring_publish(rl->ring, json_object_get_string(r), (enum ev_action)json_object_get_int(a), ids, n,
		                   json_object_get_int64(at), NULL) == EVRING_OK)
			rl->copied++;
	}
out:
	json_object_put(o);
	free(ids);
}

/* The lease holder copies the other hosts' writes into this host's ring (REDIS_URL). */
static void
relay(struct state *st)
{
	struct relay rl;
	char pos[EVRING_POS_MAX];

	if (!state_events_across_hosts(st))
		return;
	rl.ring = state_events(st);
	rl.copied = 0;
	snprintf(rl.host, sizeof rl.host, "%016llx", (unsigned long long)evring_host(rl.ring));
	if (!evring_relay_pos(rl.ring, pos, false))
		return;
	if (state_events_shared(st, pos, 256, relay_one, &rl))
		(void)evring_relay_pos(rl.ring, pos, true);
}

void
events_note_written(void *ud, const char *model, const char *method, json_object *args, json_object *result)
{
	struct state *st = ud;
	enum ev_action a;
	int64_t *ids;
	size_t n = 0;
	bool ok;

	if (st == NULL)
		return;
	if (strcmp(method, "create") == 0) {
		a = EV_CREATED;
	} else if (strcmp(method, "unlink") == 0) {
		a = EV_DELETED;
	} else {
		/* write, and workflow actions (action_confirm...): the records are the first argument. */
		a = EV_UPDATED;
	}
	ids = xmalloc(PUBLISH_MAX * sizeof(*ids));
	if (a == EV_CREATED)
		ok = ids_of(result, ids, PUBLISH_MAX, &n);
	else
		ok = args != NULL && json_object_is_type(args, json_type_array) && json_object_array_length(args) > 0 &&
		     ids_of(json_object_array_get_idx(args, 0), ids, PUBLISH_MAX, &n);
	if (ok && n > 0) {
		int64_t at = now_unix_ms();

		for (size_t i = 0; resource_at(i) != NULL; i++) {
			const struct resource *r = resource_at(i);

			if (strcmp(r->model, model) != 0)
				continue;
			if (evring_publish(state_events(st), r->name, a, ids, n, at, NULL) != EVRING_OK)
				log_warn("events: the event ring is busy; %s of %s ids not announced", method, r->name);
			share(st, r->name, a, ids, n, at);
		}
	}
	free(ids);
}

/* ---- formatting ---- */

static void
rfc3339_ms(int64_t ms, char *out, size_t len)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	char base[32];

	gmtime_r(&s, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, len, "%s.%03dZ", base, (int)(ms % 1000));
}

bool
events_format(struct buf *b, const struct ev *e)
{
	json_object *o = json_object_new_object(), *ids = json_object_new_array();
	char line[96], at[40];
	bool ok;

	if (o == NULL || ids == NULL)
		abort();
	rfc3339_ms(e->at_ms, at, sizeof at);
	json_object_object_add(o, "resource", json_object_new_string(e->resource));
	json_object_object_add(o, "action", json_object_new_string(ev_action_name((enum ev_action)e->action)));
	for (uint32_t i = 0; i < e->nids && i < EVRING_IDS_MAX; i++)
		json_object_array_add(ids, json_object_new_int64(e->ids[i]));
	json_object_object_add(o, "ids", ids);
	json_object_object_add(o, "at", json_object_new_string(at));
	/* The resource is a table name ([a-z_]): nothing in it can break the line. */
	snprintf(line, sizeof line, "event: %s\nid: %llu\ndata: ", e->resource, (unsigned long long)e->id);
	ok = buf_puts(b, line) &&
	     buf_puts(b, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) &&
	     buf_puts(b, "\n\n");
	json_object_put(o);
	return ok;
}

bool
events_format_reset(struct buf *b, uint64_t last)
{
	char line[160];

	snprintf(line, sizeof line, "event: reset\nid: %llu\ndata: {\"action\":\"reset\"}\n\n", (unsigned long long)last);
	return buf_puts(b, line);
}

bool
events_parse_resources(const char *list, const char **names, size_t max, size_t *n, const char **bad)
{
	const char *p = list;

	*n = 0;
	*bad = NULL;
	while (p != NULL && *p != '\0') {
		size_t len = strcspn(p, ",");
		char name[EVRING_RES_MAX];
		const struct resource *r;

		if (len == 0 || len >= sizeof name) {
			*bad = "";
			return false;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		if ((r = resource_find(name)) == NULL) {
			*bad = "";
			return false;
		}
		bool dup = false;
		for (size_t i = 0; i < *n; i++)
			dup = dup || strcmp(names[i], r->name) == 0;
		if (!dup) {
			if (*n == max) {
				*bad = "";
				return false;
			}
			names[(*n)++] = r->name;
		}
		p += len;
		if (*p == ',' && *++p == '\0') {
			*bad = "";
			return false;
		}
	}
	return *n > 0;
}

/* ---- /metrics ---- */

bool
events_metrics(const struct config *cfg, struct state *st, struct buf *b)
{
	struct evring *r = state_events(st);
	char text[512];

	snprintf(text, sizeof text,
	         "# HELP odoo_bridge_event_streams Open GET /api/v1/events streams on the host\n"
	         "# TYPE odoo_bridge_event_streams gauge\n"
	         "odoo_bridge_event_streams %zu\n"
	         "# HELP odoo_bridge_events_total Events published on the host since its ring was made\n"
	         "# TYPE odoo_bridge_events_total counter\n"
	         "odoo_bridge_events_total %llu\n",
	         evring_streams(r, now_mono_us() / 1000, cfg->events_heartbeat * 3000 + 5000),
	         (unsigned long long)evring_last(r));
	return buf_puts(b, text);
}

/* ---- the stream ---- */

struct stream {
	struct ctx     *c;
	struct evring  *ring;
	const char     *names[MAX_RESOURCES];
	size_t          n;
	uint64_t        last;      /* the last ring id looked at */
	struct buf      out;
	bool            gone;      /* a write failed: the client went away */
};

static bool
follows(const struct stream *s, const char *resource)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->names[i], resource) == 0)
			return true;
	return false;
}

/* Writes and flushes what is in s->out. */
static void
send_out(struct stream *s)
{
	const struct io_ops *io = s->c->io;

	if (s->out.len == 0 || s->gone)
		return;
	if (io->write(io->out, s->out.data, s->out.len) != 0 || (io->flush != NULL && io->flush(io->out) != 0))
		s->gone = true;
	s->out.len = 0;
}

/* Sends the ring's events past s->last that the stream follows; returns how many. */
static size_t
drain(struct stream *s)
{
	struct ev *evs;
	size_t sent = 0, n;

	if (s->last == evring_last(s->ring))
		return 0;   /* the usual tick: nothing new, nothing to allocate */
	evs = xmalloc(BATCH * sizeof(*evs));

	if (s->last > evring_last(s->ring)) {
		/* A Last-Event-ID past the ring's last id: the ring was made again since (a reboot). */
		s->last = evring_last(s->ring);
		events_format_reset(&s->out, s->last);
		sent++;
	}
	while (!s->gone && evring_last(s->ring) > s->last) {
		enum evring_result rc = evring_since(s->ring, s->last, evs, BATCH, &n);

		if (rc == EVRING_BUSY)
			break;   /* the next tick tries again */
		if (rc == EVRING_RESET) {
			s->last = evring_last(s->ring);
			events_format_reset(&s->out, s->last);
			sent++;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			s->last = evs[i].id;
			if (follows(s, evs[i].resource)) {
				events_format(&s->out, &evs[i]);
				sent++;
			}
		}
		send_out(s);
		if (n == 0)
			break;
	}
	send_out(s);
	free(evs);
	return sent;
}

enum tick { TICK_QUIET, TICK_HANGUP, TICK_HALF_CLOSED };

/*
 * Waits ms, watching the web server's connection (*watch: the poll events
 * asked for).  lighttpd 1.4 and mod_fcgid keep that connection open when
 * the client goes away (a departed client was noticed only when the next
 * heartbeat could not be written, holding the process and the user's place,
 * EVENTS_MAX_PER_USER, for up to EVENTS_HEARTBEAT); nginx closes it at once.
 * POLLHUP or POLLERR: closed both ways (a Unix socket whose peer closed, a
 * TCP connection reset).  POLLRDHUP alone: the server sent its FIN, which
 * is how a closed TCP connection begins but also how a server that only
 * half-closes (shutdown(SHUT_WR) after the request) looks: the caller then
 * sends the next heartbeat at once, whose failure (or the reset it provokes, seen
 * as POLLHUP or POLLERR on a later tick) ends the stream, and stops asking
 * for POLLRDHUP, which would stay set and wake every poll.
 */
static enum tick
wait_tick(int peer_fd, short *watch, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	struct pollfd p = { .fd = peer_fd, .events = *watch };

	if (peer_fd < 0) {
		nanosleep(&ts, NULL);
		return TICK_QUIET;
	}
	if (poll(&p, 1, (int)ms) <= 0)
		return TICK_QUIET;
	if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
		return TICK_HANGUP;
	if (p.revents & POLLRDHUP) {
		*watch = 0;
		return TICK_HALF_CLOSED;
	}
	return TICK_QUIET;
}

/* Whether the token still holds: not expired, not revoked (a busy list is no reason to end). */
static bool
token_holds(struct ctx *c)
{
	int64_t now = now_unix();

	if (c->user.exp != 0 && c->user.exp <= now) {
		log_info("events: token expired; ending the stream of login=%s", c->user.sub);
		return false;
	}
	if (state_revoke_lookup(c->w->app->state, c->user.jti, now) == REVOKE_PRESENT) {
		log_info("events: token revoked; ending the stream of login=%s", c->user.sub);
		return false;
	}
	return true;
}

/* AUTH_MODE=user: the resources the user may not read, as Odoo says; false (answered) when Odoo could not be asked. */
static bool
check_rights(struct ctx *c, const char *const *names, size_t n, json_object *denied)
{
	for (size_t i = 0; i < n; i++) {
		const struct resource *r = resource_find(names[i]);
		json_object *args = json_object_new_array(), *out = NULL;
		struct odoo_error err;
		enum odoo_err e;

		/*
		 * has_access on an empty recordset: the model's read right (Odoo 18
		 * and 19; 19 has no check_access_rights any more).
		 */
		json_object_array_add(args, json_object_new_array());
		json_object_array_add(args, json_object_new_string("read"));
		e = auth_call(c, r->model, "has_access", args, NULL, true, &out, &err);
		json_object_put(args);
		if (e != ODOO_OK) {
			odoo_answer_error(c, &err, "has_access");
			return false;
		}
		if (!json_object_get_boolean(out))
			json_object_array_add(denied, json_object_new_string(names[i]));
		json_object_put(out);
	}
	return true;
}

static void
too_many(struct ctx *c)
{
	json_object *errors = json_object_new_object(), *why = json_object_new_array();
	char text[96];

	snprintf(text, sizeof text, "at most %ld open streams per user", c->cfg->events_max_per_user);
	json_object_array_add(why, json_object_new_string(text));
	json_object_object_add(errors, "resources", why);
	response_error(c->res, c->req->lang, 429, MSG_EVENTS_TOO_MANY, errors);
	response_add_header(c->res, "Retry-After", "5");
}

void
events_handler(struct ctx *c)
{
	const struct config *cfg = c->cfg;
	const char *list = params_get(&c->req->query, "resources");
	const char *lei = request_header(c->req, "HTTP_LAST_EVENT_ID");
	struct stream s;
	const char *bad;
	char watch[EVRING_WATCH_MAX];
	int slot = -1;
	int64_t start, next_beat, next_check, next_poll, next_lease, next_relay, stale_ms, resume = -1;
	bool leader = false;
	short conn_watch = POLLRDHUP;   /* wait_tick: what to watch the connection for */
	bool once;
	enum evring_result rc;

	if (c->io == NULL || c->w->app->state == NULL) {
		/* Inside a batch: a stream is no sub-request. */
		response_error(c->res, c->req->lang, 400, MSG_EVENTS_NO_STREAM, NULL);
		return;
	}
	memset(&s, 0, sizeof s);
	s.c = c;
	s.ring = state_events(c->w->app->state);
	if (list == NULL || params_count(&c->req->query, "resources") != 1 ||
	    !events_parse_resources(list, s.names, MAX_RESOURCES, &s.n, &bad)) {
		json_object *errors = json_object_new_object(), *why = json_object_new_array();

		json_object_array_add(why, json_object_new_string("a comma-separated list of known resources"));
		json_object_object_add(errors, "resources", why);
		response_error(c->res, c->req->lang, 400, MSG_BAD_PARAMETER, errors);
		return;
	}
	if (lei != NULL && *lei != '\0' && !parse_int64(lei, 0, INT64_MAX, &resume))
		resume = -1;   /* not one of ours: start from now */
	if (cfg->auth_mode == AUTH_USER) {
		json_object *denied = json_object_new_array();

		if (!check_rights(c, s.names, s.n, denied)) {
			json_object_put(denied);
			return;
		}
		if (json_object_array_length(denied) > 0) {
			json_object *errors = json_object_new_object();

			json_object_object_add(errors, "resources", denied);
			response_error(c->res, c->req->lang, 403, MSG_FORBIDDEN, errors);
			return;
		}
		json_object_put(denied);
	}
	watch[0] = '\0';
	for (size_t i = 0; i < s.n; i++) {
		if (i > 0)
			strncat(watch, ",", sizeof watch - strlen(watch) - 1);
		strncat(watch, s.names[i], sizeof watch - strlen(watch) - 1);
	}
	/* A stream that stopped touching its slot for three heartbeats (its process hangs) no longer counts. */
	stale_ms = cfg->events_heartbeat * 3000 + 5000;
	rc = evring_stream_enter(s.ring, c->user.uid, watch, cfg->events_max_per_user, now_mono_us() / 1000,
	                         stale_ms, &slot);
	if (rc == EVRING_TOO_MANY || rc == EVRING_FULL) {
		log_info("events: %s: login=%s", rc == EVRING_FULL ? "every stream slot of the host is in use"
		                                                    : "too many streams", c->user.sub);
		too_many(c);
		return;
	}
	if (rc != EVRING_OK) {
		response_error(c->res, c->req->lang, 503, MSG_EVENTS_BUSY, NULL);
		response_add_header(c->res, "Retry-After", "1");
		return;
	}

	if (strcmp(c->req->method, "HEAD") == 0) {
		/* The head alone, as the router serves HEAD with GET: no stream, no place held. */
		evring_stream_leave(s.ring, slot);
		c->res->status = 200;
		response_add_header(c->res, "Content-Type", "text/event-stream; charset=utf-8");
		response_add_header(c->res, "Cache-Control", "no-cache");
		return;
	}
	/* The head, written now: from here on the answer is the stream. */
	c->res->status = 200;
	response_add_header(c->res, "Content-Type", "text/event-stream; charset=utf-8");
	response_add_header(c->res, "Cache-Control", "no-cache");
	response_add_header(c->res, "X-Accel-Buffering", "no");
	cors_apply(cfg, c->req, c->res);
	{
		size_t len;
		char *head = response_serialize(c->res, c->req->request_id, true, &len);

		buf_init(&s.out, SIZE_MAX / 2);
		buf_append(&s.out, head, len);
		free(head);
	}
	c->res->written = true;
	once = c->io->flush == NULL || c->io->cgi;
	s.last = evring_last(s.ring);
	if (resume >= 0)
		s.last = (uint64_t)resume;
	/*
	 * A comment first, so that the client sees the answer begin; retry: how
	 * soon to come back; id: where this stream starts, so that a client
	 * whose stream breaks before its first event still resumes from here
	 * with Last-Event-ID (an id without data sets the client's last event
	 * id and dispatches nothing, as the HTML standard's parser does).
	 */
	{
		char head[96];

		snprintf(head, sizeof head, "%sretry: %d\nid: %llu\n\n", once ? "" : ": stream open\n",
		         once ? 1000 : 2000, (unsigned long long)s.last);
		buf_puts(&s.out, head);
	}
	send_out(&s);

	start = now_mono_us() / 1000;
	next_beat = start + cfg->events_heartbeat * 1000;
	next_check = start + 1000;
	next_poll = start;
	next_lease = next_relay = start;
	while (!s.gone && !events_stopping) {
		int64_t now = now_mono_us() / 1000;

		if (drain(&s) > 0 && once)
			break;
		if (now - start >= cfg->events_max_age * 1000)
			break;   /* the client reconnects, and its token is checked again */
		if (now >= next_check) {
			if (!token_holds(c))
				break;
			next_check = now + 1000;
		}
		if (now >= next_beat) {
			if (once)
				break;
			buf_puts(&s.out, ": ping\n\n");
			send_out(&s);
			evring_stream_touch(s.ring, slot, now);
			next_beat = now + cfg->events_heartbeat * 1000;
		}
		if (now >= next_lease) {
			/* One stream of the host copies the other hosts' events and polls Odoo (evpoll.h). */
			leader = evring_poll_lease(s.ring, now, (cfg->events_poll > 0 ? cfg->events_poll : 1) * 3000 + 5000);
			next_lease = now + 1000;
		}
		if (leader && now >= next_relay) {
			relay(c->w->app->state);
			next_relay = now + RELAY_MS;
		}
		if (cfg->events_poll > 0 && now >= next_poll) {
			/* Only the stream that holds the host's lease asks Odoo (evpoll.h). */
			evpoll_tick(c, s.ring, now, stale_ms);
			next_poll = now + cfg->events_poll * 1000;
		}
		switch (wait_tick(c->io->peer_fd, &conn_watch, TICK_MS)) {
		case TICK_HANGUP:
			s.gone = true;
			log_info("events: the web server closed the connection (the client went away)");
			break;
		case TICK_HALF_CLOSED:
			next_beat = 0;   /* the heartbeat, at once: its write tells a closed connection */
			break;
		case TICK_QUIET:
			break;
		}
	}
	evring_stream_leave(s.ring, slot);
	evpoll_stream_end(s.ring);
	log_info("events: stream of login=%s ended after %llds", c->user.sub,
	         (long long)((now_mono_us() / 1000 - start) / 1000));
	buf_free(&s.out);
}
