/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Prints the rollups' portable SQL (reports/store/rollup.h) for psql, for
 * tests/e2e/report_postgres.sh: the DDL, then each statement list as
 * PREPARE ing0.. (uuid), st0.. (uuid, old, new), us0.. (day, comune,
 * event, delta) with ?N turned into PostgreSQL's $N. First the record
 * keys' table, a fixed test secret and dote_rkey() (reports/stats/sdc.h).
 */
#include "reports/store/rollup.h"
#include "reports/stats/sdc.h"

#include <stdio.h>

static void prepare(const char *name, const char *const *list, const char *types)
{
	for (int i = 0; list[i]; i++) {
		printf("PREPARE %s%d%s AS ", name, i, types);
		for (const char *p = list[i]; *p; p++)
			putchar(*p == '?' ? '$' : *p);
		printf(";\n");
	}
	printf("-- %s statements: ", name);
	for (int i = 0; list[i]; i++)
		printf("%s%d ", name, i);
	printf("\n");
}

int main(void)
{
	printf("%s\n", sdc_pg_schema_sql);
	printf("INSERT INTO sdc_secret (id, secret) VALUES (1, '%s') ON CONFLICT (id) DO NOTHING;\n",
	       "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7");
	printf("%s;\n", sdc_pg_function_sql);
	for (int i = 0; rollup_schema_sql[i]; i++)
		printf("%s;\n", rollup_schema_sql[i]);
	prepare("ing", rollup_ingest_sql, "(text)");
	prepare("st", rollup_status_sql, "(text, text, text)");
	prepare("us", rollup_usage_sql, "(text, text, text, bigint)");
	return 0;
}
