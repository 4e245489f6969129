/* state_redis.c: the Redis engine of state.h (hiredis): the same state for every host behind one load balancer. */
#include "autoconfig.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "config.h"
#include "redis_url.h"
#include "state_int.h"
#include "util.h"

/*
 * Connections: one per thread (a pthread key per engine), made lazily on
 * the thread's first operation.  The --listen mode runs up to 256 threads
 * that each wait on Odoo and on Redis: with one connection behind a mutex,
 * every thread would queue behind the slowest round trip, and a Redis that
 * hangs would stall them all for a timeout each, one after the other.  A
 * connection is a socket and a few KiB; a FastCGI process has one thread.
 * The connections stay on the engine's list until state_close (the
 * program's threads live as long as the process).
 *
 * Down: a failed connect or command marks the engine down for
 * REDIS_RETRY_MS.  Until then every operation answers STATE_DOWN at once,
 * without touching the network; afterwards exactly one thread (a
 * compare-and-swap on retry_at) tries to connect, the others still answer
 * STATE_DOWN.  So a dead Redis costs each process one connect timeout per
 * second, not one per request.  When it is back, the epoch moves on and
 * every thread drops its old connection before its next command.  A
 * warning is logged at most once per REDIS_WARN_MS.
 *
 * Keys, all under REDIS_PREFIX (P):
 *   P t:<hash>   a failure counter (a list of failure times, newest first,
 *                at most THROTTLE_RING) or a known-good mark (the time of
 *                the last success), <hash> of throttle_key_text's key;
 *                counters expire LOGIN_WINDOW after their last failure,
 *                marks THROTTLE_KNOWN_GOOD_SECS after the last success;
 *   P r:<hash>   a revoked token, <hash> of its jti, expiring at its exp;
 *   P c:<key>    a cached value, expiring after its ttl;
 *   P g:<model>  a model's generation, never expiring.
 * <hash> is 128 bits of SHA-256 in hex: logins and token ids do not appear
 * in Redis in clear, and every key has a bounded length.
 *
 * The throttle's rules are throttle.h's, run inside Redis by Lua scripts
 * (EVALSHA, EVAL when Redis does not know the script yet), so that the
 * hosts' failures add up atomically.
 *
 * Generations and Redis's eviction: with maxmemory-policy allkeys-*, Redis
 * may evict a generation key.  Were a missing generation read as 0, a page
 * cached before the model's first write (at generation 0) would become
 * valid again after the eviction: a stale read after a write.  So a
 * generation is never made smaller: a missing one is created, at read or
 * at bump, as Redis's clock in microseconds (TIME), and a bump sets
 * max(old + 1, clock).  Every value a key took before its eviction is then
 * below the one it is created with again.  The price: a model never bumped
 * has a large generation, not 0 (state.h: only equality counts).
 */

#define REDIS_RETRY_MS 1000L
#define REDIS_WARN_MS  60000L
#define HASH_HEX       32           /* hex digits of a hashed key part */
#define VALUE_MAX      (64u << 20)  /* the largest cached value read back */

enum script { S_CHECK, S_FAIL, S_SUCCESS, S_GENS, S_BUMP, NSCRIPT };

