/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Server-rendered HTML for the reports and the dashboard: a bounded
 * growing buffer with HTML escaping, the page frame (inline CSS in the
 * Designers Italia style, Titillium Web when its files are available),
 * and inline SVG charts (bars, time series, funnel) that carry their own
 * accessible title and description. No scripts anywhere.
 */
#ifndef DOTE_REPORTS_HTML_H
#define DOTE_REPORTS_HTML_H
#include <stddef.h>

/* A growing buffer with a cap: once a write would pass max (or memory
 * runs out) the buffer keeps what it had and failed is set. */
struct hbuf {
	char *p;
	size_t len, cap, max;
	int failed;
};

void hbuf_init(struct hbuf *b, size_t max);
void hbuf_release(struct hbuf *b);
void hbuf_addn(struct hbuf *b, const char *s, size_t n);
void hbuf_add(struct hbuf *b, const char *s);
void hbuf_printf(struct hbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with & < > " ' escaped. */
void hbuf_esc(struct hbuf *b, const char *s);
/* Appends s percent-encoded for a URL (http.h's http_url_encode_to). */
void hbuf_url(struct hbuf *b, const char *s);
/* HTML-escapes s (& < > " ') into buf; returns -1 if it did not fit. */
int html_escape(char *buf, size_t size, const char *s);
/* The one HTML escaper: hands s to put(ctx, piece, len) in pieces, the
 * characters & < > " ' replaced by their entities (html_escape and the
 * reports' page buffers both write through it). */
void html_escape_to(const char *s, void (*put)(void *ctx, const char *p, size_t n), void *ctx);
/* Gives the NUL-terminated contents to the caller (free()); the buffer is
 * left empty. NULL when failed. */
char *hbuf_detach(struct hbuf *b, size_t *len);

/* One bar, point or funnel step. suppressed: drawn as a short hatched bar
 * and labelled "riservato"; value is then ignored. */
struct chart_point {
	const char *label;
	double value;
	int suppressed;
	const char *href;	/* optional link (drill-down), already a safe URL */
};

/* Horizontal bars; fmt is the printf format of a value ("%.0f"). */
void html_bar_chart(struct hbuf *b, const char *id, const char *title, const struct chart_point *p,
		    size_t n, const char *fmt);
/* A time series (points in order) as a line with dots. */
void html_line_chart(struct hbuf *b, const char *id, const char *title, const struct chart_point *p,
		     size_t n, const char *fmt);
/* A funnel: centred bars shrinking with each step, with the share of
 * the first step. */
void html_funnel(struct hbuf *b, const char *id, const char *title, const struct chart_point *p, size_t n);

/* Page frame. font_base: URL prefix where titillium-web-latin-400-normal.woff
 * etc. are served ("/dashboard/font/"), NULL to embed them in the page
 * (self-contained reports), "" for system fonts only. */
void html_page_start(struct hbuf *b, const char *title, const char *font_base);
void html_page_end(struct hbuf *b);
/* Formats an integer with Italian thousands separators ("12.345"). */
void html_int_it(char *buf, size_t size, long long v);
/* Formats a double with a decimal comma and the given decimals. */
void html_dec_it(char *buf, size_t size, double v, int decimals);

struct http_response;
/* The Content-Security-Policy of the staff pages served by the hub
 * (dashboard, comune office, coordination): no scripts, own fonts and
 * images, forms only to the hub itself. */
extern const char html_csp[];
/* Adds the headers every staff page carries: html_csp, nosniff,
 * same-origin referrer, no-store (the pages show personal data). */
void html_staff_headers(struct http_response *resp);
/* Hands b's text to resp as its body with status and content type
 * (b is left empty); a body that could not be built becomes a 500. */
void html_respond(struct http_response *resp, int status, const char *type, struct hbuf *b);
/* A 303 to `to` (a path of the hub's own) as a staff page: its headers,
 * Location, and a link for clients that do not follow redirects. */
void html_staff_redirect(struct http_response *resp, const char *to);
/* Replaces resp's body with the Italian page a person uploading a file
 * (a call's table) reads when it exceeds limit_mb: nothing changed, and
 * the way back to the calls. Status and headers stay resp's. */
void html_too_big_page(struct http_response *resp, size_t limit_mb);
#endif
