/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The application screens: eligibility (rules from the call's JSON),
 * form (codice fiscale checked live, birth data filled from it), privacy
 * notice and consent, review and submit, receipt. Every check shows its
 * error next to the field it is about, in plain words.
 */
#include "kiosk/screens.h"
#include "core/application.h"
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/eligibility.h"
#include "core/model.h"
#include "core/util.h"
#include "kiosk/i18n.h"
#include "kiosk/printer.h"
#include "kiosk/receipt_png.h"
#include "kiosk/send.h"
#include "kiosk/sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- eligibility ----------------------------------------------------------- */

static void status_keys(const char **keys, const char **labels)
{
	for (size_t i = 0; i < applicant_statuses_n; i++) {
		keys[i] = applicant_statuses[i].key;
		labels[i] = _(applicant_statuses[i].en);
	}
}

static int answers_eligible(struct kiosk *k, int age)
{
	struct eligibility_answers a = {
		.age = age, .status = k->c.status, .residence = k->c.residence,
		.in_other_placement = k->c.other_placement == 1,
	};
	if (eligibility_check(k->sel.rules, &a, &k->elig)) {
		/* Rules we cannot read must not turn a citizen away. */
		memset(&k->elig, 0, sizeof(k->elig));
		k->elig.eligible = 1;
	}
	return k->elig.eligible;
}

/* A failed rule in words, with its limit when it has one: "older than
 * the maximum age" alone does not tell a citizen what the maximum is. */
static const char *fail_text(const struct eligibility_fail *fl, int age, char *buf, size_t size)
{
	int min = !strcmp(fl->rule, "min_age") || !strcmp(fl->rule, "student_min_age");
	int max = !strcmp(fl->rule, "max_age") || !strcmp(fl->rule, "neet_max_age");
	char limit[160];
	if (!(min || max) || fl->limit <= 0)
		return _(fl->message);
	if (min)
		str_fmt(limit, sizeof(limit), _("The minimum age is %ld; you are %d."), fl->limit, age);
	else
		str_fmt(limit, sizeof(limit), _("The maximum age is %ld; you are %d."), fl->limit, age);
	str_fmt(buf, size, "%s %s", _(fl->message), limit);
	return buf;
}

void eligibility_card(struct kiosk *k, const char *text)
{
	char code[CF_LEN + 8];
	size_t n = 0;
	struct cf_info info;
	char err[160];
	for (const char *p = text; *p && n + 1 < sizeof(code); p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			code[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	code[n] = 0;
	k->err.card = NULL;
	if (n != CF_LEN || cf_check(code, k->today, &info, err, sizeof(err))) {
		k->err.card = N_("This is not the barcode of a health card. Try again, or answer the questions below.");
		str_wipe(code, sizeof(code));
		return;
	}
	str_copy(k->c.cf, sizeof(k->c.cf), code);
	kiosk_field_changed(k, "field:cf");
	str_fmt(k->c.age_text, sizeof(k->c.age_text), "%d", age_on(info.birth_date, k->today));
	k->err.age = NULL;
	k->c.card = 1;
	str_wipe(code, sizeof(code));
	/* The age question is gone: the focus goes on to the first question
	 * left (said after the card's sentence), as a receipt's scan does. */
	if (!k->ui.focus[0] || !strcmp(k->ui.focus, "field:age")) {
		char id[48];
		str_fmt(id, sizeof(id), "status:%s", applicant_statuses[0].key);
		ui_focus(&k->ui, id);
	}
	str_wipe(&info, sizeof(info));
	/* The birth data is personal: heard only through headphones. */
	if (k->speech_private) {
		char d[16], buf[200];
		date_it(k->cf_info.birth_date, d, sizeof(d));
		str_fmt(buf, sizeof(buf), _("Health card read: born on %s in %s."), d, k->cf_info.birthplace_name);
		kiosk_say_sentence(k, buf);
	} else {
		kiosk_say_sentence(k, _("Health card read."));
	}
}

void eligibility_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct flow f = screen_begin(k, NULL, 1);
	const char *keys[8], *labels[8];
	int h, i;
	char buf[300];

	if (k->elig_checked && !k->elig.eligible) {
		flow_heading(k, &f, "ineligible", _("You cannot apply to this placement"));
		if (!k->ineligible_said) {
			/* Heard as seen: the heading, each reason and what to do,
			 * and the way back (the first reason, announced as an
			 * error this frame, is not said twice). */
			k->ineligible_said = 1;
			kiosk_say_sentence(k, _("You cannot apply to this placement"));
			for (size_t j = 0; j < k->elig.nfails; j++) {
				char said[400];
				str_fmt(said, sizeof(said), "%s: %s", _("Error"),
					fail_text(&k->elig.fails[j], atoi(k->c.age_text), buf, sizeof(buf)));
				kiosk_say_sentence(k, said);
				kiosk_say_sentence(k, _(k->elig.fails[j].advice));
			}
			kiosk_say_sentence(k, _("If you think an answer was wrong, go back and change it."));
		}
		for (size_t j = 0; j < k->elig.nfails; j++) {
			char id[64];
			const struct eligibility_fail *fl = &k->elig.fails[j];
			str_fmt(id, sizeof(id), "fail:%s", fl->rule);
			f.y += ui_error(ui, id, fail_text(fl, atoi(k->c.age_text), buf, sizeof(buf)),
					(struct ui_rect){ f.x, f.y, f.w, 0 });
			f.y += ui_px(ui, 10);
			str_fmt(id, sizeof(id), "advice:%s", fl->rule);
			flow_text(k, &f, id, _(fl->advice), UI_FONT_REGULAR, 32, C_TEXT);
			flow_gap(k, &f, 16);
		}
		flow_reach(k, &f);
		flow_text(k, &f, NULL, _("If you think an answer was wrong, go back and change it."),
			  UI_FONT_REGULAR, 30, C_MUTED);
		if (ui_button(ui, "browse", _("See other placements"),
			      (struct ui_rect){ f.x, f.y, f.w, ui_button_h(ui, 100) }, UI_SECONDARY)) {
			/* Not this call's: its rules turn the citizen away from
			 * every one of its placements. */
			k->other_than_call = k->sel.call_id;
			str_copy(k->other_than_title, sizeof(k->other_than_title), k->sel.call_title);
			k->query[0] = 0;
			k->list_dirty = 1;
			kiosk_go(k, "browse");
		}
		f.y += ui_button_h(ui, 100);
		screen_end(k, &f);
		if (chrome_footer(k, _("Change answers"), NULL, NULL, 0) == 1)
			k->elig_checked = 0;
		return;
	}

	flow_steps(k, &f, 1);
	flow_heading(k, &f, "eligibility-title", _("Can you apply?"));
	/* Four questions, all the citizen's to answer (the comune of this
	 * kiosk is offered as the first answer, not filled in); three when
	 * the health card has answered the age. */
	flow_text(k, &f, "eligibility-intro",
		  k->c.card ? _("Three quick questions. The answers are not stored.")
			    : _("Four quick questions. The answers are not stored."),
		  UI_FONT_REGULAR, 32, C_MUTED);
	flow_gap(k, &f, 10);
	flow_reach(k, &f);

	/* Scan first (issue 22): the health card answers the age and fills
	 * the codice fiscale; typing stays for whoever has no card. */
	if (k->c.card) {
		char read[160];
		str_fmt(read, sizeof(read), _("Health card read: you are %s."), k->c.age_text);
		flow_text(k, &f, "card-read", read, UI_FONT_SEMIBOLD, 32, C_SUCCESS);
		if (ui_button(ui, "card-undo", _("Type my details instead"), (struct ui_rect){ f.x, f.y, f.w, ui_button_h(ui, 100) },
			      UI_SECONDARY)) {
			k->c.card = 0;
			str_wipe(k->c.cf, sizeof(k->c.cf));
			str_wipe(k->c.age_text, sizeof(k->c.age_text));
			kiosk_field_changed(k, "field:cf");
		}
		f.y += ui_button_h(ui, 100) + ui_px(ui, 30);
	} else {
		flow_text(k, &f, "card-hint",
			  _("Have your health card (Tessera Sanitaria)? Hold the barcode on its back to the reader: it answers your age and fills in your codice fiscale."),
			  UI_FONT_REGULAR, 30, C_TEXT);
		if (k->err.card) {
			f.y += ui_error(ui, "error:card", tr(k->err.card), (struct ui_rect){ f.x, f.y, f.w, 0 });
			f.y += ui_px(ui, 20);
		}
		ui_field(ui, "field:age", _("How old are you?"), k->c.age_text, _("Years"), tr(k->err.age),
			 (struct ui_rect){ f.x, f.y, f.w / 2, 0 }, &h);
		f.y += h + ui_px(ui, 30);
	}

	flow_text(k, &f, NULL, _("What is your situation today?"), UI_FONT_SEMIBOLD, 28, C_TEXT);
	status_keys(keys, labels);
	i = flow_choices(k, &f, "status", keys, labels, (int)applicant_statuses_n, k->c.status);
	if (i >= 0) {
		str_copy(k->c.status, sizeof(k->c.status), keys[i]);
		k->err.status = NULL;
	}
	if (k->err.status) {
		char first[32];
		/* The focus goes to the first answer, where the keypad can choose. */
		str_fmt(first, sizeof(first), "status:%s", applicant_statuses[0].key);
		f.y += ui_error_for(ui, "error:status", first, tr(k->err.status), (struct ui_rect){ f.x, f.y - ui_px(ui, 10), f.w, 0 });
		f.y += ui_px(ui, 20);
	}

	ui_field(ui, "field:residence", _("Which comune do you live in?"), k->c.residence_query,
		 k->c.residence_name[0] ? k->c.residence_name : _("Type the name"), tr(k->err.residence),
		 (struct ui_rect){ f.x, f.y, f.w, 0 }, &h);
	f.y += h + ui_px(ui, 12);
	if (k->c.residence_query[0] && !k->c.residence[0]) {
		static char shown_for[64];
		char istat[6][7], names[6][64], prov[6][3];
		int n = catalog_comune_suggest(k->db, k->c.residence_query, istat, names, prov, 6);
		int sh = ui_button_h(ui, 86) + ui_px(ui, 8);
		if (strcmp(shown_for, k->c.residence_query)) {
			/* New suggestions come into view under the field, as many
			 * as fit above the keyboard (they were hidden behind it). */
			int fit = ui->npanels ? (ui->panels[0].r.h - h - ui_px(ui, 60)) / sh : n;
			if (fit > n)
				fit = n;
			str_copy(shown_for, sizeof(shown_for), k->c.residence_query);
			if (fit >= 1)
				str_fmt(ui->reveal, sizeof(ui->reveal), "residence:%s", istat[fit - 1]);
			else
				str_copy(ui->reveal, sizeof(ui->reveal), n ? "" : "residence-none");
			str_copy(ui->reveal_from, sizeof(ui->reveal_from), "field:residence");
			ui->reveal_hold = 2;
			ui->animating = 1;
		}
		for (i = 0; i < n; i++) {
			char id[32], label[96];
			str_fmt(id, sizeof(id), "residence:%s", istat[i]);
			str_fmt(label, sizeof(label), "%s (%s)", names[i], prov[i]);
			if (ui_button(ui, id, label, (struct ui_rect){ f.x, f.y, f.w, ui_button_h(ui, 86) }, UI_CHOICE)) {
				str_copy(k->c.residence, sizeof(k->c.residence), istat[i]);
				str_copy(k->c.residence_name, sizeof(k->c.residence_name), names[i]);
				k->c.residence_query[0] = 0;
				k->err.residence = NULL;
				ui->focus[0] = 0;
			}
			f.y += ui_button_h(ui, 86) + ui_px(ui, 8);
		}
		if (!n)
			flow_text(k, &f, "residence-none", _("No comune with that name. Check the spelling."),
				  UI_FONT_REGULAR, 30, C_ERROR);
	} else {
		if (k->c.residence[0]) {
			str_fmt(buf, sizeof(buf), "%s: %s", _("Selected"), k->c.residence_name);
			flow_text(k, &f, "residence-selected", buf, UI_FONT_SEMIBOLD, 30, C_SUCCESS);
		}
		if (k->comune_name[0]) {
			/* Never filled in for the citizen: most people at this town
			 * hall live in its comune, so it is the first answer
			 * offered, one tap (or Enter on the keypad) away, and stays
			 * as the chosen answer; typing offers the others. */
			char id[32];
			int on = !strcmp(k->c.residence, k->comune);
			str_fmt(id, sizeof(id), "residence:%s", k->comune);
			str_fmt(buf, sizeof(buf), _("I live in %s"), k->comune_name);
			if (ui_button(ui, id, buf, (struct ui_rect){ f.x, f.y, f.w, ui_button_h(ui, 86) },
				      on ? UI_CHOICE_ON : UI_CHOICE)) {
				str_copy(k->c.residence, sizeof(k->c.residence), k->comune);
				str_copy(k->c.residence_name, sizeof(k->c.residence_name), k->comune_name);
				k->err.residence = NULL;
			}
			f.y += ui_button_h(ui, 86) + ui_px(ui, 8);
		}
	}
	f.y += ui_px(ui, 20);

	flow_text(k, &f, NULL, _("Are you already doing a training placement?"), UI_FONT_SEMIBOLD, 28, C_TEXT);
	keys[0] = "no";
	labels[0] = _("No");
	keys[1] = "yes";
	labels[1] = _("Yes");
	i = flow_choices(k, &f, "other", keys, labels, 2,
			 k->c.other_placement < 0 ? NULL : k->c.other_placement ? "yes" : "no");
	if (i >= 0) {
		k->c.other_placement = i;
		k->err.other = NULL;
	}
	if (k->err.other) {
		f.y += ui_error_for(ui, "error:other", "other:no", tr(k->err.other), (struct ui_rect){ f.x, f.y - ui_px(ui, 10), f.w, 0 });
		f.y += ui_px(ui, 20);
	}
	screen_end(k, &f);

	switch (chrome_footer(k, _("Back"), "next", _("Continue"), 1)) {
	case 1:
		kiosk_go(k, "detail");
		break;
	case 2: {
		int age = atoi(k->c.age_text), ok = 1;
		k->err.age = k->err.status = k->err.residence = k->err.other = NULL;
		if (!k->c.age_text[0] || age < 10 || age > 120) {
			k->err.age = N_("Enter your age in years, for example 24.");
			ok = 0;
		}
		if (!k->c.status[0]) {
			k->err.status = N_("Choose the answer that fits you best.");
			ok = 0;
		}
		if (!k->c.residence[0]) {
			k->err.residence = N_("Type the first letters of your comune and choose it from the list.");
			ok = 0;
		}
		if (k->c.other_placement < 0) {
			k->err.other = N_("Answer yes or no.");
			ok = 0;
		}
		if (!ok)
			break;
		k->elig_checked = 1;
		ui->focus[0] = 0;
		k->scroll.offset = 0;
		if (answers_eligible(k, age))
			kiosk_go(k, "form");
		break;
	}
	}
}

/* --- form ------------------------------------------------------------------ */

void form_enter(struct kiosk *k)
{
	kiosk_count(k, "form");
	/* The health card has filled the codice fiscale: the form opens on
	 * the first field it left empty, the given name, keyboard up (a tap
	 * and a keypad press less; issue 22). So it does for whoever moves
	 * with the keypad and the voice guide, card or not (149 presses to
	 * the receipt without the card, 148 now). */
	if (((k->c.card && k->cf_valid) || (k->speech_on && k->speech_private)) && !k->c.given_name[0]) {
		ui_focus(&k->ui, "field:given_name");
		k->focus_polite = 1;
	}
}

static int form_check(struct kiosk *k)
{
	struct citizen *c = &k->c;
	struct form_errors *e = &k->err;
	int ok = 1, digits = 0;
	const char *at;

	e->given_name = e->family_name = e->phone = e->email = e->education = e->status = NULL;
	str_trim(c->given_name);
	str_trim(c->family_name);
	str_trim(c->email);
	str_trim(c->phone);
	/* Names and phone by the rules the hub applies too (core/application.h). */
	if (!c->given_name[0] || !application_name_ok(c->given_name)) {
		e->given_name = c->given_name[0] ? N_("This name has characters that cannot be accepted. Type it again with letters, spaces, apostrophes or hyphens.")
						 : N_("Enter your first name.");
		ok = 0;
	}
	if (!c->family_name[0] || !application_name_ok(c->family_name)) {
		e->family_name = c->family_name[0] ? N_("This name has characters that cannot be accepted. Type it again with letters, spaces, apostrophes or hyphens.")
						   : N_("Enter your surname.");
		ok = 0;
	}
	if (k->cf_valid && e->cf_detail[0]) {
		ok = 0;		/* already applied to this call (kiosk_field_changed) */
	} else if (!k->cf_valid) {
		if (!e->cf)
			e->cf = strlen(c->cf) < CF_LEN ? N_("The codice fiscale has 16 characters: you can read it on your health card.")
						       : N_("This codice fiscale is not valid. Check each character against your health card (Tessera Sanitaria).");
		ok = 0;
	} else {
		/* The real age from the codice fiscale must meet the rules too. */
		int age = age_on(k->cf_info.birth_date, k->today);
		if (!answers_eligible(k, age)) {
			e->cf = k->elig.fails[0].message;
			ok = 0;
		}
	}
	for (const char *p = c->phone; *p; p++)
		digits += *p >= '0' && *p <= '9';
	if (c->phone[0] && (digits < 6 || digits > 15 || !application_phone_ok(c->phone))) {
		e->phone = N_("The phone number should have 6 to 15 digits.");
		ok = 0;
	}
	at = strchr(c->email, '@');
	if (c->email[0] && (!at || at == c->email || !strchr(at, '.') || strchr(at, '.')[1] == 0)) {
		e->email = N_("This e-mail address is not complete, for example: name@example.it");
		ok = 0;
	}
	if (!c->phone[0] && !c->email[0]) {
		e->phone = N_("Enter a phone number or an e-mail address, so the town hall can contact you.");
		ok = 0;
	}
	if (!c->education[0]) {
		e->education = N_("Choose your highest qualification.");
		ok = 0;
	}
	return ok;
}

void form_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct flow f = screen_begin(k, NULL, 1);
	const char *keys[10], *labels[10];
	int h, i;

	flow_steps(k, &f, 2);
	flow_heading(k, &f, "form-title", _("Your details"));
	flow_text(k, &f, NULL, _("Fields marked * are required. You can type, use the keyboard on screen, or scan the barcode of your health card."),
		  UI_FONT_REGULAR, 30, C_MUTED);

	ui_field(ui, "field:given_name", _("First name *"), k->c.given_name, NULL, tr(k->err.given_name),
		 (struct ui_rect){ f.x, f.y, f.w, 0 }, &h);
	f.y += h + ui_px(ui, 24);
	ui_field(ui, "field:family_name", _("Surname *"), k->c.family_name, NULL, tr(k->err.family_name),
		 (struct ui_rect){ f.x, f.y, f.w, 0 }, &h);
	f.y += h + ui_px(ui, 24);
	{
		char dup[400];
		const char *cf_err = tr(k->err.cf);
		if (k->cf_valid && k->err.cf && k->elig.nfails && k->err.cf == k->elig.fails[0].message) {
			/* The age from the codice fiscale fails a rule: say the limit. */
			cf_err = fail_text(&k->elig.fails[0], age_on(k->cf_info.birth_date, k->today), dup, sizeof(dup));
		} else if (k->err.cf && k->err.cf_detail[0]) {
			str_fmt(dup, sizeof(dup), _("You have already applied to this call: application %s. Each person can send only one application per call."),
				k->err.cf_detail);
			cf_err = dup;
		}
		ui_field(ui, "field:cf", _("Codice fiscale *"), k->c.cf, _("16 letters and digits"), cf_err,
			 (struct ui_rect){ f.x, f.y, f.w, 0 }, &h);
	}
	f.y += h + ui_px(ui, 10);
	if (k->cf_valid && !k->err.cf) {
		char born[300], d[16];
		date_it(k->cf_info.birth_date, d, sizeof(d));
		str_fmt(born, sizeof(born), _("Born on %s in %s (%s) · sex %c"), d, k->cf_info.birthplace_name,
			 k->cf_info.province, k->cf_info.sex);
		flow_text(k, &f, "cf-info", born, UI_FONT_SEMIBOLD, 30, C_SUCCESS);
	}
	f.y += ui_px(ui, 14);
	/* Neither field is required alone, but one of them is: say so. */
	flow_text(k, &f, "contact-hint", _("Phone or e-mail * (at least one, so the town hall can contact you)"),
		  UI_FONT_SEMIBOLD, 28, C_TEXT);
	ui_field(ui, "field:phone", _("Phone"), k->c.phone, _("For example 333 1234567"), tr(k->err.phone),
		 (struct ui_rect){ f.x, f.y, f.w, 0 }, &h);
	f.y += h + ui_px(ui, 24);
	ui_field(ui, "field:email", _("E-mail"), k->c.email, NULL, tr(k->err.email),
		 (struct ui_rect){ f.x, f.y, f.w, 0 }, &h);
	f.y += h + ui_px(ui, 30);

	flow_text(k, &f, NULL, _("Your situation today *"), UI_FONT_SEMIBOLD, 28, C_TEXT);
	status_keys(keys, labels);
	i = flow_choices(k, &f, "status", keys, labels, (int)applicant_statuses_n, k->c.status);
	if (i >= 0)
		str_copy(k->c.status, sizeof(k->c.status), keys[i]);
	flow_text(k, &f, NULL, _("Highest qualification *"), UI_FONT_SEMIBOLD, 28, C_TEXT);
	for (i = 0; i < (int)education_levels_n && i < 10; i++) {
		keys[i] = education_levels[i].key;
		labels[i] = _(education_levels[i].en);
	}
	i = flow_choices(k, &f, "education", keys, labels, (int)education_levels_n, k->c.education);
	if (i >= 0) {
		str_copy(k->c.education, sizeof(k->c.education), keys[i]);
		k->err.education = NULL;
	}
	if (k->err.education) {
		char first[32];
		str_fmt(first, sizeof(first), "education:%s", education_levels[0].key);
		f.y += ui_error_for(ui, "error:education", first, tr(k->err.education), (struct ui_rect){ f.x, f.y - ui_px(ui, 10), f.w, 0 });
		f.y += ui_px(ui, 20);
	}
	screen_end(k, &f);

	switch (chrome_footer(k, _("Back"), "next", _("Continue"), 1)) {
	case 1:
		kiosk_go(k, "eligibility");
		break;
	case 2:
		if (form_check(k)) {
			kiosk_go(k, "privacy");
		} else {
			/* Show the first field with an error. */
			static const char *const order[] = { "given_name", "family_name", "cf", "phone", "email", "education" };
			const char *errs[] = { k->err.given_name, k->err.family_name, k->err.cf, k->err.phone,
					       k->err.email, k->err.education };
			for (size_t j = 0; j < ARRAY_SIZE(order); j++)
				if (errs[j]) {
					char id[32];
					str_fmt(id, sizeof(id), j == 5 ? "error:%s" : "field:%s", order[j]);
					str_fmt(ui->reveal, sizeof(ui->reveal), "%s", id);
					ui->animating = 1;
					break;
				}
		}
		break;
	}
}

/* --- privacy --------------------------------------------------------------- */

void privacy_enter(struct kiosk *k)
{
	if (!k->privacy_qr.modules)
		qr_make(config_get(k->cfg, "privacy_url"), &k->privacy_qr);
}

void privacy_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct flow f = screen_begin(k, NULL, 1);
	char buf[1200];
	int h, qs;

	flow_steps(k, &f, 3);
	flow_heading(k, &f, "privacy-title", _("How we use your data"));
	str_fmt(buf, sizeof(buf),
		 _("The Comune di %s (data controller) uses your data only to handle your application for this placement: to check the requirements, contact you, and rank the applicants. The legal basis is the public task of the town hall (GDPR art. 6(1)(e)) and your consent to this application."),
		 k->comune_name);
	flow_text(k, &f, "privacy-text", buf, UI_FONT_REGULAR, 31, C_TEXT);
	flow_text(k, &f, "privacy-text2",
		  _("Your data goes to the town hall and to the DoteComune network coordinator, is kept for the time the law requires, and is never sold. This kiosk deletes it once the town hall has received it. You can ask to see, correct or delete it, and complain to the Garante per la protezione dei dati personali."),
		  UI_FONT_REGULAR, 31, C_TEXT);
	if (k->privacy_qr.modules) {
		int side = k->privacy_qr.width + 2 * QR_QUIET_ZONE;
		/* Portrait has the room for a code a phone reads at arm's length. */
		qs = ui_px(ui, ui->h > ui->w ? 440 : 300);
		qs = qs / side * side;
		if (qs < side * 3)
			qs = side * 3;
		/* The quiet zone is part of the drawn square. */
		ui_qr(ui, "privacy-qr", _("QR code: the full privacy notice"), k->privacy_qr.modules,
		      k->privacy_qr.width, QR_QUIET_ZONE, (struct ui_rect){ f.x, f.y, qs, qs });
		ui_label(ui, NULL, _("Scan this code with your phone to read the full privacy notice."),
			 (struct ui_rect){ f.x + qs + ui_px(ui, 30), f.y + ui_px(ui, 20), f.w - qs - ui_px(ui, 30), 0 },
			 UI_FONT_REGULAR, ui_font_px(ui, 30), C_TEXT);
		f.y += qs + ui_px(ui, 30);
	}
	ui_checkbox(ui, "consent", _("I have read how my data is used and I agree to it being used for my application."),
		    &k->c.consent, (struct ui_rect){ f.x, f.y, f.w, 0 }, &h);
	if (k->c.consent)
		k->err.consent = NULL;
	f.y += h + ui_px(ui, 20);
	if (k->err.consent) {
		f.y += ui_error_for(ui, "error:consent", "consent", tr(k->err.consent), (struct ui_rect){ f.x, f.y, f.w, 0 });
		f.y += ui_px(ui, 20);
	}
	screen_end(k, &f);
	switch (chrome_footer(k, _("Back"), "next", _("Continue"), 1)) {
	case 1:
		kiosk_go(k, "form");
		break;
	case 2:
		if (!k->c.consent) {
			k->err.consent = N_("To send your application, tick the box to give your consent.");
			str_fmt(ui->reveal, sizeof(ui->reveal), "error:consent");
		} else {
			kiosk_go(k, "review");
		}
		break;
	}
}

