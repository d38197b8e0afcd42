/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The table of screens, the layout helpers they share, and the first
 * three screens of the journey: home (attract), browse (search, filters,
 * a long list with momentum scrolling) and detail.
 */
#include "kiosk/screens.h"
#include "core/datetime.h"
#include "core/model.h"
#include "core/util.h"
#include "kiosk/i18n.h"
#include "kiosk/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct screen kiosk_screens[] = {
	{ "home", NULL, home_frame, NULL },
	{ "browse", browse_enter, browse_frame, NULL },
	{ "detail", detail_enter, detail_frame, NULL },
	{ "eligibility", NULL, eligibility_frame, NULL, NULL, eligibility_card },
	{ "form", form_enter, form_frame, NULL },
	{ "privacy", privacy_enter, privacy_frame, NULL },
	{ "review", NULL, review_frame, NULL },
	{ "receipt", NULL, receipt_frame, receipt_leave },
	{ "status", NULL, status_frame, status_leave, status_field_changed },
	{ "pin", NULL, pin_frame, NULL },
	{ "admin", NULL, admin_frame, NULL },
	{ "setup", NULL, setup_frame, NULL },
	{ "attendance", attendance_enter, attendance_frame, attendance_leave },
};
const int kiosk_nscreens = (int)ARRAY_SIZE(kiosk_screens);

/* --- helpers ------------------------------------------------------------- */

struct flow screen_begin(struct kiosk *k, const char *title, int footer)
{
	struct flow f;
	int top = chrome_header(k, title);
	struct ui_rect body = chrome_body(k, top, footer ? chrome_footer_height(k) : 0);
	ui_panel_begin(&k->ui, "body", body, &k->scroll);
	kiosk_column(k, &f.x, &f.w);
	f.y = ui_px(&k->ui, 40);
	k->reach_used = 0;
	return f;
}

static int *reach_slot(struct kiosk *k)
{
	int i = (int)(k->screen - kiosk_screens);
	return i >= 0 && i < (int)ARRAY_SIZE(k->reach_gap) ? &k->reach_gap[i] : NULL;
}

static int reach_on(struct kiosk *k)
{
	return k->ui.h > k->ui.w && !osk_height(k) && reach_slot(k);
}

void flow_reach(struct kiosk *k, struct flow *f)
{
	flow_reach_part(k, f, 1, 1);
}

void flow_reach_part(struct kiosk *k, struct flow *f, int num, int den)
{
	if (!reach_on(k) || den <= 0)
		return;
	f->y += *reach_slot(k) * num / den;
	k->reach_used = 1;
}

void flow_steps(struct kiosk *k, struct flow *f, int step)
{
	static const char *const names[4] = { N_("Can you apply?"), N_("Your details"), N_("How we use your data"),
					      N_("Check and send") };
	struct ui *ui = &k->ui;
	int gap = ui_px(ui, 12), bar = ui_px(ui, 12) > 4 ? ui_px(ui, 12) : 4, sw = (f->w - 3 * gap) / 4, lh = 0;
	int px = ui_font_px(ui, 26), pad = ui_px(ui, 28);
	char buf[400];

	/* Portrait only: the screen's top is out of reach from a wheelchair
	 * but not out of sight, so the room the controls left there says
	 * where the citizen is and what for, instead of staying empty. Not
	 * while the keyboard is up: then the room is the fields'. */
	if (ui->h <= ui->w || osk_height(k) || step < 1 || step > 4)
		return;
	str_fmt(buf, sizeof(buf), _("Step %d of %d"), step, 4);
	str_fmt(buf + strlen(buf), sizeof(buf) - strlen(buf), ": %s", _(names[step - 1]));
	f->y += ui_label(ui, "steps", buf, (struct ui_rect){ f->x, f->y, f->w, 0 }, UI_FONT_SEMIBOLD,
			 ui_font_px(ui, 30), C_TEXT) + ui_px(ui, 12);
	/* Four in a row, or two rows of two, or one a row: a name is never
	 * broken inside a word ("Pouvez-vo/us" at 200%) nor made smaller. */
	{
		int per = 4, wide = 0;
		for (int i = 0; i < 4; i++) {
			int ww = widest_word(ui, _(names[i]), UI_FONT_BOLD, px);
			if (ww > wide)
				wide = ww;
		}
		while (per > 1 && wide > sw) {
			per = per == 4 ? 2 : 1;
			sw = (f->w - (per - 1) * gap) / per;
		}
		for (int row = 0; row < 4 / per; row++) {
			lh = 0;
			for (int c = 0; c < per; c++) {
				int i = row * per + c, h;
				struct ui_rect r = { f->x + c * (sw + gap), f->y, sw, bar };
				ui_draw_rect(ui, r, ui_color(ui, i < step ? C_PRIMARY : C_MUTED));
				h = ui_text_height(ui, _(names[i]), i == step - 1 ? UI_FONT_BOLD : UI_FONT_REGULAR, px, sw);
				ui_text_box(ui, (struct ui_rect){ r.x, r.y + bar + ui_px(ui, 8), sw, h }, _(names[i]),
					    i == step - 1 ? UI_FONT_BOLD : UI_FONT_REGULAR, px,
					    ui_color(ui, i == step - 1 ? C_TEXT : C_MUTED), 0);
				if (h > lh)
					lh = h;
			}
			f->y += bar + ui_px(ui, 8) + lh + ui_px(ui, row + 1 < 4 / per ? 12 : 24);
		}
	}
	if (k->have_sel) {
		/* What the application is for, as on the card the citizen chose. */
		int tpx = ui_font_px(ui, 36), opx = ui_font_px(ui, 28), h;
		const char *title = k->sel.card.title;
		str_fmt(buf, sizeof(buf), "%s, %s · %s", k->sel.card.office, k->sel.card.comune_name, k->sel.card.code);
		h = 2 * pad + ui_text_height(ui, title, UI_FONT_BOLD, tpx, f->w - 2 * pad - ui_px(ui, 10)) + ui_px(ui, 8) +
		    ui_text_height(ui, buf, UI_FONT_REGULAR, opx, f->w - 2 * pad - ui_px(ui, 10));
		ui_draw_card(ui, (struct ui_rect){ f->x, f->y, f->w, h });
		ui_draw_rect(ui, (struct ui_rect){ f->x, f->y, ui_px(ui, 10) > 3 ? ui_px(ui, 10) : 3, h },
			     ui_color(ui, C_PRIMARY));
		{
			int y = f->y + pad, x = f->x + pad + ui_px(ui, 10), w = f->w - 2 * pad - ui_px(ui, 10);
			ui->lang = "it";	/* the town hall's Italian */
			y += ui_label(ui, "applying-for", title, (struct ui_rect){ x, y, w, 0 }, UI_FONT_BOLD, tpx, C_TEXT);
			y += ui_px(ui, 8);
			ui_label(ui, "applying-office", buf, (struct ui_rect){ x, y, w, 0 }, UI_FONT_REGULAR, opx, C_MUTED);
			ui->lang = NULL;
		}
		f->y += h + ui_px(ui, 32);
	}
}

