/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The kiosk application core (see kiosk.h): the frame loop body, screen
 * switching, idle countdown and reset, editable fields and typing (from
 * a USB keyboard, a barcode scanner or the on-screen keyboard, all the
 * same path), the voice guide, the content column, and the dialogs the
 * frame draws over any screen (idle countdown, language chooser). The
 * header and footer the screens share are in chrome.c; screens are
 * reached only through the table kiosk_screens[]. Start reading at
 * kiosk_frame().
 */
#include "kiosk/kiosk.h"
#include "kiosk/search.h"
#include "kiosk/send.h"
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/util.h"
#include "kiosk/i18n.h"
#include "kiosk/printer.h"
#include "kiosk/speech.h"
#include "kiosk/sync.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { IDLE_COUNTDOWN_MS = 20000 };

static void speech_off(struct kiosk *k, const char *first);
static void say_now(struct kiosk *k, const char *text);

static const struct screen *screen_find(const char *id)
{
	for (int i = 0; i < kiosk_nscreens; i++)
		if (!strcmp(kiosk_screens[i].id, id))
			return &kiosk_screens[i];
	return NULL;
}

void kiosk_go(struct kiosk *k, const char *id)
{
	const struct screen *s = screen_find(id);
	if (s)
		k->next = s;
}

const char *kiosk_receipt_base(struct kiosk *k)
{
	const char *u = config_get(k->cfg, "receipt_url");
	return u[0] ? u : config_get(k->cfg, "hub_url");
}

void kiosk_count(struct kiosk *k, const char *event)
{
	char day[11];
	time_date(now_wall(), day, sizeof(day));
	catalog_usage(k->db, day, k->identity.id[0] ? k->identity.id : "LOCAL", k->comune, event);
}

static void citizen_wipe(struct kiosk *k)
{
	str_wipe(&k->c, sizeof(k->c));
	str_wipe(&k->cf_info, sizeof(k->cf_info));
	application_wipe(&k->app);
	str_wipe(&k->app, sizeof(k->app));
	str_wipe(k->token, sizeof(k->token));
	str_wipe(&k->doc, sizeof(k->doc));
	memset(&k->err, 0, sizeof(k->err));
	qr_free(&k->qr);
	/* A Send under way or not yet taken is this citizen's: its result
	 * must never reach the next one's review screen. */
	send_forget(k->send);
	k->sending = 0;
	k->cf_valid = 0;
	k->c.other_placement = -1;
	k->have_sel = 0;
	k->elig_checked = 0;
	k->check_done = 0;
	k->printed = 0;
	/* Residence is a question the citizen answers, never filled in
	 * for them: the eligibility screen offers this comune as the first,
	 * one-tap answer. */
}

/* Forgets what the citizen searched for: the results (with the search
 * thread the next one's list showed them until its own search came), a
 * search still under way (a new number drops its result when it comes,
 * browse_take()) and the search text kept for the voice guide. */
static void searches_wipe(struct kiosk *k)
{
	catalog_list_clear(&k->list);
	k->search_gen++;
	k->search_pending = 0;
	k->search_more_gen = 0;
	str_wipe(k->count_said, sizeof(k->count_said));
}

void kiosk_filters_clear(struct kiosk *k)
{
	k->area[0] = 0;
	k->months = 0;
	k->province_wide = 0;
	k->filter_comune[0] = 0;
	k->other_than_call = 0;
	k->list_dirty = 1;
}

void kiosk_reset(struct kiosk *k)
{
	if (!strcmp(k->screen->id, "setup"))
		return;
	citizen_wipe(k);
	/* Copies of what was typed live on in the frame arena and the
	 * renderer's text caches: the platform wipes them after this frame. */
	k->wipe_caches = 1;
	k->query[0] = 0;
	searches_wipe(k);
	kiosk_filters_clear(k);
	k->idle_dialog = 0;
	k->ui.focus[0] = 0;
	k->ui.text_scale = 1.0f;
	k->ui.theme = &ui_theme_normal;
	k->lang_menu = 0;
	k->show_data = 0;
	k->osk_sel = -1;
	k->osk_abc = 0;
	k->osk_enter = 0;
	k->help_hinted = 0;
	k->keys_hinted = 0;
	k->hint_touch = 0;
	k->tap_key = 0;
	str_wipe(k->tap_letter, sizeof(k->tap_letter));
	str_wipe(k->spoken, sizeof(k->spoken));
	str_wipe(k->last_said, sizeof(k->last_said));
	/* The voice guide and its volume are this citizen's, not the next
	 * one's; it says what was wiped before it stops. */
	speech_off(k, _("Session ended: everything you entered has been deleted."));
	kiosk_set_lang(k, k->default_lang);
	kiosk_go(k, "home");
}

void kiosk_application_done(struct kiosk *k)
{
	int64_t now = k->ui.in.now_ms;
	citizen_wipe(k);
	k->wipe_caches = 1;
	k->query[0] = 0;
	searches_wipe(k);
	kiosk_filters_clear(k);
	k->ui.focus[0] = 0;
	k->show_data = 0;
	k->osk_sel = -1;
	str_wipe(k->spoken, sizeof(k->spoken));
	str_wipe(k->last_said, sizeof(k->last_said));
	/* Said before home is announced: what went, and what stays. */
	if (k->speech_on)
		say_now(k, _("Everything you entered has been deleted. Your reading settings stay until you tap I'm done."));
	k->last_input_ms = now;
	kiosk_go(k, "home");
}

void kiosk_help_hint(struct kiosk *k)
{
	if (k->speech_on || k->help_hinted)
		return;
	k->help_hinted = 1;
	if (!k->speech)
		k->speech = speech_start(config_get(k->cfg, "speech_log"));
	say_now(k, _("Press Help for the voice guide."));
}

void kiosk_set_lang(struct kiosk *k, const char *lang)
{
	if (i18n_set(lang))
		return;
	/* The errors on screen are the same, in other words: not new ones. */
	k->ui.alerts_relabel = 1;
	k->ui.rtl = i18n_rtl(lang);
	k->ui.animating = 1;
}

/* --- the voice guide --------------------------------------------------------- */

/* What each screen is called and what it is for, said when it appears
 * and by the Help key. */
static const struct {
	const char *id, *title, *purpose;
} screen_words[] = {
	{ "home", N_("DoteComune - training placements at the town hall"),
	  N_("Choose a placement, check that you can apply and send your application from here in a few minutes. You will get a receipt.") },
	{ "browse", N_("Find a placement"),
	  N_("The placements open at this town hall. Type words to search, or move through the list and choose one.") },
	{ "detail", NULL,
	  N_("Everything about this placement: what you will do, the requirements and the deadline.") },
	{ "eligibility", N_("Can you apply?"), N_("Four quick questions. The answers are not stored.") },
	{ "form", N_("Your details"),
	  N_("Fields marked * are required. You can type, use the keyboard on screen, or scan the barcode of your health card.") },
	{ "privacy", N_("How we use your data"),
	  N_("Read how your data is used, then tick the box to give your consent.") },
	{ "review", N_("Check and send"), N_("Please check your application. You can go back to change anything.") },
	{ "receipt", N_("Your application has been received"), NULL },
	{ "status", N_("Check my application"),
	  N_("Enter the protocol number from your receipt and your codice fiscale, or hold the receipt's QR code to the scanner.") },
	{ "pin", N_("Staff only"), NULL },
	{ "admin", N_("Kiosk status"), NULL },
	{ "setup", N_("This kiosk is not configured yet"), NULL },
};

