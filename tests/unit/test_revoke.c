/* test_revoke.c: unit tests for revoke.c (expiry, full neighbourhoods, sharing between processes, file checks, a hung lock). */
#include "autoconfig.h"
#undef NDEBUG
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "revoke.h"
#include "throttle.h"
#include "shm_fixture.h"
#include "util.h"

static void
setup(void)
{
	shm_fixture_setup("test_revoke", "revoked");
}

TestSuite(revoke, .init = setup, .fini = shm_fixture_teardown);

static struct revoke *
open_sized_ok(uint32_t nslots)
{
	enum revoke_err err = REVOKE_E_SYSTEM;
	struct revoke *r = revoke_open_sized(shm_path, nslots, &err);

	cr_assert_not_null(r);
	cr_assert_eq(err, REVOKE_OK, "revoke_open: %s", revoke_strerror(err));
	cr_assert(revoke_is_shared(r));
	return r;
}

static struct revoke *
open_ok(void)
{
	return open_sized_ok(REVOKE_DEFAULT_SLOTS);
}

/* A jti like ours: 32 hex digits from n. */
static const char *
jti_of(unsigned n, char buf[33])
{
	snprintf(buf, 33, "%08x%08x%08x%08x", n, n * 2654435761u, ~n, n ^ 0x5a5a5a5au);
	return buf;
}

Test(revoke, add_then_contains)
{
	struct revoke *r = open_ok();
	char a[33], b[33];

	jti_of(1, a);
	jti_of(2, b);
	cr_assert(!revoke_contains(r, a, 1000));
	cr_assert(revoke_add(r, a, 2800, 1000));
	cr_assert(revoke_contains(r, a, 1000));
	cr_assert_eq(revoke_lookup(r, a, 1000), REVOKE_PRESENT);
	cr_assert(!revoke_contains(r, b, 1000), "another jti is not revoked");
	cr_assert_eq(revoke_lookup(r, b, 1000), REVOKE_ABSENT);
	a[0] = a[0] == 'A' ? 'B' : 'A';
	cr_assert(!revoke_contains(r, a, 1000), "jtis compare exactly");
	cr_assert(revoke_add(r, a, 2800, 1000), "adding twice is fine");
	cr_assert(revoke_add(r, a, 2800, 1000));
	revoke_close(r);
	revoke_close(NULL);
}

Test(revoke, entries_expire_with_their_token)
{
	struct revoke *r = open_ok();
	char a[33];

	jti_of(7, a);
	cr_assert(revoke_add(r, a, 2000, 1000));
	cr_assert(revoke_contains(r, a, 1999));
	cr_assert(!revoke_contains(r, a, 2000), "at exp the token is dead by itself");
	/* A later exp extends the entry; an earlier one does not shorten it. */
	cr_assert(revoke_add(r, a, 3000, 1500));
	cr_assert(revoke_add(r, a, 2500, 1500));
	cr_assert(revoke_contains(r, a, 2999));
	cr_assert(!revoke_contains(r, a, 3000));
	/* A token already expired needs no entry: recorded as done, not stored. */
	cr_assert(revoke_add(r, "expired-already", 900, 1000));
	cr_assert(!revoke_contains(r, "expired-already", 899));
	revoke_close(r);
}

Test(revoke, jti_length_is_bounded)
{
	struct revoke *r = open_ok();
	char longest[REVOKE_JTI_MAX + 1], too_long[REVOKE_JTI_MAX + 2];

	memset(longest, 'a', REVOKE_JTI_MAX);
	longest[REVOKE_JTI_MAX] = '\0';
	memset(too_long, 'a', REVOKE_JTI_MAX + 1);
	too_long[REVOKE_JTI_MAX + 1] = '\0';
	cr_assert(revoke_add(r, longest, 2000, 1000));
	cr_assert(revoke_contains(r, longest, 1000));
	cr_assert(!revoke_add(r, too_long, 2000, 1000));
	cr_assert(!revoke_contains(r, too_long, 1000), "a prefix's entry does not revoke a longer jti");
	cr_assert(!revoke_add(r, "", 2000, 1000));
	cr_assert(!revoke_add(r, NULL, 2000, 1000));
	cr_assert(!revoke_contains(r, "", 1000));
	cr_assert(!revoke_contains(r, NULL, 1000));
	revoke_close(r);
}

