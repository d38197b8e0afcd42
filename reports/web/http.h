/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A plain HTTP request and response, independent of libmicrohttpd, so
 * handlers outside the hub's server code (the coordinators' dashboard,
 * reports/web/dashboard.c) can be written and tested without a server. The
 * hub fills struct http_request from the connection and sends back what
 * the handler put in struct http_response.
 * (Contract between the hub and the reports engineer.)
 */
#ifndef DOTE_REPORTS_HTTP_H
#define DOTE_REPORTS_HTTP_H
#include <stddef.h>

enum {
	HTTP_MAX_HEADERS = 8,		/* extra response headers */
	HTTP_HEADER_MAX = 512,		/* bytes of one extra header value */
};

struct http_request {
	const char *method;		/* 'GET', 'POST' */
	const char *path;		/* '/dashboard/comune/015146', no query string */
	const char *query;		/* 'comune=015146&from=2026-01-01' or '': as the client sent it
				 * (not decoded: http_query_get decodes one value) */
	const char *body;		/* request body, NUL-terminated ('' when none) */
	size_t body_len;
	const char *content_type;	/* Content-Type header or '' */
	const char *cookie;		/* Cookie header or '' */
	const char *remote_addr;	/* '127.0.0.1' */
};

struct http_header {
	char name[64];			/* 'Set-Cookie', 'Location', 'Cache-Control' */
	char value[HTTP_HEADER_MAX];
};

struct http_response {
	int status;			/* 200, 302, 400, 404, ... (0 means 200) */
	char content_type[64];		/* '' means 'text/html; charset=utf-8' */
	char *body;			/* malloc'd; the hub frees it (may be NULL) */
	size_t body_len;
	struct http_header headers[HTTP_MAX_HEADERS];
	int n_headers;
};

/* Adds an extra response header; -1 when full or too long. */
static inline int http_response_header(struct http_response *resp, const char *name,
				       const char *value)
{
	struct http_header *h;
	size_t nl, vl;

	if (resp->n_headers >= HTTP_MAX_HEADERS)
		return -1;
	nl = __builtin_strlen(name);
	vl = __builtin_strlen(value);
	if (nl >= sizeof(h->name) || vl >= sizeof(h->value))
		return -1;
	h = &resp->headers[resp->n_headers++];
	__builtin_memcpy(h->name, name, nl + 1);
	__builtin_memcpy(h->value, value, vl + 1);
	return 0;
}

/* Query parameter `name` from a raw query string, percent-decoded into
 * buf; 0 when found, -1 when absent or it did not fit. Implemented in
 * reports/web/http.c. */
int http_query_get(const char *query, const char *name, char *buf, size_t size);
/* Cookie `name` from a Cookie header into buf; 0 when found, else -1. */
int http_cookie_get(const char *cookie, const char *name, char *buf, size_t size);
/* Form field from an application/x-www-form-urlencoded body. */
int http_form_get(const char *body, const char *name, char *buf, size_t size);
/* Percent-encodes s for a URL's query value or path segment: RFC 3986
 * unreserved characters (letters, digits, - _ . ~) pass, every other
 * byte becomes %XX; the pieces go to put(ctx, p, n). The one encoder of
 * the hub and its pages (html.h's hbuf_url for a page buffer). */
void http_url_encode_to(const char *s, void (*put)(void *ctx, const char *p, size_t n), void *ctx);
#endif
