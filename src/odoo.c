/* odoo.c: the Odoo client: XML-RPC written here, parsed by xmlrpc-c, carried by libcurl. */
#include "autoconfig.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <xmlrpc-c/base.h>

#include "odoo.h"
#include "util.h"

/*
 * Why the calls are written here and not by xmlrpc_serialize_call2():
 * xmlrpc-c 1.33 (Debian 12) formats <double> with too few digits
 * (14.930000000000007 is sent as 14.93, 1e-300 as 0.000...09999999999999993),
 * and copies control characters into <string> unescaped, which Odoo's expat
 * refuses.  Writing XML-RPC is a few lines; parsing stays with xmlrpc-c.
 */

/* Cap on one request body: far above any page of writes the API accepts. */
#define MAX_REQUEST          (16u * 1024 * 1024)
#define DEFAULT_MAX_RESPONSE (8u * 1024 * 1024)
#define DEFAULT_TIMEOUT_MS   10000L

enum endpoint { EP_COMMON, EP_OBJECT };

struct odoo {
	char   *url[2];            /* indexed by enum endpoint */
	char   *db;
	char   *username;
	char   *password;
	long    timeout_ms;
	size_t  max_response;
	long    uid;               /* service account; 0 until logged in */
	const char *call_secret;   /* the user's secret during a call made as a user, for redaction */
	CURL   *curl;              /* reused: keeps connections alive where a proxy allows */
	struct curl_slist *headers;
	struct buf resp;           /* body of the current answer, capped at max_response */
	bool    resp_too_big;
	size_t  header_bytes;      /* answer bytes seen before the body, this call */
	char    curl_err[CURL_ERROR_SIZE];
	struct odoo_stats stats;
};

/* ------------------------------------------------------------ error table */

static const struct {
	int         status;
	const char *name;
} err_table[] = {
	[ODOO_OK]             = { 200, "ok" },
	[ODOO_E_UNREACHABLE]  = { 503, "Odoo unreachable" },
	[ODOO_E_TIMEOUT]      = { 504, "Odoo did not answer in time" },
	[ODOO_E_BAD_RESPONSE] = { 502, "bad answer from Odoo" },
	[ODOO_E_LOGIN]        = { 503, "service account cannot log in" },
	[ODOO_E_ACCESS]       = { 403, "access refused by Odoo" },
	[ODOO_E_USER]         = { 422, "rejected by Odoo" },
	[ODOO_E_MISSING]      = { 404, "record does not exist" },
	[ODOO_E_SERVER]       = { 502, "Odoo server error" },
	[ODOO_E_REQUEST]      = { 400, "request Odoo cannot be sent" },
	[ODOO_E_CREDENTIAL]   = { 401, "user's credential refused" },
};

int
odoo_http_status(enum odoo_err e)
{
	if ((size_t)e >= ARRAY_SIZE(err_table))
		return 500;
	return err_table[e].status;
}

const char *
odoo_strerror(enum odoo_err e)
{
	if ((size_t)e >= ARRAY_SIZE(err_table))
		return "unknown error";
	return err_table[e].name;
}

