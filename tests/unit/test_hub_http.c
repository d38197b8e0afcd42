/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * reports/web/http.h helpers the hub and the dashboard share: query and form
 * fields are percent-decoded and bounded, an encoded NUL is refused,
 * cookies are found among others, extra response headers are bounded.
 */
#include "reports/web/http.h"
#include "tests/unit/check.h"

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
	return check_done();
}