void kiosk_say(struct kiosk *k, const char *text)
{
	size_t n = strlen(k->say);
	if (!k->speech_on || !text || !text[0])
		return;
	k->say_polite = 0;
	str_fmt(k->say + n, sizeof(k->say) - n, "%s%s", n ? " " : "", text);
}

/* The last character of text that is not a language mark; 0 if none. */
static char last_visible(const char *text)
{
	char last = 0;
	while (*text) {
		if (*text == UI_LANG_MARK) {
			const char *end = strchr(text, '\x1f');
			text = end ? end + 1 : text + strlen(text);
			continue;
		}
		last = *text++;
	}
	return last;
}

/* A sentence: text and a full stop, unless it ends in a sign already. */
static void say_sentence(struct kiosk *k, const char *text)
{
	char buf[KIOSK_SAY_MAX];
	char last = last_visible(text);
	if (!last)
		return;
	str_fmt(buf, sizeof(buf), "%s%s", text, strchr(".?!:", last) ? "" : ".");
	/* Once per utterance (an error shown and focused in one frame). */
	if (!strstr(k->say, buf))
		kiosk_say(k, buf);
}

/* text in lang (content: a placement written in Italian) when that is
 * not the UI's: marked so that the engine gets it in its own voice. */
static const char *in_lang(const char *lang, const char *text, char *buf, size_t size)
{
	if (!lang || !strcmp(lang, i18n_lang()) || strchr(text, UI_LANG_MARK))
		return text;
	str_fmt(buf, size, "\x1e%s\x1f%s" UI_LANG_END, lang, text);
	return buf;
}

void kiosk_say_sentence(struct kiosk *k, const char *text)
{
	say_sentence(k, text);
}

void kiosk_say_polite(struct kiosk *k, const char *text)
{
	int polite = !k->say[0];
	say_sentence(k, text);
	k->say_polite = polite;
}

/* Hands what this frame says to the engine: each run in its language
 * (the first interrupts what was being said, the others follow). */
static void say_out(struct kiosk *k, const char *text)
{
	const char *p = text;
	char lang[8], seg[KIOSK_SAY_MAX];
	int first = !k->say_polite;
	k->say_polite = 0;
	str_copy(lang, sizeof(lang), i18n_lang());
	while (*p) {
		size_t n = 0;
		while (p[n] && p[n] != UI_LANG_MARK)
			n++;
		if (n) {
			str_fmt(seg, sizeof(seg), "%.*s", (int)n, p);
			if (seg[strspn(seg, " ")]) {
				(first ? speech_say : speech_queue)(k->speech, lang, seg);
				first = 0;
			}
			str_wipe(seg, sizeof(seg));
		}
		p += n;
		if (*p == UI_LANG_MARK) {
			const char *end = strchr(p, '\x1f');
			size_t ln = end ? (size_t)(end - p - 1) : 0;
			if (ln && ln < sizeof(lang))
				str_fmt(lang, sizeof(lang), "%.*s", (int)ln, p + 1);
			else
				str_copy(lang, sizeof(lang), i18n_lang());
			p = end ? end + 1 : p + strlen(p);
		}
	}
}

void kiosk_say_screen(struct kiosk *k, int with_help)
{
	char buf[1200], spelled[600];
	for (size_t i = 0; i < ARRAY_SIZE(screen_words); i++) {
		if (strcmp(screen_words[i].id, k->screen->id))
			continue;
		if (screen_words[i].title)
			say_sentence(k, _(screen_words[i].title));
		else if (!strcmp(k->screen->id, "detail") && k->have_sel)
			say_sentence(k, in_lang("it", k->sel.card.title, buf, sizeof(buf)));
		/* The health card answered the age: three questions. */
		if (screen_words[i].purpose && k->c.card && !strcmp(screen_words[i].id, "eligibility"))
			say_sentence(k, _("Three quick questions. The answers are not stored."));
		else if (screen_words[i].purpose)
			say_sentence(k, _(screen_words[i].purpose));
	}
	if (!strcmp(k->screen->id, "receipt") && k->app.protocol[0]) {
		/* Spelled out: the citizen writes it down or checks the paper. */
		str_fmt(buf, sizeof(buf), "%s: %s", _("Your protocol number"),
			speech_spell(k->app.protocol, _("dash"), spelled, sizeof(spelled)));
		say_sentence(k, buf);
	}
	if (!strcmp(k->screen->id, "review")) {
		/* The summary is text, not controls: read it here. Personal
		 * data only through headphones, or once the citizen shows it. */
		/* Through the speakers, in a public hall, not even the name. */
		if (k->speech_private || k->show_data)
			str_fmt(buf, sizeof(buf), "%s: %s %s", _("Name"), k->c.given_name, k->c.family_name);
		else
			str_fmt(buf, sizeof(buf), "%s: %s", _("Name"), _("hidden"));
		say_sentence(k, buf);
		str_fmt(buf, sizeof(buf), "%s: %s", _("Codice fiscale"),
			k->speech_private || k->show_data ? speech_spell(k->cf_info.code, _("dash"), spelled, sizeof(spelled))
							  : _("hidden"));
		say_sentence(k, buf);
		if (k->c.phone[0]) {
			str_fmt(buf, sizeof(buf), "%s: %s", _("Phone"),
				k->speech_private || k->show_data ? speech_spell(k->c.phone, _("dash"), spelled, sizeof(spelled))
								  : _("hidden"));
			say_sentence(k, buf);
		}
		if (k->c.email[0]) {
			str_fmt(buf, sizeof(buf), "%s: %s", _("E-mail"),
				k->speech_private || k->show_data ? k->c.email : _("hidden"));
			say_sentence(k, buf);
		}
	}
	if (with_help) {
		say_sentence(k, _("Use Up and Down to move, Enter to choose, Back to go back. In a text field, press Down to use the keyboard."));
		say_sentence(k, _("The Aa key changes the text size and contrast."));
	}
}

/* Says text now (not at the end of the frame), recorded as said. */
static void say_now(struct kiosk *k, const char *text)
{
	say_out(k, text);
	str_copy(k->spoken[k->nspoken++ % (int)ARRAY_SIZE(k->spoken)], sizeof(k->spoken[0]), text);
}

