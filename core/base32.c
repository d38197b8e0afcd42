/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Base32 without padding (RFC 4648 alphabet). See base32.h.
 */
#include "core/base32.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int base32_encode(const unsigned char *in, size_t n, char *out, size_t size)
{
	size_t o = 0;
	unsigned int acc = 0;
	int bits = 0;
	if (BASE32_LEN(n) + 1 > size)
		return -1;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return (int)o;
}

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int base32_decode(const char *in, size_t len, unsigned char *out, size_t size)
{
	size_t o = 0;
	unsigned int acc = 0;
	int bits = 0;
	/* Lengths 1, 3 and 6 (mod 8) cannot come from whole bytes. */
	switch (len % 8) {
	case 1: case 3: case 6:
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		int v = value_of(in[i]);
		if (v < 0)
			return -1;
		acc = ((acc << 5) | (unsigned int)v) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			if (o >= size)
				return -1;
			out[o++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	/* Leftover bits must be zero, so each byte string has one spelling. */
	if (bits && (acc & ((1u << bits) - 1)))
		return -1;
	return (int)o;
}
