/* evpoll.c: one poller per host for the changes made in Odoo itself (evpoll.h). */
#include "autoconfig.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evpoll.h"
#include "odoo.h"
#include "resource.h"
#include "util.h"
#include "value.h"

#define WATCH_MAX 32
#define DATE_LEN  EVRING_MARK_LEN   /* "YYYY-MM-DD HH:MM:SS" and its NUL */

/* What the poller knows of one resource between passes. */
struct watched {
	char      name[EVRING_RES_MAX];
	bool      ready;            /* a first pass set the mark */
	char      mark[DATE_LEN];   /* the newest write_date seen */
	int64_t  *at_mark;          /* ids seen with write_date == mark (a second holds many writes) */
	size_t    n_at_mark;
	int64_t  *ids;              /* every id, sorted, when known */
	size_t    n_ids;
	bool      ids_known;
	bool      too_big_logged;
	int64_t  *bridged;          /* ids at the mark that the bridge's writes announced (sorted) */
	size_t    n_bridged;
	bool      at_mark_closed;   /* the mark's second was over when at_mark was read */
	uint64_t  seq;              /* the ring's last id after the previous pass */
};

/*
 * Odoo gives write_date to the second.  The ids seen at the mark's second
 * are not announced again only once that second was over (with a margin
 * for the two hosts' clocks) when they were read: until then, another
 * write in the same second could hide behind them.  Records written in
 * the last seconds may thus be announced twice (at least once, never
 * lost).
 */
#define CLOSED_AFTER 2

static bool
mark_closed(const char *mark, time_t when)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (strptime(mark, "%Y-%m-%d %H:%M:%S", &tm) == NULL)
		return false;
	return when - timegm(&tm) >= CLOSED_AFTER;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct watched watch[WATCH_MAX];
static size_t n_watch;

