/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The renderer (see render.h): fonts by (weight, pixel size), a cache of
 * text textures keyed by (weight, size, colour, text) and a direct-mapped
 * cache of text widths. Each texture is rasterised in its own colour: a
 * texture tinted per draw (SDL_SetTextureColorMod) makes SDL's software
 * renderer take its generic per-pixel modulate-and-blend path, which cost
 * about 90% of a frame (callgrind, browse at 1080x1920); an untinted one
 * takes the alpha blitter that skips transparent pixels.
 */
#include "kiosk/render.h"
#include "core/util.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdlib.h>
#include <string.h>

static const char *const font_files[UI_FONT__N] = {
	"titillium-web-latin-400-normal.woff",
	"titillium-web-latin-600-normal.woff",
	"titillium-web-latin-700-normal.woff",
};

/* Text textures are kept within a byte budget: a software renderer
 * stores each as a 32-bit surface. */
enum { MAX_FONTS = 96, TEX_SLOTS = 4096, WIDTH_SLOTS = 8192 };
static const long TEX_BUDGET = 12L << 20;

struct tex_entry {
	char *text;		/* owned; NULL when the slot is free */
	uint32_t hash;
	int font, px;
	uint32_t color;		/* 0xRRGGBB the text was rasterised in */
	SDL_Texture *tex;
	int w, h;
	uint64_t used;		/* frame it was last drawn in */
};

struct width_entry {
	char *text;
	uint32_t hash;
	int font, px, w;
};

struct render {
	SDL_Renderer *sdl;
	char font_dir[512];
	struct {
		int font, px;
		TTF_Font *f;
	} fonts[MAX_FONTS];
	int nfonts;
	struct tex_entry tex[TEX_SLOTS];
	long ntex, hits, misses, bytes;
	struct width_entry widths[WIDTH_SLOTS];
	uint64_t frame;
};

int render_font_path(const char *font_dir, int font, char *buf, size_t size)
{
	if (font < 0 || font >= UI_FONT__N)
		return -1;
	if (font_dir && font_dir[0])
		return str_fmt(buf, size, "%s/%s", font_dir, font_files[font]) < 0 ? -1 : 0;
	return str_fmt(buf, size, "%s/fonts/%s", assets_dir(), font_files[font]) < 0 ? -1 : 0;
}

static uint32_t hash_text(int font, int px, const char *s, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)(font * 131 + px);
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static TTF_Font *font_get(struct render *r, int font, int px)
{
	char path[600];
	TTF_Font *f;
	for (int i = 0; i < r->nfonts; i++)
		if (r->fonts[i].font == font && r->fonts[i].px == px)
			return r->fonts[i].f;
	if (r->nfonts == MAX_FONTS) {
		/* Sizes change only with the screen or text-size setting. */
		for (int i = 0; i < r->nfonts; i++)
			TTF_CloseFont(r->fonts[i].f);
		r->nfonts = 0;
	}
	str_fmt(path, sizeof(path), "%s/%s", r->font_dir, font_files[font]);
	f = TTF_OpenFont(path, px);
	if (!f) {
		error("cannot open font %s: %s", path, TTF_GetError());
		return NULL;
	}
	r->fonts[r->nfonts].font = font;
	r->fonts[r->nfonts].px = px;
	r->fonts[r->nfonts++].f = f;
	return f;
}

static int text_width(void *ctx, int font, int px, const char *text, size_t len)
{
	struct render *r = ctx;
	uint32_t h = hash_text(font, px, text, len);
	struct width_entry *e = &r->widths[h % WIDTH_SLOTS];
	char buf[1024];
	TTF_Font *f;
	int w = 0;

	if (!len)
		return 0;
	if (e->text && e->hash == h && e->font == font && e->px == px && strlen(e->text) == len &&
	    !memcmp(e->text, text, len))
		return e->w;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, text, len);
	buf[len] = 0;
	f = font_get(r, font, px);
	if (f && TTF_SizeUTF8(f, buf, &w, NULL))
		w = 0;
	free(e->text);
	e->text = strdup(buf);
	e->hash = h;
	e->font = font;
	e->px = px;
	e->w = w;
	return w;
}

