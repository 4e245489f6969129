/* cache.c: the response cache's policy: keys, values, generations, X-Cache and ETags (see cache.h). */
#include "autoconfig.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cache.h"
#include "metrics.h"
#include "crud.h"
#include "resource.h"
#include "state.h"

#define MAX_DEPS   64                    /* models one answer may depend on */
#define VAL_MAGIC  "OBC1"
#define KEY_MAX    ((size_t)64 * 1024)   /* a query string is bounded by MAX_PARAMS long before this */
#define VAL_MAX    ((size_t)1 << 30)

static _Atomic uint64_t n_hits, n_misses, n_bypasses, n_uncacheable, n_not_modified;

void
cache_counters(struct cache_counters *out)
{
	out->hits = atomic_load(&n_hits);
	out->misses = atomic_load(&n_misses);
	out->bypasses = atomic_load(&n_bypasses);
	out->uncacheable = atomic_load(&n_uncacheable);
	out->not_modified = atomic_load(&n_not_modified);
}

void
cache_note_write(void *ud, const char *model, const char *method)
{
	(void)method;
	state_gen_bump(ud, model);
}

/* The shared state, or NULL (a worker made without an app, as unit tests make them). */
static struct state *
state_of(const struct ctx *c)
{
	return c->w->app != NULL ? c->w->app->state : NULL;
}

/* ---- the key ---- */

/* Each part length-prefixed, so that no choice of bytes in one part can imitate another's. */
static void
put_part(struct buf *b, const char *s, size_t n)
{
	char len[24];

	snprintf(len, sizeof len, "%zu:", n);
	buf_puts(b, len);
	buf_append(b, s, n);
}

static void
put_str(struct buf *b, const char *s)
{
	put_part(b, s, strlen(s));
}

static int
cmp_key(const void *a, const void *b)
{
	const struct param *const *x = a, *const *y = b;
	int d = strcmp((*x)->key, (*y)->key);

	/* Stable: equal names keep their order (qsort is not stable by itself). */
	if (d != 0)
		return d;
	return *x < *y ? -1 : *x > *y;
}

void
cache_key_query(const struct params *p, struct buf *out)
{
	const struct param **v = xcalloc(p->n + 1, sizeof(*v));
	char n[24];

	for (size_t i = 0; i < p->n; i++)
		v[i] = &p->v[i];
	qsort(v, p->n, sizeof(*v), cmp_key);
	snprintf(n, sizeof n, "%zu:", p->n);
	buf_puts(out, n);
	for (size_t i = 0; i < p->n; i++) {
		put_str(out, v[i]->key);
		put_str(out, v[i]->value);
	}
	free(v);
}

/* Who the answer is for: the site, and the user whose rights Odoo applied. */
static void
put_scope(const struct ctx *c, struct buf *b)
{
	const struct config *cfg = c->cfg;
	char uid[32], set[64];

	put_str(b, cfg->odoo_url);
	put_str(b, cfg->odoo_db);
	put_str(b, cfg->odoo_username);
	/* The settings that shape an answer: two bridges sharing CACHE_FILE may differ in them. */
	snprintf(set, sizeof set, "list_max=%ld proto=%d", cfg->list_max, (int)cfg->odoo_protocol);
	put_str(b, set);
	if (cfg->auth_mode == AUTH_USER) {
		snprintf(uid, sizeof uid, "uid=%ld", c->user.uid);
		put_str(b, uid);
	} else {
		put_str(b, "service");
	}
}

/* The key of the list of models the answers of res (a list, or one record) depend on. */
static void
deps_key(const struct ctx *c, const struct resource *res, bool one, struct buf *b)
{
	put_str(b, "deps1");
	put_scope(c, b);
	put_str(b, res->name);
	put_str(b, one ? "record" : "list");
}

