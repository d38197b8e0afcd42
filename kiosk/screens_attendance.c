/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The "Presenze" screen: a trainee scans the health card (the scanner
 * types the codice fiscale into the field) or the personal QR (its text,
 * "DCP-..." with nothing personal in it) and is signed in or out at
 * once, also with the hub down: core/attendance.c commits the signed
 * event before the answer is drawn, and the sync thread sends it later.
 * The answer (initials, time, hours this month) stays until the next
 * card; the field is emptied for the next person. A trainee whose
 * placement is completed is offered a printed summary of the
 * certificate with the QR the hub signed (the roster brings them), on
 * the receipt printer, as "check my application" offers it
 * (kiosk/certificate.c). Start at attendance_frame().
 */
#include "kiosk/screens.h"
#include "core/attendance.h"
#include "core/datetime.h"
#include "core/util.h"
#include "kiosk/certificate.h"
#include "kiosk/i18n.h"
#include "kiosk/sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The last answer; nothing personal but the initials. */
static struct {
	enum attendance_scan_result result;
	struct attendance_answer a;
	int shown;
	struct attendance_certificate cert;	/* a completed placement's */
	int have_cert;
	struct cert_print print;		/* its print (kiosk/certificate.h) */
} att;

/* The time of a scan: the wall clock; in the scripted mode, whose wall
 * clock is pinned (DOTE_NOW), moved along with the virtual clock so that
 * `wait` separates a sign-in from its sign-out. */
static int64_t scan_time(struct kiosk *k)
{
	const char *pinned = getenv("DOTE_NOW");
	if (pinned && *pinned)
		return (int64_t)now_wall() + k->ui.in.now_ms / 1000;
	return (int64_t)now_wall();
}

void attendance_enter(struct kiosk *k)
{
	memset(&att, 0, sizeof(att));
	str_wipe(k->c.att_cf, sizeof(k->c.att_cf));
	if (attendance_migrate(k->db))
		warning("attendance: the kiosk's tables could not be created");
	ui_focus(&k->ui, "field:att_cf");
}

void attendance_leave(struct kiosk *k)
{
	memset(&att, 0, sizeof(att));
	str_wipe(k->c.att_cf, sizeof(k->c.att_cf));
}

static void record(struct kiosk *k)
{
	if (!k->have_identity)
		att.result = SCAN_ERROR;
	else
		att.result = attendance_scan(k->db, &k->identity, k->c.att_cf, scan_time(k), &att.a);
	att.shown = 1;
	memset(&att.print, 0, sizeof(att.print));
	att.have_cert = (att.result == SCAN_NOT_HERE || att.result == SCAN_BAD_BADGE) &&
			attendance_certificate_find(k->db, k->c.att_cf, &att.cert) == 0;
	if (att.result == SCAN_OK)
		sync_kick(k->sync);
	str_wipe(k->c.att_cf, sizeof(k->c.att_cf));
	ui_focus(&k->ui, "field:att_cf");
}

void attendance_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct flow f = screen_begin(k, NULL, 1);
	char line[200];
	int h;

	/* A scanner types the 16 characters (and maybe Enter): record as
	 * soon as they are all there; a personal QR is longer. */
	if (strlen(k->c.att_cf) >= (badge_prefixed(k->c.att_cf) ? strlen(BADGE_PREFIX) + BADGE_CHARS : 16))
		record(k);
	flow_heading(k, &f, "attendance-title", _("Attendance"));
	flow_text(k, &f, "attendance-help", _("Scan the barcode of your health card or your personal QR code, or type your codice fiscale."),
		  UI_FONT_REGULAR, 32, C_MUTED);
	flow_reach(k, &f);
	ui_field(ui, "field:att_cf", _("Codice fiscale"), k->c.att_cf, NULL, NULL, (struct ui_rect){ f.x, f.y, f.w, 0 }, &h);
	f.y += h + ui_px(ui, 24);
	if (att.shown && att.result == SCAN_OK) {
		int pad = ui_px(ui, 28), y = f.y + pad, ch;
		char when[80], month[80];
		str_fmt(when, sizeof(when), att.a.kind == ATTENDANCE_IN ? _("Signed in at %s") : _("Signed out at %s"),
			att.a.time);
		str_fmt(month, sizeof(month), _("This month: %d h %02d min"), att.a.month_minutes / 60,
			att.a.month_minutes % 60);
		str_fmt(line, sizeof(line), "%s · %s · %s", att.a.initials, when, month);
		ch = 2 * pad + ui->text.line_height(ui->text.ctx, UI_FONT_BOLD, ui_font_px(ui, 56)) +
		     ui->text.line_height(ui->text.ctx, UI_FONT_SEMIBOLD, ui_font_px(ui, 36)) * 2 + ui_px(ui, 16);
		ui_draw_card(ui, (struct ui_rect){ f.x, f.y, f.w, ch });
		y += ui_label(ui, "att-initials", att.a.initials, (struct ui_rect){ f.x + pad, y, f.w - 2 * pad, 0 },
			      UI_FONT_BOLD, ui_font_px(ui, 56), C_PRIMARY_DARK);
		y += ui_label(ui, "att-when", when, (struct ui_rect){ f.x + pad, y + ui_px(ui, 8), f.w - 2 * pad, 0 },
			      UI_FONT_SEMIBOLD, ui_font_px(ui, 36), C_SUCCESS) + ui_px(ui, 8);
		ui_label(ui, "att-month", month, (struct ui_rect){ f.x + pad, y, f.w - 2 * pad, 0 }, UI_FONT_SEMIBOLD,
			 ui_font_px(ui, 36), C_TEXT);
		f.y += ch + ui_px(ui, 16);
		if (att.shown == 1) {
			kiosk_say(k, line);
			att.shown = 2;
		}
	} else if (att.shown) {
		const char *why;
		switch (att.result) {
		case SCAN_NOT_HERE:
			why = _("This card has no placement running at this comune. Ask the tutor at the town hall.");
			break;
		case SCAN_REPEAT:
			why = _("Already recorded a moment ago. Nothing else to do.");
			break;
		case SCAN_BAD_CODE:
			why = _("This is not a valid codice fiscale. Scan the card again.");
			break;
		case SCAN_BAD_BADGE:
			why = _("This personal QR code is not valid or has been replaced. Use the health card, or ask the tutor at the town hall for a new code.");
			break;
		default:
			why = _("The attendance could not be saved. Ask the staff for help.");
			break;
		}
		if (att.have_cert) {
			why = _("Your placement is complete: you can print a summary of your certificate, with the code to check and download it.");
			f.y += ui_label(ui, "att-complete", why, (struct ui_rect){ f.x, f.y, f.w, 0 }, UI_FONT_SEMIBOLD,
					ui_font_px(ui, 32), C_TEXT);
			/* Not an error, so no alert: the voice guide says it once. */
			if (att.shown == 1) {
				kiosk_say(k, why);
				att.shown = 2;
			}
		} else
			f.y += ui_error_for(ui, "error:att", "field:att_cf", why, (struct ui_rect){ f.x, f.y, f.w, 0 });
	}
	if (att.shown && att.have_cert) {
		f.y += ui_px(ui, 16);
		certificate_offer(k, &f, "att", "field:att_cf", &att.cert, &att.print);
	}
	screen_end(k, &f);
	switch (chrome_footer(k, _("Back"), "att-record", _("Record"), strlen(k->c.att_cf) > 0)) {
	case 1:
		kiosk_reset(k);
		break;
	case 2:
		record(k);
		break;
	}
}
