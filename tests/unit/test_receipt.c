/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Receipt tokens: base32 round trips and strictness, signing and
 * verifying, and every way a forged receipt must fail (altered,
 * truncated, unknown key, revoked key, relabelled to another kiosk),
 * plus the URL the QR encodes and the kiosk identity files.
 */
#include "core/base32.h"
#include "core/db.h"
#include "core/identity.h"
#include "core/qr.h"
#include "core/receipt.h"
#include "core/util.h"
#include "tests/unit/check.h"

#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct keyring {
	struct { const char *id; unsigned char pk[32]; int revoked; } k[4];
	int n;
};

static int ring_lookup(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked)
{
	struct keyring *r = ctx;
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->k[i].id, kiosk_id)) {
			memcpy(pk, r->k[i].pk, 32);
			*revoked = r->k[i].revoked;
			return 0;
		}
	return 1;
}

static void test_base32(void)
{
	unsigned char in[40], out[40];
	char enc[80];
	int ok = 1;
	/* RFC 4648 test vectors, without padding. */
	base32_encode((const unsigned char *)"foobar", 6, enc, sizeof(enc));
	CHECK_STR("base32 rfc4648 foobar", enc, "MZXW6YTBOI");
	base32_encode((const unsigned char *)"f", 1, enc, sizeof(enc));
	CHECK_STR("base32 rfc4648 f", enc, "MY");
	for (size_t n = 0; n <= sizeof(in); n++) {
		randombytes_buf(in, n);
		int e = base32_encode(in, n, enc, sizeof(enc));
		int d = base32_decode(enc, (size_t)e, out, sizeof(out));
		if (e != (int)BASE32_LEN(n) || d != (int)n || memcmp(in, out, n))
			ok = 0;
	}
	CHECK("base32 round trip 0..40 bytes", ok);
	CHECK_INT("base32 lower case accepted", base32_decode("mzxw6ytboi", 10, out, sizeof(out)), 6);
	CHECK_INT("base32 rejects '1'", base32_decode("MZXW6YTBO1", 10, out, sizeof(out)), -1);
	CHECK_INT("base32 rejects impossible length", base32_decode("MZX", 3, out, sizeof(out)), -1);
	CHECK_INT("base32 rejects non-zero trailing bits", base32_decode("MZ", 2, out, sizeof(out)), -1);
	CHECK_INT("base32 rejects small buffer", base32_decode("MZXW6YTBOI", 10, out, 3), -1);
}

static void sample(struct receipt_fields *f, const char *kiosk)
{
	memset(f, 0, sizeof(*f));
	f->version = RECEIPT_VERSION;
	str_copy(f->kiosk_id, sizeof(f->kiosk_id), kiosk);
	str_copy(f->comune, sizeof(f->comune), "015146");
	f->year = 2026;
	f->seq = 123;
	str_copy(f->uuid, sizeof(f->uuid), "01969f3a-1b2c-7d4e-8f00-0123456789ab");
	str_copy(f->placement_code, sizeof(f->placement_code), "DC06-015146-003");
	f->submitted = 1795687200;
}