void screen_end(struct kiosk *k, struct flow *f)
{
	struct ui *ui = &k->ui;
	int content = f->y + ui_px(ui, 60);
	/* The room the page leaves is measured here and used at the
	 * flow_reach() of the next frame (a page that grows takes it back). */
	if (k->reach_used && ui->panel >= 0) {
		int *gap = reach_slot(k), g = *gap + ui->panels[ui->panel].r.h - content;
		if (g < 0)
			g = 0;
		if (g != *gap) {
			*gap = g;
			ui->animating = 1;
		}
	}
	ui_panel_end(ui, content);
	chrome_bar(k);
}

void flow_heading(struct kiosk *k, struct flow *f, const char *id, const char *text)
{
	f->y += ui_label(&k->ui, id, text, (struct ui_rect){ f->x, f->y, f->w, 0 }, UI_FONT_BOLD,
			 ui_font_px(&k->ui, 56), C_TEXT);
	f->y += ui_px(&k->ui, 20);
}

void flow_text(struct kiosk *k, struct flow *f, const char *id, const char *text, int font,
	       float size, enum ui_color color)
{
	f->y += ui_label(&k->ui, id, text, (struct ui_rect){ f->x, f->y, f->w, 0 }, font,
			 ui_font_px(&k->ui, size), color);
	f->y += ui_px(&k->ui, 12);
}

void flow_gap(struct kiosk *k, struct flow *f, float units)
{
	f->y += ui_px(&k->ui, units);
}

int flow_choices(struct kiosk *k, struct flow *f, const char *prefix, const char *const *keys,
		 const char *const *labels, int n, const char *selected)
{
	struct ui *ui = &k->ui;
	int gap = ui_px(ui, 16), bh = ui_button_h(ui, 96), x = f->x, res = -1;
	/* Measured in the button's own font (34): at 32 a one-word label
	 * ("Безробітний(-а)") came out a few pixels too wide and broke. */
	int px = ui_font_px(ui, 34), pad = ui_px(ui, 32);
	for (int i = 0; i < n; i++) {
		char id[64];
		int tw = ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, px, labels[i], strlen(labels[i])) + 2 * pad;
		/* A short answer ("Sì") is still a target wide (46 px at 800x480). */
		if (tw < ui_target_min(ui))
			tw = ui_target_min(ui);
		if (tw > f->w)
			tw = f->w;
		if (x > f->x && x + tw > f->x + f->w) {
			x = f->x;
			f->y += bh + gap;
		}
		str_fmt(id, sizeof(id), "%s:%s", prefix, keys[i]);
		if (ui_button(ui, id, labels[i], (struct ui_rect){ x, f->y, tw, bh },
			      selected && !strcmp(selected, keys[i]) ? UI_CHOICE_ON : UI_CHOICE))
			res = i;
		x += tw + gap;
	}
	f->y += bh + ui_px(ui, 24);
	return res;
}

const char *vocab_label(const struct vocab *v, size_t n, const char *key)
{
	const struct vocab *e = vocab_find(v, n, key);
	return e ? _(e->en) : key;
}

const char *tr(const char *msgid)
{
	return msgid ? _(msgid) : NULL;
}

int widest_word(struct ui *ui, const char *text, int font, int px)
{
	int best = 0;
	while (*text) {
		size_t n = strcspn(text, " ");
		int w = n ? ui->text.width(ui->text.ctx, font, px, text, n) : 0;
		if (w > best)
			best = w;
		text += n;
		while (*text == ' ')
			text++;
	}
	return best;
}

void date_it(const char *iso, char *buf, size_t size)
{
	int y, m, d;
	if (date_parse(iso, &y, &m, &d))
		str_copy(buf, size, iso);
	else
		str_fmt(buf, size, "%02d/%02d/%04d", d, m, y);
}

/* --- home ---------------------------------------------------------------- */

/* Portrait has room to say how it works, in three steps. */
static void home_steps(struct kiosk *k, struct flow *f)
{
	struct ui *ui = &k->ui;
	static const char *const steps[] = {
		N_("Choose a placement in the offices of the town hall."),
		N_("Answer four questions to check that you can apply."),
		N_("Fill in the form and send it. Keep the receipt: it has your protocol number."),
	};
	int d = ui_px(ui, 84), gap2 = ui_px(ui, 28);
	flow_text(k, f, "how-title", _("How it works"), UI_FONT_BOLD, 40, C_TEXT);
	for (int i = 0; i < 3; i++) {
		char id[16], num[4];
		int th = ui_text_height(ui, _(steps[i]), UI_FONT_REGULAR, ui_font_px(ui, 34), f->w - d - gap2);
		int rowh = th > d ? th : d;
		str_fmt(id, sizeof(id), "how:%d", i + 1);
		str_fmt(num, sizeof(num), "%d", i + 1);
		ui_draw_rect(ui, (struct ui_rect){ f->x, f->y, d, d }, ui_color(ui, C_PRIMARY));
		ui_text_box(ui, (struct ui_rect){ f->x, f->y + (d - ui->text.line_height(ui->text.ctx, UI_FONT_BOLD, ui_font_px(ui, 44))) / 2, d, d },
			    num, UI_FONT_BOLD, ui_font_px(ui, 44), ui_color(ui, C_ON_PRIMARY), 1);
		ui_label(ui, id, _(steps[i]), (struct ui_rect){ f->x + d + gap2, f->y + (rowh - th) / 2, f->w - d - gap2, 0 },
			 UI_FONT_REGULAR, ui_font_px(ui, 34), C_TEXT);
		f->y += rowh + ui_px(ui, 16);
	}
}

