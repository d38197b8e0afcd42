/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * ESC/POS for thermal receipt printers: builds the whole byte stream of a
 * receipt (ESC @ init, code page 858 with UTF-8 text mapped to it so
 * accents and the euro sign print right, header with the comune's name,
 * protocol, placement, date and time, the QR code as a `GS v 0` raster
 * image 384 or 576 dots wide (or, for a receipt without URL, a sentence
 * on keeping the protocol number), feed and cut), and decodes `GS v 0`
 * rasters from such a stream back into a PNG so tests can read the QR
 * with zbar. Start reading at escpos_receipt().
 */
#ifndef DOTE_ESCPOS_H
#define DOTE_ESCPOS_H
#include <stddef.h>

struct receipt_doc;

/* A growing byte buffer, capped at ESCPOS_MAX bytes. */
enum { ESCPOS_MAX = 1 << 20 };
struct escpos_buf {
	unsigned char *data;
	size_t len, cap;
	int failed;		/* an append did not fit: the stream is unusable */
};
void escpos_buf_release(struct escpos_buf *b);

/* The ESC t number that selects code page 858 (Epson and compatibles). */
enum { ESCPOS_CODEPAGE_858 = 19 };

/* Converts UTF-8 text to code page 858 into out (NUL-terminated).
 * Characters the page lacks become '?'; a few typographic ones are
 * folded (curly quotes, dashes). Returns the length, or -1 when out is
 * too small or the UTF-8 is invalid. */
int escpos_cp858(const char *utf8, char *out, size_t size);

/* Builds the receipt for a printer width_dots wide (384 for 58 mm paper,
 * 576 for 80 mm) into out (which must start empty). Returns 0 or -1. */
int escpos_receipt(const struct receipt_doc *doc, int width_dots, struct escpos_buf *out);

/* Pieces for a printer that sets its own text (kiosk/printer.c draws
 * every script as raster images): appends bytes, and the QR code of text
 * as escpos_receipt() prints it (one GS v 0 raster width_dots wide, the
 * code centred with its quiet zone). escpos_qr() returns 0 or -1. */
void escpos_put(struct escpos_buf *b, const void *data, size_t n);
int escpos_qr(struct escpos_buf *b, const char *text, int width_dots);

/* Finds every `GS v 0` raster in data and writes them, stacked top to
 * bottom (touching, so a QR split in bands stays whole) inside a white
 * margin, as an 8-bit grey PNG (black dots black).
 * Returns the number of rasters found (0: no PNG written), -1 on a
 * malformed raster or write error. */
int escpos_render_png(const unsigned char *data, size_t len, const char *png_path);
#endif
