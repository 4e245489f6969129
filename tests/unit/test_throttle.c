/* test_throttle.c: unit tests for throttle.c (windows, eviction, sharing between processes, file checks). */
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

#include "throttle.h"
#include "util.h"

static char dir[256];
static char path[300];
static pid_t holder = -1;   /* a child holding the file lock; killed by teardown whatever happens */

static void
setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/test_throttle.XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : P_tmpdir);
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/throttle", dir);
}

static void
teardown(void)
{
	char p2[320];

	if (holder > 0) {
		kill(holder, SIGKILL);
		waitpid(holder, NULL, 0);
		holder = -1;
	}
	unlink(path);
	snprintf(p2, sizeof(p2), "%s/link", dir);
	unlink(p2);
	rmdir(dir);
}

TestSuite(throttle, .init = setup, .fini = teardown);

static struct throttle *
open_ok(void)
{
	enum throttle_err err = THROTTLE_E_SYSTEM;
	struct throttle *t = throttle_open(path, &err);

	cr_assert_not_null(t);
	cr_assert_eq(err, THROTTLE_OK, "throttle_open: %s", throttle_strerror(err));
	cr_assert(throttle_is_shared(t));
	return t;
}

static bool
blocked(struct throttle *t, const char *login, const char *addr, int64_t now,
	long max_login, long max_addr, long *retry)
{
	long r = -1;
	enum throttle_verdict v = throttle_check(t, login, addr, now, max_login, max_addr, 60, &r);

	if (retry != NULL)
		*retry = r;
	if (v == THROTTLE_ALLOW)
		cr_assert_eq(r, 0, "allowed with retry_after %ld", r);
	else
		cr_assert(r >= 1 && r <= 60, "blocked with retry_after %ld", r);
	return v == THROTTLE_BLOCK;
}

Test(throttle, login_window_and_retry_after)
{
	struct throttle *t = open_ok();
	long retry;

	throttle_fail(t, "admin", "192.0.2.1", 1000);
	throttle_fail(t, "admin", "192.0.2.1", 1010);
	cr_assert(!blocked(t, "admin", "192.0.2.9", 1011, 3, 0, NULL));
	throttle_fail(t, "admin", "192.0.2.1", 1020);
	cr_assert(blocked(t, "admin", "192.0.2.9", 1030, 3, 0, &retry));
	cr_assert_eq(retry, 30, "the failure at 1000 leaves the window at 1060");
	cr_assert(blocked(t, "admin", "192.0.2.9", 1059, 3, 0, &retry));
	cr_assert_eq(retry, 1);
	cr_assert(!blocked(t, "admin", "192.0.2.9", 1060, 3, 0, NULL));
	/* With a limit of 2, the second-oldest failure must leave too. */
	cr_assert(blocked(t, "admin", NULL, 1060, 2, 0, &retry));
	cr_assert_eq(retry, 10);
	/* Another login is not affected. */
	cr_assert(!blocked(t, "demo", "192.0.2.9", 1030, 1, 0, NULL));
	throttle_close(t);
}

Test(throttle, login_is_case_insensitive)
{
	struct throttle *t = open_ok();

	throttle_fail(t, "Admin", NULL, 1000);
	throttle_fail(t, "ADMIN", NULL, 1001);
	cr_assert(blocked(t, "admin", NULL, 1002, 2, 0, NULL));
	cr_assert(!blocked(t, "admin2", NULL, 1002, 1, 0, NULL));
	throttle_close(t);
}

Test(throttle, address_limit_across_logins)
{
	struct throttle *t = open_ok();
	char login[32];

	for (int i = 0; i < 5; i++) {
		snprintf(login, sizeof(login), "user%d", i);
		throttle_fail(t, login, "198.51.100.7", 1000 + i);
	}
	cr_assert(blocked(t, "fresh", "198.51.100.7", 1010, 5, 5, NULL));
	cr_assert(!blocked(t, "fresh", "198.51.100.8", 1010, 5, 5, NULL));
	/* A limit of 0 disables the address check. */
	cr_assert(!blocked(t, "fresh", "198.51.100.7", 1010, 5, 0, NULL));
	throttle_close(t);
}

