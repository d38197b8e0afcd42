/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The cell key method's building blocks (reports/stats/sdc.h): the
 * p-table (counts 1-4 never published as such, zero stays zero, the
 * documented probabilities and bounds, the same cell always the same
 * value, submits on the applications' stream), the record key (a fixed
 * vector computed independently with Python's hashlib) and the SQLite
 * side: one secret per hub database, kept across connections, and
 * dote_rkey() equal to the C function.
 */
#include "tests/unit/check.h"
#include "reports/stats/sdc.h"
#include "core/db.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static uint64_t rng = 88172645463325252ull;
static uint64_t next_key(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int main(void)
{
	enum { DRAWS = 200000 };
	int never_small = 1, bounded = 1, same = 1;

	util_quiet(1);
	CHECK_INT("sdc zero stays zero", (int)sdc_perturb(0, 12345, SDC_S_APPLICATIONS), 0);
	for (int64_t n = 1; n <= 40; n++) {
		double sum = 0, sq = 0;
		int64_t lo = INT64_MAX, hi = INT64_MIN;
		for (int i = 0; i < DRAWS / 10; i++) {
			uint64_t k = next_key();
			int64_t v = sdc_perturb(n, k, SDC_S_SELECTED);
			if (v > 0 && v < SDC_MIN_COUNT)
				never_small = 0;
			if (n >= 5 && (v < n - SDC_MAX_DEV || v > n + SDC_MAX_DEV || v < 5))
				bounded = 0;
			if (v != sdc_perturb(n, k, SDC_S_SELECTED))
				same = 0;
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
			sum += (double)v;
			sq += (double)(v - n) * (double)(v - n);
		}
		if (n <= 4) {
			char name[96];
			double share5 = (sum / 5) / (DRAWS / 10);
			snprintf(name, sizeof(name), "sdc count %d published 0 or 5 with even odds", (int)n);
			CHECK(name, lo == 0 && hi == 5 && fabs(share5 - 0.5) < 0.01);
		}
		if (n == 20) {
			double mean = sum / (DRAWS / 10), var = sq / (DRAWS / 10);
			CHECK("sdc count 20: mean 20 (unbiased)", fabs(mean - 20) < 0.03);
			CHECK("sdc count 20: variance 2.32 as documented", fabs(var - 2.32) < 0.08);
			CHECK("sdc count 20: all nine values -4..+4 used", lo == 16 && hi == 24);
		}
	}
	CHECK("sdc no true count is ever published as 1 to 4", never_small);
	CHECK("sdc from 5 up the change is at most 4, never below 5", bounded);
	CHECK("sdc the same cell always gets the same value", same);
	{
		int equal = 1, differ = 0;
		for (int i = 0; i < 1000; i++) {
			uint64_t k = next_key();
			equal &= sdc_perturb(30, k, SDC_S_SUBMITS) == sdc_perturb(30, k, SDC_S_APPLICATIONS);
			differ += sdc_perturb(30, k, SDC_S_SELECTED) != sdc_perturb(30, k, SDC_S_APPLICATIONS);
		}
		CHECK("sdc submits use the applications' noise", equal);
		CHECK("sdc other measures have their own noise", differ > 300);
	}
	{
		int64_t vals[10];
		int p[10], ok = 1;
		for (int64_t n = 0; n <= 12; n++) {
			int k = sdc_ptable_row(n, vals, p, 10), tot = 0;
			for (int i = 0; i < k; i++)
				tot += p[i];
			ok &= tot == 100;
		}
		CHECK("sdc every p-table row sums to 100%", ok);
		CHECK_INT("sdc p-table row 6: values 5 to 10", sdc_ptable_row(6, vals, p, 8), 6);
		CHECK("sdc p-table row 6 starts at 5 with 30% (raised from 2-5)", vals[0] == 5 && p[0] == 30 && vals[5] == 10 && p[5] == 2);
		CHECK_INT("sdc p-table row 3 has two values", sdc_ptable_row(3, vals, p, 8), 2);
		CHECK("sdc p-table row 3: 0 at 50%, 5 at 50%", vals[0] == 0 && p[0] == 50 && vals[1] == 5 && p[1] == 50);
	}
	/* Python: int.from_bytes(sha256(secret + uuid)[:4], 'big'). */
	CHECK("sdc record key = first 4 bytes of SHA-256(secret || uuid)",
	      sdc_record_key("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			     "2b1c7e8a-0000-4000-8000-000000000001") == 324065516u);
	{
		char path[] = "/tmp/test_sdc_XXXXXX", secret[80] = "", again[80] = "";
		int fd = mkstemp(path);
		sqlite3 *db;
		if (fd >= 0)
			close(fd);
		db = db_open(path, DB_SYNC_NORMAL);
		CHECK("sdc register on SQLite", db && sdc_sqlite_register(db) == 0 && sdc_sqlite_register(db) == 0);
		CHECK("sdc secret stored, 64 hex digits",
		      db && db_text(db, "SELECT secret FROM sdc_secret WHERE id = 1", NULL, secret, sizeof(secret)) == 0 &&
		      strlen(secret) == 64 && strspn(secret, "0123456789abcdef") == 64);
		CHECK("sdc dote_rkey() in SQL = sdc_record_key()",
		      db && db_int(db, "SELECT dote_rkey('u-1')", NULL, -1) == (int64_t)sdc_record_key(secret, "u-1"));
		sqlite3_close(db);
		db = db_open(path, DB_SYNC_NORMAL);
		CHECK("sdc second connection keeps the same secret",
		      db && sdc_sqlite_register(db) == 0 &&
		      db_text(db, "SELECT secret FROM sdc_secret", NULL, again, sizeof(again)) == 0 && !strcmp(secret, again) &&
		      db_int(db, "SELECT COUNT(*) FROM sdc_secret", NULL, 0) == 1);
		sqlite3_close(db);
		unlink(path);
	}
	return check_done();
}
