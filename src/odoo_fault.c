/*
 * odoo_fault.c: Odoo's errors, classified once for both protocols: the
 * status of each class, XML-RPC faults (faultCode and faultString) and
 * JSON-2 error answers (HTTP status and the exception's name).
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odoo_int.h"
#include "util.h"

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
	[ODOO_E_KEY_REQUIRED] = { 401, "this Odoo accepts only API keys" },
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

enum odoo_err
odoo_set_err(struct odoo_error *err, enum odoo_err code, const char *fmt, ...)
{
	char tmp[sizeof err->message];
	va_list ap;

	err->code = code;
	err->fault_code = 0;
	err->name[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	odoo_copy_text(err->message, sizeof err->message, tmp, strlen(tmp));
	return code;
}

void
odoo_clear_err(struct odoo_error *err)
{
	err->code = ODOO_OK;
	err->fault_code = 0;
	err->name[0] = '\0';
	err->message[0] = '\0';
}

json_object *
odoo_must(json_object *j)
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
void
odoo_copy_text(char *dst, size_t cap, const char *src, size_t n)
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

const char odoo_traceback_head[] = "Traceback (most recent call last):";

/* Odoo's message for people: no traceback, no surrounding white space. */
static void
client_message(char *dst, size_t cap, const char *s)
{
	const char *tb, *end;

	while (is_space(*s))
		s++;
	tb = strstr(s, odoo_traceback_head);
	end = tb ? tb : s + strlen(s);
	while (end > s && is_space(end[-1]))
		end--;
	if (end == s) {
		odoo_copy_text(dst, cap, "Odoo refused the operation", 26);
		return;
	}
	odoo_copy_text(dst, cap, s, (size_t)(end - s));
}

void
odoo_classify(int fault_code, const char *fs, bool missing, struct odoo_error *err)
{
	size_t i, n;
	const char *line;

	if (fs == NULL)
		fs = "";
	odoo_clear_err(err);
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
	odoo_copy_text(err->message, sizeof err->message, line, n);
	/*
	 * Odoo cannot reach its database: ODOO_DB names none ("database \"x\"
	 * does not exist"), or PostgreSQL is down.  Odoo is unavailable (503),
	 * as JSON-2 says with its 404 page, not a server error (502).
	 */
	if (err->code == ODOO_E_SERVER && strncmp(line, "psycopg2.OperationalError", 25) == 0)
		err->code = ODOO_E_LOGIN;
}

