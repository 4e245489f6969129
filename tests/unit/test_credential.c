/* test_credential.c: unit tests for credential.c: sealing round trips, tampering, nonces, keys. */
#undef NDEBUG
#include "autoconfig.h"
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "credential.h"

#define JWT_SECRET "0123456789abcdef0123456789abcdef"

static struct cred_key
key_of(const char *ikm)
{
	struct cred_key k;

	cr_assert(cred_key_derive(ikm, strlen(ikm), &k));
	return k;
}

Test(credential, round_trip)
{
	static const char *const secrets[] = {
		"x", "admin", "p#ss \"word\" with spaces", "contraseña ñandú 🔑",
		"0123456789abcdef0123456789abcdef01234567",   /* an Odoo API key is 40 hex */
	};
	struct cred_key k = key_of(JWT_SECRET);
	char out[CRED_MAX_SECRET + 1];

	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
		char *sealed = NULL;
		cr_assert_eq(cred_seal(&k, secrets[i], "6:abc", &sealed), CRED_OK);
		/* A one-letter secret turns up in random base64 by chance; longer ones must not. */
		if (strlen(secrets[i]) >= 5)
			cr_assert_null(strstr(sealed, secrets[i]), "the secret shows through");
		cr_assert_eq(cred_open(&k, sealed, "6:abc", out, sizeof out), CRED_OK, "%s", sealed);
		cr_assert_str_eq(out, secrets[i]);
		free(sealed);
	}
}

Test(credential, longest_secret_and_limits)
{
	struct cred_key k = key_of(JWT_SECRET);
	char secret[CRED_MAX_SECRET + 2], out[CRED_MAX_SECRET + 1], small[8];
	char *sealed = NULL;

	memset(secret, 'a', CRED_MAX_SECRET);
	secret[CRED_MAX_SECRET] = '\0';
	cr_assert_eq(cred_seal(&k, secret, "", &sealed), CRED_OK);
	cr_assert_eq(cred_open(&k, sealed, "", out, sizeof out), CRED_OK);
	cr_assert_str_eq(out, secret);
	/* An output buffer too small is refused, not overrun. */
	cr_assert_eq(cred_open(&k, sealed, "", small, sizeof small), CRED_E_INPUT);
	cr_assert_eq(small[0], '\0');
	free(sealed);
	secret[CRED_MAX_SECRET] = 'a';
	secret[CRED_MAX_SECRET + 1] = '\0';
	cr_assert_eq(cred_seal(&k, secret, "", &sealed), CRED_E_INPUT);
	cr_assert_null(sealed);
	cr_assert_eq(cred_seal(&k, "", "", &sealed), CRED_E_INPUT);
	cr_assert_eq(cred_seal(&k, NULL, "", &sealed), CRED_E_INPUT);
}

/* Every character of the sealed text changed to every other base64url character: never opens. */
Test(credential, tampering_any_character_fails)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	struct cred_key k = key_of(JWT_SECRET);
	char out[64], *sealed = NULL;
	size_t n, tries = 0;

	cr_assert_eq(cred_seal(&k, "demo-password", "6:jti", &sealed), CRED_OK);
	n = strlen(sealed);
	for (size_t i = 0; i < n; i++) {
		char orig = sealed[i];
		for (const char *a = alphabet; *a; a++) {
			enum cred_err e;
			if (*a == orig)
				continue;
			sealed[i] = *a;
			e = cred_open(&k, sealed, "6:jti", out, sizeof out);
			cr_assert(e == CRED_E_OPEN || e == CRED_E_FORMAT,
			          "position %zu changed to '%c' gave %d", i, *a, e);
			cr_assert_eq(out[0], '\0', "nothing is returned from a failed open");
			tries++;
		}
		sealed[i] = orig;
	}
	cr_assert_eq(tries, n * 63);
	/* Cut, extended, or not base64url at all. */
	sealed[n - 1] = '\0';
	cr_assert_neq(cred_open(&k, sealed, "6:jti", out, sizeof out), CRED_OK);
	cr_assert_eq(cred_open(&k, "", "6:jti", out, sizeof out), CRED_E_FORMAT);
	cr_assert_eq(cred_open(&k, "AQ", "6:jti", out, sizeof out), CRED_E_FORMAT);
	cr_assert_eq(cred_open(&k, "a+b/c=", "6:jti", out, sizeof out), CRED_E_FORMAT);
	free(sealed);
}

