/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * ESC/POS receipts and the GS v 0 raster decoder used by tests. See
 * escpos.h; start reading at escpos_receipt(). Commands used (Epson
 * ESC/POS, understood by practically every thermal receipt printer):
 *   ESC @          initialise            ESC t n     select code page
 *   ESC a n        justification         ESC E n     bold on/off
 *   ESC ! n        print mode (double height 0x10)
 *   GS v 0 m xL xH yL yH d...            raster bit image, 1 bit = 1 dot, MSB left
 *   ESC d n        feed n lines          GS V 66 n   feed and cut
 */
#include "core/escpos.h"
#include "core/png.h"
#include "core/qr.h"
#include "core/receipt.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Unicode code points of bytes 0x80..0xFF in code page 858 (code page
 * 850 with the euro sign at 0xD5 instead of the dotless i). */
static const uint16_t cp858_high[128] = {
	0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,
	0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
	0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
	0x00FF, 0x00D6, 0x00DC, 0x00F8, 0x00A3, 0x00D8, 0x00D7, 0x0192,
	0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,
	0x00BF, 0x00AE, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x00C1, 0x00C2, 0x00C0,
	0x00A9, 0x2563, 0x2551, 0x2557, 0x255D, 0x00A2, 0x00A5, 0x2510,
	0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x00E3, 0x00C3,
	0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x00A4,
	0x00F0, 0x00D0, 0x00CA, 0x00CB, 0x00C8, 0x20AC, 0x00CD, 0x00CE,
	0x00CF, 0x2518, 0x250C, 0x2588, 0x2584, 0x00A6, 0x00CC, 0x2580,
	0x00D3, 0x00DF, 0x00D4, 0x00D2, 0x00F5, 0x00D5, 0x00B5, 0x00FE,
	0x00DE, 0x00DA, 0x00DB, 0x00D9, 0x00FD, 0x00DD, 0x00AF, 0x00B4,
	0x00AD, 0x00B1, 0x2017, 0x00BE, 0x00B6, 0x00A7, 0x00F7, 0x00B8,
	0x00B0, 0x00A8, 0x00B7, 0x00B9, 0x00B3, 0x00B2, 0x25A0, 0x00A0,
};

void escpos_buf_release(struct escpos_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static void put(struct escpos_buf *b, const void *data, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n > ESCPOS_MAX) {
		b->failed = 1;
		return;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *nd = realloc(b->data, cap);
		if (!nd) {
			b->failed = 1;
			return;
		}
		b->data = nd;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
}

static void put_bytes(struct escpos_buf *b, int n, ...)
{
	unsigned char tmp[16];
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n && i < (int)sizeof(tmp); i++)
		tmp[i] = (unsigned char)va_arg(ap, int);
	va_end(ap);
	put(b, tmp, (size_t)n);
}

static int to_cp858(uint32_t cp)
{
	if (cp < 0x80)
		return (int)cp;
	for (int i = 0; i < 128; i++)
		if (cp858_high[i] == cp)
			return 0x80 + i;
	switch (cp) {
	case 0x2018: case 0x2019: case 0x201A: return '\'';
	case 0x201C: case 0x201D: case 0x201E: return '"';
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: return '-';
	case 0x2026: return '.';
	case 0x0131: return 'i';
	}
	return '?';
}

int escpos_cp858(const char *utf8, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)utf8;
	size_t o = 0;
	if (!size)
		return -1;
	while (*p) {
		uint32_t cp;
		int n;
		if (p[0] < 0x80) { cp = p[0]; n = 0; }
		else if ((p[0] & 0xE0) == 0xC0 && p[0] >= 0xC2) { cp = p[0] & 0x1F; n = 1; }
		else if ((p[0] & 0xF0) == 0xE0) { cp = p[0] & 0x0F; n = 2; }
		else if ((p[0] & 0xF8) == 0xF0 && p[0] <= 0xF4) { cp = p[0] & 0x07; n = 3; }
		else goto bad;
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		p += n + 1;
		/* The receipt is plain text: control characters become spaces. */
		int c = (cp < 0x20 || cp == 0x7F) ? ' ' : to_cp858(cp);
		if (o + 1 >= size)
			goto bad;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return (int)o;
bad:
	out[0] = '\0';
	return -1;
}

static void put_text(struct escpos_buf *b, const char *utf8)
{
	char line[512];
	if (escpos_cp858(utf8, line, sizeof(line)) < 0)
		str_copy(line, sizeof(line), "?");
	put(b, line, strlen(line));
	put_bytes(b, 1, '\n');
}

/* The QR as one GS v 0 raster width_dots wide, the code centred in it
 * with its quiet zone. */
int escpos_qr(struct escpos_buf *b, const char *text, int width_dots)
{
	struct qr_code qr;
	int bytes = width_dots / 8, px, side, left, rows;
	unsigned char *row;
	if (qr_make(text, &qr))
		return -1;
	px = width_dots / (qr.width + 2 * QR_QUIET_ZONE);
	if (px > 8)
		px = 8;
	if (px < 2) {
		qr_free(&qr);
		return error("QR code too large for a %d-dot printer", width_dots);
	}
	side = px * (qr.width + 2 * QR_QUIET_ZONE);
	left = (width_dots - side) / 2 + QR_QUIET_ZONE * px;
	rows = side;
	row = calloc((size_t)bytes, 1);
	if (!row) {
		qr_free(&qr);
		return error("out of memory");
	}
	put_bytes(b, 8, 0x1D, 'v', '0', 0, bytes & 0xFF, bytes >> 8, rows & 0xFF, rows >> 8);
	for (int y = 0; y < rows; y++) {
		int my = y / px - QR_QUIET_ZONE;
		memset(row, 0, (size_t)bytes);
		if (my >= 0 && my < qr.width)
			for (int mx = 0; mx < qr.width; mx++)
				if (qr.modules[my * qr.width + mx])
					for (int k = 0; k < px; k++) {
						int x = left + mx * px + k;
						row[x / 8] |= (unsigned char)(0x80 >> (x % 8));
					}
		put(b, row, (size_t)bytes);
	}
	free(row);
	qr_free(&qr);
	return 0;
}

