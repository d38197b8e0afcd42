/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `dote application`: coordinators' actions on applications in the hub
 * database (SQLite path or postgres:// URL).
 *   dote application status UUID|PROTOCOL STATUS --by NAME [--note TEXT]
 *                           [--at YYYY-MM-DDTHH:MM --place TEXT] [--db HUBDB]
 *   dote application token --name NAME [--db HUBDB]
 * status goes through the selection state machine the comuni's web
 * pages use (reports/store/selection.h): allowed transitions only, a
 * call for interview with its date and place, the audit log, the
 * citizen's e-mail; it keeps the rollups current, and the kiosk learns
 * the new status at its next heartbeat. token prints a new bearer token for the same change over
 * HTTP (POST /v1/status). Exit 0 done, 1 refused, 2 usage or storage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/model.h"
#include "reports/cli/command.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"

static void application_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: dote application status UUID|PROTOCOL STATUS --by NAME [--note TEXT]\n"
		   "                               [--at YYYY-MM-DDTHH:MM --place TEXT] [--db HUBDB]\n"
		   "       dote application token --name NAME [--db HUBDB]\n\nStatuses:");
	for (i = 0; i < application_statuses_n; i++)
		fprintf(f, " %s", application_statuses[i].key);
	fprintf(f, "\nHUBDB is the hub's SQLite file or a postgres:// URL (default: $DOTE_HUB_DB,\n"
		   "else hub.db). interview needs --at (date and time) and --place.\n"
		   "token prints a coordinator token for POST /v1/status.\n");
}

static int cmd_application(int argc, char **argv)
{
	const char *db = getenv("DOTE_HUB_DB"), *by = NULL, *note = "", *name = NULL, *at = NULL, *place = NULL;
	const char *pos[2] = { NULL, NULL };
	struct store *s;
	char err[512], token[80];
	int i, npos = 0, rc = 2;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		application_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (!strcmp(argv[i], "--by") && i + 1 < argc)
			by = argv[++i];
		else if (!strcmp(argv[i], "--note") && i + 1 < argc)
			note = argv[++i];
		else if (!strcmp(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else if (!strcmp(argv[i], "--at") && i + 1 < argc)
			at = argv[++i];
		else if (!strcmp(argv[i], "--place") && i + 1 < argc)
			place = argv[++i];
		else if (argv[i][0] != '-' && npos < 2)
			pos[npos++] = argv[i];
		else {
			application_usage(stderr);
			return 2;
		}
	}
	if (!db || !*db)
		db = "hub.db";
	if (!strcmp(argv[1], "status")) {
		if (npos != 2 || !by) {
			application_usage(stderr);
			return 2;
		}
		s = store_open(db);
		if (!s)
			return 2;
		rc = selection_status_set(s, NULL, pos[0], pos[1], by, note, at, place, err, sizeof(err));
		if (rc == 0)
			printf("%s: %s\n", pos[0], pos[1]);
		else if (rc == 1)
			fprintf(stderr, "dote application: no application '%s'\n", pos[0]);
		else if (rc == 2)
			fprintf(stderr, "dote application: %s\n", err);
		rc = rc == 0 ? 0 : rc > 0 ? 1 : 2;
	} else if (!strcmp(argv[1], "token")) {
		if (!name) {
			application_usage(stderr);
			return 2;
		}
		s = store_open(db);
		if (!s)
			return 2;
		rc = store_coordinator_token(s, name, token, sizeof(token)) ? 2 : 0;
		if (!rc)
			printf("%s\n", token);
	} else {
		application_usage(stderr);
		return 2;
	}
	store_close(s);
	return rc;
}

DOTE_COMMAND(application, "application", "coordinators: change an application's status (hub database)", cmd_application)
