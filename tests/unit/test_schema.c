/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Core schema upgrades (core/schema.c): a database written by an older
 * program is brought to the current version by db_open() with its data
 * intact. Version 2 moved the kiosk's browse index into the schema: a
 * kiosk database of version 1 (with the index its kiosk made at
 * start-up, kiosk_placement_browse) and a hub database of version 1
 * (without it) both end up with exactly one browse index, placement_browse,
 * and the kiosk's list query reads its first page from it (no sorting).
 */
#include "core/comuni.h"
#include "core/db.h"
#include "core/util.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Turns a freshly migrated database back into what version 1 left on
 * disk: no placement_browse, optionally the kiosk's start-up index. */
static int make_v1(const char *path, int kiosk_index)
{
	sqlite3 *db = db_open(path, DB_SYNC_FULL);
	int rc = -1;
	if (!db)
		return -1;
	if (db_exec(db, "DROP INDEX placement_browse") ||
	    (kiosk_index && db_exec(db, "CREATE INDEX kiosk_placement_browse"
				       " ON placement(comune, status, deadline, code)")) ||
	    db_exec(db, "PRAGMA user_version = 1"))
		goto out;
	if (comuni_load_db(db) ||
	    db_exec(db, "INSERT INTO call(id, code, title, region, opens, deadline)"
			" VALUES (1, '6/2026', 'Avviso', 'Lombardia', '2026-01-01', '2026-12-31')"))
		goto out;
	for (int i = 0; i < 40; i++) {
		char sql[600];
		snprintf(sql, sizeof(sql),
			 "INSERT INTO placement(code, call_id, comune, area, office, title, address, months,"
			 " hours_week, allowance_eur, qrsp, seats, deadline) VALUES ('P%02d', 1, '%s',"
			 " 'library', 'Biblioteca', 'Prestiti in città', 'Via Roma 1', 6, 20, 450, 'Q', 1,"
			 " '2026-%02d-15')", i, i % 2 ? "015146" : "016024", 1 + i % 12);
		if (db_exec(db, sql))
			goto out;
	}
	rc = 0;
out:
	db_close(db);
	return rc;
}

static int count_index(sqlite3 *db, const char *name)
{
	return (int)db_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?1",
			   name, -1);
}

/* The query plan of the kiosk's list of this comune (catalog.c's
 * sql_here, reduced to what decides the plan), one line. */
static void browse_plan(sqlite3 *db, char *buf, size_t size)
{
	sqlite3_stmt *st = db_prepare(db,
		"EXPLAIN QUERY PLAN SELECT p.code FROM placement p JOIN comune c ON c.istat = p.comune"
		" WHERE p.comune = ?1 AND p.status = 'open' AND p.deadline >= ?2"
		" ORDER BY p.deadline, p.code LIMIT 40");
	size_t o = 0;
	buf[0] = 0;
	if (!st)
		return;
	while (sqlite3_step(st) == SQLITE_ROW && o < size) {
		const char *d = (const char *)sqlite3_column_text(st, 3);
		int n = snprintf(buf + o, size - o, "%s; ", d ? d : "");
		if (n < 0)
			break;
		o += (size_t)n;
	}
	sqlite3_finalize(st);
}

int main(void)
{
	char dir[] = "/tmp/dote-test-schema-XXXXXX", kiosk[256], hub[256], fresh[256], plan[1024];
	sqlite3 *db;

	CHECK("temp dir", mkdtemp(dir) != NULL);
	snprintf(kiosk, sizeof(kiosk), "%s/kiosk.db", dir);
	snprintf(hub, sizeof(hub), "%s/hub.db", dir);
	snprintf(fresh, sizeof(fresh), "%s/fresh.db", dir);

	/* A new database is created at the last version, index included. */
	db = db_open(fresh, DB_SYNC_FULL);
	CHECK_INT("new database at version 2", db ? db_version(db, "core") : -1, 2);
	CHECK_INT("new database has placement_browse", count_index(db, "placement_browse"), 1);
	db_close(db);

	/* A kiosk database of version 1, index made at start-up. */
	CHECK("version 1 kiosk database", make_v1(kiosk, 1) == 0);
	db = db_open_raw(kiosk, DB_SYNC_FULL);
	CHECK_INT("it is version 1", db_version(db, "core"), 1);
	CHECK_INT("it has the start-up index", count_index(db, "kiosk_placement_browse"), 1);
	db_close(db);
	db = db_open(kiosk, DB_SYNC_FULL);
	CHECK("kiosk database opens", db != NULL);
	CHECK_INT("kiosk database upgraded to 2", db_version(db, "core"), 2);
	CHECK_INT("placement_browse created", count_index(db, "placement_browse"), 1);
	CHECK_INT("start-up index replaced", count_index(db, "kiosk_placement_browse"), 0);
	CHECK_INT("placements kept", db_int(db, "SELECT count(*) FROM placement", NULL, -1), 40);
	CHECK_INT("search index kept", db_int(db, "SELECT count(*) FROM placement_fts WHERE placement_fts MATCH 'citta'",
					     NULL, -1), 40);
	CHECK_STR("integrity", (db_text(db, "PRAGMA integrity_check", NULL, plan, sizeof(plan)), plan), "ok");
	browse_plan(db, plan, sizeof(plan));
	CHECK("the list reads placement_browse", strstr(plan, "placement_browse") != NULL);
	CHECK("the list needs no sorting", strstr(plan, "TEMP B-TREE") == NULL);
	if (!strstr(plan, "placement_browse") || strstr(plan, "TEMP B-TREE"))
		printf("# plan: %s\n", plan);
	db_close(db);
	db = db_open(kiosk, DB_SYNC_FULL);
	CHECK_INT("opening again changes nothing", db ? db_version(db, "core") : -1, 2);
	CHECK_INT("still one browse index", db_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
						  " AND sql LIKE '%(comune, status, deadline, code)%'", NULL, -1), 1);
	db_close(db);

	/* A hub database of version 1 never had the kiosk's index. */
	CHECK("version 1 hub database", make_v1(hub, 0) == 0);
	db = db_open(hub, DB_SYNC_FULL);
	CHECK_INT("hub database upgraded to 2", db ? db_version(db, "core") : -1, 2);
	CHECK_INT("hub database has placement_browse", count_index(db, "placement_browse"), 1);
	CHECK_INT("hub placements kept", db_int(db, "SELECT count(*) FROM placement", NULL, -1), 40);
	db_close(db);

	{
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		return system(cmd) | check_done();
	}
}
