/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * libFuzzer target: what a phone or scanner hands to receipt_verify()
 * (a receipt URL or bare token: the hub's /R/TOKEN page, `dote receipt
 * verify`, the kiosk's "check my application" scan), and base32 itself.
 * Besides the sanitizers, it checks:
 *  - base32: a string that decodes encodes back to itself (upper case),
 *    and any bytes encode and decode back (one spelling per byte string);
 *  - a token's signed body, re-signed with the fuzzer's own kiosk key,
 *    verifies, and receipt_sign() of the fields read from it writes the
 *    very same token (no two tokens for one receipt);
 *  - receipt_url() of an accepted base URL holds the token after '/R/'.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/base32.h"
#include "core/receipt.h"
#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char pk[32], sk[64];
static int have_key;

/* Every kiosk id is known with the fuzzer's key, but 'REVOKED' is
 * revoked and 'GONE' unknown, so every branch of verify is reachable. */
static int lookup(void *ctx, const char *kiosk_id, unsigned char out[32], int *revoked)
{
	(void)ctx;
	if (!strcmp(kiosk_id, "GONE"))
		return 1;
	memcpy(out, pk, 32);
	*revoked = !strcmp(kiosk_id, "REVOKED");
	return 0;
}

static void check_base32(const uint8_t *data, size_t size)
{
	unsigned char bin[1024], back[1024];
	char enc[1700], up[1700];
	int n, m;
	size_t i;

	if (size >= sizeof(up))
		return;
	n = base32_decode((const char *)data, size, bin, sizeof(bin));
	if (n >= 0) {
		for (i = 0; i < size; i++)
			up[i] = (char)(data[i] >= 'a' && data[i] <= 'z' ? data[i] - 32 : data[i]);
		up[size] = '\0';
		if (base32_encode(bin, (size_t)n, enc, sizeof(enc)) != (int)size || strcmp(enc, up)) {
			fprintf(stderr, "base32: decodes but does not encode back\n");
			abort();
		}
	}
	if (size <= sizeof(bin)) {
		if (base32_encode(data, size, enc, sizeof(enc)) != (int)BASE32_LEN(size))
			abort();
		m = base32_decode(enc, strlen(enc), back, sizeof(back));
		if (m != (int)size || memcmp(back, data, size)) {
			fprintf(stderr, "base32: bytes do not survive encode and decode\n");
			abort();
		}
	}
}

/* The payload's token with a genuine signature of ours in place of its
 * own: the layout alone decides whether it verifies. */
static void check_resigned(const char *payload)
{
	char token[RECEIPT_TOKEN_MAX], again[RECEIPT_TOKEN_MAX], url[RECEIPT_URL_MAX];
	unsigned char bin[RECEIPT_TOKEN_MAX];
	struct receipt_fields f;
	int len;

	if (receipt_token_from_payload(payload, token, sizeof(token)))
		return;
	len = base32_decode(token, strlen(token), bin, sizeof(bin));
	if (len <= (int)crypto_sign_BYTES)
		return;
	crypto_sign_detached(bin + len - crypto_sign_BYTES, NULL, bin,
			     (unsigned long long)(len - crypto_sign_BYTES), sk);
	if (base32_encode(bin, (size_t)len, token, sizeof(token)) < 0)
		return;
	if (receipt_verify(token, lookup, NULL, &f) != RECEIPT_OK)
		return;
	if (receipt_sign(&f, sk, again, sizeof(again)) || strcmp(again, token)) {
		fprintf(stderr, "receipt: a verified token is not what its fields sign to\n"
			"  read:   %s\n  signed: %s\n", token, again);
		abort();
	}
	if (!receipt_url("https://hub.example.it/dote/", token, url, sizeof(url)) &&
	    strcmp(url + strlen("HTTPS://HUB.EXAMPLE.IT/dote/R/"), token))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *payload = malloc(size + 1), url[RECEIPT_URL_MAX];
	struct receipt_fields f;
	enum receipt_result r;

	if (!payload)
		return 0;
	if (!have_key) {
		unsigned char seed[crypto_sign_SEEDBYTES] = "dote fuzz kiosk key, not secret";
		if (sodium_init() < 0)
			abort();
		crypto_sign_seed_keypair(pk, sk, seed);
		have_key = 1;
	}
	memcpy(payload, data, size);
	payload[size] = '\0';
	r = receipt_verify(payload, lookup, NULL, &f);
	if (r == RECEIPT_OK && (!f.protocol[0] || !f.submitted_at[0]))
		abort();
	if (!receipt_result_str(r))
		abort();
	check_base32(data, size);
	check_resigned(payload);
	/* The payload as a hub's base URL (config hub_url / receipt_url). */
	if (!receipt_url(payload, "AAAA", url, sizeof(url)) && !strstr(url, "/R/AAAA"))
		abort();
	free(payload);
	return 0;
}
