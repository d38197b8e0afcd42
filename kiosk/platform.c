/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * SDL2 platform layer (see platform.h). Start reading at platform_run():
 * wait for an event (or the next timer: momentum, idle countdown), turn
 * it into ui input, run one kiosk frame, and draw only if the frame's
 * draw list differs from what is on screen.
 */
#include "kiosk/platform.h"
#include "core/png.h"
#include "core/util.h"
#include "kiosk/i18n.h"
#include "kiosk/kiosk.h"
#include "kiosk/render.h"
#include "kiosk/sdnotify.h"

#include <SDL.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum { MAX_SAMPLES = 20000 };

struct platform {
	struct platform_options o;
	struct kiosk *k;
	SDL_Window *win;
	SDL_Renderer *sdl;
	SDL_Surface *surface;		/* headless */
	SDL_Texture *target;		/* rotated displays */
	struct render *render;
	int pw, ph;			/* physical size */
	int lw, lh;			/* logical size */
	int64_t vclock;			/* headless virtual ms */
	uint32_t shown_hash;
	int shown_blank;		/* what is on the glass is the blank screen */
	int drawn_once;
	int64_t start_us;
	int64_t first_frame_us;
	float *samples;			/* CPU time per drawn frame, ms */
	float *wall;			/* wall time per drawn frame, ms */
	int nsamples;
	long whole0, scrolled0;		/* render_counts() at the last stats reset */
	double floor_median_ms, floor_p99_ms;
	struct ui_input pending;	/* input of the frame to run */
	char digit;			/* a digit key whose text has not come */
	int pointer_down;
	int audio_outputs;		/* output devices at start (their "added" events are old news) */
	uint32_t warm_key;		/* what the keyboards were warmed up for (warm_key()) */
	int64_t render_c0, render_us;	/* CPU time of the last render_frame() (frame_log()) */
};

static int64_t cpu_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t clock_ms(const struct platform *p)
{
	return p->o.headless ? p->vclock : (int64_t)SDL_GetTicks64();
}

void platform_rotate_point(int rotation, int pw, int ph, int x, int y, int *lx, int *ly)
{
	switch (rotation) {
	case 90:	/* logical is ph x pw, shown turned clockwise */
		*lx = y;
		*ly = pw - 1 - x;
		break;
	case 180:
		*lx = pw - 1 - x;
		*ly = ph - 1 - y;
		break;
	case 270:
		*lx = ph - 1 - y;
		*ly = x;
		break;
	default:
		*lx = x;
		*ly = y;
	}
}

static void step(struct platform *p);
static void warm_up(struct platform *p);

/* Romanian (ă ș ț), Ukrainian and Arabic are set in Noto throughout:
 * Titillium Web's Latin subset lacks their letters. */
static void set_script(struct platform *p)
{
	const char *l = i18n_lang();
	render_set_script(p->render, p->k->ui.rtl, !strcmp(l, "ro") || !strcmp(l, "uk") || !strcmp(l, "ar"));
}

/* Shows the blank screen of private audio mode (nothing of the frame,
 * so that nobody passing by reads what is typed); the next real frame
 * is drawn whole. */
static void present_blank(struct platform *p)
{
	SDL_SetRenderTarget(p->sdl, NULL);
	SDL_SetRenderDrawColor(p->sdl, 0, 0, 0, 255);
	SDL_RenderClear(p->sdl);
	SDL_RenderPresent(p->sdl);
	render_invalidate(p->render);
	p->shown_blank = 1;
}

/* The pixels the software renderer draws the frame into, for moving a
 * scrolled panel's pixels (render_set_surface()); NULL when they are not
 * ours to touch (an accelerated renderer, a rotated display). */
static SDL_Surface *frame_surface(struct platform *p)
{
	SDL_RendererInfo info;
	if (p->o.headless)
		return p->surface;
	if (p->target || SDL_GetRendererInfo(p->sdl, &info) || !(info.flags & SDL_RENDERER_SOFTWARE))
		return NULL;
	return SDL_GetWindowSurface(p->win);
}

/* DOTE_FRAME_LOG=file: one line per drawn frame (CPU ms, wall ms, how
 * it was drawn, screen, focus), for finding the slow frames of a run. */
