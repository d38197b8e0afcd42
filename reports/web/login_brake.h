/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The dashboard's login brakes, built so that nobody can turn them
 * against a user (issue 21: 30 addresses each under its own limit used
 * up the shared "60 a minute, 2 hashes at once" and the real user got
 * 429 for 13 of 23 logins).
 *
 * A client address is *clean* while it has not given a wrong password
 * since its last successful login (or within LOGIN_TAINT_MS); otherwise
 * it is *tainted*. Then:
 *   - per address: a bucket of per_addr attempts a minute (a successful
 *     login gives its token back), and after LOGIN_FREE_FAILURES wrong
 *     passwords a backoff that doubles with each (1 s, 2 s, ... 64 s);
 *   - per account: after LOGIN_ACCOUNT_FAILURES wrong passwords from any
 *     address, a backoff that doubles likewise, applied to tainted
 *     addresses only: the owner, at an address where they never failed
 *     (or succeeded since), is not slowed by strangers;
 *   - in all: tainted_per_minute attempts a minute from tainted
 *     addresses together (the global brake protects the CPU from the
 *     spray), none counted for clean ones;
 *   - password hashes: at most `hashes` at once (64 MiB of argon2id
 *     each), given first to *known* addresses (a successful login in the
 *     last 30 days and fewer than LOGIN_FREE_FAILURES wrong passwords
 *     since: the staff), which wait for a slot up to LOGIN_WAIT_MS; then
 *     to unknown clean ones (wait half that, one at a time); a tainted
 *     attempt takes a slot only when one is free and nobody waits, else
 *     it is refused. Known addresses are not counted by the global brake.
 * The per-account-and-address count of wrong passwords in the database
 * (auth.c, AUTH_THROTTLED) stays as it was. Addresses and accounts are
 * remembered in a table of LOGIN_KEYS_MAX (the least recently seen is
 * forgotten when it is full). Thread-safe; times are passed in except
 * for the wait for a hash slot. Start at login_brake_enter().
 */
#ifndef DOTE_LOGIN_BRAKE_H
#define DOTE_LOGIN_BRAKE_H
#include <pthread.h>
#include <stdint.h>
#include "reports/web/rate.h"

enum {
	LOGIN_FREE_FAILURES = 3,	/* per address, before its backoff starts */
	LOGIN_ACCOUNT_FAILURES = 10,	/* per account, before its backoff (tainted addresses) */
	LOGIN_BACKOFF_MAX_S = 64,
	LOGIN_TAINT_MS = 15 * 60 * 1000,
	LOGIN_WAIT_MS = 4000,		/* a known address's longest wait for a hash slot (unknown: half) */
	LOGIN_KNOWN_WAITERS = 2,	/* known addresses waiting at once (each holds a hub thread) */
	LOGIN_UNKNOWN_WAITERS = 1,
	LOGIN_KEYS_MAX = 16384,
};

/* A success makes its address known this long. */
#define LOGIN_KNOWN_MS (30LL * 24 * 3600 * 1000)

struct login_seen {
	char key[RATE_KEY_MAX];		/* 'a:ADDR' or 'u:NAME'; '' free */
	int failures;			/* wrong passwords since the last success */
	int64_t last_fail_ms, last_ok_ms, last_ms;
};

struct login_brake {
	pthread_mutex_t lock;
	pthread_cond_t slot_free;
	struct rate_table by_addr, tainted;
	struct login_seen *seen;	/* LOGIN_KEYS_MAX, allocated at the first use */
	int per_addr, tainted_per_minute, hashes;
	int hashing, waiting[3];		/* hashes running; attempts waiting by rank */
};

void login_brake_init(struct login_brake *b, int per_addr_per_minute, int tainted_per_minute, int hashes);
void login_brake_release(struct login_brake *b);
/* Before checking name's password from addr. Returns 0 when the check
 * may run now (a hash slot is then held: call login_brake_leave() after
 * it), or the seconds the client should wait (429, Retry-After). */
int login_brake_enter(struct login_brake *b, const char *name, const char *addr, int64_t now_ms);
/* After the check: gives the hash slot back and records the outcome:
 * ok 1 the right password, 0 a wrong one, -1 no password was checked. */
void login_brake_leave(struct login_brake *b, const char *name, const char *addr, int ok, int64_t now_ms);
/* 1 when addr is tainted now (for tests and logs). */
int login_brake_tainted(struct login_brake *b, const char *addr, int64_t now_ms);
#endif
