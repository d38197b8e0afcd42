/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The report engine behind `dote report`, the open-data export and the
 * dashboard: a query (dimensions, measures, filters) is answered from the
 * rollup tables when they cover it (reports/store/rollup.h), else from the raw
 * applications, then protected by the cell key method (reports/stats/sdc.h,
 * docs/reports.md) unless the caller shows a page marked for internal use. The same SQL runs on the hub's SQLite or PostgreSQL
 * database (a struct store, reports/store/store.h). Output formats live in report_format.c (HTML:
 * reports/web/report_html.c).
 *
 * Dimensions: region province comune call placement area office month quarter
 * year applicant_status age_band sex education residence channel (the
 * last from the raw applications only: the rollups do not split by it).
 * Measures: applications applicants seats applications_per_seat selected
 * fill_rate started completed dropped_out dropout_rate days_to_selection
 * sessions views forms submits (the last four: the kiosks' anonymous
 * funnel, by geography and time only).
 */
#ifndef DOTE_REPORTS_REPORT_H
#define DOTE_REPORTS_REPORT_H
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include "reports/stats/sdc.h"

enum report_dim {
	RD_REGION, RD_PROVINCE, RD_COMUNE, RD_CALL, RD_PLACEMENT, RD_AREA, RD_OFFICE,
	RD_MONTH, RD_QUARTER, RD_YEAR,
	RD_APPLICANT_STATUS, RD_AGE_BAND, RD_SEX, RD_EDUCATION, RD_RESIDENCE,
	RD_CHANNEL,		/* how the application arrived: chiosco, carta, pec (issue 18) */
	RD_N
};

enum report_measure {
	RM_APPLICATIONS, RM_APPLICANTS, RM_SEATS, RM_PER_SEAT, RM_SELECTED, RM_FILL_RATE,
	RM_STARTED, RM_COMPLETED, RM_DROPPED, RM_DROPOUT_RATE, RM_DAYS,
	RM_SESSIONS, RM_VIEWS, RM_FORMS, RM_SUBMITS,
	RM_N
};

/* The counts a row carries; measures are built from them. */
enum report_base {
	RB_APPLICATIONS, RB_APPLICANTS, RB_SELECTED, RB_STARTED, RB_COMPLETED, RB_DROPPED,
	RB_SEL_DAYS, RB_SEL_N, RB_SEATS, RB_SESSIONS, RB_VIEWS, RB_FORMS, RB_SUBMITS,
	RB_N
};

enum { REPORT_MAX_DIMS = 4, REPORT_MAX_ROWS = 2000000, REPORT_KEYS = RB_DROPPED + 1 };

struct report_query {
	int dims[REPORT_MAX_DIMS];
	int n_dims;
	int measures[RM_N];
	int n_measures;
	char from[8], to[8];		/* 'YYYY-MM' inclusive, '' = open */
	char region[48];
	char province[3];
	char comune[7];
	char call[24];			/* call code '6/2025' */
	int min_count;			/* 0 = default (5); protected: below 5 is refused, above 5
					 * hides published values 1..min_count-1 */
	/* 1 (the default): the cell key method, and periods only as one
	 * month, quarter or year. 0: exact counts, ONLY for pages marked
	 * "uso interno" shown to staff (never CSV, files or open data). */
	int protect;
	int force_raw;			/* 1: ignore rollups (benchmarks, tests) */
	int trust_rollups;		/* 1: skip the completeness check (the dashboard checks at start) */
};

struct report_row {
	char *key[REPORT_MAX_DIMS];
	char *label[REPORT_MAX_DIMS];
	int64_t base[RB_N];
	unsigned char state[RB_N];	/* enum sdc_state per count */
	unsigned char has[RB_N];	/* 0: not applicable to this row */
	/* The cell keys (sums of record keys) of the counts RB_APPLICATIONS
	 * .. RB_DROPPED, each over its own applications. */
	uint64_t ckey[REPORT_KEYS];
	/* Comune level, protected (docs/reports.md, "Issue 20", rule 4):
	 * the sums of the published values of the row's leaves (comune x
	 * call x month cells; for the kiosk counts comune x month), which
	 * protect_rows publishes instead of perturbing the row's own total. */
	int64_t pub[RB_N];
	unsigned char summed;
};

