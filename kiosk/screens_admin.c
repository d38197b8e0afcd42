/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * "Check my application" for citizens, and the operator's side: the PIN
 * screen behind the hidden gesture, and the admin screen (catalog age,
 * outbox depth, hub reachable, printer; sync now, test print, reload,
 * quit). Operator text is translated like everything else.
 */
#include "kiosk/screens.h"
#include "core/datetime.h"
#include "core/model.h"
#include "core/util.h"
#include "kiosk/certificate.h"
#include "kiosk/i18n.h"
#include "kiosk/printer.h"
#include "kiosk/sync.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

enum { PIN_MAX_FAILURES = 5, PIN_LOCK_MS = 300000 };

/* --- check my application --------------------------------------------------- */

/* A citizen may hold the receipt's QR code (paper or phone) to a 2D USB
 * scanner, which types the receipt URL into the protocol field. The token
 * is checked with this kiosk's own key (and any kiosk key in its
 * database); a genuine one puts its protocol number in the field. The
 * codice fiscale is still asked for: the status of an application is
 * personal data, and a receipt is easily left at the printer or seen on
 * someone's phone; the codice fiscale is on the citizen's health card
 * (its barcode scans too), so it costs one more scan. */

enum { SCAN_SETTLE_MS = 150 };

/* Longer than any protocol number ('DC-015146-K03-2026-000123'), or a
 * URL: what a scanner types from a receipt QR. A protocol number typed
 * by hand, even mistyped, is not. */
static int receipt_like(const char *s)
{
	return strlen(s) > 47 || strchr(s, '/');
}

static int kiosk_key_lookup(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked)
{
	struct kiosk *k = ctx;
	/* Before enrolment this kiosk signed as LOCAL, with the same key. */
	if (k->have_identity && (!strcmp(kiosk_id, k->identity.id) || !strcmp(kiosk_id, "LOCAL"))) {
		memcpy(pk, k->identity.pk, 32);
		*revoked = 0;
		return 0;
	}
	return receipt_lookup_db(k->db, kiosk_id, pk, revoked);
}

/* Verifies what was typed as a receipt. A keyboard layout that differs
 * from the scanner's can turn ':' and '/' into other signs; the token is
 * then still the last long run of letters and digits. */
static enum receipt_result receipt_read(struct kiosk *k, const char *typed, struct receipt_fields *f)
{
	enum receipt_result r = receipt_verify(typed, kiosk_key_lookup, k, f);
	if (r == RECEIPT_MALFORMED) {
		const char *end = typed + strlen(typed), *start;
		char token[RECEIPT_TOKEN_MAX];
		while (end > typed && !isalnum((unsigned char)end[-1]))
			end--;
		start = end;
		while (start > typed && isalnum((unsigned char)start[-1]))
			start--;
		if (end - start >= 100 && (size_t)(end - start) < sizeof(token)) {
			memcpy(token, start, (size_t)(end - start));
			token[end - start] = 0;
			r = receipt_verify(token, kiosk_key_lookup, k, f);
		}
	}
	return r;
}

/* final: the citizen has left the field (or asked to check), so a
 * receipt that does not verify is an error rather than a scan in
 * progress. Returns 1 when a receipt was read. */
static int status_take_receipt(struct kiosk *k, int final)
{
	struct receipt_fields f;
	enum receipt_result r;
	if (!receipt_like(k->c.check_protocol))
		return 0;
	r = receipt_read(k, k->c.check_protocol, &f);
	if (r == RECEIPT_OK) {
		str_wipe(k->c.check_protocol, sizeof(k->c.check_protocol));
		str_copy(k->c.check_protocol, sizeof(k->c.check_protocol), f.protocol);
		k->c.check_scanned = 1;
		k->c.check_scanned_ms = k->ui.in.now_ms;
		k->err.protocol = NULL;
		k->err.check = NULL;
		k->check_done = 0;
		return 1;
	}
	if (!final)
		return 0;
	k->err.protocol = r == RECEIPT_UNKNOWN_KEY
		? N_("This receipt comes from another kiosk, so it cannot be checked here. Scan its QR code with your phone, or type the protocol number.")
		: N_("This receipt code could not be read or is not valid. Type the protocol number printed on the receipt.");
	str_wipe(k->c.check_protocol, sizeof(k->c.check_protocol));
	k->c.check_scanned = 0;
	return 0;
}

