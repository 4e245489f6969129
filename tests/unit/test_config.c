/* test_config.c: unit tests for config.c: defaults, file parsing, precedence, each validation message. */
#undef NDEBUG
#include "autoconfig.h"
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#define SECRET "JWT_SECRET=0123456789abcdef0123456789abcdef"

Test(config, defaults)
{
	char *env[] = { "ODOO_PASSWORD=admin", SECRET, NULL };
	struct config cfg;
	struct config_error err;

	cr_assert(config_load(&cfg, NULL, env, &err), "%s", err.msg);
	cr_assert_str_eq(cfg.odoo_url, "http://localhost:8069");
	cr_assert_str_eq(cfg.odoo_db, "odoo_pelotazo");
	cr_assert_str_eq(cfg.odoo_username, "admin");
	cr_assert_eq(cfg.odoo_timeout_ms, 10000);
	cr_assert_eq(cfg.jwt_ttl, 1800);
	cr_assert_str_eq(cfg.jwt_issuer, "odoo-bridge");
	cr_assert_eq(cfg.max_body, 1048576);
	cr_assert_eq(cfg.log_level, LOG_INFO);
	cr_assert_eq(cfg.n_cors_origins, 0);
	cr_assert_not_null(cfg.throttle_file);
	cr_assert(strstr(cfg.throttle_file, "odoo-bridge") != NULL);
	cr_assert_eq(cfg.auth_mode, AUTH_USER, "users act with their own rights by default");
	cr_assert_eq(cfg.n_login_groups, 1);
	cr_assert_str_eq(cfg.login_groups[0], "sales_team.group_sale_salesman");
	cr_assert_null(cfg.login_groups[1]);
	cr_assert_str_eq(cfg.credential_key, "", "no CREDENTIAL_KEY: derived from JWT_SECRET");
	cr_assert_eq(cfg.login_max_failures_login, 50);
	cr_assert(strstr(cfg.revoke_file, "odoo-bridge") != NULL && strstr(cfg.revoke_file, ".revoked") != NULL);
	cr_assert_eq(cfg.odoo_protocol, ODOO_PROTO_AUTO);
	cr_assert_str_eq(cfg.odoo_api_key, "", "no ODOO_API_KEY");
	config_free(&cfg);
	config_free(&cfg);
}

Test(config, odoo_protocol)
{
	static const struct { const char *v; enum odoo_protocol p; } ok[] = {
		{ "ODOO_PROTOCOL=auto", ODOO_PROTO_AUTO },
		{ "ODOO_PROTOCOL=xmlrpc", ODOO_PROTO_XMLRPC },
		{ "ODOO_PROTOCOL=json2", ODOO_PROTO_JSON2 },
	};
	struct config cfg;
	struct config_error err;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char *env[] = { "ODOO_PASSWORD=admin", SECRET, (char *)ok[i].v,
		                "ODOO_API_KEY=0123456789abcdef0123456789abcdef01234567", NULL };

		cr_assert(config_load(&cfg, NULL, env, &err), "%s", err.msg);
		cr_assert_eq(cfg.odoo_protocol, ok[i].p, "%s", ok[i].v);
		cr_assert_str_eq(cfg.odoo_api_key, "0123456789abcdef0123456789abcdef01234567");
		config_free(&cfg);
	}
}

Test(config, auth_settings)
{
	char *env[] = { "ODOO_PASSWORD=admin", SECRET, "AUTH_MODE=service",
	                "LOGIN_GROUPS= sales_team.group_sale_manager , base.group_system,",
	                "CREDENTIAL_KEY=fedcba9876543210fedcba9876543210", NULL };
	struct config cfg;
	struct config_error err;

	cr_assert(config_load(&cfg, NULL, env, &err), "%s", err.msg);
	cr_assert_eq(cfg.auth_mode, AUTH_SERVICE);
	cr_assert_eq(cfg.n_login_groups, 2);
	cr_assert_str_eq(cfg.login_groups[0], "sales_team.group_sale_manager");
	cr_assert_str_eq(cfg.login_groups[1], "base.group_system");
	cr_assert_null(cfg.login_groups[2]);
	cr_assert_str_eq(cfg.credential_key, "fedcba9876543210fedcba9876543210");
	config_free(&cfg);
}

