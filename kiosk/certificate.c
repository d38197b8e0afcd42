/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The certificate of a completed placement at the kiosk (certificate.h):
 * which one "check my application" may offer, the slip it prints, and
 * the print followed to its end through the printer's counters, so that
 * a jam found seconds later still reaches the citizen who asked. Both
 * the Presenze screen and "check my application" draw it with
 * certificate_offer(); start there.
 */
#include "kiosk/certificate.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/util.h"
#include "kiosk/i18n.h"
#include "kiosk/printer.h"
#include "kiosk/receipt_png.h"
#include "kiosk/screens.h"

#include <stdio.h>
#include <string.h>

int certificate_for_application(sqlite3 *db, const char *protocol, const char *cf,
				struct attendance_certificate *c)
{
	char code[40] = "";
	sqlite3_stmt *st;
	int rc = 1;

	memset(c, 0, sizeof(*c));
	if (!protocol || !cf || attendance_migrate(db))
		return -1;
	st = db_prepare(db, "SELECT placement_code FROM application WHERE protocol = ?1 AND status = 'completed'");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, protocol, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		db_col_copy(st, 0, code, sizeof(code));
	sqlite3_finalize(st);
	if (code[0])
		rc = attendance_certificate_find(db, cf, c);
	/* Another placement's certificate is not this application's. */
	if (rc == 0 && strcmp(c->code, code)) {
		memset(c, 0, sizeof(*c));
		rc = 1;
	}
	return rc;
}

/* A label in the current language, with the Italian for the town
 * hall's staff when it is another (as the receipt does). */
static void label_it(char *buf, size_t size, const char *msgid, const char *italian)
{
	if (!strcmp(i18n_lang(), "it"))
		str_copy(buf, size, _(msgid));
	else
		str_fmt(buf, size, "%s \xC2\xB7 %s", _(msgid), italian);
}

/* Queues the certificate's summary: the receipt's layout with its own
 * words, the trainee's initials where a receipt has the protocol, and
 * the QR of the token the hub signed. Starts p over. */
static void certificate_print(struct kiosk *k, const struct attendance_certificate *c, struct cert_print *p)
{
	struct printer_status ps = { .state = PRINTER_NONE };
	struct receipt_doc doc;
	struct receipt_words w;
	char a[16], b[16];

	memset(p, 0, sizeof(*p));
	p->asked = 1;
	memset(&doc, 0, sizeof(doc));
	receipt_words_current(&w);
	label_it(w.heading, sizeof(w.heading), "Certificate of placement and competences",
		 "Attestato di tirocinio e delle competenze");
	label_it(w.protocol, sizeof(w.protocol), "Trainee", "Tirocinante");
	label_it(w.sent, sizeof(w.sent), "Period and hours", "Periodo e ore svolte");
	str_copy(w.qr_help, sizeof(w.qr_help), _("Scan this code to check the certificate and download it."));
	str_copy(doc.comune_name, sizeof(doc.comune_name), k->comune_name);
	str_copy(doc.protocol, sizeof(doc.protocol), c->initials);
	str_copy(doc.placement_code, sizeof(doc.placement_code), c->code);
	str_copy(doc.placement_title, sizeof(doc.placement_title), c->title);
	date_it(c->start, a, sizeof(a));
	date_it(c->end, b, sizeof(b));
	str_fmt(doc.when, sizeof(doc.when), "%.10s-%.10s %d h", a, b, c->minutes / 60);
	str_copy(doc.url, sizeof(doc.url), c->url);
	if (k->printer)
		printer_get_status(k->printer, &ps);
	/* No printer here (PRINTER_NONE takes every job and drops it), or
	 * a full queue: said at once. */
	if (ps.state == PRINTER_NONE || printer_submit_words(k->printer, &doc, &w)) {
		p->outcome = N_("The printer is not working. Ask the staff, or download the certificate from your receipt's page.");
		p->error = 1;
		return;
	}
	p->printer = k->printer;
	p->printed = ps.printed;
	p->failed = ps.failed;
}

/* What the printer did with p's job, once it is done: a job that
 * failed counts in "failed", one printed in "printed" (the citizen's is
 * the only job queued from these screens). */