/* The notice is a run of sentences, each ended by a NUL, the run by an
 * empty one: each is drawn as its own line of text ("check-notice",
 * "check-notice-2", ...), so a long answer wraps and reads (and dumps)
 * whole. Where the next sentence goes. */
static size_t notice_end(const struct kiosk *k)
{
	size_t len = 0;

	while (len < sizeof(k->check_notice) && k->check_notice[len])
		len += strlen(k->check_notice + len) + 1;
	return len;
}

/* Appends a sentence to the notice (cut when the room is out). */
static void notice_add(struct kiosk *k, const char *text)
{
	size_t len = notice_end(k);

	if (text && *text && len + 2 < sizeof(k->check_notice)) {
		str_copy(k->check_notice + len, sizeof(k->check_notice) - len - 1, text);
		len += strlen(k->check_notice + len) + 1;
		k->check_notice[len] = 0;
	}
}

/* Appends the hub's Italian text, a sentence at a time: a sentence ends
 * at ". " before a capital (so "tel. 02" stays whole). */
static void notice_add_sentences(struct kiosk *k, const char *text)
{
	char one[800];
	const char *p = text, *end;

	while (*p) {
		end = p;
		while (*end && !(end[0] == '.' && end[1] == ' ' &&
				 (isupper((unsigned char)end[2]) || (unsigned char)end[2] >= 0xC3)))
			end++;
		if (*end)
			end++;
		str_fmt(one, sizeof(one), "%.*s", (int)(end - p), p);
		notice_add(k, one);
		p = *end ? end + 1 : end;
	}
}

/* The interview's date and place, as the hub's heartbeat said. */
static void status_interview(struct kiosk *k)
{
	char at[32], place[201], date[16], line[300];

	if (catalog_application_notice(k->db, k->c.check_protocol, at, sizeof(at), place, sizeof(place)) ||
	    strlen(at) != 16)
		return;
	at[10] = 0;
	date_it(at, date, sizeof(date));
	str_fmt(line, sizeof(line), _("Interview on %s at %s. Place: %s"), date, at + 11, place);
	notice_add(k, line);
}

/* Each status in the citizen's words: its name (the vocabulary's,
 * except "Selected", whose msgid also names a chosen option) and what it
 * means for them. */
static const struct {
	const char *key, *label, *meaning;
} status_words[] = {
	{ "received", N_("Received"), N_("Your application has been received and is waiting for the town hall's assessment.") },
	{ "interview", N_("Called for interview"), NULL },
	{ "selected", N_("Selected for the placement"), N_("The town hall will contact you to arrange the start.") },
	{ "not_selected", N_("Not selected"), N_("Your application was not selected. Thank you for taking part.") },
	{ "withdrawn", N_("Withdrawn"), N_("Your application has been withdrawn.") },
	{ "started", N_("Placement started"), N_("Your placement has started.") },
	{ "completed", N_("Placement completed"), N_("Your placement has been completed.") },
	{ "dropped_out", N_("Dropped out"), N_("Your placement was interrupted before the end.") },
};

/* The stages of the selection (core/selection_rules.h) as the hub
 * names them in its status feed, in the citizen's words: the label, and
 * what it means (stage_notice() words the ones with a position, seats
 * or a score); then, where there is one, the
 * reason, and what the citizen can do next. In Italian the kiosk shows
 * the hub's own sentence, the receipt page's. */
