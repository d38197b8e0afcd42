/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The report engine: every figure of many dimension/measure/filter
 * combinations checked against plain SQL GROUP BY queries written here
 * independently over the raw rows; rollup answers equal raw answers;
 * protected reports (the cell key method) never show a count from 1 to
 * 4, publish each count as the p-table's function of the true count and
 * the cell key (the sum of the record keys, computed here from the raw
 * rows), give the same cell the same value whatever table or filter
 * produced it, compute rates from published counts and refuse periods
 * that are not one bucket and thresholds below the rule (the attack
 * suite, tests/e2e/sdc_attack.sh, tries what an attacker would); bad
 * input gets a clear error.
 */
#include "tests/unit/check.h"
#include "tests/unit/report_fixture.h"
#include "reports/stats/report.h"
#include "reports/web/html.h"
#include "reports/web/report_html.h"
#include "reports/store/store.h"

#include <math.h>
#include <stdlib.h>

/* Independent SQL for each dimension (no rollup code involved). */
static const char *indep_dim(int d)
{
	switch (d) {
	case RD_REGION: return "COALESCE(c.region, '')";
	case RD_PROVINCE: return "COALESCE(c.province, '')";
	case RD_COMUNE: return "a.comune";
	case RD_CALL: return "CAST(a.call_id AS TEXT)";
	case RD_PLACEMENT: return "a.placement_code";
	case RD_AREA: return "p.area";
	case RD_OFFICE: return "p.office";
	case RD_MONTH: return "strftime('%Y-%m', a.submitted_at)";
	case RD_QUARTER: return "strftime('%Y', a.submitted_at) || '-Q' || ((CAST(strftime('%m', a.submitted_at) AS INTEGER) + 2) / 3)";
	case RD_YEAR: return "strftime('%Y', a.submitted_at)";
	case RD_APPLICANT_STATUS: return "a.applicant_status";
	case RD_AGE_BAND: return "CASE WHEN a.age < 18 THEN '15-17' WHEN a.age < 25 THEN '18-24' WHEN a.age < 30 THEN '25-29'"
				 " WHEN a.age < 35 THEN '30-34' WHEN a.age < 50 THEN '35-49' ELSE '50+' END";
	case RD_SEX: return "IFNULL(a.sex, 'unknown')";
	case RD_EDUCATION: return "a.education";
	default: return "CASE WHEN a.residence = a.comune THEN 'same_comune' WHEN rc.province = c.province"
			" THEN 'same_province' ELSE 'elsewhere' END";
	}
}

/* Compares every row of a report (unprotected) with the independent
 * GROUP BY; returns the number of mismatches. */
static int compare(sqlite3 *db, const struct report *r, const char *where)
{
	char sql[4096], keys[1024] = "";
	sqlite3_stmt *st;
	int bad = 0, rows = 0;

	for (int i = 0; i < r->q.n_dims; i++) {
		strcat(keys, i ? ", " : "");
		strcat(keys, indep_dim(r->q.dims[i]));
	}
	snprintf(sql, sizeof(sql),
		 "SELECT %s%s COUNT(*), SUM(a.duplicate_of IS NULL),"
		 " SUM(a.status IN ('selected','started','completed','dropped_out')),"
		 " SUM(a.status IN ('started','completed','dropped_out')), SUM(a.status = 'completed'),"
		 " SUM(a.status = 'dropped_out')"
		 " FROM application a LEFT JOIN comune c ON c.istat = a.comune"
		 " LEFT JOIN comune rc ON rc.istat = a.residence LEFT JOIN placement p ON p.code = a.placement_code"
		 " LEFT JOIN call k ON k.id = a.call_id WHERE %s %s%s",
		 keys, r->q.n_dims ? "," : "", where, r->q.n_dims ? "GROUP BY " : "", keys);
	st = db_prepare(db, sql);
	if (!st)
		return 1000;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const struct report_row *found = NULL;
		rows++;
		for (size_t i = 0; i < r->n && !found; i++) {
			int same = 1;
			for (int d = 0; d < r->q.n_dims && same; d++)
				same = !strcmp(r->rows[i].key[d], (const char *)sqlite3_column_text(st, d));
			if (same)
				found = &r->rows[i];
		}
		if (!found) {
			bad++;
			continue;
		}
		for (int k = 0; k < 6; k++)
			if (found->base[k] != sqlite3_column_int64(st, r->q.n_dims + k))
				bad++;
	}
	sqlite3_finalize(st);
	/* Rows the report has that the raw data has not (seats-only rows aside). */
	if ((size_t)rows != r->n)
		bad += abs((int)r->n - rows);
	return bad;
}

