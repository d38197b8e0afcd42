/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Receipts checked against the store (reports/store/store.h), for the
 * receipt page and `dote receipt verify --db`: the signature against
 * the kiosks' keys (a receipt from a kiosk revoked later stays genuine
 * when the hub stored exactly that token), and the status of the
 * application it names.
 *
 * Start reading at store_receipt_verify().
 */
#include <stdlib.h>
#include <string.h>
#include "core/receipt.h"
#include "core/util.h"
#include "core/wire.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"

int store_receipt_stored(struct store *s, const char *uuid, const char *token)
{
	char stored[WIRE_RECEIPT_MAX];
	int rc = store_text(s, "SELECT receipt FROM application WHERE uuid = ?1", ARGS(uuid), stored,
			    sizeof(stored));

	if (rc)
		return rc;
	return strcmp(stored, token) != 0;
}

/* The kiosk's key, revoked or not (receipt_key_lookup; ctx the store). */
static int key_even_revoked(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked)
{
	int rc = store_receipt_lookup(ctx, kiosk_id, pk, revoked);

	*revoked = 0;
	return rc;
}

int store_receipt_verify(struct store *s, const char *payload, struct receipt_fields *f, int *withdrawn)
{
	char token[RECEIPT_TOKEN_MAX];
	enum receipt_result r;

	*withdrawn = 0;
	if (strlen(payload) > RECEIPT_PAYLOAD_MAX)
		return RECEIPT_MALFORMED;
	r = receipt_verify(payload, store_receipt_lookup, s, f);
	if (r == RECEIPT_REVOKED && receipt_verify(payload, key_even_revoked, s, f) == RECEIPT_OK &&
	    !receipt_token_from_payload(payload, token, sizeof(token)) &&
	    store_receipt_stored(s, f->uuid, token) == 0) {
		r = RECEIPT_OK;
		*withdrawn = 1;
	}
	return r;
}

int store_application_status(struct store *s, const char *uuid, char *status, size_t ssize,
			     char *duplicate_of, size_t dsize)
{
	struct store_res *r;
	int rc = 1;

	status[0] = duplicate_of[0] = '\0';
	if (store_query(s, "SELECT status, duplicate_of FROM application WHERE uuid = ?1",
			ARGS(uuid), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		const char *d = store_res_get(r, 0, 1);

		str_copy(status, ssize, store_res_get(r, 0, 0));
		str_copy(duplicate_of, dsize, d ? d : "");
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

int store_application_identity(struct store *s, const char *uuid, char *protocol, size_t psize,
			       char *kiosk_id, size_t ksize, char *status, size_t ssize)
{
	struct store_res *r;
	int rc = 1;

	protocol[0] = kiosk_id[0] = status[0] = '\0';
	if (store_query(s, "SELECT protocol, kiosk_id, status FROM application WHERE uuid = ?1", ARGS(uuid), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		const char *p = store_res_get(r, 0, 0), *k = store_res_get(r, 0, 1), *st = store_res_get(r, 0, 2);

		str_copy(protocol, psize, p ? p : "");
		str_copy(kiosk_id, ksize, k ? k : "");
		str_copy(status, ssize, st ? st : "");
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

int store_placement_title(struct store *s, const char *code, char *title, size_t tsize, char *comune,
			  size_t csize)
{
	struct store_res *r;
	int rc = 1;

	title[0] = comune[0] = '\0';
	if (store_query(s, "SELECT title, comune FROM placement WHERE code = ?1", ARGS(code), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		const char *t = store_res_get(r, 0, 0), *c = store_res_get(r, 0, 1);

		str_copy(title, tsize, t ? t : "");
		str_copy(comune, csize, c ? c : "");
		rc = 0;
	}
	store_res_free(r);
	return rc;
}
