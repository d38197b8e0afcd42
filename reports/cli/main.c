/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `dote`: the command line for coordinators and operators. Start reading
 * at main(); each subcommand is a cmd_*.c file in this folder.
 */
#include "reports/cli/command.h"

#include "reports/stats/sdc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct dote_command *commands;

void dote_command_register(struct dote_command *cmd)
{
	struct dote_command **p = &commands;
	while (*p && strcmp((*p)->name, cmd->name) < 0)
		p = &(*p)->next;
	cmd->next = *p;
	*p = cmd;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: dote COMMAND [ARGS]\n\n"
		   "DoteComune command line for coordinators and operators.\n\nCommands:\n");
	for (struct dote_command *c = commands; c; c = c->next)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'dote COMMAND --help' for a command's options.\n");
}

int cli_min_count(const char *cmd, const char *v, int *min)
{
	char *end;

	*min = (int)strtol(v, &end, 10);
	if (*end || *min < 1 || *min > 1000) {
		fprintf(stderr, "dote %s: --min-count must be a number from %d to 1000\n", cmd, SDC_MIN_COUNT);
		return 2;
	}
	if (*min < SDC_MIN_COUNT) {
		fprintf(stderr, "dote %s: --min-count %d is below the rule: counts from 1 to %d are"
			" never published (see docs/reports.md)\n", cmd, *min, SDC_MIN_COUNT - 1);
		return 2;
	}
	return 0;
}

int cli_hub_readable(const char *cmd, const char *path)
{
	if (strncmp(path, "postgres://", 11) && strncmp(path, "postgresql://", 13) && access(path, R_OK | W_OK)) {
		fprintf(stderr, "dote %s: cannot open the hub database '%s'\n", cmd, path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("dote %s\n", DOTE_VERSION);
		return 0;
	}
	for (struct dote_command *c = commands; c; c = c->next)
		if (!strcmp(c->name, argv[1]))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "dote: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