/* store_query_once's rows as text "a,NULL;b,2;" into ctx (64 bytes). */
static int rows_seen(void *ctx, const char *const *cells, int ncols)
{
	char *out = ctx;
	for (int i = 0; i < ncols; i++) {
		strncat(out, cells[i] ? cells[i] : "NULL", 63 - strlen(out));
		strncat(out, i + 1 < ncols ? "," : ";", 63 - strlen(out));
	}
	return 0;
}

static int run(sqlite3 *db, struct report *r, const char *dims, const char *measures, int protect,
	       int raw, const char *period, const char *province, const char *call)
{
	struct report_query q;
	char err[512];

	report_query_init(&q);
	q.protect = protect;
	q.force_raw = raw;
	if ((dims[0] && report_parse_dims(&q, dims, err, sizeof(err))) ||
	    report_parse_measures(&q, measures, err, sizeof(err)))
		return -1;
	if (period && report_parse_period(&q, period, err, sizeof(err)))
		return -1;
	if (province)
		str_copy(q.province, sizeof(q.province), province);
	if (call)
		str_copy(q.call, sizeof(q.call), call);
	if (fixture_report(db, &q, r, err, sizeof(err))) {
		printf("# report_run: %s\n", err);
		return -1;
	}
	return 0;
}

static void check_combo(sqlite3 *db, const char *dims, const char *period, const char *province,
			const char *call, const char *where, const char *want_source)
{
	struct report r, raw;
	char name[256];
	int ok = run(db, &r, dims, "applications,applicants,selected,started,completed,dropped_out", 0, 0,
		     period, province, call) == 0;

	snprintf(name, sizeof(name), "report %s [%s%s%s] matches GROUP BY", dims[0] ? dims : "(total)",
		 period ? period : "", province ? province : "", call ? call : "");
	CHECK(name, ok && r.n > 0 && compare(db, &r, where) == 0);
	if (want_source) {
		snprintf(name, sizeof(name), "report %s answered from %s", dims[0] ? dims : "(total)", want_source);
		CHECK_STR(name, ok ? r.source : "", want_source);
	}
	snprintf(name, sizeof(name), "report %s rollup = raw", dims[0] ? dims : "(total)");
	if (run(db, &raw, dims, "applications,applicants,selected,started,completed,dropped_out", 0, 1,
		period, province, call) == 0 && ok) {
		int same = raw.n == r.n;
		for (size_t i = 0; same && i < r.n; i++)
			same = !memcmp(raw.rows[i].base, r.rows[i].base, sizeof(int64_t) * 8);
		CHECK(name, same);
	} else {
		CHECK(name, 0);
	}
	report_free(&raw);
	report_free(&r);
}

/* The cell key of a comune x month count, from the raw rows with the SQL
 * function (independent of the rollups): the sum of the record keys of
 * the applications it counts (those matching cond). */
static uint64_t cell_key(sqlite3 *db, const char *comune, const char *month, const char *cond)
{
	char sql[512];
	sqlite3_stmt *st;
	uint64_t k = 0;

	snprintf(sql, sizeof(sql), "SELECT COALESCE(SUM(dote_rkey(uuid)), 0) FROM application"
		 " WHERE comune = ?1 AND substr(submitted_at, 1, 7) = ?2 AND %s", cond);
	st = db_prepare(db, sql);
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, comune, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, month, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		k = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return k;
}

/* The protected CSV of a query, from the rollups or (raw) from the raw
 * rows; NULL on an error (printed). */
static char *protected_csv(sqlite3 *db, const char *dims, const char *measures, const char *period,
			   const char *province, const char *comune, int raw)
{
	struct report_query q;
	struct report r;
	char err[512], *csv = NULL;
	size_t len;

	report_query_init(&q);
	q.force_raw = raw;
	if ((dims[0] && report_parse_dims(&q, dims, err, sizeof(err))) ||
	    report_parse_measures(&q, measures, err, sizeof(err)) ||
	    (period && report_parse_period(&q, period, err, sizeof(err)))) {
		printf("# %s: %s\n", dims, err);
		return NULL;
	}
	str_copy(q.province, sizeof(q.province), province ? province : "");
	str_copy(q.comune, sizeof(q.comune), comune ? comune : "");
	if (fixture_report(db, &q, &r, err, sizeof(err)) == 0)
		csv = report_csv(&r, 0, &len);
	else
		printf("# %s: %s\n", dims, err);
	report_free(&r);
	return csv;
}

