/* shmtab.c: the shared mmap'ed slot table under throttle.c and revoke.c (see shmtab.h). */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "shmtab.h"
#include "util.h"

/* Open-file-description locks where the kernel has them (Linux >= 3.15). */
#ifdef F_OFD_SETLK
#define LOCK_CMD F_OFD_SETLK
#else
#define LOCK_CMD F_SETLK
#endif

/*
 * The file starts with this header; every field is checked on open.  Its
 * layout is that of the throttle table's version 1 ("param" was "ring"),
 * so files written before this module existed still open.
 */
struct header {
	char     magic[8];
	uint32_t version;
	uint32_t nslots;
	uint32_t param;
	uint32_t slot_size;
	uint64_t salt[2];      /* SipHash key: slot positions are not predictable */
	uint64_t changes;      /* shmtab_changed: zero in files written before it existed */
	uint8_t  reserved[16];
};

_Static_assert(sizeof(struct header) == 64, "the header is 64 bytes in every file");

struct shmtab {
	pthread_mutex_t             mu;      /* between the threads of this process */
	const struct shmtab_format *f;
	int                         fd;      /* -1 for the private table */
	unsigned                    gen;     /* process_generation() when fd was opened */
	char                       *path;
	dev_t                       dev;
	ino_t                       ino;
	struct header              *hdr;     /* start of the mapping */
	size_t                      map_len;
	uint32_t                    nslots;
	_Atomic uint64_t            lock_timeouts;  /* shmtab_lock gave up after lock_wait_ms */
};

static const char *
err_text(enum shmtab_err e)
{
	static const char *const text[] = {
		[SHMTAB_OK]        = "ok",
		[SHMTAB_E_NO_PATH] = "no file configured",
		[SHMTAB_E_OPEN]    = "cannot open or create the file",
		[SHMTAB_E_UNSAFE]  = "not a regular file owned by us and writable only by us",
		[SHMTAB_E_FORMAT]  = "the file has another size, format or version (remove it)",
		[SHMTAB_E_SYSTEM]  = "cannot size, map, salt or lock the file",
	};

	if ((size_t)e < ARRAY_SIZE(text) && text[e] != NULL)
		return text[e];
	return "unknown error";
}

static size_t
table_size(const struct shmtab_format *f, uint32_t nslots)
{
	return sizeof(struct header) + (size_t)nslots * f->slot_size;
}

/* ---- SipHash-2-4 (Aumasson and Bernstein) ---- */