static void speech_off(struct kiosk *k, const char *first)
{
	if (k->speech_on && k->speech) {
		char buf[600];
		str_fmt(buf, sizeof(buf), "%s%s%s", first ? first : "", first ? " " : "", _("Voice guide off."));
		say_now(k, buf);
	}
	k->speech_on = 0;
	k->speech_private = 0;
	k->screen_blank = 0;
	k->speech_volume = SPEECH_VOLUME_DEFAULT;
	speech_set_volume(k->speech, k->speech_volume);
}

void kiosk_speech(struct kiosk *k, int on, int private_)
{
	if (on && !k->speech)
		k->speech = speech_start(config_get(k->cfg, "speech_log"));
	if (!on) {
		speech_off(k, NULL);
		return;
	}
	if (k->speech_on) {
		k->speech_private |= private_;
		return;
	}
	k->speech_on = 1;
	k->speech_private = private_;
	k->speech_volume = SPEECH_VOLUME_DEFAULT;
	speech_set_volume(k->speech, k->speech_volume);
	say_sentence(k, _("Voice guide on."));
	kiosk_say_screen(k, 1);
}

void kiosk_headphones(struct kiosk *k)
{
	/* Headphones are a private channel (EN 301 549 5.1.3.9): what the
	 * citizen typed may be read back through them. */
	kiosk_speech(k, 1, 1);
}

static const char *role_words(const struct ui_widget *w)
{
	switch (w->role) {
	case UI_ROLE_BUTTON: return _("button");
	case UI_ROLE_FIELD: return _("text field");
	case UI_ROLE_CHECKBOX: return _("checkbox");
	case UI_ROLE_RADIO: return _("option");
	case UI_ROLE_LISTITEM: return _("list item");
	case UI_ROLE_KEY: return _("key");
	case UI_ROLE_HEADING: return _("heading");
	case UI_ROLE_DIALOG: return _("dialog");
	default: return "";
	}
}

/* The focused control: its label, role and state. A required field's
 * star is said as a word; a field's value only through headphones. */
static void say_widget(struct kiosk *k, const struct ui_widget *w, const char *label)
{
	char name[KIOSK_SAY_MAX / 2], buf[KIOSK_SAY_MAX], spelled[300], marked[KIOSK_SAY_MAX / 2];
	const char *state = "", *value;
	size_t n;
	str_copy(name, sizeof(name), label);
	{
		/* A masked value is said as hidden, not as a row of bullets. */
		char *dot = strstr(name, "\xE2\x80\xA2"), *colon;
		if (dot && (colon = strstr(name, ": ")) && colon < dot)
			str_fmt(colon + 2, sizeof(name) - (size_t)(colon + 2 - name), "%s", _("hidden"));
	}
	n = strlen(name);
	if (n > 2 && !strcmp(name + n - 2, " *"))
		str_fmt(name + n - 2, sizeof(name) - (n - 2), ", %s", _("required"));
	if (w && w->lang) {
		str_copy(marked, sizeof(marked), in_lang(w->lang, name, buf, sizeof(buf)));
		str_copy(name, sizeof(name), marked);
	}
	if (!w) {
		say_sentence(k, name);
		return;
	}
	/* Personal data on review is said only through headphones (or once
	 * the citizen chose to show it): the name and birth data too. */
	if ((!strcmp(w->id, "review:name") || !strcmp(w->id, "review:born")) && !k->speech_private && !k->show_data) {
		char *colon = strstr(name, ": ");
		if (colon)
			str_fmt(colon + 2, sizeof(name) - (size_t)(colon + 2 - name), "%s", _("hidden"));
	}
	if (w->role == UI_ROLE_RADIO)
		state = w->checked ? _("selected") : _("not selected");
	else if (w->role == UI_ROLE_CHECKBOX)
		state = w->checked ? _("checked") : _("not checked");
	else if (!w->enabled)
		state = _("unavailable");
	else if (w->role == UI_ROLE_FIELD && (value = kiosk_field(k, w->id, NULL, NULL))) {
		if (!value[0])
			state = _("empty");
		else if (k->speech_private || !strcmp(w->id, "search"))
			state = speech_spell(value, _("dash"), spelled, sizeof(spelled));
		else
			state = _("filled in");
	}
	if (w->role == UI_ROLE_ALERT)
		str_fmt(buf, sizeof(buf), "%s: %s", _("Error"), name);
	else if (!role_words(w)[0])
		str_copy(buf, sizeof(buf), name);
	else
		str_fmt(buf, sizeof(buf), "%s, %s%s%s", name, role_words(w), state[0] ? ", " : "", state);
	say_sentence(k, buf);
	/* A field's hint is text the keyboard's Next skips: said with it. */
	if (!strcmp(w->id, "field:phone") || !strcmp(w->id, "field:email")) {
		const struct ui_widget *hint = ui_find(&k->ui, "contact-hint");
		if (hint) {
			char *star;
			str_copy(name, sizeof(name), hint->label);
			while ((star = strstr(name, " *")))
				memmove(star, star + 2, strlen(star + 2) + 1);
			say_sentence(k, name);
		}
	}
}

static void say_focus(struct kiosk *k, const char *label)
{
	say_widget(k, ui_find(&k->ui, k->ui.focus), label);
}

/* The announce hook: keeps the last announcements (tests read them),
 * prints them with DOTE_ANNOUNCE=1 in the environment, and feeds the
 * voice guide when it is on. */
static void kiosk_announce(void *ctx, enum ui_announce kind, const char *text)
{
	static const char *const kinds[] = { "screen", "focus", "error" };
	struct kiosk *k = ctx;
	str_fmt(k->announced[k->nannounced++ % (int)ARRAY_SIZE(k->announced)], sizeof(k->announced[0]), "%s: %s",
		kinds[kind], text);
	if (getenv("DOTE_ANNOUNCE"))
		fprintf(stderr, "announce %s: %s\n", kinds[kind], text);
	if (!k->speech_on)
		return;
	switch (kind) {
	case UI_ANNOUNCE_SCREEN:
		kiosk_say_screen(k, 0);
		break;
	case UI_ANNOUNCE_FOCUS: {
		/* A focus given on arrival waits for the screen's words. */
		int polite = k->focus_polite && !k->say[0];
		k->focus_polite = 0;
		say_focus(k, text);
		if (polite)
			k->say_polite = 1;
		break;
	}
	case UI_ANNOUNCE_ERROR: {
		char buf[KIOSK_SAY_MAX];
		str_fmt(buf, sizeof(buf), "%s: %s", _("Error"), text);
		say_sentence(k, buf);
		break;
	}
	}
}

const char *kiosk_mask(struct kiosk *k, char kind, const char *value, char *buf, size_t size)
{
	if (k->show_data || !value[0])
		return value;
	return mask_personal(kind, value, buf, size);
}