/* One row per invalid setting: the environment and the start of the message. */
struct bad_case { char env[3][128]; char want[96]; };

static const struct bad_case bad_cases[] = {
	{ { "ODOO_PASSWORD=x", SECRET, "ODOO_PROTOCOL=jsonrpc" }, "ODOO_PROTOCOL: 'jsonrpc' is not one of auto, xmlrpc, json2" },
	{ { "ODOO_PASSWORD=x", SECRET, "ODOO_FAST_PATH=yes" }, "ODOO_FAST_PATH: 'yes' is not one of on, off" },
	{ { SECRET }, "ODOO_PASSWORD is required but not set" },
	{ { "ODOO_PASSWORD=x" }, "JWT_SECRET is required but not set" },
	{ { "ODOO_PASSWORD=x", "JWT_SECRET=short" }, "JWT_SECRET: must be at least 32 bytes long" },
	{ { "ODOO_PASSWORD=", SECRET }, "ODOO_PASSWORD is required but not set" },
	{ { "ODOO_PASSWORD=x", SECRET, "ODOO_URL=localhost:8069" }, "ODOO_URL: 'localhost:8069' is not an http:// or https:// URL" },
	{ { "ODOO_PASSWORD=x", SECRET, "ODOO_URL=http://" }, "ODOO_URL: 'http://' is not an http:// or https:// URL" },
	{ { "ODOO_PASSWORD=x", SECRET, "ODOO_URL=ftp://odoo" }, "ODOO_URL: 'ftp://odoo' is not" },
	{ { "ODOO_PASSWORD=x", SECRET, "ODOO_TIMEOUT_MS=10s" }, "ODOO_TIMEOUT_MS: '10s' is not a whole number from 100 to 600000" },
	{ { "ODOO_PASSWORD=x", SECRET, "ODOO_TIMEOUT_MS=50" }, "ODOO_TIMEOUT_MS: '50' is not a whole number" },
	{ { "ODOO_PASSWORD=x", SECRET, "JWT_TTL=-1" }, "JWT_TTL: '-1' is not a whole number from 1 to 604800" },
	{ { "ODOO_PASSWORD=x", SECRET, "JWT_TTL=0" }, "JWT_TTL: '0' is not a whole number from 1 to 604800" },
	{ { "ODOO_PASSWORD=x", SECRET, "JWT_ISSUER=" }, "JWT_ISSUER: must not be empty" },
	{ { "ODOO_PASSWORD=x", SECRET, "ODOO_DB=" }, "ODOO_DB: must not be empty" },
	{ { "ODOO_PASSWORD=x", SECRET, "MAX_BODY=1e6" }, "MAX_BODY: '1e6' is not a whole number from 1024 to 67108864" },
	{ { "ODOO_PASSWORD=x", SECRET, "LOG_LEVEL=verbose" }, "LOG_LEVEL: 'verbose' is not one of error, warn, info, debug" },
	{ { "ODOO_PASSWORD=x", SECRET, "CORS_ORIGINS=https://a.example,foo" }, "CORS_ORIGINS: 'foo' is not an origin" },
	{ { "ODOO_PASSWORD=x", SECRET, "CORS_ORIGINS=https://a.example/app" }, "CORS_ORIGINS: 'https://a.example/app' is not an origin" },
	{ { "ODOO_PASSWORD=x", SECRET, "LIST_MAX=0" }, "LIST_MAX: '0' is not a whole number from 1 to 10000" },
	{ { "ODOO_PASSWORD=x", SECRET, "LOGIN_WINDOW=abc" }, "LOGIN_WINDOW: 'abc' is not a whole number" },
	{ { "ODOO_PASSWORD=x", SECRET, "LOGIN_MAX_FAILURES=65" }, "LOGIN_MAX_FAILURES: '65' is not a whole number from 1 to 64" },
	{ { "ODOO_PASSWORD=x", SECRET, "LOGIN_MAX_FAILURES_ADDR=0" }, "LOGIN_MAX_FAILURES_ADDR: '0' is not a whole number from 1 to 64" },
};

