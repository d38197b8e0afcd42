/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The kiosk's UI layer: an immediate-mode toolkit in the spirit of
 * microui. Each frame, a screen calls ui_button(), ui_field(), ... with a
 * stable id, a translated label and a rectangle; the layer records the
 * widget (id, role, label, rect: what `dump`, focus order, tests and a
 * speech engine read), answers whether it was activated by the input of
 * this frame, and appends draw commands that kiosk/render.c draws. It has
 * no SDL in it: text is measured through struct ui_text_ops.
 *
 * Sizes come from one scale factor (ui->scale: screen size x the citizen's
 * text-size setting) through ui_px(); colours from a theme table (normal
 * and high contrast). One UI per process: the hit-test data of the last
 * frame is kept in ui.c. Start reading at ui_frame_begin().
 */
#ifndef DOTE_KIOSK_UI_H
#define DOTE_KIOSK_UI_H
#include <stddef.h>
#include <stdint.h>

struct ui_rect {
	int x, y, w, h;
};

enum ui_role {
	UI_ROLE_BUTTON, UI_ROLE_TEXT, UI_ROLE_HEADING, UI_ROLE_FIELD, UI_ROLE_CHECKBOX,
	UI_ROLE_RADIO, UI_ROLE_LISTITEM, UI_ROLE_KEY, UI_ROLE_IMAGE, UI_ROLE_DIALOG,
	UI_ROLE_ALERT, UI_ROLE_GESTURE,
};

enum ui_font { UI_FONT_REGULAR, UI_FONT_SEMIBOLD, UI_FONT_BOLD, UI_FONT__N };

/* Theme colour slots; values are 0xRRGGBB. Every pair the kiosk draws
 * meets WCAG 2.1 AA in both themes (text 4.5:1, large text and outlines
 * 3:1): ui_contrast_check() measures a frame, tests/unit/test_kiosk_contrast.c
 * every widget state. The focus ring is two colours 9:1 apart (C_FOCUS,
 * with a C_FOCUS_EDGE edge around it), so one of them stands out on any
 * background. */
enum ui_color {
	C_BG, C_SURFACE, C_PRIMARY, C_PRIMARY_DARK, C_ON_PRIMARY, C_TEXT, C_MUTED,
	C_BORDER, C_FOCUS, C_ERROR, C_ERROR_BG, C_SUCCESS, C_SUCCESS_BG, C_FIELD,
	C_KEY, C_KEY_TEXT, C_SHADOW, C_OVERLAY, C_HEADER, C_HEADER_TEXT,
	C_FOCUS_EDGE, C_PRESSED, C_DISABLED, C_ON_DISABLED, C_PLACEHOLDER, C__N,
};

struct ui_theme {
	const char *name;
	uint32_t c[C__N];
};
extern const struct ui_theme ui_theme_normal, ui_theme_contrast;

enum ui_cmd_kind { UI_CMD_RECT, UI_CMD_TEXT, UI_CMD_CLIP, UI_CMD_BITMAP, UI_CMD_GROUP };

/* One draw command. Text and bitmap pointers live in the frame arena
 * (valid until the next ui_frame_begin). */
struct ui_cmd {
	enum ui_cmd_kind kind;
	struct ui_rect r;		/* RECT/TEXT: where; CLIP: the clip (w = 0: none);
					 * GROUP: the group's box (w = 0: its end) */
	uint32_t color;
	int font, px;			/* TEXT */
	int thickness;			/* RECT: 0 filled, else outline width */
	const char *text;		/* TEXT */
	const unsigned char *bits;	/* BITMAP: side x side modules, 1 = dark */
	int side;
};

/* A widget as recorded this frame. */
struct ui_widget {
	char id[48];
	enum ui_role role;
	char label[200];
	struct ui_rect r;		/* on screen (after scrolling) */
	int enabled, focusable, visible, checked;
	int panel;			/* index of the scroll panel, -1 none */
	char owner[48];			/* alert: the field it is about ('' none) */
	/* The whole label as given, with its language marks (UI_LANG_MARK):
	 * what the voice guide says. label above is its first bytes without
	 * the marks (what dump and tests match). Frame arena or label. */
	const char *text;
	const char *lang;		/* content language (ui->lang when added), NULL: the UI's */
	int above;			/* field: the height of its label, drawn above r */
};

/* A run of text in another language than the UI's inside a label (an
 * Italian placement title in a Ukrainian card's label), for the voice
 * guide: UI_LANG_IT "title" UI_LANG_END. Never drawn (only in labels of
 * widgets that do not draw them); a widget whose whole text is in one
 * language gets it from ui->lang instead. */