/* --- review and submit ----------------------------------------------------- */

static void row(struct kiosk *k, struct flow *f, const char *id, const char *name, const char *value)
{
	struct ui *ui = &k->ui;
	int px = ui_font_px(ui, 32), nw = f->w * 2 / 5, h1, h2, stack;
	char label[400];
	const char *shown = value[0] ? value : "-";
	/* The value goes under its name when a word of it (a codice fiscale,
	 * an e-mail address) would not fit beside it: never cut a code. */
	stack = widest_word(ui, shown, UI_FONT_SEMIBOLD, px) > f->w - nw;
	if (stack)
		nw = 0;
	/* Said "E-mail: empty", not "E-mail: ." */
	str_fmt(label, sizeof(label), "%s: %s", name, value[0] ? value : _("empty"));
	ui_widget_add(ui, id, UI_ROLE_TEXT, label, (struct ui_rect){ f->x, f->y, f->w, px }, 0);
	h1 = ui_label(ui, NULL, name, (struct ui_rect){ f->x, f->y, stack ? f->w : nw - ui_px(ui, 16), 0 },
		      UI_FONT_REGULAR, px, C_MUTED);
	h2 = ui_label(ui, NULL, shown, (struct ui_rect){ f->x + nw, f->y + (stack ? h1 : 0), f->w - nw, 0 },
		      UI_FONT_SEMIBOLD, px, C_TEXT);
	f->y += (stack ? h1 + h2 : h1 > h2 ? h1 : h2) + ui_px(ui, 12);
	ui_draw_rect(ui, (struct ui_rect){ f->x, f->y - ui_px(ui, 6), f->w, 1 }, ui_color(ui, C_BORDER));
	f->y += ui_px(ui, 6);
}

