/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `dote user add`: creates (or resets) a dashboard account in the hub
 * database (a SQLite path or a postgres:// URL). The password is read from standard input (first line), never
 * from the command line, and stored as an argon2id hash (reports/web/auth.h).
 */
#include "reports/cli/command.h"
#include "reports/web/auth.h"
#include "reports/store/store.h"
#include "core/db.h"
#include "core/util.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: dote user add --db HUBDB|postgres://... --name NAME --role coordinator|comune [--comune ISTAT]\n\n"
		   "Adds a dashboard account, or sets a new password and role for an existing one\n"
		   "(its open sessions end). The password (10 to 256 characters) is read from the\n"
		   "first line of standard input.\n"
		   "  coordinator  sees the whole network (protected figures)\n"
		   "  comune       staff of one comune: its own figures unprotected\n");
}

static int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ "comune", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *path = NULL, *name = NULL, *role = NULL, *comune = "";
	char password[AUTH_PASSWORD_MAX + 4] = "", err[256];
	struct store *db;
	sqlite3 *lite = NULL;
	int c, rc = 1;
	size_t len;

	if (argc < 2 || strcmp(argv[1], "add")) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return 2;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'n': name = optarg; break;
		case 'r': role = optarg; break;
		case 'c': comune = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!path || !name || !role || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!fgets(password, sizeof(password), stdin)) {
		fprintf(stderr, "dote user: give the password on standard input\n");
		return 2;
	}
	len = strlen(password);
	while (len && (password[len - 1] == '\n' || password[len - 1] == '\r'))
		password[--len] = 0;
	if (len > AUTH_PASSWORD_MAX) {
		fprintf(stderr, "dote user: the password is too long (at most %d characters)\n", AUTH_PASSWORD_MAX);
		str_wipe(password, sizeof(password));
		return 2;
	}
	if (!strncmp(path, "postgres://", 11) || !strncmp(path, "postgresql://", 13)) {
		db = store_open_existing(path, 1);
	} else {
		/* SQLite: the file is created when missing, its schema left alone. */
		lite = db_open(path, DB_SYNC_FULL);
		db = lite ? store_sqlite_borrow(lite) : NULL;
	}
	if (!db) {
		db_close(lite);
		str_wipe(password, sizeof(password));
		return 1;
	}
	if (auth_user_add(db, name, role, comune, password, err, sizeof(err))) {
		fprintf(stderr, "dote user: %s\n", err);
		rc = 2;
	} else {
		printf("account '%s' (%s%s%s) saved\n", name, role, comune[0] ? " " : "", comune);
		rc = 0;
	}
	str_wipe(password, sizeof(password));
	store_close(db);
	db_close(lite);
	return rc;
}

DOTE_COMMAND(user, "user", "add or reset a dashboard account (password on stdin)", cmd_user)