static enum odoo_err
set_err(struct odoo_error *err, enum odoo_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void copy_text(char *dst, size_t cap, const char *src, size_t n);

/* Sets err; the message (which may quote bytes from Odoo) is kept valid UTF-8. */
static enum odoo_err
set_err(struct odoo_error *err, enum odoo_err code, const char *fmt, ...)
{
	char tmp[sizeof err->message];
	va_list ap;

	err->code = code;
	err->fault_code = 0;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	copy_text(err->message, sizeof err->message, tmp, strlen(tmp));
	return code;
}

static void
clear_err(struct odoo_error *err)
{
	err->code = ODOO_OK;
	err->fault_code = 0;
	err->message[0] = '\0';
}

/* json-c returns NULL when out of memory; apply util.h's policy to it too. */
static json_object *
must(json_object *j)
{
	if (j == NULL) {
		log_error("out of memory in json-c");
		abort();
	}
	return j;
}

/* -------------------------------------------------------------- text */

/*
 * Copies up to n bytes of src into dst (cap bytes, NUL-terminated) for a
 * message: invalid UTF-8 becomes '?', control characters other than
 * newline and tab are dropped, and when it does not fit it is cut on a
 * character boundary and ends in "...".
 */
static void
copy_text(char *dst, size_t cap, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0;

	while (i < n) {
		uint32_t c = 0;
		size_t l = utf8_decode(s + i, n - i, &c);
		const unsigned char *rep = s + i;
		size_t rl = l;

		if (l == 0) {
			rep = (const unsigned char *)"?";
			rl = l = 1;
		} else if (c < 0x20 && c != '\n' && c != '\t') {
			i += l;
			continue;
		}
		if (o + rl + 4 > cap) {   /* keep room for "..." and the NUL */
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(dst + o, rep, rl);
		o += rl;
		i += l;
	}
	dst[o] = '\0';
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The last line of s that holds more than white space (s itself if none). */
static const char *
last_line(const char *s, size_t *len)
{
	const char *end = s + strlen(s);

	while (end > s && is_space(end[-1]))
		end--;
	const char *start = end;
	while (start > s && start[-1] != '\n')
		start--;
	while (start < end && is_space(*start))
		start++;
	*len = (size_t)(end - start);
	return start;
}

/* -------------------------------------------------------------- faults */

/* How each /xmlrpc/2 faultCode is classified (odoo/addons/base/controllers/rpc.py). */
static const struct {
	int           fault_code;
	enum odoo_err code;
	bool          for_client;  /* the faultString is a message for people, not a traceback */
} fault_table[] = {
	{ 1, ODOO_E_SERVER, false },   /* anything else: a full traceback */
	{ 2, ODOO_E_USER,   true },    /* UserError and subclasses */
	{ 3, ODOO_E_LOGIN,  false },   /* AccessDenied */
	{ 4, ODOO_E_ACCESS, true },    /* AccessError */
};

/*
 * MissingError is a UserError (code 2) whose class /xmlrpc/2 does not name:
 * it is known by its message.  The first line is translated to the service
 * account's language (English and Spanish known here); the "(Record: ...)"
 * line is Odoo's own formatting.
 */
static const char *const missing_first_lines[] = {
	"Record does not exist or has been deleted.",
	"El registro no existe o ha sido eliminado.",
};

static bool
is_missing_error(const char *s)
{
	size_t i, n, first;
	const char *last;

	while (is_space(*s))
		s++;
	first = strcspn(s, "\n");
	for (i = 0; i < ARRAY_SIZE(missing_first_lines); i++) {
		n = strlen(missing_first_lines[i]);
		if (first >= n && memcmp(s, missing_first_lines[i], n) == 0 &&
		    (first == n || is_space(s[n])))
			return true;
	}
	last = last_line(s, &n);
	return n > 9 && strncmp(last, "(Record: ", 9) == 0;
}

static const char traceback_head[] = "Traceback (most recent call last):";

/* Odoo's message for people: no traceback, no surrounding white space. */
static void
client_message(char *dst, size_t cap, const char *s)
{
	const char *tb, *end;

	while (is_space(*s))
		s++;
	tb = strstr(s, traceback_head);
	end = tb ? tb : s + strlen(s);
	while (end > s && is_space(end[-1]))
		end--;
	if (end == s) {
		copy_text(dst, cap, "Odoo refused the operation", 26);
		return;
	}
	copy_text(dst, cap, s, (size_t)(end - s));
}

static void
classify(int fault_code, const char *fs, bool missing, struct odoo_error *err)
{
	size_t i, n;
	const char *line;

	if (fs == NULL)
		fs = "";
	clear_err(err);
	err->fault_code = fault_code;
	err->code = ODOO_E_SERVER;
	for (i = 0; i < ARRAY_SIZE(fault_table); i++) {
		if (fault_table[i].fault_code != fault_code)
			continue;
		err->code = fault_table[i].code;
		if (fault_table[i].for_client) {
			client_message(err->message, sizeof err->message, fs);
			if (err->code == ODOO_E_USER && (missing || is_missing_error(fs)))
				err->code = ODOO_E_MISSING;
			return;
		}
		break;
	}
	line = last_line(fs, &n);
	copy_text(err->message, sizeof err->message, line, n);
}

void
odoo_classify_fault(int fault_code, const char *fault_string, struct odoo_error *err)
{
	classify(fault_code, fault_string, false, err);
}

/*
 * The legacy /xmlrpc endpoint's string faultCodes: "warning -- <Class>\n\n
 * <message>" for UserError and its subclasses, "AccessDenied", and for
 * anything else str(exception) with the traceback as faultString.
 */
static const struct {
	const char *label;
	int         fault_code;    /* what /xmlrpc/2 sends for the same error */
	bool        missing;
} legacy_table[] = {
	{ "warning -- MissingError", 2, true },
	{ "warning -- AccessError",  4, false },
	{ "warning -- UserError",    2, false },
	{ "warning -- ValidationError", 2, false },
	{ "warning -- Warning",      2, false },
};

static void
classify_legacy(const char *code, const char *fs, struct odoo_error *err)
{
	const char *msg;
	size_t i, n;

	if (strcmp(code, "AccessDenied") == 0) {
		classify(3, fs, false, err);
		return;
	}
	if (strncmp(code, "warning -- ", 11) != 0) {
		classify(1, *fs ? fs : code, false, err);
		return;
	}
	msg = strstr(code, "\n\n");
	msg = msg ? msg + 2 : code + 11;
	for (i = 0; i < ARRAY_SIZE(legacy_table); i++) {
		n = strlen(legacy_table[i].label);
		if (strncmp(code, legacy_table[i].label, n) == 0 &&
		    (code[n] == '\0' || code[n] == '\n')) {
			classify(legacy_table[i].fault_code, msg, legacy_table[i].missing, err);
			return;
		}
	}
	classify(2, msg, false, err);   /* another UserError subclass */
}

/* ------------------------------------------------------ writing XML-RPC */

enum ser_err { SER_OK, SER_TEXT, SER_NUMBER, SER_DEPTH, SER_SIZE, SER_TYPE };

static const char *const ser_messages[] = {
	[SER_OK]     = "",
	[SER_TEXT]   = "text that is not valid UTF-8 or holds control characters",
	[SER_NUMBER] = "a number out of range",
	[SER_DEPTH]  = "values nested too deeply",
	[SER_SIZE]   = "a request too large",
	[SER_TYPE]   = "a value of a type XML-RPC cannot carry",
};

/* Characters XML 1.0 allows (production Char): anything else makes Odoo's parser fail. */
static bool
xml_char_ok(uint32_t c)
{
	if (c < 0x20)
		return c == '\t' || c == '\n' || c == '\r';
	return c != 0xfffe && c != 0xffff;
}

static enum ser_err
put(struct buf *b, const char *s)
{
	return buf_puts(b, s) ? SER_OK : SER_SIZE;
}

/* Appends s (n bytes of UTF-8) escaped as XML character data. */
static enum ser_err
put_text(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while (i < n) {
		uint32_t c;
		size_t l = utf8_decode(p + i, n - i, &c);
		const char *esc;

		if (l == 0 || !xml_char_ok(c))
			return SER_TEXT;
		switch (c) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		/* A raw CR would be turned into LF by Odoo's XML parser. */
		case '\r': esc = "&#13;"; break;
		default: esc = NULL; break;
		}
		if (esc) {
			if (!buf_append(b, s + run, i - run) || !buf_puts(b, esc))
				return SER_SIZE;
			run = i + l;
		}
		i += l;
	}
	return buf_append(b, s + run, n - run) ? SER_OK : SER_SIZE;
}

/*
 * The shortest of %.15g..%.17g that strtod reads back as d (17 digits
 * always do), with ".0" added to integral values so that they stay floats
 * in JSON and in Python.  d must be finite.
 */
static void
fmt_double(double d, char out[40])
{
	int prec;

	for (prec = 15; prec <= 17; prec++) {
		snprintf(out, 40, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
	if (strpbrk(out, ".e") == NULL)
		strcat(out, ".0");
}

static enum ser_err ser_value(struct buf *b, json_object *v, int depth);

static enum ser_err
ser_scalar(struct buf *b, json_object *v)
{
	char num[64], d[40];
	int64_t i;

	switch (json_object_get_type(v)) {
	case json_type_null:
		/* Odoo's server has allow_none=False: False is its "no value". */
		return put(b, "<boolean>0</boolean>");
	case json_type_boolean:
		return put(b, json_object_get_boolean(v) ? "<boolean>1</boolean>" : "<boolean>0</boolean>");
	case json_type_int:
		i = json_object_get_int64(v);
		/* json-c keeps 2^63.. as uint64 and clamps it to INT64_MAX here. */
		if (i == INT64_MAX && json_object_get_uint64(v) > (uint64_t)INT64_MAX)
			return SER_NUMBER;
		/* Python's xmlrpc.client reads <i8> too, but <int> is what it writes. */
		if (i >= INT32_MIN && i <= INT32_MAX)
			snprintf(num, sizeof num, "<int>%lld</int>", (long long)i);
		else
			snprintf(num, sizeof num, "<i8>%lld</i8>", (long long)i);
		return put(b, num);
	case json_type_double:
		if (!isfinite(json_object_get_double(v)))
			return SER_NUMBER;
		fmt_double(json_object_get_double(v), d);
		snprintf(num, sizeof num, "<double>%s</double>", d);
		return put(b, num);
	case json_type_string:
		if (put(b, "<string>") != SER_OK)
			return SER_SIZE;
		{
			enum ser_err e = put_text(b, json_object_get_string(v),
			                          (size_t)json_object_get_string_len(v));
			if (e != SER_OK)
				return e;
		}
		return put(b, "</string>");
	default:
		return SER_TYPE;
	}
}

static enum ser_err
ser_value(struct buf *b, json_object *v, int depth)
{
	enum ser_err e = SER_OK;
	size_t i, n;

	if (depth > ODOO_MAX_DEPTH)
		return SER_DEPTH;
	if (put(b, "<value>") != SER_OK)
		return SER_SIZE;
	switch (json_object_get_type(v)) {
	case json_type_array:
		e = put(b, "<array><data>");
		n = json_object_array_length(v);
		for (i = 0; i < n && e == SER_OK; i++)
			e = ser_value(b, json_object_array_get_idx(v, i), depth + 1);
		if (e == SER_OK)
			e = put(b, "</data></array>");
		break;
	case json_type_object:
		e = put(b, "<struct>");
		json_object_object_foreach(v, key, member) {
			if (e == SER_OK)
				e = put(b, "<member><name>");
			if (e == SER_OK)
				e = put_text(b, key, strlen(key));
			if (e == SER_OK)
				e = put(b, "</name>");
			if (e == SER_OK)
				e = ser_value(b, member, depth + 1);
			if (e == SER_OK)
				e = put(b, "</member>");
		}
		if (e == SER_OK)
			e = put(b, "</struct>");
		break;
	default:
		e = ser_scalar(b, v);
		break;
	}
	if (e == SER_OK)
		e = put(b, "</value>");
	return e;
}

static enum ser_err
ser_call(struct buf *b, const char *method, json_object *params)
{
	enum ser_err e;
	size_t i, n;

	if (!json_object_is_type(params, json_type_array))
		return SER_TYPE;
	e = put(b, "<?xml version=\"1.0\"?>\n<methodCall><methodName>");
	if (e == SER_OK)
		e = put_text(b, method, strlen(method));
	if (e == SER_OK)
		e = put(b, "</methodName><params>");
	n = json_object_array_length(params);
	for (i = 0; i < n && e == SER_OK; i++) {
		e = put(b, "<param>");
		if (e == SER_OK)
			e = ser_value(b, json_object_array_get_idx(params, i), 1);
		if (e == SER_OK)
			e = put(b, "</param>");
	}
	if (e == SER_OK)
		e = put(b, "</params></methodCall>\n");
	return e;
}

char *
odoo_serialize_call(const char *method, json_object *params, size_t *len)
{
	struct buf b;

	buf_init(&b, MAX_REQUEST);
	if (ser_call(&b, method, params) != SER_OK) {
		buf_free(&b);
		return NULL;
	}
	if (len)
		*len = b.len;
	return b.data;
}

/* ------------------------------------------------------ reading XML-RPC */

static char *
base64_encode(const unsigned char *p, size_t n, size_t *outlen)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		*o++ = tab[p[i] >> 2];
		*o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*o++ = tab[p[i + 2] & 63];
	}
	if (i < n) {
		*o++ = tab[p[i] >> 2];
		if (i + 1 < n) {
			*o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			*o++ = tab[(p[i + 1] & 15) << 2];
		} else {
			*o++ = tab[(p[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}

/*
 * xmlrpc-c 1.33 refuses every character past U+FFFF wherever it makes a
 * string ("not in the Basic Multilingual Plane"), written as UTF-8 or as a
 * character reference alike, so one emoji typed in Odoo's UI made every
 * answer holding that record a 502.  Before xmlrpc-c sees an answer, each
 * such character becomes two characters of the Private Use Area that it
 * takes, WIDE_HI + (c - 0x10000) / 1024 and WIDE_LO + (c - 0x10000) % 1024
 * (the shape of a UTF-16 surrogate pair), and restore_wide() turns them
 * back in every text read out of xmlrpc-c.  So that no text can pass for a
 * placeholder, every character of the block WIDE_HI..WIDE_ESC the answer
 * holds is swapped too, for WIDE_ESC followed by itself.
 */
#define WIDE_HI  0xe000u   /* U+E000..U+E3FF: the high ten bits */
#define WIDE_LO  0xe400u   /* U+E400..U+E7FF: the low ten bits */
#define WIDE_ESC 0xe800u   /* the next character stands for itself */

/*
 * The most an answer of n bytes can grow to before xmlrpc-c reads it
 * (prepare() below).  No rewrite makes what it replaces more than twice
 * as long: a placeholder is at most twice the bytes it replaces
 * (three-byte characters of the block; four-byte ones grow by half,
 * references shrink), and an element <double>TEXT</double>, 18 bytes at
 * least, gains at most the few more digits of its index.
 */
#define WIDE_GROWTH(n) (2 * (n) + 128)

static bool
wide_reserved(uint32_t c)
{
	return c >= WIDE_HI && c <= WIDE_ESC;
}

/* Writes c (U+0800..U+FFFF) as three bytes of UTF-8. */
static void
put_utf8_3(char *o, uint32_t c)
{
	o[0] = (char)(0xe0 | (c >> 12));
	o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[2] = (char)(0x80 | (c & 0x3f));
}

/* Appends the placeholder of c, past U+FFFF or in the reserved block. */
static bool
put_wide(struct buf *b, uint32_t c)
{
	char u[6];

	if (c > 0xffff) {
		put_utf8_3(u, WIDE_HI + ((c - 0x10000) >> 10));
		put_utf8_3(u + 3, WIDE_LO + ((c - 0x10000) & 0x3ff));
	} else {
		put_utf8_3(u, WIDE_ESC);
		put_utf8_3(u + 3, c);
	}
	return buf_append(b, u, sizeof u);
}

/*
 * The character reference at p ("&#...;", n bytes available): its length,
 * with the code point in *c, or 0 when it is not a well-formed one (left
 * to xmlrpc-c, which refuses it).
 */
static size_t
char_ref(const char *p, size_t n, uint32_t *c)
{
	size_t i = 2, start;
	bool hex = n > 2 && p[2] == 'x';
	uint32_t v = 0;

	if (hex)
		i++;
	for (start = i; i < n; i++) {
		int d;

		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (hex && p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (hex && p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			break;
		v = v * (hex ? 16 : 10) + (uint32_t)d;
		if (v > 0x10ffff)
			return 0;
	}
	if (i == start || i >= n || p[i] != ';')
		return 0;
	*c = v;
	return i + 1;
}

/*
 * Undoes the placeholders of prepare() in n bytes of text read out of
 * xmlrpc-c.  Returns a new NUL-terminated string (caller frees; its length
 * in *outlen), or NULL when the text holds a placeholder prepare() cannot
 * have written.
 */
static char *
restore_wide(const char *s, size_t n, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = xmalloc(n + 1), *o = out;
	size_t i = 0, l, l2;
	uint32_t c, c2;

	while (i < n) {
		l = utf8_decode(p + i, n - i, &c);
		if (l == 0 || !wide_reserved(c)) {
			l = l ? l : 1;
			memcpy(o, s + i, l);
			o += l;
			i += l;
			continue;
		}
		/* a placeholder is always two characters of the block */
		l2 = i + l < n ? utf8_decode(p + i + l, n - i - l, &c2) : 0;
		if (l2 == 0 || !wide_reserved(c2))
			goto bad;
		if (c == WIDE_ESC) {
			memcpy(o, s + i + l, l2);
			o += l2;
		} else if (c < WIDE_LO && c2 >= WIDE_LO && c2 < WIDE_ESC) {
			c = 0x10000 + ((c - WIDE_HI) << 10) + (c2 - WIDE_LO);
			*o++ = (char)(0xf0 | (c >> 18));
			*o++ = (char)(0x80 | ((c >> 12) & 0x3f));
			*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		} else {
			goto bad;
		}
		i += l + l2;
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
bad:
	free(out);
	return NULL;
}

/*
 * A text read out of xmlrpc-c (n bytes at s, which it allocated) with its
 * placeholders undone: s itself when it holds none, else a new string and
 * s is freed.  NULL (s freed) for a placeholder prepare() cannot have
 * written.
 */
static const char *
unswap(const char *s, size_t *n)
{
	char *r;

	if (memchr(s, 0xee, *n) == NULL)
		return s;
	r = restore_wide(s, *n, n);
	free((void *)s);
	return r;
}

/*
 * State of one conversion: the doubles of the answer, read apart (see
 * prepare), and what went wrong, for the log.
 */
struct conv {
	const double *doubles;
	size_t        ndoubles;
	const char   *why;
};

static bool to_json(struct conv *cv, xmlrpc_value *v, int depth, json_object **out);

/*
 * xmlrpc-c does not promise what its output pointers hold when it fails
 * (xmlrpc_parse_value_xml() was seen to leave 0x2 in one): these take an
 * output only on success, so that a failure never frees garbage.  Every
 * text comes out through xv_string(), which undoes prepare()'s placeholders.
 */
static const char *
xv_string(xmlrpc_env *env, xmlrpc_value *v, size_t *n)
{
	const char *s = NULL;

	xmlrpc_read_string_lp(env, v, n, &s);
	if (env->fault_occurred)
		return NULL;
	s = unswap(s, n);
	if (s == NULL)
		xmlrpc_env_set_fault(env, XMLRPC_PARSE_ERROR, "a stray placeholder");
	return s;
}

static xmlrpc_value *
xv_member(xmlrpc_env *env, xmlrpc_value *st, const char *key)
{
	xmlrpc_value *m = NULL;

	xmlrpc_struct_find_value(env, st, key, &m);
	return env->fault_occurred ? NULL : m;
}

static bool
array_to_json(struct conv *cv, xmlrpc_env *env, xmlrpc_value *v, int depth, json_object **out)
{
	int i, n = xmlrpc_array_size(env, v);

	if (env->fault_occurred)
		return false;
	*out = must(json_object_new_array_ext(n));
	for (i = 0; i < n; i++) {
		xmlrpc_value *item = NULL;
		json_object *j = NULL;
		bool ok;

		xmlrpc_array_read_item(env, v, (unsigned int)i, &item);
		if (env->fault_occurred)
			return false;
		ok = to_json(cv, item, depth + 1, &j);
		xmlrpc_DECREF(item);
		if (!ok)
			return false;
		if (json_object_array_add(*out, j) != 0)
			must(NULL);
	}
	return true;
}

static bool
struct_to_json(struct conv *cv, xmlrpc_env *env, xmlrpc_value *v, int depth, json_object **out)
{
	int i, n = xmlrpc_struct_size(env, v);

	if (env->fault_occurred)
		return false;
	*out = must(json_object_new_object());
	for (i = 0; i < n; i++) {
		xmlrpc_value *k = NULL, *m = NULL;
		const char *key = NULL;
		size_t klen;
		json_object *j = NULL;
		bool ok;

		xmlrpc_struct_read_member(env, v, (unsigned int)i, &k, &m);
		if (env->fault_occurred)
			return false;
		key = xv_string(env, k, &klen);
		ok = key != NULL && to_json(cv, m, depth + 1, &j);
		/* An xmlrpc-c struct holds each key once (the last of a repeated
		 * member wins), so json-c need not look for it first. */
		if (ok && json_object_object_add_ex(*out, key, j, JSON_C_OBJECT_ADD_KEY_IS_NEW) != 0)
			must(NULL);
		if (!ok)
			json_object_put(j);
		free((void *)key);
		xmlrpc_DECREF(k);
		xmlrpc_DECREF(m);
		if (!ok)
			return false;
	}
	return true;
}

/*
 * Converts one xmlrpc-c value to JSON (*out, NULL for <nil/>).  On failure
 * returns false, *out is NULL and cv->why says what was wrong (for the log).
 */
static bool
to_json(struct conv *cv, xmlrpc_value *v, int depth, json_object **out)
{
	xmlrpc_env env;
	bool ok = true;
	char num[40];

	*out = NULL;
	if (depth > ODOO_MAX_DEPTH) {
		cv->why = "values nested too deeply";
		return false;
	}
	xmlrpc_env_init(&env);
	switch (xmlrpc_value_type(v)) {
	case XMLRPC_TYPE_INT: {
		int i;
		xmlrpc_read_int(&env, v, &i);
		if (!env.fault_occurred)
			*out = must(json_object_new_int64(i));
		break;
	}
	case XMLRPC_TYPE_I8: {
		xmlrpc_int64 i;
		xmlrpc_read_i8(&env, v, &i);
		if (!env.fault_occurred)
			*out = must(json_object_new_int64(i));
		break;
	}
	case XMLRPC_TYPE_BOOL: {
		xmlrpc_bool bv;
		xmlrpc_read_bool(&env, v, &bv);
		if (!env.fault_occurred)
			*out = must(json_object_new_boolean(bv != 0));
		break;
	}
	case XMLRPC_TYPE_DOUBLE: {
		double d;
		size_t k;
		xmlrpc_read_double(&env, v, &d);
		if (env.fault_occurred)
			break;
		/* d is the index prepare() put in place of the text. */
		if (!(d >= 0 && d < (double)cv->ndoubles) || d != (double)(size_t)d) {
			cv->why = "a double that was not read apart";
			ok = false;
			break;
		}
		k = (size_t)d;
		d = cv->doubles[k];
		/* json-c's default "%.17g" is exact but prints 0.1 as
		 * 0.10000000000000001: keep the shortest exact text instead. */
		fmt_double(d, num);
		*out = must(json_object_new_double_s(d, num));
		break;
	}
	case XMLRPC_TYPE_STRING: {
		size_t n;
		const char *s = xv_string(&env, v, &n);
		if (s != NULL)
			*out = must(json_object_new_string_len(s, (int)n));
		free((void *)s);
		break;
	}
	case XMLRPC_TYPE_DATETIME: {
		const char *s = NULL;
		xmlrpc_read_datetime_str(&env, v, &s);
		if (!env.fault_occurred) {
			*out = must(json_object_new_string(s));
			free((void *)s);
		}
		break;
	}
	case XMLRPC_TYPE_BASE64: {
		const unsigned char *p = NULL;
		size_t n, elen;
		char *e;
		xmlrpc_read_base64(&env, v, &n, &p);
		if (!env.fault_occurred) {
			e = base64_encode(p, n, &elen);
			*out = must(json_object_new_string_len(e, (int)elen));
			free(e);
			free((void *)p);
		}
		break;
	}
	case XMLRPC_TYPE_NIL:
		break;
	case XMLRPC_TYPE_ARRAY:
		ok = array_to_json(cv, &env, v, depth, out);
		break;
	case XMLRPC_TYPE_STRUCT:
		ok = struct_to_json(cv, &env, v, depth, out);
		break;
	default:
		cv->why = "a value of an unexpected type";
		ok = false;
		break;
	}
	if (env.fault_occurred) {
		cv->why = "an unreadable value";
		ok = false;
	}
	if (!ok) {
		json_object_put(*out);
		*out = NULL;
	}
	xmlrpc_env_clean(&env);
	return ok;
}

/* Where needle occurs last in the n bytes at hay, or NULL. */
static const char *
memrmem(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	const char *p;

	if (n < k)
		return NULL;
	for (p = hay + n - k;; p--) {
		if (memcmp(p, needle, k) == 0)
			return p;
		if (p == hay)
			return NULL;
	}
}

/*
 * Odoo's legacy /xmlrpc endpoint sends string faultCodes, which
 * xmlrpc_parse_response2() refuses.  After that refusal, the value inside
 * <fault> is parsed on its own.  Returns false when there is no readable
 * fault struct (the body is then just bad).
 */
static bool
parse_fault_alone(const char *xml, size_t len, struct odoo_error *err)
{
	const char *start = memmem(xml, len, "<fault>", 7), *end;
	xmlrpc_env env;
	xmlrpc_value *v = NULL, *code = NULL, *fsv = NULL;
	const char *fs = NULL, *cs = NULL;
	size_t n;
	bool ok = false;

	if (start == NULL)
		return false;
	start += 7;
	end = memrmem(start, len - (size_t)(start - xml), "</fault>");
	if (end == NULL)
		return false;
	while (start < end && is_space(*start))
		start++;
	while (end > start && is_space(end[-1]))
		end--;
	xmlrpc_env_init(&env);
	{
		xmlrpc_value *tmp = NULL;
		xmlrpc_parse_value_xml(&env, start, (size_t)(end - start), &tmp);
		if (env.fault_occurred)
			goto out;
		v = tmp;
	}
	if (xmlrpc_value_type(v) != XMLRPC_TYPE_STRUCT)
		goto out;
	code = xv_member(&env, v, "faultCode");
	if (code != NULL)
		fsv = xv_member(&env, v, "faultString");
	if (env.fault_occurred || code == NULL)
		goto out;
	if (fsv != NULL && xmlrpc_value_type(fsv) == XMLRPC_TYPE_STRING &&
	    (fs = xv_string(&env, fsv, &n)) == NULL)
		goto out;
	if (xmlrpc_value_type(code) == XMLRPC_TYPE_INT) {
		int c;
		xmlrpc_read_int(&env, code, &c);
		if (env.fault_occurred)
			goto out;
		classify(c, fs ? fs : "", false, err);
		ok = true;
	} else if (xmlrpc_value_type(code) == XMLRPC_TYPE_STRING) {
		if ((cs = xv_string(&env, code, &n)) == NULL)
			goto out;
		classify_legacy(cs, fs ? fs : "", err);
		ok = true;
	}
out:
	free((void *)fs);
	free((void *)cs);
	if (fsv)
		xmlrpc_DECREF(fsv);
	if (code)
		xmlrpc_DECREF(code);
	if (v)
		xmlrpc_DECREF(v);
	xmlrpc_env_clean(&env);
	return ok;
}

/*
 * Finds the next element named by open (e.g. "<double") in [p, end) and
 * copies its text into text (cap bytes).  Returns where the element starts
 * and sets *after past its end tag, or NULL when there is none; *bad is
 * set when there is one that is not plain <name>text</name> with a short
 * text.
 */
static const char *
next_element(const char *p, const char *end, const char *open, const char *close,
             char *text, size_t cap, const char **after, bool *bad)
{
	size_t ol = strlen(open), cl = strlen(close), n;
	const char *q = memmem(p, (size_t)(end - p), open, ol), *t, *c;

	*bad = false;
	if (q == NULL)
		return NULL;
	t = q + ol + 1;
	/* attributes, white space in the tag, <x/>, or a truncated tag */
	if (t > end || q[ol] != '>') {
		*bad = true;
		return q;
	}
	c = memmem(t, (size_t)(end - t), close, cl);
	n = c ? (size_t)(c - t) : 0;
	if (c == NULL || n == 0 || n >= cap) {
		*bad = true;
		return q;
	}
	memcpy(text, t, n);
	text[n] = '\0';
	*after = c + cl;
	return q;
}

/*
 * What xmlrpc-c is not shown.  Odoo never sends a DTD (refusing one also
 * rules out entity expansion bombs), comments or CDATA sections (which
 * could hide a "<double>" that is not an element from the pass below).
 */
static const char *const refused_markup[] = { "<!DOCTYPE", "<!--", "<![CDATA[" };

/*
 * xmlrpc-c 1.33 crashes (a bad format argument in its error path) on most
 * malformed <i8> contents, e.g. "<i8>-</i8>": they are refused before it
 * sees them.  Odoo itself never sends <i8>.
 */
static const char *const i8_tags[][2] = { { "<i8", "</i8>" }, { "<ex:i8", "</ex:i8>" } };

/* Whether the n bytes at p begin with the string s. */
static bool
starts(const char *p, size_t n, const char *s)
{
	size_t l = strlen(s);

	return n >= l && memcmp(p, s, l) == 0;
}

/* The bytes the pass below looks at: markup, references, and lead bytes of U+E000..U+EFFF and past U+FFFF. */
static const bool noteworthy[256] = {
	['<'] = true, ['&'] = true, [0xee] = true,
	[0xf0] = true, [0xf1] = true, [0xf2] = true, [0xf3] = true, [0xf4] = true,
};

/*
 * Prepares an answer for xmlrpc-c, in one pass over it: refuses what it
 * must not see (refused_markup, malformed <i8>), and rewrites
 *  - each <double>TEXT</double> as <double>N</double>, N the index of
 *    TEXT in a table read with strtod() (correctly rounded; xmlrpc-c 1.33
 *    reads doubles with a digit loop of its own that is not: Odoo's 324.43
 *    came back as 324.42999999999995; small integers it reads exactly);
 *  - each character past U+FFFF, and each of the block WIDE_HI..WIDE_ESC,
 *    written as UTF-8 or as a character reference, as its placeholder.
 * On success out holds the rewritten body (or stays empty when there was
 * nothing to rewrite) and *d the *nd doubles; on failure returns a reason
 * for the log.
 */
static const char *
prepare(const char *xml, size_t len, struct buf *out, double **d, size_t *nd)
{
	const unsigned char *u = (const unsigned char *)xml;
	const char *end = xml + len, *after = NULL;
	size_t i = 0, run = 0, l, k, cap = 0;
	char text[72], idx[48];
	bool bad;
	uint32_t c;
	int64_t v;

	*d = NULL;
	*nd = 0;
	while (i < len) {
		while (i < len && !noteworthy[u[i]])
			i++;
		if (i == len)
			break;
		if (u[i] == '<') {
			/* Most tags are none of these: their second byte tells. */
			if (i + 1 < len && xml[i + 1] != '!' && xml[i + 1] != 'd' && xml[i + 1] != 'e' && xml[i + 1] != 'i') {
				i++;
				continue;
			}
			for (k = 0; k < ARRAY_SIZE(refused_markup); k++)
				if (starts(xml + i, len - i, refused_markup[k]))
					return "a DTD, comment or CDATA section";
			for (k = 0; k < ARRAY_SIZE(i8_tags) && !starts(xml + i, len - i, i8_tags[k][0]); k++)
				;
			if (k < ARRAY_SIZE(i8_tags)) {
				next_element(xml + i, end, i8_tags[k][0], i8_tags[k][1], text, sizeof text, &after, &bad);
				if (bad || !parse_int64(text, INT64_MIN, INT64_MAX, &v))
					return "a malformed <i8>";
				i = (size_t)(after - xml);
				continue;
			}
			if (!starts(xml + i, len - i, "<double")) {
				i++;
				continue;
			}
			next_element(xml + i, end, "<double", "</double>", text, sizeof text, &after, &bad);
			if (bad)
				return "a malformed <double>";
			if (*nd == cap) {
				cap = cap ? cap * 2 : 64;
				*d = xrealloc(*d, cap * sizeof **d);
			}
			/* Strict: no spaces, inf or nan (Python writes those for non-finite values). */
			if (!parse_double(text, &(*d)[*nd]))
				return "a double that is not a finite number";
			snprintf(idx, sizeof idx, "<double>%zu</double>", *nd);
			(*nd)++;
			if (!buf_append(out, xml + run, i - run) || !buf_puts(out, idx))
				return "too many doubles";
			i = run = (size_t)(after - xml);
			continue;
		}
		if (u[i] == '&')
			l = i + 1 < len && u[i + 1] == '#' ? char_ref(xml + i, len - i, &c) : 0;
		else
			l = utf8_decode(u + i, len - i, &c);
		if (l == 0 || (c <= 0xffff && !wide_reserved(c))) {
			i += l ? l : 1;
			continue;
		}
		if (!buf_append(out, xml + run, i - run) || !put_wide(out, c))
			return "too many characters past U+FFFF";
		i = run = i + l;
	}
	if (run > 0 && !buf_append(out, xml + run, len - run))
		return "an answer grown too large";
	return NULL;
}

enum odoo_err
odoo_parse_response(const char *xml, size_t len, json_object **out, struct odoo_error *err)
{
	xmlrpc_env env;
	xmlrpc_value *result = NULL;
	int fault_code = 0;
	const char *fault_string = NULL, *why;
	struct conv cv = { NULL, 0, NULL };
	double *doubles = NULL;
	struct buf rw;

	*out = NULL;
	clear_err(err);
	/* A rewrite is at most twice what it replaces (see WIDE_GROWTH). */
	buf_init(&rw, WIDE_GROWTH(len));
	xmlrpc_env_init(&env);
	if (len == 0) {
		set_err(err, ODOO_E_BAD_RESPONSE, "empty answer");
		goto out;
	}
	why = prepare(xml, len, &rw, &doubles, &cv.ndoubles);
	if (why != NULL) {
		set_err(err, ODOO_E_BAD_RESPONSE, "answer has %s", why);
		goto out;
	}
	cv.doubles = doubles;
	if (rw.len > 0) {
		xml = rw.data;
		len = rw.len;
	}
	{
		xmlrpc_value *r = NULL;
		const char *fs = NULL;
		xmlrpc_parse_response2(&env, xml, len, &r, &fault_code, &fs);
		if (!env.fault_occurred) {
			result = r;
			fault_string = fs;
		}
	}
	if (fault_string != NULL) {
		size_t n = strlen(fault_string);
		fault_string = unswap(fault_string, &n);
	}
	if (env.fault_occurred) {
		if (!parse_fault_alone(xml, len, err))
			set_err(err, ODOO_E_BAD_RESPONSE, "not XML-RPC: %.200s", env.fault_string);
	} else if (result == NULL && fault_string == NULL) {
		set_err(err, ODOO_E_BAD_RESPONSE, "answer has a fault with a stray placeholder");
	} else if (fault_string != NULL) {
		classify(fault_code, fault_string, false, err);
	} else if (!to_json(&cv, result, 1, out)) {
		set_err(err, ODOO_E_BAD_RESPONSE, "answer has %s", cv.why);
	}
out:
	free((void *)fault_string);
	free(doubles);
	buf_free(&rw);
	if (result)
		xmlrpc_DECREF(result);
	xmlrpc_env_clean(&env);
	return err->code;
}

/* ------------------------------------------------------------ transport */

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/*
 * xmlrpc-c's size limit is one process-wide variable, read by every parse.
 * Every client of a process is made from the same configuration, so the
 * first odoo_new() raises it, before any parse, and later ones find it
 * high enough and leave it alone.
 */
static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;

static void
raise_xml_limit(size_t n)
{
	pthread_mutex_lock(&limit_lock);
	if (xmlrpc_limit_get(XMLRPC_XML_SIZE_LIMIT_ID) < n)
		xmlrpc_limit_set(XMLRPC_XML_SIZE_LIMIT_ID, n);
	pthread_mutex_unlock(&limit_lock);
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct odoo *o = ud;
	size_t n = size * nmemb;

	if (!buf_append(&o->resp, p, n)) {
		o->resp_too_big = true;
		return 0;    /* makes curl stop with CURLE_WRITE_ERROR */
	}
	return n;
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct odoo *o = ud;

	(void)p;
	o->header_bytes += size * nmemb;
	return size * nmemb;
}

/* libcurl results that are not "Odoo unreachable" (the default). */
static const struct {
	CURLcode      rc;
	enum odoo_err code;
} curl_table[] = {
	{ CURLE_OPERATION_TIMEDOUT,   ODOO_E_TIMEOUT },
	{ CURLE_WRITE_ERROR,          ODOO_E_BAD_RESPONSE },   /* over max_response */
	{ CURLE_FILESIZE_EXCEEDED,    ODOO_E_BAD_RESPONSE },   /* Content-Length over it */
	{ CURLE_PARTIAL_FILE,         ODOO_E_BAD_RESPONSE },
	{ CURLE_WEIRD_SERVER_REPLY,   ODOO_E_BAD_RESPONSE },
	{ CURLE_BAD_CONTENT_ENCODING, ODOO_E_BAD_RESPONSE },
	{ CURLE_TOO_MANY_REDIRECTS,   ODOO_E_BAD_RESPONSE },
};

static enum odoo_err
classify_curl(CURLcode rc, bool got_bytes)
{
	size_t i;

	/* A connection that dies once an answer has begun is a broken answer;
	 * before the first byte it is a server that went away. */
	if (got_bytes && (rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING))
		return ODOO_E_BAD_RESPONSE;
	for (i = 0; i < ARRAY_SIZE(curl_table); i++)
		if (curl_table[i].rc == rc)
			return curl_table[i].code;
	return ODOO_E_UNREACHABLE;
}

/* POSTs body to the endpoint; on ODOO_OK the answer (HTTP 200) is in o->resp. */
static enum odoo_err
http_post(struct odoo *o, enum endpoint ep, const char *body, size_t len, struct odoo_error *err)
{
	CURLcode rc;
	long status = 0;

	buf_reset(&o->resp);
	o->resp_too_big = false;
	o->header_bytes = 0;
	o->curl_err[0] = '\0';
	curl_easy_setopt(o->curl, CURLOPT_URL, o->url[ep]);
	curl_easy_setopt(o->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(o->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	rc = curl_easy_perform(o->curl);
	if (rc != CURLE_OK) {
		enum odoo_err e = classify_curl(rc, o->header_bytes + o->resp.len > 0);

		if (o->resp_too_big || rc == CURLE_FILESIZE_EXCEEDED)
			return set_err(err, e, "answer larger than %zu bytes", o->max_response);
		return set_err(err, e, "%s", o->curl_err[0] ? o->curl_err : curl_easy_strerror(rc));
	}
	curl_easy_getinfo(o->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200)
		return set_err(err, ODOO_E_BAD_RESPONSE, "HTTP status %ld", status);
	return ODOO_OK;
}

/* Overwrites each occurrence of secret in s (log text) with '*'. */
static void
redact_one(const char *secret, char *s)
{
	size_t n = secret != NULL ? strlen(secret) : 0;
	char *p;

	if (n < 4)    /* too short to tell from ordinary words */
		return;
	while ((p = strstr(s, secret)) != NULL)
		memset(p, '*', n);
}

/* The service password and the secret of the user a call runs as, out of log text. */
static void
redact(const struct odoo *o, char *s)
{
	redact_one(o->password, s);
	redact_one(o->call_secret, s);
}

static void
log_result(const struct odoo *o, const char *what, long long ms, struct odoo_error *err)
{
	switch (err->code) {
	case ODOO_OK:
		log_debug("odoo: %s: ok in %lld ms, %zu bytes", what, ms, o->resp.len);
		break;
	case ODOO_E_USER:
	case ODOO_E_MISSING:
		log_info("odoo: %s: %s after %lld ms: %s", what, odoo_strerror(err->code), ms, err->message);
		break;
	case ODOO_E_ACCESS:
	case ODOO_E_LOGIN:
		log_warn("odoo: %s: %s after %lld ms: %s", what, odoo_strerror(err->code), ms, err->message);
		break;
	default:
		redact(o, err->message);
		log_error("odoo: %s: %s after %lld ms: %s", what, odoo_strerror(err->code), ms, err->message);
		break;
	}
}

/* At debug level, the end of a traceback (its most useful part) goes to the log. */
static void
log_traceback(const struct odoo *o, const char *what)
{
	char tail[1800];
	const char *fs;
	size_t n;

	if (log_get_level() < LOG_DEBUG || o->resp.len == 0)
		return;
	fs = strstr(o->resp.data, traceback_head);
	if (fs == NULL)
		return;
	n = strlen(fs);
	if (n >= sizeof tail)
		fs += n - (sizeof tail - 1);
	copy_text(tail, sizeof tail, fs, strlen(fs));
	redact(o, tail);
	log_debug("odoo: %s: traceback: %s", what, tail);
}

/*
 * One XML-RPC call: serialise, POST, parse.  When idempotent, a call that
 * found Odoo unreachable is made once more.  A timeout is not retried: it
 * has already cost ODOO_TIMEOUT_MS, a second try would double what the
 * client waits for, and an overloaded Odoo would get twice the work.
 */
static enum odoo_err
rpc(struct odoo *o, enum endpoint ep, const char *method, json_object *params,
    bool idempotent, const char *what, json_object **out, struct odoo_error *err)
{
	struct buf body;
	enum ser_err se;
	enum odoo_err rc = ODOO_OK;
	int attempt;

	*out = NULL;
	clear_err(err);
	buf_init(&body, MAX_REQUEST);
	se = ser_call(&body, method, params);
	if (se != SER_OK) {
		set_err(err, ODOO_E_REQUEST, "The request holds %s.", ser_messages[se]);
		log_info("odoo: %s: not sent: %s", what, err->message);
		rc = err->code;
		goto out;
	}
	for (attempt = 1; attempt <= (idempotent ? 2 : 1); attempt++) {
		int64_t t0 = now_mono_us(), us;

		log_debug("odoo: %s: sending %zu bytes (attempt %d)", what, body.len, attempt);
		rc = http_post(o, ep, body.data, body.len, err);
		if (rc == ODOO_OK)
			rc = odoo_parse_response(o->resp.data, o->resp.len, out, err);
		us = now_mono_us() - t0;
		o->stats.calls++;
		o->stats.total_us += us;
		if (us > o->stats.max_us)
			o->stats.max_us = us;
		if (rc != ODOO_OK)
			o->stats.failures++;
		log_result(o, what, (long long)(us / 1000), err);
		if (rc == ODOO_E_SERVER)
			log_traceback(o, what);
		if (rc != ODOO_E_UNREACHABLE)
			break;
	}
out:
	/* The body holds the password: do not leave it in freed memory. */
	if (body.data)
		explicit_bzero(body.data, body.cap);
	buf_free(&body);
	return rc;
}

/* ------------------------------------------------------------ public API */

struct odoo *
odoo_new(const struct odoo_config *cfg)
{
	struct odoo *o;
	size_t n;

	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK)
		return NULL;
	o = xcalloc(1, sizeof *o);
	o->curl = curl_easy_init();
	if (o->curl == NULL) {
		free(o);
		return NULL;
	}
	/* ODOO_URL may end in '/' and may carry a path prefix. */
	n = strlen(cfg->url);
	while (n > 0 && cfg->url[n - 1] == '/')
		n--;
	o->url[EP_COMMON] = xasprintf("%.*s/xmlrpc/2/common", (int)n, cfg->url);
	o->url[EP_OBJECT] = xasprintf("%.*s/xmlrpc/2/object", (int)n, cfg->url);
	o->db = xstrdup(cfg->db);
	o->username = xstrdup(cfg->username);
	o->password = xstrdup(cfg->password);
	o->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : DEFAULT_TIMEOUT_MS;
	o->max_response = cfg->max_response > 0 ? cfg->max_response : DEFAULT_MAX_RESPONSE;
	buf_init(&o->resp, o->max_response);
	/* What xmlrpc-c is given after prepare(). */
	raise_xml_limit(WIDE_GROWTH(o->max_response));

	o->headers = curl_slist_append(NULL, "Content-Type: text/xml");
	/* No "Expect: 100-continue" round trip before bodies over 1 KiB. */
	if (o->headers)
		o->headers = curl_slist_append(o->headers, "Expect:");
	if (o->headers == NULL) {
		log_error("out of memory in libcurl");
		abort();
	}
	curl_easy_setopt(o->curl, CURLOPT_HTTPHEADER, o->headers);
	curl_easy_setopt(o->curl, CURLOPT_POST, 1L);
	curl_easy_setopt(o->curl, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	curl_easy_setopt(o->curl, CURLOPT_NOSIGNAL, 1L);   /* threads: no SIGALRM */
	curl_easy_setopt(o->curl, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(o->curl, CURLOPT_CONNECTTIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(o->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_response);
	curl_easy_setopt(o->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(o->curl, CURLOPT_WRITEDATA, o);
	curl_easy_setopt(o->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(o->curl, CURLOPT_HEADERDATA, o);
	curl_easy_setopt(o->curl, CURLOPT_ERRORBUFFER, o->curl_err);
	/*
	 * Proxies from the environment (http_proxy, https_proxy, ALL_PROXY) are
	 * ignored: under CGI part of the environment comes from the client, it
	 * differs between web servers, and the bridge normally sits next to
	 * Odoo.  A proxy, if ever needed, should be a setting of its own.
	 */
	curl_easy_setopt(o->curl, CURLOPT_PROXY, "");
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(o->curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(o->curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	return o;
}

void
odoo_free(struct odoo *o)
{
	if (o == NULL)
		return;
	curl_easy_cleanup(o->curl);
	curl_slist_free_all(o->headers);
	free(o->url[EP_COMMON]);
	free(o->url[EP_OBJECT]);
	free(o->db);
	free(o->username);
	explicit_bzero(o->password, strlen(o->password));
	free(o->password);
	buf_free(&o->resp);
	free(o);
}

void
odoo_get_stats(const struct odoo *o, struct odoo_stats *st)
{
	if (o == NULL) {
		memset(st, 0, sizeof *st);
		return;
	}
	*st = o->stats;
}

enum odoo_err
odoo_version(struct odoo *o, json_object **out, long *latency_ms, struct odoo_error *err)
{
	json_object *params = must(json_object_new_array());
	int64_t t0 = now_mono_us();
	enum odoo_err rc;

	rc = rpc(o, EP_COMMON, "version", params, true, "common.version", out, err);
	json_object_put(params);
	if (latency_ms)
		*latency_ms = (long)((now_mono_us() - t0) / 1000);
	if (rc == ODOO_OK && !json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		rc = set_err(err, ODOO_E_BAD_RESPONSE, "version() did not return a struct");
	}
	return rc;
}

enum odoo_err
odoo_authenticate(struct odoo *o, const char *login, const char *password,
                  long *uid, struct odoo_error *err)
{
	json_object *params = must(json_object_new_array()), *res = NULL;
	enum odoo_err rc;

	*uid = 0;
	json_object_array_add(params, must(json_object_new_string(o->db)));
	json_object_array_add(params, must(json_object_new_string(login)));
	json_object_array_add(params, must(json_object_new_string(password)));
	json_object_array_add(params, must(json_object_new_object()));
	rc = rpc(o, EP_COMMON, "authenticate", params, true, "common.authenticate", &res, err);
	json_object_put(params);
	if (rc != ODOO_OK)
		return rc;
	/* A uid, or False for a wrong login or password. */
	if (json_object_is_type(res, json_type_int) && json_object_get_int64(res) > 0 &&
	    json_object_get_int64(res) <= INT32_MAX)
		*uid = (long)json_object_get_int64(res);
	else if (!json_object_is_type(res, json_type_boolean) || json_object_get_boolean(res))
		rc = set_err(err, ODOO_E_BAD_RESPONSE, "authenticate() returned neither a uid nor False");
	json_object_put(res);
	return rc;
}

long
odoo_service_uid(struct odoo *o, struct odoo_error *err)
{
	long uid = 0;

	clear_err(err);
	if (o->uid > 0)
		return o->uid;
	if (odoo_authenticate(o, o->username, o->password, &uid, err) != ODOO_OK) {
		log_error("odoo: the service account \"%s\" could not log in to database \"%s\": %s: %s",
		          o->username, o->db, odoo_strerror(err->code), err->message);
		/*
		 * A fault (not a transport error) on the service account's own login
		 * is a misconfiguration, e.g. ODOO_DB naming no database, which Odoo
		 * answers with a psycopg2 traceback (fault 1): 503, as for a wrong
		 * password (DESIGN.md section 3), not 502.  So are credentials
		 * or a database name XML cannot carry: they come from the
		 * configuration, not from the client.
		 */
		if (err->code == ODOO_E_SERVER || err->code == ODOO_E_USER ||
		    err->code == ODOO_E_ACCESS || err->code == ODOO_E_MISSING ||
		    err->code == ODOO_E_REQUEST)
			err->code = ODOO_E_LOGIN;
		return 0;
	}
	if (uid == 0) {
		set_err(err, ODOO_E_LOGIN, "authenticate() returned False for the service account");
		log_error("odoo: Odoo refuses the service account \"%s\" on database \"%s\": "
		          "check ODOO_USERNAME and ODOO_PASSWORD", o->username, o->db);
		return 0;
	}
	o->uid = uid;
	log_info("odoo: service account \"%s\" logged in as uid %ld", o->username, uid);
	return uid;
}

enum odoo_err
odoo_execute_kw(struct odoo *o, const struct odoo_cred *as, const char *model, const char *method,
                json_object *args, json_object *kwargs, bool idempotent,
                json_object **out, struct odoo_error *err)
{
	char what[192];
	bool relogged = false;
	enum odoo_err rc;

	*out = NULL;
	snprintf(what, sizeof what, "%s.%s", model, method);
	if (!json_object_is_type(args, json_type_array) ||
	    (kwargs != NULL && !json_object_is_type(kwargs, json_type_object)) ||
	    (as != NULL && (as->uid <= 0 || as->secret == NULL))) {
		log_error("odoo: %s: args must be an array, kwargs an object or NULL, a user a uid and a secret", what);
		return set_err(err, ODOO_E_SERVER, "bad execute_kw arguments");
	}
	for (;;) {
		long uid = as != NULL ? as->uid : odoo_service_uid(o, err);
		json_object *params;

		if (uid == 0)
			return err->code;
		params = must(json_object_new_array());
		json_object_array_add(params, must(json_object_new_string(o->db)));
		json_object_array_add(params, must(json_object_new_int64(uid)));
		json_object_array_add(params, must(json_object_new_string(as != NULL ? as->secret : o->password)));
		json_object_array_add(params, must(json_object_new_string(model)));
		json_object_array_add(params, must(json_object_new_string(method)));
		json_object_array_add(params, json_object_get(args));
		if (kwargs)
			json_object_array_add(params, json_object_get(kwargs));
		o->call_secret = as != NULL ? as->secret : NULL;
		rc = rpc(o, EP_OBJECT, "execute_kw", params, idempotent, what, out, err);
		o->call_secret = NULL;
		json_object_put(params);
		if (rc != ODOO_E_LOGIN || err->fault_code != 3)
			return rc;
		if (as != NULL) {
			/* The user's password or API key changed, or the user is archived:
			 * not the service's trouble, and no new login can fix it here. */
			log_info("odoo: %s: Odoo refuses the credential of uid %ld", what, as->uid);
			err->code = ODOO_E_CREDENTIAL;
			return ODOO_E_CREDENTIAL;
		}
		/* AccessDenied: the password changed or the uid is stale.  Odoo
		 * refused before running anything, so even a write may be retried. */
		o->uid = 0;
		if (relogged) {
			log_error("odoo: %s: Odoo still refuses the service account \"%s\" after a new login",
			          what, o->username);
			return ODOO_E_LOGIN;
		}
		relogged = true;
		log_warn("odoo: %s: AccessDenied for the service account; logging in again", what);
	}
}
