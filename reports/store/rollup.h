/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Rollups: the statistics tables the reports and the dashboard read, kept
 * up to date incrementally inside the hub's ingest and status-change
 * transactions, so a report costs the size of its answer, not of the
 * history. (Contract written with the hub engineer.)
 *
 * Three tables, all keyed by month ('YYYY-MM' of submitted_at) and call:
 *   rollup_comune    (attr, value, comune, call_id, month) with province
 *                    and region copied in; attr '' (value '') is the
 *                    comune's total, and one row per applicant attribute
 *                    'applicant_status', 'age_band', 'sex', 'education',
 *                    'residence' (same_comune/same_province/elsewhere).
 *   rollup_province  the same at province level (attr, value, province,
 *                    call_id, month) with region.
 *   rollup_placement (placement_code, month) with comune, call_id, area.
 *   rollup_attr2     (attr, attr2, value, value2, province, call_id, month)
 *                    with region: one row per pair of applicant
 *                    attributes (attr before attr2 in the order above),
 *                    for two-attribute tables.
 *   rollup_funnel    (comune, month, event) from usage_count.
 * Measures in every application rollup: applications, applicants (rows
 * with duplicate_of IS NULL: one person counted once per call), selected
 * (status selected, started, completed or dropped_out), started (started,
 * completed, dropped_out), completed, dropped_out, sel_days (sum of days
 * from the call's deadline to the selection date), sel_n, and the cell
 * keys of the cell key method (reports/stats/sdc.h; only their low 32
 * bits matter): ckey, the sum of the applications' record keys
 * (dote_rkey(uuid)), and ckey_uniq, ckey_sel, ckey_sta, ckey_com,
 * ckey_dro, the sums over the applications each count counts. Every
 * statement over the applications calls dote_rkey(): on SQLite the
 * helpers below register it (sdc_sqlite_register, sdc_keys.h), on
 * PostgreSQL the store's schema creates it.
 *
 * The SQL below is portable (SQLite and PostgreSQL): upserts with
 * INSERT ... SELECT ... WHERE true ON CONFLICT ... DO UPDATE, integer
 * date arithmetic on 'YYYY-MM-DD' strings. Each array is NULL-terminated;
 * run every statement in order with the parameters listed.
 */
#ifndef DOTE_REPORTS_ROLLUP_H
#define DOTE_REPORTS_ROLLUP_H
#include <sqlite3.h>

/* DDL, run once (CREATE TABLE/INDEX IF NOT EXISTS). */
extern const char *const rollup_schema_sql[];
/* For each newly stored application, inside the ingest transaction,
 * after the row is in `application`: ?1 = application uuid. */
extern const char *const rollup_ingest_sql[];
/* For a status change, inside the same transaction as the UPDATE of
 * application (and its status_history row): ?1 uuid, ?2 old status,
 * ?3 new status. */
extern const char *const rollup_status_sql[];
/* For a change of an anonymous usage count: ?1 day 'YYYY-MM-DD',
 * ?2 comune ISTAT, ?3 event, ?4 delta (integer). In SQLite,
 * rollup_migrate() installs triggers on usage_count that do this, so the
 * hub need not call it there. */
extern const char *const rollup_usage_sql[];

/* SELECT of one row per raw application with the rollups' keys and
 * measures (columns uuid comune province region call_id month placement_code
 * area v_status v_age v_sex v_edu v_res uniq sel sta com dro days office
 * rkey): what
 * reports use when no rollup covers a query. Added after the first
 * contract; nothing above changed. */
extern const char rollup_app_rows_sql[];
/* The same with the channel the application came by (v_chan: chiosco,
 * carta, pec), for reports split by it (issue 18): a hub's database
 * only (a database loaded without the hub may lack the column). */
extern const char rollup_app_rows_channel_sql[];
/* SQLite: the same columns for the queued applications only (table
 * rollup_pending), so that a reader adds them to the rollups' figures
 * in its read transaction instead of folding them (rollup_queued). */
extern const char rollup_queued_rows_sql[];

/* Portable recomputation of every rollup from the raw rows (what
 * rollup_rebuild() does in SQLite), for PostgreSQL: run every statement
 * in order, no parameters, inside one write transaction. Added after
 * the first contract. */
extern const char *const rollup_rebuild_sql[];
/* Portable query: one row, 1 when the rollups do not count every
 * application (then rebuild), else 0. Costs a COUNT(*) of the
 * applications. */
extern const char rollup_stale_sql[];
/* Portable query: one row, 1 when there are applications but no rollups
 * at all (a database filled without the hub), else 0. Cheap. */
extern const char rollup_empty_sql[];

/* SQLite helpers. In SQLite use these rather than running the arrays
 * yourself: rollup_apply_ingest() queues, so running rollup_status_sql
 * directly for a queued application would count it twice (call
 * rollup_flush() first if you must). Running the arrays alone, without
 * the helpers, is consistent too (nothing is ever queued then).
 * Each returns 0 or -1 (after error()). None of them
 * opens or commits a transaction except rollup_rebuild, which runs in
 * its own transaction when none is open. */
/* Creates the rollup tables (component "rollup" in schema_version) and
 * the usage_count triggers. Idempotent. */
int rollup_migrate(sqlite3 *db);
/* Adds one stored application (uuid) to the rollups. In SQLite the
 * application is queued (table rollup_pending, same transaction) and
 * the queue is folded into the rollups in bulk every 8192
 * applications and by rollup_flush(): each fold sums its applications
 * in memory and upserts every touched rollup row once, so ingest pays
 * far less than thirteen upserts per application (a reader that finds
 * the queue full pays the fold: about 0.3 s with 300,000 applications
 * on a 2-core machine). */
int rollup_apply_ingest(sqlite3 *db, const char *uuid);
/* Folds queued applications into the rollups (its own transaction when
 * none is open). The hub's writer calls it (store_rollup_fold) when
 * ingest pauses; readers do not (they write nothing): report_run()
 * adds the queued applications' rows (rollup_queued_rows_sql) to the
 * rollups' sums in the same read transaction, which gives exactly the
 * figures the fold would. */
int rollup_flush(sqlite3 *db);
/* 1 when applications wait in the queue (SQLite), else 0; -1 on error. */
int rollup_queued(sqlite3 *db);
/* Moves one application from status old_status to new_status. */
int rollup_apply_status(sqlite3 *db, const char *uuid, const char *old_status,
			const char *new_status);
/* Finalizes the statements the helpers keep prepared for db; call it
 * before closing a connection that used them (else the connection lives
 * on as a zombie until exit). Queued applications stay queued. */
void rollup_release(sqlite3 *db);
/* Recomputes every rollup from the raw rows (after `dote demo`, a bulk
 * import, or to repair). Migrates first if needed. */
int rollup_rebuild(sqlite3 *db);
/* 1 when the rollups do not count every application (a database filled
 * without rollup upkeep, e.g. by a bulk import, or rows deleted), else 0.
 * Queued applications count as covered (readers add them; the queue
 * is not folded, nothing is written). Reads the mark each fold and rebuild keep
 * (table rollup_mark: the last application rowid covered, the count,
 * a flag a trigger sets on deletes): a few B-tree descents and the
 * province totals, not a COUNT(*) of the applications (which the first
 * check of rollups made by an older hub still costs, once). */
int rollup_stale(sqlite3 *db);
#endif
