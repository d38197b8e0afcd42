/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Personal QR codes of trainees (see trainee_badge.h). Portable SQL on
 * SQLite and PostgreSQL; the table is traineeship.c's (BADGE_TABLE),
 * which holds each QR's hash and number, never the QR: badge_derive()
 * works it out again from the document key's file for a reprint.
 */
#include "reports/store/trainee_badge.h"
#include "reports/store/store.h"
#include "reports/store/traineeship.h"
#include "reports/store/doc_key.h"
#include "core/base32.h"
#include "core/attendance.h"
#include "core/receipt.h"
#include "core/datetime.h"
#include "core/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARGS(...) (&(struct store_args){ .v = { __VA_ARGS__ }, \
	.n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)) })

static int refuse(char *err, size_t size, const char *why)
{
	str_copy(err, size, why);
	return 2;
}

/* The personal QR of issue n of placement uuid, derived from the
 * document key sk (doc_key.h): BLAKE2b-128 keyed with a sub-key of sk,
 * over "uuid:n", in base32 after BADGE_PREFIX. The same placement and
 * issue give the same QR, so a reprint needs no stored copy; without
 * the key file no one can work it out from the database. 0 or -1. */
static int badge_derive(const unsigned char sk[64], const char *uuid, int n, char *text, size_t size)
{
	static const char label[] = "dote personal QR v1";
	unsigned char sub[32], raw[16];
	char msg[96];
	size_t p = strlen(BADGE_PREFIX);
	int rc = -1, len = snprintf(msg, sizeof(msg), "%s:%d", uuid, n);
	if (len < 0 || (size_t)len >= sizeof(msg) || size < BADGE_TEXT_MAX ||
	    crypto_generichash(sub, sizeof(sub), (const unsigned char *)label, strlen(label), sk, 64) ||
	    crypto_generichash(raw, sizeof(raw), (const unsigned char *)msg, (size_t)len, sub, sizeof(sub)))
		goto out;
	memcpy(text, BADGE_PREFIX, p);
	rc = base32_encode(raw, sizeof(raw), text + p, size - p) == BADGE_CHARS ? 0 : -1;
out:
	sodium_memzero(sub, sizeof(sub));
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

/* The badge on record, inside the caller's transaction: 0 found (its
 * hash into hash, its number into *n), 1 none, -1. */
static int badge_read(struct store *s, const char *uuid, char hash[BADGE_HASH_MAX], int *n)
{
	struct store_res *r = NULL;
	int rc = 1;
	if (store_query(s, "SELECT badge, issue FROM trainee_badge WHERE uuid = ?1", ARGS(uuid), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		str_copy(hash, BADGE_HASH_MAX, store_res_get(r, 0, 0));
		*n = atoi(store_res_get(r, 0, 1));
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

/* Issue n of uuid's QR (1: the first) into text: its hash stored in
 * place of the one before, audited. Inside the caller's transaction.
 * 0 or -1. */
static int badge_issue(struct store *s, const char *uuid, int n, const char *by, const unsigned char sk[64],
		       char *text, size_t size)
{
	char hash[BADGE_HASH_MAX], num[16], at[21], note[80];
	if (badge_derive(sk, uuid, n, text, size) || badge_hash(text, hash, sizeof(hash)))
		return -1;
	snprintf(num, sizeof(num), "%d", n);
	time_iso(now_wall(), at, sizeof(at));
	snprintf(note, sizeof(note), "QR personale n. %d", n);
	if (store_exec(s, "INSERT INTO trainee_badge(uuid, badge, issue, issued_at, issued_by) VALUES (?1, ?2, ?3, ?4, ?5)"
			  " ON CONFLICT (uuid) DO UPDATE SET badge = excluded.badge, issue = excluded.issue,"
			  " issued_at = excluded.issued_at, issued_by = excluded.issued_by",
		       ARGS(uuid, hash, num, at, by ? by : "")) != 1 ||
	    store_exec(s, "INSERT INTO traineeship_audit(uuid, at, by, action, note) VALUES (?1, ?2, ?3, ?4, ?5)",
		       ARGS(uuid, at, by ? by : "", n > 1 ? "badge_reissued" : "badge_issued", note)) != 1)
		return -1;
	return 0;
}

int trainee_badge_get(struct store *s, const char *uuid, int reissue, const char *by, char *text, size_t size,
		      int *issue, char *err, size_t errsize)
{
	struct traineeship *t = calloc(1, sizeof(*t));
	unsigned char pk[32], sk[64];
	char hash[BADGE_HASH_MAX], again[BADGE_HASH_MAX];
	int rc = -1, r, n = 0;
	if (!t || size < BADGE_TEXT_MAX)
		goto out;
	r = traineeship_get(s, uuid, t);
	if (r) {
		rc = r;
		goto out;
	}
	/* The write lock also keeps two first issues from racing. */
	if (store_begin(s))
		goto out;
	if (doc_key_load(s, pk, sk) || (r = badge_read(s, uuid, hash, &n)) < 0)
		goto rollback;
	if (r == 0 && !reissue) {
		/* A reprint: the same QR, worked out again. A QR issued
		 * before the hub kept only hashes cannot be. */
		if (badge_derive(sk, uuid, n, text, size) || badge_hash(text, again, sizeof(again)))
			goto rollback;
		if (strcmp(again, hash)) {
			str_wipe(text, size);
			rc = refuse(err, errsize, "Questo QR personale è stato emesso prima dell'aggiornamento del "
						  "servizio e non si può ristampare: emetterne uno nuovo con «Nuovo QR "
						  "personale» (quello di prima smetterà di funzionare).");
			goto rollback;
		}
	} else if (strcmp(t->status, "running")) {
		rc = refuse(err, errsize, "Il tirocinio non è in corso: il QR personale non serve più.");
		goto rollback;
	} else if (badge_issue(s, uuid, r == 0 ? n + 1 : 1, by, sk, text, size)) {
		goto rollback;
	} else {
		n = r == 0 ? n + 1 : 1;
	}
	/* Commits also a document key just moved out of the database. */
	if (store_commit(s))
		goto out;
	if (issue)
		*issue = n;
	rc = 0;
	goto out;
rollback:
	store_rollback(s);
out:
	if (rc)
		str_wipe(text, size);
	sodium_memzero(sk, sizeof(sk));
	free(t);
	return rc;
}

/* The certificate's token of placement uuid: the one signed before, or a
 * new one (traineeship_doc_sign() numbers and audits each). 0 or -1. */
static int certificate_token(struct store *s, const char *uuid, char *token, size_t size)
{
	char at[21];
	int r = store_text(s, "SELECT token FROM certificate_token WHERE uuid = ?1", ARGS(uuid), token, size);
	if (r <= 0)
		return r;
	if (traineeship_doc_sign(s, uuid, token, size))
		return -1;
	time_iso(now_wall(), at, sizeof(at));
	if (store_exec(s, "INSERT INTO certificate_token(uuid, token, made_at) VALUES (?1, ?2, ?3)"
			  " ON CONFLICT (uuid) DO NOTHING", ARGS(uuid, token, at)) < 0)
		return -1;
	return store_text(s, "SELECT token FROM certificate_token WHERE uuid = ?1", ARGS(uuid), token, size) ? -1 : 0;
}

int trainee_certificates(struct store *s, const char *comune, const char *since, const char *base, json_t **out)
{
	struct store_res *r = NULL;
	char token[RECEIPT_TOKEN_MAX], url[RECEIPT_URL_MAX], ini[8];
	*out = json_array();
	if (!*out)
		return -1;
	if (!base || !*base)
		return 0;
	if (store_query(s,
			"SELECT t.uuid, t.cf, t.given_name, t.family_name, t.placement_code, coalesce(p.title, ''),"
			" t.start_date, t.ended_on, coalesce(t.hours_done_minutes, 0), coalesce(b.badge, '')"
			" FROM traineeship t LEFT JOIN placement p ON p.code = t.placement_code"
			" LEFT JOIN trainee_badge b ON b.uuid = t.uuid"
			" WHERE t.comune = ?1 AND t.status = 'completed' AND t.ended_on >= ?2 ORDER BY t.cf",
			ARGS(comune ? comune : "", since ? since : ""), &r))
		goto fail;
	for (int i = 0; i < store_res_rows(r); i++) {
		const char *cf = store_res_get(r, i, 1), *g = store_res_get(r, i, 2), *f = store_res_get(r, i, 3);
		json_t *e;
		if (!cf || strlen(cf) != 16)
			continue;
		if (certificate_token(s, store_res_get(r, i, 0), token, sizeof(token)) ||
		    receipt_url(base, token, url, sizeof(url)))
			goto fail;
		if (g && *g && f && *f)
			snprintf(ini, sizeof(ini), "%c. %c.", g[0], f[0]);
		else
			snprintf(ini, sizeof(ini), "%c. %c.", cf[3], cf[0]);
		e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s}", "cf", cf, "initials", ini, "code",
			      store_res_get(r, i, 4), "title", store_res_get(r, i, 5), "start", store_res_get(r, i, 6),
			      "end", store_res_get(r, i, 7), "minutes", atoi(store_res_get(r, i, 8)), "url", url);
		if (e && strlen(store_res_get(r, i, 9)) == BADGE_HASH_MAX - 1)
			json_object_set_new(e, "badge", json_string(store_res_get(r, i, 9)));
		json_array_append_new(*out, e);
	}
	store_res_free(r);
	return 0;
fail:
	store_res_free(r);
	json_decref(*out);
	*out = NULL;
	return -1;
}