void home_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct flow f = screen_begin(k, NULL, 0);
	int landscape = ui->w * 5 > ui->h * 6;
	int bh = ui_button_h(ui, 150), gap = ui_px(ui, 24), bh2 = ui_button_h(ui, 110);
	struct flow side;
	char title[200];

	flow_gap(k, &f, landscape ? 10 : 20);
	if (landscape) {
		/* Two columns: the words on the left, the buttons on the right. */
		int total = f.w;
		side.w = total * 2 / 5;
		side.x = f.x + total - side.w;
		f.w = total - side.w - ui_px(ui, 60);
	}
	str_fmt(title, sizeof(title), _("Work and learn at the Comune di %s"), k->comune_name);
	f.y += ui_label(ui, "title", title, (struct ui_rect){ f.x, f.y, f.w, 0 }, UI_FONT_BOLD,
			ui_font_px(ui, landscape ? 60 : 72), C_PRIMARY_DARK);
	flow_gap(k, &f, 30);
	flow_text(k, &f, "intro",
		  _("DoteComune offers paid training placements in the offices of the town hall to people who are unemployed, looking for their first job, studying, or not in work or education."),
		  UI_FONT_REGULAR, 36, C_TEXT);
	flow_text(k, &f, "intro2",
		  _("Choose a placement, check that you can apply and send your application from here in a few minutes. You will get a receipt."),
		  UI_FONT_REGULAR, 36, C_TEXT);
	flow_gap(k, &f, 40);
	if (!landscape) {
		/* Portrait: how it works first, the buttons low on the screen. */
		home_steps(k, &f);
		flow_reach(k, &f);
		side.x = f.x;
		side.w = f.w;
		side.y = f.y;
	} else {
		side.y = ui_px(ui, 50);
	}
	if (ui_button(ui, "start", _("Find a placement"), (struct ui_rect){ side.x, side.y, side.w, bh }, UI_PRIMARY)) {
		kiosk_count(k, "session");
		kiosk_go(k, "browse");
	}
	side.y += bh + gap;
	if (ui_button(ui, "check-application", _("Check my application"),
		      (struct ui_rect){ side.x, side.y, side.w, bh2 }, UI_SECONDARY))
		kiosk_go(k, "status");
	side.y += bh2 + gap;
	if (ui_button(ui, "attendance", _("Trainees: sign in or out"),
		      (struct ui_rect){ side.x, side.y, side.w, bh2 }, UI_SECONDARY))
		kiosk_go(k, "attendance");
	side.y += bh2 + ui_px(ui, 40);

	/* Accessibility settings for the whole session. */
	side.y += ui_label(ui, "a11y-title", _("Reading help"), (struct ui_rect){ side.x, side.y, side.w, 0 },
			   UI_FONT_SEMIBOLD, ui_font_px(ui, 30), C_MUTED) + ui_px(ui, 12);
	side.y += kiosk_reading_controls(k, side.x, side.y, side.w);
	/* The settings follow the person through the session (issue 22):
	 * "I'm done" ends it, saying what it clears. */
	if (ui->text_scale != 1.0f || ui->theme != &ui_theme_normal || k->speech_on ||
	    strcmp(i18n_lang(), k->default_lang)) {
		int h = ui_button_h(ui, 100);
		side.y += ui_px(ui, 24);
		side.y += ui_label(ui, "finished-note",
				   _("I'm done: deletes everything you entered and puts text size, colours, voice guide and language back for the next person."),
				   (struct ui_rect){ side.x, side.y, side.w, 0 }, UI_FONT_REGULAR, ui_font_px(ui, 28), C_TEXT) +
			  ui_px(ui, 8);
		if (ui_button(ui, "finished", _("I'm done"), (struct ui_rect){ side.x, side.y, side.w, h }, UI_SECONDARY))
			kiosk_reset(k);
		side.y += h;
	}
	if (side.y > f.y)
		f.y = side.y;
	screen_end(k, &f);
}

/* --- browse -------------------------------------------------------------- */

void browse_enter(struct kiosk *k)
{
	k->list_dirty = 1;
	memset(&k->list_scroll, 0, sizeof(k->list_scroll));
	memset(&k->filter_scroll, 0, sizeof(k->filter_scroll));
}

static int64_t mono_now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* Starts loading the list: the first page (more 0) or the next. With
 * the search worker (kiosk/search.h) it is posted and taken by
 * browse_take() in a later frame; without it, searched here. */
static void browse_load(struct kiosk *k, int more)
{
	struct catalog_filter f = {
		.comune = k->comune, .comune_name = k->comune_name, .province_wide = k->province_wide,
		.only_comune = k->filter_comune, .query = k->query, .area = k->area,
		.months = k->months, .today = k->today, .other_than_call = k->other_than_call,
	};
	struct timespec a, b, ca, cb;
	k->list_dirty = 0;
	if (k->search) {
		if (!more) {
			search_post(k->search, &f, NULL, ++k->search_gen);
			k->search_pending = 1;
			k->search_posted_ms = k->ui.in.now_ms;
			k->searching_said = 0;
			k->search_posted_us = mono_now_us();
		} else if (!k->search_pending && k->search_more_gen != k->search_gen && !k->list.complete) {
			search_post(k->search, &f, &k->list, k->search_gen);
			k->search_more_gen = k->search_gen;
		}
		k->ui.animating = 1;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ca);
	if (!more) {
		catalog_list_clear(&k->list);
		k->list_scroll.offset = 0;
		k->list_scroll.velocity = 0;
	}
	catalog_search(k->db, &f, &k->list);
	clock_gettime(CLOCK_MONOTONIC, &b);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cb);
	k->search_us = (b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000;
	/* The benchmark's figure: CPU time, as for frames. */
	if (!more)
		k->search_ms[k->nsearch++ % (int)ARRAY_SIZE(k->search_ms)] =
			(float)((cb.tv_sec - ca.tv_sec) * 1000000 + (cb.tv_nsec - ca.tv_nsec) / 1000) / 1000.0f;
}

