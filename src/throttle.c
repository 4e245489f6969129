/* throttle.c: failed-login counters in a shared mmap'ed table (see throttle.h for the design). */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shmtab.h"
#include "throttle.h"
#include "util.h"

#define TABLE_MAGIC   "OBTHROT1"
#define TABLE_VERSION 1u
#define MIN_SLOTS     16u
#define MAX_SLOTS     (1u << 20)
/* Slots searched for a key, and among which the oldest is evicted. */
#define PROBE         16u
/* Logins are hashed up to this length; the longest key is "pair:" + login + "\n" + address. */
#define MAX_LOGIN     255
#define MAX_ADDR      64
_Static_assert(THROTTLE_KEY_MAX >= 6 + MAX_LOGIN + 1 + MAX_ADDR, "THROTTLE_KEY_MAX holds the longest key");
/* At most this many live known-good marks in the neighbourhood of a new one. */
#define GOOD_MAX      (PROBE / 2)

/*
 * One counter, or one known-good mark.  key 0 marks a free slot.  Times
 * are Unix seconds as uint32_t (good until 2106) to keep a slot at 272
 * bytes.  A failure counter has n >= 1: t[0..n-1] are valid and head is
 * where the next failure goes.  A known-good mark ("good:" key) has n == 0
 * and the time of the latest successful login in last.
 */
struct slot {
	uint64_t key;
	uint32_t last;         /* newest failure or success: the eviction order */
	uint16_t n;
	uint16_t head;
	uint32_t t[THROTTLE_RING];
};

static const struct shmtab_format format = {
	.what = "throttle",
	.magic = TABLE_MAGIC,
	.version = TABLE_VERSION,
	.param = THROTTLE_RING,
	.slot_size = sizeof(struct slot),
	.min_slots = MIN_SLOTS,
	.max_slots = MAX_SLOTS,
	.lock_wait_ms = THROTTLE_LOCK_WAIT_MS,
	.fallback = "counting failed logins per process only",
	.unlocked = "skipping the login counters",
};

/* throttle_open hands shmtab's error on as its own. */
_Static_assert((int)THROTTLE_E_NO_PATH == (int)SHMTAB_E_NO_PATH && (int)THROTTLE_E_OPEN == (int)SHMTAB_E_OPEN &&
               (int)THROTTLE_E_UNSAFE == (int)SHMTAB_E_UNSAFE && (int)THROTTLE_E_FORMAT == (int)SHMTAB_E_FORMAT &&
               (int)THROTTLE_E_SYSTEM == (int)SHMTAB_E_SYSTEM, "throttle_err mirrors shmtab_err");

struct throttle {
	struct shmtab *tab;
	struct slot   *slots;
	uint32_t       nslots;
};

uint64_t
throttle_lock_timeouts(const struct throttle *t)
{
	return t != NULL ? shmtab_lock_timeouts(t->tab) : 0;
}

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

/*
 * The text of "pair:<login>\n<address>", "addr:<address>", "login:<login>"
 * or "good:<login>\n<address>", the login lower-cased (ASCII) and cut at
 * MAX_LOGIN bytes (a longer login shares its counters with its prefix), the
 * address canonical.  The newline cannot occur in an address, so no two
 * (login, address) pairs share a key.
 */
size_t
throttle_key_text(enum throttle_key kind, const char *login, const char *addr, char out[THROTTLE_KEY_MAX])
{
	static const char *const prefix[] = {
		[THROTTLE_KEY_PAIR] = "pair:", [THROTTLE_KEY_ADDR] = "addr:",
		[THROTTLE_KEY_LOGIN] = "login:", [THROTTLE_KEY_GOOD] = "good:",
	};
	size_t n = strlen(prefix[kind]), len;

	if (login == NULL)
		login = "";
	if (addr == NULL)
		addr = "";
	memcpy(out, prefix[kind], n);
	if (kind != THROTTLE_KEY_ADDR) {
		len = strnlen(login, MAX_LOGIN);
		for (size_t i = 0; i < len; i++)
			out[n++] = (login[i] >= 'A' && login[i] <= 'Z') ? (char)(login[i] - 'A' + 'a') : login[i];
	}
	if (kind == THROTTLE_KEY_PAIR || kind == THROTTLE_KEY_GOOD)
		out[n++] = '\n';
	if (kind != THROTTLE_KEY_LOGIN) {
		canonical_addr(addr, out + n, THROTTLE_KEY_MAX - n);
		n += strlen(out + n);
	}
	return n;
}