static const char *const script_text[NSCRIPT] = {
	/* KEYS: pair, login, addr, good.  ARGV: now, window, per_pair, per_login, per_addr, has_login, has_addr, good_secs. */
	[S_CHECK] =
	"local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])\n"
	"local function wait(key, max)\n"
	"  if max <= 0 then return 0 end\n"
	"  local inw = {}\n"
	"  for _, v in ipairs(redis.call('LRANGE', key, 0, -1)) do\n"
	"    local t = tonumber(v)\n"
	"    if t and t + window > now then inw[#inw + 1] = t end\n"
	"  end\n"
	"  if #inw < max then return 0 end\n"
	"  table.sort(inw)\n"
	"  local w = inw[#inw - max + 1] + window - now\n"
	"  if w < 1 then w = 1 end\n"
	"  return w\n"
	"end\n"
	"local w, x = 0, 0\n"
	"if ARGV[6] == '1' then\n"
	"  w = wait(KEYS[1], tonumber(ARGV[3]))\n"
	"  x = wait(KEYS[2], tonumber(ARGV[4]))\n"
	"  if x > w then\n"
	"    local g = tonumber(redis.call('GET', KEYS[4]) or '')\n"
	"    if not (g and g + tonumber(ARGV[8]) > now) then w = x end\n"
	"  end\n"
	"end\n"
	"if ARGV[7] == '1' then\n"
	"  x = wait(KEYS[3], tonumber(ARGV[5]))\n"
	"  if x > w then w = x end\n"
	"end\n"
	"return w\n",
	/* KEYS: pair, login, addr.  ARGV: now, ttl, ring, has_login, has_addr. */
	[S_FAIL] =
	"local function add(k)\n"
	"  redis.call('LPUSH', k, ARGV[1])\n"
	"  redis.call('LTRIM', k, 0, tonumber(ARGV[3]) - 1)\n"
	"  redis.call('EXPIRE', k, ARGV[2])\n"
	"end\n"
	"if ARGV[4] == '1' then add(KEYS[1]); add(KEYS[2]) end\n"
	"if ARGV[5] == '1' then add(KEYS[3]) end\n"
	"return 1\n",
	/* KEYS: pair, good.  ARGV: now, good_secs. */
	[S_SUCCESS] =
	"redis.call('DEL', KEYS[1])\n"
	"local now = tonumber(ARGV[1])\n"
	"local g = tonumber(redis.call('GET', KEYS[2]) or '') or 0\n"
	"if now > g then g = now; redis.call('SET', KEYS[2], ARGV[1]) end\n"
	"local ttl = g + tonumber(ARGV[2]) - now\n"
	"if ttl < 1 then ttl = 1 end\n"
	"redis.call('EXPIRE', KEYS[2], string.format('%.0f', ttl))\n"
	"return 1\n",
	/* KEYS: the generations.  A missing one is created as the clock (above). */
	[S_GENS] =
	"if redis.replicate_commands then redis.replicate_commands() end\n"
	"local t = redis.call('TIME')\n"
	"local clock = string.format('%.0f', tonumber(t[1]) * 1000000 + tonumber(t[2]))\n"
	"local out = {}\n"
	"for i, k in ipairs(KEYS) do\n"
	"  local v = redis.call('GET', k)\n"
	"  if not v then redis.call('SET', k, clock, 'NX'); v = redis.call('GET', k) end\n"
	"  out[i] = v\n"
	"end\n"
	"return out\n",
	/* KEYS: the generation.  max(old + 1, clock). */
	[S_BUMP] =
	"if redis.replicate_commands then redis.replicate_commands() end\n"
	"local t = redis.call('TIME')\n"
	"local clock = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
	"local n = (tonumber(redis.call('GET', KEYS[1]) or '') or 0) + 1\n"
	"if clock > n then n = clock end\n"
	"local v = string.format('%.0f', n)\n"
	"redis.call('SET', KEYS[1], v)\n"
	"return v\n",
};

struct rconn {
	redisContext *c;
	uint64_t      epoch;   /* the engine's epoch when connected */
	pid_t         pid;     /* a connection inherited through fork is not used */
	struct rconn *next;
};

struct redis {
	struct redis_url url;
	char             where[300];     /* host:port or unix:path, for the log (no credentials) */
	char            *prefix;
	struct timeval   timeout;
	long             counter_ttl;    /* seconds a failure counter lives after its last failure */
	char             sha[NSCRIPT][41];

	pthread_key_t    key;            /* this thread's struct rconn */
	pthread_mutex_t  lock;           /* the list below */
	struct rconn    *conns;

	_Atomic int64_t  retry_at;       /* 0: up; else down, next connect at this monotonic ms */
	_Atomic int64_t  warned_at;      /* monotonic ms of the last warning, 0: none yet */
	_Atomic uint64_t epoch;
	_Atomic uint64_t errors;
};

static int64_t
mono_ms(void)
{
	return now_mono_us() / 1000;
}

/* One warning per REDIS_WARN_MS per process, whichever thread sees the problem first. */
static void
warn_limited(struct redis *r, const char *what, const char *detail)
{
	int64_t now = mono_ms(), last = atomic_load(&r->warned_at);

	if (last != 0 && now - last < REDIS_WARN_MS)
		return;
	if (!atomic_compare_exchange_strong(&r->warned_at, &last, now))
		return;
	log_warn("Redis at %s: %s: %s (skipping the shared cache, counting logins on this host; "
	         "retrying every second, next warning in a minute at the earliest)", r->where, what, detail);
}

static void
mark_down(struct redis *r, const char *what, const char *detail)
{
	atomic_store(&r->retry_at, mono_ms() + REDIS_RETRY_MS);
	atomic_fetch_add(&r->errors, 1);
	warn_limited(r, what, detail);
}

static void
drop(struct rconn *k)
{
	if (k->c != NULL)
		redisFree(k->c);
	k->c = NULL;
}

