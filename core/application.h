/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * An application as the kiosk submits it and the hub stores it, and the
 * kiosk's submit transaction: the application and its outbox entry are
 * committed together (synchronous=FULL) before any receipt is shown.
 * (Contract written with the foundation; implemented in application.c.)
 */
#ifndef DOTE_APPLICATION_H
#define DOTE_APPLICATION_H
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include "core/model.h"

struct kiosk_identity;

struct application {
	char uuid[37];			/* UUIDv7, set by application_submit */
	char protocol[48];		/* 'DC-015146-K03-2026-000123', set by submit */
	char kiosk_id[16];
	int64_t seq;			/* per-kiosk sequence, set by submit */
	int64_t call_id;
	char placement_code[32];
	char comune[7];			/* host comune, ISTAT */
	char cf[CF_LEN + 1];
	char given_name[NAME_MAX_LEN + 1];
	char family_name[NAME_MAX_LEN + 1];
	char phone[PHONE_MAX_LEN + 1];
	char email[EMAIL_MAX_LEN + 1];
	char sex;			/* from the codice fiscale */
	char birth_date[11];		/* from the codice fiscale */
	int age;			/* at submission */
	char birthplace[5];		/* cadastral code */
	char residence[7];		/* ISTAT of the comune of residence */
	char applicant_status[20];	/* model.h key */
	char education[20];		/* model.h key */
	char lang[8];			/* language the citizen used: 'it', 'en' */
	char submitted_at[21];		/* ISO UTC, set by submit */
	char status[16];		/* model.h key; 'received' on submit */
};

enum submit_result {
	SUBMIT_OK,		/* committed; receipt token filled */
	SUBMIT_INVALID,		/* a field is wrong; err says which, in plain English */
	SUBMIT_DUPLICATE,	/* this person already applied to this call (here) */
	SUBMIT_CLOSED,		/* placement unknown, closed or past its deadline */
	SUBMIT_ERROR,		/* storage failed; nothing was committed */
};

/* Validates every field (lengths, codice fiscale, vocabularies, that the
 * placement is open): 0, or -1 with the field name in field and a plain
 * English reason in err. */
int application_validate(sqlite3 *db, const struct application *app, char *field, size_t fsize,
			 char *err, size_t errsize);

/* The citizen's own words, judged the same by the kiosk (its form and
 * application_validate) and by the hub (every record it receives).
 * 1 when acceptable, 0 when not.
 * A name: valid UTF-8, 1 to NAME_MAX_LEN bytes, with at least one letter
 * (not only spaces or punctuation), without control characters or the
 * invisible controls that reorder text on screen (bidi embeddings,
 * overrides and isolates U+202A-U+202E, U+2066-U+2069, LRM, RLM, ALM),
 * invisible or joining characters (U+200B, U+00AD, ...) or more than 3
 * combining marks in a row: names_normalize() (core/names.h) says which
 * character, and gives the NFC form the hub stores.
 * A phone number: 6 to 15 digits, with spaces, '-', '.' and a leading
 * '+'. An e-mail address: local@domain.tld, printable ASCII without
 * spaces, quotes or brackets. Phone and e-mail may be '' (none). */
int application_name_ok(const char *name);
int application_phone_ok(const char *phone);
int application_email_ok(const char *email);

/* The keyed hash that identifies "this person, this call" without the
 * codice fiscale (application.cf_hash): 64 hex chars + NUL into out. */
void application_person_hash(int64_t call_id, const char *cf, char *out, size_t size);

/* Kiosk submit: validates, refuses a second application by the same
 * person to the same call (even one still in the outbox or already sent),
 * assigns uuid, seq, protocol and submitted_at, signs the receipt token,
 * and commits application + outbox in one transaction. On SUBMIT_OK the
 * receipt token (core/receipt.h) is in token. */
enum submit_result application_submit(sqlite3 *db, const struct kiosk_identity *id,
				      struct application *app, char *token, size_t tsize,
				      char *err, size_t errsize);

/* Wipes every personal field of app from memory. */
void application_wipe(struct application *app);
#endif