/*
 * The smallest list is one neighbourhood of REVOKE_PROBE entries: once
 * they all hold live entries, a new revocation fails instead of evicting
 * one; an expired entry is reused.
 */
Test(revoke, full_neighbourhood_fails_instead_of_evicting)
{
	struct revoke *r = open_sized_ok(REVOKE_PROBE);
	char j[33];

	for (unsigned i = 0; i < REVOKE_PROBE; i++)
		cr_assert(revoke_add(r, jti_of(i, j), 2000 + i, 1000), "entry %u", i);
	cr_assert(!revoke_add(r, jti_of(1000, j), 5000, 1000), "a live entry was evicted");
	for (unsigned i = 0; i < REVOKE_PROBE; i++)
		cr_assert(revoke_contains(r, jti_of(i, j), 1500), "entry %u lost", i);
	cr_assert(revoke_add(r, jti_of(5, j), 9000, 1000), "a jti already there is extended even when full");
	/* At 2001, the entries with exp 2000 and 2001 are dead: two places. */
	cr_assert(revoke_add(r, jti_of(1000, j), 5000, 2001));
	cr_assert(revoke_add(r, jti_of(1001, j), 5000, 2001));
	cr_assert(!revoke_add(r, jti_of(1002, j), 5000, 2001));
	cr_assert(revoke_contains(r, jti_of(1000, j), 2001));
	cr_assert(revoke_contains(r, jti_of(5, j), 8999));
	cr_assert(!revoke_contains(r, jti_of(0, j), 2001));
	revoke_close(r);
}

/* The default list takes many revocations without a full neighbourhood. */
Test(revoke, default_list_holds_a_busy_half_hour)
{
	struct revoke *r = open_ok();
	char j[33];

	for (unsigned i = 0; i < 18000; i++)   /* 10 logouts a second for 30 minutes */
		cr_assert(revoke_add(r, jti_of(i, j), 1000 + 1800 + i / 10, 1000 + i / 10), "entry %u", i);
	for (unsigned i = 0; i < 18000; i += 97)
		cr_assert(revoke_contains(r, jti_of(i, j), 2799), "entry %u lost", i);
	revoke_close(r);
}

