/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Ingest cost of the rollups, for tests/bench/bench_reports.sh: stores N
 * applications in a hub database (WAL, synchronous=FULL, batches of 100
 * per transaction, as the hub commits a kiosk's batch), first without,
 * then with rollup_apply_ingest() for each, and prints both rates (the
 * connection set up as the hub's writer connection is). Given
 * the benchmark's big demo database, it measures ingest at that scale.
 * usage: report_bench ingest DB N
 */
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/util.h"
#include "core/uuid.h"
#include "reports/store/rollup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns applications per second of wall time; *cpu_rate gets them per
 * second of CPU time (less sensitive to other load on the machine). */
/* The database's placements (code, comune), so new applications spread
 * over the network like real ones. */
static char (*codes)[40];
static char (*hosts)[8];
static int n_codes;

static int load_placements(sqlite3 *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT code, comune FROM placement ORDER BY code LIMIT 20000");
	codes = calloc(20000, sizeof(*codes));
	hosts = calloc(20000, sizeof(*hosts));
	while (st && codes && hosts && sqlite3_step(st) == SQLITE_ROW) {
		db_col_copy(st, 0, codes[n_codes], sizeof(codes[n_codes]));
		db_col_copy(st, 1, hosts[n_codes], sizeof(hosts[n_codes]));
		n_codes++;
	}
	sqlite3_finalize(st);
	return n_codes ? 0 : -1;
}

static int64_t fold_queued, fold_ms;

static double run(sqlite3 *db, long n, int with_rollup, long base, double *cpu_rate)
{
	int64_t c0 = cpu_ms();
	sqlite3_stmt *ins;
	static const char *const astat[] = { "unemployed", "never_employed", "student", "neet" };
	int64_t t0;
	uint32_t seed = 42;

	ins = db_prepare(db, "INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune,"
			 " cf_hash, cf, given_name, family_name, phone, email, sex, birth_date, age, residence,"
			 " applicant_status, education, submitted_at, status, received_at) VALUES (?1, ?2, 'K01', ?3, 1,"
			 " ?9, ?4, ?5, 'RSSMRA85T10A562S', 'Mario', 'Rossi', '3331234567', 'mario@example.it',"
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
		snprintf(proto, sizeof(proto), "DC-BENCH-%ld", base + i);
		snprintf(hash, sizeof(hash), "%016lx%016x", base + i, seed);
		snprintf(when, sizeof(when), "2025-%02u-%02uT10:00:00Z", 1 + (seed >> 8) % 12, 1 + (seed >> 12) % 28);
		sqlite3_bind_text(ins, 1, uuid, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, proto, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, base + i);
		{
			int k = (int)((seed >> 3) % (uint32_t)n_codes);
			sqlite3_bind_text(ins, 4, hosts[k], -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 9, codes[k], -1, SQLITE_STATIC);
		}
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
	/* The upkeep includes folding what is still queued, as a reader
	 * would before reading; timed on its own as well. */
	if (with_rollup) {
		fold_queued = db_int(db, "SELECT COUNT(*) FROM rollup_pending", NULL, -1);
		fold_ms = now_ms();
		if (rollup_flush(db))
			return -1;
		fold_ms = now_ms() - fold_ms;
	}
	t0 = now_ms() - t0;
	c0 = cpu_ms() - c0;
	*cpu_rate = (double)n * 1000.0 / (double)(c0 ? c0 : 1);
	sqlite3_finalize(ins);
	return (double)n * 1000.0 / (double)(t0 ? t0 : 1);
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	long n;
	double plain, rolled, plain_cpu, rolled_cpu;

	if (argc != 4 || strcmp(argv[1], "ingest")) {
		fprintf(stderr, "usage: report_bench ingest DB N\n");
		return 2;
	}
	n = atol(argv[3]);
	db = db_open(argv[2], DB_SYNC_FULL);
	/* The connection as the hub's writer has it (reports/store/store_sqlite.c):
	 * the working set in memory, pages read through mmap. */
	if (!db || db_exec(db, "PRAGMA cache_size = -131072; PRAGMA mmap_size = 1073741824") || rollup_migrate(db))
		return 1;
	if (db_int(db, "SELECT COUNT(*) FROM comune", NULL, 0) == 0 && comuni_load_db(db))
		return 1;
	db_exec(db, "INSERT OR IGNORE INTO call(id, code, title, region, opens, deadline) VALUES (1, 'B/2025',"
		    " 'Avviso', 'Lombardia', '2025-01-01', '2025-12-31')");
	if (db_int(db, "SELECT COUNT(*) FROM placement", NULL, 0) == 0)
		db_exec(db, "INSERT INTO placement(code, call_id, comune, area, office, title, address, months, hours_week,"
			    " allowance_eur, qrsp, seats, deadline) VALUES ('B-1', 1, '015146', 'library', 'Biblioteca',"
			    " 'Bench', 'Via Roma 1', 6, 20, 400, 'Q', 2, '2025-12-31'), ('B-2', 1, '001272', 'social',"
			    " 'Servizi', 'Bench', 'Via Po 1', 6, 20, 400, 'Q', 2, '2025-12-31')");
	if (load_placements(db))
		return 1;
	/* Kiosk K01 sequence numbers must stay unique: start past any there. */
	long base = (long)db_int(db, "SELECT COALESCE(MAX(seq), 0) + 1 FROM application WHERE kiosk_id = 'K01'", NULL, 1);
	plain = run(db, n, 0, base, &plain_cpu);
	rolled = run(db, n, 1, base + n, &rolled_cpu);
	db_close(db);
	if (plain <= 0 || rolled <= 0) {
		fprintf(stderr, "report_bench: ingest failed\n");
		return 1;
	}
	printf("ingest_plain_per_s %.0f\ningest_rollup_per_s %.0f\n", plain, rolled);
	printf("ingest_plain_per_cpu_s %.0f\ningest_rollup_per_cpu_s %.0f\n", plain_cpu, rolled_cpu);
	printf("fold_queued %lld\nfold_ms %lld\n", (long long)fold_queued, (long long)fold_ms);
	return 0;
}
