/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Unit tests of the kiosk's UI layer (kiosk/ui.c) with the real fonts
 * measured by kiosk/render.c: layout scaling, text wrapping and fitting,
 * focus order, one tap = one action, drags that scroll instead of
 * tapping, momentum, touch rotation, the FTS query builder and the
 * gettext catalog reader.
 */
#include "tests/unit/check.h"
#include "kiosk/catalog.h"
#include "kiosk/i18n.h"
#include "kiosk/platform.h"
#include "kiosk/render.h"
#include "kiosk/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ui ui;

static void frame(int (*body)(void), struct ui_input in)
{
	ui.in = in;
	ui_frame_begin(&ui);
	body();
	ui_frame_end(&ui);
}

static int clicks_a, clicks_b, clicks_c;
static int three_buttons(void)
{
	clicks_a += ui_button(&ui, "a", "Alpha", (struct ui_rect){ 10, 10, 200, 80 }, UI_PRIMARY);
	clicks_b += ui_button(&ui, "b", "Beta", (struct ui_rect){ 10, 100, 200, 80 }, UI_PRIMARY);
	clicks_c += ui_button(&ui, "c", "Gamma", (struct ui_rect){ 10, 190, 200, 80 }, UI_PRIMARY);
	return 0;
}

static struct ui_scroll scroll;
static int list_taps;
static int long_list(void)
{
	ui_panel_begin(&ui, "list", (struct ui_rect){ 0, 0, 400, 400 }, &scroll);
	for (int i = 0; i < 100; i++) {
		char id[16];
		snprintf(id, sizeof(id), "row:%d", i);
		list_taps += ui_area(&ui, id, UI_ROLE_LISTITEM, id, (struct ui_rect){ 0, i * 100, 400, 90 });
	}
	ui_panel_end(&ui, 100 * 100);
	return 0;
}

static void test_scale(void)
{
	ui_resize(&ui, 1080, 1920);
	CHECK("scale portrait 1080x1920 is 1", ui.scale > 0.999f && ui.scale < 1.001f);
	ui_resize(&ui, 1920, 1080);
	CHECK("scale landscape 1920x1080 is 1", ui.scale > 0.999f && ui.scale < 1.001f);
	ui_resize(&ui, 1280, 800);
	CHECK_INT("1280x800: 100 units are 74 px", ui_px(&ui, 100), 74);
	ui_resize(&ui, 800, 480);
	CHECK_INT("800x480: scale floor keeps text readable (100 units = 50 px)", ui_px(&ui, 100), 50);
	CHECK("800x480: body text at least 15 px", ui_font_px(&ui, 30) >= 15);
	ui.text_scale = 1.3f;
	CHECK("text size setting grows text", ui_font_px(&ui, 30) > 15 * 1.25);
	ui.text_scale = 1.0f;
	ui_resize(&ui, 1080, 1920);
}

static void test_text(void)
{
	const char *t = "DoteComune offre tirocini retribuiti negli uffici del Comune a chi è disoccupato, "
			"cerca il primo lavoro, studia, oppure non studia e non lavora.";
	const char *starts[64];
	size_t lens[64];
	int n = ui_text_wrap(&ui, t, UI_FONT_REGULAR, 32, 300, starts, lens, 64), widest = 0, px, h;
	for (int i = 0; i < n; i++) {
		int w = ui.text.width(ui.text.ctx, UI_FONT_REGULAR, 32, starts[i], lens[i]);
		if (w > widest)
			widest = w;
	}
	CHECK("wrap: several lines", n >= 4);
	CHECK("wrap: no line wider than the box", widest <= 300);
	CHECK("wrap: breaks at spaces", starts[1][-1] == ' ');
	n = ui_text_wrap(&ui, "Supercalifragilistichespiralidoso", UI_FONT_BOLD, 40, 120, starts, lens, 64);
	CHECK("wrap: a word wider than the box is cut, not overflowing", n >= 2 &&
	      ui.text.width(ui.text.ctx, UI_FONT_BOLD, 40, starts[0], lens[0]) <= 120);

	px = ui_text_fit(&ui, t, UI_FONT_REGULAR, 40, 12, 500, 150);
	h = ui_text_height(&ui, t, UI_FONT_REGULAR, px, 500);
	CHECK("fit: smaller than asked", px < 40);
	CHECK("fit: result fits the box", h <= 150);
	CHECK_INT("fit: a short text keeps its size", ui_text_fit(&ui, "Avanti", UI_FONT_SEMIBOLD, 34, 12, 400, 80), 34);

	ui.in = (struct ui_input){ 0 };
	ui_frame_begin(&ui);
	h = ui_text_box(&ui, (struct ui_rect){ 0, 0, 200, 60 }, t, UI_FONT_REGULAR, 32, 0, 0);
	{
		const struct ui_cmd *last = NULL;
		for (int i = 0; i < ui.ncmds; i++)
			if (ui.cmds[i].kind == UI_CMD_TEXT)
				last = &ui.cmds[i];
		CHECK("text box: height within the box", h <= 60);
		CHECK("text box: overflow ends with an ellipsis", last && strstr(last->text, "\xE2\x80\xA6"));
		CHECK("text box: last line fits the width", last && last->r.w <= 200);
	}
	ui_frame_end(&ui);
	CHECK("accented capitals measure", ui.text.width(ui.text.ctx, UI_FONT_BOLD, 40, "È", 2) > 5);
}

