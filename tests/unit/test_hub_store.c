/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * reports/store on a SQLite hub database: enrolment codes work once,
 * tokens are stored hashed, a batch is stored once however often it is
 * sent, a record that fails re-validation is rejected with a reason
 * while its neighbours are stored, a second application by the same
 * person to the same call is flagged, status changes follow the allowed
 * transitions and are recorded with who and when, and the catalog's
 * ETag changes exactly when the catalog does. The hub trusts no kiosk:
 * a record whose receipt token is missing, forged, another kiosk's or
 * says something else than the record, or that fails the call's
 * eligibility rules (age, status, residence), is rejected with a plain
 * reason and nothing of it is stored. Nor does it believe everything a
 * kiosk says: submission times out of bounds (before the call opened,
 * more than 30 days old, ahead of the hub's clock), another comune's
 * placements, names of spaces or bidi controls and phone numbers that
 * are not are rejected; a batch naming hundreds of placements is judged
 * like any other; an idempotency key reused with other records is
 * refused; heartbeat usage out of bounds is refused, nothing stored.
 */
#include <stdlib.h>
#include <unistd.h>
#include "core/datetime.h"
#include "core/wire.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "tests/tools/gen.h"
#include "tests/unit/check.h"

/* n records of kiosk kid, each with the receipt its key signed. */
static json_t *batch(uint64_t seed, uint64_t first, int n, const char *kid, int64_t seq0)
{
	json_t *recs = json_array();
	struct application a;
	unsigned char pk[32], sk[64];
	char token[RECEIPT_TOKEN_MAX];
	int i;

	gen_kiosk_key(kid, pk, sk, NULL);
	for (i = 0; i < n; i++) {
		gen_application(&a, seed, first + (uint64_t)i, kid, "015146", seq0 + i, 1, "DC06-015146-001");
		if (gen_receipt(&a, "015146", sk, token, sizeof(token)))
			token[0] = '\0';
		json_array_append_new(recs, wire_application_to_json(&a, token));
	}
	return recs;
}

static long long num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static const char *reason(json_t *out, size_t i)
{
	const char *e = json_string_value(json_object_get(json_array_get(json_object_get(out, "results"), i), "error"));

	return e ? e : "";
}

/* The "error" of an answer, or "". */
static const char *error_of(json_t *out)
{
	const char *e = json_string_value(json_object_get(out, "error"));

	return e ? e : "";
}

static int applications(struct store *s)
{
	char n[24];

	if (store_text(s, "SELECT count(*) FROM application", NULL, n, sizeof(n)))
		return -1;
	return atoi(n);
}

/* Sends one record of K01 (person first of seed 7, sequence seq) after
 * change(record) and checks it is rejected with a reason starting with
 * want, and that nothing was stored. */
static void refused(struct store *s, const struct store_kiosk *k, const char *name, int64_t seq,
		    void (*change)(json_t *rec), const char *want)
{
	json_t *recs = batch(7, (uint64_t)seq, 1, "K01", seq), *out = NULL;
	int before = applications(s);
	char label[96];

	change(json_array_get(recs, 0));
	snprintf(label, sizeof(label), "%s-answered", name);
	CHECK_INT(label, store_ingest(s, k, recs, NULL, &out), 0);
	snprintf(label, sizeof(label), "%s-rejected", name);
	CHECK_INT(label, num(out, "rejected"), 1);
	snprintf(label, sizeof(label), "%s-reason", name);
	if (strncmp(reason(out, 0), want, strlen(want)))
		printf("# %s: reason '%s', want '%s...'\n", label, reason(out, 0), want);
	CHECK(label, !strncmp(reason(out, 0), want, strlen(want)));
	snprintf(label, sizeof(label), "%s-nothing-stored", name);
	CHECK_INT(label, applications(s), before);
	json_decref(out);
	json_decref(recs);
}

static void no_receipt(json_t *r)
{
	json_object_del(r, "receipt");
}

/* One character of the signature changed. */
static void forged_signature(json_t *r)
{
	char t[RECEIPT_TOKEN_MAX];
	size_t n;

	str_copy(t, sizeof(t), json_string_value(json_object_get(r, "receipt")));
	n = strlen(t);
	t[n - 5] = t[n - 5] == 'A' ? 'B' : 'A';
	json_object_set_new(r, "receipt", json_string(t));
}

/* A genuine receipt of another record of the same kiosk. */
static void other_records_receipt(json_t *r)
{
	json_t *other = batch(7, 999, 1, "K01", 999);

	json_object_set(r, "receipt", json_object_get(json_array_get(other, 0), "receipt"));
	json_decref(other);
}

/* The record relabelled as K01's, its receipt signed by K02 for it. */
static void other_kiosks_receipt(json_t *r)
{
	struct application a;
	unsigned char pk[32], sk[64];
	char token[RECEIPT_TOKEN_MAX], err[80], receipt[8];

	wire_application_from_json(r, &a, receipt, sizeof(receipt), err, sizeof(err));
	str_copy(a.kiosk_id, sizeof(a.kiosk_id), "K02");
	gen_kiosk_key("K02", pk, sk, NULL);
	gen_receipt(&a, "015146", sk, token, sizeof(token));
	json_object_set_new(r, "receipt", json_string(token));
}

/* The record moved one second earlier than its receipt says. */
static void other_time(json_t *r)
{
	char t[32];

	str_copy(t, sizeof(t), json_string_value(json_object_get(r, "submitted_at")));
	t[18] = t[18] == '0' ? '1' : '0';
	json_object_set_new(r, "submitted_at", json_string(t));
}

static void student(json_t *r)
{
	json_object_set_new(r, "applicant_status", json_string("student"));
}

static void lives_in_rome(json_t *r)
{
	json_object_set_new(r, "residence", json_string("058091"));
}

static void unchanged(json_t *r)
{
}

static void name_of_spaces(json_t *r)
{
	json_object_set_new(r, "given_name", json_string("   "));
}

static void name_with_rlo(json_t *r)
{
	json_object_set_new(r, "family_name", json_string("Rossi\xe2\x80\xae" "annA"));
}

static void phone_of_letters(json_t *r)
{
	json_object_set_new(r, "phone", json_string("not a phone"));
}

/* n records of K01 dated at t (a kiosk's clock), signed for them. */
static json_t *batch_at(time_t t, uint64_t first, int n, int64_t seq0)
{
	char clock[24];
	json_t *recs;

	snprintf(clock, sizeof(clock), "%lld", (long long)t);
	setenv("DOTE_NOW", clock, 1);
	recs = batch(7, first, n, "K01", seq0);
	unsetenv("DOTE_NOW");
	return recs;
}

/* The first record of a batch of K01 after ingest: its error or "stored". */
static void judged(struct store *s, const struct store_kiosk *k, const char *name, json_t *recs,
		   const char *want)
{
	json_t *out = NULL;
	char label[96];

	snprintf(label, sizeof(label), "%s-answered", name);
	CHECK_INT(label, store_ingest(s, k, recs, NULL, &out), 0);
	snprintf(label, sizeof(label), "%s", name);
	CHECK_STR(label, num(out, "stored") ? "stored" : reason(out, 0), want);
	json_decref(out);
	json_decref(recs);
}

/* The hub's own rules beyond the record's fields (issue 13). */
static void rules(struct store *s, const struct store_kiosk *k)
{
	json_t *recs, *recs2, *out = NULL, *body;
	char buf[64], code[32], id[16], why[128];
	time_t now = time(NULL);
	int before, i;

	/* Submission time: the call's opening, 30 days offline, 5 minutes
	 * ahead of the hub's clock. */
	judged(s, k, "time-backdated-2022", batch_at(1646128800, 100, 1, 100),
	       "submitted_at: more than 30 days before the hub received it");
	judged(s, k, "time-31-days-old", batch_at(now - 31 * 86400, 101, 1, 101),
	       "submitted_at: more than 30 days before the hub received it");
	judged(s, k, "time-an-hour-ahead", batch_at(now + 3600, 102, 1, 102),
	       "submitted_at: later than the hub's clock (more than 5 minutes ahead)");
	time_date(now, buf, sizeof(buf));
	store_exec(s, "UPDATE call SET opens = ?1", &(struct store_args){ { buf }, 1 });
	snprintf(why, sizeof(why), "submitted_at: before the call opened (%s)", buf);
	judged(s, k, "time-before-call-opened", batch_at(now - 3 * 86400, 103, 1, 103), why);
	store_exec(s, "UPDATE call SET opens = '2020-01-01'", NULL);
	recs = batch_at(now - 10 * 86400, 104, 1, 104);
	judged(s, k, "time-offline-10-days-stored", json_incref(recs), "stored");
	/* Its answer lost, sent again 25 days later (35 days old): 'already'. */
	snprintf(why, sizeof(why), "%lld", (long long)(now + 25 * 86400));
	setenv("DOTE_NOW", why, 1);
	CHECK_INT("time-resend-after-allowance-answered", store_ingest(s, k, recs, NULL, &out), 0);
	unsetenv("DOTE_NOW");
	CHECK_INT("time-resend-after-allowance-already", num(out, "already"), 1);
	json_decref(out);
	json_decref(recs);
	judged(s, k, "time-a-minute-ahead-stored", batch_at(now + 60, 105, 1, 105), "stored");

	/* One kiosk, one comune: K01 was enrolled for 015146. */
	store_exec(s, "INSERT INTO placement(id, code, call_id, comune, area, office, title, address,"
		      " months, hours_week, allowance_eur, qrsp, seats, deadline) VALUES (2,"
		      " 'DC06-015077-001', 1, '015077', 'registry', 'U', 'T', 'A', 12, 20, 500, 'Q', 2,"
		      " '2099-12-31')", NULL);
	recs = batch(7, 110, 1, "K01", 110);
	json_object_set_new(json_array_get(recs, 0), "comune", json_string("015077"));
	json_object_set_new(json_array_get(recs, 0), "placement_code", json_string("DC06-015077-001"));
	{
		/* Signed as a kiosk would for that comune and placement. */
		struct application a;
		unsigned char pk[32], sk[64];
		char token[RECEIPT_TOKEN_MAX], err[80], receipt[8];

		wire_application_from_json(json_array_get(recs, 0), &a, receipt, sizeof(receipt), err, sizeof(err));
		snprintf(a.protocol, sizeof(a.protocol), "DC-015077-K01-%.4s-%06d", a.submitted_at, 110);
		gen_kiosk_key("K01", pk, sk, NULL);
		gen_receipt(&a, "015077", sk, token, sizeof(token));
		json_object_set_new(json_array_get(recs, 0), "protocol", json_string(a.protocol));
		json_object_set_new(json_array_get(recs, 0), "receipt", json_string(token));
	}
	judged(s, k, "other-comune", recs, "comune: this kiosk is enrolled for comune 015146, not 015077");

	/* Names and phone numbers. */
	refused(s, k, "name-only-spaces", 120, name_of_spaces, "given_name: empty, only spaces");
	refused(s, k, "name-bidi-override", 121, name_with_rlo, "family_name: U+202E RIGHT-TO-LEFT OVERRIDE is a bidirectional control");
	refused(s, k, "phone-not-a-number", 122, phone_of_letters, "phone: not a phone number");

	/* A batch naming 300 placements (the cache held 128 and failed the
	 * commit): 150 unknown ones rejected each, 150 real ones stored. */
	for (i = 0; i < 150; i++) {
		snprintf(id, sizeof(id), "%d", 1000 + i);
		snprintf(code, sizeof(code), "DC06-015146-%03d", 100 + i);
		store_exec(s, "INSERT INTO placement(id, code, call_id, comune, area, office, title, address,"
			      " months, hours_week, allowance_eur, qrsp, seats, deadline) VALUES (?1, ?2, 1,"
			      " '015146', 'registry', 'U', 'T', 'A', 12, 20, 500, 'Q', 2, '2099-12-31')",
			   &(struct store_args){ { id, code }, 2 });
	}
	before = applications(s);
	recs = batch(7, 2000, 300, "K01", 2000);
	for (i = 0; i < 300; i++) {
		struct application a;
		unsigned char pk[32], sk[64];
		char token[RECEIPT_TOKEN_MAX], err[80], receipt[8];
		json_t *r = json_array_get(recs, (size_t)i);

		wire_application_from_json(r, &a, receipt, sizeof(receipt), err, sizeof(err));
		snprintf(a.placement_code, sizeof(a.placement_code), "%s-015146-%03d",
			 i < 150 ? "DC06" : "XX99", 100 + i % 150);
		gen_kiosk_key("K01", pk, sk, NULL);
		gen_receipt(&a, "015146", sk, token, sizeof(token));
		json_object_set_new(r, "placement_code", json_string(a.placement_code));
		json_object_set_new(r, "receipt", json_string(token));
	}
	CHECK_INT("batch-300-placements-answered", store_ingest(s, k, recs, NULL, &out), 0);
	CHECK_INT("batch-300-placements-stored", num(out, "stored"), 150);
	CHECK_INT("batch-300-placements-rejected", num(out, "rejected"), 150);
	CHECK_STR("batch-300-placements-reason", reason(out, 299), "placement_code: unknown placement");
	CHECK_INT("batch-300-placements-in-store", applications(s), before + 150);
	json_decref(out);
	json_decref(recs);

	/* Idempotency-Key: the same records replay, other records refused. */
	recs = batch(7, 3000, 2, "K01", 3000);
	recs2 = batch(7, 3010, 2, "K01", 3010);
	CHECK_INT("idem-first", store_ingest(s, k, recs, "idem-x", &out), 0);
	CHECK_INT("idem-first-stored", num(out, "stored"), 2);
	json_decref(out);
	before = applications(s);
	CHECK_INT("idem-other-records-refused", store_ingest(s, k, recs2, "idem-x", &out), 1);
	CHECK("idem-other-records-says-why",
	      strstr(error_of(out), "Idempotency-Key already used for another request") != NULL);
	CHECK_INT("idem-other-records-nothing-stored", applications(s), before);
	json_decref(out);
	CHECK_INT("idem-same-records-replayed", store_ingest(s, k, recs, "idem-x", &out), 0);
	CHECK_INT("idem-same-records-replayed-answer", num(out, "stored"), 2);
	json_decref(out);
	json_decref(recs);
	json_decref(recs2);

	/* Heartbeat usage: days from the kiosk's enrolment to tomorrow,
	 * counts up to 100000 a day; one bad row refuses the heartbeat. */
	time_date(now, buf, sizeof(buf));
	body = json_pack("{s:i, s:[{s:s, s:s, s:I}]}", "queue_depth", 9, "usage", "day", "1999-01-01",
			 "event", "session", "n", (json_int_t)9223372036854775807LL);
	CHECK_INT("usage-1999-refused", store_heartbeat(s, k, body, &out), 1);
	CHECK("usage-1999-says-why", strstr(error_of(out), "1999-01-01 is outside") != NULL);
	json_decref(out);
	json_decref(body);
	body = json_pack("{s:i, s:[{s:s, s:s, s:i}, {s:s, s:s, s:I}]}", "queue_depth", 9, "usage",
			 "day", buf, "event", "session", "n", 3, "day", buf, "event", "view", "n",
			 (json_int_t)100001);
	CHECK_INT("usage-huge-count-refused", store_heartbeat(s, k, body, &out), 1);
	CHECK_STR("usage-huge-count-says-why", error_of(out),
		  "usage[1].n: not a count from 0 to 100000 a day");
	json_decref(out);
	json_decref(body);
	CHECK_INT("usage-refused-nothing-stored", store_text(s, "SELECT count(*) || '/' ||"
		  " coalesce((SELECT queue_depth FROM kiosk WHERE id = 'K01'), -1) FROM usage_count",
		  NULL, code, sizeof(code)), 0);
	CHECK_STR("usage-refused-nothing-stored-value", code, "0/-1");
	body = json_pack("{s:i, s:[{s:s, s:s, s:i}]}", "queue_depth", 9, "usage", "day", buf, "event",
			 "session", "n", 3);
	CHECK_INT("usage-today-stored", store_heartbeat(s, k, body, &out), 0);
	json_decref(out);
	json_decref(body);
	CHECK_INT("usage-today-in-store", store_text(s, "SELECT sum(n) FROM usage_count", NULL, code,
						     sizeof(code)), 0);
	CHECK_STR("usage-today-in-store-value", code, "3");
	/* The catalog checks below count comune 015146's one placement. */
	store_exec(s, "DELETE FROM placement WHERE id >= 1000", NULL);
}

/* A record of K01 submitted at 23:30 UTC on 31 December 2026, already
 * 1 January 2027 in Italy, numbered and signed as the kiosk does: by
 * its local year (protocol_year). The clock is moved there for it. */
static json_t *new_year_record(int64_t seq, int protocol_year)
{
	struct application a;
	struct receipt_fields f;
	unsigned char pk[32], sk[64];
	char token[RECEIPT_TOKEN_MAX];
	json_t *recs = json_array();

	setenv("DOTE_NOW", "1798759800", 1);
	gen_application(&a, 7, (uint64_t)seq, "K01", "015146", seq, 1, "DC06-015146-001");
	snprintf(a.protocol, sizeof(a.protocol), "DC-015146-K01-%d-%06lld", protocol_year, (long long)seq);
	memset(&f, 0, sizeof(f));
	f.version = RECEIPT_VERSION;
	str_copy(f.kiosk_id, sizeof(f.kiosk_id), "K01");
	str_copy(f.comune, sizeof(f.comune), "015146");
	f.year = protocol_year;
	f.seq = seq;
	str_copy(f.uuid, sizeof(f.uuid), a.uuid);
	str_copy(f.placement_code, sizeof(f.placement_code), a.placement_code);
	f.submitted = 1798759800;
	gen_kiosk_key("K01", pk, sk, NULL);
	if (receipt_sign(&f, sk, token, sizeof(token)))
		token[0] = '\0';
	json_array_append_new(recs, wire_application_to_json(&a, token));
	return recs;
}

static void set_rules(struct store *s, const char *rules)
{
	store_exec(s, "UPDATE call SET rules = ?1", &(struct store_args){ { rules }, 1 });
}

int main(void)
{
	char path[] = "/tmp/test_hub_store_XXXXXX", dbp[64], code[32], token[80], token2[80], pk[65];
	char etag1[80], etag2[80], err[512], buf[64], pk2[65];
	unsigned char kpk[32], ksk[64];
	struct store_kiosk k, k2, auth;
	struct store *s;
	json_t *recs, *out, *cat;
	int fd = mkstemp(path);

	close(fd);
	snprintf(dbp, sizeof(dbp), "%s.db", path);
	util_quiet(1);
	s = store_open(dbp);
	CHECK("open", s != NULL);
	if (!s)
		return check_done();
	gen_kiosk_key("K01", kpk, ksk, pk);
	CHECK_INT("catalog-setup", store_exec(s, "INSERT INTO call(id, code, title, region, opens, deadline)"
		  " VALUES (1, '6/2025', 'T', 'Lombardia', '2020-01-01', '2099-12-31')", NULL), 1);
	CHECK_INT("placement-setup", store_exec(s, "INSERT INTO placement(id, code, call_id, comune, area,"
		  " office, title, address, months, hours_week, allowance_eur, qrsp, seats, deadline)"
		  " VALUES (1, 'DC06-015146-001', 1, '015146', 'registry', 'U', 'T', 'A', 12, 20, 500, 'Q',"
		  " 2, '2099-12-31')", NULL), 1);

	CHECK_INT("enroll-code-bad-comune", store_enroll_code_create(s, "999999", 60, code, sizeof(code)), -1);
	CHECK_INT("enroll-code", store_enroll_code_create(s, "015146", 60, code, sizeof(code)), 0);
	CHECK_INT("enroll", store_enroll(s, code, pk, "t", &k, token, sizeof(token)), 0);
	CHECK_STR("enroll-id", k.id, "K01");
	CHECK_INT("enroll-code-once", store_enroll(s, code, pk, "t", &k2, token2, sizeof(token2)), 1);
	CHECK_INT("token-hashed", store_text(s, "SELECT count(*) FROM kiosk WHERE token_hash = ?1",
		  &(struct store_args){ { token }, 1 }, buf, sizeof(buf)), 0);
	CHECK_STR("token-not-stored-plain", buf, "0");
	CHECK_INT("auth", store_kiosk_auth(s, token, &auth), 0);
	CHECK_STR("auth-id", auth.id, "K01");
	CHECK("auth-has-key", auth.has_key && !memcmp(auth.public_key, kpk, 32));
	CHECK_INT("auth-wrong", store_kiosk_auth(s, "x", &auth), 1);
	store_enroll_code_create(s, "015146", 60, code, sizeof(code));
	gen_kiosk_key("K02", kpk, ksk, pk2);
	CHECK_INT("enroll-second", store_enroll(s, code, pk2, "t2", &k2, token2, sizeof(token2)), 0);

	recs = batch(1, 0, 5, "K01", 1);
	json_object_set_new(json_array_get(recs, 2), "cf", json_string("RSSMRA85T10A562X"));
	CHECK_INT("ingest", store_ingest(s, &k, recs, NULL, &out), 0);
	CHECK_INT("ingest-stored", num(out, "stored"), 4);
	CHECK_INT("ingest-rejected", num(out, "rejected"), 1);
	CHECK_STR("ingest-reason", json_string_value(json_object_get(json_array_get(json_object_get(out, "results"), 2), "error")),
		  "cf: check character should be S");
	json_decref(out);
	CHECK_INT("resend", store_ingest(s, &k, recs, "key-1", &out), 0);
	CHECK_INT("resend-already", num(out, "already"), 4);
	CHECK_INT("resend-nothing-new", num(out, "stored"), 0);
	json_decref(out);
	json_decref(recs);
	recs = batch(1, 0, 1, "K01", 1);
	CHECK_INT("other-kiosk-record", store_ingest(s, &k2, recs, NULL, &out), 0);
	CHECK_INT("other-kiosk-record-rejected", num(out, "rejected"), 1);
	json_decref(out);
	json_decref(recs);
	recs = batch(1, 0, 1, "K02", 1);
	CHECK_INT("same-person-other-kiosk", store_ingest(s, &k2, recs, NULL, &out), 0);
	CHECK("duplicate-flagged", json_object_get(json_array_get(json_object_get(out, "results"), 0), "duplicate_of") != NULL);
	json_decref(out);
	json_decref(recs);
	CHECK_INT("count", store_text(s, "SELECT count(*) || '/' || count(duplicate_of) FROM application", NULL, buf, sizeof(buf)), 0);
	CHECK_STR("count-value", buf, "5/1");
	CHECK_INT("receipt-stored", store_text(s, "SELECT count(*) FROM application WHERE length(receipt) > 100", NULL, buf, sizeof(buf)), 0);
	CHECK_STR("receipt-stored-value", buf, "5");

	/* The receipt token: required, genuine, this kiosk's, this record's. */
	refused(s, &k, "receipt-missing", 20, no_receipt, "receipt: missing");
	refused(s, &k, "receipt-forged-signature", 21, forged_signature, "receipt: bad signature");
	refused(s, &k, "receipt-of-another-kiosk", 22, other_kiosks_receipt, "receipt: not issued by this kiosk");
	refused(s, &k, "receipt-of-another-record", 23, other_records_receipt, "receipt: its uuid is not the record's");
	refused(s, &k, "receipt-other-time", 24, other_time, "receipt: its submission time is not the record's");
	/* The call's eligibility rules, as the kiosk applies them (the test
	 * people are 22 to 34, unemployed or NEET, living in Milano). */
	set_rules(s, "{\"max_age\": 20}");
	refused(s, &k, "eligibility-age", 25, unchanged, "eligibility: max_age 20 (You are older than the maximum age");
	set_rules(s, "{\"statuses\": [\"unemployed\", \"neet\"]}");
	refused(s, &k, "eligibility-status", 26, student, "eligibility: statuses (This call is not open to people in your situation.)");
	set_rules(s, "{\"residence_region\": \"Lombardia\"}");
	refused(s, &k, "eligibility-residence", 27, lives_in_rome, "eligibility: residence_region (You must live in the region of this call.)");
	recs = batch(7, 28, 1, "K01", 28);
	CHECK_INT("eligible-stored", store_ingest(s, &k, recs, NULL, &out), 0);
	CHECK_INT("eligible-stored-count", num(out, "stored"), 1);
	json_decref(out);
	CHECK_INT("eligible-resend", store_ingest(s, &k, recs, NULL, &out), 0);
	CHECK_INT("eligible-resend-already", num(out, "already"), 1);
	json_decref(out);
	json_decref(recs);
	set_rules(s, "{}");

	/* New Year's night: the kiosk's local year is already the next one. */
	recs = new_year_record(40, 2027);
	CHECK_INT("new-year-answered", store_ingest(s, &k, recs, NULL, &out), 0);
	CHECK_INT("new-year-next-year-protocol-stored", num(out, "stored"), 1);
	json_decref(out);
	json_decref(recs);
	recs = new_year_record(41, 2028);
	CHECK_INT("two-years-ahead-answered", store_ingest(s, &k, recs, NULL, &out), 0);
	CHECK_STR("two-years-ahead-rejected", reason(out, 0), "protocol: does not match kiosk, year and sequence");
	json_decref(out);
	json_decref(recs);
	unsetenv("DOTE_NOW");
	CHECK_INT("applied-counts-people", store_text(s, "SELECT applied FROM placement", NULL, buf, sizeof(buf)), 0);
	CHECK_STR("applied-value", buf, "6");
	rules(s, &k);

	CHECK_INT("status-unknown-app", store_status_set(s, "nope", "selected", "me", "", err, sizeof(err)), 1);
	store_text(s, "SELECT protocol FROM application WHERE kiosk_id = 'K01' ORDER BY seq LIMIT 1", NULL, buf, sizeof(buf));
	CHECK_INT("status-interview-needs-date", store_status_set(s, buf, "interview", "Anna", "", err, sizeof(err)), 2);
	CHECK_INT("status-no-interview-before-requirements", selection_status_set(s, NULL, buf, "interview", "Anna", "",
						     "2099-01-12T10:00", "Municipio, sala 2", err, sizeof(err)), 2);
	CHECK_INT("requirements", selection_requirements(s, NULL, buf, 1, "Anna", "", err, sizeof(err)), 0);
	CHECK_INT("status-set", selection_status_set(s, NULL, buf, "interview", "Anna", "", "2099-01-12T10:00",
						     "Municipio, sala 2", err, sizeof(err)), 0);
	CHECK_INT("status-interview-again", selection_status_set(s, NULL, buf, "interview", "Anna", "", "2099-01-13T09:30",
						     "Municipio, sala 2", err, sizeof(err)), 0);
	CHECK_INT("status-other-comune-scope", selection_status_set(s, "015077", buf, "selected", "Anna", "", NULL, NULL,
						     err, sizeof(err)), 1);
	CHECK_INT("status-bad-transition", store_status_set(s, buf, "completed", "Anna", "", err, sizeof(err)), 2);
	CHECK_STR("status-bad-transition-italian", err, "Il tirocinio non è in corso (la domanda è «Convocato/a al colloquio»).");
	CHECK_INT("status-needs-who", store_status_set(s, buf, "selected", "", "", err, sizeof(err)), 2);
	CHECK_INT("history", store_text(s, "SELECT by FROM status_history", NULL, buf, sizeof(buf)), 0);
	CHECK_STR("history-who", buf, "Anna");

	CHECK_INT("catalog", store_catalog(s, "015146", NULL, &cat, etag1, sizeof(etag1)), 0);
	CHECK_INT("catalog-placements", json_array_size(json_object_get(cat, "placements")), 1);
	json_decref(cat);
	store_catalog(s, "015146", NULL, &cat, etag2, sizeof(etag2));
	json_decref(cat);
	CHECK_STR("etag-stable", etag2, etag1);
	store_exec(s, "UPDATE placement SET status = 'closed'", NULL);
	store_catalog(s, "015146", NULL, &cat, etag2, sizeof(etag2));
	CHECK("etag-changes", strcmp(etag1, etag2) != 0);
	CHECK_INT("closed-gone", json_array_size(json_object_get(cat, "placements")), 0);
	json_decref(cat);

	CHECK_INT("revoke", store_kiosk_revoke(s, "K01"), 0);
	store_kiosk_auth(s, token, &auth);
	CHECK_INT("revoked-flag", auth.revoked, 1);
	CHECK_INT("revoke-unknown", store_kiosk_revoke(s, "K77"), 1);
	store_close(s);
	unlink(path);
	unlink(dbp);
	strcat(dbp, "-wal");
	unlink(dbp);
	strcpy(dbp + strlen(dbp) - 3, "shm");
	unlink(dbp);
	return check_done();
}