static const struct {
	const char *key, *label, *meaning, *next;
} stage_words[] = {
	{ "received", N_("Received"), N_("Your application has been received and is waiting for the town hall's assessment."), NULL },
	{ "eligible", N_("Admitted: requirements met"), N_("The requirements have been checked: your application is admitted. The town hall will tell you the date and place of the interview."), NULL },
	{ "excluded", N_("Not admitted: requirements not met"), N_("Your application was not admitted because the requirements of the call are not met."), N_("If you think there is a mistake, you can ask the town hall's office to review it.") },
	{ "convoked", N_("Called for interview"), NULL, N_("If you cannot attend, tell the office before the interview.") },
	{ "absent", N_("Absent at the interview"), N_("You did not attend the interview: your application does not go on."), N_("If you had a good reason, contact the town hall's office at once.") },
	{ "unsuitable", N_("Not suitable"), N_("After the interview your application was assessed as not suitable."), N_("If you think there is a mistake, you can ask the town hall's office to review it.") },
	{ "assessed", N_("Interview assessed"), NULL, N_("The ranking will be made final after the project's deadline; your position will be shown here.") },
	{ "ranked", N_("In the final ranking"), NULL, N_("The town hall selects in ranking order and will contact you if your turn comes.") },
	{ "selected", N_("Selected for the placement"), N_("You have been selected for the placement."), N_("The town hall will contact you to arrange the start.") },
	{ "not_selected", N_("Suitable, not selected"), NULL, N_("If a seat becomes free, the town hall moves down the ranking in order and may contact you.") },
	{ "renounced", N_("Renounced"), N_("You have renounced the placement."), N_("The seat goes to the next candidate in the ranking.") },
	{ "withdrawn", N_("Withdrawn"), N_("Your application has been withdrawn."), N_("You can apply for another open project at a DoteComune kiosk.") },
	{ "started", N_("Placement started"), N_("Your placement has started."), NULL },
	{ "completed", N_("Placement completed"), N_("Your placement has been completed."), NULL },
	{ "dropped_out", N_("Dropped out"), N_("Your placement was interrupted before the end."), NULL },
};

/* The office's contact from the hub: "For information: name, address,
 * phone, e-mail." (nothing when the comune set none). */
static void notice_office(struct kiosk *k, json_t *office)
{
	static const char *const parts[] = { "name", "address", "phone", "email" };
	char who[700] = "", line[800];
	size_t len;

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		const char *v = json_string_value(json_object_get(office, parts[i]));
		if (!v || !*v)
			continue;
		len = strlen(who);
		str_fmt(who + len, sizeof(who) - len, "%s%s", len ? ", " : "", v);
	}
	if (!who[0])
		return;
	str_fmt(line, sizeof(line), _("For information: %s."), who);
	notice_add(k, line);
}

/* Ends a sentence that holds the clerk's words with a full stop, as the hub does. */
static void full_stop(char *line, size_t size)
{
	size_t len = strlen(line);

	if (len && line[len - 1] != '.' && len + 1 < size)
		str_copy(line + len, size - len, ".");
}

/* The sentence of stage i in the current language from the hub's parts. */
static void stage_notice(struct kiosk *k, size_t i, json_t *d)
{
	const char *key = stage_words[i].key, *reason = json_string_value(json_object_get(d, "reason"));
	const char *note = json_string_value(json_object_get(d, "note"));
	int pos = (int)json_integer_value(json_object_get(d, "position"));
	int seats = (int)json_integer_value(json_object_get(d, "seats"));
	int score = (int)json_integer_value(json_object_get(d, "score"));
	char line[800];

	if (!strcmp(key, "convoked")) {
		status_interview(k);
		if (note && *note) {
			str_fmt(line, sizeof(line), _("Instructions from the office: %s"), note);
			full_stop(line, sizeof(line));
			notice_add(k, line);
		}
	} else if (!strcmp(key, "assessed")) {
		if (score >= 0) {
			str_fmt(line, sizeof(line), _("Your interview has been assessed: suitable, with a score of %d."), score);
			notice_add(k, line);
		}
	} else if (!strcmp(key, "ranked")) {
		str_fmt(line, sizeof(line), _("You are suitable, at position %d of the final ranking (seats available: %d)."),
			pos, seats);
		notice_add(k, line);
	} else if (!strcmp(key, "not_selected")) {
		str_fmt(line, sizeof(line), _("You are suitable but not selected: you are at position %d of the final ranking, beyond the %d seats available."),
			pos, seats);
		notice_add(k, line);
	} else {
		notice_add(k, _(stage_words[i].meaning));
	}
	if (reason && *reason && strcmp(key, "convoked") && strcmp(key, "assessed") && strcmp(key, "ranked")) {
		str_fmt(line, sizeof(line), _("Reason: %s"), reason);
		full_stop(line, sizeof(line));
		notice_add(k, line);
	}
	if (stage_words[i].next)
		notice_add(k, _(stage_words[i].next));
	notice_office(k, json_object_get(d, "office"));
}

