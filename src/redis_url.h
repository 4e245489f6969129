/* redis_url.h: REDIS_URL, parsed once (config.c checks it at start-up, state_redis.c connects with it). */
#ifndef OB_REDIS_URL_H
#define OB_REDIS_URL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The forms accepted (those of redis-cli -u and of most clients):
 *
 *   redis://[[user]:password@]host[:port][/db]
 *   unix:/path/to/redis.sock[?db=N]          (also unix:///path/...)
 *
 * host is a name, an IPv4 address or an [IPv6] address; port defaults to
 * 6379, db to 0.  user and password may be percent-encoded (RFC 3986
 * section 2.1), so that a password may hold '@', ':' or '/'.  With a
 * password and no user, AUTH password (the "default" user); with both,
 * AUTH user password (Redis 6 ACLs).
 *
 * rediss:// (TLS) is refused: TLS needs hiredis >= 1.0 built with
 * hiredis_ssl (its 1.0.0 changelog: "Support for SSL connections"), and
 * Debian 12 ships hiredis 0.14.1, which has no TLS.  Use a UNIX socket, a
 * private network, or a TLS tunnel (stunnel, spiped) to a remote Redis.
 */

#define REDIS_URL_DEFAULT_PORT 6379
#define REDIS_URL_MAX_DB 1000000

struct redis_url {
	bool  is_unix;
	char *host;       /* TCP: the host (without brackets); NULL for unix */
	int   port;
	char *path;       /* unix: the socket's path; NULL for TCP */
	char *user;       /* NULL when none */
	char *password;   /* NULL when none (a secret: never logged) */
	long  db;
};

/*
 * Parses text into *u (zeroed first).  Returns true on success; on failure
 * *why says what is wrong, in English, without repeating the text (it may
 * hold a password), and *u holds nothing to free.  Free with redis_url_free.
 */
bool redis_url_parse(const char *text, struct redis_url *u, const char **why);

/* Frees the strings of u (wiping the password); accepts a zeroed struct. */
void redis_url_free(struct redis_url *u);

/* "host:port", "[v6]:port" or "unix:/path", with no credentials: for the log. */
void redis_url_describe(const struct redis_url *u, char *out, size_t outlen);

#endif
