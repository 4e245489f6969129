/* test_evring.c: unit tests for evring.c (ring order, wraparound, resume and reset, streams and their bounds, the poller's lease) and events.c's formatting. */
#include "autoconfig.h"
#undef NDEBUG
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "events.h"
#include "evring.h"
#include "shm_fixture.h"
#include "util.h"

static void
setup(void)
{
	shm_fixture_setup("test_evring", "events");
}

TestSuite(evring, .init = setup, .fini = shm_fixture_teardown);

static struct evring *
open_ok(uint32_t n)
{
	enum shmtab_err err = SHMTAB_E_SYSTEM;
	struct evring *r = evring_open(shm_path, n, &err);

	cr_assert_not_null(r);
	cr_assert_eq(err, SHMTAB_OK);
	return r;
}

static void
pub1(struct evring *r, const char *res, enum ev_action a, int64_t id)
{
	cr_assert_eq(evring_publish(r, res, a, &id, 1, 1000, NULL), EVRING_OK);
}

Test(evring, ids_start_at_one_and_read_in_order)
{
	struct evring *r = open_ok(64);
	struct ev out[8];
	size_t n;

	cr_assert_eq(evring_last(r), 0);
	pub1(r, "products", EV_CREATED, 7);
	pub1(r, "sales", EV_UPDATED, 8);
	pub1(r, "products", EV_DELETED, 9);
	cr_assert_eq(evring_last(r), 3);
	cr_assert_eq(evring_since(r, 0, out, 8, &n), EVRING_OK);
	cr_assert_eq(n, 3);
	cr_assert_eq(out[0].id, 1);
	cr_assert_str_eq(out[0].resource, "products");
	cr_assert_eq(out[0].action, EV_CREATED);
	cr_assert_eq(out[0].ids[0], 7);
	cr_assert_str_eq(out[1].resource, "sales");
	cr_assert_eq(out[2].action, EV_DELETED);
	/* Resume after 2: only the third. */
	cr_assert_eq(evring_since(r, 2, out, 8, &n), EVRING_OK);
	cr_assert_eq(n, 1);
	cr_assert_eq(out[0].id, 3);
	/* Nothing new after the last. */
	cr_assert_eq(evring_since(r, 3, out, 8, &n), EVRING_OK);
	cr_assert_eq(n, 0);
	/* max bounds a read. */
	cr_assert_eq(evring_since(r, 0, out, 2, &n), EVRING_OK);
	cr_assert_eq(n, 2);
	evring_close(r);
}

Test(evring, wraparound_keeps_the_last_size_events_and_resets_older_readers)
{
	struct evring *r = open_ok(64);
	struct ev out[64];
	size_t n;

	cr_assert_eq(evring_size(r), 64);
	for (int64_t i = 1; i <= 200; i++)
		pub1(r, "products", EV_UPDATED, i);
	cr_assert_eq(evring_last(r), 200);
	/* 136..200 are the last 64 after 136: still there (each slot holds its own id). */
	cr_assert_eq(evring_since(r, 136, out, 64, &n), EVRING_OK);
	cr_assert_eq(n, 64);
	cr_assert_eq(out[0].id, 137);
	cr_assert_eq(out[0].ids[0], 137);
	cr_assert_eq(out[63].id, 200);
	/* A reader at 100 lost 101..136: reset. */
	cr_assert_eq(evring_since(r, 100, out, 64, &n), EVRING_RESET);
	cr_assert_eq(n, 0);
	/* A reader ahead of the ring (the file was made again): reset. */
	cr_assert_eq(evring_since(r, 500, out, 64, &n), EVRING_RESET);
	evring_close(r);
}

