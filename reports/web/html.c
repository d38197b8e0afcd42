/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * HTML buffer, page frame and SVG charts (see html.h). The page style
 * follows Designers Italia: Titillium Web, #0066CC blue header and
 * links, dark text (contrast above 7:1), visible focus, tables with
 * header cells, an A4 print layout. Charts are SVG with role="img", a
 * <title> and <desc>, so screen readers get the figures; every chart is
 * also followed by a data table in the pages that use it.
 */
#include "reports/web/html.h"
#include "reports/web/http.h"
#include "core/files.h"
#include "core/util.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void hbuf_init(struct hbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void hbuf_release(struct hbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void hbuf_addn(struct hbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->max) {
		b->failed = 1;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;
		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > b->max)
			cap = b->max;
		p = realloc(b->p, cap);
		if (!p) {
			b->failed = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void hbuf_add(struct hbuf *b, const char *s)
{
	hbuf_addn(b, s, strlen(s));
}

void hbuf_printf(struct hbuf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		hbuf_addn(b, small, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);
		if (!big) {
			b->failed = 1;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		hbuf_addn(b, big, (size_t)n);
		free(big);
	}
}

void html_escape_to(const char *s, void (*put)(void *ctx, const char *p, size_t n), void *ctx)
{
	const char *start = s;

	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (s > start)
			put(ctx, start, (size_t)(s - start));
		put(ctx, rep, strlen(rep));
		start = s + 1;
	}
	if (s > start)
		put(ctx, start, (size_t)(s - start));
}

struct escape_buf {
	char *buf;
	size_t size, len;
	int overflow;
};

static void escape_put(void *ctx, const char *p, size_t n)
{
	struct escape_buf *b = ctx;

	if (b->overflow || b->len + n >= b->size) {
		b->overflow = 1;
		return;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

int html_escape(char *buf, size_t size, const char *s)
{
	struct escape_buf b = { buf, size, 0, 0 };

	if (!size)
		return -1;
	html_escape_to(s, escape_put, &b);
	buf[b.overflow ? 0 : b.len] = '\0';
	return b.overflow ? -1 : 0;
}

static void hbuf_put(void *ctx, const char *p, size_t n)
{
	hbuf_addn(ctx, p, n);
}

void hbuf_esc(struct hbuf *b, const char *s)
{
	html_escape_to(s, hbuf_put, b);
}

void hbuf_url(struct hbuf *b, const char *s)
{
	http_url_encode_to(s, hbuf_put, b);
}

char *hbuf_detach(struct hbuf *b, size_t *len)
{
	char *p;
	if (b->failed) {
		hbuf_release(b);
		return NULL;
	}
	if (!b->p)
		hbuf_addn(b, "", 0);
	p = b->p;
	if (len)
		*len = b->len;
	memset(b, 0, sizeof(*b));
	return p;
}

void html_int_it(char *buf, size_t size, long long v)
{
	char tmp[32];
	int n, neg = v < 0;
	size_t j = 0;

	n = snprintf(tmp, sizeof(tmp), "%lld", neg ? -v : v);
	if (neg && j + 1 < size)
		buf[j++] = '-';
	for (int i = 0; i < n && j + 2 < size; i++) {
		if (i && (n - i) % 3 == 0)
			buf[j++] = '.';
		buf[j++] = tmp[i];
	}
	buf[j < size ? j : size - 1] = 0;
}

void html_dec_it(char *buf, size_t size, double v, int decimals)
{
	char *dot;
	snprintf(buf, size, "%.*f", decimals, v);
	dot = strchr(buf, '.');
	if (dot)
		*dot = ',';
}

static void fmt_value(char *buf, size_t size, const char *fmt, double v)
{
	if (!strcmp(fmt, "%.0f")) {
		html_int_it(buf, size, (long long)(v + (v < 0 ? -0.5 : 0.5)));
	} else if (!strcmp(fmt, "%.1f")) {
		html_dec_it(buf, size, v, 1);
	} else if (!strcmp(fmt, "%.2f")) {
		html_dec_it(buf, size, v, 2);
	} else if (!strcmp(fmt, "%")) {
		html_dec_it(buf, size, v * 100, 1);
		strncat(buf, "%", size - strlen(buf) - 1);
	} else {
		html_dec_it(buf, size, v, 2);
	}
}

static void svg_open(struct hbuf *b, const char *id, const char *title, int w, int h)
{
	hbuf_printf(b, "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		       "viewBox=\"0 0 %d %d\" width=\"100%%\" style=\"max-width:%dpx\" aria-labelledby=\"%s-t %s-d\">",
		    w, h, w, id, id);
	hbuf_printf(b, "<title id=\"%s-t\">", id);
	hbuf_esc(b, title);
	hbuf_add(b, "</title>");
}

static void svg_desc(struct hbuf *b, const char *id, const struct chart_point *p, size_t n, const char *fmt)
{
	hbuf_printf(b, "<desc id=\"%s-d\">", id);
	for (size_t i = 0; i < n; i++) {
		char v[48];
		if (p[i].suppressed)
			str_copy(v, sizeof(v), "riservato");
		else
			fmt_value(v, sizeof(v), fmt, p[i].value);
		hbuf_esc(b, p[i].label);
		hbuf_add(b, ": ");
		hbuf_add(b, v);
		hbuf_add(b, i + 1 < n ? "; " : ".");
	}
	hbuf_add(b, "</desc>");
}

static void svg_close(struct hbuf *b, const char *title)
{
	hbuf_add(b, "</svg><figcaption>");
	hbuf_esc(b, title);
	hbuf_add(b, "</figcaption></figure>\n");
}

static const char hatch[] =
	"<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	"patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
	"<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#5c6f82\" stroke-width=\"3\"/></pattern></defs>";

void html_bar_chart(struct hbuf *b, const char *id, const char *title, const struct chart_point *p,
		    size_t n, const char *fmt)
{
	const int w = 720, lw = 230, bw = 360, rh = 26;
	double max = 0;
	int h = (int)n * rh + 10;

	for (size_t i = 0; i < n; i++)
		if (!p[i].suppressed && p[i].value > max)
			max = p[i].value;
	svg_open(b, id, title, w, h);
	svg_desc(b, id, p, n, fmt);
	hbuf_add(b, hatch);
	for (size_t i = 0; i < n; i++) {
		int y = 5 + (int)i * rh;
		int len = p[i].suppressed || max <= 0 ? 0 : (int)(p[i].value / max * bw + 0.5);
		char v[48];
		if (p[i].href) {
			hbuf_add(b, "<a href=\"");
			hbuf_esc(b, p[i].href);
			hbuf_add(b, "\">");
		}
		hbuf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"lbl%s\">", lw - 8, y + 17,
			    p[i].href ? " link" : "");
		hbuf_esc(b, p[i].label);
		hbuf_add(b, "</text>");
		if (p[i].href)
			hbuf_add(b, "</a>");
		if (p[i].suppressed) {
			hbuf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"24\" height=\"18\" fill=\"url(#hatch)\" "
				       "stroke=\"#5c6f82\"/><text x=\"%d\" y=\"%d\" class=\"val\">riservato</text>",
				    lw, y + 2, lw + 30, y + 17);
			continue;
		}
		fmt_value(v, sizeof(v), fmt, p[i].value);
		hbuf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#0066cc\"/>"
			       "<text x=\"%d\" y=\"%d\" class=\"val\">%s</text>",
			    lw, y + 2, len, lw + len + 6, y + 17, v);
	}
	svg_close(b, title);
}

