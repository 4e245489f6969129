/* throttle.h: failed-login counters per login and per client address, shared by the processes of one host. */
#ifndef OB_THROTTLE_H
#define OB_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The counters live in a small fixed-size table in a file mapped with
 * MAP_SHARED, so that every bridge process that mod_fcgid or lighttpd
 * starts sees the same failures.  Each slot is keyed by a SipHash (salted
 * per table) of "login:<lower-cased login>" or "addr:<address>" (IPv6
 * addresses by their /64) and keeps the times of its last THROTTLE_RING
 * failures; when a neighbourhood of slots is full the slot whose newest
 * failure is the oldest is evicted.
 *
 * Locking: an open-file-description lock (fcntl F_OFD_SETLK) on the file
 * between processes, plus a mutex between the threads of one process.  The
 * kernel drops the lock of a process that dies, so a crash cannot wedge the
 * others (a robust pthread mutex in the mapping would need the same care for
 * initialisation and breaks across PID namespaces); a holder that hangs is
 * waited for at most THROTTLE_LOCK_WAIT_MS, after which the operation is
 * skipped with a warning (the login is then let through: failing open).
 *
 * When the file cannot be used (cannot be created, owned by someone else,
 * writable by group or others, not ours), throttle_open falls back to a
 * table private to the process and logs one warning: the program works, but
 * each process counts on its own, so the effective limit is multiplied by
 * the number of processes.
 */

#define THROTTLE_DEFAULT_SLOTS 1024
#define THROTTLE_RING 64            /* failure times kept per slot: the highest usable limit */
#define THROTTLE_LOCK_WAIT_MS 250

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
 * Whether a login attempt for login from addr may proceed at time now:
 * blocked when the login has max_login or more failures in the last window
 * seconds, or addr has max_addr or more.  A limit <= 0 disables that check;
 * limits above THROTTLE_RING act as THROTTLE_RING.  When blocked,
 * *retry_after (>= 1) is the number of seconds until an attempt is allowed
 * again.  addr may be NULL or "" (no address check).
 */
enum throttle_verdict throttle_check(struct throttle *t, const char *login, const char *addr,
                                     int64_t now, long max_login, long max_addr, long window,
                                     long *retry_after);

/* Records a failed login for login and for addr (either may be NULL or ""). */
void throttle_fail(struct throttle *t, const char *login, const char *addr, int64_t now);

/*
 * Clears the failures of login after a successful login.  The address
 * keeps its count: an attacker with one valid account must not be able to
 * reset their address's counter between guesses.
 */
void throttle_success(struct throttle *t, const char *login);

/* Unmaps and closes; accepts NULL. */
void throttle_close(struct throttle *t);

#endif
