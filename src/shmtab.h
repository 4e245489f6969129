/* shmtab.h: a fixed-size table of slots in a file mapped MAP_SHARED by the processes of one host. */
#ifndef OB_SHMTAB_H
#define OB_SHMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The machinery shared by the login throttle (throttle.c) and the token
 * revocation list (revoke.c): each keeps fixed-size slots, the layout of
 * which is theirs, after a header this module writes and checks.
 *
 * The file is created 0600 with O_NOFOLLOW and refused unless it is a
 * regular file owned by the effective user and writable by nobody else.
 * The 64-byte header holds a magic, a format version, the number of slots,
 * the slot size, a format parameter and a random salt; every field is
 * checked on open, so a file of another format or version is never misread:
 * it is refused (SHMTAB_E_FORMAT) or replaced (below).
 *
 * Locking: an open-file-description lock (fcntl F_OFD_SETLK) on the file
 * between processes, plus a mutex between the threads of one process.  The
 * kernel drops the lock of a process that dies, so a crash cannot wedge the
 * others; a holder that hangs is waited for at most the format's
 * lock_wait_ms, after which shmtab_lock fails and the caller decides what
 * that means.  A handle inherited through fork() re-opens the file in the
 * child on its next lock (an OFD lock belongs to the open file description,
 * which parent and child would otherwise share).
 *
 * When the file cannot be used, shmtab_open logs one warning and works on a
 * table in private anonymous memory with the same layout.  A file of the
 * same kind (magic) but an earlier version, or a damaged one of this
 * version, is replaced by a new file (renamed over it under its lock); one
 * of a later version, or of this version with another param or slot size,
 * is refused.  So: bump a format's version whenever its layout or meaning
 * changes.
 */

/* What a table's file must look like; a static constant of its module. */
struct shmtab_format {
	const char *what;          /* log prefix: "throttle", "revoke" */
	const char *magic;         /* exactly 8 characters */
	uint32_t    version;
	uint32_t    param;         /* a format parameter checked on open (0 if none) */
	uint32_t    slot_size;
	uint32_t    min_slots;
	uint32_t    max_slots;
	int         lock_wait_ms;
	const char *fallback;      /* the fallback warning's consequence ("counting ... per process only") */
	const char *unlocked;      /* the lock timeout warning's consequence ("skipping ...") */
};

enum shmtab_err {
	SHMTAB_OK = 0,      /* the shared file is in use */
	SHMTAB_E_NO_PATH,   /* no path given */
	SHMTAB_E_OPEN,      /* open/create failed (symlink, missing directory, permissions) */
	SHMTAB_E_UNSAFE,    /* not a regular file, owned by another user, or writable by group/others */
	SHMTAB_E_FORMAT,    /* a file of another size, format or version */
	SHMTAB_E_SYSTEM,    /* ftruncate, mmap, getrandom or locking failed */
};

struct shmtab;

/*
 * Opens (creating it) the table at path with nslots slots (clamped to the
 * format's bounds; an existing file keeps its own count).  Never returns
 * NULL: when the file cannot be used, *err (when err is not NULL) says why,
 * one warning naming the path and f->fallback is logged, and the handle
 * works on a private table.  f must outlive the handle.  Free with
 * shmtab_close.
 */
struct shmtab *shmtab_open(const struct shmtab_format *f, const char *path, uint32_t nslots,
                           enum shmtab_err *err);

/* Whether the handle uses the shared file (false: the private fallback). */
bool shmtab_is_shared(const struct shmtab *t);

/* The slots (nslots of them, f->slot_size bytes each, zero when free) and their count. */
/*
 * A counter in the header that the users of a table bump (shmtab_changed)
 * after a change a reader may have cached the absence of, so that such a
 * reader can skip the lock while the counter stays what it saw
 * (shmtab_changes).  Lock-free; it only grows.
 */
uint64_t shmtab_changes(const struct shmtab *t);
void shmtab_changed(struct shmtab *t);
void *shmtab_slots(const struct shmtab *t);
uint32_t shmtab_nslots(const struct shmtab *t);

/*
 * Takes the thread mutex, then the file lock, polling up to
 * f->lock_wait_ms.  Returns false, holding nothing and having logged a
 * warning, when the lock cannot be had.  Slots may only be read or written
 * between shmtab_lock and shmtab_unlock.
 */
bool shmtab_lock(struct shmtab *t);
void shmtab_unlock(struct shmtab *t);
/* How many times shmtab_lock gave up (the file stayed locked for lock_wait_ms): operations skipped. */
uint64_t shmtab_lock_timeouts(const struct shmtab *t);

/* SipHash-2-4 of m[0..len) keyed with the table's salt; never 0 (0 marks a free slot). */
uint64_t shmtab_hash(const struct shmtab *t, const void *m, size_t len);

/* Unmaps and closes; accepts NULL. */
void shmtab_close(struct shmtab *t);

#endif
