/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The on-screen keyboard: an Italian layout with the accented vowels on
 * their own keys (à è é ì ò ù), a numeric pad for phone numbers, ages
 * and PINs, shown at the bottom while a field has focus. Screens shrink
 * their panel by osk_height() and the focused field is scrolled into
 * view, so the keyboard never covers it. Keys are not in the Tab order
 * (a citizen with a physical keyboard types on it directly), but a
 * navigation keypad reaches them: Down from the field enters the
 * keyboard, the arrows move between keys by where they are on screen,
 * Enter presses one, Back (or Up from the top row) returns to the field,
 * Down from the bottom row goes on to the next control (osk_keypad). Their ids are key:<character> and key:shift,
 * key:backspace, key:space, key:enter, key:hide. A Latin keyboard stays
 * left to right in Arabic too.
 */
#include "kiosk/kiosk.h"
#include "core/util.h"
#include "kiosk/i18n.h"
#include "kiosk/speech.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const alpha[5][11] = {
	{ "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", NULL },
	{ "q", "w", "e", "r", "t", "y", "u", "i", "o", "p", "è" },
	{ "a", "s", "d", "f", "g", "h", "j", "k", "l", "ò", "à" },
	{ "shift", "z", "x", "c", "v", "b", "n", "m", "ù", "ì", "backspace" },
	{ "@", ".", "-", "'", "space", "é", "enter", "hide", NULL },
};
/* The same keys in alphabetical order, for whoever moves over them with
 * a navigation keypad's arrows rather than by sight (issue 22): the
 * next letter is one Right away, rows wrap round, and the keyboard
 * takes this layout from the first time the keypad enters it until the
 * session ends (osk_abc). Digits come straight from the keypad too. */
static const char *const abc[5][11] = {
	{ "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", NULL },
	{ "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k" },
	{ "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v" },
	{ "w", "x", "y", "z", "à", "è", "é", "ì", "ò", "ù", "backspace" },
	{ "enter", "shift", "@", ".", "-", "'", "space", "hide", NULL },
};
/* A narrow portrait screen (480x800): eleven keys across were 37 px
 * wide, under a target; nine across, in alphabetical order, in six
 * rows, are 47 px (9 mm on a 7-inch panel). */
static const char *const narrow[7][9] = {
	{ "1", "2", "3", "4", "5", "6", "7", "8", "9" },
	{ "0", "a", "b", "c", "d", "e", "f", "g", "h" },
	{ "i", "j", "k", "l", "m", "n", "o", "p", "q" },
	{ "r", "s", "t", "u", "v", "w", "x", "y", "z" },
	{ "à", "è", "é", "ì", "ò", "ù", "'", "-", "." },
	{ "shift", "@", "space", "backspace", NULL },
	{ "hide", "enter", NULL },
};
/* Their widths in keys (the words on Shift, Delete, Space, Hide and
 * Next keep their size): these, or more. */
static int narrow_span(const char *name)
{
	if (!strcmp(name, "shift") || !strcmp(name, "backspace"))
		return 2;
	if (!strcmp(name, "space") || !strcmp(name, "hide"))
		return 4;
	return !strcmp(name, "enter") ? 5 : 1;
}
static const char *const alpha_upper[] = { "è", "È", "ò", "Ò", "à", "À", "ù", "Ù", "ì", "Ì", "é", "É" };

static const char *const numpad[5][3] = {
	{ "1", "2", "3" }, { "4", "5", "6" }, { "7", "8", "9" }, { "+", "0", "backspace" },
	{ "hide", "enter", NULL },
};

static int is_numeric(enum field_kind kind)
{
	return kind == FIELD_NUMBER || kind == FIELD_PHONE || kind == FIELD_PIN;
}

/* The gap between keys. */
static int osk_gap(const struct ui *ui)
{
	return ui_px(ui, 10) > 3 ? ui_px(ui, 10) : 3;
}

/* Whether the letters take the narrow layout: eleven keys across
 * would be under a target's width. */
static int osk_narrow(const struct ui *ui)
{
	return (ui->w - 2 * osk_gap(ui)) / 11 - osk_gap(ui) < ui_target_min(ui);
}

/* A key that types a character (a letter, a digit, a sign), not one
 * of the named keys (Shift, Delete, Space, Next, Hide). */
