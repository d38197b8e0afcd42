/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The chrome every screen shares (see chrome.h): the header with the
 * comune's name, the voice guide and language controls and the hidden
 * admin gesture; in portrait, the bar that carries those controls low
 * down; the body between header and footer; the footer with its two
 * buttons. Screens call it; it calls only the kiosk core (kiosk.h).
 * Start reading at chrome_header().
 */
#include "kiosk/chrome.h"
#include "core/util.h"
#include "kiosk/i18n.h"

#include <string.h>

enum { ADMIN_TAPS = 5, ADMIN_TAP_WINDOW_MS = 4000 };



/* The header's two controls: the voice guide and the language chooser
 * (seven languages do not fit in a row, so one button opens them). */
static void header_controls(struct kiosk *k, const char **labels)
{
	labels[0] = _("Voice guide");
	labels[1] = kiosk_lang_name(i18n_lang());
}

/* The third control, text size and contrast (the dialog above,
 * kiosk_reading_help): "Aa" on the button, its name for the voice guide
 * and the language's own words. It is as wide as "Aa" needs, at least
 * a target. */
static int reading_w(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	int w = ui->text.width(ui->text.ctx, UI_FONT_BOLD, ui_font_px(ui, 34), "Aa", 2) + 2 * ui_px(ui, 24);
	return w < ui_target_min(ui) ? ui_target_min(ui) : w;
}

/* The header's geometry: one row (names left, controls right) or, when
 * large text does not fit beside the buttons, the controls on a second
 * row. It grows with the citizen's text size. */
struct header_layout {
	int h, rows, bw, bh, nl, l1, l2;
	int rw;				/* the text size and contrast button */
	int bar_rows;			/* portrait bar: 1, or 2 with "Aa" below */
	int below;			/* portrait: the controls sit in a bar low down */
};

/* With the keyboard up in landscape the header is one compact row: the
 * comune's name and, in place of the footer the keyboard would push off
 * the screen, Back and Continue (chrome_footer_ids draws them there).
 * The voice guide and language come back with Hide, as the portrait
 * bar does. */
static void header_layout_full(struct kiosk *k, struct header_layout *hl);

/* Compact: in landscape, or in portrait when the footer would not fit
 * above the keyboard (a narrow screen's seven rows of keys). */
static int header_compact(struct kiosk *k)
{
	struct header_layout hl;
	int osk = osk_height(k);
	/* A numeric pad beside the page (landscape) too: Back and Continue
	 * in the row, the page the whole height beside the pad. */
	if (!osk)
		return osk_side_w(k) > 0;
	if (k->ui.w > k->ui.h)
		return 1;
	header_layout_full(k, &hl);
	return k->ui.h - osk - hl.h - chrome_footer_height(k) <= k->ui.h * 3 / 10;
}

/* The compact row's height: a button at least a target tall. */
static int compact_height(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	int bh = ui->text.line_height(ui->text.ctx, UI_FONT_SEMIBOLD, ui_font_px(ui, 34)) + ui_px(ui, 12);
	int t = ui_target_min(ui);
	return (bh > t ? bh : t) + 2 * ui_px(ui, 4);
}

/* A narrow portrait screen's compact header: a line with the comune's
 * name above the buttons' row (the landscape row has it beside them);
 * 0 in landscape. */
static int compact_title_h(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	if (ui->w > ui->h)
		return 0;
	return ui->text.line_height(ui->text.ctx, UI_FONT_BOLD, ui_font_px(ui, 26)) + ui_px(ui, 6);
}

