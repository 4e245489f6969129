/*
 * xmlrpc_fast.c: the list answers of Odoo's XML-RPC (search_read, read,
 * web_search_read) turned into the API's JSON in one pass (issue 20).
 *
 * One forward scan over the answer, writing JSON into the caller's buffer
 * as it goes: no tree, no allocation per value.  It knows exactly the
 * shape Odoo writes (Python's xmlrpc.client: <?xml version='1.0'?>, one
 * element per line or none, the five entities) and whatever else could
 * look like it; anything else it leaves to today's path (xmlrpc-c,
 * xr_prepare, value.c and json-c), the oracle it is tested and fuzzed
 * against, byte for byte.  What that path does that this file mirrors:
 *  - xmlrpc-c ignores text beside the children of <array>, <struct> and
 *    the like: only white space is taken there, anything else falls back;
 *  - a <value> with no child is a string of its whole text, white space
 *    included;
 *  - line ends: expat reads a raw CR LF or lone CR as LF (XML 2.11), then
 *    xmlrpc-c turns CR LF and CR into LF in every string it reads out, so
 *    &#13; is LF too, and &#13; followed by an LF (raw or referenced, or a
 *    raw CR) is one LF;
 *  - doubles: xr_prepare reads the text with parse_double, xmlrpc_read.c
 *    writes fmt_double's text (fast_double below gives it without strtod
 *    for the plain decimals Odoo sends);
 *  - characters past U+FFFF, raw or referenced, come out as UTF-8;
 *  - json-c escapes '"', '\\', \b \f \n \r \t and other C0 controls
 *    (\u00xx), and nothing else under JSON_C_TO_STRING_NOSLASHESCAPE.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "odoo.h"
#include "value.h"
#include "xmlrpc_fast.h"

/* The most fields a schema may have here (more: fall back). */
#define XF_MAX_FIELDS 128

/* A schema as the converter reads it. */
struct xs {
	const struct rschema *s;
	size_t klen[XF_MAX_FIELDS];   /* strlen of each field's API name */
	size_t olen[XF_MAX_FIELDS];   /* strlen of each field's Odoo name (SIZE_MAX: gone) */
};

struct xf {
	const char *p, *end;
	struct buf *out;
	struct buf  scratch;   /* for rearranging output; allocated on first use */
	const struct xf_spec *spec;
	struct xs   rec;       /* the records' schema */
	struct xs   line;      /* the nested lines' (spec->lines) */
	size_t      keylen, fieldlen;   /* of spec->lines->key and ->field */
	size_t nrec;                  /* records written */
};

/* What a value turned out to be (for value_from_odoo's decisions). */
enum vt { VT_STRING, VT_INT, VT_FALSE, VT_TRUE, VT_DOUBLE, VT_ARRAY, VT_M2O };

struct vinfo {
	enum vt t;
	int64_t i;        /* VT_INT */
	size_t  items;    /* VT_ARRAY: how many */
	enum vt first;    /* VT_ARRAY: the type of the first */
	size_t  second;   /* VT_ARRAY: out offset where the second starts */
};

/* ---------------------------------------------------------------- output */

/* buf_append, without its call where the buffer has room (most of the time). */
static inline bool
put(struct xf *x, const void *p, size_t n)
{
	struct buf *b = x->out;

	if (n < b->cap - b->len && n <= b->max - b->len) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return true;
	}
	return buf_append(b, p, n);
}

#define PUTS(x, s) put(x, s, sizeof(s) - 1)

/* Truncates b to n bytes (n <= b->len). */
static void
cut(struct buf *b, size_t n)
{
	b->len = n;
	if (b->data != NULL)
		b->data[n] = '\0';
}

/* out[from..len) moved into the scratch buffer; out cut to from. */
static bool
stash(struct xf *x, size_t from)
{
	if (x->scratch.max == 0)
		buf_init(&x->scratch, x->out->max);
	buf_reset(&x->scratch);
	if (!buf_append(&x->scratch, x->out->data + from, x->out->len - from))
		return false;
	cut(x->out, from);
	return true;
}