static int character_key(const char *id)
{
	return strncmp(id, "key:", 4) || (strcmp(id, "key:shift") && strcmp(id, "key:backspace") && strcmp(id, "key:space") &&
					   strcmp(id, "key:enter") && strcmp(id, "key:hide"));
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

/* A key label's size: it grows with the text-size setting up to 200%
 * (the keys grow with it), within three quarters of the key's height;
 * a word (Delete, Hide) a little smaller than a letter. */
static int label_px(const struct ui *ui, const char *label, int key_h)
{
	int px = (int)((strlen(label) > 2 ? 28.0f : 40.0f) * ui->scale * (ui->text_scale > 2.0f ? 2.0f : ui->text_scale));
	if (px > key_h * 3 / 4)
		px = key_h * 3 / 4;
	return px < 10 ? 10 : px;
}

/* A narrow row's spans: a key with a word at least what its word needs
 * at its size (Delete, "Cancella" or "Стерти" at 200% on 480x800, took
 * two keys' width and a smaller word), the room taken from the row's
 * widest key (Space, Next) down to what its own word needs. */
static void narrow_spans(const struct ui *ui, const char *const *row, int unit, int key_h, int spans[9])
{
	int total = 0, flex = -1, flex_need = 1;
	for (int c = 0; c < 9 && row[c]; c++) {
		const char *label = key_label(row[c]);
		int need = 1;
		spans[c] = narrow_span(row[c]);
		if (label != row[c]) {
			int tw = ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, label_px(ui, label, key_h), label,
						strlen(label));
			while (need * unit < tw + 8 + osk_gap(ui) && need < 9)
				need++;
			if (spans[c] < need)
				spans[c] = need;
		}
		if (flex < 0 || narrow_span(row[c]) > narrow_span(row[flex])) {
			flex = c;
			flex_need = need;
		}
		total += spans[c];
	}
	while (flex >= 0 && total > 9 && spans[flex] > flex_need) {
		spans[flex]--;
		total--;
	}
}

/* The rows' height of a pad beside the page: keys a target tall (and
 * their labels' size), up to the band's 118 px. */
static int side_row(const struct ui *ui)
{
	int row = ui_px(ui, 118), min = ui_target_min(ui) + osk_gap(ui);
	if (row > ui->h * 11 / 100)
		row = ui->h * 11 / 100;
	return row < min ? min : row;
}

/* A key's width on the pad beside the page: at least a target and what
 * the words on Delete, and on Hide and Next (half the pad each), need. */
static int side_key_w(const struct ui *ui)
{
	int kw = ui_px(ui, 150), pad = 2 * ui_px(ui, 12) + 8, min = ui_target_min(ui), lh = side_row(ui) - osk_gap(ui);
	const char *del = key_label("backspace"), *half[2] = { key_label("hide"), key_label("enter") };
	int need = ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, label_px(ui, del, lh), del, strlen(del)) + pad;
	if (kw < min)
		kw = min;
	if (kw < need)
		kw = need;
	for (int i = 0; i < 2; i++) {
		need = ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, label_px(ui, half[i], lh), half[i], strlen(half[i])) + pad;
		if (kw < (2 * need + osk_gap(ui)) / 3 + 1)
			kw = (2 * need + osk_gap(ui)) / 3 + 1;
	}
	return kw;
}

int osk_side_w(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	enum field_kind kind;
	int w;
	if (ui->w <= ui->h || k->keyboard_hidden || k->idle_dialog || !kiosk_field(k, ui->focus, NULL, &kind) ||
	    !is_numeric(kind))
		return 0;
	w = 3 * side_key_w(ui) + 4 * osk_gap(ui);
	/* Only where the page keeps at least half the screen beside it. */
	return ui->w - w - 2 * ui_px(ui, 48) >= ui->w / 2 && 5 * side_row(ui) + ui_px(ui, 24) <= ui->h * 3 / 4 ? w : 0;
}

int osk_up(struct kiosk *k)
{
	return osk_height(k) || osk_side_w(k);
}

int osk_height(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	enum field_kind kind;
	int row, rows = 5;
	if (k->keyboard_hidden || k->idle_dialog || !kiosk_field(k, ui->focus, NULL, &kind))
		return 0;
	/* Landscape: a numeric pad beside the page takes no height. */
	if (osk_side_w(k))
		return 0;
	if (!is_numeric(kind) && osk_narrow(ui))
		rows = 7;
	/* Taller keys for larger text, so their labels grow with it. */
	float grow = 1.0f + ((ui->text_scale < 2.0f ? ui->text_scale : 2.0f) - 1.0f) * 0.6f;
	row = ui_px(ui, 118 * grow);
	/* Landscape is short: flatter keys leave the footer (Continue) and
	 * a few lines of the page in view above the keyboard. The limit
	 * grows with the text size too: a fixed one stopped the labels at
	 * 130% (at 800x480 they did not grow at all). */
	if (ui->w > ui->h && row > (int)(ui->h * 34 / 500 * grow))
		row = (int)(ui->h * 34 / 500 * grow);
	else if (ui->w <= ui->h && row > ui->h * 42 / 500)
		row = ui->h * 42 / 500;
	/* Never below a target's size (keys were 27 px tall at 800x480);
	 * on a short landscape panel exactly that, leaving the most room
	 * for the field and its error (the labels still grow to fit). */
	if (ui->w > ui->h && ui->h <= 600)
		row = ui_target_min(ui) + osk_gap(ui);
	/* Seven rows: a little flatter than five, still tall enough for
	 * 200% labels (40 px at 480x800, as before). */
	if (rows == 7 && row > ui_px(ui, 120))
		row = ui_px(ui, 120);
	if (row < ui_target_min(ui) + osk_gap(ui))
		row = ui_target_min(ui) + osk_gap(ui);
	return row * rows + ui_px(ui, 24);
}