static int line_height(void *ctx, int font, int px)
{
	/* Titillium's own line skip (about 1.5 em, room for accented
	 * capitals) spreads paragraphs; 1.3 em reads better on a kiosk. */
	TTF_Font *f = font_get(ctx, font, px);
	int skip = f ? TTF_FontLineSkip(f) : px;
	int tight = (px * 13 + 9) / 10;
	return skip < tight ? skip : tight;
}

struct ui_text_ops render_text_ops(struct render *r)
{
	struct ui_text_ops ops = { r, text_width, line_height };
	return ops;
}

struct render *render_new(SDL_Renderer *sdl, const char *font_dir)
{
	struct render *r;
	if (!TTF_WasInit() && TTF_Init()) {
		error("cannot start SDL_ttf: %s", TTF_GetError());
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->sdl = sdl;
	if (font_dir)
		str_copy(r->font_dir, sizeof(r->font_dir), font_dir);
	else
		str_fmt(r->font_dir, sizeof(r->font_dir), "%s/fonts", assets_dir());
	if (!font_get(r, UI_FONT_REGULAR, 24)) {
		free(r);
		return NULL;
	}
	return r;
}

static void tex_clear(struct render *r, struct tex_entry *e)
{
	if (e->text) {
		r->ntex--;
		r->bytes -= (long)e->w * e->h * 4;
		str_wipe(e->text, strlen(e->text));
	}
	free(e->text);
	if (e->tex)
		SDL_DestroyTexture(e->tex);
	memset(e, 0, sizeof(*e));
}

void render_free(struct render *r)
{
	if (!r)
		return;
	for (int i = 0; i < TEX_SLOTS; i++)
		if (r->tex[i].text)
			tex_clear(r, &r->tex[i]);
	for (int i = 0; i < WIDTH_SLOTS; i++)
		free(r->widths[i].text);
	for (int i = 0; i < r->nfonts; i++)
		TTF_CloseFont(r->fonts[i].f);
	free(r);
}

static void evict(struct render *r)
{
	/* Drop the least recently drawn first, until within budget. */
	for (uint64_t age = 600; r->bytes > TEX_BUDGET * 3 / 4 && age >= 2; age /= 2)
		for (int i = 0; i < TEX_SLOTS && r->bytes > TEX_BUDGET * 3 / 4; i++)
			if (r->tex[i].text && r->tex[i].used + age < r->frame)
				tex_clear(r, &r->tex[i]);
}

static struct tex_entry *tex_get(struct render *r, int font, int px, uint32_t color, const char *text)
{
	size_t len = strlen(text);
	uint32_t h = hash_text(font, px, text, len) ^ (color * 2654435761u);
	unsigned i, probe;
	SDL_Surface *s;
	TTF_Font *f;
	SDL_Color fg = { (color >> 16) & 255, (color >> 8) & 255, color & 255, 255 };
	struct tex_entry *e = NULL;

