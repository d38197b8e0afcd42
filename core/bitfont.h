/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A small built-in bitmap font (5x7 glyphs in a 6x10 cell, room above for
 * accents) to write text into a struct raster without any font library:
 * printable ASCII, the accented Latin-1 letters Italian and its
 * neighbours use, and the euro sign. Used by the receipt PNG.
 */
#ifndef DOTE_BITFONT_H
#define DOTE_BITFONT_H
#include "core/png.h"

enum { BITFONT_W = 6, BITFONT_H = 10 };	/* cell size at scale 1 */

/* Number of glyphs (code points) in a UTF-8 string; invalid bytes count one. */
int bitfont_len(const char *utf8);
/* Draws utf8 with its top-left cell corner at x, y, each font pixel a
 * scale x scale square of value; clipped to the raster. Returns the
 * width drawn in pixels. */
int bitfont_draw(struct raster *r, int x, int y, const char *utf8, int scale, unsigned char value);
#endif
