/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Rollups: figures kept incrementally at ingest and status change (as the
 * hub does) must equal a full rebuild, and both must equal plain SQL
 * GROUP BY queries written independently over the raw applications.
 */
#include "tests/unit/check.h"
#include "tests/unit/report_fixture.h"
#include "reports/stats/report.h"

static long long q1(sqlite3 *db, const char *sql)
{
	return (long long)db_int(db, sql, NULL, -999);
}

/* A copy of the first application under a new uuid (tag), as an import
 * would write it: straight into the table, not through the queue. */
static int app_copy(sqlite3 *db, const char *tag, const char *placement)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id,"
				      " placement_code, comune, cf_hash, sex, birth_date, age, residence, applicant_status,"
				      " education, submitted_at, status) SELECT ?1, 'P-' || ?1, 'K-COPY',"
				      " 1 + (SELECT COALESCE(MAX(seq), 0) FROM application WHERE kiosk_id = 'K-COPY'), a.call_id,"
				      " COALESCE(?2, a.placement_code),"
				      " a.comune, a.cf_hash || ?1, a.sex, a.birth_date, a.age, a.residence,"
				      " a.applicant_status, a.education, a.submitted_at, 'received' FROM application a"
				      " ORDER BY a.rowid LIMIT 1");
	int rc = -1;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, placement, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(db) == 1)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/*
 * Readers tell complete rollups from the mark (rollup_mark), not from a
 * COUNT(*) of the applications (40-60 ms at 10 million, most of every
 * report): every way an import can leave the rollups short is still
 * seen, and one the count missed (as many rows deleted as added).
 */
static void mark_checks(void)
{
	sqlite3 *db = db_open(":memory:", DB_SYNC_NORMAL);

	CHECK("mark fixture", db && fixture_build(db, 600, 1) == 0 && rollup_flush(db) == 0);
	CHECK_INT("mark: complete after the hub's folds", rollup_stale(db), 0);
	CHECK_INT("mark counts every application", q1(db, "SELECT n FROM rollup_mark"), 600);
	CHECK("mark: an imported row", app_copy(db, "imp-1", NULL) == 0);
	CHECK_INT("mark: a row added without the queue makes them stale", rollup_stale(db), 1);
	CHECK("mark: rebuilt", rollup_rebuild(db) == 0);
	CHECK_INT("mark: complete after a rebuild", rollup_stale(db), 0);
	CHECK_INT("mark: the rebuild counts the imported row", q1(db, "SELECT n FROM rollup_mark"), 601);
	/* As many deleted as added: the count was equal, the figures not. */
	db_exec(db, "DELETE FROM application WHERE rowid = (SELECT MIN(rowid) FROM application)");
	CHECK("mark: one row replaced by another", app_copy(db, "imp-2", NULL) == 0 &&
	      q1(db, "SELECT COUNT(*) FROM application") == 601);
	CHECK_INT("mark: a deleted row makes them stale though the count is the same", rollup_stale(db), 1);
	CHECK("mark: rebuilt again", rollup_rebuild(db) == 0 && rollup_stale(db) == 0);
	/* An import between two applications the hub stored. */
	db_exec(db, "BEGIN");
	CHECK("mark: hub-stored application", app_copy(db, "hub-1", NULL) == 0 && rollup_apply_ingest(db, "hub-1") == 0);
	db_exec(db, "COMMIT");
	CHECK("mark: imported between", app_copy(db, "imp-3", NULL) == 0);
	db_exec(db, "BEGIN");
	CHECK("mark: hub-stored application after it", app_copy(db, "hub-2", NULL) == 0 &&
	      rollup_apply_ingest(db, "hub-2") == 0);
	db_exec(db, "COMMIT");
	CHECK_INT("mark: the fold sees the row it was not given", rollup_stale(db), 1);
	CHECK("mark: rebuilt a third time", rollup_rebuild(db) == 0);
	CHECK_INT("mark: complete, every row counted", rollup_stale(db) == 0 &&
		  q1(db, "SELECT SUM(applications) FROM rollup_province WHERE attr = ''") == 604, 1);
	/* Queued and folded by the hub only: complete, no rebuild. */
	db_exec(db, "BEGIN");
	CHECK("mark: two more through the queue", app_copy(db, "hub-3", NULL) == 0 &&
	      rollup_apply_ingest(db, "hub-3") == 0 && app_copy(db, "hub-4", NULL) == 0 &&
	      rollup_apply_ingest(db, "hub-4") == 0);
	db_exec(db, "COMMIT");
	CHECK_INT("mark: queued applications leave them complete", rollup_stale(db), 0);
	CHECK_INT("mark: the check leaves them queued (readers add them)", q1(db, "SELECT COUNT(*) FROM rollup_pending"), 2);
	CHECK_INT("mark: and counted once the hub folds", rollup_flush(db) == 0 ? q1(db, "SELECT n FROM rollup_mark") : -1, 606);
	/* Rollups kept by an older hub have no mark: counted once, marked. */
	db_exec(db, "DELETE FROM rollup_mark");
	CHECK_INT("mark: without a mark, complete by the count", rollup_stale(db), 0);
	CHECK_INT("mark: the count leaves a mark", q1(db, "SELECT n FROM rollup_mark WHERE dirty = 0"), 606);
	db_exec(db, "DELETE FROM rollup_mark");
	CHECK("mark: and an import with no mark", app_copy(db, "imp-4", NULL) == 0);
	CHECK_INT("mark: without a mark, stale by the count", rollup_stale(db), 1);
	rollup_release(db);
	db_close(db);
}

