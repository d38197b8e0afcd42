/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The kiosk's submit transaction: a valid application gets a protocol,
 * a UUIDv7, an outbox row and a receipt token that verifies; one person
 * may apply once per call; bad fields and closed placements change
 * nothing; a storage failure half-way leaves nothing behind. Names that
 * are only spaces or carry bidi controls, and phone numbers that are
 * not phone numbers, are refused by the rules the hub applies too.
 */
#include "core/application.h"
#include "core/cf.h"
#include "core/db.h"
#include "core/demo.h"
#include "core/files.h"
#include "core/identity.h"
#include "core/receipt.h"
#include "core/util.h"
#include "tests/unit/check.h"

#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <time.h>

static sqlite3 *db;
static struct kiosk_identity kiosk;
static char open_code[32], open_code2[32], closed_code[32];

static void person(struct application *a, const char *placement, const char *surname,
		   const char *birth)
{
	memset(a, 0, sizeof(*a));
	str_copy(a->placement_code, sizeof(a->placement_code), placement);
	cf_compute(surname, "Giulia", 'F', birth, "F205", a->cf, sizeof(a->cf));
	str_copy(a->given_name, sizeof(a->given_name), "Giulia");
	str_copy(a->family_name, sizeof(a->family_name), surname);
	str_copy(a->phone, sizeof(a->phone), "+39 333 1234567");
	str_copy(a->email, sizeof(a->email), "giulia@example.it");
	str_copy(a->residence, sizeof(a->residence), "015146");
	str_copy(a->applicant_status, sizeof(a->applicant_status), "unemployed");
	str_copy(a->education, sizeof(a->education), "upper_secondary");
	str_copy(a->lang, sizeof(a->lang), "it");
}

static int64_t count(const char *sql)
{
	return db_int(db, sql, NULL, -1);
}

