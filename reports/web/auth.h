/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Dashboard accounts and sessions, in the hub's database (SQLite or
 * PostgreSQL, through reports/stats/statdb.h):
 * passwords hashed with argon2id (libsodium crypto_pwhash_str), session
 * tokens random (only their hash is stored), sessions that expire after
 * AUTH_IDLE_SECONDS without use and AUTH_MAX_SECONDS in any case, a CSRF
 * token per session, and a brake on repeated failed logins.
 *
 * Roles: 'coordinator' (the whole network) and 'comune' (staff of one
 * comune: unprotected figures for that comune only).
 */
#ifndef DOTE_REPORTS_AUTH_H
#define DOTE_REPORTS_AUTH_H
#include <stddef.h>
#include <stdint.h>

enum {
	AUTH_IDLE_SECONDS = 30 * 60,
	AUTH_MAX_SECONDS = 8 * 3600,
	AUTH_MAX_FAILURES = 5,		/* per account name in AUTH_FAILURE_WINDOW */
	AUTH_FAILURE_WINDOW = 15 * 60,
	AUTH_TOKEN_LEN = 64,		/* hex characters */
	AUTH_NAME_MAX = 64,
	AUTH_PASSWORD_MAX = 256,
	AUTH_PASSWORD_MIN = 10,
};

struct auth_session {
	int64_t user_id;
	char name[AUTH_NAME_MAX + 1];
	char role[16];			/* 'coordinator' or 'comune' */
	char comune[7];			/* ISTAT for role 'comune', else '' */
	char csrf[AUTH_TOKEN_LEN + 1];
};

enum auth_result { AUTH_OK = 0, AUTH_DENIED = -1, AUTH_THROTTLED = -2, AUTH_ERROR = -3 };

struct statdb;

/* Creates the account tables (component "auth"). */
int auth_migrate(struct statdb *db);
/* Adds or replaces an account. role 'coordinator' or 'comune' (then
 * comune is a known ISTAT code). Returns 0, or -1 with a reason in err. */
int auth_user_add(struct statdb *db, const char *name, const char *role, const char *comune,
		  const char *password, char *err, size_t errsize);
/* Checks name/password and opens a session: the token for the cookie
 * goes to token (>= AUTH_TOKEN_LEN + 1). */
enum auth_result auth_login(struct statdb *db, const char *name, const char *password, char *token, size_t size);
/* Looks a cookie token up; refreshes its idle time. AUTH_OK fills s. */
enum auth_result auth_session_get(struct statdb *db, const char *token, struct auth_session *s);
/* Ends a session (logout). */
int auth_logout(struct statdb *db, const char *token);
/* Constant-time comparison of two NUL-terminated tokens: 1 when equal. */
int auth_token_equal(const char *a, const char *b);
/* A fresh random hex token (AUTH_TOKEN_LEN chars) into buf. */
void auth_random_token(char *buf, size_t size);
#endif
