/* test_token.c: unit tests for token.c (JWT issue/verify, hostile tokens of RFC 8725). */
#undef NDEBUG
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>

#include "token.h"
#include "util.h"

#define SECRET  "unit-test-secret-0123456789abcdef-ABCDEF"
#define OTHER   "another-secret-0123456789abcdef-0123456789"
#define ISSUER  "odoo-bridge"
#define NOW     1700000100

/*
 * Hostile tokens are built here by hand (libjwt refuses to write most of
 * them), so the test carries its own HMAC-SHA256 (FIPS 180-4, RFC 2104).
 * The "control" test proves it agrees with libjwt: a hand-built token with
 * good claims verifies, so each hostile row fails for its own reason.
 */
struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char blk[64];
	size_t n;
};

static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
sha256_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++)
		w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10)) + w[i - 7] +
		       (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 16];
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void
sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                                0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->n = 0;
}

static void
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->len += len;
	while (len > 0) {
		size_t k = 64 - s->n < len ? 64 - s->n : len;
		memcpy(s->blk + s->n, p, k);
		s->n += k;
		p += k;
		len -= k;
		if (s->n == 64) {
			sha256_block(s, s->blk);
			s->n = 0;
		}
	}
}

static void
sha256_final(struct sha256 *s, unsigned char out[32])
{
	uint64_t bits = s->len * 8;
	unsigned char pad = 0x80, zero = 0, lenbe[8];

	sha256_update(s, &pad, 1);
	while (s->n != 56)
		sha256_update(s, &zero, 1);
	for (int i = 0; i < 8; i++)
		lenbe[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, lenbe, 8);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
}

static void
hmac_sha256(const char *key, const char *msg, size_t len, unsigned char out[32])
{
	unsigned char k[64] = { 0 }, ipad[64], opad[64], inner[32];
	struct sha256 s;
	size_t klen = strlen(key);

	cr_assert(klen <= 64);
	memcpy(k, key, klen);
	for (int i = 0; i < 64; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	sha256_init(&s);
	sha256_update(&s, ipad, 64);
	sha256_update(&s, msg, len);
	sha256_final(&s, inner);
	sha256_init(&s);
	sha256_update(&s, opad, 64);
	sha256_update(&s, inner, 32);
	sha256_final(&s, out);
}

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Unpadded base64url of data; caller frees. */
static char *
b64url(const void *data, size_t len)
{
	const unsigned char *p = data;
	char *out = xmalloc(len * 4 / 3 + 4), *o = out;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = B64URL[v >> 18];
		*o++ = B64URL[(v >> 12) & 63];
		*o++ = B64URL[(v >> 6) & 63];
		*o++ = B64URL[v & 63];
	}
	if (len - i == 1) {
		*o++ = B64URL[p[i] >> 2];
		*o++ = B64URL[(p[i] & 3) << 4];
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)p[i] << 8 | p[i + 1];
		*o++ = B64URL[v >> 10];
		*o++ = B64URL[(v >> 4) & 63];
		*o++ = B64URL[(v & 15) << 2];
	}
	*o = '\0';
	return out;
}

/* Flips the lowest bit of the 6-bit value of the base64url character at t[i]. */
static void
flip_b64_bit(char *t, size_t i)
{
	const char *p = strchr(B64URL, t[i]);

	cr_assert(p != NULL && t[i] != '\0');
	t[i] = B64URL[(p - B64URL) ^ 1];
}

enum sig_mode {
	SIG_HS256,        /* HMAC-SHA256 with SECRET over header.payload */
	SIG_OTHER_KEY,    /* HMAC-SHA256 with another secret */
	SIG_LIBJWT_HS384, /* libjwt's own HS384 token with SECRET (header ignored) */
	SIG_LIBJWT_HS512,
	SIG_JUNK_RSA,     /* 256 bytes of junk, the size of an RS256 signature */
	SIG_JUNK_EC,      /* 64 bytes of junk, the size of an ES256 signature */
};