static void setup(void)
{
	struct demo_options o = { .seed = 1, .hosts = 5, .catalog_only = 1, .today = "2026-11-26" };
	struct demo_stats s;
	sqlite3_stmt *st;
	setenv("DOTE_NOW", "1795687200", 1);	/* 2026-11-26T10:00:00Z */
	setenv("TZ", "Europe/Rome", 1);
	tzset();
	db = db_open(":memory:", DB_SYNC_FULL);
	CHECK("demo catalog", db && demo_seed(db, &o, &s) == 0);
	db_text(db, "SELECT p.code FROM placement p JOIN call c ON c.id = p.call_id"
		    " WHERE c.status = 'open' AND p.status = 'open' ORDER BY p.code LIMIT 1", NULL,
		open_code, sizeof(open_code));
	db_text(db, "SELECT p.code FROM placement p JOIN call c ON c.id = p.call_id"
		    " WHERE c.status = 'open' AND p.status = 'open' ORDER BY p.code DESC LIMIT 1", NULL,
		open_code2, sizeof(open_code2));
	db_text(db, "SELECT p.code FROM placement p JOIN call c ON c.id = p.call_id"
		    " WHERE c.status = 'closed' LIMIT 1", NULL, closed_code, sizeof(closed_code));
	CHECK("catalog has open and closed placements", open_code[0] && open_code2[0] && closed_code[0] &&
	      strcmp(open_code, open_code2));
	crypto_sign_keypair(kiosk.pk, kiosk.sk);
	str_copy(kiosk.id, sizeof(kiosk.id), "K03");
	str_copy(kiosk.comune, sizeof(kiosk.comune), "015146");
	/* The hub side of the check: the kiosk's public key in the kiosk table. */
	st = db_prepare(db, "INSERT INTO kiosk(id, comune, public_key) VALUES ('K03', '015146', ?1)");
	sqlite3_bind_blob(st, 1, kiosk.pk, 32, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

static void test_submit(void)
{
	struct application a, b;
	struct receipt_fields f;
	char token[RECEIPT_TOKEN_MAX], err[200], hash[65], want[65], sql[256], stored[RECEIPT_TOKEN_MAX];

	person(&a, open_code, "Bianchi", "1995-03-04");
	CHECK_INT("valid application submitted", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_OK);
	CHECK_STR("protocol", a.protocol, "DC-015146-K03-2026-000001");
	CHECK_INT("seq 1", a.seq, 1);
	CHECK("uuid is v7", strlen(a.uuid) == 36 && a.uuid[14] == '7');
	CHECK_STR("submitted_at", a.submitted_at, "2026-11-26T10:00:00Z");
	CHECK_STR("status received", a.status, "received");
	CHECK_INT("age from codice fiscale", a.age, 31);
	CHECK("token returned", token[0] != '\0');
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM application a JOIN outbox o USING (uuid) WHERE a.uuid = '%s'", a.uuid);
	CHECK_INT("application and outbox row", count(sql), 1);
	db_text(db, "SELECT receipt FROM application WHERE uuid = ?1", a.uuid, stored, sizeof(stored));
	CHECK_STR("signed token stored in application.receipt", stored, token);
	application_person_hash(a.call_id, a.cf, hash, sizeof(hash));
	db_text(db, "SELECT cf_hash FROM application WHERE uuid = ?1", a.uuid, want, sizeof(want));
	CHECK_STR("cf_hash is the person hash", want, hash);
	CHECK_INT("token verifies", receipt_verify_db(db, token, &f), RECEIPT_OK);
	CHECK_STR("token names the protocol", f.protocol, a.protocol);
	CHECK_STR("token names the uuid", f.uuid, a.uuid);
	CHECK_STR("token names the placement", f.placement_code, open_code);
	CHECK("connection is synchronous=FULL", count("PRAGMA synchronous") >= 2);

	/* Same person, same call, another placement, typed in lower case. */
	person(&b, open_code2, "Bianchi", "1995-03-04");
	for (char *p = b.cf; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	CHECK_INT("same person, same call: duplicate", application_submit(db, &kiosk, &b, token, sizeof(token), err, sizeof(err)), SUBMIT_DUPLICATE);
	CHECK("duplicate: no token, no protocol", !token[0] && !b.protocol[0]);
	CHECK_INT("duplicate: nothing stored", count("SELECT count(*) FROM application"), 1);
	/* Still a duplicate once the hub acknowledged the first and the kiosk forgot the person. */
	db_exec(db, "UPDATE application SET cf = NULL, given_name = NULL, family_name = NULL,"
		    " phone = NULL, email = NULL, acked_at = '2026-11-26T10:01:00Z'");
	db_exec(db, "DELETE FROM outbox");
	person(&b, open_code, "Bianchi", "1995-03-04");
	CHECK_INT("duplicate after ack", application_submit(db, &kiosk, &b, token, sizeof(token), err, sizeof(err)), SUBMIT_DUPLICATE);

	person(&b, open_code, "Verdi", "2001-07-21");
	CHECK_INT("another person", application_submit(db, &kiosk, &b, token, sizeof(token), err, sizeof(err)), SUBMIT_OK);
	CHECK_STR("protocol seq 2", b.protocol, "DC-015146-K03-2026-000002");
	application_wipe(&b);
	CHECK("wipe clears personal fields", !b.cf[0] && !b.given_name[0] && !b.family_name[0] &&
	      !b.phone[0] && !b.email[0] && !b.birth_date[0]);
	CHECK_STR("wipe keeps the protocol for the receipt", b.protocol, "DC-015146-K03-2026-000002");
}

static void test_rejects(void)
{
	struct application a;
	char token[RECEIPT_TOKEN_MAX], err[200];
	int64_t before = count("SELECT count(*) FROM application");

	person(&a, open_code, "Neri", "1990-01-01");
	a.cf[15] = a.cf[15] == 'A' ? 'B' : 'A';
	CHECK_INT("bad check character", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_INVALID);
	CHECK("error names the field cf", !strncmp(err, "cf:", 3));
	person(&a, open_code, "Neri", "1990-01-01");
	str_copy(a.email, sizeof(a.email), "not-an-email");
	CHECK_INT("bad e-mail", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_INVALID);
	CHECK("error names the field email", !strncmp(err, "email:", 6));
	person(&a, open_code, "Neri", "1990-01-01");
	a.given_name[0] = '\0';
	CHECK_INT("missing name", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_INVALID);
	person(&a, open_code, "Neri", "1990-01-01");
	str_copy(a.given_name, sizeof(a.given_name), "Giu\x01lia");
	CHECK_INT("control character in name", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_INVALID);
	person(&a, open_code, "Neri", "1990-01-01");
	str_copy(a.education, sizeof(a.education), "wizard");
	CHECK_INT("unknown education", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_INVALID);
	person(&a, open_code, "Neri", "1990-01-01");
	str_copy(a.residence, sizeof(a.residence), "999999");
	CHECK_INT("unknown residence", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_INVALID);
	person(&a, open_code, "Neri", "1990-01-01");
	a.phone[0] = a.email[0] = '\0';
	CHECK_INT("no way to contact", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_INVALID);
	/* Names and phone numbers: core/application.h's rules, which the
	 * hub applies to every record too. */
	person(&a, open_code, "Neri", "1990-01-01");
	str_copy(a.given_name, sizeof(a.given_name), " \xc2\xa0 ");
	CHECK_INT("name only spaces (NBSP)", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_INVALID);
	CHECK("error names the field given_name", !strncmp(err, "given_name:", 11));
	person(&a, open_code, "Neri", "1990-01-01");
	str_copy(a.family_name, sizeof(a.family_name), "Neri\xe2\x80\xae" "irot");
	CHECK_INT("name with a bidi override U+202E", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_INVALID);
	CHECK("error names the field family_name", !strncmp(err, "family_name:", 12));
	person(&a, open_code, "Neri", "1990-01-01");
	str_copy(a.phone, sizeof(a.phone), "chiamami");
	CHECK_INT("phone of letters", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_INVALID);
	CHECK("error names the field phone", !strncmp(err, "phone:", 6));
	person(&a, "NOPE-000", "Neri", "1990-01-01");
	CHECK_INT("unknown placement", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_CLOSED);
	person(&a, closed_code, "Neri", "1990-01-01");
	CHECK_INT("closed call", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_CLOSED);
	CHECK_INT("rejects stored nothing", count("SELECT count(*) FROM application"), before);
	CHECK("rejects returned no token", !token[0]);

	/* Storage fails after the application row: the whole submit rolls back. */
	db_exec(db, "CREATE TRIGGER outbox_fail BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END");
	person(&a, open_code, "Neri", "1990-01-01");
	CHECK_INT("outbox failure is an error", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_ERROR);
	CHECK("outbox failure: no token, no protocol", !token[0] && !a.protocol[0] && !a.uuid[0]);
	CHECK_INT("outbox failure: no application left", count("SELECT count(*) FROM application"), before);
	db_exec(db, "DROP TRIGGER outbox_fail");
	person(&a, open_code, "Neri", "1990-01-01");
	CHECK_INT("works again after the failure", application_submit(db, &kiosk, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_OK);
	CHECK_STR("sequence has no gap", a.protocol, "DC-015146-K03-2026-000003");

	struct kiosk_identity none = kiosk;
	none.id[0] = '\0';
	person(&a, open_code, "Gialli", "1990-01-01");
	CHECK_INT("kiosk without id refuses", application_submit(db, &none, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_ERROR);
}

/* The shared rules one by one (the hub's record_check uses them). */
static void test_contact_rules(void)
{
	static const struct { const char *name; int ok; } names[] = {
		{ "Giulia", 1 }, { "D'Amico-Nguyễn", 1 }, { "Zoë Ana", 1 }, { "Łukasz", 1 },
		{ "王芳", 1 }, { "Mario II", 1 }, { "", 0 }, { "   ", 0 }, { ".-'", 0 },
		{ "\xc2\xa0\xe3\x80\x80", 0 },			/* NBSP, ideographic space */
		{ "Rossi\xe2\x80\xae" "annA", 0 },		/* U+202E RLO */
		{ "\xe2\x80\xaaMario", 0 },			/* U+202A LRE */
		{ "Mario\xe2\x81\xa6", 0 },			/* U+2066 LRI */
		{ "Mario\xe2\x81\xa9", 0 },			/* U+2069 PDI */
		{ "Mario\xe2\x80\x8f", 0 },			/* U+200F RLM */
		{ "Mar\xc2\x85io", 0 },				/* U+0085 NEL */
		{ "Mar\x01io", 0 }, { "Mar\xffio", 0 },
	};
	static const struct { const char *phone; int ok; } phones[] = {
		{ "", 1 }, { "+39 333 1234567", 1 }, { "02-1234.567", 1 }, { "333123", 1 },
		{ "12345", 0 }, { "1234567890123456", 0 }, { "333 abc 4567", 0 }, { "39+333123456", 0 },
		{ "=1+333123456", 0 }, { "333\t1234567", 0 },
	};
	char label[96];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(label, sizeof(label), "name %zu %s", i, names[i].ok ? "accepted" : "refused");
		CHECK_INT(label, application_name_ok(names[i].name), names[i].ok);
	}
	for (size_t i = 0; i < sizeof(phones) / sizeof(phones[0]); i++) {
		snprintf(label, sizeof(label), "phone %zu %s", i, phones[i].ok ? "accepted" : "refused");
		CHECK_INT(label, application_phone_ok(phones[i].phone), phones[i].ok);
	}
}

static sqlite3 *fresh_db(void)
{
	struct demo_options o = { .seed = 1, .hosts = 5, .catalog_only = 1, .today = "2026-11-26" };
	struct demo_stats s;
	sqlite3 *d = db_open(":memory:", DB_SYNC_FULL);
	if (!d || demo_seed(d, &o, &s))
		return NULL;
	return d;
}

/* A kiosk whose database is lost keeps its state dir: it must not hand
 * out the same protocol numbers again. */
static void test_seq_survives_db_loss(void)
{
	char dir[] = "/tmp/dote-seq-XXXXXX", path[128], cmd[160], *text;
	struct kiosk_identity k;
	struct application a;
	char token[RECEIPT_TOKEN_MAX], err[200];
	sqlite3 *d1, *d2;
	memset(&k, 0, sizeof(k));
	CHECK("seq: state dir", mkdtemp(dir) && identity_create_key(dir, &k) == 0);
	str_copy(k.id, sizeof(k.id), "K07");
	str_copy(k.comune, sizeof(k.comune), "015146");
	d1 = fresh_db();
	person(&a, open_code, "Rossi", "1990-02-03");
	CHECK_INT("seq: first submit", application_submit(d1, &k, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_OK);
	CHECK_STR("seq: first protocol", a.protocol, "DC-015146-K07-2026-000001");
	person(&a, open_code, "Galli", "1990-02-03");
	application_submit(d1, &k, &a, token, sizeof(token), err, sizeof(err));
	CHECK_STR("seq: second protocol", a.protocol, "DC-015146-K07-2026-000002");
	snprintf(path, sizeof(path), "%s/seq-K07", dir);
	text = file_read(path, 64, NULL);
	CHECK_STR("seq: block reserved in the state dir", text ? text : "", "1000\n");
	free(text);
	db_close(d1);

	/* The database is gone; the state dir is not. */
	d2 = fresh_db();
	person(&a, open_code, "Rossi", "1990-02-03");
	CHECK_INT("seq: submit on a new database", application_submit(d2, &k, &a, token, sizeof(token), err, sizeof(err)), SUBMIT_OK);
	CHECK_STR("seq: numbering resumes after the reserved block", a.protocol, "DC-015146-K07-2026-001001");
	person(&a, open_code, "Galli", "1990-02-03");
	application_submit(d2, &k, &a, token, sizeof(token), err, sizeof(err));
	CHECK_STR("seq: then counts on", a.protocol, "DC-015146-K07-2026-001002");
	/* A crash between reserving and committing: the file is ahead. */
	file_write_atomic(path, "5000\n", 5, 0600);
	person(&a, open_code, "Ferri", "1990-02-03");
	application_submit(d2, &k, &a, token, sizeof(token), err, sizeof(err));
	CHECK_STR("seq: a reservation the database missed is skipped", a.protocol, "DC-015146-K07-2026-005001");
	db_close(d2);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("# could not remove %s\n", dir);
}

static void test_person_hash(void)
{
	char a[65], b[65], c[65];
	application_person_hash(4, "RSSMRA85T10A562S", a, sizeof(a));
	application_person_hash(4, "rssmra85t10a562s", b, sizeof(b));
	application_person_hash(5, "RSSMRA85T10A562S", c, sizeof(c));
	CHECK_INT("person hash is 64 hex", (long)strspn(a, "0123456789abcdef"), 64);
	CHECK_STR("person hash ignores case", a, b);
	CHECK("person hash differs per call", strcmp(a, c) != 0);
}

static void test_doc(void)
{
	struct receipt_doc d;
	char proto[48];
	db_text(db, "SELECT protocol FROM application ORDER BY seq LIMIT 1", NULL, proto, sizeof(proto));
	CHECK_INT("receipt doc loads", receipt_doc_load(db, proto, "http://hub.example.it:8470", &d), 0);
	CHECK_STR("receipt doc protocol", d.protocol, proto);
	CHECK_STR("receipt doc local time", d.when, "26/11/2026 11:00");
	CHECK("receipt doc url", !strncmp(d.url, "HTTP://HUB.EXAMPLE.IT:8470/R/", 29));
	CHECK_INT("receipt doc url verifies", receipt_verify_db(db, d.url, NULL), RECEIPT_OK);
	CHECK("receipt doc comune name", d.comune_name[0] != '\0');
	CHECK_INT("receipt doc unknown protocol", receipt_doc_load(db, "DC-X", "", &d), 1);
	/* An offline kiosk with no receipt page: the receipt has no QR code,
	 * never a relative URL a phone could not open. */
	CHECK_INT("receipt doc without a base URL loads", receipt_doc_load(db, proto, "", &d), 0);
	CHECK_STR("receipt doc without a base URL has no QR URL", d.url, "");
	CHECK_STR("receipt doc without a base URL keeps its protocol", d.protocol, proto);
	util_quiet(1);
	CHECK_INT("receipt doc with a relative base URL loads", receipt_doc_load(db, proto, "/dote", &d), 0);
	util_quiet(0);
	CHECK_STR("receipt doc with a relative base URL has no QR URL", d.url, "");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	util_quiet(1);
	setup();
	test_submit();
	test_rejects();
	test_contact_rules();
	test_person_hash();
	test_doc();
	test_seq_survives_db_loss();
	db_close(db);
	return check_done();
}
