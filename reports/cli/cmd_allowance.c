/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `dote allowance`: a month's allowance for every confirmed register of
 * the network (or of one comune), with the figures that justify each
 * amount: the same lines as the coordinators' page and its CSV
 * (reports/store/traineeship.h, reports/web/allowance.h).
 *   dote allowance --month YYYY-MM [--comune ISTAT] [--csv | --excel-it]
 *                  [--mark-paid --by NAME] [--db HUBDB]
 * Exit 0 done, 2 usage or storage error.
 */
#include "reports/cli/command.h"
#include "reports/store/store.h"
#include "reports/store/traineeship.h"
#include "reports/web/allowance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void allowance_usage(FILE *f)
{
	fprintf(f, "usage: dote allowance --month YYYY-MM [--comune ISTAT] [--csv | --excel-it]\n"
		   "                      [--mark-paid --by NAME] [--db HUBDB]\n\n"
		   "Prints the allowance due for the month to each trainee whose register\n"
		   "the comune's tutor confirmed: expected and signed hours, the attendance\n"
		   "rate, the base for the days due, the amount and why (the call's rule:\n"
		   "threshold, proportional or nothing below it, floor, suspensions unpaid).\n"
		   "--csv and --excel-it (';', decimal commas, a BOM) write the paying\n"
		   "office's file to standard output. --mark-paid records the month as paid\n"
		   "for every confirmed register not yet paid. HUBDB: SQLite file or\n"
		   "postgres:// URL (default: $DOTE_HUB_DB, else hub.db).\n");
}

static int month_ok(const char *m)
{
	return m && strlen(m) == 7 && m[4] == '-' && strspn(m, "0123456789-") == 7 && atoi(m + 5) >= 1 &&
	       atoi(m + 5) <= 12;
}

static int cmd_allowance(int argc, char **argv)
{
	const char *db = getenv("DOTE_HUB_DB"), *month = NULL, *comune = "", *by = NULL;
	struct allowance_line *lines = NULL;
	struct store *s;
	size_t n = 0;
	int csv = 0, excel = 0, paid = 0, rc = 2;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			allowance_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (!strcmp(argv[i], "--month") && i + 1 < argc)
			month = argv[++i];
		else if (!strcmp(argv[i], "--comune") && i + 1 < argc)
			comune = argv[++i];
		else if (!strcmp(argv[i], "--by") && i + 1 < argc)
			by = argv[++i];
		else if (!strcmp(argv[i], "--csv"))
			csv = 1;
		else if (!strcmp(argv[i], "--excel-it"))
			excel = 1;
		else if (!strcmp(argv[i], "--mark-paid"))
			paid = 1;
		else {
			allowance_usage(stderr);
			return 2;
		}
	}
	if (!month_ok(month) || (paid && !by) || (csv && excel)) {
		allowance_usage(stderr);
		return 2;
	}
	if (!db || !*db)
		db = "hub.db";
	s = store_open(db);
	if (!s || traineeship_migrate(s))
		goto out;
	if (paid) {
		int marked = traineeship_mark_paid(s, month, comune, by);
		if (marked < 0)
			goto out;
		fprintf(stderr, "dote allowance: %d registers of %s marked paid\n", marked, month);
	}
	if (traineeship_allowance(s, month, comune, &lines, &n))
		goto out;
	if (csv || excel) {
		size_t len;
		char *text = allowance_csv(lines, n, excel, &len);
		if (!text)
			goto out;
		fwrite(text, 1, len, stdout);
		free(text);
	} else {
		allowance_print(stdout, month, lines, n);
	}
	rc = 0;
out:
	free(lines);
	store_close(s);
	return rc;
}

DOTE_COMMAND(allowance, "allowance", "a month's allowance per trainee, with its figures (CSV for payment)",
	     cmd_allowance)