int show_data_button(struct kiosk *k, int x, int y, int w)
{
	struct ui *ui = &k->ui;
	int h = ui_button_h(ui, 90);
	if (ui_button(ui, "show-data", k->show_data ? _("Hide my details") : _("Show my details"),
		      (struct ui_rect){ x, y, w, h }, UI_SECONDARY)) {
		k->show_data = !k->show_data;
		if (k->speech_on)
			kiosk_say(k, k->show_data ? _("Your details are shown on the screen.") : _("Your details are hidden."));
	}
	return h;
}

/* The application from what the citizen entered. */
static void app_fill(struct kiosk *k, struct application *a)
{
	memset(a, 0, sizeof(*a));
	a->call_id = k->sel.call_id;
	str_copy(a->placement_code, sizeof(a->placement_code), k->sel.card.code);
	str_copy(a->comune, sizeof(a->comune), k->sel.comune);
	str_copy(a->cf, sizeof(a->cf), k->cf_info.code);
	str_copy(a->given_name, sizeof(a->given_name), k->c.given_name);
	str_copy(a->family_name, sizeof(a->family_name), k->c.family_name);
	str_copy(a->phone, sizeof(a->phone), k->c.phone);
	str_copy(a->email, sizeof(a->email), k->c.email);
	a->sex = k->cf_info.sex;
	str_copy(a->birth_date, sizeof(a->birth_date), k->cf_info.birth_date);
	a->age = age_on(k->cf_info.birth_date, k->today);
	str_copy(a->birthplace, sizeof(a->birthplace), k->cf_info.birthplace);
	str_copy(a->residence, sizeof(a->residence), k->c.residence);
	str_copy(a->applicant_status, sizeof(a->applicant_status), k->c.status);
	str_copy(a->education, sizeof(a->education), k->c.education);
	str_copy(a->lang, sizeof(a->lang), i18n_lang());
}