Test(revoke, file_is_created_0600_and_1mib)
{
	struct revoke *r = open_ok();
	struct stat st;

	cr_assert_eq(stat(shm_path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	cr_assert_eq(st.st_uid, geteuid());
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(st.st_size, 64 + 16 * REVOKE_DEFAULT_SLOTS, "size %lld", (long long)st.st_size);
	revoke_close(r);
}

Test(revoke, reopened_file_keeps_entries)
{
	struct revoke *r = open_ok();

	cr_assert(revoke_add(r, "abc", 2000, 1000));
	revoke_close(r);
	r = open_ok();
	cr_assert(revoke_contains(r, "abc", 1000));
	revoke_close(r);
}

static void
expect_fallback(enum revoke_err want)
{
	enum revoke_err err = REVOKE_OK;
	struct revoke *r = revoke_open(shm_path, &err);

	cr_assert_eq(err, want, "got %s, want %s", revoke_strerror(err), revoke_strerror(want));
	cr_assert(!revoke_is_shared(r));
	/* The private list still works, in this process. */
	cr_assert(revoke_add(r, "abc", 2000, 1000));
	cr_assert(revoke_contains(r, "abc", 1000));
	revoke_close(r);
}

Test(revoke, refuses_a_file_writable_by_group_or_others)
{
	int fd = open(shm_path, O_CREAT | O_WRONLY, 0600);

	cr_assert(fd >= 0);
	cr_assert_eq(fchmod(fd, 0620), 0);
	close(fd);
	expect_fallback(REVOKE_E_UNSAFE);
	cr_assert_eq(chmod(shm_path, 0602), 0);
	expect_fallback(REVOKE_E_UNSAFE);
}

Test(revoke, refuses_a_file_owned_by_another_user)
{
	int fd;

	if (geteuid() != 0)
		cr_skip_test("needs root to give a file to another user");
	fd = open(shm_path, O_CREAT | O_WRONLY, 0600);
	cr_assert(fd >= 0);
	cr_assert_eq(fchown(fd, 65534, 65534), 0);
	close(fd);
	expect_fallback(REVOKE_E_UNSAFE);
}

Test(revoke, refuses_a_symlink)
{
	char target[320];

	snprintf(target, sizeof(target), "%s/link", shm_dir);
	cr_assert_eq(symlink(target, shm_path), 0);
	expect_fallback(REVOKE_E_OPEN);
	cr_assert_eq(access(target, F_OK), -1, "the symlink's target must not be created");
}

/* Another table's file (here the throttle's, same header layout) is not misread. */
Test(revoke, refuses_a_throttle_file)
{
	struct throttle *t = throttle_open(shm_path, NULL);

	cr_assert(throttle_is_shared(t));
	throttle_close(t);
	expect_fallback(REVOKE_E_FORMAT);
}

/* Sets the version field of the file's header (after the 8-byte magic) to v. */
static void
set_file_version(uint32_t v)
{
	int fd = open(shm_path, O_WRONLY);

	cr_assert_geq(fd, 0);
	cr_assert_eq(pwrite(fd, &v, sizeof v, 8), (ssize_t)sizeof v);
	close(fd);
}

static ino_t
file_ino(void)
{
	struct stat st;

	cr_assert_eq(stat(shm_path, &st), 0);
	return st.st_ino;
}

/*
 * An upgrade leaves the earlier version's file in /dev/shm: a table of this
 * kind in another version is replaced by a new, shared one (it was a private
 * table per process, until someone removed the file), once: the next process
 * opens the new file.
 */
Test(revoke, a_file_of_another_version_is_replaced)
{
	struct revoke *r = open_ok(), *r2;
	ino_t old;

	cr_assert(revoke_add(r, "before", 2000, 1000));
	revoke_close(r);
	set_file_version(0);
	old = file_ino();
	r = open_ok();
	cr_assert_neq(file_ino(), old, "a new file took the old one's place");
	cr_assert_not(revoke_contains(r, "before", 1000), "nothing is read from the old format");
	cr_assert(revoke_add(r, "after", 2000, 1000));
	old = file_ino();
	r2 = open_ok();
	cr_assert_eq(file_ino(), old, "the new file is kept");
	cr_assert(revoke_contains(r2, "after", 1000), "both handles share the new file");
	revoke_close(r2);
	revoke_close(r);
	cr_assert_eq(access(shm_path, F_OK), 0);
}

/*
 * A later version's file is left alone (refused, as any file this version
 * cannot read): during a rolling upgrade or a downgrade, each version
 * replacing the other's would split the processes of one version between
 * two files.
 */
Test(revoke, a_file_of_a_later_version_is_refused_not_replaced)
{
	struct revoke *r = open_ok();
	enum revoke_err err = REVOKE_OK;
	ino_t old;

	revoke_close(r);
	set_file_version(99);
	old = file_ino();
	r = revoke_open(shm_path, &err);
	cr_assert_eq(err, REVOKE_E_FORMAT);
	cr_assert_not(revoke_is_shared(r));
	cr_assert_eq(file_ino(), old, "the later version's file is still there");
	revoke_close(r);
}

/*
 * Forks n children that all start fn at once (when the pipe closes), each on
 * its own handle, and checks that every one of them exits 0.
 */
static void
at_once(unsigned n, int (*fn)(unsigned p))
{
	pid_t pids[8];
	int go[2];

	cr_assert(n <= 8);
	cr_assert_eq(pipe(go), 0);
	for (unsigned p = 0; p < n; p++) {
		pids[p] = fork();
		cr_assert(pids[p] >= 0);
		if (pids[p] == 0) {
			char c;

			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(3);
			_exit(fn(p));
		}
	}
	close(go[0]);
	close(go[1]);
	for (unsigned p = 0; p < n; p++) {
		int status;
		cr_assert_eq(waitpid(pids[p], &status, 0), pids[p]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %u status %d", p, status);
	}
}

static int
open_and_revoke_one(unsigned p)
{
	struct revoke *mine = revoke_open(shm_path, NULL);
	char k[33];

	return !revoke_is_shared(mine) ? 2 : revoke_add(mine, jti_of(p, k), 5000, 1000) ? 0 : 1;
}

/* Processes starting at once on such a file all end up on one new file. */
Test(revoke, processes_racing_to_replace_share_one_file)
{
	struct revoke *r = open_ok();
	char j[33];

	revoke_close(r);
	set_file_version(0);
	at_once(4, open_and_revoke_one);
	r = open_ok();
	for (unsigned p = 0; p < 4; p++)
		cr_assert(revoke_contains(r, jti_of(p, j), 1000), "process %u's logout is in the file at the path", p);
	revoke_close(r);
}

Test(revoke, null_path_falls_back)
{
	enum revoke_err err;
	struct revoke *r = revoke_open(NULL, &err);

	cr_assert_eq(err, REVOKE_E_NO_PATH);
	cr_assert(!revoke_is_shared(r));
	revoke_close(r);
}

/* Runs fn in a child on its own handle (inherit: on r, inherited through fork); returns its exit status. */
static int
in_child(struct revoke *r, bool inherit, int (*fn)(struct revoke *))
{
	pid_t pid = fork();
	int status;

	cr_assert(pid >= 0);
	if (pid == 0) {
		struct revoke *mine = inherit ? r : revoke_open(shm_path, NULL);
		_exit(revoke_is_shared(mine) ? fn(mine) : 100);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "child status %d", status);
	return WEXITSTATUS(status);
}

static int
child_adds(struct revoke *r)
{
	return revoke_add(r, "from-the-child", 2000, 1000) ? 0 : 1;
}

static int
child_sees(struct revoke *r)
{
	return revoke_contains(r, "from-the-parent", 1000) && !revoke_contains(r, "never-revoked", 1000) ? 0 : 1;
}

Test(revoke, processes_see_each_others_revocations)
{
	for (int inherit = 0; inherit < 2; inherit++) {
		struct revoke *r = open_ok();

		cr_assert_eq(in_child(r, inherit, child_adds), 0);
		cr_assert(revoke_contains(r, "from-the-child", 1000), "the parent sees the child's logout");
		cr_assert(revoke_add(r, "from-the-parent", 2000, 1000));
		cr_assert_eq(in_child(r, inherit, child_sees), 0, "the child sees the parent's logout");
		revoke_close(r);
		cr_assert_eq(unlink(shm_path), 0);
	}
}

static int
revoke_2000(unsigned p)
{
	struct revoke *mine = revoke_open(shm_path, NULL);
	char k[33];

	for (unsigned i = 0; i < 2000; i++)
		if (!revoke_add(mine, jti_of(p * 100000u + i, k), 5000, 1000))
			return 1;
	return revoke_is_shared(mine) ? 0 : 2;
}

/* Four processes revoking at once lose nothing (the lock serialises the writers). */
Test(revoke, concurrent_processes_lose_no_revocation)
{
	struct revoke *r = open_ok();
	char j[33];

	at_once(4, revoke_2000);
	for (unsigned p = 0; p < 4; p++)
		for (unsigned i = 0; i < 2000; i++)
			cr_assert(revoke_contains(r, jti_of(p * 100000u + i, j), 1000), "%u/%u lost", p, i);
	revoke_close(r);
}

/* The documented answer: the lookup fails closed within the wait, the add fails. */
Test(revoke, hung_lock_holder_fails_closed_within_the_wait)
{
	struct revoke *r = open_ok();
	int64_t t0, ms;
	pid_t pid;

	cr_assert(revoke_add(r, "revoked", 2000, 1000));
	pid = shm_fixture_hold_lock();

	t0 = now_mono_us();
	cr_assert(revoke_contains(r, "never-revoked", 1000), "a token that cannot be checked counts as revoked");
	ms = (now_mono_us() - t0) / 1000;
	cr_assert(ms >= REVOKE_LOCK_WAIT_MS - 10 && ms < REVOKE_LOCK_WAIT_MS + 500, "waited %lld ms", (long long)ms);
	cr_assert_eq(revoke_lookup(r, "never-revoked", 1000), REVOKE_UNKNOWN);
	cr_assert(revoke_contains(r, "revoked", 1000));

	t0 = now_mono_us();
	cr_assert(!revoke_add(r, "during-the-hang", 2000, 1000), "a logout that cannot be recorded is not reported done");
	ms = (now_mono_us() - t0) / 1000;
	cr_assert(ms < REVOKE_LOCK_WAIT_MS + 500, "waited %lld ms", (long long)ms);

	shm_fixture_release(pid);
	cr_assert_eq(revoke_lookup(r, "never-revoked", 1000), REVOKE_ABSENT, "answers are back once the lock is free");
	cr_assert_eq(revoke_lookup(r, "revoked", 1000), REVOKE_PRESENT);
	cr_assert(!revoke_contains(r, "during-the-hang", 1000));
	revoke_close(r);
}

static int
child_revokes_memo(struct revoke *r)
{
	return revoke_add(r, "memo", 2000, 1000) ? 0 : 1;
}

/* The remembered "absent" of the last token is void as soon as any process revokes anything. */
Test(revoke, absent_memo_ends_with_a_revocation_elsewhere)
{
	struct revoke *r = open_ok();

	cr_assert_eq(revoke_lookup(r, "memo", 1000), REVOKE_ABSENT);
	cr_assert_eq(revoke_lookup(r, "memo", 1000), REVOKE_ABSENT);
	cr_assert_eq(in_child(r, false, child_revokes_memo), 0);
	cr_assert_eq(revoke_lookup(r, "memo", 1000), REVOKE_PRESENT, "the other process's logout is seen at once");
	revoke_close(r);
}

/*
 * The memo skips the lock (a hung holder does not delay the same token), and
 * holds for at most a second (MEMO_US): then the lock is asked again, and a
 * writer that did not bump the counter would be seen.
 */
Test(revoke, absent_memo_skips_the_lock_for_at_most_a_second)
{
	struct revoke *r = open_ok();
	int64_t t0;
	pid_t pid;

	cr_assert_eq(revoke_lookup(r, "same-token", 1000), REVOKE_ABSENT);
	pid = shm_fixture_hold_lock();
	t0 = now_mono_us();
	cr_assert_eq(revoke_lookup(r, "same-token", 1000), REVOKE_ABSENT);
	cr_assert(now_mono_us() - t0 < REVOKE_LOCK_WAIT_MS * 1000 / 2, "the memo did not wait for the lock");
	cr_assert_eq(revoke_lookup(r, "another-token", 1000), REVOKE_UNKNOWN, "other tokens still need the lock");
	while (now_mono_us() - t0 < 1100000)
		usleep(50000);
	cr_assert_eq(revoke_lookup(r, "same-token", 1000), REVOKE_UNKNOWN, "after a second the lock is needed again");
	shm_fixture_release(pid);
	revoke_close(r);
}

Test(revoke, crashed_lock_holder_does_not_wedge_others)
{
	struct revoke *r = open_ok();

	shm_fixture_release(shm_fixture_hold_lock());
	cr_assert(revoke_add(r, "abc", 2000, 1000));
	cr_assert_eq(revoke_lookup(r, "abc", 1000), REVOKE_PRESENT);
	revoke_close(r);
}

Test(revoke, strerror_names_every_error)
{
	for (int e = REVOKE_OK; e <= REVOKE_E_SYSTEM; e++)
		cr_assert_str_neq(revoke_strerror((enum revoke_err)e), "unknown revocation error");
}
