/* metrics.c: lock-free counters in a shared file, their Prometheus exposition, and GET /metrics (see metrics.h). */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "events.h"
#include "metrics.h"

/*
 * The counters are C11 atomics in memory shared between processes.  That
 * is only sound when 64-bit atomics are lock-free (and therefore
 * address-free: C11 7.17.5 note), as they are on every Debian
 * architecture with 64-bit atomic instructions.  Elsewhere the shared file
 * is not used: each process counts alone (metrics_open warns).
 */
#if ATOMIC_LLONG_LOCK_FREE == 2
#define SHARED_ATOMICS 1
#else
#define SHARED_ATOMICS 0
#endif

#define TABLE_MAGIC   "OBMETRC1"
#define TABLE_VERSION 1u
/* Slot 0 holds the fixed counters; the rest is an open-addressing table of series. */
#define NSLOTS        1024u
#define LOCK_WAIT_MS  100
#define NLABELS       3
/* Histogram buckets, microseconds: Prometheus's default buckets, 5 ms to 10 s (ODOO_TIMEOUT_MS's default). */
#define NBUCKETS      11
/* Largest exposition: every series of a full table with its histogram, with room to spare. */
#define RENDER_MAX    ((size_t)16 << 20)

static const int64_t bucket_us[NBUCKETS] = {
	5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000,
};
static const char *const bucket_le[NBUCKETS] = {
	"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10",
};

enum family { FAM_NONE = 0, FAM_HTTP, FAM_ODOO, FAM__COUNT };

/* The counters without labels, or with a fixed set of them. */
enum counter {
	C_PROCESS_STARTS = 0,
	C_RETRIES,
	C_RELOGINS,
	C_LOGIN,                                   /* METRICS_LOGIN__COUNT of them */
	C_TOKENS_REVOKED = C_LOGIN + METRICS_LOGIN__COUNT,
	C_CACHE,                                   /* METRICS_CACHE__COUNT of them */
	C_CAPPED = C_CACHE + METRICS_CACHE__COUNT,
	C__COUNT
};

/*
 * One series of a labelled family: its labels and a histogram.  key is the
 * SipHash of family and labels, 0 while the slot is free; it is written
 * last, with release order, once the labels are in place.  count[i] holds
 * the observations of bucket i alone (count[NBUCKETS]: above the last
 * bound); the exposition adds them up, so the buckets it shows are
 * cumulative and never exceed the count it shows.
 */
struct series {
	_Atomic uint64_t key;
	uint32_t         family;
	uint32_t         reserved;
	char             label[NLABELS][METRICS_LABEL_MAX];
	_Atomic uint64_t count[NBUCKETS + 1];
	_Atomic uint64_t sum_us;
};

/* Slot 0. */
struct head {
	_Atomic uint64_t c[C__COUNT];
	_Atomic uint32_t nseries[FAM__COUNT];     /* series claimed per family, "other" ones excluded */
	char             odoo_protocol[16];       /* written and read under the file lock */
	char             odoo_version[64];
};

union slot {
	struct series s;
	struct head   h;
};

_Static_assert(sizeof(struct head) <= sizeof(struct series), "the fixed counters fit in one slot");

static const struct shmtab_format format = {
	.what = "metrics",
	.magic = TABLE_MAGIC,
	.version = TABLE_VERSION,
	/* The layout's dimensions: a file of another build's shape is refused, not misread. */
	.param = (NBUCKETS << 24) | (NLABELS << 16) | (METRICS_LABEL_MAX << 8) | C__COUNT,
	.slot_size = sizeof(union slot),
	.min_slots = NSLOTS,
	.max_slots = NSLOTS,
	.lock_wait_ms = LOCK_WAIT_MS,
	.fallback = "the metrics count this process only",
	.unlocked = "not adding a metrics series",
};

/* The process's handle (see metrics.h: process-wide, like the log level). */
static struct shmtab *g_tab;
static union slot *g_slots;
static uint32_t g_nslots;

/* ------------------------------------------------------------ labels */

