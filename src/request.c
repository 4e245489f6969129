/* request.c: CGI/FastCGI variables (RFC 3875), query string and body parsing, all bounded. */
#include "autoconfig.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "request.h"
#include "util.h"

/* Decodes one urlencoded component into a fresh string. */
static enum qs_err
decode(const char *s, size_t len, char **out)
{
	char *d = xmalloc(len + 1);
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '+') {
			d[o++] = ' ';
		} else if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= len) {
				free(d);
				return QS_BAD_ESCAPE;
			}
			hi = hex_digit(s[i + 1]);
			lo = hex_digit(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(d);
				return QS_BAD_ESCAPE;
			}
			d[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			d[o++] = s[i];
		}
	}
	d[o] = '\0';
	if (!utf8_valid(d, o)) {
		free(d);
		return QS_BAD_UTF8;
	}
	*out = d;
	return QS_OK;
}

enum qs_err
params_parse(const char *s, size_t len, size_t max_params, struct params *out)
{
	struct params p = { NULL, 0 };
	size_t cap = 0, i = 0;
	enum qs_err e = QS_OK;

	while (i < len) {
		size_t j = i, eq;
		char *k = NULL, *v = NULL;

		while (j < len && s[j] != '&')
			j++;
		if (j > i) {
			if (p.n == max_params) {
				e = QS_TOO_MANY;
				goto fail;
			}
			for (eq = i; eq < j && s[eq] != '='; eq++)
				;
			if ((e = decode(s + i, eq - i, &k)) != QS_OK)
				goto fail;
			e = decode(s + (eq < j ? eq + 1 : j), eq < j ? j - eq - 1 : 0, &v);
			if (e != QS_OK) {
				free(k);
				goto fail;
			}
			if (p.n == cap) {
				cap = cap ? cap * 2 : 8;
				p.v = xrealloc(p.v, cap * sizeof *p.v);
			}
			p.v[p.n].key = k;
			p.v[p.n].value = v;
			p.n++;
		}
		i = j + 1;
	}
	*out = p;
	return QS_OK;
fail:
	params_free(&p);
	return e;
}

const char *
params_get(const struct params *p, const char *key)
{
	size_t i;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0)
			return p->v[i].value;
	return NULL;
}

size_t
params_count(const struct params *p, const char *key)
{
	size_t i, n = 0;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0)
			n++;
	return n;
}

