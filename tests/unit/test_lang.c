/* test_lang.c: the request's language as Odoo's context lang (lang.h). */
#include "autoconfig.h"

#include <criterion/criterion.h>

#include "lang.h"

static char *const only_en[] = { "en_US" };
static char *const many[] = { "en_US", "es_MX", "es_ES", "fr_FR", "en_GB" };
static char *const latin[] = { "en_US", "es_419", "es_AR" };

Test(lang, code_shapes)
{
	cr_assert(lang_code_valid("es_ES"));
	cr_assert(lang_code_valid("en"));
	cr_assert(lang_code_valid("sr@latin"));
	cr_assert(lang_code_valid("sr_RS@latin"));
	cr_assert(lang_code_valid("ast"));
	cr_assert(lang_code_valid("es_419"));
	cr_assert_not(lang_code_valid("es_41"));
	cr_assert_not(lang_code_valid("Spanish"));
	cr_assert_not(lang_code_valid("es-ES"));
	cr_assert_not(lang_code_valid("es_es"));
	cr_assert_not(lang_code_valid("es_ES;"));
	cr_assert_not(lang_code_valid(""));
	cr_assert_not(lang_code_valid(NULL));
}

Test(lang, picks_among_the_installed)
{
	/* Only en_US installed: Spanish fits nothing, English is en_US. */
	cr_assert_null(lang_pick(LANG_ES, NULL, only_en, 1));
	cr_assert_str_eq(lang_pick(LANG_EN, "en", only_en, 1), "en_US");
	/* The language's own region first, then the header's region when installed. */
	cr_assert_str_eq(lang_pick(LANG_ES, NULL, many, 5), "es_ES");
	cr_assert_str_eq(lang_pick(LANG_ES, "es-MX,es;q=0.9", many, 5), "es_MX");
	cr_assert_str_eq(lang_pick(LANG_ES, "es-mx", many, 5), "es_MX");
	cr_assert_str_eq(lang_pick(LANG_ES, "es-CO", many, 5), "es_ES");
	cr_assert_str_eq(lang_pick(LANG_EN, "fr, en-GB;q=0.8", many, 5), "en_GB");
	cr_assert_str_eq(lang_pick(LANG_EN, "en", many, 5), "en_US");
	/* No es_ES: any installed Spanish (es_419 is not a two-letter region, but still Spanish). */
	cr_assert_str_eq(lang_pick(LANG_ES, NULL, latin, 3), "es_419");
	cr_assert_null(lang_pick(LANG_ES, NULL, NULL, 0));
}