/* The width a key of the wide keyboard takes, its gap included: Space
 * three units, Next two, a letter one; a key with a word on it at
 * least what its word needs at its size, unless `fixed` (a label grows
 * with the text, it is not shrunk to one key's width: Delete and Hide
 * were 8-10 px at 800x480). */
static int wide_w(const struct ui *ui, const char *name, int unit, int key_h, int fixed)
{
	const char *label = key_label(name);
	int w = unit * (!strcmp(name, "space") ? 3 : !strcmp(name, "enter") ? 2 : 1), need;
	if (label == name || fixed)
		return w;
	need = ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, label_px(ui, label, key_h), label, strlen(label)) +
	       2 * ui_px(ui, 12) + 8 + osk_gap(ui);
	return need > w ? need : w;
}

/* A row's width: its keys side by side. */
static int wide_row_w(const struct ui *ui, const char *const *row, int unit, int key_h, int fixed)
{
	int w = 0;
	for (int c = 0; c < 11 && row[c]; c++)
		w += wide_w(ui, row[c], unit, key_h, fixed);
	return w;
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

/* A name field: its words start with a capital on their own. */
static int is_name(const char *id)
{
	return !strcmp(id, "field:given_name") || !strcmp(id, "field:family_name");
}

int osk_card_filled(const struct kiosk *k, const char *id)
{
	return !strcmp(id, "field:cf") && k->c.card && k->cf_valid && !k->err.cf;
}

/* The keyboard's Next: the focus goes to the control after the field
 * (a field keeps the keyboard up; anything else, the situation's first
 * answer after the age, is brought into view and the keyboard goes,
 * instead of skipping that question for the next field). Returns 1 a
 * field, 0 another control, -1 none. */
static int next_control(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	int seen = 0;
	for (int i = 0; i < ui->nwidgets; i++) {
		const struct ui_widget *w = &ui->widgets[i];
		int stop = w->enabled && w->focusable &&
			   (w->role == UI_ROLE_FIELD || w->role == UI_ROLE_BUTTON || w->role == UI_ROLE_CHECKBOX ||
			    w->role == UI_ROLE_RADIO || w->role == UI_ROLE_LISTITEM);
		if (seen && stop && w->panel >= 0 && !osk_card_filled(k, w->id)) {
			ui_focus(ui, w->id);
			if (w->role == UI_ROLE_FIELD)
				return 1;
			str_copy(ui->reveal, sizeof(ui->reveal), w->id);
			return 0;
		}
		if (!strcmp(w->id, ui->focus))
			seen = 1;
	}
	return -1;
}

static void press(struct kiosk *k, const char *key, const char *shown, int by_keypad)
{
	if (!strcmp(key, "shift")) {
		static const char *const states[] = { N_("Capitals off"), N_("Capital: next letter"), N_("Capitals locked") };
		k->keyboard_shift = (k->keyboard_shift + 1) % 3;
		/* Its state is heard, as it is seen on the key. */
		kiosk_say_sentence(k, _(states[k->keyboard_shift]));
	} else if (!strcmp(key, "backspace")) {
		kiosk_backspace(k);
	} else if (!strcmp(key, "space")) {
		kiosk_type(k, " ");
		if (is_name(k->ui.focus))
			k->keyboard_shift = 1;
	} else if (!strcmp(key, "enter")) {
		/* The next field, or hide the keyboard after the last one.
		 * Pressed with the keypad, the keypad stays in the keyboard
		 * of the next field: typing goes on there, and Back leaves
		 * that keyboard first, then hides it, never the form. */
		int r = next_control(k);
		if (r < 0)
			k->keyboard_hidden = 1;
		else if (r == 1 && by_keypad)
			k->osk_enter = 1;
	} else if (!strcmp(key, "hide")) {
		k->keyboard_hidden = 1;
	} else {
		kiosk_type(k, shown);
		if (k->keyboard_shift == 1)
			k->keyboard_shift = 0;
		if (is_name(k->ui.focus) && (!strcmp(shown, "'") || !strcmp(shown, "-")))
			k->keyboard_shift = 1;
	}
}

/* The main keyboard is drawn as one group (ui_group_begin()): a
 * renderer keeps its picture per state (each Shift, each field kind)
 * and copies it, so a Shift press does not draw every key again. A key
 * pressed or selected is drawn over the group after it, so that the
 * group stays one of those few pictures. */
static struct {
	int on;			/* keys are going into the group */
	int replay;		/* drawing the keys again: no presses */
	int n;
	struct {
		struct ui_rect r;
		char name[16], shown[8];
		int off, pressed, selected;
	} over[4];
} grp;

/* A key's cap and label as the citizen sees it. */
static void key_cap(struct kiosk *k, const char *name, const char *shown, struct ui_rect r, int off, int pressed)
{
	struct ui *ui = &k->ui;
	uint32_t fill = ui_color(ui, C_KEY), text = ui_color(ui, off ? C_ON_DISABLED : C_KEY_TEXT);
	/* Labels grow with the text-size setting up to 200% (the keys grow
	 * with them) and shrink only to fit their key. */
	const char *label = key_label(shown);
	int px = label_px(ui, label, r.h), tw, lh;
	if (!strcmp(name, "enter") || (!strcmp(name, "shift") && k->keyboard_shift)) {
		fill = ui_color(ui, C_PRIMARY);
		text = ui_color(ui, C_ON_PRIMARY);
	}
	if (pressed)
		fill = ui_color(ui, C_PRESSED);
	/* A key that cannot be used has no key cap: just its letter, in
	 * grey, on the keyboard's background. */
	if (!off) {
		/* Its shadow: the strip the cap moved down by 2 px leaves. */
		ui_draw_rect(ui, (struct ui_rect){ r.x, r.y + r.h, r.w, 2 }, ui_color(ui, C_BORDER));
		ui_draw_rect(ui, r, fill);
		ui_draw_frame(ui, r, ui_color(ui, C_BORDER), ui->theme == &ui_theme_contrast ? 2 : 1);
	}
	tw = ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, px, label, strlen(label));
	if (tw > r.w - 8 && tw > 0) {
		/* A named key's word (a wide letter, "w" at 200%, may lose a
		 * few pixels to its key). */
		if (!ui->label_shrunk[0] && label != shown)
			str_fmt(ui->label_shrunk, sizeof(ui->label_shrunk), "%s", label);
		px = px * (r.w - 8) / tw;
	}
	if (px < 9)
		px = 9;
	lh = ui->text.line_height(ui->text.ctx, UI_FONT_SEMIBOLD, px);
	ui_draw_text(ui, r.x + (r.w - ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, px, label, strlen(label))) / 2,
		     r.y + (r.h - lh) / 2, UI_FONT_SEMIBOLD, px, text, label);
}

