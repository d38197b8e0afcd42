/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `dote report`: a statistics table from the hub database (a SQLite
 * path or a PostgreSQL hub's postgres:// URL), chosen by
 * dimensions, measures and filters, as CSV, JSON or a self-contained
 * HTML page. Always protected by the cell key method (reports/stats/sdc.h,
 * docs/reports.md): these files are meant to be shared, so there is no
 * option for exact counts.
 */
#include "reports/cli/command.h"
#include "reports/stats/placement_stats.h"
#include "reports/stats/report.h"
#include "reports/store/rollup.h"
#include "reports/store/store.h"
#include "reports/web/report_html.h"
#include "core/db.h"
#include "core/files.h"
#include "core/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: dote report --db HUBDB|postgres://... --dims D1,D2 --measures M1,M2 [--period FROM..TO]\n"
		"                   [--region NAME] [--province XX] [--comune ISTAT] [--call CODE]\n"
		"                   [--format csv|json|html] [--excel-it] [--min-count N] [-o FILE]\n\n"
		"Network statistics, protected for publication by the cell key method: every\n"
		"count is perturbed by a fixed function of its applications (the same cell always\n"
		"gets the same value), counts from 1 to 4 are published as 0 or 5, and totals\n"
		"need not equal the sum of their rows (docs/reports.md).\n"
		"Dimensions: region province comune call placement area office month quarter year\n"
		"            applicant_status age_band sex education residence (0 to 4)\n"
		"Measures:   applications applicants seats applications_per_seat selected fill_rate\n"
		"            started completed dropped_out dropout_rate days_to_selection\n"
		"            sessions views forms submits\n"
		"Placements: placements_started placements_completed placements_dropped_out\n"
		"            completion_rate trainees hours_on_the_job classroom_hours attendance_rate\n"
		"            allowance_paid_eur (asked alone, by region province comune month quarter\n"
		"            year, and end_reason with placements_dropped_out; sums and rates only\n"
		"            over 10 trainees or more)\n"
		"Period:     one month (2025-03), quarter (2025-Q1 or 2025-01..2025-03) or year (2025)\n"
		"--min-count N  hide published values from 1 to N-1 (N >= 5; below 5 is refused)\n"
		"--excel-it  CSV for Italian spreadsheets: ';' separator, decimal comma, BOM\n"
		"--raw       compute from the raw applications instead of the rollups (slow; checks)\n"
		"--rebuild   recompute the rollups from the raw applications first (after loading\n"
		"            applications into the database without the hub)\n"
		"--timing    print rows, source table and time taken on standard error\n"
		"Values not shown: '*' in CSV, null in JSON, 'riservato' in HTML.\n");
}

static int copy_opt(char *dst, size_t size, const char *src, const char *name)
{
	if (str_copy(dst, size, src) >= size) {
		fprintf(stderr, "dote report: %s is too long\n", name);
		return -1;
	}
	return 0;
}

static int write_out(const char *out, const char *text, size_t len)
{
	if (out)
		return file_write_atomic(out, text, len, 0644) ? -1 : 0;
	if (fwrite(text, 1, len, stdout) != len) {
		fprintf(stderr, "dote report: cannot write the output\n");
		return -1;
	}
	return 0;
}

/* The placement measures (reports/stats/placement_stats.h): their own
 * table, the same protection; q carries the period, filters and
 * --min-count already parsed. Returns the exit code. */
static int placement_report(struct store *db, const struct report_query *q, const char *dims, const char *meas,
			    const char *format, int excel, const char *out)
{
	struct pstat_query pq;
	struct pstat_report r = { 0 };
	char err[512], *text = NULL;
	size_t len = 0;
	int rc = 2;
	pstat_query_init(&pq);
	pq.base = *q;
	if (!strcmp(format, "html")) {
		fprintf(stderr, "dote report: placement measures come as csv or json (the dashboard shows them at"
			" /coordinamento/tirocini)\n");
		return 2;
	}
	if (pstat_parse_dims(&pq, dims, err, sizeof(err)) || pstat_parse_measures(&pq, meas, err, sizeof(err)) ||
	    pstat_run(db, &pq, &r, err, sizeof(err))) {
		fprintf(stderr, "dote report: %s\n", err);
		goto out;
	}
	rc = 1;
	text = !strcmp(format, "json") ? pstat_json(&r, &len) : pstat_csv(&r, excel, &len);
	if (!text) {
		fprintf(stderr, "dote report: the output is too large\n");
		goto out;
	}
	if (write_out(out, text, len))
		goto out;
	rc = 0;
out:
	free(text);
	pstat_free(&r);
	return rc;
}

/* What `dote report` was given besides the query itself. */
struct report_opts {
	const char *path, *out, *dims, *meas, *format;
	int excel, timing, rebuild;
};

/* The command line into q and o: -1 to go on, else the exit code (after
 * the usage or the error). */