void html_line_chart(struct hbuf *b, const char *id, const char *title, const struct chart_point *p,
		     size_t n, const char *fmt)
{
	const int w = 720, h = 260, l = 70, r = 40, t = 20, bot = 50;
	double max = 0;
	int step = n > 12 ? (int)(n + 11) / 12 : 1, pen = 0;

	for (size_t i = 0; i < n; i++)
		if (!p[i].suppressed && p[i].value > max)
			max = p[i].value;
	if (max <= 0)
		max = 1;
	svg_open(b, id, title, w, h);
	svg_desc(b, id, p, n, fmt);
	hbuf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#5c6f82\"/>", l, h - bot, w - r, h - bot);
	hbuf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#5c6f82\"/>", l, t, l, h - bot);
	for (int k = 0; k <= 4; k++) {
		char v[48];
		int y = h - bot - (h - bot - t) * k / 4;
		fmt_value(v, sizeof(v), fmt, max * k / 4);
		hbuf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"ax\">%s</text>"
			       "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d9dadb\"/>",
			    l - 6, y + 4, v, l + 1, y, w - r, y);
	}
	hbuf_add(b, "<path fill=\"none\" stroke=\"#0066cc\" stroke-width=\"2.5\" d=\"");
	for (size_t i = 0; i < n; i++) {
		double x = l + (n > 1 ? (double)(w - l - r) * (double)i / (double)(n - 1) : (double)(w - l - r) / 2);
		double y = h - bot - (h - bot - t) * (p[i].suppressed ? 0 : p[i].value / max);
		if (p[i].suppressed) {
			pen = 0;
			continue;
		}
		hbuf_printf(b, "%c%.1f %.1f ", pen ? 'L' : 'M', x, y);
		pen = 1;
	}
	hbuf_add(b, "\"/>");
	for (size_t i = 0; i < n; i++) {
		double x = l + (n > 1 ? (double)(w - l - r) * (double)i / (double)(n - 1) : (double)(w - l - r) / 2);
		double y = h - bot - (h - bot - t) * (p[i].suppressed ? 0 : p[i].value / max);
		if (p[i].suppressed)
			hbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"ax\">*</text>", x, y - 4);
		else
			hbuf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#0066cc\"/>", x, y);
		if ((int)i % step == 0) {
			hbuf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"ax\">", x, h - bot + 18);
			hbuf_esc(b, p[i].label);
			hbuf_add(b, "</text>");
		}
	}
	svg_close(b, title);
}

