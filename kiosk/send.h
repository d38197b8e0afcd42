/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Send off the frame (issue 22): the Send button's work (validation,
 * the protocol number, the signature, the SQLite commit with
 * synchronous=FULL, the receipt's document and QR code, the receipt PNG
 * and the day's usage count) runs in a worker thread with its own
 * connection to the kiosk database; the review screen shows that the
 * application is being saved meanwhile. Accepted data is never lost:
 * the result comes back only after the commit returned, and only then
 * does the receipt screen appear. Start reading at send_post().
 */
#ifndef DOTE_KIOSK_SEND_H
#define DOTE_KIOSK_SEND_H
#include "core/application.h"
#include "core/identity.h"
#include "core/qr.h"
#include "core/receipt.h"
#include "kiosk/receipt_png.h"

struct send;

/* One application to send, copied (and wiped by the worker). */
struct send_job {
	struct application app;
	struct kiosk_identity identity;
	char receipt_base[RECEIPT_URL_MAX];	/* kiosk_receipt_base() */
	char receipts_dir[512];			/* '' no PNG */
	char day[11], comune[7];		/* the usage count's */
	struct receipt_words words;		/* the receipt PNG's, in the citizen's language */
};

/* What came of it. */
struct send_result {
	enum submit_result r;
	char err[200];
	struct application app;		/* protocol, uuid, seq set on SUBMIT_OK */
	char token[RECEIPT_TOKEN_MAX];
	struct receipt_doc doc;		/* SUBMIT_OK: the receipt (doc_rc 0) */
	int doc_rc;			/* receipt_doc_load()'s */
	struct qr_code qr;		/* the receipt QR (owned by the taker) */
	double ms;			/* wall time, posted to done */
};

/* Starts the worker on the database at db_path. NULL (after error()):
 * the caller sends in the frame as before. */
struct send *send_start(const char *db_path);
/* Stops the worker after the job under way (its commit is never cut). */
void send_stop(struct send *s);
/* Hands a job over (copied). Returns 0, or -1 when one is under way. */
int send_post(struct send *s, const struct send_job *job);
/* Takes the result into *out: 1, or 0 when not ready yet. */
int send_take(struct send *s, struct send_result *out);
/* The session was wiped (idle timeout, "I'm done"): a result waiting is
 * wiped, a job queued or under way still commits but its result is
 * wiped when it comes, never handed to send_take(). */
void send_forget(struct send *s);
/* Whether a job is under way or its result not taken. */
int send_busy(struct send *s);
/* Waits until no job is under way, at most ms milliseconds (the
 * scripted mode). 0, or -1 on timeout. */
int send_wait(struct send *s, int ms);
/* Wipes a result's personal data and frees its QR code. */
void send_result_wipe(struct send_result *r);
#endif