int kiosk_init(struct kiosk *k)
{
	const char *langs = config_get(k->cfg, "languages");
	char first[8] = "it";
	const struct comune *cm;

	sscanf(langs, "%7[a-z]", first);
	if (!k->default_lang[0])
		str_copy(k->default_lang, sizeof(k->default_lang), first);
	kiosk_set_lang(k, k->default_lang);
	k->osk_sel = -1;
	k->speech_volume = SPEECH_VOLUME_DEFAULT;
	str_copy(k->comune, sizeof(k->comune), config_get(k->cfg, "comune"));
	cm = comune_by_istat(k->comune);
	if (!cm) {
		/* Say so on screen rather than crash-loop under systemd. */
		error("config: comune '%s' is not an ISTAT code of a current comune", k->comune);
		k->screen = screen_find("setup");
		return 0;
	}
	str_copy(k->comune_name, sizeof(k->comune_name), cm->name);
	str_copy(k->province, sizeof(k->province), cm->province);
	time_date(now_wall(), k->today, sizeof(k->today));
	if (db_int(k->db, "SELECT count(*) FROM comune", NULL, 0) == 0 && comuni_load_db(k->db))
		return error("cannot load the comuni table");
	citizen_wipe(k);
	k->ui.announce = kiosk_announce;
	k->ui.announce_ctx = k;
	k->list_dirty = 1;
	/* Searches run beside the frames (a file database: the worker
	 * opens its own connection to it). */
	if (k->db_path[0] && strcmp(k->db_path, ":memory:")) {
		k->search = search_start(k->db_path);
		k->send = send_start(k->db_path);
	}
	k->screen = screen_find("home");
	if (k->screen->enter)
		k->screen->enter(k);
	return 0;
}

void kiosk_release(struct kiosk *k)
{
	speech_stop(k->speech);
	k->speech = NULL;
	citizen_wipe(k);
	qr_free(&k->privacy_qr);
	search_stop(k->search);
	k->search = NULL;
	send_stop(k->send);
	k->send = NULL;
	catalog_list_free(&k->list);
}

void kiosk_workers_stop(struct kiosk *k)
{
	search_stop(k->search);
	k->search = NULL;
	send_stop(k->send);
	k->send = NULL;
	k->sending = 0;
}

int kiosk_stop_due(struct kiosk *k)
{
	int on_receipt;
	if (!k->stopping) {
		k->stopping = 1;
		if (!k->sending)
			return 1;
		fprintf(stderr, "stop: a Send is under way: its receipt is shown, then the kiosk stops\n");
	}
	if (k->sending)
		return 0;
	on_receipt = !strcmp(k->screen->id, "receipt") || (k->next && !strcmp(k->next->id, "receipt"));
	if (!on_receipt)
		return 1;	/* refused, or the citizen tapped Done */
	if (!k->stop_receipt_until)
		k->stop_receipt_until = now_ms() + KIOSK_STOP_RECEIPT_MS;
	return now_ms() >= k->stop_receipt_until;
}

int kiosk_background_wait(struct kiosk *k, int ms)
{
	int a;
	int b;
	if (k->hold_background)
		return 0;
	a = k->search ? search_wait(k->search, ms) : 0;
	b = k->send ? send_wait(k->send, ms) : 0;
	return a || b ? -1 : 0;
}

/* --- fields ------------------------------------------------------------ */

char *kiosk_field(struct kiosk *k, const char *id, size_t *size, enum field_kind *kind)
{
	static const struct {
		const char *id;
		size_t off, size;
		enum field_kind kind;
	} fields[] = {
#define F(name, member, k) { name, offsetof(struct kiosk, member), sizeof(((struct kiosk *)0)->member), k }
		F("search", query, FIELD_TEXT),
		F("field:age", c.age_text, FIELD_NUMBER),
		F("field:residence", c.residence_query, FIELD_TEXT),
		F("field:given_name", c.given_name, FIELD_TEXT),
		F("field:family_name", c.family_name, FIELD_TEXT),
		F("field:cf", c.cf, FIELD_UPPER),
		F("field:phone", c.phone, FIELD_PHONE),
		F("field:email", c.email, FIELD_EMAIL),
		F("field:protocol", c.check_protocol, FIELD_UPPER),
		F("field:check_cf", c.check_cf, FIELD_UPPER),
		F("field:pin", c.pin, FIELD_PIN),
		F("field:att_cf", c.att_cf, FIELD_UPPER),
#undef F
	};
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (!strcmp(fields[i].id, id)) {
			if (size)
				*size = fields[i].size;
			if (kind)
				*kind = fields[i].kind;
			return (char *)k + fields[i].off;
		}
	return NULL;
}

static int accept_char(enum field_kind kind, const char *ch, size_t len, const char *id)
{
	unsigned char c = (unsigned char)ch[0];
	if (len > 1)
		return kind == FIELD_TEXT;	/* accented letters: names and search only */
	switch (kind) {
	case FIELD_NUMBER:
	case FIELD_PIN:
		return c >= '0' && c <= '9';
	case FIELD_PHONE:
		return (c >= '0' && c <= '9') || c == '+' || c == ' ';
	case FIELD_UPPER:
		/* Codice fiscale: letters and digits. The protocol field also
		 * takes '-' and, from a scanned receipt QR, a whole URL; the
		 * attendance field a personal QR's "DCP-..." too. */
		if (!strcmp(id, "field:protocol"))
			return c > ' ' && c < 0x7f;
		if (c == '-' && !strcmp(id, "field:att_cf"))
			return 1;
		return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
	case FIELD_EMAIL:
		return c > ' ' && c < 0x7f && c != '<' && c != '>' && c != '"' && c != ',' && c != ';';
	default:
		return c >= ' ' && c != 0x7f;
	}
}

void kiosk_type(struct kiosk *k, const char *text)
{
	size_t size, n;
	enum field_kind kind;
	char *buf = kiosk_field(k, k->ui.focus, &size, &kind);
	const unsigned char *p = (const unsigned char *)text;
	int changed = 0;
	if (!buf)
		return;
	n = strlen(buf);
	while (*p) {
		size_t len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
		char ch[5];
		size_t i;
		for (i = 0; i < len && p[i]; i++)
			ch[i] = (char)p[i];
		ch[i] = 0;
		len = i;
		p += len;
		if (!accept_char(kind, ch, len, k->ui.focus) || n + len >= size)
			continue;
		if (kind == FIELD_UPPER && ch[0] >= 'a' && ch[0] <= 'z')
			ch[0] = (char)(ch[0] - 32);
		if (kind == FIELD_EMAIL && ch[0] >= 'A' && ch[0] <= 'Z')
			ch[0] = (char)(ch[0] + 32);
		memcpy(buf + n, ch, len);
		n += len;
		buf[n] = 0;
		changed = 1;
	}
	if (changed)
		kiosk_field_changed(k, k->ui.focus);
}

void kiosk_backspace(struct kiosk *k)
{
	char *buf = kiosk_field(k, k->ui.focus, NULL, NULL);
	size_t n;
	if (!buf || !(n = strlen(buf)))
		return;
	do
		n--;
	while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80);
	buf[n] = 0;
	kiosk_field_changed(k, k->ui.focus);
}

