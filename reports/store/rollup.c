/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Rollups: the SQL that keeps the statistics tables in step with the raw
 * applications (see rollup.h for the tables and their meaning), and the
 * SQLite helpers the hub and `dote demo` call. Start reading at
 * rollup_ingest_sql[]; rollup_rebuild() recomputes the same figures from
 * scratch with GROUP BY, and the tests check the two agree.
 *
 * The SQL is written once as macros so that ingest, status changes and
 * rebuild share every expression (age band, residence class, selection
 * days); it stays portable between SQLite and PostgreSQL.
 */
#include "reports/store/rollup.h"
#include "reports/store/sdc_keys.h"
#include "core/db.h"
#include "core/util.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Day number of a 'YYYY-MM-DD' expression E (days since a fixed epoch,
 * proleptic Gregorian), in integer arithmetic both databases share. */
#define DY(E) "CAST(substr(" E ",1,4) AS INTEGER)"
#define DM(E) "CAST(substr(" E ",6,2) AS INTEGER)"
#define DD(E) "CAST(substr(" E ",9,2) AS INTEGER)"
#define DYS(E) "(" DY(E) " - CASE WHEN " DM(E) " <= 2 THEN 1 ELSE 0 END)"
#define DAYNUM(E) "(365 * " DYS(E) " + " DYS(E) " / 4 - " DYS(E) " / 100 + " DYS(E) " / 400" \
	" + (153 * (CASE WHEN " DM(E) " <= 2 THEN " DM(E) " + 9 ELSE " DM(E) " - 3 END) + 2) / 5 + " DD(E) ")"

/* The date an application was selected: its first 'selected' entry in
 * status_history, else the time of its last status change. */
#define SEL_DATE "COALESCE((SELECT MIN(h.at) FROM status_history h WHERE h.uuid = a.uuid AND h.status = 'selected'), a.status_at, a.submitted_at)"
#define SEL_DAYS "CASE WHEN k.deadline IS NULL THEN 0 ELSE " DAYNUM(SEL_DATE) " - " DAYNUM("k.deadline") " END"

#define SET_SELECTED(S) "CASE WHEN " S " IN ('selected','started','completed','dropped_out') THEN 1 ELSE 0 END"
#define SET_STARTED(S) "CASE WHEN " S " IN ('started','completed','dropped_out') THEN 1 ELSE 0 END"
#define SET_COMPLETED(S) "CASE WHEN " S " = 'completed' THEN 1 ELSE 0 END"
#define SET_DROPPED(S) "CASE WHEN " S " = 'dropped_out' THEN 1 ELSE 0 END"

#define AGE_BAND "CASE WHEN a.age IS NULL OR a.age < 15 THEN 'unknown' WHEN a.age <= 17 THEN '15-17'" \
	" WHEN a.age <= 24 THEN '18-24' WHEN a.age <= 29 THEN '25-29' WHEN a.age <= 34 THEN '30-34'" \
	" WHEN a.age <= 49 THEN '35-49' ELSE '50+' END"
#define RESIDENCE "CASE WHEN a.residence = a.comune THEN 'same_comune'" \
	" WHEN r.province IS NOT NULL AND r.province = c.province THEN 'same_province' ELSE 'elsewhere' END"

/* One row per application with every key and measure the rollups use. */
#define APP_COLUMNS \
	"a.uuid AS uuid, a.comune AS comune, COALESCE(c.province, '') AS province," \
	" COALESCE(c.region, '') AS region, a.call_id AS call_id, substr(a.submitted_at, 1, 7) AS month," \
	" a.placement_code AS placement_code, COALESCE(p.area, 'unknown') AS area," \
	" a.applicant_status AS v_status, " AGE_BAND " AS v_age, COALESCE(a.sex, 'unknown') AS v_sex," \
	" a.education AS v_edu, " RESIDENCE " AS v_res," \
	" CASE WHEN a.duplicate_of IS NULL THEN 1 ELSE 0 END AS uniq," \
	" " SET_SELECTED("a.status") " AS sel, " SET_STARTED("a.status") " AS sta," \
	" " SET_COMPLETED("a.status") " AS com, " SET_DROPPED("a.status") " AS dro," \
	" CASE WHEN " SET_SELECTED("a.status") " = 1 THEN " SEL_DAYS " ELSE 0 END AS days," \
	" COALESCE(p.office, '') AS office, dote_rkey(a.uuid) AS rkey"
#define APP_FROM " FROM application a" APP_JOINS
#define APP_JOINS \
	" LEFT JOIN comune c ON c.istat = a.comune" \
	" LEFT JOIN comune r ON r.istat = a.residence" \
	" LEFT JOIN placement p ON p.code = a.placement_code" \
	" LEFT JOIN call k ON k.id = a.call_id"
#define ATTRS "attrs(attr) AS (VALUES (''), ('applicant_status'), ('age_band'), ('sex'), ('education'), ('residence'))"
#define ATTR_VALUE "CASE attrs.attr WHEN '' THEN '' WHEN 'applicant_status' THEN x.v_status" \
	" WHEN 'age_band' THEN x.v_age WHEN 'sex' THEN x.v_sex WHEN 'education' THEN x.v_edu ELSE x.v_res END"
#define MEASURES "applications, applicants, selected, started, completed, dropped_out, sel_days, sel_n, ckey," \
	" ckey_uniq, ckey_sel, ckey_sta, ckey_com, ckey_dro"
#define ADD(T, K) " ON CONFLICT (" K ") DO UPDATE SET applications = " T ".applications + excluded.applications," \
	" applicants = " T ".applicants + excluded.applicants, selected = " T ".selected + excluded.selected," \
	" started = " T ".started + excluded.started, completed = " T ".completed + excluded.completed," \
	" dropped_out = " T ".dropped_out + excluded.dropped_out, sel_days = " T ".sel_days + excluded.sel_days," \
	" sel_n = " T ".sel_n + excluded.sel_n, ckey = " T ".ckey + excluded.ckey," \
	" ckey_uniq = " T ".ckey_uniq + excluded.ckey_uniq, ckey_sel = " T ".ckey_sel + excluded.ckey_sel," \
	" ckey_sta = " T ".ckey_sta + excluded.ckey_sta, ckey_com = " T ".ckey_com + excluded.ckey_com," \
	" ckey_dro = " T ".ckey_dro + excluded.ckey_dro"
#define MEASURE_COLS "applications INTEGER NOT NULL DEFAULT 0, applicants INTEGER NOT NULL DEFAULT 0," \
	" selected INTEGER NOT NULL DEFAULT 0, started INTEGER NOT NULL DEFAULT 0," \
	" completed INTEGER NOT NULL DEFAULT 0, dropped_out INTEGER NOT NULL DEFAULT 0," \
	" sel_days INTEGER NOT NULL DEFAULT 0, sel_n INTEGER NOT NULL DEFAULT 0, ckey BIGINT NOT NULL DEFAULT 0," \
	" ckey_uniq BIGINT NOT NULL DEFAULT 0, ckey_sel BIGINT NOT NULL DEFAULT 0, ckey_sta BIGINT NOT NULL DEFAULT 0," \
	" ckey_com BIGINT NOT NULL DEFAULT 0, ckey_dro BIGINT NOT NULL DEFAULT 0"
/* The ten pairs of applicant attributes of rollup_attr2 (first before
 * second in the order of ATTRS), and the value of an attribute named by
 * the SQL expression N for row x. */
#define PAIRS "pairs(a1, a2) AS (VALUES ('applicant_status', 'age_band'), ('applicant_status', 'sex')," \
	" ('applicant_status', 'education'), ('applicant_status', 'residence'), ('age_band', 'sex')," \
	" ('age_band', 'education'), ('age_band', 'residence'), ('sex', 'education'), ('sex', 'residence')," \
	" ('education', 'residence'))"
