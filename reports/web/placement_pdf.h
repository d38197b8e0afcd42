/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The documents of a running placement as PDF (reports/web/pdf.h): the
 * individual training project (progetto formativo) from one standard
 * template, with the QR code of its signed token that `/r/` and `dote
 * receipt verify` check, and the personal QR for the kiosk's attendance
 * (on the progetto and on a card of its own). Start at progetto_pdf().
 */
#ifndef DOTE_REPORTS_PLACEMENT_PDF_H
#define DOTE_REPORTS_PLACEMENT_PDF_H
#include <stddef.h>

struct traineeship_doc;

/* The progetto formativo of d, its QR encoding url (the receipt URL of
 * the document's token; '' prints no QR). On success *pdf (malloc'd,
 * free()) and *len. 0 or -1. */
int progetto_pdf(const struct traineeship_doc *d, const char *url, char **pdf, size_t *len);
/* The certificate of attendance and competences of a completed
 * placement (d's end and evaluation recorded): period, hours done,
 * classroom hours, the QRSP profile and the competences reached, the
 * tutor's judgement, and the QR of its signed token. 0 or -1. */
int certificate_pdf(const struct traineeship_doc *d, const char *url, char **pdf, size_t *len);
/* The card with the trainee's personal QR (d->badge) for signing in and
 * out at the kiosk instead of the health card: name, comune, project,
 * the QR and what to do when it is lost. 0 or -1 (also with no badge). */
int badge_card_pdf(const struct traineeship_doc *d, char **pdf, size_t *len);
#endif