Test(evring, many_ids_are_cut_into_consecutive_events)
{
	struct evring *r = open_ok(64);
	int64_t ids[130];
	struct ev out[8];
	uint64_t last = 0;
	size_t n;

	for (int i = 0; i < 130; i++)
		ids[i] = i + 1;
	cr_assert_eq(evring_publish(r, "customers", EV_DELETED, ids, 130, 5, &last), EVRING_OK);
	cr_assert_eq(last, 3);
	cr_assert_eq(evring_since(r, 0, out, 8, &n), EVRING_OK);
	cr_assert_eq(n, 3);
	cr_assert_eq(out[0].nids, EVRING_IDS_MAX);
	cr_assert_eq(out[1].nids, EVRING_IDS_MAX);
	cr_assert_eq(out[2].nids, 130 - 2 * EVRING_IDS_MAX);
	cr_assert_eq(out[2].ids[out[2].nids - 1], 130);
	/* Nothing published for no ids, an unknown action or a name too long for a slot. */
	cr_assert_eq(evring_publish(r, "customers", EV_DELETED, ids, 0, 5, NULL), EVRING_OK);
	cr_assert_eq(evring_publish(r, "a_resource_name_far_too_long_for_a_slot", EV_DELETED, ids, 1, 5, NULL),
	             EVRING_OK);
	cr_assert_eq(evring_last(r), 3);
	evring_close(r);
}

Test(evring, events_reach_another_process)
{
	struct evring *r = open_ok(64);
	pid_t pid = fork();
	int st;

	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct evring *c = evring_open(shm_path, 64, NULL);

		pub1(c, "sales", EV_UPDATED, 42);
		evring_close(c);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(evring_last(r), 1);
	{
		struct ev out[1];
		size_t n;

		cr_assert_eq(evring_since(r, 0, out, 1, &n), EVRING_OK);
		cr_assert_eq(out[0].ids[0], 42);
	}
	evring_close(r);
}

Test(evring, a_held_lock_is_busy_not_a_wait)
{
	struct evring *r = open_ok(64);
	pid_t holder = shm_fixture_hold_lock();
	struct ev out[1];
	size_t n;
	int64_t id = 1;

	cr_assert_eq(evring_publish(r, "sales", EV_UPDATED, &id, 1, 1, NULL), EVRING_BUSY);
	cr_assert_eq(evring_since(r, 0, out, 1, &n), EVRING_BUSY);
	shm_fixture_release(holder);
	cr_assert_eq(evring_publish(r, "sales", EV_UPDATED, &id, 1, 1, NULL), EVRING_OK);
	evring_close(r);
}

Test(evring, streams_per_user_are_bounded_and_freed)
{
	struct evring *r = open_ok(64);
	int s1, s2, s3, s4;

	cr_assert_eq(evring_stream_enter(r, 5, "products", 2, 1000, 10000, &s1), EVRING_OK);
	cr_assert_eq(evring_stream_enter(r, 5, "sales", 2, 1000, 10000, &s2), EVRING_OK);
	cr_assert_eq(evring_stream_enter(r, 5, "sales", 2, 1000, 10000, &s3), EVRING_TOO_MANY);
	cr_assert_eq(s3, -1);
	/* Another user has a bound of their own. */
	cr_assert_eq(evring_stream_enter(r, 6, "sales", 2, 1000, 10000, &s4), EVRING_OK);
	cr_assert_eq(evring_streams(r, 1000, 10000), 3);
	evring_stream_leave(r, s1);
	cr_assert_eq(evring_stream_enter(r, 5, "sales", 2, 1000, 10000, &s3), EVRING_OK);
	evring_close(r);
}

Test(evring, a_stream_not_touched_goes_stale)
{
	struct evring *r = open_ok(64);
	int s1, s2;

	cr_assert_eq(evring_stream_enter(r, 5, "products", 1, 1000, 10000, &s1), EVRING_OK);
	cr_assert_eq(evring_stream_enter(r, 5, "products", 1, 5000, 10000, &s2), EVRING_TOO_MANY);
	evring_stream_touch(r, s1, 9000);
	cr_assert_eq(evring_stream_enter(r, 5, "products", 1, 15000, 10000, &s2), EVRING_TOO_MANY);
	/* 10 s after its last touch: free. */
	cr_assert_eq(evring_stream_enter(r, 5, "products", 1, 19000, 10000, &s2), EVRING_OK);
	cr_assert_eq(evring_streams(r, 19000, 10000), 1);
	evring_close(r);
}