/* AUTH and SELECT on a new connection; false (with why) when Redis refuses. */
static bool
handshake(struct redis *r, redisContext *c, char *why, size_t whylen)
{
	char db[24];
	const char *argv[3];
	int argc = 0;
	redisReply *rep;

	if (r->url.password != NULL) {
		argv[argc++] = "AUTH";
		if (r->url.user != NULL)
			argv[argc++] = r->url.user;
		argv[argc++] = r->url.password;
		rep = redisCommandArgv(c, argc, argv, NULL);
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			snprintf(why, whylen, "AUTH: %s", rep != NULL ? rep->str : c->errstr);
			freeReplyObject(rep);
			return false;
		}
		freeReplyObject(rep);
	}
	if (r->url.db != 0) {
		snprintf(db, sizeof(db), "%ld", r->url.db);
		argv[0] = "SELECT";
		argv[1] = db;
		rep = redisCommandArgv(c, 2, argv, NULL);
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			snprintf(why, whylen, "SELECT %s: %s", db, rep != NULL ? rep->str : c->errstr);
			freeReplyObject(rep);
			return false;
		}
		freeReplyObject(rep);
	}
	return true;
}

/* Connects k; false, the engine marked down, when it cannot. */
static bool
connect_conn(struct redis *r, struct rconn *k)
{
	redisContext *c;
	char why[256];

	drop(k);
	/*
	 * A host name is resolved here, by getaddrinfo, which the timeout does
	 * not bound: give REDIS_URL an address where DNS may be slow.  hiredis
	 * writes with write(2): the process must ignore SIGPIPE (main.c does),
	 * or a Redis that dies mid-command kills it.
	 */
	if (r->url.is_unix)
		c = redisConnectUnixWithTimeout(r->url.path, r->timeout);
	else
		c = redisConnectWithTimeout(r->url.host, r->url.port, r->timeout);
	if (c == NULL) {
		mark_down(r, "cannot connect", "out of memory");
		return false;
	}
	if (c->err) {
		mark_down(r, "cannot connect", c->errstr);
		redisFree(c);
		return false;
	}
	/* hiredis 0.14 applies the connect timeout to connect(2) only: this one is for every command. */
	if (redisSetTimeout(c, r->timeout) != REDIS_OK || !handshake(r, c, why, sizeof(why))) {
		mark_down(r, "cannot set up the connection", c->err ? c->errstr : why);
		redisFree(c);
		return false;
	}
	k->c = c;
	k->pid = getpid();
	return true;
}

/* This thread's connection record, made on first use. */
static struct rconn *
thread_conn(struct redis *r)
{
	struct rconn *k = pthread_getspecific(r->key);

	if (k == NULL) {
		k = xcalloc(1, sizeof(*k));
		pthread_mutex_lock(&r->lock);
		k->next = r->conns;
		r->conns = k;
		pthread_mutex_unlock(&r->lock);
		(void)pthread_setspecific(r->key, k);
	}
	return k;
}

/*
 * A connection to send a command on, or NULL (STATE_DOWN) while the engine
 * is down; *fresh says whether it was made just now.
 */
static struct rconn *
conn_get(struct redis *r, bool *fresh)
{
	struct rconn *k = thread_conn(r);
	int64_t at = atomic_load(&r->retry_at), now;

	*fresh = false;
	if (at != 0) {
		now = mono_ms();
		/* Down: one thread per second tries again, the others skip. */
		if (now < at || !atomic_compare_exchange_strong(&r->retry_at, &at, now + REDIS_RETRY_MS))
			return NULL;
		if (!connect_conn(r, k))
			return NULL;
		k->epoch = atomic_fetch_add(&r->epoch, 1) + 1;
		atomic_store(&r->retry_at, 0);
		log_info("Redis at %s answers again: shared state back on", r->where);
		*fresh = true;
		return k;
	}
	if (k->c != NULL && k->pid == getpid() && k->epoch == atomic_load(&r->epoch))
		return k;
	if (k->c != NULL && k->pid != getpid()) {
		/* The parent's socket: close our copy, never talk on it. */
		redisFree(k->c);
		k->c = NULL;
	}
	k->epoch = atomic_load(&r->epoch);
	if (!connect_conn(r, k))
		return NULL;
	*fresh = true;
	return k;
}

