/* throttle.c: failed-login counters in a shared mmap'ed table (see throttle.h for the design). */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "throttle.h"
#include "util.h"

/* Open-file-description locks where the kernel has them (Linux >= 3.15). */
#ifdef F_OFD_SETLK
#define LOCK_CMD F_OFD_SETLK
#else
#define LOCK_CMD F_SETLK
#endif

#define TABLE_MAGIC   "OBTHROT1"
#define TABLE_VERSION 1u
#define MIN_SLOTS     16u
#define MAX_SLOTS     (1u << 20)
/* Slots searched for a key, and among which the oldest is evicted. */
#define PROBE         16u
/* Longest hashed key: "login:" + a login of up to 255 bytes, with room. */
#define MAX_KEY       320

/* The file starts with this header; every field is checked on open. */
struct table_header {
	char     magic[8];
	uint32_t version;
	uint32_t nslots;
	uint32_t ring;
	uint32_t slot_size;
	uint64_t salt[2];      /* SipHash key: slot positions are not predictable */
	uint8_t  reserved[24];
};

/*
 * One counter.  key 0 marks a free slot.  Times are Unix seconds as
 * uint32_t (good until 2106) to keep a slot at 272 bytes.  t[0..n-1] are
 * valid; head is where the next failure goes.
 */
struct slot {
	uint64_t key;
	uint32_t last;         /* newest failure: the eviction order */
	uint16_t n;
	uint16_t head;
	uint32_t t[THROTTLE_RING];
};

struct throttle {
	pthread_mutex_t      mu;      /* between the threads of this process */
	int                  fd;      /* -1 for the private table */
	pid_t                pid;     /* the process that opened fd */
	char                *path;
	dev_t                dev;
	ino_t                ino;
	struct table_header *hdr;     /* start of the mapping */
	struct slot         *slots;
	size_t               map_len;
	uint32_t             nslots;
};

const char *
throttle_strerror(enum throttle_err e)
{
	static const char *const text[] = {
		[THROTTLE_OK]        = "ok",
		[THROTTLE_E_NO_PATH] = "no throttle file configured",
		[THROTTLE_E_OPEN]    = "cannot open or create the throttle file",
		[THROTTLE_E_UNSAFE]  = "throttle file is not a regular file owned by us and writable only by us",
		[THROTTLE_E_FORMAT]  = "throttle file has another size or format (remove it)",
		[THROTTLE_E_SYSTEM]  = "cannot size, map, salt or lock the throttle file",
	};

	if ((size_t)e < ARRAY_SIZE(text) && text[e] != NULL)
		return text[e];
	return "unknown throttle error";
}

static size_t
table_size(uint32_t nslots)
{
	return sizeof(struct table_header) + (size_t)nslots * sizeof(struct slot);
}

/* ---- SipHash-2-4 (Aumasson and Bernstein), keyed with the table's salt ---- */

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

/*
 * The address as counted: IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6
 * by its /64 (one host usually owns a whole /64, RFC 7421), anything
 * unparsable verbatim.
 */
static void
canonical_addr(const char *addr, char *out, size_t outlen)
{
	struct in_addr a4;
	struct in6_addr a6;
	char tmp[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, addr, &a4) == 1 && inet_ntop(AF_INET, &a4, out, (socklen_t)outlen) != NULL)
		return;
	if (inet_pton(AF_INET6, addr, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			memcpy(&a4, &a6.s6_addr[12], 4);
			if (inet_ntop(AF_INET, &a4, out, (socklen_t)outlen) != NULL)
				return;
		} else {
			memset(&a6.s6_addr[8], 0, 8);
			if (inet_ntop(AF_INET6, &a6, tmp, sizeof(tmp)) != NULL) {
				snprintf(out, outlen, "%s/64", tmp);
				return;
			}
		}
	}
	snprintf(out, outlen, "%s", addr);
}

/* The slot key of "login:<lower-cased login>" or "addr:<canonical address>"; never 0. */
static uint64_t
key_of(const struct throttle *t, bool is_login, const char *value)
{
	char buf[MAX_KEY];
	size_t n;
	uint64_t h;

	if (is_login) {
		n = (size_t)snprintf(buf, sizeof(buf), "login:%s", value);
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;   /* a longer login shares a counter with its prefix */
		for (size_t i = 0; i < n; i++)
			if (buf[i] >= 'A' && buf[i] <= 'Z')
				buf[i] = (char)(buf[i] - 'A' + 'a');
	} else {
		memcpy(buf, "addr:", 5);
		canonical_addr(value, buf + 5, sizeof(buf) - 5);
		n = strlen(buf);
	}
	h = siphash24(t->hdr->salt, (const unsigned char *)buf, n);
	return h != 0 ? h : 1;
}

