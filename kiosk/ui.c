/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The UI layer (see ui.h): widget records, hit testing against the
 * layout the citizen saw (last frame), focus order, scroll panels with
 * momentum, text wrapping and fitting, and the draw command list. Start
 * reading at ui_frame_begin(), then ui_widget_add() and ui_button().
 */
#include "kiosk/ui.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Borders are 3:1 on the page, the keyboard and white (#6B7A89: 4.0,
 * 3.4, 4.4); pressed ghost buttons keep 4.8:1 (#E8F0FA); disabled and
 * placeholder text stay readable (4.5:1+) but look unlike what is there. */
const struct ui_theme ui_theme_normal = { "normal", {
	[C_BG] = 0xF2F5F8, [C_SURFACE] = 0xFFFFFF, [C_PRIMARY] = 0x0066CC,
	[C_PRIMARY_DARK] = 0x004D99, [C_ON_PRIMARY] = 0xFFFFFF, [C_TEXT] = 0x1A1A1A,
	[C_MUTED] = 0x5C6F82, [C_BORDER] = 0x6B7A89, [C_FOCUS] = 0xFF9900,
	[C_ERROR] = 0xB3001B, [C_ERROR_BG] = 0xFDECEE, [C_SUCCESS] = 0x00703C,
	[C_SUCCESS_BG] = 0xE6F4EC, [C_FIELD] = 0xFFFFFF, [C_KEY] = 0xFFFFFF,
	[C_KEY_TEXT] = 0x17324D, [C_SHADOW] = 0xDCE2E8, [C_OVERLAY] = 0x17324D,
	[C_HEADER] = 0x0066CC, [C_HEADER_TEXT] = 0xFFFFFF, [C_FOCUS_EDGE] = 0x000000,
	[C_PRESSED] = 0xE8F0FA, [C_DISABLED] = 0xE4E9EE, [C_ON_DISABLED] = 0x56636F,
	[C_PLACEHOLDER] = 0x5C6F82,
} };

/* High contrast: black on white, strong borders, yellow and black focus
 * (WCAG AAA). Pressed is pale yellow, disabled and placeholders grey
 * (7:1), so neither looks like what can be used or was typed. */
const struct ui_theme ui_theme_contrast = { "contrast", {
	[C_BG] = 0xFFFFFF, [C_SURFACE] = 0xFFFFFF, [C_PRIMARY] = 0x000000,
	[C_PRIMARY_DARK] = 0x000000, [C_ON_PRIMARY] = 0xFFFFFF, [C_TEXT] = 0x000000,
	[C_MUTED] = 0x000000, [C_BORDER] = 0x000000, [C_FOCUS] = 0xFFD500,
	[C_ERROR] = 0x9E0000, [C_ERROR_BG] = 0xFFFFFF, [C_SUCCESS] = 0x004D1F,
	[C_SUCCESS_BG] = 0xFFFFFF, [C_FIELD] = 0xFFFFFF, [C_KEY] = 0xFFFFFF,
	[C_KEY_TEXT] = 0x000000, [C_SHADOW] = 0x000000, [C_OVERLAY] = 0x000000,
	[C_HEADER] = 0x000000, [C_HEADER_TEXT] = 0xFFFFFF, [C_FOCUS_EDGE] = 0x000000,
	[C_PRESSED] = 0xFFE680, [C_DISABLED] = 0xFFFFFF, [C_ON_DISABLED] = 0x595959,
	[C_PLACEHOLDER] = 0x595959,
} };

/* Last frame's hit-test data: what the citizen saw when touching. */
struct hit {
	char id[48];
	struct ui_rect r;	/* visible part */
	int enabled;
	int panel;
};
static struct hit prev_hits[UI_MAX_WIDGETS];
static int nprev_hits;
static struct {
	struct ui_rect r;
	struct ui_scroll *s;
} prev_panels[UI_MAX_PANELS];
static int nprev_panels;

static const char *const role_names[] = {
	[UI_ROLE_BUTTON] = "button", [UI_ROLE_TEXT] = "text", [UI_ROLE_HEADING] = "heading",
	[UI_ROLE_FIELD] = "field", [UI_ROLE_CHECKBOX] = "checkbox", [UI_ROLE_RADIO] = "radio",
	[UI_ROLE_LISTITEM] = "listitem", [UI_ROLE_KEY] = "key", [UI_ROLE_IMAGE] = "image",
	[UI_ROLE_DIALOG] = "dialog", [UI_ROLE_ALERT] = "alert", [UI_ROLE_GESTURE] = "gesture",
};

const char *ui_role_name(enum ui_role role)
{
	return role_names[role];
}

void ui_resize(struct ui *ui, int w, int h)
{
	int small = w < h ? w : h;
	ui->w = w;
	ui->h = h;
	/* One design: 1080 units across the short side. Small screens keep
	 * a floor so text stays readable; their panels scroll instead. */
	ui->scale = small / 1080.0f;
	if (ui->scale < 0.5f)
		ui->scale = 0.5f;
}

void ui_init(struct ui *ui, int w, int h, const struct ui_text_ops *ops)
{
	memset(ui, 0, sizeof(*ui));
	ui->text = *ops;
	ui->text_scale = 1.0f;
	ui->theme = &ui_theme_normal;
	ui->panel = -1;
	ui_resize(ui, w, h);
}

int ui_px(const struct ui *ui, float v)
{
	return (int)lroundf(v * ui->scale);
}

int ui_target_min(const struct ui *ui)
{
	int small = ui->w < ui->h ? ui->w : ui->h;
	return small <= 600 ? 47 : 44;
}

int ui_font_px(const struct ui *ui, float v)
{
	int px = (int)lroundf(v * ui->scale * ui->text_scale);
	return px < 12 ? 12 : px;
}

uint32_t ui_color(const struct ui *ui, enum ui_color c)
{
	return ui->theme->c[c];
}

static int contains(struct ui_rect r, int x, int y)
{
	return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

static struct ui_rect intersect(struct ui_rect a, struct ui_rect b)
{
	int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
	int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
	int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
	struct ui_rect r = { x0, y0, x1 - x0, y1 - y0 };
	if (r.w < 0)
		r.w = 0;
	if (r.h < 0)
		r.h = 0;
	return r;
}

static const struct hit *hit_at(int x, int y)
{
	for (int i = nprev_hits - 1; i >= 0; i--)
		if (contains(prev_hits[i].r, x, y))
			return &prev_hits[i];
	return NULL;
}

/* Moves the focus dir (+1/-1) steps round the focus order; with
 * controls_only, over the texts the voice guide stops on (Left and
 * Right jump between controls, Up and Down read everything). */
static void focus_step(struct ui *ui, int dir, int controls_only)
{
	int i, cur = -1, n = ui->nfocus_order;
	if (!n)
		return;
	for (i = 0; i < n; i++)
		if (!strcmp(ui->focus_order[i], ui->focus))
			cur = i;
	if (cur < 0)
		cur = dir > 0 ? n - 1 : 0;
	for (i = 0; i < n; i++) {
		cur = (cur + dir + n) % n;
		if (!controls_only || !ui->focus_order_text[cur])
			break;
	}
	ui_focus(ui, ui->focus_order[cur]);
}

void ui_focus(struct ui *ui, const char *id)
{
	str_fmt(ui->focus, sizeof(ui->focus), "%s", id);
	str_fmt(ui->reveal, sizeof(ui->reveal), "%s", id);
	ui->reveal_from[0] = 0;
	ui->reveal_hold = 0;
	ui->animating = 1;
}

int ui_focused(const struct ui *ui, const char *id)
{
	return ui->focus[0] && !strcmp(ui->focus, id);
}

void ui_frame_begin(struct ui *ui)
{
	ui->lang = NULL;
	struct ui_input *in = &ui->in;
	float drag_threshold = 12.0f * ui->scale + 4;

	ui->nwidgets = 0;
	ui->ncmds = 0;
	ui->arena_used = 0;
	ui->word_cut[0] = 0;
	ui->label_shrunk[0] = 0;
	ui->button_shrunk[0] = 0;
	ui->clip_on = 0;
	ui->panel = -1;
	ui->npanels = 0;
	ui->tapped[0] = 0;
	ui->activate[0] = 0;
	ui->animating = 0;

	if (in->pressed) {
		const struct hit *h = hit_at(in->x, in->y);
		str_fmt(ui->press_id, sizeof(ui->press_id), "%s", h && h->enabled ? h->id : "");
		ui->press_x = in->x;
		ui->press_y = in->y;
		ui->dragging = 0;
		ui->drag_scroll = NULL;
		for (int i = nprev_panels - 1; i >= 0; i--)
			if (contains(prev_panels[i].r, in->x, in->y)) {
				ui->drag_scroll = prev_panels[i].s;
				ui->drag_scroll->velocity = 0;
				break;
			}
		ui->drag_last_y = in->y;
		ui->drag_last_ms = in->now_ms;
	}
	if (in->down && !in->pressed && ui->drag_scroll) {
		if (!ui->dragging && fabsf((float)(in->y - ui->press_y)) > drag_threshold) {
			ui->dragging = 1;
			ui->press_id[0] = 0;
		}
		if (ui->dragging && in->y != ui->drag_last_y) {
			float dt = (float)(in->now_ms - ui->drag_last_ms);
			float dy = (float)(in->y - ui->drag_last_y);
			ui->drag_scroll->offset -= dy;
			ui->drag_scroll->velocity = dt > 0 ? -dy / dt : 0;
			ui->drag_last_y = in->y;
			ui->drag_last_ms = in->now_ms;
		}
	}
	if (in->released) {
		if (!ui->dragging && ui->press_id[0]) {
			const struct hit *h = hit_at(in->x, in->y);
			if (h && !strcmp(h->id, ui->press_id))
				str_fmt(ui->tapped, sizeof(ui->tapped), "%s", h->id);
		}
		if (ui->dragging && ui->drag_scroll) {
			/* A pause before lifting the finger means no fling. */
			if (in->now_ms - ui->drag_last_ms > 100)
				ui->drag_scroll->velocity = 0;
			ui->drag_scroll->last_ms = in->now_ms;
		}
		ui->press_id[0] = 0;
		ui->dragging = 0;
		ui->drag_scroll = NULL;
	}
	if (in->wheel) {
		for (int i = nprev_panels - 1; i >= 0; i--)
			if (contains(prev_panels[i].r, in->x, in->y)) {
				prev_panels[i].s->offset -= (float)in->wheel * 90.0f * ui->scale;
				break;
			}
	}

	switch (in->key) {
	case UI_KEY_TAB:
	case UI_KEY_DOWN:
	case UI_KEY_RIGHT:
		focus_step(ui, in->key == UI_KEY_TAB && in->shift ? -1 : 1, in->key == UI_KEY_RIGHT);
		break;
	case UI_KEY_BACKTAB:
	case UI_KEY_UP:
	case UI_KEY_LEFT:
		focus_step(ui, -1, in->key == UI_KEY_LEFT);
		break;
	case UI_KEY_ENTER:
	case UI_KEY_SPACE:
		if (ui->focus[0])
			str_fmt(ui->activate, sizeof(ui->activate), "%s", ui->focus);
		break;
	default:
		break;
	}
}

/* Text the voice guide reads when the keypad reaches it. */
static int readable(const struct ui *ui, const struct ui_widget *w)
{
	return ui->focus_text && w->label[0] &&
	       (w->role == UI_ROLE_TEXT || w->role == UI_ROLE_HEADING || w->role == UI_ROLE_ALERT);
}

static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	while (n--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

const char *ui_alert_owner(const struct ui *ui, const char *alert_id, char *buf, size_t size)
{
	const struct ui_widget *a = ui_find(ui, alert_id);
	if (a && a->owner[0]) {
		str_fmt(buf, size, "%s", a->owner);
		return ui_find(ui, buf) ? buf : NULL;
	}
	if (strncmp(alert_id, "error:", 6))
		return NULL;
	str_fmt(buf, size, "field:%s", alert_id + 6);
	return ui_find(ui, buf) ? buf : NULL;
}

void ui_alerts_renew(struct ui *ui)
{
	/* The screen checks its answers after drawing them: the errors
	 * that refusal sets show in the next frame. */
	ui->alerts_renew = 1;
}

/* Errors must never hide below the fold or behind the keyboard: the
 * first error that was not on screen last frame (or whose text changed)
 * is revealed, with its field above it, and takes the focus. The reveal
 * is held a few frames, since taking the focus may bring up the keyboard
 * and shrink the panel. */
static void alerts_track(struct ui *ui)
{
	const struct ui_widget *first = NULL;
	int n = 0, relabel = ui->alerts_relabel;
	char owner[64];
	const char *o;

	ui->alerts_relabel = 0;
	if (ui->alerts_renew == 1) {
		ui->alerts_renew = 2;
		return;
	}
	if (ui->alerts_renew == 2) {
		ui->alerts_renew = 0;
		ui->nalerts = 0;
	}
	for (int i = 0; i < ui->nwidgets; i++) {
		const struct ui_widget *w = &ui->widgets[i];
		uint32_t h;
		int seen = 0;
		if (w->role != UI_ROLE_ALERT)
			continue;
		h = fnv(2166136261u, w->label, strlen(w->label));
		for (int j = 0; j < ui->nalerts; j++)
			if (!strcmp(ui->alerts[j].id, w->id) && (relabel || ui->alerts[j].text == h))
				seen = 1;
		if (!seen && !first)
			first = w;
		if (n < (int)ARRAY_SIZE(ui->alerts)) {
			memcpy(ui->alerts[n].id, w->id, sizeof(ui->alerts[n].id));
			ui->alerts[n++].text = h;
		}
	}
	ui->nalerts = n;
	if (!first)
		return;
	o = ui_alert_owner(ui, first->id, owner, sizeof(owner));
	if (!o || !ui_focused(ui, o))
		ui_focus(ui, o ? o : first->id);
	str_fmt(ui->reveal, sizeof(ui->reveal), "%s", first->id);
	str_fmt(ui->reveal_from, sizeof(ui->reveal_from), "%s", o ? o : "");
	ui->reveal_hold = 3;
	str_fmt(ui->alert_shown, sizeof(ui->alert_shown), "%s", first->id);
	ui->alert_seq++;
	ui->animating = 1;
}

void ui_frame_end(struct ui *ui)
{
	uint32_t h = 2166136261u;
	int i, focus_seen = 0;

	/* State changed by this frame's input shows in the next frame. */
	if (ui->tapped[0] || ui->activate[0] || ui->in.key || ui->in.text[0] || ui->in.pressed ||
	    ui->in.released)
		ui->animating = 1;
	alerts_track(ui);
	nprev_hits = 0;
	ui->nfocus_order = 0;
	for (i = 0; i < ui->nwidgets; i++) {
		const struct ui_widget *w = &ui->widgets[i];
		/* A focused error is in the order too: Tab goes on from it;
		 * with the voice guide, texts and headings as well. */
		if ((w->focusable && w->enabled) || (w->role == UI_ROLE_ALERT && ui_focused(ui, w->id)) || readable(ui, w)) {
			ui->focus_order_text[ui->nfocus_order] = !(w->focusable && w->enabled) && w->role != UI_ROLE_ALERT;
			memcpy(ui->focus_order[ui->nfocus_order++], w->id, sizeof(w->id));
		}
		if (ui->focus[0] && !strcmp(w->id, ui->focus))
			focus_seen = 1;
		if (!w->visible)
			continue;
		struct hit *hit = &prev_hits[nprev_hits++];
		memcpy(hit->id, w->id, sizeof(hit->id));
		hit->r = w->panel >= 0 ? intersect(w->r, ui->panels[w->panel].r) : w->r;
		hit->enabled = w->enabled;
		hit->panel = w->panel;
	}
	/* A focused widget that left the screen loses focus. */
	if (ui->focus[0] && !focus_seen)
		ui->focus[0] = 0;
	{
		/* Text has no ring of its own: draw one (both bands, as
		 * focus_ring) when the keypad is on it; errors draw theirs. */
		const struct ui_widget *fw = ui->focus[0] ? ui_find(ui, ui->focus) : NULL;
		if (fw && readable(ui, fw) && fw->role != UI_ROLE_ALERT && fw->visible && ui->ncmds + 2 <= UI_MAX_CMDS) {
			int t = ui_px(ui, 5) > 2 ? ui_px(ui, 5) : 3, it = t / 2 > 2 ? t / 2 : 2;
			struct ui_rect in = { fw->r.x - it, fw->r.y - it, fw->r.w + 2 * it, fw->r.h + 2 * it };
			struct ui_rect out = { in.x - t, in.y - t, in.w + 2 * t, in.h + 2 * t };
			for (int band = 0; band < 2; band++) {
				struct ui_cmd *c = &ui->cmds[ui->ncmds++];
				struct ui_rect r = band ? in : out;
				if (fw->panel >= 0)
					r = intersect(r, ui->panels[fw->panel].r);
				memset(c, 0, sizeof(*c));
				c->kind = UI_CMD_RECT;
				c->r = r;
				c->color = ui_color(ui, band ? C_FOCUS : C_FOCUS_EDGE);
				c->thickness = band ? it : t;
			}
		}
	}
	if (strcmp(ui->focus, ui->prev_focus)) {
		const struct ui_widget *fw = ui_find(ui, ui->focus);
		memcpy(ui->prev_focus, ui->focus, sizeof(ui->focus));
		if (fw)
			ui_announce(ui, UI_ANNOUNCE_FOCUS, fw->text);
	}
	{
		/* Announce an error the first frame it appears. */
		uint32_t ah = 2166136261u;
		const char *first = NULL;
		for (i = 0; i < ui->nwidgets; i++)
			if (ui->widgets[i].role == UI_ROLE_ALERT) {
				ah = fnv(ah, ui->widgets[i].label, strlen(ui->widgets[i].label));
				if (!first)
					first = ui->widgets[i].text;
			}
		if (first && ah != ui->alert_hash)
			ui_announce(ui, UI_ANNOUNCE_ERROR, first);
		ui->alert_hash = first ? ah : 0;
	}
	nprev_panels = ui->npanels;
	for (i = 0; i < ui->npanels; i++) {
		prev_panels[i].r = ui->panels[i].r;
		prev_panels[i].s = ui->panels[i].s;
	}
	for (i = 0; i < ui->ncmds; i++) {
		const struct ui_cmd *c = &ui->cmds[i];
		h = fnv(h, &c->kind, sizeof(c->kind));
		h = fnv(h, &c->r, sizeof(c->r));
		h = fnv(h, &c->color, sizeof(c->color));
		h = fnv(h, &c->px, sizeof(c->px));
		h = fnv(h, &c->font, sizeof(c->font));
		h = fnv(h, &c->thickness, sizeof(c->thickness));
		if (c->text)
			h = fnv(h, c->text, strlen(c->text));
		if (c->bits)
			h = fnv(h, c->bits, (size_t)c->side * (size_t)c->side);
	}
	ui->hash = h;
}

void *ui_alloc(struct ui *ui, size_t size)
{
	size_t at = (ui->arena_used + 15) & ~(size_t)15;
	void *p;
	if (at + size > UI_ARENA)
		return NULL;
	p = ui->arena + at;
	memset(p, 0, size);
	ui->arena_used = at + size;
	return p;
}

const char *ui_strdup(struct ui *ui, const char *s)
{
	size_t n = strlen(s), room = UI_ARENA - ui->arena_used;
	char *p;
	if (room < 2)
		return "";
	if (n >= room)
		n = room - 1;
	p = ui->arena + ui->arena_used;
	memcpy(p, s, n);
	p[n] = 0;
	ui->arena_used += n + 1;
	return p;
}

static int ty(const struct ui *ui)
{
	if (ui->panel < 0)
		return 0;
	return ui->panels[ui->panel].r.y - (int)ui->panels[ui->panel].s->offset;
}

/* Right-to-left languages: screens lay out left to right, the layer
 * mirrors every rectangle (x' = width - x - w) on its way out. */
static struct ui_rect mirror(const struct ui *ui, struct ui_rect r)
{
	if (ui->rtl)
		r.x = ui->w - r.x - r.w;
	return r;
}

static struct ui_cmd *cmd_add(struct ui *ui, enum ui_cmd_kind kind, struct ui_rect r)
{
	struct ui_cmd *c;
	if (ui->ncmds >= UI_MAX_CMDS)
		return NULL;
	r = mirror(ui, r);
	r.y += ty(ui);
	if (ui->clip_on && kind != UI_CMD_CLIP) {
		struct ui_rect v = intersect(r, ui->clip);
		if (!v.w || !v.h)
			return NULL;
	}
	c = &ui->cmds[ui->ncmds++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->r = r;
	return c;
}

void ui_draw_rect(struct ui *ui, struct ui_rect r, uint32_t color)
{
	struct ui_cmd *c = cmd_add(ui, UI_CMD_RECT, r);
	if (c)
		c->color = color;
}

void ui_draw_frame(struct ui *ui, struct ui_rect r, uint32_t color, int thickness)
{
	struct ui_cmd *c = cmd_add(ui, UI_CMD_RECT, r);
	if (c) {
		c->color = color;
		c->thickness = thickness < 1 ? 1 : thickness;
	}
}

void ui_draw_text(struct ui *ui, int x, int y, int font, int px, uint32_t color, const char *text)
{
	struct ui_rect r = { x, y, ui->text.width(ui->text.ctx, font, px, text, strlen(text)),
			     ui->text.line_height(ui->text.ctx, font, px) };
	struct ui_cmd *c;
	if (!*text)
		return;
	c = cmd_add(ui, UI_CMD_TEXT, r);
	if (c) {
		c->color = color;
		c->font = font;
		c->px = px;
		c->text = ui_strdup(ui, text);
	}
}

int ui_group_begin(struct ui *ui, struct ui_rect r)
{
	struct ui_cmd *c;
	if (ui->clip_on)
		return -1;
	c = cmd_add(ui, UI_CMD_GROUP, r);
	return c ? (int)(c - ui->cmds) : -1;
}

void ui_group_end(struct ui *ui)
{
	cmd_add(ui, UI_CMD_GROUP, (struct ui_rect){ 0, 0, 0, 0 });
}

void ui_draw_bitmap(struct ui *ui, struct ui_rect r, const unsigned char *bits, int side)
{
	struct ui_cmd *c = cmd_add(ui, UI_CMD_BITMAP, r);
	if (c) {
		c->bits = bits;
		c->side = side;
		c->color = 0x000000;
	}
}

void ui_qr(struct ui *ui, const char *id, const char *label, const unsigned char *modules, int width,
	   int quiet, struct ui_rect r)
{
	int side = width + 2 * quiet;
	unsigned char *bits = ui_alloc(ui, (size_t)side * (size_t)side);
	ui_widget_add(ui, id, UI_ROLE_IMAGE, label, r, 0);
	if (!bits)
		return;
	for (int y = 0; y < width; y++)
		memcpy(bits + (size_t)(y + quiet) * (size_t)side + (size_t)quiet, modules + (size_t)y * (size_t)width,
		       (size_t)width);
	ui_draw_bitmap(ui, r, bits, side);
}

void ui_draw_card(struct ui *ui, struct ui_rect r)
{
	int s = ui_px(ui, 4) > 1 ? ui_px(ui, 4) : 2;
	/* The shadow (the card moved by s/2, s) is only what the card
	 * leaves of it: its right and bottom strips, not a second fill of
	 * the whole card (the same pixels, half the filling). */
	ui_draw_rect(ui, (struct ui_rect){ r.x + r.w, r.y + s, s / 2, r.h }, ui_color(ui, C_SHADOW));
	ui_draw_rect(ui, (struct ui_rect){ r.x + s / 2, r.y + r.h, r.w, s }, ui_color(ui, C_SHADOW));
	ui_draw_rect(ui, r, ui_color(ui, C_SURFACE));
	ui_draw_frame(ui, r, ui_color(ui, C_BORDER), 1);
}

static int utf8_prev(const char *s, int i)
{
	do
		i--;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
	return i;
}

int ui_text_wrap(struct ui *ui, const char *text, int font, int px, int w,
		 const char **starts, size_t *lens, int max)
{
	int n = 0;
	const char *p = text;
	while (*p && n < max) {
		const char *line = p, *brk = NULL, *q = p;
		size_t len;
		if (*p == '\n') {
			starts[n] = p;
			lens[n++] = 0;
			p++;
			continue;
		}
		/* Extend word by word while the line fits. */
		for (;;) {
			const char *e = q;
			while (*e && *e != ' ' && *e != '\n')
				e++;
			if (ui->text.width(ui->text.ctx, font, px, line, (size_t)(e - line)) <= w) {
				brk = e;
				if (*e != ' ')
					break;
				q = e + 1;
				continue;
			}
			break;
		}
		if (!brk) {
			/* One word wider than the box: cut it by characters. */
			int i = (int)strlen(line);
			const char *e = line;
			while (*e && *e != ' ' && *e != '\n')
				e++;
			i = (int)(e - line);
			if (!ui->word_cut[0])
				str_fmt(ui->word_cut, sizeof(ui->word_cut), "%.*s", i, line);
			while (i > 1 && ui->text.width(ui->text.ctx, font, px, line, (size_t)i) > w)
				i = utf8_prev(line, i);
			brk = line + (i > 0 ? i : 1);
		}
		len = (size_t)(brk - line);
		starts[n] = line;
		lens[n++] = len;
		p = brk;
		while (*p == ' ')
			p++;
		if (*p == '\n')
			p++;
	}
	return n;
}

enum { MAX_LINES = 64 };

int ui_text_height(struct ui *ui, const char *text, int font, int px, int w)
{
	const char *starts[MAX_LINES];
	size_t lens[MAX_LINES];
	int n = ui_text_wrap(ui, text, font, px, w, starts, lens, MAX_LINES);
	return n * ui->text.line_height(ui->text.ctx, font, px);
}

int ui_text_fit(struct ui *ui, const char *text, int font, int px, int min_px, int w, int h)
{
	for (; px > min_px; px -= px > 30 ? 2 : 1)
		if (ui_text_height(ui, text, font, px, w) <= h)
			return px;
	return min_px;
}

int ui_text_box(struct ui *ui, struct ui_rect r, const char *text, int font, int px,
		uint32_t color, int align)
{
	const char *starts[MAX_LINES];
	size_t lens[MAX_LINES];
	char line[512];
	int n, i, lh, y, maxlines;

	px = ui_text_fit(ui, text, font, px, px * 3 / 4 > 12 ? px * 3 / 4 : 12, r.w, r.h);
	lh = ui->text.line_height(ui->text.ctx, font, px);
	n = ui_text_wrap(ui, text, font, px, r.w, starts, lens, MAX_LINES);
	maxlines = lh > 0 ? r.h / lh : n;
	if (maxlines < 1)
		maxlines = 1;
	for (i = 0, y = r.y; i < n && i < maxlines; i++, y += lh) {
		size_t len = lens[i] < sizeof(line) - 8 ? lens[i] : sizeof(line) - 8;
		int x = r.x, tw;
		memcpy(line, starts[i], len);
		line[len] = 0;
		if (i == maxlines - 1 && i < n - 1) {
			/* Still too long: end with an ellipsis that fits. */
			int cut = (int)len;
			for (;;) {
				memcpy(line + cut, "\xE2\x80\xA6", 4);
				if (cut == 0 || ui->text.width(ui->text.ctx, font, px, line, strlen(line)) <= r.w)
					break;
				cut = utf8_prev(line, cut);
			}
		}
		tw = ui->text.width(ui->text.ctx, font, px, line, strlen(line));
		if (align == 1)
			x = r.x + (r.w - tw) / 2;
		ui_draw_text(ui, x, y, font, px, color, line);
	}
	return i * lh;
}

char *ui_strip_marks(const char *text, char *buf, size_t size)
{
	size_t n = 0;
	if (!size)
		return buf;
	while (*text && n + 1 < size) {
		if (*text == UI_LANG_MARK) {
			const char *end = strchr(text, '\x1f');
			text = end ? end + 1 : text + strlen(text);
			continue;
		}
		buf[n++] = *text++;
	}
	/* Not in the middle of a UTF-8 character. */
	if (((unsigned char)text[0] & 0xC0) == 0x80) {
		while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0)
			n--;
	}
	buf[n] = 0;
	return buf;
}

struct ui_widget *ui_widget_add(struct ui *ui, const char *id, enum ui_role role,
				const char *label, struct ui_rect r, int focusable)
{
	struct ui_widget *w;
	if (ui->nwidgets >= UI_MAX_WIDGETS)
		return NULL;
	w = &ui->widgets[ui->nwidgets++];
	str_fmt(w->id, sizeof(w->id), "%s", id);
	label = label ? label : "";
	if (strchr(label, UI_LANG_MARK) || strlen(label) >= sizeof(w->label)) {
		ui_strip_marks(label, w->label, sizeof(w->label));
		w->text = ui_strdup(ui, label);
	} else {
		str_fmt(w->label, sizeof(w->label), "%s", label);
		w->text = w->label;
	}
	w->lang = ui->lang;
	w->role = role;
	r = mirror(ui, r);
	r.y += ty(ui);
	w->r = r;
	w->enabled = 1;
	w->focusable = focusable;
	w->checked = 0;
	w->owner[0] = 0;
	w->above = ui->widget_above;
	w->panel = ui->panel;
	if (ui->panel >= 0) {
		struct ui_rect v = intersect(r, ui->panels[ui->panel].r);
		w->visible = v.w > 0 && v.h > 0;
	} else {
		w->visible = r.w > 0 && r.h > 0 && r.x < ui->w && r.y < ui->h;
	}
	if (ui->reveal[0] && !strcmp(ui->reveal, id) && ui->panel >= 0) {
		struct ui_scroll *s = ui->panels[ui->panel].s;
		struct ui_rect pr = ui->panels[ui->panel].r;
		int margin = ui_px(ui, 24), top = r.y, bottom = r.y + r.h;
		const struct ui_widget *from = ui->reveal_from[0] ? ui_find(ui, ui->reveal_from) : NULL;
		/* A field's label comes with it, when both fit: a citizen
		 * must see what the field asks (at 800x480 the age field
		 * stopped under the header with its question cut). */
		if (ui->widget_above > 0 && bottom - (top - ui->widget_above) <= pr.h - 2 * margin)
			top -= ui->widget_above;
		/* With the field it belongs to, when both fit (with less
		 * margin when that is what it takes: a short landscape panel
		 * at 200% with the keyboard up). */
		if (from && from->panel == ui->panel && from->r.y < top && bottom - from->r.y <= pr.h) {
			top = from->r.y;
			/* and the field's label, when that fits too (it was
			 * left 2 px under the header at uk 480x800 200%). */
			if (from->above > 0 && bottom - (top - from->above) <= pr.h)
				top -= from->above;
			if (bottom - top > pr.h - 2 * margin)
				margin = (pr.h - (bottom - top)) / 2;
		}
		if (top < pr.y + margin)
			s->offset -= (float)(pr.y + margin - top);
		else if (bottom > pr.y + pr.h - margin)
			s->offset += (float)(bottom - (pr.y + pr.h - margin) < top - (pr.y + margin) ?
					     bottom - (pr.y + pr.h - margin) : top - (pr.y + margin));
		if (ui->reveal_hold > 0) {
			ui->reveal_hold--;
		} else {
			ui->reveal[0] = 0;
			ui->reveal_from[0] = 0;
		}
		ui->animating = 1;
	} else if (ui->reveal[0] && !strcmp(ui->reveal, id)) {
		ui->reveal[0] = 0;
		ui->reveal_from[0] = 0;
		ui->reveal_hold = 0;
	}
	return w;
}

static int activated(struct ui *ui, const char *id)
{
	return !strcmp(ui->tapped, id) || !strcmp(ui->activate, id);
}

static void focus_ring(struct ui *ui, const char *id, struct ui_rect r)
{
	int t = ui_px(ui, 5) > 2 ? ui_px(ui, 5) : 3, et = t / 2 > 2 ? t / 2 : 2;
	if (!ui_focused(ui, id))
		return;
	/* Two bands 9:1 apart, so one of them stands out on any background
	 * (WCAG technique C40), the header's blue included: the orange ring
	 * and, around it, a dark edge (also what shows when the ring is
	 * scrolled almost out of a panel). */
	struct ui_rect band = { r.x - t - 1, r.y - t - 1, r.w + 2 * t + 2, r.h + 2 * t + 2 };
	struct ui_rect edge = { band.x - et, band.y - et, band.w + 2 * et, band.h + 2 * et };
	ui_draw_frame(ui, edge, ui_color(ui, C_FOCUS_EDGE), et);
	ui_draw_frame(ui, band, ui_color(ui, C_FOCUS), t);
}

int ui_button_enabled(struct ui *ui, const char *id, const char *label, struct ui_rect r,
		      enum ui_button_style style, int enabled)
{
	struct ui_widget *w = ui_widget_add(ui, id, UI_ROLE_BUTTON, label, r, 1);
	int pressed = !strcmp(ui->press_id, id) && ui->in.down;
	uint32_t fill, text, border = 0;
	int has_border = style != UI_PRIMARY && style != UI_DANGER && style != UI_GHOST;
	int pad = ui_px(ui, 16), px = ui_font_px(ui, 34);
	int bt = ui_px(ui, 3) > 1 ? ui_px(ui, 3) : 2;

	if (!w)
		return 0;
	w->enabled = enabled;
	w->checked = style == UI_CHOICE_ON;
	if (style == UI_CHOICE || style == UI_CHOICE_ON)
		w->role = UI_ROLE_RADIO;
	switch (style) {
	case UI_PRIMARY:
		fill = ui_color(ui, pressed ? C_PRIMARY_DARK : C_PRIMARY);
		text = ui_color(ui, C_ON_PRIMARY);
		break;
	case UI_DANGER:
		fill = ui_color(ui, C_ERROR);
		text = ui_color(ui, C_ON_PRIMARY);
		break;
	case UI_CHOICE_ON:
		fill = ui_color(ui, C_PRIMARY);
		text = ui_color(ui, C_ON_PRIMARY);
		border = ui_color(ui, C_PRIMARY_DARK);
		break;
	case UI_GHOST:
		fill = pressed ? ui_color(ui, C_PRESSED) : 0xFFFFFFFF;
		text = ui_color(ui, C_PRIMARY);
		break;
	case UI_CHOICE:
		fill = ui_color(ui, pressed ? C_PRESSED : C_SURFACE);
		text = ui_color(ui, C_TEXT);
		border = ui_color(ui, C_BORDER);
		break;
	default:
		fill = ui_color(ui, pressed ? C_PRESSED : C_SURFACE);
		text = ui_color(ui, C_PRIMARY);
		border = ui_color(ui, C_PRIMARY);
		break;
	}
	if (!enabled) {
		/* Flat, grey and thinly outlined: plainly not for use, yet
		 * readable (high contrast had black on black here). */
		fill = style == UI_GHOST ? 0xFFFFFFFF : ui_color(ui, C_DISABLED);
		text = ui_color(ui, C_ON_DISABLED);
		border = ui_color(ui, C_ON_DISABLED);
		has_border = style != UI_GHOST;
		bt = 1;
	}
	if (fill != 0xFFFFFFFF)
		ui_draw_rect(ui, r, fill);
	/* Black is a colour too (high contrast): test the style, not the value. */
	if (has_border)
		ui_draw_frame(ui, r, border, bt);
	{
		struct ui_rect tr = { r.x + pad, r.y, r.w - 2 * pad, r.h };
		int lh = ui->text.line_height(ui->text.ctx, UI_FONT_SEMIBOLD, px);
		int fpx = ui_text_fit(ui, label, UI_FONT_SEMIBOLD, px, px * 2 / 3, tr.w, r.h - pad / 2);
		int th = ui_text_height(ui, label, UI_FONT_SEMIBOLD, fpx, tr.w);
		(void)lh;
		/* A button's word set smaller than its size is a label that
		 * shrank (expect-labels-grown: "Фільтри" at 800x480 200%). */
		if (fpx < px && !ui->button_shrunk[0])
			str_fmt(ui->button_shrunk, sizeof(ui->button_shrunk), "%s", label);
		if (th > r.h)
			th = r.h;
		tr.y = r.y + (r.h - th) / 2;
		tr.h = th;
		ui_text_box(ui, tr, label, UI_FONT_SEMIBOLD, fpx, text, 1);
	}
	focus_ring(ui, id, r);
	return enabled && activated(ui, id);
}

int ui_button_h(const struct ui *ui, float units)
{
	int h = ui_px(ui, units);
	int need = ui->text.line_height(ui->text.ctx, UI_FONT_SEMIBOLD, ui_font_px(ui, 34)) + ui_px(ui, 24);
	if (need < ui_target_min(ui))
		need = ui_target_min(ui);
	return need > h ? need : h;
}

int ui_button(struct ui *ui, const char *id, const char *label, struct ui_rect r,
	      enum ui_button_style style)
{
	return ui_button_enabled(ui, id, label, r, style, 1);
}

int ui_label(struct ui *ui, const char *id, const char *text, struct ui_rect r, int font,
	     int px, enum ui_color color)
{
	const char *shown = text;
	int h;
	/* Language marks are for the voice guide: drawn without them. */
	if (strchr(text, UI_LANG_MARK)) {
		size_t n = strlen(text) + 1;
		char *b = ui_alloc(ui, n);
		shown = b ? ui_strip_marks(text, b, n) : "";
	}
	h = ui_text_height(ui, shown, font, px, r.w);
	r.h = h;
	if (id)
		ui_widget_add(ui, id, font == UI_FONT_BOLD ? UI_ROLE_HEADING : UI_ROLE_TEXT, text, r, 0);
	ui_text_box(ui, r, shown, font, px, ui_color(ui, color), 0);
	return h;
}

int ui_area(struct ui *ui, const char *id, enum ui_role role, const char *label, struct ui_rect r)
{
	struct ui_widget *w = ui_widget_add(ui, id, role, label, r, role != UI_ROLE_GESTURE);
	if (!w)
		return 0;
	focus_ring(ui, id, r);
	return activated(ui, id);
}

int ui_error(struct ui *ui, const char *id, const char *text, struct ui_rect r)
{
	return ui_error_for(ui, id, NULL, text, r);
}

int ui_error_for(struct ui *ui, const char *id, const char *owner_id, const char *text, struct ui_rect r)
{
	int px = ui_font_px(ui, 28), pad = ui_px(ui, 12);
	int bar = ui_px(ui, 6) > 2 ? ui_px(ui, 6) : 3;
	int h = ui_text_height(ui, text, UI_FONT_SEMIBOLD, px, r.w - 2 * pad - bar) + 2 * pad;
	struct ui_rect box = { r.x, r.y, r.w, h };
	struct ui_rect side = { r.x, r.y, bar, h };
	struct ui_rect tr = { r.x + bar + pad, r.y + pad, r.w - 2 * pad - bar, h - 2 * pad };
	struct ui_widget *w = ui_widget_add(ui, id, UI_ROLE_ALERT, text, box, 0);
	if (w && owner_id)
		str_fmt(w->owner, sizeof(w->owner), "%s", owner_id);
	ui_draw_rect(ui, box, ui_color(ui, C_ERROR_BG));
	ui_draw_rect(ui, side, ui_color(ui, C_ERROR));
	ui_text_box(ui, tr, text, UI_FONT_SEMIBOLD, px, ui_color(ui, C_ERROR), 0);
	focus_ring(ui, id, box);
	return h;
}

int ui_field_box_h(struct ui *ui)
{
	int h = ui->text.line_height(ui->text.ctx, UI_FONT_REGULAR, ui_font_px(ui, 36)) + 2 * ui_px(ui, 16);
	return h < ui_target_min(ui) ? ui_target_min(ui) : h;
}

int ui_field(struct ui *ui, const char *id, const char *label, const char *value,
	     const char *placeholder, const char *err, struct ui_rect r, int *used_h)
{
	int lpx = ui_font_px(ui, 28), vpx = ui_font_px(ui, 36), pad = ui_px(ui, 16);
	int y = r.y, focused = ui_focused(ui, id), hit;
	int lh = ui_label(ui, NULL, label, (struct ui_rect){ r.x, y, r.w, 0 }, UI_FONT_SEMIBOLD, lpx, C_TEXT);
	int bh = ui_field_box_h(ui);
	struct ui_rect box;
	struct ui_widget *w;

	y += lh + ui_px(ui, 6);
	box = (struct ui_rect){ r.x, y, r.w, bh };
	ui->widget_above = lh + ui_px(ui, 6);
	w = ui_widget_add(ui, id, UI_ROLE_FIELD, label, box, 1);
	ui->widget_above = 0;
	if (w && err && *err)
		w->checked = 0;
	ui_draw_rect(ui, box, ui_color(ui, C_FIELD));
	ui_draw_frame(ui, box, ui_color(ui, err && *err ? C_ERROR : focused ? C_PRIMARY : C_MUTED),
		      focused || (err && *err) ? (ui_px(ui, 4) > 2 ? ui_px(ui, 4) : 2) : (ui_px(ui, 2) > 1 ? ui_px(ui, 2) : 1));
	if (!(value && *value)) {
		/* A placeholder reads from its start, shortened if it must be. */
		int vlh = ui->text.line_height(ui->text.ctx, UI_FONT_REGULAR, vpx);
		ui_text_box(ui, (struct ui_rect){ box.x + pad, box.y + pad, box.w - 2 * pad, vlh },
			    placeholder ? placeholder : "", UI_FONT_REGULAR, vpx, ui_color(ui, C_PLACEHOLDER), 0);
		if (focused)
			ui_draw_rect(ui, (struct ui_rect){ box.x + pad, box.y + pad / 2, ui_px(ui, 3) > 1 ? ui_px(ui, 3) : 2, bh - pad },
				     ui_color(ui, C_PRIMARY));
	} else {
		const char *shown = value;
		int maxw = box.w - 2 * pad;
		int tw = ui->text.width(ui->text.ctx, UI_FONT_REGULAR, vpx, shown, strlen(shown));
		const char *start = shown;
		/* A value that does not fit (a protocol number at large text)
		 * is first set a little smaller, whole; */
		while (!focused && tw > maxw && vpx > ui_font_px(ui, 36) * 2 / 3) {
			vpx--;
			tw = ui->text.width(ui->text.ctx, UI_FONT_REGULAR, vpx, shown, strlen(shown));
		}
		/* long values show their end, where the citizen is typing. */
		while (tw > maxw && *start) {
			start++;
			while (((unsigned char)*start & 0xC0) == 0x80)
				start++;
			tw = ui->text.width(ui->text.ctx, UI_FONT_REGULAR, vpx, start, strlen(start));
		}
		ui_draw_text(ui, box.x + pad,
			     box.y + (bh - ui->text.line_height(ui->text.ctx, UI_FONT_REGULAR, vpx)) / 2,
			     UI_FONT_REGULAR, vpx, ui_color(ui, value && *value ? C_TEXT : C_MUTED), start);
		if (focused) {
			/* After the last character typed: Latin text sits at the
			 * right of a mirrored field, so its end is on the right. */
			int cx = ui->rtl ? box.x + pad - 2 - (ui_px(ui, 3) > 1 ? ui_px(ui, 3) : 2)
					 : box.x + pad + (value && *value ? tw : 0) + 2;
			struct ui_rect caret = { cx, box.y + pad / 2, ui_px(ui, 3) > 1 ? ui_px(ui, 3) : 2, bh - pad };
			ui_draw_rect(ui, caret, ui_color(ui, C_PRIMARY));
		}
	}
	focus_ring(ui, id, box);
	y += bh;
	if (err && *err) {
		char eid[64];
		y += ui_px(ui, 6);
		str_fmt(eid, sizeof(eid), "error:%s", id + (strncmp(id, "field:", 6) ? 0 : 6));
		y += ui_error(ui, eid, err, (struct ui_rect){ r.x, y, r.w, 0 });
	}
	if (used_h)
		*used_h = y - r.y;
	hit = activated(ui, id);
	if (!strcmp(ui->tapped, id) && !focused)
		ui_focus(ui, id);
	return hit;
}

int ui_checkbox(struct ui *ui, const char *id, const char *label, int *checked, struct ui_rect r,
		int *used_h)
{
	int box = ui_px(ui, 56), px = ui_font_px(ui, 30), gap = ui_px(ui, 20);
	int th = ui_text_height(ui, label, UI_FONT_REGULAR, px, r.w - box - gap);
	int h = th > box ? th : box;
	struct ui_rect all;
	/* The row is the target (28 px at 800x480 was too small). */
	if (h < ui_target_min(ui))
		h = ui_target_min(ui);
	all = (struct ui_rect){ r.x, r.y, r.w, h };
	struct ui_rect b = { r.x, r.y, box, box };
	struct ui_widget *w = ui_widget_add(ui, id, UI_ROLE_CHECKBOX, label, all, 1);
	int bt = ui_px(ui, 4) > 2 ? ui_px(ui, 4) : 2;
	if (activated(ui, id))
		*checked = !*checked;
	if (w)
		w->checked = *checked;
	ui_draw_rect(ui, b, ui_color(ui, *checked ? C_PRIMARY : C_FIELD));
	ui_draw_frame(ui, b, ui_color(ui, *checked ? C_PRIMARY_DARK : C_MUTED), bt);
	if (*checked) {
		/* A tick from two strokes of small squares. */
		int s = box / 10 > 2 ? box / 10 : 2;
		for (int i = 0; i < 3; i++)
			ui_draw_rect(ui, (struct ui_rect){ b.x + box / 5 + i * s, b.y + box / 2 + i * s, s + 1, s + 1 },
				     ui_color(ui, C_ON_PRIMARY));
		for (int i = 0; i < 6; i++)
			ui_draw_rect(ui, (struct ui_rect){ b.x + box / 5 + 3 * s + i * s, b.y + box / 2 + 2 * s - (i + 1) * s, s + 1, s + 1 },
				     ui_color(ui, C_ON_PRIMARY));
	}
	ui_text_box(ui, (struct ui_rect){ r.x + box + gap, r.y + (h - th) / 2, r.w - box - gap, th }, label,
		    UI_FONT_REGULAR, px, ui_color(ui, C_TEXT), 0);
	focus_ring(ui, id, all);
	if (used_h)
		*used_h = h;
	return 0;
}

void ui_panel_begin(struct ui *ui, const char *id, struct ui_rect r, struct ui_scroll *s)
{
	struct ui_cmd *c;
	(void)id;
	if (ui->npanels >= UI_MAX_PANELS)
		return;
	/* Momentum: the fling decays exponentially (about 1/3 per 100 ms). */
	if (!(ui->dragging && ui->drag_scroll == s) && s->velocity != 0.0f) {
		int64_t dt = ui->in.now_ms - s->last_ms;
		if (dt > 0 && dt < 1000) {
			s->offset += s->velocity * (float)dt;
			s->velocity *= powf(0.996f, (float)dt);
			if (fabsf(s->velocity) < 0.03f)
				s->velocity = 0;
		} else if (dt >= 1000) {
			s->velocity = 0;
		}
	}
	s->last_ms = ui->in.now_ms;
	if (s->velocity != 0.0f)
		ui->animating = 1;
	r = mirror(ui, r);
	ui->panels[ui->npanels].s = s;
	ui->panels[ui->npanels].r = r;
	ui->panel = ui->npanels++;
	s->view_h = r.h;
	if (s->content_h > 0) {
		float max = (float)(s->content_h - r.h);
		if (s->offset > max)
			s->offset = max;
	}
	if (s->offset < 0)
		s->offset = 0;
	ui->clip = r;
	ui->clip_on = 1;
	c = &ui->cmds[ui->ncmds < UI_MAX_CMDS ? ui->ncmds++ : UI_MAX_CMDS - 1];
	memset(c, 0, sizeof(*c));
	c->kind = UI_CMD_CLIP;
	c->r = r;
	/* A scroll panel's clip says so, with the offset its content is
	 * drawn at: the renderer moves last frame's pixels when only that
	 * changed (kiosk/render.c, scroll_plan()). */
	c->side = 1;
	c->px = (int)s->offset;
}

void ui_panel_end(struct ui *ui, int content_h)
{
	struct ui_cmd *c;
	struct ui_scroll *s;
	struct ui_rect pr;
	if (ui->panel < 0)
		return;
	s = ui->panels[ui->panel].s;
	s->content_h = content_h;
	if (s->offset > (float)(content_h - s->view_h)) {
		s->offset = (float)(content_h - s->view_h);
		s->velocity = 0;
	}
	if (s->offset < 0) {
		s->offset = 0;
		s->velocity = 0;
	}
	pr = ui->panels[ui->panel].r;
	ui->panel = -1;
	ui->clip_on = 0;
	c = &ui->cmds[ui->ncmds < UI_MAX_CMDS ? ui->ncmds++ : UI_MAX_CMDS - 1];
	memset(c, 0, sizeof(*c));
	c->kind = UI_CMD_CLIP;
	/* A scroll bar shows there is more below: drawn over the panel
	 * (within it), after its clip, as it does not move with the content. */
	if (content_h > s->view_h) {
		int bw = ui_px(ui, 8) > 3 ? ui_px(ui, 8) : 3;
		int bh = (int)((float)pr.h * (float)pr.h / (float)content_h);
		int by = pr.y + (int)((float)(pr.h - bh) * s->offset / (float)(content_h - s->view_h));
		ui_draw_rect(ui, (struct ui_rect){ pr.x + pr.w - bw - 2, by, bw, bh }, ui_color(ui, C_MUTED));
	}
}

const struct ui_widget *ui_find(const struct ui *ui, const char *id)
{
	for (int i = 0; i < ui->nwidgets; i++)
		if (!strcmp(ui->widgets[i].id, id))
			return &ui->widgets[i];
	return NULL;
}

void ui_announce(struct ui *ui, enum ui_announce kind, const char *text)
{
	if (ui->announce)
		ui->announce(ui->announce_ctx, kind, text);
}

int ui_focus_next_field(struct ui *ui)
{
	int seen = 0;
	for (int i = 0; i < ui->nwidgets; i++) {
		const struct ui_widget *w = &ui->widgets[i];
		if (seen && w->role == UI_ROLE_FIELD && w->enabled) {
			ui_focus(ui, w->id);
			return 0;
		}
		if (!strcmp(w->id, ui->focus))
			seen = 1;
	}
	return -1;
}

static double channel(uint32_t c, int shift)
{
	double v = (double)((c >> shift) & 255) / 255.0;
	return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

double ui_contrast(uint32_t a, uint32_t b)
{
	double la = 0.2126 * channel(a, 16) + 0.7152 * channel(a, 8) + 0.0722 * channel(a, 0);
	double lb = 0.2126 * channel(b, 16) + 0.7152 * channel(b, 8) + 0.0722 * channel(b, 0);
	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* The colour drawn at (x, y) by the commands before cmd i: the topmost
 * fill (within its clip) or bitmap there, else the background. */
static uint32_t colour_under(const struct ui *ui, const struct ui_rect *eff, int i, int x, int y)
{
	for (int j = i - 1; j >= 0; j--) {
		const struct ui_cmd *c = &ui->cmds[j];
		if ((c->kind == UI_CMD_RECT && !c->thickness) || c->kind == UI_CMD_BITMAP)
			if (contains(eff[j], x, y))
				return c->kind == UI_CMD_BITMAP ? 0xFFFFFF : c->color & 0xFFFFFF;
	}
	return ui_color(ui, C_BG);
}

int ui_contrast_check(const struct ui *ui, char *why, size_t size)
{
	static struct ui_rect eff[UI_MAX_CMDS];
	struct ui_rect clip = { 0, 0, 0, 0 };
	int clip_on = 0;

	for (int i = 0; i < ui->ncmds; i++) {
		const struct ui_cmd *c = &ui->cmds[i];
		if (c->kind == UI_CMD_CLIP) {
			clip = c->r;
			clip_on = c->r.w > 0;
		}
		eff[i] = clip_on && c->kind != UI_CMD_CLIP ? intersect(c->r, clip) : c->r;
	}
	for (int i = 0; i < ui->ncmds; i++) {
		const struct ui_cmd *c = &ui->cmds[i];
		uint32_t fg = c->color & 0xFFFFFF, bg;
		double ratio, need;
		if (c->kind == UI_CMD_TEXT) {
			int large = c->px >= 24 || (c->font != UI_FONT_REGULAR && c->px >= 19);
			if (!eff[i].w || !eff[i].h)
				continue;
			bg = colour_under(ui, eff, i, eff[i].x + eff[i].w / 2, eff[i].y + eff[i].h / 2);
			ratio = ui_contrast(fg, bg);
			need = large ? 3.0 : 4.5;
			if (ratio < need) {
				str_fmt(why, size, "text '%.60s' (%d px) #%06X on #%06X: %.2f:1, needs %.1f:1", c->text, c->px,
					(unsigned)fg, (unsigned)bg, ratio, need);
				return -1;
			}
		} else if (c->kind == UI_CMD_RECT && c->thickness) {
			int y = eff[i].y + eff[i].h / 2;
			uint32_t inside;
			int pair = 0;
			if (!eff[i].w || !eff[i].h)
				continue;
			inside = colour_under(ui, eff, i, c->r.x + c->thickness, y);
			bg = colour_under(ui, eff, i, c->r.x - 1, y);
			ratio = ui_contrast(fg, bg);
			if (ratio >= 3.0 || ui_contrast(inside, bg) >= 3.0)
				continue;
			/* A band of a two-colour ring (the one next to it 9:1 apart). */
			for (int j = i - 1; j <= i + 1; j += 2)
				if (j >= 0 && j < ui->ncmds && ui->cmds[j].kind == UI_CMD_RECT && ui->cmds[j].thickness &&
				    ui_contrast(fg, ui->cmds[j].color & 0xFFFFFF) >= 9.0)
					pair = 1;
			if (pair)
				continue;
			str_fmt(why, size, "outline at %d,%d %dx%d #%06X on #%06X: %.2f:1, needs 3:1", c->r.x, c->r.y,
				c->r.w, c->r.h, (unsigned)fg, (unsigned)bg, ratio);
			return -1;
		}
	}
	return 0;
}
