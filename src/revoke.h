/* revoke.h: the list of revoked tokens (logout), shared by the processes of one host until the tokens expire. */
#ifndef OB_REVOKE_H
#define OB_REVOKE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A logout puts the token's jti on this list until the token's exp; every
 * bridge process of the host sees it, as they see the login throttle: a
 * file (REVOKE_FILE, by default under /dev/shm) mapped MAP_SHARED, created
 * 0600 with O_NOFOLLOW, refused unless ours and writable only by us, locked
 * with an OFD lock plus a thread mutex, re-opened after fork (shmtab.h).
 *
 * An entry is 16 bytes: the SipHash (keyed with the file's random salt) of
 * the jti, 64 bits, and exp.  Two jtis sharing a hash would make one token
 * revoked by the other's logout; with n live entries the chance is n/2^64
 * per token.  Entries past their exp are ignored and reused.  A jti goes
 * into one of the REVOKE_PROBE entries after its hash's position; when all
 * of them hold live entries, revoke_add fails (and logs) rather than evict
 * one: forgetting a live entry would silently bring a logged-out token back,
 * and a shared mapping cannot grow.  Hence the generous default of
 * REVOKE_DEFAULT_SLOTS entries (1 MiB): an entry lives as long as its token
 * (JWT_TTL, 30 minutes by default), so 10 logouts a second keep the list
 * about a quarter full, where 64 live entries in a row are practically
 * never met.
 *
 * A lock that cannot be had within REVOKE_LOCK_WAIT_MS (a peer process hung
 * while holding it; only processes of our user can open the file):
 * revoke_add fails, so the logout answers 503 instead of pretending, and
 * revoke_contains fails CLOSED: it answers true (revoked), and
 * revoke_lookup says REVOKE_UNKNOWN so that the caller can answer 503
 * rather than 401.  The choice: a logged-out token is typically one the
 * user fears stolen, and a deny list that lets it through whenever it is
 * under strain gives no guarantee at all; the cost, refusing valid tokens
 * for as long as a peer hangs, is bounded by that hang (the kernel drops
 * the lock of a process that dies), cannot be caused from outside without
 * our user's rights, and is loud (a warning per refused request).  The
 * login throttle fails open instead: it only slows guessing down, and
 * failing closed there would refuse every login.
 *
 * When the file cannot be used, revoke_open falls back to a list private to
 * the process and logs one warning: a logout then holds only in the process
 * that served it, so other processes keep accepting the token until it
 * expires.
 */

#define REVOKE_DEFAULT_SLOTS 65536
#define REVOKE_PROBE 64               /* entries a jti may use */
#define REVOKE_JTI_MAX 63             /* longest jti, bytes (ours are 32 hex digits) */
#define REVOKE_LOCK_WAIT_MS 250

enum revoke_err {
	REVOKE_OK = 0,      /* the shared file is in use */
	REVOKE_E_NO_PATH,   /* no path given */
	REVOKE_E_OPEN,      /* open/create failed (symlink, missing directory, permissions) */
	REVOKE_E_UNSAFE,    /* not a regular file, owned by another user, or writable by group/others */
	REVOKE_E_FORMAT,    /* a file of another size or format (another version: remove it) */
	REVOKE_E_SYSTEM,    /* ftruncate, mmap, getrandom or locking failed */
};

/* A short English description of e for the log. */
const char *revoke_strerror(enum revoke_err e);

struct revoke;

/*
 * Opens (creating it) the shared list at path with REVOKE_DEFAULT_SLOTS
 * entries.  Never returns NULL: when the file cannot be used, *err (when
 * err is not NULL) says why, one warning is logged, and the handle works on
 * a private list.  Free with revoke_close.
 */
struct revoke *revoke_open(const char *path, enum revoke_err *err);

/* The same with nslots entries (REVOKE_PROBE..2^24); an existing file keeps its own size. */
struct revoke *revoke_open_sized(const char *path, uint32_t nslots, enum revoke_err *err);

/* Whether the handle uses the shared file (false: the private fallback). */
bool revoke_is_shared(const struct revoke *r);

/*
 * Revokes the token with this jti (1..REVOKE_JTI_MAX bytes) until exp (Unix
 * seconds).  Returns true when it is recorded, or when exp <= now (the token
 * is dead anyway); false, having logged why, when it could not be: an
 * invalid jti, no free or expired entry among the jti's REVOKE_PROBE, or
 * the lock not had in time.  The caller must then not report the logout as
 * done (503).
 */
bool revoke_add(struct revoke *r, const char *jti, int64_t exp, int64_t now);

enum revoke_state {
	REVOKE_ABSENT = 0,   /* not revoked (or revoked, but past its exp) */
	REVOKE_PRESENT,      /* revoked */
	REVOKE_UNKNOWN,      /* the list could not be read (lock timeout): see above */
};

/*
 * Whether jti is revoked at now.  A jti that cannot have been added (NULL,
 * "", too long) is absent.  The last jti found absent is remembered: asked
 * again while no revocation was added anywhere (the table's change counter,
 * shmtab.h) and for at most a second, it is answered without the lock.
 */
enum revoke_state revoke_lookup(struct revoke *r, const char *jti, int64_t now);

/* revoke_lookup(...) != REVOKE_ABSENT: true when revoked, and when it cannot be told (fails closed). */
bool revoke_contains(struct revoke *r, const char *jti, int64_t now);

/* Unmaps and closes; accepts NULL. */
void revoke_close(struct revoke *r);

#endif
