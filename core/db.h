/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * SQLite helpers: opening a database the way DoteComune needs it (WAL,
 * foreign keys, busy timeout, the right `synchronous` level), running
 * migrations, and a few one-liners built on prepared statements only.
 *
 * Migrations: the core schema (core/schema.c, shared by kiosk and hub) is
 * versioned by PRAGMA user_version. Other components (the hub's own
 * tables, the reports' rollups) keep their own version in the table
 * schema_version(component, version), through the same db_migrate().
 */
#ifndef DOTE_DB_H
#define DOTE_DB_H
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

enum db_sync {
	DB_SYNC_NORMAL,	/* WAL + NORMAL: durable except the last commits on power loss */
	DB_SYNC_FULL,	/* WAL + FULL: a commit is on disk when it returns */
};

/* Opens (creating if needed) path with WAL and the given sync level,
 * foreign keys on, a 5 s busy timeout, and migrates the core schema.
 * ":memory:" works too. Returns NULL (after error()) on failure. */
sqlite3 *db_open(const char *path, enum db_sync sync);
/* Same without migrating (read-only tools, tests of migration). */
sqlite3 *db_open_raw(const char *path, enum db_sync sync);
void db_close(sqlite3 *db);

struct migration {
	int version;		/* 1, 2, 3, ... in order */
	const char *sql;	/* one or more statements */
};
/* Brings `component` to the last version in list, one transaction per
 * step. component "core" uses PRAGMA user_version. Returns 0 or -1. */
int db_migrate(sqlite3 *db, const char *component, const struct migration *list, int n);
/* Current version of a component (0 if never migrated). */
int db_version(sqlite3 *db, const char *component);
/* Migrates the core schema (called by db_open). */
int db_migrate_core(sqlite3 *db);

/* Runs statements with no parameters and no results (schema, pragmas). */
int db_exec(sqlite3 *db, const char *sql);
/* Prepares sql; NULL (after error() naming the SQL) on failure. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int db_begin(sqlite3 *db);
int db_commit(sqlite3 *db);
void db_rollback(sqlite3 *db);
/* Runs sql with one optional text parameter (may be NULL for none) and
 * returns the first column of the first row as an integer, or dflt. */
int64_t db_int(sqlite3 *db, const char *sql, const char *param, int64_t dflt);
/* Copies the first column of the first row as text into buf. Returns 0
 * when a row was found, 1 when none, -1 on error. */
int db_text(sqlite3 *db, const char *sql, const char *param, char *buf, size_t size);
/* Key/value settings kept in the `setting` table. */
int db_setting_get(sqlite3 *db, const char *key, char *buf, size_t size);
int db_setting_set(sqlite3 *db, const char *key, const char *value);
/* Copies a column's text (NULL becomes "") into buf. */
void db_col_copy(sqlite3_stmt *st, int col, char *buf, size_t size);
#endif
