/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Readers never fold the hub's rollup queue: a report read while
 * applications wait in rollup_pending adds their raw rows to the
 * rollups' sums in its read transaction. Every published table (several
 * dims, filters, two-attribute tables, period buckets, protected and
 * internal, kiosk counts) must be byte for byte the one the same query
 * gives after the fold, and the read must leave the database untouched
 * (no change counted, rollups, mark and queue as they were).
 */
#include "tests/unit/check.h"
#include "tests/unit/report_fixture.h"
#include "reports/stats/report.h"

#include <stdlib.h>

static long long q1(sqlite3 *db, const char *sql)
{
	return (long long)db_int(db, sql, NULL, -999);
}

/* Everything the rollups and the mark hold, as one text (a digest
 * would hide which part moved; the fixture is small). */
static const char state_sql[] =
	"SELECT (SELECT group_concat(x, ';') FROM (SELECT attr || value || comune || call_id || month || applications"
	" || applicants || selected || started || completed || dropped_out || sel_days || ckey || ckey_sel AS x"
	" FROM rollup_comune ORDER BY 1))"
	" || '|' || (SELECT group_concat(x, ';') FROM (SELECT attr || attr2 || value || value2 || province || call_id"
	" || month || applications || ckey || ckey_dro AS x FROM rollup_attr2 ORDER BY 1))"
	" || '|' || (SELECT group_concat(x, ';') FROM (SELECT attr || value || province || call_id || month"
	" || applications || ckey AS x FROM rollup_province ORDER BY 1))"
	" || '|' || (SELECT group_concat(x, ';') FROM (SELECT placement_code || month || applications || ckey AS x"
	" FROM rollup_placement ORDER BY 1))"
	" || '|' || (SELECT max_rowid || ',' || n || ',' || dirty FROM rollup_mark)"
	" || '|' || COALESCE((SELECT group_concat(uuid) FROM (SELECT uuid FROM rollup_pending ORDER BY 1)), '')";

static char *state(sqlite3 *db)
{
	sqlite3_stmt *st = db_prepare(db, state_sql);
	char *s = NULL;

	if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		s = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return s;
}

static const struct {
	const char *dims, *measures, *period, *province, *comune, *call;
	int protect;
} queries[] = {
	{ "province,month", "applications,applicants,selected,started,completed,dropped_out", "", "", "", "", 1 },
	{ "comune", "applications,selected,dropout_rate,days_to_selection", "2025", "", "", "", 1 },
	{ "comune,month", "applications,selected", "2025-Q1", "MI", "", "", 1 },
	{ "region,quarter", "applications,applicants", "", "", "", "5/2025", 1 },
	{ "sex,age_band", "applications,selected", "", "", "", "", 1 },
	{ "applicant_status,education", "applications,completed", "2025-Q3", "", "", "", 1 },
	{ "residence,sex", "applications", "", "MI", "", "", 1 },
	/* Attributes at comune level: internal only (issue 20's field exclusion). */
	{ "education", "applications,started", "", "", "015146", "", 0 },
	/* Placements, areas, offices: by year or all time when protected (issue 20). */
	{ "area,year", "applications,applications_per_seat,fill_rate", "", "", "", "", 1 },
	{ "placement", "applications,selected", "2025", "", "", "", 1 },
	{ "area,month", "applications", "", "", "", "", 0 },
	{ "office,sex", "applications", "", "", "", "", 0 },
	{ "call,year", "applications,selected,completed", "", "", "", "", 1 },
	{ "province,month", "sessions,views,forms,submits", "", "", "", "", 1 },
	{ "comune", "submits", "2025-Q1", "", "", "", 1 },
	{ "comune,sex", "applications,selected,days_to_selection", "", "", "", "", 0 },
	{ "month", "applications,applicants,dropped_out", "", "", "", "", 0 },
	{ "", "applications,selected", "", "", "", "", 1 },
};
enum { NQ = sizeof(queries) / sizeof(queries[0]) };

