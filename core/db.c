/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * SQLite helpers. See db.h. The core schema lives in schema.c.
 */
#include "core/db.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

sqlite3 *db_open_raw(const char *path, enum db_sync sync)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		error("cannot open database '%s': %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	if (db_exec(db, "PRAGMA journal_mode=WAL") ||
	    db_exec(db, sync == DB_SYNC_FULL ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL") ||
	    db_exec(db, "PRAGMA foreign_keys=ON") ||
	    db_exec(db, "PRAGMA temp_store=MEMORY")) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

sqlite3 *db_open(const char *path, enum db_sync sync)
{
	sqlite3 *db = db_open_raw(path, sync);
	if (db && db_migrate_core(db)) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

void db_close(sqlite3 *db)
{
	if (db)
		sqlite3_close_v2(db);
}

int db_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error("sql failed: %s (%.80s)", msg ? msg : sqlite3_errmsg(db), sql);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		error("cannot prepare: %s (%.80s)", sqlite3_errmsg(db), sql);
		return NULL;
	}
	return st;
}

int db_begin(sqlite3 *db) { return db_exec(db, "BEGIN IMMEDIATE"); }
int db_commit(sqlite3 *db) { return db_exec(db, "COMMIT"); }
void db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int64_t db_int(sqlite3 *db, const char *sql, const char *param, int64_t dflt)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int64_t v = dflt;
	if (!st)
		return dflt;
	if (param)
		sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int db_text(sqlite3 *db, const char *sql, const char *param, char *buf, size_t size)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int rc = -1, s;
	if (!st)
		return -1;
	if (param)
		sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		db_col_copy(st, 0, buf, size);
		rc = 0;
	} else if (s == SQLITE_DONE) {
		rc = 1;
	} else {
		error("query failed: %s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return rc;
}

void db_col_copy(sqlite3_stmt *st, int col, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	str_copy(buf, size, t ? (const char *)t : "");
}

int db_setting_get(sqlite3 *db, const char *key, char *buf, size_t size)
{
	return db_text(db, "SELECT value FROM setting WHERE key = ?1", key, buf, size);
}

int db_setting_set(sqlite3 *db, const char *key, const char *value)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT INTO setting(key, value) VALUES (?1, ?2) "
		"ON CONFLICT(key) DO UPDATE SET value = excluded.value");
	int rc = -1;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	else
		error("cannot save setting '%s': %s", key, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

int db_version(sqlite3 *db, const char *component)
{
	if (!strcmp(component, "core"))
		return (int)db_int(db, "PRAGMA user_version", NULL, 0);
	if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_version("
			"component TEXT PRIMARY KEY, version INTEGER NOT NULL)"))
		return -1;
	return (int)db_int(db, "SELECT version FROM schema_version WHERE component = ?1", component, 0);
}

static int set_version(sqlite3 *db, const char *component, int v)
{
	char sql[64];
	sqlite3_stmt *st;
	int rc = -1;
	if (!strcmp(component, "core")) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
		return db_exec(db, sql);
	}
	st = db_prepare(db, "INSERT INTO schema_version(component, version) VALUES (?1, ?2) "
			    "ON CONFLICT(component) DO UPDATE SET version = excluded.version");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, component, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, v);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

int db_migrate(sqlite3 *db, const char *component, const struct migration *list, int n)
{
	int cur = db_version(db, component);
	if (cur < 0)
		return -1;
	if (n > 0 && cur > list[n - 1].version)
		return error("database schema '%s' is version %d, newer than this program (%d)",
			     component, cur, list[n - 1].version);
	for (int i = 0; i < n; i++) {
		if (list[i].version <= cur)
			continue;
		if (db_begin(db))
			return -1;
		if (db_exec(db, list[i].sql) || set_version(db, component, list[i].version) ||
		    db_commit(db)) {
			db_rollback(db);
			return error("migration %s %d failed", component, list[i].version);
		}
	}
	return 0;
}
