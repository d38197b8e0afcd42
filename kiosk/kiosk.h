/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The kiosk application: its state (one struct kiosk), the table of
 * screens {id, enter, frame, leave}, the citizen's form data (wiped on
 * idle reset), the editable fields, the voice guide, the dialogs over
 * every screen (idle countdown, language chooser) and the on-screen
 * keyboard (osk.c). The header and footer the screens share are in
 * chrome.h. kiosk/platform.c feeds it input and draws what it
 * emits; it never touches SDL. Start reading at kiosk_frame().
 */
#ifndef DOTE_KIOSK_KIOSK_H
#define DOTE_KIOSK_KIOSK_H
#include <sqlite3.h>
#include <stdint.h>

#include "core/application.h"
#include "core/cf.h"
#include "core/config.h"
#include "core/eligibility.h"
#include "core/identity.h"
#include "core/qr.h"
#include "core/receipt.h"
#include "kiosk/catalog.h"
#include "kiosk/ui.h"

struct kiosk;

struct screen {
	const char *id;
	void (*enter)(struct kiosk *k);
	void (*frame)(struct kiosk *k);
	void (*leave)(struct kiosk *k);
	/* A field the screen owns changed (kiosk_field_changed() calls the
	 * status screen's for its protocol and codice fiscale; may be NULL). */
	void (*field_changed)(struct kiosk *k, const char *id);
	/* A barcode scanned on this screen (a health card on eligibility:
	 * kiosk.c gathers the scanner's characters up to Enter; may be NULL). */
	void (*scanned)(struct kiosk *k, const char *text);
};

/* What the voice guide says in one frame, at most (a privacy notice and
 * more: speech.c splits it into sentences). */
enum { KIOSK_SAY_MAX = 8192 };

enum field_kind { FIELD_TEXT, FIELD_UPPER, FIELD_NUMBER, FIELD_PHONE, FIELD_EMAIL, FIELD_PIN };

/* Everything the citizen entered: wiped (str_wipe) on idle reset. */
struct citizen {
	/* eligibility */
	char age_text[4];
	char residence[7];		/* ISTAT */
	char residence_name[64];
	char residence_query[64];
	int other_placement;		/* -1 unanswered, 0 no, 1 yes */
	int card;			/* the health card was scanned on eligibility */
	char card_scan[48];		/* what the scanner has typed there so far */
	char status[20];
	/* form */
	char given_name[NAME_MAX_LEN + 1];
	char family_name[NAME_MAX_LEN + 1];
	char cf[CF_LEN + 1];
	char phone[PHONE_MAX_LEN + 1];
	char email[EMAIL_MAX_LEN + 1];
	char education[20];
	int consent;
	/* status check: the protocol field also takes a whole receipt URL
	 * (or token) typed by a 2D barcode scanner reading the receipt QR */
	char check_protocol[RECEIPT_URL_MAX];
	char check_cf[CF_LEN + 1];
	int check_scanned;		/* the protocol came from a verified receipt */
	int64_t check_scanned_ms;	/* when (the focus moves on shortly after) */
	char pin[9];
	char att_cf[40];	/* attendance: the card or personal QR scanned (screens_attendance.c) */
};

/* Error messages shown next to fields (already translated msgids). */
struct form_errors {
	const char *age, *residence, *other, *status, *card;
	const char *given_name, *family_name, *cf, *phone, *email, *education, *consent;
	const char *submit, *check, *pin, *protocol;
	char cf_detail[160];		/* cf: the protocol of the application there is */
};

struct kiosk {
	struct config *cfg;
	sqlite3 *db;
	char db_path[512];
	struct ui ui;
	struct sync *sync;
	struct printer *printer;
	struct kiosk_identity identity;
	int have_identity;
	char comune[7];
	char comune_name[96];
	char province[3];
	char today[11];
	char default_lang[8];		/* first of `languages` */

	const struct screen *screen;
	const struct screen *next;	/* switch at the end of the frame */
	int64_t screen_since;
	int64_t last_input_ms;
	int idle_dialog;		/* the countdown is showing */
	int64_t idle_deadline;
	int quit;
	int admin_taps;
	int64_t admin_first_tap;
	int keyboard_shift;		/* on-screen keyboard: 1 shift once, 2 caps */
	int keyboard_hidden;

