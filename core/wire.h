/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The wire format between kiosk and hub (JSON, jansson): an application
 * as the kiosk sends it in POST /v1/applications, read back strictly by
 * the hub (every field typed and bounded; unknown fields are ignored).
 * Field names are the application table's column names, plus 'receipt':
 * the application's signed receipt token (core/receipt.h). A kiosk
 * always sends it; the hub refuses a record without a genuine one that
 * matches the record (reports/store/ingest.c).
 */
#ifndef DOTE_WIRE_H
#define DOTE_WIRE_H
#include <jansson.h>
#include <stddef.h>
#include "core/application.h"

enum {
	WIRE_RECEIPT_MAX = 512,		/* bytes of a receipt token */
	WIRE_BATCH_MAX = 500,		/* records in one POST /v1/applications */
};

/* A new JSON object for app, with the receipt token when not NULL/''.
 * The caller owns the reference. NULL on out of memory. */
json_t *wire_application_to_json(const struct application *app, const char *receipt);

/* Fills app (zeroed first) from o. Checks types and lengths only, not
 * meaning (the caller validates the codice fiscale, vocabularies, ...).
 * Returns 0, or -1 with the offending field name and a plain English
 * reason in err ("given_name: too long"). receipt gets the token or ''. */
int wire_application_from_json(const json_t *o, struct application *app, char *receipt,
			       size_t rsize, char *err, size_t errsize);
/* A POST /v1/applications body read straight into applications, without
 * building a JSON tree (jansson's tree cost ~17 us a record at the hub,
 * more than all its checks but the receipt's signature). Only the plain
 * form a kiosk sends is read: one object with "kiosk_id" (a string) and
 * "records" (at most WIRE_BATCH_MAX objects holding only the fields
 * above, each of its type and within its size, or null where optional).
 * Anything else answers 1: the caller then reads the body with jansson
 * and wire_application_from_json(), which also word its errors. What
 * this reads, they read the same (tests/unit/test_wire.c compares). */
struct wire_record {
	struct application app;
	char receipt[WIRE_RECEIPT_MAX];		/* '' when null */
};
/* 0 with kiosk_id filled and *recs (n of them; free with
 * wire_records_free) set; 1 when body is not of that plain form; -1 out
 * of memory. */
int wire_batch_read(const char *body, size_t len, char *kiosk_id, size_t ksize,
		    struct wire_record **recs, size_t *n);
/* Wipes (personal data) and frees what wire_batch_read() returned. */
void wire_records_free(struct wire_record *recs, size_t n);
#endif
