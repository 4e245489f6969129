/* main.c: start-up, the three modes (FastCGI on fd 0, FastCGI on a socket, plain CGI), the accept loop. */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "odoo.h"
#include "auth.h"
#include "events.h"
#include "metrics.h"
#include "resfile.h"
#include "server.h"
#include "state.h"

extern char **environ;

static const char usage[] =
"Usage: odoo-bridge [OPTION]...\n"
"A REST/JSON API for Refine in front of Odoo (XML-RPC or JSON-2), as a FastCGI or CGI program.\n"
"\n"
"Started by a web server (mod_fcgid, lighttpd bin-path, spawn-fcgi) it serves\n"
"FastCGI on the socket it was given; started as a CGI script it answers one\n"
"request; with --listen it opens its own FastCGI socket (nginx, systemd).\n"
"\n"
"  -c, --config FILE    read KEY=VALUE settings from FILE (also ODOO_BRIDGE_CONFIG);\n"
"                       the environment wins over the file\n"
"      --check-config   validate the configuration and exit (0 when valid)\n"
"      --ping           with --check-config: also check that Odoo answers and\n"
"                       the service account logs in\n"
"  -l, --listen ADDR    serve FastCGI on ADDR: HOST:PORT, :PORT or a socket PATH\n"
"  -t, --threads N      with --listen: N threads, each with its own Odoo connection\n"
"                       (default 4)\n"
"      --backlog N      with --listen: listen(2) backlog (default 128)\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Settings (environment or config file): ODOO_URL, ODOO_DB, ODOO_USERNAME,\n"
"ODOO_PASSWORD, ODOO_TIMEOUT_MS, JWT_SECRET, JWT_TTL, JWT_ISSUER, CORS_ORIGINS,\n"
"MAX_BODY, LOG_LEVEL, ... : see odoo-bridge(8) and odoo-bridge.conf(5).\n";

static struct app g_app;
static atomic_int g_active;              /* requests in progress */
static volatile sig_atomic_t g_stop;
static pthread_mutex_t g_accept_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * SIGTERM/SIGINT: finish the requests in progress, then exit; exit at once
 * when idle (accept(2) is restarted by libfcgi, so waiting for it to return
 * could take forever).
 */
static void
on_term(int sig)
{
	(void)sig;
	g_stop = 1;
	events_stopping = 1;   /* open streams end at their next tick */
	FCGX_ShutdownPending();
	if (atomic_load(&g_active) == 0)
		_exit(0);
}

static int
fcgx_read(void *in, char *buf, int n)
{
	return FCGX_GetStr(buf, n, (FCGX_Stream *)in);
}

static int
fcgx_write(void *out, const char *buf, size_t n)
{
	return FCGX_PutStr(buf, (int)n, (FCGX_Stream *)out) == (int)n ? 0 : -1;
}

static int
fcgx_flush(void *out)
{
	return FCGX_FFlush((FCGX_Stream *)out) == 0 ? 0 : -1;
}

static int
stdio_flush(void *out)
{
	return fflush((FILE *)out) == 0 ? 0 : -1;
}

/* Standard input of a CGI request, counting what was read of the body. */
struct cgi_in {
	FILE    *f;
	uint64_t consumed;
};

static int
stdio_read(void *in, char *buf, int n)
{
	struct cgi_in *ci = in;
	size_t got = fread(buf, 1, (size_t)n, ci->f);

	if (got == 0 && ferror(ci->f))
		return -1;
	ci->consumed += got;
	return (int)got;
}

/*
 * Reads and drops what is left of a CGI request's body (CONTENT_LENGTH
 * minus what was read).  Apache's mod_cgid gives the program one socket for
 * stdin and stdout; closing it with unread input makes the kernel reset the
 * connection, and the client then loses the answer (a 413, a 401 to a POST).
 * Bounded by CONTENT_LENGTH and by DRAIN_MAX; the web server's own timeout
 * covers a client that stops sending.
 */
#define DRAIN_MAX ((uint64_t)256 << 20)

static void
cgi_drain_body(struct cgi_in *ci)
{
	const char *cl = getenv("CONTENT_LENGTH");
	char chunk[16384];
	int64_t len;
	uint64_t left;

	if (cl == NULL || !parse_int64(cl, 0, INT64_MAX, &len) || (uint64_t)len <= ci->consumed)
		return;
	left = (uint64_t)len - ci->consumed;
	if (left > DRAIN_MAX)
		return;
	while (left > 0) {
		size_t got = fread(chunk, 1, left < sizeof chunk ? (size_t)left : sizeof chunk, ci->f);
		if (got == 0)
			break;
		left -= got;
	}
}

static int
stdio_write(void *out, const char *buf, size_t n)
{
	if (fwrite(buf, 1, n, (FILE *)out) != n)
		return -1;
	return fflush((FILE *)out) == 0 ? 0 : -1;
}

struct thread_arg {
	int sock;
	pthread_t tid;
};

