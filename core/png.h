/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A plain pixel buffer (8-bit grey or RGB) with a few drawing helpers,
 * written to disk as PNG with libpng. Used for the receipt PNG, the
 * ESC/POS raster decoder in tests, and by anyone who wants screenshots.
 */
#ifndef DOTE_PNG_H
#define DOTE_PNG_H
#include <stddef.h>

struct raster {
	int width, height;
	int channels;		/* 1 grey, 3 RGB */
	unsigned char *pixels;	/* width * height * channels, row-major; owned */
};

/* Allocates a width x height raster filled with value (0 black .. 255
 * white). Limits: each side 1..16384. Returns 0 or -1. */
int raster_init(struct raster *r, int width, int height, int channels, unsigned char value);
void raster_release(struct raster *r);
/* Fills a rectangle (clipped) with a grey value (every channel). */
void raster_fill(struct raster *r, int x, int y, int w, int h, unsigned char value);

/* Writes pixels (stride bytes per row; channels 1 grey or 3 RGB) to path
 * as an 8-bit PNG, atomically (temp file + rename). Returns 0 or -1. */
int png_write(const char *path, const unsigned char *pixels, int width, int height,
	      int channels, size_t stride);
/* png_write() of a whole raster. */
int raster_write_png(const struct raster *r, const char *path);
#endif