static const char *const family_labels[FAM__COUNT][NLABELS] = {
	[FAM_HTTP] = { "route", "method", "status" },
	[FAM_ODOO] = { "model", "method", "outcome" },
};

static const char *const login_results[METRICS_LOGIN__COUNT] = {
	[METRICS_LOGIN_OK] = "ok", [METRICS_LOGIN_FAILED] = "failed", [METRICS_LOGIN_THROTTLED] = "throttled",
	[METRICS_LOGIN_REFUSED] = "refused", [METRICS_LOGIN_ERROR] = "error",
};

/* The outcome label of each Odoo error class. */
static const char *const outcomes[] = {
	[ODOO_OK] = "ok", [ODOO_E_UNREACHABLE] = "unreachable", [ODOO_E_TIMEOUT] = "timeout",
	[ODOO_E_BAD_RESPONSE] = "bad_response", [ODOO_E_LOGIN] = "login", [ODOO_E_ACCESS] = "access",
	[ODOO_E_USER] = "user", [ODOO_E_MISSING] = "missing", [ODOO_E_SERVER] = "server",
	[ODOO_E_REQUEST] = "request", [ODOO_E_CREDENTIAL] = "credential", [ODOO_E_KEY_REQUIRED] = "key_required",
};

static const char *const http_methods[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" };

/* Whether v may be a label value as it is: short, and of the characters route templates and Odoo names use. */
static bool
label_ok(const char *v)
{
	size_t n = 0;

	if (v == NULL || *v == '\0')
		return false;
	for (; v[n] != '\0'; n++) {
		char ch = v[n];
		if (n == METRICS_LABEL_MAX - 1)
			return false;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      strchr("_./{}:+~-", ch) != NULL))
			return false;
	}
	return true;
}

static const char *
method_label(const char *m)
{
	for (size_t i = 0; i < ARRAY_SIZE(http_methods); i++)
		if (m != NULL && strcmp(m, http_methods[i]) == 0)
			return http_methods[i];
	return "other";
}

static const char *
status_label(int status)
{
	static const char *const classes[] = { "1xx", "2xx", "3xx", "4xx", "5xx" };

	return status >= 100 && status <= 599 ? classes[status / 100 - 1] : "other";
}

static const char *
outcome_label(enum odoo_err e)
{
	return (size_t)e < ARRAY_SIZE(outcomes) && outcomes[e] != NULL ? outcomes[e] : "other";
}

/* ------------------------------------------------------------ the table */

static struct head *
head(void)
{
	return &g_slots[0].h;
}

static uint64_t
value(int c)
{
	return atomic_load_explicit(&head()->c[c], memory_order_relaxed);
}

static void
add(enum counter c, uint64_t n)
{
	if (g_slots != NULL)
		atomic_fetch_add_explicit(&head()->c[c], n, memory_order_relaxed);
}

/* The hash key of a series: family and labels, each label ended by a NUL. */
static uint64_t
series_key(uint32_t family, const char *const lab[NLABELS])
{
	char k[1 + NLABELS * METRICS_LABEL_MAX];
	size_t n = 0;

	k[n++] = (char)family;
	for (int i = 0; i < NLABELS; i++) {
		size_t len = strlen(lab[i]) + 1;
		memcpy(k + n, lab[i], len);
		n += len;
	}
	return shmtab_hash(g_tab, k, n);
}

static bool
same_series(const struct series *s, uint32_t family, const char *const lab[NLABELS])
{
	if (s->family != family)
		return false;
	/* Bounded: a damaged file must not make a lookup read past its slot. */
	for (int i = 0; i < NLABELS; i++)
		if (strncmp(s->label[i], lab[i], METRICS_LABEL_MAX) != 0)
			return false;
	return true;
}

/*
 * The series of (family, labels), or NULL when absent; *free_slot (when
 * not NULL) receives the first free slot of the key's probe sequence.
 * Lock-free: a key is stored only after its labels (release), and read
 * here with acquire.
 */