	struct citizen c;
	struct form_errors err;
	struct cf_info cf_info;
	int cf_valid;

	/* browse */
	char query[64];
	char last_query[64];
	char area[20];
	int months;
	int province_wide;
	char filter_comune[7];
	int64_t other_than_call;	/* "see other placements" after a refusal */
	char other_than_title[160];	/* that call's title */
	struct catalog_list list;
	int list_dirty;
	struct ui_scroll list_scroll;
	struct ui_scroll filter_scroll;	/* portrait: the filters above the dock */
	struct search *search;		/* the search worker (NULL: search in the frame) */
	struct send *send;		/* the send worker (NULL: send in the frame) */
	int sending;			/* review: an application is being saved */
	int64_t sending_since;		/* since when (ms) */
	int sending_said;		/* its "Saving…" note has been spoken */
	int stopping;			/* a stop was asked for (kiosk_stop_due) */
	int64_t stop_receipt_until;	/* then: now_ms() the receipt stays until (0: not shown yet) */
	int searching_said;		/* the search under way's "Searching…" has been spoken */
	int hold_background;		/* scripted: a worker held on purpose (lock-db, hold-search):
					 * frames do not wait for it (kiosk_background_wait) */
	unsigned search_gen;		/* the last search posted */
	unsigned search_more_gen;	/* a next page posted for that search */
	int search_pending;		/* its first page has not come yet */
	int64_t search_posted_ms, search_posted_us;
	int64_t search_us;		/* last search time (bench, admin) */
	float search_ms[1024];		/* recent search times (bench) */
	int nsearch;

	/* detail / the chosen placement */
	struct placement_detail sel;
	int have_sel;
	struct eligibility_result elig;
	int elig_checked;

	/* submit / receipt */
	struct application app;
	char token[RECEIPT_TOKEN_MAX];
	struct receipt_doc doc;
	struct qr_code qr;
	struct qr_code privacy_qr;
	int printed;

	/* check my application */
	char check_status[20];
	char check_placement[160];
	char check_notice[1600];	/* what the status means: the hub's sentence, or the interview's date and place */
	char check_label[128];		/* the stage in words, when the hub said it ('' : the status's) */
	int check_done;

	struct ui_scroll scroll;	/* the current screen's panel */
	int bar_pending, bar_y;		/* portrait controls' bar (chrome_body) */
	int header_bare;		/* this frame's compact header has no buttons' row */
	int reach_gap[16];		/* per screen: room left at the bottom (flow_reach) */
	int reach_used;			/* this frame's screen placed a flow_reach */
	int64_t frame_ms_last;
	int64_t health_ms;
	int wipe_caches;		/* the platform clears its text caches */
	/* The last announcements (screen, focus, error) for a speech
	 * engine; tests read them too. */
	char announced[16][200];
	int nannounced;
	int pin_failures;
	int64_t pin_locked_until;
	int show_filters;
	int osk_symbols;
	int admin_confirm_quit;
	const char *admin_message;

