/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * multipart/form-data bodies (RFC 7578), as a browser sends a form with
 * a file: the parts' names, file names and bytes, pointing into the
 * request body (binary-safe, nothing copied). For the coordinators'
 * upload forms (reports/web/office_coord.c).
 */
#ifndef DOTE_REPORTS_MULTIPART_H
#define DOTE_REPORTS_MULTIPART_H
#include <stddef.h>

struct mp_part {
	char name[64];
	char filename[256];	/* '' for a plain field */
	const char *data;	/* into the body; not NUL-terminated */
	size_t len;
};

/* Splits body[0..len) by the boundary named in content_type into at
 * most max parts. Returns how many, or -1 when the body is not a
 * well-formed multipart/form-data body. */
int multipart_parse(const char *content_type, const char *body, size_t len, struct mp_part *parts, int max);
/* The part named name, or NULL. */
const struct mp_part *multipart_get(const struct mp_part *parts, int n, const char *name);
/* A plain field's text into buf (NUL-terminated): 0, or -1 when absent
 * or too long. */
int multipart_text(const struct mp_part *parts, int n, const char *name, char *buf, size_t size);
#endif
