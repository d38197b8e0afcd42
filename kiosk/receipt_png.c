/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The receipt PNG in the kiosk's own typeface: core/receipt.c lays the
 * receipt out (comune, protocol, placement, date, QR code) and calls back
 * here for its text, which SDL_ttf renders in Titillium Web, the font
 * the citizen just read on screen, so accents and the euro sign look
 * right. Start reading at receipt_png_write().
 */
#include "kiosk/receipt_png.h"
#include "core/png.h"
#include "core/util.h"
#include "kiosk/render.h"
#include "kiosk/ui.h"

#include <SDL.h>
#include <SDL_ttf.h>

struct receipt_fonts {
	TTF_Font *face[2];		/* regular, bold */
	int px[2];			/* size each face is set to */
};

static TTF_Font *face_at(struct receipt_fonts *rf, int bold, int px)
{
	TTF_Font *f = rf->face[bold ? 1 : 0];
	if (px < 6)
		px = 6;
	if (rf->px[bold ? 1 : 0] != px) {
		if (TTF_SetFontSize(f, px))
			return NULL;
		rf->px[bold ? 1 : 0] = px;
	}
	return f;
}

static int ttf_width(void *ctx, const char *text, int px, int bold)
{
	TTF_Font *f = face_at(ctx, bold, px);
	int w = 0;
	if (!f || !*text || TTF_SizeUTF8(f, text, &w, NULL))
		return 0;
	return w;
}

/* Blends the glyphs' coverage onto the grey raster: each pixel moves
 * towards value by the glyph's alpha. */
static int ttf_draw(void *ctx, struct raster *r, int x, int y, const char *text, int px, int bold,
		    unsigned char value)
{
	TTF_Font *f = face_at(ctx, bold, px);
	SDL_Surface *s;
	int skip;
	if (!f)
		return px;
	skip = TTF_FontLineSkip(f);
	if (!*text)
		return skip;
	s = TTF_RenderUTF8_Blended(f, text, (SDL_Color){ 0, 0, 0, 255 });
	if (!s)
		return skip;
	if (s->format->format == SDL_PIXELFORMAT_ARGB8888 && !SDL_LockSurface(s)) {
		for (int sy = 0; sy < s->h; sy++) {
			const uint32_t *row = (const uint32_t *)((const unsigned char *)s->pixels + (size_t)sy * (size_t)s->pitch);
			int ty = y + sy;
			if (ty < 0 || ty >= r->height)
				continue;
			for (int sx = 0; sx < s->w; sx++) {
				int tx = x + sx, a = (int)(row[sx] >> 24);
				unsigned char *d;
				if (!a || tx < 0 || tx >= r->width)
					continue;
				d = &r->pixels[((size_t)ty * (size_t)r->width + (size_t)tx) * (size_t)r->channels];
				for (int c = 0; c < r->channels; c++)
					d[c] = (unsigned char)(d[c] - ((d[c] - value) * a + 127) / 255);
			}
		}
		SDL_UnlockSurface(s);
	}
	SDL_FreeSurface(s);
	return skip;
}

int receipt_png_write(const char *font_dir, const char *dir, const struct receipt_doc *doc, char *path,
		      size_t psize)
{
	struct receipt_fonts rf = { { NULL, NULL }, { 0, 0 } };
	struct receipt_text_ops ops = { &rf, ttf_width, ttf_draw };
	static const int faces[2] = { UI_FONT_REGULAR, UI_FONT_BOLD };
	int rc;

	if (!TTF_WasInit() && TTF_Init()) {
		warning("receipt PNG: cannot start SDL_ttf (%s): bitmap font", TTF_GetError());
		return receipt_write_png(dir, doc, path, psize);
	}
	for (int i = 0; i < 2; i++) {
		char file[1024];
		if (render_font_path(font_dir, faces[i], file, sizeof(file)) == 0)
			rf.face[i] = TTF_OpenFont(file, 24);
		if (!rf.face[i]) {
			warning("receipt PNG: cannot open %s (%s): bitmap font", file, TTF_GetError());
			rc = receipt_write_png(dir, doc, path, psize);
			goto out;
		}
		rf.px[i] = 24;
	}
	rc = receipt_render_png(dir, doc, &ops, path, psize);
out:
	for (int i = 0; i < 2; i++)
		if (rf.face[i])
			TTF_CloseFont(rf.face[i]);
	return rc;
}

int receipt_png_missing_glyphs(const char *font_dir, const char *text)
{
	char file[1024];
	TTF_Font *f;
	int missing = 0;
	if ((!TTF_WasInit() && TTF_Init()) || render_font_path(font_dir, UI_FONT_REGULAR, file, sizeof(file)))
		return -1;
	f = TTF_OpenFont(file, 24);
	if (!f)
		return -1;
	for (const unsigned char *p = (const unsigned char *)text; *p;) {
		uint32_t cp;
		int len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
		cp = len == 1 ? *p : (uint32_t)(*p & (0xFF >> (len + 1)));
		for (int i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80) {
				len = i;
				break;
			}
			cp = cp << 6 | (p[i] & 0x3F);
		}
		p += len;
		if (cp > ' ' && !TTF_GlyphIsProvided32(f, cp))
			missing++;
	}
	TTF_CloseFont(f);
	return missing;
}