static bool
put_int(struct xf *x, int64_t v)
{
	char b[24], *e = b + sizeof b, *q = e;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--q = '-';
	return put(x, q, (size_t)(e - q));
}

/* "name": for field i of the schema (names checked plain in schema_ok). */
static bool
put_key(struct xf *x, const struct xs *xs, size_t i)
{
	return PUTS(x, "\"") && put(x, xs->s->f[i].name, xs->klen[i]) && PUTS(x, "\":");
}

/* ----------------------------------------------------------------- input */

static bool
is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static void
skip_ws(struct xf *x)
{
	while (x->p < x->end && is_ws(*x->p))
		x->p++;
}

/* Consumes the n bytes of s when the input goes on with them. */
static bool
lit(struct xf *x, const char *s, size_t n)
{
	if ((size_t)(x->end - x->p) < n || memcmp(x->p, s, n) != 0)
		return false;
	x->p += n;
	return true;
}

#define LIT(x, s) lit(x, s, sizeof(s) - 1)
/* White space, then the tag. */
#define WLIT(x, s) (skip_ws(x), lit(x, s, sizeof(s) - 1))

/* ------------------------------------------------------------------ text */

/* Bytes of text that need a look: C0, '"', '&', '<', '>', '\\', non-ASCII. */
static const unsigned char special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* Whether XML 1.0 allows the character c (production [2] Char). */
static bool
xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
	       (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/*
 * The reference at p ('&', e its end): its length and character in *c, or
 * 0 for one this file does not take (expat refuses every other one: there
 * is no DTD to define entities).
 */
static size_t
reference(const char *p, const char *e, uint32_t *c)
{
	static const struct { const char *s; size_t n; char c; } named[] = {
		{ "&lt;", 4, '<' }, { "&gt;", 4, '>' }, { "&amp;", 5, '&' }, { "&quot;", 6, '"' }, { "&apos;", 6, '\'' },
	};
	size_t n = (size_t)(e - p), i, start;
	uint32_t v = 0;
	bool hex;

	if (n >= 2 && p[1] != '#') {
		for (i = 0; i < ARRAY_SIZE(named); i++)
			if (n >= named[i].n && memcmp(p, named[i].s, named[i].n) == 0) {
				*c = (unsigned char)named[i].c;
				return named[i].n;
			}
		return 0;
	}
	hex = n > 2 && p[2] == 'x';
	for (i = start = hex ? 3 : 2; i < n; i++) {
		uint32_t d;

		if (p[i] >= '0' && p[i] <= '9')
			d = (uint32_t)(p[i] - '0');
		else if (hex && p[i] >= 'a' && p[i] <= 'f')
			d = (uint32_t)(p[i] - 'a' + 10);
		else if (hex && p[i] >= 'A' && p[i] <= 'F')
			d = (uint32_t)(p[i] - 'A' + 10);
		else
			break;
		v = v * (hex ? 16 : 10) + d;
		if (v > 0x10ffff)
			return 0;
	}
	if (i == start || i >= n || p[i] != ';' || !xml_char(v))
		return 0;
	*c = v;
	return i + 1;
}

/* Appends character c (from a reference) as json-c writes it in a string. */
static bool
put_char(struct xf *x, uint32_t c)
{
	char u[4];

	switch (c) {
	case '"':  return PUTS(x, "\\\"");
	case '\\': return PUTS(x, "\\\\");
	case '\n': return PUTS(x, "\\n");
	case '\t': return PUTS(x, "\\t");
	default:   break;
	}
	if (c < 0x80) {
		u[0] = (char)c;
		return put(x, u, 1);
	}
	if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		return put(x, u, 2);
	}
	if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		return put(x, u, 3);
	}
	u[0] = (char)(0xf0 | (c >> 18));
	u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	u[3] = (char)(0x80 | (c & 0x3f));
	return put(x, u, 4);
}

/*
 * The character data at the input up to the next '<' (not consumed),
 * appended as a JSON string.  False for what XML or expat refuses there,
 * or no '<' before the end.
 */