void escpos_put(struct escpos_buf *b, const void *data, size_t n)
{
	put(b, data, n);
}

int escpos_receipt(const struct receipt_doc *doc, int width_dots, struct escpos_buf *out)
{
	char line[256];
	if (width_dots != 384 && width_dots != 576)
		return error("printer width must be 384 or 576 dots, not %d", width_dots);
	put_bytes(out, 2, 0x1B, '@');
	put_bytes(out, 3, 0x1B, 't', ESCPOS_CODEPAGE_858);
	put_bytes(out, 3, 0x1B, 'a', 1);
	put_bytes(out, 3, 0x1B, 'E', 1);
	put_bytes(out, 3, 0x1B, '!', 0x10);
	str_fmt(line, sizeof(line), "Comune di %s", doc->comune_name);
	put_text(out, line);
	put_bytes(out, 3, 0x1B, '!', 0);
	put_bytes(out, 3, 0x1B, 'E', 0);
	put_text(out, "Ricevuta di candidatura");
	put_text(out, "Application receipt");
	put_text(out, "");
	put_bytes(out, 3, 0x1B, 'a', 0);
	put_text(out, "Protocollo / Protocol:");
	put_bytes(out, 3, 0x1B, 'E', 1);
	put_text(out, doc->protocol);
	put_bytes(out, 3, 0x1B, 'E', 0);
	put_text(out, "Tirocinio / Placement:");
	put_text(out, doc->placement_code);
	if (doc->placement_title[0])
		put_text(out, doc->placement_title);
	str_fmt(line, sizeof(line), "Data / Date: %s", doc->when);
	put_text(out, line);
	put_text(out, "");
	if (doc->url[0]) {
		put_bytes(out, 3, 0x1B, 'a', 1);
		if (escpos_qr(out, doc->url, width_dots))
			return -1;
		put_text(out, "");
		put_text(out, "Inquadra il QR per verificare");
		put_text(out, "Scan the QR code to verify");
	} else {
		/* No public receipt page (an offline kiosk): no QR code. */
		put_text(out, "Conserva questa ricevuta: con il");
		put_text(out, "protocollo e il codice fiscale");
		put_text(out, "controlli la domanda al chiosco.");
		put_text(out, "Keep this receipt: with the");
		put_text(out, "protocol number and your codice");
		put_text(out, "fiscale, check your application");
		put_text(out, "at the kiosk.");
	}
	put_bytes(out, 3, 0x1B, 'd', 4);
	put_bytes(out, 4, 0x1D, 'V', 66, 0);
	if (out->failed)
		return error("receipt too large for the printer buffer");
	return 0;
}

struct raster_block {
	size_t offset;		/* of the bit data */
	int xbytes, rows, sx, sy;
};

int escpos_render_png(const unsigned char *data, size_t len, const char *png_path)
{
	enum { MAXBLOCKS = 64, MARGIN = 32 };
	struct raster_block blocks[MAXBLOCKS];
	struct raster r = { 0 };
	int n = 0, width = 0, height = 0, y, rc = -1;
	for (size_t i = 0; i + 8 <= len;) {
		if (data[i] != 0x1D || data[i + 1] != 'v' || data[i + 2] != '0') {
			i++;
			continue;
		}
		int m = data[i + 3], xb = data[i + 4] | data[i + 5] << 8, rows = data[i + 6] | data[i + 7] << 8;
		if (!(m <= 3 || (m >= '0' && m <= '3')))
			return error("raster %d: bad mode %d", n + 1, m);
		m &= 3;
		if (xb < 1 || xb > 512 || rows < 1 || rows > 8192)
			return error("raster %d: bad size %dx%d", n + 1, xb, rows);
		if (len - (i + 8) < (size_t)xb * (size_t)rows)
			return error("raster %d is truncated", n + 1);
		if (n == MAXBLOCKS)
			return error("more than %d rasters", MAXBLOCKS);
		blocks[n] = (struct raster_block){ i + 8, xb, rows, (m & 1) ? 2 : 1, (m & 2) ? 2 : 1 };
		if (xb * 8 * blocks[n].sx > width)
			width = xb * 8 * blocks[n].sx;
		height += rows * blocks[n].sy;
		i += 8 + (size_t)xb * (size_t)rows;
		n++;
	}
	if (!n)
		return 0;
	if (raster_init(&r, width + 2 * MARGIN, height + 2 * MARGIN, 1, 255))
		return -1;
	y = MARGIN;
	for (int k = 0; k < n; k++) {
		const struct raster_block *bl = &blocks[k];
		for (int row = 0; row < bl->rows; row++)
			for (int x = 0; x < bl->xbytes * 8; x++)
				if (data[bl->offset + (size_t)row * (size_t)bl->xbytes + (size_t)(x / 8)] &
				    (0x80 >> (x % 8)))
					raster_fill(&r, MARGIN + x * bl->sx, y + row * bl->sy, bl->sx, bl->sy, 0);
		y += bl->rows * bl->sy;
	}
	if (raster_write_png(&r, png_path) == 0)
		rc = n;
	raster_release(&r);
	return rc;
}