static void header_layout_full(struct kiosk *k, struct header_layout *hl)
{
	struct ui *ui = &k->ui;
	const char *labels[2];
	char name[160];
	int x, w, pad = ui_px(ui, 32), gap = ui_px(ui, 14), lpx = ui_font_px(ui, 30), namew, subw;

	kiosk_column(k, &x, &w);
	header_controls(k, labels);
	hl->l1 = ui->text.line_height(ui->text.ctx, UI_FONT_BOLD, ui_font_px(ui, 40));
	hl->l2 = ui->text.line_height(ui->text.ctx, UI_FONT_REGULAR, ui_font_px(ui, 26));
	hl->bw = ui_px(ui, 190);
	hl->bh = ui->text.line_height(ui->text.ctx, UI_FONT_SEMIBOLD, lpx) + ui_px(ui, 36);
	hl->nl = 2;
	for (int i = 0; i < 2; i++) {
		int tw = ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, lpx, labels[i], strlen(labels[i])) + 2 * ui_px(ui, 24);
		if (tw > hl->bw)
			hl->bw = tw;
	}
	str_fmt(name, sizeof(name), "%s %s", _("Comune di"), k->comune_name);
	namew = ui->text.width(ui->text.ctx, UI_FONT_BOLD, ui_font_px(ui, 40), name, strlen(name));
	subw = ui->text.width(ui->text.ctx, UI_FONT_REGULAR, ui_font_px(ui, 26),
			      _("DoteComune - training placements at the town hall"),
			      strlen(_("DoteComune - training placements at the town hall")));
	if (subw > namew)
		namew = subw * 3 / 4;	/* the subtitle may shrink a little */
	hl->rw = reading_w(k);
	if (2 * hl->bw + 2 * gap + hl->rw > w)
		hl->bw = (w - 2 * gap - hl->rw) / 2;
	/* Portrait: the voice guide and language controls move from the top
	 * into a bar above the footer, within reach from a wheelchair (the
	 * top third of a portrait kiosk is not). */
	hl->below = ui->h > ui->w;
	hl->bar_rows = 1;
	if (hl->below) {
		hl->nl = 0;
		hl->bw = (w - 2 * gap - hl->rw) / 2;
		/* Labels never shrink nor break inside a word ("Голосовий..."
		 * at 200% on 480x800): when one does not fit on a line, "Aa"
		 * goes to a row of its own, and a label still too wide wraps
		 * at a space in a taller button. */
		for (int i = 0; i < 2; i++)
			if (ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, lpx, labels[i], strlen(labels[i])) + 8 >
			    hl->bw)
				hl->bar_rows = 2;
		if (hl->bar_rows == 2) {
			hl->bw = (w - gap) / 2;
			hl->rw = w;
		}
		for (int i = 0; i < 2; i++) {
			int th = ui_text_height(ui, labels[i], UI_FONT_SEMIBOLD, lpx, hl->bw - 8) + ui_px(ui, 36);
			if (th > hl->bh)
				hl->bh = th;
		}
	}
	hl->rows = hl->nl && namew + pad + hl->nl * hl->bw + hl->nl * gap + hl->rw > w ? 2 : 1;
	hl->h = hl->l1 + hl->l2 + ui_px(ui, 40);
	if (hl->rows == 2)
		hl->h += hl->bh + ui_px(ui, 16);
	else if (hl->bh + ui_px(ui, 40) > hl->h)
		hl->h = hl->bh + ui_px(ui, 40);
	if (hl->h < ui_px(ui, 150))
		hl->h = ui_px(ui, 150);
}

static void header_layout(struct kiosk *k, struct header_layout *hl)
{
	header_layout_full(k, hl);
	if (header_compact(k)) {
		hl->nl = 0;
		hl->rows = 1;
		/* A screen without Back and Continue while the keyboard is up
		 * (browse: Hide puts it away) has no row for them. */
		hl->h = compact_title_h(k) + (k->header_bare && compact_title_h(k) ? ui_px(&k->ui, 6)
										   : compact_height(k));
		/* Landscape without Back and Continue: no header at all. */
		if (k->header_bare && !compact_title_h(k))
			hl->h = 0;
	}
}

static int header_height(struct kiosk *k)
{
	struct header_layout hl;
	header_layout(k, &hl);
	return hl.h;
}