static bool
text(struct xf *x)
{
	const unsigned char *start = (const unsigned char *)x->p, *p = start,
	                    *e = (const unsigned char *)x->end, *run = start, *cr = NULL;
	uint32_t c;
	size_t l;

	if (!PUTS(x, "\""))
		return false;
	for (;;) {
		while (p < e && !special[*p])
			p++;
		if (p == e)
			return false;
		if (*p >= 0x80) {
			l = utf8_decode(p, (size_t)(e - p), &c);
			if (l == 0 || c == 0xfffe || c == 0xffff)
				return false;
			p += l;
			continue;
		}
		if (*p == '>') {
			/* "]]>" may not occur in content; text always follows a tag's '>'. */
			if (p - start >= 2 && p[-1] == ']' && p[-2] == ']')
				return false;
			p++;
			continue;
		}
		if (p > run && !put(x, run, (size_t)(p - run)))
			return false;
		switch (*p) {
		case '<':
			x->p = (const char *)p;
			return PUTS(x, "\"");
		case '&':
			l = reference((const char *)p, (const char *)e, &c);
			if (l == 0)
				return false;
			if (c == '\r' || c == '\n') {
				/* xmlrpc-c reads CR LF and CR as LF (after expat: see below) */
				if ((c == '\r' || p != cr) && !PUTS(x, "\\n"))
					return false;
				cr = c == '\r' ? p + l : NULL;
			} else if (!put_char(x, c)) {
				return false;
			}
			p += l;
			break;
		case '"':
			if (!PUTS(x, "\\\""))
				return false;
			p++;
			break;
		case '\\':
			if (!PUTS(x, "\\\\"))
				return false;
			p++;
			break;
		case '\n':
			if (p != cr && !PUTS(x, "\\n"))
				return false;
			p++;
			break;
		case '\t':
			if (!PUTS(x, "\\t"))
				return false;
			p++;
			break;
		case '\r':
			/* XML 2.11: expat reads CR LF and a lone CR as LF. */
			if (p != cr && !PUTS(x, "\\n"))
				return false;
			p++;
			if (p < e && *p == '\n')
				p++;
			break;
		default:   /* C0 controls XML forbids */
			return false;
		}
		run = p;
	}
}

/* The raw text up to the next '<' (not consumed): its start and length. */
static const char *
raw_text(struct xf *x, size_t *n)
{
	const char *t = x->p, *lt = memchr(t, '<', (size_t)(x->end - t));

	if (lt == NULL)
		return NULL;
	*n = (size_t)(lt - t);
	x->p = lt;
	return t;
}

/* ---------------------------------------------------------------- numbers */

/* An <int>/<i4>/<i8> text: '-'? digits within [min, max]. */
static bool
int_value(struct xf *x, int64_t min, int64_t max, struct vinfo *vi)
{
	char tmp[24];
	size_t n;
	const char *t = raw_text(x, &n);

	/* xmlrpc-c's strtol also takes '+' and leading white space it then refuses: not these. */
	if (t == NULL || n == 0 || n >= sizeof tmp)
		return false;
	memcpy(tmp, t, n);
	tmp[n] = '\0';
	/* NUL: expat refuses it; parse_int64 would stop at it */
	if (strlen(tmp) != n || !parse_int64(tmp, min, max, &vi->i))
		return false;
	vi->t = VT_INT;
	return put_int(x, vi->i);
}

/*
 * fmt_double(strtod(t)) for the plain decimals Odoo writes ('-'? digits
 * ('.' digits)?) of at most 15 significant digits and a decimal exponent
 * in [-4, 14]: %.15g gives those digits back exactly (DBL_DIG), in
 * fixed notation.  False (num undefined) for any other text.
 */
