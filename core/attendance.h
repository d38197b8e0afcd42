/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Attendance at the kiosk: a trainee scans the health card (the kiosk
 * reads the codice fiscale as typed text) and is signed in or out. The
 * scan is committed to the kiosk's own database, signed with the kiosk's
 * key (core/placement.h's attendance token) before the answer is shown,
 * so the answer (initials, time, hours this month) never waits on the
 * network and an event on screen is an event on disk. The sync thread
 * sends what is unsent, once; the hub checks it again.
 *
 * Who may sign in here comes from the roster: the trainees of this
 * comune with a running placement, which the hub sends with the catalog.
 * A trainee may show a personal QR instead of the card: a random token
 * the hub issues at the start ("DCP-" and 26 base32 characters, nothing
 * personal in it); the roster carries only its SHA-256, so the kiosk
 * checks it offline, and a reissued QR replaces the lost one at the next
 * roster. Start reading at attendance_scan().
 */
#ifndef DOTE_ATTENDANCE_H
#define DOTE_ATTENDANCE_H
#include "core/placement.h"
#include "core/receipt.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

struct kiosk_identity;

/* The kiosk's attendance tables (component "attendance"). 0 or -1. */
int attendance_migrate(sqlite3 *db);

/* Replaces the roster with roster, a JSON array of
 * {"cf": "RSSMRA85T10A562S", "initials": "A. R.", "start": "YYYY-MM-DD",
 *  "end": "YYYY-MM-DD", "badge": "<64 hex>"} (badge: the hash of the
 * personal QR, optional); entries that are not well formed are skipped.
 * 0 or -1. */
int attendance_roster_set(sqlite3 *db, const json_t *roster);

/* A completed placement's certificate, as the kiosk prints its summary
 * (the hub's GET /v1/roster "certificates"). */
struct attendance_certificate {
	char initials[8], code[40], title[160], start[11], end[11];
	int minutes;				/* hours done, in minutes */
	char url[RECEIPT_URL_MAX];	/* the receipt URL of the certificate's signed token */
};

/* Replaces the certificates with list, a JSON array of {"cf", "badge"
 * (optional), "initials", "code", "title", "start", "end", "minutes",
 * "url"}; entries not well formed are skipped. 0 or -1. */
int attendance_certificates_set(sqlite3 *db, const json_t *list);
/* The certificate of whoever holds code (a codice fiscale or a personal
 * QR's text) into *c: 0 found, 1 none, -1 on error. */
int attendance_certificate_find(sqlite3 *db, const char *code, struct attendance_certificate *c);

enum attendance_scan_result {
	SCAN_OK = 0,		/* stored: *a says what happened */
	SCAN_BAD_CODE,		/* not a codice fiscale */
	SCAN_NOT_HERE,		/* no running placement at this comune today */
	SCAN_REPEAT,		/* the same card again within a minute: nothing stored */
	SCAN_ERROR,		/* storage or signing failed: nothing stored */
	SCAN_BAD_BADGE,		/* a personal QR not on the roster (forged, or replaced) */
};

/* The personal QR's text: BADGE_PREFIX and BADGE_CHARS base32 characters
 * of 16 random bytes. */
#define BADGE_PREFIX "DCP-"
enum { BADGE_CHARS = 26, BADGE_TEXT_MAX = 32, BADGE_HASH_MAX = 65 };
/* 1 when text starts as a personal QR does (the kiosk then waits for
 * all of it rather than for a codice fiscale's 16 characters). */
int badge_prefixed(const char *text);
/* A new random personal QR text into text (BADGE_TEXT_MAX). 0 or -1. */
int badge_new(char *text, size_t size);
/* The hash the roster carries for a personal QR text (lower-case hex,
 * BADGE_HASH_MAX). 0, or -1 when text is not shaped like one. */
int badge_hash(const char *text, char *hex, size_t size);

/* What the kiosk says back. */
struct attendance_answer {
	char initials[8];
	int kind;			/* ATTENDANCE_IN or ATTENDANCE_OUT */
	int64_t at;
	char time[6];			/* "09:00", local */
	int month_minutes;		/* closed pairs this local month, this kiosk's events */
	int64_t seq;
};

/* Signs the holder of code (a codice fiscale, or a personal QR's text)
 * in or out at time now with the kiosk's identity (id, comune, secret
 * key), commits the signed event, and fills *a. The event is signed and stored in one transaction; nothing
 * is stored unless SCAN_OK. */
enum attendance_scan_result attendance_scan(sqlite3 *db, const struct kiosk_identity *id,
					    const char *code, int64_t now,
					    struct attendance_answer *a);

/* Up to max unsent events, oldest first: their row ids and tokens
 * (ATTENDANCE_TOKEN_MAX each). Returns how many, or -1. */
int attendance_unsent(sqlite3 *db, int64_t *ids, char (*tokens)[ATTENDANCE_TOKEN_MAX], int max);
/* Records the hub's answer for event id: result "stored", "already" or
 * "refused" (with why). The event is never sent again. 0 or -1. */
int attendance_mark_sent(sqlite3 *db, int64_t id, const char *result, const char *why);
/* Unsent events (the admin screen, tests). -1 on error. */
int64_t attendance_unsent_count(sqlite3 *db);
#endif
