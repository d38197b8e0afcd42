/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The on-screen keyboard: an Italian layout with the accented vowels on
 * their own keys (à è é ì ò ù), a numeric pad for phone numbers, ages
 * and PINs, shown at the bottom while a field has focus. Screens shrink
 * their panel by osk_height() and the focused field is scrolled into
 * view, so the keyboard never covers it. Keys are not focusable (a
 * citizen with a physical keyboard types on it directly); their ids are
 * key:<character> and key:shift, key:backspace, key:space, key:enter,
 * key:hide.
 */
#include "kiosk/kiosk.h"
#include "core/util.h"
#include "kiosk/i18n.h"

#include <stdio.h>
#include <string.h>

static const char *const alpha[5][11] = {
	{ "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", NULL },
	{ "q", "w", "e", "r", "t", "y", "u", "i", "o", "p", "è" },
	{ "a", "s", "d", "f", "g", "h", "j", "k", "l", "ò", "à" },
	{ "shift", "z", "x", "c", "v", "b", "n", "m", "ù", "ì", "backspace" },
	{ "@", ".", "-", "'", "space", "é", "enter", "hide", NULL },
};
static const char *const alpha_upper[] = { "è", "È", "ò", "Ò", "à", "À", "ù", "Ù", "ì", "Ì", "é", "É" };

static const char *const numpad[5][3] = {
	{ "1", "2", "3" }, { "4", "5", "6" }, { "7", "8", "9" }, { "+", "0", "backspace" },
	{ "hide", "enter", NULL },
};

static int is_numeric(enum field_kind kind)
{
	return kind == FIELD_NUMBER || kind == FIELD_PHONE || kind == FIELD_PIN;
}

int osk_height(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	int row;
	if (k->keyboard_hidden || k->idle_dialog || !kiosk_field(k, ui->focus, NULL, NULL))
		return 0;
	/* Taller keys for larger text, so their labels grow with it. */
	row = ui_px(ui, 118 * (1.0f + ((ui->text_scale < 2.0f ? ui->text_scale : 2.0f) - 1.0f) * 0.6f));
	/* Landscape is short: flatter keys leave the footer (Continue) and
	 * a few lines of the page in view above the keyboard. */
	if (row > ui->h * (ui->w > ui->h ? 34 : 42) / 500)
		row = ui->h * (ui->w > ui->h ? 34 : 42) / 500;
	return row * 5 + ui_px(ui, 24);
}

static const char *key_label(const char *key)
{
	if (!strcmp(key, "shift")) return _("Shift");
	if (!strcmp(key, "backspace")) return _("Delete");
	if (!strcmp(key, "space")) return _("Space");
	if (!strcmp(key, "enter")) return _("Next");
	if (!strcmp(key, "hide")) return _("Hide");
	return key;
}

static const char *upper(const char *key, char *buf)
{
	for (size_t i = 0; i < ARRAY_SIZE(alpha_upper); i += 2)
		if (!strcmp(key, alpha_upper[i]))
			return alpha_upper[i + 1];
	if (key[0] >= 'a' && key[0] <= 'z' && !key[1]) {
		buf[0] = (char)(key[0] - 32);
		buf[1] = 0;
		return buf;
	}
	return key;
}

static void press(struct kiosk *k, const char *key, const char *shown)
{
	if (!strcmp(key, "shift")) {
		k->keyboard_shift = (k->keyboard_shift + 1) % 3;
	} else if (!strcmp(key, "backspace")) {
		kiosk_backspace(k);
	} else if (!strcmp(key, "space")) {
		kiosk_type(k, " ");
	} else if (!strcmp(key, "enter")) {
		/* The next field, or hide the keyboard after the last one. */
		if (ui_focus_next_field(&k->ui))
			k->keyboard_hidden = 1;
	} else if (!strcmp(key, "hide")) {
		k->keyboard_hidden = 1;
	} else {
		kiosk_type(k, shown);
		if (k->keyboard_shift == 1)
			k->keyboard_shift = 0;
	}
}

