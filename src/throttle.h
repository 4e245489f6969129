/* throttle.h: failed-login counters per (login, address), address and login, shared by the processes of one host. */
#ifndef OB_THROTTLE_H
#define OB_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What is counted (the issue: a stranger must not be able to lock a known
 * login out by failing on purpose, and distributed guessing against one
 * login must still be stopped):
 *
 *   "pair:<login>\n<address>"  failures of one login from one address
 *                              (per_pair, LOGIN_MAX_FAILURES, 5);
 *   "addr:<address>"           failures from one address, all logins
 *                              (per_addr, LOGIN_MAX_FAILURES_ADDR, 20);
 *   "login:<login>"            failures of one login, all addresses
 *                              (per_login, LOGIN_MAX_FAILURES_LOGIN, 50);
 *   "good:<login>\n<address>"  the time of the pair's last successful login.
 *
 * Logins are lower-cased (ASCII), addresses canonical (IPv4-mapped IPv6 as
 * IPv4, other IPv6 by its /64).  An attempt is blocked when its pair or its
 * address is at its limit, or when the login-wide count is at its limit and
 * the pair is not "known good" (no successful login within
 * THROTTLE_KNOWN_GOOD_SECS): the owner keeps logging in from where they
 * usually do while guessing from new addresses is stopped (the OWASP
 * Authentication Cheat Sheet's advice on account lockout).  A success
 * clears the pair's failures only: an attacker holding one valid account
 * must not be able to reset the address or login-wide counts.
 *
 * The counters live in a small fixed-size table in a file mapped with
 * MAP_SHARED (shmtab.h), so that every bridge process that mod_fcgid or
 * lighttpd starts sees the same failures.  Each slot is keyed by a SipHash
 * (salted per table) of one of the strings above and keeps the times of
 * its last THROTTLE_RING failures, or, for a known-good mark, the time of
 * the last success.
 *
 * Eviction, when the 16 slots a key may use are taken: free slots and
 * expired marks first, then the counter whose newest failure is the
 * oldest, and a live mark only when the neighbourhood holds nothing else;
 * a new mark where half the neighbourhood already holds live marks
 * replaces the oldest mark instead of a counter.  So failures, which
 * anyone can cause, cannot push the owner's mark out, and successes cannot
 * crowd the counters out.  The limit: someone holding a valid account who
 * logs in from many addresses (many /64s) evicts marks among themselves
 * and others'; an owner whose mark was evicted counts as a new address and
 * is then blocked only while the login-wide count is at its limit, that is
 * during a distributed attack on that same login.  The default table keeps
 * roughly THROTTLE_DEFAULT_SLOTS / 2 marks, which is the number of
 * (login, address) pairs it can remember over 30 days.
 *
 * File format: unchanged (magic "OBTHROT1", version 1, 272-byte slots): a
 * mark is a slot with no failure times.  A file written by an older bridge
 * is used as is: its "login:" and "addr:" counters keep their meaning, and
 * it holds no "pair:" or "good:" slots yet.
 *
 * Locking: an OFD lock between processes plus a mutex between threads
 * (shmtab.h).  A holder that hangs is waited for at most
 * THROTTLE_LOCK_WAIT_MS, after which the operation is skipped with a
 * warning (the login is then let through: failing open, since the counters
 * only slow guessing down, while failing closed would refuse every login
 * of the host for as long as one process hangs).
 *
 * When the file cannot be used (cannot be created, owned by someone else,
 * writable by group or others, not ours, of another format), throttle_open
 * falls back to a table private to the process and logs one warning: the
 * program works, but each process counts on its own, so the effective
 * limits are multiplied by the number of processes.
 */

#define THROTTLE_DEFAULT_SLOTS 1024
#define THROTTLE_RING 64            /* failure times kept per slot: the highest usable limit */
#define THROTTLE_LOCK_WAIT_MS 250
#define THROTTLE_KNOWN_GOOD_SECS (30L * 86400)   /* how long a successful login marks its address */

enum throttle_err {
	THROTTLE_OK = 0,      /* the shared file is in use */
	THROTTLE_E_NO_PATH,   /* no path given */
	THROTTLE_E_OPEN,      /* open/create failed (symlink, missing directory, permissions) */
	THROTTLE_E_UNSAFE,    /* not a regular file, owned by another user, or writable by group/others */
	THROTTLE_E_FORMAT,    /* a file of another size or format (another version: remove it) */
	THROTTLE_E_SYSTEM,    /* ftruncate, mmap, getrandom or locking failed */
};

/* A short English description of e for the log. */
const char *throttle_strerror(enum throttle_err e);

struct throttle;

/*
 * Opens (creating it 0600, O_NOFOLLOW) the shared table at path with
 * THROTTLE_DEFAULT_SLOTS slots.  Never returns NULL: when the file cannot be
 * used, *err (when err is not NULL) says why, one warning is logged, and the
 * handle works on a private table.  Open it after any fork(); a handle used
 * in a forked child re-opens the file there.  Free with throttle_close.
 */
struct throttle *throttle_open(const char *path, enum throttle_err *err);

/* The same with nslots slots (16..1048576); an existing file keeps its own size. */
struct throttle *throttle_open_sized(const char *path, uint32_t nslots, enum throttle_err *err);

/* Whether the handle uses the shared file (false: the private fallback). */
bool throttle_is_shared(const struct throttle *t);

enum throttle_verdict {
	THROTTLE_ALLOW = 0,
	THROTTLE_BLOCK,
};

/*
 * The limits of throttle_check: failures within the last window seconds
 * per (login, address) pair, per address and per login from all
 * addresses.  A limit <= 0 disables that check; limits above
 * THROTTLE_RING act as THROTTLE_RING; a window <= 0 disables them all.
 */
struct throttle_limits {
	long per_pair;
	long per_addr;
	long per_login;
	long window;
};

/*
 * Whether a login attempt for login from addr may proceed at time now
 * (the rules above).  When blocked, *retry_after (>= 1) is the number of
 * seconds until an attempt is allowed again (the longest of the waits that
 * block it); when allowed, 0.  login or addr may be NULL or "": no address
 * counts as one address, no login checks the address only.
 */
enum throttle_verdict throttle_check(struct throttle *t, const char *login, const char *addr, int64_t now,
                                     const struct throttle_limits *lim, long *retry_after);

/* Records a failed login of login from addr on the pair, the address and the login-wide counter. */
void throttle_fail(struct throttle *t, const char *login, const char *addr, int64_t now);

/*
 * After a successful login of login from addr: clears the pair's failures
 * and marks the pair known good as of now.  The address and login-wide
 * counts stay (see above).
 */
void throttle_success(struct throttle *t, const char *login, const char *addr, int64_t now);

/* Unmaps and closes; accepts NULL. */
void throttle_close(struct throttle *t);

/* Operations this handle skipped because the file stayed locked (THROTTLE_LOCK_WAIT_MS). */
uint64_t throttle_lock_timeouts(const struct throttle *t);

/* The four kinds of key above. */
enum throttle_key { THROTTLE_KEY_PAIR, THROTTLE_KEY_ADDR, THROTTLE_KEY_LOGIN, THROTTLE_KEY_GOOD };
#define THROTTLE_KEY_MAX 326   /* bytes of the longest key text: "pair:" + 255 + "\n" + 64, and a spare */

/*
 * Writes the key text of kind for (login, addr) into out, as the table
 * hashes it (the login lower-cased and cut at 255 bytes, the address
 * canonical; NULL counts as ""), and returns its length (not terminated).
 * For another engine of the same rules (state_redis.c), which must count
 * "Admin" and "admin", or ::ffff:192.0.2.1 and 192.0.2.1, as one.
 */
size_t throttle_key_text(enum throttle_key kind, const char *login, const char *addr, char out[THROTTLE_KEY_MAX]);

#endif
