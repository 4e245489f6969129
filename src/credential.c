/* credential.c: AES-256-GCM sealing of users' Odoo credentials (see credential.h). */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "credential.h"
#include "util.h"

/* version + nonce + tag around the ciphertext */
#define OVERHEAD (1 + CRED_NONCE_LEN + CRED_TAG_LEN)
#define MAX_RAW  (OVERHEAD + CRED_MAX_SECRET)
/* base64 of MAX_RAW bytes, with padding and the NUL */
#define MAX_B64  (4 * ((MAX_RAW + 2) / 3) + 1)

const char *
cred_strerror(enum cred_err e)
{
	static const char *const text[] = {
		[CRED_OK]       = "ok",
		[CRED_E_INPUT]  = "no secret, a secret too long, or no key",
		[CRED_E_FORMAT] = "sealed credential malformed",
		[CRED_E_OPEN]   = "sealed credential does not authenticate",
		[CRED_E_CRYPTO] = "cryptography library or random source failed",
	};

	if ((size_t)e < ARRAY_SIZE(text) && text[e] != NULL)
		return text[e];
	return "unknown credential error";
}

bool
cred_key_derive(const char *ikm, size_t ikm_len, struct cred_key *out)
{
	/* RFC 5869 through OpenSSL's EVP_PKEY HKDF (1.1.0+, and 3.x). */
	EVP_PKEY_CTX *pc;
	size_t len = CRED_KEY_LEN;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (ikm == NULL || ikm_len == 0 || ikm_len > INT32_MAX)
		return false;
	pc = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	if (pc == NULL)
		return false;
	ok = EVP_PKEY_derive_init(pc) > 0 &&
	     EVP_PKEY_CTX_set_hkdf_md(pc, EVP_sha256()) > 0 &&
	     EVP_PKEY_CTX_set1_hkdf_key(pc, (const unsigned char *)ikm, (int)ikm_len) > 0 &&
	     EVP_PKEY_CTX_add1_hkdf_info(pc, (const unsigned char *)CRED_HKDF_INFO,
	                                 (int)strlen(CRED_HKDF_INFO)) > 0 &&
	     EVP_PKEY_derive(pc, out->k, &len) > 0 && len == CRED_KEY_LEN;
	EVP_PKEY_CTX_free(pc);
	if (!ok)
		explicit_bzero(out, sizeof(*out));
	return ok;
}

void
cred_key_wipe(struct cred_key *k)
{
	if (k != NULL)
		explicit_bzero(k, sizeof(*k));
}

/* base64url without padding, through OpenSSL's encoder and a translation. */
static char *
b64url_encode(const unsigned char *p, size_t n)
{
	char *s = xmalloc(4 * ((n + 2) / 3) + 1);
	int len = EVP_EncodeBlock((unsigned char *)s, p, (int)n);

	while (len > 0 && s[len - 1] == '=')
		len--;
	s[len] = '\0';
	for (int i = 0; i < len; i++)
		s[i] = s[i] == '+' ? '-' : s[i] == '/' ? '_' : s[i];
	return s;
}

/*
 * Decodes base64url (no padding) into out[cap]; returns the length, or -1
 * when s is not the canonical encoding of some bytes (checked by encoding
 * them back: stray bits in the last character would give one sealed value
 * several spellings).
 */
static long
b64url_decode(const char *s, unsigned char *out, size_t cap)
{
	char tmp[MAX_B64 + 4];
	size_t n = strlen(s), pad, i;
	int len;
	char *back;
	bool same;

	if (n == 0 || n % 4 == 1 || n + 3 >= sizeof(tmp))
		return -1;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return -1;
		tmp[i] = c == '-' ? '+' : c == '_' ? '/' : c;
	}
	pad = (4 - n % 4) % 4;
	memset(tmp + n, '=', pad);
	tmp[n + pad] = '\0';
	if ((n + pad) / 4 * 3 > cap)
		return -1;
	len = EVP_DecodeBlock(out, (const unsigned char *)tmp, (int)(n + pad));
	if (len < 0)
		return -1;
	len -= (int)pad;   /* EVP_DecodeBlock counts the padding as zero bytes */
	back = b64url_encode(out, (size_t)len);
	same = strcmp(back, s) == 0;
	free(back);
	return same ? len : -1;
}