static void
value_key(const struct ctx *c, const struct resource *res, const char *id, const char *const *models,
          const uint64_t *gens, size_t n, struct buf *b)
{
	char g[32];

	put_str(b, "page1");
	put_scope(c, b);
	put_str(b, c->req->lang == LANG_EN ? "en" : "es");
	{
		/* With ODOO_LANG=auto, Odoo's context lang follows the header's region too (es-MX: es_MX, lang.h). */
		const char *al = request_env(c->req, "HTTP_ACCEPT_LANGUAGE");

		put_str(b, c->cfg->odoo_lang != NULL && strcmp(c->cfg->odoo_lang, "auto") == 0 && al != NULL ? al : "");
	}
	put_str(b, res->name);
	put_str(b, id != NULL ? id : "");
	cache_key_query(&c->req->query, b);
	for (size_t i = 0; i < n; i++) {
		put_str(b, models[i]);
		snprintf(g, sizeof g, "%llu", (unsigned long long)gens[i]);
		put_str(b, g);
	}
}

/* ---- the models an answer shows ---- */

struct deps {
	const char *m[MAX_DEPS];
	size_t n;
	struct buf text;    /* NUL-separated names, as stored */
};

static void
deps_add(struct deps *d, const char *model)
{
	if (model == NULL || *model == '\0')
		return;
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->m[i], model) == 0)
			return;
	if (d->n < MAX_DEPS)
		d->m[d->n++] = model;
}

static void
deps_add_schema(struct deps *d, const struct rschema *s)
{
	for (size_t i = 0; s != NULL && i < s->n; i++)
		deps_add(d, s->f[i].relation);
}

/* Parses stored names (NUL-separated) into d->m; false when they do not look like ours. */
static bool
deps_parse(struct deps *d)
{
	const char *p = d->text.data, *end = d->text.data + d->text.len;

	d->n = 0;
	while (p < end) {
		size_t len = strnlen(p, (size_t)(end - p));

		if (len == 0 || p + len == end || d->n == MAX_DEPS)
			return false;
		d->m[d->n++] = p;
		p += len + 1;
	}
	return d->n > 0;
}

/*
 * The deps lists this process read last, each kept for at most CACHE_TTL:
 * a hit then takes one look into the shared cache (the page) instead of two
 * (one lock less).  A list changes only with a schema (a module that adds a
 * relation), which is itself kept for CACHE_TTL_LOOKUPS; a process may go
 * on with the old list for up to CACHE_TTL after the shared one expired.
 * Read-your-writes does not depend on it: the generations of the listed
 * models are read from the shared state on every request.
 */
#define DEPS_MEMO 64

static struct {
	pthread_mutex_t mu;
	unsigned        next;
	struct {
		char    *key, *text;
		size_t   klen, tlen;
		int64_t  until_us;
	} e[DEPS_MEMO];
} memo = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* The entry of memo holding key, or -1; under memo.mu. */
static int
deps_memo_find(const struct buf *key)
{
	for (int i = 0; i < DEPS_MEMO; i++)
		if (memo.e[i].key != NULL && memo.e[i].klen == key->len &&
		    memcmp(memo.e[i].key, key->data, key->len) == 0)
			return i;
	return -1;
}

static bool
deps_memo_get(const struct buf *key, struct buf *text, int64_t now_us)
{
	int i;
	bool found;

	pthread_mutex_lock(&memo.mu);
	i = deps_memo_find(key);
	found = i >= 0 && now_us < memo.e[i].until_us;
	if (found) {
		buf_reset(text);
		buf_append(text, memo.e[i].text, memo.e[i].tlen);
	}
	pthread_mutex_unlock(&memo.mu);
	return found;
}

static void
deps_memo_put(const struct buf *key, const struct buf *text, int64_t until_us)
{
	int slot;

	pthread_mutex_lock(&memo.mu);
	if ((slot = deps_memo_find(key)) < 0)
		slot = (int)(memo.next++ % DEPS_MEMO);
	free(memo.e[slot].key);
	free(memo.e[slot].text);
	memo.e[slot].key = xstrndup(key->data, key->len);
	memo.e[slot].klen = key->len;
	memo.e[slot].text = xstrndup(text->data, text->len);
	memo.e[slot].tlen = text->len;
	memo.e[slot].until_us = until_us;
	pthread_mutex_unlock(&memo.mu);
}

