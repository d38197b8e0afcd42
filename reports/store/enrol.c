/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Who may talk to the hub (reports/store/store.h): one-time enrolment
 * codes traded for a kiosk (its Ed25519 key and a bearer token), kiosk
 * authentication and revocation, the kiosks' keys for receipt checks
 * (store_receipt_lookup), and the coordinators' API tokens. Secrets are
 * stored only as SHA-256 hashes (store_secret_hash).
 *
 * Start reading at store_enroll().
 */
#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "core/comuni.h"
#include "core/util.h"
#include "core/datetime.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"

static void new_token(char *token, size_t size)
{
	unsigned char b[32];

	randombytes_buf(b, sizeof(b));
	if (size >= 65)
		store_hex(b, sizeof(b), token);
	else if (size)
		token[0] = '\0';
	sodium_memzero(b, sizeof(b));
}

/* 64 hex digits (either case) into 32 bytes: 0, or -1. */
static int key_from_hex(const char *h, unsigned char key[32])
{
	int i;

	if (!h || strlen(h) != 64)
		return -1;
	for (i = 0; i < 32; i++) {
		int hi = hex_value(h[2 * i]), lo = hex_value(h[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		key[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static void code_normalise(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (; *in && o + 1 < size; in++)
		if (isalnum((unsigned char)*in))
			out[o++] = (char)toupper((unsigned char)*in);
	out[o] = '\0';
}

int store_enroll_code_create(struct store *s, const char *comune, int64_t ttl, char *code,
			     size_t size)
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char raw[13], hash[65], now[32], exp[32];
	int i;

	if (!comune_by_istat(comune))
		return error("unknown comune '%s' (an ISTAT code like 015146)", comune);
	if (size < 15 || ttl <= 0)
		return error("bad enrolment code request");
	for (i = 0; i < 12; i++)
		raw[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	raw[12] = '\0';
	snprintf(code, size, "%.4s-%.4s-%.4s", raw, raw + 4, raw + 8);
	store_secret_hash(raw, hash);
	store_now_iso(now, sizeof(now));
	time_iso(now_wall() + (time_t)ttl, exp, sizeof(exp));
	if (store_exec(s, "INSERT INTO enroll_code(code_hash, comune, created_at, expires_at)"
			  " VALUES (?1, ?2, ?3, ?4)", ARGS(hash, comune, now, exp)) != 1)
		return -1;
	return 0;
}

int store_enroll(struct store *s, const char *code, const char *pk_hex, const char *name,
		 struct store_kiosk *k, char *token, size_t tsize)
{
	struct store_res *r = NULL;
	char norm[40], hash[65], thash[65], now[32];
	int rc = -1, i, max = 0;

	memset(k, 0, sizeof(*k));
	code_normalise(code, norm, sizeof(norm));
	if (strlen(norm) != 12 || strlen(pk_hex) != 64 || tsize < 65)
		return 1;
	for (i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)pk_hex[i]))
			return 1;
	store_secret_hash(norm, hash);
	store_now_iso(now, sizeof(now));
	if (store_begin(s))
		return -1;
	if (store_query(s, "SELECT comune FROM enroll_code WHERE code_hash = ?1"
			   " AND used_at IS NULL AND expires_at > ?2", ARGS(hash, now), &r))
		goto out;
	if (store_res_rows(r) != 1) {
		rc = 1;
		goto out;
	}
	str_copy(k->comune, sizeof(k->comune), store_res_get(r, 0, 0));
	store_res_free(r);
	if (store_query(s, "SELECT id FROM kiosk", NULL, &r))
		goto out;
	for (i = 0; i < store_res_rows(r); i++) {
		const char *id = store_res_get(r, i, 0);

		if (id && id[0] == 'K' && atoi(id + 1) > max)
			max = atoi(id + 1);
	}
	snprintf(k->id, sizeof(k->id), "K%02d", max + 1);
	new_token(token, tsize);
	store_secret_hash(token, thash);
	if (store_exec(s, "INSERT INTO kiosk(id, comune, name, public_key, token_hash, status,"
			  " enrolled_at) VALUES (?1, ?2, ?3, ?4, ?5, 'active', ?6)",
		       &(struct store_args){ { k->id, k->comune, name ? name : "", pk_hex, thash, now },
					     6, 1u << 3 }) != 1)
		goto out;
	if (store_exec(s, "UPDATE enroll_code SET used_at = ?1, kiosk_id = ?2 WHERE code_hash = ?3",
		       ARGS(now, k->id, hash)) != 1)
		goto out;
	if (store_commit(s))
		goto out;
	k->has_key = key_from_hex(pk_hex, k->public_key) == 0;
	rc = 0;
out:
	store_res_free(r);
	if (rc)
		store_rollback(s);
	if (rc && tsize)
		token[0] = '\0';
	return rc;
}

int store_kiosk_auth(struct store *s, const char *token, struct store_kiosk *k)
{
	struct store_res *r;
	char hash[65];
	int rc = 1;

	memset(k, 0, sizeof(*k));
	if (!token || strlen(token) != 64)
		return 1;
	store_secret_hash(token, hash);
	if (store_query(s, "SELECT id, comune, status, public_key FROM kiosk WHERE token_hash = ?1",
			ARGS(hash), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		str_copy(k->id, sizeof(k->id), store_res_get(r, 0, 0));
		str_copy(k->comune, sizeof(k->comune), store_res_get(r, 0, 1));
		k->revoked = strcmp(store_res_get(r, 0, 2), "active") != 0;
		k->has_key = key_from_hex(store_res_get(r, 0, 3), k->public_key) == 0;
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

int store_kiosk_revoke(struct store *s, const char *id)
{
	char now[32];
	int n;

	store_now_iso(now, sizeof(now));
	/* The token hash stays so the kiosk is told it is revoked (403). */
	n = store_exec(s, "UPDATE kiosk SET status = 'revoked', revoked_at = ?1 WHERE id = ?2",
		       ARGS(now, id));
	if (n < 0)
		return -1;
	return n == 0;
}

int store_receipt_lookup(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked)
{
	struct store *s = ctx;
	struct store_res *r;
	int rc = 1;

	if (store_query(s, "SELECT public_key, status FROM kiosk WHERE id = ?1", ARGS(kiosk_id), &r))
		return -1;
	if (store_res_rows(r) == 1 && key_from_hex(store_res_get(r, 0, 0), pk) == 0) {
		*revoked = strcmp(store_res_get(r, 0, 1), "active") != 0;
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

int store_coordinator_token(struct store *s, const char *name, char *token, size_t tsize)
{
	char hash[65], now[32];

	if (!*name || strlen(name) > 64 || !store_is_printable(name) || tsize < 65)
		return error("coordinator name must be 1 to 64 printable characters");
	new_token(token, tsize);
	store_secret_hash(token, hash);
	store_now_iso(now, sizeof(now));
	if (store_exec(s, "INSERT INTO coordinator(name, token_hash, created_at) VALUES (?1, ?2, ?3)"
			  " ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash,"
			  " created_at = excluded.created_at", ARGS(name, hash, now)) != 1)
		return -1;
	return 0;
}

int store_coordinator_auth(struct store *s, const char *token, char *name, size_t size)
{
	char hash[65];

	if (!token || strlen(token) != 64)
		return 1;
	store_secret_hash(token, hash);
	return store_text(s, "SELECT name FROM coordinator WHERE token_hash = ?1", ARGS(hash),
			  name, size);
}