void html_funnel(struct hbuf *b, const char *id, const char *title, const struct chart_point *p, size_t n)
{
	const int w = 720, rh = 44, maxw = 420, cx = 470;
	double first = n && !p[0].suppressed ? p[0].value : 0;
	int h = (int)n * rh + 10;

	svg_open(b, id, title, w, h);
	svg_desc(b, id, p, n, "%.0f");
	hbuf_add(b, hatch);
	for (size_t i = 0; i < n; i++) {
		int y = 5 + (int)i * rh;
		int len = first > 0 && !p[i].suppressed ? (int)(p[i].value / first * maxw + 0.5) : 24;
		char v[48], pct[24] = "";
		if (len < 2)
			len = 2;
		hbuf_printf(b, "<text x=\"10\" y=\"%d\" class=\"lbl\">", y + 25);
		hbuf_esc(b, p[i].label);
		hbuf_add(b, "</text>");
		if (p[i].suppressed) {
			hbuf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"34\" fill=\"url(#hatch)\"/>"
				       "<text x=\"%d\" y=\"%d\" class=\"val\">riservato</text>",
				    cx - len / 2, y, len, cx + len / 2 + 6, y + 22);
			continue;
		}
		fmt_value(v, sizeof(v), "%.0f", p[i].value);
		if (first > 0 && i > 0) {
			html_dec_it(pct, sizeof(pct), p[i].value / first * 100, 1);
			strncat(pct, "%", sizeof(pct) - strlen(pct) - 1);
		}
		hbuf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"34\" fill=\"#0066cc\" opacity=\"%.2f\"/>"
			       "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"fv\">%s</text>"
			       "<text x=\"%d\" y=\"%d\" class=\"val\">%s</text>",
			    cx - len / 2, y, len, 1.0 - 0.12 * (double)i, cx, y + 22, len > 70 ? v : "",
			    cx + len / 2 + 6, y + 22, len > 70 ? pct : v);
	}
	svg_close(b, title);
}