#define UI_LANG_MARK '\x1e'
#define UI_LANG_IT "\x1eit\x1f"
#define UI_LANG_END "\x1e\x1f"
/* Copies text without its language marks into buf; returns buf. */
char *ui_strip_marks(const char *text, char *buf, size_t size);

/* Text measurement, provided by the renderer (or a test). */
struct ui_text_ops {
	void *ctx;
	/* Width in pixels of text in font at px. */
	int (*width)(void *ctx, int font, int px, const char *text, size_t len);
	/* Line height (ascent + descent + gap) of font at px. */
	int (*line_height)(void *ctx, int font, int px);
};

enum ui_announce { UI_ANNOUNCE_SCREEN, UI_ANNOUNCE_FOCUS, UI_ANNOUNCE_ERROR };

/* Input for one frame, filled by the platform. */
struct ui_input {
	int64_t now_ms;
	int down;			/* pointer is down */
	int x, y;			/* pointer position */
	int pressed, released;		/* transitions this frame */
	int key;			/* enum ui_key or 0 */
	int shift;
	char text[64];			/* UTF-8 typed this frame */
	int keypad_digit;		/* text is a digit key's alone (a keypad's, no keyboard text) */
	int wheel;			/* mouse wheel steps (+ up) */
};

enum ui_key {
	UI_KEY_NONE, UI_KEY_TAB, UI_KEY_BACKTAB, UI_KEY_UP, UI_KEY_DOWN, UI_KEY_LEFT,
	UI_KEY_RIGHT, UI_KEY_ENTER, UI_KEY_BACKSPACE, UI_KEY_ESCAPE, UI_KEY_PAGEUP,
	UI_KEY_PAGEDOWN, UI_KEY_HOME, UI_KEY_END, UI_KEY_SPACE,
	/* A navigation keypad's Help key (F1, Help) and volume keys. */
	UI_KEY_HELP, UI_KEY_VOLUME_UP, UI_KEY_VOLUME_DOWN,
	/* The voice guide's repeat (F2, Again) and spell (F3) keys; the
	 * screen off and on key (F4) of private audio mode. */
	UI_KEY_REPEAT, UI_KEY_SPELL, UI_KEY_BLANK,
	/* The keypad's text size and contrast key (F5), the chrome's "Aa". */
	UI_KEY_READING,
};

/* A scrolling panel's state, owned by the screen (kept across frames). */
struct ui_scroll {
	float offset;			/* pixels scrolled down */
	float velocity;			/* pixels per ms (momentum) */
	int content_h, view_h;
	int64_t last_ms;
};

enum { UI_MAX_WIDGETS = 400, UI_MAX_CMDS = 4000, UI_ARENA = 192 * 1024, UI_MAX_PANELS = 4 };

struct ui {
	int w, h;			/* logical screen size */
	float scale;			/* px per design unit (1080-wide design) */
	float text_scale;		/* the citizen's text size: 1, 1.3 (up to 2.5) */
	int rtl;			/* mirror the layout for right-to-left languages */
	const char *lang;		/* content language of the widgets added now
					 * (static string; NULL: the UI's) */
	int focus_text;			/* texts, headings and alerts join the focus order
					 * (the voice guide reads them: EZ Access style) */
	const struct ui_theme *theme;
	struct ui_text_ops text;
	struct ui_input in;

	/* this frame */
	struct ui_widget widgets[UI_MAX_WIDGETS];
	int nwidgets;
	struct ui_cmd cmds[UI_MAX_CMDS];
	int ncmds;
	char arena[UI_ARENA];
	size_t arena_used;
	struct ui_rect clip;
	int clip_on;
	int panel;			/* current panel, -1 none */
	struct {
		struct ui_scroll *s;
		struct ui_rect r;
		int content_top;
	} panels[UI_MAX_PANELS];
	int npanels;

