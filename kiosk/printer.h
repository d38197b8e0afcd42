/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The receipt printer: a background thread that sends ESC/POS receipts
 * (core/escpos.h) to a device path (`/dev/usb/lp0`, or a plain file or
 * FIFO in tests). The UI never waits on it: printer_submit() only queues,
 * printer_get_status() only copies. A missing printer, paper out or a
 * printer that does not answer turns into a plain-words message for the
 * kiosk to show; the application itself is never affected. It keeps the
 * last receipts in memory so the admin screen can reprint them; for older
 * ones use receipt_doc_load() and printer_submit().
 * (Contract for the kiosk engineer; implemented in printer.c.)
 */
#ifndef DOTE_KIOSK_PRINTER_H
#define DOTE_KIOSK_PRINTER_H
#include <stdint.h>

struct receipt_doc;
struct receipt_words;
struct escpos_buf;

enum printer_state {
	PRINTER_NONE,		/* no device configured: the kiosk works without printing */
	PRINTER_READY,		/* last job printed (or nothing printed yet) */
	PRINTER_BUSY,		/* printing now */
	PRINTER_MISSING,	/* the device is not there (unplugged, switched off) */
	PRINTER_PAPER_OUT,	/* the printer says it has no paper */
	PRINTER_NO_ANSWER,	/* the device does not take data (jammed, offline) */
};

struct printer_status {
	enum printer_state state;
	/* Plain English (a gettext msgid the kiosk translates), '' when
	 * READY or NONE: "The printer is not connected. Please take a photo
	 * of the receipt on screen; staff can reprint it later." */
	const char *message;
	const char *key;		/* 'none' 'ok' 'busy' 'missing' 'paper_out' 'no_answer' (heartbeats) */
	int pending;			/* jobs queued, not yet printed */
	int64_t printed;		/* jobs printed since start */
	int64_t failed;			/* jobs that could not be printed */
	char last_protocol[48];		/* protocol of the last job tried */
};

struct printer;

/* Starts the printer thread for device (NULL or '' = no printer: every
 * submit is accepted and dropped, status PRINTER_NONE) at width_dots (384
 * or 576; anything else becomes 384). Never fails for a missing device:
 * that is a status. Returns NULL only when out of memory or threads. */
struct printer *printer_start(const char *device, int width_dots);
/* Also save every job's ESC/POS bytes as dir/<protocol>.bin (support,
 * tests). Call before submitting; dir must exist. */
void printer_keep_copies(struct printer *p, const char *dir);
/* How long a job may wait for the device to take data before the status
 * becomes PRINTER_NO_ANSWER (default 10000 ms; tests use less). */
void printer_set_timeout(struct printer *p, int ms);
/* Queues a receipt (copied) in the current language (i18n_lang(): call
 * it from the UI thread). Its ESC/POS bytes are made here, not in the
 * printer thread, so fonts are only ever opened by one thread (a few
 * milliseconds); it never waits for the device. Returns 0, or -1 when
 * the queue is full (8 jobs), the receipt cannot be made, or p is NULL. */
int printer_submit(struct printer *p, const struct receipt_doc *doc);
/* As printer_submit(), with the words w instead of the current
 * language's receipt words: another slip with the receipt's layout (the
 * certificate's summary at the attendance screen sets its own heading,
 * labels and QR help). */
int printer_submit_words(struct printer *p, const struct receipt_doc *doc, const struct receipt_words *w);
/* Queues again a receipt printed earlier in this run: by protocol, or
 * the last one when protocol is NULL or ''. Returns 0, -1 when it is not
 * among the last 32 receipts or the queue is full. */
int printer_reprint(struct printer *p, const char *protocol);
/* The ESC/POS bytes of a receipt in w's language, for a printer
 * width_dots wide (384 or 576), into out (empty): every text drawn as a
 * GS v 0 raster image with the screens' fonts and shaping (so Arabic,
 * Cyrillic and Romanian print, Arabic right-aligned and right to left,
 * everything wrapped to the paper), the protocol number as printer text
 * and the QR code as escpos_receipt() prints them. Without fonts it is
 * escpos_receipt() (code page 858, Italian and English). font_dir NULL:
 * assets/fonts. Returns 0 or -1. */
int printer_receipt(const struct receipt_doc *doc, const struct receipt_words *w, const char *font_dir,
		    int width_dots, struct escpos_buf *out);
/* Copies the current status; cheap, never blocks on the device. */
void printer_get_status(struct printer *p, struct printer_status *out);
/* Stops the thread and frees p; safe with NULL. Queued receipts still
 * print for up to ~2 s (a kiosk restarting right after "print" keeps its
 * promise); after that the rest is dropped and a stuck write abandoned. */
void printer_stop(struct printer *p);
#endif