/* After a Send: the receipt screen for a committed application (its
 * document loaded back from the database, doc_rc 0), else the refusal
 * in plain words. */
static void submit_done(struct kiosk *k, enum submit_result r, const char *err, int doc_rc)
{
	switch (r) {
	case SUBMIT_OK:
		if (k->sync)
			sync_kick(k->sync);
		if (doc_rc) {
			/* The application is committed; show what we know. */
			memset(&k->doc, 0, sizeof(k->doc));
			str_copy(k->doc.protocol, sizeof(k->doc.protocol), k->app.protocol);
			str_copy(k->doc.placement_code, sizeof(k->doc.placement_code), k->app.placement_code);
		}
		k->printed = 0;
		kiosk_go(k, "receipt");
		break;
	case SUBMIT_DUPLICATE:
		k->err.submit = N_("You have already applied to this call. Each person can send only one application per call, so this one was not sent.");
		break;
	case SUBMIT_CLOSED:
		k->err.submit = N_("This placement is no longer open for applications.");
		break;
	case SUBMIT_INVALID:
		warning("application refused: %s", err);
		k->err.submit = N_("Some details are not valid. Go back to the form and check them.");
		break;
	default:
		error("submit failed: %s", err);
		k->err.submit = N_("Your application could not be saved. Nothing was sent. Please ask the staff for help.");
		break;
	}
}