static void frame_log(struct platform *p, int64_t t0, int64_t c0)
{
	static FILE *f;
	static int tried;
	long whole, partial, scrolled;
	if (!tried) {
		const char *path = getenv("DOTE_FRAME_LOG");
		tried = 1;
		f = path && path[0] ? fopen(path, "w") : NULL;
	}
	if (!f)
		return;
	render_counts(p->render, &whole, &partial, &scrolled);
	fprintf(f, "%.3f render=%.3f %.3f whole=%ld partial=%ld scrolled=%ld groups=%ld t=%lld %s %s\n", (double)(cpu_us() - c0) / 1000.0,
		(double)p->render_us / 1000.0, (double)(mono_us() - t0) / 1000.0, whole, partial, scrolled, render_groups_drawn(p->render), (long long)clock_ms(p),
		p->k->screen ? p->k->screen->id : "-", p->k->ui.focus);
	fflush(f);
}

/* Draws the frame's command list and presents it. */
static void present(struct platform *p, int64_t t0, int64_t c0)
{
	struct kiosk *k = p->k;
	p->shown_blank = 0;
	if (p->target)
		SDL_SetRenderTarget(p->sdl, p->target);
	set_script(p);
	render_set_surface(p->render, frame_surface(p));
	p->render_c0 = cpu_us();
	render_frame(p->render, k->ui.cmds, k->ui.ncmds, ui_color(&k->ui, C_BG));
	p->render_us = cpu_us() - p->render_c0;
	if (p->target) {
		SDL_Rect dst = { (p->pw - p->lw) / 2, (p->ph - p->lh) / 2, p->lw, p->lh };
		SDL_SetRenderTarget(p->sdl, NULL);
		SDL_RenderClear(p->sdl);
		SDL_RenderCopyEx(p->sdl, p->target, NULL, &dst, p->o.rotation, NULL, SDL_FLIP_NONE);
	}
	SDL_RenderPresent(p->sdl);
	p->shown_hash = k->ui.hash;
	if (p->samples && p->nsamples < MAX_SAMPLES) {
		p->wall[p->nsamples] = (float)(mono_us() - t0) / 1000.0f;
		p->samples[p->nsamples++] = (float)(cpu_us() - c0) / 1000.0f;
	}
	frame_log(p, t0, c0);
	if (!p->drawn_once) {
		p->drawn_once = 1;
		if (!p->first_frame_us) {
			p->first_frame_us = mono_us() - p->start_us;
			sdnotify_ready();
			warm_up(p);
		}
	}
}

/* What the keyboards' pictures depend on and a citizen changes on a
 * screen: text size and theme. (A new language or screen size draws
 * them anew when they come up: warming up then broke what the voice
 * guide says about the change.) */
static uint32_t warm_key(const struct platform *p)
{
	const struct ui *ui = &p->k->ui;
	uint32_t h = 2166136261u;
	float ts = ui->text_scale;
	const void *theme = ui->theme;
	const unsigned char *b[] = { (const unsigned char *)&ts, (const unsigned char *)&theme };
	size_t n[] = { sizeof(ts), sizeof(theme) };
	for (size_t i = 0; i < ARRAY_SIZE(b); i++)
		for (size_t j = 0; j < n[i]; j++)
			h = (h ^ b[i][j]) * 16777619u;
	return h;
}

/* Draws the on-screen keyboards once, right after the first frame and
 * again when the text size or theme changed, so the first
 * tap on a field or on Shift does not stall a frame: their labels are
 * rasterised and the renderer keeps each keyboard's picture (the
 * letters, with Shift, for a codice fiscale, the numeric pad). Nothing
 * is presented; the real screen is drawn again after. */
static void warm_up(struct platform *p)
{
	struct kiosk *k = p->k;
	static const char *const fields[] = { "field:phone", "field:cf", "field:email", "search", "field:given_name", "field:given_name" };
	/* The frames drawn here must leave no trace in the UI's state (its
	 * widgets, alerts already announced, focus): it is put back after. */
	struct ui *saved = malloc(sizeof(*saved));
	if (!saved)
		return;
	memcpy(saved, &k->ui, sizeof(*saved));
	k->ui.announce = NULL;
	p->warm_key = warm_key(p);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		k->ui.in = (struct ui_input){ .now_ms = clock_ms(p) };
		ui_frame_begin(&k->ui);
		osk_warm(k, fields[i], i == ARRAY_SIZE(fields) - 1);
		ui_frame_end(&k->ui);
		if (p->target)
			SDL_SetRenderTarget(p->sdl, p->target);
		render_frame(p->render, k->ui.cmds, k->ui.ncmds, ui_color(&k->ui, C_BG));
	}
	memcpy(&k->ui, saved, sizeof(*saved));
	str_wipe(saved, sizeof(*saved));
	free(saved);
	/* Those frames drew over the picture: the next one draws it all. */
	render_invalidate(p->render);
	p->drawn_once = 0;
	step(p);
}