/* The voice guide and language buttons, from (lx, ly) rightwards. */
static void header_buttons(struct kiosk *k, const struct header_layout *hl, int lx, int ly)
{
	struct ui *ui = &k->ui;
	int gap = ui_px(ui, 14);
	char label[200];
	const char *labels[2];

	header_controls(k, labels);
	for (int i = 0; i < 2; i++) {
		static const char *const ids[2] = { "speech", "language" };
		int on = i == 0 && k->speech_on;
		int lpx = ui_font_px(ui, 30), tapped;
		struct ui_rect b = { lx, ly, hl->bw, hl->bh };
		struct ui_widget *wd;
		if (on)
			ui_draw_rect(ui, b, ui_color(ui, C_ON_PRIMARY));
		else
			ui_draw_frame(ui, b, ui_color(ui, C_ON_PRIMARY), ui_px(ui, 3) > 1 ? ui_px(ui, 3) : 2);
		/* The language button says what it is in the current language
		 * too, for whoever does not read the one on show. */
		if (i == 1)
			str_fmt(label, sizeof(label), "%s: %s", _("Language"), labels[1]);
		else
			str_copy(label, sizeof(label), labels[0]);
		tapped = ui_area(ui, ids[i], i == 0 ? UI_ROLE_CHECKBOX : UI_ROLE_BUTTON, label, b);
		wd = &ui->widgets[ui->nwidgets - 1];
		if (i == 0 && !strcmp(wd->id, "speech"))
			wd->checked = k->speech_on;
		if (tapped && i == 0)
			kiosk_speech(k, !k->speech_on, 0);
		else if (tapped)
			k->lang_menu = 1;
		{
			int th = ui_text_height(ui, labels[i], UI_FONT_SEMIBOLD, lpx, b.w - 8);
			ui_text_box(ui, (struct ui_rect){ b.x + 4, b.y + (hl->bh - th) / 2, b.w - 8, th }, labels[i],
				    UI_FONT_SEMIBOLD, lpx, ui_color(ui, on ? C_PRIMARY : C_ON_PRIMARY), 1);
		}
		lx += hl->bw + gap;
	}
	if (hl->bar_rows == 2) {
		/* Its own row, under the voice guide. */
		int x, w;
		kiosk_column(k, &x, &w);
		lx = x;
		ly += hl->bh + gap;
	}
	{
		struct ui_rect b = { lx, ly, hl->rw, hl->bh };
		int px = ui_font_px(ui, 34), lh = ui->text.line_height(ui->text.ctx, UI_FONT_BOLD, px);
		int on = k->lang_menu == 2;
		if (on)
			ui_draw_rect(ui, b, ui_color(ui, C_ON_PRIMARY));
		else
			ui_draw_frame(ui, b, ui_color(ui, C_ON_PRIMARY), ui_px(ui, 3) > 1 ? ui_px(ui, 3) : 2);
		if (ui_area(ui, "reading", UI_ROLE_BUTTON, _("Text size and contrast"), b)) {
			k->lang_menu = 2;
			k->reading_from[0] = 0;
		}
		/* Not a stop for the keypad while the voice guide is on: a
		 * blind journey would pay a press at every pass (224). */
		ui->widgets[ui->nwidgets - 1].focusable = !k->speech_on;
		if (hl->bar_rows == 2) {
			/* A whole row: its words beside "Aa". */
			char words[160];
			int th;
			str_fmt(words, sizeof(words), "Aa  %s", _("Text size and contrast"));
			th = ui_text_height(ui, words, UI_FONT_SEMIBOLD, ui_font_px(ui, 30), b.w - 8);
			ui_text_box(ui, (struct ui_rect){ b.x + 4, b.y + (b.h - th) / 2, b.w - 8, th }, words, UI_FONT_SEMIBOLD,
				    ui_font_px(ui, 30), ui_color(ui, on ? C_PRIMARY : C_ON_PRIMARY), 1);
		} else {
			ui_draw_text(ui, b.x + (b.w - ui->text.width(ui->text.ctx, UI_FONT_BOLD, px, "Aa", 2)) / 2,
				     b.y + (b.h - lh) / 2, UI_FONT_BOLD, px, ui_color(ui, on ? C_PRIMARY : C_ON_PRIMARY), "Aa");
		}
	}
}

/* The compact row: the comune's name in the first two fifths (the
 * buttons take the rest, chrome_footer_ids), on the page's surface so
 * that Continue stands out as it does in the footer. */
static int compact_header(struct kiosk *k, const struct header_layout *hl, int x, int w)
{
	struct ui *ui = &k->ui;
	char name[160];
	int px = ui_font_px(ui, 30), lh = ui->text.line_height(ui->text.ctx, UI_FONT_BOLD, px);

	if (!hl->h)
		return 0;
	ui_draw_rect(ui, (struct ui_rect){ 0, 0, ui->w, hl->h }, ui_color(ui, C_SURFACE));
	ui_draw_rect(ui, (struct ui_rect){ 0, hl->h - 1, ui->w, 1 }, ui_color(ui, C_BORDER));
	str_fmt(name, sizeof(name), "%s %s", _("Comune di"), k->comune_name);
	if (ui->w > ui->h) {
		ui_text_box(ui, (struct ui_rect){ x, (hl->h - lh) / 2, w * 2 / 5 - ui_px(ui, 14), lh }, name, UI_FONT_BOLD,
			    px, ui_color(ui, C_PRIMARY_DARK), 0);
	} else {
		/* A narrow portrait screen gives the whole row to the buttons
		 * and the name a line of its own above them (it had none). */
		px = ui_font_px(ui, 26);
		lh = ui->text.line_height(ui->text.ctx, UI_FONT_BOLD, px);
		ui_text_box(ui, (struct ui_rect){ x, ui_px(ui, 4), w, lh }, name, UI_FONT_BOLD, px,
			    ui_color(ui, C_PRIMARY_DARK), 0);
	}
	return hl->h;
}