Test(evring, a_dead_process_stream_does_not_count)
{
	struct evring *r = open_ok(64);
	pid_t pid = fork();
	int st, s;

	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct evring *c = evring_open(shm_path, 64, NULL);
		int cs;

		_exit(evring_stream_enter(c, 5, "products", 1, 1000, 100000, &cs) == EVRING_OK ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(WEXITSTATUS(st), 0);
	/* The child is gone without leaving: its slot is free at once. */
	cr_assert_eq(evring_stream_enter(r, 5, "products", 1, 1000, 100000, &s), EVRING_OK);
	evring_close(r);
}

Test(evring, watched_lists_each_followed_resource_once)
{
	struct evring *r = open_ok(64);
	const char *names[8];
	char store[256];
	int s1, s2;
	size_t n;

	cr_assert_eq(evring_watched(r, 1000, 10000, store, sizeof store, names, 8), 0);
	cr_assert_eq(evring_stream_enter(r, 5, "products,sales", 4, 1000, 10000, &s1), EVRING_OK);
	cr_assert_eq(evring_stream_enter(r, 6, "sales,customers", 4, 1000, 10000, &s2), EVRING_OK);
	n = evring_watched(r, 1000, 10000, store, sizeof store, names, 8);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(names[0], "products");
	cr_assert_str_eq(names[1], "sales");
	cr_assert_str_eq(names[2], "customers");
	evring_stream_leave(r, s1);
	n = evring_watched(r, 1000, 10000, store, sizeof store, names, 8);
	cr_assert_eq(n, 2);
	evring_close(r);
}

Test(evring, one_poller_holds_the_lease)
{
	struct evring *r = open_ok(64);
	pid_t pid;
	int st;

	cr_assert(evring_poll_lease(r, 1000, 5000));
	cr_assert(evring_poll_lease(r, 2000, 5000));   /* renewed by its holder */
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct evring *c = evring_open(shm_path, 64, NULL);
		/* Held by a live process until 7000: not at 3000; at 8000 it is expired. */
		int ok = !evring_poll_lease(c, 3000, 5000) && evring_poll_lease(c, 8000, 5000);
		_exit(ok ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(WEXITSTATUS(st), 0);
	/* The child took it and died: its lease is free at once. */
	cr_assert(evring_poll_lease(r, 8100, 5000));
	evring_close(r);
}

/* ---- events.c's formatting ---- */

Test(events_format, one_event_as_server_sent_event)
{
	struct ev e;
	struct buf b;

	memset(&e, 0, sizeof e);
	e.id = 42;
	e.at_ms = 1796512781123LL;   /* 2026-12-05T23:19:41.123Z */
	e.action = EV_UPDATED;
	e.nids = 2;
	e.ids[0] = 7;
	e.ids[1] = 9;
	strcpy(e.resource, "products");
	buf_init(&b, 4096);
	cr_assert(events_format(&b, &e));
	cr_assert(buf_append(&b, "", 1));
	cr_assert_str_eq(b.data, "event: products\nid: 42\n"
	                 "data: {\"resource\":\"products\",\"action\":\"updated\",\"ids\":[7,9],"
	                 "\"at\":\"2026-12-05T23:19:41.123Z\"}\n\n");
	buf_free(&b);
}

Test(events_format, reset_event)
{
	struct buf b;

	buf_init(&b, 4096);
	cr_assert(events_format_reset(&b, 17));
	cr_assert(buf_append(&b, "", 1));
	cr_assert_str_eq(b.data, "event: reset\nid: 17\ndata: {\"action\":\"reset\"}\n\n");
	buf_free(&b);
}

Test(events_format, resources_list)
{
	const char *names[4], *bad;
	size_t n;

	cr_assert(events_parse_resources("products,sales", names, 4, &n, &bad));
	cr_assert_eq(n, 2);
	cr_assert_str_eq(names[0], "products");
	cr_assert_str_eq(names[1], "sales");
	cr_assert(events_parse_resources("sales,sales", names, 4, &n, &bad));
	cr_assert_eq(n, 1);
	cr_assert_not(events_parse_resources("products,nope", names, 4, &n, &bad));
	cr_assert_not(events_parse_resources("products,", names, 4, &n, &bad));
	cr_assert_not(events_parse_resources(",products", names, 4, &n, &bad));
	cr_assert_not(events_parse_resources("", names, 4, &n, &bad));
}

Test(evring, the_pollers_place_is_kept_for_the_next_holder)
{
	struct evring *r = open_ok(64);
	struct evring_mark m, got;

	memset(&m, 0, sizeof m);
	cr_assert_not(evring_mark_load(r, "customers", 0, &got));
	strcpy(m.mark, "2026-12-05 23:19:41");
	m.seq = 17;
	m.closed = true;
	m.n_ids = 2;
	m.ids[0] = 5;
	m.ids[1] = 9;
	evring_mark_save(r, "customers", &m, 1000);
	cr_assert(evring_mark_load(r, "customers", 1000, &got));
	cr_assert_str_eq(got.mark, "2026-12-05 23:19:41");
	cr_assert_eq(got.seq, 17);
	cr_assert(got.closed);
	cr_assert_eq(got.n_ids, 2);
	cr_assert_eq(got.ids[1], 9);
	cr_assert_eq(got.n_bridged, 0);
	/* The bridge's ids are kept first when both do not fit. */
	m.n_bridged = 3;
	m.bridged[0] = 70;
	m.bridged[2] = 72;
	m.n_ids = EVRING_MARK_IDS;
	evring_mark_save(r, "customers", &m, 1000);
	cr_assert(evring_mark_load(r, "customers", 1000, &got));
	cr_assert_eq(got.n_bridged, 3);
	cr_assert_eq(got.bridged[2], 72);
	cr_assert_eq(got.n_ids, EVRING_MARK_IDS - 3);
	m.n_bridged = 0;
	m.n_ids = 2;
	/* Saved before since_ms: too old to go on from. */
	cr_assert_not(evring_mark_load(r, "customers", 1001, &got));
	cr_assert_not(evring_mark_load(r, "products", 0, &got));
	/* More ids than a slot holds: the first EVRING_MARK_IDS are kept. */
	m.n_ids = EVRING_MARK_IDS + 10;
	evring_mark_save(r, "customers", &m, 2000);
	cr_assert(evring_mark_load(r, "customers", 2000, &got));
	cr_assert_eq(got.n_ids, EVRING_MARK_IDS);
	/* More resources than slots: the oldest place goes. */
	for (int i = 0; i < EVRING_MARKS; i++) {
		char name[16];

		snprintf(name, sizeof name, "res%d", i);
		evring_mark_save(r, name, &m, 3000 + i);
	}
	cr_assert_not(evring_mark_load(r, "customers", 0, &got));
	cr_assert(evring_mark_load(r, "res0", 0, &got));
	evring_close(r);
}

Test(evring, a_released_lease_is_free_at_once)
{
	struct evring *r = open_ok(64);
	pid_t pid;
	int st;

	cr_assert(evring_poll_lease(r, 1000, 60000));
	evring_poll_release(r);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct evring *c = evring_open(shm_path, 64, NULL);
		int ok = evring_poll_lease(c, 1001, 60000);

		/* Held by this (live) child now: the parent cannot take it, nor release it. */
		_exit(ok ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(WEXITSTATUS(st), 0);
	evring_close(r);
}
