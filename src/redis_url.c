/* redis_url.c: the REDIS_URL parser (redis_url.h). */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis_url.h"
#include "util.h"

/*
 * Hand-written on purpose: hiredis 0.14 has no URL parser, and the URL is
 * one line of configuration read once, with a grammar of a few characters.
 */

/* A copy of s[0..n) with %XX decoded, or NULL when an escape is bad or decodes to NUL. */
static char *
pct_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi = i + 2 < n ? hex_digit(s[i + 1]) : -1, lo = i + 2 < n ? hex_digit(s[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(out);
				return NULL;
			}
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static bool
parse_db(const char *s, long *db)
{
	int64_t n;

	if (!parse_int64(s, 0, REDIS_URL_MAX_DB, &n))
		return false;
	*db = (long)n;
	return true;
}

static bool
fail(struct redis_url *u, const char **why, const char *text)
{
	redis_url_free(u);
	*why = text;
	return false;
}

static bool
parse_unix(const char *p, struct redis_url *u, const char **why)
{
	const char *q = strchr(p, '?');
	size_t n = q != NULL ? (size_t)(q - p) : strlen(p);

	if (strncmp(p, "//", 2) == 0) {   /* unix:///path */
		p += 2;
		n -= 2;
	}
	if (n < 2 || p[0] != '/')
		return fail(u, why, "unix: needs an absolute socket path (unix:/run/redis/redis.sock)");
	u->is_unix = true;
	u->path = xstrndup(p, n);
	if (q != NULL && (strncmp(q, "?db=", 4) != 0 || !parse_db(q + 4, &u->db)))
		return fail(u, why, "unix: takes only ?db=N, N a database number");
	return true;
}

/* [[user]:password@] of redis://, up to at. */
static bool
parse_userinfo(const char *p, const char *at, struct redis_url *u, const char **why)
{
	const char *colon = memchr(p, ':', (size_t)(at - p));

	if (colon == NULL)   /* redis://password@host is not a form we guess at */
		return fail(u, why, "credentials must be written user:password@ or :password@");
	if (colon > p && (u->user = pct_decode(p, (size_t)(colon - p))) == NULL)
		return fail(u, why, "bad percent-escape in the user name");
	if ((u->password = pct_decode(colon + 1, (size_t)(at - colon - 1))) == NULL)
		return fail(u, why, "bad percent-escape in the password");
	if (u->password[0] == '\0')
		return fail(u, why, "empty password");
	return true;
}

static bool
parse_tcp(const char *p, struct redis_url *u, const char **why)
{
	const char *end = p + strcspn(p, "/?#"), *at = NULL, *h, *hend, *port = NULL;
	int64_t n;

	for (const char *c = p; c < end; c++)
		if (*c == '@')
			at = c;   /* the last '@': a raw '@' in a password is common enough to allow */
	if (at != NULL && !parse_userinfo(p, at, u, why))
		return false;
	h = at != NULL ? at + 1 : p;
	if (*h == '[') {
		hend = memchr(h, ']', (size_t)(end - h));
		if (hend == NULL)
			return fail(u, why, "unclosed [ in the host");
		u->host = xstrndup(h + 1, (size_t)(hend - h - 1));
		hend++;
	} else {
		hend = memchr(h, ':', (size_t)(end - h));
		if (hend == NULL)
			hend = end;
		u->host = xstrndup(h, (size_t)(hend - h));
	}
	if (u->host[0] == '\0')
		return fail(u, why, "no host");
	for (const char *c = u->host; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f || *c == '@' || *c == '[' || *c == ']')
			return fail(u, why, "bad character in the host");
	u->port = REDIS_URL_DEFAULT_PORT;
	if (hend < end) {
		char buf[8];
		if (*hend != ':' || (size_t)(end - hend - 1) >= sizeof(buf) || end == hend + 1)
			return fail(u, why, "bad port");
		memcpy(buf, hend + 1, (size_t)(end - hend - 1));
		buf[end - hend - 1] = '\0';
		port = buf;
		if (!parse_int64(port, 1, 65535, &n))
			return fail(u, why, "the port must be a number from 1 to 65535");
		u->port = (int)n;
	}
	if (*end == '/' && end[1] != '\0' && !parse_db(end + 1, &u->db))
		return fail(u, why, "the path must be a database number (/0, /1, ...)");
	if (*end == '?' || *end == '#')
		return fail(u, why, "redis:// takes no query or fragment");
	return true;
}

bool
redis_url_parse(const char *text, struct redis_url *u, const char **why)
{
	memset(u, 0, sizeof(*u));
	*why = NULL;
	for (const char *c = text; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f)
			return fail(u, why, "control character in the URL");
	if (strncmp(text, "rediss://", 9) == 0)
		return fail(u, why, "rediss:// (TLS) is not supported: Debian 12's hiredis 0.14 has no TLS; "
		                    "use redis:// on a private network, a unix: socket, or a TLS tunnel");
	if (strncmp(text, "redis://", 8) == 0)
		return parse_tcp(text + 8, u, why);
	if (strncmp(text, "unix:", 5) == 0)
		return parse_unix(text + 5, u, why);
	return fail(u, why, "not a redis:// or unix: URL");
}

void
redis_url_free(struct redis_url *u)
{
	if (u == NULL)
		return;
	if (u->password != NULL)
		explicit_bzero(u->password, strlen(u->password));
	free(u->password);
	free(u->user);
	free(u->host);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

void
redis_url_describe(const struct redis_url *u, char *out, size_t outlen)
{
	if (u->is_unix)
		snprintf(out, outlen, "unix:%s", u->path);
	else if (strchr(u->host, ':') != NULL)
		snprintf(out, outlen, "[%s]:%d", u->host, u->port);
	else
		snprintf(out, outlen, "%s:%d", u->host, u->port);
}