static uint64_t
rotl64(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND(v0, v1, v2, v3) do { \
	v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0; v0 = rotl64(v0, 32); \
	v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2; v2 = rotl64(v2, 32); \
} while (0)

static uint64_t
siphash24(const uint64_t k[2], const unsigned char *m, size_t len)
{
	uint64_t v0 = 0x736f6d6570736575ULL ^ k[0], v1 = 0x646f72616e646f6dULL ^ k[1];
	uint64_t v2 = 0x6c7967656e657261ULL ^ k[0], v3 = 0x7465646279746573ULL ^ k[1];
	uint64_t b = (uint64_t)len << 56, w;
	size_t i, full = len - len % 8;

	for (i = 0; i < full; i += 8) {
		w = 0;
		for (int j = 7; j >= 0; j--)
			w = (w << 8) | m[i + (size_t)j];
		v3 ^= w;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= w;
	}
	for (int j = 0; i + (size_t)j < len; j++)
		b |= (uint64_t)m[i + (size_t)j] << (8 * j);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	for (int r = 0; r < 4; r++)
		SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t
shmtab_hash(const struct shmtab *t, const void *m, size_t len)
{
	uint64_t h = siphash24(t->hdr->salt, m, len);

	return h != 0 ? h : 1;
}

/* ---- locking ---- */

/* A handle inherited through fork() must not share the parent's OFD lock. */
static bool
reopen_after_fork(struct shmtab *t)
{
	struct stat st;
	int fd = open(t->path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || st.st_dev != t->dev || st.st_ino != t->ino) {
		close(fd);
		errno = ESTALE;
		return false;
	}
	close(t->fd);
	t->fd = fd;
	t->gen = process_generation();
	return true;
}

/* The critical sections last microseconds: polling every millisecond is enough. */
bool
shmtab_lock(struct shmtab *t)
{
	struct flock fl;
	int64_t deadline;
	struct timespec pause = { 0, 1000000 };

	pthread_mutex_lock(&t->mu);
	if (t->fd < 0)
		return true;
	if (t->gen != process_generation() && !reopen_after_fork(t)) {
		log_warn("%s: cannot reopen %s after fork: %s; %s", t->f->what, t->path, strerror(errno),
		         t->f->unlocked);
		goto fail;
	}
	deadline = now_mono_us() + (int64_t)t->f->lock_wait_ms * 1000;
	for (;;) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(t->fd, LOCK_CMD, &fl) == 0)
			return true;
		if (errno != EAGAIN && errno != EACCES && errno != EINTR) {
			log_warn("%s: cannot lock %s: %s; %s", t->f->what, t->path, strerror(errno), t->f->unlocked);
			goto fail;
		}
		if (now_mono_us() >= deadline) {
			atomic_fetch_add(&t->lock_timeouts, 1);
			log_warn("%s: %s stayed locked for %d ms; %s", t->f->what, t->path, t->f->lock_wait_ms,
			         t->f->unlocked);
			goto fail;
		}
		nanosleep(&pause, NULL);
	}
fail:
	pthread_mutex_unlock(&t->mu);
	return false;
}

uint64_t
shmtab_changes(const struct shmtab *t)
{
	return __atomic_load_n(&t->hdr->changes, __ATOMIC_ACQUIRE);
}

void
shmtab_changed(struct shmtab *t)
{
	__atomic_fetch_add(&t->hdr->changes, 1, __ATOMIC_ACQ_REL);
}

uint64_t
shmtab_lock_timeouts(const struct shmtab *t)
{
	return t != NULL ? atomic_load(&((struct shmtab *)t)->lock_timeouts) : 0;
}

void
shmtab_unlock(struct shmtab *t)
{
	struct flock fl;

	if (t->fd >= 0) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_UNLCK;
		fl.l_whence = SEEK_SET;
		(void)fcntl(t->fd, LOCK_CMD, &fl);
	}
	pthread_mutex_unlock(&t->mu);
}

/* ---- opening ---- */

/* Writes a fresh header into a zeroed mapping; the magic goes last. */
static bool
init_header(const struct shmtab_format *f, struct header *h, uint32_t nslots)
{
	if (!fill_random(h->salt, sizeof(h->salt)))
		return false;
	h->version = f->version;
	h->nslots = nslots;
	h->param = f->param;
	h->slot_size = f->slot_size;
	memcpy(h->magic, f->magic, sizeof(h->magic));
	return true;
}

static bool
header_is_zero(const struct header *h)
{
	static const struct header zero;
	return memcmp(h, &zero, sizeof(zero)) == 0;
}

static void
set_map(struct shmtab *t, void *map, uint32_t nslots)
{
	t->hdr = map;
	t->map_len = table_size(t->f, nslots);
	t->nslots = nslots;
}

/*
 * Under the file lock: sizes a new (or half-initialised) file, or checks an
 * existing one, and maps it.  SHMTAB_E_FORMAT; *ours tells whether the file
 * is one to replace: a table of this kind (its magic) of an earlier version,
 * left in /dev/shm by an upgrade, or a damaged one of this version.
 */
