/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A small deterministic hub database for the reports tests: real comuni
 * from three provinces in two regions, two calls, placements, and n
 * applications with skewed comuni, every applicant attribute, status
 * changes (with status_history) and anonymous usage counts. With
 * incremental=1 every application goes through rollup_apply_ingest and
 * every status change through rollup_apply_status, as the hub does.
 */
#ifndef DOTE_TESTS_REPORT_FIXTURE_H
#define DOTE_TESTS_REPORT_FIXTURE_H
#include "core/comuni.h"
#include "core/db.h"
#include "core/util.h"
#include "reports/stats/report.h"
#include "reports/store/rollup.h"
#include "reports/store/store.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* report_run() over the tests' SQLite connection, through a store that
 * borrows it for the call. */
static inline int fixture_report(sqlite3 *db, const struct report_query *q, struct report *r, char *err,
				 size_t errsize)
{
	struct store *s = store_sqlite_borrow(db);
	int rc;

	if (!s) {
		memset(r, 0, sizeof(*r));
		return snprintf(err, errsize, "out of memory"), -1;
	}
	rc = report_run(s, q, r, err, errsize);
	store_close(s);
	return rc;
}

static uint32_t fixture_seed = 12345;
static uint32_t fixture_rand(uint32_t n)
{
	fixture_seed = fixture_seed * 1103515245u + 12345u;
	return (fixture_seed >> 8) % n;
}

/* Comuni used: Milano, Monza-area and Bergamo (Lombardia), Torino area
 * (Piemonte); the first ones get most applications. */
static const char *const fixture_comuni[] = {
	"015146", "015010", "015002", "108033", "016024", "016001", "001272", "001001", "001002", "015005",
};