static const char css[] =
	"*{box-sizing:border-box}"
	"body{margin:0;font-family:'Titillium Web',system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
	"color:#1a1a1a;background:#fff;font-size:17px;line-height:1.5}"
	"header.top{background:#0066cc;color:#fff;padding:12px 24px}"
	"header.top .brand{font-size:24px;font-weight:700;margin:0;color:#fff}"
	"header.top .sub{margin:0;font-size:15px}"
	"header.top a{color:#fff}"
	"nav.crumbs{padding:8px 24px;background:#f2f7fc;font-size:15px}"
	"main{padding:16px 24px;max-width:1100px}"
	"a{color:#0059b3}a:focus,button:focus,input:focus,select:focus{outline:3px solid #ff9900;outline-offset:2px}"
	"h1{font-size:30px;margin:8px 0}h2{font-size:22px;margin:24px 0 8px}"
	"table{border-collapse:collapse;margin:8px 0 16px;font-size:15px}"
	"th,td{border:1px solid #c5c7c9;padding:4px 8px;text-align:left}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"thead th{background:#e6f0fa}"
	"caption{text-align:left;font-weight:600;padding:4px 0}"
	".kpi{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}"
	".kpi div{border:1px solid #c5c7c9;border-left:6px solid #0066cc;padding:8px 14px;min-width:150px}"
	".kpi b{display:block;font-size:26px}"
	"figure.chart{margin:8px 0 16px}figure.chart figcaption{font-size:14px;color:#455b71}"
	"svg text{font-family:inherit;font-size:13px;fill:#1a1a1a}svg .link{fill:#0059b3;text-decoration:underline}"
	"svg .fv{fill:#fff;font-weight:600}svg .ax{fill:#455b71;font-size:12px}"
	"form.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-end;background:#f2f7fc;padding:12px;margin:8px 0}"
	"label{display:block;font-weight:600;font-size:15px}"
	"input,select{font:inherit;padding:4px 6px;border:1px solid #5c6f82;border-radius:2px}"
	"button,.button{font:inherit;font-weight:600;background:#0066cc;color:#fff;border:0;padding:6px 16px;"
	"border-radius:4px;text-decoration:none;display:inline-block;cursor:pointer}"
	".note{font-size:14px;color:#455b71}.err{color:#b30000;font-weight:600}"
	".sr{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}"
	".sr:focus{position:static;width:auto;height:auto;display:block;padding:8px 24px;background:#fff}"
	"@page{size:A4;margin:15mm}"
	"@media print{body{font-size:11pt}header.top{background:#fff;color:#000;border-bottom:2px solid #0066cc}"
	"header.top .brand,header.top a{color:#000}nav,form,.noprint{display:none}main{padding:0;max-width:none}"
	"figure.chart,table{break-inside:avoid}svg{max-width:100%}}";

static void font_face(struct hbuf *b, const char *font_base, int weight)
{
	char name[64];
	snprintf(name, sizeof(name), "titillium-web-latin-%d-normal.woff", weight);
	hbuf_printf(b, "@font-face{font-family:'Titillium Web';font-weight:%d;font-style:normal;src:url(", weight);
	if (font_base) {
		hbuf_add(b, font_base);
		hbuf_add(b, name);
	} else {
		char path[512];
		size_t len = 0;
		char *data;
		snprintf(path, sizeof(path), "%s/fonts/%s", assets_dir(), name);
		data = access(path, 0) == 0 ? file_read(path, 1 << 20, &len) : NULL;
		if (data) {
			size_t outlen = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
			char *enc = malloc(outlen);
			if (enc) {
				sodium_bin2base64(enc, outlen, (const unsigned char *)data, len,
						  sodium_base64_VARIANT_ORIGINAL);
				hbuf_add(b, "data:font/woff;base64,");
				hbuf_add(b, enc);
				free(enc);
			}
			free(data);
		}
	}
	hbuf_add(b, ") format('woff')}");
}

void html_page_start(struct hbuf *b, const char *title, const char *font_base)
{
	hbuf_add(b, "<!DOCTYPE html>\n<html lang=\"it\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
	hbuf_esc(b, title);
	hbuf_add(b, "</title><style>");
	if (!font_base || font_base[0]) {
		font_face(b, font_base, 400);
		font_face(b, font_base, 600);
		font_face(b, font_base, 700);
	}
	hbuf_add(b, css);
	hbuf_add(b, "</style></head><body>\n");
}

void html_page_end(struct hbuf *b)
{
	hbuf_add(b, "</body></html>\n");
}

const char html_csp[] = "default-src 'none'; style-src 'unsafe-inline'; font-src 'self' data:; "
			"img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

void html_staff_headers(struct http_response *resp)
{
	http_response_header(resp, "Content-Security-Policy", html_csp);
	http_response_header(resp, "X-Content-Type-Options", "nosniff");
	http_response_header(resp, "Referrer-Policy", "same-origin");
	http_response_header(resp, "Cache-Control", "no-store");
}

void html_respond(struct http_response *resp, int status, const char *type, struct hbuf *b)
{
	size_t len = 0;

	resp->status = status;
	str_copy(resp->content_type, sizeof(resp->content_type), type);
	resp->body = hbuf_detach(b, &len);
	resp->body_len = resp->body ? len : 0;
	if (!resp->body)
		resp->status = 500;
}

void html_staff_redirect(struct http_response *resp, const char *to)
{
	struct hbuf b;

	hbuf_init(&b, 4096);
	hbuf_add(&b, "<!DOCTYPE html><html lang=\"it\"><title>Reindirizzamento</title><p><a href=\"");
	hbuf_esc(&b, to);
	hbuf_add(&b, "\">Continua</a></p></html>");
	html_respond(resp, 303, "text/html; charset=utf-8", &b);
	html_staff_headers(resp);
	http_response_header(resp, "Location", to);
}

void html_too_big_page(struct http_response *resp, size_t limit_mb)
{
	char page[400];

	snprintf(page, sizeof(page), "<!DOCTYPE html><html lang=\"it\"><meta charset=\"utf-8\">"
		 "<title>File troppo grande</title><h1>File troppo grande</h1><p>Il file inviato supera il"
		 " limite di %zu MB: nulla è cambiato.</p><p><a href=\"/coordinamento/avvisi\">Torna agli"
		 " avvisi</a></p></html>", limit_mb);
	free(resp->body);
	resp->body = strdup(page);
	resp->body_len = resp->body ? strlen(resp->body) : 0;
	str_copy(resp->content_type, sizeof(resp->content_type), "text/html; charset=utf-8");
}
