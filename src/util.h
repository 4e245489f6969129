/* util.h: allocation policy, bounded buffers, number parsing, logging. */
#ifndef OB_UTIL_H
#define OB_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/*
 * Out-of-memory policy: every allocation in odoo-bridge goes through these
 * wrappers, which log one line and abort().  A FastCGI responder has no
 * sensible way to carry on without memory, and the web server restarts it
 * (the same policy as lighttpd's ck_malloc).
 */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh heap string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A growable byte buffer with a hard cap fixed at creation (as curl's dynbuf
 * "toobig").  The data is always NUL-terminated so it can be handed to
 * string parsers.
 */
struct buf {
	char   *data;
	size_t  len;
	size_t  cap;   /* allocated */
	size_t  max;   /* hard limit on len */
};
void buf_init(struct buf *b, size_t max);
/* Appends n bytes.  Returns false (and appends nothing) past b->max. */
bool buf_append(struct buf *b, const void *p, size_t n);
bool buf_puts(struct buf *b, const char *s);
void buf_reset(struct buf *b);
/* Frees the data; accepts a zeroed or already freed buffer. */
void buf_free(struct buf *b);

/*
 * Strict integer parsing: the whole string must be a decimal number within
 * [min, max], no sign other than a leading '-', no spaces, no empty string.
 * Returns false on any violation (cf. OpenBSD strtonum).
 */
bool parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Strict finite double parsing of the whole string. */
bool parse_double(const char *s, double *out);

/*
 * Decodes one UTF-8 sequence at s (n > 0 bytes available).  Returns its
 * length and stores the code point in *cp, or returns 0 for an invalid
 * sequence (overlong, surrogate, past U+10FFFF, truncated).
 */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Whether s[0..n) is well-formed UTF-8 (every sequence decodes). */
bool utf8_valid(const char *s, size_t n);

/* The value of a hexadecimal digit (either case), or -1. */
int hex_digit(char c);

/* Case-insensitive ASCII comparisons (locale independent). */
int ascii_casecmp(const char *a, const char *b);
int ascii_ncasecmp(const char *a, const char *b, size_t n);

/* Constant-time comparison of two byte strings of possibly different length. */
bool memeq_const_time(const void *a, size_t alen, const void *b, size_t blen);

/* The value of NAME in a NULL-terminated "NAME=value" array (environ, CGI variables), or NULL. */
const char *env_get(char **envp, const char *name);

/* Monotonic clock in microseconds, and wall clock in seconds. */
int64_t now_mono_us(void);
/* Fills p[0..n) from the kernel's CSPRNG (getrandom, retried on EINTR); false if it fails. */
bool fill_random(void *p, size_t n);
/*
 * A number that differs in the child of a fork() from the parent's (a
 * pthread_atfork handler, registered by the first call: call it before
 * forking, e.g. when the per-process state it guards is made).  What was
 * made under another number was inherited through fork().
 */
unsigned process_generation(void);
int64_t now_unix(void);

/*
 * Logging to stderr (the web server's error log).  One line per call,
 * prefixed with the level and, when set for the current thread, the request
 * id.  Messages from outside are sanitised: control characters are escaped,
 * so a log line is always one line.
 */
enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
/* Parses "error", "warn", "info", "debug". */
bool log_level_parse(const char *s, enum log_level *out);
/* Sets the request id shown on this thread's log lines (NULL clears). */
void log_set_request_id(const char *rid);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level lvl, const char *fmt, va_list ap);
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The shortest of %.15g..%.17g that strtod reads back as d (17 digits
 * always do), with ".0" added to integral values so that they stay floats
 * in JSON and in Python.  d must be finite.
 */
void fmt_double(double d, char out[40]);

#endif
