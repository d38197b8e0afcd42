/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Pixel buffers and PNG output with libpng. See png.h. The PNG is built
 * in memory and written with file_write_atomic(), so a crash never
 * leaves half a receipt image.
 */
#include "core/png.h"
#include "core/files.h"
#include "core/util.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

int raster_init(struct raster *r, int width, int height, int channels, unsigned char value)
{
	r->pixels = NULL;
	r->width = r->height = 0;
	r->channels = channels;
	if (width < 1 || height < 1 || width > 16384 || height > 16384 ||
	    (channels != 1 && channels != 3))
		return error("bad raster size %dx%dx%d", width, height, channels);
	r->pixels = malloc((size_t)width * (size_t)height * (size_t)channels);
	if (!r->pixels)
		return error("out of memory");
	memset(r->pixels, value, (size_t)width * (size_t)height * (size_t)channels);
	r->width = width;
	r->height = height;
	return 0;
}

void raster_release(struct raster *r)
{
	free(r->pixels);
	r->pixels = NULL;
	r->width = r->height = 0;
}

void raster_fill(struct raster *r, int x, int y, int w, int h, unsigned char value)
{
	int x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
	int x1 = x + w > r->width ? r->width : x + w;
	int y1 = y + h > r->height ? r->height : y + h;
	for (int yy = y0; yy < y1; yy++)
		if (x1 > x0)
			memset(r->pixels + ((size_t)yy * (size_t)r->width + (size_t)x0) * (size_t)r->channels,
			       value, (size_t)(x1 - x0) * (size_t)r->channels);
}

struct mem_sink {
	unsigned char *data;
	size_t len, cap;
	int failed;
};

static void sink_write(png_structp png, png_bytep data, png_size_t n)
{
	struct mem_sink *s = png_get_io_ptr(png);
	if (s->failed)
		return;
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 65536;
		while (cap < s->len + n)
			cap *= 2;
		unsigned char *nd = cap > (256u << 20) ? NULL : realloc(s->data, cap);
		if (!nd) {
			s->failed = 1;
			return;
		}
		s->data = nd;
		s->cap = cap;
	}
	memcpy(s->data + s->len, data, n);
	s->len += n;
}

static void sink_flush(png_structp png) { (void)png; }

/* Encodes into sink; nothing but png and info is live across setjmp. */
static int png_encode(struct mem_sink *sink, const unsigned char *pixels, int width, int height,
		      int channels, size_t stride)
{
	png_structp png;
	png_infop info;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (!png)
		return -1;
	info = png_create_info_struct(png);
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_set_write_fn(png, sink, sink_write, sink_flush);
	png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
		     channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < height; y++)
		png_write_row(png, pixels + (size_t)y * stride);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return sink->failed ? -1 : 0;
}

int png_write(const char *path, const unsigned char *pixels, int width, int height,
	      int channels, size_t stride)
{
	struct mem_sink sink = { 0 };
	int rc;
	if (width < 1 || height < 1 || (channels != 1 && channels != 3))
		return error("bad PNG size %dx%dx%d", width, height, channels);
	if (png_encode(&sink, pixels, width, height, channels, stride))
		rc = error("cannot encode PNG '%s'", path);
	else
		rc = file_write_atomic(path, sink.data, sink.len, 0644);
	free(sink.data);
	return rc;
}

int raster_write_png(const struct raster *r, const char *path)
{
	return png_write(path, r->pixels, r->width, r->height, r->channels,
			 (size_t)r->width * (size_t)r->channels);
}