Test(credential, wrong_key_or_other_token_fails)
{
	struct cred_key k = key_of(JWT_SECRET), other = key_of("another-secret-another-secret-xx");
	char out[64], *sealed = NULL;

	cr_assert_eq(cred_seal(&k, "demo", "6:jti-1", &sealed), CRED_OK);
	cr_assert_eq(cred_open(&other, sealed, "6:jti-1", out, sizeof out), CRED_E_OPEN);
	/* Moved into another token (another uid or jti): the associated data differs. */
	cr_assert_eq(cred_open(&k, sealed, "6:jti-2", out, sizeof out), CRED_E_OPEN);
	cr_assert_eq(cred_open(&k, sealed, "7:jti-1", out, sizeof out), CRED_E_OPEN);
	cr_assert_eq(cred_open(&k, sealed, "6:jti-1", out, sizeof out), CRED_OK);
	free(sealed);
}

/*
 * Two seals never share a nonce.  The nonce is bytes 1..12 of the decoded
 * text, i.e. base64url characters 2..17 hold 94 of its bits: if the code
 * reused a nonce (or seeded it from the clock), equal prefixes would show.
 */
Test(credential, nonce_is_fresh_each_time)
{
	enum { N = 2000 };
	struct cred_key k = key_of(JWT_SECRET);
	static char prefix[N][17];
	char *sealed;

	for (int i = 0; i < N; i++) {
		cr_assert_eq(cred_seal(&k, "same secret", "same:aad", &sealed), CRED_OK);
		memcpy(prefix[i], sealed + 2, 16);
		prefix[i][16] = '\0';
		free(sealed);
	}
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			cr_assert_str_neq(prefix[i], prefix[j], "seals %d and %d share a nonce", i, j);
}

Test(credential, key_derivation)
{
	struct cred_key a = key_of(JWT_SECRET), b = key_of(JWT_SECRET);
	struct cred_key c = key_of("fedcba9876543210fedcba9876543210");
	struct cred_key z;

	/* RFC 5869 with SHA-256, no salt, info CRED_HKDF_INFO; computed independently with Python's hmac. */
	static const unsigned char want[CRED_KEY_LEN] = {
		0x97, 0xbf, 0x9a, 0x98, 0x78, 0x3f, 0x56, 0x28, 0xe0, 0x3e, 0x4a, 0x67, 0x2a, 0x3f, 0x39, 0xef,
		0x3d, 0x38, 0x4e, 0x2d, 0xcc, 0x1d, 0xab, 0x42, 0xce, 0xfd, 0x45, 0xed, 0x0d, 0x11, 0xf5, 0x34,
	};

	cr_assert_eq(memcmp(a.k, want, CRED_KEY_LEN), 0, "HKDF-SHA256 output differs from RFC 5869's");
	cr_assert_eq(memcmp(a.k, b.k, CRED_KEY_LEN), 0, "derivation is deterministic");
	cr_assert_neq(memcmp(a.k, c.k, CRED_KEY_LEN), 0);
	/* Never the signing key itself. */
	cr_assert_neq(memcmp(a.k, JWT_SECRET, CRED_KEY_LEN), 0);
	cr_assert(!cred_key_derive("", 0, &z));
	cr_assert(!cred_key_derive(NULL, 5, &z));
	cred_key_wipe(&a);
	for (size_t i = 0; i < CRED_KEY_LEN; i++)
		cr_assert_eq(a.k[i], 0);
}

Test(credential, version_byte_checked)
{
	struct cred_key k = key_of(JWT_SECRET);
	char out[64], *sealed = NULL;

	cr_assert_eq(cred_seal(&k, "demo", "", &sealed), CRED_OK);
	/* The first character carries the top 6 bits of the version byte (1 -> 'A'). */
	cr_assert_eq(sealed[0], 'A');
	sealed[0] = 'B';
	cr_assert_eq(cred_open(&k, sealed, "", out, sizeof out), CRED_E_FORMAT);
	free(sealed);
	cr_assert_str_eq(cred_strerror(CRED_E_OPEN), "sealed credential does not authenticate");
}
