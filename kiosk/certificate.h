/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A completed placement's certificate at the kiosk (issue 19): finding
 * the one a citizen may print on "check my application", and the print
 * itself, which the Presenze screen and "check my application" share:
 * the big button, the slip (the receipt's layout, the trainee's
 * initials, the QR the hub signed) on the receipt printer, and what the
 * printer did with it, in plain words, with another try after a jam.
 * The certificates come with the roster (kiosk/sync.c,
 * core/attendance.h). Start at certificate_offer().
 */
#ifndef DOTE_KIOSK_CERTIFICATE_H
#define DOTE_KIOSK_CERTIFICATE_H
#include "core/attendance.h"

#include <stdint.h>

struct kiosk;
struct flow;
struct printer;

/* One print of a certificate, followed frame by frame; all zero before
 * the first tap. */
struct cert_print {
	int asked;			/* the button was tapped (it then says "Print again") */
	const struct printer *printer;	/* where the job went; NULL when it could not be queued */
	int64_t printed, failed;	/* that printer's counters when it was queued */
	const char *outcome;		/* msgid of the answer; NULL while printing */
	int error;			/* the answer is a failure: the button stays for another try */
	const char *said;		/* the answer the voice guide said last */
};

/* The certificate of the application protocol for the person with
 * codice fiscale cf, into *c: the application is "completed" (as the
 * hub's status feed last said) and the roster brought a certificate for
 * cf of the same placement. The caller has matched protocol and cf
 * (catalog_application_status()): this proves nothing about who asks.
 * 0 found, 1 none, -1 on error. */
int certificate_for_application(sqlite3 *db, const char *protocol, const char *cf,
				struct attendance_certificate *c);

/* At f: the big "Print the certificate" button (id PREFIX-print-cert)
 * for c and, once tapped, what became of the print: "being printed",
 * then "printed", or the printer's trouble as an error
 * (error:PREFIX-print), jammed, out of paper or not connected, with the
 * button left to try again; nothing of the certificate is lost. The
 * error takes the focus, or gives it to the field owner when not NULL
 * (the Presenze field, ready for the next card). The voice guide says
 * each answer. p keeps the print between frames. */
void certificate_offer(struct kiosk *k, struct flow *f, const char *prefix, const char *owner,
		       const struct attendance_certificate *c, struct cert_print *p);
#endif