Test(throttle, ipv6_counts_per_64_and_mapped_ipv4_as_ipv4)
{
	struct throttle *t = open_ok();

	throttle_fail(t, NULL, "2001:db8:1:2::1", 1000);
	throttle_fail(t, NULL, "2001:db8:1:2:ffff::99", 1001);
	cr_assert(blocked(t, NULL, "2001:db8:1:2::abcd", 1002, 0, 2, NULL));
	cr_assert(!blocked(t, NULL, "2001:db8:1:3::1", 1002, 0, 1, NULL));

	throttle_fail(t, NULL, "::ffff:192.0.2.44", 1000);
	cr_assert(blocked(t, NULL, "192.0.2.44", 1001, 0, 1, NULL));
	throttle_close(t);
}

Test(throttle, success_clears_the_login_only)
{
	struct throttle *t = open_ok();
	long retry;

	throttle_fail(t, "admin", "203.0.113.5", 1000);
	throttle_fail(t, "admin", "203.0.113.5", 1001);
	cr_assert(blocked(t, "admin", NULL, 1002, 2, 0, NULL));
	throttle_success(t, "Admin");
	cr_assert(!blocked(t, "admin", NULL, 1002, 2, 0, NULL));
	cr_assert(blocked(t, "other", "203.0.113.5", 1002, 2, 2, &retry));
	cr_assert_eq(retry, 58);
	throttle_close(t);
}

Test(throttle, retry_after_is_the_longer_wait)
{
	struct throttle *t = open_ok();
	long retry;

	throttle_fail(t, "admin", NULL, 1000);
	throttle_fail(t, NULL, "192.0.2.1", 1030);
	cr_assert(blocked(t, "admin", "192.0.2.1", 1040, 1, 1, &retry));
	cr_assert_eq(retry, 50);
	throttle_close(t);
}

Test(throttle, limits_above_the_ring_act_as_the_ring)
{
	struct throttle *t = open_ok();

	for (int i = 0; i < THROTTLE_RING - 1; i++)
		throttle_fail(t, "admin", NULL, 1000);
	cr_assert(!blocked(t, "admin", NULL, 1001, 1000, 0, NULL));
	throttle_fail(t, "admin", NULL, 1000);
	cr_assert(blocked(t, "admin", NULL, 1001, 1000, 0, NULL));
	throttle_close(t);
}

/* With 16 slots, the whole table is one neighbourhood: eviction order is observable. */
Test(throttle, eviction_takes_the_slot_with_the_oldest_failure)
{
	enum throttle_err err;
	struct throttle *t = throttle_open_sized(path, 16, &err);
	char login[32];

	cr_assert_eq(err, THROTTLE_OK);
	for (int i = 0; i < 16; i++) {
		snprintf(login, sizeof(login), "user%d", i);
		throttle_fail(t, login, NULL, 1000 + i);
	}
	throttle_fail(t, "user0", NULL, 1020);        /* user0 is now the most recent */
	throttle_fail(t, "newcomer", NULL, 1021);     /* evicts user1 (newest failure at 1001) */
	cr_assert(blocked(t, "user0", NULL, 1022, 2, 0, NULL), "user0 kept both failures");
	cr_assert(!blocked(t, "user1", NULL, 1022, 1, 0, NULL), "user1 was evicted");
	cr_assert(blocked(t, "user2", NULL, 1022, 1, 0, NULL));
	cr_assert(blocked(t, "newcomer", NULL, 1022, 1, 0, NULL));
	for (int i = 3; i < 16; i++) {
		snprintf(login, sizeof(login), "user%d", i);
		cr_assert(blocked(t, login, NULL, 1022, 1, 0, NULL), "%s lost", login);
	}
	throttle_close(t);
}

/* A full default table keeps working and the newest counters survive a flood. */
Test(throttle, flood_of_logins_keeps_recent_counters)
{
	struct throttle *t = open_ok();
	char login[32];

	for (int i = 0; i < 5000; i++) {
		snprintf(login, sizeof(login), "spray%d", i);
		throttle_fail(t, login, NULL, 1000 + i);
	}
	throttle_fail(t, "victim", NULL, 7000);
	cr_assert(blocked(t, "victim", NULL, 7001, 1, 0, NULL));
	throttle_close(t);
}

Test(throttle, file_is_created_0600)
{
	struct throttle *t = open_ok();
	struct stat st;

	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	cr_assert_eq(st.st_uid, geteuid());
	cr_assert(S_ISREG(st.st_mode));
	throttle_close(t);
}

