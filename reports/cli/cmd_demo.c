/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `dote demo`: seeds a new database with the deterministic demo network
 * (core/demo.h): for the hub (with past applications for reports) or,
 * with --catalog-only, a kiosk's catalog cache.
 */
#include "reports/cli/command.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/demo.h"
#include "core/util.h"
#include "reports/store/rollup.h"
#include "reports/store/store.h"
#include "reports/store/traineeship.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: dote demo --db FILE [--applications N] [--hosts N] [--seed N]\n"
		   "                 [--today YYYY-MM-DD] [--catalog-only]\n\n"
		   "Seeds a NEW database with a realistic DoteComune network: every Italian comune,\n"
		   "four calls (three closed, one open), placements at N Lombard host comuni\n"
		   "(default 650), one kiosk per host, and N past applications (default 20000)\n"
		   "with realistic skew. Same seed and date, same data.\n"
		   "  --catalog-only   comuni, calls and placements only (a kiosk's cache)\n"
		   "  --no-rollups     leave the reports' rollup tables to be built later\n"
		   "  --drawn N        draw N applications one by one and copy the rest from them\n"
		   "                   (default: all up to 2 million, else 1 million)\n");
}

static int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "applications", required_argument, NULL, 'a' },
		{ "hosts", required_argument, NULL, 'H' },
		{ "seed", required_argument, NULL, 's' },
		{ "today", required_argument, NULL, 't' },
		{ "catalog-only", no_argument, NULL, 'c' },
		{ "no-rollups", no_argument, NULL, 'R' },
		{ "drawn", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct demo_options o = { .seed = 1, .applications = 20000, .hosts = 650 };
	struct demo_stats s;
	const char *path = NULL;
	sqlite3 *db;
	int c, rc, rollups = 1;
	int64_t t0 = now_ms(), t_seed, t_roll;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'a':
			o.applications = strtoll(optarg, &end, 10);
			if (*end || o.applications < 0 || o.applications > 100000000) {
				fprintf(stderr, "dote demo: --applications must be 0..100000000\n");
				return 2;
			}
			break;
		case 'H':
			o.hosts = atoi(optarg);
			if (o.hosts < 1 || o.hosts > 1500) {
				fprintf(stderr, "dote demo: --hosts must be 1..1500\n");
				return 2;
			}
			break;
		case 's': o.seed = strtoull(optarg, NULL, 10); break;
		case 't': o.today = optarg; break;
		case 'c': o.catalog_only = 1; break;
		case 'R': rollups = 0; break;
		case 'D':
			o.drawn = strtoll(optarg, &end, 10);
			if (*end || o.drawn < 1) {
				fprintf(stderr, "dote demo: --drawn must be a positive number\n");
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!path || optind != argc) {
		usage(stderr);
		return 2;
	}
	db = db_open(path, DB_SYNC_FULL);
	if (!db)
		return 1;
	rc = demo_seed(db, &o, &s);
	t_seed = now_ms();
	/* A hub database is ready for reports and the dashboard at once. */
	if (!rc && rollups && !o.catalog_only)
		rc = rollup_rebuild(db);
	t_roll = now_ms();
	rollup_release(db);
	db_close(db);
	if (rc)
		return 1;
	/* Running, completed and dropped-out placements with their
	 * registers, absences and paid months (reports/store/traineeship.h). */
	if (!o.catalog_only) {
		struct store *st = store_open(path);
		char today[11];
		int made = 0;
		if (o.today)
			str_copy(today, sizeof(today), o.today);
		else
			time_date(now_wall(), today, sizeof(today));
		if (!st || traineeship_demo(st, today, 40, &made)) {
			store_close(st);
			return 1;
		}
		store_close(st);
		printf("demo: %d placements with their registers\n", made);
	}
	printf("demo: seed %.1f s, rollups %.1f s, registers %.1f s\n", (t_seed - t0) / 1000.0,
	       (t_roll - t_seed) / 1000.0, (now_ms() - t_roll) / 1000.0);
	printf("demo: %lld calls, %lld placements, %lld kiosks, %lld applications, %lld usage rows "
	       "in %.1f s -> %s\n", (long long)s.calls, (long long)s.placements, (long long)s.kiosks,
	       (long long)s.applications, (long long)s.usage_rows, (now_ms() - t0) / 1000.0, path);
	return 0;
}

DOTE_COMMAND(demo, "demo", "seed a new database with the demo network", cmd_demo)