	/* Voice guide (kiosk/speech.h): on for the session, started from the
	 * header's `speech` control, the Help key or headphones plugged in.
	 * What is said in a frame is collected in `say` and handed to the
	 * engine at the end of the frame; `spoken` keeps the last utterances
	 * for tests (expect-speech). */
	struct speech *speech;
	int speech_on;
	int speech_private;		/* started by headphones: values may be read */
	int screen_blank;		/* private mode only: the screen shows nothing */
	int speech_volume;
	char say[KIOSK_SAY_MAX];	/* with language marks (ui.h UI_LANG_MARK) */
	char spoken[8][KIOSK_SAY_MAX];	/* as said, marks kept */
	int nspoken;
	char last_said[KIOSK_SAY_MAX];	/* for the repeat key */
	char count_said[128];		/* browse: the search and count last said */
	int ineligible_said;		/* eligibility: the refusal was said */
	int idle_said_left;		/* idle countdown: seconds last said */
	int say_polite;			/* this frame's words wait for the last ones */
	char tapped_say[48];		/* a control tapped, said next frame */
	int focus_polite;		/* the next focus said waits for the screen's words */
	/* Navigation keypad in the on-screen keyboard: the key selected
	 * (index in drawing order, -1 none) and a press of it this frame. */
	int osk_sel;
	int osk_press;
	int osk_nkeys;			/* keys drawn so far this frame */
	int64_t card_scan_ms;		/* when the scanner last typed on eligibility */
	int help_hinted;		/* the Help hint said this session */
	int keys_hinted;		/* through the speakers: how to hear the keys, said */
	int hint_touch;			/* home touched: the hint after the tap */
	int osk_abc;			/* letters in alphabetical order (keypad) */
	int osk_enter;			/* keypad's Next: stay in the next keyboard */
	/* Letters from the keypad's digits (osk_multitap): the key last
	 * pressed, when, in which field, the letter it gave and its place
	 * in the key's cycle, and whether it is a capital. */
	char tap_key;
	int tap_n, tap_upper;
	int64_t tap_ms;
	char tap_field[48];
	char tap_letter[8];
	int lang_menu;			/* a chrome dialog is open: 1 the language
					 * chooser, 2 text size and contrast */
	char reading_from[48];		/* the focus before the keypad's Aa key opened its dialog */
	char lang_pending[8];		/* chosen there, switched at the end of the frame */
	int show_data;			/* personal data shown unmasked */
};

extern const struct screen kiosk_screens[];
extern const int kiosk_nscreens;

/* Sets up state after cfg, db and ui are ready. Returns 0 or -1. */
int kiosk_init(struct kiosk *k);
void kiosk_release(struct kiosk *k);
/* Stops the search and send workers (a Send under way finishes its
 * commit and receipt first); the frames then search and send in place. */
void kiosk_workers_stop(struct kiosk *k);
/* How long a receipt stays on screen after a stop (SIGTERM) asked for
 * during its Send: with the Send's 60 s wait for the write lock, well
 * within the image unit's TimeoutStopSec=90s. */
#define KIOSK_STOP_RECEIPT_MS 15000
/* The event loop's question, every turn once a stop has been asked for:
 * 1 when it may end now. With no Send under way at the first call, 1 at
 * once. Else 0 while the Send runs and, when it stored the application,
 * while its receipt is on screen: KIOSK_STOP_RECEIPT_MS from its first
 * frame, or until the citizen leaves it (Done). Meanwhile input starts
 * nothing new: kiosk_frame drops it on any screen but the receipt. */
int kiosk_stop_due(struct kiosk *k);
/* Waits, at most ms milliseconds, for what runs beside the frames (a
 * search, a Send) to finish, so the scripted mode sees its result. 0, or -1 on
 * timeout. At once while hold_background is set. */
int kiosk_background_wait(struct kiosk *k, int ms);
/* One frame: input is in k->ui.in. */
void kiosk_frame(struct kiosk *k);
/* Switches screen at the end of this frame. */
void kiosk_go(struct kiosk *k, const char *id);
/* Back to home, wiping everything the citizen entered. */
void kiosk_reset(struct kiosk *k);
/* Browse's filters back to none (the search text stays). */
void kiosk_filters_clear(struct kiosk *k);
/* Language switch ('it', 'en', ... 'ar'), keeping the form; Arabic
 * mirrors the layout. */
void kiosk_set_lang(struct kiosk *k, const char *lang);
/* The end of an application (Done on the receipt): what the citizen
 * entered is wiped and the kiosk goes home, but the reading settings
 * (text size, contrast, voice guide, language) stay with the person
 * until idle or "I'm done" (kiosk_reset). */
void kiosk_application_done(struct kiosk *k);
/* On home with the voice guide off: "Press Help for the voice guide",
 * once per session, through the speakers. */
void kiosk_help_hint(struct kiosk *k);
/* Voice guide on or off for this session (private: through headphones). */
void kiosk_speech(struct kiosk *k, int on, int private_);
/* Adds a sentence to what the voice guide says at the end of this frame. */
void kiosk_say(struct kiosk *k, const char *text);
/* The same, as a sentence: a full stop added when text ends without a
 * sign, and not said twice in one utterance. */