/* The keypad's selection: the focus ring, as on any control. */
static void key_ring(struct ui *ui, struct ui_rect r)
{
	int t = ui_px(ui, 5) > 2 ? ui_px(ui, 5) : 3;
	ui_draw_frame(ui, (struct ui_rect){ r.x - t, r.y - t, r.w + 2 * t, r.h + 2 * t }, ui_color(ui, C_FOCUS), t);
}

static void key(struct kiosk *k, const char *name, struct ui_rect r, enum field_kind kind)
{
	struct ui *ui = &k->ui;
	char id[48], ubuf[4];
	const char *shown = name;
	int pressed, selected, off;
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
	/* The keypad just came in (-2): it lands on the first letter, or
	 * on a numeric pad's first key. */
	if (k->osk_sel == -2 && (!strcmp(name, "a") || (is_numeric(kind) && !k->osk_nkeys)))
		k->osk_sel = k->osk_nkeys;
	selected = k->osk_sel == k->osk_nkeys++;
	off = w && !w->enabled;
	if (grp.on && (pressed || selected) && grp.n < (int)ARRAY_SIZE(grp.over)) {
		/* In the group as it is at rest; pressed or selected over it. */
		key_cap(k, name, shown, r, off, 0);
		grp.over[grp.n].r = r;
		str_copy(grp.over[grp.n].name, sizeof(grp.over[grp.n].name), name);
		str_copy(grp.over[grp.n].shown, sizeof(grp.over[grp.n].shown), shown);
		grp.over[grp.n].off = off;
		grp.over[grp.n].pressed = pressed;
		grp.over[grp.n++].selected = selected;
	} else {
		key_cap(k, name, shown, r, off, pressed);
		if (selected)
			key_ring(ui, r);
	}
	if (!grp.replay && w && w->enabled && (!strcmp(ui->tapped, id) || (selected && k->osk_press))) {
		/* The key pressed is heard (its character only through
		 * headphones, as when the selection moves). */
		if (selected && k->osk_press && strcmp(name, "shift") && strcmp(name, "enter") && strcmp(name, "hide") &&
		    (k->speech_private || !character_key(id)))
			kiosk_say(k, key_label(shown));
		press(k, name, shown, selected && k->osk_press);
		/* The keys drawn before this one show the old state (drawn
		 * again by osk_frame() when that changed their labels). */
		ui->animating = 1;
	}
}

/* The key widgets of the last frame, in drawing order. */
static int last_keys(struct kiosk *k, const struct ui_widget **keys, int max)
{
	int n = 0;
	for (int i = 0; i < k->ui.nwidgets && n < max; i++)
		if (k->ui.widgets[i].role == UI_ROLE_KEY)
			keys[n++] = &k->ui.widgets[i];
	return n;
}

/* The nearest key from `from` in direction (dx, dy), -1 none: keys
 * further along that direction, weighted against straying sideways. */
static int nearest_key(const struct ui_widget **keys, int n, int from, int dx, int dy)
{
	int best = -1;
	long best_d = 0;
	int fx = keys[from]->r.x + keys[from]->r.w / 2, fy = keys[from]->r.y + keys[from]->r.h / 2;
	for (int i = 0; i < n; i++) {
		int cx = keys[i]->r.x + keys[i]->r.w / 2, cy = keys[i]->r.y + keys[i]->r.h / 2;
		long along = (long)(cx - fx) * dx + (long)(cy - fy) * dy;
		long side = dx ? labs((long)(cy - fy)) : labs((long)(cx - fx));
		long d;
		/* A key that cannot be used is not a stop. */
		if (i == from || along <= 0 || !keys[i]->enabled)
			continue;
		/* Same row (or column) first: sideways distance weighs heavily. */
		if (dx && side > keys[from]->r.h / 2)
			continue;
		d = along + side * 3;
		if (best < 0 || d < best_d) {
			best = i;
			best_d = d;
		}
	}
	return best;
}

