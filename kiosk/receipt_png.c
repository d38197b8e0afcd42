/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The receipt PNG in the citizen's language (see receipt_png.h): the
 * comune, the protocol number, the placement, date and time and the QR
 * code, laid out here rather than in core/receipt.c because the text is
 * set by the screens' renderer (kiosk/render.c): Titillium Web for
 * Italian, English, French and Spanish, Noto Sans for Romanian and
 * Ukrainian, Noto Sans Arabic shaped by HarfBuzz and ordered right to
 * left for Arabic, whose lines are right-aligned. Everything wraps to
 * the column; only the protocol number shrinks instead (it must stay in
 * one piece), and the QR code is drawn exactly as core/receipt.c does.
 * Without SDL_ttf or fonts, core's bitmap-font receipt is written.
 * Start reading at receipt_png_write_in().
 */
#include "kiosk/receipt_png.h"
#include "core/png.h"
#include "core/qr.h"
#include "core/util.h"
#include "kiosk/i18n.h"
#include "kiosk/render.h"
#include "kiosk/ui.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdlib.h>
#include <string.h>

struct receipt_type {
	struct render *r;
	struct ui_text_ops ops;
	int rtl;
};

/* Labels in Italian, the town hall's language, next to the citizen's. */
static const char it_heading[] = "Ricevuta di candidatura";
static const char it_protocol[] = "Protocollo";
static const char it_placement[] = "Tirocinio";
static const char it_sent[] = "Data e ora";

static void label(char *buf, size_t size, const char *msgid, const char *italian, int is_it)
{
	if (is_it)
		str_copy(buf, size, _(msgid));
	else
		str_fmt(buf, size, "%s \xC2\xB7 %s", _(msgid), italian);
}

void receipt_words_current(struct receipt_words *w)
{
	int is_it;
	memset(w, 0, sizeof(*w));
	str_copy(w->lang, sizeof(w->lang), i18n_lang());
	w->rtl = i18n_rtl(w->lang);
	is_it = !strcmp(w->lang, "it");
	str_copy(w->comune, sizeof(w->comune), _("Comune di"));
	label(w->heading, sizeof(w->heading), "Your application has been received", it_heading, is_it);
	label(w->protocol, sizeof(w->protocol), "Protocol number", it_protocol, is_it);
	label(w->placement, sizeof(w->placement), "Placement", it_placement, is_it);
	label(w->sent, sizeof(w->sent), "Sent", it_sent, is_it);
	str_copy(w->qr_help, sizeof(w->qr_help),
		 _("Take a photo of this code: it proves you applied, and lets you check your application online."));
	str_copy(w->keep, sizeof(w->keep),
		 _("Photograph or write down your protocol number: it proves that you applied."));
}

/* --- text setting ---------------------------------------------------------- */

