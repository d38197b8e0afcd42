/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * libFuzzer target: the catalog a kiosk pulls from its hub (GET
 * /v1/catalog, stored by kiosk/sync.c sync_catalog_apply) and what a
 * citizen types into the search box (kiosk/catalog.c). The input is
 * 'TYPED\nCATALOG-JSON'. The catalog goes into an in-memory kiosk
 * database (core schema, comuni loaded once); then the typed text is
 * searched as the browse screen does, one comune and province-wide, and
 * every call's eligibility rules and every placement's detail are read
 * as the kiosk reads them. Besides the sanitizers, it checks that:
 *  - no typed text makes a search fail (an FTS5 syntax error shows the
 *    citizen an empty list);
 *  - a catalog that was stored can be read back, placement by placement.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/db.h"
#include "core/eligibility.h"
#include "core/util.h"
#include "kiosk/catalog.h"
#include "kiosk/sync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;

static void search(const char *typed, int province_wide)
{
	struct catalog_filter f = {
		.comune = "015146", .comune_name = "Milano", .province_wide = province_wide,
		.only_comune = "", .query = typed, .area = "", .months = 0, .today = "2026-03-01",
	};
	struct catalog_list list = { 0 };
	int page;

	for (page = 0; page < 4 && !list.complete; page++) {
		if (catalog_search(db, &f, &list) < 0) {
			fprintf(stderr, "search for '%s' failed\n", typed);
			abort();
		}
	}
	catalog_list_free(&list);
}

static void read_back(json_t *cat)
{
	json_t *calls = json_object_get(cat, "calls"), *pls = json_object_get(cat, "placements");
	struct placement_detail d;
	struct eligibility_result res;
	struct eligibility_answers a = { 25, "unemployed", "015146", 0 };
	char err[160];
	size_t i;

	for (i = 0; i < json_array_size(calls); i++) {
		const char *rules = json_string_value(json_object_get(json_array_get(calls, i), "rules"));
		if (!rules)
			abort();
		if (!eligibility_validate(rules, err, sizeof(err)) && eligibility_check(rules, &a, &res))
			abort();
		(void)eligibility_check(rules, &a, &res);
	}
	for (i = 0; i < json_array_size(pls); i++) {
		const char *code = json_string_value(json_object_get(json_array_get(pls, i), "code"));
		if (!code || catalog_placement(db, code, &d) != 0) {
			fprintf(stderr, "stored placement '%s' cannot be read back\n", code ? code : "");
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char *typed;
	size_t tlen = nl ? (size_t)(nl - data) : size;
	json_t *cat = NULL;
	char istat[8][7], names[8][64], prov[8][3];

	if (!db) {
		util_quiet(1);
		db = db_open(":memory:", DB_SYNC_NORMAL);
		if (!db)
			abort();
	}
	typed = malloc(tlen + 1);
	if (!typed)
		return 0;
	memcpy(typed, data, tlen);
	typed[tlen] = '\0';
	if (nl)
		cat = json_loadb((const char *)nl + 1, size - tlen - 1, 0, NULL);
	if (cat && !sync_catalog_apply(db, cat))
		read_back(cat);
	json_decref(cat);
	search(typed, 0);
	search(typed, 1);
	if (catalog_comune_suggest(db, typed, istat, names, prov, 8) < 0)
		abort();
	free(typed);
	return 0;
}
