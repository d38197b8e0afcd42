/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * libFuzzer target: the dashboard's and hub's request parsing
 * (reports/web/http.c): query strings, form bodies and Cookie headers.
 * The first byte picks the parser and the name looked up (the names the
 * handlers use), the second the output buffer's size (1..256); the rest
 * is the query, body or header. Besides the sanitizers, it checks that
 * a value found fits its buffer, NUL-terminated, without a NUL inside
 * the bytes it decoded, and that a miss leaves an empty string.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "reports/web/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"comune", "from", "to", "call", "format", "csrf", "name", "password",
	"dc_session", "dc_pre", "a", "",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, *buf;
	const char *name;
	size_t bsize, len;
	int which, rc;

	if (size < 2)
		return 0;
	which = data[0] % 3;
	name = names[(data[0] / 3) % (sizeof(names) / sizeof(names[0]))];
	bsize = (size_t)data[1] + 1;
	in = malloc(size - 2 + 1);
	/* Exactly bsize bytes, so ASan sees a write one past the end. */
	buf = malloc(bsize);
	if (!in || !buf)
		abort();
	memcpy(in, data + 2, size - 2);
	in[size - 2] = '\0';
	memset(buf, 'x', bsize);
	if (which == 0)
		rc = http_query_get(in, name, buf, bsize);
	else if (which == 1)
		rc = http_form_get(in, name, buf, bsize);
	else
		rc = http_cookie_get(in, name, buf, bsize);
	len = strnlen(buf, bsize);
	if (len == bsize) {
		fprintf(stderr, "output not NUL-terminated within its buffer\n");
		abort();
	}
	if (rc && len) {
		fprintf(stderr, "a miss left '%s' in the buffer\n", buf);
		abort();
	}
	/* A value is never longer than what it was decoded from. */
	if (!rc && len > size - 2)
		abort();
	free(in);
	free(buf);
	return 0;
}
