/* throttle_scenarios.h: the login throttle's rules as a table of steps, run against every engine (test_throttle on the shared table, test_state_redis on both engines of state.h). */
#ifndef OB_THROTTLE_SCENARIOS_H
#define OB_THROTTLE_SCENARIOS_H

#include <stddef.h>
#include <stdint.h>

#include "throttle.h"

/*
 * Scenarios, one table row per step, all with the limits THROTTLE_SMALL: a pair
 * blocks at 3 failures, an address at 5, a login at 8 (from addresses not
 * known good), within 60 seconds.  A row is a failure, a success, or a
 * check with the expected answer (0: allowed, else the Retry-After).
 */
extern const struct throttle_limits THROTTLE_SMALL;

enum op { END = 0, FAIL, OK, CHECK };
struct step {
	enum op     op;
	const char *login;
	const char *addr;
	int64_t     now;
	long        retry;   /* CHECK: 0 allowed, else blocked with this Retry-After */
};
struct scenario {
	const char *name;
	struct step steps[24];
};

extern const struct scenario throttle_scenarios[];
extern const size_t throttle_nscenarios;

#endif