ParameterizedTestParameters(config, invalid_values)
{
	return cr_make_param_array(struct bad_case, (void *)bad_cases, sizeof bad_cases / sizeof bad_cases[0]);
}

ParameterizedTest(const struct bad_case *c, config, invalid_values)
{
	char *env[4] = { NULL };
	struct config cfg;
	struct config_error err;
	size_t i, n = 0;

	for (i = 0; i < 3; i++)
		if (c->env[i][0])
			env[n++] = (char *)c->env[i];
	cr_assert(!config_load(&cfg, NULL, env, &err), "expected failure for %s", c->want);
	cr_assert(strncmp(err.msg, c->want, strlen(c->want)) == 0, "got '%s', want '%s'", err.msg, c->want);
	cr_assert_null(strstr(err.msg, "0123456789abcdef"), "a secret must never be printed");
	config_free(&cfg);
}

static char *
write_file(const char *text, mode_t mode)
{
	char *path = strdup("/tmp/ob-test-config-XXXXXX");
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cr_assert_eq(chmod(path, mode), 0);
	return path;
}

Test(config, file_and_precedence)
{
	char *path = write_file(
	    "# odoo-bridge settings\n"
	    "\n"
	    "export ODOO_URL=http://odoo.internal:8069/\n"
	    "ODOO_DB = 'prod db'\n"
	    "ODOO_PASSWORD=\"p#ss \\\"word\\\"\"\n"
	    SECRET "  # trailing comment\n"
	    "ODOO_TIMEOUT_MS=5000\n"
	    "CORS_ORIGINS=https://admin.example.com, http://localhost:5173\n"
	    "SOMETHING_ELSE=ignored\n", 0600);
	char *env[] = { "ODOO_TIMEOUT_MS=2500", NULL };
	struct config cfg;
	struct config_error err;

	cr_assert(config_load(&cfg, path, env, &err), "%s", err.msg);
	cr_assert_str_eq(cfg.odoo_url, "http://odoo.internal:8069", "trailing slash trimmed");
	cr_assert_str_eq(cfg.odoo_db, "prod db");
	cr_assert_str_eq(cfg.odoo_password, "p#ss \"word\"");
	cr_assert_str_eq(cfg.jwt_secret, "0123456789abcdef0123456789abcdef");
	cr_assert_eq(cfg.odoo_timeout_ms, 2500, "the environment wins over the file");
	cr_assert_eq(cfg.n_cors_origins, 2);
	cr_assert(config_origin_allowed(&cfg, "http://localhost:5173"));
	cr_assert(config_origin_allowed(&cfg, "https://admin.example.com"));
	cr_assert(!config_origin_allowed(&cfg, "https://evil.example.com"));
	cr_assert(!config_origin_allowed(&cfg, NULL));
	cr_assert_str_eq(cfg.config_file, path);
	config_free(&cfg);
	unlink(path);
	free(path);
}