static bool
fast_double(const char *t, size_t n, char num[40])
{
	size_t i = 0, ib, m, fb, fl, len, k, j, idx;
	bool neg = t[0] == '-';
	long xp;
	char *o = num;

#define DIGIT(q) ((q) < m ? t[ib + (q)] : t[fb + (q) - m])
	if (neg)
		i++;
	for (ib = i; i < n && t[i] >= '0' && t[i] <= '9'; i++)
		;
	m = i - ib;
	fb = i;
	if (m == 0)
		return false;
	if (i < n) {
		if (t[i] != '.')
			return false;
		for (fb = ++i; i < n && t[i] >= '0' && t[i] <= '9'; i++)
			;
		if (i == fb || i != n)
			return false;
	}
	fl = n - fb;
	if (fb == ib + m)   /* no '.' */
		fl = 0;
	len = m + fl;
	for (k = 0; k < len && DIGIT(k) == '0'; k++)
		;
	if (neg)
		*o++ = '-';
	if (k == len) {
		memcpy(o, "0.0", 4);
		return true;
	}
	for (j = len - 1; DIGIT(j) == '0'; j--)
		;
	xp = (long)m - 1 - (long)k;
	if (j - k + 1 > 15 || xp < -4 || xp > 14)
		return false;
	if (xp >= 0) {
		for (idx = k; idx < m; idx++)
			*o++ = DIGIT(idx);
		*o++ = '.';
		if (j < m)
			*o++ = '0';
		for (idx = m; idx <= j && j >= m; idx++)
			*o++ = DIGIT(idx);
	} else {
		*o++ = '0';
		*o++ = '.';
		for (idx = m; idx <= j; idx++)
			*o++ = DIGIT(idx);
	}
	*o = '\0';
	return true;
#undef DIGIT
}

/* A <double> text, as xr_prepare reads it and xmlrpc_read.c writes it. */
static bool
double_value(struct xf *x, struct vinfo *vi)
{
	char tmp[72], num[40];
	double d;
	size_t n;
	const char *t = raw_text(x, &n);

	/* xr_prepare: 1..71 bytes, parse_double. */
	if (t == NULL || n == 0 || n >= sizeof tmp)
		return false;
	if (!fast_double(t, n, num)) {
		memcpy(tmp, t, n);
		tmp[n] = '\0';
		if (strlen(tmp) != n || !parse_double(tmp, &d))
			return false;
		fmt_double(d, num);
	}
	vi->t = VT_DOUBLE;
	return put(x, num, strlen(num));
}

/* ----------------------------------------------------------------- values */

static bool value(struct xf *x, int depth, bool m2o, struct vinfo *vi);

/* <array> (consumed) to </array>, as a JSON array. */
static bool
array_value(struct xf *x, int depth, struct vinfo *vi)
{
	struct vinfo iv;

	vi->t = VT_ARRAY;
	vi->items = 0;
	vi->first = VT_STRING;
	vi->second = 0;
	if (!WLIT(x, "<data>") || !PUTS(x, "["))
		return false;
	for (;;) {
		if (WLIT(x, "</data>"))
			break;
		if (!LIT(x, "<value>"))
			return false;
		if (vi->items > 0 && !PUTS(x, ","))
			return false;
		if (vi->items == 1)
			vi->second = x->out->len;
		if (!value(x, depth + 1, false, &iv))
			return false;
		if (vi->items == 0)
			vi->first = iv.t;
		vi->items++;
	}
	return WLIT(x, "</array>") && PUTS(x, "]");
}

/* A <name> (consumed) as a JSON string at out[*at..len), and its </name>. */
static bool
member_name(struct xf *x, size_t *at)
{
	*at = x->out->len;
	return text(x) && LIT(x, "</name>");
}

/* Whether the JSON string out[at..len) is "s" (s plain, n bytes). */
static bool
name_is(struct xf *x, size_t at, const char *s, size_t n)
{
	return x->out->len - at == n + 2 && memcmp(x->out->data + at + 1, s, n) == 0;
}

/*
 * web_search_read's many2one, <struct> (consumed) to </struct>:
 * {"id": id, "name": display_name or null}, as many2one_from_odoo.
 */