int chrome_header(struct kiosk *k, const char *title)
{
	struct ui *ui = &k->ui;
	struct header_layout hl;
	int pad = ui_px(ui, 32), x, w, gap = ui_px(ui, 14), lx, ly, ty, tw;
	char name[160];

	(void)title;
	header_layout(k, &hl);
	kiosk_column(k, &x, &w);
	if (header_compact(k))
		return compact_header(k, &hl, x, w);
	ui_draw_rect(ui, (struct ui_rect){ 0, 0, ui->w, hl.h }, ui_color(ui, C_HEADER));
	/* Hidden operator gesture: five taps in the top-left corner. */
	if (ui_area(ui, "admin-gesture", UI_ROLE_GESTURE, "", (struct ui_rect){ 0, 0, ui_px(ui, 150), ui_px(ui, 150) })) {
		if (ui->in.now_ms - k->admin_first_tap > ADMIN_TAP_WINDOW_MS) {
			k->admin_first_tap = ui->in.now_ms;
			k->admin_taps = 0;
		}
		/* Without a PIN in the configuration the door stays shut. */
		if (++k->admin_taps >= ADMIN_TAPS) {
			k->admin_taps = 0;
			if (config_get(k->cfg, "admin_pin")[0])
				kiosk_go(k, "pin");
		}
	}
	lx = x + w - (hl.nl ? hl.nl * hl.bw + hl.nl * gap + hl.rw : 0);
	if (hl.rows == 1) {
		ty = (hl.h - hl.l1 - hl.l2) / 2;
		ly = (hl.h - hl.bh) / 2;
		tw = lx - x - pad;
	} else {
		ty = ui_px(ui, 20);
		ly = ty + hl.l1 + hl.l2 + ui_px(ui, 12);
		tw = w;
	}
	str_fmt(name, sizeof(name), "%s %s", _("Comune di"), k->comune_name);
	ui_text_box(ui, (struct ui_rect){ x, ty, tw, hl.l1 }, name, UI_FONT_BOLD, ui_font_px(ui, 40),
		    ui_color(ui, C_HEADER_TEXT), 0);
	ui_text_box(ui, (struct ui_rect){ x, ty + hl.l1, tw, hl.l2 }, _("DoteComune - training placements at the town hall"),
		    UI_FONT_REGULAR, ui_font_px(ui, 26), ui_color(ui, C_HEADER_TEXT), 0);
	if (!hl.below)
		header_buttons(k, &hl, lx, ly);
	return hl.h;
}

int chrome_footer_height(struct kiosk *k)
{
	/* Room for its buttons, which grow with the text size. */
	int h = ui_px(&k->ui, 150), need = ui_button_h(&k->ui, 100) + ui_px(&k->ui, 40);
	if (h < need)
		h = need;
	return h < 64 ? 64 : h;
}

/* Whether the footer stays visible above the keyboard. */
static int footer_shown(struct kiosk *k)
{
	int osk = osk_height(k);
	if (header_compact(k))
		return 0;
	return !osk || k->ui.h - osk - header_height(k) - chrome_footer_height(k) > k->ui.h * 3 / 10;
}

struct ui_rect chrome_body(struct kiosk *k, int top, int footer_h)
{
	struct ui *ui = &k->ui;
	struct header_layout hl;
	int bottom = ui->h - osk_height(k);
	if (footer_h && footer_shown(k))
		bottom -= footer_h;
	header_layout(k, &hl);
	k->bar_pending = 0;
	if (hl.below) {
		/* The controls' bar, just above the footer; the keyboard takes
		 * its place while it is up (Hide, or Escape, brings it back).
		 * chrome_bar() draws it after the page, so the keypad meets it
		 * in reading order. */
		int bh = hl.bar_rows * hl.bh + (hl.bar_rows - 1) * ui_px(ui, 14) + 2 * ui_px(ui, 14);
		if (!osk_height(k)) {
			bottom -= bh;
			k->bar_pending = 1;
			k->bar_y = bottom;
		}
	}
	ui->reserved_bottom = ui->h - bottom;
	return (struct ui_rect){ 0, top, ui->w, bottom - top };
}

