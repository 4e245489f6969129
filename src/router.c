/* router.c: the route dispatcher: method + path -> handler, or 404/405. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"

#define MAX_SEGMENTS 16

/* Splits path into segments in a writable copy; false when it has empty or too many segments. */
static bool
split(char *p, char **seg, size_t *nseg)
{
	size_t n = 0, len = strlen(p);

	if (p[0] != '/')
		return false;
	if (len > 1 && p[len - 1] == '/')
		p[len - 1] = '\0';
	if (strcmp(p, "/") == 0) {
		*nseg = 0;
		return true;
	}
	p++;
	for (;;) {
		char *slash = strchr(p, '/');
		if (n == MAX_SEGMENTS || *p == '\0' || *p == '/')
			return false;
		seg[n++] = p;
		if (slash == NULL)
			break;
		*slash = '\0';
		p = slash + 1;
	}
	*nseg = n;
	return true;
}

static bool
match_pattern(const char *pattern, char **seg, size_t nseg, const char **caps, size_t *ncaps)
{
	const char *p = pattern;
	size_t i = 0, nc = 0;

	if (strcmp(pattern, "/") == 0)
		return nseg == 0;
	while (*p == '/') {
		const char *e = strchr(p + 1, '/');
		size_t len = e ? (size_t)(e - p - 1) : strlen(p + 1);
		if (i == nseg)
			return false;
		if (p[1] == ':') {
			if (nc == MAX_ROUTE_PARAMS)
				return false;
			caps[nc++] = seg[i];
		} else if (strlen(seg[i]) != len || strncmp(seg[i], p + 1, len) != 0) {
			return false;
		}
		i++;
		p += len + 1;
	}
	*ncaps = nc;
	return i == nseg;
}

static bool
method_applies(const struct route *r, const struct request *req, const char *method)
{
	return r->method_ok == NULL || r->method_ok(req->route_params, method);
}

void
router_match(const struct route *table, size_t n, const char *method, const char *path,
             struct request *req, struct route_match *m)
{
	char *copy = xstrdup(path);
	char *seg[MAX_SEGMENTS];
	const char *caps[MAX_ROUTE_PARAMS];
	size_t nseg, ncaps = 0, i, j;
	const struct route *r = NULL;
	bool has_get = false;

	memset(m, 0, sizeof *m);
	m->status = ROUTE_NOT_FOUND;
	if (!split(copy, seg, &nseg)) {
		free(copy);
		return;
	}
	for (i = 0; i < n; i++)
		if (match_pattern(table[i].pattern, seg, nseg, caps, &ncaps)) {
			r = &table[i];
			break;
		}
	if (r == NULL) {
		free(copy);
		return;
	}
	/* The captures point into copy, which the request now owns. */
	free(req->route_store);
	req->route_store = copy;
	memset(req->route_params, 0, sizeof req->route_params);
	for (i = 0; i < ncaps; i++)
		req->route_params[i] = caps[i];
	m->route = r;

	for (j = 0; j < ROUTE_MAX_METHODS && r->methods[j].method; j++) {
		size_t used = strlen(m->allow);
		if (!method_applies(r, req, r->methods[j].method))
			continue;
		snprintf(m->allow + used, sizeof m->allow - used, "%s%s", used ? ", " : "", r->methods[j].method);
		if (strcmp(r->methods[j].method, "GET") == 0)
			has_get = true;
	}
	if (has_get) {
		size_t used = strlen(m->allow);
		snprintf(m->allow + used, sizeof m->allow - used, ", HEAD");
	}
	{
		size_t used = strlen(m->allow);
		snprintf(m->allow + used, sizeof m->allow - used, "%sOPTIONS", used ? ", " : "");
	}

	if (strcmp(method, "OPTIONS") == 0) {
		m->status = ROUTE_OPTIONS;
		return;
	}
	for (j = 0; j < ROUTE_MAX_METHODS && r->methods[j].method; j++) {
		const char *rm = r->methods[j].method;
		if (!method_applies(r, req, rm))
			continue;
		if (strcmp(rm, method) == 0 || (strcmp(method, "HEAD") == 0 && strcmp(rm, "GET") == 0)) {
			m->fn = r->methods[j].fn;
			m->head = strcmp(method, "HEAD") == 0;
			m->status = ROUTE_OK;
			return;
		}
	}
	m->status = ROUTE_METHOD_NOT_ALLOWED;
}

void
router_label(const struct route *r, const char *const *params,
             bool (*literal)(const char *name, const char *value), char *out, size_t outlen)
{
	const char *p = r->pattern;
	size_t used = 0, ncap = 0;

	out[0] = '\0';
	if (strcmp(p, "/") == 0) {
		snprintf(out, outlen, "/");
		return;
	}
	while (*p == '/' && used < outlen) {
		const char *e = strchr(p + 1, '/');
		int len = (int)(e ? (size_t)(e - p - 1) : strlen(p + 1));
		int n;

		if (p[1] == ':') {
			const char *v = ncap < MAX_ROUTE_PARAMS ? params[ncap] : NULL;
			char name[32];

			snprintf(name, sizeof name, "%.*s", len - 1, p + 2);
			ncap++;
			if (v != NULL && literal != NULL && literal(name, v))
				n = snprintf(out + used, outlen - used, "/%s", v);
			else
				n = snprintf(out + used, outlen - used, "/{%s}", name);
		} else {
			n = snprintf(out + used, outlen - used, "/%.*s", len, p + 1);
		}
		if (n < 0)
			break;
		used += (size_t)n;
		p += len + 1;
	}
}