/*
 * From the schemas the handler has just loaded (no Odoo call: they are in
 * the worker's schema cache).  A scratch answer keeps c->res untouched.
 */
static bool
deps_from_schema(struct ctx *c, bool one, struct deps *d)
{
	struct ctx sc = *c;
	struct response scratch;
	struct target t;
	bool ok;

	response_init(&scratch);
	sc.res = &scratch;
	ok = crud_resolve(&sc, one, false, &t) && crud_load_schema(&sc, &t, one);
	if (ok) {
		d->n = 0;
		deps_add(d, t.res->model);
		deps_add_schema(d, t.s);
		if (one && t.res->lines != NULL) {
			deps_add(d, t.res->lines->child->model);
			deps_add_schema(d, t.ls);
		}
		buf_reset(&d->text);
		for (size_t i = 0; i < d->n; i++)
			buf_append(&d->text, d->m[i], strlen(d->m[i]) + 1);
		ok = deps_parse(d);   /* point d->m into the text that is stored */
	}
	response_free(&scratch);
	return ok;
}

/* ---- the value ---- */

static void
etag_of(const char *body, size_t len, char out[40])
{
	/*
	 * FNV-1a, 64 bits: the ETag only has to change when the body does (a
	 * false 304 needs a 2^-64 collision between two versions of one page);
	 * it is no secret, so no keyed hash is needed.
	 */
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)body[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 40, "\"%016llx-%zx\"", (unsigned long long)h, len);
}

/* VAL_MAGIC, the ETag NUL, then name NUL value NUL per header, an empty name, then the body. */
static void
value_encode(const struct response *res, const char *etag, const char *body, size_t len, struct buf *out)
{
	buf_append(out, VAL_MAGIC, 4);
	buf_append(out, etag, strlen(etag) + 1);
	for (size_t i = 0; i < res->n_headers; i++) {
		buf_append(out, res->headers[i].name, strlen(res->headers[i].name) + 1);
		buf_append(out, res->headers[i].value, strlen(res->headers[i].value) + 1);
	}
	buf_append(out, "", 1);
	buf_append(out, body, len);
}

/* Fills res and etag from a stored value; false (res untouched) when it does not parse. */
static bool
value_decode(const struct buf *v, struct response *res, char etag[40])
{
	const char *p = v->data, *end = v->data + v->len, *name, *val;
	struct response tmp;
	size_t elen;

	if (v->len < 5 || memcmp(p, VAL_MAGIC, 4) != 0)
		return false;
	p += 4;
	elen = strnlen(p, (size_t)(end - p));
	if (elen == 0 || elen >= 40 || p + elen == end)
		return false;
	memcpy(etag, p, elen + 1);
	p += elen + 1;
	response_init(&tmp);
	for (;;) {
		name = p;
		p += strnlen(p, (size_t)(end - p));
		if (p == end)
			goto bad;
		p++;
		if (*name == '\0')
			break;
		val = p;
		p += strnlen(p, (size_t)(end - p));
		if (p == end || !response_add_header(&tmp, name, val))
			goto bad;
		p++;
	}
	response_json(&tmp, 200, json_raw(p, (size_t)(end - p)));
	response_free(res);
	*res = tmp;
	return true;
bad:
	response_free(&tmp);
	return false;
}

/* RFC 9110 13.1.2: If-None-Match is a list of entity tags or "*", compared weakly. */
static bool
etag_matches(const char *header, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = header;

	if (header == NULL)
		return false;
	while (*p != '\0') {
		const char *start, *stop;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		start = p;
		while (*p != '\0' && *p != ',')
			p++;
		stop = p;
		while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t'))
			stop--;
		if (stop - start == 1 && *start == '*')
			return true;
		if (stop - start > 2 && start[0] == 'W' && start[1] == '/')
			start += 2;
		if ((size_t)(stop - start) == elen && memcmp(start, etag, elen) == 0)
			return true;
	}
	return false;
}

