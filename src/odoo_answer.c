/* odoo_answer.c: the one place where a failed Odoo call becomes the client's HTTP answer. */
#include "autoconfig.h"

#include "odoo_answer.h"
#include "util.h"

void
odoo_answer_error(struct ctx *c, const struct odoo_error *err, const char *what)
{
	int status = odoo_http_status(err->code);
	enum lang lang = c->req->lang;

	switch (err->code) {
	case ODOO_E_USER:
		/* UserError / ValidationError: Odoo's words are meant for the user. */
		log_info("%s: Odoo refused: %s", what, err->message);
		if (err->message[0] != '\0')
			response_error_text(c->res, status, err->message, NULL);
		else
			response_error(c->res, lang, status, MSG_ODOO_REJECTED, NULL);
		return;
	case ODOO_E_MISSING:
		response_error(c->res, lang, status, MSG_RECORD_NOT_FOUND, NULL);
		return;
	case ODOO_E_REQUEST:
		/* Text XML cannot carry and the like: the client's data, never sent. */
		log_info("%s: not sent to Odoo: %s", what, err->message);
		response_error(c->res, lang, status, MSG_VALIDATION, NULL);
		return;
	case ODOO_E_ACCESS:
		/* AccessError: Odoo's own words say what is missing (odoo.c leaves the traceback out). */
		log_warn("%s: Odoo denied access: %s", what, err->message);
		if (err->message[0] != '\0')
			response_error_text(c->res, status, err->message, NULL);
		else
			response_error(c->res, lang, status, MSG_FORBIDDEN, NULL);
		return;
	case ODOO_E_CREDENTIAL:
		log_warn("%s: Odoo refuses the credential of login=%s uid=%ld (password or API key changed?)",
		         what, c->user.sub, c->user.uid);
		response_error(c->res, lang, 401, MSG_INVALID_TOKEN, NULL);
		response_add_header(c->res, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		return;
	case ODOO_E_KEY_REQUIRED:
		log_warn("%s: a password where this Odoo takes only API keys (login=%s)", what, c->user.sub);
		response_error(c->res, lang, 401, MSG_API_KEY_REQUIRED, NULL);
		response_add_header(c->res, "WWW-Authenticate", "Bearer");
		return;
	case ODOO_E_TIMEOUT:
		log_error("%s: Odoo timed out: %s", what, err->message);
		response_error(c->res, lang, status, MSG_ODOO_TIMEOUT, NULL);
		return;
	case ODOO_E_UNREACHABLE:
	case ODOO_E_LOGIN:
		log_error("%s: Odoo unavailable (%s): %s", what, odoo_strerror(err->code), err->message);
		response_error(c->res, lang, status, MSG_ODOO_UNAVAILABLE, NULL);
		return;
	default:
		/* Tracebacks and odd answers: the log has them, the client never does. */
		log_error("%s: %s: %s", what, odoo_strerror(err->code), err->message);
		response_error(c->res, lang, status >= 500 ? status : 502, MSG_ODOO_BAD_ANSWER, NULL);
		return;
	}
}