/* What the hub's last heartbeat said of the application (issue 18):
 * the receipt page's label and sentence in Italian, the same parts in
 * the citizen's language otherwise. 0 when it said nothing the kiosk
 * can show (an older hub): the status's own words stand. */
static int status_from_hub(struct kiosk *k)
{
	char buf[8200];
	const char *stage, *label, *text;
	json_t *d;
	size_t i;
	int done = 0;

	if (catalog_application_detail(k->db, k->c.check_protocol, buf, sizeof(buf)) || !buf[0] ||
	    !(d = json_loads(buf, 0, NULL)))
		return 0;
	stage = json_string_value(json_object_get(d, "stage"));
	label = json_string_value(json_object_get(d, "label"));
	text = json_string_value(json_object_get(d, "text"));
	if (!strcmp(i18n_lang(), "it") && label && *label && text && *text) {
		str_copy(k->check_label, sizeof(k->check_label), label);
		notice_add_sentences(k, text);
		done = 1;
	}
	for (i = 0; !done && stage && i < ARRAY_SIZE(stage_words); i++)
		if (!strcmp(stage_words[i].key, stage)) {
			str_copy(k->check_label, sizeof(k->check_label), _(stage_words[i].label));
			stage_notice(k, i, d);
			done = 1;
		}
	json_decref(d);
	return done;
}

static void status_meaning(struct kiosk *k)
{
	size_t i;

	memset(k->check_notice, 0, 2);
	k->check_label[0] = 0;
	if (status_from_hub(k))
		return;
	if (!strcmp(k->check_status, "interview")) {
		status_interview(k);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(status_words); i++)
		if (!strcmp(status_words[i].key, k->check_status) && status_words[i].meaning)
			notice_add(k, _(status_words[i].meaning));
}

static const char *status_label(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(status_words); i++)
		if (!strcmp(status_words[i].key, key))
			return _(status_words[i].label);
	return vocab_label(application_statuses, application_statuses_n, key);
}

/* A completed placement's certificate, offered to whoever has shown
 * both the protocol number and the codice fiscale of its application
 * (issue 19). That is at least what the Presenze screen asks before it
 * prints the same slip (the codice fiscale alone, or the personal QR),
 * and the protocol number alone gets nothing. */
static struct {
	struct attendance_certificate cert;
	int have;
	struct cert_print print;
} chk;

static void status_forget(void)
{
	str_wipe(&chk, sizeof(chk));
}

void status_leave(struct kiosk *k)
{
	(void)k;
	status_forget();
}

static void status_check(struct kiosk *k)
{
	int rc = catalog_application_status(k->db, k->c.check_protocol, k->c.check_cf, k->check_status,
					    sizeof(k->check_status), k->check_placement,
					    sizeof(k->check_placement));
	k->check_done = rc == 0;
	status_forget();
	if (k->check_done) {
		status_meaning(k);
		chk.have = certificate_for_application(k->db, k->c.check_protocol, k->c.check_cf, &chk.cert) == 0;
	}
	k->err.check = rc ? N_("No application matches this protocol number and codice fiscale. Check both and try again.") : NULL;
	k->ui.focus[0] = 0;
	if (k->check_done) {
		/* The answer is text, not a control: the voice guide says it. */
		char buf[400];
		str_fmt(buf, sizeof(buf), "%s: %s. %s.", _("Status"),
			k->check_label[0] ? k->check_label
					  : vocab_label(application_statuses, application_statuses_n, k->check_status),
			k->check_placement);
		kiosk_say(k, buf);
		if (chk.have)
			kiosk_say(k, _("Your placement is complete: you can print a summary of your certificate, with the code to check and download it."));
	}
}

void status_field_changed(struct kiosk *k, const char *id)
{
	if (!strcmp(id, "field:protocol")) {
		k->err.protocol = NULL;
		k->c.check_scanned = 0;
		k->check_done = 0;
		status_forget();
		status_take_receipt(k, 0);
	} else {
		/* The certificate was offered for the codice fiscale checked, not this one. */
		status_forget();
		/* Receipt scanned, then the health card: nothing left to ask. */
		if (k->c.check_scanned && strlen(k->c.check_cf) == CF_LEN)
			status_check(k);
	}
}

