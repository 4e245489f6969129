/* test_metrics.c: unit tests for metrics.c (shared counters, histograms, exposition, label bounds, access). */
#include "autoconfig.h"
#undef NDEBUG
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "metrics.h"
#include "request.h"
#include "response.h"
#include "shm_fixture.h"
#include "util.h"

static void
setup(void)
{
	shm_fixture_setup("test_metrics", "metrics");
}

static void
teardown(void)
{
	metrics_close();
	shm_fixture_teardown();
}

TestSuite(metrics, .init = setup, .fini = teardown);

static void
open_ok(void)
{
	enum shmtab_err err = SHMTAB_E_SYSTEM;

	metrics_open(shm_path, &err);
	cr_assert_eq(err, SHMTAB_OK, "metrics_open: %d", (int)err);
}

/* The exposition as text (caller frees). */
static char *
scrape(void)
{
	struct buf b;

	buf_init(&b, (size_t)16 << 20);
	cr_assert(metrics_render(&b));
	if (b.data == NULL)
		return xstrdup("");
	return b.data;
}

/*
 * The value of the sample whose name and labels are exactly series, or -1
 * when the exposition has no such line.  Integer samples only (the sums
 * are compared as text).
 */
static int64_t
sample(const char *text, const char *series)
{
	size_t n = strlen(series);

	for (const char *p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, series, n) == 0 && p[n] == ' ') {
			char num[32];
			size_t len = strcspn(p + n + 1, "\n");
			int64_t v;

			cr_assert(len < sizeof num, "%s: value too long", series);
			memcpy(num, p + n + 1, len);
			num[len] = '\0';
			cr_assert(parse_int64(num, 0, INT64_MAX, &v), "%s: '%s' is not a count", series, num);
			return v;
		}
	}
	return -1;
}

static bool
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

#define HTTP(route, method, status) \
	"odoo_bridge_http_requests_total{route=\"" route "\",method=\"" method "\",status=\"" status "\"}"
#define ODOO(model, method, outcome) \
	"odoo_bridge_odoo_calls_total{model=\"" model "\",method=\"" method "\",outcome=\"" outcome "\"}"

Test(metrics, a_new_file_declares_every_family_at_zero)
{
	static const char *const families[][2] = {
		{ "odoo_bridge_build_info", "gauge" },
		{ "odoo_bridge_metrics_shared", "gauge" },
		{ "odoo_bridge_process_starts_total", "counter" },
		{ "odoo_bridge_http_requests_total", "counter" },
		{ "odoo_bridge_http_request_duration_seconds", "histogram" },
		{ "odoo_bridge_odoo_calls_total", "counter" },
		{ "odoo_bridge_odoo_call_duration_seconds", "histogram" },
		{ "odoo_bridge_odoo_retries_total", "counter" },
		{ "odoo_bridge_odoo_relogins_total", "counter" },
		{ "odoo_bridge_logins_total", "counter" },
		{ "odoo_bridge_tokens_revoked_total", "counter" },
		{ "odoo_bridge_cache_hits_total", "counter" },
		{ "odoo_bridge_cache_misses_total", "counter" },
		{ "odoo_bridge_cache_evictions_total", "counter" },
		{ "odoo_bridge_metrics_capped_total", "counter" },
	};
	char *t, line[160];

	open_ok();
	t = scrape();
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		snprintf(line, sizeof line, "# TYPE %s %s", families[i][0], families[i][1]);
		cr_assert(has_line(t, line), "missing: %s", line);
		snprintf(line, sizeof line, "# HELP %s ", families[i][0]);
		cr_assert_not_null(strstr(t, line), "no HELP for %s", families[i][0]);
	}
	cr_assert_eq(sample(t, "odoo_bridge_process_starts_total"), 1);
	cr_assert_eq(sample(t, "odoo_bridge_metrics_shared"), 1);
	cr_assert(has_line(t, "odoo_bridge_build_info{version=\"" PACKAGE_VERSION
	                      "\",odoo_protocol=\"unknown\",odoo_version=\"unknown\"} 1"));
	cr_assert_eq(sample(t, "odoo_bridge_logins_total{result=\"ok\"}"), 0);
	cr_assert_eq(sample(t, "odoo_bridge_logins_total{result=\"failed\"}"), 0);
	cr_assert_eq(sample(t, "odoo_bridge_logins_total{result=\"throttled\"}"), 0);
	cr_assert_eq(sample(t, "odoo_bridge_logins_total{result=\"refused\"}"), 0);
	cr_assert_eq(sample(t, "odoo_bridge_logins_total{result=\"error\"}"), 0);
	cr_assert_eq(sample(t, "odoo_bridge_cache_hits_total"), 0);
	cr_assert_eq(sample(t, "odoo_bridge_cache_misses_total"), 0);
	cr_assert_eq(sample(t, "odoo_bridge_cache_evictions_total"), 0);
	cr_assert_eq(sample(t, "odoo_bridge_tokens_revoked_total"), 0);
	cr_assert_null(strstr(t, "odoo_bridge_http_requests_total{"), "no request series before a request");
	free(t);
}

