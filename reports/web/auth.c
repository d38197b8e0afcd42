/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Accounts and sessions for the dashboard (see auth.h). Start reading at
 * auth_login(). Nothing here logs a password or a token. The tables and
 * their SQL are reports/store/accounts.c's: the same accounts work on a
 * SQLite and a PostgreSQL hub.
 */
#include "reports/web/auth.h"
#include "reports/web/rate.h"
#include "reports/store/accounts.h"
#include "reports/store/store.h"
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/util.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int auth_migrate(struct store *db)
{
	return accounts_migrate(db);
}

void auth_random_token(char *buf, size_t size)
{
	unsigned char raw[AUTH_TOKEN_LEN / 2];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(buf, size, raw, size >= sizeof(raw) * 2 + 1 ? sizeof(raw) : (size - 1) / 2);
}

int auth_token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb || !la)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

/* Sessions are stored by the hash of their token. */
static void token_hash(const char *token, char *out, size_t size)
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, size, h, sizeof(h));
}

static int valid_name(const char *name)
{
	size_t n = strlen(name);
	if (n < 2 || n > AUTH_NAME_MAX)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-' || *p == '@'))
			return 0;
	return 1;
}

int auth_user_add(struct store *db, const char *name, const char *role, const char *comune,
		  const char *password, char *err, size_t errsize)
{
	char hash[crypto_pwhash_STRBYTES], now[32];
	int rc = -1;

	if (sodium_init() < 0)
		return snprintf(err, errsize, "cannot initialise libsodium"), -1;
	if (!valid_name(name))
		return snprintf(err, errsize, "the name must be 2-64 characters: letters, digits, . _ - @"), -1;
	if (strcmp(role, "coordinator") && strcmp(role, "comune"))
		return snprintf(err, errsize, "the role must be coordinator or comune"), -1;
	if (!strcmp(role, "comune") && (!comune || strspn(comune, "0123456789") != 6 || strlen(comune) != 6 ||
					!comune_by_istat(comune)))
		return snprintf(err, errsize, "role comune needs --comune with a known 6-digit ISTAT code"), -1;
	if (!strcmp(role, "coordinator"))
		comune = "";
	if (strlen(password) < AUTH_PASSWORD_MIN || strlen(password) > AUTH_PASSWORD_MAX)
		return snprintf(err, errsize, "the password must be %d to %d characters", AUTH_PASSWORD_MIN,
				AUTH_PASSWORD_MAX), -1;
	if (auth_migrate(db))
		return snprintf(err, errsize, "cannot prepare the accounts table"), -1;
	if (crypto_pwhash_str_alg(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return snprintf(err, errsize, "out of memory while hashing the password"), -1;
	time_iso(now_wall(), now, sizeof(now));
	/* A new password ends the account's open sessions. */
	if (accounts_user_put(db, name, role, comune, hash, now)) {
		snprintf(err, errsize, "cannot save the account");
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

/* The brakes on login attempts, for the whole process: buckets per
 * client address (at most AUTH_ADDRESSES_MAX remembered; beyond, new
 * addresses wait) and one for everybody, and a count of the password
 * hashes running. They come before the hash: a refused attempt costs a
 * table lookup, not 64 MiB and ~50 ms of a core. */
static struct {
	pthread_once_t once;
	pthread_mutex_t lock;
	struct rate_table by_addr, total;
	int per_addr, all, hashing;
} brake = { PTHREAD_ONCE_INIT, PTHREAD_MUTEX_INITIALIZER, .per_addr = 10, .all = 60 };

static void brake_init(void)
{
	rate_table_init(&brake.by_addr, AUTH_ADDRESSES_MAX);
	rate_table_init(&brake.total, 1);
}

void auth_set_limits(int per_address_per_minute, int total_per_minute)
{
	/* New limits start from full buckets. */
	pthread_once(&brake.once, brake_init);
	rate_table_clear(&brake.by_addr);
	rate_table_clear(&brake.total);
	pthread_mutex_lock(&brake.lock);
	brake.per_addr = per_address_per_minute;
	brake.all = total_per_minute;
	pthread_mutex_unlock(&brake.lock);
}

/* 1 when a hash may start now (then hash_done() after it). */
static int hash_start(void)
{
	int ok;

	pthread_mutex_lock(&brake.lock);
	ok = brake.hashing < AUTH_HASHES_AT_ONCE;
	if (ok)
		brake.hashing++;
	pthread_mutex_unlock(&brake.lock);
	return ok;
}

static void hash_done(void)
{
	pthread_mutex_lock(&brake.lock);
	brake.hashing--;
	pthread_mutex_unlock(&brake.lock);
}

static char dummy_stored[crypto_pwhash_STRBYTES];

static void dummy_hash(void)
{
	char pw[AUTH_TOKEN_LEN + 1];
	auth_random_token(pw, sizeof(pw));
	if (crypto_pwhash_str_alg(dummy_stored, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
		dummy_stored[0] = 0;
}

enum auth_result auth_login(struct store *db, const char *name, const char *password, const char *addr,
			    char *token, size_t size)
{
	struct store_res *st;
	char stored[crypto_pwhash_STRBYTES] = "", th[65], csrf[AUTH_TOKEN_LEN + 1];
	int64_t uid = -1, now = (int64_t)now_wall();
	enum auth_result rc = AUTH_ERROR;
	int per_addr, all, ok;

	if (sodium_init() < 0 || size < AUTH_TOKEN_LEN + 1 || auth_migrate(db))
		return AUTH_ERROR;
	if (!valid_name(name) || strlen(password) > AUTH_PASSWORD_MAX)
		return AUTH_DENIED;
	if (!addr)
		addr = "";
	pthread_once(&brake.once, brake_init);
	pthread_mutex_lock(&brake.lock);
	per_addr = brake.per_addr;
	all = brake.all;
	pthread_mutex_unlock(&brake.lock);
	if (rate_table_take(&brake.by_addr, addr, per_addr, per_addr, now_ms()))
		return AUTH_LIMITED;
	if (accounts_failures(db, name, addr, now - AUTH_FAILURE_WINDOW) >= AUTH_MAX_FAILURES)
		return AUTH_THROTTLED;
	if (rate_table_take(&brake.total, "all", all, all, now_ms()) || !hash_start())
		return AUTH_LIMITED;
	if (accounts_user_find(db, name, &st)) {
		hash_done();
		return AUTH_ERROR;
	}
	if (store_res_rows(st) > 0) {
		const char *h = store_res_get(st, 0, 1), *id = store_res_get(st, 0, 0);
		uid = id ? strtoll(id, NULL, 10) : 0;
		str_copy(stored, sizeof(stored), h ? h : "");
	}
	store_res_free(st);
	/* An unknown name costs the same time as a wrong password, so the
	 * answer time does not tell which names exist. */
	if (uid < 0) {
		static pthread_once_t once = PTHREAD_ONCE_INIT;
		pthread_once(&once, dummy_hash);
		if (dummy_stored[0] && crypto_pwhash_str_verify(dummy_stored, password, strlen(password)) == 0)
			uid = -1;	/* never true: the dummy password is random */
	}
	ok = uid >= 0 && crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
	hash_done();
	if (!ok) {
		accounts_failure_add(db, name, addr, now, now - AUTH_FAILURE_WINDOW);
		return AUTH_DENIED;
	}
	auth_random_token(token, size);
	auth_random_token(csrf, sizeof(csrf));
	token_hash(token, th, sizeof(th));
	if (accounts_session_add(db, th, uid, csrf, now) == 0)
		rc = AUTH_OK;
	/* Expired sessions are swept at each login. */
	accounts_sessions_sweep(db, now - AUTH_IDLE_SECONDS, now - AUTH_MAX_SECONDS);
	sodium_memzero(csrf, sizeof(csrf));
	if (rc != AUTH_OK)
		sodium_memzero(token, size);
	return rc;
}

enum auth_result auth_session_get(struct store *db, const char *token, struct auth_session *s)
{
	struct store_res *st;
	char th[65];
	int64_t now = (int64_t)now_wall();
	enum auth_result rc = AUTH_DENIED;

	memset(s, 0, sizeof(*s));
	if (!token || strlen(token) != AUTH_TOKEN_LEN || strspn(token, "0123456789abcdef") != AUTH_TOKEN_LEN)
		return AUTH_DENIED;
	token_hash(token, th, sizeof(th));
	if (accounts_session_find(db, th, now - AUTH_IDLE_SECONDS, now - AUTH_MAX_SECONDS, &st))
		return AUTH_ERROR;
	if (store_res_rows(st) > 0) {
		const char *v;
		v = store_res_get(st, 0, 0);
		s->user_id = v ? strtoll(v, NULL, 10) : 0;
		v = store_res_get(st, 0, 1);
		str_copy(s->name, sizeof(s->name), v ? v : "");
		v = store_res_get(st, 0, 2);
		str_copy(s->role, sizeof(s->role), v ? v : "");
		v = store_res_get(st, 0, 3);
		str_copy(s->comune, sizeof(s->comune), v ? v : "");
		v = store_res_get(st, 0, 4);
		str_copy(s->csrf, sizeof(s->csrf), v ? v : "");
		rc = AUTH_OK;
	}
	store_res_free(st);
	if (rc == AUTH_OK)
		accounts_session_touch(db, th, now);
	return rc;
}

int auth_logout(struct store *db, const char *token)
{
	char th[65];

	if (!token || !*token)
		return 0;
	token_hash(token, th, sizeof(th));
	return accounts_session_end(db, th);
}