	/* across frames */
	char focus[48];			/* focused widget id ('' none) */
	char prev_focus[48];
	char activate[48];		/* activated by keyboard this frame */
	char press_id[48];		/* widget under the press */
	int press_x, press_y;
	int dragging;			/* the press became a scroll drag */
	int drag_panel;
	struct ui_scroll *drag_scroll;
	int drag_last_y;
	int64_t drag_last_ms;
	char tapped[48];		/* widget tapped (released) this frame */
	char reveal[48];		/* scroll this widget into view */
	char reveal_from[48];		/* ... together with this one above it */
	int reveal_hold;		/* frames the reveal is applied again */
	int widget_above;		/* the next widget's label above it (ui_field): revealed with it */
	char focus_order[UI_MAX_WIDGETS][48];	/* last frame's focusable ids */
	char focus_order_text[UI_MAX_WIDGETS];	/* a text only the voice guide stops on */
	int nfocus_order;
	int animating;			/* another frame is needed soon */
	uint32_t hash;			/* of this frame's draw commands */
	uint32_t alert_hash;		/* errors on screen (announce once) */
	/* Errors on screen last frame (id, hash of the text): one that is
	 * not among them has just appeared, comes into view and takes the
	 * focus (ui_frame_end). */
	struct {
		char id[48];
		uint32_t text;
	} alerts[16];
	int nalerts;
	int alerts_relabel;		/* texts changed by a language switch only */
	int alerts_renew;		/* 1: asked this frame, 2: all new next frame */
	unsigned alert_seq;		/* errors that took the focus so far */
	char alert_shown[48];		/* the last one */
	int reserved_bottom;		/* pixels at the bottom used by the keyboard */
	char word_cut[48];		/* a word wrapped text had to break this frame */
	char label_shrunk[64];		/* a key's word set smaller than its size to fit, this frame */
	char button_shrunk[64];		/* a button's label set smaller than its size to fit, this frame */

	void (*announce)(void *ctx, enum ui_announce kind, const char *text);
	void *announce_ctx;
};

void ui_init(struct ui *ui, int w, int h, const struct ui_text_ops *ops);
/* Recomputes the scale factor after a size or text-size change. */
void ui_resize(struct ui *ui, int w, int h);
/* Design units to pixels: round(v * scale). */
int ui_px(const struct ui *ui, float v);
/* The smallest a control may be, in pixels, both ways: 44 px (WCAG
 * 2.5.5) on 1080-class panels, 9 mm on the small ones the image runs
 * on (a 7-inch 800x480 panel, pitch 0.193 mm: 47 px). */
int ui_target_min(const struct ui *ui);
/* Text size in pixels for a design size (includes the text-size setting). */
int ui_font_px(const struct ui *ui, float v);
uint32_t ui_color(const struct ui *ui, enum ui_color c);

/* Starts a frame: processes keyboard focus keys against last frame's
 * focus order. Input must be in ui->in. */
void ui_frame_begin(struct ui *ui);
/* Ends a frame: records the focus order, hashes the draw list. */
void ui_frame_end(struct ui *ui);

/* Frame scratch memory (zeroed), valid until the next frame; NULL when
 * the arena is full. */
void *ui_alloc(struct ui *ui, size_t size);
/* Copies text into the frame arena (truncated when full). */
const char *ui_strdup(struct ui *ui, const char *s);

/* Draw primitives (clipped to the current panel). */
void ui_draw_rect(struct ui *ui, struct ui_rect r, uint32_t color);
void ui_draw_frame(struct ui *ui, struct ui_rect r, uint32_t color, int thickness);
void ui_draw_text(struct ui *ui, int x, int y, int font, int px, uint32_t color, const char *text);
void ui_draw_bitmap(struct ui *ui, struct ui_rect r, const unsigned char *bits, int side);
/* Marks the commands up to ui_group_end() as one picture that a
 * renderer may keep and copy whole while they stay the same (the
 * on-screen keyboard in each of its states): they must start with an
 * opaque fill of r and draw nothing outside r. Returns the index of the
 * marker, -1 when the list is full. Nothing is drawn by the markers. */
int ui_group_begin(struct ui *ui, struct ui_rect r);
void ui_group_end(struct ui *ui);
/* A QR code (role image) filling the square r, with its quiet zone of
 * `quiet` modules drawn white around width x width modules (1 = dark). */
void ui_qr(struct ui *ui, const char *id, const char *label, const unsigned char *modules, int width,
	   int quiet, struct ui_rect r);
/* A card: surface, a 1 px border and a soft shadow. */
void ui_draw_card(struct ui *ui, struct ui_rect r);

/* Text layout. ui_text_wrap() breaks text into lines of at most w pixels
 * (at spaces; a word longer than w is cut); returns the number of lines,
 * storing each line's start and length (at most max lines). */
int ui_text_wrap(struct ui *ui, const char *text, int font, int px, int w,
		 const char **starts, size_t *lens, int max);
/* Height of text wrapped to w. */
int ui_text_height(struct ui *ui, const char *text, int font, int px, int w);
/* The largest size <= px (down to min_px) at which text wrapped to w fits
 * in h; returns min_px when nothing fits (the caller then ellipsizes). */
