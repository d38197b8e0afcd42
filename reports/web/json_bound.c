/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The raw-byte pre-scan of a JSON body (see json_bound.h). One pass, a
 * state of three flags: inside a string, after a backslash, inside a
 * bare scalar (number, true, false, null). Every string, scalar and
 * container start is a value; keys count as values (jansson copies
 * them too).
 */
#include "reports/web/json_bound.h"

int json_bound_scan(const char *text, size_t len, size_t max_values, int max_depth, struct json_bound *b)
{
	int in_string = 0, escaped = 0, in_scalar = 0, depth = 0;
	size_t i;

	b->values = b->containers = 0;
	b->depth = 0;
	for (i = 0; i < len; i++) {
		char c = text[i];

		if (in_string) {
			if (escaped)
				escaped = 0;
			else if (c == '\\')
				escaped = 1;
			else if (c == '"')
				in_string = 0;
			continue;
		}
		switch (c) {
		case '"':
			in_string = 1;
			in_scalar = 0;
			b->values++;
			break;
		case '{':
		case '[':
			in_scalar = 0;
			b->values++;
			b->containers++;
			if (++depth > b->depth)
				b->depth = depth;
			break;
		case '}':
		case ']':
			in_scalar = 0;
			if (depth)
				depth--;
			break;
		case ',':
		case ':':
		case ' ':
		case '\t':
		case '\n':
		case '\r':
			in_scalar = 0;
			break;
		default:
			if (!in_scalar) {
				in_scalar = 1;
				b->values++;
			}
		}
		if (b->values > max_values || b->depth > max_depth)
			return 1;
	}
	return 0;
}

/* Per container: jansson's json_object_t or json_array_t with malloc's
 * overhead and an object's first hash table (8 buckets); per value: its
 * json_t (or a hash pair for a key) and the array slot or bucket link. */
enum { COST_CONTAINER = 384, COST_VALUE = 96 };

size_t json_bound_cost(const struct json_bound *b, size_t text_len)
{
	return b->containers * COST_CONTAINER + b->values * COST_VALUE + text_len;
}
