/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Accounts and sessions for the dashboard (see auth.h). Start reading at
 * auth_login(). Nothing here logs a password or a token. The SQL is
 * portable (reports/store/store.h): the same accounts work on a SQLite and a
 * PostgreSQL hub; integers travel as text and are cast in the SQL.
 */
#include "reports/web/auth.h"
#include "reports/web/rate.h"
#include "reports/store/store.h"
#include "core/comuni.h"
#include "core/db.h"
#include "core/util.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
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
	/* Failures count per account and client address: a stranger's
	 * wrong passwords no longer lock the owner out. */
	{ 2,
	"ALTER TABLE hub_login_failure ADD COLUMN addr TEXT NOT NULL DEFAULT '';"
	"DROP INDEX IF EXISTS hub_login_failure_name;"
	"CREATE INDEX hub_login_failure_key ON hub_login_failure(name, addr, at);"
	},
};

/* The same tables in PostgreSQL. */
static const char auth_pg_schema[] =
	"CREATE TABLE IF NOT EXISTS hub_user ("
	"  id BIGSERIAL PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('coordinator','comune')),"
	"  comune TEXT NOT NULL DEFAULT '',"
	"  pwhash TEXT NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  disabled INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS hub_session ("
	"  token_hash TEXT PRIMARY KEY,"
	"  user_id BIGINT NOT NULL REFERENCES hub_user(id) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  created BIGINT NOT NULL,"
	"  seen BIGINT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS hub_login_failure (name TEXT NOT NULL, at BIGINT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS hub_login_failure_name ON hub_login_failure(name, at);"
	"ALTER TABLE hub_login_failure ADD COLUMN IF NOT EXISTS addr TEXT NOT NULL DEFAULT '';"
	"DROP INDEX IF EXISTS hub_login_failure_name;"
	"CREATE INDEX IF NOT EXISTS hub_login_failure_key ON hub_login_failure(name, addr, at);";

/* Text parameters p[0..np-1] as store arguments. */
static struct store_args args(const char *const *p, int np)
{
	struct store_args a = { .n = np };

	for (int i = 0; i < np; i++)
		a.v[i] = p[i];
	return a;
}

/* First column of the first row as an integer, dflt when none. */
static int64_t int1(struct store *db, const char *sql, const char *const *p, int np, int64_t dflt)
{
	struct store_args a = args(p, np);
	char buf[32];

	return store_text(db, sql, &a, buf, sizeof(buf)) == 0 && buf[0] ? strtoll(buf, NULL, 10) : dflt;
}

static int exec(struct store *db, const char *sql, const char *const *p, int np)
{
	struct store_args a = args(p, np);

	return store_exec(db, sql, &a);
}