int ui_text_fit(struct ui *ui, const char *text, int font, int px, int min_px, int w, int h);
/* Draws text wrapped to r.w, shrinking it to fit r.h and ending the last
 * visible line with an ellipsis if it still does not fit. align: 0 left,
 * 1 centre. Returns the height used. */
int ui_text_box(struct ui *ui, struct ui_rect r, const char *text, int font, int px,
		uint32_t color, int align);

/* Widgets. Each returns 1 when activated this frame (tap or Enter/Space
 * while focused). id must be unique on the screen. */
struct ui_widget *ui_widget_add(struct ui *ui, const char *id, enum ui_role role,
				const char *label, struct ui_rect r, int focusable);
enum ui_button_style { UI_PRIMARY, UI_SECONDARY, UI_GHOST, UI_DANGER, UI_CHOICE, UI_CHOICE_ON };
int ui_button(struct ui *ui, const char *id, const char *label, struct ui_rect r,
	      enum ui_button_style style);
int ui_button_enabled(struct ui *ui, const char *id, const char *label, struct ui_rect r,
		      enum ui_button_style style, int enabled);
/* A button's height: units at normal text, taller when the citizen's
 * text size needs it (so button labels grow with the text, not shrink). */
int ui_button_h(const struct ui *ui, float units);
/* A read-only text widget (wrapped); returns its height. */
int ui_label(struct ui *ui, const char *id, const char *text, struct ui_rect r, int font,
	     int px, enum ui_color color);
/* A tappable area with no drawing (cards draw themselves). */
int ui_area(struct ui *ui, const char *id, enum ui_role role, const char *label, struct ui_rect r);
/* A text field showing value (or placeholder); tapping focuses it.
 * Returns 1 when it was tapped. err, when non-empty, is drawn under it. */
/* The height of a field's box (its value), at least a target. */
int ui_field_box_h(struct ui *ui);
int ui_field(struct ui *ui, const char *id, const char *label, const char *value,
	     const char *placeholder, const char *err, struct ui_rect r, int *used_h);
int ui_checkbox(struct ui *ui, const char *id, const char *label, int *checked, struct ui_rect r,
		int *used_h);
/* An error message (role alert) with the announce hook; returns height.
 * The frame an error appears (or its text changes), it is scrolled into
 * view and takes the focus: "error:NAME" gives it to its field
 * "field:NAME" when there is one (shown together with the error),
 * otherwise the alert itself is focused. With several new errors, the
 * first in reading order. */
int ui_error(struct ui *ui, const char *id, const char *text, struct ui_rect r);
/* The same for an error about the field owner_id (when its id does not
 * say so): that field takes the focus. */
int ui_error_for(struct ui *ui, const char *id, const char *owner_id, const char *text, struct ui_rect r);
/* Treats the errors on screen as new in the next frame (a Continue that
 * is refused again brings the first error back into view and focus). */
void ui_alerts_renew(struct ui *ui);
/* The field an error belongs to (given to ui_error_for(), or "error:cf"
 * -> "field:cf") when it is on screen this frame; NULL otherwise. */
const char *ui_alert_owner(const struct ui *ui, const char *alert_id, char *buf, size_t size);

/* WCAG 2.1 contrast ratio of two 0xRRGGBB colours (1 to 21). */
double ui_contrast(uint32_t a, uint32_t b);
/* Checks this frame's draw list: each text against what is drawn under
 * it (4.5:1; large text, 24 px or 19 px bold, 3:1) and each outline
 * against what is around it (3:1, unless the fill inside already stands
 * out 3:1, or it is one band of a two-colour focus ring). Returns 0, or
 * -1 with the first failure described in why. */
int ui_contrast_check(const struct ui *ui, char *why, size_t size);

/* Scroll panels: widgets between begin and end are offset by the scroll
 * and clipped to r; drags inside r scroll with momentum. */
void ui_panel_begin(struct ui *ui, const char *id, struct ui_rect r, struct ui_scroll *s);
/* content_h: how tall the content was (for clamping). */
void ui_panel_end(struct ui *ui, int content_h);

/* Focus. */
int ui_focused(const struct ui *ui, const char *id);
void ui_focus(struct ui *ui, const char *id);
/* Moves focus to the next field recorded this frame after the focused
 * one; returns -1 (focus unchanged) when it is the last. */
int ui_focus_next_field(struct ui *ui);
/* Finds a widget recorded this frame; NULL if none. */
const struct ui_widget *ui_find(const struct ui *ui, const char *id);
/* Announces through the hook (no-op without one). */
void ui_announce(struct ui *ui, enum ui_announce kind, const char *text);
const char *ui_role_name(enum ui_role role);
#endif