/*
 * Sends one command and returns its reply (the caller frees it), or NULL
 * with the engine marked down.  An error reply (OOM under maxmemory,
 * WRONGTYPE on a foreign key) is returned as NULL too, counted and warned
 * about, but leaves the connection up; with pass_noscript, a NOSCRIPT
 * error is returned as a reply (script() handles it).  A connection that
 * Redis closed while it sat idle (its "timeout" setting, a restart) is
 * reconnected and the command sent again once: Redis had not received it.
 */
static redisReply *
command_ex(struct redis *r, int argc, const char **argv, const size_t *lens, bool pass_noscript)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		bool fresh;
		struct rconn *k = conn_get(r, &fresh);
		redisReply *rep;
		int err, eno;

		if (k == NULL)
			return NULL;
		errno = 0;
		rep = redisCommandArgv(k->c, argc, argv, lens);
		if (rep != NULL) {
			if (rep->type != REDIS_REPLY_ERROR || (pass_noscript && strncmp(rep->str, "NOSCRIPT", 8) == 0))
				return rep;
			atomic_fetch_add(&r->errors, 1);
			warn_limited(r, argv[0], rep->str);
			freeReplyObject(rep);
			return NULL;
		}
		err = k->c->err;
		eno = errno;
		if (attempt == 0 && !fresh &&
		    (err == REDIS_ERR_EOF || (err == REDIS_ERR_IO && (eno == ECONNRESET || eno == EPIPE)))) {
			drop(k);
			continue;
		}
		mark_down(r, argv[0], k->c->errstr);
		drop(k);
		return NULL;
	}
	return NULL;
}

static redisReply *
command(struct redis *r, int argc, const char **argv, const size_t *lens)
{
	return command_ex(r, argc, argv, lens, false);
}

/*
 * Runs a script: EVALSHA, and EVAL when Redis answers NOSCRIPT (a Redis
 * just started, or restarted, knows no script; EVAL caches it).  argv[0..2]
 * are left for the command, the script and the number of keys.
 */
static redisReply *
script(struct redis *r, enum script s, int nkeys, int argc, const char **argv, size_t *lens)
{
	char n[12];
	redisReply *rep;

	snprintf(n, sizeof(n), "%d", nkeys);
	argv[0] = "EVALSHA";
	argv[1] = r->sha[s];
	argv[2] = n;
	lens[0] = 7;
	lens[1] = 40;
	lens[2] = strlen(n);
	rep = command_ex(r, argc, argv, lens, true);
	if (rep == NULL || rep->type != REDIS_REPLY_ERROR)
		return rep;
	freeReplyObject(rep);
	argv[0] = "EVAL";
	argv[1] = script_text[s];
	lens[0] = 4;
	lens[1] = strlen(script_text[s]);
	return command(r, argc, argv, lens);
}

/* P + part + 32 hex digits of SHA-256(data): a key that shows nothing of data. */
static char *
hashed_key(const struct redis *r, const char *part, const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[HASH_HEX + 1];

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen * 2 < HASH_HEX)
		abort();   /* SHA-256 from libcrypto cannot fail short of memory exhaustion */
	for (int i = 0; i < HASH_HEX / 2; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return xasprintf("%s%s%s", r->prefix, part, hex);
}

static char *
throttle_key(const struct redis *r, enum throttle_key kind, const char *login, const char *addr)
{
	char text[THROTTLE_KEY_MAX];
	size_t n = throttle_key_text(kind, login, addr, text);

	return hashed_key(r, "t:", text, n);
}

static bool
present(const char *s)
{
	return s != NULL && s[0] != '\0';
}

static long
clamp_limit(long max)
{
	return max > THROTTLE_RING ? THROTTLE_RING : max;
}