Test(metrics, scalar_counters_count)
{
	char *t;

	open_ok();
	metrics_odoo_retry();
	metrics_odoo_relogin();
	metrics_odoo_relogin();
	metrics_login(METRICS_LOGIN_OK);
	metrics_login(METRICS_LOGIN_FAILED);
	metrics_login(METRICS_LOGIN_FAILED);
	metrics_login(METRICS_LOGIN_THROTTLED);
	metrics_login(METRICS_LOGIN_REFUSED);
	metrics_login(METRICS_LOGIN_ERROR);
	metrics_login(METRICS_LOGIN__COUNT);            /* out of range: ignored */
	metrics_token_revoked();
	metrics_cache(METRICS_CACHE_HIT);
	metrics_cache(METRICS_CACHE_HIT);
	metrics_cache(METRICS_CACHE_HIT);
	metrics_cache(METRICS_CACHE_MISS);
	metrics_cache(METRICS_CACHE_EVICTION);
	metrics_cache(METRICS_CACHE__COUNT);            /* ignored */
	t = scrape();
	cr_assert_eq(sample(t, "odoo_bridge_odoo_retries_total"), 1);
	cr_assert_eq(sample(t, "odoo_bridge_odoo_relogins_total"), 2);
	cr_assert_eq(sample(t, "odoo_bridge_logins_total{result=\"ok\"}"), 1);
	cr_assert_eq(sample(t, "odoo_bridge_logins_total{result=\"failed\"}"), 2);
	cr_assert_eq(sample(t, "odoo_bridge_logins_total{result=\"throttled\"}"), 1);
	cr_assert_eq(sample(t, "odoo_bridge_logins_total{result=\"refused\"}"), 1);
	cr_assert_eq(sample(t, "odoo_bridge_logins_total{result=\"error\"}"), 1);
	cr_assert_eq(sample(t, "odoo_bridge_tokens_revoked_total"), 1);
	cr_assert_eq(sample(t, "odoo_bridge_cache_hits_total"), 3);
	cr_assert_eq(sample(t, "odoo_bridge_cache_misses_total"), 1);
	cr_assert_eq(sample(t, "odoo_bridge_cache_evictions_total"), 1);
	cr_assert_eq(sample(t, "odoo_bridge_process_starts_total"), 1);
	free(t);
}

/*
 * NPROC processes count at the same time, half with a handle of their own
 * (as lighttpd's processes), half with the parent's inherited through
 * fork, each EACH requests on one shared route and EACH on a route of its
 * own (new series claimed concurrently), EACH Odoo calls and EACH logins.
 * Every increment must arrive exactly once.
 */
#define NPROC 4
#define EACH  50000

