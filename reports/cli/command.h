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

#define DOTE_COMMAND(id, name_, summary_, fn) \
	static struct dote_command id##_command = { name_, summary_, fn, 0 }; \
	__attribute__((constructor)) static void id##_register(void) { dote_command_register(&id##_command); }
#endif