void kiosk_say_sentence(struct kiosk *k, const char *text);
/* A sentence that waits for what is being said instead of cutting it
 * (a live region's "polite": the result count after the letter typed),
 * unless something else is said in the same frame. */
void kiosk_say_polite(struct kiosk *k, const char *text);
/* Says what the current screen is for (Help key, voice guide started). */
void kiosk_say_screen(struct kiosk *k, int with_help);
/* Headphones (an audio output device) were plugged in. */
void kiosk_headphones(struct kiosk *k);
/* The base URL receipt QR codes point to: receipt_url, else hub_url;
 * '' when neither is set (an offline kiosk: receipts without QR code). */
const char *kiosk_receipt_base(struct kiosk *k);
/* Counts an anonymous usage event (session, view, form, submit). */
void kiosk_count(struct kiosk *k, const char *event);
/* The buffer, size and kind behind an editable field id; NULL if none. */
char *kiosk_field(struct kiosk *k, const char *id, size_t *size, enum field_kind *kind);
/* Types UTF-8 text into the focused field (filtered by its kind). */
void kiosk_type(struct kiosk *k, const char *text);
void kiosk_backspace(struct kiosk *k);
/* Live checks after a field changed (codice fiscale, search). */
void kiosk_field_changed(struct kiosk *k, const char *id);

/* The text size buttons (100% to 200%) and high contrast at (x, y)
 * over width w, as home shows them and the chrome's "Aa" dialog; the
 * choice is said by the voice guide. Returns the height used (chrome.c). */
int kiosk_reading_controls(struct kiosk *k, int x, int y, int w);
/* The "Aa" dialog over any screen (lang_menu == 2): text size and
 * contrast, and Close (chrome.c). */
void kiosk_reading_help(struct kiosk *k);
/* Content column: x and width for the body, capped for wide screens. */
void kiosk_column(struct kiosk *k, int *x, int *w);
/* A language by its own name ("Italiano"), as a citizen looks for it. */
const char *kiosk_lang_name(const char *code);
/* The on-screen keyboard (osk.c): drawn when a field has focus; returns
 * the height it takes at the bottom (0 when hidden). */
int osk_height(struct kiosk *k);
/* In landscape a numeric pad sits beside the page, bottom right: the
 * width it takes there (the page's column moves left of it, and
 * osk_height() is 0); 0 when the keyboard is a band or hidden. */
int osk_side_w(struct kiosk *k);
/* Whether a keyboard is up, as a band or beside the page. */
int osk_up(struct kiosk *k);
void osk_frame(struct kiosk *k);
/* Draws the keyboard of field id (a search or form field) with Shift
 * in state shift into this frame, leaving the keyboard's and the
 * focus's state as they were: the platform's warm-up of the keyboards'
 * pictures. */
void osk_warm(struct kiosk *k, const char *id, int shift);
/* Navigation keypad in the keyboard: takes the arrow, Enter and Back
 * keys of this frame's input when they act on the keyboard (Down from a
 * field enters it); returns 1 when it took the key. */
int osk_keypad(struct kiosk *k);
/* Letters from a keypad's digits, as on a phone (2 abc ... 9 wxyz, 0
 * space, 1 apostrophe and hyphen): the same key again within
 * OSK_TAP_MS gives its next letter in place of the last. Taken in the
 * names, the comune of residence, the codice fiscale where a letter is
 * due and the search with the voice guide on; returns 1 when `text`
 * (one digit) was taken as a letter, 0 when it is to be typed as it is. */
#define OSK_TAP_MS 1000
/* A field the health card filled (the codice fiscale read on
 * eligibility, valid): Enter and the keyboard's Next pass it by (the
 * arrows still stop on it, to hear it). */
int osk_card_filled(const struct kiosk *k, const char *id);
int osk_multitap(struct kiosk *k, const char *text);
/* Personal data for a shared screen: masked unless the citizen chose to
 * show it (kiosk/mask.c). kind: 'c' codice fiscale, 'p' phone, 'e' e-mail. */
const char *kiosk_mask(struct kiosk *k, char kind, const char *value, char *buf, size_t size);
char *mask_personal(char kind, const char *value, char *buf, size_t size);
#endif