void
odoo_classify_fault(int fault_code, const char *fault_string, struct odoo_error *err)
{
	odoo_classify(fault_code, fault_string, false, err);
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

void
odoo_classify_legacy(const char *code, const char *fs, struct odoo_error *err)
{
	const char *msg;
	size_t i, n;

	if (strcmp(code, "AccessDenied") == 0) {
		odoo_classify(3, fs, false, err);
		return;
	}
	if (strncmp(code, "warning -- ", 11) != 0) {
		odoo_classify(1, *fs ? fs : code, false, err);
		return;
	}
	msg = strstr(code, "\n\n");
	msg = msg ? msg + 2 : code + 11;
	for (i = 0; i < ARRAY_SIZE(legacy_table); i++) {
		n = strlen(legacy_table[i].label);
		if (strncmp(code, legacy_table[i].label, n) == 0 &&
		    (code[n] == '\0' || code[n] == '\n')) {
			odoo_classify(legacy_table[i].fault_code, msg, legacy_table[i].missing, err);
			return;
		}
	}
	odoo_classify(2, msg, false, err);   /* another UserError subclass */
}


/* ---------------------------------------------------------------- JSON-2 */

/*
 * JSON-2's error answers (odoo/http.py Json2Dispatcher.handle_error and
 * the captures in tests/fixtures/odoo-captures/odoo19): the status is the
 * exception's http_status, the body names it.  Odoo's own exceptions carry
 * a message for people; werkzeug's (a route, model or method Odoo does not
 * know, arguments that do not bind) and Python's (500: an unknown field,
 * a bad domain) mean the bridge asked something wrong: for the log only.
 */
static bool
is_odoo_exception(const char *name)
{
	return name != NULL && strncmp(name, "odoo.exceptions.", 16) == 0;
}

void
odoo_classify_status(long status, const char *name, const char *message, struct odoo_error *err)
{
	size_t n;
	const char *line;

	odoo_clear_err(err);
	if (message == NULL)
		message = "";
	if (name != NULL)
		odoo_copy_text(err->name, sizeof err->name, name, strlen(name));
	err->fault_code = (int)status;
	switch (status) {
	case 401:
		err->code = ODOO_E_LOGIN;
		break;
	case 403:
		err->code = ODOO_E_ACCESS;
		break;
	case 404:
		if (name == NULL)   /* Odoo's HTML page: no such database */
			err->code = ODOO_E_LOGIN;
		else if (strcmp(name, "odoo.exceptions.MissingError") == 0)
			err->code = ODOO_E_MISSING;
		else
			err->code = ODOO_E_BAD_RESPONSE;
		break;
	case 422:
		err->code = is_odoo_exception(name) ? ODOO_E_USER : ODOO_E_SERVER;
		break;
	case 400:
	case 405:
	case 415:
		err->code = ODOO_E_BAD_RESPONSE;
		break;
	default:
		err->code = ODOO_E_SERVER;
		break;
	}
	if (name == NULL) {
		/*
		 * Not Odoo's JSON error: an unknown database's HTML page (404), or
		 * what a proxy or a crashed worker sends (500, 502...): an answer
		 * the bridge cannot use, as a non-200 is over XML-RPC.
		 */
		if (status != 404 && status != 401)
			err->code = ODOO_E_BAD_RESPONSE;
		odoo_set_err(err, err->code, "HTTP status %ld without Odoo's JSON error", status);
		err->fault_code = (int)status;
		return;
	}
	if (err->code == ODOO_E_USER || err->code == ODOO_E_MISSING || err->code == ODOO_E_ACCESS) {
		client_message(err->message, sizeof err->message, message);
		return;
	}
	/* For the log: the class and the message's last line. */
	line = last_line(message, &n);
	{
		char tmp[sizeof err->message];

		snprintf(tmp, sizeof tmp, "%s: %.*s", name, (int)(n < 900 ? n : 900), line);
		odoo_copy_text(err->message, sizeof err->message, tmp, strlen(tmp));
	}
}

/*
 * XML-RPC: a fault 1 whose traceback ends in the method's AttributeError
 * (Odoo 13 and before: no such method) or TypeError (14-16: no
 * "specification" parameter).  JSON-2: werkzeug's 404 "The method ... does
 * not exist" or 422 "unexpected keyword argument", or a 500 TypeError.
 */
bool
odoo_err_unsupported(const struct odoo_error *err, const char *method)
{
	if (strstr(err->message, method) == NULL && strstr(err->message, "unexpected keyword") == NULL)
		return false;
	if (err->code == ODOO_E_SERVER && err->fault_code == 1)
		return strncmp(err->message, "AttributeError", 14) == 0 || strncmp(err->message, "TypeError", 9) == 0;
	if (strcmp(err->name, "werkzeug.exceptions.NotFound") == 0)
		return strstr(err->message, method) != NULL;
	return strcmp(err->name, "werkzeug.exceptions.UnprocessableEntity") == 0 ||
	       strcmp(err->name, "builtins.TypeError") == 0;
}

/*
 * XML-RPC: a fault 1 "TypeError: cannot marshal None unless allow_none is
 * enabled": the method ran (and Odoo committed it) but returned None, which
 * Odoo's marshaller cannot send (odoo-captures/odoo19: method_returning_none).
 */
bool
odoo_err_returned_none(const struct odoo_error *err)
{
	return err->code == ODOO_E_SERVER && err->fault_code == 1 &&
	       strstr(err->message, "cannot marshal None") != NULL;
}
