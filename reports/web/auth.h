/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Dashboard accounts and sessions, in the hub's database (SQLite or
 * PostgreSQL, through reports/store/store.h):
 * passwords hashed with argon2id (libsodium crypto_pwhash_str), session
 * tokens random (only their hash is stored), sessions that expire after
 * AUTH_IDLE_SECONDS without use and AUTH_MAX_SECONDS in any case, a CSRF
 * token per session, and brakes on logins: failed passwords counted per
 * account AND client address (a stranger's failures never lock the
 * owner out), attempts per address and in total per minute, and at most
 * AUTH_HASHES_AT_ONCE password hashes at a time, so that logins with
 * made-up names (each costs an argon2id hash) cannot starve the hub.
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
	AUTH_MAX_FAILURES = 5,		/* per account name and address in AUTH_FAILURE_WINDOW */
	AUTH_FAILURE_WINDOW = 15 * 60,
	AUTH_TOKEN_LEN = 64,		/* hex characters */
	AUTH_NAME_MAX = 64,
	AUTH_PASSWORD_MAX = 256,
	AUTH_PASSWORD_MIN = 10,
	AUTH_HASHES_AT_ONCE = 2,	/* argon2id hashes running at once (64 MiB each) */
	AUTH_ADDRESSES_MAX = 65536,	/* client addresses remembered by the per-address brake */
};

struct auth_session {
	int64_t user_id;
	char name[AUTH_NAME_MAX + 1];
	char role[16];			/* 'coordinator' or 'comune' */
	char comune[7];			/* ISTAT for role 'comune', else '' */
	char csrf[AUTH_TOKEN_LEN + 1];
};

/* AUTH_THROTTLED: too many wrong passwords for this account from this
 * address lately; AUTH_LIMITED: too many attempts from this address, or
 * from everybody, right now (retry in a minute). */
enum auth_result { AUTH_OK = 0, AUTH_DENIED = -1, AUTH_THROTTLED = -2, AUTH_ERROR = -3, AUTH_LIMITED = -4 };

struct store;

/* Creates the account tables (component "auth"). */
int auth_migrate(struct store *db);
/* Adds or replaces an account. role 'coordinator' or 'comune' (then
 * comune is a known ISTAT code). Returns 0, or -1 with a reason in err. */
int auth_user_add(struct store *db, const char *name, const char *role, const char *comune,
		  const char *password, char *err, size_t errsize);
/* Checks name/password and opens a session: the token for the cookie
 * goes to token (>= AUTH_TOKEN_LEN + 1). addr is the client's address
 * ('' or NULL when unknown: counted as one address). */
enum auth_result auth_login(struct store *db, const char *name, const char *password, const char *addr,
			    char *token, size_t size);
/* The per-minute brakes of auth_login, process-wide: attempts from one
 * address, and from all addresses together (defaults 10 and 60; the hub
 * sets them from its configuration before serving). Every bucket starts
 * full again. */
void auth_set_limits(int per_address_per_minute, int total_per_minute);
/* Looks a cookie token up; refreshes its idle time. AUTH_OK fills s. */
enum auth_result auth_session_get(struct store *db, const char *token, struct auth_session *s);
/* Ends a session (logout). */
int auth_logout(struct store *db, const char *token);
/* Constant-time comparison of two NUL-terminated tokens: 1 when equal. */
int auth_token_equal(const char *a, const char *b);
/* A fresh random hex token (AUTH_TOKEN_LEN chars) into buf. */
void auth_random_token(char *buf, size_t size);
#endif
