/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The receipt in the citizen's language: the PNG the kiosk saves in
 * receipts_dir, and the text pieces the printer draws as raster images
 * (kiosk/printer.c). Text is set as the screens set it (kiosk/render.c:
 * HarfBuzz shaping, Noto for Cyrillic, Romanian and Arabic, right to
 * left lines for Arabic) and wrapped to the paper, never cut.
 */
#ifndef DOTE_KIOSK_RECEIPT_PNG_H
#define DOTE_KIOSK_RECEIPT_PNG_H
#include <stddef.h>
#include "core/receipt.h"

/* What the receipt says, in one language. Filled in the UI thread (the
 * current language can change under a printer thread), then copied. */
struct receipt_words {
	char lang[8];
	int rtl;			/* Arabic: lines right-aligned, read right to left */
	char comune[64];		/* "Comune di" */
	char heading[192];		/* "Your application has been received" */
	char protocol[128];		/* "Protocol number" */
	char placement[96];		/* "Placement" */
	char sent[64];			/* "Sent" (date and time) */
	char qr_help[512];		/* what the QR code is for */
	char keep[512];			/* what to keep when there is no QR code */
};

/* The words of the current language (i18n_lang()); labels of a language
 * other than Italian carry the Italian word too, for the town hall's
 * staff ("Protocol number · Protocollo"). */
void receipt_words_current(struct receipt_words *w);

/* Writes dir/<protocol>.png in the current language (see
 * receipt_png_write_in()). */
int receipt_png_write(const char *font_dir, const char *dir, const struct receipt_doc *doc, char *path,
		      size_t psize);
/* Writes dir/<protocol>.png with the comune, protocol number, placement,
 * date and time and the QR code (or, without doc->url, a sentence on
 * keeping the protocol number), its text in w's language in the kiosk's
 * fonts (font_dir NULL: assets/fonts; Noto from fonts-noto-core). When
 * SDL_ttf or the fonts cannot be used it says so and falls back to the
 * bitmap font (Italian and English), so a receipt is always saved.
 * Returns 0 or -1. */
int receipt_png_write_in(const char *font_dir, const char *dir, const struct receipt_doc *doc,
			 const struct receipt_words *w, char *path, size_t psize);
/* How many characters of UTF-8 text (spaces aside) the regular face has
 * no glyph for; -1 when the font cannot be opened. */
int receipt_png_missing_glyphs(const char *font_dir, const char *text);

/* Text setting for the receipt, shared with the printer. */
struct raster;
struct receipt_type;
/* Fonts for lang (its script and direction); NULL after a warning when
 * SDL_ttf or the fonts are missing. */
struct receipt_type *receipt_type_new(const char *font_dir, const char *lang);
void receipt_type_free(struct receipt_type *t);
/* Width in pixels of text set on one line (font: enum ui_font). */
int receipt_type_width(struct receipt_type *t, int font, int px, const char *text);
/* Draws text in grey level value (0 black) into img at row y, wrapped at
 * spaces (a word longer than the column is broken between letters) to
 * the column left..left+width, each line against the language's start
 * side (the right one for Arabic). Returns the height used. */
int receipt_type_draw(struct receipt_type *t, struct raster *img, int y, int left, int width, int font, int px,
		      unsigned char value, const char *text);
/* Draws text on one line, made smaller (down to half of px) until it fits
 * the column: for the protocol number, which must not be broken. */
int receipt_type_draw_line(struct receipt_type *t, struct raster *img, int y, int left, int width, int font,
			   int px, unsigned char value, const char *text);
#endif
