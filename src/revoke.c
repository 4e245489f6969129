/* revoke.c: the shared list of revoked token ids (see revoke.h for the design). */
#include "autoconfig.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "revoke.h"
#include "shmtab.h"
#include "util.h"

#define TABLE_MAGIC   "OBREVOK1"
#define TABLE_VERSION 1u
#define MAX_SLOTS     (1u << 24)

/* One revoked jti; key 0 marks a free entry, exp <= now an expired one. */
struct slot {
	uint64_t key;   /* salted SipHash of the jti */
	int64_t  exp;   /* Unix seconds */
};

_Static_assert(sizeof(struct slot) == 16, "16 bytes an entry");

static const struct shmtab_format format = {
	.what = "revoke",
	.magic = TABLE_MAGIC,
	.version = TABLE_VERSION,
	.param = REVOKE_PROBE,   /* where a jti may be depends on it */
	.slot_size = sizeof(struct slot),
	.min_slots = REVOKE_PROBE,
	.max_slots = MAX_SLOTS,
	.lock_wait_ms = REVOKE_LOCK_WAIT_MS,
	.fallback = "logouts hold in this process only",
	.unlocked = "the revocation list is unavailable for this request",
};

/* revoke_open hands shmtab's error on as its own. */
_Static_assert((int)REVOKE_E_NO_PATH == (int)SHMTAB_E_NO_PATH && (int)REVOKE_E_OPEN == (int)SHMTAB_E_OPEN &&
               (int)REVOKE_E_UNSAFE == (int)SHMTAB_E_UNSAFE && (int)REVOKE_E_FORMAT == (int)SHMTAB_E_FORMAT &&
               (int)REVOKE_E_SYSTEM == (int)SHMTAB_E_SYSTEM, "revoke_err mirrors shmtab_err");

/*
 * How long a process trusts "not revoked" for the token it last looked up
 * while the table's change counter stays the same.  The counter alone would
 * do between processes of this version; the bound covers a process that
 * writes the file without bumping it (an older version during an upgrade).
 */
#define MEMO_US 1000000

struct revoke {
	struct shmtab  *tab;
	struct slot    *slots;
	uint32_t        nslots;
	/*
	 * The last jti found absent: the same token on the next request is
	 * answered without the file lock (two fcntl calls of the dozen a
	 * cached answer makes).
	 */
	pthread_mutex_t memo_mu;
	uint64_t        memo_key;      /* 0: none */
	uint64_t        memo_changes;  /* shmtab_changes() read before that lookup */
	int64_t         memo_until_us;
};

const char *
revoke_strerror(enum revoke_err e)
{
	static const char *const text[] = {
		[REVOKE_OK]        = "ok",
		[REVOKE_E_NO_PATH] = "no revocation file configured",
		[REVOKE_E_OPEN]    = "cannot open or create the revocation file",
		[REVOKE_E_UNSAFE]  = "revocation file is not a regular file owned by us and writable only by us",
		[REVOKE_E_FORMAT]  = "revocation file has another size or format (remove it)",
		[REVOKE_E_SYSTEM]  = "cannot size, map, salt or lock the revocation file",
	};

	if ((size_t)e < ARRAY_SIZE(text) && text[e] != NULL)
		return text[e];
	return "unknown revocation error";
}

struct revoke *
revoke_open_sized(const char *path, uint32_t nslots, enum revoke_err *err)
{
	struct revoke *r = xcalloc(1, sizeof(*r));
	enum shmtab_err ret;

	pthread_mutex_init(&r->memo_mu, NULL);
	r->tab = shmtab_open(&format, path, nslots, &ret);
	r->slots = shmtab_slots(r->tab);
	r->nslots = shmtab_nslots(r->tab);
	if (err != NULL)
		*err = (enum revoke_err)ret;
	return r;
}

struct revoke *
revoke_open(const char *path, enum revoke_err *err)
{
	return revoke_open_sized(path, REVOKE_DEFAULT_SLOTS, err);
}