void
params_free(struct params *p)
{
	size_t i;
	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->v[i].key);
		free(p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* Parses a qvalue ("q=0.8") into thousandths; -1 when malformed (RFC 9110 12.4.2). */
static int
parse_qvalue(const char *s, size_t len)
{
	int v = 0, digits = 0;
	size_t i;

	if (len == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	v = (s[0] - '0') * 1000;
	if (len == 1)
		return v;
	if (s[1] != '.' || len > 5)
		return -1;
	for (i = 2; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v += (s[i] - '0') * (digits == 0 ? 100 : digits == 1 ? 10 : 1);
		digits++;
	}
	return v > 1000 ? -1 : v;
}

enum lang
lang_from_accept_language(const char *h)
{
	int best_es = -1, best_en = -1;
	const char *p = h;

	if (h == NULL)
		return LANG_ES;
	while (*p) {
		const char *e = strchr(p, ','), *semi, *tag;
		size_t len = e ? (size_t)(e - p) : strlen(p), tlen;
		int q = 1000;

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		tag = p;
		semi = memchr(p, ';', len);
		tlen = semi ? (size_t)(semi - p) : len;
		while (tlen && (tag[tlen - 1] == ' ' || tag[tlen - 1] == '\t'))
			tlen--;
		if (semi) {
			const char *qs = semi + 1;
			size_t qlen = len - (size_t)(qs - p);
			while (qlen && (*qs == ' ' || *qs == '\t')) {
				qs++;
				qlen--;
			}
			while (qlen && (qs[qlen - 1] == ' ' || qs[qlen - 1] == '\t'))
				qlen--;
			if (qlen >= 2 && (qs[0] == 'q' || qs[0] == 'Q') && qs[1] == '=')
				q = parse_qvalue(qs + 2, qlen - 2);
		}
		if (q > 0) {
			if (tlen >= 2 && ascii_ncasecmp(tag, "en", 2) == 0 && (tlen == 2 || tag[2] == '-')) {
				if (q > best_en)
					best_en = q;
			} else if (tlen >= 2 && ascii_ncasecmp(tag, "es", 2) == 0 && (tlen == 2 || tag[2] == '-')) {
				if (q > best_es)
					best_es = q;
			}
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	return best_en > best_es ? LANG_EN : LANG_ES;
}

const char *
request_env(const struct request *r, const char *name)
{
	return env_get(r->envp, name);
}

static bool
sane_request_id(const char *s)
{
	size_t n = 0;
	if (s == NULL)
		return false;
	for (; s[n]; n++) {
		char c = s[n];
		if (n >= 64 || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
			return false;
	}
	return n > 0;
}

/* splitmix64's finaliser: a bijection of 64 bits, so distinct inputs give distinct ids. */
static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * 96 bits: a counter under a key drawn once per process (getrandom per
 * request was one system call of the dozen a cached answer makes).  What a
 * request id needs is uniqueness, not secrecy: within a process the counter
 * makes them distinct, across processes and hosts the random keys do.
 */
static void
fresh_request_id(char out[65])
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static uint64_t key[2];
	static atomic_uint keyed = 0;   /* process_generation() + 1 of the key; 0: none yet */
	static _Atomic uint64_t counter;
	unsigned gen = process_generation() + 1;
	unsigned char rnd[12];
	uint64_t n, a, b;
	size_t i;

	if (atomic_load_explicit(&keyed, memory_order_acquire) != gen) {
		pthread_mutex_lock(&mu);
		if (atomic_load_explicit(&keyed, memory_order_relaxed) != gen) {
			if (!fill_random(key, sizeof key)) {
				key[0] = (uint64_t)now_mono_us();
				key[1] = ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL);
			}
			atomic_store_explicit(&keyed, gen, memory_order_release);
		}
		pthread_mutex_unlock(&mu);
	}
	n = atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
	a = mix64(key[0] + n * 0x9e3779b97f4a7c15ULL);
	b = mix64(key[1] ^ a);
	memcpy(rnd, &a, 8);
	memcpy(rnd + 8, &b, 4);
	for (i = 0; i < sizeof rnd; i++) {
		out[2 * i] = "0123456789abcdef"[rnd[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[rnd[i] & 0xf];
	}
	out[2 * sizeof rnd] = '\0';
}

/*
 * The route path.  PATH_INFO is what the app is asked for, relative to where
 * it is mounted (SCRIPT_NAME), under lighttpd, Apache and nginx alike.  When
 * a server passes no PATH_INFO (an app mounted at "/" under some setups),
 * REQUEST_URI minus SCRIPT_NAME minus the query is used instead.
 */
static char *
route_path(const struct request *r)
{
	const char *pi = request_env(r, "PATH_INFO");
	const char *uri, *sn;
	size_t snl, len;

	if (pi != NULL && *pi != '\0')
		return xstrdup(pi);
	uri = request_env(r, "REQUEST_URI");
	sn = request_env(r, "SCRIPT_NAME");
	if (uri == NULL || *uri == '\0')
		return xstrdup(sn && *sn ? sn : "/");
	len = strcspn(uri, "?");
	snl = sn ? strlen(sn) : 0;
	if (snl && len >= snl && strncmp(uri, sn, snl) == 0 && (len == snl || uri[snl] == '/')) {
		uri += snl;
		len -= snl;
	}
	if (len == 0)
		return xstrdup("/");
	/* REQUEST_URI is still percent-encoded; PATH_INFO never is. */
	return request_path_decode(uri, len);
}

char *
request_path_decode(const char *s, size_t len)
{
	char *p = xstrndup(s, len), *dec;

	if (strchr(p, '%') == NULL)
		return p;
	if (decode(p, len, &dec) != QS_OK) {
		free(p);
		return xstrdup("/\x01invalid");   /* matches no route: 404 */
	}
	free(p);
	return dec;
}

enum req_err
request_init(struct request *r, char **envp)
{
	const char *qs, *rid, *cl;
	int64_t n;
	enum req_err rc = REQ_OK;

	memset(r, 0, sizeof *r);
	r->envp = envp;
	r->start_us = now_mono_us();
	r->content_length = -1;
	buf_init(&r->body, 0);

	r->method = request_env(r, "REQUEST_METHOD");
	if (r->method == NULL)
		r->method = "GET";
	r->remote_addr = request_env(r, "REMOTE_ADDR");
	if (r->remote_addr == NULL)
		r->remote_addr = "";
	r->content_type = request_env(r, "CONTENT_TYPE");
	if (r->content_type && *r->content_type == '\0')
		r->content_type = NULL;
	r->lang = lang_from_accept_language(request_env(r, "HTTP_ACCEPT_LANGUAGE"));

	rid = request_env(r, "HTTP_X_REQUEST_ID");
	if (sane_request_id(rid))
		snprintf(r->request_id, sizeof r->request_id, "%s", rid);
	else
		fresh_request_id(r->request_id);

	r->path = route_path(r);

	cl = request_env(r, "CONTENT_LENGTH");
	if (cl != NULL && *cl != '\0') {
		if (!parse_int64(cl, 0, INT64_MAX, &n))
			rc = REQ_BAD_LENGTH;
		else
			r->content_length = n;
	}

	qs = request_env(r, "QUERY_STRING");
	if (qs != NULL && *qs != '\0') {
		if (params_parse(qs, strlen(qs), MAX_PARAMS, &r->query) != QS_OK && rc == REQ_OK)
			rc = REQ_BAD_QUERY;
	}
	return rc;
}

enum req_err
request_read_body(struct request *r, body_reader_fn reader, void *io, size_t max_body)
{
	char chunk[16384];
	size_t want;

	if (r->body_read)
		return REQ_OK;
	r->body_read = true;
	buf_init(&r->body, max_body);
	if (r->content_length <= 0)
		return REQ_OK;
	/* Refuse by the announced length first: nothing is read into memory. */
	if ((uint64_t)r->content_length > max_body)
		return REQ_TOO_LARGE;
	want = (size_t)r->content_length;
	while (r->body.len < want) {
		size_t left = want - r->body.len;
		int got = reader(io, chunk, (int)(left < sizeof chunk ? left : sizeof chunk));
		if (got < 0)
			return REQ_IO;
		if (got == 0)
			break;   /* client closed early: keep what came, as lighttpd does */
		if (!buf_append(&r->body, chunk, (size_t)got))
			return REQ_TOO_LARGE;
	}
	if (r->body.data == NULL)
		buf_append(&r->body, "", 0);
	return REQ_OK;
}

void
request_free(struct request *r)
{
	if (r == NULL)
		return;
	params_free(&r->query);
	buf_free(&r->body);
	free(r->path);
	free(r->route_store);
	r->path = NULL;
	r->route_store = NULL;
}

bool
request_content_type_is(const struct request *r, const char *type)
{
	const char *ct = r->content_type;
	size_t n = strlen(type), len;

	if (ct == NULL)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	len = strcspn(ct, "; \t");
	return len == n && ascii_ncasecmp(ct, type, n) == 0;
}
