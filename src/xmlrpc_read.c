/* xmlrpc_read.c: XML-RPC answers read by xmlrpc-c into JSON values, faults classified. */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xmlrpc-c/base.h>

#include "odoo_int.h"
#include "util.h"
#include "xmlrpc.h"

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

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
 * text comes out through xv_string(), which undoes xr_prepare()'s placeholders.
 */
static const char *
xv_string(xmlrpc_env *env, xmlrpc_value *v, size_t *n)
{
	const char *s = NULL;

	xmlrpc_read_string_lp(env, v, n, &s);
	if (env->fault_occurred)
		return NULL;
	s = xr_unswap(s, n);
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
	*out = odoo_must(json_object_new_array_ext(n));
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
			odoo_must(NULL);
	}
	return true;
}

static bool
struct_to_json(struct conv *cv, xmlrpc_env *env, xmlrpc_value *v, int depth, json_object **out)
{
	int i, n = xmlrpc_struct_size(env, v);

	if (env->fault_occurred)
		return false;
	*out = odoo_must(json_object_new_object());
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
			odoo_must(NULL);
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
			*out = odoo_must(json_object_new_int64(i));
		break;
	}
	case XMLRPC_TYPE_I8: {
		xmlrpc_int64 i;
		xmlrpc_read_i8(&env, v, &i);
		if (!env.fault_occurred)
			*out = odoo_must(json_object_new_int64(i));
		break;
	}
	case XMLRPC_TYPE_BOOL: {
		xmlrpc_bool bv;
		xmlrpc_read_bool(&env, v, &bv);
		if (!env.fault_occurred)
			*out = odoo_must(json_object_new_boolean(bv != 0));
		break;
	}
	case XMLRPC_TYPE_DOUBLE: {
		double d;
		size_t k;
		xmlrpc_read_double(&env, v, &d);
		if (env.fault_occurred)
			break;
		/* d is the index xr_prepare() put in place of the text. */
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
		*out = odoo_must(json_object_new_double_s(d, num));
		break;
	}
	case XMLRPC_TYPE_STRING: {
		size_t n;
		const char *s = xv_string(&env, v, &n);
		if (s != NULL)
			*out = odoo_must(json_object_new_string_len(s, (int)n));
		free((void *)s);
		break;
	}
	case XMLRPC_TYPE_DATETIME: {
		const char *s = NULL;
		xmlrpc_read_datetime_str(&env, v, &s);
		if (!env.fault_occurred) {
			*out = odoo_must(json_object_new_string(s));
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
			*out = odoo_must(json_object_new_string_len(e, (int)elen));
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
		odoo_classify(c, fs ? fs : "", false, err);
		ok = true;
	} else if (xmlrpc_value_type(code) == XMLRPC_TYPE_STRING) {
		if ((cs = xv_string(&env, code, &n)) == NULL)
			goto out;
		odoo_classify_legacy(cs, fs ? fs : "", err);
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

enum odoo_err
xr_parse_response(const char *xml, size_t len, json_object **out, struct odoo_error *err)
{
	xmlrpc_env env;
	xmlrpc_value *result = NULL;
	int fault_code = 0;
	const char *fault_string = NULL, *why;
	struct conv cv = { NULL, 0, NULL };
	double *doubles = NULL;
	struct buf rw;

	*out = NULL;
	odoo_clear_err(err);
	/* A rewrite is at most twice what it replaces (see XR_GROWTH). */
	buf_init(&rw, XR_GROWTH(len));
	xmlrpc_env_init(&env);
	if (len == 0) {
		odoo_set_err(err, ODOO_E_BAD_RESPONSE, "empty answer");
		goto out;
	}
	why = xr_prepare(xml, len, &rw, &doubles, &cv.ndoubles);
	if (why != NULL) {
		odoo_set_err(err, ODOO_E_BAD_RESPONSE, "answer has %s", why);
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
		fault_string = xr_unswap(fault_string, &n);
	}
	if (env.fault_occurred) {
		if (!parse_fault_alone(xml, len, err))
			odoo_set_err(err, ODOO_E_BAD_RESPONSE, "not XML-RPC: %.200s", env.fault_string);
	} else if (result == NULL && fault_string == NULL) {
		odoo_set_err(err, ODOO_E_BAD_RESPONSE, "answer has a fault with a stray placeholder");
	} else if (fault_string != NULL) {
		odoo_classify(fault_code, fault_string, false, err);
	} else if (!to_json(&cv, result, 1, out)) {
		odoo_set_err(err, ODOO_E_BAD_RESPONSE, "answer has %s", cv.why);
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