static uint32_t
clamp_time(int64_t now)
{
	if (now < 0)
		return 0;
	if (now > (int64_t)UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)now;
}

/*
 * The slot of key within its neighbourhood of PROBE slots, or, when create
 * is true and the key is absent, a fresh one: the first free slot, else the
 * one whose newest failure is the oldest.  Free slots do not end the search,
 * so clearing a slot never hides a key stored past it.
 */
static struct slot *
slot_find(struct throttle *t, uint64_t key, bool create)
{
	uint32_t start = (uint32_t)(key % t->nslots);
	uint32_t probe = t->nslots < PROBE ? t->nslots : PROBE;
	struct slot *victim = NULL;

	for (uint32_t i = 0; i < probe; i++) {
		struct slot *s = &t->slots[(start + i) % t->nslots];
		if (s->key == key)
			return s;
		if (!create)
			continue;
		if (victim == NULL || (victim->key != 0 && (s->key == 0 || s->last < victim->last)))
			victim = s;
	}
	if (victim != NULL) {
		memset(victim, 0, sizeof(*victim));
		victim->key = key;
	}
	return victim;
}

static void
slot_add(struct slot *s, uint32_t now)
{
	uint16_t head = (uint16_t)(s->head % THROTTLE_RING);

	s->t[head] = now;
	s->head = (uint16_t)((head + 1) % THROTTLE_RING);
	if (s->n < THROTTLE_RING)
		s->n++;
	if (now > s->last)
		s->last = now;
}

/*
 * Seconds until s has fewer than max failures within the window ending at
 * now (0: already fewer).  The file may have been damaged by a crash in the
 * middle of an update, so n is bounded before use.
 */
static long
slot_wait(const struct slot *s, int64_t now, long window, long max)
{
	uint32_t in[THROTTLE_RING];
	size_t count = 0, n = s->n < THROTTLE_RING ? s->n : THROTTLE_RING;
	int64_t wait;

	for (size_t i = 0; i < n; i++)
		if ((int64_t)s->t[i] + window > now)
			in[count++] = s->t[i];
	if ((long)count < max)
		return 0;
	for (size_t i = 1; i < count; i++) {
		uint32_t v = in[i];
		size_t j = i;
		for (; j > 0 && in[j - 1] > v; j--)
			in[j] = in[j - 1];
		in[j] = v;
	}
	/* The (count - max + 1) oldest failures must leave the window. */
	wait = (int64_t)in[count - (size_t)max] + window - now;
	return wait < 1 ? 1 : (long)wait;
}

/* ---- locking ---- */

/* A handle inherited through fork() must not share the parent's OFD lock. */
static bool
reopen_after_fork(struct throttle *t)
{
	struct stat st;
	int fd = open(t->path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || st.st_dev != t->dev || st.st_ino != t->ino) {
		close(fd);
		return false;
	}
	close(t->fd);
	t->fd = fd;
	t->pid = getpid();
	return true;
}

/*
 * Takes the thread mutex, then the file lock, polling up to
 * THROTTLE_LOCK_WAIT_MS (the critical sections last microseconds).
 * Returns false, holding nothing, when the lock cannot be had.
 */
static bool
table_lock(struct throttle *t)
{
	struct flock fl;
	int64_t deadline;
	struct timespec pause = { 0, 1000000 };

	pthread_mutex_lock(&t->mu);
	if (t->fd < 0)
		return true;
	if (t->pid != getpid() && !reopen_after_fork(t)) {
		log_warn("throttle: cannot reopen %s after fork: %s", t->path, strerror(errno));
		goto fail;
	}
	deadline = now_mono_us() + (int64_t)THROTTLE_LOCK_WAIT_MS * 1000;
	for (;;) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(t->fd, LOCK_CMD, &fl) == 0)
			return true;
		if (errno != EAGAIN && errno != EACCES && errno != EINTR) {
			log_warn("throttle: cannot lock %s: %s", t->path, strerror(errno));
			goto fail;
		}
		if (now_mono_us() >= deadline) {
			log_warn("throttle: %s stayed locked for %d ms; skipping the login counters",
			         t->path, THROTTLE_LOCK_WAIT_MS);
			goto fail;
		}
		nanosleep(&pause, NULL);
	}