struct report {
	struct report_query q;
	struct report_row *rows;
	size_t n, cap;
	const char *source;		/* 'rollup_province', 'raw', ... */
	size_t suppressed;		/* values not shown (min_count above 5, averages on few cases) */
	size_t perturbed;		/* counts published through the p-table */
	int64_t ms;			/* time to answer */
};

/* Fills q from comma-separated names; -1 with an Italian/English message
 * in err naming the bad item. */
int report_parse_dims(struct report_query *q, const char *csv, char *err, size_t errsize);
int report_parse_measures(struct report_query *q, const char *csv, char *err, size_t errsize);
/* 'YYYY-MM..YYYY-MM', 'YYYY-MM', 'YYYY', 'YYYY..YYYY', 'YYYY-Qn'. Any
 * range parses; report_run() refuses a protected query whose period is
 * not one bucket (report_period_is_bucket). */
int report_parse_period(struct report_query *q, const char *s, char *err, size_t errsize);
/* 1 when q's period is open, or exactly one month, quarter or year. */
int report_period_is_bucket(const struct report_query *q);
/* A query with defaults (protect on, min_count 5). */
void report_query_init(struct report_query *q);

/* Runs q against db, a SQLite or PostgreSQL hub database: the same SQL,
 * the same figures. Returns 0, or -1 with a message in err (bad filter,
 * unsupported combination, database error). r is always safe to free. */
struct store;
int report_run(struct store *db, const struct report_query *q, struct report *r, char *err, size_t errsize);
/* A database filled without rollup upkeep (dote demo, an import) gets
 * its rollups now rather than during someone's first page view: SQLite
 * migrates and rebuilds them when stale, PostgreSQL rebuilds them when
 * they miss applications (a COUNT(*) of them). 0 or -1. */
int report_rollups_check(struct store *db);
/* The calls a report may be filtered by, newest first, at most 200:
 * *rows (code, title), free with store_res_free. 0 or -1. */
struct store_res;
int report_calls(struct store *db, struct store_res **rows);
/* The first and last month (YYYY-MM) any application was submitted in,
 * each '' when there is none: the open data's period when none is
 * asked for. */
void report_months_span(struct store *db, char *first, size_t fsize, char *last, size_t lsize);
/* Recomputes every rollup from the raw rows on either backend. 0 or -1. */
int report_rollup_rebuild(struct store *db);
void report_free(struct report *r);

/* Value of measure m in row: returns 0 not applicable, 1 count (in *count),
 * 2 rate or average (in *value), 3 suppressed. */
enum { RV_NONE, RV_COUNT, RV_RATE, RV_SUPPRESSED };
int report_value(const struct report_row *row, int m, int64_t *count, double *value);

const char *report_dim_name(int d);
const char *report_dim_label(int d);		/* Italian header */
const char *report_measure_name(int m);
const char *report_measure_label(int m);	/* Italian header */
int report_measure_is_rate(int m);

/* Output formats (report_format.c). Each returns a malloc'd buffer
 * (free()) and its length in *len, or NULL. The HTML page is the web
 * layer's (reports/web/report_html.h). */
enum report_format { REPORT_CSV, REPORT_JSON, REPORT_HTML };
char *report_csv(const struct report *r, int excel_it, size_t *len);
char *report_json(const struct report *r, size_t *len);
/* A CSV of rows x cols cells (row-major, the header first; NULL is an
 * empty cell) written by the same csv_field() as report_csv, so other
 * protected tables (placement_stats.h) get the same quoting. */
char *report_csv_grid(const char *const *cells, size_t rows, int cols, int excel_it, size_t *len);
#endif