#define VALUE_OF(N) "CASE " N " WHEN 'applicant_status' THEN x.v_status WHEN 'age_band' THEN x.v_age" \
	" WHEN 'sex' THEN x.v_sex WHEN 'education' THEN x.v_edu ELSE x.v_res END"

const char *const rollup_schema_sql[] = {
	"CREATE TABLE IF NOT EXISTS rollup_comune (attr TEXT NOT NULL, value TEXT NOT NULL,"
	" comune TEXT NOT NULL, province TEXT NOT NULL, region TEXT NOT NULL, call_id INTEGER NOT NULL,"
	" month TEXT NOT NULL, " MEASURE_COLS ", PRIMARY KEY (attr, value, comune, call_id, month))",
	"CREATE INDEX IF NOT EXISTS rollup_comune_province ON rollup_comune (province, attr, month)",
	"CREATE TABLE IF NOT EXISTS rollup_province (attr TEXT NOT NULL, value TEXT NOT NULL,"
	" province TEXT NOT NULL, region TEXT NOT NULL, call_id INTEGER NOT NULL, month TEXT NOT NULL, "
	MEASURE_COLS ", PRIMARY KEY (attr, value, province, call_id, month))",
	"CREATE TABLE IF NOT EXISTS rollup_placement (placement_code TEXT NOT NULL, month TEXT NOT NULL,"
	" comune TEXT NOT NULL, province TEXT NOT NULL, region TEXT NOT NULL, call_id INTEGER NOT NULL,"
	" area TEXT NOT NULL, " MEASURE_COLS ", PRIMARY KEY (placement_code, month))",
	"CREATE INDEX IF NOT EXISTS rollup_placement_province ON rollup_placement (province, month)",
	"CREATE TABLE IF NOT EXISTS rollup_attr2 (attr TEXT NOT NULL, value TEXT NOT NULL, attr2 TEXT NOT NULL,"
	" value2 TEXT NOT NULL, province TEXT NOT NULL, region TEXT NOT NULL, call_id INTEGER NOT NULL,"
	" month TEXT NOT NULL, " MEASURE_COLS ", PRIMARY KEY (attr, attr2, value, value2, province, call_id, month))",
	"CREATE TABLE IF NOT EXISTS rollup_funnel (comune TEXT NOT NULL, province TEXT NOT NULL,"
	" region TEXT NOT NULL, month TEXT NOT NULL, event TEXT NOT NULL, n INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (comune, month, event))",
	"CREATE INDEX IF NOT EXISTS rollup_funnel_by_province ON rollup_funnel (province, month)",
	"CREATE TABLE IF NOT EXISTS rollup_funnel_province (province TEXT NOT NULL, region TEXT NOT NULL,"
	" month TEXT NOT NULL, event TEXT NOT NULL, n INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (province, month, event))",
	NULL
};

#define INGEST_X "WITH x AS (SELECT " APP_COLUMNS APP_FROM " WHERE a.uuid = ?1), " ATTRS
#define DELTA_SELECTS \
	"1, x.uniq, x.sel, x.sta, x.com, x.dro, x.days, x.sel, x.rkey, x.uniq * x.rkey, x.sel * x.rkey," \
	" x.sta * x.rkey, x.com * x.rkey, x.dro * x.rkey"

const char *const rollup_ingest_sql[] = {
	INGEST_X " INSERT INTO rollup_comune (attr, value, comune, province, region, call_id, month, " MEASURES ")"
	" SELECT attrs.attr, " ATTR_VALUE ", x.comune, x.province, x.region, x.call_id, x.month, " DELTA_SELECTS
	" FROM x, attrs WHERE true" ADD("rollup_comune", "attr, value, comune, call_id, month"),
	INGEST_X " INSERT INTO rollup_province (attr, value, province, region, call_id, month, " MEASURES ")"
	" SELECT attrs.attr, " ATTR_VALUE ", x.province, x.region, x.call_id, x.month, " DELTA_SELECTS
	" FROM x, attrs WHERE true" ADD("rollup_province", "attr, value, province, call_id, month"),
	"WITH x AS (SELECT " APP_COLUMNS APP_FROM " WHERE a.uuid = ?1)"
	" INSERT INTO rollup_placement (placement_code, month, comune, province, region, call_id, area, " MEASURES ")"
	" SELECT x.placement_code, x.month, x.comune, x.province, x.region, x.call_id, x.area, " DELTA_SELECTS
	" FROM x WHERE true" ADD("rollup_placement", "placement_code, month"),
	"WITH x AS (SELECT " APP_COLUMNS APP_FROM " WHERE a.uuid = ?1), " PAIRS
	" INSERT INTO rollup_attr2 (attr, value, attr2, value2, province, region, call_id, month, " MEASURES ")"
	" SELECT pairs.a1, " VALUE_OF("pairs.a1") ", pairs.a2, " VALUE_OF("pairs.a2") ", x.province, x.region,"
	" x.call_id, x.month, " DELTA_SELECTS " FROM x, pairs WHERE true"
	ADD("rollup_attr2", "attr, attr2, value, value2, province, call_id, month"),
	NULL
};

/* A status change moves the application's contribution to the counts
 * of its old status to those of the new one; the selection days follow
 * the 'selected' flag. */
#define D_SEL "(" SET_SELECTED("CAST(?3 AS TEXT)") " - " SET_SELECTED("CAST(?2 AS TEXT)") ")"
#define D_STA "(" SET_STARTED("CAST(?3 AS TEXT)") " - " SET_STARTED("CAST(?2 AS TEXT)") ")"
#define D_COM "(" SET_COMPLETED("CAST(?3 AS TEXT)") " - " SET_COMPLETED("CAST(?2 AS TEXT)") ")"
#define D_DRO "(" SET_DROPPED("CAST(?3 AS TEXT)") " - " SET_DROPPED("CAST(?2 AS TEXT)") ")"
#define STATUS_X "WITH x AS (SELECT " APP_COLUMNS ", " D_SEL " AS dsel, " D_STA " AS dsta, " D_COM " AS dcom, " \
	D_DRO " AS ddro, " D_SEL " * (" SEL_DAYS ") AS ddays" APP_FROM " WHERE a.uuid = ?1), " ATTRS ", " \
	"d AS (SELECT attrs.attr AS attr, " ATTR_VALUE " AS value, x.* FROM x, attrs)"
#define STATUS_X2 "WITH x AS (SELECT " APP_COLUMNS ", " D_SEL " AS dsel, " D_STA " AS dsta, " D_COM " AS dcom, " \
	D_DRO " AS ddro, " D_SEL " * (" SEL_DAYS ") AS ddays" APP_FROM " WHERE a.uuid = ?1), " PAIRS ", " \
	"d AS (SELECT pairs.a1 AS attr, " VALUE_OF("pairs.a1") " AS value, pairs.a2 AS attr2, " \
	VALUE_OF("pairs.a2") " AS value2, x.* FROM x, pairs)"
#define STATUS_SET "SET selected = selected + d.dsel, started = started + d.dsta, completed = completed + d.dcom," \
	" dropped_out = dropped_out + d.ddro, sel_days = sel_days + d.ddays, sel_n = sel_n + d.dsel," \
	" ckey_sel = ckey_sel + d.dsel * d.rkey, ckey_sta = ckey_sta + d.dsta * d.rkey," \
	" ckey_com = ckey_com + d.dcom * d.rkey, ckey_dro = ckey_dro + d.ddro * d.rkey FROM d"

