/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * reports/web/json_bound.c: the pre-scan counts values, containers and
 * depth of JSON text as jansson would build them, is not fooled by
 * brackets and quotes inside strings, stops at its bounds, and its cost
 * estimate is not below what jansson really allocates (measured here
 * with malloc's own statistics) for the issue-21 body of tiny records.
 */
#include <jansson.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "reports/web/json_bound.h"
#include "tests/unit/check.h"

static struct json_bound scan(const char *s, size_t maxv, int maxd, int *rc)
{
	struct json_bound b;

	*rc = json_bound_scan(s, strlen(s), maxv, maxd, &b);
	return b;
}

int main(void)
{
	struct json_bound b;
	int rc;

	b = scan("{\"a\":1,\"b\":[true,null,\"x\"]}", 100, 10, &rc);
	CHECK_INT("flat: within bounds", rc, 0);
	CHECK_INT("flat: values (object, 2 keys, 1, array, 3 elements)", b.values, 8);
	CHECK_INT("flat: containers", b.containers, 2);
	CHECK_INT("flat: depth", b.depth, 2);
	b = scan("{\"k\":\"[{[{\\\"}]\"}", 100, 10, &rc);
	CHECK_INT("brackets and escaped quotes inside a string: not counted", b.containers, 1);
	CHECK_INT("... and the string is one value (object, key, string)", b.values, 3);
	b = scan("  -12.5e3 ", 100, 10, &rc);
	CHECK_INT("a bare number: one value, depth 0", b.values * 10 + (size_t)b.depth, 10);
	b = scan("[[[[[[[[[[1]]]]]]]]]]", 100, 8, &rc);
	CHECK_INT("depth 10 against 8: stopped", rc, 1);
	b = scan("[1,2,3,4,5,6,7,8,9,10,11]", 10, 8, &rc);
	CHECK_INT("11 values against 10: stopped", rc, 1);

	/* The attack of issue 21: 200,000 tiny records in 4 MB. */
	{
		size_t n = 200000, len, i;
		const char *rec = "{\"uuid\":\"0000000\"}";
		char *body = malloc(n * 20 + 64), *p = body;
		struct mallinfo2 m0, m1;
		json_t *tree;

		p += sprintf(p, "{\"kiosk_id\":\"K01\",\"records\":[");
		for (i = 0; i < n; i++)
			p += sprintf(p, "%s%s", i ? "," : "", rec);
		p += sprintf(p, "]}");
		len = (size_t)(p - body);
		CHECK_INT("tiny records: stopped at a batch's bound", json_bound_scan(body, len, 40000, 8, &b), 1);
		CHECK("tiny records: stopped early", b.values <= 40001);
		CHECK_INT("tiny records: counted whole without bound", json_bound_scan(body, len, (size_t)-1, 8, &b), 0);
		CHECK_INT("tiny records: containers", b.containers, n + 2);
		m0 = mallinfo2();
		tree = json_loadb(body, len, 0, NULL);
		m1 = mallinfo2();
		CHECK("tiny records: jansson parses them", tree != NULL);
		printf("# jansson tree: %zu bytes; estimate %zu bytes\n",
		       (m1.uordblks + m1.hblkhd) - (m0.uordblks + m0.hblkhd), json_bound_cost(&b, len));
		CHECK("tiny records: the cost estimate covers jansson's tree",
		      json_bound_cost(&b, len) >= (m1.uordblks + m1.hblkhd) - (m0.uordblks + m0.hblkhd));
		json_decref(tree);
		free(body);
	}
	return check_done();
}