static struct watched *
watched_of(const char *name)
{
	for (size_t i = 0; i < n_watch; i++)
		if (strcmp(watch[i].name, name) == 0)
			return &watch[i];
	if (n_watch == WATCH_MAX || strlen(name) >= EVRING_RES_MAX)
		return NULL;
	memset(&watch[n_watch], 0, sizeof(watch[n_watch]));
	strcpy(watch[n_watch].name, name);
	return &watch[n_watch++];
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static bool
has_id(const int64_t *ids, size_t n, int64_t id)
{
	return n > 0 && bsearch(&id, ids, n, sizeof(*ids), cmp_id) != NULL;
}

/* memcpy and qsort of id arrays that may be empty (and NULL): both forbid a NULL pointer even for 0 items. */
static void
ids_copy(int64_t *dst, const int64_t *src, size_t n)
{
	if (n > 0)
		memcpy(dst, src, n * sizeof(*dst));
}

static void
ids_sort(int64_t *ids, size_t n)
{
	if (n > 1)
		qsort(ids, n, sizeof(*ids), cmp_id);
}

static void
save_mark(struct evring *ring, const char *name, const struct watched *w, int64_t now_ms)
{
	struct evring_mark m;

	memset(&m, 0, sizeof m);
	memcpy(m.mark, w->mark, DATE_LEN);
	m.seq = w->seq;
	m.closed = w->at_mark_closed;
	m.n_ids = w->n_at_mark < EVRING_MARK_IDS ? w->n_at_mark : EVRING_MARK_IDS;
	ids_copy(m.ids, w->at_mark, m.n_ids);
	m.n_bridged = w->n_bridged < EVRING_MARK_IDS ? w->n_bridged : EVRING_MARK_IDS;
	ids_copy(m.bridged, w->bridged, m.n_bridged);
	evring_mark_save(ring, name, &m, now_ms);
}

static json_object *
domain_of(const struct resource *r)
{
	json_object *d = json_object_new_array();

	if (d == NULL)
		abort();
	resource_base_domain(r, d);
	return d;
}

/* One Odoo call as the service account; NULL (logged) on failure. */
static json_object *
call(struct ctx *c, const char *model, const char *method, json_object *args, json_object *kwargs)
{
	struct odoo_error err;
	json_object *out = NULL;

	if (odoo_call(ctx_odoo(c), NULL, model, method, args, kwargs, true, &out, &err) != ODOO_OK) {
		log_warn("events poller: %s %s failed: %s", model, method, err.message);
		json_object_put(out);
		out = NULL;
	}
	json_object_put(args);
	json_object_put(kwargs);
	return out;
}

static json_object *
str_array(const char *const *v, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/* The ids of the resource (sorted), or false when Odoo failed or they are over EVPOLL_IDS_MAX. */
static bool
all_ids(struct ctx *c, const struct resource *r, struct watched *w, int64_t **ids, size_t *n)
{
	json_object *kw = json_object_new_object(), *out;
	size_t len;

	json_object_object_add(kw, "limit", json_object_new_int(EVPOLL_IDS_MAX + 1));
	json_object_object_add(kw, "order", json_object_new_string("id asc"));
	if ((out = call(c, r->model, "search", json_array1(domain_of(r)), kw)) == NULL)
		return false;
	len = json_object_is_type(out, json_type_array) ? json_object_array_length(out) : 0;
	if (len > EVPOLL_IDS_MAX) {
		if (!w->too_big_logged)
			log_warn("events poller: %s has over %d records: deletions made in Odoo are not announced",
			         r->name, EVPOLL_IDS_MAX);
		w->too_big_logged = true;
		json_object_put(out);
		return false;
	}
	*ids = xmalloc((len + 1) * sizeof(**ids));
	*n = 0;
	for (size_t i = 0; i < len; i++)
		(*ids)[(*n)++] = json_object_get_int64(json_object_array_get_idx(out, i));
	ids_sort(*ids, *n);
	json_object_put(out);
	return true;
}

/* The ids the ring announced for name since seq (writes through the bridge), sorted. */
static int64_t *
announced(struct evring *ring, const char *name, uint64_t seq, size_t *n)
{
	struct ev *evs = xmalloc(64 * sizeof(*evs));
	int64_t *ids = NULL;
	size_t got, cap = 0;

	*n = 0;
	while (seq < evring_last(ring) && evring_since(ring, seq, evs, 64, &got) == EVRING_OK && got > 0) {
		for (size_t i = 0; i < got; i++) {
			seq = evs[i].id;
			if (strcmp(evs[i].resource, name) != 0)
				continue;
			for (uint32_t k = 0; k < evs[i].nids; k++) {
				if (*n == cap) {
					cap = cap ? cap * 2 : 64;
					ids = xrealloc(ids, cap * sizeof(*ids));
				}
				ids[(*n)++] = evs[i].ids[k];
			}
		}
	}
	free(evs);
	if (*n > 0)
		ids_sort(ids, *n);
	return ids;
}

static void
publish(struct evring *ring, const char *name, enum ev_action a, const int64_t *ids, size_t n)
{
	struct timespec ts;

	if (n == 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (evring_publish(ring, name, a, ids, n, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, NULL) != EVRING_OK)
		log_warn("events poller: the ring is busy; changes of %s not announced", name);
}

static const char *
date_of(json_object *rec, const char *field)
{
	json_object *v;

	if (!json_object_object_get_ex(rec, field, &v) || !json_object_is_type(v, json_type_string) ||
	    strlen(json_object_get_string(v)) != DATE_LEN - 1)
		return NULL;
	return json_object_get_string(v);
}

/*
 * The first pass: the mark the previous holder of the lease saved, when it
 * is fresh (the lease moved: go on from there; the records at that mark are
 * announced again); else the newest write_date in Odoo.  The ids are
 * remembered for the deletions of the next pass.
 */
static void
first_pass(struct ctx *c, struct evring *ring, const struct resource *r, struct watched *w, int64_t now_ms)
{
	static const char *const fields[] = { "write_date" };
	json_object *kw = json_object_new_object(), *out, *rec;
	const char *d;
	struct evring_mark m;

	if (evring_mark_load(ring, r->name, now_ms - c->cfg->events_poll * 3000 - 5000, &m)) {
		/*
		 * Go on from the last holder's place: the ids it saw at the mark,
		 * and what the ring announced since (the bridge's writes, its own
		 * events) are not announced again.
		 */
		json_object_put(kw);
		memcpy(w->mark, m.mark, DATE_LEN);
		free(w->at_mark);
		w->at_mark = xmalloc((m.n_ids + 1) * sizeof(*w->at_mark));
		ids_copy(w->at_mark, m.ids, m.n_ids);
		w->n_at_mark = m.n_ids;
		ids_sort(w->at_mark, w->n_at_mark);
		w->at_mark_closed = m.closed;
		free(w->bridged);
		w->bridged = xmalloc((m.n_bridged + 1) * sizeof(*w->bridged));
		ids_copy(w->bridged, m.bridged, m.n_bridged);
		w->n_bridged = m.n_bridged;
		ids_sort(w->bridged, w->n_bridged);
		w->seq = m.seq;
		w->ids_known = false;
		free(w->ids);
		w->ids = NULL;
		w->ready = true;
		return;
	}
	json_object_object_add(kw, "fields", str_array(fields, 1));
	json_object_object_add(kw, "order", json_object_new_string("write_date desc, id desc"));
	json_object_object_add(kw, "limit", json_object_new_int(1));
	if ((out = call(c, r->model, "search_read", json_array1(domain_of(r)), kw)) == NULL)
		return;
	strcpy(w->mark, "1970-01-01 00:00:00");
	if (json_object_is_type(out, json_type_array) && json_object_array_length(out) == 1 &&
	    (rec = json_object_array_get_idx(out, 0)) != NULL && (d = date_of(rec, "write_date")) != NULL)
		memcpy(w->mark, d, DATE_LEN);
	json_object_put(out);
	free(w->at_mark);
	w->at_mark = NULL;
	w->n_at_mark = 0;
	/* Every record at the mark counts as seen: only what comes after is news. */
	{
		json_object *dom = domain_of(r), *term = json_object_new_array();
		json_object *kw2 = json_object_new_object();
		static const char *const idf[] = { "id" };

		json_object_array_add(term, json_object_new_string("write_date"));
		json_object_array_add(term, json_object_new_string("="));
		json_object_array_add(term, json_object_new_string(w->mark));
		json_object_array_add(dom, term);
		json_object_object_add(kw2, "fields", str_array(idf, 1));
		json_object_object_add(kw2, "limit", json_object_new_int(EVPOLL_BATCH));
		if ((out = call(c, r->model, "search_read", json_array1(dom), kw2)) != NULL) {
			size_t len = json_object_is_type(out, json_type_array) ? json_object_array_length(out) : 0;
			json_object *v;

			w->at_mark = xmalloc((len + 1) * sizeof(*w->at_mark));
			for (size_t i = 0; i < len; i++)
				if (json_object_object_get_ex(json_object_array_get_idx(out, i), "id", &v))
					w->at_mark[w->n_at_mark++] = json_object_get_int64(v);
			ids_sort(w->at_mark, w->n_at_mark);
			json_object_put(out);
		}
	}
	free(w->ids);
	w->ids = NULL;
	w->ids_known = all_ids(c, r, w, &w->ids, &w->n_ids);
	/* Odoo's newest records are at the mark: seen, unless their second may still be going on. */
	w->at_mark_closed = w->at_mark != NULL && mark_closed(w->mark, time(NULL));
	free(w->bridged);
	w->bridged = NULL;
	w->n_bridged = 0;
	w->seq = evring_last(ring);
	w->ready = true;
	save_mark(ring, r->name, w, now_ms);
}

static void
pass(struct ctx *c, struct evring *ring, const struct resource *r, struct watched *w, int64_t now_ms)
{
	static const char *const fields[] = { "id", "write_date", "create_date" };
	json_object *kw = json_object_new_object(), *dom = domain_of(r), *term = json_object_new_array(), *out;
	size_t len, n_seen = 0, n_created = 0, n_updated = 0, n_deleted = 0, n_ann;
	time_t asked = time(NULL);
	int64_t *seen, *created, *updated, *deleted = NULL, *ann, *ids = NULL, *bridged;
	size_t n_bridged = 0;
	char mark[DATE_LEN];
	size_t n_ids = 0;

	json_object_array_add(term, json_object_new_string("write_date"));
	json_object_array_add(term, json_object_new_string(">="));
	json_object_array_add(term, json_object_new_string(w->mark));
	json_object_array_add(dom, term);
	json_object_object_add(kw, "fields", str_array(fields, 3));
	json_object_object_add(kw, "order", json_object_new_string("write_date asc, id asc"));
	json_object_object_add(kw, "limit", json_object_new_int(EVPOLL_BATCH));
	if ((out = call(c, r->model, "search_read", json_array1(dom), kw)) == NULL)
		return;
	len = json_object_is_type(out, json_type_array) ? json_object_array_length(out) : 0;
	ann = announced(ring, r->name, w->seq, &n_ann);
	seen = xmalloc((len + 1) * sizeof(*seen));
	created = xmalloc((len + 1) * sizeof(*created));
	updated = xmalloc((len + 1) * sizeof(*updated));
	bridged = xmalloc((len + 1) * sizeof(*bridged));
	memcpy(mark, w->mark, DATE_LEN);
	for (size_t i = 0; i < len; i++) {
		json_object *rec = json_object_array_get_idx(out, i), *v;
		const char *wd = date_of(rec, "write_date"), *cd = date_of(rec, "create_date");
		int64_t id;

		if (wd == NULL || !json_object_object_get_ex(rec, "id", &v))
			continue;
		id = json_object_get_int64(v);
		if (strcmp(wd, mark) > 0) {
			/* A newer second: the records at the old mark are behind us. */
			memcpy(mark, wd, DATE_LEN);
			n_seen = 0;
			n_bridged = 0;
		}
		seen[n_seen++] = id;
		if (strcmp(wd, w->mark) == 0 && w->at_mark_closed && has_id(w->at_mark, w->n_at_mark, id))
			continue;   /* announced at a previous pass */
		if (has_id(ann, n_ann, id) ||
		    (strcmp(wd, w->mark) == 0 && has_id(w->bridged, w->n_bridged, id))) {
			/* Written through the bridge, announced then (a later pass still sees it at the mark). */
			bridged[n_bridged++] = id;
			continue;
		}
		/*
		 * Created after the mark; or at it, never written since (Odoo's
		 * create gives both dates one value) and not seen there yet.  After
		 * a change of holder (no ids seen at the mark), a record created
		 * and written within one second may be announced as created twice.
		 */
		if (cd != NULL && (strcmp(cd, w->mark) > 0 ||
		                   (strcmp(cd, w->mark) == 0 && strcmp(cd, wd) == 0 &&
		                    !has_id(w->at_mark, w->n_at_mark, id))))
			created[n_created++] = id;
		else
			updated[n_updated++] = id;
	}
	json_object_put(out);
	/* The new mark and the ids at it (all of them: a mark unchanged keeps the old ones too). */
	/* bridged holds this pass's ids at the final mark (it restarted with each newer second). */
	if (strcmp(mark, w->mark) == 0) {
		w->bridged = xrealloc(w->bridged, (w->n_bridged + n_bridged + 1) * sizeof(*w->bridged));
		ids_copy(w->bridged + w->n_bridged, bridged, n_bridged);
		w->n_bridged += n_bridged;
		free(bridged);
	} else {
		free(w->bridged);
		w->bridged = bridged;
		w->n_bridged = n_bridged;
	}
	ids_sort(w->bridged, w->n_bridged);
	if (strcmp(mark, w->mark) == 0) {
		w->at_mark = xrealloc(w->at_mark, (w->n_at_mark + n_seen + 1) * sizeof(*w->at_mark));
		ids_copy(w->at_mark + w->n_at_mark, seen, n_seen);
		w->n_at_mark += n_seen;
		free(seen);
	} else {
		free(w->at_mark);
		w->at_mark = seen;
		w->n_at_mark = n_seen;
		memcpy(w->mark, mark, DATE_LEN);
	}
	ids_sort(w->at_mark, w->n_at_mark);
	w->at_mark_closed = mark_closed(w->mark, asked);
	publish(ring, r->name, EV_CREATED, created, n_created);
	publish(ring, r->name, EV_UPDATED, updated, n_updated);
	/* Deletions: the ids that vanished. */
	if (all_ids(c, r, w, &ids, &n_ids)) {
		if (w->ids_known) {
			deleted = xmalloc((w->n_ids + 1) * sizeof(*deleted));
			for (size_t i = 0; i < w->n_ids; i++)
				if (!has_id(ids, n_ids, w->ids[i]) && !has_id(ann, n_ann, w->ids[i]))
					deleted[n_deleted++] = w->ids[i];
			publish(ring, r->name, EV_DELETED, deleted, n_deleted);
		}
		free(w->ids);
		w->ids = ids;
		w->n_ids = n_ids;
		w->ids_known = true;
	} else {
		w->ids_known = false;
	}
	/* After this pass's own events: the next one tells the bridge's writes from them. */
	w->seq = evring_last(ring);
	save_mark(ring, r->name, w, now_ms);
	free(created);
	free(updated);
	free(deleted);
	free(ann);
}

void
evpoll_tick(struct ctx *c, struct evring *ring, int64_t now_ms, int64_t stale_ms)
{
	const char *names[WATCH_MAX];
	char store[WATCH_MAX * EVRING_RES_MAX];
	size_t n;
	int64_t lease = c->cfg->events_poll * 3000 + 5000;

	if (pthread_mutex_trylock(&lock) != 0)
		return;   /* another thread of this process is polling */
	if (!evring_poll_lease(ring, now_ms, lease)) {
		/* Another process polls: what this one knew goes stale; start afresh if the lease comes back. */
		for (size_t i = 0; i < n_watch; i++)
			watch[i].ready = false;
		pthread_mutex_unlock(&lock);
		return;
	}
	n = evring_watched(ring, now_ms, stale_ms, store, sizeof store, names, WATCH_MAX);
	/* Each poll is a round of Odoo calls of its own: a timeout in the last one
	 * must not fail this one at once (odoo_request_begin, odoo.h). */
	odoo_request_begin(ctx_odoo(c));
	/* A resource no one follows any more is forgotten: followed again, it starts from a fresh mark. */
	for (size_t k = 0; k < n_watch; k++) {
		bool followed = false;

		for (size_t i = 0; i < n && !followed; i++)
			followed = strcmp(watch[k].name, names[i]) == 0;
		if (!followed)
			watch[k].ready = false;
	}
	for (size_t i = 0; i < n; i++) {
		const struct resource *r = resource_find(names[i]);
		struct watched *w = watched_of(names[i]);

		if (r == NULL || w == NULL)
			continue;
		if (!w->ready)
			first_pass(c, ring, r, w, now_ms);
		else
			pass(c, ring, r, w, now_ms);
	}
	pthread_mutex_unlock(&lock);
}

void
evpoll_stream_end(struct evring *ring)
{
	/* The next stream's tick takes the lease at once, and goes on from the saved marks. */
	evring_poll_release(ring);
}