/* The query's CSV, or NULL (and the error printed). */
static char *run(sqlite3 *db, int i)
{
	struct report_query q;
	struct report r;
	char err[256];
	char *csv = NULL;
	size_t len;

	report_query_init(&q);
	q.protect = queries[i].protect;
	if ((queries[i].dims[0] && report_parse_dims(&q, queries[i].dims, err, sizeof(err))) ||
	    report_parse_measures(&q, queries[i].measures, err, sizeof(err)) ||
	    (queries[i].period[0] && report_parse_period(&q, queries[i].period, err, sizeof(err)))) {
		printf("# query %d: %s\n", i, err);
		return NULL;
	}
	snprintf(q.province, sizeof(q.province), "%s", queries[i].province);
	snprintf(q.comune, sizeof(q.comune), "%s", queries[i].comune);
	snprintf(q.call, sizeof(q.call), "%s", queries[i].call);
	if (fixture_report(db, &q, &r, err, sizeof(err))) {
		printf("# query %d: %s\n", i, err);
		return NULL;
	}
	if (r.n)
		csv = report_csv(&r, 0, &len);
	report_free(&r);
	return csv;
}

/* Stores copies of every k-th application as new ones through the
 * hub's queue (as ingest does), with their statuses: new cells and
 * existing ones, every attribute. Returns how many were queued. */
static int queue_copies(sqlite3 *db, int k, const char *tag)
{
	sqlite3_stmt *sel = db_prepare(db, "SELECT uuid FROM application WHERE uuid NOT LIKE 'q%' AND rowid % ?1 = 0"
				       " ORDER BY rowid");
	sqlite3_stmt *ins = db_prepare(db, "INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id,"
				       " placement_code, comune, cf_hash, sex, birth_date, age, residence, applicant_status,"
				       " education, submitted_at, status, status_at, duplicate_of) SELECT ?2, 'P-' || ?2, 'K-Q',"
				       " 1 + (SELECT COALESCE(MAX(seq), 0) FROM application WHERE kiosk_id = 'K-Q'), a.call_id,"
				       " a.placement_code, a.comune, a.cf_hash || ?2, a.sex, a.birth_date, a.age, a.residence,"
				       " a.applicant_status, a.education, a.submitted_at, a.status, a.status_at,"
				       " CASE WHEN a.rowid % 5 = 0 THEN a.uuid END FROM application a WHERE a.uuid = ?1");
	int n = 0;

	if (!sel || !ins || db_exec(db, "BEGIN"))
		goto out;
	sqlite3_bind_int(sel, 1, k);
	while (sqlite3_step(sel) == SQLITE_ROW) {
		char uuid[64];
		snprintf(uuid, sizeof(uuid), "q%s-%s", tag, (const char *)sqlite3_column_text(sel, 0));
		sqlite3_bind_text(ins, 1, (const char *)sqlite3_column_text(sel, 0), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, uuid, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE || rollup_apply_ingest(db, uuid)) {
			n = -1;
			break;
		}
		sqlite3_reset(ins);
		n++;
	}
	db_exec(db, n < 0 ? "ROLLBACK" : "COMMIT");
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	return n;
}