Test(metrics, processes_add_up)
{
	int go[2];
	pid_t pids[NPROC];
	char *t, series[200];

	open_ok();
	cr_assert(pipe(go) == 0);
	for (int p = 0; p < NPROC; p++) {
		pids[p] = fork();
		cr_assert(pids[p] >= 0);
		if (pids[p] == 0) {
			char route[32], c;

			if (p % 2 == 0)
				metrics_open(shm_path, NULL);
			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(3);
			snprintf(route, sizeof route, "/child/%d", p);
			for (int i = 0; i < EACH; i++) {
				metrics_http("/api/v1/products", "GET", 200, 1000);
				metrics_http(route, "POST", 201, 30000);
				metrics_odoo_call("product.template", "web_search_read", ODOO_OK, 20000);
				metrics_login(METRICS_LOGIN_OK);
			}
			_exit(0);
		}
	}
	close(go[0]);
	close(go[1]);   /* releases every child at once */
	for (int p = 0; p < NPROC; p++) {
		int status;
		cr_assert_eq(waitpid(pids[p], &status, 0), pids[p]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d status %d", p, status);
	}
	t = scrape();
	cr_assert_eq(sample(t, HTTP("/api/v1/products", "GET", "2xx")), NPROC * EACH);
	cr_assert_eq(sample(t, "odoo_bridge_http_request_duration_seconds_count{route=\"/api/v1/products\","
	                       "method=\"GET\",status=\"2xx\"}"), NPROC * EACH);
	for (int p = 0; p < NPROC; p++) {
		snprintf(series, sizeof series, HTTP("/child/%d", "POST", "2xx"), p);
		cr_assert_eq(sample(t, series), EACH, "%s", series);
	}
	cr_assert_eq(sample(t, ODOO("product.template", "web_search_read", "ok")), NPROC * EACH);
	/* 200000 calls of 20 ms each */
	cr_assert(has_line(t, "odoo_bridge_odoo_call_duration_seconds_sum{model=\"product.template\","
	                      "method=\"web_search_read\",outcome=\"ok\"} 4000.000000"));
	cr_assert_eq(sample(t, "odoo_bridge_logins_total{result=\"ok\"}"), NPROC * EACH);
	/* The parent and the children that opened their own handle. */
	cr_assert_eq(sample(t, "odoo_bridge_process_starts_total"), 1 + NPROC / 2);
	free(t);
}

/* A recycled process: its counts stay in the file for the next one. */
Test(metrics, counts_survive_the_process)
{
	char *t;

	open_ok();
	metrics_http("/health", "GET", 200, 100);
	metrics_token_revoked();
	metrics_close();
	metrics_http("/health", "GET", 200, 100);   /* closed: not counted */
	open_ok();
	metrics_http("/health", "GET", 503, 100);
	t = scrape();
	cr_assert_eq(sample(t, HTTP("/health", "GET", "2xx")), 1);
	cr_assert_eq(sample(t, HTTP("/health", "GET", "5xx")), 1);
	cr_assert_eq(sample(t, "odoo_bridge_tokens_revoked_total"), 1);
	cr_assert_eq(sample(t, "odoo_bridge_process_starts_total"), 2);
	free(t);
}

#define DURATION(suffix) \
	"odoo_bridge_odoo_call_duration_seconds" suffix "{model=\"res.partner\",method=\"read\",outcome=\"timeout\""

/* Each bound is inclusive ("le"); the buckets shown are cumulative; the sum is in seconds. */
Test(metrics, histogram_buckets)
{
	static const int64_t us[] = { -5, 0, 5000, 5001, 99999, 100000, 10000000, 10000001, 60000000 };
	static const struct { const char *le; int64_t n; } want[] = {
		{ "0.005", 3 }, { "0.01", 4 }, { "0.025", 4 }, { "0.05", 4 }, { "0.1", 6 }, { "0.25", 6 },
		{ "0.5", 6 }, { "1", 6 }, { "2.5", 6 }, { "5", 6 }, { "10", 7 }, { "+Inf", 9 },
	};
	char *t, series[256];

	open_ok();
	for (size_t i = 0; i < ARRAY_SIZE(us); i++)
		metrics_odoo_call("res.partner", "read", ODOO_E_TIMEOUT, us[i]);
	t = scrape();
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		snprintf(series, sizeof series, DURATION("_bucket") ",le=\"%s\"}", want[i].le);
		cr_assert_eq(sample(t, series), want[i].n, "%s", series);
	}
	cr_assert_eq(sample(t, DURATION("_count") "}"), 9);
	cr_assert_eq(sample(t, ODOO("res.partner", "read", "timeout")), 9);
	/* 0 + 0 + 5000 + 5001 + 99999 + 100000 + 10000000 + 10000001 + 60000000 us */
	cr_assert(has_line(t, DURATION("_sum") "} 80.210001"));
	free(t);
}

