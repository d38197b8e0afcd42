/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The `dote` command line: each subcommand lives in its own file
 * (reports/cli/cmd_*.c) and registers itself with DOTE_COMMAND, so adding
 * one touches no shared table. main.c dispatches by name.
 */
#ifndef DOTE_CLI_COMMAND_H
#define DOTE_CLI_COMMAND_H

struct dote_command {
	const char *name;	/* 'cf', 'demo', 'report', ... */
	const char *summary;	/* one line for `dote --help` */
	int (*run)(int argc, char **argv);	/* argv[0] is the command name; returns exit code */
	struct dote_command *next;
};

void dote_command_register(struct dote_command *cmd);

/* --min-count V for `dote CMD` into *min: 0, or 2 after saying why not
 * (a number from SDC_MIN_COUNT to 1000: smaller counts are never published). */
int cli_min_count(const char *cmd, const char *v, int *min);

/* Whether `dote CMD` can open the hub database path (a PostgreSQL URL is
 * left to the store): 0, or 1 after saying it cannot. */
int cli_hub_readable(const char *cmd, const char *path);

#define DOTE_COMMAND(id, name_, summary_, fn) \
	static struct dote_command id##_command = { name_, summary_, fn, 0 }; \
	__attribute__((constructor)) static void id##_register(void) { dote_command_register(&id##_command); }
#endif