/* The receipt, just switched to at the end of the frame presented: its
 * page is laid out once between this frame and the next (the text
 * measured, every line rasterised: render_prepare()), so that its first
 * frame, drawn whole with new text and the QR code, does not do that
 * work inside the frame (issue 22: 8-12 ms). Nothing is drawn or said,
 * and the UI's and the page's state are put back. */
static void prepare_screen(struct platform *p)
{
	struct kiosk *k = p->k;
	struct ui *saved = malloc(sizeof(*saved));
	struct ui_scroll scroll = k->scroll;
	int reach[ARRAY_SIZE(k->reach_gap)], reach_used = k->reach_used, bar_pending = k->bar_pending, bar_y = k->bar_y;
	if (!saved)
		return;
	memcpy(saved, &k->ui, sizeof(*saved));
	memcpy(reach, k->reach_gap, sizeof(reach));
	k->ui.announce = NULL;
	k->ui.in = (struct ui_input){ .now_ms = clock_ms(p) };
	set_script(p);
	ui_frame_begin(&k->ui);
	k->screen->frame(k);
	ui_frame_end(&k->ui);
	render_prepare(p->render, k->ui.cmds, k->ui.ncmds);
	memcpy(&k->ui, saved, sizeof(*saved));
	str_wipe(saved, sizeof(*saved));
	free(saved);
	k->scroll = scroll;
	memcpy(k->reach_gap, reach, sizeof(reach));
	k->reach_used = reach_used;
	k->bar_pending = bar_pending;
	k->bar_y = bar_y;
}

/* Runs one frame with the pending input; draws if the picture changed. */
static void step(struct platform *p)
{
	struct kiosk *k = p->k;
	int64_t t0 = mono_us(), c0 = cpu_us();
	const struct screen *before = k->screen;
	p->pending.now_ms = clock_ms(p);
	p->pending.down = p->pointer_down;
	k->ui.in = p->pending;
	set_script(p);
	kiosk_frame(k);
	memset(&p->pending, 0, sizeof(p->pending));
	p->pending.x = k->ui.in.x;
	p->pending.y = k->ui.in.y;
	if (k->screen_blank && p->drawn_once) {
		if (!p->shown_blank)
			present_blank(p);
	} else if (!p->drawn_once || k->ui.hash != p->shown_hash || p->shown_blank)
		present(p, t0, c0);
	if (k->wipe_caches) {
		/* A session ended: forget every copy of what was typed (text
		 * caches, the frame arena), then warm the keyboards again. */
		k->wipe_caches = 0;
		render_wipe(p->render);
		str_wipe(k->ui.arena, sizeof(k->ui.arena));
		warm_up(p);
	} else if (p->drawn_once && p->warm_key != warm_key(p) && !k->screen_blank) {
		warm_up(p);
	} else if (k->screen != before && !strcmp(k->screen->id, "receipt") && !k->screen_blank) {
		prepare_screen(p);
	}
}

/* Input devices a kiosk under KMS/DRM reads directly. */
static int kmsdrm_inputs_ok(void)
{
	DIR *d = opendir("/dev/input");
	struct dirent *e;
	int ok = 0;
	if (!d)
		return 0;
	while (!ok && (e = readdir(d))) {
		char path[300];
		int fd;
		if (strncmp(e->d_name, "event", 5))
			continue;
		str_fmt(path, sizeof(path), "/dev/input/%s", e->d_name);
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0) {
			ok = 1;
			close(fd);
		}
	}
	closedir(d);
	return ok;
}

static int make_renderer(struct platform *p)
{
	if (p->o.headless) {
		p->surface = SDL_CreateRGBSurfaceWithFormat(0, p->pw, p->ph, 32, SDL_PIXELFORMAT_RGB888);
		if (!p->surface)
			return error("cannot create a %dx%d surface: %s", p->pw, p->ph, SDL_GetError());
		p->sdl = SDL_CreateSoftwareRenderer(p->surface);
	} else {
		p->sdl = SDL_CreateRenderer(p->win, -1, p->o.software ? SDL_RENDERER_SOFTWARE : 0);
		if (!p->sdl)
			p->sdl = SDL_CreateRenderer(p->win, -1, SDL_RENDERER_SOFTWARE);
	}
	if (!p->sdl)
		return error("cannot create a renderer: %s", SDL_GetError());
	if (p->o.rotation && !p->o.headless) {
		p->target = SDL_CreateTexture(p->sdl, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_TARGET, p->lw, p->lh);
		if (!p->target)
			return error("cannot rotate the display: %s", SDL_GetError());
	}
	return 0;
}