static enum state_result
redis_throttle_check(void *e, const char *login, const char *addr, int64_t now, const struct throttle_limits *lim,
                     long *retry_after, enum throttle_verdict *verdict)
{
	struct redis *r = e;
	const char *argv[15];
	size_t lens[15];
	char a[8][24];
	char *keys[4];
	long window = lim->window;
	redisReply *rep;
	enum state_result res = STATE_DOWN;

	*retry_after = 0;
	*verdict = THROTTLE_ALLOW;
	if (window <= 0)
		return STATE_OK;
	if (window > INT32_MAX)
		window = INT32_MAX;
	keys[0] = throttle_key(r, THROTTLE_KEY_PAIR, login, addr);
	keys[1] = throttle_key(r, THROTTLE_KEY_LOGIN, login, addr);
	keys[2] = throttle_key(r, THROTTLE_KEY_ADDR, login, addr);
	keys[3] = throttle_key(r, THROTTLE_KEY_GOOD, login, addr);
	snprintf(a[0], sizeof(a[0]), "%lld", (long long)now);
	snprintf(a[1], sizeof(a[1]), "%ld", window);
	snprintf(a[2], sizeof(a[2]), "%ld", clamp_limit(lim->per_pair));
	snprintf(a[3], sizeof(a[3]), "%ld", clamp_limit(lim->per_login));
	snprintf(a[4], sizeof(a[4]), "%ld", clamp_limit(lim->per_addr));
	snprintf(a[5], sizeof(a[5]), "%d", present(login));
	snprintf(a[6], sizeof(a[6]), "%d", present(addr));
	snprintf(a[7], sizeof(a[7]), "%ld", THROTTLE_KNOWN_GOOD_SECS);
	for (int i = 0; i < 4; i++)
		argv[3 + i] = keys[i];
	for (int i = 0; i < 8; i++)
		argv[7 + i] = a[i];
	for (int i = 3; i < 15; i++)
		lens[i] = strlen(argv[i]);
	rep = script(r, S_CHECK, 4, 15, argv, lens);
	if (rep != NULL && rep->type == REDIS_REPLY_INTEGER) {
		*retry_after = rep->integer > 0 ? (long)rep->integer : 0;
		*verdict = *retry_after > 0 ? THROTTLE_BLOCK : THROTTLE_ALLOW;
		res = STATE_OK;
	}
	freeReplyObject(rep);
	for (int i = 0; i < 4; i++)
		free(keys[i]);
	return res;
}

static enum state_result
redis_throttle_fail(void *e, const char *login, const char *addr, int64_t now)
{
	struct redis *r = e;
	const char *argv[11];
	size_t lens[11];
	char a[5][24];
	char *keys[3];
	redisReply *rep;

	keys[0] = throttle_key(r, THROTTLE_KEY_PAIR, login, addr);
	keys[1] = throttle_key(r, THROTTLE_KEY_LOGIN, login, addr);
	keys[2] = throttle_key(r, THROTTLE_KEY_ADDR, login, addr);
	snprintf(a[0], sizeof(a[0]), "%lld", (long long)now);
	snprintf(a[1], sizeof(a[1]), "%ld", r->counter_ttl);
	snprintf(a[2], sizeof(a[2]), "%d", THROTTLE_RING);
	snprintf(a[3], sizeof(a[3]), "%d", present(login));
	snprintf(a[4], sizeof(a[4]), "%d", present(addr));
	for (int i = 0; i < 3; i++)
		argv[3 + i] = keys[i];
	for (int i = 0; i < 5; i++)
		argv[6 + i] = a[i];
	for (int i = 3; i < 11; i++)
		lens[i] = strlen(argv[i]);
	rep = script(r, S_FAIL, 3, 11, argv, lens);
	for (int i = 0; i < 3; i++)
		free(keys[i]);
	freeReplyObject(rep);
	return rep != NULL ? STATE_OK : STATE_DOWN;
}

static enum state_result
redis_throttle_success(void *e, const char *login, const char *addr, int64_t now)
{
	struct redis *r = e;
	const char *argv[7];
	size_t lens[7];
	char a[2][24];
	char *keys[2];
	redisReply *rep;

	if (!present(login))
		return STATE_OK;
	keys[0] = throttle_key(r, THROTTLE_KEY_PAIR, login, addr);
	keys[1] = throttle_key(r, THROTTLE_KEY_GOOD, login, addr);
	snprintf(a[0], sizeof(a[0]), "%lld", (long long)now);
	snprintf(a[1], sizeof(a[1]), "%ld", THROTTLE_KNOWN_GOOD_SECS);
	argv[3] = keys[0];
	argv[4] = keys[1];
	argv[5] = a[0];
	argv[6] = a[1];
	for (int i = 3; i < 7; i++)
		lens[i] = strlen(argv[i]);
	rep = script(r, S_SUCCESS, 2, 7, argv, lens);
	free(keys[0]);
	free(keys[1]);
	freeReplyObject(rep);
	return rep != NULL ? STATE_OK : STATE_DOWN;
}

/* A jti that revoke.h would not store: the same set, so that both engines agree. */
static bool
valid_jti(const char *jti)
{
	return jti != NULL && jti[0] != '\0' && strlen(jti) <= REVOKE_JTI_MAX;
}