/* Ends an answer with its ETag and X-Cache; a matching If-None-Match turns it into a 304. */
static void
finish(struct ctx *c, const char *etag, const char *xcache)
{
	if (etag_matches(request_header(c->req, "HTTP_IF_NONE_MATCH"), etag)) {
		/* RFC 9110 15.4.5: a 304 carries the ETag; the rest of the entity is the client's. */
		response_free(c->res);
		response_init(c->res);
		c->res->status = 304;
		atomic_fetch_add(&n_not_modified, 1);
	}
	response_add_header(c->res, "ETag", etag);
	response_add_header(c->res, "X-Cache", xcache);
}

/* Whether the comma-separated header value h holds the directive name (alone or with "=..."). */
static bool
has_directive(const char *h, const char *name, const char *value)
{
	size_t n = strlen(name);
	const char *p = h;

	while (p != NULL && (p = strcasestr(p, name)) != NULL) {
		const char *after = p + n;

		if ((p == h || p[-1] == ' ' || p[-1] == ',' || p[-1] == '\t') &&
		    (value == NULL ? (*after == '\0' || *after == ',' || *after == ' ' || *after == '\t' || *after == '=')
		                   : (*after == '=' && strncmp(after + 1, value, strlen(value)) == 0 &&
		                      strchr(",; \t", after[1 + strlen(value)]) != NULL)))
			return true;
		p = after;
	}
	return false;
}

/*
 * Whether the client asked to bypass caches: Cache-Control: no-cache
 * (RFC 9111 5.2.1.4) or max-age=0 (5.2.1.1: no stored answer is fresh
 * enough; a browser's reload sends it), and, from HTTP/1.0 clients that
 * send no Cache-Control, Pragma: no-cache (5.4).
 */
static bool
no_cache(const struct request *req)
{
	const char *cc = request_header(req, "HTTP_CACHE_CONTROL");
	const char *pragma;

	if (cc != NULL)
		return has_directive(cc, "no-cache", NULL) || has_directive(cc, "max-age", "0");
	pragma = request_header(req, "HTTP_PRAGMA");
	return pragma != NULL && has_directive(pragma, "no-cache", NULL);
}

/* ---- the handlers ---- */