static void *
fcgi_loop(void *argp)
{
	struct thread_arg *arg = argp;
	struct worker w;
	FCGX_Request fr;

	worker_init(&w, &g_app);
	if (FCGX_InitRequest(&fr, arg->sock, 0) != 0) {
		log_error("FCGX_InitRequest failed");
		return NULL;
	}
	while (!g_stop) {
		struct io_ops io;
		int rc;

		/* libfcgi's threaded example serialises accept; some platforms need it. */
		pthread_mutex_lock(&g_accept_lock);
		rc = FCGX_Accept_r(&fr);
		pthread_mutex_unlock(&g_accept_lock);
		if (rc < 0) {
			if (!g_stop)
				log_error("FCGX_Accept_r failed (%d): %s", rc, rc < 0 && -rc < 1000 ? strerror(-rc) : "");
			break;
		}
		atomic_fetch_add(&g_active, 1);
		io.read = fcgx_read;
		io.write = fcgx_write;
		io.flush = fcgx_flush;
		io.cgi = false;
		io.peer_fd = fr.ipcFd;
		io.in = fr.in;
		io.out = fr.out;
		server_handle(&w, fr.envp, &io);
		FCGX_Finish_r(&fr);
		/*
		 * The last request in progress when SIGTERM came: end the process
		 * here, from whichever thread it is; the others sit in accept(2),
		 * which libfcgi restarts, so waiting for them could take forever.
		 */
		if (atomic_fetch_sub(&g_active, 1) == 1 && g_stop) {
			worker_free(&w);
			exit(0);
		}
	}
	FCGX_Free(&fr, 1);
	worker_free(&w);
	return NULL;
}

static int
run_cgi(void)
{
	struct worker w;
	struct cgi_in in = { stdin, 0 };
	struct io_ops io = { .read = stdio_read, .write = stdio_write, .in = &in, .out = stdout,
	                     .flush = stdio_flush, .cgi = true, .peer_fd = -1 };

	worker_init(&w, &g_app);
	server_handle(&w, environ, &io);
	worker_free(&w);
	cgi_drain_body(&in);
	return 0;
}

static int
run_listen(const char *addr, long threads, long backlog)
{
	struct thread_arg *args;
	int sock;
	long i;

	sock = FCGX_OpenSocket(addr, (int)backlog);
	if (sock < 0) {
		fprintf(stderr, "odoo-bridge: cannot listen on %s: %s\n", addr, strerror(errno));
		return 1;
	}
	log_info("listening on %s with %ld thread%s", addr, threads, threads == 1 ? "" : "s");
	args = xcalloc((size_t)threads, sizeof *args);
	for (i = 0; i < threads; i++) {
		args[i].sock = sock;
		if (i == 0)
			continue;   /* the main thread is worker 0 */
		if (pthread_create(&args[i].tid, NULL, fcgi_loop, &args[i]) != 0) {
			fprintf(stderr, "odoo-bridge: cannot start thread %ld\n", i);
			return 1;
		}
	}
	/* Returns only when stopping; the thread that ends the last request exits. */
	fcgi_loop(&args[0]);
	while (atomic_load(&g_active) > 0)
		pause();
	free(args);
	return 0;
}

/*
 * RESOURCES_FILE, read once at start-up into a new table that becomes the
 * current one only once it is whole: a bad file is a configuration error
 * (the caller refuses to start) and nothing of it is used.
 */
static bool
load_resources(char *err, size_t errlen)
{
	struct res_table *t;

	if (g_app.cfg.resources_file[0] == '\0')
		return true;   /* the compiled-in resources/default.json */
	t = resfile_load(g_app.cfg.resources_file, err, errlen);
	if (t == NULL)
		return false;
	resource_install(t);
	log_debug("resources from %s", g_app.cfg.resources_file);
	return true;
}

/* --check-config --ping's fields_get calls, as the service account. */
static enum odoo_err
ping_fetch(void *ud, const char *model, const char *method, json_object *args, json_object *kwargs,
           json_object **out, struct odoo_error *err)
{
	return odoo_call(ud, NULL, model, method, args, kwargs, true, out, err);
}