static void certificate_follow(struct kiosk *k, struct cert_print *p)
{
	struct printer_status ps;

	if (!p->printer || p->outcome)
		return;
	if (p->printer != k->printer) {
		/* Another printer was set up meanwhile: the job went with the old one. */
		p->outcome = N_("The printer is not working. Ask the staff, or download the certificate from your receipt's page.");
		p->error = 1;
		return;
	}
	printer_get_status(k->printer, &ps);
	if (ps.failed > p->failed) {
		p->error = 1;
		p->outcome = ps.state == PRINTER_PAPER_OUT ? N_("The printer has run out of paper, so the certificate was not printed.")
			   : ps.state == PRINTER_MISSING   ? N_("The printer is not connected, so the certificate was not printed.")
							   : N_("The printer is jammed or not answering, so the certificate was not printed.");
	} else if (ps.printed > p->printed) {
		p->outcome = N_("The certificate summary has been printed: take it from the printer.");
	} else {
		k->ui.animating = 1;	/* look again next frame */
	}
}

/* The text of a failed print: what went wrong, and what to do. */
static void failure_text(const char *outcome, char *buf, size_t size)
{
	str_fmt(buf, size, "%s %s", _(outcome),
		_("Nothing is lost: when the staff have fixed the printer, press \"Print again\". You can also download the certificate from your receipt's page."));
}

/* The room the answer gets under the button: as tall as the longest
 * failure, so that the answer that comes seconds after the tap (the
 * printer's thread finds the jam) lands where the tap brought the page,
 * already in view, and the page does not jump. */
static int answer_room(struct ui *ui, int w)
{
	static const char *const failures[] = {
		N_("The printer is not working. Ask the staff, or download the certificate from your receipt's page."),
		N_("The printer has run out of paper, so the certificate was not printed."),
		N_("The printer is not connected, so the certificate was not printed."),
		N_("The printer is jammed or not answering, so the certificate was not printed."),
	};
	char text[600];
	int room = 0, h;

	for (size_t i = 0; i < ARRAY_SIZE(failures); i++) {
		failure_text(failures[i], text, sizeof(text));
		/* ui_error_for()'s box, with a little to spare. */
		h = ui_text_height(ui, text, UI_FONT_SEMIBOLD, ui_font_px(ui, 28), w - ui_px(ui, 40)) + ui_px(ui, 28);
		if (h > room)
			room = h;
	}
	return room;
}

void certificate_offer(struct kiosk *k, struct flow *f, const char *prefix, const char *owner,
		       const struct attendance_certificate *c, struct cert_print *p)
{
	static const char printing[] = "printing";	/* p->said while printing */
	struct ui *ui = &k->ui;
	int bh = ui_button_h(ui, 130), busy, room, h;
	char id[48], text[600];

	certificate_follow(k, p);
	busy = p->printer && !p->outcome;
	str_fmt(id, sizeof(id), "%s-print-cert", prefix);
	if (ui_button_enabled(ui, id, p->asked ? _("Print again") : _("Print the certificate"),
			      (struct ui_rect){ f->x, f->y, f->w, bh }, UI_PRIMARY, !busy) &&
	    !busy) {
		certificate_print(k, c, p);
		busy = p->printer && !p->outcome;
		/* The answer's room comes into view with the next frame. */
		str_fmt(ui->reveal, sizeof(ui->reveal), "%s-printed", prefix);
		ui->reveal_hold = 2;
		ui->animating = 1;
	}
	f->y += bh + ui_px(ui, 16);
	if (!p->asked)
		return;
	room = answer_room(ui, f->w);
	if (p->error) {
		/* An alert: shown in view, focused and said by the voice guide. */
		failure_text(p->outcome, text, sizeof(text));
		str_fmt(id, sizeof(id), "error:%s-print", prefix);
		h = owner ? ui_error_for(ui, id, owner, text, (struct ui_rect){ f->x, f->y, f->w, 0 })
			  : ui_error(ui, id, text, (struct ui_rect){ f->x, f->y, f->w, 0 });
		f->y += h > room ? h : room;
		p->said = p->outcome;
		return;
	}
	str_copy(text, sizeof(text), busy ? _("The certificate summary is being printed.") : _(p->outcome));
	str_fmt(id, sizeof(id), "%s-printed", prefix);
	h = ui_label(ui, NULL, text, (struct ui_rect){ f->x, f->y, f->w, 0 }, UI_FONT_SEMIBOLD, ui_font_px(ui, 32), C_TEXT);
	if (h > room)
		room = h;
	/* The widget holds the whole room: revealing it brings the room into view. */
	ui_widget_add(ui, id, UI_ROLE_TEXT, text, (struct ui_rect){ f->x, f->y, f->w, room }, 0);
	f->y += room;
	/* Not an error, so no alert: the voice guide says each answer once. */
	if (p->said != (busy ? printing : p->outcome)) {
		p->said = busy ? printing : p->outcome;
		kiosk_say(k, text);
	}
}
