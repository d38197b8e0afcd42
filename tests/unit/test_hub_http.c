/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * reports/web/http.h helpers the hub and the dashboard share: query and form
 * fields are percent-decoded and bounded, an encoded NUL is refused,
 * cookies are found among others, extra response headers are bounded.
 * reports/web/rate.h: token buckets exact per key (keys that shared a
 * slot of the old fixed table keep buckets of their own), refilled with
 * time, bounded in keys for strangers' addresses.
 */
#include "reports/web/http.h"
#include "reports/web/rate.h"
#include "tests/unit/check.h"

static int taken(struct rate_table *t, const char *key, int tries, double per_minute, int64_t now)
{
	int ok = 0;

	while (tries--)
		ok += rate_table_take(t, key, per_minute, per_minute, now) == 0;
	return ok;
}

static void rate_tests(void)
{
	struct rate_table t;
	char key[32];
	int i, ok;

	rate_table_init(&t, 0);
	/* 'K01' and 'K548' shared a slot of the old 4096-slot table. */
	for (i = 0, ok = 0; i < 10; i++) {
		ok += rate_table_take(&t, "K01", 5, 5, 1000) == 0;
		ok += rate_table_take(&t, "K548", 5, 5, 1000) == 0;
	}
	CHECK_INT("rate-two-kiosks-5-each", ok, 10);
	CHECK_INT("rate-wait-seconds", rate_table_take(&t, "K01", 5, 5, 1000), 13);
	CHECK_INT("rate-refilled-after-12s", rate_table_take(&t, "K01", 5, 5, 13000), 0);
	/* Thousands of keys: each its own bucket. */
	for (i = 0, ok = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "L%d", i);
		ok += taken(&t, key, 3, 2, 2000);
	}
	CHECK_INT("rate-5000-keys-each-exact", ok, 10000);
	CHECK_INT("rate-old-bucket-kept", rate_table_take(&t, "K548", 5, 5, 2000), 12);
	rate_table_release(&t);

	/* Strangers' addresses: at most max_keys live buckets; full ones
	 * (refilled) make room for new keys. */
	rate_table_init(&t, 100);
	for (i = 0, ok = 0; i < 150; i++) {
		snprintf(key, sizeof(key), "10.0.%d.%d", i / 256, i % 256);
		ok += rate_table_take(&t, key, 10, 10, 0) == 0;
	}
	CHECK_INT("rate-bounded-keys-refused-beyond", ok, 100);
	CHECK(  "rate-bounded-size", t.size <= 256);
	CHECK_INT("rate-bounded-room-after-refill", rate_table_take(&t, "10.9.9.9", 10, 10, 60000), 0);
	rate_table_release(&t);
}

int main(void)
{
	struct http_response resp;
	char buf[32], big[600];
	int i;

	CHECK_INT("query-found", http_query_get("a=1&comune=015146&b=2", "comune", buf, sizeof(buf)), 0);
	CHECK_STR("query-value", buf, "015146");
	CHECK_INT("query-decoded", http_query_get("q=citt%C3%A0+dei%20ragazzi", "q", buf, sizeof(buf)), 0);
	CHECK_STR("query-decoded-value", buf, "città dei ragazzi");
	CHECK_INT("query-prefix-is-not-name", http_query_get("comunex=1", "comune", buf, sizeof(buf)), -1);
	CHECK_INT("query-absent", http_query_get("", "comune", buf, sizeof(buf)), -1);
	CHECK_INT("query-nul-refused", http_query_get("x=a%00b", "x", buf, sizeof(buf)), -1);
	CHECK_INT("query-too-long", http_query_get("x=0123456789012345678901234567890123456789", "x", buf, sizeof(buf)), -1);
	CHECK_INT("query-bad-escape-kept", http_query_get("x=100%zz", "x", buf, sizeof(buf)), 0);
	CHECK_STR("query-bad-escape-value", buf, "100%zz");
	CHECK_INT("form", http_form_get("user=anna&pass=p%26w", "pass", buf, sizeof(buf)), 0);
	CHECK_STR("form-value", buf, "p&w");
	CHECK_INT("cookie", http_cookie_get("theme=dark; dote_session=abc123; x=y", "dote_session", buf, sizeof(buf)), 0);
	CHECK_STR("cookie-value", buf, "abc123");
	CHECK_INT("cookie-absent", http_cookie_get("dote_sessionx=1", "dote_session", buf, sizeof(buf)), -1);

	memset(&resp, 0, sizeof(resp));
	for (i = 0; i < HTTP_MAX_HEADERS; i++)
		http_response_header(&resp, "X-N", "1");
	CHECK_INT("headers-bounded", http_response_header(&resp, "X-N", "1"), -1);
	memset(&resp, 0, sizeof(resp));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_INT("header-value-bounded", http_response_header(&resp, "Set-Cookie", big), -1);
	CHECK_INT("header-ok", http_response_header(&resp, "Location", "/login"), 0);
	CHECK_STR("header-stored", resp.headers[0].value, "/login");
	rate_tests();
	return check_done();
}
