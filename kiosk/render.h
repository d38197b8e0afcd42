/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The one renderer: draws a frame's struct ui_cmd list with an
 * SDL_Renderer, and measures text for the UI layer. Text goes through
 * SDL_ttf (HarfBuzz shaping) in Titillium Web; rendered lines are cached
 * as textures (in their colour) and widths are cached too, so an
 * unchanged screen costs no rasterising. Start reading at render_frame().
 */
#ifndef DOTE_KIOSK_RENDER_H
#define DOTE_KIOSK_RENDER_H
#include "kiosk/ui.h"

#include <stddef.h>
#include <stdint.h>

struct SDL_Renderer;
struct SDL_Surface;
struct render;

/* Opens the fonts from font_dir (NULL: assets/fonts). renderer may be
 * NULL for measuring only (unit tests). Returns NULL after error(). */
struct render *render_new(struct SDL_Renderer *renderer, const char *font_dir);
void render_free(struct render *r);
/* The path of a font file (enum ui_font) in font_dir (NULL or '':
 * assets/fonts), for others that draw text (the receipt PNG). */
int render_font_path(const char *font_dir, int font, char *buf, size_t size);
/* The measuring callbacks for ui_init(). */
struct ui_text_ops render_text_ops(struct render *r);
/* Draws cmds, clearing to bg first. */
void render_frame(struct render *r, const struct ui_cmd *cmds, int n, uint32_t bg);
/* Rasterises and keeps the text of cmds without drawing anything: a
 * frame still to come (a new screen's) finds it ready. */
void render_prepare(struct render *r, const struct ui_cmd *cmds, int n);
/* The next frame draws everything (the picture was drawn over by
 * something else, such as the keyboards' warm-up). Otherwise a software
 * renderer redraws only the screen tiles whose commands changed. */
void render_invalidate(struct render *r);
/* The software renderer's pixels (the surface it draws into; NULL: not
 * known): with them a scroll panel whose content only moved is moved by
 * copying its pixels, and only what scrolled into view is drawn. */
void render_set_surface(struct render *r, struct SDL_Surface *s);
/* Frames drawn whole, in part, and in part after moving a scroll
 * panel's pixels, since render_new() (the benchmark's figures). */
void render_counts(const struct render *r, long *full, long *partial, long *scrolled);
/* Group pictures drawn (rather than copied from an earlier frame)
 * since render_new() (see ui_group_begin()). */
long render_groups_drawn(const struct render *r);
/* Forgets every cached text (wiping the strings): what a citizen typed
 * must not outlive the session in a cache. */
void render_wipe(struct render *r);
/* Whether any cached text contains text (tests of the wipe above). */
int render_has_text(const struct render *r, const char *text);
/* The UI's language, set before each frame: lines with Arabic in them
 * are set right to left (rtl), and with noto every line is set in Noto
 * Sans, for a language whose letters Titillium Web lacks (one face on
 * the whole screen, not a mix). */
void render_set_script(struct render *r, int rtl, int noto);

/* Rasterises one line of UTF-8 text as the screens set it (runs,
 * directions, HarfBuzz shaping, the face for its script: see
 * render_set_script()) in colour 0xRRGGBB on transparent, ARGB8888;
 * NULL for empty text or on error. For others that draw text outside
 * the UI (the receipt PNG and the printer's raster); the caller frees it. */
struct SDL_Surface *render_text_surface(struct render *r, int font, int px, uint32_t color, const char *text);

/* Font families: Titillium Web (Latin), Noto Sans (Latin extended,
 * Cyrillic), Noto Sans Arabic. */
enum { RENDER_FAM_TITILLIUM, RENDER_FAM_NOTO, RENDER_FAM_ARABIC, RENDER_FAM__N };
enum { RENDER_MAX_RUNS = 64 };
/* A piece of a line in one direction and one face; bytes start..len. */
struct render_run {
	size_t start, len;
	int rtl;
	int fam;
};
/* Cuts text into runs and returns them in visual (left to right)
 * order: strong directions from the characters (Arabic right to left,
 * letters and digits left to right), neutrals resolved from their
 * neighbours or the line's base direction, Arabic runs in the Arabic
 * face (with the signs arabic_has says it has), the rest in latin_fam.
 * Pure apart from arabic_has (may be NULL); unit-tested. */
int render_runs(const char *text, size_t len, int base_rtl, int latin_fam,
		int (*arabic_has)(void *ctx, uint32_t c), void *ctx, struct render_run *runs, int max);
#endif
