/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * UUIDv7: 48 bits of Unix milliseconds, then random bits from libsodium.
 * See uuid.h.
 */
#include "core/uuid.h"

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sodium.h>

void uuid_v7(char *buf, size_t size)
{
	unsigned char u[16];
	struct timespec ts;
	uint64_t ms;
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	randombytes_buf(u, sizeof(u));
	for (int i = 0; i < 6; i++)
		u[i] = (unsigned char)(ms >> (40 - 8 * i));
	u[6] = (unsigned char)(0x70 | (u[6] & 0x0f));
	u[8] = (unsigned char)(0x80 | (u[8] & 0x3f));
	snprintf(buf, size,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}