int main(void)
{
	sqlite3 *db = db_open(":memory:", DB_SYNC_NORMAL);
	char *before[NQ], *after[NQ];
	char *s0, *s1;
	int queued, same = 0, nonempty = 0, changes;

	/* The first check of the rollups leaves the mark (once per hub). */
	CHECK("queue fixture", db && fixture_build(db, 2400, 1) == 0 && rollup_flush(db) == 0 && rollup_stale(db) == 0 &&
	      q1(db, "SELECT n FROM rollup_mark") == 2400);
	queued = queue_copies(db, 3, "a");
	CHECK("queue: applications wait in the queue", queued > 700 &&
	      q1(db, "SELECT COUNT(*) FROM rollup_pending") == queued);
	/* A status change of a folded application (moved in the rollups)
	 * and of a queued one (counted as it is when read). */
	db_exec(db, "BEGIN");
	CHECK("queue: status changes", rollup_apply_status(db, "0190" "0000-0000-7000-8000-000000000007", "received",
							   "selected") == 0 &&
	      db_exec(db, "UPDATE application SET status = 'selected', status_at = '2025-05-01T09:00:00Z'"
			  " WHERE uuid = '0190" "0000-0000-7000-8000-000000000007' AND status = 'received'") == 0);
	db_exec(db, "COMMIT");
	s0 = state(db);
	changes = sqlite3_total_changes(db);
	CHECK_INT("queue: the rollups with a queue are complete (no rebuild)", rollup_stale(db), 0);
	for (int i = 0; i < NQ; i++)
		before[i] = run(db, i);
	s1 = state(db);
	CHECK_INT("queue: the reads wrote nothing (changes counted)", sqlite3_total_changes(db) - changes, 0);
	CHECK("queue: rollups, mark and queue unchanged by the reads", s0 && s1 && !strcmp(s0, s1));
	CHECK_INT("queue: still queued after the reads", q1(db, "SELECT COUNT(*) FROM rollup_pending"), queued);
	free(s0);
	free(s1);
	CHECK("queue: the hub folds", rollup_flush(db) == 0 && q1(db, "SELECT COUNT(*) FROM rollup_pending") == 0 &&
	      rollup_stale(db) == 0);
	for (int i = 0; i < NQ; i++) {
		after[i] = run(db, i);
		if (before[i] && after[i] && !strcmp(before[i], after[i]))
			same++;
		else
			printf("# query %d (%s / %s) differs\n", i, queries[i].dims, queries[i].measures);
		nonempty += after[i] && strchr(after[i], '\n') && strchr(after[i], '\n')[1];
		if (getenv("QUEUE_SHOW"))
			printf("# query %d:\n%s\n", i, after[i] ? after[i] : "(none)");
	}
	CHECK_INT("queue: every report with the queue is byte-identical to the same report after the fold", same, NQ);
	CHECK_INT("queue: the reports have rows", nonempty, NQ);
	/* The queue changes the answer: the figures are not the old ones. */
	{
		char *old_total;
		CHECK("queue: a rebuild without the copies", db_exec(db, "DELETE FROM application WHERE uuid LIKE 'qa-%'") == 0 &&
		      rollup_rebuild(db) == 0);
		old_total = run(db, 0);
		CHECK("queue: the queued applications are in the answer", old_total && after[0] &&
		      strcmp(old_total, after[0]) != 0);
		free(old_total);
	}
	/* Internal (exact) figures from the rollups plus a new queue equal
	 * those of the raw rows (the path that ignores the rollups). */
	CHECK_INT("queue: a second queue", queue_copies(db, 4, "b") > 500, 1);
	{
		struct report_query q;
		struct report r;
		char err[256];
		size_t len;
		char *c[2] = { NULL, NULL };

		report_query_init(&q);
		q.protect = 0;
		if (report_parse_dims(&q, "province,sex", err, sizeof(err)) == 0 &&
		    report_parse_measures(&q, "applications,selected,dropped_out", err, sizeof(err)) == 0)
			for (int raw = 0; raw < 2; raw++) {
				q.force_raw = raw;
				if (fixture_report(db, &q, &r, err, sizeof(err)) == 0) {
					c[raw] = report_csv(&r, 0, &len);
					report_free(&r);
				}
			}
		CHECK("queue: rollups plus queue equal the raw rows (internal figures)",
		      c[0] && c[1] && !strcmp(c[0], c[1]) && q1(db, "SELECT COUNT(*) FROM rollup_pending") > 500);
		free(c[0]);
		free(c[1]);
	}
	for (int i = 0; i < NQ; i++) {
		free(before[i]);
		free(after[i]);
	}
	rollup_release(db);
	db_close(db);
	return check_done();
}