Test(metrics, status_classes_methods_and_outcomes)
{
	char *t;

	open_ok();
	metrics_http("/token", "POST", 200, 1);
	metrics_http("/token", "POST", 204, 1);
	metrics_http("/token", "POST", 401, 1);
	metrics_http("/token", "POST", 429, 1);
	metrics_http("/token", "POST", 502, 1);
	metrics_http("/token", "POST", 99, 1);
	metrics_http("/token", "BREW", 405, 1);
	metrics_http("/token", NULL, 405, 1);
	metrics_http(NULL, "GET", 404, 1);
	metrics_odoo_call("common", "authenticate", ODOO_E_UNREACHABLE, 1);
	metrics_odoo_call("common", "authenticate", (enum odoo_err)99, 1);
	t = scrape();
	cr_assert_eq(sample(t, HTTP("/token", "POST", "2xx")), 2);
	cr_assert_eq(sample(t, HTTP("/token", "POST", "4xx")), 2);
	cr_assert_eq(sample(t, HTTP("/token", "POST", "5xx")), 1);
	cr_assert_eq(sample(t, HTTP("/token", "POST", "other")), 1);
	cr_assert_eq(sample(t, HTTP("/token", "other", "4xx")), 2);
	cr_assert_eq(sample(t, HTTP("unmatched", "GET", "4xx")), 1);
	cr_assert_eq(sample(t, ODOO("common", "authenticate", "unreachable")), 1);
	cr_assert_eq(sample(t, ODOO("common", "authenticate", "other")), 1);
	free(t);
}

/* Values outside the label alphabet or too long never become labels. */
Test(metrics, odd_label_values_go_to_other)
{
	char long_route[METRICS_LABEL_MAX + 8];
	char *t;

	memset(long_route, 'a', sizeof long_route - 1);
	long_route[0] = '/';
	long_route[sizeof long_route - 1] = '\0';
	open_ok();
	metrics_http("/api/v1/\"x\"", "GET", 200, 1);
	metrics_http("/api/v1/a b", "GET", 200, 1);
	metrics_http("/api/v1/\n", "GET", 200, 1);
	metrics_http("", "GET", 200, 1);
	metrics_http(long_route, "GET", 200, 1);
	metrics_odoo_call("res.partner;drop", "read", ODOO_OK, 1);
	metrics_odoo_call("res.partner", NULL, ODOO_OK, 1);
	t = scrape();
	cr_assert_eq(sample(t, HTTP("other", "other", "2xx")), 5);
	cr_assert_eq(sample(t, ODOO("other", "other", "ok")), 2);
	cr_assert_eq(sample(t, "odoo_bridge_metrics_capped_total"), 7);
	cr_assert_null(strstr(t, "a b"));
	cr_assert_null(strstr(t, "drop"));
	free(t);
}

/* Past METRICS_MAX_SERIES series in a family, new ones are counted under "other", old ones as before. */
Test(metrics, series_are_capped_per_family)
{
	char route[200], *t;

	open_ok();
	for (int i = 0; i < METRICS_MAX_SERIES + 10; i++) {
		snprintf(route, sizeof route, "/r/%d", i);
		metrics_http(route, "GET", 200, 1);
	}
	metrics_http("/r/0", "GET", 200, 1);
	metrics_http("/r/0", "GET", 500, 1);   /* a new series, past the cap */
	/* The other family has its own cap. */
	metrics_odoo_call("res.partner", "read", ODOO_OK, 1);
	t = scrape();
	cr_assert_eq(sample(t, HTTP("/r/0", "GET", "2xx")), 2);
	snprintf(route, sizeof route, HTTP("/r/%d", "GET", "2xx"), METRICS_MAX_SERIES - 1);
	cr_assert_eq(sample(t, route), 1);
	snprintf(route, sizeof route, HTTP("/r/%d", "GET", "2xx"), METRICS_MAX_SERIES);
	cr_assert_eq(sample(t, route), -1);
	cr_assert_eq(sample(t, HTTP("other", "other", "2xx")), 10);
	cr_assert_eq(sample(t, HTTP("other", "other", "5xx")), 1);
	cr_assert_eq(sample(t, ODOO("res.partner", "read", "ok")), 1);
	cr_assert_eq(sample(t, "odoo_bridge_metrics_capped_total"), 11);
	free(t);
}

Test(metrics, build_info_says_what_odoo_said)
{
	char *t;

	open_ok();
	metrics_odoo_info("xmlrpc", NULL);
	metrics_odoo_info(NULL, "19.0+e-20251227");
	metrics_odoo_info(NULL, "18.0\"} 1\nodoo_bridge_fake 1");   /* not a label value: ignored */
	t = scrape();
	cr_assert(has_line(t, "odoo_bridge_build_info{version=\"" PACKAGE_VERSION
	                      "\",odoo_protocol=\"xmlrpc\",odoo_version=\"19.0+e-20251227\"} 1"), "%s", t);
	cr_assert_null(strstr(t, "odoo_bridge_fake"));
	free(t);
}

