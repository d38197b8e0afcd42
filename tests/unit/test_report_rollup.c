/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Rollups: figures kept incrementally at ingest and status change (as the
 * hub does) must equal a full rebuild, and both must equal plain SQL
 * GROUP BY queries written independently over the raw applications.
 */
#include "tests/unit/check.h"
#include "tests/unit/report_fixture.h"

static long long q1(sqlite3 *db, const char *sql)
{
	return (long long)db_int(db, sql, NULL, -999);
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
		CHECK_INT("rollup dropout in attribute pair rows",
			  q1(db, "SELECT SUM(dropped_out) FROM rollup_attr2 WHERE attr = 'sex' AND attr2 = 'residence'"),
			  before + 1);
	}
	/* Rollups from before the cell keys (no ckey, no rollup_attr2) are
	 * replaced and rebuilt, keys included. */
	{
		long long keys = q1(db, "SELECT SUM(ckey) FROM rollup_comune WHERE attr = ''");
		db_exec(db, "DROP TABLE rollup_attr2; ALTER TABLE rollup_comune DROP COLUMN ckey");
		CHECK("rollup old rollups migrated", rollup_migrate(db) == 0 &&
		      q1(db, "SELECT COUNT(*) FROM pragma_table_info('rollup_comune') WHERE name = 'ckey'") == 1);
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
	return check_done();
}
