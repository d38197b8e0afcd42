/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * libFuzzer target: the codice fiscale as a citizen types or scans it
 * (kiosk), as a kiosk sends it (hub ingest) and as `dote cf` reads it.
 * The input is checked whole with cf_check(); it is also read as
 * 'SURNAME\nNAME\nSEX\nYYYY-MM-DD\nBIRTHPLACE' for cf_compute(). Besides
 * the sanitizers, it checks:
 *  - a code cf_check() accepts is 16 upper-case characters, its fields
 *    filled, and accepted again as normalised;
 *  - a code cf_compute() writes for a known birthplace and a birth date
 *    this century or the last is accepted by cf_check() with that date.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/cf.h"
#include "core/comuni.h"
#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char today[] = "2026-12-03";

static void check_compute(char *s)
{
	char *part[5], out[17], err[128];
	struct cf_info info;
	int i;

	for (i = 0; i < 5; i++) {
		part[i] = s;
		s = strchr(s, '\n');
		if (!s && i < 4)
			return;
		if (s)
			*s++ = '\0';
	}
	if (cf_compute(part[0], part[1], part[2][0], part[3], part[4], out, sizeof(out)))
		return;
	if (strlen(out) != 16)
		abort();
	if (!belfiore_find(part[4]) || strcmp(part[3], "1927-01-01") < 0 ||
	    strcmp(part[3], today) > 0)
		return;
	if (cf_check(out, today, &info, err, sizeof(err))) {
		fprintf(stderr, "cf_compute wrote %s, which cf_check refuses: %s\n", out, err);
		abort();
	}
	if (strcmp(info.birth_date, part[3]) || info.sex != part[2][0] ||
	    strcmp(info.birthplace, part[4])) {
		fprintf(stderr, "cf_compute wrote %s, cf_check reads it otherwise\n", out);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[128];
	struct cf_info info, again;
	size_t i;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (!cf_check(s, today, &info, err, sizeof(err))) {
		if (strlen(info.code) != 16 || (info.sex != 'F' && info.sex != 'M') ||
		    strlen(info.birth_date) != 10 || strlen(info.birthplace) != 4 ||
		    !info.birthplace_name[0] || strlen(info.province) != 2)
			abort();
		for (i = 0; i < 16; i++)
			if (!((info.code[i] >= 'A' && info.code[i] <= 'Z') ||
			      (info.code[i] >= '0' && info.code[i] <= '9')))
				abort();
		if (cf_check(info.code, today, &again, err, sizeof(err)) ||
		    memcmp(&info, &again, sizeof(info)))
			abort();
	} else if (!err[0]) {
		abort();	/* a refusal always says why */
	}
	check_compute(s);
	free(s);
	return 0;
}