/* Takes what the search worker found, if anything: the first page of
 * the last search replaces the list (back at its top), a next page
 * goes after it. Results of an older search are dropped. */
static void browse_take(struct kiosk *k)
{
	struct search_result r;
	if (!k->search)
		return;
	if (k->search_pending || k->search_more_gen == k->search_gen)
		k->ui.animating = 1;	/* look again next frame */
	if (!search_take(k->search, &r))
		return;
	/* A next page that failed is asked again as the list nears its end. */
	if (r.gen != k->search_gen || (r.more && r.rc < 0)) {
		if (r.gen == k->search_gen)
			k->search_more_gen = 0;
		catalog_list_free(&r.list);
		return;
	}
	if (!r.more) {
		/* A failed search shows what it found (nothing), as before. */
		catalog_list_free(&k->list);
		k->list = r.list;
		k->list.base = 0;
		k->search_pending = 0;
		k->search_more_gen = 0;
		k->list_scroll.offset = 0;
		k->list_scroll.velocity = 0;
		k->search_us = mono_now_us() - k->search_posted_us;
		k->search_ms[k->nsearch++ % (int)ARRAY_SIZE(k->search_ms)] = r.cpu_ms;
		return;
	}
	k->search_more_gen = 0;
	if (r.list.n > CATALOG_MAX - k->list.n)
		r.list.n = CATALOG_MAX - k->list.n;
	if (k->list.n + r.list.n > k->list.cap) {
		int cap = k->list.n + r.list.n;
		void *p = realloc(k->list.cards, (size_t)cap * sizeof(*k->list.cards));
		if (!p) {
			catalog_list_free(&r.list);
			return;
		}
		k->list.cards = p;
		k->list.cap = cap;
	}
	if (r.list.n)
		memcpy(k->list.cards + k->list.n, r.list.cards, (size_t)r.list.n * sizeof(*r.list.cards));
	k->list.n += r.list.n;
	k->list.pass = r.list.pass;
	k->list.pass_offset = r.list.pass_offset;
	k->list.complete = r.list.complete || k->list.n >= CATALOG_MAX;
	catalog_list_free(&r.list);
}

static void browse_filters(struct kiosk *k, struct flow *f)
{
	const char *keys[16], *labels[16];
	char mkeys[5][4], mlabels[5][32];
	static char cistat[8][7], cnames[8][64];
	int n, i;

	keys[0] = "here";
	labels[0] = _("This comune");
	keys[1] = "province";
	labels[1] = _("Whole province");
	flow_text(k, f, NULL, _("Where"), UI_FONT_SEMIBOLD, 30, C_TEXT);
	i = flow_choices(k, f, "scope", keys, labels, 2, k->province_wide ? "province" : "here");
	if (i >= 0) {
		k->province_wide = i;
		k->filter_comune[0] = 0;
		k->list_dirty = 1;
	}
	if (k->province_wide) {
		n = catalog_province_comuni(k->db, k->comune, k->today, cistat, cnames, 8);
		keys[0] = "";
		labels[0] = _("All");
		for (i = 0; i < n; i++) {
			keys[i + 1] = cistat[i];
			labels[i + 1] = cnames[i];
		}
		i = flow_choices(k, f, "comune", keys, labels, n + 1, k->filter_comune);
		if (i >= 0) {
			str_copy(k->filter_comune, sizeof(k->filter_comune), keys[i]);
			k->list_dirty = 1;
		}
	}
	flow_text(k, f, NULL, _("Office"), UI_FONT_SEMIBOLD, 30, C_TEXT);
	keys[0] = "";
	labels[0] = _("All");
	for (i = 0; i < (int)placement_areas_n && i < 15; i++) {
		keys[i + 1] = placement_areas[i].key;
		labels[i + 1] = _(placement_areas[i].en);
	}
	i = flow_choices(k, f, "area", keys, labels, (int)placement_areas_n + 1, k->area);
	if (i >= 0) {
		str_copy(k->area, sizeof(k->area), keys[i]);
		k->list_dirty = 1;
	}
	flow_text(k, f, NULL, _("Duration"), UI_FONT_SEMIBOLD, 30, C_TEXT);
	for (i = 0; i < 5; i++) {
		str_fmt(mkeys[i], sizeof(mkeys[i]), "%d", i ? i * 3 : 0);
		if (i)
			str_fmt(mlabels[i], sizeof(mlabels[i]), _("%d months"), i * 3);
		else
			str_copy(mlabels[i], sizeof(mlabels[i]), _("Any"));
		keys[i] = mkeys[i];
		labels[i] = mlabels[i];
	}
	{
		char cur[4];
		str_fmt(cur, sizeof(cur), "%d", k->months);
		i = flow_choices(k, f, "months", keys, labels, 5, cur);
	}
	if (i >= 0) {
		k->months = i * 3;
		k->list_dirty = 1;
	}
}

/* Line height of a font at a design size (with the text-size setting). */
#define LH(font, size) (ui->text.line_height(ui->text.ctx, (font), ui_font_px(ui, (size))))

/* Placement texts are written by the town hall in Italian only: in any
 * other language each card says so (as the detail screen does), so a
 * citizen is not surprised by an Italian title. */
static int card_italian_only(void)
{
	return strcmp(i18n_lang(), "it") != 0;
}