void status_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct flow f = screen_begin(k, NULL, 1);
	int h, check;

	/* Leaving the field (the scanner's Enter) with a receipt in it that
	 * did not verify: the error is there, and so is the next try. */
	if (!ui_focused(ui, "field:protocol") && receipt_like(k->c.check_protocol) &&
	    !status_take_receipt(k, 1)) {
		ui_focus(ui, "field:protocol");
		str_fmt(ui->reveal, sizeof(ui->reveal), "error:protocol");
		ui->animating = 1;
	}
	/* A scanner that ends the code with Enter has moved the focus on by
	 * now; one that does not leaves it here: move it for the citizen. */
	if (k->c.check_scanned && ui_focused(ui, "field:protocol")) {
		if (ui->in.now_ms - k->c.check_scanned_ms >= SCAN_SETTLE_MS)
			ui_focus(ui, "field:check_cf");
		else
			ui->animating = 1;
	}

	flow_heading(k, &f, "status-title", _("Check my application"));
	flow_text(k, &f, NULL, _("Enter the protocol number from your receipt and your codice fiscale, or hold the receipt's QR code to the scanner."),
		  UI_FONT_REGULAR, 32, C_MUTED);
	/* Portrait: the room above the low controls says where to find
	 * the number (people bring a paper they have not read for weeks);
	 * while the keyboard is up, the room is the fields'. */
	if (ui->h > ui->w && !osk_height(k)) {
		flow_reach_part(k, &f, 1, 2);
		flow_text(k, &f, "protocol-help",
			  _("The protocol number is on your receipt, in large type. It starts with DC-, then the codes of the comune and of the kiosk, the year and the number of the application."),
			  UI_FONT_REGULAR, 34, C_TEXT);
		{
			/* What to look for: the receipt's own words and the shape
			 * of this comune's numbers, as the receipt shows them. */
			char sample[64];
			int pad = ui_px(ui, 28), bw = ui_px(ui, 10) > 3 ? ui_px(ui, 10) : 3, y, ch, w = f.w;
			int lpx = ui_font_px(ui, 28), npx = ui_font_px(ui, 44);
			/* Not a whole number, which someone could take for theirs. */
			str_fmt(sample, sizeof(sample), "DC-%s-…-%.4s-…", k->comune, k->today);
			while (npx > 12 && ui->text.width(ui->text.ctx, UI_FONT_BOLD, npx, sample, strlen(sample)) > w - 2 * pad - bw)
				npx--;
			f.y += ui_px(ui, 8);
			ch = 2 * pad + ui->text.line_height(ui->text.ctx, UI_FONT_SEMIBOLD, lpx) + ui_px(ui, 8) +
			    ui->text.line_height(ui->text.ctx, UI_FONT_BOLD, npx);
			ui_draw_card(ui, (struct ui_rect){ f.x, f.y, w, ch });
			ui_draw_rect(ui, (struct ui_rect){ f.x, f.y, bw, ch }, ui_color(ui, C_PRIMARY));
			y = f.y + pad;
			y += ui_label(ui, NULL, _("Your protocol number"), (struct ui_rect){ f.x + pad + bw, y, w - 2 * pad - bw, 0 },
				      UI_FONT_SEMIBOLD, lpx, C_MUTED) + ui_px(ui, 8);
			ui_label(ui, "protocol-sample", sample, (struct ui_rect){ f.x + pad + bw, y, w - 2 * pad - bw, 0 },
				 UI_FONT_BOLD, npx, C_TEXT);
			f.y += ch + ui_px(ui, 24);
		}
	}
	/* The other half of the room: the help sits in the middle. */
	flow_reach_part(k, &f, 1, 2);
	ui_field(ui, "field:protocol", _("Protocol number"), k->c.check_protocol, "DC-...", tr(k->err.protocol),
		 (struct ui_rect){ f.x, f.y, f.w, 0 }, &h);
	f.y += h + ui_px(ui, 12);
	if (k->c.check_scanned && !k->check_done)
		flow_text(k, &f, "check-receipt", _("Receipt read. Now enter your codice fiscale, or scan the barcode of your health card."),
			  UI_FONT_SEMIBOLD, 30, C_SUCCESS);
	f.y += ui_px(ui, 12);
	{
		/* Masked once typed, while the citizen is not typing it. */
		char m[160];
		const char *cf = ui_focused(ui, "field:check_cf") ? k->c.check_cf : kiosk_mask(k, 'c', k->c.check_cf, m, sizeof(m));
		ui_field(ui, "field:check_cf", _("Codice fiscale"), cf, NULL, NULL, (struct ui_rect){ f.x, f.y, f.w, 0 }, &h);
		f.y += h + ui_px(ui, 12);
		if (k->c.check_cf[0])
			f.y += show_data_button(k, f.x, f.y, f.w);
	}
	f.y += ui_px(ui, 18);
	check = ui_button(ui, "check", _("Check"), (struct ui_rect){ f.x, f.y, f.w, ui_button_h(ui, 110) }, UI_PRIMARY);
	if (check && status_take_receipt(k, 1) && strlen(k->c.check_cf) < CF_LEN) {
		/* Receipt read on "Check": the codice fiscale is still to come. */
		ui_focus(ui, "field:check_cf");
		check = 0;
	}
	if (check && !k->err.protocol && !k->c.check_cf[0]) {
		k->err.check = N_("Enter your codice fiscale as well: you can read it on your health card.");
		k->check_done = 0;
		ui_focus(ui, "field:check_cf");
	} else if (check && !k->err.protocol) {
		status_check(k);
		/* The answer comes into view, below the button (the page may
		 * grow above it as the keyboard goes). */
		if (k->check_done) {
			str_copy(ui->reveal, sizeof(ui->reveal), "check-result");
			ui->reveal_hold = 2;
			ui->animating = 1;
		}
	}
	f.y += ui_button_h(ui, 110) + ui_px(ui, 30);
	if (k->err.check)
		f.y += ui_error_for(ui, "error:check", "field:check_cf", tr(k->err.check), (struct ui_rect){ f.x, f.y, f.w, 0 });
	if (k->check_done) {
		char buf[400];
		str_fmt(buf, sizeof(buf), "%s: %s", _("Status"),
			k->check_label[0] ? k->check_label : status_label(k->check_status));
		flow_text(k, &f, "check-result", buf, UI_FONT_BOLD, 44, C_SUCCESS);
		for (size_t at = 0, n = 1; at < sizeof(k->check_notice) && k->check_notice[at]; n++) {
			char id[24];
			if (n == 1)
				str_copy(id, sizeof(id), "check-notice");
			else
				str_fmt(id, sizeof(id), "check-notice-%zu", n);
			flow_text(k, &f, id, k->check_notice + at, UI_FONT_SEMIBOLD, 34, C_TEXT);
			at += strlen(k->check_notice + at) + 1;
		}
		k->ui.lang = "it";	/* the placement's title: Italian */
		flow_text(k, &f, "check-placement", k->check_placement, UI_FONT_REGULAR, 32, C_TEXT);
		k->ui.lang = NULL;
		flow_text(k, &f, NULL, _("This is the status at the last update from the town hall."), UI_FONT_REGULAR, 28, C_MUTED);
		if (chk.have) {
			flow_gap(k, &f, 12);
			flow_text(k, &f, "check-cert-offer",
				  _("Your placement is complete: you can print a summary of your certificate, with the code to check and download it."),
				  UI_FONT_SEMIBOLD, 34, C_TEXT);
			certificate_offer(k, &f, "check", NULL, &chk.cert, &chk.print);
		}
	} else if (chk.have) {
		status_forget();
	}
	screen_end(k, &f);
	/* Back home wipes what was typed here, not the reading settings. */
	if (chrome_footer(k, _("Back"), NULL, NULL, 0) == 1)
		kiosk_application_done(k);
}