const char *const rollup_status_sql[] = {
	STATUS_X " UPDATE rollup_comune " STATUS_SET " WHERE rollup_comune.attr = d.attr"
	" AND rollup_comune.value = d.value AND rollup_comune.comune = d.comune"
	" AND rollup_comune.call_id = d.call_id AND rollup_comune.month = d.month",
	STATUS_X " UPDATE rollup_province " STATUS_SET " WHERE rollup_province.attr = d.attr"
	" AND rollup_province.value = d.value AND rollup_province.province = d.province"
	" AND rollup_province.call_id = d.call_id AND rollup_province.month = d.month",
	STATUS_X " UPDATE rollup_placement " STATUS_SET " WHERE d.attr = ''"
	" AND rollup_placement.placement_code = d.placement_code AND rollup_placement.month = d.month",
	STATUS_X2 " UPDATE rollup_attr2 " STATUS_SET " WHERE rollup_attr2.attr = d.attr AND rollup_attr2.attr2 = d.attr2"
	" AND rollup_attr2.value = d.value AND rollup_attr2.value2 = d.value2 AND rollup_attr2.province = d.province"
	" AND rollup_attr2.call_id = d.call_id AND rollup_attr2.month = d.month",
	NULL
};

#define USAGE_C(DAY, COMUNE, EVENT, DELTA) \
	"INSERT INTO rollup_funnel (comune, province, region, month, event, n)" \
	" SELECT " COMUNE ", COALESCE(c.province, ''), COALESCE(c.region, ''), substr(" DAY ", 1, 7), " EVENT ", " DELTA \
	" FROM (SELECT 1 AS one) o LEFT JOIN comune c ON c.istat = " COMUNE " WHERE true" \
	" ON CONFLICT (comune, month, event) DO UPDATE SET n = rollup_funnel.n + excluded.n"
#define USAGE_SQL(DAY, COMUNE, EVENT, DELTA) USAGE_C(DAY, COMUNE, EVENT, DELTA) "; " USAGE_P(DAY, COMUNE, EVENT, DELTA)
#define USAGE_P(DAY, COMUNE, EVENT, DELTA) \
	"INSERT INTO rollup_funnel_province (province, region, month, event, n)" \
	" SELECT COALESCE(c.province, ''), COALESCE(c.region, ''), substr(" DAY ", 1, 7), " EVENT ", " DELTA \
	" FROM (SELECT 1 AS one) o LEFT JOIN comune c ON c.istat = " COMUNE " WHERE true" \
	" ON CONFLICT (province, month, event) DO UPDATE SET n = rollup_funnel_province.n + excluded.n"

const char *const rollup_usage_sql[] = {
	USAGE_C("CAST(?1 AS TEXT)", "CAST(?2 AS TEXT)", "CAST(?3 AS TEXT)", "CAST(?4 AS INTEGER)"),
	USAGE_P("CAST(?1 AS TEXT)", "CAST(?2 AS TEXT)", "CAST(?3 AS TEXT)", "CAST(?4 AS INTEGER)"),
	NULL
};

/* SQLite only: triggers keep the funnel in step with usage_count. */
static const char usage_triggers[] =
	"CREATE TRIGGER IF NOT EXISTS rollup_usage_ai AFTER INSERT ON usage_count BEGIN "
	USAGE_SQL("new.day", "new.comune", "new.event", "new.n") "; END;"
	"CREATE TRIGGER IF NOT EXISTS rollup_usage_au AFTER UPDATE ON usage_count BEGIN "
	USAGE_SQL("old.day", "old.comune", "old.event", "-old.n") "; "
	USAGE_SQL("new.day", "new.comune", "new.event", "new.n") "; END;"
	"CREATE TRIGGER IF NOT EXISTS rollup_usage_ad AFTER DELETE ON usage_count BEGIN "
	USAGE_SQL("old.day", "old.comune", "old.event", "-old.n") "; END;";

/* Full recomputation: the application rollups are summed in memory in
 * one pass over the raw rows (rebuild_apps); the funnel by GROUP BY. */
static const char rebuild_sql[] =
	"DELETE FROM rollup_comune; DELETE FROM rollup_province; DELETE FROM rollup_placement; DELETE FROM rollup_attr2;"
	"DELETE FROM rollup_funnel; DELETE FROM rollup_funnel_province;"
	"INSERT INTO rollup_funnel (comune, province, region, month, event, n)"
	" SELECT u.comune, COALESCE(c.province, ''), COALESCE(c.region, ''), substr(u.day, 1, 7), u.event, SUM(u.n)"
	" FROM usage_count u LEFT JOIN comune c ON c.istat = u.comune"
	" GROUP BY u.comune, 2, 3, 4, u.event;"
	"INSERT INTO rollup_funnel_province (province, region, month, event, n)"
	" SELECT province, MIN(region), month, event, SUM(n) FROM rollup_funnel GROUP BY province, month, event;";

const char rollup_app_rows_sql[] = "SELECT " APP_COLUMNS APP_FROM;
const char rollup_app_rows_channel_sql[] = "SELECT " APP_COLUMNS ", a.channel AS v_chan" APP_FROM;
/* The queued applications' rows, the same columns: what a reader adds
 * to the rollups instead of folding the queue (rollup_queued). SQLite
 * only; CROSS JOIN keeps the queue the outer loop (the planner chose a
 * scan of every application: 0.2-2.7 s at 1 million). */
const char rollup_queued_rows_sql[] = "SELECT " APP_COLUMNS " FROM rollup_pending q"
	" CROSS JOIN application a ON a.uuid = q.uuid" APP_JOINS;

#define SUMS "COUNT(*), SUM(x.uniq), SUM(x.sel), SUM(x.sta), SUM(x.com), SUM(x.dro), SUM(x.days), SUM(x.sel)," \
	" SUM(x.rkey), SUM(x.uniq * x.rkey), SUM(x.sel * x.rkey), SUM(x.sta * x.rkey), SUM(x.com * x.rkey)," \
	" SUM(x.dro * x.rkey)"

/*
 * The portable recomputation (PostgreSQL). The raw rows are read once:
 * one GROUP BY with eight grouping sets (rollup_sets) sums every
 * application into its comune x call x month cell, once for all and
 * once by each of the five applicant attributes (the rows of
 * rollup_comune), into its placement x month cell (split by comune,
 * call and area, as many rows unless the data disagree), and into its
 * province x call x month x all five attributes cell (the base of the
 * attribute pairs); its record key (a SHA-256) and selection day are
 * computed once per application. The four rollups are then small GROUP
 * BYs over those sums (every sum additive, MIN of MINs the MIN): the
 * provinces over the comuni, the pairs over the province base (ten
 * rows each), the placements regrouped by placement and month. The key
 * sums are cast back to BIGINT (32-bit keys, at most 2^32 x the
 * applications: far inside 64 bits; PostgreSQL's SUM of a BIGINT is a
 * NUMERIC, and adding NUMERICs took most of the later GROUP BYs' time).
 * The history: four GROUP BYs straight over the joins, each key and
 * day computed ~140 times an application: 730 s at 1 million; then the
 * rows into a temporary table, summed by comune x call x month x all
 * five attributes (nearly a row per application) and cross-joined with
 * the attributes (RELIABILITY.md "At scale": 149 s at 1 million).
 */
