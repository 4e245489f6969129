/* token.c: issuing and verifying the bridge's JWTs over libjwt 1.10 (HS256 only). */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <json-c/json.h>
#include <jwt.h>

#include "token.h"
#include "util.h"

/*
 * libjwt 1.10 is a thin layer: jwt_decode() verifies the signature with
 * whatever HMAC algorithm the token's header names (HS384 and HS512 pass
 * under the HS256 key), verifies nothing when the key is NULL, never looks
 * at exp/nbf/iat/iss, and its jwt_get_grant_int() returns 0 without setting
 * errno for a claim that is a string.  So this file checks the shape and the
 * header before libjwt sees the token, pins HS256 again afterwards, and
 * reads the claims itself, strictly typed (RFC 8725 2.1, 3.1, 3.8).
 */

/* An HS256 signature is 32 bytes: 43 base64url characters without padding. */
#define HS256_SIG_LEN 32
/* Our header is {"alg":"HS256","typ":"JWT"}; anything much larger is not ours. */
#define MAX_HEADER_SEGMENT 512
/* Nesting bound for the JSON we parse (ours is flat). */
#define JSON_MAX_DEPTH 8

const char *
token_strerror(enum token_err e)
{
	static const char *const text[] = {
		[TOKEN_OK]              = "ok",
		[TOKEN_E_TOO_LONG]      = "token too long",
		[TOKEN_E_MALFORMED]     = "malformed token (segments or base64url)",
		[TOKEN_E_HEADER]        = "unacceptable JOSE header",
		[TOKEN_E_ALG]           = "algorithm is not HS256",
		[TOKEN_E_SIGNATURE]     = "bad signature or undecodable token",
		[TOKEN_E_CLAIMS]        = "missing or mistyped claim",
		[TOKEN_E_EXPIRED]       = "token expired",
		[TOKEN_E_NOT_YET_VALID] = "token not yet valid (nbf or iat in the future)",
		[TOKEN_E_CREDENTIAL]    = "sealed credential does not open",
		[TOKEN_E_REVOKED]       = "revoked by logout",
		[TOKEN_E_ISSUER]        = "wrong issuer",
		[TOKEN_E_INTERNAL]      = "internal error",
	};

	if ((size_t)e < ARRAY_SIZE(text) && text[e] != NULL)
		return text[e];
	return "unknown token error";
}

/* Value of a base64url character (RFC 4648 section 5), or -1. */
static int
b64url_value(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '-')
		return 62;
	if (ch == '_')
		return 63;
	return -1;
}

/*
 * Strict unpadded base64url decoding into out (room for len * 3 / 4 bytes).
 * Refuses foreign characters, an impossible length (len % 4 == 1) and
 * non-zero leftover bits, so that every byte string has exactly one
 * accepted encoding.  Returns the decoded length, or -1.
 */
static long
b64url_decode(const char *in, size_t len, unsigned char *out)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;

	if (len % 4 == 1)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int v = b64url_value((unsigned char)in[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0)
		return -1;
	return (long)n;
}

/* Parses exactly len bytes of JSON text; NULL unless it is one whole value. */
static json_object *
parse_json(const char *text, size_t len)
{
	json_tokener *tok;
	json_object *obj = NULL;

	if (len > (size_t)INT32_MAX || memchr(text, '\0', len) != NULL)
		return NULL;
	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (tok == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	if (obj != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	                    json_tokener_get_parse_end(tok) != len)) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

/*
 * Shape: at most TOKEN_MAX_LEN bytes, exactly two dots, three non-empty
 * segments of base64url characters.  Fills the segment offsets.
 */
static enum token_err
check_shape(const char *token, size_t seg_off[3], size_t seg_len[3])
{
	size_t len = strnlen(token, TOKEN_MAX_LEN + 1);
	size_t seg = 0, start = 0;

	if (len > TOKEN_MAX_LEN)
		return TOKEN_E_TOO_LONG;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || token[i] == '.') {
			if (seg >= 3 || i == start)
				return TOKEN_E_MALFORMED;
			seg_off[seg] = start;
			seg_len[seg] = i - start;
			seg++;
			start = i + 1;
		} else if (b64url_value((unsigned char)token[i]) < 0) {
			return TOKEN_E_MALFORMED;
		}
	}
	return seg == 3 ? TOKEN_OK : TOKEN_E_MALFORMED;
}

/*
 * The JOSE header, read before libjwt: it must be a JSON object whose alg is
 * exactly "HS256" (so none/None/NONE, other HMACs and public-key algorithms
 * never reach libjwt), whose typ, when present, is "JWT", and without crit
 * (RFC 7515 4.1.11: we understand no extension).
 */