static bool
m2o_struct(struct xf *x, int depth, struct vinfo *vi)
{
	size_t v0 = x->out->len, at, a, ia = SIZE_MAX, ib = 0, na = SIZE_MAX, nb = 0;
	struct vinfo iv;
	int which;

	for (;;) {
		if (WLIT(x, "</struct>"))
			break;
		if (!LIT(x, "<member>") || !WLIT(x, "<name>") || !member_name(x, &at))
			return false;
		which = name_is(x, at, "id", 2) ? 1 : name_is(x, at, "display_name", 12) ? 2 : 0;
		cut(x->out, at);
		if (!WLIT(x, "<value>"))
			return false;
		a = x->out->len;
		if (!value(x, depth + 1, false, &iv) || !WLIT(x, "</member>"))
			return false;
		/* xmlrpc-c keeps the last of a repeated member: not this file's concern. */
		if ((which == 1 && ia != SIZE_MAX) || (which == 2 && na != SIZE_MAX))
			return false;
		if (which == 1) {
			ia = a;
			ib = x->out->len;
		} else if (which == 2) {
			na = a;
			nb = x->out->len;
		} else {
			cut(x->out, a);
		}
	}
	/* A struct without "id" stays a struct: not handled. */
	if (ia == SIZE_MAX || !stash(x, v0))
		return false;
	vi->t = VT_M2O;
	if (!PUTS(x, "{\"id\":") || !put(x, x->scratch.data + (ia - v0), ib - ia) || !PUTS(x, ",\"name\":"))
		return false;
	if (na == SIZE_MAX ? !PUTS(x, "null") : !put(x, x->scratch.data + (na - v0), nb - na))
		return false;
	return PUTS(x, "}");
}

/*
 * A <value> (consumed) to </value>, written as xmlrpc_read.c's to_json
 * and json-c would.  Structs only as many2one's (when m2o).
 */
static bool
value(struct xf *x, int depth, bool m2o, struct vinfo *vi)
{
	const char *q = x->p;

	if (depth > ODOO_MAX_DEPTH)
		return false;
	skip_ws(x);
	if (x->end - x->p < 2 || x->p[0] != '<' || x->p[1] == '/') {
		/* No type element: a string of the whole text, white space and all. */
		x->p = q;
		vi->t = VT_STRING;
		return text(x) && LIT(x, "</value>");
	}
	if (LIT(x, "<string>")) {
		vi->t = VT_STRING;
		if (!text(x) || !LIT(x, "</string>"))
			return false;
	} else if (LIT(x, "<int>")) {
		if (!int_value(x, INT32_MIN, INT32_MAX, vi) || !LIT(x, "</int>"))
			return false;
	} else if (LIT(x, "<boolean>")) {
		if (x->end - x->p < 1 || (x->p[0] != '0' && x->p[0] != '1'))
			return false;
		vi->t = x->p[0] == '1' ? VT_TRUE : VT_FALSE;
		x->p++;
		if (!LIT(x, "</boolean>") || !(vi->t == VT_TRUE ? PUTS(x, "true") : PUTS(x, "false")))
			return false;
	} else if (LIT(x, "<double>")) {
		if (!double_value(x, vi) || !LIT(x, "</double>"))
			return false;
	} else if (LIT(x, "<array>")) {
		if (!array_value(x, depth, vi))
			return false;
	} else if (LIT(x, "<i4>")) {
		if (!int_value(x, INT32_MIN, INT32_MAX, vi) || !LIT(x, "</i4>"))
			return false;
	} else if (LIT(x, "<i8>")) {
		if (!int_value(x, INT64_MIN, INT64_MAX, vi) || !LIT(x, "</i8>"))
			return false;
	} else if (m2o && LIT(x, "<struct>")) {
		if (!m2o_struct(x, depth, vi))
			return false;
	} else {
		/* base64, dateTime.iso8601, nil, other structs, <x/>, attributes... */
		return false;
	}
	return WLIT(x, "</value>");
}

/* ------------------------------------------------------------------ fields */