/* RESOURCES_FILE: relative to the configuration file's directory when it comes from the file. */
Test(config, resources_file_path)
{
	char *path = write_file("ODOO_PASSWORD=x\n" SECRET "\nRESOURCES_FILE=conf.d/resources.json\n", 0600);
	char *abs = write_file("ODOO_PASSWORD=x\n" SECRET "\nRESOURCES_FILE=/etc/r.json\n", 0600);
	char *env[] = { "ODOO_PASSWORD=admin", SECRET, NULL };
	char *env_rel[] = { "RESOURCES_FILE=here.json", NULL };
	struct config cfg;
	struct config_error err;

	cr_assert(config_load(&cfg, NULL, env, &err), "%s", err.msg);
	cr_assert_str_eq(cfg.resources_file, "", "empty: the compiled-in table");
	config_free(&cfg);
	cr_assert(config_load(&cfg, path, env + 2, &err), "%s", err.msg);
	cr_assert_str_eq(cfg.resources_file, "/tmp/conf.d/resources.json");
	config_free(&cfg);
	cr_assert(config_load(&cfg, abs, env + 2, &err), "%s", err.msg);
	cr_assert_str_eq(cfg.resources_file, "/etc/r.json");
	config_free(&cfg);
	/* From the environment: as given (the working directory's). */
	cr_assert(config_load(&cfg, path, env_rel, &err), "%s", err.msg);
	cr_assert_str_eq(cfg.resources_file, "here.json");
	config_free(&cfg);
	unlink(path);
	unlink(abs);
	free(path);
	free(abs);
}

Test(config, file_from_env_variable)
{
	char *path = write_file("ODOO_PASSWORD=x\n" SECRET "\nODOO_DB=fromfile\n", 0600);
	char var[256];
	char *env[] = { var, NULL };
	struct config cfg;
	struct config_error err;

	snprintf(var, sizeof var, "ODOO_BRIDGE_CONFIG=%s", path);
	cr_assert(config_load(&cfg, NULL, env, &err), "%s", err.msg);
	cr_assert_str_eq(cfg.odoo_db, "fromfile");
	config_free(&cfg);
	unlink(path);
	free(path);
}

/* write_file, then owner and group set through the open file (as root). */
static char *
write_owned_file(const char *text, mode_t mode, uid_t uid, gid_t gid)
{
	char *path = write_file(text, mode);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert(fd >= 0);
	cr_assert_eq(fchown(fd, uid, gid), 0, "fchown: %s", strerror(errno));
	cr_assert_eq(fchmod(fd, mode), 0, "fchown may clear bits: set the mode again");
	close(fd);
	return path;
}

/* Loads path alone; want NULL means it must load, else the error must hold want. */
static void
check_secret_file(const char *path, const char *want, const char *what)
{
	char *env[] = { NULL };
	struct config cfg;
	struct config_error err;
	bool ok = config_load(&cfg, path, env, &err);

	if (want == NULL) {
		cr_assert(ok, "%s: %s", what, err.msg);
	} else {
		cr_assert(!ok, "%s: accepted", what);
		cr_assert(strstr(err.msg, want) != NULL, "%s: %s", what, err.msg);
		cr_assert(strstr(err.msg, path) != NULL, "%s: names the file: %s", what, err.msg);
		cr_assert(strstr(err.msg, "mode ") != NULL, "%s: says the mode: %s", what, err.msg);
		cr_assert_null(strchr(err.msg, '\n'), "%s: one line", what);
		cr_assert_null(strstr(err.msg, "0123456789abcdef"), "%s: a secret must never be printed", what);
	}
	config_free(&cfg);
}

#define SECRET_FILE "ODOO_PASSWORD=x\n" SECRET "\n"
#define REFUSED "holds a secret but is accessible by group or others"
/* A group and a user nobody on a test machine has. */
#define OTHER_GID ((gid_t)54321)
#define OTHER_UID ((uid_t)54321)

