/* shm_fixture.h: what the tests of the shared tables (throttle, revocation list) share: a private directory, the table's path in it, and a process that holds the file's lock. */
#ifndef OB_SHM_FIXTURE_H
#define OB_SHM_FIXTURE_H

#include <sys/types.h>

/* The test's directory and the table file in it (a test may point shm_path elsewhere). */
extern char shm_dir[256];
extern char shm_path[300];

/* Makes shm_dir ($TMPDIR/<name>.XXXXXX) and sets shm_path to shm_dir/<file>. */
void shm_fixture_setup(const char *name, const char *file);

/* Kills a lock holder still running, removes shm_path, shm_dir/link and shm_dir. */
void shm_fixture_teardown(void);

/*
 * Forks a child that takes an OFD write lock on shm_path and keeps it until
 * killed (or for 30 s at most); returns its pid once it holds the lock.
 */
pid_t shm_fixture_hold_lock(void);

/* Kills the holder and reaps it, as a crash would end it. */
void shm_fixture_release(pid_t pid);

#endif
