/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The only part of the kiosk that touches SDL windows and events: opens
 * the window (fullscreen, or --windowed) or, headless, a software
 * surface; turns touch, mouse and keyboard events into struct ui_input
 * (one tap is one action: mouse events synthesised from touch are
 * dropped); rotates the picture and the touches as configured; runs a
 * frame only when something happened and presents only when the picture
 * changed (SDL_WaitEventTimeout). The scripted mode drives the same
 * event path with a virtual clock.
 */
#ifndef DOTE_KIOSK_PLATFORM_H
#define DOTE_KIOSK_PLATFORM_H
#include <stddef.h>
#include <stdint.h>

struct kiosk;
struct platform;

struct platform_options {
	int headless;		/* dummy video, software surface, virtual clock */
	int windowed;
	int w, h;		/* window or surface size; 0: the display's */
	int rotation;		/* 0, 90, 180, 270 (clockwise) */
	int software;		/* force the software renderer */
};

/* Opens the display and renderer, initialises k->ui for the logical
 * size. Returns NULL after error(). */
struct platform *platform_open(const struct platform_options *o, struct kiosk *k);
void platform_close(struct platform *p);
/* The event loop, until k->quit or a stop asked for (once
 * kiosk_stop_due allows: a Send under way shows its receipt first).
 * Returns k->quit (1 after a stop). */
int platform_run(struct platform *p);
/* Asks the event loop to stop after its frame (async-signal-safe: the
 * SIGTERM and SIGINT handler; seen within a second). 0 when no event
 * loop runs to see it (start-up, the scripted mode outside `serve`). */
int platform_request_stop(void);

/* Scripted driving (headless): each call runs the frames it causes. */
void platform_touch(struct platform *p, int x, int y, int down);
void platform_move(struct platform *p, int x, int y);
/* A key by SDL name with modifiers: "Return", "Tab", "Shift+Tab", "Alt+F4". */
int platform_key(struct platform *p, const char *name);
void platform_text(struct platform *p, const char *text);
/* Text followed at once by Enter: a barcode scanner with a CR suffix. */
void platform_scan(struct platform *p, const char *text);
/* Headphones plugged in (an SDL audio output device added). */
void platform_headphones(struct platform *p);
/* Advances the virtual clock by ms, running the frames due. */
void platform_advance(struct platform *p, int64_t ms);
/* Saves what is on screen as PNG. */
int platform_screenshot(struct platform *p, const char *path);
/* Headless: the share of the screen's pixels that are not black, in
 * percent (0 for the blank screen of private mode), or -1. */
int platform_lit_percent(struct platform *p);
/* Resizes the headless surface (layout test at many sizes). */
int platform_resize(struct platform *p, int w, int h);

struct platform_stats {
	int64_t first_frame_us;		/* process start to first frame presented */
	int nframes;			/* frames drawn and presented */
	double median_ms, p99_ms, max_ms;	/* CPU time of the UI thread per frame */
	double wall_median_ms, wall_p99_ms;	/* wall clock (includes preemption) */
	long whole, scrolled;		/* of them: drawn whole; scroll panel moved by copying */
	double floor_median_ms, floor_p99_ms;	/* platform_floor(), if run since the reset */
};
/* Frame times since the last reset (drawn frames only). */
void platform_stats(struct platform *p, struct platform_stats *st);
void platform_stats_reset(struct platform *p);
/* The bare-SDL floor (the benchmark's baseline, measured in the same
 * run): n frames that only clear the screen to the background colour and
 * present it, with the same renderer, timed as kiosk frames are. Leaves
 * the kiosk's picture to be drawn whole again. */
void platform_floor(struct platform *p, int n);

/* Whether text is still anywhere in the kiosk's state or the renderer's
 * caches (the idle-reset test: nothing typed may survive a session). */
int platform_remembers(struct platform *p, const char *text);

/* Maps a point on the physical display to the logical (rotated) screen. */
void platform_rotate_point(int rotation, int pw, int ph, int x, int y, int *lx, int *ly);
#endif