/* --- PIN ----------------------------------------------------------------------- */

void pin_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct flow f = screen_begin(k, NULL, 1);
	char masked[32] = "";
	int h, locked = ui->in.now_ms < k->pin_locked_until;
	size_t n = strlen(k->c.pin);

	for (size_t i = 0; i < n && i < 8; i++)
		strcat(masked, "\xE2\x80\xA2");	/* U+2022 bullet */
	flow_heading(k, &f, "pin-title", _("Staff only"));
	if (!ui->focus[0] && !locked)
		ui_focus(ui, "field:pin");
	ui_field(ui, "field:pin", _("PIN"), masked, NULL, tr(k->err.pin), (struct ui_rect){ f.x, f.y, f.w / 2, 0 }, &h);
	f.y += h + ui_px(ui, 20);
	if (locked)
		flow_text(k, &f, "error:pin", _("Too many wrong PINs. Try again in a few minutes."), UI_FONT_SEMIBOLD, 30, C_ERROR);
	screen_end(k, &f);
	switch (chrome_footer(k, _("Back"), "next", _("Enter"), !locked)) {
	case 1:
		kiosk_reset(k);
		break;
	case 2:
		if (k->c.pin[0] && !strcmp(k->c.pin, config_get(k->cfg, "admin_pin"))) {
			k->pin_failures = 0;
			k->admin_message = NULL;
			k->admin_confirm_quit = 0;
			str_wipe(k->c.pin, sizeof(k->c.pin));
			kiosk_go(k, "admin");
		} else {
			str_wipe(k->c.pin, sizeof(k->c.pin));
			k->err.pin = N_("Wrong PIN.");
			if (++k->pin_failures >= PIN_MAX_FAILURES) {
				k->pin_locked_until = ui->in.now_ms + PIN_LOCK_MS;
				k->pin_failures = 0;
				ui->focus[0] = 0;
			}
		}
		break;
	}
}