enum mutation {
	MUT_NONE,
	MUT_DROP_SIG,         /* "h.p." */
	MUT_DROP_SIG_AND_DOT, /* "h.p" */
	MUT_FLIP_SIG_BIT,     /* one bit in the middle of the signature */
	MUT_FLIP_UNUSED_BIT,  /* a bit past the 256th of the signature's 258 */
	MUT_FLIP_PAYLOAD_BIT,
	MUT_TRUNCATE,         /* drop the last 5 characters */
	MUT_PLUS_IN_SIG,      /* standard base64 '+' instead of '-' */
	MUT_PAD_EQ,           /* '=' padding appended */
	MUT_SPACE_IN_PAYLOAD,
	MUT_THREE_DOTS,
	MUT_FOUR_DOTS,
	MUT_EMPTY_PAYLOAD,    /* "h..s" with s the HMAC of "h." */
	MUT_EMPTY_HEADER,
	MUT_PAD_8K,           /* an 8 KiB claim, correctly signed */
	MUT_LEADING_SPACE,
};

struct bad_case {
	char name[40];
	char header[96];
	char payload[320];
	enum sig_mode sig;
	enum mutation mut;
	enum token_err want;
};

#define HDR_OK  "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define JTI     "\"jti\":\"0123456789abcdef0123456789abcdef\""
#define CLAIMS_WITHOUT_EXP "\"sub\":\"admin\",\"uid\":2,\"iss\":\"" ISSUER "\",\"iat\":1700000000," JTI
#define GOOD    "{" CLAIMS_WITHOUT_EXP ",\"exp\":1700001800}"