	for (probe = 0; probe < 64; probe++) {
		i = (h + probe) % TEX_SLOTS;
		if (!r->tex[i].text) {
			e = &r->tex[i];
			break;
		}
		if (r->tex[i].hash == h && r->tex[i].font == font && r->tex[i].px == px &&
		    r->tex[i].color == color && !strcmp(r->tex[i].text, text)) {
			r->hits++;
			r->tex[i].used = r->frame;
			return &r->tex[i];
		}
	}
	if (!e) {
		/* Long probe chain: reuse the least recently drawn slot. */
		e = &r->tex[h % TEX_SLOTS];
		tex_clear(r, e);
	}
	r->misses++;
	f = font_get(r, font, px);
	if (!f)
		return NULL;
	s = TTF_RenderUTF8_Blended(f, text, fg);
	if (!s)
		return NULL;
	e->tex = SDL_CreateTextureFromSurface(r->sdl, s);
	e->w = s->w;
	e->h = s->h;
	SDL_FreeSurface(s);
	if (!e->tex)
		return NULL;
	e->text = strdup(text);
	e->hash = h;
	e->font = font;
	e->px = px;
	e->color = color;
	e->used = r->frame;
	r->ntex++;
	r->bytes += (long)e->w * e->h * 4;
	return e;
}

static void set_color(SDL_Renderer *sdl, uint32_t c)
{
	SDL_SetRenderDrawColor(sdl, (c >> 16) & 255, (c >> 8) & 255, c & 255, 255);
}

static void draw_bitmap(struct render *r, const struct ui_cmd *c)
{
	SDL_Rect rects[512];
	int n = 0, m = c->r.w / c->side;
	int ox = c->r.x + (c->r.w - m * c->side) / 2, oy = c->r.y + (c->r.h - m * c->side) / 2;
	set_color(r->sdl, 0xFFFFFF);
	SDL_RenderFillRect(r->sdl, &(SDL_Rect){ c->r.x, c->r.y, c->r.w, c->r.h });
	set_color(r->sdl, c->color);
	for (int y = 0; y < c->side; y++)
		for (int x = 0; x < c->side; x++) {
			if (!c->bits[y * c->side + x])
				continue;
			rects[n++] = (SDL_Rect){ ox + x * m, oy + y * m, m, m };
			if (n == (int)ARRAY_SIZE(rects)) {
				SDL_RenderFillRects(r->sdl, rects, n);
				n = 0;
			}
		}
	if (n)
		SDL_RenderFillRects(r->sdl, rects, n);
}

void render_frame(struct render *r, const struct ui_cmd *cmds, int n, uint32_t bg)
{
	r->frame++;
	SDL_RenderSetClipRect(r->sdl, NULL);
	set_color(r->sdl, bg);
	SDL_RenderClear(r->sdl);
	for (int i = 0; i < n; i++) {
		const struct ui_cmd *c = &cmds[i];
		SDL_Rect rect = { c->r.x, c->r.y, c->r.w, c->r.h };
		switch (c->kind) {
		case UI_CMD_CLIP:
			SDL_RenderSetClipRect(r->sdl, c->r.w ? &rect : NULL);
			break;
		case UI_CMD_RECT:
			set_color(r->sdl, c->color);
			if (!c->thickness) {
				SDL_RenderFillRect(r->sdl, &rect);
				break;
			}
			for (int t = 0; t < c->thickness && 2 * t < rect.w && 2 * t < rect.h; t++) {
				SDL_Rect o = { rect.x + t, rect.y + t, rect.w - 2 * t, rect.h - 2 * t };
				SDL_RenderDrawRect(r->sdl, &o);
			}
			break;
		case UI_CMD_TEXT: {
			struct tex_entry *e = tex_get(r, c->font, c->px, c->color & 0xFFFFFF, c->text);
			if (!e)
				break;
			/* Centre the glyphs in the (tighter) line box. */
			int lift = (e->h - line_height(r, c->font, c->px)) / 2;
			SDL_RenderCopy(r->sdl, e->tex, NULL, &(SDL_Rect){ c->r.x, c->r.y - lift, e->w, e->h });
			break;
		}
		case UI_CMD_BITMAP:
			draw_bitmap(r, c);
			break;
		}
	}
	SDL_RenderSetClipRect(r->sdl, NULL);
	if (r->bytes > TEX_BUDGET || r->ntex > TEX_SLOTS / 2)
		evict(r);
}

void render_wipe(struct render *r)
{
	for (int i = 0; i < TEX_SLOTS; i++)
		if (r->tex[i].text)
			tex_clear(r, &r->tex[i]);
	for (int i = 0; i < WIDTH_SLOTS; i++)
		if (r->widths[i].text) {
			str_wipe(r->widths[i].text, strlen(r->widths[i].text));
			free(r->widths[i].text);
			memset(&r->widths[i], 0, sizeof(r->widths[i]));
		}
}

int render_has_text(const struct render *r, const char *text)
{
	for (int i = 0; i < TEX_SLOTS; i++)
		if (r->tex[i].text && strstr(r->tex[i].text, text))
			return 1;
	for (int i = 0; i < WIDTH_SLOTS; i++)
		if (r->widths[i].text && strstr(r->widths[i].text, text))
			return 1;
	return 0;
}

void render_stats(const struct render *r, long *textures, long *hits, long *misses)
{
	*textures = r->ntex;
	*hits = r->hits;
	*misses = r->misses;
}
