/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Replacement ("subentro"): when a trainee drops out within the call's
 * replacement window, the seat is offered to the next suitable applicant
 * still waiting in the placement's final ranking (selection_next_suitable,
 * reports/store/selection.h). The person is told by e-mail and on the
 * receipt page and has a deadline to accept; the clerk records the
 * answer: an acceptance selects the person (the selection state machine),
 * a refusal (or a deadline passed) withdraws the person from the ranking
 * and offers the seat to the next. Every step is audited in
 * traineeship_audit under the application it concerns.
 *
 * The table, replacement_offer, is created with the traineeship tables.
 * Start reading at replacement_after_end().
 */
#ifndef DOTE_REPORTS_REPLACEMENT_H
#define DOTE_REPORTS_REPLACEMENT_H
#include <stddef.h>

struct store;

/* Defaults: the call's rule {"replacement_days": N} (days from the
 * start within which a dropout frees a seat for the ranking) and the
 * setting 'replacement_accept_days' (days the person has to accept). */
enum { REPLACEMENT_WINDOW_DAYS = 120, REPLACEMENT_ACCEPT_DAYS = 10 };

/* An open offer as read back. */
struct replacement_offer {
	char id[24], placement_code[40], comune[8], freed_uuid[40], uuid[40], protocol[48];
	char offered_at[21], deadline[11], status[12];
};

/* After placement freed_uuid ended as dropped out (traineeship_end(),
 * after its commit): when its end falls within the call's replacement
 * window, the seat is offered to the next suitable applicant (recorded,
 * audited, e-mailed). info gets a plain Italian line for the clerk
 * ("Posto offerto a P-2 fino al 17/12/2026." or why not). Returns 0
 * offered, 1 nothing offered (outside the window, nobody left, already
 * offered), -1 on error. */
int replacement_after_end(struct store *s, const char *freed_uuid, const char *by, char *info,
			  size_t isize);

/* The open offer made to application uuid (0 and *o filled, 1 none,
 * -1 error). */
int replacement_open(struct store *s, const char *uuid, struct replacement_offer *o);
/* The open offer for the seat freed by placement freed_uuid (the page
 * of the trainee who left shows it): 0, 1 none, -1. */
int replacement_open_for(struct store *s, const char *freed_uuid, struct replacement_offer *o);

/* The clerk records the answer of application uuid to its open offer:
 * accept 1 selects it (ready to start), 0 records the refusal (note:
 * how it was given), withdraws it from the ranking and offers the seat
 * to the next (info says to whom). 0 done, 1 no open offer, 2 refused
 * (err, Italian), -1 error. */
int replacement_decide(struct store *s, const char *uuid, int accept, const char *by, const char *note,
		       char *info, size_t isize, char *err, size_t errsize);

/* Offers whose deadline (a day) is before today ("YYYY-MM-DD") count as
 * refused: recorded, audited, the next offered. Returns how many, or -1. */
int replacement_expire(struct store *s, const char *today, const char *by);

/* The citizen's sentence while an offer is open (receipt page):
 * 0 written, 1 no open offer, -1. */
int replacement_citizen(struct store *s, const char *uuid, char *text, size_t size);
#endif
