/* fcgi-hello.c: the smallest useful libfcgi responder, a ceiling for any FastCGI app in the benchmark. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcgiapp.h>

/*
 * It answers every request with the same JSON body, read once at start-up
 * from the file named by BENCH_BODY_FILE (the bridge's own answer to the
 * list scenario, so that both write the same bytes), or a short fixed body.
 * It reads no parameters and no body: that is the point of a ceiling.
 */

#define BODY_MAX (1024 * 1024)

static const char fallback_body[] = "{\"status\": \"ok\"}";

/* Reads at most BODY_MAX bytes of path into a new buffer; NULL on any failure. */
static char *
read_body(const char *path, size_t *lenp)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > BODY_MAX)
		goto out;
	buf = malloc((size_t)st.st_size);
	if (buf == NULL)
		goto out;
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			buf = NULL;
			goto out;
		}
		len += (size_t)n;
	}
	*lenp = len;
out:
	close(fd);
	return buf;
}

int
main(void)
{
	FCGX_Request req;
	const char *path = getenv("BENCH_BODY_FILE");
	char *owned = NULL;
	const char *body = fallback_body;
	size_t len = sizeof fallback_body - 1;
	char head[160];
	int hlen;

	if (path != NULL && (owned = read_body(path, &len)) != NULL)
		body = owned;
	else if (path != NULL)
		fprintf(stderr, "fcgi-hello: cannot read %s, answering a fixed body\n", path);

	hlen = snprintf(head, sizeof head,
	    "Status: 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n\r\n", len);
	if (hlen < 0 || (size_t)hlen >= sizeof head)
		return 1;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0) {
		fprintf(stderr, "fcgi-hello: FCGX_Init failed\n");
		return 1;
	}
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(head, hlen, req.out);
		FCGX_PutStr(body, (int)len, req.out);
		FCGX_Finish_r(&req);
	}
	free(owned);
	return 0;
}
