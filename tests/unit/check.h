/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A tiny test harness for the unit tests in tests/unit/. Each CHECK
 * prints "PASS name" or "FAIL name: why" (the protocol tests/run counts);
 * main() returns check_done(), non-zero if anything failed.
 */
#ifndef DOTE_TESTS_CHECK_H
#define DOTE_TESTS_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(name, cond) do { \
	if (cond) printf("PASS %s\n", (name)); \
	else { printf("FAIL %s: %s (%s:%d)\n", (name), #cond, __FILE__, __LINE__); check_failures++; } \
	fflush(stdout); \
} while (0)

#define CHECK_STR(name, got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ && w_ && !strcmp(g_, w_)) printf("PASS %s\n", (name)); \
	else { printf("FAIL %s: got \"%s\", want \"%s\" (%s:%d)\n", (name), g_ ? g_ : "(null)", w_ ? w_ : "(null)", __FILE__, __LINE__); check_failures++; } \
	fflush(stdout); \
} while (0)

#define CHECK_INT(name, got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ == w_) printf("PASS %s\n", (name)); \
	else { printf("FAIL %s: got %lld, want %lld (%s:%d)\n", (name), g_, w_, __FILE__, __LINE__); check_failures++; } \
	fflush(stdout); \
} while (0)

static inline int check_done(void) { return check_failures ? 1 : 0; }
#endif