void kiosk_field_changed(struct kiosk *k, const char *id)
{
	if (!strcmp(id, "search")) {
		k->list_dirty = 1;
	} else if (!strcmp(id, "field:cf")) {
		char err[160];
		k->err.cf = NULL;
		k->err.cf_detail[0] = 0;
		k->cf_valid = 0;
		if (strlen(k->c.cf) == CF_LEN) {
			if (!cf_check(k->c.cf, k->today, &k->cf_info, err, sizeof(err))) {
				k->cf_valid = 1;
				/* One application per person per call: say so now,
				 * not after the whole form (cf_detail: its protocol). */
				if (k->have_sel && catalog_applied(k->db, k->sel.call_id, k->cf_info.code, k->err.cf_detail,
								   sizeof(k->err.cf_detail)) == 0)
					k->err.cf = N_("You have already applied to this call: application %s. Each person can send only one application per call.");
			} else {
				k->err.cf = N_("This codice fiscale is not valid. Check each character against your health card (Tessera Sanitaria).");
			}
			str_wipe(err, sizeof(err));
		}
	} else if (!strcmp(id, "field:protocol") || !strcmp(id, "field:check_cf")) {
		/* The status screen's fields: its hook, even before the switch
		 * to it (a receipt scanned on home is typed this frame). */
		const struct screen *s = screen_find("status");
		if (s && s->field_changed)
			s->field_changed(k, id);
	} else if (!strcmp(id, "field:residence")) {
		k->c.residence[0] = 0;
		k->c.residence_name[0] = 0;
	} else if (!strncmp(id, "field:", 6)) {
		/* Typing into a field clears the error next to it. */
		const char **e = NULL;
		if (!strcmp(id, "field:given_name")) e = &k->err.given_name;
		else if (!strcmp(id, "field:family_name")) e = &k->err.family_name;
		else if (!strcmp(id, "field:phone")) e = &k->err.phone;
		else if (!strcmp(id, "field:email")) e = &k->err.email;
		else if (!strcmp(id, "field:age")) e = &k->err.age;
		else if (!strcmp(id, "field:pin")) e = &k->err.pin;
		if (e)
			*e = NULL;
	}
}

/* --- the column and the dialogs over every screen --------------------------- */

void kiosk_column(struct kiosk *k, int *x, int *w)
{
	struct ui *ui = &k->ui;
	/* The reading column widens with the text size: the same number of
	 * words per line where the screen allows. */
	int margin = ui_px(ui, 48), maxw = ui_px(ui, 1100 * (ui->text_scale > 1.0f ? ui->text_scale : 1.0f));
	int cw = ui->w - 2 * margin, side = osk_side_w(k), room = ui->w - side;
	if (cw > maxw)
		cw = maxw;
	/* A numeric pad beside the page (landscape): the column left of it. */
	if (side && cw > room - 2 * margin)
		cw = room - 2 * margin;
	*x = ((side ? room : ui->w) - cw) / 2;
	*w = cw;
}

/* Each language by its own name, as a citizen looks for it. */
static const struct { const char *code, *name; } lang_names[] = {
	{ "it", "Italiano" }, { "en", "English" }, { "fr", "Français" }, { "es", "Español" },
	{ "ro", "Română" }, { "uk", "Українська" }, { "ar", "العربية" },
};

const char *kiosk_lang_name(const char *code)
{
	for (size_t i = 0; i < ARRAY_SIZE(lang_names); i++)
		if (!strcmp(lang_names[i].code, code))
			return lang_names[i].name;
	return code;
}

/* Whether the configuration offers lang (the list is comma-separated). */
static int lang_offered(struct kiosk *k, const char *lang)
{
	const char *p = config_get(k->cfg, "languages");
	size_t n = strlen(lang);
	while (*p) {
		size_t len = strcspn(p, ", ");
		if (len == n && !strncmp(p, lang, n))
			return 1;
		p += len;
		p += strspn(p, ", ");
	}
	return 0;
}
/* The language chooser over the screen. */
static void language_chooser(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	int x, w, pad = ui_px(ui, 40), gap = ui_px(ui, 16), y, bh = ui_button_h(ui, 96), n = 0, cols, rows, first;
	struct ui_rect all = { 0, 0, ui->w, ui->h }, box;
	const char *codes[ARRAY_SIZE(lang_names)];

	for (size_t i = 0; i < ARRAY_SIZE(lang_names); i++)
		if (lang_offered(k, lang_names[i].code) && i18n_loaded(lang_names[i].code))
			codes[n++] = lang_names[i].code;
	kiosk_column(k, &x, &w);
	cols = ui->w > ui->h ? 2 : 1;
	rows = (n + cols - 1) / cols;
	/* Everything under the chooser is out of reach until it closes:
	 * taps land on it (it is drawn last), and so does the keypad. */
	first = ui->nwidgets;
	ui_draw_rect(ui, all, ui_color(ui, C_OVERLAY));
	if (ui_area(ui, "languages", UI_ROLE_DIALOG, _("Language"), all))
		k->lang_menu = 0;
	ui->widgets[ui->nwidgets - 1].focusable = 0;
	box.h = 2 * pad + ui_text_height(ui, _("Choose your language"), UI_FONT_BOLD, ui_font_px(ui, 48), w - 2 * pad) +
		ui_px(ui, 24) + rows * (bh + gap) + ui_px(ui, 16) + ui_button_h(ui, 96);
	box.x = x;
	box.w = w;
	box.y = (ui->h - box.h) / 2 > 0 ? (ui->h - box.h) / 2 : 0;
	ui_draw_rect(ui, box, ui_color(ui, C_SURFACE));
	y = box.y + pad;
	y += ui_label(ui, "languages-title", _("Choose your language"), (struct ui_rect){ x + pad, y, w - 2 * pad, 0 },
		      UI_FONT_BOLD, ui_font_px(ui, 48), C_TEXT) + ui_px(ui, 24);
	{
		int cw = (w - 2 * pad - (cols - 1) * gap) / cols;
		for (int i = 0; i < n; i++) {
			char id[16];
			struct ui_rect r = { x + pad + (i / rows) * (cw + gap), y + (i % rows) * (bh + gap), cw, bh };
			str_fmt(id, sizeof(id), "lang:%s", codes[i]);
			if (ui_button(ui, id, kiosk_lang_name(codes[i]), r,
				      !strcmp(codes[i], i18n_lang()) ? UI_CHOICE_ON : UI_CHOICE)) {
				/* At the end of the frame: this one was drawn (and its
				 * labels recorded) in the old language. */
				str_copy(k->lang_pending, sizeof(k->lang_pending), codes[i]);
				k->lang_menu = 0;
			}
		}
	}
	y += rows * (bh + gap) + ui_px(ui, 16);
	if (ui_button(ui, "languages-close", _("Close"), (struct ui_rect){ x + pad, y, w - 2 * pad, ui_button_h(ui, 96) },
		      UI_SECONDARY)) {
		k->lang_menu = 0;
		ui_focus(ui, "language");
	}
	for (int i = 0; i < first; i++)
		ui->widgets[i].focusable = 0;
	/* The keypad starts on the language in use. */
	if (strncmp(ui->focus, "lang:", 5) && strcmp(ui->focus, "languages-close")) {
		char id[16];
		str_fmt(id, sizeof(id), "lang:%s", i18n_lang());
		if (k->lang_menu)
			ui_focus(ui, id);
	}
	ui->animating = 1;
}