/* A card's height: its lines grow with the citizen's text size. */
static int card_height(struct ui *ui)
{
	int h = 2 * ui_px(ui, 28) + LH(UI_FONT_SEMIBOLD, 26) + 2 * LH(UI_FONT_BOLD, 40) +
		LH(UI_FONT_REGULAR, 30) + 2 * LH(UI_FONT_SEMIBOLD, 30) + 4 * ui_px(ui, 6);

	if (card_italian_only())
		h += LH(UI_FONT_SEMIBOLD, 26) + ui_px(ui, 6);
	return h;
}

/* Draws one placement card at content y; returns 1 when tapped. */
static int browse_card(struct kiosk *k, const struct placement_card *c, struct ui_rect r)
{
	struct ui *ui = &k->ui;
	int pad = ui_px(ui, 28), y = r.y + pad, tw = r.w - 2 * pad;
	char id[48], facts[256], facts2[256], label[512], dl[16];
	const char *area = vocab_label(placement_areas, placement_areas_n, c->area);
	int tapped;

	str_fmt(id, sizeof(id), "placement:%s", c->code);
	date_it(c->deadline, dl, sizeof(dl));
	str_fmt(facts, sizeof(facts), _("%d months · %d hours a week · %d € a month"), c->months,
		 c->hours_week, c->allowance_eur);
	/* Seats and how many applied so far (last sync): the citizen judges
	 * the odds; the town hall selects, so nothing is "full". */
	if (c->applied < 10)	/* the hub's protected count: 0 or 5-9 say only "few" (issue 20) */
		str_fmt(facts2, sizeof(facts2), _("Seats: %d · Applications: fewer than 10 · Apply by %s"), c->seats, dl);
	else
		str_fmt(facts2, sizeof(facts2), _("Seats: %d · Applications: %d · Apply by %s"), c->seats, c->applied,
			dl);
	/* The mark is in the label too: the voice guide reads it with the title. */
	/* Title and office are the town hall's Italian: marked, the voice
	 * guide says them in the Italian voice. */
	str_fmt(label, sizeof(label), UI_LANG_IT "%s." UI_LANG_END "%s%s " UI_LANG_IT "%s, %s." UI_LANG_END " %s. %s. %s %s",
		c->title, card_italian_only() ? " " : "", card_italian_only() ? _("(Italian only)") : "", c->office,
		c->comune_name, facts, facts2, _("Code"), c->code);
	ui_draw_card(ui, r);
	ui_draw_rect(ui, (struct ui_rect){ r.x, r.y, ui_px(ui, 10) > 3 ? ui_px(ui, 10) : 3, r.h }, ui_color(ui, C_PRIMARY));
	tapped = ui_area(ui, id, UI_ROLE_LISTITEM, label, r);
	{
		char line[200];
		int la = LH(UI_FONT_SEMIBOLD, 26), lt = LH(UI_FONT_BOLD, 40), lo = LH(UI_FONT_REGULAR, 30);
		int lf = LH(UI_FONT_SEMIBOLD, 30), g = ui_px(ui, 6);
		/* The code tells apart two placements with the same title. */
	str_fmt(line, sizeof(line), "%s · %s · %s", area, c->comune_name, c->code);
		ui_text_box(ui, (struct ui_rect){ r.x + pad, y, tw, la }, line, UI_FONT_SEMIBOLD,
			    ui_font_px(ui, 26), ui_color(ui, C_PRIMARY), 0);
		y += la + g;
		/* Above the title it tells, so it stays in view when a small
		 * screen at 200% text shows only a card's top. */
		if (card_italian_only()) {
			/* One line; ui_text_box shrinks it to fit narrow cards at 200% text. */
			ui_text_box(ui, (struct ui_rect){ r.x + pad, y, tw, la }, _("(Italian only)"), UI_FONT_SEMIBOLD,
				    ui_font_px(ui, 26), ui_color(ui, C_MUTED), 0);
			y += la + g;
		}
		ui_text_box(ui, (struct ui_rect){ r.x + pad, y, tw, 2 * lt }, c->title, UI_FONT_BOLD,
			    ui_font_px(ui, 40), ui_color(ui, C_TEXT), 0);
		y += 2 * lt + g;
		ui_text_box(ui, (struct ui_rect){ r.x + pad, y, tw, lo }, c->office, UI_FONT_REGULAR,
			    ui_font_px(ui, 30), ui_color(ui, C_MUTED), 0);
		y += lo + g;
		ui_text_box(ui, (struct ui_rect){ r.x + pad, y, tw, lf }, facts, UI_FONT_SEMIBOLD,
			    ui_font_px(ui, 30), ui_color(ui, C_TEXT), 0);
		y += lf + g;
		ui_text_box(ui, (struct ui_rect){ r.x + pad, y, tw, lf }, facts2, UI_FONT_REGULAR,
			    ui_font_px(ui, 30), ui_color(ui, C_TEXT), 0);
	}
	return tapped;
}

/* The Filters button's width: it fits its longer label (at 200% text,
 * in Arabic, the fixed width shrank it to a few pixels' type; in
 * landscape "Фільтри" at 800x480 too), up to 2/5 of the row. */
static int browse_filters_w(struct ui *ui, int dock, int w)
{
	const char *labels[2] = { _("Filters"), _("Hide filters") };
	int bw = ui_px(ui, 240);
	(void)dock;
	for (int i = 0; i < 2; i++) {
		int tw = ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, ui_font_px(ui, 34), labels[i], strlen(labels[i])) +
			 2 * ui_px(ui, 16) + ui_px(ui, 8);
		if (tw > bw)
			bw = tw;
	}
	return bw < w * 2 / 5 ? bw : w * 2 / 5;
}

/* The search field with the Filters button at its end, at (x, y) over
 * width w; returns the row's height. */