void chrome_bar(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct header_layout hl;
	int x, w, pad = ui_px(ui, 14);
	if (!k->bar_pending)
		return;
	k->bar_pending = 0;
	header_layout(k, &hl);
	kiosk_column(k, &x, &w);
	ui_draw_rect(ui, (struct ui_rect){ 0, k->bar_y, ui->w, hl.bar_rows * (hl.bh + pad) + pad },
		     ui_color(ui, C_HEADER));
	header_buttons(k, &hl, x, k->bar_y + pad);
}

int chrome_footer(struct kiosk *k, const char *back_label, const char *next_id, const char *next_label,
		  int next_enabled)
{
	return chrome_footer_ids(k, "back", back_label, next_id, next_label, next_enabled);
}

int chrome_footer_ids(struct kiosk *k, const char *back_id, const char *back_label, const char *next_id,
		      const char *next_label, int next_enabled)
{
	struct ui *ui = &k->ui;
	int h = chrome_footer_height(k), x, w, bh = ui_button_h(ui, 100), gap = ui_px(ui, 28), res = 0;
	int y = ui->h - osk_height(k) - h;
	chrome_bar(k);
	kiosk_column(k, &x, &w);
	if (header_compact(k)) {
		/* In the compact header's row, right of the comune's name. */
		int pad = ui_px(ui, 4);
		h = compact_height(k);
		bh = h - 2 * pad;
		y = compact_title_h(k);
		if (ui->w > ui->h) {
			x += w * 2 / 5;
			w -= w * 2 / 5;
		}
		gap = ui_px(ui, 14);
	} else if (!footer_shown(k)) {
		return 0;
	} else {
		ui_draw_rect(ui, (struct ui_rect){ 0, y, ui->w, h }, ui_color(ui, C_SURFACE));
		ui_draw_rect(ui, (struct ui_rect){ 0, y, ui->w, 1 }, ui_color(ui, C_BORDER));
	}
	bh = bh < ui_target_min(ui) ? ui_target_min(ui) : bh;
	if (back_label && ui_button(ui, back_id, back_label,
				    (struct ui_rect){ x, y + (h - bh) / 2, (w - gap) * 2 / 5, bh }, UI_SECONDARY))
		res = 1;
	if (next_label) {
		int nw = (w - gap) * 3 / 5;
		if (ui_button_enabled(ui, next_id, next_label,
				      (struct ui_rect){ x + w - nw, y + (h - bh) / 2, nw, bh }, UI_PRIMARY,
				      next_enabled))
			res = 2;
	}
	/* A Continue refused again shows the first error again. */
	if (res == 2)
		ui_alerts_renew(ui);
	return res;
}

int kiosk_reading_controls(struct kiosk *k, int x, int y, int w)
{
	/* Text size in steps up to 200% (WCAG 1.4.4), shown as what they
	 * are; every screen's layout holds at each of them. */
	static const char *const keys[] = { "100", "130", "160", "200" };
	static const float scales[] = { 1.0f, 1.3f, 1.6f, 2.0f };
	struct ui *ui = &k->ui;
	const char *labels[4] = { "100%", "130%", "160%", "200%" };
	const char *cl = ui->theme == &ui_theme_contrast ? _("Normal colours") : _("High contrast");
	int cur = 0, i, h = ui_button_h(ui, 100), y0 = y;
	int sg = ui_px(ui, 16), pad = ui_px(ui, 24), sh = ui_button_h(ui, 96), per = 4, bw;
	int lw = ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, ui_font_px(ui, 34), "200%", 4);
	char said[96];

	for (i = 1; i < 4; i++)
		if (ui->text_scale > (scales[i - 1] + scales[i]) / 2)
			cur = i;
	y += ui_label(ui, "text-size-title", _("Text size"), (struct ui_rect){ x, y, w, 0 }, UI_FONT_REGULAR,
		      ui_font_px(ui, 28), C_TEXT) + ui_px(ui, 8);
	/* Four equal buttons in a row, or two rows of two when the labels
	 * would not fit (a narrow column, large text). */
	if ((w - 3 * sg) / 4 < lw + 2 * pad)
		per = 2;
	bw = (w - (per - 1) * sg) / per;
	i = -1;
	for (int j = 0; j < 4; j++) {
		char id[32];
		struct ui_rect r = { x + (j % per) * (bw + sg), y + (j / per) * (sh + sg), bw, sh };
		str_fmt(id, sizeof(id), "text-size:%s", keys[j]);
		if (ui_button(ui, id, labels[j], r, j == cur ? UI_CHOICE_ON : UI_CHOICE))
			i = j;
	}
	y += (4 / per) * (sh + sg) + ui_px(ui, 8);
	if (i >= 0) {
		/* The page reflows: keep the control just tapped in view. */
		ui->text_scale = scales[i];
		str_fmt(ui->reveal, sizeof(ui->reveal), "text-size:%s", keys[i]);
		str_fmt(said, sizeof(said), "%s: %s", _("Text size"), labels[i]);
		kiosk_say_sentence(k, said);
		ui->animating = 1;
	}
	if (ui_button(ui, "a11y:contrast", cl, (struct ui_rect){ x, y, w, h }, UI_SECONDARY)) {
		ui->theme = ui->theme == &ui_theme_contrast ? &ui_theme_normal : &ui_theme_contrast;
		kiosk_say_sentence(k, ui->theme == &ui_theme_contrast ? _("High contrast") : _("Normal colours"));
	}
	return y + h - y0;
}