/* Hands the application to the send worker (kiosk/send.h): the frame
 * does not wait for the signature, the commit or the receipt PNG.
 * Returns 0, or -1 when the worker cannot take it (then the caller
 * sends in the frame). */
static int submit_post(struct kiosk *k)
{
	struct send_job *j = calloc(1, sizeof(*j));
	int rc = -1;
	if (!j)
		return -1;
	j->app = k->app;
	j->identity = k->identity;
	str_copy(j->receipt_base, sizeof(j->receipt_base), kiosk_receipt_base(k));
	str_copy(j->receipts_dir, sizeof(j->receipts_dir), config_get(k->cfg, "receipts_dir"));
	time_date(now_wall(), j->day, sizeof(j->day));
	str_copy(j->comune, sizeof(j->comune), k->comune);
	receipt_words_current(&j->words);
	if (!send_post(k->send, j)) {
		k->sending = 1;
		k->sending_said = 0;
		k->sending_since = k->ui.in.now_ms;
		k->ui.animating = 1;
		rc = 0;
	}
	application_wipe(&j->app);
	identity_wipe(&j->identity);
	str_wipe(j, sizeof(*j));
	free(j);
	return rc;
}

/* Takes the send worker's result, once it has come: 1 when taken
 * (this frame then switches to the receipt or shows the refusal). */