static void test_tokens(void)
{
	unsigned char pk3[32], sk3[64], pk4[32], sk4[64], pk9[32], sk9[64];
	struct keyring ring = { .n = 2 };
	struct receipt_fields f, got;
	char tok[RECEIPT_TOKEN_MAX], bad[RECEIPT_TOKEN_MAX], url[RECEIPT_URL_MAX];
	crypto_sign_keypair(pk3, sk3);
	crypto_sign_keypair(pk4, sk4);
	crypto_sign_keypair(pk9, sk9);
	ring.k[0].id = "K03"; memcpy(ring.k[0].pk, pk3, 32);
	ring.k[1].id = "K04"; memcpy(ring.k[1].pk, pk4, 32);

	sample(&f, "K03");
	CHECK_INT("sign", receipt_sign(&f, sk3, tok, sizeof(tok)), 0);
	CHECK("token is upper-case base32", strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == strlen(tok));
	CHECK("token is compact (< 200 chars)", strlen(tok) < 200);
	CHECK_INT("genuine verifies", receipt_verify(tok, ring_lookup, &ring, &got), RECEIPT_OK);
	CHECK_STR("protocol rebuilt", got.protocol, "DC-015146-K03-2026-000123");
	CHECK_STR("uuid carried", got.uuid, f.uuid);
	CHECK_STR("placement carried", got.placement_code, "DC06-015146-003");
	CHECK_STR("submitted_at", got.submitted_at, "2026-11-26T10:00:00Z");
	CHECK_STR("kiosk carried", got.kiosk_id, "K03");

	/* Every single-character change must be caught. */
	int caught = 0, total = 0;
	for (size_t i = 0; i < strlen(tok); i++) {
		str_copy(bad, sizeof(bad), tok);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		total++;
		if (receipt_verify(bad, ring_lookup, &ring, NULL) != RECEIPT_OK)
			caught++;
	}
	CHECK_INT("every altered character rejected", caught, total);
	int trunc_ok = 1;
	for (size_t n = 0; n < strlen(tok); n++) {
		str_copy(bad, sizeof(bad), tok);
		bad[n] = '\0';
		if (receipt_verify(bad, ring_lookup, &ring, NULL) == RECEIPT_OK)
			trunc_ok = 0;
	}
	CHECK("every truncation rejected", trunc_ok);
	str_fmt(bad, sizeof(bad), "%sAA", tok);
	CHECK("extended token rejected", receipt_verify(bad, ring_lookup, &ring, NULL) != RECEIPT_OK);

	/* Signed by an unknown kiosk. */
	sample(&f, "K09");
	receipt_sign(&f, sk9, bad, sizeof(bad));
	CHECK_INT("unknown kiosk rejected", receipt_verify(bad, ring_lookup, &ring, NULL), RECEIPT_UNKNOWN_KEY);
	/* K04's key signs a token claiming to be from K03 (replayed/relabelled). */
	sample(&f, "K03");
	receipt_sign(&f, sk4, bad, sizeof(bad));
	CHECK_INT("token signed by another kiosk's key rejected",
		  receipt_verify(bad, ring_lookup, &ring, NULL), RECEIPT_BAD_SIGNATURE);
	/* K03's genuine token relabelled as K04 (same length id): signature breaks. */
	{
		unsigned char bin[200];
		int n = base32_decode(tok, strlen(tok), bin, sizeof(bin));
		bin[4] = '4';	/* version, len, 'K', '0', '3' */
		base32_encode(bin, (size_t)n, bad, sizeof(bad));
		CHECK_INT("token relabelled to another kiosk rejected",
			  receipt_verify(bad, ring_lookup, &ring, NULL), RECEIPT_BAD_SIGNATURE);
	}
	ring.k[0].revoked = 1;
	CHECK_INT("revoked kiosk rejected", receipt_verify(tok, ring_lookup, &ring, NULL), RECEIPT_REVOKED);
	ring.k[0].revoked = 0;

	/* URL form, as the QR holds it and as a phone may send it. */
	CHECK_INT("url", receipt_url("https://hub.example.it/", tok, url, sizeof(url)), 0);
	CHECK("url upper case with /R/", !strncmp(url, "HTTPS://HUB.EXAMPLE.IT/R/", 25));
	CHECK("url in QR alphanumeric charset",
	      strspn(url, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:") == strlen(url));
	CHECK_INT("url verifies", receipt_verify(url, ring_lookup, &ring, NULL), RECEIPT_OK);
	{
		char sub[RECEIPT_URL_MAX];
		receipt_url("https://Hub.Example.it/dote//", "ABC", sub, sizeof(sub));
		CHECK_STR("url keeps the case of a path prefix", sub, "HTTPS://HUB.EXAMPLE.IT/dote/R/ABC");
		receipt_url("http://127.0.0.1:8470", "ABC", sub, sizeof(sub));
		CHECK_STR("url with port", sub, "HTTP://127.0.0.1:8470/R/ABC");
		/* Only absolute URLs go into a QR code: a phone cannot open
		 * '/R/TOKEN'. */
		CHECK_INT("url: empty base refused", receipt_url("", "ABC", sub, sizeof(sub)), -1);
		CHECK_INT("url: relative base refused", receipt_url("/dote", "ABC", sub, sizeof(sub)), -1);
		CHECK_INT("url: host without scheme refused", receipt_url("hub.example.it", "ABC", sub, sizeof(sub)), -1);
		CHECK_INT("url: scheme without host refused", receipt_url("https:///", "ABC", sub, sizeof(sub)), -1);
		CHECK_INT("url: space refused", receipt_url("https://hub example.it", "ABC", sub, sizeof(sub)), -1);
		CHECK_INT("url: odd scheme refused", receipt_url("ht-tp://hub.it", "ABC", sub, sizeof(sub)), -1);
	}
	for (char *p = url; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	CHECK_INT("lower-cased url verifies", receipt_verify(url, ring_lookup, &ring, NULL), RECEIPT_OK);
	CHECK_INT("garbage rejected", receipt_verify("HTTPS://X/R/HELLO WORLD", ring_lookup, &ring, NULL),
		  RECEIPT_MALFORMED);
	CHECK_INT("empty rejected", receipt_verify("", ring_lookup, &ring, NULL), RECEIPT_MALFORMED);

	/* Fields out of range are refused at signing time. */
	sample(&f, "k03");
	CHECK_INT("lower-case kiosk id refused", receipt_sign(&f, sk3, bad, sizeof(bad)), -1);
	sample(&f, "K03");
	f.seq = 0;
	CHECK_INT("seq 0 refused", receipt_sign(&f, sk3, bad, sizeof(bad)), -1);
}

/* Random damage to a genuine token (bit flips in the decoded bytes,
 * cuts, insertions, random strings) never verifies and never crashes. */
static void test_random_damage(void)
{
	unsigned char pk[32], sk[64], bin[200];
	struct keyring ring = { .n = 1 };
	struct receipt_fields f;
	char tok[RECEIPT_TOKEN_MAX], bad[RECEIPT_TOKEN_MAX * 2];
	int accepted = 0, n;
	crypto_sign_keypair(pk, sk);
	ring.k[0].id = "K03";
	memcpy(ring.k[0].pk, pk, 32);
	sample(&f, "K03");
	receipt_sign(&f, sk, tok, sizeof(tok));
	n = base32_decode(tok, strlen(tok), bin, sizeof(bin));
	for (int i = 0; i < 20000; i++) {
		unsigned char copy[200];
		memcpy(copy, bin, (size_t)n);
		switch (i % 4) {
		case 0:	/* flip 1..3 bits */
			for (int k = 0; k <= (int)(randombytes_uniform(3)); k++)
				copy[randombytes_uniform((uint32_t)n)] ^= (unsigned char)(1u << randombytes_uniform(8));
			base32_encode(copy, (size_t)n, bad, sizeof(bad));
			break;
		case 1:	/* cut the bytes short */
			base32_encode(copy, randombytes_uniform((uint32_t)n), bad, sizeof(bad));
			break;
		case 2:	/* insert a character into the text */
			str_copy(bad, sizeof(bad), tok);
			{
				size_t at = randombytes_uniform((uint32_t)strlen(bad));
				memmove(bad + at + 1, bad + at, strlen(bad) - at + 1);
				bad[at] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[randombytes_uniform(32)];
			}
			break;
		default:	/* random base32 of a plausible length */
			randombytes_buf(copy, (size_t)n);
			copy[0] = RECEIPT_VERSION;
			copy[1] = 3;
			memcpy(copy + 2, "K03", 3);
			base32_encode(copy, (size_t)n, bad, sizeof(bad));
		}
		if (receipt_verify(bad, ring_lookup, &ring, NULL) == RECEIPT_OK && strcmp(bad, tok))
			accepted++;
	}
	CHECK_INT("20000 randomly damaged tokens: none accepted", accepted, 0);
}

static void test_db_lookup(void)
{
	sqlite3 *db = db_open(":memory:", DB_SYNC_FULL);
	unsigned char pk[32], sk[64];
	struct receipt_fields f, got;
	char tok[RECEIPT_TOKEN_MAX];
	sqlite3_stmt *st;
	crypto_sign_keypair(pk, sk);
	db_exec(db, "INSERT INTO comune(istat, name, province, province_name, region, belfiore)"
		    " VALUES ('015146', 'Milano', 'MI', 'Milano', 'Lombardia', 'F205')");
	st = db_prepare(db, "INSERT INTO kiosk(id, comune, public_key) VALUES ('K03', '015146', ?1)");
	sqlite3_bind_blob(st, 1, pk, 32, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
	sample(&f, "K03");
	receipt_sign(&f, sk, tok, sizeof(tok));
	CHECK_INT("verify against kiosk table", receipt_verify_db(db, tok, &got), RECEIPT_OK);
	db_exec(db, "UPDATE kiosk SET status = 'revoked'");
	CHECK_INT("revoked in kiosk table", receipt_verify_db(db, tok, &got), RECEIPT_REVOKED);
	{
		char hex[65], sql[200];
		sodium_bin2hex(hex, sizeof(hex), pk, 32);
		snprintf(sql, sizeof(sql), "UPDATE kiosk SET status = 'active', public_key = '%s'", hex);
		db_exec(db, sql);
		CHECK_INT("hex key in kiosk table (hub store)", receipt_verify_db(db, tok, &got), RECEIPT_OK);
	}
	db_exec(db, "DELETE FROM kiosk");
	CHECK_INT("unknown in kiosk table", receipt_verify_db(db, tok, &got), RECEIPT_UNKNOWN_KEY);
	db_close(db);
}

static void test_identity(void)
{
	char dir[] = "/tmp/dote-identity-XXXXXX", key[256];
	struct kiosk_identity a, b;
	struct stat st;
	memset(&a, 0, sizeof(a));
	CHECK("mkdtemp", mkdtemp(dir) != NULL);
	CHECK_INT("create key", identity_create_key(dir, &a), 0);
	CHECK_INT("refuses to overwrite key", identity_create_key(dir, &b), -1);
	snprintf(key, sizeof(key), "%s/key", dir);
	CHECK("secret key mode 0600", stat(key, &st) == 0 && (st.st_mode & 0777) == 0600);
	str_copy(a.id, sizeof(a.id), "K03");
	str_copy(a.comune, sizeof(a.comune), "015146");
	str_copy(a.token, sizeof(a.token), "bearer-secret");
	CHECK_INT("save", identity_save(dir, &a), 0);
	snprintf(key, sizeof(key), "%s/token", dir);
	CHECK("token mode 0600", stat(key, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK_INT("load", identity_load(dir, &b), 0);
	CHECK("loaded keys match", !memcmp(a.pk, b.pk, 32) && !memcmp(a.sk, b.sk, 64));
	CHECK_STR("loaded id", b.id, "K03");
	CHECK_STR("loaded comune", b.comune, "015146");
	CHECK_STR("loaded token", b.token, "bearer-secret");
	identity_wipe(&b);
	CHECK("wipe clears secret key", sodium_is_zero(b.sk, 64) && !b.token[0]);
	snprintf(key, sizeof(key), "%s/key", dir);
	chmod(key, 0644);
	CHECK_INT("load repairs key mode", identity_load(dir, &b), 0);
	CHECK("key mode back to 0600", stat(key, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK_INT("missing identity", identity_load("/nonexistent/dote", &b), -1);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("warning: could not remove %s\n", dir);
}

static void test_qr(void)
{
	struct qr_code qr;
	CHECK_INT("qr_make", qr_make("HTTPS://HUB.EXAMPLE.IT/R/ABC234", &qr), 0);
	CHECK("qr width is a QR size", qr.width >= 21 && (qr.width - 17) % 4 == 0);
	qr_free(&qr);
	CHECK_INT("qr_make empty fails", qr_make("", &qr), -1);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	util_quiet(1);
	test_base32();
	test_tokens();
	test_random_damage();
	test_db_lookup();
	test_identity();
	test_qr();
	return check_done();
}
