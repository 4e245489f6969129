/* credential.h: a user's Odoo password or API key, sealed inside the bridge's tokens. */
#ifndef OB_CREDENTIAL_H
#define OB_CREDENTIAL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * In AUTH_MODE=user every Odoo call needs the user's own password or API
 * key (execute_kw takes it each time), and the bridge keeps no session
 * state: so /token seals it into the token it issues, in the `cred` claim.
 *
 * Sealing is AES-256-GCM (OpenSSL EVP, NIST SP 800-38D) with a fresh
 * 96-bit random nonce per seal, under a key that is never the signing key:
 * HKDF-SHA256 (RFC 5869) of CREDENTIAL_KEY when it is set, else of
 * JWT_SECRET, with the label CRED_HKDF_INFO, so the two keys stay
 * independent even when derived from one secret.  The associated data binds
 * a sealed credential to its token (the caller passes "uid:jti"): copied
 * into another token, it does not open.
 *
 * Wire form: base64url without padding (RFC 4648 section 5) of
 *   version (1 byte, CRED_VERSION) || nonce (12) || ciphertext || tag (16).
 * The client sees only that; it can neither read nor change the secret
 * (the token's signature covers the claim too).
 */

#define CRED_KEY_LEN    32
#define CRED_NONCE_LEN  12
#define CRED_TAG_LEN    16
#define CRED_VERSION    1
#define CRED_HKDF_INFO  "odoo-bridge credential sealing key v1"
/* Longest secret sealed: Odoo passwords and API keys are far shorter. */
#define CRED_MAX_SECRET 1024

struct cred_key {
	unsigned char k[CRED_KEY_LEN];
};

enum cred_err {
	CRED_OK = 0,
	CRED_E_INPUT,     /* bad arguments: empty or too long secret, no key material */
	CRED_E_FORMAT,    /* not base64url, wrong version, too short or too long */
	CRED_E_OPEN,      /* authentication failed: tampered, other key, other token */
	CRED_E_CRYPTO,    /* OpenSSL or the random source failed */
};

/* A short English description of e, for the log. */
const char *cred_strerror(enum cred_err e);

/*
 * Derives the sealing key from ikm (CREDENTIAL_KEY, or JWT_SECRET when that
 * is empty) with HKDF-SHA256 and CRED_HKDF_INFO.  Returns false when ikm is
 * empty or OpenSSL fails.
 */
bool cred_key_derive(const char *ikm, size_t ikm_len, struct cred_key *out);

/* Wipes the key (explicit_bzero). */
void cred_key_wipe(struct cred_key *k);

/*
 * Seals secret (1..CRED_MAX_SECRET bytes, NUL-terminated) bound to aad
 * (NUL-terminated, may be "").  On CRED_OK *out is a heap string (free()).
 */
enum cred_err cred_seal(const struct cred_key *k, const char *secret, const char *aad, char **out);

/*
 * Opens sealed (the wire form) with aad into out[outlen] (NUL-terminated).
 * Anything but the exact text cred_seal produced under the same key and
 * aad fails: CRED_E_FORMAT or CRED_E_OPEN; out is then zeroed.
 */
enum cred_err cred_open(const struct cred_key *k, const char *sealed, const char *aad,
                        char *out, size_t outlen);

#endif