/* Files the test process owns: no root needed. */
Test(config, secret_file_modes)
{
	static const struct { mode_t mode; const char *want; const char *what; } cases[] = {
		{ 0600, NULL, "0600, ours" },
		{ 0400, NULL, "0400, ours" },
		{ 0644, REFUSED, "world-readable" },
		{ 0604, REFUSED, "readable by others only" },
		{ 0602, REFUSED, "world-writable" },
		{ 0660, REFUSED, "group-writable" },
		{ 0620, REFUSED, "group-writable, not group-readable" },
		{ 0610, REFUSED, "group-executable" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *path = write_file(SECRET_FILE, cases[i].mode);
		check_secret_file(path, cases[i].want, cases[i].what);
		unlink(path);
		free(path);
	}
	if (geteuid() != 0) {
		/* Group-readable is for files root owns only. */
		char *path = write_file(SECRET_FILE, 0640);
		check_secret_file(path, REFUSED, "0640, owned by us (not root)");
		unlink(path);
		free(path);
	}
}

/*
 * Group-readable: only when root owns the file and the program runs with its
 * group (0640 root:www-data read by the web server's processes).  The unit
 * tests run as root, which may give a file any owner; each test runs in a
 * process of its own, so changing our groups or euid here is harmless.
 */
Test(config, secret_file_group_readable)
{
	gid_t supplementary[1] = { OTHER_GID };
	char *path;

	if (geteuid() != 0)
		cr_skip_test("needs root to give files other owners");

	path = write_owned_file(SECRET_FILE, 0640, 0, getegid());
	check_secret_file(path, NULL, "0640 root:our group");
	unlink(path);
	free(path);

	path = write_owned_file(SECRET_FILE, 0640, 0, OTHER_GID);
	check_secret_file(path, REFUSED, "0640 root:another group");
	cr_assert_eq(setgroups(1, supplementary), 0, "setgroups: %s", strerror(errno));
	check_secret_file(path, NULL, "0640 root:one of our supplementary groups");
	cr_assert_eq(setgroups(0, NULL), 0);
	unlink(path);
	free(path);

	path = write_owned_file(SECRET_FILE, 0644, 0, getegid());
	check_secret_file(path, REFUSED, "0644 root:our group (world-readable)");
	unlink(path);
	free(path);

	path = write_owned_file(SECRET_FILE, 0660, 0, getegid());
	check_secret_file(path, REFUSED, "0660 root:our group (group-writable)");
	unlink(path);
	free(path);
}

Test(config, secret_file_owner)
{
	char *path;

	if (geteuid() != 0)
		cr_skip_test("needs root to give files other owners");

	path = write_owned_file(SECRET_FILE, 0600, OTHER_UID, getegid());
	check_secret_file(path, "holds a secret but is owned by another user than root or the one the program runs as",
	    "0600, owned by someone else");
	/* The same file, read by a program running as its owner. */
	cr_assert_eq(seteuid(OTHER_UID), 0, "seteuid: %s", strerror(errno));
	check_secret_file(path, NULL, "0600, owned by our euid");
	cr_assert_eq(seteuid(0), 0);
	unlink(path);
	free(path);

	/* Group-readable owned by our (non-root) euid, with our group: refused. */
	path = write_owned_file(SECRET_FILE, 0640, OTHER_UID, getegid());
	cr_assert_eq(seteuid(OTHER_UID), 0, "seteuid: %s", strerror(errno));
	check_secret_file(path, REFUSED, "0640 owned by our non-root euid");
	cr_assert_eq(seteuid(0), 0);
	unlink(path);
	free(path);
}

Test(config, readable_file_without_secret_accepted)
{
	char *path = write_file("ODOO_DB=shared\n", 0644);
	char *env[] = { "ODOO_PASSWORD=x", SECRET, NULL };
	struct config cfg;
	struct config_error err;

	cr_assert(config_load(&cfg, path, env, &err), "%s", err.msg);
	cr_assert_str_eq(cfg.odoo_db, "shared");
	config_free(&cfg);
	unlink(path);
	free(path);
}

Test(config, file_errors)
{
	char *path = write_file("ODOO_PASSWORD='unterminated\n", 0600);
	char *path2 = write_file("JUSTAWORD\n", 0600);
	char *env[] = { NULL };
	struct config cfg;
	struct config_error err;

	cr_assert(!config_load(&cfg, path, env, &err));
	cr_assert(strstr(err.msg, ":1: unterminated quote") != NULL, "%s", err.msg);
	config_free(&cfg);
	cr_assert(!config_load(&cfg, path2, env, &err));
	cr_assert(strstr(err.msg, ":1: expected KEY=VALUE") != NULL, "%s", err.msg);
	config_free(&cfg);
	cr_assert(!config_load(&cfg, "/nonexistent/odoo-bridge.conf", env, &err));
	cr_assert(strstr(err.msg, "cannot open config file") != NULL, "%s", err.msg);
	config_free(&cfg);
	unlink(path);
	unlink(path2);
	free(path);
	free(path2);
}

Test(config, cors_star)
{
	char *env[] = { "ODOO_PASSWORD=x", SECRET, "CORS_ORIGINS=*", NULL };
	struct config cfg;
	struct config_error err;

	cr_assert(config_load(&cfg, NULL, env, &err), "%s", err.msg);
	cr_assert(cfg.cors_any);
	cr_assert(config_origin_allowed(&cfg, "https://anything.example"));
	cr_assert(!config_origin_allowed(&cfg, ""));
	config_free(&cfg);
}

Test(config, odoo_fast_path)
{
	char *on[] = { "ODOO_PASSWORD=admin", SECRET, NULL };
	char *off[] = { "ODOO_PASSWORD=admin", SECRET, "ODOO_FAST_PATH=off", NULL };
	struct config cfg;
	struct config_error err;

	cr_assert(config_load(&cfg, NULL, on, &err), "%s", err.msg);
	cr_assert(cfg.odoo_fast_path, "on by default");
	config_free(&cfg);
	cr_assert(config_load(&cfg, NULL, off, &err), "%s", err.msg);
	cr_assert_not(cfg.odoo_fast_path);
	config_free(&cfg);
}

Test(config, metrics_settings)
{
	char *defaults[] = { "ODOO_PASSWORD=admin", SECRET, NULL };
	char *set[] = { "ODOO_PASSWORD=admin", SECRET, "METRICS_ALLOW= 192.0.2.0/24 , 2001:db8::1 ",
	                "METRICS_TOKEN=0123456789abcdef", "METRICS_FILE=/tmp/x.metrics", NULL };
	char *none[] = { "ODOO_PASSWORD=admin", SECRET, "METRICS_ALLOW=", NULL };
	static const struct { const char *v, *msg; } bad[] = {
		{ "METRICS_ALLOW=127.0.0.1/33", "METRICS_ALLOW: '127.0.0.1/33' is not an IP address or network (address/prefix)" },
		{ "METRICS_ALLOW=localhost", "METRICS_ALLOW: 'localhost' is not an IP address or network (address/prefix)" },
		{ "METRICS_TOKEN=short", "METRICS_TOKEN: must be at least 16 bytes long" },
	};
	struct config cfg;
	struct config_error err;

	cr_assert(config_load(&cfg, NULL, defaults, &err), "%s", err.msg);
	cr_assert(strstr(cfg.metrics_file, "/dev/shm/odoo-bridge-") == cfg.metrics_file &&
	          strstr(cfg.metrics_file, ".metrics") != NULL, "%s", cfg.metrics_file);
	cr_assert_eq(cfg.metrics_allow.n, 2, "loopback, both families");
	cr_assert(netlist_match(&cfg.metrics_allow, "127.0.0.1") && netlist_match(&cfg.metrics_allow, "::1"));
	cr_assert_not(netlist_match(&cfg.metrics_allow, "192.0.2.1"));
	cr_assert_str_eq(cfg.metrics_token, "", "no token by default");
	config_free(&cfg);
	cr_assert_eq(cfg.metrics_allow.n, 0);

	cr_assert(config_load(&cfg, NULL, set, &err), "%s", err.msg);
	cr_assert_str_eq(cfg.metrics_file, "/tmp/x.metrics");
	cr_assert(netlist_match(&cfg.metrics_allow, "192.0.2.200") && netlist_match(&cfg.metrics_allow, "2001:db8::1"));
	cr_assert_not(netlist_match(&cfg.metrics_allow, "127.0.0.1"), "the list replaces loopback");
	cr_assert_str_eq(cfg.metrics_token, "0123456789abcdef");
	config_free(&cfg);

	cr_assert(config_load(&cfg, NULL, none, &err), "%s", err.msg);
	cr_assert_eq(cfg.metrics_allow.n, 0, "empty: no address, METRICS_TOKEN only");
	config_free(&cfg);

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *env[] = { "ODOO_PASSWORD=admin", SECRET, (char *)bad[i].v, NULL };
		cr_assert_not(config_load(&cfg, NULL, env, &err), "%s accepted", bad[i].v);
		cr_assert_str_eq(err.msg, bad[i].msg);
		config_free(&cfg);
	}
}

