/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The renderer (see render.h): fonts by (family, weight, pixel size), a
 * cache of text textures keyed by (weight, size, colour, text) and a
 * direct-mapped cache of text widths. Each texture is rasterised in its
 * own colour: a texture tinted per draw (SDL_SetTextureColorMod) makes
 * SDL's software renderer take its generic per-pixel modulate-and-blend
 * path, which cost about 88% of a browse frame's instructions at
 * 1080x1920 (callgrind); an untinted one takes the alpha blitter, which
 * skips transparent pixels.
 *
 * Scripts: Titillium Web (latin subset) sets Italian, English, French
 * and Spanish; a line with a letter it lacks (Romanian ă ș ț, Ukrainian
 * Cyrillic) is set whole in Noto Sans, and Arabic in Noto Sans Arabic
 * (fonts-noto-core, loaded by path; missing files fall back to
 * Titillium with a warning). A line is cut into runs of one direction
 * and one font (render_runs(): a small part of the Unicode bidi
 * algorithm, enough for Arabic sentences with Latin names, codes and
 * digits in them), each shaped by HarfBuzz through SDL_ttf with its
 * direction and script, and laid out in visual order.
 */
#include "kiosk/render.h"
#include "core/files.h"
#include "core/util.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const font_files[UI_FONT__N] = {
	"titillium-web-latin-400-normal.woff",
	"titillium-web-latin-600-normal.woff",
	"titillium-web-latin-700-normal.woff",
};

/* Noto has no semibold in fonts-noto-core: bold stands in for it. */
static const char *const noto_files[RENDER_FAM__N][UI_FONT__N] = {
	[RENDER_FAM_NOTO] = { "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Bold.ttf" },
	[RENDER_FAM_ARABIC] = { "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", "NotoSansArabic-Bold.ttf" },
};
static const char *const noto_dirs[] = { "/usr/share/fonts/truetype/noto", "/usr/share/fonts/noto" };

/* FreeType's library (one, inside SDL_ttf) is changed by opening and
 * closing faces: the receipt PNG, set in the send worker (kiosk/send.c)
 * with its own struct render, does that beside the UI thread. Using
 * distinct faces at once is fine. */
static pthread_mutex_t font_lock = PTHREAD_MUTEX_INITIALIZER;

/* Text textures are kept within a byte budget: a software renderer
 * stores each as a 32-bit surface. */
enum { MAX_FONTS = 96, TEX_SLOTS = 4096, WIDTH_SLOTS = 8192 };
enum { TILE = 64, RENDER_MAX_TILES = 64 * 64, MAX_DIRTY = 48 };
/* Scrolling by copying: commands of the scroll panel and of what is
 * drawn over it that one frame remembers. */
enum { PANEL_CMDS = 1024, PANEL_OVER = 16 };

/* What a drawn frame had in its (first) scroll panel: enough to tell
 * whether the next frame is the same content moved (see scroll_plan()). */
struct panel_seen {
	int on;				/* the frame had a scroll panel */
	int ok;				/* and it can be moved by copying */
	struct ui_rect r;		/* the panel on screen */
	int scroll;			/* its offset, px */
	uint32_t base;			/* the colour under its content */
	int n, nover;
	uint32_t hash[PANEL_CMDS];	/* each command, in content coordinates */
	struct ui_rect area[PANEL_CMDS];	/* where it draws, content coordinates */
	struct ui_rect over[PANEL_OVER];	/* commands drawn over the panel after it, on screen */
};
static const long TEX_BUDGET = 12L << 20;

/* Groups (ui_group_begin()): pictures kept whole, one per content, the
 * least recently drawn replaced. */
enum { GROUP_SLOTS = 6, GROUP_CMDS = 1024 };
struct group_entry {
	uint32_t hash;		/* of the group's commands, in its own coordinates */
	int w, h;
	SDL_Texture *tex;	/* NULL: free */
	uint64_t used;
};

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
	char noto_dir[512];		/* '' none found: Titillium for every script */
	int rtl;			/* base direction of lines (the UI's language) */
	int noto;			/* the UI's language sets every line in Noto */
	struct {
		int fam, font, px;
		TTF_Font *f;
	} fonts[MAX_FONTS];
	int nfonts;
	struct tex_entry tex[TEX_SLOTS];
	long ntex, bytes;
	struct width_entry widths[WIDTH_SLOTS];
	uint64_t frame;
	/* Partial redraw (software renderer only: its picture stays between
	 * frames): a hash per screen tile of the commands drawn over it, this
	 * frame's and the last drawn one's; only tiles that differ are drawn. */
	int partial_ok;			/* the renderer keeps its pixels */
	int full;			/* next frame: draw everything */
	int tw, th, ow, oh;		/* tile grid and output size of the last frame */
	uint32_t tiles[2][RENDER_MAX_TILES];
	/* The same without the scroll panel's commands (tiles it crosses
	 * are compared on these when the panel moved by copying). */
	uint32_t outs[2][RENDER_MAX_TILES];
	struct panel_seen seen[2];
	int cur;
	SDL_Surface *surface;		/* the software renderer's pixels (render_set_surface) */
	long frames_full, frames_partial, frames_scrolled;
	/* Groups are kept as pictures this frame: a software renderer with
	 * its pixels known, no rotation, not DOTE_FULL_REDRAW. */
	int groups_on;
	struct group_entry groups[GROUP_SLOTS];
	long groups_drawn;		/* group pictures drawn (not copied) */
};

static void groups_clear(struct render *r);

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