static enum state_result
redis_revoke_add(void *e, const char *jti, int64_t exp, int64_t now)
{
	struct redis *r = e;
	char ttl[24];
	char *key;
	const char *argv[5];
	redisReply *rep;

	if (exp <= now)
		return STATE_OK;   /* dead anyway */
	if (!valid_jti(jti)) {
		log_warn("logout: a token id of %zu bytes cannot be revoked", jti != NULL ? strlen(jti) : 0);
		return STATE_DOWN;
	}
	key = hashed_key(r, "r:", jti, strlen(jti));
	snprintf(ttl, sizeof(ttl), "%lld", (long long)(exp - now));
	argv[0] = "SET";
	argv[1] = key;
	argv[2] = "1";
	argv[3] = "EX";
	argv[4] = ttl;
	rep = command(r, 5, argv, NULL);
	free(key);
	freeReplyObject(rep);
	return rep != NULL ? STATE_OK : STATE_DOWN;
}

static enum state_result
redis_revoke_lookup(void *e, const char *jti, int64_t now, enum revoke_state *rs)
{
	struct redis *r = e;
	char *key;
	const char *argv[2];
	redisReply *rep;

	(void)now;   /* the key expires at the token's exp */
	*rs = REVOKE_ABSENT;
	if (!valid_jti(jti))
		return STATE_OK;
	key = hashed_key(r, "r:", jti, strlen(jti));
	argv[0] = "EXISTS";
	argv[1] = key;
	rep = command(r, 2, argv, NULL);
	free(key);
	if (rep == NULL)
		return STATE_DOWN;
	*rs = rep->type == REDIS_REPLY_INTEGER && rep->integer > 0 ? REVOKE_PRESENT : REVOKE_ABSENT;
	freeReplyObject(rep);
	return STATE_OK;
}

/* P c:<key>, the key's bytes as they are (Redis keys are binary-safe). */
static void
cache_key(const struct redis *r, const void *key, size_t klen, struct buf *out)
{
	buf_init(out, strlen(r->prefix) + 2 + klen);
	(void)buf_puts(out, r->prefix);
	(void)buf_puts(out, "c:");
	(void)buf_append(out, key, klen);
}

static enum state_result
redis_cache_get(void *e, const void *key, size_t klen, struct buf *out)
{
	struct redis *r = e;
	struct buf k;
	const char *argv[2];
	size_t lens[2];
	redisReply *rep;
	enum state_result res = STATE_MISS;

	cache_key(r, key, klen, &k);
	argv[0] = "GET";
	lens[0] = 3;
	argv[1] = k.data;
	lens[1] = k.len;
	rep = command(r, 2, argv, lens);
	buf_free(&k);
	if (rep == NULL)
		return STATE_DOWN;
	if (rep->type == REDIS_REPLY_STRING && rep->len <= VALUE_MAX && buf_append(out, rep->str, rep->len))
		res = STATE_OK;
	freeReplyObject(rep);
	return res;
}

static enum state_result
redis_cache_put(void *e, const void *key, size_t klen, const void *val, size_t vlen, long ttl)
{
	struct redis *r = e;
	struct buf k;
	char t[24];
	const char *argv[5];
	size_t lens[5];
	redisReply *rep;

	if (ttl < 1)
		return STATE_MISS;
	cache_key(r, key, klen, &k);
	snprintf(t, sizeof(t), "%ld", ttl);
	argv[0] = "SET";
	argv[1] = k.data;
	argv[2] = val;
	argv[3] = "EX";
	argv[4] = t;
	lens[0] = 3;
	lens[1] = k.len;
	lens[2] = vlen;
	lens[3] = 2;
	lens[4] = strlen(t);
	rep = command(r, 5, argv, lens);
	buf_free(&k);
	freeReplyObject(rep);
	return rep != NULL ? STATE_OK : STATE_DOWN;
}

/* A generation as Redis keeps it: a decimal string (the scripts above). */
static bool
parse_gen(const redisReply *rep, uint64_t *gen)
{
	int64_t v;

	if (rep->type == REDIS_REPLY_INTEGER && rep->integer >= 0) {
		*gen = (uint64_t)rep->integer;
		return true;
	}
	if (rep->type != REDIS_REPLY_STRING || !parse_int64(rep->str, 0, INT64_MAX, &v))
		return false;
	*gen = (uint64_t)v;
	return true;
}