/* The idle countdown: "are you still there?" over the screen. */
static void idle_countdown(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	int x, w, pad = ui_px(ui, 40), y;
	int64_t left = (k->idle_deadline - ui->in.now_ms + 999) / 1000;
	char msg[200];
	struct ui_rect all = { 0, 0, ui->w, ui->h }, box;

	if (left < 0)
		left = 0;
	/* Heard as a countdown: what happens, when, and the key to press;
	 * again at 10 and 5 seconds. */
	if (left != k->idle_said_left && (left == IDLE_COUNTDOWN_MS / 1000 || left == 10 || left == 5)) {
		char said[300];
		k->idle_said_left = (int)left;
		str_fmt(said, sizeof(said), _("The session ends in %d seconds: press any key to continue."), (int)left);
		if (left == IDLE_COUNTDOWN_MS / 1000)
			say_sentence(k, _("Are you still there?"));
		say_sentence(k, said);
	}
	kiosk_column(k, &x, &w);
	/* A full-screen dialog: any touch on it means "still here". */
	ui_draw_rect(ui, all, ui_color(ui, C_OVERLAY));
	if (ui_area(ui, "idle", UI_ROLE_DIALOG, _("Are you still there?"), all))
		k->idle_dialog = 0;
	str_fmt(msg, sizeof(msg), _("For your privacy, this page will close in %d seconds and what you entered will be deleted."),
		 (int)left);
	box = (struct ui_rect){ x, ui->h / 4, w, 0 };
	y = box.y + pad;
	box.h = pad * 2 + ui_text_height(ui, _("Are you still there?"), UI_FONT_BOLD, ui_font_px(ui, 52), w - 2 * pad) +
		ui_text_height(ui, msg, UI_FONT_REGULAR, ui_font_px(ui, 34), w - 2 * pad) + ui_px(ui, 40) +
		ui_button_h(ui, 110);
	ui_draw_rect(ui, box, ui_color(ui, C_SURFACE));
	y += ui_label(ui, "idle-title", _("Are you still there?"), (struct ui_rect){ x + pad, y, w - 2 * pad, 0 },
		      UI_FONT_BOLD, ui_font_px(ui, 52), C_TEXT);
	y += ui_px(ui, 16);
	y += ui_label(ui, "idle-countdown", msg, (struct ui_rect){ x + pad, y, w - 2 * pad, 0 }, UI_FONT_REGULAR,
		      ui_font_px(ui, 34), C_TEXT);
	y += ui_px(ui, 24);
	if (ui_button(ui, "still-here", _("Yes, I'm still here"),
		      (struct ui_rect){ x + pad, y, w - 2 * pad, ui_button_h(ui, 110) }, UI_PRIMARY))
		k->idle_dialog = 0;
	ui->animating = 1;
}

/* --- the frame ----------------------------------------------------------- */

static int any_input(const struct ui_input *in)
{
	return in->pressed || in->released || in->down || in->key || in->text[0] || in->wheel;
}

/* Whether id was a control the keypad could reach last frame. */
static int reachable(const struct ui *ui, const char *id)
{
	for (int i = 0; i < ui->nfocus_order; i++)
		if (!strcmp(ui->focus_order[i], id))
			return 1;
	return 0;
}

/* Fields whose value is personal data: spelled only through headphones. */
static int personal_field(const char *id)
{
	static const char *const ids[] = { "field:given_name", "field:family_name", "field:cf", "field:phone",
					   "field:email", "field:check_cf", "field:pin" };
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		if (!strcmp(ids[i], id))
			return 1;
	return 0;
}

/* The spell key: the focused field's value (personal data only through
 * headphones), the receipt's protocol number, or the focused text. */
static void say_spelled(struct kiosk *k)
{
	char spelled[1200], plain[600];
	const struct ui_widget *w = ui_find(&k->ui, k->ui.focus);
	const char *value = w ? kiosk_field(k, w->id, NULL, NULL) : NULL, *what = NULL;
	if (value) {
		if (!value[0])
			what = NULL;
		else if (personal_field(w->id) && !k->speech_private)
			what = NULL, value = _("hidden");
		else
			what = value;
		if (!what) {
			say_sentence(k, value[0] ? value : _("empty"));
			return;
		}
	} else if (!strcmp(k->screen->id, "receipt") && k->app.protocol[0]) {
		what = k->app.protocol;
	} else if (w) {
		what = ui_strip_marks(w->text, plain, sizeof(plain));
	}
	if (what && what[0])
		say_sentence(k, speech_spell(what, _("dash"), spelled, sizeof(spelled)));
	str_wipe(spelled, sizeof(spelled));
}

/* The keys of a navigation keypad that are not focus moves: Help, the
 * volume, and Back (Escape, or BackSpace outside a text field). Returns
 * 1 when Back should press the screen's back button. */