/* Left from a row's first key goes round to its last, and Right from
 * its last to its first: the far end of the same row, -1 none. */
static int wrap_key(const struct ui_widget **keys, int n, int from, int dx)
{
	int best = -1, fy = keys[from]->r.y + keys[from]->r.h / 2;
	for (int i = 0; i < n; i++) {
		int cy = keys[i]->r.y + keys[i]->r.h / 2;
		if (i == from || !keys[i]->enabled || abs(cy - fy) > keys[from]->r.h / 2)
			continue;
		if (best < 0 || (dx > 0 ? keys[i]->r.x < keys[best]->r.x : keys[i]->r.x > keys[best]->r.x))
			best = i;
	}
	return best;
}

/* A key the keypad's selection moved to. Its character is personal
 * data as a name is spelled with it (EN 301 549 5.1.3.9): said only
 * through headphones (private mode); through the speakers it is just
 * "key" (the named keys carry no data and keep their names), and the
 * first key of a visit says how to hear the letters. */
static void say_key(struct kiosk *k, const struct ui_widget *w)
{
	char buf[300];
	const char *label = w->label;
	if (!k->speech_private && character_key(w->id))
		label = NULL;
	if (label && w->enabled)
		str_fmt(buf, sizeof(buf), "%s, %s", label, _("key"));
	else if (label)
		str_fmt(buf, sizeof(buf), "%s, %s, %s", label, _("key"), _("unavailable"));
	else
		str_fmt(buf, sizeof(buf), "%s", _("key"));
	if (!label && !k->keys_hinted) {
		k->keys_hinted = 1;
		str_fmt(buf + strlen(buf), sizeof(buf) - strlen(buf), ". %s", _("To hear the letters, use headphones or press Help."));
	}
	kiosk_say(k, buf);
}

int osk_keypad(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	const struct ui_widget *keys[80];
	int n, key = ui->in.key, next;

	if (!osk_up(k) || !kiosk_field(k, ui->focus, NULL, NULL)) {
		k->osk_sel = -1;
		return 0;
	}
	if (!key)
		return 0;
	n = last_keys(k, keys, (int)ARRAY_SIZE(keys));
	if (!n)
		return 0;
	if (k->osk_sel < 0 || k->osk_sel >= n) {
		k->osk_sel = -1;
		if (key != UI_KEY_DOWN)
			return 0;
		/* Down from the field: into the keyboard, on its first letter
		 * (a numeric pad: its first key), in alphabetical order from
		 * now on. */
		k->osk_sel = 0;
		for (int i = 0; i < n; i++)
			if (!strcmp(keys[i]->id, "key:a") || !strcmp(keys[i]->id, "key:A")) {
				k->osk_sel = i;
				break;
			}
		if (!k->osk_abc && k->osk_sel) {
			/* The layout changes under the keypad: land on "a"
			 * (its name only through headphones, as any key's). */
			k->osk_abc = 1;
			k->osk_sel = -2;
			if (k->speech_private)
				kiosk_say(k, _("Alphabetical keyboard: a, key"));
			else
				say_key(k, keys[0]);
			ui->animating = 1;
			return 1;
		}
		say_key(k, keys[k->osk_sel]);
		return 1;
	}
	switch (key) {
	case UI_KEY_LEFT:
	case UI_KEY_RIGHT:
	case UI_KEY_UP:
	case UI_KEY_DOWN:
		next = nearest_key(keys, n, k->osk_sel, key == UI_KEY_LEFT ? -1 : key == UI_KEY_RIGHT ? 1 : 0,
				   key == UI_KEY_UP ? -1 : key == UI_KEY_DOWN ? 1 : 0);
		if (next < 0 && (key == UI_KEY_LEFT || key == UI_KEY_RIGHT))
			next = wrap_key(keys, n, k->osk_sel, key == UI_KEY_RIGHT ? 1 : -1);
		if (next >= 0) {
			k->osk_sel = next;
			say_key(k, keys[next]);
		} else if (key == UI_KEY_DOWN) {
			/* Down from the bottom row goes on down the page: the
			 * keyboard sits between the field and the next control. */
			k->osk_sel = -1;
			return 0;
		} else if (key == UI_KEY_UP) {
			/* Up from the top row: back to the field. */
			k->osk_sel = -1;
			ui_announce(ui, UI_ANNOUNCE_FOCUS, ui_find(ui, ui->focus) ? ui_find(ui, ui->focus)->label : "");
		}
		ui->animating = 1;
		return 1;
	case UI_KEY_ENTER:
	case UI_KEY_SPACE:
		k->osk_press = 1;
		return 1;
	case UI_KEY_ESCAPE:
	case UI_KEY_BACKSPACE:
		k->osk_sel = -1;
		ui_announce(ui, UI_ANNOUNCE_FOCUS, ui_find(ui, ui->focus) ? ui_find(ui, ui->focus)->label : "");
		return 1;
	default:
		/* Tab and the rest leave the keyboard to the usual keys. */
		k->osk_sel = -1;
		return 0;
	}
}