static const struct bad_case bad_cases[] = {
	/* RFC 8725 3.1: alg none in its spellings, with and without the empty signature's dot. */
	{ "none_dot", "{\"alg\":\"none\",\"typ\":\"JWT\"}", GOOD, SIG_HS256, MUT_DROP_SIG, TOKEN_E_MALFORMED },
	{ "none_nodot", "{\"alg\":\"none\",\"typ\":\"JWT\"}", GOOD, SIG_HS256, MUT_DROP_SIG_AND_DOT, TOKEN_E_MALFORMED },
	{ "None_dot", "{\"alg\":\"None\"}", GOOD, SIG_HS256, MUT_DROP_SIG, TOKEN_E_MALFORMED },
	{ "None_nodot", "{\"alg\":\"None\"}", GOOD, SIG_HS256, MUT_DROP_SIG_AND_DOT, TOKEN_E_MALFORMED },
	{ "NONE_dot", "{\"alg\":\"NONE\"}", GOOD, SIG_HS256, MUT_DROP_SIG, TOKEN_E_MALFORMED },
	{ "NONE_nodot", "{\"alg\":\"NONE\"}", GOOD, SIG_HS256, MUT_DROP_SIG_AND_DOT, TOKEN_E_MALFORMED },
	/* The same, carrying a signature, so that the header check itself must refuse them. */
	{ "none_signed", "{\"alg\":\"none\",\"typ\":\"JWT\"}", GOOD, SIG_HS256, MUT_NONE, TOKEN_E_ALG },
	{ "None_signed", "{\"alg\":\"None\"}", GOOD, SIG_HS256, MUT_NONE, TOKEN_E_ALG },
	{ "NONE_signed", "{\"alg\":\"NONE\"}", GOOD, SIG_HS256, MUT_NONE, TOKEN_E_ALG },
	{ "hs256_lowercase", "{\"alg\":\"hs256\"}", GOOD, SIG_HS256, MUT_NONE, TOKEN_E_ALG },
	{ "alg_missing", "{\"typ\":\"JWT\"}", GOOD, SIG_HS256, MUT_NONE, TOKEN_E_ALG },
	{ "alg_not_string", "{\"alg\":1}", GOOD, SIG_HS256, MUT_NONE, TOKEN_E_ALG },
	/* Other algorithms under the same secret: libjwt 1.10 alone accepts these two. */
	{ "hs384_same_secret", "", GOOD, SIG_LIBJWT_HS384, MUT_NONE, TOKEN_E_ALG },
	{ "hs512_same_secret", "", GOOD, SIG_LIBJWT_HS512, MUT_NONE, TOKEN_E_ALG },
	{ "rs256_header", "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", GOOD, SIG_JUNK_RSA, MUT_NONE, TOKEN_E_ALG },
	{ "es256_header", "{\"alg\":\"ES256\",\"typ\":\"JWT\"}", GOOD, SIG_JUNK_EC, MUT_NONE, TOKEN_E_ALG },
	/* Headers. */
	{ "header_not_json", "alg=HS256", GOOD, SIG_HS256, MUT_NONE, TOKEN_E_HEADER },
	{ "header_array", "[\"HS256\"]", GOOD, SIG_HS256, MUT_NONE, TOKEN_E_HEADER },
	{ "header_crit", "{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", GOOD, SIG_HS256, MUT_NONE, TOKEN_E_HEADER },
	{ "header_typ_other", "{\"alg\":\"HS256\",\"typ\":\"JWE\"}", GOOD, SIG_HS256, MUT_NONE, TOKEN_E_HEADER },
	/* Claims. */
	{ "expired", HDR_OK, "{" CLAIMS_WITHOUT_EXP ",\"exp\":1700000099}", SIG_HS256, MUT_NONE, TOKEN_E_EXPIRED },
	{ "nbf_future", HDR_OK, "{" CLAIMS_WITHOUT_EXP ",\"exp\":1700001800,\"nbf\":1700000101}", SIG_HS256, MUT_NONE, TOKEN_E_NOT_YET_VALID },
	{ "nbf_string", HDR_OK, "{" CLAIMS_WITHOUT_EXP ",\"exp\":1700001800,\"nbf\":\"1\"}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "iat_future", HDR_OK, "{\"sub\":\"admin\",\"uid\":2,\"iss\":\"" ISSUER "\",\"iat\":1700000101," JTI ",\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_NOT_YET_VALID },
	{ "wrong_iss", HDR_OK, "{\"sub\":\"admin\",\"uid\":2,\"iss\":\"evil\",\"iat\":1700000000," JTI ",\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_ISSUER },
	{ "iss_missing", HDR_OK, "{\"sub\":\"admin\",\"uid\":2,\"iat\":1700000000," JTI ",\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "exp_missing", HDR_OK, "{" CLAIMS_WITHOUT_EXP "}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "exp_string", HDR_OK, "{" CLAIMS_WITHOUT_EXP ",\"exp\":\"1700001800\"}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "exp_float", HDR_OK, "{" CLAIMS_WITHOUT_EXP ",\"exp\":1700001800.5}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "exp_bool", HDR_OK, "{" CLAIMS_WITHOUT_EXP ",\"exp\":true}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "iat_missing", HDR_OK, "{\"sub\":\"admin\",\"uid\":2,\"iss\":\"" ISSUER "\"," JTI ",\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "uid_missing", HDR_OK, "{\"sub\":\"admin\",\"iss\":\"" ISSUER "\",\"iat\":1700000000," JTI ",\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "uid_zero", HDR_OK, "{\"sub\":\"admin\",\"uid\":0,\"iss\":\"" ISSUER "\",\"iat\":1700000000," JTI ",\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "uid_negative", HDR_OK, "{\"sub\":\"admin\",\"uid\":-2,\"iss\":\"" ISSUER "\",\"iat\":1700000000," JTI ",\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "uid_string", HDR_OK, "{\"sub\":\"admin\",\"uid\":\"2\",\"iss\":\"" ISSUER "\",\"iat\":1700000000," JTI ",\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "uid_huge", HDR_OK, "{\"sub\":\"admin\",\"uid\":4294967298,\"iss\":\"" ISSUER "\",\"iat\":1700000000," JTI ",\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "sub_missing", HDR_OK, "{\"uid\":2,\"iss\":\"" ISSUER "\",\"iat\":1700000000," JTI ",\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "sub_empty", HDR_OK, "{\"sub\":\"\",\"uid\":2,\"iss\":\"" ISSUER "\",\"iat\":1700000000," JTI ",\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "sub_number", HDR_OK, "{\"sub\":2,\"uid\":2,\"iss\":\"" ISSUER "\",\"iat\":1700000000," JTI ",\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	{ "sub_with_nul", HDR_OK, "{\"sub\":\"ad\\u0000min\",\"uid\":2,\"iss\":\"" ISSUER "\",\"iat\":1700000000," JTI ",\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_SIGNATURE }, /* jansson refuses \u0000 */
	{ "jti_missing", HDR_OK, "{\"sub\":\"admin\",\"uid\":2,\"iss\":\"" ISSUER "\",\"iat\":1700000000,\"exp\":1700001800}", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS },
	/* Signature and encoding. */
	{ "flipped_sig_bit", HDR_OK, GOOD, SIG_HS256, MUT_FLIP_SIG_BIT, TOKEN_E_SIGNATURE },
	{ "flipped_unused_sig_bit", HDR_OK, GOOD, SIG_HS256, MUT_FLIP_UNUSED_BIT, TOKEN_E_MALFORMED },
	{ "flipped_payload_bit", HDR_OK, GOOD, SIG_HS256, MUT_FLIP_PAYLOAD_BIT, TOKEN_E_SIGNATURE },
	{ "other_secret", HDR_OK, GOOD, SIG_OTHER_KEY, MUT_NONE, TOKEN_E_SIGNATURE },
	{ "truncated", HDR_OK, GOOD, SIG_HS256, MUT_TRUNCATE, TOKEN_E_SIGNATURE },
	{ "plus_in_sig", HDR_OK, GOOD, SIG_HS256, MUT_PLUS_IN_SIG, TOKEN_E_MALFORMED },
	{ "padding", HDR_OK, GOOD, SIG_HS256, MUT_PAD_EQ, TOKEN_E_MALFORMED },
	{ "space_in_payload", HDR_OK, GOOD, SIG_HS256, MUT_SPACE_IN_PAYLOAD, TOKEN_E_MALFORMED },
	{ "leading_space", HDR_OK, GOOD, SIG_HS256, MUT_LEADING_SPACE, TOKEN_E_MALFORMED },
	{ "three_dots", HDR_OK, GOOD, SIG_HS256, MUT_THREE_DOTS, TOKEN_E_MALFORMED },
	{ "four_dots", HDR_OK, GOOD, SIG_HS256, MUT_FOUR_DOTS, TOKEN_E_MALFORMED },
	{ "empty_payload", HDR_OK, GOOD, SIG_HS256, MUT_EMPTY_PAYLOAD, TOKEN_E_MALFORMED },
	{ "empty_header", HDR_OK, GOOD, SIG_HS256, MUT_EMPTY_HEADER, TOKEN_E_MALFORMED },
	{ "payload_not_json", HDR_OK, "this is not json", SIG_HS256, MUT_NONE, TOKEN_E_SIGNATURE },
	{ "payload_array", HDR_OK, "[1,2,3]", SIG_HS256, MUT_NONE, TOKEN_E_CLAIMS }, /* libjwt 1.10 takes it */
	{ "token_8k", HDR_OK, GOOD, SIG_HS256, MUT_PAD_8K, TOKEN_E_TOO_LONG },
};

/* header.payload signed per mode; caller frees. */
static char *
sign(const char *header, const char *payload, enum sig_mode mode)
{
	char *h, *p, *input, *s, *tok;
	unsigned char mac[32], junk[256];

	if (mode == SIG_LIBJWT_HS384 || mode == SIG_LIBJWT_HS512) {
		jwt_t *jwt = NULL;
		cr_assert_eq(jwt_new(&jwt), 0);
		cr_assert_eq(jwt_set_alg(jwt, mode == SIG_LIBJWT_HS384 ? JWT_ALG_HS384 : JWT_ALG_HS512,
		                         (const unsigned char *)SECRET, (int)strlen(SECRET)), 0);
		cr_assert_eq(jwt_add_grants_json(jwt, payload), 0);
		tok = jwt_encode_str(jwt);
		jwt_free(jwt);
		cr_assert_not_null(tok);
		return tok;
	}
	h = b64url(header, strlen(header));
	p = b64url(payload, strlen(payload));
	input = xasprintf("%s.%s", h, p);
	switch (mode) {
	case SIG_HS256:
	case SIG_OTHER_KEY:
		hmac_sha256(mode == SIG_HS256 ? SECRET : OTHER, input, strlen(input), mac);
		s = b64url(mac, sizeof(mac));
		break;
	default:
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (unsigned char)(i * 7 + 3);
		s = b64url(junk, mode == SIG_JUNK_RSA ? 256 : 64);
		break;
	}
	tok = xasprintf("%s.%s", input, s);
	free(h);
	free(p);
	free(input);
	free(s);
	return tok;
}

/* Mutations that only add text around a good token. */
static const struct { enum mutation mut; const char *before, *after; } wraps[] = {
	{ MUT_PAD_EQ, "", "=" },
	{ MUT_LEADING_SPACE, " ", "" },
	{ MUT_THREE_DOTS, "", ".abc" },
	{ MUT_FOUR_DOTS, "", ".abc.def" },
};

/* Builds the row's token; caller frees. */
static char *
build(const struct bad_case *c)
{
	char *tok, *t2, *dot1, *dot2, *big, *h, *input, *s;
	unsigned char mac[32];
	size_t n;

	if (c->mut == MUT_PAD_8K) {
		char pad[8200];
		memset(pad, 'x', sizeof(pad) - 1);
		pad[sizeof(pad) - 1] = '\0';
		big = xasprintf("{" CLAIMS_WITHOUT_EXP ",\"exp\":1700001800,\"pad\":\"%s\"}", pad);
		tok = sign(c->header, big, c->sig);
		free(big);
		return tok;
	}
	if (c->mut == MUT_EMPTY_PAYLOAD) {
		h = b64url(c->header, strlen(c->header));
		input = xasprintf("%s.", h);
		hmac_sha256(SECRET, input, strlen(input), mac);
		s = b64url(mac, sizeof(mac));
		tok = xasprintf("%s.%s", input, s);
		free(h);
		free(input);
		free(s);
		return tok;
	}
	tok = sign(c->header, c->payload, c->sig);
	n = strlen(tok);
	dot1 = strchr(tok, '.');
	dot2 = strrchr(tok, '.');
	cr_assert(dot1 != NULL && dot2 != dot1);
	for (size_t i = 0; i < ARRAY_SIZE(wraps); i++) {
		if (wraps[i].mut == c->mut) {
			t2 = xasprintf("%s%s%s", wraps[i].before, tok, wraps[i].after);
			free(tok);
			return t2;
		}
	}
	switch (c->mut) {
	case MUT_NONE:
		break;
	case MUT_DROP_SIG:
		dot2[1] = '\0';
		break;
	case MUT_DROP_SIG_AND_DOT:
		dot2[0] = '\0';
		break;
	case MUT_FLIP_SIG_BIT:
		flip_b64_bit(tok, (size_t)(dot2 - tok) + 20);
		break;
	case MUT_FLIP_UNUSED_BIT:
		flip_b64_bit(tok, n - 1);
		break;
	case MUT_FLIP_PAYLOAD_BIT:
		flip_b64_bit(tok, (size_t)(dot1 - tok) + 10);
		break;
	case MUT_TRUNCATE:
		tok[n - 5] = '\0';
		break;
	case MUT_PLUS_IN_SIG:
		dot2[5] = '+';
		break;
	case MUT_SPACE_IN_PAYLOAD:
		dot1[3] = ' ';
		break;
	case MUT_EMPTY_HEADER:
		t2 = xstrdup(dot1);
		free(tok);
		return t2;
	default:
		cr_assert_fail("mutation %d not handled", c->mut);
	}
	return tok;
}

ParameterizedTestParameters(token, hostile)
{
	return cr_make_param_array(struct bad_case, (void *)bad_cases, ARRAY_SIZE(bad_cases));
}

ParameterizedTest(const struct bad_case *c, token, hostile)
{
	struct identity id;
	char *tok = build(c);
	enum token_err e;

	memset(&id, 0x5a, sizeof(id));
	e = token_verify(tok, SECRET, strlen(SECRET), ISSUER, 0, NOW, NULL, &id);
	cr_assert_eq(e, c->want, "%s: got %d (%s), want %d (%s)", c->name,
	             e, token_strerror(e), c->want, token_strerror(c->want));
	cr_assert(!id.valid, "%s: identity marked valid", c->name);
	cr_assert_eq(id.uid, 0, "%s: identity not cleared", c->name);
	cr_assert_eq(id.sub[0], '\0', "%s: identity not cleared", c->name);
	free(tok);
}

/* The hand-built tokens are right when nothing is wrong with them. */
Test(token, control_hand_built_token_verifies)
{
	struct identity id;
	char *tok = sign(HDR_OK, "{" CLAIMS_WITHOUT_EXP ",\"exp\":1700001800,\"nbf\":1700000000}", SIG_HS256);

	cr_assert_eq(token_verify(tok, SECRET, strlen(SECRET), ISSUER, 0, NOW, NULL, &id), TOKEN_OK);
	cr_assert(id.valid);
	cr_assert_str_eq(id.sub, "admin");
	cr_assert_eq(id.uid, 2);
	cr_assert_str_eq(id.jti, "0123456789abcdef0123456789abcdef");
	free(tok);
	/* And with a header in another member order and without typ. */
	tok = sign("{\"alg\":\"HS256\"}", GOOD, SIG_HS256);
	cr_assert_eq(token_verify(tok, SECRET, strlen(SECRET), ISSUER, 0, NOW, NULL, &id), TOKEN_OK);
	free(tok);
}

static char *
issue_ok(long ttl, const char *sub, long uid, int64_t now)
{
	char *tok = NULL;
	enum token_err e = token_issue(SECRET, strlen(SECRET), ISSUER, ttl, sub, uid, now, NULL, &tok);

	cr_assert_eq(e, TOKEN_OK, "token_issue: %s", token_strerror(e));
	cr_assert_not_null(tok);
	return tok;
}

Test(token, issue_then_verify_round_trips_claims)
{
	struct identity id;
	char *tok = issue_ok(1800, "marc.demo@example.com", 6, NOW);
	jwt_t *jwt = NULL;

	cr_assert_eq(token_verify(tok, SECRET, strlen(SECRET), ISSUER, 0, NOW, NULL, &id), TOKEN_OK);
	cr_assert(id.valid);
	cr_assert_str_eq(id.sub, "marc.demo@example.com");
	cr_assert_eq(id.uid, 6);
	cr_assert_eq(strlen(id.jti), 32);
	cr_assert_eq(strspn(id.jti, "0123456789abcdef"), 32);

	/* The claims as libjwt sees them: HS256, iat = now, exp = now + ttl. */
	cr_assert_eq(jwt_decode(&jwt, tok, (const unsigned char *)SECRET, (int)strlen(SECRET)), 0);
	cr_assert_eq(jwt_get_alg(jwt), JWT_ALG_HS256);
	cr_assert_eq(jwt_get_grant_int(jwt, "iat"), NOW);
	cr_assert_eq(jwt_get_grant_int(jwt, "exp"), NOW + 1800);
	cr_assert_str_eq(jwt_get_grant(jwt, "iss"), ISSUER);
	cr_assert_str_eq(jwt_get_grant(jwt, "sub"), "marc.demo@example.com");
	jwt_free(jwt);
	free(tok);
}

Test(token, jti_is_fresh_each_time)
{
	struct identity a, b;
	char *t1 = issue_ok(60, "admin", 2, NOW), *t2 = issue_ok(60, "admin", 2, NOW);

	cr_assert_str_neq(t1, t2);
	cr_assert_eq(token_verify(t1, SECRET, strlen(SECRET), ISSUER, 0, NOW, NULL, &a), TOKEN_OK);
	cr_assert_eq(token_verify(t2, SECRET, strlen(SECRET), ISSUER, 0, NOW, NULL, &b), TOKEN_OK);
	cr_assert_str_neq(a.jti, b.jti);
	free(t1);
	free(t2);
}

static enum token_err
verify_at(const char *tok, long leeway, int64_t now)
{
	struct identity id;
	return token_verify(tok, SECRET, strlen(SECRET), ISSUER, leeway, now, NULL, &id);
}

/* exp: valid strictly before exp + leeway (RFC 7519 4.1.4). */
Test(token, exp_edges_with_leeway)
{
	char *tok = issue_ok(1800, "admin", 2, NOW);

	cr_assert_eq(verify_at(tok, 0, NOW + 1799), TOKEN_OK);
	cr_assert_eq(verify_at(tok, 0, NOW + 1800), TOKEN_E_EXPIRED);
	cr_assert_eq(verify_at(tok, 30, NOW + 1829), TOKEN_OK);
	cr_assert_eq(verify_at(tok, 30, NOW + 1830), TOKEN_E_EXPIRED);
	free(tok);
}

/* iat: a token from a clock slightly ahead is accepted within the leeway only. */
Test(token, iat_edges_with_leeway)
{
	char *tok = issue_ok(1800, "admin", 2, NOW);

	cr_assert_eq(verify_at(tok, 0, NOW), TOKEN_OK);
	cr_assert_eq(verify_at(tok, 0, NOW - 1), TOKEN_E_NOT_YET_VALID);
	cr_assert_eq(verify_at(tok, 30, NOW - 30), TOKEN_OK);
	cr_assert_eq(verify_at(tok, 30, NOW - 31), TOKEN_E_NOT_YET_VALID);
	free(tok);
}

/* nbf: valid from nbf - leeway on (RFC 7519 4.1.5). */
Test(token, nbf_edges_with_leeway)
{
	char *tok = sign(HDR_OK, "{\"sub\":\"admin\",\"uid\":2,\"iss\":\"" ISSUER "\",\"iat\":1700000000,"
	                 JTI ",\"exp\":1700009000,\"nbf\":1700000500}", SIG_HS256);

	cr_assert_eq(verify_at(tok, 0, 1700000499), TOKEN_E_NOT_YET_VALID);
	cr_assert_eq(verify_at(tok, 0, 1700000500), TOKEN_OK);
	cr_assert_eq(verify_at(tok, 30, 1700000469), TOKEN_E_NOT_YET_VALID);
	cr_assert_eq(verify_at(tok, 30, 1700000470), TOKEN_OK);
	free(tok);
}

Test(token, issuer_and_secret_are_checked)
{
	struct identity id;
	char *tok = issue_ok(60, "admin", 2, NOW);

	cr_assert_eq(token_verify(tok, SECRET, strlen(SECRET), "someone-else", 0, NOW, NULL, &id), TOKEN_E_ISSUER);
	cr_assert_eq(token_verify(tok, OTHER, strlen(OTHER), ISSUER, 0, NOW, NULL, &id), TOKEN_E_SIGNATURE);
	free(tok);
}

/* A short or missing key would make libjwt check little or nothing: refused outright. */
Test(token, verify_refuses_bad_arguments)
{
	struct identity id;
	char *tok = issue_ok(60, "admin", 2, NOW);

	cr_assert_eq(token_verify(tok, NULL, 0, ISSUER, 0, NOW, NULL, &id), TOKEN_E_INTERNAL);
	cr_assert_eq(token_verify(tok, SECRET, 31, ISSUER, 0, NOW, NULL, &id), TOKEN_E_INTERNAL);
	cr_assert_eq(token_verify(NULL, SECRET, strlen(SECRET), ISSUER, 0, NOW, NULL, &id), TOKEN_E_INTERNAL);
	cr_assert_eq(token_verify("", SECRET, strlen(SECRET), ISSUER, 0, NOW, NULL, &id), TOKEN_E_MALFORMED);
	cr_assert(!id.valid);
	free(tok);
}

Test(token, issue_refuses_bad_arguments)
{
	char *tok = (char *)"sentinel";
	char longsub[300];

	memset(longsub, 'a', sizeof(longsub) - 1);
	longsub[sizeof(longsub) - 1] = '\0';
	cr_assert_eq(token_issue(SECRET, 31, ISSUER, 60, "admin", 2, NOW, NULL, &tok), TOKEN_E_INTERNAL);
	cr_assert_null(tok);
	cr_assert_eq(token_issue(SECRET, strlen(SECRET), ISSUER, 60, "", 2, NOW, NULL, &tok), TOKEN_E_INTERNAL);
	cr_assert_eq(token_issue(SECRET, strlen(SECRET), ISSUER, 60, longsub, 2, NOW, NULL, &tok), TOKEN_E_INTERNAL);
	cr_assert_eq(token_issue(SECRET, strlen(SECRET), ISSUER, 60, "admin", 0, NOW, NULL, &tok), TOKEN_E_INTERNAL);
	cr_assert_eq(token_issue(SECRET, strlen(SECRET), ISSUER, 0, "admin", 2, NOW, NULL, &tok), TOKEN_E_INTERNAL);
	/* Not UTF-8: libjwt's JSON layer refuses it, and no claim-less token comes out. */
	cr_assert_eq(token_issue(SECRET, strlen(SECRET), ISSUER, 60, "adm\xffin", 2, NOW, NULL, &tok), TOKEN_E_INTERNAL);
	cr_assert_null(tok);
}

/* A login of 255 bytes (the identity's limit) survives the round trip. */
Test(token, longest_sub_round_trips)
{
	struct identity id;
	char sub[256];
	char *tok;

	memset(sub, 'u', sizeof(sub) - 1);
	sub[sizeof(sub) - 1] = '\0';
	tok = issue_ok(60, sub, 7, NOW);
	cr_assert_eq(token_verify(tok, SECRET, strlen(SECRET), ISSUER, 0, NOW, NULL, &id), TOKEN_OK);
	cr_assert_str_eq(id.sub, sub);
	free(tok);
}

Test(token, strerror_names_every_error)
{
	for (int e = TOKEN_OK; e <= TOKEN_E_INTERNAL; e++) {
		const char *s = token_strerror((enum token_err)e);
		cr_assert(s != NULL && s[0] != '\0');
		cr_assert_str_neq(s, "unknown token error", "error %d has no text", e);
	}
	cr_assert_str_eq(token_strerror((enum token_err)999), "unknown token error");
}