static int browse_search(struct kiosk *k, int x, int y, int w, int dock)
{
	struct ui *ui = &k->ui;
	int bw = browse_filters_w(ui, dock, w), fw = w - bw - ui_px(ui, 20), sh, bh = ui_px(ui, 92);
	if (bh < ui_target_min(ui))
		bh = ui_target_min(ui);

	ui_field(ui, "search", _("Search"), k->query, _("Office, topic or town"), NULL,
		 (struct ui_rect){ x, y, fw, 0 }, &sh);
	/* It grows with the text like other buttons, within the row (in
	 * landscape too: "Фільтри" at 800x480 200% was set smaller). */
	if (ui_button_h(ui, 92) > bh)
		bh = ui_button_h(ui, 92) < sh ? ui_button_h(ui, 92) : sh;
	if (ui_button(ui, "filters", k->show_filters ? _("Hide filters") : _("Filters"),
		      (struct ui_rect){ x + fw + ui_px(ui, 20), y + sh - bh, bw, bh },
		      k->area[0] || k->months || k->province_wide || k->other_than_call ? UI_CHOICE_ON : UI_SECONDARY))
		k->show_filters = !k->show_filters;
	return sh;
}

/* The search row's height before it is drawn (the dock is sized first). */
static int browse_search_h(struct ui *ui, int w)
{
	int fw = w - browse_filters_w(ui, 1, w) - ui_px(ui, 20);
	return ui_text_height(ui, _("Search"), UI_FONT_SEMIBOLD, ui_font_px(ui, 28), fw) + ui_px(ui, 6) +
	       ui_field_box_h(ui);
}

static int browse_filtered(const struct kiosk *k)
{
	return k->area[0] || k->months || k->province_wide || k->filter_comune[0] || k->other_than_call;
}

/* "Clear all filters", as wide as its words; returns its height. */
static int browse_clear(struct kiosk *k, int x, int y, int maxw)
{
	struct ui *ui = &k->ui;
	int bw = ui->text.width(ui->text.ctx, UI_FONT_SEMIBOLD, ui_font_px(ui, 34), _("Clear all filters"),
				strlen(_("Clear all filters"))) + ui_px(ui, 64), bh = ui_button_h(ui, 90);
	if (bw > maxw)
		bw = maxw;
	if (ui_button(ui, "filters-clear", _("Clear all filters"), (struct ui_rect){ x, y, bw, bh }, UI_SECONDARY))
		kiosk_filters_clear(k);
	return bh;
}