/* The slot key of a key text: never 0. */
static uint64_t
key_of(const struct throttle *t, enum throttle_key kind, const char *login, const char *addr)
{
	char buf[THROTTLE_KEY_MAX];
	size_t n = throttle_key_text(kind, login, addr, buf);

	return shmtab_hash(t->tab, buf, n);
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

/* What a slot holds, as eviction sees it; an expired known-good mark is as good as free. */
enum slot_class { CLASS_FREE, CLASS_COUNTER, CLASS_GOOD, NCLASS };

static enum slot_class
slot_class(const struct slot *s, int64_t now)
{
	if (s->key == 0)
		return CLASS_FREE;
	if (s->n == 0)
		return (int64_t)s->last + THROTTLE_KNOWN_GOOD_SECS <= now ? CLASS_FREE : CLASS_GOOD;
	return CLASS_COUNTER;
}

/*
 * The slot of key within its neighbourhood of PROBE slots, or, when create
 * is true and the key is absent, a fresh one taken, by preference, from a
 * free slot (or an expired known-good mark), then from the failure counter
 * whose newest failure is the oldest, and only then from the oldest live
 * known-good mark: failures, which anyone can cause, never push out a mark
 * while a counter can go instead.  A new mark (good is true) where GOOD_MAX
 * live marks already are replaces the oldest of them rather than a counter,
 * so that successful logins cannot crowd the counters out either.  Free
 * slots do not end the search, so clearing a slot never hides a key stored
 * past it.
 */
static struct slot *
slot_find(struct throttle *t, uint64_t key, bool create, bool good, int64_t now)
{
	static const enum slot_class usual[NCLASS] = { CLASS_FREE, CLASS_COUNTER, CLASS_GOOD };
	static const enum slot_class crowded[NCLASS] = { CLASS_FREE, CLASS_GOOD, CLASS_COUNTER };
	uint32_t start = (uint32_t)(key % t->nslots);
	uint32_t probe = t->nslots < PROBE ? t->nslots : PROBE;
	struct slot *oldest[NCLASS] = { NULL, NULL, NULL };
	const enum slot_class *order;
	struct slot *victim = NULL;
	uint32_t ngood = 0;

	for (uint32_t i = 0; i < probe; i++) {
		struct slot *s = &t->slots[(start + i) % t->nslots];
		enum slot_class c;
		if (s->key == key)
			return s;
		if (!create)
			continue;
		c = slot_class(s, now);
		if (c == CLASS_GOOD)
			ngood++;
		if (oldest[c] == NULL || s->last < oldest[c]->last)
			oldest[c] = s;
	}
	if (!create)
		return NULL;
	order = good && ngood >= GOOD_MAX ? crowded : usual;
	for (int k = 0; k < NCLASS && victim == NULL; k++)
		victim = oldest[order[k]];
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

struct throttle *
throttle_open_sized(const char *path, uint32_t nslots, enum throttle_err *err)
{
	struct throttle *t = xcalloc(1, sizeof(*t));
	enum shmtab_err ret;

	t->tab = shmtab_open(&format, path, nslots, &ret);
	t->slots = shmtab_slots(t->tab);
	t->nslots = shmtab_nslots(t->tab);
	if (err != NULL)
		*err = (enum throttle_err)ret;
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
	return shmtab_is_shared(t->tab);
}

/* A limit as used: <= 0 disables the check, above THROTTLE_RING acts as THROTTLE_RING. */
static long
clamp_limit(long max)
{
	return max > THROTTLE_RING ? THROTTLE_RING : max;
}

static bool
present(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* Seconds until the counter of key has fewer than max failures (0: fewer now, or no counter). */
static long
key_wait(struct throttle *t, uint64_t key, int64_t now, long window, long max)
{
	struct slot *s;

	if (max <= 0 || (s = slot_find(t, key, false, false, now)) == NULL || s->n == 0)
		return 0;
	return slot_wait(s, now, window, max);
}

/* Whether (login, addr) logged in successfully within THROTTLE_KNOWN_GOOD_SECS before now. */
static bool
known_good(struct throttle *t, const char *login, const char *addr, int64_t now)
{
	struct slot *s = slot_find(t, key_of(t, THROTTLE_KEY_GOOD, login, addr), false, true, now);

	return s != NULL && s->n == 0 && slot_class(s, now) == CLASS_GOOD;
}

enum throttle_verdict
throttle_check(struct throttle *t, const char *login, const char *addr, int64_t now,
               const struct throttle_limits *lim, long *retry_after)
{
	long window = lim->window, wait = 0, w;

	*retry_after = 0;
	if (window <= 0)
		return THROTTLE_ALLOW;
	if (window > INT32_MAX)
		window = INT32_MAX;   /* keeps t + window in range */
	if (addr == NULL)
		addr = "";
	if (!shmtab_lock(t->tab))
		return THROTTLE_ALLOW;   /* failing open: see throttle.h */
	if (present(login)) {
		wait = key_wait(t, key_of(t, THROTTLE_KEY_PAIR, login, addr), now, window, clamp_limit(lim->per_pair));
		w = key_wait(t, key_of(t, THROTTLE_KEY_LOGIN, login, addr), now, window, clamp_limit(lim->per_login));
		if (w > wait && !known_good(t, login, addr, now))
			wait = w;
	}
	if (present(addr)) {
		w = key_wait(t, key_of(t, THROTTLE_KEY_ADDR, login, addr), now, window, clamp_limit(lim->per_addr));
		if (w > wait)
			wait = w;
	}
	shmtab_unlock(t->tab);
	*retry_after = wait;
	return wait > 0 ? THROTTLE_BLOCK : THROTTLE_ALLOW;
}

/* Adds a failure at now to the counter of key, creating it. */
static void
count(struct throttle *t, uint64_t key, int64_t now)
{
	struct slot *s = slot_find(t, key, true, false, now);

	if (s != NULL)
		slot_add(s, clamp_time(now));
}

void
throttle_fail(struct throttle *t, const char *login, const char *addr, int64_t now)
{
	if (addr == NULL)
		addr = "";
	if (!shmtab_lock(t->tab))
		return;
	if (present(login)) {
		count(t, key_of(t, THROTTLE_KEY_PAIR, login, addr), now);
		count(t, key_of(t, THROTTLE_KEY_LOGIN, login, addr), now);
	}
	if (present(addr))
		count(t, key_of(t, THROTTLE_KEY_ADDR, login, addr), now);
	shmtab_unlock(t->tab);
}

void
throttle_success(struct throttle *t, const char *login, const char *addr, int64_t now)
{
	struct slot *s;
	uint32_t when = clamp_time(now);

	if (addr == NULL)
		addr = "";
	if (!present(login) || !shmtab_lock(t->tab))
		return;
	s = slot_find(t, key_of(t, THROTTLE_KEY_PAIR, login, addr), false, false, now);
	if (s != NULL)
		memset(s, 0, sizeof(*s));
	s = slot_find(t, key_of(t, THROTTLE_KEY_GOOD, login, addr), true, true, now);
	if (s != NULL) {
		s->n = 0;   /* already 0 unless the file was damaged */
		s->head = 0;
		if (when > s->last)
			s->last = when;
	}
	shmtab_unlock(t->tab);
}

void
throttle_close(struct throttle *t)
{
	if (t == NULL)
		return;
	shmtab_close(t->tab);
	free(t);
}