static TTF_Font *font_get_fam(struct render *r, int fam, int font, int px)
{
	char path[1100];
	TTF_Font *f;
	if (fam != RENDER_FAM_TITILLIUM && !r->noto_dir[0])
		fam = RENDER_FAM_TITILLIUM;
	for (int i = 0; i < r->nfonts; i++)
		if (r->fonts[i].fam == fam && r->fonts[i].font == font && r->fonts[i].px == px)
			return r->fonts[i].f;
	if (r->nfonts == MAX_FONTS) {
		/* Sizes change only with the screen or text-size setting. */
		pthread_mutex_lock(&font_lock);
		for (int i = 0; i < r->nfonts; i++)
			TTF_CloseFont(r->fonts[i].f);
		pthread_mutex_unlock(&font_lock);
		r->nfonts = 0;
	}
	if (fam == RENDER_FAM_TITILLIUM)
		str_fmt(path, sizeof(path), "%s/%s", r->font_dir, font_files[font]);
	else
		str_fmt(path, sizeof(path), "%s/%s", r->noto_dir, noto_files[fam][font]);
	pthread_mutex_lock(&font_lock);
	f = TTF_OpenFont(path, px);
	pthread_mutex_unlock(&font_lock);
	if (!f) {
		error("cannot open font %s: %s", path, TTF_GetError());
		if (fam != RENDER_FAM_TITILLIUM)
			return font_get_fam(r, RENDER_FAM_TITILLIUM, font, px);
		return NULL;
	}
	r->fonts[r->nfonts].fam = fam;
	r->fonts[r->nfonts].font = font;
	r->fonts[r->nfonts].px = px;
	r->fonts[r->nfonts++].f = f;
	return f;
}

static TTF_Font *font_get(struct render *r, int font, int px)
{
	return font_get_fam(r, RENDER_FAM_TITILLIUM, font, px);
}

/* --- runs: fonts and directions ------------------------------------------- */