/* A record member's <value> (consumed) for field f: value_from_odoo. */
static bool
field_value(struct xf *x, const struct xfield *f, int depth)
{
	size_t v0 = x->out->len, n;
	struct vinfo vi;
	char tmp[24], dt[21];

	if (!value(x, depth, f->type == FT_MANY2ONE, &vi))
		return false;
	if (f->type == FT_BOOLEAN)
		return true;
	/* False of any other type is null. */
	if (vi.t == VT_FALSE) {
		cut(x->out, v0);
		return PUTS(x, "null");
	}
	if (f->type == FT_MANY2ONE && vi.t == VT_INT) {
		/* load='' gives the bare id */
		n = x->out->len - v0;
		memcpy(tmp, x->out->data + v0, n);
		cut(x->out, v0);
		return PUTS(x, "{\"id\":") && put(x, tmp, n) && PUTS(x, ",\"name\":null}");
	}
	if (f->type == FT_MANY2ONE && vi.t == VT_ARRAY && vi.items == 2 && vi.first == VT_INT) {
		/* [id, name] -> {"id": id, "name": name} */
		size_t s2 = vi.second - v0, end;

		if (!stash(x, v0))
			return false;
		end = x->scratch.len - 1;   /* the ']' */
		return PUTS(x, "{\"id\":") && put(x, x->scratch.data + 1, s2 - 2) && PUTS(x, ",\"name\":") &&
		       put(x, x->scratch.data + s2, end - s2) && PUTS(x, "}");
	}
	if (f->type == FT_DATETIME && vi.t == VT_STRING && x->out->len - v0 == 21) {
		/* "YYYY-MM-DD HH:MM:SS" (no escapes in it) -> "YYYY-MM-DDTHH:MM:SSZ" */
		memcpy(tmp, x->out->data + v0 + 1, 19);
		tmp[19] = '\0';
		if (datetime_from_odoo(tmp, dt)) {
			if (!PUTS(x, "\""))
				return false;
			memcpy(x->out->data + v0 + 1, dt, 20);
		}
	}
	return true;
}

/* The schema field whose Odoo name is the JSON string out[at..len), from hint on; s->n when none. */
static size_t
find_field(struct xf *x, const struct xs *xs, size_t at, size_t hint)
{
	const struct rschema *s = xs->s;
	const char *nm = x->out->data + at + 1;
	size_t nl = x->out->len - at - 2, i;

	for (i = hint; i < s->n; i++)
		if (xs->olen[i] == nl && memcmp(s->f[i].odoo, nm, nl) == 0)
			return i;
	for (i = 0; i < hint && i < s->n; i++)
		if (xs->olen[i] == nl && memcmp(s->f[i].odoo, nm, nl) == 0)
			return i;
	return s->n;
}

/* "name":null, for the fields this Odoo lacks in [from, to). */
static bool
put_gone(struct xf *x, const struct xs *xs, size_t from, size_t to)
{
	for (size_t j = from; j < to && j < xs->s->n; j++)
		if (xs->s->f[j].odoo == NULL && !(put_key(x, xs, j) && PUTS(x, "null,")))
			return false;
	return true;
}

static bool records(struct xf *x, const struct xs *xs, int depth, bool top);

/* The lines' "key":[...], from their one2many's <value> (consumed) to </value>. */
static bool
lines_value(struct xf *x, int depth)
{
	return PUTS(x, "\"") && put(x, x->spec->lines->key, x->keylen) && PUTS(x, "\":") &&
	       records(x, &x->line, depth, false) && WLIT(x, "</value>");
}

/*
 * One record, a <value> (consumed) holding a <struct>, as
 * record_from_odoo(s, rec) written by json-c: the fields in table order
 * (rearranged at the end when Odoo's order was another).  With lines (the
 * records' schema and spec->lines), the one2many's nested records follow
 * as crud.c's crud_read adds them: last, under the lines' key, [] when the
 * record has no such member; ids rather than records fall back (crud.c
 * would read them).
 */
static bool
record(struct xf *x, const struct xs *xs, int depth, bool lines)
{
	const struct rschema *s = xs->s;
	size_t ostart[XF_MAX_FIELDS + 1], oend[XF_MAX_FIELDS + 1];
	size_t r0 = x->out->len, at, i, next = 0, nl;
	bool ordered = true;
	struct vinfo iv;

