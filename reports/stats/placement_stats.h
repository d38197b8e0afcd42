/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Placement statistics (issue 19): placements started, completed and
 * dropped out (by reason and month of leaving), trainees with a
 * confirmed register, hours on the job and in the classroom, the
 * attendance rate, the allowance paid and the employment after the end
 * (ended placements followed up, and found employed), for `dote report`, `dote
 * opendata` and the coordinators' /coordinamento/tirocini page. Always
 * protected by the cell key method of the other counts (sdc.h,
 * docs/reports.md, "Placement statistics"):
 *
 *  - counts are sdc_perturb(true count, cell key, stream), the cell key
 *    the sum of the placements' record keys (the application's key, so
 *    the same set of placements has the same value here as in the
 *    application counts: started, completed and dropped out use those
 *    measures' streams);
 *  - sums (hours, EUR) are never published from small cells: each is
 *    the protected count times the protected average (sdc_average: a
 *    perturbed total over the published count, shown only when the true
 *    and the published number of trainees are both at least 10), so
 *    what is published is the perturbed total itself; the attendance
 *    rate is the ratio of two such totals.
 *
 * The month of a row is the month of what it counts: a placement's
 * start (started), its last day (completed, dropped out, followed up,
 * employed after), a register's
 * month (trainees, hours, attendance, allowance). Periods are one month,
 * quarter or year, or all time, as for every protected output.
 * Start at pstat_run().
 */
#ifndef DOTE_REPORTS_PLACEMENT_STATS_H
#define DOTE_REPORTS_PLACEMENT_STATS_H
#include <stddef.h>
#include <stdint.h>
#include "reports/stats/report.h"

enum pstat_dim { PSD_REGION, PSD_PROVINCE, PSD_COMUNE, PSD_MONTH, PSD_QUARTER, PSD_YEAR, PSD_REASON, PSD_N };

enum pstat_measure {
	PSM_STARTED, PSM_COMPLETED, PSM_DROPPED, PSM_COMPLETION_RATE, PSM_TRAINEES, PSM_HOURS,
	PSM_CLASSROOM, PSM_ATTENDANCE, PSM_ALLOWANCE, PSM_FOLLOWED_UP, PSM_EMPLOYED_AFTER, PSM_N
};

/* The counts a row carries (protected each with its own stream). */
enum pstat_count { PSC_STARTED, PSC_COMPLETED, PSC_DROPPED, PSC_TRAINEES, PSC_FOLLOWED, PSC_EMPLOYED, PSC_N };
/* The sums (published only as a perturbed total, sdc_average). */
enum pstat_sum { PSS_EXPECTED, PSS_ATTENDED, PSS_CLASSROOM, PSS_PAID_CENTS, PSS_N };

struct pstat_query {
	/* Period (report_parse_period), geography filters and min_count,
	 * as for report_run; the other fields of base are not used. */
	struct report_query base;
	int dims[REPORT_MAX_DIMS];
	int n_dims;
	int measures[PSM_N];
	int n_measures;
};

enum { PSV_NONE, PSV_COUNT, PSV_NUMBER, PSV_SUPPRESSED };

struct pstat_row {
	char *key[REPORT_MAX_DIMS];
	const char *label[REPORT_MAX_DIMS];	/* static text */
	int64_t count[PSC_N];			/* true, then published */
	uint64_t ckey[PSC_N];
	int64_t sum[PSS_N];			/* true */
	long last_unit;				/* the last placement counted in TRAINEES */
	/* Comune level: the sums of the published values of the row's
	 * comune x month leaves (started, completed, dropped out), which
	 * are published instead below 50 (docs/reports.md, "Issue 20",
	 * rule 4). */
	int64_t leaf_pub[PSC_N];
	unsigned char summed;
	/* After protection: each measure's value and kind (PSV_*). */
	double value[PSM_N];
	unsigned char kind[PSM_N];
};

struct pstat_report {
	struct pstat_query q;
	struct pstat_row *rows;
	size_t n, cap;
	size_t perturbed, suppressed;
	/* A hash of the rows' keys (private). */
	size_t *slots, nslots;
};

void pstat_query_init(struct pstat_query *q);
/* Comma-separated names into q; -1 with a message naming the bad item. */
int pstat_parse_dims(struct pstat_query *q, const char *csv, char *err, size_t errsize);
int pstat_parse_measures(struct pstat_query *q, const char *csv, char *err, size_t errsize);
/* 1 when csv (comma-separated) names at least one placement measure:
 * `dote report` sends such a query here. */
int pstat_wants(const char *csv);

/* Runs q on the hub database: every value protected. 0, or -1 with a
 * message in err (a period that is not one bucket, reason at comune
 * level, a database error). r is always safe to free. */
struct store;
int pstat_run(struct store *db, const struct pstat_query *q, struct pstat_report *r, char *err, size_t errsize);
void pstat_free(struct pstat_report *r);

const char *pstat_dim_name(int d);
const char *pstat_dim_label(int d);		/* Italian header */
const char *pstat_measure_name(int m);
const char *pstat_measure_label(int m);		/* Italian header */
/* The value of measure m as text: a count, a number with its decimals
 * (comma for Excel-IT), '*' when not shown (suppressed), '' when not
 * applicable. */
void pstat_value_text(const struct pstat_row *row, int m, int comma, char *buf, size_t size);

/* CSV (RFC 4180; Excel-IT: ';', decimal comma, BOM) and JSON, malloc'd
 * (free()), *len their length; NULL when out of memory. */
char *pstat_csv(const struct pstat_report *r, int excel_it, size_t *len);
char *pstat_json(const struct pstat_report *r, size_t *len);
#endif
