/* config.c: configuration from the environment and a KEY=VALUE file, validated once at start-up. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "lang.h"
#include "redis_url.h"

enum kind { K_STR, K_LONG, K_SIZE, K_URL, K_SECRET, K_ORIGINS, K_LEVEL, K_PATH, K_AUTHMODE, K_XMLIDS, K_PROTOCOL, K_ONOFF, K_NETS,
            K_REDIS };

/*
 * The settings: one row each.  Behaviour is data (CONVENTIONS.md): adding a
 * setting is a row here plus the struct field.
 */
struct setting {
	const char *name;
	enum kind   kind;
	const char *def;       /* default, NULL = required */
	long long   min, max;  /* K_LONG/K_SIZE range; K_SECRET/K_STR minimum length */
	size_t      off;       /* offset of the field in struct config */
};

#define OFF(f) offsetof(struct config, f)

static const struct setting settings[] = {
	{ "ODOO_URL",                K_URL,     "http://localhost:8069", 0, 0, OFF(odoo_url) },
	{ "ODOO_DB",                 K_STR,     "odoo_pelotazo", 1, 0, OFF(odoo_db) },
	{ "ODOO_USERNAME",           K_STR,     "admin", 1, 0, OFF(odoo_username) },
	{ "ODOO_PASSWORD",           K_SECRET,  NULL, 1, 0, OFF(odoo_password) },
	/* Optional: the service account's API key, for JSON-2 (Odoo 19+). */
	{ "ODOO_API_KEY",            K_SECRET,  "", 1, 0, OFF(odoo_api_key) },
	{ "ODOO_PROTOCOL",           K_PROTOCOL, "auto", 0, 0, OFF(odoo_protocol) },
	/* Kept for diagnosis: off reads every XML-RPC answer through xmlrpc-c. */
	{ "ODOO_FAST_PATH",          K_ONOFF,   "on", 0, 0, OFF(odoo_fast_path) },
	{ "ODOO_TIMEOUT_MS",         K_LONG,    "10000", 100, 600000, OFF(odoo_timeout_ms) },
	{ "ODOO_MAX_RESPONSE",       K_SIZE,    "16777216", 65536, 1073741824, OFF(odoo_max_response) },
	{ "JWT_SECRET",              K_SECRET,  NULL, 32, 0, OFF(jwt_secret) },
	{ "JWT_TTL",                 K_LONG,    "1800", 1, 604800, OFF(jwt_ttl) },
	{ "JWT_ISSUER",              K_STR,     "odoo-bridge", 1, 0, OFF(jwt_issuer) },
	{ "JWT_LEEWAY",              K_LONG,    "30", 0, 300, OFF(jwt_leeway) },
	{ "CORS_ORIGINS",            K_ORIGINS, "", 0, 0, OFF(cors_origins) },
	{ "MAX_BODY",                K_SIZE,    "1048576", 1024, 67108864, OFF(max_body) },
	{ "LOG_LEVEL",               K_LEVEL,   "info", 0, 0, OFF(log_level) },
	{ "LIST_MAX",                K_LONG,    "1000", 1, 10000, OFF(list_max) },
	/* Records in one bulk create, update or delete: each is one Odoo call (bulk.c). */
	{ "BULK_MAX",                K_LONG,    "100", 1, 10000, OFF(bulk_max) },
	/* Entries of one POST /api/v1/batch, and the size its answer may reach (batch.c). */
	{ "BATCH_MAX",               K_LONG,    "20", 1, 1000, OFF(batch_max) },
	{ "BATCH_MAX_RESPONSE",      K_SIZE,    "8388608", 65536, 1073741824, OFF(batch_max_response) },
	{ "AUTH_MODE",               K_AUTHMODE, "user", 0, 0, OFF(auth_mode) },
	{ "LOGIN_GROUPS",            K_XMLIDS,  "sales_team.group_sale_salesman", 0, 0, OFF(login_groups) },
	/* Optional: empty derives the key from JWT_SECRET (HKDF, its own label). */
	{ "CREDENTIAL_KEY",          K_SECRET,  "", 32, 0, OFF(credential_key) },
	/* At most 64: the throttle keeps the last 64 failure times per slot. */
	{ "LOGIN_MAX_FAILURES",      K_LONG,    "5", 1, 64, OFF(login_max_failures) },
	{ "LOGIN_MAX_FAILURES_ADDR", K_LONG,    "20", 1, 64, OFF(login_max_failures_addr) },
	{ "LOGIN_MAX_FAILURES_LOGIN", K_LONG,   "50", 1, 64, OFF(login_max_failures_login) },
	{ "LOGIN_WINDOW",            K_LONG,    "300", 1, 86400, OFF(login_window) },
	{ "ODOO_LANG",               K_STR,     "auto", 1, 0, OFF(odoo_lang) },
	{ "THROTTLE_FILE",           K_PATH,    "", 0, 0, OFF(throttle_file) },
	{ "REVOKE_FILE",             K_PATH,    "", 0, 0, OFF(revoke_file) },
	{ "METRICS_FILE",            K_PATH,    "", 0, 0, OFF(metrics_file) },
	{ "METRICS_ALLOW",           K_NETS,    "127.0.0.0/8, ::1", 0, 0, OFF(metrics_allow) },
	/* Optional: empty admits no one by token (METRICS_ALLOW only). */
	{ "METRICS_TOKEN",           K_SECRET,  "", 16, 0, OFF(metrics_token) },
	/* The response cache (cache.c): 0 turns it off. */
	{ "CACHE_TTL",               K_LONG,    "5", 0, 86400, OFF(cache_ttl) },
	{ "CACHE_TTL_LOOKUPS",       K_LONG,    "300", 0, 86400, OFF(cache_ttl_lookups) },
	{ "CACHE_MAX_BYTES",         K_SIZE,    "67108864", 1048576, 17179869184LL, OFF(cache_max_bytes) },
	{ "CACHE_FILE",              K_PATH,    "", 0, 0, OFF(cache_file) },
	/* Shared state across hosts (state.h): empty keeps it on this host. */
	{ "REDIS_URL",               K_REDIS,   "", 0, 0, OFF(redis_url) },
	{ "REDIS_PREFIX",            K_STR,     "odoo-bridge:", 1, 0, OFF(redis_prefix) },
	{ "REDIS_TIMEOUT_MS",        K_LONG,    "200", 10, 10000, OFF(redis_timeout_ms) },
	/* GET /api/v1/events (events.c): Server-Sent Events. */
	{ "EVENTS_HEARTBEAT",        K_LONG,    "15", 1, 300, OFF(events_heartbeat) },
	{ "EVENTS_POLL",             K_LONG,    "5", 0, 3600, OFF(events_poll) },
	{ "EVENTS_MAX_PER_USER",     K_LONG,    "4", 1, 256, OFF(events_max_per_user) },
	{ "EVENTS_MAX_AGE",          K_LONG,    "3600", 5, 86400, OFF(events_max_age) },
	{ "EVENTS_RING",             K_LONG,    "4096", 64, 1048576, OFF(events_ring) },
	{ "EVENTS_FILE",             K_PATH,    "", 0, 0, OFF(events_file) },
	{ "DOCS",                    K_ONOFF,   "on", 0, 0, OFF(docs) },
	/* The CDN FastAPI's get_swagger_ui_html loads Swagger UI from (fastapi/openapi/docs.py). */
	{ "DOCS_ASSETS_URL",         K_URL,     "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5", 0, 0, OFF(docs_assets_url) },
};