/* --- admin ----------------------------------------------------------------------- */

static void age_text(int64_t wall, char *buf, size_t size)
{
	int64_t d = (int64_t)now_wall() - wall;
	if (!wall)
		str_copy(buf, size, _("never"));
	else if (d < 120)
		str_fmt(buf, size, _("%d seconds ago"), (int)d);
	else if (d < 7200)
		str_fmt(buf, size, _("%d minutes ago"), (int)(d / 60));
	else
		str_fmt(buf, size, _("%d hours ago"), (int)(d / 3600));
}

static void line(struct kiosk *k, struct flow *f, const char *id, const char *name, const char *value)
{
	char buf[400];
	str_fmt(buf, sizeof(buf), "%s: %s", name, value);
	flow_text(k, f, id, buf, UI_FONT_REGULAR, 30, C_TEXT);
}

void admin_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct flow f = screen_begin(k, NULL, 1);
	struct sync_status ss;
	struct printer_status ps = { .state = PRINTER_NONE, .message = "", .key = "none" };
	char buf[200];
	int bh = ui_button_h(ui, 100), gap = ui_px(ui, 20), w2 = (f.w - gap) / 2;

	memset(&ss, 0, sizeof(ss));
	if (k->sync) {
		sync_get_status(k->sync, &ss);
	} else {
		int64_t depth = sync_outbox_depth(k->db);
		ss.outbox_depth = depth < 0 ? 0 : depth;
		str_copy(ss.last_error, sizeof(ss.last_error), "no hub_url configured (offline kiosk)");
	}
	if (k->printer)
		printer_get_status(k->printer, &ps);

	flow_heading(k, &f, "admin-title", _("Kiosk status"));
	str_fmt(buf, sizeof(buf), "%s (%s)", k->identity.id[0] ? k->identity.id : "LOCAL",
		 k->identity.token[0] ? _("enrolled") : _("not enrolled"));
	line(k, &f, "admin:kiosk", _("Kiosk"), buf);
	line(k, &f, "admin:version", _("Version"), DOTE_VERSION);
	age_text(ss.catalog_wall, buf, sizeof(buf));
	line(k, &f, "admin:catalog", _("Catalog updated"), buf);
	str_fmt(buf, sizeof(buf), "%lld", (long long)catalog_open_placements(k->db));
	line(k, &f, "admin:placements", _("Open placements"), buf);
	str_fmt(buf, sizeof(buf), "%lld", (long long)ss.outbox_depth);
	line(k, &f, "admin:outbox", _("Applications waiting to be sent"), buf);
	line(k, &f, "admin:hub", _("Hub reachable"), k->sync && ss.hub_reachable ? _("yes") : _("no"));
	age_text(ss.last_ok_wall, buf, sizeof(buf));
	line(k, &f, "admin:last-contact", _("Last contact"), buf);
	{
		/* Where citizens' receipt QR codes lead (staff check the setting). */
		char url[RECEIPT_URL_MAX];
		const char *base = kiosk_receipt_base(k);
		line(k, &f, "admin:receipt-qr", _("Receipt QR code"),
		     base[0] && !receipt_url(base, "...", url, sizeof(url)) ? url
		     : _("none: no receipt_url or hub_url (protocol number only)"));
	}
	if (ss.last_error[0])
		line(k, &f, "admin:error", _("Last error"), ss.last_error);
	str_fmt(buf, sizeof(buf), "%s%s%s", ps.key ? ps.key : "none", ps.message && ps.message[0] ? ": " : "",
		 ps.message && ps.message[0] ? _(ps.message) : "");
	line(k, &f, "admin:printer", _("Printer"), buf);
	str_fmt(buf, sizeof(buf), "%lld ms / %.2f ms", (long long)k->frame_ms_last, (double)k->search_us / 1000.0);
	line(k, &f, "admin:timing", _("Last frame / last search"), buf);
	if (k->admin_message)
		flow_text(k, &f, "admin:message", k->admin_message, UI_FONT_SEMIBOLD, 30, C_SUCCESS);
	flow_gap(k, &f, 20);

	if (ui_button(ui, "sync-now", _("Sync now"), (struct ui_rect){ f.x, f.y, w2, bh }, UI_SECONDARY)) {
		if (k->sync)
			sync_kick(k->sync);
		k->admin_message = k->sync ? N_("Sync started.") : _("No hub is configured.");
	}
	if (ui_button(ui, "test-print", _("Print a test receipt"), (struct ui_rect){ f.x + w2 + gap, f.y, w2, bh },
		      UI_SECONDARY)) {
		struct receipt_doc doc;
		memset(&doc, 0, sizeof(doc));
		str_copy(doc.comune_name, sizeof(doc.comune_name), k->comune_name);
		str_copy(doc.protocol, sizeof(doc.protocol), "DC-TEST");
		str_copy(doc.placement_code, sizeof(doc.placement_code), "TEST");
		str_copy(doc.placement_title, sizeof(doc.placement_title), _("Test receipt"));
		time_iso(now_wall(), doc.when, sizeof(doc.when));
		/* With no public receipt page the test receipt has no QR, like the real ones. */
		if (kiosk_receipt_base(k)[0] && receipt_url(kiosk_receipt_base(k), "TEST", doc.url, sizeof(doc.url)))
			doc.url[0] = 0;
		k->admin_message = k->printer && !printer_submit(k->printer, &doc) ? N_("Test receipt sent to the printer.")
										: _("No printer is configured.");
	}
	f.y += bh + gap;
	if (ui_button(ui, "reload", _("Reload"), (struct ui_rect){ f.x, f.y, w2, bh }, UI_SECONDARY))
		k->quit = 2;
	if (!k->admin_confirm_quit) {
		if (ui_button(ui, "quit", _("Quit the kiosk"), (struct ui_rect){ f.x + w2 + gap, f.y, w2, bh }, UI_DANGER))
			k->admin_confirm_quit = 1;
	} else if (ui_button(ui, "quit-confirm", _("Tap again to quit"), (struct ui_rect){ f.x + w2 + gap, f.y, w2, bh },
			     UI_DANGER)) {
		k->quit = 1;
	}
	f.y += bh + gap;
	screen_end(k, &f);
	if (chrome_footer(k, NULL, "admin-done", _("Close"), 1) == 2)
		kiosk_reset(k);
}

/* --- setup --------------------------------------------------------------------- */

/* Shown instead of the journey when the configuration names no valid
 * comune: staff see what to fix, systemd sees a healthy service. */
void setup_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	int x, w, y = ui_px(ui, 120);
	char buf[300];
	kiosk_column(k, &x, &w);
	ui_draw_rect(ui, (struct ui_rect){ 0, 0, ui->w, ui_px(ui, 24) }, ui_color(ui, C_HEADER));
	y += ui_label(ui, "setup-title", _("This kiosk is not configured yet"), (struct ui_rect){ x, y, w, 0 },
		      UI_FONT_BOLD, ui_font_px(ui, 56), C_TEXT) + ui_px(ui, 30);
	str_fmt(buf, sizeof(buf), _("Set 'comune' in kiosk.conf to the ISTAT code of this comune (for example 015146 for Milano), then restart the kiosk. Now it is '%s'."),
		config_get(k->cfg, "comune"));
	ui_label(ui, "setup-text", buf, (struct ui_rect){ x, y, w, 0 }, UI_FONT_REGULAR, ui_font_px(ui, 34), C_TEXT);
}