static int keypad_keys(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct ui_input *in = &ui->in;
	int field = kiosk_field(k, ui->focus, NULL, NULL) != NULL, back = 0;
	char buf[120];

	switch (in->key) {
	case UI_KEY_HELP:
		/* Help says what the screen is for, and starts the voice
		 * guide for whoever needs it to hear that, in private mode:
		 * the keypad's Help sits by the headphone socket, so what is
		 * typed is read back and personal data spoken (issue 22). */
		if (k->speech_on) {
			k->speech_private = 1;
			kiosk_say_screen(k, 1);
		} else {
			kiosk_speech(k, 1, 1);
		}
		in->key = 0;
		break;
	case UI_KEY_VOLUME_UP:
	case UI_KEY_VOLUME_DOWN:
		k->speech_volume += in->key == UI_KEY_VOLUME_UP ? 10 : -10;
		if (k->speech_volume > 100)
			k->speech_volume = 100;
		if (k->speech_volume < 10)
			k->speech_volume = 10;
		speech_set_volume(k->speech, k->speech_volume);
		str_fmt(buf, sizeof(buf), _("Volume %d%%"), k->speech_volume);
		say_sentence(k, buf);
		in->key = 0;
		break;
	case UI_KEY_REPEAT:
		/* The last thing said, again (marks and all). */
		if (k->speech_on && k->last_said[0])
			kiosk_say(k, k->last_said);
		in->key = 0;
		break;
	case UI_KEY_SPELL:
		if (k->speech_on)
			say_spelled(k);
		in->key = 0;
		break;
	case UI_KEY_BLANK:
		/* Private audio mode: the screen can go dark on request, so
		 * that nobody passing by reads what is typed (issue 22). */
		if (k->speech_on && k->speech_private) {
			k->screen_blank = !k->screen_blank;
			say_sentence(k, k->screen_blank ? _("Screen off: nobody passing by can see what you enter. "
							    "Press the same key to turn it on again.")
				     : _("Screen on."));
		} else if (k->speech_on) {
			say_sentence(k, _("The screen can be turned off only with headphones."));
		}
		in->key = 0;
		break;
	case UI_KEY_READING:
		/* The chrome's "Aa" from the keypad: it is no stop while the
		 * voice guide is on (a press at every pass), so it has a key
		 * of its own, said by Help. Again: closed, the focus back
		 * where it was. */
		if (k->lang_menu == 2) {
			k->lang_menu = 0;
			ui_focus(ui, k->reading_from);
		} else if (!k->lang_menu) {
			str_copy(k->reading_from, sizeof(k->reading_from), ui->focus);
			k->lang_menu = 2;
		}
		in->key = 0;
		break;
	case UI_KEY_BACKSPACE:
		if (field)
			break;
		/* Back */
		__attribute__((fallthrough));
	case UI_KEY_ESCAPE:
		/* Back, one step at a time; never out of the kiosk. */
		if (k->lang_menu) {
			ui_focus(ui, k->lang_menu == 2 ? (k->reading_from[0] ? k->reading_from : "reading") : "language");
			k->lang_menu = 0;
		} else if (field && osk_up(k)) {
			k->keyboard_hidden = 1;
			kiosk_say(k, _("Keyboard hidden."));
		} else {
			back = 1;
		}
		in->key = 0;
		break;
	default:
		break;
	}
	return back;
}

/* A scanner that sends no Enter after the code: its characters come
 * within a few ms of each other, a person's keystrokes do not. */
enum { SCAN_QUIET_MS = 100 };