#define SET_SUMS "COUNT(*) AS n, SUM(x.uniq) AS uniq, SUM(x.sel) AS sel, SUM(x.sta) AS sta, SUM(x.com) AS com," \
	" SUM(x.dro) AS dro, SUM(x.days) AS days, CAST(SUM(x.rkey) AS BIGINT) AS rkey," \
	" CAST(SUM(x.uniq * x.rkey) AS BIGINT) AS k_uniq, CAST(SUM(x.sel * x.rkey) AS BIGINT) AS k_sel," \
	" CAST(SUM(x.sta * x.rkey) AS BIGINT) AS k_sta, CAST(SUM(x.com * x.rkey) AS BIGINT) AS k_com," \
	" CAST(SUM(x.dro * x.rkey) AS BIGINT) AS k_dro"
/* Every grouping set is summed in a hash table, in the one pass. The
 * planner estimates every application its own cell in each set (its
 * expressions have no statistics: 80 million at 10 million), thinks
 * the tables will not fit and sorts the rows once per set instead (at
 * 10 million: seven sorts of 10 million rows); told the memory was
 * there (hash_mem_multiplier), it sized each table for those cells
 * (3.4 GB of empty buckets, 586 s against 327 s). The cells are far
 * fewer (at 10 million 176,000 comune cells). A constant of a type that
 * can be hashed but not sorted (xid), in every set, leaves hashing as
 * the only plan, and the tables grow as they fill. */
#define NOSORT "CAST('0' AS xid), "
#define CELL NOSORT "x.comune, x.province, x.region, x.call_id, x.month"
/* Which grouping set a row of rollup_sets came from: kind 'c' a comune
 * cell (attr and value set), 'p' a placement, 'b' the province base. */
#define SET_KIND "CASE WHEN GROUPING(x.placement_code) = 0 THEN 'p' WHEN GROUPING(x.comune) = 1 THEN 'b' ELSE 'c' END"
#define SET_ATTR "CASE WHEN GROUPING(x.comune) = 1 OR GROUPING(x.placement_code) = 0 THEN NULL" \
	" WHEN GROUPING(x.v_status) = 0 THEN 'applicant_status' WHEN GROUPING(x.v_age) = 0 THEN 'age_band'" \
	" WHEN GROUPING(x.v_sex) = 0 THEN 'sex' WHEN GROUPING(x.v_edu) = 0 THEN 'education'" \
	" WHEN GROUPING(x.v_res) = 0 THEN 'residence' ELSE '' END"
#define SET_VALUE "CASE WHEN GROUPING(x.v_status, x.v_age, x.v_sex, x.v_edu, x.v_res) = 31 THEN ''" \
	" WHEN GROUPING(x.v_status) = 0 THEN x.v_status WHEN GROUPING(x.v_age) = 0 THEN x.v_age" \
	" WHEN GROUPING(x.v_sex) = 0 THEN x.v_sex WHEN GROUPING(x.v_edu) = 0 THEN x.v_edu ELSE x.v_res END"
#define PCELL NOSORT "x.province, x.region, x.call_id, x.month"
#define SETS_SUMS "SUM(x.n), SUM(x.uniq), SUM(x.sel), SUM(x.sta), SUM(x.com), SUM(x.dro), SUM(x.days)," \
	" SUM(x.sel), SUM(x.rkey), SUM(x.k_uniq), SUM(x.k_sel), SUM(x.k_sta), SUM(x.k_com), SUM(x.k_dro)"
#define SETS_COPY "x.n, x.uniq, x.sel, x.sta, x.com, x.dro, x.days, x.sel, x.rkey, x.k_uniq, x.k_sel, x.k_sta," \
	" x.k_com, x.k_dro"
const char *const rollup_rebuild_sql[] = {
	/* For this transaction only: the GROUP BYs' hash tables (PostgreSQL
	 * spills to disk past them). */
	"SET LOCAL work_mem = '512MB'",
	"DELETE FROM rollup_comune",
	"DELETE FROM rollup_province",
	"DELETE FROM rollup_placement",
	"DELETE FROM rollup_attr2",
	"DELETE FROM rollup_funnel",
	"DELETE FROM rollup_funnel_province",
	"INSERT INTO rollup_funnel (comune, province, region, month, event, n)"
	" SELECT u.comune, COALESCE(c.province, ''), COALESCE(c.region, ''), substr(u.day, 1, 7), u.event, SUM(u.n)"
	" FROM usage_count u LEFT JOIN comune c ON c.istat = u.comune GROUP BY 1, 2, 3, 4, 5",
	"INSERT INTO rollup_funnel_province (province, region, month, event, n)"
	" SELECT province, MIN(region), month, event, SUM(n) FROM rollup_funnel GROUP BY province, month, event",
	"DROP TABLE IF EXISTS pg_temp.rollup_sets",
	"CREATE TEMPORARY TABLE rollup_sets ON COMMIT DROP AS SELECT " SET_KIND " AS kind, " SET_ATTR " AS attr, "
	SET_VALUE " AS value, x.comune, x.province, x.region, x.call_id, x.month, x.placement_code, x.area,"
	" x.v_status, x.v_age, x.v_sex, x.v_edu, x.v_res, " SET_SUMS " FROM (SELECT " APP_COLUMNS APP_FROM ") x"
	" GROUP BY GROUPING SETS ((" CELL "), (" CELL ", x.v_status), (" CELL ", x.v_age), (" CELL ", x.v_sex),"
	" (" CELL ", x.v_edu), (" CELL ", x.v_res), (" CELL ", x.placement_code, x.area),"
	" (" PCELL ", x.v_status, x.v_age, x.v_sex, x.v_edu, x.v_res))",
	"INSERT INTO rollup_comune (attr, value, comune, province, region, call_id, month, " MEASURES ")"
	" SELECT x.attr, x.value, x.comune, x.province, x.region, x.call_id, x.month, " SETS_COPY
	" FROM rollup_sets x WHERE x.kind = 'c'",
	"INSERT INTO rollup_province (attr, value, province, region, call_id, month, " MEASURES ")"
	" SELECT x.attr, x.value, x.province, MIN(x.region), x.call_id, x.month, " SETS_SUMS
	" FROM rollup_sets x WHERE x.kind = 'c' GROUP BY 1, 2, 3, 5, 6",
	"INSERT INTO rollup_placement (placement_code, month, comune, province, region, call_id, area, " MEASURES ")"
	" SELECT x.placement_code, x.month, MIN(x.comune), MIN(x.province), MIN(x.region), MIN(x.call_id),"
	" MIN(x.area), " SETS_SUMS " FROM rollup_sets x WHERE x.kind = 'p' GROUP BY 1, 2",
	"WITH " PAIRS " INSERT INTO rollup_attr2 (attr, value, attr2, value2, province, region, call_id, month, "
	MEASURES ") SELECT pairs.a1, " VALUE_OF("pairs.a1") ", pairs.a2, " VALUE_OF("pairs.a2") ", x.province,"
	" MIN(x.region), x.call_id, x.month, " SETS_SUMS " FROM rollup_sets x, pairs WHERE x.kind = 'b'"
	" GROUP BY 1, 2, 3, 4, 5, 7, 8",
	"DROP TABLE pg_temp.rollup_sets",
	NULL
};

const char rollup_empty_sql[] =
	"SELECT CASE WHEN EXISTS (SELECT 1 FROM application) AND NOT EXISTS (SELECT 1 FROM rollup_province)"
	" THEN 1 ELSE 0 END";

const char rollup_stale_sql[] =
	"SELECT CASE WHEN (SELECT COUNT(*) FROM application) <>"
	" (SELECT COALESCE(SUM(applications), 0) FROM rollup_province WHERE attr = '') THEN 1 ELSE 0 END";