struct platform *platform_open(const struct platform_options *o, struct kiosk *k)
{
	struct platform *p = calloc(1, sizeof(*p));
	struct ui_text_ops ops;
	if (!p)
		return NULL;
	p->o = *o;
	p->k = k;
	p->start_us = mono_us();
	p->vclock = 1000;
	if (o->rotation != 0 && o->rotation != 90 && o->rotation != 180 && o->rotation != 270) {
		error("rotation must be 0, 90, 180 or 270");
		goto fail;
	}
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
	SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
	SDL_SetHint(SDL_HINT_WINDOWS_NO_CLOSE_ON_ALT_F4, "1");
	SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
	SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
	if (o->headless) {
		p->pw = o->w ? o->w : 1080;
		p->ph = o->h ? o->h : 1920;
		if (SDL_Init(0)) {
			error("SDL: %s", SDL_GetError());
			goto fail;
		}
	} else {
		SDL_DisplayMode mode;
		Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_ALLOW_HIGHDPI;
		if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS)) {
			error("cannot open the display: %s", SDL_GetError());
			goto fail;
		}
		if (!strcmp(SDL_GetCurrentVideoDriver(), "KMSDRM") && !kmsdrm_inputs_ok()) {
			error("no input device can be opened in /dev/input (touch screen, keyboard, mouse): "
			      "check they are plugged in and that this user is in the 'input' group");
			goto fail;
		}
		if (SDL_GetDesktopDisplayMode(0, &mode)) {
			mode.w = 1080;
			mode.h = 1920;
		}
		p->pw = o->w ? o->w : o->windowed ? 540 : mode.w;
		p->ph = o->h ? o->h : o->windowed ? 960 : mode.h;
		/* A development window keeps the portrait shape but fits the
		 * desktop (less room for title bars and panels). */
		if (o->windowed && !o->h && p->ph > mode.h * 9 / 10) {
			p->ph = mode.h * 9 / 10;
			p->pw = p->ph * 9 / 16;
		}
		if (!o->windowed)
			flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
		p->win = SDL_CreateWindow("DoteComune", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, p->pw, p->ph, flags);
		if (!p->win) {
			error("cannot open a window: %s", SDL_GetError());
			goto fail;
		}
		SDL_GetWindowSize(p->win, &p->pw, &p->ph);
		SDL_SetWindowKeyboardGrab(p->win, o->windowed ? SDL_FALSE : SDL_TRUE);
		if (!o->windowed)
			SDL_ShowCursor(SDL_DISABLE);
		SDL_StartTextInput();
	}
	/* The voice guide's sound, and word of headphones plugged in. A
	 * headless kiosk has no speakers: SDL's silent driver, unless the
	 * environment names one. */
	if (o->headless && !getenv("SDL_AUDIODRIVER"))
		SDL_SetHint(SDL_HINT_AUDIODRIVER, "dummy");
	if (SDL_InitSubSystem(SDL_INIT_AUDIO))
		warning("no sound: %s (the voice guide stays silent)", SDL_GetError());
	else
		p->audio_outputs = SDL_GetNumAudioDevices(0);
	p->lw = o->rotation == 90 || o->rotation == 270 ? p->ph : p->pw;
	p->lh = o->rotation == 90 || o->rotation == 270 ? p->pw : p->ph;
	if (make_renderer(p))
		goto fail;
	p->render = render_new(p->sdl, NULL);
	if (!p->render)
		goto fail;
	ops = render_text_ops(p->render);
	ui_init(&k->ui, p->lw, p->lh, &ops);
	k->last_input_ms = clock_ms(p);
	p->samples = calloc(MAX_SAMPLES, sizeof(float));
	p->wall = calloc(MAX_SAMPLES, sizeof(float));
	if (!p->samples || !p->wall)
		goto fail;
	return p;
fail:
	platform_close(p);
	return NULL;
}

void platform_close(struct platform *p)
{
	if (!p)
		return;
	render_free(p->render);
	if (p->target)
		SDL_DestroyTexture(p->target);
	if (p->sdl)
		SDL_DestroyRenderer(p->sdl);
	if (p->surface)
		SDL_FreeSurface(p->surface);
	if (p->win)
		SDL_DestroyWindow(p->win);
	free(p->samples);
	free(p->wall);
	free(p);
	SDL_Quit();
}

int platform_resize(struct platform *p, int w, int h)
{
	if (!p->o.headless)
		return error("resize works only headless");
	render_free(p->render);
	SDL_DestroyRenderer(p->sdl);
	SDL_FreeSurface(p->surface);
	p->render = NULL;
	p->pw = p->lw = w;
	p->ph = p->lh = h;
	if (make_renderer(p))
		return -1;
	p->render = render_new(p->sdl, NULL);
	if (!p->render)
		return -1;
	p->k->ui.text = render_text_ops(p->render);
	ui_resize(&p->k->ui, w, h);
	p->drawn_once = 0;
	step(p);
	return 0;
}