static int report_args(int argc, char **argv, struct report_query *q, struct report_opts *o)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "dims", required_argument, NULL, 'D' },
		{ "measures", required_argument, NULL, 'M' },
		{ "period", required_argument, NULL, 'p' },
		{ "region", required_argument, NULL, 'r' },
		{ "province", required_argument, NULL, 'P' },
		{ "comune", required_argument, NULL, 'c' },
		{ "call", required_argument, NULL, 'C' },
		{ "format", required_argument, NULL, 'f' },
		{ "excel-it", no_argument, NULL, 'x' },
		{ "min-count", required_argument, NULL, 'm' },
		{ "raw", no_argument, NULL, 'R' },
		{ "rebuild", no_argument, NULL, 'B' },
		{ "timing", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char err[512];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->path = optarg; break;
		case 'D': o->dims = optarg; break;
		case 'M': o->meas = optarg; break;
		case 'p':
			if (report_parse_period(q, optarg, err, sizeof(err))) {
				fprintf(stderr, "dote report: %s\n", err);
				return 2;
			}
			break;
		case 'r': if (copy_opt(q->region, sizeof(q->region), optarg, "--region")) return 2; break;
		case 'P': if (copy_opt(q->province, sizeof(q->province), optarg, "--province")) return 2; break;
		case 'c': if (copy_opt(q->comune, sizeof(q->comune), optarg, "--comune")) return 2; break;
		case 'C': if (copy_opt(q->call, sizeof(q->call), optarg, "--call")) return 2; break;
		case 'f': o->format = optarg; break;
		case 'x': o->excel = 1; break;
		case 'm': if (cli_min_count("report", optarg, &q->min_count)) return 2; break;
		case 'R': q->force_raw = 1; break;
		case 'B': o->rebuild = 1; break;
		case 'T': o->timing = 1; break;
		case 'o': o->out = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!o->path || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (strcmp(o->format, "csv") && strcmp(o->format, "json") && strcmp(o->format, "html")) {
		fprintf(stderr, "dote report: unknown format '%.20s' (csv, json or html)\n", o->format);
		return 2;
	}
	if (!pstat_wants(o->meas) && ((o->dims[0] && report_parse_dims(q, o->dims, err, sizeof(err))) ||
	    report_parse_measures(q, o->meas, err, sizeof(err)))) {
		fprintf(stderr, "dote report: %s\n", err);
		return 2;
	}
	return -1;
}

/* The report r in o's format, to o->out or stdout: 0, or 1 after saying why not. */
static int report_write(const struct report *r, const struct report_query *q, const struct report_opts *o)
{
	char title[256], *text;
	size_t len = 0;
	int rc = 1;

	if (!strcmp(o->format, "csv")) {
		text = report_csv(r, o->excel, &len);
	} else if (!strcmp(o->format, "json")) {
		text = report_json(r, &len);
	} else {
		size_t off = 0;

		off += (size_t)snprintf(title + off, sizeof(title) - off, "DoteComune: ");
		for (int i = 0; i < q->n_measures && off < sizeof(title); i++)
			off += (size_t)snprintf(title + off, sizeof(title) - off, "%s%s", i ? ", " : "",
						report_measure_label(q->measures[i]));
		for (int i = 0; i < q->n_dims && off < sizeof(title); i++)
			off += (size_t)snprintf(title + off, sizeof(title) - off, "%s%s", i ? " e " : " per ",
						report_dim_label(q->dims[i]));
		text = report_html(r, title, &len);
	}
	if (!text) {
		fprintf(stderr, "dote report: the output is too large\n");
		return 1;
	}
	if (o->out) {
		if (!file_write_atomic(o->out, text, len, 0644))
			rc = 0;
	} else if (fwrite(text, 1, len, stdout) != len) {
		fprintf(stderr, "dote report: cannot write the output\n");
	} else {
		rc = 0;
	}
	free(text);
	return rc;
}

static int cmd_report(int argc, char **argv)
{
	struct report_opts o = { .dims = "", .meas = "applications", .format = "csv" };
	struct report_query q;
	struct report r = { 0 };
	char err[512];
	int rc;
	struct store *db = NULL;

	report_query_init(&q);
	rc = report_args(argc, argv, &q, &o);
	if (rc >= 0)
		return rc;
	if (cli_hub_readable(argv[0], o.path))
		return 1;
	if (!(db = store_open_existing(o.path, 0)))
		return 1;
	if (pstat_wants(o.meas)) {
		rc = placement_report(db, &q, o.dims, o.meas, o.format, o.excel, o.out);
		store_close(db);
		return rc;
	}
	rc = 1;
	if (o.rebuild && report_rollup_rebuild(db)) {
		fprintf(stderr, "dote report: cannot rebuild the statistics tables\n");
		goto out;
	}
	if (report_run(db, &q, &r, err, sizeof(err))) {
		fprintf(stderr, "dote report: %s\n", err);
		rc = 2;
		goto out;
	}
	if (o.timing)
		fprintf(stderr, "dote report: %zu rows from %s in %lld ms\n", r.n, r.source ? r.source : "-",
			(long long)r.ms);
	rc = report_write(&r, &q, &o);
out:
	report_free(&r);
	store_close(db);	/* SQLite: releases its rollup statements too */
	return rc;
}

DOTE_COMMAND(report, "report", "network statistics as CSV, JSON or HTML (protected)", cmd_report)
