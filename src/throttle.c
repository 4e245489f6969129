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
/* Longest hashed key: "login:" + a login of up to 255 bytes, with room. */
#define MAX_KEY       320

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

/* The slot key of "login:<lower-cased login>" or "addr:<canonical address>"; never 0. */
static uint64_t
key_of(const struct throttle *t, bool is_login, const char *value)
{
	char buf[MAX_KEY];
	size_t n;

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
	if (!shmtab_lock(t->tab))
		return THROTTLE_ALLOW;   /* failing open: see throttle.h */
	if (login != NULL && login[0] != '\0' && max_login > 0 &&
	    (s = slot_find(t, key_of(t, true, login), false)) != NULL)
		wait_login = slot_wait(s, now, window, max_login);
	if (addr != NULL && addr[0] != '\0' && max_addr > 0 &&
	    (s = slot_find(t, key_of(t, false, addr), false)) != NULL)
		wait_addr = slot_wait(s, now, window, max_addr);
	shmtab_unlock(t->tab);
	*retry_after = wait_login > wait_addr ? wait_login : wait_addr;
	return *retry_after > 0 ? THROTTLE_BLOCK : THROTTLE_ALLOW;
}

void
throttle_fail(struct throttle *t, const char *login, const char *addr, int64_t now)
{
	struct slot *s;

	if (!shmtab_lock(t->tab))
		return;
	if (login != NULL && login[0] != '\0' && (s = slot_find(t, key_of(t, true, login), true)) != NULL)
		slot_add(s, clamp_time(now));
	if (addr != NULL && addr[0] != '\0' && (s = slot_find(t, key_of(t, false, addr), true)) != NULL)
		slot_add(s, clamp_time(now));
	shmtab_unlock(t->tab);
}

void
throttle_success(struct throttle *t, const char *login)
{
	struct slot *s;

	if (login == NULL || login[0] == '\0' || !shmtab_lock(t->tab))
		return;
	s = slot_find(t, key_of(t, true, login), false);
	if (s != NULL)
		memset(s, 0, sizeof(*s));
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
