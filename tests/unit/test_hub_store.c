/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * reports/store on a SQLite hub database: enrolment codes work once,
 * tokens are stored hashed, a batch is stored once however often it is
 * sent, a record that fails re-validation is rejected with a reason
 * while its neighbours are stored, a second application by the same
 * person to the same call is flagged, status changes follow the allowed
 * transitions and are recorded with who and when, and the catalog's
 * ETag changes exactly when the catalog does.
 */
#include <stdlib.h>
#include <unistd.h>
#include "core/wire.h"
#include "reports/store.h"
#include "tests/tools/gen.h"
#include "tests/unit/check.h"

static json_t *batch(uint64_t seed, uint64_t first, int n, const char *kid, int64_t seq0)
{
	json_t *recs = json_array();
	struct application a;
	int i;

	for (i = 0; i < n; i++) {
		gen_application(&a, seed, first + (uint64_t)i, kid, "015146", seq0 + i, 1, "DC06-015146-001");
		json_array_append_new(recs, wire_application_to_json(&a, NULL));
	}
	return recs;
}

static long long num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

int main(void)
{
	char path[] = "/tmp/test_hub_store_XXXXXX", dbp[64], code[32], token[80], token2[80], pk[65];
	char etag1[80], etag2[80], err[160], buf[64];
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
	memset(pk, 'a', 64);
	pk[64] = '\0';
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
	CHECK_INT("auth-wrong", store_kiosk_auth(s, "x", &auth), 1);
	store_enroll_code_create(s, "015146", 60, code, sizeof(code));
	CHECK_INT("enroll-second", store_enroll(s, code, pk, "t2", &k2, token2, sizeof(token2)), 0);

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
	CHECK_INT("applied-counts-people", store_text(s, "SELECT applied FROM placement", NULL, buf, sizeof(buf)), 0);
	CHECK_STR("applied-value", buf, "4");

	CHECK_INT("status-unknown-app", store_status_set(s, "nope", "selected", "me", "", err, sizeof(err)), 1);
	store_text(s, "SELECT protocol FROM application WHERE kiosk_id = 'K01' ORDER BY seq LIMIT 1", NULL, buf, sizeof(buf));
	CHECK_INT("status-set", store_status_set(s, buf, "interview", "Anna", "", err, sizeof(err)), 0);
	CHECK_INT("status-bad-transition", store_status_set(s, buf, "completed", "Anna", "", err, sizeof(err)), 2);
	CHECK_INT("status-needs-who", store_status_set(s, buf, "selected", "", "", err, sizeof(err)), 2);
	CHECK_INT("history", store_text(s, "SELECT by FROM status_history", NULL, buf, sizeof(buf)), 0);
	CHECK_STR("history-who", buf, "Anna");

	CHECK_INT("catalog", store_catalog(s, "015146", &cat, etag1, sizeof(etag1)), 0);
	CHECK_INT("catalog-placements", json_array_size(json_object_get(cat, "placements")), 1);
	json_decref(cat);
	store_catalog(s, "015146", &cat, etag2, sizeof(etag2));
	json_decref(cat);
	CHECK_STR("etag-stable", etag2, etag1);
	store_exec(s, "UPDATE placement SET status = 'closed'", NULL);
	store_catalog(s, "015146", &cat, etag2, sizeof(etag2));
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
