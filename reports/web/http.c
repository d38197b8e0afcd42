/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Parsing helpers for reports/web/http.h: query strings, form bodies and
 * Cookie headers, with percent-decoding and bounded output; and the one
 * percent-encoder every page's links go through.
 */
#include <string.h>
#include "core/util.h"
#include "reports/web/http.h"

/* Finds name=value in a '&'-separated list and decodes value into buf. */
static int pairs_get(const char *s, const char *name, char *buf, size_t size)
{
	size_t nl = strlen(name);

	if (!s || !size)
		return -1;
	while (*s) {
		const char *end = strchr(s, '&');
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if (len > nl && !strncmp(s, name, nl) && s[nl] == '=') {
			const char *v = s + nl + 1, *ve = s + len;
			size_t o = 0;

			while (v < ve) {
				int c = (unsigned char)*v;

				if (c == '+') {
					c = ' ';
					v++;
				} else if (c == '%' && ve - v >= 3 && hex_value(v[1]) >= 0 &&
					   hex_value(v[2]) >= 0) {
					c = hex_value(v[1]) * 16 + hex_value(v[2]);
					v += 3;
				} else {
					v++;
				}
				if (o + 1 >= size) {
					buf[0] = '\0';
					return -1;
				}
				buf[o++] = (char)c;
			}
			buf[o] = '\0';
			if (memchr(buf, '\0', o)) {
				buf[0] = '\0';
				return -1;
			}
			return 0;
		}
		if (!end)
			break;
		s = end + 1;
	}
	buf[0] = '\0';
	return -1;
}

int http_query_get(const char *query, const char *name, char *buf, size_t size)
{
	return pairs_get(query, name, buf, size);
}

int http_form_get(const char *body, const char *name, char *buf, size_t size)
{
	return pairs_get(body, name, buf, size);
}

int http_cookie_get(const char *cookie, const char *name, char *buf, size_t size)
{
	size_t nl = strlen(name);
	const char *s = cookie;

	if (!s || !size)
		return -1;
	while (*s) {
		const char *end;
		size_t len;

		while (*s == ' ' || *s == ';')
			s++;
		end = strchr(s, ';');
		len = end ? (size_t)(end - s) : strlen(s);
		if (len > nl && !strncmp(s, name, nl) && s[nl] == '=') {
			size_t vl = len - nl - 1;

			if (vl >= size) {
				buf[0] = '\0';	/* as for a miss: never what was there */
				return -1;
			}
			memcpy(buf, s + nl + 1, vl);
			buf[vl] = '\0';
			return 0;
		}
		if (!end)
			break;
		s = end + 1;
	}
	buf[0] = '\0';
	return -1;
}

void http_url_encode_to(const char *s, void (*put)(void *ctx, const char *p, size_t n), void *ctx)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			put(ctx, (const char *)p, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };

			put(ctx, e, 3);
		}
	}
}