/*
 * The exposition's grammar, line by line (text format 0.0.4): comments are
 * HELP or TYPE; every sample belongs to the family of the TYPE line above
 * it; no sample line repeats; each histogram's +Inf bucket equals its
 * count.
 */
Test(metrics, exposition_lines_are_well_formed)
{
	char *t, *save = NULL, family[128] = "";

	open_ok();
	metrics_http("/api/v1/products/{id}", "GET", 200, 7000);
	metrics_http("/api/v1/products/{id}", "PATCH", 422, 7000);
	metrics_odoo_call("product.template", "write", ODOO_E_USER, 7000);
	t = scrape();
	cr_assert(strlen(t) > 0 && t[strlen(t) - 1] == '\n', "ends with a line feed");
	for (char *line = strtok_r(t, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# TYPE ", 7) == 0) {
			size_t n = strcspn(line + 7, " ");
			cr_assert(n < sizeof family);
			memcpy(family, line + 7, n);
			family[n] = '\0';
			continue;
		}
		cr_assert(strncmp(line, "# HELP ", 7) == 0 || line[0] != '#', "comment: %s", line);
		if (line[0] == '#')
			continue;
		cr_assert(strncmp(line, family, strlen(family)) == 0, "%s outside its family %s", line, family);
		cr_assert_not_null(strchr(line, ' '), "%s: no value", line);
	}
	free(t);
	t = scrape();
	cr_assert_eq(sample(t, "odoo_bridge_http_request_duration_seconds_bucket{route=\"/api/v1/products/{id}\","
	                       "method=\"PATCH\",status=\"4xx\",le=\"+Inf\"}"),
	             sample(t, "odoo_bridge_http_request_duration_seconds_count{route=\"/api/v1/products/{id}\","
	                       "method=\"PATCH\",status=\"4xx\"}"));
	cr_assert_eq(sample(t, "odoo_bridge_http_request_duration_seconds_bucket{route=\"/api/v1/products/{id}\","
	                       "method=\"GET\",status=\"2xx\",le=\"0.005\"}"), 0);
	cr_assert_eq(sample(t, "odoo_bridge_http_request_duration_seconds_bucket{route=\"/api/v1/products/{id}\","
	                       "method=\"GET\",status=\"2xx\",le=\"0.01\"}"), 1);
	/* Sorted by labels: GET before PATCH. */
	cr_assert(strstr(t, HTTP("/api/v1/products/{id}", "GET", "2xx")) <
	          strstr(t, HTTP("/api/v1/products/{id}", "PATCH", "4xx")));
	free(t);
}

/* A file of another format is not misread: this process counts alone, and says so. */
Test(metrics, a_foreign_file_falls_back_to_private_counters)
{
	enum shmtab_err err = SHMTAB_OK;
	int fd = open(shm_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	char *t;

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "not a metrics table, not a metrics table, not a metrics table....", 64), 64);
	close(fd);
	metrics_open(shm_path, &err);
	cr_assert_eq(err, SHMTAB_E_FORMAT);
	metrics_http("/health", "GET", 200, 1);
	t = scrape();
	cr_assert_eq(sample(t, "odoo_bridge_metrics_shared"), 0);
	cr_assert_eq(sample(t, HTTP("/health", "GET", "2xx")), 1);
	free(t);
}

Test(metrics, nothing_happens_before_open)
{
	struct buf b;

	metrics_close();
	metrics_http("/health", "GET", 200, 1);
	metrics_odoo_call("res.partner", "read", ODOO_OK, 1);
	metrics_login(METRICS_LOGIN_OK);
	metrics_cache(METRICS_CACHE_HIT);
	metrics_odoo_info("xmlrpc", "18.0");
	buf_init(&b, 1024);
	cr_assert(metrics_render(&b));
	cr_assert_eq(b.len, 0);
	buf_free(&b);
}