static int submit_take(struct kiosk *k)
{
	struct send_result *res;
	if (!k->sending)
		return 0;
	k->ui.animating = 1;	/* look again next frame */
	res = calloc(1, sizeof(*res));
	if (!res || !send_take(k->send, res)) {
		free(res);
		return 0;
	}
	k->sending = 0;
	if (res->r == SUBMIT_OK) {
		k->app = res->app;
		str_copy(k->token, sizeof(k->token), res->token);
		if (!res->doc_rc)
			k->doc = res->doc;
		qr_free(&k->qr);
		k->qr = res->qr;
		res->qr = (struct qr_code){ 0 };
	}
	submit_done(k, res->r, res->err, res->doc_rc);
	send_result_wipe(res);
	free(res);
	return 1;
}

static void submit(struct kiosk *k)
{
	struct application *a = &k->app;
	char err[200];
	enum submit_result r;
	int doc_rc = 0;

	/* A kiosk linked to a hub takes applications only once it is
	 * enrolled, so every protocol number and receipt names a kiosk the hub
	 * knows and will accept. The sync thread enrols in the background
	 * (enroll_code); pick up the identity it saved. */
	if (config_get(k->cfg, "hub_url")[0] && !k->identity.token[0]) {
		struct kiosk_identity fresh;
		if (identity_load(config_get(k->cfg, "state_dir"), &fresh) == 0 && fresh.token[0]) {
			identity_wipe(&k->identity);
			k->identity = fresh;
		} else {
			identity_wipe(&fresh);
			k->err.submit = N_("This kiosk is not activated yet, so it cannot send applications. Please ask the staff at the desk.");
			return;
		}
	}
	app_fill(k, a);
	if (k->send && !submit_post(k))
		return;
	r = application_submit(k->db, &k->identity, a, k->token, sizeof(k->token), err, sizeof(err));
	if (r == SUBMIT_OK) {
		kiosk_count(k, "submit");
		doc_rc = receipt_doc_load(k->db, a->protocol, kiosk_receipt_base(k), &k->doc);
		qr_free(&k->qr);
		if (!doc_rc && k->doc.url[0])
			qr_make(k->doc.url, &k->qr);
		if (config_get(k->cfg, "receipts_dir")[0])
			receipt_png_write(NULL, config_get(k->cfg, "receipts_dir"), &k->doc, NULL, 0);
	}
	submit_done(k, r, err, doc_rc);
	str_wipe(err, sizeof(err));
}

void review_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct flow f;
	char buf[300], d[16];
	/* The result comes in this frame: it may go to the receipt (after
	 * this frame), so a Change or Send released now is the old one's. */
	int busy = submit_take(k);
	f = screen_begin(k, NULL, 1);
	flow_steps(k, &f, 4);
	flow_heading(k, &f, "review-title", _("Check and send"));
	flow_text(k, &f, NULL, _("Please check your application. You can go back to change anything."),
		  UI_FONT_REGULAR, 30, C_MUTED);
	str_fmt(buf, sizeof(buf), "%s (%s)", k->sel.card.title, k->sel.card.comune_name);
	row(k, &f, "review:placement", _("Placement"), buf);
	row(k, &f, "review:call", _("Call"), k->sel.call_code);
	str_fmt(buf, sizeof(buf), "%s %s", k->c.given_name, k->c.family_name);
	row(k, &f, "review:name", _("Name"), buf);
	{
		/* A shared screen in a public hall: personal data masked until
		 * the citizen chooses to see it. */
		char m[160];
		row(k, &f, "review:cf", _("Codice fiscale"), kiosk_mask(k, 'c', k->cf_info.code, m, sizeof(m)));
	}
	date_it(k->cf_info.birth_date, d, sizeof(d));
	str_fmt(buf, sizeof(buf), "%s, %s", d, k->cf_info.birthplace_name);
	row(k, &f, "review:born", _("Born"), buf);
	row(k, &f, "review:residence", _("Lives in"), k->c.residence_name);
	{
		char m[160];
		row(k, &f, "review:phone", _("Phone"), kiosk_mask(k, 'p', k->c.phone, m, sizeof(m)));
		row(k, &f, "review:email", _("E-mail"), kiosk_mask(k, 'e', k->c.email, m, sizeof(m)));
	}
	row(k, &f, "review:status", _("Situation"), vocab_label(applicant_statuses, applicant_statuses_n, k->c.status));
	row(k, &f, "review:education", _("Qualification"), vocab_label(education_levels, education_levels_n, k->c.education));
	f.y += ui_px(ui, 8);
	/* The summary reads from the top; its controls sit low. */
	flow_reach(k, &f);
	f.y += show_data_button(k, f.x, f.y, f.w) + ui_px(ui, 16);
	if (k->sending && ui->in.now_ms - k->sending_since >= 200) {
		/* Saving takes long (a slow disk): say so. */
		f.y += ui_label(ui, "sending", _("Saving your application…"), (struct ui_rect){ f.x, f.y, f.w, 0 },
				UI_FONT_SEMIBOLD, ui_font_px(ui, 30), C_TEXT) + ui_px(ui, 16);
		/* Heard too, once a Send: the screen seems to do nothing. */
		if (k->speech_on && !k->sending_said)
			kiosk_say_polite(k, _("Saving your application…"));
		k->sending_said = 1;
	}
	if (k->err.submit) {
		f.y += ui_px(ui, 10);
		f.y += ui_error(ui, "error:submit", tr(k->err.submit), (struct ui_rect){ f.x, f.y, f.w, 0 });
		f.y += ui_px(ui, 20);
		if (ui_button(ui, "home", _("Back to the start"), (struct ui_rect){ f.x, f.y, f.w, ui_button_h(ui, 100) },
			      UI_SECONDARY))
			kiosk_application_done(k);
		f.y += ui_button_h(ui, 100);
	}
	screen_end(k, &f);
	/* While it is being saved, neither Send again nor Change. */
	busy = busy || k->sending;
	switch (chrome_footer(k, _("Change"), "submit", _("Send application"), !k->err.submit && !busy)) {
	case 1:
		if (busy)
			break;
		k->err.submit = NULL;
		kiosk_go(k, "form");
		break;
	case 2:
		if (!busy)
			submit(k);
		break;
	}
}

