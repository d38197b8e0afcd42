/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * libFuzzer target: the kiosk script language's line reader
 * (kiosk/script.c script_parse_line), fed as script_run() feeds it: the
 * input read with fgets() into the same 2048-byte line. The verbs
 * themselves act on a running kiosk (SDL, a database, the sync thread)
 * and are exercised by tests/ui. Besides the sanitizers, it checks that
 * a verb is one word shorter than SCRIPT_VERB_MAX and that its argument
 * lies inside the line, trimmed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kiosk/script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[2048], verb[SCRIPT_VERB_MAX], *arg;
	FILE *f;
	int r;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		memset(verb, 'x', sizeof(verb));
		arg = NULL;
		r = script_parse_line(line, verb, &arg);
		if (r <= 0)
			continue;
		if (!verb[0] || strnlen(verb, sizeof(verb)) == sizeof(verb) || strpbrk(verb, " \t") ||
		    verb[0] == '#')
			abort();
		if (!arg || arg < line || arg > line + strlen(line) || *arg == ' ' || *arg == '\t')
			abort();
		if (*arg && (arg[strlen(arg) - 1] == ' ' || arg[strlen(arg) - 1] == '\n'))
			abort();
	}
	fclose(f);
	return 0;
}
