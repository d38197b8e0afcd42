/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The screens' functions (one file per group of screens) and the small
 * layout helpers they share. The table that names them is in screens.c;
 * the kiosk core reaches screens only through that table.
 */
#ifndef DOTE_KIOSK_SCREENS_H
#define DOTE_KIOSK_SCREENS_H
#include "kiosk/chrome.h"
#include "kiosk/kiosk.h"

void home_frame(struct kiosk *k);
void browse_enter(struct kiosk *k);
void browse_frame(struct kiosk *k);
void detail_enter(struct kiosk *k);
void detail_frame(struct kiosk *k);
void eligibility_frame(struct kiosk *k);
/* The health card's barcode scanned on "Can you apply?" (text: what
 * the scanner typed): a valid codice fiscale fills the form's codice
 * fiscale and the age, and the age question is dropped; anything else
 * is refused with a message (error:card). */
void eligibility_card(struct kiosk *k, const char *text);
void form_enter(struct kiosk *k);
void form_frame(struct kiosk *k);
void privacy_enter(struct kiosk *k);
void privacy_frame(struct kiosk *k);
void review_frame(struct kiosk *k);
void receipt_frame(struct kiosk *k);
void receipt_leave(struct kiosk *k);
void status_frame(struct kiosk *k);
/* The protocol or codice fiscale field of "check my application" changed
 * (screens_admin.c): a complete, genuine receipt typed into the protocol
 * field becomes its protocol number. */
void status_field_changed(struct kiosk *k, const char *id);
/* Leaving "check my application": forgets the certificate it found. */
void status_leave(struct kiosk *k);
void pin_frame(struct kiosk *k);
void admin_frame(struct kiosk *k);
void setup_frame(struct kiosk *k);
/* Attendance of trainees (screens_attendance.c). */
void attendance_enter(struct kiosk *k);
void attendance_frame(struct kiosk *k);
void attendance_leave(struct kiosk *k);

/* A vertical layout cursor inside a screen's panel. */
struct flow {
	int x, y, w;
};
/* Opens the screen's scroll panel under the header; returns the flow. */
struct flow screen_begin(struct kiosk *k, const char *title, int footer);
void screen_end(struct kiosk *k, struct flow *f);
/* Heading (role heading) and paragraphs, advancing the flow. */
void flow_heading(struct kiosk *k, struct flow *f, const char *id, const char *text);
void flow_text(struct kiosk *k, struct flow *f, const char *id, const char *text, int font,
	       float size, enum ui_color color);
void flow_gap(struct kiosk *k, struct flow *f, float units);
/* Portrait: what follows (the controls) is moved down to end near the
 * bottom of the page, within reach from a wheelchair, when the page is
 * shorter than the screen; the room goes here. Nothing in landscape or
 * while the keyboard is up. */
void flow_reach(struct kiosk *k, struct flow *f);
/* The same room in parts (num/den of it here, the rest at further calls
 * adding up to 1): a page whose words sit between its heading and its
 * controls has them in the middle, not one empty band. */
void flow_reach_part(struct kiosk *k, struct flow *f, int num, int den);
/* Portrait: where the citizen is in the application (step 1 to 4 of
 * eligibility, form, privacy, review) and the placement it is for, in
 * the room at the top the controls left when they moved low. Nothing in
 * landscape. */
void flow_steps(struct kiosk *k, struct flow *f, int step);
/* A row of choice buttons (radio group) from a vocabulary; returns the
 * index tapped or -1. ids are prefix:key. */
int flow_choices(struct kiosk *k, struct flow *f, const char *prefix, const char *const *keys,
		 const char *const *labels, int n, const char *selected);
/* A translated label for a vocabulary key (model.h), English msgid. */
const char *vocab_label(const struct vocab *v, size_t n, const char *key);
/* Errors are kept as msgids and translated when drawn, so a language
 * switch translates them too; NULL stays NULL. */
const char *tr(const char *msgid);
/* Width of the widest word of text (a codice fiscale must not be cut
 * across lines: a name/value row stacks when it would be). */
int widest_word(struct ui *ui, const char *text, int font, int px);
/* The control that shows or masks personal data (review, status);
 * returns its height. */
int show_data_button(struct kiosk *k, int x, int y, int w);
/* 'YYYY-MM-DD' as '31/12/2026'. */
void date_it(const char *iso, char *buf, size_t size);
#endif
