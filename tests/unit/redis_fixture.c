/* redis_fixture.c: the redis-server of the Redis engine's tests (see redis_fixture.h). */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "redis_fixture.h"

char redis_dir[256];
char redis_sock[300];
char redis_url[320];

#define MAX_EXTRA 16
static pid_t server = -1;
static int tcp_port;          /* 0: the UNIX socket */
static const char *extra_args[MAX_EXTRA + 1];

static const char *
server_path(void)
{
	const char *p = getenv("REDIS_SERVER");

	return p != NULL && p[0] != '\0' && strcmp(p, "no") != 0 ? p : "redis-server";
}

static redisContext *
connect_test(void)
{
	struct timeval tv = { 1, 0 };

	return tcp_port != 0 ? redisConnectWithTimeout("127.0.0.1", tcp_port, tv)
	                     : redisConnectUnixWithTimeout(redis_sock, tv);
}

/* Whether the server answers PING (or asks for a password: it is up). */
static bool
answers(void)
{
	redisContext *c = connect_test();
	redisReply *rep;
	bool ok = false;

	if (c != NULL && !c->err && (rep = redisCommand(c, "PING")) != NULL) {
		ok = rep->type == REDIS_REPLY_STATUS || rep->type == REDIS_REPLY_ERROR;
		freeReplyObject(rep);
	}
	if (c != NULL)
		redisFree(c);
	return ok;
}

static void
spawn(void)
{
	const char *argv[40];
	char port[16];
	int n = 0;

	snprintf(port, sizeof(port), "%d", tcp_port);
	argv[n++] = server_path();
	argv[n++] = "--save";
	argv[n++] = "";
	argv[n++] = "--appendonly";
	argv[n++] = "no";
	argv[n++] = "--dir";
	argv[n++] = redis_dir;
	argv[n++] = "--daemonize";
	argv[n++] = "no";
	argv[n++] = "--loglevel";
	argv[n++] = "warning";
	argv[n++] = "--port";
	argv[n++] = port;
	if (tcp_port != 0) {
		argv[n++] = "--bind";
		argv[n++] = "127.0.0.1";
	} else {
		argv[n++] = "--unixsocket";
		argv[n++] = redis_sock;
	}
	for (int i = 0; extra_args[i] != NULL; i++)
		argv[n++] = extra_args[i];
	argv[n] = NULL;
	server = fork();
	cr_assert(server >= 0);
	if (server == 0) {
		char log[300];
		/* Dies with the test process, even one that crashes before its teardown. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
			_exit(126);
		snprintf(log, sizeof(log), "%s/redis.log", redis_dir);
		if (freopen(log, "a", stdout) == NULL || dup2(fileno(stdout), 2) < 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 500; i++) {   /* 10 s at most */
		int st;
		if (answers())
			return;
		if (waitpid(server, &st, WNOHANG) == server) {
			server = -1;
			cr_skip_test("redis-server did not start (exit %d): is it installed (apt-get install redis-server)?",
			             WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		}
		usleep(20000);
	}
	cr_assert_fail("redis-server does not answer after 10 s");
}

static void
prepare(const char *const *extra)
{
	const char *tmp = getenv("TMPDIR");
	int i = 0;

	snprintf(redis_dir, sizeof(redis_dir), "%s/ob-redis.XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : P_tmpdir);
	cr_assert_not_null(mkdtemp(redis_dir), "mkdtemp: %s", strerror(errno));
	snprintf(redis_sock, sizeof(redis_sock), "%s/redis.sock", redis_dir);
	for (; extra != NULL && extra[i] != NULL && i < MAX_EXTRA; i++)
		extra_args[i] = extra[i];
	extra_args[i] = NULL;
}

void
redis_fixture_start(const char *const *extra)
{
	prepare(extra);
	tcp_port = 0;
	snprintf(redis_url, sizeof(redis_url), "unix:%s", redis_sock);
	spawn();
}

int
redis_fixture_start_tcp(const char *const *extra)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	prepare(extra);
	cr_assert(fd >= 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	tcp_port = ntohs(sa.sin_port);
	close(fd);
	snprintf(redis_url, sizeof(redis_url), "redis://127.0.0.1:%d", tcp_port);
	spawn();
	return tcp_port;
}

void
redis_fixture_kill(void)
{
	if (server > 0) {
		kill(server, SIGKILL);
		waitpid(server, NULL, 0);
		server = -1;
	}
}

void
redis_fixture_restart(void)
{
	redis_fixture_kill();
	unlink(redis_sock);
	spawn();
}

void
redis_fixture_teardown(void)
{
	char p[320];

	redis_fixture_kill();
	unlink(redis_sock);
	snprintf(p, sizeof(p), "%s/redis.log", redis_dir);
	unlink(p);
	rmdir(redis_dir);
}

void
redis_fixture_cmd(char *out, size_t outlen, const char *fmt, ...)
{
	redisContext *c = connect_test();
	redisReply *rep;
	va_list ap;

	cr_assert(c != NULL && !c->err, "test connection to Redis: %s", c != NULL ? c->errstr : "no memory");
	va_start(ap, fmt);
	rep = redisvCommand(c, fmt, ap);
	va_end(ap);
	cr_assert_not_null(rep, "redis command: %s", c->errstr);
	switch (rep->type) {
	case REDIS_REPLY_NIL:
		snprintf(out, outlen, "(nil)");
		break;
	case REDIS_REPLY_INTEGER:
		snprintf(out, outlen, "(integer) %lld", rep->integer);
		break;
	case REDIS_REPLY_ERROR:
		snprintf(out, outlen, "(error) %s", rep->str);
		break;
	case REDIS_REPLY_ARRAY:
		snprintf(out, outlen, "(array) %zu", rep->elements);
		break;
	default:
		snprintf(out, outlen, "%.*s", (int)rep->len, rep->str);
	}
	freeReplyObject(rep);
	redisFree(c);
}
