/* cgi-start.c: times a CGI program from exec to the end of its answer, over a bounded number of runs. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * Usage: cgi-start RUNS EXPECT PROGRAM [ARG...]
 *
 * Runs PROGRAM RUNS times (1..100000) with this process's environment (the
 * caller sets the CGI variables), stdin on /dev/null and stdout on a pipe,
 * reads the pipe to EOF and reaps the child.  Prints one line per run: the
 * wall time in nanoseconds from just before posix_spawn to after the child
 * is reaped, and the child's CPU time (user + system, from wait4) in
 * nanoseconds: on a busy machine the wall time includes waiting for a core,
 * the CPU time does not.
 * Every answer must contain EXPECT (e.g. "Status: 401") and the child must
 * exit 0; otherwise it stops with exit status 1, after printing the answer.
 * A run that takes longer than 10 s is killed and fails the same way.
 */

#define RUNS_MAX 100000
#define OUT_MAX (256 * 1024)
#define RUN_TIMEOUT_NS (10LL * 1000 * 1000 * 1000)

extern char **environ;

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Strict decimal in [1, RUNS_MAX]; -1 otherwise. */
static long
parse_runs(const char *s)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > RUNS_MAX)
			return -1;
	}
	return v >= 1 ? v : -1;
}

static int64_t
tv_ns(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000000000 + (int64_t)tv->tv_usec * 1000;
}

/*
 * One run: spawns argv, collects at most OUT_MAX bytes of stdout into out
 * (NUL-terminated), reaps it, stores its CPU time in *cpu_ns.  Returns the
 * elapsed ns, or -1 on failure with a message on stderr.
 */
static int64_t
run_once(char **argv, char *out, size_t *outlen, int64_t *cpu_ns)
{
	struct rusage ru;
	posix_spawn_file_actions_t fa;
	int pfd[2] = { -1, -1 };
	pid_t pid = -1;
	int64_t t0, elapsed = -1;
	size_t len = 0;
	int status, rc;

	*outlen = 0;
	out[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		perror("cgi-start: pipe2");
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);

	t0 = now_ns();
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	close(pfd[1]);
	if (rc != 0) {
		fprintf(stderr, "cgi-start: cannot run %s: %s\n", argv[0], strerror(rc));
		pid = -1;
		goto out;
	}
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int64_t left = RUN_TIMEOUT_NS - (now_ns() - t0);
		ssize_t n;
		char sink[4096];

		if (left <= 0) {
			errno = ETIMEDOUT;
			goto give_up;
		}
		rc = poll(&p, 1, (int)(left / 1000000) + 1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			goto give_up;
		if (rc == 0)
			continue;
		if (len < OUT_MAX - 1)
			n = read(pfd[0], out + len, OUT_MAX - 1 - len);
		else
			n = read(pfd[0], sink, sizeof sink);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto give_up;
		if (n == 0)
			break;
		if (len < OUT_MAX - 1)
			len += (size_t)n;
	}
	if (wait4(pid, &status, 0, &ru) != pid) {
		perror("cgi-start: wait4");
		pid = -1;
		goto out;
	}
	elapsed = now_ns() - t0;
	*cpu_ns = tv_ns(&ru.ru_utime) + tv_ns(&ru.ru_stime);
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "cgi-start: the program ended with status 0x%x\n", status);
		elapsed = -1;
	}
	goto out;
give_up:
	perror("cgi-start: reading the answer");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	pid = -1;
out:
	out[len] = '\0';
	*outlen = len;
	close(pfd[0]);
	posix_spawn_file_actions_destroy(&fa);
	return elapsed;
}

int
main(int argc, char **argv)
{
	static char out[OUT_MAX];
	size_t outlen;
	long runs;

	if (argc < 4 || (runs = parse_runs(argv[1])) < 0) {
		fprintf(stderr, "usage: cgi-start RUNS(1..%d) EXPECT PROGRAM [ARG...]\n", RUNS_MAX);
		return 2;
	}
	for (long i = 0; i < runs; i++) {
		int64_t cpu_ns = 0;
		int64_t ns = run_once(argv + 3, out, &outlen, &cpu_ns);

		if (ns < 0 || strstr(out, argv[2]) == NULL) {
			fprintf(stderr, "cgi-start: run %ld: %s; the answer was:\n", i + 1,
			    ns < 0 ? "failed" : "the expected text is missing");
			fwrite(out, 1, outlen, stderr);
			fputc('\n', stderr);
			return 1;
		}
		printf("%lld %lld\n", (long long)ns, (long long)cpu_ns);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