static int map_key(SDL_Keycode sym)
{
	switch (sym) {
	case SDLK_TAB: return UI_KEY_TAB;
	case SDLK_UP: return UI_KEY_UP;
	case SDLK_DOWN: return UI_KEY_DOWN;
	case SDLK_LEFT: return UI_KEY_LEFT;
	case SDLK_RIGHT: return UI_KEY_RIGHT;
	case SDLK_RETURN: case SDLK_KP_ENTER: return UI_KEY_ENTER;
	case SDLK_BACKSPACE: return UI_KEY_BACKSPACE;
	case SDLK_ESCAPE: return UI_KEY_ESCAPE;
	case SDLK_PAGEUP: return UI_KEY_PAGEUP;
	case SDLK_PAGEDOWN: return UI_KEY_PAGEDOWN;
	case SDLK_HOME: return UI_KEY_HOME;
	case SDLK_END: return UI_KEY_END;
	case SDLK_SPACE: return UI_KEY_SPACE;
	/* A navigation keypad (EZ Access style) sends arrows, Enter,
	 * Escape or BackSpace for Back, and F1 or Help for Help. */
	case SDLK_F1: case SDLK_HELP: return UI_KEY_HELP;
	case SDLK_VOLUMEUP: return UI_KEY_VOLUME_UP;
	case SDLK_VOLUMEDOWN: return UI_KEY_VOLUME_DOWN;
	/* The voice guide's repeat and spell keys (a keypad's extra keys
	 * send these). */
	case SDLK_F2: case SDLK_AGAIN: return UI_KEY_REPEAT;
	case SDLK_F3: return UI_KEY_SPELL;
	/* Screen off and on again, in private audio mode (issue 22). */
	case SDLK_F4: return UI_KEY_BLANK;
	/* Text size and contrast (the chrome's "Aa"), with no stop on it. */
	case SDLK_F5: return UI_KEY_READING;
	default: return 0;
	}
}

/* The digit a key stands for ('0'..'9'), 0 for any other key. */
static char keypad_digit(SDL_Keycode sym)
{
	if (sym >= SDLK_0 && sym <= SDLK_9)
		return (char)('0' + (sym - SDLK_0));
	if (sym >= SDLK_KP_1 && sym <= SDLK_KP_9)
		return (char)('1' + (sym - SDLK_KP_1));
	if (sym == SDLK_KP_0)
		return '0';
	return 0;
}

/* A digit key whose text did not follow becomes typed text. */
static void flush_digit(struct platform *p)
{
	size_t n = strlen(p->pending.text);
	if (p->digit && n + 1 < sizeof(p->pending.text)) {
		p->pending.text[n] = p->digit;
		p->pending.text[n + 1] = 0;
		p->pending.keypad_digit = 1;
	}
	p->digit = 0;
}