static enum token_err
check_header(const char *seg, size_t len)
{
	unsigned char raw[MAX_HEADER_SEGMENT];
	json_object *hdr = NULL, *v;
	enum token_err ret = TOKEN_E_HEADER;
	long n;

	if (len > MAX_HEADER_SEGMENT)
		return TOKEN_E_HEADER;
	n = b64url_decode(seg, len, raw);
	if (n < 0)
		return TOKEN_E_MALFORMED;
	hdr = parse_json((const char *)raw, (size_t)n);
	if (hdr == NULL || !json_object_is_type(hdr, json_type_object))
		goto out;
	if (!json_object_object_get_ex(hdr, "alg", &v) || !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "HS256") != 0) {
		ret = TOKEN_E_ALG;
		goto out;
	}
	if (json_object_object_get_ex(hdr, "typ", &v) &&
	    (!json_object_is_type(v, json_type_string) || ascii_casecmp(json_object_get_string(v), "JWT") != 0))
		goto out;
	if (json_object_object_get_ex(hdr, "crit", NULL))
		goto out;
	ret = TOKEN_OK;
out:
	json_object_put(hdr);
	return ret;
}

/* The signature segment must be the canonical encoding of 32 bytes. */
static enum token_err
check_signature_shape(const char *seg, size_t len)
{
	unsigned char raw[HS256_SIG_LEN + 3];

	if (len != (HS256_SIG_LEN * 4 + 2) / 3)
		return TOKEN_E_SIGNATURE;
	if (b64url_decode(seg, len, raw) != HS256_SIG_LEN)
		return TOKEN_E_MALFORMED;
	return TOKEN_OK;
}

/* An integer claim; false when absent or of another JSON type (1.0, "1", true). */
static bool
claim_int(json_object *claims, const char *name, int64_t *out)
{
	json_object *v;

	if (!json_object_object_get_ex(claims, name, &v) || !json_object_is_type(v, json_type_int))
		return false;
	errno = 0;
	*out = json_object_get_int64(v);
	/* json-c clamps values beyond int64 and says so only through errno. */
	return errno == 0;
}

/* A string claim of 1..max-1 bytes, copied into out[max]. */
static bool
claim_str(json_object *claims, const char *name, char *out, size_t max)
{
	json_object *v;
	int len;

	if (!json_object_object_get_ex(claims, name, &v) || !json_object_is_type(v, json_type_string))
		return false;
	len = json_object_get_string_len(v);
	if (len <= 0 || (size_t)len >= max)
		return false;
	/* "\u0000" is valid JSON; a C string would silently end there. */
	if (memchr(json_object_get_string(v), '\0', (size_t)len) != NULL)
		return false;
	memcpy(out, json_object_get_string(v), (size_t)len);
	out[len] = '\0';
	return true;
}

/* Claim checks on the verified payload (RFC 7519 4.1), into *id. */
static enum token_err
check_claims(json_object *claims, const char *issuer, long leeway,
	     int64_t now, struct identity *id)
{
	int64_t exp, iat, nbf, uid;
	json_object *v;
	char iss[256];

	if (!json_object_is_type(claims, json_type_object))
		return TOKEN_E_CLAIMS;
	if (!claim_int(claims, "exp", &exp) || !claim_int(claims, "iat", &iat) ||
	    !claim_int(claims, "uid", &uid) || uid <= 0 || uid > INT32_MAX ||
	    !claim_str(claims, "sub", id->sub, sizeof(id->sub)) ||
	    !claim_str(claims, "jti", id->jti, sizeof(id->jti)) ||
	    !claim_str(claims, "iss", iss, sizeof(iss)))
		return TOKEN_E_CLAIMS;
	if (strcmp(iss, issuer) != 0)
		return TOKEN_E_ISSUER;
	/* Written as now - leeway so that a huge exp cannot overflow. */
	if (now - leeway >= exp)
		return TOKEN_E_EXPIRED;
	if (iat > now + leeway)
		return TOKEN_E_NOT_YET_VALID;
	if (json_object_object_get_ex(claims, "nbf", &v)) {
		if (!claim_int(claims, "nbf", &nbf))
			return TOKEN_E_CLAIMS;
		if (nbf > now + leeway)
			return TOKEN_E_NOT_YET_VALID;
	}
	id->uid = (long)uid;
	id->exp = exp;
	return TOKEN_OK;
}

/* The associated data that binds a sealed credential to its token: "<uid>:<jti>". */
static void
cred_aad(char aad[96], long uid, const char *jti)
{
	snprintf(aad, 96, "%ld:%s", uid, jti);
}

/* The cred claim, when present and a key is given, opened into id->secret. */
static enum token_err
open_credential(json_object *claims, const struct cred_key *ck, struct identity *id)
{
	json_object *v;
	char aad[96];
	enum cred_err ce;

	if (ck == NULL || !json_object_object_get_ex(claims, "cred", &v))
		return TOKEN_OK;
	if (!json_object_is_type(v, json_type_string))
		return TOKEN_E_CLAIMS;
	cred_aad(aad, id->uid, id->jti);
	ce = cred_open(ck, json_object_get_string(v), aad, id->secret, sizeof(id->secret));
	if (ce != CRED_OK)
		return TOKEN_E_CREDENTIAL;
	id->has_secret = true;
	id->secret_is_key = json_object_object_get_ex(claims, "ckey", &v) &&
	                    json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
	return TOKEN_OK;
}

void
identity_wipe(struct identity *id)
{
	explicit_bzero(id, sizeof(*id));
}