Test(config, redis_settings)
{
	char *env[] = { "ODOO_PASSWORD=admin", SECRET, "REDIS_URL=redis://:pw@10.0.0.5:6380/2",
	                "REDIS_PREFIX=site-a:", "REDIS_TIMEOUT_MS=50", NULL };
	char *defaults[] = { "ODOO_PASSWORD=admin", SECRET, NULL };
	struct config cfg;
	struct config_error err;

	cr_assert(config_load(&cfg, NULL, defaults, &err), "%s", err.msg);
	cr_assert_str_eq(cfg.redis_url, "", "no REDIS_URL: the state stays on this host");
	cr_assert_str_eq(cfg.redis_prefix, "odoo-bridge:");
	cr_assert_eq(cfg.redis_timeout_ms, 200);
	config_free(&cfg);
#ifdef HAVE_HIREDIS
	cr_assert(config_load(&cfg, NULL, env, &err), "%s", err.msg);
	cr_assert_str_eq(cfg.redis_url, "redis://:pw@10.0.0.5:6380/2");
	cr_assert_str_eq(cfg.redis_prefix, "site-a:");
	cr_assert_eq(cfg.redis_timeout_ms, 50);
#else
	cr_assert_not(config_load(&cfg, NULL, env, &err));
	cr_assert(strstr(err.msg, "without Redis support") != NULL, "%s", err.msg);
#endif
	config_free(&cfg);
}

