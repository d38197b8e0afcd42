/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Base32 (RFC 4648 alphabet A-Z 2-7) without padding, upper case, so a
 * receipt token stays inside the QR code's alphanumeric mode. Decoding
 * accepts lower case too (a phone may lower-case a URL) and rejects any
 * other character, impossible lengths and non-zero trailing bits, so one
 * byte string has exactly one encoding.
 */
#ifndef DOTE_BASE32_H
#define DOTE_BASE32_H
#include <stddef.h>

/* Characters base32_encode() writes for n bytes (without the NUL). */
#define BASE32_LEN(n) (((n) * 8 + 4) / 5)

/* Encodes n bytes into out (NUL-terminated). Returns the length, or -1
 * when out is too small. */
int base32_encode(const unsigned char *in, size_t n, char *out, size_t size);
/* Decodes len characters of in into out. Returns the number of bytes, or
 * -1 for a bad character, a truncated/impossible length, non-zero
 * trailing bits or an out buffer too small. */
int base32_decode(const char *in, size_t len, unsigned char *out, size_t size);
#endif
