/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What the comune offices' pages (reports/web/office.c, /ufficio) read:
 * the placements with their counts, one placement's card, the
 * applications to a placement, one application with its selection, its
 * history, the audit log and the retention log. Every read of a comune's
 * data takes a scope (its ISTAT code; "" for the whole network) down to
 * the SQL, as selection.h does. The changes themselves are selection.h's.
 *
 * Each read fills a struct store_rows (rows.h) whose v is an array of
 * the row struct named in its comment; strings are as stored ("" where
 * the page shows nothing), counts and flags are decimal text. Start
 * reading at office_application_read().
 */
#ifndef DOTE_REPORTS_OFFICE_QUERIES_H
#define DOTE_REPORTS_OFFICE_QUERIES_H
#include "reports/store/rows.h"

/* A placement in the offices' list. */
struct office_placement {
	const char *code, *title, *office, *seats, *call_code, *comune;
	const char *applications;	/* not counting duplicates */
	const char *to_review;		/* received or called for interview */
	const char *final_at;		/* ranking final since, "" while provisional */
};
/* The placements of scope (all for ""), by comune, call and code, 2000
 * at most: rows of struct office_placement. 0 or -1. */
int office_placements_read(struct store *s, const char *scope, struct store_rows *out);

/* One placement's card (the office page's and the ranking's heading). */
struct office_placement_card {
	const char *title, *office, *address, *seats, *call_code, *call_title, *requirements, *final_at,
		*comune;
};
/* The placement code within scope ("": any comune) as one struct
 * office_placement_card: 0 found, 1 none (out empty), -1 error. */
int office_placement_card_read(struct store *s, const char *scope, const char *code, struct store_rows *out);

/* An application as the placement's list shows it. */
struct office_applicant {
	const char *protocol, *given_name, *family_name, *phone, *email, *status, *submitted_at;
	const char *requirements, *interview_at, *score, *outcome;	/* "" until recorded */
	const char *duplicate;		/* "1" a second application of the person to the call */
	const char *erased;		/* "1" personal data erased (retention) */
	const char *channel;		/* 'chiosco', 'carta', 'pec' (reports/store/intake.h) */
};
/* The applications to placement code of comune scope, oldest first
 * (2000 at most): rows of struct office_applicant. 0 or -1. */
int office_applicants_read(struct store *s, const char *scope, const char *code, struct store_rows *out);

/* One application with its selection record. */
struct office_application {
	const char *uuid, *protocol, *placement_code, *placement_title;
	const char *given_name, *family_name, *cf, *phone, *email, *birth_date, *residence;
	const char *applicant_status, *education, *submitted_at, *status;
	const char *requirements, *requirements_note, *interview_at, *interview_place, *outcome, *score;
	const char *erased;		/* "1" personal data erased */
	const char *duplicate_of;	/* "" when the first of the person to the call */
	const char *ranking_final;	/* "1" when its placement's ranking is final */
	const char *marks;		/* the marks by the call's criteria, "" without */
};
/* The application with protocol or uuid id of comune scope as one
 * struct office_application: 0 found, 1 none (out empty), -1 error. */
int office_application_read(struct store *s, const char *scope, const char *id, struct store_rows *out);

/* A row of the selection audit log. */
struct office_audit {
	const char *at, *by, *action, *from_status, *to_status, *note;
	const char *comune, *protocol, *placement_code;	/* office_audit_read only */
};
/* The history of one application (uuid), oldest first: rows of struct
 * office_audit. 0 or -1. */
int office_application_history(struct store *s, const char *uuid, struct store_rows *out);
/* The audit log of scope ("": the network), newest first, 1000 at
 * most: rows of struct office_audit. 0 or -1. */
int office_audit_read(struct store *s, const char *scope, struct store_rows *out);

/* An erasure of personal data (`dote retention run`): counts only. */
struct office_erasure {
	const char *at, *by, *days, *applications, *placements;
};
/* The erasures, newest first, 100 at most: rows of struct
 * office_erasure. 0 or -1. */
int office_erasures_read(struct store *s, struct store_rows *out);

#endif