/* The numeric pad's keys in rows of three from (x0, y0): 1-9, then
 * "+" (a phone), 0 and Delete, then Hide and Next. */
static void numpad_keys(struct kiosk *k, int x0, int y0, int kw, int rowh, enum field_kind kind)
{
	int gap = osk_gap(&k->ui);
	for (int r = 0; r < 5; r++) {
		int y = y0 + r * rowh;
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
}

/* Landscape: the numeric pad beside the page, bottom right (issue 22:
 * a band across the whole screen covered the next question and took
 * the footer away); the page's column moves left of it
 * (kiosk_column), or right of it in a right-to-left language. */
static void side_pad(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	enum field_kind kind;
	int w = osk_side_w(k), rowh = side_row(ui), gap = osk_gap(ui), h = 5 * rowh + ui_px(ui, 24), rtl = ui->rtl;
	/* Right to left, the page's column is mirrored to the right: the
	 * pad goes left (its keys in the same order). */
	int x0 = rtl ? 0 : ui->w - w, y0 = ui->h - h;
	kiosk_field(k, ui->focus, NULL, &kind);
	ui->rtl = 0;
	ui_draw_rect(ui, (struct ui_rect){ x0, y0, w, h }, ui_color(ui, ui->theme == &ui_theme_contrast ? C_BG : C_SHADOW));
	ui_draw_rect(ui, (struct ui_rect){ x0, y0, w, 2 }, ui_color(ui, C_BORDER));
	ui_draw_rect(ui, (struct ui_rect){ rtl ? x0 + w - 2 : x0, y0, 2, h }, ui_color(ui, C_BORDER));
	ui_widget_add(ui, "keyboard", UI_ROLE_DIALOG, _("On-screen keyboard"), (struct ui_rect){ x0, y0, w, h }, 0);
	numpad_keys(k, x0 + 2 * gap, y0 + ui_px(ui, 12), (w - 4 * gap) / 3, rowh, kind);
	ui->rtl = rtl;
}

/* The field whose keyboard was drawn last frame. */
static char last_focus[48];

/* The main keyboard's keys (osk_frame()). */
static void keys(struct kiosk *k, enum field_kind kind, int y0, int gap, int rowh)
{
	struct ui *ui = &k->ui;
	if (is_numeric(kind)) {
		int kw = ui_px(ui, 260);
		if (kw * 3 + gap * 2 > ui->w - 2 * gap)
			kw = (ui->w - 4 * gap) / 3;
		numpad_keys(k, (ui->w - (kw * 3 + gap * 2)) / 2, y0 + ui_px(ui, 12), kw, rowh, kind);
	} else if (osk_narrow(ui)) {
		int unit = (ui->w - 2 * gap) / 9, x0 = (ui->w - unit * 9) / 2;
		for (int r = 0; r < 7; r++) {
			int y = y0 + ui_px(ui, 12) + r * rowh, spans[9], n = 0, total = 0, at = 0;
			const char *row[10];
			/* Without Shift (the codice fiscale is in capitals) the
			 * row's other keys spread over the whole width, rather
			 * than leave a key's width empty at either end. */
			for (int c = 0; c < 9 && narrow[r][c]; c++)
				if (strcmp(narrow[r][c], "shift") || kind != FIELD_UPPER)
					row[n++] = narrow[r][c];
			row[n] = NULL;
			narrow_spans(ui, row, unit, rowh - gap, spans);
			for (int c = 0; c < n; c++)
				total += spans[c];
			for (int c = 0; c < n; c++) {
				int d = total < 9 ? total : 9, xa = x0 + unit * 9 * at / d, xb = x0 + unit * 9 * (at + spans[c]) / d;
				key(k, row[c], (struct ui_rect){ xa + gap / 2, y, xb - xa - gap, rowh - gap }, kind);
				at += spans[c];
			}
		}
	} else {
		const char *const (*rows)[11] = k->osk_abc ? abc : alpha;
		int avail = ui->w - 2 * gap, unit = avail / 11, floor_unit, fits = 0;
		if (unit > ui_px(ui, 150))
			unit = ui_px(ui, 150);
		/* The letters give up to a quarter of their width (never below
		 * a target) so that the words on the keys keep their size. */
		floor_unit = unit * 3 / 4 > ui_target_min(ui) + gap ? unit * 3 / 4 : ui_target_min(ui) + gap;
		for (;;) {
			fits = 1;
			for (int r = 1; r < 5; r++)
				if (wide_row_w(ui, rows[r], unit, rowh - gap, 0) > avail)
					fits = 0;
			if (fits || unit <= floor_unit)
				break;
			unit--;
		}
		for (int r = 0; r < 5; r++) {
			int fixed = !fits && wide_row_w(ui, rows[r], unit, rowh - gap, 0) > avail;
			int y = y0 + ui_px(ui, 12) + r * rowh, x = (ui->w - wide_row_w(ui, rows[r], unit, rowh - gap, fixed)) / 2;
			for (int c = 0; c < 11 && rows[r][c]; c++) {
				const char *name = rows[r][c];
				int kw = wide_w(ui, name, unit, rowh - gap, fixed);
				if (!strcmp(name, "shift") && kind == FIELD_UPPER) {
					x += kw;
					continue;
				}
				key(k, name, (struct ui_rect){ x + gap / 2, y, kw - gap, rowh - gap }, kind);
				x += kw;
			}
		}
	}
}

void osk_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	enum field_kind kind;
	int h = osk_height(k), gap, rowh, y0, g;

	int rtl = ui->rtl;

	if (strcmp(last_focus, ui->focus)) {
		str_fmt(last_focus, sizeof(last_focus), "%s", ui->focus);
		k->keyboard_hidden = 0;
		k->keyboard_shift = 0;
		/* After the keypad's Next, it stays in the keyboard. */
		k->osk_sel = k->osk_enter ? -2 : -1;
		k->osk_enter = 0;
		/* A name starts with a capital letter on its own. */
		{
			char *v = kiosk_field(k, ui->focus, NULL, NULL);
			if (v && !v[0] && is_name(ui->focus))
				k->keyboard_shift = 1;
		}
		h = osk_height(k);
		/* The page was laid out without the keyboard this frame: the
		 * field comes into view above it in the next (the PIN field,
		 * focused on arrival, stayed under the keyboard). */
		if (h && !ui->reveal[0]) {
			str_copy(ui->reveal, sizeof(ui->reveal), ui->focus);
			ui->reveal_hold = 1;
			ui->animating = 1;
		}
	}
	if (osk_side_w(k)) {
		side_pad(k);
		return;
	}
	if (!h || !kiosk_field(k, ui->focus, NULL, &kind)) {
		k->osk_sel = -1;
		return;
	}
	/* A Latin keyboard is not mirrored for a right-to-left language. */
	ui->rtl = 0;
	y0 = ui->h - h;
	gap = osk_gap(ui);
	rowh = (h - ui_px(ui, 24)) / (!is_numeric(kind) && osk_narrow(ui) ? 7 : 5);
	g = ui_group_begin(ui, (struct ui_rect){ 0, y0, ui->w, h });
	ui_draw_rect(ui, (struct ui_rect){ 0, y0, ui->w, h },
		     ui_color(ui, ui->theme == &ui_theme_contrast ? C_BG : C_SHADOW));
	ui_draw_rect(ui, (struct ui_rect){ 0, y0, ui->w, 2 }, ui_color(ui, C_BORDER));
	ui_widget_add(ui, "keyboard", UI_ROLE_DIALOG, _("On-screen keyboard"), (struct ui_rect){ 0, y0, ui->w, h }, 0);
	{
		/* The keys, in one group; drawn again when a press changed
		 * their labels midway (Shift, a capital typed). */
		int ncmds = ui->ncmds, nwidgets = ui->nwidgets, nkeys = k->osk_nkeys, shift = k->keyboard_shift;
		char focus[sizeof(ui->focus)];
		str_copy(focus, sizeof(focus), ui->focus);
		grp.on = g >= 0;
		grp.n = 0;
		keys(k, kind, y0, gap, rowh);
		if (k->keyboard_shift != shift && !k->keyboard_hidden && !strcmp(focus, ui->focus)) {
			ui->ncmds = ncmds;
			ui->nwidgets = nwidgets;
			k->osk_nkeys = nkeys;
			grp.n = 0;
			grp.replay = 1;
			keys(k, kind, y0, gap, rowh);
			grp.replay = 0;
		}
		if (g >= 0)
			ui_group_end(ui);
		grp.on = 0;
		for (int i = 0; i < grp.n; i++) {
			key_cap(k, grp.over[i].name, grp.over[i].shown, grp.over[i].r, grp.over[i].off, grp.over[i].pressed);
			if (grp.over[i].selected)
				key_ring(ui, grp.over[i].r);
		}
		grp.n = 0;
	}
	ui->rtl = rtl;
}