void browse_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	int top, x, w, y, card_h = card_height(ui), gap = ui_px(ui, 24);
	int used, first, i, cols = 1, cw, osk = osk_height(k);
	/* Portrait: search, Filters and Clear sit in a dock low down, within
	 * reach from a wheelchair, with the list above them; while the
	 * keyboard is up the dock rests on it (the footer gives way, as the
	 * voice guide's bar does), so the field and the results filtering
	 * as the citizen types stay in view. */
	int dock = ui->h > ui->w, pad = ui_px(ui, 20), dock_y = 0, sheet_h = 0;
	struct ui_rect body;
	struct flow f;
	char count[128];

	/* With the keyboard up the dock has no Back: the compact header
	 * keeps no empty row for it (56 px at uk 480x800 200%). In
	 * landscape there is no header at all then (Hide brings it and
	 * Back again): at 800x480 200% the header and the search row left
	 * the result count half under the keyboard and no card. */
	k->header_bare = osk > 0;
	top = chrome_header(k, NULL);
	kiosk_column(k, &x, &w);
	/* Wide screens show the cards in two columns, over the whole width. */
	if (ui->w > ui->h && ui->w - 2 * ui_px(ui, 48) >= ui_px(ui, 1400 * (ui->text_scale > 1.0f ? ui->text_scale : 1.0f))) {
		cols = 2;
		x = ui_px(ui, 48);
		w = ui->w - 2 * x;
	}
	cw = (w - (cols - 1) * gap) / cols;
	if (strcmp(k->query, k->last_query)) {
		str_copy(k->last_query, sizeof(k->last_query), k->query);
		k->list_dirty = 1;
	}
	if (dock) {
		struct ui_rect room = chrome_body(k, top, osk ? 0 : chrome_footer_height(k));
		int dock_h = 2 * pad + browse_search_h(ui, w);
		if (browse_filtered(k) && !osk)
			dock_h += ui_button_h(ui, 90) + pad;
		dock_y = room.y + room.h - dock_h;
		/* The filters open above the dock, in their own scrolling
		 * sheet, not at the top of the list (out of reach); not while
		 * the keyboard is up. Sized by the last frame's content. */
		if (k->show_filters && !osk) {
			int want = k->filter_scroll.content_h > 0 ? k->filter_scroll.content_h : (dock_y - top) / 2;
			sheet_h = want < (dock_y - top) * 3 / 5 ? want : (dock_y - top) * 3 / 5;
			if (sheet_h != k->filter_scroll.view_h)
				ui->animating = 1;
		}
		body = (struct ui_rect){ 0, top, ui->w, dock_y - sheet_h - top };
		y = top;
	} else {
		/* Search bar, fixed above the list (closer to the screen's
		 * top and to the list while the keyboard is up). */
		y = top + ui_px(ui, osk ? 8 : 24);
		y += browse_search(k, x, y, w, 0) + ui_px(ui, osk ? 8 : 16);
		body = chrome_body(k, y, chrome_footer_height(k));
		ui_draw_rect(ui, (struct ui_rect){ 0, y - 1, ui->w, 1 }, ui_color(ui, C_BORDER));
	}
	browse_take(k);
	if (k->list_dirty)
		browse_load(k, 0);

	ui_panel_begin(ui, "list", body, &k->list_scroll);
	f.x = x;
	f.w = w;
	f.y = ui_px(ui, 20);
	if (k->other_than_call) {
		/* After "you cannot apply": the placements of other calls. */
		char note[300];
		str_fmt(note, sizeof(note), _("Placements of other calls (not %s)."), k->other_than_title);
		flow_text(k, &f, "other-calls", note, UI_FONT_SEMIBOLD, 30, C_TEXT);
	}
	if (k->show_filters && !dock)
		browse_filters(k, &f);
	if (browse_filtered(k) && !dock)
		f.y += browse_clear(k, f.x, f.y, f.w) + ui_px(ui, 20);
	if (k->search_pending && (ui->in.now_ms - k->search_posted_ms >= 300 || k->list.n == 0)) {
		/* A long search, or the first (an empty list is not a search
		 * that found nothing): say so rather than show the last one's
		 * count. */
		flow_text(k, &f, "searching", _("Searching…"), UI_FONT_SEMIBOLD, 30, C_MUTED);
		count[0] = 0;
		/* A long search is heard too, once (not the first, empty list's). */
		if (k->speech_on && k->list.n > 0 && !k->searching_said) {
			kiosk_say_polite(k, _("Searching…"));
			k->searching_said = 1;
		}
	} else if (k->list.n == 0) {
		flow_text(k, &f, "no-results",
			  _("No placements match. Try other words, or remove the filters."),
			  UI_FONT_SEMIBOLD, 34, C_TEXT);
	} else {
		if (k->list.complete)
			str_fmt(count, sizeof(count), k->list.n == 1 ? _("1 placement") : _("%d placements"), k->list.n);
		else
			str_fmt(count, sizeof(count), _("More than %d placements"), k->list.n);
		flow_text(k, &f, "result-count", count, UI_FONT_SEMIBOLD, 30, C_MUTED);
	}
	{
		/* The result of a search or a filter is said when it changes
		 * (after the letter typed); not on arrival, where the screen
		 * itself is announced. */
		char key[sizeof(k->count_said)];
		str_fmt(key, sizeof(key), "%s|%s|%d|%d|%s", k->query, k->area, k->months, k->province_wide,
			k->list.n == 0 ? "-" : count);
		/* Not while a search is under way: its count is not known yet. */
		if (!k->search_pending) {
			if (k->speech_on && k->count_said[0] && strcmp(key, k->count_said))
				kiosk_say_polite(k, k->list.n == 0 ? _("No placements match. Try other words, or remove the filters.") : count);
			str_copy(k->count_said, sizeof(k->count_said), key);
		}
	}
	/* Only the cards in view become widgets: thousands cost nothing. */
	used = f.y;
	first = (int)((k->list_scroll.offset - used) / (card_h + gap));
	if (first < 0)
		first = 0;
	for (i = first * cols; i < k->list.n; i++) {
		int cy = used + (i / cols) * (card_h + gap), cx = x + (i % cols) * (cw + gap);
		if (cy > (int)k->list_scroll.offset + body.h)
			break;
		if (browse_card(k, &k->list.cards[i], (struct ui_rect){ cx, cy, cw, card_h })) {
			str_copy(k->sel.card.code, sizeof(k->sel.card.code), k->list.cards[i].code);
			kiosk_go(k, "detail");
		}
	}
	f.y = used + (k->list.n + cols - 1) / cols * (card_h + gap);
	/* Near the end: load the next page. */
	if (!k->list.complete && k->list_scroll.offset + body.h * 2 > f.y) {
		browse_load(k, 1);
		ui->animating = 1;
	}
	ui_panel_end(ui, f.y + ui_px(ui, 40));
	if (dock) {
		/* Drawn after the list: the keypad meets them in reading order. */
		if (sheet_h > 0) {
			struct ui_rect sheet = { 0, dock_y - sheet_h, ui->w, sheet_h };
			ui_draw_rect(ui, sheet, ui_color(ui, C_SURFACE));
			ui_draw_rect(ui, (struct ui_rect){ 0, sheet.y, ui->w, 1 }, ui_color(ui, C_BORDER));
			ui_panel_begin(ui, "filter-sheet", sheet, &k->filter_scroll);
			f.y = pad;
			browse_filters(k, &f);
			ui_panel_end(ui, f.y + pad);
		} else {
			k->filter_scroll.content_h = 0;
			k->filter_scroll.offset = 0;
		}
		ui_draw_rect(ui, (struct ui_rect){ 0, dock_y, ui->w, ui->h - osk - dock_y }, ui_color(ui, C_SURFACE));
		ui_draw_rect(ui, (struct ui_rect){ 0, dock_y, ui->w, 1 }, ui_color(ui, C_BORDER));
		y = dock_y + pad;
		if (browse_filtered(k) && !osk)
			y += browse_clear(k, x, y, w) + pad;
		browse_search(k, x, y, w, 1);
	}
	k->header_bare = 0;
	if (osk)
		return;
	if (chrome_footer(k, _("Back"), NULL, NULL, 0) == 1)
		kiosk_go(k, "home");
}

/* --- detail -------------------------------------------------------------- */

void detail_enter(struct kiosk *k)
{
	char code[32];
	str_copy(code, sizeof(code), k->sel.card.code);
	k->have_sel = catalog_placement(k->db, code, &k->sel) == 0;
	k->elig_checked = 0;
	if (k->have_sel)
		kiosk_count(k, "view");
}

/* One fact: name on the left, value on the right (or the value under
 * the name when a word of it would not fit beside it, as with large
 * text); returns its height. With draw = 0 it only measures (the card
 * behind is drawn first). */
static int fact(struct kiosk *k, struct flow *f, const char *id, const char *name, const char *value, int draw)
{
	struct ui *ui = &k->ui;
	int nw = f->w * 2 / 5, px = ui_font_px(ui, 32), h1, h2, h, stack;
	char label[400];
	stack = widest_word(ui, value, UI_FONT_SEMIBOLD, px) > f->w - nw;
	if (stack)
		nw = 0;
	h1 = ui_text_height(ui, name, UI_FONT_REGULAR, px, stack ? f->w : nw - ui_px(ui, 16));
	h2 = ui_text_height(ui, value, UI_FONT_SEMIBOLD, px, f->w - nw);
	h = (stack ? h1 + h2 : h1 > h2 ? h1 : h2) + ui_px(ui, 14);
	if (draw) {
		str_fmt(label, sizeof(label), "%s: %s", name, value);
		ui_widget_add(ui, id, UI_ROLE_TEXT, label, (struct ui_rect){ f->x, f->y, f->w, h - ui_px(ui, 14) }, 0);
		ui_label(ui, NULL, name, (struct ui_rect){ f->x, f->y, stack ? f->w : nw - ui_px(ui, 16), 0 },
			 UI_FONT_REGULAR, px, C_MUTED);
		ui_label(ui, NULL, value, (struct ui_rect){ f->x + nw, f->y + (stack ? h1 : 0), f->w - nw, 0 },
			 UI_FONT_SEMIBOLD, px, C_TEXT);
	}
	f->y += h;
	return h;
}

