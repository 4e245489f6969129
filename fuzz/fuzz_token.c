/* fuzz_token.c: libFuzzer driver for token_verify (shape, header, libjwt, claims) and the claims of signed tokens. */
/*
 * Build and run from the source tree, with B a configured build directory (for autoconfig.h):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -I$B fuzz/fuzz_token.c src/token.c src/credential.c src/util.c -ljwt -lcrypto -ljson-c -o fuzz_token && ./fuzz_token -max_total_time=30 fuzz/corpus/token
 *
 * Input: the first byte picks the target.  Even: the rest is a token given
 * to token_verify as it comes off the wire.  Odd: the rest is a claims
 * object that libjwt signs with the verifier's own key (HS256), so that the
 * claim checks behind the signature are fuzzed too; the second byte shifts
 * the verifier's clock and leeway.  Invariant: a token that verifies has a
 * non-empty sub, a positive uid and a jti, all NUL-terminated.
 */
#include "autoconfig.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>

#include "token.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char secret[] = "fuzz-secret-0123456789abcdef-0123456789";
#define NOW 1700000100

static void
check_identity(enum token_err e, const struct identity *id)
{
	if (e != TOKEN_OK) {
		if (id->valid || id->uid != 0 || id->sub[0] != '\0')
			abort();
		return;
	}
	if (!id->valid || id->uid <= 0 || id->sub[0] == '\0' || id->jti[0] == '\0' ||
	    memchr(id->sub, '\0', sizeof(id->sub)) == NULL || memchr(id->jti, '\0', sizeof(id->jti)) == NULL)
		abort();
}

/* Signs claims (JSON text) with secret; NULL when libjwt refuses the text. */
static char *
sign_claims(const char *claims)
{
	jwt_t *jwt = NULL;
	char *tok = NULL;

	if (jwt_new(&jwt) != 0)
		return NULL;
	if (jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)secret, (int)strlen(secret)) == 0 &&
	    jwt_add_grants_json(jwt, claims) == 0)
		tok = jwt_encode_str(jwt);
	jwt_free(jwt);
	return tok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct identity id;
	enum token_err e;
	char *text, *tok;
	long leeway = 0;
	int64_t now = NOW;

	if (size < 1 || size > 2 * TOKEN_MAX_LEN)
		return 0;
	if ((data[0] & 1) == 0) {
		text = xstrndup((const char *)data + 1, size - 1);
		e = token_verify(text, secret, strlen(secret), "odoo-bridge", leeway, now, NULL, &id);
		check_identity(e, &id);
		free(text);
		return 0;
	}
	if (size < 2)
		return 0;
	now += (int64_t)(int8_t)data[1] * 60;
	leeway = data[1] % 61;
	text = xstrndup((const char *)data + 2, size - 2);
	tok = sign_claims(text);
	if (tok != NULL) {
		e = token_verify(tok, secret, strlen(secret), "odoo-bridge", leeway, now, NULL, &id);
		check_identity(e, &id);
		free(tok);
	}
	free(text);
	return 0;
}
