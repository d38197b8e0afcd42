/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Ingest cost of the rollups, for tests/bench/bench_reports.sh: stores N
 * applications in a hub-like SQLite file (WAL, synchronous=FULL, batches of 100 per
 * transaction, as the hub commits a kiosk's batch), once without and once
 * with rollup_apply_ingest() for each, and prints both rates.
 * usage: report_bench ingest DIR N
 */
#include "core/comuni.h"
#include "core/db.h"
#include "core/util.h"
#include "reports/rollup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double run(const char *path, long n, int with_rollup)
{
	sqlite3 *db = db_open(path, DB_SYNC_FULL);
	sqlite3_stmt *ins;
	static const char *const comuni[] = { "015146", "015010", "015002", "108033", "016024", "016001", "001272" };
	static const char *const astat[] = { "unemployed", "never_employed", "student", "neet" };
	int64_t t0;
	uint32_t seed = 42;

	if (!db || comuni_load_db(db) || rollup_migrate(db))
		return -1;
	db_exec(db, "INSERT INTO call(id, code, title, region, opens, deadline) VALUES (1, '6/2025', 'Avviso', 'Lombardia',"
		    " '2025-01-01', '2025-12-31')");
	ins = db_prepare(db, "INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune,"
			 " cf_hash, cf, given_name, family_name, phone, email, sex, birth_date, age, residence,"
			 " applicant_status, education, submitted_at, status, received_at) VALUES (?1, ?2, 'K01', ?3, 1,"
			 " 'DC06-X', ?4, ?5, 'RSSMRA85T10A562S', 'Mario', 'Rossi', '3331234567', 'mario@example.it',"
			 " 'M', '1985-12-10', ?6, ?4, ?7, 'upper_secondary', ?8, 'received', ?8)");
	if (!ins)
		return -1;
	t0 = now_ms();
	for (long i = 0; i < n; i++) {
		char uuid[40], proto[40], hash[72], when[24];
		if (i % 100 == 0 && db_begin(db))
			return -1;
		seed = seed * 1664525u + 1013904223u;
		uuid_v7(uuid, sizeof(uuid));
		snprintf(proto, sizeof(proto), "DC-%ld", i);
		snprintf(hash, sizeof(hash), "%016lx%016x", i, seed);
		snprintf(when, sizeof(when), "2025-%02u-%02uT10:00:00Z", 1 + (seed >> 8) % 12, 1 + (seed >> 12) % 28);
		sqlite3_bind_text(ins, 1, uuid, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, proto, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, i);
		sqlite3_bind_text(ins, 4, comuni[(seed >> 4) % 7], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, hash, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 6, 16 + (int)((seed >> 16) % 45));
		sqlite3_bind_text(ins, 7, astat[(seed >> 20) % 4], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 8, when, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			return -1;
		sqlite3_reset(ins);
		if (with_rollup && rollup_apply_ingest(db, uuid))
			return -1;
		if (i % 100 == 99 && db_commit(db))
			return -1;
	}
	if (!sqlite3_get_autocommit(db))
		db_commit(db);
	t0 = now_ms() - t0;
	sqlite3_finalize(ins);
	db_close(db);
	return (double)n * 1000.0 / (double)(t0 ? t0 : 1);
}

int main(int argc, char **argv)
{
	char a[1024], b[1024];
	long n;
	double plain, rolled;

	if (argc != 4 || strcmp(argv[1], "ingest")) {
		fprintf(stderr, "usage: report_bench ingest DIR N\n");
		return 2;
	}
	n = atol(argv[3]);
	snprintf(a, sizeof(a), "%s/plain.db", argv[2]);
	snprintf(b, sizeof(b), "%s/rollup.db", argv[2]);
	plain = run(a, n, 0);
	rolled = run(b, n, 1);
	if (plain <= 0 || rolled <= 0) {
		fprintf(stderr, "report_bench: ingest failed\n");
		return 1;
	}
	printf("ingest_plain_per_s %.0f\ningest_rollup_per_s %.0f\n", plain, rolled);
	return 0;
}
