/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Demo data invariants: deterministic, realistic (Lombard hosts, calls
 * like the published ones, valid codici fiscali), skewed the way the
 * real network is (big comuni get more, the young are more often NEET or
 * students), and consistent (applied counts, seats never overfilled,
 * funnel narrowing).
 */
#include "core/cf.h"
#include "core/db.h"
#include "core/demo.h"
#include "core/util.h"
#include "check.h"

#include <stdio.h>
#include <string.h>

static sqlite3 *seed(uint64_t seedv, int64_t apps, struct demo_stats *s)
{
	struct demo_options o = { .seed = seedv, .applications = apps, .hosts = 650, .today = "2026-11-26" };
	sqlite3 *db = db_open(":memory:", DB_SYNC_NORMAL);
	if (!db || demo_seed(db, &o, s)) {
		db_close(db);
		return NULL;
	}
	return db;
}

int main(void)
{
	struct demo_stats s1, s2;
	sqlite3 *a = seed(7, 30000, &s1), *b = seed(7, 30000, &s2), *c;
	const char *fp = "SELECT group_concat(protocol || status || placement_code, ',') FROM "
			 "(SELECT * FROM application ORDER BY uuid LIMIT 200)";

	CHECK("seeded twice", a && b);
	if (!a || !b)
		return check_done();
	CHECK_INT("applications", s1.applications, 30000);
	CHECK_INT("650 host comuni, one kiosk each", s1.kiosks, 650);
	CHECK_INT("four calls", s1.calls, 4);
	{
		char f1[65536], f2[65536];
		db_text(a, fp, NULL, f1, sizeof(f1));
		db_text(b, fp, NULL, f2, sizeof(f2));
		CHECK("same seed, same data", strlen(f1) > 1000 && !strcmp(f1, f2));
	}
	c = seed(8, 30000, &s2);
	{
		char f1[65536], f3[65536];
		db_text(a, fp, NULL, f1, sizeof(f1));
		db_text(c, fp, NULL, f3, sizeof(f3));
		CHECK("other seed, other data", strcmp(f1, f3) != 0);
	}
	db_close(b);
	db_close(c);

	CHECK_INT("every host is Lombard", db_int(a, "SELECT count(*) FROM placement p JOIN comune c ON c.istat = p.comune WHERE c.region <> 'Lombardia'", NULL, -1), 0);
	CHECK_INT("one open call", db_int(a, "SELECT count(*) FROM call WHERE status = 'open' AND deadline >= '2026-11-26'", NULL, -1), 1);
	CHECK_INT("call codes like 6/2026", db_int(a, "SELECT count(*) FROM call WHERE code GLOB '[0-9]/20[0-9][0-9]'", NULL, -1), 4);
	CHECK_INT("months are 3, 6, 9 or 12", db_int(a, "SELECT count(*) FROM placement WHERE months NOT IN (3,6,9,12)", NULL, -1), 0);
	CHECK_INT("allowance 400-500 EUR", db_int(a, "SELECT count(*) FROM placement WHERE allowance_eur NOT BETWEEN 400 AND 500", NULL, -1), 0);
	CHECK_INT("about 20 hours a week", db_int(a, "SELECT round(avg(hours_week)) FROM placement", NULL, 0), 20);
	CHECK_INT("Milano hosts placements", db_int(a, "SELECT count(*) > 10 FROM placement WHERE comune = '015146' AND call_id = 4", NULL, 0), 1);
	CHECK_INT("project codes carry the comune", db_int(a, "SELECT count(*) FROM placement WHERE code NOT LIKE 'DC__-' || comune || '-___'", NULL, -1), 0);
	CHECK_INT("applied counts match applications", db_int(a, "SELECT count(*) FROM placement p WHERE applied <> (SELECT count(*) FROM application WHERE placement_code = p.code)", NULL, -1), 0);
	CHECK_INT("seats never overfilled", db_int(a, "SELECT count(*) FROM placement p WHERE seats < (SELECT count(*) FROM application WHERE placement_code = p.code AND status IN ('selected','started','completed','dropped_out'))", NULL, -1), 0);
	CHECK_INT("open call not yet decided", db_int(a, "SELECT count(*) FROM application WHERE call_id = 4 AND status NOT IN ('received','interview')", NULL, -1), 0);
	CHECK_INT("protocol numbers unique", db_int(a, "SELECT count(DISTINCT protocol) FROM application", NULL, 0), 30000);
	CHECK_INT("protocols name comune and kiosk", db_int(a, "SELECT count(*) FROM application WHERE protocol NOT LIKE 'DC-' || comune || '-' || kiosk_id || '-20__-______'", NULL, -1), 0);
	CHECK_INT("ages 16 and over", db_int(a, "SELECT count(*) FROM application WHERE age < 16", NULL, -1), 0);
	CHECK_INT("no NEET over 29", db_int(a, "SELECT count(*) FROM application WHERE applicant_status = 'neet' AND age > 29", NULL, -1), 0);
	CHECK("the young are more often NEET or students",
	      db_int(a, "SELECT 100 * sum(applicant_status IN ('neet','student')) / count(*) FROM application WHERE age < 25", NULL, 0) >
	      3 * db_int(a, "SELECT 100 * sum(applicant_status IN ('neet','student')) / count(*) FROM application WHERE age >= 30", NULL, 100));
	CHECK("Milano gets more applications than a small comune",
	      db_int(a, "SELECT count(*) FROM application WHERE comune = '015146'", NULL, 0) >
	      10 * db_int(a, "SELECT max(n) FROM (SELECT count(*) n FROM application a JOIN comune c ON c.istat = a.comune WHERE c.population < 3000 GROUP BY a.comune)", NULL, 1));
	CHECK("most live in the host comune", db_int(a, "SELECT 100 * sum(residence = comune) / count(*) FROM application", NULL, 0) > 50);
	/* Personal data only where the call is still open, and then valid. */
	CHECK_INT("closed calls pseudonymised", db_int(a, "SELECT count(*) FROM application WHERE call_id < 4 AND (cf IS NOT NULL OR given_name IS NOT NULL)", NULL, -1), 0);
	{
		sqlite3_stmt *st = db_prepare(a, "SELECT cf, birth_date, sex FROM application WHERE cf IS NOT NULL");
		int n = 0, bad = 0;
		while (st && sqlite3_step(st) == SQLITE_ROW) {
			struct cf_info info;
			char err[128];
			n++;
			if (cf_check((const char *)sqlite3_column_text(st, 0), "2026-11-26", &info, err, sizeof(err)) ||
			    strcmp(info.birth_date, (const char *)sqlite3_column_text(st, 1)) ||
			    info.sex != sqlite3_column_text(st, 2)[0])
				bad++;
		}
		sqlite3_finalize(st);
		CHECK("open call has applicants with data", n > 100);
		CHECK_INT("their codici fiscali are valid and match", bad, 0);
	}
	CHECK("funnel narrows: sessions > views > forms > submits",
	      db_int(a, "SELECT (SELECT sum(n) FROM usage_count WHERE event='session') > (SELECT sum(n) FROM usage_count WHERE event='view')"
			" AND (SELECT sum(n) FROM usage_count WHERE event='view') > (SELECT sum(n) FROM usage_count WHERE event='form')"
			" AND (SELECT sum(n) FROM usage_count WHERE event='form') > (SELECT sum(n) FROM usage_count WHERE event='submit')", NULL, 0) == 1);
	CHECK_INT("submits equal applications", db_int(a, "SELECT sum(n) FROM usage_count WHERE event = 'submit'", NULL, 0), 30000);
	/* A big network (a 10-million benchmark) is drawn in part and
	 * copied: here 3,000 drawn, 6,000 copied
	 * (small: the mix check below pairs rows without an index). */
	{
		struct demo_options oc = { .seed = 7, .applications = 9000, .drawn = 3000, .hosts = 650,
					   .today = "2026-11-26" };
		sqlite3 *d = db_open(":memory:", DB_SYNC_NORMAL);
		struct demo_stats sc;
		CHECK("copied network seeded", d && !demo_seed(d, &oc, &sc));
		CHECK_INT("copied: applications", db_int(d, "SELECT count(*) FROM application", NULL, 0), 9000);
		CHECK_INT("copied: counted", sc.applications, 9000);
		CHECK_INT("copied: uuids unique", db_int(d, "SELECT count(DISTINCT uuid) FROM application", NULL, 0), 9000);
		CHECK_INT("copied: protocols unique", db_int(d, "SELECT count(DISTINCT protocol) FROM application", NULL, 0), 9000);
		CHECK_INT("copied: protocols name comune and kiosk", db_int(d, "SELECT count(*) FROM application WHERE protocol"
			  " NOT LIKE 'DC-' || comune || '-' || kiosk_id || '-20__-%'", NULL, -1), 0);
		CHECK_INT("copied: applied counts match applications", db_int(d, "SELECT count(*) FROM placement p WHERE"
			  " applied <> (SELECT count(*) FROM application WHERE placement_code = p.code)", NULL, -1), 0);
		CHECK_INT("copied: seats never overfilled", db_int(d, "SELECT count(*) FROM placement p WHERE seats < (SELECT"
			  " count(*) FROM application WHERE placement_code = p.code AND status IN ('selected','started',"
			  "'completed','dropped_out'))", NULL, -1), 0);
		CHECK_INT("copied: submits equal applications",
			  db_int(d, "SELECT sum(n) FROM usage_count WHERE event = 'submit'", NULL, 0), 9000);
		CHECK_INT("copied: open call not yet decided", db_int(d, "SELECT count(*) FROM application WHERE call_id = 4"
			  " AND status NOT IN ('received','interview')", NULL, -1), 0);
		CHECK_INT("copied: no NEET over 29", db_int(d, "SELECT count(*) FROM application WHERE applicant_status = 'neet'"
			  " AND age > 29", NULL, -1), 0);
		/* The copies mix attributes: a drawn row's copies do not all
		 * share its education and status. */
		CHECK("copied: attributes mixed", db_int(d, "SELECT count(*) FROM application a JOIN application b ON"
		      " substr(b.uuid, 1, 24) = substr(a.uuid, 1, 24) AND b.rowid > 3000 WHERE a.rowid <= 3000"
		      " AND (b.education <> a.education OR b.applicant_status <> a.applicant_status)", NULL, 0) > 1500);
		db_close(d);
	}
	util_quiet(1);
	struct demo_options o = { .seed = 1, .applications = 10, .today = "2026-11-26" };
	CHECK("refuses a database that has data", demo_seed(a, &o, NULL) != 0);
	util_quiet(0);
	db_close(a);
	return check_done();
}
