/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Receipt tokens (sign, verify, URL) and the receipt as a document and a
 * PNG. The token layout is described in receipt.h; start reading at
 * receipt_verify().
 */
#include "core/receipt.h"
#include "core/base32.h"
#include "core/bitfont.h"
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/files.h"
#include "core/png.h"
#include "core/qr.h"
#include "core/util.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	SIG_LEN = crypto_sign_BYTES,		/* 64 */
	BODY_MAX = 1 + 1 + 15 + 3 + 2 + 4 + 4 + 16 + 1 + 31,
	TOKEN_BYTES_MAX = BODY_MAX + SIG_LEN,
};

static int kiosk_id_ok(const char *id)
{
	size_t n = strlen(id);
	if (n < 1 || n > 15)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(isupper((unsigned char)id[i]) || isdigit((unsigned char)id[i]) || id[i] == '-'))
			return 0;
	return 1;
}

static int placement_ok(const char *code)
{
	size_t n = strlen(code);
	if (n < 1 || n > 31)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (code[i] < 0x21 || code[i] > 0x7e)
			return 0;
	return 1;
}

static int comune_ok(const char *istat)
{
	if (strlen(istat) != 6)
		return 0;
	for (int i = 0; i < 6; i++)
		if (!isdigit((unsigned char)istat[i]))
			return 0;
	return 1;
}

static int uuid_parse(const char *s, unsigned char out[16])
{
	int o = 0;
	if (strlen(s) != 36)
		return -1;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[o++] = (unsigned char)(hi << 4 | lo);
		i++;
	}
	return o == 16 ? 0 : -1;
}