/* Has the form of a codice fiscale: 16 letters and digits. */
static int cf_shaped(const char *s)
{
	size_t n = 0;
	for (; *s; s++, n++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return 0;
	return n == CF_LEN;
}

/* The session's clock, each frame: a touch, a key or a Send under way
 * keeps it; the idle countdown starts, answers and wipes; home quietly
 * goes back to the default settings; while stopping only the receipt
 * takes input. */
static void frame_idle(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct ui_input *in = &ui->in;
	int64_t idle_ms = config_int(k->cfg, "idle_seconds") * 1000;

	/* A Send under way (it may wait up to 60 s for the database's
	 * write lock) is the kiosk keeping the citizen waiting: no
	 * countdown, no wipe of the session whose receipt is coming. */
	if (any_input(in) || k->sending)
		k->last_input_ms = in->now_ms;
	/* Stopping (kiosk_stop_due): no second Send, no new session; on
	 * the receipt a touch may still print it or end it (Done). */
	if (k->stopping && strcmp(k->screen->id, "receipt")) {
		int64_t now = in->now_ms;
		memset(in, 0, sizeof(*in));
		in->now_ms = now;
	}
	/* A key answers "are you still there?" as a touch does. */
	if (k->idle_dialog && in->key && in->now_ms < k->idle_deadline) {
		k->idle_dialog = 0;
		in->key = 0;
	}
	if (!k->idle_dialog && strcmp(k->screen->id, "home") && strcmp(k->screen->id, "setup") && idle_ms > 0 &&
	    in->now_ms - k->last_input_ms >= idle_ms) {
		k->idle_dialog = 1;
		k->idle_deadline = in->now_ms + IDLE_COUNTDOWN_MS;
		k->idle_said_left = -1;
	}
	/* Home holds nothing personal, but the next citizen should find the
	 * default language and reading settings: reset them quietly. */
	if (!strcmp(k->screen->id, "home") && idle_ms > 0 && in->now_ms - k->last_input_ms >= idle_ms &&
	    (ui->text_scale != 1.0f || ui->theme != &ui_theme_normal || strcmp(i18n_lang(), k->default_lang) ||
	     k->speech_on || k->lang_menu)) {
		ui->text_scale = 1.0f;
		ui->theme = &ui_theme_normal;
		k->lang_menu = 0;
		k->help_hinted = 0;
		kiosk_speech(k, 0, 0);
		kiosk_set_lang(k, k->default_lang);
	}
	if (k->idle_dialog && in->now_ms >= k->idle_deadline) {
		int64_t now = in->now_ms;
		kiosk_reset(k);
		memset(in, 0, sizeof(*in));
		in->now_ms = k->last_input_ms = now;
	}
}

/* Typing with no field focused: on the list it searches, on "check my
 * application" and home it fills the protocol, on a screen that takes a
 * scan it gathers a health card's code (with or without the scanner's
 * Enter). Not during the idle countdown. */
static void frame_scan(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct ui_input *in = &ui->in;

	/* On the list, typing with nothing focused searches; on "check my
	 * application" it fills the protocol (a receipt held to the scanner). */
	if (!ui->focus[0] && in->text[0] && !strcmp(k->screen->id, "browse"))
		ui_focus(ui, "search");
	if (!ui->focus[0] && in->text[0] && !strcmp(k->screen->id, "status"))
		ui_focus(ui, "field:protocol");
	/* Home has nothing to type into: a receipt held to the scanner
	 * there opens "check my application" with what it typed. */
	if (!ui->focus[0] && in->text[0] && !strcmp(k->screen->id, "home")) {
		ui_focus(ui, "field:protocol");
		kiosk_go(k, "status");
	}
	/* On a screen that takes a scan ("Can you apply?": a health card
	 * held to the scanner, typing with no field focused, is the first
	 * step of the application). */
	if (!kiosk_field(k, ui->focus, NULL, NULL) && in->text[0] && k->screen->scanned) {
		/* A scanner types a character at a time, then Enter: gather
		 * them (a pause of half a second starts afresh). */
		size_t n;
		if (in->now_ms - k->card_scan_ms > 500)
			str_wipe(k->c.card_scan, sizeof(k->c.card_scan));
		n = strlen(k->c.card_scan);
		str_fmt(k->c.card_scan + n, sizeof(k->c.card_scan) - n, "%s", in->text);
		k->card_scan_ms = in->now_ms;
		str_wipe(in->text, sizeof(in->text));
	}
	if (in->key == UI_KEY_ENTER && k->c.card_scan[0] && k->screen->scanned) {
		k->screen->scanned(k, k->c.card_scan);
		str_wipe(k->c.card_scan, sizeof(k->c.card_scan));
		in->key = 0;
	} else if (k->c.card_scan[0] && k->screen->scanned) {
		/* A scanner set to send no Enter: the code is taken after a
		 * quiet gap (SCAN_QUIET_MS with no keystroke) when it has the
		 * form of a codice fiscale; until then frames keep coming. */
		if (in->now_ms - k->card_scan_ms >= SCAN_QUIET_MS && cf_shaped(k->c.card_scan)) {
			k->screen->scanned(k, k->c.card_scan);
			str_wipe(k->c.card_scan, sizeof(k->c.card_scan));
		} else if (in->now_ms - k->card_scan_ms < 500) {
			ui->animating = 1;
		}
	}
}

/* Typing goes to the focused field, whatever sent it (the on-screen
 * keyboard, a keyboard, the keypad's letters, a scanner): read back
 * through headphones; Enter moves to the next field. */
static void frame_typing(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct ui_input *in = &ui->in;

	if (in->text[0] && osk_multitap(k, in->text)) {
		;
	} else if (in->text[0]) {
		char spelled[300];
		kiosk_type(k, in->text);
		/* Through headphones what is typed is read back, a key at
		 * a time (not a scanner's burst): "7" from "70". */
		if (k->speech_on && k->speech_private && strlen(in->text) <= 4)
			kiosk_say(k, speech_spell(in->text, _("dash"), spelled, sizeof(spelled)));
	}
	if (in->key == UI_KEY_BACKSPACE)
		kiosk_backspace(k);
	/* Enter (and a scanner's CR) moves on, unless typing has
	 * finished the job and released the focus (check my application). */
	if (in->key == UI_KEY_ENTER) {
		in->key = !ui->focus[0] ? 0 : ui_focus_next_field(ui) ? UI_KEY_TAB : 0;
		/* What the health card filled is passed by. */
		if (!in->key && osk_card_filled(k, ui->focus))
			ui_focus_next_field(ui);
	}
	if (in->key == UI_KEY_SPACE)
		in->key = 0;
}

/* Leaves the screen for k->next: the new screen starts with nothing
 * focused, scrolled to the top, its keyboard up, announced. */
static void switch_screen(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct ui_input *in = &ui->in;
	const struct screen *n = k->next;
	k->next = NULL;
	if (k->screen->leave)
		k->screen->leave(k);
	k->screen = n;
	k->screen_since = in->now_ms;
	memset(&k->scroll, 0, sizeof(k->scroll));
	ui->focus[0] = 0;
	ui->reveal[0] = 0;
	k->keyboard_hidden = 0;
	k->osk_sel = -1;
	k->show_data = 0;
	k->count_said[0] = 0;
	k->ineligible_said = 0;
	if (n->enter)
		n->enter(k);
	ui_announce(ui, UI_ANNOUNCE_SCREEN, n->id);
	ui->animating = 1;
}

/* What the frame says: a control tapped (in the next frame, with the
 * state the tap gave it), then this frame's one utterance. */
static void frame_speech(struct kiosk *k, int switched)
{
	struct ui *ui = &k->ui;

	/* Explore by touch: a control tapped is said with the state the
	 * tap gave it, in the next frame (keys echo themselves; a field
	 * tapped has the focus and is said as such). */
	if (k->speech_on && k->tapped_say[0]) {
		const struct ui_widget *w = ui_find(ui, k->tapped_say);
		/* What the tap caused (an error, a message) comes first. */
		if (w && !switched && !k->say[0])
			say_widget(k, w, w->label);
		k->tapped_say[0] = 0;
	}
	if (k->speech_on && ui->tapped[0] && strcmp(ui->tapped, ui->focus) && strcmp(ui->tapped, "speech") &&
	    strncmp(ui->tapped, "key:", 4) && !switched && !k->say[0])
		str_copy(k->tapped_say, sizeof(k->tapped_say), ui->tapped);
	if (k->say[0]) {
		/* One utterance per frame: it cuts the previous one short. */
		say_out(k, k->say);
		str_copy(k->spoken[k->nspoken++ % (int)ARRAY_SIZE(k->spoken)], sizeof(k->spoken[0]), k->say);
		str_copy(k->last_said, sizeof(k->last_said), k->say);
		str_wipe(k->say, sizeof(k->say));
	}
}

void kiosk_frame(struct kiosk *k)
{
	struct ui *ui = &k->ui;
	struct ui_input *in = &ui->in;
	int64_t t0 = now_ms();
	int back = 0, switched = 0;

	frame_idle(k);
	if (!k->idle_dialog)
		frame_scan(k);
	/* The navigation keypad: in the on-screen keyboard, then Help,
	 * volume and Back. */
	if (!k->idle_dialog && !k->lang_menu && osk_keypad(k))
		in->key = 0;
	if (!k->idle_dialog)
		back = keypad_keys(k);
	/* Whoever presses a key or touches home without the voice guide
	 * hears, once, how to start it. */
	if (!k->idle_dialog && !strcmp(k->screen->id, "home")) {
		/* A touch is judged after its tap has run: a tap on the voice
		 * guide's own button needs no hint. */
		if (in->key)
			kiosk_help_hint(k);
		else if (k->hint_touch && !in->pressed && !in->released && !in->down) {
			k->hint_touch = 0;
			kiosk_help_hint(k);
		}
		if (in->pressed)
			k->hint_touch = 1;
	}
	if (!k->idle_dialog && !k->lang_menu && kiosk_field(k, ui->focus, NULL, NULL))
		frame_typing(k);
	/* With the voice guide on, the keypad reaches text too. */
	ui->focus_text = k->speech_on;
	ui_frame_begin(ui);
	/* Back presses the screen's own back button, as a tap would. */
	if (back && reachable(ui, "back"))
		str_copy(ui->activate, sizeof(ui->activate), "back");
	/* Tapping the focused field brings back a keyboard put away. */
	if (ui->tapped[0] && !strcmp(ui->tapped, ui->focus) && kiosk_field(k, ui->focus, NULL, NULL))
		k->keyboard_hidden = 0;
	k->osk_nkeys = 0;
	k->screen->frame(k);
	if (!k->idle_dialog && !k->lang_menu)
		osk_frame(k);
	k->osk_press = 0;
	if (k->lang_menu == 2 && !k->idle_dialog)
		kiosk_reading_help(k);
	else if (k->lang_menu && !k->idle_dialog)
		language_chooser(k);
	if (k->idle_dialog)
		idle_countdown(k);
	ui_frame_end(ui);

	if (k->next) {
		switch_screen(k);
		switched = 1;
	}
	if (k->lang_pending[0]) {
		kiosk_set_lang(k, k->lang_pending);
		k->lang_pending[0] = 0;
		ui_focus(ui, "language");
	}
	frame_speech(k, switched);
	if (k->sync && in->now_ms - k->health_ms >= 1000) {
		struct printer_status ps = { .key = "none" };
		if (k->printer)
			printer_get_status(k->printer, &ps);
		k->health_ms = in->now_ms;
		sync_set_health(k->sync, ps.key ? ps.key : "none", (int)k->frame_ms_last);
	}
	k->frame_ms_last = now_ms() - t0;
}
