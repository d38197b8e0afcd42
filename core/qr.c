/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * QR codes via libqrencode. See qr.h.
 */
#include "core/qr.h"
#include "core/util.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

int qr_make(const char *text, struct qr_code *qr)
{
	QRcode *c;
	size_t n;
	qr->width = 0;
	qr->modules = NULL;
	if (!text || !*text || strlen(text) > 2000)
		return error("QR text is empty or too long");
	c = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!c)
		return error("cannot encode QR code");
	n = (size_t)c->width * (size_t)c->width;
	qr->modules = malloc(n);
	if (!qr->modules) {
		QRcode_free(c);
		return error("out of memory");
	}
	for (size_t i = 0; i < n; i++)
		qr->modules[i] = c->data[i] & 1;
	qr->width = c->width;
	QRcode_free(c);
	return 0;
}

void qr_free(struct qr_code *qr)
{
	free(qr->modules);
	qr->modules = NULL;
	qr->width = 0;
}
