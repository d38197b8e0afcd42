/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The receipt check page a citizen reaches by scanning the QR code of a
 * receipt (GET /r/TOKEN on the hub): whether the receipt is genuine and
 * where the application stands. The hub looks the receipt up and hands
 * the result here; this file only writes the page (Italian).
 */
#ifndef DOTE_REPORTS_RECEIPT_PAGE_H
#define DOTE_REPORTS_RECEIPT_PAGE_H
#include "core/receipt.h"
#include "reports/web/http.h"

/* What the hub found for one receipt. Strings are borrowed for the call. */
struct receipt_view {
	enum receipt_result result;	/* RECEIPT_OK: genuine */
	const char *protocol;		/* the fields below only when genuine */
	const char *placement;		/* 'CODE – Title, Comune di X' */
	const char *comune;		/* 'Comune di X' for the page's header, or NULL */
	const char *sent;		/* the date written the Italian way */
	const char *certificate;	/* the completed placement's certificate (a path), or NULL */
	int arrived;			/* the application is at the hub */
	const char *status;		/* its status in words (when arrived) */
	const char *status_text;	/* what that status means for the citizen */
	int before_revocation;		/* issued by a kiosk revoked since */
	const char *ranking;		/* the final ranking's public PDF (ranking_pdf.h), or NULL */
};

/* Fills resp with the page: 200 for a genuine receipt, 404 for one that
 * is not, 503 when the lookup failed. */
void receipt_page(const struct receipt_view *v, struct http_response *resp);
#endif