static void
expect_fallback(enum throttle_err want)
{
	enum throttle_err err = THROTTLE_OK;
	struct throttle *t = throttle_open(path, &err);

	cr_assert_eq(err, want, "got %s, want %s", throttle_strerror(err), throttle_strerror(want));
	cr_assert(!throttle_is_shared(t));
	/* The private table still counts. */
	throttle_fail(t, "admin", NULL, 1000);
	cr_assert(blocked(t, "admin", NULL, 1001, 1, 0, NULL));
	throttle_close(t);
}

Test(throttle, refuses_a_file_writable_by_others)
{
	int fd = open(path, O_CREAT | O_WRONLY, 0600);

	cr_assert(fd >= 0);
	cr_assert_eq(fchmod(fd, 0606), 0);
	close(fd);
	expect_fallback(THROTTLE_E_UNSAFE);
	cr_assert_eq(chmod(path, 0620), 0);
	expect_fallback(THROTTLE_E_UNSAFE);
}

Test(throttle, refuses_a_file_owned_by_another_user)
{
	int fd;

	if (geteuid() != 0)
		cr_skip_test("needs root to give a file to another user");
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	cr_assert(fd >= 0);
	cr_assert_eq(fchown(fd, 65534, 65534), 0);
	close(fd);
	expect_fallback(THROTTLE_E_UNSAFE);
}

Test(throttle, refuses_a_symlink)
{
	char target[320];

	snprintf(target, sizeof(target), "%s/link", dir);
	cr_assert_eq(symlink(target, path), 0);
	expect_fallback(THROTTLE_E_OPEN);
	cr_assert_eq(access(target, F_OK), -1, "the symlink's target must not be created");
}

Test(throttle, refuses_a_foreign_file)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs("not a throttle table\n", f);
	fclose(f);
	chmod(path, 0600);
	expect_fallback(THROTTLE_E_FORMAT);
}

Test(throttle, missing_directory_falls_back)
{
	snprintf(path, sizeof(path), "%s/no/such/dir/throttle", dir);
	expect_fallback(THROTTLE_E_OPEN);
	snprintf(path, sizeof(path), "%s/throttle", dir);
}

Test(throttle, null_path_falls_back)
{
	enum throttle_err err;
	struct throttle *t = throttle_open(NULL, &err);

	cr_assert_eq(err, THROTTLE_E_NO_PATH);
	cr_assert(!throttle_is_shared(t));
	throttle_close(t);
	throttle_close(NULL);
}

/* A creator that died after sizing the file left zeros: the next one finishes. */
Test(throttle, half_created_file_is_initialised)
{
	struct throttle *t, *t2;
	struct stat st;
	int fd;

	t = open_ok();
	cr_assert_eq(stat(path, &st), 0);
	throttle_close(t);
	fd = open(path, O_WRONLY | O_TRUNC);
	cr_assert(fd >= 0);
	cr_assert_eq(ftruncate(fd, st.st_size), 0);
	close(fd);
	t = open_ok();
	t2 = open_ok();
	throttle_fail(t, "admin", NULL, 1000);
	cr_assert(blocked(t2, "admin", NULL, 1001, 1, 0, NULL), "both handles share one salt");
	throttle_close(t);
	throttle_close(t2);
}

/* Counters and salt persist in the file across handles. */
Test(throttle, reopened_file_keeps_counts)
{
	struct throttle *t = open_ok();

	throttle_fail(t, "admin", "192.0.2.1", 1000);
	throttle_close(t);
	t = open_ok();
	cr_assert(blocked(t, "admin", NULL, 1001, 1, 0, NULL));
	cr_assert(blocked(t, NULL, "192.0.2.1", 1001, 0, 1, NULL));
	throttle_close(t);
}

/*
 * nproc processes (each with its own handle, or sharing one inherited
 * through fork) record failures for RACE_KEYS logins at the same time, each
 * login reaching THROTTLE_RING failures in all; every failure must be
 * counted exactly once (a lost update leaves a login below the limit).
 */
#define RACE_KEYS 128   /* few enough that no neighbourhood of 16 slots overflows */