/* The SQLite fold and rebuild keep text fields whole: an area (or a
 * placement code) longer than the fold's old fixed buffers (23
 * characters for an area) is counted under its own name in the rollups
 * and in reports, not cut. */
static void long_field_checks(void)
{
	/* 150 characters: past the fold's 23 and the report rows' 127. */
	static const char area[] = "area_with_a_very_long_name_beyond_every_old_buffer_0123456789"
				   "_and_beyond_the_report_engines_row_keys_too_0123456789_0123456789_0123456789_abcdefghijkl";
	static const char code[] = "DC01-015146-A-PLACEMENT-CODE-LONGER-THAN-FORTY-SEVEN-CHARACTERS-XYZ";
	sqlite3 *db = db_open(":memory:", DB_SYNC_NORMAL);
	struct report_query q;
	struct report r;
	char err[256];
	int found = 0;

	CHECK("long fields fixture", db && fixture_build(db, 300, 1) == 0 && rollup_flush(db) == 0);
	CHECK_INT("long area is 150 characters", (int)strlen(area), 150);
	{
		sqlite3_stmt *pl = db_prepare(db, "INSERT INTO placement(code, call_id, comune, area, office, title,"
					      " address, months, hours_week, allowance_eur, qrsp, seats, deadline) VALUES"
					      " (?1, 1, '015146', ?2, 'Ufficio', 'Progetto', 'Via Roma 1', 6, 20, 400, 'Q',"
					      " 2, '2025-03-31')");
		sqlite3_bind_text(pl, 1, code, -1, SQLITE_STATIC);
		sqlite3_bind_text(pl, 2, area, -1, SQLITE_STATIC);
		CHECK("long fields placement", pl && sqlite3_step(pl) == SQLITE_DONE);
		sqlite3_finalize(pl);
	}
	db_exec(db, "BEGIN");
	for (int i = 0; i < 7; i++) {
		char tag[16];
		snprintf(tag, sizeof(tag), "long-%d", i);
		if (app_copy(db, tag, code) || rollup_apply_ingest(db, tag))
			break;
	}
	db_exec(db, "COMMIT");
	CHECK("long fields folded", rollup_flush(db) == 0);
	CHECK_INT("long area whole in rollup_placement (fold)",
		  db_int(db, "SELECT SUM(applications) FROM rollup_placement WHERE area = ?1", area, -1), 7);
	CHECK_INT("long placement code whole in rollup_placement (fold)",
		  db_int(db, "SELECT SUM(applications) FROM rollup_placement WHERE placement_code = ?1", code, -1), 7);
	CHECK_INT("no cut area in rollup_placement",
		  q1(db, "SELECT COUNT(*) FROM rollup_placement WHERE area <> (SELECT p.area FROM placement p"
			 " WHERE p.code = rollup_placement.placement_code)"), 0);
	report_query_init(&q);
	q.protect = 0;
	CHECK("long area report runs", report_parse_dims(&q, "area", err, sizeof(err)) == 0 &&
	      report_parse_measures(&q, "applications", err, sizeof(err)) == 0 &&
	      fixture_report(db, &q, &r, err, sizeof(err)) == 0);
	for (size_t i = 0; i < r.n; i++) {
		int64_t c = 0;
		double v;
		if (!strcmp(r.rows[i].key[0], area) && report_value(&r.rows[i], RM_APPLICATIONS, &c, &v) == RV_COUNT)
			found = (int)c;
	}
	CHECK_INT("long area counted exactly in a report (internal figures)", found, 7);
	report_free(&r);
	CHECK("long fields rebuilt", rollup_rebuild(db) == 0);
	CHECK_INT("long area whole in rollup_placement (rebuild)",
		  db_int(db, "SELECT SUM(applications) FROM rollup_placement WHERE area = ?1", area, -1), 7);
	/* Applications of one placement and month under two calls (an
	 * import, or the benchmark's): one placement row, as its key says;
	 * a rebuild must not write it twice (it failed on the 10M bench). */
	db_exec(db, "BEGIN");
	CHECK("two calls, one placement", app_copy(db, "mixed-1", code) == 0 && app_copy(db, "mixed-2", code) == 0 &&
	      db_exec(db, "UPDATE application SET call_id = 3 - call_id WHERE uuid = 'mixed-2'") == 0 &&
	      rollup_apply_ingest(db, "mixed-1") == 0 && rollup_apply_ingest(db, "mixed-2") == 0);
	db_exec(db, "COMMIT");
	CHECK("two calls, one placement: folded", rollup_flush(db) == 0);
	CHECK_INT("two calls, one placement: counted (fold)",
		  db_int(db, "SELECT SUM(applications) FROM rollup_placement WHERE placement_code = ?1", code, -1), 9);
	CHECK("two calls, one placement: rebuilt", rollup_rebuild(db) == 0);
	CHECK_INT("two calls, one placement: counted (rebuild)",
		  db_int(db, "SELECT SUM(applications) FROM rollup_placement WHERE placement_code = ?1", code, -1), 9);
	CHECK_INT("two calls, one placement: both calls in the comune rows",
		  db_int(db, "SELECT COUNT(DISTINCT call_id) FROM rollup_comune WHERE attr = '' AND comune ="
			 " (SELECT comune FROM application WHERE uuid = ?1) AND month ="
			 " (SELECT substr(submitted_at, 1, 7) FROM application WHERE uuid = ?1)", "mixed-1", -1), 2);
	rollup_release(db);
	db_close(db);
}