static uint32_t utf8_next(const char *s, size_t len, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	uint32_t c = p[0];
	size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
	if (*i + n > len)
		n = len - *i;
	if (n == 2)
		c = ((c & 0x1F) << 6) | (p[1] & 0x3F);
	else if (n == 3)
		c = ((c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
	else if (n == 4)
		c = ((c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) | ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
	*i += n ? n : 1;
	return c;
}

static int is_arabic(uint32_t c)
{
	return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) || (c >= 0x08A0 && c <= 0x08FF) ||
	       (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF);
}

/* Strong direction of a character: 1 right to left, 0 left to right,
 * -1 neutral (spaces, punctuation, symbols). Digits count as left to
 * right, which is how numbers read inside Arabic text too. */
static int char_dir(uint32_t c)
{
	if (is_arabic(c))
		return c == 0x060C || c == 0x061B || c == 0x061F ? -1 : 1;
	if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
		return 0;
	if (c < 0xC0 || (c >= 0x2000 && c <= 0x2BFF) || c == 0xD7 || c == 0xF7)
		return -1;
	return 0;
}

int render_runs(const char *text, size_t len, int base_rtl, int latin_fam,
		int (*arabic_has)(void *ctx, uint32_t c), void *ctx, struct render_run *runs, int max)
{
	enum { MAX_CHARS = 1024 };
	int levels[RENDER_MAX_RUNS], maxlevel = 0, n = 0, nc = 0;
	signed char cls[MAX_CHARS];
	size_t off[MAX_CHARS + 1], i = 0;
	uint32_t cps[MAX_CHARS];

	/* 1. Each character's strong direction (-1 neutral). */
	while (i < len && nc < MAX_CHARS) {
		off[nc] = i;
		cps[nc] = utf8_next(text, len, &i);
		cls[nc] = (signed char)char_dir(cps[nc]);
		nc++;
	}
	off[nc] = i;
	/* 2. Paired brackets take the direction of what they enclose when
	 * it is the line's, else that of their content and the text before
	 * them ("Milano (MI)" inside Arabic keeps its brackets; rule N0). */
	{
		int stack[16], depth = 0;
		for (int k = 0; k < nc; k++) {
			if (cps[k] == '(' || cps[k] == '[') {
				if (depth < 16)
					stack[depth++] = k;
			} else if ((cps[k] == ')' || cps[k] == ']') && depth) {
				int o = stack[--depth], has_base = 0, has_other = 0, before = base_rtl, d = -1;
				for (int m = o + 1; m < k; m++) {
					if (cls[m] == base_rtl)
						has_base = 1;
					else if (cls[m] >= 0)
						has_other = 1;
				}
				for (int m = o - 1; m >= 0; m--)
					if (cls[m] >= 0) {
						before = cls[m];
						break;
					}
				if (has_base)
					d = base_rtl;
				else if (has_other)
					d = before != base_rtl ? !base_rtl : base_rtl;
				if (d >= 0)
					cls[o] = cls[k] = (signed char)d;
			}
		}
	}
	/* 3. Other neutrals between two characters of one direction take
	 * it; otherwise the line's (rules N1, N2). */
	for (int k = 0; k < nc;) {
		int e = k, before, after;
		if (cls[k] >= 0) {
			k++;
			continue;
		}
		while (e < nc && cls[e] < 0)
			e++;
		before = k > 0 ? cls[k - 1] : base_rtl;
		after = e < nc ? cls[e] : base_rtl;
		for (int m = k; m < e; m++)
			cls[m] = (signed char)(before == after ? before : base_rtl);
		k = e;
	}
	/* 4. Runs of one direction; Arabic letters in the Arabic face, the
	 * signs among them too when it has them, the rest in latin_fam. */
	for (int k = 0; k < nc && n < max && n < RENDER_MAX_RUNS;) {
		int arabic = cls[k] == 1 && (is_arabic(cps[k]) || (arabic_has && arabic_has(ctx, cps[k])));
		int e = k + 1;
		while (e < nc && cls[e] == cls[k] &&
		       (cls[k] == 1 && (is_arabic(cps[e]) || (arabic_has && arabic_has(ctx, cps[e])))) == arabic)
			e++;
		/* Out of runs: the rest of the line goes with the last one. */
		if (n == max - 1 || n == RENDER_MAX_RUNS - 1)
			e = nc;
		runs[n].start = off[k];
		runs[n].len = off[e] - off[k];
		runs[n].rtl = cls[k];
		runs[n].fam = arabic ? RENDER_FAM_ARABIC : latin_fam;
		n++;
		k = e;
	}
	/* 5. Visual order: embedding levels (L in an RTL line is 2, R in an
	 * LTR line 1), then reverse every stretch at or above each level. */
	for (int k = 0; k < n; k++) {
		levels[k] = base_rtl ? (runs[k].rtl ? 1 : 2) : (runs[k].rtl ? 1 : 0);
		if (levels[k] > maxlevel)
			maxlevel = levels[k];
	}
	for (int lv = maxlevel; lv >= 1; lv--)
		for (int k = 0; k < n;) {
			int e = k;
			if (levels[k] < lv) {
				k++;
				continue;
			}
			while (e < n && levels[e] >= lv)
				e++;
			for (int a = k, b = e - 1; a < b; a++, b--) {
				struct render_run t = runs[a];
				int tl = levels[a];
				runs[a] = runs[b];
				runs[b] = t;
				levels[a] = levels[b];
				levels[b] = tl;
			}
			k = e;
		}
	return n;
}

static int arabic_has(void *ctx, uint32_t c)
{
	TTF_Font *f = font_get_fam(ctx, RENDER_FAM_ARABIC, UI_FONT_REGULAR, 24);
	return f && TTF_GlyphIsProvided32(f, c);
}

/* The face for the non-Arabic text of a line: Titillium when it has
 * every letter, else Noto Sans for the whole line (one look per line). */
static int latin_family(struct render *r, const char *text, size_t len, int *any_arabic, int *cyrillic)
{
	TTF_Font *t = font_get(r, UI_FONT_REGULAR, 24);
	int fam = r->noto ? RENDER_FAM_NOTO : RENDER_FAM_TITILLIUM;
	*any_arabic = 0;
	*cyrillic = 0;
	for (size_t i = 0; i < len;) {
		uint32_t c;
		if ((unsigned char)text[i] < 0x80) {
			i++;
			continue;
		}
		c = utf8_next(text, len, &i);
		if (is_arabic(c))
			*any_arabic = 1;
		else if (t && !TTF_GlyphIsProvided32(t, c))
			fam = RENDER_FAM_NOTO;
		if (c >= 0x0400 && c <= 0x04FF)
			*cyrillic = 1;
	}
	return fam;
}

/* Readies a run's font: its direction and script for HarfBuzz. */
static TTF_Font *run_font(struct render *r, const struct render_run *run, int font, int px, int cyrillic)
{
	TTF_Font *f = font_get_fam(r, run->fam, font, px);
	if (!f)
		return NULL;
	TTF_SetFontDirection(f, run->rtl ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
	TTF_SetFontScriptName(f, run->fam == RENDER_FAM_ARABIC ? "Arab" : cyrillic ? "Cyrl" : "Latn");
	return f;
}

/* Whether a line needs more than Titillium left to right (any byte
 * above ASCII may; most lines are plain). */
static int plain(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] >= 0x80)
			return 0;
	return 1;
}

/* The runs of a line for this renderer; 1 with runs[0] covering it all
 * for plain Titillium text. */
static int line_runs(struct render *r, const char *text, size_t len, struct render_run *runs, int *cyrillic)
{
	int any_arabic, fam;
	*cyrillic = 0;
	if (!r->noto && plain(text, len)) {
		runs[0] = (struct render_run){ 0, len, 0, RENDER_FAM_TITILLIUM };
		return 1;
	}
	fam = latin_family(r, text, len, &any_arabic, cyrillic);
	/* A line without Arabic (a placement's Italian text, a name, a
	 * code) reads left to right even in the Arabic UI. */
	if (!any_arabic) {
		runs[0] = (struct render_run){ 0, len, 0, fam };
		return 1;
	}
	return render_runs(text, len, r->rtl, fam, arabic_has, r, runs, RENDER_MAX_RUNS);
}

void render_set_script(struct render *r, int rtl, int noto)
{
	r->rtl = rtl;
	r->noto = noto && r->noto_dir[0];
}

static int text_width(void *ctx, int font, int px, const char *text, size_t len)
{
	struct render *r = ctx;
	uint32_t h = hash_text(font + 16 * r->rtl + 32 * r->noto, px, text, len);
	struct width_entry *e = &r->widths[h % WIDTH_SLOTS];
	char buf[1024];
	TTF_Font *f;
	int w = 0;

	if (!len)
		return 0;
	if (e->text && e->hash == h && e->font == font + 16 * r->rtl + 32 * r->noto && e->px == px && strlen(e->text) == len &&
	    !memcmp(e->text, text, len))
		return e->w;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, text, len);
	buf[len] = 0;
	{
		struct render_run runs[RENDER_MAX_RUNS];
		int cyr, n = line_runs(r, buf, len, runs, &cyr);
		for (int i = 0; i < n; i++) {
			char run[1024];
			int rw = 0;
			memcpy(run, buf + runs[i].start, runs[i].len);
			run[runs[i].len] = 0;
			f = run_font(r, &runs[i], font, px, cyr);
			if (f && !TTF_SizeUTF8(f, run, &rw, NULL))
				w += rw;
		}
	}
	free(e->text);
	e->text = strdup(buf);
	e->hash = h;
	e->font = font + 16 * r->rtl + 32 * r->noto;
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
	r->full = 1;
	if (sdl) {
		SDL_RendererInfo info;
		/* An accelerated renderer's back buffer is undefined after a
		 * present: it always draws everything. So does DOTE_FULL_REDRAW
		 * (tests compare the two). */
		r->partial_ok = !SDL_GetRendererInfo(sdl, &info) && (info.flags & SDL_RENDERER_SOFTWARE) &&
				!getenv("DOTE_FULL_REDRAW");
	}
	if (font_dir)
		str_copy(r->font_dir, sizeof(r->font_dir), font_dir);
	else
		str_fmt(r->font_dir, sizeof(r->font_dir), "%s/fonts", assets_dir());
	{
		/* Noto for the scripts Titillium lacks: DOTE_NOTO_DIR, then
		 * Debian's fonts-noto-core. */
		const char *env = getenv("DOTE_NOTO_DIR");
		char probe[700];
		for (int i = -1; i < (int)ARRAY_SIZE(noto_dirs) && !r->noto_dir[0]; i++) {
			const char *d = i < 0 ? env : noto_dirs[i];
			if (!d || !d[0])
				continue;
			str_fmt(probe, sizeof(probe), "%s/%s", d, noto_files[RENDER_FAM_ARABIC][0]);
			if (!access(probe, R_OK))
				str_copy(r->noto_dir, sizeof(r->noto_dir), d);
		}
		if (!r->noto_dir[0])
			warning("no Noto fonts (fonts-noto-core): Romanian, Ukrainian and Arabic text will miss letters");
	}
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
	groups_clear(r);
	for (int i = 0; i < TEX_SLOTS; i++)
		if (r->tex[i].text)
			tex_clear(r, &r->tex[i]);
	for (int i = 0; i < WIDTH_SLOTS; i++)
		free(r->widths[i].text);
	pthread_mutex_lock(&font_lock);
	for (int i = 0; i < r->nfonts; i++)
		TTF_CloseFont(r->fonts[i].f);
	pthread_mutex_unlock(&font_lock);
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

/* Rasterises a line in colour on transparent: its runs side by side in
 * visual order, on one baseline. */
static SDL_Surface *render_line(struct render *r, int font, int px, uint32_t color, const char *text, size_t len)
{
	SDL_Color fg = { (color >> 16) & 255, (color >> 8) & 255, color & 255, 255 };
	struct render_run runs[RENDER_MAX_RUNS];
	SDL_Surface *parts[RENDER_MAX_RUNS], *out = NULL;
	int asc[RENDER_MAX_RUNS], cyr, n = line_runs(r, text, len, runs, &cyr), w = 0, top = 0, bottom = 0, x = 0;

	if (n == 1 && runs[0].fam == RENDER_FAM_TITILLIUM && !runs[0].rtl) {
		TTF_Font *f = run_font(r, &runs[0], font, px, cyr);
		return f ? TTF_RenderUTF8_Blended(f, text, fg) : NULL;
	}
	for (int i = 0; i < n; i++) {
		char run[1024];
		size_t rl = runs[i].len < sizeof(run) - 1 ? runs[i].len : sizeof(run) - 1;
		TTF_Font *f = run_font(r, &runs[i], font, px, cyr);
		memcpy(run, text + runs[i].start, rl);
		run[rl] = 0;
		parts[i] = f ? TTF_RenderUTF8_Blended(f, run, fg) : NULL;
		asc[i] = f ? TTF_FontAscent(f) : 0;
		if (parts[i]) {
			w += parts[i]->w;
			if (asc[i] > top)
				top = asc[i];
			if (parts[i]->h - asc[i] > bottom)
				bottom = parts[i]->h - asc[i];
		}
	}
	if (w > 0 && top + bottom > 0)
		out = SDL_CreateRGBSurfaceWithFormat(0, w, top + bottom, 32, SDL_PIXELFORMAT_ARGB8888);
	for (int i = 0; i < n; i++) {
		if (!parts[i])
			continue;
		if (out) {
			SDL_SetSurfaceBlendMode(parts[i], SDL_BLENDMODE_NONE);
			SDL_BlitSurface(parts[i], NULL, out, &(SDL_Rect){ x, top - asc[i], parts[i]->w, parts[i]->h });
			x += parts[i]->w;
		}
		SDL_FreeSurface(parts[i]);
	}
	return out;
}

SDL_Surface *render_text_surface(struct render *r, int font, int px, uint32_t color, const char *text)
{
	if (!text || !*text || font < 0 || font >= UI_FONT__N)
		return NULL;
	return render_line(r, font, px, color, text, strlen(text));
}

static struct tex_entry *tex_get(struct render *r, int font, int px, uint32_t color, const char *text)
{
	size_t len = strlen(text);
	int key = font + 16 * r->rtl + 32 * r->noto;
	uint32_t h = hash_text(key, px, text, len) ^ (color * 2654435761u);
	unsigned i, probe;
	SDL_Surface *s;
	struct tex_entry *e = NULL;

	for (probe = 0; probe < 64; probe++) {
		i = (h + probe) % TEX_SLOTS;
		if (!r->tex[i].text) {
			e = &r->tex[i];
			break;
		}
		if (r->tex[i].hash == h && r->tex[i].font == key && r->tex[i].px == px &&
		    r->tex[i].color == color && !strcmp(r->tex[i].text, text)) {
			r->tex[i].used = r->frame;
			return &r->tex[i];
		}
	}
	if (!e) {
		/* Long probe chain: reuse the least recently drawn slot. */
		e = &r->tex[h % TEX_SLOTS];
		tex_clear(r, e);
	}
	s = render_line(r, font, px, color, text, len);
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
	e->font = key;
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

/* Where a command may put pixels: text can reach outside its line box
 * (accents, descenders, the texture's own margins). */
static struct ui_rect cmd_area(const struct ui_cmd *c)
{
	struct ui_rect a = c->r;
	if (c->kind == UI_CMD_TEXT) {
		a.x -= c->px / 2 + 2;
		a.y -= c->px;
		a.w += c->px + 4;
		a.h += 2 * c->px;
	}
	return a;
}

static int overlap(struct ui_rect a, struct ui_rect b)
{
	return a.w > 0 && a.h > 0 && b.w > 0 && b.h > 0 && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h &&
	       b.y < a.y + a.h;
}

static struct ui_rect clip_to(struct ui_rect a, struct ui_rect b)
{
	int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
	int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w, y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
	struct ui_rect r = { x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0 };
	return r;
}

static uint32_t mix(uint32_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	while (n--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

/* A command's identity for the damage checks: what it draws, where
 * (rect), within which clip. */
static uint32_t cmd_hash(const struct ui_cmd *c, struct ui_rect rect, struct ui_rect clip)
{
	uint32_t ch = mix(2166136261u, &c->kind, sizeof(c->kind));
	ch = mix(ch, &rect, sizeof(rect));
	ch = mix(ch, &clip, sizeof(clip));
	ch = mix(ch, &c->color, sizeof(c->color));
	ch = mix(ch, &c->font, sizeof(c->font));
	ch = mix(ch, &c->px, sizeof(c->px));
	ch = mix(ch, &c->thickness, sizeof(c->thickness));
	if (c->text)
		ch = mix(ch, c->text, strlen(c->text));
	if (c->bits)
		ch = mix(ch, c->bits, (size_t)c->side * (size_t)c->side);
	return ch;
}

static int contains(struct ui_rect outer, struct ui_rect in)
{
	return in.x >= outer.x && in.y >= outer.y && in.x + in.w <= outer.x + outer.w && in.y + in.h <= outer.y + outer.h;
}

/* Where a text command's texture goes (its pixels, exactly). */
static struct ui_rect text_rect(struct render *r, const struct ui_cmd *c)
{
	struct tex_entry *e = tex_get(r, c->font, c->px, c->color & 0xFFFFFF, c->text);
	if (!e)
		return (struct ui_rect){ 0, 0, 0, 0 };
	return (struct ui_rect){ c->r.x, c->r.y - (e->h - line_height(r, c->font, c->px)) / 2, e->w, e->h };
}

/* Records what a frame has in its first scroll panel (a UI_CMD_CLIP
 * with side 1: see ui_panel_begin()) into ps: each command inside it in
 * content coordinates, the commands drawn over it afterwards, and
 * whether what lies under it is one flat colour (only then can its
 * pixels be moved). */
static void panel_record(struct render *r, const struct ui_cmd *cmds, int n, uint32_t bg, struct ui_rect screen, struct panel_seen *ps)
{
	int state = 0;	/* 0 before the panel, 1 in it, 2 after it */
	memset(ps, 0, offsetof(struct panel_seen, hash));
	ps->ok = 1;
	ps->base = bg;
	for (int i = 0; i < n; i++) {
		const struct ui_cmd *c = &cmds[i];
		struct ui_rect a;
		if (c->kind == UI_CMD_GROUP)
			continue;
		if (c->kind == UI_CMD_CLIP) {
			if (state == 0 && c->side == 1 && c->r.w > 0) {
				state = 1;
				ps->on = 1;
				ps->r = clip_to(c->r, screen);
				ps->scroll = c->px;
			} else if (state == 1) {
				state = 2;
			} else if (state == 2 && c->r.w > 0) {
				/* Something else clipped after it: drawn over it if it reaches it. */
				state = 2;
			}
			continue;
		}
		if (state == 1) {
			struct ui_rect cr = c->r;
			if (ps->n == PANEL_CMDS) {
				ps->ok = 0;
				continue;
			}
			cr.y += ps->scroll;
			a = cmd_area(c);
			a.y += ps->scroll;
			ps->area[ps->n] = a;
			ps->hash[ps->n++] = cmd_hash(c, cr, ps->r);
			continue;
		}
		if (state == 0)
			continue;	/* under the panel: looked at below */
		a = cmd_area(c);
		if (ps->on && overlap(a, ps->r)) {
			if (ps->nover == PANEL_OVER)
				ps->ok = 0;
			else
				ps->over[ps->nover++] = clip_to(a, ps->r);
		}
	}
	if (!ps->on)
		return;
	/* Second look at what is drawn before the panel, now that its place is known. */
	for (int i = 0; i < n; i++) {
		const struct ui_cmd *c = &cmds[i];
		if (c->kind == UI_CMD_CLIP) {
			if (c->side == 1)
				break;
			continue;
		}
		if (c->kind == UI_CMD_GROUP)
			continue;
		if (!overlap(c->kind == UI_CMD_TEXT ? text_rect(r, c) : cmd_area(c), ps->r))
			continue;
		if (c->kind == UI_CMD_RECT && !c->thickness && contains(c->r, ps->r))
			ps->base = c->color;
		else
			ps->ok = 0;
	}
}

/* Adds a rectangle to the damage list d (n of max), or says the list is
 * full by returning -1. */
static int damage_add(struct ui_rect *d, int *n, int max, struct ui_rect a)
{
	if (!a.w || !a.h)
		return 0;
	for (int i = 0; i < *n; i++)
		if (contains(d[i], a))
			return 0;
	if (*n == max)
		return -1;
	d[(*n)++] = a;
	return 0;
}

/* Whether the frame's scroll panel is last frame's content moved by dy
 * px: then the pixels can be moved and only the damage drawn. Fills d
 * with the panel's damage (the strip scrolled into view, the commands
 * that are not in both frames, what is drawn over the panel) and
 * returns how many, or -1 when it must be drawn another way. */
static int scroll_plan(struct render *r, const struct panel_seen *old, const struct panel_seen *now, struct ui_rect *d,
		       int max, int *dy)
{
	enum { SLOTS = 2048 };
	static uint32_t table[SLOTS];
	static unsigned short count[SLOTS];
	struct ui_rect R = now->r;
	int nd = 0;
	long area = 0;

	if (!r->surface || !old->on || !now->on || !old->ok || !now->ok || old->base != now->base ||
	    memcmp(&old->r, &now->r, sizeof(R)) || old->scroll == now->scroll)
		return -1;
	*dy = now->scroll - old->scroll;
	if (*dy >= R.h || -*dy >= R.h)
		return -1;
	if (*dy > 0)
		damage_add(d, &nd, max, (struct ui_rect){ R.x, R.y + R.h - *dy, R.w, *dy });
	else
		damage_add(d, &nd, max, (struct ui_rect){ R.x, R.y, R.w, -*dy });
	/* Commands in one frame and not in the other, matched by hash. */
	memset(count, 0, sizeof(count));
	for (int i = 0; i < old->n; i++) {
		uint32_t s = old->hash[i] % SLOTS;
		while (count[s] && table[s] != old->hash[i])
			s = (s + 1) % SLOTS;
		table[s] = old->hash[i];
		count[s]++;
	}
	for (int i = 0; i < now->n; i++) {
		uint32_t s = now->hash[i] % SLOTS;
		while (count[s] && table[s] != now->hash[i])
			s = (s + 1) % SLOTS;
		if (count[s] && table[s] == now->hash[i]) {
			count[s]--;
			continue;
		}
		struct ui_rect a = now->area[i];
		a.y -= now->scroll;
		if (damage_add(d, &nd, max, clip_to(a, R)))
			return -1;
	}
	for (int i = 0; i < old->n; i++) {
		uint32_t s = old->hash[i] % SLOTS;
		while (table[s] != old->hash[i])
			s = (s + 1) % SLOTS;
		if (!count[s])
			continue;
		count[s]--;
		/* Its old pixels moved with the copy to where the content is now. */
		struct ui_rect a = old->area[i];
		a.y -= now->scroll;
		if (damage_add(d, &nd, max, clip_to(a, R)))
			return -1;
	}
	for (int i = 0; i < old->nover; i++) {
		struct ui_rect a = old->over[i];
		a.y -= *dy;
		if (damage_add(d, &nd, max, clip_to(a, R)))
			return -1;
	}
	for (int i = 0; i < now->nover; i++)
		if (damage_add(d, &nd, max, now->over[i]))
			return -1;
	for (int i = 0; i < nd; i++)
		area += (long)d[i].w * d[i].h;
	/* Most of the panel changed: drawing it is cheaper than moving it. */
	if (area * 2 > (long)R.w * R.h)
		return -1;
	return nd;
}

/* Moves the pixels of rectangle R up by dy rows (down when dy < 0),
 * inside R: the scroll panel's content, already drawn. */
static void scroll_pixels(struct render *r, struct ui_rect R, int dy)
{
	SDL_Surface *s = r->surface;
	unsigned char *px;
	size_t bpp, row;
	SDL_RenderFlush(r->sdl);
	if (SDL_LockSurface(s))
		return;
	px = s->pixels;
	bpp = s->format->BytesPerPixel;
	row = (size_t)R.w * bpp;
	if (dy > 0)
		for (int y = R.y; y < R.y + R.h - dy; y++)
			memcpy(px + (size_t)y * (size_t)s->pitch + (size_t)R.x * bpp,
			       px + (size_t)(y + dy) * (size_t)s->pitch + (size_t)R.x * bpp, row);
	else
		for (int y = R.y + R.h - 1; y >= R.y - dy; y--)
			memcpy(px + (size_t)y * (size_t)s->pitch + (size_t)R.x * bpp,
			       px + (size_t)(y + dy) * (size_t)s->pitch + (size_t)R.x * bpp, row);
	SDL_UnlockSurface(s);
}

/* Merges the tile rows' dirty spans into bands (a band grows down while
 * the next row's span overlaps it). Returns the count, or -1 when more
 * than max. */
static int tile_bands(struct render *r, const uint32_t *now, const uint32_t *prev, const uint32_t *onow,
		      const uint32_t *oprev, struct ui_rect moved, struct ui_rect *d, int nd, int max, int *cells)
{
	int tw = r->tw, th = r->th;
	for (int y = 0; y < th; y++) {
		int x0 = -1, x1 = -1;
		for (int x = 0; x < tw; x++) {
			struct ui_rect t = { x * TILE, y * TILE, TILE, TILE };
			/* Tiles the moved panel crosses: only what is outside it counts. */
			int differs = moved.w && overlap(t, moved) ? onow[y * tw + x] != oprev[y * tw + x] :
								     now[y * tw + x] != prev[y * tw + x];
			if (!differs)
				continue;
			if (x0 < 0)
				x0 = x;
			x1 = x;
			(*cells)++;
		}
		if (x0 < 0)
			continue;
		struct ui_rect band = { x0 * TILE, y * TILE, (x1 - x0 + 1) * TILE, TILE };
		if (nd && d[nd - 1].y + d[nd - 1].h == band.y && band.x < d[nd - 1].x + d[nd - 1].w &&
		    d[nd - 1].x < band.x + band.w) {
			int l = d[nd - 1].x < band.x ? d[nd - 1].x : band.x;
			int rr = d[nd - 1].x + d[nd - 1].w > band.x + band.w ? d[nd - 1].x + d[nd - 1].w : band.x + band.w;
			d[nd - 1].x = l;
			d[nd - 1].w = rr - l;
			d[nd - 1].h += TILE;
		} else if (nd < max) {
			d[nd++] = band;
		} else {
			return -1;
		}
	}
	return nd;
}

/* Hashes this frame's commands into the tile grid and decides how to
 * draw it: returns the dirty rectangles in d, or -1 when everything
 * must be drawn (first frame, new size, too much changed). When the
 * scroll panel is last frame's content moved, *dy says by how much
 * (its pixels are to be moved first) and *moved where; else *dy is 0. */
static int dirty_rects(struct render *r, const struct ui_cmd *cmds, int n, uint32_t bg, struct ui_rect *d, int *dy,
		       struct ui_rect *moved)
{
	int w = 0, h = 0, tw, th, nd = 0, cells = 0, full, panel = 0;
	uint32_t *now, *prev, *onow, *oprev, seed;
	struct ui_rect screen, clip;
	int clip_on = 0;

	*dy = 0;
	*moved = (struct ui_rect){ 0, 0, 0, 0 };
	if (SDL_GetRendererOutputSize(r->sdl, &w, &h) || w <= 0 || h <= 0)
		return -1;
	tw = (w + TILE - 1) / TILE;
	th = (h + TILE - 1) / TILE;
	if (tw * th > RENDER_MAX_TILES)
		return -1;
	/* A rotated display draws into a texture of another size: whole. */
	full = r->full || !r->partial_ok || w != r->ow || h != r->oh || SDL_GetRenderTarget(r->sdl);
	r->full = 0;
	r->ow = w;
	r->oh = h;
	r->tw = tw;
	r->th = th;
	r->cur ^= 1;
	now = r->tiles[r->cur];
	prev = r->tiles[!r->cur];
	onow = r->outs[r->cur];
	oprev = r->outs[!r->cur];
	seed = mix(2166136261u, &bg, sizeof(bg));
	seed = mix(seed, &r->rtl, sizeof(r->rtl));
	seed = mix(seed, &r->noto, sizeof(r->noto));
	for (int i = 0; i < tw * th; i++)
		now[i] = onow[i] = seed;
	screen = (struct ui_rect){ 0, 0, w, h };
	clip = screen;
	panel_record(r, cmds, n, bg, screen, &r->seen[r->cur]);
	for (int i = 0; i < n; i++) {
		const struct ui_cmd *c = &cmds[i];
		struct ui_rect a;
		uint32_t ch;
		if (c->kind == UI_CMD_GROUP)
			continue;
		if (c->kind == UI_CMD_CLIP) {
			clip_on = c->r.w > 0;
			clip = clip_on ? c->r : screen;
			if (panel == 0 && c->side == 1 && clip_on)
				panel = 1;
			else if (panel == 1)
				panel = 2;
			continue;
		}
		a = clip_to(cmd_area(c), clip_on ? clip_to(clip, screen) : screen);
		if (!a.w || !a.h)
			continue;
		ch = cmd_hash(c, c->r, clip);
		for (int y = a.y / TILE; y <= (a.y + a.h - 1) / TILE; y++)
			for (int x = a.x / TILE; x <= (a.x + a.w - 1) / TILE; x++) {
				now[y * tw + x] = (now[y * tw + x] ^ ch) * 16777619u;
				if (panel != 1)
					onow[y * tw + x] = (onow[y * tw + x] ^ ch) * 16777619u;
			}
	}
	if (full)
		return -1;
	nd = scroll_plan(r, &r->seen[!r->cur], &r->seen[r->cur], d, MAX_DIRTY, dy);
	if (nd < 0) {
		nd = 0;
		*dy = 0;
	} else {
		*moved = r->seen[r->cur].r;
	}
	nd = tile_bands(r, now, prev, onow, oprev, *moved, d, nd, MAX_DIRTY, &cells);
	if (nd < 0) {
		*dy = 0;
		return -1;
	}
	/* Most of the screen changed (a scroll it could not move): one full pass is cheaper. */
	if (cells * 10 > tw * th * 6) {
		*dy = 0;
		return -1;
	}
	for (int i = 0; i < nd; i++)
		d[i] = clip_to(d[i], screen);
	return nd;
}

/* The index of the marker that ends the group begun at cmds[i], or -1
 * when the group cannot be kept as a picture: it must end, start with
 * an opaque fill of its box, and have no clip or group inside. */
static int group_span(const struct ui_cmd *cmds, int n, int i)
{
	const struct ui_cmd *g = &cmds[i], *first = i + 1 < n ? &cmds[i + 1] : NULL;
	if (!g->r.w || !g->r.h || !first || first->kind != UI_CMD_RECT || first->thickness || !contains(first->r, g->r))
		return -1;
	for (int j = i + 1; j < n && j - i <= GROUP_CMDS; j++) {
		if (cmds[j].kind == UI_CMD_GROUP)
			return cmds[j].r.w ? -1 : j;
		if (cmds[j].kind == UI_CMD_CLIP)
			return -1;
	}
	return -1;
}

static void draw_cmds(struct render *r, const struct ui_cmd *cmds, int n, uint32_t bg, struct ui_rect area);

/* The picture of the group cmds[i..end] (see group_span()): kept from an
 * earlier frame when its commands are the same (moved or not), else
 * drawn now into a texture of the screen's own pixel format (so every
 * pixel is what drawing the commands on the screen gives). NULL when
 * it cannot be made. */
static SDL_Texture *group_get(struct render *r, const struct ui_cmd *cmds, int i, int end)
{
	static struct ui_cmd moved[GROUP_CMDS];
	struct ui_rect g = cmds[i].r, none = { 0, 0, 0, 0 };
	uint32_t h = mix(2166136261u, &g.w, sizeof(g.w));
	struct group_entry *e = NULL;
	int m = 0;

	h = mix(h, &g.h, sizeof(g.h));
	h = mix(h, &r->rtl, sizeof(r->rtl));
	h = mix(h, &r->noto, sizeof(r->noto));
	for (int j = i + 1; j < end; j++) {
		moved[m] = cmds[j];
		moved[m].r.x -= g.x;
		moved[m].r.y -= g.y;
		h = (h ^ cmd_hash(&moved[m], moved[m].r, none)) * 16777619u;
		m++;
	}
	for (int k = 0; k < GROUP_SLOTS; k++)
		if (r->groups[k].tex && r->groups[k].hash == h && r->groups[k].w == g.w && r->groups[k].h == g.h) {
			r->groups[k].used = r->frame;
			return r->groups[k].tex;
		}
	for (int k = 0; k < GROUP_SLOTS; k++)
		if (!e || !r->groups[k].tex || (e->tex && r->groups[k].used < e->used))
			e = &r->groups[k];
	if (e->tex) {
		SDL_DestroyTexture(e->tex);
		r->bytes -= (long)e->w * e->h * 4;
	}
	memset(e, 0, sizeof(*e));
	e->tex = SDL_CreateTexture(r->sdl, r->surface->format->format, SDL_TEXTUREACCESS_TARGET, g.w, g.h);
	if (!e->tex || SDL_SetRenderTarget(r->sdl, e->tex)) {
		if (e->tex)
			SDL_DestroyTexture(e->tex);
		e->tex = NULL;
		return NULL;
	}
	SDL_SetTextureBlendMode(e->tex, SDL_BLENDMODE_NONE);
	draw_cmds(r, moved, m, moved[0].color, (struct ui_rect){ 0, 0, 0, 0 });
	SDL_SetRenderTarget(r->sdl, NULL);
	e->hash = h;
	e->w = g.w;
	e->h = g.h;
	e->used = r->frame;
	r->bytes += (long)g.w * g.h * 4;
	r->groups_drawn++;
	return e->tex;
}

/* Draws the group cmds[i..end] into `area` (whole screen: w 0) by
 * copying its picture; 0 done, -1 draw its commands instead. */
static int group_copy(struct render *r, const struct ui_cmd *cmds, int i, int end, struct ui_rect area)
{
	struct ui_rect g = cmds[i].r, d;
	SDL_Texture *t;
	int w = 0, h = 0;
	if (SDL_GetRendererOutputSize(r->sdl, &w, &h))
		return -1;
	d = clip_to(g, area.w ? area : (struct ui_rect){ 0, 0, w, h });
	if (!d.w || !d.h)
		return 0;
	t = group_get(r, cmds, i, end);
	if (!t)
		return -1;
	/* The clip the group was drawn under (none, or the area). */
	SDL_RenderSetClipRect(r->sdl, area.w ? &(SDL_Rect){ area.x, area.y, area.w, area.h } : NULL);
	SDL_RenderCopy(r->sdl, t, &(SDL_Rect){ d.x - g.x, d.y - g.y, d.w, d.h }, &(SDL_Rect){ d.x, d.y, d.w, d.h });
	return 0;
}

/* Draws the commands that reach into `area` (the whole screen when
 * area.w is 0), clipped to it. A group kept as a picture is copied; an
 * area wholly under one starts at it (it covers what is drawn before). */
static void draw_cmds(struct render *r, const struct ui_cmd *cmds, int n, uint32_t bg, struct ui_rect area)
{
	int whole = !area.w, skip = 0, from = 0;
	struct ui_rect clip = area;
	SDL_Rect sr = { area.x, area.y, area.w, area.h };

	SDL_RenderSetClipRect(r->sdl, whole ? NULL : &sr);
	if (r->groups_on && !whole)
		for (int i = 0; i < n; i++)
			if (cmds[i].kind == UI_CMD_GROUP && cmds[i].r.w && contains(cmds[i].r, area) &&
			    group_span(cmds, n, i) > 0)
				from = i;
	set_color(r->sdl, bg);
	if (from)
		;	/* the group's opaque picture covers the area */
	else if (whole)
		SDL_RenderClear(r->sdl);
	else
		SDL_RenderFillRect(r->sdl, &sr);
	for (int i = from; i < n; i++) {
		const struct ui_cmd *c = &cmds[i];
		SDL_Rect rect = { c->r.x, c->r.y, c->r.w, c->r.h };
		if (c->kind == UI_CMD_GROUP) {
			int end = r->groups_on && c->r.w && !skip ? group_span(cmds, n, i) : -1;
			if (end > 0 && !group_copy(r, cmds, i, end, area))
				i = end;
			continue;
		}
		if (c->kind == UI_CMD_CLIP) {
			struct ui_rect cr = c->r.w ? (whole ? c->r : clip_to(c->r, area)) : area;
			SDL_Rect scr = { cr.x, cr.y, cr.w, cr.h };
			clip = cr;
			/* An empty clip would mean none to SDL: skip instead. */
			skip = !whole && (!cr.w || !cr.h);
			if (!skip)
				SDL_RenderSetClipRect(r->sdl, c->r.w || !whole ? &scr : NULL);
			continue;
		}
		if (skip || (!whole && !overlap(cmd_area(c), clip)))
			continue;
		switch (c->kind) {
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
		default:
			break;
		}
	}
	SDL_RenderSetClipRect(r->sdl, NULL);
}

void render_frame(struct render *r, const struct ui_cmd *cmds, int n, uint32_t bg)
{
	struct ui_rect d[MAX_DIRTY], moved;
	int nd, dy = 0;
	r->frame++;
	r->groups_on = r->sdl && r->partial_ok && r->surface && !SDL_GetRenderTarget(r->sdl);
	nd = r->sdl ? dirty_rects(r, cmds, n, bg, d, &dy, &moved) : -1;
	if (nd < 0) {
		r->frames_full++;
		draw_cmds(r, cmds, n, bg, (struct ui_rect){ 0, 0, 0, 0 });
	} else {
		r->frames_partial++;
		if (dy) {
			r->frames_scrolled++;
			scroll_pixels(r, moved, dy);
		}
		for (int i = 0; i < nd; i++)
			draw_cmds(r, cmds, n, bg, d[i]);
	}
	if (r->bytes > TEX_BUDGET || r->ntex > TEX_SLOTS / 2)
		evict(r);
}

void render_prepare(struct render *r, const struct ui_cmd *cmds, int n)
{
	if (!r->sdl)
		return;
	for (int i = 0; i < n; i++)
		if (cmds[i].kind == UI_CMD_TEXT && cmds[i].text && cmds[i].text[0])
			tex_get(r, cmds[i].font, cmds[i].px, cmds[i].color & 0xFFFFFF, cmds[i].text);
}

void render_set_surface(struct render *r, struct SDL_Surface *s)
{
	r->surface = s;
}

void render_counts(const struct render *r, long *full, long *partial, long *scrolled)
{
	*full = r->frames_full;
	*partial = r->frames_partial;
	*scrolled = r->frames_scrolled;
}

void render_invalidate(struct render *r)
{
	r->full = 1;
}

static void groups_clear(struct render *r)
{
	for (int k = 0; k < GROUP_SLOTS; k++)
		if (r->groups[k].tex) {
			SDL_DestroyTexture(r->groups[k].tex);
			r->bytes -= (long)r->groups[k].w * r->groups[k].h * 4;
		}
	memset(r->groups, 0, sizeof(r->groups));
}

long render_groups_drawn(const struct render *r)
{
	return r->groups_drawn;
}

void render_wipe(struct render *r)
{
	groups_clear(r);
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