void detail_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct flow f = screen_begin(k, NULL, 1);
	const struct placement_detail *d = &k->sel;
	char buf[320], dl[16];

	if (!k->have_sel) {
		flow_text(k, &f, "error:detail", _("This placement is no longer available."), UI_FONT_SEMIBOLD, 34, C_ERROR);
		screen_end(k, &f);
		if (chrome_footer(k, _("Back"), NULL, NULL, 0) == 1)
			kiosk_go(k, "browse");
		return;
	}
	flow_text(k, &f, "area", vocab_label(placement_areas, placement_areas_n, d->card.area), UI_FONT_SEMIBOLD, 30, C_PRIMARY);
	/* The town hall's words are Italian: the voice guide says them in
	 * the Italian voice whatever the UI's language (ui->lang). */
	ui->lang = "it";
	flow_heading(k, &f, "placement-title", d->card.title);
	ui->lang = NULL;
	/* The town hall writes its placements in Italian only: say so. */
	if (strcmp(i18n_lang(), "it"))
		flow_text(k, &f, "italian-only", _("(in Italian) This placement is described in Italian only."),
			  UI_FONT_SEMIBOLD, 28, C_MUTED);
	str_fmt(buf, sizeof(buf), "%s · %s", d->card.office, d->card.comune_name);
	ui->lang = "it";
	flow_text(k, &f, "office", buf, UI_FONT_SEMIBOLD, 34, C_TEXT);
	ui->lang = NULL;
	flow_gap(k, &f, 16);
	{
		/* The facts sit on a card: measure them, draw the card, then them. */
		char values[7][160], dl2[16];
		const char *names[7] = { _("Duration"), _("Commitment"), _("Allowance"), _("Seats"),
					 _("Applications"), _("Apply by"), _("Address") };
		static const char *const ids[7] = { "fact:months", "fact:hours", "fact:allowance", "fact:seats",
						    "fact:applied", "fact:deadline", "fact:address" };
		struct flow in = { f.x + ui_px(ui, 32), 0, f.w - ui_px(ui, 64) };
		int h = 0;
		str_fmt(values[0], sizeof(values[0]), _("%d months"), d->card.months);
		str_fmt(values[1], sizeof(values[1]), _("%d hours a week"), d->card.hours_week);
		str_fmt(values[2], sizeof(values[2]), _("%d € a month"), d->card.allowance_eur);
		str_fmt(values[3], sizeof(values[3]), "%d", d->card.seats);
		/* The same band as the card: below 10 the hub's protected count
		 * (0 or 5-9) says only "few" (issue 20). */
		if (d->card.applied < 10)
			str_copy(values[4], sizeof(values[4]), _("fewer than 10 so far (at the last update)"));
		else
			str_fmt(values[4], sizeof(values[4]), _("%d so far (at the last update)"), d->card.applied);
		date_it(d->card.deadline, dl2, sizeof(dl2));
		str_copy(values[5], sizeof(values[5]), dl2);
		str_copy(values[6], sizeof(values[6]), d->address);
		for (int i = 0; i < 7; i++)
			h += fact(k, &in, ids[i], names[i], values[i], 0);
		ui_draw_card(ui, (struct ui_rect){ f.x, f.y, f.w, h + ui_px(ui, 42) });
		in.y = f.y + ui_px(ui, 28);
		for (int i = 0; i < 7; i++) {
			/* The address is the town hall's (Italian). */
			ui->lang = i == 6 ? "it" : NULL;
			fact(k, &in, ids[i], names[i], values[i], 1);
		}
		ui->lang = NULL;
		f.y = in.y + ui_px(ui, 54);
	}
	if (d->description[0]) {
		flow_text(k, &f, NULL, _("What you will do"), UI_FONT_BOLD, 38, C_TEXT);
		ui->lang = "it";
		flow_text(k, &f, "description", d->description, UI_FONT_REGULAR, 32, C_TEXT);
		ui->lang = NULL;
		flow_gap(k, &f, 16);
	}
	if (d->requirements[0]) {
		flow_text(k, &f, NULL, _("Requirements"), UI_FONT_BOLD, 38, C_TEXT);
		ui->lang = "it";
		flow_text(k, &f, "requirements", d->requirements, UI_FONT_REGULAR, 32, C_TEXT);
		ui->lang = NULL;
		flow_gap(k, &f, 16);
	}
	flow_text(k, &f, NULL, _("Call"), UI_FONT_BOLD, 38, C_TEXT);
	date_it(d->call_deadline, dl, sizeof(dl));
	str_fmt(buf, sizeof(buf), UI_LANG_IT "%s" UI_LANG_END " (%s %s)", d->call_title, _("deadline"), dl);
	flow_text(k, &f, "call", buf, UI_FONT_REGULAR, 32, C_TEXT);
	if (d->qrsp[0]) {
		str_fmt(buf, sizeof(buf), "%s: %s", _("Competence profile"), d->qrsp);
		flow_text(k, &f, "qrsp", buf, UI_FONT_REGULAR, 28, C_MUTED);
	}
	str_fmt(buf, sizeof(buf), "%s: %s", _("Code"), d->card.code);
	flow_text(k, &f, "code", buf, UI_FONT_REGULAR, 28, C_MUTED);
	screen_end(k, &f);
	switch (chrome_footer(k, _("Back"), "apply", _("Can I apply?"), 1)) {
	case 1:
		kiosk_go(k, "browse");
		break;
	case 2:
		kiosk_go(k, "eligibility");
		break;
	}
}
