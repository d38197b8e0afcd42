/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `dote cf CODE`: validates a codice fiscale and prints one JSON line
 * (the contract in DESIGN.md). Exit 0 valid, 1 invalid, 2 usage.
 */
#include "reports/cli/command.h"
#include "core/cf.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmd_cf(int argc, char **argv)
{
	struct cf_info info;
	char err[160];
	json_t *o;
	char *s;
	int valid;
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: dote cf CODE\n\nValidates an Italian codice fiscale and prints one JSON line:\n"
		       "  {\"valid\":true,\"sex\":\"F\",\"birth_date\":\"1985-12-10\",\"birthplace\":\"A562\",...}\n"
		       "  {\"valid\":false,\"error\":\"check character should be S\"}\n"
		       "Exit status: 0 valid, 1 invalid, 2 usage error.\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: dote cf CODE\n");
		return 2;
	}
	valid = cf_check(argv[1], NULL, &info, err, sizeof(err)) == 0;
	if (valid)
		o = json_pack("{s:b, s:s, s:s#, s:s, s:s, s:s, s:s, s:i}", "valid", 1, "code", info.code,
			      "sex", &info.sex, (size_t)1, "birth_date", info.birth_date,
			      "birthplace", info.birthplace, "birthplace_name", info.birthplace_name,
			      "province", info.province, "omocodia", info.omocode);
	else
		o = json_pack("{s:b, s:s}", "valid", 0, "error", err);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
	json_decref(o);
	return valid ? 0 : 1;
}

DOTE_COMMAND(cf, "cf", "validate a codice fiscale (JSON line; exit 0 valid, 1 invalid)", cmd_cf)