/* --- receipt --------------------------------------------------------------- */

void receipt_leave(struct kiosk *k)
{
	(void)k;
}

void receipt_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct flow f = screen_begin(k, NULL, 1);
	char buf[300];
	/* Landscape: the QR code beside the words, both in view at once. */
	int landscape = ui->w * 5 > ui->h * 6, side = k->qr.modules ? k->qr.width + 2 * QR_QUIET_ZONE : 0;
	int qs = 0, top, qr_x = 0, qr_y = 0, right_bottom = 0, ppx, keep_card;
	struct flow words;
	struct printer_status ps = { .state = PRINTER_NONE, .message = "" };

	if (k->printer)
		printer_get_status(k->printer, &ps);
	if (landscape) {
		/* Use the width: two columns need more than the reading column. */
		int margin = ui_px(ui, 60), maxw = ui_px(ui, 1600);
		f.w = ui->w - 2 * margin < maxw ? ui->w - 2 * margin : maxw;
		f.x = (ui->w - f.w) / 2;
	}
	top = f.y;
	words = f;

	if (side) {
		/* Large enough to photograph: at least 4 px per module. */
		int avail = landscape ? (int)ui->panels[0].r.h - ui_px(ui, 80) : f.w;
		qs = ui_px(ui, landscape ? 520 : 640);
		if (qs > avail)
			qs = avail;
		if (qs > f.w / 2 && landscape)
			qs = f.w / 2;
		qs = qs / side * side;
		if (qs < side * 4)
			qs = side * 4;
		if (landscape) {
			words.w = f.w - qs - ui_px(ui, 48);
			qr_x = f.x + f.w - qs;
			qr_y = top;
		}
	}
	{
		int pad = ui_px(ui, 28);
		const char *t = _("Your application has been received");
		int th = ui_text_height(ui, t, UI_FONT_BOLD, ui_font_px(ui, 48), words.w - 2 * pad);
		struct ui_rect box = { words.x, words.y, words.w, th + 2 * pad };
		ui_draw_rect(ui, box, ui_color(ui, C_SUCCESS_BG));
		ui_draw_rect(ui, (struct ui_rect){ words.x, words.y, ui_px(ui, 10) > 3 ? ui_px(ui, 10) : 3, box.h }, ui_color(ui, C_SUCCESS));
		ui_label(ui, "receipt-title", t, (struct ui_rect){ words.x + pad, words.y + pad, words.w - 2 * pad, 0 },
			 UI_FONT_BOLD, ui_font_px(ui, 48), C_SUCCESS);
		words.y += box.h + ui_px(ui, 30);
	}
	/* Portrait without a QR code (an offline kiosk): the protocol number
	 * is what the citizen keeps, so it gets a card of its own in large
	 * type, spread over the room the page leaves (a third above, below, and at the end),
	 * instead of half an empty screen. */
	keep_card = !side && !landscape;
	if (keep_card)
		flow_reach_part(k, &words, 1, 3);
	/* The protocol number stays on one line: shrink it rather than cut it. */
	ppx = ui_font_px(ui, keep_card ? 80 : 54);
	{
		int avail = keep_card ? words.w - 2 * ui_px(ui, 28) - ui_px(ui, 10) : words.w;
		int pw = ui->text.width(ui->text.ctx, UI_FONT_BOLD, ppx, k->app.protocol, strlen(k->app.protocol));
		if (pw > avail)
			ppx = ppx * avail / pw - 1;
		if (ppx < 14)
			ppx = 14;
	}
	if (keep_card) {
		const char *keep = _("Photograph or write down your protocol number: it proves that you applied.");
		int pad = ui_px(ui, 28), bw = ui_px(ui, 10) > 3 ? ui_px(ui, 10) : 3, x = words.x + pad + bw;
		int w = words.w - 2 * pad - bw, lpx = ui_font_px(ui, 30), kpx = ui_font_px(ui, 32), y;
		int ch = 2 * pad + ui_text_height(ui, _("Your protocol number"), UI_FONT_SEMIBOLD, lpx, w) + ui_px(ui, 12) +
			 ui->text.line_height(ui->text.ctx, UI_FONT_BOLD, ppx) + ui_px(ui, 16) +
			 ui_text_height(ui, keep, UI_FONT_SEMIBOLD, kpx, w);
		ui_draw_card(ui, (struct ui_rect){ words.x, words.y, words.w, ch });
		ui_draw_rect(ui, (struct ui_rect){ words.x, words.y, bw, ch }, ui_color(ui, C_PRIMARY));
		y = words.y + pad;
		y += ui_label(ui, NULL, _("Your protocol number"), (struct ui_rect){ x, y, w, 0 }, UI_FONT_SEMIBOLD, lpx, C_MUTED) +
		     ui_px(ui, 12);
		y += ui_label(ui, "protocol", k->app.protocol, (struct ui_rect){ x, y, w, 0 }, UI_FONT_BOLD, ppx, C_TEXT) +
		     ui_px(ui, 16);
		ui_label(ui, "receipt-keep", keep, (struct ui_rect){ x, y, w, 0 }, UI_FONT_SEMIBOLD, kpx, C_TEXT);
		words.y += ch + ui_px(ui, 30);
	} else {
		flow_text(k, &words, NULL, _("Your protocol number"), UI_FONT_SEMIBOLD, 30, C_MUTED);
		words.y += ui_label(ui, "protocol", k->app.protocol, (struct ui_rect){ words.x, words.y, words.w, 0 },
				    UI_FONT_BOLD, ppx, C_TEXT);
		words.y += ui_px(ui, 20);
	}
	if (keep_card) {
		/* What was applied for, as on the card the citizen chose. */
		const struct placement_card *c = &k->sel.card;
		char facts[256];
		int pad = ui_px(ui, 28), bw = ui_px(ui, 10) > 3 ? ui_px(ui, 10) : 3, x = words.x + pad + bw;
		int w = words.w - 2 * pad - bw, tpx = ui_font_px(ui, 36), opx = ui_font_px(ui, 28), y, ch;
		str_fmt(buf, sizeof(buf), "%s, %s · %s", c->office, c->comune_name, c->code);
		str_fmt(facts, sizeof(facts), _("%d months · %d hours a week · %d € a month"), c->months, c->hours_week,
			 c->allowance_eur);
		ch = 2 * pad + ui_text_height(ui, c->title, UI_FONT_BOLD, tpx, w) + ui_px(ui, 8) +
		     ui_text_height(ui, buf, UI_FONT_REGULAR, opx, w) + ui_px(ui, 8) +
		     ui_text_height(ui, facts, UI_FONT_SEMIBOLD, opx, w);
		ui_draw_card(ui, (struct ui_rect){ words.x, words.y, words.w, ch });
		y = words.y + pad;
		ui->lang = "it";	/* the placement's title: Italian */
		y += ui_label(ui, "receipt-placement", c->title, (struct ui_rect){ x, y, w, 0 }, UI_FONT_BOLD, tpx, C_TEXT) +
		     ui_px(ui, 8);
		ui->lang = NULL;
		y += ui_label(ui, NULL, buf, (struct ui_rect){ x, y, w, 0 }, UI_FONT_REGULAR, opx, C_MUTED) + ui_px(ui, 8);
		ui_label(ui, NULL, facts, (struct ui_rect){ x, y, w, 0 }, UI_FONT_SEMIBOLD, opx, C_TEXT);
		words.y += ch + ui_px(ui, 20);
	} else {
		str_fmt(buf, sizeof(buf), "%s · %s", k->sel.card.title, k->sel.card.comune_name);
		ui->lang = "it";
		flow_text(k, &words, "receipt-placement", buf, UI_FONT_REGULAR, 32, C_TEXT);
		ui->lang = NULL;
	}
	if (k->doc.when[0]) {
		str_fmt(buf, sizeof(buf), "%s: %s", _("Sent"), k->doc.when);
		flow_text(k, &words, "receipt-when", buf, UI_FONT_REGULAR, 30, C_MUTED);
	}
	{
		/* What the printer says, high on the page: the print button is
		 * in the footer, so this line never pushes it out of view. */
		if (ps.state == PRINTER_BUSY && ps.message && ps.message[0])
			flow_text(k, &words, "printer-status", _(ps.message), UI_FONT_SEMIBOLD, 30, C_TEXT);
		else if (ps.message && ps.message[0])
			words.y += ui_error(ui, "printer-status", _(ps.message), (struct ui_rect){ words.x, words.y, words.w, 0 }) +
				   ui_px(ui, 16);
		else if (k->printed)
			flow_text(k, &words, "printer-status",
				  ps.state == PRINTER_BUSY ? _("Printing...") : _("Your receipt has been printed."),
				  UI_FONT_SEMIBOLD, 30, C_SUCCESS);
		if (ps.state == PRINTER_BUSY)
			ui->animating = 1;
	}
	flow_gap(k, &words, 20);
	if (!landscape) {
		qr_x = f.x + (f.w - qs) / 2;
		qr_y = words.y;
	}
	if (side) {
		struct flow qf = { landscape ? qr_x : f.x, qr_y + qs + ui_px(ui, 16), landscape ? qs : f.w };
		ui_qr(ui, "receipt-qr", _("QR code of your receipt"), k->qr.modules, k->qr.width, QR_QUIET_ZONE,
		      (struct ui_rect){ qr_x, qr_y, qs, qs });
		flow_text(k, &qf, "qr-help", _("Take a photo of this code: it proves you applied, and lets you check your application online."),
			  UI_FONT_REGULAR, 30, C_TEXT);
		if (!landscape)
			words.y = qf.y;
		else
			right_bottom = qf.y;
	} else if (keep_card) {
		flow_reach_part(k, &words, 1, 3);
	} else {
		/* No public receipt page (an offline kiosk): no QR code, so the
		 * protocol number is what the citizen keeps. */
		flow_text(k, &words, "receipt-keep", _("Photograph or write down your protocol number: it proves that you applied."),
			  UI_FONT_SEMIBOLD, 32, C_TEXT);
		flow_gap(k, &words, 10);
	}
	f = words;
	flow_text(k, &f, NULL, _("The town hall will contact you for an interview. You can check your application here with the protocol number and your codice fiscale."),
		  UI_FONT_REGULAR, 30, C_TEXT);
	if (f.y < right_bottom)
		f.y = right_bottom;
	if (keep_card)
		flow_reach_part(k, &f, 1, 3);
	screen_end(k, &f);
	/* Print beside Done, in the footer: in the page, the line that
	 * printing adds above it pushed it half under the footer at 800x480,
	 * its label cut right over "Done". */
	switch (chrome_footer_ids(k, "print", ps.state != PRINTER_NONE ? (k->printed ? _("Print again") : _("Print receipt")) : NULL,
				  "done", _("Done"), 1)) {
	case 1:
		printer_submit(k->printer, &k->doc);
		k->printed = 1;
		ui->animating = 1;
		break;
	case 2:
		/* The application is done, the person may not be: their
		 * text size and voice guide stay for "check my application". */
		kiosk_application_done(k);
		break;
	}
}