static enum state_result
redis_gens_get(void *e, const char *const *models, size_t n, uint64_t *gens)
{
	struct redis *r = e;
	const char **argv;
	size_t *lens;
	char **keys;
	redisReply *rep;
	enum state_result res = STATE_DOWN;

	if (n == 0)
		return STATE_OK;
	if (n > 1024)
		return STATE_DOWN;   /* no request touches that many models */
	argv = xcalloc(n + 3, sizeof(*argv));
	lens = xcalloc(n + 3, sizeof(*lens));
	keys = xcalloc(n, sizeof(*keys));
	for (size_t i = 0; i < n; i++) {
		keys[i] = xasprintf("%sg:%s", r->prefix, models[i]);
		argv[3 + i] = keys[i];
		lens[3 + i] = strlen(keys[i]);
	}
	/*
	 * Every cached read asks this.  A plain MGET first: once each model
	 * has a generation (after its first read), that is all it takes.  The
	 * script (a Lua call, about ten times the server's CPU of an MGET)
	 * runs only when some key is missing, to create it from the clock.
	 */
	argv[2] = "MGET";
	lens[2] = 4;
	rep = command(r, (int)n + 1, argv + 2, lens + 2);
	if (rep != NULL && rep->type == REDIS_REPLY_ARRAY && rep->elements == n) {
		res = STATE_OK;
		for (size_t i = 0; i < n && res == STATE_OK; i++)
			if (!parse_gen(rep->element[i], &gens[i]))
				res = STATE_MISS;   /* missing (nil) or not ours: the script decides */
	}
	if (rep != NULL && res != STATE_OK) {
		freeReplyObject(rep);
		res = STATE_DOWN;
		rep = script(r, S_GENS, (int)n, (int)n + 3, argv, lens);
		if (rep != NULL && rep->type == REDIS_REPLY_ARRAY && rep->elements == n) {
			res = STATE_OK;
			for (size_t i = 0; i < n && res == STATE_OK; i++)
				if (!parse_gen(rep->element[i], &gens[i]))
					res = STATE_DOWN;
		}
	}
	freeReplyObject(rep);
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(lens);
	free(argv);
	return res;
}

static enum state_result
redis_gen_bump(void *e, const char *model)
{
	struct redis *r = e;
	char *key = xasprintf("%sg:%s", r->prefix, model);
	const char *argv[4];
	size_t lens[4];
	redisReply *rep;

	argv[3] = key;
	lens[3] = strlen(key);
	rep = script(r, S_BUMP, 1, 4, argv, lens);
	free(key);
	freeReplyObject(rep);
	return rep != NULL ? STATE_OK : STATE_DOWN;
}

/* ---- events shared by the hosts: a Redis stream, P e ---- */

static enum state_result
redis_event_add(void *e, const void *data, size_t len, long max)
{
	struct redis *r = e;
	char *key = xasprintf("%se", r->prefix), n[24];
	const char *argv[8];
	size_t lens[8];
	redisReply *rep;

	snprintf(n, sizeof n, "%ld", max);
	argv[0] = "XADD";
	argv[1] = key;
	argv[2] = "MAXLEN";
	argv[3] = "~";
	argv[4] = n;
	argv[5] = "*";
	argv[6] = "d";
	argv[7] = (const char *)data;
	for (int i = 0; i < 7; i++)
		lens[i] = strlen(argv[i]);
	lens[7] = len;
	rep = command(r, 8, argv, lens);
	free(key);
	freeReplyObject(rep);
	return rep != NULL ? STATE_OK : STATE_DOWN;
}

/* An entry id as Redis writes them: "<ms>-<seq>". */
static bool
stream_id_ok(const redisReply *id)
{
	return id != NULL && id->type == REDIS_REPLY_STRING && id->len > 0 && id->len < STATE_EVPOS_MAX &&
	       strspn(id->str, "0123456789-") == id->len;
}

