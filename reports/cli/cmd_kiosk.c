/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `dote kiosk`: kiosk enrolment for operators, on the hub database
 * (SQLite path or postgres:// URL, reports/store/store.h).
 *   dote kiosk enroll-code --comune ISTAT [--ttl HOURS] [--db HUBDB]
 *   dote kiosk list [--db HUBDB] [--silent-minutes N] [--outbox-minutes N] [--slow-frame-ms N]
 *   dote kiosk revoke ID [--db HUBDB]
 * Exit 0 done, 1 refused (unknown kiosk, bad comune), 2 usage or storage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/datetime.h"
#include "core/util.h"
#include "reports/cli/command.h"
#include "reports/store/fleet.h"
#include "reports/store/store.h"

static void kiosk_usage(FILE *f)
{
	fprintf(f, "usage: dote kiosk enroll-code --comune ISTAT [--ttl HOURS] [--db HUBDB]\n"
		   "       dote kiosk list [--db HUBDB] [--silent-minutes N] [--outbox-minutes N]\n"
		   "                       [--slow-frame-ms N]\n"
		   "       dote kiosk revoke ID [--db HUBDB]\n\n"
		   "enroll-code prints a one-time code (valid 72 hours by default) that a\n"
		   "kiosk of that comune trades for its id and token (enroll_code in the\n"
		   "kiosk's configuration). revoke stops a kiosk from sending anything and\n"
		   "makes its receipts show as revoked. list shows each kiosk's last\n"
		   "heartbeat, version, outbox depth, printer and frame time, those needing\n"
		   "attention first, with flags: silent/never-seen (no heartbeat for\n"
		   "--silent-minutes, default 30), paper-out, printer (missing or not\n"
		   "answering), outbox-growing (only grew for --outbox-minutes, default\n"
		   "15), slow-frames (over --slow-frame-ms, default 200): the defaults of\n"
		   "the hub's keys kiosk_silent_minutes, outbox_growing_minutes and\n"
		   "slow_frame_ms, which the fleet page uses. HUBDB is the hub's SQLite file or a\n"
		   "postgres:// URL (default: $DOTE_HUB_DB, else hub.db).\n");
}

static int cmd_kiosk(int argc, char **argv)
{
	const char *db = getenv("DOTE_HUB_DB"), *comune = NULL, *arg = NULL, *sub;
	struct store *s;
	struct fleet_thresholds ft = fleet_defaults;
	double ttl_hours = 72;
	char code[32], exp[32];
	int i, rc = 2;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		kiosk_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (!strcmp(argv[i], "--comune") && i + 1 < argc)
			comune = argv[++i];
		else if (!strcmp(argv[i], "--ttl") && i + 1 < argc)
			ttl_hours = atof(argv[++i]);
		else if (!strcmp(argv[i], "--silent-minutes") && i + 1 < argc)
			ft.silent_minutes = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--outbox-minutes") && i + 1 < argc)
			ft.outbox_minutes = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--slow-frame-ms") && i + 1 < argc)
			ft.frame_ms = atoi(argv[++i]);
		else if (argv[i][0] != '-' && !arg)
			arg = argv[i];
		else {
			kiosk_usage(stderr);
			return 2;
		}
	}
	if (!db || !*db)
		db = "hub.db";
	if (strcmp(sub, "enroll-code") && strcmp(sub, "list") && strcmp(sub, "revoke")) {
		kiosk_usage(stderr);
		return 2;
	}
	if ((!strcmp(sub, "enroll-code") && (!comune || ttl_hours <= 0)) ||
	    (!strcmp(sub, "revoke") && !arg)) {
		kiosk_usage(stderr);
		return 2;
	}
	s = store_open(db);
	if (!s)
		return 2;
	if (!strcmp(sub, "enroll-code")) {
		int64_t ttl = (int64_t)(ttl_hours * 3600);

		if (store_enroll_code_create(s, comune, ttl, code, sizeof(code)) == 0) {
			time_iso(now_wall() + (time_t)ttl, exp, sizeof(exp));
			printf("%s\n", code);
			fprintf(stderr, "one-time enrolment code for comune %s, valid until %s\n",
				comune, exp);
			rc = 0;
		} else {
			rc = 1;
		}
	} else if (!strcmp(sub, "list")) {
		rc = fleet_print(s, &ft, stdout) ? 2 : 0;
	} else {
		int r = store_kiosk_revoke(s, arg);

		if (r == 0)
			printf("kiosk %s revoked\n", arg);
		else if (r == 1)
			fprintf(stderr, "dote kiosk: no kiosk '%s'\n", arg);
		rc = r == 0 ? 0 : r == 1 ? 1 : 2;
	}
	store_close(s);
	return rc;
}

DOTE_COMMAND(kiosk, "kiosk", "enrolment codes, list and revocation of kiosks (hub database)", cmd_kiosk)
