/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * WCAG 2.1 contrast of every colour pair the kiosk's toolkit draws, in
 * both themes (issue 12): each widget (buttons of every style, fields,
 * checkboxes, errors, cards, the header) in each state (normal, pressed,
 * focused, disabled, empty with a placeholder, with a value, with an
 * error), on the page and on a card, drawn by kiosk/ui.c and measured
 * from the draw list by ui_contrast_check(): text 4.5:1 (large text
 * 3:1), outlines and the focus ring 3:1. The same check runs on every
 * real screen at each `expect-layout` of the UI scripts. A theme with
 * the old colours must fail, so the check can fail.
 */
#include "tests/unit/check.h"
#include "kiosk/render.h"
#include "kiosk/ui.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static struct ui ui;

enum state { S_NORMAL, S_PRESSED, S_FOCUSED, S_DISABLED, S__N };
static const char *const state_names[] = { "normal", "pressed", "focused", "disabled" };

/* Starts a frame on the page (on_card: inside a card) with the widget
 * "w" pressed or focused. */
static struct ui_rect begin(enum state st, int on_card)
{
	struct ui_rect r = { 100, 100, 600, 120 };
	memset(&ui.in, 0, sizeof(ui.in));
	ui.focus[0] = 0;
	ui_frame_begin(&ui);
	if (st == S_PRESSED) {
		strcpy(ui.press_id, "w");
		ui.in.down = 1;
	}
	if (st == S_FOCUSED)
		strcpy(ui.focus, "w");
	if (on_card)
		ui_draw_card(&ui, (struct ui_rect){ 40, 40, 800, 600 });
	return r;
}

static void end_check(const char *theme, const char *what, enum state st, int on_card)
{
	char name[640], why[300];
	int rc = ui_contrast_check(&ui, why, sizeof(why));
	snprintf(name, sizeof(name), "%s theme: %s, %s, on %s%s%s", theme, what, state_names[st],
		 on_card ? "a card" : "the page", rc ? ": " : "", rc ? why : "");
	CHECK(name, rc == 0);
	ui.press_id[0] = 0;
	ui_frame_end(&ui);
}