static int fixture_build(sqlite3 *db, int n, int incremental)
{
	static const char *const statuses[] = { "received", "interview", "selected", "not_selected",
						"withdrawn", "started", "completed", "dropped_out" };
	static const char *const astat[] = { "unemployed", "never_employed", "student", "neet" };
	static const char *const edu[] = { "none", "primary", "lower_secondary", "vocational",
					   "upper_secondary", "bachelor", "master", "doctorate" };
	static const char *const areas[] = { "registry", "library", "social", "technical" };
	static const char *const offices[] = { "Ufficio Anagrafe", "Biblioteca civica", "Servizi sociali", "Ufficio tecnico" };
	const int nc = (int)(sizeof(fixture_comuni) / sizeof(fixture_comuni[0]));
	sqlite3_stmt *ins = NULL, *pl = NULL, *upd = NULL, *hist = NULL, *use = NULL, *dup = NULL;
	char sql[256];
	int rc = -1;

	fixture_seed = 12345;
	if (comuni_load_db(db) || rollup_migrate(db) || db_begin(db))
		return -1;
	if (db_exec(db, "INSERT INTO call(id, code, title, region, opens, deadline) VALUES"
			" (1, '5/2025', 'Avviso 5/2025', 'Lombardia', '2025-01-10', '2025-03-31'),"
			" (2, '6/2025', 'Avviso 6/2025', 'Lombardia', '2025-06-01', '2025-09-15')"))
		goto out;
	pl = db_prepare(db, "INSERT INTO placement(code, call_id, comune, area, office, title, address, months,"
			    " hours_week, allowance_eur, qrsp, seats, deadline) VALUES (?1, ?2, ?3, ?4, ?7,"
			    " 'Progetto', 'Via Roma 1', 6, 20, 400, 'QRSP', ?5, ?6)");
	ins = db_prepare(db, "INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune,"
			 " cf_hash, sex, birth_date, age, residence, applicant_status, education, submitted_at, status,"
			 " duplicate_of) VALUES (?1, ?2, 'K01', ?3, ?4, ?5, ?6, ?7, ?8, '1990-01-01', ?9, ?10, ?11,"
			 " ?12, ?13, 'received', ?14)");
	upd = db_prepare(db, "UPDATE application SET status = ?2, status_at = ?3 WHERE uuid = ?1");
	hist = db_prepare(db, "INSERT INTO status_history(uuid, status, at, by) VALUES (?1, ?2, ?3, 'test')");
	use = db_prepare(db, "INSERT INTO usage_count(day, kiosk_id, comune, event, n) VALUES (?1, ?2, ?3, ?4, ?5)");
	dup = db_prepare(db, "SELECT uuid FROM application WHERE call_id = ?1 AND cf_hash = ?2 ORDER BY uuid LIMIT 1");
	if (!pl || !ins || !upd || !hist || !use || !dup)
		goto out;
	for (int c = 0; c < nc; c++)
		for (int call = 1; call <= 2; call++)
			for (int k = 0; k < 2; k++) {
				snprintf(sql, sizeof(sql), "DC%02d-%s-%03d", call, fixture_comuni[c], k + 1);
				sqlite3_bind_text(pl, 1, sql, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int(pl, 2, call);
				sqlite3_bind_text(pl, 3, fixture_comuni[c], -1, SQLITE_STATIC);
				sqlite3_bind_text(pl, 4, areas[(c + k) % 4], -1, SQLITE_STATIC);
				sqlite3_bind_text(pl, 7, offices[(c + k + call) % 4], -1, SQLITE_STATIC);
				sqlite3_bind_int(pl, 5, 1 + (c + k) % 3);
				sqlite3_bind_text(pl, 6, call == 1 ? "2025-03-31" : "2025-09-15", -1, SQLITE_STATIC);
				if (sqlite3_step(pl) != SQLITE_DONE)
					goto out;
				sqlite3_reset(pl);
			}
	for (int i = 0; i < n; i++) {
		char uuid[40], proto[48], hash[65], code[32], when[24], prev[40];
		/* Skew: comune index is the minimum of two draws. */
		int c = (int)fixture_rand((uint32_t)nc), c2 = (int)fixture_rand((uint32_t)nc);
		int call = 1 + (int)fixture_rand(2);
		int person = (int)fixture_rand((uint32_t)(n / 2 + 1));
		int month = call == 1 ? 1 + (int)fixture_rand(3) : 6 + (int)fixture_rand(4);
		const char *res;
		int age = 15 + (int)fixture_rand(50), st;

		if (c2 < c)
			c = c2;
		snprintf(uuid, sizeof(uuid), "0190%04x-0000-7000-8000-%012d", i >> 16, i);
		snprintf(proto, sizeof(proto), "DC-TEST-%08d", i);
		snprintf(hash, sizeof(hash), "%064d", person);
		snprintf(code, sizeof(code), "DC%02d-%s-%03d", call, fixture_comuni[c], 1 + (int)fixture_rand(2));
		snprintf(when, sizeof(when), "2025-%02d-%02dT10:00:00Z", month, 1 + (int)fixture_rand(28));
		res = fixture_rand(3) == 0 ? fixture_comuni[c] : fixture_comuni[fixture_rand((uint32_t)nc)];
		/* A person's second application to a call is a duplicate. */
		prev[0] = 0;
		sqlite3_bind_int(dup, 1, call);
		sqlite3_bind_text(dup, 2, hash, -1, SQLITE_STATIC);
		if (sqlite3_step(dup) == SQLITE_ROW)
			db_col_copy(dup, 0, prev, sizeof(prev));
		sqlite3_reset(dup);
		sqlite3_bind_text(ins, 1, uuid, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, proto, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 3, i);
		sqlite3_bind_int(ins, 4, call);
		sqlite3_bind_text(ins, 5, code, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 6, fixture_comuni[c], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 7, hash, -1, SQLITE_STATIC);
		if (fixture_rand(20))
			sqlite3_bind_text(ins, 8, fixture_rand(2) ? "F" : "M", -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 9, age);
		if (fixture_rand(30))
			sqlite3_bind_text(ins, 10, res, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 11, astat[fixture_rand(4)], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 12, edu[fixture_rand(8)], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 13, when, -1, SQLITE_STATIC);
		if (prev[0])
			sqlite3_bind_text(ins, 14, prev, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			goto out;
		sqlite3_reset(ins);
		sqlite3_clear_bindings(ins);
		if (incremental && rollup_apply_ingest(db, uuid))
			goto out;
		/* Walk the status along allowed transitions. */
		st = (int)fixture_rand(8);
		{
			static const int path[8][4] = {
				{ 0 }, { 1 }, { 1, 2 }, { 3 }, { 4 }, { 2, 5 }, { 2, 5, 6 }, { 2, 5, 7 },
			};
			const char *old = "received";
			for (int s = 0; s < 4 && path[st][s]; s++) {
				const char *to = statuses[path[st][s]];
				snprintf(when, sizeof(when), "2025-%02d-%02dT09:00:00Z", month + 1 + s,
					 1 + (int)fixture_rand(28));
				sqlite3_bind_text(upd, 1, uuid, -1, SQLITE_STATIC);
				sqlite3_bind_text(upd, 2, to, -1, SQLITE_STATIC);
				sqlite3_bind_text(upd, 3, when, -1, SQLITE_STATIC);
				sqlite3_bind_text(hist, 1, uuid, -1, SQLITE_STATIC);
				sqlite3_bind_text(hist, 2, to, -1, SQLITE_STATIC);
				sqlite3_bind_text(hist, 3, when, -1, SQLITE_STATIC);
				if (sqlite3_step(upd) != SQLITE_DONE || sqlite3_step(hist) != SQLITE_DONE)
					goto out;
				sqlite3_reset(upd);
				sqlite3_reset(hist);
				if (incremental && rollup_apply_status(db, uuid, old, to))
					goto out;
				old = to;
			}
		}
	}
	for (int c = 0; c < nc; c++)
		for (int d = 0; d < 6; d++) {
			static const char *const ev[] = { "session", "view", "form", "submit" };
			char day[16], kiosk[8];
			int base = 40 / (c + 1) + 3;
			snprintf(day, sizeof(day), "2025-%02d-%02d", 1 + d * 2, 3 + c);
			snprintf(kiosk, sizeof(kiosk), "K%02d", c);
			for (int e = 0; e < 4; e++) {
				sqlite3_bind_text(use, 1, day, -1, SQLITE_STATIC);
				sqlite3_bind_text(use, 2, kiosk, -1, SQLITE_STATIC);
				sqlite3_bind_text(use, 3, fixture_comuni[c], -1, SQLITE_STATIC);
				sqlite3_bind_text(use, 4, ev[e], -1, SQLITE_STATIC);
				sqlite3_bind_int(use, 5, base * (4 - e) + (int)fixture_rand(5));
				if (sqlite3_step(use) != SQLITE_DONE)
					goto out;
				sqlite3_reset(use);
			}
		}
	rc = db_commit(db);
out:
	if (rc)
		db_rollback(db);
	sqlite3_finalize(ins);
	sqlite3_finalize(pl);
	sqlite3_finalize(upd);
	sqlite3_finalize(hist);
	sqlite3_finalize(use);
	sqlite3_finalize(dup);
	return rc;
}
#endif