static void test_focus_and_taps(void)
{
	struct ui_input none = { .now_ms = 1000 };
	struct ui_input k = none;
	ui.focus[0] = 0;
	frame(three_buttons, none);
	k.key = UI_KEY_TAB;
	frame(three_buttons, k);
	CHECK_STR("Tab focuses the first control", ui.focus, "a");
	frame(three_buttons, k);
	frame(three_buttons, k);
	CHECK_STR("Tab follows reading order", ui.focus, "c");
	frame(three_buttons, k);
	CHECK_STR("Tab wraps around", ui.focus, "a");
	k.shift = 1;
	frame(three_buttons, k);
	CHECK_STR("Shift+Tab goes back", ui.focus, "c");
	k.shift = 0;
	k.key = UI_KEY_ENTER;
	clicks_c = 0;
	frame(three_buttons, k);
	CHECK_INT("Enter activates the focused control", clicks_c, 1);
	frame(three_buttons, none);
	CHECK_INT("...once", clicks_c, 1);

	clicks_b = 0;
	frame(three_buttons, (struct ui_input){ .now_ms = 1100, .pressed = 1, .down = 1, .x = 50, .y = 130 });
	CHECK_INT("no action on press", clicks_b, 0);
	frame(three_buttons, (struct ui_input){ .now_ms = 1150, .released = 1, .x = 52, .y = 131 });
	CHECK_INT("press and release on a button: one action", clicks_b, 1);
	frame(three_buttons, none);
	CHECK_INT("no repeat on the next frame", clicks_b, 1);
	frame(three_buttons, (struct ui_input){ .now_ms = 1200, .pressed = 1, .down = 1, .x = 50, .y = 130 });
	frame(three_buttons, (struct ui_input){ .now_ms = 1250, .released = 1, .x = 50, .y = 230 });
	CHECK_INT("release on another button: no action", clicks_b + clicks_c, 1 + 1);
	CHECK("widgets have roles and labels", ui_find(&ui, "b") && ui_find(&ui, "b")->role == UI_ROLE_BUTTON &&
	      !strcmp(ui_find(&ui, "b")->label, "Beta"));
}

static void test_scroll(void)
{
	struct ui_input in = { .now_ms = 5000 };
	float after_drag;
	memset(&scroll, 0, sizeof(scroll));
	list_taps = 0;
	frame(long_list, in);
	CHECK("only rows in view are visible", ui_find(&ui, "row:3")->visible && !ui_find(&ui, "row:10")->visible);
	in = (struct ui_input){ .now_ms = 5016, .pressed = 1, .down = 1, .x = 200, .y = 350 };
	frame(long_list, in);
	for (int i = 1; i <= 10; i++) {
		in = (struct ui_input){ .now_ms = 5016 + i * 16, .down = 1, .x = 200, .y = 350 - i * 30 };
		frame(long_list, in);
	}
	in = (struct ui_input){ .now_ms = 5016 + 11 * 16, .released = 1, .x = 200, .y = 50 };
	frame(long_list, in);
	CHECK_INT("a drag is not a tap", list_taps, 0);
	after_drag = scroll.offset;
	CHECK("the drag scrolled the list", after_drag >= 250);
	for (int i = 1; i <= 150; i++) {
		in = (struct ui_input){ .now_ms = 5200 + i * 16 };
		frame(long_list, in);
	}
	CHECK("momentum keeps it moving after release", scroll.offset > after_drag + 100);
	CHECK("the fling is bounded (no runaway)", scroll.offset < after_drag + 2000);
	CHECK("momentum slows down and stops", scroll.velocity == 0.0f);
	CHECK("offset stays within the content", scroll.offset <= 100 * 100 - 400);
	in = (struct ui_input){ .now_ms = 9900, .pressed = 1, .down = 1, .x = 10, .y = 10 };
	{
		float before = scroll.offset;
		frame(long_list, in);
		in = (struct ui_input){ .now_ms = 9950, .released = 1, .x = 10, .y = 10 };
		frame(long_list, in);
		CHECK_INT("a tap on a row after scrolling activates it", list_taps, 1);
		CHECK("...without moving the list", scroll.offset == before);
	}
}