static enum state_result
redis_events_read(void *e, char *pos, size_t max, state_event_fn fn, void *ud)
{
	struct redis *r = e;
	char *key = xasprintf("%se", r->prefix), count[24];
	const char *argv[6];
	redisReply *rep;

	if (pos[0] == '\0') {
		/* From now on: the last entry's id, or "0-0" for an empty stream. */
		argv[0] = "XREVRANGE";
		argv[1] = key;
		argv[2] = "+";
		argv[3] = "-";
		argv[4] = "COUNT";
		argv[5] = "1";
		rep = command(r, 6, argv, NULL);
		free(key);
		if (rep == NULL)
			return STATE_DOWN;
		strcpy(pos, "0-0");
		if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 1 && rep->element[0]->type == REDIS_REPLY_ARRAY &&
		    rep->element[0]->elements >= 1 && stream_id_ok(rep->element[0]->element[0]))
			memcpy(pos, rep->element[0]->element[0]->str, rep->element[0]->element[0]->len + 1);
		freeReplyObject(rep);
		return STATE_OK;
	}
	snprintf(count, sizeof count, "%zu", max);
	argv[0] = "XREAD";
	argv[1] = "COUNT";
	argv[2] = count;
	argv[3] = "STREAMS";
	argv[4] = key;
	argv[5] = pos;
	rep = command(r, 6, argv, NULL);   /* NULL: every argument is a C string */
	free(key);
	if (rep == NULL)
		return STATE_DOWN;
	/* [[key, [[id, [field, value, ...]], ...]]], or nil when nothing is new. */
	if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 1 && rep->element[0]->type == REDIS_REPLY_ARRAY &&
	    rep->element[0]->elements == 2 && rep->element[0]->element[1]->type == REDIS_REPLY_ARRAY) {
		const redisReply *entries = rep->element[0]->element[1];

		for (size_t i = 0; i < entries->elements; i++) {
			const redisReply *en = entries->element[i];

			if (en->type != REDIS_REPLY_ARRAY || en->elements != 2 || !stream_id_ok(en->element[0]))
				continue;
			memcpy(pos, en->element[0]->str, en->element[0]->len + 1);
			if (en->element[1]->type == REDIS_REPLY_ARRAY && en->element[1]->elements == 2 &&
			    en->element[1]->element[1]->type == REDIS_REPLY_STRING)
				fn(ud, en->element[1]->element[1]->str, en->element[1]->element[1]->len);
		}
	}
	freeReplyObject(rep);
	return STATE_OK;
}

const char *
state_redis_probe(void *e)
{
	struct redis *r = e;
	const char *argv[1] = { "PING" };
	redisReply *rep = command(r, 1, argv, NULL);

	freeReplyObject(rep);
	return rep != NULL ? "up" : "down";
}

static void
redis_stats(void *e, struct state_stats *out)
{
	struct redis *r = e;

	out->redis_errors += atomic_load(&r->errors);
}

static void
redis_close(void *e)
{
	struct redis *r = e;
	struct rconn *k, *next;

	if (r == NULL)
		return;
	pthread_key_delete(r->key);
	for (k = r->conns; k != NULL; k = next) {
		next = k->next;
		drop(k);
		free(k);
	}
	pthread_mutex_destroy(&r->lock);
	redis_url_free(&r->url);
	free(r->prefix);
	free(r);
}

void *
state_redis_open(const struct config *cfg)
{
	struct redis *r = xcalloc(1, sizeof(*r));
	const char *why;

	if (!redis_url_parse(cfg->redis_url, &r->url, &why)) {
		/* config.c checked it: only a caller that skipped config_load gets here. */
		log_error("REDIS_URL: %s: keeping the shared state on this host", why);
		free(r);
		return NULL;
	}
	if (pthread_key_create(&r->key, NULL) != 0) {
		log_error("Redis: no thread key left: keeping the shared state on this host");
		redis_url_free(&r->url);
		free(r);
		return NULL;
	}
	redis_url_describe(&r->url, r->where, sizeof(r->where));
	r->prefix = xstrdup(cfg->redis_prefix != NULL ? cfg->redis_prefix : "odoo-bridge:");
	r->timeout.tv_sec = cfg->redis_timeout_ms / 1000;
	r->timeout.tv_usec = (cfg->redis_timeout_ms % 1000) * 1000;
	r->counter_ttl = cfg->login_window > 0 ? cfg->login_window : 1;
	pthread_mutex_init(&r->lock, NULL);
	for (int s = 0; s < NSCRIPT; s++) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;

		/* EVALSHA names a script by the SHA-1 of its text (Redis's EVAL documentation). */
		if (EVP_Digest(script_text[s], strlen(script_text[s]), md, &mdlen, EVP_sha1(), NULL) != 1 || mdlen != 20)
			abort();
		for (unsigned int i = 0; i < mdlen; i++)
			snprintf(r->sha[s] + 2 * i, 3, "%02x", md[i]);
	}
	return r;
}

const struct state_engine state_redis_engine = {
	.name = "redis",
	.throttle_check = redis_throttle_check,
	.throttle_fail = redis_throttle_fail,
	.throttle_success = redis_throttle_success,
	.revoke_add = redis_revoke_add,
	.revoke_lookup = redis_revoke_lookup,
	.cache_get = redis_cache_get,
	.cache_put = redis_cache_put,
	.gens_get = redis_gens_get,
	.gen_bump = redis_gen_bump,
	.event_add = redis_event_add,
	.events_read = redis_events_read,
	.stats = redis_stats,
	.close = redis_close,
};