	if (depth > ODOO_MAX_DEPTH || !WLIT(x, "<struct>") || !PUTS(x, "{"))
		return false;
	/* the lines are one more field, after the table's (index s->n) */
	for (i = 0; i <= s->n; i++)
		ostart[i] = SIZE_MAX;
	for (;;) {
		if (WLIT(x, "</struct>"))
			break;
		if (!LIT(x, "<member>") || !WLIT(x, "<name>") || !member_name(x, &at))
			return false;
		nl = x->out->len - at - 2;
		if (lines && nl == x->fieldlen && memcmp(x->out->data + at + 1, x->spec->lines->field, nl) == 0)
			i = s->n + 1;
		else
			i = find_field(x, xs, at, next);
		cut(x->out, at);
		if (!WLIT(x, "<value>"))
			return false;
		if (i == s->n) {
			/* Not a field of s: read (it must be valid), not written. */
			if (!value(x, depth + 1, false, &iv))
				return false;
			cut(x->out, at);
		} else {
			if (i > s->n)
				i = s->n;   /* the lines */
			if (ostart[i] != SIZE_MAX)
				return false;   /* twice */
			if (i < next)
				ordered = false;
			else if (ordered && !put_gone(x, xs, next, i))
				return false;
			ostart[i] = x->out->len;
			if (i == s->n ? !lines_value(x, depth + 1)
			              : !put_key(x, xs, i) || !field_value(x, &s->f[i], depth + 1))
				return false;
			if (!PUTS(x, ","))
				return false;
			oend[i] = x->out->len;
			if (ordered)
				next = i + 1;
		}
		if (!WLIT(x, "</member>"))
			return false;
	}
	if (!WLIT(x, "</value>"))
		return false;
	if (ordered) {
		if (!put_gone(x, xs, next, s->n))
			return false;
	} else {
		if (!stash(x, r0 + 1))
			return false;
		for (i = 0; i <= s->n; i++) {
			if (i < s->n && s->f[i].odoo == NULL) {
				if (!put_gone(x, xs, i, i + 1))
					return false;
			} else if (ostart[i] != SIZE_MAX &&
			           !put(x, x->scratch.data + (ostart[i] - r0 - 1), oend[i] - ostart[i])) {
				return false;
			}
		}
	}
	if (lines && ostart[s->n] == SIZE_MAX &&
	    !(PUTS(x, "\"") && put(x, x->spec->lines->key, x->keylen) && PUTS(x, "\":[],")))
		return false;
	if (x->out->data[x->out->len - 1] == ',') {
		x->out->data[x->out->len - 1] = '}';
		return true;
	}
	return PUTS(x, "}");
}

/* <array> (the next tag) of records to </array>, as a JSON array; top: the answer's own. */
static bool
records(struct xf *x, const struct xs *xs, int depth, bool top)
{
	bool first = true;

	if (depth > ODOO_MAX_DEPTH || !WLIT(x, "<array>") || !WLIT(x, "<data>") || !PUTS(x, "["))
		return false;
	for (;;) {
		if (WLIT(x, "</data>"))
			break;
		if (top && x->spec->max_records != 0 && x->nrec == x->spec->max_records)
			return false;
		if (!LIT(x, "<value>") || (!first && !PUTS(x, ",")) ||
		    !record(x, xs, depth + 1, top && x->spec->lines != NULL))
			return false;
		first = false;
		if (top)
			x->nrec++;
	}
	return WLIT(x, "</array>") && PUTS(x, "]");
}

/* web_search_read's {length, records}: <struct> (the next tag) to </struct>. */
static bool
envelope_struct(struct xf *x, int64_t *length)
{
	bool have_len = false, have_recs = false;
	struct vinfo vi;
	size_t at;

	if (!WLIT(x, "<struct>"))
		return false;
	for (;;) {
		if (WLIT(x, "</struct>"))
			break;
		if (!LIT(x, "<member>") || !WLIT(x, "<name>") || !member_name(x, &at))
			return false;
		if (name_is(x, at, "length", 6) && !have_len) {
			cut(x->out, at);
			if (!WLIT(x, "<value>") || !value(x, 2, false, &vi) || vi.t != VT_INT || vi.i < 0)
				return false;
			cut(x->out, at);
			*length = vi.i;
			have_len = true;
		} else if (name_is(x, at, "records", 7) && !have_recs) {
			cut(x->out, at);
			if (!WLIT(x, "<value>") || !records(x, &x->rec, 2, true) || !WLIT(x, "</value>"))
				return false;
			have_recs = true;
		} else {
			return false;
		}
		if (!WLIT(x, "</member>"))
			return false;
	}
	return have_len && have_recs;
}