static void widgets(const char *theme)
{
	static const struct {
		enum ui_button_style style;
		const char *name;
	} styles[] = {
		{ UI_PRIMARY, "primary button" }, { UI_SECONDARY, "secondary button" },
		{ UI_GHOST, "ghost button" }, { UI_DANGER, "danger button" },
		{ UI_CHOICE, "choice chip" }, { UI_CHOICE_ON, "chosen chip" },
	};
	for (int card = 0; card < 2; card++) {
		for (size_t i = 0; i < sizeof(styles) / sizeof(styles[0]); i++)
			for (int st = 0; st < S__N; st++) {
				struct ui_rect r = begin(st, card);
				ui_button_enabled(&ui, "w", "Invia la domanda", r, styles[i].style, st != S_DISABLED);
				end_check(theme, styles[i].name, st, card);
			}
		for (int st = S_NORMAL; st < S__N; st++) {
			const char *values[] = { "", "BNCGLI01C15F205C" };
			for (int v = 0; v < 2; v++) {
				char what[64];
				struct ui_rect r = begin(st, card);
				ui_field(&ui, "w", "Codice fiscale *", values[v], "16 lettere e cifre",
					 st == S_DISABLED ? "Il codice fiscale ha 16 caratteri." : NULL, r, NULL);
				snprintf(what, sizeof(what), "field %s%s", v ? "with a value" : "with its placeholder",
					 st == S_DISABLED ? " and an error" : "");
				end_check(theme, what, st == S_DISABLED ? S_NORMAL : st, card);
			}
		}
		for (int st = S_NORMAL; st <= S_FOCUSED; st++)
			for (int on = 0; on < 2; on++) {
				int checked = on;
				struct ui_rect r = begin(st, card);
				ui_checkbox(&ui, "w", "Ho letto come sono usati i miei dati", &checked, r, NULL);
				end_check(theme, on ? "checkbox ticked" : "checkbox empty", st, card);
			}
		{
			struct ui_rect r = begin(S_NORMAL, card);
			ui_error(&ui, "w", "Scrivi la tua età in anni, per esempio 24.", r);
			end_check(theme, "error message", S_NORMAL, card);
			r = begin(S_FOCUSED, card);
			ui_error(&ui, "w", "Scrivi la tua età in anni, per esempio 24.", r);
			end_check(theme, "error message", S_FOCUSED, card);
		}
		for (int st = S_NORMAL; st <= S_FOCUSED; st += 2) {
			struct ui_rect r = begin(st, card);
			static const enum ui_color texts[] = { C_TEXT, C_MUTED, C_PRIMARY, C_PRIMARY_DARK, C_SUCCESS, C_ERROR };
			for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
				ui_label(&ui, NULL, "Tirocini nei servizi comunali", (struct ui_rect){ r.x, r.y + 40 * (int)i, r.w, 0 },
					 UI_FONT_REGULAR, 16, texts[i]);
			ui_area(&ui, "w", UI_ROLE_LISTITEM, "card", (struct ui_rect){ r.x, 400, r.w, 100 });
			end_check(theme, "body text colours (16 px) and a list item", st, card);
		}
	}
	/* The header: white text and language buttons (one chosen) on it. */
	for (int st = S_NORMAL; st <= S_FOCUSED; st += 2) {
		begin(st, 0);
		ui_draw_rect(&ui, (struct ui_rect){ 0, 0, 1080, 150 }, ui_color(&ui, C_HEADER));
		ui_draw_text(&ui, 40, 40, UI_FONT_REGULAR, 16, ui_color(&ui, C_HEADER_TEXT), "Comune di Milano");
		ui_draw_rect(&ui, (struct ui_rect){ 600, 40, 180, 70 }, ui_color(&ui, C_ON_PRIMARY));
		ui_draw_text(&ui, 620, 60, UI_FONT_SEMIBOLD, 16, ui_color(&ui, C_PRIMARY), "Italiano");
		ui_draw_frame(&ui, (struct ui_rect){ 800, 40, 180, 70 }, ui_color(&ui, C_ON_PRIMARY), 3);
		ui_area(&ui, "w", UI_ROLE_BUTTON, "English", (struct ui_rect){ 800, 40, 180, 70 });
		ui_draw_text(&ui, 820, 60, UI_FONT_SEMIBOLD, 16, ui_color(&ui, C_ON_PRIMARY), "English");
		end_check(theme, "header with language buttons", st, 0);
	}
}

/* The pairs the issue named, by value. */
static void pairs(const struct ui_theme *t)
{
	char name[160];
	const uint32_t *c = t->c;
	static const enum ui_color around[] = { C_BG, C_SURFACE, C_HEADER, C_PRIMARY, C_SHADOW };
	snprintf(name, sizeof(name), "%s theme: focus ring bands are 9:1 apart (two-colour indicator)", t->name);
	CHECK(name, ui_contrast(c[C_FOCUS], c[C_FOCUS_INNER]) >= 9.0);
	for (size_t i = 0; i < sizeof(around) / sizeof(around[0]); i++) {
		uint32_t bg = c[around[i]];
		snprintf(name, sizeof(name), "%s theme: a focus ring band stands out 3:1 on #%06X", t->name, (unsigned)bg);
		CHECK(name, ui_contrast(c[C_FOCUS], bg) >= 3.0 || ui_contrast(c[C_FOCUS_INNER], bg) >= 3.0);
	}
	snprintf(name, sizeof(name), "%s theme: chip and card borders 3:1 on page, card and keyboard", t->name);
	CHECK(name, ui_contrast(c[C_BORDER], c[C_BG]) >= 3.0 && ui_contrast(c[C_BORDER], c[C_SURFACE]) >= 3.0 &&
		    ui_contrast(c[C_BORDER], t == &ui_theme_contrast ? c[C_BG] : c[C_SHADOW]) >= 3.0);
	snprintf(name, sizeof(name), "%s theme: pressed ghost and secondary buttons 4.5:1", t->name);
	CHECK(name, ui_contrast(c[C_PRIMARY], c[C_PRESSED]) >= 4.5 && ui_contrast(c[C_TEXT], c[C_PRESSED]) >= 4.5);
	snprintf(name, sizeof(name), "%s theme: disabled buttons are readable (4.5:1), not black on black", t->name);
	CHECK(name, ui_contrast(c[C_ON_DISABLED], c[C_DISABLED]) >= 4.5);
	snprintf(name, sizeof(name), "%s theme: a disabled button looks unlike an enabled one", t->name);
	CHECK(name, c[C_DISABLED] != c[C_PRIMARY] && c[C_ON_DISABLED] != c[C_ON_PRIMARY] && c[C_ON_DISABLED] != c[C_PRIMARY]);
	snprintf(name, sizeof(name), "%s theme: placeholders readable (4.5:1) yet unlike typed text", t->name);
	CHECK(name, ui_contrast(c[C_PLACEHOLDER], c[C_FIELD]) >= 4.5 && ui_contrast(c[C_PLACEHOLDER], c[C_TEXT]) >= 2.0);
	snprintf(name, sizeof(name), "%s theme: disabled keys unlike usable keys", t->name);
	CHECK(name, ui_contrast(c[C_ON_DISABLED], c[C_KEY_TEXT]) >= 2.0 &&
		    ui_contrast(c[C_ON_DISABLED], t == &ui_theme_contrast ? c[C_BG] : c[C_SHADOW]) >= 4.5);
}

