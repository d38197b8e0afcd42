/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Comune-level views for tests/bench/bench_reports.sh: runs each view of
 * a fixed list through report_run(), protected (the published values:
 * a comune-level count below 50 is the sum of its comune x call x
 * month leaves, docs/reports.md, "Issue 20") and exact (the internal
 * page's path: one GROUP BY over the same rollup, no leaves, which is
 * what every comune-level report cost before the leaf rule), best of
 * ROUNDS each, after one warm-up, in one process. Prints one line per
 * view: name, rows, protected wall and CPU ms, exact wall and CPU ms.
 * CPU time is the thread's: on a loaded machine the wall clock says
 * more about the other processes than about the report.
 * usage: leaf_bench DB [ROUNDS [VIEW]]  (VIEW: only the view of that name,
 * for a profiler)
 */
#include "reports/stats/report.h"
#include "reports/store/store.h"
#include "core/datetime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
	const char *name, *dims, *measures, *comune, *province;
} views[] = {
	{ "comune_x_month", "comune,month", "applications,selected", NULL, NULL },
	{ "comune_x_month_kiosk", "comune,month", "sessions,submits", NULL, NULL },
	{ "comune_x_month_all", "comune,month",
	  "applications,applicants,selected,started,completed,dropped_out,sessions,views,forms,submits", NULL, NULL },
	{ "comune_x_year_average", "comune,year", "applications,selected,days_to_selection", NULL, NULL },
	{ "comune_all_time", "comune", "applications,seats,applications_per_seat,selected,fill_rate,dropout_rate",
	  NULL, NULL },
	{ "comune_x_call", "comune,call", "applications,selected", NULL, NULL },
	{ "province_MI_comune_x_quarter", "comune,quarter", "applications,selected,sessions", NULL, "MI" },
	{ "one_comune_months", "month", "applications,selected,sessions,submits", "015146", NULL },
	{ "province_x_month_control", "province,month", "applications,selected", NULL, NULL },
};

static int64_t cpu_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Best wall and CPU time (ms, CPU with one decimal) of rounds runs of
 * view v, protected or exact; *rows gets the rows of the last. -1 on
 * an error (printed). */
static int time_view(struct store *db, size_t v, int protect, int rounds, int64_t *wall, double *cpu, size_t *rows)
{
	struct report_query q;
	char err[512];

	report_query_init(&q);
	q.protect = protect;
	if (report_parse_dims(&q, views[v].dims, err, sizeof(err)) ||
	    report_parse_measures(&q, views[v].measures, err, sizeof(err))) {
		fprintf(stderr, "leaf_bench: %s: %s\n", views[v].name, err);
		return -1;
	}
	if (views[v].comune)
		snprintf(q.comune, sizeof(q.comune), "%s", views[v].comune);
	if (views[v].province)
		snprintf(q.province, sizeof(q.province), "%s", views[v].province);
	*wall = INT64_MAX;
	*cpu = 1e18;
	for (int i = 0; i <= rounds; i++) {
		struct report r;
		int64_t t0 = now_ms(), c0 = cpu_us(), t, c;
		if (report_run(db, &q, &r, err, sizeof(err))) {
			fprintf(stderr, "leaf_bench: %s: %s\n", views[v].name, err);
			report_free(&r);
			return -1;
		}
		t = now_ms() - t0;
		c = cpu_us() - c0;
		*rows = r.n;
		report_free(&r);
		if (i == 0)
			continue;	/* warm-up: page cache, the comuni table */
		if (t < *wall)
			*wall = t;
		if (c / 1000.0 < *cpu)
			*cpu = c / 1000.0;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct store *db;
	int rounds = argc > 2 ? atoi(argv[2]) : 5, rc = 0;

	if (argc < 2 || argc > 4 || rounds < 1 || rounds > 1000) {
		fprintf(stderr, "usage: leaf_bench DB [ROUNDS [VIEW]]\n");
		return 2;
	}
	db = store_open_existing(argv[1], 0);
	if (!db)
		return 1;
	for (size_t v = 0; v < sizeof(views) / sizeof(views[0]); v++) {
		int64_t pw, ew;
		double pc, ec;
		size_t pr, er;
		if (argc > 3 && strcmp(argv[3], views[v].name))
			continue;
		if (time_view(db, v, 1, rounds, &pw, &pc, &pr) || time_view(db, v, 0, rounds, &ew, &ec, &er)) {
			rc = 1;
			continue;
		}
		printf("%s rows %zu protected_ms %lld protected_cpu_ms %.1f exact_ms %lld exact_cpu_ms %.1f\n",
		       views[v].name, pr, (long long)pw, pc, (long long)ew, ec);
	}
	store_close(db);
	return rc;
}
