/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Applications a comune's clerk records by hand: received on paper at
 * the counter or by PEC (certified e-mail). They pass the kiosk's checks
 * (codice fiscale, names by core/names.h, contacts, one application per
 * person and call by the hub's person hash, the call's eligibility
 * rules, the placement open on the day of receipt) and are stored like a
 * kiosk's, with a channel marker ('carta', 'pec'; a kiosk's are
 * 'chiosco') the statistics can split on, a protocol number of the
 * comune's office register ('DC-<comune>-U<comune>-<year>-<seq>'), an
 * audit row and the "received" e-mail, in one transaction.
 *
 * Start reading at intake_record().
 */
#ifndef DOTE_REPORTS_INTAKE_H
#define DOTE_REPORTS_INTAKE_H
#include <stddef.h>

struct store;

/* What the clerk typed (every field a NUL-terminated string, '' when empty). */
struct intake_form {
	const char *placement;		/* placement code */
	const char *channel;		/* 'carta' or 'pec' */
	const char *received;		/* day of receipt, YYYY-MM-DD (Italian date) */
	const char *reference;		/* the PEC's or the register's reference (optional) */
	const char *cf, *given_name, *family_name, *phone, *email;
	const char *residence;		/* ISTAT code or a comune's name; '' unknown */
	const char *applicant_status;	/* core/model.h applicant_statuses key */
	const char *education;		/* core/model.h education_levels key */
};

/* Field names of the refusals (field), as the form names them. */
enum { INTAKE_FIELD_MAX = 24, INTAKE_PROTOCOL_MAX = 48 };

/* Records one application for the comune scope (its staff's ISTAT
 * code), as `by`. 0 stored (protocol filled), 2 refused: err holds a
 * plain Italian sentence naming the field and field its form name,
 * nothing stored; -1 storage error. */
int intake_record(struct store *s, const char *scope, const struct intake_form *f, const char *by,
		  char *protocol, size_t psize, char *field, size_t fsize, char *err, size_t esize);

/* The kiosk id of a comune's office register ('U' + ISTAT code) into buf. */
void intake_register_id(const char *comune, char *buf, size_t size);
#endif
