/*
 * metrics.h: counters for Prometheus, summed over the bridge's processes
 * on one host, and GET /metrics.
 *
 * NAME
 *	metrics_open, metrics_close, metrics_http, metrics_odoo_call,
 *	metrics_odoo_retry, metrics_odoo_relogin, metrics_odoo_info,
 *	metrics_login, metrics_token_revoked, metrics_cache, metrics_render,
 *	metrics_allowed, metrics_handler - what the bridge counts, and who
 *	may read it
 *
 * DESCRIPTION
 *	mod_fcgid and lighttpd run several bridge processes and replace them
 *	at any time, so the figures live in a file under /dev/shm
 *	(METRICS_FILE), mapped MAP_SHARED by every process of the host, with
 *	shmtab.h's safe open (0600, O_NOFOLLOW, owner and format checked) and
 *	its fallback to private memory with one warning.  A scrape answered
 *	by any process shows the sums of all of them, and a recycled process
 *	loses nothing.  Counters start at zero when the file is made (at the
 *	host's boot, or after it was removed); Prometheus's rate() takes
 *	resets in its stride.
 *
 *	Counting is lock-free: every counter is a C11 atomic in the mapped
 *	file, incremented with atomic_fetch_add, so a request pays no lock.
 *	The file lock is taken only to add a series the table has not seen
 *	(a new route, model or method: a few dozen times in the file's life)
 *	and to record the Odoo server's version.  A series' slot is claimed
 *	under the lock and published by storing its key last (release);
 *	lookups read keys with acquire and never lock.
 *
 *	The handle is process-wide, like the log level: the functions below
 *	may be called from any module and any thread, and do nothing before
 *	metrics_open (unit tests of other modules need no metrics file).
 *
 * LABELS
 *	Every label value is bounded, so the number of series is too:
 *	route templates (/api/v1/products/{id}, never a raw path or an id),
 *	the known HTTP methods, status classes (2xx), Odoo error classes.
 *	Models and methods come from the bridge's own tables, not from
 *	clients; still, at most METRICS_MAX_SERIES series per family are
 *	kept, and a value longer than METRICS_LABEL_MAX - 1 bytes, outside
 *	[A-Za-z0-9_./{}:+~-], or past the cap is counted under "other"
 *	(odoo_bridge_metrics_capped_total counts those observations).
 *
 * ACCESS
 *	GET /metrics answers a client whose REMOTE_ADDR is in METRICS_ALLOW
 *	(default 127.0.0.0/8, ::1), or that sends "Authorization: Bearer
 *	<METRICS_TOKEN>" (compared in constant time); everyone else gets 403,
 *	as Apache's server-status does behind "Require ip".
 */
#ifndef OB_METRICS_H
#define OB_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "netaddr.h"
#include "odoo.h"
#include "shmtab.h"
#include "util.h"

/* Distinct series kept per labelled family (HTTP requests, Odoo calls); the rest is "other". */
#define METRICS_MAX_SERIES 300
/* Bytes of a label value, with its NUL. */
#define METRICS_LABEL_MAX 64

/*
 * Opens (creating it) the shared file at path, makes the counters of this
 * process count there, and counts one process start.  Never fails: when
 * the file cannot be used, one warning is logged, the counters are this
 * process's own, and *err (when not NULL) says why.  Calling it again
 * closes the previous handle first.
 */
void metrics_open(const char *path, enum shmtab_err *err);
/* Unmaps the file; the functions below do nothing afterwards. */
void metrics_close(void);

/*
 * One HTTP request: its route template (NULL for a path no route matched:
 * "unmatched"), method, status and duration in microseconds.
 */
void metrics_http(const char *route, const char *method, int status, int64_t us);

/*
 * One round trip to Odoo: model and method ("common" and "authenticate"
 * or "version" for the service calls), how it ended, and how long it took.
 */
void metrics_odoo_call(const char *model, const char *method, enum odoo_err outcome, int64_t us);
/* A call made once more because Odoo was unreachable (odoo.c RETRIES). */
void metrics_odoo_retry(void);
/* A new login of the service account after Odoo refused its session. */
void metrics_odoo_relogin(void);
/*
 * What odoo_bridge_build_info says of Odoo: the protocol the service
 * account's calls use and the server's version text.  NULL leaves a value
 * as it was.  Takes the file lock (rare: once per client, and at /health).
 */
void metrics_odoo_info(const char *protocol, const char *version);

/* How a POST /token ended. */
enum metrics_login {
	METRICS_LOGIN_OK = 0,     /* a token was issued */
	METRICS_LOGIN_FAILED,     /* wrong login or password (401) */
	METRICS_LOGIN_THROTTLED,  /* too many failures (429) */
	METRICS_LOGIN_REFUSED,    /* right password, but not admitted (403: portal user, LOGIN_GROUPS) */
	METRICS_LOGIN_ERROR,      /* Odoo could not answer (5xx) */
	METRICS_LOGIN__COUNT
};
void metrics_login(enum metrics_login result);

/* A token revoked by logout. */
void metrics_token_revoked(void);

/*
 * For the response cache: a lookup that found a fresh answer (hit) or not
 * (miss), and an answer evicted to make room.  The series exist, at zero,
 * before the cache calls this.
 */
enum metrics_cache_event {
	METRICS_CACHE_HIT = 0,
	METRICS_CACHE_MISS,
	METRICS_CACHE_EVICTION,
	METRICS_CACHE__COUNT
};
void metrics_cache(enum metrics_cache_event e);

/*
 * Appends the exposition (Prometheus text format 0.0.4) of every counter
 * to out.  Returns false when out's cap was reached (out is then cut).
 */
bool metrics_render(struct buf *out);

/* The Content-Type of that text. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/*
 * Whether a client may read the metrics: remote_addr in allow, or an
 * Authorization header (its value, or NULL) carrying token as bearer
 * credentials (token NULL or empty: no token admits anyone).
 */
bool metrics_allowed(const struct netlist *allow, const char *token, const char *remote_addr,
                     const char *authorization);

/* GET /metrics. */
void metrics_handler(struct ctx *c);

#endif
