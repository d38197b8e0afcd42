/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The scripted mode (DESIGN.md "Kiosk scripted mode"): reads a script
 * line by line and drives the kiosk through the same event path as a
 * real touch screen and keyboard, on a virtual clock. The verbs are
 * listed in kiosk/README.md; each is one function in the table verbs[].
 * Start reading at script_run().
 */
#include "kiosk/script.h"
#include "core/attendance.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/files.h"
#include "core/util.h"
#include "kiosk/i18n.h"
#include "kiosk/kiosk.h"
#include "kiosk/platform.h"
#include "kiosk/printer.h"
#include "kiosk/search.h"
#include "kiosk/sync.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct script {
	struct platform *p;
	struct kiosk *k;
	const char *shots;
	char why[512];
	/* errors on screen after the previous line (check_alerts) */
	char alerts[16][48];
	int nalerts;
	unsigned alert_seq;
	int layout_always;		/* "# layout: every step" */
	int presses;			/* key lines so far (expect-presses) */
	int taps;			/* taps so far, the keyboard's included (expect-taps) */
	FILE *lock_in;			/* lock-db: the sqlite3 process's input */
	pid_t lock_pid;			/* ... and its id */
	int served;			/* serve ran: a lock held is the test's to end */
};

static int fail(struct script *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct script *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	return -1;
}

static const struct ui_widget *visible(struct kiosk *k, const char *id)
{
	const struct ui_widget *w = ui_find(&k->ui, id);
	return w && w->visible ? w : NULL;
}

/* The centre of the part of a widget that is on screen. */
static void centre(struct kiosk *k, const struct ui_widget *w, int *x, int *y)
{
	struct ui_rect r = w->r;
	if (w->panel >= 0 && w->panel < k->ui.npanels) {
		struct ui_rect pr = k->ui.panels[w->panel].r;
		int y0 = r.y > pr.y ? r.y : pr.y;
		int y1 = r.y + r.h < pr.y + pr.h ? r.y + r.h : pr.y + pr.h;
		r.y = y0;
		r.h = y1 - y0;
	}
	*x = r.x + r.w / 2;
	*y = r.y + r.h / 2;
}

static int tap(struct script *s, const char *id)
{
	const struct ui_widget *w = visible(s->k, id);
	int x, y;
	s->taps++;
	if (!w)
		return fail(s, ui_find(&s->k->ui, id) ? "widget '%s' is not visible (scrolled away?)" :
			    "no widget '%s' on this screen", id);
	centre(s->k, w, &x, &y);
	platform_touch(s->p, x, y, 1);
	platform_advance(s->p, 60);
	platform_touch(s->p, x, y, 0);
	return 0;
}

