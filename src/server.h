/* server.h: one request's life, independent of how it arrived (CGI or FastCGI). */
#ifndef OB_SERVER_H
#define OB_SERVER_H

#include <stddef.h>

#include "app.h"
#include "router.h"

/* How the request's body is read and the answer written. */
struct io_ops {
	body_reader_fn read;                              /* body bytes */
	int          (*write)(void *io, const char *buf, size_t n); /* 0 on success */
	void          *in;
	void          *out;
	int          (*flush)(void *io);  /* pushes what was written to the client; NULL: cannot stream */
	bool           cgi;               /* one request per process (a stream ends early, events.c) */
	int            peer_fd;           /* the web server's connection, polled for its hang-up; -1: none */
};

/* The application's routes (routes.c). */
extern const struct route app_routes[];
extern const size_t app_routes_count;

/* For router_label: which captures of app_routes are bounded labels (a known resource's name). */
bool app_route_literal(const char *name, const char *value);

/*
 * Handles one request: parses it from envp, routes it, authenticates,
 * runs the handler, applies CORS, writes the CGI response through io and
 * logs the access line.  Everything per request is freed before it returns.
 * Returns the status sent.
 */
int server_handle(struct worker *w, char **envp, const struct io_ops *io);


/* Initialises a worker for app (no network call); worker_free releases it. */
void worker_init(struct worker *w, const struct app *app);
void worker_free(struct worker *w);

#endif