/* Comune-level protected tables (each count below 50 the sum of its
 * leaves' published values) read from the rollups, whose leaves come
 * straight from rollup_comune and rollup_funnel without a GROUP BY,
 * equal byte for byte the same tables from the raw rows, whose leaves
 * come from a GROUP BY (the way every leaf was read before): the same
 * cell, the same value, whichever path read it. */
static void check_leaf_paths(sqlite3 *db)
{
	static const struct {
		const char *dims, *measures, *period, *province, *comune;
	} v[] = {
		{ "comune,month", "applications,selected", NULL, NULL, NULL },
		{ "comune,month", "sessions,views,forms,submits", NULL, NULL, NULL },
		{ "comune,month", "applications,applicants,selected,started,completed,dropped_out,submits", NULL, NULL,
		  NULL },
		{ "comune,year", "applications,selected,days_to_selection", NULL, NULL, NULL },
		{ "comune", "applications,seats,applications_per_seat,selected,fill_rate,dropout_rate", NULL, NULL,
		  NULL },
		{ "comune,call", "applicants,completed", "2025", NULL, NULL },
		{ "comune,quarter", "applications,sessions", NULL, "MI", NULL },
		{ "month", "applications,selected,sessions,submits", NULL, NULL, "015146" },
		{ "province,comune", "started,dropout_rate", "2025-Q2", NULL, NULL },
	};
	int same = 0;

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		char *roll = protected_csv(db, v[i].dims, v[i].measures, v[i].period, v[i].province, v[i].comune, 0);
		char *raw = protected_csv(db, v[i].dims, v[i].measures, v[i].period, v[i].province, v[i].comune, 1);
		if (roll && raw && strchr(roll, '\n') != strrchr(roll, '\n') && !strcmp(roll, raw))
			same++;
		else
			printf("# leaf paths differ: %s / %s\n", v[i].dims, v[i].measures);
		free(roll);
		free(raw);
	}
	CHECK_INT("report comune-level protected tables: rollups' leaves = raw rows' leaves, byte for byte", same,
		  (int)ARRAY_SIZE(v));
}

