/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * multipart/form-data parsing (see multipart.h). A part is
 *   --BOUNDARY CRLF headers CRLF CRLF data CRLF --BOUNDARY
 * and the last boundary ends with "--". Only Content-Disposition's name
 * and filename are read; other part headers are ignored.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "core/util.h"
#include "reports/web/multipart.h"

/* The value of param (name="x", filename="y") in a header line. */
static void header_param(const char *h, size_t hlen, const char *param, char *out, size_t size)
{
	size_t pl = strlen(param), i;

	out[0] = '\0';
	for (i = 0; i + pl + 2 <= hlen; i++) {
		const char *v;
		size_t o = 0;

		if ((i && h[i - 1] != ' ' && h[i - 1] != ';') || strncasecmp(h + i, param, pl) ||
		    h[i + pl] != '=')
			continue;
		v = h + i + pl + 1;
		if (*v == '"') {
			v++;
			while (v < h + hlen && *v != '"' && o + 1 < size)
				out[o++] = *v++;
		} else {
			while (v < h + hlen && *v != ';' && *v != ' ' && o + 1 < size)
				out[o++] = *v++;
		}
		out[o] = '\0';
		return;
	}
}

int multipart_parse(const char *content_type, const char *body, size_t len, struct mp_part *parts, int max)
{
	char boundary[80], delim[84];
	const char *b, *p, *end = body + len;
	size_t dl;
	int n = 0;

	if (!content_type || strncasecmp(content_type, "multipart/form-data", 19))
		return -1;
	b = strcasestr(content_type, "boundary=");
	if (!b)
		return -1;
	header_param(b, strlen(b), "boundary", boundary, sizeof(boundary));
	if (!boundary[0] || strlen(boundary) > 70)
		return -1;
	dl = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	/* The first boundary has no CRLF before it. */
	if (len < dl - 2 || memcmp(body, delim + 2, dl - 2))
		return -1;
	p = body + dl - 2;
	for (;;) {
		const char *hend, *next, *line;
		struct mp_part *part;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return n;	/* the closing boundary */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return -1;
		p += 2;
		hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend)
			return -1;
		next = memmem(hend + 4, (size_t)(end - hend - 4), delim, dl);
		if (!next)
			return -1;
		if (n >= max)
			return -1;
		part = &parts[n++];
		memset(part, 0, sizeof(*part));
		for (line = p; line < hend;) {
			const char *le = memmem(line, (size_t)(hend - line), "\r\n", 2);
			size_t ll = le ? (size_t)(le - line) : (size_t)(hend - line);

			if (ll > 20 && !strncasecmp(line, "Content-Disposition:", 20)) {
				header_param(line, ll, "name", part->name, sizeof(part->name));
				header_param(line, ll, "filename", part->filename, sizeof(part->filename));
			}
			line += ll + 2;
		}
		part->data = hend + 4;
		part->len = (size_t)(next - part->data);
		p = next + dl;
	}
}

const struct mp_part *multipart_get(const struct mp_part *parts, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(parts[i].name, name))
			return &parts[i];
	return NULL;
}

int multipart_text(const struct mp_part *parts, int n, const char *name, char *buf, size_t size)
{
	const struct mp_part *p = multipart_get(parts, n, name);

	if (!size)
		return -1;
	buf[0] = '\0';
	if (!p || p->len >= size || memchr(p->data, '\0', p->len))
		return -1;
	memcpy(buf, p->data, p->len);
	buf[p->len] = '\0';
	return 0;
}