static void
serve(struct ctx *c, handler_fn handler, bool one)
{
	struct state *st = state_of(c);
	const struct resource *res = resource_find(c->req->route_params[0]);
	const char *id = one ? c->req->route_params[1] : NULL;
	long ttl = 0, deps_ttl = c->cfg->cache_ttl_lookups > c->cfg->cache_ttl ? c->cfg->cache_ttl_lookups
	                                                                       : c->cfg->cache_ttl;
	struct deps d = { .n = 0 };
	struct buf dkey, key, val;
	uint64_t gens[MAX_DEPS];
	bool have_deps = false, memo_hit = false, bypass = no_cache(c->req);
	int64_t now_us;
	const char *body;
	char etag[40];

	if (res != NULL && c->cfg->cache_ttl > 0)
		ttl = res->read_only ? c->cfg->cache_ttl_lookups : c->cfg->cache_ttl;
	if (st == NULL || ttl <= 0) {
		handler(c);
		atomic_fetch_add(&n_uncacheable, 1);
		return;
	}
	buf_init(&dkey, KEY_MAX);
	buf_init(&key, KEY_MAX);
	buf_init(&val, VAL_MAX);
	buf_init(&d.text, 64 * 1024);
	deps_key(c, res, one, &dkey);
	now_us = now_mono_us();
	if (deps_memo_get(&dkey, &d.text, now_us)) {
		memo_hit = true;
	} else if (state_cache_get(st, dkey.data, dkey.len, &d.text) != STATE_OK) {
		d.text.len = 0;
	}
	if (d.text.len > 0 && deps_parse(&d)) {
		if (!memo_hit)
			deps_memo_put(&dkey, &d.text, now_us + (int64_t)c->cfg->cache_ttl * 1000000);
		/* The generations are read before Odoo is: a write that lands after this read changes them. */
		if (state_gens_get(st, d.m, d.n, gens) != STATE_OK)
			goto skip;
		have_deps = true;
		value_key(c, res, id, d.m, gens, d.n, &key);
		if (!bypass && state_cache_get(st, key.data, key.len, &val) == STATE_OK &&
		    value_decode(&val, c->res, etag)) {
			atomic_fetch_add(&n_hits, 1);
			metrics_cache(METRICS_CACHE_HIT);
			finish(c, etag, "hit");
			goto out;
		}
	}
	handler(c);
	if (c->res->status != 200 || c->res->body == NULL) {
		atomic_fetch_add(&n_uncacheable, 1);
		goto out;
	}
	if (!have_deps) {
		/*
		 * First answer of this resource for this scope: the models it
		 * depends on are known only now, too late for generations read
		 * before Odoo was, so only the list is stored; the next miss
		 * stores the page.
		 */
		if (deps_from_schema(c, one, &d))
			(void)state_cache_put(st, dkey.data, dkey.len, d.text.data, d.text.len, deps_ttl);
	}
	body = json_object_to_json_string_ext(c->res->body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	etag_of(body, strlen(body), etag);
	if (have_deps) {
		value_encode(c->res, etag, body, strlen(body), &val);
		(void)state_cache_put(st, key.data, key.len, val.data, val.len, ttl);
	}
	atomic_fetch_add(bypass ? &n_bypasses : &n_misses, 1);
	if (!bypass)
		metrics_cache(METRICS_CACHE_MISS);
	finish(c, etag, bypass ? "bypass" : "miss");
	goto out;
skip:
	handler(c);
	atomic_fetch_add(&n_uncacheable, 1);
out:
	buf_free(&dkey);
	buf_free(&key);
	buf_free(&val);
	buf_free(&d.text);
}

/* ---- fields_get ---- */

enum odoo_err
cache_schema_fetch(void *ud, const char *model, const char *method, json_object *args, json_object *kwargs,
                   json_object **out, struct odoo_error *err)
{
	struct ctx *c = ud;
	struct state *st = state_of(c);
	long ttl = c->cfg->cache_ttl > 0 ? c->cfg->cache_ttl_lookups : 0;
	const int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
	struct buf key, val;
	enum odoo_err e;
	const char *text;

	if (st == NULL || ttl <= 0)
		return auth_call(c, model, method, args, kwargs, true, out, err);
	buf_init(&key, KEY_MAX);
	buf_init(&val, VAL_MAX);
	put_str(&key, "schema1");
	put_scope(c, &key);
	put_str(&key, model);
	put_str(&key, method);
	put_str(&key, json_object_to_json_string_ext(args, flags));
	put_str(&key, kwargs != NULL ? json_object_to_json_string_ext(kwargs, flags) : "");
	if (state_cache_get(st, key.data, key.len, &val) == STATE_OK && val.data != NULL &&
	    (*out = json_tokener_parse(val.data)) != NULL) {
		memset(err, 0, sizeof(*err));
		e = ODOO_OK;
		goto out;
	}
	e = auth_call(c, model, method, args, kwargs, true, out, err);
	if (e == ODOO_OK && *out != NULL && (text = json_object_to_json_string_ext(*out, flags)) != NULL)
		(void)state_cache_put(st, key.data, key.len, text, strlen(text), ttl);
out:
	buf_free(&key);
	buf_free(&val);
	return e;
}

void
cache_list(struct ctx *c)
{
	serve(c, crud_list, false);
}

void
cache_get(struct ctx *c)
{
	serve(c, crud_get, true);
}
