/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's document key: the Ed25519 pair that signs the QR of the
 * progetto formativo and of the certificate (traineeship_doc_sign) and
 * from which the trainees' personal QR codes are derived
 * (trainee_badge.h). The secret half lives in a file of its own, as a
 * kiosk keeps its key (core/identity.c): 128 hex digits, mode 0600,
 * written atomically; never in the database, so a copy or dump of the
 * database signs nothing and opens nothing. The public half stays in
 * the setting table (document_public_key), where `/r/` and `dote receipt
 * verify` read it.
 *
 * Where the file is: $DOTE_HUB_KEY (the hub's `document_key` setting
 * sets it), else, for a SQLite database, DB.document-key beside it.
 * With PostgreSQL the path must be given, and every hub on the same
 * database needs a copy of the same file. Start at doc_key_load().
 */
#ifndef DOTE_REPORTS_DOC_KEY_H
#define DOTE_REPORTS_DOC_KEY_H
#include <stddef.h>

struct store;

/* The key file's path into path. 0, or -1 after error() (PostgreSQL
 * with no DOTE_HUB_KEY, or a path too long). */
int doc_key_path(struct store *s, char *path, size_t size);

/* Inside a write transaction (store_begin): the document key pair. A
 * secret half still in the setting table (databases made before the
 * file) is written to the file and deleted from the table; the first
 * time of all a pair is made (file first, then the public half in the
 * table). Refuses a file whose key is not the one the database's
 * public half names, and a database with a public half but no file
 * (copy the file from the hub that made it). 0, or -1 after error(). */
int doc_key_load(struct store *s, unsigned char pk[32], unsigned char sk[64]);

/* In a transaction of its own: moves a secret half left in the setting
 * table to the file (the hub does it at start-up). Makes no new key.
 * 0 (moved, or nothing to move), -1 after error(). */
int doc_key_move(struct store *s);
#endif