Test(metrics, access_rules)
{
	static const char token[] = "0123456789abcdef-metrics";
	struct netlist loop, none = { NULL, 0 };
	char huge[1100];

	cr_assert(netlist_parse("127.0.0.0/8, ::1", &loop, NULL, 0));
	/* By address. */
	cr_assert(metrics_allowed(&loop, NULL, "127.0.0.1", NULL));
	cr_assert(metrics_allowed(&loop, "", "::1", NULL));
	cr_assert(metrics_allowed(&loop, token, "::ffff:127.0.0.1", "Bearer wrong"));
	cr_assert_not(metrics_allowed(&loop, NULL, "192.0.2.1", NULL));
	cr_assert_not(metrics_allowed(&loop, NULL, "", NULL));
	cr_assert_not(metrics_allowed(&loop, NULL, NULL, NULL));
	/* By token, from anywhere. */
	cr_assert(metrics_allowed(&none, token, "192.0.2.1", "Bearer 0123456789abcdef-metrics"));
	cr_assert(metrics_allowed(&none, token, "192.0.2.1", "bearer   0123456789abcdef-metrics  "));
	cr_assert_not(metrics_allowed(&none, token, "192.0.2.1", "Bearer 0123456789abcdef-metric"));
	cr_assert_not(metrics_allowed(&none, token, "192.0.2.1", "Bearer 0123456789abcdef-metricsX"));
	cr_assert_not(metrics_allowed(&none, token, "192.0.2.1", "Basic 0123456789abcdef-metrics"));
	cr_assert_not(metrics_allowed(&none, token, "192.0.2.1", "Bearer "));
	cr_assert_not(metrics_allowed(&none, token, "192.0.2.1", NULL));
	/* No METRICS_TOKEN: no bearer opens it, not even an empty one. */
	cr_assert_not(metrics_allowed(&none, "", "192.0.2.1", "Bearer "));
	cr_assert_not(metrics_allowed(&none, NULL, "127.0.0.1", "Bearer x"));
	/* A token longer than the buffer is never taken for its cut prefix. */
	memset(huge, 'k', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	memcpy(huge, "Bearer ", 7);
	cr_assert_not(metrics_allowed(&none, huge + 7 + (sizeof huge - 1 - 7 - 1023), "192.0.2.1", huge));
	netlist_free(&loop);
}

/* GET /metrics as the handler answers it, for one client address and Authorization header. */
static int
handle(const char *addr, const char *authz, struct response *res)
{
	char *conf[] = { "ODOO_PASSWORD=x", "JWT_SECRET=0123456789abcdef0123456789abcdef",
	                 "METRICS_ALLOW=127.0.0.0/8, 2001:db8::/32", "METRICS_TOKEN=0123456789abcdef-metrics", NULL };
	char a[80], z[200];
	char *env[] = { "REQUEST_METHOD=GET", "PATH_INFO=/metrics", a, z, NULL };
	struct config cfg;
	struct config_error cerr;
	struct request req;
	struct ctx c;

	snprintf(a, sizeof a, "REMOTE_ADDR=%s", addr);
	snprintf(z, sizeof z, "HTTP_AUTHORIZATION=%s", authz ? authz : "");
	if (authz == NULL)
		env[3] = NULL;
	cr_assert(config_load(&cfg, NULL, conf, &cerr), "%s", cerr.msg);
	cr_assert_eq(request_init(&req, env), REQ_OK);
	response_init(res);
	memset(&c, 0, sizeof c);
	c.cfg = &cfg;
	c.req = &req;
	c.res = res;
	metrics_handler(&c);
	request_free(&req);
	config_free(&cfg);
	return res->status;
}

Test(metrics, the_handler_admits_allowed_addresses_and_the_token_only)
{
	struct response res;

	open_ok();
	metrics_http("/health", "GET", 200, 1);
	cr_assert_eq(handle("127.0.0.1", NULL, &res), 200);
	cr_assert_not_null(res.text);
	cr_assert_not_null(strstr(res.text, HTTP("/health", "GET", "2xx") " 1\n"));
	cr_assert_str_eq(res.text_type, METRICS_CONTENT_TYPE);
	cr_assert_str_eq(response_get_header(&res, "Cache-Control"), "no-store");
	response_free(&res);
	cr_assert_eq(handle("2001:db8::7", NULL, &res), 200);
	response_free(&res);
	cr_assert_eq(handle("192.0.2.1", "Bearer 0123456789abcdef-metrics", &res), 200);
	response_free(&res);

	cr_assert_eq(handle("192.0.2.1", NULL, &res), 403);
	cr_assert_null(res.text, "nothing of the figures");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(res.body, "detail")),
	                 "No tiene permiso para ver las métricas");
	response_free(&res);
	cr_assert_eq(handle("192.0.2.1", "Bearer 0123456789abcdef-metricz", &res), 403);
	response_free(&res);
	cr_assert_eq(handle("", NULL, &res), 403);
	response_free(&res);
}