enum cred_err
cred_seal(const struct cred_key *k, const char *secret, const char *aad, char **out)
{
	unsigned char raw[MAX_RAW];
	unsigned char *nonce = raw + 1, *ct = raw + 1 + CRED_NONCE_LEN;
	size_t n = secret != NULL ? strlen(secret) : 0;
	EVP_CIPHER_CTX *cc = NULL;
	enum cred_err rc = CRED_E_CRYPTO;
	int len = 0, fin = 0;

	*out = NULL;
	if (k == NULL || n == 0 || n > CRED_MAX_SECRET || aad == NULL)
		return CRED_E_INPUT;
	raw[0] = CRED_VERSION;
	/* A fresh random nonce each time: under one key, a GCM nonce used twice leaks both plaintexts' XOR and the authentication key. */
	if (!fill_random(nonce, CRED_NONCE_LEN))
		goto out;
	cc = EVP_CIPHER_CTX_new();
	if (cc == NULL ||
	    EVP_EncryptInit_ex(cc, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_GCM_SET_IVLEN, CRED_NONCE_LEN, NULL) != 1 ||
	    EVP_EncryptInit_ex(cc, NULL, NULL, k->k, nonce) != 1 ||
	    EVP_EncryptUpdate(cc, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(cc, ct, &len, (const unsigned char *)secret, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(cc, ct + len, &fin) != 1 ||
	    (size_t)(len + fin) != n ||
	    EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_GCM_GET_TAG, CRED_TAG_LEN, ct + n) != 1)
		goto out;
	*out = b64url_encode(raw, OVERHEAD + n);
	rc = CRED_OK;
out:
	EVP_CIPHER_CTX_free(cc);
	explicit_bzero(raw, sizeof(raw));
	return rc;
}

enum cred_err
cred_open(const struct cred_key *k, const char *sealed, const char *aad, char *out, size_t outlen)
{
	unsigned char raw[MAX_RAW + 3];
	unsigned char *nonce = raw + 1, *ct = raw + 1 + CRED_NONCE_LEN;
	EVP_CIPHER_CTX *cc = NULL;
	enum cred_err rc = CRED_E_CRYPTO;
	long got;
	size_t n;
	int len = 0, fin = 0;

	if (out == NULL || outlen == 0)
		return CRED_E_INPUT;
	memset(out, 0, outlen);
	if (k == NULL || sealed == NULL || aad == NULL)
		return CRED_E_INPUT;
	got = b64url_decode(sealed, raw, sizeof(raw));
	if (got < (long)OVERHEAD + 1 || got > (long)MAX_RAW || raw[0] != CRED_VERSION) {
		rc = CRED_E_FORMAT;
		goto out;
	}
	n = (size_t)got - OVERHEAD;
	if (n + 1 > outlen) {
		rc = CRED_E_INPUT;
		goto out;
	}
	cc = EVP_CIPHER_CTX_new();
	if (cc == NULL ||
	    EVP_DecryptInit_ex(cc, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_GCM_SET_IVLEN, CRED_NONCE_LEN, NULL) != 1 ||
	    EVP_DecryptInit_ex(cc, NULL, NULL, k->k, nonce) != 1 ||
	    EVP_DecryptUpdate(cc, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_DecryptUpdate(cc, (unsigned char *)out, &len, ct, (int)n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_GCM_SET_TAG, CRED_TAG_LEN, ct + n) != 1)
		goto out;
	/* The tag is checked here: nothing decrypted is used before it passes. */
	if (EVP_DecryptFinal_ex(cc, (unsigned char *)out + len, &fin) != 1) {
		rc = CRED_E_OPEN;
		goto out;
	}
	if ((size_t)(len + fin) != n || memchr(out, '\0', n) != NULL) {
		rc = CRED_E_FORMAT;
		goto out;
	}
	out[n] = '\0';
	rc = CRED_OK;
out:
	if (rc != CRED_OK)
		explicit_bzero(out, outlen);
	EVP_CIPHER_CTX_free(cc);
	explicit_bzero(raw, sizeof(raw));
	return rc;
}