/*
 * SQLite: what the rollups count, so that a reader can tell they are
 * complete without counting the applications (a COUNT(*) of 10 million
 * rows took 40-60 ms, most of every `dote report`). One row:
 * max_rowid, the last application row the rollups (and the queue)
 * cover; n, how many applications they count; dirty, set when rows
 * were deleted or added behind the hub's back. The rollups are complete
 * when dirty is 0, no application row lies past max_rowid, and the
 * province totals add up to n (rollup_stale). Each fold checks that the
 * rows past max_rowid are exactly the ones it folded (new rows always
 * get a rowid past the last one, so a row added without the queue is
 * seen there), then moves max_rowid on; a rebuild sets all three. An
 * importer that deletes rows sets dirty through the trigger; one that
 * writes rowids below max_rowid into the gaps it deleted has set it
 * already. Updates of statistics columns behind the hub's back are not
 * detected (neither were they by the count): `dote report --rebuild`.
 */
static const char mark_sql[] =
	"CREATE TABLE IF NOT EXISTS rollup_mark (id INTEGER PRIMARY KEY CHECK (id = 1),"
	" max_rowid INTEGER NOT NULL, n INTEGER NOT NULL, dirty INTEGER NOT NULL DEFAULT 0);"
	"CREATE TRIGGER IF NOT EXISTS rollup_mark_delete AFTER DELETE ON application"
	" BEGIN UPDATE rollup_mark SET dirty = 1; END;";
/* Sets the mark to cover every application row but the queued ones,
 * the newest (after a rebuild, or after a full count found the rollups
 * complete); one statement, so one snapshot. */
static const char mark_set_sql[] =
	"INSERT OR REPLACE INTO rollup_mark (id, max_rowid, n, dirty) VALUES (1,"
	" COALESCE((SELECT MIN(a.rowid) - 1 FROM rollup_pending q JOIN application a ON a.uuid = q.uuid),"
	" (SELECT MAX(rowid) FROM application), 0),"
	" (SELECT COUNT(*) FROM application) - (SELECT COUNT(*) FROM rollup_pending), 0)";
/* After a fold of ?1 applications: were they all the rows past the
 * mark? (A range of the rowid B-tree the fold has just read.) */
static const char mark_fold_sql[] =
	"UPDATE rollup_mark SET dirty = CASE WHEN (SELECT COUNT(*) FROM application"
	" WHERE rowid > rollup_mark.max_rowid) <> ?1 THEN 1 ELSE dirty END, n = n + ?1,"
	" max_rowid = COALESCE((SELECT MAX(rowid) FROM application), 0) WHERE id = 1";

/* In SQLite the tables are clustered on their keys (WITHOUT ROWID): an
 * upsert is one B-tree search instead of two. */
static int schema_exec(sqlite3 *db)
{
	for (int i = 0; rollup_schema_sql[i]; i++) {
		char sql[4096];
		const char *q = rollup_schema_sql[i];
		if (!strncmp(q, "CREATE TABLE", 12)) {
			if (str_fmt(sql, sizeof(sql), "%s WITHOUT ROWID", q) < 0)
				return -1;
			q = sql;
		}
		if (db_exec(db, q))
			return -1;
	}
	if (db_exec(db, "CREATE TABLE IF NOT EXISTS rollup_pending (uuid TEXT PRIMARY KEY) WITHOUT ROWID") ||
	    db_exec(db, mark_sql))
		return -1;
	return db_exec(db, usage_triggers);
}

int rollup_migrate(sqlite3 *db)
{
	/* 2: rollup_mark (the tables themselves are made by schema_exec). */
	static const struct migration steps[] = { { 1, "SELECT 1" }, { 2, mark_sql } };

	/* Every statement over the applications reads their record keys. */
	if (sdc_sqlite_register(db))
		return -1;
	if (db_version(db, "rollup") >= 2 &&
	    db_int(db, "SELECT COUNT(*) FROM pragma_table_info('rollup_attr2') WHERE name = 'ckey_dro'", NULL, 0))
		return 0;
	/* Rollups from before the cell keys lack the keys of their
	 * applications: they are dropped, and rebuilt by the first reader
	 * (they no longer count every application). */
	if (db_int(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'rollup_comune'", NULL, 0) &&
	    !db_int(db, "SELECT COUNT(*) FROM pragma_table_info('rollup_comune') WHERE name = 'ckey_dro'", NULL, 0) &&
	    db_exec(db, "DROP TABLE IF EXISTS rollup_comune; DROP TABLE IF EXISTS rollup_province;"
			" DROP TABLE IF EXISTS rollup_placement; DROP TABLE IF EXISTS rollup_attr2"))
		return error("cannot replace the rollup tables");
	if (schema_exec(db))
		return error("cannot create the rollup tables");
	if (sqlite3_get_autocommit(db))
		return db_migrate(db, "rollup", steps, 2);
	return 0;
}

/* Columns of rollup_app_rows_sql. */
enum { C_UUID, C_COMUNE, C_PROVINCE, C_REGION, C_CALL, C_MONTH, C_PLACEMENT, C_AREA, C_STATUS, C_AGE, C_SEX,
       C_EDU, C_RES, C_UNIQ, C_SEL, C_STA, C_COM, C_DRO, C_DAYS, C_OFFICE, C_RKEY };
enum { NM = 14 };	/* measures of a rollup row: MEASURES */

/*
 * Prepared statements are cached per connection: the hub calls the
 * helpers once per application and preparing these statements costs more
 * than running them. A closed connection (sqlite3_close_v2) stays a
 * zombie while its statements live, so its address is never reused by
 * another connection while it is in this cache.
 */
enum { CACHE_DBS = 16, CACHE_STMTS = 8 };
struct stmt_cache {
	sqlite3 *db;
	const char *const *sql;
	sqlite3_stmt *st[CACHE_STMTS];
	unsigned long used;
	long pending;		/* applications queued since this connection's last flush */
};
static struct stmt_cache caches[CACHE_DBS];
static unsigned long cache_clock;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static struct stmt_cache *cache_get(sqlite3 *db, const char *const *sql)
{
	struct stmt_cache *c = NULL, *lru = &caches[0];

	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE_DBS; i++) {
		if (caches[i].db == db && caches[i].sql == sql) {
			c = &caches[i];
			break;
		}
		if (caches[i].used < lru->used)
			lru = &caches[i];
	}
	if (!c) {
		c = lru;
		for (int i = 0; i < CACHE_STMTS; i++) {
			sqlite3_finalize(c->st[i]);
			c->st[i] = NULL;
		}
		c->db = db;
		c->sql = sql;
	}
	c->used = ++cache_clock;
	pthread_mutex_unlock(&cache_lock);
	return c;
}

void rollup_release(sqlite3 *db)
{
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE_DBS; i++) {
		if (caches[i].db != db)
			continue;
		for (int k = 0; k < CACHE_STMTS; k++) {
			sqlite3_finalize(caches[i].st[k]);
			caches[i].st[k] = NULL;
		}
		caches[i].db = NULL;
		caches[i].sql = NULL;
		caches[i].used = 0;
		caches[i].pending = 0;
	}
	pthread_mutex_unlock(&cache_lock);
}

