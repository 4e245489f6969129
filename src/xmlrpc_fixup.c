/*
 * xmlrpc_fixup.c: what xmlrpc-c 1.33 (Debian 12) gets wrong in reading
 * Odoo's answers, worked around before and after it parses: characters
 * past U+FFFF, doubles, malformed <i8>, markup it must not see.  Delete
 * this file (and the calls in xmlrpc_read.c) once xmlrpc-c reads these
 * right; tests/unit/test_odoo.c says which answers each part is for.
 */
#include "autoconfig.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xmlrpc-c/base.h>

#include "odoo_int.h"
#include "util.h"
#include "xmlrpc.h"

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
const char *
xr_unswap(const char *s, size_t *n)
{
	char *r;

	if (memchr(s, 0xee, *n) == NULL)
		return s;
	r = restore_wide(s, *n, n);
	free((void *)s);
	return r;
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
const char *
xr_prepare(const char *xml, size_t len, struct buf *out, double **d, size_t *nd)
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


/*
 * xmlrpc-c's size limit is one process-wide variable, read by every parse.
 * Every client of a process is made from the same configuration, so the
 * first one raises it, before any parse, and later ones find it high
 * enough and leave it alone.
 */
static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;

void
xr_raise_limit(size_t max_response)
{
	size_t n = XR_GROWTH(max_response);

	pthread_mutex_lock(&limit_lock);
	if (xmlrpc_limit_get(XMLRPC_XML_SIZE_LIMIT_ID) < n)
		xmlrpc_limit_set(XMLRPC_XML_SIZE_LIMIT_ID, n);
	pthread_mutex_unlock(&limit_lock);
}