/* Turns one SDL event into pending input; returns 1 when a frame should run. */
static int handle_event(struct platform *p, const SDL_Event *ev)
{
	struct ui_input *in = &p->pending;
	int lx, ly;
	switch (ev->type) {
	case SDL_FINGERDOWN:
	case SDL_FINGERUP:
	case SDL_FINGERMOTION:
		platform_rotate_point(p->o.rotation, p->pw, p->ph, (int)(ev->tfinger.x * (float)p->pw),
				      (int)(ev->tfinger.y * (float)p->ph), &lx, &ly);
		in->x = lx;
		in->y = ly;
		if (ev->type == SDL_FINGERDOWN) {
			in->pressed = 1;
			p->pointer_down = 1;
		} else if (ev->type == SDL_FINGERUP) {
			in->released = 1;
			p->pointer_down = 0;
		}
		return 1;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
	case SDL_MOUSEMOTION:
		/* One tap, one action: drop mouse events made from touches. */
		if (ev->button.which == SDL_TOUCH_MOUSEID)
			return 0;
		if (ev->type == SDL_MOUSEMOTION) {
			if (!p->pointer_down)
				return 0;
			platform_rotate_point(p->o.rotation, p->pw, p->ph, ev->motion.x, ev->motion.y, &lx, &ly);
		} else {
			if (ev->button.button != SDL_BUTTON_LEFT)
				return 0;
			platform_rotate_point(p->o.rotation, p->pw, p->ph, ev->button.x, ev->button.y, &lx, &ly);
			in->pressed = ev->type == SDL_MOUSEBUTTONDOWN;
			in->released = ev->type == SDL_MOUSEBUTTONUP;
			p->pointer_down = in->pressed;
		}
		in->x = lx;
		in->y = ly;
		return 1;
	case SDL_MOUSEWHEEL:
		if (ev->wheel.which == SDL_TOUCH_MOUSEID)
			return 0;
		in->wheel += ev->wheel.y;
		return 1;
	case SDL_KEYDOWN:
		/* Alt+F4, Alt+Tab, Ctrl+Q and Escape mean nothing here. */
		if (ev->key.keysym.mod & (KMOD_ALT | KMOD_CTRL | KMOD_GUI))
			return 0;
		/* A keypad's digit keys type their digit (issue 22: the age,
		 * the phone and the codice fiscale's digits without the
		 * on-screen keyboard), unless the keyboard sends the digit as
		 * text as well (a USB keyboard: SDL queues the text right
		 * after the key; flush_digit() types what came alone). */
		if (keypad_digit(ev->key.keysym.sym)) {
			flush_digit(p);
			p->digit = keypad_digit(ev->key.keysym.sym);
			return 1;
		}
		in->key = map_key(ev->key.keysym.sym);
		in->shift = (ev->key.keysym.mod & KMOD_SHIFT) != 0;
		return in->key != 0;
	case SDL_TEXTINPUT: {
		size_t n = strlen(in->text);
		p->digit = 0;
		str_fmt(in->text + n, sizeof(in->text) - n, "%s", ev->text.text);
		return 1;
	}
	case SDL_WINDOWEVENT:
		if (ev->window.event == SDL_WINDOWEVENT_EXPOSED || ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
			/* The picture may be gone: the next one is drawn whole. */
			p->drawn_once = 0;
			render_invalidate(p->render);
		}
		return 1;
	case SDL_AUDIODEVICEADDED:
		/* Headphones plugged in start the voice guide, where the
		 * hardware says so: a USB headset or a sound card with jack
		 * detection exposed as a new output device. (A jack on the
		 * same card that only switches its port is not seen.) SDL
		 * announces the devices present at start too: not those. */
		if (ev->adevice.iscapture || (int)ev->adevice.which < p->audio_outputs)
			return 0;
		p->audio_outputs = (int)ev->adevice.which + 1;
		kiosk_headphones(p->k);
		return 1;
	case SDL_RENDER_TARGETS_RESET:
	case SDL_RENDER_DEVICE_RESET:
		p->drawn_once = 0;
		return 1;
	default:
		/* SDL_QUIT included: the public cannot close the kiosk. */
		return 0;
	}
}

static int next_timeout(struct platform *p)
{
	struct kiosk *k = p->k;
	int64_t now = clock_ms(p), idle_ms = config_int(k->cfg, "idle_seconds") * 1000, t = 1000;
	if (k->ui.animating || k->next)
		return 16;
	if (k->idle_dialog)
		t = 250;
	else if (strcmp(k->screen->id, "home") && idle_ms > 0)
		t = k->last_input_ms + idle_ms - now;
	if (t < 16)
		t = 16;
	if (t > 1000)
		t = 1000;	/* the watchdog wants a heartbeat */
	return (int)t;
}

static volatile sig_atomic_t stop_asked, in_loop;

int platform_request_stop(void)
{
	stop_asked = 1;
	return in_loop;
}

int platform_run(struct platform *p)
{
	struct kiosk *k = p->k;
	SDL_Event ev;
	in_loop = 1;
	step(p);
	while (!k->quit) {
		if (stop_asked && kiosk_stop_due(k)) {
			k->quit = 1;
			break;
		}
		int run = 0;
		if (SDL_WaitEventTimeout(&ev, next_timeout(p))) {
			run = handle_event(p, &ev);
			/* Drain the queue; a press or release ends a batch so each
			 * becomes its own frame, and so does a full text buffer (a
			 * barcode scanner types hundreds of characters at once). */
			while (!(p->pending.pressed || p->pending.released || p->pending.key) &&
			       strlen(p->pending.text) + SDL_TEXTINPUTEVENT_TEXT_SIZE < sizeof(p->pending.text) &&
			       SDL_PollEvent(&ev))
				run |= handle_event(p, &ev);
		} else {
			run = 1;
		}
		flush_digit(p);
		if (run)
			step(p);
		sdnotify_watchdog();
	}
	in_loop = 0;
	return k->quit;
}

/* --- scripted driving ----------------------------------------------------- */

