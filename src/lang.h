/* lang.h: the request's language as Odoo's context lang. */
#ifndef OB_LANG_H
#define OB_LANG_H

#include <stdbool.h>
#include <stddef.h>

#include "request.h"

/*
 * Odoo answers in the language of its context: its messages (a refusal,
 * "a mandatory field is not set"), and translatable fields (a country's
 * or a category's name).  The bridge passes the request's language, the
 * one its own messages use (Accept-Language, Spanish by default), as
 * context {"lang": code} on every Odoo call of the request, as Odoo's own
 * web client passes the user's (ODOO_LANG=auto).  Odoo refuses a code
 * that is not installed ("Invalid language code: es_ES", captured), so
 * the code is picked among the installed ones (res.lang, active), and
 * none is passed when none fits: Odoo then answers in en_US, as without
 * the setting.  ODOO_LANG=off never passes one (round 1's behaviour);
 * ODOO_LANG=<code> always passes that one.
 *
 * Note for writes: Odoo writes a translatable field in the context's
 * language, as its web client does for a user of that language.
 */

/* Whether s is a code Odoo could name a language by: ll, ll_CC, ll_NNN (es_419), with an optional @variant (sr@latin). */
bool lang_code_valid(const char *s);

/*
 * The installed code (one of installed[0..n)) that fits the request: the
 * region of the first Accept-Language tag of the API's language (es-MX ->
 * es_MX) when installed; else that language's own region (es_ES, en_US,
 * fr_FR: ll_LL upper-cased); else the first installed code of the
 * language; else NULL.  accept_language may be NULL.
 */
const char *lang_pick(enum lang api_lang, const char *accept_language, char *const *installed, size_t n);

#endif