int main(void)
{
	sqlite3 *db = db_open(":memory:", DB_SYNC_NORMAL);
	long long n;

	CHECK("rollup fixture with incremental upkeep", db && fixture_build(db, 3000, 1) == 0);
	CHECK("rollup queue folds in", rollup_flush(db) == 0);
	CHECK_INT("rollup queue empty after flush", q1(db, "SELECT COUNT(*) FROM rollup_pending"), 0);
	CHECK_INT("rollup is not stale after incremental ingest", rollup_stale(db), 0);
	n = q1(db, "SELECT COUNT(*) FROM application");
	CHECK_INT("rollup fixture has every application", n, 3000);
	CHECK_INT("rollup national applications (comune table)",
		  q1(db, "SELECT SUM(applications) FROM rollup_comune WHERE attr = ''"), n);
	CHECK_INT("rollup national applications (province table)",
		  q1(db, "SELECT SUM(applications) FROM rollup_province WHERE attr = 'sex'"), n);
	CHECK_INT("rollup national applications (placement table)",
		  q1(db, "SELECT SUM(applications) FROM rollup_placement"), n);
	/* Independent: per comune and month, every measure. */
	CHECK_INT("rollup comune x month matches GROUP BY",
		  q1(db, "SELECT COUNT(*) FROM (SELECT comune, substr(submitted_at,1,7) m, COUNT(*) a,"
			 " SUM(duplicate_of IS NULL) u,"
			 " SUM(status IN ('selected','started','completed','dropped_out')) s,"
			 " SUM(status IN ('started','completed','dropped_out')) st,"
			 " SUM(status = 'completed') co, SUM(status = 'dropped_out') d"
			 " FROM application GROUP BY 1, 2"
			 " EXCEPT SELECT comune, month, SUM(applications), SUM(applicants), SUM(selected),"
			 " SUM(started), SUM(completed), SUM(dropped_out) FROM rollup_comune WHERE attr = ''"
			 " GROUP BY 1, 2)"), 0);
	CHECK_INT("rollup province x education matches GROUP BY",
		  q1(db, "SELECT COUNT(*) FROM (SELECT c.province, a.education, COUNT(*) FROM application a"
			 " JOIN comune c ON c.istat = a.comune GROUP BY 1, 2 EXCEPT SELECT province, value,"
			 " SUM(applications) FROM rollup_province WHERE attr = 'education' GROUP BY 1, 2)"), 0);
	CHECK_INT("rollup education x sex pairs match GROUP BY",
		  q1(db, "SELECT COUNT(*) FROM (SELECT c.province, a.education, COALESCE(a.sex, 'unknown'), a.call_id,"
			 " substr(a.submitted_at, 1, 7), COUNT(*), SUM(a.status IN ('selected','started','completed',"
			 "'dropped_out')) FROM application a JOIN comune c ON c.istat = a.comune GROUP BY 1, 2, 3, 4, 5"
			 " EXCEPT SELECT province, value2, value, call_id, month, applications, selected FROM rollup_attr2"
			 " WHERE attr = 'sex' AND attr2 = 'education')"), 0);
	CHECK_INT("rollup has the ten attribute pairs",
		  q1(db, "SELECT COUNT(DISTINCT attr || '/' || attr2) FROM rollup_attr2"), 10);
	/* The cell keys: each rollup row's ckey is the sum of its
	 * applications' record keys. */
	CHECK_INT("rollup cell keys = SUM(dote_rkey(uuid)) per comune x month",
		  q1(db, "SELECT COUNT(*) FROM (SELECT comune, substr(submitted_at,1,7), SUM(dote_rkey(uuid))"
			 " FROM application GROUP BY 1, 2 EXCEPT SELECT comune, month, SUM(ckey) FROM rollup_comune"
			 " WHERE attr = '' GROUP BY 1, 2)"), 0);
	CHECK("rollup record keys vary", q1(db, "SELECT COUNT(DISTINCT dote_rkey(uuid)) FROM application") > 2990);
	CHECK_INT("rollup selected's cell keys = SUM(dote_rkey(uuid)) of the selected, per province x education",
		  q1(db, "SELECT COUNT(*) FROM (SELECT c.province, a.education, SUM(dote_rkey(a.uuid))"
			 " FROM application a JOIN comune c ON c.istat = a.comune"
			 " WHERE a.status IN ('selected','started','completed','dropped_out') GROUP BY 1, 2"
			 " EXCEPT SELECT province, value, SUM(ckey_sel) FROM rollup_province WHERE attr = 'education'"
			 " GROUP BY 1, 2 HAVING SUM(selected) > 0)"), 0);
	CHECK_INT("rollup residence classes match GROUP BY",
		  q1(db, "SELECT COUNT(*) FROM (SELECT a.comune, CASE WHEN a.residence = a.comune THEN 'same_comune'"
			 " WHEN (SELECT province FROM comune WHERE istat = a.residence) ="
			 " (SELECT province FROM comune WHERE istat = a.comune) THEN 'same_province'"
			 " ELSE 'elsewhere' END, COUNT(*) FROM application a GROUP BY 1, 2"
			 " EXCEPT SELECT comune, value, SUM(applications) FROM rollup_comune"
			 " WHERE attr = 'residence' GROUP BY 1, 2)"), 0);
	CHECK_INT("rollup selection days match julianday()",
		  q1(db, "SELECT SUM(sel_days) FROM rollup_province WHERE attr = ''"),
		  q1(db, "SELECT SUM(CAST(julianday(substr((SELECT MIN(at) FROM status_history h WHERE"
			 " h.uuid = a.uuid AND h.status = 'selected'), 1, 10)) - julianday(k.deadline) AS INTEGER))"
			 " FROM application a JOIN call k ON k.id = a.call_id"
			 " WHERE a.status IN ('selected','started','completed','dropped_out')"));
	CHECK_INT("rollup funnel matches usage_count",
		  q1(db, "SELECT SUM(n) FROM rollup_funnel WHERE event = 'view'"),
		  q1(db, "SELECT SUM(n) FROM usage_count WHERE event = 'view'"));
	CHECK_INT("rollup funnel province table matches",
		  q1(db, "SELECT SUM(n) FROM rollup_funnel_province WHERE province = 'MI'"),
		  q1(db, "SELECT SUM(u.n) FROM usage_count u JOIN comune c ON c.istat = u.comune"
			 " WHERE c.province = 'MI'"));
	/* Snapshot, rebuild, compare. */
	db_exec(db, "CREATE TEMP TABLE snap_c AS SELECT * FROM rollup_comune;"
		    "CREATE TEMP TABLE snap_p AS SELECT * FROM rollup_province;"
		    "CREATE TEMP TABLE snap_l AS SELECT * FROM rollup_placement;"
		    "CREATE TEMP TABLE snap_f AS SELECT * FROM rollup_funnel;"
		    "CREATE TEMP TABLE snap_a AS SELECT * FROM rollup_attr2;");
	CHECK("rollup rebuild runs", rollup_rebuild(db) == 0);
	CHECK_INT("rollup rebuild = incremental (comune)",
		  q1(db, "SELECT (SELECT COUNT(*) FROM (SELECT * FROM rollup_comune EXCEPT SELECT * FROM snap_c))"
			 " + (SELECT COUNT(*) FROM (SELECT * FROM snap_c EXCEPT SELECT * FROM rollup_comune WHERE applications > 0))"), 0);
	CHECK_INT("rollup rebuild = incremental (province)",
		  q1(db, "SELECT (SELECT COUNT(*) FROM (SELECT * FROM rollup_province EXCEPT SELECT * FROM snap_p))"
			 " + (SELECT COUNT(*) FROM (SELECT * FROM snap_p EXCEPT SELECT * FROM rollup_province))"), 0);
	CHECK_INT("rollup rebuild = incremental (placement)",
		  q1(db, "SELECT COUNT(*) FROM (SELECT * FROM rollup_placement EXCEPT SELECT * FROM snap_l)"), 0);
	CHECK_INT("rollup rebuild = incremental (attribute pairs)",
		  q1(db, "SELECT (SELECT COUNT(*) FROM (SELECT * FROM rollup_attr2 EXCEPT SELECT * FROM snap_a))"
			 " + (SELECT COUNT(*) FROM (SELECT * FROM snap_a EXCEPT SELECT * FROM rollup_attr2))"), 0);
	CHECK_INT("rollup rebuild = incremental (funnel)",
		  q1(db, "SELECT COUNT(*) FROM (SELECT * FROM rollup_funnel EXCEPT SELECT * FROM snap_f)"), 0);
	/* A status change after the fact moves counts. */
	{
		char uuid[40] = "";
		long long before = q1(db, "SELECT SUM(dropped_out) FROM rollup_province WHERE attr = ''");
		db_text(db, "SELECT uuid FROM application WHERE status = 'started' LIMIT 1", NULL, uuid, sizeof(uuid));
		db_exec(db, "BEGIN");
		db_exec(db, "UPDATE application SET status = 'dropped_out' WHERE uuid = (SELECT uuid FROM application"
			    " WHERE status = 'started' LIMIT 1)");
		CHECK("rollup status change applies", uuid[0] && rollup_apply_status(db, uuid, "started", "dropped_out") == 0);
		db_exec(db, "COMMIT");
		rollup_flush(db);
		CHECK_INT("rollup dropout counted once more",
			  q1(db, "SELECT SUM(dropped_out) FROM rollup_province WHERE attr = ''"), before + 1);
		CHECK_INT("rollup dropout in comune attr rows",
			  q1(db, "SELECT SUM(dropped_out) FROM rollup_comune WHERE attr = 'age_band'"), before + 1);
		CHECK_INT("rollup dropout's cell key moves with it",
			  q1(db, "SELECT SUM(ckey_dro) FROM rollup_comune WHERE attr = 'sex'"),
			  q1(db, "SELECT SUM(dote_rkey(uuid)) FROM application WHERE status = 'dropped_out'"));
		CHECK_INT("rollup dropout in attribute pair rows",
			  q1(db, "SELECT SUM(dropped_out) FROM rollup_attr2 WHERE attr = 'sex' AND attr2 = 'residence'"),
			  before + 1);
	}
	/* Rollups from before the cell keys (no ckey, no rollup_attr2) are
	 * replaced and rebuilt, keys included. */
	{
		long long keys = q1(db, "SELECT SUM(ckey) FROM rollup_comune WHERE attr = ''");
		db_exec(db, "ALTER TABLE rollup_attr2 DROP COLUMN ckey_dro; ALTER TABLE rollup_comune DROP COLUMN ckey_dro");
		CHECK("rollup old rollups migrated", rollup_migrate(db) == 0 &&
		      q1(db, "SELECT COUNT(*) FROM pragma_table_info('rollup_comune') WHERE name = 'ckey_dro'") == 1);
		CHECK_INT("rollup old rollups are stale", rollup_stale(db), 1);
		CHECK("rollup old rollups rebuilt with their keys", rollup_rebuild(db) == 0 &&
		      q1(db, "SELECT SUM(ckey) FROM rollup_comune WHERE attr = ''") == keys && keys != 0);
	}
	/* A database filled without upkeep is detected as stale. */
	db_exec(db, "DELETE FROM rollup_province");
	CHECK_INT("rollup empty tables are stale", rollup_stale(db), 1);
	rollup_release(db);
	db_close(db);

	/* More applications than one fold's batch: the queue is folded in
	 * during ingest (not only by readers), and what that fold wrote,
	 * plus the last fold, equals a rebuild from scratch. */
	db = db_open(":memory:", DB_SYNC_NORMAL);
	CHECK("rollup big fixture with incremental upkeep", db && fixture_build(db, 9000, 1) == 0);
	n = q1(db, "SELECT COUNT(*) FROM rollup_pending");
	CHECK("rollup folded during ingest", n > 0 && n < 9000 &&
	      q1(db, "SELECT SUM(applications) FROM rollup_province WHERE attr = ''") == 9000 - n);
	CHECK("rollup last fold", rollup_flush(db) == 0);
	db_exec(db, "CREATE TEMP TABLE kc AS SELECT * FROM rollup_comune; CREATE TEMP TABLE kp AS SELECT * FROM"
		    " rollup_province; CREATE TEMP TABLE kl AS SELECT * FROM rollup_placement");
	CHECK("rollup rebuild after folds", rollup_rebuild(db) == 0);
	CHECK_INT("rollup folds = rebuild (comune)",
		  q1(db, "SELECT (SELECT COUNT(*) FROM (SELECT * FROM kc EXCEPT SELECT * FROM rollup_comune)) +"
			 " (SELECT COUNT(*) FROM (SELECT * FROM rollup_comune EXCEPT SELECT * FROM kc))"), 0);
	CHECK_INT("rollup folds = rebuild (province)",
		  q1(db, "SELECT (SELECT COUNT(*) FROM (SELECT * FROM kp EXCEPT SELECT * FROM rollup_province)) +"
			 " (SELECT COUNT(*) FROM (SELECT * FROM rollup_province EXCEPT SELECT * FROM kp))"), 0);
	CHECK_INT("rollup folds = rebuild (placement)",
		  q1(db, "SELECT (SELECT COUNT(*) FROM (SELECT * FROM kl EXCEPT SELECT * FROM rollup_placement)) +"
			 " (SELECT COUNT(*) FROM (SELECT * FROM rollup_placement EXCEPT SELECT * FROM kl))"), 0);
	CHECK("rollup big fixture counted", q1(db, "SELECT COUNT(*) FROM kc") > 1000 &&
	      q1(db, "SELECT SUM(applications) FROM kp WHERE attr = 'sex'") == 9000);
	rollup_release(db);
	db_close(db);
	mark_checks();
	long_field_checks();
	return check_done();
}
