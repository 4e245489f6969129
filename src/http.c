/* http.c: the libcurl transport of the Odoo backends. */
#include "autoconfig.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "http.h"
#include "odoo_int.h"
#include "util.h"

#define DEFAULT_MAX_RESPONSE (8u * 1024 * 1024)
#define DEFAULT_TIMEOUT_MS   10000L

struct http {
	CURL   *curl;              /* reused: keeps connections alive where the server allows */
	long    timeout_ms;
	size_t  max_response;
	struct buf resp;           /* body of the current answer, capped at max_response */
	bool    resp_too_big;
	size_t  header_bytes;      /* answer bytes seen before the body, this request */
	char    content_type[128];
	long    connects;
	char    curl_err[CURL_ERROR_SIZE];
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct http *h = ud;
	size_t n = size * nmemb;

	if (!buf_append(&h->resp, p, n)) {
		h->resp_too_big = true;
		return 0;    /* makes curl stop with CURLE_WRITE_ERROR */
	}
	return n;
}

/* Counts the bytes of the head, and keeps the Content-Type (the last one: after a 100 Continue). */
static size_t
on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct http *h = ud;
	size_t n = size * nmemb, k;
	static const char ct[] = "content-type:";

	h->header_bytes += n;
	if (n > sizeof ct - 1 && strncasecmp(p, ct, sizeof ct - 1) == 0) {
		const char *v = p + sizeof ct - 1, *end = p + n;

		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
			end--;
		k = (size_t)(end - v) < sizeof h->content_type - 1 ? (size_t)(end - v) : sizeof h->content_type - 1;
		memcpy(h->content_type, v, k);
		h->content_type[k] = '\0';
	}
	return n;
}

struct http *
http_new(long timeout_ms, size_t max_response)
{
	struct http *h;

	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK)
		return NULL;
	h = xcalloc(1, sizeof *h);
	h->curl = curl_easy_init();
	if (h->curl == NULL) {
		free(h);
		return NULL;
	}
	h->timeout_ms = timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS;
	h->max_response = max_response > 0 ? max_response : DEFAULT_MAX_RESPONSE;
	buf_init(&h->resp, h->max_response);
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);   /* threads: no SIGALRM */
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->max_response);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, h);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->curl_err);
	/*
	 * A receive buffer of 128 KiB rather than 16 (CURLOPT_BUFFERSIZE(3): a
	 * request, at most 512 KiB before curl 7.88): a page of 100 products is
	 * about 170 KiB of XML-RPC, read in 2 recv() and poll() instead of 11
	 * (strace of make bench).  Pages are touched only as far as filled.
	 */
	curl_easy_setopt(h->curl, CURLOPT_BUFFERSIZE, 128L * 1024);
	/*
	 * Proxies from the environment (http_proxy, https_proxy, ALL_PROXY) are
	 * ignored: under CGI part of the environment comes from the client, it
	 * differs between web servers, and the bridge normally sits next to
	 * Odoo.  A proxy, if ever needed, should be a setting of its own.
	 */
	curl_easy_setopt(h->curl, CURLOPT_PROXY, "");
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	return h;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	buf_free(&h->resp);
	free(h);
}

/* libcurl results that are not "Odoo unreachable" (the default). */
static const struct {
	CURLcode      rc;
	enum odoo_err code;
} curl_table[] = {
	{ CURLE_OPERATION_TIMEDOUT,   ODOO_E_TIMEOUT },
	{ CURLE_WRITE_ERROR,          ODOO_E_BAD_RESPONSE },   /* over max_response */
	{ CURLE_FILESIZE_EXCEEDED,    ODOO_E_BAD_RESPONSE },   /* Content-Length over it */
	{ CURLE_PARTIAL_FILE,         ODOO_E_BAD_RESPONSE },
	{ CURLE_WEIRD_SERVER_REPLY,   ODOO_E_BAD_RESPONSE },
	{ CURLE_BAD_CONTENT_ENCODING, ODOO_E_BAD_RESPONSE },
	{ CURLE_TOO_MANY_REDIRECTS,   ODOO_E_BAD_RESPONSE },
};

static enum odoo_err
classify_curl(CURLcode rc, bool got_bytes)
{
	size_t i;

	/* A connection that dies once an answer has begun is a broken answer;
	 * before the first byte it is a server that went away. */
	if (got_bytes && (rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING))
		return ODOO_E_BAD_RESPONSE;
	for (i = 0; i < ARRAY_SIZE(curl_table); i++)
		if (curl_table[i].rc == rc)
			return curl_table[i].code;
	return ODOO_E_UNREACHABLE;
}

/* Frees a header list after wiping its lines: one may carry an API key. */
static void
free_headers(struct curl_slist *l)
{
	struct curl_slist *p;

	for (p = l; p != NULL; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

enum odoo_err
http_request(struct http *h, const char *url, const char *const *headers,
             const char *body, size_t len, long *status, struct odoo_error *err)
{
	struct curl_slist *hl = NULL, *t;
	CURLcode rc;
	long connects = 0;
	size_t i;

	*status = 0;
	buf_reset(&h->resp);
	h->resp_too_big = false;
	h->header_bytes = 0;
	h->content_type[0] = '\0';
	h->curl_err[0] = '\0';
	/* No "Expect: 100-continue" round trip before bodies over 1 KiB. */
	hl = curl_slist_append(NULL, "Expect:");
	for (i = 0; hl != NULL && headers != NULL && headers[i] != NULL; i++) {
		t = curl_slist_append(hl, headers[i]);
		if (t == NULL) {
			free_headers(hl);
			hl = NULL;
		}
		hl = t;
	}
	if (hl == NULL) {
		log_error("out of memory in libcurl");
		abort();
	}
	curl_easy_setopt(h->curl, CURLOPT_URL, url);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hl);
	if (body != NULL) {
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else {
		curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
	}
	rc = curl_easy_perform(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	free_headers(hl);
	curl_easy_getinfo(h->curl, CURLINFO_NUM_CONNECTS, &connects);
	h->connects = connects;
	if (rc != CURLE_OK) {
		enum odoo_err e = classify_curl(rc, h->header_bytes + h->resp.len > 0);

		if (h->resp_too_big || rc == CURLE_FILESIZE_EXCEEDED)
			return odoo_set_err(err, e, "answer larger than %zu bytes", h->max_response);
		return odoo_set_err(err, e, "%s", h->curl_err[0] ? h->curl_err : curl_easy_strerror(rc));
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, status);
	return ODOO_OK;
}

const char *
http_body(const struct http *h, size_t *len)
{
	if (len)
		*len = h->resp.len;
	return h->resp.data != NULL ? h->resp.data : "";
}

bool
http_is_type(const struct http *h, const char *type)
{
	size_t n = strlen(type);

	return strncasecmp(h->content_type, type, n) == 0 &&
	       (h->content_type[n] == '\0' || h->content_type[n] == ';' || h->content_type[n] == ' ');
}

long
http_new_connections(const struct http *h)
{
	return h->connects;
}

void
http_redact(char *s, const char *secret)
{
	size_t n = secret != NULL ? strlen(secret) : 0;
	char *p;

	if (n < 4)    /* too short to tell from ordinary words */
		return;
	while ((p = strstr(s, secret)) != NULL)
		memset(p, '*', n);
}
