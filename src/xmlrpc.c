/*
 * xmlrpc.c: the XML-RPC backend (/xmlrpc/2/common and /xmlrpc/2/object,
 * every Odoo up to 21; deprecated from 19, announced gone in 22).
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odoo_int.h"
#include "util.h"
#include "xmlrpc.h"
#include "xmlrpc_fast.h"

/* Cap on one request body: far above any page of writes the API accepts. */
#define MAX_REQUEST (16u * 1024 * 1024)

static const char *const headers[] = { "Content-Type: text/xml", NULL };

/* One XML-RPC round trip to /xmlrpc/2/<ep>. */
static enum odoo_err
rpc(struct odoo *o, const char *ep, const char *method, json_object *params, struct odoo_fast *f,
    json_object **out, struct odoo_error *err)
{
	struct buf body;
	const char *why;
	char *url;
	long status = 0;
	enum odoo_err rc;

	*out = NULL;
	odoo_clear_err(err);
	buf_init(&body, MAX_REQUEST);
	why = xr_write_call(&body, method, params);
	if (why != NULL) {
		rc = odoo_set_err(err, ODOO_E_REQUEST, "The request holds %s.", why);
		goto out;
	}
	url = xasprintf("%s/xmlrpc/2/%s", o->base, ep);
	rc = http_request(o->http, url, headers, body.data, body.len, &status, err);
	free(url);
	if (rc != ODOO_OK)
		goto out;
	if (status == 404) {
		/* Odoo 22 and later: XML-RPC is gone (or ODOO_URL is no Odoo). */
		o->xmlrpc_gone = true;
		rc = odoo_set_err(err, ODOO_E_BAD_RESPONSE, "no XML-RPC at %s/xmlrpc/2 (HTTP 404)", o->base);
		goto out;
	}
	if (status != 200) {
		rc = odoo_set_err(err, ODOO_E_BAD_RESPONSE, "HTTP status %ld", status);
		goto out;
	}
	{
		size_t n;
		const char *data = http_body(o->http, &n);

		struct xf_lines lines = { f != NULL ? f->lines_field : NULL, f != NULL ? f->lines_key : NULL,
		                          f != NULL ? f->lines_schema : NULL };
		struct xf_spec spec = { .s = f != NULL ? f->schema : NULL, .envelope = f != NULL && f->envelope,
		                        .lines = lines.field != NULL ? &lines : NULL,
		                        .max_records = f != NULL ? f->max_count : 0 };

		/* A list answer the one-pass converter knows needs no tree at all. */
		if (f != NULL && o->fast_path && f->schema != NULL &&
		    xf_convert(data, n, &spec, &f->json, &f->length, &f->count) == XF_OK) {
			f->done = true;
			rc = ODOO_OK;
		} else {
			rc = xr_parse_response(data, n, out, err);
		}
	}
out:
	/* The body holds the password: do not leave it in freed memory. */
	if (body.data)
		explicit_bzero(body.data, body.cap);
	buf_free(&body);
	return rc;
}

static int
int_at(json_object *a, size_t i)
{
	json_object *v = json_object_array_get_idx(a, i);

	return json_object_is_type(v, json_type_int) ? (int)json_object_get_int64(v) : 0;
}

static enum odoo_err
xr_version(struct odoo *o, struct odoo_version *v, struct odoo_error *err)
{
	json_object *params = odoo_must(json_object_new_array()), *res = NULL, *sv, *info;
	enum odoo_err rc;

	rc = rpc(o, "common", "version", params, NULL, &res, err);
	json_object_put(params);
	if (rc != ODOO_OK)
		return rc;
	if (!json_object_is_type(res, json_type_object)) {
		json_object_put(res);
		return odoo_set_err(err, ODOO_E_BAD_RESPONSE, "version() did not return a struct");
	}
	if (json_object_object_get_ex(res, "server_version", &sv) && json_object_is_type(sv, json_type_string))
		snprintf(v->text, sizeof v->text, "%s", json_object_get_string(sv));
	if (json_object_object_get_ex(res, "server_version_info", &info) &&
	    json_object_is_type(info, json_type_array)) {
		v->major = int_at(info, 0);
		v->minor = int_at(info, 1);
	}
	json_object_put(res);
	return ODOO_OK;
}

static enum odoo_err
xr_authenticate(struct odoo *o, const char *login, const char *secret, long *uid, struct odoo_error *err)
{
	json_object *params = odoo_must(json_object_new_array()), *res = NULL;
	enum odoo_err rc;

	*uid = 0;
	json_object_array_add(params, odoo_must(json_object_new_string(o->db)));
	json_object_array_add(params, odoo_must(json_object_new_string(login)));
	json_object_array_add(params, odoo_must(json_object_new_string(secret)));
	json_object_array_add(params, odoo_must(json_object_new_object()));
	rc = rpc(o, "common", "authenticate", params, NULL, &res, err);
	json_object_put(params);
	if (rc != ODOO_OK)
		return rc;
	/* A uid, or False for a wrong login or password. */
	if (json_object_is_type(res, json_type_int) && json_object_get_int64(res) > 0 &&
	    json_object_get_int64(res) <= INT32_MAX)
		*uid = (long)json_object_get_int64(res);
	else if (!json_object_is_type(res, json_type_boolean) || json_object_get_boolean(res))
		rc = odoo_set_err(err, ODOO_E_BAD_RESPONSE, "authenticate() returned neither a uid nor False");
	json_object_put(res);
	return rc;
}

static enum odoo_err
xr_call(struct odoo *o, long uid, const char *secret, const char *model, const char *method,
        json_object *args, json_object *kwargs, struct odoo_fast *f, json_object **out,
        struct odoo_error *err)
{
	json_object *params = odoo_must(json_object_new_array());
	enum odoo_err rc;

	json_object_array_add(params, odoo_must(json_object_new_string(o->db)));
	json_object_array_add(params, odoo_must(json_object_new_int64(uid)));
	json_object_array_add(params, odoo_must(json_object_new_string(secret)));
	json_object_array_add(params, odoo_must(json_object_new_string(model)));
	json_object_array_add(params, odoo_must(json_object_new_string(method)));
	json_object_array_add(params, json_object_get(args));
	if (kwargs)
		json_object_array_add(params, json_object_get(kwargs));
	rc = rpc(o, "object", "execute_kw", params, f, out, err);
	json_object_put(params);
	return rc;
}

const struct odoo_backend odoo_xmlrpc = {
	.name = "xmlrpc",
	.protocol = ODOO_PROTO_XMLRPC,
	.version = xr_version,
	.authenticate = xr_authenticate,
	.call = xr_call,
};
