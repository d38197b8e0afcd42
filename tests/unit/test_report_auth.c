/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Dashboard accounts and sessions: argon2id hashes, wrong passwords,
 * the brake on repeated failures, idle and absolute session expiry (the
 * clock is moved with DOTE_NOW), logout, password reset ending sessions,
 * and the dashboard handler itself without a server (redirects, CSRF,
 * the comune staff's view).
 */
#include "tests/unit/check.h"
#include "tests/unit/report_fixture.h"
#include "reports/web/auth.h"
#include "reports/web/dashboard.h"
#include "reports/store/store.h"

#include <stdlib.h>
#include <unistd.h>

static void set_now(long t)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%ld", t);
	setenv("DOTE_NOW", buf, 1);
}

int main(void)
{
	char path[] = "/tmp/dote-auth-XXXXXX";
	int fd = mkstemp(path);
	sqlite3 *db = db_open(path, DB_SYNC_NORMAL);
	char err[256], token[AUTH_TOKEN_LEN + 1], token2[AUTH_TOKEN_LEN + 1], hash[160] = "";
	struct auth_session s;
	struct store *sd;
	const long t0 = 1767225600; /* 2026-01-01 */

	close(fd);
	sd = store_sqlite_borrow(db);
	util_quiet(1);
	set_now(t0);
	CHECK("auth db", db && comuni_load_db(db) == 0 && auth_migrate(sd) == 0);
	CHECK("auth add coordinator", auth_user_add(sd, "anna", "coordinator", NULL, "correct horse battery", err,
						    sizeof(err)) == 0);
	db_text(db, "SELECT pwhash FROM hub_user WHERE name = 'anna'", NULL, hash, sizeof(hash));
	CHECK("auth hash is argon2id", !strncmp(hash, "$argon2id$", 10));
	CHECK("auth hash does not contain the password", !strstr(hash, "horse"));
	CHECK("auth short password refused", auth_user_add(sd, "bob", "coordinator", NULL, "short", err, sizeof(err)) < 0);
	CHECK("auth bad role refused", auth_user_add(sd, "bob", "admin", NULL, "long enough pw", err, sizeof(err)) < 0);
	CHECK("auth comune role needs a comune", auth_user_add(sd, "bob", "comune", "", "long enough pw", err,
							       sizeof(err)) < 0);
	CHECK("auth bad name refused", auth_user_add(sd, "a b'", "coordinator", NULL, "long enough pw", err,
						     sizeof(err)) < 0);
	CHECK("auth comune staff added", auth_user_add(sd, "mario", "comune", "015146", "long enough pw", err,
						       sizeof(err)) == 0);

	auth_set_limits(1000, 1000);	/* the brakes per minute are tested below */
	CHECK_INT("auth wrong password denied", auth_login(sd, "anna", "wrong horse", "10.0.0.1", token, sizeof(token)), AUTH_DENIED);
	CHECK_INT("auth unknown user denied", auth_login(sd, "nobody", "whatever pw", "10.0.0.1", token, sizeof(token)), AUTH_DENIED);
	CHECK_INT("auth login", auth_login(sd, "anna", "correct horse battery", "10.0.0.1", token, sizeof(token)), AUTH_OK);
	CHECK_INT("auth token length", strlen(token), AUTH_TOKEN_LEN);
	CHECK_INT("auth session valid", auth_session_get(sd, token, &s), AUTH_OK);
	CHECK_STR("auth session role", s.role, "coordinator");
	CHECK_INT("auth csrf token length", strlen(s.csrf), AUTH_TOKEN_LEN);
	CHECK_INT("auth token not stored in clear",
		  db_int(db, "SELECT COUNT(*) FROM hub_session WHERE token_hash = ?1", token, -1), 0);
	CHECK_INT("auth forged token denied", auth_session_get(sd, "00000000000000000000000000000000"
							       "00000000000000000000000000000000", &s), AUTH_DENIED);
	CHECK_INT("auth malformed token denied", auth_session_get(sd, "'; DROP TABLE hub_user; --", &s), AUTH_DENIED);

	/* Idle expiry: used within 30 minutes stays valid, then expires. */
	set_now(t0 + AUTH_IDLE_SECONDS - 60);
	CHECK_INT("auth session alive before idle timeout", auth_session_get(sd, token, &s), AUTH_OK);
	set_now(t0 + 2 * AUTH_IDLE_SECONDS - 120);
	CHECK_INT("auth use refreshes idle time", auth_session_get(sd, token, &s), AUTH_OK);
	set_now(t0 + 3 * AUTH_IDLE_SECONDS);
	CHECK_INT("auth session expires when idle", auth_session_get(sd, token, &s), AUTH_DENIED);
	/* Absolute expiry even when used all the time. */
	set_now(t0);
	CHECK_INT("auth second login", auth_login(sd, "anna", "correct horse battery", "10.0.0.1", token2, sizeof(token2)), AUTH_OK);
	for (long t = t0; t < t0 + AUTH_MAX_SECONDS; t += AUTH_IDLE_SECONDS / 2) {
		set_now(t);
		auth_session_get(sd, token2, &s);
	}
	set_now(t0 + AUTH_MAX_SECONDS + 10);
	CHECK_INT("auth session expires after 8 hours", auth_session_get(sd, token2, &s), AUTH_DENIED);

	/* Logout and password reset end sessions. */
	set_now(t0 + 100000);
	auth_login(sd, "anna", "correct horse battery", "10.0.0.1", token, sizeof(token));
	CHECK_INT("auth logout", auth_logout(sd, token), 0);
	CHECK_INT("auth session gone after logout", auth_session_get(sd, token, &s), AUTH_DENIED);
	auth_login(sd, "anna", "correct horse battery", "10.0.0.1", token, sizeof(token));
	auth_user_add(sd, "anna", "coordinator", NULL, "a brand new password", err, sizeof(err));
	CHECK_INT("auth password reset ends sessions", auth_session_get(sd, token, &s), AUTH_DENIED);
	CHECK_INT("auth old password no longer works", auth_login(sd, "anna", "correct horse battery", "10.0.0.1", token,
								  sizeof(token)), AUTH_DENIED);

	/* Brake on repeated failures, per account and address: a stranger's
	 * wrong passwords do not lock the owner out. */
	/* (A minute apart: the address's own backoff, login_brake.h, would
	 * refuse quicker tries before they are counted.) */
	for (int i = 0; i < AUTH_MAX_FAILURES; i++) {
		set_now(t0 + 200000 - 60 * (AUTH_MAX_FAILURES - i));
		auth_login(sd, "mario", "wrong password", "10.6.6.6", token, sizeof(token));
	}
	set_now(t0 + 200000);
	CHECK_INT("auth throttled after failures", auth_login(sd, "mario", "long enough pw", "10.6.6.6", token,
							      sizeof(token)), AUTH_THROTTLED);
	CHECK_INT("auth owner from another address not locked out", auth_login(sd, "mario", "long enough pw",
										 "10.0.0.1", token, sizeof(token)), AUTH_OK);
	set_now(t0 + 200000 + AUTH_FAILURE_WINDOW + 1);
	CHECK_INT("auth throttle lifts", auth_login(sd, "mario", "long enough pw", "10.6.6.6", token, sizeof(token)), AUTH_OK);

	/* Attempts per address and in total, before any hash. */
	auth_set_limits(3, 1000);
	for (int i = 0; i < 3; i++)
		auth_login(sd, "nobody", "whatever pw", "10.7.7.7", token, sizeof(token));
	CHECK_INT("auth attempts limited per address", auth_login(sd, "anna", "a brand new password", "10.7.7.7",
								   token, sizeof(token)), AUTH_LIMITED);
	CHECK_INT("auth other address still served", auth_login(sd, "anna", "a brand new password", "10.7.7.8",
								 token, sizeof(token)), AUTH_OK);
	/* The total counts only addresses that gave a wrong password since
	 * their last success (issue 21): the first try of 10.7.7.9 is free,
	 * its second takes the one token, its third is refused; an address
	 * that has not failed is still served. */
	auth_set_limits(1000, 1);
	auth_login(sd, "nobody", "whatever pw", "10.7.7.9", token, sizeof(token));
	auth_login(sd, "nobody", "whatever pw", "10.7.7.9", token, sizeof(token));
	CHECK_INT("auth attempts limited in total", auth_login(sd, "anna", "a brand new password", "10.7.7.9",
								token, sizeof(token)), AUTH_LIMITED);
	CHECK_INT("auth total does not refuse an address that has not failed",
		  auth_login(sd, "anna", "a brand new password", "10.7.7.10", token, sizeof(token)), AUTH_OK);
	auth_set_limits(1000, 1000);
	CHECK_INT("auth comune staff login", auth_login(sd, "mario", "long enough pw", "10.0.0.2", token,
							sizeof(token)), AUTH_OK);

	CHECK("auth token compare equal", auth_token_equal("abc", "abc"));
	CHECK("auth token compare differs", !auth_token_equal("abc", "abd") && !auth_token_equal("", ""));

	/* The handler without a server. */
	fixture_build(db, 600, 1);
	store_close(sd);
	rollup_release(db);
	db_close(db);
	{
		struct dashboard_ctx *d = dashboard_new(path);
		struct http_request req = { "GET", "/dashboard", "", "", 0, "", "", "127.0.0.1" };
		struct http_response resp;
		char cookie[128];

		CHECK("auth dashboard opens", d != NULL);
		memset(&resp, 0, sizeof(resp));
		dashboard_handle(d, &req, &resp);
		CHECK_INT("auth dashboard without cookie redirects", resp.status, 303);
		free(resp.body);
		snprintf(cookie, sizeof(cookie), "dc_session=%s", token);
		req.cookie = cookie;
		req.query = "comune=015146";
		memset(&resp, 0, sizeof(resp));
		dashboard_handle(d, &req, &resp);
		CHECK_INT("auth comune staff view", resp.status, 200);
		CHECK("auth comune staff own comune: protected by default, link to the internal page",
		      resp.body && strstr(resp.body, "Dati protetti") && strstr(resp.body, "interno=1") &&
		      !strstr(resp.body, "USO INTERNO"));
		free(resp.body);
		req.query = "comune=015146&interno=1";
		memset(&resp, 0, sizeof(resp));
		dashboard_handle(d, &req, &resp);
		CHECK("auth comune staff own comune exact on a page marked internal", resp.status == 200 && resp.body &&
		      strstr(resp.body, "USO INTERNO") && strstr(resp.body, "[Uso interno]") &&
		      !strstr(resp.body, "data-protection"));
		free(resp.body);
		req.query = "comune=001272&interno=1";
		memset(&resp, 0, sizeof(resp));
		dashboard_handle(d, &req, &resp);
		CHECK_INT("auth comune staff: another comune's internal page refused", resp.status, 403);
		free(resp.body);
		req.query = "province=MI&interno=1";
		memset(&resp, 0, sizeof(resp));
		dashboard_handle(d, &req, &resp);
		CHECK_INT("auth comune staff: their province's internal page refused", resp.status, 403);
		free(resp.body);
		req.query = "comune=015146&from=2025-01&to=2025-05";
		memset(&resp, 0, sizeof(resp));
		dashboard_handle(d, &req, &resp);
		CHECK("auth protected view: a period that is not a bucket refused", resp.status == 400 && resp.body &&
		      strstr(resp.body, "un mese"));
		free(resp.body);
		/* One comune's areas by month or quarter: a note, no area table (issue 20). */
		req.query = "comune=015146&from=2025-03&to=2025-03";
		memset(&resp, 0, sizeof(resp));
		dashboard_handle(d, &req, &resp);
		CHECK("auth protected comune month: a note instead of the areas", resp.status == 200 && resp.body &&
		      strstr(resp.body, "le aree sono pubblicate nei dati protetti per anno") &&
		      !strstr(resp.body, "Candidature per Area"));
		free(resp.body);
		req.query = "comune=015146&from=2025-01&to=2025-12";
		memset(&resp, 0, sizeof(resp));
		dashboard_handle(d, &req, &resp);
		CHECK("auth protected comune year: the areas", resp.status == 200 && resp.body &&
		      strstr(resp.body, "Candidature per Area") && !strstr(resp.body, "per anno o per l'intero"));
		free(resp.body);
		req.query = "province=TO";
		memset(&resp, 0, sizeof(resp));
		dashboard_handle(d, &req, &resp);
		CHECK("auth comune staff other province protected", resp.status == 200 && resp.body &&
		      strstr(resp.body, "Dati protetti"));
		free(resp.body);
		req.query = "region=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E";
		memset(&resp, 0, sizeof(resp));
		dashboard_handle(d, &req, &resp);
		CHECK("auth injected region refused and escaped", resp.status == 400 && resp.body &&
		      !strstr(resp.body, "<script>alert"));
		free(resp.body);
		req.method = "POST";
		req.path = "/logout";
		req.body = "csrf=forged";
		req.body_len = strlen(req.body);
		memset(&resp, 0, sizeof(resp));
		dashboard_handle(d, &req, &resp);
		CHECK_INT("auth logout with forged CSRF refused", resp.status, 403);
		free(resp.body);
		/* Cookies are Secure only when the hub says it is behind HTTPS. */
		req.method = "GET";
		req.path = "/login";
		req.body = "";
		req.body_len = 0;
		memset(&resp, 0, sizeof(resp));
		dashboard_handle(d, &req, &resp);
		{
			const char *cookie_hdr = NULL;
			for (int i = 0; i < resp.n_headers; i++)
				if (!strcmp(resp.headers[i].name, "Set-Cookie"))
					cookie_hdr = resp.headers[i].value;
			CHECK("auth login form cookie HttpOnly, not Secure by default", cookie_hdr &&
			      strstr(cookie_hdr, "HttpOnly") && !strstr(cookie_hdr, "Secure"));
		}
		free(resp.body);
		dashboard_set_secure_cookies(d, 1);
		memset(&resp, 0, sizeof(resp));
		dashboard_handle(d, &req, &resp);
		{
			int secure = 0;
			for (int i = 0; i < resp.n_headers; i++)
				if (!strcmp(resp.headers[i].name, "Set-Cookie"))
					secure = strstr(resp.headers[i].value, "; Secure") != NULL;
			CHECK("auth login form cookie Secure when set", secure);
		}
		free(resp.body);
		dashboard_free(d);
	}
	unlink(path);
	{
		char wal[64];
		snprintf(wal, sizeof(wal), "%s-wal", path);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s-shm", path);
		unlink(wal);
	}
	return check_done();
}