/* Whether s holds no byte json-c would escape. */
static bool
plain(const char *s, size_t *n)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == '"' || s[i] == '\\')
			return false;
	*n = i;
	return true;
}

/* Reads s into xs; false for a schema this file does not take. */
static bool
schema_ok(const struct rschema *s, struct xs *xs)
{
	xs->s = s;
	if (s == NULL || s->n > XF_MAX_FIELDS)
		return false;
	for (size_t i = 0; i < s->n; i++) {
		if (!plain(s->f[i].name, &xs->klen[i]))
			return false;
		xs->olen[i] = SIZE_MAX;   /* gone: no member name is that long */
		if (s->f[i].odoo != NULL && (!plain(s->f[i].odoo, &xs->olen[i]) || xs->olen[i] == 0))
			return false;
		/* Two fields of one name, or read from one Odoo field: not this file's concern. */
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->f[i].name, s->f[j].name) == 0 ||
			    (s->f[i].odoo != NULL && s->f[j].odoo != NULL && strcmp(s->f[i].odoo, s->f[j].odoo) == 0))
				return false;
	}
	return true;
}

/* The spec's schemas; lines only when neither their key nor their field is one of the record's. */
static bool
spec_ok(struct xf *x)
{
	const struct xf_lines *l = x->spec->lines;
	const struct rschema *s = x->spec->s;

	if (!schema_ok(s, &x->rec))
		return false;
	if (l == NULL)
		return true;
	if (!schema_ok(l->s, &x->line) || l->key == NULL || l->field == NULL || !plain(l->key, &x->keylen) ||
	    !plain(l->field, &x->fieldlen) || x->fieldlen == 0)
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->f[i].name, l->key) == 0 || (s->f[i].odoo != NULL && strcmp(s->f[i].odoo, l->field) == 0))
			return false;
	return true;
}

static bool
convert(struct xf *x, bool envelope, int64_t *length)
{
	if (!spec_ok(x))
		return false;
	/* The declaration Python's xmlrpc.client writes, or none. */
	if (!LIT(x, "<?xml version='1.0'?>"))
		(void)LIT(x, "<?xml version=\"1.0\"?>");
	if (!WLIT(x, "<methodResponse>") || !WLIT(x, "<params>") || !WLIT(x, "<param>") || !WLIT(x, "<value>"))
		return false;
	if (envelope ? !envelope_struct(x, length) : !records(x, &x->rec, 1, true))
		return false;
	if (!WLIT(x, "</value>") || !WLIT(x, "</param>") || !WLIT(x, "</params>") || !WLIT(x, "</methodResponse>"))
		return false;
	skip_ws(x);
	return x->p == x->end;
}

enum xf_rc
xf_convert(const char *xml, size_t len, const struct xf_spec *spec, struct buf *out, int64_t *length,
           size_t *count)
{
	struct xf x = { .p = xml, .end = xml + len, .out = out, .spec = spec };
	size_t o0 = out->len;
	int64_t n = 0;
	bool ok;

	ok = xml != NULL && convert(&x, spec->envelope, &n);
	buf_free(&x.scratch);
	if (ok) {
		if (spec->envelope && length != NULL)
			*length = n;
		if (count != NULL)
			*count = x.nrec;
	}
	if (!ok) {
		cut(out, o0);
		return XF_FALLBACK;
	}
	return XF_OK;
}

enum xf_rc
xf_records(const char *xml, size_t len, const struct rschema *s, bool envelope, struct buf *out, int64_t *length,
           size_t *count)
{
	struct xf_spec spec = { .s = s, .envelope = envelope };

	return xf_convert(xml, len, &spec, out, length, count);
}
