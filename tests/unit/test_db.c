/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * SQLite helpers: WAL and synchronous levels, migrations by version
 * (including refusing a newer database and rolling back a failed step),
 * settings, and the placement search index kept in step by triggers.
 */
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/files.h"
#include "core/util.h"
#include "core/uuid.h"
#include "reports/web/html.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/dote-test-db-XXXXXX", path[256], buf[64];
	sqlite3 *db;

	CHECK("temp dir", mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/t.db", dir);
	db = db_open(path, DB_SYNC_FULL);
	CHECK("open file database", db != NULL);
	CHECK("WAL journal", db_text(db, "PRAGMA journal_mode", NULL, buf, sizeof(buf)) == 0 && !strcmp(buf, "wal"));
	CHECK_INT("synchronous FULL", db_int(db, "PRAGMA synchronous", NULL, -1), 2);
	CHECK_INT("foreign keys on", db_int(db, "PRAGMA foreign_keys", NULL, -1), 1);
	CHECK_INT("core schema version 2", db_version(db, "core"), 2);
	CHECK("tables exist", db_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN "
				 "('comune','call','placement','application','outbox','kiosk','status_history','usage_count','setting')", NULL, 0) == 9);
	db_close(db);

	db = db_open(path, DB_SYNC_NORMAL);
	CHECK("reopen keeps version", db && db_version(db, "core") == 2);
	CHECK_INT("synchronous NORMAL", db_int(db, "PRAGMA synchronous", NULL, -1), 1);

	/* A component's own migrations. */
	static const struct migration steps[] = {
		{ 1, "CREATE TABLE t1(a INTEGER)" },
		{ 2, "ALTER TABLE t1 ADD COLUMN b TEXT" },
	};
	CHECK("component migrates", db_migrate(db, "test", steps, 2) == 0);
	CHECK_INT("component version 2", db_version(db, "test"), 2);
	CHECK("migrating again is a no-op", db_migrate(db, "test", steps, 2) == 0);
	CHECK("core version unaffected", db_version(db, "core") == 2);
	static const struct migration bad[] = {
		{ 1, "CREATE TABLE t1(a INTEGER)" },
		{ 2, "ALTER TABLE t1 ADD COLUMN b TEXT" },
		{ 3, "CREATE TABLE t3(x); CREATE TABLE oops syntax error" },
	};
	util_quiet(1);
	CHECK("failing step reports failure", db_migrate(db, "test", bad, 3) != 0);
	util_quiet(0);
	CHECK_INT("failing step leaves version", db_version(db, "test"), 2);
	CHECK_INT("failing step rolled back", db_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 't3'", NULL, 0), 0);
	util_quiet(1);
	CHECK("older program refuses newer schema", db_migrate(db, "test", steps, 1) != 0);
	util_quiet(0);

	CHECK("setting saved", db_setting_set(db, "etag", "\"abc\"") == 0);
	CHECK("setting replaced", db_setting_set(db, "etag", "\"def\"") == 0);
	CHECK("setting read", db_setting_get(db, "etag", buf, sizeof(buf)) == 0 && !strcmp(buf, "\"def\""));
	CHECK("missing setting", db_setting_get(db, "nope", buf, sizeof(buf)) == 1);

	/* The search index follows the placement table. */
	CHECK("comuni loaded", comuni_load_db(db) == 0);
	CHECK("insert call", db_exec(db, "INSERT INTO call(id, code, title, region, opens, deadline)"
				  " VALUES (1, '6/2026', 'Avviso', 'Lombardia', '2026-10-01', '2026-12-31')") == 0);
	CHECK("insert placement", db_exec(db, "INSERT INTO placement(code, call_id, comune, area, office, title,"
				       " address, months, hours_week, allowance_eur, qrsp, seats, deadline)"
				       " VALUES ('P1', 1, '054013', 'culture', 'Ufficio Cultura', 'Eventi in città',"
				       " 'Piazza Grande 1', 6, 20, 450, 'Operatore', 1, '2026-12-31')") == 0);
	CHECK_INT("'citta' finds 'Città' (title)", db_int(db, "SELECT count(*) FROM placement_fts WHERE placement_fts MATCH 'citta'", NULL, 0), 1);
	CHECK_INT("'castello' finds the comune name", db_int(db, "SELECT count(*) FROM placement_fts WHERE placement_fts MATCH 'castell*'", NULL, 0), 1);
	CHECK("update placement", db_exec(db, "UPDATE placement SET title = 'Biblioteca' WHERE code = 'P1'") == 0);
	CHECK_INT("index follows update", db_int(db, "SELECT count(*) FROM placement_fts WHERE placement_fts MATCH 'eventi'", NULL, 0), 0);
	CHECK_INT("new title found", db_int(db, "SELECT count(*) FROM placement_fts WHERE placement_fts MATCH 'biblioteca'", NULL, 0), 1);
	CHECK("delete placement", db_exec(db, "DELETE FROM placement WHERE code = 'P1'") == 0);
	CHECK_INT("index follows delete", db_int(db, "SELECT count(*) FROM placement_fts", NULL, 0), 0);
	util_quiet(1);
	CHECK("bad months rejected", db_exec(db, "INSERT INTO placement(code, call_id, comune, area, office, title,"
					" address, months, hours_week, allowance_eur, qrsp, seats, deadline)"
					" VALUES ('P2', 1, '015146', 'library', 'B', 'T', 'A', 5, 20, 450, 'Q', 1, '2026-12-31')") != 0);
	CHECK("unknown comune rejected", db_exec(db, "INSERT INTO placement(code, call_id, comune, area, office, title,"
					     " address, months, hours_week, allowance_eur, qrsp, seats, deadline)"
					     " VALUES ('P3', 1, '999999', 'library', 'B', 'T', 'A', 6, 20, 450, 'Q', 1, '2026-12-31')") != 0);
	util_quiet(0);
	db_close(db);

	/* File helpers. */
	snprintf(path, sizeof(path), "%s/sub/dir", dir);
	CHECK("dir_make -p", dir_make(path, 0700) == 0 && access(path, F_OK) == 0);
	snprintf(path, sizeof(path), "%s/sub/f.txt", dir);
	CHECK("atomic write", file_write_atomic(path, "hello", 5, 0600) == 0);
	size_t len = 0;
	char *s = file_read(path, 100, &len);
	CHECK("read back", s && len == 5 && !strcmp(s, "hello"));
	free(s);
	util_quiet(1);
	CHECK("size limit on read", file_read(path, 3, &len) == NULL);
	util_quiet(0);
	CHECK("atomic write to a device writes in place", file_write_atomic("/dev/zero", "x", 1, 0600) == 0);
	{
		struct stat dn;
		CHECK("the device is still a device", stat("/dev/zero", &dn) == 0 && S_ISCHR(dn.st_mode));
	}
	util_quiet(1);
	CHECK("atomic write to a directory refused", file_write_atomic(dir, "x", 1, 0600) == -1);
	util_quiet(0);
	CHECK("html escape", html_escape(buf, sizeof(buf), "<a href=\"x\">&'") == 0 &&
			      !strcmp(buf, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"));
	CHECK("html escape overflow", html_escape(buf, 5, "<<<<") == -1);
	char u1[40], u2[40];
	uuid_v7(u1, sizeof(u1));
	usleep(2000);
	uuid_v7(u2, sizeof(u2));
	CHECK("uuid v7 layout", strlen(u1) == 36 && u1[14] == '7' && strchr("89ab", u1[19]));
	CHECK("uuid v7 time-ordered", strcmp(u1, u2) < 0);
	CHECK_INT("age on birthday eve", age_on("2000-11-27", "2026-11-26"), 25);
	CHECK_INT("age on birthday", age_on("2000-11-26", "2026-11-26"), 26);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) | check_done();
}