#define MAX_LINE 8192
#define MAX_VALUE 4096

static void
seterr(struct config_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
seterr(struct config_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

static const struct setting *
find_setting(const char *name, size_t len)
{
	size_t i;
	for (i = 0; i < ARRAY_SIZE(settings); i++)
		if (strlen(settings[i].name) == len && memcmp(settings[i].name, name, len) == 0)
			return &settings[i];
	return NULL;
}

/* Collected raw values, before validation: index = setting row. */
struct raw {
	char *val[ARRAY_SIZE(settings)];
	char  src[ARRAY_SIZE(settings)]; /* 'd'efault, 'f'ile, 'e'nv */
};

static void
raw_set(struct raw *r, const struct setting *s, const char *v, size_t len, char src)
{
	size_t i = (size_t)(s - settings);
	free(r->val[i]);
	r->val[i] = xstrndup(v, len);
	r->src[i] = src;
}

static void
raw_free(struct raw *r)
{
	size_t i;
	for (i = 0; i < ARRAY_SIZE(settings); i++)
		free(r->val[i]);
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Parses one line of a .env-style file: [export ]KEY=VALUE, VALUE optionally
 * in single quotes (taken literally) or double quotes (with \" \\ \n escapes).
 * Comments start with '#' at the beginning of a line or after whitespace
 * outside quotes.
 */
static bool
parse_line(char *line, const char *file, int lineno, struct raw *r, struct config_error *err)
{
	char *p = line, *key, *eq, *v, *out;
	const struct setting *s;
	size_t klen;

	while (is_space(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return true;
	if (strncmp(p, "export", 6) == 0 && is_space(p[6])) {
		p += 6;
		while (is_space(*p))
			p++;
	}
	key = p;
	eq = strchr(p, '=');
	if (eq == NULL) {
		seterr(err, "%s:%d: expected KEY=VALUE", file, lineno);
		return false;
	}
	klen = (size_t)(eq - key);
	while (klen && is_space(key[klen - 1]))
		klen--;
	if (klen == 0) {
		seterr(err, "%s:%d: empty setting name", file, lineno);
		return false;
	}
	v = eq + 1;
	while (is_space(*v))
		v++;
	out = v;
	if (*v == '\'' || *v == '"') {
		char q = *v++, *o = out;
		for (; *v && *v != q; v++) {
			if (q == '"' && *v == '\\' && v[1]) {
				v++;
				*o++ = *v == 'n' ? '\n' : *v;
			} else {
				*o++ = *v;
			}
		}
		if (*v != q) {
			seterr(err, "%s:%d: unterminated quote", file, lineno);
			return false;
		}
		v++;
		while (is_space(*v))
			v++;
		if (*v != '\0' && *v != '#') {
			seterr(err, "%s:%d: text after the closing quote", file, lineno);
			return false;
		}
		*o = '\0';
	} else {
		char *e = v;
		while (*e && !(*e == '#' && e > v && is_space(e[-1])))
			e++;
		while (e > v && is_space(e[-1]))
			e--;
		*e = '\0';
	}
	s = find_setting(key, klen);
	if (s == NULL) {
		/* A .env shared with other programs may hold their settings too. */
		log_warn("%s:%d: unknown setting %.*s ignored", file, lineno, (int)klen, key);
		return true;
	}
	raw_set(r, s, out, strlen(out), 'f');
	return true;
}

/* Whether gid is the process's effective group or one of its supplementary groups. */
static bool
in_our_groups(gid_t gid)
{
	gid_t *groups;
	int i, n;
	bool found = false;

	if (gid == getegid())
		return true;
	n = getgroups(0, NULL);
	if (n <= 0)
		return false;
	groups = calloc((size_t)n, sizeof *groups);
	if (groups == NULL)
		return false;
	n = getgroups(n, groups);
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			found = true;
	free(groups);
	return found;
}

/*
 * Who may see a file that holds a secret.  Like ssh with its keys: its owner
 * (root, or the user the program runs as), and nobody else may write it or
 * read it, except one case, like /etc/ssl/private with the ssl-cert group:
 * a file root owns may be readable by its group when the program runs with
 * that group (0640 root:www-data, as the Debian package installs it, read by
 * the web server's processes).  Returns NULL when the file is fine, else
 * what is wrong with it.
 */
static const char *
secret_file_problem(const struct stat *st)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "is owned by another user than root or the one the program runs as";
	if (st->st_mode & (S_IRWXO | S_IWGRP | S_IXGRP))
		return "is accessible by group or others";
	if ((st->st_mode & S_IRGRP) && !(st->st_uid == 0 && in_our_groups(st->st_gid)))
		return "is accessible by group or others";
	return NULL;
}

static bool
load_file(const char *path, struct raw *r, struct config_error *err)
{
	char line[MAX_LINE];
	struct stat st;
	FILE *fp;
	int fd, lineno = 0;
	bool ok = false, has_secret = false;
	const char *problem;
	size_t i;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		seterr(err, "cannot open config file %s: %s", path, strerror(errno));
		return false;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		seterr(err, "config file %s is not a regular file", path);
		close(fd);
		return false;
	}
	fp = fdopen(fd, "r");
	if (fp == NULL) {
		close(fd);
		seterr(err, "cannot read config file %s", path);
		return false;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		size_t n = strlen(line);
		lineno++;
		if (n == sizeof line - 1 && line[n - 1] != '\n') {
			seterr(err, "%s:%d: line too long", path, lineno);
			goto out;
		}
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		if (!parse_line(line, path, lineno, r, err))
			goto out;
	}
	if (ferror(fp)) {
		seterr(err, "error reading config file %s", path);
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(settings); i++)
		if (r->src[i] == 'f' && (settings[i].kind == K_SECRET ||
		    (settings[i].kind == K_REDIS && strchr(r->val[i], '@') != NULL)))   /* a password in the URL */
			has_secret = true;
	/* A secret others can read is no longer a secret. */
	if (has_secret && (problem = secret_file_problem(&st)) != NULL) {
		seterr(err, "config file %s holds a secret but %s (mode %03o, uid %lu, gid %lu); "
		    "chmod 600 it (or 640, owned by root, with a group the program runs with)",
		    path, problem, (unsigned)(st.st_mode & 0777), (unsigned long)st.st_uid, (unsigned long)st.st_gid);
		goto out;
	}
	ok = true;
out:
	fclose(fp);
	return ok;
}

static bool
valid_url(const char *u)
{
	const char *h;
	if (strncmp(u, "http://", 7) == 0)
		h = u + 7;
	else if (strncmp(u, "https://", 8) == 0)
		h = u + 8;
	else
		return false;
	if (*h == '\0' || *h == '/' || *h == ':')
		return false;
	for (; *h; h++)
		if ((unsigned char)*h <= ' ' || *h == 0x7f || *h == '"' || *h == '\\' || *h == '?' || *h == '#')
			return false;
	return true;
}

/* An origin is scheme://host[:port] without a path (RFC 6454). */
static bool
valid_origin(const char *o)
{
	const char *h;
	if (strcmp(o, "*") == 0)
		return true;
	if (strncmp(o, "http://", 7) == 0)
		h = o + 7;
	else if (strncmp(o, "https://", 8) == 0)
		h = o + 8;
	else
		return false;
	if (*h == '\0')
		return false;
	for (; *h; h++)
		if (!((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') || (*h >= '0' && *h <= '9') ||
		      *h == '.' || *h == '-' || *h == ':' || *h == '[' || *h == ']'))
			return false;
	return true;
}

/*
 * A comma-separated list: each item trimmed of spaces, empty items dropped.
 * Returns a NULL-terminated array of copies (free each and the array) and
 * its length in *n.
 */
static char **
split_list(const char *v, size_t *n)
{
	char **list = xcalloc(strlen(v) / 2 + 2, sizeof(char *));
	const char *p = v;

	*n = 0;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && is_space(*p)) {
			p++;
			len--;
		}
		while (len && is_space(p[len - 1]))
			len--;
		if (len)
			list[(*n)++] = xstrndup(p, len);
		if (e == NULL)
			break;
		p = e + 1;
	}
	return list;
}

static bool
set_origins(struct config *cfg, const char *v, struct config_error *err)
{
	cfg->cors_origins = split_list(v, &cfg->n_cors_origins);
	for (size_t i = 0; i < cfg->n_cors_origins; i++) {
		char *o = cfg->cors_origins[i];
		size_t len = strlen(o);

		while (len > 1 && o[len - 1] == '/')   /* tolerate "https://x.org/" */
			o[--len] = '\0';
		if (!valid_origin(o)) {
			seterr(err, "CORS_ORIGINS: '%s' is not an origin (scheme://host[:port], or *)", o);
			return false;
		}
		if (strcmp(o, "*") == 0)
			cfg->cors_any = true;
	}
	return true;
}

/* An Odoo XML id: module.name, each part [a-z0-9_] (Odoo's own ids are lower case). */
static bool
valid_xmlid(const char *x)
{
	const char *dot = strchr(x, '.');

	if (dot == NULL || dot == x || dot[1] == '\0' || strchr(dot + 1, '.') != NULL)
		return false;
	for (; *x; x++)
		if (!((*x >= 'a' && *x <= 'z') || (*x >= '0' && *x <= '9') || *x == '_' || *x == '.'))
			return false;
	return true;
}

/* A comma-separated list of XML ids (LOGIN_GROUPS), at least one. */
static bool
set_xmlids(struct config *cfg, const struct setting *s, const char *v, struct config_error *err)
{
	char **list = split_list(v, &cfg->n_login_groups);

	*(char ***)((char *)cfg + s->off) = list;
	for (size_t i = 0; i < cfg->n_login_groups; i++)
		if (!valid_xmlid(list[i])) {
			seterr(err, "%s: '%s' is not an XML id (module.name)", s->name, list[i]);
			return false;
		}
	if (cfg->n_login_groups == 0) {
		seterr(err, "%s: must name at least one group", s->name);
		return false;
	}
	return true;
}

/* REDIS_URL: empty (not set) or a URL of redis_url.h; the message never repeats it (it may hold a password). */
static bool
set_redis_url(struct config *cfg, const struct setting *s, const char *v, struct config_error *err)
{
	*(char **)((char *)cfg + s->off) = xstrdup(v);
	if (*v == '\0')
		return true;
#ifndef HAVE_HIREDIS
	seterr(err, "%s: this odoo-bridge was built without Redis support (configure --without-redis)", s->name);
	return false;
#else
	struct redis_url u;
	const char *why;

	if (!redis_url_parse(v, &u, &why)) {
		seterr(err, "%s: %s", s->name, why);
		return false;
	}
	redis_url_free(&u);
	return true;
#endif
}

static bool
apply(struct config *cfg, const struct setting *s, const char *v, struct config_error *err)
{
	char *base = (char *)cfg;
	int64_t n;

	if (strlen(v) > MAX_VALUE) {
		seterr(err, "%s: value too long", s->name);
		return false;
	}
	switch (s->kind) {
	case K_STR:
	case K_SECRET:
		if (s->kind == K_SECRET && s->def != NULL && *v == '\0') {
			/* An optional secret left empty: not set. */
			*(char **)(base + s->off) = xstrdup("");
			return true;
		}
		if ((long long)strlen(v) < s->min) {
			if (s->kind == K_SECRET && *v)
				seterr(err, "%s: must be at least %lld bytes long", s->name, s->min);
			else
				seterr(err, "%s: must not be empty", s->name);
			return false;
		}
		if (s->kind == K_STR && strpbrk(v, "\r\n") != NULL) {
			seterr(err, "%s: must be one line", s->name);
			return false;
		}
		*(char **)(base + s->off) = xstrdup(v);
		return true;
	case K_PATH:
		*(char **)(base + s->off) = xstrdup(v);
		return true;
	case K_URL: {
		char *u;
		size_t len;
		if (!valid_url(v)) {
			seterr(err, "%s: '%s' is not an http:// or https:// URL", s->name, v);
			return false;
		}
		u = xstrdup(v);
		len = strlen(u);
		while (len && u[len - 1] == '/')   /* the client appends its routes */
			u[--len] = '\0';
		*(char **)(base + s->off) = u;
		return true;
	}
	case K_LONG:
	case K_SIZE:
		if (!parse_int64(v, s->min, s->max, &n)) {
			seterr(err, "%s: '%s' is not a whole number from %lld to %lld", s->name, v, s->min, s->max);
			return false;
		}
		if (s->kind == K_LONG)
			*(long *)(base + s->off) = (long)n;
		else
			*(size_t *)(base + s->off) = (size_t)n;
		return true;
	case K_LEVEL:
		if (!log_level_parse(v, (enum log_level *)(base + s->off))) {
			seterr(err, "%s: '%s' is not one of error, warn, info, debug", s->name, v);
			return false;
		}
		return true;
	case K_ORIGINS:
		return set_origins(cfg, v, err);
	case K_AUTHMODE:
		if (strcmp(v, "user") == 0)
			*(enum auth_mode *)(base + s->off) = AUTH_USER;
		else if (strcmp(v, "service") == 0)
			*(enum auth_mode *)(base + s->off) = AUTH_SERVICE;
		else {
			seterr(err, "%s: '%s' is not one of user, service", s->name, v);
			return false;
		}
		return true;
	case K_XMLIDS:
		return set_xmlids(cfg, s, v, err);
	case K_ONOFF:
		if (strcmp(v, "on") == 0 || strcmp(v, "off") == 0) {
			*(bool *)(base + s->off) = strcmp(v, "on") == 0;
			return true;
		}
		seterr(err, "%s: '%s' is not one of on, off", s->name, v);
		return false;
	case K_NETS: {
		char bad[80];

		if (!netlist_parse(v, (struct netlist *)(base + s->off), bad, sizeof bad)) {
			seterr(err, "%s: '%s' is not an IP address or network (address/prefix)", s->name, bad);
			return false;
		}
		return true;
	}
	case K_REDIS:
		return set_redis_url(cfg, s, v, err);
	case K_PROTOCOL: {
		static const char *const names[] = {
			[ODOO_PROTO_AUTO] = "auto", [ODOO_PROTO_XMLRPC] = "xmlrpc", [ODOO_PROTO_JSON2] = "json2",
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strcmp(v, names[i]) == 0) {
				*(enum odoo_protocol *)(base + s->off) = (enum odoo_protocol)i;
				return true;
			}
		seterr(err, "%s: '%s' is not one of auto, xmlrpc, json2", s->name, v);
		return false;
	}
	}
	return false;
}

/* An empty *path becomes /dev/shm/odoo-bridge-<euid>.<what>. */
static void
default_shm_path(char **path, const char *what)
{
	if ((*path)[0] != '\0')
		return;
	free(*path);
	*path = xasprintf("/dev/shm/odoo-bridge-%lu.%s", (unsigned long)geteuid(), what);
}

bool
config_load(struct config *cfg, const char *file, char **envp, struct config_error *err)
{
	struct raw r;
	size_t i;
	bool ok = false;

	memset(cfg, 0, sizeof *cfg);
	memset(&r, 0, sizeof r);
	err->msg[0] = '\0';

	if (file == NULL)
		file = env_get(envp, "ODOO_BRIDGE_CONFIG");
	if (file != NULL && *file != '\0') {
		cfg->config_file = xstrdup(file);
		if (!load_file(file, &r, err))
			goto out;
	}
	for (i = 0; i < ARRAY_SIZE(settings); i++) {
		const char *v = env_get(envp, settings[i].name);
		if (v != NULL)
			raw_set(&r, &settings[i], v, strlen(v), 'e');
	}
	for (i = 0; i < ARRAY_SIZE(settings); i++) {
		const struct setting *s = &settings[i];
		const char *v = r.val[i] ? r.val[i] : s->def;
		if (v == NULL || (s->kind == K_SECRET && s->def == NULL && *v == '\0')) {
			seterr(err, "%s is required but not set", s->name);
			goto out;
		}
		if (!apply(cfg, s, v, err))
			goto out;
	}
	if (strcmp(cfg->odoo_lang, "auto") != 0 && strcmp(cfg->odoo_lang, "off") != 0 &&
	    !lang_code_valid(cfg->odoo_lang)) {
		seterr(err, "ODOO_LANG must be auto, off or an Odoo language code such as es_ES, not \"%s\"",
		       cfg->odoo_lang);
		goto out;
	}
	/* One file per user per host: all the processes a web server spawns share it. */
	default_shm_path(&cfg->throttle_file, "throttle");
	default_shm_path(&cfg->revoke_file, "revoked");
	default_shm_path(&cfg->metrics_file, "metrics");
	default_shm_path(&cfg->cache_file, "cache");
	default_shm_path(&cfg->events_file, "events");
	ok = true;
out:
	raw_free(&r);
	return ok;
}

void
config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < ARRAY_SIZE(settings); i++) {
		const struct setting *s = &settings[i];
		if (s->kind == K_STR || s->kind == K_SECRET || s->kind == K_URL || s->kind == K_PATH || s->kind == K_REDIS) {
			char **p = (char **)((char *)cfg + s->off);
			if (*p && (s->kind == K_SECRET || s->kind == K_REDIS))
				explicit_bzero(*p, strlen(*p));
			free(*p);
			*p = NULL;
		}
	}
	for (i = 0; cfg->login_groups && cfg->login_groups[i]; i++)
		free(cfg->login_groups[i]);
	free(cfg->login_groups);
	cfg->login_groups = NULL;
	for (i = 0; cfg->cors_origins && cfg->cors_origins[i]; i++)
		free(cfg->cors_origins[i]);
	free(cfg->cors_origins);
	cfg->cors_origins = NULL;
	free(cfg->config_file);
	cfg->config_file = NULL;
	netlist_free(&cfg->metrics_allow);
}

bool
config_origin_allowed(const struct config *cfg, const char *origin)
{
	size_t i;

	if (origin == NULL || *origin == '\0')
		return false;
	if (cfg->cors_any)
		return true;
	for (i = 0; i < cfg->n_cors_origins; i++)
		if (ascii_casecmp(cfg->cors_origins[i], origin) == 0)
			return true;
	return false;
}