static void key(struct kiosk *k, const char *name, struct ui_rect r, enum field_kind kind)
{
	struct ui *ui = &k->ui;
	char id[48], ubuf[4];
	const char *shown = name;
	int pressed;
	struct ui_widget *w;

	if ((kind == FIELD_UPPER || k->keyboard_shift) && strlen(name) <= 2)
		shown = upper(name, ubuf);
	if (!strcmp(name, "shift") || !strcmp(name, "backspace") || !strcmp(name, "space") ||
	    !strcmp(name, "enter") || !strcmp(name, "hide"))
		str_fmt(id, sizeof(id), "key:%s", name);
	else
		str_fmt(id, sizeof(id), "key:%s", shown);
	w = ui_widget_add(ui, id, UI_ROLE_KEY, key_label(shown), r, 0);
	/* Accented letters have no place in a codice fiscale or an e-mail. */
	if (w && (unsigned char)shown[0] >= 0x80 && kind != FIELD_TEXT)
		w->enabled = 0;
	pressed = !strcmp(ui->press_id, id) && ui->in.down;
	{
		int off = w && !w->enabled;
		uint32_t fill = ui_color(ui, C_KEY), text = ui_color(ui, off ? C_ON_DISABLED : C_KEY_TEXT);
		if (!strcmp(name, "enter")) {
			fill = ui_color(ui, C_PRIMARY);
			text = ui_color(ui, C_ON_PRIMARY);
		} else if (!strcmp(name, "shift") && k->keyboard_shift) {
			fill = ui_color(ui, C_PRIMARY);
			text = ui_color(ui, C_ON_PRIMARY);
		}
		if (pressed)
			fill = ui_color(ui, C_PRESSED);
		/* A key that cannot be used has no key cap: just its letter,
		 * in grey, on the keyboard's background. */
		if (!off) {
			ui_draw_rect(ui, (struct ui_rect){ r.x, r.y + 2, r.w, r.h }, ui_color(ui, C_BORDER));
			ui_draw_rect(ui, r, fill);
			ui_draw_frame(ui, r, ui_color(ui, C_BORDER), ui->theme == &ui_theme_contrast ? 2 : 1);
		}
		{
			/* Labels grow with the text-size setting up to 200% (the
			 * keys grow with them) and shrink only to fit their key. */
			const char *label = key_label(shown);
			int px = (int)((strlen(label) > 2 ? 28.0f : 40.0f) * ui->scale * (ui->text_scale > 2.0f ? 2.0f : ui->text_scale));
			int tw, lh;
			if (px > r.h * 7 / 10)
				px = r.h * 7 / 10;
			if (px < 10)
				px = 10;
			tw = ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, px, label, strlen(label));
			if (tw > r.w - 8 && tw > 0)
				px = px * (r.w - 8) / tw;
			if (px < 9)
				px = 9;
			lh = ui->text.line_height(ui->text.ctx, UI_FONT_SEMIBOLD, px);
			ui_draw_text(ui, r.x + (r.w - ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, px, label, strlen(label))) / 2,
				     r.y + (r.h - lh) / 2, UI_FONT_SEMIBOLD, px, text, label);
		}
	}
	if (w && w->enabled && !strcmp(ui->tapped, id))
		press(k, name, shown);
}

void osk_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	enum field_kind kind;
	int h = osk_height(k), gap, rowh, y0;
	static char last_focus[48];

	if (strcmp(last_focus, ui->focus)) {
		str_fmt(last_focus, sizeof(last_focus), "%s", ui->focus);
		k->keyboard_hidden = 0;
		k->keyboard_shift = 0;
		h = osk_height(k);
	}
	if (!h || !kiosk_field(k, ui->focus, NULL, &kind))
		return;
	y0 = ui->h - h;
	gap = ui_px(ui, 10) > 3 ? ui_px(ui, 10) : 3;
	rowh = (h - ui_px(ui, 24)) / 5;
	ui_draw_rect(ui, (struct ui_rect){ 0, y0, ui->w, h },
		     ui_color(ui, ui->theme == &ui_theme_contrast ? C_BG : C_SHADOW));
	ui_draw_rect(ui, (struct ui_rect){ 0, y0, ui->w, 2 }, ui_color(ui, C_BORDER));
	ui_widget_add(ui, "keyboard", UI_ROLE_DIALOG, _("On-screen keyboard"), (struct ui_rect){ 0, y0, ui->w, h }, 0);
	if (is_numeric(kind)) {
		int kw = ui_px(ui, 260), x0;
		if (kw * 3 + gap * 2 > ui->w - 2 * gap)
			kw = (ui->w - 4 * gap) / 3;
		x0 = (ui->w - (kw * 3 + gap * 2)) / 2;
		for (int r = 0; r < 5; r++) {
			int y = y0 + ui_px(ui, 12) + r * rowh;
			if (r == 4) {
				int ww = (kw * 3 + gap) / 2;
				key(k, "hide", (struct ui_rect){ x0, y, ww, rowh - gap }, kind);
				key(k, "enter", (struct ui_rect){ x0 + ww + gap, y, kw * 3 + gap * 2 - ww - gap, rowh - gap }, kind);
				continue;
			}
			for (int c = 0; c < 3; c++) {
				if (!strcmp(numpad[r][c], "+") && kind != FIELD_PHONE)
					continue;
				key(k, numpad[r][c], (struct ui_rect){ x0 + c * (kw + gap), y, kw, rowh - gap }, kind);
			}
		}
	} else {
		int unit = (ui->w - 2 * gap) / 11, x0;
		if (unit > ui_px(ui, 150))
			unit = ui_px(ui, 150);
		x0 = (ui->w - unit * 11) / 2;
		for (int r = 0; r < 5; r++) {
			int y = y0 + ui_px(ui, 12) + r * rowh, x = x0;
			if (r == 0)
				x += unit / 2;
			for (int c = 0; c < 11 && alpha[r][c]; c++) {
				const char *name = alpha[r][c];
				int span = 1;
				if (!strcmp(name, "space"))
					span = 3;
				else if (!strcmp(name, "enter"))
					span = 2;
				if (!strcmp(name, "shift") && kind == FIELD_UPPER) {
					x += unit;
					continue;
				}
				key(k, name, (struct ui_rect){ x + gap / 2, y, unit * span - gap, rowh - gap }, kind);
				x += unit * span;
			}
		}
	}
}