int main(void)
{
	struct render *r = render_new(NULL, NULL);
	struct ui_text_ops ops;
	struct ui_theme old;
	char why[300];
	if (!r) {
		printf("FAIL fonts: cannot open assets/fonts\n");
		return 1;
	}
	ops = render_text_ops(r);
	ui_init(&ui, 1080, 1920, &ops);

	CHECK("WCAG ratio: black on white is 21:1", fabs(ui_contrast(0x000000, 0xFFFFFF) - 21.0) < 0.01);
	CHECK("WCAG ratio: #FF9900 on #F2F5F8 is 1.96:1 (the issue's figure)",
	      fabs(ui_contrast(0xFF9900, 0xF2F5F8) - 1.96) < 0.01);
	CHECK("WCAG ratio: #C5D0DB on #F2F5F8 is 1.43:1 (the issue's figure)",
	      fabs(ui_contrast(0xC5D0DB, 0xF2F5F8) - 1.43) < 0.01);

	ui.theme = &ui_theme_normal;
	widgets("normal");
	pairs(&ui_theme_normal);
	ui.theme = &ui_theme_contrast;
	widgets("high contrast");
	pairs(&ui_theme_contrast);

	/* The check fails on what the issue reported: the old borders and
	 * a one-colour focus ring, and high contrast's black on black. */
	old = ui_theme_normal;
	old.c[C_BORDER] = 0xC5D0DB;
	ui.theme = &old;
	begin(S_NORMAL, 0);
	ui_button(&ui, "x", "Biblioteca", (struct ui_rect){ 100, 100, 300, 100 }, UI_CHOICE);
	CHECK("the check fails on the old chip border #C5D0DB (1.43:1)", ui_contrast_check(&ui, why, sizeof(why)) != 0);
	ui_frame_end(&ui);
	old = ui_theme_contrast;
	old.c[C_DISABLED] = 0x000000;
	old.c[C_ON_DISABLED] = 0x000000;
	ui.theme = &old;
	begin(S_NORMAL, 0);
	ui_button_enabled(&ui, "x", "Invia la domanda", (struct ui_rect){ 100, 100, 300, 100 }, UI_PRIMARY, 0);
	CHECK("the check fails on black on black", ui_contrast_check(&ui, why, sizeof(why)) != 0);
	ui_frame_end(&ui);
	old = ui_theme_normal;
	old.c[C_FOCUS_INNER] = old.c[C_FOCUS];
	ui.theme = &old;
	begin(S_FOCUSED, 0);
	ui_button(&ui, "w", "Cerca", (struct ui_rect){ 100, 100, 300, 100 }, UI_GHOST);
	CHECK("the check fails on a one-colour #FF9900 focus ring", ui_contrast_check(&ui, why, sizeof(why)) != 0);
	ui_frame_end(&ui);

	render_free(r);
	return check_done();
}
