/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Accounts and sessions for the dashboard (see auth.h). Start reading at
 * auth_login(). Nothing here logs a password or a token.
 */
#include "reports/auth.h"
#include "core/comuni.h"
#include "core/db.h"
#include "core/util.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const struct migration auth_migrations[] = {
	{ 1,
	"CREATE TABLE hub_user ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('coordinator','comune')),"
	"  comune TEXT NOT NULL DEFAULT '',"
	"  pwhash TEXT NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  disabled INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE hub_session ("
	"  token_hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES hub_user(id) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  seen INTEGER NOT NULL);"
	"CREATE TABLE hub_login_failure (name TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE INDEX hub_login_failure_name ON hub_login_failure(name, at);"
	},
};

int auth_migrate(sqlite3 *db)
{
	return db_migrate(db, "auth", auth_migrations, (int)ARRAY_SIZE(auth_migrations));
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

int auth_user_add(sqlite3 *db, const char *name, const char *role, const char *comune,
		  const char *password, char *err, size_t errsize)
{
	char hash[crypto_pwhash_STRBYTES], now[32];
	sqlite3_stmt *st = NULL;
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
	st = db_prepare(db, "INSERT INTO hub_user(name, role, comune, pwhash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
			    " ON CONFLICT(name) DO UPDATE SET role = excluded.role, comune = excluded.comune,"
			    " pwhash = excluded.pwhash, disabled = 0");
	if (!st)
		goto out;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, comune, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		snprintf(err, errsize, "cannot save the account: %s", sqlite3_errmsg(db));
		goto out;
	}
	/* A new password ends the account's open sessions. */
	sqlite3_finalize(st);
	st = db_prepare(db, "DELETE FROM hub_session WHERE user_id = (SELECT id FROM hub_user WHERE name = ?1)");
	if (st) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_step(st);
	}
	rc = 0;
out:
	sodium_memzero(hash, sizeof(hash));
	sqlite3_finalize(st);
	return rc;
}

static int64_t failures(sqlite3 *db, const char *name, int64_t now)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT COUNT(*) FROM hub_login_failure WHERE name = ?1 AND at > ?2");
	int64_t n = 0;
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now - AUTH_FAILURE_WINDOW);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void record_failure(sqlite3 *db, const char *name, int64_t now)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO hub_login_failure(name, at) VALUES (?1, ?2)");
	if (!st)
		return;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_step(st);
	sqlite3_finalize(st);
	st = db_prepare(db, "DELETE FROM hub_login_failure WHERE at < ?1");
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, now - AUTH_FAILURE_WINDOW);
	sqlite3_step(st);
	sqlite3_finalize(st);
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

enum auth_result auth_login(sqlite3 *db, const char *name, const char *password, char *token, size_t size)
{
	sqlite3_stmt *st = NULL;
	char stored[crypto_pwhash_STRBYTES] = "", th[65], csrf[AUTH_TOKEN_LEN + 1];
	int64_t uid = -1, now = (int64_t)now_wall();
	enum auth_result rc = AUTH_ERROR;

	if (sodium_init() < 0 || size < AUTH_TOKEN_LEN + 1 || auth_migrate(db))
		return AUTH_ERROR;
	if (!valid_name(name) || strlen(password) > AUTH_PASSWORD_MAX)
		return AUTH_DENIED;
	if (failures(db, name, now) >= AUTH_MAX_FAILURES)
		return AUTH_THROTTLED;
	st = db_prepare(db, "SELECT id, pwhash FROM hub_user WHERE name = ?1 AND disabled = 0");
	if (!st)
		return AUTH_ERROR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		uid = sqlite3_column_int64(st, 0);
		db_col_copy(st, 1, stored, sizeof(stored));
	}
	sqlite3_finalize(st);
	st = NULL;
	/* An unknown name costs the same time as a wrong password, so the
	 * answer time does not tell which names exist. */
	if (uid < 0) {
		static pthread_once_t once = PTHREAD_ONCE_INIT;
		pthread_once(&once, dummy_hash);
		if (dummy_stored[0] && crypto_pwhash_str_verify(dummy_stored, password, strlen(password)) == 0)
			uid = -1;	/* never true: the dummy password is random */
	}
	if (uid < 0 || crypto_pwhash_str_verify(stored, password, strlen(password)) != 0) {
		record_failure(db, name, now);
		return AUTH_DENIED;
	}
	auth_random_token(token, size);
	auth_random_token(csrf, sizeof(csrf));
	token_hash(token, th, sizeof(th));
	st = db_prepare(db, "INSERT INTO hub_session(token_hash, user_id, csrf, created, seen) VALUES (?1, ?2, ?3, ?4, ?4)");
	if (!st)
		goto out;
	sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = AUTH_OK;
	sqlite3_finalize(st);
	/* Expired sessions are swept at each login. */
	st = db_prepare(db, "DELETE FROM hub_session WHERE seen < ?1 OR created < ?2");
	if (st) {
		sqlite3_bind_int64(st, 1, now - AUTH_IDLE_SECONDS);
		sqlite3_bind_int64(st, 2, now - AUTH_MAX_SECONDS);
		sqlite3_step(st);
	}
out:
	sqlite3_finalize(st);
	if (rc != AUTH_OK)
		sodium_memzero(token, size);
	return rc;
}

enum auth_result auth_session_get(sqlite3 *db, const char *token, struct auth_session *s)
{
	sqlite3_stmt *st;
	char th[65];
	int64_t now = (int64_t)now_wall();
	enum auth_result rc = AUTH_DENIED;

	memset(s, 0, sizeof(*s));
	if (!token || strlen(token) != AUTH_TOKEN_LEN || strspn(token, "0123456789abcdef") != AUTH_TOKEN_LEN)
		return AUTH_DENIED;
	token_hash(token, th, sizeof(th));
	st = db_prepare(db, "SELECT u.id, u.name, u.role, u.comune, s.csrf FROM hub_session s"
			    " JOIN hub_user u ON u.id = s.user_id"
			    " WHERE s.token_hash = ?1 AND s.seen >= ?2 AND s.created >= ?3 AND u.disabled = 0");
	if (!st)
		return AUTH_ERROR;
	sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now - AUTH_IDLE_SECONDS);
	sqlite3_bind_int64(st, 3, now - AUTH_MAX_SECONDS);
	if (sqlite3_step(st) == SQLITE_ROW) {
		s->user_id = sqlite3_column_int64(st, 0);
		db_col_copy(st, 1, s->name, sizeof(s->name));
		db_col_copy(st, 2, s->role, sizeof(s->role));
		db_col_copy(st, 3, s->comune, sizeof(s->comune));
		db_col_copy(st, 4, s->csrf, sizeof(s->csrf));
		rc = AUTH_OK;
	}
	sqlite3_finalize(st);
	if (rc == AUTH_OK) {
		st = db_prepare(db, "UPDATE hub_session SET seen = ?2 WHERE token_hash = ?1 AND seen < ?2 - 30");
		if (st) {
			sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, now);
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
	}
	return rc;
}

int auth_logout(sqlite3 *db, const char *token)
{
	sqlite3_stmt *st;
	char th[65];
	int rc = -1;

	if (!token || !*token)
		return 0;
	token_hash(token, th, sizeof(th));
	st = db_prepare(db, "DELETE FROM hub_session WHERE token_hash = ?1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}