bool
revoke_is_shared(const struct revoke *r)
{
	return shmtab_is_shared(r->tab);
}

/* The length of a valid jti, or 0. */
static size_t
jti_len(const char *jti)
{
	size_t n;

	if (jti == NULL)
		return 0;
	n = strnlen(jti, REVOKE_JTI_MAX + 1);
	return n <= REVOKE_JTI_MAX ? n : 0;
}

/* The entry i places after key's position. */
static struct slot *
entry(struct revoke *r, uint64_t key, uint32_t i)
{
	return &r->slots[(uint32_t)((key + i) % r->nslots)];
}

bool
revoke_add(struct revoke *r, const char *jti, int64_t exp, int64_t now)
{
	size_t len = jti_len(jti);
	uint64_t key;
	struct slot *free_slot = NULL;
	bool ok = false;

	if (len == 0) {
		log_warn("revoke: refusing a token id that is empty or longer than %d bytes", REVOKE_JTI_MAX);
		return false;
	}
	if (exp <= now)
		return true;   /* expired already: nothing to remember */
	key = shmtab_hash(r->tab, jti, len);
	if (!shmtab_lock(r->tab))
		return false;
	/* Free and expired entries do not end the search: the jti may be past them. */
	for (uint32_t i = 0; i < REVOKE_PROBE; i++) {
		struct slot *s = entry(r, key, i);
		if (s->key == key) {
			if (exp > s->exp)
				s->exp = exp;
			ok = true;
			goto out;
		}
		if (free_slot == NULL && (s->key == 0 || s->exp <= now))
			free_slot = s;
	}
	if (free_slot != NULL) {
		free_slot->key = key;
		free_slot->exp = exp;
		ok = true;
	} else {
		log_error("revoke: no free entry among %d for a revoked token (the list holds %u): "
		          "the logout is not recorded", REVOKE_PROBE, r->nslots);
	}
out:
	if (ok)
		shmtab_changed(r->tab);   /* every process's memo of an absent jti is void */
	shmtab_unlock(r->tab);
	return ok;
}

enum revoke_state
revoke_lookup(struct revoke *r, const char *jti, int64_t now)
{
	size_t len = jti_len(jti);
	uint64_t key, changes;
	enum revoke_state state = REVOKE_ABSENT;
	int64_t t;
	bool memo;

	if (len == 0)
		return REVOKE_ABSENT;
	key = shmtab_hash(r->tab, jti, len);
	/* Read before the table is: a revocation after this read changes it. */
	changes = shmtab_changes(r->tab);
	t = now_mono_us();
	pthread_mutex_lock(&r->memo_mu);
	memo = r->memo_key == key && r->memo_changes == changes && t < r->memo_until_us;
	pthread_mutex_unlock(&r->memo_mu);
	if (memo)
		return REVOKE_ABSENT;
	if (!shmtab_lock(r->tab))
		return REVOKE_UNKNOWN;   /* the caller fails closed: see revoke.h */
	for (uint32_t i = 0; i < REVOKE_PROBE; i++) {
		const struct slot *s = entry(r, key, i);
		if (s->key == key) {
			if (s->exp > now)
				state = REVOKE_PRESENT;
			break;
		}
	}
	shmtab_unlock(r->tab);
	if (state == REVOKE_ABSENT) {
		pthread_mutex_lock(&r->memo_mu);
		r->memo_key = key;
		r->memo_changes = changes;
		r->memo_until_us = t + MEMO_US;
		pthread_mutex_unlock(&r->memo_mu);
	}
	return state;
}

bool
revoke_contains(struct revoke *r, const char *jti, int64_t now)
{
	return revoke_lookup(r, jti, now) != REVOKE_ABSENT;
}

void
revoke_close(struct revoke *r)
{
	if (r == NULL)
		return;
	shmtab_close(r->tab);
	pthread_mutex_destroy(&r->memo_mu);
	free(r);
}
