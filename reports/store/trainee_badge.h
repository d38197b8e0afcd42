/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The trainee's personal QR for the kiosk's "Presenze" screen, the
 * alternative to the health card (core/attendance.h's badge): a random
 * token with nothing personal in it, printed on the progetto formativo
 * and on a card the office prints. The hub keeps only the hash of the
 * one valid now and its number (table trainee_badge, created with the
 * traineeship tables), the hash the roster sends the kiosks: a copy of
 * the database signs no one in. The QR itself is derived from the
 * hub's document key (a file, reports/store/doc_key.h), the placement
 * and the number, so a reprint of the card or of the progetto gives the
 * same QR. A lost QR is reissued: the next number gives a new one, and
 * the old one stops working at each kiosk's next roster. After the end, the kiosk prints a summary of the certificate
 * for the trainee who identifies with the card or that QR
 * (trainee_certificates()). Start at trainee_badge_get().
 */
#ifndef DOTE_REPORTS_TRAINEE_BADGE_H
#define DOTE_REPORTS_TRAINEE_BADGE_H
#include <jansson.h>
#include <stddef.h>

struct store;

/* The personal QR of placement uuid into text (BADGE_TEXT_MAX) and its
 * issue number (1 the first, 2 after one reissue...) into *issue (may
 * be NULL): the one on record, derived again; a new one when there is
 * none yet, or when reissue (audited as by). A new one is issued only
 * for a running placement. Takes the write lock (the document key may
 * be made or moved to its file). Returns 0, 1 unknown placement, 2
 * refused (err, Italian: not running, or a QR issued before the hub
 * kept only hashes, which cannot be reprinted), -1 on error. */
int trainee_badge_get(struct store *s, const char *uuid, int reissue, const char *by, char *text, size_t size,
		      int *issue, char *err, size_t errsize);

/* The completed placements of comune that ended on or after since
 * ("YYYY-MM-DD") whose certificate a kiosk may print, as a new JSON
 * array into *out (json_decref): {"cf", "badge" (the personal QR's
 * hash, when one was issued), "initials", "code", "title", "start",
 * "end", "minutes", "url"}, url the receipt URL of the certificate's
 * token the hub signs once per placement (kept in certificate_token)
 * under base; none when base is ''. 0 or -1. */
int trainee_certificates(struct store *s, const char *comune, const char *since, const char *base, json_t **out);
#endif