enum token_err
token_verify(const char *token, const void *secret, size_t secret_len,
	     const char *issuer, long leeway, int64_t now,
	     const struct cred_key *ck, struct identity *out)
{
	size_t off[3], len[3];
	jwt_t *jwt = NULL;
	char *grants = NULL;
	json_object *claims = NULL;
	enum token_err ret;

	memset(out, 0, sizeof(*out));
	/* A NULL or short key would make libjwt verify nothing, or little. */
	if (token == NULL || secret == NULL || secret_len < TOKEN_MIN_SECRET ||
	    secret_len > INT32_MAX || issuer == NULL || now < 0 || now > INT64_MAX / 2) {
		ret = TOKEN_E_INTERNAL;
		goto out;
	}
	if (leeway < 0)
		leeway = 0;
	ret = check_shape(token, off, len);
	if (ret != TOKEN_OK)
		goto out;
	ret = check_header(token + off[0], len[0]);
	if (ret != TOKEN_OK)
		goto out;
	ret = check_signature_shape(token + off[2], len[2]);
	if (ret != TOKEN_OK)
		goto out;

	if (jwt_decode(&jwt, token, secret, (int)secret_len) != 0 || jwt == NULL) {
		ret = TOKEN_E_SIGNATURE;
		goto out;
	}
	/* Defence in depth: libjwt verified with the alg it parsed; it must be ours. */
	if (jwt_get_alg(jwt) != JWT_ALG_HS256) {
		ret = TOKEN_E_ALG;
		goto out;
	}
	grants = jwt_get_grants_json(jwt, NULL);
	claims = grants != NULL ? parse_json(grants, strlen(grants)) : NULL;
	if (claims == NULL) {
		ret = TOKEN_E_CLAIMS;
		goto out;
	}
	ret = check_claims(claims, issuer, leeway, now, out);
	if (ret == TOKEN_OK)
		ret = open_credential(claims, ck, out);
out:
	if (ret == TOKEN_OK)
		out->valid = true;
	else
		identity_wipe(out);
	json_object_put(claims);
	free(grants);
	jwt_free(jwt);
	return ret;
}

/* 128 random bits as 32 lowercase hex digits into out[33]. */
static bool
random_hex128(char out[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[16];

	if (!fill_random(rnd, sizeof(rnd)))
		return false;
	for (size_t i = 0; i < sizeof(rnd); i++) {
		out[2 * i] = hex[rnd[i] >> 4];
		out[2 * i + 1] = hex[rnd[i] & 0xf];
	}
	out[32] = '\0';
	return true;
}

enum token_err
token_issue(const void *secret, size_t secret_len, const char *issuer,
	    long ttl, const char *sub, long uid, int64_t now,
	    const struct token_seal *seal, char **out)
{
	struct identity probe;
	json_object *claims = NULL;
	jwt_t *jwt = NULL;
	char jti[33];
	enum token_err ret = TOKEN_E_INTERNAL;

	*out = NULL;
	if (secret == NULL || secret_len < TOKEN_MIN_SECRET || secret_len > INT32_MAX ||
	    issuer == NULL || issuer[0] == '\0' || sub == NULL || sub[0] == '\0' ||
	    strlen(sub) >= sizeof(probe.sub) || uid <= 0 || uid > INT32_MAX ||
	    ttl <= 0 || now < 0 || now > INT64_MAX / 2)
		goto out;
	if (!random_hex128(jti)) {
		log_error("token: getrandom failed: %s", strerror(errno));
		goto out;
	}
	/*
	 * The claims go in as one JSON text built by json-c: jwt_add_grant_int
	 * takes a long, which would end exp in 2038 where long is 32 bits.
	 */
	claims = json_object_new_object();
	json_object_object_add(claims, "sub", json_object_new_string(sub));
	json_object_object_add(claims, "uid", json_object_new_int64(uid));
	json_object_object_add(claims, "iss", json_object_new_string(issuer));
	json_object_object_add(claims, "iat", json_object_new_int64(now));
	json_object_object_add(claims, "exp", json_object_new_int64(now + ttl));
	json_object_object_add(claims, "jti", json_object_new_string(jti));
	if (seal != NULL) {
		char aad[96], *sealed = NULL;
		enum cred_err ce;

		cred_aad(aad, uid, jti);
		ce = cred_seal(seal->key, seal->secret, aad, &sealed);
		if (ce != CRED_OK) {
			log_error("token: cannot seal the credential: %s", cred_strerror(ce));
			goto out;
		}
		json_object_object_add(claims, "cred", json_object_new_string(sealed));
		if (seal->api_key)
			json_object_object_add(claims, "ckey", json_object_new_boolean(true));
		free(sealed);
	}

	if (jwt_new(&jwt) != 0 ||
	    jwt_set_alg(jwt, JWT_ALG_HS256, secret, (int)secret_len) != 0 ||
	    jwt_add_grants_json(jwt, json_object_to_json_string_ext(claims,
	        JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) != 0)
		goto out;
	*out = jwt_encode_str(jwt);
	if (*out != NULL)
		ret = TOKEN_OK;
out:
	json_object_put(claims);
	jwt_free(jwt);
	return ret;
}