int auth_migrate(struct store *db)
{
	int rc;

	if (!store_is_pg(db))
		return db_migrate(db->conn, "auth", auth_migrations, (int)ARRAY_SIZE(auth_migrations));
	if (int1(db, "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass('hub_login_failure')"
		     " AND attname = 'addr'", NULL, 0, 0) == 1)
		return 0;
	/* Several hubs (and the CLI) may create the tables at once. */
	if (store_exec_script(db, "SELECT pg_advisory_lock(4712)"))
		return -1;
	rc = store_exec_script(db, auth_pg_schema);
	store_exec_script(db, "SELECT pg_advisory_unlock(4712)");
	return rc;
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
	{
		const char *p[] = { name, role, comune, hash, now };
		if (exec(db, "INSERT INTO hub_user(name, role, comune, pwhash, created_at)"
				    " VALUES (?1, ?2, ?3, ?4, ?5)"
				    " ON CONFLICT(name) DO UPDATE SET role = excluded.role, comune = excluded.comune,"
				    " pwhash = excluded.pwhash, disabled = 0", p, 5) < 0) {
			snprintf(err, errsize, "cannot save the account");
			goto out;
		}
	}
	/* A new password ends the account's open sessions. */
	exec(db, "DELETE FROM hub_session WHERE user_id = (SELECT id FROM hub_user WHERE name = ?1)", &name, 1);
	rc = 0;
out:
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

static int64_t failures(struct store *db, const char *name, const char *addr, int64_t now)
{
	char since[24];
	const char *p[] = { name, addr, since };

	snprintf(since, sizeof(since), "%lld", (long long)(now - AUTH_FAILURE_WINDOW));
	return int1(db, "SELECT COUNT(*) FROM hub_login_failure WHERE name = ?1 AND addr = ?2"
			       " AND at > CAST(?3 AS BIGINT)", p, 3, 0);
}

static void record_failure(struct store *db, const char *name, const char *addr, int64_t now)
{
	char at[24], since[24];
	const char *p[] = { name, addr, at };
	const char *old = since;

	snprintf(at, sizeof(at), "%lld", (long long)now);
	snprintf(since, sizeof(since), "%lld", (long long)(now - AUTH_FAILURE_WINDOW));
	exec(db, "INSERT INTO hub_login_failure(name, addr, at) VALUES (?1, ?2, CAST(?3 AS BIGINT))", p, 3);
	exec(db, "DELETE FROM hub_login_failure WHERE at < CAST(?1 AS BIGINT)", &old, 1);
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
	char stored[crypto_pwhash_STRBYTES] = "", th[65], csrf[AUTH_TOKEN_LEN + 1], now_s[24], uid_s[24];
	char idle_s[24], max_s[24];
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
	if (failures(db, name, addr, now) >= AUTH_MAX_FAILURES)
		return AUTH_THROTTLED;
	if (rate_table_take(&brake.total, "all", all, all, now_ms()) || !hash_start())
		return AUTH_LIMITED;
	{
		struct store_args a = args(&name, 1);
		if (store_query(db, "SELECT id, pwhash FROM hub_user WHERE name = ?1 AND disabled = 0", &a, &st)) {
			hash_done();
			return AUTH_ERROR;
		}
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
		record_failure(db, name, addr, now);
		return AUTH_DENIED;
	}
	auth_random_token(token, size);
	auth_random_token(csrf, sizeof(csrf));
	token_hash(token, th, sizeof(th));
	snprintf(now_s, sizeof(now_s), "%lld", (long long)now);
	snprintf(uid_s, sizeof(uid_s), "%lld", (long long)uid);
	snprintf(idle_s, sizeof(idle_s), "%lld", (long long)(now - AUTH_IDLE_SECONDS));
	snprintf(max_s, sizeof(max_s), "%lld", (long long)(now - AUTH_MAX_SECONDS));
	{
		const char *p[] = { th, uid_s, csrf, now_s };
		if (exec(db, "INSERT INTO hub_session(token_hash, user_id, csrf, created, seen)"
				    " VALUES (?1, CAST(?2 AS BIGINT), ?3, CAST(?4 AS BIGINT), CAST(?4 AS BIGINT))", p, 4) == 1)
			rc = AUTH_OK;
	}
	/* Expired sessions are swept at each login. */
	{
		const char *p[] = { idle_s, max_s };
		exec(db, "DELETE FROM hub_session WHERE seen < CAST(?1 AS BIGINT) OR created < CAST(?2 AS BIGINT)",
			    p, 2);
	}
	sodium_memzero(csrf, sizeof(csrf));
	if (rc != AUTH_OK)
		sodium_memzero(token, size);
	return rc;
}

enum auth_result auth_session_get(struct store *db, const char *token, struct auth_session *s)
{
	struct store_res *st;
	char th[65], now_s[24], idle_s[24], max_s[24];
	int64_t now = (int64_t)now_wall();
	enum auth_result rc = AUTH_DENIED;

	memset(s, 0, sizeof(*s));
	if (!token || strlen(token) != AUTH_TOKEN_LEN || strspn(token, "0123456789abcdef") != AUTH_TOKEN_LEN)
		return AUTH_DENIED;
	token_hash(token, th, sizeof(th));
	snprintf(now_s, sizeof(now_s), "%lld", (long long)now);
	snprintf(idle_s, sizeof(idle_s), "%lld", (long long)(now - AUTH_IDLE_SECONDS));
	snprintf(max_s, sizeof(max_s), "%lld", (long long)(now - AUTH_MAX_SECONDS));
	{
		const char *p[] = { th, idle_s, max_s };
		struct store_args a = args(p, 3);
		if (store_query(db, "SELECT u.id, u.name, u.role, u.comune, s.csrf FROM hub_session s"
				    " JOIN hub_user u ON u.id = s.user_id"
				    " WHERE s.token_hash = ?1 AND s.seen >= CAST(?2 AS BIGINT)"
				    " AND s.created >= CAST(?3 AS BIGINT) AND u.disabled = 0", &a, &st))
			return AUTH_ERROR;
	}
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
	if (rc == AUTH_OK) {
		const char *p[] = { th, now_s };
		exec(db, "UPDATE hub_session SET seen = CAST(?2 AS BIGINT)"
				" WHERE token_hash = ?1 AND seen < CAST(?2 AS BIGINT) - 30", p, 2);
	}
	return rc;
}

int auth_logout(struct store *db, const char *token)
{
	char th[65];
	const char *p = th;

	if (!token || !*token)
		return 0;
	token_hash(token, th, sizeof(th));
	return exec(db, "DELETE FROM hub_session WHERE token_hash = ?1", &p, 1) < 0 ? -1 : 0;
}