static int
check_config(bool ping)
{
	size_t n_res = 0, errors, warnings;
	struct odoo_error err;
	struct odoo *o;
	struct odoo_version ver;
	long latency = 0, uid;

	if (g_app.cfg.config_file)
		printf("configuration OK (file %s)\n", g_app.cfg.config_file);
	else
		printf("configuration OK\n");
	while (resource_at(n_res) != NULL)
		n_res++;
	printf("resources OK: %zu route%s from %s\n", n_res, n_res == 1 ? "" : "s",
	       g_app.cfg.resources_file[0] != '\0' ? g_app.cfg.resources_file : "the compiled-in default");
	if (!ping)
		return 0;
	o = odoo_from_config(&g_app.cfg);
	if (o == NULL) {
		fprintf(stderr, "odoo-bridge: cannot initialise libcurl\n");
		return 1;
	}
	memset(&err, 0, sizeof err);
	if (odoo_version(o, &ver, &latency, &err) != ODOO_OK) {
		fprintf(stderr, "odoo-bridge: Odoo at %s does not answer: %s: %s\n",
		    g_app.cfg.odoo_url, odoo_strerror(err.code), err.message);
		odoo_free(o);
		return 1;
	}
	printf("Odoo at %s answers: version %s (%ld ms)\n", g_app.cfg.odoo_url,
	    ver.text[0] ? ver.text : "?", latency);
	uid = odoo_service_uid(o, &err);
	if (uid > 0)
		printf("protocol %s\n", odoo_protocol(o));
	if (uid <= 0) {
		odoo_free(o);
		fprintf(stderr, "odoo-bridge: the service account %s cannot log in to database %s: %s\n",
		    g_app.cfg.odoo_username, g_app.cfg.odoo_db, err.message[0] ? err.message : "wrong login or password");
		return 1;
	}
	printf("service account %s logs in to %s (uid %ld)\n", g_app.cfg.odoo_username, g_app.cfg.odoo_db, uid);
	/* Every model and field of the table, as the service account sees them. */
	fflush(stdout);
	errors = resfile_check_odoo(resource_table(), ping_fetch, o, stdout, &warnings);
	odoo_free(o);
	if (errors > 0) {
		fprintf(stderr, "odoo-bridge: %zu model%s of the resources %s not on this Odoo\n", errors,
		        errors == 1 ? "" : "s", errors == 1 ? "is" : "are");
		return 1;
	}
	printf("resources match this Odoo (%zu warning%s)\n", warnings, warnings == 1 ? "" : "s");
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config",       required_argument, NULL, 'c' },
		{ "check-config", no_argument,       NULL, 'C' },
		{ "ping",         no_argument,       NULL, 'P' },
		{ "listen",       required_argument, NULL, 'l' },
		{ "threads",      required_argument, NULL, 't' },
		{ "backlog",      required_argument, NULL, 'b' },
		{ "help",         no_argument,       NULL, 'h' },
		{ "version",      no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_file = NULL, *listen_addr = NULL;
	bool check = false, ping = false;
	int64_t threads = 4, backlog = 128;
	struct config_error cerr;
	char rerr[1024];
	struct sigaction sa;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "c:l:t:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_file = optarg; break;
		case 'C': check = true; break;
		case 'P': ping = true; break;
		case 'l': listen_addr = optarg; break;
		case 't':
			if (!parse_int64(optarg, 1, 256, &threads)) {
				fprintf(stderr, "odoo-bridge: --threads: '%s' is not a number from 1 to 256\n", optarg);
				return 2;
			}
			break;
		case 'b':
			if (!parse_int64(optarg, 1, 65535, &backlog)) {
				fprintf(stderr, "odoo-bridge: --backlog: '%s' is not a number from 1 to 65535\n", optarg);
				return 2;
			}
			break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION); return 0;
		default:
			fprintf(stderr, "Try 'odoo-bridge --help' for more information.\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "odoo-bridge: unexpected argument '%s'\nTry 'odoo-bridge --help' for more information.\n", argv[optind]);
		return 2;
	}
	if (ping && !check) {
		fprintf(stderr, "odoo-bridge: --ping goes with --check-config\n");
		return 2;
	}

	if (!config_load(&g_app.cfg, config_file, environ, &cerr)) {
		/* One line, in the web server's error log. */
		fprintf(stderr, "odoo-bridge: configuration error: %s\n", cerr.msg);
		config_free(&g_app.cfg);
		return 1;
	}
	log_set_level(g_app.cfg.log_level);
	if (!load_resources(rerr, sizeof rerr)) {
		fprintf(stderr, "odoo-bridge: configuration error: RESOURCES_FILE: %s\n", rerr);
		config_free(&g_app.cfg);
		return 1;
	}
	if (check) {
		rc = check_config(ping);
		config_free(&g_app.cfg);
		return rc;
	}

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);   /* a client that went away is not fatal */

	/* Never NULL: a table that cannot be shared logs once and falls back to a private one. */
	g_app.state = state_open(&g_app.cfg);
	metrics_open(g_app.cfg.metrics_file, NULL);
	if (!auth_app_init(&g_app) && g_app.cfg.auth_mode == AUTH_USER) {
		state_close(g_app.state);
		metrics_close();
		config_free(&g_app.cfg);
		return 1;
	}

	if (FCGX_Init() != 0) {
		fprintf(stderr, "odoo-bridge: FCGX_Init failed\n");
		return 1;
	}
	if (listen_addr == NULL && FCGX_IsCGI()) {
		/* FCGX_Accept_r does not fall back to CGI by itself: branch here. */
		rc = run_cgi();
	} else {
		struct thread_arg arg = { 0, 0 };
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_term;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		if (listen_addr != NULL) {
			rc = run_listen(listen_addr, (long)threads, (long)backlog);
		} else {
			fcgi_loop(&arg);
			rc = 0;
		}
	}
	state_close(g_app.state);
	metrics_close();
	config_free(&g_app.cfg);
	return rc;
}