Test(config, redis_url_refused_without_repeating_it)
{
	static const char *const bad[] = {
		"REDIS_URL=rediss://:hunter2@10.0.0.5",
		"REDIS_URL=http://:hunter2@10.0.0.5",
		"REDIS_URL=redis://:hunter2@10.0.0.5:99999",
	};
	struct config cfg;
	struct config_error err;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *env[] = { "ODOO_PASSWORD=admin", SECRET, (char *)bad[i], NULL };

		cr_assert_not(config_load(&cfg, NULL, env, &err), "%s accepted", bad[i]);
		cr_assert(strncmp(err.msg, "REDIS_URL: ", 11) == 0, "%s", err.msg);
		cr_assert_null(strstr(err.msg, "hunter2"), "the password in the message: %s", err.msg);
		config_free(&cfg);
	}
	{
		char *env[] = { "ODOO_PASSWORD=admin", SECRET, "REDIS_TIMEOUT_MS=5", NULL };
		cr_assert_not(config_load(&cfg, NULL, env, &err));
		cr_assert(strstr(err.msg, "REDIS_TIMEOUT_MS") != NULL, "%s", err.msg);
		config_free(&cfg);
	}
}

#ifdef HAVE_HIREDIS
/* A REDIS_URL with a password makes the file hold a secret; one without does not. */
Test(config, redis_password_in_a_file_is_a_secret)
{
	char *env[] = { "ODOO_PASSWORD=admin", SECRET, NULL };
	struct config cfg;
	struct config_error err;
	char *path = write_file("REDIS_URL=redis://:pw@10.0.0.5\n", 0644);

	cr_assert_not(config_load(&cfg, path, env, &err));
	cr_assert(strstr(err.msg, REFUSED) != NULL, "%s", err.msg);
	config_free(&cfg);
	unlink(path);
	free(path);
	path = write_file("REDIS_URL=redis://10.0.0.5\n", 0644);
	cr_assert(config_load(&cfg, path, env, &err), "%s", err.msg);
	config_free(&cfg);
	unlink(path);
	free(path);
}
#endif
