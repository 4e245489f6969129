/* throttle_scenarios.c: the table of throttle_scenarios.h. */
#include "autoconfig.h"

#include "throttle_scenarios.h"
#include "util.h"

const struct throttle_limits THROTTLE_SMALL = { 3, 5, 8, 60 };

#define DAYS30 (30L * 86400)

const struct scenario throttle_scenarios[] = {
	{ "the pair's window and Retry-After", {
		{ FAIL, "admin", "192.0.2.1", 1000, 0 }, { FAIL, "admin", "192.0.2.1", 1010, 0 },
		{ CHECK, "admin", "192.0.2.1", 1011, 0 },
		{ FAIL, "admin", "192.0.2.1", 1020, 0 },
		{ CHECK, "admin", "192.0.2.1", 1030, 30 },   /* the failure at 1000 leaves at 1060 */
		{ CHECK, "admin", "192.0.2.1", 1059, 1 },
		{ CHECK, "admin", "192.0.2.1", 1060, 0 },
		{ CHECK, "admin", "192.0.2.2", 1030, 0 },    /* the same login from elsewhere */
		{ CHECK, "demo", "192.0.2.1", 1030, 0 },     /* another login from there: 3 < 5 */
	} },
	{ "logins are case-insensitive", {
		{ FAIL, "Admin", "192.0.2.1", 1000, 0 }, { FAIL, "ADMIN", "192.0.2.1", 1000, 0 },
		{ FAIL, "admin", "192.0.2.1", 1000, 0 },
		{ CHECK, "aDmIn", "192.0.2.1", 1001, 59 },
		{ CHECK, "admin2", "192.0.2.1", 1001, 0 },
	} },
	{ "the address counts across logins", {
		{ FAIL, "u0", "198.51.100.7", 1000, 0 }, { FAIL, "u1", "198.51.100.7", 1001, 0 },
		{ FAIL, "u2", "198.51.100.7", 1002, 0 }, { FAIL, "u3", "198.51.100.7", 1003, 0 },
		{ CHECK, "fresh", "198.51.100.7", 1010, 0 },
		{ FAIL, "u4", "198.51.100.7", 1004, 0 },
		{ CHECK, "fresh", "198.51.100.7", 1010, 50 },
		{ CHECK, "fresh", "198.51.100.8", 1010, 0 },
		{ CHECK, "fresh", "198.51.100.7", 1060, 0 },
	} },
	{ "distributed guessing: one failure from each of 8 addresses blocks new ones", {
		{ FAIL, "admin", "203.0.113.1", 1000, 0 }, { FAIL, "admin", "203.0.113.2", 1001, 0 },
		{ FAIL, "admin", "203.0.113.3", 1002, 0 }, { FAIL, "admin", "203.0.113.4", 1003, 0 },
		{ FAIL, "admin", "203.0.113.5", 1004, 0 }, { FAIL, "admin", "203.0.113.6", 1005, 0 },
		{ FAIL, "admin", "203.0.113.7", 1006, 0 },
		{ CHECK, "admin", "203.0.113.9", 1010, 0 },
		{ FAIL, "admin", "203.0.113.8", 1007, 0 },
		{ CHECK, "admin", "203.0.113.9", 1010, 50 },
		{ CHECK, "admin", "203.0.113.1", 1010, 50 },   /* an address that failed is not known good */
		{ CHECK, "demo", "203.0.113.9", 1010, 0 },
		{ CHECK, "admin", "203.0.113.9", 1060, 0 },    /* the failure at 1000 left */
	} },
	{ "the owner's known-good address passes the login-wide limit, not its pair limit", {
		{ OK, "admin", "192.0.2.50", 900, 0 },
		{ FAIL, "admin", "203.0.113.1", 1000, 0 }, { FAIL, "admin", "203.0.113.2", 1001, 0 },
		{ FAIL, "admin", "203.0.113.3", 1002, 0 }, { FAIL, "admin", "203.0.113.4", 1003, 0 },
		{ FAIL, "admin", "203.0.113.5", 1004, 0 }, { FAIL, "admin", "203.0.113.6", 1005, 0 },
		{ FAIL, "admin", "203.0.113.7", 1006, 0 }, { FAIL, "admin", "203.0.113.8", 1007, 0 },
		{ CHECK, "admin", "192.0.2.50", 1010, 0 },
		{ CHECK, "ADMIN", "192.0.2.50", 1010, 0 },
		{ CHECK, "admin", "192.0.2.51", 1010, 50 },
		{ FAIL, "admin", "192.0.2.50", 1011, 0 }, { FAIL, "admin", "192.0.2.50", 1012, 0 },
		{ FAIL, "admin", "192.0.2.50", 1013, 0 },
		{ CHECK, "admin", "192.0.2.50", 1014, 57 },
	} },
	{ "a success clears the pair, not the address nor the login-wide count", {
		{ FAIL, "admin", "203.0.113.1", 1000, 0 }, { FAIL, "admin", "203.0.113.1", 1001, 0 },
		{ FAIL, "admin", "203.0.113.1", 1002, 0 }, { FAIL, "admin", "203.0.113.3", 1003, 0 },
		{ FAIL, "admin", "203.0.113.4", 1004, 0 }, { FAIL, "admin", "203.0.113.5", 1005, 0 },
		{ FAIL, "admin", "203.0.113.6", 1006, 0 }, { FAIL, "admin", "203.0.113.7", 1007, 0 },
		{ FAIL, "x", "203.0.113.1", 1008, 0 },
		{ CHECK, "admin", "203.0.113.1", 1010, 50 },
		{ OK, "admin", "203.0.113.1", 1010, 0 },
		/* the pair's 3 failures are gone and it is known good; the address keeps its 4 */
		{ CHECK, "admin", "203.0.113.1", 1011, 0 },
		{ CHECK, "other", "203.0.113.1", 1011, 0 },
		{ FAIL, "z", "203.0.113.1", 1012, 0 },
		{ CHECK, "other", "203.0.113.1", 1013, 47 },   /* 5 failures there: 1000 leaves at 1060 */
		{ CHECK, "admin", "203.0.113.9", 1013, 47 },   /* login-wide still 8 */
		{ CHECK, "admin", "203.0.113.3", 1013, 47 },
	} },
	{ "the longest of the blocking waits", {
		{ FAIL, "admin", "192.0.2.1", 1000, 0 }, { FAIL, "admin", "192.0.2.1", 1001, 0 },
		{ FAIL, "admin", "192.0.2.1", 1002, 0 },
		{ FAIL, "u1", "192.0.2.1", 1020, 0 }, { FAIL, "u2", "192.0.2.1", 1021, 0 },
		{ FAIL, "u3", "192.0.2.1", 1022, 0 },
		{ CHECK, "admin", "192.0.2.1", 1030, 31 },   /* the address: 1001 leaves at 1061; the pair at 1060 */
		{ CHECK, "u1", "192.0.2.1", 1030, 31 },
	} },
	{ "a known-good mark lasts 30 days", {
		{ OK, "admin", "192.0.2.50", 1000, 0 },
		{ FAIL, "admin", "203.0.113.1", 1000 + DAYS30 - 10, 0 }, { FAIL, "admin", "203.0.113.2", 1000 + DAYS30 - 10, 0 },
		{ FAIL, "admin", "203.0.113.3", 1000 + DAYS30 - 10, 0 }, { FAIL, "admin", "203.0.113.4", 1000 + DAYS30 - 10, 0 },
		{ FAIL, "admin", "203.0.113.5", 1000 + DAYS30 - 10, 0 }, { FAIL, "admin", "203.0.113.6", 1000 + DAYS30 - 10, 0 },
		{ FAIL, "admin", "203.0.113.7", 1000 + DAYS30 - 10, 0 }, { FAIL, "admin", "203.0.113.8", 1000 + DAYS30 - 10, 0 },
		{ CHECK, "admin", "192.0.2.50", 1000 + DAYS30 - 1, 0 },
		{ CHECK, "admin", "192.0.2.50", 1000 + DAYS30, 50 },
		{ OK, "admin", "192.0.2.50", 1000 + DAYS30 + 1, 0 },   /* logging in again renews it */
		{ CHECK, "admin", "192.0.2.50", 1000 + DAYS30 + 2, 0 },
	} },
	{ "no address counts as one address", {
		{ FAIL, "admin", "", 1000, 0 }, { FAIL, "admin", NULL, 1000, 0 }, { FAIL, "admin", "", 1000, 0 },
		{ CHECK, "admin", NULL, 1001, 59 },
		{ CHECK, "admin", "192.0.2.1", 1001, 0 },
	} },
	{ "IPv6 counts per /64, IPv4-mapped IPv6 as IPv4", {
		{ FAIL, "admin", "2001:db8:1:2::1", 1000, 0 }, { FAIL, "admin", "2001:db8:1:2::ffff", 1001, 0 },
		{ FAIL, "admin", "2001:db8:1:2:aaaa::9", 1002, 0 },
		{ CHECK, "admin", "2001:db8:1:2::5", 1003, 57 },
		{ CHECK, "admin", "2001:db8:1:3::1", 1003, 0 },
		{ FAIL, "demo", "::ffff:192.0.2.9", 1000, 0 }, { FAIL, "demo", "::ffff:192.0.2.9", 1000, 0 },
		{ FAIL, "demo", "192.0.2.9", 1000, 0 },
		{ CHECK, "demo", "::ffff:192.0.2.9", 1001, 59 },
	} },
};

const size_t throttle_nscenarios = ARRAY_SIZE(throttle_scenarios);