static void settle(struct platform *p)
{
	/* Let animations (screen changes, reveal) finish, at 60 fps virtual time. */
	for (int i = 0; i < 200 && (p->k->ui.animating || p->k->next); i++) {
		/* A search under way beside the frames: the script sees its
		 * result, as a citizen would a moment later. */
		kiosk_background_wait(p->k, 10000);
		p->vclock += 16;
		step(p);
	}
}

void platform_touch(struct platform *p, int x, int y, int down)
{
	SDL_Event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = down ? SDL_FINGERDOWN : SDL_FINGERUP;
	ev.tfinger.x = ((float)x + 0.5f) / (float)p->pw;
	ev.tfinger.y = ((float)y + 0.5f) / (float)p->ph;
	if (handle_event(p, &ev))
		step(p);
	/* A real touch screen also sends a synthesised mouse click: it must
	 * not count twice. */
	ev.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
	ev.button.which = SDL_TOUCH_MOUSEID;
	ev.button.button = SDL_BUTTON_LEFT;
	ev.button.x = x;
	ev.button.y = y;
	if (handle_event(p, &ev))
		step(p);
	if (!down)
		settle(p);
}

void platform_move(struct platform *p, int x, int y)
{
	SDL_Event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = SDL_FINGERMOTION;
	ev.tfinger.x = ((float)x + 0.5f) / (float)p->pw;
	ev.tfinger.y = ((float)y + 0.5f) / (float)p->ph;
	if (handle_event(p, &ev))
		step(p);
}

int platform_key(struct platform *p, const char *name)
{
	SDL_Event ev;
	char buf[64], *tok = buf, *plus;
	memset(&ev, 0, sizeof(ev));
	ev.type = SDL_KEYDOWN;
	str_copy(buf, sizeof(buf), name);
	while ((plus = strchr(tok, '+')) && plus[1]) {
		*plus = 0;
		if (!strcasecmp(tok, "Alt")) ev.key.keysym.mod |= KMOD_LALT;
		else if (!strcasecmp(tok, "Ctrl")) ev.key.keysym.mod |= KMOD_LCTRL;
		else if (!strcasecmp(tok, "Shift")) ev.key.keysym.mod |= KMOD_LSHIFT;
		else if (!strcasecmp(tok, "Super")) ev.key.keysym.mod |= KMOD_LGUI;
		else return error("unknown modifier '%s'", tok);
		tok = plus + 1;
	}
	if (!strcasecmp(tok, "Enter"))
		tok = "Return";
	if (!strcasecmp(tok, "BackSpace"))
		tok = "Backspace";
	ev.key.keysym.sym = SDL_GetKeyFromName(tok);
	if (ev.key.keysym.sym == SDLK_UNKNOWN)
		return error("unknown key '%s'", tok);
	if (handle_event(p, &ev)) {
		flush_digit(p);
		step(p);
	}
	settle(p);
	return 0;
}

static void send_text(struct platform *p, const char *text)
{
	SDL_Event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = SDL_TEXTINPUT;
	/* A barcode scanner sends one character per key press. */
	for (const char *c = text; *c;) {
		size_t len = ((unsigned char)*c & 0x80) == 0 ? 1 : ((unsigned char)*c & 0xE0) == 0xC0 ? 2 :
			     ((unsigned char)*c & 0xF0) == 0xE0 ? 3 : 4;
		memset(ev.text.text, 0, sizeof(ev.text.text));
		memcpy(ev.text.text, c, len);
		c += strnlen(c, len);
		if (handle_event(p, &ev))
			step(p);
		p->vclock += 8;
	}
}

void platform_text(struct platform *p, const char *text)
{
	send_text(p, text);
	settle(p);
}

void platform_scan(struct platform *p, const char *text)
{
	SDL_Event ev;
	send_text(p, text);
	/* The scanner's suffix: Enter, right after the last character. */
	memset(&ev, 0, sizeof(ev));
	ev.type = SDL_KEYDOWN;
	ev.key.keysym.sym = SDLK_RETURN;
	if (handle_event(p, &ev))
		step(p);
	p->vclock += 8;
	settle(p);
}

void platform_headphones(struct platform *p)
{
	SDL_Event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = SDL_AUDIODEVICEADDED;
	ev.adevice.which = (Uint32)(p->audio_outputs > 0 ? p->audio_outputs : 1);
	if (handle_event(p, &ev))
		step(p);
	settle(p);
}

void platform_advance(struct platform *p, int64_t ms)
{
	int64_t end = p->vclock + ms;
	while (p->vclock < end) {
		int64_t dt = next_timeout(p);
		if (p->vclock + dt > end)
			dt = end - p->vclock;
		p->vclock += dt;
		step(p);
	}
}