static void uuid_format(const unsigned char u[16], char *buf, size_t size)
{
	snprintf(buf, size,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

int receipt_protocol(const char *comune, const char *kiosk_id, int year, int64_t seq,
		     char *buf, size_t size)
{
	return str_fmt(buf, size, "DC-%s-%s-%04d-%06lld", comune, kiosk_id, year,
		       (long long)seq) < 0 ? -1 : 0;
}

int receipt_sign(const struct receipt_fields *f, const unsigned char sk[64], char *token,
		 size_t size)
{
	unsigned char buf[TOKEN_BYTES_MAX];
	size_t p = 0, n;
	if (!kiosk_id_ok(f->kiosk_id) || !comune_ok(f->comune) || !placement_ok(f->placement_code))
		return error("receipt: bad kiosk id, comune or placement code");
	if (f->year < 2000 || f->year > 9999 || f->seq < 1 || f->seq > 0xffffffffLL ||
	    f->submitted < 0 || f->submitted > 0xffffffffLL)
		return error("receipt: year, sequence or time out of range");
	buf[p++] = RECEIPT_VERSION;
	n = strlen(f->kiosk_id);
	buf[p++] = (unsigned char)n;
	memcpy(buf + p, f->kiosk_id, n);
	p += n;
	be_put(buf + p, (uint64_t)strtoul(f->comune, NULL, 10), 3);
	p += 3;
	be_put(buf + p, (uint64_t)f->year, 2);
	p += 2;
	be_put(buf + p, (uint64_t)f->seq, 4);
	p += 4;
	be_put(buf + p, (uint64_t)f->submitted, 4);
	p += 4;
	if (uuid_parse(f->uuid, buf + p))
		return error("receipt: bad uuid");
	p += 16;
	n = strlen(f->placement_code);
	buf[p++] = (unsigned char)n;
	memcpy(buf + p, f->placement_code, n);
	p += n;
	crypto_sign_detached(buf + p, NULL, buf, p, sk);
	p += SIG_LEN;
	if (base32_encode(buf, p, token, size) < 0)
		return error("receipt: token buffer too small");
	return 0;
}

/* Parses the signed body; returns its length (the signature follows), or
 * -1 when the layout is wrong. */
static int parse_body(const unsigned char *b, size_t len, struct receipt_fields *f)
{
	size_t p = 0, n;
	memset(f, 0, sizeof(*f));
	if (len < 2 || b[p] != RECEIPT_VERSION)
		return -1;
	f->version = b[p++];
	n = b[p++];
	if (n < 1 || n > 15 || p + n > len)
		return -1;
	memcpy(f->kiosk_id, b + p, n);
	p += n;
	/* A NUL inside would read as a shorter id: 'K0\0' and 'K0' would be
	 * two tokens of one receipt (strlen() != n refuses it). */
	if (strlen(f->kiosk_id) != n || !kiosk_id_ok(f->kiosk_id) ||
	    p + 3 + 2 + 4 + 4 + 16 + 1 > len)
		return -1;
	unsigned long comune = (unsigned long)be_get(b + p, 3);
	p += 3;
	if (comune > 999999)
		return -1;
	snprintf(f->comune, sizeof(f->comune), "%06lu", comune);
	f->year = (int)be_get(b + p, 2);
	p += 2;
	f->seq = (int64_t)be_get(b + p, 4);
	p += 4;
	f->submitted = (int64_t)be_get(b + p, 4);
	p += 4;
	uuid_format(b + p, f->uuid, sizeof(f->uuid));
	p += 16;
	n = b[p++];
	if (n < 1 || n > 31 || p + n > len)
		return -1;
	memcpy(f->placement_code, b + p, n);
	p += n;
	if (strlen(f->placement_code) != n || !placement_ok(f->placement_code) || f->year < 2000 || f->year > 9999 || f->seq < 1)
		return -1;
	if (receipt_protocol(f->comune, f->kiosk_id, f->year, f->seq, f->protocol,
			     sizeof(f->protocol)))
		return -1;
	time_iso((time_t)f->submitted, f->submitted_at, sizeof(f->submitted_at));
	return (int)p;
}

int receipt_token_from_payload(const char *payload, char *buf, size_t size)
{
	const char *s = payload, *e;
	size_t n;
	if (!payload || strlen(payload) > RECEIPT_PAYLOAD_MAX)
		return -1;
	while (*s && isspace((unsigned char)*s))
		s++;
	/* A URL: the token follows the last '/r/' (any case). */
	for (const char *p = s; *p; p++)
		if (p[0] == '/' && (p[1] == 'r' || p[1] == 'R') && p[2] == '/')
			s = p + 3;
	e = s;
	while (*e && (isalnum((unsigned char)*e)))
		e++;
	/* Allow only trailing white space or a '/' after the token. */
	for (const char *t = e; *t; t++)
		if (!isspace((unsigned char)*t) && !(t == e && *t == '/'))
			return -1;
	n = (size_t)(e - s);
	if (n == 0 || n + 1 > size || n + 1 > RECEIPT_TOKEN_MAX)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	str_upper(buf);
	return 0;
}

enum receipt_result receipt_verify(const char *payload, receipt_key_lookup lookup, void *ctx,
				   struct receipt_fields *out)
{
	char token[RECEIPT_TOKEN_MAX];
	unsigned char bin[TOKEN_BYTES_MAX + 1];
	struct receipt_fields f;
	int len, body, r;
	if (out)
		memset(out, 0, sizeof(*out));
	if (sodium_init() < 0)
		return RECEIPT_LOOKUP_ERROR;
	if (receipt_token_from_payload(payload, token, sizeof(token)))
		return RECEIPT_MALFORMED;
	len = base32_decode(token, strlen(token), bin, sizeof(bin));
	if (len < 0 || len > TOKEN_BYTES_MAX)
		return RECEIPT_MALFORMED;
	body = parse_body(bin, (size_t)len, &f);
	if (body < 0 || (size_t)len != (size_t)body + SIG_LEN)
		return RECEIPT_MALFORMED;
	r = receipt_signature_check(lookup, ctx, f.kiosk_id, bin, (size_t)body, bin + body);
	if (r == RECEIPT_OK && out)
		*out = f;
	return r;
}

enum receipt_result receipt_signature_check(receipt_key_lookup lookup, void *ctx, const char *kiosk_id,
					    const unsigned char *msg, size_t len, const unsigned char *sig)
{
	unsigned char pk[32];
	int revoked = 0, r = lookup(ctx, kiosk_id, pk, &revoked);

	if (r < 0)
		return RECEIPT_LOOKUP_ERROR;
	if (r > 0)
		return RECEIPT_UNKNOWN_KEY;
	if (crypto_sign_verify_detached(sig, msg, (unsigned long long)len, pk))
		return RECEIPT_BAD_SIGNATURE;
	if (revoked)
		return RECEIPT_REVOKED;
	return RECEIPT_OK;
}

int receipt_lookup_db(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked)
{
	sqlite3 *db = ctx;
	sqlite3_stmt *st = db_prepare(db, "SELECT public_key, status FROM kiosk WHERE id = ?1");
	int rc = -1, s;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, kiosk_id, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_DONE) {
		rc = 1;
	} else if (s == SQLITE_ROW) {
		/* The key as 32 bytes (core schema) or 64 hex digits (the hub's store). */
		const void *blob = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		const unsigned char *status = sqlite3_column_text(st, 1);
		size_t got = 0;
		rc = 1;	/* enrolled without a usable key: nothing can verify */
		if (blob && n == 32) {
			memcpy(pk, blob, 32);
			rc = 0;
		} else if (blob && n == 64 &&
			   !sodium_hex2bin(pk, 32, blob, 64, NULL, &got, NULL) && got == 32) {
			rc = 0;
		}
		if (rc == 0)
			*revoked = !status || strcmp((const char *)status, "active") != 0;
	} else {
		error("cannot read kiosk keys: %s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return rc;
}

enum receipt_result receipt_verify_db(sqlite3 *db, const char *payload, struct receipt_fields *f)
{
	return receipt_verify(payload, receipt_lookup_db, db, f);
}

const char *receipt_result_str(enum receipt_result r)
{
	switch (r) {
	case RECEIPT_OK: return "genuine receipt";
	case RECEIPT_MALFORMED: return "not a receipt code, or part of it is missing";
	case RECEIPT_UNKNOWN_KEY: return "signed by a kiosk this network does not know";
	case RECEIPT_REVOKED: return "signed by a kiosk whose key has been revoked";
	case RECEIPT_BAD_SIGNATURE: return "the receipt has been altered or was not signed by its kiosk";
	case RECEIPT_LOOKUP_ERROR: return "the kiosk keys could not be read";
	}
	return "unknown result";
}

int receipt_url(const char *base_url, const char *token, char *buf, size_t size)
{
	char base[RECEIPT_URL_MAX];
	size_t n = str_copy(base, sizeof(base), base_url ? base_url : "");
	const char *scheme_end;
	if (n >= sizeof(base))
		return -1;
	while (n && base[n - 1] == '/')
		base[--n] = '\0';
	scheme_end = strstr(base, "://");
	/* A phone can only open an absolute URL: scheme and host, nothing
	 * else in front of the token. */
	if (!scheme_end || scheme_end == base || !scheme_end[3] || scheme_end[3] == '/')
		return -1;
	for (const char *c = base; c < scheme_end; c++)
		if (!isalpha((unsigned char)*c))
			return -1;
	for (const char *c = base; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return -1;
	/* Scheme and host are case-insensitive: upper case keeps them in the
	 * QR alphanumeric set. A path prefix keeps its case (servers may care). */
	{
		char *host = strstr(base, "://");
		char *path = host ? strchr(host + 3, '/') : NULL;
		for (char *c = base; *c && c != path; c++)
			*c = (char)toupper((unsigned char)*c);
	}
	if (str_fmt(buf, size, "%s/R/%s", base, token) < 0)
		return -1;
	return 0;
}

static int protocol_safe(const char *p)
{
	if (!*p || strlen(p) > 47)
		return 0;
	for (; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '-'))
			return 0;
	return 1;
}

int receipt_doc_load(sqlite3 *db, const char *protocol, const char *base_url,
		     struct receipt_doc *doc)
{
	sqlite3_stmt *st;
	char comune[8], token[RECEIPT_TOKEN_MAX], at[32];
	int rc = -1, s;
	memset(doc, 0, sizeof(*doc));
	st = db_prepare(db,
		"SELECT a.protocol, a.placement_code, a.comune, a.submitted_at, a.receipt,"
		"       p.title, c.name"
		"  FROM application a"
		"  LEFT JOIN placement p ON p.code = a.placement_code"
		"  LEFT JOIN comune c ON c.istat = a.comune"
		" WHERE a.protocol = ?1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, protocol, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_DONE) {
		rc = 1;
		goto out;
	}
	if (s != SQLITE_ROW) {
		error("cannot read application: %s", sqlite3_errmsg(db));
		goto out;
	}
	db_col_copy(st, 0, doc->protocol, sizeof(doc->protocol));
	db_col_copy(st, 1, doc->placement_code, sizeof(doc->placement_code));
	db_col_copy(st, 2, comune, sizeof(comune));
	db_col_copy(st, 3, at, sizeof(at));
	db_col_copy(st, 4, token, sizeof(token));
	db_col_copy(st, 5, doc->placement_title, sizeof(doc->placement_title));
	db_col_copy(st, 6, doc->comune_name, sizeof(doc->comune_name));
	if (!doc->comune_name[0]) {
		const struct comune *c = comune_by_istat(comune);
		str_copy(doc->comune_name, sizeof(doc->comune_name), c ? c->name : comune);
	}
	{
		struct tm tm = { 0 };
		if (strptime(at, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
			time_t t = timegm(&tm);
			struct tm lt;
			localtime_r(&t, &lt);
			strftime(doc->when, sizeof(doc->when), "%d/%m/%Y %H:%M", &lt);
		} else {
			str_copy(doc->when, sizeof(doc->when), at);
		}
	}
	if (!token[0]) {
		error("application %s has no signed receipt", protocol);
		goto out;
	}
	/* No public address: the receipt carries its protocol number and no
	 * QR code (a relative or broken URL would only puzzle a phone). */
	if (base_url && base_url[0] && receipt_url(base_url, token, doc->url, sizeof(doc->url))) {
		warning("receipt address '%s' is not an absolute http(s) URL: receipt without QR code",
			base_url);
		doc->url[0] = '\0';
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* --- the receipt as a PNG ------------------------------------------------- */

/* The built-in bitmap font as text ops: px is the line height, rounded
 * down to a whole multiple of the 10-pixel cell. */
static int bit_scale(int px)
{
	return px / BITFONT_H > 1 ? px / BITFONT_H : 1;
}

static int bit_width(void *ctx, const char *text, int px, int bold)
{
	(void)ctx;
	(void)bold;
	return bitfont_len(text) * BITFONT_W * bit_scale(px);
}

static int bit_draw(void *ctx, struct raster *r, int x, int y, const char *text, int px, int bold,
		    unsigned char value)
{
	(void)ctx;
	(void)bold;
	bitfont_draw(r, x, y, text, bit_scale(px), value);
	return BITFONT_H * bit_scale(px);
}

static const struct receipt_text_ops bitfont_ops = { NULL, bit_width, bit_draw };

/* Byte length of the first n code points of s. */
static size_t utf8_prefix(const char *s, size_t n)
{
	size_t i = 0;
	while (s[i] && n--) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

/* Draws one line: shrunk (down to 3/4 of px) to fit width, then cut with
 * "..." if it still does not. Returns the height used. */
static int draw_line(const struct receipt_text_ops *ops, struct raster *r, int x, int y, int width,
		     const char *text, int px, int bold, unsigned char value)
{
	char cut[RECEIPT_URL_MAX];
	int min = px * 3 / 4;
	while (px > min && ops->width(ops->ctx, text, px, bold) > width)
		px--;
	if (ops->width(ops->ctx, text, px, bold) > width) {
		size_t n = 0, len;
		for (;;) {
			len = utf8_prefix(text, n + 1);
			if (!text[len] || len + 4 > sizeof(cut))
				break;
			memcpy(cut, text, len);
			strcpy(cut + len, "...");
			if (ops->width(ops->ctx, cut, px, bold) > width)
				break;
			n++;
		}
		len = utf8_prefix(text, n);
		memcpy(cut, text, len);
		strcpy(cut + len, "...");
		text = cut;
	}
	return ops->draw(ops->ctx, r, x, y, text, px, bold, value);
}

/* Draws text wrapped at spaces to width, at most max_lines lines (the
 * last one cut if need be). Returns the height used. */
static int draw_wrapped(const struct receipt_text_ops *ops, struct raster *r, int x, int y, int width,
			const char *text, int px, int bold, unsigned char value, int max_lines)
{
	char line[RECEIPT_URL_MAX];
	const char *p = text;
	int used = 0;
	for (int n = 0; *p && n < max_lines; n++) {
		size_t best = 0, len;
		while (*p == ' ')
			p++;
		if (n + 1 < max_lines) {
			/* The longest run of words that fits. */
			for (len = 0;; len++) {
				if (p[len] != ' ' && p[len])
					continue;
				if (len >= sizeof(line))
					break;
				memcpy(line, p, len);
				line[len] = '\0';
				if (best && ops->width(ops->ctx, line, px, bold) > width)
					break;
				best = len;
				if (!p[len])
					break;
			}
		}
		if (!best || !p[best] || n + 1 == max_lines)
			best = strnlen(p, sizeof(line) - 1);
		memcpy(line, p, best);
		line[best] = '\0';
		used += draw_line(ops, r, x, y + used, width, line, px, bold, value);
		p += best;
	}
	return used;
}

int receipt_png_begin(const char *dir, const struct receipt_doc *doc, int width, char *file, size_t fsize,
		      struct qr_code *qr, int *px, int *side)
{
	*px = *side = 0;
	if (!protocol_safe(doc->protocol))
		return error("bad protocol number for a file name");
	if (str_fmt(file, fsize, "%s/%s.png", dir, doc->protocol) < 0)
		return error("receipts folder path too long");
	if (dir_make(dir, 0755))
		return -1;
	if (!doc->url[0])
		return 0;
	if (qr_make(doc->url, qr))
		return -1;
	*px = width / (qr->width + 2 * QR_QUIET_ZONE);
	if (*px < 3)
		*px = 3;
	*side = *px * (qr->width + 2 * QR_QUIET_ZONE);
	return 0;
}

void receipt_png_qr(struct raster *r, const struct qr_code *qr, int px, int side, int y)
{
	int x0 = (r->width - side) / 2 + QR_QUIET_ZONE * px, y0 = y + QR_QUIET_ZONE * px;

	for (int my = 0; my < qr->width; my++)
		for (int mx = 0; mx < qr->width; mx++)
			if (qr->modules[my * qr->width + mx])
				raster_fill(r, x0 + mx * px, y0 + my * px, px, px, 0);
}

int receipt_render_png(const char *dir, const struct receipt_doc *doc,
		       const struct receipt_text_ops *ops, char *path, size_t psize)
{
	enum { W = 720, M = 40, GREY = 80 };
	struct qr_code qr = { 0 };
	struct raster r = { 0 };
	char file[4096], line[256];
	int rc = -1, y, px = 0, side = 0, h, tw;
	if (!ops)
		ops = &bitfont_ops;
	if (receipt_png_begin(dir, doc, W - 2 * M, file, sizeof(file), &qr, &px, &side))
		return -1;
	/* Generous height; only the rows used are written. */
	h = 900 + side;
	if (raster_init(&r, side > W - 2 * M ? side + 2 * M : W, h, 1, 255))
		goto out;
	tw = r.width - 2 * M;
	y = M;
	str_fmt(line, sizeof(line), "Comune di %s", doc->comune_name);
	y += draw_line(ops, &r, M, y, tw, line, 44, 1, 0) + 4;
	y += draw_line(ops, &r, M, y, tw, "Ricevuta di candidatura \xC2\xB7 Application receipt", 24, 0, GREY) + 14;
	raster_fill(&r, M, y, tw, 3, 0);
	y += 18;
	y += draw_line(ops, &r, M, y, tw, "Protocollo / Protocol number", 22, 0, GREY) + 2;
	y += draw_line(ops, &r, M, y, tw, doc->protocol, 36, 1, 0) + 14;
	y += draw_line(ops, &r, M, y, tw, "Tirocinio / Placement", 22, 0, GREY) + 2;
	if (doc->placement_title[0])
		y += draw_wrapped(ops, &r, M, y, tw, doc->placement_title, 30, 1, 0, 2);
	y += draw_line(ops, &r, M, y, tw, doc->placement_code, 24, 0, 0) + 14;
	y += draw_line(ops, &r, M, y, tw, "Data e ora / Date and time", 22, 0, GREY) + 2;
	y += draw_line(ops, &r, M, y, tw, doc->when, 30, 0, 0) + 14;
	if (side) {
		receipt_png_qr(&r, &qr, px, side, y);
		y += side + 6;
		y += draw_wrapped(ops, &r, M, y, tw,
				  "Inquadra il codice QR per verificare la ricevuta e la tua domanda.", 24, 0, 0, 2);
		y += draw_wrapped(ops, &r, M, y, tw,
				  "Scan the QR code to verify the receipt and your application.", 24, 0, GREY, 2);
	} else {
		/* No public receipt page (an offline kiosk): say what the
		 * receipt is good for, in plain words. */
		raster_fill(&r, M, y, tw, 1, GREY);
		y += 14;
		y += draw_wrapped(ops, &r, M, y, tw,
				  "Conserva questa ricevuta: con il numero di protocollo e il tuo codice fiscale "
				  "puoi controllare la domanda a questo chiosco o in comune.", 24, 0, 0, 4) + 6;
		y += draw_wrapped(ops, &r, M, y, tw,
				  "Keep this receipt: with the protocol number and your codice fiscale you can "
				  "check your application at this kiosk or at the town hall.", 24, 0, GREY, 4);
	}
	if (png_write(file, r.pixels, r.width, y + M < h ? y + M : h, 1, (size_t)r.width))
		goto out;
	if (path)
		str_copy(path, psize, file);
	rc = 0;
out:
	qr_free(&qr);
	raster_release(&r);
	return rc;
}

int receipt_write_png(const char *dir, const struct receipt_doc *doc, char *path, size_t psize)
{
	return receipt_render_png(dir, doc, NULL, path, psize);
}