static void test_rtl(void)
{
	struct ui_input none = { .now_ms = 20000 };
	clicks_a = 0;
	ui.rtl = 1;
	frame(three_buttons, none);
	CHECK_INT("rtl: the layout is mirrored", ui_find(&ui, "a")->r.x, 1080 - 10 - 200);
	frame(three_buttons, (struct ui_input){ .now_ms = 20016, .pressed = 1, .down = 1, .x = 1000, .y = 40 });
	frame(three_buttons, (struct ui_input){ .now_ms = 20050, .released = 1, .x = 1000, .y = 40 });
	CHECK_INT("rtl: a tap on the mirrored button activates it", clicks_a, 1);
	{
		int text_left = 1080;
		for (int i = 0; i < ui.ncmds; i++)
			if (ui.cmds[i].kind == UI_CMD_TEXT && ui.cmds[i].r.x < text_left)
				text_left = ui.cmds[i].r.x;
		CHECK("rtl: labels are drawn on the mirrored side", text_left > 1080 / 2);
	}
	ui.rtl = 0;
	frame(three_buttons, none);
}

static void test_rotation(void)
{
	int x, y;
	platform_rotate_point(0, 1920, 1080, 100, 200, &x, &y);
	CHECK("rotation 0 is identity", x == 100 && y == 200);
	/* A 1920x1080 panel mounted in portrait (90): logical 1080x1920. The
	 * physical top-right corner is the logical top-left. */
	platform_rotate_point(90, 1920, 1080, 1919, 0, &x, &y);
	CHECK("rotation 90: top-right corner is logical top-left", x == 0 && y == 0);
	platform_rotate_point(90, 1920, 1080, 0, 1079, &x, &y);
	CHECK("rotation 90: bottom-left corner is logical bottom-right", x == 1079 && y == 1919);
	platform_rotate_point(180, 1080, 1920, 0, 0, &x, &y);
	CHECK("rotation 180", x == 1079 && y == 1919);
	platform_rotate_point(270, 1920, 1080, 0, 1079, &x, &y);
	CHECK("rotation 270: bottom-left is logical top-left", x == 0 && y == 0);
}

static void test_fts(void)
{
	char q[256];
	CHECK_INT("fts: two terms", catalog_fts_query("Città, dei!", q, sizeof(q)), 2);
	CHECK_STR("fts: prefix terms, punctuation dropped", q, "\"Città\"* \"dei\"*");
	CHECK_INT("fts: quotes cannot inject syntax", catalog_fts_query("a\" OR \"b", q, sizeof(q)), 3);
	CHECK("fts: no raw quote left", !strstr(q, "\"\""));
	CHECK_INT("fts: nothing typed", catalog_fts_query("  -- ", q, sizeof(q)), 0);
}

static void test_i18n(void)
{
	const char *o = getenv("O");
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/locale", o && *o ? o : "build");
	if (i18n_load(dir, "it,en") < 2) {
		printf("SKIP i18n catalogs: %s not built\n", dir);
		return;
	}
	CHECK("i18n: Italian", !i18n_set("it"));
	CHECK_STR("i18n: translated", _("Back"), "Indietro");
	CHECK_STR("i18n: accents survive", _("Yes"), "Sì");
	CHECK_STR("i18n: vocabulary from core/model.c", _("Unemployed"), "Disoccupato/a");
	CHECK_STR("i18n: unknown text stays English", _("no such message"), "no such message");
	CHECK("i18n: English", !i18n_set("en"));
	CHECK_STR("i18n: English is the msgid", _("Back"), "Back");
	CHECK("i18n: unknown language refused", i18n_set("xx") == -1);
	i18n_release();
}

int main(void)
{
	struct render *r = render_new(NULL, NULL);
	struct ui_text_ops ops;
	if (!r) {
		printf("FAIL fonts: cannot open assets/fonts\n");
		return 1;
	}
	ops = render_text_ops(r);
	ui_init(&ui, 1080, 1920, &ops);
	test_scale();
	test_text();
	test_focus_and_taps();
	test_scroll();
	test_rtl();
	test_rotation();
	test_fts();
	test_i18n();
	render_free(r);
	return check_done();
}