fail:
	pthread_mutex_unlock(&t->mu);
	return false;
}

static void
table_unlock(struct throttle *t)
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

static bool
fill_random(void *p, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = getrandom((char *)p + got, len - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		got += (size_t)n;
	}
	return true;
}

/* Writes a fresh header into a zeroed mapping; the magic goes last. */
static bool
init_header(struct table_header *h, uint32_t nslots)
{
	if (!fill_random(h->salt, sizeof(h->salt)))
		return false;
	h->version = TABLE_VERSION;
	h->nslots = nslots;
	h->ring = THROTTLE_RING;
	h->slot_size = (uint32_t)sizeof(struct slot);
	memcpy(h->magic, TABLE_MAGIC, sizeof(h->magic));
	return true;
}

static bool
header_is_zero(const struct table_header *h)
{
	static const struct table_header zero;
	return memcmp(h, &zero, sizeof(zero)) == 0;
}

/*
 * Under the file lock: sizes a new (or half-initialised) file, or checks an
 * existing one, and maps it.
 */
static enum throttle_err
map_file(struct throttle *t, uint32_t nslots)
{
	struct table_header h;
	struct stat st;
	bool fresh = false;
	void *map;

	if (fstat(t->fd, &st) != 0)
		return THROTTLE_E_SYSTEM;
	if (st.st_size == 0) {
		if (ftruncate(t->fd, (off_t)table_size(nslots)) != 0)
			return THROTTLE_E_SYSTEM;
		fresh = true;
	} else {
		if ((size_t)st.st_size < sizeof(h) || pread(t->fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
			return THROTTLE_E_FORMAT;
		if (header_is_zero(&h)) {
			/* A creator died between ftruncate and the header: finish its work. */
			if ((size_t)st.st_size != table_size(nslots))
				return THROTTLE_E_FORMAT;
			fresh = true;
		} else {
			if (memcmp(h.magic, TABLE_MAGIC, sizeof(h.magic)) != 0 || h.version != TABLE_VERSION ||
			    h.ring != THROTTLE_RING || h.slot_size != sizeof(struct slot) ||
			    h.nslots < MIN_SLOTS || h.nslots > MAX_SLOTS ||
			    (size_t)st.st_size != table_size(h.nslots))
				return THROTTLE_E_FORMAT;
			nslots = h.nslots;
		}
	}
	map = mmap(NULL, table_size(nslots), PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, 0);
	if (map == MAP_FAILED)
		return THROTTLE_E_SYSTEM;
	t->hdr = map;
	t->slots = (struct slot *)(t->hdr + 1);
	t->map_len = table_size(nslots);
	t->nslots = nslots;
	if (fresh && !init_header(t->hdr, nslots))
		return THROTTLE_E_SYSTEM;
	return THROTTLE_OK;
}

static enum throttle_err
open_shared(struct throttle *t, const char *path, uint32_t nslots)
{
	struct stat st;
	enum throttle_err ret;

	if (path == NULL || path[0] == '\0')
		return THROTTLE_E_NO_PATH;
	/* O_NONBLOCK: a FIFO planted at the path must not hang the open. */
	t->fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
	if (t->fd < 0)
		return THROTTLE_E_OPEN;
	if (fstat(t->fd, &st) != 0)
		return THROTTLE_E_SYSTEM;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return THROTTLE_E_UNSAFE;
	t->path = xstrdup(path);
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	t->pid = getpid();
	if (!table_lock(t))
		return THROTTLE_E_SYSTEM;
	ret = map_file(t, nslots);
	table_unlock(t);
	return ret;
}

/* The fallback: the same table in private anonymous memory. */
static void
open_private(struct throttle *t, uint32_t nslots)
{
	void *map = mmap(NULL, table_size(nslots), PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED) {
		log_error("throttle: out of memory for %zu bytes", table_size(nslots));
		abort();
	}
	t->hdr = map;
	t->slots = (struct slot *)(t->hdr + 1);
	t->map_len = table_size(nslots);
	t->nslots = nslots;
	if (!init_header(t->hdr, nslots)) {
		/* Only slot placement depends on the salt; a guessable one is survivable here. */
		t->hdr->salt[0] = (uint64_t)now_mono_us() ^ ((uint64_t)getpid() << 32);
		t->hdr->salt[1] = (uint64_t)(uintptr_t)t;
	}
}

static void
unmap(struct throttle *t)
{
	if (t->hdr != NULL)
		munmap(t->hdr, t->map_len);
	t->hdr = NULL;
	t->slots = NULL;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

struct throttle *
throttle_open_sized(const char *path, uint32_t nslots, enum throttle_err *err)
{
	struct throttle *t = xcalloc(1, sizeof(*t));
	enum throttle_err ret;
	int saved;

	if (nslots < MIN_SLOTS)
		nslots = MIN_SLOTS;
	if (nslots > MAX_SLOTS)
		nslots = MAX_SLOTS;
	pthread_mutex_init(&t->mu, NULL);
	t->fd = -1;
	ret = open_shared(t, path, nslots);
	if (ret != THROTTLE_OK) {
		saved = errno;
		unmap(t);
		if (ret == THROTTLE_E_OPEN || ret == THROTTLE_E_SYSTEM)
			log_warn("throttle: %s: %s (%s); counting failed logins per process only",
			         path != NULL ? path : "(none)", throttle_strerror(ret), strerror(saved));
		else
			log_warn("throttle: %s: %s; counting failed logins per process only",
			         path != NULL ? path : "(none)", throttle_strerror(ret));
		open_private(t, nslots);
	}
	if (err != NULL)
		*err = ret;
	return t;
}

struct throttle *
throttle_open(const char *path, enum throttle_err *err)
{
	return throttle_open_sized(path, THROTTLE_DEFAULT_SLOTS, err);
}

bool
throttle_is_shared(const struct throttle *t)
{
	return t->fd >= 0;
}

enum throttle_verdict
throttle_check(struct throttle *t, const char *login, const char *addr,
	       int64_t now, long max_login, long max_addr, long window,
	       long *retry_after)
{
	long wait_login = 0, wait_addr = 0;
	struct slot *s;

	*retry_after = 0;
	if (window <= 0)
		return THROTTLE_ALLOW;
	if (window > INT32_MAX)
		window = INT32_MAX;   /* keeps t + window in range */
	if (max_login > THROTTLE_RING)
		max_login = THROTTLE_RING;
	if (max_addr > THROTTLE_RING)
		max_addr = THROTTLE_RING;
	if (!table_lock(t))
		return THROTTLE_ALLOW;   /* failing open: see throttle.h */
	if (login != NULL && login[0] != '\0' && max_login > 0 &&
	    (s = slot_find(t, key_of(t, true, login), false)) != NULL)
		wait_login = slot_wait(s, now, window, max_login);
	if (addr != NULL && addr[0] != '\0' && max_addr > 0 &&
	    (s = slot_find(t, key_of(t, false, addr), false)) != NULL)
		wait_addr = slot_wait(s, now, window, max_addr);
	table_unlock(t);
	*retry_after = wait_login > wait_addr ? wait_login : wait_addr;
	return *retry_after > 0 ? THROTTLE_BLOCK : THROTTLE_ALLOW;
}

void
throttle_fail(struct throttle *t, const char *login, const char *addr, int64_t now)
{
	struct slot *s;

	if (!table_lock(t))
		return;
	if (login != NULL && login[0] != '\0' && (s = slot_find(t, key_of(t, true, login), true)) != NULL)
		slot_add(s, clamp_time(now));
	if (addr != NULL && addr[0] != '\0' && (s = slot_find(t, key_of(t, false, addr), true)) != NULL)
		slot_add(s, clamp_time(now));
	table_unlock(t);
}

void
throttle_success(struct throttle *t, const char *login)
{
	struct slot *s;

	if (login == NULL || login[0] == '\0' || !table_lock(t))
		return;
	s = slot_find(t, key_of(t, true, login), false);
	if (s != NULL)
		memset(s, 0, sizeof(*s));
	table_unlock(t);
}

void
throttle_close(struct throttle *t)
{
	if (t == NULL)
		return;
	unmap(t);
	pthread_mutex_destroy(&t->mu);
	free(t->path);
	free(t);
}
