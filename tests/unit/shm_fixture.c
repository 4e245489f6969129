/* shm_fixture.c: the directory, path and lock holder of the shared-table tests (see shm_fixture.h). */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shm_fixture.h"

char shm_dir[256];
char shm_path[300];
static pid_t holder = -1;   /* killed by teardown whatever happens to the test */

void
shm_fixture_setup(const char *name, const char *file)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(shm_dir, sizeof(shm_dir), "%s/%s.XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : P_tmpdir, name);
	cr_assert_not_null(mkdtemp(shm_dir), "mkdtemp: %s", strerror(errno));
	snprintf(shm_path, sizeof(shm_path), "%s/%s", shm_dir, file);
}

void
shm_fixture_teardown(void)
{
	char p2[320];

	if (holder > 0)
		shm_fixture_release(holder);
	unlink(shm_path);
	snprintf(p2, sizeof(p2), "%s/link", shm_dir);
	unlink(p2);
	rmdir(shm_dir);
}

pid_t
shm_fixture_hold_lock(void)
{
	int ready[2];
	char c;
	pid_t pid;

	cr_assert_eq(pipe(ready), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int fd = open(shm_path, O_RDWR);
		if (fd < 0 || fcntl(fd, F_OFD_SETLK, &fl) != 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		alarm(30);   /* never outlives a broken test run for long */
		for (;;)
			pause();
	}
	holder = pid;
	close(ready[1]);
	cr_assert_eq(read(ready[0], &c, 1), 1, "the child could not take the lock");
	close(ready[0]);
	return pid;
}

void
shm_fixture_release(pid_t pid)
{
	int status;

	cr_assert_eq(kill(pid, SIGKILL), 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	holder = -1;
}