/* --- letters from the keypad's digits (multi-tap) -------------------------- */

/* A phone's letters on each digit (ITU E.161), Italian accented vowels
 * after their letter's key's own; 0 is a space, 1 the apostrophe and
 * the hyphen of names like D'Amico and Rossi-Bianchi. */
static const char *const taps_of[10][6] = {
	{ " " }, { "'", "-" },
	{ "a", "b", "c", "à" }, { "d", "e", "f", "è", "é" }, { "g", "h", "i", "ì" },
	{ "j", "k", "l" }, { "m", "n", "o", "ò" }, { "p", "q", "r", "s" },
	{ "t", "u", "v", "ù" }, { "w", "x", "y", "z" },
};

/* Where the codice fiscale has a letter (surname, name, month, place's
 * letter, check letter); elsewhere a digit. */
static int cf_letter_at(size_t i)
{
	return i < 6 || i == 8 || i == 11 || i == 15;
}

/* Whether a digit from the keypad is a letter key in the focused field
 * when it holds `len` bytes: the names and the comune of residence (no
 * digit is ever meant there), the codice fiscale where a letter is due,
 * and the search while the voice guide is on (whoever searches with the
 * keypad). */
static int multitap_field(struct kiosk *k, const char *id, size_t len)
{
	if (!strcmp(id, "field:given_name") || !strcmp(id, "field:family_name") || !strcmp(id, "field:residence"))
		return 1;
	if (!strcmp(id, "field:cf"))
		return cf_letter_at(len);
	return !strcmp(id, "search") && k->speech_on;
}