int main(void)
{
	sqlite3 *db = db_open(":memory:", DB_SYNC_NORMAL);
	struct report r;
	struct report_query q;
	char err[512];

	util_quiet(1);
	/* Pages and the hub's plain HTML escape through the same code. */
	{
		static const char *const samples[] = { "<a href=\"x\">&'", "plain", "", "\"'<>&&", "città <b>" };
		struct hbuf b;
		char esc[128], *page;
		int same = 1;
		for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
			hbuf_init(&b, 4096);
			hbuf_esc(&b, samples[i]);
			page = hbuf_detach(&b, NULL);
			same &= page && html_escape(esc, sizeof(esc), samples[i]) == 0 && !strcmp(page, esc);
			free(page);
		}
		hbuf_init(&b, 4096);
		hbuf_esc(&b, "<a href=\"x\">&'");
		page = hbuf_detach(&b, NULL);
		CHECK("report page escaping is core's html_escape", same);
		CHECK("report page escaping replaces & < > \" '",
		      page && !strcmp(page, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"));
		free(page);
	}
	CHECK("report fixture", db && fixture_build(db, 3000, 1) == 0);

	/* Every figure against an independent GROUP BY. */
	check_combo(db, "", NULL, NULL, NULL, "1", "rollup_province");
	check_combo(db, "province,month", NULL, NULL, NULL, "1", "rollup_province");
	check_combo(db, "region", NULL, NULL, NULL, "1", "rollup_province");
	check_combo(db, "comune,call", NULL, NULL, NULL, "1", "rollup_comune");
	check_combo(db, "area", NULL, NULL, NULL, "1", "rollup_placement");
	check_combo(db, "placement", NULL, NULL, NULL, "1", "rollup_placement");
	check_combo(db, "comune,office", NULL, NULL, NULL, "1", "rollup_placement");
	check_combo(db, "office,sex", NULL, NULL, NULL, "1", "raw");
	check_combo(db, "quarter,applicant_status", NULL, NULL, NULL, "1", "rollup_province");
	check_combo(db, "year,age_band", NULL, NULL, NULL, "1", "rollup_province");
	check_combo(db, "comune,residence", NULL, NULL, NULL, "1", "rollup_comune");
	check_combo(db, "sex,education", NULL, NULL, NULL, "1", "rollup_attr2");
	check_combo(db, "education,residence,month", NULL, "MI", "6/2025", "c.province = 'MI' AND a.call_id = 2",
		    "rollup_attr2");
	check_combo(db, "comune,sex,education", NULL, NULL, NULL, "1", "raw");
	check_combo(db, "province,month,sex", "2025-02..2025-07", NULL, NULL,
		    "substr(a.submitted_at, 1, 7) BETWEEN '2025-02' AND '2025-07'", "rollup_province");
	check_combo(db, "comune,month", NULL, "MI", "6/2025", "c.province = 'MI' AND a.call_id = 2", "rollup_comune");
	check_combo(db, "area,education", "2025", "TO", NULL, "c.province = 'TO' AND a.submitted_at LIKE '2025%'", "raw");

	/* Seats, rates and funnel. */
	CHECK("report seats by comune runs", run(db, &r, "comune", "seats,applications_per_seat,fill_rate,days_to_selection",
						 0, 0, NULL, NULL, NULL) == 0);
	{
		int bad = 0;
		for (size_t i = 0; i < r.n; i++) {
			int64_t c = 0;
			double v = 0;
			if (r.rows[i].base[RB_SEATS] != db_int(db, "SELECT SUM(seats) FROM placement WHERE comune = ?1",
								r.rows[i].key[0], -1))
				bad++;
			if (report_value(&r.rows[i], RM_PER_SEAT, &c, &v) != RV_RATE ||
			    fabs(v - (double)r.rows[i].base[RB_APPLICATIONS] / (double)r.rows[i].base[RB_SEATS]) > 1e-9)
				bad++;
		}
		CHECK_INT("report seats and applications per seat match SQL", bad, 0);
		CHECK_INT("report seats rows", r.n, 10);
	}
	report_free(&r);
	CHECK("report funnel by province runs", run(db, &r, "province", "sessions,views,forms,submits", 0, 0, NULL, NULL,
						    NULL) == 0);
	{
		int bad = 0;
		for (size_t i = 0; i < r.n; i++) {
			char sql[200];
			snprintf(sql, sizeof(sql), "SELECT SUM(u.n) FROM usage_count u JOIN comune c ON c.istat = u.comune"
						   " WHERE u.event = 'form' AND c.province = ?1");
			if (r.rows[i].base[RB_FORMS] != db_int(db, sql, r.rows[i].key[0], -1))
				bad++;
		}
		CHECK_INT("report funnel forms match usage_count", bad, 0);
		CHECK("report funnel has rows", r.n == 4);
	}
	report_free(&r);
	CHECK("report dropout rate and days", run(db, &r, "", "dropout_rate,days_to_selection", 0, 0, NULL, NULL, NULL) == 0 &&
	      r.n == 1);
	{
		int64_t c;
		double v = 0;
		long long dro = db_int(db, "SELECT SUM(status = 'dropped_out') FROM application", NULL, 0);
		long long sta = db_int(db, "SELECT SUM(status IN ('started','completed','dropped_out')) FROM application", NULL, 0);
		CHECK("report dropout rate value", report_value(&r.rows[0], RM_DROPOUT_RATE, &c, &v) == RV_RATE &&
		      fabs(v - (double)dro / (double)sta) < 1e-9);
	}
	report_free(&r);

	/* Protection: the cell key method. */
	CHECK("report protected comune x month", run(db, &r, "comune,month",
						     "applications,selected,fill_rate,dropout_rate", 1, 0, NULL, NULL, NULL) == 0);
	{
		struct report exact;
		int small = 0, changed = 0, wrong = 0, rate_wrong = 0, small_true = 0;
		int ok = run(db, &exact, "comune,month", "applications,selected,fill_rate,dropout_rate", 0, 0, NULL, NULL,
			     NULL) == 0 && exact.n >= r.n;
		for (size_t i = 0; i < exact.n; i++)
			small_true += exact.rows[i].base[RB_APPLICATIONS] > 0 && exact.rows[i].base[RB_APPLICATIONS] < 5;
		for (size_t i = 0; ok && i < r.n; i++) {
			const struct report_row *ex = NULL;
			int64_t c, t;
			double v;
			uint64_t key = cell_key(db, r.rows[i].key[0], r.rows[i].key[1], "1");
			uint64_t skey = cell_key(db, r.rows[i].key[0], r.rows[i].key[1],
						 "status IN ('selected','started','completed','dropped_out')");
			for (size_t k = 0; k < exact.n && !ex; k++)
				if (!strcmp(exact.rows[k].key[0], r.rows[i].key[0]) &&
				    !strcmp(exact.rows[k].key[1], r.rows[i].key[1]))
					ex = &exact.rows[k];
			if (!ex) {
				ok = 0;
				break;
			}
			t = ex->base[RB_APPLICATIONS];
			for (int m = 0; m < r.q.n_measures; m++)
				if (report_value(&r.rows[i], r.q.measures[m], &c, &v) == RV_COUNT && c > 0 && c < 5)
					small++;
			changed += r.rows[i].base[RB_APPLICATIONS] != t;
			wrong += r.rows[i].base[RB_APPLICATIONS] != sdc_perturb(t, key, SDC_S_APPLICATIONS) ||
				 r.rows[i].base[RB_SELECTED] != sdc_perturb(ex->base[RB_SELECTED], skey, SDC_S_SELECTED);
			if (report_value(&r.rows[i], RM_DROPOUT_RATE, &c, &v) == RV_RATE &&
			    fabs(v - (double)r.rows[i].base[RB_DROPPED] / (double)r.rows[i].base[RB_STARTED]) > 1e-12)
				rate_wrong++;
		}
		CHECK("report protected rows are cells of the exact table", ok);
		CHECK("report fixture has true counts from 1 to 4", small_true > 0);
		CHECK_INT("report protected: no published count from 1 to 4", small, 0);
		CHECK("report protected: counts are perturbed", changed > 0);
		CHECK_INT("report protected: value = p-table(true count, sum of its own applications' record keys)", wrong, 0);
		CHECK_INT("report protected: rates from the published counts", rate_wrong, 0);
		report_free(&exact);
	}
	{
		/* The same cell, another query: the province's table and a
		 * single comune's figure give each cell the table's value. */
		struct report mi, one;
		int same = 1, seen = 0;
		CHECK("report protected MI comune x month", run(db, &mi, "comune,month", "applications,selected", 1, 0,
								NULL, "MI", NULL) == 0);
		for (size_t i = 0; i < mi.n; i++)
			for (size_t k = 0; k < r.n; k++)
				if (!strcmp(mi.rows[i].key[0], r.rows[k].key[0]) && !strcmp(mi.rows[i].key[1], r.rows[k].key[1])) {
					same &= mi.rows[i].base[RB_APPLICATIONS] == r.rows[k].base[RB_APPLICATIONS] &&
						mi.rows[i].base[RB_SELECTED] == r.rows[k].base[RB_SELECTED];
					seen++;
				}
		CHECK("report same cell, same value (national table vs province filter)", same && seen == (int)mi.n);
		report_query_init(&q);
		report_parse_dims(&q, "month", err, sizeof(err));
		report_parse_measures(&q, "applications", err, sizeof(err));
		str_copy(q.comune, sizeof(q.comune), mi.n ? mi.rows[0].key[0] : "015146");
		CHECK("report one comune by month", fixture_report(db, &q, &one, err, sizeof(err)) == 0);
		same = 1;
		for (size_t i = 0; i < one.n; i++)
			for (size_t k = 0; k < mi.n; k++)
				if (!strcmp(mi.rows[k].key[0], q.comune) && !strcmp(mi.rows[k].key[1], one.rows[i].key[0]))
					same &= mi.rows[k].base[RB_APPLICATIONS] == one.rows[i].base[RB_APPLICATIONS];
		CHECK("report same cell, same value (comune filter)", same && one.n > 0);
		report_free(&one);
		report_free(&mi);
	}
	report_free(&r);
	{
		/* Rows published as all zeros are left out, like true zeros. */
		struct report pub, exact;
		int zero_rows = 0, missing_bad = 0, missing = 0, expected = 0;
		CHECK("report protected one-measure table", run(db, &pub, "comune,month", "applications", 1, 0, NULL, NULL,
								 NULL) == 0 &&
		      run(db, &exact, "comune,month", "applications", 0, 0, NULL, NULL, NULL) == 0);
		for (size_t i = 0; i < pub.n; i++)
			zero_rows += pub.rows[i].base[RB_APPLICATIONS] == 0;
		for (size_t i = 0; i < exact.n; i++) {
			int found = 0;
			for (size_t k = 0; k < pub.n && !found; k++)
				found = !strcmp(pub.rows[k].key[0], exact.rows[i].key[0]) &&
					!strcmp(pub.rows[k].key[1], exact.rows[i].key[1]);
			int64_t p = sdc_perturb(exact.rows[i].base[RB_APPLICATIONS],
						cell_key(db, exact.rows[i].key[0], exact.rows[i].key[1], "1"), SDC_S_APPLICATIONS);
			expected += p == 0;
			if (!found) {
				missing++;
				missing_bad += exact.rows[i].base[RB_APPLICATIONS] > 8 || p != 0;
			}
		}
		CHECK_INT("report protected: no row published as all zeros", zero_rows, 0);
		CHECK("report protected: the rows left out are exactly the counts (1-8) published as 0",
		      missing == expected && missing_bad == 0);
		report_free(&pub);
		report_free(&exact);
	}
	/* Periods: one bucket only. */
	report_query_init(&q);
	report_parse_dims(&q, "comune", err, sizeof(err));
	report_parse_measures(&q, "applications", err, sizeof(err));
	report_parse_period(&q, "2024-12..2025-12", err, sizeof(err));
	CHECK("report protected range that is not a bucket refused",
	      fixture_report(db, &q, &r, err, sizeof(err)) < 0 && strstr(err, "not one month, quarter or year"));
	report_parse_period(&q, "2025-Q2", err, sizeof(err));
	CHECK("report quarter period 2025-Q2", !strcmp(q.from, "2025-04") && !strcmp(q.to, "2025-06") &&
	      fixture_report(db, &q, &r, err, sizeof(err)) == 0);
	report_free(&r);
	report_parse_period(&q, "2025-04..2025-06", err, sizeof(err));
	CHECK("report quarter as a range is a bucket", report_period_is_bucket(&q));
	report_parse_period(&q, "2025-02..2025-04", err, sizeof(err));
	CHECK("report shifted quarter is not a bucket", !report_period_is_bucket(&q));
	q.protect = 0;
	CHECK("report internal (exact) query may use any range", fixture_report(db, &q, &r, err, sizeof(err)) == 0);
	report_free(&r);
	/* The threshold: below the rule refused; above it hides small published values. */
	report_query_init(&q);
	report_parse_dims(&q, "comune,month", err, sizeof(err));
	report_parse_measures(&q, "applications", err, sizeof(err));
	q.min_count = 3;
	CHECK("report min_count 3 refused", fixture_report(db, &q, &r, err, sizeof(err)) < 0 && strstr(err, "below the rule"));
	q.min_count = 8;
	CHECK("report min_count 8 runs", fixture_report(db, &q, &r, err, sizeof(err)) == 0);
	{
		int small = 0, hidden = 0;
		for (size_t i = 0; i < r.n; i++) {
			if (!r.rows[i].state[0] && r.rows[i].base[0] > 0 && r.rows[i].base[0] < 8)
				small++;
			hidden += r.rows[i].state[0] != 0;
		}
		CHECK_INT("report min_count 8: no published value from 1 to 7", small, 0);
		CHECK("report min_count 8 hides some", hidden > 0);
	}
	report_free(&r);

	/* Output formats. */
	CHECK("report csv source", run(db, &r, "province", "applications,fill_rate", 1, 0, NULL, NULL, NULL) == 0);
	{
		size_t len;
		char *csv = report_csv(&r, 0, &len), *xl = report_csv(&r, 1, &len), *js = report_json(&r, &len);
		CHECK("report csv header", csv && !strncmp(csv, "province,province_label,applications,fill_rate\r\n", 48));
		CHECK("report csv MI row", csv && strstr(csv, "\r\nMI,Milano (MI),"));
		CHECK("report excel-it uses ; and BOM", xl && !strncmp(xl, "\xEF\xBB\xBFprovince;province_label;", 26));
		{
			const char *mi = xl ? strstr(xl, "\r\nMI;Milano (MI);") : NULL;
			const char *rate = mi ? strchr(mi + 17, ';') : NULL;
			CHECK("report excel-it decimal comma", rate && strchr(rate, ',') && strchr(rate, ',') < strchr(rate, '\r') &&
			      (!strchr(rate, '.') || strchr(rate, '.') > strchr(rate, '\r')));
		}
		CHECK("report json rows", js && strstr(js, "\"province_label\": \"Milano (MI)\""));
		free(csv);
		free(xl);
		free(js);
	}
	report_free(&r);

	/* HTML: suppressed cells stay well formed (every tag closed). */
	CHECK("report html source", run(db, &r, "comune,area", "applications,selected,days_to_selection", 1, 0, NULL,
					 NULL, NULL) == 0);
	{
		size_t len;
		char *html = report_html(&r, "Prova <&>", &len);
		int open_td = 0, close_td = 0, open_abbr = 0, close_abbr = 0;
		for (const char *p = html; p && (p = strstr(p, "<td")); p++)
			open_td++;
		for (const char *p = html; p && (p = strstr(p, "</td>")); p++)
			close_td++;
		for (const char *p = html; p && (p = strstr(p, "<abbr")); p++)
			open_abbr++;
		for (const char *p = html; p && (p = strstr(p, "</abbr>")); p++)
			close_abbr++;
		CHECK("report html has suppressed cells", open_abbr > 0);
		CHECK_INT("report html cells closed", close_td, open_td);
		CHECK_INT("report html abbr closed", close_abbr, open_abbr);
		CHECK("report html title escaped", html && strstr(html, "Prova &lt;&amp;&gt;") && !strstr(html, "Prova <&>"));
		free(html);
	}
	report_free(&r);

	/* Bad input: clear errors, nothing crashes. */
	report_query_init(&q);
	CHECK("report unknown dimension refused", report_parse_dims(&q, "province,planet", err, sizeof(err)) < 0 &&
	      strstr(err, "unknown dimension 'planet'"));
	CHECK("report duplicate dimension refused", report_parse_dims(&q, "month,month", err, sizeof(err)) < 0);
	CHECK("report too many dimensions refused", report_parse_dims(&q, "region,province,comune,call,month", err,
								      sizeof(err)) < 0);
	CHECK("report unknown measure refused", report_parse_measures(&q, "applications,happiness", err, sizeof(err)) < 0 &&
	      strstr(err, "happiness"));
	CHECK("report bad period refused", report_parse_period(&q, "2025-13..2025-14", err, sizeof(err)) < 0 &&
	      strstr(err, "bad period"));
	CHECK("report reversed period refused", report_parse_period(&q, "2025-06..2025-01", err, sizeof(err)) < 0);
	CHECK("report period garbage refused", report_parse_period(&q, "'; DROP TABLE x; --", err, sizeof(err)) < 0);
	CHECK("report year period", report_parse_period(&q, "2025", err, sizeof(err)) == 0 &&
	      !strcmp(q.from, "2025-01") && !strcmp(q.to, "2025-12"));
	report_query_init(&q);
	report_parse_dims(&q, "comune", err, sizeof(err));
	report_parse_measures(&q, "applications", err, sizeof(err));
	str_copy(q.province, sizeof(q.province), "M'");
	CHECK("report injection in province refused", fixture_report(db, &q, &r, err, sizeof(err)) < 0 &&
	      strstr(err, "unknown province"));
	report_free(&r);
	q.province[0] = 0;
	str_copy(q.call, sizeof(q.call), "1' OR '1'='1");
	CHECK("report injection in call refused", fixture_report(db, &q, &r, err, sizeof(err)) < 0 &&
	      strstr(err, "unknown call"));
	report_free(&r);
	q.call[0] = 0;
	str_copy(q.region, sizeof(q.region), "Lombardia' --");
	CHECK("report injection in region refused", fixture_report(db, &q, &r, err, sizeof(err)) < 0 &&
	      strstr(err, "unknown region"));
	report_free(&r);
	CHECK_INT("report tables intact after injection attempts",
		  db_int(db, "SELECT COUNT(*) FROM application", NULL, -1), 3000);
	q.region[0] = 0;
	report_parse_dims(&q, "sex", err, sizeof(err));
	report_parse_measures(&q, "sessions", err, sizeof(err));
	CHECK("report funnel by sex refused", fixture_report(db, &q, &r, err, sizeof(err)) < 0 && strstr(err, "funnel"));
	report_free(&r);

	/* The statistics' database handle (a store) over SQLite (PostgreSQL: e2e report_pg_hub). */
	{
		struct store *sd = store_sqlite_borrow(db);
		struct store_res *rows = NULL;
		struct store_args a1 = { .v = { "015146" }, .n = 1 }, a2 = { .v = { "015146", NULL }, .n = 2 };
		struct report a = { 0 }, b = { 0 };
		char text[32];
		CHECK("report store counts with a text parameter",
		      store_text(sd, "SELECT COUNT(*) FROM application WHERE comune = ?1", &a1, text, sizeof(text)) == 0 &&
		      atoll(text) == db_int(db, "SELECT COUNT(*) FROM application WHERE comune = '015146'", NULL, -2));
		CHECK("report store NULL parameter is SQL NULL",
		      store_text(sd, "SELECT CASE WHEN ?2 IS NULL THEN 7 ELSE 0 END", &a2, text, sizeof(text)) == 0 &&
		      !strcmp(text, "7"));
		CHECK_INT("report store no row", store_text(sd, "SELECT code FROM call WHERE code = ?1", &a1, text,
							    sizeof(text)), 1);
		CHECK("report store NULL value is NULL",
		      store_query(sd, "SELECT NULL", NULL, &rows) == 0 && store_res_rows(rows) == 1 &&
		      store_res_get(rows, 0, 0) == NULL);
		store_res_free(rows);
		rows = NULL;
		CHECK("report store bad SQL is an error", store_query_once(sd, "SELECT nothing FROM nowhere", NULL, NULL,
									   NULL) < 0);
		{
			char seen[64] = "";
			CHECK("report store rows, once",
			      store_query_once(sd, "SELECT 'a', NULL UNION ALL SELECT 'b', 2", NULL, rows_seen, seen) == 0 &&
			      !strcmp(seen, "a,NULL;b,2;"));
		}
		report_query_init(&q);
		report_parse_dims(&q, "province,sex", err, sizeof(err));
		report_parse_measures(&q, "applications,selected,dropout_rate", err, sizeof(err));
		/* The second run reuses the store's cached statements. */
		if (report_run(sd, &q, &b, err, sizeof(err)) == 0)
			report_free(&b);
		CHECK("report twice on one store = on a fresh one", fixture_report(db, &q, &a, err, sizeof(err)) == 0 &&
		      report_run(sd, &q, &b, err, sizeof(err)) == 0 && a.n == b.n && a.n > 0 &&
		      !memcmp(a.rows[a.n - 1].base, b.rows[b.n - 1].base, sizeof(a.rows[0].base)));
		report_free(&a);
		report_free(&b);
		CHECK("report rebuild through the store", report_rollup_rebuild(sd) == 0 &&
		      db_int(db, "SELECT SUM(applications) FROM rollup_province WHERE attr = ''", NULL, -1) == 3000);
		store_close(sd);
	}
	/* Placements, areas and offices: by year or all time when protected
	 * (a split of a comune's month by placement narrows its small count:
	 * issue 20), any period on the internal pages. */
	{
		static const struct {
			const char *dims, *period;
			int protect, ok;
		} g[] = {
			{ "placement,month", NULL, 1, 0 }, { "comune,area,quarter", NULL, 1, 0 },
			{ "office", "2025-03", 1, 0 }, { "area", "2025-Q2", 1, 0 }, { "placement", "2025", 1, 1 },
			{ "comune,office,year", NULL, 1, 1 }, { "area", NULL, 1, 1 }, { "placement,month", NULL, 0, 1 },
		};
		int right = 0;
		for (size_t i = 0; i < ARRAY_SIZE(g); i++) {
			int rc = run(db, &r, g[i].dims, "applications", g[i].protect, 0, g[i].period, NULL, NULL);
			right += (rc == 0) == g[i].ok;
			if (rc == 0)
				report_free(&r);
		}
		CHECK_INT("report placements, areas, offices by month or quarter refused when protected", right,
			  (int)ARRAY_SIZE(g));
	}
	/* After the rebuild nothing is queued: the leaves come from the rollups. */
	CHECK_INT("report nothing queued for the leaf check", (int)db_int(db, "SELECT COUNT(*) FROM rollup_pending", NULL, -1), 0);
	check_leaf_paths(db);
	rollup_release(db);
	db_close(db);
	return check_done();
}