struct receipt_type *receipt_type_new(const char *font_dir, const char *lang)
{
	struct receipt_type *t;
	if (!TTF_WasInit() && TTF_Init()) {
		warning("receipt: cannot start SDL_ttf (%s)", TTF_GetError());
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->r = render_new(NULL, font_dir);
	if (!t->r) {
		free(t);
		return NULL;
	}
	t->rtl = lang && i18n_rtl(lang);
	/* As the screens do (kiosk/platform.c): one Noto face for a language
	 * whose letters Titillium Web lacks. */
	render_set_script(t->r, t->rtl, lang && (!strcmp(lang, "ro") || !strcmp(lang, "uk") || !strcmp(lang, "ar")));
	t->ops = render_text_ops(t->r);
	return t;
}

void receipt_type_free(struct receipt_type *t)
{
	if (!t)
		return;
	render_free(t->r);
	free(t);
}

int receipt_type_width(struct receipt_type *t, int font, int px, const char *text)
{
	return *text ? t->ops.width(t->ops.ctx, font, px, text, strlen(text)) : 0;
}

/* Blends the line's coverage onto the grey raster at x, y: each pixel
 * moves towards value by the glyph's alpha. */
static void blend(struct raster *img, const SDL_Surface *s, int x, int y, unsigned char value)
{
	for (int sy = 0; sy < s->h; sy++) {
		const uint32_t *row = (const uint32_t *)((const unsigned char *)s->pixels + (size_t)sy * (size_t)s->pitch);
		int ty = y + sy;
		if (ty < 0 || ty >= img->height)
			continue;
		for (int sx = 0; sx < s->w; sx++) {
			int tx = x + sx, a = (int)(row[sx] >> 24);
			unsigned char *d;
			if (!a || tx < 0 || tx >= img->width)
				continue;
			d = &img->pixels[((size_t)ty * (size_t)img->width + (size_t)tx) * (size_t)img->channels];
			for (int c = 0; c < img->channels; c++)
				d[c] = (unsigned char)(d[c] - ((d[c] - value) * a + 127) / 255);
		}
	}
}

/* One line, against the start side of the column; returns its height. */
static int put_line(struct receipt_type *t, struct raster *img, int y, int left, int width, int font, int px,
		    unsigned char value, const char *text)
{
	SDL_Surface *s = *text ? render_text_surface(t->r, font, px, 0, text) : NULL;
	int h = (px * 13 + 9) / 10;
	if (!s)
		return h;
	if (s->format->format == SDL_PIXELFORMAT_ARGB8888 && !SDL_LockSurface(s)) {
		blend(img, s, t->rtl ? left + width - s->w : left, y, value);
		SDL_UnlockSurface(s);
	}
	if (s->h > h)
		h = s->h;
	SDL_FreeSurface(s);
	return h;
}

/* Byte length of the longest prefix of p (up to n bytes, at a character
 * boundary) that fits width; at least one character. */
static size_t fit_chars(struct receipt_type *t, int font, int px, int width, const char *p, size_t n)
{
	char buf[1024];
	size_t best = 0, i = 0;
	while (i < n && i < sizeof(buf) - 1) {
		size_t j = i + 1;
		while (j < n && ((unsigned char)p[j] & 0xC0) == 0x80)
			j++;
		if (j >= sizeof(buf))
			break;
		memcpy(buf, p, j);
		buf[j] = '\0';
		if (best && receipt_type_width(t, font, px, buf) > width)
			break;
		best = j;
		i = j;
	}
	return best ? best : n;
}

int receipt_type_draw(struct receipt_type *t, struct raster *img, int y, int left, int width, int font, int px,
		      unsigned char value, const char *text)
{
	char line[1024];
	const char *p = text;
	int used = 0;
	while (*p) {
		size_t best = 0, len;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		/* The longest run of whole words that fits. */
		for (len = 0;; len++) {
			if (p[len] && p[len] != ' ')
				continue;
			if (len >= sizeof(line))
				break;
			memcpy(line, p, len);
			line[len] = '\0';
			if (receipt_type_width(t, font, px, line) > width)
				break;
			best = len;
			if (!p[len])
				break;
		}
		if (!best) {
			/* A word wider than the column: as much of it as fits. */
			len = strcspn(p, " ");
			best = fit_chars(t, font, px, width, p, len < sizeof(line) ? len : sizeof(line) - 1);
		}
		memcpy(line, p, best);
		line[best] = '\0';
		used += put_line(t, img, y + used, left, width, font, px, value, line);
		p += best;
	}
	return used;
}

int receipt_type_draw_line(struct receipt_type *t, struct raster *img, int y, int left, int width, int font,
			   int px, unsigned char value, const char *text)
{
	int min = px / 2;
	while (px > min && receipt_type_width(t, font, px, text) > width)
		px--;
	return put_line(t, img, y, left, width, font, px, value, text);
}

/* --- the PNG ------------------------------------------------------------- */

static int render_png(struct receipt_type *t, const char *dir, const struct receipt_doc *doc,
		      const struct receipt_words *w, char *path, size_t psize)
{
	enum { W = 720, M = 40, GREY = 80, TALL = 4000 };
	struct qr_code qr = { 0 };
	struct raster img = { 0 };
	char file[4096], line[256];
	int rc = -1, y, px = 0, side = 0, tw;
	if (receipt_png_begin(dir, doc, W - 2 * M, file, sizeof(file), &qr, &px, &side))
		return -1;
	/* Generous height; only the rows used are written. */
	if (raster_init(&img, side > W - 2 * M ? side + 2 * M : W, TALL + side, 1, 255))
		goto out;
	tw = img.width - 2 * M;
	y = M;
	str_fmt(line, sizeof(line), "%s %s", w->comune, doc->comune_name);
	y += receipt_type_draw(t, &img, y, M, tw, UI_FONT_BOLD, 44, 0, line) + 4;
	y += receipt_type_draw(t, &img, y, M, tw, UI_FONT_REGULAR, 24, GREY, w->heading) + 14;
	raster_fill(&img, M, y, tw, 3, 0);
	y += 18;
	y += receipt_type_draw(t, &img, y, M, tw, UI_FONT_REGULAR, 22, GREY, w->protocol) + 2;
	y += receipt_type_draw_line(t, &img, y, M, tw, UI_FONT_BOLD, 36, 0, doc->protocol) + 14;
	y += receipt_type_draw(t, &img, y, M, tw, UI_FONT_REGULAR, 22, GREY, w->placement) + 2;
	y += receipt_type_draw(t, &img, y, M, tw, UI_FONT_BOLD, 30, 0, doc->placement_title);
	y += receipt_type_draw(t, &img, y, M, tw, UI_FONT_REGULAR, 24, 0, doc->placement_code) + 14;
	y += receipt_type_draw(t, &img, y, M, tw, UI_FONT_REGULAR, 22, GREY, w->sent) + 2;
	y += receipt_type_draw(t, &img, y, M, tw, UI_FONT_REGULAR, 30, 0, doc->when) + 14;
	if (side) {
		receipt_png_qr(&img, &qr, px, side, y);
		y += side + 6;
		y += receipt_type_draw(t, &img, y, M, tw, UI_FONT_REGULAR, 24, 0, w->qr_help);
	} else {
		/* No public receipt page (an offline kiosk): the protocol
		 * number is what the citizen keeps. */
		raster_fill(&img, M, y, tw, 1, GREY);
		y += 14;
		y += receipt_type_draw(t, &img, y, M, tw, UI_FONT_REGULAR, 24, 0, w->keep);
	}
	if (y + M > img.height) {
		error("receipt text does not fit the page");
		goto out;
	}
	if (png_write(file, img.pixels, img.width, y + M, 1, (size_t)img.width))
		goto out;
	if (path)
		str_copy(path, psize, file);
	rc = 0;
out:
	qr_free(&qr);
	raster_release(&img);
	return rc;
}

int receipt_png_write_in(const char *font_dir, const char *dir, const struct receipt_doc *doc,
			 const struct receipt_words *w, char *path, size_t psize)
{
	struct receipt_type *t = receipt_type_new(font_dir, w->lang);
	int rc;
	if (!t) {
		warning("receipt PNG: no fonts: bitmap font, Italian and English");
		return receipt_write_png(dir, doc, path, psize);
	}
	rc = render_png(t, dir, doc, w, path, psize);
	receipt_type_free(t);
	return rc;
}

int receipt_png_write(const char *font_dir, const char *dir, const struct receipt_doc *doc, char *path,
		      size_t psize)
{
	struct receipt_words w;
	receipt_words_current(&w);
	return receipt_png_write_in(font_dir, dir, doc, &w, path, psize);
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