void kiosk_reading_help(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	int x, w, pad = ui_px(ui, 40), y, first, ch;
	struct ui_rect all = { 0, 0, ui->w, ui->h }, box;

	kiosk_column(k, &x, &w);
	first = ui->nwidgets;
	ui_draw_rect(ui, all, ui_color(ui, C_OVERLAY));
	if (ui_area(ui, "reading-help", UI_ROLE_DIALOG, _("Text size and contrast"), all))
		k->lang_menu = 0;
	ui->widgets[ui->nwidgets - 1].focusable = 0;
	/* Measured by drawing it once off screen would cost a frame: the
	 * box is as tall as its parts, computed as home lays them out. */
	{
		/* One row of four sizes, or two of two (kiosk_reading_controls). */
		int lw = ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, ui_font_px(ui, 34), "200%", 4);
		int rows = (w - 2 * pad - 3 * ui_px(ui, 16)) / 4 < lw + 2 * ui_px(ui, 24) ? 2 : 1;
		ch = ui_text_height(ui, _("Text size"), UI_FONT_REGULAR, ui_font_px(ui, 28), w - 2 * pad) + ui_px(ui, 8) +
		     rows * (ui_button_h(ui, 96) + ui_px(ui, 16)) + ui_px(ui, 8) + ui_button_h(ui, 100);
	}
	box.h = 2 * pad + ui_text_height(ui, _("Text size and contrast"), UI_FONT_BOLD, ui_font_px(ui, 48), w - 2 * pad) +
		ui_px(ui, 24) + ch + ui_px(ui, 24) + ui_button_h(ui, 96);
	box.x = x;
	box.w = w;
	box.y = (ui->h - box.h) / 2 > 0 ? (ui->h - box.h) / 2 : 0;
	ui_draw_rect(ui, box, ui_color(ui, C_SURFACE));
	y = box.y + pad;
	y += ui_label(ui, "reading-title", _("Text size and contrast"), (struct ui_rect){ x + pad, y, w - 2 * pad, 0 },
		      UI_FONT_BOLD, ui_font_px(ui, 48), C_TEXT) + ui_px(ui, 24);
	y += kiosk_reading_controls(k, x + pad, y, w - 2 * pad) + ui_px(ui, 24);
	if (ui_button(ui, "reading-close", _("Close"), (struct ui_rect){ x + pad, y, w - 2 * pad, ui_button_h(ui, 96) },
		      UI_SECONDARY)) {
		k->lang_menu = 0;
		ui_focus(ui, k->reading_from[0] ? k->reading_from : "reading");
	}
	for (int i = 0; i < first; i++)
		ui->widgets[i].focusable = 0;
	/* Opened: its name is said, and the keypad starts on the size in use. */
	if (k->lang_menu && strncmp(ui->focus, "text-size:", 10) && strcmp(ui->focus, "a11y:contrast") &&
	    strcmp(ui->focus, "reading-close")) {
		static const char *const ids[] = { "text-size:100", "text-size:130", "text-size:160", "text-size:200" };
		int cur = ui->text_scale > 1.8f ? 3 : ui->text_scale > 1.45f ? 2 : ui->text_scale > 1.15f ? 1 : 0;
		kiosk_say_sentence(k, _("Text size and contrast"));
		ui_focus(ui, ids[cur]);
	}
	ui->animating = 1;
}
