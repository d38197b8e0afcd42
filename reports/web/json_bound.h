/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What a JSON text will cost once parsed, measured on its raw bytes
 * before any tree is built (issue 21: a 4 MB body of 200,000 tiny
 * records made a 55 MB jansson tree before the batch's 500-record limit
 * was looked at). json_bound_scan() counts values and nesting in one
 * pass without allocating, stopping as soon as a bound is passed;
 * json_bound_cost() turns the counts into the bytes a jansson tree of
 * them takes at most, which the hub reserves against its body budget
 * before it parses. Start at json_bound_scan().
 */
#ifndef DOTE_JSON_BOUND_H
#define DOTE_JSON_BOUND_H
#include <stddef.h>

struct json_bound {
	size_t values;		/* scalars, strings (keys too) and containers */
	size_t containers;	/* objects and arrays */
	int depth;		/* deepest nesting (a bare scalar: 0) */
};

/* Scans len bytes of JSON text (strings and escapes understood; the
 * grammar otherwise left to the parser). Returns 0 with the counts in b;
 * 1 as soon as more than max_values values or deeper than max_depth
 * nesting is seen (b then holds the counts so far). */
int json_bound_scan(const char *text, size_t len, size_t max_values, int max_depth, struct json_bound *b);

/* An upper estimate of the bytes a jansson tree of b takes (objects with
 * their hash tables, arrays, scalars, copies of the strings: at most
 * text_len bytes of them), measured on glibc x86-64 with jansson 2.14. */
size_t json_bound_cost(const struct json_bound *b, size_t text_len);
#endif
