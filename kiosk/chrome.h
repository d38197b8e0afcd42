/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The chrome every screen shares: the header (the comune's name, the
 * voice guide and language controls, the hidden admin gesture), the
 * body between it and the footer, the portrait bar with the controls,
 * and the footer's two buttons. Screens include this; the kiosk core
 * (kiosk.h) does not, so screens depend on the core and not the other
 * way round.
 */
#ifndef DOTE_KIOSK_CHROME_H
#define DOTE_KIOSK_CHROME_H
#include "kiosk/kiosk.h"

/* Draws the header; returns its height (the body starts there). */
int chrome_header(struct kiosk *k, const char *title);
/* The content rect between the header and the footer/keyboard (and, in
 * portrait, the bar with the voice guide and language controls). */
struct ui_rect chrome_body(struct kiosk *k, int top, int footer_h);
/* Draws that bar, once, after the page (screen_end and chrome_footer
 * call it). */
void chrome_bar(struct kiosk *k);
/* Footer with back (may be NULL) and next (may be NULL) buttons; returns
 * 1 back, 2 next, 0 none. */
int chrome_footer(struct kiosk *k, const char *back_label, const char *next_id, const char *next_label,
		  int next_enabled);
/* The same with another id than "back" for the left button (the
 * receipt's Print, which must never slide under the footer). */
int chrome_footer_ids(struct kiosk *k, const char *back_id, const char *back_label, const char *next_id,
		      const char *next_label, int next_enabled);
int chrome_footer_height(struct kiosk *k);
#endif
