/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * QR codes through libqrencode: a square of modules, 1 = dark, without
 * the quiet zone (whoever draws it adds 4 modules of white around it).
 * Error correction level M; libqrencode picks the densest modes, so an
 * upper-case receipt URL is encoded in alphanumeric mode.
 */
#ifndef DOTE_QR_H
#define DOTE_QR_H

struct qr_code {
	int width;		/* modules per side */
	unsigned char *modules;	/* width * width, row-major, 1 = dark; owned */
};

enum { QR_QUIET_ZONE = 4 };	/* modules of white a reader needs around the code */

/* Encodes text (case preserved). Returns 0, or -1 (qr left empty). */
int qr_make(const char *text, struct qr_code *qr);
/* Frees the modules; safe on an empty or freed qr. */
void qr_free(struct qr_code *qr);
#endif
