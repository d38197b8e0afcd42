/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The dashboard's accounts in the hub's database (see accounts.h): the
 * tables hub_user, hub_session and hub_login_failure and every statement
 * on them, portable over SQLite and PostgreSQL (integers travel as text
 * and are cast in the SQL). The rules (passwords, expiry, brakes) live
 * in reports/web/auth.c; start reading there.
 */
#include "reports/store/accounts.h"
#include "reports/store/store.h"
#include "core/db.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>

static const struct migration accounts_migrations[] = {
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
static const char accounts_pg_schema[] =
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

/* A number as a statement's text parameter. */
static void num(char *buf, size_t size, int64_t v)
{
	snprintf(buf, size, "%lld", (long long)v);
}

int accounts_migrate(struct store *s)
{
	char n[32];
	int rc;

	if (!store_is_pg(s))
		return db_migrate(s->conn, "auth", accounts_migrations, (int)ARRAY_SIZE(accounts_migrations));
	if (store_text(s, "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass('hub_login_failure')"
		       " AND attname = 'addr'", NULL, n, sizeof(n)) == 0 && atoll(n) == 1)
		return 0;
	/* Several hubs (and the CLI) may create the tables at once. */
	if (store_exec_script(s, "SELECT pg_advisory_lock(4712)"))
		return -1;
	rc = store_exec_script(s, accounts_pg_schema);
	store_exec_script(s, "SELECT pg_advisory_unlock(4712)");
	return rc;
}

int accounts_user_put(struct store *s, const char *name, const char *role, const char *comune,
		      const char *pwhash, const char *created_at)
{
	struct store_args a = { .v = { name, role, comune, pwhash, created_at }, .n = 5 };

	if (store_exec(s, "INSERT INTO hub_user(name, role, comune, pwhash, created_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5)"
			  " ON CONFLICT(name) DO UPDATE SET role = excluded.role, comune = excluded.comune,"
			  " pwhash = excluded.pwhash, disabled = 0", &a) < 0)
		return -1;
	/* A new password ends the account's open sessions. */
	a.n = 1;
	store_exec(s, "DELETE FROM hub_session WHERE user_id = (SELECT id FROM hub_user WHERE name = ?1)", &a);
	return 0;
}

int accounts_user_find(struct store *s, const char *name, struct store_res **row)
{
	struct store_args a = { .v = { name }, .n = 1 };

	return store_query(s, "SELECT id, pwhash FROM hub_user WHERE name = ?1 AND disabled = 0", &a, row);
}

int64_t accounts_failures(struct store *s, const char *name, const char *addr, int64_t since)
{
	char since_s[24], n[32];
	struct store_args a = { .v = { name, addr, since_s }, .n = 3 };

	num(since_s, sizeof(since_s), since);
	if (store_text(s, "SELECT COUNT(*) FROM hub_login_failure WHERE name = ?1 AND addr = ?2"
			  " AND at > CAST(?3 AS BIGINT)", &a, n, sizeof(n)) || !n[0])
		return 0;
	return strtoll(n, NULL, 10);
}

void accounts_failure_add(struct store *s, const char *name, const char *addr, int64_t at, int64_t forget_before)
{
	char at_s[24], old_s[24];
	struct store_args a = { .v = { name, addr, at_s }, .n = 3 }, b = { .v = { old_s }, .n = 1 };

	num(at_s, sizeof(at_s), at);
	num(old_s, sizeof(old_s), forget_before);
	store_exec(s, "INSERT INTO hub_login_failure(name, addr, at) VALUES (?1, ?2, CAST(?3 AS BIGINT))", &a);
	store_exec(s, "DELETE FROM hub_login_failure WHERE at < CAST(?1 AS BIGINT)", &b);
}

int accounts_session_add(struct store *s, const char *token_hash, int64_t user_id, const char *csrf, int64_t now)
{
	char uid_s[24], now_s[24];
	struct store_args a = { .v = { token_hash, uid_s, csrf, now_s }, .n = 4 };

	num(uid_s, sizeof(uid_s), user_id);
	num(now_s, sizeof(now_s), now);
	return store_exec(s, "INSERT INTO hub_session(token_hash, user_id, csrf, created, seen)"
			     " VALUES (?1, CAST(?2 AS BIGINT), ?3, CAST(?4 AS BIGINT), CAST(?4 AS BIGINT))", &a) == 1
	       ? 0 : -1;
}

void accounts_sessions_sweep(struct store *s, int64_t seen_before, int64_t created_before)
{
	char idle_s[24], max_s[24];
	struct store_args a = { .v = { idle_s, max_s }, .n = 2 };

	num(idle_s, sizeof(idle_s), seen_before);
	num(max_s, sizeof(max_s), created_before);
	store_exec(s, "DELETE FROM hub_session WHERE seen < CAST(?1 AS BIGINT) OR created < CAST(?2 AS BIGINT)", &a);
}

int accounts_session_find(struct store *s, const char *token_hash, int64_t seen_since, int64_t created_since,
			  struct store_res **row)
{
	char idle_s[24], max_s[24];
	struct store_args a = { .v = { token_hash, idle_s, max_s }, .n = 3 };

	num(idle_s, sizeof(idle_s), seen_since);
	num(max_s, sizeof(max_s), created_since);
	return store_query(s, "SELECT u.id, u.name, u.role, u.comune, s.csrf FROM hub_session s"
			      " JOIN hub_user u ON u.id = s.user_id"
			      " WHERE s.token_hash = ?1 AND s.seen >= CAST(?2 AS BIGINT)"
			      " AND s.created >= CAST(?3 AS BIGINT) AND u.disabled = 0", &a, row);
}

void accounts_session_touch(struct store *s, const char *token_hash, int64_t now)
{
	char now_s[24];
	struct store_args a = { .v = { token_hash, now_s }, .n = 2 };

	num(now_s, sizeof(now_s), now);
	store_exec(s, "UPDATE hub_session SET seen = CAST(?2 AS BIGINT)"
		      " WHERE token_hash = ?1 AND seen < CAST(?2 AS BIGINT) - 30", &a);
}

int accounts_session_end(struct store *s, const char *token_hash)
{
	struct store_args a = { .v = { token_hash }, .n = 1 };

	return store_exec(s, "DELETE FROM hub_session WHERE token_hash = ?1", &a) < 0 ? -1 : 0;
}