int platform_lit_percent(struct platform *p)
{
	SDL_Surface *s = p->surface;
	size_t lit = 0;
	if (!s)
		return -1;
	SDL_LockSurface(s);
	for (int y = 0; y < s->h; y++) {
		const uint32_t *row = (const uint32_t *)((const unsigned char *)s->pixels + (size_t)y * (size_t)s->pitch);
		for (int x = 0; x < s->w; x++)
			lit += (row[x] & 0xffffff) != 0;
	}
	SDL_UnlockSurface(s);
	return (int)((lit * 100 + (size_t)s->w * (size_t)s->h - 1) / ((size_t)s->w * (size_t)s->h));
}

int platform_screenshot(struct platform *p, const char *path)
{
	SDL_Surface *s = p->surface;
	unsigned char *rgb;
	int rc;
	if (!s)
		return error("screenshots work only headless");
	rgb = malloc((size_t)s->w * (size_t)s->h * 3);
	if (!rgb)
		return -1;
	SDL_LockSurface(s);
	for (int y = 0; y < s->h; y++) {
		const uint32_t *row = (const uint32_t *)((const unsigned char *)s->pixels + (size_t)y * (size_t)s->pitch);
		for (int x = 0; x < s->w; x++) {
			uint32_t v = row[x];
			unsigned char *o = rgb + ((size_t)y * (size_t)s->w + (size_t)x) * 3;
			o[0] = (unsigned char)(v >> 16);
			o[1] = (unsigned char)(v >> 8);
			o[2] = (unsigned char)v;
		}
	}
	SDL_UnlockSurface(s);
	rc = png_write(path, rgb, s->w, s->h, 3, (size_t)s->w * 3);
	free(rgb);
	return rc;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

void platform_stats(struct platform *p, struct platform_stats *st)
{
	long whole, partial, scrolled;
	memset(st, 0, sizeof(*st));
	render_counts(p->render, &whole, &partial, &scrolled);
	st->whole = whole - p->whole0;
	st->scrolled = scrolled - p->scrolled0;
	st->floor_median_ms = p->floor_median_ms;
	st->floor_p99_ms = p->floor_p99_ms;
	st->first_frame_us = p->first_frame_us;
	st->nframes = p->nsamples;
	if (!p->nsamples)
		return;
	qsort(p->samples, (size_t)p->nsamples, sizeof(float), cmp_float);
	st->median_ms = p->samples[p->nsamples / 2];
	st->p99_ms = p->samples[(int)((double)(p->nsamples - 1) * 0.99)];
	st->max_ms = p->samples[p->nsamples - 1];
	qsort(p->wall, (size_t)p->nsamples, sizeof(float), cmp_float);
	st->wall_median_ms = p->wall[p->nsamples / 2];
	st->wall_p99_ms = p->wall[(int)((double)(p->nsamples - 1) * 0.99)];
}

void platform_stats_reset(struct platform *p)
{
	long partial;
	p->nsamples = 0;
	p->floor_median_ms = p->floor_p99_ms = 0;
	render_counts(p->render, &p->whole0, &partial, &p->scrolled0);
}

void platform_floor(struct platform *p, int n)
{
	float *cpu = calloc((size_t)(n > 0 ? n : 1), sizeof(float));
	long partial;
	uint32_t bg = ui_color(&p->k->ui, C_BG);
	if (!cpu || n <= 0) {
		free(cpu);
		return;
	}
	for (int i = 0; i < n; i++) {
		int64_t c0 = cpu_us();
		/* A frame of nothing but the background, alternating with a
		 * fill one shade off, so no layer can skip it as unchanged. */
		SDL_SetRenderDrawColor(p->sdl, (bg >> 16) & 255, (bg >> 8) & 255, (uint8_t)((bg & 255) ^ (i & 1)), 255);
		SDL_RenderClear(p->sdl);
		SDL_RenderPresent(p->sdl);
		cpu[i] = (float)(cpu_us() - c0) / 1000.0f;
	}
	qsort(cpu, (size_t)n, sizeof(float), cmp_float);
	p->floor_median_ms = cpu[n / 2];
	p->floor_p99_ms = cpu[(int)((double)(n - 1) * 0.99)];
	free(cpu);
	render_invalidate(p->render);
	p->drawn_once = 0;
	step(p);
	/* The kiosk's redraw after it is no frame of the phase measured next. */
	p->nsamples = 0;
	render_counts(p->render, &p->whole0, &partial, &p->scrolled0);
}

int platform_remembers(struct platform *p, const char *text)
{
	size_t n = strlen(text);
	if (!n)
		return 0;
	return render_has_text(p->render, text) || memmem(p->k, sizeof(*p->k), text, n) != NULL;
}
