/*
 * xmlrpc_write.c: XML-RPC calls written from JSON values.
 *
 * Why the calls are written here and not by xmlrpc_serialize_call2():
 * xmlrpc-c 1.33 (Debian 12) formats <double> with too few digits
 * (14.930000000000007 is sent as 14.93, 1e-300 as 0.000...09999999999999993),
 * and copies control characters into <string> unescaped, which Odoo's expat
 * refuses.  Writing XML-RPC is a few lines; parsing stays with xmlrpc-c.
 */
#include "autoconfig.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odoo_int.h"
#include "util.h"
#include "xmlrpc.h"

/* Cap on one request body: far above any page of writes the API accepts. */
#define MAX_REQUEST (16u * 1024 * 1024)

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
		size_t l;
		const char *esc;

		/* Printable ASCII other than & < > goes as it is: skip it in one go
		 * (field names, most values; the XML of a list call is mostly that). */
		while (i < n && p[i] >= 0x20 && p[i] < 0x7f && p[i] != '&' && p[i] != '<' && p[i] != '>')
			i++;
		if (i == n)
			break;
		l = utf8_decode(p + i, n - i, &c);

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
xr_serialize_call(const char *method, json_object *params, size_t *len)
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


const char *
xr_write_call(struct buf *b, const char *method, json_object *params)
{
	enum ser_err e = ser_call(b, method, params);

	return e == SER_OK ? NULL : ser_messages[e];
}
