/* token.h: issuing and verifying the bridge's JWTs (HS256, RFC 7519 / RFC 8725). */
#ifndef OB_TOKEN_H
#define OB_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "credential.h"

/* Longest token token_verify looks at; anything longer is refused unread. */
#define TOKEN_MAX_LEN 4096

/* Shortest HS256 key accepted (RFC 7518 3.2: at least the hash size). */
#define TOKEN_MIN_SECRET 32

enum token_err {
	TOKEN_OK = 0,
	TOKEN_E_TOO_LONG,       /* longer than TOKEN_MAX_LEN */
	TOKEN_E_MALFORMED,      /* not three non-empty base64url segments */
	TOKEN_E_HEADER,         /* header not a JSON object, bad typ, crit present */
	TOKEN_E_ALG,            /* alg other than HS256 (none, HS384, RS256, ...) */
	TOKEN_E_SIGNATURE,      /* libjwt refused it: bad signature or undecodable payload */
	TOKEN_E_CLAIMS,         /* a required claim missing or of the wrong type */
	TOKEN_E_EXPIRED,        /* exp (+ leeway) reached */
	TOKEN_E_NOT_YET_VALID,  /* nbf or iat in the future (beyond the leeway) */
	TOKEN_E_ISSUER,         /* iss differs from the configured issuer */
	TOKEN_E_CREDENTIAL,     /* a cred claim that does not open (other key, tampered) */
	TOKEN_E_REVOKED,        /* on the revocation list (logout): set by auth_require, not token_verify */
	TOKEN_E_INTERNAL,       /* bad arguments, short secret, no randomness, libjwt out of memory */
};

/* A short English description of e, for the log only (never for clients). */
const char *token_strerror(enum token_err e);

/* The user's Odoo password or API key to seal into a token (AUTH_MODE=user). */
struct token_seal {
	const struct cred_key *key;
	const char            *secret;
	bool                   api_key;   /* secret is an API key JSON-2 accepted: claim ckey */
};

/*
 * Issues an HS256 token with the claims sub (the login), uid, iss, iat = now,
 * exp = now + ttl and jti (128 random bits as 32 hex digits, from
 * getrandom()), and, when seal is not NULL, cred: seal->secret sealed with
 * seal->key, bound to "<uid>:<jti>" (see credential.h).  secret must be at
 * least TOKEN_MIN_SECRET bytes, sub non-empty and shorter than
 * sizeof(struct identity.sub), uid > 0, ttl > 0.
 * On TOKEN_OK *out is a heap string the caller frees with free(); otherwise
 * *out is NULL.
 */
enum token_err token_issue(const void *secret, size_t secret_len, const char *issuer,
                           long ttl, const char *sub, long uid, int64_t now,
                           const struct token_seal *seal, char **out);

/*
 * Verifies token (NUL-terminated) against secret and issuer at time now,
 * allowing leeway seconds of clock difference on exp, nbf and iat.  Only
 * HS256 is accepted, whatever the token's header says.  Required claims:
 * sub (non-empty string), uid (integer > 0), iss (string), iat and exp
 * (integers), jti (non-empty string); nbf is checked when present.
 * When the token has a cred claim and ck is not NULL, it is opened into
 * out->secret (out->has_secret true); one that does not open is
 * TOKEN_E_CREDENTIAL.  With ck NULL the claim is ignored.
 * On TOKEN_OK *out is filled and out->valid is true; on any failure *out is
 * zeroed (valid false).  The caller wipes out->secret (identity_wipe).
 */
enum token_err token_verify(const char *token, const void *secret, size_t secret_len,
                            const char *issuer, long leeway, int64_t now,
                            const struct cred_key *ck, struct identity *out);

/* Zeroes an identity, its opened secret included. */
void identity_wipe(struct identity *id);

#endif
