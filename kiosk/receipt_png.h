/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The receipt PNG the kiosk saves in receipts_dir, its text set with
 * SDL_ttf in the kiosk's typeface (core/receipt.c draws the layout and
 * the QR code; this file supplies the text ops).
 */
#ifndef DOTE_KIOSK_RECEIPT_PNG_H
#define DOTE_KIOSK_RECEIPT_PNG_H
#include <stddef.h>
#include "core/receipt.h"

/* Writes dir/<protocol>.png like receipt_render_png() with the fonts in
 * font_dir (NULL: assets/fonts). When SDL_ttf or the fonts cannot be
 * used it says so and falls back to the bitmap font, so a receipt is
 * always saved. Returns 0 or -1. */
int receipt_png_write(const char *font_dir, const char *dir, const struct receipt_doc *doc, char *path,
		      size_t psize);
/* How many characters of UTF-8 text (spaces aside) the regular face has
 * no glyph for; -1 when the font cannot be opened. */
int receipt_png_missing_glyphs(const char *font_dir, const char *text);
#endif