static struct series *
find(uint32_t family, const char *const lab[NLABELS], uint64_t key, struct series **free_slot)
{
	uint32_t n = g_nslots - 1;

	if (free_slot != NULL)
		*free_slot = NULL;
	for (uint32_t i = 0; i < n; i++) {
		struct series *s = &g_slots[1 + (key + i) % n].s;
		uint64_t k = atomic_load_explicit(&s->key, memory_order_acquire);

		if (k == 0) {
			if (free_slot != NULL)
				*free_slot = s;
			return NULL;
		}
		if (k == key && same_series(s, family, lab))
			return s;
	}
	return NULL;
}

/*
 * The series of (family, labels), claiming a slot for it under the file
 * lock when it is new.  NULL when the family is at its cap (unless other
 * is set: the "other" series are always made), the table is full or the
 * lock cannot be had.
 */
static struct series *
get_series(uint32_t family, const char *const lab[NLABELS], bool other)
{
	uint64_t key = series_key(family, lab);
	struct series *s = find(family, lab, key, NULL), *slot;

	if (s != NULL)
		return s;
	if (!shmtab_lock(g_tab))
		return NULL;
	s = find(family, lab, key, &slot);
	if (s == NULL && slot != NULL &&
	    (other || atomic_load_explicit(&head()->nseries[family], memory_order_relaxed) < METRICS_MAX_SERIES)) {
		slot->family = family;
		for (int i = 0; i < NLABELS; i++)
			snprintf(slot->label[i], sizeof slot->label[i], "%s", lab[i]);
		atomic_store_explicit(&slot->key, key, memory_order_release);
		if (!other)
			atomic_fetch_add_explicit(&head()->nseries[family], 1, memory_order_relaxed);
		s = slot;
	}
	shmtab_unlock(g_tab);
	return s;
}