static int text_shown(struct kiosk *k, const char *text)
{
	for (int i = 0; i < k->ui.ncmds; i++)
		if (k->ui.cmds[i].kind == UI_CMD_TEXT && strstr(k->ui.cmds[i].text, text))
			return 1;
	for (int i = 0; i < k->ui.nwidgets; i++)
		if (k->ui.widgets[i].visible && strstr(k->ui.widgets[i].label, text))
			return 1;
	return 0;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static int dump(struct script *s, const char *name)
{
	char path[1024];
	FILE *f;
	struct kiosk *k = s->k;
	int first = 1;
	str_fmt(path, sizeof(path), "%s/%s.json", s->shots, name);
	f = fopen(path, "w");
	if (!f)
		return fail(s, "cannot write %s", path);
	fprintf(f, "{\"screen\":");
	json_str(f, k->screen->id);
	fprintf(f, ",\"focus\":");
	json_str(f, k->ui.focus);
	fprintf(f, ",\"width\":%d,\"height\":%d,\"widgets\":[", k->ui.w, k->ui.h);
	for (int i = 0; i < k->ui.nwidgets; i++) {
		const struct ui_widget *w = &k->ui.widgets[i];
		if (!w->visible)
			continue;
		fprintf(f, "%s\n{\"id\":", first ? "" : ",");
		json_str(f, w->id);
		fprintf(f, ",\"role\":\"%s\",\"label\":", ui_role_name(w->role));
		json_str(f, w->label);
		fprintf(f, ",\"x\":%d,\"y\":%d,\"w\":%d,\"h\":%d,\"enabled\":%s,\"focusable\":%s,\"checked\":%s}",
			w->r.x, w->r.y, w->r.w, w->r.h, w->enabled ? "true" : "false",
			w->focusable ? "true" : "false", w->checked ? "true" : "false");
		first = 0;
	}
	/* The keypad's focus order of this frame (texts: voice guide only). */
	fprintf(f, "],\"order\":[");
	for (int i = 0; i < k->ui.nfocus_order; i++) {
		fprintf(f, "%s{\"id\":", i ? "," : "");
		json_str(f, k->ui.focus_order[i]);
		fprintf(f, ",\"text\":%s}", k->ui.focus_order_text[i] ? "true" : "false");
	}
	fprintf(f, "]}\n");
	return fclose(f) ? fail(s, "cannot write %s", path) : 0;
}

static int osk(struct script *s, const char *text)
{
	const unsigned char *c = (const unsigned char *)text;
	while (*c) {
		size_t len = *c < 0x80 ? 1 : (*c & 0xE0) == 0xC0 ? 2 : (*c & 0xF0) == 0xE0 ? 3 : 4;
		char id[32], ch[8];
		int tries;
		memcpy(ch, c, len);
		ch[len] = 0;
		c += len;
		if (!strcmp(ch, " "))
			str_fmt(id, sizeof(id), "key:space");
		else
			str_fmt(id, sizeof(id), "key:%s", ch);
		/* Cycle the shift key until the character is on the keyboard. */
		for (tries = 0; !visible(s->k, id) && tries < 3; tries++)
			if (tap(s, "key:shift"))
				return fail(s, "the on-screen keyboard has no key '%s'", ch);
		if (tap(s, id))
			return fail(s, "the on-screen keyboard has no key '%s'", ch);
	}
	return 0;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

static int stats(struct script *s, const char *name)
{
	struct platform_stats st;
	struct rusage ru;
	char path[1024];
	FILE *f;
	struct kiosk *k = s->k;
	int ns = k->nsearch < (int)ARRAY_SIZE(k->search_ms) ? k->nsearch : (int)ARRAY_SIZE(k->search_ms);
	double smed = 0, sp99 = 0;
	if (ns) {
		qsort(k->search_ms, (size_t)ns, sizeof(float), cmp_float);
		smed = k->search_ms[ns / 2];
		sp99 = k->search_ms[(int)((double)(ns - 1) * 0.99)];
	}
	k->nsearch = 0;
	platform_stats(s->p, &st);
	getrusage(RUSAGE_SELF, &ru);
	str_fmt(path, sizeof(path), "%s/%s.json", s->shots, name);
	f = fopen(path, "w");
	if (!f)
		return fail(s, "cannot write %s", path);
	fprintf(f, "{\"frames\":%d,\"median_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
		"\"wall_median_ms\":%.3f,\"wall_p99_ms\":%.3f,"
		"\"first_frame_ms\":%.3f,\"peak_rss_kb\":%ld,\"searches\":%d,\"search_median_ms\":%.3f,"
		"\"search_p99_ms\":%.3f,\"frames_whole\":%ld,\"frames_scrolled\":%ld,"
		"\"floor_median_ms\":%.3f,\"floor_p99_ms\":%.3f}\n",
		st.nframes, st.median_ms, st.p99_ms, st.max_ms, st.wall_median_ms, st.wall_p99_ms,
		(double)st.first_frame_us / 1000.0,
		ru.ru_maxrss, ns, smed, sp99, st.whole, st.scrolled, st.floor_median_ms, st.floor_p99_ms);
	fclose(f);
	platform_stats_reset(s->p);
	return 0;
}

static int expect_contrast(struct script *s);

static int interactive(enum ui_role r)
{
	return r == UI_ROLE_BUTTON || r == UI_ROLE_FIELD || r == UI_ROLE_RADIO || r == UI_ROLE_CHECKBOX ||
	       r == UI_ROLE_KEY || r == UI_ROLE_LISTITEM;
}

/* Where each widget is seen: its rectangle cut to its scroll panel. */
static void seen_rects(const struct ui *ui, struct ui_rect *v, int *modal)
{
	*modal = ui->nwidgets;	/* the first widget of a dialog over the page */
	for (int i = 0; i < ui->nwidgets; i++) {
		const struct ui_widget *w = &ui->widgets[i];
		/* A dialog over the page (idle countdown, language chooser;
		 * not the keyboard, handled below) starts what is on top. */
		if (((w->role == UI_ROLE_DIALOG && strcmp(w->id, "keyboard")) || !strcmp(w->id, "idle") ||
		     !strcmp(w->id, "languages")) && *modal == ui->nwidgets)
			*modal = i;
		v[i] = w->r;
		if (w->panel >= 0 && w->panel < ui->npanels) {
			struct ui_rect pr = ui->panels[w->panel].r;
			int y0 = v[i].y > pr.y ? v[i].y : pr.y;
			int y1 = v[i].y + v[i].h < pr.y + pr.h ? v[i].y + v[i].h : pr.y + pr.h;
			v[i].y = y0;
			v[i].h = y1 - y0;
		}
	}
}

/* A control the citizen can tap or reach with the keypad. */
static int control(const struct ui_widget *w)
{
	return w->visible && w->role != UI_ROLE_GESTURE && w->role != UI_ROLE_DIALOG &&
	       (interactive(w->role) || w->focusable);
}

/* No two controls overlap where they are seen (a tap meant for one would
 * land on the other, and the labels are drawn over each other). Checked
 * after every line of every script, at every size, language and text
 * size a script reaches, not only where it asks for expect-layout. */
static int check_overlap(struct script *s)
{
	struct ui *ui = &s->k->ui;
	struct ui_rect v[UI_MAX_WIDGETS];
	int modal;
	seen_rects(ui, v, &modal);
	for (int i = 0; i < ui->nwidgets; i++) {
		const struct ui_widget *a = &ui->widgets[i];
		if (!control(a) || v[i].h <= 0 || v[i].w <= 0)
			continue;
		for (int j = i + 1; j < ui->nwidgets; j++) {
			const struct ui_widget *b = &ui->widgets[j];
			if (!control(b) || v[j].h <= 0 || v[j].w <= 0)
				continue;
			/* The keyboard covers the page on purpose: its keys win. */
			if ((a->role == UI_ROLE_KEY) != (b->role == UI_ROLE_KEY))
				continue;
			/* So do the idle dialog and the language chooser, over
			 * the whole screen. */
			if ((i < modal) != (j < modal))
				continue;
			if (v[i].x < v[j].x + v[j].w && v[j].x < v[i].x + v[i].w && v[i].y < v[j].y + v[j].h &&
			    v[j].y < v[i].y + v[i].h)
				return fail(s, "controls '%s' (%d,%d %dx%d) and '%s' (%d,%d %dx%d) overlap", a->id,
					    v[i].x, v[i].y, v[i].w, v[i].h, b->id, v[j].x, v[j].y, v[j].w, v[j].h);
		}
	}
	return 0;
}

/* Every widget on screen fits the screen's width, and no two controls
 * overlap (which is what overflowing text or a bad layout looks like). */
static int expect_layout(struct script *s)
{
	struct ui *ui = &s->k->ui;
	if (expect_contrast(s))
		return -1;
	for (int i = 0; i < ui->nwidgets; i++) {
		const struct ui_widget *w = &ui->widgets[i];
		if (!w->visible || w->role == UI_ROLE_GESTURE || w->role == UI_ROLE_DIALOG)
			continue;
		if (w->r.x < 0 || w->r.x + w->r.w > ui->w || w->r.w <= 0)
			return fail(s, "widget '%s' (x %d, w %d) does not fit the screen width %d", w->id, w->r.x,
				    w->r.w, ui->w);
	}
	return check_overlap(s);
}

/* Every text and outline on screen meets WCAG 2.1 AA contrast. */
static int expect_contrast(struct script *s)
{
	char why[300];
	if (ui_contrast_check(&s->k->ui, why, sizeof(why)))
		return fail(s, "contrast: %s", why);
	return 0;
}

static int expect_sql(struct script *s, const char *arg, int shown)
{
	char want[256] = "", got[512];
	const char *sql = arg;
	int rc;
	if (!shown) {
		if (sscanf(arg, "%255s", want) != 1)
			return fail(s, "expect-sql needs VALUE SQL");
		sql = arg + strlen(want);
		while (*sql == ' ')
			sql++;
	}
	rc = db_text(s->k->db, sql, NULL, got, sizeof(got));
	if (rc < 0)
		return fail(s, "SQL failed: %s", sql);
	if (rc == 1)
		got[0] = 0;
	if (shown) {
		if (!got[0] || !text_shown(s->k, got))
			return fail(s, "the SQL value '%s' is not on screen", got);
		return 0;
	}
	if (strcmp(got, want)) {
		return fail(s, "got '%.250s', want '%.250s'", got, want);
	}
	return 0;
}

/* After every line: an error that has appeared since the previous line
 * (a new id, or the one the UI says took the focus again) must be wholly
 * on screen (inside its panel, so not under the keyboard or below the
 * fold) and focused, itself or through its field. With several new
 * errors at once, the first in reading order. */
static int check_alerts(struct script *s)
{
	struct ui *ui = &s->k->ui;
	const struct ui_widget *cand = NULL;
	char owner[64];
	const char *o;
	int n = 0;

	for (int i = 0; i < ui->nwidgets; i++) {
		const struct ui_widget *w = &ui->widgets[i];
		int seen = 0;
		if (w->role != UI_ROLE_ALERT)
			continue;
		for (int j = 0; j < s->nalerts; j++)
			seen |= !strcmp(s->alerts[j], w->id);
		if (!cand && (!seen || (ui->alert_seq != s->alert_seq && !strcmp(ui->alert_shown, w->id))))
			cand = w;
		if (n < (int)ARRAY_SIZE(s->alerts))
			memcpy(s->alerts[n++], w->id, sizeof(s->alerts[0]));
	}
	s->nalerts = n;
	s->alert_seq = ui->alert_seq;
	if (!cand || s->k->idle_dialog)
		return 0;
	{
		struct ui_rect r = cand->r, v = { 0, 0, ui->w, ui->h };
		if (cand->panel >= 0 && cand->panel < ui->npanels)
			v = ui->panels[cand->panel].r;
		if (!cand->visible || r.y < v.y || r.y + r.h > v.y + v.h || r.x < 0 || r.x + r.w > ui->w)
			return fail(s, "the error '%s' appeared but is not wholly on screen (y %d..%d, view %d..%d)",
				    cand->id, r.y, r.y + r.h, v.y, v.y + v.h);
	}
	o = ui_alert_owner(ui, cand->id, owner, sizeof(owner));
	if (strcmp(ui->focus, cand->id) && !(o && !strcmp(ui->focus, o)))
		return fail(s, "the error '%s' appeared but the focus is on '%s'", cand->id, ui->focus);
	return 0;
}

int script_parse_line(char *line, char verb[SCRIPT_VERB_MAX], char **arg)
{
	size_t n;
	line[strcspn(line, "\r\n")] = 0;
	str_trim(line);
	if (!line[0] || line[0] == '#')
		return 0;
	n = strcspn(line, " \t");
	if (n >= SCRIPT_VERB_MAX)
		return -1;
	memcpy(verb, line, n);
	verb[n] = 0;
	*arg = line + n;
	while (**arg == ' ' || **arg == '\t')
		(*arg)++;
	return 1;
}

static int verb_tap_at(struct script *s, const char *verb, char *arg)
{
	int x, y;
	if (sscanf(arg, "%d %d", &x, &y) != 2)
		return fail(s, "tap-at needs X Y");
	platform_touch(s->p, x, y, 1);
	platform_advance(s->p, 60);
	platform_touch(s->p, x, y, 0);
	return 0;
}

static int verb_drag(struct script *s, const char *verb, char *arg)
{
	int x0, y0, x1, y1, ms, steps;
	if (sscanf(arg, "%d %d %d %d %d", &x0, &y0, &x1, &y1, &ms) != 5 || ms < 16)
		return fail(s, "drag needs X0 Y0 X1 Y1 MS (MS >= 16)");
	steps = ms / 16;
	platform_touch(s->p, x0, y0, 1);
	for (int i = 1; i <= steps; i++) {
		platform_advance(s->p, 16);
		platform_move(s->p, x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps);
	}
	platform_touch(s->p, x1, y1, 0);
	return 0;
}

static int verb_type(struct script *s, const char *verb, char *arg)
{
	platform_text(s->p, arg);
	return 0;
}

static int verb_scan(struct script *s, const char *verb, char *arg)
{
	platform_scan(s->p, arg);
	return 0;
}

static int verb_key(struct script *s, const char *verb, char *arg)
{
	s->presses++;
	return platform_key(s->p, arg) ? fail(s, "unknown key '%s'", arg) : 0;
}

/* "expect-presses N": at most N keys pressed so far (a keys-only
 * journey's cost); the count goes to stderr either way. */
static int verb_expect_presses(struct script *s, const char *verb, char *arg)
{
	fprintf(stderr, "keys pressed so far: %d\n", s->presses);
	return s->presses <= atoi(arg) ? 0 : fail(s, "%d keys pressed, want at most %d", s->presses, atoi(arg));
}

/* "expect-taps N": at most N taps so far (a touch journey's cost: each
 * tap line and each on-screen key an osk line taps); stderr either way. */
static int verb_expect_taps(struct script *s, const char *verb, char *arg)
{
	fprintf(stderr, "taps so far: %d\n", s->taps);
	return s->taps <= atoi(arg) ? 0 : fail(s, "%d taps, want at most %d", s->taps, atoi(arg));
}

/* "expect-lit MIN MAX": the share of lit (not black) pixels on the
 * screen, in percent, is within MIN..MAX (0 0: the blank screen). */
static int verb_expect_lit(struct script *s, const char *verb, char *arg)
{
	int lo = 0, hi = 100, lit = platform_lit_percent(s->p);
	if (sscanf(arg, "%d %d", &lo, &hi) != 2)
		return fail(s, "expect-lit needs MIN MAX");
	return lit >= lo && lit <= hi ? 0 : fail(s, "%d%% of the screen lit, want %d..%d", lit, lo, hi);
}

static int verb_wait(struct script *s, const char *verb, char *arg)
{
	platform_advance(s->p, atoll(arg));
	return 0;
}

/* "clock EPOCH": the pinned wall clock (DOTE_NOW) is moved so that
 * now_wall() plus the virtual clock, the time a scan takes, reads EPOCH
 * seconds now (to the second while the next lines take under one virtual
 * second): a long script walks through days without waiting them. */
static int verb_clock(struct script *s, const char *verb, char *arg)
{
	char v[24];
	/* On a whole virtual second first: what follows (a scan typed in
	 * a few frames) then still falls in second EPOCH. */
	platform_advance(s->p, 1000 - s->k->ui.in.now_ms % 1000);
	snprintf(v, sizeof(v), "%lld", atoll(arg) - (long long)(s->k->ui.in.now_ms / 1000));
	return setenv("DOTE_NOW", v, 1) ? fail(s, "clock: %s", arg) : 0;
}

/* Real time, not the virtual clock: the sync thread talks to a
 * real hub. Waits until the outbox is empty, at most ARG seconds. */
static int verb_wait_sync(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	struct sync_status st;
	int64_t until = now_ms() + atoll(arg) * 1000;
	if (!k->sync)
		return fail(s, "wait-sync: no hub configured (hub_url)");
	for (;;) {
		/* The attendance events waiting count too (sync.c's depth). */
		int64_t left = sync_outbox_depth(k->db), att;
		if (left >= 0 && !attendance_migrate(k->db) && (att = attendance_unsent_count(k->db)) > 0)
			left += att;
		sync_kick(k->sync);
		sync_get_status(k->sync, &st);
		if (left == 0 && st.last_ok_wall)
			return 0;
		if (now_ms() > until)
			return fail(s, "wait-sync: %lld applications or attendance events still in the outbox (%s)",
				    (long long)left, st.last_error);
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

/* Real time: a heartbeat sent after this line, answered by the
 * hub, so the status changes made before it are on the kiosk. */
static int verb_wait_status(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	struct sync_status st;
	int64_t until = now_ms() + atoll(arg) * 1000, after;
	if (!k->sync)
		return fail(s, "wait-status: no hub configured (hub_url)");
	sync_get_status(k->sync, &st);
	after = st.heartbeats_sent;
	sync_refresh(k->sync);
	for (;;) {
		sync_get_status(k->sync, &st);
		if (st.heartbeat_answered > after)
			return 0;
		if (now_ms() > until)
			return fail(s, "wait-status: no heartbeat answered by the hub (%s)", st.last_error);
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

/* printer DEVICE: a new printer thread on DEVICE, as if another
 * printer were plugged in ('/dev/full' takes no paper: out of
 * paper; a path that does not exist: not connected; 'fifo': a
 * pipe nobody reads, a printer that does not answer). */
static int verb_printer(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	char dev[1024];
	if (!arg[0])
		return fail(s, "printer needs a device path or 'fifo'");
	if (!strcmp(arg, "fifo")) {
		str_fmt(dev, sizeof(dev), "%s/printer.fifo", config_get(k->cfg, "state_dir"));
		unlink(dev);
		if (mkfifo(dev, 0600))
			return fail(s, "printer: cannot create %s: %s", dev, strerror(errno));
	} else {
		str_copy(dev, sizeof(dev), arg);
	}
	printer_stop(k->printer);
	k->printer = printer_start(dev, 384);
	if (!k->printer)
		return fail(s, "printer: cannot start the printer thread");
	printer_set_timeout(k->printer, 300);
	platform_advance(s->p, 16);
	return 0;
}

/* wait-printer KEY SECONDS: real time (the printer thread does
 * not follow the virtual clock) until every job queued is done
 * and its status key is KEY. */
static int verb_wait_printer(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	char want[32] = "";
	int secs = 5;
	struct printer_status ps;
	int64_t until;
	sscanf(arg, "%31s %d", want, &secs);
	until = now_ms() + secs * 1000LL;
	for (;;) {
		printer_get_status(k->printer, &ps);
		if (ps.key && !strcmp(ps.key, want) && ps.pending == 0) {
			platform_advance(s->p, 16);
			return 0;
		}
		if (now_ms() > until)
			return fail(s, "wait-printer: the printer is '%s', want '%s'", ps.key ? ps.key : "", want);
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

/* The widget is wholly in view: not cut by its panel's edge (a
 * button half under the footer looks like one over the other). */
static int verb_expect_whole(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	const struct ui_widget *w = visible(k, arg);
	struct ui_rect pr = { 0, 0, k->ui.w, k->ui.h };
	if (!w)
		return fail(s, "widget '%s' is not on screen", arg);
	if (w->panel >= 0 && w->panel < k->ui.npanels)
		pr = k->ui.panels[w->panel].r;
	if (w->r.y < pr.y || w->r.y + w->r.h > pr.y + pr.h || w->r.x < 0 || w->r.x + w->r.w > k->ui.w)
		return fail(s, "widget '%s' (y %d, h %d) is cut: its panel shows y %d to %d", arg, w->r.y,
			    w->r.h, pr.y, pr.y + pr.h);
	return 0;
}

/* expect-targets: every control on screen that can be used (button,
 * key, check box, choice, field, list item) is at least a target wide
 * and tall (ui_target_min(): 44 px, 9 mm on a 7-inch panel). */
static int verb_expect_targets(struct script *s, const char *verb, char *arg)
{
	struct ui *ui = &s->k->ui;
	int min = ui_target_min(ui);
	for (int i = 0; i < ui->nwidgets; i++) {
		const struct ui_widget *w = &ui->widgets[i];
		enum ui_role r = w->role;
		if (!w->visible || !w->enabled ||
		    (r != UI_ROLE_BUTTON && r != UI_ROLE_KEY && r != UI_ROLE_CHECKBOX && r != UI_ROLE_RADIO &&
		     r != UI_ROLE_FIELD && r != UI_ROLE_LISTITEM))
			continue;
		if (w->r.w < min || w->r.h < min)
			return fail(s, "control '%s' is %dx%d px, a target is at least %d px", w->id, w->r.w, w->r.h,
				    min);
	}
	return 0;
}

/* expect-words-whole: no text on screen had a word broken across
 * lines this frame ("Pouvez-vo/us" in the step bar at 200%). */
static int verb_expect_words_whole(struct script *s, const char *verb, char *arg)
{
	if (s->k->ui.word_cut[0])
		return fail(s, "the word '%s' is broken across lines", s->k->ui.word_cut);
	return 0;
}

/* The field's label, the field and its error (when shown) fit the
 * panel together, the keyboard's top its bottom when it is up. */
static int label_fits(struct kiosk *k, const struct ui_widget *w, struct ui_rect pr)
{
	const struct ui_widget *kb = visible(k, "keyboard");
	int bottom = w->r.y + w->r.h, h = pr.h;
	char owner[64];
	for (int i = 0; i < k->ui.nwidgets; i++) {
		const struct ui_widget *e = &k->ui.widgets[i];
		const char *o = e->role == UI_ROLE_ALERT ? ui_alert_owner(&k->ui, e->id, owner, sizeof(owner)) : NULL;
		if (e->visible && o && !strcmp(o, w->id) && e->r.y + e->r.h > bottom)
			bottom = e->r.y + e->r.h;
	}
	if (kb && kb->r.y < pr.y + pr.h && kb->r.x < w->r.x + w->r.w && kb->r.x + kb->r.w > w->r.x)
		h = kb->r.y - pr.y;
	return bottom - (w->r.y - w->above) <= h;
}

/* expect-uncovered ID [PCT]: at least PCT% (default all) of the
 * widget's height is seen: inside its panel and the screen, and
 * above the on-screen keyboard when it is up (a field typed
 * into, the results filtering as the citizen types). A field's label
 * above it too, whenever the label, the field and its error fit. */
static int verb_expect_uncovered(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	char id[64] = "";
	int pct = 100, y0, y1;
	const struct ui_widget *w, *kb;
	if (sscanf(arg, "%63s %d", id, &pct) < 1 || pct <= 0 || pct > 100)
		return fail(s, "expect-uncovered needs ID [PCT]");
	if (!(w = visible(k, id)))
		return fail(s, "widget '%s' is not on screen", id);
	y0 = w->r.y > 0 ? w->r.y : 0;
	y1 = w->r.y + w->r.h < k->ui.h ? w->r.y + w->r.h : k->ui.h;
	if (w->panel >= 0 && w->panel < k->ui.npanels) {
		struct ui_rect pr = k->ui.panels[w->panel].r;
		y0 = y0 > pr.y ? y0 : pr.y;
		y1 = y1 < pr.y + pr.h ? y1 : pr.y + pr.h;
		/* A field comes with its label above it, wholly in view (the
		 * Ukrainian form at 480x800 200% showed the codice fiscale
		 * with its label under the header). */
		if (w->above > 0 && w->r.y - w->above < pr.y && label_fits(k, w, pr))
			return fail(s, "the label of '%s' (y %d to %d) is cut: its panel shows y %d to %d", id,
				    w->r.y - w->above, w->r.y, pr.y, pr.y + pr.h);
	}
	/* The keyboard covers what is above its top edge only where it is
	 * (a landscape numeric pad sits beside the page). */
	if ((kb = visible(k, "keyboard")) && y1 > kb->r.y && w->r.x < kb->r.x + kb->r.w && w->r.x + w->r.w > kb->r.x)
		y1 = kb->r.y;
	if (w->r.h <= 0 || (y1 - y0) * 100 < pct * w->r.h)
		return fail(s, "widget '%s' (y %d, h %d) is seen from y %d to %d, want %d%% of it", id, w->r.y,
			    w->r.h, y0, y1 > y0 ? y1 : y0, pct);
	return 0;
}

/* The tallest band from y0 to y1 across the screen with no text,
 * picture or control in it. */
static int empty_band(const struct ui *ui, int top, int bottom)
{
	int n = 0, gap = 0, y;
	static int y0[UI_MAX_CMDS + UI_MAX_WIDGETS], y1[UI_MAX_CMDS + UI_MAX_WIDGETS];
	for (int i = 0; i < ui->ncmds; i++) {
		const struct ui_cmd *c = &ui->cmds[i];
		if (c->kind == UI_CMD_TEXT || c->kind == UI_CMD_BITMAP) {
			y0[n] = c->r.y;
			y1[n++] = c->r.y + (c->r.h > 0 ? c->r.h : c->px);
		}
	}
	for (int i = 0; i < ui->nwidgets; i++)
		if (ui->widgets[i].visible && ui->widgets[i].role != UI_ROLE_GESTURE &&
		    ui->widgets[i].role != UI_ROLE_DIALOG) {
			y0[n] = ui->widgets[i].r.y;
			y1[n++] = ui->widgets[i].r.y + ui->widgets[i].r.h;
		}
	/* Walk down: the lowest point covered so far. */
	for (y = top;;) {
		int next = -1, reach = y;
		for (int i = 0; i < n; i++) {
			if (y1[i] <= y || y0[i] >= bottom)
				continue;
			if (y0[i] <= y) {
				if (y1[i] > reach)
					reach = y1[i];
			} else if (next < 0 || y0[i] < next) {
				next = y0[i];
			}
		}
		if (reach > y) {
			y = reach;
			continue;
		}
		if (next < 0)
			next = bottom;
		if (next - y > gap)
			gap = next - y;
		if (next >= bottom)
			break;
		y = next;
	}
	return gap;
}

/* expect-filled PCT: no empty band across the page (between the
 * header and the footer, no text, picture or control in it) is
 * taller than PCT% of the screen: room left by controls moved
 * low must be used, not left blank. */
static int verb_expect_filled(struct script *s, const char *verb, char *arg)
{
	struct ui *ui = &s->k->ui;
	int pct = atoi(arg), gap;
	if (pct <= 0 || !ui->npanels)
		return fail(s, "expect-filled needs PCT and a screen with a page");
	gap = empty_band(ui, ui->panels[0].r.y, ui->panels[0].r.y + ui->panels[0].r.h);
	return gap * 100 <= pct * ui->h ? 0 : fail(s, "an empty band of %d px (%d%% of the screen) across the page, want at most %d%%",
						gap, gap * 100 / ui->h, pct);
}

/* expect-labels-grown [buttons]: no named key's word (Delete, Space,
 * Hide...) was set smaller than its size to fit its key this frame
 * (labels grow with the text, never shrink: "Cancella" on the narrow
 * keyboard at 200%); with "buttons", no button's label either
 * ("Фільтри" at 800x480 200%; not every screen's buttons pass yet: a
 * form choice at uk 480x800 200% is still set smaller). */
static int verb_expect_labels_grown(struct script *s, const char *verb, char *arg)
{
	if (s->k->ui.label_shrunk[0])
		return fail(s, "the label '%s' was shrunk to fit its key", s->k->ui.label_shrunk);
	if (!strcmp(arg, "buttons") && s->k->ui.button_shrunk[0])
		return fail(s, "the button's label '%s' was shrunk to fit the button", s->k->ui.button_shrunk);
	if (arg[0] && strcmp(arg, "buttons"))
		return fail(s, "expect-labels-grown takes nothing or 'buttons'");
	return 0;
}

/* expect-row-wide FIRST LAST PX: a row of keys from FIRST to LAST
 * spans the screen, leaving at most PX at its left and right edges
 * (the codice fiscale's keyboard at 480x800, Shift hidden, left about
 * a key's width empty at either end of "@ Space Delete"). */
static int verb_expect_row_wide(struct script *s, const char *verb, char *arg)
{
	char a[64], b[64];
	int px;
	const struct ui_widget *first, *last;
	if (sscanf(arg, "%63s %63s %d", a, b, &px) != 3)
		return fail(s, "expect-row-wide needs FIRST LAST PX");
	if (!(first = visible(s->k, a)) || !(last = visible(s->k, b)))
		return fail(s, "widget '%s' or '%s' is not on screen", a, b);
	if (first->r.x > px || s->k->ui.w - (last->r.x + last->r.w) > px)
		return fail(s, "the row from '%s' to '%s' leaves %d px at the left and %d px at the right, want at most %d",
			    a, b, first->r.x, s->k->ui.w - (last->r.x + last->r.w), px);
	return 0;
}

/* expect-header-filled PCT: above the page (the header), no empty band
 * is taller than PCT% of the screen's height (the compact header on
 * browse at 480x800 kept an empty row of 56 px, 7%, where other
 * screens put Back and Continue; the full header's margins at
 * 1080x1920 200% are 40 px, 2%). */
static int verb_expect_header_filled(struct script *s, const char *verb, char *arg)
{
	struct ui *ui = &s->k->ui;
	int pct = atoi(arg), gap;
	if (pct <= 0 || !ui->npanels)
		return fail(s, "expect-header-filled needs PCT and a screen with a page");
	gap = empty_band(ui, 0, ui->panels[0].r.y);
	return gap * 100 <= pct * ui->h ? 0 : fail(s, "an empty band of %d px (%d%% of the screen) in the header (above y %d), want at most %d%%",
						gap, gap * 100 / ui->h, ui->panels[0].r.y, pct);
}

static int verb_expect(struct script *s, const char *verb, char *arg)
{
	return visible(s->k, arg) ? 0 : fail(s, "widget '%s' is not on screen", arg);
}

static int verb_expect_not(struct script *s, const char *verb, char *arg)
{
	return !visible(s->k, arg) ? 0 : fail(s, "widget '%s' is on screen", arg);
}

static int verb_expect_checked(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	const struct ui_widget *w = visible(k, arg);
	int want = !strcmp(verb, "expect-checked");
	if (!w)
		return fail(s, "widget '%s' is not on screen", arg);
	return !w->checked == !want ? 0 : fail(s, "widget '%s' is %s", arg, w->checked ? "checked" : "not checked");
}

static int verb_expect_announced(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;

	for (int i = 0; i < (int)ARRAY_SIZE(k->announced); i++)
		if (strstr(k->announced[i], arg))
			return 0;
	return fail(s, "nothing announced matches '%s'", arg);
}

/* An utterance as said (marks removed) into out, with the language of
 * each byte in langs (8 bytes a language). */
static void said_langs(const char *raw, char *out, char (*langs)[8], size_t size)
{
	char lang[8];
	size_t n = 0;
	str_copy(lang, sizeof(lang), i18n_lang());
	while (*raw && n + 1 < size) {
		if (*raw == UI_LANG_MARK) {
			const char *end = strchr(raw, '\x1f');
			size_t ln = end ? (size_t)(end - raw - 1) : 0;
			if (ln && ln < sizeof(lang))
				str_fmt(lang, sizeof(lang), "%.*s", (int)ln, raw + 1);
			else
				str_copy(lang, sizeof(lang), i18n_lang());
			raw = end ? end + 1 : raw + strlen(raw);
			continue;
		}
		memcpy(langs[n], lang, sizeof(lang));
		out[n++] = *raw++;
	}
	out[n] = 0;
}

/* Whether one of the last utterances holds text, all of it in lang
 * (NULL: any). */
static int said(struct kiosk *k, const char *text, const char *lang)
{
	static char out[KIOSK_SAY_MAX], langs[KIOSK_SAY_MAX][8];
	int ns = k->nspoken;
	size_t tn = strlen(text);
	for (int i = 0; i < (int)ARRAY_SIZE(k->spoken) && i < ns; i++) {
		const char *hit;
		said_langs(k->spoken[(ns - 1 - i) % (int)ARRAY_SIZE(k->spoken)], out, langs, sizeof(out));
		for (hit = strstr(out, text); hit; hit = strstr(hit + 1, text)) {
			size_t at = (size_t)(hit - out), j;
			for (j = 0; lang && j < tn; j++)
				if (strcmp(langs[at + j], lang))
					break;
			if (!lang || j == tn)
				return 1;
		}
	}
	return 0;
}

/* The exact text last handed to the speech engine, or a part
 * of one of the last utterances. */
static int verb_expect_speech(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	int ns = k->nspoken, exact = !strcmp(verb, "expect-speech");
	static char last[KIOSK_SAY_MAX];
	ui_strip_marks(ns ? k->spoken[(ns - 1) % (int)ARRAY_SIZE(k->spoken)] : "", last, sizeof(last));
	if (exact)
		return !strcmp(last, arg) ? 0 : fail(s, "the voice guide last said '%.400s'", last);
	if (said(k, arg, NULL))
		return 0;
	return fail(s, "the voice guide said nothing with '%s' (last: '%.400s')", arg, last);
}

/* "expect-speech-lang LANG TEXT": TEXT was said, all in LANG's voice. */
static int verb_expect_speech_lang(struct script *s, const char *verb, char *arg)
{
	char lang[8];
	int n = 0;
	if (sscanf(arg, "%7s %n", lang, &n) != 1 || !arg[n])
		return fail(s, "usage: expect-speech-lang LANG TEXT");
	return said(s->k, arg + n, lang) ? 0 : fail(s, "'%s' was not said in the %s voice", arg + n, lang);
}

/* "expect-spoken-whole ID": the whole text of widget ID (as drawn, at
 * any length) is in one of the last utterances, in its language. */
static int verb_expect_spoken_whole(struct script *s, const char *verb, char *arg)
{
	static char text[KIOSK_SAY_MAX];
	const struct ui_widget *w = ui_find(&s->k->ui, arg);
	if (!w)
		return fail(s, "no widget %s", arg);
	ui_strip_marks(w->text, text, sizeof(text));
	if (said(s->k, text, w->lang ? w->lang : i18n_lang()))
		return 0;
	return fail(s, "%s (%zu bytes, %s) was not said whole: '%.300s'", arg, strlen(text),
		    w->lang ? w->lang : i18n_lang(), text);
}

/* How many times the voice guide has spoken so far. */
static int verb_expect_utterances(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	if (atoi(arg) != k->nspoken)
		return fail(s, "the voice guide spoke %d times, want %d", k->nspoken, atoi(arg));
	return 0;
}

static int verb_headphones(struct script *s, const char *verb, char *arg)
{
	platform_headphones(s->p);
	return 0;
}

static int verb_expect_forgotten(struct script *s, const char *verb, char *arg)
{
	return !platform_remembers(s->p, arg) ? 0 : fail(s, "'%s' is still in memory", arg);
}

static int verb_expect_text(struct script *s, const char *verb, char *arg)
{
	return text_shown(s->k, arg) ? 0 : fail(s, "text '%s' is not on screen", arg);
}

static int verb_expect_no_text(struct script *s, const char *verb, char *arg)
{
	return !text_shown(s->k, arg) ? 0 : fail(s, "text '%s' is on screen", arg);
}

static int verb_expect_screen(struct script *s, const char *verb, char *arg)
{
	return !strcmp(s->k->screen->id, arg) ? 0 : fail(s, "the screen is '%s'", s->k->screen->id);
}

static int verb_expect_focus(struct script *s, const char *verb, char *arg)
{
	return !strcmp(s->k->ui.focus, arg) ? 0 : fail(s, "focus is on '%s'", s->k->ui.focus);
}

static int verb_expect_field(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	char id[64] = "";
	const char *want, *got;
	sscanf(arg, "%63s", id);
	want = arg + strlen(id);
	while (*want == ' ')
		want++;
	got = kiosk_field(k, id, NULL, NULL);
	if (!got)
		return fail(s, "no field '%s'", id);
	return !strcmp(got, want) ? 0 : fail(s, "the field holds '%s'", got);
}

/* expect-low ID PCT: the widget's top is at least PCT% down
 * the screen (reach from a wheelchair: the lower two thirds). */
static int verb_expect_low(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	char id[64] = "";
	int pct = 0;
	const struct ui_widget *w;
	if (sscanf(arg, "%63s %d", id, &pct) != 2)
		return fail(s, "expect-low needs ID PCT");
	if (!(w = visible(k, id)))
		return fail(s, "widget '%s' is not on screen", id);
	return w->r.y * 100 >= pct * k->ui.h ? 0 :
		fail(s, "widget '%s' is at y %d, %d%% down the screen, want %d%%", id, w->r.y, w->r.y * 100 / k->ui.h, pct);
}

/* expect-text-size ID MINPX: the largest text drawn inside the
 * widget is at least MINPX pixels (labels that grow). */
static int verb_expect_text_size(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	char id[64] = "";
	int min = 0, best = 0;
	const struct ui_widget *w;
	if (sscanf(arg, "%63s %d", id, &min) != 2)
		return fail(s, "expect-text-size needs ID MINPX");
	if (!(w = visible(k, id)))
		return fail(s, "widget '%s' is not on screen", id);
	for (int i = 0; i < k->ui.ncmds; i++) {
		const struct ui_cmd *c = &k->ui.cmds[i];
		if (c->kind == UI_CMD_TEXT && c->r.x >= w->r.x && c->r.x < w->r.x + w->r.w &&
		    c->r.y + c->r.h / 2 >= w->r.y && c->r.y + c->r.h / 2 < w->r.y + w->r.h && c->px > best)
			best = c->px;
	}
	return best >= min ? 0 : fail(s, "the text in '%s' is %d px, want at least %d", id, best, min);
}

static int verb_expect_sql(struct script *s, const char *verb, char *arg)
{
	return expect_sql(s, arg, 0);
}

static int verb_expect_sql_shown(struct script *s, const char *verb, char *arg)
{
	return expect_sql(s, arg, 1);
}

static int verb_shot(struct script *s, const char *verb, char *arg)
{
	char path[1024];
	str_fmt(path, sizeof(path), "%s/%s.png", s->shots, arg);
	return platform_screenshot(s->p, path) ? fail(s, "cannot save %s", path) : 0;
}

static int verb_reveal(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;

	str_fmt(k->ui.reveal, sizeof(k->ui.reveal), "%s", arg);
	k->ui.animating = 1;
	platform_advance(s->p, 100);
	return visible(k, arg) ? 0 : fail(s, "widget '%s' cannot be scrolled into view", arg);
}

static int verb_resize(struct script *s, const char *verb, char *arg)
{
	int w, h;
	if (sscanf(arg, "%dx%d", &w, &h) != 2 || w < 320 || h < 240 || w > 8192 || h > 8192)
		return fail(s, "resize needs WxH");
	return platform_resize(s->p, w, h) ? fail(s, "cannot resize to %s", arg) : 0;
}

static int verb_set_config(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	char key[64] = "";
	const char *val;
	sscanf(arg, "%63s", key);
	val = arg + strlen(key);
	while (*val == ' ')
		val++;
	if (config_set(k->cfg, key, val))
		return fail(s, "cannot set config key '%s'", key);
	if (!strcmp(key, "comune") && kiosk_init(k))
		return fail(s, "comune '%s' is not valid", val);
	platform_advance(s->p, 16);
	return 0;
}

/* expect-scroll MIN MAX: the screen's scroll panel offset, px. */
static int verb_expect_scroll(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	int lo, hi, off;
	if (sscanf(arg, "%d %d", &lo, &hi) != 2)
		return fail(s, "expect-scroll needs MIN MAX");
	if (!k->ui.npanels)
		return fail(s, "this screen does not scroll");
	off = (int)k->ui.panels[0].s->offset;
	return off >= lo && off <= hi ? 0 : fail(s, "scrolled %d px, want %d..%d", off, lo, hi);
}

/* expect-file CONFIGKEY NAME: a non-empty file in a configured directory. */
static int verb_expect_file(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	char key[64] = "", path[1024];
	const char *name;
	struct stat st;
	sscanf(arg, "%63s", key);
	name = arg + strlen(key);
	while (*name == ' ')
		name++;
	if (!config_get(k->cfg, key)[0] || strchr(name, '/'))
		return fail(s, "expect-file needs a directory key and a file name");
	str_fmt(path, sizeof(path), "%s/%s", config_get(k->cfg, key), name);
	if (stat(path, &st) || st.st_size == 0)
		return fail(s, "no file %s", path);
	return 0;
}

/* The citizen's text size, 1 to 2.5 (the home screen offers 1,
 * 1.3, 1.6 and 2). */
static int verb_text_scale(struct script *s, const char *verb, char *arg)
{
	struct kiosk *k = s->k;
	float v = strtof(arg, NULL);
	if (v < 1.0f || v > 2.5f)
		return fail(s, "text-scale wants 1 to 2.5");
	k->ui.text_scale = v;
	k->ui.animating = 1;
	platform_advance(s->p, 16);
	return 0;
}

static int verb_sql(struct script *s, const char *verb, char *arg)
{
	return db_exec(s->k->db, arg) ? fail(s, "SQL failed: %s", arg) : 0;
}

static int verb_stats_reset(struct script *s, const char *verb, char *arg)
{
	platform_stats_reset(s->p);
	return 0;
}

/* floor N: the bare-SDL floor (platform_floor()), reported by the next stats. */
static int verb_floor(struct script *s, const char *verb, char *arg)
{
	int n = atoi(arg);
	if (n <= 0 || n > 100000)
		return fail(s, "floor wants a number of frames");
	platform_stats_reset(s->p);
	platform_floor(s->p, n);
	return 0;
}

static int verb_tap(struct script *s, const char *verb, char *arg)
{
	return tap(s, arg);
}

static int verb_osk(struct script *s, const char *verb, char *arg)
{
	return osk(s, arg);
}

static int verb_expect_layout(struct script *s, const char *verb, char *arg)
{
	return expect_layout(s);
}

static int verb_expect_contrast(struct script *s, const char *verb, char *arg)
{
	return expect_contrast(s);
}

static int verb_dump(struct script *s, const char *verb, char *arg)
{
	return dump(s, arg);
}

static int verb_stats(struct script *s, const char *verb, char *arg)
{
	return stats(s, arg);
}

/* Whether another connection holds the database's write lock: a
 * BEGIN IMMEDIATE of our own, not waiting, is refused. */
static int db_write_locked(const char *path)
{
	sqlite3 *probe = NULL;
	int rc, locked = 0;
	if (sqlite3_open_v2(path, &probe, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(probe, 0);
		rc = sqlite3_exec(probe, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		locked = rc == SQLITE_BUSY;
		if (rc == SQLITE_OK)
			sqlite3_exec(probe, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_close(probe);
	return locked;
}

/* lock-db: a real sqlite3 process takes the kiosk database's write lock
 * (BEGIN IMMEDIATE) and keeps it until unlock-db, as the dote command
 * or a backup would; a Send waits for it. Returns when the lock is held
 * (at most 10 s). Frames no longer wait for the workers meanwhile. */
static int verb_lock_db(struct script *s, const char *verb, char *arg)
{
	int fds[2];
	if (s->lock_in)
		return fail(s, "lock-db: already locked");
	if (pipe(fds))
		return fail(s, "lock-db: pipe: %s", strerror(errno));
	s->lock_pid = fork();
	if (s->lock_pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execlp("sqlite3", "sqlite3", s->k->db_path, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	if (s->lock_pid < 0 || !(s->lock_in = fdopen(fds[1], "w"))) {
		if (s->lock_pid < 0)
			close(fds[1]);
		return fail(s, "lock-db: cannot start sqlite3");
	}
	fprintf(s->lock_in, ".timeout 10000\nBEGIN IMMEDIATE;\n");
	fflush(s->lock_in);
	printf("lock-db: sqlite3 pid %d\n", (int)s->lock_pid);
	fflush(stdout);
	for (int i = 0; i < 500; i++) {
		struct timespec ts = { 0, 20 * 1000000L };
		if (db_write_locked(s->k->db_path)) {
			s->k->hold_background = 1;
			return 0;
		}
		nanosleep(&ts, NULL);
	}
	return fail(s, "lock-db: the lock was not taken in 10 s");
}

/* unlock-db: the sqlite3 process commits and quits; then the workers
 * are waited for (at most 30 s) and half a second of frames run. */
static int verb_unlock_db(struct script *s, const char *verb, char *arg)
{
	int st = 0;
	if (!s->lock_in)
		return fail(s, "unlock-db: not locked");
	fprintf(s->lock_in, "COMMIT;\n.quit\n");
	fclose(s->lock_in);
	s->lock_in = NULL;
	waitpid(s->lock_pid, &st, 0);
	s->k->hold_background = 0;
	if (kiosk_background_wait(s->k, 30000))
		return fail(s, "unlock-db: the workers did not finish in 30 s");
	platform_advance(s->p, 500);
	return 0;
}

/* hold-search on|off: the search worker's next job waits (a search
 * slower than the frame) until off (kiosk/search.h search_hold()). */
static int verb_hold_search(struct script *s, const char *verb, char *arg)
{
	int on = !strcmp(arg, "on");
	if (!s->k->search || search_hold(s->k->search, on)) {
		str_fmt(s->why, sizeof(s->why), "hold-search: the kiosk has no search thread");
		return 2;
	}
	s->k->hold_background = on;
	if (!on) {
		if (kiosk_background_wait(s->k, 30000))
			return fail(s, "hold-search off: the search did not finish in 30 s");
		platform_advance(s->p, 100);
	}
	return 0;
}

/* serve: the script ends in the kiosk's own event loop (real time),
 * until it is stopped (SIGTERM, SIGINT): a test stops it from outside.
 * A lock-db still held stays so: the test ends that sqlite3 process by
 * the id lock-db printed. */
static int verb_serve(struct script *s, const char *verb, char *arg)
{
	s->served = 1;
	platform_run(s->p);
	return 0;
}

/* The verbs, as kiosk/README.md lists them (git's commands[]). */
static const struct verb {
	const char *name;
	int (*run)(struct script *s, const char *verb, char *arg);
} verbs[] = {
	{ "tap", verb_tap },
	{ "tap-at", verb_tap_at },
	{ "drag", verb_drag },
	{ "type", verb_type },
	{ "scan", verb_scan },
	{ "osk", verb_osk },
	{ "key", verb_key },
	{ "wait", verb_wait },
	{ "clock", verb_clock },
	{ "expect-presses", verb_expect_presses },
	{ "expect-lit", verb_expect_lit },
	{ "expect-taps", verb_expect_taps },
	{ "wait-sync", verb_wait_sync },
	{ "wait-status", verb_wait_status },
	{ "printer", verb_printer },
	{ "wait-printer", verb_wait_printer },
	{ "expect-whole", verb_expect_whole },
	{ "expect-targets", verb_expect_targets },
	{ "expect-words-whole", verb_expect_words_whole },
	{ "expect-uncovered", verb_expect_uncovered },
	{ "expect-filled", verb_expect_filled },
	{ "expect-header-filled", verb_expect_header_filled },
	{ "expect-labels-grown", verb_expect_labels_grown },
	{ "expect-row-wide", verb_expect_row_wide },
	{ "expect", verb_expect },
	{ "expect-not", verb_expect_not },
	{ "expect-checked", verb_expect_checked },
	{ "expect-unchecked", verb_expect_checked },
	{ "expect-announced", verb_expect_announced },
	{ "expect-speech", verb_expect_speech },
	{ "expect-speech-part", verb_expect_speech },
	{ "expect-speech-lang", verb_expect_speech_lang },
	{ "expect-spoken-whole", verb_expect_spoken_whole },
	{ "expect-utterances", verb_expect_utterances },
	{ "headphones", verb_headphones },
	{ "expect-forgotten", verb_expect_forgotten },
	{ "expect-text", verb_expect_text },
	{ "expect-no-text", verb_expect_no_text },
	{ "expect-screen", verb_expect_screen },
	{ "expect-focus", verb_expect_focus },
	{ "expect-field", verb_expect_field },
	{ "expect-layout", verb_expect_layout },
	{ "expect-contrast", verb_expect_contrast },
	{ "expect-low", verb_expect_low },
	{ "expect-text-size", verb_expect_text_size },
	{ "expect-sql", verb_expect_sql },
	{ "expect-sql-shown", verb_expect_sql_shown },
	{ "shot", verb_shot },
	{ "dump", verb_dump },
	{ "reveal", verb_reveal },
	{ "resize", verb_resize },
	{ "set-config", verb_set_config },
	{ "expect-scroll", verb_expect_scroll },
	{ "expect-file", verb_expect_file },
	{ "text-scale", verb_text_scale },
	{ "sql", verb_sql },
	{ "stats", verb_stats },
	{ "stats-reset", verb_stats_reset },
	{ "floor", verb_floor },
	{ "lock-db", verb_lock_db },
	{ "unlock-db", verb_unlock_db },
	{ "hold-search", verb_hold_search },
	{ "serve", verb_serve },
};

static int run_line(struct script *s, const char *verb, char *arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(verbs[i].name, verb))
			return verbs[i].run(s, verb, arg);
	return fail(s, "unknown verb '%s'", verb);
}

int script_run(struct platform *p, struct kiosk *k, const char *path, const char *shots)
{
	struct script s = { .p = p, .k = k, .shots = shots };
	char line[2048], verb[SCRIPT_VERB_MAX], *arg;
	int lineno = 0, rc = 0, r, ran;
	FILE *f = fopen(path, "r");
	if (!f)
		return error("cannot open script %s: %s", path, strerror(errno));
	if (dir_make(shots, 0755)) {
		fclose(f);
		return error("cannot create %s", shots);
	}
	platform_advance(p, 16);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		/* "# layout: every step": expect-layout after every action. */
		if (!strncmp(line, "# layout: every step", 20))
			s.layout_always = 1;
		r = script_parse_line(line, verb, &arg);
		if (!r)
			continue;
		ran = r > 0 ? run_line(&s, verb, arg) : fail(&s, "unknown verb");
		if (ran == 2) {
			/* A verb this build cannot run: the rest is skipped. */
			printf("SKIP %s:%d: %s\n", path, lineno, s.why);
			break;
		}
		if (ran || check_alerts(&s) || check_overlap(&s) ||
		    (s.layout_always && strncmp(verb, "expect", 6) && strcmp(verb, "shot") && strcmp(verb, "dump") &&
		     expect_layout(&s))) {
			fprintf(stderr, "%s:%d: FAILED: %s\n  %s\n", path, lineno, line, s.why);
			printf("FAIL %s:%d: %s: %s\n", path, lineno, line, s.why);
			/* What the screen showed then, to look at (failed.png). */
			str_fmt(line, sizeof(line), "%s/failed.png", shots);
			platform_screenshot(p, line);
			rc = 1;
			break;
		}
	}
	fclose(f);
	if (s.lock_in && !s.served) {
		/* Not unlocked: the sqlite3 process ends without committing. */
		fclose(s.lock_in);
		waitpid(s.lock_pid, NULL, 0);
		s.k->hold_background = 0;
	}
	return rc;
}
