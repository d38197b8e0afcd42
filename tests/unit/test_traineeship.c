/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A running placement on a SQLite hub (reports/store/traineeship.c):
 * started from a selected application, attendance events signed by the
 * comune's kiosk (and refused from another comune's kiosk, for someone
 * with no placement, forged, or sent twice), an illness day, a missing
 * sign-out the tutor fixes with a reason, the months confirmed (not
 * before they end, not with a sign-out missing), one month under 80%,
 * the allowance list with its figures, marked paid, and a reopening.
 * The expected amounts are worked out in this file from the calendar
 * (Python's datetime gave the working days: November from the 16th 11,
 * December 21 with the 8th and the 25th off).
 */
#include "reports/store/store.h"
#include "reports/store/traineeship.h"
#include "reports/store/trainee_badge.h"
#include "reports/store/doc_key.h"
#include "core/attendance.h"
#include "reports/web/placement_pdf.h"
#include "core/files.h"
#include "core/receipt.h"
#include "core/placement.h"
#include "core/util.h"
#include "tests/unit/check.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#define ARGS(...) (&(struct store_args){ .v = { __VA_ARGS__ }, \
	.n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)) })
#define CF "RSSMRA85T10A562S"
#define U2 "0190a3c4-1234-7abc-8def-0123456789ac"
#define U1 "0190a3c4-1234-7abc-8def-0123456789ab"

static unsigned char sk1[64], sk2[64];
static int64_t seq;

/* Local (Europe/Rome) time of a day at h:m. */
static int64_t at_local(const char *day, int h, int m)
{
	struct tm tm = { 0 };
	sscanf(day, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static void sign(const char *kiosk, const char *comune, const unsigned char *sk, const char *cf,
		 int64_t at, int kind, char *tok)
{
	struct attendance_signed f = { "", "", ++seq, at, kind, "" };
	str_copy(f.kiosk_id, sizeof(f.kiosk_id), kiosk);
	str_copy(f.comune, sizeof(f.comune), comune);
	str_copy(f.cf, sizeof(f.cf), cf);
	attendance_sign(&f, sk, tok, ATTENDANCE_TOKEN_MAX);
}

/* K01 signs a trainee in at 09:00 and out at 13:00 on day (out unless
 * no_out); returns how many events were stored. */
static int day_at_kiosk(struct store *s, const struct store_kiosk *k, const char *day, int no_out)
{
	char tok[ATTENDANCE_TOKEN_MAX], err[200];
	int n = 0;
	sign(k->id, k->comune, sk1, CF, at_local(day, 9, 0), ATTENDANCE_IN, tok);
	n += traineeship_kiosk_event(s, k, tok, err, sizeof(err)) == TE_STORED;
	if (!no_out) {
		sign(k->id, k->comune, sk1, CF, at_local(day, 13, 0), ATTENDANCE_OUT, tok);
		n += traineeship_kiosk_event(s, k, tok, err, sizeof(err)) == TE_STORED;
	}
	return n;
}

/* receipt_key_lookup for the document key alone. */
static int doc_lookup(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked)
{
	if (strcmp(kiosk_id, "DOC"))
		return 1;
	memcpy(pk, ctx, 32);
	*revoked = 0;
	return 0;
}

/* Lines of the whole database's dump (sqlite3 .dump, or pg_dump) that
 * hold text; -1 when the dump could not be made. */
static int dump_count(const char *db, int pg, const char *text)
{
	char cmd[1200], out[] = "/tmp/test_traineeship_dump_XXXXXX", *line = NULL;
	size_t cap = 0;
	FILE *f;
	int n = 0, fd = mkstemp(out);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd), pg ? "pg_dump '%s' > %s 2>/dev/null" : "sqlite3 -batch '%s' .dump > %s 2>/dev/null",
		 db, out);
	if (system(cmd) || !(f = fopen(out, "r"))) {
		unlink(out);
		return -1;
	}
	while (getline(&line, &cap, f) > 0)
		n += strstr(line, text) != NULL;
	free(line);
	fclose(f);
	unlink(out);
	return n;
}

/* The document key's file as 128 hex digits into hex (else ""), and its
 * mode into *mode. */
static void key_file(const char *db, int pg, char hex[130], unsigned *mode)
{
	char kp[400];
	struct stat stt;
	FILE *f;
	hex[0] = '\0';
	*mode = 0;
	if (pg)
		snprintf(kp, sizeof(kp), "%s", getenv("DOTE_HUB_KEY"));
	else
		snprintf(kp, sizeof(kp), "%s.document-key", db);
	if (!stat(kp, &stt))
		*mode = stt.st_mode & 0777;
	if ((f = fopen(kp, "r"))) {
		if (!fgets(hex, 130, f))
			hex[0] = '\0';
		fclose(f);
	}
	hex[strcspn(hex, "\n")] = '\0';
}