/* Runs every statement of sql with text parameters p[0..np-1]. */
static int run_list(sqlite3 *db, const char *const *sql, const char *const *p, int np)
{
	struct stmt_cache *c = cache_get(db, sql);
	int rc = 0;

	for (int i = 0; sql[i] && i < CACHE_STMTS; i++) {
		sqlite3_stmt *st = c->st[i];
		if (!st) {
			if (sdc_sqlite_register(db))
				return -1;
			st = db_prepare(db, sql[i]);
			if (!st)
				return -1;
			c->st[i] = st;
		}
		for (int j = 0; j < np; j++)
			sqlite3_bind_text(st, j + 1, p[j], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = error("rollup update failed: %s", sqlite3_errmsg(db));
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (rc)
			break;
	}
	return rc;
}

/*
 * The SQLite path of rollup_ingest_sql. Updating thirteen rollup rows for
 * each application would cost ingest more than half its speed, so the
 * SQLite helper queues the application's uuid (rollup_pending, in the
 * same transaction) and the queue is folded into the rollups in bulk:
 * by rollup_apply_ingest() itself every ROLLUP_BATCH applications, and
 * by rollup_flush(), which every reader (report_run, rollup_apply_status,
 * rollup_stale) calls first. The fold (fold_pending) reads the queued
 * applications' keys once, sums them per rollup row in memory and
 * writes each row with one upsert, in key order: no temporary table, no
 * GROUP BY sorts, each B-tree page visited once. The figures are the
 * same as the portable statements' (the tests compare both with a
 * rebuild).
 */
enum { ROLLUP_BATCH = 8192 };

static int fold_pending(sqlite3 *db);

static const char *const queue_sql[] = {
	"INSERT OR IGNORE INTO rollup_pending (uuid) VALUES (?1)",
	NULL
};

static int pending_table(sqlite3 *db)
{
	return db_exec(db, "CREATE TABLE IF NOT EXISTS rollup_pending (uuid TEXT PRIMARY KEY) WITHOUT ROWID");
}

int rollup_flush(sqlite3 *db)
{
	struct stmt_cache *c;
	int own, rc;

	if (!db_int(db, "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'rollup_pending')", NULL, 0) ||
	    !db_int(db, "SELECT EXISTS (SELECT 1 FROM rollup_pending)", NULL, 0))
		return 0;
	own = sqlite3_get_autocommit(db);
	if (own && db_begin(db))
		return -1;
	rc = fold_pending(db);
	if (own) {
		if (rc || db_commit(db)) {
			db_rollback(db);
			rc = -1;
		}
	}
	c = cache_get(db, queue_sql);
	c->pending = 0;
	return rc;
}

int rollup_apply_ingest(sqlite3 *db, const char *uuid)
{
	const char *p[] = { uuid };
	struct stmt_cache *c = cache_get(db, queue_sql);

	if (!c->st[0] && pending_table(db))
		return -1;
	if (run_list(db, queue_sql, p, 1))
		return -1;
	if (++c->pending >= ROLLUP_BATCH) {
		c->pending = 0;
		return fold_pending(db);
	}
	return 0;
}

int rollup_apply_status(sqlite3 *db, const char *uuid, const char *old_status,
			const char *new_status)
{
	const char *p[] = { uuid, old_status, new_status };
	if (!strcmp(old_status, new_status))
		return 0;
	/* A queued application will be counted with its current status when
	 * the queue is folded in: nothing to move yet. */
	if (db_int(db, "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'rollup_pending')", NULL, 0) &&
	    db_int(db, "SELECT EXISTS (SELECT 1 FROM rollup_pending WHERE uuid = ?1)", uuid, 0))
		return 0;
	return run_list(db, rollup_status_sql, p, 3);
}

/*
 * One cell of a rollup being summed in memory (a fold or a rebuild).
 * Its text fields are kept whole, however long (an area or a placement
 * code the hub's catalog allows): an earlier version copied them into
 * fixed buffers and a longer area was written cut to 23 characters.
 * A cell is identified by its table's primary key (table_key: its
 * fields in key order, and whether the call is in it); the other fields
 * are those of its first application (a placement row's comune, call
 * and area; a province's region), as the portable rebuild's MIN() and
 * the upserts, which never change them, keep them.
 */
enum { F_VALUE, F_VALUE2, F_GEO, F_PROVINCE, F_MONTH, F_COMUNE, F_REGION, F_AREA, NF, F_CALL = NF };
static const struct {
	int n;
	int f[6];		/* F_* in primary key order; F_CALL: call_id */
} table_key[4] = {
	{ 5, { -1, F_VALUE, F_GEO, F_CALL, F_MONTH } },				/* attr, value, comune, call, month */
	{ 5, { -1, F_VALUE, F_PROVINCE, F_CALL, F_MONTH } },			/* attr, value, province, call, month */
	{ 2, { F_GEO, F_MONTH } },						/* placement_code, month */
	{ 6, { -1, F_VALUE, F_VALUE2, F_PROVINCE, F_CALL, F_MONTH } },	/* attr, attr2, value, value2, ... */
};
struct agg {
	uint64_t hash;
	int table;		/* 0 comune, 1 province, 2 placement, 3 attr2 */
	const char *attr, *attr2;	/* static names */
	long long call_id;
	long long m[NM];
	const char *f[NF];	/* into text */
	char text[];		/* the fields, each with its NUL */
};

struct agg_map {
	struct agg **slot;
	uint64_t *hash;		/* slot[i]'s hash: a probe reads no cell */
	size_t n, cap;
};

/* FNV-1a of a string: each field of a row is hashed once (agg_row), and
 * a cell's hash combines the hashes of its key's fields. */
static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static uint64_t hash_mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

/* Hash of a cell's key from its fields' hashes (fh, ah: attr, attr2);
 * -1 in table_key stands for attr and attr2. */
static uint64_t agg_hash(int table, uint64_t ah, uint64_t ah2, const uint64_t fh[NF], long long call_id)
{
	uint64_t h = hash_mix(0x243f6a8885a308d3ull, (uint64_t)table);

	for (int i = 0; i < table_key[table].n; i++) {
		int k = table_key[table].f[i];
		if (k < 0)
			h = hash_mix(hash_mix(h, ah), ah2);
		else
			h = hash_mix(h, k == F_CALL ? (uint64_t)call_id : fh[k]);
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static int agg_same(const struct agg *g, int table, const char *attr, const char *attr2, const char *const f[NF],
		    long long call_id)
{
	if (g->table != table)
		return 0;
	for (int i = 0; i < table_key[table].n; i++) {
		int k = table_key[table].f[i];
		if (k < 0 ? strcmp(g->attr, attr) || strcmp(g->attr2, attr2)
		    : k == F_CALL ? g->call_id != call_id : strcmp(g->f[k], f[k]) != 0)
			return 0;
	}
	return 1;
}

/* Doubles the map's slots (and makes the first). 0, or -1 out of memory. */
static int agg_grow(struct agg_map *map)
{
	size_t cap = map->cap ? map->cap * 2 : 65536, i;
	struct agg **slot = calloc(cap, sizeof(*slot));
	uint64_t *hash = malloc(cap * sizeof(*hash));

	if (!slot || !hash) {
		free(slot);
		free(hash);
		return -1;
	}
	for (size_t k = 0; k < map->cap; k++) {
		if (!map->slot[k])
			continue;
		for (i = map->hash[k] & (cap - 1); slot[i]; i = (i + 1) & (cap - 1))
			;
		slot[i] = map->slot[k];
		hash[i] = map->hash[k];
	}
	free(map->slot);
	free(map->hash);
	map->slot = slot;
	map->hash = hash;
	map->cap = cap;
	return 0;
}

/* The cell (table, attr, attr2, f) of hash h (agg_hash), made with zero
 * measures if new. */
static struct agg *agg_get(struct agg_map *map, uint64_t h, int table, const char *attr, const char *attr2,
			   const char *const f[NF], long long call_id)
{
	size_t i, len[NF], total = 0;
	struct agg *g;
	char *t;

	if ((map->n + 1) * 2 > map->cap && agg_grow(map))
		return NULL;
	for (i = h & (map->cap - 1); map->slot[i]; i = (i + 1) & (map->cap - 1))
		if (map->hash[i] == h && agg_same(map->slot[i], table, attr, attr2, f, call_id))
			return map->slot[i];
	for (int k = 0; k < NF; k++)
		total += (len[k] = strlen(f[k])) + 1;
	g = calloc(1, sizeof(*g) + total);
	if (!g)
		return NULL;
	g->hash = h;
	g->table = table;
	g->attr = attr;
	g->attr2 = attr2;
	g->call_id = call_id;
	t = g->text;
	for (int k = 0; k < NF; k++) {
		memcpy(t, f[k], len[k] + 1);
		g->f[k] = t;
		t += len[k] + 1;
	}
	map->slot[i] = g;
	map->hash[i] = h;
	map->n++;
	return g;
}

static void agg_free(struct agg_map *map)
{
	for (size_t k = 0; k < map->cap; k++)
		free(map->slot[k]);
	free(map->slot);
	free(map->hash);
}

/* The measures of a PUT_* row: ?8 to ?21 (MEASURES, NM of them). */
#define PUT_M "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21"
#define PUT_COMUNE "INSERT INTO rollup_comune (attr, value, comune, province, region, call_id, month, " MEASURES ")" \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, " PUT_M ")"
#define PUT_PROVINCE "INSERT INTO rollup_province (attr, value, province, region, call_id, month, " MEASURES ")" \
	" VALUES (?1, ?2, ?4, ?5, ?6, ?7, " PUT_M ")"
#define PUT_PLACEMENT "INSERT INTO rollup_placement (area, placement_code, comune, province, region, call_id, month, " \
	MEASURES ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, " PUT_M ")"
#define PUT_ATTR2 "INSERT INTO rollup_attr2 (attr, value, attr2, value2, province, region, call_id, month, " \
	MEASURES ") VALUES (?1, ?2, ?22, ?3, ?4, ?5, ?6, ?7, " PUT_M ")"

static const char *col_text(sqlite3_stmt *st, int c)
{
	const unsigned char *t = sqlite3_column_text(st, c);
	return t ? (const char *)t : "";
}

/* Adds the application row st (columns of rollup_app_rows_sql) to its
 * twenty-three cells. 0, or -1 when out of memory. */
static int agg_row(struct agg_map *map, sqlite3_stmt *st)
{
	static const char *const attrs[6] = { "", "applicant_status", "age_band", "sex", "education", "residence" };
	const char *col[C_RES + 1];
	uint64_t colh[C_RES + 1], attrh[6], empty = str_hash("");
	long long m[NM], call_id;

	/* The texts stay valid until the next step: only copied for a new
	 * cell. The call is read as an integer only. Each text is hashed
	 * once here, not once per cell it is in. */
	for (int c = C_COMUNE; c <= C_RES; c++) {
		col[c] = c == C_CALL ? "" : col_text(st, c);
		colh[c] = str_hash(col[c]);
	}
	for (int a = 0; a < 6; a++)
		attrh[a] = str_hash(attrs[a]);
	call_id = sqlite3_column_int64(st, C_CALL);
	m[0] = 1;
	m[1] = sqlite3_column_int64(st, C_UNIQ);
	m[2] = sqlite3_column_int64(st, C_SEL);
	m[3] = sqlite3_column_int64(st, C_STA);
	m[4] = sqlite3_column_int64(st, C_COM);
	m[5] = sqlite3_column_int64(st, C_DRO);
	m[6] = sqlite3_column_int64(st, C_DAYS);
	m[7] = m[2];
	m[8] = sqlite3_column_int64(st, C_RKEY);
	/* The record key again for each count the application is in: each
	 * count has the cell key of its own applications (sdc.h). */
	for (int k = 1; k <= 5; k++)
		m[8 + k] = m[k] * m[8];
	/* Tables 0 and 1: the total and one row per attribute; 2: the
	 * placement; 3: one row per pair of attributes (a < b). */
	for (int t = 0; t < 4; t++)
		for (int a = 0; a < (t == 2 ? 1 : 6); a++)
			for (int b = t == 3 ? a + 1 : 0; b < (t == 3 ? 6 : 1); b++) {
				const char *f[NF];
				uint64_t fh[NF];
				struct agg *g;
				if (t == 3 && !a)
					break;
				f[F_VALUE] = t == 2 ? "" : a ? col[C_STATUS + a - 1] : "";
				fh[F_VALUE] = t == 2 || !a ? empty : colh[C_STATUS + a - 1];
				f[F_VALUE2] = t == 3 ? col[C_STATUS + b - 1] : "";
				fh[F_VALUE2] = t == 3 ? colh[C_STATUS + b - 1] : empty;
				f[F_GEO] = t == 0 ? col[C_COMUNE] : t == 2 ? col[C_PLACEMENT] : "";
				fh[F_GEO] = t == 0 ? colh[C_COMUNE] : t == 2 ? colh[C_PLACEMENT] : empty;
				f[F_PROVINCE] = col[C_PROVINCE];
				fh[F_PROVINCE] = colh[C_PROVINCE];
				f[F_MONTH] = col[C_MONTH];
				fh[F_MONTH] = colh[C_MONTH];
				f[F_COMUNE] = col[C_COMUNE];
				fh[F_COMUNE] = colh[C_COMUNE];
				f[F_REGION] = col[C_REGION];
				fh[F_REGION] = colh[C_REGION];
				f[F_AREA] = t == 2 ? col[C_AREA] : "";
				fh[F_AREA] = t == 2 ? colh[C_AREA] : empty;
				const char *an = t == 2 ? "" : attrs[a], *an2 = t == 3 ? attrs[b] : "";
				uint64_t h = agg_hash(t, t == 2 ? empty : attrh[a], t == 3 ? attrh[b] : empty, fh, call_id);
				g = agg_get(map, h, t, an, an2, f, call_id);
				if (!g)
					return error("out of memory summing the rollups");
				for (int k = 0; k < NM; k++)
					g->m[k] += m[k];
			}
	return 0;
}

/* The order of the tables' primary keys (rollup_schema_sql), so that
 * consecutive writes land on the same B-tree pages. */
static int agg_cmp(const void *va, const void *vb)
{
	const struct agg *a = *(struct agg *const *)va, *b = *(struct agg *const *)vb;
	int c = 0;

	if (a->table != b->table)
		return a->table < b->table ? -1 : 1;
	for (int i = 0; i < table_key[a->table].n && !c; i++) {
		int k = table_key[a->table].f[i];
		if (k < 0)
			c = strcmp(a->attr, b->attr) ? strcmp(a->attr, b->attr) : strcmp(a->attr2, b->attr2);
		else if (k == F_CALL)
			c = a->call_id < b->call_id ? -1 : a->call_id > b->call_id;
		else
			c = strcmp(a->f[k], b->f[k]);
	}
	return c;
}

/* Writes every cell of map through put[table] (prepared PUT_* statements,
 * plain inserts or upserts), in key order (agg_cmp). */
static int agg_write(sqlite3 *db, struct agg_map *map, sqlite3_stmt *const put[4])
{
	struct agg **cells = malloc((map->n ? map->n : 1) * sizeof(*cells));
	size_t n = 0;
	int rc = -1;

	if (!cells)
		return error("out of memory writing the rollups");
	for (size_t k = 0; k < map->cap; k++)
		if (map->slot[k])
			cells[n++] = map->slot[k];
	qsort(cells, n, sizeof(*cells), agg_cmp);
	for (size_t k = 0; k < n; k++) {
		struct agg *g = cells[k];
		sqlite3_stmt *p = put[g->table];
		if (g->table == 2) {
			sqlite3_bind_text(p, 1, g->f[F_AREA], -1, SQLITE_STATIC);
			sqlite3_bind_text(p, 2, g->f[F_GEO], -1, SQLITE_STATIC);
			sqlite3_bind_text(p, 3, g->f[F_COMUNE], -1, SQLITE_STATIC);
		} else {
			sqlite3_bind_text(p, 1, g->attr, -1, SQLITE_STATIC);
			sqlite3_bind_text(p, 2, g->f[F_VALUE], -1, SQLITE_STATIC);
			if (g->table == 0)
				sqlite3_bind_text(p, 3, g->f[F_GEO], -1, SQLITE_STATIC);
			if (g->table == 3) {
				sqlite3_bind_text(p, 22, g->attr2, -1, SQLITE_STATIC);
				sqlite3_bind_text(p, 3, g->f[F_VALUE2], -1, SQLITE_STATIC);
			}
		}
		sqlite3_bind_text(p, 4, g->f[F_PROVINCE], -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 5, g->f[F_REGION], -1, SQLITE_STATIC);
		sqlite3_bind_int64(p, 6, g->call_id);
		sqlite3_bind_text(p, 7, g->f[F_MONTH], -1, SQLITE_STATIC);
		for (int i = 0; i < NM; i++)
			sqlite3_bind_int64(p, 8 + i, g->m[i]);
		if (sqlite3_step(p) != SQLITE_DONE) {
			error("cannot write the rollups: %s", sqlite3_errmsg(db));
			sqlite3_reset(p);
			goto out;
		}
		sqlite3_reset(p);
	}
	rc = 0;
out:
	free(cells);
	return rc;
}

static int rebuild_apps(sqlite3 *db)
{
	static const char *const ins[4] = { PUT_COMUNE, PUT_PROVINCE, PUT_PLACEMENT, PUT_ATTR2 };
	struct agg_map map = { NULL, NULL, 0, 0 };
	sqlite3_stmt *st, *put[4] = { NULL, NULL, NULL, NULL };
	int rc = -1, step;

	if (sdc_sqlite_register(db) || !(st = db_prepare(db, rollup_app_rows_sql)))
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (agg_row(&map, st))
			goto out;
	if (step != SQLITE_DONE) {
		error("cannot read the applications: %s", sqlite3_errmsg(db));
		goto out;
	}
	for (int t = 0; t < 4; t++) {
		put[t] = db_prepare(db, ins[t]);
		if (!put[t])
			goto out;
	}
	rc = agg_write(db, &map, put);
out:
	sqlite3_finalize(st);
	for (int t = 0; t < 4; t++)
		sqlite3_finalize(put[t]);
	agg_free(&map);
	return rc;
}

/* The statements of the fold, prepared once per connection (stmt_cache). */
static const char *const fold_sql[] = {
	"SELECT " APP_COLUMNS " FROM rollup_pending q JOIN application a ON a.uuid = q.uuid" APP_JOINS,
	PUT_COMUNE ADD("rollup_comune", "attr, value, comune, call_id, month"),
	PUT_PROVINCE ADD("rollup_province", "attr, value, province, call_id, month"),
	PUT_PLACEMENT ADD("rollup_placement", "placement_code, month"),
	PUT_ATTR2 ADD("rollup_attr2", "attr, attr2, value, value2, province, call_id, month"),
	"DELETE FROM rollup_pending",
	mark_fold_sql,
	NULL
};

/* Folds the queue into the rollups inside the open transaction. */
static int fold_pending(sqlite3 *db)
{
	struct stmt_cache *c = cache_get(db, fold_sql);
	struct agg_map map = { NULL, NULL, 0, 0 };
	int rc = -1, step;
	long long folded = 0;

	if (!c->st[0] && (sdc_sqlite_register(db) || db_exec(db, mark_sql)))
		return -1;
	for (int i = 0; fold_sql[i]; i++)
		if (!c->st[i] && !(c->st[i] = db_prepare(db, fold_sql[i])))
			return -1;
	while ((step = sqlite3_step(c->st[0])) == SQLITE_ROW) {
		if (agg_row(&map, c->st[0]))
			goto out;
		folded++;
	}
	if (step != SQLITE_DONE) {
		error("cannot read the queued applications: %s", sqlite3_errmsg(db));
		goto out;
	}
	if (agg_write(db, &map, &c->st[1]))
		goto out;
	if (sqlite3_step(c->st[5]) != SQLITE_DONE) {
		error("cannot empty the rollup queue: %s", sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_int64(c->st[6], 1, folded);
	if (sqlite3_step(c->st[6]) != SQLITE_DONE) {
		error("cannot mark the rollups: %s", sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	for (int i = 0; fold_sql[i]; i++)
		sqlite3_reset(c->st[i]);
	agg_free(&map);
	return rc;
}

int rollup_rebuild(sqlite3 *db)
{
	int own = sqlite3_get_autocommit(db);

	if (rollup_migrate(db))
		return -1;
	if (own && db_begin(db))
		return -1;
	if (pending_table(db) || db_exec(db, "DELETE FROM rollup_pending") || db_exec(db, rebuild_sql) ||
	    rebuild_apps(db) || db_exec(db, mark_sql) || db_exec(db, mark_set_sql)) {
		if (own)
			db_rollback(db);
		return error("cannot rebuild the rollups");
	}
	if (own && db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int rollup_queued(sqlite3 *db)
{
	if (!db_int(db, "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'rollup_pending')", NULL, 0))
		return 0;
	return db_int(db, "SELECT EXISTS (SELECT 1 FROM rollup_pending)", NULL, -1) != 0;
}

/* rollup_stale's checks, each one statement (one snapshot: a fold by
 * the hub's writer between reading the queue and the mark would look
 * like missing rows and cost a rebuild), with Q the queue's size. */
#define MARK_CHECK(Q) "SELECT dirty <> 0 OR (SELECT COUNT(*) FROM application WHERE rowid > max_rowid) <> " Q \
	" OR n <> (SELECT COALESCE(SUM(applications), 0) FROM rollup_province WHERE attr = '')" \
	" FROM rollup_mark WHERE id = 1"
#define COUNT_CHECK(Q) "SELECT (SELECT COUNT(*) FROM application) <> " Q \
	" + (SELECT COALESCE(SUM(applications), 0) FROM rollup_province WHERE attr = '')"
#define QUEUE_SIZE "(SELECT COUNT(*) FROM rollup_pending)"

int rollup_stale(sqlite3 *db)
{
	int64_t stale;
	int queue = (int)db_int(db, "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'rollup_pending')",
				NULL, 0);

	if (!db_int(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'rollup_province'", NULL, 0))
		return db_int(db, "SELECT EXISTS (SELECT 1 FROM application)", NULL, 0) ? 1 : 0;
	/* The mark (mark_sql): a few B-tree descents, the province totals
	 * and the rows past the mark (as many as queued, as the fold's own
	 * check), not a count of the applications. The queue is not
	 * folded: readers add it to what they read (rollup_queued). */
	if (db_int(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'rollup_mark'", NULL, 0)) {
		stale = db_int(db, queue ? MARK_CHECK(QUEUE_SIZE) : MARK_CHECK("0"), NULL, -1);
		if (stale >= 0)
			return stale ? 1 : 0;
	}
	/* No mark yet (rollups kept by an older hub): count once. Every
	 * application is in exactly one province total, or queued. */
	stale = db_int(db, queue ? COUNT_CHECK(QUEUE_SIZE) : COUNT_CHECK("0"), NULL, 1);
	/* Complete: the mark saves the next reader the count (a read-only
	 * connection cannot write it and counts again next time). */
	if (!stale && sqlite3_get_autocommit(db) &&
	    db_int(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'rollup_mark'", NULL, 0))
		sqlite3_exec(db, mark_set_sql, NULL, NULL, NULL);
	return stale ? 1 : 0;
}
