/* redis_fixture.h: a redis-server of the test's own, on a UNIX socket in a private directory (or a loopback port), without persistence. */
#ifndef OB_REDIS_FIXTURE_H
#define OB_REDIS_FIXTURE_H

#include <stdbool.h>

/* The server's directory, socket and URL ("unix:<dir>/redis.sock"). */
extern char redis_dir[256];
extern char redis_sock[300];
extern char redis_url[320];

/*
 * Starts redis-server ($REDIS_SERVER, else redis-server from PATH) with
 * --save '' --appendonly no on redis_sock, plus extra arguments (NULL-
 * terminated, may be NULL), and waits until it answers PING.  Skips the
 * test (cr_skip_test) when there is no redis-server.
 */
void redis_fixture_start(const char *const *extra);

/* The same on a free loopback TCP port; returns the port (redis_url is then redis://127.0.0.1:port). */
int redis_fixture_start_tcp(const char *const *extra);

/* Kills the server (SIGKILL, as a crash), waits for it and keeps its directory for a restart. */
void redis_fixture_kill(void);

/* Starts it again, on the same socket or port, with the same arguments. */
void redis_fixture_restart(void);

/* Kills the server if running and removes its directory. */
void redis_fixture_teardown(void);

/* One command on a connection of the test's own (not the engine's); returns the reply as text, or "(nil)", "(error) ...", "(integer) N". */
void redis_fixture_cmd(char *out, size_t outlen, const char *fmt, ...);

#endif
