/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `dote retention`: the erasure of applicants' personal data at the hub
 * (GDPR storage limitation), a set number of days after the ranking of
 * their placement was marked final (reports/store/selection.h).
 *   dote retention show [--days N] [--db HUBDB]
 *   dote retention run --by NAME [--days N] [--db HUBDB]
 *   dote retention set-days N [--db HUBDB]
 * show lists what run would erase now; run erases it and logs who, when
 * and how many (never the data itself). The statistics do not change.
 * Both also cover the running placements' accounting records (issue 19):
 * registers, attendance and allowance of placements that ended more than
 * traineeship_retention_years (default 10) ago. run also does the rest of
 * the hub's periodic job: seat offers past their deadline go to the next
 * in the ranking, and months not confirmed by the deadline are reminded
 * to the comune's office (once), as a cron job does for a hub started
 * with retention_interval_hours = 0.
 * Exit 0 done, 2 usage or storage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/datetime.h"
#include "reports/cli/command.h"
#include "reports/store/replacement.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "reports/store/traineeship.h"

static void retention_usage(FILE *f)
{
	fprintf(f, "usage: dote retention show [--days N] [--db HUBDB]\n"
		   "       dote retention run --by NAME [--days N] [--db HUBDB]\n"
		   "       dote retention set-days N [--db HUBDB]\n\n"
		   "Erases applicants' personal data (codice fiscale, names, phone, e-mail,\n"
		   "birth date and place, notes) N days after the ranking of their placement\n"
		   "was marked final; applications in a placement that is about to start or\n"
		   "running (selected, started) wait until it ends. The statistics keep\n"
		   "their figures. run also expires the seat offers past their deadline and\n"
		   "reminds the registers not confirmed in time, like the hub's periodic job.\n"
		   "N is saved in the hub (set-days; default 180); --days\n"
		   "overrides it for one run. HUBDB: SQLite file or postgres:// URL\n"
		   "(default: $DOTE_HUB_DB, else hub.db).\n");
}

static int parse_days(const char *v)
{
	if (!v || !*v || strlen(v) > 4 || strspn(v, "0123456789") != strlen(v) || atoi(v) > 3650)
		return -2;
	return atoi(v);
}

static int cmd_retention(int argc, char **argv)
{
	const char *db = getenv("DOTE_HUB_DB"), *by = NULL, *pos = NULL;
	struct store *s;
	int i, days = -1, rc = 2;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		retention_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (!strcmp(argv[i], "--by") && i + 1 < argc)
			by = argv[++i];
		else if (!strcmp(argv[i], "--days") && i + 1 < argc) {
			days = parse_days(argv[++i]);
			if (days == -2) {
				fprintf(stderr, "dote retention: --days takes 0 to 3650\n");
				return 2;
			}
		} else if (argv[i][0] != '-' && !pos)
			pos = argv[i];
		else {
			retention_usage(stderr);
			return 2;
		}
	}
	if (!db || !*db)
		db = "hub.db";
	if (!strcmp(argv[1], "set-days") && parse_days(pos) < 0) {
		fprintf(stderr, "dote retention: set-days takes 0 to 3650\n");
		return 2;
	}
	if ((strcmp(argv[1], "show") && strcmp(argv[1], "run") && strcmp(argv[1], "set-days")) ||
	    (strcmp(argv[1], "set-days") && pos) || (!strcmp(argv[1], "run") && !by)) {
		retention_usage(stderr);
		return 2;
	}
	s = store_open(db);
	if (!s)
		return 2;
	if (!strcmp(argv[1], "show"))
		rc = selection_retention_show(s, days, stdout) || traineeship_retention_show(s, -1, stdout) ? 2 : 0;
	else if (!strcmp(argv[1], "run")) {
		rc = selection_retention_run(s, days, by, stdout) ? 2 : 0;
		if (!rc) {
			int n = traineeship_retention(s, -1, by);
			if (n < 0)
				rc = 2;
			else
				printf("traineeships: erased %d ended placements with their registers and allowance records\n", n);
		}
		if (!rc) {
			/* The rest of the hub's periodic job (reports/hub/retention.c),
			 * for a hub run with retention_interval_hours = 0 ("cron does it"). */
			char today[11];
			int e, m;
			time_date(now_wall(), today, sizeof(today));
			e = replacement_expire(s, today, by);
			m = e < 0 ? -1 : traineeship_late_remind(s, today, by);
			if (e < 0 || m < 0)
				rc = 2;
			else
				printf("traineeships: %d seat offers expired; %d late registers reminded\n", e, m);
		}
	}
	else {
		rc = selection_retention_set_days(s, parse_days(pos)) ? 2 : 0;
		if (!rc)
			printf("retention: %d days after a ranking is final\n", parse_days(pos));
	}
	store_close(s);
	return rc;
}

DOTE_COMMAND(retention, "retention", "personal data: show and run its erasure after the rankings (hub database)", cmd_retention)