static void
observe(struct series *s, int64_t us)
{
	int i = 0;

	if (us < 0)
		us = 0;
	while (i < NBUCKETS && us > bucket_us[i])
		i++;
	atomic_fetch_add_explicit(&s->count[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->sum_us, (uint64_t)us, memory_order_relaxed);
}

/*
 * Counts one observation in (family, a, b, c); c is always a bounded value
 * (a status class, an outcome).  A series that cannot be had goes to
 * ("other", "other", c).
 */
static void
record(uint32_t family, const char *a, const char *b, const char *c, int64_t us)
{
	const char *lab[NLABELS] = { a, b, c };
	struct series *s = NULL;

	if (g_slots == NULL)
		return;
	if (label_ok(a) && label_ok(b))
		s = get_series(family, lab, false);
	if (s == NULL) {
		lab[0] = lab[1] = "other";
		add(C_CAPPED, 1);
		s = get_series(family, lab, true);
	}
	if (s != NULL)
		observe(s, us);
}

/* ------------------------------------------------------------ counting */

void
metrics_open(const char *path, enum shmtab_err *err)
{
	enum shmtab_err e;

	metrics_close();
	if (!SHARED_ATOMICS) {
		log_warn("metrics: 64-bit atomics are not lock-free here; not sharing %s", path ? path : "(none)");
		path = NULL;
	}
	g_tab = shmtab_open(&format, path, NSLOTS, &e);
	/* The slots follow shmtab's 64-byte header: the atomics are aligned. */
	g_slots = shmtab_slots(g_tab);
	g_nslots = shmtab_nslots(g_tab);
	if (err != NULL)
		*err = e;
	add(C_PROCESS_STARTS, 1);
}

void
metrics_close(void)
{
	shmtab_close(g_tab);
	g_tab = NULL;
	g_slots = NULL;
	g_nslots = 0;
}

void
metrics_http(const char *route, const char *method, int status, int64_t us)
{
	record(FAM_HTTP, route != NULL ? route : "unmatched", method_label(method), status_label(status), us);
}

void
metrics_odoo_call(const char *model, const char *method, enum odoo_err outcome, int64_t us)
{
	record(FAM_ODOO, model, method, outcome_label(outcome), us);
}

void
metrics_odoo_retry(void)
{
	add(C_RETRIES, 1);
}

void
metrics_odoo_relogin(void)
{
	add(C_RELOGINS, 1);
}

void
metrics_login(enum metrics_login result)
{
	if ((unsigned)result < METRICS_LOGIN__COUNT)
		add((enum counter)(C_LOGIN + (int)result), 1);
}

void
metrics_token_revoked(void)
{
	add(C_TOKENS_REVOKED, 1);
}

void
metrics_cache(enum metrics_cache_event e)
{
	if ((unsigned)e < METRICS_CACHE__COUNT)
		add((enum counter)(C_CACHE + (int)e), 1);
}

/* Copies v into dst (under the lock) when it is a label value that fits. */
static void
set_info(char *dst, size_t n, const char *v)
{
	if (v != NULL && label_ok(v) && strlen(v) < n)
		snprintf(dst, n, "%s", v);
}

void
metrics_odoo_info(const char *protocol, const char *version)
{
	struct head *h;

	/* Called when a client picks its protocol and when Odoo says its version: rarely. */
	if (g_slots == NULL || (protocol == NULL && version == NULL) || !shmtab_lock(g_tab))
		return;
	h = head();
	set_info(h->odoo_protocol, sizeof h->odoo_protocol, protocol);
	set_info(h->odoo_version, sizeof h->odoo_version, version);
	shmtab_unlock(g_tab);
}

/* ------------------------------------------------------------ exposition */

/* A copy of one series, read once, so that a scrape is consistent with itself. */
struct snap {
	uint32_t family;
	char     label[NLABELS][METRICS_LABEL_MAX];
	uint64_t count[NBUCKETS + 1];
	uint64_t total;
	uint64_t sum_us;
};

static int
snap_cmp(const void *a, const void *b)
{
	const struct snap *x = a, *y = b;
	int d;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	for (int i = 0; i < NLABELS; i++)
		if ((d = strcmp(x->label[i], y->label[i])) != 0)
			return d;
	return 0;
}

static bool
appendf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool
appendf(struct buf *b, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < sizeof line && buf_append(b, line, (size_t)n);
}

/*
 * A label value as the text format wants it (escaped backslash, double
 * quote and line feed).  Values are checked by label_ok when counted, so
 * this is belt and braces for the build information.
 */
static bool
append_label_value(struct buf *b, const char *v)
{
	bool ok = true;

	for (; *v != '\0' && ok; v++) {
		if (*v == '\\')
			ok = buf_puts(b, "\\\\");
		else if (*v == '"')
			ok = buf_puts(b, "\\\"");
		else if (*v == '\n')
			ok = buf_puts(b, "\\n");
		else
			ok = buf_append(b, v, 1);
	}
	return ok;
}

static bool
append_labels(struct buf *b, const struct snap *s, const char *le)
{
	bool ok = buf_puts(b, "{");

	for (int i = 0; i < NLABELS && ok; i++)
		ok = appendf(b, "%s%s=\"", i ? "," : "", family_labels[s->family][i]) &&
		     append_label_value(b, s->label[i]) && buf_puts(b, "\"");
	if (ok && le != NULL)
		ok = appendf(b, ",le=\"%s\"", le);
	return ok && buf_puts(b, "}");
}

static bool
header(struct buf *b, const char *name, const char *type, const char *help)
{
	return appendf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static bool
scalar(struct buf *b, const char *name, const char *type, const char *help, uint64_t v)
{
	return header(b, name, type, help) && appendf(b, "%s %llu\n", name, (unsigned long long)v);
}

static bool
render_counter(struct buf *b, const struct snap *s, size_t n, uint32_t family, const char *name,
               const char *help)
{
	bool ok = header(b, name, "counter", help);

	for (size_t i = 0; i < n && ok; i++)
		if (s[i].family == family)
			ok = buf_puts(b, name) && append_labels(b, &s[i], NULL) &&
			     appendf(b, " %llu\n", (unsigned long long)s[i].total);
	return ok;
}

static bool
render_histogram(struct buf *b, const struct snap *s, size_t n, uint32_t family, const char *name,
                 const char *help)
{
	bool ok = header(b, name, "histogram", help);

	for (size_t i = 0; i < n && ok; i++) {
		uint64_t cum = 0;

		if (s[i].family != family)
			continue;
		for (int k = 0; k < NBUCKETS && ok; k++) {
			cum += s[i].count[k];
			ok = appendf(b, "%s_bucket", name) && append_labels(b, &s[i], bucket_le[k]) &&
			     appendf(b, " %llu\n", (unsigned long long)cum);
		}
		ok = ok && appendf(b, "%s_bucket", name) && append_labels(b, &s[i], "+Inf") &&
		     appendf(b, " %llu\n", (unsigned long long)s[i].total) &&
		     appendf(b, "%s_sum", name) && append_labels(b, &s[i], NULL) &&
		     appendf(b, " %llu.%06llu\n", (unsigned long long)(s[i].sum_us / 1000000),
		             (unsigned long long)(s[i].sum_us % 1000000)) &&
		     appendf(b, "%s_count", name) && append_labels(b, &s[i], NULL) &&
		     appendf(b, " %llu\n", (unsigned long long)s[i].total);
	}
	return ok;
}

/* Every series of the table, read once each, sorted by family and labels; *n of them (caller frees). */
static struct snap *
snapshot(size_t *n)
{
	struct snap *out = xcalloc(g_nslots, sizeof *out);
	size_t k = 0;

	for (uint32_t i = 1; i < g_nslots; i++) {
		struct series *s = &g_slots[i].s;
		struct snap *d = &out[k];

		if (atomic_load_explicit(&s->key, memory_order_acquire) == 0 || s->family == FAM_NONE ||
		    s->family >= FAM__COUNT)
			continue;
		d->family = s->family;
		memcpy(d->label, s->label, sizeof d->label);
		for (int j = 0; j < NLABELS; j++)
			d->label[j][METRICS_LABEL_MAX - 1] = '\0';
		for (int j = 0; j <= NBUCKETS; j++) {
			d->count[j] = atomic_load_explicit(&s->count[j], memory_order_relaxed);
			d->total += d->count[j];
		}
		d->sum_us = atomic_load_explicit(&s->sum_us, memory_order_relaxed);
		k++;
	}
	qsort(out, k, sizeof *out, snap_cmp);
	*n = k;
	return out;
}

static bool
render_build_info(struct buf *b)
{
	char protocol[16] = "", version[64] = "";
	bool ok;

	if (shmtab_lock(g_tab)) {
		memcpy(protocol, head()->odoo_protocol, sizeof protocol);
		memcpy(version, head()->odoo_version, sizeof version);
		shmtab_unlock(g_tab);
	}
	protocol[sizeof protocol - 1] = version[sizeof version - 1] = '\0';
	ok = header(b, "odoo_bridge_build_info", "gauge",
	            "The bridge's version, and the protocol and version of the Odoo it talks to (unknown until asked)") &&
	     buf_puts(b, "odoo_bridge_build_info{version=\"") && append_label_value(b, PACKAGE_VERSION) &&
	     buf_puts(b, "\",odoo_protocol=\"") && append_label_value(b, protocol[0] ? protocol : "unknown") &&
	     buf_puts(b, "\",odoo_version=\"") && append_label_value(b, version[0] ? version : "unknown") &&
	     buf_puts(b, "\"} 1\n");
	return ok;
}

bool
metrics_render(struct buf *out)
{
	struct snap *s;
	size_t n;
	bool ok;
	if (g_slots == NULL)
		return true;
	s = snapshot(&n);
	ok = render_build_info(out) &&
	     scalar(out, "odoo_bridge_metrics_shared", "gauge",
	            "1 when these figures are the sums of every bridge process of the host (METRICS_FILE), "
	            "0 when this process could not use the file and counts alone",
	            shmtab_is_shared(g_tab) ? 1 : 0) &&
	     scalar(out, "odoo_bridge_process_starts_total", "counter",
	            "Bridge processes started (CGI: one per request)", value(C_PROCESS_STARTS)) &&
	     render_counter(out, s, n, FAM_HTTP, "odoo_bridge_http_requests_total",
	                    "HTTP requests answered, by route template, method and status class") &&
	     render_histogram(out, s, n, FAM_HTTP, "odoo_bridge_http_request_duration_seconds",
	                      "Time from the request's arrival to its answer, by route template, method and status class") &&
	     render_counter(out, s, n, FAM_ODOO, "odoo_bridge_odoo_calls_total",
	                    "Calls to Odoo, each attempt counted (retries included), by model, method and outcome; the logins and version questions are model \"common\"") &&
	     render_histogram(out, s, n, FAM_ODOO, "odoo_bridge_odoo_call_duration_seconds",
	                      "Time of one call to Odoo, by model, method and outcome") &&
	     scalar(out, "odoo_bridge_odoo_retries_total", "counter",
	            "Odoo calls made once more because Odoo was unreachable", value(C_RETRIES)) &&
	     scalar(out, "odoo_bridge_odoo_relogins_total", "counter",
	            "New logins of the service account after Odoo refused its session", value(C_RELOGINS)) &&
	     header(out, "odoo_bridge_logins_total", "counter", "Logins at /token, by result");
	for (int i = 0; i < METRICS_LOGIN__COUNT && ok; i++)
		ok = appendf(out, "odoo_bridge_logins_total{result=\"%s\"} %llu\n", login_results[i],
		             (unsigned long long)value(C_LOGIN + i));
	ok = ok &&
	     scalar(out, "odoo_bridge_tokens_revoked_total", "counter", "Tokens revoked by logout",
	            value(C_TOKENS_REVOKED)) &&
	     scalar(out, "odoo_bridge_cache_hits_total", "counter", "Response cache lookups that found an answer",
	            value(C_CACHE + METRICS_CACHE_HIT)) &&
	     scalar(out, "odoo_bridge_cache_misses_total", "counter", "Response cache lookups that found none",
	            value(C_CACHE + METRICS_CACHE_MISS)) &&
	     scalar(out, "odoo_bridge_cache_evictions_total", "counter", "Cached answers evicted to make room",
	            value(C_CACHE + METRICS_CACHE_EVICTION)) &&
	     scalar(out, "odoo_bridge_metrics_capped_total", "counter",
	            "Observations counted under \"other\" labels (a series cap reached, or an unexpected label value)",
	            value(C_CAPPED));
	free(s);
	return ok;
}

/* ------------------------------------------------------------ GET /metrics */

bool
metrics_allowed(const struct netlist *allow, const char *token, const char *remote_addr,
                const char *authorization)
{
	char given[1024];
	size_t n;

	if (allow != NULL && netlist_match(allow, remote_addr))
		return true;
	if (token == NULL || token[0] == '\0' || authorization == NULL ||
	    !auth_bearer_token(authorization, given, sizeof given))
		return false;
	/* A token that filled the buffer may have been cut: never a match. */
	n = strlen(given);
	return n < sizeof given - 1 && memeq_const_time(given, n, token, strlen(token));
}

void
metrics_handler(struct ctx *c)
{
	const char *authz = request_header(c->req, "HTTP_AUTHORIZATION");
	struct buf b;

	if (!metrics_allowed(&c->cfg->metrics_allow, c->cfg->metrics_token, c->req->remote_addr, authz)) {
		log_info("metrics: refused addr=%s: %s", c->req->remote_addr,
		         authz != NULL ? "not in METRICS_ALLOW, and not METRICS_TOKEN" : "not in METRICS_ALLOW");
		response_error(c->res, c->req->lang, 403, MSG_METRICS_DENIED, NULL);
		return;
	}
	buf_init(&b, RENDER_MAX);
	if (!metrics_render(&b) ||
	    (c->w != NULL && c->w->app != NULL && c->w->app->state != NULL &&
	     !events_metrics(c->cfg, c->w->app->state, &b))) {
		log_error("metrics: the exposition is over %zu bytes", (size_t)RENDER_MAX);
		response_error(c->res, c->req->lang, 500, MSG_INTERNAL, NULL);
	} else {
		response_text(c->res, 200, METRICS_CONTENT_TYPE, b.data, b.len);
		response_add_header(c->res, "Cache-Control", "no-store");
	}
	buf_free(&b);
}
