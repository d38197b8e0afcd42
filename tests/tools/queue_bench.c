/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What a reader pays for the hub's rollup queue, for the notes: queues N
 * new applications (copies of stored ones, through rollup_apply_ingest
 * as the hub's ingest does) in a COPY of a hub database, then times a
 * set of dashboard-like protected reports three ways, best of three:
 *   fold+read  what a reader paid before: fold the queue, then read
 *              (inside a transaction rolled back, so the queue stays);
 *   queue      the reader now: rollups plus the queued rows' GROUP BY;
 *   quiet      the same report with nothing queued (the floor).
 * The database is modified (rollup mark, queued copies): never give it
 * a hub's own file.
 * usage: queue_bench DB N
 */
#include "core/datetime.h"
#include "core/db.h"
#include "core/util.h"
#include "reports/stats/report.h"
#include "reports/store/rollup.h"
#include "reports/store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *dims, *measures, *period;
} views[] = {
	{ "province,month", "applications,selected", "2025" },
	{ "comune", "applications,selected,started", "" },
	{ "region,quarter", "applications,applicants", "" },
	{ "sex,age_band", "applications,selected", "" },
	{ "area", "applications,fill_rate", "" },
	{ "province", "sessions,submits", "" },
};
enum { NV = sizeof(views) / sizeof(views[0]) };

static int64_t view_ms(sqlite3 *db, int v, int fold)
{
	struct report_query q;
	struct report r;
	struct store *st;
	char err[256];
	int64_t t0, t;

	report_query_init(&q);
	q.trust_rollups = 1;		/* as the dashboard's views */
	if (report_parse_dims(&q, views[v].dims, err, sizeof(err)) ||
	    report_parse_measures(&q, views[v].measures, err, sizeof(err)) ||
	    (views[v].period[0] && report_parse_period(&q, views[v].period, err, sizeof(err))))
		return -1;
	t0 = now_ms();
	if (fold && (db_exec(db, "BEGIN") || rollup_flush(db)))
		return -1;
	st = store_sqlite_borrow(db);
	if (!st || report_run(st, &q, &r, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		store_close(st);
		db_rollback(db);
		return -1;
	}
	store_close(st);
	t = now_ms() - t0;
	report_free(&r);
	if (fold)
		db_rollback(db);
	return t;
}

static int64_t best(sqlite3 *db, int v, int fold)
{
	int64_t b = -1;
	for (int i = 0; i < 3; i++) {
		int64_t t = view_ms(db, v, fold);
		if (t >= 0 && (b < 0 || t < b))
			b = t;
	}
	return b;
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	long n;
	int64_t fold[NV], queue[NV], quiet[NV], t0;

	if (argc != 3) {
		fprintf(stderr, "usage: queue_bench DB N\n");
		return 2;
	}
	n = atol(argv[2]);
	db = db_open(argv[1], DB_SYNC_NORMAL);
	if (!db || rollup_migrate(db))
		return 1;
	t0 = now_ms();
	if ((rollup_flush(db) || rollup_stale(db)) && rollup_rebuild(db))
		return 1;
	printf("rollups checked in %lld ms\n", (long long)(now_ms() - t0));
	printf("applications %lld\n", (long long)db_int(db, "SELECT COUNT(*) FROM application", NULL, -1));
	/* Copies of every k-th stored application, through the queue. */
	{
		sqlite3_stmt *sel = db_prepare(db, "SELECT uuid FROM application WHERE uuid NOT LIKE 'qb-%'"
					       " ORDER BY rowid DESC LIMIT ?1");
		sqlite3_stmt *ins = db_prepare(db, "INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id,"
					       " placement_code, comune, cf_hash, sex, birth_date, age, residence, applicant_status,"
					       " education, submitted_at, status, status_at) SELECT ?2, 'P-' || ?2, 'K-QB',"
					       " 1 + (SELECT COALESCE(MAX(seq), 0) FROM application WHERE kiosk_id = 'K-QB'),"
					       " a.call_id, a.placement_code, a.comune, a.cf_hash || ?2, a.sex, a.birth_date, a.age,"
					       " a.residence, a.applicant_status, a.education, a.submitted_at, a.status, a.status_at"
					       " FROM application a WHERE a.uuid = ?1");
		long k = 0;
		if (!sel || !ins || db_exec(db, "BEGIN"))
			return 1;
		sqlite3_bind_int64(sel, 1, n * 97);
		while (k < n && sqlite3_step(sel) == SQLITE_ROW) {
			char uuid[80];
			if (rand() % 97)
				continue;
			snprintf(uuid, sizeof(uuid), "qb-%lld-%ld-%s", (long long)t0, k, (const char *)sqlite3_column_text(sel, 0));
			sqlite3_bind_text(ins, 1, (const char *)sqlite3_column_text(sel, 0), -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 2, uuid, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(ins) != SQLITE_DONE || rollup_apply_ingest(db, uuid))
				return 1;
			sqlite3_reset(ins);
			k++;
		}
		if (db_exec(db, "COMMIT"))
			return 1;
		sqlite3_finalize(sel);
		sqlite3_finalize(ins);
	}
	printf("queued %lld\n", (long long)db_int(db, "SELECT COUNT(*) FROM rollup_pending", NULL, -1));
	for (int v = 0; v < NV; v++) {
		fold[v] = best(db, v, 1);
		queue[v] = best(db, v, 0);
	}
	if (db_int(db, "SELECT COUNT(*) FROM rollup_pending", NULL, -1) == 0)
		return fprintf(stderr, "the queue was folded by a reader\n"), 1;
	t0 = now_ms();
	if (rollup_flush(db))
		return 1;
	printf("the writer's fold: %lld ms\n", (long long)(now_ms() - t0));
	for (int v = 0; v < NV; v++)
		quiet[v] = best(db, v, 0);
	printf("%-34s %12s %12s %12s\n", "view (dims / measures)", "fold+read", "queue", "quiet");
	for (int v = 0; v < NV; v++) {
		char name[80];
		snprintf(name, sizeof(name), "%s / %s", views[v].dims, views[v].measures);
		printf("%-34.34s %9lld ms %9lld ms %9lld ms\n", name, (long long)fold[v], (long long)queue[v],
		       (long long)quiet[v]);
	}
	rollup_release(db);
	db_close(db);
	return 0;
}