int osk_multitap(struct kiosk *k, const char *text)
{
	struct ui *ui = &k->ui;
	enum field_kind kind;
	char *value = kiosk_field(k, ui->focus, NULL, &kind), ubuf[4], said[96], spelled[64];
	const char *const *cycle, *letter;
	size_t len, ll = strlen(k->tap_letter);
	int d, n = 0, again;

	if (!value || !ui->in.keypad_digit || text[0] < '0' || text[0] > '9' || text[1])
		return 0;
	/* The same key again while its letter is fresh (and still the
	 * last one typed): the key's next letter replaces it. */
	d = text[0] - '0';
	len = strlen(value);
	again = k->tap_key == text[0] && ui->in.now_ms - k->tap_ms < OSK_TAP_MS && !strcmp(k->tap_field, ui->focus) &&
		ll && len >= ll && !strcmp(value + len - ll, k->tap_letter);
	if (!multitap_field(k, ui->focus, again ? len - ll : len) || (kind != FIELD_TEXT && d < 2)) {
		/* A digit is due (or the codice fiscale's 0 and 1): the digit. */
		k->tap_key = 0;
		return 0;
	}
	cycle = taps_of[d];
	while (n < 6 && cycle[n])
		n++;
	/* Accented letters only where they can be typed (not in a codice
	 * fiscale). */
	if (kind != FIELD_TEXT)
		while (n > 1 && (unsigned char)cycle[n - 1][0] >= 0x80)
			n--;
	if (again)
		kiosk_backspace(k);
	k->tap_n = again ? (k->tap_n + 1) % n : 0;
	/* A capital: the codice fiscale's letters, Shift, and a name's
	 * first letter of each word. */
	if (!again)
		k->tap_upper = kind == FIELD_UPPER || k->keyboard_shift ||
			       (is_name(ui->focus) && (!len || strchr(" '-", value[len - 1])));
	letter = k->tap_upper ? upper(cycle[k->tap_n], ubuf) : cycle[k->tap_n];
	kiosk_type(k, letter);
	str_copy(k->tap_letter, sizeof(k->tap_letter), letter);
	str_copy(k->tap_field, sizeof(k->tap_field), ui->focus);
	k->tap_key = text[0];
	k->tap_ms = ui->in.now_ms;
	/* A name's next word (after a space, an apostrophe, a hyphen)
	 * starts with a capital, as on the keyboard; a capital once is
	 * spent by its letter. */
	if (is_name(ui->focus) && d < 2)
		k->keyboard_shift = 1;
	else if (k->keyboard_shift == 1)
		k->keyboard_shift = 0;
	/* Heard through headphones only: what is typed is personal data
	 * (through the speakers the field says "filled in" when left). A
	 * capital says so. */
	if (k->speech_on && k->speech_private) {
		if (!strcmp(letter, " "))
			str_copy(said, sizeof(said), _("Space"));
		else if (k->tap_upper && kind != FIELD_UPPER)
			str_fmt(said, sizeof(said), "%s, %s", speech_spell(letter, _("dash"), spelled, sizeof(spelled)),
				_("capital"));
		else
			speech_spell(letter, _("dash"), said, sizeof(said));
		kiosk_say(k, said);
	}
	ui->animating = 1;
	return 1;
}

void osk_warm(struct kiosk *k, const char *id, int shift)
{
	struct ui *ui = &k->ui;
	char focus[sizeof(ui->focus)], last[sizeof(last_focus)], reveal[sizeof(ui->reveal)];
	int hidden = k->keyboard_hidden, was = k->keyboard_shift, sel = k->osk_sel, enter = k->osk_enter;
	int hold = ui->reveal_hold, animating = ui->animating, nkeys = k->osk_nkeys;
	memcpy(focus, ui->focus, sizeof(focus));
	memcpy(last, last_focus, sizeof(last));
	memcpy(reveal, ui->reveal, sizeof(reveal));
	str_copy(ui->focus, sizeof(ui->focus), id);
	str_copy(last_focus, sizeof(last_focus), id);
	k->keyboard_hidden = 0;
	k->keyboard_shift = shift;
	k->osk_sel = -1;
	osk_frame(k);
	memcpy(ui->focus, focus, sizeof(focus));
	memcpy(last_focus, last, sizeof(last));
	memcpy(ui->reveal, reveal, sizeof(reveal));
	k->keyboard_hidden = hidden;
	k->keyboard_shift = was;
	k->osk_sel = sel;
	k->osk_enter = enter;
	k->osk_nkeys = nkeys;
	ui->reveal_hold = hold;
	ui->animating = animating;
}