static void
race(int nproc, bool inherit)
{
	const int each = THROTTLE_RING / nproc;
	struct throttle *t = inherit ? open_ok() : NULL;
	char login[32];
	int go[2];
	pid_t pids[8];

	cr_assert(nproc <= 8 && pipe(go) == 0);
	for (int p = 0; p < nproc; p++) {
		pids[p] = fork();
		cr_assert(pids[p] >= 0);
		if (pids[p] == 0) {
			char c;
			struct throttle *mine = inherit ? t : throttle_open(path, NULL);
			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(3);
			for (int i = 0; i < each; i++) {
				for (int k = 0; k < RACE_KEYS; k++) {
					snprintf(login, sizeof(login), "shared%d", k);
					throttle_fail(mine, login, NULL, 1000 + i);
				}
			}
			_exit(throttle_is_shared(mine) ? 0 : 2);
		}
	}
	close(go[0]);
	close(go[1]);   /* releases every child at once */
	for (int p = 0; p < nproc; p++) {
		int status;
		cr_assert_eq(waitpid(pids[p], &status, 0), pids[p]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d status %d", p, status);
	}
	if (t == NULL)
		t = open_ok();
	for (int k = 0; k < RACE_KEYS; k++) {
		snprintf(login, sizeof(login), "shared%d", k);
		cr_assert(blocked(t, login, NULL, 1000 + each, THROTTLE_RING, 0, NULL),
		          "%s: fewer than %d failures counted", login, THROTTLE_RING);
	}
	throttle_close(t);
}

Test(throttle, two_processes_share_one_file)
{
	struct throttle *t = open_ok();
	pid_t pid = fork();
	int status;

	cr_assert(pid >= 0);
	if (pid == 0) {
		struct throttle *c = throttle_open(path, NULL);
		throttle_fail(c, "admin", "192.0.2.1", 1000);
		_exit(throttle_is_shared(c) ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert(blocked(t, "admin", NULL, 1001, 1, 0, NULL), "the child's failure is seen by the parent");
	throttle_close(t);
}

/* Repeated on a fresh file each time: one round rarely catches a missing lock. */
#define RACE_ROUNDS 10

Test(throttle, concurrent_processes_lose_no_update)
{
	for (int r = 0; r < RACE_ROUNDS; r++) {
		race(4, false);
		cr_assert_eq(unlink(path), 0);
	}
}

Test(throttle, handle_inherited_through_fork_still_locks)
{
	for (int r = 0; r < RACE_ROUNDS; r++) {
		race(4, true);
		cr_assert_eq(unlink(path), 0);
	}
}

/* Holds an OFD write lock on path in a child until killed; returns its pid. */
static pid_t
hold_lock(int *ready_fd)
{
	int ready[2];
	pid_t pid;

	cr_assert_eq(pipe(ready), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int fd = open(path, O_RDWR);
		if (fd < 0 || fcntl(fd, F_OFD_SETLK, &fl) != 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		alarm(30);   /* never outlives a broken test run for long */
		for (;;)
			pause();
	}
	holder = pid;
	close(ready[1]);
	*ready_fd = ready[0];
	return pid;
}

Test(throttle, crashed_lock_holder_does_not_wedge_others)
{
	struct throttle *t = open_ok();
	int ready, status;
	char c;
	pid_t pid = hold_lock(&ready);

	cr_assert_eq(read(ready, &c, 1), 1);
	close(ready);
	cr_assert_eq(kill(pid, SIGKILL), 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	holder = -1;
	throttle_fail(t, "admin", NULL, 1000);
	cr_assert(blocked(t, "admin", NULL, 1001, 1, 0, NULL));
	throttle_close(t);
}

Test(throttle, hung_lock_holder_costs_a_bounded_wait_and_fails_open)
{
	struct throttle *t = open_ok();
	int ready, status;
	char c;
	int64_t t0, ms;
	long retry = -1;
	pid_t pid;

	throttle_fail(t, "admin", NULL, 1000);
	pid = hold_lock(&ready);
	cr_assert_eq(read(ready, &c, 1), 1);
	close(ready);
	t0 = now_mono_us();
	cr_assert_eq(throttle_check(t, "admin", NULL, 1001, 1, 0, 60, &retry), THROTTLE_ALLOW);
	ms = (now_mono_us() - t0) / 1000;
	cr_assert(ms >= THROTTLE_LOCK_WAIT_MS - 10 && ms < THROTTLE_LOCK_WAIT_MS + 500, "waited %lld ms", (long long)ms);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	holder = -1;
	cr_assert(blocked(t, "admin", NULL, 1001, 1, 0, NULL), "counts are back once the lock is free");
	throttle_close(t);
}

Test(throttle, strerror_names_every_error)
{
	for (int e = THROTTLE_OK; e <= THROTTLE_E_SYSTEM; e++)
		cr_assert_str_neq(throttle_strerror((enum throttle_err)e), "unknown throttle error");
}