static enum shmtab_err
map_file(struct shmtab *t, uint32_t nslots, bool *ours)
{
	const struct shmtab_format *f = t->f;
	struct header h;
	struct stat st;
	bool fresh = false;
	void *map;

	*ours = false;
	if (fstat(t->fd, &st) != 0)
		return SHMTAB_E_SYSTEM;
	if (st.st_size == 0) {
		if (ftruncate(t->fd, (off_t)table_size(f, nslots)) != 0)
			return SHMTAB_E_SYSTEM;
		fresh = true;
	} else {
		if ((size_t)st.st_size < sizeof(h) || pread(t->fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
			return SHMTAB_E_FORMAT;
		if (header_is_zero(&h)) {
			/* A creator died between ftruncate and the header: finish its work. */
			if ((size_t)st.st_size != table_size(f, nslots)) {
				*ours = true;
				return SHMTAB_E_FORMAT;
			}
			fresh = true;
		} else {
			if (memcmp(h.magic, f->magic, sizeof(h.magic)) != 0)
				return SHMTAB_E_FORMAT;
			/*
			 * Replaced: an earlier version's file, or one of this version
			 * that is damaged (a size its header cannot have).  Refused: a
			 * later version's (during a rolling upgrade, or a downgrade,
			 * each version replacing the other's would split the processes
			 * of one version between two files), and one of this version
			 * with other constants (another build: the same reason).
			 */
			if (h.version > f->version ||
			    (h.version == f->version && (h.param != f->param || h.slot_size != f->slot_size)))
				return SHMTAB_E_FORMAT;
			if (h.version < f->version || h.nslots < f->min_slots || h.nslots > f->max_slots ||
			    (size_t)st.st_size != table_size(f, h.nslots)) {
				*ours = true;
				return SHMTAB_E_FORMAT;
			}
			nslots = h.nslots;
		}
	}
	map = mmap(NULL, table_size(f, nslots), PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, 0);
	if (map == MAP_FAILED)
		return SHMTAB_E_SYSTEM;
	set_map(t, map, nslots);
	if (fresh && !init_header(f, t->hdr, nslots))
		return SHMTAB_E_SYSTEM;
	return SHMTAB_OK;
}

/*
 * Under the lock of the file at t->path, found to be a table of this kind
 * in another format: a new file, made complete under a temporary name, takes
 * its place with rename().  Processes that still map the old one (an older
 * version's, until they are restarted) keep it: they and this one no longer
 * share until then.  A process that waited for the old file's lock finds
 * another file at the path (same_file_at_path) and opens that one.
 */
static enum shmtab_err
replace_file(struct shmtab *t, uint32_t nslots)
{
	size_t plen = strlen(t->path);
	char *tmp = xmalloc(plen + sizeof(".new.XXXXXX"));
	struct stat st;
	void *map = MAP_FAILED;
	int fd;

	memcpy(tmp, t->path, plen);
	memcpy(tmp + plen, ".new.XXXXXX", sizeof(".new.XXXXXX"));
	fd = mkostemp(tmp, O_CLOEXEC);   /* 0600, in the same directory: rename() is atomic */
	if (fd < 0)
		goto fail;
	if (ftruncate(fd, (off_t)table_size(t->f, nslots)) != 0 || fstat(fd, &st) != 0)
		goto fail;
	map = mmap(NULL, table_size(t->f, nslots), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED || !init_header(t->f, map, nslots) || rename(tmp, t->path) != 0)
		goto fail;
	/* Closing the old file's descriptor drops its lock: its waiters go on to the new one. */
	close(t->fd);
	t->fd = fd;
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	set_map(t, map, nslots);
	log_warn("%s: %s was a table of another version or size (an earlier version's, or damaged): "
	         "replaced by a new one; processes still using the old one do not share with this one "
	         "until they are restarted", t->f->what, t->path);
	free(tmp);
	return SHMTAB_OK;
fail:
	if (map != MAP_FAILED)
		munmap(map, table_size(t->f, nslots));
	if (fd >= 0) {
		(void)unlink(tmp);
		close(fd);
	}
	free(tmp);
	return SHMTAB_E_FORMAT;
}

/* Whether t->path still names the file t->fd is open on (replace_file may have put another there). */
static bool
same_file_at_path(const struct shmtab *t)
{
	struct stat st;

	return stat(t->path, &st) == 0 && st.st_dev == t->dev && st.st_ino == t->ino;
}

static enum shmtab_err
open_path(struct shmtab *t)
{
	struct stat st;

	/* O_NONBLOCK: a FIFO planted at the path must not hang the open. */
	t->fd = open(t->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
	if (t->fd < 0)
		return SHMTAB_E_OPEN;
	if (fstat(t->fd, &st) != 0)
		return SHMTAB_E_SYSTEM;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return SHMTAB_E_UNSAFE;
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	t->gen = process_generation();
	return SHMTAB_OK;
}

static enum shmtab_err
open_shared(struct shmtab *t, const char *path, uint32_t nslots)
{
	enum shmtab_err ret;
	bool ours;

	if (path == NULL || path[0] == '\0')
		return SHMTAB_E_NO_PATH;
	t->path = xstrdup(path);
	/* A few rounds: each is lost only to a process that replaced the file meanwhile. */
	for (int round = 0;; round++) {
		if ((ret = open_path(t)) != SHMTAB_OK)
			return ret;
		if (!shmtab_lock(t))
			return SHMTAB_E_SYSTEM;
		if (same_file_at_path(t))
			break;
		shmtab_unlock(t);
		close(t->fd);
		t->fd = -1;
		if (round == 4) {
			errno = EAGAIN;   /* replaced under us every time: say so, not a stale errno */
			return SHMTAB_E_OPEN;
		}
	}
	ret = map_file(t, nslots, &ours);
	if (ret == SHMTAB_E_FORMAT && ours)
		ret = replace_file(t, nslots);
	shmtab_unlock(t);
	return ret;
}

/* The fallback: the same table in private anonymous memory. */
static void
open_private(struct shmtab *t, uint32_t nslots)
{
	void *map = mmap(NULL, table_size(t->f, nslots), PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED) {
		log_error("%s: out of memory for %zu bytes", t->f->what, table_size(t->f, nslots));
		abort();
	}
	set_map(t, map, nslots);
	if (!init_header(t->f, t->hdr, nslots)) {
		/* Only slot placement depends on the salt; a guessable one is survivable here. */
		t->hdr->salt[0] = (uint64_t)now_mono_us() ^ ((uint64_t)getpid() << 32);
		t->hdr->salt[1] = (uint64_t)(uintptr_t)t;
	}
}

static void
unmap(struct shmtab *t)
{
	if (t->hdr != NULL)
		munmap(t->hdr, t->map_len);
	t->hdr = NULL;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

struct shmtab *
shmtab_open(const struct shmtab_format *f, const char *path, uint32_t nslots, enum shmtab_err *err)
{
	struct shmtab *t = xcalloc(1, sizeof(*t));
	enum shmtab_err ret;
	int saved;

	if (nslots < f->min_slots)
		nslots = f->min_slots;
	if (nslots > f->max_slots)
		nslots = f->max_slots;
	pthread_mutex_init(&t->mu, NULL);
	t->f = f;
	t->fd = -1;
	ret = open_shared(t, path, nslots);
	if (ret != SHMTAB_OK) {
		saved = errno;
		unmap(t);
		if (ret == SHMTAB_E_OPEN || ret == SHMTAB_E_SYSTEM)
			log_warn("%s: %s: %s (%s); %s", f->what, path != NULL ? path : "(none)",
			         err_text(ret), strerror(saved), f->fallback);
		else
			log_warn("%s: %s: %s; %s", f->what, path != NULL ? path : "(none)", err_text(ret), f->fallback);
		open_private(t, nslots);
	}
	if (err != NULL)
		*err = ret;
	return t;
}

bool
shmtab_is_shared(const struct shmtab *t)
{
	return t->fd >= 0;
}

void *
shmtab_slots(const struct shmtab *t)
{
	return t->hdr + 1;
}

uint32_t
shmtab_nslots(const struct shmtab *t)
{
	return t->nslots;
}

void
shmtab_close(struct shmtab *t)
{
	if (t == NULL)
		return;
	unmap(t);
	pthread_mutex_destroy(&t->mu);
	free(t->path);
	free(t);
}
