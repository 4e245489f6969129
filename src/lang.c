/* lang.c: the request's language as Odoo's context lang (lang.h). */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "lang.h"
#include "util.h"

static bool
is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

bool
lang_code_valid(const char *s)
{
	size_t n;

	if (s == NULL || !is_lower(s[0]) || !is_lower(s[1]))
		return false;
	n = 2;
	if (is_lower(s[2]))   /* three-letter codes: ast, kab */
		n = 3;
	if (s[n] == '_') {
		/* A country (es_ES) or a UN M.49 area (es_419, Latin America). */
		if (is_upper(s[n + 1]) && is_upper(s[n + 2]))
			n += 3;
		else if (s[n + 1] >= '0' && s[n + 1] <= '9' && s[n + 2] >= '0' && s[n + 2] <= '9' &&
		         s[n + 3] >= '0' && s[n + 3] <= '9')
			n += 4;
		else
			return false;
	}
	if (s[n] == '@') {
		n++;
		if (!is_lower(s[n]))
			return false;
		while (is_lower(s[n]))
			n++;
	}
	return s[n] == '\0';
}

static const char *
find(char *const *installed, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (installed[i] != NULL && strcmp(installed[i], code) == 0)
			return installed[i];
	return NULL;
}

/* The region (two letters, upper-cased into out) of the first tag of primary in h, if it has one. */
static bool
region_in(const char *h, const char *primary, char out[3])
{
	const char *p = h;

	while (p != NULL && *p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (ascii_ncasecmp(p, primary, 2) == 0 && (p[2] == '-' || p[2] == '_')) {
			char a = p[3], b = p[4];

			if (((a >= 'a' && a <= 'z') || is_upper(a)) && ((b >= 'a' && b <= 'z') || is_upper(b)) &&
			    (p[5] == '\0' || p[5] == ',' || p[5] == ';' || p[5] == ' ' || p[5] == '-')) {
				out[0] = (char)(a & ~0x20);
				out[1] = (char)(b & ~0x20);
				out[2] = '\0';
				return true;
			}
			return false;
		}
		p = strchr(p, ',');
	}
	return false;
}

const char *
lang_pick(enum lang api_lang, const char *accept_language, char *const *installed, size_t n)
{
	const char *primary = api_lang == LANG_EN ? "en" : "es";
	const char *own = api_lang == LANG_EN ? "en_US" : "es_ES";
	char region[3], code[8];
	const char *hit;

	if (accept_language != NULL && region_in(accept_language, primary, region)) {
		snprintf(code, sizeof(code), "%s_%s", primary, region);
		if ((hit = find(installed, n, code)) != NULL)
			return hit;
	}
	if ((hit = find(installed, n, own)) != NULL)
		return hit;
	for (size_t i = 0; i < n; i++)
		if (installed[i] != NULL && strncmp(installed[i], primary, 2) == 0 && installed[i][2] == '_')
			return installed[i];
	return NULL;
}