static const char *one(struct store *s, const char *sql, const char *arg)
{
	static char buf[256];
	if (store_text(s, sql, arg ? ARGS(arg) : NULL, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "(none)");
	return buf;
}

/* A hub of before the key file and the hashed QRs: its document key in
 * the setting table, a document signed with it, a personal QR kept in
 * clear. Migrated: the QR becomes its hash, the key goes to its file
 * and leaves the table, and the old document still verifies. */
static void legacy_hub(struct store *s, const char *db, int pg)
{
	unsigned char lpk[32], lsk[64], dk[32], pk[32], sk[64];
	char lpkh[65], lskh[129], tok[RECEIPT_TOKEN_MAX], clear[BADGE_TEXT_MAX], h[BADGE_HASH_MAX], hex[130];
	char kp[400], other[130];
	struct receipt_fields f = { 0 };
	unsigned mode;
	int r;
	if (pg)
		snprintf(kp, sizeof(kp), "%s", getenv("DOTE_HUB_KEY"));
	else
		snprintf(kp, sizeof(kp), "%s.document-key", db);
	unlink(kp);
	crypto_sign_keypair(lpk, lsk);
	sodium_bin2hex(lpkh, sizeof(lpkh), lpk, 32);
	sodium_bin2hex(lskh, sizeof(lskh), lsk, 64);
	store_exec(s, "DELETE FROM setting WHERE key IN ('document_secret_key', 'document_public_key')", NULL);
	store_exec(s, "INSERT INTO setting(key, value) VALUES ('document_secret_key', ?1), ('document_public_key', ?2)",
		   ARGS(lskh, lpkh));
	f.version = RECEIPT_VERSION;
	str_copy(f.kiosk_id, sizeof(f.kiosk_id), "DOC");
	str_copy(f.comune, sizeof(f.comune), "015146");
	str_copy(f.uuid, sizeof(f.uuid), U1);
	str_copy(f.placement_code, sizeof(f.placement_code), "P1");
	f.year = 2026;
	f.seq = 7;
	f.submitted = 1794816000;
	receipt_sign(&f, lsk, tok, sizeof(tok));
	badge_new(clear, sizeof(clear));
	store_exec(s, "INSERT INTO trainee_badge(uuid, badge, issue, issued_at, issued_by)"
		      " VALUES ('legacy', ?1, 1, '2026-01-01T00:00:00Z', 'old')", ARGS(clear));
	CHECK_INT("an old hub's database holds its QR in clear", dump_count(db, pg, clear), 1);
	if (pg)
		store_exec(s, "DELETE FROM store_schema WHERE fingerprint LIKE 'traineeship:%'", NULL);
	else
		store_exec(s, "UPDATE schema_version SET version = 5 WHERE component = 'traineeship'", NULL);
	CHECK_INT("the old hub's database migrated", traineeship_migrate(s), 0);
	badge_hash(clear, h, sizeof(h));
	CHECK_STR("its personal QR is now its hash",
		  one(s, "SELECT badge FROM trainee_badge WHERE uuid = 'legacy'", NULL), h);
	CHECK_INT("the QR itself is in no row", dump_count(db, pg, clear), 0);
	CHECK_INT("the old hub's document key moved", doc_key_move(s), 0);
	key_file(db, pg, hex, &mode);
	CHECK("the file holds the old key, mode 0600", !strcmp(hex, lskh) && mode == 0600);
	CHECK_STR("the setting table has it no more",
		  one(s, "SELECT count(*) FROM setting WHERE key = 'document_secret_key'", NULL), "0");
	CHECK_INT("nor any row of the dump", dump_count(db, pg, lskh), 0);
	CHECK("a document signed before the move still verifies",
	      traineeship_doc_key(s, dk) == 0 && receipt_verify(tok, doc_lookup, dk, &f) == RECEIPT_OK && f.seq == 7);
	store_begin(s);
	r = doc_key_load(s, pk, sk);
	store_rollback(s);
	CHECK("the hub signs on with the same key", r == 0 && !memcmp(pk, lpk, 32));
	CHECK_INT("moved once: nothing left to move", doc_key_move(s), 0);
	/* Another hub's key file is refused, not used. */
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(other, sizeof(other), sk, 64);
	file_write_atomic(kp, other, 128, 0600);
	store_begin(s);
	r = doc_key_load(s, pk, sk);
	store_rollback(s);
	CHECK_INT("a key file that is not this database's is refused", r, -1);
	unlink(kp);
	store_begin(s);
	r = doc_key_load(s, pk, sk);
	store_rollback(s);
	CHECK_INT("a missing key file with a key on record is refused", r, -1);
	CHECK("and no new key was made", access(kp, F_OK) != 0);
	sodium_memzero(lsk, sizeof(lsk));
	sodium_memzero(sk, sizeof(sk));
}

int main(void)
{
	char path[] = "/tmp/test_traineeship_XXXXXX", err[300], pk1[65], pk2[65], tok[ATTENDANCE_TOKEN_MAX];
	unsigned char pk[32];
	struct store *s;
	struct store_kiosk k1 = { "K01", "015146", 0, { 0 }, 1 }, k2 = { "K02", "015209", 0, { 0 }, 1 };
	struct traineeship_start st = { U1, "2026-11-16", 40, "tutor.milano", "Mario Bianchi (AnciLab)" };
	struct register_month *m = calloc(1, sizeof(*m));
	struct allowance_line *lines = NULL;
	size_t n = 0;
	int fd = mkstemp(path), stored = 0;
	const char *db = path;	/* or a postgres:// URL: tests/e2e/traineeship_pg.sh */

	setenv("TZ", "Europe/Rome", 1);
	tzset();
	setenv("DOTE_NOW", "1794816000", 1);	/* 2026-11-16T08:00:00Z */
	if (sodium_init() < 0 || !m)
		return 1;
	close(fd);
	unlink(path);
	if (getenv("DOTE_TEST_PG_URL") && *getenv("DOTE_TEST_PG_URL"))
		db = getenv("DOTE_TEST_PG_URL");
	printf("# store: %s\n", db == path ? "SQLite" : "PostgreSQL");
	s = store_open(db);
	CHECK("open", s != NULL);
	if (!s)
		return check_done();
	CHECK_INT("migrate", traineeship_migrate(s), 0);
	crypto_sign_keypair(pk, sk1);
	sodium_bin2hex(pk1, sizeof(pk1), pk, 32);
	crypto_sign_keypair(pk, sk2);
	sodium_bin2hex(pk2, sizeof(pk2), pk, 32);
	store_exec(s, "INSERT INTO kiosk(id, comune, public_key) VALUES ('K01', '015146', ?1), ('K02', '015209', ?2)",
		   ARGS(pk1, pk2));
	store_exec(s, "INSERT INTO call(id, code, title, region, opens, deadline, rules) VALUES"
		      " (1, 'C1', 'Avviso', 'Lombardia', '2026-01-01', '2026-12-31',"
		      " '{\"allowance\": {\"threshold\": 80, \"below\": \"proportional\"}}')", NULL);
	store_exec(s, "INSERT INTO placement(id, code, call_id, comune, area, office, title, address, months,"
		      " hours_week, allowance_eur, qrsp, seats, deadline) VALUES"
		      " (1, 'P1', 1, '015146', 'library', 'Biblioteca', 'Prestito', 'Via 1', 3, 20, 400, 'Q', 2,"
		      " '2026-06-30')", NULL);
	store_exec(s, "INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune,"
		      " cf_hash, cf, given_name, family_name, sex, applicant_status, education, submitted_at, status)"
		      " VALUES ('0190a3c4-1234-7abc-8def-0123456789ab', 'P-1', 'K01', 1, 1, 'P1', '015146', 'h1', ?1, 'Anna', 'Rossi', 'F',"
		      " 'unemployed', 'master', '2026-03-01T09:00:00Z', 'selected'),"
		      " ('u-2', 'P-2', 'K01', 2, 1, 'P1', '015146', 'h2', 'BNCLCU90A01F205X', 'Luca', 'Bianchi', 'M',"
		      " 'unemployed', 'master', '2026-03-01T09:01:00Z', 'received'),"
		      " ('" U2 "', 'P-3', 'K01', 3, 1, 'P1', '015146', 'h3', 'VRDGLI92C41F205Z', 'Giulia', 'Verdi', 'F',"
		      " 'unemployed', 'master', '2026-03-01T09:02:00Z', 'selected')", ARGS(CF));

	/* Start. */
	st.classroom_hours = 10;
	CHECK_INT("start refuses 10 classroom hours", traineeship_start(s, &st, "tutor.milano", err, sizeof(err)), 2);
	st.classroom_hours = 40;
	st.uuid = "u-2";
	CHECK_INT("start refuses someone not selected", traineeship_start(s, &st, "tutor.milano", err, sizeof(err)), 2);
	st.uuid = U1;
	CHECK_INT("start", traineeship_start(s, &st, "tutor.milano", err, sizeof(err)), 0);
	if (err[0])
		printf("start said: %s\n", err);
	CHECK_STR("application is now started", one(s, "SELECT status FROM application WHERE uuid = ?1", U1),
		  "started");
	CHECK_STR("end date from 3 months", one(s, "SELECT end_date FROM traineeship WHERE uuid = ?1", U1),
		  "2027-02-15");
	CHECK_STR("weekly minutes from the placement",
		  one(s, "SELECT weekly_minutes FROM traineeship WHERE uuid = ?1", U1), "1200");
	/* The progetto formativo: signed, rendered, read back. */
	{
		struct traineeship_doc doc;
		char token[RECEIPT_TOKEN_MAX], url[RECEIPT_URL_MAX], pdfpath[300], cmd[700], out[8192];
		char *pdf = NULL;
		size_t len = 0, got = 0;
		struct receipt_fields rf;
		unsigned char dpk[32];
		FILE *p;
		CHECK_INT("document signed", traineeship_doc_sign(s, U1, token, sizeof(token)), 0);
		CHECK_INT("document key stored", traineeship_doc_key(s, dpk), 0);
		{
			char hex[130];
			unsigned mode;
			key_file(db, db != path, hex, &mode);
			CHECK("the document key's secret half is in its own file, mode 0600",
			      strlen(hex) == 128 && mode == 0600);
			CHECK_STR("and not in the setting table",
				  one(s, "SELECT count(*) FROM setting WHERE key LIKE 'document_secret%'", NULL), "0");
			CHECK_INT("nor anywhere in the database's dump", dump_count(db, db != path, hex), 0);
		}
		CHECK_INT("document token verifies with the hub's document key",
			  receipt_verify(token, doc_lookup, dpk, &rf), RECEIPT_OK);
		CHECK("document token names the placement", !strcmp(rf.uuid, U1) && !strcmp(rf.placement_code, "P1") &&
		      !strcmp(rf.kiosk_id, "DOC") && rf.seq == 1);
		CHECK_INT("document data", traineeship_doc_data(s, U1, &doc), 0);
		receipt_url("http://127.0.0.1:8470", token, url, sizeof(url));
		CHECK_INT("progetto formativo rendered", progetto_pdf(&doc, url, &pdf, &len), 0);
		{
			const char *bin = getenv("DOTE_BIN");
			char tampered[RECEIPT_URL_MAX];
			snprintf(cmd, sizeof(cmd), "%s/dote receipt verify '%s' --db '%s' >/dev/null 2>&1",
				 bin ? bin : "build/bin", url, db);
			CHECK_INT("dote receipt verify accepts the document's QR", system(cmd), 0);
			str_copy(tampered, sizeof(tampered), url);
			tampered[strlen(tampered) - 3] = tampered[strlen(tampered) - 3] == 'A' ? 'B' : 'A';
			snprintf(cmd, sizeof(cmd), "%s/dote receipt verify '%s' --db '%s' >/dev/null 2>&1",
				 bin ? bin : "build/bin", tampered, db);
			CHECK("dote receipt verify refuses an altered document", system(cmd) != 0);
		}
		snprintf(pdfpath, sizeof(pdfpath), "%s.pdf", path);
		file_write_atomic(pdfpath, pdf, len, 0644);
		free(pdf);
		snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 %s - 2>/dev/null", pdfpath);
		if ((p = popen(cmd, "r"))) {
			got = fread(out, 1, sizeof(out) - 1, p);
			pclose(p);
		}
		out[got] = '\0';
		CHECK("progetto: trainee, codice fiscale, dates, hours, allowance, tutors",
		      strstr(out, "Anna Rossi") && strstr(out, CF) && strstr(out, "dal 16/11/2026 al 15/02/2027") &&
		      strstr(out, "20 ore settimanali") && strstr(out, "40 ore di formazione") &&
		      strstr(out, "400,00 €") && strstr(out, "Mario Bianchi (AnciLab)") && strstr(out, "Comune di Milano"));
		snprintf(cmd, sizeof(cmd), "pdftoppm -r 150 -png %s %s.page && zbarimg -q --raw %s.page-*.png 2>/dev/null;"
			 " rm -f %s.page-*.png", pdfpath, path, path, path);
		got = 0;
		if ((p = popen(cmd, "r"))) {
			got = fread(out, 1, sizeof(out) - 1, p);
			pclose(p);
		}
		out[got] = '\0';
		str_trim(out);
		CHECK_STR("progetto: the QR decodes to the document's URL", out, url);
		unlink(pdfpath);
	}
	CHECK_INT("start twice refused", traineeship_start(s, &st, "tutor.milano", err, sizeof(err)), 2);

	/* November: every working day from the 16th but the 20th (ill). */
	{
		const char *nov[] = { "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-23",
				      "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30" };
		for (size_t i = 0; i < ARRAY_SIZE(nov); i++)
			stored += day_at_kiosk(s, &k1, nov[i], 0);
	}
	CHECK_INT("november events stored", stored, 20);
	CHECK_INT("illness on the 20th", traineeship_absence_set(s, U1, "2026-11-20", "illness", "tutor.milano",
								 err, sizeof(err)), 0);

	/* Refusals. */
	sign("K01", "015146", sk1, CF, at_local("2026-11-16", 9, 0) + 20, ATTENDANCE_IN, tok);
	CHECK_INT("a second scan 20 s later: the same event", traineeship_kiosk_event(s, &k1, tok, err, sizeof(err)),
		  TE_ALREADY);
	sign("K01", "015146", sk1, CF, at_local("2026-11-20", 9, 0), ATTENDANCE_IN, tok);
	traineeship_kiosk_event(s, &k1, tok, err, sizeof(err));
	CHECK_INT("the same token again: already stored", traineeship_kiosk_event(s, &k1, tok, err, sizeof(err)),
		  TE_ALREADY);
	store_exec(s, "DELETE FROM attendance_event WHERE token = ?1", ARGS(tok));
	CHECK_INT("an event sent by another kiosk than its signer",
		  traineeship_kiosk_event(s, &k2, tok, err, sizeof(err)), TE_REFUSED);
	sign("K02", "015209", sk2, CF, at_local("2026-11-17", 14, 0), ATTENDANCE_IN, tok);
	CHECK_INT("another comune's kiosk: refused", traineeship_kiosk_event(s, &k2, tok, err, sizeof(err)),
		  TE_REFUSED);
	CHECK_STR("another comune's kiosk: why", err, "no running placement for this person in this comune");
	sign("K01", "015146", sk1, "BNCLCU90A01F205X", at_local("2026-11-17", 9, 0), ATTENDANCE_IN, tok);
	CHECK_INT("someone with no placement: refused", traineeship_kiosk_event(s, &k1, tok, err, sizeof(err)),
		  TE_REFUSED);
	sign("K01", "015146", sk2, CF, at_local("2026-11-17", 9, 0), ATTENDANCE_IN, tok);
	CHECK_INT("forged (signed with another key): refused", traineeship_kiosk_event(s, &k1, tok, err, sizeof(err)),
		  TE_REFUSED);
	{
		json_t *body, *ans = NULL, *roster = NULL;
		char t1[ATTENDANCE_TOKEN_MAX], t2[ATTENDANCE_TOKEN_MAX];
		sign("K01", "015146", sk1, CF, at_local("2026-11-20", 9, 0), ATTENDANCE_IN, t1);
		sign("K02", "015209", sk2, CF, at_local("2026-11-20", 9, 0), ATTENDANCE_IN, t2);
		body = json_pack("{s:[s,s,i]}", "events", t1, t2, 7);
		CHECK_INT("a kiosk's batch", traineeship_kiosk_batch(s, &k1, body, &ans), 0);
		CHECK("batch: stored, refused, refused in order",
		      ans && json_integer_value(json_object_get(ans, "stored")) == 1 &&
		      json_integer_value(json_object_get(ans, "refused")) == 2 &&
		      !strcmp(json_string_value(json_object_get(json_array_get(json_object_get(ans, "results"), 1), "result")), "refused"));
		json_decref(ans);
		CHECK_INT("the same batch again", traineeship_kiosk_batch(s, &k1, body, &ans), 0);
		CHECK_INT("batch again: already", json_integer_value(json_object_get(ans, "already")), 1);
		json_decref(ans);
		json_decref(body);
		store_exec(s, "DELETE FROM attendance_event WHERE token = ?1", ARGS(t1));
		body = json_pack("{s:s}", "events", "x");
		CHECK_INT("a malformed batch", traineeship_kiosk_batch(s, &k1, body, &ans), 1);
		json_decref(ans);
		json_decref(body);
		CHECK_INT("roster", traineeship_roster(s, "015146", &roster), 0);
		CHECK("roster: the trainee with initials and dates", json_array_size(roster) == 1 &&
		      !strcmp(json_string_value(json_object_get(json_array_get(roster, 0), "cf")), CF) &&
		      !strcmp(json_string_value(json_object_get(json_array_get(roster, 0), "initials")), "A. R.") &&
		      !strcmp(json_string_value(json_object_get(json_array_get(roster, 0), "end")), "2027-02-15"));
		json_decref(roster);
		traineeship_roster(s, "015209", &roster);
		CHECK_INT("another comune's roster is empty", json_array_size(roster), 0);
		json_decref(roster);
	}
	/* The personal QR: issued once, reissued when lost; the roster
	 * carries the hash of the one valid now. */
	{
		char b1[BADGE_TEXT_MAX], b2[BADGE_TEXT_MAX], again[BADGE_TEXT_MAX], h[BADGE_HASH_MAX];
		int issue = 0;
		json_t *roster = NULL;
		CHECK_INT("personal QR issued", trainee_badge_get(s, U1, 0, "tutor.milano", b1, sizeof(b1), &issue, err,
								  sizeof(err)), 0);
		CHECK("its text and number", !strncmp(b1, "DCP-", 4) && strlen(b1) == 30 && issue == 1);
		trainee_badge_get(s, U1, 0, "tutor.milano", again, sizeof(again), &issue, err, sizeof(err));
		CHECK("asked again: the same one", !strcmp(again, b1) && issue == 1);
		CHECK_INT("reissued", trainee_badge_get(s, U1, 1, "tutor.milano", b2, sizeof(b2), &issue, err, sizeof(err)), 0);
		CHECK("a new one, number 2", strcmp(b2, b1) && issue == 2);
		trainee_badge_get(s, U1, 0, "tutor.milano", again, sizeof(again), &issue, err, sizeof(err));
		CHECK("reprinted: the new one again", !strcmp(again, b2) && issue == 2);
		CHECK_INT("the first QR is in no row of the database", dump_count(db, db != path, b1), 0);
		CHECK_INT("nor the second", dump_count(db, db != path, b2), 0);
		CHECK_INT("none for an unknown placement",
			  trainee_badge_get(s, "nobody", 0, "tutor.milano", again, sizeof(again), NULL, err, sizeof(err)), 1);
		traineeship_roster(s, "015146", &roster);
		badge_hash(b2, h, sizeof(h));
		CHECK("the roster carries the new QR's hash, not the QR",
		      json_array_size(roster) == 1 &&
		      !strcmp(json_string_value(json_object_get(json_array_get(roster, 0), "badge")), h));
		json_decref(roster);
		CHECK_STR("both audited", one(s, "SELECT count(*) FROM traineeship_audit WHERE uuid = ?1 AND action LIKE 'badge%'", U1),
			  "2");
		/* A QR issued before the hub kept only hashes (its hash now,
		 * from the migration): it cannot be derived, so no reprint,
		 * with the way out said; a new one can be issued. */
		{
			char old[BADGE_TEXT_MAX], oh[BADGE_HASH_MAX], b3[BADGE_TEXT_MAX];
			badge_new(old, sizeof(old));
			badge_hash(old, oh, sizeof(oh));
			store_exec(s, "UPDATE trainee_badge SET badge = ?2, issue = 1 WHERE uuid = ?1", ARGS(U1, oh));
			err[0] = '\0';
			CHECK_INT("an old QR cannot be reprinted",
				  trainee_badge_get(s, U1, 0, "tutor.milano", again, sizeof(again), &issue, err, sizeof(err)), 2);
			CHECK("the office is told to issue a new one", strstr(err, "Nuovo QR personale") != NULL && !again[0]);
			CHECK_INT("a new one is issued",
				  trainee_badge_get(s, U1, 1, "tutor.milano", b3, sizeof(b3), &issue, err, sizeof(err)), 0);
			CHECK("number 2 again, the same as derived before", issue == 2 && !strcmp(b3, b2));
		}
	}
	CHECK_STR("nothing stored by the refusals",
		  one(s, "SELECT count(*) FROM attendance_event WHERE uuid = ?1", U1), "20");

	/* November's register. */
	CHECK_INT("november register", traineeship_month(s, U1, "2026-11", m), 0);
	CHECK_INT("november expects 11 days x 4h", m->allowance.exp.expected_minutes, 11 * 240);
	CHECK_INT("november attended 10 x 4h", m->allowance.attended_minutes, 10 * 240);
	CHECK_INT("november one illness day", m->absence_days[0], 1);
	CHECK_STR("the 20th shows illness", m->days[19].absence, "illness");
	CHECK_STR("the 16th signed in at 09:00", m->days[15].first_in, "09:00");
	CHECK_INT("confirm refused before the month ends",
		  traineeship_confirm(s, U1, "2026-11", "tutor.milano", err, sizeof(err)), 2);

	/* December: the working days to the 18th, the 3rd without sign-out. */
	{
		const char *dec[] = { "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-07",
				      "2026-12-09", "2026-12-10", "2026-12-11", "2026-12-14", "2026-12-15",
				      "2026-12-16", "2026-12-17", "2026-12-18" };
		for (size_t i = 0; i < ARRAY_SIZE(dec); i++)
			day_at_kiosk(s, &k1, dec[i], !strcmp(dec[i], "2026-12-03"));
	}
	setenv("DOTE_NOW", "1798790400", 1);	/* 2027-01-01T20:00:00Z */
	CHECK_INT("confirm november", traineeship_confirm(s, U1, "2026-11", "tutor.milano", err, sizeof(err)), 0);
	if (err[0])
		printf("confirm said: %s\n", err);
	CHECK_INT("confirm november twice refused",
		  traineeship_confirm(s, U1, "2026-11", "tutor.milano", err, sizeof(err)), 2);
	traineeship_month(s, U1, "2026-12", m);
	CHECK_INT("december: one missing sign-out", m->missing_out, 1);
	CHECK_INT("confirm refused with a sign-out missing",
		  traineeship_confirm(s, U1, "2026-12", "tutor.milano", err, sizeof(err)), 2);
	CHECK_INT("fix needs a reason",
		  traineeship_event_fix(s, U1, at_local("2026-12-03", 13, 0), ATTENDANCE_OUT, "tutor.milano", "",
					err, sizeof(err)), 2);
	CHECK_INT("tutor fixes the sign-out",
		  traineeship_event_fix(s, U1, at_local("2026-12-03", 13, 0), ATTENDANCE_OUT, "tutor.milano",
					"badge dimenticato, uscita confermata dal responsabile", err, sizeof(err)), 0);
	CHECK_STR("the fix is audited with its reason",
		  one(s, "SELECT note FROM traineeship_audit WHERE uuid = ?1 AND action = 'attendance_fix'", U1),
		  "uscita 2026-12-03 13:00: badge dimenticato, uscita confermata dal responsabile");
	CHECK_INT("confirm december", traineeship_confirm(s, U1, "2026-12", "tutor.milano", err, sizeof(err)), 0);

	/* The allowance: November full (10/11 days, over 80%), pro rata of
	 * the month: 400 x 11/21 = 209.52; December 13 of 21 days = 61.9%,
	 * under 80%, proportional: 400 x 3120/5040 = 247.62. */
	CHECK_INT("allowance list november", traineeship_allowance(s, "2026-11", "", &lines, &n), 0);
	CHECK_INT("one line", n, 1);
	if (n == 1) {
		CHECK_INT("november due", lines[0].due_cents, 40000 * 11 * 2 / 21 / 2 + (40000 * 11 % 21 * 2 >= 21));
		CHECK_STR("november why", lines[0].why, "full");
		CHECK_STR("november name", lines[0].family_name, "Rossi");
	}
	free(lines);
	traineeship_allowance(s, "2026-12", "015146", &lines, &n);
	CHECK_INT("december one line", n, 1);
	if (n == 1) {
		CHECK_INT("december attended 13 x 4h", lines[0].attended_minutes, 13 * 240);
		CHECK_INT("december rate 61.9%", lines[0].rate_permille, 3120 * 1000 / 5040);
		CHECK_INT("december due in proportion", lines[0].due_cents, (40000LL * 3120 * 2 + 5040) / (5040 * 2));
		CHECK_STR("december why", lines[0].why, "reduced");
		CHECK("december explain", strstr(lines[0].explain, "61,9%") && strstr(lines[0].explain, "247,62"));
	}
	free(lines);
	traineeship_allowance(s, "2026-12", "015209", &lines, &n);
	CHECK_INT("another comune sees none", n, 0);
	free(lines);

	CHECK_INT("mark november paid", traineeship_mark_paid(s, "2026-11", "", "coord.lombardia"), 1);
	CHECK_INT("reopen of a paid month refused",
		  traineeship_reopen(s, U1, "2026-11", "coord.lombardia", "errore", err, sizeof(err)), 2);
	CHECK_INT("reopen december with a reason",
		  traineeship_reopen(s, U1, "2026-12", "coord.lombardia", "ore d'aula mancanti", err, sizeof(err)), 0);
	CHECK_STR("reopen audited", one(s, "SELECT note FROM traineeship_audit WHERE action = 'reopen' AND uuid = ?1",
					U1), "2026-12: ore d'aula mancanti");
	traineeship_allowance(s, "2026-12", "", &lines, &n);
	CHECK_INT("a reopened month is not in the allowance", n, 0);
	free(lines);
	{
		struct late_register *late = NULL;
		size_t nl = 0;
		CHECK_INT("late registers before the 10th", traineeship_late(s, "2026-12", "", "2027-01-10", &late, &nl), 0);
		CHECK_INT("none late on the 10th", nl, 0);
		free(late);
		traineeship_late(s, "2026-12", "", "2027-01-11", &late, &nl);
		CHECK("the reopened december is late on the 11th", nl == 1 && !strcmp(late[0].uuid, U1) &&
		      !strcmp(late[0].deadline, "2027-01-10") && !strcmp(late[0].tutor, "tutor.milano"));
		free(late);
		traineeship_late(s, "2026-11", "", "2027-01-11", &late, &nl);
		CHECK_INT("the confirmed november is not late", nl, 0);
		free(late);
		traineeship_late(s, "2026-12", "015209", "2027-01-11", &late, &nl);
		CHECK_INT("another comune has none late", nl, 0);
		free(late);
	}

	/* `dote allowance` prints the same figures. */
	CHECK_INT("confirm december again", traineeship_confirm(s, U1, "2026-12", "tutor.milano", err, sizeof(err)), 0);
	store_close(s);
	{
		const char *bin = getenv("DOTE_BIN");
		char cmd[600], out[4096];
		size_t got = 0;
		FILE *p;
		snprintf(cmd, sizeof(cmd), "%s/dote allowance --month 2026-12 --excel-it --db '%s'",
			 bin ? bin : "build/bin", db);
		p = popen(cmd, "r");
		if (p) {
			got = fread(out, 1, sizeof(out) - 1, p);
			pclose(p);
		}
		out[got] = '\0';
		static const char head[] = "\xEF\xBB\xBF" "comune;placement;cognome;nome;codice_fiscale;";
		CHECK("dote allowance CSV starts with the BOM and the header", !strncmp(out, head, sizeof(head) - 1));
		if (strncmp(out, "\xEF\xBB\xBF", 3))
			printf("dote allowance --excel-it printed:\n%.300s\n", out);
		CHECK("dote allowance CSV: the december line",
		      strstr(out, "015146;P1;Rossi;Anna;" CF ";21;21;0;84,00;52,00;61,9;400,00;247,62;reduced;") != NULL);
		snprintf(cmd, sizeof(cmd), "%s/dote allowance --month 2026-11 --db '%s'", bin ? bin : "build/bin", db);
		p = popen(cmd, "r");
		got = 0;
		if (p) {
			got = fread(out, 1, sizeof(out) - 1, p);
			pclose(p);
		}
		out[got] = '\0';
		CHECK("dote allowance table: november total", strstr(out, "Totale dovuto: 209,52 EUR") != NULL);
		if (!strstr(out, "209,52"))
			printf("dote allowance printed:\n%s\n", out);
	}
	/* The end: a second trainee drops out for a job; the first completes
	 * with an evaluation and gets the certificate. */
	s = store_open(db);
	{
		struct traineeship_start st2 = { U2, "2026-11-16", 30, "tutor.milano", "Mario Bianchi (AnciLab)" };
		struct traineeship_ending drop = { "dropped_out", "2026-12-20", "job", "assunta da un'azienda", NULL, NULL };
		struct traineeship_ending done = { "completed", "2027-02-15", NULL, "",
						   "Accoglienza del pubblico; prestito e catalogazione", "Ottimo impegno e puntualità." };
		struct traineeship_doc doc;
		json_t *roster = NULL;
		char token[RECEIPT_TOKEN_MAX], url[RECEIPT_URL_MAX], pdfpath[300], cmd[700], out[8192];
		char *pdf = NULL;
		size_t len = 0, got = 0;
		int minutes = 0;
		FILE *p;
		CHECK_INT("start the second trainee", traineeship_start(s, &st2, "tutor.milano", err, sizeof(err)), 0);
		drop.reason = "bored";
		CHECK_INT("dropout needs a known reason", traineeship_end(s, U2, &drop, "tutor.milano", err, sizeof(err)), 2);
		drop.reason = "job";
		CHECK_INT("dropout for a job", traineeship_end(s, U2, &drop, "tutor.milano", err, sizeof(err)), 0);
		CHECK_STR("application dropped out", one(s, "SELECT status FROM application WHERE uuid = ?1", U2), "dropped_out");
		CHECK_STR("dropout date and reason", one(s, "SELECT ended_on || ' ' || end_reason FROM traineeship WHERE uuid = ?1", U2),
			  "2026-12-20 job");
		traineeship_roster(s, "015146", &roster);
		CHECK_INT("the roster drops the trainee who left", json_array_size(roster), 1);
		json_decref(roster);
		{
			/* Employment at a follow-up after the end (the statistics'
			 * employed_after): only for an ended placement, dated
			 * between its end and today (2027-01-01), audited. */
			struct traineeship_followup fu;
			CHECK_INT("follow-up of a running placement refused",
				  traineeship_followup_set(s, U1, "employed", "2026-12-31", "tutor.milano", err, sizeof(err)), 2);
			CHECK_INT("follow-up before the end refused",
				  traineeship_followup_set(s, U2, "employed", "2026-12-19", "tutor.milano", err, sizeof(err)), 2);
			CHECK_INT("follow-up in the future refused",
				  traineeship_followup_set(s, U2, "employed", "2027-06-20", "tutor.milano", err, sizeof(err)), 2);
			CHECK_INT("follow-up with no valid date refused",
				  traineeship_followup_set(s, U2, "employed", "2026-13-01", "tutor.milano", err, sizeof(err)), 2);
			CHECK_INT("follow-up with an unknown status refused",
				  traineeship_followup_set(s, U2, "hired", "2026-12-31", "tutor.milano", err, sizeof(err)), 2);
			CHECK_INT("follow-up of an unknown placement",
				  traineeship_followup_set(s, "nope", "employed", "2026-12-31", "tutor.milano", err, sizeof(err)), 1);
			CHECK_INT("no follow-up yet", traineeship_followup_get(s, U2, &fu), 1);
			CHECK_INT("follow-up recorded",
				  traineeship_followup_set(s, U2, "not_employed", "2026-12-30", "tutor.milano", err, sizeof(err)), 0);
			CHECK_INT("follow-up corrected",
				  traineeship_followup_set(s, U2, "employed", "2027-01-01", "tutor.milano", err, sizeof(err)), 0);
			CHECK("the follow-up read back: the last one",
			      traineeship_followup_get(s, U2, &fu) == 0 && !strcmp(fu.status, "employed") &&
			      !strcmp(fu.date, "2027-01-01") && !strcmp(fu.by, "tutor.milano"));
			CHECK_STR("each follow-up audited",
				  one(s, "SELECT count(*) FROM traineeship_audit WHERE uuid = ?1 AND action = 'followup'", U2), "2");
			CHECK_STR("the audit says what was recorded",
				  one(s, "SELECT note FROM traineeship_audit WHERE uuid = ?1 AND action = 'followup' ORDER BY id DESC"
				      " LIMIT 1", U2), "employed 2027-01-01");
		}
		done.judgement = "";
		CHECK_INT("completion needs a judgement", traineeship_end(s, U1, &done, "tutor.milano", err, sizeof(err)), 2);
		done.judgement = "Ottimo impegno e puntualità.";
		CHECK_INT("completion", traineeship_end(s, U1, &done, "tutor.milano", err, sizeof(err)), 0);
		CHECK_STR("application completed", one(s, "SELECT status FROM application WHERE uuid = ?1", U1), "completed");
		traineeship_minutes_done(s, U1, &minutes);
		CHECK_INT("hours done: 10 + 13 days of 4h", minutes, 23 * 240);
		CHECK_INT("certificate data", traineeship_doc_data(s, U1, &doc), 0);
		traineeship_doc_sign(s, U1, token, sizeof(token));
		receipt_url("http://127.0.0.1:8470", token, url, sizeof(url));
		CHECK_INT("certificate rendered", certificate_pdf(&doc, url, &pdf, &len), 0);
		snprintf(pdfpath, sizeof(pdfpath), "%s.cert.pdf", path);
		file_write_atomic(pdfpath, pdf, len, 0644);
		free(pdf);
		snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 %s - 2>/dev/null", pdfpath);
		if ((p = popen(cmd, "r"))) {
			got = fread(out, 1, sizeof(out) - 1, p);
			pclose(p);
		}
		out[got] = '\0';
		CHECK("certificate: who, hours done as the register, competences, judgement",
		      strstr(out, "Anna Rossi") && strstr(out, "92 ore e 00 minuti") &&
		      strstr(out, "prestito e catalogazione") && strstr(out, "Ottimo impegno") &&
		      strstr(out, "dal 16/11/2026 al 15/02/2027"));
		snprintf(cmd, sizeof(cmd), "pdftoppm -r 150 -png %s %s.cert && zbarimg -q --raw %s.cert-*.png 2>/dev/null;"
			 " rm -f %s.cert-*.png", pdfpath, path, path, path);
		got = 0;
		if ((p = popen(cmd, "r"))) {
			got = fread(out, 1, sizeof(out) - 1, p);
			pclose(p);
		}
		out[got] = '\0';
		str_trim(out);
		CHECK_STR("certificate: the QR decodes to its URL", out, url);
		unlink(pdfpath);
		{
			json_t *c1 = NULL, *c2 = NULL;
			struct receipt_fields rf;
			const char *u;
			char b[BADGE_TEXT_MAX];
			unsigned char dk[32];
			traineeship_doc_key(s, dk);
			CHECK_INT("the kiosks' certificates", trainee_certificates(s, "015146", "2026-01-01", "http://127.0.0.1:8470",
										     &c1), 0);
			trainee_certificates(s, "015146", "2026-01-01", "http://127.0.0.1:8470", &c2);
			u = json_string_value(json_object_get(json_array_get(c1, 0), "url"));
			CHECK("one, completed, with the hours done", json_array_size(c1) == 1 &&
			      !strcmp(json_string_value(json_object_get(json_array_get(c1, 0), "cf")), CF) &&
			      json_integer_value(json_object_get(json_array_get(c1, 0), "minutes")) == 23 * 240 &&
			      json_object_get(json_array_get(c1, 0), "badge"));
			CHECK("signed once: the same URL each time",
			      u && !strcmp(u, json_string_value(json_object_get(json_array_get(c2, 0), "url"))));
			CHECK_INT("its token verifies as a document",
				  u && strstr(u, "/R/") ? (int)receipt_verify(strstr(u, "/R/") + 3, doc_lookup, dk, &rf) : -1, RECEIPT_OK);
			json_decref(c1);
			json_decref(c2);
			trainee_certificates(s, "015146", "2027-03-01", "http://127.0.0.1:8470", &c1);
			CHECK_INT("none ended since a later date", json_array_size(c1), 0);
			json_decref(c1);
			CHECK_INT("no new QR after the end", trainee_badge_get(s, U1, 1, "tutor.milano", b, sizeof(b), NULL, err,
									       sizeof(err)), 2);
		}
	}
	/* Retention: kept ten years after the end, then erased. Names stay
	 * with the records even if the application's are erased first. */
	store_exec(s, "UPDATE application SET given_name = NULL, family_name = NULL WHERE uuid = ?1", ARGS(U1));
	{
		struct allowance_line *ll = NULL;
		size_t nn = 0;
		traineeship_allowance(s, "2026-11", "", &ll, &nn);
		CHECK("the allowance keeps the trainee's name after the application's erasure",
		      nn == 1 && !strcmp(ll[0].family_name, "Rossi"));
		free(ll);
	}
	setenv("DOTE_NOW", "1924992000", 1);	/* 2031-01-01 */
	CHECK_INT("retention after 4 years: nothing erased", traineeship_retention(s, -1, "ops"), 0);
	setenv("DOTE_NOW", "2120000000", 1);	/* 2037-03-07 */
	CHECK_INT("retention after 10 years: both erased", traineeship_retention(s, -1, "ops"), 2);
	CHECK_STR("their events are gone", one(s, "SELECT count(*) FROM attendance_event WHERE uuid = ?1", U1), "0");
	CHECK_STR("their registers are gone", one(s, "SELECT count(*) FROM register_month WHERE uuid = ?1", U1), "0");
	CHECK_STR("their QR and certificate token are gone",
		  one(s, "SELECT (SELECT count(*) FROM trainee_badge WHERE uuid = ?1) + (SELECT count(*) FROM certificate_token WHERE uuid = ?1)", U1),
		  "0");
	CHECK_STR("their follow-up is gone", one(s, "SELECT count(*) FROM traineeship_followup WHERE uuid = ?1", U2), "0");
	legacy_hub(s, db, db != path);
	store_close(s);
	if (db == path) {
		/* A hub of before the follow-ups (traineeship schema 4)
		 * upgrades when opened. */
		s = store_open(path);
		store_exec(s, "DROP TABLE traineeship_followup", NULL);
		store_exec(s, "UPDATE schema_version SET version = 4 WHERE component = 'traineeship'", NULL);
		CHECK_STR("a hub of schema 4 has no follow-up table", one(s, "SELECT count(*) FROM traineeship_followup", NULL),
			  "(none)");
		store_close(s);
		s = store_open(path);
		CHECK_STR("opened again, it has the follow-up table (schema 5)",
			  one(s, "SELECT count(*) FROM traineeship_followup", NULL), "0");
		CHECK_STR("its traineeship schema is 6",
			  one(s, "SELECT version FROM schema_version WHERE component = 'traineeship'", NULL), "6");
		store_close(s);
	}
	free(m);
	unlink(path);
	snprintf(err, sizeof(err), "%s.document-key", path);
	unlink(err);
	return check_done();
}
